"""``tf.contrib.layers`` summary helpers (TF 1.x ``contrib/layers/python/layers/summaries.py``):
a scalar summary for a rank-0 tensor, else a histogram, tagged ``<op name>_summary``;
``summarize_activation`` adds the fraction of zeros (``.../zeros``) of a Relu/Relu6/Softplus
output (and of sixes for Relu6) and its histogram (``.../activation``)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

from ...framework.graph import GraphKeys, get_collection
from ...ops.array_ops import cast
from ...ops.math_ops import greater, less, reduce_mean
from ...ops.summary_ops import histogram, scalar


def _scalar(tensor: Any, tag: str | None = None):
    tensor.get_shape().assert_has_rank(0)
    return scalar(tag or f"{tensor.op.name}_summary", tensor)


def _histogram(tensor: Any, tag: str | None = None):
    return histogram(tag or f"{tensor.op.name}_summary", tensor)


def summarize_activation(op: Any):
    """Summaries of an activation tensor ``op`` (see the module doc); returns the histogram."""
    kind = op.op.type
    x = op.op.inputs[0] if op.op.inputs else op
    if kind in ("Relu", "Softplus", "Relu6"):
        _scalar(reduce_mean(cast(less(x, cast(0.0, x.dtype)), "float32")), f"{op.op.name}/zeros")
    if kind == "Relu6":
        _scalar(reduce_mean(cast(greater(x, cast(6.0, x.dtype)), "float32")), f"{op.op.name}/sixes")
    return _histogram(op, f"{op.op.name}/activation")


def summarize_tensor(tensor: Any, tag: str | None = None):
    """A scalar summary for a rank-0 tensor, else a histogram."""
    if tensor.get_shape().ndims == 0:
        return _scalar(tensor, tag)
    return _histogram(tensor, tag)


def summarize_tensors(tensors: Any, summarizer: Callable[..., Any] = summarize_tensor):
    return [summarizer(t) for t in tensors]


def summarize_collection(
    collection: str,
    name_filter: str | None = None,
    summarizer: Callable[..., Any] = summarize_tensor,
):
    """``summarizer`` over the tensors of ``collection`` whose op names match ``name_filter``."""
    chosen = [
        t
        for t in get_collection(collection)
        if name_filter is None or re.match(name_filter, t.op.name)
    ]
    return summarize_tensors(chosen, summarizer)


summarize_variables = functools.partial(summarize_collection, GraphKeys.GLOBAL_VARIABLES)
summarize_weights = functools.partial(summarize_collection, GraphKeys.WEIGHTS)
summarize_biases = functools.partial(summarize_collection, GraphKeys.BIASES)


def summarize_activations(
    name_filter: str | None = None, summarizer: Callable[..., Any] = summarize_activation
):
    return summarize_collection(GraphKeys.ACTIVATIONS, name_filter, summarizer)
