"""The l1/l2-regularised optimisers of TF 1.x: ``ProximalGradientDescentOptimizer``,
``ProximalAdagradOptimizer``, ``AdagradDAOptimizer`` (dual averaging) and ``FtrlOptimizer``
(FTRL-proximal). Each update is one in-place C++ kernel (TF's ``ApplyProximalGradientDescent``,
``ApplyProximalAdagrad``, ``ApplyAdagradDA``, ``ApplyFtrl`` / ``ApplyFtrlV2`` and their
``SparseApply*`` forms for ``IndexedSlices`` gradients); slots are named as TF names them
(``w/ProximalAdagrad``, ``w/AdagradDA``, ``w/AdagradDA_1``, ``w/Ftrl``, ``w/Ftrl_1``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..ops.array_ops import identity
from ..ops.math_ops import maximum
from ..ops.variables import Variable
from .optimizers import _SlotOptimizer

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


class _ProximalBase(_SlotOptimizer):
    """Learning rate and l1 / l2 strengths as tensors named as TF names them."""

    def __init__(self, learning_rate, l1, l2, use_locking: bool, name: str) -> None:
        super().__init__(use_locking, name)
        self._lr, self._l1, self._l2 = learning_rate, l1, l2

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)
        self._l1_t = self._tensor("l1_regularization_strength", self._l1)
        self._l2_t = self._tensor("l2_regularization_strength", self._l2)

    def _rates(self, var):
        return [self._as(h, var) for h in (self._lr_t, self._l1_t, self._l2_t)]

    def _uncast_rates(self, op_type: str, first: str, grad_arg: str, var):
        """The rates as given: TF's dense proximal updates do not cast them to the variable's
        dtype, so a float32 rate with a float64 variable is its TypeError."""
        rates = [self._lr_t, self._l1_t, self._l2_t]
        if rates[0].dtype != var.dtype.base_dtype:
            raise TypeError(
                f"Input '{grad_arg}' of '{op_type}' Op has type {var.dtype.base_dtype.name} that "
                f"does not match type {rates[0].dtype.name} of argument '{first}'."
            )
        return [self._as(h, var) for h in rates]


class ProximalGradientDescentOptimizer(_ProximalBase):
    """FOBOS with a fixed rate: ``v = var - lr g``, then
    ``var = sign(v) max(|v| - lr l1, 0) / (1 + lr l2)`` (``v / (1 + lr l2)`` when ``l1 = 0``).
    No slots."""

    def __init__(
        self,
        learning_rate: TensorLike,
        l1_regularization_strength: TensorLike = 0.0,
        l2_regularization_strength: TensorLike = 0.0,
        use_locking: bool = False,
        name: str = "ProximalGradientDescent",
    ) -> None:
        super().__init__(
            learning_rate, l1_regularization_strength, l2_regularization_strength, use_locking, name
        )

    def _apply_dense(self, grad, var):
        op = "ApplyProximalGradientDescent"
        ins = [var._variable, *self._uncast_rates(op, "alpha", "delta", var), grad]
        return self._update(op, ins, var)

    def _apply_sparse(self, grad, var):
        ins = [var._variable, *self._rates(var), grad.values, grad.indices]
        return self._update("SparseApplyProximalGradientDescent", ins, var)


class ProximalAdagradOptimizer(_ProximalBase):
    """FOBOS at Adagrad's rate: ``accum += g^2``, ``rate = lr / sqrt(accum)``, then the proximal
    step of ``var - rate g`` at ``rate``. Slot ``accumulator`` (``w/ProximalAdagrad``), starting
    at ``initial_accumulator_value``. The kernel refuses ``lr <= 0`` and negative l1 / l2 when run
    (``InvalidArgumentError``), as TF's."""

    def __init__(
        self,
        learning_rate: TensorLike,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: TensorLike = 0.0,
        l2_regularization_strength: TensorLike = 0.0,
        use_locking: bool = False,
        name: str = "ProximalAdagrad",
    ) -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(
            learning_rate, l1_regularization_strength, l2_regularization_strength, use_locking, name
        )
        self._initial = initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, "accumulator", self._initial)

    def _apply_dense(self, grad, var):
        acc = self._slot_of(var, "accumulator")
        rates = self._uncast_rates("ApplyProximalAdagrad", "lr", "grad", var)
        ins = [var._variable, acc._variable, *rates, grad]
        return self._update("ApplyProximalAdagrad", ins, var)

    def _apply_sparse(self, grad, var):
        acc = self._slot_of(var, "accumulator")
        ins = [var._variable, acc._variable, *self._rates(var), grad.values, grad.indices]
        return self._update("SparseApplyProximalAdagrad", ins, var)


