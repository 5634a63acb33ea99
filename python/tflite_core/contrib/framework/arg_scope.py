"""``tf.contrib.framework.arg_scope``: default keyword arguments for decorated functions.

A function decorated with ``add_arg_scope`` looks up, on each call, the innermost ``arg_scope``
that names it and takes the keyword arguments stored there, the call's own keyword arguments
overriding them (TF 1.x ``tensorflow/contrib/framework/python/ops/arg_scope.py``)::

    with arg_scope([layers.conv2d], padding="VALID"):
        net = layers.conv2d(x, 32, [3, 3])          # padding="VALID"
        net = layers.conv2d(net, 32, [3, 3], padding="SAME")

>>> slim = tf.contrib.slim
>>> with tf.Graph().as_default():
...     with slim.arg_scope([slim.fully_connected], activation_fn=None):
...         y = slim.fully_connected(tf.ones([2, 3]), 4)
...     z = slim.fully_connected(y, 2)
>>> y.op.name, z.op.name
('fully_connected/BiasAdd', 'fully_connected_1/Relu')
"""

from __future__ import annotations

import contextlib
import functools
import inspect
from collections.abc import Callable, Iterator
from typing import Any

# the stack of scopes: each a dict {function key: {kwarg: value}}; module-wide, as TF's
_ARG_STACK: list[dict[str, dict[str, Any]]] = [{}]
# decorated functions: key -> the names of their keyword arguments (those with defaults)
_DECORATED: dict[str, list[str]] = {}


def _arg_stack() -> list[dict[str, dict[str, Any]]]:
    if not _ARG_STACK:
        _ARG_STACK.append({})
    return _ARG_STACK


def current_arg_scope() -> dict[str, dict[str, Any]]:
    """The innermost scope: a dict from function key to its default keyword arguments."""
    return _arg_stack()[-1]


def arg_scope_func_key(op: Any) -> str:
    """The key under which ``op``'s arguments are stored in a scope."""
    return getattr(op, "_key_op", str(op))


def _name_op(op: Any) -> tuple[str, str]:
    return (op.__module__, op.__name__)


def _kwarg_names(func: Callable[..., Any]) -> list[str]:
    params = inspect.signature(func).parameters.values()
    return [p.name for p in params if p.default is not inspect.Parameter.empty]


def has_arg_scope(func: Any) -> bool:
    """Whether ``func`` was decorated with ``add_arg_scope``."""
    return arg_scope_func_key(func) in _DECORATED


def arg_scoped_arguments(func: Any) -> list[str]:
    """The keyword arguments of a decorated ``func`` that ``arg_scope`` may set."""
    assert has_arg_scope(func)
    return _DECORATED[arg_scope_func_key(func)]


@contextlib.contextmanager
def arg_scope(list_ops_or_scope: Any, **kwargs: Any) -> Iterator[dict[str, dict[str, Any]]]:
    """Stores ``kwargs`` as defaults for each decorated function of ``list_ops_or_scope``
    (merged over the enclosing scope's), or re-enters a scope dict yielded by an earlier
    ``arg_scope`` (then ``kwargs`` must be empty). Yields the new scope dict.

    Raises ValueError for a function not decorated with ``add_arg_scope`` and TypeError when
    ``list_ops_or_scope`` is neither a list/tuple nor a dict, as TF."""
    if isinstance(list_ops_or_scope, dict):
        if kwargs:
            raise ValueError(
                "When attempting to re-use a scope by suppling adictionary, kwargs must be empty."
            )
        scope = list_ops_or_scope.copy()
    else:
        if not isinstance(list_ops_or_scope, (list, tuple)):
            raise TypeError(
                "list_ops_or_scope must either be a list/tuple or reused scope (i.e. dict)"
            )
        scope = current_arg_scope().copy()
        for op in list_ops_or_scope:
            key = arg_scope_func_key(op)
            if not has_arg_scope(op):
                # TF passes the name as a second exception argument (no % formatting)
                raise ValueError("%s is not decorated with @add_arg_scope", _name_op(op))
            merged = dict(scope.get(key, {}))
            merged.update(kwargs)
            scope[key] = merged
    _arg_stack().append(scope)
    try:
        yield scope
    finally:
        _arg_stack().pop()


def add_arg_scope(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorates ``func`` so that ``arg_scope`` can give it default keyword arguments."""
    key = arg_scope_func_key(func)

    @functools.wraps(func)
    def func_with_args(*args: Any, **kwargs: Any) -> Any:
        scope = current_arg_scope()
        if key in scope:
            merged = dict(scope[key])
            merged.update(kwargs)
            kwargs = merged
        return func(*args, **kwargs)

    _DECORATED[key] = _kwarg_names(func)
    func_with_args._key_op = key  # type: ignore[attr-defined]
    return func_with_args
