"""TensorFlow's tensor bundle (the V2 checkpoint format): ``P.index`` + ``P.data-00000-of-00001``.

Spec: tensorflow/tensorflow ``core/util/tensor_bundle/tensor_bundle.cc`` (BundleWriter,
BundleReader), ``core/protobuf/tensor_bundle.proto``, ``core/framework/types.proto``,
``tensor_shape.proto``, ``versions.proto``.

- ``P.index`` is a LevelDB table (``_leveldb_table``). Key ``""`` holds a ``BundleHeaderProto``
  (num_shards=1, endianness=2, version=3: a ``VersionDef`` with producer=1); every tensor name
  holds a ``BundleEntryProto`` (dtype=1, shape=2 as ``TensorShapeProto{dim=2 {size=1}}``,
  shard_id=3, offset=4, size=5, crc32c=6 as fixed32: the masked CRC-32C of the tensor's bytes).
- ``P.data-00000-of-00001`` holds the tensors' raw little-endian bytes back to back, in key order,
  without padding (``data_alignment`` 1).

The two messages are encoded here with a small protobuf wire codec (no package but TensorFlow
ships them). Proto3 leaves fields at their default value out, as TensorFlow's encoder does, so
the bytes written match TensorFlow's for the same tensors.

Files are written under temporary names in the destination directory and renamed into place,
data first, then the index (what TensorFlow's BundleWriter does), so a reader never sees an index
whose data is incomplete. Nothing is fsync'ed (TensorFlow does not either): the renames are
atomic with respect to other processes and to a crash of this one, but not to a power loss.

>>> import os, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> prefix = os.path.join(tmp.name, "model")
>>> write_bundle(prefix, [("w", np.arange(6, dtype=np.float32).reshape(2, 3))])
>>> r = BundleReader(prefix)
>>> r.shapes(), r.read("w")[1]
({'w': [2, 3]}, array([3., 4., 5.], dtype=float32))
>>> tmp.cleanup()
"""

from __future__ import annotations

import contextlib
import os
import struct
import sys

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.runtime import core
from . import _leveldb_table as table
from .file_io import temp_name

# types.proto DataType values for the dtypes tflite_core has
DTYPE_ENUM = {
    _dt.float32: 1,  # DT_FLOAT
    _dt.float64: 2,  # DT_DOUBLE
    _dt.int32: 3,  # DT_INT32
    _dt.uint8: 4,  # DT_UINT8
    _dt.int16: 5,  # DT_INT16
    _dt.int8: 6,  # DT_INT8
    _dt.int64: 9,  # DT_INT64
    _dt.bool: 10,  # DT_BOOL
    _dt.float16: 19,  # DT_HALF
}
ENUM_DTYPE = {v: k for k, v in DTYPE_ENUM.items()}
ENUM_NAME = {
    1: "DT_FLOAT",
    2: "DT_DOUBLE",
    3: "DT_INT32",
    4: "DT_UINT8",
    5: "DT_INT16",
    6: "DT_INT8",
    7: "DT_STRING",
    9: "DT_INT64",
    10: "DT_BOOL",
    19: "DT_HALF",
}
BUNDLE_VERSION = 1  # tensor_bundle.cc: kTensorBundleVersion (written as the producer)
_CHUNK = 1 << 20  # bytes staged per write: small enough to stay in L2 between copy, CRC, write
_U32 = struct.Struct("<I")


def data_filename(prefix: str, shard: int = 0, num_shards: int = 1) -> str:
    """naming.cc DataFilename: ``prefix.data-00000-of-00001``."""
    return f"{prefix}.data-{shard:05d}-of-{num_shards:05d}"


def index_filename(prefix: str) -> str:
    """naming.cc MetaFilename: ``prefix.index``."""
    return f"{prefix}.index"


# ---- protobuf wire codec ------------------------------------------------------------------------
def _field(out: bytearray, number: int, wire: int) -> None:
    table.put_varint(out, (number << 3) | wire)


