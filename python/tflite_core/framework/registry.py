"""The op registry: per op type a shape function, a kernel and a gradient, defined together.

An op family's file registers each op it defines with :func:`register_op` and puts its gradient
beside it with :func:`RegisterGradient` (or declares it :func:`NotDifferentiable`).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

ShapeFn = Callable[..., list]
"""``shape_fn(op, in_shapes, value_of) -> [TensorShape, ...]`` (one per output)."""
AttrsFn = Callable[..., tuple]
"""``attrs_fn(op, in_shapes, out_shapes, value_of) -> (ints, floats)`` for the kernel."""


class OpKind(enum.Enum):
    """How the Session compiles an op into a plan (one emitter per kind, ``client/emitters.py``)."""

    KERNEL = "kernel"
    """A C++ kernel step: inputs ``kernel_inputs`` in, fresh output buffers out."""
    CONST = "const"
    """A constant: its value is copied into a plan buffer once, when the plan compiles."""
    PLACEHOLDER = "placeholder"
    """A value that must be fed (an unfed one is an InvalidArgumentError)."""
    VARIABLE = "variable"
    """State owned by the Session: the plan reads the Session's buffer in place."""
    ASSIGN = "assign"
    """Writes its first ``refs`` inputs (a variable and its slots) in place with ``kernel``."""
    ALIAS = "alias"
    """Output 0 shares input 0's buffer (identity, reshape): no kernel, no copy."""
    NOOP = "noop"
    """Nothing to run (``tf.no_op``, ``tf.group``): only its control inputs matter."""
    RANDOM = "random"
    """A kernel that also receives the op's per-session Philox counter."""
    SHAPE = "shape"
    """A value computed from input shapes when the plan compiles (``value_fn``)."""
    CONTROL = "control"
    """A step that runs the plans of function bodies (``If``, ``While``): ``client/control.py``."""
    HOST = "host"
    """Computed in Python after the plan, from values the plan fetches (``host_fn``): summaries;
    with ``feeds_plan``, also before a plan whose kernels read its outputs (``tf.py_func``)."""
    CALLBACK = "callback"
    """A plan step that calls back into Python while the plan runs (``callback_fn``): printing."""


@dataclass
class OpDef:
    """How one op type is shaped, executed and differentiated.

    ``shape_fn(op, in_shapes, value_of)`` returns the output shapes from the input shapes (static
    ones at graph build, concrete ones when a plan is compiled); ``value_of(i)`` gives input ``i``'s
    value where it is known (constants, shapes) or ``None``.
    ``kernel`` names the C++ kernel; ``kernel_inputs`` picks the inputs it receives (others are
    only read for their shape or value when the plan is compiled); ``value_inputs`` are the
    inputs whose *values* the shape function reads (a shape tensor, an axis, a permutation...;
    a fed one's value becomes part of the plan's cache key, one computed when the graph runs is
    computed by a pre-plan first; an index past an op's inputs: an optional value input, such
    as a run-time axis where a constant one is an attribute); ``alias_if(in_shapes,
    out_shapes)``, when true for the concrete shapes, makes the op an alias of input 0 in that
    plan (no kernel, no copy: e.g. a gradient reduction that reduces nothing);
    ``attrs_fn(op, in_shapes, out_shapes, value_of)`` returns the kernel's ``(ints, floats)``.

    Fields of particular kinds: ``value_fn(op, concrete_input_shapes, value_of)`` gives a SHAPE
    op's value (``value_of`` for its ``value_inputs``, such as run-time reduction axes);
    ``host_fn(op, *input_values)`` computes a HOST op's outputs; ``refs`` is the number of
    leading inputs an ASSIGN op writes in place. ``callback_fn(op, sess)`` gives a CALLBACK op's
    ``fn(inputs, outputs)``, called with NumPy arrays over the step's buffers (its kernel
    inputs; outputs written in place). ``feeds_plan``: a HOST op whose outputs kernels may read
    (computed first by a pre-plan, then fed to the plan). ``error_fn(op, message,
    input_values)``, when given, builds the error raised when the op's step fails (from the
    kernel's message and the values of the op's inputs: ``None`` where not known), e.g. an
    Assert's message from its data. ``graphdef_dtype(op)``, when given, is the
    ``T`` attribute the op's ``NodeDef`` carries (``None``: no ``T``), for op types whose TF
    definition names its type attribute otherwise. ``inplace``: the input a KERNEL op may
    overwrite (its output then takes that input's buffer) where nothing else reads it.
    """

    type: str
    shape_fn: ShapeFn
    kernel: str | None = None
    kernel_inputs: Sequence[int] | slice | Callable[..., Sequence[int]] | None = None
    value_inputs: Sequence[int] | Callable[..., Sequence[int]] = ()
    alias_if: Callable[..., bool] | None = None
    attrs_fn: AttrsFn | None = None
    kind: OpKind = OpKind.KERNEL
    grad: Callable[..., Any] | None = None
    not_differentiable: bool = False
    stateful: bool = False
    value_fn: Callable[..., Any] | None = None
    host_fn: Callable[..., Any] | None = None
    refs: int = 1
    callback_fn: Callable[..., Any] | None = None
    feeds_plan: bool = False
    error_fn: Callable[..., Any] | None = None
    graphdef_dtype: Callable[..., Any] | None = None
    inplace: int | None = None

    def kernel_input_indices(self, op: Any) -> Sequence[int]:
        """The inputs of ``op`` its kernel receives (``kernel_inputs``: all when None; a slice;
        a function of the op, for ops whose trailing inputs are values only some of them have)."""
        k = self.kernel_inputs
        n_inputs = len(op._inputs)
        if k is None:
            return range(n_inputs)
        if isinstance(k, slice):
            return range(*k.indices(n_inputs))
        if callable(k):
            return k(op)
        return k

    def value_input_indices(self, op: Any) -> list[int]:
        """The ``value_inputs`` ``op`` has (negative: from the end; an index past the end: an
        optional input this op was made without)."""
        n_inputs = len(op._inputs)
        v = self.value_inputs
        if callable(v):
            return list(v(op))
        return [i % n_inputs for i in v if -n_inputs <= i < n_inputs]

    def check(self) -> None:
        """Raises when a field its kind needs is missing (``register_op`` calls it)."""
        if not isinstance(self.kind, OpKind):
            raise TypeError(f"Op type {self.type!r}: kind must be an OpKind, got {self.kind!r}")
        if self.kind is OpKind.SHAPE and self.value_fn is None:
            raise ValueError(f"Op type {self.type!r}: a SHAPE op needs a value_fn")
        if self.kind is OpKind.HOST and self.host_fn is None:
            raise ValueError(f"Op type {self.type!r}: a HOST op needs a host_fn")
        if self.kind is OpKind.CALLBACK and self.callback_fn is None:
            raise ValueError(f"Op type {self.type!r}: a CALLBACK op needs a callback_fn")
        if self.kind in (OpKind.KERNEL, OpKind.ASSIGN, OpKind.RANDOM) and self.kernel is None:
            raise ValueError(f"Op type {self.type!r}: a {self.kind.name} op needs a kernel")


