"""Variables: state that lives in a Session, initialised by running their initializers."""

from __future__ import annotations

import contextlib
import enum
import functools
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Callable

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.func_graph import outside_function_bodies
from ..framework.graph import (
    GraphKeys,
    Tensor,
    TensorOperators,
    constant_value,
    default_session_or,
    get_default_graph,
    name_scope,
    shape_error,
)
from ..framework.meta_graph_protos import meta_protos
from ..framework.op_util import make_tensor
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.scoped_names import prepend_name_scope, strip_name_scope
from ..framework.tensor_shape import as_shape
from .array_ops import identity
from .control_flow_ops import group, no_op
from .count_up_to_op import count_up_to

if TYPE_CHECKING:
    from ..framework.graph import Graph, Operation
    from ..framework.tensor_shape import TensorShape
    from ..framework.type_aliases import DTypeLike, SessionLike, ShapeLike, TensorLike


def _variable_shape(op, in_shapes, value_of):
    return [op.get_attr("shape")]


register_op("VariableV2", _variable_shape, kind=OpKind.VARIABLE, stateful=True)
NotDifferentiable("VariableV2")


def _assign_shape(op, in_shapes, value_of):
    ref, value = in_shapes[0], in_shapes[1]
    if op.get_attr("validate_shape") and not ref.is_compatible_with(value):
        raise shape_error(
            op.type, op.name, f"Shapes must be equal but {ref} and {value} differ", in_shapes
        )
    return [ref]


for _t, _k in (("Assign", "assign"), ("AssignAdd", "assign_add"), ("AssignSub", "assign_sub")):
    register_op(_t, _assign_shape, _k, kernel_inputs=(1,), kind=OpKind.ASSIGN, stateful=True)
    NotDifferentiable(_t)


def _ref_of(ref: Variable | Tensor) -> Tensor:
    if isinstance(ref, Variable):
        return ref._variable
    if isinstance(ref, Tensor) and ref.op.type == "VariableV2":
        return ref
    raise TypeError(f"'ref' must be a Variable or a variable's ref tensor, got {ref!r}")


def _assign(
    op_type: str,
    ref: Variable | Tensor,
    value: TensorLike,
    validate_shape: bool | None,
    name: str | None,
) -> Tensor:
    r = _ref_of(ref)
    v = convert_to_tensor(value, dtype=r.dtype)
    attrs = {
        "validate_shape": True if validate_shape is None else bool(validate_shape),
        "T": r.dtype,
    }
    return make_tensor(op_type, [r, v], r.dtype, attrs, name or op_type)


def assign(
    ref: Variable | Tensor,
    value: TensorLike,
    validate_shape: bool | None = None,
    use_locking: bool | None = None,
    name: str | None = None,
) -> Tensor:
    """Stores ``value`` in the variable ``ref``; evaluates to the new value."""
    return _assign("Assign", ref, value, validate_shape, name)


def assign_add(
    ref: Variable | Tensor,
    value: TensorLike,
    use_locking: bool | None = None,
    name: str | None = None,
) -> Tensor:
    return _assign("AssignAdd", ref, value, True, name)


def assign_sub(
    ref: Variable | Tensor,
    value: TensorLike,
    use_locking: bool | None = None,
    name: str | None = None,
) -> Tensor:
    return _assign("AssignSub", ref, value, True, name)


def _lifted(iv: Tensor) -> Tensor:
    """An initial value made inside a loop or cond body, for a variable created there (which
    lives outside): a constant is made again outside; other values cannot leave the body."""
    g = get_default_graph()
    if iv.graph is g or not iv.graph._encloses(g):
        return iv
    value = constant_value(iv)
    if value is None:
        raise ValueError(
            f"The initial value of a variable created inside a tf.while_loop or tf.cond body "
            f"({iv.name}) must be a constant or be made by an initializer function"
        )
    return constant(value, dtype=iv.dtype, name="initial_value")


