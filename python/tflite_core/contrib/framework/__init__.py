"""``tf.contrib.framework``: ``arg_scope`` and the slim variable helpers (re-exports)."""

from ...framework import nest
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
