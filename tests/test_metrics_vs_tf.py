"""``tf.metrics`` side by side with TF 2.21 ``compat.v1``: every metric is built once on
placeholders in both frameworks and fed the same stream of batches (weights among them, some
all zero); after each batch the update op's result and then the value are compared, as are the
names of the local and metric variables, of the value and update tensors and the contents of
the ``metrics_collections`` / ``updates_collections``. ``local_variables_initializer`` run
again restarts the stream. Bad input (labels of the wrong shape or dtype, predictions outside
[0, 1], ids out of range, bad arguments) gets TF's error class and message."""

from __future__ import annotations

import inspect
from typing import Any, Callable

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(21)
NB = 4  # batches per stream


def _f32(*shape):
    return RNG.random(shape).astype(np.float32)


def _ints(hi, *shape, dtype=np.int64):
    return RNG.integers(0, hi, shape).astype(dtype)


def _weights(*shape):
    """Per-batch weights; the third batch's are all zero (an 'empty' batch)."""
    ws = [_f32(*shape) * 2 for _ in range(NB)]
    ws[2] = np.zeros(shape, np.float32)
    return ws


def _unit(*shape):
    x = RNG.standard_normal(shape).astype(np.float32)
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


def _stream(**arrays):
    """{name: [batch arrays]} -> [{name: array}] (a scalar array is fed as is to all)."""
    return [{k: v[i] for k, v in arrays.items()} for i in range(NB)]


def _sparse_ids(rows):
    """A SparseTensorValue triple of int64 ids, one list per row (rows may be short)."""
    idx = [[r, j] for r, row in enumerate(rows) for j in range(len(row))]
    vals = [v for row in rows for v in row]
    width = max(len(r) for r in rows)
    return (
        np.array(idx, np.int64).reshape(-1, 2),
        np.array(vals, np.int64),
        np.array([len(rows), width], np.int64),
    )


# name -> (build(m, ph) -> (value, update), stream); ph maps input names to placeholders
CASES: dict[str, tuple[Callable[[Any, dict], Any], list[dict]]] = {}


def case(name, stream):
    def deco(fn):
        CASES[name] = (fn, stream)
        return fn

    return deco


VAL43 = [_f32(4, 3) for _ in range(NB)]
LAB43 = [_f32(4, 3) for _ in range(NB)]
CLS_L = [_ints(4, 6) for _ in range(NB)]
CLS_P = [_ints(4, 6) for _ in range(NB)]
BIN_L = [_ints(2, 6) for _ in range(NB)]
BIN_P = [_ints(2, 6) for _ in range(NB)]
PROB = [_f32(6) for _ in range(NB)]
SCORES = [_f32(4, 5) for _ in range(NB)]
IDS2 = [_ints(6, 4, 2) for _ in range(NB)]  # 5 classes: 5 is out of range (cleaned to -1)
for _a in IDS2:
    _a[0, 1] = -1
    _a[1, 1] = _a[1, 0]  # a duplicate label
TOPK_IDX = [np.argsort(-s, axis=1)[:, :2].astype(np.int64) for s in SCORES]
SPARSE_ROWS = [
    [[1, 3], [0], [2, 2, 4], [4]],
    [[0], [1, 2], [], [3, 0, 1]],
    [[4, 1], [3], [0], [2]],
    [[2], [2, 3], [1], [0, 4]],
]
SPARSE = [_sparse_ids(r) for r in SPARSE_ROWS]
# TF drops empty rows from the dense shape only through indices: keep width 3 for all
SPARSE = [(i, v, np.array([4, 3], np.int64)) for i, v, _ in SPARSE]


@case("mean_weighted", _stream(v=VAL43, w=_weights(4, 1)))
def _(m, p):
    return m.metrics.mean(p["v"], p["w"], metrics_collections=["mc"], updates_collections=["uc"])


@case("mean_plain", _stream(v=VAL43))
def _(m, p):
    return m.metrics.mean(p["v"], name="my_mean")


@case("mean_scalar_weight", _stream(v=VAL43, w=[np.float32(x) for x in (1, 2, 0, 0.5)]))
def _(m, p):
    return m.metrics.mean(p["v"], p["w"])


@case("accuracy", _stream(l=CLS_L, p=CLS_P, w=_weights(6)))
def _(m, p):
    return m.metrics.accuracy(p["l"], p["p"], p["w"], ["mc"], ["uc"])


