"""The compiled core, loaded once: every module reaches ``tflite_core._core`` through ``core``
here, so the environment libgomp reads is set before it loads and the fork hook is registered
with it. Also the thread count and the convolution backend (``tf.set_num_threads``, ...).
"""

from __future__ import annotations

import os

# libgomp reads this when it loads (with _core, below): spin only briefly at barriers, so a busy
# second core does not stall every parallel region.
os.environ.setdefault("GOMP_SPINCOUNT", "100000")

from .. import _core as core

__all__ = ["core", "get_conv_backend", "get_num_threads", "set_conv_backend", "set_num_threads"]


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


def _after_fork_in_child() -> None:
    # libgomp is not fork-safe once its pool exists: the child runs single-threaded.
    core.after_fork_in_child()


if hasattr(os, "register_at_fork"):  # POSIX
    os.register_at_fork(after_in_child=_after_fork_in_child)
