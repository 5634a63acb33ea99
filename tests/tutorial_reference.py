"""A NumPy (float64) reference for the tutorial's network: forward pass, softmax cross-entropy,
backpropagation written out by hand, and plain SGD.

The network is ``num_layers`` ReLU layers ``h = relu(h @ w + b)`` and an optional softmax layer
``logits = h @ softmax_w + softmax_b`` (without it, the last ReLU output is the logits, as on
slides 13-17). Any bias may be None (slide 18 has none). The loss is
``cross_entropy(logits, labels) + l2 * sum(softmax_w ** 2)`` per row (slide 24 has ``l2 = 1``);
as with ``tf.gradients`` of a vector loss, gradients are those of the sum over rows.

Parameters travel as ``layers = [(w, b), ...]`` and ``head = (softmax_w, softmax_b)`` or None.
"""

from __future__ import annotations

import numpy as np


def relu(z):
    return np.maximum(z, 0.0)


def softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def cross_entropy(logits, labels):
    """Per-row ``-sum(labels * log_softmax(logits))``."""
    z = logits - logits.max(axis=-1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    return -(labels * log_p).sum(axis=-1)


def _f64(a):
    return None if a is None else np.asarray(a, np.float64)


def _cast(layers, head):
    layers = [(_f64(w), _f64(b)) for w, b in layers]
    head = None if head is None else (_f64(head[0]), _f64(head[1]))
    return layers, head


def forward(x, layers, head):
    """Returns ``(activations, logits)``; ``activations[0]`` is ``x``, then each ReLU output."""
    layers, head = _cast(layers, head)
    hs = [np.asarray(x, np.float64)]
    for w, b in layers:
        z = hs[-1] @ w
        hs.append(relu(z if b is None else z + b))
    if head is None:
        return hs, hs[-1]
    sw, sb = head
    logits = hs[-1] @ sw
    return hs, logits if sb is None else logits + sb


def loss(x, labels, layers, head, l2=0.0):
    """Per-row loss: cross-entropy, plus ``l2 * sum(softmax_w ** 2)`` when ``l2`` is set."""
    _, logits = forward(x, layers, head)
    out = cross_entropy(logits, np.asarray(labels, np.float64))
    if l2:
        out = out + l2 * np.sum(np.asarray(head[0], np.float64) ** 2)
    return out


def _bias_grad(d, b):
    # b of shape [1, n] is broadcast over the batch: its gradient sums the batch.
    return None if b is None else d.sum(axis=0, keepdims=True).reshape(b.shape)


def gradients(x, labels, layers, head, l2=0.0):
    """Gradients of ``sum(loss(...))`` over the rows, in the structure of the parameters."""
    layers, head = _cast(layers, head)
    hs, logits = forward(x, layers, head)
    d = softmax(logits) - np.asarray(labels, np.float64)  # d loss / d logits
    head_grad = None
    if head is not None:
        sw, sb = head
        # Each row's loss carries the penalty once.
        head_grad = (hs[-1].T @ d + 2.0 * l2 * len(d) * sw, _bias_grad(d, sb))
        d = d @ sw.T
    layer_grads = []
    for (w, b), h_in, h_out in reversed(list(zip(layers, hs[:-1], hs[1:]))):
        d = d * (h_out > 0)  # relu: the gradient passes where the output is positive
        layer_grads.append((h_in.T @ d, _bias_grad(d, b)))
        d = d @ w.T
    return layer_grads[::-1], head_grad


def _step(p, g, lr):
    return None if p is None else p - lr * g


def sgd(x, labels, layers, head, steps=10, lr=0.1, l2=0.0):
    """Runs ``steps`` gradient-descent updates (all gradients taken before any update).

    Returns:
        ``(layers, head, losses)``: the parameters after the last step, and the loss (per-row
        array) after each step.
    """
    layers, head = _cast(layers, head)
    losses = []
    for _ in range(steps):
        layer_grads, head_grad = gradients(x, labels, layers, head, l2)
        layers = [
            (_step(w, gw, lr), _step(b, gb, lr)) for (w, b), (gw, gb) in zip(layers, layer_grads)
        ]
        if head is not None:
            head = (_step(head[0], head_grad[0], lr), _step(head[1], head_grad[1], lr))
        losses.append(loss(x, labels, layers, head, l2))
    return layers, head, losses
