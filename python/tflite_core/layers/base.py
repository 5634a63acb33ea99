"""``tf.layers.Layer`` and ``InputSpec`` (TF 1.x): the base of every ``tf.layers`` class.

As in TF 1.x, a layer is a callable object that owns a variable scope: the first call opens
``variable_scope(None, default_name=<snake_case class name>)`` (or the ``name`` given; the function
forms open ``variable_scope(name)`` itself, so a second ``tf.layers.dense(x, 3, name='fc')``
without ``reuse`` fails as in TF), builds its variables there with ``get_variable`` (so
``reuse=True``/``AUTO_REUSE`` scopes share them), runs ``call`` inside the scope's original name
scope (ops ``dense/MatMul``, ``dense/MatMul_1`` on a second call), adds regularization losses to
``REGULARIZATION_LOSSES`` and its update ops to ``UPDATE_OPS``. A layer called again reuses its
variables and checks the input against its ``input_spec``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import (
    Graph,
    GraphKeys,
    Operation,
    Tensor,
    get_collection_ref,
    get_default_graph,
    get_default_session,
    name_scope,
)
from ..framework.tensor_shape import TensorShape, as_shape
from ..ops.array_ops import cast, shape
from ..ops.init_ops import GlorotUniform, Zeros
from ..ops.variable_scope import VariableScope, get_variable, variable_scope
from ..ops.variables import Variable

__all__ = ["InputSpec", "Layer"]


def _session() -> Any:
    sess = get_default_session()
    if sess is None:
        raise ValueError("get_weights/set_weights need a default session (with sess.as_default())")
    return sess


class InputSpec:
    """What a layer accepts: dtype, shape or rank bounds, and fixed sizes of some axes."""

    def __init__(
        self,
        dtype: Any = None,
        shape: Any = None,
        ndim: int | None = None,
        max_ndim: int | None = None,
        min_ndim: int | None = None,
        axes: dict[int, int] | None = None,
        allow_last_axis_squeeze: bool = False,
        name: str | None = None,
        optional: bool = False,
    ) -> None:
        self.dtype = _dt.as_dtype(dtype).name if dtype is not None else None
        s = as_shape(shape)
        self.shape = None if s.rank is None else tuple(s.as_list())
        self.ndim = len(self.shape) if self.shape is not None else ndim
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.name = name
        self.allow_last_axis_squeeze = allow_last_axis_squeeze
        self.optional = optional
        try:
            axes = axes or {}
            self.axes = {int(k): axes[k] for k in axes}
        except (ValueError, TypeError):
            raise TypeError(
                f"Argument `axes` must be a dict with integer keys. Received: axes={axes}"
            ) from None
        if self.axes and (self.ndim is not None or self.max_ndim is not None):
            max_dim = (self.ndim if self.ndim else self.max_ndim or 0) - 1
            if max(self.axes) > max_dim:
                raise ValueError(
                    f"Axis {max(self.axes)} is greater than the maximum allowed value: {max_dim}"
                )

    def __repr__(self) -> str:
        spec = [
            f"dtype={self.dtype}" if self.dtype else "",
            f"shape={self.shape}" if self.shape else "",
            f"ndim={self.ndim}" if self.ndim else "",
            f"max_ndim={self.max_ndim}" if self.max_ndim else "",
            f"min_ndim={self.min_ndim}" if self.min_ndim else "",
            f"axes={self.axes}" if self.axes else "",
        ]
        return f"InputSpec({', '.join(x for x in spec if x)})"

    def get_config(self) -> dict[str, Any]:
        return {
            "dtype": self.dtype,
            "shape": self.shape,
            "ndim": self.ndim,
            "max_ndim": self.max_ndim,
            "min_ndim": self.min_ndim,
            "axes": self.axes,
        }

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> InputSpec:
        return cls(**config)


def _flat(x: Any) -> list[Any]:
    if isinstance(x, (list, tuple)):
        return [y for e in x for y in _flat(e)]
    if isinstance(x, dict):
        return [y for k in sorted(x) for y in _flat(x[k])]
    return [x]


def _shape_tuple(s: TensorShape) -> tuple:
    return tuple(s.as_list())


def _incompatible(i: int, layer: str) -> str:
    return f'Input {i} of layer "{layer}" is incompatible with the layer: '


def assert_input_compatibility(input_spec: Any, inputs: Any, layer_name: str) -> None:
    """Raises TF's ValueError when ``inputs`` break ``input_spec`` (rank, dtype, axis sizes)."""
    if not input_spec:
        return
    specs = _flat(input_spec)
    xs = _flat(inputs)
    for x, spec in zip(xs, specs):
        if spec is not None and not hasattr(x, "shape"):
            raise TypeError(
                f"Inputs to a layer should be tensors. Got '{x}' (of type {type(x)}) as input "
                f"for layer '{layer_name}'."
            )
    if len(xs) != len(specs):
        raise ValueError(
            f'Layer "{layer_name}" expects {len(specs)} input(s), but it received {len(xs)} '
            f"input tensors. Inputs received: {xs}"
        )
    for i, (x, spec) in enumerate(zip(xs, specs)):
        if spec is None:
            continue
        s = as_shape(x.shape)
        if s.rank is None:
            return
        ndim = s.rank
        if spec.ndim is not None and not spec.allow_last_axis_squeeze and ndim != spec.ndim:
            raise ValueError(
                _incompatible(i, layer_name) + f"expected ndim={spec.ndim}, found ndim={ndim}. "
                f"Full shape received: {_shape_tuple(s)}"
            )
        if spec.max_ndim is not None and ndim > spec.max_ndim:
            raise ValueError(
                _incompatible(i, layer_name)
                + f"expected max_ndim={spec.max_ndim}, found ndim={ndim}"
            )
        if spec.min_ndim is not None and ndim < spec.min_ndim:
            raise ValueError(
                _incompatible(i, layer_name)
                + f"expected min_ndim={spec.min_ndim}, found ndim={ndim}. "
                f"Full shape received: {_shape_tuple(s)}"
            )
        if spec.dtype is not None and x.dtype.name != spec.dtype:
            raise ValueError(
                _incompatible(i, layer_name) + f"expected dtype={spec.dtype}, found dtype={x.dtype}"
            )
        dims = s.as_list()
        for axis, value in (spec.axes or {}).items():
            value = getattr(value, "value", value)
            if value is not None and dims[int(axis)] not in (value, None):
                raise ValueError(
                    _incompatible(i, layer_name)
                    + f"expected axis {axis} of input shape to have value {value}, but received "
                    f"input with shape {_shape_tuple(s)}"
                )
        if spec.shape is not None:
            want, got = list(spec.shape), dims
            if spec.allow_last_axis_squeeze:
                got = got[:-1] if got and got[-1] == 1 else got
                want = want[:-1] if want and want[-1] == 1 else want
            for w, d in zip(want, got):
                if w is not None and d is not None and w != d:
                    raise ValueError(
                        _incompatible(i, layer_name)
                        + f"expected shape={spec.shape}, found shape={_shape_tuple(s)}"
                    )


