"""RNN cells (``tf.nn.rnn_cell``, also ``tf.contrib.rnn``), variables named as TF 1.x names them.

A cell is called as ``output, new_state = cell(inputs, state)``. Its variables are created on the
first call, inside ``variable_scope(scope, default_name=<cell name>)`` under the caller's scope
(``rnn/basic_lstm_cell/kernel`` inside ``static_rnn``); later calls re-enter that scope with
``reuse=True``, as TF's layers do, so TF checkpoints of these cells restore with ``tf.train.Saver``.

``BasicLSTMCell`` computes the deck's step (slide 31)::

    c, h = state                                   # or split(state, 2, 1) when not a tuple
    concat = [inputs, h] @ kernel + bias           # kernel [depth + units, 4 * units]
    i, j, f, o = split(concat, 4, axis=1)
    new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * tanh(j)
    new_h = tanh(new_c) * sigmoid(o)

with the elementwise part in the fused ``LSTMBlockStep`` op (:mod:`lstm_ops`) when the activation
is tanh.

>>> import numpy as np, tflite_core as tf
>>> with tf.Graph().as_default():
...     cell = tf.nn.rnn_cell.BasicLSTMCell(3)
...     x = tf.constant(np.ones((2, 5), np.float32))
...     out, st = cell(x, cell.zero_state(2, tf.float32))
...     [v.name for v in tf.global_variables()], out.shape.as_list()
(['basic_lstm_cell/kernel:0', 'basic_lstm_cell/bias:0'], [2, 3])
"""

from __future__ import annotations

import collections
import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, get_default_graph, name_scope
from ..ops.array_ops import concat, reshape, split, stack, unstack, zeros
from ..ops.init_ops import constant_initializer, zeros_initializer
from ..ops.math_ops import matmul, sigmoid, tanh
from ..ops.variable_scope import VariableScope, get_variable, variable_scope
from .clip_ops import clip_by_value
from .lstm_ops import lstm_sequence, lstm_step
from .nn_ops import bias_add, dropout

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, Initializer, TensorLike

Activation = Callable[[Tensor], Tensor]
State = Any
"""A cell's state: a Tensor, an ``LSTMStateTuple`` or a (nested) tuple of them."""


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """``(c, h)``: the cell state and the output of an LSTM cell."""

    __slots__ = ()

    @property
    def dtype(self) -> Any:
        return self.c.dtype


def _flat(structure):
    if isinstance(structure, (tuple, list)):
        return [x for s in structure for x in _flat(s)]
    return [structure]


def _zeros(batch_size, units, dtype):
    if isinstance(batch_size, Tensor):
        z = zeros(stack([batch_size, units]), dtype)
        z.set_shape([None, units])
        return z
    return zeros([batch_size, units], dtype)


def _input_depth(inputs: Tensor) -> int:
    d = inputs.shape.as_list()[-1] if inputs.shape.ndims is not None else None
    if d is None or inputs.shape.ndims != 2:
        raise ValueError(
            f"Expected inputs.shape[-1] to be known, saw shape: {inputs.shape}"
            if d is None
            else f"Input must be rank 2 ([batch, depth]), saw shape: {inputs.shape}"
        )
    return d


