"""``tf.make_template``: a function whose variables are shared between its calls.

The first call creates the variables (``tf.get_variable``) under the template's variable scope;
later calls re-enter that scope with ``reuse=True`` and so use the same variables.

>>> dense = tf.make_template("dense", lambda x: x * tf.get_variable("w", [], tf.float32))
>>> a, b = dense(tf.constant(1.0)), dense(tf.constant(2.0))
>>> [v.name for v in tf.global_variables()]
['dense/w:0']
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from ..framework.graph import GraphKeys, get_default_graph
from .variable_scope import (
    VariableScope,
    _get_unique_variable_scope,
    _pure_variable_scope,
    variable_scope,
)


class Template:
    """A function wrapped so that every call uses the variables of the first one (TF's
    ``Template``)."""

    def __init__(
        self,
        name: str,
        func: Callable[..., Any],
        create_scope_now: bool = False,
        unique_name: str | None = None,
        custom_getter: Any = None,
        create_graph_function: bool = False,
    ) -> None:
        if name is None:
            raise ValueError("name cannot be None.")
        if create_graph_function:
            raise ValueError("create_graph_function is not supported in graph mode here")
        self._func = func
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        self._variable_scope: VariableScope | None = None
        self._variables_created = False
        if create_scope_now:
            with _pure_variable_scope(
                unique_name or _get_unique_variable_scope(name), custom_getter=custom_getter
            ) as vs:
                self._variable_scope = vs

    def _call_func(self, args: tuple, kwargs: dict) -> Any:
        g = get_default_graph()
        trainable_at_start = len(g.get_collection(GraphKeys.TRAINABLE_VARIABLES))
        result = self._func(*args, **kwargs)
        if self._variables_created:
            trainable = g.get_collection(GraphKeys.TRAINABLE_VARIABLES)
            if trainable_at_start != len(trainable):
                raise ValueError(
                    "Trainable variable created when calling a template after the first "
                    "time, perhaps you used tf.Variable when you meant tf.get_variable: "
                    f"{trainable[trainable_at_start:]}"
                )
        else:
            self._variables_created = True
        return result

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._variable_scope is not None:
            with variable_scope(self._variable_scope, reuse=self._variables_created):
                return self._call_func(args, kwargs)
        with variable_scope(self._unique_name, self._name, custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs
            return self._call_func(args, kwargs)

    @property
    def name(self) -> str:
        return self._name

    @property
    def func(self) -> Callable[..., Any]:
        return self._func

    @property
    def variable_scope(self) -> VariableScope | None:
        return self._variable_scope

    @property
    def variable_scope_name(self) -> str | None:
        """The variable scope's name with a trailing ``/`` (no partial matches), once the
        template has one."""
        if self._variable_scope is None:
            return None
        name = self._variable_scope.name
        return name if not name or name.endswith("/") else name + "/"

    var_scope = variable_scope

    def _collection(self, key: str) -> list:
        if self._variable_scope is None:
            return []
        return get_default_graph().get_collection(key, self.variable_scope_name)

    @property
    def variables(self) -> list:
        return self.global_variables + self.local_variables

    @property
    def trainable_variables(self) -> list:
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def non_trainable_variables(self) -> list:
        trainable = set(map(id, self.trainable_variables))
        return [v for v in self.global_variables if id(v) not in trainable]

    @property
    def global_variables(self) -> list:
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self) -> list:
        return self._collection(GraphKeys.LOCAL_VARIABLES)


def make_template(
    name_: str,
    func_: Callable[..., Any],
    create_scope_now_: bool = False,
    unique_name_: str | None = None,
    custom_getter_: Any = None,
    **kwargs: Any,
) -> Template:
    """``func_`` (with ``kwargs`` bound) as a ``Template``: its first call creates variables
    under scope ``name_`` (made unique), later calls reuse them."""
    if kwargs:
        func_ = functools.partial(func_, **kwargs)
    return Template(
        name_,
        func_,
        create_scope_now=create_scope_now_,
        unique_name=unique_name_,
        custom_getter=custom_getter_,
    )
