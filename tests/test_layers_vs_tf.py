"""``tf.layers`` side by side with TF 2.21 ``compat.v1.layers`` (tf_keras's legacy layers): the
same graph built in both, TF's initial variable values loaded into ours, then outputs, gradients
(with respect to the input and the kernel), variable names, collections and static shapes
compared; BatchNormalization over several training steps with its UPDATE_OPS, fused and not."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import tensorflow as real_tf
from layers_side_by_side import T, _names, assert_same, check, pytestmark, side_by_side  # noqa: F401

import tflite_core as tf

RNG = np.random.default_rng(21)
X4 = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
X2 = RNG.standard_normal((4, 5)).astype(np.float32)


# ---- Dense ---------------------------------------------------------------------------------------
def test_dense_values_gradients_names():
    def build(m):
        x = m.placeholder(m.float32, [None, 5], name="x")
        layer = m.layers.Dense(3, activation=m.nn.relu)
        y = layer(x)
        y2 = layer(x * 2.0)  # a second call shares the variables
        z = m.layers.dense(y, 2, name="head")
        loss = m.reduce_sum(z * z) + m.reduce_sum(y2)
        gx, gk = m.gradients(loss, [x, layer.kernel])
        return {"x": x, "y": y, "y2": y2, "z": z, "gx": gx, "gk": gk}

    info = check(build, {"x": X2})
    assert info["ours"]["colls"]["global"] == [
        "dense/kernel:0",
        "dense/bias:0",
        "head/kernel:0",
        "head/bias:0",
    ]
    for k in ("y", "y2", "z"):
        assert info["ours"]["names"][k] == info["tf"]["names"][k]


def test_dense_rank3_unknown_batch_and_attributes():
    x3 = RNG.standard_normal((2, 4, 5)).astype(np.float32)
    attrs = {}

    def build(m):
        x = m.placeholder(m.float32, [None, None, 5], name="x")
        layer = m.layers.Dense(3, use_bias=False, name="proj")
        y = layer(x)
        attrs[m] = (
            layer.name,
            layer.built,
            _names(layer.variables),
            _names(layer.trainable_variables),
            _names(layer.weights),
            layer.bias,
            repr(layer.input_spec),
            layer.compute_output_shape(m.TensorShape([None, 7, 5])).as_list(),
            layer.scope_name,
        )
        return {"x": x, "y": y, "g": m.gradients(m.reduce_sum(y * y), layer.kernel)[0]}

    check(build, {"x": x3})
    assert attrs[tf] == attrs[T]


def test_dense_uniquified_scopes_and_reuse():
    def build(m):
        x = m.placeholder(m.float32, [None, 5], name="x")
        outs = {}
        outs["a"] = m.layers.dense(x, 4)
        outs["b"] = m.layers.dense(x, 4)
        outs["c"] = m.layers.Dense(4)(x)
        outs["d"] = m.layers.dense(x, 4, name="fc")
        outs["e"] = m.layers.dense(x, 4, name="fc", reuse=True)
        with m.variable_scope("tower"):
            outs["f"] = m.layers.dense(x, 4)
        with m.variable_scope("tower", reuse=True):
            outs["g"] = m.layers.dense(x, 4, name="dense")
        with m.variable_scope("auto", reuse=m.AUTO_REUSE):
            outs["h"] = m.layers.dense(x, 4, name="shared")
            outs["i"] = m.layers.dense(x, 4, name="shared")
        with m.name_scope("ns"):
            outs["j"] = m.layers.dense(x, 4)
        outs["x"] = x
        return outs

    info = check(build, {"x": X2})
    assert info["ours"]["names"] == info["tf"]["names"]
    assert "dense_1/kernel:0" in info["ours"]["colls"]["global"]


def test_dense_regularizers_constraint_initializers():
    def build(m):
        x = m.placeholder(m.float32, [None, 5], name="x")
        layer = m.layers.Dense(
            3,
            kernel_initializer=m.constant_initializer(0.25),
            bias_initializer=m.constant_initializer(-0.5),
            kernel_regularizer=lambda w: 0.1 * m.reduce_sum(w * w),
            bias_regularizer=lambda b: 0.3 * m.reduce_sum(m.abs(b)),
            activity_regularizer=lambda y: 0.01 * m.reduce_sum(y * y),
            kernel_constraint=lambda w: m.clip_by_value(w, -0.1, 0.1),
        )
        y = layer(x)
        reg = m.losses.get_regularization_loss()
        regs = m.get_collection(m.GraphKeys.REGULARIZATION_LOSSES)
        return {"x": x, "y": y, "reg": reg, "regs": regs, "losses": layer.losses}

    check(build, {"x": X2})


def test_dense_non_trainable_and_float64():
    def build(m):
        x = m.placeholder(m.float64, [None, 5], name="x")
        layer = m.layers.Dense(2, trainable=False)
        y = layer(x)
        attrs[m] = (len(layer.trainable_weights), len(layer.non_trainable_weights), y.dtype.name)
        return {"x": x, "y": y}

    attrs: dict[Any, Any] = {}
    check(build, {"x": X2.astype(np.float64)})
    assert attrs[tf] == attrs[T]


# ---- Dropout and Flatten -------------------------------------------------------------------------
def test_dropout_modes():
    x = np.ones((50, 40), np.float32)

    def build(m):
        ph = m.placeholder(m.float32, [None, 40], name="x")
        flag = m.placeholder(m.bool, [], name="flag")
        return {
            "x": ph,
            "flag": flag,
            "off": m.layers.dropout(ph, 0.3),
            "off_t": m.layers.dropout(ph, 0.3, training=m.constant(False)),
            "rate0": m.layers.dropout(ph, 0.0, training=True),
            "run_off": m.layers.Dropout(0.5, seed=3)(ph, training=flag),
        }

    check(build, {"x": x, "flag": np.array(False)})

    # training: the kept entries are x / (1 - rate), about (1 - rate) of them, one mask per
    # noise_shape row
    def build_on(m):
        ph = m.placeholder(m.float32, [None, 40], name="x")
        return {
            "x": ph,
            "on": m.layers.dropout(ph, 0.25, training=True, seed=5),
            "rows": m.layers.dropout(ph, 0.5, noise_shape=[50, 1], training=True),
            "cols": m.layers.Dropout(0.5, noise_shape=[None, 40])(ph, training=True),
        }

    a, b, info = side_by_side(build_on, {"x": x})
    for r in (a[0], b[0]):
        on = r["on"]
        assert set(np.unique(on)) <= {0.0, np.float32(1 / 0.75)}
        assert 0.6 < (on > 0).mean() < 0.9
        rows = r["rows"]
        assert np.all(rows == rows[:, :1])
    assert info["ours"]["shapes"] == info["tf"]["shapes"]


def test_flatten_shapes():
    def build(m):
        a = m.placeholder(m.float32, [None, 7, 6, 3], name="a")
        b = m.placeholder(m.float32, [2, None, 3], name="b")
        c = m.placeholder(m.float32, [None, None, 3], name="c")
        return {
            "a": a,
            "b": b,
            "c": c,
            "fa": m.layers.flatten(a),
            "fb": m.layers.flatten(b),
            "fc": m.layers.Flatten()(c),
            "cf": m.layers.flatten(a, data_format="channels_first"),
            "g": m.gradients(m.reduce_sum(m.layers.flatten(a) ** 2), a)[0],
        }

    x3 = RNG.standard_normal((2, 4, 3)).astype(np.float32)
    info = check(build, {"a": X4, "b": x3, "c": x3})
    assert info["ours"]["names"] == info["tf"]["names"]


def _my_layer_class(m):
    class MyLayer(m.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight(
                "w", [int(input_shape[-1]), 2], initializer=m.constant_initializer(0.5)
            )
            self.c = self.add_weight(
                "count", [], initializer=m.zeros_initializer(), trainable=False
            )
            super().build(input_shape)

        def call(self, x):
            self.add_loss(m.reduce_sum(self.w) * 0.01)
            self.add_update(m.assign_add(self.c, 1.0))
            return m.matmul(x, self.w)

    return MyLayer


def test_layer_subclass_weights_losses_updates():
    attrs = {}

    def build(m):
        x = m.placeholder(m.float32, [None, 5], name="x")
        layer = _my_layer_class(m)()
        y = layer(x)
        y2 = layer.apply(x)
        attrs[m] = (
            layer.name,
            _names(layer.weights),
            _names(layer.trainable_weights),
            _names(layer.non_trainable_weights),
            len(layer.losses),
            len(layer.updates),
            layer.count_params(),
        )
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            s = m.identity(y) + y2
        return {"x": x, "s": s, "reg": m.losses.get_regularization_loss()}

    check(build, {"x": X2}, steps=2)
    assert attrs[tf] == attrs[T]


def test_get_and_set_weights():
    got = {}
    for m in (T, tf):
        g = real_tf.Graph() if m is T else tf.Graph()
        with g.as_default():
            x = m.placeholder(m.float32, [None, 5])
            layer = m.layers.Dense(3)
            y = layer(x)
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                w = [np.full((5, 3), 0.1, np.float32), np.arange(3, dtype=np.float32)]
                with s.as_default():
                    layer.set_weights(w)
                    back = layer.get_weights()
                    with pytest.raises(ValueError) as ei:
                        layer.set_weights(w[:1])
                got[m] = (back, s.run(y, {x: X2}), str(ei.value).split("Provided")[0])
    assert_same(got[T][:2], got[tf][:2])
    assert got[T][2] == got[tf][2]


def test_kernel_constraint_is_the_variables_constraint():
    got = {}
    for m in (T, tf):
        g = real_tf.Graph() if m is T else tf.Graph()
        with g.as_default():

            def clip(w, m=m):
                return m.clip_by_value(w, -0.1, 0.1)

            layer = m.layers.Conv2D(2, 3, kernel_constraint=clip, bias_constraint=clip)
            layer(m.placeholder(m.float32, [None, 5, 5, 1]))
            got[m] = (layer.kernel.constraint is clip, layer.bias.constraint is clip)
    assert got[tf] == got[T] == (True, True)


def test_constraints_project_after_each_update_as_tfs():
    """A layer's kernel_constraint and get_variable's constraint: the optimizer assigns
    ``constraint(var)`` after each update (TF 1.x's variable processor), same values as TF."""

    def run(m, graph):
        with graph.as_default():
            x = m.placeholder(m.float32, [None, 3])
            y = m.layers.dense(
                x,
                2,
                kernel_initializer=m.constant_initializer(np.arange(6).reshape(3, 2) / 10),
                kernel_constraint=lambda w: m.clip_by_value(w, -0.25, 0.25),
                name="d",
            )
            v = m.get_variable(
                "free", [2], initializer=m.ones_initializer(), constraint=lambda w: w / m.norm(w)
            )
            loss = m.reduce_sum(y * y) + m.reduce_sum(v * v * 3.0)
            train = m.train.GradientDescentOptimizer(0.1).minimize(loss)
            names = [w.op.name for w in m.global_variables() if w.constraint is not None]
            with m.Session(graph=graph) as sess:
                sess.run(m.global_variables_initializer())
                out = []
                for _ in range(2):
                    sess.run(train, {x: np.ones((4, 3), np.float32)})
                    out.append(sess.run(m.global_variables()))
        return out, names

    ours, theirs = run(tf, tf.Graph()), run(T, real_tf.Graph())
    assert ours[1] == theirs[1] == ["d/kernel", "free"]
    for a, b in zip(ours[0], theirs[0]):
        for va, vb in zip(a, b):
            np.testing.assert_allclose(va, vb, rtol=1e-6, atol=1e-7)
    assert np.abs(ours[0][-1][0]).max() == np.float32(0.25)  # the clip acted
