"""``tf.io``: TFRecord files, ``tf.train.Example`` parsing, raw bytes and files as string
tensors (the package's own ``io/`` subpackage holds the file formats; this module is the public
namespace, bound to ``tf.io`` by the package's ``__init__``)."""

from __future__ import annotations

from .io import gfile
from .io.event_writer import write_graph
from .io.tf_record import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)
from .ops.file_ops import matching_files, read_file, write_file
from .ops.parsing_ops import (
    FixedLenFeature,
    VarLenFeature,
    decode_raw,
    parse_example,
    parse_single_example,
)

__all__ = [
    "FixedLenFeature",
    "TFRecordCompressionType",
    "TFRecordOptions",
    "TFRecordWriter",
    "VarLenFeature",
    "decode_raw",
    "gfile",
    "matching_files",
    "parse_example",
    "parse_single_example",
    "read_file",
    "tf_record_iterator",
    "write_file",
    "write_graph",
]
