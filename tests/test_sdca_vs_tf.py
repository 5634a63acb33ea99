"""``tf.train.sdca_optimizer`` and ``tf.train.sdca_shrink_l1`` side by side with TF 2.21's
``compat.v1`` (raw ops SdcaOptimizer / SdcaShrinkL1) in graph mode.

TF's kernel visits the examples in a random order (``std::random_device``), and with
``adaptative=True`` draws them with random rejections of repeats; so its results are
deterministic only where the order cannot matter. The examples here therefore share no feature
(their sparse features are disjoint, their dense rows block-diagonal): every loss type, sparse
groups with and without values, dense groups, several runs fed their previous state, and a small
training loop applying the deltas are compared without ``adaptative``; with ``adaptative`` only a
single example (always visited exactly once) is compared. TF runs with one intra-op thread (its
kernel otherwise races examples on the shared deltas).
"""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
CONFIG = T.ConfigProto(intra_op_parallelism_threads=1, inter_op_parallelism_threads=1)
LOSSES = ["logistic_loss", "squared_loss", "hinge_loss", "smooth_hinge_loss", "poisson_loss"]


def _labels(loss, n, rng):
    if loss == "squared_loss":
        return rng.normal(0, 2, n).astype(np.float32)
    if loss == "poisson_loss":
        return rng.integers(0, 4, n).astype(np.float32)
    return (rng.random(n) > 0.5).astype(np.float32)


def make_problem(loss, kind, n=4, seed=0):
    """Keyword arguments of one SdcaOptimizer call over ``n`` examples with disjoint features:
    ``kind`` is "sparse" (values), "sparse_ones" (no values), "dense" or "mixed"."""
    rng = np.random.default_rng(seed)
    scale = 0.3 if loss == "poisson_loss" else 1.0
    sei, sfi, sfv, si, sw, df, dw = [], [], [], [], [], [], []
    n_sparse = {"sparse": 1, "sparse_ones": 1, "dense": 0, "mixed": 2}[kind]
    for j in range(n_sparse):
        ex, fe = [], []
        for e in range(n):
            if (e + j) % 3 == 2:
                continue  # an example without features in this group
            ex += [e, e]
            fe += [10 * e + 2, 10 * e + 7]
        sei.append(np.array(ex, np.int64))
        sfi.append(np.array(fe, np.int64))
        ids = np.array(sorted({10 * e + k for e in range(n) for k in (2, 7, 5)}), np.int64)
        si.append(rng.permutation(ids))
        sw.append((rng.normal(0, 0.5, ids.size) * scale).astype(np.float32))
        if kind != "sparse_ones" and j == 0:
            sfv.append((rng.normal(0, 1, len(fe)) * scale).astype(np.float32))
    n_dense = {"sparse": 0, "sparse_ones": 0, "dense": 1, "mixed": 2}[kind]
    for j in range(n_dense):
        m = np.zeros((n, 3 * n), np.float32)
        for e in range(n):
            m[e, 3 * e : 3 * e + 2 + j] = rng.normal(0, 1, 2 + j) * scale
        df.append(m)
        dw.append((rng.normal(0, 0.5, 3 * n) * scale).astype(np.float32))
    return dict(
        sparse_example_indices=sei,
        sparse_feature_indices=sfi,
        sparse_feature_values=sfv,
        dense_features=df,
        example_weights=rng.uniform(0.5, 2.0, n).astype(np.float32),
        example_labels=_labels(loss, n, rng),
        sparse_indices=si,
        sparse_weights=sw,
        dense_weights=dw,
        example_state_data=np.zeros((n, 4), np.float32),
    )


def run_both(args, attrs):
    """Runs the op in our library and in TF; returns (ours, theirs) as flat lists of arrays."""
    results = []
    for mod, graph, session in ((tf, tf.Graph, tf.Session), (T, real_tf.Graph, T.Session)):
        with graph().as_default():
            out = mod.train.sdca_optimizer(**args, **attrs)
            kw = {"config": CONFIG} if mod is T else {}
            with session(**kw) as sess:
                state, sparse, dense = sess.run(out)
        results.append([state, *sparse, *dense])
    return results


def assert_close(ours, theirs, rtol=2e-5, atol=1e-6):
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)


