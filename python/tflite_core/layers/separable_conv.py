"""``tf.layers.SeparableConv1D`` / ``SeparableConv2D`` and their function forms (TF 1.x): a
depthwise convolution (``<scope>/depthwise_kernel`` ``kernel_size + (in_channels,
depth_multiplier)``) then a pointwise 1x1 one (``<scope>/pointwise_kernel`` ``(1,)*rank +
(in_channels * depth_multiplier, filters)``), plus ``<scope>/bias``; TF's ``separable_conv2d``
(the 1-D form on a height of 1, as TF)."""

from __future__ import annotations

from typing import Any

from ..framework.tensor_shape import as_shape
from ..nn.conv_composites import separable_conv2d as _nn_separable_conv2d
from ..ops.array_ops import expand_dims, squeeze
from ..ops.slicing_ops import pad
from .base import InputSpec
from .convolutional import _Conv, _to_first, _to_last
from .utils import ZEROS, check_callable, get_initializer

__all__ = ["SeparableConv1D", "SeparableConv2D", "separable_conv1d", "separable_conv2d"]


class _SeparableConv(_Conv):
    """Depthwise-separable convolution: depthwise, then pointwise, then bias and activation."""

    def __init__(
        self,
        rank: int,
        filters: int,
        kernel_size: Any,
        strides: Any = 1,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = 1,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = None,
        pointwise_initializer: Any = None,
        bias_initializer: Any = ZEROS,
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(
            rank,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            activation=activation,
            use_bias=use_bias,
            bias_initializer=bias_initializer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = get_initializer(depthwise_initializer)
        self.pointwise_initializer = get_initializer(pointwise_initializer)
        self.depthwise_regularizer = check_callable(depthwise_regularizer, "regularizer")
        self.pointwise_regularizer = check_callable(pointwise_regularizer, "regularizer")
        self.depthwise_constraint = check_callable(depthwise_constraint, "constraint")
        self.pointwise_constraint = check_callable(pointwise_constraint, "constraint")
        self.depthwise_kernel: Any = None
        self.pointwise_kernel: Any = None

    def build(self, input_shape: Any) -> None:
        input_shape = as_shape(input_shape)
        in_ch = self._input_channel(input_shape)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): in_ch})
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel",
            shape=(*self.kernel_size, in_ch, self.depth_multiplier),
            initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint,
            trainable=True,
            dtype=self.dtype,
        )
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel",
            shape=(*(1,) * self.rank, self.depth_multiplier * in_ch, self.filters),
            initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer,
            constraint=self.pointwise_constraint,
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
        self.built = True

    def call(self, inputs: Any) -> Any:
        rank = self.rank
        x = _to_last(inputs, rank) if self._channels_first else inputs
        dw, pw = self.depthwise_kernel, self.pointwise_kernel
        strides, rate = list(self.strides), list(self.dilation_rate)
        if rank == 1:
            if self.padding == "causal":
                left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
                x = pad(x, [[0, 0], [left, 0], [0, 0]])
            x, dw, pw = expand_dims(x, 1), expand_dims(dw, 0), expand_dims(pw, 0)
            strides, rate = strides * 2, [1, *rate]
        mode = "VALID" if self.padding == "causal" else self.padding.upper()
        outputs = _nn_separable_conv2d(x, dw, pw, strides=[1, *strides, 1], padding=mode, rate=rate)
        outputs = self._bias_last(outputs)
        if rank == 1:
            outputs = squeeze(outputs, [1])
        if self._channels_first:
            outputs = _to_first(outputs, rank)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


def _separable_class(rank: int, class_name: str, doc: str) -> type[_SeparableConv]:
    one: Any = 1 if rank == 1 else (1,) * rank

    def __init__(
        self: _SeparableConv,
        filters: int,
        kernel_size: Any,
        strides: Any = one,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = one,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = None,
        pointwise_initializer: Any = None,
        bias_initializer: Any = ZEROS,
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        _SeparableConv.__init__(
            self,
            rank,
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            **kwargs,
        )

    return type(class_name, (_SeparableConv,), {"__init__": __init__, "__doc__": doc})


SeparableConv1D = _separable_class(1, "SeparableConv1D", "Depthwise-separable 1-D convolution.")
SeparableConv2D = _separable_class(2, "SeparableConv2D", "Depthwise-separable 2-D convolution.")


def _separable_fn(cls: Any, rank: int, fn_name: str) -> Any:
    one: Any = 1 if rank == 1 else (1,) * rank

    def fn(
        inputs: Any,
        filters: int,
        kernel_size: Any,
        strides: Any = one,
        padding: str = "valid",
        data_format: str = "channels_last",
        dilation_rate: Any = one,
        depth_multiplier: int = 1,
        activation: Any = None,
        use_bias: bool = True,
        depthwise_initializer: Any = None,
        pointwise_initializer: Any = None,
        bias_initializer: Any = ZEROS,
        depthwise_regularizer: Any = None,
        pointwise_regularizer: Any = None,
        bias_regularizer: Any = None,
        activity_regularizer: Any = None,
        depthwise_constraint: Any = None,
        pointwise_constraint: Any = None,
        bias_constraint: Any = None,
        trainable: bool = True,
        name: str | None = None,
        reuse: Any = None,
    ) -> Any:
        layer = cls(
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
            dilation_rate=dilation_rate,
            depth_multiplier=depth_multiplier,
            activation=activation,
            use_bias=use_bias,
            depthwise_initializer=depthwise_initializer,
            pointwise_initializer=pointwise_initializer,
            bias_initializer=bias_initializer,
            depthwise_regularizer=depthwise_regularizer,
            pointwise_regularizer=pointwise_regularizer,
            bias_regularizer=bias_regularizer,
            activity_regularizer=activity_regularizer,
            depthwise_constraint=depthwise_constraint,
            pointwise_constraint=pointwise_constraint,
            bias_constraint=bias_constraint,
            trainable=trainable,
            name=name,
            _reuse=reuse,
            _scope=name,
        )
        return layer(inputs)

    fn.__name__ = fn.__qualname__ = fn_name
    fn.__doc__ = f"Functional form of ``{cls.__name__}``."
    return fn


separable_conv1d = _separable_fn(SeparableConv1D, 1, "separable_conv1d")
separable_conv2d = _separable_fn(SeparableConv2D, 2, "separable_conv2d")
