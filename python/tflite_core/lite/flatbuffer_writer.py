"""Writing a ``.tflite`` file: the Model, SubGraph, Tensor, Operator, OperatorCode, Buffer and
SignatureDef tables of TFLite's schema (``schema.fbs``; the field slots ``model_file`` reads),
built with the ``flatbuffers`` package's Builder. Buffers are 16-byte aligned, as TF's writer
aligns them, so that a runtime may map weights in place."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import flatbuffers
import numpy as np

SCHEMA_VERSION = 3


@dataclass
class OutTensor:
    name: str
    type: int  # TensorType
    shape: list[int]
    shape_signature: list[int]
    buffer: int = 0
    is_variable: bool = False  # (an LSTM's state: zero at allocation, kept between invokes)
    # a quantized tensor's (scales, zero points, quantized dimension): one of each, or one per
    # channel of that dimension
    quantization: tuple[np.ndarray, np.ndarray, int] | None = None


@dataclass
class OutOperator:
    opcode_index: int
    inputs: list[int]
    outputs: list[int]
    options_type: int = 0  # BuiltinOptions union tag
    # (field slot, flatbuffers kind, value) of the options table; kind: "i8" "i32" "f32"
    # "bool" "u8" or "i32vec"
    options: list[tuple[int, str, Any]] = field(default_factory=list)


@dataclass
class OutModel:
    tensors: list[OutTensor]
    operators: list[OutOperator]
    opcodes: list[tuple[int, int]]  # (builtin code, version)
    inputs: list[int]
    outputs: list[int]
    buffers: list[bytes]  # buffers[0] is the empty sentinel
    signature: tuple[str, dict[str, int], dict[str, int]] | None = None
    description: str = "tflite_core"


def _int32s(b: flatbuffers.Builder, values: Any) -> int:
    return b.CreateNumpyVector(np.asarray(values, np.int32).reshape(-1))


def _offsets(b: flatbuffers.Builder, offs: list[int]) -> int:
    b.StartVector(4, len(offs), 4)
    for o in reversed(offs):
        b.PrependUOffsetTRelative(o)
    return b.EndVector()


def _bytes(b: flatbuffers.Builder, data: bytes) -> int:
    b.StartVector(1, len(data), 16)
    b.head = b.head - len(data)
    b.Bytes[b.head : b.head + len(data)] = data
    return b.EndVector()


def _options(b: flatbuffers.Builder, fields: list[tuple[int, str, Any]]) -> int:
    vecs = {slot: _int32s(b, v) for slot, kind, v in fields if kind == "i32vec"}
    b.StartObject(max([slot for slot, _, _ in fields], default=-1) + 1)
    for slot, kind, v in fields:
        if kind == "i8":
            b.PrependInt8Slot(slot, int(v), 0)
        elif kind == "u8":
            b.PrependUint8Slot(slot, int(v), 0)
        elif kind == "i32":
            b.PrependInt32Slot(slot, int(v), 0)
        elif kind == "f32":
            b.PrependFloat32Slot(slot, float(v), 0.0)
        elif kind == "bool":
            b.PrependBoolSlot(slot, bool(v), False)
        elif kind == "i32vec":
            b.PrependUOffsetTRelativeSlot(slot, vecs[slot], 0)
        else:
            raise ValueError(f"unknown options field kind {kind}")
    return b.EndObject()


def _quantization(b: flatbuffers.Builder, q: tuple[np.ndarray, np.ndarray, int]) -> int:
    """A QuantizationParameters table: scale (slot 2), zero_point (3), quantized_dimension (6)."""
    scales = b.CreateNumpyVector(np.asarray(q[0], np.float32).reshape(-1))
    zeros = b.CreateNumpyVector(np.asarray(q[1], np.int64).reshape(-1))
    b.StartObject(7)
    b.PrependUOffsetTRelativeSlot(2, scales, 0)
    b.PrependUOffsetTRelativeSlot(3, zeros, 0)
    b.PrependInt32Slot(6, int(q[2]), 0)
    return b.EndObject()


def write_model(m: OutModel) -> bytes:
    b = flatbuffers.Builder(1 << 16)
    buffers = []
    for data in m.buffers:
        d = _bytes(b, data) if data else None
        b.StartObject(1)
        if d is not None:
            b.PrependUOffsetTRelativeSlot(0, d, 0)
        buffers.append(b.EndObject())
    tensors = []
    for t in m.tensors:
        name, shape, sig = (
            b.CreateString(t.name),
            _int32s(b, t.shape),
            _int32s(b, t.shape_signature),
        )
        quant = _quantization(b, t.quantization) if t.quantization is not None else None
        b.StartObject(8)
        b.PrependUOffsetTRelativeSlot(0, shape, 0)
        b.PrependInt8Slot(1, t.type, 0)
        b.PrependUint32Slot(2, t.buffer, 0)
        b.PrependUOffsetTRelativeSlot(3, name, 0)
        if quant is not None:
            b.PrependUOffsetTRelativeSlot(4, quant, 0)
        b.PrependBoolSlot(5, t.is_variable, False)
        b.PrependUOffsetTRelativeSlot(7, sig, 0)
        tensors.append(b.EndObject())
    operators = []
    for op in m.operators:
        ins, outs = _int32s(b, op.inputs), _int32s(b, op.outputs)
        opts = _options(b, op.options) if op.options_type else None
        b.StartObject(5)
        b.PrependUint32Slot(0, op.opcode_index, 0)
        b.PrependUOffsetTRelativeSlot(1, ins, 0)
        b.PrependUOffsetTRelativeSlot(2, outs, 0)
        if opts is not None:
            b.PrependUint8Slot(3, op.options_type, 0)
            b.PrependUOffsetTRelativeSlot(4, opts, 0)
        operators.append(b.EndObject())
    sg_tensors, sg_ops = _offsets(b, tensors), _offsets(b, operators)
    sg_in, sg_out, sg_name = _int32s(b, m.inputs), _int32s(b, m.outputs), b.CreateString("main")
    b.StartObject(5)
    b.PrependUOffsetTRelativeSlot(0, sg_tensors, 0)
    b.PrependUOffsetTRelativeSlot(1, sg_in, 0)
    b.PrependUOffsetTRelativeSlot(2, sg_out, 0)
    b.PrependUOffsetTRelativeSlot(3, sg_ops, 0)
    b.PrependUOffsetTRelativeSlot(4, sg_name, 0)
    subgraph = b.EndObject()
    codes = []
    for code, version in m.opcodes:
        b.StartObject(4)
        b.PrependInt8Slot(0, min(code, 127), 0)  # deprecated_builtin_code (PLACEHOLDER_FOR_...)
        b.PrependInt32Slot(2, version, 1)
        b.PrependInt32Slot(3, code, 0)
        codes.append(b.EndObject())
    signatures = None
    if m.signature is not None:
        key, sig_in, sig_out = m.signature
        maps = []
        for named in (sig_in, sig_out):
            entries = []
            for name, index in named.items():
                s = b.CreateString(name)
                b.StartObject(2)
                b.PrependUOffsetTRelativeSlot(0, s, 0)
                b.PrependUint32Slot(1, index, 0)
                entries.append(b.EndObject())
            maps.append(_offsets(b, entries))
        k = b.CreateString(key)
        b.StartObject(5)
        b.PrependUOffsetTRelativeSlot(0, maps[0], 0)
        b.PrependUOffsetTRelativeSlot(1, maps[1], 0)
        b.PrependUOffsetTRelativeSlot(2, k, 0)
        b.PrependUint32Slot(4, 0, 0)
        signatures = _offsets(b, [b.EndObject()])
    codes_v, subgraphs_v = _offsets(b, codes), _offsets(b, [subgraph])
    buffers_v, desc = _offsets(b, buffers), b.CreateString(m.description)
    b.StartObject(8)
    b.PrependUint32Slot(0, SCHEMA_VERSION, 0)
    b.PrependUOffsetTRelativeSlot(1, codes_v, 0)
    b.PrependUOffsetTRelativeSlot(2, subgraphs_v, 0)
    b.PrependUOffsetTRelativeSlot(3, desc, 0)
    b.PrependUOffsetTRelativeSlot(4, buffers_v, 0)
    if signatures is not None:
        b.PrependUOffsetTRelativeSlot(7, signatures, 0)
    b.Finish(b.EndObject(), file_identifier=b"TFL3")
    return bytes(b.Output())
