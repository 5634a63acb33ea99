"""``tf.contrib.rnn.LSTMBlockCell``, ``GRUBlockCell`` and ``LayerNormBasicLSTMCell`` (TF 1.x
``contrib/rnn/python/ops/lstm_ops.py``, ``gru_ops.py``, ``rnn_cell.py``), with their TF 1.x
variable names (the block cells ran one fused kernel per step in TF).

* ``LSTMBlockCell(num_units, forget_bias=1.0)``: the ``BasicLSTMCell`` step (gates i, j, f, o;
  ``forget_bias`` added to f) in scope ``lstm_cell`` with ``kernel`` ``[depth + units,
  4 * units]`` and ``bias``; the state is an ``LSTMStateTuple``. ``cell_clip`` and
  ``use_peephole`` are not provided (NotImplementedError).
* ``GRUBlockCell(num_units)``: in scope ``gru_cell``, ``w_ru`` ``[depth + units, 2 * units]``,
  ``b_ru`` (ones), ``w_c`` ``[depth + units, units]``, ``b_c`` (zeros):
  ``r, u = sigmoid([x, h] @ w_ru + b_ru)``, ``c = tanh([x, r * h] @ w_c + b_c)``,
  ``h' = u * h + (1 - u) * c``.
"""

from __future__ import annotations

from typing import Any

from ..framework.graph import Tensor
from ..nn.nn_ops import bias_add, dropout
from ..nn.rnn_cell import BasicLSTMCell, LSTMStateTuple, RNNCell
from ..ops.array_ops import concat, split
from ..ops.init_ops import constant_initializer, zeros_initializer
from ..ops.math_ops import matmul, sigmoid, tanh
from ..ops.variable_scope import get_variable, variable_scope
from .layers.normalization import layer_norm


class LSTMBlockCell(BasicLSTMCell):
    """TF 1.x's ``LSTMBlockCell`` (see the module doc)."""

    _base_name = "lstm_cell"

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        cell_clip: float | None = None,
        use_peephole: bool = False,
        dtype: Any = None,
        reuse: Any = None,
        name: str = "lstm_cell",
    ) -> None:
        if use_peephole or (cell_clip is not None and cell_clip > 0):
            raise NotImplementedError("LSTMBlockCell: use_peephole and cell_clip are not supported")
        # the default name is the base name: made unique per scope, as TF's layers
        super().__init__(
            num_units,
            forget_bias=forget_bias,
            reuse=reuse,
            name=None if name == "lstm_cell" else name,
        )


class GRUBlockCell(RNNCell):
    """TF 1.x's ``GRUBlockCell`` (see the module doc)."""

    _base_name = "gru_cell"

    def __init__(
        self,
        num_units: int | None = None,
        cell_size: int | None = None,
        reuse: Any = None,
        name: str = "gru_cell",
    ) -> None:
        if num_units is None:
            if cell_size is None:
                raise ValueError("num_units must be specified.")
            num_units = cell_size
        super().__init__(reuse, None if name == "gru_cell" else name)
        self._cell_size = num_units

    @property
    def state_size(self) -> int:
        return self._cell_size

    @property
    def output_size(self) -> int:
        return self._cell_size

    def call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        n = self._cell_size
        depth = inputs.shape.as_list()[-1]
        assert depth is not None  # (checked by the cell's call)
        dtype = inputs.dtype
        w_ru = get_variable("w_ru", [depth + n, 2 * n], dtype)
        b_ru = get_variable("b_ru", [2 * n], dtype, initializer=constant_initializer(1.0))
        w_c = get_variable("w_c", [depth + n, n], dtype)
        b_c = get_variable("b_c", [n], dtype, initializer=zeros_initializer())
        r, u = split(sigmoid(bias_add(matmul(concat([inputs, state], 1), w_ru), b_ru)), 2, 1)
        c = tanh(bias_add(matmul(concat([inputs, r * state], 1), w_c), b_c))
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class LayerNormBasicLSTMCell(RNNCell):
    """TF 1.x's ``tf.contrib.rnn.LayerNormBasicLSTMCell`` (Ba et al.): the basic LSTM step with
    each gate's pre-activation (``input``, ``transform``, ``forget``, ``output``) and the new
    cell state (``state``) layer-normalised, each with its own ``gamma`` (``norm_gain``) and
    ``beta`` (``norm_shift``); ``kernel`` ``[depth + units, 4 * units]`` and no bias when
    ``layer_norm``; dropout on the candidate when ``dropout_keep_prob`` < 1."""

    _base_name = "layer_norm_basic_lstm_cell"

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        input_size: Any = None,
        activation: Any = tanh,
        layer_norm: bool = True,
        norm_gain: float = 1.0,
        norm_shift: float = 0.0,
        dropout_keep_prob: Any = 1.0,
        dropout_prob_seed: Any = None,
        reuse: Any = None,
    ) -> None:
        super().__init__(reuse)
        self._num_units = num_units
        self._activation = activation
        self._forget_bias = forget_bias
        self._keep_prob = dropout_keep_prob
        self._seed = dropout_prob_seed
        self._layer_norm = layer_norm
        self._norm_gain = norm_gain
        self._norm_shift = norm_shift

    @property
    def state_size(self) -> LSTMStateTuple:
        return LSTMStateTuple(self._num_units, self._num_units)

    @property
    def output_size(self) -> int:
        return self._num_units

    def _norm(self, inp: Tensor, scope: str) -> Tensor:
        shape = inp.shape.as_list()[-1:]
        with variable_scope(scope):
            get_variable(
                "gamma", shape, inp.dtype, initializer=constant_initializer(self._norm_gain)
            )
            get_variable(
                "beta", shape, inp.dtype, initializer=constant_initializer(self._norm_shift)
            )
        return layer_norm(inp, reuse=True, scope=scope)

    def call(self, inputs: Tensor, state: Any) -> tuple[Tensor, Any]:
        c, h = state
        args = concat([inputs, h], 1)
        depth = args.shape.as_list()[-1]
        out = matmul(args, get_variable("kernel", [depth, 4 * self._num_units], args.dtype))
        if not self._layer_norm:
            out = bias_add(out, get_variable("bias", [4 * self._num_units], args.dtype))
        i, j, f, o = split(out, 4, 1)
        if self._layer_norm:
            i, j = self._norm(i, "input"), self._norm(j, "transform")
            f, o = self._norm(f, "forget"), self._norm(o, "output")
        g = self._activation(j)
        if not isinstance(self._keep_prob, float) or self._keep_prob < 1:
            g = dropout(g, self._keep_prob, seed=self._seed)
        new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * g
        if self._layer_norm:
            new_c = self._norm(new_c, "state")
        new_h = self._activation(new_c) * sigmoid(o)
        return new_h, LSTMStateTuple(new_c, new_h)
