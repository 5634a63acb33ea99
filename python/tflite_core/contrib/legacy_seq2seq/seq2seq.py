"""``tf.contrib.legacy_seq2seq`` (TF 1.x ``contrib/legacy_seq2seq/python/ops/seq2seq.py``): the
statically unrolled sequence-to-sequence models of the TF 1.x tutorials, with TF 1.15's variable
names (``attention_decoder/AttnW_0``, ``attention_decoder/Attention_0/kernel``,
``attention_decoder/AttnOutputProjection/kernel`` ... TF 1.15 builds its linear maps with
``core_rnn_cell._Linear``, whose variables are ``kernel`` and ``bias``).

Inputs are Python lists of ``[batch, ...]`` tensors, one per time step. A ``loop_function(prev,
i)`` feeds the previous output back as the next input (greedy decoding).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from ...framework import dtypes as _dt
from ...framework.constant_op import convert_to_tensor
from ...framework.graph import Tensor, name_scope
from ...framework.nest import flatten, is_nested, pack_sequence_as
from ...nn.composite_ops import xw_plus_b
from ...nn.conv_ops import conv2d
from ...nn.embedding_ops import embedding_lookup
from ...nn.nn_ops import softmax, sparse_softmax_cross_entropy_with_logits
from ...nn.rnn import static_rnn
from ...ops.array_ops import cast, concat, reshape, shape, stack, stop_gradient, zeros
from ...ops.cond import cond
from ...ops.math_ops import add_n, argmax, reduce_sum, tanh
from ...ops.variable_scope import get_variable, get_variable_scope, variable_scope
from ..core_rnn_cell import EmbeddingWrapper, OutputProjectionWrapper, linear

LoopFunction = Callable[[Tensor, int], Tensor]


def _extract_argmax_and_embed(
    embedding: Any, output_projection: Any = None, update_embedding: bool = True
) -> LoopFunction:
    """A loop function: the embedding of the previous output's argmax (through the
    projection when given; no gradient into the embedding unless ``update_embedding``)."""

    def loop_function(prev, _):
        if output_projection is not None:
            prev = xw_plus_b(prev, output_projection[0], output_projection[1])
        prev_symbol = argmax(prev, 1)
        emb_prev = embedding_lookup(embedding, prev_symbol)
        if not update_embedding:
            emb_prev = stop_gradient(emb_prev)
        return emb_prev

    return loop_function


def rnn_decoder(
    decoder_inputs: Any,
    initial_state: Any,
    cell: Any,
    loop_function: LoopFunction | None = None,
    scope: Any = None,
):
    """Runs ``cell`` from ``initial_state`` over ``decoder_inputs`` in variable scope
    ``rnn_decoder``: ``(outputs, final state)``."""
    with variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs: list[Tensor] = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(
    encoder_inputs: Any, decoder_inputs: Any, cell: Any, dtype: Any = _dt.float32, scope: Any = None
):
    """An encoder (a copy of ``cell``, ``basic_rnn_seq2seq/rnn``) whose final state starts the
    decoder (``cell``, ``basic_rnn_seq2seq/rnn_decoder``)."""
    with variable_scope(scope or "basic_rnn_seq2seq"):
        enc_cell = copy.deepcopy(cell)
        _, enc_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(
    encoder_inputs: Any,
    decoder_inputs: Any,
    cell: Any,
    loop_function: LoopFunction | None = None,
    dtype: Any = _dt.float32,
    scope: Any = None,
):
    """Encoder and decoder share ``cell`` and its variables
    (``combined_tied_rnn_seq2seq/tied_rnn_seq2seq/...``)."""
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(
            decoder_inputs, enc_state, cell, loop_function=loop_function, scope=scope
        )


def embedding_rnn_decoder(
    decoder_inputs: Any,
    initial_state: Any,
    cell: Any,
    num_symbols: int,
    embedding_size: int,
    output_projection: Any = None,
    feed_previous: bool = False,
    update_embedding_for_previous: bool = True,
    scope: Any = None,
):
    """``rnn_decoder`` on int symbol inputs embedded by ``embedding_rnn_decoder/embedding``;
    ``feed_previous`` feeds back the argmax of each output instead of the next input."""
    with variable_scope(scope or "embedding_rnn_decoder") as vs:
        if output_projection is not None:
            w = convert_to_tensor(output_projection[0], dtype=vs.dtype)
            w.get_shape().assert_is_compatible_with([None, num_symbols])
            b = convert_to_tensor(output_projection[1], dtype=vs.dtype)
            b.get_shape().assert_is_compatible_with([num_symbols])
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (
            _extract_argmax_and_embed(embedding, output_projection, update_embedding_for_previous)
            if feed_previous
            else None
        )
        emb_inp = (embedding_lookup(embedding, i) for i in decoder_inputs)
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def _decode_either_way(
    feed_previous: Any, decode: Callable[[bool], Any], n_outputs: int, encoder_state: Any
):
    """``decode(feed_previous)`` for a Python bool; for a bool tensor, both decoders (the
    second reusing the first's variables) under ``tf.cond``, as TF 1.x builds them."""
    if isinstance(feed_previous, bool):
        return decode(feed_previous)

    def branch(flag: bool):
        with variable_scope(get_variable_scope(), reuse=None if flag else True):
            outputs, state = decode(flag)
            return list(outputs) + flatten(state)

    both = cond(feed_previous, lambda: branch(True), lambda: branch(False))
    state_list = both[n_outputs:]
    state = state_list[0]
    if is_nested(encoder_state):
        state = pack_sequence_as(structure=encoder_state, flat_sequence=state_list)
    return both[:n_outputs], state


def embedding_rnn_seq2seq(
    encoder_inputs: Any,
    decoder_inputs: Any,
    cell: Any,
    num_encoder_symbols: int,
    num_decoder_symbols: int,
    embedding_size: int,
    output_projection: Any = None,
    feed_previous: Any = False,
    dtype: Any = None,
    scope: Any = None,
):
    """Embedding encoder (``EmbeddingWrapper`` around a copy of ``cell``) and
    ``embedding_rnn_decoder`` (``cell`` wrapped in an ``OutputProjectionWrapper`` to
    ``num_decoder_symbols`` unless ``output_projection`` is given)."""
    with variable_scope(scope or "embedding_rnn_seq2seq") as vs:
        if dtype is not None:
            vs.set_dtype(dtype)
        else:
            dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(
            copy.deepcopy(cell),
            embedding_classes=num_encoder_symbols,
            embedding_size=embedding_size,
        )
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def decode(flag: bool):
            return embedding_rnn_decoder(
                decoder_inputs,
                encoder_state,
                cell,
                num_decoder_symbols,
                embedding_size,
                output_projection=output_projection,
                feed_previous=flag,
                update_embedding_for_previous=isinstance(feed_previous, bool),
            )

        return _decode_either_way(feed_previous, decode, len(decoder_inputs), encoder_state)


def embedding_tied_rnn_seq2seq(
    encoder_inputs: Any,
    decoder_inputs: Any,
    cell: Any,
    num_symbols: int,
    embedding_size: int,
    num_decoder_symbols: int | None = None,
    output_projection: Any = None,
    feed_previous: Any = False,
    dtype: Any = None,
    scope: Any = None,
):
    """``tied_rnn_seq2seq`` on symbols embedded by one shared
    ``embedding_tied_rnn_seq2seq/embedding``; ``cell`` wrapped in an
    ``OutputProjectionWrapper`` to ``num_decoder_symbols`` (default ``num_symbols``) unless
    ``output_projection`` is given."""
    with variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        if output_projection is not None:
            w = convert_to_tensor(output_projection[0], dtype=dtype)
            w.get_shape().assert_is_compatible_with([None, num_symbols])
            b = convert_to_tensor(output_projection[1], dtype=dtype)
            b.get_shape().assert_is_compatible_with([num_symbols])
        embedding = get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [embedding_lookup(embedding, x) for x in decoder_inputs]
        output_symbols = num_decoder_symbols if num_decoder_symbols is not None else num_symbols
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, output_symbols)

        def decode(flag: bool):
            loop_function = (
                _extract_argmax_and_embed(embedding, output_projection, True) if flag else None
            )
            return tied_rnn_seq2seq(
                emb_encoder_inputs,
                emb_decoder_inputs,
                cell,
                loop_function=loop_function,
                dtype=dtype,
            )

        # (a bool tensor: both decoders under tf.cond, the state in the cell's structure)
        state_like = None if isinstance(feed_previous, bool) else cell.zero_state(1, dtype)
        return _decode_either_way(feed_previous, decode, len(decoder_inputs), state_like)


