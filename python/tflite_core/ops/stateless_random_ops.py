"""Stateless random ops (``tf.random.stateless_*``, ``split``, ``fold_in``): the values are a pure
function of ``(seed, shape, dtype)``. The seed pair is scrambled into a Philox key and counter as
TF does, so uniform, normal, truncated normal, gamma, Poisson and the integer uniforms give TF's
own values; the binomial, the categorical and the bounded truncated normal follow TF's
distributions (not its exact streams).

>>> x = tf.random.stateless_uniform([3], seed=[1, 2])
>>> with tf.Session() as sess:
...     v = sess.run(x)
>>> [round(float(t), 4) for t in v]
[0.8441, 0.192, 0.9962]
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import name_scope, shape_error
from ..framework.op_util import FLOATS, make_tensor, shape_input
from ..framework.registry import NotDifferentiable, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import broadcast_to, shape_tensor, stack, zeros_like
from .math_ops import add, maximum, multiply, subtract

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import DTypeLike, ShapeTensorLike, TensorLike


class Algorithm(enum.Enum):
    """The RNG algorithms (``tf.random.Algorithm``): the values of TF's ``rng_alg.h``."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


def convert_alg_to_int(alg: Any) -> int:
    """``alg`` (an int, an ``Algorithm`` or a name such as ``"philox"``) as TF's integer."""
    if isinstance(alg, Algorithm):
        return alg.value
    if isinstance(alg, int):
        return alg
    if isinstance(alg, str):
        canon = alg.strip().lower().replace("-", "").replace("_", "")
        for a in Algorithm:
            if canon == a.name.lower().replace("_", ""):
                return a.value
    raise ValueError(
        f"Argument `alg` got unsupported value {alg}. Supported values are {list(Algorithm)}."
    )


def _check_alg(alg: Any) -> None:
    """Philox is the one algorithm here; ``auto_select`` picks it on CPU, as in TF."""
    if convert_alg_to_int(alg) == Algorithm.THREEFRY.value:
        raise ValueError("The ThreeFry algorithm is not available; use Philox or auto_select")


def _seed_tensor(seed: TensorLike) -> Tensor:
    s = convert_to_tensor(seed, name="seed")
    if s.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value for attr 'Tseed' of {s.dtype.name} is not in the list of allowed values: "
            "int32, int64"
        )
    if s.shape.ndims is not None and s.shape.as_list() not in ([2], [None]):
        raise ValueError(f"Shape must be [2], got {s.shape} for the seed")
    return s


def _check_seed_shape(op, in_shapes, k=1):
    s = in_shapes[k]
    if s.ndims is not None and (s.ndims != 1 or s.as_list()[0] not in (None, 2)):
        raise shape_error(op.type, op.name, f"Dimension must be 2 but is {s.as_list()}", in_shapes)


def _shaped(op, in_shapes, value_of):
    _check_seed_shape(op, in_shapes)
    return [shape_input(op, 0, in_shapes, value_of)]


def _register(op_type, kernel, inputs, shape_fn=_shaped):
    register_op(op_type, shape_fn, kernel, kernel_inputs=inputs, value_inputs=(0,))
    NotDifferentiable(op_type)


_register("StatelessRandomUniform", "stateless_random_uniform", (1,))
_register("StatelessRandomNormal", "stateless_random_normal", (1,))
_register("StatelessTruncatedNormal", "stateless_truncated_normal", (1,))
_register("StatelessRandomUniformFullInt", "stateless_random_uniform_full_int", (1,))


def _uniform_int_shape(op, in_shapes, value_of):
    for k in (2, 3):
        if in_shapes[k].ndims not in (None, 0):
            raise shape_error(
                op.type,
                op.name,
                f"Shape must be rank 0 but is rank {in_shapes[k].ndims}",
                in_shapes,
            )
    return _shaped(op, in_shapes, value_of)


_register(
    "StatelessRandomUniformInt", "stateless_random_uniform_int", (1, 2, 3), _uniform_int_shape
)


