"""The tutorial's slide 33 as TF wrote it (``classify_image.py``), side by side with TF 2.21.

TF compat.v1 builds EfficientNet-Lite0 from the same ImageNet weights, as variables, behind the
``DecodeJpeg -> Cast -> ExpandDims -> ResizeBilinear -> Sub -> Mul`` front of TF's Inception
graph; TF's ``convert_variables_to_constants`` freezes it. Here the frozen ``.pb`` is imported,
JPEG bytes are fed to ``DecodeJpeg/contents:0`` and ``softmax:0`` is fetched, by the library and
by ``python -m tflite_core.examples.classify_image --graph --labels --image``: the top-5 labels
are TF's and the probabilities equal TF's to 1e-5. The graph this library writes runs in TF.
"""

from __future__ import annotations

import io
import re
import subprocess
import sys

import numpy as np
import pytest
import skimage.data
import tensorflow as real_tf
from PIL import Image

import tflite_core as tf
from tflite_core.applications import efficientnet_lite, imagenet
from tflite_core.examples import classify_image

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")


def _jpeg(image: np.ndarray, quality: int = 90) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(image).save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _tf_classify(graph_path, image_data: bytes) -> np.ndarray:
    """TF's classify_image.py: create_graph + run_inference_on_image."""
    with real_tf.Graph().as_default() as g:
        gd = T.GraphDef()
        with open(graph_path, "rb") as f:
            gd.ParseFromString(f.read())
        T.import_graph_def(gd, name="")
        with T.Session(graph=g) as sess:
            softmax = sess.graph.get_tensor_by_name("softmax:0")
            return np.squeeze(sess.run(softmax, {"DecodeJpeg/contents:0": image_data}))


@pytest.fixture(scope="module")
def frozen(tmp_path_factory):
    """TF's frozen graph file, and the labels file (one class name per line)."""
    d = tmp_path_factory.mktemp("slide33")
    g = real_tf.Graph()
    with g.as_default():
        weights = efficientnet_lite.load_weights()
        y = efficientnet_lite.build_jpeg_classifier(T, weights, variables=True)
        assert y.name == "softmax:0"
        assert g.get_collection(T.GraphKeys.GLOBAL_VARIABLES)  # (frozen below)
        with T.Session(graph=g) as sess:
            sess.run(T.global_variables_initializer())
            gd = T.graph_util.convert_variables_to_constants(sess, g.as_graph_def(), ["softmax"])
    assert {n.op for n in gd.node} >= {"DecodeJpeg", "ResizeBilinear", "Relu6", "BiasAdd"}
    assert not any(n.op in ("VariableV2", "VarHandleOp") for n in gd.node)
    path = d / "frozen.pb"
    path.write_bytes(gd.SerializeToString())
    labels = d / "labels.txt"
    labels.write_text("".join(imagenet.label(i) + "\n" for i in range(1000)))
    return path, labels


@pytest.fixture(scope="module")
def photos(tmp_path_factory):
    """JPEG files of scikit-image's chelsea (the slide's cat) and coffee."""
    d = tmp_path_factory.mktemp("photos")
    out = {}
    for name in ("chelsea", "coffee"):
        out[name] = d / f"{name}.jpg"
        out[name].write_bytes(_jpeg(getattr(skimage.data, name)()))
    return out


@pytest.mark.parametrize("photo", ["chelsea", "coffee"])
def test_tf_frozen_graph_classifies_as_tf(frozen, photos, photo):
    data = photos[photo].read_bytes()
    want = _tf_classify(frozen[0], data)
    got = classify_image.run_frozen_graph(str(frozen[0]), data)
    assert got.shape == (1000,) and got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-5)
    assert list(np.argsort(-got)[:5]) == list(np.argsort(-want)[:5])
    if photo == "chelsea":
        assert imagenet.label(int(np.argmax(got))) == "Egyptian cat"


def test_classify_image_command_prints_tfs_top5(frozen, photos):
    graph, labels = frozen
    want = _tf_classify(graph, photos["chelsea"].read_bytes())
    cmd = [sys.executable, "-W", "error", "-m", "tflite_core.examples.classify_image"]
    args = ["--graph", str(graph), "--labels", str(labels), "--image", str(photos["chelsea"])]
    out = subprocess.run(cmd + args, capture_output=True, text=True, check=True, timeout=120)
    lines = out.stdout.splitlines()
    assert len(lines) == 5
    for line, index in zip(lines, np.argsort(-want)[:5]):
        m = re.fullmatch(r"(.+) \(score = (\d\.\d{5})\)", line)
        assert m, line
        assert m[1] == imagenet.label(int(index))
        assert float(m[2]) == pytest.approx(want[index], abs=1.1e-5)


def test_the_frozen_graph_written_here_runs_in_tf(tmp_path, photos):
    graph, labels = tmp_path / "ours.pb", tmp_path / "labels.txt"
    classify_image.main(["--write_graph", str(graph), "--write_labels", str(labels)])
    assert labels.read_text().splitlines()[285] == "Egyptian cat"
    data = photos["coffee"].read_bytes()
    got = classify_image.run_frozen_graph(str(graph), data)
    np.testing.assert_allclose(got, _tf_classify(graph, data), rtol=0, atol=1e-5)
    assert imagenet.label(int(np.argmax(got))) == "espresso"


def test_bad_image_bytes_and_layers_are_tfs_errors(frozen, photos):
    graph = str(frozen[0])
    with pytest.raises(tf.errors.InvalidArgumentError):
        classify_image.run_frozen_graph(graph, b"not a jpeg")
    with pytest.raises(KeyError, match="softmax_1"):
        classify_image.run_frozen_graph(graph, b"", output_layer="softmax_1:0")
    cut = frozen[0].parent / "cut.pb"
    cut.write_bytes(frozen[0].read_bytes()[:100_001])
    with pytest.raises(tf.errors.DataLossError, match=r"cut\.pb"):
        classify_image.run_frozen_graph(str(cut), b"")
    with pytest.raises(tf.errors.NotFoundError, match=r"missing\.pb"):
        classify_image.run_frozen_graph(str(cut.parent / "missing.pb"), b"")
    # nothing is left broken: a good photo still classifies
    got = classify_image.run_frozen_graph(graph, photos["chelsea"].read_bytes())
    assert imagenet.label(int(np.argmax(got))) == "Egyptian cat"
