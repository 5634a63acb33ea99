"""Side-by-side helpers for the ``tf.layers`` tests: build one graph in TF 2.21 ``compat.v1``
and in ours, load TF's initial variable values into ours, run both, compare."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
# TF warns that tf.layers is deprecated on every call
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def _names(vs: list[Any]) -> list[str]:
    return [v.name for v in vs]


def _colls(m: Any) -> dict[str, list[str]]:
    k = m.GraphKeys
    return {
        "global": _names(m.global_variables()),
        "trainable": _names(m.trainable_variables()),
        "moving": _names(m.moving_average_variables()),
        # TF 2.21 makes resource variables (update op ``AssignMovingAvg/AssignSubVariableOp``),
        # ours are TF 1.x ref variables (update op ``AssignMovingAvg``)
        "update": sorted(
            u.name.replace("/AssignSubVariableOp", "").replace("AssignAddVariableOp", "AssignAdd")
            for u in m.get_collection(k.UPDATE_OPS)
        ),
        "reg": [len(m.get_collection(k.REGULARIZATION_LOSSES))],
    }


def side_by_side(
    build: Callable[[Any], dict[str, Any]], feeds: dict[str, np.ndarray], steps: int = 1
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]]:
    """Builds ``build(module)`` in TF and in ours; the dict it returns holds placeholders under
    the keys of ``feeds`` and the fetches. Runs ``steps`` times; ours starts from TF's initial
    variable values. Returns (TF results, our results, {"tf": ..., "ours": ...} build info)."""
    out: dict[str, Any] = {}
    init_vals: dict[str, np.ndarray] = {}
    runs: dict[str, list[dict[str, Any]]] = {}
    for key, m in (("tf", T), ("ours", tf)):
        g = real_tf.Graph() if m is T else tf.Graph()
        with g.as_default():
            d = build(m)
            fetch = {k: v for k, v in d.items() if k not in feeds and not k.startswith("_")}
            info = {
                "colls": _colls(m),
                "shapes": {k: v.shape.as_list() for k, v in fetch.items() if hasattr(v, "shape")},
                "names": {k: v.name for k, v in fetch.items() if hasattr(v, "name")},
                "build": d,
            }
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                if m is T:
                    init_vals = {v.name: s.run(v) for v in m.global_variables()}
                else:
                    for v in m.global_variables():
                        v.load(init_vals[v.name], s)
                fd = {d[k]: v for k, v in feeds.items()}
                runs[key] = [s.run(fetch, fd) for _ in range(steps)]
                info["vars"] = {v.name: s.run(v) for v in m.global_variables()}
            out[key] = info
    return runs["tf"], runs["ours"], out


def assert_same(a: Any, b: Any, rtol: float = 1e-5, atol: float = 1e-5) -> None:
    if isinstance(a, dict):
        assert sorted(a) == sorted(b)
        for k in a:
            assert_same(a[k], b[k], rtol, atol)
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert_same(x, y, rtol, atol)
    elif a is None:
        assert b is None
    else:
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind == "f" and a.size:
            # A float32 sum's rounding error scales with its largest terms, not with the
            # result: an entry that cancels to 0.4 among outputs of 80 (a transposed
            # convolution's gradient) differs by 1.4e-5 between summation orders.
            atol = max(atol, 1e-6 * float(np.max(np.abs(a))))
        np.testing.assert_allclose(b, a, rtol=rtol, atol=atol)


def check(
    build: Callable[[Any], dict[str, Any]],
    feeds: dict[str, np.ndarray],
    steps: int = 1,
    update_names: bool = True,
):
    """Same values, collections and static shapes in TF and ours; ``update_names=False``
    compares only the number of UPDATE_OPS (TF makes a run-time-``training`` unfused batch
    norm's updates the outputs of conds, ours assign outside them)."""
    a, b, info = side_by_side(build, feeds, steps)
    assert_same(a, b)
    if not update_names:
        for side in ("ours", "tf"):
            info[side]["colls"]["update"] = len(info[side]["colls"]["update"])
    assert info["ours"]["colls"] == info["tf"]["colls"]
    assert info["ours"]["shapes"] == info["tf"]["shapes"]
    assert_same(info["tf"]["vars"], info["ours"]["vars"])
    return info