ATTRS = dict(l1=0.05, l2=0.8, num_loss_partitions=1, num_inner_iterations=1, adaptative=False)


@pytest.mark.parametrize("kind", ["sparse", "sparse_ones", "dense", "mixed"])
@pytest.mark.parametrize("loss", LOSSES)
def test_one_run_matches_tf(loss, kind):
    args = make_problem(loss, kind, seed=LOSSES.index(loss))
    ours, theirs = run_both(args, dict(ATTRS, loss_type=loss))
    assert_close(ours, theirs)
    assert np.any(ours[0][:, 0] != 0)  # the duals moved


@pytest.mark.parametrize("loss", LOSSES)
def test_runs_fed_their_state_match_tf(loss):
    """Several passes (TF's SDCA model runs the op once per inner iteration) with the state of
    the previous one; ``num_inner_iterations`` is an attribute the kernel does not read."""
    args = make_problem(loss, "mixed", seed=7)
    attrs = dict(ATTRS, loss_type=loss, l1=0.1, l2=1.5, num_inner_iterations=3)
    for _ in range(3):
        ours, theirs = run_both(args, attrs)
        assert_close(ours, theirs, rtol=5e-5, atol=5e-6)
        args["example_state_data"] = theirs[0]


@pytest.mark.parametrize("loss", LOSSES)
def test_zero_weight_examples_and_strong_l1_match_tf(loss):
    """An example of weight 0 (its dual moves, the weights do not: the hinge step divides by
    zero) and an L1 strength that shrinks some weights to zero."""
    args = make_problem(loss, "mixed", seed=9)
    args["example_weights"][[1, 3]] = 0.0
    ours, theirs = run_both(args, dict(ATTRS, loss_type=loss, l1=0.3, l2=0.9))
    assert_close(ours, theirs)


@pytest.mark.parametrize("loss", LOSSES)
def test_adaptive_single_example_matches_tf(loss):
    args = make_problem(loss, "mixed", n=1, seed=3)
    args["example_state_data"] = np.array([[0.1, 0.0, 0.0, 0.0]], np.float32)
    if loss in ("logistic_loss", "hinge_loss", "smooth_hinge_loss"):
        args["example_state_data"][0, 0] *= 2 * args["example_labels"][0] - 1
    ours, theirs = run_both(args, dict(ATTRS, loss_type=loss, adaptative=True))
    assert_close(ours, theirs)


def test_two_loss_partitions_match_tf():
    args = make_problem("squared_loss", "mixed", seed=11)
    args["example_state_data"] = run_both(args, dict(ATTRS, loss_type="squared_loss"))[1][0]
    ours, theirs = run_both(args, dict(ATTRS, loss_type="squared_loss", num_loss_partitions=2))
    assert_close(ours, theirs)


def _train(mod, graph, session, loss, args, steps):
    """A linear model trained by SDCA: each step runs the op on the variables and applies the
    deltas and the new state; returns the variables' values after each step."""
    with graph().as_default():
        sw = [mod.Variable(w, name=f"sparse_w{i}") for i, w in enumerate(args["sparse_weights"])]
        dw = [mod.Variable(w, name=f"dense_w{i}") for i, w in enumerate(args["dense_weights"])]
        state = mod.Variable(args["example_state_data"], name="state")
        call = {**args, "sparse_weights": sw, "dense_weights": dw, "example_state_data": state}
        out = mod.train.sdca_optimizer(**call, **dict(ATTRS, loss_type=loss, l1=0.02, l2=0.5))
        updates = [
            *[mod.assign_add(w, d) for w, d in zip(sw, out.out_delta_sparse_weights)],
            *[mod.assign_add(w, d) for w, d in zip(dw, out.out_delta_dense_weights)],
            mod.assign(state, out.out_example_state_data),
        ]
        step = mod.group(*updates)
        kw = {"config": CONFIG} if mod is T else {}
        with session(**kw) as sess:
            sess.run(mod.global_variables_initializer())
            history = []
            for _ in range(steps):
                sess.run(step)
                history.append(sess.run([*sw, *dw, state]))
    return history


