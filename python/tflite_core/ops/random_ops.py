"""Random ops with TensorFlow's seed rules: a graph-level seed (``set_random_seed``) and an op
seed give the same numbers run after run, on any thread count."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import get_default_graph, name_scope, shape_error
from ..framework.op_util import FLOATS, broadcast_shapes, make_tensor, shape_input
from ..framework.registry import NotDifferentiable, OpKind, RegisterGradient, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, concat, reshape, shape, shape_tensor, zeros_like
from .math_ops import add, floormod, maximum, multiply, reduce_sum, subtract
from .slicing_ops import slice as slice_

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
    """Uniform values in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats; integer
    dtypes need it: op ``RandomUniformInt``)."""
    dtype = _dt.as_dtype(dtype)
    if dtype.is_integer:
        return _random_uniform_int(shape, minval, maxval, dtype, seed, name)
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


# ---- integers, gamma, Poisson, categorical, shuffles (cpp/random_dist.cc) ------------------------
def _seed_attrs(seed: int | None) -> dict:
    seed1, seed2 = get_seed(seed)
    return {"seed": seed1 or 0, "seed2": seed2 or 0, "unseeded": seed1 is None}


def _seed_ints(op, i, o, v):
    return ([op.get_attr("seed"), op.get_attr("seed2")], [])


def _scalar_input(op, in_shapes, k, what):
    if in_shapes[k].ndims not in (None, 0):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 0 but is rank {in_shapes[k].ndims}", in_shapes
        )


def _uniform_int_shape(op, in_shapes, value_of):
    _scalar_input(op, in_shapes, 1, "minval")
    _scalar_input(op, in_shapes, 2, "maxval")
    return [shape_input(op, 0, in_shapes, value_of)]


register_op(
    "RandomUniformInt",
    _uniform_int_shape,
    "random_uniform_int",
    kernel_inputs=(1, 2),
    value_inputs=(0,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=_seed_ints,
)
NotDifferentiable("RandomUniformInt")


def _random_uniform_int(shape, minval, maxval, dtype, seed, name):
    """``minval + bits % (maxval - minval)`` per element (op ``RandomUniformInt``)."""
    if maxval is None:
        raise ValueError(f"Must specify maxval for integer dtype {dtype!r}")
    with name_scope(name, "random_uniform", []) as scope:
        s = shape_tensor(shape, "shape")
        lo = convert_to_tensor(minval, dtype=dtype, name="min")
        hi = convert_to_tensor(maxval, dtype=dtype, name="max")
        return make_tensor("RandomUniformInt", [s, lo, hi], dtype, _seed_attrs(seed), scope)


def _params_shape(op, in_shapes, value_of):
    """``shape`` followed by the parameters' shape (RandomGamma, RandomPoissonV2)."""
    return [shape_input(op, 0, in_shapes, value_of).concatenate(in_shapes[1])]


