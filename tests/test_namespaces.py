"""The namespaces TF 1.x programs reach their functions through (``tf.math``, ...) hold the same
functions as the top-level names and ``tf.nn`` (as TF's), and every name they list exists in
TF 2.21's ``compat.v1`` namespace of the same name."""

from __future__ import annotations

import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


@pytest.mark.parametrize("ns", ["math", "linalg", "random", "manip"])
def test_namespace_names_are_tensorflows_and_alias_the_top_level(ns):
    ours, theirs = getattr(tf, ns), getattr(T, ns)
    names = [n for n in vars(ours) if not n.startswith("_") and callable(getattr(ours, n))]
    assert len(names) >= 5
    for n in names:
        assert hasattr(theirs, n), f"tf.{ns}.{n} is not a TF name"
        tf_same = getattr(T, n, None) or getattr(T.nn, n, None)
        if tf_same is not None and getattr(theirs, n) is tf_same:  # TF's is the same function
            same = getattr(tf, n, None) or getattr(tf.nn, n, None)
            assert getattr(ours, n) is same, f"tf.{ns}.{n} differs from the top-level name"
