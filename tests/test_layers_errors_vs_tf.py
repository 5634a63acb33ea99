"""``tf.layers`` bad input side by side with TF 2.21 ``compat.v1.layers``: the same error class
and message (layer names, shapes, variable names) for wrong ``training`` types, a layer or a
reused scope called on a mismatched shape, wrong ranks, undefined channels, bad arguments."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf
from layers_side_by_side import T, check, pytestmark  # noqa: F401

import tflite_core as tf

CASES = {
    "bn_training_str": (
        TypeError,
        lambda m, x: m.layers.batch_normalization(x, training="yes"),
    ),
    "dropout_training_str": (TypeError, lambda m, x: m.layers.dropout(x, training="yes")),
    "bn_axis": (ValueError, lambda m, x: m.layers.batch_normalization(x, axis=3)),
    "dropout_rate": (ValueError, lambda m, x: m.layers.dropout(x, rate=1.5)),
    "dense_reuse_shape": (
        ValueError,
        lambda m, x: (
            m.layers.dense(x, 3, name="fc"),
            m.layers.dense(m.zeros([2, 4]), 3, name="fc", reuse=True),
        ),
    ),
    "dense_same_name_twice": (
        ValueError,
        lambda m, x: (m.layers.dense(x, 3, name="fc"), m.layers.dense(x, 3, name="fc")),
    ),
    "dense_layer_called_on_other_shape": (
        ValueError,
        lambda m, x: (lambda lay: (lay(x), lay(m.zeros([2, 4]))))(m.layers.Dense(3)),
    ),
    "dense_reuse_missing": (
        ValueError,
        lambda m, x: m.layers.dense(x, 3, name="nope", reuse=True),
    ),
    "dense_rank1": (ValueError, lambda m, x: m.layers.dense(m.zeros([5]), 3)),
    "dense_unknown_last_dim": (
        ValueError,
        lambda m, x: m.layers.dense(m.placeholder(m.float32, [None, None]), 3),
    ),
    "conv2d_rank3": (ValueError, lambda m, x: m.layers.conv2d(m.zeros([2, 5, 3]), 2, 3)),
    "conv2d_layer_other_channels": (
        ValueError,
        lambda m, x: (lambda lay: (lay(m.zeros([2, 5, 5, 3])), lay(m.zeros([2, 5, 5, 4]))))(
            m.layers.Conv2D(2, 3)
        ),
    ),
    "conv2d_undefined_channels": (
        ValueError,
        lambda m, x: m.layers.conv2d(m.placeholder(m.float32, [None, 5, 5, None]), 2, 3),
    ),
    "conv2d_bad_kernel_size": (ValueError, lambda m, x: m.layers.Conv2D(2, (3, 3, 3))),
    "conv2d_negative_stride": (ValueError, lambda m, x: m.layers.Conv2D(2, 3, strides=-1)),
    "max_pooling2d_rank": (ValueError, lambda m, x: m.layers.max_pooling2d(x, 2, 2)),
    "max_pooling2d_padding": (
        ValueError,
        lambda m, x: m.layers.max_pooling2d(m.zeros([1, 4, 4, 1]), 2, 2, padding="full"),
    ),
    "bn_reuse_shape": (
        ValueError,
        lambda m, x: (
            m.layers.batch_normalization(x, name="bn"),
            m.layers.batch_normalization(m.zeros([2, 4]), name="bn", reuse=True),
        ),
    ),
    "separable_conv2d_rank": (ValueError, lambda m, x: m.layers.separable_conv2d(x, 2, 3)),
    "conv2d_transpose_rank": (
        ValueError,
        lambda m, x: m.layers.conv2d_transpose(m.zeros([2, 4, 4, 4, 2]), 2, 3),
    ),
}


def _error(m, fn):
    g = real_tf.Graph() if m is T else tf.Graph()
    with g.as_default():
        x = m.placeholder(m.float32, [None, 5], name="x")
        with pytest.raises(Exception) as ei:
            fn(m, x)
    return ei.value


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(CASES))
def test_same_error_as_tf(case):
    cls, fn = CASES[case]
    theirs, ours = _error(T, fn), _error(tf, fn)
    assert isinstance(theirs, cls), theirs
    assert isinstance(ours, cls), ours
    mine, tfs = (str(e).split("Originally defined at")[0].strip() for e in (ours, theirs))
    assert mine == tfs


@pytest.mark.bad_input
def test_conv_output_negative_size():
    fn = lambda m, x: m.layers.conv2d(m.zeros([1, 2, 2, 3]), 2, 3)  # noqa: E731
    theirs, ours = _error(T, fn), _error(tf, fn)
    assert type(ours) is type(theirs) is ValueError
    key = "Negative dimension size caused by subtracting 3 from 2"
    assert key in str(theirs) and key in str(ours)
    assert "conv2d/Conv2D" in str(ours)


@pytest.mark.bad_input
@pytest.mark.parametrize("which", ["bn_fused", "bn", "dropout"])
def test_float_training_tensor_fails_at_run_time(which):
    """A float ``training`` tensor: TF builds the graph, then the run fails (its cond's Switch
    takes a bool)."""
    x4 = np.random.default_rng(1).standard_normal((3, 2, 2, 4)).astype(np.float32)
    errs = []
    for m in (T, tf):
        g = real_tf.Graph() if m is T else tf.Graph()
        with g.as_default():
            x = m.placeholder(m.float32, [None, 2, 2, 4], name="x")
            f = m.placeholder(m.float32, [], name="f")
            if which == "bn_fused":
                y = m.layers.batch_normalization(x, training=f)
            elif which == "bn":
                y = m.layers.batch_normalization(x, training=f, fused=False)
            else:
                y = m.layers.dropout(x, 0.5, training=f)
            with m.Session() as s, pytest.raises(m.errors.InvalidArgumentError) as ei:
                # TF fails on the first run of the graph (its initializer), ours on y's run
                s.run(m.global_variables_initializer())
                s.run(y, {x: x4, f: 1.0})
            errs.append(str(ei.value).replace("\\", ""))  # our Assert escapes the quotes
    key = "Input 'pred' passed float expected bool"
    assert key in errs[0] and key in errs[1]
