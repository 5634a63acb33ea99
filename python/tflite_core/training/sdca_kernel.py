"""The computation of TF's ``SdcaOptimizer`` kernel in NumPy: one pass of stochastic dual
coordinate ascent over a mini-batch (the op itself is registered in ``sdca_ops.py``).

What TF's kernel does, in order, and so this module:

1. the model: sparse weight group ``j`` maps each of ``sparse_indices[j]`` to its position in
   ``sparse_weights[j]`` (a later duplicate wins); a delta vector of each weight vector's shape
   starts at zero;
2. the examples: ``example_weights`` gives their number N (``example_labels`` must have N
   values); dense feature matrices must be rank 2 with no more columns than their weights; sparse
   group ``j`` gives example ``e`` the run of entries, from where the previous example's ended,
   whose example index is ``e`` (indices must therefore come sorted; others are skipped), whose
   feature indices must be among the group's ``sparse_indices`` and not repeat; the first
   ``len(sparse_feature_values)`` groups take values from it, the others 1.0; each example's
   squared norm sums the squares of its values;
3. ``example_state_data`` must be ``[N, 4]``; its copy is the output state;
4. the order of visits: a random permutation, or (``adaptative``) draws by probability
   ``weight * sqrt(|x|^2 + l2 * smoothness) * |dual + loss'(wx)|``, a drawn example kept with
   probability ``0.1 ** (times drawn before)``, at most N rejections; as in TF, the places left
   unfilled visit example 0;
5. each visit: ``wx`` with the weights plus the deltas so far, ``prev_wx`` with the weights, both
   shrunk by ``l1 / l2`` (double precision for sparse groups, float32 dot products for dense
   ones); the loss's new dual; the deltas grow by ``x * (new - old dual) * weight / l2``; the
   state row becomes ``[new dual, primal loss at prev_wx, dual loss of the old dual, weight]``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..framework import errors
from .sdca_losses import LOSS_UPDATERS


@dataclass
class SdcaProblem:
    """The op's attributes that the computation reads."""

    loss_type: str
    adaptive: bool
    l1: float
    l2: float
    num_loss_partitions: int


def _invalid(message: str) -> errors.InvalidArgumentError:
    return errors.InvalidArgumentError(None, None, message)


def _shape_text(shape: tuple) -> str:
    return "[" + ",".join(str(d) for d in shape) + "]"


def _vector_text(v: np.ndarray) -> str:
    """A vector as Eigen prints it: the entries right-aligned to the widest."""
    texts = [str(int(x)) for x in v]
    width = max((len(t) for t in texts), default=0)
    return " ".join(t.rjust(width) for t in texts)


class _SparseGroup:
    """One sparse feature group's weights: nominal values, deltas and index -> position."""

    def __init__(self, indices: np.ndarray, weights: np.ndarray):
        self.nominals = np.asarray(weights, np.float32).reshape(-1)
        self.deltas = np.zeros(self.nominals.shape, np.float32)
        flat = np.asarray(indices).reshape(-1)
        if flat.size > self.nominals.size:
            raise _invalid(
                f"sparse_indices has {flat.size} entries but sparse_weights only "
                f"{self.nominals.size}"
            )
        self.position = {int(ix): j for j, ix in enumerate(flat)}


class _Example:
    __slots__ = ("dense_rows", "label", "sparse", "squared_norm", "weight")

    def __init__(self, weight: float, label: float, n_sparse: int):
        self.weight = weight
        self.label = label
        # per sparse group: (positions in the weights, values as doubles)
        self.sparse: list[tuple[list[int], list[float]]] = [([], [])] * n_sparse
        self.dense_rows: list[np.ndarray] = []
        self.squared_norm = 0.0


