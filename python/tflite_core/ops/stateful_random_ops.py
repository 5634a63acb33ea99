"""``tf.random.Generator``: a Philox state ``[counter lo, counter hi, key]`` kept in an int64
variable. Each draw reads the state and advances its counter in one step (op
``RngReadAndSkip``, 256 Philox blocks per element, as TF), then runs TF's V2 stateless kernels
on that key and counter, so ``normal``, ``truncated_normal``, ``uniform`` and
``uniform_full_int`` give TF's values for the same state.

>>> g = tf.random.Generator.from_seed(1234)
>>> x = g.normal([2])
>>> with tf.Session() as sess:
...     sess.run(tf.global_variables_initializer())
...     a, b = sess.run(x), sess.run(x)
>>> bool((a != b).all())
True
"""

from __future__ import annotations

import os
import weakref
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, get_default_graph, name_scope, shape_error
from ..framework.op_util import is_symbolic, make_tensor, shape_input
from ..framework.registry import NotDifferentiable, register_op
from ..framework.tensor_shape import TensorShape
from .array_ops import cast, concat, reshape, shape_tensor, stack, unstack, zeros_like
from .math_ops import add, multiply, reduce_prod, subtract
from .stateless_random_ops import (
    Algorithm,
    convert_alg_to_int,
    rng_state_value,
    stateless_random_binomial,
)
from .variables import Variable

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, ShapeTensorLike, TensorLike


def _read_and_skip_shape(op, in_shapes, value_of):
    s = in_shapes[0]
    if s.ndims is not None and s.as_list() not in ([3], [None]):
        raise shape_error(op.type, op.name, "The state must have shape [3] for Philox", in_shapes)
    return [TensorShape([3])]


register_op("RngReadAndSkip", _read_and_skip_shape, "rng_read_and_skip", stateful=True)
NotDifferentiable("RngReadAndSkip")


def _v2_shape(op, in_shapes, value_of):
    return [shape_input(op, 0, in_shapes, value_of)]


for _t, _k, _extra in (
    ("StatelessRandomUniformV2", "stateless_random_uniform", ()),
    ("StatelessRandomNormalV2", "stateless_random_normal", ()),
    ("StatelessTruncatedNormalV2", "stateless_truncated_normal", ()),
    ("StatelessRandomUniformFullIntV2", "stateless_random_uniform_full_int", ()),
    ("StatelessRandomUniformIntV2", "stateless_random_uniform_int", (4, 5)),
):
    # inputs (shape, key, counter, alg[, minval, maxval]); the kernel takes counter, key
    register_op(
        _t,
        _v2_shape,
        _k,
        kernel_inputs=(2, 1, *_extra),
        value_inputs=(0,),
        attrs_fn=lambda op, i, o, v: ([1], []),
    )
    NotDifferentiable(_t)


def _check_philox(alg: int) -> None:
    if alg not in (Algorithm.PHILOX.value, Algorithm.AUTO_SELECT.value):
        raise ValueError(f"Unsupported algorithm id: {alg} (Philox is the one available)")


