"""``tf.layers.BatchNormalization`` and ``batch_normalization`` (TF 1.x).

Variables ``<scope>/gamma`` (ones), ``beta`` (zeros) -- trainable -- and ``moving_mean`` (zeros),
``moving_variance`` (ones) -- global, not trainable -- each of the size of the normalized axis.
With ``training`` true (a Python bool or a bool tensor) the batch statistics normalize the input
and the moving statistics move towards them: ``moving -= (moving - batch) * (1 - momentum)``, two
``AssignMovingAvg`` ops in ``layer.updates`` and ``UPDATE_OPS`` (run them with the train op, as
in TF). Otherwise the moving statistics normalize. As TF 1.x, ``fused=None`` fuses 4-D and 5-D
inputs normalized over their channel axis: the output uses the batch variance, the moving
variance moves towards the unbiased (Bessel-corrected) one; the unfused form uses the batch
variance for both. ``renorm`` (batch renormalization: ``moving_stddev``, ``renorm_mean``,
``renorm_stddev``), ``adjustment`` and ``virtual_batch_size`` work as in TF 2.21 and are unfused.
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import control_dependencies, name_scope
from ..framework.scopes import colocate_with
from ..framework.tensor_shape import TensorShape, as_shape
from ..nn.nn_ops import relu
from ..nn.norm_composites import fused_batch_norm
from ..nn.normalization_ops import batch_normalization as _nn_batch_normalization
from ..nn.normalization_ops import moments
from ..ops.array_ops import (
    cast,
    concat,
    identity,
    ones_like,
    reshape,
    shape,
    stop_gradient,
    zeros_like,
)
from ..ops.math_ops import maximum, minimum, reduce_mean, sqrt
from ..ops.variables import assign, assign_sub
from .base import InputSpec, Layer
from .utils import ONES, ZEROS, check_callable, get_initializer, pred_value, smart_cond

__all__ = ["BatchNormalization", "batch_normalization"]

_ON_READ = type("_OnRead", (), {"name": "ON_READ"})()


def _compose_transforms(scale: Any, offset: Any, then_scale: Any, then_offset: Any) -> Any:
    """``(scale, offset)`` followed by ``(then_scale, then_offset)``, either may be None."""
    if then_scale is not None:
        scale = scale * then_scale
        offset = offset * then_scale
    if then_offset is not None:
        offset = offset + then_offset
    return scale, offset


def _validate_axis(axis: Any, input_shape: TensorShape) -> list[int]:
    rank = input_shape.rank
    if rank is None:
        raise ValueError(f"Input has undefined rank. Received: input_shape={input_shape}.")
    axes = list(axis) if isinstance(axis, (list, tuple)) else [axis]
    for i, a in enumerate(axes):
        if not -rank <= a < rank:
            raise ValueError(
                "Invalid value for `axis` argument. Expected 0 <= axis < inputs.rank (with "
                f"inputs.rank={rank}). Received: axis={tuple(axes)}"
            )
        if a < 0:
            axes[i] = a + rank
    if len(axes) != len(set(axes)):
        raise ValueError(f"Duplicate axis: {tuple(axes)}")
    return axes


class BatchNormalization(Layer):
    """Batch normalization (Ioffe and Szegedy, 2015) of the inputs over every axis but ``axis``."""

    def __init__(
        self,
        axis: Any = -1,
        momentum: float = 0.99,
        epsilon: float = 1e-3,
        center: bool = True,
        scale: bool = True,
        beta_initializer: Any = ZEROS,
        gamma_initializer: Any = ONES,
        moving_mean_initializer: Any = ZEROS,
        moving_variance_initializer: Any = ONES,
        beta_regularizer: Any = None,
        gamma_regularizer: Any = None,
        beta_constraint: Any = None,
        gamma_constraint: Any = None,
        renorm: bool = False,
        renorm_clipping: Any = None,
        renorm_momentum: float = 0.99,
        fused: bool | None = None,
        trainable: bool = True,
        virtual_batch_size: int | None = None,
        adjustment: Any = None,
        name: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis: Any = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(
                "Expected an int or a list/tuple of ints for the argument 'axis', but received: "
                f"{axis!r}"
            )
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = get_initializer(beta_initializer)
        self.gamma_initializer = get_initializer(gamma_initializer)
        self.moving_mean_initializer = get_initializer(moving_mean_initializer)
        self.moving_variance_initializer = get_initializer(moving_variance_initializer)
        self.beta_regularizer = check_callable(beta_regularizer, "regularizer")
        self.gamma_regularizer = check_callable(gamma_regularizer, "regularizer")
        self.beta_constraint = check_callable(beta_constraint, "constraint")
        self.gamma_constraint = check_callable(gamma_constraint, "constraint")
        self.renorm = renorm
        if renorm:
            renorm_clipping = renorm_clipping or {}
            keys = ["rmax", "rmin", "dmax"]
            if set(renorm_clipping) - set(keys):
                raise ValueError(
                    f"Received invalid keys for `renorm_clipping` argument: {renorm_clipping}. "
                    f"Supported values: {keys}."
                )
            self.renorm_clipping = renorm_clipping
            self.renorm_momentum = renorm_momentum
        self.virtual_batch_size = virtual_batch_size
        self.adjustment = adjustment
        self.fused = True if fused is None else fused
        self.supports_masking = True
        self.gamma: Any = None
        self.beta: Any = None
        self.moving_mean: Any = None
        self.moving_variance: Any = None
        self._data_format = "NHWC"

    def _fused_can_be_used(self) -> bool:
        if self.renorm or self.adjustment is not None or self.virtual_batch_size is not None:
            return False
        axis = [self.axis] if isinstance(self.axis, int) else self.axis
        if len(axis) > 1 or axis[0] not in (-4, -3, -1, 1, 3, 4):
            return False
        return self.dtype in ("float16", "bfloat16", "float32", None)

    @property
    def _param_dtype(self) -> _dt.DType:
        if self.dtype in ("float16", "bfloat16"):
            return _dt.float32
        return _dt.as_dtype(self.dtype or "float32")

    def build(self, input_shape: Any) -> None:
        input_shape = as_shape(input_shape)
        self.axis = _validate_axis(self.axis, input_shape)
        rank = input_shape.rank
        vbs = self.virtual_batch_size
        if vbs is not None:
            if vbs <= 0:
                raise ValueError(
                    "`virtual_batch_size` must be a positive integer that divides the true batch "
                    f"size of the input tensor. Received: virtual_batch_size={vbs}"
                )
            if 0 in self.axis:
                raise ValueError(
                    "When using `virtual_batch_size`, the batch dimension must be 0 and thus axis "
                    f"cannot include 0. Received axis={self.axis}"
                )
            if self.adjustment is not None:
                raise ValueError("When using `virtual_batch_size`, adjustment cannot be specified")
        if self.fused:
            self.fused = rank in (4, 5) and self._fused_can_be_used()
        if self.fused:
            formats = {(1, 4): "NCHW", (1, 5): "NCDHW", (3, 4): "NHWC", (4, 5): "NDHWC"}
            key = (self.axis[0], rank)
            if key in formats:
                self._data_format = formats[key]
            elif rank == 5:
                self.fused = False
            else:
                raise ValueError(
                    "Unsupported axis. The use of `fused=True` is only possible with `axis=1` or "
                    f"`axis=3` for 4D input tensors. Received: axis={tuple(self.axis)}"
                )
        axis_to_dim = {a: input_shape.dims[a].value for a in self.axis}
        if any(v is None for v in axis_to_dim.values()):
            raise ValueError(
                f"Input has undefined `axis` dimension. Received input with shape "
                f"{tuple(input_shape.as_list())} and axis={tuple(self.axis)}"
            )
        self.input_spec = InputSpec(ndim=rank, axes=axis_to_dim)
        if len(axis_to_dim) == 1 and vbs is None:
            param_shape: Any = (next(iter(axis_to_dim.values())),)
        else:
            param_shape = [axis_to_dim.get(i, 1) for i in range(rank)]
            if vbs is not None:  # the statistics gain the axis of the virtual batches
                param_shape.insert(1, 1)
                self.axis = [a + 1 for a in self.axis]
        self._param_shape = param_shape
        dt = self._param_dtype
        if self.scale:
            self.gamma = self.add_weight(
                name="gamma",
                shape=param_shape,
                dtype=dt,
                initializer=self.gamma_initializer,
                regularizer=self.gamma_regularizer,
                constraint=self.gamma_constraint,
                trainable=True,
            )
        if self.center:
            self.beta = self.add_weight(
                name="beta",
                shape=param_shape,
                dtype=dt,
                initializer=self.beta_initializer,
                regularizer=self.beta_regularizer,
                constraint=self.beta_constraint,
                trainable=True,
            )
        self.moving_mean = self.add_weight(
            name="moving_mean",
            shape=param_shape,
            dtype=dt,
            initializer=self.moving_mean_initializer,
            synchronization=_ON_READ,
            trainable=False,
        )
        self.moving_variance = self.add_weight(
            name="moving_variance",
            shape=param_shape,
            dtype=dt,
            initializer=self.moving_variance_initializer,
            synchronization=_ON_READ,
            trainable=False,
        )
        if self.renorm:
            mv_init = self.moving_variance_initializer

            def stddev_init(shape: Any, dtype: Any = None, partition_info: Any = None) -> Any:
                return sqrt(mv_init(shape, dtype=dtype))

            def renorm_var(name: str, init: Any) -> Any:
                return self.add_weight(
                    name=name,
                    shape=param_shape,
                    dtype=dt,
                    initializer=init,
                    synchronization=_ON_READ,
                    trainable=False,
                )

            self.moving_stddev = renorm_var("moving_stddev", stddev_init)
            self.renorm_mean = renorm_var("renorm_mean", self.moving_mean_initializer)
            self.renorm_stddev = renorm_var("renorm_stddev", stddev_init)
        self.built = True

    def _assign_moving_average(self, variable: Any, value: Any, momentum: Any) -> Any:
        """``variable -= (variable - value) * (1 - momentum)``, the op ``AssignMovingAvg``."""
        with name_scope("AssignMovingAvg") as scope, colocate_with(variable):
            decay = convert_to_tensor(1.0 - momentum, name="decay")
            if decay.dtype != variable.dtype.base_dtype:
                decay = cast(decay, variable.dtype.base_dtype)
            delta = (variable - cast(value, variable.dtype)) * decay
            return assign_sub(variable, delta, name=scope)

    def call(self, inputs: Any, training: Any = False) -> Any:
        inputs = cast(inputs, self.dtype) if self.dtype else inputs
        training_value = pred_value(training, keras_message=True)
        if self.fused:
            return self._fused_call(inputs, training, training_value)
        if self.virtual_batch_size is not None:
            return self._virtual_batch_call(inputs, training, training_value)
        return self._unfused_call(inputs, training, training_value)

    def _virtual_batch_call(self, inputs: Any, training: Any, training_value: bool | None) -> Any:
        """Statistics per virtual batch: ``[B, ...]`` seen as ``[virtual_batch_size, -1, ...]``
        when training is known true, else (as TF 2) as ``[-1, 1, ...]``."""
        original = concat([constant([-1]), shape(inputs)[1:]], 0)
        first = [self.virtual_batch_size, -1] if training_value else [-1, 1]
        x = reshape(inputs, concat([constant(first), shape(inputs)[1:]], 0))
        out = reshape(self._unfused_call(x, training, training_value), original)
        out.set_shape([None, *inputs.shape.as_list()[1:]])
        return out

    def _unfused_call(self, inputs: Any, training: Any, training_value: bool | None) -> Any:
        vbs = self.virtual_batch_size
        in_dtype = inputs.dtype.base_dtype
        if in_dtype in (_dt.float16, _dt.bfloat16):
            inputs = cast(inputs, _dt.float32)
        input_shape = inputs.shape
        ndims = input_shape.rank
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        if vbs is not None:
            del reduction_axes[1]  # not over the virtual batches
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = input_shape.dims[self.axis[0]].value

        def _broadcast(v: Any) -> Any:
            if v is not None and v.shape.rank != ndims and reduction_axes != list(range(ndims - 1)):
                return reshape(v, broadcast_shape)
            return v

        scale, offset = _broadcast(self.gamma), _broadcast(self.beta)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            if self.adjustment:
                adj_scale, adj_bias = self.adjustment(shape(inputs))
                adj_scale = smart_cond(training, lambda: adj_scale, lambda: ones_like(adj_scale))
                adj_bias = smart_cond(training, lambda: adj_bias, lambda: zeros_like(adj_bias))
                scale, offset = _compose_transforms(adj_scale, adj_bias, scale, offset)
            keep_dims = vbs is not None or len(self.axis) > 1
            batch_mean, batch_var = moments(
                cast(inputs, self._param_dtype), reduction_axes, keepdims=keep_dims
            )
            mm, mv = self.moving_mean, self.moving_variance
            mean = smart_cond(training, lambda: batch_mean, lambda: convert_to_tensor(mm))
            variance = smart_cond(training, lambda: batch_var, lambda: convert_to_tensor(mv))
            new_mean, new_variance = mean, variance
            if vbs is not None:
                new_mean = reduce_mean(mean, axis=1, keepdims=True)
                new_variance = reduce_mean(variance, axis=1, keepdims=True)
            if self.renorm:
                r, d, new_mean, new_variance = self._renorm_correction_and_moments(
                    mean, variance, training
                )
                r = _broadcast(stop_gradient(r, name="renorm_r"))
                d = _broadcast(stop_gradient(d, name="renorm_d"))
                scale, offset = _compose_transforms(r, d, scale, offset)
            # With a run-time ``training``, the moving statistics move towards themselves (no
            # change) when it is false: TF assigns inside a cond, the values are the same.
            momentum = self.momentum
            self.add_update(lambda: self._assign_moving_average(mm, new_mean, momentum))
            if self.renorm:
                self.add_update(lambda: self._renorm_variance_update(new_variance, training))
            else:
                self.add_update(lambda: self._assign_moving_average(mv, new_variance, momentum))
        mean = cast(mean, inputs.dtype)
        variance = cast(variance, inputs.dtype)
        if offset is not None:
            offset = cast(offset, inputs.dtype)
        if scale is not None:
            scale = cast(scale, inputs.dtype)
        outputs = _nn_batch_normalization(
            inputs, _broadcast(mean), _broadcast(variance), offset, scale, self.epsilon
        )
        if in_dtype in (_dt.float16, _dt.bfloat16):
            outputs = cast(outputs, in_dtype)
        outputs.set_shape(input_shape)
        return outputs

    def _renorm_correction_and_moments(self, mean: Any, variance: Any, training: Any) -> Any:
        """Batch renormalization's ``r``, ``d`` (from the renorm statistics before this batch,
        clipped), and the moments made to wait for the renorm statistics' updates."""
        eps = self.epsilon
        stddev = sqrt(variance + eps)
        renorm_stddev = maximum(self.renorm_stddev, sqrt(constant(eps, dtype=variance.dtype)))
        r = stddev / renorm_stddev
        d = (mean - self.renorm_mean) / renorm_stddev
        with control_dependencies([r, d]):
            mean = identity(mean)
            stddev = identity(stddev)
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = minimum(maximum(d, -clip["dmax"]), clip["dmax"])
        r = smart_cond(training, lambda: r, lambda: ones_like(r))
        d = smart_cond(training, lambda: d, lambda: zeros_like(d))

        def update(var: Any, value: Any) -> Any:
            value = identity(value)
            target = smart_cond(training, lambda: value, lambda: convert_to_tensor(var))
            return self._assign_moving_average(var, target, self.renorm_momentum)

        new_mean = update(self.renorm_mean, mean)
        new_stddev = update(self.renorm_stddev, stddev)
        with control_dependencies([new_mean, new_stddev]):
            return r, d, identity(mean), identity(variance)

    def _renorm_variance_update(self, new_variance: Any, training: Any) -> Any:
        """Renorm's moving variance: the square of a moving standard deviation."""
        ms, mv = self.moving_stddev, self.moving_variance
        target = smart_cond(
            training,
            lambda: sqrt(new_variance + self.epsilon),
            lambda: convert_to_tensor(ms),
        )
        new_std = self._assign_moving_average(ms, target, self.momentum)
        value = smart_cond(
            training,
            lambda: relu(new_std * new_std - self.epsilon),
            lambda: convert_to_tensor(mv),
        )
        with name_scope("AssignNewValue") as scope, colocate_with(mv):
            return assign(mv, value, name=scope)

    def _fused_call(self, inputs: Any, training: Any, training_value: bool | None) -> Any:
        """TF's fused form (``fused_batch_norm``): the moving variance follows the
        Bessel-corrected batch variance."""
        dt = self._param_dtype
        beta = self.beta if self.center else constant(0.0, dtype=dt, shape=self._param_shape)
        gamma = self.gamma if self.scale else constant(1.0, dtype=dt, shape=self._param_shape)
        mm, mv = self.moving_mean, self.moving_variance

        def train() -> Any:
            return fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=mm,
                variance=mv,
                epsilon=self.epsilon,
                is_training=True,
                data_format=self._data_format,
            )

        def infer() -> Any:
            return fused_batch_norm(
                inputs,
                gamma,
                beta,
                mean=mm,
                variance=mv,
                epsilon=self.epsilon,
                is_training=False,
                data_format=self._data_format,
            )

        output, mean, variance = smart_cond(training, train, infer)
        if training_value is None or training_value:
            momentum: Any = (
                smart_cond(training, lambda: self.momentum, lambda: 1.0)
                if training_value is None
                else convert_to_tensor(self.momentum)
            )
            self.add_update(lambda: self._assign_moving_average(mm, mean, momentum))
            self.add_update(lambda: self._assign_moving_average(mv, variance, momentum))
        return output

    def compute_output_shape(self, input_shape: Any) -> TensorShape:
        return as_shape(input_shape)


