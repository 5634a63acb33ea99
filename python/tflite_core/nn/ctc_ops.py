"""Connectionist temporal classification: ``tf.nn.ctc_loss`` (TF 1.x's, and ``ctc_loss_v2``),
``ctc_greedy_decoder``, ``collapse_repeated`` and ``ctc_unique_labels``, composites of existing ops.

The loss is the forward algorithm in log space over the label sequence with blanks between and
around the labels (``2 L + 1`` states), a ``foldl`` over time: at each step a state keeps its
value, takes its left neighbour's, or skips the blank before it when its label differs from the
one two states back; frames past a sequence's length leave its states unchanged. The loss is
minus the log-sum of the last two states at each sequence's end. "Log zero" is a large negative
finite number and each log-sum-exp subtracts its (gradient-stopped) maximum, so the gradient --
the derivative of the forward pass, TF's ``softmax - posterior`` -- is finite everywhere.

The label checks of TF's ``CTCLoss`` kernel run as ``Assert`` ops (``InvalidArgumentError``):
empty label rows, sequence lengths outside ``[0, max_time]``, negative labels, a label after a
"null" label (``>= num_classes - 1``, which ends a row's labels, as in TF), and label rows that
need more frames than the sequence has (unless ``ignore_longer_outputs_than_inputs``; the loss of
an impossible row is then ``inf`` with a zero gradient).
"""

from __future__ import annotations

from typing import Any

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import Tensor, control_dependencies, name_scope
from ..framework.sparse_tensor import SparseTensor
from ..ops.array_ops import (
    cast,
    concat,
    expand_dims,
    fill,
    identity,
    ones_like,
    reshape,
    shape,
    stack,
    stop_gradient,
    transpose,
    zeros_like,
)
from ..ops.functional_ops import foldl
from ..ops.grid_ops import sequence_mask
from ..ops.indexing_ops import gather, one_hot, unsorted_segment_sum, where_indices, where_v2
from ..ops.indexing_ops import range as arange
from ..ops.logging_ops import Assert
from ..ops.math_extra_ops import (
    cumsum,
    logical_and,
    logical_not,
    logical_or,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
)
from ..ops.math_ops import (
    argmax,
    equal,
    exp,
    floormod,
    greater,
    greater_equal,
    less,
    log,
    matmul,
    maximum,
    not_equal,
    reduce_max,
    reduce_sum,
)
from ..ops.scatter_ops import gather_nd, scatter_nd
from .nn_ops import log_softmax

_LOG_ZERO = -1e30


def _dim(t: Tensor, i: int) -> Any:
    d = t.shape.as_list()[i] if t.shape.ndims is not None else None
    return d if d is not None else shape(t)[i]


def _lse(*xs: Tensor) -> Tensor:
    """log(sum(exp(x))) of tensors of one shape, stable for our log zero."""
    m = xs[0]
    for x in xs[1:]:
        m = maximum(m, x)
    m = stop_gradient(m)
    total = exp(xs[0] - m)
    for x in xs[1:]:
        total = total + exp(x - m)
    return m + log(total)


def _shift(x: Tensor, k: int, fill_value: Tensor) -> Tensor:
    """``x[:, s - k]`` (``fill_value`` for ``s < k``) of a ``[B, S]`` tensor."""
    pad = fill(stack([_dim(x, 0), k]), fill_value)
    return concat([pad, x[:, :-k]], 1)


