"""Helpers for ``tf.data`` side by side with TF 2.21 ``compat.v1``: build the same pipeline with
either library's module, iterate it to its end in a graph-mode session, compare the elements."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def run_both(
    build: Callable[[Any], Any],
    limit: int = 1000,
    feeds: Callable[[Any], dict] | None = None,
    fetch: Callable[[Any, Any], Any] | None = None,
) -> tuple[list, list]:
    """The elements of ``build(module)`` (a dataset) for TF's compat.v1 and for ours."""
    out = []
    for mod, graph_cls, err in (
        (T, real_tf.Graph, real_tf.errors.OutOfRangeError),
        (tf, tf.Graph, tf.errors.OutOfRangeError),
    ):
        with graph_cls().as_default():
            ds = build(mod)
            if feeds is None:
                it = mod.data.make_one_shot_iterator(ds)
            else:
                it = mod.data.make_initializable_iterator(ds)
            nxt = it.get_next()
            if fetch is not None:
                nxt = fetch(mod, nxt)
            elements = []
            with mod.Session() as sess:
                if feeds is not None:
                    sess.run(it.initializer, feeds(mod))
                for _ in range(limit):
                    try:
                        elements.append(sess.run(nxt))
                    except err:
                        break
        out.append(elements)
    return out[0], out[1]


def assert_same(a: Any, b: Any, path: str = "element", rtol: float = 0.0) -> None:
    """``a`` (TF's) and ``b`` (ours) equal: structure, dtypes, shapes and values."""
    if isinstance(a, Mapping):
        assert isinstance(b, Mapping) and sorted(a) == sorted(b), f"{path}: {a} vs {b}"
        for k in a:
            assert_same(a[k], b[k], f"{path}[{k!r}]", rtol)
        return
    if isinstance(a, (tuple, list)):
        assert type(a) is type(b) and len(a) == len(b), f"{path}: {a!r} vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{path}[{i}]", rtol)
        return
    x, y = np.asarray(a), np.asarray(b)
    assert x.dtype == y.dtype, f"{path}: dtype {x.dtype} vs {y.dtype}"
    assert x.shape == y.shape, f"{path}: shape {x.shape} vs {y.shape}"
    if x.dtype == object or rtol == 0.0:
        assert x.tolist() == y.tolist(), f"{path}: {x!r} vs {y!r}"
    else:
        np.testing.assert_allclose(y, x, rtol=rtol, err_msg=path)


def shapes(structure: Any) -> Any:
    """Shapes (lists, None for unknown rank) and dtype names of an ``output_shapes`` /
    ``output_types`` structure, comparable across the libraries."""
    if isinstance(structure, Mapping):
        return {k: shapes(v) for k, v in structure.items()}
    if isinstance(structure, tuple):
        return tuple(shapes(v) for v in structure)
    if hasattr(structure, "as_list"):
        return structure.as_list() if structure.rank is not None else None
    return structure.name
