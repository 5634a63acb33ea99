"""``tf.contrib.layers.bias_add`` and ``softmax`` (TF 1.x ``contrib/layers/python/layers/
layers.py``): a learned bias ``BiasAdd/biases`` over the channels, and a softmax over the last
dimension of an input of any rank (in name scope ``softmax``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework.constant_op import convert_to_tensor
from ...nn.nn_ops import bias_add as _bias_add
from ...nn.nn_ops import softmax as _softmax
from ...ops.array_ops import reshape, shape
from ...ops.init_ops import zeros_initializer
from ...ops.variable_scope import variable_scope
from ..framework.arg_scope import add_arg_scope
from ..framework.variables import model_variable
from .utils import collect_named_outputs, get_variable_collections

_ZEROS = zeros_initializer()


@add_arg_scope
def bias_add(
    inputs: Any,
    activation_fn: Callable[..., Any] | None = None,
    initializer: Any = _ZEROS,
    regularizer: Any = None,
    reuse: Any = None,
    variables_collections: Any = None,
    outputs_collections: Any = None,
    trainable: bool = True,
    data_format: str = "NHWC",
    scope: Any = None,
):
    """``activation_fn(inputs + biases)``, ``biases`` over dimension 1 (NCHW, 4-D only) or the
    last one; ValueError for an unknown rank or channel count, as TF."""
    with variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        x = convert_to_tensor(inputs)
        rank = x.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank != 4 and data_format == "NCHW":
            raise ValueError("Data format NCHW only supports 4D Tensor")
        n = x.shape.as_list()[1 if data_format == "NCHW" else -1]
        if n is None:
            raise ValueError("`C` dimension must be known but is None")
        biases = model_variable(
            "biases",
            shape=[n],
            dtype=x.dtype.base_dtype,
            initializer=initializer,
            regularizer=regularizer,
            collections=get_variable_collections(variables_collections, "biases"),
            trainable=trainable,
        )
        outputs = _bias_add(x, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return collect_named_outputs(outputs_collections, sc.name, outputs)


def softmax(logits: Any, scope: Any = None):
    """The softmax over the last dimension of ``logits`` of any rank (flattened to 2-D and
    back, as TF)."""
    with variable_scope(scope, "softmax", [logits]):
        x = convert_to_tensor(logits)
        num_logits = x.shape.as_list()[-1]
        predictions = _softmax(reshape(x, [-1, num_logits]))
        predictions = reshape(predictions, shape(x))
        predictions.set_shape(x.shape)
        return predictions
