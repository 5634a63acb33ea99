"""tf.applications.efficientnet_lite0: the pre-trained classifier (the tutorial's slide 33).

The network's probabilities are checked against an independent float64 NumPy network
(efficientnet_reference.py) on scikit-image's photos; the torch-free ``.pth`` reader against
files this test writes opcode by opcode (and against hostile and truncated ones).
"""

import os
import pickle
import re
import struct
import subprocess
import sys
from pathlib import Path

import efficientnet_reference as ref
import numpy as np
import pytest
import skimage.data

import tflite_core as tf
from tflite_core.applications import (
    decode_predictions,
    efficientnet_lite0,
    load_image,
    preprocess_input,
    top_k_labels,
)
from tflite_core.applications import efficientnet_lite as effnet
from tflite_core.applications.torch_weights import load_torch_state_dict

PTH = effnet.default_weights_path()


@pytest.fixture(scope="module")
def state():
    return load_torch_state_dict(PTH)


@pytest.fixture(scope="module")
def photos():
    """chelsea and coffee, centre-cropped to 224 and scaled to [-1, 1]: [2, 224, 224, 3]."""
    imgs = [load_image(getattr(skimage.data, n)()) for n in ("chelsea", "coffee")]
    return preprocess_input(np.stack(imgs))


@pytest.fixture(scope="module")
def want(state, photos):
    return ref.network(state, photos)


def _run(photos, **kwargs):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 224, 224, 3])
        y = efficientnet_lite0(x, **kwargs)
        with tf.Session() as sess:
            return y, sess.run(y, {x: photos})


# ---- the network ------------------------------------------------------------------------------
def test_state_dict_file(state):
    assert len(state) == 296
    assert sum(v.size for v in state.values()) == 4_694_073
    assert state["_conv_stem.weight"].shape == (32, 3, 3, 3)
    assert state["_blocks.15._depthwise_conv.weight"].shape == (1152, 1, 3, 3)
    assert state["_bn0.num_batches_tracked"].dtype == np.int64
    assert all(v.dtype == np.float32 for k, v in state.items() if "num_batches" not in k)


def test_photos_classified(photos, want):
    y, got = _run(photos)
    assert y.name == "efficientnet-lite0/softmax:0" and y.shape.as_list() == [None, 1000]
    np.testing.assert_allclose(got.sum(1), 1, rtol=1e-5)
    for row, ref_row, allowed in zip(got, want, [
        {"Egyptian cat", "tabby, tabby cat", "tiger cat"}, {"espresso"}
    ]):  # fmt: skip
        top = top_k_labels(row)
        assert top[0][1] in allowed
        ref_top = top_k_labels(ref_row)
        assert [i for i, _, _ in top] == [i for i, _, _ in ref_top]
        np.testing.assert_allclose([p for *_, p in top], [p for *_, p in ref_top], atol=1e-4)
    np.testing.assert_allclose(got, want, atol=1e-4)
    # the whole photo squashed to 224 x 224 (no crop): a clearer cat, as the NumPy check
    whole = preprocess_input(load_image(skimage.data.chelsea(), central_crop=False))
    _, p = _run(whole[None])
    assert top_k_labels(p[0], 1)[0][1] == "Egyptian cat" and p[0, 285] > 0.7


def test_unfolded_batch_norm_and_logits(photos, want):
    _, probs = _run(photos, fold_batch_norm=False)
    np.testing.assert_allclose(probs, want, atol=1e-4)
    y, logits = _run(photos, classifier_activation=None)
    assert y.shape.as_list() == [None, 1000] and y.name.startswith("efficientnet-lite0/logits/")
    z = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(z / z.sum(1, keepdims=True), want, atol=1e-4)


def test_features_without_top(state, photos):
    y, got = _run(photos[:1], include_top=False)
    assert y.shape.as_list() == [None, 1280]
    np.testing.assert_allclose(got, ref.network(state, photos[:1], include_top=False), atol=2e-4)


def test_weights_as_path_or_mapping(state, photos, want):
    _, a = _run(photos[1:], weights=PTH)
    renamed = {k: v for k, v in state.items()}
    _, b = _run(photos[1:], weights=renamed)
    np.testing.assert_allclose(a, want[1:], atol=1e-4)
    np.testing.assert_array_equal(a, b)


