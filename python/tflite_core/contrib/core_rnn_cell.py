"""The cell wrappers of TF 1.x's ``tf.contrib.rnn`` (``contrib/rnn/python/ops/core_rnn_cell.py``)
that ``legacy_seq2seq`` uses:

* ``EmbeddingWrapper(cell, embedding_classes, embedding_size)``: takes int ids ``[batch]`` (or
  ``[batch, 1]``), looks them up in ``embedding_wrapper/embedding`` (initialised
  ``uniform(-sqrt(3), sqrt(3))`` unless an initializer is given) and runs ``cell`` on them.
* ``OutputProjectionWrapper(cell, output_size)``: ``cell``'s output times
  ``output_projection_wrapper/kernel`` plus ``.../bias``.
* ``InputProjectionWrapper(cell, num_proj)``: the input projected by
  ``input_projection_wrapper/kernel`` (no bias) before ``cell``.
"""

from __future__ import annotations

import math
from typing import Any

from ..framework.graph import Tensor
from ..framework.nest import flatten
from ..nn.embedding_ops import embedding_lookup
from ..nn.nn_ops import bias_add
from ..nn.rnn_cell import RNNCell
from ..ops.array_ops import concat, reshape
from ..ops.init_ops import random_uniform_initializer, zeros_initializer
from ..ops.math_ops import matmul
from ..ops.variable_scope import get_variable, get_variable_scope


def linear(
    args: Any,
    output_size: int,
    bias: bool,
    bias_initializer: Any = None,
    kernel_initializer: Any = None,
) -> Tensor:
    """TF 1.x's ``_Linear``: ``concat(args, 1) @ kernel + bias`` with variables ``kernel``
    ``[sum of depths, output_size]`` and ``bias`` (zeros) in the current variable scope."""
    args = list(args) if isinstance(args, (list, tuple)) else [args]
    known = [a.shape.as_list()[-1] if a.shape.ndims == 2 else None for a in args]
    depths = [d for d in known if d is not None]
    if len(depths) != len(args):
        raise ValueError(f"linear is expecting 2D arguments: {[a.shape for a in args]}")
    x = args[0] if len(args) == 1 else concat(args, 1)
    w = get_variable("kernel", [sum(depths), output_size], x.dtype, initializer=kernel_initializer)
    y = matmul(x, w)
    if bias:
        init = bias_initializer if bias_initializer is not None else zeros_initializer()
        y = bias_add(y, get_variable("bias", [output_size], x.dtype, initializer=init))
    return y


class _Wrapper(RNNCell):
    def __init__(self, cell: RNNCell, reuse: Any = None) -> None:
        super().__init__(reuse=reuse)
        if not isinstance(cell, RNNCell):
            raise TypeError("The parameter cell is not RNNCell.")
        self._cell = cell

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    def zero_state(self, batch_size: Any, dtype: Any) -> Any:
        return self._cell.zero_state(batch_size, dtype)


class EmbeddingWrapper(_Wrapper):
    """Embeds int ids before running the wrapped cell (see the module doc)."""

    _base_name = "embedding_wrapper"

    def __init__(
        self,
        cell: RNNCell,
        embedding_classes: int,
        embedding_size: int,
        initializer: Any = None,
        reuse: Any = None,
    ) -> None:
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(
                "Both embedding_classes and embedding_size must be greater than 0: "
                f"{embedding_classes}, {embedding_size}."
            )
        self._embedding_classes = embedding_classes
        self._embedding_size = embedding_size
        self._initializer = initializer

    @property
    def output_size(self) -> int:
        return self._cell.output_size

    def _call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        return self.call(inputs, state)

    def call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        init = self._initializer or get_variable_scope().initializer
        if init is None:
            r = math.sqrt(3)  # uniform(-sqrt(3), sqrt(3)) has variance 1
            init = random_uniform_initializer(-r, r)
        dtype = flatten(state)[0].dtype
        embedding = get_variable(
            "embedding",
            [self._embedding_classes, self._embedding_size],
            initializer=init,
            dtype=dtype,
        )
        embedded = embedding_lookup(embedding, reshape(inputs, [-1]))
        return self._cell(embedded, state)


class OutputProjectionWrapper(_Wrapper):
    """Projects the wrapped cell's output to ``output_size`` (see the module doc)."""

    _base_name = "output_projection_wrapper"

    def __init__(
        self, cell: RNNCell, output_size: int, activation: Any = None, reuse: Any = None
    ) -> None:
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = output_size
        self._activation = activation

    @property
    def output_size(self) -> int:
        return self._output_size

    def _call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        return self.call(inputs, state)

    def call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        output, new_state = self._cell(inputs, state)
        projected = linear(output, self._output_size, True)
        if self._activation:
            projected = self._activation(projected)
        return projected, new_state


class InputProjectionWrapper(_Wrapper):
    """Projects the input to ``num_proj`` (no bias) before the wrapped cell."""

    _base_name = "input_projection_wrapper"

    def __init__(
        self,
        cell: RNNCell,
        num_proj: int,
        activation: Any = None,
        input_size: Any = None,
        reuse: Any = None,
    ) -> None:
        super().__init__(cell, reuse)
        self._num_proj = num_proj
        self._activation = activation

    @property
    def output_size(self) -> int:
        return self._cell.output_size

    def _call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        return self.call(inputs, state)

    def call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        projected = linear(inputs, self._num_proj, False)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)
