"""Sparse variable updates: the optimisers' ``_apply_sparse`` for an ``IndexedSlices`` gradient.
Each is one in-place C++ kernel over the rows the gradient names (ids checked, duplicates summed
first, as TF's optimisers deduplicate), so a step's cost grows with the batch, not the table:

- ``SparseApplyGradientDescent`` (var, lr, values, indices): ``var[ids] -= lr * values`` (TF's
  ``ScatterSub`` of ``lr * grad``).
- ``SparseApplyMomentum`` (var, accum, lr, values, indices, momentum) and ``SparseApplyAdagrad``
  (var, accum, lr, values, indices): TF's ops of these names, rows only.
- ``SparseApplyAdam`` (var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, values,
  indices): TF 1.x ``AdamOptimizer._apply_sparse`` in one pass: ``m *= beta1``, ``v *= beta2``
  over the whole slot, ``scatter_add`` of ``(1 - beta1) g`` and ``(1 - beta2) g^2`` into the rows,
  then ``var -= lr_t m / (sqrt(v) + epsilon)`` over the whole variable. That is dense in TF 1.x
  too (its cost grows with the table); only the gradient stays sparse.
"""

from __future__ import annotations

from .graph import shape_error
from .registry import NotDifferentiable, register_op
from .tensor_shape import TensorShape


def _sparse_update_shape(n_refs: int, values_at: int):
    def shape_fn(op, in_shapes, value_of):
        var = in_shapes[0]
        for i in range(1, n_refs):
            if not var.is_compatible_with(in_shapes[i]):
                raise shape_error(op.type, op.name, "var and slot shapes differ", in_shapes)
        values, ids = in_shapes[values_at], in_shapes[values_at + 1]
        if ids.ndims not in (None, 1):
            raise shape_error(op.type, op.name, "indices must be a vector", in_shapes)
        if var.ndims is not None and values.ndims is not None:
            want = TensorShape([ids.as_list()[0] if ids.ndims else None] + var.as_list()[1:])
            if not want.is_compatible_with(values):
                raise shape_error(
                    op.type,
                    op.name,
                    "values must have shape [len(indices)] + var.shape[1:]",
                    in_shapes,
                )
        return [var]

    return shape_fn


def _nesterov_attr(op, in_shapes, out_shapes, value_of):
    return [int(bool(op._attrs.get("use_nesterov", False)))], []


def register_update(op_type, shape_fn, kernel: str, n_refs: int, n_inputs: int, nesterov=False):
    """Registers an in-place optimiser update (dense ``Apply*`` or ``SparseApply*``): its first
    ``n_refs`` inputs are the variable and its slots, written in place; the rest go to
    ``kernel``; ``nesterov`` passes the ``use_nesterov`` attribute as the kernel's int."""
    register_op(
        op_type,
        shape_fn,
        kernel,
        kernel_inputs=tuple(range(n_refs, n_inputs)),
        attrs_fn=_nesterov_attr if nesterov else None,
        kind="assign",
        stateful=True,
        extra={"refs": n_refs},
    )
    NotDifferentiable(op_type)


def _register(op_type: str, kernel: str, n_refs: int, n_inputs: int, values_at: int, nest=False):
    shape_fn = _sparse_update_shape(n_refs, values_at)
    register_update(op_type, shape_fn, kernel, n_refs, n_inputs, nesterov=nest)


_register("SparseApplyGradientDescent", "sparse_apply_gradient_descent", 1, 4, 2)
_register("SparseApplyMomentum", "sparse_apply_momentum", 2, 6, 3, nest=True)
_register("SparseApplyAdagrad", "sparse_apply_adagrad", 2, 5, 3)
_register("SparseApplyAdam", "sparse_apply_adam", 3, 11, 9)
