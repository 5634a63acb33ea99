"""RE2 patterns (TF's regular expressions) side by side with TF 2.21 ``compat.v1``: the syntax
both engines share, RE2's own (``\\z``, ``$`` at the end of text only, ``\\Q...\\E``,
``\\x{...}``, POSIX classes, named groups, literal braces) translated for Python's ``re``, and the
constructs RE2 rejects (lookaround, backreferences, ``\\Z``, possessive repetitions) rejected
with RE2's reason."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

TEXTS = ["ab", "abc\n", "a{,3}", "A1_b", "x.y", "\u00e9t\u00e9", "", "a\nb", "[x]", "aaa", "A-Z"]
PATTERNS = [
    r"[a-z]+",
    r"a.c",
    r"ab$",
    r"abc$",
    r"abc\n$",
    r"(?m)^b$|a",
    r"ab\z",
    r"\Aa.*",
    r"a{,3}",
    r"a{2}",
    r"a{1,}?",
    r"\Qx.y\E",
    r"\x{e9}t\x{E9}",
    r"\x41.*",
    r"[[:alpha:]]+",
    r"[[:upper:][:digit:]_[:lower:]]+",
    r"[^[:space:]]+",
    r"(?P<first>a)(?P<rest>.*)",
    r"[\[x\]]+",
    r"[&~|]",
    r"\bA\w*",
    r"\d\D\w\W\s\S",
    r"(?i)AB",
    r"(?s)a.b",
    r"a.b",
    r"A\-Z",
    r"[a-]+",
    r"a*?",
    r"a??",
    r"a{1,2}?b?",
    r"(a|b)+",
    r"\.",
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_pattern_matches_and_replaces_as_tf(pattern):
    out = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = [
                mod.strings.regex_full_match(s, pattern),
                mod.strings.regex_replace(s, pattern, "<\\0>"),
                mod.strings.regex_replace(s, pattern, "#", replace_global=False),
            ]
            with mod.Session() as sess:
                out.append([np.asarray(v).tolist() for v in sess.run(y, {s: TEXTS})])
    assert out[0] == out[1]


REJECTED = {
    r"a(?=b)": "invalid perl operator: (?=",
    r"(?!a)b": "invalid perl operator: (?!",
    r"(?<=a)b": "invalid perl operator: (?<",
    r"(?<!a)b": "invalid perl operator: (?<",
    r"(a)\1": "invalid escape sequence: \\1",
    r"(?P<x>a)(?P=x)": "invalid perl operator: (?P",
    r"(?<name>a)": "invalid perl operator: (?<",
    r"a*+": "bad repetition operator: *+",
    r"a{2}+": "bad repetition operator: {2}+",
    r"a{2}*": "bad repetition operator: {2}*",
    r"a**": "bad repetition operator: **",
    r"a+?+": "bad repetition operator: +?+",
    r"(?>a)": "invalid perl operator: (?>",
    r"(a)?(?(1)b|c)": "invalid perl operator: (?(",
    r"\Aa\Z": "invalid escape sequence: \\Z",
}


@pytest.mark.bad_input
@pytest.mark.parametrize("pattern", sorted(REJECTED))
def test_patterns_re2_rejects_are_tfs_error(pattern):
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            y = mod.strings.regex_full_match(s, pattern)
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError) as info:
                    sess.run(y, {s: ["ab"]})
                want = f"Invalid pattern: {pattern}, error: {REJECTED[pattern]}"
                assert want in info.value.message, info.value.message
                ok = sess.run(mod.strings.regex_full_match(s, "a."), {s: ["ab"]})
                assert ok.tolist() == [True]  # (the session keeps working)
