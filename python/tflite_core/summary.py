"""``tf.summary``: summary ops and the event-file writer that TensorBoard reads."""

from __future__ import annotations

from .framework.protos import PROTO_NAMES, protos
from .io.event_writer import FileWriter, FileWriterCache
from .ops.summary_media_ops import (
    all_v2_summary_ops,
    audio,
    get_summary_description,
    image,
    tensor_summary,
    text,
)
from .ops.summary_ops import histogram, merge, merge_all, scalar
from .training.summary_ops_v2 import initialize

__all__ = [
    "FileWriter",
    "FileWriterCache",
    "all_v2_summary_ops",
    "audio",
    "get_summary_description",
    "histogram",
    "image",
    "initialize",
    "merge",
    "merge_all",
    "scalar",
    "tensor_summary",
    "text",
]


def __getattr__(name: str):  # tf.summary.Summary, tf.summary.Event, ... (protobuf classes)
    if name in PROTO_NAMES or name == "SummaryDescription":
        return getattr(protos(), name)
    raise AttributeError(f"module 'tflite_core.summary' has no attribute {name!r}")
