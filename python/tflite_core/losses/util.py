"""The loss collections: ``add_loss``, ``get_losses``, the regularization losses and the total
loss, as TF's ``ops/losses/util.py``.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     tf.losses.add_loss(tf.constant(2.0))
...     with tf.Session() as sess:
...         print(sess.run(tf.losses.get_total_loss()))
2.0
"""

from __future__ import annotations

from typing import Any

from ..framework.constant_op import constant
from ..framework.graph import GraphKeys, add_to_collection, get_collection
from ..ops.math_ops import add_n


def add_loss(loss: Any, loss_collection: str | None = GraphKeys.LOSSES) -> None:
    """Adds ``loss`` to ``loss_collection`` (nothing when the collection is None or empty)."""
    if loss_collection:
        add_to_collection(loss_collection, loss)


def get_losses(scope: str | None = None, loss_collection: str = GraphKeys.LOSSES) -> list[Any]:
    """The losses in ``loss_collection`` whose names match ``scope``."""
    return get_collection(loss_collection, scope)


def get_regularization_losses(scope: str | None = None) -> list[Any]:
    """The REGULARIZATION_LOSSES collection, filtered by ``scope``."""
    return get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope: str | None = None, name: str = "total_regularization_loss"):
    """The sum of the regularization losses (``add_n``), or a constant 0.0 when there are none."""
    losses = get_regularization_losses(scope)
    if losses:
        return add_n(losses, name=name)
    return constant(0.0)


def get_total_loss(
    add_regularization_losses: bool = True, name: str = "total_loss", scope: str | None = None
):
    """The sum of the LOSSES collection and, by default, the regularization losses. Raises
    ValueError when there are no losses, as TF's ``add_n`` of an empty list."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses += get_regularization_losses(scope=scope)
    if not losses:
        raise ValueError(
            "Inputs must be an iterable of at least one Tensor/IndexedSlices with the same "
            "dtype and shape."
        )
    return add_n(losses, name=name)
