"""``tf.train`` AdadeltaOptimizer, AdagradDAOptimizer, FtrlOptimizer (with and without l2
shrinkage, other learning-rate powers, beta, slot names), ProximalGradientDescentOptimizer,
ProximalAdagradOptimizer and RMSPropOptimizer (centered too; sparse rows) side by side with
TF 2.21 ``compat.v1``: several ``minimize`` steps from the same initial values, with dense
gradients (matmul) and sparse ones (``IndexedSlices`` from ``embedding_lookup`` with repeated
ids), then every global variable (slots included) by name and value, the slot names and
``get_slot``; and TF's errors for bad hyper-parameters and shapes."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(20)
W0 = RNG.standard_normal((5, 3)).astype(np.float32)
B0 = RNG.standard_normal((3,)).astype(np.float32) * 0.1
X = RNG.standard_normal((4, 5)).astype(np.float32)
Y = RNG.standard_normal((4, 3)).astype(np.float32)
IDS = np.array([3, 0, 3, 1, 3], np.int32)  # repeated ids: TF sums them before the update
TARGET = RNG.standard_normal((5, 3)).astype(np.float32)


# name -> make(module, global_step) -> optimizer
OPTIMIZERS = {
    "adadelta": lambda m, gs: m.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-6),
    "adadelta_defaults": lambda m, gs: m.train.AdadeltaOptimizer(),
    "adagrad_da": lambda m, gs: m.train.AdagradDAOptimizer(0.1, gs),
    "adagrad_da_l1_l2": lambda m, gs: m.train.AdagradDAOptimizer(
        0.2,
        gs,
        initial_gradient_squared_accumulator_value=0.2,
        l1_regularization_strength=0.05,
        l2_regularization_strength=0.02,
    ),
    "ftrl": lambda m, gs: m.train.FtrlOptimizer(0.3),
    "ftrl_l1_l2": lambda m, gs: m.train.FtrlOptimizer(
        0.3, l1_regularization_strength=0.01, l2_regularization_strength=0.02
    ),
    "ftrl_power": lambda m, gs: m.train.FtrlOptimizer(
        0.2, learning_rate_power=-0.7, initial_accumulator_value=0.5, l1_regularization_strength=0.1
    ),
    "ftrl_shrinkage": lambda m, gs: m.train.FtrlOptimizer(
        0.3,
        l1_regularization_strength=0.01,
        l2_regularization_strength=0.01,
        l2_shrinkage_regularization_strength=0.1,
    ),
    "ftrl_beta_names": lambda m, gs: m.train.FtrlOptimizer(
        0.3, beta=0.5, accum_name="acc", linear_name="lin", initial_accumulator_value=0.0
    ),
    "rms_prop": lambda m, gs: m.train.RMSPropOptimizer(0.01, decay=0.8, momentum=0.5),
    "rms_prop_centered": lambda m, gs: m.train.RMSPropOptimizer(
        0.01, momentum=0.3, epsilon=1e-6, centered=True
    ),
    "proximal_gd": lambda m, gs: m.train.ProximalGradientDescentOptimizer(0.1),
    "proximal_gd_l1_l2": lambda m, gs: m.train.ProximalGradientDescentOptimizer(
        0.1, l1_regularization_strength=0.05, l2_regularization_strength=0.1
    ),
    "proximal_adagrad": lambda m, gs: m.train.ProximalAdagradOptimizer(0.2),
    "proximal_adagrad_l1_l2": lambda m, gs: m.train.ProximalAdagradOptimizer(
        0.2,
        initial_accumulator_value=0.3,
        l1_regularization_strength=0.05,
        l2_regularization_strength=0.1,
    ),
}


def train(m, make, sparse, steps=4, dtype=np.float32, lr_tensor=False):
    """Runs ``steps`` minimize steps in a fresh graph of module ``m``; returns the values of
    every global variable by name, the slot names and the names of w's slots."""
    graph = m.Graph() if m is tf else real_tf.Graph()
    with graph.as_default():
        w = m.Variable(W0.astype(dtype), name="w")
        b = m.Variable(B0.astype(dtype), name="b")
        if sparse:
            emb = m.nn.embedding_lookup(w, IDS)
            loss = m.reduce_sum(m.square(emb - TARGET[: len(IDS)].astype(dtype))) + m.reduce_sum(
                b * b
            )
        else:
            pred = m.matmul(X.astype(dtype), w) + b
            loss = m.reduce_sum(m.square(pred - Y.astype(dtype)))
        gs = m.train.get_or_create_global_step()
        opt = make(m, gs)
        step = opt.minimize(loss, global_step=gs)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            for _ in range(steps):
                sess.run(step)
            values = {v.name: sess.run(v) for v in m.global_variables()}
        slots = {name: opt.get_slot(w, name).name for name in opt.get_slot_names()}
    return values, sorted(opt.get_slot_names()), slots


