"""The op table's rows for the random distributions of ``cpp/random_dist.cc`` and
``cpp/candidate_sampling.cc``: each op against its kernel's Python twin (``tflite_core.reference``)
for the same seeds (stateless ops: the seed pair; stateful ops: TF's seed rule and the first run;
Generator ops: the generator's state).

The distributions themselves (moments, supports, TF's own values) are checked side by side with
TF in ``test_random_vs_tf.py``.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import ALL, FLOATS, I32, I64, Row, Steps, table_tests

import tflite_core as tf
from tflite_core import reference as twins
from tflite_core.ops.random_ops import random_gamma_grad

INTS = (I32, I64)


def twin(kernel, ins, out_shape, dtype, ints=(), floats=()):
    out = np.empty(out_shape, np.dtype(dtype))
    twins.run_kernel(kernel, [np.asarray(a) for a in ins], [out], list(ints), list(floats))
    return out


def first_run():
    return np.zeros(1, np.int64)


def seed_draw(ctx):
    dt = ctx.draw(st.sampled_from([np.int32, np.int64]))
    return np.array([ctx.draw(st.integers(-(2**31), 2**31 - 1)) for _ in range(2)], dt)


def op_seeds(ctx):
    return [ctx.draw(st.integers(1, 2**31 - 1)), ctx.draw(st.integers(1, 2**31 - 1))]


def shape_of(x, how, dims):
    return dims if how == "dims" else tf.shape(x)


def shaped_draw(ctx, **extra):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "how": ctx.draw(st.sampled_from(["dims", "shape_of"])),
        "dims": list(shape),
        "seed": seed_draw(ctx),
        **extra,
    }


# ---- stateless floats: uniform, normal, truncated normal (TF's exact values) -------------------
def float_draw(ctx):
    return shaped_draw(
        ctx,
        scale=ctx.draw(st.sampled_from([0.5, 1.0, 2.0])),
        shift=ctx.draw(st.sampled_from([0.0, -1.0, 3.0])),
    )


def build_stateless_float(kind):
    def build(x, how, dims, seed, scale, shift):
        s = shape_of(x, how, dims)
        if kind == "uniform":
            return tf.random.stateless_uniform(
                s, seed, minval=shift, maxval=shift + scale, dtype=x.dtype
            )
        fn = (
            tf.random.stateless_normal if kind == "normal" else tf.random.stateless_truncated_normal
        )
        return fn(s, seed, mean=shift, stddev=scale, dtype=x.dtype)

    return build


def ref_stateless_float(kernel):
    def ref(x, how, dims, seed, scale, shift):
        dt = x.dtype.type
        r = twin(kernel, [seed], x.shape, x.dtype)
        if kernel == "stateless_random_uniform":
            return r * (dt(shift + scale) - dt(shift)) + dt(shift)
        return r * dt(scale) + dt(shift)

    return ref


# ---- stateless integers --------------------------------------------------------------------------
def int_draw(ctx):
    lo = ctx.draw(st.integers(-100, 100))
    return shaped_draw(ctx, lo=lo, hi=lo + ctx.draw(st.integers(1, 1000)))


def build_stateless_int(x, how, dims, seed, lo, hi):
    return tf.random.stateless_uniform(shape_of(x, how, dims), seed, lo, hi, dtype=x.dtype)


def ref_stateless_int(x, how, dims, seed, lo, hi):
    bounds = [np.array(lo, x.dtype), np.array(hi, x.dtype)]
    return twin("stateless_random_uniform_int", [seed, *bounds], x.shape, x.dtype)


def build_full_int(x, how, dims, seed):
    return tf.random.stateless_uniform(shape_of(x, how, dims), seed, None, None, dtype=x.dtype)


def ref_full_int(x, how, dims, seed):
    return twin("stateless_random_uniform_full_int", [seed], x.shape, x.dtype)


# ---- stateless parameterized: gamma, Poisson, binomial, bounded truncated normal ----------------
def params_draw(lo, hi):
    def draw(ctx):
        shape = ctx.shape(max_dims=2)
        return [ctx.values(shape, (lo, hi))], {
            "k": ctx.draw(st.integers(0, 3)),
            "seed": seed_draw(ctx),
        }

    return draw


def full_shape(x, k):
    return tf.concat([tf.constant([k]), tf.shape(x)], 0)


def bcast(x, k):
    return np.broadcast_to(x, (k, *x.shape))


def build_stateless_gamma(x, k, seed):
    return tf.random.stateless_gamma(full_shape(x, k), seed, alpha=x, dtype=x.dtype)


def ref_stateless_gamma(x, k, seed):
    r = twin("stateless_random_gamma", [seed, x], (k, *x.shape), x.dtype)
    return np.maximum(np.finfo(x.dtype).tiny, r / x.dtype.type(1))


def build_stateless_poisson(x, k, seed):
    return tf.random.stateless_poisson(full_shape(x, k), seed, lam=x, dtype=tf.int32)


def ref_stateless_poisson(x, k, seed):
    return twin("stateless_random_poisson", [seed, x], (k, *x.shape), np.int32)


def build_stateless_binomial(x, k, seed):
    return tf.random.stateless_binomial(full_shape(x, k), seed, counts=30.0, probs=x)


def ref_stateless_binomial(x, k, seed):
    counts = np.full((k, *x.shape), 30.0, x.dtype)
    return twin("stateless_random_binomial", [seed, counts, bcast(x, k)], (k, *x.shape), np.int32)


def build_stateless_ptn(x, k, seed):
    return tf.random.stateless_parameterized_truncated_normal(
        full_shape(x, k), seed, means=x, stddevs=1.5, minvals=-1.0, maxvals=2.5
    )


def ref_stateless_ptn(x, k, seed):
    full = (k, *x.shape)
    params = [bcast(x, k)] + [np.full(full, v, x.dtype) for v in (1.5, -1.0, 2.5)]
    return twin("stateless_parameterized_truncated_normal", [seed, *params], full, x.dtype)


# ---- categorical draws ---------------------------------------------------------------------------
def logits_draw(ctx, stateful):
    shape = [
        ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 3)),
        ctx.draw(st.integers(1, 5)),
    ]
    kw = {"k": ctx.draw(st.integers(0, 6)), "out": ctx.draw(st.sampled_from(["int32", "int64"]))}
    kw["seed"] = op_seeds(ctx) if stateful else seed_draw(ctx)
    return [ctx.values(shape)], kw


def build_stateless_categorical(x, k, out, seed):
    return tf.random.stateless_categorical(x, k, seed, dtype=out)


def ref_stateless_categorical(x, k, out, seed):
    return twin("stateless_multinomial", [seed, x], (x.shape[0], k), out)


def build_categorical(x, k, out, seed):
    tf.set_random_seed(seed[0])
    return tf.random.categorical(x, k, dtype=out, seed=seed[1])


def ref_categorical(x, k, out, seed):
    return twin("multinomial", [first_run(), x], (x.shape[0], k), out, seed)


# ---- stateful: uniform integers, gamma, Poisson, shuffle -----------------------------------------
def stateful_int_draw(ctx):
    shape = ctx.shape()
    lo = ctx.draw(st.integers(-100, 100))
    return [ctx.values(shape)], {
        "how": ctx.draw(st.sampled_from(["dims", "shape_of"])),
        "dims": list(shape),
        "lo": lo,
        "hi": lo + ctx.draw(st.integers(1, 1000)),
        "seed": op_seeds(ctx),
    }


def build_uniform_int(x, how, dims, lo, hi, seed):
    tf.set_random_seed(seed[0])
    return tf.random_uniform(shape_of(x, how, dims), lo, hi, dtype=x.dtype, seed=seed[1])


def ref_uniform_int(x, how, dims, lo, hi, seed):
    bounds = [np.array(lo, x.dtype), np.array(hi, x.dtype)]
    return twin("random_uniform_int", [first_run(), *bounds], x.shape, x.dtype, seed)


def stateful_params_draw(lo, hi):
    def draw(ctx):
        shape = ctx.shape(max_dims=2)
        return [ctx.values(shape, (lo, hi))], {
            "k": ctx.draw(st.integers(0, 3)),
            "seed": op_seeds(ctx),
        }

    return draw


def build_gamma(x, k, seed):
    tf.set_random_seed(seed[0])
    return tf.random_gamma([k], x, dtype=x.dtype, seed=seed[1])


def ref_gamma(x, k, seed):
    r = twin("random_gamma", [first_run(), x], (k, *x.shape), x.dtype, seed)
    return np.maximum(np.finfo(x.dtype).tiny, r / x.dtype.type(1))


def gamma_grad_draw(ctx):
    shape = ctx.shape(min_dims=1, max_dims=2)
    alpha = ctx.values(shape[-1:], (0.5, 6.0))
    return [alpha, ctx.values(shape, (0.0625, 10.0))], {}


def build_gamma_grad(alpha, sample):
    return random_gamma_grad(alpha, sample)


def ref_gamma_grad(alpha, sample):
    return twin("random_gamma_grad", [alpha, sample], sample.shape, sample.dtype)


def build_poisson(x, k, seed):
    tf.set_random_seed(seed[0])
    return tf.random_poisson(x, [k], dtype=tf.int64, seed=seed[1])


def ref_poisson(x, k, seed):
    return twin("random_poisson", [first_run(), x], (k, *x.shape), np.int64, seed)


def shuffle_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape, (-50, 50))], {"seed": op_seeds(ctx)}


def build_shuffle(x, seed):
    tf.set_random_seed(seed[0])
    return tf.random_shuffle(x, seed=seed[1])


def ref_shuffle(x, seed):
    return twin("random_shuffle", [first_run(), x], x.shape, x.dtype, seed)


# ---- the Generator: RngReadAndSkip and TF's V2 stateless ops -------------------------------------
def generator_draw(ctx):
    shape = ctx.shape()
    return [ctx.values(shape)], {
        "how": ctx.draw(st.sampled_from(["dims", "shape_of"])),
        "dims": list(shape),
        "state": [ctx.draw(st.integers(-(2**63), 2**63 - 1)) for _ in range(3)],
    }


def build_generator(method):
    def build(x, how, dims, state):
        g = tf.random.Generator.from_state(state, "philox")
        s = shape_of(x, how, dims)
        if method == "uniform_int":
            return g.uniform(s, -5, 17, dtype=x.dtype)
        if method == "uniform_full_int":
            return g.uniform_full_int(s, dtype=x.dtype)
        return getattr(g, method)(s, dtype=x.dtype)

    return build


def ref_generator(kernel):
    def ref(x, how, dims, state):
        keyed = [np.array(state[:2], np.int64), np.array(state[2:], np.int64)]
        extra = (
            [np.array(-5, x.dtype), np.array(17, x.dtype)]
            if "int" in kernel and "full" not in kernel
            else []
        )
        return twin(kernel, keyed + extra, x.shape, x.dtype, [1])

    return ref


def build_read_and_skip(x, how, dims, state):
    g = tf.random.Generator.from_state(state, "philox")
    return Steps([g.skip(tf.size(x)), g.state.value()])


def ref_read_and_skip(x, how, dims, state):
    new = np.array(state, np.int64)
    twins.run_kernel(
        "rng_read_and_skip",
        [new, np.array(1, np.int32), np.array(x.size, np.int64)],
        [np.empty(3, np.int64)],
    )
    return [np.array(state, np.int64), new]


# ---- candidate samplers --------------------------------------------------------------------------
def sampler_draw(kind):
    def draw(ctx):
        range_max = ctx.draw(st.integers(1, 50))
        unique = ctx.draw(st.booleans())
        batch = ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 3))
        truth = ctx.draw(hnp.arrays(I64, (batch, 1), elements=st.integers(0, range_max - 1)))
        kw = {"range_max": range_max, "unique": unique, "seed": op_seeds(ctx)}
        if kind == "fixed":
            kw["unigrams"] = [float(ctx.draw(st.integers(1, 9))) for _ in range(range_max)]
            kw["distortion"] = ctx.draw(st.sampled_from([1.0, 0.5]))
        kw["n"] = ctx.draw(st.integers(1, min(range_max, 8) if unique else 8))  # (TF: n >= 1)
        return [truth], kw

    return draw


def build_sampler(kind):
    def build(t, range_max, unique, seed, n, **kw):
        tf.set_random_seed(seed[0])
        if kind == "uniform":
            out = tf.random.uniform_candidate_sampler(t, 1, n, unique, range_max, seed=seed[1])
        elif kind == "learned":
            out = tf.random.learned_unigram_candidate_sampler(
                t, 1, n, unique, range_max, seed=seed[1]
            )
        else:
            out = tf.random.fixed_unigram_candidate_sampler(
                t, 1, n, unique, range_max, seed=seed[1], **kw
            )
        return list(out)

    return build


def ref_sampler(kind):
    def ref(t, range_max, unique, seed, n, unigrams=(), distortion=1.0):
        code = {"uniform": 0, "fixed": 1, "learned": 2}[kind]
        counter = np.zeros(1 + range_max if kind == "learned" else 1, np.int64)
        weights = [u**distortion for u in unigrams]
        outs = [np.empty(n, np.int64), np.empty(t.shape, np.float32), np.empty(n, np.float32)]
        floats = [float(unique), float(code), float(range_max), *weights]
        twins.run_kernel("candidate_sampler", [counter, t], outs, seed, floats)
        return outs

    return ref


# ---- index shuffles ------------------------------------------------------------------------------
def index_shuffle_draw(ctx):
    n = ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 6))
    mx = ctx.draw(st.sampled_from([0, 7, 1000, 2**20 + 3]))
    x = np.array([ctx.draw(st.integers(0, mx)) for _ in range(n)], ctx.dtype)
    seed = [ctx.draw(st.integers(-(2**31), 2**31 - 1)) for _ in range(3)]
    return [x], {"mx": mx, "seed": seed, "rounds": ctx.draw(st.sampled_from([4, 6]))}


def build_index_shuffle(x, mx, seed, rounds):
    return tf.random_index_shuffle(x, seed, tf.constant(mx, x.dtype), rounds=rounds)


def ref_index_shuffle(x, mx, seed, rounds):
    ins = [x, np.array(seed, np.int32), np.array(mx, x.dtype)]
    return twin("random_index_shuffle", ins, x.shape, x.dtype, [rounds])


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "RandomIndexShuffle",
        build_index_shuffle,
        ref_index_shuffle,
        index_shuffle_draw,
        INTS,
        "none",
    ),
    Row(
        "StatelessRandomUniform",
        build_stateless_float("uniform"),
        ref_stateless_float("stateless_random_uniform"),
        float_draw,
        FLOATS,
        "none",
    ),
    Row(
        "StatelessRandomNormal",
        build_stateless_float("normal"),
        ref_stateless_float("stateless_random_normal"),
        float_draw,
        FLOATS,
        "none",
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
    Row(
        "StatelessTruncatedNormal",
        build_stateless_float("truncated"),
        ref_stateless_float("stateless_truncated_normal"),
        float_draw,
        FLOATS,
        "none",
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
    Row(
        "StatelessRandomUniformInt", build_stateless_int, ref_stateless_int, int_draw, INTS, "none"
    ),
    Row("StatelessRandomUniformFullInt", build_full_int, ref_full_int, shaped_draw, INTS, "none"),
    Row(
        "StatelessRandomGammaV2",
        build_stateless_gamma,
        ref_stateless_gamma,
        params_draw(0.25, 6.0),
        FLOATS,
        "none",
        tol={"rtol": 1e-5},
    ),
    Row(
        "StatelessRandomPoisson",
        build_stateless_poisson,
        ref_stateless_poisson,
        params_draw(0.0, 30.0),
        FLOATS,
        "none",
    ),
    Row(
        "StatelessRandomBinomial",
        build_stateless_binomial,
        ref_stateless_binomial,
        params_draw(0.0, 1.0),
        FLOATS,
        "none",
    ),
    Row(
        "StatelessParameterizedTruncatedNormal",
        build_stateless_ptn,
        ref_stateless_ptn,
        params_draw(-3.0, 3.0),
        FLOATS,
        "none",
        tol={"rtol": 1e-5, "atol": 1e-6},
    ),
    Row(
        "StatelessMultinomial",
        build_stateless_categorical,
        ref_stateless_categorical,
        lambda c: logits_draw(c, False),
        FLOATS,
        "none",
    ),
    Row(
        "Multinomial",
        build_categorical,
        ref_categorical,
        lambda c: logits_draw(c, True),
        FLOATS,
        "none",
    ),
    Row("RandomUniformInt", build_uniform_int, ref_uniform_int, stateful_int_draw, INTS, "none"),
    # RandomGamma is differentiable in alpha by implicit reparameterization, not along a sample
    # path, so central differences do not apply: its gradient is checked against TF's
    # RandomGammaGrad in test_random_vs_tf.py ("lookup": not checked here).
    Row(
        "RandomGamma",
        build_gamma,
        ref_gamma,
        stateful_params_draw(0.25, 6.0),
        FLOATS,
        "lookup",
        tol={"rtol": 1e-5},
    ),
    Row(
        "RandomGammaGrad",
        build_gamma_grad,
        ref_gamma_grad,
        gamma_grad_draw,
        FLOATS,
        "none",
        tol={"rtol": 1e-4, "atol": 1e-5},
    ),
    Row(
        "RandomPoissonV2",
        build_poisson,
        ref_poisson,
        stateful_params_draw(0.0, 30.0),
        FLOATS,
        "none",
    ),
    Row("RandomShuffle", build_shuffle, ref_shuffle, shuffle_draw, tuple(ALL), "none"),
    Row(
        "StatelessRandomNormalV2",
        build_generator("normal"),
        ref_generator("stateless_random_normal"),
        generator_draw,
        FLOATS,
        "none",
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
    Row(
        "StatelessTruncatedNormalV2",
        build_generator("truncated_normal"),
        ref_generator("stateless_truncated_normal"),
        generator_draw,
        FLOATS,
        "none",
        tol={"rtol": 1e-5, "atol": 1e-5},
    ),
    Row(
        "StatelessRandomUniformV2",
        build_generator("uniform"),
        ref_generator("stateless_random_uniform"),
        generator_draw,
        FLOATS,
        "none",
    ),
    Row(
        "StatelessRandomUniformIntV2",
        build_generator("uniform_int"),
        ref_generator("stateless_random_uniform_int"),
        generator_draw,
        INTS,
        "none",
    ),
    Row(
        "StatelessRandomUniformFullIntV2",
        build_generator("uniform_full_int"),
        ref_generator("stateless_random_uniform_full_int"),
        generator_draw,
        INTS,
        "none",
    ),
    Row("RngReadAndSkip", build_read_and_skip, ref_read_and_skip, generator_draw, FLOATS, "none"),
    Row(
        "UniformCandidateSampler",
        build_sampler("uniform"),
        ref_sampler("uniform"),
        sampler_draw("uniform"),
        (I64,),
        "none",
    ),
    Row(
        "FixedUnigramCandidateSampler",
        build_sampler("fixed"),
        ref_sampler("fixed"),
        sampler_draw("fixed"),
        (I64,),
        "none",
    ),
    Row(
        "LearnedUnigramCandidateSampler",
        build_sampler("learned"),
        ref_sampler("learned"),
        sampler_draw("learned"),
        (I64,),
        "none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
