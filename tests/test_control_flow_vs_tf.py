"""Control flow side by side with TF 2.21 ``compat.v1`` (graph mode, control flow v2): the same
program built with each module on the same inputs, values and gradients compared to 1e-5.
Errors: TF's classes at graph build and at run time, messages naming the op (and the iteration)
inside the body."""

from __future__ import annotations

import collections

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(5)
TOL = {"rtol": 1e-5, "atol": 1e-6}


def _both(build, feeds):
    """``sess.run(build(module, *placeholders))`` in tflite_core and in TF on the same feeds."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.as_dtype(v.dtype), v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


def _close(ours, theirs, tol=None):
    ours, theirs = real_tf.nest.flatten(ours), real_tf.nest.flatten(theirs)
    assert len(ours) == len(theirs)
    for got, want in zip(ours, theirs):
        got, want = np.asarray(got), np.asarray(want)
        assert got.shape == want.shape and got.dtype == want.dtype, (got, want)
        np.testing.assert_allclose(got, want, **(tol or TOL))


X3 = RNG.uniform(0.5, 1.5, (3,))


def test_counter_loop():
    def build(m, x):
        i, s = m.while_loop(
            lambda i, s: i < 10, lambda i, s: (i + 1, s + m.cast(i, m.float64) * x), (0, x)
        )
        return [i, s, m.gradients(m.reduce_sum(s * s), x)[0]]

    _close(*_both(build, [X3]))


def test_single_loop_var_and_maximum_iterations():
    def build(m, x):
        a = m.while_loop(lambda v: m.reduce_sum(v) < 100.0, lambda v: v * 2.0, [x])
        b = m.while_loop(
            lambda v: m.reduce_sum(v) > -1.0, lambda v: v + 1.0, [x], maximum_iterations=4
        )
        c = m.while_loop(
            lambda k: k < 1000000, lambda k: k + 1, [0], maximum_iterations=m.constant(7)
        )
        return [a, b, c, m.gradients(m.reduce_sum(a) + m.reduce_sum(b), x)[0]]

    _close(*_both(build, [X3]))


Pair = collections.namedtuple("Pair", "a b")


def test_loop_carrying_a_nested_structure():
    def build(m, x):
        def body(n, d):
            p = d["p"]
            return n + 1, {"p": Pair(p.a * x, p.b + p.a), "q": [d["q"][0] - x]}

        n, d = m.while_loop(
            lambda n, d: n < 4, body, (m.constant(0), {"p": Pair(x, 2.0 * x), "q": [x * 0.0]})
        )
        loss = m.reduce_sum(d["p"].a) + m.reduce_sum(d["p"].b * d["q"][0])
        return [n, d["p"].a, d["p"].b, d["q"][0], m.gradients(loss, x)[0]]

    _close(*_both(build, [X3]))


def _rnn(m, x, w, u, b, unrolled):
    """An RNN over time-major x [T, B, D] with while_loop + TensorArray, or unrolled."""
    steps, batch = x.shape.as_list()[:2]
    h0 = m.zeros([batch, u.shape.as_list()[0]], x.dtype)
    if unrolled:
        h, outs = h0, []
        for t in range(steps):
            h = m.tanh(m.matmul(x[t], w) + m.matmul(h, u) + b)
            outs.append(h)
        return m.stack(outs)
    xs = m.TensorArray(x.dtype, size=steps).unstack(x)
    ys = m.TensorArray(x.dtype, size=steps)

    def body(t, h, ys):
        h = m.tanh(m.matmul(xs.read(t), w) + m.matmul(h, u) + b)
        return t + 1, h, ys.write(t, h)

    _, _, ys = m.while_loop(lambda t, h, ys: t < steps, body, (0, h0, ys))
    return ys.stack()


def test_rnn_while_loop_tensor_array_gradients_match_unrolled():
    x = RNG.standard_normal((6, 2, 4))
    w, u, b = (
        RNG.standard_normal((4, 3)) * 0.5,
        RNG.standard_normal((3, 3)) * 0.5,
        RNG.standard_normal(3),
    )

    def build(unrolled):
        def f(m, x, w, u, b):
            y = _rnn(m, x, w, u, b, unrolled)
            return [y, *m.gradients(m.reduce_sum(y * y), [x, w, u, b])]

        return f

    loop_ours, loop_tf = _both(build(False), [x, w, u, b])
    unrolled_ours, _ = _both(build(True), [x, w, u, b])
    _close(loop_ours, loop_tf)
    _close(loop_ours, unrolled_ours)


def test_cond_inside_while_and_while_inside_cond():
    def build(m, x):
        def body(k, t):
            return k + 1, m.cond(m.equal(k % 2, 0), lambda: t * x, lambda: t + x)

        _, c = m.while_loop(lambda k, t: k < 5, body, (0, m.ones_like(x)))
        w = m.cond(
            m.reduce_sum(x) > 0,
            lambda: m.while_loop(lambda k, t: k < 3, lambda k, t: (k + 1, t * x), (0, x))[1],
            lambda: -x,
        )
        return [c, w, *m.gradients(m.reduce_sum(c) + m.reduce_sum(w * w), [x])]

    _close(*_both(build, [X3]))
    _close(*_both(build, [-X3]))


def test_nested_loops_and_gradients():
    def build(m, x):
        def outer(a, acc):
            inner = m.while_loop(
                lambda b, t: b < a + 1, lambda b, t: (b + 1, t * x + m.cast(b, m.float64)), (0, acc)
            )[1]
            return a + 1, inner

        _, n = m.while_loop(lambda a, acc: a < 3, outer, (0, x))
        return [n, m.gradients(m.reduce_sum(n), x)[0]]

    _close(*_both(build, [X3 * 0.5]))


def test_map_fn_scan_foldl_foldr_with_gradients():
    xs = RNG.standard_normal((5, 3))

    def build(m, x):
        outs = [
            m.map_fn(lambda r: m.sin(r) * r, x),
            m.map_fn(lambda p: p[0] * p[1], (x, x + 1.0), dtype=m.float64),
            m.scan(lambda a, r: a * 0.5 + r, x),
            m.scan(lambda a, r: a + r * r, x, initializer=m.ones([3], m.float64), reverse=True),
            m.foldl(lambda a, r: a * r, x),
            m.foldr(lambda a, r: a - r, x, initializer=m.zeros([3], m.float64)),
        ]
        loss = m.add_n([m.reduce_sum(o * o) for o in outs])
        return [*outs, m.gradients(loss, x)[0]]

    _close(*_both(build, [xs]))


def test_case_with_default_and_switch_case():
    def build(m, x):
        s = m.reduce_sum(x)
        c = m.case(
            [(s < 0.0, lambda: x * 2.0), (s > 10.0, lambda: x * 3.0)], default=lambda: x - 1.0
        )
        sw = m.switch_case(m.cast(s, m.int32) % 3, [lambda: x, lambda: x * x, lambda: -x])
        return [c, sw, m.gradients(m.reduce_sum(c * sw), x)[0]]

    for v in (X3, -X3, X3 * 10):
        _close(*_both(build, [v]))


@pytest.mark.bad_input
def test_case_exclusive_and_without_default_check_at_run_time_as_tf():
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float32, [])
            pairs = [(x < 5.0, lambda x=x: x * 2.0), (x > 0.0, lambda x=x: x * 3.0)]
            excl = mod.case(pairs, default=lambda x=x: x, exclusive=True)
            no_default = mod.case(pairs)
            with mod.Session(graph=graph) as sess:
                assert sess.run(excl, {x: -1.0}) == -2.0
                assert sess.run(excl, {x: 9.0}) == 27.0
                with pytest.raises(mod.errors.InvalidArgumentError, match="exclusive=True"):
                    sess.run(excl, {x: 1.0})  # both predicates true
                assert sess.run(no_default, {x: 9.0}) == 27.0  # the last pair as default
                assert sess.run(no_default, {x: 1.0}) == 2.0
                assert sess.run(excl, {x: 10.0}) == 30.0  # the session keeps working


def _deferred_products(m) -> int:
    """How many LoopProductSum ops (a loop's weight gradient summed after the loop) tflite_core's
    default graph has; 0 for TF."""
    if m is not tf:
        return 0
    return sum(op.type == "LoopProductSum" for op in m.get_default_graph().get_operations())


@pytest.mark.parametrize(
    "dtype,batch,units,tol",
    [(np.float64, 2, 8, 1e-6), (np.float32, 16, 64, 1e-4)],
    ids=["float64-small", "float32-sgemm"],
)
def test_loop_weight_gradients_summed_after_the_loop_match_tf(dtype, batch, units, tol):
    """A weight captured by a loop body (an RNN's kernels) whose per-iteration gradient is
    ``rows^T @ delta`` gets it as one product over every iteration's rows after the gradient
    loop; values, first- and second-order gradients as TF's and as the unrolled RNN's."""
    x = RNG.standard_normal((5, batch, units)).astype(dtype)
    w, u = (RNG.standard_normal((units, units)) * 0.3 for _ in range(2))
    w, u, b = w.astype(dtype), u.astype(dtype), RNG.standard_normal(units).astype(dtype)
    counts = []

    def build(unrolled):
        def f(m, x, w, u, b):
            y = _rnn(m, x, w, u, b, unrolled)
            gx, gw, gu, gb = m.gradients(m.reduce_sum(y * y), [x, w, u, b])
            second = m.gradients(m.reduce_sum(gw * gw) + m.reduce_sum(gu), [x, w])
            counts.append(_deferred_products(m))
            return [y, gx, gw, gu, gb, *second]

        return f

    loop_ours, loop_tf = _both(build(False), [x, w, u, b])
    unrolled_ours, _ = _both(build(True), [x, w, u, b])
    # w and u (and the second-order loop's captured weights): summed after the loop in
    # tflite_core's loop graph; the unrolled graph has no loop
    assert counts[0] >= 2 and counts[1:] == [0, 0, 0], counts
    for want in (loop_tf, unrolled_ours):  # (float32 sums of 80 rows: to 1e-4 of each's scale)
        for got, ref in zip(loop_ours, want):
            assert got.dtype == ref.dtype and got.shape == ref.shape
            np.testing.assert_allclose(got, ref, rtol=tol, atol=tol * np.abs(ref).max())


def test_loop_weight_gradient_after_no_iterations_is_zeros_as_tf():
    x, w = RNG.standard_normal((3, 8)), RNG.standard_normal((8, 8))
    counts = []

    def build(m, x, w, n):
        def body(i, h):
            return i + 1, m.tanh(m.matmul(h, w))

        _, h = m.while_loop(lambda i, h: i < n, body, (0, x))
        grads = m.gradients(m.reduce_sum(h * h), [x, w])
        counts.append(_deferred_products(m))
        return [h, *grads]

    for n in (0, 1, 4):
        _close(*_both(build, [x, w, np.int32(n)]))
    assert counts == [1, 0] * 3


def test_second_order_gradient_through_a_loop():
    def build(m, x):
        _, s = m.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, m.sin(s) * x), (0, x))
        g1 = m.gradients(m.reduce_sum(s), x)[0]
        g2 = m.gradients(m.reduce_sum(g1), x)[0]
        return [s, g1, g2]

    _close(*_both(build, [X3]))


def test_stop_gradient_and_control_dependencies_inside_branches():
    def build(m, x):
        def body(i, s):
            with m.control_dependencies([m.identity(s)]):
                t = m.stop_gradient(s * 2.0) + s * x
            return i + 1, t

        _, s = m.while_loop(lambda i, s: i < 3, body, (0, x))
        c = m.cond(m.reduce_sum(x) > 0, lambda: m.stop_gradient(x) * x, lambda: x)
        return [s, c, m.gradients(m.reduce_sum(s) + m.reduce_sum(c), x)[0]]

    _close(*_both(build, [X3]))


def test_variables_read_inside_loops_and_created_in_bodies():
    def build(m, x):
        v = m.Variable(m.constant([1.0, 2.0, 3.0], m.float64))

        def body(i, s):
            w = m.get_variable(
                "w", [3], m.float64, initializer=m.constant_initializer([0.5, 0.25, 2.0])
            )
            return i + 1, s * v + w

        with m.variable_scope("loop"):
            _, s = m.while_loop(lambda i, s: i < 2, body, (0, x))
        g = m.gradients(m.reduce_sum(s), [x, v])
        return s, g

    outs = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            x = mod.placeholder(mod.float64, [3])
            fetch = build(mod, x)
            names = sorted(v.op.name for v in mod.global_variables())
            with mod.Session(graph=graph) as sess:
                sess.run(mod.global_variables_initializer())
                outs.append((names, sess.run(fetch, {x: X3})))
    assert outs[0][0] == outs[1][0]
    _close(outs[0][1], outs[1][1])


# ---- errors --------------------------------------------------------------------------------------
def _cond_errors(mod):
    """The error classes ``mod.cond`` raises at graph build for disagreeing branches."""
    g = tf.Graph() if mod is tf else real_tf.Graph()
    got = []
    with g.as_default():
        x = mod.placeholder(mod.float32, [2])
        p = x[0] > 0
        for t_fn, f_fn in [
            (lambda: {"a": x}, lambda: [x]),  # different structures
            (lambda: x, lambda: mod.cast(x, mod.int32)),  # different dtypes
        ]:
            with pytest.raises((TypeError, ValueError)) as e:
                mod.cond(p, t_fn, f_fn)
            got.append(e.type)
        with pytest.raises(TypeError) as e:
            mod.cond(True, lambda: x, lambda: x)
        got.append(e.type)
    return got


def test_cond_branches_must_agree_at_graph_build_as_in_tf():
    assert _cond_errors(tf) == _cond_errors(T)


@pytest.mark.parametrize("mod", [tf, T], ids=["tflite_core", "tf"])
def test_while_loop_errors_at_graph_build(mod):
    g = tf.Graph() if mod is tf else real_tf.Graph()
    with g.as_default():
        x = mod.placeholder(mod.float32, [2])
        with pytest.raises(ValueError, match=r"after one iteration|shape"):
            mod.while_loop(lambda v: True, lambda v: mod.concat([v, v], 0), [x])
        with pytest.raises(TypeError):
            mod.while_loop(lambda v: mod.reduce_sum(v) < 1.0, lambda v: mod.cast(v, mod.int32), [x])
        with pytest.raises(ValueError):
            mod.while_loop(lambda a, b: a < 3, lambda a, b: (a + 1,), (0, x))
        with pytest.raises(TypeError):
            mod.while_loop(1, lambda v: v, [x])


@pytest.mark.bad_input
def test_runtime_error_in_a_loop_body_names_the_op_and_the_iteration():
    g = tf.Graph()
    with g.as_default():
        params = tf.constant([1.0, 2.0, 3.0])
        n = tf.placeholder(tf.int32, [])

        def body(i, s):
            return i + 1, s + tf.gather(params, i, name="lookup")

        _, s = tf.while_loop(lambda i, s: i < n, body, (0, 0.0), name="loop")
        with tf.Session() as sess:
            assert sess.run(s, {n: 3}) == 6.0
            with pytest.raises(tf.errors.InvalidArgumentError) as e:
                sess.run(s, {n: 5})
            msg = str(e.value)
            assert "lookup" in msg and "iteration 3" in msg and "loop" in msg, msg
            assert sess.run(s, {n: 2}) == 3.0  # the session keeps working


@pytest.mark.bad_input
def test_runtime_error_in_a_branch_names_the_op():
    g = tf.Graph()
    with g.as_default():
        i = tf.placeholder(tf.int32, [])
        params = tf.constant([1.0, 2.0])
        y = tf.cond(i > 0, lambda: tf.gather(params, i, name="pick"), lambda: params[0])
        with tf.Session() as sess:
            assert sess.run(y, {i: 1}) == 2.0
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"pick.*true branch"):
                sess.run(y, {i: 7})
            assert sess.run(y, {i: 0}) == 1.0


def test_maximum_iterations_stops_a_loop_that_would_not_end():
    def build(m, x):
        return m.while_loop(
            lambda v: m.constant(True), lambda v: v + 1.0, [x], maximum_iterations=50
        )

    _close(*_both(build, [X3]))


def test_cond_results_of_every_kind_as_tfs():
    """A cond's branches return computed tensors (written straight into the cond's outputs),
    a param passed through, a reshape view of a computed tensor that the branch also returns
    whole, one tensor twice, a constant and an empty tensor; both branches, several runs in one
    session (each run's fetched values stay its own), equal to TF's."""

    def build(m, x, pred):
        def branch(scale):
            y = x * scale + 1.0
            z = m.nn.relu(y - 2.0)
            return (
                y,
                x,
                m.reshape(z, [-1]),
                z,
                y,
                m.constant([7.0, 8.0]),
                m.zeros([0, 3]),
                m.reduce_sum(z),
            )

        return m.cond(pred, lambda: branch(2.0), lambda: branch(-3.0))

    x = RNG.uniform(-2, 2, (4, 3)).astype(np.float32)
    for flag in (True, False, True):
        ours, theirs = _both(build, [x, np.array(flag)])
        _close(ours, theirs)
    with tf.Graph().as_default():
        px, pp = tf.placeholder(tf.float32, [4, 3]), tf.placeholder(tf.bool, [])
        outs = build(tf, px, pp)
        with tf.Session() as sess:
            first = sess.run(outs, {px: x, pp: True})
            second = sess.run(outs, {px: x + 1.0, pp: False})
            again = sess.run(outs, {px: x, pp: True})
    for a, c in zip(first, again):
        np.testing.assert_array_equal(a, c)
    np.testing.assert_allclose(second[0], (x + 1.0) * -3.0 + 1.0, rtol=1e-6)


@pytest.mark.filterwarnings("ignore::UserWarning")  # (TF's tf.layers deprecation notice)
@pytest.mark.parametrize("batch", [4, None])
def test_gradient_through_cond_reads_the_forward_branch_values_as_tf(batch):
    """A random value drawn inside a branch (a dropout mask) is the one its gradient uses: TF's
    cond_v2 hands the forward If's intermediates to the gradient If; so does tflite_core (they
    become outputs of the forward If, so the branch does not run twice), also where the batch
    size is only known when the plan compiles (tf.layers.dropout with a training placeholder)."""
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            xp = mod.placeholder(mod.float32, [batch, 50])
            pred = mod.placeholder_with_default(True, [])
            y1 = mod.cond(
                pred,
                lambda mod=mod, xp=xp: mod.nn.dropout(xp, rate=0.5),
                lambda xp=xp: xp,
            )
            y2 = mod.layers.dropout(xp * 2.0, rate=0.3, training=pred)
            g = mod.gradients(mod.reduce_sum(y1 * 3.0) + mod.reduce_sum(y2), [xp])[0]
            with mod.Session(graph=graph) as sess:
                for train, rows in ((True, 4), (False, 3), (True, 6)):
                    feed = {xp: np.ones((rows, 50), np.float32), pred: train}
                    y1v, y2v, gv = sess.run([y1, y2, g], feed)
                    if train:
                        assert 0 < np.count_nonzero(y1v) < y1v.size
                    # the same masks forward and backward: y1 = x * mask / 0.5, y2 = 2x * m / 0.7
                    np.testing.assert_allclose(gv, 3.0 * y1v + y2v, rtol=1e-6)
                    if batch is not None:
                        break


@pytest.mark.filterwarnings("ignore::UserWarning")  # (TF's tf.layers deprecation notice)
def test_gradient_of_a_cond_with_a_batch_norm_matches_tf_and_keeps_forward_outputs():
    x = RNG.standard_normal((6, 5, 5, 3)).astype(np.float32)
    out, forward_outputs = [], []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            xp = mod.placeholder(mod.float32, [None, 5, 5, 3])
            training = mod.placeholder_with_default(True, [])
            y = mod.layers.batch_normalization(xp, training=training, fused=True)
            fwd = next(o for o in graph.get_operations() if o.type in ("If", "StatelessIf"))
            n_before = len(fwd.outputs)
            (dx,) = mod.gradients(mod.reduce_sum(mod.square(y) * 0.5 + y), [xp])
            forward_outputs.append(len(fwd.outputs) - n_before)
            with mod.Session(graph=graph) as sess:
                sess.run(mod.global_variables_initializer())
                out.append(sess.run([y, dx], {xp: x}))
    # float32 batch-norm gradients sum 150 products per channel; the order of the sums (SIMD
    # width) differs from TF's, so absolute errors reach ~1e-6 on gradients of ~1e-3
    _close(*out, tol={"rtol": 1e-4, "atol": 1e-5})
    # ours: the batch statistics (reserve spaces, 3 per branch) became forward If outputs
    assert forward_outputs[0] == 6
