"""The data-flow graph: ``Graph``, ``Operation``, ``Tensor``, name scopes, control dependencies,
collections, and the default-graph and default-session stacks (as TF keeps both in
``framework/ops.py``: ``Tensor.eval`` and ``Operation.run`` need the default session, and the
Session, one layer up, only registers itself here)."""

from __future__ import annotations

import contextlib
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal, Union, cast

import numpy as np

from . import dtypes as _dt
from .device_spec import canonical as _canonical_device
from .device_spec import device_string as _device_string
from .device_spec import merge as _merge_device
from .graph_def import GRAPH_DEF_VERSION, as_graph_def, node_def
from .op_dtypes import check_op
from .protos import protos
from .registry import OpKind, get_op_def
from .runtime import core
from .tensor_shape import TensorShape, as_shape, shape_str

if TYPE_CHECKING:
    from .type_aliases import FeedDict, OpOrTensor, SessionLike, ShapeLike, TensorLike


class GraphKeys:
    """Standard collection names (``tf.GraphKeys``)."""

    GLOBAL_VARIABLES = "variables"
    VARIABLES = GLOBAL_VARIABLES
    LOCAL_VARIABLES = "local_variables"
    METRIC_VARIABLES = "metric_variables"
    MODEL_VARIABLES = "model_variables"
    TRAINABLE_VARIABLES = "trainable_variables"
    TRAINABLE_RESOURCE_VARIABLES = "trainable_resource_variables"
    MOVING_AVERAGE_VARIABLES = "moving_average_variables"
    CONCATENATED_VARIABLES = "concatenated_variables"
    SUMMARIES = "summaries"
    SUMMARY_OP = "summary_op"
    QUEUE_RUNNERS = "queue_runners"
    TABLE_INITIALIZERS = "table_initializer"
    ASSET_FILEPATHS = "asset_filepaths"
    RESOURCES = "resources"
    LOCAL_RESOURCES = "local_resources"
    SAVEABLE_OBJECTS = "saveable_objects"
    TRAIN_OP = "train_op"
    GLOBAL_STEP = "global_step"
    EVAL_STEP = "eval_step"
    UPDATE_OPS = "update_ops"
    LOSSES = "losses"
    REGULARIZATION_LOSSES = "regularization_losses"
    WEIGHTS = "weights"
    BIASES = "biases"
    ACTIVATIONS = "activations"
    INIT_OP = "init_op"
    LOCAL_INIT_OP = "local_init_op"
    READY_OP = "ready_op"
    READY_FOR_LOCAL_INIT_OP = "ready_for_local_init_op"
    SAVERS = "savers"
    COND_CONTEXT = "cond_context"
    WHILE_CONTEXT = "while_context"


_VALID_OP_NAME = re.compile(r"^[A-Za-z0-9.][A-Za-z0-9_.\-/>]*$")

DeviceEntry = Union[str, Callable[[Any], Any], None]  # a tf.device context (Graph._device_stack)


def _ref_ops(op: Operation) -> list[Operation]:
    """The ops whose outputs ``op`` takes by reference in TF (a variable it writes in place, or
    checks): TF's op builder colocates ``op`` with them."""
    d = op._def
    if d.kind is OpKind.ASSIGN:
        return [t.op for t in op._inputs[: d.refs]]
    if op._type == "CountUpTo":  # (the variable is an attribute here, not an input)
        var = op._attrs.get("_variable")
        return [var] if isinstance(var, Operation) else []
    if op._type == "IsVariableInitialized":
        if op._inputs:
            return [op._inputs[0].op]
        var = op._graph._ops_by_name.get(op._attrs.get("variable") or "")
        return [var] if var is not None else []
    return []


