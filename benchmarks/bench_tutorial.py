"""The tutorial's network, side by side: per-step time of tflite_core and reference libraries.

x[1,3] -> relu(x W + b) -> logit = relu_out softmax_w + softmax_b -> softmax; loss = softmax
cross-entropy(logit, labels) + reduce_sum(square(softmax_w)); GradientDescentOptimizer(0.1).
Steps: one train step (``sess.run(train_op, feed_dict)``), a train step with the loss fetched, and
inference (``sess.run(softmax, feed_dict)``). Every implementation starts from the same weights and
is fed the same NumPy arrays each call; after timing, one more step on a different input is checked
against a float64 NumPy reference (loss, parameter update and softmax output).

Run: ``python benchmarks/bench_tutorial.py [--threads 1] [--quick]``.
Targets: tflite_core <= 10 us per train step, <= 5 us per inference.
"""

from __future__ import annotations

import sys

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core

LR = 0.1
_rng = np.random.default_rng(0)
PARAMS0 = [
    _rng.standard_normal((3, 3)).astype(np.float32),
    np.zeros((1, 3), np.float32),
    _rng.standard_normal((3, 3)).astype(np.float32),
    np.zeros((1, 3), np.float32),
]
X = np.array([[1.0, 2.0, 3.0]], np.float32)
Y = np.array([[0.0, 1.0, 0.0]], np.float32)
X_CHECK = np.array([[0.5, -1.0, 2.0]], np.float32)  # the correctness step uses other data
Y_CHECK = np.array([[1.0, 0.0, 0.0]], np.float32)
NAMES = ["w", "b", "softmax_w", "softmax_b"]


def reference(params, x, y):
    """float64 NumPy: (loss, params after one SGD step, softmax before the step)."""
    w, b, sw, sb = (np.asarray(p, np.float64) for p in params)
    x = x.astype(np.float64)
    pre = x @ w + b
    h = np.maximum(pre, 0.0)
    logit = h @ sw + sb
    e = np.exp(logit - logit.max(axis=1, keepdims=True))
    p = e / e.sum(axis=1, keepdims=True)
    if y is None:
        return None, None, p
    y = y.astype(np.float64)
    loss = -(y * np.log(p)).sum() + (sw * sw).sum()
    d_logit = p - y
    d_pre = (d_logit @ sw.T) * (pre > 0)
    grads = [x.T @ d_pre, d_pre, h.T @ d_logit + 2.0 * sw, d_logit]
    return loss, [v - LR * g for v, g in zip((w, b, sw, sb), grads)], p


# ---- implementations -----------------------------------------------------------------------
def graph_impl(name: str, kind: str, tfm, config) -> common.Impl:
    """tflite_core or TF's compat.v1: the tutorial's code, written once for both."""
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder("float", [1, 3], name="x")
        labels = tfm.placeholder("float", [1, 3], name="labels")
        w, b, sw, sb = (tfm.Variable(p, name=n) for p, n in zip(PARAMS0, NAMES))
        relu_out = tfm.nn.relu(tfm.matmul(x, w) + b)
        logit = tfm.matmul(relu_out, sw) + sb
        softmax = tfm.nn.softmax(logit)
        xent = tfm.nn.softmax_cross_entropy_with_logits_v2(logits=logit, labels=labels)
        loss = xent + tfm.reduce_sum(tfm.square(sw))
        train_op = tfm.train.GradientDescentOptimizer(LR).minimize(loss)
        init = tfm.global_variables_initializer()
    sess = tfm.Session(graph=g, config=config)
    sess.run(init)
    return common.Impl(
        name,
        kind,
        train=lambda xv, yv: sess.run(train_op, feed_dict={x: xv, labels: yv}),
        train_loss=lambda xv, yv: sess.run([train_op, loss], feed_dict={x: xv, labels: yv})[1],
        infer=lambda xv: sess.run(softmax, feed_dict={x: xv}),
        params=lambda: sess.run([w, b, sw, sb]),
    )


