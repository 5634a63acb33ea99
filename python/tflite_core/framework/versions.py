"""Version constants (``tf.VERSION``, ``tf.GRAPH_DEF_VERSION``, ...).

``VERSION`` is the TensorFlow 1.x API level that this package implements (so that programs
choosing code paths by ``tf.VERSION`` take their TF 1.x paths); ``GIT_VERSION`` names this
package's own release; ``COMPILER_VERSION`` the compiler of its C++ core. The GraphDef versions
are those of the GraphDefs this package writes and reads.
"""

from __future__ import annotations

from .graph_def import GRAPH_DEF_VERSION
from .runtime import core

PACKAGE_VERSION = "0.1.0"
VERSION = "1.15.0"
GIT_VERSION = f"tflite_core-v{PACKAGE_VERSION}"
COMPILER_VERSION: str = core.compiler_version
GRAPH_DEF_VERSION_MIN_CONSUMER = 0
GRAPH_DEF_VERSION_MIN_PRODUCER = 0

__all__ = [
    "COMPILER_VERSION",
    "GIT_VERSION",
    "GRAPH_DEF_VERSION",
    "GRAPH_DEF_VERSION_MIN_CONSUMER",
    "GRAPH_DEF_VERSION_MIN_PRODUCER",
    "VERSION",
]