def varint_field(out: bytearray, number: int, value: int) -> None:
    """Appends a varint field, leaving it out when it is 0 (proto3's default)."""
    if value:  # proto3: a default value is not written
        _field(out, number, 0)
        table.put_varint(out, value & 0xFFFFFFFFFFFFFFFF)


def bytes_field(out: bytearray, number: int, value: bytes) -> None:
    """Appends a length-delimited field (a string, bytes or a message), even when empty."""
    _field(out, number, 2)
    table.put_varint(out, len(value))
    out += value


def encode_header(num_shards: int = 1) -> bytes:
    """BundleHeaderProto{num_shards, endianness=LITTLE (0, so absent), version{producer=1}}."""
    out = bytearray()
    varint_field(out, 1, num_shards)
    version = bytearray()
    varint_field(version, 1, BUNDLE_VERSION)  # VersionDef.producer; min_consumer 0
    bytes_field(out, 3, bytes(version))
    return bytes(out)


def encode_shape(shape) -> bytes:
    """TensorShapeProto: one ``dim {size: n}`` per dimension (size 0 leaves the Dim empty)."""
    out = bytearray()
    for n in shape:
        dim = bytearray()
        varint_field(dim, 1, int(n))
        bytes_field(out, 2, bytes(dim))
    return bytes(out)


def encode_entry(dtype_enum: int, shape, offset: int, size: int, masked_crc: int) -> bytes:
    """BundleEntryProto for a tensor stored whole in shard 0."""
    out = bytearray()
    varint_field(out, 1, dtype_enum)
    bytes_field(out, 2, encode_shape(shape))  # always present, even for a scalar
    varint_field(out, 4, offset)
    varint_field(out, 5, size)
    _field(out, 6, 5)
    out += _U32.pack(masked_crc)
    return bytes(out)


def parse_message(buf: bytes) -> dict[int, list]:
    """Decodes one protobuf message into {field number: [values]} (varints as ints, length-
    delimited fields as bytes, fixed32/fixed64 as ints). ValueError when malformed."""
    fields: dict[int, list] = {}
    pos, end = 0, len(buf)
    while pos < end:
        tag, pos = table.get_varint(buf, pos, end)
        number, wire = tag >> 3, tag & 7
        value: int | bytes
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, pos = table.get_varint(buf, pos, end)
        elif wire == 1:
            if pos + 8 > end:
                raise ValueError("truncated fixed64")
            value = struct.unpack_from("<Q", buf, pos)[0]
            pos += 8
        elif wire == 2:
            n, pos = table.get_varint(buf, pos, end)
            if pos + n > end:
                raise ValueError("truncated length-delimited field")
            value = bytes(buf[pos : pos + n])
            pos += n
        elif wire == 5:
            if pos + 4 > end:
                raise ValueError("truncated fixed32")
            value = _U32.unpack_from(buf, pos)[0]
            pos += 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        fields.setdefault(number, []).append(value)
    return fields


def _int64(v: int) -> int:
    return v - (1 << 64) if v >= 1 << 63 else v


class Entry:
    """A decoded BundleEntryProto."""

    __slots__ = ("crc32c", "dtype_enum", "offset", "shape", "shard_id", "size", "sliced")

    def __init__(self, buf: bytes):
        f = parse_message(buf)
        last = lambda n, d=0: f[n][-1] if n in f else d  # noqa: E731 - proto3: last one wins
        self.dtype_enum = last(1)
        self.shape = []
        for dim in parse_message(last(2, b"")).get(2, []):
            size = _int64(parse_message(dim).get(1, [0])[-1])
            if size < 0:
                raise ValueError(f"negative dimension {size}")
            self.shape.append(size)
        self.shard_id = last(3)
        self.offset = _int64(last(4))
        self.size = _int64(last(5))
        self.crc32c = last(6)
        self.sliced = 7 in f


