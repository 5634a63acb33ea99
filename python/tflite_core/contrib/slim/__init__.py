"""``tf.contrib.slim``: TF 1.x's slim, whose core is aliases of ``tf.contrib.layers`` and
``tf.contrib.framework`` (``slim.conv2d`` is ``tf.contrib.layers.conv2d``), ``slim.losses``
(``tf.contrib.losses``: predictions/logits first, unlike ``tf.losses``), ``slim.learning``
(``create_train_op``, ``train``), ``slim.metrics`` (``tf.contrib.metrics``). Not provided:
``slim.evaluation``, ``slim.nets``."""

from ...ops.init_ops import (
    constant_initializer,
    truncated_normal_initializer,
    zeros_initializer,
)
from ...training.training_util import get_global_step, get_or_create_global_step
from .. import losses, metrics
from ..framework.arg_scope import add_arg_scope, arg_scope, arg_scoped_arguments, has_arg_scope
from ..framework.checkpoints import assign_from_checkpoint, assign_from_checkpoint_fn
from ..framework.variables import (
    add_model_variable,
    get_local_variables,
    get_model_variables,
    get_trainable_variables,
    get_unique_variable,
    get_variables,
    get_variables_by_name,
    get_variables_by_suffix,
    get_variables_to_restore,
    global_variable,
    local_variable,
    model_variable,
    variable,
)
from ..layers.bias_softmax import bias_add, dense_to_sparse, scale_gradient, softmax
from ..layers.convolutional import (
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
from ..layers.initializers import (
    variance_scaling_initializer,
    xavier_initializer,
    xavier_initializer_conv2d,
)
from ..layers.layers import (
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
from ..layers.normalization import batch_norm, layer_norm, unit_norm
from ..layers.regularizers import (
    apply_regularization,
    l1_l2_regularizer,
    l1_regularizer,
    l2_regularizer,
    sum_regularizer,
)
from ..layers.separable import separable_conv2d, separable_convolution2d
from ..layers.summaries import summarize_collection, summarize_tensor, summarize_tensors
from . import learning
