"""Shape-like arguments known only when the graph runs, side by side with TF 2.21 ``compat.v1``.

Every argument TF accepts as a tensor (reshape's shape, tile's multiples, slice's begin/size,
strided_slice's begin/end/strides, transpose's perm, reduction axes, expand_dims/concat/split/
gather/argmax axes, one_hot's depth, pad's paddings, top_k's k, range, fill/zeros dims) is fed or
computed at run time here; results, gradients, static shapes and the InvalidArgumentError
messages of bad values must be TF's.
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

pytestmark = pytest.mark.bad_input  # bad shape values: also run against the ASan build in CI

T = real_tf.compat.v1
RNG = np.random.default_rng(7)
X234 = RNG.standard_normal((2, 3, 4)).astype(np.float32)


def _run_both(build):
    """``sess.run(fetch, feeds)`` of ``build(module) -> (fetch, feeds)`` in tflite_core and in
    TF; each a result or the exception raised."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            fetch, feeds = build(mod)
            with mod.Session(graph=graph) as sess:
                try:
                    out.append(sess.run(fetch, feeds))
                except Exception as e:
                    out.append(e)
    return out


def _tf_message(e) -> str:
    """The status message of a TF run-time error (without the node trace TF adds)."""
    lines = e.message.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("\t [[") and i:
            return lines[i - 1].strip()
    return lines[-1].strip()


def _assert_same(ours, theirs):
    if isinstance(theirs, Exception):
        assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
        want = _tf_message(theirs).rstrip(".")
        assert want in str(ours), (str(ours), want)
        return
    assert not isinstance(ours, Exception), ours
    if isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _assert_same(a, b)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours, theirs)
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def _fed(m, *values):
    """Placeholders of unknown shape for ``values`` (dtype from each value), and their feeds."""
    ps = [m.placeholder(m.as_dtype(np.asarray(v).dtype), None) for v in values]
    return ps, dict(zip(ps, values))


def _i(*v):
    return np.asarray(v, np.int32)