@case("accuracy_squeeze", _stream(l=[x[:, None] for x in CLS_L], p=CLS_P, w=_weights(6, 1)))
def _(m, p):
    return m.metrics.accuracy(p["l"], p["p"], p["w"])


@case("mean_absolute_error", _stream(l=LAB43, p=VAL43, w=_weights(4, 3)))
def _(m, p):
    return m.metrics.mean_absolute_error(p["l"], p["p"], p["w"])


@case("mean_squared_error", _stream(l=LAB43, p=VAL43, w=_weights(4, 1)))
def _(m, p):
    return m.metrics.mean_squared_error(p["l"], p["p"], p["w"], ["mc"], ["uc"])


@case("root_mean_squared_error", _stream(l=LAB43, p=VAL43, w=_weights(4, 3)))
def _(m, p):
    return m.metrics.root_mean_squared_error(p["l"], p["p"], p["w"], ["mc"], ["uc"])


NORM = [np.where(_f32(4, 3) > 0.3, _f32(4, 3) + 0.5, 0).astype(np.float32) for _ in range(NB)]


@case("mean_relative_error", _stream(l=LAB43, p=VAL43, n=NORM, w=_weights(4, 3)))
def _(m, p):
    return m.metrics.mean_relative_error(p["l"], p["p"], p["n"], p["w"])


@case(
    "mean_cosine_distance",
    _stream(
        l=[_unit(4, 3) for _ in range(NB)], p=[_unit(4, 3) for _ in range(NB)], w=_weights(4, 1)
    ),
)
def _(m, p):
    return m.metrics.mean_cosine_distance(p["l"], p["p"], 1, p["w"], ["mc"], ["uc"])


@case("mean_tensor", _stream(v=VAL43, w=_weights(4, 1)))
def _(m, p):
    return m.metrics.mean_tensor(p["v"], p["w"], ["mc"], ["uc"])


@case("percentage_below", _stream(v=PROB, w=_weights(6)))
def _(m, p):
    return m.metrics.percentage_below(p["v"], 0.5, p["w"], ["mc"], ["uc"])


@case("mean_per_class_accuracy", _stream(l=CLS_L, p=CLS_P, w=_weights(6)))
def _(m, p):
    return m.metrics.mean_per_class_accuracy(p["l"], p["p"], 5, p["w"], ["mc"], ["uc"])


@case("mean_iou", _stream(l=CLS_L, p=CLS_P, w=_weights(6)))
def _(m, p):
    return m.metrics.mean_iou(p["l"], p["p"], 5, p["w"], ["mc"], ["uc"])


@case(
    "mean_iou_2d", _stream(l=[x.reshape(2, 3) for x in CLS_L], p=[x.reshape(2, 3) for x in CLS_P])
)
def _(m, p):
    return m.metrics.mean_iou(p["l"], p["p"], 4)


for _name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):

    @case(_name, _stream(l=BIN_L, p=BIN_P, w=_weights(6)))
    def _(m, p, _name=_name):
        return getattr(m.metrics, _name)(p["l"], p["p"], p["w"], ["mc"], ["uc"])

    @case(_name + "_at_thresholds", _stream(l=BIN_L, p=PROB, w=_weights(6)))
    def _(m, p, _name=_name):
        fn = getattr(m.metrics, _name + "_at_thresholds")
        return fn(p["l"], p["p"], [0.25, 0.5, 0.75], p["w"], ["mc"], ["uc"])


@case("precision", _stream(l=BIN_L, p=BIN_P, w=_weights(6)))
def _(m, p):
    return m.metrics.precision(p["l"], p["p"], p["w"], ["mc"], ["uc"])


@case("recall", _stream(l=BIN_L, p=BIN_P))
def _(m, p):
    return m.metrics.recall(p["l"], p["p"], metrics_collections=["mc"], updates_collections=["uc"])


@case("precision_at_thresholds", _stream(l=BIN_L, p=PROB, w=_weights(6)))
def _(m, p):
    return m.metrics.precision_at_thresholds(
        p["l"], p["p"], [0.1, 0.5, 0.9], p["w"], ["mc"], ["uc"]
    )


@case("recall_at_thresholds", _stream(l=BIN_L, p=PROB))
def _(m, p):
    return m.metrics.recall_at_thresholds(p["l"], p["p"], [0.1, 0.5, 0.9], name="rat")


