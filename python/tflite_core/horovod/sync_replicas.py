"""``tf.train.SyncReplicasOptimizer`` on MPI: synchronous data-parallel training where every
replica is a rank of a ``tflite_core.horovod`` job.

TF's version aggregates the replicas' gradients on parameter servers, in conditional
accumulators that the chief drains, and hands tokens back to the workers. Here the replicas are
the ranks: each step's gradients are averaged over all of them by one fused allreduce, and every
rank applies the same update, so the result is TF's when every replica's gradient is aggregated
(``replicas_to_aggregate == total_num_replicas == hvd.size()``; without ``hvd.init()`` the job is
one replica). Dropping the slowest replicas' gradients (backup workers) has no MPI counterpart:
``replicas_to_aggregate`` below the number of ranks raises ``ValueError``.

The chief's queue runner and its tokens exist for programs that start them: the runner keeps one
token in the token queue (the ranks need none: the allreduce synchronises them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..framework import dtypes as _dt
from ..framework.graph import control_dependencies, name_scope
from ..ops import array_ops
from ..ops.control_flow_ops import no_op
from ..ops.data_flow_ops import FIFOQueue
from ..training.optimizer import Optimizer
from ..training.queue_runner import QueueRunner
from ..training.session_run_hook import SessionRunHook
from . import basics
from .optimizer import DistributedOptimizer


def _ranks() -> int:
    return basics.size() if basics.is_initialized() else 1


class SyncReplicasOptimizer(Optimizer):
    """Averages the gradients of ``replicas_to_aggregate`` replicas (the job's ranks) before
    ``opt`` applies them; ``variable_averages`` (an ``ExponentialMovingAverage``) then updates
    the averages of ``variables_to_average``."""

    def __init__(
        self,
        opt: Optimizer,
        replicas_to_aggregate: int,
        total_num_replicas: int | None = None,
        variable_averages: Any = None,
        variables_to_average: Sequence[Any] | None = None,
        use_locking: bool = False,
        name: str = "sync_replicas",
    ) -> None:
        super().__init__(use_locking, name)
        if total_num_replicas is None:
            total_num_replicas = replicas_to_aggregate
        ranks = _ranks()
        if not replicas_to_aggregate == total_num_replicas == ranks:
            raise ValueError(
                f"SyncReplicasOptimizer(replicas_to_aggregate={replicas_to_aggregate}, "
                f"total_num_replicas={total_num_replicas}): tflite_core's replicas are the "
                f"{ranks} rank(s) of a tflite_core.horovod job (hvd.init() under "
                "`mpiexec -n N`), and every rank's gradient is aggregated at every step, so "
                "both must equal hvd.size()"
            )
        self._opt = opt
        self._replicas_to_aggregate = replicas_to_aggregate
        self._total_num_replicas = total_num_replicas
        self._variable_averages = variable_averages
        self._variables_to_average = variables_to_average
        self._reduced = DistributedOptimizer(opt) if ranks > 1 else opt
        self._token_queue: Any = None
        self._chief_queue_runner: QueueRunner | None = None
        self._init_tokens_op: Any = None

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The gradients of this replica (``opt``'s); they are averaged over the replicas
        when applied."""
        return self._opt.compute_gradients(*args, **kwargs)

    def apply_gradients(
        self, grads_and_vars: Any, global_step: Any = None, name: str | None = None
    ) -> Any:
        """Averages the replicas' gradients and applies them; ``global_step`` is required."""
        grads_and_vars = list(grads_and_vars)
        if not grads_and_vars:
            raise ValueError("Must supply at least one variable")
        if global_step is None:
            raise ValueError("Global step is required to check staleness")
        if _ranks() > 1:
            grads = [g for g, _ in grads_and_vars]
            variables = [v for _, v in grads_and_vars]
            with name_scope(f"{self._name}_Allreduce"):
                reduced = self._reduced._allreduce_grads(grads, variables)  # type: ignore[attr-defined]
            grads_and_vars = list(zip(reduced, variables))
        train_op = self._opt.apply_gradients(grads_and_vars, global_step=global_step, name=name)
        if self._variable_averages is not None:
            with control_dependencies([train_op]), name_scope(""):
                train_op = self._variable_averages.apply(self._variables_to_average)
        with name_scope(None), name_scope(self._name):
            self._token_queue = FIFOQueue(
                1, _dt.int64, shapes=[[]], shared_name="sync_token_q", name="sync_token_q"
            )
            enqueue = self._token_queue.enqueue(array_ops.cast(global_step, _dt.int64))
            self._chief_queue_runner = QueueRunner(self._token_queue, [enqueue])
            self._init_tokens_op = no_op(name="init_tokens")
        return train_op

    def get_chief_queue_runner(self) -> QueueRunner:
        """The chief's queue runner (it keeps one token queued); after ``apply_gradients``."""
        if self._chief_queue_runner is None:
            raise ValueError("Should be called after apply_gradients().")
        return self._chief_queue_runner

    def get_init_tokens_op(self, num_tokens: int = -1) -> Any:
        """The op that fills the token queue at start: nothing to fill here (the allreduce
        synchronises the ranks); after ``apply_gradients``."""
        if self._init_tokens_op is None:
            raise ValueError("get_init_tokens_op() should be called after apply_gradients().")
        needed = self._replicas_to_aggregate - self._total_num_replicas  # (0: all aggregated)
        if num_tokens != -1 and num_tokens < needed:
            raise ValueError(
                f"Too few tokens to finish the first step: {num_tokens} (given) vs {needed} "
                "(needed)"
            )
        return self._init_tokens_op

    def make_session_run_hook(self, is_chief: bool, num_tokens: int = -1) -> SessionRunHook:
        """The hook ``MonitoredTrainingSession`` runs: on the chief it starts the chief's queue
        runner, as TF's does."""
        return _SyncReplicasOptimizerHook(self, is_chief)

    def get_slot(self, *args: Any, **kwargs: Any) -> Any:
        return self._opt.get_slot(*args, **kwargs)

    def get_slot_names(self, *args: Any, **kwargs: Any) -> list:
        return self._opt.get_slot_names(*args, **kwargs)

    def variables(self) -> list:
        return self._opt.variables()


class _SyncReplicasOptimizerHook(SessionRunHook):
    def __init__(self, opt: SyncReplicasOptimizer, is_chief: bool) -> None:
        self._opt = opt
        self._is_chief = is_chief

    def begin(self) -> None:
        if self._opt._chief_queue_runner is None:
            raise ValueError(
                "SyncReplicasOptimizer.apply_gradients should be called before using the hook."
            )

    def after_create_session(self, session: Any, coord: Any) -> None:
        if self._is_chief:
            session.run(self._opt._init_tokens_op)
            runner = self._opt._chief_queue_runner
            assert runner is not None  # (begin checked it)
            runner.create_threads(session, coord=coord, daemon=True, start=True)
