"""``CompositeTensor``: a value made of several graph tensors (TF's
``framework/composite_tensor.py``), such as ``RaggedTensor`` (``ops/ragged_tensor.py``).

``Session.run`` fetches a composite's component tensors and hands their values back to it, so
the client knows this protocol only, never the op families that define composites.
"""

from __future__ import annotations

import abc
from typing import Any


class CompositeTensor(abc.ABC):
    """A tensor-like value of several component tensors."""

    @abc.abstractmethod
    def _fetch_components(self) -> list:
        """The graph tensors ``Session.run`` fetches for this value (a flat list)."""

    @abc.abstractmethod
    def _value_from_components(self, values: list) -> Any:
        """The fetched value, from the components' values in ``_fetch_components`` order."""