# ---- each argument, fed: (name, build(m, ps) -> fetch, fed values) --------------------------
CASES = {
    "reshape to shape(y)": (
        lambda m, x, y: m.reshape(x, m.shape(y)),
        [X234, np.zeros((4, 6), np.float32)],
    ),
    "reshape to [k, -1]": (lambda m, x, k: m.reshape(x, [k, -1]), [X234, np.int32(4)]),
    "tile by fed multiples": (lambda m, x, k: m.tile(x, k), [X234, _i(2, 1, 3)]),
    "tile by [shape(a)[0], 1, 1]": (
        lambda m, x, a: m.tile(x, [m.shape(a)[0], 1, 1]),
        [X234, np.zeros(3, np.float32)],
    ),
    "tile by zero": (lambda m, x, k: m.tile(x, k), [X234, _i(1, 0, 2)]),
    "tile: negative multiples": (lambda m, x, k: m.tile(x, k), [X234, _i(1, -1, 1)]),
    "tile: length mismatch": (lambda m, x, k: m.tile(x, k), [X234, _i(1, 2)]),
    "slice": (lambda m, x, b, s: m.slice(x, b, s), [X234, _i(1, 1, 0), _i(1, -1, 3)]),
    "slice: begin out of range": (
        lambda m, x, b, s: m.slice(x, b, s),
        [X234, _i(0, 4, 0), _i(1, 1, 1)],
    ),
    "slice: size out of range": (
        lambda m, x, b, s: m.slice(x, b, s),
        [X234, _i(0, 1, 0), _i(1, 1, 5)],
    ),
    "slice: length mismatch": (
        lambda m, x, b, s: m.slice(x, b, s),
        [X234, _i(0, 1), _i(1, 1)],
    ),
    "strided_slice": (
        lambda m, x, b, e, s: m.strided_slice(x, b, e, s),
        [X234, _i(0, 2, 3), _i(2, -4, 0), _i(1, -1, -2)],
    ),
    "strided_slice with masks": (
        lambda m, x, b, e, s: m.strided_slice(x, b, e, s, begin_mask=1, shrink_axis_mask=4),
        [X234, _i(1, 0, 2), _i(2, 3, 3), _i(1, 2, 1)],
    ),
    "strided_slice: zero stride": (
        lambda m, x, b, e, s: m.strided_slice(x, b, e, s),
        [X234, _i(0, 0, 0), _i(1, 1, 1), _i(1, 0, 1)],
    ),
    "strided_slice: shrink out of range": (
        lambda m, x, b, e, s: m.strided_slice(x, b, e, s, shrink_axis_mask=2),
        [X234, _i(0, 5, 0), _i(1, 6, 1), _i(1, 1, 1)],
    ),
    "transpose": (lambda m, x, p: m.transpose(x, p), [X234, _i(2, 0, 1)]),
    "transpose: duplicate": (lambda m, x, p: m.transpose(x, p), [X234, _i(0, 0, 1)]),
    "transpose: out of range": (lambda m, x, p: m.transpose(x, p), [X234, _i(0, 3, 1)]),
    "transpose: length mismatch": (lambda m, x, p: m.transpose(x, p), [X234, _i(1, 0)]),
    "reduce_sum over fed axes": (lambda m, x, a: m.reduce_sum(x, a), [X234, _i(0, 2)]),
    "reduce_max over a fed axis, kept": (
        lambda m, x, a: m.reduce_max(x, a, keepdims=True),
        [X234, np.int32(-1)],
    ),
    "reduce_mean over no axes": (
        lambda m, x, a: m.reduce_mean(x, a),
        [X234, np.zeros(0, np.int32)],
    ),
    "reduce_sum: axis out of range": (lambda m, x, a: m.reduce_sum(x, a), [X234, _i(3)]),
    "argmax over a fed axis": (lambda m, x, a: m.argmax(x, a), [X234, np.int32(1)]),
    "expand_dims at a fed axis": (lambda m, x, a: m.expand_dims(x, a), [X234, np.int32(-2)]),
    "concat along a fed axis": (
        lambda m, x, a: m.concat([x, x * 2.0], a),
        [X234, np.int32(1)],
    ),
    "concat: axis out of range": (
        lambda m, x, a: m.concat([x, x], a),
        [X234, np.int32(3)],
    ),
    "split along a fed axis": (lambda m, x, a: m.split(x, 2, a), [X234, np.int32(2)]),
    "gather along a fed axis": (
        lambda m, x, a: m.gather(x, [2, 0], axis=a),
        [X234, np.int32(2)],
    ),
    "one_hot of a fed depth": (
        lambda m, i, d: m.one_hot(i, d),
        [_i(0, 2, -1, 3), np.int32(4)],
    ),
    "pad by fed paddings": (
        lambda m, x, p: m.pad(x, p),
        [X234, np.asarray([[0, 1], [2, 0], [1, 1]], np.int32)],
    ),
    "pad by [[k, 0], ...]": (
        lambda m, x, k: m.pad(x, [[k, 0], [0, k], [0, 0]]),
        [X234, np.int32(2)],
    ),
    "pad: negative paddings": (
        lambda m, x, p: m.pad(x, p),
        [X234, np.asarray([[0, 1], [-1, 0], [0, 0]], np.int32)],
    ),
    "top_k of a fed k": (lambda m, x, k: m.nn.top_k(x, k), [X234, np.int32(2)]),
    "range to a fed limit": (lambda m, n: m.range(1, n, 2), [np.int32(9)]),
    "fill fed dims": (lambda m, d: m.fill(d, 2.5), [_i(2, 3)]),
    "zeros of shape(y) * 2": (
        lambda m, y: m.zeros(m.shape(y) * 2),
        [np.zeros((1, 3), np.float32)],
    ),
}


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_fed_shape_argument_matches_tensorflow(case):
    fn, values = CASES[case]

    def build(m):
        ps, feeds = _fed(m, *values)
        return fn(m, *ps), feeds

    ours, theirs = _run_both(build)
    _assert_same(ours, theirs)


