"""LevelDB's sorted-table (SSTable) format, as TensorFlow writes a checkpoint's ``.index`` file.

Spec: tensorflow/tensorflow ``core/lib/io/table_builder.cc``, ``block_builder.cc``, ``format.cc``,
``format.h``, ``table_options.h`` (a copy of LevelDB's ``table/``). A table is::

    data block 0 .. data block n-1   sorted (key, value) entries, ~block_size bytes each
    metaindex block                  empty (TensorFlow writes no filter or stats blocks)
    index block                      one entry per data block: separator key -> BlockHandle
    footer (48 bytes)                metaindex handle, index handle, zero padding, magic

Each block is followed by a 5-byte trailer: the type byte (0: stored as is; 1: snappy) and the
masked CRC-32C of the block contents plus the type byte. Inside a block an entry is
``varint32 shared, varint32 non_shared, varint32 value_length, key[shared:], value``; every
``restart_interval``-th entry stores its whole key (``shared == 0``) and its offset is listed in
the restart array that ends the block (``uint32 offsets[], uint32 count``). A BlockHandle is
``varint64 offset, varint64 size``. TensorFlow's checkpoint writer uses block_size 262144, restart
interval 16 (1 for the index block) and no compression.

>>> data = write_table([(b"", b"header"), (b"w", b"\\x01\\x02"), (b"w/Adam", b"x")])
>>> read_table(data, "t.index")
[(b'', b'header'), (b'w', b'\\x01\\x02'), (b'w/Adam', b'x')]
"""

from __future__ import annotations

import struct

from ..framework import errors
from ..framework.runtime import core

BLOCK_SIZE = 262144  # table_options.h: block_size
RESTART_INTERVAL = 16  # table_options.h: block_restart_interval
MAGIC = 0xDB4775248B80FB57  # format.h: kTableMagicNumber
FOOTER_SIZE = 48  # format.h: 2 * BlockHandle::kMaxEncodedLength (20) + 8
TRAILER_SIZE = 5  # format.h: kBlockTrailerSize (type byte + CRC32C)
NO_COMPRESSION, SNAPPY_COMPRESSION = 0, 1

_U32 = struct.Struct("<I")


# ---- varints ------------------------------------------------------------------------------------
def put_varint(out: bytearray, n: int) -> None:
    """Appends ``n`` (>= 0) as a base-128 varint, low group first."""
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)


def get_varint(buf, pos: int, end: int) -> tuple[int, int]:
    """Decodes a varint at ``buf[pos]``; returns (value, next position). ValueError if truncated."""
    result = shift = 0
    while pos < end and shift < 64:
        b = buf[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7
    raise ValueError("truncated or overlong varint")


# ---- writing ------------------------------------------------------------------------------------
class _BlockBuilder:
    """block_builder.cc: prefix-compressed entries plus the restart array."""

    def __init__(self, restart_interval: int):
        self.interval = restart_interval
        self.reset()

    def reset(self) -> None:
        self.buf = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""

    def empty(self) -> bool:
        return not self.buf

    def size_estimate(self) -> int:
        return len(self.buf) + 4 * len(self.restarts) + 4

    def add(self, key: bytes, value: bytes) -> None:
        shared = 0
        if self.counter < self.interval:
            last = self.last_key
            n = min(len(last), len(key))
            while shared < n and last[shared] == key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buf))
            self.counter = 0
        put_varint(self.buf, shared)
        put_varint(self.buf, len(key) - shared)
        put_varint(self.buf, len(value))
        self.buf += key[shared:]
        self.buf += value
        self.last_key = key
        self.counter += 1

    def finish(self) -> bytearray:
        for r in self.restarts:
            self.buf += _U32.pack(r)
        self.buf += _U32.pack(len(self.restarts))
        return self.buf


def _shortest_separator(start: bytes, limit: bytes) -> bytes:
    """table_builder.cc FindShortestSeparator: a short key k with start <= k < limit."""
    n = min(len(start), len(limit))
    i = 0
    while i < n and start[i] == limit[i]:
        i += 1
    if i < n:
        b = start[i]
        if b < 0xFF and b + 1 < limit[i]:
            return start[:i] + bytes([b + 1])
    return start


