"""``tf.io`` side by side with TF 2.21 ``compat.v1``: TFRecord files (plain, ZLIB, GZIP) written by
either library read by the other; ``tf.train.Example`` records parsed by ``parse_example`` /
``parse_single_example`` (FixedLenFeature with and without defaults, VarLenFeature, strings) to
TF's tensors; ``decode_raw``; ``read_file`` / ``write_file`` / ``matching_files``; and TF's errors
for damaged files and records."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _example(**features) -> bytes:
    e = real_tf.train.Example()
    for k, v in features.items():
        f = e.features.feature[k]
        if isinstance(v[0], bytes):
            f.bytes_list.value.extend(v)
        elif isinstance(v[0], float):
            f.float_list.value.extend(v)
        else:
            f.int64_list.value.extend(v)
    return e.SerializeToString()


RECORDS = [
    _example(img=[0.5, 1.5, 2.5, 3.5], label=[3], tags=[b"a", b"bc"], ids=[7, 8, 9]),
    _example(img=[4.0, 5.0, 6.0, 7.0], tags=[b"\xc3\xa9"], ids=[1]),
    _example(img=[8.0, 9.0, 10.0, 11.0], label=[1]),
]


GOOD = _example(img=[1.0] * 4, tags=[b"t"])


def _features(m):
    return {
        "img": m.io.FixedLenFeature([2, 2], m.float32),
        "label": m.io.FixedLenFeature([], m.int64, default_value=-1),
        "tags": m.io.VarLenFeature(m.string),
        "ids": m.io.VarLenFeature(m.int64),
    }


def _same(a, b):
    if hasattr(b, "indices"):  # SparseTensorValue
        for x, y in zip(a, b):
            _same(x, y)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype, (a, b)
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("compression", ["", "ZLIB", "GZIP"])
@pytest.mark.parametrize("writer", ["ours", "tf"])
def test_tfrecord_files_both_ways(tmp_path, compression, writer):
    path = str(tmp_path / "data.tfrecord")
    records = [*RECORDS, b"", b"x" * 70000]
    w_mod, r_mod = (tf, T) if writer == "ours" else (T, tf)
    with w_mod.io.TFRecordWriter(path, w_mod.io.TFRecordOptions(compression)) as w:
        for r in records:
            w.write(r)
    read = list(r_mod.io.tf_record_iterator(path, r_mod.io.TFRecordOptions(compression)))
    assert read == records
    for kind in (None, "", "ZLIB", "GZIP", 0, 1, 2):
        assert tf.io.TFRecordOptions.get_compression_type_string(
            kind
        ) == T.io.TFRecordOptions.get_compression_type_string(kind)


@pytest.mark.bad_input
def test_damaged_tfrecord_files_are_tfs_errors(tmp_path):
    path = str(tmp_path / "ok.tfrecord")
    with tf.io.TFRecordWriter(path) as w:
        for r in RECORDS:
            w.write(r)
    data = (tmp_path / "ok.tfrecord").read_bytes()
    bad = tmp_path / "bad_crc.tfrecord"
    second = 12 + len(RECORDS[0]) + 4  # the second record's offset
    bad.write_bytes(data[: second + 20] + bytes([data[second + 20] ^ 1]) + data[second + 21 :])
    gz = str(tmp_path / "gz.tfrecord")
    with tf.io.TFRecordWriter(gz, "GZIP") as w:
        for r in RECORDS * 50:
            w.write(r)
    cut = tmp_path / "cut.gz"
    cut.write_bytes((tmp_path / "gz.tfrecord").read_bytes()[:-40])
    for mod in (tf, T):
        with pytest.raises(mod.errors.DataLossError) as e:
            list(mod.io.tf_record_iterator(str(bad)))
        if mod is tf:
            assert f"at {second}" in str(e.value) and "bad_crc.tfrecord" in str(e.value)
        with pytest.raises(mod.errors.DataLossError):
            list(mod.io.tf_record_iterator(str(cut), mod.io.TFRecordOptions("GZIP")))
        with pytest.raises(mod.errors.NotFoundError, match=r"missing\.tfrecord"):
            list(mod.io.tf_record_iterator(str(tmp_path / "missing.tfrecord")))


def _parse(mod, records, fn, feats):
    with mod.Graph().as_default():
        if fn == "single":
            s = mod.placeholder(mod.string, [])
            out = mod.io.parse_single_example(s, feats(mod))
            with mod.Session() as sess:
                return [sess.run(out, {s: r}) for r in records]
        s = mod.placeholder(mod.string, [None])
        out = mod.io.parse_example(s, feats(mod))
        both = {
            **out,
            "img_x2": out["img"] * 2.0 + mod.cast(out["label"], mod.float32)[:, None, None],
        }
        with mod.Session() as sess:
            return [sess.run(both, {s: records})]


@pytest.mark.parametrize("fn", ["batch", "single"])
def test_parse_examples_as_tf(fn):
    ours, theirs = _parse(tf, RECORDS, fn, _features), _parse(T, RECORDS, fn, _features)
    for a, b in zip(ours, theirs):
        assert sorted(a) == sorted(b)
        for k in b:
            _same(a[k], b[k])


def test_parse_example_static_shapes_and_top_level_names():
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [5])
            out = mod.parse_example(s, _features(mod))
            assert out["img"].shape.as_list() == [5, 2, 2]
            assert out["label"].shape.as_list() == [5]
            assert out["tags"].dense_shape.shape.as_list() == [2]
            one = mod.parse_single_example(s[0], _features(mod))
            assert one["img"].shape.as_list() == [2, 2] and one["label"].shape.as_list() == []


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "record, feats",
    [
        (_example(img=[1, 2, 3, 4]), lambda m: {"img": m.io.FixedLenFeature([4], m.float32)}),
        (_example(img=[1.0, 2.0]), lambda m: {"img": m.io.FixedLenFeature([4], m.float32)}),
        (_example(other=[1.0]), lambda m: {"img": m.io.FixedLenFeature([4], m.float32)}),
        (_example(tags=[1.0]), lambda m: {"tags": m.io.VarLenFeature(m.string)}),
        (b"not a proto", lambda m: {"img": m.io.FixedLenFeature([4], m.float32)}),
    ],
    ids=["wrong_type", "wrong_length", "missing", "sparse_wrong_type", "not_a_proto"],
)
def test_bad_records_are_invalid_argument_naming_the_key(record, feats):
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            out = mod.io.parse_example(s, feats(mod))
            key = sorted(out)[0]
            fetch = out[key] if not hasattr(out[key], "values") else out[key].values
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError) as e:
                    sess.run(fetch, {s: [GOOD, record]})
                if record != b"not a proto":
                    assert key in str(e.value)
                good = sess.run(fetch, {s: [GOOD]})
                assert np.size(good) >= 1  # (the session still works)


@pytest.mark.parametrize(
    "dtype, little", [("float32", True), ("int16", False), ("uint8", True), ("float64", False)]
)
def test_decode_raw_as_tf(dtype, little):
    rng = np.random.default_rng(3)
    arr = (rng.standard_normal((3, 6)) * 100).astype(dtype)
    raw = [r.astype(arr.dtype.newbyteorder("<" if little else ">")).tobytes() for r in arr]
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = mod.io.decode_raw(s, getattr(mod, dtype), little_endian=little)
            with mod.Session() as sess:
                out.append(sess.run([y, mod.decode_raw(s[0], getattr(mod, dtype))], {s: raw}))
    _same(out[0][0], out[1][0])
    _same(out[0][1], out[1][1])
    np.testing.assert_array_equal(out[0][0], arr)


@pytest.mark.bad_input
def test_decode_raw_of_a_bad_length_names_the_size():
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = mod.io.decode_raw(s, mod.float32)
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError, match="multiple of 4"):
                    sess.run(y, {s: [b"12345"]})
                assert sess.run(y, {s: [b"\0\0\x80?"]}).tolist() == [[1.0]]


def test_read_write_and_match_files_as_tf(tmp_path):
    for name in ("b.txt", "a.txt", "c.bin"):
        (tmp_path / name).write_bytes(name.encode() * 3)
    out = []
    for mod, sub in ((tf, "ours"), (T, "tf")):
        with mod.Graph().as_default():
            pattern = mod.placeholder(mod.string, [])
            found = mod.io.matching_files(pattern)
            content = mod.io.read_file(found[0])
            target = str(tmp_path / sub / "out.dat")
            write = mod.io.write_file(target, mod.strings.join([content, b"!"]))
            with mod.Session() as sess:
                got = sess.run([found, content], {pattern: str(tmp_path / "*.txt")})
                sess.run(write, {pattern: str(tmp_path / "*.txt")})
            out.append((got, (tmp_path / sub / "out.dat").read_bytes()))
    (f1, c1), w1 = out[0]
    (f2, c2), w2 = out[1]
    assert f1.tolist() == f2.tolist() == [str(tmp_path / n).encode() for n in ("a.txt", "b.txt")]
    assert c1 == c2 == b"a.txta.txta.txt" and w1 == w2 == b"a.txta.txta.txt!"


@pytest.mark.bad_input
def test_reading_a_missing_file_is_not_found_naming_it(tmp_path):
    for mod in (tf, T):
        with mod.Graph().as_default():
            f = mod.placeholder(mod.string, [])
            y = mod.read_file(f)
            with mod.Session() as sess:
                with pytest.raises(mod.errors.NotFoundError, match=r"nope\.txt"):
                    sess.run(y, {f: str(tmp_path / "nope.txt")})
                (tmp_path / "yes.txt").write_bytes(b"ok")
                assert sess.run(y, {f: str(tmp_path / "yes.txt")}) == b"ok"


def test_io_names_are_tfs_and_alias_the_tested_functions():
    for name in tf.io.__all__:
        assert hasattr(T.io, name), name
    for name in ("decode_jpeg", "decode_png", "decode_image", "encode_jpeg", "is_jpeg"):
        assert getattr(tf.io, name) is getattr(tf.image, name)
    for name in ("encode_base64", "decode_base64", "read_file", "decode_raw", "parse_example"):
        assert getattr(tf.io, name) is getattr(tf, name)
    assert tf.python_io.TFRecordWriter is tf.io.TFRecordWriter


@pytest.mark.parametrize("sorted_", [False, True])
def test_sparse_feature_as_tf(sorted_):
    """``SparseFeature``: an index feature and a value feature merged into one SparseTensor of
    dense shape [batch, size], in parse_example and parse_single_example."""
    records = [
        _example(ix=[3, 1], val=[0.5, 1.5], other=[7]),
        _example(ix=[0], val=[2.5], other=[8]),
    ]
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            feats = {
                "sp": m.SparseFeature("ix", "val", m.float32, 5, already_sorted=sorted_),
                "other": m.FixedLenFeature([], m.int64),
            }
            batch = m.parse_example(records, feats)
            single = m.parse_single_example(records[0], feats)
            with m.Session() as s:
                got.append(s.run([batch["sp"], batch["other"], single["sp"]]))
    for a, b in zip(got[0], got[1]):
        for x, y in zip(a if isinstance(a, tuple) else (a,), b if isinstance(b, tuple) else (b,)):
            np.testing.assert_array_equal(np.asarray(y), np.asarray(x))
            assert np.asarray(y).dtype == np.asarray(x).dtype