# ---- writing ------------------------------------------------------------------------------------
def _write_all(fd: int, mv: memoryview) -> None:
    while mv:
        mv = mv[os.write(fd, mv) :]


def write_bundle(prefix: str, tensors) -> None:
    """Writes ``tensors`` ((name, ndarray) pairs, unique non-empty names) as a V2 checkpoint.

    Each array is copied through a small staging buffer on its way to the file and the CRC is
    taken on the staged bytes (as TensorFlow's FileOutputBuffer does), so a variable updated by
    another thread meanwhile cannot leave a checksum that disagrees with the data written.
    """
    items = sorted(((str(n), a) for n, a in tensors), key=lambda p: p[0].encode())
    names = [n for n, _ in items]
    if len(set(names)) != len(names) or "" in names:
        raise ValueError(f"tensor names must be unique and non-empty: {names}")
    data_path, index_path = data_filename(prefix), index_filename(prefix)
    data_tmp, index_tmp = temp_name(data_path), temp_name(index_path)
    staging = np.empty(_CHUNK, np.uint8)
    entries = []
    offset = 0
    try:
        fd = os.open(data_tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)
        try:
            for name, arr in items:
                dt = _dt.as_dtype(arr.dtype)
                if dt not in DTYPE_ENUM:
                    raise ValueError(f"cannot checkpoint {name}: dtype {dt.name}")
                if sys.byteorder != "little" or not arr.flags.c_contiguous:
                    arr = np.ascontiguousarray(arr, arr.dtype.newbyteorder("<"))
                flat = arr.reshape(-1).view(np.uint8)
                crc = 0
                for i in range(0, flat.size, _CHUNK):
                    n = min(_CHUNK, flat.size - i)
                    chunk = staging[:n]
                    np.copyto(chunk, flat[i : i + n])
                    crc = core.crc32c(chunk, crc)
                    _write_all(fd, chunk.data)
                entries.append(
                    (name, DTYPE_ENUM[dt], arr.shape, offset, flat.size, core.crc32c_mask(crc))
                )
                offset += flat.size
        finally:
            os.close(fd)
        index = table.write_table(
            [(b"", encode_header())]
            + [(name.encode(), encode_entry(*rest)) for name, *rest in entries]
        )
        with open(index_tmp, "wb") as f:
            f.write(index)
        os.replace(data_tmp, data_path)
        os.replace(index_tmp, index_path)
    except BaseException:
        for p in (data_tmp, index_tmp):
            with contextlib.suppress(OSError):
                os.remove(p)
        raise


def remove_bundle(prefix: str, num_shards: int = 1) -> None:
    """Deletes a bundle's files, the index first (which makes the checkpoint vanish at once)."""
    for p in [index_filename(prefix)] + [
        data_filename(prefix, i, num_shards) for i in range(num_shards)
    ]:
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)


# ---- reading ------------------------------------------------------------------------------------
def _not_found(prefix: str) -> errors.NotFoundError:
    return errors.NotFoundError(
        None,
        None,
        "Unsuccessful TensorSliceReader constructor: Failed to find any matching files for "
        f"{prefix}",
    )


