"""``tf.layers`` convolutions (TF 1.x): ``Conv1D/2D/3D``, ``Conv2DTranspose``,
``Conv3DTranspose``, ``SeparableConv1D/2D`` and their function forms.

Variables as TF names them: ``<scope>/kernel`` (``kernel_size + (in_channels, filters)``; for the
transposed forms ``kernel_size + (filters, in_channels)``), ``<scope>/bias`` ``[filters]``, and for
the separable ones ``depthwise_kernel`` ``kernel_size + (in_channels, depth_multiplier)`` and
``pointwise_kernel`` ``(1,)*rank + (in_channels * depth_multiplier, filters)``. The conv op is named
after the class (``conv2d/Conv2D``), then ``BiasAdd`` and the activation. ``channels_first`` inputs
are transposed to channels-last around the op (TF's CPU kernels take channels-last only).
"""

from __future__ import annotations

from typing import Any

from ..framework.tensor_shape import TensorShape, as_shape
from ..nn.conv3d_ops import conv3d as _nn_conv3d
from ..nn.conv_composites import conv1d as _nn_conv1d
from ..nn.conv_ops import conv2d as _nn_conv2d
from ..nn.nn_ops import bias_add
from ..ops.array_ops import transpose
from ..ops.slicing_ops import pad
from .base import InputSpec, Layer
from .utils import (
    ZEROS,
    check_callable,
    conv_output_length,
    get_activation,
    get_initializer,
    normalize_data_format,
    normalize_padding,
    normalize_tuple,
)

__all__ = ["Conv1D", "Conv2D", "Conv3D", "conv1d", "conv2d", "conv3d"]


def _to_last(x: Any, rank: int) -> Any:
    return transpose(x, [0, *range(2, rank + 2), 1])


def _to_first(x: Any, rank: int) -> Any:
    return transpose(x, [0, rank + 1, *range(1, rank + 1)])


class _Conv(Layer):
    """N-D convolution layer: ``activation(conv(inputs, kernel) + bias)``."""

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str | None = "channels_last",
        dilation_rate: Any = 1,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = None,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            trainable=trainable,
            name=name,
            activity_regularizer=check_callable(activity_regularizer, "regularizer"),
            **kwargs,
        )
        self.rank = rank
        if isinstance(filters, float):
            filters = int(filters)
        if filters is not None and filters <= 0:
            raise ValueError(
                "Invalid value for argument `filters`. Expected a strictly positive value. "
                f"Received filters={filters}."
            )
        self.filters = filters
        self.kernel_size = normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = normalize_tuple(strides, rank, "strides", allow_zero=True)
        self.padding = normalize_padding(padding)
        self.data_format = normalize_data_format(data_format)
        self.dilation_rate = normalize_tuple(dilation_rate, rank, "dilation_rate")
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.kernel_regularizer = check_callable(kernel_regularizer, "regularizer")
        self.bias_regularizer = check_callable(bias_regularizer, "regularizer")
        self.kernel_constraint = check_callable(kernel_constraint, "constraint")
        self.bias_constraint = check_callable(bias_constraint, "constraint")
        self.input_spec = InputSpec(min_ndim=rank + 2)
        self._channels_first = self.data_format == "channels_first"
        self.kernel: Any = None
        self.bias: Any = None
        if not all(self.kernel_size):
            raise ValueError(
                f"The argument `kernel_size` cannot contain 0(s). Received: {self.kernel_size}"
            )
        if not all(self.strides):
            raise ValueError(
                f"The argument `strides` cannot contains 0(s). Received: {self.strides}"
            )
        if self.padding == "causal" and rank != 1:
            raise ValueError("Causal padding is only supported for `Conv1D`and `SeparableConv1D`.")
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                "`strides > 1` not supported in conjunction with `dilation_rate > 1`. Received: "
                f"strides={self.strides} and dilation_rate={self.dilation_rate}"
            )

    def _channel_axis(self) -> int:
        return -1 - self.rank if self._channels_first else -1

    def _input_channel(self, input_shape: TensorShape) -> int:
        axis = self._channel_axis()
        dims = input_shape.as_list() if input_shape.rank is not None else None
        if dims is None or dims[axis] is None:
            raise ValueError(
                "The channel dimension of the inputs should be defined. The input_shape "
                f"received is {tuple(input_shape.as_list())}, where axis {axis} (0-based) is the "
                "channel dimension, which found to be `None`."
            )
        return int(dims[axis] or 0)

    def _kernel_shape(self, in_ch: int) -> tuple[int, ...]:
        return (*self.kernel_size, in_ch, self.filters)

    def build(self, input_shape: Any) -> None:
        input_shape = as_shape(input_shape)
        in_ch = self._input_channel(input_shape)
        self.compute_output_shape(input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=self._kernel_shape(in_ch),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.filters,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                trainable=True,
                dtype=self.dtype,
            )
        self.input_spec = InputSpec(min_ndim=self.rank + 2, axes={self._channel_axis(): in_ch})
        self.built = True

    def _conv_last(self, x: Any) -> Any:
        """The convolution of channels-last ``x``."""
        s, d = [1, *self.strides, 1], [1, *self.dilation_rate, 1]
        pad_mode = "VALID" if self.padding == "causal" else self.padding.upper()
        name = type(self).__name__
        if self.rank == 1:
            return _nn_conv1d(
                x,
                self.kernel,
                self.strides[0],
                pad_mode,
                dilations=self.dilation_rate[0],
                name=name,
            )
        if self.rank == 2:
            return _nn_conv2d(x, self.kernel, s, pad_mode, dilations=d, name=name)
        if self.rank == 3:
            return _nn_conv3d(x, self.kernel, s, pad_mode, dilations=d, name=name)
        raise ValueError(f"{name}: unsupported rank {self.rank}")

    def _bias_last(self, outputs: Any) -> Any:
        return bias_add(outputs, self.bias) if self.use_bias else outputs

    def call(self, inputs: Any) -> Any:
        input_shape = inputs.shape
        x = _to_last(inputs, self.rank) if self._channels_first else inputs
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            x = pad(x, [[0, 0], [left, 0], [0, 0]])
        outputs = self._bias_last(self._conv_last(x))
        if self._channels_first:
            outputs = _to_first(outputs, self.rank)
        if input_shape.rank:
            outputs.set_shape(self.compute_output_shape(input_shape))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def _spatial_output_shape(self, spatial: list[int | None]) -> list[int | None]:
        return [
            conv_output_length(
                n, self.kernel_size[i], self.padding, self.strides[i], self.dilation_rate[i]
            )
            for i, n in enumerate(spatial)
        ]

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        dims = as_shape(input_shape).as_list()
        batch_rank = len(dims) - self.rank - 1
        if self._channels_first:
            out = [
                *dims[:batch_rank],
                self.filters,
                *self._spatial_output_shape(dims[batch_rank + 1 :]),
            ]
        else:
            out = (
                dims[:batch_rank] + self._spatial_output_shape(dims[batch_rank:-1]) + [self.filters]
            )
        if any(d is not None and d < 0 for d in out):
            raise ValueError(
                "One of the dimensions in the output is <= 0 due to downsampling in "
                f"{self.name}. Consider increasing the input size. Received input shape "
                f"{dims} which would produce output shape with a zero or negative value in a "
                "dimension."
            )
        return TensorShape(out)