def check_same(name, sparse, **kw):
    ours, our_names, our_slots = train(tf, OPTIMIZERS[name], sparse, **kw)
    theirs, their_names, their_slots = train(T, OPTIMIZERS[name], sparse, **kw)
    assert list(ours) == list(theirs)  # the same variables, created in the same order
    assert our_names == their_names and our_slots == their_slots
    for v in theirs:
        np.testing.assert_allclose(ours[v], theirs[v], rtol=1e-5, atol=1e-6, err_msg=v)
    return ours


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_steps_match_tf(name, sparse):
    values = check_same(name, sparse)
    assert values["global_step:0"] == 4


def test_slot_variable_names():
    values, _, slots = train(tf, OPTIMIZERS["ftrl"], False, steps=1)
    assert slots == {"accum": "w/Ftrl:0", "linear": "w/Ftrl_1:0"}
    assert "b/Ftrl_1:0" in values
    _, _, slots = train(tf, OPTIMIZERS["adadelta"], False, steps=1)
    assert slots == {"accum": "w/Adadelta:0", "accum_update": "w/Adadelta_1:0"}
    _, _, slots = train(tf, OPTIMIZERS["adagrad_da"], True, steps=1)
    assert slots == {
        "gradient_accumulator": "w/AdagradDA:0",
        "gradient_squared_accumulator": "w/AdagradDA_1:0",
    }
    _, _, slots = train(tf, OPTIMIZERS["rms_prop_centered"], False, steps=1)
    assert slots == {"mg": "w/RMSProp_1:0", "momentum": "w/RMSProp_2:0", "rms": "w/RMSProp:0"}
    _, _, slots = train(tf, OPTIMIZERS["ftrl_beta_names"], False, steps=1)
    assert slots == {"accum": "w/acc:0", "linear": "w/lin:0"}


@pytest.mark.parametrize("name", ["adadelta", "ftrl_shrinkage", "adagrad_da_l1_l2"])
def test_float64_variables(name):
    check_same(name, False, dtype=np.float64)
    check_same(name, True, dtype=np.float64)


F64_PROXIMAL = {
    "proximal_gd": lambda m, gs: m.train.ProximalGradientDescentOptimizer(
        m.constant(0.1, m.float64), m.constant(0.05, m.float64), m.constant(0.1, m.float64)
    ),
    "proximal_adagrad": lambda m, gs: m.train.ProximalAdagradOptimizer(
        m.constant(0.2, m.float64),
        0.3,
        m.constant(0.05, m.float64),
        m.constant(0.1, m.float64),
    ),
}


@pytest.mark.parametrize("name", sorted(F64_PROXIMAL))
def test_float64_proximal_with_float64_rates(name):
    OPTIMIZERS["f64_" + name] = F64_PROXIMAL[name]
    try:
        check_same("f64_" + name, False, dtype=np.float64)
        check_same("f64_" + name, True, dtype=np.float64)
    finally:
        del OPTIMIZERS["f64_" + name]


@pytest.mark.bad_input
@pytest.mark.parametrize("name", ["proximal_gd", "proximal_adagrad"])
def test_float64_dense_proximal_with_float32_rates_is_a_type_error(name):
    """TF's dense proximal updates do not cast the rates (its sparse ones do)."""
    errors = []
    for m in (T, tf):
        with pytest.raises(TypeError) as e:
            train(m, OPTIMIZERS[name], False, dtype=np.float64)
        errors.append(str(e.value).replace("ResourceApply", "Apply"))
    assert errors[0] == errors[1]


def test_learning_rate_tensor_and_slots_in_global_variables():
    def make(m, gs):
        lr = m.train.exponential_decay(0.5, gs, 2, 0.5)
        return m.train.FtrlOptimizer(lr, l1_regularization_strength=0.01, beta=0.1)

    ours, _, _ = train(tf, make, False)
    theirs, _, _ = train(T, make, False)
    assert list(ours) == list(theirs)
    for v in theirs:
        np.testing.assert_allclose(ours[v], theirs[v], rtol=1e-5, atol=1e-6, err_msg=v)


def test_adagrad_da_reads_global_step_without_advancing_it():
    for m in (tf, T):
        graph = m.Graph() if m is tf else real_tf.Graph()
        with graph.as_default():
            w = m.Variable([1.0, -2.0], name="w")
            gs = m.Variable(np.int64(5), name="step", trainable=False)
            opt = m.train.AdagradDAOptimizer(0.1, gs)
            step = opt.apply_gradients([(m.constant([0.5, -1.0]), w)])
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                sess.run(step)
                sess.run(step)
                got = sess.run([w, gs])
        if m is tf:
            ours = got
    np.testing.assert_allclose(ours[0], got[0], rtol=1e-6)
    assert ours[1] == got[1] == 5


