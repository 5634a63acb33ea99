"""Summary ops: ``ScalarSummary``, ``HistogramSummary`` and ``MergeSummary``. Each returns a
serialized ``Summary`` protobuf (a scalar string tensor), as in TensorFlow.

They are host ops (``OpKind.HOST``): the session runs the numeric part of the graph as one C++ plan,
fetches the tensors the summaries read, and builds the protobufs afterwards. Histograms use
TensorFlow's default buckets (``core/lib/histogram/histogram.cc``): edges growing by 10% from
1e-12 to 1e20, mirrored for negative values, with 0 between; runs of empty buckets are collapsed
into one, so TensorBoard shows them exactly as it shows TensorFlow's. A histogram summary's bytes
come from one C++ call that runs without the GIL (``cpp/summary.cc``: the bucket counts, min, max,
sums and the protobuf encoding); ``tests/summary_reference.py`` holds the NumPy twin they are
tested against.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from google.protobuf.message import DecodeError

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import GraphKeys, Tensor, get_default_graph, name_scope
from ..framework.op_util import make_op
from ..framework.protos import protos
from ..framework.registry import NotDifferentiable, OpKind, register_op
from ..framework.runtime import core
from ..framework.tensor_shape import TensorShape

if TYPE_CHECKING:
    from ..framework.type_aliases import (
        TensorLike,
    )


def _scalar_string_shape(op, in_shapes, value_of):
    return [TensorShape([])]


def _string_value(value) -> np.ndarray:
    """A string tensor's value: bytes in an object array."""
    arr = np.asarray(value, dtype=object)
    return (
        np.vectorize(lambda v: v if isinstance(v, bytes) else str(v).encode(), otypes=[object])(arr)
        if arr.size
        else arr
    )


def _string_const(value, name: str) -> Tensor:
    arr = _string_value(value)
    return make_op("Const", [], [_dt.string], {"value": arr, "dtype": _dt.string}, name).outputs[0]


def _as_string_tensor(value, name: str) -> Tensor:
    if isinstance(value, Tensor):
        if value.dtype is not _dt.string:
            raise TypeError(f"{name} must be a string tensor, not {value.dtype.name}")
        return value
    return _string_const(value, name)


def _summary_bytes(summary) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = summary.SerializeToString()
    return out


def _tag(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


# ---- ScalarSummary ------------------------------------------------------------------------------
def _scalar_summary_value(op, tags, values):
    if tags.shape != values.shape:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"tags and values are not the same shape: {list(tags.shape)} != "
            f"{list(values.shape)}\n\t [[node {op.name}]]",
        )
    s = protos().Summary()
    for tag, v in zip(tags.reshape(-1).tolist(), values.reshape(-1).tolist()):
        s.value.add(tag=_tag(tag), simple_value=float(v))
    return [_summary_bytes(s)]


register_op(
    "ScalarSummary",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_scalar_summary_value,
    graphdef_dtype=lambda op: op._inputs[1].dtype,
)
NotDifferentiable("ScalarSummary")


# ---- HistogramSummary ---------------------------------------------------------------------------
BUCKET_LIMITS = np.array(core.histogram_bucket_limits(), dtype=np.float64)
"""TF's default bucket limits: -DBL_MAX ... -1e-12, 0, 1e-12, ... (x1.1) ... 1e20, DBL_MAX."""

# the dtypes the C++ histogram reads as they are; any other is converted to float64 first
_HISTOGRAM_DTYPES = frozenset(
    np.dtype(t)
    for t in (
        np.float32,
        np.float64,
        np.int8,
        np.int16,
        np.int32,
        np.int64,
        np.uint8,
        np.uint16,
        np.uint32,
        np.uint64,
    )
)


def _histogram_input(values: Any) -> np.ndarray:
    x = np.asarray(values)
    if x.dtype not in _HISTOGRAM_DTYPES:
        x = x.astype(np.float64)
    return np.ascontiguousarray(x)


