"""``tf.train.Saver`` and the checkpoint readers: round trips, bookkeeping, errors, table format.

Values are compared bit for bit (as unsigned integers of the same width), the ``checkpoint``
file's text against the exact lines TensorFlow writes, and every corruption must surface as
TensorFlow's error class with the file named.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tflite_core as tf
from tflite_core import _core, errors
from tflite_core.io import _leveldb_table as table
from tflite_core.io import _tensor_bundle as bundle

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def bits(a) -> np.ndarray:
    """The array's bytes as unsigned integers, so NaN payloads and -0.0 compare exactly."""
    a = np.ascontiguousarray(a)
    return a.view(f"u{a.dtype.itemsize}") if a.dtype.itemsize > 1 else a.view(np.uint8)


def assert_bit_equal(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(bits(got), bits(want))


def _values():
    rng = np.random.default_rng(0)
    f32 = rng.standard_normal((3, 4)).astype(np.float32)
    f32[0, :3] = [np.nan, -0.0, np.inf]
    f32.view(np.uint32)[1, 0] = 0x7FC01234  # a NaN with a payload
    return {
        "f32": f32,
        "f64_scalar": np.float64(-1.5e-300),
        "i32": np.array([0, -1, 2**31 - 1, -(2**31), 7], np.int32),
        "i64": rng.integers(-(2**62), 2**62, (2, 2, 2)).astype(np.int64),
        "flags": np.array([True, False, False, True, True, False, True]),
        "empty": np.zeros((0, 3), np.float32),
        "scope/inner/deep": rng.standard_normal((2, 1, 3, 1)),
    }


def _make_vars(values):
    out = {}
    for name, v in values.items():
        scope, _, base = name.rpartition("/")
        if scope:
            with tf.name_scope(scope):
                out[name] = tf.Variable(np.zeros_like(v), name=base)
        else:
            out[name] = tf.Variable(np.zeros_like(v), name=name)
    return out


# ---- round trips ---------------------------------------------------------------------------------
def test_round_trip_every_dtype_bit_exact(g, tmp_path):
    values = _values()
    variables = _make_vars(values)
    assert variables["scope/inner/deep"].op.name == "scope/inner/deep"
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for name, var in variables.items():  # saved values are the current ones, not initial
            var.load(values[name], sess)
        prefix = saver.save(sess, str(tmp_path / "model"))
    assert prefix == str(tmp_path / "model")
    assert sorted(os.listdir(tmp_path)) == [
        "checkpoint",
        "model.data-00000-of-00001",
        "model.index",
        "model.meta",
    ]
    reader = tf.train.NewCheckpointReader(prefix)
    assert reader.get_variable_to_shape_map() == {n: list(np.shape(v)) for n, v in values.items()}
    assert reader.get_variable_to_dtype_map() == {
        n: tf.as_dtype(np.asarray(v).dtype) for n, v in values.items()
    }
    for name, v in values.items():
        assert_bit_equal(reader.get_tensor(name), v)
    # the data file is the tensors' bytes back to back, in key order
    data = (tmp_path / "model.data-00000-of-00001").read_bytes()
    assert data == b"".join(np.ascontiguousarray(values[n]).tobytes() for n in sorted(values))
    with tf.Session() as sess:
        saver.restore(sess, prefix)
        got = sess.run({n: v.value() for n, v in variables.items()})
    for name, v in values.items():
        assert_bit_equal(got[name], v)


@pytest.mark.parametrize(
    "dtype", [np.float32, np.float64, np.int32, np.int64, np.bool_, np.float16, np.uint8, np.int8]
)
def test_bundle_round_trip_each_dtype(tmp_path, dtype):
    rng = np.random.default_rng(1)
    a = rng.integers(0, 2, (5, 3)).astype(dtype) if dtype is np.bool_ else None
    if a is None:
        a = (rng.standard_normal((5, 3)) * 50).astype(dtype)
    bundle.write_bundle(str(tmp_path / "b"), [("x", a), ("s", a[0, 0])])
    r = bundle.BundleReader(str(tmp_path / "b"))
    assert_bit_equal(r.read("x"), a)
    assert_bit_equal(r.read("s"), np.asarray(a[0, 0]))
    e = r.entry("x")
    assert e.crc32c == _core.masked_crc32c(a.tobytes())
    # key order, not the order given: "s" first, then "x" right after it
    assert (r.entry("s").offset, r.entry("s").size) == (0, a.itemsize)
    assert (e.offset, e.size) == (a.itemsize, a.nbytes)


def test_index_and_data_layout_match_the_format(tmp_path):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    bundle.write_bundle(str(tmp_path / "m"), [("a", a), ("scal", np.int64(7))])
    items = table.read_table((tmp_path / "m.index").read_bytes(), "m.index")
    assert [k for k, _ in items] == [b"", b"a", b"scal"]
    # BundleHeaderProto{num_shards: 1, version {producer: 1}}
    assert items[0][1] == bytes([0x08, 1, 0x1A, 2, 0x08, 1])
    crc = _core.masked_crc32c(a.tobytes())
    # dtype 1, shape {dim {size 2} dim {size 3}}, offset 0 (absent), size 24, crc32c (fixed32)
    want = bytes([0x08, 1, 0x12, 8, 0x12, 2, 0x08, 2, 0x12, 2, 0x08, 3, 0x28, 24, 0x35])
    assert items[1][1] == want + struct.pack("<I", crc)
    entry = bundle.Entry(items[2][1])
    assert (entry.dtype_enum, entry.shape, entry.offset, entry.size) == (9, [], 24, 8)


def test_dict_var_list_uses_its_keys(g, tmp_path):
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable([[3]], name="b")
    saver = tf.train.Saver({"layer/weights": a, "count": b})
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(prefix) == [("count", [1, 1]), ("layer/weights", [2])]
    with tf.Graph().as_default():
        x = tf.Variable([0.0, 0.0], name="renamed")
        y = tf.Variable([[0]], name="other")
        with tf.Session() as sess:
            tf.train.Saver({"layer/weights": x, "count": y}).restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(x), [1.0, 2.0])
            np.testing.assert_array_equal(sess.run(y), [[3]])


