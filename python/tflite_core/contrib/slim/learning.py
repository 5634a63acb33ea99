"""``tf.contrib.slim.learning``: ``create_train_op`` (slim's form: ``clip_gradient_norm``,
``gradient_multipliers``) and the gradient helpers; slim's ``train`` loop is not provided."""

from ..training.training import (
    add_gradients_summaries,
    clip_gradient_norms,
    multiply_gradients,
)
from ..training.training import slim_create_train_op as create_train_op
