"""TF 1.x's queue-based input functions (``tf.train.string_input_producer``, ``batch``,
``shuffle_batch`` and their ``_join``/``maybe_`` forms, ``limit_epochs``,
``match_filenames_once``), built as TF's ``training/input.py`` builds them: a queue, its
enqueue ops run by a ``QueueRunner`` (in the ``queue_runners`` collection, started by
``tf.train.start_queue_runners``), a ``fraction_of_N_full`` summary, and a dequeue op.
"""

from __future__ import annotations

import glob as _glob
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import (
    GraphKeys,
    Operation,
    Tensor,
    control_dependencies,
    get_default_graph,
    name_scope,
)
from ..framework.host_context import running_session
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.tensor_shape import TensorShape, as_shape
from ..ops.array_ops import cast, expand_dims, identity, reshape, shape, size
from ..ops.data_flow_ops import FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue
from ..ops.indexing_ops import gather
from ..ops.indexing_ops import range as _range
from ..ops.logging_ops import Assert
from ..ops.math_ops import greater, maximum
from ..ops.partition_ops import boolean_mask
from ..ops.random_ops import random_shuffle
from ..ops.summary_ops import scalar as _summary_scalar
from ..ops.variables import Variable
from .queue_runner import QueueRunner, add_queue_runner


# -- match_filenames_once -------------------------------------------------------------------
def _match_once_fn(op: Operation) -> list:
    res = running_session().resources()
    key = ("match_filenames_once", op)
    if key not in res:
        pattern = op.get_attr("_pattern")
        pats = [pattern] if isinstance(pattern, (str, bytes)) else list(pattern)
        names: list[bytes] = []
        for p in pats:
            p = p.decode() if isinstance(p, bytes) else p
            names += [n.encode() for n in sorted(_glob.glob(p))]
        res[key] = np.array(names, dtype=object)
    return [res[key]]


register_op(
    "MatchFilenamesOnce",
    lambda op, s, v: [TensorShape([None])],
    kind=OpKind.HOST,
    host_fn=_match_once_fn,
    feeds_plan=True,
    stateful=True,
)
NotDifferentiable("MatchFilenamesOnce")


def match_filenames_once(pattern: Any, name: str | None = None) -> Tensor:
    """The file names matching ``pattern`` (a string, or a list of them), globbed the first
    time each session runs it and fixed after, as TF's local variable is when initialised."""
    g = get_default_graph()
    with name_scope(name or "matching_filenames") as scope:
        return g.create_op(
            "MatchFilenamesOnce", [], [_dt.string], {"_pattern": pattern}, scope
        ).outputs[0]


# -- producers ----------------------------------------------------------------------------------
def limit_epochs(tensor: Any, num_epochs: int | None = None, name: str | None = None) -> Tensor:
    """``tensor``, OutOfRangeError after it has been produced ``num_epochs`` times (a local
    variable ``epochs`` counts)."""
    if num_epochs is None:
        return tensor
    if num_epochs <= 0:
        raise ValueError(f"num_epochs must be > 0 not {num_epochs}.")
    with name_scope(name or "limit_epochs") as scope:
        zero64 = convert_to_tensor(0, dtype=_dt.int64)
        epochs = Variable(
            zero64, name="epochs", trainable=False, collections=[GraphKeys.LOCAL_VARIABLES]
        )
        counter = epochs.count_up_to(num_epochs)
        with control_dependencies([counter]):
            return identity(tensor, name=scope)


def _shuffled(t: Tensor, seed: Any) -> Tensor:
    if t.dtype == _dt.string:  # (string tensors move on the host: a shuffled gather)
        return gather(t, random_shuffle(_range(size(t)), seed=seed))
    return random_shuffle(t, seed=seed)


def input_producer(
    input_tensor: Any,
    element_shape: Any = None,
    num_epochs: int | None = None,
    shuffle: bool = True,
    seed: Any = None,
    capacity: int = 32,
    shared_name: str | None = None,
    summary_name: str | None = None,
    name: str | None = None,
    cancel_op: Any = None,
) -> FIFOQueue:
    """A queue of the rows of ``input_tensor`` (shuffled each epoch), ``num_epochs`` times
    (forever when None), filled by a queue runner."""
    with name_scope(name or "input_producer") as scope:
        input_tensor = convert_to_tensor(input_tensor, name="input_tensor")
        shape = input_tensor.shape[1:] if input_tensor.shape.rank else TensorShape(None)
        element = shape.merge_with(
            as_shape(element_shape) if element_shape is not None else TensorShape(None)
        )
        if not element.is_fully_defined():
            raise ValueError(
                "Either `input_tensor` must have a fully defined shape or `element_shape` must "
                "be specified"
            )
        if shuffle:
            input_tensor = _shuffled(input_tensor, seed)
        input_tensor = limit_epochs(input_tensor, num_epochs)
        q = FIFOQueue(
            capacity=capacity,
            dtypes=[input_tensor.dtype],
            shapes=[element],
            shared_name=shared_name,
            name=scope,
        )
        enq = q.enqueue_many([input_tensor])
        add_queue_runner(QueueRunner(q, [enq], cancel_op=cancel_op))
        if summary_name is not None:
            _summary_scalar(summary_name, cast(q.size(), _dt.float32) * (1.0 / capacity))
        return q


