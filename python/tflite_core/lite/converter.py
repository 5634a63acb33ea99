"""``tf.lite.TFLiteConverter`` (TF 1.x's ``compat.v1`` API): a graph from a session, a frozen
GraphDef or a SavedModel as a ``.tflite`` flatbuffer, with the configuration names TF has
beside it (``Optimize``, ``OpsSet``, ``TargetSpec``, ``RepresentativeDataset``, ``constants``).

Float32 models of the builtins ``graph_to_tflite.OPS`` maps convert; with
``optimizations=[Optimize.DEFAULT]`` and ``target_spec.supported_types=[tf.float16]`` the
constant weights are stored as float16 behind DEQUANTIZE ops, as TF's float16 quantization
does; with ``optimizations=[Optimize.DEFAULT]`` and a ``representative_dataset`` the model is
quantized to full-integer int8 as TF quantizes it (``quantize_int8``; float or int8
``inference_input_type`` / ``inference_output_type``). Dynamic-range quantization (no
representative dataset) and the TF-op fallback (``SELECT_TF_OPS``) raise ``ConverterError``
saying so."""

from __future__ import annotations

import enum
import os
from types import SimpleNamespace
from typing import Any, Callable

import numpy as np
from google.protobuf import text_format

from ..client.session import Session
from ..framework import dtypes as _dt
from ..framework.graph import Graph
from ..framework.importer import import_graph_def
from ..framework.protos import protos
from ..saved_model import loader, signature_constants, tag_constants
from .flatbuffer_writer import OutModel, OutOperator, OutTensor, write_model
from .graph_to_tflite import ConverterError, convert_graph
from .quantize_int8 import FLOAT32, INT8, quantize_model


class Optimize(enum.Enum):
    """The optimizations ``TFLiteConverter.optimizations`` asks for."""

    DEFAULT = "DEFAULT"
    OPTIMIZE_FOR_SIZE = "OPTIMIZE_FOR_SIZE"
    OPTIMIZE_FOR_LATENCY = "OPTIMIZE_FOR_LATENCY"
    EXPERIMENTAL_SPARSITY = "EXPERIMENTAL_SPARSITY"

    def __str__(self) -> str:
        return str(self.value)


class OpsSet(enum.Enum):
    """The op sets a converted model may use."""

    TFLITE_BUILTINS = "TFLITE_BUILTINS"
    SELECT_TF_OPS = "SELECT_TF_OPS"
    TFLITE_BUILTINS_INT8 = "TFLITE_BUILTINS_INT8"
    EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8 = (
        "EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8"
    )
    EXPERIMENTAL_STABLEHLO_OPS = "EXPERIMENTAL_STABLEHLO_OPS"

    def __str__(self) -> str:
        return str(self.value)

    @staticmethod
    def get_options() -> list[str]:
        """The op sets' names."""
        return [str(s.value) for s in OpsSet]


class RepresentativeDataset:
    """A generator of input samples, for the calibration of integer quantization."""

    def __init__(self, input_gen: Callable[[], Any]):
        self.input_gen = input_gen


class TargetSpec:
    """What the target device runs: its op sets and the types it supports."""

    def __init__(
        self,
        supported_ops: Any = None,
        supported_types: Any = None,
        experimental_select_user_tf_ops: Any = None,
        experimental_supported_backends: Any = None,
    ):
        self.supported_ops = set(supported_ops) if supported_ops else {OpsSet.TFLITE_BUILTINS}
        self.supported_types = list(supported_types) if supported_types else []
        self.experimental_select_user_tf_ops = experimental_select_user_tf_ops or set()
        self.experimental_supported_backends = experimental_supported_backends
        self._experimental_custom_op_registerers: list = []


# tf.lite.constants: the dtypes and output formats of TF 1.x's converter flags
constants = SimpleNamespace(
    FLOAT=_dt.float32,
    FLOAT16=_dt.float16,
    INT32=_dt.int32,
    INT64=_dt.int64,
    STRING=_dt.string,
    QUANTIZED_UINT8=_dt.uint8,
    INT8=_dt.int8,
    INT16=_dt.int16,
    COMPLEX64=_dt.complex64,
    TFLITE=2,  # (TF's FileFormat enum values)
    GRAPHVIZ_DOT=3,
)


