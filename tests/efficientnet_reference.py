"""EfficientNet-Lite0 in float64 NumPy, straight from the PyTorch state dict (OIHW weights,
batch norm applied as its own step), written independently of ``tflite_core.applications``:
its own TF-SAME padding, its own block list, no layout conversion shared with the library."""

import numpy as np

EPS = 1e-3
# (repeats, kernel, stride, expand, filters_out) per stage; stage inputs follow from the previous
STAGES = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
          (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]  # fmt: skip


def _same_pad(x, k, s):
    h, w = x.shape[1:3]
    oh, ow = -(-h // s), -(-w // s)
    ph, pw = max((oh - 1) * s + k - h, 0), max((ow - 1) * s + k - w, 0)
    pads = ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0))
    return np.pad(x, pads), oh, ow


def conv(x, w, stride=1, depthwise=False):
    """NHWC x, OIHW w (depthwise: [C, 1, k, k]), TF SAME padding."""
    k = w.shape[2]
    xp, oh, ow = _same_pad(x, k, stride)
    out = 0.0
    for a in range(k):
        for b in range(k):
            tap = xp[
                :, a : a + (oh - 1) * stride + 1 : stride, b : b + (ow - 1) * stride + 1 : stride
            ]
            out = out + (tap * w[:, 0, a, b] if depthwise else tap @ w[:, :, a, b].T)
    return out


def network(state, images, include_top=True):
    """Probabilities [N, 1000] (or pooled features [N, 1280]) for NHWC images in [-1, 1]."""
    sd = {k: np.asarray(v, np.float64) for k, v in state.items()}

    def bn(x, p):
        return (x - sd[f"{p}.running_mean"]) / np.sqrt(sd[f"{p}.running_var"] + EPS) * sd[
            f"{p}.weight"
        ] + sd[f"{p}.bias"]

    def relu6(x):
        return np.clip(x, 0.0, 6.0)

    x = relu6(bn(conv(np.asarray(images, np.float64), sd["_conv_stem.weight"], 2), "_bn0"))
    i, cin = 0, 32
    for repeats, _k, s, e, cout in STAGES:
        for r in range(repeats):
            p = f"_blocks.{i}"
            y = x
            if e != 1:
                y = relu6(bn(conv(y, sd[f"{p}._expand_conv.weight"]), f"{p}._bn0"))
            stride = s if r == 0 else 1
            y = relu6(bn(conv(y, sd[f"{p}._depthwise_conv.weight"], stride, True), f"{p}._bn1"))
            y = bn(conv(y, sd[f"{p}._project_conv.weight"]), f"{p}._bn2")
            x = y + x if stride == 1 and cin == cout else y
            i, cin = i + 1, cout
    x = relu6(bn(conv(x, sd["_conv_head.weight"]), "_bn1"))
    features = x.mean(axis=(1, 2))
    if not include_top:
        return features
    logits = features @ sd["_fc.weight"].T + sd["_fc.bias"]
    z = np.exp(logits - logits.max(1, keepdims=True))
    return z / z.sum(1, keepdims=True)
