"""``tf.contrib.framework`` variable helpers (TF 1.x
``tensorflow/contrib/framework/python/ops/variables.py``): ``variable`` / ``model_variable``
(``get_variable`` with the slim collections), the collection queries ``get_variables``,
``get_model_variables`` ... and ``get_variables_to_restore``."""

from __future__ import annotations

import functools
from typing import Any

from ...framework import dtypes as _dt
from ...framework.graph import GraphKeys, add_to_collection, device, get_collection
from ...ops.variable_scope import VariableScope, get_variable, get_variable_scope
from ...ops.variables import Variable
from .arg_scope import add_arg_scope


@add_arg_scope
def variable(
    name: str,
    shape: Any = None,
    dtype: Any = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    collections: Any = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Variable:
    """``get_variable`` placed on ``device``, in ``collections`` (default GLOBAL_VARIABLES);
    ``custom_getter(getter-args..., reuse=<scope's reuse>)`` replaces ``get_variable``."""
    colls = list(
        dict.fromkeys(collections if collections is not None else [GraphKeys.GLOBAL_VARIABLES])
    )
    getter: Any = get_variable
    if custom_getter is not None:
        getter = functools.partial(custom_getter, reuse=get_variable_scope().reuse)
    with _device(device or ""):
        return getter(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
            collections=colls,
            caching_device=caching_device,
            partitioner=partitioner,
            use_resource=use_resource,
        )


_device = device  # ``variable``'s argument shadows the context manager's name


@add_arg_scope
def model_variable(
    name: str,
    shape: Any = None,
    dtype: Any = _dt.float32,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    collections: Any = None,
    caching_device: Any = None,
    device: Any = None,
    partitioner: Any = None,
    custom_getter: Any = None,
    use_resource: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Variable:
    """``variable`` also put in MODEL_VARIABLES (and GLOBAL_VARIABLES)."""
    colls = [*(collections or []), GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=colls,
        caching_device=caching_device,
        device=device,
        partitioner=partitioner,
        custom_getter=custom_getter,
        use_resource=use_resource,
    )


def local_variable(
    initial_value: Any,
    validate_shape: bool = True,
    name: str | None = None,
    use_resource: Any = None,
) -> Variable:
    """A non-trainable variable in LOCAL_VARIABLES."""
    return Variable(
        initial_value,
        trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES],
        validate_shape=validate_shape,
        name=name,
    )


def global_variable(
    initial_value: Any,
    validate_shape: bool = True,
    name: str | None = None,
    use_resource: Any = None,
) -> Variable:
    """A non-trainable variable in GLOBAL_VARIABLES."""
    return Variable(
        initial_value,
        trainable=False,
        collections=[GraphKeys.GLOBAL_VARIABLES],
        validate_shape=validate_shape,
        name=name,
    )


def add_model_variable(var: Variable) -> None:
    """Adds ``var`` to MODEL_VARIABLES (once)."""
    if var not in get_collection(GraphKeys.MODEL_VARIABLES):
        add_to_collection(GraphKeys.MODEL_VARIABLES, var)


def get_variables(
    scope: Any = None, suffix: str | None = None, collection: str = GraphKeys.GLOBAL_VARIABLES
) -> list[Any]:
    """The variables of ``collection`` whose names match ``scope`` (a regex prefix, or a
    VariableScope) and, with ``suffix``, end in ``.*suffix``."""
    if isinstance(scope, VariableScope):
        scope = scope.name
    if suffix is not None:
        scope = (scope or "") + ".*" + suffix
    return get_collection(collection, scope)


def get_model_variables(scope: Any = None, suffix: str | None = None) -> list[Any]:
    return get_variables(scope, suffix, GraphKeys.MODEL_VARIABLES)


def get_local_variables(scope: Any = None, suffix: str | None = None) -> list[Any]:
    return get_variables(scope, suffix, GraphKeys.LOCAL_VARIABLES)


def get_trainable_variables(scope: Any = None, suffix: str | None = None) -> list[Any]:
    return get_variables(scope, suffix, GraphKeys.TRAINABLE_VARIABLES)


def get_variables_by_suffix(suffix: str, scope: Any = None) -> list[Any]:
    return get_variables(scope=scope, suffix=suffix)


def get_variables_by_name(given_name: str, scope: Any = None) -> list[Any]:
    """The variables named ``.../given_name`` (``given_name`` a full last name component)."""
    return get_variables(scope=scope, suffix="/" + given_name + ":")


def get_unique_variable(var_op_name: str) -> Any:
    """The one variable named ``var_op_name``; ValueError when there is none or several."""
    candidates = get_variables(scope=var_op_name)
    if not candidates:
        raise ValueError(f"Couldn't find variable {var_op_name}")
    for candidate in candidates:
        if candidate.op.name == var_op_name:
            return candidate
    raise ValueError(f"Variable {var_op_name} does not uniquely identify a variable")


def get_variables_to_restore(include: Any = None, exclude: Any = None) -> list[Any]:
    """The global variables under the scopes of ``include`` (all by default) minus those under
    the scopes of ``exclude``; each must be a list or tuple (TypeError otherwise)."""
    if include is None:
        chosen = get_variables()
    else:
        if not isinstance(include, (list, tuple)):
            raise TypeError("include is provided but is not a list or a tuple.")
        chosen = []
        for scope in include:
            chosen += get_variables(scope)
    dropped: list[Any] = []
    if exclude is not None:
        if not isinstance(exclude, (list, tuple)):
            raise TypeError("exclude is provided but is not a list or a tuple.")
        for scope in exclude:
            dropped += get_variables(scope)
    return [v for v in chosen if not any(v is d for d in dropped)]