class TFLiteConverter:
    """Converts a graph to a TFLite model (``convert()`` returns the flatbuffer's bytes)."""

    def __init__(
        self,
        graph_def: Any,
        input_tensors: list,
        output_tensors: list,
        input_arrays_with_shape: Any = None,
        output_arrays: Any = None,
        experimental_debug_info_func: Any = None,
        session: Any = None,
    ):
        if not input_tensors or not output_tensors:
            raise ValueError("input_tensors and output_tensors must be given")
        self._graph_def = graph_def
        self._inputs, self._outputs = list(input_tensors), list(output_tensors)
        self._session = session
        self.inference_type = _dt.float32
        self.inference_input_type: Any = None
        self.inference_output_type: Any = None
        self.output_format = constants.TFLITE
        self.quantized_input_stats: Any = None
        self.default_ranges_stats: Any = None
        self.drop_control_dependency = True
        self.reorder_across_fake_quant = False
        self.change_concat_input_ranges = False
        self.allow_custom_ops = False
        self.post_training_quantize = False
        self.dump_graphviz_dir: Any = None
        self.dump_graphviz_video = False
        self.conversion_summary_dir: Any = None
        self.target_spec = TargetSpec()
        self.optimizations: list = []
        self.representative_dataset: Any = None
        self.experimental_new_converter = True
        self.experimental_new_quantizer = True
        self._signature: tuple | None = None

    # ---- the sources ---------------------------------------------------------------------
    @classmethod
    def from_session(cls, sess: Any, input_tensors: list, output_tensors: list) -> TFLiteConverter:
        """The graph of ``sess`` between ``input_tensors`` (placeholders) and
        ``output_tensors``; variables are read from the session."""
        return cls(sess.graph.as_graph_def(), input_tensors, output_tensors, session=sess)

    @classmethod
    def from_frozen_graph(
        cls,
        graph_def_file: str,
        input_arrays: list[str],
        output_arrays: list[str],
        input_shapes: dict | None = None,
    ) -> TFLiteConverter:
        """A frozen GraphDef file (binary, or text when it ends in ``.pbtxt``)."""
        if not os.path.exists(graph_def_file):
            raise OSError(f"File '{graph_def_file}' does not exist.")
        with open(graph_def_file, "rb") as f:
            data = f.read()
        gd = protos().GraphDef()
        try:
            if graph_def_file.endswith((".pbtxt", ".txt")):
                text_format.Merge(data.decode("utf-8"), gd)
            else:
                gd.ParseFromString(data)
        except Exception:
            raise OSError(f"Unable to parse input file '{graph_def_file}'.") from None
        graph = Graph()
        with graph.as_default():
            import_graph_def(gd, name="")
        inputs = [_tensor(graph, n) for n in input_arrays]
        _set_shapes(inputs, input_shapes)
        return cls(
            gd, inputs, [_tensor(graph, n) for n in output_arrays], session=Session(graph=graph)
        )

    @classmethod
    def from_saved_model(
        cls,
        saved_model_dir: str,
        input_arrays: list[str] | None = None,
        input_shapes: dict | None = None,
        output_arrays: list[str] | None = None,
        tag_set: Any = None,
        signature_key: str | None = None,
    ) -> TFLiteConverter:
        """The graph of a SavedModel's meta graph (``tag_set``, default ``{"serve"}``) between
        its signature's inputs and outputs (or ``input_arrays`` / ``output_arrays``)."""
        graph = Graph()
        sess = Session(graph=graph)
        with graph.as_default():
            meta = loader.load(sess, tag_set or {tag_constants.SERVING}, saved_model_dir)
        key = signature_key or signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY
        if key not in meta.signature_def:
            raise ValueError(
                f"No '{key}' in the SavedModel's signatures. Available: "
                f"{sorted(meta.signature_def)}"
            )
        sig = meta.signature_def[key]
        ins = {k: graph.get_tensor_by_name(v.name) for k, v in sorted(sig.inputs.items())}
        outs = {k: graph.get_tensor_by_name(v.name) for k, v in sorted(sig.outputs.items())}
        inputs = [_tensor(graph, n) for n in input_arrays] if input_arrays else list(ins.values())
        outputs = (
            [_tensor(graph, n) for n in output_arrays] if output_arrays else list(outs.values())
        )
        _set_shapes(inputs, input_shapes)
        conv = cls(graph.as_graph_def(), inputs, outputs, session=sess)
        if not input_arrays and not output_arrays:
            conv._signature = (key, ins, outs)
        return conv

    # ---- converting --------------------------------------------------------------------------
    def _check_options(self) -> str:
        """What the weights become: "float32", "float16" (float16 quantization) or "int8"
        (full-integer quantization, calibrated on the representative dataset)."""
        ops = set(self.target_spec.supported_ops)
        if not ops <= {OpsSet.TFLITE_BUILTINS, OpsSet.TFLITE_BUILTINS_INT8}:
            raise ConverterError(
                f"tflite_core's converter emits TFLite builtins only; asked for "
                f"{sorted(str(o) for o in ops)}"
            )
        if self.inference_type is not None and _dt.as_dtype(self.inference_type) != _dt.float32:
            raise ConverterError(
                f"inference_type {_dt.as_dtype(self.inference_type).name}: quantization-aware "
                "models (fake-quant ranges) are not converted; post-training quantization is"
            )
        optimized = bool(self.optimizations) or self.post_training_quantize
        types = {_dt.as_dtype(t) for t in self.target_spec.supported_types}
        full_integer = (
            optimized and self.representative_dataset is not None and types != {_dt.float16}
        )
        for t in (self.inference_input_type, self.inference_output_type):
            if t is None or _dt.as_dtype(t) == _dt.float32:
                continue
            if not (full_integer and _dt.as_dtype(t) == _dt.int8):
                raise ConverterError(
                    f"inference input/output type {_dt.as_dtype(t).name}: float32, or int8 with "
                    "full-integer quantization (optimizations and a representative_dataset)"
                )
        if OpsSet.TFLITE_BUILTINS_INT8 in ops and not full_integer:
            raise ConverterError(
                "TFLITE_BUILTINS_INT8 needs full-integer quantization: set optimizations = "
                "[tf.lite.Optimize.DEFAULT] and a representative_dataset"
            )
        if not optimized:
            return "float32"
        if types == {_dt.float16}:
            return "float16"
        if full_integer:
            return "int8"
        raise ConverterError(
            "dynamic-range quantization (optimizations without a representative_dataset) is "
            "not implemented by tflite_core's converter; full-integer int8 (with a "
            "representative_dataset) and float16 weights (target_spec.supported_types = "
            "[tf.float16]) are"
        )

    def _samples(self) -> Any:
        gen = self.representative_dataset
        gen = getattr(gen, "input_gen", gen)  # (a RepresentativeDataset, or its function)
        if not callable(gen):
            raise ValueError("representative_dataset must be a function returning an iterable")
        return gen()

    def convert(self) -> bytes:
        """The model as ``.tflite`` bytes (TFLite's flatbuffer schema, version 3)."""
        mode = self._check_options()
        sess = self._session
        if sess is None:
            raise ValueError("the converter has no session to read the graph's values")
        model = convert_graph(sess, self._inputs, self._outputs)
        if mode == "float16":
            _weights_to_float16(model)
        elif mode == "int8":
            io = [
                INT8 if t is not None and _dt.as_dtype(t) == _dt.int8 else FLOAT32
                for t in (self.inference_input_type, self.inference_output_type)
            ]
            quantize_model(model, self._samples(), io[0], io[1])
        if self._signature is not None:
            key, ins, outs = self._signature
            index = {t: model.inputs[k] for k, t in enumerate(self._inputs)}
            index.update({t: model.outputs[k] for k, t in enumerate(self._outputs)})
            model.signature = (
                key,
                {n: index[t] for n, t in ins.items()},
                {n: index[t] for n, t in outs.items()},
            )
        return write_model(model)


