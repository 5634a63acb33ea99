"""A pure-NumPy reference for every C++ kernel in ``tflite_core._core``: the tests' oracle.

Each kernel has the C++ signature ``fn(inputs, outputs, ints, floats) -> None``: it reads the
``inputs`` arrays and writes the caller-allocated ``outputs`` arrays in place. The semantics follow
``cpp/kernels.h`` (and the kernels' sources) exactly, attribute encodings included; each
family module's docstring gives its own.

One module per C++ file in ``cpp/``: ``elementwise``, ``elementwise_fused``, ``reduce``,
``matmul``, ``nn``, ``array``, ``random`` (with ``philox``, the generator it shares with
``sparse``), ``optim``,
``indexing``, ``conv``, ``pool``, ``batch_norm``, ``sparse``, ``lstm``, ``tensor_array``,
``fake_quant``, ``math_extra``, ``logging``, ``linalg``, ``clock``, ``scatter``, ``permute``,
``partition``, ``grid``, ``bitwise``, ``complex``, ``fft``, ``image_resize``; ``registry`` holds
the kernel table and the argument checks the families share.
The package imports nothing else from ``tflite_core``: it is an independent oracle.

Like the C++ kernels, accumulations over floats (reductions, ``reduce_prod_grad``) run in float64
and over integers in int64, then are cast to the output dtype.

>>> import numpy as np
>>> out = [np.empty((2,), np.float32)]
>>> run_kernel("reduce_sum", [np.ones((2, 3), np.float32)], out, ints=[0, 1])
>>> out[0]
array([3., 3.], dtype=float32)
"""

from __future__ import annotations

# Each family module registers its kernels when imported.
from . import (  # noqa: F401
    array,
    batch_norm,
    bitwise,
    candidate_sampling,
    clock,
    complex,
    conv,
    elementwise,
    elementwise_fused,
    fake_quant,
    fft,
    grid,
    image_resize,
    indexing,
    linalg,
    logging,
    lstm,
    math_extra,
    matmul,
    nn,
    optim,
    partition,
    permute,
    pool,
    quantized,
    random,
    random_dist,
    reduce,
    scatter,
    sparse,
    sparse_tensor,
    tensor_array,
)
from .conv import _out_len  # noqa: F401  (the conv tests size outputs with it)
from .registry import InternalKernelError, Kernel, KernelError, kernel_names, run_kernel

__all__ = ["InternalKernelError", "Kernel", "KernelError", "kernel_names", "run_kernel"]