class AdagradDAOptimizer(_ProximalBase):
    """Adagrad dual averaging (Duchi et al. 2011): with ``t = global_step + 1``, ``ga += g``,
    ``gg += g^2`` and ``var = -lr sign(ga) max(|ga| - l1 t, 0) / (l2 t lr + sqrt(gg))``
    (``-lr ga / (...)`` when ``l1 = 0``). Slots ``gradient_accumulator`` (``w/AdagradDA``, 0)
    and ``gradient_squared_accumulator`` (``w/AdagradDA_1``, starting at
    ``initial_gradient_squared_accumulator_value``). ``global_step`` (an int64 variable or
    tensor) is read, not advanced: pass it to ``minimize`` to advance it."""

    def __init__(
        self,
        learning_rate: TensorLike,
        global_step: Variable | Tensor,
        initial_gradient_squared_accumulator_value: float = 0.1,
        l1_regularization_strength: TensorLike = 0.0,
        l2_regularization_strength: TensorLike = 0.0,
        use_locking: bool = False,
        name: str = "AdagradDA",
    ) -> None:
        if initial_gradient_squared_accumulator_value <= 0.0:
            raise ValueError(
                "initial_gradient_squared_accumulator_value must be positive: "
                f"{initial_gradient_squared_accumulator_value}"
            )
        super().__init__(
            learning_rate, l1_regularization_strength, l2_regularization_strength, use_locking, name
        )
        self._initial = initial_gradient_squared_accumulator_value
        self._global_step = global_step

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "gradient_accumulator")
            self._filled_slot(v, "gradient_squared_accumulator", self._initial)

    def _prepare(self):
        super()._prepare()
        self._step_t = identity(self._global_step) + 1

    def _refs(self, var):
        ga = self._slot_of(var, "gradient_accumulator")
        gg = self._slot_of(var, "gradient_squared_accumulator")
        return [var._variable, ga._variable, gg._variable]

    def _apply_dense(self, grad, var):
        ins = [*self._refs(var), grad, *self._rates(var), identity(self._step_t)]
        return self._update("ApplyAdagradDA", ins, var)

    def _apply_sparse(self, grad, var):
        ins = [*self._refs(var), grad.values, grad.indices, *self._rates(var)]
        return self._update("SparseApplyAdagradDA", [*ins, identity(self._step_t)], var)


class FtrlOptimizer(_SlotOptimizer):
    """FTRL-proximal (McMahan et al. 2013). Per element, with ``p = learning_rate_power``:
    ``new = accum + g^2``; ``linear += g' - (new^-p - accum^-p) / lr * var`` where
    ``g' = g + 2 l2_shrinkage var`` (``g' = g`` without shrinkage);
    ``var = (sign(linear) l1 - linear) / (new^-p / lr + 2 l2)`` when ``|linear| > l1``, else 0;
    ``accum = new``. ``l2`` is ``l2_regularization_strength + beta / (2 lr)``. Slots ``accum``
    (``w/Ftrl``, or ``accum_name``; starting at ``initial_accumulator_value``) and ``linear``
    (``w/Ftrl_1``, or ``linear_name``; 0). Bad strengths are ``ValueError`` here, as TF."""

    def __init__(
        self,
        learning_rate: TensorLike,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        use_locking: bool = False,
        name: str = "Ftrl",
        accum_name: str | None = None,
        linear_name: str | None = None,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float | None = None,
    ) -> None:
        super().__init__(use_locking, name)
        for arg, value, bad, want in (
            ("initial_accumulator_value", initial_accumulator_value, False, "positive or zero"),
            ("learning_rate_power", learning_rate_power, True, "negative or zero"),
            ("l1_regularization_strength", l1_regularization_strength, False, "positive or zero"),
            ("l2_regularization_strength", l2_regularization_strength, False, "positive or zero"),
            (
                "l2_shrinkage_regularization_strength",
                l2_shrinkage_regularization_strength,
                False,
                "positive or zero",
            ),
        ):
            if (value > 0.0) if bad else (value < 0.0):
                raise ValueError(f"{arg} {value:f} needs to be {want}")
        self._lr = learning_rate
        self._power = learning_rate_power
        self._initial = initial_accumulator_value
        self._l1, self._l2 = l1_regularization_strength, l2_regularization_strength
        self._beta = 0.0 if beta is None else beta
        self._shrinkage = l2_shrinkage_regularization_strength
        self._accum_name, self._linear_name = accum_name, linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._filled_slot(v, "accum", self._initial, self._accum_name)
            self._zeros_slot(v, "linear", self._linear_name)

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)
        self._l1_t = self._tensor("l1_regularization_strength", self._l1)
        adjusted: float | Tensor
        if isinstance(self._lr, (int, float)):
            adjusted = self._l2 + self._beta / (2.0 * max(self._lr, 1e-36))
        else:
            adjusted = self._l2 + self._beta / (2.0 * maximum(convert_to_tensor(self._lr), 1e-36))
        self._l2_t = convert_to_tensor(adjusted, name="adjusted_l2_regularization_strength")
        self._shrinkage_t = self._tensor("l2_shrinkage_regularization_strength", self._shrinkage)
        self._power_t = self._tensor("learning_rate_power", self._power)

    def _rates(self, var):
        hyper = [self._lr_t, self._l1_t, self._l2_t]
        if self._shrinkage > 0.0:
            hyper.append(self._shrinkage_t)
        return [self._as(h, var) for h in (*hyper, self._power_t)]

    def _refs(self, var):
        acc, lin = self._slot_of(var, "accum"), self._slot_of(var, "linear")
        return [var._variable, acc._variable, lin._variable]

    def _op(self, sparse: bool) -> str:
        return ("SparseApply" if sparse else "Apply") + (
            "FtrlV2" if self._shrinkage > 0.0 else "Ftrl"
        )

    def _apply_dense(self, grad, var):
        ins = [*self._refs(var), grad, *self._rates(var)]
        return self._update(self._op(False), ins, var, multiply_linear_by_lr=False)

    def _apply_sparse(self, grad, var):
        ins = [*self._refs(var), grad.values, grad.indices, *self._rates(var)]
        return self._update(self._op(True), ins, var, multiply_linear_by_lr=False)
