"""``tf.math``: elementwise math, reductions, segment sums and the comparison ops (the same
functions as the top-level names of TF 1.x, as in TF)."""

from __future__ import annotations

from .nn.nn_ops import in_top_k, log_softmax, softmax, softplus, top_k
from .ops.array_ops import invert_permutation
from .ops.indexing_ops import unsorted_segment_sum
from .ops.math_ops import (
    abs,
    add,
    add_n,
    argmax,
    argmin,
    divide,
    equal,
    exp,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,
    reciprocal,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
    sigmoid,
    sign,
    sqrt,
    square,
    subtract,
    tanh,
    truediv,
)
