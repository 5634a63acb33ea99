"""``tf.nn.ctc_beam_search_decoder`` (and ``_v2``) side by side with TF 2.21 ``compat.v1``: random
logits over several seeds, batch sizes, beam widths (1..10, and wider ones that take the
introsort path), top_paths 1..3, sequence lengths shorter than max_time (zero included),
merge_repeated both ways, float32 and float64, and logits on a coarse grid (exact ties among
beams, whose order follows TF's TopN); decoded indices/values/dense_shape equal and log
probabilities within rtol 1e-5. Op names, static shapes and TF's errors (ranks, lengths,
beam_width < top_paths, too few beams)."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _cases(seed: int, n: int, dtype, max_classes: int = 6, max_width: int = 11):
    rng = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        steps, batch, classes = rng.randint(1, 8), rng.randint(1, 4), rng.randint(2, max_classes)
        mode = rng.randint(3)
        if mode == 0:
            x = rng.randn(steps, batch, classes) * rng.choice([0.1, 1.0, 3.0])
        elif mode == 1:  # a coarse grid: exact ties between beams
            x = rng.randint(-2, 3, size=(steps, batch, classes)).astype(float)
        else:  # near-ties
            x = np.round(rng.randn(steps, batch, classes), 1)
        lengths = rng.randint(0, steps + 1, size=batch).astype(np.int32)
        width = rng.randint(1, max_width)
        top = rng.randint(1, min(width, 3) + 1)
        out.append((x.astype(dtype), lengths, width, top, bool(rng.randint(2))))
    return out


def _run_both(cases, v2=False):
    """Each case's (outputs or error class) in TF and here, one session each."""
    results = []
    for lib, graph, session, error in (
        (T, real_tf.Graph, T.Session, real_tf.errors.OpError),
        (tf, tf.Graph, tf.Session, tf.errors.OpError),
    ):
        got = []
        with graph().as_default():
            fetches = []
            for x, lengths, width, top, merge in cases:
                if v2:
                    d, lp = lib.nn.ctc_beam_search_decoder_v2(x, lengths, width, top)
                else:
                    d, lp = lib.nn.ctc_beam_search_decoder(x, lengths, width, top, merge)
                fetches.append([[(s.indices, s.values, s.dense_shape) for s in d], lp])
            with session() as sess:
                for f in fetches:
                    try:
                        got.append(sess.run(f))
                    except error as e:
                        got.append((type(e).__name__, e.message))
        results.append(got)
    return results


def _assert_same(cases, ours, theirs):
    ran = 0
    for case, a, b in zip(cases, theirs, ours):
        if isinstance(a, tuple):
            assert isinstance(b, tuple) and a[0] == b[0], (case, a, b)
            assert b[1].split("\n")[0] in a[1], (a, b)
            continue
        ran += 1
        (paths_a, lp_a), (paths_b, lp_b) = a, b
        for pa, pb in zip(paths_a, paths_b):
            for u, v in zip(pa, pb):
                np.testing.assert_array_equal(v, u, err_msg=str(case))
                assert v.dtype == np.int64
        assert lp_b.dtype == lp_a.dtype
        np.testing.assert_allclose(lp_b, lp_a, rtol=1e-5, err_msg=str(case))
    return ran


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_random_float32_matches_tf(seed):
    cases = _cases(seed, 60, np.float32)
    theirs, ours = _run_both(cases)
    assert _assert_same(cases, ours, theirs) > 30


def test_float64_matches_tf():
    cases = _cases(7, 60, np.float64)
    theirs, ours = _run_both(cases)
    assert _assert_same(cases, ours, theirs) > 30


def test_wide_beams_and_many_classes_match_tf():
    cases = _cases(11, 25, np.float32, max_classes=12, max_width=40)
    theirs, ours = _run_both(cases)
    assert _assert_same(cases, ours, theirs) > 10


def test_v2_never_merges_and_matches_tf():
    cases = _cases(5, 40, np.float32)
    theirs, ours = _run_both(cases, v2=True)
    assert _assert_same(cases, ours, theirs) > 20


def test_merge_repeated_changes_only_the_labels():
    x = np.log(np.array([[[0.1, 0.8, 0.1]], [[0.1, 0.8, 0.1]], [[0.1, 0.1, 0.8]]], np.float32))
    for merge in (True, False):
        cases = [(x, np.array([3], np.int32), 5, 2, merge)]
        theirs, ours = _run_both(cases)
        _assert_same(cases, ours, theirs)


