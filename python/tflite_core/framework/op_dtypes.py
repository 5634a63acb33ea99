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
from .graph_def_forms import WRITTEN_AS, tf_form

# ---- generated from TF's OpDefs (python tests/test_op_dtypes_table.py) ----------
_0 = "bfloat16 float16 float32 float64 int8 int16 int32 int64"
_1 = "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 qint16 quint16 uint16 complex128 float16 uint32 uint64"
_2 = "bfloat16 float16 float32 float64 complex64 complex128"
_3 = "bfloat16 float16 float32 float64 uint8 uint16 uint32 uint64 int8 int16 int32 int64 complex64 complex128"
_4 = "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 qint16 quint16 uint16 complex128 float16 uint32 uint64 variant"
_5 = "complex64 complex128"
_6 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8 quint8 qint32 qint16 quint16 bool"
_7 = "int16 int32 int64"
_8 = "int32 int64"
_9 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 complex64 complex128 bool variant string"
_10 = "bfloat16 float16 float32 float64"
_11 = "float16 bfloat16 float32 float64"
_12 = "bfloat16 float16 float32 float64 int16 int32 int64 uint8 uint16 uint32 uint64 complex64 complex128"
_13 = "float32 float64"
_14 = "bfloat16 float16 float32 float64 int64 int32 uint8 uint16 uint32 uint64 int8 int16 complex64 complex128 qint8 quint8 qint16 quint16 qint32"
_15 = "int8 int16 int32 int64 uint8 uint16 uint32 uint64"
_16 = "float64 float32 float16 complex64 complex128"
_17 = "complex64 complex128 variant"
_18 = "float16 bfloat16 float32 float64 int32"
_19 = "float16 float32 bfloat16 float64 complex64 complex128"
_20 = "uint8 uint16"
_21 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 complex64 complex128 bool"
_22 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64"
_23 = "bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 uint32 uint64 int64 complex64 complex128"
_24 = "int8 int16 int32 int64 uint8 uint16 uint32 uint64 bfloat16 float16 float32 float64"
_25 = "float16 bfloat16 float32"
_26 = "float32"
_27 = "bfloat16 float32"
_28 = "int32 int64 float32 float64"
_29 = "uint8 float32 float16 float64"
_30 = "float16 float32 float64 complex64 complex128"
_31 = "bfloat16 float16 float32 float64 int32 int64 uint8 uint16 uint32 uint64 complex64 complex128"
_32 = "bfloat16 float64 float32 float16 complex64 complex128"
_33 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8 quint8 qint32 qint16 quint16"
_34 = "float16 bfloat16 float32 float64 int32 int64 uint8 int16 int8 uint16 qint8"
_35 = "bfloat16 float16 float32 float64 int8 uint8 int16 uint16 int32 uint32 int64 uint64"
_36 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 complex64 complex128"
_37 = "float64 float32"
_38 = "bfloat16 float32 float16 float64 int8 int16 int32 int64 complex64 complex128"
_39 = "float16 float32 float64"
_40 = "int32 uint32 int64 uint64"
_41 = "float16 float32 float64 int32 int64"
_42 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 uint16 uint32 uint64"
_43 = "float32 float64 int32 uint8 int16 int8 int64 bfloat16 uint16 float16 uint32 uint64 qint8"
_44 = "int8 uint8 int16 uint16 int32 int64 bfloat16 float16 float32 float64 bfloat16"
_45 = "float32 bfloat16 float16 float64"
_46 = "uint8 int8 uint16 int16 int32 uint32 int64 uint64 bool bfloat16 float16 float32 float64 complex64 complex128 string"
_47 = "float16 bfloat16 float32 float64 int32 int64"
_48 = "bfloat16 float16 float32 float64 int8 int16 int32 int64 uint8 uint16 uint32 uint64 complex64 complex128"
_49 = "bfloat16 float16 float32 float64 int32 int64 complex64 complex128"
_50 = "int32 int64 uint32 uint64"
_51 = "bfloat16 float16 float32 float64 uint8 int8 uint16 int16 int32 int64 complex64 complex128 uint32 uint64"
_52 = "int16 int32 int64 uint16"
_53 = "int32 int64 bfloat16 float16 float32 float64"
_54 = "float32 float64 int32 uint8 int16 int8 complex64 int64 qint8 quint8 qint32 bfloat16 qint16 quint16 uint16 complex128 float16 uint32 uint64 bool"
_55 = "float16 bfloat16 float32 float64 complex64 complex128"