def string_input_producer(
    string_tensor: Any,
    num_epochs: int | None = None,
    shuffle: bool = True,
    seed: Any = None,
    capacity: int = 32,
    shared_name: str | None = None,
    name: str | None = None,
    cancel_op: Any = None,
) -> FIFOQueue:
    """A queue of the strings (file names) of ``string_tensor`` for a reader."""
    not_null_err = "string_input_producer requires a non-null input tensor"
    if not isinstance(string_tensor, Tensor) and not len(string_tensor):
        raise ValueError(not_null_err)
    with name_scope(name or "input_producer") as scope:
        string_tensor = convert_to_tensor(string_tensor, dtype=_dt.string)
        with control_dependencies([Assert(greater(size(string_tensor), 0), [not_null_err])]):
            string_tensor = identity(string_tensor)
        return _producer(
            string_tensor, [], num_epochs, shuffle, seed, capacity, shared_name, scope, cancel_op
        )


def _producer(t, shape, num_epochs, shuffle, seed, capacity, shared_name, scope, cancel_op=None):
    return input_producer(
        t,
        element_shape=shape,
        num_epochs=num_epochs,
        shuffle=shuffle,
        seed=seed,
        capacity=capacity,
        shared_name=shared_name,
        summary_name=f"fraction_of_{capacity}_full",
        name=scope,
        cancel_op=cancel_op,
    )


def range_input_producer(
    limit: Any,
    num_epochs: int | None = None,
    shuffle: bool = True,
    seed: Any = None,
    capacity: int = 32,
    shared_name: str | None = None,
    name: str | None = None,
) -> FIFOQueue:
    """A queue of the integers ``0 .. limit-1``."""
    with name_scope(name or "input_producer") as scope:
        r = _range(limit)
        return _producer(r, [], num_epochs, shuffle, seed, capacity, shared_name, scope)


def slice_input_producer(
    tensor_list: Sequence[Any],
    num_epochs: int | None = None,
    shuffle: bool = True,
    seed: Any = None,
    capacity: int = 32,
    shared_name: str | None = None,
    name: str | None = None,
) -> list[Tensor]:
    """One slice (the same row of each tensor) per run, from a queue of row indices."""
    with name_scope(name or "input_producer"):
        tensor_list = [convert_to_tensor(t) for t in tensor_list]
        if not tensor_list:
            raise ValueError("Expected at least one tensor in slice_input_producer().")
        first = tensor_list[0]
        n = first.shape[0].value if first.shape.rank else None
        limit = n if n is not None else reshape(gather(shape(first), [0]), [])
        queue = range_input_producer(
            limit,
            num_epochs=num_epochs,
            shuffle=shuffle,
            seed=seed,
            capacity=capacity,
            shared_name=shared_name,
        )
        index = queue.dequeue()
        return [gather(t, index) for t in tensor_list]


# -- batching -----------------------------------------------------------------------------------
def _as_list(tensors: Any) -> list:
    if isinstance(tensors, Mapping):
        return [tensors[k] for k in sorted(tensors)]
    if isinstance(tensors, (list, tuple)):
        return list(tensors)
    return [tensors]


def _as_original(original: Any, tensors: Any) -> Any:
    """The dequeued tensors as ``original`` was given: a dict by its sorted keys; otherwise as
    the dequeue gives them (TF's quirk: one component gives a Tensor, even for ``[x]``)."""
    if isinstance(original, Mapping):
        if isinstance(tensors, Tensor):
            tensors = [tensors]
        return dict(zip(sorted(original), tensors))
    return tensors


def _validate(tensor_list: list, what: str) -> list[Tensor]:
    if not tensor_list:
        raise ValueError(f"Expected at least one tensor in {what}().")
    return [convert_to_tensor(t) for t in tensor_list]


def _keep(keep_input: Any, enqueue_many: bool) -> Tensor:
    k = convert_to_tensor(keep_input, dtype=_dt.bool)
    if k.shape.rank == 1 and not enqueue_many:
        raise ValueError("`keep_input` cannot be a vector when `enqueue_many=False`.")
    if k.shape.rank not in (0, 1):
        raise ValueError("`keep_input` must be 0 or 1 dimensions.")
    return k