class RNNCell:
    """The cell interface: ``state_size``, ``output_size``, ``zero_state``, ``__call__``."""

    _base_name = "rnn_cell"

    def __init__(self, reuse: bool | None = None, name: str | None = None) -> None:
        self._reuse = reuse
        self._name = name
        self._scope: VariableScope | None = None
        self._depth: int | None = None

    @property
    def state_size(self) -> Any:
        """An int, or a (named) tuple of them: the state's structure."""
        raise NotImplementedError

    @property
    def output_size(self) -> int:
        raise NotImplementedError

    def zero_state(self, batch_size: int | Tensor, dtype: DTypeLike) -> State:
        """Zeros in the structure of ``state_size``: ``[batch_size, n]`` for each size n."""

        def build(size):
            if isinstance(size, tuple):
                return (
                    type(size)(*[build(s) for s in size])
                    if hasattr(size, "_fields")
                    else (tuple(build(s) for s in size))
                )
            return _zeros(batch_size, size, dtype)

        return build(self.state_size)

    def __call__(
        self, inputs: TensorLike, state: State, scope: str | VariableScope | None = None
    ) -> tuple[Tensor, State]:
        """Runs the cell: ``(output, new_state)``; variables are made on the first call."""
        inputs = convert_to_tensor(inputs)
        with self._variable_scope(scope):
            return self._call(inputs, state)

    @contextlib.contextmanager
    def _variable_scope(self, scope: str | VariableScope | None = None) -> Iterator[None]:
        """The cell's scope: opened (made unique) on the first use, re-entered with reuse after."""
        if self._scope is None:
            if scope is not None or self._reuse or self._name:
                cm = variable_scope(scope or self._name or self._base_name, reuse=self._reuse)
            else:
                cm = variable_scope(None, default_name=self._base_name)
            with cm as vs:
                self._scope = vs
                yield
        else:
            with variable_scope(self._scope, reuse=True):
                yield

    def _check_depth(self, inputs: Tensor) -> int:
        return self._set_depth(_input_depth(inputs), inputs.shape.as_list())

    def _set_depth(self, depth: int, shape: Any) -> int:
        """Records the input depth of the first use; a later one must match (TF's message)."""
        if self._depth is not None and depth != self._depth:
            layer = self._scope.name if self._scope is not None else self._name
            raise ValueError(
                f"Input 0 of layer {layer} is incompatible with the layer: expected "
                f"axis -1 of input shape to have value {self._depth} but received input with "
                f"shape {shape}"
            )
        self._depth = depth
        return depth

    def _call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        self._check_depth(inputs)
        return self.call(inputs, state)

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        raise NotImplementedError

    # -- what static_rnn / dynamic_rnn ask of a cell --------------------------------------------
    @property
    def _sequence(self) -> Callable[..., Any] | None:
        """A function ``(x_tm, state) -> (h, final_state)`` that runs the whole time-major
        sequence ``x_tm [T, B, depth]`` as one op (``h [T, B, units]``; the same variables and
        values as calling the cell step by step), or None (the default): run step by step."""
        return None

    @property
    def _projected_steps(self) -> Callable[..., Any] | None:
        """A function ``(x_tm, n_steps) -> (step_inputs, step)`` that computes the input part of
        every step at once (one matmul over all ``T * B`` rows) and returns the per-step inputs
        and a ``step(x, state) -> (output, new_state)`` that takes them, or None (the default):
        call the cell on the raw inputs."""
        return None


def _check_state(cell_name: str, state: Tensor, shape):
    got = state.shape
    if got.ndims is not None and (got.ndims != 2 or not got.is_compatible_with(shape)):
        raise ValueError(
            f"{cell_name}: state must have shape {shape}, but saw shape {got.as_list()}"
        )


def _linear(
    args,
    output_size: int,
    bias: bool,
    name="kernel",
    bias_name="bias",
    bias_initializer=None,
    kernel_initializer=None,
):
    """``concat(args, 1) @ kernel + bias`` with ``kernel [sum of depths, output_size]``."""
    x = args[0] if len(args) == 1 else concat(args, 1)
    depth = x.shape.as_list()[1]
    w = get_variable(name, [depth, output_size], x.dtype, initializer=kernel_initializer)
    y = matmul(x, w)
    if bias:
        init = bias_initializer if bias_initializer is not None else zeros_initializer()
        y = bias_add(y, get_variable(bias_name, [output_size], x.dtype, initializer=init))
    return y


class _UnitsCell(RNNCell):
    """A cell whose state and output are both ``[batch, num_units]``."""

    _num_units: int

    @property
    def state_size(self) -> int:
        return self._num_units

    @property
    def output_size(self) -> int:
        return self._num_units


