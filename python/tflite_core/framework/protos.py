"""TensorFlow's protobuf messages (Event, Summary, HistogramProto, GraphDef, NodeDef, AttrValue,
TensorProto, TensorShapeProto), taken from the ``tensorboardX`` package, whose ``.proto`` files are
TensorFlow's own (same field numbers, so the bytes are TensorFlow's).

Imported on first use: ``import tensorboardX`` also imports PyTorch when PyTorch is installed, a
cost no program that never writes a summary or a GraphDef should pay.
"""

from __future__ import annotations

import functools
import types


@functools.cache
def protos() -> types.SimpleNamespace:
    from tensorboardX.proto import (
        attr_value_pb2,
        event_pb2,
        graph_pb2,
        node_def_pb2,
        summary_pb2,
        tensor_pb2,
        tensor_shape_pb2,
        versions_pb2,
    )

    return types.SimpleNamespace(
        AttrValue=attr_value_pb2.AttrValue,
        NameAttrList=attr_value_pb2.NameAttrList,
        Event=event_pb2.Event,
        SessionLog=event_pb2.SessionLog,
        LogMessage=event_pb2.LogMessage,
        TaggedRunMetadata=event_pb2.TaggedRunMetadata,
        GraphDef=graph_pb2.GraphDef,
        NodeDef=node_def_pb2.NodeDef,
        Summary=summary_pb2.Summary,
        SummaryMetadata=summary_pb2.SummaryMetadata,
        SummaryDescription=summary_pb2.SummaryDescription,
        HistogramProto=summary_pb2.HistogramProto,
        TensorProto=tensor_pb2.TensorProto,
        TensorShapeProto=tensor_shape_pb2.TensorShapeProto,
        VersionDef=versions_pb2.VersionDef,
    )


# names that `tf.<name>` / `tf.summary.<name>` resolve lazily through these modules' __getattr__
PROTO_NAMES = (
    "AttrValue",
    "Event",
    "GraphDef",
    "HistogramProto",
    "LogMessage",
    "NameAttrList",
    "NodeDef",
    "SessionLog",
    "Summary",
    "SummaryMetadata",
    "TaggedRunMetadata",
    "TensorProto",
    "TensorShapeProto",
    "VersionDef",
)