AUC_VARIANTS = [
    ("ROC", "trapezoidal", 200, None),
    ("ROC", "minoring", 50, None),
    ("ROC", "majoring", 50, None),
    ("PR", "careful_interpolation", 200, None),
    ("PR", "trapezoidal", 30, None),
    ("ROC", "trapezoidal", 200, [0.3, 0.1, 0.7]),
]
for _curve, _sm, _n, _th in AUC_VARIANTS:

    @case(f"auc_{_curve}_{_sm}_{_n}_{_th}", _stream(l=BIN_L, p=PROB, w=_weights(6)))
    def _(m, p, _curve=_curve, _sm=_sm, _n=_n, _th=_th):
        return m.metrics.auc(
            p["l"], p["p"], p["w"], _n, ["mc"], ["uc"], _curve, summation_method=_sm, thresholds=_th
        )


@case("sensitivity_at_specificity", _stream(l=BIN_L, p=PROB, w=_weights(6)))
def _(m, p):
    return m.metrics.sensitivity_at_specificity(p["l"], p["p"], 0.6, p["w"], 20, ["mc"], ["uc"])


@case("specificity_at_sensitivity", _stream(l=BIN_L, p=PROB))
def _(m, p):
    return m.metrics.specificity_at_sensitivity(p["l"], p["p"], 0.5, num_thresholds=25)


for _fn in ("precision_at_k", "recall_at_k", "sparse_precision_at_k"):

    @case(_fn, _stream(l=IDS2, s=SCORES, w=_weights(4)))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(
            p["l"],
            p["s"],
            2,
            weights=p["w"],
            metrics_collections=["mc"],
            updates_collections=["uc"],
        )

    @case(_fn + "_class", _stream(l=IDS2, s=SCORES))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["l"], p["s"], 3, class_id=1)

    @case(_fn + "_1d_labels", _stream(l=[x[:, 0] for x in IDS2], s=SCORES))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["l"], p["s"], 2)

    @case(_fn + "_sparse", _stream(sp=SPARSE, s=SCORES, w=_weights(4)))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["sp"], p["s"], 2, weights=p["w"])


for _fn in ("precision_at_top_k", "recall_at_top_k"):

    @case(_fn, _stream(l=IDS2, i=TOPK_IDX, w=_weights(4)))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(
            p["l"], p["i"], weights=p["w"], metrics_collections=["mc"], updates_collections=["uc"]
        )

    @case(_fn + "_class_sparse", _stream(sp=SPARSE, i=TOPK_IDX))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["sp"], p["i"], k=2, class_id=2)


for _fn in ("average_precision_at_k", "sparse_average_precision_at_k"):

    @case(_fn, _stream(l=IDS2, s=SCORES, w=_weights(4)))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["l"], p["s"], 3, p["w"], ["mc"], ["uc"])

    @case(_fn + "_sparse", _stream(sp=SPARSE, s=SCORES))
    def _(m, p, _fn=_fn):
        return getattr(m.metrics, _fn)(p["sp"], p["s"], 2)


def _placeholders(m, batch, dynamic=False):
    """One placeholder per input; with ``dynamic`` the batch (first) dimension is unknown."""
    ph = {}
    for k, v in batch.items():
        if isinstance(v, tuple):
            ph[k] = m.sparse_placeholder(m.int64, name=k)
        else:
            shape = list(np.shape(v))
            if dynamic and shape:
                shape[0] = None
            ph[k] = m.placeholder(m.as_dtype(v.dtype), shape, name=k)
    return ph


def _names(xs):
    return [x.name for x in xs]


class _Side:
    """One framework's graph and session for a case: the run of a whole stream."""

    def __init__(self, m, build, stream, dynamic=False):
        self.m, self.graph = m, m.Graph()
        with self.graph.as_default():
            self.ph = _placeholders(m, stream[0], dynamic)
            if m is T:  # TF 1.x's reference variables (tflite_core's), not TF 2's resources
                with T.variable_scope(
                    T.get_variable_scope(), use_resource=False, auxiliary_name_scope=False
                ):
                    self.value, self.update = build(m, self.ph)
            else:
                self.value, self.update = build(m, self.ph)
            self.init = m.local_variables_initializer()
            gk = m.GraphKeys
            self.info = {
                "local": _names(m.local_variables()),
                "metric": _names(m.get_collection(gk.METRIC_VARIABLES)),
                "global": _names(m.global_variables()),
                "mc": _names(m.get_collection("mc")),
                "uc": _names(m.get_collection("uc")),
                "value": self.value.name,
                "update": self.update.name,
            }
        self.sess = m.Session(graph=self.graph)

    def feed(self, batch):
        return {self.ph[k]: v for k, v in batch.items()}

    def run(self, stream):
        self.sess.run(self.init)
        out = []
        for batch in stream:
            out.append(self.sess.run(self.update, self.feed(batch)))
            out.append(self.sess.run(self.value))
        return out