def histogram_proto(values: Any) -> Any:
    """A ``HistogramProto`` of ``values`` (finite) with TensorFlow's default buckets."""
    return protos().HistogramProto.FromString(core.histogram_proto(_histogram_input(values)))


def _histogram_summary_value(op, tag, values):
    if tag.shape != ():
        raise errors.InvalidArgumentError(
            None, op, f"tag must be a scalar, not shape {list(tag.shape)}\n\t [[node {op.name}]]"
        )
    name = _tag(tag[()])
    try:
        raw = core.histogram_summary(name.encode(), _histogram_input(values))
    except ValueError as e:  # "Nan" or "Infinity": the first value that is not finite, and
        # TF 2.21's message for it
        what = "Nan in summary histogram" if str(e) == "Nan" else "Infinity in Histogram"
        raise errors.InvalidArgumentError(
            None, op, f"{what} for: {name}\n\t [[node {op.name}]]"
        ) from None
    out = np.empty((), dtype=object)
    out[()] = raw
    return [out]


register_op(
    "HistogramSummary",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_histogram_summary_value,
    graphdef_dtype=lambda op: op._inputs[1].dtype,
)
NotDifferentiable("HistogramSummary")


# ---- MergeSummary -------------------------------------------------------------------------------
def _merge_summary_value(op, *inputs):
    P = protos()
    merged, seen = P.Summary(), set()
    for arr in inputs:
        for raw in np.asarray(arr, dtype=object).reshape(-1).tolist():
            part = P.Summary()
            try:
                part.ParseFromString(raw)
            except (DecodeError, TypeError):
                raise errors.InvalidArgumentError(
                    None, op, f"Could not parse one of the summary inputs\n\t [[node {op.name}]]"
                ) from None
            for v in part.value:
                if v.tag and v.tag in seen:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Duplicate tag {v.tag} found in summary inputs\n\t [[node {op.name}]]",
                    )
                seen.add(v.tag)
                merged.value.add().CopyFrom(v)
    return [_summary_bytes(merged)]


register_op(
    "MergeSummary",
    _scalar_string_shape,
    kind=OpKind.HOST,
    host_fn=_merge_summary_value,
    graphdef_dtype=lambda op: None,
    attrs_fn=None,
)
NotDifferentiable("MergeSummary")


# ---- public functions ---------------------------------------------------------------------------
_INVALID_TAG_CHARS = re.compile(r"[^-/\w\.]")


def _clean_tag(name: str) -> str:
    """TF 1.x's tag cleaning: characters outside ``[-/\\w.]`` become ``_``, no leading ``/``."""
    new = _INVALID_TAG_CHARS.sub("_", name).lstrip("/")
    return new


def _collect(op_tensor: Tensor, collections, default=(GraphKeys.SUMMARIES,)):
    for key in default if collections is None else collections:
        get_default_graph().add_to_collection(key, op_tensor)
    return op_tensor


def _summary_scope(name: str, family):
    name = _clean_tag(name)
    if family is not None:
        name = f"{_clean_tag(family)}/{name}"
    return name_scope(name)


def _family_tag(scope: str, family: str | None) -> str:
    """TF's tag: the op's scope, with ``family/`` in front again when a family is given (the
    scope already holds it), so that TensorBoard shows the summary in the family's tab."""
    tag = scope.rstrip("/")
    return tag if family is None else f"{_clean_tag(family)}/{tag}"


def scalar(
    name: str,
    tensor: TensorLike,
    collections: Iterable[str] | None = None,
    family: str | None = None,
) -> Tensor:
    """TF 1.x's ``tf.summary.scalar``: a ``Summary`` with one ``simple_value``; the tag is the
    op's name, so it carries the enclosing name scopes (``train/loss``).

    >>> with tf.Graph().as_default():
    ...     with tf.name_scope("train"):
    ...         s = tf.summary.scalar("loss", tf.constant(0.5))
    ...     tf.Summary.FromString(tf.Session().run(s)).value[0]
    tag: "train/loss"
    simple_value: 0.5
    <BLANKLINE>
    """
    tensor = convert_to_tensor(tensor)
    with _summary_scope(name, family) as scope:
        tags = _string_const(_family_tag(scope, family), "tags")
        op = make_op("ScalarSummary", [tags, tensor], [_dt.string], {}, scope)
    return _collect(op.outputs[0], collections)