def _shapes(tensor_list_list: list, shapes: Any, enqueue_many: bool, dynamic_pad: bool) -> list:
    if shapes is not None:
        return [as_shape(s) for s in shapes]
    out = []
    for i in range(len(tensor_list_list[0])):
        merged = TensorShape(None)
        for tl in tensor_list_list:
            s = tl[i].shape
            if enqueue_many:
                s = s[1:] if s.rank else TensorShape(None)
            merged = merged.merge_with(s)
        if not dynamic_pad and not merged.is_fully_defined():
            raise ValueError(
                f"All shapes must be fully defined: {[t.shape for t in tensor_list_list[0]]}"
            )
        if dynamic_pad and merged.rank is None:
            raise ValueError("dynamic_pad requires every component to have a known rank")
        out.append(merged)
    return out


def _is_const_true(k: Tensor) -> bool:
    return k.op.type == "Const" and k.shape.rank == 0 and bool(k.op.get_attr("value"))


def _enqueue_op(queue: Any, tensor_list: list, enqueue_many: bool, keep: Tensor) -> Operation:
    if _is_const_true(keep):
        return (queue.enqueue_many if enqueue_many else queue.enqueue)(tensor_list)
    if keep.shape.rank == 0:  # (one element kept or not: a batch of 0 or 1 enqueued)
        batch = [expand_dims(t, 0) for t in tensor_list]
        return queue.enqueue_many([boolean_mask(t, reshape(keep, [1])) for t in batch])
    return queue.enqueue_many([boolean_mask(t, keep) for t in tensor_list])


def _finish(queue: Any, batch_size: Any, allow_smaller: bool, name: str) -> Any:
    if allow_smaller:
        return queue.dequeue_up_to(batch_size, name=name)
    return queue.dequeue_many(batch_size, name=name)


