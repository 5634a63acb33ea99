"""Gradient compression for the allreduce (``horovod.tensorflow.compression``): ``fp16`` sends
floating-point tensors as float16 (half the bytes) and casts the result back."""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..ops import array_ops


class Compressor:
    """Compresses a tensor before the allreduce and decompresses the result after it."""

    @staticmethod
    def compress(tensor: Any) -> tuple[Tensor, Any]:
        """``(compressed tensor, context for decompress)``."""
        raise NotImplementedError

    @staticmethod
    def decompress(tensor: Any, ctx: Any) -> Tensor:
        raise NotImplementedError


class NoneCompressor(Compressor):
    """No compression."""

    @staticmethod
    def compress(tensor: Any) -> tuple[Tensor, Any]:
        return tensor, None

    @staticmethod
    def decompress(tensor: Any, ctx: Any) -> Tensor:
        return tensor


class FP16Compressor(Compressor):
    """Floating-point tensors travel as float16; others unchanged."""

    @staticmethod
    def compress(tensor: Any) -> tuple[Tensor, Any]:
        t = convert_to_tensor(tensor)
        if t.dtype.is_floating and t.dtype is not _dt.float16:
            return array_ops.cast(t, _dt.float16), t.dtype
        return t, t.dtype

    @staticmethod
    def decompress(tensor: Any, ctx: Any) -> Tensor:
        t = convert_to_tensor(tensor)
        if ctx is not None and t.dtype is not ctx:
            return array_ops.cast(t, ctx)
        return t


class Compression:
    """The compressors: ``Compression.none`` and ``Compression.fp16``."""

    none = NoneCompressor
    fp16 = FP16Compressor
