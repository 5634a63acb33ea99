"""``JobDef``, ``ClusterDef`` and ``ServerDef``: TensorFlow's messages of
``core/protobuf/cluster.proto`` and ``tensorflow_server.proto`` (same names and field numbers, so
the bytes are TensorFlow's), declared field by field in a descriptor pool of their own (as
``run_protos``) and built on first use.

``ServerDef``'s ``default_session_config`` (4, a ``ConfigProto``) and ``cluster_device_filters``
(7) are not declared: a message that has them keeps them as unknown fields, so they survive a
parse and serialize round trip.
"""

from __future__ import annotations

import functools
import types

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_INT32, _STRING, _MESSAGE = 5, 9, 11  # FieldDescriptorProto types
_OPTIONAL, _REPEATED = 1, 3


@functools.cache
def cluster_protos() -> types.SimpleNamespace:
    """The message classes, built on first use."""
    f = descriptor_pb2.FileDescriptorProto(
        name="tflite_core/cluster.proto", package="tensorflow", syntax="proto3"
    )

    def field(m: descriptor_pb2.DescriptorProto, name: str, number: int, typ: int, **kw) -> None:
        m.field.add(name=name, number=number, type=typ, label=kw.pop("label", _OPTIONAL), **kw)

    job = f.message_type.add(name="JobDef")
    field(job, "name", 1, _STRING)
    entry = job.nested_type.add(name="TasksEntry")  # map<int32, string> tasks = 2
    entry.options.map_entry = True
    field(entry, "key", 1, _INT32)
    field(entry, "value", 2, _STRING)
    field(job, "tasks", 2, _MESSAGE, label=_REPEATED, type_name=".tensorflow.JobDef.TasksEntry")

    cluster = f.message_type.add(name="ClusterDef")
    field(cluster, "job", 1, _MESSAGE, label=_REPEATED, type_name=".tensorflow.JobDef")

    server = f.message_type.add(name="ServerDef")
    field(server, "cluster", 1, _MESSAGE, type_name=".tensorflow.ClusterDef")
    field(server, "job_name", 2, _STRING)
    field(server, "task_index", 3, _INT32)
    field(server, "protocol", 5, _STRING)
    field(server, "port", 6, _INT32)
    field(server, "replica", 8, _INT32)

    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)

    def cls(name: str) -> type:
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{name}"))

    return types.SimpleNamespace(
        JobDef=cls("JobDef"), ClusterDef=cls("ClusterDef"), ServerDef=cls("ServerDef")
    )


CLUSTER_PROTO_NAMES = ("JobDef", "ClusterDef", "ServerDef")