class TensorOperators:
    """The operators of ``Tensor`` and ``Variable`` as type checkers see them: installed at import
    time by ``ops/tensor_methods.py`` (above the op families) and by ``Variable`` (each delegating
    to its ``read`` tensor's); at run time this class is empty."""

    if TYPE_CHECKING:

        def __add__(self, other: TensorLike) -> Tensor: ...
        def __radd__(self, other: TensorLike) -> Tensor: ...
        def __sub__(self, other: TensorLike) -> Tensor: ...
        def __rsub__(self, other: TensorLike) -> Tensor: ...
        def __mul__(self, other: TensorLike) -> Tensor: ...
        def __rmul__(self, other: TensorLike) -> Tensor: ...
        def __truediv__(self, other: TensorLike) -> Tensor: ...
        def __rtruediv__(self, other: TensorLike) -> Tensor: ...
        def __floordiv__(self, other: TensorLike) -> Tensor: ...
        def __rfloordiv__(self, other: TensorLike) -> Tensor: ...
        def __mod__(self, other: TensorLike) -> Tensor: ...
        def __rmod__(self, other: TensorLike) -> Tensor: ...
        def __pow__(self, other: TensorLike) -> Tensor: ...
        def __rpow__(self, other: TensorLike) -> Tensor: ...
        def __matmul__(self, other: TensorLike) -> Tensor: ...
        def __rmatmul__(self, other: TensorLike) -> Tensor: ...
        def __lt__(self, other: TensorLike) -> Tensor: ...
        def __le__(self, other: TensorLike) -> Tensor: ...
        def __gt__(self, other: TensorLike) -> Tensor: ...
        def __ge__(self, other: TensorLike) -> Tensor: ...
        def __neg__(self) -> Tensor: ...
        def __abs__(self) -> Tensor: ...
        def __getitem__(self, key: Any) -> Tensor: ...


class Tensor(TensorOperators):
    """One output of an ``Operation``: a symbolic handle, evaluated by ``Session.run``."""

    __array_priority__ = 100
    __array_ufunc__ = None  # make NumPy defer to our reflected operators

    def __init__(self, op: Operation, value_index: int, dtype: _dt.DType, shape: TensorShape):
        self._op = op
        self._value_index = value_index
        self._dtype = dtype
        self._shape = shape
        self._consumers: list[Operation] = []

    @property
    def op(self) -> Operation:
        return self._op

    @property
    def value_index(self) -> int:
        return self._value_index

    @property
    def dtype(self) -> _dt.DType:
        return self._dtype

    @property
    def graph(self) -> Graph:
        return self._op._graph

    @property
    def name(self) -> str:
        return f"{self._op.name}:{self._value_index}"

    @property
    def device(self) -> str:
        return self._op.device

    @property
    def shape(self) -> TensorShape:
        return self._shape

    def get_shape(self) -> TensorShape:
        return self._shape

    def set_shape(self, shape: ShapeLike | None) -> None:
        self._shape = self._shape.merge_with(as_shape(shape))

    def consumers(self) -> list[Operation]:
        return list(self._consumers)

    def eval(self, feed_dict: FeedDict | None = None, session: SessionLike | None = None) -> Any:
        """Runs this tensor in ``session`` (default: the default session)."""
        return run_with_default_session(self, feed_dict, session)

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}' shape={self._shape} dtype={self._dtype.name}>"

    def __bool__(self) -> bool:
        raise TypeError(
            "Using a `tf.Tensor` as a Python `bool` is not allowed. Use `if t is not None:` "
            "instead of `if t:` to test if a tensor is defined."
        )

    def __iter__(self) -> Iterator[Tensor]:
        d = self._shape.ndims
        if d is None or d == 0:
            raise TypeError("Tensor objects are only iterable when the first dimension is known.")
        n = self._shape.as_list()[0]
        if n is None:
            raise TypeError("Tensor objects are only iterable when the first dimension is known.")
        return iter([self[i] for i in range(n)])

    __hash__ = object.__hash__

    def __len__(self) -> int:
        raise TypeError("len is not well defined for symbolic Tensors; use tf.shape(t)[0].")