@pytest.mark.parametrize("loss", LOSSES)
def test_training_loop_matches_tf(loss):
    args = make_problem(loss, "mixed", seed=5)
    ours = _train(tf, tf.Graph, tf.Session, loss, args, 4)
    theirs = _train(T, real_tf.Graph, T.Session, loss, args, 4)
    for a, b in zip(ours, theirs):
        assert_close(a, b, rtol=1e-4, atol=1e-5)


def test_graph_matches_tf():
    """Output names, dtypes, static shapes, the namedtuple, the converted inputs' names and the
    attributes (our GraphDef imports into TF and runs there to TF's values)."""
    args = make_problem("squared_loss", "mixed", n=3)
    attrs = dict(ATTRS, loss_type="squared_loss")
    graphs = []
    for mod, graph in ((tf, tf.Graph), (T, real_tf.Graph)):
        g = graph()
        with g.as_default():
            out = mod.train.sdca_optimizer(**args, **attrs, name="sdca")
        graphs.append((g, out))
    (g1, o1), (g2, o2) = graphs
    assert type(o1).__name__ == type(o2).__name__ == "SdcaOptimizer"
    assert o1._fields == o2._fields
    for a, b in zip(
        [o1[0], *o1[1], *o1[2]],
        [o2[0], *o2[1], *o2[2]],
    ):
        assert a.name == b.name and a.dtype.name == b.dtype.name
        assert a.shape.as_list() == b.shape.as_list()
    assert [o.name for o in g1.get_operations()] == [o.name for o in g2.get_operations()]
    for attr in ("loss_type", "l1", "l2", "adaptative", "num_sparse_features"):
        want_value = g2.get_operation_by_name("sdca").get_attr(attr)
        want_value = want_value.decode() if isinstance(want_value, bytes) else want_value
        assert g1.get_operation_by_name("sdca").get_attr(attr) == want_value
    node = next(n for n in g1.as_graph_def().node if n.name == "sdca")
    want = next(n for n in g2.as_graph_def().node if n.name == "sdca")
    assert {k: v.SerializeToString() for k, v in node.attr.items()} == {
        k: v.SerializeToString() for k, v in want.attr.items()
    }
    assert list(node.input) == list(want.input)
    tg = real_tf.Graph()
    with tg.as_default():
        T.import_graph_def(T.GraphDef.FromString(g1.as_graph_def().SerializeToString()), name="")
        with T.Session(config=CONFIG) as sess:
            theirs = sess.run([t.name for t in [o1[0], *o1[1], *o1[2]]])
    with g1.as_default(), tf.Session() as sess:
        ours = sess.run([o1[0], *o1[1], *o1[2]])
    assert_close(ours, theirs)


def test_tf_graph_def_imports_and_runs():
    """TF's GraphDef of the op, imported by ``tf.import_graph_def``, runs to TF's values."""
    args = make_problem("smooth_hinge_loss", "mixed", n=3, seed=6)
    with real_tf.Graph().as_default() as g:
        out = T.train.sdca_optimizer(**args, **dict(ATTRS, loss_type="smooth_hinge_loss"))
        names = [t.name for t in [out[0], *out[1], *out[2]]]
        with T.Session(config=CONFIG) as sess:
            theirs = sess.run(names)
        graph_def = g.as_graph_def()
    with tf.Graph().as_default():
        tensors = tf.import_graph_def(graph_def, return_elements=names, name="")
        assert tensors[0].shape.as_list() == [None, 4]
        with tf.Session() as sess:
            ours = sess.run(tensors)
    assert_close(ours, theirs)


def test_placeholder_inputs_and_unknown_batch():
    args = make_problem("logistic_loss", "mixed", n=3, seed=2)
    results = []
    for mod, graph, session in ((tf, tf.Graph, tf.Session), (T, real_tf.Graph, T.Session)):
        with graph().as_default():
            w = mod.placeholder(mod.float32, [None])
            y = mod.placeholder(mod.float32, [None])
            s = mod.placeholder(mod.float32, [None, None])
            call = {**args, "example_weights": w, "example_labels": y, "example_state_data": s}
            out = mod.train.sdca_optimizer(**call, **dict(ATTRS, loss_type="logistic_loss"))
            assert out.out_example_state_data.shape.as_list() == [None, 4]
            feeds = {
                w: args["example_weights"],
                y: args["example_labels"],
                s: args["example_state_data"],
            }
            kw = {"config": CONFIG} if mod is T else {}
            with session(**kw) as sess:
                a, b, c = sess.run(out, feeds)
            results.append([a, *b, *c])
    assert_close(*results)


