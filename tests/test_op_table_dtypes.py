"""The op table's dtype dimension: every row whose op type TF 2.21 has, on every dtype, side by side
with TF.

For each row and each of the 15 numeric and boolean dtypes the row's inputs are drawn in that
dtype (``Ctx.dtype``; index inputs keep their own dtypes) and the row is built:

* we refuse it (``TypeError``): the message names an op type and the dtype, and TF's ``OpDef`` of
  that op type allows no such dtype for any type attribute bound to an input;
* we build it: the graph's ``GraphDef`` is imported into TF (a refusal there, "not in the list of
  allowed values", means we should have refused) and both libraries run it on the same feeds. Where
  TF has no CPU kernel for the dtype ours may run or fail cleanly; where TF runs it, ours must
  give TF's values (bit for bit for integers and booleans), except the (op, dtype) pairs of
  ``GAPS``, which must fail cleanly with "unsupported dtype" so that the list stays exact.

Rows that cannot be compared this way are listed in ``NOT_COMPARED`` with the reason.
"""

from __future__ import annotations

import contextlib
import importlib
import pathlib
import re

import ml_dtypes
import numpy as np
import pytest
import tensorflow as real_tf
from hypothesis import Phase, given, settings
from hypothesis import strategies as st
from op_table import Ctx, Steps, build_graph, flatten, run_graph
from tensorflow.python.framework import op_def_registry
from test_dtypes_vs_tf import NAMES  # the 15 dtypes

import tflite_core as tf

T = real_tf.compat.v1
FAMILIES = sorted(p.stem for p in pathlib.Path(__file__).parent.glob("test_ops_*.py"))
ROWS = [r for f in FAMILIES for r in importlib.import_module(f).ROWS]

