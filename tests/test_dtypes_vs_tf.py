"""The op table's dtype dimension, side by side with TF 2.21 ``compat.v1`` graph mode.

For each op family below and each of TF's 15 numeric dtypes and bool, the same graph is built in
both libraries on the same inputs. Where TF refuses the dtype when the graph is built
(``TypeError``: its ``OpDef`` does not allow it), tflite_core must refuse it the same way; where
TF builds and runs it, tflite_core must give the same values (bit for bit for data movement,
integers and the float16/bfloat16 arithmetic that TF computes in float32 and rounds; to a few
ulps for transcendental functions). Where TF builds the op but has no CPU kernel for the dtype
(it fails when run: TruncateMod on float16, Tile on uint16, Reciprocal on int8, ...),
tflite_core may compute it or fail cleanly. ``GAPS`` lists the (op, dtype) pairs TF runs
and tflite_core does not yet; each must still fail cleanly, so that the list stays exact.
"""

from __future__ import annotations

import ml_dtypes
import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
NAMES = (
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "complex64",
    "complex128",
    "bool",
)
SHAPE = (3, 4)


def values(name: str, domain: str, seed: int) -> np.ndarray:
    """Inputs of dtype ``name``: small integers (positive or non-zero where the op needs it),
    floats exactly representable in every float type, complex numbers, booleans."""
    rng = np.random.default_rng(seed)
    if name == "bool":
        return rng.integers(0, 2, SHAPE).astype(bool)
    lo = {"any": -6, "positive": 1, "nonzero": 1, "shift": 0}[domain]
    hi = 8 if domain == "shift" else 7
    v = rng.integers(lo, hi, SHAPE).astype(np.float64) * (1 if domain == "shift" else 0.5)
    if domain == "nonzero":
        v = v * rng.choice([-1, 1], SHAPE)
    np_dt = np.dtype(ml_dtypes.bfloat16) if name == "bfloat16" else np.dtype(name)
    if np_dt.kind in "iu":
        v = np.round(v * (2 if domain != "shift" else 1))
        if np_dt.kind == "u":
            v = np.abs(v)
    if np_dt.kind == "c":
        w = rng.integers(-6, 7, SHAPE) * 0.5
        return (v + 1j * w).astype(np_dt)
    return v.astype(np_dt)


def build_both(build, names, domains, seed=0):
    """For each dtype name: ("refused", message) when building raises TypeError, else
    ("built", (graph, outputs, feeds)), in both libraries: {lib: {name: ...}}. Each dtype gets its
    own graph (TF refuses to run any graph holding a node it has no kernel for)."""
    out = {}
    for lib, mod, graph_type in (("ours", tf, tf.Graph), ("tf", T, real_tf.Graph)):
        res = {}
        for name in names:
            graph = graph_type()
            with graph.as_default():
                arrays = [values(name, d, seed + i) for i, d in enumerate(domains)]
                phs = [mod.placeholder(mod.as_dtype(name), a.shape) for a in arrays]
                try:
                    y = build(mod, *phs)
                except TypeError as e:
                    res[name] = ("refused", str(e))
                    continue
                res[name] = ("built", (graph, y, dict(zip(phs, arrays))))
        out[lib] = res
    return out


def run(mod, graph, fetch, feeds):
    with mod.Session(graph=graph) as sess:
        try:
            return "ok", sess.run(fetch, feeds)
        except (mod.errors.OpError, TypeError, ValueError) as e:
            return "error", e


def assert_values(ours, theirs, exact, name):
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape, (name, ours.shape, theirs.shape)
    assert ours.dtype == theirs.dtype, (name, ours.dtype, theirs.dtype)
    kind = theirs.dtype.kind
    if kind in "iub" or (exact and kind == "f"):  # (complex division: Eigen's formula, not C++'s)
        np.testing.assert_array_equal(ours, theirs, err_msg=name)
        return
    if theirs.dtype == np.dtype(ml_dtypes.bfloat16):
        ours, theirs, rtol = ours.astype(np.float32), theirs.astype(np.float32), 1e-2
    else:
        rtol = {2: 2e-3, 4: 2e-5, 8: 1e-5, 16: 1e-12}[theirs.dtype.itemsize]
        rtol = 2e-5 if kind == "c" and theirs.dtype.itemsize == 8 else rtol
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=rtol, equal_nan=True, err_msg=name)


