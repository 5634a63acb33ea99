"""Stochastic dual coordinate ascent for linear models: ``tf.train.sdca_optimizer`` (TF's op
``SdcaOptimizer``) and ``tf.train.sdca_shrink_l1`` (TF's ``SdcaShrinkL1``).

``SdcaOptimizer`` takes a mini-batch of examples (sparse feature groups: example indices, feature
indices and optional values; dense feature groups: one ``[examples, features]`` matrix each),
their weights and labels, the model's weights and each example's state ``[dual, primal loss,
dual loss, weight]``, and visits every example once (a fresh random order each run; with
``adaptative``, examples drawn by their dual residuals, as TF's adaptive SDCA). For each
example it maximises the dual objective of ``loss_type`` with L1 + L2 regularisation, writing
the new state and accumulating weight deltas. It returns the new example state ``[?, 4]`` and the
delta of every sparse and dense weight vector; its inputs are not modified (the caller applies
the deltas). Weights enter predictions shrunk by ``l1 / l2`` (the proximal step).

Here the op is a plan step that calls back into Python while the plan runs (``OpKind.CALLBACK``,
like ``tf.Print``), so kernels read its outputs in the same ``Session.run``; the per-example
arithmetic follows TF's kernel: double precision for the dual step and sparse weights, float32
for the dense dot products and delta updates.

``sdca_shrink_l1(weights, l1, l2)`` shrinks float32 variables in place,
``w = sign(w) * max(|w| - l1 / l2, 0)`` (``l1 / l2`` in float32, as TF's kernel): here one
``Assign`` per variable, grouped into an Operation of the requested name.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.op_util import graph_of
from ..framework.registry import NotDifferentiable, OpKind, at_run_time, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.control_flow_ops import group
from ..ops.math_ops import abs as _abs
from ..ops.math_ops import add, maximum, multiply, sign, subtract
from ..ops.variables import Variable, assign
from .sdca_kernel import SdcaProblem, sdca_step

LOSS_TYPES = ("logistic_loss", "squared_loss", "hinge_loss", "smooth_hinge_loss", "poisson_loss")


class SdcaOptimizerOutput(NamedTuple):
    """What ``sdca_optimizer`` returns (TF's namedtuple ``SdcaOptimizer``)."""

    out_example_state_data: Tensor
    out_delta_sparse_weights: list[Tensor]
    out_delta_dense_weights: list[Tensor]


SdcaOptimizerOutput.__name__ = "SdcaOptimizer"


# ---- the op ------------------------------------------------------------------------------------
def _groups(op: Operation) -> tuple[int, int, int]:
    return (
        op.get_attr("num_sparse_features"),
        op.get_attr("num_sparse_features_with_values"),
        op.get_attr("num_dense_features"),
    )


def _split(op: Operation, values: Sequence[Any]) -> dict[str, Any]:
    """The op's flat inputs by TF's argument names (lists for the list arguments)."""
    ns, nv, nd = _groups(op)
    out: dict[str, Any] = {}
    i = 0
    for name, n in (
        ("sparse_example_indices", ns),
        ("sparse_feature_indices", ns),
        ("sparse_feature_values", nv),
        ("dense_features", nd),
        ("example_weights", None),
        ("example_labels", None),
        ("sparse_indices", ns),
        ("sparse_weights", ns),
        ("dense_weights", nd),
        ("example_state_data", None),
    ):
        if n is None:
            out[name] = values[i]
            i += 1
        else:
            out[name] = list(values[i : i + n])
            i += n
    return out


def _sdca_shape(op: Operation, in_shapes: list, value_of: Any) -> list:
    ins = _split(op, in_shapes)
    state = TensorShape([None, 4])
    if at_run_time(value_of):  # the buffer the step writes: the state's shape where it is valid
        s = ins["example_state_data"]
        dims = s.as_list() if s.ndims is not None else None
        state = TensorShape(
            dims if dims is not None and len(dims) == 2 and dims[1] == 4 else [0, 4]
        )
    return [state, *ins["sparse_weights"], *ins["dense_weights"]]


def _sdca_callback(op: Operation, sess: Any):
    problem = SdcaProblem(
        loss_type=op.get_attr("loss_type"),
        adaptive=op.get_attr("adaptative"),
        l1=op.get_attr("l1"),
        l2=op.get_attr("l2"),
        num_loss_partitions=op.get_attr("num_loss_partitions"),
    )
    ns, _, nd = _groups(op)

    def fn(ins: list, outs: list) -> None:
        try:
            if ns + nd == 0:
                raise errors.InvalidArgumentError(
                    None, None, "Requires at least one feature to train."
                )
            state, sparse_deltas, dense_deltas = sdca_step(problem, **_split(op, ins))
        except errors.OpError as e:
            raise type(e)(None, op, f"{e.message}\n\t [[node {op.name}]]") from None
        outs[0][...] = state
        for out, d in zip(outs[1:], [*sparse_deltas, *dense_deltas]):
            out[...] = d.reshape(out.shape)

    return fn


register_op(
    "SdcaOptimizer",
    _sdca_shape,
    kind=OpKind.CALLBACK,
    callback_fn=_sdca_callback,
    stateful=True,
    graphdef_dtype=lambda op: None,  # (TF's SdcaOptimizer has no type attribute)
)
NotDifferentiable("SdcaOptimizer")


# ---- argument checks as TF's generated wrapper and op_def_library make them ----------------------
def _expect_list(value: Any, arg: str, fn: str) -> list:
    if not isinstance(value, (list, tuple)):
        raise TypeError(f"Expected list for '{arg}' argument to '{fn}' Op, not {value!r}.")
    return list(value)


def _match_length(value: list, arg: str, n: int, of: str, fn: str) -> None:
    if len(value) != n:
        raise ValueError(
            f"List argument '{arg}' to '{fn}' Op with length {len(value)} must match length "
            f"{n} of argument '{of}'."
        )


def _make_float(v: Any, arg: str) -> float:
    try:
        return float(v)
    except (ValueError, TypeError):
        raise TypeError(f"Expected float for argument '{arg}' not {v!r}.") from None


def _make_int(v: Any, arg: str) -> int:
    if isinstance(v, str):
        raise TypeError(f"Expected int for argument '{arg}' not {v!r}.")
    try:
        return int(v)
    except (ValueError, TypeError):
        raise TypeError(f"Expected int for argument '{arg}' not {v!r}.") from None


def _make_str(v: Any, arg: str) -> str:
    if isinstance(v, bytes):
        return v.decode()
    if not isinstance(v, str):
        raise TypeError(f"Expected string for argument '{arg}' not {v!r}.")
    return v


def _convert_one(value: Any, dtype: _dt.DType, arg: str, op_type: str) -> Tensor:
    try:
        return convert_to_tensor(value, dtype=dtype, name=arg)
    except (TypeError, ValueError):
        pass
    if isinstance(value, (Tensor, Variable)):  # a tensor of another dtype
        raise TypeError(
            f"Input '{arg}' of '{op_type}' Op has type {value.dtype.base_dtype.name} that does "
            f"not match expected type of {dtype.name}."
        )
    kind = type(value).__name__
    raise TypeError(
        f"Expected {dtype.name} passed to parameter '{arg}' of op '{op_type}', got {value!r} of "
        f"type '{kind}' instead. Error: Expected {dtype.name}, but got {value} of type '{kind}'."
    )


def _convert_list(values: list, dtype: _dt.DType, arg: str, op_type: str) -> list[Tensor]:
    try:
        return [convert_to_tensor(v, dtype=dtype, name=f"{arg}_{i}") for i, v in enumerate(values)]
    except (TypeError, ValueError):
        pass
    observed = []  # what each converts to by itself, as TF's op_def_library reports them
    for v in values:
        try:
            observed.append(convert_to_tensor(v).dtype.name)
        except (TypeError, ValueError):
            observed.append("<NOT CONVERTIBLE TO TENSOR>")
    raise TypeError(
        f"Tensors in list passed to '{arg}' of '{op_type}' Op have types [{', '.join(observed)}] "
        f"that do not match expected type {dtype.name}."
    )


def sdca_optimizer(
    sparse_example_indices: Sequence[Any],
    sparse_feature_indices: Sequence[Any],
    sparse_feature_values: Sequence[Any],
    dense_features: Sequence[Any],
    example_weights: Any,
    example_labels: Any,
    sparse_indices: Sequence[Any],
    sparse_weights: Sequence[Any],
    dense_weights: Sequence[Any],
    example_state_data: Any,
    loss_type: str,
    l1: float,
    l2: float,
    num_loss_partitions: int,
    num_inner_iterations: int,
    adaptative: bool = True,
    name: str | None = None,
) -> SdcaOptimizerOutput:
    """One SDCA pass over a mini-batch of examples (TF's ``SdcaOptimizer``): returns
    ``(out_example_state_data, out_delta_sparse_weights, out_delta_dense_weights)``; the new
    state of each example (``[dual, primal loss, dual loss, example weight]``) and the deltas to
    add to ``sparse_weights`` and ``dense_weights`` (float32, their shapes).

    ``loss_type``: "logistic_loss", "squared_loss", "hinge_loss", "smooth_hinge_loss" or
    "poisson_loss" (binary losses take labels 0.0 and 1.0); ``l1``, ``l2``: the regularisation
    strengths; ``adaptative``: visit examples by adaptive sampling rather than a random
    permutation. ``num_inner_iterations`` is recorded as an attribute only, as in TF.
    """
    fn, op_type = "sdca_optimizer", "SdcaOptimizer"
    sparse_example_indices = _expect_list(sparse_example_indices, "sparse_example_indices", fn)
    ns = len(sparse_example_indices)
    sparse_feature_indices = _expect_list(sparse_feature_indices, "sparse_feature_indices", fn)
    _match_length(
        sparse_feature_indices, "sparse_feature_indices", ns, "sparse_example_indices", fn
    )
    sparse_indices = _expect_list(sparse_indices, "sparse_indices", fn)
    _match_length(sparse_indices, "sparse_indices", ns, "sparse_example_indices", fn)
    sparse_weights = _expect_list(sparse_weights, "sparse_weights", fn)
    _match_length(sparse_weights, "sparse_weights", ns, "sparse_example_indices", fn)
    sparse_feature_values = _expect_list(sparse_feature_values, "sparse_feature_values", fn)
    dense_features = _expect_list(dense_features, "dense_features", fn)
    nd = len(dense_features)
    dense_weights = _expect_list(dense_weights, "dense_weights", fn)
    _match_length(dense_weights, "dense_weights", nd, "dense_features", fn)
    loss = _make_str(loss_type, "loss_type")
    l1 = _make_float(l1, "l1")
    l2 = _make_float(l2, "l2")
    num_loss_partitions = _make_int(num_loss_partitions, "num_loss_partitions")
    num_inner_iterations = _make_int(num_inner_iterations, "num_inner_iterations")
    if adaptative is None:
        adaptative = True
    if not isinstance(adaptative, bool):
        raise TypeError(f"Expected bool for argument 'adaptative' not {adaptative!r}.")

    everything = [
        *sparse_example_indices,
        *sparse_feature_indices,
        *sparse_feature_values,
        *dense_features,
        example_weights,
        example_labels,
        *sparse_indices,
        *sparse_weights,
        *dense_weights,
        example_state_data,
    ]
    g = graph_of(*everything) if everything else get_default_graph()
    i64, f32 = _dt.int64, _dt.float32
    with g.as_default(), g.name_scope(name or op_type) as scope:
        ins = [
            *_convert_list(sparse_example_indices, i64, "sparse_example_indices", op_type),
            *_convert_list(sparse_feature_indices, i64, "sparse_feature_indices", op_type),
            *_convert_list(sparse_feature_values, f32, "sparse_feature_values", op_type),
            *_convert_list(dense_features, f32, "dense_features", op_type),
            _convert_one(example_weights, f32, "example_weights", op_type),
            _convert_one(example_labels, f32, "example_labels", op_type),
            *_convert_list(sparse_indices, i64, "sparse_indices", op_type),
            *_convert_list(sparse_weights, f32, "sparse_weights", op_type),
            *_convert_list(dense_weights, f32, "dense_weights", op_type),
            _convert_one(example_state_data, f32, "example_state_data", op_type),
        ]
        if loss not in LOSS_TYPES:
            allowed = ", ".join(f'"{t}"' for t in LOSS_TYPES)
            raise ValueError(
                f"Attr 'loss_type' of '{op_type}' Op passed string '{loss}' not in: {allowed}."
            )
        for attr, v in (
            ("num_loss_partitions", num_loss_partitions),
            ("num_inner_iterations", num_inner_iterations),
        ):
            if v < 1:
                raise ValueError(f"Attr '{attr}' of '{op_type}' Op passed {v} less than minimum 1.")
        attrs = {
            "loss_type": loss,
            "adaptative": adaptative,
            "num_sparse_features": ns,
            "num_sparse_features_with_values": len(sparse_feature_values),
            "num_dense_features": nd,
            "l1": float(np.float32(l1)),  # (TF's attribute values are float32)
            "l2": float(np.float32(l2)),
            "num_loss_partitions": num_loss_partitions,
            "num_inner_iterations": num_inner_iterations,
        }
        op = g.create_op(op_type, ins, [f32] * (1 + ns + nd), attrs, scope)
    outs = op.outputs
    return SdcaOptimizerOutput(outs[0], list(outs[1 : 1 + ns]), list(outs[1 + ns :]))


# ---- sdca_shrink_l1 ------------------------------------------------------------------------------
def _ref_variable(w: Any) -> Variable | Tensor:
    if isinstance(w, Variable) or (isinstance(w, Tensor) and w.op.type == "VariableV2"):
        if w.dtype.base_dtype != _dt.float32:
            raise TypeError(
                f"Input 'weights' of 'SdcaShrinkL1' Op has type {w.dtype.base_dtype.name}_ref "
                "that does not match expected type of float_ref."
            )
        return w
    raise TypeError(
        "'SdcaShrinkL1' Op requires that input 'weights' be a mutable tensor (e.g.: a tf.Variable)"
    )


def sdca_shrink_l1(
    weights: Sequence[Any], l1: float, l2: float, name: str | None = None
) -> Operation:
    """Applies the L1 proximal step to each float32 variable of ``weights`` in place (TF's
    ``SdcaShrinkL1``): ``w = sign(w) * max(|w| - l1 / l2, 0)``, with ``l1 / l2`` computed in
    float32; returns the Operation that runs it (an ``Assign`` per variable, grouped under
    ``name``)."""
    weights = _expect_list(weights, "weights", "sdca_shrink_l1")
    l1 = _make_float(l1, "l1")
    l2 = _make_float(l2, "l2")
    variables = [_ref_variable(w) for w in weights]
    with np.errstate(all="ignore"):
        shrinkage = float(np.float32(l1) / np.float32(l2))
    g = graph_of(*variables) if variables else get_default_graph()
    with g.as_default(), g.name_scope(name or "SdcaShrinkL1") as scope:
        updates = []
        for w in variables:
            value = convert_to_tensor(w)
            kept = maximum(subtract(_abs(value), np.float32(shrinkage)), np.float32(0.0))
            # (+ 0: the sign of -0.0 is +0.0, as Eigen's)
            updates.append(assign(w, multiply(add(sign(value), np.float32(0.0)), kept)))
        return group(*updates, name=scope)
