"""Dtypes that some kernels compute in a wider dtype: the plan casts those inputs up, runs the
kernel on the wide copies and casts the outputs back (``client/compiler``).

This is how TF computes float16 and bfloat16 (Eigen converts each element to float32, computes
and rounds back) and it is exact for the integer cases listed: order and equality survive a
widening to int64 (``ORDER``: arg max, top k, unique), and so do wrap-around sums and products
once narrowed (``MODULAR``: cumulative sums and products, as C++'s unsigned arithmetic).
A kernel's own 16-bit or narrow-integer loop, where it has one, needs no entry here.
"""

from __future__ import annotations

from . import dtypes as _dt

_HALF = {_dt.float16: _dt.float32, _dt.bfloat16: _dt.float32}
_NARROW = {d: _dt.int64 for d in (_dt.int8, _dt.int16, _dt.uint8, _dt.uint16, _dt.uint32)}
ORDER = {**_HALF, **_NARROW}  # int64 keeps the order of every narrower integer
EQUALITY = {**ORDER, _dt.uint64: _dt.int64}  # and uint64's bits
MODULAR = EQUALITY  # two's complement: sums and products mod 2^64 narrow to mod 2^k

_BY_OP: dict[str, dict] = {}


def _add(ops: str, widen: dict) -> None:
    for op in ops.split():
        _BY_OP[op] = {**_BY_OP.get(op, {}), **widen}


# float32 math: the 16-bit floats as TF computes them
_add(
    "Acos Acosh Asin Asinh Atan Atan2 Atanh Ceil Cos Cosh Sin Sinh Tan Expm1 Log1p Rsqrt Erf "
    "Erfc Round Softsign IsFinite IsInf IsNan CumulativeLogsumexp DivNoNan MulNoNan "
    "SquaredDifference LogSoftmax Softmax SoftmaxCrossEntropyWithLogits "
    "SparseSoftmaxCrossEntropyWithLogits MatMul BatchMatMulV2 Conv2D Conv2DBackpropFilter "
    "Conv2DBackpropInput DepthwiseConv2dNative DepthwiseConv2dNativeBackpropFilter "
    "DepthwiseConv2dNativeBackpropInput MaxPool MaxPoolGrad MaxPoolGradGrad CheckNumerics Range",
    _HALF,
)
_add(
    "AvgPool AvgPoolGrad SparseSegmentMean SparseSegmentMeanWithNumSegments SparseSegmentSqrtN "
    "SparseSegmentSqrtNWithNumSegments SparseSoftmax Xlogy Xdivy SparseTensorDenseMatMul",
    _HALF,
)
_add("MatrixInverse Qr", {_dt.float16: _dt.float32})
_add("LowerBound UpperBound", ORDER)
# max pooling: int64 does not fit float64 exactly, the narrower integers do
_add("MaxPool", {d: _dt.float64 for d in (_dt.int8, _dt.int16, _dt.int32, _dt.uint8, _dt.uint16)})
_add("UnsortedSegmentSum UnsortedSegmentProd SparseReduceSum", {**MODULAR, **_HALF})
_add("SparseAdd", {_dt.int8: _dt.int64, _dt.int16: _dt.int64})
_add("BesselI0 BesselI0e BesselI1 BesselI1e Digamma Lgamma", {_dt.float16: _dt.float32})
_add("ArgMax ArgMin", {**ORDER, _dt.bool: _dt.int64})
_add("TopKV2", ORDER)
_add("Unique UniqueWithCounts ListDiff", EQUALITY)
_add("Cumsum Cumprod SparseTensorDenseAdd", MODULAR)
_add("SparseReorder SparseToDense", EQUALITY)
# scatters move or sum elements: the narrow integers wrap as int64 sums narrowed do, bool ORs
_add(
    "ScatterNd TensorScatterUpdate TensorScatterAdd TensorScatterSub",
    {**MODULAR, _dt.bool: _dt.int64},
)
_add("TensorScatterMax TensorScatterMin", ORDER)
_add("Where", EQUALITY)  # which elements are non-zero
_add("RandomGamma", {_dt.float16: _dt.float32})
_add("StatelessMultinomial StatelessRandomBinomial StatelessParameterizedTruncatedNormal", _HALF)


def widening(op_type: str) -> dict:
    """{dtype: the dtype its kernel computes in} for ``op_type`` (empty: none widened)."""
    return _BY_OP.get(op_type, {})