class BasicRNNCell(_UnitsCell):
    """``output = new_state = activation([inputs, state] @ kernel + bias)``."""

    _base_name = "basic_rnn_cell"

    def __init__(
        self,
        num_units: int,
        activation: Activation | None = None,
        reuse: bool | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(reuse, name)
        self._num_units = num_units
        self._activation: Activation = activation or tanh

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        _check_state(type(self).__name__, state, [None, self._num_units])
        out = self._activation(_linear([inputs, state], self._num_units, True))
        return out, out


class BasicLSTMCell(RNNCell):
    """The basic LSTM cell of the deck (slide 31); see the module docstring for the step.

    Args:
        num_units: units in the cell.
        forget_bias: added to the forget gate's pre-activation.
        state_is_tuple: state as ``LSTMStateTuple(c, h)`` (else ``concat([c, h], 1)``).
        activation: the cell's activation (default tanh, with the fused step).
        reuse: reuse the variables of an existing scope.
        name: the cell's variable scope (default ``basic_lstm_cell``).
    """

    _base_name = "basic_lstm_cell"

    def __init__(
        self,
        num_units: int,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Activation | None = None,
        reuse: bool | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(reuse, name)
        self._num_units, self._forget_bias = num_units, float(forget_bias)
        self._state_is_tuple, self._activation = state_is_tuple, activation

    @property
    def state_size(self) -> LSTMStateTuple | int:
        n = self._num_units
        return LSTMStateTuple(n, n) if self._state_is_tuple else 2 * n

    @property
    def output_size(self) -> int:
        return self._num_units

    def _fused(self) -> bool:
        return self._activation is None or self._activation is tanh

    def _whole_sequence_ok(self) -> bool:
        # a subclass with its own step (`call`) runs that step, not the fused sequence
        return self._fused() and type(self).call is BasicLSTMCell.call

    @property
    def _sequence(self) -> Callable[..., Any] | None:
        return self._run_sequence if self._whole_sequence_ok() else None

    @property
    def _projected_steps(self) -> Callable[..., Any] | None:
        return self._project_steps if self._whole_sequence_ok() else None

    def _project_steps(self, x_tm, n_steps):
        """The input part of every step's matmul at once: one ``[T*B, depth]`` matmul."""
        depth = x_tm.shape.as_list()[2]
        x_proj, w_h = self._project_inputs(reshape(x_tm, [-1, depth]))
        steps = unstack(reshape(x_proj, [n_steps, -1, 4 * self._num_units]), num=n_steps)

        def step(x, s):
            return self._step_projected(x, s, w_h)

        return steps, step

    def _split_state(self, state):
        n = self._num_units
        if self._state_is_tuple:
            c, h = state
        else:
            _check_state(type(self).__name__, state, [None, 2 * n])
            c, h = split(state, 2, axis=1)
        _check_state(type(self).__name__, c, [None, n])
        _check_state(type(self).__name__, h, [None, n])
        return c, h

    def _project_inputs(self, x_flat):
        """For a whole sequence at once (``dynamic_rnn``): ``(x @ kernel[:depth] + bias,
        kernel[depth:])`` -- one matmul for every step's input part; the same variables."""
        with self._variable_scope():
            d, n = self._check_depth(x_flat), self._num_units
            w = get_variable("kernel", [d + n, 4 * n], x_flat.dtype)
            b = get_variable("bias", [4 * n], x_flat.dtype, initializer=zeros_initializer())
            return bias_add(matmul(x_flat, w[:d]), b), w[d:]

    def _run_sequence(self, x_tm, state):
        """The whole sequence in one ``LSTMBlockSequence`` op (``static_rnn``/``dynamic_rnn``):
        ``(h [T, B, units], final state)`` from time-major ``x_tm [T, B, depth]``; the same
        variables and values as calling the cell step by step."""
        with self._variable_scope():
            d = x_tm.shape.as_list()[-1] if x_tm.shape.ndims == 3 else None
            if d is None:
                raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {x_tm.shape}")
            self._set_depth(d, x_tm.shape.as_list()[1:])
            n = self._num_units
            w = get_variable("kernel", [d + n, 4 * n], x_tm.dtype)
            b = get_variable("bias", [4 * n], x_tm.dtype, initializer=zeros_initializer())
            c0, h0 = self._split_state(state)
            c, h = lstm_sequence(x_tm, c0, h0, w, b, self._forget_bias)
        new_c, new_h = c[-1], h[-1]
        if self._state_is_tuple:
            return h, LSTMStateTuple(new_c, new_h)
        return h, concat([new_c, new_h], 1)

    def _step_projected(self, x_proj, state, w_h):
        """One step from the projected input: gates = x_proj + h @ kernel[depth:]."""
        c, h = self._split_state(state)
        new_c, new_h = lstm_step(x_proj + matmul(h, w_h), c, self._forget_bias)
        if self._state_is_tuple:
            return new_h, LSTMStateTuple(new_c, new_h)
        return new_h, concat([new_c, new_h], 1)

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        c, h = self._split_state(state)
        gates = _linear([inputs, h], 4 * self._num_units, True)
        if self._fused():
            new_c, new_h = lstm_step(gates, c, self._forget_bias)
        else:
            act = self._activation
            assert act is not None  # not _fused()
            i, j, f, o = split(gates, 4, axis=1)
            new_c = c * sigmoid(f + self._forget_bias) + sigmoid(i) * act(j)
            new_h = act(new_c) * sigmoid(o)
        new_state = (
            LSTMStateTuple(new_c, new_h) if self._state_is_tuple else concat([new_c, new_h], 1)
        )
        return new_h, new_state


class LSTMCell(RNNCell):
    """TF's ``LSTMCell``: optional peepholes (``w_f_diag``, ``w_i_diag``, ``w_o_diag``), cell
    clipping and a projection (``projection/kernel``) of the output to ``num_proj`` units.

    Without peepholes or clipping the step is the fused ``LSTMBlockStep``.
    """

    _base_name = "lstm_cell"

    def __init__(
        self,
        num_units: int,
        use_peepholes: bool = False,
        cell_clip: float | None = None,
        initializer: Initializer | None = None,
        num_proj: int | None = None,
        proj_clip: float | None = None,
        num_unit_shards: int | None = None,
        num_proj_shards: int | None = None,
        forget_bias: float = 1.0,
        state_is_tuple: bool = True,
        activation: Activation | None = None,
        reuse: bool | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(reuse, name)
        self._num_units, self._use_peepholes, self._cell_clip = num_units, use_peepholes, cell_clip
        self._initializer, self._num_proj, self._proj_clip = initializer, num_proj, proj_clip
        self._forget_bias, self._state_is_tuple = float(forget_bias), state_is_tuple
        self._activation = activation

    @property
    def state_size(self) -> LSTMStateTuple | int:
        n, p = self._num_units, self._num_proj or self._num_units
        return LSTMStateTuple(n, p) if self._state_is_tuple else n + p

    @property
    def output_size(self) -> int:
        return self._num_proj or self._num_units

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        n, p = self._num_units, self._num_proj or self._num_units
        name = type(self).__name__
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            _check_state(name, state, [None, n + p])
            c_prev, m_prev = split(state, [n, p], axis=1)
        _check_state(name, c_prev, [None, n])
        _check_state(name, m_prev, [None, p])
        gates = _linear([inputs, m_prev], 4 * n, True, kernel_initializer=self._initializer)
        act = self._activation or tanh
        fused = (
            not self._use_peepholes and self._cell_clip is None and self._activation in (None, tanh)
        )
        if fused:
            c, m = lstm_step(gates, c_prev, self._forget_bias)
        else:
            i, j, f, o = split(gates, 4, axis=1)
            dt = inputs.dtype
            if self._use_peepholes:
                w_f = get_variable("w_f_diag", [n], dt, initializer=self._initializer)
                w_i = get_variable("w_i_diag", [n], dt, initializer=self._initializer)
                w_o = get_variable("w_o_diag", [n], dt, initializer=self._initializer)
                c = sigmoid(f + self._forget_bias + w_f * c_prev) * c_prev + sigmoid(
                    i + w_i * c_prev
                ) * act(j)
            else:
                c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * act(j)
            if self._cell_clip is not None:
                c = clip_by_value(c, -self._cell_clip, self._cell_clip)
            m = sigmoid(o + w_o * c) * act(c) if self._use_peepholes else sigmoid(o) * act(c)
        if self._num_proj is not None:
            with variable_scope("projection"):
                m = _linear([m], self._num_proj, False, kernel_initializer=self._initializer)
            if self._proj_clip is not None:
                m = clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else concat([c, m], 1)
        return m, new_state


class GRUCell(_UnitsCell):
    """TF's ``GRUCell``: ``gates/kernel``, ``gates/bias`` (init 1.0), ``candidate/kernel``,
    ``candidate/bias``; ``new_h = u * h + (1 - u) * tanh([x, r * h] @ W_c + b_c)``."""

    _base_name = "gru_cell"

    def __init__(
        self,
        num_units: int,
        activation: Activation | None = None,
        reuse: bool | None = None,
        kernel_initializer: Initializer | None = None,
        bias_initializer: Initializer | None = None,
        name: str | None = None,
        dtype: DTypeLike | None = None,
    ) -> None:
        super().__init__(reuse, name)
        self._num_units = num_units
        self._activation: Activation = activation or tanh
        self._kernel_init, self._bias_init = kernel_initializer, bias_initializer

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        n = self._num_units
        _check_state(type(self).__name__, state, [None, n])
        gate_bias = self._bias_init if self._bias_init is not None else constant_initializer(1.0)
        value = sigmoid(
            _linear(
                [inputs, state],
                2 * n,
                True,
                "gates/kernel",
                "gates/bias",
                gate_bias,
                self._kernel_init,
            )
        )
        r, u = split(value, 2, axis=1)
        cand = _linear(
            [inputs, r * state],
            n,
            True,
            "candidate/kernel",
            "candidate/bias",
            self._bias_init,
            self._kernel_init,
        )
        new_h = u * state + (1 - u) * self._activation(cand)
        return new_h, new_h


class MultiRNNCell(RNNCell):
    """Cells stacked: cell ``k`` runs in ``multi_rnn_cell/cell_k`` on the output of cell k-1."""

    _base_name = "multi_rnn_cell"

    def __init__(self, cells: Sequence[RNNCell], state_is_tuple: bool = True) -> None:
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        self._cells, self._state_is_tuple = list(cells), state_is_tuple

    @property
    def state_size(self) -> tuple | int:
        if self._state_is_tuple:
            return tuple(c.state_size for c in self._cells)
        return sum(sum(_flat(c.state_size)) for c in self._cells)

    @property
    def output_size(self) -> int:
        return self._cells[-1].output_size

    def zero_state(self, batch_size: int | Tensor, dtype: DTypeLike) -> State:
        if self._state_is_tuple:
            return tuple(c.zero_state(batch_size, dtype) for c in self._cells)
        return _zeros(batch_size, self.state_size, dtype)

    def _call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        return self.call(inputs, state)

    def call(self, inputs: Tensor, state: State) -> tuple[Tensor, State]:
        cur, new_states, pos = inputs, [], 0
        for k, cell in enumerate(self._cells):
            with variable_scope(f"cell_{k}"):
                if self._state_is_tuple:
                    if not isinstance(state, (tuple, list)) or len(state) != len(self._cells):
                        raise ValueError(
                            f"Expected state to be a tuple of length {len(self._cells)}, but "
                            f"received: {state}"
                        )
                    s = state[k]
                else:
                    size = cell.state_size
                    s = state[:, pos : pos + size]
                    pos += size
                cur, ns = cell(cur, s)
                new_states.append(ns)
        if self._state_is_tuple:
            return cur, tuple(new_states)
        return cur, concat(new_states, 1)


class DropoutWrapper(RNNCell):
    """Dropout on a cell's inputs, outputs and (new) state; the cell's variables keep their
    names (no extra scope)."""

    def __init__(
        self,
        cell: RNNCell,
        input_keep_prob: float | Tensor = 1.0,
        output_keep_prob: float | Tensor = 1.0,
        state_keep_prob: float | Tensor = 1.0,
        variational_recurrent: bool = False,
        input_size: Any = None,
        dtype: DTypeLike | None = None,
        seed: int | None = None,
    ) -> None:
        super().__init__()
        if variational_recurrent:
            raise NotImplementedError("DropoutWrapper(variational_recurrent=True)")
        self._cell, self._seed = cell, seed
        self._in, self._out, self._state = input_keep_prob, output_keep_prob, state_keep_prob

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    @property
    def output_size(self) -> int:
        return self._cell.output_size

    def zero_state(self, batch_size: int | Tensor, dtype: DTypeLike) -> State:
        return self._cell.zero_state(batch_size, dtype)

    @staticmethod
    def _on(p: float | Tensor) -> bool:
        return isinstance(p, Tensor) or float(p) < 1.0

    def __call__(
        self, inputs: TensorLike, state: State, scope: str | VariableScope | None = None
    ) -> tuple[Tensor, State]:
        inputs = convert_to_tensor(inputs)
        if self._on(self._in):
            inputs = dropout(inputs, keep_prob=self._in, seed=self._seed)
        out, new_state = self._cell(inputs, state, scope=scope)
        if self._on(self._state):
            # TF drops the state's h only for an LSTM tuple state (never its c).
            if isinstance(new_state, LSTMStateTuple):
                new_state = LSTMStateTuple(
                    new_state.c, dropout(new_state.h, keep_prob=self._state, seed=self._seed)
                )
            elif isinstance(new_state, Tensor):
                new_state = dropout(new_state, keep_prob=self._state, seed=self._seed)
        if self._on(self._out):
            out = dropout(out, keep_prob=self._out, seed=self._seed)
        return out, new_state


class _Wrapper(RNNCell):
    """A cell around ``cell``: its sizes, and its variables under the cell's own names."""

    def __init__(self, cell: RNNCell) -> None:
        super().__init__()
        self._cell = cell

    @property
    def cell(self) -> RNNCell:
        return self._cell

    @property
    def state_size(self) -> Any:
        return self._cell.state_size

    @property
    def output_size(self) -> int:
        return self._cell.output_size

    def zero_state(self, batch_size: int | Tensor, dtype: DTypeLike) -> State:
        with name_scope(type(self).__name__ + "ZeroState"):
            return self._cell.zero_state(batch_size, dtype)


class ResidualWrapper(_Wrapper):
    """Adds the inputs to the cell's outputs (``residual_fn(inputs, outputs)`` when given); the
    inputs' and outputs' shapes must be compatible (a ``ValueError`` otherwise, as in TF)."""

    def __init__(self, cell: RNNCell, residual_fn: Callable[[Any, Any], Any] | None = None) -> None:
        super().__init__(cell)
        self._residual_fn = residual_fn

    def __call__(
        self, inputs: TensorLike, state: State, scope: str | VariableScope | None = None
    ) -> tuple[Tensor, State]:
        inputs = convert_to_tensor(inputs)
        out, new_state = self._cell(inputs, state, scope=scope)
        if self._residual_fn is not None:
            return self._residual_fn(inputs, out), new_state
        inputs.shape.assert_is_compatible_with(out.shape)
        return inputs + out, new_state


class DeviceWrapper(_Wrapper):
    """Runs the cell (and makes its zero state) under ``tf.device(device)``."""

    def __init__(self, cell: RNNCell, device: str) -> None:
        super().__init__(cell)
        self._device = device

    def zero_state(self, batch_size: int | Tensor, dtype: DTypeLike) -> State:
        with (
            name_scope(type(self).__name__ + "ZeroState"),
            get_default_graph().device(self._device),
        ):
            return self._cell.zero_state(batch_size, dtype)

    def __call__(
        self, inputs: TensorLike, state: State, scope: str | VariableScope | None = None
    ) -> tuple[Tensor, State]:
        with get_default_graph().device(self._device):
            return self._cell(inputs, state, scope=scope)


__all__ = [
    "BasicLSTMCell",
    "BasicRNNCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "RNNCell",
    "ResidualWrapper",
]