_PIPELINE = "an input-pipeline op with a string handle (TF: a resource) or Python state"
NOT_COMPARED = {
    # the input pipeline: iterators, queues and readers hold per-session state in Python, and
    # their handles are strings here (TF: resources); datasets are nodes of ours, not TF's
    "OneShotIterator": _PIPELINE,
    "IteratorV2": _PIPELINE,
    "MakeIterator": _PIPELINE,
    "IteratorGetNext": _PIPELINE,
    "IteratorToStringHandle": _PIPELINE,
    "ReduceDataset": _PIPELINE,
    "DatasetToSingleElement": _PIPELINE,
    "DatasetCardinality": _PIPELINE,
    "FIFOQueueV2": _PIPELINE,
    "PaddingFIFOQueueV2": _PIPELINE,
    "RandomShuffleQueueV2": _PIPELINE,
    "PriorityQueueV2": _PIPELINE,
    "QueueEnqueueV2": _PIPELINE,
    "QueueEnqueueManyV2": _PIPELINE,
    "QueueDequeueV2": _PIPELINE,
    "QueueDequeueManyV2": _PIPELINE,
    "QueueDequeueUpToV2": _PIPELINE,
    "QueueCloseV2": _PIPELINE,
    "QueueSizeV2": _PIPELINE,
    "QueueIsClosedV2": _PIPELINE,
    "QueueSelect": _PIPELINE,
    "WholeFileReaderV2": _PIPELINE,
    "TextLineReaderV2": _PIPELINE,
    "FixedLengthRecordReaderV2": _PIPELINE,
    "TFRecordReaderV2": _PIPELINE,
    "IdentityReaderV2": _PIPELINE,
    "ReaderReadV2": _PIPELINE,
    "ReaderReadUpToV2": _PIPELINE,
    "ReaderNumRecordsProducedV2": _PIPELINE,
    "ReaderNumWorkUnitsCompletedV2": _PIPELINE,
    "ReaderResetV2": _PIPELINE,
    "ConditionalAccumulator": _PIPELINE,
    "AccumulatorApplyGradient": _PIPELINE,
    "AccumulatorTakeGradient": _PIPELINE,
    "AccumulatorSetGlobalStep": _PIPELINE,
    "AccumulatorNumAccumulated": _PIPELINE,
    "SparseConditionalAccumulator": _PIPELINE,
    "SparseAccumulatorApplyGradient": _PIPELINE,
    "SparseAccumulatorTakeGradient": _PIPELINE,
    "SerializeSparse": "a host op of our own inputs (the sparse triple)",
    "SerializeManySparse": "a host op of our own inputs (the sparse triple)",
    "DeserializeManySparse": "a host op of our own inputs (the sparse triple)",
    "DecodeJSONExample": "string records in and out (compared in test_io_serialization_vs_tf.py)",
    "LMDBReader": _PIPELINE,
    "EncodeProto": "protobuf messages (compared in test_proto_ops_vs_tf.py)",
    "DecodeProtoV2": "protobuf messages (compared in test_proto_ops_vs_tf.py)",
    "CountUpTo": _PIPELINE,
    "MatchFilenamesOnce": _PIPELINE,
    # Python callbacks live in the process that built the graph: TF cannot call ours
    "PyFunc": "a Python callback",
    "PyFuncStateless": "a Python callback",
    "EagerPyFunc": "a Python callback",
    "MatrixExponential": "TF removed the op at GraphDef version 27 (its expm is composite)",
    "RngReadAndSkip": "our generator state is a ref variable read through a ReductionSize op",
    "StatelessRandomNormalV2": "the row draws through tf.random.Generator (state as above)",
    "StatelessTruncatedNormalV2": "the row draws through tf.random.Generator",
    "StatelessRandomUniformV2": "the row draws through tf.random.Generator",
    "StatelessRandomUniformIntV2": "the row draws through tf.random.Generator",
    "StatelessRandomUniformFullIntV2": "the row draws through tf.random.Generator",
    "If": "functional control flow: the branches are not written as a function library",
    "While": "functional control flow: the body is not written as a function library",
    "TensorArrayRead": "our TensorArray handle is a host object, TF's V3 ops carry a flow",
    "TensorArrayWrite": "our TensorArray handle is a host object, TF's V3 ops carry a flow",
    "TensorArrayScatter": "our TensorArray handle is a host object, TF's V3 ops carry a flow",
    "ImageSummary": "PNG bytes: libpng's row filters differ (pixels: test_summary_more_vs_tf)",
    "PrintV2": "ours formats its inputs itself; TF's prints the string of a StringFormat node",
    "SparseCrossV2": "ours takes the dense inputs' values; TF's takes string separators too",
    "ParseExampleV2": "ours takes the keys as attributes; TF's as string inputs",
    "ParseSequenceExampleV2": "ours takes the keys as attributes; TF's as string inputs",
    "ReadFile": "the row's files are paths of this process (test_io_parsing_vs_tf.py)",
    "WriteFile": "the row's files are paths of this process (test_io_parsing_vs_tf.py)",
    "MatchingFiles": "the row's files are paths of this process (test_io_parsing_vs_tf.py)",
}
# the values of these depend on TF's random streams (unseeded or stateful): their dtypes and
# shapes are compared, the numbers by the random families' own tests
RANDOM_VALUES = {
    "RandomUniform",
    "RandomStandardNormal",
    "TruncatedNormal",
    "RandomUniformInt",
    "RandomGamma",
    "RandomPoissonV2",
    "RandomShuffle",
    "Multinomial",
    # stateless: TF's stream, but a tie between near-equal logits can fall either way
    "StatelessMultinomial",
    # stateless, but TF's samplers for these two are not reproduced draw for draw
    "StatelessRandomBinomial",
    "StatelessParameterizedTruncatedNormal",
    "UniformCandidateSampler",
    "LogUniformCandidateSampler",
    "FixedUnigramCandidateSampler",
    "LearnedUnigramCandidateSampler",
}
# Rows whose ids are made unique: our optimisers' sparse kernels sum duplicate ids (TF's optimisers
# sum them in the graph first), where TF's raw SparseApply* kernels apply each duplicate in turn.
UNIQUE_IDS = {
    "SparseApplyMomentum",
    "SparseApplyAdagrad",
    "SparseApplyAdadelta",
    "SparseApplyProximalGradientDescent",
    "SparseApplyProximalAdagrad",
    "SparseApplyAdagradDA",
    "SparseApplyFtrl",
    "SparseApplyFtrlV2",
    "SparseApplyRMSProp",
    "SparseApplyCenteredRMSProp",
}
# TF's CPU kernels of these compute as if the dilations were 1 (or refuse them), whatever they are
TF_IGNORES_DILATIONS = {"DepthwiseConv2dNativeBackpropInput", "DepthwiseConv2dNativeBackpropFilter"}
# (op, dtype) pairs on which TF's own kernel aborts the process (a failed CHECK)
TF_CRASHES = {("MaxPoolGrad", "bfloat16")}
_HALVES = {"float16", "bfloat16"}
_SMALL = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_NARROW = _SMALL - {"int32", "int64"}
# op type -> dtypes TF's OpDef takes and our public function refuses
REFUSED: dict[str, set[str]] = {
    # TF's tf.range refuses them too (an AssertionError; float16: "Unsupported dtype")
    "Range": {"int8", "int16", "uint16", "uint32", "uint64", "float16"},
    # random streams of 16-bit floats and unsigned integers: not yet
    "RandomUniform": _HALVES,
    "RandomStandardNormal": _HALVES,
    "TruncatedNormal": _HALVES,
    "StatelessRandomUniform": _HALVES,
    "StatelessRandomNormal": _HALVES,
    "StatelessTruncatedNormal": _HALVES,
    "StatelessRandomGammaV2": {"float16"},
    "StatelessRandomPoisson": {"float16"},
    "RandomPoissonV2": {"float16"},
    "RandomIndexShuffle": {"uint32", "uint64"},
    "StatelessRandomUniformFullInt": {"uint32", "uint64"},
    "Multinomial": _SMALL | _HALVES,  # logits of any real dtype
}
_COMPLEX = {"complex64", "complex128"}
_REFS = _SMALL - {"int32", "int64"} | _HALVES | _COMPLEX  # (ref-variable kernels)
# (op type -> dtypes) TF runs and our kernels do not yet: each fails cleanly, "unsupported dtype"
GAPS: dict[str, set[str]] = {
    "UnsortedSegmentSum": _COMPLEX,
    "ScatterNd": _COMPLEX,
    "TensorScatterUpdate": _COMPLEX,
    "TensorScatterAdd": _COMPLEX,
    "TensorScatterSub": _COMPLEX,
    "TensorScatterMax": {"uint64"},
    "TensorScatterMin": {"uint64"},
    "Cholesky": _COMPLEX,
    "MatrixDeterminant": _COMPLEX,
    "LogMatrixDeterminant": _COMPLEX,
    "MatrixInverse": _COMPLEX,
    "MatrixSolve": _COMPLEX,
    "MatrixTriangularSolve": _COMPLEX,
    "MatrixSolveLs": _COMPLEX,
    "Qr": _COMPLEX,
    "Svd": _COMPLEX,
    "SelfAdjointEigV2": _COMPLEX,
    "Lu": _COMPLEX,
    "MatrixSquareRoot": _COMPLEX,
    "Sigmoid": _COMPLEX,
    "MatMul": _COMPLEX,
    "BatchMatMulV2": _COMPLEX,
    "SigmoidGrad": _COMPLEX,
    "TanhGrad": _COMPLEX,
    "Sin": _COMPLEX,
    "Cos": _COMPLEX,
    "Tan": _COMPLEX,
    "Asin": _COMPLEX,
    "Acos": _COMPLEX,
    "Atan": _COMPLEX,
    "Sinh": _COMPLEX,
    "Cosh": _COMPLEX,
    "Asinh": _COMPLEX,
    "Acosh": _COMPLEX,
    "Atanh": _COMPLEX,
    "Expm1": _COMPLEX,
    "Log1p": _COMPLEX,
    "Rsqrt": _COMPLEX,
    "Xlogy": _COMPLEX,
    "Xdivy": _COMPLEX,
    "DivNoNan": _COMPLEX,
    "MulNoNan": _COMPLEX,
    "SquaredDifference": _COMPLEX,
    "Cumsum": _COMPLEX,
    "Cumprod": _COMPLEX,
    "UnsortedSegmentProd": _COMPLEX,
    "SparseToDense": _COMPLEX,
    "SparseTensorDenseMatMul": _COMPLEX,
    "SparseReorder": _COMPLEX,
    "SparseTensorDenseAdd": _COMPLEX,
    "SparseReduceSum": _COMPLEX,
    "ApplyGradientDescent": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyMomentum": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyAdam": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyAdagrad": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyRMSProp": {"float16", "bfloat16", "complex64", "complex128"},
    "SparseApplyMomentum": {"float16", "bfloat16", "complex64", "complex128"},
    "SparseApplyAdagrad": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyAdadelta": {"float16", "bfloat16", "complex64", "complex128"},
    "ApplyFtrl": {"float16", "bfloat16"},
    "ApplyFtrlV2": {"float16", "bfloat16"},
    "SparseApplyAdadelta": {"float16", "bfloat16", "complex64", "complex128"},
    "SparseApplyFtrl": {"float16", "bfloat16"},
    "SparseApplyFtrlV2": {"float16", "bfloat16"},
    "ApplyCenteredRMSProp": {"float16", "bfloat16", "complex64", "complex128"},
    "SparseApplyRMSProp": {"float16", "bfloat16", "complex64", "complex128"},
    "SparseApplyCenteredRMSProp": {"float16", "bfloat16", "complex64", "complex128"},
    "ScatterAdd": _REFS,
    "ScatterSub": _REFS,
    "ScatterMul": _REFS,
    "ScatterDiv": _REFS,
    "ScatterNdAdd": _REFS,
    "ScatterNdSub": _REFS,
    "LowerBound": {"uint64"},
    "UpperBound": {"uint64"},
    "ArgMax": {"uint64"},
    "ArgMin": {"uint64"},
    "TopKV2": {"uint64"},
    "UnsortedSegmentMax": _NARROW | _HALVES,
    "UnsortedSegmentMin": _NARROW | _HALVES,
    "SparseReduceMax": _NARROW | _HALVES,
    "Conv2D": {"int32"},
    "Conv2DBackpropInput": {"int32"},
    "ScatterUpdate": _NARROW | _HALVES | _COMPLEX | {"bool"},
    "ScatterNdUpdate": _NARROW | _HALVES | _COMPLEX | {"bool"},
    "ScatterMax": {"float16", "bfloat16"},
    "ScatterMin": {"float16", "bfloat16"},
    "SparseSegmentSum": _SMALL | _HALVES,
    "SparseSegmentSumWithNumSegments": _SMALL | _HALVES,
    "MaxPool": {"int64"},
}


