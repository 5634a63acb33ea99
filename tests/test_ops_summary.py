"""The op table's summary rows: scalar, histogram and merged summaries, whose outputs are
serialized Summary protobufs, built here from the definitions in summary.proto (the histogram by
TF's bucketing rule). Every row gets the table's checks (``op_table.table_tests``).
"""

from __future__ import annotations

import bisect
import struct
import zlib

import numpy as np
from hypothesis import strategies as st
from op_table import F32, FLOATS, NUMERIC, Row, table_tests

import tflite_core as tf


# ---- NumPy references ----------------------------------------------------------------------------
def np_histogram(x):
    """TensorFlow's histogram (core/lib/histogram/histogram.cc), written out plainly."""
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    limits = [-p for p in reversed(pos)] + [0.0] + pos
    counts = [0.0] * len(limits)
    values = [float(e) for e in np.asarray(x, np.float64).reshape(-1)]
    for e in values:
        counts[bisect.bisect_right(limits, e)] += 1
    h = tf.HistogramProto(
        min=min(values, default=limits[-1]),
        max=max(values, default=-limits[-1]),
        num=len(values),
        sum=_seq_sum(values),  # TF adds one value at a time
        sum_squares=_seq_sum([e * e for e in values]),
    )
    i = 0
    while i < len(counts):  # a run of empty buckets is written as its last one
        end, count = limits[i], counts[i]
        i += 1
        if count <= 0:
            while i < len(counts) and counts[i] <= 0:
                end, count = limits[i], counts[i]
                i += 1
        h.bucket_limit.append(end)
        h.bucket.append(count)
    return h


def _seq_sum(values):
    total = 0.0
    for e in values:
        total += e
    return total


def np_summary(values):
    """The bytes of ``Summary(value=[...])`` from ``(tag, field, value)`` triples."""
    s = tf.Summary()
    for tag, kind, v in values:
        if kind == "histo":
            s.value.add(tag=tag, histo=v)
        else:
            s.value.add(tag=tag, simple_value=v)
    return np.array(s.SerializeToString())


def np_png(img):
    """PNG bytes of a uint8 ``[h, w, c]`` image: IHDR, one zlib IDAT of unfiltered rows, IEND."""
    h, w, c = img.shape

    def chunk(kind, data):
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    rows = b"".join(b"\0" + img[r].tobytes() for r in range(h))
    ihdr = struct.pack(">IIBBBBB", w, h, 8, {1: 0, 3: 2, 4: 6}[c], 0, 0, 0)
    idat = chunk(b"IDAT", zlib.compress(rows))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + idat + chunk(b"IEND", b"")


def np_image_summary(x, max_images):
    """TF's ImageSummary kernel: per image, ``255 / max`` or ``127 / max|x|`` around 128."""
    s = tf.Summary()
    for i in range(min(max_images, x.shape[0])):
        img = x[i]
        lo, hi = float(np.float32(img.min())), float(np.float32(img.max()))  # TF: float
        if lo < 0:
            m = max(-lo, abs(hi))
            scale, offset = (0.0 if m < 1e-6 else np.float32(127.0) / np.float32(m)), 128.0
        else:
            scale, offset = (0.0 if hi < 1e-6 else np.float32(255.0) / np.float32(hi)), 0.0
        pixels = (img * img.dtype.type(np.float32(scale)) + img.dtype.type(offset)).astype(np.uint8)
        v = s.value.add(tag=f"i/image/{i}" if max_images > 1 else "i/image")
        v.image.height, v.image.width, v.image.colorspace = img.shape
        v.image.encoded_image_string = np_png(pixels)
    return np.array(s.SerializeToString())


def draw_image(ctx):
    batch = ctx.draw(st.integers(0 if ctx.mode == "forward" else 1, 3))
    h, w = ctx.draw(st.integers(1, 3)), ctx.draw(st.integers(1, 3))
    return [ctx.values((batch, h, w, ctx.draw(st.sampled_from([1, 3, 4]))))], {}


def np_audio_summary(x, rate):
    """TF's AudioSummaryV2 kernel: 16-bit PCM WAV, ``round(x * 32768)`` clipped."""
    s = tf.Summary()
    for i in range(min(3, x.shape[0])):
        scaled = x[i] * np.float32(32768)
        rounded = np.sign(scaled) * np.floor(np.abs(scaled) + 0.5)  # C's roundf, as TF's wav_io
        pcm = np.clip(rounded, -32768, 32767).astype("<i2").tobytes()
        header = struct.pack(
            "<4sI4s4sIHHIIHH4sI",
            b"RIFF",
            36 + len(pcm),
            b"WAVE",
            b"fmt ",
            16,
            1,
            1,
            rate,
            2 * rate,
            2,
            16,
            b"data",
            len(pcm),
        )
        v = s.value.add(tag=f"a/audio/{i}")
        v.audio.sample_rate, v.audio.num_channels, v.audio.length_frames = rate, 1, x.shape[1]
        v.audio.content_type = "audio/wav"
        v.audio.encoded_audio_string = header + pcm
    return np.array(s.SerializeToString())


def np_tensor_summary(x):
    s = tf.Summary()
    v = s.value.add(tag="t")
    v.tensor.dtype = tf.as_dtype(x.dtype).as_datatype_enum
    v.tensor.tensor_shape.dim.extend(tf.TensorShapeProto.Dim(size=d) for d in x.shape)
    v.tensor.tensor_content = np.ascontiguousarray(x).tobytes()
    v.metadata.SetInParent()  # TF's kernel always writes the (here empty) metadata
    return np.array(s.SerializeToString())


# ---- the rows ------------------------------------------------------------------------------------
ROWS = [
    Row(
        "ScalarSummary",
        lambda x: tf.scalar_summary("t", x),
        lambda x: np_summary([("t", "simple_value", float(x))]),
        lambda ctx: ([ctx.values(())], {}),
        NUMERIC,  # (TF's ScalarSummary takes no bool)
        "none",
    ),
    Row(
        "HistogramSummary",
        lambda x: tf.histogram_summary("h", x),
        lambda x: np_summary([("h", "histo", np_histogram(x))]),
        lambda ctx: ([ctx.values(ctx.shape(), (-1e3, -1e-3), (1e-3, 1e3))], {}),
        NUMERIC,
        "none",
    ),
    Row(
        "MergeSummary",
        lambda x, y: tf.merge_summary([tf.scalar_summary("a", x), tf.histogram_summary("b", y)]),
        lambda x, y: np_summary([("a", "simple_value", float(x)), ("b", "histo", np_histogram(y))]),
        lambda ctx: ([ctx.values(()), ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
]
ROWS += [
    Row(
        "ImageSummary",
        lambda x: tf.summary.image("i", x, max_outputs=2),
        lambda x: np_image_summary(x, 2),
        draw_image,
        FLOATS,
        "none",
    ),
    Row(
        "AudioSummaryV2",
        lambda x: tf.summary.audio("a", x, 8000.0),
        lambda x: np_audio_summary(x, 8000),
        lambda ctx: ([ctx.values(ctx.shape(2, 2), (-1.1, 1.1))], {}),
        (F32,),
        "none",
    ),
    Row(
        "TensorSummaryV2",
        lambda x: tf.summary.tensor_summary("t", x),
        np_tensor_summary,
        lambda ctx: ([ctx.values(ctx.shape())], {}),
        NUMERIC,
        "none",
    ),
]
globals().update(table_tests(ROWS))  # test_forward_matches_numpy[<op>], ... for these rows
