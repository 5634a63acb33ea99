"""``tf.train.Example`` and its parts: TensorFlow's messages of ``core/example/feature.proto`` and
``core/example/example.proto`` (same names, field numbers and packing, so the bytes are
TensorFlow's: a record written here parses in TF and the reverse), declared field by field in a
descriptor pool of their own (as ``run_protos``) and built on first use.

- ``BytesList``, ``FloatList``, ``Int64List``: ``repeated value = 1`` (floats and int64s packed).
- ``Feature``: a oneof ``kind`` of ``bytes_list = 1``, ``float_list = 2``, ``int64_list = 3``.
- ``Features``: ``map<string, Feature> feature = 1``; ``FeatureList``: ``repeated Feature
  feature = 1``; ``FeatureLists``: ``map<string, FeatureList> feature_list = 1``.
- ``Example``: ``Features features = 1``; ``SequenceExample``: ``Features context = 1``,
  ``FeatureLists feature_lists = 2``.
"""

from __future__ import annotations

import functools
import types

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

_OPTIONAL, _REPEATED = 1, 3
_TYPES = {"bytes": 12, "float": 2, "int64": 3, "string": 9, "message": 11}

EXAMPLE_PROTO_NAMES = (
    "BytesList",
    "Example",
    "Feature",
    "FeatureList",
    "FeatureLists",
    "Features",
    "FloatList",
    "Int64List",
    "SequenceExample",
)


def _field(m, name: str, number: int, typ: str, label: int, type_name: str = "", oneof=None):
    fd = m.field.add(name=name, number=number, type=_TYPES[typ], label=label)
    if type_name:
        fd.type_name = f".tensorflow.{type_name}"
    if oneof is not None:
        fd.oneof_index = oneof
    return fd


def _map(m, name: str, value: str) -> None:
    """``map<string, value> name = 1`` as protobuf declares maps: a nested ``...Entry`` type."""
    entry = m.nested_type.add(name=name.title().replace("_", "") + "Entry")
    entry.options.map_entry = True
    _field(entry, "key", 1, "string", _OPTIONAL)
    _field(entry, "value", 2, "message", _OPTIONAL, value)
    fd = m.field.add(name=name, number=1, type=_TYPES["message"], label=_REPEATED)
    fd.type_name = f".tensorflow.{m.name}.{entry.name}"


@functools.cache
def example_protos() -> types.SimpleNamespace:
    """The message classes, built on first use."""
    f = descriptor_pb2.FileDescriptorProto(
        name="tflite_core/example.proto", package="tensorflow", syntax="proto3"
    )
    for name, typ in (("BytesList", "bytes"), ("FloatList", "float"), ("Int64List", "int64")):
        fd = _field(f.message_type.add(name=name), "value", 1, typ, _REPEATED)
        if typ != "bytes":
            fd.options.packed = True
    feature = f.message_type.add(name="Feature")
    feature.oneof_decl.add(name="kind")
    for number, name in enumerate(("BytesList", "FloatList", "Int64List"), start=1):
        field_name = name.replace("List", "_list").lower()
        _field(feature, field_name, number, "message", _OPTIONAL, name, oneof=0)
    _map(f.message_type.add(name="Features"), "feature", "Feature")
    _field(f.message_type.add(name="FeatureList"), "feature", 1, "message", _REPEATED, "Feature")
    _map(f.message_type.add(name="FeatureLists"), "feature_list", "FeatureList")
    _field(f.message_type.add(name="Example"), "features", 1, "message", _OPTIONAL, "Features")
    seq = f.message_type.add(name="SequenceExample")
    _field(seq, "context", 1, "message", _OPTIONAL, "Features")
    _field(seq, "feature_lists", 2, "message", _OPTIONAL, "FeatureLists")
    pool = descriptor_pool.DescriptorPool()
    pool.Add(f)
    return types.SimpleNamespace(
        **{
            n: message_factory.GetMessageClass(pool.FindMessageTypeByName(f"tensorflow.{n}"))
            for n in EXAMPLE_PROTO_NAMES
        }
    )
