"""LSTM batch 64, input 256, hidden 512, 35 steps, side by side: forward and forward+backward.

tflite_core runs ``dynamic_rnn`` (time-major) and ``static_rnn`` over ``BasicLSTMCell``: both
build one ``LSTMBlockSequence`` op (all inputs multiplied by the kernel's input rows in one matmul,
then per step ``h @ kernel[depth:]`` and the fused cell; its gradient computes the kernel's
gradient as one matmul over all steps); TF compat.v1 runs the same graph code with TF's
``BasicLSTMCell``; PyTorch runs ``nn.LSTM`` with the same weights (gates reordered, the forget
bias folded into its bias).
Forward fetches the 35 outputs (stacked); forward+backward fetches the gradients of
``loss = sum(outputs * W)`` with respect to the kernel, the bias and the inputs. Every
implementation is checked against a float64 NumPy LSTM (outputs and gradients).

Run: ``python benchmarks/bench_lstm.py [--threads 1] [--quick]``.
Target: tflite_core <= 22 ms forward, <= 85 ms forward+backward (2 threads); the LSTM written as
while_loop + TensorArray + BasicLSTMCell within 1.3x of the fused dynamic_rnn.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

BATCH, DEPTH, UNITS, STEPS = 64, 256, 512, 35
FORGET_BIAS = 1.0
# matmul work: the inputs' product and the recurrent products; the backward does each twice more
# (d_w and d_x / d_h), so forward+backward is three times the forward
FWD_FLOPS = 2 * STEPS * BATCH * (DEPTH + UNITS) * 4 * UNITS


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((STEPS, BATCH, DEPTH)).astype(np.float32)
    kernel = (rng.standard_normal((DEPTH + UNITS, 4 * UNITS)) * 0.04).astype(np.float32)
    bias = (rng.standard_normal(4 * UNITS) * 0.1).astype(np.float32)
    w = rng.standard_normal((STEPS, BATCH, UNITS)).astype(np.float32)
    return x, kernel, bias, w


X, KERNEL, BIAS, W = _data()


def reference():
    """float64 NumPy: outputs [T, B, H] and d loss / d (kernel, bias, x)."""
    k, b, x = KERNEL.astype(np.float64), BIAS.astype(np.float64), X.astype(np.float64)
    c = np.zeros((BATCH, UNITS))
    h = np.zeros((BATCH, UNITS))
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    cache, outs = [], []
    for t in range(STEPS):
        xh = np.concatenate([x[t], h], 1)
        i, j, f, o = np.split(xh @ k + b, 4, axis=1)
        i, j, f, o = sig(i), np.tanh(j), sig(f + FORGET_BIAS), sig(o)
        c_prev, c = c, c * f + i * j
        h = np.tanh(c) * o
        cache.append((xh, i, j, f, o, c_prev, np.tanh(c)))
        outs.append(h)
    dk, db, dx = np.zeros_like(k), np.zeros_like(b), np.zeros_like(x)
    dh_next, dc_next = np.zeros((BATCH, UNITS)), np.zeros((BATCH, UNITS))
    for t in reversed(range(STEPS)):
        xh, i, j, f, o, c_prev, tc = cache[t]
        dh = W[t] + dh_next
        dc = dc_next + dh * o * (1 - tc * tc)
        dg = np.concatenate(
            [dc * j * i * (1 - i), dc * i * (1 - j * j), dc * c_prev * f * (1 - f),
             dh * tc * o * (1 - o)], 1)  # fmt: skip
        dk += xh.T @ dg
        db += dg.sum(0)
        dxh = dg @ k.T
        dx[t], dh_next, dc_next = dxh[:, :DEPTH], dxh[:, DEPTH:], dc * f
    return np.stack(outs), [dk, db, dx]


# ---- implementations -----------------------------------------------------------------------
def graph_impl(name, kind, tfm, config, dynamic=False):
    """tflite_core or TF's compat.v1 from the same code (TF's cells come from its internal
    rnn_cell_impl: with Keras 3, ``tf.compat.v1.nn.rnn_cell`` is not available)."""
    if tfm is tflite_core:
        cells, rnn = tfm.nn.rnn_cell, tfm.nn
    else:
        from tensorflow.python.ops import rnn as rnn
        from tensorflow.python.ops import rnn_cell_impl as cells
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [STEPS, BATCH, DEPTH], name="x")
        cell = cells.BasicLSTMCell(UNITS, forget_bias=FORGET_BIAS)
        if dynamic:
            out, _ = rnn.dynamic_rnn(cell, x, dtype=tfm.float32, time_major=True)
        else:
            outs, _ = rnn.static_rnn(cell, tfm.unstack(x), dtype=tfm.float32)
            out = tfm.stack(outs)
        loss = tfm.reduce_sum(out * W)
        kernel, bias = tfm.trainable_variables()
        grads = tfm.gradients(loss, [kernel, bias, x])
        init = [tfm.assign(kernel, KERNEL), tfm.assign(bias, BIAS)]
    sess = tfm.Session(graph=g, config=config)
    sess.run(init)
    return name, kind, lambda: sess.run(out, {x: X}), lambda: sess.run(grads, {x: X})


def while_impl(name, kind, tfm, config):
    """The same LSTM written with while_loop + TensorArray + BasicLSTMCell (the cell called once
    per step inside the loop body)."""
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [STEPS, BATCH, DEPTH], name="x")
        cell = tfm.nn.rnn_cell.BasicLSTMCell(UNITS, forget_bias=FORGET_BIAS)
        xs = tfm.TensorArray(tfm.float32, size=STEPS).unstack(x)
        ys = tfm.TensorArray(tfm.float32, size=STEPS)
        s0 = cell.zero_state(BATCH, tfm.float32)

        def body(t, c, h, ys):
            out, (c, h) = cell(xs.read(t), tfm.nn.rnn_cell.LSTMStateTuple(c, h))
            return t + 1, c, h, ys.write(t, out)

        _, _, _, ys = tfm.while_loop(lambda t, c, h, ys: t < STEPS, body, (0, s0.c, s0.h, ys))
        out = ys.stack()
        loss = tfm.reduce_sum(out * W)
        kernel, bias = tfm.trainable_variables()
        grads = tfm.gradients(loss, [kernel, bias, x])
        init = [tfm.assign(kernel, KERNEL), tfm.assign(bias, BIAS)]
    sess = tfm.Session(graph=g, config=config)
    sess.run(init)
    return name, kind, lambda: sess.run(out, {x: X}), lambda: sess.run(grads, {x: X})


def torch_impl(torch):
    lstm = torch.nn.LSTM(DEPTH, UNITS)
    h4 = UNITS
    i, j, f, o = (KERNEL[:, k * h4 : (k + 1) * h4] for k in range(4))
    bi, bj, bf, bo = (BIAS[k * h4 : (k + 1) * h4] for k in range(4))
    wk = np.concatenate([i, f + 0, j, o], 1)  # torch's gate order: i, f, g, o
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.from_numpy(np.ascontiguousarray(wk[:DEPTH].T)))
        lstm.weight_hh_l0.copy_(torch.from_numpy(np.ascontiguousarray(wk[DEPTH:].T)))
        lstm.bias_ih_l0.copy_(torch.from_numpy(np.concatenate([bi, bf + FORGET_BIAS, bj, bo])))
        lstm.bias_hh_l0.zero_()
    w = torch.from_numpy(W)

    def forward():
        with torch.no_grad():
            return lstm(torch.from_numpy(X))[0].numpy()

    def backward():
        xt = torch.from_numpy(X).requires_grad_(True)
        lstm.zero_grad()
        loss = (lstm(xt)[0] * w).sum()
        loss.backward()
        gi, gh = lstm.weight_ih_l0.grad.numpy(), lstm.weight_hh_l0.grad.numpy()
        gk = np.concatenate([gi.T, gh.T], 0)
        gb = lstm.bias_ih_l0.grad.numpy()

        def reorder(a):  # back to i, j, f, o
            q = [a[..., k * h4 : (k + 1) * h4] for k in range(4)]
            return np.concatenate([q[0], q[2], q[1], q[3]], -1)

        return [reorder(gk), reorder(gb), xt.grad.numpy()]

    return "PyTorch nn.LSTM", common.REFERENCE, forward, backward


def build_impls():
    tflite_core.set_num_threads(ARGS.threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=ARGS.threads)
    impls = [
        graph_impl(
            "tflite_core dynamic_rnn (fused cell)", common.TFLITE, tflite_core, config, True
        ),
        graph_impl("tflite_core static_rnn (fused cell)", common.TFLITE, tflite_core, config),
        while_impl("tflite_core while_loop + TensorArray", common.TFLITE, tflite_core, config),
    ]
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=ARGS.threads, inter_op_parallelism_threads=ARGS.threads
        )
        impls.append(graph_impl("TF compat.v1 static_rnn", common.REFERENCE, tf.compat.v1, cfg))
    torch = common.optional_import("torch")
    if torch is not None and common.wanted("PyTorch"):
        torch.set_num_threads(ARGS.threads)
        impls.append(torch_impl(torch))
    return impls


def _verify(fwd, bwd, want_out, want_grads):
    np.testing.assert_allclose(fwd(), want_out, rtol=1e-4, atol=2e-5, err_msg="outputs")
    for n, g, wg in zip(("kernel", "bias", "inputs"), bwd(), want_grads):
        scale = np.abs(wg).max()
        np.testing.assert_allclose(g, wg, rtol=1e-3, atol=1e-4 * scale, err_msg=f"d {n}")


def main() -> int:
    impls = build_impls()
    vers = {
        "tflite_core": f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})",
        "numpy": np.__version__,
    }
    vers.update(
        {m: sys.modules[m].__version__ for m in ("tensorflow", "torch") if m in sys.modules}
    )
    common.header("LSTM batch 64, input 256, hidden 512, 35 steps (float32)", vers)
    cases = []
    for name, kind, fwd, bwd in impls:
        cases += [
            common.Case(name, "forward", fwd, kind),
            common.Case(name, "forward+backward", bwd, kind),
        ]
    common.measure(cases)
    want_out, want_grads = reference()
    for name, _, fwd, bwd in impls:
        common.check(
            name,
            "outputs and gradients vs NumPy float64",
            lambda f=fwd, b=bwd: _verify(f, b, want_out, want_grads),
        )
    base = impls[0][0]
    common.report(cases, {c.step: base for c in cases}, unit="ms")
    med = {c.step: c.median * 1e3 for c in cases if c.impl == base and c.kept}
    for step, work in (("forward", FWD_FLOPS), ("forward+backward", 3 * FWD_FLOPS)):
        if step in med:
            common.peak_fraction(
                f"tflite_core {step} ({work / 1e9:.2f} GFLOP of matmul work, cells not counted)",
                work / med[step] * 1e3 / 1e9,
            )
    common.target("tflite_core forward <= 22 ms", med.get("forward", float("nan")), 22.0)
    common.target(
        "tflite_core forward+backward <= 85 ms", med.get("forward+backward", float("nan")), 85.0
    )
    loop = "tflite_core while_loop + TensorArray"
    for step in ("forward", "forward+backward"):
        t = {c.impl: c.median for c in cases if c.step == step and c.kept}
        common.target(
            f"while_loop LSTM {step} within 1.3x of dynamic_rnn",
            t.get(loop, float("nan")) / t.get(base, float("nan")),
            1.3,
        )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
