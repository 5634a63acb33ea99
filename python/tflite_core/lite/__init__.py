"""``tf.lite``: TFLite models out of tflite_core graphs and into its kernels.

- ``TFLiteConverter`` (``converter.py``; the graph mapped by ``graph_to_tflite.py``, written by
  ``flatbuffer_writer.py``) and its configuration: ``Optimize``, ``OpsSet``, ``TargetSpec``,
  ``RepresentativeDataset``, ``constants``;
- ``Interpreter`` (``interpreter.py``) runs ``.tflite`` files of float builtin ops
  (``model_file.py`` reads the flatbuffer, ``builtin_ops.py`` maps each builtin to graph ops).
"""

from .converter import (
    OpsSet,
    Optimize,
    RepresentativeDataset,
    TargetSpec,
    TFLiteConverter,
    constants,
)
from .graph_to_tflite import ConverterError
from .interpreter import Interpreter, SignatureRunner

__all__ = [
    "ConverterError",
    "Interpreter",
    "OpsSet",
    "Optimize",
    "RepresentativeDataset",
    "SignatureRunner",
    "TFLiteConverter",
    "TargetSpec",
    "constants",
]
