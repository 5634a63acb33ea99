"""``tf.strings``' conversions, reductions, splits and hash buckets side by side with TF 2.21
``compat.v1``: to_number, as_string, format, reduce_join, unsorted_segment_join, split and
string_split (SparseTensor results), the three hash buckets (equal to TF's for many strings),
with TF's values and static shapes, numeric outputs read by kernels, and TF's errors for bad
input, after which the session keeps working."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

NUMBERS = ["1.5", " 2 ", "-0", "1e3", "0x10", "-inf", "+.5", "3.5e38", "1e-50", "007", "\t-12\n"]
INTS = ["12", " 3", "+4", "-2147483648", "2147483647", "007"]
GRID = [["a", "", "\u00fcb"], ["cd", "e f", "\u4e2d"]]
SENTENCES = ["a b  c", "", " d,e ", "f", "x,,y", "h\u00e9 w\u00f6rld"]


def _static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def _same(ours, theirs):
    if isinstance(theirs, (list, tuple)):
        assert len(ours) == len(theirs)
        for a, b in zip(ours, theirs):
            _same(a, b)
        return
    if hasattr(theirs, "indices"):  # a SparseTensorValue
        _same([ours.indices, ours.values, ours.dense_shape], list(theirs))
        return
    if isinstance(theirs, (bytes, np.bytes_)):
        assert isinstance(ours, bytes) and ours == theirs, (ours, theirs)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours, theirs)
    if ours.dtype.kind == "f":
        np.testing.assert_array_equal(ours, theirs)  # (exact, NaN equal to NaN)
    else:
        assert ours.tolist() == theirs.tolist()


# fn(mod, words, grid, x): words a fed [None] string vector, grid a [2, 3] string constant,
# x a fed float32 [None] vector of X
X = np.array([0.0, 1.5, -2.25, 1e10, 3.14159265, np.inf, -np.inf, np.nan], np.float32)
CASES = {
    "to_number": lambda m, w, g, x: m.strings.to_number(m.constant(NUMBERS)),
    "to_number_float64": lambda m, w, g, x: m.strings.to_number(NUMBERS, out_type=m.float64),
    "to_number_int32": lambda m, w, g, x: m.strings.to_number(INTS, out_type=m.int32),
    "to_number_int64": lambda m, w, g, x: m.string_to_number(INTS, out_type=m.int64),
    "to_number_sum_in_a_kernel": lambda m, w, g, x: (
        m.reduce_sum(m.strings.to_number(m.strings.substr(INTS, 0, 2), m.int64)) * 3
    ),
    "to_number_of_as_string": lambda m, w, g, x: (
        m.strings.to_number(m.as_string(m.strings.length(w)), m.int32) + 1
    ),
    "as_string": lambda m, w, g, x: m.as_string(x),
    "as_string_precision": lambda m, w, g, x: m.strings.as_string(x, precision=2),
    "as_string_scientific": lambda m, w, g, x: m.as_string(x, scientific=True, precision=3),
    "as_string_shortest": lambda m, w, g, x: m.as_string(x, shortest=True),
    "as_string_width_fill": lambda m, w, g, x: m.as_string(x, width=12, fill="0"),
    "as_string_left": lambda m, w, g, x: m.as_string(x, width=12, fill="-", precision=1),
    "as_string_ints": lambda m, w, g, x: m.as_string(m.cast(x[:5], m.int64), width=5),
    "as_string_int32_zero_fill": lambda m, w, g, x: m.as_string(
        m.constant([1, -22, 333]), width=4, fill="0"
    ),
    "as_string_bools": lambda m, w, g, x: m.as_string(x > 0),
    "as_string_float64": lambda m, w, g, x: m.as_string(m.cast(x, m.float64), precision=9),
    "as_string_of_strings": lambda m, w, g, x: m.as_string(w),
    "format": lambda m, w, g, x: m.strings.format("x={} w={}", [x, w]),
    "format_summarize": lambda m, w, g, x: m.strings.format(
        "{}", [m.reshape(m.range(24), [2, 3, 4])], summarize=1
    ),
    "format_all": lambda m, w, g, x: m.strings.format("[{}] and <>", [m.range(10)], summarize=-1),
    "format_placeholder": lambda m, w, g, x: m.strings.format(
        "<> <>", [g, x[1] * 2.0], placeholder="<>"
    ),
    "format_float64": lambda m, w, g, x: m.strings.format(
        "{}", m.constant([0.1, 1 / 3, 1e-7, 2.5e300, -0.0], m.float64)
    ),
    "format_bools_complex_ints": lambda m, w, g, x: m.strings.format(
        "{} {} {} {}",
        [
            m.constant([[True, False]]),
            m.constant([1 + 2j], m.complex64),
            m.constant([1, 200], m.uint8),
            m.constant([0.1, 2.5], m.float16),
        ],
    ),
    "format_float32_digits": lambda m, w, g, x: m.strings.format(
        "{}", m.constant([1.0000001, 123456789.0, 1e-5, -0.0], m.float32)
    ),
    "format_empty": lambda m, w, g, x: m.strings.format(
        "{}|{}|{}|{}", [m.zeros([0]), m.zeros([0, 2]), m.zeros([2, 0]), m.zeros([2, 3, 0])]
    ),
    "as_string_small_types": lambda m, w, g, x: m.strings.join(
        [
            m.as_string(m.constant([-5, 7], m.int8), width=3),
            m.as_string(m.constant([5, 255], m.uint8)),
            m.as_string(m.constant([0.1, 65504], m.float16)),
            m.as_string(m.constant([0.1, 3.0], m.bfloat16), shortest=True),
            m.as_string(m.constant([2**40, 3], m.uint64)),
            m.as_string(m.constant([1 + 2j, -0.5j], m.complex64), precision=1),
        ],
        separator=" ",
    ),
    "reduce_join": lambda m, w, g, x: m.strings.reduce_join(g),
    "reduce_join_axis0": lambda m, w, g, x: m.strings.reduce_join(g, 0, separator="."),
    "reduce_join_axes_order": lambda m, w, g, x: m.strings.reduce_join(g, [0, 1]),
    "reduce_join_keepdims": lambda m, w, g, x: m.reduce_join(g, -1, keep_dims=True, separator=","),
    "reduce_join_no_axes": lambda m, w, g, x: m.strings.reduce_join(g, []),
    "reduce_join_fed": lambda m, w, g, x: m.strings.reduce_join(w, 0, separator=" "),
    "unsorted_segment_join": lambda m, w, g, x: m.strings.unsorted_segment_join(
        g, [1, 0], 3, separator=":"
    ),
    "unsorted_segment_join_2d_ids": lambda m, w, g, x: m.strings.unsorted_segment_join(
        g, [[0, 1, 0], [1, 1, 0]], 2
    ),
    "unsorted_segment_join_fed": lambda m, w, g, x: m.strings.unsorted_segment_join(
        w, m.strings.length(w) % 2, 2, separator="+"
    ),
    "split_sparse": lambda m, w, g, x: m.strings.split(w),
    "split_sep": lambda m, w, g, x: m.strings.split(w, ","),
    "split_maxsplit": lambda m, w, g, x: m.strings.split(w, " ", maxsplit=1),
    "split_multichar_sep": lambda m, w, g, x: m.strings.split(w, ", "),
    "split_rank2": lambda m, w, g, x: m.strings.split(g),
    "split_scalar": lambda m, w, g, x: m.strings.split(w[0]),
    "string_split": lambda m, w, g, x: m.string_split(w),
    "string_split_chars": lambda m, w, g, x: m.string_split(w, ", "),
    "string_split_keep_empty": lambda m, w, g, x: m.string_split(w, ",", skip_empty=False),
    "string_split_bytes": lambda m, w, g, x: m.string_split(w, ""),
    "split_values_lengths": lambda m, w, g, x: m.reduce_sum(
        m.strings.length(m.strings.split(w).values)
    ),
}


def _run(mod, case):
    with mod.Graph().as_default():
        w = mod.placeholder(mod.string, [None], name="words")
        x = mod.placeholder(mod.float32, [None], name="x")
        fetch = CASES[case](mod, w, mod.constant(GRID), x)
        parts = (
            [fetch.indices, fetch.values, fetch.dense_shape]
            if hasattr(fetch, "values")
            else [fetch]
        )
        with mod.Session() as sess:
            return sess.run(fetch, {w: SENTENCES, x: X}), [_static(t) for t in parts]


@pytest.mark.parametrize("case", sorted(CASES))
def test_string_op_as_tf(case):
    (ours, ours_shapes), (theirs, theirs_shapes) = _run(tf, case), _run(T, case)
    _same(ours, theirs)
    assert ours_shapes == theirs_shapes


def test_reduce_join_static_shapes_as_tf():
    def shapes(m):
        with m.Graph().as_default():
            p = m.placeholder(m.string, [None, 3])
            axes = m.placeholder(m.int32, [1])
            return [
                _static(t)
                for t in (
                    m.strings.reduce_join(p, 1),
                    m.strings.reduce_join(p),
                    m.strings.reduce_join(p, axes),
                    m.strings.reduce_join(p, axes, keep_dims=True),
                    m.strings.unsorted_segment_join(p, [0, 1, 0], 2),
                    m.strings.unsorted_segment_join(p, m.placeholder(m.int32, [None]), 4),
                )
            ]

    assert shapes(tf) == shapes(T)


def _random_strings(n, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        size = int(rng.integers(0, 300)) if i % 4 == 0 else int(rng.integers(0, 40))
        out.append(bytes(rng.integers(0, 256, size).astype(np.uint8)))
    return [*out, b"", b"a", "\u00e9t\u00e9".encode(), b"x" * 64, b"y" * 65, b"z" * 128]


@pytest.mark.parametrize("buckets", [1, 7, 1000, 2**62 + 7])
def test_hash_buckets_equal_tfs_for_many_strings(buckets):
    strings = _random_strings(300, seed=buckets % 1000)

    def run(m):
        with m.Graph().as_default():
            s = m.placeholder(m.string, [None])
            fetch = [
                m.strings.to_hash_bucket_fast(s, buckets),
                m.strings.to_hash_bucket(s, buckets),
                m.string_to_hash_bucket(s, num_buckets=buckets),
                m.string_to_hash_bucket_fast(s, buckets),
                m.strings.to_hash_bucket_strong(s, buckets, [7, -3]),
                m.string_to_hash_bucket_strong(s, buckets, [2**62, 12345]),
                m.reduce_max(m.strings.to_hash_bucket_fast(s, buckets)) + 1,  # read by a kernel
            ]
            with m.Session() as sess:
                return sess.run(fetch, {s: strings}), [_static(t) for t in fetch]

    (ours, ours_shapes), (theirs, theirs_shapes) = run(tf), run(T)
    _same(ours, theirs)
    assert ours_shapes == theirs_shapes


def test_hash_buckets_of_a_grid_constant_as_tf():
    def run(m):
        with m.Graph().as_default():
            fetch = m.strings.to_hash_bucket_fast(m.constant(GRID), 10)
            with m.Session() as sess:
                return sess.run(fetch), _static(fetch)

    ours, theirs = run(tf), run(T)
    _same(ours[0], theirs[0])
    assert ours[1] == theirs[1] == [2, 3]


# ---- bad input --------------------------------------------------------------------------------
BAD_RUNS = {  # build(m, s), bad feed, good feed, TF's message
    "to_number_unparsable": (
        lambda m, s: m.strings.to_number(s),
        ["1.5", "12x"],
        ["1.5", "-2"],
        "StringToNumberOp could not correctly convert string: 12x",
    ),
    "to_number_empty": (
        lambda m, s: m.strings.to_number(s, out_type=m.int64),
        [""],
        ["5"],
        "StringToNumberOp could not correctly convert string: ",
    ),
    "to_number_int32_overflow": (
        lambda m, s: m.strings.to_number(s, out_type=m.int32),
        ["99999999999"],
        ["9"],
        "StringToNumberOp could not correctly convert string: 99999999999",
    ),
    "to_number_float_into_int": (
        lambda m, s: m.strings.to_number(s, out_type=m.int32) * 2,
        ["1.5"],
        ["3"],
        "StringToNumberOp could not correctly convert string: 1.5",
    ),
    "reduce_join_duplicate_axis": (
        lambda m, s: m.strings.reduce_join(m.reshape(s, [1, -1]), [0, m.size(s) - m.size(s)]),
        ["a"],
        None,
        "Duplicate reduction dimension 0",
    ),
    "reduce_join_fed_axis_out_of_range": (
        lambda m, s: m.strings.reduce_join(
            m.reshape(s, [1, -1]), m.strings.length(s[:1]) + 1, separator="+"
        ),
        ["a"],
        ["", "c"],
        "Invalid reduction dimension 2 for input with 2 dimension(s)",
    ),
    "segment_id_out_of_range": (
        lambda m, s: m.strings.unsorted_segment_join(s, m.strings.length(s), 2),
        ["a", "abc"],
        ["a", ""],
        "segment_ids are not allowed to exceed num_segments or to have negative values.",
    ),
    "as_string_fill_too_long": (
        lambda m, s: m.as_string(m.strings.length(s), fill="ab"),
        ["a"],
        None,
        "Fill string must be one or fewer characters",
    ),
    "as_string_fill_unsupported": (
        lambda m, s: m.as_string(m.cast(m.strings.length(s), m.float32), width=4, fill="x"),
        ["a"],
        None,
        'Fill argument not supported: "x"',
    ),
    "as_string_precision_of_ints": (
        lambda m, s: m.as_string(m.strings.length(s), precision=2),
        ["a"],
        None,
        "precision not supported for datatype int32",
    ),
    "as_string_scientific_and_shortest": (
        lambda m, s: m.as_string(
            m.cast(m.strings.length(s), m.float32), scientific=True, shortest=True
        ),
        ["a"],
        None,
        "Cannot select both scientific and shortest notation",
    ),
    "hash_strong_key_of_one_word": (
        lambda m, s: m.strings.to_hash_bucket_strong(s, 10, [1]),
        ["a"],
        None,
        "Key must have 2 elements",
    ),
}


def _run_error(mod, build, bad, good):
    with mod.Graph().as_default():
        s = mod.placeholder(mod.string, [None])
        y = build(mod, s)
        with mod.Session() as sess:
            with pytest.raises(mod.errors.OpError) as info:
                sess.run(y, {s: bad})
            after = sess.run(y, {s: good}) if good is not None else None
            alive = sess.run(mod.strings.length(s), {s: ["ok"]})  # the session still runs
    return type(info.value).__name__, info.value.message, after, alive


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD_RUNS))
def test_bad_input_when_run_is_tfs_error_and_the_session_keeps_working(case):
    build, bad, good, message = BAD_RUNS[case]
    ours, theirs = _run_error(tf, build, bad, good), _run_error(T, build, bad, good)
    assert ours[0] == theirs[0]
    assert ours[0] in ("InvalidArgumentError", "OutOfRangeError")
    assert message in ours[1] and message in theirs[1], (ours[1], theirs[1])
    _same(ours[2:], theirs[2:])


BAD_BUILDS = {  # (error class, build)
    "to_number_of_ints": (TypeError, lambda m: m.strings.to_number(m.constant([3]))),
    "to_number_of_python_ints": (TypeError, lambda m: m.strings.to_number([3])),
    "to_number_out_type": (TypeError, lambda m: m.strings.to_number(["1"], out_type=m.int16)),
    "hash_of_floats": (TypeError, lambda m: m.strings.to_hash_bucket_fast(m.constant([1.0]), 3)),
    "hash_string_buckets": (TypeError, lambda m: m.strings.to_hash_bucket_fast(["a"], "2")),
    "hash_zero_buckets": (ValueError, lambda m: m.strings.to_hash_bucket(["a"], 0)),
    "hash_strong_key_not_a_list": (
        TypeError,
        lambda m: m.strings.to_hash_bucket_strong(["a"], 3, 5),
    ),
    "reduce_join_of_ints": (TypeError, lambda m: m.strings.reduce_join(m.constant([1]))),
    "reduce_join_axis_out_of_range": (
        ValueError,
        lambda m: m.strings.reduce_join([["a", "b"]], 2),
    ),
    "segment_join_ids_shape": (
        ValueError,
        lambda m: m.strings.unsorted_segment_join([["a", "b", "c"]] * 2, [0, 1, 0], 2),
    ),
    "segment_join_float_ids": (
        TypeError,
        lambda m: m.strings.unsorted_segment_join(["a"], m.constant([0.0]), 2),
    ),
    "string_split_of_a_matrix": (ValueError, lambda m: m.string_split([["a b"]])),
    "string_split_of_a_scalar": (ValueError, lambda m: m.string_split("a b")),
    "split_of_ints": (ValueError, lambda m: m.strings.split(m.constant([1]))),
    "format_of_a_python_string": (TypeError, lambda m: m.strings.format("{}{}{}", "abc")),
    "format_placeholder_count": (
        ValueError,
        lambda m: m.strings.format("{}{}", [m.constant(1)]),
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD_BUILDS))
def test_bad_input_at_graph_build_is_tfs_error(case):
    cls, build = BAD_BUILDS[case]
    messages = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            with pytest.raises(cls) as info:
                build(mod)
            messages.append(str(info.value))
    if cls is TypeError:
        assert messages[0] == messages[1]
    else:  # (TF's shape errors also print the NodeDef: the reason is the same)
        head = messages[1].split(" for '")[0].split(". for")[0]
        assert head.split("\n")[0][:40] in messages[0], messages


def test_string_moves_with_fed_shapes_axes_and_indices_change_between_runs_as_tf():
    """String reshapes, expand_dims and gathers run on the host, their output shapes kept per
    op for the input shapes and small numeric values: runs that change those get TF's values."""

    def build(m):
        w = m.placeholder(m.string, [None])
        shape = m.placeholder(m.int32, [2])
        axis = m.placeholder(m.int32, [])
        idx = m.placeholder(m.int32, [None])
        out = [m.reshape(w, shape), m.expand_dims(w, axis), m.gather(w, idx)]
        return (w, shape, axis, idx), out

    words = [w.encode() for w in ["a", "bb", "ccc", "dddd", "e", "ff"]]
    runs = [
        (words, [2, 3], 0, [0, 5]),
        (words, [3, 2], 1, [5, 0, 1]),
        (words, [2, 3], -1, [0, 5]),  # (a shape seen before)
        (words[:4], [2, 2], 0, list(range(4)) * 30),  # (more indices than the cache keys on)
        (words[:4], [4, -1], 0, list(range(3, -1, -1)) * 30),
    ]
    results = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            phs, out = build(mod)
            with mod.Session() as sess:
                results.append([sess.run(out, dict(zip(phs, r))) for r in runs])
    for ours, theirs in zip(*results):
        _same(ours, theirs)
