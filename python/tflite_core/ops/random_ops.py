"""Random ops with TensorFlow's seed rules: a graph-level seed (``set_random_seed``) and an op
seed give the same numbers run after run, on any thread count."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import get_default_graph, name_scope
from ..framework.op_util import FLOATS, make_tensor, shape_input
from ..framework.registry import NotDifferentiable, OpKind, register_op
from .array_ops import shape_tensor
from .math_ops import add, multiply, subtract

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        DTypeLike,
        ShapeTensorLike,
        TensorLike,
    )

DEFAULT_GRAPH_SEED = 87654321
_MAXINT32 = 2**31 - 1


def set_random_seed(seed: int) -> None:
    """Sets the graph-level seed of the default graph."""
    get_default_graph().seed = None if seed is None else int(seed)


def get_seed(op_seed: int | None) -> tuple[int | None, int | None]:
    """TF's rule: (graph seed, op seed) -> the two seeds an op uses; (None, None) if unseeded."""
    g = get_default_graph()
    global_seed = g.seed
    if global_seed is not None:
        if op_seed is None:
            op_seed = g._last_id
        seeds: tuple[int | None, int | None] = (int(global_seed), int(op_seed))
    elif op_seed is not None:
        seeds = (DEFAULT_GRAPH_SEED, int(op_seed))
    else:
        seeds = (None, None)
    if seeds == (0, 0):
        return (0, _MAXINT32)
    return seeds


def _random_shape(op, in_shapes, value_of):
    return [shape_input(op, 0, in_shapes, value_of)]


for _t, _k in (
    ("RandomUniform", "random_uniform"),
    ("RandomStandardNormal", "random_normal"),
    ("TruncatedNormal", "truncated_normal"),
):
    register_op(
        _t,
        _random_shape,
        _k,
        kernel_inputs=(),
        value_inputs=(0,),
        kind=OpKind.RANDOM,
        stateful=True,
        attrs_fn=lambda op, i, o, v: ([op.get_attr("seed"), op.get_attr("seed2")], []),
    )
    NotDifferentiable(_t)


def _random(op_type, shape, dtype, seed, name):
    dtype = _dt.as_dtype(dtype)
    if dtype not in FLOATS:
        raise ValueError(f"{op_type} supports float32 and float64, got {dtype.name}")
    s = shape_tensor(shape, "shape")
    seed1, seed2 = get_seed(seed)
    attrs = {"seed": seed1 or 0, "seed2": seed2 or 0, "dtype": dtype, "unseeded": seed1 is None}
    return make_tensor(op_type, [s], dtype, attrs, name or op_type)


def random_normal(
    shape: ShapeTensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Normal random values: ``tf.random_normal([3, 3])``."""
    with name_scope(name, "random_normal", []) as scope:
        rnd = _random("RandomStandardNormal", shape, dtype, seed, "RandomStandardNormal")
        return _affine(rnd, stddev, mean, scope)


def _affine(rnd, scale, shift, scope):
    dt = rnd.dtype  # as TF: the constants are named after their role
    scale = convert_to_tensor(scale, dtype=dt, name="stddev")
    shift = convert_to_tensor(shift, dtype=dt, name="mean")
    return add(multiply(rnd, scale, name="mul"), shift, name=scope)


def random_uniform(
    shape: ShapeTensorLike,
    minval: TensorLike = 0,
    maxval: TensorLike | None = None,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Uniform values in ``[minval, maxval)`` (``maxval`` defaults to 1)."""
    dtype = _dt.as_dtype(dtype)
    if maxval is None:
        maxval = 1
    with name_scope(name, "random_uniform", []) as scope:
        rnd = _random("RandomUniform", shape, dtype, seed, "RandomUniform")
        rng = subtract(constant(maxval, dtype=dtype), constant(minval, dtype=dtype), name="sub")
        return add(multiply(rnd, rng, name="mul"), constant(minval, dtype=dtype), name=scope)


def truncated_normal(
    shape: ShapeTensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Normal values, redrawn when more than two standard deviations from the mean."""
    with name_scope(name, "truncated_normal", []) as scope:
        rnd = _random("TruncatedNormal", shape, dtype, seed, "TruncatedNormal")
        return _affine(rnd, stddev, mean, scope)
