"""The C++ ``tf.train.Example`` parser (``_core.parse_examples``, behind ``tf.io.parse_example``)
against protobuf's own parser on wire bytes hypothesis writes field by field: floats and int64s
packed and unpacked, a key's entry repeated (the later one wins), a Feature's kind repeated
(merged) or changed (replaced), the ``features`` field repeated (merged), unknown fields of every
wire type (outside map entries, which protobuf's upb refuses them in), entries with no key or
no value; then records cut short or with a byte changed, which
must give the parser's error exactly where protobuf's ``FromString`` fails (for the wanted
features' lists and the framing; TF's parser, like this one, does not look inside a feature
nobody asked for). Values are compared exactly."""

from __future__ import annotations

import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tflite_core as tf
from tflite_core import _core
from tflite_core.framework.example_protos import example_protos

KEYS = ["a", "b", "longer key", ""]
KIND_FIELD = {"bytes": 1, "float": 2, "int64": 3}


def _varint(v: int) -> bytes:
    v &= (1 << 64) - 1
    out = bytearray()
    while True:
        b = v & 0x7F
        v >>= 7
        if v:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _field(number: int, wire: int, payload: bytes) -> bytes:
    tag = _varint(number << 3 | wire)
    if wire == 2:
        return tag + _varint(len(payload)) + payload
    return tag + payload


def _unknown(draw) -> bytes:
    wire = draw(st.sampled_from([0, 1, 2, 5]))
    number = draw(st.integers(4, 40))
    payload = {0: _varint(draw(st.integers(0, 2**64 - 1))), 1: b"\x01" * 8,
               2: draw(st.binary(max_size=5)), 5: b"\x02" * 4}[wire]  # fmt: skip
    return _field(number, wire, payload)


@st.composite
def value_list(draw, kind: str) -> bytes:
    """A BytesList / FloatList / Int64List message, values packed or not, in one or more runs."""
    out = b""
    for _ in range(draw(st.integers(0, 3))):
        if kind == "bytes":
            out += b"".join(
                _field(1, 2, v) for v in draw(st.lists(st.binary(max_size=6), max_size=3))
            )
        elif kind == "float":
            xs = draw(st.lists(st.floats(width=32, allow_nan=False), max_size=4))
            if draw(st.booleans()):
                out += _field(1, 2, b"".join(struct.pack("<f", x) for x in xs))
            else:
                out += b"".join(_field(1, 5, struct.pack("<f", x)) for x in xs)
        else:
            xs = draw(st.lists(st.integers(-(2**63), 2**63 - 1), max_size=4))
            if draw(st.booleans()):
                out += _field(1, 2, b"".join(_varint(x) for x in xs))
            else:
                out += b"".join(_field(1, 0, _varint(x)) for x in xs)
        if draw(st.integers(0, 4)) == 0:
            out += _unknown(draw)
    return out


@st.composite
def feature(draw) -> bytes:
    """A Feature: zero or more kind fields (a later different kind replaces, the same merges)."""
    out = b""
    for _ in range(draw(st.integers(0, 2))):
        kind = draw(st.sampled_from(list(KIND_FIELD)))
        out += _field(KIND_FIELD[kind], 2, draw(value_list(kind)))
    return out


@st.composite
def entry(draw) -> bytes:
    parts = []
    if draw(st.integers(0, 9)):
        parts.append(_field(1, 2, draw(st.sampled_from(KEYS)).encode()))
    for _ in range(draw(st.integers(0, 2))):
        parts.append(_field(2, 2, draw(feature())))
    return b"".join(draw(st.permutations(parts)))  # (protobuf's upb refuses unknown fields here)


@st.composite
def record(draw) -> bytes:
    out = b""
    for _ in range(draw(st.integers(0, 2))):  # the features field, repeated: merged
        entries = draw(st.lists(entry(), max_size=5))
        out += _field(1, 2, b"".join(_field(1, 2, e) for e in entries))
        if draw(st.integers(0, 4)) == 0:
            out += _unknown(draw)
    return out


def _reference(records, key, kind):
    """Per record: protobuf's values of ``key`` (None where absent or of no kind), or the
    string "kind:<found>" where the kind differs, or "bad" where the record does not parse."""
    Example = example_protos().Example
    want = {"bytes": "bytes_list", "float": "float_list", "int64": "int64_list"}[kind]
    out = []
    for r in records:
        try:
            ex = Example.FromString(r)
        except Exception:
            out.append("bad")
            continue
        f = ex.features.feature.get(key)
        k = None if f is None else f.WhichOneof("kind")
        if k is None:
            out.append(None)
        elif k != want:
            out.append("kind:" + k)
        else:
            vals = list(getattr(f, k).value)
            dt = {"bytes": object, "float": np.float32, "int64": np.int64}[kind]
            out.append(np.array(vals, dtype=dt))
    return out


def _bad(ref) -> bool:
    return any(isinstance(v, str) and v == "bad" for v in ref)