def test_list_var_list_saves_only_those(g, tmp_path):
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="not_saved")
    with tf.name_scope("relu"):
        c = tf.Variable([4, 5], name="Variable_1")
    saver = tf.train.Saver([c, a])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    assert tf.train.list_variables(prefix) == [("a", []), ("relu/Variable_1", [2])]
    assert tf.train.load_variable(prefix, "relu/Variable_1:0").tolist() == [4, 5]


@pytest.mark.bad_input
def test_duplicate_and_empty_var_lists(g):
    a = tf.Variable(1.0, name="a")
    with pytest.raises(ValueError, match="At least two variables have the same name: a"):
        tf.train.Saver([a, a])
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No variables to save"):
            tf.train.Saver()
        empty = tf.train.Saver(allow_empty=True)
        with tf.Session() as sess:
            assert empty.save(sess, "/nonexistent/dir/m", write_meta_graph=False) is None
            empty.restore(sess, "/nonexistent/dir/m")  # nothing to restore: no error
    with pytest.raises(TypeError, match="not a Variable"):
        tf.train.Saver([tf.constant(1.0)])


def test_default_var_list_is_all_global_variables(g, tmp_path):
    w = tf.Variable(tf.ones([2, 2]), name="w")
    t = tf.Variable(0, name="t", trainable=False)
    assert tf.all_variables() == tf.global_variables() == [w, t]
    with tf.Session() as sess:
        sess.run(tf.initialize_all_variables())
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert [n for n, _ in tf.train.list_variables(prefix)] == ["t", "w"]


# ---- global_step, max_to_keep and the checkpoint file --------------------------------------------
def test_global_step_int_variable_and_tensor(g, tmp_path):
    w = tf.Variable(1.0, name="w")
    step = tf.Variable(12, name="global_step", trainable=False)
    saver = tf.train.Saver([w])
    base = str(tmp_path / "model")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert saver.save(sess, base, global_step=5) == base + "-5"
        assert saver.save(sess, base, global_step=np.int64(6)) == base + "-6"
        assert saver.save(sess, base, global_step=step) == base + "-12"
        assert saver.save(sess, base, global_step=step.value() + 1) == base + "-13"
        assert saver.save(sess, base, global_step="global_step:0") == base + "-12"
        padded = tf.train.Saver([w], pad_step_number=True)
        assert padded.save(sess, base, global_step=42) == base + "-00000042"


