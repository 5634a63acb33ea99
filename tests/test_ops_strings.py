"""The op table's rows of the string ops (``tf.strings``: HOST ops run in Python on object
arrays of ``bytes``): each op on drawn strings against a Python reference (``str``/``bytes``
methods, ``re``, ``base64``), the hash buckets against values TF 2.21 computes. Every row gets
the table's checks (``op_table.table_tests``); the behaviour beside TF is tested in
test_string_ops_vs_tf.py and test_string_ops_more_vs_tf.py."""

from __future__ import annotations

import base64
import re

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import F32, F64, I32, I64, Row, table_tests

import tflite_core as tf

WORDS = [
    "",
    "a",
    "cat",
    "Dog",
    " pad\t",
    "h\u00e9llo w\u00f6rld",
    "a+b",
    "xyz abc",
    "\u00c9t\u00c9",
]
ASCII = ["", "a", "cat", "Dog", " pad\t", "a+b", "xyz abc", "AbC"]
SWAP = (("", ""),)  # (no rewrite)

# strings and (to_hash_bucket_fast, to_hash_bucket, to_hash_bucket_strong with key [7, -3]) of
# them into 2**40 buckets, as TF 2.21 computes them
_HASHES = {
    b"": (254201053263, 142163811899, 224758292139),
    b"a": (436859794915, 825286642172, 1002576130390),
    b"cat": (252153007832, 722109859607, 847652691726),
    b"h\xc3\xa9llo w\xc3\xb6rld": (45473679507, 754746796818, 182985798073),
    b"TensorFlow": (913356522190, 866481230856, 641437191974),
    b"x" * 40: (750220033172, 981047645333, 78049898807),
    b"the quick brown fox jumps over the lazy dog!" * 2: (276220945185, 896253844055, 181211843355),
}


def _strings(ctx, shape=None, pool=WORDS):
    shape = ctx.shape() if shape is None else shape
    flat = ctx.draw(
        st.lists(
            st.sampled_from(pool),
            min_size=int(np.prod(shape, dtype=int)),
            max_size=int(np.prod(shape, dtype=int)),
        )
    )
    return np.array([w.encode() for w in flat] or [], dtype=object).reshape(shape)


def _each(fn, dtype=object):
    def ref(x, *rest, **kw):
        out = np.empty(x.shape, dtype)
        for i, s in np.ndenumerate(x):
            out[i] = fn(
                s,
                *[r[i] if isinstance(r, np.ndarray) and r.shape == x.shape else r for r in rest],
                **kw,
            )
        return out[()] if out.ndim == 0 and dtype is object else out  # (a scalar: bytes)

    return ref


def _one(ctx, pool=WORDS):
    return [_strings(ctx, pool=pool)], {}


def _pair(ctx):
    shape = ctx.shape()
    return [_strings(ctx, shape), _strings(ctx, shape)], {}


def _units(ctx):
    return [_strings(ctx)], {"unit": ctx.draw(st.sampled_from(["BYTE", "UTF8_CHAR"]))}


def _length_ref(x, unit):
    return _each(lambda s: len(s.decode()) if unit == "UTF8_CHAR" else len(s), np.int32)(x)


def _substr_draw(ctx):
    long = ["cat", "Dog", "xyz abc", "h\u00e9llo", "AbC"]
    return [_strings(ctx, pool=long)], {
        "pos": ctx.draw(st.integers(-3, 3)),
        "n": ctx.draw(st.integers(-1, 4)),
    }


def _substr_ref(x, pos, n):
    def one(s):
        p = pos + len(s) if pos < 0 else pos
        return s[p:] if n < 0 else s[p : p + n]

    return _each(one)(x)


def _regex_draw(ctx):
    return [_strings(ctx), np.array(b"[a-z]+( [a-z]+)?", dtype=object)], {}


def _numbers_draw(ctx):
    v = ctx.values(ctx.shape(), dtype=F64)
    return [np.array([repr(float(f)).encode() for f in v.reshape(-1)], object).reshape(v.shape)], {
        "out_type": ctx.draw(st.sampled_from([tf.float32, tf.float64]))
    }