def check_family(op, build, domains, exact, gaps=()):
    """Runs ``build`` on every dtype in both libraries and compares (see the module docstring).
    Returns the dtypes TF ran, for the callers' sanity checks."""
    both = build_both(build, NAMES, domains)
    ours, theirs = both["ours"], both["tf"]
    ran = []
    for name in NAMES:
        t_state, t_val = theirs[name]
        o_state, o_val = ours[name]
        if t_state == "refused":
            assert o_state == "refused", f"{op} on {name}: TF refuses it ({t_val}); we built it"
            assert name in o_val, (op, name, o_val)
            continue
        assert o_state == "built", f"{op} on {name}: TF builds it; we refused: {o_val}"
        t_status, t_out = run(T, *t_val)
        o_status, o_out = run(tf, *o_val)
        if t_status == "error":  # TF has no CPU kernel for it: ours may run it (or fail cleanly)
            continue
        if (op, name) in gaps or name in gaps:
            assert o_status == "error" and "unsupported dtype" in str(o_out), (op, name, o_out)
            continue
        assert o_status == "ok", f"{op} on {name}: TF runs it; we failed: {o_out}"
        outs_t = t_out if isinstance(t_out, list) else [t_out]
        outs_o = o_out if isinstance(o_out, list) else [o_out]
        for a, b in zip(outs_o, outs_t):
            assert_values(a, b, exact, f"{op} on {name}")
        ran.append(name)
    return ran


# ---- the families ------------------------------------------------------------------------------
UNARY = {  # name -> (build, domain, exact)
    "abs": (lambda m, x: m.abs(x), "any", True),
    "negative": (lambda m, x: m.negative(x), "any", True),
    "square": (lambda m, x: m.square(x), "any", True),
    "sign": (lambda m, x: m.sign(x), "any", False),
    "sqrt": (lambda m, x: m.sqrt(x), "positive", False),
    "exp": (lambda m, x: m.exp(x), "any", False),
    "log": (lambda m, x: m.log(x), "positive", False),
    "reciprocal": (lambda m, x: m.reciprocal(x), "nonzero", False),
    "floor": (lambda m, x: m.floor(x), "any", True),
    "tanh": (lambda m, x: m.tanh(x), "any", False),
    "sigmoid": (lambda m, x: m.sigmoid(x), "any", False),
    "relu": (lambda m, x: m.nn.relu(x), "any", True),
}
# TF computes these on complex inputs with Eigen's formulas; ours with std::complex's
UNARY_GAPS = {"sigmoid": {"complex64", "complex128"}}


@pytest.mark.parametrize("op", sorted(UNARY))
def test_unary_on_every_dtype(op):
    build, domain, exact = UNARY[op]
    ran = check_family(op, build, [domain], exact, UNARY_GAPS.get(op, ()))
    assert "float32" in ran


BINARY = {  # name -> (build, domain of y, exact)
    "add": (lambda m, x, y: m.add(x, y), "any", True),
    "subtract": (lambda m, x, y: m.subtract(x, y), "any", True),
    "multiply": (lambda m, x, y: m.multiply(x, y), "any", True),
    "realdiv": (lambda m, x, y: m.realdiv(x, y), "nonzero", True),
    "floordiv": (lambda m, x, y: m.floor_div(x, y), "nonzero", True),
    "floormod": (lambda m, x, y: m.floormod(x, y), "nonzero", True),
    "truncatediv": (lambda m, x, y: m.truncatediv(x, y), "nonzero", True),
    "truncatemod": (lambda m, x, y: m.truncatemod(x, y), "nonzero", True),
    "maximum": (lambda m, x, y: m.maximum(x, y), "any", True),
    "minimum": (lambda m, x, y: m.minimum(x, y), "any", True),
    "pow": (lambda m, x, y: m.pow(x, y), "shift", False),
    "equal": (lambda m, x, y: m.equal(x, y), "any", True),
    "not_equal": (lambda m, x, y: m.not_equal(x, y), "any", True),
    "less": (lambda m, x, y: m.less(x, y), "any", True),
    "less_equal": (lambda m, x, y: m.less_equal(x, y), "any", True),
    "greater": (lambda m, x, y: m.greater(x, y), "any", True),
    "greater_equal": (lambda m, x, y: m.greater_equal(x, y), "any", True),
    "squared_difference": (lambda m, x, y: m.squared_difference(x, y), "any", True),
}
BINARY_GAPS = {  # math_extra.cc has no complex kernel (16-bit floats compute in float32)
    "squared_difference": {"complex64", "complex128"},
}


@pytest.mark.parametrize("op", sorted(BINARY))
def test_binary_on_every_dtype(op):
    build, domain, exact = BINARY[op]
    ran = check_family(op, build, ["any", domain], exact, BINARY_GAPS.get(op, ()))
    assert "int32" in ran or "float32" in ran


