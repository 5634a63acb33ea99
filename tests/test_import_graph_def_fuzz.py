"""``tf.import_graph_def`` and ``Session.run`` of mutated GraphDefs raise only TF's error classes.

A valid frozen graph written by TF 2.21 (a CNN with strings, casts, reductions, slicing and a
``tf.cond``: an ``If`` with its function library) is mutated by hypothesis, field by field as a
corrupt or hostile producer would: op types swapped, inputs rewired, dropped or pointed at
missing outputs, nodes removed, duplicated or renamed, attributes set to wrong kinds, bad
dtypes, absurd or negative shapes and sizes, constants whose bytes do not fit their shape; and
the serialized file is cut or has bytes flipped. Each result is imported and, where that
succeeds, run. What may come out: a ``tf.errors.OpError``, ``ValueError``, ``TypeError`` or
``KeyError`` (TF's importer raises the same classes) or protobuf's ``DecodeError`` for
unparseable bytes; never another exception, a crash or a hang (a watchdog ends the process after
120 s). The ``ci`` profile runs 25 examples per test; ``HYPOTHESIS_PROFILE=thorough`` runs 500
(the longer search of the issue). The first searches found a cycle that hung the importer, and
nodes with too few inputs or wrongly typed attributes that raised IndexError / AttributeError.
"""

from __future__ import annotations

import contextlib
import faulthandler

import numpy as np
import pytest
import tensorflow as real_tf
from google.protobuf.message import DecodeError
from hypothesis import given
from hypothesis import strategies as st

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
ALLOWED = (tf.errors.OpError, ValueError, TypeError, KeyError, DecodeError)
FEED = np.random.default_rng(3).standard_normal((2, 6, 6, 3)).astype(np.float32)
# op types a mutation may give a node: the graph's own and a few others (no queues, readers or
# other ops that wait by design)
EXTRA_TYPES = ["Identity", "Reshape", "ConcatV2", "Tile", "Fill", "Range", "Unpack", "Pack",
               "Cast", "Transpose", "NoSuchOp", "Const", "Placeholder", "MatMul", "Softmax",
               "Gather", "GatherV2", "OneHot", "Where", "Size", "ExpandDims"]  # fmt: skip
DTYPE_ENUMS = [0, 1, 3, 4, 6, 7, 9, 10, 14, 19, 20, 21, 23, 99, -1]
HUGE = [0, 1, -1, -7, 2**31 - 1, 2**40, 3, 1000]