def _as_string_draw(ctx):
    return [ctx.values(ctx.shape())], {"precision": ctx.draw(st.integers(-1, 4))}


def _as_string_ref(x, precision):
    if x.dtype.kind in "iu":
        return _each(lambda v: b"%d" % int(v))(x)
    fmt = "%f" if precision < 0 else f"%.{precision}f"
    return _each(lambda v: (fmt % float(v)).encode())(x)


def _format_draw(ctx):
    return [ctx.grid((ctx.draw(st.integers(1, 6)),), dtype=I64)], {}


def _format_ref(x):
    return b"v=[" + b" ".join(b"%d" % v for v in x) + b"]"


def _reduce_draw(ctx):
    shape = ctx.shape(min_dims=2, max_dims=2)
    return [_strings(ctx, shape)], {"axis": ctx.draw(st.sampled_from([0, 1, -1, [0, 1], [1, 0]]))}


def _reduce_ref(x, axis):
    axes = [a % 2 for a in (axis if isinstance(axis, list) else [axis])]
    kept = [i for i in range(2) if i not in axes]
    joined = int(np.prod([x.shape[a] for a in axes]))
    moved = np.transpose(x, kept + axes[::-1]).reshape([x.shape[i] for i in kept] + [joined])
    out = np.empty(moved.shape[:-1], object)
    for i in np.ndindex(out.shape):
        out[i] = b",".join(moved[i])
    return out if out.ndim else out[()]


def _segments_draw(ctx):
    n = ctx.draw(st.integers(1, 6))
    ids = np.array(ctx.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)), np.int32)
    return [_strings(ctx, (n,)), ids], {}


def _segments_ref(x, ids):
    out = np.empty((3,), object)
    for k in range(3):
        acc = b""
        for s, i in zip(x, ids):  # (as TF's kernel: an empty result so far takes s alone)
            if i == k:
                acc = s if not acc else acc + b"|" + s
        out[k] = acc
    return out


def _hash_draw(ctx):
    keys = ctx.draw(st.lists(st.sampled_from(sorted(_HASHES)), min_size=0, max_size=6))
    return [np.array(keys, dtype=object)], {}


def _hash_ref(which):
    return lambda x: np.array([_HASHES[s][which] for s in x], np.int64)


def _split_draw(ctx):
    n = ctx.draw(st.integers(1, 5))
    return [_strings(ctx, (n,), pool=["", "a b", " a,b  c ", "x,,y", "\u00e9 \u00e8"])], {}


def _sparse(rows):
    idx = [(i, j) for i, r in enumerate(rows) for j in range(len(r))]
    vals = [t for r in rows for t in r]
    return [
        np.array(idx, np.int64).reshape(-1, 2),
        np.array(vals, object).reshape(-1),
        np.array([len(rows), max((len(r) for r in rows), default=0)], np.int64),
    ]


def _split_v1_ref(x):
    return _sparse([[t for t in re.split(rb"[ ,]", s) if t] if s else [] for s in x])


def _split_v2_ref(x):
    return _sparse([s.split(b",") for s in x])


def _codes_draw(ctx):
    shape = ctx.shape(min_dims=1)
    valid = st.one_of(st.integers(0, 0xD7FF), st.integers(0xE000, 0x10FFFF))
    return [ctx.draw(hnp.arrays(I32, shape, elements=valid))], {}


def _encode_ref(x):
    out = np.empty(x.shape[:-1], object)
    for i in np.ndindex(out.shape):
        out[i] = "".join(chr(c) for c in x[i]).encode("utf-16-be")
    return out[()] if out.ndim == 0 else out


def _ngrams_draw(ctx):
    shape = ctx.shape(min_dims=1)
    return [_strings(ctx, shape)], {"width": ctx.draw(st.integers(1, 3))}


