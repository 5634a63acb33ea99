"""Reading a ``.tflite`` file: the tables of TFLite's flatbuffer schema that the interpreter uses
(``tensorflow/compiler/mlir/lite/schema/schema.fbs``: Model, SubGraph, Tensor, Operator,
OperatorCode, Buffer, SignatureDef, QuantizationParameters and the options tables), read with
``struct`` into plain objects.

A flatbuffer is read in place: a table starts with a signed offset back to its vtable, whose
16-bit entries give each field's offset in the table (0: absent, the schema's default applies);
strings, vectors and sub-tables are reached through unsigned 32-bit offsets relative to where
they are stored. Every read is bounds-checked: a truncated or corrupt file raises
``ModelDataLossError`` (a ``tf.errors.DataLossError`` and the ValueError LiteRT raises), never
reads outside the buffer.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .lite_errors import ModelDataLossError

IDENTIFIER = b"TFL3"


class _Reader:
    """Bounds-checked little-endian reads of a flatbuffer."""

    def __init__(self, buf: bytes):
        self.buf = memoryview(buf)
        self.n = len(buf)

    def get(self, fmt: str, pos: int) -> Any:
        size = struct.calcsize(fmt)
        if pos < 0 or pos + size > self.n:
            raise ValueError(f"offset {pos} is outside the model's {self.n} bytes")
        return struct.unpack_from("<" + fmt, self.buf, pos)[0]

    def table(self, pos: int) -> _Table:
        vtable = pos - self.get("i", pos)
        vsize = self.get("H", vtable)
        if vsize < 4 or vsize % 2:
            raise ValueError(f"table at {pos} has a malformed vtable")
        self.get("B", vtable + vsize - 1)  # (the whole vtable is inside the buffer)
        return _Table(self, pos, vtable, vsize)


class _Table:
    def __init__(self, r: _Reader, pos: int, vtable: int, vsize: int):
        self.r, self.pos, self.vtable, self.vsize = r, pos, vtable, vsize

    def _field(self, i: int) -> int:
        at = 4 + 2 * i
        if at >= self.vsize:
            return 0
        off = self.r.get("H", self.vtable + at)
        return self.pos + off if off else 0

    def scalar(self, i: int, fmt: str, default: Any) -> Any:
        p = self._field(i)
        return self.r.get(fmt, p) if p else default

    def _target(self, i: int) -> int:
        p = self._field(i)
        return p + self.r.get("I", p) if p else 0

    def table(self, i: int) -> _Table | None:
        t = self._target(i)
        return self.r.table(t) if t else None

    def _vector(self, i: int, elem_size: int) -> tuple[int, int]:
        t = self._target(i)
        if not t:
            return 0, 0
        n = self.r.get("I", t)
        if t + 4 + n * elem_size > self.r.n:
            raise ValueError(f"a vector of {n} elements at {t} runs past the model's end")
        return t + 4, n

    def string(self, i: int) -> str:
        start, n = self._vector(i, 1)
        return bytes(self.r.buf[start : start + n]).decode("utf-8", "replace") if n else ""

    def numbers(self, i: int, dtype: Any) -> np.ndarray:
        dt = np.dtype(dtype).newbyteorder("<")
        start, n = self._vector(i, dt.itemsize)
        return np.frombuffer(self.r.buf, dt, n, start).astype(dt.newbyteorder("="))

    def raw(self, i: int) -> bytes:
        start, n = self._vector(i, 1)
        return bytes(self.r.buf[start : start + n])

    def tables(self, i: int) -> list[_Table]:
        start, n = self._vector(i, 4)
        return [self.r.table(start + 4 * k + self.r.get("I", start + 4 * k)) for k in range(n)]


# ---- the model's objects -----------------------------------------------------------------------
@dataclass
class Quantization:
    scales: np.ndarray
    zero_points: np.ndarray
    quantized_dimension: int


@dataclass
class TensorInfo:
    name: str
    type: int  # TensorType
    shape: list[int]
    shape_signature: list[int]
    buffer: int
    quantization: Quantization
    is_variable: bool


@dataclass
class OperatorInfo:
    opcode: int  # builtin code (or -1 for a custom op)
    custom_code: str
    version: int
    inputs: list[int]
    outputs: list[int]
    options: _Table | None
    options_type: int


@dataclass
class SubGraph:
    name: str
    tensors: list[TensorInfo]
    inputs: list[int]
    outputs: list[int]
    operators: list[OperatorInfo]


@dataclass
class Signature:
    key: str
    subgraph: int
    inputs: dict[str, int]
    outputs: dict[str, int]


@dataclass
class Model:
    version: int
    description: str
    subgraphs: list[SubGraph]
    buffers: list[bytes]
    signatures: list[Signature] = field(default_factory=list)


def _quantization(t: _Table | None) -> Quantization:
    if t is None:
        return Quantization(np.zeros(0, np.float32), np.zeros(0, np.int64), 0)
    return Quantization(t.numbers(2, np.float32), t.numbers(3, np.int64), t.scalar(6, "i", 0))


def _tensor(t: _Table) -> TensorInfo:
    shape = [int(d) for d in t.numbers(0, np.int32)]
    signature = [int(d) for d in t.numbers(7, np.int32)] or list(shape)
    return TensorInfo(
        name=t.string(3),
        type=t.scalar(1, "b", 0),
        shape=shape,
        shape_signature=signature,
        buffer=t.scalar(2, "I", 0),
        quantization=_quantization(t.table(4)),
        is_variable=bool(t.scalar(5, "B", 0)),
    )


def _opcode(t: _Table) -> tuple[int, str, int]:
    # builtin_code (int32, since schema 3a) or, in older files, deprecated_builtin_code (int8):
    # TF takes the larger of the two
    code = max(t.scalar(3, "i", 0), t.scalar(0, "b", 0))
    return code, t.string(1), t.scalar(2, "i", 1)


def read_model(content: bytes) -> Model:
    """The model of a ``.tflite`` file's bytes; ValueError when they are not one."""
    if len(content) < 8:
        raise ModelDataLossError(
            f"The model is not a valid Flatbuffer buffer ({len(content)} bytes)"
        )
    ident = bytes(content[4:8])
    if ident != IDENTIFIER:
        raise ModelDataLossError(
            f"Model provided has model identifier '{ident.decode('latin-1')}', should be "
            f"'{IDENTIFIER.decode()}'"
        )
    try:
        return _read(_Reader(content))
    except (ValueError, struct.error, OverflowError) as e:
        raise ModelDataLossError(f"The model is not a valid Flatbuffer buffer: {e}") from None


