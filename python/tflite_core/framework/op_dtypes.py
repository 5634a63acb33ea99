"""TensorFlow's type constraints of the op types tflite_core builds: for each op type, the inputs
bound to one type attribute and the dtypes that attribute allows, in the order TF's ``OpDef``
lists them (``tensorflow/core/ops/*.cc``; ``Add`` is TF 2's ``AddV2``, which ``tf.add`` builds).
:func:`allowed_dtypes` is what ``op_util.check_dtype_in`` checks at graph build, so that an op
on a dtype TF does not allow is TF's ``TypeError`` naming the parameter and the allowed list.
Kernels may still lack a dtype TF allows (an InvalidArgumentError "unsupported dtype" when run).
Index inputs (axes, shapes, indices, segment ids: TF's int32/int64 and int16 lists) are left to
the ops' own checks, which follow the index dtypes the kernels read.
"""

from __future__ import annotations

from . import dtypes as _dt

# the allowed-type lists, in TF's order
_0 = "bfloat16 float16 float32 float64 int8 int16 int32 int64"
_1 = "bfloat16 float16 float32 float64 complex64 complex128"
_2 = (
    "bfloat16 float16 float32 float64 uint8 uint16 uint32 uint64 int8 int16 int32 int64 "
    "complex64 complex128"
)
_3 = (
    "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 "
    "qint16 quint16 uint16 complex128 float16 uint32 uint64 variant"
)
_4 = "complex64 complex128"
_5 = (
    "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 "
    "qint16 quint16 uint16 complex128 float16 uint32 uint64"
)
_6 = (
    "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8 "
    "quint8 qint32 qint16 quint16 bool"
)
_9 = "bfloat16 float16 float32 float64"
_10 = "float16 bfloat16 float32 float64"
_11 = (
    "bfloat16 float16 float32 float64 int16 int32 int64 uint8 uint16 uint32 uint64 complex64 "
    "complex128"
)
_12 = "float32 float64"
_13 = (
    "bfloat16 float16 float32 float64 int64 int32 uint8 uint16 uint32 uint64 int8 int16 "
    "complex64 complex128 qint8 quint8 qint16 quint16 qint32"
)
_14 = "int8 int16 int32 int64 uint8 uint16 uint32 uint64"
_15 = "complex64 complex128 variant"
_16 = "float16 bfloat16 float32 float64 int32"
_17 = (
    "bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 uint32 uint64 int64 "
    "complex64 complex128"
)
_18 = "float16 float32 bfloat16 float64 complex64 complex128"
_19 = "int8 int16 int32 int64 uint8 uint16 uint32 uint64 bfloat16 float16 float32 float64"
_20 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64"
_21 = "bfloat16 float16 float32 float64 int32 int64 uint8 uint16 uint32 uint64 complex64 complex128"
_22 = (
    "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8 "
    "quint8 qint32 qint16 quint16"
)
_23 = "float16 bfloat16 float32 float64 int32 int64 uint8 int16 int8 uint16 qint8"
_24 = "bfloat16 float16 float32 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64"
_25 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 complex64 complex128"
_26 = "float64 float32"
_27 = "bfloat16 float32 float16 float64 int8 int16 int32 int64 complex64 complex128"
_28 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 uint16 uint32 uint64"
_29 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8"
_30 = (
    "bfloat16 float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 "
    "complex64 complex128"
)
_31 = "bfloat16 float16 float32 float64 int32 int64 complex64 complex128"
_32 = (
    "bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 int64 complex64 "
    "complex128 uint32 uint64"
)
_33 = "int32 int64 bfloat16 float16 float32 float64"
_34 = "float16 bfloat16 float32 float64 complex64 complex128"