def _ngrams_ref(x, width):
    rows = (
        x.reshape(-1, x.shape[-1]) if x.size else np.empty((int(np.prod(x.shape[:-1])), 0), object)
    )
    count = max(0, x.shape[-1] - width + 1)
    if x.ndim > 1 and not rows.shape[0]:  # no rows: the last axis as TF's reshape of no
        count = 1 // int(np.prod([d for d in x.shape[:-1] if d]))  # n-grams infers it
    out = np.empty((rows.shape[0], count), object)
    for i in range(rows.shape[0]):
        for k in range(count):
            out[i, k] = b"_".join(rows[i, k : k + width])
    return out.reshape((*x.shape[:-1], count))


def _sparse_parts(sp):
    return [sp.indices, sp.values, sp.dense_shape]


def _decode_draw(ctx):
    n = ctx.draw(st.integers(1, 5))
    return [_strings(ctx, (n,), pool=["", "ab", "h\u00e9", "\u65e5\u672c", "\U0001f600 x"])], {}


def _decode_ref(offsets):
    def ref(x):
        splits, cps, starts = [0], [], []
        for s in x:
            text = s.decode("utf-8")
            cps += [ord(c) for c in text]
            starts += [len(text[:k].encode("utf-8")) for k in range(len(text))]
            splits.append(len(cps))
        out = [np.array(splits, np.int64), np.array(cps, np.int32)]
        return [*out, np.array(starts, np.int64)] if offsets else out

    return ref


def _decode_parts(result):
    """A ragged decode's row splits and code points (and offsets, for the _with_offsets form)."""
    if isinstance(result, tuple):
        cps, offsets = result
        return [cps.row_splits, cps.values, offsets.values]
    return [result.row_splits, result.values]


NONE = {"grad": "none", "dtypes": (F32,)}

