"""``tf.TensorArray``: a list of same-shaped tensors carried through ``tf.while_loop``.

It is stored densely: its *flow* is one tensor of shape ``[size, *element_shape]``, and ``write``
makes a new flow with one row replaced (TF 2's TensorList semantics, which TF 1.x programs get from
``tf.compat.v1``: unwritten rows read as zeros, a TensorArray may be read any number of times). In a
loop body the plan writes the row into the loop variable's own buffer. The element shape is
inferred from what is written when it is not given; a TensorArray whose element shape is still
unknown when it enters a loop is shaped by the loop's body when the plan compiles.

>>> ta = tf.TensorArray(tf.float32, size=3)
>>> ta = ta.write(0, [1.0, 2.0]).write(2, [5.0, 6.0])
>>> with tf.Session() as sess:
...     sess.run(ta.stack()).tolist()
[[1.0, 2.0], [0.0, 0.0], [5.0, 6.0]]
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope
from ..framework.op_util import make_tensor
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from .array_ops import concat, expand_dims, fill, identity, reshape, shape
from .control_flow_ops import no_op
from .indexing_ops import IndexedSlices, gather


def _rows(op, flow, value_of, size_input):
    rows = flow.as_list()[0] if flow.rank else None
    if rows is None and len(op._inputs) > size_input:
        v = value_of(size_input)
        if v is not None:
            rows = int(v)
    return rows


def _write_shape(op, in_shapes, value_of):
    flow, value = in_shapes[0], in_shapes[2]
    elem = flow[1:] if flow.rank is not None else TensorShape(None)
    elem = elem.merge_with(value) if value.rank is not None or elem.rank is None else elem
    return [TensorShape([_rows(op, flow, value_of, 3)]).concatenate(elem)]


def _scatter_shape(op, in_shapes, value_of):
    flow, value = in_shapes[0], in_shapes[2]
    elem = flow[1:] if flow.rank is not None else TensorShape(None)
    if value.rank is not None:
        elem = elem.merge_with(value[1:])
    return [TensorShape([_rows(op, flow, value_of, 3)]).concatenate(elem)]


def _read_shape(op, in_shapes, value_of):
    flow = in_shapes[0]
    return [flow[1:] if flow.rank is not None else TensorShape(None)]


def _same_as_flow(op, in_shapes, value_of):
    return [in_shapes[0]]


register_op(
    "TensorArrayWrite",
    _write_shape,
    "ta_write",
    kernel_inputs=(0, 1, 2),
    value_inputs=(3,),
    inplace=0,
)
register_op(
    "TensorArrayScatter",
    _scatter_shape,
    "ta_scatter",
    kernel_inputs=(0, 1, 2),
    value_inputs=(3,),
    inplace=0,
)
register_op("TensorArrayRead", _read_shape, "ta_read")
register_op("TensorArrayZeroRows", _same_as_flow, "ta_zero_rows", inplace=0)
register_op("TensorArrayAddRows", _same_as_flow, "ta_add_rows", inplace=0)


@RegisterGradient("TensorArrayWrite")
def _write_grad(op, grad):
    index = op._inputs[1]
    row = read_row(grad, index)  # made first, so that it runs before the rows are zeroed in place
    return [zero_rows(grad, index), None, row, None][: len(op._inputs)]


@RegisterGradient("TensorArrayScatter")
def _scatter_grad(op, grad):
    indices = op._inputs[1]
    rows = gather(grad, indices)  # made first: it runs before the rows are zeroed in place
    return [zero_rows(grad, indices), None, rows, None][: len(op._inputs)]


@RegisterGradient("TensorArrayRead")
def _read_grad(op, grad):
    flow, index = op._inputs
    dims = shape(flow)
    return [IndexedSlices(expand_dims(grad, 0), reshape(index, [1]), dims, dims[0]), None]


@RegisterGradient("TensorArrayZeroRows")
def _zero_rows_grad(op, grad):
    return [zero_rows(grad, op._inputs[1]), None]


@RegisterGradient("TensorArrayAddRows")
def _add_rows_grad(op, grad):
    return [grad, None, gather(grad, op._inputs[1])]


def read_row(flow: Tensor, index: Any, name: str | None = None) -> Tensor:
    index = convert_to_tensor(index, name="index")
    return make_tensor(
        "TensorArrayRead", [flow, index], flow.dtype, None, name or "TensorArrayRead"
    )


def zero_rows(flow: Tensor, indices: Any) -> Tensor:
    indices = convert_to_tensor(indices)
    return make_tensor(
        "TensorArrayZeroRows", [flow, indices], flow.dtype, None, "TensorArrayZeroRows"
    )


def add_rows(flow: Tensor, indices: Any, rows: Tensor) -> Tensor:
    """``flow`` with ``rows`` added at ``indices`` (a read's gradient summed into a dense one)."""
    indices = convert_to_tensor(indices)
    return make_tensor(
        "TensorArrayAddRows", [flow, indices, rows], flow.dtype, None, "TensorArrayAddRows"
    )


class TensorArray:
    """A list of tensors of one dtype and one shape, written and read by index (in loops)."""

    def __init__(
        self,
        dtype: Any,
        size: Any = None,
        dynamic_size: bool | None = None,
        clear_after_read: bool | None = None,
        tensor_array_name: str | None = None,
        handle: Any = None,
        flow: Tensor | None = None,
        infer_shape: bool = True,
        element_shape: Any = None,
        colocate_with_first_write_call: bool = True,
        name: str | None = None,
    ) -> None:
        if handle is not None:
            raise ValueError("TensorArray handles are not supported; pass flow instead")
        if size is None and flow is None:
            raise ValueError("Size must be provided if handle is not provided")
        self._dtype = _dt.as_dtype(dtype)
        self._dynamic_size = bool(dynamic_size)
        self._infer_shape = infer_shape
        self._element_shape = (
            TensorShape(None) if element_shape is None else as_shape(element_shape)
        )
        with name_scope(name, "TensorArray", [] if size is None else [size]) as scope:
            self._name = scope
            if flow is not None:
                flow = convert_to_tensor(flow)
                self._size = shape(flow)[0] if size is None else convert_to_tensor(size, _dt.int32)
                if flow.shape.rank:
                    self._element_shape = self._element_shape.merge_with(flow.shape[1:])
            else:
                self._size = convert_to_tensor(size, _dt.int32, name="size")
                if self._size.shape.rank not in (None, 0):
                    raise ValueError(f"size must be a scalar, got shape {self._size.shape}")
                if self._element_shape.is_fully_defined():
                    flow = self._zeros(self._element_shape.as_list())
        self._flow = flow

    # -- what it is ------------------------------------------------------------------------------
    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    @property
    def dynamic_size(self) -> bool:
        return self._dynamic_size

    @property
    def element_shape(self) -> TensorShape:
        return self._element_shape

    @property
    def flow(self) -> Tensor:
        """The tensor holding the elements, ``[size, *element_shape]``."""
        return self._as_flow()

    @property
    def handle(self) -> Tensor:
        return self._as_flow()

    def _static_size(self) -> int | None:
        v = constant_value(self._size)
        return None if v is None else int(v)

    def _zeros(self, elem_dims) -> Tensor:
        dims = (
            concat([reshape(self._size, [1]), elem_dims], 0)
            if isinstance(elem_dims, Tensor)
            else [self._size, *elem_dims]
        )
        return fill(dims, convert_to_tensor(0, dtype=self._dtype), name="TensorArrayZeros")

    def _as_flow(self) -> Tensor:
        if self._flow is None:
            raise ValueError(
                f"TensorArray {self._name} has an unknown element shape and nothing was written "
                "to it; give element_shape"
            )
        return self._flow

    def _with_flow(self, flow: Tensor) -> TensorArray:
        ta = TensorArray.__new__(TensorArray)
        ta._dtype, ta._dynamic_size, ta._infer_shape = (
            self._dtype,
            self._dynamic_size,
            self._infer_shape,
        )
        ta._name, ta._size = self._name, self._size
        ta._element_shape = self._element_shape
        if flow.shape.rank:
            ta._element_shape = ta._element_shape.merge_with(flow.shape[1:])
        ta._flow = flow
        return ta

    def _lazy_invariant(self) -> TensorShape:
        """The flow's static shape while its element shape is unknown (a loop shapes it)."""
        return TensorShape([self._static_size()]).concatenate(self._element_shape)

    def _merge_element_shape(self, s: TensorShape) -> None:
        if not self._infer_shape:
            return
        if not self._element_shape.is_compatible_with(s):
            raise ValueError(
                f"Inconsistent shapes: saw {s} but expected {self._element_shape} "
                "(and infer_shape=True)"
            )
        self._element_shape = self._element_shape.merge_with(s)

    def _check_dtype(self, value: Tensor) -> None:
        if value.dtype != self._dtype:
            raise TypeError(
                f"TensorArray dtype is {self._dtype.name} but Op is trying to write dtype "
                f"{value.dtype.name} "
            )

    def _value(self, value: Any, name: str) -> Tensor:
        if isinstance(value, Tensor):
            self._check_dtype(value)
            return value
        return convert_to_tensor(value, dtype=self._dtype, name=name)

    # -- reading and writing ---------------------------------------------------------------------
    def read(self, index: Any, name: str | None = None) -> Tensor:
        """Element ``index`` (zeros where nothing was written)."""
        out = read_row(self._as_flow(), index, name)
        out.set_shape(self._element_shape)
        return out

    def write(self, index: Any, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with element ``index`` set to ``value``."""
        with name_scope(name, "TensorArrayWrite", [index, value]):
            value = self._value(value, "value")
            self._merge_element_shape(value.shape)
            extra = []
            flow = self._flow
            if flow is None:
                flow = self._zeros(shape(value))
            if flow.shape.rank is None or flow.shape.as_list()[0] is None:
                extra = [self._size]
            index = convert_to_tensor(index, name="index")
            out = make_tensor(
                "TensorArrayWrite",
                [flow, index, value, *extra],
                self._dtype,
                None,
                "TensorArrayWrite",
            )
            return self._with_flow(out)

    def stack(self, name: str | None = None) -> Tensor:
        """All elements, stacked: ``[size, *element_shape]``."""
        with name_scope(name, "TensorArrayStack", [self._flow] if self._flow is not None else []):
            if self._flow is None and self._element_shape.is_fully_defined():
                return self._zeros(self._element_shape.as_list())
            return identity(self._as_flow(), name="TensorArrayStack")

    def gather(self, indices: Any, name: str | None = None) -> Tensor:
        return gather(self._as_flow(), indices, name=name or "TensorArrayGather")

    def concat(self, name: str | None = None) -> Tensor:
        """The elements concatenated along their first dimension."""
        flow = self._as_flow()
        with name_scope(name, "TensorArrayConcat", [flow]):
            s = shape(flow)
            return reshape(flow, concat([reshape(s[0] * s[1], [1]), s[2:]], 0))

    def unstack(self, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray whose elements are the rows of ``value``."""
        with name_scope(name, "TensorArrayUnstack", [value]):
            value = self._value(value, "value")
            if value.shape.rank is not None:
                if value.shape.rank == 0:
                    raise ValueError("Shape must be at least rank 1 but is rank 0")
                self._merge_element_shape(value.shape[1:])
            ta = self._with_flow(identity(value))
            ta._size = shape(value)[0]
            return ta

    def scatter(self, indices: Any, value: Any, name: str | None = None) -> TensorArray:
        """A TensorArray with elements ``indices[i]`` set to ``value[i]``."""
        with name_scope(name, "TensorArrayScatter", [indices, value]):
            value = self._value(value, "value")
            if value.shape.rank:
                self._merge_element_shape(value.shape[1:])
            flow = self._flow
            if flow is None:
                flow = self._zeros(shape(value)[1:])
            extra = (
                [self._size] if flow.shape.rank is None or flow.shape.as_list()[0] is None else []
            )
            indices = convert_to_tensor(indices, name="indices")
            out = make_tensor(
                "TensorArrayScatter",
                [flow, indices, value, *extra],
                self._dtype,
                None,
                "TensorArrayScatter",
            )
            return self._with_flow(out)

    def split(self, value: Any, lengths: Any, name: str | None = None) -> TensorArray:
        """A TensorArray whose elements are consecutive pieces of ``value`` (``lengths`` equal:
        the dense storage keeps one element shape)."""
        with name_scope(name, "TensorArraySplit", [value, lengths]):
            value = self._value(value, "value")
            known = constant_value(convert_to_tensor(lengths))
            if known is None:
                raise ValueError("TensorArray.split needs lengths known when the graph is built")
            ls = [int(x) for x in known.reshape(-1)]
            if len(set(ls)) > 1:
                raise ValueError(
                    f"TensorArray.split with unequal lengths {ls}: elements must share one shape"
                )
            n = len(ls)
            piece = ls[0] if ls else 0
            rest = shape(value)[1:]
            flow = reshape(value, concat([[n, piece], rest], 0))
            ta = self._with_flow(flow)
            ta._size = convert_to_tensor(n, _dt.int32)
            return ta

    def size(self, name: str | None = None) -> Tensor:
        if self._flow is not None and self._flow.shape.rank:
            return identity(shape(self._flow)[0], name=name or "TensorArraySize")
        return identity(self._size, name=name or "TensorArraySize")

    def identity(self) -> TensorArray:
        return self._with_flow(identity(self._as_flow()))

    def close(self, name: str | None = None) -> Any:
        return no_op(name=name or "TensorArrayClose")
