"""``tf.contrib.slim.learning``: ``create_train_op`` (slim's form: ``clip_gradient_norm``,
``gradient_multipliers``), the gradient helpers, and the ``train`` loop (on a
``tf.train.Supervisor``) with its ``train_step``."""

from ..training.slim_train import train, train_step
from ..training.training import (
    add_gradients_summaries,
    clip_gradient_norms,
    multiply_gradients,
)
from ..training.training import slim_create_train_op as create_train_op