def _stateless(op_type, shape, seed, dtype, extra=(), name=None):
    s = shape_tensor(shape, "shape")
    sd = _seed_tensor(seed)
    attrs = {"dtype": dtype, "Tseed": sd.dtype, "T": s.dtype}
    return make_tensor(op_type, [s, sd, *extra], dtype, attrs, name or op_type)


def stateless_random_uniform(
    shape: ShapeTensorLike,
    seed: TensorLike,
    minval: TensorLike | None = 0,
    maxval: TensorLike | None = None,
    dtype: DTypeLike = _dt.float32,
    name: str | None = None,
    alg: Any = "auto_select",
) -> Tensor:
    """TF's values of ``tf.random.stateless_uniform``: floats in ``[minval, maxval)`` (default
    ``[0, 1)``), integers ``minval + bits % (maxval - minval)``, or full-range integers with
    ``minval=maxval=None``."""
    dtype = _dt.as_dtype(dtype)
    accepted = (_dt.float32, _dt.float64, _dt.int32, _dt.int64)
    if dtype not in accepted:
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are {accepted}."
        )
    if dtype.is_integer:
        if (minval is None) != (maxval is None):
            raise ValueError(
                f"For integer `dtype` argument {dtype!r}, argument `minval` and `maxval` must be "
                f"both None or not None. Got `minval`={minval!r} and `maxval`={maxval!r}."
            )
    else:  # floats: [0, 1) by default, as TF
        minval = 0 if minval is None else minval
        maxval = 1 if maxval is None else maxval
    _check_alg(alg)
    with name_scope(name, "stateless_random_uniform", []) as scope:
        if dtype.is_integer and minval is None:
            return _stateless("StatelessRandomUniformFullInt", shape, seed, dtype, name=scope)
        assert minval is not None and maxval is not None  # the full range returned above
        lo = convert_to_tensor(minval, dtype=dtype, name="min")
        hi = convert_to_tensor(maxval, dtype=dtype, name="max")
        if dtype.is_integer:
            return _stateless("StatelessRandomUniformInt", shape, seed, dtype, (lo, hi), scope)
        rnd = _stateless("StatelessRandomUniform", shape, seed, dtype)
        return add(multiply(rnd, subtract(hi, lo)), lo, name=scope)


def stateless_random_normal(
    shape: ShapeTensorLike,
    seed: TensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dt.float32,
    name: str | None = None,
    alg: Any = "auto_select",
) -> Tensor:
    """TF's values of ``tf.random.stateless_normal`` (Box-Muller on TF's Philox stream)."""
    dtype = _dt.as_dtype(dtype)
    _check_float(dtype)
    _check_alg(alg)
    with name_scope(name, "stateless_random_normal", []) as scope:
        m = convert_to_tensor(mean, dtype=dtype, name="mean")
        sd = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _stateless("StatelessRandomNormal", shape, seed, dtype)
        return add(multiply(rnd, sd), m, name=scope)


def stateless_truncated_normal(
    shape: ShapeTensorLike,
    seed: TensorLike,
    mean: TensorLike = 0.0,
    stddev: TensorLike = 1.0,
    dtype: DTypeLike = _dt.float32,
    name: str | None = None,
    alg: Any = "auto_select",
) -> Tensor:
    """TF's values of ``tf.random.stateless_truncated_normal`` (normals redrawn beyond two
    standard deviations)."""
    dtype = _dt.as_dtype(dtype)
    _check_float(dtype)
    _check_alg(alg)
    with name_scope(name, "stateless_truncated_normal", []) as scope:
        m = convert_to_tensor(mean, dtype=dtype, name="mean")
        sd = convert_to_tensor(stddev, dtype=dtype, name="stddev")
        rnd = _stateless("StatelessTruncatedNormal", shape, seed, dtype)
        return add(multiply(rnd, sd), m, name=scope)


def _check_float(dtype):
    if dtype not in FLOATS:
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are {FLOATS}."
        )


