"""``tf.strings.unicode_transcode`` and ``tf.strings.unicode_encode`` (of dense tensors) side by
side with TF 2.21 ``compat.v1``: encodings in and out, invalid UTF-8 replaced, dropped or an
error, control characters, invalid code points, static shapes, and the session working after an
error."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

TEXTS = [b"h\xc3\xa9llo", b"\xff", b"a\x01\tb", b"\xe2\x82", b"", "\u4e2d\U0001f600".encode()]
CODES = np.array([[104, 233, 0x4E2D], [-1, 0x110000, 0xD800], [0x1F600, 0, 10]], np.int32)

CASES = {
    "utf8_to_utf16": lambda m, s, c: m.strings.unicode_transcode(s, "UTF-8", "UTF-16-BE"),
    "utf8_to_utf32_ignore": lambda m, s, c: m.strings.unicode_transcode(
        s, "UTF-8", "UTF-32-BE", errors="ignore"
    ),
    "controls_replaced": lambda m, s, c: m.strings.unicode_transcode(
        s, "UTF-8", "UTF-8", replacement_char=63, replace_control_characters=True
    ),
    "latin1_in": lambda m, s, c: m.strings.unicode_transcode(s, "ISO-8859-1", "UTF-8"),
    "ascii_in": lambda m, s, c: m.strings.unicode_transcode(s, "US-ASCII", "UTF-8"),
    "roundtrip": lambda m, s, c: m.strings.unicode_transcode(
        m.strings.unicode_transcode(s, "UTF-8", "UTF-16-BE"), "UTF-16-BE", "UTF-8"
    ),
    "transcode_length": lambda m, s, c: (
        m.reduce_sum(m.strings.length(m.strings.unicode_transcode(s, "UTF-8", "UTF-32-BE"))) // 4
    ),
    "encode_utf8": lambda m, s, c: m.strings.unicode_encode(c, "UTF-8"),
    "encode_utf16_ignore": lambda m, s, c: m.strings.unicode_encode(
        c, "UTF-16-BE", errors="ignore"
    ),
    "encode_utf32_replacement": lambda m, s, c: m.strings.unicode_encode(
        c, "UTF-32-BE", replacement_char=65
    ),
    "encode_row": lambda m, s, c: m.strings.unicode_encode(c[0], "UTF-8"),
    "encode_rank3": lambda m, s, c: m.strings.unicode_encode(m.reshape(c, [3, 1, 3]), "UTF-8"),
    "encode_constant": lambda m, s, c: m.strings.unicode_encode(
        m.constant([[65, 66]] * 2), "UTF-8"
    ),
    "encode_empty_rows": lambda m, s, c: m.strings.unicode_encode(c[:, :0], "UTF-8"),
}


def _run(mod, case):
    with mod.Graph().as_default():
        s = mod.placeholder(mod.string, [None])
        c = mod.placeholder(mod.int32, [None, None])
        y = CASES[case](mod, s, c)
        with mod.Session() as sess:
            value = sess.run(y, {s: TEXTS, c: CODES})
        return value, (None if y.shape.ndims is None else y.shape.as_list())


@pytest.mark.parametrize("case", sorted(CASES))
def test_unicode_op_as_tf(case):
    (ours, ours_shape), (theirs, theirs_shape) = _run(tf, case), _run(T, case)
    if isinstance(theirs, bytes):
        assert ours == theirs
    else:
        ours, theirs = np.asarray(ours), np.asarray(theirs)
        assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()
    assert ours_shape == theirs_shape


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda m, s, c: m.strings.unicode_transcode(s, "UTF-8", "UTF-8", errors="strict"),
            "Invalid formatting on input string",
        ),
        (
            lambda m, s, c: m.strings.unicode_encode(c, "UTF-8", errors="strict"),
            "Code point is out of range for Unicode, or is a surrogate.",
        ),
    ],
    ids=["transcode_strict", "encode_strict"],
)
def test_strict_errors_are_tfs_and_the_session_keeps_working(build, message):
    after = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            c = mod.placeholder(mod.int32, [None, None])
            y = build(mod, s, c)
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError) as info:
                    sess.run(y, {s: TEXTS, c: CODES})
                assert message in info.value.message
                after.append(sess.run(y, {s: ["ok \u00e9"], c: [[104, 105]]}).tolist())
    assert after[0] == after[1]


@pytest.mark.bad_input
def test_bad_attributes_and_dtypes_at_graph_build_as_tf():
    for mod in (tf, T):
        with mod.Graph().as_default():
            with pytest.raises(ValueError, match="Attr 'output_encoding' of 'UnicodeTranscode'"):
                mod.strings.unicode_transcode(["a"], "UTF-8", "latin1")
            with pytest.raises(ValueError, match="Attr 'errors' of 'UnicodeTranscode'"):
                mod.strings.unicode_transcode(["a"], "UTF-8", "UTF-8", errors="skip")
            with pytest.raises(ValueError, match="Attr 'output_encoding' of 'UnicodeEncode'"):
                mod.strings.unicode_encode([[65]], "UTF-7")
            with pytest.raises(TypeError, match="'UnicodeTranscode' Op has type int32"):
                mod.strings.unicode_transcode(mod.constant([1]), "UTF-8", "UTF-8")
