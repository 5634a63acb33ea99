"""PNG as bytes, in NumPy: an encoder (any bit depth and channel count TF's ``EncodePng`` takes)
and a decoder of the 16-bit colour PNGs that Pillow reduces to 8 bits (gray + alpha, RGB, RGBA at
16 bits; not interlaced). Everything else is decoded with Pillow.

The encoder writes filter type 0 (None) rows deflated with ``zlib`` at the requested level: its
bytes differ from libpng's (TF's), its pixels do not.
"""

from __future__ import annotations

import struct
import zlib

import numpy as np

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_COLOR_TYPE = {1: 0, 2: 4, 3: 2, 4: 6}  # channels -> PNG colour type
_CHANNELS = {0: 1, 4: 2, 2: 3, 6: 4}  # PNG colour type -> channels


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(image: np.ndarray, compression: int = -1) -> bytes:
    """A PNG of the ``[h, w, c]`` uint8 or uint16 array ``image`` (c in 1..4)."""
    h, w, c = image.shape
    depth = 16 if image.dtype == np.uint16 else 8
    rows = image.astype(">u2" if depth == 16 else np.uint8).reshape(h, -1).view(np.uint8)
    raw = np.concatenate([np.zeros((h, 1), np.uint8), rows.reshape(h, -1)], axis=1).tobytes()
    header = struct.pack(">IIBBBBB", w, h, depth, _COLOR_TYPE[c], 0, 0, 0)
    level = -1 if compression < 0 else min(compression, 9)
    return (
        _SIGNATURE
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, level))
        + _chunk(b"IEND", b"")
    )


def png_header(data: bytes) -> tuple[int, int, int, int, int]:
    """(width, height, bit depth, colour type, interlace) of a PNG's IHDR."""
    if len(data) < 29 or data[:8] != _SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return w, h, depth, ctype, interlace


def _paeth(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    p = a + b - c
    pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
    return np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))


def decode_png16(data: bytes) -> np.ndarray:
    """The uint16 ``[h, w, c]`` pixels of a non-interlaced 16-bit PNG (any colour type but
    palette); ValueError on malformed data."""
    w, h, depth, ctype, interlace = png_header(data)
    if depth != 16 or ctype not in _CHANNELS or interlace:
        raise ValueError("not a 16-bit non-interlaced PNG")
    idat, pos = b"", 8
    while pos + 8 <= len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        tag = data[pos + 4 : pos + 8]
        if pos + 12 + n > len(data):
            raise ValueError("truncated PNG")
        if tag == b"IDAT":
            idat += data[pos + 8 : pos + 8 + n]
        if tag == b"IEND":
            break
        pos += 12 + n
    else:
        raise ValueError("truncated PNG")
    c = _CHANNELS[ctype]
    bpp, stride = 2 * c, 2 * c * w
    raw = np.frombuffer(zlib.decompress(idat), np.uint8)
    if raw.size != h * (stride + 1):
        raise ValueError("truncated PNG")
    raw = raw.reshape(h, stride + 1)
    out = np.zeros((h, stride), np.int32)
    prev = np.zeros(stride, np.int32)
    for y in range(h):
        kind, line = int(raw[y, 0]), raw[y, 1:].astype(np.int32)
        if kind == 2:  # Up
            line = (line + prev) & 255
        elif kind in (1, 3, 4):  # Sub, Average, Paeth: pixel after pixel
            line = line.copy()
            zero = np.zeros(bpp, np.int32)
            for x in range(0, stride, bpp):
                left = line[x - bpp : x] if x else zero
                up, up_left = prev[x : x + bpp], (prev[x - bpp : x] if x else zero)
                pred = (
                    left
                    if kind == 1
                    else (left + up) // 2
                    if kind == 3
                    else _paeth(left, up, up_left)
                )
                line[x : x + bpp] = (line[x : x + bpp] + pred) & 255
        elif kind != 0:
            raise ValueError("bad PNG filter")
        out[y] = prev = line
    return out.astype(np.uint8).view(">u2").astype(np.uint16).reshape(h, w, c)
