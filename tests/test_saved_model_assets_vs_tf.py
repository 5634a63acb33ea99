"""``tf.saved_model`` assets, init ops and bad input side by side with TF 2.21
``compat.v1.saved_model``: every SavedModel is written by both builders and read by both
loaders; asset files are copied to ``assets/`` (names made unique as TF's) and their tensors
fed with the copies' paths when the init op runs; ``main_op``, ``main_op_with_restore``,
``legacy_init_op`` (also through ``simple_save``) and TF 2's init-op signature run after the
restore as in TF; bad input raises TF's errors with TF's messages."""

from __future__ import annotations

import os

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")
BOTH = [T, tf]


def _graph(m):
    return tf.Graph() if m is tf else real_tf.Graph()


def _session(m, g):
    return m.Session(graph=g) if m is tf else T.Session(graph=g)


def _fprint(path: bytes) -> np.ndarray:
    """TF's SdcaFprint of one string."""
    with real_tf.Graph().as_default(), T.Session() as s:
        return s.run(T.train.sdca_fprint(T.constant([path])))


# ---- assets --------------------------------------------------------------------------------------
def _save_with_assets(m, export_dir, paths):
    """A graph whose asset constants (one per path, in ``ASSET_FILEPATHS``) feed local
    variables holding their fingerprints; the local variables' initializer is the legacy init
    op, so the loader computes them from the fed paths. A global ``w`` is saved as 5."""
    g = _graph(m)
    with g.as_default():
        fps = []
        for i, p in enumerate(paths):
            asset = m.constant(p, name=f"asset_{i}")
            m.add_to_collection(m.GraphKeys.ASSET_FILEPATHS, asset)
            fprint = m.train.sdca_fprint(m.reshape(asset, [1]))
            local = [m.GraphKeys.LOCAL_VARIABLES]
            fps.append(
                m.Variable(
                    fprint, name=f"fp_{i}", collections=local, trainable=False, use_resource=False
                ).name
            )
        w = m.Variable(3.0, name="w", use_resource=False)
        with _session(m, g) as s:
            s.run(m.assign(w, 5.0))
            b = m.saved_model.Builder(export_dir)
            b.add_meta_graph_and_variables(
                s,
                ["serve"],
                assets_collection=m.get_collection(m.GraphKeys.ASSET_FILEPATHS),
                legacy_init_op=m.local_variables_initializer(),
            )
            b.save()
    return fps


def _load_values(m, export_dir, names, tags=("serve",)):
    g = _graph(m)
    with g.as_default(), _session(m, g) as s:
        meta = m.saved_model.loader.load(s, list(tags), export_dir)
        return s.run(names), meta


@pytest.mark.parametrize("saver_m", BOTH, ids=["saved_by_tf", "saved_here"])
def test_assets_copied_and_fed_with_their_paths(tmp_path, saver_m):
    src = tmp_path / "src"
    (src / "a").mkdir(parents=True)
    (src / "b").mkdir()
    (src / "a" / "vocab.txt").write_text("alpha\nbeta\n")
    (src / "b" / "vocab.txt").write_text("gamma\n")  # same name, other contents
    (src / "b" / "same.txt").write_text("alpha\nbeta\n")
    paths = [str(src / "a" / "vocab.txt"), str(src / "b" / "vocab.txt")]
    paths += [str(src / "a" / "vocab.txt"), str(src / "b" / "same.txt")]  # a repeat
    export_dir = str(tmp_path / "model")
    names = _save_with_assets(saver_m, export_dir, paths)
    assets = os.path.join(export_dir, "assets")
    assert sorted(os.listdir(assets)) == ["same.txt", "vocab.txt", "vocab.txt_1"]
    with open(os.path.join(assets, "vocab.txt_1")) as f:
        assert f.read() == "gamma\n"
    with open(os.path.join(assets, "vocab.txt")) as f:
        assert f.read() == "alpha\nbeta\n"
    copies = ["vocab.txt", "vocab.txt_1", "vocab.txt", "same.txt"]
    want = [_fprint(os.fsencode(os.path.join(assets, c))) for c in copies]
    for loader_m in BOTH:
        got, meta = _load_values(loader_m, export_dir, [*names, "w:0"])
        for g, w in zip(got[:-1], want):
            np.testing.assert_array_equal(g, w)
        assert got[-1] == 5.0  # restored before the init op ran
        col = meta.collection_def["saved_model_assets"].any_list.value
        assert len(col) == 4
        assert all(a.type_url == "type.googleapis.com/tensorflow.AssetFileDef" for a in col)


