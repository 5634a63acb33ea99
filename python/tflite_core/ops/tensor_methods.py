"""Every ``Tensor`` operator and ``Tensor.__getitem__``, installed once, here: above the op
families that implement them (as JAX installs its array methods from one module, to avoid
circular imports), so that ``framework.graph`` never imports an op family.

>>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
>>> [t.op.type for t in (x + 1.0, x * x, -x, x @ x, x[0], x < 2.0, x // 2.0, x % 2.0)]
['Add', 'Mul', 'Neg', 'MatMul', 'StridedSlice', 'Less', 'FloorDiv', 'FloorMod']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, name_scope
from .math_ops import (
    abs,
    add,
    divide,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    matmul,
    multiply,
    negative,
    pow,
    subtract,
)
from .slicing_ops import getitem

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


def _overload(
    fn: Callable[..., Tensor], op_name: str | None = None, reverse: bool = False
) -> Callable[[Tensor, Any], Tensor]:
    """An operator method named as TF names it: ``a + 1.0`` is node ``add`` with ``add/y``."""
    if op_name is None:
        return lambda self, other: fn(self, other)

    def method(self: Tensor, other: Any) -> Tensor:
        with name_scope(None, op_name, [self, other]) as scope:
            if isinstance(other, Tensor) or hasattr(other, "_tflite_as_tensor"):
                other = convert_to_tensor(other)
            else:
                other = convert_to_tensor(other, dtype=self.dtype, name="x" if reverse else "y")
            return fn(other, self, name=scope) if reverse else fn(self, other, name=scope)

    return method


def _truediv(x: TensorLike, y: TensorLike, name: str | None = None) -> Tensor:
    return divide(x, y, name=name or "truediv")


# declared (typed) in the Tensor class body under TYPE_CHECKING; installed here
_METHODS: dict[str, Callable[..., Tensor]] = {
    "__add__": _overload(add, "add"),
    "__radd__": _overload(add, "add", True),
    "__sub__": _overload(subtract, "sub"),
    "__rsub__": _overload(subtract, "sub", True),
    "__mul__": _overload(multiply, "mul"),
    "__rmul__": _overload(multiply, "mul", True),
    "__truediv__": _overload(_truediv, "truediv"),
    "__rtruediv__": _overload(_truediv, "truediv", True),
    "__floordiv__": _overload(floordiv, "floordiv"),
    "__rfloordiv__": _overload(floordiv, "floordiv", True),
    "__mod__": _overload(floormod, "mod"),
    "__rmod__": _overload(floormod, "mod", True),
    "__pow__": _overload(pow, "pow"),
    "__rpow__": _overload(pow, "pow", True),
    "__matmul__": _overload(matmul, "matmul"),
    "__rmatmul__": _overload(matmul, "matmul", True),
    "__lt__": _overload(less),
    "__le__": _overload(less_equal),
    "__gt__": _overload(greater),
    "__ge__": _overload(greater_equal),
    "__neg__": lambda self: negative(self),
    "__abs__": lambda self: abs(self),
    "__getitem__": getitem,
}
for _name, _method in _METHODS.items():
    setattr(Tensor, _name, _method)
