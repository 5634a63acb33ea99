"""Gradients a program defines itself: ``tf.custom_gradient``, ``tf.grad_pass_through``,
``tf.recompute_grad``, and ``tf.identity_n`` (the ``IdentityN`` op they route gradients through).

As in TF's graph mode, ``custom_gradient`` passes the function's results, its inputs and the
variables it reads through one ``IdentityN`` op whose gradient (registered under a fresh name
with ``Graph.gradient_override_map``) calls the user's ``grad_fn``.

>>> @tf.custom_gradient
... def clip_grad(x):
...     def grad(dy):
...         return tf.clip_by_value(dy, -0.1, 0.1)
...     return tf.identity(x), grad
>>> x = tf.constant(3.0)
>>> with tf.Session() as sess:
...     print(sess.run(tf.gradients(clip_grad(x) * 5.0, x)[0]))
0.1
"""

from __future__ import annotations

import functools
import inspect
import itertools
from collections.abc import Callable, Sequence
from typing import Any

from ..framework import nest
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, get_default_graph, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import OpKind, RegisterGradient, register_op
from .gradients import gradients

_UIDS = itertools.count()


# ---- IdentityN -----------------------------------------------------------------------------------
register_op(
    "IdentityN",
    lambda op, in_shapes, value_of: list(in_shapes),
    "identity_n",
)


@RegisterGradient("IdentityN")
def _identity_n_grad(op, *grads):
    # d/dx_i x_i = 1
    return list(grads)


def identity_n(input: Sequence[Any], name: str | None = None) -> list[Tensor]:
    """The tensors of ``input``, unchanged, as the outputs of one op."""
    ts = [convert_to_tensor(x) for x in input]
    g = graph_of(*ts)
    return g.create_op("IdentityN", ts, [t.dtype for t in ts], None, name or "IdentityN").outputs


# ---- custom_gradient -----------------------------------------------------------------------------
def _variables_read(first_id: int, last_id: int, args: list) -> list:
    """The variables (``tf.Variable`` objects) that the ops created between two op ids read,
    other than the function's own inputs, in creation order."""
    g = get_default_graph()
    var_ops: dict[Any, None] = {}
    for op in g.get_operations():
        if first_id < op._id <= last_id:
            for t in op._inputs:
                src = t
                while src.op._def.kind is OpKind.ALIAS and src.op._inputs:
                    src = src.op._inputs[0]
                if src.op._def.kind is OpKind.VARIABLE:
                    var_ops.setdefault(src.op, None)
    arg_ops = {a.op for a in args}
    found = []
    for v in g.get_collection(GraphKeys.GLOBAL_VARIABLES) + g.get_collection(
        GraphKeys.LOCAL_VARIABLES
    ):
        if v.op in var_ops and v not in found and v._tflite_as_tensor().op not in arg_ops:
            found.append(v)
    order = list(var_ops)
    found.sort(key=lambda v: order.index(v.op))
    return found


def _graph_mode_call(f: Callable[..., Any], args: tuple, kwargs: dict) -> Any:
    name = f"CustomGradient-{next(_UIDS)}"
    args_t = nest.map_structure(convert_to_tensor, list(args))
    g = get_default_graph()
    first = g._last_id
    result, grad_fn = f(*args_t, **kwargs)
    flat_args = nest.flatten(args_t)
    flat_result = [convert_to_tensor(r) for r in nest.flatten(result)]
    n_result = len(flat_result)
    variables = _variables_read(first, g._last_id, flat_args)
    spec = inspect.getfullargspec(grad_fn)
    takes_variables = "variables" in spec.args or "variables" in spec.kwonlyargs or spec.varkw
    if variables and not takes_variables:
        raise TypeError(
            "@tf.custom_gradient grad_fn must accept keyword argument 'variables', since "
            f"function uses variables: {variables}"
        )

    @RegisterGradient(name)
    def _grad(op, *result_grads):
        result_grads = result_grads[:n_result]
        if variables:
            input_grads, variable_grads = grad_fn(*result_grads, variables=variables)
            if len(variable_grads) != len(variables):
                raise ValueError(
                    "Must return gradient for each variable from @custom_gradient grad_fn."
                )
        else:
            input_grads = grad_fn(*result_grads)
            variable_grads = []
        input_grads = nest.flatten(input_grads)
        if len(input_grads) != len(flat_args):
            raise ValueError(
                f"custom_gradient function expected to return {len(flat_args)} gradients, but "
                f"returned {len(input_grads)} instead."
            )
        return [None] * n_result + list(input_grads) + list(variable_grads)

    var_tensors = [v._tflite_as_tensor() for v in variables]
    with g.gradient_override_map({"IdentityN": name}):
        passed = identity_n(flat_result + flat_args + var_tensors)
    return nest.pack_sequence_as(result, passed[:n_result])


def custom_gradient(f: Callable[..., Any] | None = None) -> Any:
    """Decorator: ``f(*x)`` returns ``(y, grad_fn)``; ``tf.gradients`` then uses
    ``grad_fn(*dy)`` (the gradients of the inputs; with ``variables=`` when ``f`` reads
    variables: ``(input gradients, variable gradients)``) instead of differentiating ``f``."""
    if f is None:
        return custom_gradient

    @functools.wraps(f)
    def decorated(*args: Any, **kwargs: Any) -> Any:
        return _graph_mode_call(f, args, kwargs)

    return decorated


def grad_pass_through(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` whose gradient is the identity: ``dy`` passes to its input unchanged (variables
    it reads get none)."""

    @custom_gradient
    def _pass_through(*args: Any, **kwargs: Any) -> Any:
        def grad(*dys: Any, **grad_kwargs: Any) -> Any:
            variables = grad_kwargs.get("variables")
            if variables is not None:
                return dys, [None] * len(variables)
            return dys

        return f(*args, **kwargs), grad

    return functools.wraps(f)(_pass_through)


def recompute_grad(f: Callable[..., Any]) -> Callable[..., Any]:
    """``f`` whose intermediate values are not kept for its gradient: the gradient computes
    ``f`` again (after the incoming gradient is known) and differentiates that."""

    @custom_gradient
    def inner(*args: Any, **kwargs: Any) -> Any:
        result = f(*args, **kwargs)

        def grad(*dresult: Any, variables: Sequence[Any] | None = None) -> Any:
            g = get_default_graph()
            with (
                g.control_dependencies([d for d in dresult if d is not None]),
                name_scope("recompute"),
            ):
                again = f(*args, **kwargs)
            var_list = list(variables or [])
            xs = list(args) + var_list
            grads = gradients(nest.flatten(again), xs, grad_ys=list(dresult))
            if variables is not None:
                return grads[: len(args)], grads[len(args) :]
            return grads[: len(args)]

        return result, grad

    return functools.wraps(f)(inner)