def _sparse(records, key, kind):
    arr = np.array([*records, None], dtype=object)[:-1]
    code = {"bytes": 1, "float": 2, "int64": 3}[kind]
    return _core.parse_examples(arr, [key], [code], [-1], [False])


@given(st.lists(record(), min_size=1, max_size=6), st.sampled_from(KEYS),
       st.sampled_from(list(KIND_FIELD)))  # fmt: skip
def test_values_as_protobuf_reads_them(records, key, kind):
    ref = _reference(records, key, kind)
    error, results = _sparse(records, key, kind)
    assert not _bad(ref)  # (hypothesis writes well-formed records here)
    wrong = [b for b, v in enumerate(ref) if isinstance(v, str)]
    if wrong:
        assert error is not None and error[0] == 2 and error[1] == wrong[0], (error, ref)
        return
    assert error is None, error
    indices, values, longest = results[0]
    rows = [v for v in ref if v is not None and len(v)]
    want_values = np.concatenate(rows) if rows else np.zeros(0, values.dtype)
    if kind == "float":  # bit for bit (-0.0, subnormals)
        assert values.dtype == np.float32
        assert (
            values.view(np.uint32).tolist()
            == want_values.astype(np.float32).view(np.uint32).tolist()
        )
    else:
        assert values.tolist() == want_values.tolist()
    want_idx = [[b, i] for b, v in enumerate(ref) if v is not None for i in range(len(v))]
    assert indices.tolist() == want_idx
    assert longest == max([len(v) for v in ref if v is not None] + [0])


@given(st.lists(record(), min_size=1, max_size=4), st.sampled_from(KEYS),
       st.sampled_from(list(KIND_FIELD)), st.data())  # fmt: skip
def test_cut_or_changed_records_fail_where_protobuf_fails(records, key, kind, data):
    b = data.draw(st.integers(0, len(records) - 1))
    r = records[b]
    if r:
        if data.draw(st.booleans()):
            r = r[: data.draw(st.integers(0, len(r) - 1))]
        else:
            i = data.draw(st.integers(0, len(r) - 1))
            r = r[:i] + bytes([data.draw(st.integers(0, 255))]) + r[i + 1 :]
    records = [*records[:b], r, *records[b + 1 :]]
    ref = _reference(records, key, kind)
    error, _ = _sparse(records, key, kind)
    if not _bad(ref):  # protobuf reads every record: so must the parser (or a kind differs)
        assert error is None or error[0] == 2, (error, ref)
    elif error is not None and error[0] == 1:
        assert (
            isinstance(ref[error[1]], str) and ref[error[1]] == "bad"
        )  # the record it refused is one protobuf refuses


def test_dense_features_defaults_and_errors_as_tf():
    ex = tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[1.5, 2.5])),
        "s": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"hi"])),
    })).SerializeToString()  # fmt: skip
    empty = tf.train.Example().SerializeToString()
    with tf.Graph().as_default():
        feed = tf.placeholder(tf.string, [None])
        spec = {
            "x": tf.io.FixedLenFeature([2], tf.float32, default_value=[-1.0, -2.0]),
            "s": tf.io.FixedLenFeature([], tf.string, default_value=b"none"),
        }
        parsed = tf.io.parse_example(feed, spec)
        with tf.Session() as sess:
            got = sess.run(parsed, {feed: [ex, empty, ex]})
            np.testing.assert_array_equal(got["x"], [[1.5, 2.5], [-1.0, -2.0], [1.5, 2.5]])
            assert got["s"].tolist() == [b"hi", b"none", b"hi"]
            # str records are encoded; a record that is not an Example names its value
            got = sess.run(parsed, {feed: np.array([ex], dtype="S")})
            np.testing.assert_array_equal(got["x"], [[1.5, 2.5]])
            with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example"):
                sess.run(parsed, {feed: [ex, b"\x0a\x05abc"]})
            bad = tf.io.parse_example(feed, {"x": tf.io.FixedLenFeature([3], tf.float32)})
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"Key: x, Index: 0\.  Number"):
                sess.run(bad, {feed: [ex]})
            missing = tf.io.parse_example(feed, {"x": tf.io.FixedLenFeature([2], tf.float32)})
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"Feature: x .* is required"):
                sess.run(missing, {feed: [ex, empty]})
            kind = tf.io.parse_example(feed, {"s": tf.io.VarLenFeature(tf.int64)})
            with pytest.raises(tf.errors.InvalidArgumentError, match="Data type: string but"):
                sess.run(kind, {feed: [ex]})
            np.testing.assert_array_equal(sess.run(parsed, {feed: [ex]})["x"], [[1.5, 2.5]])


def test_sizes_are_checked_before_allocating():
    ex = tf.train.Example().SerializeToString()
    arr = np.array([ex] * 4, dtype=object)
    with pytest.raises(MemoryError, match="ParseExampleV2"):  # (ResourceExhaustedError in a run)
        _core.parse_examples(arr, ["x"], [2], [2**61], [False])
    with pytest.raises(TypeError, match="bytes"):
        _core.parse_examples(np.array(["text"], dtype=object), ["x"], [2], [1], [False])
