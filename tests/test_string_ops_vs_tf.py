"""``tf.strings``' element-wise ops side by side with TF 2.21 ``compat.v1``: join, length,
lower/upper, strip, substr, the regular expressions and base64, on fed placeholders and on
constants of several shapes (empty strings, non-ASCII UTF-8, scalars broadcast), with TF's
values and static shapes; numeric outputs read by kernels; TF's errors for bad input (at graph
build and when the graph runs), after which the session keeps working. The conversions,
reductions, splits and hashes are in test_string_ops_more_vs_tf.py."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

WORDS = [
    "cat",
    b"",
    " D\u00f6g\t",
    "h\u00e9llo w\u00f6rld",
    "a+b=c",
    "\u00c9T\u00c9 xyz",
    b"\xe2\x82\xac!",
]
GRID = [["ab", "", "\u00fcber"], [" x ", "Yes", "\u4e2d\u6587"]]

# fn(mod, s): s is a fed [None] placeholder of WORDS (or a [2, 3] constant of GRID)
CASES = {
    "join": lambda m, s: m.strings.join([s, "-", s], separator="|"),
    "join_one": lambda m, s: m.strings.join([s]),
    "string_join": lambda m, s: m.string_join([s, m.strings.upper(s)], separator=" "),
    "length": lambda m, s: m.strings.length(s),
    "length_utf8": lambda m, s: m.strings.length(s, unit="UTF8_CHAR"),
    "lower": lambda m, s: m.strings.lower(s),
    "upper": lambda m, s: m.strings.upper(s),
    "lower_utf8": lambda m, s: m.strings.lower(s, encoding="utf-8"),
    "upper_utf8": lambda m, s: m.strings.upper(s, encoding="utf-8"),
    "strip": lambda m, s: m.strings.strip(s),
    "string_strip": lambda m, s: m.string_strip(s),
    "substr": lambda m, s: m.strings.substr(s, 0, 2),
    "substr_negative_pos": lambda m, s: m.strings.substr(m.strings.join([s, "xyz"]), -3, 2),
    "substr_negative_len": lambda m, s: m.strings.substr(s, 0, -1),
    "substr_long_len": lambda m, s: m.strings.substr(s, 0, 100),
    "substr_utf8": lambda m, s: m.strings.substr(s, 0, 2, unit="UTF8_CHAR"),
    "substr_utf8_inside": lambda m, s: m.strings.substr(
        m.strings.join(["\u00e9\u00e8", s]), 1, 3, unit="UTF8_CHAR"
    ),
    "substr_top_level": lambda m, s: m.substr(s, 0, 1),
    "substr_int64": lambda m, s: m.strings.substr(
        s, m.constant(0, m.int64), m.constant(3, m.int64)
    ),
    "regex_full_match": lambda m, s: m.strings.regex_full_match(s, r"[a-z]+"),
    "regex_full_match_unicode_dot": lambda m, s: m.strings.regex_full_match(s, r"h.llo w.rld"),
    "regex_full_match_tensor": lambda m, s: m.strings.regex_full_match(s, m.constant(r".*\s.*")),
    "regex_replace": lambda m, s: m.strings.regex_replace(s, r"([a-z])([a-z])", r"\2\1"),
    "regex_replace_whole": lambda m, s: m.strings.regex_replace(s, r"[aeiou]", r"<\0>"),
    "regex_replace_first": lambda m, s: m.regex_replace(s, "[a-z]", "#", replace_global=False),
    "regex_replace_empty_matches": lambda m, s: m.strings.regex_replace(s, "x*", "-"),
    "regex_replace_backslash": lambda m, s: m.strings.regex_replace(s, r"\s", r"\\"),
    "regex_replace_tensor": lambda m, s: m.strings.regex_replace(
        s, m.constant("[A-Z]"), m.constant("_")
    ),
    "encode_base64": lambda m, s: m.encode_base64(s),
    "encode_base64_pad": lambda m, s: m.encode_base64(s, pad=True),
    "base64_roundtrip": lambda m, s: m.decode_base64(m.encode_base64(s, pad=True)),
    "decode_base64_unpadded": lambda m, s: m.decode_base64(m.encode_base64(s)),
    # numeric outputs read by kernels
    "length_sum_times_two": lambda m, s: m.reduce_sum(m.strings.length(s)) * 2,
    "length_as_float": lambda m, s: m.cast(m.strings.length(s, unit="UTF8_CHAR"), m.float32) / 2.0,
    "match_count": lambda m, s: m.reduce_sum(
        m.cast(m.strings.regex_full_match(s, ".*[a-z].*"), m.int32)
    ),
    "chained": lambda m, s: m.strings.length(m.strings.strip(m.strings.lower(s))) + 1,
}


def _run(mod, case, fed):
    with mod.Graph().as_default():
        if fed:
            s = mod.placeholder(mod.string, [None], name="words")
            fetch = CASES[case](mod, s)
            with mod.Session() as sess:
                return sess.run(fetch, {s: WORDS}), _static(fetch)
        fetch = CASES[case](mod, mod.constant(GRID))
        with mod.Session() as sess:
            return sess.run(fetch), _static(fetch)


def _static(t):
    return None if t.shape.ndims is None else t.shape.as_list()


def _same(ours, theirs):
    if isinstance(theirs, (bytes, np.bytes_)):
        assert isinstance(ours, bytes) and ours == theirs, (ours, theirs)
        return
    ours, theirs = np.asarray(ours), np.asarray(theirs)
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype, (ours, theirs)
    assert ours.tolist() == theirs.tolist()


@pytest.mark.parametrize("fed", [True, False], ids=["fed", "constant"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_string_op_as_tf(case, fed):
    (ours, ours_shape), (theirs, theirs_shape) = _run(tf, case, fed), _run(T, case, fed)
    _same(ours, theirs)
    assert ours_shape == theirs_shape


SHAPED = {
    "scalar": "h\u00e9llo",
    "empty": np.zeros((0,), object),
    "empty_2d": np.zeros((2, 0), object),
    "rank3": np.array([[["a", ""], ["\u00fc", "de"]]] * 2, object),
}


@pytest.mark.parametrize("value", sorted(SHAPED))
def test_shapes_scalars_and_empty_tensors_as_tf(value):
    def build(m, s):
        return [
            m.strings.join([s, "!"]),
            m.strings.length(s, unit="UTF8_CHAR"),
            m.strings.upper(s),
            m.strings.substr(s, 0, 1),
            m.encode_base64(s),
            m.strings.regex_replace(s, ".", "x"),
        ]

    got = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, np.shape(SHAPED[value]))
            fetch = build(mod, s)
            with mod.Session() as sess:
                got.append((sess.run(fetch, {s: SHAPED[value]}), [_static(t) for t in fetch]))
    for a, b in zip(got[0][0], got[1][0]):
        _same(a, b)
    assert got[0][1] == got[1][1]


def test_substr_broadcasts_positions_as_tf():
    def build(m):
        s = m.placeholder(m.string, [None])
        pos = m.placeholder(m.int32, [2, 1])
        n = m.placeholder(m.int32, [2, 1])
        return s, pos, n, m.strings.substr(s, pos, n)

    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s, pos, n, y = build(mod)
            with mod.Session() as sess:
                feed = {s: ["hello", "abc", "xy"], pos: [[0], [1]], n: [[2], [1]]}
                out.append((sess.run(y, feed), _static(y)))
    _same(out[0][0], out[1][0])
    assert out[0][1] == out[1][1] == [2, None]


def test_join_of_scalars_and_vectors_broadcasts_as_tf():
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            a = mod.placeholder(mod.string, [])
            b = mod.placeholder(mod.string, [3])
            y = mod.strings.join([a, b, a], separator="/")
            with mod.Session() as sess:
                out.append((sess.run(y, {a: "\u00e9", b: ["1", "", "3"]}), _static(y)))
    _same(out[0][0], out[1][0])
    assert out[0][1] == out[1][1] == [3]


def test_op_types_and_attributes_as_tf():
    def types(mod):
        with mod.Graph().as_default() as g:
            s = mod.placeholder(mod.string, [None])
            mod.strings.regex_replace(s, "a", "b")
            mod.strings.regex_replace(s, mod.constant("a"), "b")
            mod.strings.regex_full_match(s, "a")
            mod.strings.length(s, unit="UTF8_CHAR")
            mod.encode_base64(s, pad=True)
            return [(op.type, op.name) for op in g.get_operations() if op.type != "Const"]

    assert types(tf) == types(T)


# ---- bad input --------------------------------------------------------------------------------
def _run_error(mod, build, bad, good):
    """(error class name, message) of running ``build(mod, s)`` on ``bad``, and the value of a
    run of the same graph on ``good`` after it."""
    with mod.Graph().as_default():
        s = mod.placeholder(mod.string, [None])
        y = build(mod, s)
        with mod.Session() as sess:
            with pytest.raises(mod.errors.OpError) as info:
                sess.run(y, {s: bad})
            after = sess.run(y, {s: good}) if good is not None else None
    return type(info.value).__name__, info.value.message, after


BAD_RUNS = {  # build, bad feed, good feed (None: the graph fails whatever is fed), TF's message
    "substr_pos_past_end": (
        lambda m, s: m.strings.substr(s, 3, 1),
        ["hello", "ab"],
        ["hello", "abc"],
        "pos 3 out of range for string b'ab' at index 1",
    ),
    "substr_negative_pos_past_start": (
        lambda m, s: m.strings.substr(s, -6, 1),
        ["hello"],
        ["\u00e9t\u00e9 ok"],
        "pos -6 out of range for string b'hello' at index 0",
    ),
    "substr_utf8_pos_past_end": (
        lambda m, s: m.strings.substr(s, 6, 1, unit="UTF8_CHAR"),
        [b"h\xc3\xa9llo!", b"\xff\xfe"],
        [b"h\xc3\xa9llo!"],
        "pos 6 out of range for string at index 1",
    ),
    "decode_base64_bad_character": (
        lambda m, s: m.decode_base64(s),
        ["YWJj", "a$bc"],
        ["YWJj", "w6k"],
        "Invalid character found in base64.",
    ),
    "decode_base64_standard_alphabet": (
        lambda m, s: m.decode_base64(s),
        ["a+/b"],
        ["a-_b"],
        "Invalid character found in base64.",
    ),
    "decode_base64_bad_length": (
        lambda m, s: m.decode_base64(s),
        ["abcde"],
        ["abcdef"],
        "Base64 string length cannot be 1 modulo 4.",
    ),
    "regex_invalid_pattern": (
        lambda m, s: m.strings.regex_full_match(s, "(a"),
        ["a"],
        None,
        "Invalid pattern: (a, error: ",
    ),
    "regex_invalid_pattern_fed": (
        lambda m, s: m.strings.regex_replace(s, s[0], "x"),
        ["(a", "b"],
        ["a", "bab"],
        "Invalid pattern: (a, error: ",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD_RUNS))
def test_bad_input_when_run_is_tfs_error_and_the_session_keeps_working(case):
    build, bad, good, message = BAD_RUNS[case]
    ours, theirs = _run_error(tf, build, bad, good), _run_error(T, build, bad, good)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert message in ours[1] and message in theirs[1], (ours[1], theirs[1])
    if good is not None:
        _same(ours[2], theirs[2])


def test_bad_utf8_is_counted_as_tf_counts_it():
    """UTF8_CHAR lengths and substrings count every byte that is no continuation byte as a
    character, as TF's kernels do (no error for invalid UTF-8)."""
    bad = [b"h\xffllo", b"\x80\x80a", b"\xc3"]
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = [mod.strings.length(s, unit="UTF8_CHAR"), mod.strings.substr(s, 0, 2, "UTF8_CHAR")]
            with mod.Session() as sess:
                out.append(sess.run(y, {s: bad}))
    for a, b in zip(*out):
        _same(a, b)