class Operation:
    """A node of the graph: an op type, named inputs and outputs, attributes."""

    _tflite_traceback: list[Any]  # where get_variable created it (variable ops only)

    def __init__(
        self,
        graph: Graph,
        op_type: str,
        name: str,
        inputs: Iterable[Tensor],
        dtypes: Iterable[_dt.DType],
        attrs: dict[str, Any] | None,
        control_inputs: Iterable[Operation],
    ) -> None:
        self._graph = graph
        self._type = op_type
        self._name = name
        self._inputs = list(inputs)
        self._attrs = dict(attrs or {})
        self._control_inputs = list(control_inputs)
        self._device = ""  # set by Graph._place once the op is built
        self._id = graph._next_id()
        self._outputs = [Tensor(self, i, dt, TensorShape(None)) for i, dt in enumerate(dtypes)]
        self._def = get_op_def(op_type)

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def type(self) -> str:
        return self._type

    @property
    def name(self) -> str:
        return self._name

    @property
    def inputs(self) -> list[Tensor]:
        return list(self._inputs)

    @property
    def outputs(self) -> list[Tensor]:
        return list(self._outputs)

    @property
    def control_inputs(self) -> list[Operation]:
        return list(self._control_inputs)

    @property
    def device(self) -> str:
        return self._device

    def values(self) -> tuple[Tensor, ...]:
        return tuple(self._outputs)

    def get_attr(self, name: str) -> Any:
        try:
            return self._attrs[name]
        except KeyError:
            raise ValueError(f"Operation '{self._name}' has no attr named '{name}'.") from None

    @property
    def node_def(self) -> Any:
        """This op as a ``NodeDef`` protobuf (type, inputs, device, attributes)."""
        return node_def(self)

    def run(self, feed_dict: FeedDict | None = None, session: SessionLike | None = None) -> None:
        """Runs this op in ``session`` (default: the default session)."""
        run_with_default_session(self, feed_dict, session)

    def _add_control_input(self, op: Operation) -> None:
        if op not in self._control_inputs:
            self._control_inputs.append(op)

    def __repr__(self) -> str:
        return f"<tf.Operation '{self._name}' type={self._type}>"