def attention_decoder(
    decoder_inputs: Sequence[Any],
    initial_state: Any,
    attention_states: Any,
    cell: Any,
    output_size: int | None = None,
    num_heads: int = 1,
    loop_function: LoopFunction | None = None,
    dtype: Any = None,
    scope: Any = None,
    initial_state_attention: bool = False,
):
    """RNN decoder with Bahdanau-style attention over ``attention_states``
    ``[batch, attn_length, attn_size]`` (TF 1.x's ``attention_decoder``).

    Per head ``a``: ``AttnW_a`` ``[1, 1, attn_size, attn_size]`` (a 1x1 convolution of the
    states) and ``AttnV_a``; at each step the cell input is ``linear([inp] + attns)``
    (``kernel``/``bias`` in the decoder's scope), the attention query is the cell state
    (``Attention_a/kernel``), ``a = softmax(sum(v * tanh(W1 h + W2 q)))`` and the read is the
    ``a``-weighted sum of states; the output is ``linear([cell_output] + attns)``
    (``AttnOutputProjection``). ValueError for no inputs, ``num_heads < 1`` or an unknown
    ``attn_size``, as TF."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    attention_states = convert_to_tensor(attention_states)
    if attention_states.get_shape()[2].value is None:
        raise ValueError(
            f"Shape[2] of attention_states must be known: {attention_states.get_shape()}"
        )
    if output_size is None:
        output_size = cell.output_size
    with variable_scope(scope or "attention_decoder", dtype=dtype) as vs:
        dtype = vs.dtype
        batch_size = shape(decoder_inputs[0])[0]
        attn_length: Any = attention_states.get_shape()[1].value
        if attn_length is None:
            attn_length = shape(attention_states)[1]
        attn_size = attention_states.get_shape()[2].value
        hidden = reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        attention_vec_size = attn_size
        for a in range(num_heads):
            k = get_variable(f"AttnW_{a}", [1, 1, attn_size, attention_vec_size], dtype=dtype)
            hidden_features.append(conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(get_variable(f"AttnV_{a}", [attention_vec_size], dtype=dtype))

        def attention(query):
            ds = []
            if is_nested(query):
                query_list = flatten(query)
                for q in query_list:
                    nd = q.get_shape().ndims
                    if nd:
                        assert nd == 2
                query = concat(query_list, 1)
            for a in range(num_heads):
                with variable_scope(f"Attention_{a}"):
                    y = linear(query, attention_vec_size, True)
                    y = reshape(y, [-1, 1, 1, attention_vec_size])
                    y = cast(y, dtype)
                    s = reduce_sum(v[a] * tanh(hidden_features[a] + y), [2, 3])
                    weights = cast(softmax(cast(s, _dt.float32)), dtype)
                    d = reduce_sum(reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    ds.append(reshape(d, [-1, attn_size]))
            return ds

        outputs = []
        prev = None
        batch_attn_size = stack([batch_size, attn_size])
        attns = [zeros(batch_attn_size, dtype=dtype) for _ in range(num_heads)]
        for t in attns:
            t.set_shape([None, attn_size])
        state = initial_state
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            inp = convert_to_tensor(inp)
            input_size = inp.get_shape().with_rank(2)[1]
            if input_size.value is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            x = linear([cast(e, dtype) for e in [inp, *attns]], input_size.value, True)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with variable_scope(get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with variable_scope("AttnOutputProjection"):
                cell_output = cast(cell_output, dtype)
                output = linear([cell_output, *attns], output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(
    decoder_inputs: Any,
    initial_state: Any,
    attention_states: Any,
    cell: Any,
    num_symbols: int,
    embedding_size: int,
    num_heads: int = 1,
    output_size: int | None = None,
    output_projection: Any = None,
    feed_previous: bool = False,
    update_embedding_for_previous: bool = True,
    dtype: Any = None,
    scope: Any = None,
    initial_state_attention: bool = False,
):
    """``attention_decoder`` on int symbol inputs embedded by
    ``embedding_attention_decoder/embedding``."""
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        b = convert_to_tensor(output_projection[1], dtype=dtype)
        b.get_shape().assert_is_compatible_with([num_symbols])
    with variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (
            _extract_argmax_and_embed(embedding, output_projection, update_embedding_for_previous)
            if feed_previous
            else None
        )
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(
            emb_inp,
            initial_state,
            attention_states,
            cell,
            output_size=output_size,
            num_heads=num_heads,
            loop_function=loop_function,
            initial_state_attention=initial_state_attention,
        )


def embedding_attention_seq2seq(
    encoder_inputs: Any,
    decoder_inputs: Any,
    cell: Any,
    num_encoder_symbols: int,
    num_decoder_symbols: int,
    embedding_size: int,
    num_heads: int = 1,
    output_projection: Any = None,
    feed_previous: Any = False,
    dtype: Any = None,
    scope: Any = None,
    initial_state_attention: bool = False,
):
    """Embedding encoder whose outputs are attended by ``embedding_attention_decoder`` (the
    model of TF 1.x's translate tutorial)."""
    with variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as vs:
        dtype = vs.dtype
        encoder_cell = EmbeddingWrapper(
            copy.deepcopy(cell),
            embedding_classes=num_encoder_symbols,
            embedding_size=embedding_size,
        )
        encoder_outputs, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        top_states = [reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
        attention_states = concat(top_states, 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def decode(flag: bool):
            return embedding_attention_decoder(
                decoder_inputs,
                encoder_state,
                attention_states,
                cell,
                num_decoder_symbols,
                embedding_size,
                num_heads=num_heads,
                output_size=output_size,
                output_projection=output_projection,
                feed_previous=flag,
                update_embedding_for_previous=isinstance(feed_previous, bool),
                initial_state_attention=initial_state_attention,
            )

        return _decode_either_way(feed_previous, decode, len(decoder_inputs), encoder_state)


def sequence_loss_by_example(
    logits: Sequence[Any],
    targets: Sequence[Any],
    weights: Sequence[Any],
    average_across_timesteps: bool = True,
    softmax_loss_function: Callable[..., Any] | None = None,
    name: str | None = None,
):
    """Per example: ``sum_t w_t * xent(logits_t, targets_t)``, divided by ``sum_t w_t + 1e-12``
    when ``average_across_timesteps``. ``softmax_loss_function(labels=, logits=)`` replaces
    the sparse softmax cross-entropy. ValueError when the three lists differ in length.

    >>> with tf.Graph().as_default():
    ...     logits = [tf.zeros([2, 4])] * 3  # uniform over 4 classes: log(4) per step
    ...     targets = [tf.zeros([2], tf.int32)] * 3
    ...     loss = tf.contrib.legacy_seq2seq.sequence_loss_by_example(
    ...         logits, targets, [tf.ones([2])] * 3)
    ...     [f"{v:.4f}" for v in tf.Session().run(loss)]
    ['1.3863', '1.3863']
    """
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(
            "Lengths of logits, weights, and targets must be the same "
            f"{len(logits)}, {len(weights)}, {len(targets)}."
        )
    with name_scope(name, "sequence_loss_by_example", list(logits) + list(targets) + list(weights)):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = reshape(target, [-1])
                crossent = sparse_softmax_cross_entropy_with_logits(labels=target, logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = add_n(log_perp_list)
        if average_across_timesteps:
            total_size = add_n(list(weights))
            total_size += 1e-12  # all-zero weights divide by a tiny number, not zero
            log_perps /= total_size
    return log_perps


def sequence_loss(
    logits: Sequence[Any],
    targets: Sequence[Any],
    weights: Sequence[Any],
    average_across_timesteps: bool = True,
    average_across_batch: bool = True,
    softmax_loss_function: Callable[..., Any] | None = None,
    name: str | None = None,
):
    """The sum over the batch of ``sequence_loss_by_example``, divided by the batch size when
    ``average_across_batch``."""
    with name_scope(name, "sequence_loss", list(logits) + list(targets) + list(weights)):
        cost = reduce_sum(
            sequence_loss_by_example(
                logits,
                targets,
                weights,
                average_across_timesteps=average_across_timesteps,
                softmax_loss_function=softmax_loss_function,
            )
        )
        if average_across_batch:
            batch_size = shape(targets[0])[0]
            return cost / cast(batch_size, cost.dtype)
        return cost


def model_with_buckets(
    encoder_inputs: Sequence[Any],
    decoder_inputs: Sequence[Any],
    targets: Sequence[Any],
    weights: Sequence[Any],
    buckets: Sequence[tuple[int, int]],
    seq2seq: Callable[..., Any],
    softmax_loss_function: Callable[..., Any] | None = None,
    per_example_loss: bool = False,
    name: str | None = None,
):
    """``seq2seq`` built once per bucket ``(encoder length, decoder length)`` on the prefixes of
    the inputs, the variables shared: ``(outputs per bucket, losses per bucket)``."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError(
            f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least that of last "
            f"bucket ({buckets[-1][0]})."
        )
    if len(targets) < buckets[-1][1]:
        raise ValueError(
            f"Length of targets ({len(targets)}) must be at least that of last bucket "
            f"({buckets[-1][1]})."
        )
    if len(weights) < buckets[-1][1]:
        raise ValueError(
            f"Length of weights ({len(weights)}) must be at least that of last bucket "
            f"({buckets[-1][1]})."
        )
    all_inputs = list(encoder_inputs) + list(decoder_inputs) + list(targets) + list(weights)
    losses, outputs = [], []
    with name_scope(name, "model_with_buckets", all_inputs):
        for j, bucket in enumerate(buckets):
            with variable_scope(get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(
                    encoder_inputs[: bucket[0]], decoder_inputs[: bucket[1]]
                )
                outputs.append(bucket_outputs)
                loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
                losses.append(
                    loss_fn(
                        outputs[-1],
                        targets[: bucket[1]],
                        weights[: bucket[1]],
                        softmax_loss_function=softmax_loss_function,
                    )
                )
    return outputs, losses