# ---- the parameterized distributions -------------------------------------------------------------
def _broadcast_params(op, in_shapes, value_of):
    """The output is ``shape``; every parameter must broadcast to it."""
    _check_seed_shape(op, in_shapes)
    out = shape_input(op, 0, in_shapes, value_of)
    for p in in_shapes[2:]:
        if out.ndims is not None and p.ndims is not None:
            if p.ndims > out.ndims:
                raise shape_error(
                    op.type, op.name, "Shape passed in must end with broadcasted shape.", in_shapes
                )
            for a, b in zip(reversed(p.as_list()), reversed(out.as_list())):
                if a is not None and b is not None and a != b:
                    raise shape_error(
                        op.type,
                        op.name,
                        "Shape passed in must end with broadcasted shape.",
                        in_shapes,
                    )
    return [out]


for _t, _k, _n in (
    ("StatelessRandomGammaV2", "stateless_random_gamma", 1),
    ("StatelessRandomPoisson", "stateless_random_poisson", 1),
    ("StatelessRandomBinomial", "stateless_random_binomial", 2),
    ("StatelessParameterizedTruncatedNormal", "stateless_parameterized_truncated_normal", 4),
):
    register_op(_t, _broadcast_params, _k, kernel_inputs=tuple(range(1, 2 + _n)), value_inputs=(0,))
    NotDifferentiable(_t)


def _params_op(op_type, shape, seed, params, dtype, attrs=None):
    """The op with every parameter broadcast to ``shape`` (the kernel takes them elementwise)."""
    s = shape_tensor(shape, "shape")
    full = [broadcast_to(p, s) for p in params]
    sd = _seed_tensor(seed)
    return make_tensor(op_type, [s, sd, *full], dtype, {"dtype": dtype, **(attrs or {})}, op_type)


def stateless_random_gamma(
    shape: ShapeTensorLike,
    seed: TensorLike,
    alpha: TensorLike,
    beta: TensorLike | None = None,
    dtype: DTypeLike = _dt.float32,
    name: str | None = None,
) -> Tensor:
    """Gamma(alpha, beta) samples of shape ``shape``, which must end with alpha's and beta's
    broadcast shape: TF's values for the seed (TF's Marsaglia-Tsang sampler on its stream)."""
    dtype = _dt.as_dtype(dtype)
    _check_float(dtype)
    with name_scope(name, "stateless_random_gamma", []):
        a = convert_to_tensor(alpha, dtype=dtype, name="alpha")
        b = convert_to_tensor(beta if beta is not None else 1, dtype=dtype, name="beta")
        a_b = add(a, zeros_like(b))
        s = shape_tensor(shape, "shape")
        sd = _seed_tensor(seed)
        rnd = make_tensor(
            "StatelessRandomGammaV2",
            [s, sd, a_b],
            dtype,
            {"dtype": dtype},
            "StatelessRandomGammaV2",
        )
        return maximum(convert_to_tensor(np.finfo(dtype.np).tiny, dtype=dtype), rnd / b)


def stateless_random_poisson(
    shape: ShapeTensorLike,
    seed: TensorLike,
    lam: TensorLike,
    dtype: DTypeLike = _dt.int32,
    name: str | None = None,
) -> Tensor:
    """Poisson(lam) samples of shape ``shape``, which must end with lam's shape: TF's values for
    the seed."""
    dtype = _dt.as_dtype(dtype)
    with name_scope(name, "stateless_random_poisson", []):
        rate = convert_to_tensor(lam, name="lam")
        if rate.dtype not in (_dt.float32, _dt.float64, _dt.int32, _dt.int64):
            raise TypeError(
                f"Value for attr 'Rtype' of {rate.dtype.name} is not in the list of allowed values"
            )
        s = shape_tensor(shape, "shape")
        sd = _seed_tensor(seed)
        attrs = {"dtype": dtype, "Rtype": rate.dtype}
        return make_tensor(
            "StatelessRandomPoisson", [s, sd, rate], dtype, attrs, "StatelessRandomPoisson"
        )