def test_max_to_keep_deletes_old_checkpoints_and_writes_state(g, tmp_path):
    w = tf.Variable(0.0, name="w")
    inc = w.assign_add(1.0)
    saver = tf.train.Saver(max_to_keep=2)
    d = str(tmp_path)
    with tf.Session() as sess:
        sess.run(w.initializer)
        for step in range(1, 5):
            sess.run(inc)
            saver.save(sess, os.path.join(d, "model"), global_step=step)
    assert saver.last_checkpoints == [os.path.join(d, "model-3"), os.path.join(d, "model-4")]
    files = sorted(os.listdir(d))
    assert files == ["checkpoint"] + [
        f"model-{s}.{ext}" for s in (3, 4) for ext in ("data-00000-of-00001", "index", "meta")
    ]
    assert (tmp_path / "checkpoint").read_text() == (
        f'model_checkpoint_path: "{d}/model-4"\n'
        f'all_model_checkpoint_paths: "{d}/model-3"\n'
        f'all_model_checkpoint_paths: "{d}/model-4"\n'
    )
    state = tf.train.get_checkpoint_state(d)
    assert isinstance(state, tf.train.CheckpointState)
    assert state.model_checkpoint_path == os.path.join(d, "model-4")
    assert state.all_model_checkpoint_paths == [os.path.join(d, f"model-{s}") for s in (3, 4)]
    assert tf.train.latest_checkpoint(d) == os.path.join(d, "model-4")
    assert tf.train.load_checkpoint(d).get_tensor("w") == np.float32(4.0)
    assert tf.train.checkpoint_exists(os.path.join(d, "model-3"))
    assert not tf.train.checkpoint_exists(os.path.join(d, "model-2"))


def test_relative_paths_and_save_relative_paths(g, tmp_path, monkeypatch):
    w = tf.Variable(0.0, name="w")
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    with tf.Session() as sess:
        sess.run(w.initializer)
        assert tf.train.Saver().save(sess, "run/model", global_step=1) == "run/model-1"
        assert (tmp_path / "run" / "checkpoint").read_text() == (
            'model_checkpoint_path: "model-1"\nall_model_checkpoint_paths: "model-1"\n'
        )
        assert tf.train.latest_checkpoint("run") == os.path.join("run", "model-1")
        rel = tf.train.Saver(save_relative_paths=True)
        rel.save(sess, str(tmp_path / "abs" / "model"), global_step=2)  # creates "abs"
        assert (tmp_path / "abs" / "checkpoint").read_text() == (
            'model_checkpoint_path: "model-2"\nall_model_checkpoint_paths: "model-2"\n'
        )
    assert tf.train.latest_checkpoint(str(tmp_path / "abs")) == str(tmp_path / "abs" / "model-2")


def test_max_to_keep_none_and_keep_every_n_hours(g, tmp_path):
    w = tf.Variable(0.0, name="w")
    with tf.Session() as sess:
        sess.run(w.initializer)
        keep_all = tf.train.Saver(max_to_keep=None)
        for s in range(3):
            keep_all.save(sess, str(tmp_path / "a" / "m"), global_step=s, write_meta_graph=False)
        assert keep_all.last_checkpoints == []  # TF: nothing recorded, nothing deleted
        assert sorted(f for f in os.listdir(tmp_path / "a") if f.endswith(".index")) == [
            "m-0.index",
            "m-1.index",
            "m-2.index",
        ]
        assert (tmp_path / "a" / "checkpoint").read_text().count("all_model") == 1
        hourly = tf.train.Saver(max_to_keep=1, keep_checkpoint_every_n_hours=1e-9)
        for s in range(3):
            hourly.save(sess, str(tmp_path / "b" / "m"), global_step=s, write_meta_graph=False)
        assert hourly.last_checkpoints == [str(tmp_path / "b" / "m-2")]
        assert len([f for f in os.listdir(tmp_path / "b") if f.endswith(".index")]) == 3


