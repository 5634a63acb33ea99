"""Op table rows of the CTC decoder family: ``CTCBeamSearchDecoder`` (a host op) against an
exhaustive NumPy reference: with a beam wider than every prefix of a short sequence the beam
search is exact, so its best path is the label sequence whose alignments (repeats merged, blanks
dropped) carry the most softmax probability, and its log probability that sum's log. Logits are
distinct (no ties between paths). Side-by-side checks with TF are in test_ctc_beam_vs_tf.py."""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import strategies as st
from op_table import FLOATS, Row, table_tests

import tflite_core as tf


def _draw(ctx):
    steps = ctx.draw(st.integers(1, 3))
    batch = ctx.draw(st.integers(1, 2))
    classes = ctx.draw(st.integers(2, 3))
    return [ctx.distinct((steps, batch, classes)) * 0.1], {}


def _build(x):
    lengths = tf.fill(tf.shape(x)[1:2], tf.shape(x)[0])
    (d,), lp = tf.nn.ctc_beam_search_decoder(x, lengths, beam_width=100, merge_repeated=False)
    return [d.indices, d.values, d.dense_shape, lp]


def _best_path(logits):
    """The most probable collapsed label sequence of ``logits`` [time, classes], exhaustively."""
    z = logits.astype(np.float64)
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    blank = z.shape[1] - 1
    total: dict = {}
    for align in itertools.product(range(z.shape[1]), repeat=z.shape[0]):
        labels = tuple(
            a for i, a in enumerate(align) if a != blank and (i == 0 or a != align[i - 1])
        )
        total[labels] = total.get(labels, 0.0) + np.prod(p[np.arange(len(align)), align])
    best = max(total, key=total.get)
    return list(best), np.log(total[best])


def _ref(x):
    paths = [_best_path(x[:, b]) for b in range(x.shape[1])]
    rows = [(b, t) for b, (labels, _) in enumerate(paths) for t in range(len(labels))]
    width = max(len(labels) for labels, _ in paths)
    return [
        np.array(rows, np.int64).reshape(-1, 2),
        np.array([v for labels, _ in paths for v in labels], np.int64),
        np.array([x.shape[1], width], np.int64),
        np.array([[lp] for _, lp in paths], x.dtype),
    ]


ROWS = [
    Row(
        "CTCBeamSearchDecoder",
        _build,
        _ref,
        _draw,
        FLOATS,
        "none",
        static=False,
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
