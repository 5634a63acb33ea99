"""``tf.train.ExponentialMovingAverage`` and the update it builds (TF's ``moving_averages``).

``apply(var_list)`` makes, for each variable or tensor, a shadow variable named as TF names it
(``w/ExponentialMovingAverage``: non-trainable, in GLOBAL_VARIABLES; the variables themselves join
MOVING_AVERAGE_VARIABLES) and returns the op that moves every shadow towards its value:
``shadow -= (1 - decay) * (shadow - value)``, with ``decay = min(decay, (1 + n) / (10 + n))`` when
``num_updates`` ``n`` is given. A variable's shadow starts at the variable's initial value (TF's
at its current value when the variable is already initialised when the shadow is); a tensor's
at zero, and with ``zero_debias`` a tensor's average is
corrected for that start (Kingma and Ba) through the variables ``<shadow>/biased`` and
``<shadow>/local_step``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import (
    GraphKeys,
    Operation,
    Tensor,
    add_to_collection,
    control_dependencies,
    get_default_graph,
    name_scope,
)
from ..ops.array_ops import cast, zeros
from ..ops.control_flow_ops import group
from ..ops.math_ops import minimum, pow
from ..ops.variables import (
    Variable,
    assign,
    assign_add,
    assign_sub,
    global_variables,
    moving_average_variables,
    trainable_variables,
)

_FLOATS = (_dt.bfloat16, _dt.float16, _dt.float32, _dt.float64)


def _base(dtype):
    return getattr(dtype, "base_dtype", dtype)


def assign_moving_average(
    variable: Variable, value: Any, decay: Any, zero_debias: bool = True, name: str | None = None
) -> Tensor:
    """``variable -= (1 - decay) * (variable - value)`` in name scope ``AssignMovingAvg``; with
    ``zero_debias`` the update goes through ``<variable>/biased`` and ``<variable>/local_step``
    and ``variable`` is set to ``biased / (1 - decay ** local_step)``."""
    with name_scope(name, "AssignMovingAvg") as scope:
        rate = convert_to_tensor(1.0 - decay, name="decay")
        if rate.dtype != _base(variable.dtype):
            rate = cast(rate, _base(variable.dtype))
        if not zero_debias:
            return assign_sub(variable, (variable - value) * rate, name=scope)
        with name_scope(None):
            base = variable.op.name
            biased = Variable(
                zeros(variable.shape.as_list(), _base(variable.dtype)),
                name=f"{base}/biased",
                trainable=False,
            )
            local_step = Variable(
                zeros([], _base(variable.dtype)), name=f"{base}/local_step", trainable=False
            )
        update_biased = assign_sub(biased, (biased - value) * rate)
        update_step = assign_add(local_step, 1)
        bias_factor = 1 - pow(1.0 - rate, update_step)
        return assign(variable, update_biased / bias_factor, name=scope)


class ExponentialMovingAverage:
    """Maintains moving averages of variables (and tensors) by exponential decay.

    >>> with tf.Graph().as_default():
    ...     w = tf.Variable(1.0, name="w")
    ...     ema = tf.train.ExponentialMovingAverage(0.5)
    ...     step = ema.apply([w])
    ...     with tf.Session() as sess:
    ...         sess.run(tf.global_variables_initializer())
    ...         _ = sess.run(tf.assign(w, 3.0))
    ...         _ = sess.run(step)
    ...         print(ema.average(w).name, sess.run(ema.average(w)))
    w/ExponentialMovingAverage:0 2.0
    """

    def __init__(
        self,
        decay: Any,
        num_updates: Any = None,
        zero_debias: bool = False,
        name: str = "ExponentialMovingAverage",
    ) -> None:
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages: dict[Any, Variable] = {}

    @property
    def name(self) -> str:
        return self._name

    def _shadow(self, var: Any) -> tuple[Variable, bool]:
        """The shadow of ``var`` (a new one the first time) and whether it is zero-debiased."""
        if var in self._averages:
            return self._averages[var], False
        with name_scope(None):  # named after the variable, at the top level
            if isinstance(var, Variable):
                avg = Variable(
                    var.initial_value, name=f"{var.op.name}/{self._name}", trainable=False
                )
                add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                debias = False
            else:
                start = zeros(var.shape.as_list(), _base(var.dtype))
                avg = Variable(start, name=f"{var.op.name}/{self._name}", trainable=False)
                debias = self._zero_debias
        self._averages[var] = avg
        return avg, debias

    def apply(self, var_list: Sequence[Any] | None = None) -> Operation:
        """Creates the shadows of ``var_list`` (default: the trainable variables) where missing
        and returns the op updating them all (named as the EMA). TypeError for a variable that is
        not half, float or double."""
        var_list = list(trainable_variables() if var_list is None else var_list)
        for var in var_list:
            if _base(var.dtype) not in _FLOATS:
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
        with control_dependencies(None):
            shadows = [self._shadow(var) for var in var_list]
        with name_scope(self._name) as scope:
            decay = convert_to_tensor(self._decay, dtype=_dt.float32, name="decay")
            if self._num_updates is not None:
                n = cast(self._num_updates, _dt.float32, name="num_updates")
                decay = minimum(decay, (1.0 + n) / (10.0 + n))
            updates = [
                assign_moving_average(avg, var, decay, debias)
                for var, (avg, debias) in zip(var_list, shadows)
            ]
            return group(*updates, name=scope)

    def average(self, var: Any) -> Variable | None:
        """The shadow variable of ``var`` (None when ``apply`` has not been given it)."""
        return self._averages.get(var)

    def average_name(self, var: Any) -> str:
        """The name (without ``:0``) ``var``'s shadow has, or would get from ``apply``."""
        if var in self._averages:
            return self._averages[var].op.name
        return get_default_graph().unique_name(
            var.name[: -len(":0")] + "/" + self._name, mark_as_used=False
        )

    def variables_to_restore(
        self, moving_avg_variables: Sequence[Any] | None = None
    ) -> dict[str, Any]:
        """The ``Saver`` map that restores the averages into the variables: each averaged
        variable under its shadow's name, every other global variable under its own name."""
        if moving_avg_variables is None:
            moving_avg_variables = trainable_variables() + moving_average_variables()
        averaged = list(dict.fromkeys(moving_avg_variables))
        name_map = {self.average_name(v): v for v in averaged}
        averaged_names = {v.name for v in averaged}
        for v in global_variables():
            if v.name not in averaged_names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map
