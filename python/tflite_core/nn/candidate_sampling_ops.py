"""Candidate samplers: ``tf.nn.log_uniform_candidate_sampler`` (TF's Zipfian sampler), the uniform,
fixed-unigram and learned-unigram samplers (cpp/candidate_sampling.cc) and the all-candidates
sampler, drawing from the Philox generator with TF's seed rules (new samples every run).

>>> s, t, e = tf.nn.log_uniform_candidate_sampler(
...     tf.constant([[0]], tf.int64), 1, 5, True, 100, seed=1)
>>> with tf.Session() as sess:
...     out = sess.run(s)
>>> len(set(out.tolist())), bool(((out >= 0) & (out < 100)).all())
(5, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import name_scope, shape_error
from ..framework.op_util import make_op
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import cast, ones_like
from ..ops.random_ops import get_seed

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        TensorLike,
    )


def _sampler_shape(op, in_shapes, value_of):
    t = in_shapes[0]
    num_true, num_sampled = op.get_attr("num_true"), op.get_attr("num_sampled")
    for attr, v in (("num_true", num_true), ("num_sampled", num_sampled)):
        if v < 1:  # TF's OpDef: at least 1
            raise ValueError(
                f"Value for attr '{attr}' of {v} must be at least minimum 1 for '{op.name}' "
                f"(op: '{op.type}')"
            )
    if t.ndims not in (None, 2) or (t.ndims == 2 and t.as_list()[1] not in (None, num_true)):
        raise shape_error(
            op.type, op.name, f"true_classes must be a matrix [batch, {num_true}]", in_shapes
        )
    batch = t.as_list()[0] if t.ndims == 2 else None
    sampled = TensorShape([num_sampled])
    return [sampled, TensorShape([batch, num_true]), sampled]


register_op(
    "LogUniformCandidateSampler",
    _sampler_shape,
    "log_uniform_candidate_sampler",
    kernel_inputs=(0,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=lambda op, i, o, v: (
        [op.get_attr("seed"), op.get_attr("seed2")],
        [float(op.get_attr("unique")), float(op.get_attr("range_max"))],
    ),
)
NotDifferentiable("LogUniformCandidateSampler")


def log_uniform_candidate_sampler(
    true_classes: TensorLike,
    num_true: int,
    num_sampled: int,
    unique: Any,
    range_max: Any,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Samples ``num_sampled`` classes from ``[0, range_max)`` with the log-uniform (Zipfian)
    distribution ``P(c) = (log(c + 2) - log(c + 1)) / log(range_max + 1)``.

    With ``unique=True`` the classes are distinct (drawn until ``num_sampled`` distinct ones are
    found) and the expected counts are ``-expm1(num_tries * log1p(-P(c)))``; otherwise
    ``P(c) * num_sampled``.

    Args:
        true_classes: int64 ``[batch, num_true]`` target classes.
        num_true, num_sampled, unique, range_max: as in TF.
        seed: the op seed (TF's rules with the graph seed).

    Returns:
        ``(sampled_candidates int64 [num_sampled], true_expected_count float32 [batch,
        num_true], sampled_expected_count float32 [num_sampled])``.
    """
    if unique and num_sampled > range_max:
        raise ValueError(f"Sampler's range is too small: {num_sampled} > {range_max}")
    with name_scope(name, "LogUniformCandidateSampler", [true_classes]) as scope:
        t = convert_to_tensor(true_classes)
        if t.dtype != _dt.int64:
            t = cast(t, _dt.int64)
        seed1, seed2 = get_seed(seed)
        attrs = {
            "num_true": int(num_true),
            "num_sampled": int(num_sampled),
            "unique": bool(unique),
            "range_max": int(range_max),
            "seed": seed1 or 0,
            "seed2": seed2 or 0,
            "unseeded": seed1 is None,
        }
        op = make_op(
            "LogUniformCandidateSampler",
            [t],
            [_dt.int64, _dt.float32, _dt.float32],
            attrs,
            scope,
        )
        sampled, true_expected, sampled_expected = op.outputs
        return sampled, true_expected, sampled_expected


# ---- samplers over explicit class weights (cpp/candidate_sampling.cc) ----------------------------
_SAMPLER_KIND = {
    "UniformCandidateSampler": 0,
    "FixedUnigramCandidateSampler": 1,
    "LearnedUnigramCandidateSampler": 2,
}


def _weighted_attrs(op, i, o, v):
    kind = _SAMPLER_KIND[op.type]
    weights = list(op.get_attr("_weights")) if kind == 1 else []
    floats = [float(op.get_attr("unique")), float(kind), float(op.get_attr("range_max"))]
    return [op.get_attr("seed"), op.get_attr("seed2")], floats + weights


for _t in _SAMPLER_KIND:
    register_op(
        _t,
        _sampler_shape,
        "candidate_sampler",
        kernel_inputs=(0,),
        kind=OpKind.RANDOM,
        stateful=True,
        attrs_fn=_weighted_attrs,
    )
    NotDifferentiable(_t)


