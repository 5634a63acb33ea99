"""``tf.contrib.crf``: the linear-chain conditional random field of TF 1.x
(``contrib/crf/python/ops/crf.py``), as BiLSTM-CRF taggers used it.

``crf_log_likelihood(inputs [B, T, N], tag_indices [B, T], sequence_lengths [B])`` returns the
log-likelihood of each tag sequence, ``score(tags) - log Z``, with the variable ``transitions``
``[N, N]`` (made in the current scope unless ``transition_params`` is given); ``log Z`` comes
from the forward algorithm run with ``dynamic_rnn`` over ``CrfForwardRnnCell``.
``crf_decode`` finds the best tag sequences in the graph (Viterbi, forward max-product then a
backward pass over the backpointers); ``viterbi_decode`` does the same for one sequence in NumPy.
Steps past a sequence's length do not count; a length of 0 scores 0. The time dimension must be
known when the graph is built.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...framework import dtypes as _dt
from ...framework.constant_op import constant, convert_to_tensor
from ...framework.graph import Tensor
from ...nn.rnn import dynamic_rnn
from ...nn.rnn_cell import RNNCell
from ...ops.array_ops import (
    cast,
    concat,
    expand_dims,
    reshape,
    shape,
    squeeze,
    stack,
    zeros_like,
)
from ...ops.grid_ops import sequence_mask
from ...ops.indexing_ops import gather, where
from ...ops.indexing_ops import range as _range
from ...ops.math_extra_ops import reduce_logsumexp
from ...ops.math_ops import argmax, less_equal, maximum, reduce_max, reduce_sum
from ...ops.permute_ops import reverse_sequence
from ...ops.scatter_ops import gather_nd
from ...ops.variable_scope import get_variable


def _time_steps(inputs: Tensor) -> int:
    t = inputs.shape.as_list()[1]
    if t is None:
        raise ValueError("crf: the time dimension of the inputs must be known")
    return t


def crf_unary_score(tag_indices: Any, sequence_lengths: Any, inputs: Any) -> Tensor:
    """The sum over each sequence's valid steps of ``inputs[b, t, tag_indices[b, t]]``."""
    inputs = convert_to_tensor(inputs)
    tag_indices = convert_to_tensor(tag_indices)
    dims = shape(inputs)
    batch_size, max_seq_len, num_tags = dims[0], dims[1], dims[2]
    flattened_inputs = reshape(inputs, [-1])
    offsets = expand_dims(_range(batch_size) * max_seq_len * num_tags, 1)
    offsets += expand_dims(_range(max_seq_len) * num_tags, 0)
    if tag_indices.dtype == _dt.int64:
        offsets = cast(offsets, _dt.int64)
    flat_tags = reshape(offsets + tag_indices, [-1])
    unary = reshape(gather(flattened_inputs, flat_tags), stack([batch_size, max_seq_len]))
    masks = sequence_mask(sequence_lengths, maxlen=shape(tag_indices)[1], dtype=_dt.float32)
    return reduce_sum(unary * masks, 1)


def crf_binary_score(tag_indices: Any, sequence_lengths: Any, transition_params: Any) -> Tensor:
    """The sum over each sequence's valid transitions of
    ``transition_params[tag[t - 1], tag[t]]``."""
    tag_indices = convert_to_tensor(tag_indices)
    transition_params = convert_to_tensor(transition_params)
    num_tags = transition_params.shape.as_list()[0]
    start = tag_indices[:, :-1]
    end = tag_indices[:, 1:]
    flat = reshape(transition_params, [-1])
    binary = gather(flat, start * num_tags + end)
    masks = sequence_mask(sequence_lengths, maxlen=shape(tag_indices)[1], dtype=_dt.float32)
    return reduce_sum(binary * masks[:, 1:], 1)


def crf_sequence_score(
    inputs: Any, tag_indices: Any, sequence_lengths: Any, transition_params: Any
) -> Tensor:
    """The unnormalised score of each tag sequence: unary plus binary scores (for one time
    step, the unary score alone, 0 for a length of 0)."""
    inputs = convert_to_tensor(inputs)
    tag_indices = convert_to_tensor(tag_indices)
    if _time_steps(inputs) == 1:
        batch_size = shape(inputs, out_type=tag_indices.dtype)[0]
        example_inds = reshape(_range(batch_size, dtype=tag_indices.dtype), [-1, 1])
        scores = gather_nd(squeeze(inputs, [1]), concat([example_inds, tag_indices], axis=1))
        return where(less_equal(sequence_lengths, 0), zeros_like(scores), scores)
    return crf_unary_score(tag_indices, sequence_lengths, inputs) + crf_binary_score(
        tag_indices, sequence_lengths, transition_params
    )


class CrfForwardRnnCell(RNNCell):
    """One step of the forward algorithm: ``alpha' = inputs + logsumexp(alpha + T, axis 1)``
    (output and state both the new alphas)."""

    def __init__(self, transition_params: Any) -> None:
        super().__init__()
        transition_params = convert_to_tensor(transition_params)
        self._transition_params = expand_dims(transition_params, 0)
        self._num_tags = transition_params.shape.as_list()[0]

    @property
    def state_size(self) -> int:
        return self._num_tags

    @property
    def output_size(self) -> int:
        return self._num_tags

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Tensor, Tensor]:
        scores = expand_dims(state, 2) + self._transition_params
        new_alphas = inputs + reduce_logsumexp(scores, [1])
        return new_alphas, new_alphas


