"""The dual loss updaters of TF's ``SdcaOptimizer`` kernel, one per ``loss_type``, in double
precision (Python floats) as TF's C++ updaters compute them.

Each updater gives, for one example: the new dual variable maximising the dual objective
(``updated_dual``), the primal and dual losses written to the example state, the primal loss's
derivative and the smoothness constant (used by adaptive sampling), and the label conversion
(binary losses take labels 0.0 / 1.0 as -1 / +1 and refuse others; Poisson refuses negative
labels). Arithmetic follows IEEE rules as in C++: a division by zero gives an infinity or NaN
and ``exp`` overflows to infinity rather than raising.
"""

from __future__ import annotations

import math
from typing import Any

from ..framework import errors

_DOUBLE_MAX = 1.7976931348623157e308  # std::numeric_limits<double>::max(): an infinite dual loss


def _div(a: float, b: float) -> float:
    """``a / b`` with C's IEEE results for a zero ``b``."""
    if b != 0.0:
        return a / b
    if a != a or a == 0.0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _exp(x: float) -> float:
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def _log(x: float) -> float:
    if x == 0.0:
        return -math.inf
    return math.log(x) if x > 0.0 or x != x else math.nan


def _label_text(label: float) -> str:
    """A float32 label as TF's ``StrCat`` writes it (shortest form: 0.5, 2, -1.5)."""
    text = repr(float(label))
    return text[:-2] if text.endswith(".0") else text


def _binary_label(label: float) -> float:
    if label == 0.0:
        return -1.0
    if label == 1.0:
        return 1.0
    raise errors.InvalidArgumentError(
        None,
        None,
        "Only labels of 0.0 or 1.0 are supported right now. Found example with label: "
        + _label_text(label),
    )


class LogisticLoss:
    """Logistic regression: the dual is found by 10 Newton steps on ``x`` with
    ``dual = (1 + tanh(x)) / (2 y)``."""

    smoothness = 4.0

    @staticmethod
    def convert_label(label: float) -> float:
        return _binary_label(label)

    @staticmethod
    def updated_dual(parts: int, y: float, w: float, dual: float, wx: float, norm: float) -> float:
        x = 0.0
        for _ in range(10):
            t = math.tanh(x)
            num = -2 * y * x - wx - parts * norm * w * (0.5 * (1 + t) / y - dual)
            den = -2 * y - parts * norm * w * (1 - t * t) * 0.5 / y
            x = x - _div(num, den)
        return 0.5 * (1 + math.tanh(x)) / y

    @staticmethod
    def dual_loss(dual: float, y: float, w: float) -> float:
        ay = dual * y
        log_ay = _log(ay) if ay > 0 else 0.0
        one_minus = 1 - ay
        log_one_minus = _log(one_minus) if one_minus > 0 else 0.0
        return (ay * log_ay + one_minus * log_one_minus) * w

    @staticmethod
    def primal_loss(wx: float, y: float, w: float) -> float:
        ywx = y * wx
        if ywx > 0:
            return math.log1p(_exp(-ywx)) * w
        return (math.log1p(_exp(ywx)) - ywx) * w

    @staticmethod
    def derivative(wx: float, y: float, w: float) -> float:
        if y * wx > 0:
            e = _exp(-y * wx)
            inverse = _div(e, 1 + e)
        else:
            inverse = _div(1.0, 1 + _exp(y * wx))
        return -inverse * y * w


class SquaredLoss:
    """Linear regression: the closed-form dual step; labels as they are."""

    smoothness = 1.0

    @staticmethod
    def convert_label(label: float) -> float:
        return label

    @staticmethod
    def updated_dual(parts: int, y: float, w: float, dual: float, wx: float, norm: float) -> float:
        return dual + _div(y - dual - wx, 1 + parts * norm * w)

    @staticmethod
    def dual_loss(dual: float, y: float, w: float) -> float:
        return dual * (0.5 * dual - y) * w

    @staticmethod
    def primal_loss(wx: float, y: float, w: float) -> float:
        err = wx - y
        return err * err * w * 0.5

    @staticmethod
    def derivative(wx: float, y: float, w: float) -> float:
        return (wx - y) * w


def _clip_dual(y: float, candidate: float) -> float:
    """The dual of a hinge loss kept in its admissible range (``y * dual`` in [0, 1])."""
    if y * candidate < 0:
        return 0.0
    if y * candidate > 1.0:
        return y
    return candidate