BAD_BUILDS = {
    "length_of_ints": lambda m: m.strings.length(m.constant([1, 2])),
    "length_of_python_ints": lambda m: m.strings.length([1, 2]),
    "join_with_an_int_tensor": lambda m: m.strings.join(["a", m.constant(3)]),
    "substr_float_pos": lambda m: m.strings.substr(["a"], 1.0, 2),
    "substr_mixed_index_types": lambda m: m.strings.substr(
        ["a"], m.constant(1), m.constant(2, m.int64)
    ),
    "upper_of_floats": lambda m: m.strings.upper(m.constant([1.5])),
    "base64_of_ints": lambda m: m.encode_base64(m.constant([1])),
    "regex_of_ints": lambda m: m.strings.regex_full_match(m.constant([1]), "a"),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD_BUILDS))
def test_wrong_dtypes_are_tfs_type_error_at_graph_build(case):
    messages = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            with pytest.raises(TypeError) as info:
                BAD_BUILDS[case](mod)
            messages.append(str(info.value))
    assert messages[0] == messages[1]


@pytest.mark.bad_input
def test_bad_attributes_and_shapes_at_graph_build_as_tf():
    for mod in (tf, T):
        with mod.Graph().as_default():
            with pytest.raises(ValueError, match="Attr 'unit' of 'StringLength' Op passed"):
                mod.strings.length(["a"], unit="CHAR")
            with pytest.raises(ValueError, match="Attr 'unit' of 'Substr' Op passed"):
                mod.strings.substr(["a"], 0, 1, unit="CHAR")
            with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
                mod.strings.join([["a", "b"], ["c", "d", "e"]])
            with pytest.raises(ValueError, match="Shape must be rank 0 but is rank 2"):
                mod.strings.substr([["hello", "abc"]], [[1], [2]], 1)
            with pytest.raises(ValueError, match="Dimensions must be equal, but are 2 and 3"):
                mod.strings.substr(["hello", "abc"], [1, 2, 3], [1, 1, 1])


