"""``tf.test.compute_gradient`` and ``compute_gradient_error`` (TF 1.x's gradient checker): the
Jacobian of ``y`` with respect to ``x`` from ``tf.gradients`` beside the one from central
differences, both ``[x_size, y_size]``, run in the default session."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework.graph import get_default_session
from ..ops.array_ops import placeholder
from ..ops.gradients import gradients


def _theoretical(x, x_shape, x_data, dy, y_shape, dx, feeds, sess):
    x_size, y_size = int(np.prod(x_shape)), int(np.prod(y_shape))
    jac = np.zeros((x_size, y_size), dtype=x_data.dtype)
    dy_data = np.zeros(y_shape, dtype=x_data.dtype)
    for col in range(y_size):
        dy_data.flat[col] = 1
        grad = sess.run(dx, {**feeds, x: x_data, dy: dy_data})
        dy_data.flat[col] = 0
        if grad is not None:
            jac[:, col] = np.asarray(grad).reshape(x_size)
    return jac


def _numerical(x, x_shape, x_data, y, y_shape, delta, feeds, sess):
    x_size, y_size = int(np.prod(x_shape)), int(np.prod(y_shape))
    jac = np.zeros((x_size, y_size), dtype=x_data.dtype)
    xv = x_data.copy()
    for row in range(x_size):
        orig = xv.flat[row]
        xv.flat[row] = orig + delta
        pos = np.asarray(sess.run(y, {**feeds, x: xv}), dtype=x_data.dtype)
        xv.flat[row] = orig - delta
        neg = np.asarray(sess.run(y, {**feeds, x: xv}), dtype=x_data.dtype)
        xv.flat[row] = orig
        jac[row, :] = ((pos - neg) / (2 * delta)).reshape(y_size)
    return jac


def compute_gradient(
    x: Any,
    x_shape: Any,
    y: Any,
    y_shape: Any,
    x_init_value: Any = None,
    delta: float = 1e-3,
    init_targets: Any = None,
    extra_feed_dict: Any = None,
) -> Any:
    """(theoretical, numerical) Jacobians of ``y`` w.r.t. ``x``; a list of pairs when ``x`` is a
    list (``x_shape`` and ``x_init_value`` then lists too)."""
    sess = get_default_session()
    if sess is None:
        raise ValueError("compute_gradient needs a default session (with sess.as_default():)")
    if init_targets is not None:
        sess.run(init_targets)
    feeds = dict(extra_feed_dict or {})
    xs = list(x) if isinstance(x, (list, tuple)) else [x]
    shapes = list(x_shape) if isinstance(x, (list, tuple)) else [x_shape]
    inits = (
        list(x_init_value)
        if isinstance(x, (list, tuple)) and x_init_value is not None
        else [x_init_value] * len(xs)
    )
    y_shape = tuple(int(d) for d in y_shape)
    dy = placeholder(y.dtype, y_shape, name="compute_gradient_dy")
    dxs = gradients(y, xs, grad_ys=dy)
    out = []
    for i, (xi, si, vi) in enumerate(zip(xs, shapes, inits)):
        si = tuple(int(d) for d in si)
        np_dt = xi.dtype.np
        if vi is None:
            vi = np.random.random_sample(si)
        vi = np.asarray(vi, dtype=np_dt).reshape(si)
        others = {
            xs[j]: np.asarray(
                inits[j]
                if inits[j] is not None
                else np.random.random_sample(tuple(int(d) for d in shapes[j])),
                xs[j].dtype.np,
            )
            for j in range(len(xs))
            if j != i
        }
        fd = {**feeds, **others}
        d = dxs[i]
        jt = (
            np.zeros((int(np.prod(si)), int(np.prod(y_shape))), np_dt)
            if d is None
            else _theoretical(xi, si, vi, dy, y_shape, d, fd, sess)
        )
        jn = _numerical(xi, si, vi, y, y_shape, delta, fd, sess)
        out.append((jt, jn))
    return out if isinstance(x, (list, tuple)) else out[0]


def compute_gradient_error(
    x: Any,
    x_shape: Any,
    y: Any,
    y_shape: Any,
    x_init_value: Any = None,
    delta: float = 1e-3,
    init_targets: Any = None,
    extra_feed_dict: Any = None,
) -> float:
    """The largest absolute difference between the theoretical and numerical Jacobians."""
    grad = compute_gradient(
        x, x_shape, y, y_shape, x_init_value, delta, init_targets, extra_feed_dict
    )
    pairs = grad if isinstance(grad, list) else [grad]
    err = 0.0
    for jt, jn in pairs:
        if jt.size or jn.size:
            err = max(err, float(np.fabs(jt - jn).max()))
    return err
