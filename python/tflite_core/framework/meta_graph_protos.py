"""``MetaGraphDef`` and the messages it holds (``MetaInfoDef``, ``CollectionDef``, ``SaverDef``,
``VariableDef``, ``SignatureDef``, ``TensorInfo``, ``AssetFileDef``), the ``SavedModel`` that
holds them (``saved_model.proto``) and the function library
of a ``GraphDef`` (``FunctionDefLibrary``, ``FunctionDef``, ``OpDef``: the fields the importer
reads): TensorFlow's messages of ``core/protobuf/meta_graph.proto``, ``saver.proto``,
``core/framework/variable.proto``, ``function.proto`` and ``op_def.proto``
(same names and field numbers, so the bytes are TensorFlow's), declared here field by field in
a descriptor pool of their own, beside copies of the ``GraphDef`` family of messages that
``protos()`` takes from tensorboardX (a ``MetaGraphDef``'s ``graph_def`` is a ``GraphDef``).
"""

from __future__ import annotations

import functools
import types

from google.protobuf import any_pb2, descriptor_pb2, descriptor_pool, message_factory

_T = {"float": 2, "int64": 3, "int32": 5, "bool": 8, "string": 9, "message": 11, "bytes": 12}
_T["enum"] = 14


def _add_file(pool, module) -> None:
    fdp = descriptor_pb2.FileDescriptorProto()
    module.DESCRIPTOR.CopyToProto(fdp)
    pool.Add(fdp)