CASE_WORDS = [
    "stra\u00dfe",
    "\u039f\u0394\u039f\u03a3 \u039f\u0394\u039f\u03a3",
    "\u0130stanbul",
    "\u01c5",
]
CASE_WORDS += ["\ufb01", "\u0149", "\u0390", b"a\xffb"]


@pytest.mark.parametrize("encoding", ["utf-8", ""])
def test_case_mappings_beyond_ascii_as_tf(encoding):
    """Full case mappings (sharp s, final sigma, dotted I, ligatures, titlecase digraphs) with
    ``encoding="utf-8"``; ASCII letters only without; invalid UTF-8 replaced as TF replaces it."""
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = [mod.strings.lower(s, encoding=encoding), mod.strings.upper(s, encoding=encoding)]
            with mod.Session() as sess:
                out.append([v.tolist() for v in sess.run(y, {s: CASE_WORDS})])
    assert out[0] == out[1]


def _run_pair(mod, build, a, b, pos):
    with mod.Graph().as_default():
        s = mod.placeholder(mod.string, [None])
        t = mod.placeholder(mod.string, [None])
        p = mod.placeholder(mod.int32, [None, 1])
        y = build(mod, s, t, p)
        with mod.Session() as sess:
            with pytest.raises(mod.errors.OpError) as info:
                sess.run(y, {s: a, t: b, p: pos})
            return type(info.value).__name__, info.value.message


