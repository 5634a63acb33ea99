"""``tf.layers.BatchNormalization`` side by side with TF 2.21 ``compat.v1.layers``: fused (4-D)
and unfused (2-D, fused=False) forms, training as a Python bool and as a bool placeholder, a few
steps running UPDATE_OPS (moving mean/variance after each), eval mode, gradients, variable names
and collections."""

from __future__ import annotations

import numpy as np
import pytest
from layers_side_by_side import T, check, pytestmark  # noqa: F401

import tflite_core as tf

RNG = np.random.default_rng(7)
X4 = (RNG.standard_normal((4, 5, 3, 3)) * 2 + 1).astype(np.float32)
X2 = (RNG.standard_normal((6, 4)) * 3 - 2).astype(np.float32)


def _bn_build(shape, fused, training, axis=-1, **kw):
    def build(m):
        x = m.placeholder(m.float32, [None, *shape[1:]], name="x")
        out = {"x": x}
        if training == "tensor":
            flag = m.placeholder(m.bool, [], name="flag")
            out["flag"] = flag
            tr = flag
        else:
            tr = training
        layer = m.layers.BatchNormalization(axis=axis, fused=fused, **kw)
        y = layer(x, training=tr)
        out["y"] = y
        out["gx"], out["gg"] = m.gradients(m.reduce_sum(y * y * 0.5 + y), [x, layer.gamma])
        out["_upd"] = m.get_collection(m.GraphKeys.UPDATE_OPS)
        with m.control_dependencies(out["_upd"]):
            out["step"] = m.identity(y)
        return out

    return build


@pytest.mark.parametrize("fused", [None, False, True])
@pytest.mark.parametrize("training", [True, False, "tensor"])
def test_bn_4d(fused, training):
    feeds = {"x": X4}
    if training == "tensor":
        feeds["flag"] = np.array(True)
    unfused_flag = training == "tensor" and fused is False
    info = check(
        _bn_build(X4.shape, fused, training), feeds, steps=3, update_names=not unfused_flag
    )
    colls = info["ours"]["colls"]
    assert colls["global"] == [
        "batch_normalization/gamma:0",
        "batch_normalization/beta:0",
        "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0",
    ]
    assert colls["trainable"] == colls["global"][:2]


@pytest.mark.parametrize("training", [True, "tensor"])
def test_bn_2d_unfused_and_eval_flag(training):
    feeds = {"x": X2}
    if training == "tensor":
        feeds["flag"] = np.array(False)
    check(
        _bn_build(X2.shape, None, training, momentum=0.9, epsilon=0.01),
        feeds,
        steps=3,
        update_names=training is True,
    )


def test_bn_axis1_no_center_scale_function_form():
    def build(m):
        x = m.placeholder(m.float32, [None, 5, 3, 3], name="x")
        y = m.layers.batch_normalization(x, axis=1, training=True, name="bn")
        z = m.layers.batch_normalization(x, axis=1, training=True, scale=False, center=False)
        w = m.layers.batch_normalization(x, axis=1, training=False, name="bn", reuse=True)
        upd = m.get_collection(m.GraphKeys.UPDATE_OPS)
        with m.control_dependencies(upd):
            s = m.identity(y)
        return {"x": x, "y": y, "z": z, "w": w, "s": s, "n": m.constant(len(upd))}

    check(build, {"x": X4}, steps=2)


def test_bn_3d_and_multi_axis():
    x3 = RNG.standard_normal((3, 4, 5)).astype(np.float32)

    def build(m):
        x = m.placeholder(m.float32, [None, 4, 5], name="x")
        a = m.layers.BatchNormalization(axis=1)(x, training=True)
        b = m.layers.BatchNormalization(axis=[1, 2])(x, training=True)
        upd = m.get_collection(m.GraphKeys.UPDATE_OPS)
        with m.control_dependencies(upd):
            s = m.identity(a) + m.identity(b)
        return {"x": x, "a": a, "b": b, "s": s}

    check(build, {"x": x3}, steps=2)


