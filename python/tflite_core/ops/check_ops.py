"""TF 1.x's ``check_ops``: ``tf.assert_equal``, ``tf.assert_positive``, ``tf.assert_rank``, ...

Each check is decided at graph build where TF decides it (values of constants, static shapes and
dtypes: an ``InvalidArgumentError``, ``ValueError`` or ``TypeError`` with TF's message), and
otherwise builds a ``tf.Assert`` that fails the run with TF's message and the data summary.

>>> x = tf.placeholder(tf.float32, [None])
>>> check = tf.assert_positive(x)
>>> with tf.control_dependencies([check]):
...     y = tf.sqrt(x)
>>> with tf.Session() as sess:
...     print(sess.run(y, {x: [4.0]}))
[2.]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import (
    GraphKeys,
    Operation,
    Tensor,
    constant_value,
    get_default_graph,
    name_scope,
    shape_error,
)
from ..framework.registry import (
    NotDifferentiable,
    OpKind,
    RegisterGradient,
    at_run_time,
    register_op,
)
from ..framework.tensor_shape import TensorShape, shape_str
from . import math_ops
from .array_ops import identity, size, stack
from .array_ops import rank as _static_rank
from .array_ops import shape as _shape
from .control_flow_ops import no_op
from .indexing_ops import IndexedSlices
from .logging_ops import Assert
from .math_extra_ops import logical_or, reduce_all

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _rank(x: Tensor) -> Tensor:
    """``x``'s rank as an int32 scalar (known only at run time for an unknown static rank)."""
    return _static_rank(x) if x.shape.ndims is not None else size(_shape(x))


def _tensor_str(t: Tensor) -> str:
    """TF 1.x's ``str`` of a graph tensor."""
    return f'Tensor("{t.name}", shape={t.shape}, dtype={t.dtype.name})'


def _dtype_str(d: _dt.DType) -> str:
    """TF's ``str`` of a dtype."""
    return f"<dtype: '{d.name}'>"


def _message_prefix(message: str | None) -> str:
    return f"{message}.  " if message else ""


def _static_text(d: Any) -> str:
    if not isinstance(d, Tensor):
        return str(d)
    v = constant_value(d)
    return str(v) if v is not None else str(d)


def _assert_static(condition: Any, data: Sequence[Any]) -> None:
    """Raises TF's InvalidArgumentError (the data, one per line) when ``condition`` is False."""
    if not condition:
        raise errors.InvalidArgumentError(None, None, "\n".join(_static_text(d) for d in data))