def test_inputs_are_not_modified():
    args = make_problem("hinge_loss", "mixed", seed=4)
    with tf.Graph().as_default():
        sw = [tf.Variable(w) for w in args["sparse_weights"]]
        state = tf.Variable(args["example_state_data"])
        call = {**args, "sparse_weights": sw, "example_state_data": state}
        out = tf.train.sdca_optimizer(**call, **dict(ATTRS, loss_type="hinge_loss"))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(out)
            for v, a in zip(sess.run(sw), args["sparse_weights"]):
                np.testing.assert_array_equal(v, a)
            np.testing.assert_array_equal(sess.run(state), args["example_state_data"])


# ---- sdca_shrink_l1 ----------------------------------------------------------------------------
def _shrink(mod, graph, session, values, l1, l2, name=None):
    with graph().as_default():
        if mod is T:
            vs = [T.Variable(v, use_resource=False) for v in values]
        else:
            vs = [tf.Variable(v) for v in values]
        op = mod.train.sdca_shrink_l1(vs, l1=l1, l2=l2, name=name)
        with session() as sess:
            sess.run(mod.global_variables_initializer())
            ret = sess.run(op)
            return op.name, ret, sess.run(vs)


@pytest.mark.parametrize("l1,l2", [(0.3, 3.0), (0.0, 1.0), (1.0, 0.7), (0.25, 0.0)])
def test_shrink_l1_matches_tf(l1, l2):
    rng = np.random.default_rng(1)
    values = [
        np.array([0.5, -0.05, -2.0, 0.1, 0.0, -0.0, 0.1000001], np.float32),
        rng.normal(0, 1, (3, 4)).astype(np.float32),
    ]
    ours = _shrink(tf, tf.Graph, tf.Session, values, l1, l2, name="shrink")
    theirs = _shrink(T, real_tf.Graph, T.Session, values, l1, l2, name="shrink")
    assert ours[0] == theirs[0] == "shrink"
    assert ours[1] is None and theirs[1] is None
    for a, b in zip(ours[2], theirs[2]):
        np.testing.assert_array_equal(a, b)
        np.testing.assert_array_equal(np.signbit(a), np.signbit(b))


def test_shrink_l1_of_no_variables():
    ours = _shrink(tf, tf.Graph, tf.Session, [], 0.1, 1.0)
    theirs = _shrink(T, real_tf.Graph, T.Session, [], 0.1, 1.0)
    assert ours[0] == theirs[0] == "SdcaShrinkL1"


# ---- bad input -----------------------------------------------------------------------------------
def _error(mod, graph, session, args, attrs):
    with graph().as_default():
        try:
            out = mod.train.sdca_optimizer(**args, **attrs)
            kw = {"config": CONFIG} if mod is T else {}
            with session(**kw) as sess:
                sess.run(out)
        except Exception as e:  # (the error is what is compared)
            return e
    return None


def _key(e):
    """The error's own message: its first line (TF adds the node and a traceback after)."""
    msg = e.message if hasattr(e, "message") else str(e)
    if "Graph execution error" in msg:
        msg = msg.split("Node: '")[1].split("\n", 1)[1]
    return msg.split("\n")[0]


def _both_fail(args, attrs):
    ours = _error(tf, tf.Graph, tf.Session, args, attrs)
    theirs = _error(T, real_tf.Graph, T.Session, args, attrs)
    assert theirs is not None and ours is not None, (ours, theirs)
    assert type(ours).__name__ == type(theirs).__name__, (ours, theirs)
    assert _key(ours) == _key(theirs)
    return ours


