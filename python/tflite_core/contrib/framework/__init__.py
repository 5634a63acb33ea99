"""``tf.contrib.framework``: ``arg_scope``, the slim variable helpers and checkpoint restoring,
and TF 1.x's aliases of core functions kept there (``sort``, ``argsort``, ``is_tensor``,
``assert_scalar``, ...) (re-exports)."""

from ...framework import nest
from ...framework.sparse_tensor import convert_to_tensor_or_sparse_tensor
from ...nn.sort_ops import argsort, sort
from ...ops.check_ops import assert_same_float_dtype, assert_scalar, is_tensor
from ...training.checkpoint_utils import list_variables, load_checkpoint, load_variable
from ...training.training_util import get_global_step, get_or_create_global_step
from .arg_scope import (
    add_arg_scope,
    arg_scope,
    arg_scope_func_key,
    arg_scoped_arguments,
    current_arg_scope,
    has_arg_scope,
)
from .checkpoints import assign_from_checkpoint, assign_from_checkpoint_fn
from .variables import (
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
