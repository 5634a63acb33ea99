# ruff: noqa: E501  (the generated table: one op type per entry)
"""TensorFlow's input arguments and attribute types per op type, as ``tf.import_graph_def``
checks a ``NodeDef`` against them: TF's "NodeDef expected inputs ... do not match N inputs
specified" and "AttrValue had value with type 'int' when 'tensor' expected".

An input argument is a token: ``T`` (one tensor), ``N*T`` (a number attribute's count) or
``[T]`` (one per entry of a type-list attribute). An attribute type is TF's (``type``, ``int``,
``list(int)``, ``tensor``, ``func``, ...). The table covers the same op types as
``op_signatures``.
"""

from __future__ import annotations

from typing import Any

from . import dtypes as _dt

# TF's attribute type -> the AttrValue field that holds it
_FIELD = {"string": "s", "int": "i", "float": "f", "bool": "b", "type": "type",
          "shape": "shape", "tensor": "tensor", "func": "func"}  # fmt: skip
_KIND = {"s": "string", "i": "int", "f": "float", "b": "bool", "type": "type",
         "shape": "shape", "tensor": "tensor", "func": "func", "list": "list",
         "placeholder": "placeholder"}  # fmt: skip

# ---- generated from TF's OpDefs (python tests/test_op_arguments_table.py) ----------
_ARGS: dict[str, tuple[str, dict[str, str]]] = {
    "Abs": ("T", {"T": "type"}),
    "AccumulatorApplyGradient": ("!string !int64 dtype", {"dtype": "type"}),
    "AccumulatorNumAccumulated": ("!string", {}),
    "AccumulatorSetGlobalStep": ("!string !int64", {}),
    "AccumulatorTakeGradient": ("!string !int32", {"dtype": "type"}),
    "Acos": ("T", {"T": "type"}),
    "Acosh": ("T", {"T": "type"}),
    "AddN": ("N*T", {"N": "int", "T": "type"}),
    "AddV2": ("T T", {"T": "type"}),
    "All": ("!bool Tidx", {"keep_dims": "bool", "Tidx": "type"}),
    "Angle": ("T", {"T": "type", "Tout": "type"}),
    "Any": ("!bool Tidx", {"keep_dims": "bool", "Tidx": "type"}),
    "ApplyAdadelta": ("T T T T T T T", {"T": "type", "use_locking": "bool"}),
    "ApplyAdagrad": ("T T T T", {"T": "type", "use_locking": "bool", "update_slots": "bool"}),
    "ApplyAdagradDA": ("T T T T T T T !int64", {"T": "type", "use_locking": "bool"}),
    "ApplyAdam": (
        "T T T T T T T T T T",
        {"T": "type", "use_locking": "bool", "use_nesterov": "bool"},
    ),
    "ApplyCenteredRMSProp": ("T T T T T T T T T", {"T": "type", "use_locking": "bool"}),
    "ApplyFtrl": (
        "T T T T T T T T",
        {"T": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ApplyFtrlV2": (
        "T T T T T T T T T",
        {"T": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ApplyGradientDescent": ("T T T", {"T": "type", "use_locking": "bool"}),
    "ApplyMomentum": ("T T T T T", {"T": "type", "use_locking": "bool", "use_nesterov": "bool"}),
    "ApplyProximalAdagrad": ("T T T T T T", {"T": "type", "use_locking": "bool"}),
    "ApplyProximalGradientDescent": ("T T T T T", {"T": "type", "use_locking": "bool"}),
    "ApplyRMSProp": ("T T T T T T T T", {"T": "type", "use_locking": "bool"}),
    "ArgMax": ("T Tidx", {"T": "type", "Tidx": "type", "output_type": "type"}),
    "ArgMin": ("T Tidx", {"T": "type", "Tidx": "type", "output_type": "type"}),
    "AsString": (
        "T",
        {
            "T": "type",
            "precision": "int",
            "scientific": "bool",
            "shortest": "bool",
            "width": "int",
            "fill": "string",
        },
    ),
    "Asin": ("T", {"T": "type"}),
    "Asinh": ("T", {"T": "type"}),
    "Assert": ("!bool [T]", {"T": "list(type)", "summarize": "int"}),
    "Assign": ("T T", {"T": "type", "validate_shape": "bool", "use_locking": "bool"}),
    "AssignAdd": ("T T", {"T": "type", "use_locking": "bool"}),
    "AssignAddVariableOp": ("!resource dtype", {"dtype": "type"}),
    "AssignSub": ("T T", {"T": "type", "use_locking": "bool"}),
    "AssignSubVariableOp": ("!resource dtype", {"dtype": "type"}),
    "AssignVariableOp": ("!resource dtype", {"dtype": "type", "validate_shape": "bool"}),
    "Atan": ("T", {"T": "type"}),
    "Atan2": ("T T", {"T": "type"}),
    "Atanh": ("T", {"T": "type"}),
    "AudioSummaryV2": ("!string !float32 !float32", {"max_outputs": "int"}),
    "AvgPool": (
        "T",
        {
            "ksize": "list(int)",
            "strides": "list(int)",
            "padding": "string",
            "data_format": "string",
            "T": "type",
        },
    ),
    "AvgPoolGrad": (
        "!int32 T",
        {
            "ksize": "list(int)",
            "strides": "list(int)",
            "padding": "string",
            "data_format": "string",
            "T": "type",
        },
    ),
    "BatchMatMulV2": (
        "T T",
        {"T": "type", "adj_x": "bool", "adj_y": "bool", "grad_x": "bool", "grad_y": "bool"},
    ),
    "BatchToSpaceND": (
        "T Tblock_shape Tcrops",
        {"T": "type", "Tblock_shape": "type", "Tcrops": "type"},
    ),
    "BesselI0": ("T", {"T": "type"}),
    "BesselI0e": ("T", {"T": "type"}),
    "BesselI1": ("T", {"T": "type"}),
    "BesselI1e": ("T", {"T": "type"}),
    "Betainc": ("T T T", {"T": "type"}),
    "BiasAdd": ("T T", {"T": "type", "data_format": "string"}),
    "BiasAddGrad": ("T", {"T": "type", "data_format": "string"}),
    "BiasAddV1": ("T T", {"T": "type"}),
    "Bitcast": ("T", {"T": "type", "type": "type"}),
    "BitwiseAnd": ("T T", {"T": "type"}),
    "BitwiseOr": ("T T", {"T": "type"}),
    "BitwiseXor": ("T T", {"T": "type"}),
    "BlockLSTM": (
        "!int64 T T T T T T T T",
        {"forget_bias": "float", "cell_clip": "float", "use_peephole": "bool", "T": "type"},
    ),
    "BlockLSTMGrad": (
        "!int64 T T T T T T T T T T T T T T T T T",
        {"use_peephole": "bool", "T": "type"},
    ),
    "BroadcastArgs": ("T T", {"T": "type"}),
    "BroadcastGradientArgs": ("T T", {"T": "type"}),
    "BroadcastTo": ("T Tidx", {"T": "type", "Tidx": "type"}),
    "CTCBeamSearchDecoder": (
        "T !int32",
        {"beam_width": "int", "top_paths": "int", "merge_repeated": "bool", "T": "type"},
    ),
    "Cast": ("SrcT", {"SrcT": "type", "DstT": "type", "Truncate": "bool"}),
    "Ceil": ("T", {"T": "type"}),
    "CheckNumerics": ("T", {"T": "type", "message": "string"}),
    "Cholesky": ("T", {"T": "type"}),
    "Complex": ("T T", {"T": "type", "Tout": "type"}),
    "ComplexAbs": ("T", {"T": "type", "Tout": "type"}),
    "ConcatOffset": ("!int32 N*shape_type", {"N": "int", "shape_type": "type"}),
    "ConcatV2": ("N*T Tidx", {"N": "int", "T": "type", "Tidx": "type"}),
    "ConditionalAccumulator": (
        "",
        {
            "dtype": "type",
            "shape": "shape",
            "container": "string",
            "shared_name": "string",
            "reduction_type": "string",
        },
    ),
    "Conj": ("T", {"T": "type"}),
    "Const": ("", {"value": "tensor", "dtype": "type"}),
    "Conv2D": (
        "T T",
        {
            "T": "type",
            "strides": "list(int)",
            "use_cudnn_on_gpu": "bool",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "Conv2DBackpropFilter": (
        "T !int32 T",
        {
            "T": "type",
            "strides": "list(int)",
            "use_cudnn_on_gpu": "bool",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "Conv2DBackpropInput": (
        "!int32 T T",
        {
            "T": "type",
            "strides": "list(int)",
            "use_cudnn_on_gpu": "bool",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "Cos": ("T", {"T": "type"}),
    "Cosh": ("T", {"T": "type"}),
    "CountUpTo": ("T", {"limit": "int", "T": "type"}),
    "Cumprod": ("T Tidx", {"exclusive": "bool", "reverse": "bool", "T": "type", "Tidx": "type"}),
    "Cumsum": ("T Tidx", {"exclusive": "bool", "reverse": "bool", "T": "type", "Tidx": "type"}),
    "CumulativeLogsumexp": (
        "T Tidx",
        {"exclusive": "bool", "reverse": "bool", "T": "type", "Tidx": "type"},
    ),
    "DatasetCardinality": ("!variant", {"cardinality_options": "string"}),
    "DatasetToSingleElement": (
        "!variant",
        {"output_types": "list(type)", "output_shapes": "list(shape)", "metadata": "string"},
    ),
    "DecodeAndCropJpeg": (
        "!string !int32",
        {
            "channels": "int",
            "ratio": "int",
            "fancy_upscaling": "bool",
            "try_recover_truncated": "bool",
            "acceptable_fraction": "float",
            "dct_method": "string",
        },
    ),
    "DecodeBase64": ("!string", {}),
    "DecodeBmp": ("!string", {"channels": "int"}),
    "DecodeCSV": (
        "!string [OUT_TYPE]",
        {
            "OUT_TYPE": "list(type)",
            "field_delim": "string",
            "use_quote_delim": "bool",
            "na_value": "string",
            "select_cols": "list(int)",
        },
    ),
    "DecodeCompressed": ("!string", {"compression_type": "string"}),
    "DecodeGif": ("!string", {}),
    "DecodeImage": ("!string", {"channels": "int", "dtype": "type", "expand_animations": "bool"}),
    "DecodeJSONExample": ("!string", {}),
    "DecodeJpeg": (
        "!string",
        {
            "channels": "int",
            "ratio": "int",
            "fancy_upscaling": "bool",
            "try_recover_truncated": "bool",
            "acceptable_fraction": "float",
            "dct_method": "string",
        },
    ),
    "DecodePng": ("!string", {"channels": "int", "dtype": "type"}),
    "DecodeProtoV2": (
        "!string",
        {
            "message_type": "string",
            "field_names": "list(string)",
            "output_types": "list(type)",
            "descriptor_source": "string",
            "message_format": "string",
            "sanitize": "bool",
        },
    ),
    "DecodeRaw": ("!string", {"out_type": "type", "little_endian": "bool"}),
    "DecodeWebP": ("!string", {"channels": "int", "dtype": "type"}),
    "DepthToSpace": ("T", {"T": "type", "block_size": "int", "data_format": "string"}),
    "DepthwiseConv2dNative": (
        "T T",
        {
            "T": "type",
            "strides": "list(int)",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "DepthwiseConv2dNativeBackpropFilter": (
        "T !int32 T",
        {
            "T": "type",
            "strides": "list(int)",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "DepthwiseConv2dNativeBackpropInput": (
        "!int32 T T",
        {
            "T": "type",
            "strides": "list(int)",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "dilations": "list(int)",
        },
    ),
    "DeserializeManySparse": ("!string", {"dtype": "type"}),
    "Digamma": ("T", {"T": "type"}),
    "DivNoNan": ("T T", {"T": "type"}),
    "DynamicPartition": ("T !int32", {"num_partitions": "int", "T": "type"}),
    "DynamicStitch": ("N*!int32 N*T", {"N": "int", "T": "type"}),
    "EagerPyFunc": (
        "[Tin]",
        {"token": "string", "is_async": "bool", "Tin": "list(type)", "Tout": "list(type)"},
    ),
    "Elu": ("T", {"T": "type"}),
    "EncodeBase64": ("!string", {"pad": "bool"}),
    "EncodeJpeg": (
        "!uint8",
        {
            "format": "string",
            "quality": "int",
            "progressive": "bool",
            "optimize_size": "bool",
            "chroma_downsampling": "bool",
            "density_unit": "string",
            "x_density": "int",
            "y_density": "int",
            "xmp_metadata": "string",
        },
    ),
    "EncodeJpegVariableQuality": ("!uint8 !int32", {}),
    "EncodePng": ("T", {"compression": "int", "T": "type"}),
    "EncodeProto": (
        "!int32 [Tinput_types]",
        {
            "field_names": "list(string)",
            "message_type": "string",
            "descriptor_source": "string",
            "Tinput_types": "list(type)",
        },
    ),
    "EnsureShape": ("T", {"shape": "shape", "T": "type"}),
    "Equal": ("T T", {"T": "type", "incompatible_shape_error": "bool"}),
    "Erf": ("T", {"T": "type"}),
    "Erfc": ("T", {"T": "type"}),
    "Erfinv": ("T", {"T": "type"}),
    "Exp": ("T", {"T": "type"}),
    "ExpandDims": ("T Tdim", {"T": "type", "Tdim": "type"}),
    "Expm1": ("T", {"T": "type"}),
    "ExtractImagePatches": (
        "T",
        {
            "ksizes": "list(int)",
            "strides": "list(int)",
            "rates": "list(int)",
            "T": "type",
            "padding": "string",
        },
    ),
    "ExtractJpegShape": ("!string", {"output_type": "type"}),
    "ExtractVolumePatches": (
        "T",
        {"ksizes": "list(int)", "strides": "list(int)", "T": "type", "padding": "string"},
    ),
    "FFT": ("Tcomplex", {"Tcomplex": "type"}),
    "FFT2D": ("Tcomplex", {"Tcomplex": "type"}),
    "FFT3D": ("Tcomplex", {"Tcomplex": "type"}),
    "FFTND": ("Tcomplex !int32 !int32", {"Tcomplex": "type"}),
    "FIFOQueueV2": (
        "",
        {
            "component_types": "list(type)",
            "shapes": "list(shape)",
            "capacity": "int",
            "container": "string",
            "shared_name": "string",
        },
    ),
    "FakeQuantWithMinMaxArgs": (
        "!float32",
        {"min": "float", "max": "float", "num_bits": "int", "narrow_range": "bool"},
    ),
    "FakeQuantWithMinMaxArgsGradient": (
        "!float32 !float32",
        {"min": "float", "max": "float", "num_bits": "int", "narrow_range": "bool"},
    ),
    "FakeQuantWithMinMaxVars": (
        "!float32 !float32 !float32",
        {"num_bits": "int", "narrow_range": "bool"},
    ),
    "FakeQuantWithMinMaxVarsGradient": (
        "!float32 !float32 !float32 !float32",
        {"num_bits": "int", "narrow_range": "bool"},
    ),
    "FakeQuantWithMinMaxVarsPerChannel": (
        "!float32 !float32 !float32",
        {"num_bits": "int", "narrow_range": "bool"},
    ),
    "FakeQuantWithMinMaxVarsPerChannelGradient": (
        "!float32 !float32 !float32 !float32",
        {"num_bits": "int", "narrow_range": "bool"},
    ),
    "Fill": ("index_type T", {"T": "type", "index_type": "type"}),
    "FixedLengthRecordReaderV2": (
        "",
        {
            "header_bytes": "int",
            "record_bytes": "int",
            "footer_bytes": "int",
            "hop_bytes": "int",
            "container": "string",
            "shared_name": "string",
            "encoding": "string",
        },
    ),
    "FixedUnigramCandidateSampler": (
        "!int64",
        {
            "num_true": "int",
            "num_sampled": "int",
            "unique": "bool",
            "range_max": "int",
            "vocab_file": "string",
            "distortion": "float",
            "num_reserved_ids": "int",
            "num_shards": "int",
            "shard": "int",
            "unigrams": "list(float)",
            "seed": "int",
            "seed2": "int",
        },
    ),
    "Floor": ("T", {"T": "type"}),
    "FloorDiv": ("T T", {"T": "type"}),
    "FloorMod": ("T T", {"T": "type"}),
    "FusedBatchNorm": (
        "T T T T T",
        {
            "T": "type",
            "epsilon": "float",
            "exponential_avg_factor": "float",
            "data_format": "string",
            "is_training": "bool",
        },
    ),
    "FusedBatchNormGradV3": (
        "T T !float32 U U U",
        {
            "T": "type",
            "U": "type",
            "epsilon": "float",
            "data_format": "string",
            "is_training": "bool",
        },
    ),
    "FusedBatchNormV2": (
        "T U U U U",
        {
            "T": "type",
            "U": "type",
            "epsilon": "float",
            "exponential_avg_factor": "float",
            "data_format": "string",
            "is_training": "bool",
        },
    ),
    "FusedBatchNormV3": (
        "T U U U U",
        {
            "T": "type",
            "U": "type",
            "epsilon": "float",
            "exponential_avg_factor": "float",
            "data_format": "string",
            "is_training": "bool",
        },
    ),
    "GatherNd": (
        "Tparams Tindices",
        {"Tparams": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "GatherV2": (
        "Tparams Tindices Taxis",
        {"batch_dims": "int", "Tparams": "type", "Tindices": "type", "Taxis": "type"},
    ),
    "Greater": ("T T", {"T": "type"}),
    "GreaterEqual": ("T T", {"T": "type"}),
    "GuaranteeConst": ("T", {"T": "type"}),
    "HistogramFixedWidth": ("T T !int32", {"T": "type", "dtype": "type"}),
    "HistogramSummary": ("!string T", {"T": "type"}),
    "IFFT": ("Tcomplex", {"Tcomplex": "type"}),
    "IFFT2D": ("Tcomplex", {"Tcomplex": "type"}),
    "IFFT3D": ("Tcomplex", {"Tcomplex": "type"}),
    "IFFTND": ("Tcomplex !int32 !int32", {"Tcomplex": "type"}),
    "IRFFT": ("Tcomplex !int32", {"Treal": "type", "Tcomplex": "type"}),
    "IRFFT2D": ("Tcomplex !int32", {"Treal": "type", "Tcomplex": "type"}),
    "IRFFT3D": ("Tcomplex !int32", {"Treal": "type", "Tcomplex": "type"}),
    "IRFFTND": ("Tcomplex !int32 !int32", {"Treal": "type", "Tcomplex": "type"}),
    "Identity": ("T", {"T": "type"}),
    "IdentityN": ("[T]", {"T": "list(type)"}),
    "IdentityReaderV2": ("", {"container": "string", "shared_name": "string"}),
    "If": (
        "Tcond [Tin]",
        {
            "Tcond": "type",
            "Tin": "list(type)",
            "Tout": "list(type)",
            "then_branch": "func",
            "else_branch": "func",
            "output_shapes": "list(shape)",
        },
    ),
    "Igamma": ("T T", {"T": "type"}),
    "Igammac": ("T T", {"T": "type"}),
    "Imag": ("T", {"T": "type", "Tout": "type"}),
    "ImageSummary": ("!string T", {"max_images": "int", "T": "type", "bad_color": "tensor"}),
    "InTopKV2": ("!float32 T T", {"T": "type"}),
    "Invert": ("T", {"T": "type"}),
    "InvertPermutation": ("T", {"T": "type"}),
    "IsFinite": ("T", {"T": "type"}),
    "IsInf": ("T", {"T": "type"}),
    "IsNan": ("T", {"T": "type"}),
    "IsVariableInitialized": ("dtype", {"dtype": "type"}),
    "IteratorGetNext": (
        "!resource",
        {"output_types": "list(type)", "output_shapes": "list(shape)"},
    ),
    "IteratorToStringHandle": ("!resource", {}),
    "IteratorV2": (
        "",
        {
            "shared_name": "string",
            "container": "string",
            "output_types": "list(type)",
            "output_shapes": "list(shape)",
        },
    ),
    "LMDBReader": ("", {"container": "string", "shared_name": "string"}),
    "LeakyRelu": ("T", {"alpha": "float", "T": "type"}),
    "LearnedUnigramCandidateSampler": (
        "!int64",
        {
            "num_true": "int",
            "num_sampled": "int",
            "unique": "bool",
            "range_max": "int",
            "seed": "int",
            "seed2": "int",
        },
    ),
    "LeftShift": ("T T", {"T": "type"}),
    "Less": ("T T", {"T": "type"}),
    "LessEqual": ("T T", {"T": "type"}),
    "Lgamma": ("T", {"T": "type"}),
    "LinSpace": ("T T Tidx", {"T": "type", "Tidx": "type"}),
    "ListDiff": ("T T", {"T": "type", "out_idx": "type"}),
    "Log": ("T", {"T": "type"}),
    "Log1p": ("T", {"T": "type"}),
    "LogMatrixDeterminant": ("T", {"T": "type"}),
    "LogSoftmax": ("T", {"T": "type"}),
    "LogUniformCandidateSampler": (
        "!int64",
        {
            "num_true": "int",
            "num_sampled": "int",
            "unique": "bool",
            "range_max": "int",
            "seed": "int",
            "seed2": "int",
        },
    ),
    "LogicalAnd": ("!bool !bool", {}),
    "LogicalNot": ("!bool", {}),
    "LogicalOr": ("!bool !bool", {}),
    "LowerBound": ("T T", {"T": "type", "out_type": "type"}),
    "Lu": ("T", {"T": "type", "output_idx_type": "type"}),
    "MakeIterator": ("!variant !resource", {}),
    "MatMul": (
        "T T",
        {
            "transpose_a": "bool",
            "transpose_b": "bool",
            "T": "type",
            "grad_a": "bool",
            "grad_b": "bool",
        },
    ),
    "MatchingFiles": ("!string", {}),
    "MatrixDeterminant": ("T", {"T": "type"}),
    "MatrixExponential": ("T", {"T": "type"}),
    "MatrixInverse": ("T", {"adjoint": "bool", "T": "type"}),
    "MatrixSolve": ("T T", {"adjoint": "bool", "T": "type"}),
    "MatrixSolveLs": ("T T !float64", {"T": "type", "fast": "bool"}),
    "MatrixSquareRoot": ("T", {"T": "type"}),
    "MatrixTriangularSolve": ("T T", {"lower": "bool", "adjoint": "bool", "T": "type"}),
    "Max": ("T Tidx", {"keep_dims": "bool", "T": "type", "Tidx": "type"}),
    "MaxPool": (
        "T",
        {
            "T": "type",
            "ksize": "list(int)",
            "strides": "list(int)",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
        },
    ),
    "MaxPoolGrad": (
        "T T T",
        {
            "ksize": "list(int)",
            "strides": "list(int)",
            "padding": "string",
            "explicit_paddings": "list(int)",
            "data_format": "string",
            "T": "type",
        },
    ),
    "MaxPoolGradGrad": (
        "T T T",
        {
            "ksize": "list(int)",
            "strides": "list(int)",
            "padding": "string",
            "data_format": "string",
            "T": "type",
        },
    ),
    "Maximum": ("T T", {"T": "type"}),
    "Mean": ("T Tidx", {"keep_dims": "bool", "T": "type", "Tidx": "type"}),
    "MergeSummary": ("N*!string", {"N": "int"}),
    "Min": ("T Tidx", {"keep_dims": "bool", "T": "type", "Tidx": "type"}),
    "Minimum": ("T T", {"T": "type"}),
    "Mul": ("T T", {"T": "type"}),
    "MulNoNan": ("T T", {"T": "type"}),
    "Multinomial": (
        "T !int32",
        {"seed": "int", "seed2": "int", "T": "type", "output_dtype": "type"},
    ),
    "Ndtri": ("T", {"T": "type"}),
    "Neg": ("T", {"T": "type"}),
    "NextAfter": ("T T", {"T": "type"}),
    "NoOp": ("", {}),
    "NotEqual": ("T T", {"T": "type", "incompatible_shape_error": "bool"}),
    "OneShotIterator": (
        "",
        {
            "dataset_factory": "func",
            "output_types": "list(type)",
            "output_shapes": "list(shape)",
            "container": "string",
            "shared_name": "string",
        },
    ),
    "OnesLike": ("T", {"T": "type"}),
    "Pack": ("N*T", {"N": "int", "T": "type", "axis": "int"}),
    "Pad": ("T Tpaddings", {"T": "type", "Tpaddings": "type"}),
    "PadV2": ("T Tpaddings T", {"T": "type", "Tpaddings": "type"}),
    "PaddingFIFOQueueV2": (
        "",
        {
            "component_types": "list(type)",
            "shapes": "list(shape)",
            "capacity": "int",
            "container": "string",
            "shared_name": "string",
        },
    ),
    "ParseExampleV2": (
        "!string !string !string !string !string [Tdense]",
        {
            "Tdense": "list(type)",
            "num_sparse": "int",
            "sparse_types": "list(type)",
            "ragged_value_types": "list(type)",
            "ragged_split_types": "list(type)",
            "dense_shapes": "list(shape)",
        },
    ),
    "ParseSequenceExampleV2": (
        "!string !string !string !string !string !string !string !string !bool [Tcontext_dense]",
        {
            "Ncontext_sparse": "int",
            "Tcontext_dense": "list(type)",
            "context_sparse_types": "list(type)",
            "context_ragged_value_types": "list(type)",
            "context_ragged_split_types": "list(type)",
            "context_dense_shapes": "list(shape)",
            "Nfeature_list_sparse": "int",
            "Nfeature_list_dense": "int",
            "feature_list_dense_types": "list(type)",
            "feature_list_sparse_types": "list(type)",
            "feature_list_ragged_value_types": "list(type)",
            "feature_list_ragged_split_types": "list(type)",
            "feature_list_dense_shapes": "list(shape)",
        },
    ),
    "ParseTensor": ("!string", {"out_type": "type"}),
    "Placeholder": ("", {"dtype": "type", "shape": "shape"}),
    "PlaceholderWithDefault": ("dtype", {"dtype": "type", "shape": "shape"}),
    "Polygamma": ("T T", {"T": "type"}),
    "Pow": ("T T", {"T": "type"}),
    "PreventGradient": ("T", {"T": "type", "message": "string"}),
    "Print": (
        "T [U]",
        {"T": "type", "U": "list(type)", "message": "string", "first_n": "int", "summarize": "int"},
    ),
    "PrintV2": ("!string", {"output_stream": "string", "end": "string"}),
    "PriorityQueueV2": (
        "",
        {
            "component_types": "list(type)",
            "shapes": "list(shape)",
            "capacity": "int",
            "container": "string",
            "shared_name": "string",
        },
    ),
    "Prod": ("T Tidx", {"keep_dims": "bool", "T": "type", "Tidx": "type"}),
    "PyFunc": ("[Tin]", {"token": "string", "Tin": "list(type)", "Tout": "list(type)"}),
    "PyFuncStateless": ("[Tin]", {"token": "string", "Tin": "list(type)", "Tout": "list(type)"}),
    "Qr": ("T", {"full_matrices": "bool", "T": "type"}),
    "QueueCloseV2": ("!resource", {"cancel_pending_enqueues": "bool"}),
    "QueueDequeueManyV2": (
        "!resource !int32",
        {"component_types": "list(type)", "timeout_ms": "int"},
    ),
    "QueueDequeueUpToV2": (
        "!resource !int32",
        {"component_types": "list(type)", "timeout_ms": "int"},
    ),
    "QueueDequeueV2": ("!resource", {"component_types": "list(type)", "timeout_ms": "int"}),
    "QueueEnqueueManyV2": (
        "!resource [Tcomponents]",
        {"Tcomponents": "list(type)", "timeout_ms": "int"},
    ),
    "QueueEnqueueV2": (
        "!resource [Tcomponents]",
        {"Tcomponents": "list(type)", "timeout_ms": "int"},
    ),
    "QueueIsClosedV2": ("!resource", {}),
    "QueueSizeV2": ("!resource", {}),
    "RFFT": ("Treal !int32", {"Treal": "type", "Tcomplex": "type"}),
    "RFFT2D": ("Treal !int32", {"Treal": "type", "Tcomplex": "type"}),
    "RFFT3D": ("Treal !int32", {"Treal": "type", "Tcomplex": "type"}),
    "RFFTND": ("Treal !int32 !int32", {"Treal": "type", "Tcomplex": "type"}),
    "RandomGamma": ("S T", {"seed": "int", "seed2": "int", "S": "type", "T": "type"}),
    "RandomGammaGrad": ("T T", {"T": "type"}),
    "RandomIndexShuffle": (
        "dtype Tseed dtype",
        {"rounds": "int", "dtype": "type", "Tseed": "type"},
    ),
    "RandomPoissonV2": (
        "S R",
        {"seed": "int", "seed2": "int", "S": "type", "R": "type", "dtype": "type"},
    ),
    "RandomShuffle": ("T", {"seed": "int", "seed2": "int", "T": "type"}),
    "RandomShuffleQueueV2": (
        "",
        {
            "component_types": "list(type)",
            "shapes": "list(shape)",
            "capacity": "int",
            "min_after_dequeue": "int",
            "seed": "int",
            "seed2": "int",
            "container": "string",
            "shared_name": "string",
        },
    ),
    "RandomStandardNormal": ("T", {"seed": "int", "seed2": "int", "dtype": "type", "T": "type"}),
    "RandomUniform": ("T", {"seed": "int", "seed2": "int", "dtype": "type", "T": "type"}),
    "RandomUniformInt": (
        "T Tout Tout",
        {"seed": "int", "seed2": "int", "Tout": "type", "T": "type"},
    ),
    "Range": ("Tidx Tidx Tidx", {"Tidx": "type"}),
    "Rank": ("T", {"T": "type"}),
    "ReadFile": ("!string", {}),
    "ReadVariableOp": ("!resource", {"dtype": "type"}),
    "ReaderNumRecordsProducedV2": ("!resource", {}),
    "ReaderNumWorkUnitsCompletedV2": ("!resource", {}),
    "ReaderReadUpToV2": ("!resource !resource !int64", {}),
    "ReaderReadV2": ("!resource !resource", {}),
    "ReaderResetV2": ("!resource", {}),
    "Real": ("T", {"T": "type", "Tout": "type"}),
    "RealDiv": ("T T", {"T": "type"}),
    "Reciprocal": ("T", {"T": "type"}),
    "ReduceDataset": (
        "!variant [Tstate] [Targuments]",
        {
            "f": "func",
            "Tstate": "list(type)",
            "Targuments": "list(type)",
            "output_types": "list(type)",
            "output_shapes": "list(shape)",
            "use_inter_op_parallelism": "bool",
            "metadata": "string",
        },
    ),
    "ReduceJoin": ("!string !int32", {"keep_dims": "bool", "separator": "string"}),
    "RegexFullMatch": ("!string !string", {}),
    "RegexReplace": ("!string !string !string", {"replace_global": "bool"}),
    "Relu": ("T", {"T": "type"}),
    "Relu6": ("T", {"T": "type"}),
    "ReluGrad": ("T T", {"T": "type"}),
    "Reshape": ("T Tshape", {"T": "type", "Tshape": "type"}),
    "ResizeArea": ("T !int32", {"T": "type", "align_corners": "bool"}),
    "ResizeBicubic": (
        "T !int32",
        {"T": "type", "align_corners": "bool", "half_pixel_centers": "bool"},
    ),
    "ResizeBilinear": (
        "T !int32",
        {"T": "type", "align_corners": "bool", "half_pixel_centers": "bool"},
    ),
    "ResizeBilinearGrad": (
        "!float32 T",
        {"T": "type", "align_corners": "bool", "half_pixel_centers": "bool"},
    ),
    "ResizeNearestNeighbor": (
        "T !int32",
        {"T": "type", "align_corners": "bool", "half_pixel_centers": "bool"},
    ),
    "ResourceApplyAdadelta": (
        "!resource !resource !resource T T T T",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceApplyAdagrad": (
        "!resource !resource T T",
        {"T": "type", "use_locking": "bool", "update_slots": "bool"},
    ),
    "ResourceApplyAdagradDA": (
        "!resource !resource !resource T T T T !int64",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceApplyAdam": (
        "!resource !resource !resource T T T T T T T",
        {"T": "type", "use_locking": "bool", "use_nesterov": "bool"},
    ),
    "ResourceApplyCenteredRMSProp": (
        "!resource !resource !resource !resource T T T T T",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceApplyFtrl": (
        "!resource !resource !resource T T T T T",
        {"T": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ResourceApplyFtrlV2": (
        "!resource !resource !resource T T T T T T",
        {"T": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ResourceApplyGradientDescent": ("!resource T T", {"T": "type", "use_locking": "bool"}),
    "ResourceApplyMomentum": (
        "!resource !resource T T T",
        {"T": "type", "use_locking": "bool", "use_nesterov": "bool"},
    ),
    "ResourceApplyProximalAdagrad": (
        "!resource !resource T T T T",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceApplyProximalGradientDescent": (
        "!resource T T T T",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceApplyRMSProp": (
        "!resource !resource !resource T T T T T",
        {"T": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyAdadelta": (
        "!resource !resource !resource T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyAdagrad": (
        "!resource !resource T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "update_slots": "bool"},
    ),
    "ResourceSparseApplyAdagradDA": (
        "!resource !resource !resource T Tindices T T T !int64",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyCenteredRMSProp": (
        "!resource !resource !resource !resource T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyFtrl": (
        "!resource !resource !resource T Tindices T T T T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ResourceSparseApplyFtrlV2": (
        "!resource !resource !resource T Tindices T T T T T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "ResourceSparseApplyMomentum": (
        "!resource !resource T T Tindices T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "use_nesterov": "bool"},
    ),
    "ResourceSparseApplyProximalAdagrad": (
        "!resource !resource T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyProximalGradientDescent": (
        "!resource T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ResourceSparseApplyRMSProp": (
        "!resource !resource !resource T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "ReverseSequence": (
        "T Tlen",
        {"seq_dim": "int", "batch_dim": "int", "T": "type", "Tlen": "type"},
    ),
    "ReverseV2": ("T Tidx", {"Tidx": "type", "T": "type"}),
    "RightShift": ("T T", {"T": "type"}),
    "Rint": ("T", {"T": "type"}),
    "RngReadAndSkip": ("!resource !int32 !uint64", {}),
    "Roll": ("T Tshift Taxis", {"T": "type", "Tshift": "type", "Taxis": "type"}),
    "Round": ("T", {"T": "type"}),
    "Rsqrt": ("T", {"T": "type"}),
    "ScalarSummary": ("!string T", {"T": "type"}),
    "ScatterAdd": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterDiv": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterMax": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterMin": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterMul": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterNd": (
        "Tindices T Tindices",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "ScatterNdAdd": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "bad_indices_policy": "string"},
    ),
    "ScatterNdSub": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "bad_indices_policy": "string"},
    ),
    "ScatterNdUpdate": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "bad_indices_policy": "string"},
    ),
    "ScatterSub": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "ScatterUpdate": ("T Tindices T", {"T": "type", "Tindices": "type", "use_locking": "bool"}),
    "SdcaFprint": ("!string", {}),
    "SdcaOptimizer": (
        "num_sparse_features*!int64 num_sparse_features*!int64 num_sparse_features_with_values*!float32 num_dense_features*!float32 !float32 !float32 num_sparse_features*!int64 num_sparse_features*!float32 num_dense_features*!float32 !float32",
        {
            "loss_type": "string",
            "adaptative": "bool",
            "num_sparse_features": "int",
            "num_sparse_features_with_values": "int",
            "num_dense_features": "int",
            "l1": "float",
            "l2": "float",
            "num_loss_partitions": "int",
            "num_inner_iterations": "int",
        },
    ),
    "Select": ("!bool T T", {"T": "type"}),
    "SelectV2": ("!bool T T", {"T": "type"}),
    "SelfAdjointEigV2": ("T", {"compute_v": "bool", "T": "type"}),
    "Selu": ("T", {"T": "type"}),
    "SerializeManySparse": ("!int64 T !int64", {"T": "type", "out_type": "type"}),
    "SerializeSparse": ("!int64 T !int64", {"T": "type", "out_type": "type"}),
    "SerializeTensor": ("T", {"T": "type"}),
    "Shape": ("T", {"T": "type", "out_type": "type"}),
    "ShapeN": ("N*T", {"N": "int", "T": "type", "out_type": "type"}),
    "Sigmoid": ("T", {"T": "type"}),
    "SigmoidGrad": ("T T", {"T": "type"}),
    "Sign": ("T", {"T": "type"}),
    "Sin": ("T", {"T": "type"}),
    "Sinh": ("T", {"T": "type"}),
    "Size": ("T", {"T": "type", "out_type": "type"}),
    "Slice": ("T Index Index", {"T": "type", "Index": "type"}),
    "Snapshot": ("T", {"T": "type"}),
    "Softmax": ("T", {"T": "type"}),
    "SoftmaxCrossEntropyWithLogits": ("T T", {"T": "type"}),
    "Softplus": ("T", {"T": "type"}),
    "Softsign": ("T", {"T": "type"}),
    "SpaceToBatchND": (
        "T Tblock_shape Tpaddings",
        {"T": "type", "Tblock_shape": "type", "Tpaddings": "type"},
    ),
    "SpaceToDepth": ("T", {"T": "type", "block_size": "int", "data_format": "string"}),
    "SparseAccumulatorApplyGradient": (
        "!string !int64 !int64 dtype !int64",
        {"dtype": "type", "has_known_shape": "bool"},
    ),
    "SparseAccumulatorTakeGradient": ("!string !int32", {"dtype": "type"}),
    "SparseAdd": ("!int64 T !int64 !int64 T !int64 Treal", {"T": "type", "Treal": "type"}),
    "SparseAddGrad": ("T !int64 !int64 !int64", {"T": "type"}),
    "SparseApplyAdadelta": (
        "T T T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseApplyAdagrad": (
        "T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "update_slots": "bool"},
    ),
    "SparseApplyAdagradDA": (
        "T T T T Tindices T T T !int64",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseApplyCenteredRMSProp": (
        "T T T T T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseApplyFtrl": (
        "T T T T Tindices T T T T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "SparseApplyFtrlV2": (
        "T T T T Tindices T T T T T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "multiply_linear_by_lr": "bool"},
    ),
    "SparseApplyMomentum": (
        "T T T T Tindices T",
        {"T": "type", "Tindices": "type", "use_locking": "bool", "use_nesterov": "bool"},
    ),
    "SparseApplyProximalAdagrad": (
        "T T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseApplyProximalGradientDescent": (
        "T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseApplyRMSProp": (
        "T T T T T T T T Tindices",
        {"T": "type", "Tindices": "type", "use_locking": "bool"},
    ),
    "SparseConcat": ("N*!int64 N*T N*!int64", {"concat_dim": "int", "N": "int", "T": "type"}),
    "SparseConditionalAccumulator": (
        "",
        {
            "dtype": "type",
            "shape": "shape",
            "container": "string",
            "shared_name": "string",
            "reduction_type": "string",
        },
    ),
    "SparseCross": (
        "N*!int64 [sparse_types] N*!int64 [dense_types]",
        {
            "N": "int",
            "hashed_output": "bool",
            "num_buckets": "int",
            "hash_key": "int",
            "sparse_types": "list(type)",
            "dense_types": "list(type)",
            "out_type": "type",
            "internal_type": "type",
        },
    ),
    "SparseCrossV2": (
        "N*!int64 [sparse_types] N*!int64 [dense_types] !string",
        {"N": "int", "sparse_types": "list(type)", "dense_types": "list(type)"},
    ),
    "SparseReduceMax": ("!int64 T !int64 !int32", {"keep_dims": "bool", "T": "type"}),
    "SparseReduceSum": ("!int64 T !int64 !int32", {"keep_dims": "bool", "T": "type"}),
    "SparseReorder": ("!int64 T !int64", {"T": "type"}),
    "SparseReshape": ("!int64 !int64 !int64", {}),
    "SparseSegmentMean": (
        "T Tidx Tsegmentids",
        {"T": "type", "Tidx": "type", "Tsegmentids": "type", "sparse_gradient": "bool"},
    ),
    "SparseSegmentMeanWithNumSegments": (
        "T Tidx Tsegmentids Tnumsegments",
        {
            "T": "type",
            "Tidx": "type",
            "Tnumsegments": "type",
            "Tsegmentids": "type",
            "sparse_gradient": "bool",
        },
    ),
    "SparseSegmentSqrtN": (
        "T Tidx Tsegmentids",
        {"T": "type", "Tidx": "type", "Tsegmentids": "type", "sparse_gradient": "bool"},
    ),
    "SparseSegmentSqrtNWithNumSegments": (
        "T Tidx Tsegmentids Tnumsegments",
        {
            "T": "type",
            "Tidx": "type",
            "Tnumsegments": "type",
            "Tsegmentids": "type",
            "sparse_gradient": "bool",
        },
    ),
    "SparseSegmentSum": (
        "T Tidx Tsegmentids",
        {"T": "type", "Tidx": "type", "Tsegmentids": "type", "sparse_gradient": "bool"},
    ),
    "SparseSegmentSumWithNumSegments": (
        "T Tidx Tsegmentids Tnumsegments",
        {
            "T": "type",
            "Tidx": "type",
            "Tnumsegments": "type",
            "Tsegmentids": "type",
            "sparse_gradient": "bool",
        },
    ),
    "SparseSlice": ("!int64 T !int64 !int64 !int64", {"T": "type"}),
    "SparseSoftmax": ("!int64 T !int64", {"T": "type"}),
    "SparseSoftmaxCrossEntropyWithLogits": ("T Tlabels", {"T": "type", "Tlabels": "type"}),
    "SparseTensorDenseAdd": ("Tindices T Tindices T", {"T": "type", "Tindices": "type"}),
    "SparseTensorDenseMatMul": (
        "Tindices T !int64 T",
        {"T": "type", "Tindices": "type", "adjoint_a": "bool", "adjoint_b": "bool"},
    ),
    "SparseToDense": (
        "Tindices Tindices T T",
        {"validate_indices": "bool", "T": "type", "Tindices": "type"},
    ),
    "Split": ("!int32 T", {"num_split": "int", "T": "type"}),
    "SplitV": ("T Tlen !int32", {"num_split": "int", "T": "type", "Tlen": "type"}),
    "Sqrt": ("T", {"T": "type"}),
    "Square": ("T", {"T": "type"}),
    "SquaredDifference": ("T T", {"T": "type"}),
    "Squeeze": ("T", {"T": "type", "squeeze_dims": "list(int)"}),
    "StatelessIf": (
        "Tcond [Tin]",
        {
            "Tcond": "type",
            "Tin": "list(type)",
            "Tout": "list(type)",
            "then_branch": "func",
            "else_branch": "func",
            "output_shapes": "list(shape)",
        },
    ),
    "StatelessMultinomial": (
        "T !int32 Tseed",
        {"T": "type", "Tseed": "type", "output_dtype": "type"},
    ),
    "StatelessParameterizedTruncatedNormal": (
        "S Tseed dtype dtype dtype dtype",
        {"S": "type", "Tseed": "type", "dtype": "type"},
    ),
    "StatelessRandomBinomial": (
        "S Tseed T T",
        {"S": "type", "Tseed": "type", "T": "type", "dtype": "type"},
    ),
    "StatelessRandomGammaV2": ("T Tseed dtype", {"dtype": "type", "T": "type", "Tseed": "type"}),
    "StatelessRandomGetKeyCounter": ("Tseed", {"Tseed": "type"}),
    "StatelessRandomNormal": ("T Tseed", {"dtype": "type", "T": "type", "Tseed": "type"}),
    "StatelessRandomNormalV2": (
        "Tshape !uint64 !uint64 !int32",
        {"dtype": "type", "Tshape": "type"},
    ),
    "StatelessRandomPoisson": (
        "T Tseed Rtype",
        {"Rtype": "type", "dtype": "type", "T": "type", "Tseed": "type"},
    ),
    "StatelessRandomUniform": ("T Tseed", {"dtype": "type", "T": "type", "Tseed": "type"}),
    "StatelessRandomUniformFullInt": ("T Tseed", {"dtype": "type", "T": "type", "Tseed": "type"}),
    "StatelessRandomUniformFullIntV2": (
        "Tshape !uint64 !uint64 !int32",
        {"dtype": "type", "Tshape": "type"},
    ),
    "StatelessRandomUniformInt": (
        "T Tseed dtype dtype",
        {"dtype": "type", "T": "type", "Tseed": "type"},
    ),
    "StatelessRandomUniformIntV2": (
        "Tshape !uint64 !uint64 !int32 dtype dtype",
        {"dtype": "type", "Tshape": "type"},
    ),
    "StatelessRandomUniformV2": (
        "Tshape !uint64 !uint64 !int32",
        {"dtype": "type", "Tshape": "type"},
    ),
    "StatelessTruncatedNormal": ("T Tseed", {"dtype": "type", "T": "type", "Tseed": "type"}),
    "StatelessTruncatedNormalV2": (
        "Tshape !uint64 !uint64 !int32",
        {"dtype": "type", "Tshape": "type"},
    ),
    "StatelessWhile": (
        "[T]",
        {
            "T": "list(type)",
            "cond": "func",
            "body": "func",
            "output_shapes": "list(shape)",
            "parallel_iterations": "int",
        },
    ),
    "StaticRegexFullMatch": ("!string", {"pattern": "string"}),
    "StaticRegexReplace": (
        "!string",
        {"pattern": "string", "rewrite": "string", "replace_global": "bool"},
    ),
    "StopGradient": ("T", {"T": "type"}),
    "StridedSlice": (
        "T Index Index Index",
        {
            "T": "type",
            "Index": "type",
            "begin_mask": "int",
            "end_mask": "int",
            "ellipsis_mask": "int",
            "new_axis_mask": "int",
            "shrink_axis_mask": "int",
        },
    ),
    "StridedSliceGrad": (
        "Index Index Index Index T",
        {
            "T": "type",
            "Index": "type",
            "begin_mask": "int",
            "end_mask": "int",
            "ellipsis_mask": "int",
            "new_axis_mask": "int",
            "shrink_axis_mask": "int",
        },
    ),
    "StringFormat": (
        "[T]",
        {"T": "list(type)", "template": "string", "placeholder": "string", "summarize": "int"},
    ),
    "StringJoin": ("N*!string", {"N": "int", "separator": "string"}),
    "StringLength": ("!string", {"unit": "string"}),
    "StringLower": ("!string", {"encoding": "string"}),
    "StringNGrams": (
        "!string Tsplits",
        {
            "separator": "string",
            "ngram_widths": "list(int)",
            "left_pad": "string",
            "right_pad": "string",
            "pad_width": "int",
            "preserve_short_sequences": "bool",
            "Tsplits": "type",
        },
    ),
    "StringSplit": ("!string !string", {"skip_empty": "bool"}),
    "StringSplitV2": ("!string !string", {"maxsplit": "int"}),
    "StringStrip": ("!string", {}),
    "StringToHashBucket": ("!string", {"num_buckets": "int"}),
    "StringToHashBucketFast": ("!string", {"num_buckets": "int"}),
    "StringToHashBucketStrong": ("!string", {"num_buckets": "int", "key": "list(int)"}),
    "StringToNumber": ("!string", {"out_type": "type"}),
    "StringUpper": ("!string", {"encoding": "string"}),
    "Sub": ("T T", {"T": "type"}),
    "Substr": ("!string T T", {"T": "type", "unit": "string"}),
    "Sum": ("T Tidx", {"keep_dims": "bool", "T": "type", "Tidx": "type"}),
    "Svd": ("T", {"compute_uv": "bool", "full_matrices": "bool", "T": "type"}),
    "TFRecordReaderV2": (
        "",
        {"container": "string", "shared_name": "string", "compression_type": "string"},
    ),
    "Tan": ("T", {"T": "type"}),
    "Tanh": ("T", {"T": "type"}),
    "TanhGrad": ("T T", {"T": "type"}),
    "TensorArrayCloseV3": ("!resource", {}),
    "TensorArrayGatherV3": (
        "!resource !int32 !float32",
        {"dtype": "type", "element_shape": "shape"},
    ),
    "TensorArrayRead": ("!string !int32 !float32", {"dtype": "type"}),
    "TensorArrayReadV3": ("!resource !int32 !float32", {"dtype": "type"}),
    "TensorArrayScatter": ("!string !int32 T !float32", {"T": "type"}),
    "TensorArrayScatterV3": ("!resource !int32 T !float32", {"T": "type"}),
    "TensorArraySizeV3": ("!resource !float32", {}),
    "TensorArrayV3": (
        "!int32",
        {
            "dtype": "type",
            "element_shape": "shape",
            "dynamic_size": "bool",
            "clear_after_read": "bool",
            "identical_element_shapes": "bool",
            "tensor_array_name": "string",
        },
    ),
    "TensorArrayWrite": ("!string !int32 T !float32", {"T": "type"}),
    "TensorArrayWriteV3": ("!resource !int32 T !float32", {"T": "type"}),
    "TensorScatterAdd": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "TensorScatterMax": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "TensorScatterMin": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "TensorScatterSub": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "TensorScatterUpdate": (
        "T Tindices T",
        {"T": "type", "Tindices": "type", "bad_indices_policy": "string"},
    ),
    "TensorSummaryV2": ("!string T !string", {"T": "type"}),
    "TextLineReaderV2": (
        "",
        {"skip_header_lines": "int", "container": "string", "shared_name": "string"},
    ),
    "Tile": ("T Tmultiples", {"T": "type", "Tmultiples": "type"}),
    "Timestamp": ("", {}),
    "TopKV2": ("T Tk", {"sorted": "bool", "T": "type", "Tk": "type", "index_type": "type"}),
    "Transpose": ("T Tperm", {"T": "type", "Tperm": "type"}),
    "TruncateDiv": ("T T", {"T": "type"}),
    "TruncateMod": ("T T", {"T": "type"}),
    "TruncatedNormal": ("T", {"seed": "int", "seed2": "int", "dtype": "type", "T": "type"}),
    "UnicodeDecode": (
        "!string",
        {
            "input_encoding": "string",
            "errors": "string",
            "replacement_char": "int",
            "replace_control_characters": "bool",
            "Tsplits": "type",
        },
    ),
    "UnicodeDecodeWithOffsets": (
        "!string",
        {
            "input_encoding": "string",
            "errors": "string",
            "replacement_char": "int",
            "replace_control_characters": "bool",
            "Tsplits": "type",
        },
    ),
    "UnicodeEncode": (
        "!int32 Tsplits",
        {
            "errors": "string",
            "output_encoding": "string",
            "replacement_char": "int",
            "Tsplits": "type",
        },
    ),
    "UnicodeTranscode": (
        "!string",
        {
            "input_encoding": "string",
            "output_encoding": "string",
            "errors": "string",
            "replacement_char": "int",
            "replace_control_characters": "bool",
        },
    ),
    "UniformCandidateSampler": (
        "!int64",
        {
            "num_true": "int",
            "num_sampled": "int",
            "unique": "bool",
            "range_max": "int",
            "seed": "int",
            "seed2": "int",
        },
    ),
    "Unique": ("T", {"T": "type", "out_idx": "type"}),
    "UniqueWithCounts": ("T", {"T": "type", "out_idx": "type"}),
    "Unpack": ("T", {"num": "int", "T": "type", "axis": "int"}),
    "UnravelIndex": ("Tidx Tidx", {"Tidx": "type"}),
    "UnsortedSegmentJoin": (
        "!string Tindices Tnumsegments",
        {"separator": "string", "Tindices": "type", "Tnumsegments": "type"},
    ),
    "UnsortedSegmentMax": (
        "T Tindices Tnumsegments",
        {"T": "type", "Tindices": "type", "Tnumsegments": "type"},
    ),
    "UnsortedSegmentMin": (
        "T Tindices Tnumsegments",
        {"T": "type", "Tindices": "type", "Tnumsegments": "type"},
    ),
    "UnsortedSegmentProd": (
        "T Tindices Tnumsegments",
        {"T": "type", "Tindices": "type", "Tnumsegments": "type"},
    ),
    "UnsortedSegmentSum": (
        "T Tindices Tnumsegments",
        {"T": "type", "Tindices": "type", "Tnumsegments": "type"},
    ),
    "UpperBound": ("T T", {"T": "type", "out_type": "type"}),
    "VarHandleOp": (
        "",
        {
            "container": "string",
            "shared_name": "string",
            "debug_name": "string",
            "dtype": "type",
            "shape": "shape",
            "allowed_devices": "list(string)",
        },
    ),
    "VarIsInitializedOp": ("!resource", {}),
    "VariableV2": (
        "",
        {"shape": "shape", "dtype": "type", "container": "string", "shared_name": "string"},
    ),
    "Where": ("T", {"T": "type"}),
    "While": (
        "[T]",
        {
            "T": "list(type)",
            "cond": "func",
            "body": "func",
            "output_shapes": "list(shape)",
            "parallel_iterations": "int",
        },
    ),
    "WholeFileReaderV2": ("", {"container": "string", "shared_name": "string"}),
    "WriteFile": ("!string !string", {}),
    "Xdivy": ("T T", {"T": "type"}),
    "Xlogy": ("T T", {"T": "type"}),
    "ZerosLike": ("T", {"T": "type"}),
    "Zeta": ("T T", {"T": "type"}),
}
# ---- end of the generated table


def input_count(tf_type: str, attrs: dict[str, Any]) -> int | None:
    """How many data inputs a ``tf_type`` node takes with these attributes (defaults filled
    in); None where the op type or an attribute it needs is unknown."""
    entry = _ARGS.get(tf_type)
    if entry is None:
        return None
    spec = entry[0]
    n = 0
    for token in spec.split():
        if token.startswith("["):
            types = attrs.get(token[1:-1])
            if not isinstance(types, (list, tuple)):
                return None
            n += len(types)
        elif "*" in token:
            count = attrs.get(token.split("*")[0])
            if not isinstance(count, int) or isinstance(count, bool):
                return None
            n += count
        else:
            n += 1
    return n


_TF_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def tf_type_name(d: Any) -> str:
    """TF's name of a dtype (DataTypeString: ``float``, ``double``, ``half``, ``int32``...)."""
    name = getattr(d, "name", str(d))
    return _TF_NAMES.get(name, name)


def expected_inputs(tf_type: str, attrs: dict[str, Any]) -> str:
    """The input types of ``tf_type`` with these attributes, comma-separated as TF's messages
    write them ('float, float'); a type attribute not set stays its name."""
    out: list[str] = []
    for token in _ARGS.get(tf_type, ("", {}))[0].split():
        if token.startswith("["):
            out += [tf_type_name(t) for t in attrs.get(token[1:-1], [])]
            continue
        count = 1
        if "*" in token:
            number, token = token.split("*")
            count = int(attrs.get(number, 1))
        base = token[1:] if token.startswith("!") else token
        name = tf_type_name(attrs[base]) if base in attrs else base
        out += [tf_type_name(_dt.as_dtype(base)) if token.startswith("!") else name] * count
    return ", ".join(out)


def check_input_count(node_def: Any, attrs: dict[str, Any], where: str) -> None:
    """TF's ValueError for a ``NodeDef`` whose data inputs do not match its op's arguments
    (``where``: "node NAME", or "function F node NAME")."""
    want = input_count(node_def.op, attrs)
    got = sum(1 for i in node_def.input if not i.startswith("^"))
    if want is not None and want != got:
        raise ValueError(
            f"NodeDef expected inputs '{expected_inputs(node_def.op, attrs)}' do not match {got} "
            f"inputs specified; Op<name={node_def.op}>; NodeDef: {{{{{where}}}}}"
        )


def check_attr_kinds(node_def: Any, where: str) -> None:
    """TF's ValueError for an attribute whose value is not of the type its op declares."""
    entry = _ARGS.get(node_def.op)
    if entry is None:
        return
    for name, want in entry[1].items():
        if name not in node_def.attr:
            continue
        field = node_def.attr[name].WhichOneof("value")
        expect = "list" if want.startswith("list(") else _FIELD.get(want)
        if expect is None or field == expect or (field == "list" and want.startswith("list(")):
            continue
        if field is None:
            msg = f"AttrValue missing value with expected type '{want}'"
        else:
            msg = (
                f"AttrValue had value with type '{_KIND.get(field, field)}' when '{want}' expected"
            )
        raise ValueError(f"{msg}\n\t for attr '{name}'\n\t; NodeDef: {{{{{where}}}}}")