def _forward_log_likelihood(logp, labels, label_len, seq_len, blank, merge_repeated):
    """log p(labels | logp) per batch entry: ``logp [T, B, C]`` log-probabilities, ``labels
    [B, M]`` int32 (the first ``label_len`` of each row count), ``seq_len [B]``."""
    dtype = logp.dtype
    log_zero = convert_to_tensor(_LOG_ZERO, dtype=dtype)
    batch, width = _dim(labels, 0), _dim(labels, 1)
    blanks = fill(stack([batch, width]), convert_to_tensor(blank, dtype=_dt.int32))
    ext = reshape(stack([blanks, labels], 2), stack([batch, 2 * width]))
    tail = fill(stack([batch, 1]), convert_to_tensor(blank, dtype=_dt.int32))
    ext = concat([ext, tail], 1)  # [B, S]: blank, l1, blank, l2, ..., blank
    num_classes = _dim(logp, 2)
    onehot = one_hot(ext, num_classes, dtype=dtype)  # [B, S, C]
    lp = transpose(matmul(transpose(logp, [1, 0, 2]), onehot, transpose_b=True), [1, 0, 2])
    s_idx = expand_dims(arange(0, 2 * width + 1), 0)  # [1, S]
    ones_bs = equal(ext, ext)  # all true, [B, S]
    is_blank_pos = logical_and(ones_bs, equal(floormod(s_idx, 2), 0))
    skip = logical_and(logical_not(is_blank_pos), greater_equal(s_idx, 2))
    if merge_repeated:
        skip = logical_and(skip, not_equal(ext, _shift(ext, 2, convert_to_tensor(-1))))
        stay = ones_bs
    else:
        stay = is_blank_pos
    first = where_v2(logical_and(ones_bs, less(s_idx, 2)), lp[0], log_zero)
    seq_len_col = expand_dims(seq_len, 1)

    def step(alpha, elem):
        lp_t, t = elem
        a = where_v2(stay, alpha, log_zero)
        b = _shift(alpha, 1, log_zero)
        c = where_v2(skip, _shift(alpha, 2, log_zero), log_zero)
        new = _lse(a, b, c) + lp_t
        return where_v2(less(t, seq_len_col), new, alpha)

    steps = _dim(logp, 0)
    alpha = foldl(step, (lp[1:], arange(1, steps)), initializer=first)
    last = expand_dims(2 * label_len, 1)
    ends = logical_and(ones_bs, logical_or(equal(s_idx, last), equal(s_idx, last - 1)))
    end_vals = where_v2(ends, alpha, log_zero)
    m = stop_gradient(reduce_max(end_vals, axis=1, keepdims=True))
    return reshape(m, [-1]) + log(reduce_sum(exp(end_vals - m), axis=1))


def _labels_from_sparse(labels: SparseTensor, batch) -> tuple[Tensor, Tensor]:
    """Dense ``[B, M]`` int32 labels (each row's values in order) and each row's count."""
    rows = cast(labels.indices[:, 0], _dt.int32)
    vals = cast(labels.values, _dt.int32)
    counts = unsorted_segment_sum(ones_like(rows), rows, batch)
    starts = cumsum(counts, exclusive=True)
    pos = arange(0, shape(rows)[0]) - gather(starts, rows)
    width = reduce_max(concat([counts, [0]], 0))
    dense = scatter_nd(stack([rows, pos], 1), vals, stack([batch, width]))
    return dense, counts


def _compact(labels: Tensor, keep: Tensor) -> tuple[Tensor, Tensor]:
    """The kept labels of each row moved to its front; and their counts."""
    keep_i = cast(keep, _dt.int32)
    pos = cumsum(keep_i, axis=1, exclusive=True)
    at = where_indices(keep)
    rows = cast(at[:, 0], _dt.int32)
    new_at = stack([rows, gather_nd(pos, at)], 1)
    out = scatter_nd(new_at, gather_nd(labels, at), shape(labels))
    return out, reduce_sum(keep_i, axis=1)


def _check(cond: Tensor, *data: Any) -> Any:
    return Assert(cond, list(data))