class RunTimeValues:
    """The ``value_of`` that a plan's compile step gives shape and attribute functions (the
    shapes are then a run's concrete ones): ``value_of(i)`` as at graph build, and its type tells
    the few shape functions whose TF kernel differs from TF's static shape rule (reshape of empty
    tensors, VALID windows larger than the input) to follow the kernel (:func:`at_run_time`)."""

    __slots__ = ("_fn",)

    def __init__(self, fn: Callable[[int], Any]):
        self._fn = fn

    def __call__(self, i: int) -> Any:
        return self._fn(i)


def at_run_time(value_of: Any) -> bool:
    """Whether a shape function is called for a plan (concrete shapes of a run: TF's kernel
    rules) rather than at graph build (TF's static shape inference)."""
    return isinstance(value_of, RunTimeValues)


_OPS: dict[str, OpDef] = {}


def register_op(
    type_name: str, shape_fn: ShapeFn, kernel: str | None = None, **fields: Any
) -> OpDef:
    """Registers op type ``type_name`` (a ``KeyError`` if it exists); ``fields`` are ``OpDef``'s."""
    if type_name in _OPS:
        raise KeyError(f"Op type {type_name!r} is already registered")
    d = OpDef(type_name, shape_fn, kernel, **fields)
    d.check()
    _OPS[type_name] = d
    return d


def get_op_def(type_name: str) -> OpDef:
    try:
        return _OPS[type_name]
    except KeyError:
        raise LookupError(f"No op registered for type {type_name!r}") from None


def registered_ops() -> dict[str, OpDef]:
    return dict(_OPS)


_GRADIENTS: dict[str, Callable[..., Any] | None] = {}
"""Gradients registered under names that are no op type (``gradient_override_map`` targets,
``tf.custom_gradient``'s); None: not differentiable."""


class RegisterGradient:
    """Decorator: ``@RegisterGradient("MatMul") def _grad(op, grad): ...``; a name that is no
    registered op type (a ``Graph.gradient_override_map`` target) is registered on its own."""

    def __init__(self, op_type: str):
        if not isinstance(op_type, str):
            raise TypeError("op_type must be a string")
        self._op_type = op_type

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        d = _OPS.get(self._op_type)
        if d is None:
            if self._op_type in _GRADIENTS:
                raise KeyError(f"Registering two gradient with name '{self._op_type}'!")
            _GRADIENTS[self._op_type] = fn
            return fn
        if d.grad is not None or d.not_differentiable:
            raise KeyError(f"Gradient for {self._op_type!r} is already registered")
        d.grad = fn
        return fn


def NotDifferentiable(op_type: str) -> None:
    """Declares that ``op_type`` has no gradient (gradients stop there); TF's name."""
    if not isinstance(op_type, str):
        raise TypeError("op_type must be a string")
    d = _OPS.get(op_type)
    if d is None:
        _GRADIENTS[op_type] = None
    else:
        d.not_differentiable = True


no_gradient = NotDifferentiable


def gradient_of(op: Any) -> tuple[Callable[..., Any] | None, bool]:
    """``(gradient function, not differentiable)`` of an op: its type's, or the one registered
    under its ``_gradient_op_type`` (``gradient_override_map``)."""
    name = op._attrs.get("_gradient_op_type")
    if name is not None:
        if name in _GRADIENTS:
            fn = _GRADIENTS[name]
            return fn, fn is None
        if name in _OPS:
            return _OPS[name].grad, _OPS[name].not_differentiable
        raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {name})")
    d = op._def
    return d.grad, d.not_differentiable


NoGradient = NotDifferentiable
