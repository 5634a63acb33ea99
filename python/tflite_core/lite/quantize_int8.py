"""Full-integer (int8) post-training quantization of a converted float model, as TF's converter
does it with ``optimizations=[Optimize.DEFAULT]`` and a ``representative_dataset``.

Calibration runs the float model on the dataset's samples (``tf.lite.Interpreter``, every
tensor kept) and records each tensor's minimum and maximum over all of them. Then, as TF's
quantizer (MLIR's ``quant`` dialect):

- activations are int8 per tensor, asymmetric: the range widened to hold 0, scale
  ``(max - min) / 255`` and zero point ``-128 - min / scale`` rounded (clamped to [-128, 127]);
- the outputs of MAX_POOL_2D, RESHAPE and SQUEEZE keep their input's scale and zero point,
  SOFTMAX's are 1/256 and -128; an ADD's input that LiteRT overwrites with the sum (in place)
  has the sum's range too, as TF's calibrator records it;
- conv, depthwise conv and fully connected weights are int8 per output channel, symmetric in
  [-127, 127]: scale ``max|w| / 127`` (a channel's range under 1e-6 widened to +-5e-7), values
  ``round(w * (1 / scale))`` in float32, ties away from zero; biases int32 with scale
  ``input scale * weight scale`` per channel (a float32 product), or ``|bias| / (2^30 - 1)``
  where that is larger (and the channel's weight scale grows to match);
- a float input gets a QUANTIZE op and a float output a DEQUANTIZE op (``inference_input_type``
  and ``inference_output_type`` float32, the default), or the model reads and writes int8.

The operators quantized are those the int8 kernels of LiteRT and of tflite_core's runtime
both have: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, MEAN, SOFTMAX, MAX_POOL_2D,
RESHAPE, SQUEEZE; for another one the converter raises ``ConverterError`` naming it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .builtin_ops import BUILTINS
from .flatbuffer_writer import OutModel, OutOperator, OutTensor, write_model
from .graph_to_tflite import ConverterError
from .interpreter import Interpreter

FLOAT32, INT32, INT8 = 0, 2, 9
QUANTIZE, DEQUANTIZE = 114, 6

WEIGHT_AXIS = {"CONV_2D": 0, "DEPTHWISE_CONV_2D": 3, "FULLY_CONNECTED": 0}  # OHWI, 1HWC, [out, in]
SAME_SCALE = {"MAX_POOL_2D", "RESHAPE", "SQUEEZE"}
FIXED = {"SOFTMAX": (1.0 / 256.0, -128)}
SUPPORTED = set(WEIGHT_AXIS) | SAME_SCALE | set(FIXED) | {"ADD", "MEAN"}
# the op versions TF's converter writes for int8 kernels
VERSIONS = {
    "CONV_2D": 3,
    "DEPTHWISE_CONV_2D": 3,
    "FULLY_CONNECTED": 4,
    "ADD": 2,
    "MEAN": 2,
    "SOFTMAX": 2,
    "MAX_POOL_2D": 2,
}

Range = tuple[float, float]


def calibrate(content: bytes, samples: Iterable[Any]) -> dict[int, Range]:
    """Each float32 tensor's (min, max) over the model's run on every sample (a list of the
    inputs' arrays in order, or a dict of them by input name)."""
    it = Interpreter(model_content=content, experimental_preserve_all_tensors=True)
    it.allocate_tensors()
    inputs = it.get_input_details()
    floats = [d["index"] for d in it.get_tensor_details() if d["dtype"] == np.float32]
    lo: dict[int, float] = {}
    hi: dict[int, float] = {}
    count = 0
    for sample in samples:
        arrays = _sample_arrays(sample, inputs)
        if any(list(a.shape) != list(d["shape"]) for a, d in zip(arrays, inputs)):
            for a, d in zip(arrays, inputs):
                it.resize_tensor_input(d["index"], list(a.shape))
            it.allocate_tensors()
            inputs = it.get_input_details()
        for a, d in zip(arrays, inputs):
            it.set_tensor(d["index"], a)
        it.invoke()
        count += 1
        for i in floats:
            v = it.get_tensor(i)
            if v.size:
                lo[i] = min(lo.get(i, np.inf), float(v.min()))
                hi[i] = max(hi.get(i, -np.inf), float(v.max()))
    if not count:
        raise ValueError("the representative dataset gave no samples")
    return {i: (lo[i], hi[i]) for i in lo}


def _sample_arrays(sample: Any, inputs: list[dict]) -> list[np.ndarray]:
    if isinstance(sample, dict):
        by_name = {d["name"]: d for d in inputs}
        missing = [n for n in by_name if n not in sample]
        if missing:
            raise ValueError(f"the representative sample has no value for input(s) {missing}")
        sample = [sample[d["name"]] for d in inputs]
    arrays = [np.asarray(a, np.float32) for a in sample]
    if len(arrays) != len(inputs):
        raise ValueError(
            f"a representative sample has {len(arrays)} arrays; the model has {len(inputs)} inputs"
        )
    return arrays


def activation_params(r: Range) -> tuple[float, int]:
    """TF's int8 scale and zero point for a calibrated range (held 0, nudged)."""
    rmin, rmax = min(float(r[0]), 0.0), max(float(r[1]), 0.0)
    if rmax == rmin:
        return 1.0, -128
    scale = (rmax - rmin) / 255.0
    zero = -128.0 - rmin / scale
    return scale, int(np.clip(_round_away(np.float64(zero)), -128, 127))


def _round_away(x: Any) -> Any:
    """std::round (half away from zero), exact in x's own precision (floor(|x| + 0.5) is not:
    0.49999997 + 0.5 rounds to 1 in float32)."""
    r = np.trunc(x)
    return r + np.where(np.abs(x - r) >= 0.5, np.sign(x), 0).astype(np.asarray(x).dtype)


NEAR_ZERO = 1.0e-6  # a weight channel's range narrower than this is widened to +-NEAR_ZERO / 2
BIAS_MAX = (2**31 - 1) // 2  # a bias at most half of int32's range (room for the sums)


def _weight_scales(w: np.ndarray, axis: int) -> np.ndarray:
    """Per-channel symmetric scales along ``axis``: ``max|w| / 127``, the range of a channel
    (nearly) all zeros widened first, as TF's quantizer widens it."""
    moved = np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1).astype(np.float64)
    lo = moved.min(axis=1) if moved.size else np.zeros(w.shape[axis])
    hi = moved.max(axis=1) if moved.size else np.zeros(w.shape[axis])
    narrow = hi - lo <= NEAR_ZERO
    lo = np.where(narrow, np.minimum(lo, -NEAR_ZERO / 2), lo)
    hi = np.where(narrow, np.maximum(hi, NEAR_ZERO / 2), hi)
    return np.maximum(np.abs(lo), np.abs(hi)) / 127.0