def test_asset_tensors_under_an_import_scope(tmp_path):
    (tmp_path / "vocab.txt").write_text("x\n")
    export_dir = str(tmp_path / "model")
    _save_with_assets(T, export_dir, [str(tmp_path / "vocab.txt")])
    want = _fprint(os.fsencode(os.path.join(export_dir, "assets", "vocab.txt")))
    with tf.Graph().as_default(), tf.Session() as s:
        tf.saved_model.loader.load(s, ["serve"], export_dir, import_scope="imp")
        np.testing.assert_array_equal(s.run("imp/fp_0:0"), want)
        assert s.run("imp/w:0") == 5.0


# ---- init ops ------------------------------------------------------------------------------------
def _save_with_init_op(m, export_dir, kind):
    """w (initial 1, saved as 5), local ``loc`` (initial 4) and ``marker`` (initial 0), and
    the init op of ``kind``."""
    g = _graph(m)
    with g.as_default():
        local = [m.GraphKeys.LOCAL_VARIABLES]
        w = m.Variable(1.0, name="w", use_resource=False)
        loc = m.Variable(4.0, name="loc", collections=local, trainable=False, use_resource=False)
        marker = m.Variable(
            0.0, name="marker", collections=local, trainable=False, use_resource=False
        )
        x = m.placeholder(m.float32, [None], name="x")
        y = m.multiply(x, w, name="y")
        with _session(m, g) as s:
            s.run(m.global_variables_initializer())
            s.run(m.assign(w, 5.0))
            kw = {}
            if kind == "main_op":
                kw["main_op"] = m.saved_model.main_op.main_op()
            elif kind == "main_op_with_restore":
                set_marker = m.assign(marker, 7.0).op
                kw["main_op"] = m.saved_model.main_op_with_restore(set_marker)
            elif kind in ("legacy_init_op", "simple_save"):
                kw["legacy_init_op"] = m.group(m.assign(loc, w * 2.0), marker.initializer)
            elif kind == "init_op_signature":  # TF 2's internal builder (TF's side only)
                kw["init_op"] = m.group(m.assign(loc, w * 3.0), marker.initializer)
            if kind == "simple_save":
                m.saved_model.simple_save(s, export_dir, {"x": x}, {"y": y}, **kw)
                return
            if kind == "init_op_signature":
                b = real_tf.__internal__.saved_model.SavedModelBuilder(export_dir)
            else:
                b = m.saved_model.Builder(export_dir)
            b.add_meta_graph_and_variables(s, ["serve"], **kw)
            b.save()


KINDS = ["none", "main_op", "main_op_with_restore", "legacy_init_op", "simple_save"]


@pytest.mark.parametrize("kind", KINDS)
def test_init_ops_run_after_the_restore_as_tfs(tmp_path, kind):
    names = ["w:0"] if kind == "none" else ["w:0", "loc:0", "marker:0"]
    results = {}
    for saver_m in BOTH:
        export_dir = str(tmp_path / f"{kind}_{saver_m is tf}")
        _save_with_init_op(saver_m, export_dir, kind)
        for loader_m in BOTH:
            got, meta = _load_values(loader_m, export_dir, names)
            results[(saver_m is tf, loader_m is tf)] = got
            if kind == "none":
                assert "saved_model_main_op" not in meta.collection_def
            else:
                assert len(meta.collection_def["saved_model_main_op"].node_list.value) == 1
    want = {
        "none": [5.0],
        "main_op": [1.0, 4.0, 0.0],  # main_op initializes the global variables too
        "main_op_with_restore": [1.0, 4.0, 7.0],
        "legacy_init_op": [5.0, 10.0, 0.0],  # loc = 2 * the restored w
        "simple_save": [5.0, 10.0, 0.0],
    }[kind]
    for key, got in results.items():
        if kind == "main_op_with_restore" and not key[1]:
            # TF's main_op_with_restore groups the restore op under a control dependency on
            # main_op, which orders the group's NoOp, not the restore op itself: TF's executor
            # may run the marker's assignment before or after main_op re-initializes it
            np.testing.assert_allclose(got[:2], want[:2], err_msg=str(key))
            assert got[2] in (0.0, 7.0), key
            continue
        np.testing.assert_allclose(got, want, err_msg=str(key))


def test_tf2_init_op_signature_runs_here(tmp_path):
    export_dir = str(tmp_path / "tf2_builder")
    _save_with_init_op(T, export_dir, "init_op_signature")
    want, _ = _load_values(T, export_dir, ["w:0", "loc:0", "marker:0"])
    got, meta = _load_values(tf, export_dir, ["w:0", "loc:0", "marker:0"])
    np.testing.assert_allclose(want, [5.0, 15.0, 0.0])
    np.testing.assert_allclose(got, want)
    assert "__saved_model_init_op" in meta.signature_def
    assert "saved_model_main_op" not in meta.collection_def