def test_bad_inputs_and_weights(state):
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"\[batch, height, width, 3\]"):
            efficientnet_lite0(tf.placeholder(tf.float32, [None, 224, 224, 1]))
        with pytest.raises(ValueError, match="classifier_activation"):
            efficientnet_lite0(tf.placeholder(tf.float32, [1, 224, 224, 3]),
                               classifier_activation="sigmoid")  # fmt: skip
        missing = {k: v for k, v in state.items() if k != "_blocks.3._bn1.running_var"}
        with pytest.raises(ValueError, match=r"missing tensor '_blocks\.3\._bn1\.running_var'"):
            efficientnet_lite0(tf.placeholder(tf.float32, [1, 224, 224, 3]), weights=missing)
        wrong = dict(state, **{"_fc.bias": np.zeros(10, np.float32)})
        with pytest.raises(ValueError, match=r"'_fc\.bias' has shape \(10,\), expected \(1000,\)"):
            efficientnet_lite0(tf.placeholder(tf.float32, [1, 224, 224, 3]), weights=wrong)
        with pytest.raises(ValueError, match="pre-trained"):
            efficientnet_lite0(tf.placeholder(tf.float32, [1, 224, 224, 3]), weights=None)


def test_tf_applications_namespace():
    assert tf.applications.efficientnet_lite0 is efficientnet_lite0


# ---- labels and images ------------------------------------------------------------------------
def test_labels_and_decode_predictions():
    p = np.zeros((2, 1000), np.float32)
    p[0, [0, 285, 7]] = [0.2, 0.5, 0.2]  # a tie: the lower index first
    p[1, 967] = 1.0
    assert top_k_labels(p[0], 3) == [
        (285, "Egyptian cat", 0.5), (0, "tench, Tinca tinca", pytest.approx(0.2)),
        (7, "cock", pytest.approx(0.2)),
    ]  # fmt: skip
    decoded = decode_predictions(p, top=2)
    assert decoded[0][0] == ("n02124075", "Egyptian cat", 0.5)
    assert decoded[0][1][:2] == ("n01440764", "tench, Tinca tinca")
    assert decoded[1][0] == ("n07920052", "espresso", 1.0)
    with pytest.raises(ValueError, match=r"\[batch, 1000\]"):
        decode_predictions(np.zeros((2, 10)))
    with pytest.raises(ValueError, match="k must be"):
        top_k_labels(p[0], 0)


def test_load_image_crops_centre_and_scales(tmp_path):
    img = np.zeros((300, 600, 3), np.uint8)
    img[:, :150] = [255, 0, 0]
    img[:, 450:] = [0, 255, 0]
    img[:, 150:450] = [0, 0, 255]
    out = load_image(img)
    assert out.shape == (224, 224, 3) and out.dtype == np.uint8
    np.testing.assert_array_equal(out[:, 4:-4], np.broadcast_to([0, 0, 255], (224, 216, 3)))
    whole = load_image(img, central_crop=False)
    assert whole.shape == (224, 224, 3) and whole[:, :40, 0].min() > 250
    path = tmp_path / "gray.png"
    from PIL import Image

    Image.fromarray(np.full((50, 80), 128, np.uint8)).save(path)
    np.testing.assert_array_equal(load_image(str(path), 32), np.full((32, 32, 3), 128))
    np.testing.assert_array_equal(load_image(np.ones((20, 20))), np.full((224, 224, 3), 255))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        load_image(np.full((20, 20, 3), 3.0))
    x = preprocess_input(np.array([0, 127.5, 255]))
    np.testing.assert_allclose(x, [-1, 0, 1])
    assert x.dtype == np.float32


# ---- the command line -------------------------------------------------------------------------
def _cli(*args):
    cmd = [sys.executable, "-W", "error", "-m", "tflite_core.examples.classify_image", *args]
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=120).stdout


def test_cli_default_photo_prints_top5(want):
    lines = _cli().splitlines()
    assert len(lines) == 5
    ref_top = top_k_labels(want[0])
    for line, (index, label, score) in zip(lines, ref_top):
        m = re.fullmatch(r"(.+) \((\d+)\): (\d\.\d{6})", line)
        assert m, line
        assert (m[1], int(m[2])) == (label, index)
        assert float(m[3]) == pytest.approx(score, abs=1e-4)
    assert lines[0].startswith("Egyptian cat (285): ")


def test_cli_photo_file(tmp_path):
    from PIL import Image

    path = tmp_path / "coffee.png"
    Image.fromarray(skimage.data.coffee()).save(path)
    lines = _cli(str(path), "--num_top_predictions", "2").splitlines()
    assert len(lines) == 2 and lines[0].startswith("espresso (967): 0.9")