register_op(
    "RandomGamma",
    _params_shape,
    "random_gamma",
    kernel_inputs=(1,),
    value_inputs=(0,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=_seed_ints,
)


@RegisterGradient("RandomGamma")
def _random_gamma_grad(op, grad):
    """d sample / d alpha by implicit differentiation of the CDF (Figurnov et al., 2018), summed
    over the sample dimensions: ``alpha`` gets ``sum(grad * RandomGammaGrad(alpha, sample))``."""
    alpha, sample = op.inputs[1], op.outputs[0]
    n = op.inputs[0].shape.as_list()[0]
    if n is None:
        raise ValueError("RandomGamma's gradient needs a shape of known length")
    lead = constant(np.ones(n, np.int32))
    alpha_b = reshape(alpha, concat([lead, shape(alpha)], 0))
    partial = random_gamma_grad(alpha_b, sample)
    return [None, reduce_sum(multiply(grad, partial), axis=list(range(n)))]


def _gamma_grad_shape(op, in_shapes, value_of):
    return [broadcast_shapes(op, in_shapes[0], in_shapes[1])]


register_op("RandomGammaGrad", _gamma_grad_shape, "random_gamma_grad")
NotDifferentiable("RandomGammaGrad")


def random_gamma_grad(alpha: TensorLike, sample: TensorLike, name: str | None = None) -> Tensor:
    """``d sample / d alpha`` of Gamma(alpha, 1) samples (op ``RandomGammaGrad``, TF's
    ``gen_random_ops.random_gamma_grad``): ``alpha``'s non-unit dimensions trail ``sample``'s."""
    a = convert_to_tensor(alpha)
    x = convert_to_tensor(sample, dtype=a.dtype)
    return make_tensor(
        "RandomGammaGrad", [a, x], a.dtype, {"T": a.dtype}, name or "RandomGammaGrad"
    )


def random_gamma(
    shape: ShapeTensorLike,
    alpha: TensorLike,
    beta: TensorLike | None = None,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Gamma(alpha, beta) samples of shape ``shape + broadcast(alpha, beta).shape`` (beta: the
    rate, default 1), differentiable in ``alpha`` (op ``RandomGamma``).

    >>> g = tf.random_gamma([2000], alpha=3.0, beta=2.0, seed=1)
    >>> with tf.Session() as sess:
    ...     m = sess.run(tf.reduce_mean(g))
    >>> bool(abs(m - 1.5) < 0.1)
    True
    """
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "random_gamma", []):
        s = shape_tensor(shape, "shape")
        a = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        b = convert_to_tensor(beta if beta is not None else 1, dtype=dtype, name="beta")
        if a.shape.is_fully_defined() and b.shape.is_fully_defined():
            a_dims = [int(d or 0) for d in a.shape.as_list()]
            b_dims = [int(d or 0) for d in b.shape.as_list()]
            bshape = np.broadcast_shapes(tuple(a_dims), tuple(b_dims))
            a_b = a if tuple(a_dims) == bshape else broadcast_to(a, list(bshape))
        else:
            a_b = add(a, zeros_like(b))
        rnd = make_tensor("RandomGamma", [s, a_b], dtype, _seed_attrs(seed), "RandomGamma")
        return maximum(constant(np.finfo(dtype.np).tiny, dtype=dtype), rnd / b)


register_op(
    "RandomPoissonV2",
    _params_shape,
    "random_poisson",
    kernel_inputs=(1,),
    value_inputs=(0,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=_seed_ints,
)
NotDifferentiable("RandomPoissonV2")

_POISSON_DTYPES = (_dt.float32, _dt.float64, _dt.int32, _dt.int64)


def random_poisson(
    lam: TensorLike,
    shape: ShapeTensorLike,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """Poisson(lam) samples of shape ``shape + lam.shape`` (op ``RandomPoissonV2``; TF 1.x's
    argument order ``(lam, shape)``)."""
    return random_poisson_v2(shape, lam, dtype, seed, name)


def random_poisson_v2(
    shape: ShapeTensorLike,
    lam: TensorLike,
    dtype: DTypeLike = _dt.float32,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``tf.random.poisson``: Poisson(lam) samples of shape ``shape + lam.shape``.

    >>> p = tf.random_poisson(4.0, [3000], dtype=tf.int32, seed=2)
    >>> with tf.Session() as sess:
    ...     v = sess.run(p)
    >>> bool(abs(v.mean() - 4) < 0.2), v.dtype.name
    (True, 'int32')
    """
    dtype = _dt.as_dtype(dtype)
    if dtype not in _POISSON_DTYPES:
        raise TypeError(
            f"Value for attr 'dtype' of {dtype.name} is not in the list of allowed values"
        )
    with name_scope(name, "random_poisson", []):
        s = shape_tensor(shape, "shape")
        rate = convert_to_tensor(lam)
        if rate.dtype not in _POISSON_DTYPES:
            raise TypeError(
                f"Value for attr 'R' of {rate.dtype.name} is not in the list of allowed values"
            )
        attrs = {**_seed_attrs(seed), "dtype": dtype, "R": rate.dtype}
        return make_tensor("RandomPoissonV2", [s, rate], dtype, attrs, "RandomPoissonV2")


def _multinomial_shape(op, in_shapes, value_of):
    logits = in_shapes[0]
    if logits.ndims not in (None, 2):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 2 but is rank {logits.ndims}", in_shapes
        )
    if in_shapes[1].ndims not in (None, 0):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 0 but is rank {in_shapes[1].ndims}", in_shapes
        )
    n = value_of(1)
    if n is not None and int(n) < 0:
        raise shape_error(
            op.type, op.name, f"num_samples should be nonnegative, got {int(n)}", in_shapes
        )
    batch = logits.as_list()[0] if logits.ndims == 2 else None
    return [TensorShape([batch, None if n is None else int(n)])]


