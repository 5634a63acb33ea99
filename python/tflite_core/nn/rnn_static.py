"""``tf.nn.static_bidirectional_rnn`` and ``tf.nn.static_state_saving_rnn``: TF 1.x's unrolled
RNNs over a list of ``[batch, depth]`` inputs, on top of :func:`static_rnn`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..framework import nest
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, control_dependencies
from ..ops.array_ops import concat, identity, stack, unstack
from ..ops.permute_ops import reverse_sequence
from ..ops.variable_scope import VariableScope, variable_scope
from .rnn import static_rnn


def _reverse_seq(input_seq: Sequence[Tensor], lengths: Any) -> list[Tensor]:
    """The list of steps reversed, or each sequence reversed within its length."""
    if lengths is None:
        return list(reversed(input_seq))
    x = stack([convert_to_tensor(t) for t in input_seq])
    lengths = convert_to_tensor(lengths)
    return unstack(reverse_sequence(x, lengths, seq_axis=0, batch_axis=1), num=len(input_seq))


def _assert_like_rnncell(what: str, cell: Any) -> None:
    """TF's duck-typed cell check: a ``TypeError`` naming what the object lacks."""
    checks = [
        (hasattr(cell, "output_size"), "'output_size' property is missing"),
        (hasattr(cell, "state_size"), "'state_size' property is missing"),
        (
            hasattr(cell, "get_initial_state") or hasattr(cell, "zero_state"),
            "either 'zero_state' or 'get_initial_state' method is required",
        ),
        (callable(cell), "is not callable"),
    ]
    missing = [msg for ok, msg in checks if not ok]
    if missing:
        raise TypeError(f"The argument {what!r} ({cell}) is not an RNNCell: {', '.join(missing)}.")


def static_bidirectional_rnn(
    cell_fw: Any,
    cell_bw: Any,
    inputs: Sequence[Any],
    initial_state_fw: Any = None,
    initial_state_bw: Any = None,
    dtype: Any = None,
    sequence_length: Any = None,
    scope: str | VariableScope | None = None,
) -> tuple[list[Tensor], Any, Any]:
    """A forward ``static_rnn`` (scope ``bidirectional_rnn/fw``) and a backward one over the
    reversed inputs (``.../bw``; reversed within ``sequence_length`` when given): ``(outputs,
    state_fw, state_bw)``, each output the forward and backward outputs concatenated on axis 1."""
    _assert_like_rnncell("cell_fw", cell_fw)
    _assert_like_rnncell("cell_bw", cell_bw)
    if not nest.is_nested(inputs):
        raise TypeError(f"Argument `inputs` must be a sequence. Received: {inputs}")
    if not inputs:
        raise ValueError("Argument `inputs` must not be empty.")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(
                cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope
            )
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, state_bw = static_rnn(
                cell_bw, reversed_inputs, initial_state_bw, dtype, sequence_length, scope=bw_scope
            )
    output_bw = _reverse_seq(tmp, sequence_length)
    flat = [concat([fw, bw], 1) for fw, bw in zip(nest.flatten(output_fw), nest.flatten(output_bw))]
    return nest.pack_sequence_as(output_fw, flat), state_fw, state_bw


def static_state_saving_rnn(
    cell: Any,
    inputs: Sequence[Any],
    state_saver: Any,
    state_name: Any,
    sequence_length: Any = None,
    scope: str | VariableScope | None = None,
) -> tuple[list[Tensor], Any]:
    """``static_rnn`` starting from ``state_saver.state(name)`` (a name per state tensor, in
    the structure of ``cell.state_size``) and saving the final state with
    ``state_saver.save_state(name, value)``; the last output and the final state wait on the
    saves. ``(outputs, state)``."""
    state_size = cell.state_size
    state_is_tuple = nest.is_nested(state_size)
    if state_is_tuple != nest.is_nested(state_name):
        raise ValueError(
            "Argument `state_name` should be the same type as `cell.state_size`. Received: "
            f"state_name={state_name!s}, cell.state_size={state_size!s}."
        )
    if state_is_tuple:
        names = nest.flatten(state_name)
        sizes = nest.flatten(state_size)
        if len(names) != len(sizes):
            raise ValueError(
                "Number of elements in argument `state_name` and `cell.state_size` are "
                f"mismatched. Received state_name={state_name} with {len(names)} elements and "
                f"cell.state_size={cell.state_size} with {len(sizes)} elements."
            )
        initial_state = nest.pack_sequence_as(state_size, [state_saver.state(s) for s in names])
    else:
        initial_state = state_saver.state(state_name)
    outputs, state = static_rnn(
        cell, inputs, initial_state=initial_state, sequence_length=sequence_length, scope=scope
    )
    if state_is_tuple:
        flat_state = nest.flatten(state)
        saves = [state_saver.save_state(n, s) for n, s in zip(nest.flatten(state_name), flat_state)]
    else:
        saves = [state_saver.save_state(state_name, state)]
    with control_dependencies(saves):
        last = outputs[-1]
        outputs[-1] = nest.pack_sequence_as(last, [identity(o) for o in nest.flatten(last)])
        if state_is_tuple:
            state = nest.pack_sequence_as(state, [identity(s) for s in flat_state])
        else:
            state = identity(state)
    return outputs, state