def _quantize_weights(w: np.ndarray, axis: int, scales: np.ndarray) -> np.ndarray:
    shape = [1] * w.ndim
    shape[axis] = -1
    return _quantize_f32(w, scales.reshape(shape), 127).astype(np.int8)


def _quantize_f32(v: np.ndarray, scales: np.ndarray, bound: int) -> np.ndarray:
    """``round(v * (1 / scale))`` in float32, as TF's exporter quantizes constants (ties away
    from zero), clamped to +-bound."""
    inverse = np.float32(1) / scales.astype(np.float32)
    q = _round_away((v.astype(np.float32) * inverse).astype(np.float32).astype(np.float64))
    return np.clip(q, -bound, bound)


def _in_place_ranges(model: OutModel, names: dict[int, str], ranges: dict[int, Range]) -> None:
    """The ranges TF's calibration records where LiteRT runs ADD in place: the output written
    over input 0 (else input 1) when that input is computed, of the output's shape and read by
    nothing else. TF's calibrator logs the input after the op ran, so its range is also the
    output's; so is its scale (a residual connection's conv output in EfficientNet-Lite)."""
    readers: dict[int, int] = {}
    for op in model.operators:
        for i in op.inputs:
            readers[i] = readers.get(i, 0) + 1
    ends = set(model.inputs) | set(model.outputs)
    for op in model.operators:
        if names[op.opcode_index] != "ADD":
            continue
        y = op.outputs[0]
        for i in op.inputs[:2]:
            t = model.tensors[i]
            shared = readers.get(i) == 1 and i not in ends and not t.buffer
            if shared and t.shape == model.tensors[y].shape and i in ranges and y in ranges:
                ranges[i] = (min(ranges[i][0], ranges[y][0]), max(ranges[i][1], ranges[y][1]))
                break