def test_recover_and_set_last_checkpoints(g, tmp_path):
    w = tf.Variable(0.0, name="w")
    paths = []
    with tf.Session() as sess:
        sess.run(w.initializer)
        first = tf.train.Saver(max_to_keep=3)
        for s in range(3):
            paths.append(first.save(sess, str(tmp_path / "m"), global_step=s))
        second = tf.train.Saver(max_to_keep=3)
        second.recover_last_checkpoints([*paths, str(tmp_path / "gone")])
        assert second.last_checkpoints == paths
        second.save(sess, str(tmp_path / "m"), global_step=3)  # deletes m-0 as the first would
        assert not os.path.exists(paths[0] + ".index")
        assert tf.train.get_checkpoint_state(str(tmp_path)).all_model_checkpoint_paths == (
            [*paths[1:], str(tmp_path / "m-3")]
        )
        second.set_last_checkpoints_with_time([(paths[1], 1.0)])
        assert second.last_checkpoints == [paths[1]]


@pytest.mark.bad_input
def test_latest_checkpoint_missing_cases(tmp_path):
    assert tf.train.latest_checkpoint(str(tmp_path)) is None
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('model_checkpoint_path: "gone"\n')
    assert tf.train.get_checkpoint_state(str(tmp_path)).model_checkpoint_path == str(
        tmp_path / "gone"
    )
    assert tf.train.latest_checkpoint(str(tmp_path)) is None  # its files do not exist
    (tmp_path / "checkpoint").write_text("not a checkpoint state {")
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    (tmp_path / "checkpoint").write_text('all_model_checkpoint_paths: "x"\n')
    with pytest.raises(ValueError, match="Invalid checkpoint state"):
        tf.train.get_checkpoint_state(str(tmp_path))
    (tmp_path / "checkpoint").unlink()
    with pytest.raises(ValueError, match="Couldn't find 'checkpoint' file"):
        tf.train.load_checkpoint(str(tmp_path))


def test_checkpoint_state_text_escapes_round_trip():
    odd = 'dir "q"\\back\nline/é\t\x01'
    state = tf.train.CheckpointState(odd, [odd, "/plain"])
    text = state.to_text()
    assert text.splitlines()[0] == (  # protobuf's escapes; UTF-8 as is
        r'model_checkpoint_path: "dir \"q\"\\back\nline/é\t\001"'
    )
    back = tf.train.CheckpointState.from_text("# comment\n" + text)
    assert back.model_checkpoint_path == odd
    assert back.all_model_checkpoint_paths == [odd, "/plain"]
    assert tf.train.CheckpointState.from_text(
        "model_checkpoint_path: 'a\\x41\\101'\nlast_preserved_timestamp: 1.5"
    ) == tf.train.CheckpointState("aAA", last_preserved_timestamp=1.5)


# ---- restore -------------------------------------------------------------------------------------
@pytest.mark.bad_input
def test_restore_replaces_initialisation_and_training_continues(g, tmp_path):
    rng = np.random.default_rng(3)
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.Variable(tf.random_normal([3, 2]), name="w")
    b = tf.Variable(tf.zeros([2]), name="b")
    out = tf.matmul(x, w) + b
    loss = tf.reduce_sum(tf.square(out))
    train = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    xv = rng.standard_normal((4, 3)).astype(np.float32)
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: xv})
        wv, bv = sess.run([w, b])
        prefix = saver.save(sess, str(tmp_path / "m"), global_step=1)
        sess.run(train, {x: xv})
        want_next = sess.run([w, b])
    with tf.Session() as sess:
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value w"):
            sess.run(out, {x: xv})
        saver.restore(sess, prefix)  # no initializer is run
        assert_bit_equal(sess.run(w), wv)
        np.testing.assert_allclose(sess.run(out, {x: xv}), xv @ wv + bv, rtol=1e-6, atol=1e-6)
        sess.run(train, {x: xv})
        for got, want in zip(sess.run([w, b]), want_next):
            assert_bit_equal(got, want)