def test_bn_layer_attributes():
    attrs = {}
    for m in (T, tf):
        g = m.Graph() if m is tf else __import__("tensorflow").Graph()
        with g.as_default():
            x = m.placeholder(m.float32, [None, 5, 3, 3])
            layer = m.layers.BatchNormalization(name="norm")
            layer(x, training=True)
            attrs[m] = (
                layer.name,
                [v.name for v in layer.trainable_variables],
                [v.name for v in layer.non_trainable_variables],
                [v.name for v in layer.weights],
                len(layer.updates),
                [u.type for u in layer.updates] and len(m.get_collection(m.GraphKeys.UPDATE_OPS)),
                repr(layer.input_spec),
                layer.fused,
            )
    assert attrs[tf] == attrs[T]


@pytest.mark.parametrize("training", [True, "tensor"])
@pytest.mark.parametrize("clipping", [None, {"rmax": 1.5, "rmin": 0.7, "dmax": 0.3}])
def test_bn_renorm(training, clipping):
    feeds = {"x": X2}
    if training == "tensor":
        feeds["flag"] = np.array(True)
    info = check(
        _bn_build(X2.shape, None, training, renorm=True, renorm_clipping=clipping, momentum=0.8),
        feeds,
        steps=3,
        update_names=False,
    )
    assert info["ours"]["colls"]["global"][-3:] == [
        "batch_normalization/moving_stddev:0",
        "batch_normalization/renorm_mean:0",
        "batch_normalization/renorm_stddev:0",
    ]


def test_bn_renorm_4d_eval_flag():
    check(
        _bn_build(X4.shape, None, "tensor", renorm=True, renorm_momentum=0.5),
        {"x": X4, "flag": np.array(False)},
        steps=2,
        update_names=False,
    )


def test_bn_training_placeholder_with_default():
    """``placeholder_with_default(False, [])`` as ``training``: known only at run time."""

    def build(m):
        x = m.placeholder(m.float32, [None, 5, 3, 3], name="x")
        tr = m.placeholder_with_default(False, [], name="tr")
        y = m.layers.batch_normalization(x, training=tr)
        z = m.layers.batch_normalization(x, training=m.logical_not(tr), fused=False)
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            s = m.identity(y) + m.identity(z)
        return {"x": x, "tr": tr, "s": s}

    check(build, {"x": X4, "tr": np.array(True)}, steps=2, update_names=False)


def test_bn_not_trainable_and_scopes():
    """trainable=False: no trainable variables and no UPDATE_OPS (as TF 1.x); a layer inside
    variable scopes, reused through AUTO_REUSE."""

    def build(m):
        x = m.placeholder(m.float32, [None, 5, 3, 3], name="x")
        a = m.layers.batch_normalization(x, training=True, trainable=False)
        with m.variable_scope("net", reuse=m.AUTO_REUSE):
            b = m.layers.batch_normalization(x, training=True, name="bn")
            c = m.layers.batch_normalization(x * 2.0, training=False, name="bn")
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            s = m.identity(b)
        return {"x": x, "a": a, "b": b, "c": c, "s": s}

    info = check(build, {"x": X4}, steps=2)
    assert info["ours"]["colls"]["trainable"] == ["net/bn/gamma:0", "net/bn/beta:0"]


@pytest.mark.parametrize("training", [True, "tensor"])
def test_bn_adjustment(training):
    def adjustment(m):
        def adj(shape):
            n = m.cast(shape[0], m.float32)
            return m.fill([shape[-1]], 1.0 + 0.1 * n), m.fill([shape[-1]], -0.2 * n)

        return adj

    def build(m):
        return _bn_build(X2.shape, None, training, adjustment=adjustment(m))(m)

    feeds = {"x": X2}
    if training == "tensor":
        feeds["flag"] = np.array(True)
    check(build, feeds, steps=2, update_names=False)


@pytest.mark.parametrize("training", [True, False, "tensor"])
def test_bn_virtual_batch_size(training):
    feeds = {"x": X2}
    if training == "tensor":
        feeds["flag"] = np.array(True)
    info = check(
        _bn_build(X2.shape, None, training, virtual_batch_size=3),
        feeds,
        steps=2,
        update_names=False,
    )
    assert info["ours"]["shapes"]["y"] == [None, 4]


def test_bn_virtual_batch_size_4d():
    check(_bn_build(X4.shape, None, True, virtual_batch_size=2), {"x": X4}, steps=2)
