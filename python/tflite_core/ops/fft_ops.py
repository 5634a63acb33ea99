"""Discrete Fourier transforms (TF's ``tf.signal`` fft family): complex FFT/IFFT over the 1, 2 or 3
innermost axes, real RFFT/IRFFT with ``fft_length`` (the input cropped or zero-padded to it), the
N-D forms over chosen axes, with TF's gradients. Kernels: ``cpp/fft.cc``.

>>> x = tf.constant([1.0, 2.0, 3.0, 4.0])
>>> with tf.Session() as sess:
...     sess.run(tf.signal.rfft(x)).round(6).tolist()
[(10+0j), (-2+2j), (-2+0j)]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, constant_value, name_scope
from ..framework.op_util import make_tensor
from ..framework.registry import RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import concat, fill, reshape, shape, transpose
from .complex_ops import real
from .indexing_ops import range as _range
from .math_ops import cast, multiply, reduce_prod
from .permute_ops import roll
from .slicing_ops import pad
from .slicing_ops import slice as _slice

_C2C = {  # op type -> (innermost axes, inverse)
    "FFT": (1, False),
    "IFFT": (1, True),
    "FFT2D": (2, False),
    "IFFT2D": (2, True),
    "FFT3D": (3, False),
    "IFFT3D": (3, True),
}
_REAL = {"RFFT": 1, "RFFT2D": 2, "RFFT3D": 3}
_IREAL = {"IRFFT": 1, "IRFFT2D": 2, "IRFFT3D": 3}
_COMPLEX = (_dt.complex64, _dt.complex128)


def _dims(t: Any) -> list[Any]:
    return list(t.shape.as_list())


def _rank_at_least(op, s: TensorShape, k: int) -> None:
    if s.rank is not None and s.rank < k:
        raise ValueError(f"Shape must be at least rank {k} but is rank {s.rank} for '{op.name}'")


def _c2c_shape(op, in_shapes, value_of):
    _rank_at_least(op, in_shapes[0], op.get_attr("k"))
    return [in_shapes[0]]


def _c2c_attrs(op, i, o, v):
    return [op.get_attr("k"), int(op.get_attr("inverse"))], []


for _t, (_k, _inv) in _C2C.items():
    register_op(_t, _c2c_shape, "fft", attrs_fn=_c2c_attrs)
register_op("FFTND", _c2c_shape, "fft", attrs_fn=_c2c_attrs)
register_op("IFFTND", _c2c_shape, "fft", attrs_fn=_c2c_attrs)


def _k_attrs(op, i, o, v):
    return [op.get_attr("k")], []


def _rfft_shape(op, in_shapes, value_of):
    k = op.get_attr("k")
    s = in_shapes[0]
    _rank_at_least(op, s, k)
    if s.rank is None:
        return [TensorShape(None)]
    d = s.as_list()
    n = d[-1]
    return [TensorShape([*d[:-1], None if n is None else n // 2 + 1])]


def _irfft_shape(op, in_shapes, value_of):
    k = op.get_attr("k")
    s = in_shapes[0]
    _rank_at_least(op, s, k)
    if s.rank is None:
        return [TensorShape(None)]
    return [TensorShape([*s.as_list()[:-1], op.get_attr("n")])]


for _t in (*_REAL, "RFFTND"):
    register_op(_t, _rfft_shape, "rfft", kernel_inputs=(0,), attrs_fn=_k_attrs)
for _t in (*_IREAL, "IRFFTND"):
    register_op(_t, _irfft_shape, "irfft", kernel_inputs=(0,), attrs_fn=_k_attrs)


def _size(t: Tensor, k: int, dtype) -> Tensor:
    """The number of elements in the k innermost axes of ``t``, as ``dtype``."""
    return cast(reduce_prod(shape(t)[-k:]), dtype)


def _c2c(op_type: str, x: Tensor, k: int, inverse: bool, name: str | None) -> Tensor:
    return make_tensor(op_type, [x], x.dtype, {"k": k, "inverse": inverse}, name or op_type)


def _c2c_grad(op, grad):
    k, inverse = op.get_attr("k"), op.get_attr("inverse")
    back = _c2c(
        op.type.replace("I", "", 1) if inverse else "I" + op.type, grad, k, not inverse, None
    )
    size = _size(grad, k, grad.dtype)  # (d fft = n ifft; d ifft = fft / n)
    return [multiply(back, size) if not inverse else back / size]


for _t in (*_C2C, "FFTND", "IFFTND"):
    RegisterGradient(_t)(_c2c_grad)


def _complex_of(dtype) -> Any:
    return _dt.complex128 if dtype == _dt.float64 else _dt.complex64


def _real_of(dtype) -> Any:
    return _dt.float64 if dtype == _dt.complex128 else _dt.float32


def _rfft_op(op_type: str, x: Tensor, fft_length: Tensor, k: int, cdt, name):
    return make_tensor(op_type, [x, fft_length], cdt, {"k": k}, name or op_type)


def _irfft_op(op_type: str, x: Tensor, fft_length: Tensor, k: int, n: int | None, rdt, name):
    return make_tensor(op_type, [x, fft_length], rdt, {"k": k, "n": n}, name or op_type)


@RegisterGradient("RFFT")
def _rfft_grad(op, grad):
    x, fft_length = op._inputs
    cdt = grad.dtype
    n = op.get_attr("k")
    if n != 1:
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type})")
    length = shape(x)[-1]
    is_even = cast(1 - length % 2, cdt)
    y0 = grad[..., 0:1]
    ym = grad[..., -1:]
    ymask = cast(1 - 2 * (_range(length) % 2), cdt)
    extra = y0 + is_even * ym * ymask
    size = cast(length, _real_of(cdt))
    back = _irfft_op(
        "IRFFT", grad, fft_length, 1, op._inputs[0].shape.as_list()[-1], _real_of(cdt), None
    )
    return [0.5 * (back * size + real(extra)), None]


def _irfft_grad(op, grad):
    x, fft_length = op._inputs
    k = op.get_attr("k")
    rdt = grad.dtype
    cdt = _complex_of(rdt)
    n = op.get_attr("n")
    last = shape(x)[-1]
    is_odd = n % 2
    one = constant(1.0, rdt)
    # (TF's weights: the first bin once, the bins Hermitian symmetry mirrors twice)
    mask = concat(
        [
            fill([1], one),
            fill(reshape(last - 2 + is_odd, [1]), constant(2.0, rdt)),
            fill([1 - is_odd], one),
        ],
        0,
    )
    rsize = 1.0 / _size(grad, k, rdt)
    rfft_type = op.type.replace("IRFFT", "RFFT")
    the_rfft = _rfft_op(rfft_type, grad, fft_length, k, cdt, None)
    return [the_rfft * cast(rsize * mask, cdt), None]


for _t in (*_IREAL, "IRFFTND"):
    RegisterGradient(_t)(_irfft_grad)
for _t in ("RFFT2D", "RFFT3D", "RFFTND"):

    @RegisterGradient(_t)
    def _no_rfft_grad(op, grad):
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type})")


# ---- the public functions -----------------------------------------------------------------------
def _complex_input(x: Any, name: str) -> Tensor:
    t = convert_to_tensor(x, name="input")
    if t.dtype not in _COMPLEX:
        raise TypeError(
            f"Value passed to parameter 'input' has DataType {t.dtype.name} not in list of "
            "allowed values: complex64, complex128"
        )
    return t


def _make_c2c(op_type: str):
    k, inverse = _C2C[op_type]

    def fn(input: Any, name: str | None = None) -> Tensor:
        return _c2c(op_type, _complex_input(input, op_type), k, inverse, name)

    fn.__name__ = op_type.lower()
    fn.__doc__ = (
        f"The {'inverse ' if inverse else ''}DFT over the {k} innermost axes (op {op_type})."
    )
    return fn


fft, ifft = _make_c2c("FFT"), _make_c2c("IFFT")
fft2d, ifft2d = _make_c2c("FFT2D"), _make_c2c("IFFT2D")
fft3d, ifft3d = _make_c2c("FFT3D"), _make_c2c("IFFT3D")


def _lengths(fft_length: Any, x: Tensor, k: int, what: str) -> list[int]:
    if fft_length is None:
        dims = _dims(x)[-k:] if x.shape.rank is not None else None
        if dims is None or any(d is None for d in dims):
            raise ValueError(f"{what} needs fft_length or an input of known inner dimensions")
        return [int(d) for d in dims]
    v = constant_value(convert_to_tensor(fft_length, _dt.int32))
    if v is None:
        raise ValueError(f"{what}: fft_length must be known when the graph is built")
    return [int(d) for d in np.asarray(v).reshape(-1)]


def _fit(x: Tensor, lengths: list[int]) -> Tensor:
    """``x`` cropped or zero-padded in its len(lengths) innermost axes to ``lengths``."""
    k = len(lengths)
    dims = _dims(x)
    if any(d is None for d in dims[-k:]):
        raise ValueError("the transformed dimensions must be known when the graph is built")
    inner = dims[-k:]
    if inner == lengths:
        return x
    begin = [0] * len(dims)
    size = [-1] * (len(dims) - k) + [min(a, b) for a, b in zip(inner, lengths)]
    y = _slice(x, begin, size)
    pads = [[0, 0]] * (len(dims) - k) + [[0, max(0, b - a)] for a, b in zip(inner, lengths)]
    return pad(y, pads)


def _make_rfft(op_type: str):
    k = _REAL[op_type]

    def fn(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
        with name_scope(name, op_type.lower(), [input_tensor]) as scope:
            x = convert_to_tensor(input_tensor, name="input_tensor")
            if x.dtype not in (_dt.float32, _dt.float64):
                raise TypeError(f"{op_type}: input must be float32 or float64, got {x.dtype.name}")
            lengths = _lengths(fft_length, x, k, op_type)
            x = _fit(x, lengths)
            fl = constant(lengths, _dt.int32, name="fft_length")
            return _rfft_op(op_type, x, fl, k, _complex_of(x.dtype), scope[:-1] if scope else None)

    fn.__doc__ = f"The DFT of a real signal over its {k} innermost axes (op {op_type})."
    return fn


def _make_irfft(op_type: str):
    k = _IREAL[op_type]

    def fn(input_tensor: Any, fft_length: Any = None, name: str | None = None) -> Tensor:
        with name_scope(name, op_type.lower(), [input_tensor]) as scope:
            x = _complex_input(input_tensor, op_type)
            if fft_length is None:
                dims = _dims(x)[-k:]
                if any(d is None for d in dims):
                    raise ValueError(f"{op_type} needs fft_length or known inner dimensions")
                lengths = [int(d) for d in dims[:-1]] + [2 * (int(dims[-1]) - 1)]
            else:
                lengths = _lengths(fft_length, x, k, op_type)
            x = _fit(x, [*lengths[:-1], lengths[-1] // 2 + 1])
            fl = constant(lengths, _dt.int32, name="fft_length")
            return _irfft_op(
                op_type, x, fl, k, lengths[-1], _real_of(x.dtype), scope[:-1] if scope else None
            )

    fn.__doc__ = f"The real inverse DFT over the {k} innermost axes (op {op_type})."
    return fn


rfft, rfft2d, rfft3d = _make_rfft("RFFT"), _make_rfft("RFFT2D"), _make_rfft("RFFT3D")
irfft, irfft2d, irfft3d = _make_irfft("IRFFT"), _make_irfft("IRFFT2D"), _make_irfft("IRFFT3D")


def _nd(x: Tensor, axes: Any) -> tuple[list[int], list[int], list[int]]:
    rank = x.shape.rank
    if rank is None:
        raise ValueError("the N-D transforms need an input of known rank")
    known = constant_value(convert_to_tensor(axes, _dt.int32))
    if known is None:
        raise ValueError("axes must be known when the graph is built")
    ax = [int(a) % rank for a in np.asarray(known).reshape(-1)]
    perm = [d for d in range(rank) if d not in ax] + ax
    inverse = [perm.index(d) for d in range(rank)]
    return ax, perm, inverse


def _make_nd(kind: str):
    def fn(input: Any, fft_length: Any, axes: Any, name: str | None = None, **dtype: Any) -> Tensor:
        with name_scope(name, kind.lower(), [input]):
            x = convert_to_tensor(input, name="input")
            ax, perm, back = _nd(x, axes)
            k = len(ax)
            moved = transpose(x, perm)
            lengths = _lengths(fft_length, moved, k, kind)
            fl = constant(lengths, _dt.int32, name="fft_length")
            if kind in ("FFTND", "IFFTND"):
                if moved.dtype not in _COMPLEX:
                    raise TypeError(f"{kind}: input must be complex64 or complex128")
                out = _c2c(kind, _fit(moved, lengths), k, kind == "IFFTND", None)
            elif kind == "RFFTND":
                out = _rfft_op(kind, _fit(moved, lengths), fl, k, _complex_of(moved.dtype), None)
            else:
                m = _fit(moved, [*lengths[:-1], lengths[-1] // 2 + 1])
                out = _irfft_op(kind, m, fl, k, lengths[-1], _real_of(m.dtype), None)
            return transpose(out, back)

    fn.__doc__ = f"The {kind} transform over ``axes``, each cropped or padded to ``fft_length``."
    return fn


fftnd, ifftnd = _make_nd("FFTND"), _make_nd("IFFTND")
rfftnd, irfftnd = _make_nd("RFFTND"), _make_nd("IRFFTND")


def fftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """Moves the zero frequency to the centre (``np.fft.fftshift``)."""
    with name_scope(name, "fftshift", [x]):
        t = convert_to_tensor(x)
        dims = _dims(t)
        axs = (
            list(range(len(dims)))
            if axes is None
            else ([axes] if isinstance(axes, int) else list(axes))
        )
        return roll(t, [dims[a] // 2 for a in axs], axs)


def ifftshift(x: Any, axes: Any = None, name: str | None = None) -> Tensor:
    """The inverse of ``fftshift`` (``np.fft.ifftshift``)."""
    with name_scope(name, "ifftshift", [x]):
        t = convert_to_tensor(x)
        dims = _dims(t)
        axs = (
            list(range(len(dims)))
            if axes is None
            else ([axes] if isinstance(axes, int) else list(axes))
        )
        return roll(t, [-(dims[a] // 2) for a in axs], axs)
