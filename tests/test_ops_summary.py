"""The op table's summary rows: scalar, histogram and merged summaries, whose outputs are
serialized Summary protobufs, built here from the definitions in summary.proto (the histogram by
TF's bucketing rule). Every row gets the table's checks (``op_table.table_tests``).
"""

from __future__ import annotations

import bisect

import numpy as np
from op_table import NUMERIC, Row, table_tests

import tflite_core as tf


# ---- NumPy references ----------------------------------------------------------------------------
def np_histogram(x):
    """TensorFlow's histogram (core/lib/histogram/histogram.cc), written out plainly."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    limits = [-p for p in reversed(pos)] + [0.0] + pos
    counts = [0.0] * len(limits)
    values = [float(e) for e in np.asarray(x, np.float64).reshape(-1)]
    for e in values:
        counts[bisect.bisect_right(limits, e)] += 1
    h = tf.HistogramProto(
        min=min(values, default=limits[-1]),
        max=max(values, default=-limits[-1]),
        num=len(values),
        sum=_seq_sum(values),  # TF adds one value at a time
        sum_squares=_seq_sum([e * e for e in values]),
    )
    i = 0
    while i < len(counts):  # a run of empty buckets is written as its last one
        end, count = limits[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(counts) and counts[i] <= 0:
                end, count = limits[i], counts[i]
                i += 1
        h.bucket_limit.append(end)
        h.bucket.append(count)
    return h


def _seq_sum(values):
    total = 0.0
    for e in values:
        total += e
    return total


def np_summary(values):
    """The bytes of ``Summary(value=[...])`` from ``(tag, field, value)`` triples."""
    s = tf.Summary()
    for tag, kind, v in values:
        if kind == "histo":
            s.value.add(tag=tag, histo=v)
        else:
            s.value.add(tag=tag, simple_value=v)
    return np.array(s.SerializeToString())


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "ScalarSummary",
        lambda x: tf.scalar_summary("t", x),
        lambda x: np_summary([("t", "simple_value", float(x))]),
        lambda ctx: ([ctx.values(())], {}),
        NUMERIC,  # (TF's ScalarSummary takes no bool)
        "none",
    ),
    Row(
        "HistogramSummary",
        lambda x: tf.histogram_summary("h", x),
        lambda x: np_summary([("h", "histo", np_histogram(x))]),
        lambda ctx: ([ctx.values(ctx.shape(), (-1e3, -1e-3), (1e-3, 1e3))], {}),
        NUMERIC,
        "none",
    ),
    Row(
        "MergeSummary",
        lambda x, y: tf.merge_summary([tf.scalar_summary("a", x), tf.histogram_summary("b", y)]),
        lambda x, y: np_summary([("a", "simple_value", float(x)), ("b", "histo", np_histogram(y))]),
        lambda ctx: ([ctx.values(()), ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
