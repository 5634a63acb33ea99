"""The optimisers TF 1.x users train with: ``MomentumOptimizer`` (Nesterov too), ``AdamOptimizer``,
``AdagradOptimizer``, ``RMSPropOptimizer`` and ``AdadeltaOptimizer`` (the l1/l2-regularised ones
are in ``proximal_optimizers``). Each update is one fused in-place C++ kernel over the variable
and its slots (TF's ``ApplyMomentum``, ``ApplyAdam``, ``ApplyAdagrad``, ``ApplyRMSProp``,
``ApplyAdadelta`` and their sparse forms, registered in ``training_ops``). Slots are global,
non-trainable variables named as TF names them (``w/Adam``, ``w/Adam_1``, ``w/Momentum``, …), so
``tf.train.Saver`` checkpoints them and TF checkpoints of them restore.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import TYPE_CHECKING

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import control_dependencies, get_default_graph, name_scope
from ..framework.op_util import make_tensor
from ..ops.array_ops import cast, ones, zeros
from ..ops.control_flow_ops import group
from ..ops.variables import Variable, assign
from .optimizer import Optimizer

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike


class _SlotOptimizer(Optimizer):
    """Slot bookkeeping shared by the optimisers below (TF's ``Optimizer`` slot API)."""

    def __init__(self, use_locking: bool, name: str) -> None:
        super().__init__(use_locking, name)
        self._slots: dict = {}  # slot name -> {variable: slot variable}
        self._non_slot: dict = {}
        self._hyper: dict = {}

    def _slot(self, var, slot_name: str, initial_value, op_name: str | None = None) -> Variable:
        """The slot ``slot_name`` of ``var``, made once: a variable named ``<var>/<op_name>``
        (the optimiser's name by default; uniquified ``_1``, ``_2`` ... as TF's slots)."""
        per_var = self._slots.setdefault(slot_name, {})
        if var not in per_var:
            # named after the variable, at the top level; on its device (TF colocates slots)
            with name_scope(None), get_default_graph()._colocated(var.op):
                per_var[var] = Variable(
                    initial_value, name=f"{var.op.name}/{op_name or self._name}", trainable=False
                )
        return per_var[var]

    def _zeros_slot(self, var, slot_name, op_name: str | None = None):
        return self._slot(var, slot_name, zeros(var.shape.as_list(), var.dtype), op_name)

    def _filled_slot(self, var, slot_name, value: float, op_name: str | None = None):
        """A slot of ``var``'s shape and dtype filled with ``value``."""
        init = ones(var.shape.as_list(), var.dtype) * value
        return self._slot(var, slot_name, init, op_name)

    def _non_slot_variable(self, name: str, value, dtype, colocate_with=None):
        """A variable of the optimiser's own, made once; on ``colocate_with``'s device."""
        if name not in self._non_slot:
            g = get_default_graph()
            with (
                name_scope(None),
                g._colocated(colocate_with.op) if colocate_with is not None else nullcontext(),
            ):
                self._non_slot[name] = Variable(
                    convert_to_tensor(value, dtype=dtype), name=name, trainable=False
                )
        return self._non_slot[name]

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        """The slot variable ``name`` of ``var`` (None when there is none)."""
        return self._slots.get(name, {}).get(var)

    def _slot_of(self, var: Variable, name: str) -> Variable:
        """The slot variable ``name`` of ``var``, which ``_create_slots`` made."""
        return self._slots[name][var]

    def get_slot_names(self) -> list[str]:
        return sorted(self._slots)

    def variables(self) -> list[Variable]:
        """The optimiser's own variables: slots and non-slot variables (Adam's beta powers)."""
        out = [v for per in self._slots.values() for v in per.values()]
        return out + list(self._non_slot.values())

    def _tensor(self, name: str, value):
        return convert_to_tensor(value, name=name)

    def _as(self, t, var):
        return t if t.dtype == var.dtype else cast(t, var.dtype)

    def _update(self, op_type, inputs, var, **attrs):
        attrs = {"T": var.dtype, "use_locking": self._use_locking, **attrs}
        return make_tensor(op_type, inputs, var.dtype, attrs, op_type).op


class MomentumOptimizer(_SlotOptimizer):
    """``accum = momentum * accum + grad; var -= lr * accum`` (Nesterov:
    ``var -= lr * grad + lr * momentum * accum``). Slot: ``momentum`` (``w/Momentum``)."""

    def __init__(
        self,
        learning_rate: TensorLike,
        momentum: TensorLike,
        use_locking: bool = False,
        name: str = "Momentum",
        use_nesterov: bool = False,
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._momentum, self._nesterov = learning_rate, momentum, use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum")

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)
        self._momentum_t = self._tensor("momentum", self._momentum)

    def _apply_dense(self, grad, var):
        accum = self._slot_of(var, "momentum")
        ins = [var._variable, accum._variable, self._as(self._lr_t, var), grad]
        ins.append(self._as(self._momentum_t, var))
        return self._update("ApplyMomentum", ins, var, use_nesterov=bool(self._nesterov))

    def _apply_sparse(self, grad, var):
        accum = self._slot_of(var, "momentum")
        ins = [var._variable, accum._variable, self._as(self._lr_t, var), grad.values]
        ins += [grad.indices, self._as(self._momentum_t, var)]
        return self._update("SparseApplyMomentum", ins, var, use_nesterov=bool(self._nesterov))


class AdamOptimizer(_SlotOptimizer):
    """Adam (Kingma and Ba): ``lr_t = lr * sqrt(1 - beta2^t) / (1 - beta1^t)``,
    ``m = beta1 m + (1 - beta1) g``, ``v = beta2 v + (1 - beta2) g^2``,
    ``var -= lr_t m / (sqrt(v) + epsilon)``. Slots ``m`` (``w/Adam``) and ``v`` (``w/Adam_1``);
    the non-slot variables ``beta1_power`` and ``beta2_power`` advance after each step."""

    def __init__(
        self,
        learning_rate: TensorLike = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: TensorLike = 1e-08,
        use_locking: bool = False,
        name: str = "Adam",
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._beta1, self._beta2, self._epsilon = learning_rate, beta1, beta2, epsilon

    def _create_slots(self, var_list):
        # float32 whatever the variables' dtype, as in TF (cast where they are used)
        first = min(var_list, key=lambda v: v.name) if var_list else None  # (as TF)
        self._non_slot_variable("beta1_power", self._beta1, "float32", first)
        self._non_slot_variable("beta2_power", self._beta2, "float32", first)
        for v in var_list:
            self._zeros_slot(v, "m")
            self._zeros_slot(v, "v")

    def _get_beta_accumulators(self):
        return self._non_slot["beta1_power"], self._non_slot["beta2_power"]

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)
        self._beta1_t = self._tensor("beta1", self._beta1)
        self._beta2_t = self._tensor("beta2", self._beta2)
        self._epsilon_t = self._tensor("epsilon", self._epsilon)

    def _apply_dense(self, grad, var):
        m, v = self._slot_of(var, "m"), self._slot_of(var, "v")
        b1p, b2p = self._get_beta_accumulators()
        hyper = [self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t]
        ins = [var._variable, m._variable, v._variable, self._as(b1p.value(), var)]
        ins += [self._as(b2p.value(), var)] + [self._as(h, var) for h in hyper] + [grad]
        return self._update("ApplyAdam", ins, var, use_nesterov=False)

    def _apply_sparse(self, grad, var):
        # TF 1.x: m, v decay and var's step are dense; the gradient is scatter-added to rows
        m, v = self._slot_of(var, "m"), self._slot_of(var, "v")
        b1p, b2p = self._get_beta_accumulators()
        hyper = [self._lr_t, self._beta1_t, self._beta2_t, self._epsilon_t]
        ins = [var._variable, m._variable, v._variable, self._as(b1p.value(), var)]
        ins += [self._as(b2p.value(), var)] + [self._as(h, var) for h in hyper]
        return self._update("SparseApplyAdam", [*ins, grad.values, grad.indices], var)

    def _finish(self, update_ops, name):
        b1p, b2p = self._get_beta_accumulators()
        with control_dependencies(update_ops), get_default_graph()._colocated(b1p.op):
            up1 = assign(b1p, b1p * self._as(self._beta1_t, b1p))
            up2 = assign(b2p, b2p * self._as(self._beta2_t, b2p))
        return group(*update_ops, up1, up2, name=name)


class AdagradOptimizer(_SlotOptimizer):
    """``accum += g^2; var -= lr * g / sqrt(accum)``. Slot ``accumulator`` (``w/Adagrad``),
    starting at ``initial_accumulator_value``."""

    def __init__(
        self,
        learning_rate: TensorLike,
        initial_accumulator_value: float = 0.1,
        use_locking: bool = False,
        name: str = "Adagrad",
    ) -> None:
        if initial_accumulator_value <= 0.0:
            raise ValueError(
                f"initial_accumulator_value must be positive: {initial_accumulator_value}"
            )
        super().__init__(use_locking, name)
        self._lr, self._initial = learning_rate, initial_accumulator_value

    def _create_slots(self, var_list):
        for v in var_list:
            init = ones(v.shape.as_list(), v.dtype) * self._initial
            self._slot(v, "accumulator", init)

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)

    def _apply_dense(self, grad, var):
        acc = self._slot_of(var, "accumulator")
        ins = [var._variable, acc._variable, self._as(self._lr_t, var), grad]
        return self._update("ApplyAdagrad", ins, var)

    def _apply_sparse(self, grad, var):
        acc = self._slot_of(var, "accumulator")
        ins = [var._variable, acc._variable, self._as(self._lr_t, var), grad.values]
        return self._update("SparseApplyAdagrad", [*ins, grad.indices], var)