# ---- the weights reader -----------------------------------------------------------------------
def _global(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def _str(s):
    b = s.encode()
    return b"X" + struct.pack("<I", len(b)) + b


def _int(i):
    return b"J" + struct.pack("<i", i)


def _ints(values):
    return b"(" + b"".join(_int(v) for v in values) + b"t"


_STORAGE = {np.dtype(np.float32): "FloatStorage", np.dtype(np.int64): "LongStorage"}


def _legacy_pth(tensors, main_override=None, first_override=None):
    """A torch legacy-format file: each value is (storage array, offset, size, stride)."""
    head = b"\x80\x02"
    magic = (
        first_override
        or head + b"\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little") + b"."
    )
    version = head + b"M" + struct.pack("<H", 1001) + b"."
    sys_info = head + b"}" + _str("little_endian") + b"\x88s."
    body = head + _global("collections", "OrderedDict") + b")R("
    keys = []
    for name, (arr, offset, size, stride) in tensors.items():
        key = str(len(keys))
        keys.append((key, arr))
        pid = (b"(" + _str("storage") + _global("torch", _STORAGE[arr.dtype]) + _str(key)
               + _str("cpu") + _int(arr.size) + b"Nt")  # fmt: skip
        body += (_str(name) + _global("torch._utils", "_rebuild_tensor_v2") + b"(" + pid + b"Q"
                 + _int(offset) + _ints(size) + _ints(stride) + b"\x89"
                 + _global("collections", "OrderedDict") + b")Rt" + b"R")  # fmt: skip
    body += b"u."
    if main_override is not None:
        body = main_override
    key_list = head + b"(" + b"".join(_str(k) for k, _ in keys) + b"l."
    data = b"".join(struct.pack("<q", a.size) + a.tobytes() for _, a in keys)
    return magic + version + sys_info + body + key_list + data


def test_reader_rebuilds_strided_tensors(tmp_path):
    base = np.arange(24, dtype=np.float32)
    counts = np.array([7, -3], np.int64)
    path = tmp_path / "w.pth"
    path.write_bytes(_legacy_pth({
        "conv.weight": (base, 0, (2, 3, 4), (12, 4, 1)),
        "transposed": (base, 2, (4, 3), (1, 4)),  # a view: offset 2, column-major
        "bn.num_batches_tracked": (counts, 1, (), ()),
    }))  # fmt: skip
    got = load_torch_state_dict(path)
    assert list(got) == ["conv.weight", "transposed", "bn.num_batches_tracked"]
    np.testing.assert_array_equal(got["conv.weight"], base.reshape(2, 3, 4))
    np.testing.assert_array_equal(got["transposed"], base[2:14].reshape(3, 4).T)
    assert got["bn.num_batches_tracked"].dtype == np.int64 and got["bn.num_batches_tracked"] == -3
    assert got["transposed"].flags.owndata and got["transposed"].flags.writeable


@pytest.mark.parametrize("module,name", [("os", "system"), ("builtins", "eval"),
                                         ("subprocess", "call"), ("torch", "load")])  # fmt: skip
def test_reader_refuses_other_globals(tmp_path, module, name):
    marker = tmp_path / "pwned"
    arg = f"open('{marker}', 'w').close()" if name == "eval" else f"touch {marker}"
    call = _global(module, name) + b"(" + _str(arg) + b"tR."
    bad = tmp_path / "bad.pth"
    for kwargs in ({"main_override": b"\x80\x02" + call}, {"first_override": b"\x80\x02" + call}):
        bad.write_bytes(_legacy_pth({"w": (np.zeros(2, np.float32), 0, (2,), (1,))}, **kwargs))
        with pytest.raises(pickle.UnpicklingError, match=rf"global '{module}\.{name}'"):
            load_torch_state_dict(bad)
        assert not marker.exists()


def test_reader_rejects_bad_geometry(tmp_path):
    path = tmp_path / "w.pth"
    path.write_bytes(_legacy_pth({"w": (np.zeros(6, np.float32), 4, (2, 2), (2, 1))}))
    with pytest.raises(pickle.UnpicklingError, match="runs past its storage of 6 elements"):
        load_torch_state_dict(path)
    path.write_bytes(b"\x80\x02" + _str("not torch") + b"." + b"\x00" * 8)
    with pytest.raises(tf.errors.DataLossError, match="bad magic number"):
        load_torch_state_dict(path)


def test_reader_truncated_file(tmp_path):
    data = Path(PTH).read_bytes()
    bad = tmp_path / "cut.pth"
    # inside the state-dict pickle, one byte short of the end, and halfway through the storages
    for cut, what in [(5000, "ends inside the state dict"), (len(data) - 1, "bytes, "),
                      (len(data) // 2, "truncated weights file")]:  # fmt: skip
        bad.write_bytes(data[:cut])
        with pytest.raises(tf.errors.DataLossError, match=re.escape(str(bad)) + ".*" + what):
            load_torch_state_dict(bad)
    with tf.Graph().as_default(), pytest.raises(tf.errors.DataLossError, match="truncated"):
        efficientnet_lite0(tf.placeholder(tf.float32, [1, 224, 224, 3]), weights=str(bad))
    assert os.path.getsize(bad) == len(data) // 2