def ctc_loss(
    labels: SparseTensor,
    inputs: Any = None,
    sequence_length: Any = None,
    preprocess_collapse_repeated: bool = False,
    ctc_merge_repeated: bool = True,
    ignore_longer_outputs_than_inputs: bool = False,
    time_major: bool = True,
    logits: Any = None,
) -> Tensor:
    """TF 1.x's CTC loss: ``-log p(labels | inputs)`` per batch entry (``[batch]``), with
    ``inputs`` unnormalized logits ``[max_time, batch, num_classes]`` (``[batch, max_time, ...]``
    when not ``time_major``), the blank the last class, and ``labels`` a SparseTensor whose
    row ``b`` holds batch entry ``b``'s labels. ``preprocess_collapse_repeated`` merges repeated
    labels first; ``ctc_merge_repeated=False`` makes repeated emissions distinct labels."""
    if not isinstance(labels, SparseTensor):
        raise TypeError(
            "Expected argument `labels` to be a SparseTensor. "
            f"Received labels={labels} of type: {type(labels).__name__}"
        )
    if inputs is not None and logits is not None:
        raise ValueError("Cannot specify both 'logits' and 'inputs'")
    inputs = convert_to_tensor(inputs if inputs is not None else logits, name="logits")
    if not time_major:
        inputs = transpose(inputs, [1, 0, 2])
    orig_dtype = inputs.dtype
    if orig_dtype in (_dt.float16, _dt.bfloat16):
        inputs = cast(inputs, _dt.float32)
    if inputs.dtype not in (_dt.float32, _dt.float64):
        raise TypeError(
            f"Value passed to parameter 'inputs' has DataType {inputs.dtype.name} not in list of "
            "allowed values: float32, float64"
        )
    if inputs.shape.ndims not in (None, 3):
        raise ValueError(f"Shape must be rank 3 but is rank {inputs.shape.ndims} for 'CTCLoss'")
    with name_scope(None, "CTCLoss", [inputs, labels.indices, labels.values]) as scope:
        seq_len = convert_to_tensor(sequence_length, dtype=_dt.int32, name="sequence_length")
        steps, batch, num_classes = (_dim(inputs, i) for i in range(3))
        raw, counts = _labels_from_sparse(labels, batch)
        width = _dim(raw, 1)
        idx = expand_dims(arange(0, width), 0)
        in_len = less(idx, expand_dims(counts, 1))
        repeat = logical_and(greater(idx, 0), equal(raw, _shift(raw, 1, convert_to_tensor(0))))
        repeat = logical_and(repeat, in_len)
        kept = logical_and(in_len, logical_not(repeat)) if preprocess_collapse_repeated else in_len
        is_null = logical_and(kept, greater_equal(raw, num_classes - 1))
        after_null = greater(cumsum(cast(is_null, _dt.int32), axis=1, exclusive=True), 0)
        final = logical_and(kept, logical_not(is_null))
        required = counts  # (TF's kernel asks for one frame per label, repeats or not)
        checks = [
            _check(reduce_all(greater(counts, 0)), "Labels length is zero in batch", counts),
            _check(reduce_all(greater_equal(seq_len, 0)), "seq_len(b) < 0:", seq_len),
            _check(
                reduce_all(less(seq_len, steps + 1)), "sequence_length(b) <= max_time:", seq_len
            ),
            _check(
                logical_not(reduce_any(logical_and(final, after_null))),
                "Saw a non-null label (index >= num_classes - 1) following a null label",
            ),
            _check(
                logical_not(reduce_any(logical_and(final, less(raw, 0)))),
                "All labels must be nonnegative integers",
            ),
        ]
        if not ignore_longer_outputs_than_inputs:
            checks.append(
                _check(
                    reduce_all(less(required, seq_len + 1)),
                    "Not enough time for target transition sequence (required, available):",
                    required,
                    seq_len,
                    "You can turn this error into a warning by using the flag "
                    "ignore_longer_outputs_than_inputs",
                )
            )
        with control_dependencies(checks):
            labels_dense, label_len = _compact(raw, final)
            logp = log_softmax(inputs)
        ll = _forward_log_likelihood(
            logp, labels_dense, label_len, seq_len, num_classes - 1, ctc_merge_repeated
        )
        loss = -ll
        impossible = greater(loss, convert_to_tensor(-_LOG_ZERO / 10, dtype=loss.dtype))
        # an impossible row: inf, with TF's gradient there (the softmax: no path's posterior)
        frames = transpose(sequence_mask(seq_len, steps), [1, 0])  # [T, B]
        norm = reduce_logsumexp(inputs, axis=2)
        z = reduce_sum(where_v2(frames, norm, zeros_like(norm)), axis=0)
        inf = fill(shape(loss), convert_to_tensor(float("inf"), dtype=loss.dtype))
        loss = where_v2(impossible, stop_gradient(inf - z) + z, loss)
        if orig_dtype in (_dt.float16, _dt.bfloat16):
            loss = cast(loss, orig_dtype)
        return identity(loss, name=scope)