class HingeLoss:
    """The SVM hinge loss ``max(0, 1 - y wx)``: the dual step clipped to ``[0, 1]`` (times y)."""

    smoothness = 0.0

    @staticmethod
    def convert_label(label: float) -> float:
        return _binary_label(label)

    @staticmethod
    def updated_dual(parts: int, y: float, w: float, dual: float, wx: float, norm: float) -> float:
        return _clip_dual(y, dual + _div(y - wx, parts * w * norm))

    @staticmethod
    def dual_loss(dual: float, y: float, w: float) -> float:
        ya = dual * y
        if ya < 0 or ya > 1.0:
            return _DOUBLE_MAX
        return -ya * w

    @staticmethod
    def primal_loss(wx: float, y: float, w: float) -> float:
        return max(0.0, 1 - y * wx) * w

    @staticmethod
    def derivative(wx: float, y: float, w: float) -> float:
        return -y * w if y * wx < 1 else 0.0


class SmoothHingeLoss:
    """The hinge loss smoothed quadratically over a band of width ``gamma = 1``."""

    smoothness = 1.0
    gamma = 1.0

    @staticmethod
    def convert_label(label: float) -> float:
        return _binary_label(label)

    @staticmethod
    def updated_dual(parts: int, y: float, w: float, dual: float, wx: float, norm: float) -> float:
        g = SmoothHingeLoss.gamma
        return _clip_dual(y, dual + _div(y - wx - g * dual, parts * w * norm + g))

    @staticmethod
    def dual_loss(dual: float, y: float, w: float) -> float:
        ya = dual * y
        if ya < 0 or ya > 1.0:
            return _DOUBLE_MAX
        return (-ya + 0.5 * SmoothHingeLoss.gamma * dual * dual) * w

    @staticmethod
    def primal_loss(wx: float, y: float, w: float) -> float:
        g = SmoothHingeLoss.gamma
        ywx = y * wx
        if ywx >= 1:
            return 0.0
        if ywx <= 1 - g:
            return (1 - ywx - g / 2) * w
        return (1 - ywx) * (1 - ywx) * w * 0.5 / g

    @staticmethod
    def derivative(wx: float, y: float, w: float) -> float:
        g = SmoothHingeLoss.gamma
        if y * wx >= 1:
            return 0.0
        if y * wx <= 1 - g:
            return -y
        return (wx - y) / g


class PoissonLoss:
    """Poisson regression (log link): the dual by 10 Newton steps on ``x`` with
    ``dual = y - exp(x)``; labels must be non-negative."""

    smoothness = 1.0

    @staticmethod
    def convert_label(label: float) -> float:
        if label < 0.0:
            raise errors.InvalidArgumentError(
                None,
                None,
                "Only non-negative labels can be used with the Poisson log loss. "
                "Found example with label: " + _label_text(label),
            )
        return label

    @staticmethod
    def updated_dual(parts: int, y: float, w: float, dual: float, wx: float, norm: float) -> float:
        y_minus_a = y - dual
        x = _log(y_minus_a) if y_minus_a > 0 else 0.0
        for _ in range(10):
            e = _exp(x)
            num = x - wx - parts * norm * w * (y - dual - e)
            den = 1 + parts * norm * w * e
            x = x - _div(num, den)
        return y - _exp(x)

    @staticmethod
    def dual_loss(dual: float, y: float, w: float) -> float:
        y_minus_a = y - dual
        if y_minus_a == 0.0:
            return 0.0
        if y_minus_a < 0.0:
            return _DOUBLE_MAX
        return y_minus_a * (_log(y_minus_a) - 1) * w

    @staticmethod
    def primal_loss(wx: float, y: float, w: float) -> float:
        return (_exp(wx) - wx * y) * w

    @staticmethod
    def derivative(wx: float, y: float, w: float) -> float:
        return (_exp(wx) - y) * w


LOSS_UPDATERS: dict[str, Any] = {
    "logistic_loss": LogisticLoss,
    "squared_loss": SquaredLoss,
    "hinge_loss": HingeLoss,
    "smooth_hinge_loss": SmoothHingeLoss,
    "poisson_loss": PoissonLoss,
}
"""``loss_type`` -> its updater (TF's SdcaOptimizer ``loss_type`` attribute values)."""
