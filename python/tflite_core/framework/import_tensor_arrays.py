"""TF's ``TensorArrayV3`` ops in an imported ``GraphDef``, read as our dense TensorArrays.

TF's TensorArray is a resource (``handle``) plus a scalar ``flow`` that orders its reads and
writes; ours (``ops/tensor_array_ops.py``) is a value: its flow *is* the array,
``[size, *element_shape]``. So an imported ``TensorArrayV3`` gives its size as the handle and a
zero array as the flow, and every op reading a flow reads the array: ``TensorArrayWriteV3`` and
``ScatterV3`` are our ``TensorArrayWrite``/``Scatter`` (a new flow), ``ReadV3`` our
``TensorArrayRead``, ``GatherV3`` a ``GatherV2`` of rows, ``SizeV3`` the size, ``CloseV3`` a
``NoOp``. A TensorArray whose element shape is not fully known starts as a *lazy* flow (zero
rows): its first write or scatter shapes it, and a ``While`` it enters as a loop variable shapes
it from its body (``zero_init``), as ``tf.TensorArray`` in ``tf.while_loop``. Dynamic sizes are
not supported (an error naming the node).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes as _dt
from .tensor_shape import TensorShape, as_shape

# a lazy flow (a TensorArray of unknown element shape, unwritten) -> its size
_LAZY: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def is_lazy(flow: Any) -> bool:
    """Whether ``flow`` is an unwritten TensorArray whose element shape is unknown."""
    return flow in _LAZY


def _const(make: Callable, name: str, value: Any, dtype: _dt.DType):
    arr = np.asarray(value, dtype.np)
    return make("Const", [], [dtype], {"value": arr, "dtype": dtype}, name).outputs[0]


def _zeros(node: Any, make: Callable, size, tail, dtype: _dt.DType):
    """Zeros of shape ``[size, *tail]`` (``tail``: an int32 vector tensor)."""
    n = node.name
    zero_ax = _const(make, f"{n}/zeros/axis", 0, _dt.int32)
    rows = make("ExpandDims", [size, zero_ax], [_dt.int32], {"Tdim": _dt.int32}, f"{n}/zeros/rows")
    dims = make(
        "ConcatV2", [rows.outputs[0], tail], [_dt.int32], {"axis": 0}, f"{n}/zeros/shape"
    ).outputs[0]
    zero = _const(make, f"{n}/zeros/value", 0, dtype)
    return make("Fill", [dims, zero], [dtype], {}, f"{n}/zeros").outputs[0]


def _shape_of(node: Any, make: Callable, x, drop_first: bool):
    n = node.name
    s = make("Shape", [x], [_dt.int32], {"out_type": _dt.int32}, f"{n}/zeros/value_shape")
    s = s.outputs[0]
    if not drop_first:
        return s
    begin = _const(make, f"{n}/zeros/begin", [1], _dt.int32)
    size = _const(make, f"{n}/zeros/size", [-1], _dt.int32)
    tail = make("Slice", [s, begin, size], [_dt.int32], {"Index": _dt.int32}, f"{n}/zeros/tail")
    return tail.outputs[0]


def _tensor_array(node: Any, make: Callable):
    (size,) = node.inputs
    a = node.attrs
    if a.get("dynamic_size"):
        raise ValueError(
            f"Node '{node.name}': a TensorArray of dynamic size is not supported by tflite_core"
        )
    dtype = _dt.as_dtype(a["dtype"])
    elem = as_shape(a.get("element_shape", TensorShape(None)))
    if elem.is_fully_defined():
        tail = _const(make, f"{node.name}/element_shape", elem.as_list(), _dt.int32)
        flow = _zeros(node, make, size, tail, dtype)
    else:
        flow = _const(make, f"{node.name}/unwritten", np.zeros([0]), dtype)
    op = make("IdentityN", [size, flow], [_dt.int32, dtype], {"T": [_dt.int32, dtype]}, node.name)
    if not elem.is_fully_defined():
        _LAZY[op.outputs[1]] = op.outputs[0]
    return op


def _rows_unknown(flow) -> bool:
    return flow.shape.rank is None or flow.shape.as_list()[0] is None


def _write(op_type: str):
    """``TensorArrayWriteV3`` (handle, index, value, flow) and ``ScatterV3`` (handle, indices,
    values, flow): the flow with those rows set."""

    def read(node: Any, make: Callable):
        size, index, value, flow = node.inputs
        if is_lazy(flow):
            tail = _shape_of(node, make, value, drop_first=op_type == "TensorArrayScatter")
            flow = _zeros(node, make, size, tail, flow.dtype)
        extra = [size] if _rows_unknown(flow) else []
        return make(op_type, [flow, index, value, *extra], [flow.dtype], {}, node.name)

    return read


def _read(node: Any, make: Callable):
    _, index, flow = node.inputs
    if is_lazy(flow):
        raise ValueError(
            f"Node '{node.name}': reads a TensorArray of unknown element shape that nothing "
            "was written to"
        )
    return make("TensorArrayRead", [flow, index], [flow.dtype], {}, node.name)


def _gather(node: Any, make: Callable):
    size, indices, flow = node.inputs
    if is_lazy(flow):
        elem = as_shape(node.attrs.get("element_shape", TensorShape(None)))
        if not elem.is_fully_defined():
            raise ValueError(
                f"Node '{node.name}': gathers from a TensorArray of unknown element shape that "
                "nothing was written to"
            )
        tail = _const(make, f"{node.name}/element_shape", elem.as_list(), _dt.int32)
        flow = _zeros(node, make, size, tail, flow.dtype)
    axis = _const(make, f"{node.name}/axis", 0, _dt.int32)
    attrs = {"Tparams": flow.dtype, "Tindices": indices.dtype, "Taxis": _dt.int32}
    return make("GatherV2", [flow, indices, axis], [flow.dtype], attrs, node.name)


def _size(node: Any, make: Callable):
    return make("Identity", node.inputs[:1], [_dt.int32], {}, node.name)


def _close(node: Any, make: Callable):
    return make("NoOp", [], [], {}, node.name)


TENSOR_ARRAY_READERS: dict[str, Callable[[Any, Callable], Any]] = {
    "TensorArrayV3": _tensor_array,
    "TensorArrayWriteV3": _write("TensorArrayWrite"),
    "TensorArrayScatterV3": _write("TensorArrayScatter"),
    "TensorArrayReadV3": _read,
    "TensorArrayGatherV3": _gather,
    "TensorArraySizeV3": _size,
    "TensorArrayCloseV3": _close,
}
