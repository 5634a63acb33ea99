"""The ``Optimizer`` base class and ``GradientDescentOptimizer``, whose update is one fused
in-place kernel per variable (``ApplyGradientDescent``, registered in ``training_ops``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Union

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import (
    GraphKeys,
    Operation,
    Tensor,
    control_dependencies,
    device,
    get_default_graph,
    name_scope,
)
from ..framework.op_util import make_tensor
from ..ops.array_ops import cast
from ..ops.control_flow_ops import group
from ..ops.gradients import gradients
from ..ops.indexing_ops import IndexedSlices
from ..ops.variables import Variable, assign_add, trainable_variables
from . import training_ops  # noqa: F401  (registers the Apply* and SparseApply* op types)

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

GradAndVar = tuple[Union[Tensor, IndexedSlices, None], Variable]
"""A gradient (``None`` where the variable does not affect the loss) and its variable."""


class Optimizer:
    """Base class: ``minimize`` = ``compute_gradients`` + ``apply_gradients``."""

    GATE_NONE, GATE_OP, GATE_GRAPH = 0, 1, 2

    def __init__(self, use_locking: bool, name: str) -> None:
        if not name:
            raise ValueError("Must specify the optimizer name")
        self._use_locking = use_locking
        self._name = name

    def get_name(self) -> str:
        return self._name

    def minimize(
        self,
        loss: TensorLike,
        global_step: Variable | Tensor | None = None,
        var_list: Sequence[Variable] | None = None,
        gate_gradients: int = GATE_OP,
        aggregation_method: Any = None,
        colocate_gradients_with_ops: bool = False,
        name: str | None = None,
        grad_loss: TensorLike | None = None,
    ) -> Operation:
        """Adds ops that take one step down the gradient of ``loss``; returns the train op."""
        grads_and_vars = self.compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        if not any(g is not None for g, _ in grads_and_vars):
            raise ValueError(
                "No gradients provided for any variable, check your graph for ops "
                "that do not support gradients, between variables "
                f"{[v.name for _, v in grads_and_vars]} and loss {loss!s}."
            )
        return self.apply_gradients(grads_and_vars, global_step=global_step, name=name)

    def compute_gradients(
        self,
        loss: TensorLike,
        var_list: Sequence[Variable] | None = None,
        gate_gradients: int = GATE_OP,
        aggregation_method: Any = None,
        colocate_gradients_with_ops: bool = False,
        grad_loss: TensorLike | None = None,
    ) -> list[GradAndVar]:
        """Returns ``[(gradient or None, variable), ...]`` for the trainable variables."""
        loss = convert_to_tensor(loss)
        var_list = list(trainable_variables() if var_list is None else var_list)
        if not var_list:
            raise ValueError("No variables to optimize.")
        for v in var_list:
            if not isinstance(v, Variable):
                raise TypeError(f"Argument is not a tf.Variable: {v!r}")
        grads = gradients(
            loss, [v.value() for v in var_list], grad_ys=None if grad_loss is None else [grad_loss]
        )
        return list(zip(grads, var_list))

    def apply_gradients(
        self,
        grads_and_vars: Iterable[GradAndVar],
        global_step: Variable | Tensor | None = None,
        name: str | None = None,
    ) -> Operation:
        """Applies the gradients; increments ``global_step`` afterwards when given."""
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("No variables provided.")
        with control_dependencies(None):  # as TF's init_scope: slots depend on nothing
            self._create_slots([v for g, v in grads_and_vars if g is not None])
        # No update before every gradient is computed: the gradients read the variables in
        # place (TF's gate_gradients does this with tuples; here, as control inputs of the
        # updates, so that a GraphDef of the graph trains in TF as it does here)
        gate = [
            (g.values if isinstance(g, IndexedSlices) else g).op
            for g, _ in grads_and_vars
            if isinstance(g, (Tensor, IndexedSlices))
        ]
        with name_scope(name, self._name, []) as scope:
            self._prepare()
            updates: list[Operation] = []
            for g, v in grads_and_vars:
                if g is None:
                    continue
                with (
                    name_scope("update_" + v.op.name),
                    device(v.device),
                    control_dependencies(gate),
                ):
                    if isinstance(g, IndexedSlices):
                        update = self._apply_sparse(g, v)
                    else:
                        update = self._apply_dense(g, v)
                    constraint = getattr(v, "constraint", None)
                    if constraint is not None:  # TF 1.x: project after the update
                        with control_dependencies([update]):
                            update = v.assign(constraint(v)).op
                    updates.append(update)
            if global_step is None:
                train_op = self._finish(updates, scope)
            else:
                with (
                    control_dependencies([self._finish(updates, "update")]),
                    get_default_graph()._colocated(global_step.op),
                ):
                    train_op = assign_add(global_step, 1, name=scope).op
        get_default_graph().add_to_collection(GraphKeys.TRAIN_OP, train_op)
        return train_op

    def _create_slots(self, var_list: list[Variable]) -> None:
        """Creates the optimiser's slot variables for ``var_list`` (none for plain SGD)."""

    def _prepare(self) -> None:
        pass

    def _apply_dense(self, grad: Tensor, var: Variable) -> Operation:
        raise NotImplementedError

    def _apply_sparse(self, grad: IndexedSlices, var: Variable) -> Operation:
        """Applies an ``IndexedSlices`` gradient; by default as a dense one."""
        return self._apply_dense(grad._to_dense(), var)

    def _finish(self, update_ops: list[Operation], name: str) -> Operation:
        """The op that completes a step: by default a group of the variable updates."""
        return group(*update_ops, name=name)

    def get_slot_names(self) -> list[str]:
        return []

    def get_slot(self, var: Variable, name: str) -> Variable | None:
        return None

    def variables(self) -> list[Variable]:
        return []


class GradientDescentOptimizer(Optimizer):
    """Plain SGD: ``var -= learning_rate * grad``. ``tf.train.GradientDescentOptimizer(0.1)``."""

    def __init__(
        self, learning_rate: TensorLike, use_locking: bool = False, name: str = "GradientDescent"
    ) -> None:
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._lr_tensor: Tensor | None = None

    def _prepare(self) -> None:
        self._lr_tensor = convert_to_tensor(self._learning_rate, name="learning_rate")

    def _lr_as(self, var: Variable) -> Tensor:
        """The learning rate (``_prepare`` made it a tensor) in ``var``'s dtype."""
        lr = self._lr_tensor
        assert lr is not None  # apply_gradients calls _prepare first
        return lr if lr.dtype == var.dtype else cast(lr, var.dtype)

    def _apply_dense(self, grad: Tensor, var: Variable) -> Operation:
        lr = self._lr_as(var)
        return make_tensor(
            "ApplyGradientDescent",
            [var._variable, lr, grad],
            var.dtype,
            {"use_locking": self._use_locking, "T": var.dtype},
            "ApplyGradientDescent",
        ).op

    def _apply_sparse(self, grad: IndexedSlices, var: Variable) -> Operation:
        """``var[ids] -= lr * values``: only the rows the gradient names (duplicates summed)."""
        lr = self._lr_as(var)
        return make_tensor(
            "SparseApplyGradientDescent",
            [var._variable, lr, grad.values, grad.indices],
            var.dtype,
            {"use_locking": self._use_locking, "T": var.dtype},
            "SparseApplyGradientDescent",
        ).op