BAD_SHAPED_RUNS = {  # build, fed (words, other words, positions), TF's message
    "join_shapes_differ": (
        lambda m, s, t, p: m.strings.join([s, t]),
        (["a", "b"], ["c"], [[0]]),
        "Input shapes do not match: [2] vs. [1]",
    ),
    "substr_broadcast_pos_past_end": (
        lambda m, s, t, p: m.strings.substr(s, p, p),
        (["ab", "c"], [], [[0], [3]]),
        "pos 3 out of range for string b'ab' at index (1, 0)",
    ),
    "substr_broadcast_utf8_pos_past_end": (
        lambda m, s, t, p: m.strings.substr(s, p, p, unit="UTF8_CHAR"),
        (["ab", "c"], [], [[0], [1], [2]]),
        "pos 2 out of range for string at index 2",
    ),
    "substr_elementwise_pos_past_end": (
        lambda m, s, t, p: m.strings.substr(s, m.reshape(p, [-1]), m.reshape(p, [-1])),
        (["ab", "c"], [], [[0], [3]]),
        "pos 3 out of range for string b'c' at index 1",
    ),
    "substr_broadcast_rank3": (
        lambda m, s, t, p: m.strings.substr(
            m.reshape(s, [1, 1, -1]), m.reshape(p, [1, -1, 1]), m.reshape(p, [1, -1, 1])
        ),
        (["ab", "c"], [], [[0], [1]]),
        "Substr broadcast not implemented for 3 dimensions",
    ),
    "segment_ids_shape": (
        lambda m, s, t, p: m.strings.unsorted_segment_join(s, m.strings.length(t), 2),
        (["ab", "c"], ["a"], [[0]]),
        "Segment dimension is 1 while input dimension is 1 in rank 0",
    ),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("case", sorted(BAD_SHAPED_RUNS))
def test_fed_shapes_that_do_not_fit_are_tfs_errors(case):
    build, (a, b, pos), message = BAD_SHAPED_RUNS[case]
    ours, theirs = _run_pair(tf, build, a, b, pos), _run_pair(T, build, a, b, pos)
    assert ours[0] == theirs[0]
    assert message in ours[1] and message in theirs[1], (ours[1], theirs[1])
