"""Slide 34, "On a phone": classify a stream of camera frames in real time with a .tflite model.

The phone's camera is a stream of frames made from scikit-image's sample photos: for each photo
the camera pans across it and zooms in, frame by frame (224 x 224 crops, as a camera preview
would hand them over). EfficientNet-Lite0 (ImageNet weights, ``tf.applications``) is converted
to a ``.tflite`` file by ``tf.lite.TFLiteConverter`` (float32, or full-integer int8 with
``--int8``, calibrated on a few frames), and ``tf.lite.Interpreter`` classifies every frame, as
the app on the phone would with TFLite. Each frame prints its top-1 class; the end prints
frames per second.

    python examples/realtime_classify.py [--frames-per-photo 12] [--int8] [--threads 2]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import skimage.data

import tflite_core as tf

PHOTOS = ("chelsea", "coffee", "astronaut", "rocket")


def camera(frames_per_photo: int):
    """(photo name, frame index, uint8 [224, 224, 3] frame): a pan and a zoom over each photo."""
    for name in PHOTOS:
        photo = getattr(skimage.data, name)()
        if photo.ndim == 2:
            photo = np.stack([photo] * 3, -1)
        h, w = photo.shape[:2]
        side = min(h, w)
        for k in range(frames_per_photo):
            t = k / max(frames_per_photo - 1, 1)
            crop = int(side * (1.0 - 0.35 * t))  # zooming in
            top = int((h - crop) * 0.5)
            left = int((w - crop) * t)  # panning left to right
            view = photo[top : top + crop, left : left + crop, :3]
            yield name, k, tf.applications.load_image(view, central_crop=False)


def convert(int8: bool, frames_per_photo: int) -> bytes:
    """EfficientNet-Lite0 as a .tflite file (the model a phone app would ship)."""
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [1, 224, 224, 3], name="images")
        probs = tf.applications.efficientnet_lite0(images)
        with tf.Session() as sess:
            converter = tf.lite.TFLiteConverter.from_session(sess, [images], [probs])
            if int8:  # calibrated on one frame of each photo
                samples = [f for _, k, f in camera(frames_per_photo) if k == 0]
                converter.optimizations = [tf.lite.Optimize.DEFAULT]
                converter.representative_dataset = lambda: (
                    [tf.applications.preprocess_input(f[None])] for f in samples
                )
            return converter.convert()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames-per-photo", type=int, default=12)
    parser.add_argument("--int8", action="store_true", help="full-integer int8 quantization")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    content = convert(args.int8, args.frames_per_photo)
    with tempfile.TemporaryDirectory() as d:  # shipped as a file, loaded from the file
        path = Path(d) / "efficientnet_lite0.tflite"
        path.write_bytes(content)
        print(
            f"model: {path.name}, {len(content) / 1e6:.1f} MB, {'int8' if args.int8 else 'float32'}"
        )
        interpreter = tf.lite.Interpreter(model_path=str(path), num_threads=args.threads)
    interpreter.allocate_tensors()
    inp = interpreter.get_input_details()[0]
    out = interpreter.get_output_details()[0]

    seconds, frames = 0.0, 0
    for name, k, frame in camera(args.frames_per_photo):
        t0 = time.perf_counter()
        interpreter.set_tensor(inp["index"], tf.applications.preprocess_input(frame[None]))
        interpreter.invoke()
        probs = interpreter.get_tensor(out["index"])[0]
        seconds += time.perf_counter() - t0
        frames += 1
        _, label, score = tf.applications.top_k_labels(probs, 1)[0]
        print(f"{name} frame {k:2d}: {label} ({score:.2f})")
    print(f"frames: {frames}, frames per second: {frames / seconds:.1f}")


if __name__ == "__main__":
    main()
