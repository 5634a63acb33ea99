"""``tf.layers`` pooling (TF 1.x): ``MaxPooling1D/2D/3D``, ``AveragePooling1D/2D/3D`` and their
function forms. No variables; ops under the layer's name scope (``max_pooling2d/MaxPool``). As in
TF, the 1-D forms pool a ``[N, W, 1, C]`` view with the 2-D op, and the 3-D forms transpose
``channels_first`` inputs to channels-last around the op."""

from __future__ import annotations

from typing import Any

from ..framework.tensor_shape import TensorShape, as_shape
from ..nn.conv_ops import avg_pool, max_pool
from ..nn.pool_composites import avg_pool3d, max_pool3d
from ..ops.array_ops import expand_dims, squeeze, transpose
from .base import InputSpec, Layer
from .utils import (
    conv_output_length,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)

__all__ = [
    "AveragePooling1D",
    "AveragePooling2D",
    "AveragePooling3D",
    "MaxPooling1D",
    "MaxPooling2D",
    "MaxPooling3D",
    "average_pooling1d",
    "average_pooling2d",
    "average_pooling3d",
    "max_pooling1d",
    "max_pooling2d",
    "max_pooling3d",
]


class _Pooling(Layer):
    """Pooling over ``rank`` spatial dimensions with ``pool_fn`` (a 2-D NHWC op or a 3-D one)."""

    _rank = 2
    _mode = "max"

    def __init__(
        self,
        pool_size: Any,
        strides: Any,
        padding: str = "valid",
        data_format: str = "channels_last",
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        rank = self._rank
        if data_format is None:
            data_format = "channels_last"
        if strides is None:
            strides = pool_size
        self.pool_size = normalize_tuple(pool_size, rank, "pool_size")
        self.strides = normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=rank + 2)

    def _pool(self, x: Any, ksize: list[int], strides: list[int]) -> Any:
        op: Any
        if self._rank == 3:
            op = avg_pool3d if self._mode == "avg" else max_pool3d
        else:
            op = avg_pool if self._mode == "avg" else max_pool
        return op(x, ksize, strides, self.padding.upper())

    def call(self, inputs: Any) -> Any:
        rank, first = self._rank, self.data_format == "channels_first"
        x = transpose(inputs, [0, *range(2, rank + 2), 1]) if first else inputs
        if rank == 1:
            x = expand_dims(x, 2)
            out = self._pool(x, [1, self.pool_size[0], 1, 1], [1, self.strides[0], 1, 1])
            out = squeeze(out, [2])
        else:
            out = self._pool(x, [1, *self.pool_size, 1], [1, *self.strides, 1])
        if first:
            out = transpose(out, [0, rank + 1, *range(1, rank + 1)])
        return out

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        dims = as_shape(input_shape).as_list()
        first = self.data_format == "channels_first"
        spatial = dims[2:] if first else dims[1:-1]
        out = [
            conv_output_length(n, self.pool_size[i], self.padding, self.strides[i])
            for i, n in enumerate(spatial)
        ]
        if first:
            return TensorShape([dims[0], dims[1], *out])
        return TensorShape([dims[0], *out, dims[-1]])


class MaxPooling1D(_Pooling):
    """Max pooling over ``[N, W, C]`` (or ``[N, C, W]``) inputs."""

    _rank = 1
    _mode = "max"


class AveragePooling1D(_Pooling):
    """Average pooling over ``[N, W, C]`` (or ``[N, C, W]``) inputs."""

    _rank = 1
    _mode = "avg"


class MaxPooling2D(_Pooling):
    """Max pooling over ``[N, H, W, C]`` (or ``[N, C, H, W]``) inputs."""

    _rank = 2
    _mode = "max"


class AveragePooling2D(_Pooling):
    """Average pooling over ``[N, H, W, C]`` (or ``[N, C, H, W]``) inputs."""

    _rank = 2
    _mode = "avg"


class MaxPooling3D(_Pooling):
    """Max pooling over ``[N, D, H, W, C]`` (or ``[N, C, D, H, W]``) inputs."""

    _rank = 3
    _mode = "max"


class AveragePooling3D(_Pooling):
    """Average pooling over ``[N, D, H, W, C]`` (or ``[N, C, D, H, W]``) inputs."""

    _rank = 3
    _mode = "avg"


def max_pooling1d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``MaxPooling1D``."""
    return MaxPooling1D(pool_size, strides, padding, data_format, name=name)(inputs)


def average_pooling1d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``AveragePooling1D``."""
    return AveragePooling1D(pool_size, strides, padding, data_format, name=name)(inputs)


def max_pooling2d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``MaxPooling2D``."""
    return MaxPooling2D(pool_size, strides, padding, data_format, name=name)(inputs)


def average_pooling2d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``AveragePooling2D``."""
    return AveragePooling2D(pool_size, strides, padding, data_format, name=name)(inputs)


def max_pooling3d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``MaxPooling3D``."""
    return MaxPooling3D(pool_size, strides, padding, data_format, name=name)(inputs)


def average_pooling3d(
    inputs: Any,
    pool_size: Any,
    strides: Any,
    padding: str = "valid",
    data_format: str = "channels_last",
    name: str | None = None,
) -> Any:
    """Functional form of ``AveragePooling3D``."""
    return AveragePooling3D(pool_size, strides, padding, data_format, name=name)(inputs)