def _tf_graph() -> bytes:
    g = real_tf.Graph()
    with g.as_default():
        x = T.placeholder(T.float32, [None, 6, 6, 3], name="x")
        w = T.get_variable("w", initializer=np.ones((3, 3, 3, 4), np.float32) * 0.1)
        c = T.nn.relu6(T.nn.bias_add(T.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), [0.1] * 4))
        p = T.nn.max_pool(c, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        f = T.reshape(p, [-1, 36])
        y = T.nn.softmax(T.matmul(f, T.ones([36, 5])), name="y")
        s = T.reduce_sum(y[:, 1:3], axis=1, name="s")
        n = T.strings.as_string(T.cast(s * 10, T.int32), name="n")
        T.strings.length(T.strings.join([n, "px"]), name="len")
        T.identity(T.cond(T.reduce_mean(s) > 0.2, lambda: s * 2.0, lambda: s - 1.0), name="c")
        with T.Session(graph=g) as sess:
            sess.run(T.global_variables_initializer())
            gd = T.graph_util.convert_variables_to_constants(
                sess, g.as_graph_def(), ["y", "s", "len", "c"]
            )
    return gd.SerializeToString()


BASE = _tf_graph()
BASE_GD = tf.GraphDef.FromString(BASE)
NAMES = [n.name for n in BASE_GD.node]
TYPES = sorted({n.op for n in BASE_GD.node} | set(EXTRA_TYPES))
FETCHES = ["y:0", "s:0", "len:0", "c:0"]


def _set_attr(attr, kind: str, value) -> None:
    attr.Clear()
    if kind == "type":
        attr.type = DTYPE_ENUMS[value % len(DTYPE_ENUMS)]
    elif kind == "i":
        attr.i = value
    elif kind == "s":
        attr.s = b"SAME" if value % 2 else b"bogus"
    elif kind == "b":
        attr.b = bool(value % 2)
    elif kind == "f":
        attr.f = float(value)
    elif kind == "shape":
        attr.shape.dim.add().size = value
    elif kind == "ilist":
        attr.list.i.extend([value, 1])
    elif kind == "tensor":
        attr.tensor.dtype = 1
        attr.tensor.tensor_shape.dim.add().size = value
        attr.tensor.tensor_content = b"\x00" * 12


def _mutate(gd, m) -> None:
    kind, i, j, v = m
    nodes = gd.node
    if not nodes:
        return
    node = nodes[i % len(nodes)]
    if kind == "op":
        node.op = TYPES[j % len(TYPES)]
    elif kind == "input" and node.input:
        src = NAMES[j % len(NAMES)]
        node.input[v % len(node.input)] = [src, f"{src}:{v % 4}", f"^{src}", "missing:0"][j % 4]
    elif kind == "add_input":
        node.input.append(f"{NAMES[j % len(NAMES)]}:{v % 3}")
    elif kind == "drop_input" and node.input:
        del node.input[v % len(node.input)]
    elif kind == "remove":
        del nodes[i % len(nodes)]
    elif kind == "duplicate":
        nodes.add().CopyFrom(node)
    elif kind == "rename":
        node.name = NAMES[j % len(NAMES)] if v % 2 else node.name + "_x"
    elif kind in ("type", "i", "s", "b", "f", "shape", "ilist", "tensor"):
        keys = sorted(node.attr) or ["T"]
        _set_attr(node.attr[keys[j % len(keys)]], kind, v)
    elif kind == "dtype":
        for key in ("T", "dtype", "DstT", "SrcT", "out_type", "Tidx"):
            if key in node.attr:
                node.attr[key].type = DTYPE_ENUMS[v % len(DTYPE_ENUMS)]
                break
    elif kind == "const" and "value" in node.attr:
        t = node.attr["value"].tensor
        if j % 3 == 0:
            t.tensor_shape.dim.add().size = HUGE[v % len(HUGE)]
        elif j % 3 == 1:
            t.tensor_content = t.tensor_content[: v % 9]
        else:
            t.dtype = DTYPE_ENUMS[v % len(DTYPE_ENUMS)]


MUTATION = st.tuples(
    st.sampled_from(["op", "input", "add_input", "drop_input", "remove", "duplicate", "rename",
                     "type", "i", "s", "b", "f", "shape", "ilist", "tensor", "dtype", "const"]),
    st.integers(0, 200), st.integers(0, 200), st.sampled_from(HUGE + list(range(12))),
)  # fmt: skip


def _import_and_run(gd) -> None:
    with tf.Graph().as_default() as g:
        tf.import_graph_def(gd, name="")
        fetches = []
        for name in FETCHES:
            with contextlib.suppress(KeyError, ValueError):
                fetches.append(g.get_tensor_by_name(name))
        feeds = {}
        try:
            x = g.get_tensor_by_name("x:0")
            if x.dtype == tf.float32:
                feeds[x] = FEED
        except (KeyError, ValueError):
            pass
        with tf.Session(graph=g) as sess:
            for f in fetches:
                with contextlib.suppress(*ALLOWED):
                    sess.run(f, feeds)
            if fetches:  # the session still answers after errors
                sess.run(fetches[:1], feeds)


@pytest.fixture(autouse=True)
def _watchdog():
    faulthandler.dump_traceback_later(120, exit=True)
    yield
    faulthandler.cancel_dump_traceback_later()


def test_base_graph_runs_as_tf():
    gd = tf.GraphDef.FromString(BASE)
    with tf.Graph().as_default() as g:
        tf.import_graph_def(gd, name="")
        with tf.Session(graph=g) as sess:
            got = sess.run(FETCHES, {"x:0": FEED})
    with real_tf.Graph().as_default() as tg:
        T.import_graph_def(T.GraphDef.FromString(BASE), name="")
        with T.Session(graph=tg) as sess:
            want = sess.run(FETCHES, {"x:0": FEED})
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-5) if a.dtype.kind == "f" else (
            np.testing.assert_array_equal(a, b))  # fmt: skip


@given(st.lists(MUTATION, min_size=1, max_size=4))
def test_mutated_graph_defs_raise_only_tf_errors(mutations):
    gd = tf.GraphDef.FromString(BASE)
    for m in mutations:
        _mutate(gd, m)
    with contextlib.suppress(*ALLOWED):
        _import_and_run(gd)


@given(
    st.integers(0, len(BASE) - 1),
    st.lists(st.tuples(st.integers(0, len(BASE) - 1), st.integers(0, 255)), max_size=6),
)
def test_cut_or_flipped_files_raise_only_tf_errors(cut, flips):
    data = bytearray(BASE[:cut] if cut % 3 == 0 else BASE)
    for pos, byte in flips:
        if pos < len(data):
            data[pos] = byte
    try:
        gd = tf.GraphDef.FromString(bytes(data))
        _import_and_run(gd)
    except ALLOWED:
        pass