# ---- bad input -----------------------------------------------------------------------------------
def _error(fn):
    try:
        fn()
    except Exception as e:  # the error to compare
        return e
    raise AssertionError("no error raised")


def _both(fn_of_m):
    """(TF's error, ours) for the same call."""
    return _error(lambda: fn_of_m(T)), _error(lambda: fn_of_m(tf))


def _load_into_fresh(m, export_dir, tags):
    with _graph(m).as_default() as g, _session(m, g) as s:
        m.saved_model.loader.load(s, tags, export_dir)


def _simple_model(m, export_dir):
    g = _graph(m)
    with g.as_default():
        x = m.placeholder(m.float32, [None], name="x")
        w = m.Variable(2.0, name="w", use_resource=False)
        with _session(m, g) as s:
            s.run(w.initializer)
            m.saved_model.simple_save(s, export_dir, {"x": x}, {"y": x * w})


@pytest.mark.bad_input
@pytest.mark.parametrize("saver_m", BOTH, ids=["saved_by_tf", "saved_here"])
def test_missing_tags_and_missing_directory_as_tf(tmp_path, saver_m):
    export_dir = str(tmp_path / "model")
    _simple_model(saver_m, export_dir)
    for tags in (["train"], ["serve", "gpu"], []):
        want, got = _both(lambda m, tags=tags: _load_into_fresh(m, export_dir, tags))
        assert type(want) is type(got) is RuntimeError
        assert str(got) == str(want)
        assert "could not be found in SavedModel, with available tags '[{'serve'}]'" in str(got)
    missing = str(tmp_path / "nowhere")
    want, got = _both(lambda m: _load_into_fresh(m, missing, ["serve"]))
    assert isinstance(want, OSError) and isinstance(got, OSError)
    assert (
        str(got)
        == str(want)
        == (f"SavedModel file does not exist at: {missing}/{{saved_model.pbtxt|saved_model.pb}}")
    )