class Graph:
    """A TensorFlow computation: operations and the tensors between them."""

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._ops: list[Operation] = []
        self._ops_by_name: dict[str, Operation] = {}
        self._names_in_use: dict[str, int] = {}
        self._collections: dict[str, list[Any]] = {}
        self._scopes = threading.local()  # name scope, control deps, devices: per thread, as TF
        self._last_id = 0
        self._finalized = False
        self.seed: int | None = None
        self._version = 0

    # -- per-thread building state ----------------------------------------------------------
    @property
    def _name_stack(self) -> str:
        return getattr(self._scopes, "name", "")

    @_name_stack.setter
    def _name_stack(self, value: str) -> None:
        self._scopes.name = value

    @property
    def _control_stack(self) -> list[list[Operation]]:
        st = getattr(self._scopes, "control", None)
        if st is None:
            st = self._scopes.control = []
        return st

    @_control_stack.setter
    def _control_stack(self, value: list[list[Operation]]) -> None:
        self._scopes.control = value

    @property
    def _device_stack(self) -> list[DeviceEntry]:
        """The ``tf.device`` contexts, outermost first: canonical spec strings (``""``: no
        change), device functions, None (a stop: outer contexts do not apply)."""
        st = getattr(self._scopes, "device", None)
        if st is None:
            st = self._scopes.device = []
        return st

    @_device_stack.setter
    def _device_stack(self, value: list[DeviceEntry]) -> None:
        self._scopes.device = value

    @property
    def _colocation_stack(self) -> list[Operation]:
        """The ops of the ``colocate_with`` contexts, outermost first."""
        st = getattr(self._scopes, "colocation", None)
        if st is None:
            st = self._scopes.colocation = []
        return st

    @_colocation_stack.setter
    def _colocation_stack(self, value: list[Operation]) -> None:
        self._scopes.colocation = value

    def _place(self, op: Operation) -> None:
        """Sets ``op``'s device as TF 1.x does: the ``tf.device`` contexts from the innermost
        outward (a function's result replaces the device, a spec fills the fields still unset,
        None stops the walk), then the device of the innermost colocated op that has one. An
        op that writes a variable in place (``Assign``, ``Apply*``...) is colocated with it, as
        TF's op builder colocates ops with their reference inputs: the contexts then do not
        apply."""
        colocated = self._colocation_stack
        stack = self._device_stack
        refs = _ref_ops(op)
        if refs:
            colocated = [*colocated, *refs]
            stack = []
        for entry in reversed(stack):
            if entry is None:
                break
            if isinstance(entry, str):
                if entry:
                    op._device = _merge_device(entry, op._device)
            else:
                op._device = _device_string(entry(op))
        for c in reversed(colocated):
            if c._device:
                op._device = c._device
                break

    @property
    def _op_hooks(self) -> list[Callable[[Operation], None]]:
        """Functions called on each op this thread creates (scopes that set attributes)."""
        st = getattr(self._scopes, "op_hooks", None)
        if st is None:
            st = self._scopes.op_hooks = []
        return st

    @contextlib.contextmanager
    def _op_hook(self, hook: Callable[[Operation], None]) -> Iterator[None]:
        self._op_hooks.append(hook)
        try:
            yield
        finally:
            self._op_hooks.remove(hook)

    # -- identity and naming --------------------------------------------------------------
    def _next_id(self) -> int:
        self._last_id += 1
        return self._last_id

    @property
    def version(self) -> int:
        return self._version

    @property
    def graph_def_versions(self) -> Any:
        """The ``VersionDef`` that ``as_graph_def`` writes."""
        return protos().VersionDef(producer=GRAPH_DEF_VERSION)

    def as_graph_def(self, from_version: int | None = None, add_shapes: bool = False) -> Any:
        """This graph as a ``GraphDef`` protobuf: one ``NodeDef`` per op, in creation order.

        >>> g = tf.Graph()
        >>> with g.as_default():
        ...     y = tf.nn.relu(tf.placeholder("float", [1, 3], name="x"), name="relu")
        >>> [(n.name, n.op, list(n.input)) for n in g.as_graph_def().node]
        [('x', 'Placeholder', []), ('relu', 'Relu', ['x'])]
        """
        with self._lock:
            return as_graph_def(self, from_version, add_shapes)

    @property
    def finalized(self) -> bool:
        return self._finalized

    def finalize(self) -> None:
        self._finalized = True

    def unique_name(self, name: str, mark_as_used: bool = True) -> str:
        if self._name_stack:
            name = self._name_stack + "/" + name
        key = name.lower()
        i = self._names_in_use.get(key, 0)
        if mark_as_used:
            self._names_in_use[key] = i + 1
        if i > 0:
            base = name
            while name.lower() in self._names_in_use:
                name = f"{base}_{i}"
                i += 1
            if mark_as_used:
                self._names_in_use[name.lower()] = 1
        return name

    def get_name_scope(self) -> str:
        return self._name_stack

    @contextlib.contextmanager
    def name_scope(self, name: str | None) -> Iterator[str]:
        old = self._name_stack
        if not name:
            new = ""
        elif name.endswith("/"):
            new = name[:-1]
        else:
            if not _VALID_OP_NAME.match(name):
                raise ValueError(f"'{name}' is not a valid scope name")
            new = self.unique_name(name)
        self._name_stack = new
        try:
            yield "" if not new else new + "/"
        finally:
            self._name_stack = old

    # -- ops --------------------------------------------------------------------------------
    def create_op(
        self,
        op_type: str,
        inputs: Sequence[Tensor],
        dtypes: Sequence[_dt.DType],
        attrs: dict[str, Any] | None = None,
        name: str | None = None,
    ) -> Operation:
        """Adds an op; its output shapes come from the op type's registered shape function."""
        if self._finalized:
            raise RuntimeError("Graph is finalized and cannot be modified.")
        ins = list(inputs)
        for k, t in enumerate(ins):
            if not isinstance(t, Tensor):
                raise TypeError(f"Input to '{op_type}' is not a Tensor: {t!r}")
            if t.graph is not self:
                if not self._encloses(t.graph):
                    raise ValueError(
                        f"Tensor {t.name} must be from the same graph as the op '{op_type}'"
                    )
                ins[k] = self._capture(t)  # a function body reads a tensor from outside
        inputs = ins
        with self._lock:
            if name is None:
                name = op_type
            if name.endswith("/"):
                full = name[:-1]  # the exact name of a scope opened for this op
                if full in self._ops_by_name:
                    raise ValueError(f"Duplicate node name in graph: '{full}'")
            else:
                full = self.unique_name(name)
            control: list[Operation] = []
            for level in self._control_stack:
                for c in level:
                    if c.graph is not self:  # in a function body: the enclosing op waits
                        self._control_from_outside(c)
                    elif c not in control:
                        control.append(c)
            op = Operation(self, op_type, full, inputs, dtypes, attrs, control)
            for hook in self._op_hooks:  # colocate_with, container, gradient_override_map
                hook(op)
            check_op(op)  # TF's TypeError for a dtype its OpDef does not allow
            d = op._def
            in_shapes = [t.shape for t in op._inputs]
            shapes = d.shape_fn(op, in_shapes, lambda i: constant_value(op._inputs[i]))
            for t, s in zip(op._outputs, shapes):
                t._shape = as_shape(s)
            self._place(op)
            for t in op._inputs:
                t._consumers.append(op)
            self._ops.append(op)
            self._ops_by_name[full] = op
            self._version += 1
        return op

    # -- function bodies (framework/func_graph.py overrides these) -------------------------
    def _encloses(self, other: Graph) -> bool:
        """Whether ops of this graph may read tensors of ``other`` (itself, or a graph that a
        function body is nested in)."""
        return other is self

    def _capture(self, t: Tensor) -> Tensor:
        raise ValueError(f"Tensor {t.name} must be from the same graph")

    def _control_from_outside(self, op: Operation) -> None:
        raise ValueError(f"Control input {op.name} must be from the same graph")

    def get_operations(self) -> list[Operation]:
        return list(self._ops)

    def get_operation_by_name(self, name: str) -> Operation:
        try:
            return self._ops_by_name[name]
        except KeyError:
            raise KeyError(f"The name '{name}' refers to an Operation not in the graph.") from None

    def get_tensor_by_name(self, name: str) -> Tensor:
        if ":" not in name:
            raise ValueError(
                f"The name '{name}' looks like an (invalid) Operation name, not a Tensor. "
                'Tensor names must be of the form "<op_name>:<output_index>".'
            )
        op_name, idx = name.rsplit(":", 1)
        op = self._ops_by_name.get(op_name)
        if op is None:
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist. "
                f"The operation, '{op_name}', does not exist in the graph."
            )
        i = int(idx)
        if i >= len(op._outputs):
            raise KeyError(
                f"The name '{name}' refers to a Tensor which does not exist. The "
                f"operation, '{op_name}', exists but only has {len(op._outputs)} outputs."
            )
        return op._outputs[i]

    def as_graph_element(
        self, obj: Any, allow_tensor: bool = True, allow_operation: bool = True
    ) -> Tensor | Operation:
        if hasattr(obj, "_as_graph_element"):
            obj = obj._as_graph_element()
        if isinstance(obj, str):
            if ":" in obj and allow_tensor:
                return self.get_tensor_by_name(obj)
            if allow_operation:
                return self.get_operation_by_name(obj)
        if isinstance(obj, Tensor) and allow_tensor:
            if obj.graph is not self:
                raise ValueError(f"Tensor {obj} is not an element of this graph.")
            return obj
        if isinstance(obj, Operation) and allow_operation:
            if obj.graph is not self:
                raise ValueError(f"Operation {obj} is not an element of this graph.")
            return obj
        raise TypeError(f"Can not convert a {type(obj).__name__} into a Tensor or Operation.")

    # -- collections ------------------------------------------------------------------------
    def add_to_collection(self, name: str, value: Any) -> None:
        self._collections.setdefault(name, []).append(value)

    def add_to_collections(self, names: str | Iterable[str], value: Any) -> None:
        for n in [names] if isinstance(names, str) else names:
            self.add_to_collection(n, value)

    def get_collection_ref(self, name: str) -> list[Any]:
        return self._collections.setdefault(name, [])

    def get_collection(self, name: str, scope: str | None = None) -> list[Any]:
        items = list(self._collections.get(name, []))
        if scope is None:
            return items
        rx = re.compile(scope)
        return [v for v in items if hasattr(v, "name") and rx.match(v.name)]

    def get_all_collection_keys(self) -> list[str]:
        return list(self._collections)

    def clear_collection(self, name: str) -> None:
        self._collections.pop(name, None)

    # -- context managers -------------------------------------------------------------------
    @contextlib.contextmanager
    def control_dependencies(self, control_inputs: Iterable[OpOrTensor] | None) -> Iterator[None]:
        if control_inputs is None:
            saved, self._control_stack = self._control_stack, []
            try:
                yield
            finally:
                self._control_stack = saved
            return
        ops: list[Operation] = []
        for c in control_inputs:
            if hasattr(c, "_as_graph_element"):
                c = c._as_graph_element()
            if isinstance(c, Tensor):
                c = c.op
            if not isinstance(c, Operation):
                raise TypeError(f"Control input must be an Operation or Tensor: {c!r}")
            ops.append(c)
        self._control_stack.append(ops)
        try:
            yield
        finally:
            self._control_stack.pop()

    @contextlib.contextmanager
    def device(self, device_name_or_function: Any) -> Iterator[None]:
        """Ops created inside get this device: a spec string (merged under the device inner
        contexts give), a function of the op returning its device, or None (outer contexts
        do not apply).

        >>> with tf.device("/job:ps"), tf.device("/cpu:0"):
        ...     tf.constant(1.0).op.device
        '/job:ps/device:CPU:0'
        """
        entry: DeviceEntry
        if device_name_or_function is None or callable(device_name_or_function):
            entry = device_name_or_function
        else:
            spec = device_name_or_function
            entry = _canonical_device(spec.to_string() if hasattr(spec, "to_string") else spec)
        stack = self._device_stack
        stack.append(entry)
        try:
            yield
        finally:
            stack.pop()

    @contextlib.contextmanager
    def as_default(self) -> Iterator[Graph]:
        stack = _graph_stack.stack
        stack.append(self)
        try:
            yield self
        finally:
            stack.pop()

    def gradient_override_map(
        self, op_type_map: dict[str, str]
    ) -> contextlib.AbstractContextManager[None]:
        """Ops of the mapped types created inside take their gradient from the gradient
        registered under the mapped name (attribute ``_gradient_op_type``, as TF)."""
        if not isinstance(op_type_map, dict):
            raise TypeError("op_type_map must be a dictionary mapping strings to strings")
        mapping = dict(op_type_map)

        def hook(op: Operation) -> None:
            if op.type in mapping:
                op._attrs["_gradient_op_type"] = mapping[op.type]

        return self._op_hook(hook)

    def colocate_with(
        self, op: Any, ignore_existing: bool = False
    ) -> contextlib.AbstractContextManager[None]:
        """Ops created inside are colocated with ``op`` (attribute ``_class``: ``loc:@name``);
        one device here, so it only marks the graph as TF does."""
        if op is None:
            return contextlib.nullcontext()
        if hasattr(op, "_as_graph_element"):
            op = op._as_graph_element()
        if isinstance(op, Tensor):
            op = op.op
        if not isinstance(op, Operation):
            raise TypeError(f"colocate_with needs an Operation or Tensor, got {op!r}")
        loc = [f"loc:@{op.name}".encode()]

        def hook(new: Operation) -> None:
            if ignore_existing or "_class" not in new._attrs:
                new._attrs["_class"] = list(loc)

        return self._colocated(op, ignore_existing, hook)

    @contextlib.contextmanager
    def _colocated(
        self,
        op: Operation,
        ignore_existing: bool = False,
        hook: Callable[[Operation], None] | None = None,
    ) -> Iterator[None]:
        """Ops created inside take ``op``'s device, whatever the ``tf.device`` contexts say
        (TF sets the device stack aside inside ``colocate_with``); ``hook`` marks them."""
        devices, self._device_stack = self._device_stack, []
        colocated = self._colocation_stack
        self._colocation_stack = [op] if ignore_existing else [*colocated, op]
        try:
            with self._op_hook(hook) if hook is not None else contextlib.nullcontext():
                yield
        finally:
            self._device_stack = devices
            self._colocation_stack = colocated

    def container(self, container_name: str) -> contextlib.AbstractContextManager[None]:
        """Stateful ops (variables) created inside get attribute ``container``."""

        def hook(op: Operation) -> None:
            if op._def.stateful:
                op._attrs["container"] = container_name

        return self._op_hook(hook)


