"""The op table's random rows: random_uniform, random_normal and truncated_normal, and the
log-uniform candidate sampler, each against the first run of its kernel's NumPy twin under TF's
seed rule (graph seed, op seed).

Every row gets the table's checks (``op_table.table_tests``); beyond the table: a seeded random
op gives run r's numbers on its r-th run and restarts in a new session.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import FLOATS, I64, Row, table_tests

import tflite_core as tf
from tflite_core import reference as kernel_twins


# ---- random tensors ------------------------------------------------------------------------------
def np_random(kernel, shape, dtype, seeds, scale, shift):
    out = np.empty(shape, dtype)
    kernel_twins.run_kernel(kernel, [np.zeros(1, np.int64)], [out], seeds)  # the first run
    return out * dtype.type(scale) + dtype.type(shift)


def random_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "how": ctx.draw(st.sampled_from(["dims", "shape_of"])),
        "dims": list(shape),
        "seeds": [ctx.draw(st.integers(1, 2**31 - 1)), ctx.draw(st.integers(1, 2**31 - 1))],
        "scale": ctx.draw(st.sampled_from([0.5, 1.0, 2.0])),
        "shift": ctx.draw(st.sampled_from([0.0, -1.0, 3.0])),
    }


def build_random(kind):
    def build(x, how, dims, seeds, scale, shift):
        tf.set_random_seed(seeds[0])
        shape = dims if how == "dims" else tf.shape(x)
        dt = x.dtype
        if kind == "RandomUniform":  # minval + U * (maxval - minval)
            return tf.random_uniform(
                shape, minval=shift, maxval=shift + scale, dtype=dt, seed=seeds[1]
            )
        fn = tf.random_normal if kind == "RandomStandardNormal" else tf.truncated_normal
        return fn(shape, mean=shift, stddev=scale, dtype=dt, seed=seeds[1])

    return build


def ref_random(kernel):
    def ref(x, how, dims, seeds, scale, shift):
        if kernel == "random_uniform":
            dt = x.dtype.type
            scale = dt(shift + scale) - dt(shift)
        return np_random(kernel, x.shape, x.dtype, seeds, scale, shift)

    return ref


# ---- the candidate sampler -----------------------------------------------------------------------
def sampler_draw(ctx):
    range_max = ctx.draw(st.integers(1, 300))
    unique = ctx.draw(st.booleans())
    num_true = ctx.draw(st.integers(1, 2))
    batch = ctx.draw(st.integers(0, 3))
    truth = ctx.draw(hnp.arrays(I64, (batch, num_true), elements=st.integers(0, range_max - 1)))
    return [truth], {
        "num_true": num_true,
        "num_sampled": ctx.draw(st.integers(1, min(range_max, 12) if unique else 12)),
        "unique": unique,
        "range_max": range_max,
        "seeds": [ctx.draw(st.integers(1, 2**31 - 1)), ctx.draw(st.integers(1, 2**31 - 1))],
    }


def build_sampler(t, num_true, num_sampled, unique, range_max, seeds):
    tf.set_random_seed(seeds[0])
    return list(
        tf.nn.log_uniform_candidate_sampler(
            t, num_true, num_sampled, unique, range_max, seed=seeds[1]
        )
    )


def ref_sampler(t, num_true, num_sampled, unique, range_max, seeds):
    """The first run with TF's seed rule (graph seed, op seed), from the NumPy twin of the
    kernel; expected counts from TF's formulas."""
    outs = [np.empty(num_sampled, I64), np.empty(t.shape, np.float32)]
    outs.append(np.empty(num_sampled, np.float32))
    kernel_twins.run_kernel(
        "log_uniform_candidate_sampler",
        [np.zeros(1, I64), t],
        outs,
        seeds,
        [float(unique), float(range_max)],
    )
    s = outs[0]
    assert ((s >= 0) & (s < range_max)).all()
    if unique:
        assert len(set(s.tolist())) == num_sampled
    else:
        p = lambda c: (np.log(c + 2.0) - np.log(c + 1.0)) / np.log(range_max + 1.0)  # noqa: E731
        np.testing.assert_allclose(outs[2], (p(s) * num_sampled).astype(np.float32), rtol=1e-6)
    return outs


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "RandomUniform",
        build_random("RandomUniform"),
        ref_random("random_uniform"),
        random_draw,
        FLOATS,
        "none",
    ),
    Row(
        "RandomStandardNormal",
        build_random("RandomStandardNormal"),
        ref_random("random_normal"),
        random_draw,
        FLOATS,
        "none",
    ),
    Row(
        "TruncatedNormal",
        build_random("TruncatedNormal"),
        ref_random("truncated_normal"),
        random_draw,
        FLOATS,
        "none",
    ),
    Row(
        "LogUniformCandidateSampler",
        build_sampler,
        ref_sampler,
        sampler_draw,
        (I64,),
        "none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows


# ---- beyond the table ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "kind, kernel",
    [
        ("RandomUniform", "random_uniform"),
        ("RandomStandardNormal", "random_normal"),
        ("TruncatedNormal", "truncated_normal"),
    ],
)
def test_seeded_random_ops_advance_per_run_and_restart_per_session(kind, kernel):
    """Run r of a seeded random op gives the Philox numbers of run r; a new session restarts."""
    g = tf.Graph()
    with g.as_default():
        t = build_random(kind)(np.zeros((4, 5), np.float32), "dims", [4, 5], [11, 22], 1.0, 0.0)
        runs = []
        for _ in range(2):
            with tf.Session(graph=g) as sess:
                runs.append([sess.run(t) for _ in range(3)])
    for r in range(3):
        want = np.empty((4, 5), np.float32)
        kernel_twins.run_kernel(kernel, [np.array([r], np.int64)], [want], [11, 22])
        np.testing.assert_allclose(runs[0][r], want, rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(runs[1][r], runs[0][r])
    assert np.mean(runs[0][0] == runs[0][1]) < 0.2