def _short_successor(key: bytes) -> bytes:
    """table_builder.cc FindShortSuccessor: a short key >= ``key``."""
    for i, b in enumerate(key):
        if b != 0xFF:
            return key[:i] + bytes([b + 1])
    return key


def _encode_handle(out: bytearray, offset: int, size: int) -> None:
    put_varint(out, offset)
    put_varint(out, size)


def write_table(items, block_size: int | None = None, restart_interval: int | None = None) -> bytes:
    """Encodes ``items`` (an iterable of (key, value) bytes, keys strictly increasing) as a table.

    ``block_size`` and ``restart_interval`` default to ``BLOCK_SIZE`` and ``RESTART_INTERVAL``
    (TensorFlow's values), read at call time.

    Raises:
        ValueError: keys out of order or repeated.
    """
    block_size = BLOCK_SIZE if block_size is None else block_size
    restart_interval = RESTART_INTERVAL if restart_interval is None else restart_interval
    out = bytearray()
    data = _BlockBuilder(restart_interval)
    index = _BlockBuilder(1)  # table_builder.cc: index_block_options.block_restart_interval = 1
    pending = None  # handle of the last data block, waiting for the next key (its separator)
    last_key = None

    def write_block(block: _BlockBuilder) -> tuple[int, int]:
        raw = block.finish()
        offset = len(out)
        out.extend(raw)
        out.append(NO_COMPRESSION)
        out.extend(_U32.pack(core.masked_crc32c(memoryview(out)[offset:])))
        block.reset()
        return offset, len(raw)

    for key, value in items:
        key, value = bytes(key), bytes(value)
        if last_key is not None:
            if key <= last_key:
                raise ValueError(f"table keys must be strictly increasing: {last_key!r}, {key!r}")
            if len(key) + len(value) >= 2 * block_size and not data.empty():
                pending = write_block(data)  # kOverlyLargeBlockRatio
        if pending is not None:
            handle = bytearray()
            _encode_handle(handle, *pending)
            assert last_key is not None  # the pending block holds keys
            index.add(_shortest_separator(last_key, key), bytes(handle))
            pending = None
        last_key = key
        data.add(key, value)
        if data.size_estimate() >= block_size:
            pending = write_block(data)
    if not data.empty():
        pending = write_block(data)
    metaindex = write_block(_BlockBuilder(restart_interval))
    if pending is not None:
        handle = bytearray()
        _encode_handle(handle, *pending)
        assert last_key is not None  # the pending block holds keys
        index.add(_short_successor(last_key), bytes(handle))
    index_handle = write_block(index)
    footer = bytearray()
    _encode_handle(footer, *metaindex)
    _encode_handle(footer, *index_handle)
    footer.extend(bytes(FOOTER_SIZE - 8 - len(footer)))
    footer.extend(struct.pack("<II", MAGIC & 0xFFFFFFFF, MAGIC >> 32))
    out.extend(footer)
    return bytes(out)


# ---- reading ------------------------------------------------------------------------------------
def _loss(name: str, what: str) -> errors.DataLossError:
    return errors.DataLossError(
        None,
        None,
        f"Unable to read file ({name}). Perhaps the file is corrupt or was produced by a newer "
        f"version of TensorFlow with format changes ({what})",
    )


def _read_block(data, offset: int, size: int, name: str) -> memoryview:
    """format.cc ReadBlock: checks bounds, the CRC and the type byte; returns the contents."""
    end = offset + size + TRAILER_SIZE
    if offset < 0 or size < 0 or end > len(data) - FOOTER_SIZE:
        raise _loss(name, f"truncated block read: block [{offset}, {end}) past the data")
    mv = memoryview(data)
    stored = core.crc32c_unmask(_U32.unpack_from(data, offset + size + 1)[0])
    if core.crc32c(mv[offset : offset + size + 1]) != stored:
        raise _loss(name, f"block checksum mismatch in block at offset {offset}")
    kind = data[offset + size]
    if kind == SNAPPY_COMPRESSION:
        raise errors.UnimplementedError(
            None,
            None,
            f"{name}: block at offset {offset} is snappy-compressed, which this reader does not "
            "support (TensorFlow writes checkpoint indexes uncompressed)",
        )
    if kind != NO_COMPRESSION:
        raise _loss(name, f"bad block type {kind} at offset {offset}")
    return mv[offset : offset + size]