def test_restore_overwrites_an_initialised_session(g, tmp_path):
    v = tf.Variable([1.0, 2.0], name="v")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(v.initializer)
        prefix = saver.save(sess, str(tmp_path / "m"))
        sess.run(v.assign([5.0, 6.0]))
        saver.restore(sess, prefix)
        np.testing.assert_array_equal(sess.run(v), [1.0, 2.0])


@pytest.mark.bad_input
def test_restore_with_reshape(g, tmp_path):
    v = tf.Variable(np.arange(6.0).reshape(2, 3), name="v")
    with tf.Session() as sess:
        sess.run(v.initializer)
        prefix = tf.train.Saver().save(sess, str(tmp_path / "m"))
    with tf.Graph().as_default():
        u = tf.Variable(np.zeros((3, 2)), name="v")
        with tf.Session() as sess:
            with pytest.raises(errors.InvalidArgumentError):
                tf.train.Saver().restore(sess, prefix)
            tf.train.Saver(reshape=True).restore(sess, prefix)
            np.testing.assert_array_equal(sess.run(u), np.arange(6.0).reshape(3, 2))


# ---- errors --------------------------------------------------------------------------------------
@pytest.fixture
def saved(g, tmp_path):
    """(saver, variables, prefix, values) of a saved two-variable checkpoint."""
    values = {"a": np.arange(1000, dtype=np.float32), "b": np.arange(10, dtype=np.int64)}
    variables = {n: tf.Variable(v, name=n) for n, v in values.items()}
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        prefix = saver.save(sess, str(tmp_path / "m"))
    return saver, variables, prefix, values


@pytest.mark.bad_input
def test_missing_checkpoint_is_not_found(saved, tmp_path):
    saver, _, _, _ = saved
    missing = str(tmp_path / "nope")
    with tf.Session() as sess, pytest.raises(errors.NotFoundError, match=re.escape(missing)) as e:
        saver.restore(sess, missing)
    assert isinstance(e.value, ValueError)  # what TF 2.x's compat.v1 Saver raises
    with pytest.raises(errors.NotFoundError, match="Failed to find any matching files for"):
        tf.train.NewCheckpointReader(missing)


@pytest.mark.bad_input
def test_missing_key_is_not_found(saved):
    _, _, prefix, _ = saved
    with tf.Graph().as_default():
        tf.Variable(1.0, name="w")
        match = "Key w not found in checkpoint"
        with tf.Session() as sess, pytest.raises(errors.NotFoundError, match=match):
            tf.train.Saver().restore(sess, prefix)
    with pytest.raises(errors.NotFoundError, match="Key w not found in checkpoint"):
        tf.train.NewCheckpointReader(prefix).get_tensor("w")


def _restore_expecting(saver, prefix, exc, match):
    with tf.Session() as sess, pytest.raises(exc, match=match):
        saver.restore(sess, prefix)


def test_truncated_index_is_data_loss(saved):
    saver, _, prefix, _ = saved
    index = Path(prefix + ".index")
    data = index.read_bytes()
    for cut in (10, len(data) - 20, len(data) - 1):
        index.write_bytes(data[:cut])
        _restore_expecting(saver, prefix, errors.DataLossError, re.escape(str(index)))
    index.write_bytes(b"")
    _restore_expecting(saver, prefix, errors.DataLossError, "too short")


def test_truncated_data_is_data_loss(saved):
    saver, _, prefix, _ = saved
    path = Path(prefix + ".data-00000-of-00001")
    path.write_bytes(path.read_bytes()[:-1])
    _restore_expecting(saver, prefix, errors.DataLossError, re.escape(str(path)))