def np_dtype(name):
    return np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)


def tf_allows(op_type, dtype, param=None):
    """Whether TF's OpDef of ``op_type`` takes ``dtype``: on input ``param``, else on some input
    (or, for an op whose output dtype is its ``dtype`` attribute, such as the random ops, as that
    attribute). None: TF has no such op type."""
    op_def = op_def_registry.get(op_type)
    if op_def is None:
        return None
    enum = tf.as_dtype(dtype).as_datatype_enum
    attrs = {a.name: a for a in op_def.attr}
    if param is None and "dtype" in attrs and attrs["dtype"].allowed_values.list.type:
        return enum in attrs["dtype"].allowed_values.list.type
    for arg in op_def.input_arg:
        if param is not None and arg.name != param:
            continue
        if arg.type_attr:
            allowed = attrs[arg.type_attr].allowed_values.list.type
            if not allowed or enum in allowed:
                return True
        elif arg.type_list_attr or arg.type == enum:
            return True
    return False


def tolerance(dt):
    if dt == np_dtype("bfloat16"):
        return 2e-2
    if dt.kind in "fc":
        return {2: 4e-3, 4: 2e-5, 8: 2e-5, 16: 1e-10}[dt.itemsize]
    return 0


def assert_same(ours, theirs, where):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, (where, ours.shape, theirs.shape)
    assert ours.dtype == theirs.dtype, (where, ours.dtype, theirs.dtype)
    tol = tolerance(theirs.dtype)
    if tol == 0 or theirs.dtype.kind not in "fcV":
        np.testing.assert_array_equal(ours, theirs, err_msg=where)
        return
    wide = np.complex128 if theirs.dtype.kind == "c" else np.float64
    np.testing.assert_allclose(
        ours.astype(wide), theirs.astype(wide), rtol=tol, atol=tol, equal_nan=True, err_msg=where
    )


