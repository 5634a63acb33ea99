"""``tf.import_graph_def``'s reading of TF's fused LSTM over a sequence: ``BlockLSTM`` is our
``LSTMBlockSequence`` and ``BlockLSTMGrad`` our ``LSTMBlockSequenceGrad`` (``nn/lstm_ops.py``:
the same gate layout i, c, f, o and ``forget_bias``), so that the sequences ``lstm_forms``
writes keep their one-op kernels when read back here, and TF's own ``LSTMBlockFusedCell``
graphs load.

Our ops keep the activated gates joined (``[T, B, 4H]``): ``BlockLSTM``'s ``i``, ``ci``, ``f``,
``o`` are the parts of a ``Split`` of them (a ``ConcatV2`` of the parts in order is read as the
joined tensor itself: ``import_read.joined_split``), and ``BlockLSTMGrad`` takes the tensor the
parts come from. Steps past ``seq_len_max`` (a value below x's length) are zeros in ``cs`` and
``h``, as TF's kernel writes them, and get no gradient. Peepholes and ``cell_clip`` > 0 are not
supported (a ``ValueError`` naming the node); nor is ``BlockLSTMV2`` (gates i, f, c, o).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from . import dtypes as _dt
from .import_read import Read, const, joined_split


def _check(node: Any) -> None:
    a = node.attrs
    if a.get("use_peephole") or float(a.get("cell_clip", 0.0)) > 0:
        raise ValueError(
            f"Node '{node.name}': {node.type} with peepholes or cell_clip > 0 is not supported "
            "by tflite_core"
        )


def _full_length(seq_len_max: Any, x: Any) -> bool:
    """Whether ``seq_len_max`` is known to be x's number of steps."""
    op = seq_len_max.op
    steps = x.shape.as_list()[0] if x.shape.ndims == 3 else None
    if op.type != "Const" or steps is None:
        return False
    return int(np.asarray(op._attrs["value"])) == steps


def _step_mask(node: Any, make: Callable, seq_len_max: Any, x: Any):
    """``[T, 1, 1]``: whether each step is below ``seq_len_max`` (None: all are)."""
    if _full_length(seq_len_max, x):
        return None
    n, i64 = node.name, _dt.int64
    steps = make("ReductionSize", [x], [i64], {"axis": [0], "T": i64}, f"{n}/steps").outputs[0]
    zero, one = const(make, f"{n}/zero", 0, i64), const(make, f"{n}/one", 1, i64)
    t = make("Range", [zero, steps, one], [i64], {"Tidx": i64}, f"{n}/t").outputs[0]
    valid = make("Less", [t, seq_len_max], [_dt.bool], {}, f"{n}/valid").outputs[0]
    dims = const(make, f"{n}/mask_shape", [-1, 1, 1], _dt.int32)
    return make("Reshape", [valid, dims], [_dt.bool], {}, f"{n}/mask").outputs[0]


def _masked(make: Callable, mask: Any, t: Any, name: str):
    if mask is None:
        return t
    zero = const(make, f"{name}/zero", 0, t.dtype)
    return make("SelectV2", [mask, t, zero], [t.dtype], {}, name).outputs[0]


def _block_lstm(node: Any, make: Callable):
    _check(node)
    seq_len_max, x, cs_prev, h_prev, w, _wci, _wcf, _wco, b = node.inputs
    dt, n = x.dtype, node.name
    attrs = {"forget_bias": float(node.attrs.get("forget_bias", 1.0))}
    seq = make("LSTMBlockSequence", [x, cs_prev, h_prev, w, b], [dt] * 5, attrs, n)
    c, h, act, tanh_c, _ = seq.outputs
    mask = _step_mask(node, make, seq_len_max, x)
    c, h = _masked(make, mask, c, f"{n}/cs"), _masked(make, mask, h, f"{n}/h")
    split_attrs = {"axis": 2, "num_split": 4, "size_splits": [0] * 4}
    i, ci, f, o = make("Split", [act], [dt] * 4, split_attrs, f"{n}/gates").outputs
    return Read(seq, [i, c, f, o, ci, tanh_c, h])


def _gates(node: Any, make: Callable, i: Any, ci: Any, f: Any, o: Any):
    """The activated gates joined (i, ci, f, o along the last axis)."""
    joined = joined_split([i, ci, f, o])
    if joined is not None and joined[1] == 2:
        return joined[0]
    attrs = {"axis": 2}
    return make("ConcatV2", [i, ci, f, o], [i.dtype], attrs, f"{node.name}/gates").outputs[0]


def _block_lstm_grad(node: Any, make: Callable):
    _check(node)
    seq_len_max, x, cs_prev, h_prev, w, wci, _wcf, _wco, _b = node.inputs[:9]
    i, cs, f, o, ci, co, h, cs_grad, h_grad = node.inputs[9:]
    dt, n = x.dtype, node.name
    mask = _step_mask(node, make, seq_len_max, x)
    cs_grad = _masked(make, mask, cs_grad, f"{n}/cs_grad")
    h_grad = _masked(make, mask, h_grad, f"{n}/h_grad")
    act = _gates(node, make, i, ci, f, o)
    ins = [x, cs_prev, h_prev, w, cs, h, act, co, cs_grad, h_grad]
    grad = make("LSTMBlockSequenceGrad", ins, [dt] * 7, {}, n)
    d_x, d_c0, d_h0, d_w, d_b = grad.outputs[:5]
    shape = make("Shape", [wci], [_dt.int32], {"out_type": _dt.int32}, f"{n}/peephole_shape")
    zero = const(make, f"{n}/zero", 0, dt)
    peep = make("Fill", [shape.outputs[0], zero], [dt], {}, f"{n}/peephole_grad").outputs[0]
    return Read(grad, [d_x, d_c0, d_h0, d_w, peep, peep, peep, d_b])


LSTM_READERS: dict[str, Callable[[Any, Callable], Any]] = {
    "BlockLSTM": _block_lstm,
    "BlockLSTMGrad": _block_lstm_grad,
}