@pytest.mark.bad_input
def test_flipped_data_bit_is_data_loss_and_restore_changes_nothing(saved):
    saver, variables, prefix, values = saved
    path = Path(prefix + ".data-00000-of-00001")
    raw = bytearray(path.read_bytes())
    raw[values["a"].nbytes + 3] ^= 0x10  # inside "b"
    path.write_bytes(bytes(raw))
    with tf.Session() as sess:
        sess.run(variables["a"].assign(np.zeros(1000, np.float32)))
        with pytest.raises(errors.DataLossError, match="Checksum does not match") as info:
            saver.restore(sess, prefix)
        assert str(path) in str(info.value) and "tensor b" in str(info.value)
        # all reads come before any assignment: "a" keeps its value, "b" stays uninitialised
        np.testing.assert_array_equal(sess.run(variables["a"]), np.zeros(1000))
        with pytest.raises(errors.FailedPreconditionError):
            sess.run(variables["b"])
    with pytest.raises(errors.DataLossError):
        tf.train.NewCheckpointReader(prefix).get_tensor("b")
    np.testing.assert_array_equal(tf.train.NewCheckpointReader(prefix).get_tensor("a"), values["a"])


def test_flipped_index_bit_is_data_loss(saved):
    saver, _, prefix, _ = saved
    index = Path(prefix + ".index")
    raw = index.read_bytes()
    for pos in (5, len(raw) - 60, len(raw) - 3):  # a data block, the index block, the magic
        bad = bytearray(raw)
        bad[pos] ^= 0x01
        index.write_bytes(bytes(bad))
        _restore_expecting(saver, prefix, errors.DataLossError, re.escape(str(index)))


def test_index_of_another_save_is_data_loss(saved):
    """A kill between the two renames of a save over the same prefix pairs the old index with the
    new data: the entry CRCs catch it."""
    saver, variables, prefix, _ = saved
    old_index = Path(prefix + ".index").read_bytes()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(variables["b"].assign(np.arange(10, 20)))
        saver.save(sess, prefix)
    Path(prefix + ".index").write_bytes(old_index)
    _restore_expecting(saver, prefix, errors.DataLossError, "Checksum does not match")


def test_shape_and_dtype_mismatch_are_invalid_argument(saved):
    _, _, prefix, _ = saved
    with tf.Graph().as_default():
        tf.Variable(np.zeros(999, np.float32), name="a")
        _restore_expecting(
            tf.train.Saver(),
            prefix,
            errors.InvalidArgumentError,
            r"variable a\). lhs shape= \[999\] rhs shape= \[1000\]",
        )
    with tf.Graph().as_default():
        tf.Variable(np.zeros(1000, np.float64), name="a")
        _restore_expecting(
            tf.train.Saver(),
            prefix,
            errors.InvalidArgumentError,
            "tensor_name = a; expected dtype float64 does not equal original dtype float32",
        )


@pytest.mark.bad_input
def test_saving_uninitialised_variable_fails(g, tmp_path):
    a = tf.Variable(1.0, name="a")
    tf.Variable(2.0, name="late")
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(errors.FailedPreconditionError, match="uninitialized value late"):
            tf.train.Saver().save(sess, str(tmp_path / "m"))
    assert not (tmp_path / "checkpoint").exists()
    assert not list(tmp_path.iterdir())


@pytest.mark.bad_input
def test_save_errors(g, tmp_path):
    a = tf.Variable(1.0, name="a")
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(a.initializer)
        with pytest.raises(ValueError, match="Parent directory of"):
            saver.save(sess, str(tmp_path / "x" / "y" / "m"))
        with pytest.raises(ValueError, match="collides"):
            saver.save(sess, str(tmp_path / "checkpoint"))
        with pytest.raises(ValueError, match="path components"):
            saver.save(sess, str(tmp_path / "m"), latest_filename="a/b")
        with pytest.raises(TypeError, match="must be a Session"):
            saver.save("sess", str(tmp_path / "m"))
    with pytest.raises(RuntimeError, match="closed Session"):
        saver.save(sess, str(tmp_path / "m"))
    with pytest.raises(ValueError, match="build cannot be deferred"):
        tf.train.Saver([a], defer_build=True)
    with pytest.raises(ValueError, match="V2"):
        tf.train.Saver(write_version=tf.train.SaverDef.V1)


