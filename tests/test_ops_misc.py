"""The op table's rows for GuaranteeConst (an identity TF gives no gradient: ``tf.gradients``
raises LookupError) and Timestamp (checked through a value it decides: later than 2020)."""

from __future__ import annotations

import numpy as np
from op_table import ALL, FLOATS, Row, table_tests

import tflite_core as tf


def one_draw(ctx):
    return [ctx.values(ctx.shape())], {}


ROWS = [
    Row("GuaranteeConst", tf.guarantee_const, lambda x: x, one_draw, ALL, "lookup"),
    Row(
        "Timestamp",
        lambda x: tf.cast(tf.timestamp() > 1.6e9, x.dtype) * x,
        lambda x: x,
        one_draw,
        FLOATS,
        "check",
    ),
]
globals().update(table_tests(ROWS))


def test_guarantee_const_has_no_gradient_as_tf():
    x = tf.constant([1.0, 2.0])
    try:
        tf.gradients(tf.guarantee_const(x), x)
    except LookupError as e:
        assert "GuaranteeConst" in str(e)
    else:
        raise AssertionError("expected LookupError")


def test_timestamp_is_float64_and_moves_forward():
    t = tf.timestamp()
    assert t.dtype == tf.float64 and t.shape.as_list() == []
    with tf.Session() as sess:
        a = sess.run(t)
        b = sess.run(t)
    assert 1.6e9 < a <= b < 4e9
    assert isinstance(a, (float, np.floating))
