"""TFLite's builtin operators as tflite_core graph ops: one builder per builtin code, each
reading the operator's inputs and options the way TFLite's reference kernels do (filters OHWI,
depthwise filters 1HW(C*M), fully connected weights [out, in], fused activations).

A builder is ``fn(b, op) -> list of output tensors``; ``b`` (the interpreter's graph builder)
gives ``b.x(op, i)`` (the i-th input as a tensor; an input left out is an error unless
``optional``, as a bias is), ``b.value(op, i)`` (a constant input's array, None if it is
computed) and ``b.option(op, field, fmt, default)`` (a field of the operator's options
table). ``BUILTINS`` maps code -> (name, builder); codes not in it are refused when the model is
loaded, as TFLite refuses an op it has no kernel for.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant
from ..nn import activation_ops, clip_ops, conv_ops, lstm_ops, nn_ops
from ..ops import array_ops, image_resize_ops, indexing_ops, math_extra_ops, math_ops, slicing_ops
from .hybrid_ops import asymmetric_quantize, hybrid_weights, scaled
from .lite_errors import ModelUnimplementedError

# TFLite's TensorType -> numpy dtype (STRING: object arrays of bytes)
TENSOR_TYPES: dict[int, Any] = {
    0: np.float32,
    1: np.float16,
    2: np.int32,
    3: np.uint8,
    4: np.int64,
    5: np.object_,
    6: np.bool_,
    7: np.int16,
    8: np.complex64,
    9: np.int8,
    10: np.float64,
    11: np.complex128,
    12: np.uint64,
    15: np.uint32,
    16: np.uint16,
}
# numpy dtype -> TFLite's TensorType (object arrays: STRING)
TENSOR_TYPE_OF = {np.dtype(v): k for k, v in TENSOR_TYPES.items()}
TYPE_NAMES = {
    0: "FLOAT32",
    1: "FLOAT16",
    2: "INT32",
    3: "UINT8",
    4: "INT64",
    5: "STRING",
    6: "BOOL",
    7: "INT16",
    8: "COMPLEX64",
    9: "INT8",
    10: "FLOAT64",
    11: "COMPLEX128",
    12: "UINT64",
    13: "RESOURCE",
    14: "VARIANT",
    15: "UINT32",
    16: "UINT16",
    17: "INT4",
    18: "BFLOAT16",
}

_PADDING = {0: "SAME", 1: "VALID"}


def padding(b: Any, op: Any) -> str:
    """The Padding enum of a conv or pool operator's options (field 0)."""
    code = b.option(op, 0, "b", 0)
    if code not in _PADDING:
        raise ValueError(f"{b.where(op)}: padding {code} is neither SAME (0) nor VALID (1)")
    return _PADDING[code]


def activation(x: Any, code: int, where: str) -> Any:
    """A fused activation (ActivationFunctionType)."""
    if code == 0:
        return x
    if code == 1:
        return nn_ops.relu(x)
    if code == 2:  # RELU_N1_TO_1
        return clip_ops.clip_by_value(x, -1.0, 1.0)
    if code == 3:
        return nn_ops.relu6(x)
    if code == 4:
        return math_ops.tanh(x)
    raise ValueError(f"{where}: fused activation {code} (SIGN_BIT) is not supported")


def _transposed(b: Any, op: Any, i: int, perm: list[int]) -> Any:
    """Input ``i`` (a filter or weights) transposed to tflite_core's layout: a constant once,
    here (not a Transpose in every invoke), or a Transpose op where it is computed."""
    v = b.value(op, i)
    if v is not None:
        return constant(np.ascontiguousarray(np.transpose(v, perm)))
    return array_ops.transpose(b.x(op, i), perm)


