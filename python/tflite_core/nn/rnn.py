"""Recurrent networks over a cell: ``static_rnn`` (old ``tf.nn.rnn``), ``dynamic_rnn``,
``bidirectional_dynamic_rnn``.

There is no while loop here: ``dynamic_rnn`` unrolls over the (statically known) time dimension,
with TF's semantics: ``sequence_length`` zeroes the outputs past each sequence's length and copies
the state through, so the final state is the state at each sequence's last step. A fused
``BasicLSTMCell`` without ``sequence_length`` runs the whole sequence as one
``LSTMBlockSequence`` op instead (TF's ``LSTMBlockFusedCell`` design: the same variables, outputs
and gradients; the kernel's gradient is one matmul over all steps, not a sum of per-step products).

>>> import numpy as np, tflite_core as tf
>>> with tf.Graph().as_default():
...     cell = tf.nn.rnn_cell.BasicLSTMCell(4)
...     xs = [tf.constant(np.ones((2, 3), np.float32)) for _ in range(5)]
...     outs, state = tf.nn.static_rnn(cell, xs, dtype=tf.float32)
...     len(outs), [v.op.name for v in tf.global_variables()]
(5, ['rnn/basic_lstm_cell/kernel', 'rnn/basic_lstm_cell/bias'])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor
from ..ops.array_ops import cast, expand_dims, reshape, stack, transpose, unstack, zeros, zeros_like
from ..ops.indexing_ops import gather, where
from ..ops.math_ops import less
from ..ops.variable_scope import VariableScope, variable_scope

if TYPE_CHECKING:
    from ..framework.type_aliases import DTypeLike, TensorLike
    from .rnn_cell import RNNCell


def _map(fn, structure):
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):
        return type(structure)(*[_map(fn, s) for s in structure])
    if isinstance(structure, (tuple, list)):
        return type(structure)(_map(fn, s) for s in structure)
    return fn(structure)


def _map2(fn, a, b):
    if isinstance(a, tuple) and hasattr(a, "_fields"):
        return type(a)(*[_map2(fn, x, y) for x, y in zip(a, b)])
    if isinstance(a, (tuple, list)):
        return type(a)(_map2(fn, x, y) for x, y in zip(a, b))
    return fn(a, b)


def _initial_state(cell, first_input: Tensor, initial_state, dtype):
    """The given state, or zeros for the batch of ``first_input`` (a step's ``[batch, depth]``
    input, or the time-major ``[time, batch, depth]`` inputs)."""
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If no initial_state is provided, dtype must be specified")
    time_major = first_input.shape.ndims == 3
    dims = first_input.shape.as_list() if first_input.shape.ndims else []
    b = dims[1 if time_major else 0] if dims else None
    if b is not None:
        return cell.zero_state(b, dtype)
    # Unknown batch: [batch, 1] zeros broadcast against [1, size] zeros (a Fill whose shape is
    # computed from Shape(inputs) is not resolved when the plan is compiled).
    col = first_input[0, :, :1] if time_major else first_input[:, :1]
    col = zeros_like(cast(col, dtype))
    return _map(lambda size: col + zeros([1, size], dtype), cell.state_size)


def _rnn_steps(step, inputs, state, sequence_length, varscope):
    """Runs ``step`` (the cell) over a list of [batch, depth] inputs (TF's sequence_length
    semantics)."""
    outputs = []
    for t, x in enumerate(inputs):
        if t > 0:
            varscope.reuse_variables()
        out, new_state = step(x, state)
        if sequence_length is not None:
            # past each sequence's end the output is zero and the state is copied through
            valid = less(t, sequence_length)
            out = where(valid, out, zeros_like(out))
            new_state = _map2(lambda n, o, v=valid: where(v, n, o), new_state, state)
        outputs.append(out)
        state = new_state
    return outputs, state


def _whole_sequence(cell, sequence_length):
    """The cell's one-op sequence function when the recurrence can run as one op (a fused
    ``BasicLSTMCell``: ``LSTMBlockSequence``; the same variables, outputs and gradients as the
    unrolled steps) and no ``sequence_length`` asks for per-step masking; else None."""
    return cell._sequence if sequence_length is None else None


def _unstacked_source(inputs):
    """``x`` when ``inputs`` are exactly ``unstack(x)`` (axis 0, in order), else None."""
    split_op = None
    for t, x in enumerate(inputs):
        op = x.op
        if op.type != "Squeeze" or list(op.get_attr("squeeze_dims")) != [0]:
            return None
        src = op.inputs[0]
        if split_op is None:
            split_op = src.op
        if (
            src.op is not split_op
            or split_op.type != "Split"
            or split_op.get_attr("axis") != 0
            or len(split_op.outputs) != len(inputs)
            or split_op.outputs[t] is not src
        ):
            return None
    if split_op is None:  # no inputs (static_rnn has at least one)
        return None
    x = split_op.inputs[0]
    return x if x.shape.ndims == 3 else None


def static_rnn(
    cell: RNNCell,
    inputs: Sequence[TensorLike],
    initial_state: Any = None,
    dtype: DTypeLike | None = None,
    sequence_length: TensorLike | None = None,
    scope: str | VariableScope | None = None,
) -> tuple[list[Tensor], Any]:
    """Unrolls ``cell`` over a list of ``[batch, depth]`` inputs: ``(outputs, final_state)``.

    Variables live in ``scope`` (default ``rnn``): ``rnn/basic_lstm_cell/kernel``...
    """
    if not isinstance(inputs, (list, tuple)) or not inputs:
        raise TypeError("inputs must be a non-empty list of tensors")
    xs = [convert_to_tensor(x) for x in inputs]
    with variable_scope(scope or "rnn") as varscope:
        state = _initial_state(cell, xs[0], initial_state, dtype)
        sequence = _whole_sequence(cell, sequence_length)
        if sequence is not None:
            x = _unstacked_source(xs)
            h, state = sequence(stack(xs) if x is None else x, state)
            return unstack(h, num=len(xs)), state
        lengths = None if sequence_length is None else convert_to_tensor(sequence_length)
        return _rnn_steps(cell, xs, state, lengths, varscope)


rnn = static_rnn  # TF 0.x name (tf.nn.rnn)


def _time_steps(inputs: Tensor, time_major: bool):
    if inputs.shape.ndims is None or inputs.shape.ndims < 3:
        raise ValueError(f"inputs must be [batch, time, depth] (or time-major), got {inputs.shape}")
    t = inputs.shape.as_list()[0 if time_major else 1]
    if t is None:
        raise ValueError(
            "dynamic_rnn here unrolls the time dimension: it must be statically known, got "
            f"shape {inputs.shape}"
        )
    return unstack(inputs, num=t, axis=0 if time_major else 1)


def dynamic_rnn(
    cell: RNNCell,
    inputs: TensorLike,
    sequence_length: TensorLike | None = None,
    initial_state: Any = None,
    dtype: DTypeLike | None = None,
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    time_major: bool = False,
    scope: str | VariableScope | None = None,
) -> tuple[Tensor, Any]:
    """Runs ``cell`` over ``inputs [batch, time, depth]`` (``[time, batch, depth]`` when
    ``time_major``): ``(outputs, final_state)``, outputs in the same layout as the inputs.

    ``sequence_length [batch]``: outputs past each length are zeros and the state is copied
    through (the final state is the state at the last valid step), as TF.
    """
    inputs = convert_to_tensor(inputs)
    sequence = _whole_sequence(cell, sequence_length)
    if sequence is not None:
        if inputs.shape.ndims != 3:
            raise ValueError(
                f"inputs must be [batch, time, depth] (or time-major), got {inputs.shape}"
            )
        with variable_scope(scope or "rnn"):
            x_tm = inputs if time_major else transpose(inputs, [1, 0, 2])
            state = _initial_state(cell, x_tm, initial_state, dtype)
            h, state = sequence(x_tm, state)
            return (h if time_major else transpose(h, [1, 0, 2])), state
    steps = _time_steps(inputs, time_major)
    with variable_scope(scope or "rnn") as varscope:
        step = cell
        project = cell._projected_steps
        if project is not None:  # the input part of every step at once
            x_tm = inputs if time_major else transpose(inputs, [1, 0, 2])
            steps, step = project(x_tm, len(steps))

        state = _initial_state(cell, steps[0], initial_state, dtype)
        if sequence_length is not None:
            sequence_length = convert_to_tensor(sequence_length)
            if sequence_length.shape.ndims not in (None, 1):
                raise ValueError(
                    f"sequence_length must be a vector of length batch_size, but saw shape: "
                    f"{sequence_length.shape}"
                )
        outputs, state = _rnn_steps(step, steps, state, sequence_length, varscope)
        return stack(outputs, axis=0 if time_major else 1), state


def bidirectional_dynamic_rnn(
    cell_fw: RNNCell,
    cell_bw: RNNCell,
    inputs: TensorLike,
    sequence_length: TensorLike | None = None,
    initial_state_fw: Any = None,
    initial_state_bw: Any = None,
    dtype: DTypeLike | None = None,
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    time_major: bool = False,
    scope: str | VariableScope | None = None,
) -> tuple[tuple[Tensor, Tensor], tuple[Any, Any]]:
    """A forward and a backward ``dynamic_rnn`` (scopes ``bidirectional_rnn/fw`` and ``/bw``):
    ``((output_fw, output_bw), (state_fw, state_bw))``; the backward cell reads each sequence
    reversed within its length and its outputs are reversed back."""
    inputs = convert_to_tensor(inputs)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            out_fw, st_fw = dynamic_rnn(
                cell_fw,
                inputs,
                sequence_length,
                initial_state_fw,
                dtype,
                time_major=time_major,
                scope=fw_scope,
            )
        t_axis = 0 if time_major else 1

        def rev(x):
            if sequence_length is None:
                n = x.shape.as_list()[t_axis]
                return stack(unstack(x, num=n, axis=t_axis)[::-1], axis=t_axis)
            return _reverse_sequence(x, sequence_length, time_major)

        with variable_scope("bw") as bw_scope:
            out_bw, st_bw = dynamic_rnn(
                cell_bw,
                rev(inputs),
                sequence_length,
                initial_state_bw,
                dtype,
                time_major=time_major,
                scope=bw_scope,
            )
    return (out_fw, rev(out_bw)), (st_fw, st_bw)


def _reverse_sequence(x: Tensor, sequence_length: TensorLike, time_major: bool) -> Tensor:
    """Reverses each sequence of ``x`` within its length (a gather on the flattened steps)."""
    if not time_major:
        x = transpose(x, [1, 0, 2])
    t_len, b, depth = x.shape.as_list()
    if b is None:
        raise ValueError(
            "bidirectional_dynamic_rnn with sequence_length needs a statically known batch size"
        )
    if t_len is None:
        raise ValueError(
            "bidirectional_dynamic_rnn with sequence_length needs a statically known number of "
            "time steps"
        )
    lengths = expand_dims(cast(sequence_length, "int32"), 0)  # [1, B]
    t = np.arange(t_len, dtype=np.int32).reshape(-1, 1)  # [T, 1]
    inside = cast(less(t, lengths), "int32")  # [T, B]
    src = inside * (lengths - 1 - t) + (1 - inside) * t
    flat = src * b + np.arange(b, dtype=np.int32)
    y = reshape(gather(reshape(x, [-1, depth]), reshape(flat, [-1])), [t_len, b, depth])
    return y if time_major else transpose(y, [1, 0, 2])
