"""examples/realtime_classify.py (slide 34): a stream of frames panned and zoomed over
scikit-image's photos, classified by EfficientNet-Lite0 as a .tflite file in tf.lite.Interpreter,
float32 and int8: every frame prints a top-1 class, the photos' first frames are the classes the
Session gives for the same frames, and the run ends with a frames-per-second figure."""

import re
import sys

import numpy as np
import pytest
from example_runs import EXAMPLES, run_example

import tflite_core as tf

sys.path.insert(0, str(EXAMPLES))

import realtime_classify


@pytest.fixture(scope="module")
def session_top1() -> dict:
    """The Session's top-1 class name for each photo's first frame."""
    firsts = [(name, f) for name, k, f in realtime_classify.camera(3) if k == 0]
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [1, 224, 224, 3])
        probs = tf.applications.efficientnet_lite0(x)
        with tf.Session() as sess:
            out = {}
            for name, frame in firsts:
                p = sess.run(probs, {x: tf.applications.preprocess_input(frame[None])})[0]
                out[name] = tf.applications.top_k_labels(p, 1)[0][1]
            return out


@pytest.mark.parametrize("int8", [False, True])
def test_stream_is_classified(int8, session_top1):
    args = ["--frames-per-photo", "3"] + (["--int8"] if int8 else [])
    out = run_example("realtime_classify.py", *args)
    assert ("int8" if int8 else "float32") in out.splitlines()[0]
    frames = re.findall(r"^(\w+) frame +(\d+): (.+) \(([\d.]+)\)$", out, re.M)
    assert len(frames) == 3 * len(realtime_classify.PHOTOS)
    first = {name: label for name, k, label, _ in frames if k == "0"}
    agree = np.mean([first[n] == session_top1[n] for n in realtime_classify.PHOTOS])
    assert agree == 1.0 if not int8 else agree >= 0.75, (first, session_top1)
    fps = float(re.search(r"frames: 12, frames per second: ([\d.]+)", out).group(1))
    assert fps > 0
