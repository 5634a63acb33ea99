"""Initializers (TF 1.x ``init_ops``): objects called as ``init(shape, dtype)`` that build the
ops of a variable's initial value, drawn with TensorFlow's seed rules.

>>> init = tf.constant_initializer([1.0, 2.0])
>>> with tf.Session() as sess:
...     print(sess.run(init([2, 2])))
[[1. 2.]
 [2. 2.]]
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant
from ..framework.tensor_shape import as_shape
from .array_ops import ones, reshape, zeros
from .linalg_factor_ops import qr
from .linalg_ops import eye, matrix_transpose
from .linalg_ops import matrix_diag_part as diag_part
from .math_ops import sign
from .random_ops import random_normal, random_uniform, truncated_normal

if TYPE_CHECKING:
    from ..framework.graph import Tensor
    from ..framework.type_aliases import (
        DTypeLike,
        ShapeLike,
        TensorLike,
    )

# scipy.stats.truncnorm.std(a=-2, b=2, loc=0., scale=1.): the standard deviation of a unit normal
# cut at two standard deviations, which VarianceScaling divides out (as TF).
_TRUNCATED_STD = 0.87962566103423978


def _float_dtype(dtype: DTypeLike) -> _dt.DType:
    dtype = _dt.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got <dtype: '{dtype.name}'>.")
    return dtype


class Initializer:
    """Base class: ``__call__(shape, dtype=None, partition_info=None)`` returns a Tensor."""

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Initializer:
        config = dict(config)
        config.pop("dtype", None)
        return cls(**config)


class Zeros(Initializer):
    """Zeros: ``tf.zeros_initializer()``."""

    def __init__(self, dtype: DTypeLike = _dt.float32) -> None:
        self.dtype = _dt.as_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        return zeros(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict[str, Any]:
        return {"dtype": self.dtype.name}


class Ones(Initializer):
    """Ones: ``tf.ones_initializer()``."""

    def __init__(self, dtype: DTypeLike = _dt.float32) -> None:
        self.dtype = _dt.as_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        return ones(shape, self.dtype if dtype is None else dtype)

    def get_config(self) -> dict[str, Any]:
        return {"dtype": self.dtype.name}


class Constant(Initializer):
    """A constant value: a scalar fills the shape; a list shorter than the shape is padded with
    its last element (TF 1.x); a longer one raises ``ValueError``.

    >>> tf.constant_initializer(7, dtype=tf.int32)([2]).dtype
    tf.int32
    """

    def __init__(
        self, value: TensorLike = 0, dtype: DTypeLike = _dt.float32, verify_shape: bool = False
    ) -> None:
        if not (np.isscalar(value) or isinstance(value, (list, tuple, np.ndarray))):
            raise TypeError(
                f"Invalid type for initial value: {type(value)} (expected Python scalar, list or "
                "tuple of values, or numpy.ndarray)."
            )
        self.value = value
        self.dtype = _dt.as_dtype(dtype)
        self._verify_shape = verify_shape

    def __call__(
        self,
        shape: ShapeLike,
        dtype: DTypeLike | None = None,
        partition_info: Any = None,
        verify_shape: bool | None = None,
    ) -> Tensor:
        dtype = self.dtype if dtype is None else _dt.as_dtype(dtype)
        verify = self._verify_shape if verify_shape is None else verify_shape
        dims = [int(d) for d in as_shape(shape).as_list()]  # type: ignore[arg-type]  # None: TypeError
        n = int(np.prod(dims)) if dims else 1
        flat = np.asarray(self.value).reshape(-1)
        if verify and list(np.shape(self.value)) != dims:
            raise TypeError(f"Expected Tensor's shape: {tuple(dims)}, got {np.shape(self.value)}.")
        if flat.size > n:
            raise ValueError(
                f"Too many elements provided. Needed at most {n}, but received {flat.size}"
            )
        if flat.size == 0:
            raise ValueError("constant_initializer needs at least one value")
        padded = np.concatenate([flat, np.repeat(flat[-1:], n - flat.size)])
        return constant(padded.reshape(dims), dtype=dtype)

    def get_config(self) -> dict[str, Any]:
        return {"value": self.value, "dtype": self.dtype.name, "verify_shape": self._verify_shape}


class RandomUniform(Initializer):
    """Uniform values in ``[minval, maxval)`` (``maxval`` defaults to 1 for floats)."""

    def __init__(
        self,
        minval: TensorLike = 0,
        maxval: TensorLike | None = None,
        seed: int | None = None,
        dtype: DTypeLike = _dt.float32,
    ) -> None:
        self.minval, self.maxval, self.seed = minval, maxval, seed
        self.dtype = _dt.as_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else dtype
        return random_uniform(shape, self.minval, self.maxval, dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {
            "minval": self.minval,
            "maxval": self.maxval,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class RandomNormal(Initializer):
    """Normal values with ``mean`` and ``stddev``."""

    def __init__(
        self,
        mean: TensorLike = 0.0,
        stddev: TensorLike = 1.0,
        seed: int | None = None,
        dtype: DTypeLike = _dt.float32,
    ) -> None:
        self.mean, self.stddev, self.seed = mean, stddev, seed
        self.dtype = _float_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else dtype
        return random_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal values redrawn when more than two ``stddev`` from the mean."""

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else dtype
        return truncated_normal(shape, self.mean, self.stddev, dtype, seed=self.seed)