# ---- the default graph ----------------------------------------------------------------------
class _GraphStack(threading.local):
    """The stack of graphs entered with ``as_default()``: per thread, as in TF (a new thread
    starts at the global default graph)."""

    def __init__(self) -> None:
        self.stack: list[Graph] = []


_base_graph = [Graph()]
_graph_stack = _GraphStack()


def innermost_graph(g: Graph) -> Graph:
    """The graph new ops reading tensors of ``g`` go to: the default graph when it is a
    function body nested in ``g`` (ops built inside ``tf.cond``/``tf.while_loop`` functions),
    else ``g``."""
    d = get_default_graph()
    return d if d is not g and d._encloses(g) else g


def get_default_graph() -> Graph:
    stack = _graph_stack.stack
    return stack[-1] if stack else _base_graph[0]


def reset_default_graph() -> None:
    """Clears the default graph stack and installs a fresh default graph."""
    if _graph_stack.stack:
        raise AssertionError("Do not use tf.reset_default_graph() to clear nested graphs.")
    _base_graph[0] = Graph()


class name_scope:
    """``with tf.name_scope('relu'):`` prefixes the names of the ops created inside."""

    def __init__(
        self, name: str | None, default_name: str | None = None, values: Iterable[Any] | None = None
    ) -> None:
        self._name = default_name if name is None else name
        self._values = values
        self._cm: contextlib.AbstractContextManager[str] | None = None

    def __enter__(self) -> str:
        g: Graph | None = None
        for v in self._values or []:
            if isinstance(v, (Tensor, Operation)):
                g = innermost_graph(v.graph)
                break
        g = g or get_default_graph()
        self._cm = g.name_scope(self._name)
        return self._cm.__enter__()

    def __exit__(self, *exc: Any) -> bool | None:
        assert self._cm is not None
        return self._cm.__exit__(*exc)


