"""The op table's fake-quantization rows (``FakeQuantWithMinMax*``): forward values against the
NumPy twin of the kernels; their gradients (straight-through, not derivatives: mode "own") and the
values are also checked side by side with TF 2.21 ``compat.v1`` below."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from hypothesis import strategies as st
from op_table import F32, Row, table_tests

import tflite_core as tf
from tflite_core import reference as ref

T = real_tf.compat.v1
RNG = np.random.default_rng(3)


def _run(name, ins, outs, ints, floats=()):
    o = [np.empty(s, np.float32) for s in outs]
    ref.run_kernel(name, [np.asarray(a, np.float32) for a in ins], o, list(ints), list(floats))
    return o if len(o) > 1 else o[0]


def args_draw(ctx):
    x = ctx.values(ctx.shape(), (-8.0, 8.0))
    return [x], {
        "min": ctx.draw(st.sampled_from([-6.0, -1.0, -0.3])),
        "max": ctx.draw(st.sampled_from([6.0, 1.5, 0.4])),
        "num_bits": ctx.draw(st.sampled_from([2, 8, 16])),
        "narrow_range": ctx.draw(st.booleans()),
    }


def args_ref(x, **kw):
    return _run(
        "fake_quant", [x], [x.shape], [kw["num_bits"], kw["narrow_range"]], [kw["min"], kw["max"]]
    )


def vars_draw(per_channel):
    def draw(ctx):
        shape = ctx.shape(min_dims=1 if per_channel else 0)
        x = ctx.values(shape, (-8.0, 8.0))
        rshape = (shape[-1],) if per_channel else ()
        mn = ctx.values(rshape, (-6.0, -0.2))
        mx = ctx.values(rshape, (0.2, 6.0))
        return [x, mn, mx], {"num_bits": ctx.draw(st.sampled_from([4, 8]))}

    return draw


def vars_ref(x, mn, mx, num_bits):
    return _run("fake_quant_vars", [x, mn, mx], [x.shape], [num_bits, 0])


def args_grad_ref(dy, x):
    return _run("fake_quant_grad", [dy, x], [x.shape], [8, 0], [-6.0, 6.0])


def vars_grad_ref(dy, x, mn, mx):
    return _run("fake_quant_vars_grad", [dy, x, mn, mx], [x.shape, mn.shape, mx.shape], [8, 0])


def two_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape), ctx.values(shape, (-8.0, 8.0))], {}


def vars_grad_draw(per_channel):
    inner = vars_draw(per_channel)

    def draw(ctx):
        (x, mn, mx), _ = inner(ctx)
        return [ctx.values(x.shape), x, mn, mx], {}

    return draw


ROWS = [
    Row(
        "FakeQuantWithMinMaxArgs",
        tf.fake_quant_with_min_max_args,
        args_ref,
        args_draw,
        (F32,),
        "own",
    ),
    Row(
        "FakeQuantWithMinMaxArgsGradient",
        tf.fake_quant_with_min_max_args_gradient,
        args_grad_ref,
        two_draw,
        (F32,),
        "none",
    ),
    Row(
        "FakeQuantWithMinMaxVars",
        tf.fake_quant_with_min_max_vars,
        vars_ref,
        vars_draw(False),
        (F32,),
        "own",
    ),
    Row(
        "FakeQuantWithMinMaxVarsPerChannel",
        tf.fake_quant_with_min_max_vars_per_channel,
        vars_ref,
        vars_draw(True),
        (F32,),
        "own",
    ),
    Row(
        "FakeQuantWithMinMaxVarsGradient",
        lambda *a: list(tf.fake_quant_with_min_max_vars_gradient(*a)),
        vars_grad_ref,
        vars_grad_draw(False),
        (F32,),
        "none",
    ),
    Row(
        "FakeQuantWithMinMaxVarsPerChannelGradient",
        lambda *a: list(tf.fake_quant_with_min_max_vars_per_channel_gradient(*a)),
        vars_grad_ref,
        vars_grad_draw(True),
        (F32,),
        "none",
    ),
]
globals().update(table_tests(ROWS))


# ---- side by side with TF ------------------------------------------------------------------------
def _both(build, feeds):
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            ps = [mod.placeholder(mod.float32, v.shape) for v in feeds]
            fetch = build(mod, *ps)
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch, dict(zip(ps, feeds))))
    return out


X = np.concatenate([RNG.uniform(-8, 8, 200), [-6.0, 6.0, 0.0, -0.01, 0.02, 5.99]]).astype(
    np.float32
)
XM = RNG.uniform(-3, 3, (40, 4)).astype(np.float32)


@pytest.mark.parametrize("bits,narrow", [(8, False), (8, True), (4, False), (16, False), (2, True)])
@pytest.mark.parametrize("lo,hi", [(-6.0, 6.0), (-1.0, 2.5), (0.5, 3.0), (-4.0, -1.0)])
def test_values_and_gradients_match_tf(bits, narrow, lo, hi):
    # (at 16 bits, TF 2.21 rounds an input exactly on a range end (-6 for [-6, 6]) one level up
    # where float32 arithmetic gives 0.4999924 of a level: those tie points are left out there)
    x = X[:200] if bits == 16 else X
    w = RNG.standard_normal(x.shape).astype(np.float32)

    def build(m, x):
        y = m.fake_quant_with_min_max_args(x, lo, hi, num_bits=bits, narrow_range=narrow)
        mn, mx = m.constant(lo), m.constant(hi)
        z = m.fake_quant_with_min_max_vars(x, mn, mx, num_bits=bits, narrow_range=narrow)
        loss = m.reduce_sum((y + z) * w)
        return [y, z, *m.gradients(loss, [x, mn, mx])]

    ours, theirs = _both(build, [x])
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)


def test_per_channel_values_and_gradients_match_tf():
    mn0 = np.array([-2.0, -0.5, 0.3, -6.0], np.float32)
    mx0 = np.array([2.0, 1.0, 3.0, 6.0], np.float32)

    def build(m, x):
        mn, mx = m.constant(mn0), m.constant(mx0)
        y = m.fake_quant_with_min_max_vars_per_channel(x, mn, mx, num_bits=6)
        return [y, *m.gradients(m.reduce_sum(y * y), [x, mn, mx])]

    ours, theirs = _both(build, [XM])
    for got, want in zip(ours, theirs):
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-5)


@pytest.mark.bad_input
def test_bad_ranges_and_bits_are_invalid_argument():
    x = tf.constant([1.0, 2.0])
    with tf.Session() as sess:
        for y in (
            tf.fake_quant_with_min_max_args(x, 2.0, 1.0),
            tf.fake_quant_with_min_max_args(x, num_bits=1),
            tf.fake_quant_with_min_max_vars(x, tf.constant(3.0), tf.constant(-3.0)),
        ):
            with pytest.raises(tf.errors.InvalidArgumentError, match="FakeQuant"):
                sess.run(y)
        assert sess.run(tf.fake_quant_with_min_max_args(x)).shape == (2,)
    with pytest.raises(ValueError):
        tf.fake_quant_with_min_max_vars_per_channel(tf.zeros([2, 3]), tf.zeros([4]), tf.ones([4]))
