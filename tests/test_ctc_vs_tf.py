"""tf.nn CTC (ctc_loss, ctc_loss_v2, ctc_greedy_decoder, collapse_repeated, ctc_unique_labels)
side by side with TensorFlow 2.21 compat.v1 graph mode: losses, their gradients with respect to
the logits, decoded SparseTensors, and TF's errors for bad labels and lengths."""

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import errors


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow.compat.v1


def _run(mod, build):
    with mod.Graph().as_default():
        fetch = build(mod)
        with mod.Session() as s:
            return s.run(fetch)


def _loss_and_grad(mod, x, labels, seq, fn=None, **kw):
    xx = mod.constant(x)
    ind, vals, dims = labels
    sp = mod.SparseTensor(ind, mod.constant(vals, mod.int32), dims)
    loss = (fn or mod.nn.ctc_loss)(sp, xx, seq, **kw)
    weights = mod.constant(np.arange(1, len(seq) + 1, dtype=x.dtype))
    (g,) = mod.gradients(mod.reduce_sum(loss * weights), [xx])
    return [loss, g]


_rng = np.random.default_rng(11)
X = _rng.standard_normal((6, 3, 5)).astype(np.float32)
LABELS = {
    "plain": ([[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]], [1, 2, 3, 0, 0, 1], [3, 3]),
    "repeats": ([[0, 0], [0, 1], [1, 0], [1, 1], [2, 0]], [1, 1, 2, 2, 0], [3, 2]),
    "long_rows": ([[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1]], [3, 1, 3, 2, 1, 2], [3, 3]),
    "null_tail": ([[0, 0], [0, 1], [1, 0], [2, 0]], [2, 4, 1, 3], [3, 2]),
}
SEQ = {"full": [6, 6, 6], "short": [6, 3, 4]}
OPTIONS = {
    "default": {},
    "no_merge": {"ctc_merge_repeated": False},
    "collapse": {"preprocess_collapse_repeated": True},
    "collapse_no_merge": {"preprocess_collapse_repeated": True, "ctc_merge_repeated": False},
}


@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("seq", sorted(SEQ))
@pytest.mark.parametrize("labels", sorted(LABELS))
def test_ctc_loss_and_gradient_match_tf(T, labels, seq, option):
    def build(mod):
        return _loss_and_grad(mod, X, LABELS[labels], SEQ[seq], **OPTIONS[option])

    ours, theirs = _run(tf, build), _run(T, build)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_ctc_loss_batch_major_and_float64(T, dtype):
    x = np.transpose(X, (1, 0, 2)).astype(dtype) * 3.0

    def build(mod):
        return _loss_and_grad(mod, x, LABELS["plain"], SEQ["short"], time_major=False)

    ours, theirs = _run(tf, build), _run(T, build)
    assert ours[0].dtype == theirs[0].dtype
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-4, atol=1e-5)


def test_ctc_loss_ignore_longer_outputs_gives_inf_and_tfs_gradient(T):
    def build(mod):
        labels = ([[0, 0], [0, 1], [0, 2], [1, 0], [2, 0]], [1, 1, 2, 2, 3], [3, 3])
        return _loss_and_grad(mod, X, labels, [3, 6, 1], ignore_longer_outputs_than_inputs=True)

    ours, theirs = _run(tf, build), _run(T, build)
    assert np.isinf(ours[0][0]) and np.isinf(theirs[0][0])
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-4, atol=2e-5)


def test_ctc_loss_op_name_and_static_shape(T):
    got = {}
    for mod in (tf, T):
        with mod.Graph().as_default():
            loss = _loss_and_grad(mod, X, LABELS["plain"], SEQ["full"])[0]
            got[mod is tf] = (loss.name, loss.shape.as_list(), loss.dtype.name)
    assert got[True] == got[False]


BAD = {
    "empty_row": (([[0, 0], [2, 0]], [1, 2], [3, 2]), [6, 6, 6], "Labels length is zero in batch"),
    "negative": (([[0, 0], [1, 0], [2, 0]], [1, -1, 2], [3, 1]), [6, 6, 6], "nonnegative"),
    "too_long_seq": (([[0, 0], [1, 0], [2, 0]], [1, 1, 2], [3, 1]), [6, 7, 6], "sequence_length"),
    "negative_seq": (([[0, 0], [1, 0], [2, 0]], [1, 1, 2], [3, 1]), [6, -1, 6], "seq_len"),
    "null_then_label": (
        ([[0, 0], [0, 1], [1, 0], [2, 0]], [4, 1, 2, 3], [3, 2]),
        [6, 6, 6],
        "Saw a non-null label",
    ),
    "not_enough_time": (
        ([[0, 0], [0, 1], [1, 0], [2, 0]], [1, 2, 2, 3], [3, 2]),
        [1, 6, 6],
        "Not enough time for target transition sequence",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD))
def test_ctc_loss_bad_labels_raise_tfs_error(T, case):
    labels, seq, key = BAD[case]

    def build(mod):
        return _loss_and_grad(mod, X, labels, seq)[0]

    with pytest.raises(T.errors.InvalidArgumentError) as theirs:
        _run(T, build)
    with pytest.raises(errors.InvalidArgumentError) as ours:
        _run(tf, build)
    assert key in theirs.value.message
    assert key in str(ours.value)


@pytest.mark.bad_input
def test_ctc_loss_dense_labels_are_a_type_error_as_tf(T):
    for mod in (tf, T):
        with mod.Graph().as_default(), pytest.raises(TypeError, match="to be a SparseTensor"):
            mod.nn.ctc_loss(mod.constant([[1, 2]]), mod.constant(X), [6, 6, 6])


