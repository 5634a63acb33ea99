"""``tf.saved_model`` (TF 1.x) side by side with TF 2.21 ``compat.v1.saved_model``: SavedModels
TF's builder writes (ref and resource variables, trained values, two meta graphs, text format)
load here and run to TF's values; ours (``Builder``, ``simple_save``, ``as_text``) load in TF's
loader and run to the same values; the signature and tensor-info helpers and the constants equal
TF's. Assets, init ops and bad input: ``test_saved_model_assets_vs_tf.py``."""

from __future__ import annotations

import os
import shutil

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
RNG = np.random.default_rng(17)
X = RNG.standard_normal((5, 3)).astype(np.float32)
W0 = RNG.standard_normal((3, 2)).astype(np.float32)
B0 = RNG.standard_normal(2).astype(np.float32)


def _model(m, use_resource=False):
    """x [None, 3] -> y = x @ w + b, and one gradient-descent step that changes the variables
    before saving (the saved graph holds the training ops too)."""
    x = m.placeholder(m.float32, [None, 3], name="x")
    w = m.Variable(W0, name="w", use_resource=use_resource)
    b = m.Variable(B0, name="b", use_resource=use_resource)
    y = m.add(m.matmul(x, w), b, name="y")
    train = m.train.GradientDescentOptimizer(0.01).minimize(m.reduce_sum(m.square(y)))
    return x, w, y, train


def _session(m, g):
    return m.Session(graph=g) if m is tf else T.Session(graph=g)


def _graph(m):
    return tf.Graph() if m is tf else real_tf.Graph()


def _save_trained(m, export_dir, use_resource=False, as_text=False, second_graph=False):
    """Builds the model with ``m``, changes its variables twice, saves it with a predict signature
    (tag ``serve``) and, with ``second_graph``, a second meta graph tagged ``train`` whose
    signature names the loss; returns y for X."""
    g = _graph(m)
    with g.as_default():
        x, _, y, train = _model(m, use_resource)
        with _session(m, g) as s:
            s.run(m.global_variables_initializer())
            for _ in range(2):
                s.run(train, {x: X})
            want = s.run(y, {x: X})
            b = m.saved_model.builder.SavedModelBuilder(export_dir)
            sig = m.saved_model.signature_def_utils.predict_signature_def({"x": x}, {"y": y})
            b.add_meta_graph_and_variables(
                s, [m.saved_model.tag_constants.SERVING], signature_def_map={"predict": sig}
            )
            if second_graph:
                sig2 = m.saved_model.build_signature_def(
                    {"x": m.saved_model.utils.build_tensor_info(x)},
                    {"y2": m.saved_model.utils.build_tensor_info(2.0 * y)},
                    "custom/method",
                )
                b.add_meta_graph([m.saved_model.TRAINING, "extra"], {"double": sig2})
            path = b.save(as_text=as_text)
    return want, path


def _load_and_run(m, export_dir, tags=("serve",), key="predict", out="y", import_scope=None):
    """Loads ``export_dir`` with ``m``'s loader into a fresh graph; runs the signature's output
    for X; returns (value, the MetaGraphDef)."""
    g = _graph(m)
    with g.as_default(), _session(m, g) as s:
        meta = m.saved_model.loader.load(s, list(tags), export_dir, import_scope=import_scope)
        sig = meta.signature_def[key]
        utils = m.saved_model.utils
        x = utils.get_tensor_from_tensor_info(sig.inputs["x"], import_scope=import_scope)
        y = utils.get_tensor_from_tensor_info(sig.outputs[out], import_scope=import_scope)
        return s.run(y, {x: X}), meta


def _sig_bytes(meta) -> dict:
    return {
        k: meta.signature_def[k].SerializeToString(deterministic=True) for k in meta.signature_def
    }