_SP = make_problem("logistic_loss", "mixed", n=2)
_SFI1 = _SP["sparse_feature_indices"][1]
_A = dict(ATTRS, loss_type="logistic_loss")
_BAD_BUILD = {
    "loss_type": ({}, {"loss_type": "foo"}),
    "loss_type_int": ({}, {"loss_type": 3}),
    "partitions": ({}, {"num_loss_partitions": 0}),
    "inner": ({}, {"num_inner_iterations": 0}),
    "partitions_str": ({}, {"num_loss_partitions": "1"}),
    "l1_str": ({}, {"l1": "x"}),
    "adaptative_str": ({}, {"adaptative": "yes"}),
    "not_a_list": ({"dense_features": np.zeros((2, 6), np.float32)}, {}),
    "feature_indices_length": ({"sparse_feature_indices": _SP["sparse_feature_indices"][:1]}, {}),
    "sparse_indices_length": ({"sparse_indices": _SP["sparse_indices"][:1]}, {}),
    "sparse_weights_length": ({"sparse_weights": []}, {}),
    "dense_weights_length": ({"dense_weights": _SP["dense_weights"][:1]}, {}),
    "weights_string": ({"example_weights": "abc"}, {}),
    "list_of_floats_as_indices": ({"sparse_example_indices": [[0.5, 1.0], [0, 1]]}, {}),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(_BAD_BUILD))
def test_bad_arguments_fail_as_tf(case):
    args, attrs = _BAD_BUILD[case]
    e = _both_fail({**_SP, **args}, {**_A, **attrs})
    assert isinstance(e, (TypeError, ValueError))


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "arg,dtype",
    [
        ("example_weights", "int32"),
        ("example_state_data", "float64"),
        ("sparse_example_indices", "int32"),
        ("sparse_weights", "float64"),
    ],
)
def test_wrong_dtype_tensors_fail_as_tf(arg, dtype):
    errs = []
    for mod, graph in ((tf, tf.Graph), (T, real_tf.Graph)):
        with graph().as_default():
            value = _SP[arg]
            if isinstance(value, list):
                value = [mod.constant(v.astype(dtype)) for v in value]
            else:
                value = mod.constant(value.astype(dtype))
            with pytest.raises(TypeError) as info:
                mod.train.sdca_optimizer(**{**_SP, arg: value}, **_A)
            errs.append(str(info.value))
    assert errs[0] == errs[1]


_BAD_RUN = {
    "label_not_binary": ({"example_labels": np.array([0.5, 1.0], np.float32)}, {}),
    "label_negative_poisson": (
        {"example_labels": np.array([-1.5, 1.0], np.float32)},
        {"loss_type": "poisson_loss"},
    ),
    "label_count": ({"example_labels": np.array([1.0], np.float32)}, {}),
    "state_shape": ({"example_state_data": np.zeros((2, 3), np.float32)}, {}),
    "state_rank": ({"example_state_data": np.zeros(8, np.float32)}, {}),
    "dense_too_wide": ({"dense_weights": [np.zeros(2, np.float32)] * 2}, {}),
    "dense_no_columns": ({"dense_features": [np.zeros((2, 0), np.float32)] * 2}, {}),
    "dense_rank": ({"dense_features": [np.zeros(2, np.float32)] * 2}, {}),
    "no_features": (
        {
            k: []
            for k in (
                "sparse_example_indices",
                "sparse_feature_indices",
                "sparse_feature_values",
                "dense_features",
                "sparse_indices",
                "sparse_weights",
                "dense_weights",
            )
        },
        {},
    ),
    "feature_out_of_range": (
        {
            "sparse_feature_indices": [
                np.array([2, 7, 99], np.int64),
                _SP["sparse_feature_indices"][1],
            ]
        },
        {},
    ),
    "mismatched_indices": (
        {"sparse_feature_indices": [np.array([2, 7], np.int64), _SFI1]},
        {},
    ),
    "duplicate_feature": (
        {
            "sparse_feature_indices": [
                np.array([2, 2, 12], np.int64),
                _SP["sparse_feature_indices"][1],
            ]
        },
        {},
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(_BAD_RUN))
def test_bad_values_fail_at_run_as_tf(case):
    args, attrs = _BAD_RUN[case]
    e = _both_fail({**_SP, **args}, {**_A, **attrs})
    assert isinstance(e, tf.errors.InvalidArgumentError)
    assert "SdcaOptimizer" in str(e)


@pytest.mark.bad_input
def test_session_keeps_working_after_a_failed_run():
    with tf.Graph().as_default():
        labels = tf.placeholder(tf.float32, [2])
        out = tf.train.sdca_optimizer(**{**_SP, "example_labels": labels}, **_A)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="label: 2"):
                sess.run(out, {labels: [2.0, 0.0]})
            state = sess.run(out.out_example_state_data, {labels: [1.0, 0.0]})
            assert state.shape == (2, 4)


