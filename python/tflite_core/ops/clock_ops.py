"""``tf.timestamp``: the time when the op runs, in seconds since the Unix epoch (float64).

>>> t = tf.timestamp()
>>> with tf.Session() as sess:
...     a, b = sess.run(t), sess.run(t)
>>> bool(1.7e9 < a <= b)
True
"""

from __future__ import annotations

from ..framework import dtypes as _dt
from ..framework.graph import Tensor
from ..framework.op_util import make_tensor
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape

register_op("Timestamp", lambda op, s, v: [TensorShape([])], "timestamp", stateful=True)


@RegisterGradient("Timestamp")
def _timestamp_grad(op, grad):
    return []  # (no inputs)


def timestamp(name: str | None = None) -> Tensor:
    """The wall-clock time when this op runs (a new value every run)."""
    return make_tensor("Timestamp", [], _dt.float64, None, name or "Timestamp")
