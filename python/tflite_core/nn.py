"""The ``tf.nn`` namespace."""

from . import rnn_cell  # noqa: F401
from .candidate_sampling_ops import log_uniform_candidate_sampler  # noqa: F401, E402
from .conv_ops import (  # noqa: F401
    avg_pool,
    avg_pool2d,
    conv2d,
    conv2d_backprop_filter,
    conv2d_backprop_input,
    depthwise_conv2d,
    depthwise_conv2d_native,
    depthwise_conv2d_native_backprop_filter,
    depthwise_conv2d_native_backprop_input,
    max_pool,
    max_pool2d,
)
from .embedding_ops import embedding_lookup  # noqa: F401, E402
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
from .rnn import bidirectional_dynamic_rnn, dynamic_rnn, rnn, static_rnn  # noqa: F401,E402
from .sampled_loss_ops import (  # noqa: F401, E402
    nce_loss,
    sampled_softmax_loss,
    sigmoid_cross_entropy_with_logits,
)
