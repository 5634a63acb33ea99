"""Every ``Tensor`` operator and ``Tensor.__getitem__``, installed once, here: above the op
families that implement them (as JAX installs its array methods from one module, to avoid
circular imports), so that ``framework.graph`` never imports an op family.

>>> x = tf.constant([[1.0, 2.0], [3.0, 4.0]])
>>> [t.op.type for t in (x + 1.0, x * x, -x, x @ x, x[0], x < 2.0, x // 2.0, x % 2.0)]
['Add', 'Mul', 'Neg', 'MatMul', 'StridedSlice', 'Less', 'FloorDiv', 'FloorMod']
"""

from __future__ import annotations

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


def _overload(fn, op_name=None, reverse=False):
    """An operator method named as TF names it: ``a + 1.0`` is node ``add`` with ``add/y``."""
    if op_name is None:
        return lambda self, other: fn(self, other)

    def method(self, other):
        with name_scope(None, op_name, [self, other]) as scope:
            if isinstance(other, Tensor) or hasattr(other, "_tflite_as_tensor"):
                other = convert_to_tensor(other)
            else:
                other = convert_to_tensor(other, dtype=self.dtype, name="x" if reverse else "y")
            return fn(other, self, name=scope) if reverse else fn(self, other, name=scope)

    return method


def _truediv(x, y, name=None):
    return divide(x, y, name=name or "truediv")


Tensor.__add__ = _overload(add, "add")
Tensor.__radd__ = _overload(add, "add", True)
Tensor.__sub__ = _overload(subtract, "sub")
Tensor.__rsub__ = _overload(subtract, "sub", True)
Tensor.__mul__ = _overload(multiply, "mul")
Tensor.__rmul__ = _overload(multiply, "mul", True)
Tensor.__truediv__ = _overload(_truediv, "truediv")
Tensor.__rtruediv__ = _overload(_truediv, "truediv", True)
Tensor.__floordiv__ = _overload(floordiv, "floordiv")
Tensor.__rfloordiv__ = _overload(floordiv, "floordiv", True)
Tensor.__mod__ = _overload(floormod, "mod")
Tensor.__rmod__ = _overload(floormod, "mod", True)
Tensor.__pow__ = _overload(pow, "pow")
Tensor.__rpow__ = _overload(pow, "pow", True)
Tensor.__matmul__ = _overload(matmul, "matmul")
Tensor.__rmatmul__ = _overload(matmul, "matmul", True)
Tensor.__lt__ = _overload(less)
Tensor.__le__ = _overload(less_equal)
Tensor.__gt__ = _overload(greater)
Tensor.__ge__ = _overload(greater_equal)
Tensor.__neg__ = lambda self: negative(self)
Tensor.__abs__ = lambda self: abs(self)
Tensor.__getitem__ = getitem
