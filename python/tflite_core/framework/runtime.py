"""The compiled core, loaded once: every module reaches ``tflite_core._core`` through ``core``
here, so the environment libgomp reads is set before it loads and the fork hook is registered
with it. Also the thread count, the convolution backend and the float32 maths mode
(``tf.set_num_threads``, ``tf.set_fpmath_mode``, ...).
"""

from __future__ import annotations

import os

# libgomp reads this when it loads (with _core, below): spin only briefly at barriers, so a busy
# second core does not stall every parallel region.
os.environ.setdefault("GOMP_SPINCOUNT", "100000")

from .. import _core as core
from . import errors

__all__ = [
    "core",
    "fpmath_bf16_unavailable",
    "get_conv_backend",
    "get_fpmath_mode",
    "get_num_threads",
    "set_conv_backend",
    "set_fpmath_mode",
    "set_num_threads",
]


def set_num_threads(n: int) -> None:
    """Sets the thread count of every kernel pool (OpenMP and oneDNN)."""
    core.set_num_threads(int(n))


def get_num_threads() -> int:
    """The thread count set by ``set_num_threads`` (kernels use fewer while other processes
    keep cores busy; ``_core.effective_threads()`` tells how many now)."""
    return core.get_num_threads()


def set_conv_backend(name: str) -> None:
    """Selects the convolution and pooling kernels: ``"onednn"`` (the default where the build has
    oneDNN) or ``"reference"`` (im2col + sgemm and direct loops, the fallback backend)."""
    core.set_conv_backend(str(name))


def get_conv_backend() -> str:
    """The convolution and pooling backend in use (``"onednn"`` or ``"reference"``)."""
    return core.conv_backend()


FPMATH_MODES = ("strict", "bf16")
# the mode set last (set_fpmath_mode is the one setter): compiled plans are per mode, since
# constant folding computes values with it (client/executable.py reads this on every run)
FPMATH_NOW = ["strict"]


def fpmath_bf16_unavailable() -> str:
    """``""`` where ``set_fpmath_mode("bf16")`` works; else why not (no AVX512-BF16 or AMX-BF16
    on this CPU, ``TFLITE_CORE_MAX_ISA``, ``ONEDNN_MAX_CPU_ISA``, a build without oneDNN)."""
    return core.fpmath_bf16_unavailable()


def set_fpmath_mode(mode: str | None) -> None:
    """Sets the maths of float32 matrix products and convolutions, for the whole process (as
    TF's ``enable_tensor_float_32_execution`` does on GPUs).

    ``"strict"`` (or None, the default): float32 throughout. ``"bf16"``: the two multiplied
    operands are rounded to bfloat16 (to nearest even) and their products summed in float32, on a
    CPU with AVX512-BF16 or AMX-BF16; inputs and outputs stay float32. It applies to MatMul and
    BatchMatMul (products of at least 32,768 multiply-adds), the LSTM's matrix products and the
    convolutions with their gradients (not depthwise ones); everything else is unchanged. Results
    then differ from float32 by bfloat16's precision (about 3 significant digits).

    Raises:
      ValueError: ``mode`` is not ``"strict"``, ``"bf16"`` or None.
      tf.errors.UnimplementedError: ``"bf16"`` on a CPU (or build) without bf16 instructions.
    """
    name = "strict" if mode is None else str(mode)
    if name not in FPMATH_MODES:
        raise ValueError(f"fpmath mode must be one of {FPMATH_MODES} or None, got {mode!r}")
    if name == "bf16":
        why = core.fpmath_bf16_unavailable()
        if why:
            raise errors.UnimplementedError(None, None, f"set_fpmath_mode('bf16'): {why}")
    core.set_fpmath_mode(name)
    FPMATH_NOW[0] = name


def get_fpmath_mode() -> str:
    """The float32 maths mode: ``"strict"`` or ``"bf16"`` (see ``set_fpmath_mode``)."""
    return core.fpmath_mode()


def _after_fork_in_child() -> None:
    # libgomp is not fork-safe once its pool exists: the child runs single-threaded.
    core.after_fork_in_child()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)
