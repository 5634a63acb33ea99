"""Helpers of the ``tf.layers`` classes: ``training`` flags (smart_cond), argument normalization
(tuples, padding, data format), conv output sizes, and activation/initializer lookup by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import constant
from ..framework.graph import Tensor, constant_value, control_dependencies, get_default_graph
from ..nn.nn_ops import elu, log_softmax, relu, relu6, softmax, softplus
from ..ops.array_ops import cast
from ..ops.cond import cond
from ..ops.init_ops import (
    Constant,
    GlorotNormal,
    GlorotUniform,
    Ones,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    Zeros,
    he_normal,
    he_uniform,
    lecun_normal,
    lecun_uniform,
)
from ..ops.logging_ops import Assert
from ..ops.math_ops import sigmoid, tanh
from ..ops.variables import Variable


def pred_value(pred: Any, keras_message: bool = False) -> bool | None:
    """The Python value of a ``training`` flag, or None when it is known only at run time (TF's
    ``smart_constant_value``; ``keras_message``: the wording of Keras's ``constant_value``)."""
    if isinstance(pred, Tensor):
        v = constant_value(pred)  # (None for anything fed: placeholder_with_default included)
        return None if v is None else bool(v)
    if isinstance(pred, Variable):
        return None
    if isinstance(pred, bool):
        return pred
    if not isinstance(pred, (str, bytes)) and pred in {0, 1}:
        return bool(pred)
    if keras_message:
        raise TypeError(
            f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Received: {type(pred)}"
        )
    raise TypeError(
        f"Argument `pred` must be a Tensor, or a Python bool, or 1 or 0. Received: pred={pred} "
        f"of type {type(pred).__name__}"
    )


def smart_cond(
    pred: Any, true_fn: Callable[[], Any], false_fn: Callable[[], Any], name: str | None = None
) -> Any:
    """``true_fn()`` or ``false_fn()`` when ``pred`` is known now, else ``tf.cond``."""
    v = pred_value(pred)
    if v is None:
        if isinstance(pred, Tensor) and pred.dtype.base_dtype != _dt.bool:
            pred = _failing_pred(pred)
        return cond(pred, true_fn, false_fn, name=name)
    return true_fn() if v else false_fn()


_TYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def _failing_pred(pred: Tensor) -> Tensor:
    """A non-bool ``training`` tensor: TF builds the cond, then fails when it runs
    (InvalidArgumentError: its lowered Switch takes a bool). A bool that fails the same way."""
    kind = _TYPE_NAMES.get(pred.dtype.base_dtype.name, pred.dtype.base_dtype.name)
    scope = get_default_graph().get_name_scope()
    where = f"{scope}/cond/switch_pred" if scope else "cond/switch_pred"
    msg = f"Input 'pred' passed {kind} expected bool while building NodeDef '{where}'"
    fail = Assert(constant(False), [msg], name="training_is_not_bool")
    with control_dependencies([fail]):
        return cast(pred, _dt.bool)


def normalize_tuple(value: Any, n: int, name: str, allow_zero: bool = False) -> tuple[int, ...]:
    """``value`` (an int or ``n`` ints) as a tuple of ``n`` ints, checked as TF checks it."""
    err = f"The `{name}` argument must be a tuple of {n} integers. Received: {value}"
    if isinstance(value, int):
        out: tuple[Any, ...] = (value,) * n
    else:
        try:
            out = tuple(value)
        except TypeError:
            raise ValueError(err) from None
        if len(out) != n:
            raise ValueError(err)
        for v in out:
            try:
                int(v)
            except (ValueError, TypeError):
                raise ValueError(err + f"including element {v} of type {type(v)}") from None
    bad = {v for v in out if v < 0} if allow_zero else {v for v in out if v <= 0}
    if bad:
        req = ">= 0" if allow_zero else "> 0"
        raise ValueError(err + f" including {bad} that does not satisfy the requirement `{req}`.")
    return tuple(int(v) for v in out)


def normalize_data_format(value: str | None) -> str:
    if value is None:
        value = "channels_last"
    data_format = value.lower()
    if data_format not in {"channels_first", "channels_last"}:
        raise ValueError(
            'The `data_format` argument must be one of "channels_first", "channels_last". '
            f"Received: {value}"
        )
    return data_format


def normalize_padding(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return value  # type: ignore[return-value]
    padding = value.lower()
    if padding not in {"valid", "same", "causal"}:
        raise ValueError(
            'The `padding` argument must be a list/tuple or one of "valid", "same" (or '
            f'"causal", only for `Conv1D). Received: {padding}'
        )
    return padding


def convert_data_format(data_format: str, ndim: int) -> str:
    if data_format == "channels_last":
        return {3: "NWC", 4: "NHWC", 5: "NDHWC"}[ndim]
    return {3: "NCW", 4: "NCHW", 5: "NCDHW"}[ndim]


def conv_output_length(
    size: int | None, filter_size: int, padding: str, stride: int, dilation: int = 1
) -> int | None:
    """The output length of a convolution over ``size`` inputs."""
    if size is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = size
    elif padding == "valid":
        out = size - dilated + 1
    else:  # full
        out = size + dilated - 1
    return (out + stride - 1) // stride


def deconv_output_length(
    size: int | None,
    filter_size: int,
    padding: str,
    output_padding: int | None = None,
    stride: int = 0,
    dilation: int = 1,
) -> int | None:
    """The output length of a transposed convolution over ``size`` inputs."""
    if size is None:
        return None
    filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return size * stride + max(filter_size - stride, 0)
        if padding == "full":
            return size * stride - (stride + filter_size - 2)
        return size * stride
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[padding]
    return (size - 1) * stride + filter_size - 2 * pad + output_padding


_ACTIVATIONS: dict[str, Callable[..., Any]] = {
    "relu": relu,
    "relu6": relu6,
    "elu": elu,
    "tanh": tanh,
    "sigmoid": sigmoid,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "softplus": softplus,
}


def get_activation(activation: Any) -> Callable[[Any], Any] | None:
    """``activation`` as a function (None and ``"linear"``: no activation)."""
    if activation is None or activation == "linear":
        return None
    if isinstance(activation, str):
        if activation not in _ACTIVATIONS:
            raise ValueError(f"Unknown activation function: '{activation}'.")
        return _ACTIVATIONS[activation]
    if not callable(activation):
        raise TypeError(f"Could not interpret activation function identifier: {activation}")
    return activation


_INITIALIZERS: dict[str, Callable[[], Any]] = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "random_uniform": RandomUniform,
    "random_normal": RandomNormal,
    "truncated_normal": TruncatedNormal,
    "he_normal": he_normal,
    "he_uniform": he_uniform,
    "lecun_normal": lecun_normal,
    "lecun_uniform": lecun_uniform,
}


def get_initializer(init: Any) -> Any:
    """An initializer given by name (Keras names) or as an object/callable."""
    if isinstance(init, str):
        if init not in _INITIALIZERS:
            raise ValueError(f"Unknown initializer: '{init}'.")
        return _INITIALIZERS[init]()
    if init is not None and not callable(init):
        raise ValueError(f"Could not interpret initializer identifier: {init}")
    return init


def check_callable(value: Any, what: str) -> Any:
    """A regularizer or constraint: None or a callable (TF's ValueError otherwise)."""
    if value is not None and not callable(value):
        raise ValueError(f"Could not interpret {what} identifier: {value}")
    return value


ZEROS = Zeros()  # TF's default bias/beta/moving-mean initializer (one shared instance, as TF)
ONES = Ones()  # TF's default gamma/moving-variance initializer
