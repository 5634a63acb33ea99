"""The plan rewrites: steps that run several ops of the graph as one kernel, found per plan.

1. ``find_fusable_updates``: ``ApplyGradientDescent`` of a ``MatMul`` gradient as one sgemm that
accumulates ``-lr * A @ B`` into the variable.

2. ``find_conv_chains``: a convolution with its bias and activation (TF's grappler remapper does
the same: ``_FusedConv2D``).

``Conv2D`` or ``DepthwiseConv2dNative`` -> ``BiasAdd`` (an ``Add`` of a 1-D bias) -> optionally
``Relu`` -> optionally ``Minimum`` with the constant 6 (``tf.nn.relu6``) runs as one kernel step,
``conv2d_bias_act`` / ``depthwise_conv2d_bias_act``: oneDNN adds the bias and applies the
activation while the output is still in cache, instead of three more passes over it. A chain
is fused only where each intermediate tensor has no other reader in the plan and is neither
fetched nor fed, and where no variable update runs between the convolution and the chain's end
(the fused step runs at the end's place), so nothing observable changes but speed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..framework import dtypes
from ..framework.graph import Operation, Tensor
from .op_kinds import aliases_variable, is_mutation

_KERNELS = {"Conv2D": "conv2d_bias_act", "DepthwiseConv2dNative": "depthwise_conv2d_bias_act"}
ACT_NONE, ACT_RELU, ACT_RELU6 = 0, 1, 2


def find_fusable_updates(exec_order, fed, fetched) -> dict[Operation, Operation]:
    """ApplyGradientDescent ops whose gradient is a MatMul used by nothing else: {update: matmul}.

    Such a pair runs as one sgemm that accumulates ``-lr * A @ B`` into the variable, which
    saves writing the gradient and a second pass over the variable. Excluded: a gradient that is
    fetched or fed, one with other consumers, and operands that may share the variable's
    buffer (read through aliases of it).
    """
    in_plan = set(exec_order)
    fused = {}
    for op in exec_order:
        if op.type != "ApplyGradientDescent":
            continue
        delta = op._inputs[2]
        mm = delta.op
        if (
            mm.type != "MatMul"
            or mm not in in_plan
            or delta in fed
            or delta in fetched
            or any(c is not op for c in delta._consumers if c in in_plan)
            or any(aliases_variable(t, op._inputs[0].op) for t in mm._inputs)
        ):
            continue
        fused[op] = mm
    return fused


@dataclass
class ConvChain:
    conv: Operation  # the convolution op
    bias: Tensor  # the bias tensor (1-D)
    act: int
    inner: tuple  # ops whose work the fused step does, besides the last one

    @property
    def kernel(self) -> str:
        return _KERNELS[self.conv.type]


def _is_const(t, value) -> bool:
    if t.op.type != "Const":
        return False
    v = np.asarray(t.op.get_attr("value"))
    return v.shape == () and v == value


def find_conv_chains(exec_order, fed, fetched) -> dict:
    """{last op of each fusable chain: ConvChain} for the ops of a plan."""
    in_plan = set(exec_order)
    position = {op: i for i, op in enumerate(exec_order)}

    def sole_reader(t):
        if t in fed or t in fetched:
            return None
        readers = [c for c in t._consumers if c in in_plan]
        return readers[0] if len(readers) == 1 else None

    chains = {}
    for op in exec_order:
        if op.type not in _KERNELS or op._outputs[0].dtype not in (dtypes.float32, dtypes.float64):
            continue
        y = op._outputs[0]
        add = sole_reader(y)
        if add is None or add.type != "Add" or add._inputs[0] is add._inputs[1]:
            continue
        bias = add._inputs[1] if add._inputs[0] is y else add._inputs[0]
        if bias.shape.ndims != 1 or bias.dtype != y.dtype or bias in fed:
            continue
        inner, last, act = [op], add, ACT_NONE
        relu = sole_reader(add._outputs[0])
        if relu is not None and relu.type == "Relu":
            inner, last, act = [op, add], relu, ACT_RELU
            six = sole_reader(relu._outputs[0])
            if six is not None and six.type == "Minimum":
                other = six._inputs[0] if six._inputs[1] is relu._outputs[0] else six._inputs[1]
                if _is_const(other, 6) and other is not relu._outputs[0]:
                    inner, last, act = [op, add, relu], six, ACT_RELU6
        between = exec_order[position[op] : position[last]]
        if any(is_mutation(o) for o in between):
            continue
        chains[last] = ConvChain(op, bias, act, tuple(inner))
    return chains


def applicable(chain: ConvChain, last, shape_of) -> bool:
    """Whether the concrete shapes fit: the bias covers the output channels and the chain's
    result has the convolution's shape (no broadcasting beyond the bias)."""
    y = shape_of(chain.conv._outputs[0])
    return tuple(shape_of(chain.bias)) == (y[-1],) and tuple(shape_of(last._outputs[0])) == y