def control_dependencies(
    control_inputs: Iterable[OpOrTensor] | None,
) -> contextlib.AbstractContextManager[None]:
    return get_default_graph().control_dependencies(control_inputs)


def device(device_name_or_function: Any) -> contextlib.AbstractContextManager[None]:
    return get_default_graph().device(device_name_or_function)


def add_to_collection(name: str, value: Any) -> None:
    get_default_graph().add_to_collection(name, value)


def get_collection(key: str, scope: str | None = None) -> list[Any]:
    return get_default_graph().get_collection(key, scope)


def get_collection_ref(key: str) -> list[Any]:
    return get_default_graph().get_collection_ref(key)


# ---- conversion -----------------------------------------------------------------------------
def constant_value(t: Tensor) -> np.ndarray | None:
    """The value of ``t`` if it is known without running the graph (constants, static shapes)."""
    op = t.op
    if op.type == "Const":
        return op.get_attr("value")
    if op._def.kind is OpKind.SHAPE:
        shapes = [i.shape for i in op.inputs]
        if all(s.is_fully_defined() for s in shapes):
            assert op._def.value_fn is not None  # OpDef.check: a SHAPE op has one
            return op._def.value_fn(
                op, [tuple(s.as_list()) for s in shapes], lambda i: constant_value(op._inputs[i])
            )
    if op.type in ("Identity", "StopGradient"):
        return constant_value(op.inputs[0])
    return _folded(op, t.value_index)


