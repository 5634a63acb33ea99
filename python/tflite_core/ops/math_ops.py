"""Math ops: broadcasting binary ops, unary maths, reductions, argmax/argmin and matmul, with the
gradient of each beside it (the ``Tensor`` operators that call them: ``tensor_methods``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import (
    FLOATS,
    NUMERIC,
    broadcast_shapes,
    check_dtype_in,
    check_same_dtype,
    int_arg,
    make_tensor,
    norm_axes,
    same_shape,
    scalar_int,
    to_tensors,
)
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import (
    axis_arg,
    axis_attrs,
    broadcast_to,
    cast,
    identity,
    reduced_shape,
    reduction_axes,
    reduction_size,
    reshape,
    shape,
    sum_to,
    zeros_like,
)

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        AxisLike,
        DTypeLike,
        TensorLike,
    )


# ---- binary ops with broadcasting ---------------------------------------------------------------
def _binary_shape(op, in_shapes, value_of):
    return [broadcast_shapes(op, in_shapes[0], in_shapes[1])]


_BINARY = {  # op type -> (kernel, allowed dtypes)
    "Add": ("add", NUMERIC),
    "Sub": ("sub", NUMERIC),
    "Mul": ("mul", NUMERIC),
    "RealDiv": ("div", FLOATS),
    "Maximum": ("maximum", NUMERIC),
    "Minimum": ("minimum", NUMERIC),
    "Pow": ("pow", NUMERIC),
    "FloorDiv": ("floor_div", NUMERIC),
    "FloorMod": ("floor_mod", NUMERIC),
    "TruncateDiv": ("truncate_div", NUMERIC),
    "TruncateMod": ("truncate_mod", NUMERIC),
}
_COMPARE = {
    "Equal": "equal",
    "NotEqual": "not_equal",
    "Less": "less",
    "LessEqual": "less_equal",
    "Greater": "greater",
    "GreaterEqual": "greater_equal",
}
# elementwise kernels may write over input 0 when nothing else reads it and it is not broadcast
# (the compiler checks): a buffer fewer keeps a training step's working set in cache
for _t, (_k, _) in _BINARY.items():
    register_op(_t, _binary_shape, _k, inplace=0)
for _t, _k in _COMPARE.items():
    register_op(_t, _binary_shape, _k)
    NotDifferentiable(_t)


def _binary(op_type, x, y, name):
    x, y = to_tensors([x, y])
    check_same_dtype(op_type, [x, y])
    if op_type in _BINARY:
        check_dtype_in(op_type, x, _BINARY[op_type][1])
        return make_tensor(op_type, [x, y], x.dtype, None, name or op_type)
    check_dtype_in(op_type, x, _dt.KERNEL_DTYPES)  # Less...: real types; Equal/NotEqual: any
    return make_tensor(op_type, [x, y], _dt.bool, None, name or op_type)


def add(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """``x + y`` with broadcasting."""
    return _binary("Add", x, y, name)


def subtract(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Sub", x, y, name)


def multiply(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Mul", x, y, name)


def divide(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    """True division; integer inputs are cast to float64 as in TF."""
    x, y = to_tensors([x, y])
    if x.dtype.is_integer:
        x, y = cast(x, _dt.float64), cast(y, _dt.float64)
    return _binary("RealDiv", x, y, name or "truediv")


truediv = divide


def realdiv(x, y, name=None):
    """``RealDiv``: float division (float32/float64 only, as TF's CPU kernels)."""
    return _binary("RealDiv", x, y, name)


def _as_like(x, y):
    """``x`` and ``y`` as tensors, ``y`` converted to ``x``'s dtype where it is no tensor (TF's
    binary op wrappers: ``tf.floordiv(int_tensor, 2.5)`` is a TypeError)."""
    x = convert_to_tensor(x)
    if not isinstance(y, Tensor) and not hasattr(y, "_tflite_as_tensor"):
        y = convert_to_tensor(y, dtype=x.dtype)
    return x, convert_to_tensor(y)


def div(x, y, name=None):
    """TF 1.x's ``tf.div``: Python 2 division, floor division (``FloorDiv``) for integers,
    ``RealDiv`` for floats. Node ``div``.

    >>> with tf.Session() as sess:
    ...     print([float(v) for v in sess.run([tf.div(7, 2), tf.div(-7, 2), tf.div(7.0, 2.0)])])
    [3.0, -4.0, 3.5]
    """
    x, y = _as_like(x, y)
    name = name or "div"
    if x.dtype.is_integer:
        return _binary("FloorDiv", x, y, name)
    return _binary("RealDiv", x, y, name)


def floordiv(x, y, name=None):
    """``x // y`` rounded toward -inf (``FloorDiv``, node ``floordiv``): integers floor-divide
    (``INT_MIN // -1`` is ``INT_MIN``; a zero divisor is TF's InvalidArgumentError "Integer
    division by zero" when run), floats give ``floor(x / y)``."""
    x, y = _as_like(x, y)
    return _binary("FloorDiv", x, y, name or "floordiv")


def floor_div(x, y, name=None):
    """The raw op ``tf.floor_div``: ``FloorDiv``, named after its type."""
    x, y = _as_like(x, y)
    return _binary("FloorDiv", x, y, name)


def floormod(x, y, name=None):
    """``x % y`` with the divisor's sign, as Python's ``%`` (``FloorMod``; also ``tf.mod``):
    for floats ``fmod(x, y)`` moved by ``y`` when the signs differ, as TF."""
    x, y = _as_like(x, y)
    return _binary("FloorMod", x, y, name)


mod = floormod


def truncatediv(x, y, name=None):
    """C's division, rounded toward zero (``TruncateDiv``); an integer zero divisor is TF's
    InternalError when run."""
    x, y = _as_like(x, y)
    return _binary("TruncateDiv", x, y, name)


def truncatemod(x, y, name=None):
    """C's remainder, with the dividend's sign (``TruncateMod``; ``fmod`` for floats)."""
    x, y = _as_like(x, y)
    return _binary("TruncateMod", x, y, name)


def maximum(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Maximum", x, y, name)


def minimum(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Minimum", x, y, name)


def pow(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Pow", x, y, name)


def equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Equal", x, y, name)


def not_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("NotEqual", x, y, name)


def less(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Less", x, y, name)


def less_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("LessEqual", x, y, name)


def greater(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("Greater", x, y, name)


def greater_equal(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return _binary("GreaterEqual", x, y, name)


# The deck's TF 0.x names.
mul = multiply
sub = subtract


def _conj(t: Tensor) -> Tensor:
    """``conj(t)`` for a complex ``t`` (the ``Conj`` op of ``complex_ops``), else ``t``: TF's
    gradients of complex functions use the conjugate derivative."""
    if t.dtype.is_complex:
        return make_tensor("Conj", [t], t.dtype, {"T": t.dtype}, "Conj")
    return t


@RegisterGradient("Add")
def _add_grad(op, grad):
    x, y = op.inputs
    return [sum_to(grad, x), sum_to(grad, y)]


@RegisterGradient("Sub")
def _sub_grad(op, grad):
    x, y = op.inputs
    return [sum_to(grad, x), sum_to(negative(grad), y)]


@RegisterGradient("Mul")
def _mul_grad(op, grad):
    x, y = op.inputs  # d(xy) = y dx + x dy
    return [sum_to(grad * _conj(y), x), sum_to(_conj(x) * grad, y)]


@RegisterGradient("RealDiv")
def _div_grad(op, grad):
    x, y = op.inputs  # d(x/y) = dx / y - x dy / y^2
    gx, gy = sum_to(grad / _conj(y), op.inputs[0]), None
    x, y = _conj(x), _conj(y)
    gy = sum_to(negative(grad) * x / (y * y), op.inputs[1])
    return [gx, gy]


# As TF (math_grad.py): FloorDiv and TruncateDiv have no gradient (None for both inputs),
# TruncateMod has none registered (tf.gradients raises LookupError there, as TF's).
NotDifferentiable("FloorDiv")
NotDifferentiable("TruncateDiv")


@RegisterGradient("TruncateMod")
def _truncate_mod_grad(op, grad):
    # TF registers no gradient for TruncateMod: tf.gradients through it is TF's LookupError.
    raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type})")


@RegisterGradient("FloorMod")
def _floor_mod_grad(op, grad):
    x, y = op.inputs  # x mod y = x - floor(x / y) y: dx = grad, dy = -floor_div(x, y) grad
    return [sum_to(grad, x), sum_to(grad * negative(floordiv(x, y)), y)]


def _minmax_grad(op, grad, pick_x):
    x, y = op.inputs  # the gradient goes to the selected input (x on ties)
    mask = cast(pick_x(x, y), grad.dtype)
    return [sum_to(grad * mask, x), sum_to(grad * (1.0 - mask), y)]


@RegisterGradient("Maximum")
def _maximum_grad(op, grad):
    return _minmax_grad(op, grad, greater_equal)


@RegisterGradient("Minimum")
def _minimum_grad(op, grad):
    return _minmax_grad(op, grad, less_equal)


@RegisterGradient("Pow")
def _pow_grad(op, grad):
    x, y = op.inputs  # d(x^y) = y x^(y-1) dx + x^y log(x) dy  (log taken where x > 0)
    z = op.outputs[0]
    gx = grad * y * pow(x, y - 1.0)
    safe_x = _where_positive(x)
    gy = grad * z * log(safe_x)
    return [sum_to(gx, x), sum_to(gy, y)]


def _where_positive(x):
    # x where x > 0, else 1 (so log is 0 there), built from primitives
    m = cast(greater(x, constant(0, dtype=x.dtype)), x.dtype)
    return x * m + (1.0 - m)


# ---- unary ops -----------------------------------------------------------------------------------
_UNARY = {
    "Neg": ("neg", NUMERIC),
    "Abs": ("abs", NUMERIC),
    "Sigmoid": ("sigmoid", FLOATS),
    "Tanh": ("tanh", FLOATS),
    "Exp": ("exp", FLOATS),
    "Log": ("log", FLOATS),
    "Sqrt": ("sqrt", FLOATS),
    "Square": ("square", NUMERIC),
    "Reciprocal": ("reciprocal", FLOATS),
    "Sign": ("sign", NUMERIC),
    "Floor": ("floor", FLOATS),
}
for _t, (_k, _) in _UNARY.items():
    register_op(_t, same_shape, _k, inplace=0)
register_op("SigmoidGrad", _binary_shape, "sigmoid_grad", inplace=0)
register_op("TanhGrad", _binary_shape, "tanh_grad", inplace=0)


def _unary(op_type, x, name):
    x = convert_to_tensor(x)
    check_dtype_in(op_type, x, _UNARY[op_type][1])
    return make_tensor(op_type, [x], x.dtype, None, name or op_type)


def negative(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Neg", x, name)


neg = negative


def abs(x: TensorLike, name: str | None = None) -> Tensor:
    """``|x|``; for a complex ``x`` its magnitude as the real dtype (``ComplexAbs``, registered
    in ``complex_ops``)."""
    x = convert_to_tensor(x)
    if x.dtype.is_complex:
        out = x.dtype.real_dtype
        return make_tensor("ComplexAbs", [x], out, {"T": x.dtype, "Tout": out}, name or "Abs")
    return _unary("Abs", x, name)


def sigmoid(x: TensorLike, name: str | None = None) -> Tensor:
    """``1 / (1 + exp(-x))``, computed stably."""
    return _unary("Sigmoid", x, name)


def tanh(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Tanh", x, name)


def exp(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Exp", x, name)


def log(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Log", x, name)


def sqrt(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Sqrt", x, name)


def square(x: TensorLike, name: str | None = None) -> Tensor:
    """``x * x`` elementwise."""
    return _unary("Square", x, name)


def reciprocal(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Reciprocal", x, name)


def sign(x: TensorLike, name: str | None = None) -> Tensor:
    return _unary("Sign", x, name)


def floor(x: TensorLike, name: str | None = None) -> Tensor:
    """Elementwise ``np.floor`` (float32/float64); as in TF, no gradient flows through it."""
    return _unary("Floor", x, name)


NotDifferentiable("Floor")


@RegisterGradient("Neg")
def _neg_grad(op, grad):
    return [negative(grad)]


@RegisterGradient("Abs")
def _abs_grad(op, grad):
    return [grad * sign(op.inputs[0])]


@RegisterGradient("Sigmoid")
def _sigmoid_grad(op, grad):
    y = op.outputs[0]  # dy/dx = y (1 - y)
    return [make_tensor("SigmoidGrad", [y, grad], y.dtype, None, "SigmoidGrad")]


@RegisterGradient("Tanh")
def _tanh_grad(op, grad):
    y = op.outputs[0]  # dy/dx = 1 - y^2
    return [make_tensor("TanhGrad", [y, grad], y.dtype, None, "TanhGrad")]


@RegisterGradient("SigmoidGrad")
def _sigmoid_grad_grad(op, grad):
    y, dy = op.inputs  # SigmoidGrad = dy y (1 - y): d/dy = dy (1 - 2y), d/d(dy) = y (1 - y)
    gdy = grad * dy
    return [
        gdy - 2.0 * gdy * y,
        make_tensor("SigmoidGrad", [y, grad], y.dtype, None, "SigmoidGrad"),
    ]


@RegisterGradient("TanhGrad")
def _tanh_grad_grad(op, grad):
    y, dy = op.inputs  # TanhGrad = dy (1 - y^2): d/dy = -2 y dy, d/d(dy) = 1 - y^2
    return [grad * -2.0 * dy * y, make_tensor("TanhGrad", [y, grad], y.dtype, None, "TanhGrad")]


@RegisterGradient("Sign")
def _sign_grad(op, grad):
    return [zeros_like(op.inputs[0])]  # as TF: zero almost everywhere


@RegisterGradient("Exp")
def _exp_grad(op, grad):
    return [grad * _conj(op.outputs[0])]


@RegisterGradient("Log")
def _log_grad(op, grad):
    return [grad * reciprocal(_conj(op.inputs[0]))]


@RegisterGradient("Sqrt")
def _sqrt_grad(op, grad):
    return [grad * 0.5 / _conj(op.outputs[0])]  # d sqrt(x) = dx / (2 sqrt(x))


@RegisterGradient("Square")
def _square_grad(op, grad):
    x = _conj(op.inputs[0])
    return [grad * (2 * x) if x.dtype.is_integer else grad * (2.0 * x)]


@RegisterGradient("Reciprocal")
def _reciprocal_grad(op, grad):
    y = _conj(op.outputs[0])  # d(1/x) = -dx / x^2 = -y^2 dx
    return [negative(grad) * y * y]


# ---- AddN ----------------------------------------------------------------------------------------
def _add_n_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    for t in in_shapes[1:]:
        if not s.is_compatible_with(t):
            raise shape_error("AddN", op.name, "Shapes must be equal", in_shapes)
        s = s.merge_with(t)
    return [s]


register_op("AddN", _add_n_shape, "add_n")


@RegisterGradient("AddN")
def _add_n_grad(op, grad):
    return [grad] * len(op.inputs)


def add_n(inputs: Any, name: str | None = None) -> Tensor:
    """Sums a list of same-shape tensors."""
    ts = to_tensors(list(inputs))
    check_same_dtype("AddN", ts, [f"inputs[{i}]" for i in range(len(ts))])
    check_dtype_in("AddN", ts[0], NUMERIC, "inputs")
    if len(ts) == 1:  # (as TF: the input itself, or an Identity when named)
        return identity(ts[0], name=name) if name else ts[0]
    return make_tensor("AddN", ts, ts[0].dtype, None, name or "AddN")


# ---- reductions ----------------------------------------------------------------------------------
def _reduce_shape(op, in_shapes, value_of):
    s, keep = in_shapes[0], op.get_attr("keep_dims")
    if s.ndims is None:  # (all axes reduced: a scalar, as TF, whatever the rank)
        every = op._attrs.get("axis") is None and op._attrs.get("axis_from") is None
        return [TensorShape([] if every and not keep else None)]
    axes = reduction_axes(op, s.ndims, value_of)
    d = s.as_list()
    if axes is None:  # axes known only when run
        return [TensorShape([None] * len(d) if keep else None)]
    if keep:
        return [TensorShape([1 if i in axes else n for i, n in enumerate(d)])]
    return [TensorShape([n for i, n in enumerate(d) if i not in axes])]


def _reduce_attrs(op, in_shapes, out_shapes, value_of):
    r = len(in_shapes[0])
    axes = reduction_axes(op, r, value_of)
    return [1 if i in axes else 0 for i in range(r)], []


_REDUCE = {
    "Sum": "reduce_sum",
    "Mean": "reduce_mean",
    "Max": "reduce_max",
    "Min": "reduce_min",
    "Prod": "reduce_prod",
}
for _t, _k in _REDUCE.items():
    register_op(
        _t, _reduce_shape, _k, kernel_inputs=(0,), value_inputs=(1,), attrs_fn=_reduce_attrs
    )


def _reduce(op_type, input_tensor, axis, keepdims, name, reduction_indices, keep_dims):
    x = convert_to_tensor(input_tensor)
    check_dtype_in(op_type, x, NUMERIC, "input")
    if axis is None:
        axis = reduction_indices
    if keepdims is None:
        keepdims = bool(keep_dims)
    attrs, extra = axis_attrs(axis)
    if attrs["axis"] is not None and x.shape.ndims is not None:
        norm_axes(attrs["axis"], x.shape.ndims)
    attrs["keep_dims"] = bool(keepdims)
    if extra:
        attrs["axis_from"] = 1
    return make_tensor(op_type, [x, *extra], x.dtype, attrs, name or op_type)


def reduce_sum(
    input_tensor: TensorLike,
    axis: AxisLike | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: AxisLike | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    """Sum over ``axis`` (all axes when ``None``; an int tensor may give them when run)."""
    return _reduce("Sum", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(
    input_tensor: TensorLike,
    axis: AxisLike | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: AxisLike | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    return _reduce("Mean", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(
    input_tensor: TensorLike,
    axis: AxisLike | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: AxisLike | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    return _reduce("Max", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(
    input_tensor: TensorLike,
    axis: AxisLike | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: AxisLike | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    return _reduce("Min", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_prod(
    input_tensor: TensorLike,
    axis: AxisLike | None = None,
    keepdims: bool | None = None,
    name: str | None = None,
    reduction_indices: AxisLike | None = None,
    keep_dims: bool | None = None,
) -> Tensor:
    return _reduce("Prod", input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def _kept(op, t):
    """``t`` (a reduction's output or its gradient) reshaped to keep the reduced dims as 1."""
    return reshape(t, reduced_shape(op.inputs[0], axis_arg(op)))


def _no_axis_grad(op, grads: list) -> list:
    """The gradients of a reduction: ``grads`` for its input, None for a run-time axis."""
    return grads + [None] * (len(op.inputs) - 1)


@RegisterGradient("Sum")
def _sum_grad(op, grad):
    x = op.inputs[0]  # every input element gets the gradient of its sum
    return _no_axis_grad(op, [broadcast_to(_kept(op, grad), shape(x))])


@RegisterGradient("Mean")
def _mean_grad(op, grad):
    x = op.inputs[0]
    n = reduction_size(x, axis_arg(op))
    return _no_axis_grad(op, [broadcast_to(_kept(op, grad), shape(x)) / n])


def _min_or_max_grad(op, grad):
    x = op.inputs[0]  # shared equally by the elements equal to the extremum
    y = broadcast_to(_kept(op, op.outputs[0]), shape(x))
    ind = cast(equal(x, y), grad.dtype)
    count = broadcast_to(reduce_sum(ind, axis_arg(op), keepdims=True), shape(x))
    return _no_axis_grad(op, [ind / count * broadcast_to(_kept(op, grad), shape(x))])


RegisterGradient("Max")(_min_or_max_grad)
RegisterGradient("Min")(_min_or_max_grad)


register_op(
    "ProdGrad",
    lambda op, s, v: [s[0]],
    "reduce_prod_grad",
    kernel_inputs=(0, 1),
    value_inputs=(2,),
    attrs_fn=lambda op, i, o, v: (
        [1 if a in reduction_axes(op, len(i[0]), v) else 0 for a in range(len(i[0]))],
        [],
    ),
)
NotDifferentiable("ProdGrad")


@RegisterGradient("Prod")
def _prod_grad(op, grad):
    x = op.inputs[0]  # d prod / dx_i = prod_{j != i} x_j, exact where x has zeros
    axis = axis_arg(op)
    dy = reshape(grad, reduced_shape(x, axis))
    attrs, extra = axis_attrs(axis)
    if extra:
        attrs["axis_from"] = 2
    g = make_tensor("ProdGrad", [x, dy, *extra], x.dtype, attrs, "ProdGrad")
    return _no_axis_grad(op, [g])


# ---- argmax / argmin -----------------------------------------------------------------------------
def _arg_axis(op, rank: int, value_of):
    axes = reduction_axes(op, rank, value_of)
    return None if axes is None else axes[0]


def _arg_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is None:
        return [TensorShape(None)]
    if s.ndims == 0:
        raise ValueError(f"[{op.type}] input must have rank >= 1 for '{op.name}'")
    a = _arg_axis(op, s.ndims, value_of)
    d = s.as_list()
    if a is None:
        return [TensorShape([None] * (len(d) - 1))]
    return [TensorShape(d[:a] + d[a + 1 :])]


for _t, _k in (("ArgMax", "argmax"), ("ArgMin", "argmin")):
    register_op(
        _t,
        _arg_shape,
        _k,
        kernel_inputs=(0,),
        value_inputs=(1,),
        attrs_fn=lambda op, i, o, v: ([_arg_axis(op, len(i[0]), v)], []),
    )
    NotDifferentiable(_t)


def _arg(op_type, input, axis, name, dimension, output_type):
    x = convert_to_tensor(input)
    check_dtype_in(op_type, x, NUMERIC, "input")
    axis = dimension if axis is None else axis
    known, extra = int_arg(0 if axis is None else axis, "axis")
    attrs = {"axis": None if extra else scalar_int(known)}
    if extra:
        attrs["axis_from"] = 1
    out = make_tensor(op_type, [x, *extra], _dt.int64, attrs, name or op_type)
    return out if _dt.as_dtype(output_type) == _dt.int64 else cast(out, output_type)


def argmax(
    input: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    dimension: Any = None,
    output_type: DTypeLike = _dt.int64,
) -> Tensor:
    """Index of the largest value along ``axis`` (first on ties)."""
    return _arg("ArgMax", input, axis, name, dimension, output_type)


def argmin(
    input: TensorLike,
    axis: AxisLike | None = None,
    name: str | None = None,
    dimension: Any = None,
    output_type: DTypeLike = _dt.int64,
) -> Tensor:
    return _arg("ArgMin", input, axis, name, dimension, output_type)


# ---- matmul --------------------------------------------------------------------------------------
def _matmul_shape(op, in_shapes, value_of):
    a, b = in_shapes
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    for s in (a, b):
        if s.ndims is not None and s.ndims != 2:
            raise shape_error(
                "MatMul", op.name, f"Shape must be rank 2 but is rank {s.ndims}", in_shapes
            )
    ad = a.as_list() if a.ndims is not None else [None, None]
    bd = b.as_list() if b.ndims is not None else [None, None]
    m, k = (ad[1], ad[0]) if ta else (ad[0], ad[1])
    k2, n = (bd[1], bd[0]) if tb else (bd[0], bd[1])
    if k is not None and k2 is not None and k != k2:
        raise shape_error(
            "MatMul", op.name, f"Dimensions must be equal, but are {k} and {k2}", in_shapes
        )
    return [TensorShape([m, n])]


register_op(
    "MatMul",
    _matmul_shape,
    "matmul",
    attrs_fn=lambda op, i, o, v: (
        [int(op.get_attr("transpose_a")), int(op.get_attr("transpose_b"))],
        [],
    ),
)


@RegisterGradient("MatMul")
def _matmul_grad(op, grad):
    a, b = op.inputs
    ta, tb = op.get_attr("transpose_a"), op.get_attr("transpose_b")
    if not ta and not tb:  # C = A B: dA = G B^T, dB = A^T G
        return [matmul(grad, b, transpose_b=True), matmul(a, grad, transpose_a=True)]
    if not ta and tb:  # C = A B^T: dA = G B, dB = G^T A
        return [matmul(grad, b), matmul(grad, a, transpose_a=True)]
    if ta and not tb:  # C = A^T B: dA = B G^T, dB = A G
        return [matmul(b, grad, transpose_b=True), matmul(a, grad)]
    # C = A^T B^T: dA = B^T G^T, dB = G^T A^T
    return [
        matmul(b, grad, transpose_a=True, transpose_b=True),
        matmul(grad, a, transpose_a=True, transpose_b=True),
    ]


def _batch_matmul_shape(op, in_shapes, value_of):
    a, b = in_shapes
    ta, tb = op.get_attr("adj_x"), op.get_attr("adj_y")
    for s in (a, b):
        if s.ndims is not None and s.ndims < 2:
            raise shape_error(
                "BatchMatMulV2",
                op.name,
                f"Shape must be at least rank 2 but is rank {s.ndims}",
                in_shapes,
            )
    if a.ndims is None or b.ndims is None:
        return [TensorShape(None)]
    ad, bd = a.as_list(), b.as_list()
    m, k = (ad[-1], ad[-2]) if ta else (ad[-2], ad[-1])
    k2, n = (bd[-1], bd[-2]) if tb else (bd[-2], bd[-1])
    if k is not None and k2 is not None and k != k2:
        raise shape_error(
            "BatchMatMulV2", op.name, f"Dimensions must be equal, but are {k} and {k2}", in_shapes
        )
    batch = broadcast_shapes(op, TensorShape(ad[:-2]), TensorShape(bd[:-2]))
    return [TensorShape([*batch.as_list(), m, n])]


register_op(
    "BatchMatMulV2",
    _batch_matmul_shape,
    "batch_matmul",
    attrs_fn=lambda op, i, o, v: ([int(op.get_attr("adj_x")), int(op.get_attr("adj_y"))], []),
)


@RegisterGradient("BatchMatMulV2")
def _batch_matmul_grad(op, grad):
    # as TF's: the products of the 2-D gradient, each summed over the batch dimensions its input
    # was broadcast along
    x, y = op.inputs
    ax, ay = op.get_attr("adj_x"), op.get_attr("adj_y")
    if not ax and not ay:
        gx, gy = matmul(grad, y, adjoint_b=True), matmul(x, grad, adjoint_a=True)
    elif not ax:
        gx, gy = matmul(grad, y), matmul(grad, x, adjoint_a=True)
    elif not ay:
        gx, gy = matmul(y, grad, adjoint_b=True), matmul(x, grad)
    else:
        gx = matmul(y, grad, adjoint_a=True, adjoint_b=True)
        gy = matmul(grad, x, adjoint_a=True, adjoint_b=True)
    return [sum_to(gx, x), sum_to(gy, y)]


def matmul(
    a: TensorLike,
    b: TensorLike,
    transpose_a: Any = False,
    transpose_b: Any = False,
    adjoint_a: Any = False,
    adjoint_b: Any = False,
    a_is_sparse: Any = False,
    b_is_sparse: Any = False,
    name: str | None = None,
) -> Tensor:
    """Matrix product: ``tf.matmul(x, w)`` of rank-2 tensors (op MatMul), or of batches of
    matrices (rank > 2 or unknown: op BatchMatMulV2, the batch dimensions broadcast).

    A shape mismatch raises ``ValueError`` at graph build, naming the op and both shapes.
    """
    a, b = to_tensors([a, b])
    check_same_dtype("MatMul", [a, b], ("a", "b"))
    check_dtype_in("MatMul", a, NUMERIC, "a")
    if a.shape.ndims != 2 or b.shape.ndims != 2:
        return make_tensor(
            "BatchMatMulV2",
            [a, b],
            a.dtype,
            {
                "adj_x": bool(transpose_a or adjoint_a),
                "adj_y": bool(transpose_b or adjoint_b),
                "T": a.dtype,
            },
            name or "MatMul",
        )
    return make_tensor(
        "MatMul",
        [a, b],
        a.dtype,
        {
            "transpose_a": bool(transpose_a or adjoint_a),
            "transpose_b": bool(transpose_b or adjoint_b),
            "T": a.dtype,
        },
        name or "MatMul",
    )


def arg_max(
    input: TensorLike,
    dimension: Any,
    output_type: DTypeLike = _dt.int64,
    name: str | None = None,
) -> Tensor:
    """TF 0.x's ``argmax(input, dimension)``."""
    return _arg("ArgMax", input, None, name, dimension, output_type)


def arg_min(
    input: TensorLike,
    dimension: Any,
    output_type: DTypeLike = _dt.int64,
    name: str | None = None,
) -> Tensor:
    """TF 0.x's ``argmin(input, dimension)``."""
    return _arg("ArgMin", input, None, name, dimension, output_type)