@functools.cache
def meta_protos() -> types.SimpleNamespace:
    """The message classes, built on first use."""
    from tensorboardX.proto import (  # (deferred: see protos.py)
        attr_value_pb2,
        graph_pb2,
        node_def_pb2,
        resource_handle_pb2,
        tensor_pb2,
        tensor_shape_pb2,
        types_pb2,
        versions_pb2,
    )

    pool = descriptor_pool.DescriptorPool()
    for module in (
        any_pb2,
        types_pb2,
        resource_handle_pb2,
        tensor_shape_pb2,
        tensor_pb2,
        attr_value_pb2,
        node_def_pb2,
        versions_pb2,
        graph_pb2,
    ):
        _add_file(pool, module)
    f = descriptor_pb2.FileDescriptorProto(
        name="tflite_core/meta_graph.proto", package="tensorflow", syntax="proto3"
    )
    f.dependency.extend(["google/protobuf/any.proto", "tensorboardX/proto/graph.proto"])
    f.dependency.extend(["tensorboardX/proto/tensor_shape.proto", "tensorboardX/proto/types.proto"])
    f.dependency.extend(
        ["tensorboardX/proto/node_def.proto", "tensorboardX/proto/attr_value.proto"]
    )
    f.dependency.append("tensorboardX/proto/tensor.proto")

    def message(parent, name: str, fields: list[tuple]):
        m = parent.add(name=name)
        for fname, number, typ, *rest in fields:
            fd = m.field.add(name=fname, number=number, type=_T[typ], label=1)
            if rest and rest[0] == "repeated":
                fd.label = 3
                rest = rest[1:]
            if rest:
                fd.type_name = rest[0]
        return m

    def map_field(m, fname: str, number: int, value_type: str, value_name: str = ""):
        entry = "".join(p.capitalize() for p in fname.split("_")) + "Entry"
        e = message(m.nested_type, entry, [("key", 1, "string"), ("value", 2, value_type)])
        if value_name:
            e.field[1].type_name = value_name
        e.options.map_entry = True
        m.field.add(
            name=fname, number=number, type=11, label=3, type_name=f".tensorflow.{m.name}.{entry}"
        )

    top = f.message_type
    info = message(
        top,
        "MetaInfoDef",
        [
            ("meta_graph_version", 1, "string"),
            ("any_info", 3, "message", ".google.protobuf.Any"),
            ("tags", 4, "string", "repeated"),
            ("tensorflow_version", 5, "string"),
            ("tensorflow_git_version", 6, "string"),
            ("stripped_default_attrs", 7, "bool"),
        ],
    )
    map_field(info, "function_aliases", 8, "string")
    col = message(top, "CollectionDef", [])
    for i, (kind, typ) in enumerate(
        (("Node", "string"), ("Bytes", "bytes"), ("Int64", "int64"), ("Float", "float")), 1
    ):
        message(col.nested_type, f"{kind}List", [("value", 1, typ, "repeated")])
        col.field.add(
            name=f"{kind.lower()}_list",
            number=i,
            type=11,
            label=1,
            type_name=f".tensorflow.CollectionDef.{kind}List",
            oneof_index=0,
        )
    any_value = ("value", 1, "message", "repeated", ".google.protobuf.Any")
    message(col.nested_type, "AnyList", [any_value])
    col.field.add(
        name="any_list",
        number=5,
        type=11,
        label=1,
        type_name=".tensorflow.CollectionDef.AnyList",
        oneof_index=0,
    )
    col.oneof_decl.add(name="kind")
    saver = message(
        top,
        "SaverDef",
        [
            ("filename_tensor_name", 1, "string"),
            ("save_tensor_name", 2, "string"),
            ("restore_op_name", 3, "string"),
            ("max_to_keep", 4, "int32"),
            ("sharded", 5, "bool"),
            ("keep_checkpoint_every_n_hours", 6, "float"),
            ("version", 7, "enum", ".tensorflow.SaverDef.CheckpointFormatVersion"),
        ],
    )
    version = saver.enum_type.add(name="CheckpointFormatVersion")
    for i, n in enumerate(("LEGACY", "V1", "V2")):
        version.value.add(name=n, number=i)
    message(
        top,
        "SaveSliceInfoDef",
        [
            ("full_name", 1, "string"),
            ("full_shape", 2, "int64", "repeated"),
            ("var_offset", 3, "int64", "repeated"),
            ("var_shape", 4, "int64", "repeated"),
        ],
    )
    message(
        top,
        "VariableDef",
        [
            ("variable_name", 1, "string"),
            ("initializer_name", 2, "string"),
            ("snapshot_name", 3, "string"),
            ("save_slice_info_def", 4, "message", ".tensorflow.SaveSliceInfoDef"),
            ("is_resource", 5, "bool"),
            ("initial_value_name", 6, "string"),
            ("trainable", 7, "bool"),
            ("synchronization", 8, "int32"),
            ("aggregation", 9, "int32"),
        ],
    )
    info = message(
        top,
        "TensorInfo",
        [
            ("name", 1, "string"),
            ("dtype", 2, "enum", ".tensorboardX.DataType"),
            ("tensor_shape", 3, "message", ".tensorboardX.TensorShapeProto"),
            ("coo_sparse", 4, "message", ".tensorflow.TensorInfo.CooSparse"),
        ],
    )
    message(
        info.nested_type,
        "CooSparse",
        [
            ("values_tensor_name", 1, "string"),
            ("indices_tensor_name", 2, "string"),
            ("dense_shape_tensor_name", 3, "string"),
        ],
    )
    info.oneof_decl.add(name="encoding")  # (TF's third member, composite_tensor, is left out)
    info.field[0].oneof_index = info.field[3].oneof_index = 0
    sig = message(top, "SignatureDef", [("method_name", 3, "string")])
    map_field(sig, "inputs", 1, "message", ".tensorflow.TensorInfo")
    map_field(sig, "outputs", 2, "message", ".tensorflow.TensorInfo")
    map_field(sig, "defaults", 4, "message", ".tensorboardX.TensorProto")
    message(
        top,
        "AssetFileDef",
        [("tensor_info", 1, "message", ".tensorflow.TensorInfo"), ("filename", 2, "string")],
    )
    meta = message(
        top,
        "MetaGraphDef",
        [
            ("meta_info_def", 1, "message", ".tensorflow.MetaInfoDef"),
            ("graph_def", 2, "message", ".tensorboardX.GraphDef"),
            ("saver_def", 3, "message", ".tensorflow.SaverDef"),
            ("asset_file_def", 6, "message", "repeated", ".tensorflow.AssetFileDef"),
        ],
    )
    map_field(meta, "collection_def", 4, "message", ".tensorflow.CollectionDef")
    map_field(meta, "signature_def", 5, "message", ".tensorflow.SignatureDef")
    # saved_model.proto: the file saved_model.pb of a SavedModel directory
    message(
        top,
        "SavedModel",
        [
            ("saved_model_schema_version", 1, "int64"),
            ("meta_graphs", 2, "message", "repeated", ".tensorflow.MetaGraphDef"),
        ],
    )
    # function libraries (function.proto, op_def.proto): what import_graph_def reads of them
    op_def = message(
        top,
        "OpDef",
        [("name", 1, "string"), ("control_output", 20, "string", "repeated")],
    )
    message(
        op_def.nested_type,
        "ArgDef",
        [
            ("name", 1, "string"),
            ("type", 3, "enum", ".tensorboardX.DataType"),
            ("type_attr", 4, "string"),
            ("number_attr", 5, "string"),
            ("type_list_attr", 6, "string"),
            ("is_ref", 16, "bool"),
        ],
    )
    for fname, number in (("input_arg", 2), ("output_arg", 3)):
        op_def.field.add(
            name=fname, number=number, type=11, label=3, type_name=".tensorflow.OpDef.ArgDef"
        )
    fn = message(
        top,
        "FunctionDef",
        [
            ("signature", 1, "message", ".tensorflow.OpDef"),
            ("node_def", 3, "message", "repeated", ".tensorboardX.NodeDef"),
        ],
    )
    map_field(fn, "ret", 4, "string")
    map_field(fn, "attr", 5, "message", ".tensorboardX.AttrValue")
    map_field(fn, "control_ret", 6, "string")
    message(
        top,
        "FunctionDefLibrary",
        [("function", 1, "message", "repeated", ".tensorflow.FunctionDef")],
    )
    # a GraphDef's field 2, the library (tensorboardX's GraphDef leaves it out)
    message(top, "GraphLibrary", [("library", 2, "message", ".tensorflow.FunctionDefLibrary")])
    pool.Add(f)

    def cls(name: str) -> type:
        return message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{name}"))

    names = ["MetaGraphDef", "MetaInfoDef", "CollectionDef", "SaverDef", "SaveSliceInfoDef"]
    names += ["VariableDef", "TensorInfo", "SignatureDef", "AssetFileDef"]
    names += ["OpDef", "FunctionDef", "FunctionDefLibrary", "GraphLibrary", "SavedModel"]
    return types.SimpleNamespace(**{n: cls(n) for n in names})


# names that `tf.<name>` resolves lazily through these messages (TF's top-level ones)
META_PROTO_NAMES = ("MetaGraphDef", "TensorInfo")