def ctc_loss_v2(
    labels: Any,
    logits: Any,
    label_length: Any,
    logit_length: Any,
    logits_time_major: bool = True,
    unique: Any = None,
    blank_index: int | None = None,
    name: str | None = None,
) -> Tensor:
    """TF 2's CTC loss: ``labels`` a SparseTensor (``blank_index`` then required; the blank class
    is moved last and TF 1.x's loss used), or dense ``[batch, max_label]`` with ``label_length``
    (blank class 0 by default). ``unique`` (TF's speed-up for dense labels) changes nothing in
    the value."""
    num_classes = _dim(convert_to_tensor(logits), 2)
    if isinstance(labels, SparseTensor):
        if blank_index is None:
            raise ValueError(
                "Argument `blank_index` must be provided when labels is a SparseTensor."
            )
        if blank_index < 0:
            blank_index += num_classes
        if blank_index != num_classes - 1:
            logits = convert_to_tensor(logits)
            logits = concat(
                [
                    logits[:, :, :blank_index],
                    logits[:, :, blank_index + 1 :],
                    logits[:, :, blank_index : blank_index + 1],
                ],
                axis=2,
            )
            values = labels.values
            labels = SparseTensor(
                labels.indices,
                where_v2(less(values, blank_index), values, values - 1),
                labels.dense_shape,
            )
        return ctc_loss(
            labels=labels, inputs=logits, sequence_length=logit_length, time_major=logits_time_major
        )
    if blank_index is None:
        blank_index = 0
    with name_scope(name, "ctc_loss_dense", [logits, labels, label_length, logit_length]):
        logits = convert_to_tensor(logits, name="logits")
        labels = cast(convert_to_tensor(labels, name="labels"), _dt.int32)
        label_length = cast(convert_to_tensor(label_length, name="label_length"), _dt.int32)
        logit_length = cast(convert_to_tensor(logit_length, name="logit_length"), _dt.int32)
        if not logits_time_major:
            logits = transpose(logits, [1, 0, 2])
        if blank_index < 0:
            blank_index += num_classes
        ll = _forward_log_likelihood(
            log_softmax(logits), labels, label_length, logit_length, blank_index, True
        )
        return -ll


def ctc_greedy_decoder(
    inputs: Any, sequence_length: Any, merge_repeated: bool = True, blank_index: int | None = None
) -> tuple[list[SparseTensor], Tensor]:
    """Best-path decoding: at each frame the most likely class (the first on ties); repeats
    merged (``merge_repeated``) and blanks (class ``num_classes - 1``, or ``blank_index``)
    dropped. Returns ``([decoded], log_probability)``: a SparseTensor ``[batch, max_len]`` of
    int64 classes and ``[batch, 1]`` minus the sum of each frame's largest logit."""
    with name_scope(None, "CTCGreedyDecoder", [inputs, sequence_length]):
        inputs = convert_to_tensor(inputs, name="inputs")
        if inputs.shape.ndims not in (None, 3):
            raise ValueError(
                f"Shape must be rank 3 but is rank {inputs.shape.ndims} for 'CTCGreedyDecoder'"
            )
        seq_len = convert_to_tensor(sequence_length, dtype=_dt.int32, name="sequence_length")
        steps, _, num_classes = (_dim(inputs, i) for i in range(3))
        if blank_index is None or blank_index == -1:
            blank = num_classes - 1
        else:
            blank = blank_index + num_classes if blank_index < 0 else blank_index
        check = _check(
            reduce_all(less(seq_len, steps + 1)), "sequence_length(b) <= max_time:", seq_len
        )
        with control_dependencies([check]):
            best = cast(transpose(argmax(inputs, axis=2), [1, 0]), _dt.int32)  # [B, T]
        valid = sequence_mask(seq_len, steps)
        keep = logical_and(valid, not_equal(best, blank))
        if merge_repeated:
            t_idx = expand_dims(arange(0, steps), 0)
            prev = _shift(best, 1, convert_to_tensor(-1))
            keep = logical_and(keep, logical_or(equal(t_idx, 0), not_equal(best, prev)))
        at = where_indices(keep)
        pos = cumsum(cast(keep, _dt.int32), axis=1, exclusive=True)
        indices = stack([at[:, 0], cast(gather_nd(pos, at), _dt.int64)], 1)
        values = cast(gather_nd(best, at), _dt.int64)
        counts = reduce_sum(cast(keep, _dt.int64), axis=1)
        width = reduce_max(concat([counts, convert_to_tensor([0], dtype=_dt.int64)], 0))
        dense_shape = stack([cast(_dim(inputs, 1), _dt.int64), width])
        top = transpose(reduce_max(inputs, axis=2), [1, 0])  # [B, T]
        log_prob = -reduce_sum(where_v2(valid, top, zeros_like(top)), axis=1, keepdims=True)
        return [SparseTensor(indices, values, dense_shape)], log_prob


