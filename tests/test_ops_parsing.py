"""The op table's rows of the parsing and file ops on string tensors: ParseExampleV2 (a dense
float feature of ``tf.train.Example`` records), DecodeRaw (float32 rows), ReadFile, WriteFile
(read back after it), MatchingFiles (files the draw makes in a temporary directory), DecodeCSV,
DecodeCompressed, SerializeTensor/ParseTensor (a round trip) and ParseSequenceExampleV2. Every
row gets the table's checks (``op_table.table_tests``); the behaviour beside TF is tested in
test_io_parsing_vs_tf.py."""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import zlib

import numpy as np
from hypothesis import strategies as st
from op_table import F32, Row, table_tests

import tflite_core as tf
from tflite_core.framework.example_protos import example_protos

_DIR = tempfile.mkdtemp(prefix="tflite_core_op_table_")
atexit.register(shutil.rmtree, _DIR, True)


def _records(ctx):
    n = ctx.draw(st.integers(1, 4))
    rows = ctx.values((n, 2), dtype=F32)
    Example = example_protos().Example
    recs = []
    for r in rows:
        e = Example()
        e.features.feature["x"].float_list.value.extend(r.tolist())
        recs.append(e.SerializeToString())
    return [np.array(recs, dtype=object)], {}


def _records_ref(recs):
    Example = example_protos().Example
    return np.array(
        [list(Example.FromString(r).features.feature["x"].float_list.value) for r in recs],
        np.float32,
    ).reshape(-1, 2)


def _raw(ctx):
    rows = ctx.values((ctx.draw(st.integers(1, 3)), ctx.draw(st.integers(0, 4))), dtype=F32)
    return [np.array([r.tobytes() for r in rows], dtype=object)], {}


def _raw_ref(strings):
    return np.array([np.frombuffer(s, np.float32) for s in strings], np.float32).reshape(
        len(strings), -1
    )


def _a_file(ctx):
    content = ctx.draw(st.binary(max_size=40))
    path = os.path.join(_DIR, hashlib.sha1(content).hexdigest())
    with open(path, "wb") as f:
        f.write(content)
    return [np.array(path.encode(), dtype=object)], {}


def _read_ref(path):
    with open(path[()], "rb") as f:  # (a fetched scalar string is bytes, as TF's)
        return np.asarray(f.read())


def _write_then_read(path):
    target = path[()] + b".copy"
    content = tf.strings.join([tf.io.read_file(path), b"+"])
    write = tf.io.write_file(target, content)
    with tf.control_dependencies([write]):
        return tf.io.read_file(target)


def _write_ref(path):
    with open(path[()], "rb") as f:
        return np.asarray(f.read() + b"+")


def _some_files(ctx):
    names = ctx.draw(st.lists(st.sampled_from("abcdef"), max_size=4, unique=True))
    sub = tempfile.mkdtemp(dir=_DIR)
    for n in names:
        with open(os.path.join(sub, n + ".rec"), "wb") as f:
            f.write(n.encode())
    return [np.array(os.path.join(sub, "*.rec").encode(), dtype=object)], {}


def _match_ref(pattern):
    d = os.path.dirname(pattern[()])
    found = sorted(os.path.join(d, f) for f in os.listdir(d) if f.endswith(b".rec"))
    return np.array(found, dtype=object).reshape(-1)


def _csv(ctx):
    rows = ctx.values((ctx.draw(st.integers(1, 4)), 2), dtype=F32)
    return [np.array([f"{a!r},{b!r}".encode() for a, b in rows.tolist()], dtype=object)], {}


def _csv_ref(recs):
    cols = np.array([[float(x) for x in r.split(b",")] for r in recs], np.float32)
    return [cols[:, 0], cols[:, 1]]


def _compressed(ctx):
    raw = ctx.draw(st.lists(st.binary(max_size=30), min_size=1, max_size=3))
    return [np.array([zlib.compress(b) for b in raw], dtype=object)], {}


def _sequences(ctx):
    n = ctx.draw(st.integers(1, 3))
    SequenceExample = example_protos().SequenceExample
    recs = []
    for _ in range(n):
        steps = ctx.values((ctx.draw(st.integers(0, 3)), 2), dtype=F32)
        s = SequenceExample()
        fl = s.feature_lists.feature_list["x"]
        for r in steps:
            fl.feature.add().float_list.value.extend(r.tolist())
        recs.append(s.SerializeToString())
    return [np.array(recs, dtype=object)], {}


def _sequences_ref(recs):
    SequenceExample = example_protos().SequenceExample
    lists = [
        [
            list(f.float_list.value)
            for f in SequenceExample.FromString(r).feature_lists.feature_list["x"].feature
        ]
        for r in recs
    ]
    longest = max(len(x) for x in lists)
    out = np.zeros((len(recs), longest, 2), np.float32)
    for b, steps in enumerate(lists):
        if steps:
            out[b, : len(steps)] = steps
    return [out, np.array([len(x) for x in lists], np.int64)]


def _sequence_parse(recs):
    f = {"x": tf.io.FixedLenSequenceFeature([2], tf.float32, allow_missing=True)}
    _, lists, lengths = tf.io.parse_sequence_example(recs, sequence_features=f)
    return [lists["x"], lengths["x"]]


