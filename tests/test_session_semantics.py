"""``Session.run`` edge cases side by side with TF 2.21 ``compat.v1``: the error classes and
messages of bad feeds and fetches."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

pytestmark = pytest.mark.bad_input

T = real_tf.compat.v1


def _both(build, run):
    """``run(sess, *build(module))`` in tflite_core and in TF: (result or exception) pairs."""
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            args = build(mod)
            with mod.Session(graph=graph) as sess:
                try:
                    out.append(run(sess, *args))
                except Exception as e:
                    out.append(e)
    return out


@pytest.mark.parametrize(
    "value",
    [object(), {"a": 1}, "abc", [1, "a"], None, [[1.0, 2.0]], np.zeros(3, np.float32)],
    ids=["object", "dict", "str", "mixed list", "None", "rank 2", "length 3"],
)
def test_bad_feed_values_raise_tensorflows_error_class(value):
    ours, theirs = _both(
        lambda m: (m.placeholder(m.float32, [2]),), lambda s, x: s.run(x * 2.0, {x: value})
    )
    assert isinstance(theirs, Exception) and type(ours).__name__ == type(theirs).__name__, (
        ours,
        theirs,
    )
    if isinstance(theirs, ValueError) and "Cannot feed value of shape" in str(theirs):
        # the same shapes and tensor (TF 1.x's quoting and '?' for an unknown dimension)
        assert str(ours).startswith(str(theirs).split(" for Tensor")[0])


@pytest.mark.parametrize("fetch", [None, [None], (None,), {"a": None}])
def test_none_fetches_are_type_errors_with_tensorflows_message(fetch):
    ours, theirs = _both(lambda m: (m.constant(1.0),), lambda s, c: s.run(fetch))
    assert type(ours) is TypeError and type(theirs) is TypeError
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("fetch", [[], (), {}])
def test_empty_fetches_return_their_structure(fetch):
    ours, theirs = _both(lambda m: (m.constant(1.0),), lambda s, c: s.run(fetch))
    assert ours == theirs == fetch and type(ours) is type(theirs)


def test_running_an_empty_graph_is_a_runtime_error():
    ours, theirs = _both(lambda m: (), lambda s: s.run([]))
    assert type(ours) is RuntimeError and str(ours) == str(theirs)


def test_tuple_feed_keys_feed_each_tensor_as_tf():
    """A tuple key (an LSTMStateTuple of tensors, nested tuples) feeds each of its tensors from
    the same place of its value, as TF's nest.flatten_dict_items (which flattens lists in the
    value too); a value of another length is TF's ValueError."""
    results = []
    for m, graph in ((tf, tf.Graph()), (real_tf.compat.v1, real_tf.Graph())):
        with graph.as_default():
            a = m.placeholder(m.float32, [2])
            b = m.placeholder(m.float32, [])
            c = m.placeholder(m.float32, [2])
            state = m.nn.rnn_cell.LSTMStateTuple(a, b)
            y = a * b + c
            with m.Session(graph=graph) as sess:
                value = m.nn.rnn_cell.LSTMStateTuple(np.array([1.0, 2.0], np.float32), 3.0)
                results.append(sess.run(y, {(state, c): (value, np.array([0.5, 0.5]))}))
                with pytest.raises(ValueError, match=r"Could not flatten dictionary\. Key had 2"):
                    sess.run(y, {state: (1.0,), c: [0.0, 0.0]})
    np.testing.assert_array_equal(results[0], [3.5, 6.5])
    np.testing.assert_array_equal(results[0], results[1])
