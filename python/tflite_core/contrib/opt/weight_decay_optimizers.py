"""``tf.contrib.opt.AdamWOptimizer`` and ``MomentumWOptimizer`` (TF 1.x
``contrib/opt/python/training/weight_decay_optimizers.py``): decoupled weight decay (Loshchilov
and Hutter). Before each variable's update, ``var -= weight_decay * var`` (for the rows of a
sparse gradient only); ``decay_var_list`` given to ``apply_gradients`` limits the decay to
those variables (given to ``minimize`` it is dropped when ``minimize`` calls
``apply_gradients``, as in TF 1.x). Slots and names are those of Adam/Momentum (``w/AdamW``,
``w/AdamW_1``; ``w/MomentumW``). ``weight_decay`` may be a callable, called when the update is
built.
"""

from __future__ import annotations

from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...framework.graph import control_dependencies
from ...ops.control_flow_ops import no_op
from ...ops.indexing_ops import gather
from ...ops.partition_ops import unique
from ...ops.scatter_ops import scatter_add
from ...ops.variables import assign_sub
from ...training.optimizer import Optimizer
from ...training.optimizers import AdamOptimizer, MomentumOptimizer


class DecoupledWeightDecayExtension:
    """The decay step, mixed in before an optimiser class (see the module doc)."""

    _use_locking: bool

    def __init__(self, weight_decay: Any, **kwargs: Any) -> None:
        self._decay_var_list: Any = None
        self._weight_decay = weight_decay
        self._weight_decay_tensor: Any = None
        super().__init__(**kwargs)

    def minimize(
        self,
        loss,
        global_step=None,
        var_list=None,
        gate_gradients=Optimizer.GATE_OP,
        aggregation_method=None,
        colocate_gradients_with_ops=False,
        name=None,
        grad_loss=None,
        decay_var_list=None,
    ):
        self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().minimize(  # type: ignore[misc]
            loss,
            global_step=global_step,
            var_list=var_list,
            gate_gradients=gate_gradients,
            aggregation_method=aggregation_method,
            colocate_gradients_with_ops=colocate_gradients_with_ops,
            name=name,
            grad_loss=grad_loss,
        )

    def apply_gradients(self, grads_and_vars, global_step=None, name=None, decay_var_list=None):
        self._decay_var_list = set(decay_var_list) if decay_var_list else False
        return super().apply_gradients(  # type: ignore[misc]
            grads_and_vars, global_step=global_step, name=name
        )

    def _prepare(self):
        wd = self._weight_decay() if callable(self._weight_decay) else self._weight_decay
        self._weight_decay_tensor = convert_to_tensor(wd, name="weight_decay")
        super()._prepare()  # type: ignore[misc]

    def _decays(self, var) -> bool:
        return not self._decay_var_list or var in self._decay_var_list

    def _decay_weights_op(self, var):
        if self._decays(var):
            return assign_sub(var, self._weight_decay_tensor * var, self._use_locking)
        return no_op()

    def _decay_weights_sparse_op(self, var, indices):
        if self._decays(var):
            # TF hands _apply_sparse deduplicated indices: each row decays once
            indices = unique(indices).y
            update = -self._weight_decay_tensor * gather(var, indices)
            return scatter_add(var, indices, update, self._use_locking)
        return no_op()

    def _apply_dense(self, grad, var):
        with control_dependencies([self._decay_weights_op(var)]):
            return super()._apply_dense(grad, var)  # type: ignore[misc]

    def _apply_sparse(self, grad, var):
        with control_dependencies([self._decay_weights_sparse_op(var, grad.indices)]):
            return super()._apply_sparse(grad, var)  # type: ignore[misc]


class AdamWOptimizer(DecoupledWeightDecayExtension, AdamOptimizer):
    """Adam with decoupled weight decay."""

    def __init__(
        self,
        weight_decay: Any,
        learning_rate: Any = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        epsilon: float = 1e-8,
        use_locking: bool = False,
        name: str = "AdamW",
    ) -> None:
        super().__init__(
            weight_decay,
            learning_rate=learning_rate,
            beta1=beta1,
            beta2=beta2,
            epsilon=epsilon,
            use_locking=use_locking,
            name=name,
        )


class MomentumWOptimizer(DecoupledWeightDecayExtension, MomentumOptimizer):
    """Momentum with decoupled weight decay."""

    def __init__(
        self,
        weight_decay: Any,
        learning_rate: Any,
        momentum: Any,
        use_locking: bool = False,
        name: str = "MomentumW",
        use_nesterov: bool = False,
    ) -> None:
        super().__init__(
            weight_decay,
            learning_rate=learning_rate,
            momentum=momentum,
            use_locking=use_locking,
            name=name,
            use_nesterov=use_nesterov,
        )