def crf_log_norm(inputs: Any, sequence_lengths: Any, transition_params: Any) -> Tensor:
    """``log Z`` of each sequence (the log-sum-exp of the scores of all tag sequences)."""
    inputs = convert_to_tensor(inputs)
    sequence_lengths = convert_to_tensor(sequence_lengths)
    first = squeeze(inputs[:, :1, :], [1])
    if _time_steps(inputs) == 1:
        log_norm = reduce_logsumexp(first, [1])
    else:
        lengths_less_one = maximum(constant(0, dtype=sequence_lengths.dtype), sequence_lengths - 1)
        _, alphas = dynamic_rnn(
            CrfForwardRnnCell(transition_params),
            inputs[:, 1:, :],
            sequence_length=lengths_less_one,
            initial_state=first,
            dtype=_dt.float32,
        )
        log_norm = reduce_logsumexp(alphas, [1])
    return where(less_equal(sequence_lengths, 0), zeros_like(log_norm), log_norm)


def crf_log_likelihood(
    inputs: Any, tag_indices: Any, sequence_lengths: Any, transition_params: Any = None
) -> tuple[Tensor, Any]:
    """``(log_likelihood [B], transition_params)``; ``transition_params`` defaults to the
    variable ``transitions`` ``[num_tags, num_tags]`` of the current variable scope."""
    inputs = convert_to_tensor(inputs)
    num_tags = inputs.shape.as_list()[2]
    if transition_params is None:
        transition_params = get_variable("transitions", [num_tags, num_tags])
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return scores - log_norm, transition_params


def viterbi_decode(score: np.ndarray, transition_params: np.ndarray) -> tuple[list, Any]:
    """The best tag sequence of one ``score [T, N]`` (NumPy, outside the graph):
    ``(tags, its score)``."""
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        v = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(v, 0)
        backpointers[t] = np.argmax(v, 0)
    viterbi = [int(np.argmax(trellis[-1]))]
    for bp in reversed(backpointers[1:]):
        viterbi.append(int(bp[viterbi[-1]]))
    viterbi.reverse()
    return viterbi, np.max(trellis[-1])


class CrfDecodeForwardRnnCell(RNNCell):
    """One max-product step: the backpointers ``argmax(state + T, axis 1)`` (int32 output) and
    the new scores ``inputs + max(state + T, axis 1)`` (state)."""

    def __init__(self, transition_params: Any) -> None:
        super().__init__()
        transition_params = convert_to_tensor(transition_params)
        self._transition_params = expand_dims(transition_params, 0)
        self._num_tags = transition_params.shape.as_list()[0]

    @property
    def state_size(self) -> int:
        return self._num_tags

    @property
    def output_size(self) -> int:
        return self._num_tags

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Tensor, Tensor]:
        scores = expand_dims(state, 2) + self._transition_params
        new_state = inputs + reduce_max(scores, [1])
        backpointers = cast(argmax(scores, 1), _dt.int32)
        return backpointers, new_state


class CrfDecodeBackwardRnnCell(RNNCell):
    """One backtracking step: the previous tag ``backpointers[b, tag[b]]`` ([B, 1])."""

    def __init__(self, num_tags: int) -> None:
        super().__init__()
        self._num_tags = num_tags

    @property
    def state_size(self) -> int:
        return 1

    @property
    def output_size(self) -> int:
        return 1

    def __call__(self, inputs: Any, state: Any, scope: Any = None) -> tuple[Tensor, Tensor]:
        tags = squeeze(state, [1])
        indices = stack([_range(shape(inputs)[0]), tags], axis=1)
        new_tags = expand_dims(gather_nd(inputs, indices), -1)
        return new_tags, new_tags


def crf_decode(potentials: Any, transition_params: Any, sequence_length: Any):
    """``(decode_tags [B, T] int32, best_score [B])``: the highest-scoring tag sequence of each
    example (tags past a sequence's length are 0)."""
    potentials = convert_to_tensor(potentials)
    sequence_length = convert_to_tensor(sequence_length)
    if _time_steps(potentials) == 1:
        squeezed = squeeze(potentials, [1])
        tags = expand_dims(argmax(squeezed, 1), 1)
        return cast(tags, _dt.int32), reduce_max(squeezed, 1)
    num_tags = potentials.shape.as_list()[2]
    initial_state = squeeze(potentials[:, :1, :], [1])
    lengths_less_one = maximum(constant(0, dtype=sequence_length.dtype), sequence_length - 1)
    backpointers, last_score = dynamic_rnn(
        CrfDecodeForwardRnnCell(transition_params),
        potentials[:, 1:, :],
        sequence_length=lengths_less_one,
        initial_state=initial_state,
        dtype=_dt.int32,
    )
    backpointers = reverse_sequence(backpointers, lengths_less_one, seq_axis=1, batch_axis=0)
    first_tags = expand_dims(cast(argmax(last_score, 1), _dt.int32), -1)
    decode_tags, _ = dynamic_rnn(
        CrfDecodeBackwardRnnCell(num_tags),
        backpointers,
        sequence_length=lengths_less_one,
        initial_state=first_tags,
        dtype=_dt.int32,
    )
    decode_tags = squeeze(decode_tags, [2])
    decode_tags = concat([first_tags, decode_tags], axis=1)
    decode_tags = reverse_sequence(decode_tags, sequence_length, seq_axis=1, batch_axis=0)
    return decode_tags, reduce_max(last_score, 1)