def _batch(
    tensors,
    batch_size,
    keep_input,
    num_threads,
    capacity,
    enqueue_many,
    shapes,
    dynamic_pad,
    allow_smaller_final_batch,
    shared_name,
    name,
    default,
):
    tensor_list = _as_list(tensors)
    with name_scope(name or default) as scope:
        tensor_list = _validate(tensor_list, "batch")
        keep = _keep(keep_input, enqueue_many)
        types = [t.dtype for t in tensor_list]
        qshapes = _shapes([tensor_list], shapes, enqueue_many, dynamic_pad)
        cls = PaddingFIFOQueue if dynamic_pad else FIFOQueue
        queue = cls(capacity=capacity, dtypes=types, shapes=qshapes, shared_name=shared_name)
        enq = _enqueue_op(queue, tensor_list, enqueue_many, keep)
        add_queue_runner(QueueRunner(queue, [enq] * num_threads))
        _summary_scalar(
            f"fraction_of_{capacity}_full", cast(queue.size(), _dt.float32) * (1.0 / capacity)
        )
        out = _finish(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original(tensors, out)


def _batch_join(
    tensors_list,
    batch_size,
    keep_input,
    capacity,
    enqueue_many,
    shapes,
    dynamic_pad,
    allow_smaller_final_batch,
    shared_name,
    name,
    default,
):
    lists = [_as_list(t) for t in tensors_list]
    with name_scope(name or default) as scope:
        lists = [_validate(tl, "batch_join") for tl in lists]
        keep = _keep(keep_input, enqueue_many)
        types = [t.dtype for t in lists[0]]
        for tl in lists[1:]:
            if [t.dtype for t in tl] != types:
                raise TypeError(f"Expected types to be {types}, got {[t.dtype for t in tl]}")
        qshapes = _shapes(lists, shapes, enqueue_many, dynamic_pad)
        cls = PaddingFIFOQueue if dynamic_pad else FIFOQueue
        queue = cls(capacity=capacity, dtypes=types, shapes=qshapes, shared_name=shared_name)
        enqs = [_enqueue_op(queue, tl, enqueue_many, keep) for tl in lists]
        add_queue_runner(QueueRunner(queue, enqs))
        _summary_scalar(
            f"fraction_of_{capacity}_full", cast(queue.size(), _dt.float32) * (1.0 / capacity)
        )
        out = _finish(queue, batch_size, allow_smaller_final_batch, scope)
        return _as_original(tensors_list[0], out)


def _shuffle_batch(
    lists,
    original,
    batch_size,
    capacity,
    min_after_dequeue,
    keep_input,
    threads,
    seed,
    enqueue_many,
    shapes,
    allow_smaller,
    shared_name,
    name,
    default,
):
    with name_scope(name or default) as scope:
        lists = [_validate(tl, "shuffle_batch") for tl in lists]
        keep = _keep(keep_input, enqueue_many)
        if capacity <= min_after_dequeue:
            raise ValueError(
                f"capacity {capacity} must be bigger than min_after_dequeue {min_after_dequeue}."
            )
        types = [t.dtype for t in lists[0]]
        qshapes = _shapes(lists, shapes, enqueue_many, False)
        queue = RandomShuffleQueue(
            capacity=capacity,
            min_after_dequeue=min_after_dequeue,
            seed=seed,
            dtypes=types,
            shapes=qshapes,
            shared_name=shared_name,
        )
        enqs = [_enqueue_op(queue, tl, enqueue_many, keep) for tl in lists]
        if len(lists) == 1:
            enqs = enqs * threads
        add_queue_runner(QueueRunner(queue, enqs))
        full = cast(maximum(0, queue.size() - min_after_dequeue), _dt.float32) * (
            1.0 / (capacity - min_after_dequeue)
        )
        _summary_scalar(
            f"fraction_over_{min_after_dequeue}_of_{capacity - min_after_dequeue}_full", full
        )
        out = _finish(queue, batch_size, allow_smaller, scope)
        return _as_original(original, out)


def batch(
    tensors,
    batch_size,
    num_threads=1,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Batches of ``batch_size`` of ``tensors`` (a list or dict), filled by ``num_threads``
    threads through a FIFO queue (padded to the batch's longest with ``dynamic_pad``)."""
    return _batch(
        tensors,
        batch_size,
        True,
        num_threads,
        capacity,
        enqueue_many,
        shapes,
        dynamic_pad,
        allow_smaller_final_batch,
        shared_name,
        name,
        "batch",
    )


def maybe_batch(
    tensors,
    keep_input,
    batch_size,
    num_threads=1,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """``batch`` of the elements for which ``keep_input`` is true."""
    return _batch(
        tensors,
        batch_size,
        keep_input,
        num_threads,
        capacity,
        enqueue_many,
        shapes,
        dynamic_pad,
        allow_smaller_final_batch,
        shared_name,
        name,
        "batch",
    )


def batch_join(
    tensors_list,
    batch_size,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Batches from several lists of tensors, one enqueuing thread each."""
    return _batch_join(
        tensors_list,
        batch_size,
        True,
        capacity,
        enqueue_many,
        shapes,
        dynamic_pad,
        allow_smaller_final_batch,
        shared_name,
        name,
        "batch_join",
    )


def maybe_batch_join(
    tensors_list,
    keep_input,
    batch_size,
    capacity=32,
    enqueue_many=False,
    shapes=None,
    dynamic_pad=False,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    return _batch_join(
        tensors_list,
        batch_size,
        keep_input,
        capacity,
        enqueue_many,
        shapes,
        dynamic_pad,
        allow_smaller_final_batch,
        shared_name,
        name,
        "batch_join",
    )


def shuffle_batch(
    tensors,
    batch_size,
    capacity,
    min_after_dequeue,
    num_threads=1,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    """Batches drawn at random from a queue holding at least ``min_after_dequeue`` elements."""
    return _shuffle_batch(
        [_as_list(tensors)],
        tensors,
        batch_size,
        capacity,
        min_after_dequeue,
        True,
        num_threads,
        seed,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        "shuffle_batch",
    )


def maybe_shuffle_batch(
    tensors,
    batch_size,
    capacity,
    min_after_dequeue,
    keep_input,
    num_threads=1,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    return _shuffle_batch(
        [_as_list(tensors)],
        tensors,
        batch_size,
        capacity,
        min_after_dequeue,
        keep_input,
        num_threads,
        seed,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        "shuffle_batch",
    )


def shuffle_batch_join(
    tensors_list,
    batch_size,
    capacity,
    min_after_dequeue,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    return _shuffle_batch(
        [_as_list(t) for t in tensors_list],
        tensors_list[0],
        batch_size,
        capacity,
        min_after_dequeue,
        True,
        1,
        seed,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        "shuffle_batch_join",
    )


def maybe_shuffle_batch_join(
    tensors_list,
    batch_size,
    capacity,
    min_after_dequeue,
    keep_input,
    seed=None,
    enqueue_many=False,
    shapes=None,
    allow_smaller_final_batch=False,
    shared_name=None,
    name=None,
):
    return _shuffle_batch(
        [_as_list(t) for t in tensors_list],
        tensors_list[0],
        batch_size,
        capacity,
        min_after_dequeue,
        keep_input,
        1,
        seed,
        enqueue_many,
        shapes,
        allow_smaller_final_batch,
        shared_name,
        name,
        "shuffle_batch_join",
    )