def tf_function_impl(tf) -> common.Impl:
    vs = [tf.Variable(p) for p in PARAMS0]

    def forward(x):
        return tf.matmul(tf.nn.relu(tf.matmul(x, vs[0]) + vs[1]), vs[2]) + vs[3]

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            logit = forward(x)
            loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=logit))
            loss += tf.reduce_sum(tf.square(vs[2]))
        for v, gr in zip(vs, tape.gradient(loss, vs)):
            v.assign_sub(LR * gr)
        return loss

    infer = tf.function(lambda x: tf.nn.softmax(forward(x)))
    return common.Impl(
        "TF2 tf.function",
        common.REFERENCE,
        train=lambda x, y: step(x, y),
        train_loss=lambda x, y: step(x, y).numpy(),
        infer=lambda x: infer(x).numpy(),
        params=lambda: [v.numpy() for v in vs],
    )


def torch_impl(torch) -> common.Impl:
    ps = [torch.tensor(p, requires_grad=True) for p in PARAMS0]
    opt = torch.optim.SGD(ps, lr=LR)
    fn = torch.nn.functional

    def step(x, y):
        x, y = torch.from_numpy(x), torch.from_numpy(y)
        opt.zero_grad()
        logit = torch.relu(x @ ps[0] + ps[1]) @ ps[2] + ps[3]
        loss = fn.cross_entropy(logit, y) + (ps[2] * ps[2]).sum()  # probability targets
        loss.backward()
        opt.step()
        return loss

    def infer(x):
        with torch.no_grad():
            x = torch.from_numpy(x)
            return torch.softmax(torch.relu(x @ ps[0] + ps[1]) @ ps[2] + ps[3], dim=1).numpy()

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
        return jax.nn.relu(x @ ps[0] + ps[1]) @ ps[2] + ps[3]

    def loss_fn(ps, x, y):
        return -(y * jax.nn.log_softmax(forward(ps, x))).sum() + (ps[2] * ps[2]).sum()

    return common.jax_sgd_impl(jax, forward, loss_fn, PARAMS0, LR)


def numpy_impl() -> common.Impl:
    w, b, sw, sb = ps = [p.copy() for p in PARAMS0]

    def step(x, y):
        pre = x @ w + b
        h = np.maximum(pre, 0.0)
        logit = h @ sw + sb
        e = np.exp(logit - logit.max(axis=1, keepdims=True))
        p = e / e.sum(axis=1, keepdims=True)
        loss = -(y * np.log(p)).sum() + (sw * sw).sum()
        d_logit = p - y
        d_pre = (d_logit @ sw.T) * (pre > 0)
        w_grad, sw_grad = x.T @ d_pre, h.T @ d_logit + 2.0 * sw
        w.__isub__(LR * w_grad)
        b.__isub__(LR * d_pre)
        sw.__isub__(LR * sw_grad)
        sb.__isub__(LR * d_logit)
        return loss

    def infer(x):
        logit = np.maximum(x @ w + b, 0.0) @ sw + sb
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
        ARGS.threads, tflite_core, graph_impl, torch_impl, jax_impl, numpy_impl, _tf2_rows
    )


def _tf2_rows(tf) -> list[common.Impl]:
    return [tf_function_impl(tf)] if common.wanted("TF2 tf.function") else []


def versions() -> dict[str, str]:
    out = {
        "tflite_core": f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})",
        "numpy": np.__version__,
    }
    for mod in ("tensorflow", "torch", "jax"):
        m = sys.modules.get(mod)
        if m is not None:
            out[mod] = m.__version__
    return out


def main() -> int:
    impls = build_impls()
    common.header(
        "Tutorial network (x[1,3], relu layer, softmax layer, xent + L2, SGD 0.1)", versions()
    )
    cases = []
    for im in impls:
        cases += [
            common.Case(im.name, "train step", lambda im=im: im.train(X, Y), im.kind),
            common.Case(
                im.name, "train step + fetch loss", lambda im=im: im.train_loss(X, Y), im.kind
            ),
            common.Case(im.name, "inference -> softmax", lambda im=im: im.infer(X), im.kind),
        ]
    common.measure(cases)
    for im in impls:
        common.check(
            im.name,
            "train step and softmax vs NumPy float64",
            lambda im=im: common.verify_train(im, reference, X_CHECK, Y_CHECK, X, NAMES),
        )
    base = impls[0].name
    common.report(cases, {c.step: base for c in cases})
    by = {(c.impl, c.step): c.median * 1e6 for c in cases if c.kept}
    common.target(
        "tflite_core train step <= 10 us", by.get((base, "train step"), float("nan")), 10.0
    )
    common.target(
        "tflite_core inference <= 5 us", by.get((base, "inference -> softmax"), float("nan")), 5.0
    )
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