class UniformUnitScaling(Initializer):
    """Uniform in ``+-sqrt(3 / input_size) * factor`` (TF's deprecated initializer)."""

    def __init__(
        self, factor: float = 1.0, seed: int | None = None, dtype: DTypeLike = _dt.float32
    ) -> None:
        self.factor, self.seed = factor, seed
        self.dtype = _float_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else dtype
        dims = [int(d) for d in as_shape(shape).as_list()]  # type: ignore[arg-type]  # None: TypeError
        input_size = 1.0
        for d in dims[:-1]:
            input_size *= float(d)
        input_size = max(input_size, 1.0)
        limit = math.sqrt(3 / input_size) * self.factor
        return random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {"factor": self.factor, "seed": self.seed, "dtype": self.dtype.name}


def _compute_fans(shape: ShapeLike) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight shape, as TF computes them."""
    dims = [int(d) for d in as_shape(shape).as_list()]  # type: ignore[arg-type]  # None: TypeError
    if len(dims) < 1:
        return 1, 1
    if len(dims) == 1:
        return dims[0], dims[0]
    if len(dims) == 2:
        return dims[0], dims[1]
    receptive = 1
    for d in dims[:-2]:
        receptive *= d
    return dims[-2] * receptive, dims[-1] * receptive


class VarianceScaling(Initializer):
    """Values with variance ``scale / n``, ``n`` the fan in, fan out or their mean.

    ``distribution``: "truncated_normal" (or its old name "normal": a normal cut at two standard
    deviations, its stddev ``sqrt(scale / n) / .8796``), "untruncated_normal" or "uniform" (in
    ``+-sqrt(3 scale / n)``).
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        dtype: DTypeLike = _dt.float32,
    ) -> None:
        if scale <= 0.0:
            raise ValueError("`scale` must be positive float.")
        if mode not in {"fan_in", "fan_out", "fan_avg"}:
            raise ValueError("Invalid `mode` argument:", mode)
        distribution = distribution.lower()
        if distribution not in {"normal", "uniform", "truncated_normal", "untruncated_normal"}:
            raise ValueError("Invalid `distribution` argument:", distribution)
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, seed
        self.dtype = _float_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else dtype
        scale_shape = shape if partition_info is None else partition_info.full_shape
        fan_in, fan_out = _compute_fans(scale_shape)
        scale = self.scale
        if self.mode == "fan_in":
            scale /= max(1.0, fan_in)
        elif self.mode == "fan_out":
            scale /= max(1.0, fan_out)
        else:
            scale /= max(1.0, (fan_in + fan_out) / 2.0)
        if self.distribution in ("normal", "truncated_normal"):
            stddev = math.sqrt(scale) / _TRUNCATED_STD
            return truncated_normal(shape, 0.0, stddev, dtype, seed=self.seed)
        if self.distribution == "untruncated_normal":
            return random_normal(shape, 0.0, math.sqrt(scale), dtype, seed=self.seed)
        limit = math.sqrt(3.0 * scale)
        return random_uniform(shape, -limit, limit, dtype, seed=self.seed)

    def get_config(self) -> dict[str, Any]:
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            "dtype": self.dtype.name,
        }


