"""``serialize_sparse``, ``serialize_many_sparse`` and ``deserialize_many_sparse`` side by side
with TF 2.21 ``compat.v1``: our strings are TF's bytes (TensorProtos as TF writes them), each
library deserializes the other's, and a bad matrix gets TF's error class."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

SP = dict(
    indices=np.array([[0, 1, 0], [0, 2, 1], [2, 0, 3]], np.int64),
    values=np.array([1.5, -2.0, 3.0], np.float32),
    dense_shape=np.array([3, 4, 5], np.int64),
)
WORDS = dict(
    indices=np.array([[0, 0], [1, 3]], np.int64),
    values=np.array([b"a", b"bc"], dtype=object),
    dense_shape=np.array([2, 4], np.int64),
)


def _run(m, build):
    with m.Graph().as_default():
        out = build(m)
        with m.Session() as s:
            return s.run(out)


@pytest.mark.parametrize("sp", [SP, WORDS], ids=["float", "string"])
def test_serialized_bytes_are_tfs(sp):
    def build(m):
        st = m.SparseTensor(**sp)
        return [m.serialize_sparse(st), m.serialize_many_sparse(st)]

    theirs, ours = _run(T, build), _run(tf, build)
    for a, b in zip(theirs, ours):
        assert np.asarray(b).shape == np.asarray(a).shape
        assert np.asarray(b).tolist() == np.asarray(a).tolist()


@pytest.mark.parametrize("sp", [SP, WORDS], ids=["float", "string"])
def test_each_deserializes_the_others_minibatch(sp):
    dt = {np.dtype(np.float32): "float32", np.dtype(object): "string"}[sp["values"].dtype]
    serialized = {}
    for name, m in (("tf", T), ("ours", tf)):
        serialized[name] = _run(m, lambda m: m.serialize_many_sparse(m.SparseTensor(**sp)))
    results = []
    for m in (T, tf):
        for writer in ("tf", "ours"):
            ser = serialized[writer]
            got = _run(m, lambda m, ser=ser: m.deserialize_many_sparse(ser, getattr(m, dt)))
            results.append(got)
    for r in results[1:]:
        for a, b in zip(results[0], r):
            assert np.asarray(b).tolist() == np.asarray(a).tolist()
    np.testing.assert_array_equal(results[0].indices, sp["indices"])


def test_bad_matrix_invalid_argument():
    names = []
    for m in (T, tf):
        with m.Graph().as_default():
            bad = m.deserialize_many_sparse(m.constant([["x", "y", "z"]]), m.float32)
            with m.Session() as s:
                try:
                    s.run(bad)
                except m.errors.OpError as e:
                    names.append(type(e).__name__)
    assert names == ["InvalidArgumentError", "InvalidArgumentError"]