# ---- bad input -----------------------------------------------------------------------------------
BAD_CONSTRUCTORS = {
    "ftrl_power": lambda m: m.train.FtrlOptimizer(0.1, learning_rate_power=0.5),
    "ftrl_initial": lambda m: m.train.FtrlOptimizer(0.1, initial_accumulator_value=-1.0),
    "ftrl_l1": lambda m: m.train.FtrlOptimizer(0.1, l1_regularization_strength=-0.1),
    "ftrl_l2": lambda m: m.train.FtrlOptimizer(0.1, l2_regularization_strength=-0.1),
    "ftrl_shrinkage": lambda m: m.train.FtrlOptimizer(
        0.1, l2_shrinkage_regularization_strength=-1.0
    ),
    "adagrad_da_initial": lambda m: m.train.AdagradDAOptimizer(
        0.1, None, initial_gradient_squared_accumulator_value=0.0
    ),
    "proximal_adagrad_initial": lambda m: m.train.ProximalAdagradOptimizer(
        0.1, initial_accumulator_value=0.0
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(BAD_CONSTRUCTORS))
def test_bad_hyper_parameters_raise_value_error(name):
    with pytest.raises(ValueError) as theirs:
        BAD_CONSTRUCTORS[name](T)
    with pytest.raises(ValueError) as ours:
        BAD_CONSTRUCTORS[name](tf)
    assert str(ours.value) == str(theirs.value)


def run_error(m, make, sparse):
    """The error (class, message) of one step, or None."""
    graph = m.Graph() if m is tf else real_tf.Graph()
    with graph.as_default():
        w = m.Variable(W0, name="w")
        if sparse:
            g = m.IndexedSlices(m.constant(np.ones((2, 3), np.float32)), m.constant([0, 2]))
        else:
            g = m.constant(np.ones((5, 3), np.float32))
        step = make(m).apply_gradients([(g, w)])
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            try:
                sess.run(step)
            except m.errors.OpError as e:
                return type(e).__name__, e.message
    return None


@pytest.mark.bad_input
@pytest.mark.parametrize("sparse", [False, True], ids=["dense", "sparse"])
def test_proximal_adagrad_refuses_non_positive_lr_when_run(sparse):
    def make(m):
        return m.train.ProximalAdagradOptimizer(-0.1)

    theirs, ours = run_error(T, make, sparse), run_error(tf, make, sparse)
    assert theirs[0] == ours[0] == "InvalidArgumentError"
    assert "lr is not a positive scalar" in theirs[1] and "lr is not a positive scalar" in ours[1]


@pytest.mark.bad_input
def test_ftrl_negative_lr_refused_by_the_sparse_kernel_only():
    def make(m):
        return m.train.FtrlOptimizer(-0.1)

    assert run_error(T, make, False) is None and run_error(tf, make, False) is None
    theirs, ours = run_error(T, make, True), run_error(tf, make, True)
    assert theirs[0] == ours[0] == "InvalidArgumentError"
    assert "lr is not a positive scalar" in theirs[1] and "lr is not a positive scalar" in ours[1]


@pytest.mark.bad_input
@pytest.mark.parametrize("name", ["adadelta", "ftrl", "proximal_gd", "adagrad_da"])
def test_sparse_id_out_of_range(name):
    def make(m):
        gs = m.constant(np.int64(0))
        return OPTIMIZERS[name](m, gs)

    errors = []
    for m in (T, tf):
        graph = m.Graph() if m is tf else real_tf.Graph()
        with graph.as_default():
            w = m.Variable(W0, name="w")
            g = m.IndexedSlices(m.constant(np.ones((2, 3), np.float32)), m.constant([0, 7]))
            step = make(m).apply_gradients([(g, w)])
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                with pytest.raises(m.errors.InvalidArgumentError) as e:
                    sess.run(step)
                errors.append(e.value.message)
    for msg in errors:
        assert "Index 7 at offset 1 in indices is out of range" in msg


@pytest.mark.bad_input
@pytest.mark.parametrize("name", ["adadelta", "ftrl", "proximal_adagrad", "adagrad_da"])
def test_gradient_of_the_wrong_shape(name):
    """Ours: a ValueError naming the op when the graph is built (the shape functions of TF 1.x's
    ref-variable Apply* ops). TF 2.21's resource-variable ops check it at construction for some
    (a ValueError) and when run for others (an InvalidArgumentError); both name the op."""
    for m in (T, tf):
        graph = m.Graph() if m is tf else real_tf.Graph()
        with graph.as_default():
            w = m.Variable(W0, name="w")
            opt = OPTIMIZERS[name](m, m.constant(np.int64(0)))
            try:
                step = opt.apply_gradients([(m.constant(np.ones((3,), np.float32)), w)])
            except ValueError as e:
                assert "Apply" in str(e)
                continue
            assert m is T
            with m.Session() as sess:
                sess.run(m.global_variables_initializer())
                with pytest.raises(m.errors.InvalidArgumentError, match="same shape"):
                    sess.run(step)
