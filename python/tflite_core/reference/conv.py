"""Convolutions (``cpp/conv.cc``, ``cpp/conv_reference.cc``) and the NHWC geometry they
share with pooling (``cpp/conv.h``).
"""

from __future__ import annotations

import numpy as np

from .registry import Kernel, KernelError, _kernel


# conv: ints = [stride h, w, dilation h, w, pad top, bottom, left, right]; filter [kh,kw,c,o] or,
# depthwise, [kh,kw,c,mult] with output channel c * mult + m. pool: ints = [window h, w, stride
# h, w, pads...]; padded elements take no part (max: the first maximum in row-major order wins;
# mean: over the unpadded elements). Sums run in float64.
def _out_len(size, k, s, d, p0, p1):
    span, ek = size + p0 + p1, (k - 1) * d + 1
    return (span - ek) // s + 1 if span >= ek else 0


def _conv_geom(op, x, f, y, ints, depthwise):
    if len(x) != 4 or len(f) != 4 or len(y) != 4:
        raise KernelError(f"[{op}] input, filter and output must be 4-D")
    if len(ints) != 8:
        raise KernelError(f"[{op}] expects 8 integer attributes")
    sh, sw, dh, dw, pt, pb, pl, pr = (int(i) for i in ints)
    if min(sh, sw, dh, dw) < 1 or min(pt, pb, pl, pr) < 0 or min(f[0], f[1]) < 1:
        raise KernelError(f"[{op}] strides, dilations and filter sizes must be >= 1, pads >= 0")
    if f[2] != x[3]:
        raise KernelError(f"[{op}] input depth {x[3]} != filter input depth {f[2]}")
    oc = x[3] * f[3] if depthwise else f[3]
    want = (x[0], _out_len(x[1], f[0], sh, dh, pt, pb), _out_len(x[2], f[1], sw, dw, pl, pr), oc)
    if tuple(y) != want:
        raise KernelError(f"[{op}] output shape {tuple(y)} should be {want}")
    return sh, sw, dh, dw, pt, pb, pl, pr


def _taps(k_hw, strides, dilations, out_hw):
    """(kh, kw, index) per filter tap: ``index`` slices the padded input at that tap's pixels."""
    (kh_n, kw_n), (sh, sw), (dh, dw), (oh, ow) = k_hw, strides, dilations, out_hw
    for kh in range(kh_n):
        for kw in range(kw_n):
            h0, w0 = kh * dh, kw * dw
            yield (
                kh,
                kw,
                np.s_[:, h0 : h0 + (oh - 1) * sh + 1 : sh, w0 : w0 + (ow - 1) * sw + 1 : sw],
            )


def _float_check(op, *arrays):
    if any(a.dtype != arrays[0].dtype for a in arrays) or arrays[0].dtype.kind != "f":
        raise KernelError(f"[{op}] inputs and outputs must share one float dtype")


def _make_conv(op: str, pass_: str, depthwise: bool) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        out = outputs[0]
        x, f, y = {"fwd": (a, b, out), "input": (out, a, b), "filter": (a, out, b)}[pass_]
        sh, sw, dh, dw, pt, pb, pl, pr = _conv_geom(op, x.shape, f.shape, y.shape, ints, depthwise)
        _float_check(op, a, b, out)
        n, h, w, c = x.shape
        _, oh, ow, _o = y.shape
        kw_ = dict(k_hw=f.shape[:2], strides=(sh, sw), dilations=(dh, dw), out_hw=(oh, ow))
        pads = ((0, 0), (pt, pb), (pl, pr), (0, 0))
        f64 = f.astype(np.float64)
        mult = f.shape[3]  # depthwise: output channels per input channel
        if out.size == 0:
            return
        if oh == 0 or ow == 0:
            out[...] = 0
            return
        if pass_ == "fwd":
            xp = np.pad(x.astype(np.float64), pads)
            acc = np.zeros(y.shape)
            for kh, kw, idx in _taps(**kw_):
                p = xp[idx]
                acc += (
                    (p[..., None] * f64[kh, kw]).reshape(y.shape) if depthwise else p @ f64[kh, kw]
                )
            out[...] = acc
        elif pass_ == "input":
            dxp = np.zeros((n, h + pt + pb, w + pl + pr, c))
            g = y.astype(np.float64)
            for kh, kw, idx in _taps(**kw_):
                if depthwise:
                    dxp[idx] += (g.reshape(n, oh, ow, c, mult) * f64[kh, kw]).sum(-1)
                else:
                    dxp[idx] += g @ f64[kh, kw].T
            out[...] = dxp[:, pt : pt + h, pl : pl + w]
        else:
            xp = np.pad(x.astype(np.float64), pads)
            g = y.astype(np.float64)
            acc = np.zeros(f.shape)
            for kh, kw, idx in _taps(**kw_):
                p = xp[idx]
                if depthwise:
                    acc[kh, kw] = np.einsum("nhwc,nhwcm->cm", p, g.reshape(n, oh, ow, c, mult))
                else:
                    acc[kh, kw] = np.einsum("nhwc,nhwo->co", p, g)
            out[...] = acc

    return kernel


for _p, _op in (("conv2d", "Conv2D"), ("depthwise_conv2d", "DepthwiseConv2dNative")):
    _kernel(_p)(_make_conv(_op, "fwd", _p != "conv2d"))
    _kernel(_p + "_backprop_input")(_make_conv(_op + "BackpropInput", "input", _p != "conv2d"))
    _kernel(_p + "_backprop_filter")(_make_conv(_op + "BackpropFilter", "filter", _p != "conv2d"))


def _make_conv_bias_act(op: str, depthwise: bool) -> Kernel:
    """The plan's fused step: conv, + bias [oc], then act (ints[8]: 0 none, 1 relu, 2 relu6);
    ints[9], the constant filter's id, only lets the C++ kernel keep a reordered copy."""
    conv = _make_conv(op, "fwd", depthwise)

    def kernel(inputs, outputs, ints, floats):
        x, f, b = inputs
        if len(ints) != 10 or ints[8] not in (0, 1, 2) or ints[9] < 0:
            raise KernelError(
                f"[{op}] expects 8 convolution attributes, an activation 0-2 and a filter id >= 0"
            )
        out = outputs[0]
        _float_check(op, x, f, b, out)
        if b.shape != out.shape[3:]:
            raise KernelError(f"[{op}] bias must be [{out.shape[3]}], got {list(b.shape)}")
        conv([x, f], outputs, ints[:8], floats)
        v = out + b
        if ints[8] >= 1:
            v = np.where(np.isnan(v) | (v > 0), v, 0)
        if ints[8] == 2:
            v = np.where(np.isnan(v) | (v < 6), v, 6)
        out[...] = v

    return kernel


_kernel("conv2d_bias_act")(_make_conv_bias_act("Conv2D+BiasAdd", False))
_kernel("depthwise_conv2d_bias_act")(_make_conv_bias_act("DepthwiseConv2dNative+BiasAdd", True))