def _parse_sparse(
    examples: list[_Example],
    j: int,
    example_indices: np.ndarray,
    feature_indices: np.ndarray,
    values: np.ndarray | None,
    group: _SparseGroup,
) -> None:
    ex = np.asarray(example_indices).reshape(-1)
    fe = np.asarray(feature_indices).reshape(-1)
    if ex.size != fe.size:
        raise _invalid(
            "Found mismatched example_indices and feature_indices "
            f"[{_vector_text(ex)}] vs [{_vector_text(fe)}]"
        )
    if values is not None and values.size < fe.size:
        raise _invalid(
            f"sparse_feature_values[{j}] has {values.size} values for {fe.size} feature indices"
        )
    end = 0
    for e, example in enumerate(examples):
        start = end
        while end < ex.size and ex[end] == e:
            end += 1
        if start < ex.size and ex[start] == e:
            positions = []
            for k in range(start, end):
                pos = group.position.get(int(fe[k]))
                if pos is None:
                    raise _invalid(f"Found sparse feature indices out of valid range: {int(fe[k])}")
                positions.append(pos)
            vals = (
                [float(v) for v in values[start:end]]
                if values is not None
                else [1.0] * (end - start)
            )
            example.sparse[j] = (positions, vals)


def _build(problem: SdcaProblem, a: dict[str, Any]):
    """The model's groups and the examples from the op's inputs, checked as TF's kernel."""
    sparse = [_SparseGroup(ix, w) for ix, w in zip(a["sparse_indices"], a["sparse_weights"])]
    dense_nominals = [np.asarray(w, np.float32).reshape(-1) for w in a["dense_weights"]]
    weights = np.asarray(a["example_weights"], np.float32).reshape(-1)
    labels = np.asarray(a["example_labels"], np.float32).reshape(-1)
    n = weights.size
    if labels.size != n:
        raise _invalid(f"Expected {n} example labels but got {labels.size}")
    for i, m in enumerate(a["dense_features"]):
        if np.ndim(m) != 2:
            raise _invalid(f"Dense features at index {i} must be rank 2 but is rank {np.ndim(m)}")
    examples = [_Example(float(weights[e]), float(labels[e]), len(sparse)) for e in range(n)]
    values = a["sparse_feature_values"]
    for j, group in enumerate(sparse):
        vals = np.asarray(values[j], np.float32).reshape(-1) if j < len(values) else None
        _parse_sparse(
            examples, j, a["sparse_example_indices"][j], a["sparse_feature_indices"][j], vals, group
        )
    for i, m in enumerate(a["dense_features"]):
        cols = m.shape[1]
        if not 0 <= cols - 1 < dense_nominals[i].size:
            raise _invalid(f"More dense features than we have parameters for: {cols}")
        if m.shape[0] < n:
            raise _invalid(f"Dense features at index {i} have {m.shape[0]} rows for {n} examples")
    for e, example in enumerate(examples):
        norm = 0.0
        for positions, group_values in example.sparse:
            if len(set(positions)) != len(positions):
                raise _invalid("Duplicate index in sparse vector.")
            for v in group_values:
                norm += v * v
        example.dense_rows = [np.asarray(m[e], np.float32) for m in a["dense_features"]]
        for row in example.dense_rows:
            norm += float(np.sum(row * row, dtype=np.float32))
        example.squared_norm = norm
    state = np.asarray(a["example_state_data"], np.float32)
    if state.ndim != 2:
        raise _invalid(f"example_state_data must be rank 2 but is rank {state.ndim}")
    if state.shape != (n, 4):
        raise _invalid(
            f"Expected shape {_shape_text((n, 4))} for example_state_data, got "
            f"{_shape_text(state.shape)}"
        )
    return sparse, dense_nominals, examples, state.copy()


class _Model:
    """The weights, the deltas so far, and the shrinkage ``l1 / l2``."""

    def __init__(self, problem: SdcaProblem, sparse: list[_SparseGroup], dense: list[np.ndarray]):
        self.sparse = sparse
        self.dense = dense
        self.dense_deltas = [np.zeros(w.shape, np.float32) for w in dense]
        self.l2 = float(np.float32(problem.l2))
        self.shrinkage = float(np.float32(problem.l1) / np.float32(problem.l2))
        self.shrinkage32 = np.float32(self.shrinkage)
        self.parts = problem.num_loss_partitions

    def shrink(self, w: float) -> float:
        shrunk = max(abs(w) - self.shrinkage, 0.0)
        return math.copysign(shrunk, w) if shrunk > 0.0 else 0.0

    def shrink32(self, w: np.ndarray) -> np.ndarray:
        return np.sign(w) * np.maximum(np.abs(w) - self.shrinkage32, np.float32(0))

    def wx(self, example: _Example) -> tuple[float, float]:
        """``(wx, prev_wx)``: the shrunk weights plus deltas, and the shrunk weights alone."""
        wx = prev = 0.0
        parts32 = np.float32(self.parts)
        for group, (positions, vals) in zip(self.sparse, example.sparse):
            for pos, v in zip(positions, vals):
                nominal = group.nominals[pos]
                current = float(nominal + group.deltas[pos] * parts32)
                prev += v * self.shrink(float(nominal))
                wx += v * self.shrink(current)
        for nominal, delta, row in zip(self.dense, self.dense_deltas, example.dense_rows):
            k = row.size
            current = nominal[:k] + delta[:k] * parts32
            prev += float(np.sum(row * self.shrink32(nominal[:k]), dtype=np.float32))
            wx += float(np.sum(row * self.shrink32(current), dtype=np.float32))
        return wx, prev

    def update(self, example: _Example, step: float) -> None:
        for group, (positions, vals) in zip(self.sparse, example.sparse):
            for pos, v in zip(positions, vals):
                group.deltas[pos] = np.float32(float(group.deltas[pos]) + v * step)
        step32 = np.float32(step)
        for delta, row in zip(self.dense_deltas, example.dense_rows):
            k = row.size
            delta[:k] = delta[:k] + row * step32


