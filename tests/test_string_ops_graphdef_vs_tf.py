"""Graphs of ``tf.strings`` ops written as a GraphDef (``Graph.as_graph_def``) run in TF 2.21
with the values they have here: each op's NodeDef carries TF's op type and attributes (``N`` of
StringJoin, ``T`` of AsString and StringFormat, ``Tsplits`` ...), and the composite ops
(unicode_encode, ngrams, split of a matrix) are made of ops TF reads; and TF's GraphDefs of the
same graphs run here (``tf.import_graph_def``) with TF's values."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1

FEED = ["ab", "c,d a", "h\u00e9", ""]
BUILDERS = {
    "join": lambda m, s: m.strings.join([s, "x", s], "-"),
    "length": lambda m, s: m.strings.length(s, unit="UTF8_CHAR") * 2,
    "upper": lambda m, s: m.strings.upper(s, encoding="utf-8"),
    "strip": lambda m, s: m.strings.strip(s),
    "substr": lambda m, s: m.strings.substr(s, 0, 2),
    "base64": lambda m, s: m.decode_base64(m.encode_base64(s, pad=True)),
    "regex_full_match": lambda m, s: m.strings.regex_full_match(s, "[a-z]+"),
    "regex_replace_static": lambda m, s: m.strings.regex_replace(s, "a", "b", False),
    "regex_replace": lambda m, s: m.strings.regex_replace(s, m.constant("a"), "b"),
    "to_number_as_string": lambda m, s: m.strings.to_number(
        m.as_string(m.strings.length(s), width=3), m.int64
    ),
    "format": lambda m, s: m.strings.format("{} {}", [s, m.strings.length(s)]),
    "reduce_join": lambda m, s: m.strings.reduce_join(s, 0, separator=","),
    "unsorted_segment_join": lambda m, s: m.strings.unsorted_segment_join(s, [0, 1, 0, 1], 2),
    "hash_buckets": lambda m, s: (
        m.strings.to_hash_bucket_strong(s, 10, [1, 2])
        + m.strings.to_hash_bucket_fast(s, 10)
        + m.strings.to_hash_bucket(s, 10)
    ),
    "split": lambda m, s: m.strings.split(s).values,
    "split_matrix": lambda m, s: m.strings.split(m.reshape(s, [2, -1])).indices,
    "string_split": lambda m, s: m.string_split(s, ",").indices,
    "unicode_transcode": lambda m, s: m.strings.unicode_transcode(s, "UTF-8", "UTF-16-BE"),
    "unicode_encode": lambda m, s: m.strings.unicode_encode(
        m.reshape(m.strings.length(s), [2, 2]), "UTF-8"
    ),
    "ngrams": lambda m, s: m.strings.ngrams(m.reshape(s, [2, -1]), 2, pad_values="#"),
}


@pytest.mark.parametrize("case", sorted(BUILDERS))
def test_graph_def_runs_in_tf_with_our_values(case):
    with tf.Graph().as_default() as g:
        s = tf.placeholder(tf.string, [None], name="s")
        y = tf.identity(BUILDERS[case](tf, s), name="y")
        with tf.Session() as sess:
            ours = sess.run(y, {s: FEED})
        data = g.as_graph_def().SerializeToString()
    with T.Graph().as_default():
        T.import_graph_def(T.GraphDef.FromString(data), name="")
        with T.Session() as sess:
            theirs = sess.run("y:0", {"s:0": FEED})
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype
    assert np.asarray(ours).tolist() == np.asarray(theirs).tolist()


# TF's split of a matrix goes through RaggedTensor ops (Size, ...) beyond the string ops
READ_BACK = sorted(set(BUILDERS) - {"split_matrix"})


@pytest.mark.parametrize("case", READ_BACK)
def test_tfs_graph_def_runs_here_with_tfs_values(case):
    with T.Graph().as_default() as g:
        s = T.placeholder(T.string, [None], name="s")
        y = T.identity(BUILDERS[case](T, s), name="y")
        with T.Session() as sess:
            theirs = sess.run(y, {s: FEED})
        data = g.as_graph_def().SerializeToString()
    with tf.Graph().as_default():
        tf.import_graph_def(tf.GraphDef.FromString(data), name="")
        with tf.Session() as sess:
            ours = sess.run("y:0", {"s:0": FEED})
    assert np.asarray(ours).dtype == np.asarray(theirs).dtype
    assert np.asarray(ours).tolist() == np.asarray(theirs).tolist()
