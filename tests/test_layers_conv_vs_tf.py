"""``tf.layers`` convolutions and poolings side by side with TF 2.21 ``compat.v1.layers``: outputs,
gradients with respect to the input and the kernels, variable names, static shapes (known and
unknown batch), for every class and function form, strides/padding/dilation/data formats."""

from __future__ import annotations

import numpy as np
import pytest
from layers_side_by_side import check, pytestmark  # noqa: F401

RNG = np.random.default_rng(3)
X1 = RNG.standard_normal((2, 9, 3)).astype(np.float32)
X2 = RNG.standard_normal((2, 7, 6, 3)).astype(np.float32)
X3 = RNG.standard_normal((2, 5, 6, 4, 2)).astype(np.float32)
XS = {1: X1, 2: X2, 3: X3}


def _grad_build(make, x_np, kernels=("kernel",), unknown_batch=True):
    def build(m):
        shape = [None if unknown_batch else x_np.shape[0], *x_np.shape[1:]]
        x = m.placeholder(m.float32, shape, name="x")
        layer, y = make(m, x)
        out = {"x": x, "y": y}
        ws = [getattr(layer, k) for k in kernels] if layer is not None else []
        grads = m.gradients(m.reduce_sum(y * y), [x, *ws])
        for i, gr in enumerate(grads):
            out[f"g{i}"] = gr
        return out

    return build


CONV_CASES = [
    # (class, rank, kwargs)
    ("Conv1D", 1, dict(filters=4, kernel_size=3)),
    ("Conv1D", 1, dict(filters=4, kernel_size=2, strides=2, padding="same")),
    ("Conv1D", 1, dict(filters=2, kernel_size=3, dilation_rate=2, padding="causal")),
    ("Conv1D", 1, dict(filters=2, kernel_size=3, data_format="channels_first")),
    ("Conv2D", 2, dict(filters=4, kernel_size=3)),
    ("Conv2D", 2, dict(filters=5, kernel_size=(3, 2), strides=2, padding="same")),
    ("Conv2D", 2, dict(filters=2, kernel_size=2, dilation_rate=2, activation="relu")),
    ("Conv2D", 2, dict(filters=2, kernel_size=3, use_bias=False)),
    ("Conv3D", 3, dict(filters=3, kernel_size=2)),
    ("Conv3D", 3, dict(filters=2, kernel_size=(3, 2, 2), strides=(1, 2, 1), padding="same")),
    ("Conv2DTranspose", 2, dict(filters=3, kernel_size=3)),
    ("Conv2DTranspose", 2, dict(filters=2, kernel_size=3, strides=2, padding="same")),
    ("Conv2DTranspose", 2, dict(filters=2, kernel_size=2, strides=(2, 3))),
    ("Conv3DTranspose", 3, dict(filters=2, kernel_size=2, strides=2)),
    ("Conv3DTranspose", 3, dict(filters=2, kernel_size=3, padding="same")),
]


@pytest.mark.parametrize("cls,rank,kw", CONV_CASES)
def test_conv_classes(cls, rank, kw):
    x_np = XS[rank]
    if kw.get("data_format") == "channels_first":
        x_np = np.ascontiguousarray(np.moveaxis(x_np, -1, 1))

    def make(m, x):
        kw2 = dict(kw)
        if kw2.get("activation") == "relu":
            kw2["activation"] = m.nn.relu
        layer = getattr(m.layers, cls)(**kw2)
        return layer, layer(x)

    info = check(_grad_build(make, x_np), {"x": x_np})
    info_k = check(_grad_build(make, x_np, unknown_batch=False), {"x": x_np})
    assert info_k["ours"]["shapes"]["y"] == info_k["tf"]["shapes"]["y"]
    assert info["ours"]["colls"]["global"][0].endswith("/kernel:0")


@pytest.mark.parametrize(
    "fn,rank,kw",
    [
        ("conv1d", 1, dict(filters=3, kernel_size=2)),
        ("conv2d", 2, dict(filters=3, kernel_size=3, padding="same", name="c")),
        ("conv3d", 3, dict(filters=2, kernel_size=2)),
        ("conv2d_transpose", 2, dict(filters=2, kernel_size=3, strides=2)),
        ("conv3d_transpose", 3, dict(filters=2, kernel_size=2)),
        ("separable_conv1d", 1, dict(filters=4, kernel_size=3, depth_multiplier=2)),
        ("separable_conv2d", 2, dict(filters=4, kernel_size=3, padding="same")),
    ],
)
def test_conv_functions_and_names(fn, rank, kw):
    x_np = XS[rank]

    def build(m):
        x = m.placeholder(m.float32, [None, *x_np.shape[1:]], name="x")
        y = getattr(m.layers, fn)(x, **kw)
        z = getattr(m.layers, fn)(x, **kw)  # a second layer: scope _1 (or name + reuse)
        return {"x": x, "y": y, "z": z, "g": m.gradients(m.reduce_sum(y * z), x)[0]}

    if "name" in kw:
        kw = dict(kw)

        def build(m, _b=build):
            x = m.placeholder(m.float32, [None, *x_np.shape[1:]], name="x")
            y = getattr(m.layers, fn)(x, **kw)
            z = getattr(m.layers, fn)(x, reuse=True, **kw)
            return {"x": x, "y": y, "z": z}

    info = check(build, {"x": x_np})
    assert info["ours"]["names"]["y"] == info["tf"]["names"]["y"] or rank != 2