def histogram(
    name: str, values: Any, collections: Iterable[str] | None = None, family: str | None = None
) -> Tensor:
    """TF 1.x's ``tf.summary.histogram``: a ``Summary`` holding a ``HistogramProto`` of
    ``values`` with TensorFlow's default buckets; tagged with the op's scoped name."""
    values = convert_to_tensor(values)
    with _summary_scope(name, family) as scope:
        tag = _string_const(_family_tag(scope, family), "tag")
        op = make_op("HistogramSummary", [tag, values], [_dt.string], {}, scope)
    return _collect(op.outputs[0], collections)


def merge(inputs: Any, collections: Iterable[str] | None = None, name: str | None = None) -> Tensor:
    """``tf.summary.merge``: one ``Summary`` holding the values of all ``inputs``; running it
    raises ``InvalidArgumentError`` when two inputs share a tag."""
    inputs = [_as_string_tensor(t, "inputs") for t in inputs]
    with name_scope(name or "Merge") as scope:
        op = make_op("MergeSummary", inputs, [_dt.string], {"N": len(inputs)}, scope)
    return _collect(op.outputs[0], collections, default=())


def merge_all(
    key: str = GraphKeys.SUMMARIES, scope: str | None = None, name: str | None = None
) -> Tensor | None:
    """``tf.summary.merge_all``: merges every summary in the collection ``key`` (in ``scope``);
    None when there is none, as in TensorFlow."""
    summaries = get_default_graph().get_collection(key, scope)
    if not summaries:
        return None
    return merge(summaries, name=name)


# the tutorial's TensorFlow 0.x names: tags exactly as given, ops named after their type
def scalar_summary(
    tags: Any, values: Any, collections: Iterable[str] | None = None, name: str | None = None
) -> Tensor:
    """TF 0.x's ``tf.scalar_summary(tags, values)``: ``tags`` (a string, or strings of
    ``values``' shape) are used exactly as given."""
    values = convert_to_tensor(values)
    with name_scope(name or "ScalarSummary") as scope:
        tags = _as_string_tensor(tags, "tags")
        op = make_op("ScalarSummary", [tags, values], [_dt.string], {}, scope)
    return _collect(op.outputs[0], collections)


def histogram_summary(
    tag: Any, values: Any, collections: Iterable[str] | None = None, name: str | None = None
) -> Tensor:
    """TF 0.x's ``tf.histogram_summary(tag, values)``: the tag exactly as given."""
    values = convert_to_tensor(values)
    with name_scope(name or "HistogramSummary") as scope:
        tag = _as_string_tensor(tag, "tag")
        op = make_op("HistogramSummary", [tag, values], [_dt.string], {}, scope)
    return _collect(op.outputs[0], collections)


def merge_summary(
    inputs: Any, collections: Iterable[str] | None = None, name: str | None = None
) -> Tensor:
    """TF 0.x's ``tf.merge_summary``."""
    inputs = [_as_string_tensor(t, "inputs") for t in inputs]
    with name_scope(name or "MergeSummary") as scope:
        op = make_op("MergeSummary", inputs, [_dt.string], {"N": len(inputs)}, scope)
    return _collect(op.outputs[0], collections, default=())


def merge_all_summaries(key: str = GraphKeys.SUMMARIES) -> Tensor | None:
    """TF 0.x's ``tf.merge_all_summaries``."""
    summaries = get_default_graph().get_collection(key)
    if not summaries:
        return None
    return merge_summary(summaries)