def _block_entries(block: memoryview, name: str, where: str) -> list[tuple[bytes, bytes]]:
    """block.cc: decodes every entry of a block, checking the restart array and prefixes."""
    n = len(block)
    if n < 4:
        raise _loss(name, f"bad block contents ({where}): too short")
    num_restarts = _U32.unpack_from(block, n - 4)[0]
    limit = n - 4 - 4 * num_restarts
    if num_restarts == 0 or limit < 0:
        raise _loss(name, f"bad block contents ({where}): {num_restarts} restart points")
    restarts = set(struct.unpack_from(f"<{num_restarts}I", block, limit))
    out = []
    pos = 0
    key = b""
    try:
        while pos < limit:
            entry_at = pos
            shared, pos = get_varint(block, pos, limit)
            non_shared, pos = get_varint(block, pos, limit)
            vlen, pos = get_varint(block, pos, limit)
            if shared > len(key) or pos + non_shared + vlen > limit:
                raise ValueError("entry overruns the block")
            if entry_at in restarts and shared:
                raise ValueError("restart point with a shared prefix")
            key = key[:shared] + bytes(block[pos : pos + non_shared])
            pos += non_shared
            out.append((key, bytes(block[pos : pos + vlen])))
            pos += vlen
    except ValueError as e:
        raise _loss(name, f"bad entry in {where}: {e}") from None
    return out


def read_table(data, name: str) -> list[tuple[bytes, bytes]]:
    """Decodes a whole table (bytes or any buffer) into its sorted (key, value) list.

    Every block's CRC is checked.

    Raises:
        errors.DataLossError: a bad footer or magic number, a block that is out of bounds, fails
            its checksum or does not decode, keys out of order (the message names ``name``).
        errors.UnimplementedError: a snappy-compressed block.
    """
    if len(data) < FOOTER_SIZE:
        raise _loss(name, f"file is too short ({len(data)} bytes) to be an sstable")
    foot = len(data) - FOOTER_SIZE
    lo, hi = struct.unpack_from("<II", data, len(data) - 8)
    if (hi << 32) | lo != MAGIC:
        raise _loss(name, "not an sstable (bad magic number)")
    try:
        meta_off, pos = get_varint(data, foot, len(data) - 8)
        meta_size, pos = get_varint(data, pos, len(data) - 8)
        index_off, pos = get_varint(data, pos, len(data) - 8)
        index_size, pos = get_varint(data, pos, len(data) - 8)
    except ValueError:
        raise _loss(name, "bad block handle in footer") from None
    _read_block(data, meta_off, meta_size, name)
    index = _block_entries(_read_block(data, index_off, index_size, name), name, "index block")
    out: list[tuple[bytes, bytes]] = []
    prev_sep = None
    for sep, handle in index:
        try:
            off, p = get_varint(handle, 0, len(handle))
            size, _ = get_varint(handle, p, len(handle))
        except ValueError:
            raise _loss(name, "bad block handle in index block") from None
        entries = _block_entries(_read_block(data, off, size, name), name, f"block at {off}")
        if (
            not entries
            or entries[-1][0] > sep
            or (prev_sep is not None and entries[0][0] <= prev_sep)
        ):
            raise _loss(name, f"index separator {sep!r} does not bound the block at {off}")
        prev_sep = sep
        out.extend(entries)
    for (a, _), (b, _) in zip(out, out[1:]):
        if a >= b:
            raise _loss(name, f"keys out of order: {a!r} then {b!r}")
    return out


def count_data_blocks(data) -> int:
    """The number of data blocks a table holds (entries of its index block); for tests."""
    foot = len(data) - FOOTER_SIZE
    _, pos = get_varint(data, foot, len(data))
    _, pos = get_varint(data, pos, len(data))
    index_off, pos = get_varint(data, pos, len(data))
    index_size, _ = get_varint(data, pos, len(data))
    return len(_block_entries(_read_block(data, index_off, index_size, ""), "", "index block"))