class GlorotUniform(VarianceScaling):
    """Uniform in ``+-sqrt(6 / (fan_in + fan_out))``: the default of ``tf.get_variable``."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dt.float32) -> None:
        super().__init__(1.0, "fan_avg", "uniform", seed, dtype)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "dtype": self.dtype.name}


class GlorotNormal(VarianceScaling):
    """Truncated normal with stddev ``sqrt(2 / (fan_in + fan_out)) / .8796``."""

    def __init__(self, seed: int | None = None, dtype: DTypeLike = _dt.float32) -> None:
        super().__init__(1.0, "fan_avg", "truncated_normal", seed, dtype)

    def get_config(self) -> dict[str, Any]:
        return {"seed": self.seed, "dtype": self.dtype.name}


def he_normal(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(2.0, "fan_in", "truncated_normal", seed)


def he_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(2.0, "fan_in", "uniform", seed)


def lecun_normal(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "truncated_normal", seed)


def lecun_uniform(seed: int | None = None) -> VarianceScaling:
    return VarianceScaling(1.0, "fan_in", "uniform", seed)


# TF 1.x's public names
zeros_initializer = Zeros
ones_initializer = Ones
constant_initializer = Constant
random_uniform_initializer = RandomUniform
random_normal_initializer = RandomNormal
truncated_normal_initializer = TruncatedNormal
uniform_unit_scaling_initializer = UniformUnitScaling
variance_scaling_initializer = VarianceScaling
glorot_uniform_initializer = GlorotUniform
glorot_normal_initializer = GlorotNormal


class Orthogonal(Initializer):
    """An orthogonal matrix (rows or columns orthonormal, times ``gain``) reshaped to the
    variable's shape: the Q of the QR decomposition of a normal draw, columns signed so that R's
    diagonal is positive (TF's construction)."""

    def __init__(
        self, gain: float = 1.0, seed: int | None = None, dtype: DTypeLike = _dt.float32
    ) -> None:
        self.gain, self.seed = gain, seed
        self.dtype = _float_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dtype = self.dtype if dtype is None else _dt.as_dtype(dtype)
        dims: list[Any] = as_shape(shape).as_list()
        if len(dims) < 2:
            raise ValueError("The tensor to initialize must be at least two-dimensional")
        rows = int(np.prod(dims[:-1]))
        cols = dims[-1]
        flat = (cols, rows) if rows < cols else (rows, cols)
        q, r = qr(random_normal(flat, dtype=dtype, seed=self.seed), full_matrices=False)
        q = q * sign(diag_part(r))
        if rows < cols:
            q = matrix_transpose(q)
        return reshape(q * self.gain, dims)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "seed": self.seed, "dtype": self.dtype.name}


orthogonal_initializer = Orthogonal


class Identity(Initializer):
    """The identity matrix times ``gain`` (2-D shapes only): ``tf.initializers.identity()``."""

    def __init__(self, gain: float = 1.0, dtype: DTypeLike = _dt.float32) -> None:
        self.gain = gain
        self.dtype = _float_dtype(dtype)

    def __call__(
        self, shape: ShapeLike, dtype: DTypeLike | None = None, partition_info: Any = None
    ) -> Tensor:
        dims: list[Any] = as_shape(shape).as_list()
        if len(dims) != 2:
            raise ValueError(
                "The tensor to initialize, specified by argument `shape` must be at least "
                f"two-dimensional. Received shape={shape}"
            )
        rows, cols = dims
        return self.gain * eye(rows, cols, dtype=self.dtype if dtype is None else dtype)

    def get_config(self) -> dict[str, Any]:
        return {"gain": self.gain, "dtype": self.dtype.name}
