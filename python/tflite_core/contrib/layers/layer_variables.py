"""The variables and the common ending of TF 1.x's contrib layer functions: model variables of
the current scope, whose regularizer losses are named as TF 1.x's layer classes name them
(``<scope>/kernel/Regularizer/...``), added to the per-variable ``variables_collections``; then
normalizer, activation and the output collections."""

from __future__ import annotations

from typing import Any

from ...framework.graph import GraphKeys, add_to_collection, get_collection, name_scope
from ...ops.init_ops import zeros_initializer
from ..framework.variables import model_variable
from .initializers import xavier_initializer
from .utils import collect_named_outputs, get_variable_collections

# the defaults (one instance each, as TF's defaults made at import)
XAVIER = xavier_initializer()
ZEROS = zeros_initializer()


def add_variable_to_collections(var: Any, collections_set: Any, name: str) -> None:
    for c in get_variable_collections(collections_set, name) or []:
        if not any(v is var for v in get_collection(c)):
            add_to_collection(c, var)


def layer_variable(
    name,
    keras_name,
    shape,
    dtype,
    initializer,
    regularizer,
    trainable,
    vcoll,
    collection_name=None,
):
    """A model variable of the current scope; a regularizer's loss is named as TF 1.x's layer
    classes name it (``<scope>/kernel/Regularizer/...``), once, when the variable is made."""
    known = {id(v) for v in get_collection(GraphKeys.GLOBAL_VARIABLES)}
    var = model_variable(
        name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable
    )
    if regularizer is not None and id(var) not in known:
        with name_scope(keras_name + "/Regularizer"):
            loss = regularizer(var)
        if loss is not None:
            add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
    add_variable_to_collections(var, vcoll, collection_name or name)
    return var


def weights_and_biases(
    w_shape,
    n_out,
    dtype,
    use_bias,
    weights_initializer,
    weights_regularizer,
    biases_initializer,
    biases_regularizer,
    variables_collections,
    trainable,
):
    """``weights`` (and ``biases`` when ``use_bias``) as model variables of the current scope."""
    w = layer_variable(
        "weights",
        "kernel",
        w_shape,
        dtype,
        weights_initializer,
        weights_regularizer,
        trainable,
        variables_collections,
    )
    b = None
    if use_bias:
        b = layer_variable(
            "biases",
            "bias",
            [n_out],
            dtype,
            biases_initializer,
            biases_regularizer,
            trainable,
            variables_collections,
        )
    return w, b


def finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return collect_named_outputs(outputs_collections, sc.name, outputs)
