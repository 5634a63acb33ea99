"""conv2d NHWC [32,56,56,64] * 3x3x64x64, SAME, stride 1: forward and forward+backward.

The input, filter and loss weights W are variables (set once, as a training loop's weights are),
so every step times the convolution work, not feeding 26 MB. "forward" runs the conv op (its
output stays in the library); "forward+backward" fetches ``loss = sum(conv * W)`` and runs its
gradients with respect to the input and the filter as targets, so the forward and both
backprops run (plus the product with W, the sum and their gradients). tflite_core and TF
``compat.v1`` run the same graph through ``Session.run``; PyTorch runs ``F.conv2d`` on
channels_last tensors (eager autograd, gradients set to None each step). After timing, every
implementation's output and both gradients are checked against float64 NumPy.

Run: ``python benchmarks/bench_conv.py [--threads 1] [--quick]``.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

N, H, W, C, K, CO = 32, 56, 56, 64, 3, 64
FLOPS = 2 * N * H * W * K * K * C * CO  # one convolution (forward; each backprop is as much)


def _data():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((N, H, W, C)).astype(np.float32)
    f = (rng.standard_normal((K, K, C, CO)) * np.sqrt(2.0 / (K * K * C))).astype(np.float32)
    w = rng.standard_normal((N, H, W, CO)).astype(np.float32)
    return x, f, w


X, F, WL = _data()


def reference():
    """float64 NumPy: (conv(x, f), d sum(conv * W) / dx, ... / df), SAME padding of 1."""
    x, f, w = (a.astype(np.float64) for a in (X, F, WL))
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    y, dxp, df = np.zeros((N, H, W, CO)), np.zeros(xp.shape), np.zeros(f.shape)
    w2 = w.reshape(-1, CO)
    for a in range(K):
        for b in range(K):
            tap = xp[:, a : a + H, b : b + W].reshape(-1, C)
            y += (tap @ f[a, b]).reshape(y.shape)
            df[a, b] = tap.T @ w2
            dxp[:, a : a + H, b : b + W] += (w2 @ f[a, b].T).reshape(N, H, W, C)
    return y, dxp[:, 1:-1, 1:-1], df


@dataclass
class Impl:
    name: str
    kind: str
    forward: Callable
    fwd_bwd: Callable
    results: Callable  # () -> (y, dx, df) as NHWC / HWIO arrays


# ---- implementations -----------------------------------------------------------------------
def graph_impl(name: str, kind: str, tfm, config) -> Impl:
    """tflite_core or TF's compat.v1, built from the same code."""
    g = tfm.Graph()
    with g.as_default():
        x = tfm.Variable(X, name="x")
        f = tfm.Variable(F, name="filter")
        w = tfm.Variable(WL, name="w", trainable=False)
        y = tfm.nn.conv2d(x, f, strides=[1, 1, 1, 1], padding="SAME")
        loss = tfm.reduce_sum(y * w)
        dx, df = tfm.gradients(loss, [x, f])
        init = tfm.global_variables_initializer()
    sess = tfm.Session(graph=g, config=config)
    sess.run(init)
    return Impl(
        name,
        kind,
        forward=lambda: sess.run(y.op),
        # the loss (a scalar) makes the forward run: the gradients alone do not need it
        fwd_bwd=lambda: sess.run([loss, dx.op, df.op]),
        results=lambda: sess.run([y, dx, df]),
    )


def _nhwc(t):
    return t.detach().permute(0, 2, 3, 1).numpy()


def torch_impl(torch) -> Impl:
    fn = torch.nn.functional
    cl = torch.channels_last
    x = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous(memory_format=cl)  # NCHW, NHWC memory
    f = torch.from_numpy(F).permute(3, 2, 0, 1).contiguous(memory_format=cl)  # OIHW
    w = torch.from_numpy(WL).permute(0, 3, 1, 2).contiguous(memory_format=cl)
    x.requires_grad_(True)
    f.requires_grad_(True)

    def forward():
        with torch.no_grad():
            return fn.conv2d(x, f, padding=1)

    def fwd_bwd():
        x.grad = f.grad = None
        (fn.conv2d(x, f, padding=1) * w).sum().backward()

    def results():
        fwd_bwd()
        y = forward()
        return _nhwc(y), _nhwc(x.grad), f.grad.permute(2, 3, 1, 0).numpy()

    return Impl("PyTorch eager (channels_last)", common.REFERENCE, forward, fwd_bwd, results)


def build_impls() -> list[Impl]:
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    impls = [graph_impl("tflite_core Session.run", common.TFLITE, tflite_core, config)]
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        impls.append(graph_impl("TF compat.v1 Session.run", common.REFERENCE, tf.compat.v1, cfg))
    torch = common.optional_import("torch")
    if torch is not None and common.wanted("PyTorch"):
        torch.set_num_threads(threads)
        impls.append(torch_impl(torch))
    return impls


def verify(impl: Impl, want) -> None:
    for label, got, ref in zip(
        ("output", "input gradient", "filter gradient"), impl.results(), want
    ):
        np.testing.assert_allclose(
            got, ref, rtol=1e-3, atol=1e-3 * np.abs(ref).max(), err_msg=label
        )


def main() -> int:
    impls = build_impls()
    core = tflite_core._core
    vers = common.versions(f"{tflite_core.__version__} (conv backend {core.conv_backend()})")
    common.header("conv2d NHWC [32,56,56,64] * 3x3x64x64, SAME, stride 1", vers)
    cases = []
    for im in impls:
        cases += [
            common.Case(im.name, "forward", im.forward, im.kind),
            common.Case(im.name, "forward+backward", im.fwd_bwd, im.kind),
        ]
    common.measure(cases)
    want = reference()
    for im in impls:
        common.check(
            im.name, "output and gradients vs NumPy float64", lambda im=im: verify(im, want)
        )
    base = impls[0].name
    common.report(cases, {c.step: base for c in cases}, unit="ms")
    for c in cases:
        if c.impl == base and c.kept:
            work = FLOPS * (1 if c.step == "forward" else 3)
            common.peak_fraction(
                f"tflite_core {c.step} ({work / 1e9:.1f} GFLOP of convolution work per call)",
                work / c.median / 1e9,
            )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