_CREATOR_ARGS = (
    "initial_value",
    "trainable",
    "collections",
    "validate_shape",
    "caching_device",
    "name",
    "variable_def",
    "dtype",
    "expected_shape",
    "import_scope",
    "constraint",
    "use_resource",
    "synchronization",
    "aggregation",
    "shape",
)
_CREATOR_DEFAULTS: dict[str, Any] = {"trainable": True, "validate_shape": True}


def _creator_stack(graph: Graph) -> list:
    """The graph's variable creators, innermost last (``tf.variable_creator_scope``)."""
    stack = graph.__dict__.get("_variable_creator_stack")
    if stack is None:
        stack = graph.__dict__["_variable_creator_stack"] = []
    return stack


class _VariableMeta(type):
    """Routes ``Variable(...)`` through the default graph's variable creators, innermost first,
    each called as ``creator(next_creator, **kwargs)`` with TF's keyword arguments."""

    def __call__(cls, *args, **kwargs):
        stack = _creator_stack(get_default_graph())
        if not stack:
            return super().__call__(*args, **kwargs)
        if len(args) > len(_CREATOR_ARGS):
            raise TypeError(f"Variable() takes at most {len(_CREATOR_ARGS)} positional arguments")
        for k, v in zip(_CREATOR_ARGS, args):
            if k in kwargs:
                raise TypeError(f"Variable() got multiple values for argument '{k}'")
            kwargs[k] = v
        full = {k: kwargs.get(k, _CREATOR_DEFAULTS.get(k)) for k in _CREATOR_ARGS}
        full["experimental_enable_variable_lifting"] = kwargs.get(
            "experimental_enable_variable_lifting", True
        )

        def base(**kw):
            kw.pop("experimental_enable_variable_lifting", None)
            return super(_VariableMeta, cls).__call__(**kw)

        creator = base
        for outer in stack:  # the outermost wraps the base; the innermost is called first
            creator = functools.partial(outer, creator)
        return creator(**full)


@contextlib.contextmanager
def variable_creator_scope(variable_creator: Callable[..., Any]) -> Iterator[None]:
    """Within it, every variable made in the default graph (``tf.Variable``, ``tf.get_variable``)
    is made by ``variable_creator(next_creator, **kwargs)``, which may change the arguments or
    return another variable; nested scopes call the innermost creator first."""
    stack = _creator_stack(get_default_graph())
    stack.append(variable_creator)
    try:
        yield
    finally:
        del stack[len(stack) - 1 - stack[::-1].index(variable_creator)]