register_op(
    "Multinomial",
    _multinomial_shape,
    "multinomial",
    kernel_inputs=(0,),
    value_inputs=(1,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=_seed_ints,
)
NotDifferentiable("Multinomial")


def _categorical(logits, num_samples, dtype, seed, name):
    dtype = _dt.as_dtype(dtype) if dtype else _dt.int64
    if dtype not in (_dt.int32, _dt.int64):
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
            f"({_dt.int32!r}, {_dt.int64!r})."
        )
    x = convert_to_tensor(logits, name="logits")
    if x.dtype not in FLOATS:
        raise TypeError(
            f"Value for attr 'T' of {x.dtype.name} is not in the list of allowed values"
        )
    n = convert_to_tensor(num_samples, dtype=_dt.int32, name="num_samples")
    attrs = {**_seed_attrs(seed), "output_dtype": dtype, "T": x.dtype}
    return make_tensor("Multinomial", [x, n], dtype, attrs, "Multinomial")


def multinomial(
    logits: TensorLike,
    num_samples: TensorLike,
    seed: int | None = None,
    name: str | None = None,
    output_dtype: DTypeLike | None = None,
) -> Tensor:
    """Draws ``num_samples`` class indices per row of ``logits`` ``[batch, classes]`` (op
    ``Multinomial``): ``[batch, num_samples]``, int64 by default."""
    with name_scope(name, "multinomial", []):
        return _categorical(logits, num_samples, output_dtype, seed, name)


def categorical(
    logits: TensorLike,
    num_samples: TensorLike,
    dtype: DTypeLike | None = None,
    seed: int | None = None,
    name: str | None = None,
) -> Tensor:
    """``tf.random.categorical``: as ``multinomial`` with the output dtype named ``dtype``.

    >>> c = tf.random.categorical(tf.math.log([[0.5, 0.5, 0.0]]), 6, seed=3)
    >>> with tf.Session() as sess:
    ...     v = sess.run(c)
    >>> v.shape, bool((v < 2).all())
    ((1, 6), True)
    """
    with name_scope(name, "categorical", []):
        return _categorical(logits, num_samples, dtype, seed, name)


register_op(
    "RandomShuffle",
    lambda op, in_shapes, value_of: [in_shapes[0]],
    "random_shuffle",
    kernel_inputs=(0,),
    kind=OpKind.RANDOM,
    stateful=True,
    attrs_fn=_seed_ints,
)
NotDifferentiable("RandomShuffle")


def random_shuffle(value: TensorLike, seed: int | None = None, name: str | None = None) -> Tensor:
    """``value`` with its first dimension permuted at random (op ``RandomShuffle``)."""
    x = convert_to_tensor(value)
    return make_tensor(
        "RandomShuffle", [x], x.dtype, {**_seed_attrs(seed), "T": x.dtype}, name or "RandomShuffle"
    )


def random_crop(
    value: TensorLike, size: TensorLike, seed: int | None = None, name: str | None = None
) -> Tensor:
    """A window of shape ``size`` at a random offset in ``value`` (TF's composite: uniform int32
    offsets modulo ``shape - size + 1``, then ``Slice``). A ``size`` larger than ``value`` fails
    when run (InvalidArgumentError)."""
    with name_scope(name, "random_crop", [value, size]) as scope:
        x = convert_to_tensor(value, name="value")
        sz = convert_to_tensor(size, dtype=_dt.int32, name="size")
        xs = x.shape
        if (
            xs.ndims is not None
            and sz.shape.ndims == 1
            and sz.shape[0].value not in (None, xs.ndims)
        ):
            raise ValueError(
                f"Shapes must be equal rank, but are {xs.ndims} and {sz.shape[0].value}"
            )
        shp = shape(x)
        limit = add(subtract(shp, sz), constant(1, dtype=_dt.int32))
        offset = floormod(
            _random_uniform_int(shape(shp), 0, _dt.int32.max, _dt.int32, seed, None), limit
        )
        return slice_(x, offset, sz, name=scope)
