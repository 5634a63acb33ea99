"""The activations TF has as single ops, composed here of a ``Select``: ``leaky_relu`` (TF's
``LeakyRelu``) and ``selu`` (TF's ``Selu``), with TF's values and gradients.

>>> import tflite_core as tf
>>> with tf.Session() as sess:
...     print(sess.run(tf.nn.leaky_relu([-1.0, 2.0])))
[-0.2  2. ]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.op_util import FLOATS, check_dtype_in
from ..ops.array_ops import cast
from ..ops.indexing_ops import select
from ..ops.math_ops import exp, greater, less, minimum, multiply, subtract

if TYPE_CHECKING:
    from ..framework.type_aliases import TensorLike

# TF's Selu constants (Klambauer et al., 2017)
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def leaky_relu(features: TensorLike, alpha: float = 0.2, name: str | None = None) -> Tensor:
    """``features`` where positive, else ``alpha * features`` (TF's ``LeakyRelu``; integer
    features are cast to float32 first, as TF). The gradient is 1 where ``features > 0``, else
    ``alpha``. The result is named ``name`` (default ``LeakyRelu``)."""
    with name_scope(name, "LeakyRelu", [features, alpha]) as scope:
        x = convert_to_tensor(features, name="features")
        if x.dtype.is_integer:
            x = cast(x, _dt.float32)
        check_dtype_in("LeakyRelu", x, FLOATS, "features")
        if isinstance(alpha, np.ndarray):
            alpha = alpha.item()
        a = constant(float(alpha), dtype=x.dtype)
        return select(greater(x, constant(0, dtype=x.dtype)), x, multiply(x, a), scope)


def selu(features: TensorLike, name: str | None = None) -> Tensor:
    """Scaled ELU (TF's ``Selu``): ``scale * features`` where ``features >= 0``, else
    ``scale * alpha * (exp(features) - 1)``, with TF's ``alpha`` 1.6732632... and ``scale``
    1.0507009...; named ``name`` (default ``Selu``)."""
    x = convert_to_tensor(features, name="features")
    check_dtype_in("Selu", x, FLOATS, "features")
    with name_scope(name, "Selu", [x]) as scope:
        zero = constant(0, dtype=x.dtype)
        # exp of min(x, 0): the unselected branch stays finite, so its zero gradient is too
        em1 = subtract(exp(minimum(x, zero)), constant(1, dtype=x.dtype))
        neg = multiply(constant(_SELU_SCALE * _SELU_ALPHA, dtype=x.dtype), em1)
        pos = multiply(constant(_SELU_SCALE, dtype=x.dtype), x)
        return select(less(x, zero), neg, pos, scope)


__all__ = ["leaky_relu", "selu"]