def _snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    s = re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()
    return "private" + s if s[0] == "_" else s


def _unique_layer_name(graph: Graph, base: str) -> str:
    """``base_1``, ``base_2``, ...: layer object names count per graph from 1, as TF's (its
    variable scopes count from ``base``: the first ``Dense`` is named ``dense_1`` and builds in
    scope ``dense``)."""
    uids = graph.__dict__.setdefault("_tflite_layer_name_uids", {})
    n = uids.get(base, 0) + 1
    uids[base] = n
    return f"{base}_{n}"


def _add_to_collection(elements: Sequence[Any], key: str) -> None:
    coll = get_collection_ref(key)
    seen = {id(e) for e in coll}
    for e in elements:
        if id(e) not in seen:
            coll.append(e)
            seen.add(id(e))


_ALLOWED_KWARGS = {
    "input_shape",
    "batch_input_shape",
    "batch_size",
    "weights",
    "activity_regularizer",
    "autocast",
    "implementation",
    "_scope",
    "_reuse",
}


class Layer:
    """Base layer class (``tf.layers.Layer``): variables in a variable scope, ``call`` in its
    name scope.

    Args:
        trainable: whether the layer's variables are trainable (``TRAINABLE_VARIABLES``).
        name: the layer's name; also its variable scope's base name.
        dtype: dtype of its variables (None: the first input's dtype).
    """

    def __init__(
        self, trainable: bool = True, name: Any = None, dtype: Any = None, **kwargs: Any
    ) -> None:
        for k in kwargs:
            if k not in _ALLOWED_KWARGS:
                raise TypeError("Keyword argument not understood:", k)
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        self._activity_regularizer = kwargs.pop("activity_regularizer", None)
        self._initial_weights = kwargs.pop("weights", None)
        self._trainable = bool(trainable)
        self._trainable_weights: list[Variable] = []
        self._non_trainable_weights: list[Variable] = []
        self._losses: list[Tensor] = []
        self._callable_losses: list[Tensor] = []
        self._updates: list[Any] = []
        self._input_spec: Any = getattr(self, "_input_spec", None)
        self.built = False
        self._dtype = None if dtype is None else _dt.as_dtype(dtype).base_dtype.name
        self._init_set_name(name)
        self._scope: VariableScope | None = None
        if scope:
            with variable_scope(scope) as captured:
                self._scope = captured
        self._current_scope: VariableScope | None = None
        self._reuse_scope: variable_scope | None = None

    # ---- names and scopes ------------------------------------------------------------------
    def _init_set_name(self, name: Any) -> None:
        if isinstance(name, VariableScope):
            base = name.name
            self._name = _unique_layer_name(get_default_graph(), _snake_case(type(self).__name__))
        else:
            base, self._name = name, name
        if not name:
            base = _snake_case(type(self).__name__)
            self._name = _unique_layer_name(get_default_graph(), base)
        self._base_name = base

    @property
    def name(self) -> str:
        return self._name

    @property
    def scope_name(self) -> str:
        if not self._scope:
            raise ValueError(
                f'No name available for layer scope because the layer "{self._name}" has not '
                "been used yet. The scope name  is determined the first time the layer instance "
                "is called. You must therefore call the layer before querying `scope_name`."
            )
        return self._scope.name

    def _set_scope(self, scope: Any = None) -> None:
        if self._scope is None:
            if self._reuse:
                with variable_scope(scope if scope is not None else self._base_name) as captured:
                    self._scope = captured
            else:
                with variable_scope(scope, default_name=self._base_name) as captured:
                    self._scope = captured

    def _name_scope(self) -> str:
        assert self._current_scope is not None
        return self._current_scope.original_name_scope

    # ---- properties ------------------------------------------------------------------------
    @property
    def dtype(self) -> str | None:
        return self._dtype

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        self._trainable = bool(value)

    @property
    def input_spec(self) -> Any:
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value: Any) -> None:
        for v in _flat(value):
            if v is not None and not isinstance(v, InputSpec):
                raise TypeError(f"Layer input_spec must be an instance of InputSpec. Got: {v}")
        self._input_spec = value

    @property
    def trainable_weights(self) -> list[Variable]:
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Variable]:
        if self.trainable:
            return list(self._non_trainable_weights)
        return self._trainable_weights + self._non_trainable_weights

    @property
    def weights(self) -> list[Variable]:
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def losses(self) -> list[Tensor]:
        return self._losses + self._callable_losses

    @property
    def updates(self) -> list[Any]:
        if not self.trainable:
            return []
        return list(self._updates)

    @property
    def activity_regularizer(self) -> Any:
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer: Any) -> None:
        self._activity_regularizer = regularizer

    @property
    def graph(self) -> None:
        return None  # TF: "tf.layers layers no longer track their graph"

    # ---- losses and updates ----------------------------------------------------------------
    def add_loss(self, losses: Any, inputs: Any = None) -> None:
        """Adds loss tensors (or zero-argument callables, as the weight regularizers) to the
        layer and to ``REGULARIZATION_LOSSES``; ``losses`` lists the tensors first, then the
        callables' results, as TF."""
        new = []
        for loss in _flat(losses):
            if loss is None:
                continue
            if callable(loss):
                loss = loss()
                if loss is None:
                    continue
                t = convert_to_tensor(loss)
                self._callable_losses.append(t)
            else:
                t = convert_to_tensor(loss)
                self._losses.append(t)
            new.append(t)
        _add_to_collection(new, GraphKeys.REGULARIZATION_LOSSES)

    def add_update(self, updates: Any) -> None:
        """Adds update ops (or callables making them) to ``updates``."""
        for u in _flat(updates):
            if callable(u):
                u = u()
            if isinstance(u, Operation):
                self._updates.append(u)
            elif hasattr(u, "op"):
                self._updates.append(u.op)
            else:
                self._updates.append(convert_to_tensor(u))

    def get_losses_for(self, inputs: Any) -> list[Tensor]:
        return self.losses

    def get_updates_for(self, inputs: Any) -> list[Any]:
        return self.updates

    # ---- variables -------------------------------------------------------------------------
    def add_weight(
        self,
        name: str,
        shape: Any,
        dtype: Any = None,
        initializer: Any = None,
        regularizer: Callable[[Any], Any] | None = None,
        trainable: bool | None = None,
        constraint: Callable[[Any], Any] | None = None,
        use_resource: Any = None,
        synchronization: Any = None,
        aggregation: Any = None,
        partitioner: Any = None,
        **kwargs: Any,
    ) -> Variable:
        """Gets or creates variable ``<layer scope>/<name>`` with ``get_variable``."""
        for k in kwargs:
            if k != "experimental_autocast":
                raise TypeError("Unknown keyword argument:", k)
        on_read = getattr(synchronization, "name", None) == "ON_READ"
        if on_read:
            if trainable:
                raise ValueError(
                    "Synchronization value can be set to VariableSynchronization.ON_READ only "
                    "for non-trainable variables. You have specified trainable=True and "
                    "synchronization=VariableSynchronization.ON_READ."
                )
            trainable = False
        elif trainable is None:
            trainable = True
        g = get_default_graph()
        existing = {id(v) for v in g.get_collection(GraphKeys.GLOBAL_VARIABLES)}
        dtype = _dt.as_dtype(dtype or self.dtype or _dt.float32)
        self._set_scope(None)
        reuse = self.built or self._reuse
        with variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                if initializer is None and dtype.is_floating:
                    initializer = GlorotUniform()
                elif initializer is None and (dtype.is_integer or dtype.is_bool):
                    initializer = Zeros()
                elif initializer is None:
                    raise ValueError(
                        f"An initializer for variable {name} of type {dtype.name} is required "
                        f"for layer {self.name}"
                    )
                v = get_variable(
                    name,
                    shape=shape,
                    dtype=dtype,
                    initializer=initializer,
                    trainable=bool(trainable and self.trainable),
                    constraint=constraint,
                    partitioner=partitioner,
                )
                if regularizer and id(v) not in existing:

                    def reg_loss(v: Variable = v, regularizer: Any = regularizer) -> Any:
                        with name_scope(name + "/Regularizer"):
                            return regularizer(v)

                    self.add_loss(reg_loss)
        if trainable and self.trainable and v in g.get_collection(GraphKeys.TRAINABLE_VARIABLES):
            self._trainable_weights.append(v)
        else:
            self._non_trainable_weights.append(v)
        return v

    def get_weights(self) -> list[np.ndarray]:
        """The values of ``weights`` in the default session."""
        return list(_session().run(self.weights)) if self.weights else []

    def set_weights(self, weights: Sequence[Any]) -> None:
        """Loads ``weights`` (NumPy arrays, in ``weights`` order) in the default session."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(
                f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                f"of length {len(weights)}, but the layer was expecting {len(params)} weights. "
                f"Provided weights: {weights}..."
            )
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(p.shape.as_list()) != w.shape:
                raise ValueError(
                    f"Layer {self.name} weight shape {tuple(p.shape.as_list())} is not "
                    f"compatible with provided weight shape {w.shape}."
                )
            p.load(w, _session())

    # ---- building and calling --------------------------------------------------------------
    def build(self, input_shape: Any) -> None:
        self.built = True

    def call(self, *args: Any, **kwargs: Any) -> Any:
        """The layer's computation on its inputs (the base layer returns them unchanged)."""
        return args[0]

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        raise NotImplementedError(
            f"Please run in eager mode or implement the compute_output_shape method on your "
            f"layer ({type(self).__name__})."
        )

    def apply(self, *args: Any, **kwargs: Any) -> Any:
        """The same as calling the layer."""
        return self(*args, **kwargs)

    def __call__(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        if self.built:
            if self._reuse_scope is None:
                self._reuse_scope = variable_scope(
                    self._scope, reuse=True, auxiliary_name_scope=False
                )
            cm = self._reuse_scope
        else:
            cm = variable_scope(self._scope, reuse=self._reuse, auxiliary_name_scope=False)
        with cm as vscope:
            self._current_scope = vscope
            if isinstance(inputs, (np.ndarray, float, int)):
                inputs = convert_to_tensor(inputs)
            assert_input_compatibility(self.input_spec, inputs, self.name)
            with name_scope(self._name_scope()):
                if not self.built:
                    xs = _flat(inputs)
                    if self._dtype is None and xs and hasattr(xs[0], "dtype"):
                        self._dtype = xs[0].dtype.base_dtype.name
                    shapes = [as_shape(x.shape) for x in xs if hasattr(x, "shape")]
                    assert_input_compatibility(self.input_spec, inputs, self.name)
                    self.build(shapes[0] if len(shapes) == 1 else shapes or None)
                    self.built = True
                    if self._initial_weights is not None:
                        self.set_weights(self._initial_weights)
                        self._initial_weights = None
                outputs = self.call(inputs, *args, **kwargs)
                if outputs is None:
                    raise ValueError(
                        "A layer's `call` method should return a Tensor or a list of Tensors, "
                        "not None (layer: " + self.name + ")."
                    )
                if self._activity_regularizer is not None:
                    self._handle_activity_regularization(outputs)
        _add_to_collection(self.updates, GraphKeys.UPDATE_OPS)
        return outputs

    def _handle_activity_regularization(self, outputs: Any) -> None:
        for out in _flat(outputs):
            with name_scope("ActivityRegularizer"):
                loss = self._activity_regularizer(out)
                batch = cast(shape(out)[0], loss.dtype)
                self.add_loss(loss / batch)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"You tried to call `count_params` on layer {self.name}, but the layer isn't "
                "built. You can build it manually via: "
                f"`{self.name}.build(batch_input_shape)`."
            )
        return sum(math.prod(int(d or 0) for d in w.shape.as_list()) for w in self.weights)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Layer:
        return cls(**config)
