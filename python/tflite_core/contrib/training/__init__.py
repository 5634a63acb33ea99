"""``tf.contrib.training``: ``create_train_op`` and its gradient helpers, ``HParams``
(re-exports)."""

from .hparam import HParams, parse_values
from .training import (
    add_gradients_summaries,
    clip_gradient_norms,
    create_train_op,
    multiply_gradients,
)
