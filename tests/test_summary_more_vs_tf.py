"""tf.summary image / audio / text / tensor_summary side by side with TensorFlow 2.21 compat.v1:
the same op names and tags, the same Summary fields (PNG images decode to TF's pixels, WAV bytes
are TF's), plugin metadata TensorBoard reads, event files TF's summary_iterator reads."""

import glob

import numpy as np
import pytest

import tflite_core as tf
from tflite_core import errors


@pytest.fixture(scope="module")
def T():
    import tensorflow

    return tensorflow


def _run_tf(T, build, feed=None):
    g = T.Graph()
    with g.as_default():
        out, ph = build(T.compat.v1)
        with T.compat.v1.Session() as s:
            return g, s.run(out, {ph: feed} if ph is not None else None)


def _run_ours(build, feed=None):
    g = tf.Graph()
    with g.as_default():
        out, ph = build(tf)
        with tf.Session() as s:
            return g, s.run(out, {ph: feed} if ph is not None else None)


def _parse(T, raw):
    return T.compat.v1.Summary.FromString(raw)


def _decode_png(T, data):
    return T.io.decode_png(data, channels=0).numpy()


_rng = np.random.default_rng(7)
IMAGES = {
    "float_pos": (_rng.random((3, 4, 5, 3)) * 7).astype(np.float32),
    "float_neg": _rng.standard_normal((2, 3, 6, 1)).astype(np.float32),
    "float_rgba_nan": np.where(
        _rng.random((2, 3, 3, 4)) < 0.2, np.nan, _rng.standard_normal((2, 3, 3, 4))
    ).astype(np.float32),
    "float_inf": np.array([[[[np.inf], [1.0]], [[0.5], [-np.inf]]]], np.float32),
    "float_zero": np.zeros((1, 2, 2, 3), np.float32),
    "float64": _rng.standard_normal((2, 5, 4, 3)),
    "half": (_rng.random((2, 3, 4, 1)) * 3).astype(np.float16),
    "uint8": _rng.integers(0, 256, (4, 6, 5, 3)).astype(np.uint8),
}


@pytest.mark.parametrize("max_outputs", [1, 2, 5])
@pytest.mark.parametrize("kind", sorted(IMAGES))
def test_image_summary_pixels_and_tags_match_tf(T, kind, max_outputs):
    x = IMAGES[kind]

    def build(mod):
        ph = mod.placeholder(mod.as_dtype(x.dtype), name="img_in")
        with mod.name_scope("outer"):
            s = mod.summary.image("pics", ph, max_outputs=max_outputs)
        return s, ph

    tg, theirs = _run_tf(T, build, x)
    og, ours = _run_ours(build, x)
    assert [n.name for n in og.as_graph_def().node] == [n.name for n in tg.as_graph_def().node]
    a, b = _parse(T, ours), _parse(T, theirs)
    assert [v.tag for v in a.value] == [v.tag for v in b.value]
    assert len(a.value) == min(max_outputs, x.shape[0])
    for va, vb in zip(a.value, b.value):
        assert (va.image.height, va.image.width, va.image.colorspace) == (
            vb.image.height,
            vb.image.width,
            vb.image.colorspace,
        )
        np.testing.assert_array_equal(
            _decode_png(T, va.image.encoded_image_string),
            _decode_png(T, vb.image.encoded_image_string),
        )


def test_image_family_tag_and_collections_match_tf(T):
    x = IMAGES["uint8"]
    names = {}

    def build(mod):
        ph = mod.placeholder(mod.uint8)
        with mod.name_scope("outer"):
            s = mod.summary.image("img", ph, family="fam")
            mod.summary.image("img2", ph, collections=["mine"])
        g = mod.get_default_graph()
        names[mod is tf] = [[t.name for t in g.get_collection(k)] for k in ("summaries", "mine")]
        return s, ph

    _, theirs = _run_tf(T, build, x)
    _, ours = _run_ours(build, x)
    assert names[True] == names[False] == [["outer/fam/img:0"], ["outer/img2:0"]]
    assert [v.tag for v in _parse(T, ours).value] == [v.tag for v in _parse(T, theirs).value]
    assert _parse(T, ours).value[0].tag == "fam/outer/fam/img/image/0"


@pytest.mark.bad_input
@pytest.mark.parametrize("shape", [(2, 2, 2), (1, 2, 2, 2), (1, 0, 2, 1), (1, 2, 2, 0)])
def test_image_bad_shapes_raise_tfs_errors(T, shape):
    x = np.zeros(shape, np.float32)

    def build(mod):
        ph = mod.placeholder(mod.float32)
        return mod.summary.image("img", ph), ph

    with pytest.raises(T.errors.InvalidArgumentError) as theirs:
        _run_tf(T, build, x)
    with pytest.raises(errors.InvalidArgumentError) as ours:
        _run_ours(build, x)
    key = theirs.value.message.split("\n")[-2].strip()
    assert key in str(ours.value)


