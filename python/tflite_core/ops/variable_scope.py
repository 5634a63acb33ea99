"""Variable scopes and ``get_variable`` (TF 1.x): named, shared variables.

``tf.variable_scope("layer1")`` prefixes the names of the variables ``tf.get_variable`` makes
(``layer1/w``) and opens a name scope for the other ops; ``reuse=True`` (or
``scope.reuse_variables()``) returns existing variables instead of creating them, and
``reuse=tf.AUTO_REUSE`` does either. The variables are ordinary ``tf.Variable`` s, so
``tf.train.Saver`` stores them under their scoped names.

As in TensorFlow, each graph has one store of variables, shared by all threads, while the current
variable scope (and the counts behind ``default_name``) belong to the thread.

>>> with tf.variable_scope("layer1"):
...     w = tf.get_variable("w", [3, 2])
>>> w.name
'layer1/w:0'
>>> with tf.variable_scope("layer1", reuse=True):
...     tf.get_variable("w", [3, 2]) is w
True
"""

from __future__ import annotations

import enum
import functools
import inspect
import threading
import traceback
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.func_graph import outermost_graph
from ..framework.graph import Graph, GraphKeys, Operation, Tensor, get_default_graph, name_scope
from ..framework.tensor_shape import as_shape
from .init_ops import glorot_uniform_initializer, zeros_initializer
from .variables import Variable

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        DTypeLike,
        ShapeLike,
    )

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        DTypeLike,
    )


class _ReuseMode(enum.Enum):
    """Mode for variable access within a variable scope."""

    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE
"""``reuse=tf.AUTO_REUSE``: ``get_variable`` creates a variable if it does not exist, else returns
it."""


def no_regularizer(_: Any) -> None:
    """A regularizer that regularizes nothing (it returns None)."""
    return None