def collapse_repeated(labels: Any, seq_length: Any, name: str | None = None):
    """Merges runs of one label in each row of ``labels [batch, max_len]`` (the first
    ``seq_length`` entries count): the collapsed labels, 0-padded to the longest collapsed row,
    and their lengths."""
    with name_scope(name, "collapse_repeated_labels", [labels, seq_length]):
        labels = convert_to_tensor(labels, name="labels")
        seq_length = convert_to_tensor(seq_length, name="seq_length")
        maxlen = _dim(labels, 1)
        first = ones_like(labels[:, :1], dtype=_dt.bool)
        label_mask = concat([first, not_equal(labels[:, 1:], labels[:, :-1])], axis=1)
        label_mask = logical_and(label_mask, sequence_mask(seq_length, maxlen=maxlen))
        new_len = reduce_sum(cast(label_mask, _dt.int32), axis=1)
        new_maxlen = reduce_max(new_len)
        pos = cumsum(cast(label_mask, _dt.int32), axis=1, exclusive=True)
        at = where_indices(label_mask)
        new_at = stack([cast(at[:, 0], _dt.int32), gather_nd(pos, at)], 1)
        out = scatter_nd(new_at, gather_nd(labels, at), stack([_dim(labels, 0), new_maxlen]))
        return out, cast(new_len, seq_length.dtype)


def ctc_unique_labels(labels: Any, name: str | None = None):
    """Per row of ``labels [batch, max_len]``: its distinct labels in order of first appearance
    (int64, 0-padded to ``max_len``) and, for each entry, the index of its label among them
    (int32) -- TF's ``unique`` of each row."""
    with name_scope(name, "ctc_unique_labels", [labels]):
        labels = convert_to_tensor(labels, name="labels")
        width = _dim(labels, 1)
        same = equal(expand_dims(labels, 2), expand_dims(labels, 1))  # [B, i, j]
        j_idx = arange(0, width)
        earlier = less(expand_dims(j_idx, 0), expand_dims(j_idx, 1))  # [i, j]: j < i
        is_first = logical_not(reduce_any(logical_and(same, earlier), axis=2))
        pos = cumsum(cast(is_first, _dt.int32), axis=1, exclusive=True)
        first_j = cast(argmax(cast(same, _dt.int32), axis=2), _dt.int32)  # first equal entry
        batch_idx = expand_dims(arange(0, _dim(labels, 0)), 1) + zeros_like(first_j)
        idx = gather_nd(pos, stack([batch_idx, first_j], 2))
        at = where_indices(is_first)
        new_at = stack([cast(at[:, 0], _dt.int32), gather_nd(pos, at)], 1)
        y = scatter_nd(new_at, cast(gather_nd(labels, at), _dt.int64), shape(labels))
        return [y, idx]