def _sampling_distribution(weights: np.ndarray) -> np.ndarray:
    """The distribution TF's alias-method sampler draws from for float32 ``weights``:
    proportional to them; where their sum is infinite, uniform over the infinite ones; where it
    is zero or NaN, uniform over all."""
    n = weights.size
    w = weights.astype(np.float64)
    total = float(np.sum(w))
    if math.isinf(total) and not np.isnan(w).any():
        infinite = np.isinf(w)
        return infinite / float(np.count_nonzero(infinite))
    if total > 0 and math.isfinite(total):
        return w / total
    return np.full(n, 1.0 / n)


def _adaptive_order(
    problem: SdcaProblem, model: _Model, examples: list[_Example], state: np.ndarray, loss: Any
) -> list[int]:
    n = len(examples)
    probabilities = np.zeros(n, np.float32)
    for e, example in enumerate(examples):
        try:
            label = loss.convert_label(example.label)
        except errors.OpError:  # (TF ignores the conversion's failure here)
            label = example.label
        wx, _ = model.wx(example)
        kappa = float(state[e, 0]) + loss.derivative(wx, label, 1.0)
        root = math.sqrt(example.squared_norm + model.l2 * loss.smoothness)
        probabilities[e] = example.weight * root * abs(kappa)
    rng = np.random.default_rng()
    p = _sampling_distribution(probabilities)
    order = [0] * n
    counts = [0] * n
    filled = retries = 0
    while filled < n and retries < n:
        picked = int(rng.choice(n, p=p))
        if rng.random() > 0.1 ** counts[picked]:
            retries += 1
            continue
        counts[picked] += 1
        order[filled] = picked
        filled += 1
    return order


def sdca_step(problem: SdcaProblem, **inputs: Any):
    """``(state, sparse deltas, dense deltas)`` of one SdcaOptimizer run on NumPy inputs named
    as TF's op arguments (lists for the list arguments)."""
    loss = LOSS_UPDATERS[problem.loss_type]
    sparse, dense, examples, state = _build(problem, inputs)
    model = _Model(problem, sparse, dense)
    with np.errstate(all="ignore"):
        if problem.adaptive:
            order = _adaptive_order(problem, model, examples, state, loss)
        else:
            order = [int(i) for i in np.random.default_rng().permutation(len(examples))]
        for e in order:
            example = examples[e]
            dual = float(state[e, 0])
            label = loss.convert_label(example.label)
            wx, prev = model.wx(example)
            norm = example.squared_norm / model.l2 if model.l2 != 0 else _div0(example.squared_norm)
            new_dual = loss.updated_dual(model.parts, label, example.weight, dual, wx, norm)
            step = (new_dual - dual) * example.weight
            step = step / model.l2 if model.l2 != 0 else _div0(step)
            model.update(example, step)
            state[e] = (
                new_dual,
                loss.primal_loss(prev, label, example.weight),
                loss.dual_loss(dual, label, example.weight),
                example.weight,
            )
    return (
        state,
        [g.deltas for g in sparse],
        model.dense_deltas,
    )


def _div0(a: float) -> float:
    """``a / 0.0`` as C computes it."""
    if a != a or a == 0.0:
        return math.nan
    return math.copysign(math.inf, a)
