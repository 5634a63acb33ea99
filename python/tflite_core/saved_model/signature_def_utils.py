"""``SignatureDef``: a named set of a graph's input and output tensors and the method that
serves them (``tf.saved_model.signature_def_utils``, TF 1.x).

``predict_signature_def`` takes any tensors; ``classification_signature_def`` and
``regression_signature_def`` check the types TensorFlow Serving's Classify and Regress APIs
take (serialized ``tf.Example`` strings in, float scores or string classes out), and
``is_valid_signature`` tells whether Serving can serve a SignatureDef.

>>> import tflite_core as tf
>>> with tf.Graph().as_default():
...     x = tf.placeholder(tf.float32, [None, 2], name="x")
...     sig = tf.saved_model.predict_signature_def({"x": x}, {"y": 2.0 * x})
>>> sig.method_name, sig.inputs["x"].name, tf.saved_model.is_valid_signature(sig)
('tensorflow/serving/predict', 'x:0', True)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..framework import errors
from ..framework.graph import Operation, Tensor
from ..framework.graph_def import tensor_proto
from ..framework.meta_graph_protos import meta_protos
from . import signature_constants as sc
from .method_name_updater import MethodNameUpdater
from .utils import (
    as_message,
    build_tensor_info,
    build_tensor_info_from_op,
    get_element_from_tensor_info,
)

__all__ = [
    "MethodNameUpdater",
    "build_signature_def",
    "classification_signature_def",
    "is_valid_signature",
    "predict_signature_def",
    "regression_signature_def",
]
_DT_FLOAT, _DT_STRING = 1, 7


def build_signature_def(
    inputs: Mapping[str, Any] | None = None,
    outputs: Mapping[str, Any] | None = None,
    method_name: str | None = None,
    defaults: Mapping[str, Tensor] | None = None,
) -> Any:
    """A ``SignatureDef`` of the ``TensorInfo``s ``inputs`` and ``outputs`` (dicts by key),
    ``method_name``, and ``defaults``: constant tensors whose values become the inputs'
    default ``TensorProto``s.

    Raises:
        ValueError: a default that is not a constant.
    """
    sig = meta_protos().SignatureDef()
    for key, info in (inputs or {}).items():
        sig.inputs[key].CopyFrom(as_message(info, "TensorInfo"))
    for key, info in (outputs or {}).items():
        sig.outputs[key].CopyFrom(as_message(info, "TensorInfo"))
    if method_name is not None:
        sig.method_name = method_name
    for arg_name, default in (defaults or {}).items():
        if not isinstance(default, Tensor) or default.op.type != "Const":
            raise ValueError(
                f"Unable to convert object {default} of type {type(default)} to TensorProto."
            )
        value: Any = tensor_proto(default.op.get_attr("value"))
        value.dtype = default.dtype.as_datatype_enum
        sig.defaults[arg_name].MergeFromString(value.SerializeToString())
    return sig


def regression_signature_def(examples: Tensor, predictions: Tensor) -> Any:
    """The Regress API's signature: string ``examples`` in, float ``predictions`` out.

    Raises:
        ValueError: a missing tensor, or one of another type.
    """
    if examples is None:
        raise ValueError("Regression `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError(
            "Expected regression `examples` to be of type Tensor. "
            f"Found `examples` of type {type(examples)}."
        )
    if predictions is None:
        raise ValueError("Regression `predictions` cannot be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != _DT_STRING:
        raise ValueError(
            f"Regression input tensors must be of type string. Found tensors with type {inp.dtype}."
        )
    out = build_tensor_info(predictions)
    if out.dtype != _DT_FLOAT:
        raise ValueError(
            f"Regression output tensors must be of type float. Found tensors with type {out.dtype}."
        )
    return build_signature_def(
        {sc.REGRESS_INPUTS: inp}, {sc.REGRESS_OUTPUTS: out}, sc.REGRESS_METHOD_NAME
    )


def classification_signature_def(
    examples: Tensor, classes: Tensor | None, scores: Tensor | None
) -> Any:
    """The Classify API's signature: string ``examples`` in; string ``classes`` and/or float
    ``scores`` out.

    Raises:
        ValueError: a missing tensor, or one of another type.
    """
    if examples is None:
        raise ValueError("Classification `examples` cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError(
            "Classification `examples` must be a string Tensor. "
            f"Found `examples` of type {type(examples)}."
        )
    if classes is None and scores is None:
        raise ValueError("Classification `classes` and `scores` cannot both be None.")
    inp = build_tensor_info(examples)
    if inp.dtype != _DT_STRING:
        raise ValueError(
            "Classification input tensors must be of type string. "
            f"Found tensors of type {inp.dtype}"
        )
    outputs = {}
    if classes is not None:
        info = build_tensor_info(classes)
        if info.dtype != _DT_STRING:
            raise ValueError(
                "Classification classes must be of type string Tensor. "
                f"Found tensors of type {info.dtype}.`"
            )
        outputs[sc.CLASSIFY_OUTPUT_CLASSES] = info
    if scores is not None:
        info = build_tensor_info(scores)
        if info.dtype != _DT_FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
        outputs[sc.CLASSIFY_OUTPUT_SCORES] = info
    return build_signature_def({sc.CLASSIFY_INPUTS: inp}, outputs, sc.CLASSIFY_METHOD_NAME)


def predict_signature_def(inputs: Mapping[str, Any], outputs: Mapping[str, Any]) -> Any:
    """The Predict API's signature: any tensors in and out, by key.

    Raises:
        ValueError: no inputs or no outputs.
    """
    if not inputs:
        raise ValueError("Prediction `inputs` cannot be None or empty.")
    if not outputs:
        raise ValueError("Prediction `outputs` cannot be None or empty.")
    return build_signature_def(
        {k: build_tensor_info(t) for k, t in inputs.items()},
        {k: build_tensor_info(t) for k, t in outputs.items()},
        sc.PREDICT_METHOD_NAME,
    )


def is_valid_signature(signature_def: Any) -> bool:
    """Whether TensorFlow Serving can serve ``signature_def`` (a valid classification,
    regression or predict signature)."""
    if signature_def is None:
        return False
    sig = as_message(signature_def, "SignatureDef")
    return _is_classification(sig) or _is_regression(sig) or _is_predict(sig)


def _is_predict(sig: Any) -> bool:
    return sig.method_name == sc.PREDICT_METHOD_NAME and bool(sig.inputs) and bool(sig.outputs)


def _is_regression(sig: Any) -> bool:
    return (
        sig.method_name == sc.REGRESS_METHOD_NAME
        and set(sig.inputs) == {sc.REGRESS_INPUTS}
        and sig.inputs[sc.REGRESS_INPUTS].dtype == _DT_STRING
        and set(sig.outputs) == {sc.REGRESS_OUTPUTS}
        and sig.outputs[sc.REGRESS_OUTPUTS].dtype == _DT_FLOAT
    )


def _is_classification(sig: Any) -> bool:
    if sig.method_name != sc.CLASSIFY_METHOD_NAME:
        return False
    if set(sig.inputs) != {sc.CLASSIFY_INPUTS}:
        return False
    if sig.inputs[sc.CLASSIFY_INPUTS].dtype != _DT_STRING:
        return False
    allowed = {sc.CLASSIFY_OUTPUT_CLASSES: _DT_STRING, sc.CLASSIFY_OUTPUT_SCORES: _DT_FLOAT}
    if not sig.outputs or set(sig.outputs) - set(allowed):
        return False
    return all(sig.outputs[k].dtype == dt for k, dt in allowed.items() if k in sig.outputs)


def op_signature_def(op: Operation | Tensor, key: str) -> Any:
    """A SignatureDef whose one output, ``key``, names ``op`` (how TF 2's builder records the
    init and train ops)."""
    return build_signature_def(outputs={key: build_tensor_info_from_op(op)})


def load_op_from_signature_def(
    signature_def: Any, key: str, import_scope: str | None = None
) -> Operation | Tensor:
    """The op (or tensor) that output ``key`` of ``signature_def`` names, in the default graph.

    Raises:
        errors.NotFoundError: the graph has no such element.
    """
    try:
        return get_element_from_tensor_info(signature_def.outputs[key], import_scope=import_scope)
    except KeyError:
        raise errors.NotFoundError(
            None,
            None,
            f'The key "{key}" could not be found in the graph. Please make sure the SavedModel '
            "was created by the internal _SavedModelBuilder. If you are using the public API, "
            "please make sure the SignatureDef in the SavedModel does not contain the key "
            f'"{key}".',
        ) from None