def test_op_names_and_static_shapes_match_tf():
    x = np.zeros((4, 2, 5), np.float32)
    with real_tf.Graph().as_default():
        d_tf, lp_tf = T.nn.ctc_beam_search_decoder(x, [4, 3], beam_width=3, top_paths=2)
    with tf.Graph().as_default():
        d, lp = tf.nn.ctc_beam_search_decoder(x, [4, 3], beam_width=3, top_paths=2)
        ph = tf.placeholder(tf.float32, [None, None, 5])
        _, lp_ph = tf.nn.ctc_beam_search_decoder(ph, tf.placeholder(tf.int32, [None]))
    assert lp.op.name == lp_tf.op.name == "CTCBeamSearchDecoder"
    assert lp.op.type == "CTCBeamSearchDecoder"
    assert [i.name for i in lp.op.inputs] == [i.name for i in lp_tf.op.inputs]
    for s, s_tf in zip(d, d_tf):
        for t, t_tf in ((s.indices, s_tf.indices), (s.values, s_tf.values)):
            assert t.name == t_tf.name and t.shape.as_list() == t_tf.shape.as_list()
        assert s.dense_shape.name == s_tf.dense_shape.name
    assert lp.shape.as_list() == lp_tf.shape.as_list() == [2, 2]
    assert lp_ph.shape.as_list() == [None, 1]
    assert tf.gradients(lp, []) == []


def _errors(fn):
    out = []
    for lib in (T, tf):
        with (real_tf.Graph() if lib is T else tf.Graph()).as_default():
            try:
                fn(lib)
                out.append(None)
            except Exception as e:  # the class is compared
                out.append(e)
    return out


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "x_shape, lengths, text",
    [
        ((4, 5), [4, 3, 2, 1], "Shape must be rank 3 but is rank 2"),
        ((4, 2, 5), [[4, 3]], "Shape must be rank 1 but is rank 2"),
        ((4, 2, 5), [4, 3, 2], "Dimensions must be equal, but are 2 and 3"),
    ],
)
def test_wrong_ranks_raise_value_error(x_shape, lengths, text):
    x = np.zeros(x_shape, np.float32)
    theirs, ours = _errors(lambda m: m.nn.ctc_beam_search_decoder(x, lengths))
    assert type(theirs) is ValueError and type(ours) is ValueError
    assert text in str(theirs) and text in str(ours)


@pytest.mark.bad_input
@pytest.mark.parametrize("attr", ["beam_width", "top_paths"])
def test_attrs_below_one_raise_value_error(attr):
    x = np.zeros((3, 1, 4), np.float32)
    theirs, ours = _errors(lambda m: m.nn.ctc_beam_search_decoder(x, [3], **{attr: 0}))
    assert type(ours) is type(theirs) is ValueError
    assert str(ours) == str(theirs)


def _run_error(lib, x, lengths, **kw):
    graph, session = (real_tf.Graph, T.Session) if lib is T else (tf.Graph, tf.Session)
    with graph().as_default():
        x_ph = lib.placeholder(x.dtype, [None, None, None])
        l_ph = lib.placeholder(np.int32, [None])
        d, lp = lib.nn.ctc_beam_search_decoder(x_ph, l_ph, **kw)
        with session() as sess:
            try:
                sess.run([d[0].values, lp], {x_ph: x, l_ph: lengths})
            except lib.errors.OpError as e:
                return e
    raise AssertionError("no error")


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "x_shape, lengths, kw, cls, text",
    [
        ((4, 2, 5), [4, 3], {"beam_width": 2, "top_paths": 3}, "InvalidArgumentError",
         "requested more paths than the beam width."),
        ((4, 2, 5), [5, 3], {}, "FailedPreconditionError", "sequence_length(0) <= 4"),
        ((4, 2, 5), [0, 0], {"beam_width": 3, "top_paths": 2}, "InvalidArgumentError",
         "Less leaves in the beam search than requested."),
        ((4, 2, 5), [4, 3, 1], {}, "FailedPreconditionError", "len(sequence_length) != batch_size"),
        ((0, 2, 5), [0, 0], {}, "InvalidArgumentError", "inputs must not be empty"),
        ((4, 2, 5), [[4, 3]], {}, "InvalidArgumentError", "sequence_length is not a vector"),
    ],
)  # fmt: skip
def test_run_time_errors_match_tf(x_shape, lengths, kw, cls, text):
    x = np.random.RandomState(0).randn(*x_shape).astype(np.float32)
    lengths = np.array(lengths, np.int32)
    if lengths.ndim == 2:  # a matrix fed to the vector placeholder is refused by the feed
        return
    theirs, ours = (_run_error(lib, x, lengths, **kw) for lib in (T, tf))
    assert type(theirs).__name__ == type(ours).__name__ == cls
    assert text in theirs.message and text in ours.message


@pytest.mark.parametrize("seed", [0, 1])
def test_default_beam_width_on_longer_sequences_matches_tf(seed):
    rng = np.random.RandomState(seed)
    x = (rng.randn(30, 3, 10) * (1 + 2 * seed)).astype(np.float32)
    x = np.round(x) if seed else x  # integer logits: many exact ties
    lengths = rng.randint(10, 31, 3).astype(np.int32)
    cases = [(x, lengths, 100, 5, bool(seed))]
    theirs, ours = _run_both(cases)
    assert _assert_same(cases, ours, theirs) == 1
