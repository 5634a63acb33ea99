"""The op table's rows of SDCA: the example-id fingerprint (SdcaFprint) on strings whose TF
fingerprints are known, and the solver (SdcaOptimizer, ``tf.train.sdca_optimizer``): one
example (TF's kernel visits several in a random order) with a sparse group (values given) and a
dense group, squared loss without L1, where one dual step has a closed form. Every row gets the
table's checks (``op_table.table_tests``); the behaviour beside TF is tested in
test_sdca_vs_tf.py."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import F32, Row, table_tests

import tflite_core as tf

_SPARSE_IDS = np.array([4, 0, 9], np.int64)  # the sparse weights' feature ids
_EXAMPLE_IDS = np.array([0, 0], np.int64)
_FEATURE_IDS = np.array([9, 4], np.int64)


def _draw(ctx):
    cols = ctx.draw(st.integers(1, 4))  # dense columns
    return [
        ctx.values((2,), dtype=F32),  # sparse feature values
        ctx.values((1, cols), dtype=F32),  # dense features
        ctx.values((1,), (0.5, 2.0), dtype=F32),  # example weight
        ctx.values((1,), dtype=F32),  # label
        ctx.values((3,), (-1.0, 1.0), dtype=F32),  # sparse weights
        ctx.values((cols,), (-1.0, 1.0), dtype=F32),  # dense weights
        ctx.values((1, 1), (-1.0, 1.0), dtype=F32),  # the example's dual
    ], {}


def _sdca(values, dense, weight, label, sparse_w, dense_w, dual):
    # the state [dual, 0, 0, 0] is computed in the graph: TF's kernel writes the new state into
    # its input's buffer (a fed array would change under the comparison)
    state = tf.pad(dual, [[0, 0], [0, 3]])
    out = tf.train.sdca_optimizer(
        [_EXAMPLE_IDS],
        [_FEATURE_IDS],
        [values],
        [dense],
        weight,
        label,
        [_SPARSE_IDS],
        [sparse_w],
        [dense_w],
        state,
        loss_type="squared_loss",
        l1=0.0,
        l2=1.0,
        num_loss_partitions=1,
        num_inner_iterations=1,
        adaptative=False,
    )
    return [out.out_example_state_data, *out.out_delta_sparse_weights, *out.out_delta_dense_weights]


def _sdca_ref(values, dense, weight, label, sparse_w, dense_w, dual_in):
    pos = [list(_SPARSE_IDS).index(f) for f in _FEATURE_IDS]
    v = values.astype(np.float64)
    wx = float(np.dot(v, sparse_w[pos].astype(np.float64)))
    wx += float(np.sum(dense[0] * dense_w, dtype=np.float32))
    norm = float(np.dot(v, v)) + float(np.sum(dense[0] * dense[0], dtype=np.float32))
    ew, y, dual = float(weight[0]), float(label[0]), float(dual_in[0, 0])
    new = dual + (y - dual - wx) / (1 + norm * ew)
    step = (new - dual) * ew
    sparse_delta = np.zeros(3, np.float32)
    sparse_delta[pos] = (v * step).astype(np.float32)
    dense_delta = (dense[0] * np.float32(step)).astype(np.float32)
    new_state = np.array([[new, 0.5 * (wx - y) ** 2 * ew, dual * (0.5 * dual - y) * ew, ew]], F32)
    return [new_state, sparse_delta, dense_delta]


# strings and their fingerprints as TF 2.21 computes them (SdcaFprint)
_FPRINTS = {
    b"": (4463240938071824939, 4374473821787594281),
    b"example-7": (-820121887791476299, -7844015286952610551),
    b"a much longer example id, past sixteen bytes": (5463906398942179068, -303019744230673686),
    b"x" * 130: (-3810745659961546350, -1086638673823313516),
}


def _draw_strings(ctx):
    keys = ctx.draw(st.lists(st.sampled_from(sorted(_FPRINTS)), min_size=1, max_size=6))
    return [np.array(keys, dtype=object)], {}


def _fprint_ref(strings):
    return np.array([_FPRINTS[s] for s in strings], np.int64).reshape(-1, 2)


ROWS = [
    Row(
        "SdcaOptimizer",
        _sdca,
        _sdca_ref,
        _draw,
        (F32,),
        "none",
        static=False,  # the state's static shape is [?, 4], as TF's
        tol={"rtol": 1e-4, "atol": 1e-4},
    ),
    Row(
        "SdcaFprint",
        lambda strings: tf.train.sdca_fprint(strings),
        _fprint_ref,
        _draw_strings,
        (F32,),
        "none",
        feed="value",  # (string feeds: not yet)
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
