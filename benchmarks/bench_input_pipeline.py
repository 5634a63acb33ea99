"""Input pipelines side by side (tflite_core vs TF compat.v1 running identical code): a tf.data
image pipeline's throughput, ``parse_example`` of 10,000 Examples, and whether ``prefetch``
overlaps a training step with the production of its input.

- **pipeline**: ``--images`` JPEGs of ``--size`` x ``--size`` RGB (blocky random colours with
  noise, quality 90, about 5 KB each at 96x96), encoded by tflite_core's ``encode_jpeg`` and
  written as ``tf.train.Example`` records (JPEG bytes and an int64 label) into 4 TFRecord
  shards in a temporary directory; ``TFRecordDataset(shards) -> map(parse_single_example,
  decode_jpeg, pad 4 + random_crop, random_flip_left_right; num_parallel_calls=2) -> repeat ->
  batch 32 -> prefetch 2``. One call draws ``--batches`` batches; the figure is images/s.
  Informational tflite_core rows: the map run serially (``num_parallel_calls=None``), and the
  crop taken by two ``gather`` s instead of ``random_crop``'s ``Slice`` (whose random ``begin``
  is a compile-time value of tflite_core's plans: one plan per offset, 81 of them here, more
  than a session's plan cache keeps).
- **parse_example**: ``parse_example`` of a fed vector of 10,000 serialized Examples with four
  features (a 200-byte string, an int64 label, 8 floats, a VarLenFeature of 0-3 int64s).
- **overlap**: a train step (``--layers`` tanh dense layers of ``--width`` on a [32, 256]
  batch, gradient descent) and an input batch that takes ``--input-ms`` (a ``py_func`` that
  sleeps, as a reader waiting on storage does, in ``Dataset.map``), timed alone (the step fed
  by ``feed_dict``; ``get_next`` of the pipeline) and together: the step reading the iterator
  without and with ``prefetch(2)`` (TF's own injected prefetch turned off for the former).
  Figures per step. Without prefetch a step can cost more than the sum here: the cores idle
  through the sleep, and the step's thread pool (and the VM's vCPUs) wake up slowly.

Correctness: the non-random pipeline's first batch and every ``parse_example`` output are
compared with TF's bit for bit; the py_func pipeline's batch is the array it was given.

Run: ``python benchmarks/bench_input_pipeline.py [--threads 2] [--quick]``.
Targets (2 threads): tflite_core's pipeline images/s >= 1.5x TF compat.v1's; its
parse_example >= 1.5x TF's (time TF / time tflite_core); the step reading a prefetched input
<= 1.2x the longer of the step alone and the input alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

import common


def _options(p):
    p.add_argument("--images", type=int, default=2048, help="JPEGs in the TFRecord shards")
    p.add_argument("--size", type=int, default=96, help="image height and width")
    p.add_argument("--batches", type=int, default=8, help="batches of 32 per pipeline call")
    p.add_argument("--width", type=int, default=1024, help="overlap: dense layer width")
    p.add_argument("--layers", type=int, default=2, help="overlap: dense layers")
    p.add_argument("--input-ms", type=float, default=5.0, help="overlap: input batch cost")
    # a call of a pipeline case draws several batches: longer batches and warm-up, so that the
    # batches the prefetch buffer holds after the harness's idle wait are drained untimed
    p.set_defaults(batch_ms=200.0, warm_ms=50.0, budget_s=15.0)


ARGS = common.setup(__doc__, extra=_options)

import numpy as np

import tflite_core

BATCH = 32
PAD = 4
EXAMPLES = 10_000


# ---- the files ----------------------------------------------------------------------------
def write_shards(directory: str) -> tuple[list[str], str]:
    """``--images`` JPEGs as Example records in 4 shards (tflite_core's encoder and writer);
    the paths and a line that describes them."""
    tf = tflite_core
    rng = np.random.default_rng(0)
    n, s = ARGS.images, ARGS.size
    blocks = rng.integers(0, 256, (n, s // 8, s // 8, 3)).astype(np.float32)
    images = np.kron(blocks, np.ones((1, 8, 8, 1))) + rng.normal(0, 12, (n, s, s, 3))
    images = np.clip(images, 0, 255).astype(np.uint8)
    with tf.Graph().as_default():
        image = tf.placeholder(tf.uint8, [s, s, 3])
        encoded = tf.image.encode_jpeg(image, quality=90)
        with tf.Session() as sess:
            jpegs = [sess.run(encoded, {image: im}) for im in images]
    paths = []
    for k in range(4):
        path = os.path.join(directory, f"images-{k}.tfrecord")
        with tf.python_io.TFRecordWriter(path) as w:
            for i in range(k, n, 4):
                feature = {
                    "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[jpegs[i]])),
                    "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
                }
                example = tf.train.Example(features=tf.train.Features(feature=feature))
                w.write(example.SerializeToString())
        paths.append(path)
    kb = np.mean([len(j) for j in jpegs]) / 1024
    return paths, f"{n} JPEGs of {s}x{s}x3, {kb:.1f} KB on average, in 4 TFRecord shards"


def serialized_examples() -> np.ndarray:
    tf = tflite_core
    out = []
    for i in range(EXAMPLES):
        feature = {
            "raw": tf.train.Feature(
                bytes_list=tf.train.BytesList(value=[bytes(range(i % 50, i % 50 + 200))])
            ),
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 10])),
            "weights": tf.train.Feature(
                float_list=tf.train.FloatList(value=(np.arange(8) * 0.5 + i).tolist())
            ),
            "tags": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i % 4)))),
        }
        example = tf.train.Example(features=tf.train.Features(feature=feature))
        out.append(example.SerializeToString())
    return np.array(out, dtype=object)


# ---- the graphs ---------------------------------------------------------------------------
def image_pipeline(m, files, augment=True, parallel=2, gather_crop=False):
    """The batches of the image pipeline, with module ``m`` (tflite_core or TF's compat.v1)."""
    s = ARGS.size

    def parse(serialized):
        f = m.parse_single_example(
            serialized,
            {"image": m.FixedLenFeature([], m.string), "label": m.FixedLenFeature([], m.int64)},
        )
        image = m.reshape(m.image.decode_jpeg(f["image"], channels=3), [s, s, 3])
        if augment:
            padded = m.pad(image, [[PAD, PAD], [PAD, PAD], [0, 0]])
            if gather_crop:
                offset = m.random_uniform([2], 0, 2 * PAD + 1, dtype=m.int32)
                rows = m.gather(padded, offset[0] + m.range(s))
                image = m.gather(rows, offset[1] + m.range(s), axis=1)
            else:
                image = m.random_crop(padded, [s, s, 3])
            image = m.image.random_flip_left_right(image)
        return image, f["label"]

    ds = m.data.TFRecordDataset(files).map(parse, num_parallel_calls=parallel)
    ds = ds.repeat().batch(BATCH).prefetch(2)
    if m is not tflite_core:  # (TF's tf.data pool: as many threads as the others get)
        options = m.data.Options()
        options.threading.private_threadpool_size = ARGS.threads
        ds = ds.with_options(options)
    return m.data.make_one_shot_iterator(ds).get_next()


FEATURES = lambda m: {  # noqa: E731
    "raw": m.FixedLenFeature([], m.string),
    "label": m.FixedLenFeature([], m.int64),
    "weights": m.FixedLenFeature([8], m.float32),
    "tags": m.VarLenFeature(m.int64),
}


def _sleeping_identity(x):
    time.sleep(ARGS.input_ms / 1000)
    return x


def overlap_graph(m, x_value):
    """(step fed by feed_dict, input alone, step on the input, step on the prefetched input)."""
    m.set_random_seed(0)
    shape = list(x_value.shape)

    def pipeline(prefetch):
        ds = m.data.Dataset.from_tensors(x_value).repeat()
        ds = ds.map(lambda x: m.reshape(m.py_func(_sleeping_identity, [x], m.float32), shape))
        if prefetch:
            ds = ds.prefetch(2)
        elif m is not tflite_core:  # (TF 2.21 would add a prefetch of its own)
            options = m.data.Options()
            options.experimental_optimization.inject_prefetch = False
            ds = ds.with_options(options)
        return m.data.make_one_shot_iterator(ds).get_next()

    def train_op(x):
        h = x
        for i in range(ARGS.layers):
            fan_in = int(h.shape[1])
            w = m.get_variable(
                f"w{i}", [fan_in, ARGS.width], initializer=m.random_normal_initializer(0, 0.03)
            )
            h = m.tanh(m.matmul(h, w))
        loss = m.reduce_mean(h * h)
        return m.train.GradientDescentOptimizer(0.01).minimize(loss)

    fed = m.placeholder(m.float32, shape)
    with m.variable_scope("model"):
        step_fed = train_op(fed)
    with m.variable_scope("model", reuse=True):
        step_plain = train_op(pipeline(False))
        step_prefetched = train_op(pipeline(True))
    return fed, step_fed, pipeline(False), step_plain, step_prefetched


# ---- the cases ----------------------------------------------------------------------------
def library_cases(m, label, kind, config, files, serialized, x_value):
    """Sessions of module ``m`` and the cases timed on them; returns (cases, checks), the
    checks being values compared across libraries."""
    cases, checks = [], {}
    k = ARGS.batches

    def drain(sess, nxt):
        def fn():
            for _ in range(k):
                sess.run(nxt)

        return fn

    g = m.Graph()
    with g.as_default():
        plain = image_pipeline(m, files, augment=False)
        nxt = image_pipeline(m, files)
        sess = m.Session(config=config)
    checks["pipeline"] = sess.run(plain)
    images, labels = sess.run(nxt)
    assert images.shape == (BATCH, ARGS.size, ARGS.size, 3) and images.dtype == np.uint8
    assert labels.shape == (BATCH,)
    cases.append(common.Case(label, "pipeline", drain(sess, nxt), kind))
    if m is tflite_core:
        for extra, kw in (
            ("tflite_core, map serial", {"parallel": None}),
            ("tflite_core, crop by gather", {"gather_crop": True}),
        ):
            with m.Graph().as_default():
                nxt_x = image_pipeline(m, files, **kw)
                sess_x = m.Session(config=config)
            cases.append(common.Case(extra, "pipeline", drain(sess_x, nxt_x), kind))

    with m.Graph().as_default():
        ph = m.placeholder(m.string, [None])
        parsed = m.parse_example(ph, FEATURES(m))
        fetch = [parsed[key] for key in ("raw", "label", "weights")]
        tags = parsed["tags"]
        fetch += [tags.indices, tags.values, tags.dense_shape]
        sess_p = m.Session(config=config)
    checks["parse_example"] = sess_p.run(fetch, {ph: serialized})
    cases.append(
        common.Case(label, "parse_example", lambda: sess_p.run(fetch, {ph: serialized}), kind)
    )

    with m.Graph().as_default():
        fed, step_fed, input_only, step_plain, step_prefetched = overlap_graph(m, x_value)
        sess_o = m.Session(config=config)
        sess_o.run(m.global_variables_initializer())
    checks["input"] = sess_o.run(input_only)
    for step, fn in (
        ("overlap: step alone", lambda: sess_o.run(step_fed, {fed: x_value})),
        ("overlap: input alone", lambda: sess_o.run(input_only)),
        ("overlap: step + input", lambda: sess_o.run(step_plain)),
        ("overlap: step + prefetched input", lambda: sess_o.run(step_prefetched)),
    ):
        cases.append(common.Case(label, step, fn, kind))
    return cases, checks


def _same(a, b):
    for x, y in zip(a, b):
        x, y = np.asarray(x), np.asarray(y)
        assert x.dtype == y.dtype and x.shape == y.shape, (x.dtype, x.shape, y.dtype, y.shape)
        assert x.tolist() == y.tolist()


def main() -> int:
    threads = ARGS.threads
    tflite_core.set_num_threads(threads)
    tflite_core.logging.set_verbosity(tflite_core.logging.WARN)
    directory = tempfile.mkdtemp(prefix="bench_input_pipeline_")
    files, described = write_shards(directory)
    serialized = serialized_examples()
    x_value = np.random.default_rng(1).random((BATCH, 256), dtype=np.float32)
    ours_cfg = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    cases, ours = library_cases(
        tflite_core, "tflite_core", common.TFLITE, ours_cfg, files, serialized, x_value
    )
    common.check(
        "tflite_core",
        "py_func pipeline batch",
        lambda: np.testing.assert_array_equal(ours["input"], x_value),
    )
    tf = common.optional_import("tensorflow")
    if tf is not None and common.wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        tf_cases, theirs = library_cases(
            tf.compat.v1, "TF compat.v1", common.REFERENCE, cfg, files, serialized, x_value
        )
        cases += tf_cases
        for what in ("pipeline", "parse_example"):
            common.check(
                "tflite_core",
                f"{what} vs TF compat.v1 (bit for bit)",
                lambda w=what: _same(theirs[w], ours[w]),
            )
    vers = common.versions(f"{tflite_core.__version__} ({tflite_core._core.matmul_backend()})")
    common.header(
        f"Input pipelines: TFRecord -> JPEG {ARGS.size}x{ARGS.size} -> crop/flip -> batch "
        f"{BATCH}; parse_example of {EXAMPLES:,}; prefetch overlap",
        vers,
    )
    by_step: dict[str, list] = {}
    for c in cases:
        by_step.setdefault(c.step, []).append(c)
    for group in (["pipeline"], ["parse_example"], [s for s in by_step if s.startswith("overlap")]):
        common.measure([c for s in group for c in by_step[s]])
    per_call = ARGS.batches * BATCH
    common.note(f"pipeline: {described}; one call = {ARGS.batches} batches ({per_call} images)")
    common.report(
        by_step["pipeline"],
        {"pipeline": "tflite_core"},
        unit="ms",
        value=lambda c: per_call / c.median,
        value_name="images/s",
    )
    common.report(by_step["parse_example"], {"parse_example": "tflite_core"}, unit="ms")
    overlap = [c for s in by_step if s.startswith("overlap") for c in by_step[s]]
    common.report(overlap, {c.step: "tflite_core" for c in overlap}, unit="ms")

    by = {(c.impl, c.step): c for c in cases}
    tf_pipe = by.get(("TF compat.v1", "pipeline"))
    if tf_pipe is not None:
        common.target(
            "tflite_core images/s / TF compat.v1 images/s >= 1.5",
            tf_pipe.median / by[("tflite_core", "pipeline")].median,
            1.5,
            at_most=False,
        )
        common.target(
            "TF compat.v1 / tflite_core parse_example time >= 1.5",
            by[("TF compat.v1", "parse_example")].median
            / by[("tflite_core", "parse_example")].median,
            1.5,
            at_most=False,
        )
    for impl in ("tflite_core", "TF compat.v1"):
        if (impl, "overlap: step alone") not in by:
            continue
        step, inp, both, plain = (
            by[(impl, s)].median
            for s in (
                "overlap: step alone",
                "overlap: input alone",
                "overlap: step + prefetched input",
                "overlap: step + input",
            )
        )
        text = (
            f"{impl}: step + prefetched input / max(step {step * 1e3:.2f} ms, input "
            f"{inp * 1e3:.2f} ms) (without prefetch: {plain / max(step, inp):.2f}x)"
        )
        if impl == "tflite_core":
            common.target(text + " <= 1.2", both / max(step, inp), 1.2)
        else:
            common.note(f"- {text}: {both / max(step, inp):.2f}")
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
