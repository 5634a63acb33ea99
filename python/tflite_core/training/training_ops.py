"""Every in-place variable update of the optimisers, registered here: the dense ``Apply*`` and
the sparse ``SparseApply*`` op types. Each is one in-place C++ kernel (``cpp/optim.cc``,
``cpp/sparse.cc``) over the variable and its slots, which are its first ``refs`` inputs.

Dense (TF's ops of these names): ``ApplyGradientDescent`` (var, alpha, delta), ``ApplyMomentum``
(var, accum, lr, grad, momentum), ``ApplyAdam`` (var, m, v, beta1_power, beta2_power, lr, beta1,
beta2, epsilon, grad), ``ApplyAdagrad`` (var, accum, lr, grad), ``ApplyRMSProp`` (var, ms, mom,
lr, rho, momentum, epsilon, grad), ``ApplyCenteredRMSProp`` (var, mg, ms, mom, lr, rho, momentum,
epsilon, grad), ``ApplyAdadelta`` (var, accum, accum_update, lr, rho, epsilon,
grad), ``ApplyProximalGradientDescent`` (var, alpha, l1, l2, delta), ``ApplyProximalAdagrad``
(var, accum, lr, l1, l2, grad), ``ApplyAdagradDA`` (var, gradient_accumulator,
gradient_squared_accumulator, grad, lr, l1, l2, global_step), ``ApplyFtrl`` (var, accum, linear,
grad, lr, l1, l2, lr_power) and ``ApplyFtrlV2`` (... l2, l2_shrinkage, lr_power).

Sparse, for an ``IndexedSlices`` gradient: each updates only the rows the gradient names (ids
checked, duplicates summed first, as TF's optimisers deduplicate), so a step's cost grows with
the batch, not the table:

- ``SparseApplyGradientDescent`` (var, lr, values, indices): ``var[ids] -= lr * values`` (TF's
  ``ScatterSub`` of ``lr * grad``).
- ``SparseApplyMomentum`` (var, accum, lr, values, indices, momentum) and ``SparseApplyAdagrad``
  (var, accum, lr, values, indices): TF's ops of these names, rows only.
- ``SparseApplyAdam`` (var, m, v, beta1_power, beta2_power, lr, beta1, beta2, epsilon, values,
  indices): TF 1.x ``AdamOptimizer._apply_sparse`` in one pass: ``m *= beta1``, ``v *= beta2``
  over the whole slot, ``scatter_add`` of ``(1 - beta1) g`` and ``(1 - beta2) g^2`` into the rows,
  then ``var -= lr_t m / (sqrt(v) + epsilon)`` over the whole variable. That is dense in TF 1.x
  too (its cost grows with the table); only the gradient stays sparse.
- ``SparseApplyRMSProp``, ``SparseApplyCenteredRMSProp``, ``SparseApplyAdadelta``,
  ``SparseApplyProximalGradientDescent``, ``SparseApplyProximalAdagrad``,
  ``SparseApplyAdagradDA``, ``SparseApplyFtrl`` and ``SparseApplyFtrlV2``: TF's ops of these
  names and input orders (grad, indices where TF has them), the dense update on the rows named.
"""

from __future__ import annotations

from ..framework.graph import shape_error
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape


# ---- dense updates -------------------------------------------------------------------------------
def _nesterov_attr(op, in_shapes, out_shapes, value_of):
    return [int(bool(op._attrs.get("use_nesterov", False)))], []


def _register_update(op_type, shape_fn, kernel: str, n_refs: int, n_inputs: int, nesterov=False):
    """Registers an in-place optimiser update (dense ``Apply*`` or ``SparseApply*``): its first
    ``n_refs`` inputs are the variable and its slots, written in place; the rest go to
    ``kernel``; ``nesterov`` passes the ``use_nesterov`` attribute as the kernel's int."""
    register_op(
        op_type,
        shape_fn,
        kernel,
        kernel_inputs=tuple(range(n_refs, n_inputs)),
        attrs_fn=_nesterov_attr if nesterov else None,
        kind=OpKind.ASSIGN,
        stateful=True,
        refs=n_refs,
    )
    NotDifferentiable(op_type)


def _apply_shape(op, in_shapes, value_of):
    var, alpha, delta = in_shapes
    if alpha.ndims not in (None, 0):
        raise ValueError(f"[{op.type}] alpha must be a scalar, got shape {alpha} for '{op.name}'")
    if not var.is_compatible_with(delta):
        raise ValueError(
            f"[{op.type}] var and delta shapes differ: {var} vs {delta} for '{op.name}'"
        )
    return [var]


_register_update("ApplyGradientDescent", _apply_shape, "apply_gradient_descent", 1, 3)


