"""The op registry: per op type a shape function, a kernel and a gradient, defined together.

An op family's file registers each op it defines with :func:`register_op` and puts its gradient
beside it with :func:`RegisterGradient` (or declares it :func:`NotDifferentiable`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional, Sequence


@dataclass
class OpDef:
    """How one op type is shaped, executed and differentiated.

    ``shape_fn(op, in_shapes, value_of)`` returns the output shapes from the input shapes (static
    ones at graph build, concrete ones when a plan is compiled); ``value_of(i)`` gives input ``i``'s
    value where it is known (constants, shapes) or ``None``.
    ``kernel`` names the C++ kernel; ``kernel_inputs`` picks the inputs it receives (others are
    only read for their shape or value when the plan is compiled); ``value_inputs`` are the
    inputs whose *values* the shape function reads (a shape tensor; when one is fed, its value
    becomes part of the plan's cache key); ``alias_if(in_shapes, out_shapes)``, when true for the
    concrete shapes, makes the op an alias of input 0 in that plan (no kernel, no copy: e.g. a
    gradient reduction that reduces nothing); ``attrs_fn(op, in_shapes,
    out_shapes, value_of)`` returns the kernel's ``(ints, floats)``.
    ``kind``: "kernel", "const", "placeholder", "variable", "assign" (writes input 0, a variable),
    "alias" (output shares input 0's buffer), "noop", "random", "shape" (a compile-time value).
    """

    type: str
    shape_fn: Callable
    kernel: Optional[str] = None
    kernel_inputs: Optional[Sequence[int]] = None
    value_inputs: Sequence[int] = ()
    alias_if: Optional[Callable] = None
    attrs_fn: Optional[Callable] = None
    kind: str = "kernel"
    grad: Optional[Callable] = None
    not_differentiable: bool = False
    stateful: bool = False
    extra: dict = field(default_factory=dict)


_OPS: dict[str, OpDef] = {}


def register_op(type_name: str, shape_fn: Callable, kernel: Optional[str] = None, **kw) -> OpDef:
    if type_name in _OPS:
        raise KeyError(f"Op type {type_name!r} is already registered")
    d = OpDef(type_name, shape_fn, kernel, **kw)
    _OPS[type_name] = d
    return d


def get_op_def(type_name: str) -> OpDef:
    try:
        return _OPS[type_name]
    except KeyError:
        raise LookupError(f"No op registered for type {type_name!r}") from None


def registered_ops() -> dict[str, OpDef]:
    return dict(_OPS)


class RegisterGradient:
    """Decorator: ``@RegisterGradient("MatMul") def _grad(op, grad): ...``."""

    def __init__(self, op_type: str):
        self._op_type = op_type

    def __call__(self, fn: Callable) -> Callable:
        d = get_op_def(self._op_type)
        if d.grad is not None or d.not_differentiable:
            raise KeyError(f"Gradient for {self._op_type!r} is already registered")
        d.grad = fn
        return fn


def NotDifferentiable(op_type: str) -> None:  # noqa: N802 - TF's name
    """Declares that ``op_type`` has no gradient (gradients stop there)."""
    get_op_def(op_type).not_differentiable = True


NoGradient = NotDifferentiable
