"""The ``tf.nn`` namespace."""

from .math_ops import sigmoid, tanh  # noqa: F401
from .nn_extra_ops import (  # noqa: F401
    batch_normalization,
    dropout,
    elu,
    in_top_k,
    moments,
    relu6,
    softplus,
    sparse_softmax_cross_entropy_with_logits,
    top_k,
)
from .nn_ops import (  # noqa: F401
    bias_add,
    l2_loss,
    log_softmax,
    relu,
    softmax,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
)
