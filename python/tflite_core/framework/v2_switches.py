"""The TF 2 behaviour switches that TF 1.x-style programs call first
(``tf.compat.v1.disable_v2_behavior()``, ``disable_eager_execution()``, ...): tflite_core is
graph mode with TF 1.x semantics throughout, so switching TF 2 behaviour off changes nothing,
and ``executing_eagerly()`` is False."""

from __future__ import annotations

import logging


def disable_v2_behavior() -> None:
    """TF 2 behaviour off: always so here (graph mode, TF 1.x shapes, control flow, variables)."""
    _ENABLED.difference_update(
        {
            "v2_behavior",
            "control_flow_v2",
            "resource_variables",
            "tensor_equality",
            "v2_tensorshape",
        }
    )


def disable_eager_execution() -> None:
    """Eager execution off: always so here (ops build a graph that a Session runs)."""


def disable_v2_tensorshape() -> None:
    """TF 1.x ``TensorShape`` (``Dimension`` entries): always so here."""
    _ENABLED.difference_update({"v2_tensorshape"})


def disable_control_flow_v2() -> None:
    """TF 1.x control flow: always so here."""
    _ENABLED.difference_update({"control_flow_v2"})


def disable_resource_variables() -> None:
    """TF 1.x reference variables: always so here."""
    _ENABLED.difference_update({"resource_variables"})


def disable_tensor_equality() -> None:
    """``Tensor.__eq__`` by identity (``==`` does not build an op): always so here."""
    _ENABLED.difference_update({"tensor_equality"})


def executing_eagerly() -> bool:
    """False: ops build a graph that a Session runs."""
    return False


# ---- the enable_* switches: recorded (and reported by the *_enabled queries), but tflite_core
# keeps TF 1.x semantics; each logs a warning that says so.
_ENABLED: set[str] = set()


def _switch_on(what: str) -> None:
    _ENABLED.add(what)
    logging.getLogger("tensorflow").warning(
        "tflite_core runs TF 1.x graph mode only: %s is recorded but changes nothing", what
    )


def enable_v2_behavior() -> None:
    """Records the request (``tf.compat.v1.enable_v2_behavior``); TF 1.x behaviour stays."""
    _switch_on("v2_behavior")


def enable_control_flow_v2() -> None:
    """Records the request; ``control_flow_v2_enabled()`` then reports True."""
    _switch_on("control_flow_v2")


def enable_resource_variables() -> None:
    """Records the request; ``resource_variables_enabled()`` then reports True."""
    _switch_on("resource_variables")


def enable_tensor_equality() -> None:
    """Records the request; ``==`` on tensors stays identity (TF 1.x)."""
    _switch_on("tensor_equality")


def enable_v2_tensorshape() -> None:
    """Records the request; ``TensorShape`` entries stay ``Dimension`` objects (TF 1.x)."""
    _switch_on("v2_tensorshape")


def control_flow_v2_enabled() -> bool:
    """Whether ``enable_control_flow_v2`` (or ``enable_v2_behavior``) was called (and not
    undone by ``disable_control_flow_v2``)."""
    return bool(_ENABLED & {"control_flow_v2", "v2_behavior"})


def resource_variables_enabled() -> bool:
    """Whether ``enable_resource_variables`` (or ``enable_v2_behavior``) was called (and not
    undone by ``disable_resource_variables``)."""
    return bool(_ENABLED & {"resource_variables", "v2_behavior"})
