"""Writing and reading an object-based checkpoint's tensor bundle: the variables' values plus the
scalar string tensor ``_CHECKPOINTABLE_OBJECT_GRAPH`` (TF's ``DT_STRING``), which
``_tensor_bundle.write_bundle`` (numeric tensors only) does not store.

A string tensor's bytes in the data file are, as TF's ``BundleWriter`` writes them: the varint64
length of each element, the masked CRC-32C of the lengths (each taken as a little-endian
uint32, or uint64 when it does not fit), then the elements' bytes; the entry's checksum covers
all of it (lengths as uint32, the length checksum, the bytes).
"""

from __future__ import annotations

import contextlib
import os
import struct

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.runtime import core
from ..io import _leveldb_table as table
from ..io._tensor_bundle import (
    DTYPE_ENUM,
    BundleReader,
    data_filename,
    encode_entry,
    encode_header,
    index_filename,
)
from ..io.file_io import temp_name

DT_STRING = 7


def _string_bytes(value: bytes) -> tuple[bytes, int]:
    """A scalar string's bytes in the data file and their (unmasked) CRC-32C."""
    lengths = bytearray()
    table.put_varint(lengths, len(value))
    width = "<I" if len(value) <= 0xFFFFFFFF else "<Q"  # TF checksums a length as a uint32
    crc = core.crc32c(np.frombuffer(struct.pack(width, len(value)), np.uint8))
    length_crc = struct.pack("<I", core.crc32c_mask(crc))
    crc = core.crc32c(np.frombuffer(length_crc, np.uint8), crc)
    if value:
        crc = core.crc32c(np.frombuffer(value, np.uint8), crc)
    return bytes(lengths) + length_crc + value, crc


def write_object_bundle(prefix: str, tensors: list, strings: dict[str, bytes]) -> None:
    """Writes ``tensors`` ((key, ndarray) pairs) and scalar ``strings`` {key: bytes} as one V2
    checkpoint, data in key order; files staged under temporary names and renamed (data, then
    index), as ``write_bundle``."""
    items = [(k, np.asarray(a)) for k, a in tensors] + list(strings.items())
    items.sort(key=lambda p: p[0].encode())
    data_path, index_path = data_filename(prefix), index_filename(prefix)
    data_tmp, index_tmp = temp_name(data_path), temp_name(index_path)
    entries: list[tuple[str, int, tuple, int, int, int]] = []
    offset = 0
    try:
        with open(data_tmp, "wb") as f:
            for key, value in items:
                if isinstance(value, bytes):
                    raw, crc = _string_bytes(value)
                    entries.append((key, DT_STRING, (), offset, len(raw), core.crc32c_mask(crc)))
                else:
                    dt = _dt.as_dtype(value.dtype)
                    if dt not in DTYPE_ENUM:
                        raise ValueError(f"cannot checkpoint {key}: dtype {dt.name}")
                    arr = np.asarray(value, value.dtype.newbyteorder("<"), order="C")
                    flat = arr.reshape(-1).view(np.uint8)
                    raw = flat.tobytes()
                    crc = core.crc32c(flat) if flat.size else 0
                    entries.append(
                        (key, DTYPE_ENUM[dt], arr.shape, offset, len(raw), core.crc32c_mask(crc))
                    )
                f.write(raw)
                offset += len(raw)
        index = table.write_table(
            [(b"", encode_header())] + [(e[0].encode(), encode_entry(*e[1:])) for e in entries]
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


def read_string(reader: BundleReader, key: str) -> bytes:
    """The scalar string tensor ``key`` (CRC-checked).

    Raises:
        errors.NotFoundError: no such key.
        errors.DataLossError: a bad length, size or checksum.
    """
    e = reader.entry(key)
    if e.dtype_enum != DT_STRING or e.shape:
        raise errors.InvalidArgumentError(
            None, None, f"{key} in checkpoint {reader.prefix} is not a scalar string"
        )
    path = data_filename(reader.prefix, e.shard_id, reader.num_shards)
    with open(path, "rb") as f:
        f.seek(e.offset)
        raw = f.read(e.size)
    try:
        n, pos = table.get_varint(raw, 0, len(raw))
    except ValueError:
        n, pos = -1, 0
    value = raw[pos + 4 : pos + 4 + n]
    if n < 0 or len(raw) != e.size or pos + 4 + n != e.size:
        raise errors.DataLossError(None, None, f"{path}: truncated string tensor {key}")
    _, crc = _string_bytes(value)
    if core.crc32c_mask(crc) != e.crc32c:
        raise errors.DataLossError(
            None, None, f"Checksum does not match for {key} in checkpoint {reader.prefix}"
        )
    return value
