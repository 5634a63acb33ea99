"""A tflite_core graph as a TFLite model: the ops between the given inputs and outputs, each
mapped to a TFLite builtin (``OPS``), the rest folded into constants.

What reaches the outputs without depending on an input (weights, variables read through the
session, shape arithmetic) is evaluated once by the session and stored as a buffer, as TF's
converter freezes and folds. Convolutions and matrix products take TFLite's layouts (filters
OHWI, depthwise filters 1HW(C*M), fully connected weights [out, in]) and, as TF's converter
does, absorb a following bias add and ReLU / ReLU6 into their fused activation. An op type
without a builtin here raises ConverterError naming the op."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..framework import dtypes as _dt
from ..framework.graph_def_forms import spec_bounds
from .builtin_ops import TENSOR_TYPE_OF
from .flatbuffer_writer import OutModel, OutOperator, OutTensor

_PADDING = {"SAME": 0, "VALID": 1}


class ConverterError(Exception):
    """The graph cannot be converted (TF's ``tf.lite.ConverterError`` raises here too)."""


class _Converter:
    def __init__(self, sess: Any, inputs: list, outputs: list):
        self.sess = sess
        self.tensors: list[OutTensor] = []
        self.buffers: list[bytes] = [b""]
        self.operators: list[OutOperator] = []
        self.codes: dict[int, int] = {}
        self.opcodes: list[tuple[int, int]] = []
        self.index: dict[Any, int] = {}
        self.inputs, self.outputs = inputs, outputs
        self.outputs_set = set(outputs)
        self.live = _downstream(inputs)

    # ---- tensors ---------------------------------------------------------------------------
    def _add_tensor(self, name: str, dtype: Any, shape: list, buffer: int = 0) -> int:
        dt = np.dtype(dtype)
        if dt not in TENSOR_TYPE_OF or dt == np.object_:  # (strings are not converted)
            raise ConverterError(f"tensor '{name}' has dtype {dt}, which TFLite cannot hold")
        concrete = [1 if d is None or d < 0 else int(d) for d in shape]
        signature = [-1 if d is None or d < 0 else int(d) for d in shape]
        self.tensors.append(OutTensor(name, TENSOR_TYPE_OF[dt], concrete, signature, buffer))
        return len(self.tensors) - 1

    def const(self, value: Any, name: str, dtype: Any = None) -> int:
        a = np.array(value, dtype, order="C")  # (ascontiguousarray would make 0-d 1-d)
        self.buffers.append(a.tobytes())
        return self._add_tensor(name, a.dtype, list(a.shape), len(self.buffers) - 1)

    def out(self, t: Any) -> int:
        """A new tensor for graph tensor ``t`` (an op's output)."""
        shape = t.shape.as_list() if t.shape.rank is not None else []
        if t.shape.rank is None:
            raise ConverterError(f"tensor '{t.name}' has an unknown rank")
        i = self._add_tensor(_name(t), _np(t), shape)
        self.index[t] = i
        return i

    def value(self, t: Any) -> np.ndarray | None:
        """``t``'s value when it does not depend on an input (evaluated by the session)."""
        if t in self.live:
            return None
        if t.op.type == "Const":
            return np.asarray(t.op.get_attr("value"))
        if t.op.type in ("Placeholder", "PlaceholderV2"):
            raise ConverterError(
                f"the outputs depend on placeholder '{t.op.name}', which is not an input"
            )
        return np.asarray(self.sess.run(t))

    def x(self, t: Any) -> int:
        """The model tensor of graph tensor ``t`` (a constant, or an earlier op's output)."""
        if t in self.index:
            return self.index[t]
        v = self.value(t)
        if v is None:
            raise ConverterError(f"tensor '{t.name}' is used before it is computed")
        i = self.const(v, _name(t))
        self.index[t] = i
        return i

    # ---- operators -------------------------------------------------------------------------
    def emit(
        self,
        code: int,
        ins: list[int],
        outs: list[int],
        options_type: int = 0,
        options: list | None = None,
        version: int = 1,
    ) -> None:
        if code not in self.codes:
            self.codes[code] = len(self.opcodes)
            self.opcodes.append((code, version))
        self.operators.append(
            OutOperator(self.codes[code], ins, outs, options_type, list(options or []))
        )

    def only_consumer(self, t: Any, types: tuple) -> Any:
        """The op reading ``t`` when it is the only one and of one of ``types``."""
        users = t.consumers()
        if len(users) == 1 and users[0].type in types and t not in self.outputs_set:
            return users[0]
        return None

    def fused_tail(self, t: Any, channels: int | None) -> tuple[Any, Any, int, set]:
        """A bias add and an activation after ``t`` that a conv / fully connected op absorbs:
        (bias value or None, the last tensor absorbed, activation code, the ops absorbed)."""
        bias, last, act, absorbed = None, t, 0, set()
        add = self.only_consumer(t, ("Add", "AddV2", "BiasAdd"))
        if add is not None:
            v = self.value(_other(add, t))
            if v is not None and v.ndim == 1 and v.shape[0] == channels and v.dtype == np.float32:
                bias, last = v, add.outputs[0]
                absorbed.add(add)
        relu = self.only_consumer(last, ("Relu", "Relu6"))
        if relu is not None:
            last, act = relu.outputs[0], 1 if relu.type == "Relu" else 3
            absorbed.add(relu)
            six = self.only_consumer(last, ("Minimum",)) if act == 1 else None
            if six is not None:
                v = self.value(_other(six, last))
                if v is not None and v.size == 1 and float(v.reshape(-1)[0]) == 6.0:
                    last, act = six.outputs[0], 3
                    absorbed.add(six)
        return bias, last, act, absorbed

    def run(self) -> OutModel:
        outputs = self.outputs
        for t in self.inputs:
            if t.op.type not in ("Placeholder", "PlaceholderV2", "PlaceholderWithDefault"):
                raise ConverterError(f"input '{t.name}' is not a placeholder")
            self.out(t)
        absorbed: set = set()
        needed = _needed_ops(outputs, self.live, self.inputs)
        self.needed = set(needed)
        for op in needed:
            if op in absorbed:
                continue
            build = OPS.get(op.type)
            if build is None:
                raise ConverterError(
                    f"op '{op.name}' of type {op.type} has no TFLite builtin in tflite_core's "
                    "converter"
                )
            done = build(self, op)
            if done:
                absorbed |= done
        outs = []
        for t in outputs:
            if t not in self.index:
                self.x(t)  # (an output that is a constant)
            outs.append(self.index[t])
            self.tensors[self.index[t]].name = _name(t)
        return OutModel(
            self.tensors,
            self.operators,
            self.opcodes,
            [self.index[t] for t in self.inputs],
            outs,
            self.buffers,
        )


def _other(op: Any, t: Any) -> Any:
    """The operand of binary ``op`` that is not ``t``."""
    return op.inputs[1] if op.inputs[0] is t else op.inputs[0]


def _name(t: Any) -> str:
    """A model tensor's name: its op's for a first output (``probs``), else ``op:k``."""
    return t.op.name if t.value_index == 0 else t.name


def _np(t: Any) -> Any:
    return np.dtype(t.dtype.as_numpy_dtype)


def _downstream(inputs: list) -> set:
    """The tensors that depend on any of ``inputs``."""
    live, stack = set(inputs), list(inputs)
    while stack:
        t = stack.pop()
        for op in t.consumers():
            for o in op.outputs:
                if o not in live:
                    live.add(o)
                    stack.append(o)
    return live


def _needed_ops(outputs: list, live: set, inputs: list) -> list:
    """The ops computing ``outputs`` from the inputs, in an order that runs (creation order).
    (An LSTM sequence's initial state, zeros, becomes TFLite's state variables: not needed.)"""
    need, stack = set(), [t for t in outputs if t in live and t not in inputs]
    while stack:
        op = stack.pop().op
        if op in need:
            continue
        need.add(op)
        read = op.inputs if op.type != "LSTMBlockSequence" else op.inputs[:1] + op.inputs[3:]
        stack.extend(t for t in read if t in live and t not in inputs)
    return sorted(need, key=lambda op: op._id)


# ---- the op table ----------------------------------------------------------------------------
def _pair(v: Any, what: str) -> tuple[int, int]:
    v = list(v)
    if len(v) != 4 or v[0] != 1 or v[3] != 1:
        raise ConverterError(f"{what} {v}: TFLite takes [1, h, w, 1]")
    return int(v[1]), int(v[2])


def _conv(c: _Converter, op: Any) -> set:
    x, w = op.inputs
    kernel = c.value(w)
    if kernel is None:
        raise ConverterError(f"op '{op.name}': the filter must be constant for TFLite")
    sh, sw = _pair(op.get_attr("strides"), "strides")
    dh, dw = _pair(op.get_attr("dilations") or [1, 1, 1, 1], "dilations")
    y = op.outputs[0]
    depthwise = op.type == "DepthwiseConv2dNative"
    kh, kw, cin, m = kernel.shape
    channels = cin * m if depthwise else m
    bias, last, act, absorbed = c.fused_tail(y, channels)
    # HWCM -> 1HW(C*M); HWIO -> OHWI
    filt = kernel.reshape(1, kh, kw, cin * m) if depthwise else kernel.transpose(3, 0, 1, 2)
    ins = [
        c.x(x),
        c.const(filt.astype(np.float32), f"{op.name}/filter"),
        c.const(np.zeros(channels, np.float32) if bias is None else bias, f"{op.name}/bias"),
    ]
    pad = _PADDING[op.get_attr("padding")]
    if depthwise:
        opts = [(0, "i8", pad), (1, "i32", sw), (2, "i32", sh), (3, "i32", m), (4, "i8", act)]
        opts += [(5, "i32", dw), (6, "i32", dh)]
        c.emit(4, ins, [c.out(last)], 2, opts, version=2 if (dh, dw) != (1, 1) else 1)
    else:
        opts = [(0, "i8", pad), (1, "i32", sw), (2, "i32", sh), (3, "i8", act)]
        opts += [(4, "i32", dw), (5, "i32", dh)]
        c.emit(3, ins, [c.out(last)], 1, opts)
    return absorbed


def _matmul(c: _Converter, op: Any) -> set:
    a, b = op.inputs
    w = c.value(b)
    if w is None or op.get_attr("transpose_a"):
        raise ConverterError(
            f"op '{op.name}': TFLite's FULLY_CONNECTED needs a constant right operand "
            "and no transpose_a"
        )
    weights = w if op.get_attr("transpose_b") else w.T
    y = op.outputs[0]
    bias, last, act, absorbed = c.fused_tail(y, weights.shape[0])
    ins = [
        c.x(a),
        c.const(np.ascontiguousarray(weights, np.float32), f"{op.name}/weights"),
        c.const(
            np.zeros(weights.shape[0], np.float32) if bias is None else bias, f"{op.name}/bias"
        ),
    ]
    c.emit(9, ins, [c.out(last)], 8, [(0, "i8", act)])
    return absorbed


def _pool(code: int) -> Callable:
    def build(c: _Converter, op: Any) -> None:
        fh, fw = _pair(op.get_attr("ksize"), "ksize")
        sh, sw = _pair(op.get_attr("strides"), "strides")
        pad = _PADDING[op.get_attr("padding")]
        opts = [(0, "i8", pad), (1, "i32", sw), (2, "i32", sh), (3, "i32", fw), (4, "i32", fh)]
        c.emit(code, [c.x(op.inputs[0])], [c.out(op.outputs[0])], 5, opts)

    return build


def _simple(code: int, options_type: int = 0, options: Callable | None = None) -> Callable:
    def build(c: _Converter, op: Any) -> None:
        ins = [c.x(t) for t in op.inputs]
        opts = options(op) if options else []
        c.emit(code, ins, [c.out(t) for t in op.outputs], options_type, opts)

    return build


def _with_consts(code: int, consts: Callable, options_type: int = 0, options: Any = None):
    """An op whose attribute becomes a constant input tensor (``consts(op)``: its value), or
    whose second input is that tensor already (fed or computed)."""

    def build(c: _Converter, op: Any) -> None:
        ins = [c.x(op.inputs[0])]
        if len(op.inputs) > 1:
            ins.append(_int_input(c, op.inputs[1], f"{op.name}/1"))
        else:
            values = consts(op)
            ins += [
                c.const(np.asarray(v, np.int32), f"{op.name}/{k}") for k, v in enumerate(values)
            ]
        opts = options(op) if options else []
        c.emit(code, ins, [c.out(t) for t in op.outputs], options_type, opts)

    return build


def _int_input(c: _Converter, t: Any, name: str) -> int:
    v = c.value(t)
    if v is None:
        return c.x(t)
    return c.const(np.asarray(v, np.int32), name)


def _perm(op: Any) -> list[int]:
    """A transpose's permutation (None: the axes reversed, as TF's default)."""
    perm = op.get_attr("perm")
    if perm is not None:
        return list(perm)
    rank = op.inputs[0].shape.rank
    if rank is None:
        raise ConverterError(f"op '{op.name}': a transpose of unknown rank")
    return list(range(rank))[::-1]


def _reshape(c: _Converter, op: Any) -> None:
    x, shape = op.inputs
    v = c.value(shape)
    ins = [c.x(x), _int_input(c, shape, f"{op.name}/shape")]
    opts = [(0, "i32vec", np.asarray(v, np.int32))] if v is not None else []
    c.emit(22, ins, [c.out(op.outputs[0])], 17 if opts else 0, opts)


def _reduce(code: int) -> Callable:
    def build(c: _Converter, op: Any) -> None:
        axis = op.get_attr("axis")
        if len(op.inputs) > 1:  # (the axes fed or computed)
            ins = [c.x(op.inputs[0]), _int_input(c, op.inputs[1], f"{op.name}/axes")]
        else:
            rank = op.inputs[0].shape.rank
            if axis is None and rank is None:
                raise ConverterError(f"op '{op.name}': a reduction over all axes of unknown rank")
            axes = list(range(rank)) if axis is None else list(np.reshape(axis, -1))
            ins = [c.x(op.inputs[0]), c.const(np.asarray(axes, np.int32), f"{op.name}/axes")]
        keep = bool(op.get_attr("keep_dims"))
        c.emit(code, ins, [c.out(op.outputs[0])], 27, [(0, "bool", keep)])

    return build


def _pad(c: _Converter, op: Any) -> None:
    ins = [c.x(op.inputs[0]), _int_input(c, op.inputs[1], f"{op.name}/paddings")]
    if op.type == "PadV2":
        ins.append(c.x(op.inputs[2]))
    c.emit(60 if op.type == "PadV2" else 34, ins, [c.out(op.outputs[0])], 0)


def _strided_slice(c: _Converter, op: Any) -> None:
    if len(op.inputs) != 1:
        raise ConverterError(f"op '{op.name}': slice bounds computed from tensors")
    begin, end, strides, masks = spec_bounds(op.get_attr("spec"))
    ins = [c.x(op.inputs[0])]
    for name, v in (("begin", begin), ("end", end), ("strides", strides)):
        ins.append(c.const(np.asarray(v, np.int32), f"{op.name}/{name}"))
    order = ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask")
    opts = [(k, "i32", masks[m]) for k, m in enumerate(order)]
    c.emit(45, ins, [c.out(op.outputs[0])], 32, opts)


def _concat(c: _Converter, op: Any) -> None:
    axis, values = op.get_attr("axis"), list(op.inputs)
    if axis is None:  # (the axis is the last input)
        v = c.value(values[-1])
        if v is None:
            raise ConverterError(f"op '{op.name}': a computed concat axis")
        axis, values = int(v), values[:-1]
    ins = [c.x(t) for t in values]
    c.emit(2, ins, [c.out(op.outputs[0])], 10, [(0, "i32", int(axis))])


def _split(c: _Converter, op: Any) -> None:
    sizes = op.get_attr("size_splits")
    if sizes is not None and any(sizes):
        raise ConverterError(f"op '{op.name}': uneven splits (SPLIT_V) are not converted")
    n = int(op.get_attr("num_split"))
    if len(op.inputs) > 1:  # (the axis fed or computed)
        axis = _int_input(c, op.inputs[1], f"{op.name}/axis")
    else:
        axis = c.const(np.int32(op.get_attr("axis")), f"{op.name}/axis")
    ins = [axis, c.x(op.inputs[0])]
    c.emit(49, ins, [c.out(t) for t in op.outputs], 35, [(0, "i32", n)])


def _gather(c: _Converter, op: Any) -> None:
    axis = c.value(op.inputs[2]) if len(op.inputs) > 2 else np.int32(0)
    if axis is None:
        raise ConverterError(f"op '{op.name}': a computed gather axis")
    ins = [c.x(op.inputs[0]), c.x(op.inputs[1])]
    c.emit(36, ins, [c.out(op.outputs[0])], 23, [(0, "i32", int(axis))])


def _arg(code: int, options_type: int) -> Callable:
    def build(c: _Converter, op: Any) -> None:
        if len(op.inputs) > 1:  # (the axis fed or computed)
            axis = _int_input(c, op.inputs[1], f"{op.name}/axis")
        else:
            axis = c.const(np.int32(op.get_attr("axis")), f"{op.name}/axis")
        ins = [c.x(op.inputs[0]), axis]
        out = 4 if op.outputs[0].dtype == _dt.int64 else 2
        c.emit(code, ins, [c.out(op.outputs[0])], options_type, [(0, "i8", out)])

    return build


def _is_zeros(c: _Converter, t: Any) -> bool:
    """Whether ``t`` is all zeros whatever the inputs: a constant, Fill / ZerosLike of 0, and
    sums, products, casts and identities of those (``dynamic_rnn``'s zero state)."""
    if t not in c.live:
        return not np.any(c.value(t))
    kind, ins = t.op.type, t.op.inputs
    if kind == "Fill":
        return _is_zeros(c, ins[1])
    if kind in ("Add", "AddV2", "Sub"):
        return _is_zeros(c, ins[0]) and _is_zeros(c, ins[1])
    if kind == "Mul":
        return _is_zeros(c, ins[0]) or _is_zeros(c, ins[1])
    if kind in ("Identity", "Cast", "Reshape", "Tile", "BroadcastTo", "ExpandDims"):
        return _is_zeros(c, ins[0])
    return kind == "ZerosLike"


def _lstm_sequence(c: _Converter, op: Any) -> None:
    """``LSTMBlockSequence`` as UNIDIRECTIONAL_SEQUENCE_LSTM (time-major): TF's ``[D + H, 4H]``
    kernel (i, j, f, o) split into TFLite's per-gate ``[H, D]`` / ``[H, H]`` weights (i, f, c,
    o), the forget bias added to the forget gate's bias; the zero initial state becomes the
    op's two state variables. TFLite's op outputs only the h sequence."""
    x, c0, h0, w, b = op.inputs
    kernel, bias = c.value(w), c.value(b)
    if kernel is None or bias is None:
        raise ConverterError(f"op '{op.name}': the LSTM's kernel and bias must be constant")
    if not (_is_zeros(c, c0) and _is_zeros(c, h0)):
        raise ConverterError(f"op '{op.name}': TFLite's LSTM starts from a zero state")
    for k in (0, 2, 3):
        users = [u for u in op.outputs[k].consumers() if u in c.needed]
        if users or op.outputs[k] in c.outputs_set:
            raise ConverterError(
                f"op '{op.name}': its cell states are used, but TFLite's "
                "UNIDIRECTIONAL_SEQUENCE_LSTM outputs only the h sequence"
            )
    depth, units = kernel.shape[0] - kernel.shape[1] // 4, kernel.shape[1] // 4
    gate = {g: slice(k * units, (k + 1) * units) for k, g in enumerate("ijfo")}
    forget = float(op.get_attr("forget_bias"))
    ins = [c.x(x)]
    for rows, what in ((slice(0, depth), "input"), (slice(depth, None), "recurrent")):
        for g, name in zip("ifjo", ("input", "forget", "cell", "output")):
            value = np.ascontiguousarray(kernel[rows, gate[g]].T, np.float32)
            ins.append(c.const(value, f"{op.name}/{what}_to_{name}_weights"))
    ins += [-1, -1, -1]  # peepholes
    for g, name in zip("ifjo", ("input", "forget", "cell", "output")):
        gate_bias = bias[gate[g]] + (forget if g == "f" else 0.0)
        ins.append(c.const(gate_bias.astype(np.float32), f"{op.name}/{name}_gate_bias"))
    ins += [-1, -1]  # projection
    batch = x.shape.as_list()[1]
    for name in ("output_state", "cell_state"):
        c._add_tensor(f"{op.name}/{name}", np.float32, [batch, units])
        c.tensors[-1].is_variable = True
        ins.append(len(c.tensors) - 1)
    ins += [-1, -1, -1, -1]  # layer norm
    opts = [(0, "i8", 4), (3, "bool", True)]
    c.emit(44, ins, [c.out(op.outputs[1])], 71, opts)


def _identity(c: _Converter, op: Any) -> None:
    c.index[op.outputs[0]] = c.x(op.inputs[0])


def _cast(c: _Converter, op: Any) -> None:
    src, dst = TENSOR_TYPE_OF[_np(op.inputs[0])], TENSOR_TYPE_OF[_np(op.outputs[0])]
    ins = [c.x(op.inputs[0])]
    c.emit(53, ins, [c.out(op.outputs[0])], 37, [(0, "i8", src), (1, "i8", dst)])


def _resize_bilinear(c: _Converter, op: Any) -> None:
    """RESIZE_BILINEAR (ResizeBilinearOptions: two deprecated sizes, then the flags)."""
    ins = [c.x(op.inputs[0]), _int_input(c, op.inputs[1], f"{op.name}/size")]
    opts = [
        (2, "bool", bool(op.get_attr("align_corners"))),
        (3, "bool", bool(op.get_attr("half_pixel_centers"))),
    ]
    c.emit(23, ins, [c.out(op.outputs[0])], 15, opts)


def _softmax(c: _Converter, op: Any) -> None:
    c.emit(25, [c.x(op.inputs[0])], [c.out(op.outputs[0])], 9, [(0, "f32", 1.0)])


def _squeeze(c: _Converter, op: Any) -> None:
    dims = op.get_attr("squeeze_dims") or []
    opts = [(0, "i32vec", np.asarray(dims, np.int32))] if len(dims) else []
    c.emit(43, [c.x(op.inputs[0])], [c.out(op.outputs[0])], 30, opts)


def _expand_dims(c: _Converter, op: Any) -> None:
    ins = [c.x(op.inputs[0]), _int_input(c, op.inputs[1], f"{op.name}/dim")]
    c.emit(70, ins, [c.out(op.outputs[0])], 52)


def _shape(c: _Converter, op: Any) -> None:
    out = 4 if op.outputs[0].dtype == _dt.int64 else 2
    c.emit(77, [c.x(op.inputs[0])], [c.out(op.outputs[0])], 55, [(0, "i8", out)])


def _act(code: int) -> Callable:
    return _simple(code)


_BINARY = {
    "Add": (0, 11),
    "AddV2": (0, 11),
    "BiasAdd": (0, 11),
    "Sub": (41, 28),
    "Mul": (18, 21),
    "RealDiv": (42, 29),
    "Maximum": (55, 39),
    "Minimum": (57, 39),
    "SquaredDifference": (99, 76),
    "Greater": (61, 44),
    "GreaterEqual": (62, 45),
    "Less": (58, 41),
    "LessEqual": (63, 46),
    "Equal": (71, 53),
    "NotEqual": (72, 54),
    "Pow": (78, 56),
    "FloorDiv": (90, 65),
    "FloorMod": (95, 72),
    "LogicalAnd": (86, 0),
    "LogicalOr": (84, 0),
}
_UNARY = {
    "Relu": 19,
    "Relu6": 21,
    "Sigmoid": 14,
    "Tanh": 28,
    "Exp": 47,
    "Log": 73,
    "Sqrt": 75,
    "Rsqrt": 76,
    "Neg": 59,
    "Abs": 101,
    "Square": 92,
    "Floor": 8,
    "Ceil": 104,
    "Sin": 66,
    "Cos": 108,
    "LogicalNot": 87,
    "LogSoftmax": 50,
}

OPS: dict[str, Callable] = {
    **{k: _simple(code, opt) for k, (code, opt) in _BINARY.items()},
    **{k: _simple(code) for k, code in _UNARY.items()},
    "Conv2D": _conv,
    "DepthwiseConv2dNative": _conv,
    "MatMul": _matmul,
    "MaxPool": _pool(17),
    "AvgPool": _pool(1),
    "Softmax": _softmax,
    "ResizeBilinear": _resize_bilinear,
    "Reshape": _reshape,
    "Squeeze": _squeeze,
    "ExpandDims": _expand_dims,
    "ConcatV2": _concat,
    "Mean": _reduce(40),
    "Sum": _reduce(74),
    "Max": _reduce(82),
    "Min": _reduce(89),
    "Prod": _reduce(81),
    "Pad": _pad,
    "PadV2": _pad,
    "Transpose": _with_consts(39, lambda op: [_perm(op)], 26),
    "Tile": _with_consts(69, lambda op: [op.get_attr("multiples")], 51),
    "StridedSlice": _strided_slice,
    "Split": _split,
    "GatherV2": _gather,
    "ArgMax": _arg(56, 40),
    "ArgMin": _arg(79, 57),
    "Cast": _cast,
    "Select": _simple(64, 47),
    "SelectV2": _simple(123, 98),
    "Range": _simple(96, 73),
    "Shape": _shape,
    "Identity": _identity,
    "Slice": _simple(65, 48),
    "Fill": _simple(94, 68),
    "LSTMBlockSequence": _lstm_sequence,
}


def convert_graph(sess: Any, inputs: list, outputs: list) -> OutModel:
    """The TFLite model of ``outputs`` as functions of ``inputs`` (placeholders)."""
    return _Converter(sess, list(inputs), list(outputs)).run()
