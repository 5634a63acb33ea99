"""``hvd.DistributedOptimizer``: any optimizer whose ``compute_gradients`` returns the gradients
averaged (or summed) over the ranks (``horovod.tensorflow``'s TF 1.x optimizer wrapper).

Dense gradients are fused as Horovod's tensor fusion fuses them: in the order the backward pass
produces them (the last variables first), into buckets of at most ``HOROVOD_FUSION_THRESHOLD``
bytes (64 MiB) per dtype, each reduced by one grouped allreduce; ``num_groups`` or ``groups``
choose the buckets instead. ``IndexedSlices`` gradients (embeddings) are gathered unless
``sparse_as_dense``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import name_scope
from ..ops.indexing_ops import IndexedSlices
from ..training.optimizer import Optimizer
from . import basics
from .collectives import allreduce, grouped_allreduce
from .compression import Compression

_DEFAULT_FUSION = 64 * 1024 * 1024


def _nbytes(t: Any) -> int:
    shape = t.shape
    if not shape.is_fully_defined():
        return _DEFAULT_FUSION  # (a bucket of its own)
    return int(np.prod(shape.as_list(), dtype=np.int64)) * t.dtype.size


def fusion_buckets(grads: Sequence[Any], threshold: int) -> list[list[int]]:
    """Indices of ``grads`` (dense tensors) in buckets: the last first, one dtype per bucket,
    at most ``threshold`` bytes each (a larger tensor alone)."""
    buckets: list[list[int]] = []
    open_: dict = {}  # dtype -> (its open bucket, the bucket's bytes)
    for i in reversed(range(len(grads))):
        g = grads[i]
        n = _nbytes(g)
        bucket, used = open_.get(g.dtype, (None, 0))
        if bucket is None or used + n > threshold:
            bucket, used = [], 0
            buckets.append(bucket)
        bucket.append(i)
        open_[g.dtype] = (bucket, used + n)
    return buckets


class _DistributedOptimizer(Optimizer):
    def __init__(
        self,
        optimizer: Optimizer,
        name: str | None,
        use_locking: bool,
        compression: Any,
        sparse_as_dense: bool,
        op: str,
        gradient_predivide_factor: float,
        num_groups: int,
        groups: Sequence[Sequence[Any]] | None,
    ) -> None:
        if name is None:
            name = f"Distributed{type(optimizer).__name__}"
        super().__init__(use_locking=use_locking, name=name)
        self._optimizer = optimizer
        self._compression = compression
        self._sparse_as_dense = sparse_as_dense
        self._op = op
        self._prescale = 1.0 / gradient_predivide_factor
        self._postscale = gradient_predivide_factor
        self._num_groups = num_groups
        self._groups = groups

    def compute_gradients(self, *args: Any, **kwargs: Any) -> list:
        """The wrapped optimizer's gradients, reduced over the ranks (with one rank: as they
        are, as Horovod does)."""
        gradients = self._optimizer.compute_gradients(*args, **kwargs)
        if basics.size() == 1:
            return gradients
        grads = [g for g, _ in gradients]
        variables = [v for _, v in gradients]
        with name_scope(f"{self._name}_Allreduce"):
            reduced = self._allreduce_grads(grads, variables)
        return list(zip(reduced, variables))

    def _allreduce_grads(self, grads: list, variables: list) -> list:
        out: list = list(grads)
        dense = []
        for i, g in enumerate(grads):
            if g is None:
                continue
            if isinstance(g, IndexedSlices):
                if not self._sparse_as_dense:
                    out[i] = allreduce(g, op=self._op)
                    continue
                g = convert_to_tensor(g)
            dense.append((i, g))
        for bucket in self._buckets(dense, variables):
            reduced = grouped_allreduce(
                [dense[k][1] for k in bucket],
                op=self._op,
                compression=self._compression,
                prescale_factor=self._prescale,
                postscale_factor=self._postscale,
            )
            for k, r in zip(bucket, reduced):
                out[dense[k][0]] = r
        return out

    def _buckets(self, dense: list, variables: list) -> list[list[int]]:
        if self._groups is not None:
            where = {id(v): j for j, v in enumerate(variables)}
            chosen = [[where[id(v)] for v in grp if id(v) in where] for grp in self._groups]
            pos = {i: k for k, (i, _) in enumerate(dense)}
            buckets = [[pos[j] for j in grp if j in pos] for grp in chosen]
            taken = {k for b in buckets for k in b}
            buckets += [[k] for k in range(len(dense)) if k not in taken]
            return [b for b in buckets if b]
        if self._num_groups > 0:
            n = len(dense)
            per = -(-n // self._num_groups) if n else 1
            return [list(range(s, min(s + per, n))) for s in range(0, n, per)]
        threshold = int(os.environ.get("HOROVOD_FUSION_THRESHOLD", _DEFAULT_FUSION))
        return fusion_buckets([g for _, g in dense], max(threshold, 1))

    def apply_gradients(self, *args: Any, **kwargs: Any) -> Any:
        return self._optimizer.apply_gradients(*args, **kwargs)

    def get_slot(self, *args: Any, **kwargs: Any) -> Any:
        return self._optimizer.get_slot(*args, **kwargs)

    def get_slot_names(self, *args: Any, **kwargs: Any) -> list:
        return self._optimizer.get_slot_names(*args, **kwargs)

    def variables(self, *args: Any, **kwargs: Any) -> list:
        return self._optimizer.variables(*args, **kwargs)


def DistributedOptimizer(
    optimizer: Optimizer,
    name: str | None = None,
    use_locking: bool = False,
    device_dense: str = "",
    device_sparse: str = "",
    compression: Any = Compression.none,
    sparse_as_dense: bool = False,
    backward_passes_per_step: int = 1,
    op: str = basics.Average,
    gradient_predivide_factor: float = 1.0,
    average_aggregated_gradients: bool = False,
    num_groups: int = 0,
    groups: Sequence[Sequence[Any]] | None = None,
) -> Optimizer:
    """``optimizer`` whose gradients are averaged over the ranks before they are applied
    (``op=hvd.Sum`` sums them); ``gradient_predivide_factor`` f divides by f before the sum and
    by size / f after it."""
    if not isinstance(optimizer, Optimizer):
        raise ValueError(
            f"DistributedOptimizer wraps a tf.train.Optimizer, not {type(optimizer).__name__}"
        )
    if gradient_predivide_factor != 1.0 and op != basics.Average:
        raise ValueError("gradient_predivide_factor not supported with op != Average")
    if op not in (basics.Average, basics.Sum):
        raise ValueError(f"DistributedOptimizer reduces gradients by Average or Sum, not {op!r}")
    if backward_passes_per_step != 1:
        raise ValueError(
            "backward_passes_per_step > 1 (local gradient aggregation) is not supported by "
            "tflite_core.horovod; use a larger batch per step"
        )
    if num_groups and groups is not None:
        raise ValueError("Provide either num_groups or groups, not both")
    return _DistributedOptimizer(
        optimizer,
        name,
        use_locking,
        compression,
        sparse_as_dense,
        op,
        gradient_predivide_factor,
        num_groups,
        groups,
    )
