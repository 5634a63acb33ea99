"""``tf.lite``: TFLite models on tflite_core's kernels.

- ``Interpreter`` (``interpreter.py``) runs ``.tflite`` files of float builtin ops;
- ``model_file.py`` reads the flatbuffer, ``builtin_ops.py`` maps each builtin to graph ops.
"""

from .interpreter import Interpreter, SignatureRunner

__all__ = ["Interpreter", "SignatureRunner"]