# ---- element-wise comparisons --------------------------------------------------------------------
def _binary_assert(
    sym: str,
    opname: str,
    op_func: Callable[..., Tensor],
    static_func: Callable[..., Any],
    x: Any,
    y: Any,
    data: Sequence[Any] | None,
    summarize: int | None,
    message: str | None,
    name: str | None,
) -> Operation:
    with name_scope(name, opname, [x, y, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y")
        if data is None:
            data = [
                f"Condition x {sym} y did not hold element-wise:",
                f"x ({x.name}) = ",
                x,
                f"y ({y.name}) = ",
                y,
            ]
        if message is not None:
            data = [message, *data]
        condition = reduce_all(op_func(x, y))
        xs, ys = constant_value(x), constant_value(y)
        if xs is not None and ys is not None:
            _assert_static(np.all(static_func(xs, ys)), data)
        return Assert(condition, data, summarize=summarize)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x == y`` element-wise (broadcasting); decided at graph
    build when both values are known."""
    return _binary_assert(
        "==", "assert_equal", math_ops.equal, np.equal, x, y, data, summarize, message, name
    )


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x != y`` everywhere."""
    return _binary_assert(
        "!=",
        "assert_none_equal",
        math_ops.not_equal,
        np.not_equal,
        x,
        y,
        data,
        summarize,
        message,
        name,
    )


def assert_less(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x < y`` element-wise."""
    return _binary_assert(
        "<", "assert_less", math_ops.less, np.less, x, y, data, summarize, message, name
    )


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x <= y`` element-wise."""
    return _binary_assert(
        "<=",
        "assert_less_equal",
        math_ops.less_equal,
        np.less_equal,
        x,
        y,
        data,
        summarize,
        message,
        name,
    )


def assert_greater(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x > y`` element-wise."""
    return _binary_assert(
        ">", "assert_greater", math_ops.greater, np.greater, x, y, data, summarize, message, name
    )


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x >= y`` element-wise."""
    return _binary_assert(
        ">=",
        "assert_greater_equal",
        math_ops.greater_equal,
        np.greater_equal,
        x,
        y,
        data,
        summarize,
        message,
        name,
    )


def _unary_assert(
    x: Any,
    data: Sequence[Any] | None,
    summarize: int | None,
    message: str | None,
    name: str | None,
    opname: str,
    sym: str,
    check: Callable[[Tensor, Tensor, list], Operation],
) -> Operation:
    message = _message_prefix(message)
    with name_scope(name, opname, [x, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        if data is None:
            cond = f"Condition x {sym} did not hold element-wise:"
            if opname == "assert_non_positive":  # (TF joins these two strings into one)
                data = [message, cond + f"x ({x.name}) = ", x]
            else:
                data = [message, cond, f"x ({x.name}) = ", x]
        zero = convert_to_tensor(0, dtype=x.dtype)
        return check(x, zero, list(data))


def assert_negative(x, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x < 0`` element-wise."""
    return _unary_assert(
        x,
        data,
        summarize,
        message,
        name,
        "assert_negative",
        "< 0",
        lambda x, z, d: assert_less(x, z, data=d, summarize=summarize),
    )


def assert_positive(x, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x > 0`` element-wise."""
    return _unary_assert(
        x,
        data,
        summarize,
        message,
        name,
        "assert_positive",
        "> 0",
        lambda x, z, d: assert_less(z, x, data=d, summarize=summarize),
    )


def assert_non_negative(x, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x >= 0`` element-wise."""
    return _unary_assert(
        x,
        data,
        summarize,
        message,
        name,
        "assert_non_negative",
        ">= 0",
        lambda x, z, d: assert_less_equal(z, x, data=d, summarize=summarize),
    )


def assert_non_positive(x, data=None, summarize=None, message=None, name=None) -> Operation:
    """An op that fails the run unless ``x <= 0`` element-wise."""
    return _unary_assert(
        x,
        data,
        summarize,
        message,
        name,
        "assert_non_positive",
        "<= 0",
        lambda x, z, d: assert_less_equal(x, z, data=d, summarize=summarize),
    )


def assert_near(
    x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None
) -> Operation:
    """An op that fails the run unless ``|x - y| < atol + rtol * |y|`` element-wise (default
    tolerances: 10 machine epsilons of the dtype)."""
    message = _message_prefix(message)
    with name_scope(name, "assert_near", [x, y, rtol, atol, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        y = convert_to_tensor(y, name="y", dtype=x.dtype)
        eps = np.finfo(x.dtype.np).eps
        rtol_t = convert_to_tensor(10 * eps if rtol is None else rtol, name="rtol", dtype=x.dtype)
        atol_t = convert_to_tensor(10 * eps if atol is None else atol, name="atol", dtype=x.dtype)
        if data is None:
            data = [
                message,
                f"x and y not equal to tolerance rtol = {_tensor_str(rtol_t)}, "
                f"atol = {_tensor_str(atol_t)}",
                f"x ({x.name}) = ",
                x,
                f"y ({y.name}) = ",
                y,
            ]
        tol = atol_t + rtol_t * math_ops.abs(y)
        diff = math_ops.abs(x - y)
        return Assert(reduce_all(math_ops.less(diff, tol)), data, summarize=summarize)


# ---- ranks, dtypes, shapes -----------------------------------------------------------------------
class _StaticRankFailed(Exception):
    def __init__(self, actual: int, given: Any):
        super().__init__()
        self.actual = actual
        self.given = given


def _assert_rank_condition(x, rank, static_condition, dynamic_condition, data, summarize):
    assert_type(rank, _dt.int32)
    rank_static = constant_value(rank)
    if rank_static is not None:
        if np.ndim(rank_static) != 0:
            raise ValueError("Rank must be a scalar.")
        x_rank = x.shape.ndims
        if x_rank is not None:
            if not static_condition(x_rank, rank_static):
                raise _StaticRankFailed(x_rank, rank_static)
            return no_op(name="static_checks_determined_all_ok")
    condition = dynamic_condition(_rank(x), rank)
    if rank_static is None:
        rank_check = assert_rank(rank, 0, data=["Rank must be a scalar. Received rank: ", rank])
        with get_default_graph().control_dependencies([rank_check]):
            condition = identity(condition)
    return Assert(condition, data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None) -> Operation:
    """Raises ValueError at graph build when ``x``'s static rank is not ``rank``; else an op
    that fails the run when its run-time rank is not."""
    with name_scope(name, "assert_rank", [x, rank, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [message, f"Tensor {x.name} must have rank", rank, "Received shape: ", _shape(x)]
        try:
            return _assert_rank_condition(
                x, rank, lambda a, g: a == g, math_ops.equal, data, summarize
            )
        except _StaticRankFailed as e:
            raise ValueError(
                f"{message}Tensor {x.name} must have rank {int(e.given)}.  Received rank "
                f"{e.actual}, shape {x.shape}"
            ) from None


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None) -> Operation:
    """As ``assert_rank``, for a rank of at least ``rank``."""
    with name_scope(name, "assert_rank_at_least", [x, rank, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        rank = convert_to_tensor(rank, name="rank")
        message = _message_prefix(message)
        if data is None:
            data = [
                message,
                f"Tensor {x.name} must have rank at least",
                rank,
                "Received shape: ",
                _shape(x),
            ]
        try:
            return _assert_rank_condition(
                x, rank, lambda a, g: a >= g, math_ops.greater_equal, data, summarize
            )
        except _StaticRankFailed as e:
            raise ValueError(
                f"{message}Tensor {x.name} must have rank at least {int(e.given)}.  Received "
                f"rank {e.actual}, shape {x.shape}"
            ) from None


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None) -> Operation:
    """As ``assert_rank``, for a rank among ``ranks``."""
    with name_scope(name, "assert_rank_in", [x, *ranks, *(data or [])]):
        x = convert_to_tensor(x, name="x")
        ranks_t = tuple(convert_to_tensor(r, name="rank") for r in ranks)
        message = _message_prefix(message)
        if data is None:
            data = [
                message,
                f"Tensor {x.name} must have rank in",
                *ranks_t,
                "Received shape: ",
                _shape(x),
            ]
        for r in ranks_t:
            assert_type(r, _dt.int32)
        maybe = [constant_value(r) for r in ranks_t]
        statics = [s for s in maybe if s is not None]
        if len(statics) == len(maybe):
            for s in statics:
                if np.ndim(s) != 0:
                    raise ValueError("Rank must be a scalar.")
            if x.shape.ndims is not None:
                given = tuple(int(s) for s in statics)
                if x.shape.ndims not in given:
                    raise ValueError(
                        f"{message}Tensor {x.name} must have rank in {given}.  Received rank "
                        f"{x.shape.ndims}, shape {x.shape}"
                    )
                return no_op(name="static_checks_determined_all_ok")
        rank_t = _rank(x)
        condition: Any = (
            convert_to_tensor(False) if not ranks_t else math_ops.equal(ranks_t[0], rank_t)
        )
        for given_t in ranks_t[1:]:
            condition = logical_or(condition, math_ops.equal(given_t, rank_t))
        return Assert(condition, data, summarize=summarize)


def assert_integer(x, message=None, name=None) -> Operation:
    """Raises TypeError at graph build unless ``x`` has an integer dtype."""
    with name_scope(name, "assert_integer", [x]):
        x = convert_to_tensor(x, name="x")
        if not x.dtype.is_integer:
            raise TypeError(
                f'{_message_prefix(message)}Expected "x" to be integer type.  Found: {x.name} '
                f"of dtype {_dtype_str(x.dtype)}"
            )
        return no_op("statically_determined_was_integer")


def assert_type(tensor, tf_type, message=None, name=None) -> Operation:
    """Raises TypeError at graph build unless ``tensor`` has dtype ``tf_type``."""
    tf_type = _dt.as_dtype(tf_type)
    with name_scope(name, "assert_type", [tensor]):
        tensor = convert_to_tensor(tensor, name="tensor")
        if tensor.dtype != tf_type:
            raise TypeError(
                f"{_message_prefix(message)}{tensor.name} must be of type {tf_type!r}; got "
                f"{tensor.dtype!r}"
            )
        return no_op("statically_determined_correct_type")


def assert_scalar(tensor, name=None, message=None) -> Tensor:
    """``tensor`` as a Tensor; a ValueError unless its static shape is a scalar's."""
    with name_scope(name, "assert_scalar", [tensor]) as scope:
        tensor = convert_to_tensor(tensor, name=scope)
        if tensor.shape.ndims != 0:
            raise ValueError(
                f"{_message_prefix(message)}Expected scalar shape for {tensor.name}, saw shape: "
                f"{tensor.shape}."
            )
        return tensor


def _same_base_type(items: Iterable[Any], expected: _dt.DType | None) -> _dt.DType | None:
    items = [i for i in items if i is not None]
    want = expected
    first_name = None
    for item in items:
        t = item.dtype
        if want is None:
            want = t
            first_name = getattr(item, "name", str(item))
        elif t != want:
            raise ValueError(
                f"{getattr(item, 'name', str(item))}, type={_dtype_str(t)}, must be of the same "
                f"type ({_dtype_str(want)})"
                f"{f' as {first_name}' if expected is None and first_name else ''}."
            )
    return want


def assert_same_float_dtype(tensors=None, dtype=None) -> _dt.DType:
    """The float dtype shared by ``tensors`` (and ``dtype``, when given); float32 when neither
    says; a ValueError for a mismatch or a non-float dtype."""
    dtype = None if dtype is None else _dt.as_dtype(dtype)
    if tensors:
        dtype = _same_base_type(tensors, dtype)
    if not dtype:
        return _dt.float32
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {_dtype_str(dtype)}.")
    return dtype


def assert_proper_iterable(values: Any) -> None:
    """A TypeError unless ``values`` is an iterable other than a Tensor, an ndarray or a string."""
    if isinstance(values, (Tensor, IndexedSlices, np.ndarray, bytes, str)):
        raise TypeError(
            f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}'
        )
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')


# ---- variables -----------------------------------------------------------------------------------
def _is_initialized_fn(op: Operation, sess: Any):
    var_op = op.graph.get_operation_by_name(op.get_attr("variable"))

    def fn(ins: list, outs: list) -> None:
        outs[0][...] = var_op in sess._initialized

    return fn


register_op(
    "IsVariableInitialized",
    lambda op, s, v: [TensorShape([])],
    kind=OpKind.CALLBACK,
    kernel_inputs=(),
    callback_fn=_is_initialized_fn,
    stateful=True,
)
NotDifferentiable("IsVariableInitialized")


def _variable_rank_fn(op: Operation, sess: Any):
    def fn(ins: list, outs: list) -> None:
        outs[0][...] = ins[0].ndim

    return fn


register_op(
    "VariableRank",
    lambda op, s, v: [TensorShape([])],
    kind=OpKind.CALLBACK,
    callback_fn=_variable_rank_fn,
)
NotDifferentiable("VariableRank")


def _var_tensor(v: Any) -> Tensor:
    """A variable's own tensor (its VariableV2 output, not the ``read`` snapshot)."""
    return v.op.outputs[0] if hasattr(v, "_tflite_as_tensor") else v


def is_variable_initialized(variable: Any) -> Tensor:
    """A bool scalar: whether ``variable`` is initialised in the session that runs it."""
    ref = _var_tensor(variable)
    # (the variable is named, not an input: an input would be a read, which fails uninitialised)
    attrs = {"dtype": ref.dtype, "variable": ref.op.name}
    return ref.graph.create_op(
        "IsVariableInitialized", [], [_dt.bool], attrs, "IsVariableInitialized"
    ).outputs[0]


def _all_variables(var_list: Any) -> list:
    if var_list is None:
        g = get_default_graph()
        var_list = g.get_collection(GraphKeys.GLOBAL_VARIABLES) + g.get_collection(
            GraphKeys.LOCAL_VARIABLES
        )
    return list(var_list)


def assert_variables_initialized(var_list: Any = None) -> Tensor | None:
    """A tensor (the variables' ranks) whose run fails with FailedPreconditionError while one of
    ``var_list`` (default: every global and local variable) is uninitialised; None for none."""
    var_list = _all_variables(var_list)
    if not var_list:
        return None
    ranks = []
    for v in var_list:
        ref = _var_tensor(v)
        ranks.append(
            ref.graph.create_op("VariableRank", [ref], [_dt.int32], None, "Rank").outputs[0]
        )
    return ranks[0] if len(ranks) == 1 else stack(ranks)


def _report_fn(op: Operation, *initialized: np.ndarray) -> list:
    names = [n.encode() for n, ok in zip(op.get_attr("names"), initialized) if not bool(np.all(ok))]
    return [np.array(names, dtype=object).reshape(len(names))]


register_op(
    "ReportUninitializedVariables",
    lambda op, s, v: [TensorShape([None])],
    kind=OpKind.HOST,
    host_fn=_report_fn,
)
NotDifferentiable("ReportUninitializedVariables")


def report_uninitialized_variables(
    var_list: Any = None, name: str = "report_uninitialized_variables"
) -> Tensor:
    """A 1-D string tensor: the names of the variables of ``var_list`` (default: every global
    and local variable) not initialised in the session that runs it."""
    var_list = _all_variables(var_list)
    with name_scope(name) as scope:
        flags = [is_variable_initialized(v) for v in var_list]
        names = [_var_tensor(v).op.name for v in var_list]
        g = get_default_graph()
        return g.create_op(
            "ReportUninitializedVariables", flags, [_dt.string], {"names": names}, scope[:-1] + "/"
        ).outputs[0]


# ---- predicates ----------------------------------------------------------------------------------
def is_numeric_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a Tensor of a numeric dtype (not bool or string)."""
    return isinstance(tensor, Tensor) and (tensor.dtype.is_floating or tensor.dtype.is_integer)


def is_tensor(x: Any) -> bool:
    """Whether ``x`` is a tensor-like graph value (Tensor, Variable, IndexedSlices)."""
    return isinstance(x, (Tensor, IndexedSlices)) or hasattr(x, "_tflite_as_tensor")


def is_symbolic_tensor(tensor: Any) -> bool:
    """Whether ``tensor`` is a graph (symbolic) tensor: always so for a Tensor here."""
    return isinstance(tensor, Tensor)


# ---- EnsureShape ---------------------------------------------------------------------------------
def _ensure_shape_fn(op: Operation, in_shapes: list, value_of: Any) -> list:
    want = op.get_attr("shape")
    got = in_shapes[0]
    if at_run_time(value_of):  # a plan's concrete shape: TF's kernel check
        if not got.is_compatible_with(want):
            raise ValueError(
                f"Shape of tensor {op._inputs[0].op.name} {shape_str(got)} is not compatible "
                f"with expected shape {shape_str(want)}.\n\t [[node {op.name}]]"
            )
        return [got]
    try:
        return [got.merge_with(want)]
    except ValueError:
        raise shape_error(
            "EnsureShape",
            op.name,
            f"Shapes {shape_str(want)} and {shape_str(got)} are not compatible",
            in_shapes,
        ) from None


register_op("EnsureShape", _ensure_shape_fn, "copy", kind=OpKind.ALIAS)


@RegisterGradient("EnsureShape")
def _ensure_shape_grad(op, grad):
    # identity
    return [grad]


def ensure_shape(x: TensorLike, shape: Any, name: str | None = None) -> Tensor:
    """``x`` with static shape merged with ``shape``: a ValueError at graph build when they
    are incompatible, an InvalidArgumentError when the run-time shape is."""
    t = convert_to_tensor(x, name="x")
    want = shape if isinstance(shape, TensorShape) else TensorShape(shape)
    return t.graph.create_op(
        "EnsureShape", [t], [t.dtype], {"shape": want}, name or "EnsureShape"
    ).outputs[0]