class Variable(TensorOperators, metaclass=_VariableMeta):
    """A variable: ``w = tf.Variable(tf.random_normal([3, 3]), name='w')``.

    Its value lives in each Session; run ``initializer`` (or ``global_variables_initializer()``)
    before reading it. In the graph it is three nodes, as in TF: ``w`` (VariableV2),
    ``w/Assign`` (its initializer) and ``w/read`` (the value other ops consume).
    """

    def __init__(
        self,
        initial_value: TensorLike | Callable[[], TensorLike] | None = None,
        trainable: bool = True,
        collections: Iterable[str] | None = None,
        validate_shape: bool = True,
        caching_device: str | None = None,
        name: str | None = None,
        variable_def: Any = None,
        dtype: DTypeLike | None = None,
        expected_shape: ShapeLike | None = None,
        import_scope: str | None = None,
        constraint: Callable[[Any], Any] | None = None,
        use_resource: bool | None = None,
        synchronization: Any = None,
        aggregation: Any = None,
        shape: ShapeLike | None = None,
    ) -> None:
        if variable_def is not None:  # the variable whose ops a VariableDef names
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            self._init_from_proto(variable_def, import_scope)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        collections = [GraphKeys.GLOBAL_VARIABLES] if collections is None else list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        self._trainable = bool(trainable)
        if constraint is not None and not callable(constraint):
            raise ValueError(
                f"The `constraint` argument must be a callable. Received: {constraint}"
            )
        self._constraint = constraint
        init_from_fn = callable(initial_value)
        with (
            outside_function_bodies(),
            get_default_graph().control_dependencies(None),  # as TF's init_scope
            name_scope(name, "Variable", [] if init_from_fn else [initial_value]) as scope,
        ):
            g = get_default_graph()
            # an initializer function's ops get no device (TF: they go where the variable goes)
            with g.device(None) if init_from_fn else contextlib.nullcontext():
                if callable(initial_value):
                    with name_scope("Initializer"):
                        initial_value = initial_value()
                dt = None if dtype is None else _dt.as_dtype(dtype)
                iv = (
                    convert_to_tensor(initial_value, name="initial_value", dtype=dt)
                    if not isinstance(initial_value, Tensor)
                    else _lifted(initial_value)
                )
            if dt is not None and iv.dtype != dt:
                raise ValueError(
                    f"Incompatible dtypes: initial value {iv.dtype.name}, variable {dt.name}"
                )
            self._initial_value = iv
            var_shape = as_shape(shape) if shape is not None else iv.shape
            if validate_shape and not var_shape.is_fully_defined():
                raise ValueError(f"initial_value must have a shape specified: {iv}")
            self._variable = make_tensor(
                "VariableV2",
                [],
                iv.dtype,
                {"shape": var_shape, "dtype": iv.dtype, "container": "", "shared_name": ""},
                scope,
            )
            self._initializer_op = _assign(
                "Assign", self._variable, iv, validate_shape, "Assign"
            ).op
            if caching_device is not None:
                with g.device(caching_device):
                    self._snapshot = identity(self._variable, name="read")
            else:  # on the variable's device
                with g._colocated(self._variable.op):
                    self._snapshot = identity(self._variable, name="read")
        self._variable.graph.add_to_collections(collections, self)

    def _init_from_proto(self, variable_def: Any, import_scope: str | None) -> None:
        """The variable of the default graph's ops that ``variable_def`` (a ``VariableDef``)
        names, under ``import_scope`` (``import_meta_graph`` rebuilds variables so); not added
        to any collection."""
        g = get_default_graph()

        def element(name: str) -> Any:
            return g.as_graph_element(prepend_name_scope(name, import_scope))

        self._variable = element(variable_def.variable_name)
        self._initializer_op = element(variable_def.initializer_name)
        iv = variable_def.initial_value_name
        self._initial_value = element(iv) if iv else self._variable
        self._snapshot = element(variable_def.snapshot_name)
        self._trainable = bool(getattr(variable_def, "trainable", True))
        self._constraint = None

    @staticmethod
    def from_proto(variable_def: Any, import_scope: str | None = None) -> Variable:
        """The variable a ``VariableDef`` names (TF's ``Variable.from_proto``)."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    def to_proto(self, export_scope: str | None = None) -> Any:
        """This variable as a ``VariableDef`` (names without ``export_scope``), or None when
        it is not under ``export_scope``."""
        if export_scope is not None and not self._variable.name.startswith(export_scope):
            return None
        d = meta_protos().VariableDef()
        d.variable_name = strip_name_scope(self._variable.name, export_scope)
        d.initial_value_name = strip_name_scope(self._initial_value.name, export_scope)
        d.initializer_name = strip_name_scope(self._initializer_op.name, export_scope)
        d.snapshot_name = strip_name_scope(self._snapshot.name, export_scope)
        d.trainable = self._trainable
        return d

    def count_up_to(self, limit: int) -> Tensor:
        """Increments this integer variable; its old value (OutOfRangeError at ``limit``)."""
        return count_up_to(self, limit)

    # -- identity -------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        return self._variable.name

    @property
    def op(self) -> Operation:
        return self._variable.op

    @property
    def dtype(self) -> _dt.DType:
        return self._variable.dtype

    @property
    def graph(self) -> Graph:
        return self._variable.graph

    @property
    def device(self) -> str:
        return self._variable.device

    @property
    def initializer(self) -> Operation:
        return self._initializer_op

    @property
    def initial_value(self) -> Tensor:
        return self._initial_value

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def constraint(self) -> Callable[[Any], Any] | None:
        """The projection optimizers apply after each update (``None``: none)."""
        return self._constraint

    @property
    def shape(self) -> TensorShape:
        return self._variable.shape

    def get_shape(self) -> TensorShape:
        return self._variable.shape

    def _as_graph_element(self) -> Tensor:
        return self._variable

    def _tflite_as_tensor(self) -> Tensor:
        return self._snapshot

    def value(self) -> Tensor:
        """The ``w/read`` tensor that ops consume."""
        return self._snapshot

    def read_value(self) -> Tensor:
        return identity(self._variable, name="read")

    def initialized_value(self) -> Tensor:
        with get_default_graph().control_dependencies([self._initializer_op]):
            return identity(self._initial_value)

    # -- updates --------------------------------------------------------------------------------
    def assign(
        self,
        value: TensorLike,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        return assign(self, value, name=name)

    def assign_add(
        self,
        delta: TensorLike,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        return assign_add(self, delta, name=name)

    def assign_sub(
        self,
        delta: TensorLike,
        use_locking: bool = False,
        name: str | None = None,
        read_value: bool = True,
    ) -> Tensor:
        return assign_sub(self, delta, name=name)

    def eval(self, session: SessionLike | None = None) -> Any:
        return self._variable.eval(session=session)

    def load(self, value: Any, session: SessionLike | None = None) -> None:
        """Loads ``value`` into this variable in ``session`` (default: the default session)."""
        default_session_or(session)._load_variable(self, value)

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}_ref>"

    __hash__ = object.__hash__

    def __iter__(self) -> Iterator[Tensor]:
        raise TypeError("'Variable' object is not iterable.")

    def __bool__(self) -> bool:
        raise TypeError("Using a `tf.Variable` as a Python `bool` is not allowed.")

    __array_priority__ = 100
    __array_ufunc__ = None  # make NumPy defer to our reflected operators


def _delegate(name: str) -> Callable[..., Tensor]:
    def method(self: Variable, *args: Any) -> Tensor:
        return getattr(self._snapshot, name)(*args)

    method.__name__ = name
    return method


for _m in (
    "__add__",
    "__radd__",
    "__sub__",
    "__rsub__",
    "__mul__",
    "__rmul__",
    "__truediv__",
    "__rtruediv__",
    "__floordiv__",
    "__rfloordiv__",
    "__mod__",
    "__rmod__",
    "__pow__",
    "__rpow__",
    "__matmul__",
    "__rmatmul__",
    "__neg__",
    "__abs__",
    "__lt__",
    "__le__",
    "__gt__",
    "__ge__",
    "__getitem__",
):
    setattr(Variable, _m, _delegate(_m))


# ---- collections and initializers ----------------------------------------------------------------
def global_variables(scope: str | None = None) -> list[Variable]:
    """All global variables of the default graph (``tf.all_variables`` in TF 0.x)."""
    return get_default_graph().get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def local_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def trainable_variables(scope: str | None = None) -> list[Variable]:
    return get_default_graph().get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def model_variables(scope: str | None = None) -> list[Variable]:
    """The variables of collection ``MODEL_VARIABLES`` (those a model's layers register)."""
    return get_default_graph().get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope: str | None = None) -> list[Variable]:
    """The variables of collection ``MOVING_AVERAGE_VARIABLES`` (those an
    ``ExponentialMovingAverage`` maintains averages of)."""
    return get_default_graph().get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


class VariableSynchronization(enum.Enum):
    """When a distributed variable's copies are synchronised (one copy here: all the same)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """How a distributed variable's updates combine (one copy here: all the same)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


def variables_initializer(var_list: Iterable[Variable], name: str = "init") -> Operation:
    """An op that runs the initializers of ``var_list``."""
    var_list = list(var_list)
    if not var_list:
        return no_op(name=name)
    return group(*[v.initializer for v in var_list], name=name)


def global_variables_initializer() -> Operation:
    """An op that initialises every global variable.

    ``sess.run(tf.global_variables_initializer())`` (TF 0.x: ``tf.initialize_all_variables()``).
    """
    return variables_initializer(global_variables())


def local_variables_initializer() -> Operation:
    return variables_initializer(local_variables(), name="init")


all_variables = global_variables
initialize_all_variables = global_variables_initializer
initialize_variables = variables_initializer
initialize_local_variables = local_variables_initializer