@pytest.mark.bad_input
@pytest.mark.parametrize("case", ["resource_or_tensor", "not_a_list", "l1_str"])
def test_shrink_l1_bad_arguments_fail_as_tf(case):
    errs = []
    for mod, graph in ((tf, tf.Graph), (T, real_tf.Graph)):
        with graph().as_default():
            v = mod.Variable([1.0]) if mod is tf else T.Variable([1.0], use_resource=False)
            if case == "resource_or_tensor":
                args: tuple = ([mod.constant([1.0])], 0.1, 1.0)
            elif case == "not_a_list":
                args = (v, 0.1, 1.0)
            else:
                args = ([v], "a", 1.0)
            with pytest.raises(TypeError) as info:
                mod.train.sdca_shrink_l1(*args)
            errs.append(str(info.value))
    if case == "not_a_list":  # (the variable's repr differs: compare up to it)
        errs = [e.split(", not")[0] for e in errs]
    assert errs[0] == errs[1]


# ---- sdca_fprint ---------------------------------------------------------------------------------
def _fprint_strings():
    rng = np.random.default_rng(12)
    fixed = [b"", b"a", b"abc", b"abcd", b"abcdefgh", b"0123456789abcdef", "ünïcode id"]
    lengths = (9, 17, 31, 32, 33, 64, 127, 128, 129, 143, 144, 200, 256, 257, 1000)
    return fixed + [bytes(rng.integers(0, 256, n).astype(np.uint8)) for n in lengths]


def test_sdca_fprint_matches_tf():
    """FarmHash Fingerprint128 of strings of every length class (<16, 16..127, >= 128 bytes,
    with 0..3 tail chunks), bit for bit; names, static shapes; read by a kernel in the same
    run."""
    strings = _fprint_strings()
    results = []
    for mod, graph in ((tf, tf.Graph), (T, real_tf.Graph)):
        with graph().as_default() as g:
            out = mod.train.sdca_fprint(strings)
            other = mod.train.sdca_fprint(mod.constant([b"x", b"y"], dtype=mod.string), name="fp")
            names = [o.name for o in g.get_operations()]
            total = mod.reduce_sum(mod.train.sdca_fprint(strings[:3]) // 1024, axis=1)
            shapes = [t.shape.as_list() for t in (out, other, total)]
            with tf.Session() if mod is tf else T.Session() as sess:
                values = sess.run([out, other, total])
        results.append((out.name, shapes, names, values))
    (n1, s1, o1, v1), (n2, s2, o2, v2) = results
    assert (n1, s1, o1) == (n2, s2, o2)
    for a, b in zip(v1, v2):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)


def test_sdca_fprint_graph_def_runs_in_tf():
    strings = _fprint_strings()
    with tf.Graph().as_default() as g:
        out = tf.train.sdca_fprint(strings)
        with tf.Session() as sess:
            ours = sess.run(out)
    with real_tf.Graph().as_default():
        T.import_graph_def(T.GraphDef.FromString(g.as_graph_def().SerializeToString()), name="")
        with T.Session() as sess:
            np.testing.assert_array_equal(ours, sess.run(out.name))


@pytest.mark.bad_input
@pytest.mark.parametrize("case", ["rank2", "ints", "int_tensor"])
def test_sdca_fprint_bad_input_fails_as_tf(case):
    errs = []
    for mod, graph in ((tf, tf.Graph), (T, real_tf.Graph)):
        with graph().as_default():
            arg = {
                "rank2": [["a", "b"], ["c", "d"]],
                "ints": [1, 2],
                "int_tensor": mod.constant([1, 2]),
            }[case]
            with pytest.raises((TypeError, ValueError)) as info:
                mod.train.sdca_fprint(arg)
            errs.append((type(info.value).__name__, str(info.value)))
    assert errs[0][0] == errs[1][0]
    if case == "rank2":  # (TF names the node after "for"; ours prefixes the op type)
        errs = [(k, m.split(" for ")[0].replace("[SdcaFprint] ", "")) for k, m in errs]
    assert errs[0] == errs[1]