_FOLD_LIMIT = 1000  # elements: small shape arithmetic, as TF's shape inference evaluates


def _folded(op: Operation, index: int) -> np.ndarray | None:
    """An output of a pure kernel op whose inputs are all known and whose outputs are small,
    computed once at graph build (as TF's shape inference evaluates small constant subgraphs:
    ``tf.add(begin, 1)`` as a slice's begin keeps static shapes exact)."""
    d = op._def
    if d.kind is not OpKind.KERNEL or d.stateful or d.kernel is None:
        return None
    cache = op.__dict__.setdefault("_folded_values", {})
    if "out" not in cache:
        cache["out"] = None
        outs = [o.shape for o in op._outputs]
        if all(_small(s) for s in outs) and all(_small(i.shape) for i in op._inputs):
            values = [constant_value(i) for i in op._inputs]
            if all(v is not None for v in values):
                cache["out"] = _run_folded(op, values)
    out = cache["out"]
    return None if out is None else out[index]


def _small(s: TensorShape) -> bool:
    """Whether ``s`` is fully defined with at most ``_FOLD_LIMIT`` elements."""
    n = s.num_elements() if s.is_fully_defined() else None
    return n is not None and n <= _FOLD_LIMIT


def _run_folded(op: Operation, values: list) -> list | None:
    d = op._def
    kernel = d.kernel
    assert kernel is not None  # _folded: only ops with a kernel
    in_shapes = [tuple(i.shape.as_list()) for i in op._inputs]
    # fully defined (_folded checked them)
    out_shapes = [cast("tuple[int, ...]", tuple(o.shape.as_list())) for o in op._outputs]
    try:
        ints, floats = (
            d.attrs_fn(op, in_shapes, out_shapes, lambda i: values[i])
            if d.attrs_fn is not None
            else ([], [])
        )
        idx = d.kernel_input_indices(op)
        ins = [np.ascontiguousarray(values[i], op._inputs[i].dtype.np) for i in idx]
        outs = [np.empty(s, o.dtype.np) for s, o in zip(out_shapes, op._outputs)]
        core.run_kernel(kernel, ins, outs, [int(i) for i in ints], [float(f) for f in floats])
    except Exception:  # an error is the run's to report, with its node
        return None
    return outs