class RMSPropOptimizer(_SlotOptimizer):
    """``ms = decay ms + (1 - decay) g^2; mom = momentum mom + lr g / sqrt(ms + epsilon);
    var -= mom``; ``centered`` also keeps the mean gradient ``mg = decay mg + (1 - decay) g``
    and divides by ``sqrt(ms - mg^2 + epsilon)``. Slots ``rms`` (``w/RMSProp``, starting at 1),
    with ``centered`` ``mg`` (``w/RMSProp_1``), and ``momentum`` (``w/RMSProp_1``, or
    ``w/RMSProp_2`` when centered). An ``IndexedSlices`` gradient updates only its rows."""

    def __init__(
        self,
        learning_rate: TensorLike,
        decay: TensorLike = 0.9,
        momentum: TensorLike = 0.0,
        epsilon: TensorLike = 1e-10,
        use_locking: bool = False,
        centered: bool = False,
        name: str = "RMSProp",
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._decay, self._momentum, self._epsilon = (
            learning_rate,
            decay,
            momentum,
            epsilon,
        )
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._slot(v, "rms", ones(v.shape.as_list(), v.dtype))
            if self._centered:
                self._zeros_slot(v, "mg")
            self._zeros_slot(v, "momentum")

    def _prepare(self):
        self._lr_t = self._tensor("learning_rate", self._lr)
        self._decay_t = self._tensor("decay", self._decay)
        self._momentum_t = self._tensor("momentum", self._momentum)
        self._epsilon_t = self._tensor("epsilon", self._epsilon)

    def _inputs(self, var):
        """(op type suffix, the refs and hyper-parameters) of ``var``'s update."""
        rms, mom = self._slot_of(var, "rms"), self._slot_of(var, "momentum")
        refs = [var._variable, rms._variable, mom._variable]
        if self._centered:
            refs.insert(1, self._slot_of(var, "mg")._variable)
        hyper = [self._lr_t, self._decay_t, self._momentum_t, self._epsilon_t]
        kind = "CenteredRMSProp" if self._centered else "RMSProp"
        return kind, refs + [self._as(h, var) for h in hyper]

    def _apply_dense(self, grad, var):
        kind, ins = self._inputs(var)
        return self._update("Apply" + kind, [*ins, grad], var)

    def _apply_sparse(self, grad, var):
        kind, ins = self._inputs(var)
        return self._update("SparseApply" + kind, [*ins, grad.values, grad.indices], var)


class AdadeltaOptimizer(_SlotOptimizer):
    """Adadelta (Zeiler 2012): ``accum = rho accum + (1 - rho) g^2``,
    ``update = sqrt(accum_update + epsilon) / sqrt(accum + epsilon) g``, ``var -= lr update``,
    ``accum_update = rho accum_update + (1 - rho) update^2``. Slots ``accum``
    (``w/Adadelta``) and ``accum_update`` (``w/Adadelta_1``), both starting at 0."""

    def __init__(
        self,
        learning_rate: TensorLike = 0.001,
        rho: TensorLike = 0.95,
        epsilon: TensorLike = 1e-8,
        use_locking: bool = False,
        name: str = "Adadelta",
    ) -> None:
        super().__init__(use_locking, name)
        self._lr, self._rho, self._epsilon = learning_rate, rho, epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum")
            self._zeros_slot(v, "accum_update")

    def _prepare(self):
        self._lr_t = self._tensor("lr", self._lr)
        self._rho_t = self._tensor("rho", self._rho)
        self._epsilon_t = self._tensor("epsilon", self._epsilon)

    def _inputs(self, var):
        acc, upd = self._slot_of(var, "accum"), self._slot_of(var, "accum_update")
        hyper = [self._as(h, var) for h in (self._lr_t, self._rho_t, self._epsilon_t)]
        return [var._variable, acc._variable, upd._variable, *hyper]

    def _apply_dense(self, grad, var):
        return self._update("ApplyAdadelta", [*self._inputs(var), grad], var)

    def _apply_sparse(self, grad, var):
        ins = [*self._inputs(var), grad.values, grad.indices]
        return self._update("SparseApplyAdadelta", ins, var)
