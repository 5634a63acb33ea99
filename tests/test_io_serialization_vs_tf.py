"""``tf.io.decode_csv``, ``decode_compressed``, ``serialize_tensor`` / ``parse_tensor`` side by
side with TF 2.21 ``compat.v1``: values, dtypes, static shapes, and TF's errors (the session
keeps working after them)."""

from __future__ import annotations

import gzip
import zlib

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

CSV = [
    b'1,2.5,"a,b",7',
    b",3.25,plain,8",
    b'4,,"say ""hi""",',
    b"5,1e3,,9",
]


def _defaults(m):
    return [
        m.constant([0], m.int32),
        m.constant([-1.0], m.float64),
        m.constant(["dflt"]),
        m.constant([42], m.int64),
    ]


def _run(mod, build, feed_value, dtype=None, shape=None):
    with mod.Graph().as_default():
        p = mod.placeholder(dtype or mod.string, shape)
        out = build(mod, p)
        with mod.Session() as sess:
            return sess.run(out, {p: feed_value}), [
                getattr(t, "shape", None) and t.shape.as_list() for t in mod.nest.flatten(out)
            ]


def _same(a, b):
    for x, y in zip(real_tf.nest.flatten(a), real_tf.nest.flatten(b)):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (x, y)
        assert x.tolist() == y.tolist()


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"select_cols": [0, 2]}, {"na_value": "5"}, {"field_delim": ";"}],
    ids=["all", "select_cols", "na_value", "delim"],
)
def test_decode_csv_as_tf(kwargs):
    recs = [r.replace(b",", b";") for r in CSV] if kwargs.get("field_delim") == ";" else CSV

    def build(m, p):
        d = _defaults(m)
        if "select_cols" in kwargs:
            d = [d[0], d[2]]
        return m.io.decode_csv(p, d, **kwargs)

    if kwargs.get("field_delim") == ";":
        recs = [recs[0], recs[1], recs[3]]  # (the quoted field keeps its comma)
    ours, theirs = _run(tf, build, recs, shape=[None]), _run(T, build, recs, shape=[None])
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1]


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "record, match",
    [
        (b"1,2", "Expect 4 fields but have 2"),
        (b"x,2,a,3", "not a valid int32"),
        (b'1,2,"open,3', "Quoted field"),
        (b'1,2,a"b,3', "Unquoted fields cannot have quotes/CRLFs inside"),
    ],
    ids=["fields", "int", "open_quote", "inner_quote"],
)
def test_decode_csv_errors_as_tf(record, match):
    for mod in (tf, T):
        with mod.Graph().as_default():
            p = mod.placeholder(mod.string, [None])
            out = mod.io.decode_csv(p, _defaults(mod))
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError, match=match):
                    sess.run(out, {p: [CSV[0], record]})
                assert sess.run(out[0], {p: [CSV[0]]}).tolist() == [1]


def test_decode_csv_required_field_missing_as_tf():
    for mod in (tf, T):
        with mod.Graph().as_default():
            p = mod.placeholder(mod.string, [None])
            out = mod.io.decode_csv(p, [mod.constant([], mod.int32), mod.constant([0.0])])
            with mod.Session() as sess, pytest.raises(mod.errors.InvalidArgumentError):
                sess.run(out, {p: [b",1.5"]})


@pytest.mark.parametrize("kind", ["", "ZLIB", "GZIP"])
def test_decode_compressed_as_tf(kind):
    raw = [b"hello world" * 20, b"", bytes(range(256))]
    pack = {"": lambda b: b, "ZLIB": zlib.compress, "GZIP": gzip.compress}[kind]
    data = np.array([pack(b) for b in raw], dtype=object).reshape(3, 1)
    ours = _run(tf, lambda m, p: m.io.decode_compressed(p, kind), data, shape=[None, 1])
    theirs = _run(T, lambda m, p: m.io.decode_compressed(p, kind), data, shape=[None, 1])
    _same(ours[0], theirs[0])
    assert ours[0].reshape(-1).tolist() == raw


@pytest.mark.parametrize(
    "value",
    [
        np.arange(12, dtype=np.float32).reshape(3, 4) / 3,
        np.array([[1, -2], [3, 2**40]], np.int64),
        np.array(7, np.int32),
        np.zeros((0, 3), np.float64),
        np.array([True, False]),
        np.array([[b"ab", b""], [b"\xff", b"x" * 300]], dtype=object),
    ],
    ids=["float32", "int64", "scalar", "empty", "bool", "string"],
)
def test_serialize_and_parse_tensor_as_tf(value):
    dt = tf.as_dtype(value.dtype if value.dtype != object else "string")
    outs = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            p = mod.placeholder(mod.as_dtype(dt.name), value.shape)
            s = mod.io.serialize_tensor(p)
            back = mod.io.parse_tensor(s, mod.as_dtype(dt.name))
            with mod.Session() as sess:
                outs.append(sess.run([s, back], {p: value}))
    (s1, b1), (s2, b2) = outs
    assert s1 == s2  # the same TensorProto bytes as TF's
    _same(b1, b2)
    _same(b1, value)


@pytest.mark.bad_input
def test_parse_tensor_of_another_dtype_as_tf():
    for mod in (tf, T):
        with mod.Graph().as_default():
            p = mod.placeholder(mod.float32, [2])
            back = mod.io.parse_tensor(mod.io.serialize_tensor(p), mod.int32)
            with (
                mod.Session() as sess,
                pytest.raises(mod.errors.InvalidArgumentError, match="Type mismatch"),
            ):
                sess.run(back, {p: [1.0, 2.0]})


def test_decode_json_example_as_tf():
    """JSON Examples (protobuf's JSON mapping) to binary records that parse to TF's features
    (the bytes may differ: a map's order and packing are the writer's); a record that is not
    JSON: InvalidArgumentError in both."""
    records = [
        '{"features": {"feature": {"x": {"floatList": {"value": [1.5, -2]}},'
        ' "n": {"int64List": {"value": ["7", 8]}}, "s": {"bytesList": {"value": ["YWI="]}}}}}',
        '{"features": {"feature": {}}}',
    ]
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            binary = m.decode_json_example(records)
            bad = m.io.decode_json_example(["{not json"])
            feats = {
                k: m.VarLenFeature(d)
                for k, d in (("x", m.float32), ("n", m.int64), ("s", m.string))
            }
            parsed = m.parse_example(binary, feats)
            with m.Session() as s:
                p = s.run(parsed)
                try:
                    s.run(bad)
                    err = None
                except m.errors.OpError as e:
                    err = type(e).__name__
            got.append(
                (
                    {k: (v.indices.tolist(), v.values.tolist()) for k, v in p.items()},
                    err,
                )
            )
    assert got[1] == got[0]
    assert got[1][0]["s"][1] == [b"ab"]
    assert got[1][1] == "InvalidArgumentError"
