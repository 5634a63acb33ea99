"""tf.strings.bytes_split, unicode_decode(_with_offsets) and unicode_split(_with_offsets), and the
RaggedTensor they return, side by side with TF 2.21 compat.v1 (graph mode) on the same inputs:
scalars, vectors and matrices of strings; valid, invalid and truncated UTF-8, UTF-16-BE and
UTF-32-BE; every ``errors`` mode, replacement characters and control characters.
"""

import numpy as np
import pytest

import tflite_core as tf

real_tf = pytest.importorskip("tensorflow")
v1 = real_tf.compat.v1

WORDS = [
    "hello",
    "",
    "h\u00e9llo w\u00f6rld",
    "\u65e5\u672c\u8a9e",
    "emoji \U0001f600!",
    "tab\there\n",
]
INVALID_UTF8 = [
    b"\xe2\x28\xa1",  # a 3-byte lead, then ASCII, then a stray continuation
    b"\xc0\xaf",  # an overlong form
    b"ab\xf0\x90\x80",  # a truncated 4-byte sequence at the end
    b"\xed\xa0\x80x",  # an encoded surrogate
    b"\xff\xfe ok",
    b"\xf4\x90\x80\x80",  # past U+10FFFF
]


def both(build, inputs):
    """build(tf_module, inputs) run by both libraries: (ours, TF's) values."""
    ours = tf.Session(graph=tf.Graph())
    with ours.graph.as_default():
        mine = ours.run(build(tf, inputs))
    g = real_tf.Graph()
    with g.as_default():
        theirs = v1.Session(graph=g).run(build(v1, inputs))
    return mine, theirs


def as_py(v):
    if isinstance(v, (tuple, list)):
        return [as_py(x) for x in v]
    if hasattr(v, "to_list"):
        return v.to_list()
    return np.asarray(v).tolist()


def assert_same(build, inputs):
    mine, theirs = both(build, inputs)
    assert as_py(mine) == as_py(theirs)
    return mine


SHAPES = {
    "scalar": lambda w: w[2],
    "vector": lambda w: w,
    "matrix": lambda w: [w[:3], w[3:6]],
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_unicode_decode_and_split_of_valid_utf8(shape):
    x = SHAPES[shape](WORDS)
    for fn in ("unicode_decode", "unicode_decode_with_offsets", "unicode_split",
               "unicode_split_with_offsets"):  # fmt: skip
        mine = assert_same(lambda m, x, fn=fn: getattr(m.strings, fn)(x, "UTF-8"), x)
    assert isinstance(mine[0], np.ndarray) if shape == "scalar" else hasattr(mine[0], "to_list")


@pytest.mark.parametrize("errors", ["replace", "ignore"])
@pytest.mark.parametrize("replacement_char", [65533, 63])
def test_unicode_decode_of_invalid_utf8(errors, replacement_char):
    def build(m, x):
        return m.strings.unicode_decode_with_offsets(
            x, "UTF-8", errors=errors, replacement_char=replacement_char
        )

    assert_same(build, INVALID_UTF8)

    def split(m, x):
        return m.strings.unicode_split(x, "UTF-8", errors=errors, replacement_char=replacement_char)

    assert_same(split, INVALID_UTF8)


def test_control_characters_replaced():
    def build(m, x):
        return m.strings.unicode_decode(
            x, "UTF-8", replace_control_characters=True, replacement_char=35
        )

    assert_same(build, ["a\tb\nc\x00d", "\x1f\x20"])


@pytest.mark.parametrize("encoding", ["UTF-16-BE", "UTF-32-BE"])
def test_wide_encodings(encoding):
    codec = encoding.lower()
    x = [w.encode(codec) for w in WORDS]
    assert_same(lambda m, x: m.strings.unicode_decode_with_offsets(x, encoding), x)
    assert_same(lambda m, x: m.strings.unicode_split_with_offsets(x, encoding), x)
    bad = (
        [b"\xd8\x00\x00a", b"\x00a\xdc\x00", b"\x00a\x00"]
        if encoding == "UTF-16-BE"
        else [b"\x00\x11\x00\x00", b"\x00\x00\xd8\x00", b"\x00\x00\x00a\x00"]
    )
    assert_same(lambda m, x: m.strings.unicode_decode_with_offsets(x, encoding), bad)


def test_latin1():
    x = ["caf\u00e9".encode("latin-1"), b"\xff\x80"]
    assert_same(lambda m, x: m.strings.unicode_decode_with_offsets(x, "ISO-8859-1"), x)


def test_strict_errors_and_unknown_encodings_are_errors():
    for build, x in (
        (lambda m, x: m.strings.unicode_decode(x, "UTF-8", errors="strict"), [b"ok", b"\xff"]),
        (lambda m, x: m.strings.unicode_decode(x, "NOT-AN-ENCODING"), ["a"]),
    ):
        with (
            tf.Graph().as_default(),
            tf.Session() as sess,
            pytest.raises(tf.errors.InvalidArgumentError) as mine,
        ):
            sess.run(build(tf, x))
        with (
            real_tf.Graph().as_default(),
            v1.Session() as sess,
            pytest.raises(real_tf.errors.InvalidArgumentError) as theirs,
        ):
            sess.run(build(v1, x))
        assert mine.value.message.split(" [")[0] in theirs.value.message
    # the session goes on after the error
    with tf.Graph().as_default(), tf.Session() as sess:
        bad = tf.strings.unicode_decode([b"\xff"], "UTF-8", errors="strict")
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(bad)
        assert sess.run(tf.strings.unicode_decode(["ok"], "UTF-8")).to_list() == [[111, 107]]
    with pytest.raises(ValueError):
        tf.strings.unicode_decode(["a"], "UTF-8", errors="loose")


@pytest.mark.parametrize("shape", list(SHAPES))
def test_bytes_split(shape):
    x = SHAPES[shape](WORDS)
    assert_same(lambda m, x: m.strings.bytes_split(x), x)


def test_ragged_tensor_factories_and_methods():
    def build(m, _):
        rt = m.RaggedTensor.from_row_splits([3, 1, 4, 1, 5, 9], row_splits=[0, 2, 2, 5, 6])
        rl = m.RaggedTensor.from_row_lengths([1.5, 2.5, 3.5], row_lengths=[0, 2, 1])
        rv = m.RaggedTensor.from_value_rowids(["a", "b", "c"], value_rowids=[0, 0, 3], nrows=5)
        nested = m.RaggedTensor.from_nested_row_splits([1, 2, 3, 4], ([0, 1, 3], [0, 2, 3, 4]))
        dense = m.RaggedTensor.from_tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], ragged_rank=2)
        return [rt, rl, rv, nested, dense, rt.row_lengths(), rt.nrows(), rt.value_rowids(),
                rt.to_tensor(), rl.to_tensor(default_value=-1.0), rv.to_tensor(default_value="?"),
                rt.with_values(rt.values * 2)]  # fmt: skip

    mine = assert_same(build, None)
    assert [m.ragged_rank for m in mine[:5]] == [1, 1, 1, 2, 2]
    rt = mine[0]
    np.testing.assert_array_equal(rt.row_splits, [0, 2, 2, 5, 6])
    np.testing.assert_array_equal(rt.values, [3, 1, 4, 1, 5, 9])
    assert rt.shape == (4, None)
    with pytest.raises(ValueError, match="constructor is private"):
        tf.RaggedTensor([1], [0, 1])
