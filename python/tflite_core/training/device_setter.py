"""``tf.train.replica_device_setter``: the device function of between-graph replication, which
puts variables on the parameter-server tasks (round-robin, or as a strategy chooses) and every
other op on the worker device.

>>> with tf.Graph().as_default():
...     with tf.device(tf.train.replica_device_setter(ps_tasks=2)):
...         v0, v1 = tf.Variable(1.0, name="v0"), tf.Variable(2.0, name="v1")
...         y = v0 + v1
>>> v0.device, v1.device, y.device
('/job:ps/task:0', '/job:ps/task:1', '/job:worker')
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..framework import device_spec
from ..framework.tf_logging import warning
from .server_lib import ClusterSpec

STANDARD_PS_OPS = (
    *("Variable", "VariableV2", "AutoReloadVariable", "MutableHashTable", "MutableHashTableV2"),
    *("MutableHashTableOfTensors", "MutableHashTableOfTensorsV2", "MutableDenseHashTable"),
    *("MutableDenseHashTableV2", "VarHandleOp", "BoostedTreesEnsembleResourceHandleOp"),
    *("BoostedTreesQuantileStreamResourceHandleOp", "ResourceConditionalAccumulator"),
    "DecisionTreeResource",
)
"""The op types placed on ps tasks by default: variables, mutable tables, resource handles."""


class _RoundRobinStrategy:
    """The next ps task, cycling over ``num_tasks``."""

    def __init__(self, num_tasks: int) -> None:
        self._num_tasks = num_tasks
        self._next_task = 0

    def __call__(self, unused_op: Any) -> int:
        task = self._next_task
        self._next_task = (self._next_task + 1) % self._num_tasks
        return task


class _ReplicaDeviceChooser:
    """The device function: a ps device for the ``ps_ops`` types, the worker device for the
    rest, each merged under the device the op already has."""

    def __init__(
        self,
        ps_tasks: int,
        ps_device: str,
        worker_device: str,
        merge_devices: bool,
        ps_ops: Sequence[str],
        ps_strategy: Callable[[Any], int],
    ) -> None:
        self._ps_tasks = ps_tasks
        self._ps_device = ps_device
        self._worker_device = worker_device
        self._merge_devices = merge_devices
        self._ps_ops = ps_ops
        self._ps_strategy = ps_strategy

    def device_function(self, op: Any) -> str:
        """The device of ``op`` (an ``Operation`` or a ``NodeDef``)."""
        if not self._merge_devices and op.device:
            return op.device
        current = device_spec.parse(op.device or "")
        op_type = op.op if isinstance(getattr(op, "op", None), str) else op.type
        if self._ps_tasks and self._ps_device and op_type in self._ps_ops:
            ps = device_spec.parse(self._ps_device)
            if ps.job and (not current.job or current.job == ps.job):
                task = self._ps_strategy(op)
                ps = ps._replace(task=None if task is None else int(task))
            return ps.merged_over(current).to_string()
        worker = device_spec.parse(self._worker_device or "")
        return worker.merged_over(current).to_string()


def replica_device_setter(
    ps_tasks: int = 0,
    ps_device: str = "/job:ps",
    worker_device: str = "/job:worker",
    merge_devices: bool = True,
    cluster: Any = None,
    ps_ops: Sequence[str] | None = None,
    ps_strategy: Callable[[Any], int] | None = None,
) -> Callable[[Any], str] | None:
    """A device function for ``tf.device`` that places the ``ps_ops`` (variables) on the
    ``ps_device`` tasks and the other ops on ``worker_device``; None when there are no ps
    tasks (``ps_tasks`` is 0, or ``cluster`` — a dict, ``ClusterDef`` or ``ClusterSpec`` — has
    no ps job, whose size then sets the number of tasks)."""
    if cluster is not None:
        spec = (cluster if isinstance(cluster, ClusterSpec) else ClusterSpec(cluster)).as_dict()
        ps_job = device_spec.parse(ps_device).job
        if ps_job not in spec or spec[ps_job] is None:
            return None
        ps_tasks = len(spec[ps_job])
    if ps_tasks == 0:
        return None
    if ps_ops is None:
        ps_ops = list(STANDARD_PS_OPS)
    if not merge_devices:
        warning("DEPRECATION: It is recommended to set merge_devices=true in replica_device_setter")
    if ps_strategy is None:
        ps_strategy = _RoundRobinStrategy(ps_tasks)
    if not callable(ps_strategy):
        raise TypeError("ps_strategy must be callable")
    chooser = _ReplicaDeviceChooser(
        ps_tasks, ps_device, worker_device, merge_devices, ps_ops, ps_strategy
    )
    return chooser.device_function
