"""Softmax, cross-entropies and top-k (``cpp/nn.cc``).

``softmax_xent`` writes two outputs: the loss per row and the backprop
``softmax - labels``.
"""

from __future__ import annotations

import numpy as np

from .registry import Kernel, KernelError, _float_only, _kernel, _store


def _shifted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x minus its row max (NaN propagates into the max) and the sum of exp over the row."""
    z = x - np.max(x, axis=-1, keepdims=True)
    return z, np.sum(np.exp(z), axis=-1, keepdims=True)


def _make_softmax(name: str, log: bool) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        _float_only(name, x)
        if x.ndim < 1:
            raise KernelError(f"[{name}] input must have rank >= 1, got a scalar")
        if x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] shape mismatch")
        if x.size == 0:
            return
        z, s = _shifted(x)
        outputs[0][...] = z - np.log(s) if log else np.exp(z) / s

    return kernel


_kernel("softmax")(_make_softmax("softmax", False))
_kernel("log_softmax")(_make_softmax("log_softmax", True))


@_kernel("softmax_xent")
def _softmax_xent(inputs, outputs, ints, floats):
    # loss[r] = -sum_j labels[r,j] * log_softmax(logits)[r,j]; backprop = softmax - labels.
    logits, labels = inputs
    loss, backprop = outputs
    _float_only("SoftmaxCrossEntropyWithLogits", logits)
    if logits.ndim != 2 or labels.shape != logits.shape or backprop.shape != logits.shape:
        raise KernelError(
            "[SoftmaxCrossEntropyWithLogits] logits and labels must be same-shape 2-D"
        )
    if loss.size != logits.shape[0]:
        raise KernelError("[SoftmaxCrossEntropyWithLogits] loss must have one element per row")
    if logits.shape[1] == 0:
        loss[...] = 0
        return
    z, s = _shifted(logits)
    _store(loss, -np.sum(labels * (z - np.log(s)), axis=-1))
    backprop[...] = np.exp(z) / s - labels


@_kernel("sparse_softmax_xent")
def _sparse_softmax_xent(inputs, outputs, ints, floats):
    # loss[r] = log(sum exp(z[r])) - z[r, label[r]] (z = logits - row max);
    # backprop = softmax - onehot(labels).
    op = "SparseSoftmaxCrossEntropyWithLogits"
    logits, labels = inputs
    loss, backprop = outputs
    _float_only(op, logits)
    if labels.dtype.kind != "i" or logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise KernelError(f"[{op}] logits must be [N, C] and labels int [N]")
    bad = (labels < 0) | (labels >= logits.shape[1])
    if bad.any():
        r = int(np.argmax(bad))
        raise KernelError(
            f"[{op}] Received a label value of {labels[r]} which is outside the valid range of "
            f"[0, {logits.shape[1]}).  Label values: index {r}"
        )
    z, s = _shifted(logits)
    rows = np.arange(logits.shape[0])
    _store(loss, np.log(s[:, 0]) - z[rows, labels])
    backprop[...] = np.exp(z) / s
    backprop[rows, labels] -= 1


@_kernel("top_k")
def _top_k(inputs, outputs, ints, floats):
    # values descending, ties by the lower index, NaN first; indices int32.
    (x,) = inputs
    values, indices = outputs
    k = int(ints[0])
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise KernelError(f"[TopKV2] input must have at least k={k} columns")
    rows = x.reshape(int(np.prod(x.shape[:-1])), x.shape[-1])
    order = np.empty((rows.shape[0], k), np.int64)
    for r, row in enumerate(rows):
        key = [(0 if v != v else 1, -v if v == v else 0, j) for j, v in enumerate(row.tolist())]
        order[r] = [j for _, _, j in sorted(key)[:k]]
    indices[...] = order.reshape(indices.shape).astype(np.int32)
    values[...] = np.take_along_axis(rows, order, axis=1).reshape(values.shape)


@_kernel("in_top_k")
def _in_top_k(inputs, outputs, ints, floats):
    # target in the top k: fewer than k classes score strictly higher; a non-finite row -> False.
    pred, targets = inputs
    (out,) = outputs
    k = int(ints[0])
    if pred.ndim != 2 or targets.shape != pred.shape[:1] or targets.dtype.kind != "i":
        raise KernelError("[InTopKV2] predictions must be [B, C] and targets int [B]")
    for b, t in enumerate(targets.tolist()):
        if not 0 <= t < pred.shape[1] or not np.isfinite(pred[b]).all():
            out[b] = False  # as TF: any non-finite score in the row
        else:
            out[b] = int(np.sum(pred[b] > pred[b, t])) < k