def test_mismatched_dtypes_are_tfs_type_error():
    for mod in (tf, T):
        with (tf.Graph() if mod is tf else real_tf.Graph()).as_default():
            x = mod.placeholder(mod.int16, [2])
            y = mod.placeholder(mod.int32, [2])
            with pytest.raises(
                TypeError,
                match=r"Input 'y' of '(Add|AddV2)' Op has type int32 "
                r"that does not match type int16 of argument 'x'\.",
            ):
                mod.add(x, y)


def test_refused_dtypes_name_the_parameter_and_the_allowed_list():
    msgs = []
    for mod in (tf, T):
        with (tf.Graph() if mod is tf else real_tf.Graph()).as_default():
            with pytest.raises(TypeError) as e:
                mod.sqrt(mod.placeholder(mod.int32, [2]))
            msgs.append(str(e.value))
            with pytest.raises(TypeError, match=r"'a'.*DataType int8 not in list"):
                mod.matmul(mod.placeholder(mod.int8, [2, 2]), mod.placeholder(mod.int8, [2, 2]))
    ours, theirs = msgs
    tail = "has DataType int32 not in list of allowed values: "
    assert tail + theirs.split(tail)[1] in ours and "'Sqrt'" in ours


BITWISE = {
    "bitwise_and": (lambda m, x, y: m.bitwise.bitwise_and(x, y), "any"),
    "bitwise_or": (lambda m, x, y: m.bitwise.bitwise_or(x, y), "any"),
    "bitwise_xor": (lambda m, x, y: m.bitwise.bitwise_xor(x, y), "any"),
    "left_shift": (lambda m, x, y: m.bitwise.left_shift(x, y), "shift"),
    "right_shift": (lambda m, x, y: m.bitwise.right_shift(x, y), "shift"),
    "invert": (lambda m, x, y: m.bitwise.invert(x), "any"),
}


@pytest.mark.parametrize("op", sorted(BITWISE))
def test_bitwise_on_every_dtype(op):
    build, domain = BITWISE[op]
    ran = check_family(op, build, ["any", domain], True)
    assert set(ran) == {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}


REDUCE = {
    "reduce_sum": lambda m, x: m.reduce_sum(x, 1),
    "reduce_prod": lambda m, x: m.reduce_prod(x, 0),
    "reduce_max": lambda m, x: m.reduce_max(x, 1),
    "reduce_min": lambda m, x: m.reduce_min(x),
    "reduce_mean": lambda m, x: m.reduce_mean(x, 0),
    "add_n": lambda m, x: m.add_n([x, x, x]),
}


@pytest.mark.parametrize("op", sorted(REDUCE))
def test_reductions_on_every_dtype(op):
    check_family(op, REDUCE[op], ["any"], False)


ARRAY = {  # data movement: bit for bit on every dtype
    "identity": lambda m, x: m.identity(x),
    "reshape": lambda m, x: m.reshape(x, [4, 3]),
    "transpose": lambda m, x: m.transpose(x),
    "concat": lambda m, x: m.concat([x, x], 1),
    "split": lambda m, x: m.split(x, 2, axis=1)[1],
    "slice": lambda m, x: m.slice(x, [1, 1], [2, 2]),
    "strided_slice": lambda m, x: x[::2, 1::2],
    "stack": lambda m, x: m.stack([x, x], axis=1),
    "unstack": lambda m, x: m.unstack(x)[2],
    "tile": lambda m, x: m.tile(x, [2, 1]),
    "gather": lambda m, x: m.gather(x, [2, 0, 2]),
    "pad": lambda m, x: m.pad(x, [[1, 0], [0, 2]]),
    "fill": lambda m, x: m.fill([2, 3], x[0, 0]),
    "zeros_like": lambda m, x: m.zeros_like(x),
    "ones_like": lambda m, x: m.ones_like(x),
    "where": lambda m, x: m.where(m.ones_like(x, dtype=m.bool), x, x[::-1]),
    "broadcast_to": lambda m, x: m.broadcast_to(x[:1], [3, 4]),
    "expand_dims": lambda m, x: m.expand_dims(x, 1),
    "cast_to_float32": lambda m, x: m.cast(x, m.float32),
    "cast_from_float64": lambda m, x: m.cast(m.cast(x, m.float64), x.dtype),
}