def _tensor_round_trip(x):
    return tf.io.parse_tensor(tf.io.serialize_tensor(x), tf.float32)


ROWS = [
    Row(
        "ParseExampleV2",
        lambda recs: tf.io.parse_example(recs, {"x": tf.io.FixedLenFeature([2], tf.float32)})["x"],
        _records_ref,
        _records,
        (F32,),
        "none",
        feed="value",
    ),
    Row(
        "DecodeRaw",
        lambda s: tf.io.decode_raw(s, tf.float32),
        _raw_ref,
        _raw,
        (F32,),
        "none",
        feed="value",
        static=False,  # (the row length is known only from the bytes, as TF's)
    ),
    Row("ReadFile", tf.io.read_file, _read_ref, _a_file, (F32,), "none", feed="value"),
    Row("WriteFile", _write_then_read, _write_ref, _a_file, (F32,), "none", feed="value"),
    Row(
        "MatchingFiles",
        tf.io.matching_files,
        _match_ref,
        _some_files,
        (F32,),
        "none",
        feed="value",
        static=False,  # (how many files match is known when it runs)
    ),
]
ROWS += [
    Row(
        "ParseSequenceExampleV2",
        _sequence_parse,
        _sequences_ref,
        _sequences,
        (F32,),
        "none",
        feed="value",
        static=False,  # (the longest list is known when it runs)
    ),
    Row(
        "DecodeCSV",
        lambda recs: tf.io.decode_csv(recs, [[0.0], [0.0]]),
        _csv_ref,
        _csv,
        (F32,),
        "none",
        feed="value",
    ),
    Row(
        "DecodeCompressed",
        lambda b: tf.io.decode_compressed(b, "ZLIB"),
        lambda b: np.array([zlib.decompress(x) for x in b], dtype=object),
        _compressed,
        (F32,),
        "none",
        feed="value",
    ),
    # SerializeTensor's bytes are checked against TF's in test_io_serialization_vs_tf.py; here
    # the round trip through ParseTensor gives the values back
    Row(
        "SerializeTensor",
        _tensor_round_trip,
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        (F32,),
        "none",
        static=False,
    ),
    Row(
        "ParseTensor",
        _tensor_round_trip,
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        (F32,),
        "none",
        static=False,
    ),
]


def _sparse_round_trip(x):
    """``x`` (a matrix) as a SparseTensor of its nonzeros, serialized whole and by rows, and
    deserialized back to a dense matrix."""
    sp = tf.sparse.from_dense(x)
    whole = tf.serialize_sparse(sp)
    rows = tf.serialize_many_sparse(sp)
    back = tf.deserialize_many_sparse(rows, tf.as_dtype(x.dtype), rank=2)
    dense = tf.sparse.to_dense(
        tf.SparseTensor(back.indices, back.values, tf.shape(x, out_type=tf.int64))
    )
    return [tf.shape(whole), dense]


def _matrix(ctx):
    return [ctx.values(ctx.shape(min_dims=2, max_dims=2))], {}


def _json_round_trip(x):
    """``x`` (a vector) written as a JSON Example, decoded and parsed back."""
    values = ", ".join(repr(float(v)) for v in x.reshape(-1))
    text = '{"features": {"feature": {"x": {"floatList": {"value": [' + values + "]}}}}}"
    binary = tf.decode_json_example([text])
    return tf.reshape(
        tf.parse_example(binary, {"x": tf.VarLenFeature(tf.float32)})["x"].values, x.shape
    )


ROWS += [
    Row(
        "DecodeJSONExample",
        _json_round_trip,
        lambda x: x,
        lambda ctx: ([ctx.values(ctx.shape(max_dims=1))], {}),
        (F32,),
        "none",
        feed="value",
    ),
]


def _proto_round_trip(x):
    """``x`` (a vector) as the float_val of TensorProtos (two, the second empty) encoded and
    decoded back."""
    n = x.shape[0]
    sizes = tf.constant([[1, n], [0, 0]], tf.int32)
    dtypes = tf.constant([[1], [0]], tf.int32)
    values = tf.stack([x, tf.zeros_like(x)])
    fields = ["dtype", "float_val"]
    enc = tf.io.encode_proto(sizes, [dtypes, values], fields, "tensorflow.TensorProto")
    got_sizes, got = tf.io.decode_proto(
        enc, "tensorflow.TensorProto", fields, [tf.int32, tf.float32]
    )
    return [got_sizes, got[1]]


ROWS += [
    Row(
        op,
        _proto_round_trip,
        lambda x: [np.int32([[1, x.shape[0]], [0, 0]]), np.stack([x, np.zeros_like(x)])],
        lambda ctx: ([ctx.values([max(1, d) for d in ctx.shape(min_dims=1, max_dims=1)])], {}),
        (F32,),
        "none",
        feed="value",
        static=False,
    )
    for op in ("EncodeProto", "DecodeProtoV2")
]
ROWS += [
    # the bytes are TF's (test_sparse_serialization_vs_tf.py); here: the round trip
    Row(op, _sparse_round_trip, lambda x: [np.int32([3]), x], _matrix, (F32,), "none", static=False)
    for op in ("SerializeSparse", "SerializeManySparse", "DeserializeManySparse")
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
