"""The kernel table (as ``cpp/registry.cc``) and the argument checks the families share.

Every family module registers its kernels here with ``@_kernel(name)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Kernel = Callable[[list, list, list, list], None]


class KernelError(RuntimeError):
    """A kernel rejected its arguments (the C++ kernels raise ``_core.KernelError``)."""


class InternalKernelError(KernelError):
    """An error TF reports as INTERNAL (``_core.InternalKernelError``): TruncateDiv and
    TruncateMod of integers by zero."""


_KERNELS: dict[str, Kernel] = {}


def _kernel(*names: str):
    def deco(fn: Kernel) -> Kernel:
        for n in names:
            _KERNELS[n] = fn
        return fn

    return deco


def kernel_names() -> list[str]:
    """The names of the reference kernels (the same set as ``_core.kernel_names()``)."""
    return sorted(_KERNELS)


def run_kernel(
    name: str,
    inputs: Sequence[np.ndarray],
    outputs: Sequence[np.ndarray],
    ints: Sequence[int] = (),
    floats: Sequence[float] = (),
) -> None:
    """Runs the reference kernel ``name``, writing ``outputs`` in place.

    Args:
        name: a kernel name, as in ``_core.kernel_names()``.
        inputs: the input arrays.
        outputs: preallocated output arrays (their shapes and dtypes are the kernel's contract).
        ints: integer attributes (axes, masks, flags, permutations, seeds).
        floats: real attributes.

    Raises:
        KernelError: for an unknown kernel or arguments the kernel rejects.
    """
    try:
        fn = _KERNELS[name]
    except KeyError:
        raise KernelError(f"[{name}] no such kernel") from None
    with np.errstate(all="ignore"):
        fn(list(inputs), list(outputs), [int(i) for i in ints], [float(f) for f in floats])


def _store(out: np.ndarray, value) -> None:
    """Writes ``value`` into ``out`` (same number of elements, any shape), cast to out's dtype."""
    v = np.asarray(value)
    if v.size != out.size:
        raise KernelError(f"output {out.shape} cannot hold a result of shape {v.shape}")
    out[...] = v.reshape(out.shape).astype(out.dtype, copy=False)


def _float_only(op: str, *arrays: np.ndarray) -> None:
    for a in arrays:
        if a.dtype.kind != "f":
            raise KernelError(f"[{op}] unsupported dtype {a.dtype}")


def _check_ids(op: str, ids: np.ndarray, limit: int, what: str) -> None:
    if ids.dtype.kind != "i":
        raise KernelError(f"[{op}] {what} must be int32 or int64")
    flat = ids.reshape(-1)
    bad = (flat < 0) | (flat >= limit)
    if bad.any():
        k = int(np.argmax(bad))
        raise KernelError(f"[{op}] {what}[{k}] = {flat[k]} is not in [0, {limit})")