def _candidate_sampler(
    op_type, true_classes, num_true, num_sampled, unique, range_max, seed, name, extra=None
):
    if unique and op_type == "UniformCandidateSampler" and num_sampled > range_max:
        raise ValueError(f"Sampler's range is too small: {num_sampled} > {range_max}")
    with name_scope(name, op_type, [true_classes]) as scope:
        t = convert_to_tensor(true_classes)
        if t.dtype != _dt.int64:
            t = cast(t, _dt.int64)
        seed1, seed2 = get_seed(seed)
        attrs = {
            "num_true": int(num_true),
            "num_sampled": int(num_sampled),
            "unique": bool(unique),
            "range_max": int(range_max),
            "seed": seed1 or 0,
            "seed2": seed2 or 0,
            "unseeded": seed1 is None,
            **(extra or {}),
        }
        if op_type == "LearnedUnigramCandidateSampler":
            attrs["rng_state_size"] = int(range_max)  # the learned counts, kept by the Session
        op = make_op(op_type, [t], [_dt.int64, _dt.float32, _dt.float32], attrs, scope)
        sampled, true_expected, sampled_expected = op.outputs
        return sampled, true_expected, sampled_expected


def uniform_candidate_sampler(
    true_classes: TensorLike,
    num_true: int,
    num_sampled: int,
    unique: Any,
    range_max: Any,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Samples ``num_sampled`` classes uniformly from ``[0, range_max)`` (distinct ones with
    ``unique``); returns ``(sampled_candidates, true_expected_count, sampled_expected_count)``
    as ``log_uniform_candidate_sampler`` (op ``UniformCandidateSampler``)."""
    return _candidate_sampler(
        "UniformCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
    )


def learned_unigram_candidate_sampler(
    true_classes: TensorLike,
    num_true: int,
    num_sampled: int,
    unique: Any,
    range_max: Any,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Samples from a unigram distribution learned while running: every class starts with
    weight 1, and each run adds 1 per true class seen (after sampling). The counts live in the
    Session and restart with it (op ``LearnedUnigramCandidateSampler``)."""
    return _candidate_sampler(
        "LearnedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
    )


def _vocab_weights(vocab_file: str) -> list[float]:
    """The last comma-separated field of each line of a CSV vocabulary file."""
    with open(vocab_file, encoding="utf-8") as f:
        return [float(line.rstrip("\n").split(",")[-1]) for line in f if line.strip()]


def fixed_unigram_candidate_sampler(
    true_classes: TensorLike,
    num_true: int,
    num_sampled: int,
    unique: Any,
    range_max: Any,
    vocab_file: str = "",
    distortion: float = 1.0,
    num_reserved_ids: int = 0,
    num_shards: int = 1,
    shard: int = 0,
    unigrams: Any = (),
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """Samples from fixed class weights ``unigrams`` (or a CSV ``vocab_file``'s last column)
    raised to ``distortion``, after ``num_reserved_ids`` classes of weight 0; with
    ``num_shards`` only the ids ``id % num_shards == shard`` are kept. As in TF the kept weights
    must number ``range_max`` (else InvalidArgumentError when run; op
    ``FixedUnigramCandidateSampler``)."""
    counts = _vocab_weights(vocab_file) if vocab_file else [float(u) for u in unigrams]
    ids = [0.0] * int(num_reserved_ids) + [c ** float(distortion) for c in counts]
    weights = [w for i, w in enumerate(ids) if i % int(num_shards) == int(shard)]
    extra = {
        "vocab_file": vocab_file,
        "distortion": float(distortion),
        "num_reserved_ids": int(num_reserved_ids),
        "num_shards": int(num_shards),
        "shard": int(shard),
        "unigrams": [float(u) for u in unigrams],
        "_weights": weights,
    }
    return _candidate_sampler(
        "FixedUnigramCandidateSampler",
        true_classes,
        num_true,
        num_sampled,
        unique,
        range_max,
        seed,
        name,
        extra,
    )


def all_candidate_sampler(
    true_classes: TensorLike,
    num_true: int,
    num_sampled: int,
    unique: Any,
    seed: int | None = None,
    name: str | None = None,
) -> tuple[Tensor, Tensor, Tensor]:
    """The classes ``0 .. num_sampled - 1`` in order, every expected count 1 (TF's
    ``AllCandidateSampler``, for tests: ``num_sampled`` is the whole range)."""
    with name_scope(name, "AllCandidateSampler", [true_classes]):
        t = convert_to_tensor(true_classes)
        _sampler_shape_check(t, int(num_true))
        sampled = constant(np.arange(int(num_sampled), dtype=np.int64), name="sampled_candidates")
        true_expected = ones_like(t, dtype=_dt.float32, name="true_expected_count")
        sampled_expected = constant(
            np.ones(int(num_sampled), np.float32), name="sampled_expected_count"
        )
        return sampled, true_expected, sampled_expected


def _sampler_shape_check(t: Tensor, num_true: int) -> None:
    s = t.shape
    if s.ndims not in (None, 2) or (s.ndims == 2 and s.as_list()[1] not in (None, num_true)):
        raise ValueError(f"true_classes must be a matrix [batch, {num_true}], got {s}")