ROWS = [
    Row(
        "StringJoin",
        lambda a, b: tf.strings.join([a, b, "!"], separator="-"),
        lambda a, b: _each(lambda s, t: s + b"-" + t + b"-!")(a, b),
        _pair,
        **NONE,
    ),
    Row(
        "StringLength", lambda x, unit: tf.strings.length(x, unit=unit), _length_ref, _units, **NONE
    ),
    Row(
        "StringLower",
        tf.strings.lower,
        _each(lambda s: s.lower()),
        lambda ctx: _one(ctx, ASCII),
        **NONE,
    ),
    Row(
        "StringUpper",
        lambda x: tf.strings.upper(x, encoding="utf-8"),
        _each(lambda s: s.decode().upper().encode()),
        _one,
        **NONE,
    ),
    Row("StringStrip", tf.strings.strip, _each(lambda s: s.strip()), _one, **NONE),
    Row(
        "Substr",
        lambda x, pos, n: tf.strings.substr(x, pos, n),
        _substr_ref,
        _substr_draw,
        **NONE,
    ),
    Row(
        "EncodeBase64",
        lambda x: tf.encode_base64(x, pad=True),
        _each(lambda s: base64.urlsafe_b64encode(s)),
        _one,
        **NONE,
    ),
    Row(
        "DecodeBase64",
        lambda x: tf.decode_base64(x),
        _each(lambda s: base64.urlsafe_b64decode(s)),
        lambda ctx: ([np.asarray(_each(base64.urlsafe_b64encode)(_strings(ctx)), object)], {}),
        **NONE,
    ),
    Row(
        "RegexFullMatch",
        tf.strings.regex_full_match,
        lambda x, p: _each(lambda s: re.fullmatch(p[()].decode(), s.decode()) is not None, bool)(x),
        _regex_draw,
        **NONE,
    ),
    Row(
        "StaticRegexFullMatch",
        lambda x: tf.strings.regex_full_match(x, "[a-z]+"),
        _each(lambda s: re.fullmatch("[a-z]+", s.decode()) is not None, bool),
        _one,
        **NONE,
    ),
    Row(
        "RegexReplace",
        lambda x, p: tf.strings.regex_replace(x, p, tf.constant(r"<\1>")),
        lambda x, p: _each(lambda s: re.sub(r"([a-z]+)", r"<\1>", s.decode()).encode())(x),
        lambda ctx: ([_strings(ctx), np.array(b"([a-z]+)", object)], {}),
        **NONE,
    ),
    Row(
        "StaticRegexReplace",
        lambda x: tf.strings.regex_replace(x, "a|b", "#", replace_global=False),
        _each(lambda s: re.sub("a|b", "#", s.decode(), count=1).encode()),
        _one,
        **NONE,
    ),
    Row(
        "StringToNumber",
        lambda x, out_type: tf.strings.to_number(x, out_type=out_type),
        lambda x, out_type: _each(float, np.float64)(x).astype(out_type.as_numpy_dtype),
        _numbers_draw,
        **NONE,
    ),
    Row(
        "AsString",
        lambda x, precision: tf.as_string(x, precision=precision if x.dtype.is_floating else -1),
        lambda x, precision: _as_string_ref(x, precision if x.dtype.kind == "f" else -1),
        _as_string_draw,
        grad="none",
        dtypes=(F32, F64, I32, I64),
    ),
    Row(
        "StringFormat",
        lambda x: tf.strings.format("v={}", x, summarize=-1),
        _format_ref,
        _format_draw,
        **NONE,
    ),
    Row(
        "ReduceJoin",
        lambda x, axis: tf.strings.reduce_join(x, axis, separator=","),
        _reduce_ref,
        _reduce_draw,
        **NONE,
    ),
    Row(
        "UnsortedSegmentJoin",
        lambda x, ids: tf.strings.unsorted_segment_join(x, ids, 3, separator="|"),
        _segments_ref,
        _segments_draw,
        **NONE,
    ),
    Row(
        "StringToHashBucketFast",
        lambda x: tf.strings.to_hash_bucket_fast(x, 2**40),
        _hash_ref(0),
        _hash_draw,
        **NONE,
    ),
    Row(
        "StringToHashBucket",
        lambda x: tf.strings.to_hash_bucket(x, 2**40),
        _hash_ref(1),
        _hash_draw,
        **NONE,
    ),
    Row(
        "StringToHashBucketStrong",
        lambda x: tf.strings.to_hash_bucket_strong(x, 2**40, [7, -3]),
        _hash_ref(2),
        _hash_draw,
        **NONE,
    ),
    Row(
        "StringSplit",
        lambda x: _sparse_parts(tf.string_split(x, delimiter=" ,")),
        _split_v1_ref,
        _split_draw,
        static=False,
        **NONE,
    ),
    Row(
        "StringSplitV2",
        lambda x: _sparse_parts(tf.strings.split(x, sep=",")),
        _split_v2_ref,
        _split_draw,
        static=False,
        **NONE,
    ),
    Row(
        "UnicodeTranscode",
        lambda x: tf.strings.unicode_transcode(x, "UTF-8", "UTF-32-BE"),
        _each(lambda s: s.decode().encode("utf-32-be")),
        _one,
        **NONE,
    ),
    Row(
        "UnicodeDecode",
        lambda x: _decode_parts(tf.strings.unicode_decode(x, "UTF-8")),
        _decode_ref(False),
        _decode_draw,
        static=False,  # (the code points' count is known when the strings are)
        **NONE,
    ),
    Row(
        "UnicodeDecodeWithOffsets",
        lambda x: _decode_parts(tf.strings.unicode_decode_with_offsets(x, "UTF-8")),
        _decode_ref(True),
        _decode_draw,
        static=False,
        **NONE,
    ),
    Row(
        "UnicodeEncode",
        lambda x: tf.strings.unicode_encode(x, "UTF-16-BE"),
        _encode_ref,
        _codes_draw,
        static=False,  # (the rows' count is computed in the graph)
        **NONE,
    ),
    Row(
        "StringNGrams",
        lambda x, width: tf.strings.ngrams(x, width, separator="_"),
        _ngrams_ref,
        _ngrams_draw,
        static=False,  # (the n-grams' axis is unknown until run, as TF's)
        **NONE,
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