def shape_error(op_type: str, op_name: str, msg: str, shapes: Iterable[Any]) -> ValueError:
    """A graph-build shape error in TF's words, naming the op and every input shape."""
    return ValueError(
        f"[{op_type}] {msg} for '{op_name}' (op: '{op_type}') with input shapes: "
        + ", ".join(shape_str(s) for s in shapes)
        + "."
    )


def rank4_dims(op: Any, s: Any, in_shapes: Iterable[Any]) -> list:
    """The dims of a static shape that must have rank 4 (all None when the rank is unknown);
    another rank is TF's shape error naming the op and its input shapes."""
    if s.ndims is None:
        return [None] * 4
    if s.ndims != 4:
        raise shape_error(
            op.type, op.name, f"Shape must be rank 4 but is rank {s.ndims}", in_shapes
        )
    return s.as_list()


# ---- the default session ----------------------------------------------------------------------
class _SessionStack(threading.local):
    """The sessions entered with ``with sess:`` / ``sess.as_default()``: per thread, as in TF."""

    def __init__(self) -> None:
        self.stack: list[SessionLike] = []


_session_stack = _SessionStack()


def get_default_session() -> SessionLike | None:
    """The innermost session entered with ``with sess:`` / ``as_default()`` (or None)."""
    st = _session_stack.stack
    return st[-1] if st else None


class default_session:
    """``with default_session(sess):`` makes ``sess`` the default session of this thread."""

    def __init__(self, session: SessionLike) -> None:
        self._sess = session

    def __enter__(self) -> SessionLike:
        _session_stack.stack.append(self._sess)
        return self._sess

    def __exit__(self, *exc: object) -> Literal[False]:
        st = _session_stack.stack
        if st and st[-1] is self._sess:
            st.pop()
        return False


def default_session_or(session: SessionLike | None) -> SessionLike:
    """``session``, or the default session; ValueError when there is neither."""
    s = session or get_default_session()
    if s is None:
        raise ValueError(
            "Cannot evaluate tensor using `eval()`: No default session is registered. "
            "Use `with sess.as_default()` or pass an explicit session to "
            "`eval(session=sess)`"
        )
    return s


def run_with_default_session(
    fetch: Any, feed_dict: FeedDict | None, session: SessionLike | None
) -> Any:
    """``fetch`` run in ``session`` or the default session (``Tensor.eval``, ``Operation.run``)."""
    s = default_session_or(session)
    g = fetch.graph if hasattr(fetch, "graph") else None
    if g is not None and g is not s.graph:
        raise ValueError(
            "Cannot use the given session to evaluate tensor: the tensor's graph is "
            "different from the session's graph."
        )
    return s.run(fetch, feed_dict)