@pytest.mark.parametrize("use_resource", [False, True], ids=["ref", "resource"])
def test_tf_saved_model_loads_here(tmp_path, use_resource):
    export_dir = str(tmp_path / "tf_model")
    want, path = _save_trained(T, export_dir, use_resource)
    assert path == os.fsencode(os.path.join(export_dir, "saved_model.pb"))
    assert sorted(os.listdir(export_dir)) == ["saved_model.pb", "variables"]
    got, meta = _load_and_run(tf, export_dir)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    assert not np.allclose(got, X @ W0 + B0)  # the trained values, not the initial ones
    _, tmeta = _load_and_run(T, export_dir)
    assert _sig_bytes(meta) == _sig_bytes(tmeta)
    assert list(meta.meta_info_def.tags) == ["serve"]
    sig = meta.signature_def["predict"]
    assert sig.method_name == "tensorflow/serving/predict"
    assert (sig.inputs["x"].name, sig.outputs["y"].name) == ("x:0", "y:0")
    assert [d.size for d in sig.inputs["x"].tensor_shape.dim] == [-1, 3]


def test_tf_saved_model_two_meta_graphs_text_and_import_scope_load_here(tmp_path):
    export_dir = str(tmp_path / "tf_text")
    want, path = _save_trained(T, export_dir, as_text=True, second_graph=True)
    assert path.endswith(b"saved_model.pbtxt")
    got, _ = _load_and_run(tf, export_dir, import_scope="imp")
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    got2, meta2 = _load_and_run(tf, export_dir, ("extra", "train"), "double", "y2")
    np.testing.assert_allclose(got2, 2.0 * want, rtol=1e-6, atol=1e-6)
    assert sorted(meta2.meta_info_def.tags) == ["extra", "train"]
    assert meta2.signature_def["double"].method_name == "custom/method"
    tgot2, tmeta2 = _load_and_run(T, export_dir, ("extra", "train"), "double", "y2")
    np.testing.assert_allclose(got2, tgot2, rtol=1e-6, atol=1e-6)
    assert _sig_bytes(meta2) == _sig_bytes(tmeta2)


@pytest.mark.parametrize("as_text", [False, True], ids=["binary", "text"])
def test_ours_loads_in_tf(tmp_path, as_text):
    export_dir = str(tmp_path / "ours")
    want, path = _save_trained(tf, export_dir, as_text=as_text, second_graph=True)
    name = "saved_model.pbtxt" if as_text else "saved_model.pb"
    assert path == os.fsencode(os.path.join(export_dir, name))
    assert sorted(os.listdir(export_dir)) == [name, "variables"]
    assert sorted(os.listdir(os.path.join(export_dir, "variables"))) == [
        "variables.data-00000-of-00001",
        "variables.index",
    ]
    got, tmeta = _load_and_run(T, export_dir)
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    got2, _ = _load_and_run(T, export_dir, ("train", "extra"), "double", "y2")
    np.testing.assert_allclose(got2, 2.0 * want, rtol=1e-6, atol=1e-6)
    # and back here, under an import scope
    ours, meta = _load_and_run(tf, export_dir, import_scope="scope")
    np.testing.assert_allclose(ours, want, rtol=1e-6, atol=1e-6)
    assert _sig_bytes(meta) == _sig_bytes(tmeta)


def test_simple_save_here_loads_in_tf_and_tf_simple_save_loads_here(tmp_path):
    for saver_m, loader_m in ((tf, T), (T, tf)):
        export_dir = str(tmp_path / f"simple_{saver_m is tf}")
        g = _graph(saver_m)
        with g.as_default():
            with saver_m.device("/cpu:0"):
                x, w, y, _ = _model(saver_m)
            assert any(op.device for op in g.get_operations())
            with _session(saver_m, g) as s:
                s.run(saver_m.global_variables_initializer())
                s.run(saver_m.assign(w, w * 1.5 + 0.25))
                want = s.run(y, {x: X})
                saver_m.saved_model.simple_save(s, export_dir, {"x": x}, {"y": y})
        got, meta = _load_and_run(loader_m, export_dir, key="serving_default")
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        np.testing.assert_allclose(got, X @ (W0 * 1.5 + 0.25) + B0, rtol=1e-5, atol=1e-5)
        assert list(meta.signature_def) == ["serving_default"]
        # devices cleared, as simple_save asks
        assert all(not n.device for n in meta.graph_def.node)