# ---- the per-graph stores --------------------------------------------------------------------
class _VariableStore:
    """The variables ``get_variable`` made in one graph, by full name."""

    def __init__(self):
        self._vars: dict[str, Variable] = {}
        self._lock = threading.RLock()

    def get_variable(
        self,
        name,
        shape=None,
        dtype=_dt.float32,
        initializer=None,
        regularizer=None,
        reuse=None,
        trainable=None,
        collections=None,
        caching_device=None,
        partitioner=None,
        validate_shape=True,
        use_resource=None,
        custom_getter=None,
        constraint=None,
        **kwargs,
    ):
        if custom_getter is not None and not callable(custom_getter):
            raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
        dtype = _dt.as_dtype(dtype)

        def true_getter(
            name,
            shape=None,
            dtype=_dt.float32,
            initializer=None,
            regularizer=None,
            reuse=None,
            trainable=None,
            collections=None,
            caching_device=None,
            partitioner=None,
            validate_shape=True,
            use_resource=None,
            constraint=None,
            **kwargs,
        ):
            if partitioner is not None:
                raise NotImplementedError("Partitioned variables are not supported")
            return self._get_single_variable(
                name,
                shape,
                dtype,
                initializer,
                regularizer,
                reuse,
                trainable,
                collections,
                validate_shape,
                constraint,
            )

        args = dict(
            name=name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            reuse=reuse,
            trainable=trainable,
            collections=collections,
            caching_device=caching_device,
            partitioner=partitioner,
            validate_shape=validate_shape,
            use_resource=use_resource,
            constraint=constraint,
            **kwargs,
        )
        if custom_getter is not None:
            return custom_getter(true_getter, **args)
        return true_getter(**args)

    def _get_single_variable(
        self,
        name,
        shape,
        dtype,
        initializer,
        regularizer,
        reuse,
        trainable,
        collections,
        validate_shape,
        constraint=None,
    ):
        initializing_from_value = initializer is not None and not callable(initializer)
        if shape is not None and initializing_from_value:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dt.as_dtype(dtype)
        shape = as_shape(shape)
        with self._lock:
            if name in self._vars:
                found = self._vars[name]
                if reuse is False:
                    err = (
                        f"Variable {name} already exists, disallowed. Did you mean to set "
                        "reuse=True or reuse=tf.AUTO_REUSE in VarScope?"
                    )
                    where = "".join(traceback.format_list(found.op._tflite_traceback))
                    raise ValueError(f"{err} Originally defined at:\n\n{where}")
                if not shape.is_compatible_with(found.get_shape()):
                    raise ValueError(
                        f"Trying to share variable {name}, but specified shape {shape} and "
                        f"found shape {found.get_shape()}."
                    )
                if dtype != found.dtype:
                    raise ValueError(
                        f"Trying to share variable {name}, but specified dtype {dtype.name} and "
                        f"found dtype {found.dtype.name}_ref."
                    )
                return found
            if reuse is True:
                raise ValueError(
                    f"Variable {name} does not exist, or was not created with tf.get_variable()."
                    " Did you mean to set reuse=tf.AUTO_REUSE in VarScope?"
                )
            if initializer is None:
                initializer = _default_initializer(name, dtype)
            if initializing_from_value:
                init_val, var_dtype = initializer, None
            else:
                if inspect.isclass(initializer):
                    initializer = initializer()
                if shape.is_fully_defined():
                    dims = shape.as_list()
                    init_val = functools.partial(_call_initializer, initializer, dims, dtype)
                    var_dtype = dtype
                elif _takes_no_arguments(initializer):
                    init_val, var_dtype = initializer, None
                else:
                    raise ValueError(
                        "The initializer passed is not valid. It should be a callable with no "
                        "arguments and the shape should not be provided or an instance of "
                        "`tf.keras.initializers.*' and `shape` should be fully defined."
                    )
            g = get_default_graph()
            with g.control_dependencies(None):  # TF's init_scope
                v = Variable(
                    initial_value=init_val,
                    name=name,
                    trainable=True if trainable is None else trainable,
                    collections=collections,
                    dtype=var_dtype,
                    validate_shape=validate_shape,
                    constraint=constraint,
                )
            v.op._tflite_traceback = _caller_traceback()
            self._vars[name] = v
        if regularizer:
            with name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _call_initializer(initializer, dims, dtype):
    try:
        params: Mapping[str, Any] = inspect.signature(initializer).parameters
    except (TypeError, ValueError):
        params = {}
    if "partition_info" in params:
        return initializer(dims, dtype=dtype, partition_info=None)
    return initializer(dims, dtype=dtype)


def _takes_no_arguments(fn) -> bool:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return False
    return all(
        p.default is not inspect.Parameter.empty
        or p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
        for p in params
    )


def _caller_traceback():
    """Where a variable was defined: the innermost frames outside this package."""
    frames = traceback.extract_stack()[:-1]
    outside = [f for f in frames if "tflite_core" not in f.filename]
    return outside[-5:]


def _default_initializer(name, dtype):
    if dtype.is_floating:
        return glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_bool or dtype == _dt.string:
        return zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


class _VariableScopeStore(threading.local):
    """A thread's current variable scope and how often each scope name has been opened."""

    def __init__(self):
        self.current_scope = VariableScope(False)
        self.variable_scopes_count: dict[str, int] = {}

    def open_variable_scope(self, scope_name):
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name):
        for k in self.variable_scopes_count:
            if scope_name is None or k.startswith(scope_name + "/"):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name):
        return self.variable_scopes_count.get(scope_name, 0)


_STORES_LOCK = threading.Lock()


def _stores(graph: Graph):
    """(variable store, scope store) of ``graph``, made on first use (a loop or cond body uses
    the stores of the graph it is built in: its variables live there)."""
    graph = outermost_graph(graph)
    st = graph.__dict__.get("_tflite_var_stores")
    if st is None:
        with _STORES_LOCK:
            st = graph.__dict__.setdefault(
                "_tflite_var_stores", (_VariableStore(), _VariableScopeStore())
            )
    return st