def _conv2d(b: Any, op: Any) -> list:
    x, bias = b.x(op, 0), b.x(op, 2, optional=True)
    hybrid = hybrid_weights(b, op)
    if hybrid is not None:  # int8 weights, a float input quantized per batch
        x, x_scale = asymmetric_quantize(x, [1, 2, 3])
        w = constant(np.ascontiguousarray(np.transpose(hybrid[0], [1, 2, 3, 0])))
    else:
        w = _transposed(b, op, 1, [1, 2, 3, 0])  # OHWI -> HWIO
    sh, sw = b.option(op, 2, "i", 1), b.option(op, 1, "i", 1)
    dh, dw = b.option(op, 5, "i", 1), b.option(op, 4, "i", 1)
    y = conv_ops.conv2d(
        x,
        w,
        [1, sh, sw, 1],
        padding(b, op),
        dilations=[1, dh, dw, 1],
    )
    if hybrid is not None:
        y = scaled(y, hybrid[1], x_scale, bias, conv=True)
    elif bias is not None:
        y = nn_ops.bias_add(y, bias)
    return [activation(y, b.option(op, 3, "b", 0), b.where(op))]


def _depthwise(b: Any, op: Any) -> list:
    x, bias = b.x(op, 0), b.x(op, 2, optional=True)
    hybrid = hybrid_weights(b, op)
    if hybrid is not None:  # int8 weights, a float input quantized per batch
        x, x_scale = asymmetric_quantize(x, [1, 2, 3])
        w = constant(hybrid[0])
    else:
        w = b.x(op, 1)
    c = x.shape.as_list()[-1]
    kh, kw, cm = w.shape.as_list()[1:]
    if c is None or cm % c:
        raise ValueError(f"{b.where(op)}: filter depth {cm} is no multiple of the input's {c}")
    sh, sw = b.option(op, 2, "i", 1), b.option(op, 1, "i", 1)
    dh, dw = b.option(op, 6, "i", 1), b.option(op, 5, "i", 1)
    y = conv_ops.depthwise_conv2d(
        x,
        array_ops.reshape(w, [kh, kw, c, cm // c]),  # 1HW(C*M) -> HWCM
        [1, sh, sw, 1],
        padding(b, op),
        rate=[dh, dw] if (dh, dw) != (1, 1) else None,
    )
    if hybrid is not None:
        y = scaled(y, hybrid[1], x_scale, bias, conv=True)
    elif bias is not None:
        y = nn_ops.bias_add(y, bias)
    return [activation(y, b.option(op, 4, "b", 0), b.where(op))]


def _fully_connected(b: Any, op: Any) -> list:
    x, bias = b.x(op, 0), b.x(op, 2, optional=True)
    if b.option(op, 1, "b", 0) != 0:
        raise ValueError(f"{b.where(op)}: only the DEFAULT weights format is supported")
    n_out, n_in = b.tensor(op.inputs[1]).shape
    lead = x.shape.as_list()[:-1]
    hybrid = hybrid_weights(b, op)
    if hybrid is not None:  # int8 weights, each row of the float input quantized
        if not b.option(op, 3, "B", 0):
            raise ModelUnimplementedError(
                f"{b.where(op)}: a hybrid FULLY_CONNECTED with symmetric input quantization "
                "(asymmetric_quantize_inputs false)"
            )
        q, x_scale = asymmetric_quantize(array_ops.reshape(x, [-1, n_in]), [1])
        y = math_ops.matmul(q, constant(np.ascontiguousarray(hybrid[0].T)))
        y = scaled(y, hybrid[1], x_scale, bias, conv=False)
    else:
        y = math_ops.matmul(array_ops.reshape(x, [-1, n_in]), _transposed(b, op, 1, [1, 0]))
        if bias is not None:
            y = nn_ops.bias_add(y, bias)
    y = activation(y, b.option(op, 0, "b", 0), b.where(op))
    if b.option(op, 2, "B", 0):  # keep_num_dims
        y = array_ops.reshape(y, [-1 if d is None else d for d in lead] + [n_out])
    return [y]


def _pool(fn: Callable) -> Callable:
    def build(b: Any, op: Any) -> list:
        fh, fw = b.option(op, 4, "i", 1), b.option(op, 3, "i", 1)
        sh, sw = b.option(op, 2, "i", 1), b.option(op, 1, "i", 1)
        y = fn(b.x(op, 0), [1, fh, fw, 1], [1, sh, sw, 1], padding(b, op))
        return [activation(y, b.option(op, 5, "b", 0), b.where(op))]

    return build


def _binary(fn: Callable, act_field: int | None = 0) -> Callable:
    def build(b: Any, op: Any) -> list:
        y = fn(b.x(op, 0), b.x(op, 1))
        if act_field is not None:
            y = activation(y, b.option(op, act_field, "b", 0), b.where(op))
        return [y]

    return build


def _unary(fn: Callable) -> Callable:
    return lambda b, op: [fn(b.x(op, 0))]


def _reshape(b: Any, op: Any) -> list:
    shape = b.x(op, 1) if len(op.inputs) > 1 and op.inputs[1] >= 0 else None
    if shape is None or (shape.shape.rank == 1 and shape.shape.as_list()[0] == 0):
        new = b.option_numbers(op, 0, np.int32)  # ReshapeOptions.new_shape
        shape = [int(d) for d in (new if new is not None else [])]
    return [array_ops.reshape(b.x(op, 0), shape)]


def _softmax(b: Any, op: Any) -> list:
    beta = b.option(op, 0, "f", 0.0)
    x = b.x(op, 0)
    return [nn_ops.softmax(x if beta == 1.0 else math_ops.multiply(x, beta))]


def _concat(b: Any, op: Any) -> list:
    y = array_ops.concat([b.x(op, i) for i in range(len(op.inputs))], b.option(op, 0, "i", 0))
    return [activation(y, b.option(op, 1, "b", 0), b.where(op))]


def _reduce(fn: Callable) -> Callable:
    return lambda b, op: [fn(b.x(op, 0), b.x(op, 1), keepdims=bool(b.option(op, 0, "B", 0)))]


def _pad(b: Any, op: Any) -> list:
    value = b.x(op, 2, optional=True) if len(op.inputs) > 2 else None
    value = 0 if value is None else value
    return [slicing_ops.pad(b.x(op, 0), b.x(op, 1), constant_values=value)]


def _squeeze(b: Any, op: Any) -> list:
    dims = b.option_numbers(op, 0, np.int32)
    axis = [int(d) for d in dims] if dims is not None and len(dims) else None
    return [array_ops.squeeze(b.x(op, 0), axis)]


def _strided_slice(b: Any, op: Any) -> list:
    if b.option(op, 5, "B", 0):
        raise ValueError(f"{b.where(op)}: the 'offset' form of STRIDED_SLICE is not supported")
    masks = [b.option(op, k, "i", 0) for k in range(5)]
    return [
        slicing_ops.strided_slice(
            b.x(op, 0),
            b.x(op, 1),
            b.x(op, 2),
            b.x(op, 3),
            begin_mask=masks[0],
            end_mask=masks[1],
            ellipsis_mask=masks[2],
            new_axis_mask=masks[3],
            shrink_axis_mask=masks[4],
        )
    ]


def _dequantize(b: Any, op: Any) -> list:
    x = b.x(op, 0)
    t = b.tensor(op.inputs[0])
    if t.type in (1, 18):  # float16 / bfloat16 weights
        return [array_ops.cast(x, _dt.float32)]
    q = t.quantization
    if len(q.scales) != 1:
        raise ValueError(f"{b.where(op)}: per-channel dequantization is not supported")
    centred = math_ops.subtract(array_ops.cast(x, _dt.float32), float(q.zero_points[0]))
    return [math_ops.multiply(centred, float(q.scales[0]))]


def _hard_swish(b: Any, op: Any) -> list:
    x = b.x(op, 0)
    return [math_ops.multiply(x, math_ops.divide(nn_ops.relu6(math_ops.add(x, 3.0)), 6.0))]


def _cast(b: Any, op: Any) -> list:
    to = TENSOR_TYPES.get(b.tensor(op.outputs[0]).type)
    return [array_ops.cast(b.x(op, 0), _dt.as_dtype(to))]


def _gather(b: Any, op: Any) -> list:
    if b.option(op, 1, "i", 0):
        raise ValueError(f"{b.where(op)}: GATHER with batch_dims is not supported")
    return [indexing_ops.gather(b.x(op, 0), b.x(op, 1), axis=b.option(op, 0, "i", 0))]


def _arg(fn: Callable) -> Callable:
    def build(b: Any, op: Any) -> list:
        out = _dt.int64 if b.option(op, 0, "b", 4) == 4 else _dt.int32
        return [fn(b.x(op, 0), b.x(op, 1), output_type=out)]

    return build


def _resize(fn: Callable) -> Callable:
    def build(b: Any, op: Any) -> list:
        # (ResizeBilinearOptions keeps two deprecated fields first; the nearest one does not)
        first = 2 if fn is image_resize_ops.resize_bilinear else 0
        return [
            fn(
                b.x(op, 0),
                b.x(op, 1),
                align_corners=bool(b.option(op, first, "B", 0)),
                half_pixel_centers=bool(b.option(op, first + 1, "B", 0)),
            )
        ]

    return build


def _pack(b: Any, op: Any) -> list:
    return [array_ops.stack([b.x(op, i) for i in range(len(op.inputs))], b.option(op, 1, "i", 0))]


def _unpack(b: Any, op: Any) -> list:
    return list(array_ops.unstack(b.x(op, 0), b.option(op, 0, "i", 0), b.option(op, 1, "i", 0)))


def _split(b: Any, op: Any) -> list:  # inputs: (axis, value)
    return list(array_ops.split(b.x(op, 1), b.option(op, 0, "i", 1), axis=b.x(op, 0)))


def _shape(b: Any, op: Any) -> list:
    out = _dt.int64 if b.option(op, 0, "b", 2) == 4 else _dt.int32
    return [array_ops.shape(b.x(op, 0), out_type=out)]


def _select(b: Any, op: Any) -> list:
    return [indexing_ops.where_v2(b.x(op, 0), b.x(op, 1), b.x(op, 2))]


def _select_v1(b: Any, op: Any) -> list:
    return [indexing_ops.select(b.x(op, 0), b.x(op, 1), b.x(op, 2))]


def _leaky_relu(b: Any, op: Any) -> list:
    return [activation_ops.leaky_relu(b.x(op, 0), b.option(op, 0, "f", 0.0))]


def _sequence_lstm(b: Any, op: Any) -> list:
    """UNIDIRECTIONAL_SEQUENCE_LSTM (no peepholes, projection, layer norm, CIFG or clipping)
    as one ``LSTMBlockSequence``: the per-gate weights joined into TF's ``[D + H, 4H]`` kernel
    in i, j, f, o order. The state tensors are TFLite variables: zero at allocation, each
    invoke starting from the state the last one ended in (``reset_all_variables`` zeroes it)."""
    where, ins = b.where(op), op.inputs
    absent = [k for k in (9, 10, 11, 16, 17, 20, 21, 22, 23) if k < len(ins) and ins[k] >= 0]
    if absent or ins[1] < 0:
        raise ModelUnimplementedError(
            f"{where}: peephole, projection, layer-norm and CIFG LSTMs are not supported"
        )
    clip = float(b.option(op, 1, "f", 0.0))
    if b.option(op, 0, "b", 0) != 4 or b.option(op, 2, "f", 0.0):
        raise ModelUnimplementedError(f"{where}: only tanh activations (and no projection clip)")
    # TFLite: input_to_{input,forget,cell,output} 1-4, recurrent_to_... 5-8, biases 12-15
    parts = [b.value(op, k) for k in (*range(1, 9), *range(12, 16))]
    if any(p is None for p in parts):
        raise ModelUnimplementedError(f"{where}: LSTM weights computed at run time")
    order = (0, 2, 1, 3)  # TF's i, j (cell), f, o from TFLite's i, f, c, o
    kernel_x = np.concatenate([parts[g].T for g in order], axis=1)
    kernel_h = np.concatenate([parts[4 + g].T for g in order], axis=1)
    bias = np.concatenate([parts[8 + g] for g in order])
    x = b.x(op, 0)
    time_major = bool(b.option(op, 3, "B", 0))
    if not time_major:
        x = array_ops.transpose(x, [1, 0, 2])
    # the state variables: fed from the interpreter, their final values kept for the next invoke
    h0, c0 = b.state(ins[18]), b.state(ins[19])
    if clip:
        h, c_last = _clipped_lstm(x, c0, h0, kernel_x, kernel_h, bias, clip, where)
    else:
        c, h = lstm_ops.lstm_sequence(
            x, c0, h0, np.concatenate([kernel_x, kernel_h]), bias, forget_bias=0.0
        )
        c_last = c[-1]
    b.update(ins[18], h[-1])
    b.update(ins[19], c_last)
    return [h if time_major else array_ops.transpose(h, [1, 0, 2])]


def _clipped_lstm(
    x: Any, c: Any, h: Any, kx: Any, kh: Any, bias: Any, clip: float, where: str
) -> tuple[Any, Any]:
    """The recurrence step by step with the cell state clipped to [-clip, clip] (TFLite's
    ``cell_clip``, which the fused kernel has not): time-major ``[T, B, H]`` outputs and the
    last cell state."""
    steps = x.shape.as_list()[0]
    if steps is None:
        raise ModelUnimplementedError(f"{where}: cell_clip with an unknown number of steps")
    outs = []
    for t in range(steps):
        z = math_ops.add(math_ops.add(math_ops.matmul(x[t], kx), math_ops.matmul(h, kh)), bias)
        i, j, f, o = array_ops.split(z, 4, axis=1)
        c = math_ops.add(
            math_ops.multiply(math_ops.sigmoid(f), c),
            math_ops.multiply(math_ops.sigmoid(i), math_ops.tanh(j)),
        )
        c = clip_ops.clip_by_value(c, -clip, clip)
        h = math_ops.multiply(math_ops.sigmoid(o), math_ops.tanh(c))
        outs.append(h)
    return array_ops.stack(outs), c


BUILTINS: dict[int, tuple[str, Callable]] = {
    0: ("ADD", _binary(math_ops.add)),
    1: ("AVERAGE_POOL_2D", _pool(conv_ops.avg_pool)),
    2: ("CONCATENATION", _concat),
    3: ("CONV_2D", _conv2d),
    4: ("DEPTHWISE_CONV_2D", _depthwise),
    6: ("DEQUANTIZE", _dequantize),
    8: ("FLOOR", _unary(math_ops.floor)),
    9: ("FULLY_CONNECTED", _fully_connected),
    14: ("LOGISTIC", _unary(math_ops.sigmoid)),
    17: ("MAX_POOL_2D", _pool(conv_ops.max_pool)),
    18: ("MUL", _binary(math_ops.multiply)),
    19: ("RELU", _unary(nn_ops.relu)),
    20: ("RELU_N1_TO_1", lambda b, op: [activation(b.x(op, 0), 2, b.where(op))]),
    21: ("RELU6", _unary(nn_ops.relu6)),
    22: ("RESHAPE", _reshape),
    23: ("RESIZE_BILINEAR", _resize(image_resize_ops.resize_bilinear)),
    25: ("SOFTMAX", _softmax),
    28: ("TANH", _unary(math_ops.tanh)),
    34: ("PAD", _pad),
    36: ("GATHER", _gather),
    39: ("TRANSPOSE", lambda b, op: [array_ops.transpose(b.x(op, 0), b.x(op, 1))]),
    40: ("MEAN", _reduce(math_ops.reduce_mean)),
    41: ("SUB", _binary(math_ops.subtract)),
    42: ("DIV", _binary(math_ops.divide)),
    43: ("SQUEEZE", _squeeze),
    44: ("UNIDIRECTIONAL_SEQUENCE_LSTM", _sequence_lstm),
    45: ("STRIDED_SLICE", _strided_slice),
    47: ("EXP", _unary(math_ops.exp)),
    49: ("SPLIT", _split),
    50: ("LOG_SOFTMAX", _unary(nn_ops.log_softmax)),
    53: ("CAST", _cast),
    55: ("MAXIMUM", _binary(math_ops.maximum, None)),
    56: ("ARG_MAX", _arg(math_ops.argmax)),
    57: ("MINIMUM", _binary(math_ops.minimum, None)),
    58: ("LESS", _binary(math_ops.less, None)),
    59: ("NEG", _unary(math_ops.negative)),
    60: ("PADV2", _pad),
    61: ("GREATER", _binary(math_ops.greater, None)),
    62: ("GREATER_EQUAL", _binary(math_ops.greater_equal, None)),
    63: ("LESS_EQUAL", _binary(math_ops.less_equal, None)),
    64: ("SELECT", _select_v1),
    66: ("SIN", _unary(math_extra_ops.sin)),
    65: ("SLICE", lambda b, op: [slicing_ops.slice(b.x(op, 0), b.x(op, 1), b.x(op, 2))]),
    69: ("TILE", lambda b, op: [slicing_ops.tile(b.x(op, 0), b.x(op, 1))]),
    71: ("EQUAL", _binary(math_ops.equal, None)),
    72: ("NOT_EQUAL", _binary(math_ops.not_equal, None)),
    70: ("EXPAND_DIMS", lambda b, op: [array_ops.expand_dims(b.x(op, 0), b.x(op, 1))]),
    73: ("LOG", _unary(math_ops.log)),
    74: ("SUM", _reduce(math_ops.reduce_sum)),
    75: ("SQRT", _unary(math_ops.sqrt)),
    76: ("RSQRT", _unary(math_extra_ops.rsqrt)),
    77: ("SHAPE", _shape),
    78: ("POW", _binary(math_ops.pow, None)),
    79: ("ARG_MIN", _arg(math_ops.argmin)),
    81: ("REDUCE_PROD", _reduce(math_ops.reduce_prod)),
    82: ("REDUCE_MAX", _reduce(math_ops.reduce_max)),
    83: ("PACK", _pack),
    84: ("LOGICAL_OR", _binary(math_extra_ops.logical_or, None)),
    86: ("LOGICAL_AND", _binary(math_extra_ops.logical_and, None)),
    87: ("LOGICAL_NOT", _unary(math_extra_ops.logical_not)),
    88: ("UNPACK", _unpack),
    89: ("REDUCE_MIN", _reduce(math_ops.reduce_min)),
    90: ("FLOOR_DIV", _binary(math_ops.floordiv, None)),
    92: ("SQUARE", _unary(math_ops.square)),
    94: ("FILL", lambda b, op: [array_ops.fill(b.x(op, 0), b.x(op, 1))]),
    95: ("FLOOR_MOD", _binary(math_ops.floormod, None)),
    96: ("RANGE", lambda b, op: [indexing_ops.range(b.x(op, 0), b.x(op, 1), b.x(op, 2))]),
    97: ("RESIZE_NEAREST_NEIGHBOR", _resize(image_resize_ops.resize_nearest_neighbor)),
    98: ("LEAKY_RELU", _leaky_relu),
    99: ("SQUARED_DIFFERENCE", _binary(math_extra_ops.squared_difference, None)),
    101: ("ABS", _unary(math_ops.abs)),
    104: ("CEIL", _unary(math_extra_ops.ceil)),
    108: ("COS", _unary(math_extra_ops.cos)),
    117: ("HARD_SWISH", _hard_swish),
    123: ("SELECT_V2", _select),
}
