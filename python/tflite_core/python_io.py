"""``tf.python_io`` (TF 1.x): TFRecord files read and written from Python."""

from __future__ import annotations

from .io.tf_record import (
    TFRecordCompressionType,
    TFRecordOptions,
    TFRecordWriter,
    tf_record_iterator,
)

__all__ = ["TFRecordCompressionType", "TFRecordOptions", "TFRecordWriter", "tf_record_iterator"]