@pytest.mark.bad_input
def test_image_bad_dtype_and_max_outputs_as_tf(T, g):
    with T.Graph().as_default(), pytest.raises(TypeError) as theirs:
        T.compat.v1.summary.image("i", T.constant([[[[1]]]]))
    with pytest.raises(TypeError) as ours:
        tf.summary.image("i", tf.constant([[[[1]]]]))
    assert str(ours.value) == str(theirs.value)
    with T.Graph().as_default(), pytest.raises(ValueError) as theirs:
        T.compat.v1.summary.image("i", T.zeros([1, 2, 2, 1]), max_outputs=0)
    with pytest.raises(ValueError) as ours:
        tf.summary.image("i", tf.zeros([1, 2, 2, 1]), max_outputs=0)
    assert str(ours.value) == str(theirs.value)


AUDIO = {
    "mono": (np.array([[0.5, -1.0, 1.2, 0.0, -0.99999, 3.1e-5, -1.6e-5]], np.float32), 8000.0),
    "stereo": (_rng.uniform(-1.2, 1.2, (3, 50, 2)).astype(np.float32), 16000.0),
    "odd_rate": (_rng.uniform(-1, 1, (2, 9)).astype(np.float32), 8000.7),
    "small_rate": (_rng.uniform(-1, 1, (2, 4)).astype(np.float32), 0.4),
    "half_rate": (_rng.uniform(-1, 1, (1, 4)).astype(np.float32), 2.5),
    "no_frames": (np.zeros((2, 0), np.float32), 3.0),
    "no_batch": (np.zeros((0, 4), np.float32), 3.0),
}


@pytest.mark.parametrize("max_outputs", [1, 3])
@pytest.mark.parametrize("kind", sorted(AUDIO))
def test_audio_summary_equals_tf(T, kind, max_outputs):
    x, rate = AUDIO[kind]

    def build(mod):
        ph = mod.placeholder(mod.float32)
        return mod.summary.audio("snd", ph, rate, max_outputs=max_outputs), ph

    tg, theirs = _run_tf(T, build, x)
    og, ours = _run_ours(build, x)
    assert [n.name for n in og.as_graph_def().node] == [n.name for n in tg.as_graph_def().node]
    assert _parse(T, ours) == _parse(T, theirs)  # WAV bytes included


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "shape,rate",
    [
        ((2,), 8.0),
        ((1, 2, 2, 2), 8.0),
        ((1, 2), 0.0),
        ((1, 2), -3.0),
        ((1, 2), np.nan),
        ((1, 2), [1.0, 2.0]),
        ((1, 2, 0), 3.0),
        ((1, 2), 5e9),
    ],
)
def test_audio_bad_input_raises_tfs_errors(T, shape, rate):
    x = np.zeros(shape, np.float32)

    def build(mod):
        ph = mod.placeholder(mod.float32)
        r = mod.placeholder(mod.float32, name="rate")
        return mod.summary.audio("snd", ph, r), [ph, r]

    def run(mod_run, exc):
        with pytest.raises(exc) as info:
            g = mod_run[0]()
            with g.as_default():
                out, (ph, r) = build(mod_run[1])
                with mod_run[2]() as s:
                    s.run(out, {ph: x, r: rate})
        return info

    theirs = run((T.Graph, T.compat.v1, T.compat.v1.Session), T.errors.InvalidArgumentError)
    ours = run((tf.Graph, tf, tf.Session), errors.InvalidArgumentError)
    assert theirs.value.message.split("\n")[-2].strip() in str(ours.value)


STRINGS = [np.array("hello **world**", object), np.array([["a", "b"], ["cé", ""]], object)]


@pytest.mark.parametrize("value", STRINGS, ids=["scalar", "matrix"])
def test_text_summary_equals_tf_with_text_plugin(T, value):
    def build(mod):
        v = mod.constant(value.tolist()) if mod is not tf else value  # (tf.constant: no strings)
        return mod.summary.text("notes", v), None

    tg, theirs = _run_tf(T, build)
    og, ours = _run_ours(build)
    assert [n.name for n in og.as_graph_def().node] == [n.name for n in tg.as_graph_def().node]
    assert ours == theirs
    assert _parse(T, ours).value[0].metadata.plugin_data.plugin_name == "text"


TENSORS = [
    np.array([[1, 2], [3, 4]], np.int32),
    np.float32(2.5),
    np.array([True, False]),
    np.zeros((0, 3), np.float64),
    np.array([1.5, -2.0], np.float16),
]


@pytest.mark.parametrize("value", TENSORS, ids=lambda v: f"{v.dtype}{list(np.shape(v))}")
def test_tensor_summary_equals_tf(T, value):
    def build(mod):
        meta = mod.SummaryMetadata() if mod is tf else T.compat.v1.SummaryMetadata()
        meta.plugin_data.plugin_name = "custom"
        meta.plugin_data.content = b"\x01\x02"
        with mod.name_scope("sc"):
            a = mod.summary.tensor_summary(
                "t", mod.constant(value), summary_description="A *tensor*", display_name="shown"
            )
        b = mod.summary.tensor_summary("u", mod.constant(value), summary_metadata=meta, family="fa")
        return [a, b], None

    tg, theirs = _run_tf(T, build)
    og, ours = _run_ours(build)
    assert [n.name for n in og.as_graph_def().node] == [n.name for n in tg.as_graph_def().node]
    assert [n.op for n in og.as_graph_def().node] == [n.op for n in tg.as_graph_def().node]
    assert ours == theirs