@pytest.mark.parametrize("dynamic", [False, True], ids=["static", "dynamic_batch"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_metric_stream(name, dynamic):
    build, stream = CASES[name]
    try:
        theirs = _Side(T, build, stream, dynamic)
    except ValueError as e:  # mean_tensor: its variables need the values' full static shape
        with pytest.raises(ValueError, match="Cannot convert a partially known TensorShape"):
            _Side(tf, build, stream, dynamic)
        assert "Cannot convert a partially known TensorShape" in str(e)
        return
    ours = _Side(tf, build, stream, dynamic)
    assert ours.info == theirs.info
    want, got = theirs.run(stream), ours.run(stream)
    for i, (w, g) in enumerate(zip(want, got)):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"{name} step {i}")
    # the initializer resets the local variables: the stream starts again
    again = ours.run(stream[:2])
    for w, g in zip(want, again):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6)
    theirs.sess.close()
    ours.sess.close()


def test_every_metric_covered():
    """Each of the 33 names of TF's tf.compat.v1.metrics has a stream case above."""
    assert sorted(tf.metrics.__all__) == sorted(n for n in dir(T.metrics) if not n.startswith("_"))
    for name in tf.metrics.__all__:
        assert any(c == name or c.startswith(name + "_") for c in CASES), name
        # TF's argument names, order and defaults
        want = inspect.signature(inspect.unwrap(getattr(T.metrics, name))).parameters.values()
        got = inspect.signature(getattr(tf.metrics, name)).parameters.values()
        assert [(p.name, p.default) for p in got] == [(p.name, p.default) for p in want], name


def _scoped_metrics(m):
    """Metrics named twice, inside variable and name scopes, a reused variable scope and
    SparseTensor constants as labels."""
    lab = m.constant([1, 0, 1, 1], m.int64)
    pred = m.constant([0.2, 0.7, 0.9, 0.4])
    scores = m.constant([[0.1, 0.9], [0.8, 0.2]])
    outs = [*m.metrics.accuracy(lab, lab, name="acc"), *m.metrics.accuracy(lab, lab, name="acc")]
    with m.variable_scope("eval"):
        outs += m.metrics.auc(lab, pred)
        with m.name_scope("inner"):
            outs += m.metrics.recall_at_k(m.constant([[1], [0]], m.int64), scores, 1)
            outs += m.metrics.mean_iou(lab, lab, 2)
    with m.variable_scope("eval", reuse=True):
        outs += m.metrics.mean(pred)
    sp = m.SparseTensor([[0, 0], [1, 0], [1, 1]], m.constant([1, 0, 1], m.int64), [2, 2])
    outs += m.metrics.average_precision_at_k(sp, scores, 2)
    outs += m.metrics.precision_at_top_k(sp, m.constant([[1], [0]], m.int64), class_id=0)
    return outs


def test_scopes_and_repeated_names():
    results = []
    for m in (T, tf):
        g = m.Graph()
        with g.as_default():
            if m is T:
                with T.variable_scope(
                    T.get_variable_scope(), use_resource=False, auxiliary_name_scope=False
                ):
                    outs = _scoped_metrics(m)
            else:
                outs = _scoped_metrics(m)
            init = m.local_variables_initializer()
            names = (_names(m.local_variables()), _names(outs))
        with m.Session(graph=g) as sess:
            sess.run(init)
            updates = sess.run(outs[1::2])
            values = sess.run(outs[0::2])
        results.append((names, updates, values))
    (want_names, want_u, want_v), (got_names, got_u, got_v) = results
    assert got_names == want_names
    for w, g in zip(want_u + want_v, got_u + got_v):
        np.testing.assert_allclose(g, w, rtol=1e-5)
