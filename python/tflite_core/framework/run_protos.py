"""``RunOptions``, ``RunMetadata`` and ``StepStats``: TensorFlow's messages of
``core/protobuf/config.proto`` and ``core/framework/step_stats.proto`` (same names and field
numbers, so the bytes are TensorFlow's and TensorBoard reads them), declared here field by
field in a descriptor pool of their own (no package but TensorFlow ships these files; a pool of
their own keeps them apart from TensorFlow's when both are imported).

The fields a Session uses are declared: ``RunOptions`` (trace level, timeout, thread pool,
partition graphs, OOM report), ``RunMetadata.step_stats`` with per-node start and end times.
"""

from __future__ import annotations

import functools
import types

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_T = {  # FieldDescriptorProto types
    "int64": 3,
    "int32": 5,
    "bool": 8,
    "string": 9,
    "message": 11,
    "uint32": 13,
    "enum": 14,
}


@functools.cache
def run_protos() -> types.SimpleNamespace:
    """The message classes, built on first use."""
    f = descriptor_pb2.FileDescriptorProto(
        name="tflite_core/run_metadata.proto", package="tensorflow", syntax="proto3"
    )

    def message(name: str, fields: list[tuple]) -> descriptor_pb2.DescriptorProto:
        m = f.message_type.add(name=name)
        for fname, number, typ, *rest in fields:
            fd = m.field.add(name=fname, number=number, type=_T[typ], label=1)
            if rest and rest[0] == "repeated":
                fd.label = 3
                rest = rest[1:]
            if rest:
                fd.type_name = rest[0]
        return m

    ro = message(
        "RunOptions",
        [
            ("trace_level", 1, "enum", ".tensorflow.RunOptions.TraceLevel"),
            ("timeout_in_ms", 2, "int64"),
            ("inter_op_thread_pool", 3, "int32"),
            ("output_partition_graphs", 5, "bool"),
            ("report_tensor_allocations_upon_oom", 7, "bool"),
        ],
    )
    level = ro.enum_type.add(name="TraceLevel")
    for i, n in enumerate(("NO_TRACE", "SOFTWARE_TRACE", "HARDWARE_TRACE", "FULL_TRACE")):
        level.value.add(name=n, number=i)
    message(
        "NodeExecStats",
        [
            ("node_name", 1, "string"),
            ("all_start_micros", 2, "int64"),
            ("op_start_rel_micros", 3, "int64"),
            ("op_end_rel_micros", 4, "int64"),
            ("all_end_rel_micros", 5, "int64"),
            ("timeline_label", 8, "string"),
            ("scheduled_micros", 9, "int64"),
            ("thread_id", 10, "uint32"),
            ("all_start_nanos", 13, "int64"),
            ("op_start_rel_nanos", 14, "int64"),
            ("op_end_rel_nanos", 15, "int64"),
            ("all_end_rel_nanos", 16, "int64"),
            ("scheduled_nanos", 17, "int64"),
        ],
    )
    message(
        "DeviceStepStats",
        [
            ("device", 1, "string"),
            ("node_stats", 2, "message", "repeated", ".tensorflow.NodeExecStats"),
        ],
    )
    message("StepStats", [("dev_stats", 1, "message", "repeated", ".tensorflow.DeviceStepStats")])
    message("RunMetadata", [("step_stats", 1, "message", ".tensorflow.StepStats")])
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)

    def cls(name: str) -> type:
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{name}"))

    return types.SimpleNamespace(
        RunOptions=cls("RunOptions"),
        RunMetadata=cls("RunMetadata"),
        StepStats=cls("StepStats"),
        DeviceStepStats=cls("DeviceStepStats"),
        NodeExecStats=cls("NodeExecStats"),
    )


RUN_PROTO_NAMES = ("RunOptions", "RunMetadata")
