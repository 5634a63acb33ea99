"""The op table's rows of the graph utilities: checks (Assert, CheckNumerics, EnsureShape),
printing (Print, PrintV2), Python functions (PyFunc, PyFuncStateless, EagerPyFunc), IdentityN and
the variable-state queries. Every row gets the table's checks (``op_table.table_tests``); the
behaviour beside TF is tested in test_check_ops.py, test_py_func.py and test_graph_utils.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from op_table import ALL, FLOATS, NUMERIC, Row, table_tests

import tflite_core as tf


def _any(ctx):
    return [ctx.values(ctx.shape())], {}


def _concat_offset_draw(ctx):
    """Two shapes [d0, k, d2] and [d0, m, d2] as int32 vectors (a concat along axis 1)."""
    d0, k, m, d2 = (ctx.draw(st.integers(1, 5)) for _ in range(4))
    return [np.array([d0, k, d2], np.int32), np.array([d0, m, d2], np.int32)], {}


def _concat_offset(a, b):
    """TF's ConcatOffset (in concat gradients) as TF writes it, imported: our ShapeOpOutput."""
    gd = tf.GraphDef()
    dim = gd.node.add(name="dim", op="Const")
    dim.attr["dtype"].type = 3  # DT_INT32
    dim.attr["value"].tensor.dtype = 3
    dim.attr["value"].tensor.int_val.append(1)
    for name in ("a", "b"):
        ph = gd.node.add(name=name, op="Placeholder")
        ph.attr["dtype"].type = 3
    off = gd.node.add(name="off", op="ConcatOffset", input=["dim", "a", "b"])
    off.attr["N"].i = 2
    ins = {"a:0": tf.constant(a), "b:0": tf.constant(b)}
    return tf.import_graph_def(gd, input_map=ins, return_elements=["off:0", "off:1"])


def _asserted(x):
    check = tf.Assert(tf.reduce_all(tf.equal(x, x)), ["x:", x])
    with tf.control_dependencies([check]):
        return tf.identity(x)


def _printed_v2(x):
    p = tf.print("x:", x, summarize=2)
    with tf.control_dependencies([p]):
        return tf.identity(x)


def _report(x):
    a = tf.Variable(x, name="a")
    b = tf.Variable(x, name="b", collections=[])  # never initialised
    return tf.report_uninitialized_variables([a, b])


ROWS = [
    Row("Assert", _asserted, lambda x: x, _any, NUMERIC, "none"),
    Row("CheckNumerics", lambda x: tf.check_numerics(x, "x"), lambda x: x, _any, FLOATS),
    Row("EnsureShape", lambda x: tf.ensure_shape(x, x.shape), lambda x: x, _any, NUMERIC),
    Row("Print", lambda x: tf.Print(x, [x, "!"], "x: "), lambda x: x, _any, ALL),
    Row("PrintV2", _printed_v2, lambda x: x, _any, ALL, "none"),
    Row(
        "IdentityN",
        lambda x, y: tf.identity_n([x, y]),
        lambda x, y: [x, y],
        lambda ctx: ([ctx.values(ctx.shape()), ctx.values(ctx.shape())], {}),
        FLOATS,
    ),
    Row(
        "PyFunc",
        lambda x: tf.py_func(lambda a: np.cumsum(a, dtype=a.dtype), [x], x.dtype),
        lambda x: np.cumsum(x, dtype=x.dtype),
        _any,
        NUMERIC,
        "none",
        static=False,
    ),
    Row(
        "PyFuncStateless",
        lambda x: tf.py_func(lambda a: a * 2, [x], x.dtype, stateful=False) + x,
        lambda x: x * 3,
        _any,
        FLOATS,
        "none",
        static=False,
    ),
    Row(
        "EagerPyFunc",
        lambda x: tf.py_function(lambda a: a.numpy() - 1, [x], x.dtype),
        lambda x: x - 1,
        _any,
        NUMERIC,
        "none",
        static=False,
    ),
    Row(
        "IsVariableInitialized",
        lambda x: tf.is_variable_initialized(tf.Variable(x)),
        lambda x: np.bool_(True),
        _any,
        FLOATS,
        "none",
        feed="value",
    ),
    Row(
        "ShapeOpOutput",
        _concat_offset,
        lambda a, b: [np.zeros(3, np.int32), np.array([0, a[1], 0], np.int32)],
        _concat_offset_draw,
        (np.dtype("int32"),),
        "none",
        feed="value",
    ),
    Row(
        "VariableRank",
        lambda x: tf.assert_variables_initialized([tf.Variable(x)]),
        lambda x: np.int32(x.ndim),
        _any,
        FLOATS,
        "none",
        feed="value",
    ),
    Row(
        "ReportUninitializedVariables",
        _report,
        lambda x: np.array([b"b"], dtype=object),
        _any,
        FLOATS,
        "none",
        feed="value",
        static=False,  # (?,) as in TF
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
