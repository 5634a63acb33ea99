"""``tf.strings.ngrams`` of dense tensors side by side with TF 2.21 ``compat.v1``: widths,
separators, padding (one value or a pair, fixed or default width), short rows kept, ranks 1 to
3, fed and constant, values and static shapes; TF's errors for bad arguments."""

from __future__ import annotations

import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

ROWS = [["a", "b\u00e9", "c"], ["", "e", "f"]]
CASES = {
    "bigrams": lambda m, p: m.strings.ngrams(p, 2),
    "widths_and_separator": lambda m, p: m.strings.ngrams(p, (1, 3), separator="-"),
    "padded": lambda m, p: m.strings.ngrams(p, 2, pad_values="#"),
    "padded_pair_fixed": lambda m, p: m.strings.ngrams(
        p, 3, pad_values=("<", ">"), padding_width=1
    ),
    "too_wide": lambda m, p: m.strings.ngrams(p, 5),
    "short_kept": lambda m, p: m.strings.ngrams(p, 5, preserve_short_sequences=True),
    "short_kept_padded": lambda m, p: m.strings.ngrams(
        p, 5, pad_values="#", padding_width=1, preserve_short_sequences=True
    ),
    "several_padded": lambda m, p: m.strings.ngrams(
        p, [4, 2, 6], pad_values=("<", ">"), padding_width=2
    ),
    "vector": lambda m, p: m.strings.ngrams(p[0], 2),
    "rank3": lambda m, p: m.strings.ngrams(m.reshape(p, [1, 2, 3]), 2),
    "constant": lambda m, p: m.strings.ngrams(m.constant([["a", "b", "c"]]), 2),
    "one_token_rows": lambda m, p: m.strings.ngrams(p[:, :1], 3, pad_values="x"),
    "lengths_in_a_kernel": lambda m, p: m.reduce_sum(m.strings.length(m.strings.ngrams(p, 2))),
}


def _run(mod, case):
    with mod.Graph().as_default():
        p = mod.placeholder(mod.string, [None, 3])
        y = CASES[case](mod, p)
        with mod.Session() as sess:
            value = sess.run(y, {p: ROWS})
        return (None if y.shape.ndims is None else y.shape.as_list()), value.tolist()


@pytest.mark.parametrize("case", sorted(CASES))
def test_ngrams_as_tf(case):
    assert _run(tf, case) == _run(T, case)


@pytest.mark.bad_input
def test_bad_arguments_are_tfs_errors():
    for mod in (tf, T):
        with mod.Graph().as_default():
            with pytest.raises(ValueError, match="All ngram_widths must be greater than 0"):
                mod.strings.ngrams([["a"]], 0)
            with pytest.raises(ValueError, match="Data must have rank>0"):
                mod.strings.ngrams("a", 2)
            with pytest.raises(TypeError, match="pad_values must be a string"):
                mod.strings.ngrams(["a"], 2, pad_values=1)
            with pytest.raises(ValueError, match="pad_values must be provided"):
                mod.strings.ngrams(["a"], 2, padding_width=1)
            with pytest.raises(ValueError, match="padding_width must be greater than 0"):
                mod.strings.ngrams(["a"], 2, pad_values="x", padding_width=0)
