"""Type aliases of the public API (annotations only; nothing here is used at run time).

``TensorLike``: what ``convert_to_tensor`` accepts (a ``Tensor``, a ``Variable``, a NumPy array,
a Python scalar or nested list); ``DTypeLike``: what ``as_dtype`` accepts; ``ShapeLike``: a static
shape (``TensorShape`` or a list of ints / ``None``); ``ShapeTensorLike``: a shape that may also be
a tensor (``tf.zeros(tf.shape(x))``); ``AxisLike``: an axis or axes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Protocol, Union

import numpy as np

if TYPE_CHECKING:  # framework only: the layers above are matched structurally (Protocols)
    from .dtypes import DType
    from .graph import Graph, Operation, Tensor
    from .tensor_shape import Dimension, TensorShape


class TensorConvertible(Protocol):
    """What converts to a Tensor through ``_tflite_as_tensor``: ``tf.Variable``."""

    def _tflite_as_tensor(self) -> Tensor: ...


Variable = TensorConvertible  # in these aliases: a tf.Variable (ops/variables.py), or alike


class SessionLike(Protocol):
    """What ``Tensor.eval`` / ``Operation.run`` need of a session (``client.session``)."""

    @property
    def graph(self) -> Graph: ...

    def run(self, fetches: Any, feed_dict: Any = None) -> Any: ...

    def _load_variable(self, var: Any, value: Any) -> None: ...


TensorLike = Union[
    "Tensor",
    "Variable",
    "np.ndarray[Any, Any]",
    "np.generic",
    float,
    int,
    bool,
    str,
    bytes,
    Sequence[Any],
]
DTypeLike = Union["DType", str, type, "np.dtype[Any]", int]
ShapeLike = Union["TensorShape", Sequence[Union[int, "Dimension", None]], int]
ShapeTensorLike = Union[
    "TensorShape",
    Sequence[Union[int, "Dimension", "Tensor", "Variable", "np.integer[Any]", None]],
    "Tensor",
    "Variable",
    "np.ndarray[Any, Any]",
    int,
]
AxisLike = Union[int, Sequence[int], "Tensor", "Variable", "np.ndarray[Any, Any]"]
OpOrTensor = Union["Operation", "Tensor", "Variable"]
FeedDict = Mapping[Any, Any]
Initializer = Callable[..., Any]

__all__ = [
    "AxisLike",
    "DTypeLike",
    "FeedDict",
    "Initializer",
    "OpOrTensor",
    "SessionLike",
    "ShapeLike",
    "ShapeTensorLike",
    "TensorConvertible",
    "TensorLike",
]
