"""Fake quantization (TF's ``FakeQuantWithMinMax*`` ops): float tensors rounded to the values an
8-bit (2 to 16-bit) quantization with a nudged range can hold, for quantization-aware training;
the gradient passes inside the range (and, for min/max variables, sums outside it into theirs).

>>> x = tf.constant([-7.0, -0.02, 0.5, 6.1])
>>> with tf.Session() as sess:
...     [round(float(v), 4) for v in sess.run(tf.fake_quant_with_min_max_args(x))]
[-6.0235, 0.0, 0.5176, 5.9765]
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.op_util import make_op, make_tensor, same_shape
from ..framework.registry import NotDifferentiable, RegisterGradient, register_op


def _args_attrs(op, in_shapes, out_shapes, value_of):
    return [op.get_attr("num_bits"), int(op.get_attr("narrow_range"))], [
        op.get_attr("min"),
        op.get_attr("max"),
    ]


def _bits_attrs(op, in_shapes, out_shapes, value_of):
    return [op.get_attr("num_bits"), int(op.get_attr("narrow_range"))], []


def _vars_grad_shape(op, in_shapes, value_of):
    return [in_shapes[1], in_shapes[2], in_shapes[3]]


register_op("FakeQuantWithMinMaxArgs", same_shape, "fake_quant", attrs_fn=_args_attrs)
register_op(
    "FakeQuantWithMinMaxArgsGradient",
    lambda op, s, v: [s[0]],
    "fake_quant_grad",
    attrs_fn=_args_attrs,
)
register_op(
    "FakeQuantWithMinMaxVars", lambda op, s, v: [s[0]], "fake_quant_vars", attrs_fn=_bits_attrs
)
register_op(
    "FakeQuantWithMinMaxVarsGradient",
    _vars_grad_shape,
    "fake_quant_vars_grad",
    attrs_fn=_bits_attrs,
)
register_op(
    "FakeQuantWithMinMaxVarsPerChannel",
    lambda op, s, v: [s[0]],
    "fake_quant_vars",
    attrs_fn=_bits_attrs,
)
register_op(
    "FakeQuantWithMinMaxVarsPerChannelGradient",
    _vars_grad_shape,
    "fake_quant_vars_grad",
    attrs_fn=_bits_attrs,
)
for _t in (
    "FakeQuantWithMinMaxArgsGradient",
    "FakeQuantWithMinMaxVarsGradient",
    "FakeQuantWithMinMaxVarsPerChannelGradient",
):
    NotDifferentiable(_t)


@RegisterGradient("FakeQuantWithMinMaxArgs")
def _args_grad(op, grad):
    return [
        fake_quant_with_min_max_args_gradient(
            grad,
            op._inputs[0],
            op.get_attr("min"),
            op.get_attr("max"),
            op.get_attr("num_bits"),
            op.get_attr("narrow_range"),
        )
    ]


@RegisterGradient("FakeQuantWithMinMaxVars")
def _vars_grad(op, grad):
    x, mn, mx = op._inputs
    return list(
        fake_quant_with_min_max_vars_gradient(
            grad, x, mn, mx, op.get_attr("num_bits"), op.get_attr("narrow_range")
        )
    )


@RegisterGradient("FakeQuantWithMinMaxVarsPerChannel")
def _per_channel_grad(op, grad):
    x, mn, mx = op._inputs
    return list(
        fake_quant_with_min_max_vars_per_channel_gradient(
            grad, x, mn, mx, op.get_attr("num_bits"), op.get_attr("narrow_range")
        )
    )


def _float(x: Any, name: str):
    t = convert_to_tensor(x, name=name)
    if t.dtype != _dt.float32:
        raise TypeError(
            f"Value passed to parameter '{name}' has DataType {t.dtype.name} not in list of "
            "allowed values: float32"
        )
    return t


def _bits(num_bits: int, narrow_range: bool) -> dict:
    return {"num_bits": int(num_bits), "narrow_range": bool(narrow_range)}


def fake_quant_with_min_max_args(
    inputs: Any,
    min: float = -6,
    max: float = 6,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """``inputs`` fake-quantized to ``[min, max]`` (nudged so that 0 is a level)."""
    x = _float(inputs, "inputs")
    attrs = {"min": float(min), "max": float(max), **_bits(num_bits, narrow_range)}
    return make_tensor(
        "FakeQuantWithMinMaxArgs", [x], x.dtype, attrs, name or "FakeQuantWithMinMaxArgs"
    )


def fake_quant_with_min_max_args_gradient(
    gradients: Any,
    inputs: Any,
    min: float = -6,
    max: float = 6,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """``gradients`` where ``inputs`` is inside the nudged range, 0 elsewhere."""
    g, x = _float(gradients, "gradients"), _float(inputs, "inputs")
    attrs = {"min": float(min), "max": float(max), **_bits(num_bits, narrow_range)}
    return make_tensor(
        "FakeQuantWithMinMaxArgsGradient",
        [g, x],
        x.dtype,
        attrs,
        name or "FakeQuantWithMinMaxArgsGradient",
    )


def _vars(op_type, inputs, min, max, num_bits, narrow_range, name, rank):
    x, mn, mx = _float(inputs, "inputs"), _float(min, "min"), _float(max, "max")
    for t in (mn, mx):
        if t.shape.rank is not None and t.shape.rank != rank:
            raise ValueError(
                f"Shape must be rank {rank} but is rank {t.shape.rank} for '{op_type}'"
            )
    if rank == 1 and x.shape.rank is not None:
        depth = x.shape.as_list()[-1] if x.shape.rank else None
        for t in (mn, mx):
            n = t.shape.as_list()[0] if t.shape.rank else None
            if depth is not None and n is not None and depth != n:
                raise ValueError(
                    f"Dimensions must be equal, but are {n} and {depth} for '{op_type}'"
                )
    return x, mn, mx, _bits(num_bits, narrow_range)


def fake_quant_with_min_max_vars(
    inputs: Any,
    min: Any,
    max: Any,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """``inputs`` fake-quantized to ``[min, max]`` given as float32 scalar tensors."""
    x, mn, mx, attrs = _vars(
        "FakeQuantWithMinMaxVars", inputs, min, max, num_bits, narrow_range, name, 0
    )
    return make_tensor(
        "FakeQuantWithMinMaxVars", [x, mn, mx], x.dtype, attrs, name or "FakeQuantWithMinMaxVars"
    )


def fake_quant_with_min_max_vars_per_channel(
    inputs: Any,
    min: Any,
    max: Any,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """``inputs`` fake-quantized per channel (its last dimension) to ``[min[c], max[c]]``."""
    x, mn, mx, attrs = _vars(
        "FakeQuantWithMinMaxVarsPerChannel", inputs, min, max, num_bits, narrow_range, name, 1
    )
    return make_tensor(
        "FakeQuantWithMinMaxVarsPerChannel",
        [x, mn, mx],
        x.dtype,
        attrs,
        name or "FakeQuantWithMinMaxVarsPerChannel",
    )


def _vars_gradient(op_type, gradients, inputs, min, max, num_bits, narrow_range, name, rank):
    g = _float(gradients, "gradients")
    x, mn, mx, attrs = _vars(op_type, inputs, min, max, num_bits, narrow_range, name, rank)
    op = make_op(op_type, [g, x, mn, mx], [x.dtype] * 3, attrs, name or op_type)
    return tuple(op._outputs)


def fake_quant_with_min_max_vars_gradient(
    gradients: Any,
    inputs: Any,
    min: Any,
    max: Any,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """(gradients inside the range, their sum below it, their sum above it)."""
    return _vars_gradient(
        "FakeQuantWithMinMaxVarsGradient",
        gradients,
        inputs,
        min,
        max,
        num_bits,
        narrow_range,
        name,
        0,
    )


def fake_quant_with_min_max_vars_per_channel_gradient(
    gradients: Any,
    inputs: Any,
    min: Any,
    max: Any,
    num_bits: int = 8,
    narrow_range: bool = False,
    name: str | None = None,
):
    """The per-channel gradient: (inside the range, per-channel sums below and above it)."""
    return _vars_gradient(
        "FakeQuantWithMinMaxVarsPerChannelGradient",
        gradients,
        inputs,
        min,
        max,
        num_bits,
        narrow_range,
        name,
        1,
    )
