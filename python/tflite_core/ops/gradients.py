"""Symbolic differentiation: ``tf.gradients(ys, xs)`` builds gradient ops into the same graph,
under ``gradients/``, from the gradient registered beside each op."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.op_util import graph_of
from ..framework.registry import gradient_of
from .array_ops import fill, reshape, shape, stack, zeros_like
from .indexing_ops import IndexedSlices, concat_slices
from .math_ops import add_n

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        TensorLike,
    )


class AggregationMethod:
    """How ``tf.gradients`` sums the gradients reaching one tensor (TF's names; every method
    sums with ``add_n`` here, which gives the same values)."""

    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


class UnconnectedGradients(enum.Enum):
    """What ``tf.gradients`` returns for an ``x`` that ``ys`` do not depend on: ``None``
    (``NONE``) or zeros of its shape (``ZERO``)."""

    NONE = "none"
    ZERO = "zero"


def _as_list(x: Any) -> list[Any]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _between(ys, xs, stop_ops):
    """Ops on a path from some x to some y (the ones whose gradients are needed)."""
    from_x = set()
    stack = [x.op for x in xs]
    seen = set()
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        from_x.add(op)
        for out in op.outputs:
            for c in out._consumers:
                if c not in seen and c not in stop_ops:
                    stack.append(c)
    between = set()
    stack = [y.op for y in ys]
    seen = set()
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op in from_x:
            between.add(op)
            for t in op.inputs:
                stack.append(t.op)
    return between


def gradients(
    ys: TensorLike | Sequence[TensorLike],
    xs: TensorLike | Sequence[TensorLike],
    grad_ys: TensorLike | Sequence[TensorLike | None] | None = None,
    name: str = "gradients",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: Any = None,
    stop_gradients: TensorLike | Sequence[TensorLike] | None = None,
    unconnected_gradients: UnconnectedGradients | str = UnconnectedGradients.NONE,
) -> list[Any]:  # per x: a Tensor, an IndexedSlices (sparse) or None (x does not affect ys)
    """Symbolic partial derivatives of ``sum(ys)`` with respect to each of ``xs``.

    Returns a list with one tensor per ``x`` (``None`` where ``x`` does not affect ``ys``).
    Gradients of broadcast operands are summed back to the operand's shape. A sparse gradient
    (of ``gather``/``embedding_lookup`` params) is a ``tf.IndexedSlices``; several of them are
    aggregated by concatenation, and converted to dense where added to a dense gradient or
    passed to another op's gradient function. ``unconnected_gradients="zero"`` gives zeros
    instead of ``None``.
    """
    try:
        unconnected = UnconnectedGradients(unconnected_gradients)
    except ValueError:
        raise ValueError(
            f"Unknown value for unconnected_gradients: {unconnected_gradients!r}"
        ) from None
    y_ts = [convert_to_tensor(y) for y in _as_list(ys)]
    x_ts = [convert_to_tensor(x) for x in _as_list(xs)]
    gys: list[Any] = [None] * len(y_ts) if grad_ys is None else _as_list(grad_ys)
    if len(gys) != len(y_ts):
        raise ValueError(f"Passed {len(gys)} grad_ys for {len(y_ts)} ys")
    stop_ops = {convert_to_tensor(t).op for t in _as_list(stop_gradients or [])}
    g = graph_of(*y_ts)
    with g.as_default(), name_scope(name, "gradients", y_ts + x_ts):
        between = _between(y_ts, x_ts, stop_ops)
        grads: dict[Tensor, list] = {}
        for i, (y, gy) in enumerate(zip(y_ts, gys)):
            if not (y.dtype.is_floating or y.dtype.is_integer or y.dtype.is_complex):
                # As TF: a default gradient needs a numeric y (integer ys get ones, and their
                # gradients stop at the first op with no float path).
                raise TypeError(
                    f"Tensor {y.name} with type {y.dtype.name} must be numeric to "
                    "obtain a default gradient."
                )
            if gy is None:
                with name_scope(f"grad_ys_{i}"):
                    gy = fill(shape(y), convert_to_tensor(1, dtype=y.dtype))
            else:
                gy = convert_to_tensor(gy, dtype=y.dtype)
            grads.setdefault(y, []).append(gy)
        x_set = set(x_ts)
        # Creation order is a topological order, so its reverse visits consumers first.
        for op in sorted(between, key=lambda o: o._id, reverse=True):
            if op in stop_ops or not op._inputs:
                continue
            out_grads = [_dense(_sum(grads.get(t))) for t in op.outputs]
            if all(gr is None for gr in out_grads):
                continue
            if not any(_differentiable(t) and (t.op in between or t in x_set) for t in op.inputs):
                continue  # nothing upstream needs this op's input gradients
            grad_fn, not_differentiable = gradient_of(op)
            if not_differentiable:
                continue
            if grad_fn is None:
                raise LookupError(
                    f"No gradient defined for operation '{op.name}' (op type: {op.type})"
                )
            with name_scope(op.name + "_grad"):
                in_grads = list(grad_fn(op, *out_grads))
            if len(in_grads) != len(op.inputs):
                raise ValueError(
                    f"Gradient function for {op.type} returned {len(in_grads)} "
                    f"gradients for {len(op.inputs)} inputs"
                )
            for t, gr in zip(op.inputs, in_grads):
                if gr is None or not _differentiable(t):
                    continue
                if t.op in between or t in x_set:
                    grads.setdefault(t, []).append(gr)
        result = [_sum(grads.get(x)) for x in x_ts]
        if unconnected is UnconnectedGradients.ZERO:
            result = [zeros_like(x) if r is None else r for r, x in zip(result, x_ts)]
        return result


def hessians(
    ys: TensorLike | Sequence[TensorLike],
    xs: TensorLike | Sequence[TensorLike],
    name: str = "hessians",
    colocate_gradients_with_ops: bool = False,
    gate_gradients: bool = False,
    aggregation_method: Any = None,
) -> list[Any]:
    """Per ``x``, the second derivatives of ``sum(ys)``: a tensor of shape ``x.shape +
    x.shape`` (row ``j``: the gradient of the ``j``-th first derivative). ``x`` must have a
    static shape (TF loops over its elements at run time; here they are unrolled)."""
    x_ts = [convert_to_tensor(x) for x in _as_list(xs)]
    out = []
    firsts = gradients(ys, x_ts, name=name, aggregation_method=aggregation_method)
    for g, x in zip(firsts, x_ts):
        if not x.shape.is_fully_defined():
            raise ValueError(
                f"hessians needs a fully defined static shape for {x.name}, got {x.shape}"
            )
        dims = [int(cast(int, d)) for d in x.shape.as_list()]
        n = 1
        for d in dims:
            n *= d
        with name_scope(name):
            if g is None:
                raise ValueError(f"{x.name} does not affect ys: its Hessian is undefined")
            flat = reshape(_dense(g), [-1])
            rows = []
            for j in range(n):
                (row,) = gradients(flat[j], [x], unconnected_gradients=UnconnectedGradients.ZERO)
                rows.append(_dense(row))
            out.append(reshape(stack(rows), dims + dims))
    return out


def _sum(gs):
    if not gs:
        return None
    if len(gs) == 1:
        return gs[0]
    if all(isinstance(g, IndexedSlices) for g in gs):
        return concat_slices(gs)
    return add_n([_dense(g) for g in gs])


def _dense(g):
    return g._to_dense() if isinstance(g, IndexedSlices) else g


def _differentiable(t) -> bool:
    """Gradients flow through floating and complex tensors (as TF's backprop dtypes)."""
    return t.dtype.is_floating or t.dtype.is_complex