@pytest.mark.bad_input
def test_text_of_non_string_is_value_error_as_tf(T, g):
    with T.Graph().as_default(), pytest.raises(ValueError) as theirs:
        T.compat.v1.summary.text("t", T.constant(1.0))
    with pytest.raises(ValueError) as ours:
        tf.summary.text("t", tf.constant(1.0))
    assert str(ours.value) == str(theirs.value)


def test_merged_event_file_is_read_by_tfs_summary_iterator(T, g, tmp_path):
    img = tf.summary.image("img", tf.constant(IMAGES["uint8"]), max_outputs=2)
    snd = tf.summary.audio("snd", tf.constant(AUDIO["stereo"][0]), 16000.0, max_outputs=1)
    txt = tf.summary.text("txt", "some text")
    merged = tf.summary.merge_all()
    with tf.Session() as sess:
        raw = sess.run(merged)
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_summary(raw, global_step=3)
    w.close()
    (path,) = glob.glob(str(tmp_path / "events.out.tfevents.*"))
    events = [e for e in T.compat.v1.train.summary_iterator(path) if e.HasField("summary")]
    (event,) = events
    assert event.step == 3
    tags = [v.tag for v in event.summary.value]
    assert tags == ["img/image/0", "img/image/1", "snd/audio", "txt"]
    np.testing.assert_array_equal(
        _decode_png(T, event.summary.value[1].image.encoded_image_string), IMAGES["uint8"][1]
    )
    decoded = T.audio.decode_wav(event.summary.value[2].audio.encoded_audio_string)
    np.testing.assert_allclose(
        decoded.audio.numpy(), np.clip(AUDIO["stereo"][0][0], -1, 32767 / 32768), atol=1 / 32768
    )
    assert int(decoded.sample_rate) == 16000
    assert event.summary.value[3].metadata.plugin_data.plugin_name == "text"
    assert T.make_ndarray(event.summary.value[3].tensor) == b"some text"
    assert g.get_collection("summaries") == [img, snd, txt]


def test_get_summary_description_and_all_v2_summary_ops_as_tf(T, g):
    P = T.compat.v1
    nd_t, nd_o = P.NodeDef(), tf.NodeDef()
    for nd in (nd_t, nd_o):
        nd.op = "TensorSummary"
        nd.attr["description"].s = b'{"typeHint": "image"}'
    assert tf.summary.get_summary_description(nd_o).type_hint == "image"
    assert (
        tf.summary.get_summary_description(nd_o).SerializeToString()
        == P.summary.get_summary_description(nd_t).SerializeToString()
    )
    assert isinstance(tf.summary.get_summary_description(nd_o), tf.summary.SummaryDescription)
    with T.Graph().as_default():
        assert P.summary.all_v2_summary_ops() == []
    tf.summary.scalar("s", tf.constant(1.0))
    assert tf.summary.all_v2_summary_ops() == []


@pytest.mark.bad_input
def test_get_summary_description_of_other_op_is_value_error(T):
    nd_t, nd_o = T.compat.v1.NodeDef(op="Add"), tf.NodeDef(op="Add")
    with pytest.raises(ValueError) as theirs:
        T.compat.v1.summary.get_summary_description(nd_t)
    with pytest.raises(ValueError) as ours:
        tf.summary.get_summary_description(nd_o)
    assert str(ours.value) == str(theirs.value)


def test_scalar_and_histogram_family_tags_as_tf(T):
    def build(mod):
        ph = mod.placeholder(mod.float32)
        with mod.name_scope("outer"):
            a = mod.summary.scalar("loss", ph, family="train")
            b = mod.summary.histogram("w", ph, family="weights")
        return [a, b], ph

    _, theirs = _run_tf(T, build, np.array(1.5, np.float32))
    _, ours = _run_ours(build, np.array(1.5, np.float32))
    assert [[v.tag for v in _parse(T, r).value] for r in ours] == [
        [v.tag for v in _parse(T, r).value] for r in theirs
    ]
    assert _parse(T, ours[0]).value[0].tag == "train/outer/train/loss"


def test_audio_rounds_halves_away_from_zero_as_tf(T):
    """TF's wav_io rounds with C's roundf: samples at exact halves of a 16-bit step go away from
    zero (NumPy's rint would go to even)."""
    halves = np.array([[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 3.0]], np.float32) / 32768

    def build(m):
        return m.summary.audio("a", halves, 8000.0), None

    (_, ours), (_, theirs) = _run_ours(build), _run_tf(T, build)
    wav = [_parse(T, raw).value[0].audio.encoded_audio_string for raw in (ours, theirs)]
    assert wav[0] == wav[1]
    assert np.frombuffer(wav[0][44:], "<i2").tolist() == [1, 2, 3, -1, -2, -3, 3]