def test_a_variable_and_a_computed_value_as_shape_arguments():
    # values only known when the graph runs (a variable, a random op's shape...): a pre-plan
    def build(m):
        x = m.placeholder(m.float32, [None, 3, 4])
        k = m.Variable(np.int32(2))
        y = m.tile(x, [k, 1, k]) + 0.0
        z = m.reduce_sum(y, m.shape(y)[1:2] - 2)  # axis computed from a shape: 1
        return [y, z], {x: X234, "init": m.global_variables_initializer()}

    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            fetch, feeds = build(mod)
            init = feeds.pop("init")
            with mod.Session(graph=graph) as sess:
                sess.run(init)
                out.append(sess.run(fetch, feeds))
    _assert_same(*out)


# ---- gradients through run-time arguments --------------------------------------------------
GRADS = {
    "tile": (lambda m, x, k: m.tile(x, k), _i(2, 1, 2)),
    "slice": (lambda m, x, b: m.slice(x, b, [1, 2, -1]), _i(1, 1, 2)),
    "strided_slice": (lambda m, x, b: m.strided_slice(x, b, [2, 3, 4], [1, 2, 1]), _i(0, 0, 1)),
    "transpose": (lambda m, x, p: m.transpose(x, p), _i(1, 2, 0)),
    "reduce_sum": (lambda m, x, a: m.reduce_sum(x, a), _i(1)),
    "reduce_mean": (lambda m, x, a: m.reduce_mean(x, a, keepdims=True), _i(0, 2)),
    "reduce_max": (lambda m, x, a: m.reduce_max(x, a), _i(2)),
    "reduce_prod": (lambda m, x, a: m.reduce_prod(x, a), _i(0)),
    "concat": (lambda m, x, a: m.concat([x, x * 3.0], a), np.int32(2)),
    "split": (lambda m, x, a: m.split(x, 2, a)[1], np.int32(0)),
    "pad": (lambda m, x, p: m.pad(x, p), np.asarray([[1, 0], [0, 2], [1, 1]], np.int32)),
    "expand_dims": (lambda m, x, a: m.expand_dims(x, a), np.int32(1)),
}


@pytest.mark.parametrize("case", list(GRADS), ids=list(GRADS))
def test_gradient_through_a_fed_argument_matches_tensorflow(case):
    fn, arg = GRADS[case]

    def build(m):
        x = m.placeholder(m.float32, [2, 3, 4])
        a = m.placeholder(m.as_dtype(arg.dtype), None)
        y = fn(m, x, a)
        flat = m.reshape(y, [-1])
        loss = m.reduce_sum(flat * flat * flat)  # d/dy: 3 y^2, position-dependent
        return m.gradients(loss, x)[0], {x: X234, a: arg}

    ours, theirs = _run_both(build)
    _assert_same(ours, theirs)


# ---- static shapes at graph build ----------------------------------------------------------
def test_static_shapes_as_precise_as_tensorflows():
    def shapes(m):
        x = m.placeholder(m.float32, [2, None, 4])
        k = m.placeholder(m.int32, [])
        v = m.placeholder(m.int32, [3])
        out = [
            m.tile(x, [2, k, 1]),
            m.tile(x, [3, 1, 2]),
            m.tile(x, v),
            m.slice(x, [0, k, 1], [1, 2, -1]),
            m.slice(x, v, [1, -1, 2]),
            m.strided_slice(x, v, v, v, shrink_axis_mask=1),
            m.transpose(x, [2, 0, 1]),
            m.transpose(x, v),
            m.reduce_sum(x, [k]),
            m.reduce_sum(x, [k], keepdims=True),
            m.expand_dims(x, k),
            m.concat([x, x], k),
            m.gather(x, [0, 1], axis=k),
            m.one_hot(v, k),
            m.pad(x, [[k, 0], [0, 0], [1, 1]]),
            m.reshape(x, [k, -1]),
            m.zeros([k, 3]),
            m.range(k),
        ]
        return [s.shape.as_list() if s.shape.ndims is not None else None for s in out]

    with tf.Graph().as_default():
        ours = shapes(tf)
    with real_tf.Graph().as_default():
        theirs = shapes(T)
    assert ours == theirs
