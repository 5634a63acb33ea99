"""``tf.train.Example`` and its parts are TensorFlow's messages byte for byte: every message built
here serializes (deterministically) to TF 2.21's bytes for the same content, parses TF's bytes
to the same fields, and keeps TF's field names, oneof and map behaviour."""

from __future__ import annotations

import pytest
import tensorflow as real_tf

import tflite_core as tf

NAMES = [
    "BytesList",
    "Example",
    "Feature",
    "FeatureList",
    "FeatureLists",
    "Features",
    "FloatList",
    "Int64List",
    "SequenceExample",
]


def _example(m):
    feature = {
        "label": m.train.Feature(int64_list=m.train.Int64List(value=[3, -1, 2**40])),
        "pixels": m.train.Feature(float_list=m.train.FloatList(value=[0.5, -1.25, 3e-8])),
        "name": m.train.Feature(bytes_list=m.train.BytesList(value=[b"seven", b"\x00\xff"])),
        "empty": m.train.Feature(),
    }
    return m.train.Example(features=m.train.Features(feature=feature))


def _sequence(m):
    ctx = m.train.Features(
        feature={"id": m.train.Feature(bytes_list=m.train.BytesList(value=[b"s1"]))}
    )
    frames = m.train.FeatureList(
        feature=[
            m.train.Feature(float_list=m.train.FloatList(value=[i, i + 0.5])) for i in range(3)
        ]
    )
    lists = m.train.FeatureLists(feature_list={"frames": frames})
    return m.train.SequenceExample(context=ctx, feature_lists=lists)


@pytest.mark.parametrize("make", [_example, _sequence])
def test_bytes_equal_tfs_both_ways(make):
    ours, theirs = make(tf), make(real_tf.compat.v1)
    assert ours.SerializeToString(deterministic=True) == theirs.SerializeToString(
        deterministic=True
    )
    back = type(ours).FromString(theirs.SerializeToString())
    assert back.SerializeToString(deterministic=True) == ours.SerializeToString(deterministic=True)
    assert type(theirs).FromString(ours.SerializeToString()) == theirs


def test_fields_oneof_and_maps_as_tfs():
    ex = _example(tf)
    f = ex.features.feature
    assert list(f["label"].int64_list.value) == [3, -1, 2**40]
    assert f["pixels"].WhichOneof("kind") == "float_list"
    assert f["empty"].WhichOneof("kind") is None
    f["label"].float_list.value.append(1.0)  # setting another member clears the first
    assert f["label"].WhichOneof("kind") == "float_list" and not f["label"].int64_list.value
    for name in NAMES:
        ours = getattr(tf.train, name).DESCRIPTOR
        theirs = getattr(real_tf.compat.v1.train, name).DESCRIPTOR
        assert ours.full_name == theirs.full_name

        def fields(d):
            return [(x.name, x.number, x.type, x.is_repeated, x.is_packed) for x in d.fields]

        assert fields(ours) == fields(theirs)


def test_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError, match="has no attribute 'Exampel'"):
        tf.train.Exampel  # noqa: B018
