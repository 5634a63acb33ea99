"""``tf.layers.Conv2DTranspose`` / ``Conv3DTranspose`` and their function forms (TF 1.x).

The kernel is ``kernel_size + (filters, in_channels)``; the output size per spatial dimension is
``n * stride + max(kernel - stride, 0)`` for ``valid`` padding and ``n * stride`` for ``same``
(TF's ``deconv_output_length``), known statically when the input's is. ``channels_first``
inputs are transposed to channels-last around the op, as TF's Keras backend does on CPU.
"""

from __future__ import annotations

from typing import Any

from ..framework.tensor_shape import TensorShape, as_shape
from ..nn.conv3d_ops import conv3d_transpose as _nn_conv3d_transpose
from ..nn.conv_composites import conv2d_transpose as _nn_conv2d_transpose
from ..ops.array_ops import shape, stack
from .base import InputSpec
from .convolutional import _Conv, _to_first, _to_last
from .utils import ZEROS, deconv_output_length

__all__ = ["Conv2DTranspose", "Conv3DTranspose", "conv2d_transpose", "conv3d_transpose"]


class _ConvTranspose(_Conv):
    """Transposed convolution (the gradient of a convolution with respect to its input)."""

    def _kernel_shape(self, in_ch: int) -> tuple[int, ...]:
        return (*self.kernel_size, self.filters, in_ch)

    def build(self, input_shape: Any) -> None:
        input_shape = as_shape(input_shape)
        name = type(self).__name__
        if input_shape.rank != self.rank + 2:
            raise ValueError(
                f"Inputs should have rank {self.rank + 2}. "
                f"Received input_shape={_shape_str(input_shape)}."
            )
        axis = self._channel_axis()
        in_ch = input_shape.as_list()[axis]
        if in_ch is None:
            raise ValueError(
                f"The channel dimension of the inputs to `{name}` should be defined. The "
                f"input_shape received is {tuple(input_shape.as_list())}, where axis {axis} "
                "(0-based) is the channel dimension, which found to be `None`."
            )
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={axis: in_ch})
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
        self.built = True

    def _out_len(self, n: Any, i: int) -> Any:
        k, s = self.kernel_size[i], self.strides[i]
        if self.padding == "valid":
            return n * s + max(k - s, 0)
        return n * s

    def call(self, inputs: Any) -> Any:
        rank = self.rank
        x = _to_last(inputs, rank) if self._channels_first else inputs
        dyn = shape(x)
        dims = x.shape.as_list()
        spatial = [
            self._out_len(dims[i + 1] if dims[i + 1] is not None else dyn[i + 1], i)
            for i in range(rank)
        ]
        out_shape = stack([dyn[0], *spatial, self.filters])
        s = [1, *self.strides, 1]
        pad = self.padding.upper()
        if rank == 2:
            outputs = _nn_conv2d_transpose(x, self.kernel, out_shape, s, padding=pad)
        else:
            outputs = _nn_conv3d_transpose(x, self.kernel, out_shape, s, padding=pad)
        outputs = self._bias_last(outputs)
        if self._channels_first:
            outputs = _to_first(outputs, rank)
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        dims = as_shape(input_shape).as_list()
        first = self._channels_first
        c_axis = 1 if first else self.rank + 1
        out = list(dims)
        out[c_axis] = self.filters
        for i in range(self.rank):
            ax = i + 2 if first else i + 1
            out[ax] = deconv_output_length(
                dims[ax], self.kernel_size[i], self.padding, stride=self.strides[i]
            )
        return TensorShape(out)


def _transpose_class(rank: int, class_name: str, doc: str) -> type[_ConvTranspose]:
    default_stride = (1,) * rank

    def __init__(
        self: _ConvTranspose,
        filters: int,
        kernel_size: Any,
        strides: Any = default_stride,
        padding: str = "valid",
        data_format: str = "channels_last",
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

    return type(class_name, (_ConvTranspose,), {"__init__": __init__, "__doc__": doc})


Conv2DTranspose = _transpose_class(2, "Conv2DTranspose", "Transposed 2-D convolution layer.")
Conv3DTranspose = _transpose_class(3, "Conv3DTranspose", "Transposed 3-D convolution layer.")


def _transpose_fn(cls: Any, rank: int, fn_name: str) -> Any:
    default_stride = (1,) * rank

    def fn(
        inputs: Any,
        filters: int,
        kernel_size: Any,
        strides: Any = default_stride,
        padding: str = "valid",
        data_format: str = "channels_last",
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
            filters,
            kernel_size,
            strides=strides,
            padding=padding,
            data_format=data_format,
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
    fn.__doc__ = f"Functional form of ``{cls.__name__}``."
    return fn


conv2d_transpose = _transpose_fn(Conv2DTranspose, 2, "conv2d_transpose")
conv3d_transpose = _transpose_fn(Conv3DTranspose, 3, "conv3d_transpose")


def _shape_str(s: TensorShape) -> str:
    """A shape as TF 2 prints it: ``(None, 5)``, ``<unknown>``."""
    return "<unknown>" if s.rank is None else str(tuple(s.as_list()))
