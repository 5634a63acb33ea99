"""MLP 784-512-512-10, batch 128, side by side: train step and inference of tflite_core and others.

ReLU hidden layers, softmax cross-entropy (mean over the batch), plain SGD; every step is fed the
same float32 batch (``sess.run(train_op, feed_dict)`` and its equivalents). Every implementation
starts from the same weights; after timing, one more step on a different batch is checked against a
float64 NumPy reference (loss, parameter updates and the softmax output).

Run: ``python benchmarks/bench_mlp.py [--threads 1] [--quick]``.
Target: tflite_core <= 1.7 ms per train step.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

LR = 0.05
SIZES = [784, 512, 512, 10]
BATCH = 128
NAMES = ["w1", "b1", "w2", "b2", "w3", "b3"]
# matmul work per train step: forward, weight gradients, input gradients (none for the input layer)
FLOPS = 2 * BATCH * (3 * sum(a * b for a, b in zip(SIZES, SIZES[1:])) - SIZES[0] * SIZES[1])
INFER_FLOPS = 2 * BATCH * sum(a * b for a, b in zip(SIZES, SIZES[1:]))


def _params0():
    rng = np.random.default_rng(0)
    out = []
    for a, b in zip(SIZES, SIZES[1:]):
        out += [
            (rng.standard_normal((a, b)) * np.sqrt(2.0 / a)).astype(np.float32),
            np.zeros(b, np.float32),
        ]
    return out


def _batch(seed: int):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((BATCH, SIZES[0])).astype(np.float32)
    y = np.eye(SIZES[-1], dtype=np.float32)[rng.integers(0, SIZES[-1], BATCH)]
    return x, y


PARAMS0 = _params0()
X, Y = _batch(1)
X_CHECK, Y_CHECK = _batch(2)


def reference(params, x, y):
    """float64 NumPy: (loss, params after one SGD step, softmax before the step)."""
    ps = [np.asarray(p, np.float64) for p in params]
    acts, pres = [x.astype(np.float64)], []
    for i in range(0, 6, 2):
        pres.append(acts[-1] @ ps[i] + ps[i + 1])
        acts.append(np.maximum(pres[-1], 0.0) if i < 4 else pres[-1])
    logit = acts[-1]
    e = np.exp(logit - logit.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    if y is None:
        return None, None, p
    y = y.astype(np.float64)
    loss = -(y * np.log(p)).sum(axis=1).mean()
    grads = [None] * 6
    d = (p - y) / len(x)
    for i in (4, 2, 0):
        grads[i], grads[i + 1] = acts[i // 2].T @ d, d.sum(axis=0)
        if i:
            d = (d @ ps[i].T) * (pres[i // 2 - 1] > 0)
    return loss, [v - LR * g for v, g in zip(ps, grads)], p


# ---- implementations -----------------------------------------------------------------------
def graph_impl(name: str, kind: str, tfm, config) -> common.Impl:
    """tflite_core or TF's compat.v1, built from the same code."""
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [None, SIZES[0]], name="x")
        labels = tfm.placeholder(tfm.float32, [None, SIZES[-1]], name="labels")
        vs = [tfm.Variable(p, name=n) for p, n in zip(PARAMS0, NAMES)]
        h = x
        for i in range(0, 6, 2):
            h = tfm.matmul(h, vs[i]) + vs[i + 1]
            if i < 4:
                h = tfm.nn.relu(h)
        probs = tfm.nn.softmax(h)
        loss = tfm.reduce_mean(tfm.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=h))
        train_op = tfm.train.GradientDescentOptimizer(LR).minimize(loss)
        init = tfm.global_variables_initializer()
    sess = tfm.Session(graph=g, config=config)
    sess.run(init)
    return common.Impl(
        name,
        kind,
        train=lambda xv, yv: sess.run(train_op, feed_dict={x: xv, labels: yv}),
        train_loss=lambda xv, yv: sess.run([train_op, loss], feed_dict={x: xv, labels: yv})[1],
        infer=lambda xv: sess.run(probs, feed_dict={x: xv}),
        params=lambda: sess.run(vs),
    )


