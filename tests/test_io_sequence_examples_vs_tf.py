"""``tf.io.parse_single_sequence_example`` / ``parse_sequence_example`` with
``FixedLenSequenceFeature`` and ``VarLenFeature`` lists and context features, side by side with
TF 2.21 ``compat.v1``: values, padding, lengths, static shapes and TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1


def _seq(context=None, lists=None) -> bytes:
    s = real_tf.train.SequenceExample()
    for k, v in (context or {}).items():
        f = s.context.feature[k]
        (f.float_list if isinstance(v[0], float) else f.int64_list).value.extend(v)
    for k, steps in (lists or {}).items():
        fl = s.feature_lists.feature_list[k]
        for v in steps:
            f = fl.feature.add()
            if v is None:  # an empty step of strings
                f.bytes_list.SetInParent()
            elif isinstance(v[0], bytes):
                f.bytes_list.value.extend(v)
            elif isinstance(v[0], float):
                f.float_list.value.extend(v)
            else:
                f.int64_list.value.extend(v)
    return s.SerializeToString()


RECORDS = [
    _seq(
        {"len": [3], "w": [0.5, 1.5]},
        {"x": [[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], "tok": [[b"a"], [b"b", b"c"], None]},
    ),
    _seq({"len": [1], "w": [2.0, 3.0]}, {"x": [[7.0, 8.0]], "tok": [[b"d"]]}),
    _seq({"w": [1.0, 1.0]}, {"tok": [[b"e"], [b"f"]]}),
]


def _feats(m):
    context = {
        "len": m.io.FixedLenFeature([], m.int64, default_value=0),
        "w": m.io.FixedLenFeature([2], m.float32),
    }
    seq = {
        "x": m.io.FixedLenSequenceFeature([2], m.float32, allow_missing=True),
        "tok": m.io.VarLenFeature(m.string),
    }
    return context, seq


def _flat(d):
    out = {}
    for k, v in d.items():
        if hasattr(v, "indices"):
            out[k] = [np.asarray(x).tolist() for x in v]
        else:
            out[k] = (np.asarray(v).dtype.name, np.asarray(v).tolist())
    return out


def test_parse_sequence_example_batch_as_tf():
    got = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [None])
            c, q = _feats(mod)
            out = mod.io.parse_sequence_example(s, c, q)
            shapes = [out[1]["x"].shape.as_list(), out[0]["w"].shape.as_list()]
            with mod.Session() as sess:
                res = sess.run(out, {s: RECORDS})
            got.append([_flat(r) for r in res] + [shapes])
    assert got[0] == got[1]


@pytest.mark.parametrize("i", [0, 1, 2])
def test_parse_single_sequence_example_as_tf(i):
    got = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [])
            c, q = _feats(mod)
            out = mod.io.parse_single_sequence_example(s, c, q)
            with mod.Session() as sess:
                got.append([_flat(r) for r in sess.run(out, {s: RECORDS[i]})])
    assert got[0] == got[1]


@pytest.mark.bad_input
def test_a_required_feature_list_missing_names_it():
    for mod in (tf, T):
        with mod.Graph().as_default():
            s = mod.placeholder(mod.string, [])
            _, seq = mod.io.parse_single_sequence_example(
                s, sequence_features={"x": mod.io.FixedLenSequenceFeature([2], mod.float32)}
            )
            with mod.Session() as sess:
                with pytest.raises(mod.errors.InvalidArgumentError, match="'x'"):
                    sess.run(seq["x"], {s: RECORDS[2]})
                assert sess.run(seq["x"], {s: RECORDS[1]}).tolist() == [[7.0, 8.0]]