def stateless_random_binomial(
    shape: ShapeTensorLike,
    seed: TensorLike,
    counts: TensorLike,
    probs: TensorLike,
    output_dtype: DTypeLike = _dt.int32,
    name: str | None = None,
) -> Tensor:
    """Binomial(counts, probs) samples of shape ``shape`` (counts and probs broadcast to it), a
    pure function of ``seed``."""
    dtype = _dt.as_dtype(output_dtype)
    with name_scope(name, "stateless_random_binomial", []):
        probs_t = convert_to_tensor(probs, name="probs")
        counts_t = convert_to_tensor(counts, dtype=probs_t.dtype, name="counts")
        return _params_op("StatelessRandomBinomial", shape, seed, [counts_t, probs_t], dtype)


def stateless_parameterized_truncated_normal(
    shape: ShapeTensorLike,
    seed: TensorLike,
    means: TensorLike = 0.0,
    stddevs: TensorLike = 1.0,
    minvals: TensorLike = -2.0,
    maxvals: TensorLike = 2.0,
    name: str | None = None,
) -> Tensor:
    """Normal(means, stddevs) samples restricted to ``[minvals, maxvals]``, of shape ``shape``
    (the parameters broadcast to it), a pure function of ``seed``."""
    with name_scope(name, "stateless_parameterized_truncated_normal", []):
        m = convert_to_tensor(means, name="means")
        dt = m.dtype
        params = [m] + [convert_to_tensor(v, dtype=dt) for v in (stddevs, minvals, maxvals)]
        return _params_op("StatelessParameterizedTruncatedNormal", shape, seed, params, dt)


def _multinomial_shape(op, in_shapes, value_of):
    logits = in_shapes[0]
    if logits.ndims not in (None, 2):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 2 but is rank {logits.ndims}", in_shapes
        )
    _check_seed_shape(op, in_shapes, 2)
    n = value_of(1)
    batch = logits.as_list()[0] if logits.ndims == 2 else None
    return [TensorShape([batch, None if n is None else int(n)])]


register_op(
    "StatelessMultinomial",
    _multinomial_shape,
    "stateless_multinomial",
    kernel_inputs=(2, 0),
    value_inputs=(1,),
)
NotDifferentiable("StatelessMultinomial")


def _stateless_categorical(logits, num_samples, seed, dtype):
    dtype = _dt.as_dtype(dtype) if dtype else _dt.int64
    if dtype not in (_dt.int32, _dt.int64):
        raise ValueError(
            f"Argument `dtype` got invalid value {dtype}. Accepted dtypes are "
            f"({_dt.int32!r}, {_dt.int64!r})."
        )
    x = convert_to_tensor(logits, name="logits")
    n = convert_to_tensor(num_samples, dtype=_dt.int32, name="num_samples")
    sd = _seed_tensor(seed)
    attrs = {"output_dtype": dtype, "T": x.dtype, "Tseed": sd.dtype}
    return make_tensor("StatelessMultinomial", [x, n, sd], dtype, attrs, "StatelessMultinomial")


def stateless_multinomial(
    logits: TensorLike,
    num_samples: TensorLike,
    seed: TensorLike,
    output_dtype: DTypeLike = _dt.int64,
    name: str | None = None,
) -> Tensor:
    """Class indices drawn from the softmax of each row of ``logits``, a pure function of
    ``seed``: ``[batch, num_samples]``."""
    with name_scope(name, "stateless_multinomial", []):
        return _stateless_categorical(logits, num_samples, seed, output_dtype)


def stateless_categorical(
    logits: TensorLike,
    num_samples: TensorLike,
    seed: TensorLike,
    dtype: DTypeLike = _dt.int64,
    name: str | None = None,
) -> Tensor:
    """As ``stateless_multinomial``, with the output dtype named ``dtype``."""
    with name_scope(name, "stateless_categorical", []):
        return _stateless_categorical(logits, num_samples, seed, dtype)


# ---- seeds ---------------------------------------------------------------------------------------
def split(seed: TensorLike, num: int = 2, alg: Any = "auto_select") -> Tensor:
    """``num`` new seeds ``[num, 2]`` from one (full-range stateless integers; TF's values)."""
    s = convert_to_tensor(seed)
    return stateless_random_uniform([num, 2], s, None, None, s.dtype, alg=alg)