_ALLOWED: dict[str, tuple[tuple[str, str], ...]] = {
    "Abs": (("x", _0),),
    "Acos": (("x", _1),),
    "Acosh": (("x", _1),),
    "Add": (("x y", _2),),
    "AddN": (("inputs", _3),),
    "Angle": (("input", _4),),
    "ApplyAdagrad": (("var accum lr grad", _5),),
    "ApplyAdam": (("var m v beta1_power beta2_power lr beta1 beta2 epsilon grad", _5),),
    "ApplyGradientDescent": (("var alpha delta", _5),),
    "ApplyMomentum": (("var accum lr grad momentum", _5),),
    "ApplyRMSProp": (("var ms mom lr rho momentum epsilon grad", _5),),
    "ArgMax": (("input", _6),),
    "ArgMin": (("input", _6),),
    "Asin": (("x", _1),),
    "Asinh": (("x", _1),),
    "AssignAdd": (("ref value", _5),),
    "AssignSub": (("ref value", _5),),
    "Atan": (("x", _1),),
    "Atan2": (("y x", _9),),
    "Atanh": (("x", _1),),
    "AvgPool": (("value", _10),),
    "AvgPoolGrad": (("grad", _10),),
    "BatchMatMulV2": (("x y", _11),),
    "BesselI0": (("x", _9),),
    "BesselI0e": (("x", _9),),
    "BesselI1": (("x", _9),),
    "BesselI1e": (("x", _9),),
    "Betainc": (("a b x", _12),),
    "Bitcast": (("input", _13),),
    "BitwiseAnd": (("x y", _14),),
    "BitwiseOr": (("x y", _14),),
    "BitwiseXor": (("x y", _14),),
    "Ceil": (("x", _9),),
    "Complex": (("real imag", _12),),
    "ComplexAbs": (("x", _4),),
    "Conj": (("input", _15),),
    "Conv2D": (("input filter", _16),),
    "Conv2DBackpropFilter": (("input out_backprop", _10),),
    "Conv2DBackpropInput": (("filter out_backprop", _16),),
    "Cos": (("x", _1),),
    "Cosh": (("x", _1),),
    "Cumprod": (("x", _5),),
    "Cumsum": (("x", _5),),
    "CumulativeLogsumexp": (("x", _9),),
    "DepthwiseConv2dNative": (("input filter", _10),),
    "DepthwiseConv2dNativeBackpropFilter": (("input out_backprop", _10),),
    "DepthwiseConv2dNativeBackpropInput": (("filter out_backprop", _10),),
    "Digamma": (("x", _9),),
    "Div": (("x y", _17),),
    "DivNoNan": (("x y", _18),),
    "Erf": (("x", _9),),
    "Erfc": (("x", _9),),
    "Erfinv": (("x", _9),),
    "Exp": (("x", _1),),
    "Expm1": (("x", _1),),
    "Floor": (("x", _9),),
    "FloorDiv": (("x y", _17),),
    "FloorMod": (("x y", _19),),
    "GatherV2": (),
    "Greater": (("x y", _20),),
    "GreaterEqual": (("x y", _20),),
    "HistogramSummary": (("values", _20),),
    "Imag": (("input", _4),),
    "Invert": (("x", _14),),
    "IsFinite": (("x", _9),),
    "IsInf": (("x", _9),),
    "IsNan": (("x", _9),),
    "LeftShift": (("x y", _14),),
    "Less": (("x y", _20),),
    "LessEqual": (("x y", _20),),
    "Lgamma": (("x", _9),),
    "Log": (("x", _1),),
    "Log1p": (("x", _1),),
    "LogSoftmax": (("logits", _10),),
    "MatMul": (("a b", _21),),
    "Max": (("input", _22),),
    "MaxPool": (("input", _23),),
    "MaxPoolGrad": (("orig_input orig_output grad", _20),),
    "MaxPoolGradGrad": (("orig_input orig_output grad", _20),),
    "Maximum": (("x y", _24),),
    "Mean": (("input", _5),),
    "Min": (("input", _22),),
    "Minimum": (("x y", _24),),
    "Mul": (("x y", _17),),
    "MulNoNan": (("x y", _1),),
    "Ndtri": (("x", _9),),
    "Neg": (("x", _25),),
    "NextAfter": (("x1 x2", _26),),
    "Polygamma": (("a x", _12),),
    "PopulationCount": (("x", _14),),
    "Pow": (("x y", _27),),
    "Prod": (("input", _5),),
    "Range": (("start limit delta", _28),),
    "Real": (("input", _4),),
    "RealDiv": (("x y", _17),),
    "Reciprocal": (("x", _25),),
    "Relu": (("features", _29),),
    "ReluGrad": (("gradients features", _20),),
    "RightShift": (("x y", _14),),
    "Rint": (("x", _9),),
    "Round": (("x", _25),),
    "Rsqrt": (("x", _1),),
    "ScalarSummary": (("values", _20),),
    "Sigmoid": (("x", _1),),
    "SigmoidGrad": (("y dy", _1),),
    "Sign": (("x", _25),),
    "Sin": (("x", _1),),
    "Sinh": (("x", _1),),
    "Softmax": (("logits", _10),),
    "SoftmaxCrossEntropyWithLogits": (("features labels", _10),),
    "Softsign": (("features", _10),),
    "SparseApplyAdagrad": (("var accum lr grad", _5),),
    "SparseApplyMomentum": (("var accum lr grad momentum", _5),),
    "SparseSoftmaxCrossEntropyWithLogits": (("features", _10),),
    "Sqrt": (("x", _1),),
    "Square": (("x", _30),),
    "SquaredDifference": (("x y", _31),),
    "Sub": (("x y", _32),),
    "Sum": (("input", _5),),
    "Tan": (("x", _1),),
    "Tanh": (("x", _1),),
    "TanhGrad": (("y dy", _1),),
    "TopKV2": (("input", _20),),
    "TruncateDiv": (("x y", _17),),
    "TruncateMod": (("x y", _33),),
    "UnsortedSegmentMax": (("data", _20),),
    "UnsortedSegmentMin": (("data", _20),),
    "UnsortedSegmentProd": (("data", _5),),
    "UnsortedSegmentSum": (("data", _5),),
    "Xdivy": (("x y", _34),),
    "Xlogy": (("x y", _34),),
    "Zeta": (("x q", _12),),
}


def allowed_dtypes(op_type: str, param: str) -> tuple[_dt.DType, ...] | None:
    """The dtypes TF allows for input ``param`` of ``op_type``, in TF's order; None when the
    table does not constrain it (an op type TF does not have, or an input of any type)."""
    for params, names in _ALLOWED.get(op_type, ()):
        if param in params.split():
            return tuple(_dt.as_dtype(n) for n in names.split())
    return None
