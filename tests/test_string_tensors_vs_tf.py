"""String tensors in a Session, side by side with TF 2.21 ``compat.v1``: string feeds and fetches,
constants of ``str``/``bytes``, and the array ops TF registers for strings (run in Python on
object arrays: ``client/string_ops_on_host.py``), alone and mixed with numeric ops whose inputs
they compute (``tf.equal`` of strings counted by a reduction)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

WORDS = ["cat", b"dog", "cat", "\u00e9t\u00e9", b""]
IDX = np.array([4, 0, 2], np.int32)

CASES = {
    "fetch_feed": lambda m, s, i: s,
    "identity": lambda m, s, i: m.identity(s),
    "reshape": lambda m, s, i: m.reshape(s, [-1, 1]),
    "expand_squeeze": lambda m, s, i: m.squeeze(m.expand_dims(s, 0), [0]),
    "stack": lambda m, s, i: m.stack([s, m.reverse(s, [0])], axis=1),
    "concat": lambda m, s, i: m.concat([s, s[:2]], 0),
    "gather": lambda m, s, i: m.gather(s, i),
    "transpose": lambda m, s, i: m.transpose(m.reshape(s[:4], [2, 2])),
    "tile": lambda m, s, i: m.tile(m.expand_dims(s, 0), [2, 1]),
    "slice": lambda m, s, i: m.slice(s, [1], [3]),
    "strided": lambda m, s, i: s[::-2],
    "scalar": lambda m, s, i: s[3],
    "equal": lambda m, s, i: m.equal(s, "cat"),
    "not_equal": lambda m, s, i: m.not_equal(s, m.reverse(s, [0])),
    "where": lambda m, s, i: m.where(m.equal(s, "cat"), s, m.fill(m.shape(s), "-")),
    "boolean_mask": lambda m, s, i: m.boolean_mask(s, m.not_equal(s, "cat")),
    "split": lambda m, s, i: m.split(s, [2, 3]),
    "unstack": lambda m, s, i: m.unstack(m.reshape(s[:4], [2, 2]), axis=1),
    "zeros_like": lambda m, s, i: m.zeros_like(s),
    "zeros": lambda m, s, i: m.zeros([2, 1], m.string),
    "shape_size": lambda m, s, i: [m.shape(s), m.size(s), m.rank(s)],
    "constant": lambda m, s, i: m.constant([["a", b"b"], ["\u00fc", "d"]]),
    "with_default": lambda m, s, i: m.placeholder_with_default("dflt", []),
    # strings decide numbers that kernels then compute on
    "count_and_scale": lambda m, s, i: m.reduce_sum(m.cast(m.equal(s, "cat"), m.float32)) * 2.5,
    "gather_indices_computed": lambda m, s, i: m.gather(s, m.argmax(m.cast(i, m.float32) * 1.0)),
}


def _run(mod, case):
    with mod.Graph().as_default():
        s = mod.placeholder(mod.string, [None], name="words")
        i = mod.placeholder(mod.int32, [None], name="idx")
        fetch = CASES[case](mod, s, i)
        with mod.Session() as sess:
            return sess.run(fetch, {s: WORDS, i: IDX})


def _same(ours, theirs):
    if isinstance(theirs, list):
        assert isinstance(ours, list) and len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
        return
    if isinstance(theirs, bytes):
        assert ours == theirs and isinstance(ours, bytes)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours, theirs)
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("case", sorted(CASES))
def test_string_ops_as_tf(case):
    _same(_run(tf, case), _run(T, case))


def test_strings_fed_as_numpy_arrays_and_scalars():
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [2, None])
            one = mod.placeholder(mod.string, [])
            with mod.Session() as sess:
                feed = {s: np.array([["a", "bb"], ["c", "d"]]), one: np.bytes_(b"x")}
                out.append(sess.run([s, mod.identity(one)], feed))
    _same(out[0], out[1])


@pytest.mark.bad_input
def test_a_non_string_fed_to_a_string_placeholder_is_tfs_internal_error():
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InternalError, match="Unsupported object type int"):
                    sess.run(mod.identity(s), {s: [b"a", 2]})
                assert sess.run(s, {s: ["ok"]}).tolist() == ["ok"]  # (as fed; the session works)


@pytest.mark.bad_input
def test_a_bad_index_into_strings_names_the_op_and_the_session_keeps_working():
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            i = mod.placeholder(mod.int32, [None])
            y = mod.gather(s, i, name="pick")
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError, match=r"pick|3 is not in"):
                    sess.run(y, {s: ["a"], i: [3]})
                assert sess.run(y, {s: ["a", "b"], i: [1]}).tolist() == [b"b"]


def test_object_arrays_of_str_are_encoded_and_left_unchanged():
    words = np.array(["cat", "d\u00f6g"], dtype=object)
    s = tf.placeholder(tf.string, [None])
    with tf.Session() as sess:
        got = sess.run(tf.identity(s), {s: words})
    assert got.tolist() == [b"cat", "d\u00f6g".encode()]
    assert words.tolist() == ["cat", "d\u00f6g"]  # (the caller's array is not converted)