def run_in_tf(graph_def, out, feeds, init):
    """Imports ``graph_def`` into a fresh TF graph and runs the row's fetches there."""
    g = real_tf.Graph()
    with g.as_default():
        T.import_graph_def(T.GraphDef.FromString(graph_def.SerializeToString()), name="")
    tf_feeds = {t.name: v for t, v in feeds.items()}
    with T.Session(graph=g) as sess:
        if init is not None:
            sess.run(init.name, tf_feeds)

        def fetch(o):  # operations run too (by name); only the tensors' values come back
            items = [t for t in flatten(o) if isinstance(t, (tf.Tensor, tf.Operation))]
            values = sess.run([t.name for t in items], tf_feeds)
            return [v for v, t in zip(values, items) if isinstance(t, tf.Tensor)]

        if isinstance(out, Steps):
            return [fetch(o) for o in out]
        return fetch(out)


def ours_flat(got, out):
    """Our fetched values in the order of ``run_in_tf`` (tensors only, operations dropped)."""
    if isinstance(out, Steps):
        return [ours_flat(v, o) for v, o in zip(got, out)]
    return [v for v, t in zip(flatten(got), flatten(out)) if isinstance(t, tf.Tensor)]


def check_dtype(row, data, name):
    """One dtype of one row; returns what happened: "refused", "tf-no-kernel", "gap", "same"."""
    dt = np_dtype(name)
    try:
        arrays, kw = row.draw(Ctx(data, dt, "partial"))  # non-empty inputs
    except (TypeError, ValueError, OverflowError) as e:  # a draw that has no meaning in dt
        assert tf_allows(row.op, name) is False, f"{row.op} on {name}: cannot draw inputs: {e}"
        return "refused"  # (TF's OpDef refuses the dtype: so does ours, Graph.create_op)
    if row.op in UNIQUE_IDS and len(set(kw["ids"])) < len(kw["ids"]):
        kw = {**kw, "ids": sorted(set(kw["ids"]))}
        arrays = [arrays[0][: len(kw["ids"])]]
    try:
        g, _, out, feeds, init = build_graph(row, arrays, kw)
    except (TypeError, ValueError) as e:
        msg = str(e)
        if "Computed output size would be negative" in msg:
            return "both-refuse-the-inputs"  # TF's shape function refuses it at import too
        if re.match(r"Expected \w+, got .* of type '\w+' instead", msg):
            return "refused"  # a Python float as an integer tensor: TF's conversion refuses it too
        if "Cannot convert None" in msg and dt.kind not in "fcV":
            return "no-gradient"  # a gradient op's row: integers have no gradients, as in TF
        if "must be numeric to obtain a default gradient" in msg and dt.kind == "b":
            return "no-gradient"  # as TF: booleans have no gradients
        m = re.search(r"parameter '(\w+)' of '(\w+)' has DataType (\w+) not in list", msg)
        m = m or re.search(r"Input '(\w+)' of '(\w+)' Op has type (\w+) that does not match", msg)
        refused_by_tf = tf_allows(row.op, name) is False or (
            m is not None and tf_allows(m[2], m[3], m[1]) is False
        )
        assert refused_by_tf or name in REFUSED.get(row.op, ()), (
            f"{row.op} on {name}: we refuse what TF allows: {type(e).__name__}: {msg}"
        )
        assert not (refused_by_tf and name in REFUSED.get(row.op, ())), (
            f"{row.op} on {name}: TF refuses it too: drop it from REFUSED"
        )
        return "refused"
    if any(t is None for t in flatten(out)):
        assert dt.kind not in "fcV", f"{row.op} on {name}: a gradient is None"
        return "no-gradient"  # integers have no gradients, as in TF
    with g.as_default():
        graph_def = g.as_graph_def()
    if row.op in TF_IGNORES_DILATIONS and np.max(kw.get("dilations", 1)) > 1:
        with contextlib.suppress(
            tf.errors.OpError
        ):  # no reference: ours must fail cleanly, if at all
            run_graph(g, out, feeds, init)
        return "tf-ignores-dilations"
    if (row.op, name) in TF_CRASHES:
        with contextlib.suppress(tf.errors.OpError):  # ours must fail cleanly, if at all
            run_graph(g, out, feeds, init)
        return "tf-crashes"
    try:
        theirs = run_in_tf(graph_def, out, feeds, init)
    except ValueError as e:
        assert "not in the list of allowed values" not in str(e), (
            f"{row.op} on {name}: TF refuses the graph; we built it: {e}"
        )
        raise
    except (
        real_tf.errors.NotFoundError,
        real_tf.errors.InvalidArgumentError,
        real_tf.errors.UnimplementedError,
    ) as e:
        no_kernel = any(
            m in str(e)
            for m in (
                "No OpKernel was registered",
                "Could not find device",
                "Current implementation only supports",  # limits of TF's CPU kernels
                "Current CPU implementations do not yet support",
            )
        )
        if no_kernel or isinstance(e, real_tf.errors.UnimplementedError):
            with contextlib.suppress(tf.errors.OpError):  # TF has none: failing cleanly is enough
                run_graph(g, out, feeds, init)
            return "tf-no-kernel"
        # TF refuses these inputs when run: so must we, with its error class
        with pytest.raises(getattr(tf.errors, type(e).__name__)):
            run_graph(g, out, feeds, init)
        return "both-refuse-the-inputs"
    try:
        got = run_graph(g, out, feeds, init)
    except tf.errors.OpError as e:
        assert name in GAPS.get(row.op, ()), f"{row.op} on {name}: TF runs it; we failed: {e}"
        assert "unsupported dtype" in str(e), (row.op, name, str(e))
        return "gap"
    assert name not in GAPS.get(row.op, ()), f"{row.op} on {name} runs now: drop it from GAPS"
    ours = ours_flat(got, out)
    pairs = (
        [p for a, b in zip(ours, theirs) for p in zip(a, b)]
        if isinstance(out, Steps)
        else list(zip(ours, theirs))
    )
    for x, y in pairs:
        if row.op in RANDOM_VALUES:
            x, y = np.asarray(x), np.asarray(y)
            assert (x.shape, x.dtype) == (y.shape, y.dtype), (row.op, name, x.shape, y.shape)
            continue
        if row.op == "Cholesky":  # only the lower triangle is defined (TF's upper: left over)
            x, y = np.tril(x), np.tril(y)
        if row.op == "TopKV2" and not kw.get("sorted", True):  # TF's order: unspecified
            x, y = np.sort(x, axis=-1), np.sort(y, axis=-1)
        assert_same(x, y, f"{row.op} on {name}")
    return "same"


COMPARED = [r for r in ROWS if op_def_registry.get(r.op) is not None and r.op not in NOT_COMPARED]


@pytest.mark.parametrize("row", COMPARED, ids=[r.op for r in COMPARED])
@settings(
    max_examples=2, derandomize=True, phases=(Phase.explicit, Phase.generate)
)  # fixed draws, no shrinking
@given(data=st.data())
def test_row_on_every_dtype_as_tf(row, data):
    outcomes = {name: check_dtype(row, data, name) for name in NAMES}
    assert "refused" not in outcomes.values() or set(outcomes.values()) != {"refused"}, outcomes


def test_not_compared_and_gaps_name_real_rows():
    ops = {r.op for r in ROWS}
    assert set(NOT_COMPARED) <= ops and set(GAPS) <= ops and set(REFUSED) <= ops
    assert ops >= RANDOM_VALUES
    assert all(set(v) <= set(NAMES) for v in (*GAPS.values(), *REFUSED.values()))