def _conv_class(rank: int, class_name: str, doc: str) -> type[_Conv]:
    default_stride: Any = 1 if rank == 1 else (1,) * rank

    def __init__(
        self: _Conv,
        filters: int,
        kernel_size: Any,
        strides: Any = default_stride,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = default_stride,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = ZEROS,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        _Conv.__init__(
            self,
            rank,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )

    return type(class_name, (_Conv,), {"__init__": __init__, "__doc__": doc})


Conv1D = _conv_class(1, "Conv1D", "1-D convolution layer (sequences: ``[N, W, C]``).")
Conv2D = _conv_class(2, "Conv2D", "2-D convolution layer (images: ``[N, H, W, C]``).")
Conv3D = _conv_class(3, "Conv3D", "3-D convolution layer (volumes: ``[N, D, H, W, C]``).")


def _conv_fn(cls: Any, rank: int, fn_name: str) -> Any:
    default_stride: Any = 1 if rank == 1 else (1,) * rank

    def fn(
        inputs: Any,
        filters: int,
        kernel_size: Any,
        strides: Any = default_stride,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = default_stride,
        activation: Any = None,
        use_bias: bool = True,
        kernel_initializer: Any = None,
        bias_initializer: Any = ZEROS,
        kernel_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        kernel_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        reuse: Any = None,
    ) -> Any:
        layer = cls(
            filters=filters,
            kernel_size=kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            kernel_initializer=kernel_initializer,
            bias_initializer=bias_initializer,
            kernel_regularizer=kernel_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            kernel_constraint=kernel_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            _reuse=reuse,
            _scope=name,
        )
        return layer(inputs)

    fn.__name__ = fn.__qualname__ = fn_name
    fn.__doc__ = (
        f"Functional form of ``{cls.__name__}`` (``reuse=True`` shares ``name``'s variables)."
    )
    return fn


conv1d = _conv_fn(Conv1D, 1, "conv1d")
conv2d = _conv_fn(Conv2D, 2, "conv2d")
conv3d = _conv_fn(Conv3D, 3, "conv3d")