_TABLE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "Abs": ("x", (("x", _0),)),
    "AccumulatorApplyGradient": ("handle:string local_step:int64 gradient", (("gradient", _1),)),
    "AccumulatorNumAccumulated": ("handle:string", ()),
    "AccumulatorSetGlobalStep": ("handle:string new_global_step:int64", ()),
    "AccumulatorTakeGradient": ("handle:string num_required:int32", ()),
    "Acos": ("x", (("x", _2),)),
    "Acosh": ("x", (("x", _2),)),
    "Add": ("x y", (("x y", _3),)),
    "AddN": ("inputs*", (("inputs", _4),)),
    "Angle": ("input", (("input", _5),)),
    "ApplyAdadelta": (
        "var accum accum_update lr rho epsilon grad",
        (("var accum accum_update lr rho epsilon grad", _1),),
    ),
    "ApplyAdagrad": ("var accum lr grad", (("var accum lr grad", _1),)),
    "ApplyAdagradDA": (
        "var gradient_accumulator gradient_squared_accumulator grad lr l1 l2 global_step:int64",
        (("var gradient_accumulator gradient_squared_accumulator grad lr l1 l2", _1),),
    ),
    "ApplyAdam": (
        "var m v beta1_power beta2_power lr beta1 beta2 epsilon grad",
        (("var m v beta1_power beta2_power lr beta1 beta2 epsilon grad", _1),),
    ),
    "ApplyCenteredRMSProp": (
        "var mg ms mom lr rho momentum epsilon grad",
        (("var mg ms mom lr rho momentum epsilon grad", _1),),
    ),
    "ApplyFtrl": (
        "var accum linear grad lr l1 l2 lr_power",
        (("var accum linear grad lr l1 l2 lr_power", _1),),
    ),
    "ApplyFtrlV2": (
        "var accum linear grad lr l1 l2 l2_shrinkage lr_power",
        (("var accum linear grad lr l1 l2 l2_shrinkage lr_power", _1),),
    ),
    "ApplyGradientDescent": ("var alpha delta", (("var alpha delta", _1),)),
    "ApplyMomentum": ("var accum lr grad momentum", (("var accum lr grad momentum", _1),)),
    "ApplyProximalAdagrad": ("var accum lr l1 l2 grad", (("var accum lr l1 l2 grad", _1),)),
    "ApplyProximalGradientDescent": ("var alpha l1 l2 delta", (("var alpha l1 l2 delta", _1),)),
    "ApplyRMSProp": (
        "var ms mom lr rho momentum epsilon grad",
        (("var ms mom lr rho momentum epsilon grad", _1),),
    ),
    "ArgMax": ("input dimension", (("input", _6), ("dimension", _7))),
    "ArgMin": ("input dimension", (("input", _6), ("dimension", _8))),
    "AsString": ("input", (("input", _9),)),
    "Asin": ("x", (("x", _2),)),
    "Asinh": ("x", (("x", _2),)),
    "Assert": ("condition:bool data*", ()),
    "Assign": ("ref value", ()),
    "AssignAdd": ("ref value", (("ref value", _1),)),
    "AssignSub": ("ref value", (("ref value", _1),)),
    "Atan": ("x", (("x", _2),)),
    "Atan2": ("y x", (("y x", _10),)),
    "Atanh": ("x", (("x", _2),)),
    "AudioSummaryV2": ("tag:string tensor:float32 sample_rate:float32", ()),
    "AvgPool": ("value", (("value", _11),)),
    "AvgPoolGrad": ("orig_input_shape:int32 grad", (("grad", _11),)),
    "BatchMatMulV2": ("x y", (("x y", _12),)),
    "BatchToSpaceND": ("input block_shape crops", (("block_shape", _8), ("crops", _8))),
    "BesselI0": ("x", (("x", _10),)),
    "BesselI0e": ("x", (("x", _10),)),
    "BesselI1": ("x", (("x", _10),)),
    "BesselI1e": ("x", (("x", _10),)),
    "Betainc": ("a b x", (("a b x", _13),)),
    "Bitcast": ("input", (("input", _14),)),
    "BitwiseAnd": ("x y", (("x y", _15),)),
    "BitwiseOr": ("x y", (("x y", _15),)),
    "BitwiseXor": ("x y", (("x y", _15),)),
    "BroadcastArgs": ("s0 s1", (("s0 s1", _8),)),
    "BroadcastTo": ("input shape", (("shape", _8),)),
    "CTCBeamSearchDecoder": ("inputs sequence_length:int32", (("inputs", _13),)),
    "Cast": ("x", ()),
    "Ceil": ("x", (("x", _10),)),
    "CheckNumerics": ("tensor", (("tensor", _10),)),
    "Cholesky": ("input", (("input", _16),)),
    "Complex": ("real imag", (("real imag", _13),)),
    "ComplexAbs": ("x", (("x", _5),)),
    "ConcatV2": ("values* axis", (("axis", _8),)),
    "ConditionalAccumulator": ("", ()),
    "Conj": ("input", (("input", _17),)),
    "Const": ("", ()),
    "Conv2D": ("input filter", (("input filter", _18),)),
    "Conv2DBackpropFilter": (
        "input filter_sizes:int32 out_backprop",
        (("input out_backprop", _11),),
    ),
    "Conv2DBackpropInput": (
        "input_sizes:int32 filter out_backprop",
        (("filter out_backprop", _18),),
    ),
    "Cos": ("x", (("x", _2),)),
    "Cosh": ("x", (("x", _2),)),
    "CountUpTo": ("ref", (("ref", _8),)),
    "Cumprod": ("x axis", (("x", _1), ("axis", _8))),
    "Cumsum": ("x axis", (("x", _1), ("axis", _8))),
    "CumulativeLogsumexp": ("x axis", (("x", _10), ("axis", _8))),
    "DatasetCardinality": ("input_dataset:variant", ()),
    "DatasetToSingleElement": ("dataset:variant", ()),
    "DecodeAndCropJpeg": ("contents:string crop_window:int32", ()),
    "DecodeBase64": ("input:string", ()),
    "DecodeBmp": ("contents:string", ()),
    "DecodeCSV": ("records:string record_defaults*", ()),
    "DecodeCompressed": ("bytes:string", ()),
    "DecodeGif": ("contents:string", ()),
    "DecodeImage": ("contents:string", ()),
    "DecodeJSONExample": ("json_examples:string", ()),
    "DecodeJpeg": ("contents:string", ()),
    "DecodePng": ("contents:string", ()),
    "DecodeProtoV2": ("bytes:string", ()),
    "DecodeRaw": ("bytes:string", ()),
    "DecodeWebP": ("contents:string", ()),
    "DepthToSpace": ("input", ()),
    "DepthwiseConv2dNative": ("input filter", (("input filter", _11),)),
    "DepthwiseConv2dNativeBackpropFilter": (
        "input filter_sizes:int32 out_backprop",
        (("input out_backprop", _11),),
    ),
    "DepthwiseConv2dNativeBackpropInput": (
        "input_sizes:int32 filter out_backprop",
        (("filter out_backprop", _11),),
    ),
    "DeserializeManySparse": ("serialized_sparse:string", ()),
    "Digamma": ("x", (("x", _10),)),
    "DivNoNan": ("x y", (("x y", _19),)),
    "DynamicPartition": ("data partitions:int32", ()),
    "DynamicStitch": ("indices*:int32 data*", ()),
    "EagerPyFunc": ("input*", ()),
    "EncodeBase64": ("input:string", ()),
    "EncodeJpeg": ("image:uint8", ()),
    "EncodeJpegVariableQuality": ("images:uint8 quality:int32", ()),
    "EncodePng": ("image", (("image", _20),)),
    "EncodeProto": ("sizes:int32 values*", ()),
    "EnsureShape": ("input", ()),
    "Equal": ("x y", ()),
    "Erf": ("x", (("x", _10),)),
    "Erfc": ("x", (("x", _10),)),
    "Erfinv": ("x", (("x", _10),)),
    "Exp": ("x", (("x", _2),)),
    "ExpandDims": ("input dim", (("dim", _8),)),
    "Expm1": ("x", (("x", _2),)),
    "ExtractImagePatches": ("images", (("images", _21),)),
    "ExtractJpegShape": ("contents:string", ()),
    "ExtractVolumePatches": ("input", (("input", _22),)),
    "FFT": ("input", (("input", _5),)),
    "FFT2D": ("input", (("input", _5),)),
    "FFT3D": ("input", (("input", _5),)),
    "FFTND": ("input fft_length:int32 axes:int32", (("input", _5),)),
    "FIFOQueueV2": ("", ()),
    "FakeQuantWithMinMaxArgs": ("inputs:float32", ()),
    "FakeQuantWithMinMaxArgsGradient": ("gradients:float32 inputs:float32", ()),
    "FakeQuantWithMinMaxVars": ("inputs:float32 min:float32 max:float32", ()),
    "FakeQuantWithMinMaxVarsGradient": (
        "gradients:float32 inputs:float32 min:float32 max:float32",
        (),
    ),
    "FakeQuantWithMinMaxVarsPerChannel": ("inputs:float32 min:float32 max:float32", ()),
    "FakeQuantWithMinMaxVarsPerChannelGradient": (
        "gradients:float32 inputs:float32 min:float32 max:float32",
        (),
    ),
    "Fill": ("dims value", (("dims", _8),)),
    "FixedLengthRecordReaderV2": ("", ()),
    "FixedUnigramCandidateSampler": ("true_classes:int64", ()),
    "Floor": ("x", (("x", _10),)),
    "FloorDiv": ("x y", (("x y", _23),)),
    "FloorMod": ("x y", (("x y", _24),)),
    "FusedBatchNormGradV3": (
        "y_backprop x scale:float32 reserve_space_1 reserve_space_2 reserve_space_3",
        (("y_backprop x", _25), ("reserve_space_1 reserve_space_2 reserve_space_3", _26)),
    ),
    "FusedBatchNormV3": (
        "x scale offset mean variance",
        (("x", _25), ("scale offset mean variance", _27)),
    ),
    "GatherNd": ("params indices", (("indices", _7),)),
    "GatherV2": ("params indices axis", (("indices", _7), ("axis", _8))),
    "Greater": ("x y", (("x y", _22),)),
    "GreaterEqual": ("x y", (("x y", _22),)),
    "GuaranteeConst": ("input", ()),
    "HistogramFixedWidth": ("values value_range nbins:int32", (("values value_range", _28),)),
    "HistogramSummary": ("tag:string values", (("values", _22),)),
    "IFFT": ("input", (("input", _5),)),
    "IFFT2D": ("input", (("input", _5),)),
    "IFFT3D": ("input", (("input", _5),)),
    "IFFTND": ("input fft_length:int32 axes:int32", (("input", _5),)),
    "IRFFT": ("input fft_length:int32", (("input", _5),)),
    "IRFFT2D": ("input fft_length:int32", (("input", _5),)),
    "IRFFT3D": ("input fft_length:int32", (("input", _5),)),
    "IRFFTND": ("input fft_length:int32 axes:int32", (("input", _5),)),
    "Identity": ("input", ()),
    "IdentityN": ("input*", ()),
    "IdentityReaderV2": ("", ()),
    "If": ("cond input*", ()),
    "Igamma": ("a x", (("a x", _10),)),
    "Igammac": ("a x", (("a x", _10),)),
    "Imag": ("input", (("input", _5),)),
    "ImageSummary": ("tag:string tensor", (("tensor", _29),)),
    "InTopKV2": ("predictions:float32 targets k", (("targets k", _8),)),
    "Invert": ("x", (("x", _15),)),
    "InvertPermutation": ("x", (("x", _8),)),
    "IsFinite": ("x", (("x", _10),)),
    "IsInf": ("x", (("x", _10),)),
    "IsNan": ("x", (("x", _10),)),
    "IsVariableInitialized": ("ref", ()),
    "IteratorGetNext": ("iterator:resource", ()),
    "IteratorToStringHandle": ("resource_handle:resource", ()),
    "IteratorV2": ("", ()),
    "LMDBReader": ("", ()),
    "LearnedUnigramCandidateSampler": ("true_classes:int64", ()),
    "LeftShift": ("x y", (("x y", _15),)),
    "Less": ("x y", (("x y", _22),)),
    "LessEqual": ("x y", (("x y", _22),)),
    "Lgamma": ("x", (("x", _10),)),
    "LinSpace": ("start stop num", (("start stop", _10), ("num", _8))),
    "ListDiff": ("x y", ()),
    "Log": ("x", (("x", _2),)),
    "Log1p": ("x", (("x", _2),)),
    "LogMatrixDeterminant": ("input", (("input", _30),)),
    "LogSoftmax": ("logits", (("logits", _11),)),
    "LogUniformCandidateSampler": ("true_classes:int64", ()),
    "LogicalAnd": ("x:bool y:bool", ()),
    "LogicalNot": ("x:bool", ()),
    "LogicalOr": ("x:bool y:bool", ()),
    "LowerBound": ("sorted_inputs values", ()),
    "Lu": ("input", (("input", _16),)),
    "MakeIterator": ("dataset:variant iterator:resource", ()),
    "MatMul": ("a b", (("a b", _31),)),
    "MatchingFiles": ("pattern:string", ()),
    "MatrixDeterminant": ("input", (("input", _30),)),
    "MatrixExponential": ("input", (("input", _16),)),
    "MatrixInverse": ("input", (("input", _16),)),
    "MatrixSolve": ("matrix rhs", (("matrix rhs", _16),)),
    "MatrixSolveLs": ("matrix rhs l2_regularizer:float64", (("matrix rhs", _16),)),
    "MatrixSquareRoot": ("input", (("input", _16),)),
    "MatrixTriangularSolve": ("matrix rhs", (("matrix rhs", _32),)),
    "Max": ("input reduction_indices", (("input", _33), ("reduction_indices", _8))),
    "MaxPool": ("input", (("input", _34),)),
    "MaxPoolGrad": ("orig_input orig_output grad", (("orig_input orig_output grad", _22),)),
    "MaxPoolGradGrad": ("orig_input orig_output grad", (("orig_input orig_output grad", _22),)),
    "Maximum": ("x y", (("x y", _35),)),
    "Mean": ("input reduction_indices", (("input", _1), ("reduction_indices", _8))),
    "MergeSummary": ("inputs*:string", ()),
    "Min": ("input reduction_indices", (("input", _33), ("reduction_indices", _8))),
    "Minimum": ("x y", (("x y", _35),)),
    "Mul": ("x y", (("x y", _23),)),
    "MulNoNan": ("x y", (("x y", _2),)),
    "Multinomial": ("logits num_samples:int32", (("logits", _22),)),
    "Ndtri": ("x", (("x", _10),)),
    "Neg": ("x", (("x", _36),)),
    "NextAfter": ("x1 x2", (("x1 x2", _37),)),
    "NoOp": ("", ()),
    "NotEqual": ("x y", ()),
    "OneShotIterator": ("", ()),
    "Pad": ("input paddings", (("paddings", _8),)),
    "PadV2": ("input paddings constant_values", (("paddings", _8),)),
    "PaddingFIFOQueueV2": ("", ()),
    "ParseExampleV2": (
        "serialized:string names:string sparse_keys:string dense_keys:string ragged_keys:string dense_defaults*",
        (),
    ),
    "ParseSequenceExampleV2": (
        "serialized:string debug_name:string context_sparse_keys:string context_dense_keys:string context_ragged_keys:string feature_list_sparse_keys:string feature_list_dense_keys:string feature_list_ragged_keys:string feature_list_dense_missing_assumed_empty:bool context_dense_defaults*",
        (),
    ),
    "ParseTensor": ("serialized:string", ()),
    "Placeholder": ("", ()),
    "PlaceholderWithDefault": ("input", ()),
    "Polygamma": ("a x", (("a x", _13),)),
    "Pow": ("x y", (("x y", _38),)),
    "Print": ("input data*", ()),
    "PrintV2": ("input:string", ()),
    "PriorityQueueV2": ("", ()),
    "Prod": ("input reduction_indices", (("input", _1), ("reduction_indices", _8))),
    "PyFunc": ("input*", ()),
    "PyFuncStateless": ("input*", ()),
    "Qr": ("input", (("input", _16),)),
    "QueueCloseV2": ("handle:resource", ()),
    "QueueDequeueManyV2": ("handle:resource n:int32", ()),
    "QueueDequeueUpToV2": ("handle:resource n:int32", ()),
    "QueueDequeueV2": ("handle:resource", ()),
    "QueueEnqueueManyV2": ("handle:resource components*", ()),
    "QueueEnqueueV2": ("handle:resource components*", ()),
    "QueueIsClosedV2": ("handle:resource", ()),
    "QueueSizeV2": ("handle:resource", ()),
    "RFFT": ("input fft_length:int32", (("input", _13),)),
    "RFFT2D": ("input fft_length:int32", (("input", _13),)),
    "RFFT3D": ("input fft_length:int32", (("input", _13),)),
    "RFFTND": ("input fft_length:int32 axes:int32", (("input", _13),)),
    "RandomGamma": ("shape alpha", (("shape", _8), ("alpha", _39))),
    "RandomGammaGrad": ("alpha sample", (("alpha sample", _13),)),
    "RandomIndexShuffle": ("index seed max_index", (("index max_index", _40), ("seed", _40))),
    "RandomPoissonV2": ("shape rate", (("shape", _8), ("rate", _41))),
    "RandomShuffle": ("value", ()),
    "RandomShuffleQueueV2": ("", ()),
    "RandomStandardNormal": ("shape", (("shape", _8),)),
    "RandomUniform": ("shape", (("shape", _8),)),
    "RandomUniformInt": ("shape minval maxval", (("shape", _8), ("minval maxval", _8))),
    "Range": ("start limit delta", (("start limit delta", _42),)),
    "ReadFile": ("filename:string", ()),
    "ReaderNumRecordsProducedV2": ("reader_handle:resource", ()),
    "ReaderNumWorkUnitsCompletedV2": ("reader_handle:resource", ()),
    "ReaderReadUpToV2": ("reader_handle:resource queue_handle:resource num_records:int64", ()),
    "ReaderReadV2": ("reader_handle:resource queue_handle:resource", ()),
    "ReaderResetV2": ("reader_handle:resource", ()),
    "Real": ("input", (("input", _5),)),
    "RealDiv": ("x y", (("x y", _23),)),
    "Reciprocal": ("x", (("x", _36),)),
    "ReduceDataset": ("input_dataset:variant initial_state* other_arguments*", ()),
    "ReduceJoin": ("inputs:string reduction_indices:int32", ()),
    "RegexFullMatch": ("input:string pattern:string", ()),
    "RegexReplace": ("input:string pattern:string rewrite:string", ()),
    "Relu": ("features", (("features", _43),)),
    "ReluGrad": ("gradients features", (("gradients features", _22),)),
    "Reshape": ("tensor shape", (("shape", _8),)),
    "ResizeBilinear": ("images size:int32", (("images", _44),)),
    "ResizeBilinearGrad": ("grads:float32 original_image", (("original_image", _45),)),
    "ReverseSequence": ("input seq_lengths", (("seq_lengths", _8),)),
    "ReverseV2": ("tensor axis", (("tensor", _46), ("axis", _8))),
    "RightShift": ("x y", (("x y", _15),)),
    "Rint": ("x", (("x", _10),)),
    "RngReadAndSkip": ("resource:resource alg:int32 delta:uint64", ()),
    "Roll": ("input shift axis", (("shift", _8), ("axis", _8))),
    "Round": ("x", (("x", _36),)),
    "Rsqrt": ("x", (("x", _2),)),
    "ScalarSummary": ("tags:string values", (("values", _22),)),
    "ScatterAdd": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterDiv": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterMax": ("ref indices updates", (("ref updates", _47), ("indices", _8))),
    "ScatterMin": ("ref indices updates", (("ref updates", _47), ("indices", _8))),
    "ScatterMul": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterNd": ("indices updates shape", (("indices shape", _7),)),
    "ScatterNdAdd": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterNdSub": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterNdUpdate": ("ref indices updates", (("indices", _8),)),
    "ScatterSub": ("ref indices updates", (("ref updates", _1), ("indices", _8))),
    "ScatterUpdate": ("ref indices updates", (("indices", _8),)),
    "SdcaFprint": ("input:string", ()),
    "SdcaOptimizer": (
        "sparse_example_indices*:int64 sparse_feature_indices*:int64 sparse_feature_values*:float32 dense_features*:float32 example_weights:float32 example_labels:float32 sparse_indices*:int64 sparse_weights*:float32 dense_weights*:float32 example_state_data:float32",
        (),
    ),
    "Select": ("condition:bool t e", ()),
    "SelectV2": ("condition:bool t e", ()),
    "SelfAdjointEigV2": ("input", (("input", _16),)),
    "SerializeManySparse": ("sparse_indices:int64 sparse_values sparse_shape:int64", ()),
    "SerializeSparse": ("sparse_indices:int64 sparse_values sparse_shape:int64", ()),
    "SerializeTensor": ("tensor", ()),
    "Shape": ("input", ()),
    "Sigmoid": ("x", (("x", _2),)),
    "SigmoidGrad": ("y dy", (("y dy", _2),)),
    "Sign": ("x", (("x", _36),)),
    "Sin": ("x", (("x", _2),)),
    "Sinh": ("x", (("x", _2),)),
    "Slice": ("input begin size", (("begin size", _8),)),
    "Softmax": ("logits", (("logits", _11),)),
    "SoftmaxCrossEntropyWithLogits": ("features labels", (("features labels", _11),)),
    "Softsign": ("features", (("features", _11),)),
    "SpaceToBatchND": ("input block_shape paddings", (("block_shape", _8), ("paddings", _8))),
    "SpaceToDepth": ("input", ()),
    "SparseAccumulatorApplyGradient": (
        "handle:string local_step:int64 gradient_indices:int64 gradient_values gradient_shape:int64",
        (("gradient_values", _1),),
    ),
    "SparseAccumulatorTakeGradient": ("handle:string num_required:int32", ()),
    "SparseAdd": (
        "a_indices:int64 a_values a_shape:int64 b_indices:int64 b_values b_shape:int64 thresh",
        (("a_values b_values", _1), ("thresh", _22)),
    ),
    "SparseAddGrad": (
        "backprop_val_grad a_indices:int64 b_indices:int64 sum_indices:int64",
        (("backprop_val_grad", _1),),
    ),
    "SparseApplyAdadelta": (
        "var accum accum_update lr rho epsilon grad indices",
        (("var accum accum_update lr rho epsilon grad", _1), ("indices", _8)),
    ),
    "SparseApplyAdagrad": (
        "var accum lr grad indices",
        (("var accum lr grad", _1), ("indices", _8)),
    ),
    "SparseApplyAdagradDA": (
        "var gradient_accumulator gradient_squared_accumulator grad indices lr l1 l2 global_step:int64",
        (
            ("var gradient_accumulator gradient_squared_accumulator grad lr l1 l2", _1),
            ("indices", _8),
        ),
    ),
    "SparseApplyCenteredRMSProp": (
        "var mg ms mom lr rho momentum epsilon grad indices",
        (("var mg ms mom lr rho momentum epsilon grad", _1), ("indices", _8)),
    ),
    "SparseApplyFtrl": (
        "var accum linear grad indices lr l1 l2 lr_power",
        (("var accum linear grad lr l1 l2 lr_power", _1), ("indices", _8)),
    ),
    "SparseApplyFtrlV2": (
        "var accum linear grad indices lr l1 l2 l2_shrinkage lr_power",
        (("var accum linear grad lr l1 l2 l2_shrinkage lr_power", _1), ("indices", _8)),
    ),
    "SparseApplyMomentum": (
        "var accum lr grad indices momentum",
        (("var accum lr grad momentum", _1), ("indices", _8)),
    ),
    "SparseApplyProximalAdagrad": (
        "var accum lr l1 l2 grad indices",
        (("var accum lr l1 l2 grad", _1), ("indices", _8)),
    ),
    "SparseApplyProximalGradientDescent": (
        "var alpha l1 l2 grad indices",
        (("var alpha l1 l2 grad", _1), ("indices", _8)),
    ),
    "SparseApplyRMSProp": (
        "var ms mom lr rho momentum epsilon grad indices",
        (("var ms mom lr rho momentum epsilon grad", _1), ("indices", _8)),
    ),
    "SparseConcat": ("indices*:int64 values* shapes*:int64", ()),
    "SparseConditionalAccumulator": ("", ()),
    "SparseCross": ("indices*:int64 values* shapes*:int64 dense_inputs*", ()),
    "SparseCrossV2": ("indices*:int64 values* shapes*:int64 dense_inputs* sep:string", ()),
    "SparseReduceMax": (
        "input_indices:int64 input_values input_shape:int64 reduction_axes:int32",
        (("input_values", _22),),
    ),
    "SparseReduceSum": (
        "input_indices:int64 input_values input_shape:int64 reduction_axes:int32",
        (("input_values", _1),),
    ),
    "SparseReorder": ("input_indices:int64 input_values input_shape:int64", ()),
    "SparseReshape": ("input_indices:int64 input_shape:int64 new_shape:int64", ()),
    "SparseSegmentMean": (
        "data indices segment_ids",
        (("data", _10), ("indices", _8), ("segment_ids", _8)),
    ),
    "SparseSegmentMeanWithNumSegments": (
        "data indices segment_ids num_segments",
        (("data", _10), ("indices", _8), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "SparseSegmentSqrtN": (
        "data indices segment_ids",
        (("data", _10), ("indices", _8), ("segment_ids", _8)),
    ),
    "SparseSegmentSqrtNWithNumSegments": (
        "data indices segment_ids num_segments",
        (("data", _10), ("indices", _8), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "SparseSegmentSum": (
        "data indices segment_ids",
        (("data", _22), ("indices", _8), ("segment_ids", _8)),
    ),
    "SparseSegmentSumWithNumSegments": (
        "data indices segment_ids num_segments",
        (("data", _22), ("indices", _8), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "SparseSlice": ("indices:int64 values shape:int64 start:int64 size:int64", ()),
    "SparseSoftmax": ("sp_indices:int64 sp_values sp_shape:int64", (("sp_values", _39),)),
    "SparseSoftmaxCrossEntropyWithLogits": ("features labels", (("features", _11), ("labels", _8))),
    "SparseTensorDenseAdd": (
        "a_indices a_values a_shape b",
        (("a_indices a_shape", _8), ("a_values b", _1)),
    ),
    "SparseTensorDenseMatMul": ("a_indices a_values a_shape:int64 b", (("a_indices", _8),)),
    "SparseToDense": (
        "sparse_indices output_shape sparse_values default_value",
        (("sparse_indices output_shape", _8),),
    ),
    "Split": ("split_dim:int32 value", ()),
    "Sqrt": ("x", (("x", _2),)),
    "Square": ("x", (("x", _48),)),
    "SquaredDifference": ("x y", (("x y", _49),)),
    "Squeeze": ("input", ()),
    "StatelessMultinomial": ("logits num_samples:int32 seed", (("logits", _22), ("seed", _8))),
    "StatelessParameterizedTruncatedNormal": (
        "shape seed means stddevs minvals maxvals",
        (("shape", _8), ("seed", _8), ("means stddevs minvals maxvals", _39)),
    ),
    "StatelessRandomBinomial": (
        "shape seed counts probs",
        (("shape", _8), ("seed", _8), ("counts probs", _41)),
    ),
    "StatelessRandomGammaV2": ("shape seed alpha", (("shape", _8), ("seed", _8), ("alpha", _39))),
    "StatelessRandomNormal": ("shape seed", (("shape", _8), ("seed", _8))),
    "StatelessRandomNormalV2": ("shape key:uint64 counter:uint64 alg:int32", (("shape", _8),)),
    "StatelessRandomPoisson": ("shape seed lam", (("shape", _8), ("seed", _8), ("lam", _41))),
    "StatelessRandomUniform": ("shape seed", (("shape", _8), ("seed", _8))),
    "StatelessRandomUniformFullInt": ("shape seed", (("shape", _8), ("seed", _50))),
    "StatelessRandomUniformFullIntV2": (
        "shape key:uint64 counter:uint64 alg:int32",
        (("shape", _8),),
    ),
    "StatelessRandomUniformInt": (
        "shape seed minval maxval",
        (("shape", _8), ("seed", _8), ("minval maxval", _8)),
    ),
    "StatelessRandomUniformIntV2": (
        "shape key:uint64 counter:uint64 alg:int32 minval maxval",
        (("shape", _8), ("minval maxval", _50)),
    ),
    "StatelessRandomUniformV2": ("shape key:uint64 counter:uint64 alg:int32", (("shape", _8),)),
    "StatelessTruncatedNormal": ("shape seed", (("shape", _8), ("seed", _8))),
    "StatelessTruncatedNormalV2": ("shape key:uint64 counter:uint64 alg:int32", (("shape", _8),)),
    "StaticRegexFullMatch": ("input:string", ()),
    "StaticRegexReplace": ("input:string", ()),
    "StopGradient": ("input", ()),
    "StridedSlice": ("input begin end strides", (("begin end strides", _7),)),
    "StridedSliceGrad": ("shape begin end strides dy", (("shape begin end strides", _8),)),
    "StringFormat": ("inputs*", ()),
    "StringJoin": ("inputs*:string", ()),
    "StringLength": ("input:string", ()),
    "StringLower": ("input:string", ()),
    "StringNGrams": ("data:string data_splits", (("data_splits", _8),)),
    "StringSplit": ("input:string delimiter:string", ()),
    "StringSplitV2": ("input:string sep:string", ()),
    "StringStrip": ("input:string", ()),
    "StringToHashBucket": ("string_tensor:string", ()),
    "StringToHashBucketFast": ("input:string", ()),
    "StringToHashBucketStrong": ("input:string", ()),
    "StringToNumber": ("string_tensor:string", ()),
    "StringUpper": ("input:string", ()),
    "Sub": ("x y", (("x y", _51),)),
    "Substr": ("input:string pos len", (("pos len", _8),)),
    "Sum": ("input reduction_indices", (("input", _1), ("reduction_indices", _8))),
    "Svd": ("input", (("input", _16),)),
    "TFRecordReaderV2": ("", ()),
    "Tan": ("x", (("x", _2),)),
    "Tanh": ("x", (("x", _2),)),
    "TanhGrad": ("y dy", (("y dy", _2),)),
    "TensorArrayRead": ("handle:string index:int32 flow_in:float32", ()),
    "TensorArrayScatter": ("handle:string indices:int32 value flow_in:float32", ()),
    "TensorArrayWrite": ("handle:string index:int32 value flow_in:float32", ()),
    "TensorScatterAdd": ("tensor indices updates", (("indices", _8),)),
    "TensorScatterMax": ("tensor indices updates", (("indices", _8),)),
    "TensorScatterMin": ("tensor indices updates", (("indices", _8),)),
    "TensorScatterSub": ("tensor indices updates", (("indices", _8),)),
    "TensorScatterUpdate": ("tensor indices updates", (("indices", _52),)),
    "TensorSummaryV2": ("tag:string tensor serialized_summary_metadata:string", ()),
    "TextLineReaderV2": ("", ()),
    "Tile": ("input multiples", (("multiples", _8),)),
    "Timestamp": ("", ()),
    "TopKV2": ("input k", (("input", _22), ("k", _7))),
    "Transpose": ("x perm", (("perm", _8),)),
    "TruncateDiv": ("x y", (("x y", _23),)),
    "TruncateMod": ("x y", (("x y", _53),)),
    "TruncatedNormal": ("shape", (("shape", _8),)),
    "UnicodeDecode": ("input:string", ()),
    "UnicodeDecodeWithOffsets": ("input:string", ()),
    "UnicodeEncode": ("input_values:int32 input_splits", (("input_splits", _8),)),
    "UnicodeTranscode": ("input:string", ()),
    "UniformCandidateSampler": ("true_classes:int64", ()),
    "Unique": ("x", ()),
    "UniqueWithCounts": ("x", ()),
    "UnravelIndex": ("indices dims", (("indices dims", _8),)),
    "UnsortedSegmentJoin": (
        "inputs:string segment_ids num_segments",
        (("segment_ids", _8), ("num_segments", _8)),
    ),
    "UnsortedSegmentMax": (
        "data segment_ids num_segments",
        (("data", _22), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "UnsortedSegmentMin": (
        "data segment_ids num_segments",
        (("data", _22), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "UnsortedSegmentProd": (
        "data segment_ids num_segments",
        (("data", _1), ("segment_ids", _8), ("num_segments", _8)),
    ),
    "UnsortedSegmentSum": (
        "data segment_ids num_segments",
        (("data", _1), ("segment_ids", _7), ("num_segments", _8)),
    ),
    "UpperBound": ("sorted_inputs values", ()),
    "VariableV2": ("", ()),
    "Where": ("input", (("input", _54),)),
    "While": ("input*", ()),
    "WholeFileReaderV2": ("", ()),
    "WriteFile": ("filename:string contents:string", ()),
    "Xdivy": ("x y", (("x y", _55),)),
    "Xlogy": ("x y", (("x y", _55),)),
    "Zeta": ("x q", (("x q", _13),)),
}
# ---- end of the generated table


def allowed_dtypes(op_type: str, param: str) -> tuple[_dt.DType, ...] | None:
    """The dtypes TF allows for input ``param`` of ``op_type``, in TF's order; None when the
    table does not constrain it (an op type TF does not have, or an input of any type)."""
    for params, names in _TABLE.get(op_type, ("", ()))[1]:
        if param in params.split():
            return tuple(_dt.as_dtype(n) for n in names.split())
    return None


def has_op_def(op_type: str) -> bool:
    """Whether TF has ``op_type`` (its OpDef's constraints are in the table)."""
    return op_type in _TABLE


# Ops with TF's names whose inputs are of our own design: the dense TensorArray ops, PrintV2 (the
# tensors themselves, not a formatted string), and the generator ops, whose key, counter and delta
# are int64 here (TF: uint64)
_OWN_SIGNATURES = frozenset(
    {
        "ParseExampleV2",  # (keys as attributes; TF's are string inputs)
        "ParseSequenceExampleV2",
        "PrintV2",
        "RngReadAndSkip",
        "StatelessRandomNormalV2",
        "StatelessTruncatedNormalV2",
        "StatelessRandomUniformV2",
        "StatelessRandomUniformIntV2",
        "StatelessRandomUniformFullIntV2",
        "StatelessRandomGetKeyCounter",
        "StatelessRandomGetKeyCounterAlg",
        # (the input pipeline: handles of iterators, queues and readers are strings here)
        "OneShotIterator",
        "IteratorV2",
        "MakeIterator",
        "IteratorGetNext",
        "IteratorToStringHandle",
        "ReduceDataset",
        "DatasetToSingleElement",
        "DatasetCardinality",
        "FIFOQueueV2",
        "PaddingFIFOQueueV2",
        "RandomShuffleQueueV2",
        "PriorityQueueV2",
        "QueueEnqueueV2",
        "QueueEnqueueManyV2",
        "QueueDequeueV2",
        "QueueDequeueManyV2",
        "QueueDequeueUpToV2",
        "QueueCloseV2",
        "QueueSizeV2",
        "QueueIsClosedV2",
        "QueueSelect",
        "WholeFileReaderV2",
        "TextLineReaderV2",
        "FixedLengthRecordReaderV2",
        "TFRecordReaderV2",
        "IdentityReaderV2",
        "ReaderReadV2",
        "ReaderReadUpToV2",
        "ReaderNumRecordsProducedV2",
        "ReaderNumWorkUnitsCompletedV2",
        "ReaderResetV2",
        "ConditionalAccumulator",
        "AccumulatorApplyGradient",
        "AccumulatorTakeGradient",
        "AccumulatorSetGlobalStep",
        "AccumulatorNumAccumulated",
        "SparseConditionalAccumulator",
        "SparseAccumulatorApplyGradient",
        "SparseAccumulatorTakeGradient",
        "SerializeSparse",
        "SerializeManySparse",
        "DeserializeManySparse",
        "LMDBReader",
        "EncodeProto",
        "DecodeProtoV2",
        "CountUpTo",
        "MatchFilenamesOnce",
    }
)


def check_op(op) -> None:
    """TF's ``TypeError`` where an input of ``op`` has a dtype that TF's ``OpDef`` does not allow
    for the argument it binds (inputs matched to TF's arguments through the op's ``NodeDef``
    form, ``graph_def_forms``)."""
    entry = _TABLE.get(op.type)
    if entry is None or op.type.startswith("TensorArray") or op.type in _OWN_SIGNATURES:
        return
    form = tf_form(op)
    if form is not None and form.type != WRITTEN_AS.get(op.type, op.type):
        return  # written as another op type (Split with sizes: SplitV)
    positions = form.inputs if form is not None else list(range(len(op._inputs)))
    args = entry[0].split()  # "name", "name*" (a list) or "name:dtype" (a fixed dtype)
    lists = [i for i, a in enumerate(args) if "*" in a]
    if len(lists) > 1 or (not lists and len(args) != len(positions)):
        return
    if lists:
        k = len(positions) - (len(args) - 1)
        args = args[: lists[0]] + [args[lists[0]]] * k + args[lists[0] + 1 :]
    allowed = {p: names for params, names in entry[1] for p in params.split()}
    for arg, item in zip(args, positions):
        name, _, fixed = arg.partition(":")
        name = name.rstrip("*")
        names = fixed or allowed.get(name)
        if names is None or not isinstance(item, int) or fixed in ("resource", "variant"):
            continue  # (a resource or variant input: ours holds its state as a plain tensor)
        dtype = op._inputs[item].dtype.base_dtype
        if dtype.name in names.split():
            continue
        if fixed:
            raise TypeError(
                f"Input '{name}' of '{op.type}' Op has type {dtype.name} that does not match "
                f"expected type of {fixed}."
            )
        raise TypeError(
            f"Value passed to parameter '{name}' of '{op.type}' has DataType "
            f"{dtype.name} not in list of allowed values: {', '.join(names.split())}"
        )
