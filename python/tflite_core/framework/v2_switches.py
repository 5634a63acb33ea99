"""The TF 2 behaviour switches that TF 1.x-style programs call first
(``tf.compat.v1.disable_v2_behavior()``, ``disable_eager_execution()``, ...): tflite_core is
graph mode with TF 1.x semantics throughout, so switching TF 2 behaviour off changes nothing,
and ``executing_eagerly()`` is False."""

from __future__ import annotations


def disable_v2_behavior() -> None:
    """TF 2 behaviour off: always so here (graph mode, TF 1.x shapes, control flow, variables)."""


def disable_eager_execution() -> None:
    """Eager execution off: always so here (ops build a graph that a Session runs)."""


def disable_v2_tensorshape() -> None:
    """TF 1.x ``TensorShape`` (``Dimension`` entries): always so here."""


def disable_control_flow_v2() -> None:
    """TF 1.x control flow: always so here."""


def disable_resource_variables() -> None:
    """TF 1.x reference variables: always so here."""


def disable_tensor_equality() -> None:
    """``Tensor.__eq__`` by identity (``==`` does not build an op): always so here."""


def executing_eagerly() -> bool:
    """False: ops build a graph that a Session runs."""
    return False
