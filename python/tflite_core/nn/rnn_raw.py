"""``tf.nn.raw_rnn``: a cell driven by a ``loop_fn`` inside a ``tf.while_loop`` until every batch
entry is finished, its emits gathered in TensorArrays.

TF's semantics: ``loop_fn(time, cell_output, cell_state, loop_state)`` returns
``(finished, next_input, next_cell_state, emit_output, next_loop_state)``; its first call (time 0,
``cell_output``/``cell_state``/``loop_state`` None) gives the initial input and state, the emit
structure (None: the cell's ``output_size`` in the state's dtype) and the initial loop state
(None: a scalar int32 surrogate, returned as None). Each iteration runs the cell on the current
input and state, calls ``loop_fn`` at ``time + 1``; entries already finished emit zeros and keep
their state (``where`` over the batch; scalars and TensorArrays pass through); the emit is
written at ``time``; ``finished`` accumulates with ``logical_or``. The loop stops when every
entry is finished. Returns ``(emit_ta, final_state, final_loop_state)``.

TF grows its emit TensorArrays (``dynamic_size=True``) as the loop runs; here a loop variable
keeps one shape across iterations, so the loop runs twice: a first loop counts the iterations,
a second one, with emit TensorArrays of that size, computes the results (and carries the
gradients). The cell and ``loop_fn`` are therefore built and run twice: their variables are
shared (the cell is built once; ``get_variable`` calls reuse the scope's variables), and a
random op among them draws independently in each loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..framework import dtypes as _dt
from ..framework import nest
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from ..framework.op_util import make_tensor
from ..framework.tensor_shape import TensorShape, as_shape
from ..ops.array_ops import concat, reshape, shape, zeros
from ..ops.indexing_ops import where, where_v2
from ..ops.math_extra_ops import logical_not, logical_or, reduce_all
from ..ops.tensor_array_ops import TensorArray
from ..ops.variable_scope import VariableScope, variable_scope
from ..ops.while_loop import while_loop
from .rnn_static import _assert_like_rnncell


def _emit_shape(size: Any) -> TensorShape:
    """The static shape an emit of ``size`` (a TensorShape, an int or a shape tensor) has."""
    if isinstance(size, Tensor):
        return TensorShape(None)
    if isinstance(size, int):
        return TensorShape([size])
    return as_shape(size)


def _zeros(batch: Any, size: Any, dtype: _dt.DType) -> Tensor:
    if not isinstance(size, Tensor) and not isinstance(batch, Tensor):
        return zeros([batch, *_emit_shape(size).as_list()], dtype)
    if not isinstance(size, Tensor):
        size = constant(_emit_shape(size).as_list(), _dt.int32)
    return zeros(concat([reshape(convert_to_tensor(batch, _dt.int32), [1]), size], 0), dtype)


def _write(ta: TensorArray, index: Tensor, value: Tensor) -> TensorArray:
    """``ta.write(index, value)`` on a flow made before the loop: the row count is the flow's
    (known when the plan compiles), so the write reads no size value inside the loop body."""
    with name_scope(None, "TensorArrayWrite", [index, value]):
        value = convert_to_tensor(value, dtype=ta.dtype, name="value")
        ta._merge_element_shape(value.shape)
        out = make_tensor("TensorArrayWrite", [ta.flow, index, value], ta.dtype, None)
        return ta._with_flow(out)


def _copy_some_through(finished: Tensor, current: Any, candidate: Any) -> Any:
    def copy(cur: Any, cand: Any) -> Any:
        if isinstance(cur, TensorArray) or cur.shape.rank == 0:
            return cand
        if finished.shape.rank == 0:  # a scalar condition selects whole tensors (TF's Select)
            return where_v2(finished, cur, cand)
        return where(finished, cur, cand)

    return nest.map_structure(copy, current, candidate)


def raw_rnn(
    cell: Any,
    loop_fn: Callable[..., Any],
    parallel_iterations: int | None = None,
    swap_memory: bool = False,
    scope: str | VariableScope | None = None,
) -> tuple[Any, Any, Any]:
    """Runs ``cell`` under ``loop_fn``'s control (see the module docstring): returns
    ``(emit_ta, final_state, final_loop_state)``, ``emit_ta`` TensorArrays (one per emit in
    the emit structure) of ``[batch, *emit_size]`` elements, one per iteration."""
    _assert_like_rnncell("cell", cell)
    if not callable(loop_fn):
        raise TypeError(f"Argument `loop_fn` must be a callable. Received: {loop_fn}.")
    parallel_iterations = parallel_iterations or 32
    with variable_scope(scope or "rnn") as varscope:
        time = constant(0, dtype=_dt.int32)
        finished, first_input, initial_state, emit_structure, init_loop_state = loop_fn(
            time, None, None, None
        )
        flat_input = nest.flatten(first_input)
        loop_state = init_loop_state if init_loop_state is not None else constant(0, _dt.int32)
        shapes = [convert_to_tensor(x).shape for x in flat_input]
        static_batch = shapes[0].as_list()[0] if shapes[0].rank else None
        for s in shapes:
            other = s.as_list()[0] if s.rank else None
            if static_batch is not None and other is not None and static_batch != other:
                raise ValueError(f"Dimensions {static_batch} and {other} are not compatible")
        batch: Any = static_batch if static_batch is not None else shape(flat_input[0])[0]
        nest.assert_same_structure(initial_state, cell.state_size)
        state = nest.pack_sequence_as(
            initial_state, [convert_to_tensor(s) for s in nest.flatten(initial_state)]
        )
        if emit_structure is not None:
            flat_emit = nest.flatten(emit_structure)
            sizes = [e.shape if e.shape.is_fully_defined() else shape(e) for e in flat_emit]
            dtypes = [e.dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            sizes = nest.flatten(emit_structure)
            dtypes = [nest.flatten(state)[0].dtype] * len(sizes)
        zero_emit = nest.pack_sequence_as(
            emit_structure, [_zeros(batch, s, d) for s, d in zip(sizes, dtypes)]
        )

        def condition(unused_time: Any, elements_finished: Tensor, *_: Any) -> Tensor:
            return logical_not(reduce_all(elements_finished))

        def step(time: Tensor, elements_finished: Tensor, current_input: Any, state: Any,
                 loop_state: Any) -> tuple:  # fmt: skip
            output, cell_state = cell(current_input, state)
            nest.assert_same_structure(state, cell_state)
            nest.assert_same_structure(cell.output_size, output)
            next_time = time + 1
            next_finished, next_input, next_state, emit, next_loop_state = loop_fn(
                next_time, output, cell_state, loop_state
            )
            nest.assert_same_structure(state, next_state)
            nest.assert_same_structure(current_input, next_input)
            nest.assert_same_structure(emit_structure, emit)
            loop_state = loop_state if next_loop_state is None else next_loop_state
            emit = _copy_some_through(elements_finished, zero_emit, emit)
            next_state = _copy_some_through(elements_finished, state, next_state)
            done = logical_or(elements_finished, next_finished)
            return next_time, done, next_input, next_state, loop_state, emit

        def count_body(*args: Any) -> list:
            return list(step(*args)[:5])

        loop_vars = [time, finished, first_input, state, loop_state]
        steps = while_loop(
            condition,
            count_body,
            loop_vars,
            parallel_iterations=parallel_iterations,
            swap_memory=swap_memory,
            back_prop=False,
            name="raw_rnn_steps",
        )[0]

        flat_ta = [
            TensorArray(
                dtype=d,
                dynamic_size=True,
                flow=zeros(concat([reshape(steps, [1]), shape(e)], 0), d),
                element_shape=e.shape,
                name=f"rnn_output_{i}",
            )
            for i, (d, e) in enumerate(zip(dtypes, nest.flatten(zero_emit)))
        ]
        emit_ta = nest.pack_sequence_as(emit_structure, flat_ta)

        def body(time: Tensor, elements_finished: Tensor, current_input: Any, emit_ta: Any,
                 state: Any, loop_state: Any) -> list:  # fmt: skip
            next_time, done, next_input, next_state, loop_state, emit = step(
                time, elements_finished, current_input, state, loop_state
            )
            emit_ta = nest.map_structure(lambda ta, e: _write(ta, time, e), emit_ta, emit)
            return [next_time, done, next_input, emit_ta, next_state, loop_state]

        with variable_scope(varscope, reuse=True, auxiliary_name_scope=False):
            returned = while_loop(
                condition,
                body,
                [time, finished, first_input, emit_ta, state, loop_state],
                parallel_iterations=parallel_iterations,
                swap_memory=swap_memory,
            )
        emit_ta, final_state, final_loop_state = returned[-3:]
        if init_loop_state is None:
            final_loop_state = None
        return emit_ta, final_state, final_loop_state
