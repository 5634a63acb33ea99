"""Models on the C++ runtime (``cpp/lite/``, ``_core.LiteInterpreter``): ``tf.lite.Interpreter``
runs a model whose operators compute on quantized tensors there, with the integer arithmetic of
TFLite's builtin kernels (``cpp/quantized.cc``), and a float32 model without quantized tensors
where the runtime lowers every operator of it (``float_native``; the others run on the graph).

The runtime lowers the model once, at the shapes the file gives; its inputs and outputs are
NumPy arrays over its own buffers. A batch larger than the file's batch of 1 (after
``resize_tensor_input``) runs as one invoke per sample, which is the same computation for the
models TFLite's converter writes with a batch of 1 (each operator maps a sample to a sample).
"""

from __future__ import annotations

import numpy as np

from ..framework import errors
from ..framework.runtime import core
from .lite_errors import (
    ModelDataLossError,
    ModelInvalidArgumentError,
    ModelNotFoundError,
    ModelUnimplementedError,
)
from .model_file import Model

_ERRORS = {
    "DataLossError": ModelDataLossError,
    "NotFoundError": ModelNotFoundError,
    "InvalidArgumentError": ModelInvalidArgumentError,
    "UnimplementedError": ModelUnimplementedError,
}

# The operators that only convert between float and quantized values: DEQUANTIZE, CAST, QUANTIZE
# (a float model with float16 or int8 weights behind DEQUANTIZE runs in Python, on the graph).
_CONVERSIONS = (6, 53, 114)
_QUANTIZED_TYPES = (3, 9, 7)  # UINT8, INT8, INT16
_HYBRID = (3, 4, 9)  # CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED: dynamic-range kernels


def _as_tf_error(e: Exception) -> Exception:
    kind, message = e.args if len(e.args) == 2 else ("InvalidArgumentError", str(e))
    if kind == "ResourceExhaustedError":
        return errors.ResourceExhaustedError(None, None, message)
    return _ERRORS.get(kind, ModelInvalidArgumentError)(message)


def _is_quantized(model: Model, i: int) -> bool:
    t = model.subgraphs[0].tensors[i] if i >= 0 else None
    return t is not None and t.type in _QUANTIZED_TYPES and len(t.quantization.scales) > 0


def computes_on_integers(model: Model, names: dict[int, str]) -> bool:
    """Whether an operator computes on quantized values (its input 0 is quantized): a
    full-integer model, for the C++ runtime. Conv, depthwise conv and fully connected operators
    with int8 weights but a float input (dynamic-range quantization, TFLite's hybrid kernels)
    are float operators here (``hybrid_ops``); another operator with quantized weights and a
    float input is refused."""
    integer = False
    for k, op in enumerate(model.subgraphs[0].operators):
        quantized = any(_is_quantized(model, i) for i in op.inputs + op.outputs)
        if op.opcode in _CONVERSIONS or not quantized:
            continue
        if not op.inputs or not _is_quantized(model, op.inputs[0]):
            if op.opcode in _HYBRID and not any(_is_quantized(model, i) for i in op.outputs):
                continue  # (int8 weights, float input and output: hybrid_ops, on the graph)
            ids = op.inputs + op.outputs
            t = next(model.subgraphs[0].tensors[i] for i in ids if _is_quantized(model, i))
            raise ModelUnimplementedError(
                f"node number {k} ({names.get(op.opcode, f'opcode {op.opcode}')}) uses the "
                f"quantized tensor '{t.name}' with a float input (dynamic-range quantization): "
                "tflite_core's interpreter runs float32 and full-integer int8 models, and the "
                "dynamic-range forms of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED"
            )
        integer = True
    return integer


def float_native(model: Model, content: bytes) -> NativeModel | None:
    """The C++ runtime's lowering of a float32 model with no quantized tensor and no variable
    (LSTM state) tensor, or None where the runtime lacks one of its operators or types (the
    graph runs it then). The same kernels run there with less around each invoke than a
    Session.run: EfficientNet-Lite0 about 1.08x faster at 1 thread (interleaved, Zen 4)."""
    sg = model.subgraphs[0]
    if any(_is_quantized(model, i) or t.is_variable for i, t in enumerate(sg.tensors)):
        return None
    try:
        return NativeModel(content)
    except (ModelNotFoundError, ModelUnimplementedError, ModelInvalidArgumentError):
        return None


class NativeModel:
    """A model lowered by the C++ runtime: ``inputs``/``outputs`` over its buffers, ``invoke``."""

    def __init__(self, content: bytes):
        try:
            self._it = core.LiteInterpreter(content)
        except core.LiteError as e:
            raise _as_tf_error(e) from None
        self.inputs = [self._it.input(k) for k in range(self._it.num_inputs)]
        self.outputs = [self._it.output(k) for k in range(self._it.num_outputs)]

    def invoke(self) -> None:
        try:
            self._it.invoke()
        except core.LiteError as e:
            raise _as_tf_error(e) from None

    def run_batch(self, inputs: list[np.ndarray], outputs: list[np.ndarray]) -> None:
        """Runs each sample of ``inputs`` (arrays of the file's shapes but for dimension 0)
        through the model, writing its results into ``outputs`` (likewise)."""
        n = inputs[0].shape[0] if inputs else 0
        for b in range(n):
            for mine, x in zip(self.inputs, inputs):
                mine[...] = x[b : b + 1]
            self.invoke()
            for mine, y in zip(self.outputs, outputs):
                y[b : b + 1] = mine