class BundleReader:
    """Reads a V2 checkpoint: the whole index at open, each tensor on demand (CRC-checked).

    Raises (at open):
        errors.NotFoundError: no ``prefix.index``.
        errors.DataLossError: a corrupt index (the message names the file).
    """

    def __init__(self, prefix: str):
        self.prefix = prefix
        path = index_filename(prefix)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except (FileNotFoundError, NotADirectoryError):
            raise _not_found(prefix) from None
        items = table.read_table(data, path)
        if not items or items[0][0] != b"":
            raise table._loss(path, "failed to seek to header entry")
        try:
            header = parse_message(items[0][1])
            self.num_shards = header.get(1, [1])[-1]
            big_endian = header.get(2, [0])[-1] == 1
            version = parse_message(header.get(3, [b""])[-1])
        except ValueError as e:
            raise table._loss(path, f"unable to parse header: {e}") from None
        min_consumer = version.get(2, [0])[-1]
        if min_consumer > BUNDLE_VERSION or BUNDLE_VERSION in version.get(3, []):
            raise errors.InvalidArgumentError(
                None,
                None,
                f"Checkpoint min consumer version {min_consumer} above current version "
                f"{BUNDLE_VERSION} for checkpoint {prefix}",
            )
        self._swap = big_endian != (sys.byteorder == "big")
        self.entries: dict[str, Entry] = {}
        for key, value in items[1:]:
            name = key.decode("utf-8", "surrogateescape")
            try:
                self.entries[name] = Entry(value)
            except ValueError as e:
                raise table._loss(path, f"entry for key {name} not parseable: {e}") from None

    def entry(self, name: str) -> Entry:
        e = self.entries.get(name)
        if e is None:
            raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint")
        return e

    def dtype(self, name: str) -> _dt.DType:
        e = self.entry(name)
        dt = ENUM_DTYPE.get(e.dtype_enum)
        if dt is None:
            raise errors.UnimplementedError(
                None,
                None,
                f"Checkpoint {self.prefix}: tensor {name} has dtype "
                f"{ENUM_NAME.get(e.dtype_enum, e.dtype_enum)}, which tflite_core cannot load",
            )
        return dt

    def shapes(self) -> dict[str, list[int]]:
        return {n: list(e.shape) for n, e in self.entries.items() if not e.sliced}

    def read(self, name: str, out: np.ndarray | None = None) -> np.ndarray:
        """The tensor ``name``, read into ``out`` (C-contiguous, right dtype and shape) if given.

        Raises:
            errors.NotFoundError: no such key.
            errors.DataLossError: size, offset or CRC32C disagree with the data file.
        """
        e = self.entry(name)
        dt = self.dtype(name)
        if e.sliced:
            raise errors.UnimplementedError(
                None, None, f"{name} is a partitioned tensor, which tflite_core cannot load"
            )
        path = data_filename(self.prefix, e.shard_id, self.num_shards)
        nbytes = int(np.prod(e.shape, dtype=np.int64)) * dt.size
        if e.size != nbytes:
            raise errors.DataLossError(
                None,
                None,
                f"Invalid size in bundle entry: key {name}; stored size {e.size}; expected size "
                f"{nbytes} (checkpoint {self.prefix})",
            )
        if out is None:
            out = np.empty(e.shape, dt.np)
        mv = out.reshape(-1).view(np.uint8).data
        try:
            with open(path, "rb", buffering=0) as f:
                size = os.fstat(f.fileno()).st_size
                if e.offset < 0 or e.offset + e.size > size:
                    raise errors.DataLossError(
                        None,
                        None,
                        f"{path}: truncated: tensor {name} needs bytes [{e.offset}, "
                        f"{e.offset + e.size}) of a {size}-byte file",
                    )
                f.seek(e.offset)
                got = 0
                while got < e.size:
                    n = f.readinto(mv[got:])
                    if not n:
                        break
                    got += n
        except (FileNotFoundError, NotADirectoryError):
            raise errors.NotFoundError(
                None, None, f"Data file {path} of checkpoint {self.prefix} not found"
            ) from None
        if got != e.size:
            raise errors.DataLossError(None, None, f"{path}: truncated reading tensor {name}")
        actual = core.crc32c(mv)
        if core.crc32c_mask(actual) != e.crc32c:
            raise errors.DataLossError(
                None,
                None,
                f"TensorBundle at {self.prefix} shard {e.shard_id} ({e.size} bytes): Checksum "
                f"does not match: stored {core.crc32c_unmask(e.crc32c):08d} vs. calculated on "
                f"the restored bytes {actual:08d} (tensor {name} in {path})",
            )
        if self._swap:
            out.byteswap(inplace=True)
        return out