def _read(r: _Reader) -> Model:
    root = r.table(r.get("I", 0))
    codes = [_opcode(t) for t in root.tables(1)]
    subgraphs = []
    for sg in root.tables(2):
        tensors = [_tensor(t) for t in sg.tables(0)]
        ops = []
        for op in sg.tables(3):
            k = op.scalar(0, "I", 0)
            if k >= len(codes):
                raise ValueError(f"operator code index {k} out of {len(codes)} codes")
            code, custom, version = codes[k]
            ins = [int(i) for i in op.numbers(1, np.int32)]
            outs = [int(i) for i in op.numbers(2, np.int32)]
            for i in ins + outs:
                if i >= len(tensors) or i < -1:
                    raise ValueError(f"tensor index {i} out of {len(tensors)} tensors")
            ops.append(
                OperatorInfo(code, custom, version, ins, outs, op.table(4), op.scalar(3, "B", 0))
            )
        ios = [[int(i) for i in sg.numbers(k, np.int32)] for k in (1, 2)]
        for i in ios[0] + ios[1]:
            if not 0 <= i < len(tensors):
                raise ValueError(f"tensor index {i} out of {len(tensors)} tensors")
        subgraphs.append(SubGraph(sg.string(4), tensors, ios[0], ios[1], ops))
    buffers = []
    for b in root.tables(4):
        if b.scalar(1, "Q", 0) > 1:  # (data after the flatbuffer: models over 2 GB)
            raise ValueError("buffers stored outside the flatbuffer (models over 2 GB)")
        buffers.append(b.raw(0))
    for graph in subgraphs:
        for t in graph.tensors:
            if t.buffer >= max(len(buffers), 1):
                raise ValueError(f"tensor '{t.name}' refers to buffer {t.buffer} of {len(buffers)}")
    signatures = []
    for s in root.tables(7):
        maps = [{m.string(0): m.scalar(1, "I", 0) for m in s.tables(k)} for k in (0, 1)]
        signatures.append(Signature(s.string(2), s.scalar(4, "I", 0), maps[0], maps[1]))
    if not subgraphs:
        raise ValueError("the model has no subgraph")
    return Model(root.scalar(0, "I", 0), root.string(3), subgraphs, buffers, signatures)