def _get_default_variable_store() -> _VariableStore:
    return _stores(get_default_graph())[0]


def get_variable_scope_store() -> _VariableScopeStore:
    return _stores(get_default_graph())[1]


def get_variable_scope() -> VariableScope:
    """The current variable scope (of this thread, in the default graph)."""
    return get_variable_scope_store().current_scope


# ---- VariableScope ------------------------------------------------------------------------------
class VariableScope:
    """The defaults ``get_variable`` uses inside a ``variable_scope``: name prefix, reuse,
    initializer, regularizer, dtype, custom getter."""

    def __init__(
        self,
        reuse: Any,
        name: str = "",
        initializer: Any = None,
        regularizer: Any = None,
        caching_device: Any = None,
        partitioner: Any = None,
        custom_getter: Any = None,
        name_scope: str = "",
        dtype: DTypeLike = _dt.float32,
        use_resource: Any = None,
        constraint: Any = None,
    ) -> None:
        self._name = name
        self._initializer = initializer
        self._regularizer = regularizer
        self._reuse = reuse
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    @property
    def name(self) -> str:
        return self._name

    @property
    def original_name_scope(self) -> str:
        return self._name_scope

    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self) -> None:
        """Reuse variables in this scope."""
        self._reuse = True

    def set_initializer(self, initializer: Any) -> None:
        self._initializer = initializer

    def set_dtype(self, dtype: DTypeLike) -> None:
        self._dtype = dtype

    def set_use_resource(self, use_resource: Any) -> None:
        self._use_resource = use_resource

    def set_regularizer(self, regularizer: Any) -> None:
        self._regularizer = regularizer

    def set_caching_device(self, caching_device: Any) -> None:
        self._caching_device = caching_device

    def set_partitioner(self, partitioner: Any) -> None:
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter: Any) -> None:
        self._custom_getter = custom_getter

    def get_collection(self, name: str) -> list[Any]:
        """The items of collection ``name`` whose names start with this scope's name."""
        scope = self._name + "/" if self._name else ""
        return get_default_graph().get_collection(name, scope)

    def trainable_variables(self) -> list[Variable]:
        return self.get_collection(GraphKeys.TRAINABLE_VARIABLES)

    def global_variables(self) -> list[Variable]:
        return self.get_collection(GraphKeys.GLOBAL_VARIABLES)

    def local_variables(self) -> list[Variable]:
        return self.get_collection(GraphKeys.LOCAL_VARIABLES)

    def get_variable(
        self,
        var_store: _VariableStore,
        name: str,
        shape: ShapeLike | None = None,
        dtype: DTypeLike | None = None,
        initializer: Any = None,
        regularizer: Any = None,
        reuse: Any = None,
        trainable: bool | None = None,
        collections: Iterable[str] | None = None,
        caching_device: Any = None,
        partitioner: Any = None,
        validate_shape: bool = True,
        use_resource: Any = None,
        custom_getter: Any = None,
        constraint: Any = None,
        **kwargs: Any,
    ) -> Variable:
        """Gets an existing variable ``self.name/name`` or creates it."""
        if regularizer is None:
            regularizer = self._regularizer
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if reuse is None:
            reuse = self._reuse
        full_name = self.name + "/" + name if self.name else name
        # Variable names depend on the variable scope only: the name scope is reset meanwhile.
        with name_scope(None):
            if dtype is not None and initializer is not None and not callable(initializer):
                init_dtype = convert_to_tensor(initializer).dtype
                if init_dtype != _dt.as_dtype(dtype):
                    raise ValueError(
                        f"Initializer type '<dtype: '{init_dtype.name}'>' and explicit dtype "
                        f"'<dtype: '{_dt.as_dtype(dtype).name}'>' don't match."
                    )
            if initializer is None:
                initializer = self._initializer
            if dtype is None:
                dtype = self._dtype
            return var_store.get_variable(
                full_name,
                shape=shape,
                dtype=dtype,
                initializer=initializer,
                regularizer=regularizer,
                reuse=reuse,
                trainable=trainable,
                collections=collections,
                caching_device=caching_device,
                partitioner=partitioner,
                validate_shape=validate_shape,
                use_resource=use_resource,
                custom_getter=custom_getter,
                constraint=constraint,
                **kwargs,
            )

    def __repr__(self) -> str:
        return f"<tf.VariableScope '{self._name}' reuse={self._reuse}>"


