"""``tf.resource_loader``: paths to the data files that live beside a program (TF 1.x's helpers,
without Bazel runfiles: a ``.runfiles`` folder above the caller is still recognised)."""

from __future__ import annotations

import inspect
import os
import sys

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _caller_dir(depth: int) -> str:
    return os.path.dirname(inspect.getfile(sys._getframe(depth + 1)))


def get_data_files_path() -> str:
    """The folder of the calling script (where its data files live)."""
    return _caller_dir(1)


def get_root_dir_with_all_resources() -> str:
    """The folder under the nearest ``*.runfiles`` folder above this module, else this module's
    folder (as TF's, which searches from its own ``platform`` folder, not the caller's)."""
    start = os.path.dirname(os.path.abspath(__file__))
    below, here = None, start
    while True:
        if ".runfiles" in os.path.basename(here):
            return below or start
        up = os.path.dirname(here)
        if up == here:
            return start
        below, here = here, up


def get_path_to_datafile(path: str) -> str:
    """``path`` joined to the calling script's folder."""
    return os.path.join(_caller_dir(1), path)


def load_resource(path: str) -> bytes:
    """The bytes of the file at ``path`` relative to the ``tflite_core`` package (TF's: relative
    to ``tensorflow/``); OSError when it cannot be read."""
    with open(os.path.join(_PACKAGE_DIR, path), "rb") as f:
        return f.read()


def readahead_file_path(path: str, readahead: str = "128M") -> str:
    """``path`` itself (as TF: read-ahead is not implemented for local files)."""
    return path