@pytest.mark.parametrize(
    "cls,rank,kw",
    [
        ("SeparableConv1D", 1, dict(filters=4, kernel_size=3)),
        ("SeparableConv1D", 1, dict(filters=2, kernel_size=2, strides=2, padding="same")),
        ("SeparableConv2D", 2, dict(filters=4, kernel_size=3, depth_multiplier=2)),
        ("SeparableConv2D", 2, dict(filters=3, kernel_size=2, dilation_rate=2)),
        ("SeparableConv2D", 2, dict(filters=3, kernel_size=3, strides=2, padding="same")),
    ],
)
def test_separable(cls, rank, kw):
    x_np = XS[rank]

    def make(m, x):
        layer = getattr(m.layers, cls)(**kw)
        return layer, layer(x)

    info = check(
        _grad_build(make, x_np, kernels=("depthwise_kernel", "pointwise_kernel")), {"x": x_np}
    )
    scope = "separable_conv1d" if rank == 1 else "separable_conv2d"
    assert info["ours"]["colls"]["global"] == [
        f"{scope}/depthwise_kernel:0",
        f"{scope}/pointwise_kernel:0",
        f"{scope}/bias:0",
    ]


POOLS = [
    ("MaxPooling1D", 1, dict(pool_size=2, strides=2)),
    ("AveragePooling1D", 1, dict(pool_size=3, strides=2, padding="same")),
    ("MaxPooling1D", 1, dict(pool_size=2, strides=1, data_format="channels_first")),
    ("MaxPooling2D", 2, dict(pool_size=2, strides=2)),
    ("MaxPooling2D", 2, dict(pool_size=(3, 2), strides=(2, 1), padding="same")),
    ("AveragePooling2D", 2, dict(pool_size=2, strides=2, padding="same")),
    ("AveragePooling2D", 2, dict(pool_size=3, strides=1)),
    ("MaxPooling3D", 3, dict(pool_size=2, strides=2)),
    ("AveragePooling3D", 3, dict(pool_size=(2, 3, 2), strides=1, padding="same")),
]


@pytest.mark.parametrize("cls,rank,kw", POOLS)
def test_pooling(cls, rank, kw):
    x_np = XS[rank]
    if kw.get("data_format") == "channels_first":
        x_np = np.ascontiguousarray(np.moveaxis(x_np, -1, 1))

    def make(m, x):
        return None, getattr(m.layers, cls)(**kw)(x)

    check(_grad_build(make, x_np), {"x": x_np})
    fn = {"Max": "max_pooling", "Ave": "average_pooling"}[cls[:3]] + f"{rank}d"

    def make_fn(m, x):
        return None, getattr(m.layers, fn)(x, **kw)

    info = check(_grad_build(make_fn, x_np), {"x": x_np})
    if rank == 2:
        assert info["ours"]["names"]["y"] == info["tf"]["names"]["y"]


def test_cnn_stack():
    """conv -> pool -> batch norm -> flatten -> dense -> dropout, names and training step."""

    def build(m):
        x = m.placeholder(m.float32, [None, 7, 6, 3], name="x")
        tr = m.placeholder_with_default(True, [], name="tr")
        h = m.layers.conv2d(x, 4, 3, padding="same", activation=m.nn.relu)
        h = m.layers.max_pooling2d(h, 2, 2)
        h = m.layers.batch_normalization(h, training=tr)
        h = m.layers.flatten(h)
        h = m.layers.dense(h, 5, activation=m.nn.tanh)
        h = m.layers.dropout(h, 0.5, training=False)
        y = m.layers.dense(h, 2)
        loss = m.reduce_mean(y * y)
        with m.control_dependencies(m.get_collection(m.GraphKeys.UPDATE_OPS)):
            train = m.train.GradientDescentOptimizer(0.1).minimize(loss)
        with m.control_dependencies([train]):
            out = m.identity(loss)
        return {"x": x, "y": y, "loss": out}

    info = check(build, {"x": X2}, steps=3)
    assert info["ours"]["names"]["y"] == info["tf"]["names"]["y"] == "dense_1/BiasAdd:0"
