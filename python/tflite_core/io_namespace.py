"""``tf.io``: TFRecord files, ``tf.train.Example`` parsing, raw bytes, image codecs and files as
string tensors (the package's own ``io/`` subpackage holds the file formats; this module is the
public namespace, bound to ``tf.io`` by the package's ``__init__``)."""

from __future__ import annotations

from .io import gfile
from .io.event_writer import write_graph
from .io.tf_record import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)
from .ops.data_flow_ops import (
    PaddingFIFOQueue,
    PriorityQueue,
    QueueBase,
    RandomShuffleQueue,
)
from .ops.file_ops import matching_files, read_file, write_file
from .ops.image_codec_ops import (
    decode_and_crop_jpeg,
    decode_bmp,
    decode_gif,
    decode_image,
    decode_jpeg,
    decode_png,
    decode_webp,
    extract_jpeg_shape,
)
from .ops.image_encode_ops import encode_jpeg, encode_png, is_jpeg
from .ops.json_example_ops import decode_json_example
from .ops.parsing_ops import (
    FixedLenFeature,
    SparseFeature,
    VarLenFeature,
    decode_raw,
    parse_example,
    parse_single_example,
)
from .ops.proto_ops import decode_proto, encode_proto
from .ops.sequence_parsing_ops import (
    FixedLenSequenceFeature,
    parse_sequence_example,
    parse_single_sequence_example,
)
from .ops.serialization_ops import decode_compressed, decode_csv, parse_tensor, serialize_tensor
from .ops.sparse_serialization_ops import (
    deserialize_many_sparse,
    serialize_many_sparse,
    serialize_sparse,
)
from .ops.string_ops import decode_base64, encode_base64
from .training.input import match_filenames_once

__all__ = [
    "FixedLenFeature",
    "FixedLenSequenceFeature",
    "PaddingFIFOQueue",
    "PriorityQueue",
    "QueueBase",
    "RandomShuffleQueue",
    "SparseFeature",
    "TFRecordCompressionType",
    "TFRecordOptions",
    "TFRecordWriter",
    "VarLenFeature",
    "decode_and_crop_jpeg",
    "decode_base64",
    "decode_bmp",
    "decode_compressed",
    "decode_csv",
    "decode_gif",
    "decode_image",
    "decode_jpeg",
    "decode_json_example",
    "decode_png",
    "decode_proto",
    "decode_raw",
    "decode_webp",
    "deserialize_many_sparse",
    "encode_base64",
    "encode_jpeg",
    "encode_png",
    "encode_proto",
    "extract_jpeg_shape",
    "gfile",
    "is_jpeg",
    "match_filenames_once",
    "matching_files",
    "parse_example",
    "parse_sequence_example",
    "parse_single_example",
    "parse_single_sequence_example",
    "parse_tensor",
    "read_file",
    "serialize_many_sparse",
    "serialize_sparse",
    "serialize_tensor",
    "tf_record_iterator",
    "write_file",
    "write_graph",
]
