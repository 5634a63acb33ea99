"""``TrackableObjectGraph``: TensorFlow's message of ``core/protobuf/trackable_object_graph.proto``
(same names and field numbers, so the bytes are TensorFlow's), declared here field by field in a
descriptor pool of its own (no package but TensorFlow ships that file).

An object-based checkpoint (``tf.train.Checkpoint``) stores it, serialized, as the scalar string
tensor ``_CHECKPOINTABLE_OBJECT_GRAPH``: one node per trackable object in breadth-first order from
the root (node 0), each with its named children, the tensors it saved (``attributes``: name
``VARIABLE_VALUE``, the variable's ``full_name`` and its ``checkpoint_key``) and, for an
optimizer, its slot variables.
"""

from __future__ import annotations

import functools
import types

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory, wrappers_pb2

OBJECT_GRAPH_PROTO_KEY = "_CHECKPOINTABLE_OBJECT_GRAPH"

_T = {"int32": 5, "bool": 8, "string": 9, "message": 11}


@functools.cache
def trackable_protos() -> types.SimpleNamespace:
    """The message classes, built on first use."""
    pool = descriptor_pool.DescriptorPool()
    wrappers = descriptor_pb2.FileDescriptorProto()
    wrappers_pb2.DESCRIPTOR.CopyToProto(wrappers)
    pool.Add(wrappers)
    f = descriptor_pb2.FileDescriptorProto(
        name="tflite_core/trackable_object_graph.proto",
        package="tensorflow",
        syntax="proto3",
        dependency=["google/protobuf/wrappers.proto"],
    )

    def fields(m: descriptor_pb2.DescriptorProto, spec: list[tuple]) -> None:
        for fname, number, typ, *rest in spec:
            fd = m.field.add(name=fname, number=number, type=_T[typ], label=1)
            if rest and rest[0] == "repeated":
                fd.label = 3
                rest = rest[1:]
            if rest:
                fd.type_name = rest[0]

    graph = f.message_type.add(name="TrackableObjectGraph")
    obj_name = ".tensorflow.TrackableObjectGraph.TrackableObject"
    fields(graph, [("nodes", 1, "message", "repeated", obj_name)])
    obj = graph.nested_type.add(name="TrackableObject")
    fields(
        obj,
        [
            ("children", 1, "message", "repeated", obj_name + ".ObjectReference"),
            ("attributes", 2, "message", "repeated", obj_name + ".SerializedTensor"),
            ("slot_variables", 3, "message", "repeated", obj_name + ".SlotVariableReference"),
            ("registered_saver", 4, "message", ".tensorflow.RegisteredSaver"),
            ("has_checkpoint_values", 5, "message", ".google.protobuf.BoolValue"),
        ],
    )
    fields(
        obj.nested_type.add(name="ObjectReference"),
        [("node_id", 1, "int32"), ("local_name", 2, "string")],
    )
    tensor = obj.nested_type.add(name="SerializedTensor")
    fields(
        tensor,
        [("name", 1, "string"), ("full_name", 2, "string"), ("checkpoint_key", 3, "string")],
    )
    tensor.reserved_range.add(start=4, end=5)
    tensor.reserved_name.append("optional_restore")
    fields(
        obj.nested_type.add(name="SlotVariableReference"),
        [
            ("original_variable_node_id", 1, "int32"),
            ("slot_name", 2, "string"),
            ("slot_variable_node_id", 3, "int32"),
        ],
    )
    fields(
        f.message_type.add(name="RegisteredSaver"),
        [("name", 1, "string"), ("object_name", 2, "string")],
    )
    pool.Add(f)
    desc = pool.FindMessageTypeByName("tensorflow.TrackableObjectGraph")
    cls = message_factory.GetMessageClass(desc)
    return types.SimpleNamespace(TrackableObjectGraph=cls)