def fold_in(seed: TensorLike, data: TensorLike, alg: Any = "auto_select") -> Tensor:
    """A new seed ``[stateless_uniform([], seed), data]`` folding ``data`` into ``seed`` (TF's
    values)."""
    d = convert_to_tensor(data)
    first = stateless_random_uniform([], seed, None, None, d.dtype, alg=alg)
    return stack([first, d])


def rng_state_value(seed: Any, alg: Any) -> np.ndarray:
    """The int64 state TF's ``create_rng_state`` makes: an int seed cut into 64-bit words from
    the lowest (Philox: 3 words, ThreeFry: 2); a vector truncated, or padded with zeros on the
    left."""
    alg = convert_alg_to_int(alg)
    size = {1: 3, 2: 2, 3: 3}.get(alg)
    if size is None:
        raise ValueError(
            f"Argument `alg` got unsupported value {alg}. Supported values are {list(Algorithm)}."
        )
    if isinstance(seed, (int, np.integer)):
        seed = int(seed)
        words = []
        for _ in range(size):
            words.append(seed & (2**64 - 1))
            seed >>= 64
    else:
        words = [int(w) for w in np.asarray(seed).reshape(-1)][:size]
        words = [0] * (size - len(words)) + words
    return np.array([w - 2**64 if w >= 2**63 else w for w in words], np.int64)


def create_rng_state(seed: Any, alg: Any) -> Tensor:
    """TF's ``tf.random.create_rng_state``: an RNG state (int64 ``[3]`` for Philox) from an int
    or a vector, as a constant."""
    return convert_to_tensor(rng_state_value(seed, alg), dtype=_dt.int64)


# ---- index shuffles ------------------------------------------------------------------------------
def _index_shuffle_shape(op, in_shapes, value_of):
    idx, seed, mx = in_shapes
    for s, what in ((idx, "index"), (mx, "max_index")):
        if s.ndims is not None and s.ndims > 1:
            raise shape_error(op.type, op.name, f"{what} must be a scalar or a vector", in_shapes)
    if seed.ndims is not None and (seed.ndims not in (1, 2) or seed.as_list()[-1] not in (None, 3)):
        raise shape_error(op.type, op.name, "Seed must have shape [3] or [n, 3]", in_shapes)
    return [idx]


register_op(
    "RandomIndexShuffle",
    _index_shuffle_shape,
    "random_index_shuffle",
    attrs_fn=lambda op, i, o, v: ([op.get_attr("rounds")], []),
)
NotDifferentiable("RandomIndexShuffle")


def random_index_shuffle(
    index: TensorLike,
    seed: TensorLike,
    max_index: TensorLike,
    rounds: int = 4,
    name: str | None = None,
) -> Tensor:
    """The position of ``index`` in a pseudorandom permutation of ``[0, max_index]`` fixed by the
    3-word ``seed`` (TF's values: a cycle-walking Feistel cipher with Simon's round function;
    op ``RandomIndexShuffle``). ``index`` and ``max_index``: scalars or vectors of one int dtype;
    ``seed``: ``[3]`` or ``[n, 3]``.

    >>> i = tf.range(6, dtype=tf.int64)
    >>> p = tf.random_index_shuffle(i, [1, 2, 3], tf.constant(5, tf.int64))
    >>> with tf.Session() as sess:
    ...     sess.run(p).tolist()
    [2, 0, 3, 4, 5, 1]
    """
    idx = convert_to_tensor(index, name="index")
    if idx.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value for attr 'dtype' of {idx.dtype.name} is not in the list of allowed values"
        )
    mx = convert_to_tensor(max_index, dtype=idx.dtype, name="max_index")
    sd = convert_to_tensor(seed, name="seed")
    if sd.dtype not in (_dt.int32, _dt.int64):
        raise TypeError(
            f"Value for attr 'Tseed' of {sd.dtype.name} is not in the list of allowed values"
        )
    attrs = {"rounds": int(rounds), "dtype": idx.dtype, "Tseed": sd.dtype}
    return make_tensor(
        "RandomIndexShuffle", [idx, sd, mx], idx.dtype, attrs, name or "RandomIndexShuffle"
    )
