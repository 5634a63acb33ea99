"""TensorArray row kernels (``cpp/tensor_array.cc``): a TensorArray's flow is ``[size, ...]``;
``ta_write`` (flow, index, row), ``ta_read`` (flow, index), ``ta_scatter`` (flow, indices, rows),
``ta_zero_rows`` (flow, indices), ``ta_add_rows`` (flow, indices, rows; float) return the flow with
those rows set, zeroed or added (``ta_read``: the row). Indices are checked against ``size``.
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel


def _index(op, ix, rows, verb):
    if ix.dtype not in (np.int32, np.int64):
        raise KernelError(f"[{op}] indices must be int32 or int64, got {ix.dtype}")
    for i in ix.reshape(-1):
        if not 0 <= int(i) < rows:
            raise KernelError(f"[{op}] Tried to {verb} index {int(i)} but array size is: {rows}")
    return [int(i) for i in ix.reshape(-1)]


def _flow(op, flow, out):
    if flow.ndim < 1:
        raise KernelError(f"[{op}] the TensorArray's flow must have rank >= 1")
    if flow.dtype != out.dtype or flow.shape != out.shape:
        raise KernelError(f"[{op}] shape mismatch")
    out[...] = flow


@_kernel("ta_write")
def _write(inputs, outputs, ints, floats):
    flow, index, value = inputs
    _flow("TensorArrayWrite", flow, outputs[0])
    if value.dtype != flow.dtype or value.size != int(np.prod(flow.shape[1:])):
        raise KernelError("[TensorArrayWrite] Could not write to TensorArray: value mismatch")
    if index.size != 1:
        raise KernelError("[TensorArrayWrite] index must be a scalar")
    (i,) = _index("TensorArrayWrite", index, flow.shape[0], "write to")
    outputs[0][i] = value.reshape(flow.shape[1:])


@_kernel("ta_read")
def _read(inputs, outputs, ints, floats):
    flow, index = inputs
    if flow.ndim < 1:
        raise KernelError("[TensorArrayRead] the TensorArray's flow must have rank >= 1")
    if index.size != 1:
        raise KernelError("[TensorArrayRead] index must be a scalar")
    (i,) = _index("TensorArrayRead", index, flow.shape[0], "read from")
    outputs[0][...] = flow[i].reshape(outputs[0].shape)


@_kernel("ta_scatter")
def _scatter(inputs, outputs, ints, floats):
    flow, indices, values = inputs
    _flow("TensorArrayScatter", flow, outputs[0])
    n = indices.size
    if values.dtype != flow.dtype or values.ndim < 1 or values.shape[0] != n:
        raise KernelError("[TensorArrayScatter] values do not match the indices")
    for k, i in enumerate(_index("TensorArrayScatter", indices, flow.shape[0], "write to")):
        outputs[0][i] = values[k].reshape(flow.shape[1:])


@_kernel("ta_zero_rows")
def _zero_rows(inputs, outputs, ints, floats):
    flow, indices = inputs
    _flow("TensorArrayZeroRows", flow, outputs[0])
    for i in _index("TensorArrayZeroRows", indices, flow.shape[0], "write to"):
        outputs[0][i] = 0


@_kernel("ta_add_rows")
def _add_rows(inputs, outputs, ints, floats):
    flow, indices, values = inputs
    _flow("TensorArrayAddRows", flow, outputs[0])
    if flow.dtype.kind != "f" or values.dtype != flow.dtype:
        raise KernelError("[TensorArrayAddRows] dtype must be float32 or float64")
    idx = _index("TensorArrayAddRows", indices, flow.shape[0], "write to")
    if values.size != len(idx) * int(np.prod(flow.shape[1:])):
        raise KernelError("[TensorArrayAddRows] values do not match the indices")
    rows = values.reshape((len(idx), *flow.shape[1:]))
    for k, i in enumerate(idx):
        outputs[0][i] += rows[k]