def test_reader_api(saved):
    _, _, prefix, values = saved
    r = tf.train.NewCheckpointReader(prefix)
    assert r.has_tensor("a") and not r.has_tensor("c")
    assert r.debug_string() == b"a (DT_FLOAT) [1000]\nb (DT_INT64) [10]\n"
    assert tf.train.list_variables(prefix) == [("a", [1000]), ("b", [10])]
    np.testing.assert_array_equal(tf.train.load_checkpoint(prefix).get_tensor("b"), values["b"])


# ---- the LevelDB table ---------------------------------------------------------------------------
def _keys(n):
    rng = np.random.default_rng(5)
    words = ["layer", "dense", "conv2d", "kernel", "bias", "Adam", "Adam_1", "Momentum"]
    keys = {b""}
    while len(keys) < n:
        parts = rng.choice(words, size=rng.integers(1, 5))
        keys.add(("/".join(parts) + f"_{rng.integers(0, 50)}").encode())
    keys.add(b"\xff\xff")
    keys.add(b"\xff\xff\x00")
    return sorted(keys)


def test_table_round_trip_many_keys_many_blocks():
    keys = _keys(3000)
    rng = np.random.default_rng(6)
    items = [(k, rng.bytes(int(rng.integers(0, 60)))) for k in keys]
    items.insert(100, (keys[99] + b"\x00big", rng.bytes(3000)))  # >= 2 * block_size: own block
    items.sort()
    data = table.write_table(items, block_size=1024)
    assert table.count_data_blocks(data) > 50
    assert table.read_table(data, "t") == items
    # footer: two handles, zero padding, the magic number in two little-endian halves
    assert len(data) >= 48 and data[-8:] == struct.pack("<Q", 0xDB4775248B80FB57)
    # data blocks: restart points every 16 entries, each a full key (shared == 0)
    for contents, entries in _blocks(data)[:5]:
        n = struct.unpack_from("<I", contents, len(contents) - 4)[0]
        restarts = struct.unpack_from(f"<{n}I", contents, len(contents) - 4 - 4 * n)
        assert n == (entries + 15) // 16
        for r in restarts:
            assert contents[r] == 0  # shared bytes of a restart entry
    assert table.read_table(table.write_table(items), "t") == items  # TF's 256 KiB blocks: one


def _handles(data):
    """(offset, size) of each data block, from the index block the footer points to."""
    foot = len(data) - 48
    _, p = table.get_varint(data, foot, len(data))
    _, p = table.get_varint(data, p, len(data))
    off, p = table.get_varint(data, p, len(data))
    size, _ = table.get_varint(data, p, len(data))
    index = table._block_entries(memoryview(data)[off : off + size], "t", "index")
    out = []
    for _, handle in index:
        o, q = table.get_varint(handle, 0, len(handle))
        out.append((o, table.get_varint(handle, q, len(handle))[0]))
    return out


def _blocks(data):
    """(contents, entry count) of each data block."""
    out = []
    for o, s in _handles(data):
        contents = memoryview(data)[o : o + s]
        out.append((contents, len(table._block_entries(contents, "t", "b"))))
    return out


@given(
    st.lists(st.binary(max_size=12), unique=True, max_size=200),
    st.integers(min_value=64, max_value=600),
)
def test_table_round_trip_property(keys, block_size):
    items = [(k, k[::-1] * 2) for k in sorted(keys)]
    assert table.read_table(table.write_table(items, block_size=block_size), "t") == items


@pytest.mark.bad_input
def test_table_rejects_bad_input():
    with pytest.raises(ValueError, match="strictly increasing"):
        table.write_table([(b"b", b""), (b"a", b"")])
    data = bytearray(table.write_table([(b"k", b"v")]))
    data[-1] ^= 0xFF
    with pytest.raises(errors.DataLossError, match="bad magic number"):
        table.read_table(bytes(data), "t.index")
    # a block marked snappy-compressed (type 1), with a valid CRC
    data = bytearray(table.write_table([(b"k", b"v")]))
    ((offset, size),) = _handles(data)
    data[offset + size] = 1
    crc = _core.masked_crc32c(bytes(data[offset : offset + size + 1]))
    data[offset + size + 1 : offset + size + 5] = struct.pack("<I", crc)
    with pytest.raises(errors.UnimplementedError, match="snappy"):
        table.read_table(bytes(data), "t.index")