@pytest.mark.bad_input
@pytest.mark.parametrize("saver_m", BOTH, ids=["saved_by_tf", "saved_here"])
def test_corrupt_saved_model_files_as_tf(tmp_path, saver_m):
    export_dir = str(tmp_path / "model")
    _simple_model(saver_m, export_dir)
    pb = os.path.join(export_dir, "saved_model.pb")
    with open(pb, "rb") as f:
        data = f.read()
    for cut in (len(data) // 2, len(data) - 3, 7):
        with open(pb, "wb") as f:
            f.write(data[:cut])
        want, got = _both(lambda m: _load_into_fresh(m, export_dir, ["serve"]))
        assert isinstance(want, OSError) and isinstance(got, OSError), (want, got)
        assert str(got) == str(want)
        assert str(got).startswith(f"Cannot parse file {os.fsencode(pb)!r}: Error parsing message")
    os.remove(pb)
    txt = os.path.join(export_dir, "saved_model.pbtxt")
    for text in ("meta_graphs { meta_info_def { tags: 'serve' } ", "nonsense: 3\n"):
        with open(txt, "w") as f:
            f.write(text)
        want, got = _both(lambda m: _load_into_fresh(m, export_dir, ["serve"]))
        assert isinstance(want, OSError) and isinstance(got, OSError), (want, got)
        assert str(got) == str(want)
        assert str(got).startswith(f"Cannot parse file {os.fsencode(txt)!r}: ")


@pytest.mark.bad_input
def test_builder_misuse_as_tf(tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "something").write_text("x")
    want, got = _both(lambda m: m.saved_model.Builder(str(full)))
    assert type(want) is type(got) is AssertionError
    assert str(got) == str(want)

    def run(m, step):
        export_dir = str(tmp_path / f"{step}_{m is tf}")
        g = _graph(m)
        with g.as_default():
            x = m.placeholder(m.float32, [None], name="x")
            w = m.Variable(2.0, name="w", use_resource=False)
            with _session(m, g) as s:
                s.run(w.initializer)
                b = m.saved_model.builder.SavedModelBuilder(export_dir)
                if step == "meta_graph_first":
                    b.add_meta_graph(["serve"])
                if step == "variables_twice":
                    b.add_meta_graph_and_variables(s, ["serve"])
                    b.add_meta_graph_and_variables(s, ["train"])
                if step == "reserved_key":
                    sig = m.saved_model.predict_signature_def({"x": x}, {"y": x * w})
                    b.add_meta_graph_and_variables(s, ["serve"], {"__saved_model_init_op": sig})
                if step == "no_dtype":
                    info = m.saved_model.build_tensor_info(x)
                    info.dtype = 0
                    sig = m.saved_model.build_signature_def({"x": info}, {}, "m")
                    b.add_meta_graph_and_variables(s, ["serve"], {"k": sig})
                if step == "no_encoding":
                    info = m.saved_model.build_tensor_info(x)
                    info.ClearField("name")
                    sig = m.saved_model.build_signature_def({"x": info}, {}, "m")
                    b.add_meta_graph_and_variables(s, ["serve"], {"k": sig})
                if step == "main_op_twice":
                    m.add_to_collection("saved_model_main_op", m.no_op())
                    b.add_meta_graph_and_variables(s, ["serve"], main_op=m.no_op())
                if step == "main_op_tensor":
                    b.add_meta_graph_and_variables(s, ["serve"], main_op=x)
                if step == "asset_not_constant":
                    b.add_meta_graph_and_variables(s, ["serve"], assets_collection=[x])
                if step == "asset_not_string":
                    b.add_meta_graph_and_variables(
                        s, ["serve"], assets_collection=[m.constant(1.0, name="c")]
                    )
                if step == "asset_not_tensor":
                    b.add_meta_graph_and_variables(s, ["serve"], assets_collection=["p.txt"])

    exact = ["meta_graph_first", "variables_twice", "reserved_key", "no_dtype", "no_encoding"]
    exact += ["main_op_twice", "asset_not_tensor"]
    for step in exact:
        want, got = _both(lambda m, step=step: run(m, step))
        assert type(got) is type(want), (step, want, got)
        assert str(got) == str(want), step
    # (messages that show a tensor's repr, which differs)
    for step, ending in (
        ("main_op_tensor", None),  # (TF: OperatorNotAllowedInGraphError, a TypeError)
        ("asset_not_constant", "must be of type constant.Has type Placeholder instead."),
        ("asset_not_string", "must be of dtype string.Has type <dtype: 'float32'> instead."),
    ):
        want, got = _both(lambda m, step=step: run(m, step))
        assert isinstance(want, TypeError) and isinstance(got, TypeError), (step, want, got)
        if ending is not None:
            assert type(got) is type(want) is TypeError
            assert str(want).endswith(ending) and str(got).endswith(ending), (want, got)
        else:  # (`main_op or legacy_init_op` asks the tensor for its truth value)
            assert "as a Python `bool` is not allowed" in str(want)
            assert "as a Python `bool` is not allowed" in str(got)


@pytest.mark.bad_input
def test_bad_signature_and_tensor_info_arguments_as_tf():
    def run(m, case):
        with _graph(m).as_default():
            x = m.placeholder(m.float32, [None], name="x")
            s = m.placeholder(m.string, [None], name="s")
            sm = m.saved_model
            if case == "predict_no_inputs":
                sm.predict_signature_def({}, {"y": x})
            if case == "predict_no_outputs":
                sm.predict_signature_def({"x": x}, None)
            if case == "regress_float_examples":
                sm.regression_signature_def(x, x)
            if case == "regress_string_predictions":
                sm.regression_signature_def(s, s)
            if case == "regress_no_predictions":
                sm.regression_signature_def(s, None)
            if case == "classify_nothing":
                sm.classification_signature_def(s, None, None)
            if case == "classify_float_classes":
                sm.classification_signature_def(s, x, None)
            if case == "classify_string_scores":
                sm.classification_signature_def(s, None, s)
            if case == "classify_no_examples":
                sm.classification_signature_def(None, s, x)
            if case == "empty_tensor_info":
                sm.get_tensor_from_tensor_info(sm.build_tensor_info(x).__class__())
            if case == "missing_tensor":
                info = sm.build_tensor_info(x)
                info.name = "nothing:0"
                sm.utils.get_tensor_from_tensor_info(info)
            if case == "restore_by_name":
                with m.Graph().as_default():
                    m.saved_model.main_op_with_restore("save/restore_all")
            if case == "default_not_constant":
                sm.build_signature_def({}, {}, "m", defaults={"x": x})

    cases = ["predict_no_inputs", "predict_no_outputs", "regress_float_examples"]
    cases += ["regress_string_predictions", "regress_no_predictions", "classify_nothing"]
    cases += ["classify_float_classes", "classify_string_scores", "classify_no_examples"]
    cases += ["empty_tensor_info", "restore_by_name"]
    for case in cases:
        want, got = _both(lambda m, case=case: run(m, case))
        assert type(got) is type(want), (case, want, got)
        assert str(got) == str(want), case
    want, got = _both(lambda m: run(m, "missing_tensor"))
    assert type(got) is type(want) is KeyError
    want, got = _both(lambda m: run(m, "default_not_constant"))
    assert type(got) is type(want) is ValueError
    assert str(got).startswith("Unable to convert object") and str(want).startswith(
        "Unable to convert object"
    )
