"""``tf.contrib.layers``: TF 1.x's layer functions, initializers, regularizers,
``optimize_loss`` and summaries (re-exports)."""

from ..framework.arg_scope import arg_scope
from .bias_softmax import bias_add, dense_to_sparse, scale_gradient, softmax
from .convolutional import (
    conv1d,
    conv2d,
    conv2d_transpose,
    conv3d,
    convolution,
    convolution1d,
    convolution2d,
    convolution2d_transpose,
    convolution3d,
)
from .encoders import embed_sequence
from .initializers import (
    variance_scaling_initializer,
    xavier_initializer,
    xavier_initializer_conv2d,
)
from .layers import (
    avg_pool2d,
    avg_pool3d,
    dropout,
    flatten,
    fully_connected,
    linear,
    max_pool2d,
    max_pool3d,
    maxout,
    one_hot_encoding,
    repeat,
    stack,
)
from .layers import relu6_layer as relu6
from .layers import relu_layer as relu
from .normalization import batch_norm, layer_norm, unit_norm
from .optimizers import OPTIMIZER_CLS_NAMES, OPTIMIZER_SUMMARIES, optimize_loss
from .regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)
from .separable import separable_conv2d, separable_convolution2d
from .summaries import (
    summarize_activation,
    summarize_activations,
    summarize_biases,
    summarize_collection,
    summarize_tensor,
    summarize_tensors,
    summarize_variables,
    summarize_weights,
)
