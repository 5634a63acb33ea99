"""``tf.contrib.layers.bias_add``, ``softmax``, ``scale_gradient`` and ``dense_to_sparse``
(TF 1.x ``contrib/layers/python/layers/layers.py``): a learned bias ``BiasAdd/biases`` over the
channels, a softmax over the last dimension of an input of any rank, a gradient multiplier, and
the sparse form of a dense tensor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...framework import dtypes as _dt
from ...framework.constant_op import convert_to_tensor
from ...framework.sparse_tensor import SparseTensor
from ...nn.nn_ops import bias_add as _bias_add
from ...nn.nn_ops import softmax as _softmax
from ...ops.array_ops import reshape, shape, stop_gradient
from ...ops.indexing_ops import where
from ...ops.init_ops import zeros_initializer
from ...ops.math_ops import not_equal
from ...ops.scatter_ops import gather_nd
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


def scale_gradient(inputs: Any, gradient_multiplier: Any):
    """Identity forward; the gradient flowing back is multiplied by ``gradient_multiplier``
    (TF 1.x's ``tf.contrib.layers.scale_gradient``)."""
    x = convert_to_tensor(inputs)
    frozen = stop_gradient(x)
    return frozen + (x - frozen) * gradient_multiplier


@add_arg_scope
def dense_to_sparse(
    tensor: Any, eos_token: Any = 0, outputs_collections: Any = None, scope: Any = None
):
    """The ``SparseTensor`` of the elements of ``tensor`` that differ from ``eos_token`` (in
    name scope ``dense_to_sparse``), as CTC code feeds labels."""
    with variable_scope(scope, "dense_to_sparse", [tensor]) as sc:
        tensor = convert_to_tensor(tensor)
        indices = where(not_equal(tensor, convert_to_tensor(eos_token, dtype=tensor.dtype)))
        values = gather_nd(tensor, indices)
        dense_shape = shape(tensor, out_type=_dt.int64)
        out = SparseTensor(indices, values, dense_shape)
        return collect_named_outputs(outputs_collections, sc.original_name_scope, out)