# ---- ctc_loss_v2 -----------------------------------------------------------------------------
@pytest.mark.parametrize("blank_index", [0, 2, -1, None])
def test_ctc_loss_v2_dense_labels(T, blank_index):
    dense = np.array([[1, 3, 4], [4, 4, 0], [3, 0, 0]], np.int32)
    if blank_index is not None:
        dense = np.where(dense == blank_index % 5, 1, dense).astype(np.int32)  # no blank labels
    lengths = np.array([3, 2, 1], np.int32)

    def build(mod):
        x = mod.constant(X)
        loss = mod.nn.ctc_loss_v2(
            mod.constant(dense), x, mod.constant(lengths), [6, 5, 4], blank_index=blank_index
        )
        return [loss, mod.gradients(mod.reduce_sum(loss), [x])[0]]

    ours, theirs = _run(tf, build), _run(T, build)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-4, atol=2e-5)


@pytest.mark.parametrize("blank_index", [0, 4, -3])
def test_ctc_loss_v2_sparse_labels_move_the_blank(T, blank_index):
    def build(mod):
        x = mod.constant(X)
        ind, vals, dims = LABELS["plain"]
        vals = [v if v != (blank_index % 5) else 4 - (blank_index % 5 == 4) for v in vals]
        sp = mod.SparseTensor(ind, mod.constant(vals, mod.int32), dims)
        loss = mod.nn.ctc_loss_v2(sp, x, None, [6, 5, 6], blank_index=blank_index)
        return [loss, mod.gradients(mod.reduce_sum(loss), [x])[0]]

    ours, theirs = _run(tf, build), _run(T, build)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=2e-4, atol=2e-5)


@pytest.mark.bad_input
def test_ctc_loss_v2_sparse_needs_blank_index(T):
    for mod in (tf, T):
        with mod.Graph().as_default():
            sp = mod.SparseTensor([[0, 0]], mod.constant([1], mod.int32), [1, 1])
            with pytest.raises(ValueError, match="`blank_index` must be provided"):
                mod.nn.ctc_loss_v2(sp, mod.constant(X[:, :1]), None, [6])


# ---- decoders and label helpers -------------------------------------------------------------
@pytest.mark.parametrize("blank_index", [None, 0, -2])
@pytest.mark.parametrize("merge_repeated", [True, False])
def test_ctc_greedy_decoder_as_tf(T, merge_repeated, blank_index):
    x = np.round(_rng.standard_normal((7, 4, 3)), 1).astype(np.float32)  # ties happen

    def build(mod):
        (dec,), logp = mod.nn.ctc_greedy_decoder(
            mod.constant(x), [7, 3, 0, 5], merge_repeated=merge_repeated, blank_index=blank_index
        )
        return [dec.indices, dec.values, dec.dense_shape, logp]

    ours, theirs = _run(tf, build), _run(T, build)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.bad_input
def test_ctc_greedy_decoder_sequence_too_long(T):
    def build(mod):
        (dec,), _ = mod.nn.ctc_greedy_decoder(mod.constant(X), [6, 7, 1])
        return dec.values

    # (TF's kernel raises FailedPreconditionError; ours is an Assert: InvalidArgumentError)
    with pytest.raises(T.errors.FailedPreconditionError, match=r"sequence_length\(1\) <= 6"):
        _run(T, build)
    with pytest.raises(errors.InvalidArgumentError, match="sequence_length"):
        _run(tf, build)


def test_collapse_repeated_and_unique_labels_as_tf(T):
    labels = np.array([[1, 1, 2, 2, 2, 3], [4, 4, 4, 1, 1, 4], [5, 6, 6, 0, 0, 0]], np.int32)

    def build(mod):
        c, n = mod.nn.collapse_repeated(mod.constant(labels), mod.constant([6, 4, 3]))
        y, idx = mod.nn.ctc_unique_labels(mod.constant(labels))
        return [c, n, y, idx]

    ours, theirs = _run(tf, build), _run(T, build)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_ctc_loss_unknown_shapes_long_sequences(T):
    rng = np.random.default_rng(3)
    steps, batch, num_classes, width = 40, 5, 12, 9
    x = rng.standard_normal((steps, batch, num_classes)).astype(np.float32) * 2
    lengths = rng.integers(1, width + 1, batch)
    ind = np.array([[b, i] for b in range(batch) for i in range(lengths[b])], np.int64)
    vals = rng.integers(0, num_classes - 1, len(ind)).astype(np.int32)
    seq = rng.integers(2 * width + 1, steps + 1, batch).astype(np.int32)

    def build(mod):
        xx = mod.placeholder(mod.float32, [None, None, num_classes])
        sl = mod.placeholder(mod.int32, [None])
        i = mod.placeholder(mod.int64, [None, 2])
        v = mod.placeholder(mod.int32, [None])
        sp = mod.SparseTensor(i, v, mod.constant([batch, width], mod.int64))
        loss = mod.nn.ctc_loss(sp, xx, sl)
        grad = mod.gradients(mod.reduce_mean(loss), [xx])[0]
        return [loss, grad], {xx: x, sl: seq, i: ind, v: vals}

    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            fetch, feed = build(mod)
            assert fetch[0].shape.as_list() == [None]
            with mod.Session() as s:
                out.append(s.run(fetch, feed))
    np.testing.assert_allclose(out[0][0], out[1][0], rtol=2e-5)
    np.testing.assert_allclose(out[0][1], out[1][1], rtol=2e-4, atol=2e-6)