class Generator:
    """A random-number generator with its state in a variable (TF's ``tf.random.Generator``).

    Run the variables' initializer before drawing; every run of a draw advances the state.
    """

    def __init__(self, copy_from: Generator | None = None, state: Any = None, alg: Any = None):
        if copy_from is not None:
            if alg is not None or state is not None:
                raise ValueError("copy_from excludes state and alg")
            self._alg = copy_from.algorithm
            self._state_var = self._create_variable(copy_from.state.value())
            return
        if alg is None or state is None:
            raise ValueError("state and alg must be given together")
        self._alg = convert_alg_to_int(alg)
        _check_philox(self._alg)
        if isinstance(state, Variable):
            self._state_var = state
        else:
            self._state_var = self._create_variable(state)

    @staticmethod
    def _create_variable(state: Any) -> Variable:
        v = state if is_symbolic(state) else np.asarray(state).astype(np.int64)
        t = convert_to_tensor(v)
        if t.dtype != _dt.int64:
            t = cast(t, _dt.int64)
        if t.shape.ndims is not None and t.shape.as_list() != [3]:
            raise ValueError(f"The state must have shape [3] for Philox, got {t.shape}")
        return Variable(t, trainable=False, name="StateVar")

    @classmethod
    def from_state(cls, state: Any, alg: Any) -> Generator:
        """A generator with the given state (``[counter lo, counter hi, key]`` for Philox)."""
        return cls(state=state, alg=alg)

    @classmethod
    def from_seed(cls, seed: Any, alg: Any = None) -> Generator:
        """A generator whose state is ``create_rng_state(seed, alg)`` (Philox by default)."""
        alg = Algorithm.PHILOX if alg is None else alg
        return cls(state=rng_state_value(seed, alg), alg=alg)

    @classmethod
    def from_non_deterministic_state(cls, alg: Any = None) -> Generator:
        """A generator seeded from the operating system's entropy."""
        alg = Algorithm.PHILOX if alg is None else alg
        words = np.frombuffer(os.urandom(24), np.int64).copy()
        return cls(state=words, alg=alg)

    @classmethod
    def from_key_counter(cls, key: Any, counter: Any, alg: Any) -> Generator:
        """A generator with state ``concat([counter, [key]])``."""
        return cls(state=_key_counter_state(key, counter), alg=alg)

    # -- the state ---------------------------------------------------------------------------
    @property
    def state(self) -> Variable:
        return self._state_var

    @property
    def algorithm(self) -> int:
        return self._alg

    @property
    def key(self) -> Tensor:
        """The key word of the state (its last element)."""
        return self._state_var.value()[-1]

    def reset(self, state: Any) -> Tensor:
        """Assigns a new state."""
        return self._state_var.assign(
            convert_to_tensor(np.asarray(state, np.int64)) if not is_symbolic(state) else state
        )

    def reset_from_seed(self, seed: Any) -> Tensor:
        return self._state_var.assign(constant(rng_state_value(seed, self._alg)))

    def reset_from_key_counter(self, key: Any, counter: Any) -> Tensor:
        return self._state_var.assign(_key_counter_state(key, counter))

    def skip(self, delta: Any) -> Tensor:
        """Advances the counter as ``delta`` drawn elements would; returns the state before."""
        alg = constant(self._alg, dtype=_dt.int32, name="alg")
        d = convert_to_tensor(delta)
        if d.dtype != _dt.int64:
            d = cast(d, _dt.int64)
        return make_tensor(
            "RngReadAndSkip", [self._state_var._variable, alg, d], _dt.int64, None, "RngReadAndSkip"
        )

    def _key_counter(self, shape: Tensor) -> tuple[Tensor, Tensor]:
        old = self.skip(reduce_prod(cast(shape, _dt.int64)))
        return old[2:3], old[:2]

    def _v2(self, op_type, shape, dtype, extra=()):
        s = shape_tensor(shape, "shape")
        key, counter = self._key_counter(s)
        alg = constant(self._alg, dtype=_dt.int32, name="alg")
        return make_tensor(
            op_type, [s, key, counter, alg, *extra], dtype, {"dtype": dtype}, op_type
        )

    # -- the draws ---------------------------------------------------------------------------
    def normal(
        self,
        shape: ShapeTensorLike,
        mean: TensorLike = 0.0,
        stddev: TensorLike = 1.0,
        dtype: DTypeLike = _dt.float32,
        name: str | None = None,
    ) -> Tensor:
        """Normal values (TF's values for this state)."""
        dtype = _dt.as_dtype(dtype)
        with name_scope(name, "stateful_normal", []) as scope:
            m = convert_to_tensor(mean, dtype=dtype, name="mean")
            sd = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            rnd = self._v2("StatelessRandomNormalV2", shape, dtype)
            return add(multiply(rnd, sd), m, name=scope)

    def truncated_normal(
        self,
        shape: ShapeTensorLike,
        mean: TensorLike = 0.0,
        stddev: TensorLike = 1.0,
        dtype: DTypeLike = _dt.float32,
        name: str | None = None,
    ) -> Tensor:
        """Normal values redrawn beyond two standard deviations (TF's values for this state)."""
        dtype = _dt.as_dtype(dtype)
        with name_scope(name, "truncated_normal", []) as scope:
            m = convert_to_tensor(mean, dtype=dtype, name="mean")
            sd = convert_to_tensor(stddev, dtype=dtype, name="stddev")
            rnd = self._v2("StatelessTruncatedNormalV2", shape, dtype)
            return add(multiply(rnd, sd), m, name=scope)

    def uniform(
        self,
        shape: ShapeTensorLike,
        minval: TensorLike | None = 0,
        maxval: TensorLike | None = None,
        dtype: DTypeLike = _dt.float32,
        name: str | None = None,
    ) -> Tensor:
        """Uniform values in ``[minval, maxval)``; integers need ``maxval`` (both bounds None:
        the full range)."""
        dtype = _dt.as_dtype(dtype)
        if dtype.is_integer:
            if (minval is None) != (maxval is None):
                raise ValueError(
                    f"For integer dtype {dtype}, minval and maxval must be both None or not None"
                )
            if maxval is None:
                return self.uniform_full_int(shape, dtype, name)
        elif maxval is None:
            maxval = 1
        assert minval is not None and maxval is not None  # the full range returned above
        with name_scope(name, "stateful_uniform", []) as scope:
            lo = convert_to_tensor(minval, dtype=dtype, name="min")
            hi = convert_to_tensor(maxval, dtype=dtype, name="max")
            if dtype.is_integer:
                return self._v2("StatelessRandomUniformIntV2", shape, dtype, (lo, hi))
            rnd = self._v2("StatelessRandomUniformV2", shape, dtype)
            return add(multiply(rnd, subtract(hi, lo)), lo, name=scope)

    def uniform_full_int(
        self, shape: ShapeTensorLike, dtype: DTypeLike = _dt.int64, name: str | None = None
    ) -> Tensor:
        """Integers over the whole range of ``dtype`` (int32 or int64; TF's default, uint64, is
        not a dtype here)."""
        dtype = _dt.as_dtype(dtype)
        if dtype not in (_dt.int32, _dt.int64):
            raise ValueError(f"uniform_full_int supports int32 and int64, got {dtype.name}")
        with name_scope(name, "stateful_uniform_full_int", []):
            return self._v2("StatelessRandomUniformFullIntV2", shape, dtype)

    def binomial(
        self,
        shape: ShapeTensorLike,
        counts: TensorLike,
        probs: TensorLike,
        dtype: DTypeLike = _dt.int32,
        name: str | None = None,
    ) -> Tensor:
        """Binomial(counts, probs) values: a stateless binomial draw on a seed made from this
        generator (TF's distribution; not TF's stream)."""
        with name_scope(name, "binomial", []):
            seed = self.make_seeds(1)[:, 0]
            return stateless_random_binomial(shape, seed, counts, probs, dtype)

    def make_seeds(self, count: int = 1) -> Tensor:
        """``[2, count]`` seeds for the stateless ops: full-range int64 keys over zeros."""
        keys = self.uniform_full_int([count], _dt.int64)
        return stack([keys, zeros_like(keys)])

    def split(self, count: int = 1) -> list[Generator]:
        """``count`` new generators, keyed by draws of this one (state ``[0, 0, key]``)."""
        keys = self.uniform_full_int([count], _dt.int64)
        zeros = constant(np.zeros(2, np.int64))
        return [
            Generator(state=concat([zeros, reshape(k, [1])], 0), alg=self._alg)
            for k in unstack(keys, num=count)
        ]


def _key_counter_state(key: Any, counter: Any) -> Tensor:
    c = (
        convert_to_tensor(counter)
        if is_symbolic(counter)
        else constant(np.asarray(counter, np.int64))
    )
    k = convert_to_tensor(key) if is_symbolic(key) else constant(np.asarray(key, np.int64))
    return concat([cast(c, _dt.int64), reshape(cast(k, _dt.int64), [1])], 0)


_GLOBAL: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def get_global_generator() -> Generator:
    """The default graph's global generator (made from non-deterministic state on first use)."""
    g = get_default_graph()
    gen = _GLOBAL.get(g)
    if gen is None:
        gen = _GLOBAL[g] = Generator.from_non_deterministic_state()
    return gen


def set_global_generator(generator: Generator) -> None:
    """Makes ``generator`` the default graph's global generator."""
    _GLOBAL[get_default_graph()] = generator