def test_graph_without_variables_both_ways(tmp_path):
    """No variables: an empty ``variables/`` directory, nothing restored, the graph runs."""
    for saver_m in (T, tf):
        export_dir = str(tmp_path / f"novars_{saver_m is tf}")
        g = _graph(saver_m)
        with g.as_default():
            x = saver_m.placeholder(saver_m.float32, [None, 3], name="x")
            y = saver_m.identity(2.0 * x + 1.0, name="y")
            with _session(saver_m, g) as s:
                saver_m.saved_model.simple_save(s, export_dir, {"x": x}, {"y": y})
        assert sorted(os.listdir(export_dir)) == ["saved_model.pb", "variables"]
        assert os.listdir(os.path.join(export_dir, "variables")) == []
        for loader_m in (T, tf):
            got, _ = _load_and_run(loader_m, export_dir, key="serving_default")
            np.testing.assert_allclose(got, 2.0 * X + 1.0, rtol=1e-6)


def test_saved_model_proto_as_tfs(tmp_path):
    """Our saved_model.pb parses as TF's SavedModel: schema version, tags, collections."""
    from tensorflow.core.protobuf import saved_model_pb2

    export_dir = str(tmp_path / "ours")
    _save_trained(tf, export_dir, second_graph=True)
    with open(os.path.join(export_dir, "saved_model.pb"), "rb") as f:
        sm = saved_model_pb2.SavedModel.FromString(f.read())
    assert sm.saved_model_schema_version == 1
    assert [sorted(m.meta_info_def.tags) for m in sm.meta_graphs] == [
        ["serve"],
        ["extra", "train"],
    ]
    assert not sm.meta_graphs[0].HasField("saver_def")  # TF's loader builds its own Saver
    names = [v.variable_name for v in _variable_defs(sm.meta_graphs[0])]
    assert names == ["w:0", "b:0"]


def _variable_defs(meta):
    from tensorflow.core.framework import variable_pb2

    col = meta.collection_def["variables"].bytes_list.value
    return [variable_pb2.VariableDef.FromString(v) for v in col]


# ---- the helpers: TensorInfo, SignatureDef, constants --------------------------------------------
def _helpers(m):
    """Every helper's result on the same graph, serialized."""
    out = {}
    with _graph(m).as_default():
        x = m.placeholder(m.float32, [None, 3], name="x")
        u = m.placeholder(m.int32, None, name="unknown_rank")
        s = m.placeholder(m.string, [None], name="examples")
        scores = m.placeholder(m.float32, [None, 4], name="scores")
        classes = m.placeholder(m.string, [None, 4], name="classes")
        sp = m.SparseTensor(
            m.constant([[0, 1], [2, 0]], m.int64, name="idx"),
            m.constant([1.0, 2.0], name="vals"),
            m.constant([3, 3], m.int64, name="shape"),
        )
        v = m.Variable(W0, name="v", use_resource=False)
        seven = m.constant(7, name="seven")
        info = m.saved_model.utils.build_tensor_info
        for name, t in (("x", x), ("u", u), ("s", s), ("sp", sp), ("v", v)):
            out[f"info_{name}"] = info(t)
        out["predict"] = m.saved_model.predict_signature_def({"a": x, "b": u}, {"c": scores})
        out["classify"] = m.saved_model.classification_signature_def(s, classes, scores)
        out["classify_scores"] = m.saved_model.classification_signature_def(s, None, scores)
        out["regress"] = m.saved_model.regression_signature_def(s, m.reduce_sum(scores, 1))
        out["built"] = m.saved_model.build_signature_def(
            {"x": info(x)}, {"s": info(s)}, "my/method", defaults={"x": seven}
        )
        # a TensorInfo found again in the graph
        got = m.saved_model.utils.get_tensor_from_tensor_info(out["info_sp"])
        out["sparse_back"] = (got.indices.name, got.values.name, got.dense_shape.name)
        out["dense_back"] = m.saved_model.get_tensor_from_tensor_info(out["info_x"]).name
    return out