class _Quantizer:
    def __init__(self, model: OutModel, ranges: dict[int, Range]):
        self.m, self.ranges = model, dict(ranges)
        self.names = {
            k: BUILTINS.get(code, (f"opcode {code}",))[0]
            for k, (code, _) in enumerate(model.opcodes)
        }
        self.params: dict[int, tuple[float, int]] = {}
        _in_place_ranges(model, self.names, self.ranges)

    def constant(self, i: int) -> np.ndarray | None:
        t = self.m.tensors[i]
        if not t.buffer or not self.m.buffers[t.buffer]:
            return None
        return np.frombuffer(self.m.buffers[t.buffer], np.float32).reshape(t.shape)

    def set_data(self, i: int, q: np.ndarray, type_: int, scales: Any, zeros: Any, dim: int):
        t = self.m.tensors[i]
        self.m.buffers[t.buffer] = np.ascontiguousarray(q).tobytes()
        t.type = type_
        t.quantization = (np.atleast_1d(scales), np.atleast_1d(zeros), dim)

    def activation(self, i: int) -> tuple[float, int]:
        if i not in self.params:
            value = self.constant(i)
            if value is not None:  # (a constant operand of ADD: its own range)
                scale, zero = activation_params((float(value.min()), float(value.max())))
                q = np.clip(_round_away(value / scale) + zero, -128, 127).astype(np.int8)
                self.set_data(i, q, INT8, scale, zero, 0)
            elif i in self.ranges:
                scale, zero = activation_params(self.ranges[i])
            else:
                raise ConverterError(
                    f"tensor '{self.m.tensors[i].name}' was not reached by calibration"
                )
            self.params[i] = (scale, zero)
        return self.params[i]

    def run(self) -> None:
        for k, op in enumerate(self.m.operators):
            name = self.names[op.opcode_index]
            if name not in SUPPORTED:
                raise ConverterError(
                    f"full-integer quantization of {name} (operator {k}) is not supported by "
                    f"tflite_core's converter; it quantizes {', '.join(sorted(SUPPORTED))}"
                )
        for op in self.m.operators:
            self.operator(op)
        for i, (scale, zero) in self.params.items():
            t = self.m.tensors[i]
            if t.type == FLOAT32:
                t.type = INT8
                t.quantization = (np.array([scale]), np.array([zero]), 0)
        self.m.opcodes = [
            (code, max(version, VERSIONS.get(self.names[k], version)))
            for k, (code, version) in enumerate(self.m.opcodes)
        ]

    def operator(self, op: OutOperator) -> None:
        name = self.names[op.opcode_index]
        x, y = op.inputs[0], op.outputs[0]
        sx = self.activation(x)
        if name in SAME_SCALE:
            self.params[y] = sx
        elif name in FIXED:
            self.params[y] = FIXED[name]
        else:
            self.activation(y)
        if name == "ADD":
            self.activation(op.inputs[1])
        if name in WEIGHT_AXIS:
            w = self.constant(op.inputs[1])
            if w is None:
                raise ConverterError(f"{name} '{self.m.tensors[y].name}' has no constant weights")
            axis = WEIGHT_AXIS[name]
            scales = _weight_scales(w, axis)
            b = None
            if len(op.inputs) > 2 and op.inputs[2] >= 0:
                b = self.constant(op.inputs[2])
                if b is None:
                    raise ConverterError(f"{name} '{self.m.tensors[y].name}' has no constant bias")
            if b is not None:
                # (the product of the scales as the file stores them, in float32); a bias too
                # large for it takes a larger scale, and its channel's weights with it
                def product(scales: np.ndarray) -> np.ndarray:
                    return (np.float32(sx[0]) * scales.astype(np.float32)).astype(np.float64)

                scales = scales.astype(np.float32).astype(np.float64)
                bias_scales = product(scales)
                big = np.abs(b.astype(np.float32)) / bias_scales > BIAS_MAX
                bias_scales = np.where(big, np.abs(b.astype(np.float64)) / BIAS_MAX, bias_scales)
                scales = np.where(big, bias_scales / sx[0], scales)
                qb = _quantize_f32(b, bias_scales, 2**31 - 1).astype(np.int32)
                self.set_data(op.inputs[2], qb, INT32, bias_scales, np.zeros_like(qb, np.int64), 0)
            q = _quantize_weights(w, axis, scales)
            self.set_data(op.inputs[1], q, INT8, scales, np.zeros(len(scales), np.int64), axis)

    def boundaries(self, input_type: int, output_type: int) -> None:
        """QUANTIZE ops before float inputs and DEQUANTIZE ops after float outputs."""
        m = self.m
        front, back = [], []
        for k, i in enumerate(m.inputs):
            if input_type == FLOAT32:
                t = m.tensors[i]
                m.tensors.append(OutTensor(t.name, FLOAT32, list(t.shape), list(t.shape_signature)))
                t.name = "tfl.quantize" if len(m.inputs) == 1 else f"tfl.quantize{k}"
                front.append(OutOperator(self.opcode(QUANTIZE, 1), [len(m.tensors) - 1], [i]))
                m.inputs[k] = len(m.tensors) - 1
        for k, o in enumerate(m.outputs):
            if output_type == FLOAT32:
                t = m.tensors[o]
                m.tensors.append(OutTensor(t.name, FLOAT32, list(t.shape), list(t.shape_signature)))
                t.name += "1"
                back.append(OutOperator(self.opcode(DEQUANTIZE, 2), [o], [len(m.tensors) - 1]))
                m.outputs[k] = len(m.tensors) - 1
        m.operators = front + m.operators + back

    def opcode(self, code: int, version: int) -> int:
        for k, (c, _) in enumerate(self.m.opcodes):
            if c == code:
                return k
        self.m.opcodes.append((code, version))
        return len(self.m.opcodes) - 1


def quantize_model(
    model: OutModel, samples: Iterable[Any], input_type: int = FLOAT32, output_type: int = FLOAT32
) -> None:
    """Quantizes ``model`` (a float model, in place) to full-integer int8, calibrated on
    ``samples``; ``input_type`` / ``output_type``: FLOAT32 or INT8 (TFLite's type codes)."""
    ranges = calibrate(write_model(model), samples)
    q = _Quantizer(model, ranges)
    q.run()
    q.boundaries(input_type, output_type)
