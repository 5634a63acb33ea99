"""Runs the examples in the package's docstrings (the style guide's runnable examples)."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import tflite_core as tf

MODULES = sorted(  # every module of the package, subpackages included
    m.name
    for m in pkgutil.walk_packages(tf.__path__, "tflite_core.")
    if not m.name.endswith("._core")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    mod = importlib.import_module(name)
    with tf.Graph().as_default():
        result = doctest.testmod(
            mod,
            extraglobs={"tf": tf, "np": np},
            verbose=False,
            optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
        )
    assert result.failed == 0


def test_some_docstrings_have_examples():
    finder = doctest.DocTestFinder()
    count = sum(len(t.examples) for n in MODULES for t in finder.find(importlib.import_module(n)))
    assert count >= 3