def test_tensor_info_and_signature_defs_as_tfs():
    want, got = _helpers(T), _helpers(tf)
    assert sorted(got) == sorted(want)
    for k in want:
        if k.endswith("_back"):
            assert got[k] == want[k], k
        elif k == "built":
            a, b = want[k], got[k]
            assert a.method_name == b.method_name
            assert a.inputs["x"].SerializeToString() == b.inputs["x"].SerializeToString()
            assert a.outputs["s"].SerializeToString() == b.outputs["s"].SerializeToString()
            assert real_tf.make_ndarray(a.defaults["x"]) == 7
            assert b.defaults["x"].dtype == a.defaults["x"].dtype
            assert tf.make_ndarray(b.defaults["x"]) == 7
        else:
            assert got[k].SerializeToString(deterministic=True) == want[k].SerializeToString(
                deterministic=True
            ), k
    assert got["info_v"].dtype == 101  # DT_FLOAT_REF, as TF's ref variable
    assert got["info_u"].tensor_shape.unknown_rank


def test_is_valid_signature_as_tfs():
    """Our is_valid_signature on TF's SignatureDefs and TF's on ours, over valid ones and ones
    broken field by field."""
    from tensorflow.core.protobuf import meta_graph_pb2

    sigs = {**_helpers(T)}
    cases = [sigs["predict"], sigs["classify"], sigs["classify_scores"], sigs["regress"]]
    cases.append(sigs["built"])
    for base, edit in (
        ("predict", lambda s: s.outputs.clear()),
        ("predict", lambda s: s.inputs.clear()),
        ("regress", lambda s: setattr(s.inputs["inputs"], "dtype", 1)),
        ("regress", lambda s: setattr(s.outputs["outputs"], "dtype", 7)),
        ("regress", lambda s: s.outputs["more"].CopyFrom(s.outputs["outputs"])),
        ("classify", lambda s: setattr(s.outputs["classes"], "dtype", 1)),
        ("classify", lambda s: setattr(s.outputs["scores"], "dtype", 9)),
        ("classify", lambda s: s.outputs["other"].CopyFrom(s.outputs["scores"])),
        ("classify", lambda s: s.outputs.clear()),
        ("classify", lambda s: setattr(s, "method_name", "tensorflow/serving/regress")),
    ):
        s = meta_graph_pb2.SignatureDef()
        s.CopyFrom(sigs[base])
        edit(s)
        cases.append(s)
    want = [T.saved_model.is_valid_signature(s) for s in cases]
    assert want == [True, True, True, True, False] + [False] * 10
    assert [tf.saved_model.is_valid_signature(s) for s in cases] == want
    ours = [tf.saved_model.signature_def_utils.build_signature_def(), *_helpers(tf).values()]
    ours = [s for s in ours if hasattr(s, "method_name")]
    assert [tf.saved_model.is_valid_signature(s) for s in ours] == [
        T.saved_model.is_valid_signature(
            meta_graph_pb2.SignatureDef.FromString(s.SerializeToString())
        )
        for s in ours
    ]
    assert tf.saved_model.is_valid_signature(None) is T.saved_model.is_valid_signature(None)