def batch_normalization(
    inputs: Any,
    axis: Any = -1,
    momentum: float = 0.99,
    epsilon: float = 1e-3,
    center: bool = True,
    scale: bool = True,
    beta_initializer: Any = ZEROS,
    gamma_initializer: Any = ONES,
    moving_mean_initializer: Any = ZEROS,
    moving_variance_initializer: Any = ONES,
    beta_regularizer: Any = None,
    gamma_regularizer: Any = None,
    beta_constraint: Any = None,
    gamma_constraint: Any = None,
    training: Any = False,
    trainable: bool = True,
    name: str | None = None,
    reuse: Any = None,
    renorm: bool = False,
    renorm_clipping: Any = None,
    renorm_momentum: float = 0.99,
    fused: bool | None = None,
    virtual_batch_size: int | None = None,
    adjustment: Any = None,
) -> Any:
    """Functional form of ``BatchNormalization``; add ``UPDATE_OPS`` to the train op's control
    dependencies to update the moving statistics, as in TF."""
    layer = BatchNormalization(
        axis=axis,
        momentum=momentum,
        epsilon=epsilon,
        center=center,
        scale=scale,
        beta_initializer=beta_initializer,
        gamma_initializer=gamma_initializer,
        moving_mean_initializer=moving_mean_initializer,
        moving_variance_initializer=moving_variance_initializer,
        beta_regularizer=beta_regularizer,
        gamma_regularizer=gamma_regularizer,
        beta_constraint=beta_constraint,
        gamma_constraint=gamma_constraint,
        renorm=renorm,
        renorm_clipping=renorm_clipping,
        renorm_momentum=renorm_momentum,
        fused=fused,
        trainable=trainable,
        virtual_batch_size=virtual_batch_size,
        adjustment=adjustment,
        name=name,
        _reuse=reuse,
        _scope=name,
    )
    return layer(inputs, training=training)
