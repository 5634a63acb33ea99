"""``tf.io.decode_proto`` and ``tf.io.encode_proto`` side by side with TF 2.21 ``compat.v1`` on
``tensorflow.TensorProto`` and ``tensorflow.Example`` messages (repeated, singular, enum and
sub-message fields; a batch of messages of different counts): the same sizes and padded values,
encoded messages that decode to the same fields, and TF's error for an unknown field."""

from __future__ import annotations

import numpy as np
import tensorflow as real_tf
from tensorflow.core.example import example_pb2, feature_pb2
from tensorflow.core.framework import tensor_pb2

import tflite_core as tf

T = real_tf.compat.v1


def _tensor_protos():
    p = tensor_pb2.TensorProto(dtype=1, float_val=[1.5, 2.5, -3.0], version_number=3)
    p.tensor_shape.dim.add(size=3)
    q = tensor_pb2.TensorProto(dtype=3, int_val=[7], string_val=[b"ab", b""])
    return np.array([[p.SerializeToString(), q.SerializeToString()]], dtype=object)


FIELDS = ["dtype", "float_val", "int_val", "version_number", "tensor_shape", "string_val"]


def _types(m):
    return [m.int32, m.float32, m.int32, m.int32, m.string, m.string]


def _run(m, build):
    with m.Graph().as_default():
        out = build(m)
        with m.Session() as s:
            return s.run(out)


def test_decode_tensor_protos_as_tf():
    data = _tensor_protos()
    build = lambda m: m.io.decode_proto(data, "tensorflow.TensorProto", FIELDS, _types(m))  # noqa: E731
    (ts, tv), (os_, ov) = _run(T, build), _run(tf, build)
    np.testing.assert_array_equal(os_, ts)
    assert len(ov) == len(tv)
    for a, b in zip(tv, ov):
        assert b.dtype == a.dtype and b.shape == a.shape
        assert b.tolist() == a.tolist()


def test_encode_then_decode_as_tf():
    data = _tensor_protos()

    def build(m):
        sizes, values = m.io.decode_proto(data, "tensorflow.TensorProto", FIELDS, _types(m))
        enc = m.io.encode_proto(sizes, values, FIELDS, "tensorflow.TensorProto")
        return m.io.decode_proto(enc, "tensorflow.TensorProto", FIELDS, _types(m))

    theirs, ours = _run(T, build), _run(tf, build)
    np.testing.assert_array_equal(ours[0], theirs[0])
    for a, b in zip(theirs[1], ours[1]):
        assert b.tolist() == a.tolist()


def test_decode_example_sub_messages_as_tf():
    e = example_pb2.Example()
    e.features.feature["x"].float_list.value.extend([1.0, 2.0])
    data = [e.SerializeToString(), b""]
    build = lambda m: m.io.decode_proto(data, "tensorflow.Example", ["features"], [m.string])  # noqa: E731
    (ts, tv), (os_, ov) = _run(T, build), _run(tf, build)
    np.testing.assert_array_equal(os_, ts)
    parsed = feature_pb2.Features.FromString(ov[0][0, 0])
    assert list(parsed.feature["x"].float_list.value) == [1.0, 2.0]
    assert tv[0][1].tolist() == ov[0][1].tolist() == [b""]


def test_unknown_field_is_an_error():
    names = []
    for m in (T, tf):
        with m.Graph().as_default():
            try:
                out = m.io.decode_proto(
                    _tensor_protos(), "tensorflow.TensorProto", ["nope"], [m.int32]
                )
                with m.Session() as s:
                    s.run(out)
                names.append(None)
            except (m.errors.OpError, ValueError) as e:
                names.append(type(e).__name__)
    assert names[1] in ("InvalidArgumentError",) and names[0] is not None
