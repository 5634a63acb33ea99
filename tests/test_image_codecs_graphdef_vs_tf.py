"""The image codecs as GraphDefs, both ways: graphs built here run in TF 2.21 (``import_graph_def``)
with our values, and TF's graphs run here with TF's values (every attribute as TF writes it:
``dct_method``, ``output_type``, ``dtype``, ``expand_animations``, ``compression``, ...)."""

from __future__ import annotations

import numpy as np
import tensorflow as real_tf
from test_image_codecs_vs_tf import GIF, JPEGS, PNGS

import tflite_core as tf

T = real_tf.compat.v1


def _build(m, p):
    return [
        m.image.decode_jpeg(p, dct_method="INTEGER_ACCURATE", ratio=2, name="dj"),
        m.image.extract_jpeg_shape(p, output_type=m.int64, name="shape"),
        m.image.decode_png(
            m.image.encode_png(m.image.decode_image(p, expand_animations=False), compression=3),
            dtype=m.uint16,
            name="png",
        ),
        m.image.decode_and_crop_jpeg(p, [1, 2, 3, 4], channels=1, name="crop"),
        m.image.decode_jpeg(
            m.image.encode_jpeg(m.image.decode_jpeg(p), quality=50, chroma_downsampling=False),
            name="ej",
        ),
        m.image.decode_image(p, channels=3, dtype=m.float32, name="di"),
    ]


def _run_imported(m_from, m_to, data):
    g = m_from.Graph()
    with g.as_default():
        p = m_from.placeholder(m_from.string, [], name="contents")
        outs = _build(m_from, p)
        names = [o.name for o in outs]
        with m_from.Session(graph=g) as sess:
            here = sess.run(outs, {p: data})
        serialized = g.as_graph_def().SerializeToString()
    g2 = m_to.Graph()
    with g2.as_default():
        m_to.import_graph_def(m_to.GraphDef.FromString(serialized), name="")
        with m_to.Session(graph=g2) as sess:
            there = sess.run(names, {"contents:0": data})
    return here, there


def test_our_graphdef_runs_in_tf_with_our_values():
    for data in (JPEGS["q50_444"], JPEGS["gray"]):
        ours, in_tf = _run_imported(tf, T, data)
        for a, b in zip(ours, in_tf):
            assert a.dtype == b.dtype
            np.testing.assert_array_equal(a, b)


def test_tfs_graphdef_runs_here_with_tfs_values():
    theirs, here = _run_imported(T, tf, JPEGS["q75_422"])
    for a, b in zip(theirs, here):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    g = T.Graph()  # decode_gif and decode_png of TF's graph
    with g.as_default():
        p = T.placeholder(T.string, [], name="contents")
        T.image.decode_gif(p, name="gif")
        T.image.decode_png(p, channels=4, name="png4")
    g2 = tf.Graph()
    with g2.as_default():
        tf.import_graph_def(tf.GraphDef.FromString(g.as_graph_def().SerializeToString()), name="")
        with tf.Session(graph=g2) as sess:
            frames = sess.run("gif:0", {"contents:0": GIF})
            rgba = sess.run("png4:0", {"contents:0": PNGS["rgb8"]})
    with T.Session(graph=g) as sess:
        np.testing.assert_array_equal(frames, sess.run("gif:0", {"contents:0": GIF}))
        np.testing.assert_array_equal(rgba, sess.run("png4:0", {"contents:0": PNGS["rgb8"]}))
