"""TFRecord files (``tf.io.TFRecordWriter``, ``tf.io.tf_record_iterator``,
``tf.io.TFRecordOptions``, ``tf.io.TFRecordCompressionType``; ``tf.python_io`` in TF 1.x).

A record is framed as the little-endian uint64 length, the masked CRC-32C of those 8 bytes, the
data, and the masked CRC-32C of the data (computed in C++). A file is optionally compressed as a
whole: ``GZIP`` (a gzip stream) or ``ZLIB`` (a zlib stream), as TF's writer makes them.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from collections.abc import Iterator
from typing import Any, BinaryIO, ClassVar

from ..framework import errors
from ..framework.runtime import core

_LEN = struct.Struct("<Q")
_CRC = struct.Struct("<I")


def tfrecord(data: bytes) -> bytes:
    """``data`` framed as one TFRecord (length, masked CRC of the length, data, masked CRC)."""
    header = _LEN.pack(len(data))
    return b"".join(
        (
            header,
            _CRC.pack(core.masked_crc32c(header)),
            data,
            _CRC.pack(core.masked_crc32c(data)),
        )
    )


class TFRecordCompressionType:
    """The compression of a TFRecord file."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_NAMES = {
    TFRecordCompressionType.NONE: "",
    TFRecordCompressionType.ZLIB: "ZLIB",
    TFRecordCompressionType.GZIP: "GZIP",
}


class TFRecordOptions:
    """How a TFRecord file is compressed (``compression_type``: a ``TFRecordCompressionType``
    or its name, ``"ZLIB"``, ``"GZIP"``, ``""``/``None``); the zlib settings as TF's."""

    compression_type_map: ClassVar[dict[int, str]] = {
        TFRecordCompressionType.ZLIB: "ZLIB",
        TFRecordCompressionType.GZIP: "GZIP",
        TFRecordCompressionType.NONE: "",
    }

    def __init__(
        self,
        compression_type: Any = None,
        flush_mode: int | None = None,
        input_buffer_size: int | None = None,
        output_buffer_size: int | None = None,
        window_bits: int | None = None,
        compression_level: int | None = None,
        compression_method: int | None = None,
        mem_level: int | None = None,
        compression_strategy: int | None = None,
    ) -> None:
        if compression_type is None:
            compression_type = ""
        if isinstance(compression_type, int):
            if compression_type not in _NAMES:
                raise ValueError(f"Unsupported compression type: {compression_type!r}")
            compression_type = _NAMES[compression_type]
        if compression_type not in ("", "ZLIB", "GZIP"):
            raise ValueError(f"Unsupported compression type: {compression_type!r}")
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options: Any) -> str:
        """The compression's name (``""``, ``"ZLIB"``, ``"GZIP"``) of ``options`` (a
        ``TFRecordOptions``, a ``TFRecordCompressionType`` or a name)."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return cls(options).compression_type


def _compression(options: Any) -> str:
    return TFRecordOptions.get_compression_type_string(options)


class TFRecordWriter:
    """Writes records to a TFRecord file (``with tf.io.TFRecordWriter(path) as w: w.write(b)``)."""

    def __init__(self, path: str, options: Any = None) -> None:
        self._path = path
        self._kind = _compression(options)
        level = -1
        if isinstance(options, TFRecordOptions) and options.compression_level is not None:
            level = options.compression_level
        try:
            self._file: BinaryIO | None = open(path, "wb")  # noqa: SIM115 (closed by close())
        except OSError as e:
            raise errors.NotFoundError(None, None, f"{path}; {e.strerror}") from None
        self._zip: Any = None
        if self._kind == "ZLIB":
            self._zip = zlib.compressobj(level)
        elif self._kind == "GZIP":
            self._zip = zlib.compressobj(level, zlib.DEFLATED, 16 + zlib.MAX_WBITS)

    def write(self, record: bytes) -> None:
        """Appends one record (bytes)."""
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "File is closed.")
        if isinstance(record, str):
            record = record.encode()
        data = tfrecord(bytes(record))
        self._file.write(data if self._zip is None else self._zip.compress(data))

    def flush(self) -> None:
        if self._file is None:
            raise errors.FailedPreconditionError(None, None, "File is closed.")
        if self._zip is not None:
            self._file.write(self._zip.flush(zlib.Z_SYNC_FLUSH))
        self._file.flush()

    def close(self) -> None:
        if self._file is None:
            return
        if self._zip is not None:
            self._file.write(self._zip.flush())
        self._file.close()
        self._file = None

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _read(path: str, kind: str) -> bytes:
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except OSError as e:
        raise errors.NotFoundError(None, None, f"{path}; {e.strerror}") from None
    try:
        if kind == "GZIP":
            return gzip.decompress(data)
        if kind == "ZLIB":
            return zlib.decompress(data)
    except (OSError, EOFError, zlib.error) as e:  # (a truncated or corrupt stream)
        raise errors.DataLossError(None, None, f"{path}: corrupt {kind} stream ({e})") from None
    return data


def records(data: bytes, path: str) -> Iterator[bytes]:
    """The records framed in ``data`` (the contents of ``path``), checking both CRCs of each: a
    damaged record, or a last one cut after its header, raises ``DataLossError`` naming the file
    and offset; one cut inside its 12-byte header ends the iteration (as TF's reader)."""
    pos = 0
    while pos < len(data):
        if pos + 12 > len(data):
            return
        header = data[pos : pos + 8]
        (n,) = _LEN.unpack(header)
        (crc,) = _CRC.unpack_from(data, pos + 8)
        if crc != core.masked_crc32c(header):
            raise errors.DataLossError(None, None, f"corrupted record at {pos} in {path}")
        end = pos + 12 + n
        if end + 4 > len(data):
            raise errors.DataLossError(None, None, f"truncated record at {pos} in {path}")
        payload = data[pos + 12 : end]
        (crc,) = _CRC.unpack_from(data, end)
        if crc != core.masked_crc32c(payload):
            raise errors.DataLossError(None, None, f"corrupted record at {pos} in {path}")
        yield payload
        pos = end + 4


def tf_record_iterator(path: str, options: Any = None) -> Iterator[bytes]:
    """Yields the records of a TFRecord file (compressed as ``options`` says)."""
    yield from records(_read(path, _compression(options)), path)