def _tensor(graph: Graph, name: str) -> Any:
    try:
        return graph.get_tensor_by_name(name if ":" in name else name + ":0")
    except (KeyError, ValueError):
        raise ValueError(f"Invalid tensors '{name}' were found.") from None


def _set_shapes(inputs: list, input_shapes: dict | None) -> None:
    """``input_shapes`` (input op name -> shape) given to the inputs it names."""
    for t in inputs:
        shape = (input_shapes or {}).get(t.op.name)
        if shape is not None:
            t.set_shape(shape)


def _weights_to_float16(model: OutModel) -> None:
    """The float32 filters and weights of conv / fully connected ops (input 1) stored as
    float16 and read through a DEQUANTIZE op, as TF's float16 quantization does."""
    weighted = {3, 4, 9}  # CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED
    codes = {k: code for k, (code, _) in enumerate(model.opcodes)}
    deq = next((k for k, c in codes.items() if c == 6), None)
    new_ops = []
    for op in model.operators:
        if codes[op.opcode_index] in weighted and len(op.inputs) > 1:
            w = model.tensors[op.inputs[1]]
            if w.buffer and w.type == 0:
                data = np.frombuffer(model.buffers[w.buffer], np.float32).astype(np.float16)
                model.buffers.append(data.tobytes())
                model.tensors.append(
                    OutTensor(
                        w.name + "_fp16", 1, w.shape, w.shape_signature, len(model.buffers) - 1
                    )
                )
                if deq is None:  # DEQUANTIZE's opcode, added once
                    model.opcodes.append((6, 2))
                    deq = len(model.opcodes) - 1
                new_ops.append(OutOperator(deq, [len(model.tensors) - 1], [op.inputs[1]]))
                model.buffers[w.buffer] = b""
                w.buffer = 0
        new_ops.append(op)
    model.operators = new_ops
