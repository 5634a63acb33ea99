"""``tf.strings``: the string ops (TF 1.x's ``tf.compat.v1.strings`` names), run in Python on
object arrays of ``bytes`` (``ops/string_ops.py`` and its sibling ``string_*_ops.py`` files).

``bytes_split``, ``unicode_decode*`` and ``unicode_split*`` return RaggedTensors for non-scalar
inputs (``ops/ragged_string_ops.py``). Not here: ``unicode_script`` (ICU's script table);
``ngrams`` takes dense tensors only.
"""

from __future__ import annotations

from .ops.ragged_string_ops import string_bytes_split as bytes_split
from .ops.ragged_string_ops import (
    unicode_decode,
    unicode_decode_with_offsets,
    unicode_split,
    unicode_split_with_offsets,
)
from .ops.string_convert_ops import as_string
from .ops.string_convert_ops import string_format as format
from .ops.string_convert_ops import string_to_number as to_number
from .ops.string_hash_ops import string_to_hash_bucket as to_hash_bucket
from .ops.string_hash_ops import string_to_hash_bucket_fast as to_hash_bucket_fast
from .ops.string_hash_ops import string_to_hash_bucket_strong as to_hash_bucket_strong
from .ops.string_ngrams_ops import ngrams
from .ops.string_ops import lower, substr, upper
from .ops.string_ops import string_join as join
from .ops.string_ops import string_length as length
from .ops.string_ops import string_strip as strip
from .ops.string_reduce_ops import reduce_join, unsorted_segment_join
from .ops.string_regex_ops import regex_full_match, regex_replace
from .ops.string_split_ops import strings_split as split
from .ops.string_unicode_ops import unicode_encode, unicode_transcode

__all__ = [
    "as_string",
    "bytes_split",
    "format",
    "join",
    "length",
    "lower",
    "ngrams",
    "reduce_join",
    "regex_full_match",
    "regex_replace",
    "split",
    "strip",
    "substr",
    "to_hash_bucket",
    "to_hash_bucket_fast",
    "to_hash_bucket_strong",
    "to_number",
    "unicode_decode",
    "unicode_decode_with_offsets",
    "unicode_encode",
    "unicode_split",
    "unicode_split_with_offsets",
    "unicode_transcode",
    "unsorted_segment_join",
    "upper",
]