def torch_impl(torch) -> common.Impl:
    ps = [torch.tensor(p, requires_grad=True) for p in PARAMS0]
    opt = torch.optim.SGD(ps, lr=LR)

    def forward(x):
        h = x
        for i in range(0, 6, 2):
            h = torch.addmm(ps[i + 1], h, ps[i])
            if i < 4:
                h = torch.relu(h)
        return h

    def step(x, y):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(forward(torch.from_numpy(x)), torch.from_numpy(y))
        loss.backward()
        opt.step()
        return loss

    def infer(x):
        with torch.no_grad():
            return torch.softmax(forward(torch.from_numpy(x)), dim=1).numpy()

    return common.Impl(
        "PyTorch eager (optim.SGD)",
        common.REFERENCE,
        train=step,
        train_loss=lambda x, y: step(x, y).item(),
        infer=infer,
        params=lambda: [p.detach().numpy().copy() for p in ps],
    )


def jax_impl(jax) -> common.Impl:
    def forward(ps, x):
        h = x
        for i in range(0, 6, 2):
            h = h @ ps[i] + ps[i + 1]
            if i < 4:
                h = jax.nn.relu(h)
        return h

    def loss_fn(ps, x, y):
        return -(y * jax.nn.log_softmax(forward(ps, x))).sum(axis=1).mean()

    return common.jax_sgd_impl(jax, forward, loss_fn, PARAMS0, LR)


def numpy_impl() -> common.Impl:
    ps = [p.copy() for p in PARAMS0]

    def forward(x):
        acts, masks = [x], []
        for i in range(0, 6, 2):
            h = acts[-1] @ ps[i]
            h += ps[i + 1]
            if i < 4:
                masks.append(h > 0)
                np.maximum(h, 0.0, out=h)
            acts.append(h)
        return acts, masks

    def step(x, y):
        acts, masks = forward(x)
        logit = acts[-1]
        e = np.exp(logit - logit.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -(y * np.log(p)).sum(axis=1).mean()
        d = (p - y) / np.float32(len(x))
        for i in (4, 2, 0):
            gw, gb = acts[i // 2].T @ d, d.sum(axis=0)
            if i:
                d = d @ ps[i].T
                d *= masks[i // 2 - 1]
            ps[i] -= np.float32(LR) * gw
            ps[i + 1] -= np.float32(LR) * gb
        return loss

    def infer(x):
        logit = forward(x)[0][-1]
        e = np.exp(logit - logit.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    return common.Impl(
        "NumPy hand-written",
        common.REFERENCE,
        train=step,
        train_loss=step,
        infer=infer,
        params=lambda: [p.copy() for p in ps],
    )


def build_impls() -> list[common.Impl]:
    return common.standard_impls(
        ARGS.threads, tflite_core, graph_impl, torch_impl, jax_impl, numpy_impl, None
    )


def main() -> int:
    impls = build_impls()
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header("MLP 784-512-512-10, batch 128, ReLU, softmax xent, SGD", vers)
    cases = []
    for im in impls:
        cases += [
            common.Case(im.name, "train step", lambda im=im: im.train(X, Y), im.kind),
            common.Case(im.name, "inference -> softmax", lambda im=im: im.infer(X), im.kind),
        ]
    common.measure(cases)
    for im in impls:
        common.check(
            im.name,
            "train step and softmax vs NumPy float64",
            lambda im=im: common.verify_train(
                im, reference, X_CHECK, Y_CHECK, X, NAMES, rtol=1e-4, update_rtol=2e-3
            ),
        )
    base = impls[0].name
    common.report(cases, {c.step: base for c in cases}, unit="ms")
    tr = next((c for c in cases if c.impl == base and c.step == "train step"), None)
    if tr is not None and tr.kept:
        common.peak_fraction(
            f"tflite_core train step ({FLOPS / 1e6:.0f} MFLOP of matmul work)",
            FLOPS / tr.median / 1e9,
        )
    inf = next((c for c in cases if c.impl == base and c.step.startswith("inference")), None)
    if inf is not None and inf.kept:
        common.peak_fraction(
            f"tflite_core inference ({INFER_FLOPS / 1e6:.0f} MFLOP of matmul work)",
            INFER_FLOPS / inf.median / 1e9,
        )
    common.target(
        "tflite_core train step <= 1.7 ms", tr.median * 1e3 if tr is not None else float("nan"), 1.7
    )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