def get_variable(
    name: str,
    shape: ShapeLike | None = None,
    dtype: DTypeLike | None = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool | None = None,
    collections: Iterable[str] | None = None,
    caching_device: Any = None,
    partitioner: Any = None,
    validate_shape: bool = True,
    use_resource: Any = None,
    custom_getter: Any = None,
    constraint: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Variable:
    """Gets an existing variable ``scope/name`` or creates it (TF 1.x ``tf.get_variable``).

    Without an initializer, the scope's initializer is used, else ``glorot_uniform_initializer``
    for floats and zeros for integers and bools. ``initializer`` may also be a Tensor or value
    (then ``shape`` must be None). A shape or dtype that differs from the existing variable's, an
    existing variable outside a reusing scope, and a missing one in a ``reuse=True`` scope raise
    ``ValueError``.

    >>> with tf.variable_scope("g"):
    ...     b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    >>> b.name, b.shape.as_list()
    ('g/b:0', [2])
    """
    return get_variable_scope().get_variable(
        _get_default_variable_store(),
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=trainable,
        collections=collections,
        caching_device=caching_device,
        partitioner=partitioner,
        validate_shape=validate_shape,
        use_resource=use_resource,
        custom_getter=custom_getter,
        constraint=constraint,
    )


def get_local_variable(
    name: str,
    shape: ShapeLike | None = None,
    dtype: DTypeLike | None = None,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = False,
    collections: Iterable[str] | None = None,
    caching_device: Any = None,
    partitioner: Any = None,
    validate_shape: bool = True,
    use_resource: Any = None,
    custom_getter: Any = None,
    constraint: Any = None,
    synchronization: Any = None,
    aggregation: Any = None,
) -> Variable:
    """Like ``get_variable``, but the variable is local (``LOCAL_VARIABLES``) and not trainable."""
    collections = [*list(collections or []), GraphKeys.LOCAL_VARIABLES]
    return get_variable(
        name,
        shape=shape,
        dtype=dtype,
        initializer=initializer,
        regularizer=regularizer,
        trainable=False,
        collections=collections,
        caching_device=caching_device,
        partitioner=partitioner,
        validate_shape=validate_shape,
        use_resource=use_resource,
        custom_getter=custom_getter,
        constraint=constraint,
    )


# ---- entering scopes ----------------------------------------------------------------------------
def _maybe_wrap_custom_getter(custom_getter, old_getter):
    """A getter calling ``custom_getter`` with ``old_getter`` wrapped around the true getter."""
    if old_getter is None:
        return custom_getter

    def wrapped(getter, *args, **kwargs):
        return custom_getter(functools.partial(old_getter, getter), *args, **kwargs)

    return wrapped


class _pure_variable_scope:
    """Enters a variable scope without opening a name scope."""

    def __init__(
        self,
        name_or_scope,
        reuse=None,
        initializer=None,
        regularizer=None,
        caching_device=None,
        partitioner=None,
        custom_getter=None,
        old_name_scope=None,
        dtype=None,
        use_resource=None,
        constraint=None,
    ):
        self._name_or_scope = name_or_scope
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._old_name_scope = old_name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint
        self._store = get_variable_scope_store()
        self._last = None
        if isinstance(name_or_scope, VariableScope):
            self._new_name = name_or_scope.name
            s = name_or_scope
            self._cached = VariableScope(
                reuse if reuse else s.reuse,
                name=s.name,
                initializer=s.initializer,
                regularizer=s.regularizer,
                caching_device=s.caching_device,
                partitioner=s.partitioner,
                dtype=s.dtype,
                custom_getter=s.custom_getter,
                name_scope=s.original_name_scope,
                use_resource=s.use_resource,
                constraint=constraint,
            )
            self._apply_overrides(self._cached, s.custom_getter)

    def _apply_overrides(self, scope, old_getter):
        if self._initializer is not None:
            scope.set_initializer(self._initializer)
        if self._regularizer is not None:
            scope.set_regularizer(self._regularizer)
        if self._caching_device is not None:
            scope.set_caching_device(self._caching_device)
        if self._partitioner is not None:
            scope.set_partitioner(self._partitioner)
        if self._custom_getter is not None:
            scope.set_custom_getter(_maybe_wrap_custom_getter(self._custom_getter, old_getter))
        if self._dtype is not None:
            scope.set_dtype(_dt.as_dtype(self._dtype))
        if self._use_resource is not None:
            scope.set_use_resource(self._use_resource)

    def __enter__(self) -> VariableScope:
        st = self._store
        self._old = st.current_scope
        if isinstance(self._name_or_scope, VariableScope):
            st.open_variable_scope(self._new_name)
            self._old_subscopes = dict(st.variable_scopes_count)
            scope = self._cached
        else:
            old = self._old
            self._new_name = (
                old.name + "/" + self._name_or_scope if old.name else self._name_or_scope
            )
            reuse = self._reuse or old.reuse  # reuse is inherited by sub-scopes
            scope = VariableScope(
                reuse,
                name=self._new_name,
                initializer=old.initializer,
                regularizer=old.regularizer,
                caching_device=old.caching_device,
                partitioner=old.partitioner,
                dtype=old.dtype,
                use_resource=old.use_resource,
                custom_getter=old.custom_getter,
                name_scope=(
                    self._name_or_scope if self._old_name_scope is None else self._old_name_scope
                ),
                constraint=self._constraint,
            )
            self._apply_overrides(scope, old.custom_getter)
            st.open_variable_scope(self._new_name)
        st.current_scope = scope
        self._last = scope
        return scope

    def __exit__(self, *exc):
        st = self._store
        if st.current_scope is not self._last:
            raise RuntimeError("Improper nesting of variable_scope.")
        if isinstance(self._name_or_scope, VariableScope):
            st.variable_scopes_count = self._old_subscopes
        else:
            st.close_variable_subscopes(self._new_name)
        st.current_scope = self._old


def _get_unique_variable_scope(prefix):
    """``prefix``, or ``prefix_N``, unique among the scopes opened in the current scope."""
    st = get_variable_scope_store()
    current = get_variable_scope()
    name = current.name + "/" + prefix if current.name else prefix
    if st.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while st.variable_scope_count(f"{name}_{idx}") > 0:
        idx += 1
    return f"{prefix}_{idx}"


def _graph_of_values(values):
    for v in values or []:
        if isinstance(v, (Tensor, Operation)):
            return v.graph
        if hasattr(v, "_as_graph_element"):
            return v._as_graph_element().graph
    return get_default_graph()


class variable_scope:
    """A context manager opening a variable scope and a name scope (TF 1.x).

    Args:
        name_or_scope: a string or a ``VariableScope`` (re-entered: same variable names, a new
            name scope ``name_1`` for the other ops, as in TF).
        default_name: used, made unique (``name_1``, ...), when ``name_or_scope`` is None.
        values: tensors passed to the op function (they choose the graph).
        initializer, regularizer, dtype, custom_getter: defaults for ``get_variable`` here.
        reuse: True (reuse only), ``tf.AUTO_REUSE`` (create or reuse) or None/False (inherit).
        auxiliary_name_scope: False opens no name scope.

    >>> with tf.variable_scope("foo") as vs:
    ...     c = tf.constant(1.0, name="c")
    >>> with tf.variable_scope(vs):
    ...     d = tf.constant(1.0, name="c")
    >>> vs.name, c.name, d.name
    ('foo', 'foo/c:0', 'foo_1/c:0')
    """

    def __init__(
        self,
        name_or_scope: Any,
        default_name: Any = None,
        values: Any = None,
        initializer: Any = None,
        regularizer: Any = None,
        caching_device: Any = None,
        partitioner: Any = None,
        custom_getter: Any = None,
        reuse: Any = None,
        dtype: DTypeLike | None = None,
        use_resource: Any = None,
        constraint: Any = None,
        auxiliary_name_scope: Any = True,
    ) -> None:
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values or []
        self._kw = dict(
            initializer=initializer,
            regularizer=regularizer,
            caching_device=caching_device,
            partitioner=partitioner,
            custom_getter=custom_getter,
            dtype=dtype,
            use_resource=use_resource,
            constraint=constraint,
        )
        if default_name is None and name_or_scope is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if reuse is False:  # False means inherit, as None
            reuse = None
        if not (reuse is True or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        self._reuse = reuse
        if not isinstance(auxiliary_name_scope, bool):
            raise TypeError(
                "The auxiliary_name_scope must be `True` or `False`, while get "
                f"{auxiliary_name_scope}"
            )
        self._aux = auxiliary_name_scope
        self._graph = _graph_of_values(self._values)
        self._pure: _pure_variable_scope | None = None
        self._ns: name_scope | None = None

    def __enter__(self) -> VariableScope:
        self._graph_cm = self._graph.as_default()
        self._graph_cm.__enter__()
        try:
            return self._enter()
        except BaseException:
            self._graph_cm.__exit__(None, None, None)
            raise

    def _open_name_scope(self, name: str | None) -> str:
        cm = name_scope(name)
        entered = cm.__enter__()
        self._ns = cm
        return entered

    def _enter(self) -> VariableScope:
        if self._aux:
            current_ns = None
        else:  # re-enter the current name scope
            cur = self._graph.get_name_scope()
            current_ns = cur + "/" if cur else ""
        nos = self._name_or_scope
        if nos is not None:
            if not isinstance(nos, (VariableScope, str)):
                raise TypeError("VariableScope: name_or_scope must be a string or VariableScope.")
            ns_name = nos if isinstance(nos, str) else nos.name.split("/")[-1]
            if ns_name or current_ns:
                entered = self._open_name_scope(current_ns if current_ns is not None else ns_name)
                old_ns = entered if isinstance(nos, str) else nos.original_name_scope
                self._pure = _pure_variable_scope(
                    nos, reuse=self._reuse, old_name_scope=old_ns, **self._kw
                )
            else:  # the root variable scope
                self._pure = _pure_variable_scope(nos, reuse=self._reuse, **self._kw)
        else:  # default_name, made unique
            if self._reuse:
                raise ValueError("reuse=True cannot be used without a name_or_scope")
            entered = self._open_name_scope(
                current_ns if current_ns is not None else self._default_name
            )
            unique = _get_unique_variable_scope(self._default_name)
            self._pure = _pure_variable_scope(unique, old_name_scope=entered, **self._kw)
        try:
            return self._pure.__enter__()
        except BaseException:
            if self._ns is not None:
                self._ns.__exit__(None, None, None)
            raise

    def __exit__(self, *exc: Any) -> None:
        assert self._pure is not None  # set by __enter__
        try:
            self._pure.__exit__(*exc)
        finally:
            try:
                if self._ns is not None:
                    self._ns.__exit__(*exc)
                    self._ns = None
            finally:
                self._graph_cm.__exit__(*exc)


def variable_op_scope(
    values: Any, name_or_scope: Any, default_name: str | None = None, **kwargs: Any
) -> variable_scope:
    """Deprecated TF 0.x order of ``variable_scope(name_or_scope, default_name, values)``."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, **kwargs)