@pytest.mark.parametrize("op", sorted(ARRAY))
def test_data_movement_on_every_dtype(op):
    ran = check_family(op, ARRAY[op], ["any"], True)
    if op not in ("ones_like", "cast_to_float32", "cast_from_float64"):
        tf_lacks = {"uint16"} if op == "tile" else set()  # TF's TileOp has no uint16 kernel
        assert set(NAMES) - set(ran) == tf_lacks, (op, set(NAMES) - set(ran))


@pytest.mark.parametrize("src", NAMES)
def test_cast_between_every_pair(src):
    """Every source dtype to every destination dtype, values in range of both."""
    for dst in NAMES:
        build = lambda m, x, dst=dst: m.cast(x, m.as_dtype(dst))  # noqa: E731
        both = build_both(build, [src], ["positive"])
        o, t = both["ours"], both["tf"]
        if t[src][0] == "refused":
            assert o[src][0] == "refused"
            continue
        _, got = run(tf, *o[src][1])
        _, want = run(T, *t[src][1])
        assert_values(got, want, True, f"cast {src} -> {dst}")


def test_complex_parts_and_gradients():
    x = np.array([[1.0, -2.0, 0.0], [3.5, -0.5, 2.0]])
    y = np.array([[3.0, 0.0, -1.0], [1.0, -4.0, 0.25]])
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            for dt in (mod.float32, mod.float64):
                a, b = mod.constant(x, dt), mod.constant(y, dt)
                z = mod.complex(a, b)
                parts = [mod.real(z), mod.imag(z), mod.conj(z), mod.angle(z), mod.abs(z)]
                w = z * z / (z + mod.complex(mod.ones_like(a), mod.ones_like(b))) - mod.exp(z)
                loss = mod.reduce_sum(mod.abs(w) + mod.angle(z * 2.0) + mod.real(mod.sqrt(z)))
                fetch = [*parts, w, mod.sign(z), *mod.gradients(loss, [a, b])]
                with mod.Session(graph=graph) as sess:
                    out.append(sess.run(fetch))
    n = len(out) // 2
    for ours, theirs in zip(out[:n], out[n:]):
        for a, b in zip(ours, theirs):
            assert_values(a, b, False, "complex")


def test_saturate_cast_and_bitcast():
    x = np.array([-1e20, -300.0, -1.5, 0.0, 2.5, 200.0, 70000.0, 3e9, 1e20], np.float32)
    ints = np.array([-(2**31), -5, 0, 7, 2**31 - 1], np.int32)
    out = []
    for mod, graph in ((tf, tf.Graph()), (T, real_tf.Graph())):
        with graph.as_default():
            c = mod.constant(x)
            i = mod.constant(ints)
            fetch = [
                mod.saturate_cast(c, d)
                for d in (mod.uint8, mod.int8, mod.int16, mod.int32, mod.uint16, mod.float16)
            ]
            fetch += [mod.saturate_cast(i, d) for d in (mod.uint8, mod.int8, mod.uint32)]
            fetch += [
                mod.bitcast(c, mod.int32),
                mod.bitcast(c, mod.uint8),
                mod.bitcast(i, mod.float32),
            ]
            fetch += [mod.bitcast(mod.bitcast(c, mod.uint16), mod.float32)]
            fetch += [mod.to_bfloat16(c), mod.to_complex64(i), mod.to_complex128(c)]
            with mod.Session(graph=graph) as sess:
                out.append(sess.run(fetch))
    for a, b in zip(*out):
        assert_values(a, b, True, "saturate_cast/bitcast")


def test_dtype_objects_match_tf():
    for name in (
        *NAMES,
        "qint8",
        "quint8",
        "qint16",
        "quint16",
        "qint32",
        "resource",
        "variant",
        "string",
    ):
        ours, theirs = getattr(tf, name), getattr(T, name)
        assert ours.as_datatype_enum == theirs.as_datatype_enum, name
        for prop in (
            "is_floating",
            "is_integer",
            "is_complex",
            "is_quantized",
            "is_unsigned",
            "is_bool",
            "is_numpy_compatible",
            "size",
        ):
            assert getattr(ours, prop) == getattr(theirs, prop), (name, prop)
        assert ours.real_dtype.name == theirs.real_dtype.name, name
        if theirs.is_numpy_compatible and name != "string":
            assert np.dtype(ours.as_numpy_dtype) == np.dtype(theirs.as_numpy_dtype), name
            assert tf.as_dtype(theirs.as_numpy_dtype) is ours, name
        if theirs.is_integer or theirs.is_floating:
            assert ours.min == theirs.min and ours.max == theirs.max, name
    assert {d.name for d in tf.QUANTIZED_DTYPES} == {
        d.name for d in T.QUANTIZED_DTYPES if not d.name.endswith("_ref")
    }
