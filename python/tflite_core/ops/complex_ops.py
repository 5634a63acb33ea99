"""Complex numbers: ``tf.complex`` (``Complex``), ``Real``, ``Imag``, ``Conj``, ``Angle`` and
``ComplexAbs`` (``tf.abs`` of a complex tensor), with TF's gradients (``math_grad.py``) beside
each. float32 parts go with complex64, float64 with complex128."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.op_util import check_dtype_in, check_same_dtype, make_tensor, same_shape
from ..framework.registry import RegisterGradient, register_op
from .array_ops import reshape, shape, sum_to, zeros_like
from .indexing_ops import where_v2
from .math_ops import _binary_shape, equal, multiply, negative, reciprocal, truediv

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

_COMPLEX = {_dt.float32: _dt.complex64, _dt.float64: _dt.complex128}

register_op("Complex", _binary_shape, "complex")
for _t, _k in {
    "Real": "real",
    "Imag": "imag",
    "Conj": "conj",
    "Angle": "angle",
    "ComplexAbs": "complex_abs",
}.items():
    register_op(_t, same_shape, _k)


def complex(real: TensorLike, imag: TensorLike, name: str | None = None) -> Tensor:
    """``real + 1j * imag`` with broadcasting: float32 parts give complex64, float64 complex128.

    >>> with tf.Session() as sess:
    ...     print(sess.run(tf.complex([1.0, 2.0], [3.0, 4.0])))
    [1.+3.j 2.+4.j]
    """
    re, im = convert_to_tensor(real), convert_to_tensor(imag)
    check_same_dtype("Complex", [re, im], ("real", "imag"))
    check_dtype_in("Complex", re, tuple(_COMPLEX), "real")
    out = _COMPLEX[re.dtype]
    return make_tensor("Complex", [re, im], out, {"T": re.dtype, "Tout": out}, name or "Complex")


def _part(op_type: str, x: Tensor, name: str | None, out: _dt.DType) -> Tensor:
    check_dtype_in(op_type, x, (_dt.complex64, _dt.complex128), "input")
    return make_tensor(op_type, [x], out, {"T": x.dtype, "Tout": out}, name or op_type)


def real(input: TensorLike, name: str | None = None) -> Tensor:
    """The real part (a real tensor itself, as TF)."""
    x = convert_to_tensor(input)
    if not x.dtype.is_complex:
        return x
    return _part("Real", x, name, x.dtype.real_dtype)


def imag(input: TensorLike, name: str | None = None) -> Tensor:
    """The imaginary part (zeros for a real tensor, as TF)."""
    x = convert_to_tensor(input)
    if not x.dtype.is_complex:
        with name_scope(name, "Imag", [x]):
            return zeros_like(x)
    return _part("Imag", x, name, x.dtype.real_dtype)


def conj(x: TensorLike, name: str | None = None) -> Tensor:
    """The complex conjugate (a real tensor itself, as TF)."""
    t = convert_to_tensor(x)
    if t.dtype.is_complex:
        return make_tensor("Conj", [t], t.dtype, {"T": t.dtype}, name or "Conj")
    if not (t.dtype.is_floating or t.dtype.is_integer):
        raise TypeError(f"Expected numeric or variant tensor, got dtype {t.dtype!r}")
    return t


def angle(input: TensorLike, name: str | None = None) -> Tensor:
    """``atan2(imag, real)``; for a real tensor pi where it is negative, else 0, as TF."""
    x = convert_to_tensor(input)
    if not x.dtype.is_complex:
        with name_scope(name, "Angle", [x]):
            pi = constant(3.141592653589793, dtype=x.dtype)
            zero = zeros_like(x)
            return where_v2(x < zero, pi + zero, zero)
    return _part("Angle", x, name, x.dtype.real_dtype)


def complex_abs(x: Tensor, name: str | None = None) -> Tensor:
    """``|x|`` of a complex tensor (``ComplexAbs``; ``tf.abs`` builds it for complex inputs)."""
    return _part("ComplexAbs", x, name or "Abs", x.dtype.real_dtype)


@RegisterGradient("Complex")
def _complex_grad(op, grad):
    # d/d re = real(grad), d/d im = imag(grad), summed over broadcast dimensions
    re, im = op.inputs
    gr = reshape(sum_to(real(grad), re), shape(re))
    gi = reshape(sum_to(imag(grad), im), shape(im))
    return [gr, gi]


@RegisterGradient("Real")
def _real_grad(op, grad):
    # d/dz real(z): grad + 0j
    return [complex(grad, zeros_like(grad))]


@RegisterGradient("Imag")
def _imag_grad(op, grad):
    # d/dz imag(z): 0 + grad j
    return [complex(zeros_like(grad), grad)]


@RegisterGradient("Conj")
def _conj_grad(op, grad):
    return [conj(grad)]


@RegisterGradient("Angle")
def _angle_grad(op, grad):
    # -grad / (imag + real j), as TF
    x = op.inputs[0]
    z = reciprocal(complex(imag(x), real(x)))
    return [negative(multiply(complex(grad, zeros_like(grad)), z))]


@RegisterGradient("ComplexAbs")
def _complex_abs_grad(op, grad):
    # grad * z / |z|, 0 where |z| = 0 (TF's div_no_nan)
    x, y = op.inputs[0], op.outputs[0]
    ratio = truediv(multiply(complex(grad, zeros_like(grad)), x), complex(y, zeros_like(y)))
    return [where_v2(equal(complex(y, zeros_like(y)), zeros_like(x)), zeros_like(x), ratio)]