def _update_shape(n_refs: int, scalar_inputs):
    def shape_fn(op, in_shapes, value_of):
        var = in_shapes[0]
        for i in range(1, n_refs):
            if not var.is_compatible_with(in_shapes[i]):
                raise ValueError(
                    f"[{op.type}] slot {op.inputs[i].name} has shape {in_shapes[i]}, the variable "
                    f"{var} for '{op.name}'"
                )
        for i in scalar_inputs:
            if in_shapes[i].ndims not in (None, 0):
                raise ValueError(
                    f"[{op.type}] input {i} must be a scalar, got shape {in_shapes[i]} for "
                    f"'{op.name}'"
                )
        if not var.is_compatible_with(in_shapes[-1]):
            raise ValueError(
                f"[{op.type}] var and grad shapes differ: {var} vs {in_shapes[-1]} for '{op.name}'"
            )
        return [var]

    return shape_fn


def _momentum_shape(op, in_shapes, value_of):
    var, accum, lr, grad, momentum = in_shapes
    return _update_shape(2, (2, 3))(op, [var, accum, lr, momentum, grad], value_of)


def _register_dense(op_type: str, kernel: str, n_refs: int, n_inputs: int, nesterov=False):
    # ApplyMomentum's inputs are (var, accum, lr, grad, momentum): its grad is not last
    shape_fn = (
        _momentum_shape
        if op_type == "ApplyMomentum"
        else _update_shape(n_refs, range(n_refs, n_inputs - 1))
    )
    _register_update(op_type, shape_fn, kernel, n_refs, n_inputs, nesterov)


_register_dense("ApplyMomentum", "apply_momentum", 2, 5, nesterov=True)
_register_dense("ApplyAdam", "apply_adam", 3, 10, nesterov=True)
_register_dense("ApplyAdagrad", "apply_adagrad", 2, 4)
_register_dense("ApplyRMSProp", "apply_rms_prop", 3, 8)
_register_dense("ApplyCenteredRMSProp", "apply_centered_rms_prop", 4, 9)
_register_dense("ApplyAdadelta", "apply_adadelta", 3, 7)
_register_dense("ApplyProximalGradientDescent", "apply_proximal_gradient_descent", 1, 5)
_register_dense("ApplyProximalAdagrad", "apply_proximal_adagrad", 2, 6)


def _grad_after_refs_shape(n_refs: int):
    """The shape function of an update whose gradient follows the refs (ApplyAdagradDA,
    ApplyFtrl, ApplyFtrlV2: var, slots, grad, scalars...; AdagradDA's last scalar, the global
    step, is an int64)."""

    def shape_fn(op, in_shapes, value_of):
        ins = list(in_shapes)
        reordered = ins[:n_refs] + ins[n_refs + 1 :] + [ins[n_refs]]
        scalars = range(n_refs, len(ins) - 1)
        return _update_shape(n_refs, scalars)(op, reordered, value_of)

    return shape_fn


for _op, _kernel, _n in (
    ("ApplyAdagradDA", "apply_adagrad_da", 8),
    ("ApplyFtrl", "apply_ftrl", 8),
    ("ApplyFtrlV2", "apply_ftrl_v2", 9),
):
    _register_update(_op, _grad_after_refs_shape(3), _kernel, 3, _n)


# ---- sparse updates ----------------------------------------------------------------------------
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
            want = TensorShape([ids.as_list()[0] if ids.ndims else None, *var.as_list()[1:]])
            if not want.is_compatible_with(values):
                raise shape_error(
                    op.type,
                    op.name,
                    "values must have shape [len(indices)] + var.shape[1:]",
                    in_shapes,
                )
        return [var]

    return shape_fn


def _register_sparse(op_type, kernel: str, n_refs: int, n_inputs: int, values_at: int, nest=False):
    shape_fn = _sparse_update_shape(n_refs, values_at)
    _register_update(op_type, shape_fn, kernel, n_refs, n_inputs, nesterov=nest)


_register_sparse("SparseApplyGradientDescent", "sparse_apply_gradient_descent", 1, 4, 2)
_register_sparse("SparseApplyMomentum", "sparse_apply_momentum", 2, 6, 3, nest=True)
_register_sparse("SparseApplyAdagrad", "sparse_apply_adagrad", 2, 5, 3)
_register_sparse("SparseApplyAdam", "sparse_apply_adam", 3, 11, 9)
_register_sparse("SparseApplyRMSProp", "sparse_apply_rms_prop", 3, 9, 7)
_register_sparse("SparseApplyCenteredRMSProp", "sparse_apply_centered_rms_prop", 4, 10, 8)
_register_sparse("SparseApplyAdadelta", "sparse_apply_adadelta", 3, 8, 6)
_register_sparse(
    "SparseApplyProximalGradientDescent", "sparse_apply_proximal_gradient_descent", 1, 6, 4
)
_register_sparse("SparseApplyProximalAdagrad", "sparse_apply_proximal_adagrad", 2, 7, 5)
_register_sparse("SparseApplyAdagradDA", "sparse_apply_adagrad_da", 3, 9, 3)
_register_sparse("SparseApplyFtrl", "sparse_apply_ftrl", 3, 9, 3)
_register_sparse("SparseApplyFtrlV2", "sparse_apply_ftrl_v2", 3, 10, 3)
