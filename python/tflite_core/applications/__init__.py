"""Pre-trained networks (``tf.applications``): EfficientNet-Lite0 with ImageNet weights, and the
image and label helpers around it."""

from .efficientnet_lite import efficientnet_lite0
from .imagenet import decode_predictions, load_image, preprocess_input, top_k_labels

__all__ = [
    "decode_predictions",
    "efficientnet_lite0",
    "load_image",
    "preprocess_input",
    "top_k_labels",
]
