"""``tf.data``: datasets and their iterators (TF 1.x's ``tf.compat.v1.data``)."""

from .data.dataset_ops import (
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Options,
    get_output_classes,
    get_output_shapes,
    get_output_types,
    make_initializable_iterator,
    make_one_shot_iterator,
)
from .data.dataset_ops import DatasetV1 as Dataset
from .data.dataset_ops import FixedLengthRecordDatasetV1 as FixedLengthRecordDataset
from .data.dataset_ops import TextLineDatasetV1 as TextLineDataset
from .data.dataset_ops import TFRecordDatasetV1 as TFRecordDataset
from .data.iterator_ops import Iterator
from .data.structure import TensorSpec

__all__ = [
    "AUTOTUNE",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "Dataset",
    "FixedLengthRecordDataset",
    "Iterator",
    "Options",
    "TFRecordDataset",
    "TensorSpec",
    "TextLineDataset",
    "get_output_classes",
    "get_output_shapes",
    "get_output_types",
    "make_initializable_iterator",
    "make_one_shot_iterator",
]
