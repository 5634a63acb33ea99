"""``python -m tflite_core.run PROGRAM.py [ARGS...]``: runs a program written for TensorFlow 1.x
(``import tensorflow as tf``, ``import tensorflow.compat.v1 as tf``, ``from tensorflow.compat
import v1``) unmodified, its TensorFlow imports resolving to tflite_core for that run.

The program runs as ``__main__`` with ``sys.argv = [PROGRAM.py, ARGS...]``, as ``python
PROGRAM.py ARGS...`` would run it.
"""

from __future__ import annotations

import runpy
import sys
import types

import tflite_core

_PREFIXES = ("tensorflow", "tensorflow.compat", "tensorflow.compat.v1", "tensorflow.compat.v2")


def tensorflow_module() -> types.ModuleType:
    """A ``tensorflow`` module whose names are tflite_core's, with ``compat.v1`` (and
    ``compat.v2``, for programs that only switch v2 behaviour off) being tflite_core."""
    tf = types.ModuleType("tensorflow", tflite_core.__doc__)
    compat = types.ModuleType("tensorflow.compat")
    compat.v1 = tflite_core  # type: ignore[attr-defined]
    compat.v2 = tflite_core  # type: ignore[attr-defined]
    tf.compat = compat  # type: ignore[attr-defined]
    tf.__getattr__ = lambda name: getattr(tflite_core, name)  # type: ignore[method-assign]
    tf.__path__ = []  # a package: `import tensorflow.compat.v1` looks in sys.modules
    return tf


def install() -> dict:
    """Points the TensorFlow module names at tflite_core; returns what they were before."""
    saved = {name: sys.modules.get(name) for name in _PREFIXES}
    tf = tensorflow_module()
    sys.modules["tensorflow"] = tf
    sys.modules["tensorflow.compat"] = tf.compat
    sys.modules["tensorflow.compat.v1"] = tflite_core
    sys.modules["tensorflow.compat.v2"] = tflite_core
    return saved


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        raise SystemExit(0 if args else 2)
    install()
    sys.argv = list(args)
    runpy.run_path(args[0], run_name="__main__")


if __name__ == "__main__":
    main()
