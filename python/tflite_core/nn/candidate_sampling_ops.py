"""Candidate samplers: ``tf.nn.log_uniform_candidate_sampler`` (TF's Zipfian sampler), one C++
kernel drawing from the Philox generator with TF's seed rules (new samples every run).

>>> s, t, e = tf.nn.log_uniform_candidate_sampler(
...     tf.constant([[0]], tf.int64), 1, 5, True, 100, seed=1)
>>> with tf.Session() as sess:
...     out = sess.run(s)
>>> len(set(out.tolist())), bool(((out >= 0) & (out < 100)).all())
(5, True)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import name_scope, shape_error
from ..framework.op_util import make_op
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape
from ..ops.array_ops import cast
from ..ops.random_ops import get_seed

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        TensorLike,
    )


def _sampler_shape(op, in_shapes, value_of):
    t = in_shapes[0]
    num_true, num_sampled = op.get_attr("num_true"), op.get_attr("num_sampled")
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