def test_constants_and_names_as_tfs():
    mods = ("constants", "signature_constants", "tag_constants")
    for mod in mods:
        names = [n for n in dir(getattr(T.saved_model, mod)) if n.isupper()]
        assert names, mod
        for n in names:
            assert getattr(getattr(tf.saved_model, mod), n) == getattr(
                getattr(T.saved_model, mod), n
            ), (mod, n)
            if hasattr(T.saved_model, n) and n not in ("GPU", "TPU"):  # (out of scope)
                assert getattr(tf.saved_model, n) == getattr(T.saved_model, n), n
    # the submodules' public functions and classes, as TF names them
    for mod in ("builder", "loader", "main_op", "signature_def_utils", "utils"):
        want = {n for n in dir(getattr(T.saved_model, mod)) if not n.startswith("_")}
        for n in want:
            assert callable(getattr(getattr(tf.saved_model, mod), n)), (mod, n)
    assert tf.saved_model.Builder is tf.saved_model.builder.SavedModelBuilder
    assert tf.saved_model.load is tf.saved_model.loader.load
    assert tf.saved_model.main_op_with_restore is tf.saved_model.main_op.main_op_with_restore


def test_contains_saved_model_as_tfs(tmp_path):
    (tmp_path / "pb").mkdir()
    (tmp_path / "pb" / "saved_model.pb").write_bytes(b"")
    (tmp_path / "txt").mkdir()
    (tmp_path / "txt" / "saved_model.pbtxt").write_bytes(b"")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "model.pb").write_bytes(b"")
    dirs = [tmp_path / d for d in ("pb", "txt", "other", "missing")]
    want = [T.saved_model.contains_saved_model(str(d)) for d in dirs]
    assert want == [True, True, False, False]
    assert [tf.saved_model.contains_saved_model(str(d)) for d in dirs] == want
    assert [tf.saved_model.maybe_saved_model_directory(d) for d in dirs] == want
    assert [tf.saved_model.loader.maybe_saved_model_directory(str(d)) for d in dirs] == want


@pytest.mark.parametrize("as_text", [False, True], ids=["binary", "text"])
def test_method_name_updater_as_tfs(tmp_path, as_text):
    """Both updaters on copies of one TF SavedModel: the files they write load in TF with the
    same method names; bad keys and tags raise TF's errors."""
    export_dir = str(tmp_path / "tf_model")
    want_y, _ = _save_trained(T, export_dir, as_text=as_text, second_graph=True)
    methods = {}
    for m in (T, tf):
        out = str(tmp_path / f"updated_{m is tf}")
        os.makedirs(out)
        updater = m.saved_model.signature_def_utils.MethodNameUpdater(export_dir)
        updater.replace_method_name("predict", "tensorflow/serving/regress", tags="serve")
        updater.replace_method_name("double", "new/method", tags=["train", "extra"])
        assert updater.save(out) is None
        assert os.listdir(out) == ["saved_model.pbtxt" if as_text else "saved_model.pb"]
        shutil.copytree(os.path.join(export_dir, "variables"), os.path.join(out, "variables"))
        y, meta = _load_and_run(T, out)
        np.testing.assert_allclose(y, want_y, rtol=1e-6, atol=1e-6)
        _, meta2 = _load_and_run(T, out, ("extra", "train"), "double", "y2")
        methods[m is tf] = (
            meta.signature_def["predict"].method_name,
            meta2.signature_def["double"].method_name,
        )
    assert methods[True] == methods[False] == ("tensorflow/serving/regress", "new/method")
    for args in (
        ("double", "x", ["serve"]),  # the serve graph has no "double"
        ("predict", "x", ["gpu"]),
        ("predict", "x", None),  # the train graph has no "predict"
        ("", "x", None),
        ("predict", "", None),
    ):
        errs = []
        for m in (T, tf):
            updater = m.saved_model.signature_def_utils.MethodNameUpdater(export_dir)
            with pytest.raises(ValueError) as e:
                updater.replace_method_name(*args)
            errs.append(str(e.value))
        assert errs[0] == errs[1], args
