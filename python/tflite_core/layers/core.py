"""``tf.layers.Dense``, ``Dropout``, ``Flatten`` and their function forms (TF 1.x).

``Dense`` makes ``<scope>/kernel`` ``[in, units]`` (glorot uniform unless given) and
``<scope>/bias`` ``[units]`` (zeros), computes ``activation(inputs @ kernel + bias)`` (a tensordot
over the last axis for rank > 2). ``Dropout`` is ``tf.nn.dropout`` when ``training`` is true (a
Python bool or a bool tensor), the identity otherwise. ``Flatten`` keeps the batch dimension.
"""

from __future__ import annotations

import functools
import numbers
import operator
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.tensor_shape import TensorShape, as_shape, dimension_value
from ..nn.nn_ops import bias_add
from ..nn.nn_ops import dropout as _nn_dropout
from ..ops.array_ops import cast, expand_dims, identity, reshape, shape, transpose
from ..ops.linalg_ops import tensordot
from ..ops.math_ops import matmul
from .base import InputSpec, Layer
from .utils import (
    ZEROS,
    check_callable,
    get_activation,
    get_initializer,
    normalize_data_format,
    smart_cond,
)

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


class Dense(Layer):
    """Densely-connected layer: ``outputs = activation(inputs @ kernel + bias)``."""

    def __init__(
        self,
        units: int,
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
        super().__init__(
            trainable=trainable,
            name=name,
            activity_regularizer=check_callable(activity_regularizer, "regularizer"),
            **kwargs,
        )
        self.units = int(units) if not isinstance(units, int) else units
        if self.units < 0:
            raise ValueError(
                "Received an invalid value for `units`, expected a positive integer. "
                f"Received: units={units}"
            )
        self.activation = get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = get_initializer(kernel_initializer)
        self.bias_initializer = get_initializer(bias_initializer)
        self.kernel_regularizer = check_callable(kernel_regularizer, "regularizer")
        self.bias_regularizer = check_callable(bias_regularizer, "regularizer")
        self.kernel_constraint = check_callable(kernel_constraint, "constraint")
        self.bias_constraint = check_callable(bias_constraint, "constraint")
        self.input_spec = InputSpec(min_ndim=2)
        self.kernel: Any = None
        self.bias: Any = None

    def build(self, input_shape: Any) -> None:
        dtype = _dt.as_dtype(self.dtype or "float32")
        if not (dtype.is_floating or dtype.is_complex):
            raise TypeError(
                "A Dense layer can only be built with a floating-point dtype. Received: "
                f"dtype={dtype}"
            )
        input_shape = as_shape(input_shape)
        last_dim = dimension_value(input_shape[-1])
        if last_dim is None:
            raise ValueError(
                "The last dimension of the inputs to a Dense layer should be defined. Found "
                f"None. Full input shape received: {tuple(input_shape.as_list())}"
            )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight(
            "kernel",
            shape=[last_dim, self.units],
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
            dtype=self.dtype,
            trainable=True,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                "bias",
                shape=[self.units],
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
                dtype=self.dtype,
                trainable=True,
            )
        self.built = True

    def call(self, inputs: Any) -> Any:
        if inputs.dtype.base_dtype != _dt.as_dtype(self.dtype):
            inputs = cast(inputs, self.dtype or "float32")
        rank = inputs.shape.rank
        if rank == 2 or rank is None:
            outputs = matmul(inputs, self.kernel)
        else:
            outputs = tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape([*inputs.shape.as_list()[:-1], self.units])
        if self.use_bias:
            outputs = bias_add(outputs, self.bias)
        if self.activation is not None:
            outputs = self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        input_shape = as_shape(input_shape)
        if input_shape.rank is not None and input_shape.rank < 2:
            raise ValueError(f"Shape {input_shape} must have rank at least 2")
        if dimension_value(input_shape[-1]) is None:
            raise ValueError(
                "The last dimension of the input shape of a Dense layer should be defined. "
                f"Found None. Received: input_shape={tuple(input_shape.as_list())}"
            )
        return input_shape[:-1].concatenate(self.units)


def dense(
    inputs: Any,
    units: int,
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
    """Functional form of ``Dense``: variables in ``variable_scope(name or 'dense_N')``;
    ``reuse=True`` shares the variables of an earlier layer of the same name."""
    layer = Dense(
        units,
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
        _scope=name,
        _reuse=reuse,
    )
    return layer(inputs)


class Dropout(Layer):
    """Sets a fraction ``rate`` of the inputs to 0 and scales the rest by ``1 / (1 - rate)``
    when ``training``; ``noise_shape`` shares one mask across dimensions (None: the input's)."""

    def __init__(
        self,
        rate: Any = 0.5,
        noise_shape: Any = None,
        seed: int | None = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, **kwargs)
        if isinstance(rate, (int, float)) and not 0 <= rate <= 1:
            raise ValueError(
                f"Invalid value {rate} received for `rate`, expected a value between 0 and 1."
            )
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self._next_seed = seed

    def _get_noise_shape(self, inputs: Any) -> Any:
        if self.noise_shape is None:
            return None
        dyn = shape(inputs)
        dims = [dyn[i] if v is None else v for i, v in enumerate(self.noise_shape)]
        return convert_to_tensor(dims)

    def _make_seed(self) -> int | None:
        if self._next_seed is None:
            return None
        s = self._next_seed
        self._next_seed += 1
        return s

    def call(self, inputs: Any, training: Any = False) -> Any:
        if isinstance(self.rate, numbers.Real) and self.rate == 0:
            return identity(inputs)

        def dropped() -> Any:
            return _nn_dropout(
                inputs,
                rate=self.rate,
                noise_shape=self._get_noise_shape(inputs),
                seed=self._make_seed(),
            )

        return smart_cond(training, dropped, lambda: identity(inputs))

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        return as_shape(input_shape)


def dropout(
    inputs: Any,
    rate: Any = 0.5,
    noise_shape: Any = None,
    seed: int | None = None,
    training: Any = False,
    name: str | None = None,
) -> Any:
    """Functional form of ``Dropout`` (the identity unless ``training``)."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer(inputs, training=training)


class Flatten(Layer):
    """Flattens every dimension but the batch one: ``[N, ...] -> [N, prod(...)]``."""

    def __init__(self, data_format: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data_format = normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)
        self._channels_first = self.data_format == "channels_first"

    def call(self, inputs: Any) -> Any:
        if self._channels_first:
            rank = inputs.shape.rank
            if rank and rank > 1:
                inputs = transpose(inputs, perm=[0, *range(2, rank), 1])
        s = inputs.shape
        if s.rank == 1:
            return expand_dims(inputs, axis=1)
        batch = dimension_value(s[0])
        rest = s[1:]
        if rest.is_fully_defined():
            new_shape: Any = constant([-1, int(functools.reduce(operator.mul, rest.as_list(), 1))])
        elif batch is not None:
            new_shape = constant([int(batch), -1])
        else:
            new_shape = [shape(inputs)[0], -1]
        return reshape(inputs, new_shape)

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        dims = as_shape(input_shape).as_list()
        if not dims:
            return TensorShape([1])
        out = [dims[0]]
        out.append(
            None
            if any(d is None for d in dims[1:])
            else functools.reduce(operator.mul, dims[1:], 1)
        )
        return TensorShape(out)


def flatten(inputs: Any, name: str | None = None, data_format: str = "channels_last") -> Any:
    """Functional form of ``Flatten``."""
    layer = Flatten(name=name, data_format=data_format)
    return layer(inputs)
