"""The op table's rows of the input pipeline: dataset iterators and whole-dataset ops, queues,
readers, ``CountUpTo`` and ``MatchFilenamesOnce``. Every row passes a drawn tensor through the
op (a dataset, a queue, a file the row writes) and expects it back, so the table's checks see
each op type's values, dtypes and static shapes; their behaviour beside TF is tested in
test_data_vs_tf.py, test_data_readers_vs_tf.py, test_queues_vs_tf.py and
test_queue_input_vs_tf.py."""

from __future__ import annotations

import atexit
import itertools
import shutil
import tempfile

import lmdb
import numpy as np
from op_table import ALL, NUMERIC, Row, Steps, table_tests

import tflite_core as tf

_DIR = tempfile.mkdtemp(prefix="tflite_core_op_rows_")
atexit.register(shutil.rmtree, _DIR, ignore_errors=True)
_FILES = itertools.count()


def _any(ctx):
    return [ctx.values(ctx.shape())], {}


def _ranked(ctx):
    return [ctx.values([max(1, d) for d in ctx.shape(min_dims=1)])], {}


def _file(data: bytes) -> str:
    path = f"{_DIR}/f{next(_FILES)}"
    with open(path, "wb") as f:
        f.write(data)
    return path


def _decoded(value, x):
    """The bytes ``value`` read back as ``x`` (dtype and shape)."""
    if x.dtype == np.bool_:
        return tf.cast(tf.reshape(tf.decode_raw(value, tf.uint8), x.shape), tf.bool)
    return tf.reshape(tf.decode_raw(value, tf.as_dtype(x.dtype)), x.shape)


def _one_shot(x):
    return tf.data.Dataset.from_tensors(x).make_one_shot_iterator().get_next()


def _initialized(x):
    it = tf.data.Dataset.from_tensors(x).make_initializable_iterator()
    return Steps([it.initializer, it.get_next()])


def _by_handle(x):
    it = tf.data.Dataset.from_tensors(x).make_initializable_iterator()
    handle = it.string_handle()
    other = tf.data.Iterator.from_string_handle(handle, it.output_types, it.output_shapes)
    return Steps([it.initializer, other.get_next()])


def _queue(x, cls=tf.FIFOQueue, **kw):
    q = cls(2, [tf.as_dtype(x.dtype)], shapes=[x.shape], **kw)
    return q, q.enqueue([x])


def _fifo(x):
    q, enq = _queue(x)
    return Steps([enq, q.dequeue()])


def _padding(x):
    q = tf.PaddingFIFOQueue(2, [tf.as_dtype(x.dtype)], shapes=[[None] * x.ndim])
    return Steps([q.enqueue([x]), q.dequeue_many(1)])


def _shuffle(x):
    q = tf.RandomShuffleQueue(2, 0, [tf.as_dtype(x.dtype)], shapes=[x.shape])
    return Steps([q.enqueue([x]), q.dequeue()])


def _priority(x):
    q = tf.PriorityQueue(2, [tf.as_dtype(x.dtype)], shapes=[x.shape])
    return Steps([q.enqueue((tf.constant(3, tf.int64), x)), q.dequeue()[1]])


def _many(x):
    q = tf.FIFOQueue(8, [tf.as_dtype(x.dtype)], shapes=[x.shape[1:]])
    n = x.shape[0]
    return Steps([q.enqueue_many([x]), q.dequeue_many(n)])


def _up_to(x):
    q, enq = _queue(x)
    return Steps([enq, q.close(), q.dequeue_up_to(5)])


def _size_closed(x):
    q, enq = _queue(x)
    return Steps([enq, [q.size(), q.is_closed()], q.close(), q.is_closed()])


def _select(x):
    a, enq_a = _queue(x)
    b, _ = _queue(x)
    chosen = tf.FIFOQueue.from_list(tf.constant(0), [a, b])
    return Steps([enq_a, chosen.dequeue()])


def _read(reader, data_of, x):
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([_file(data_of(x))])
    _, value = reader.read(files)
    return Steps([fill, _decoded(value, x)])


def _tfrecord(x):
    path = f"{_DIR}/r{next(_FILES)}.tfrecord"
    with tf.python_io.TFRecordWriter(path) as w:
        w.write(x.tobytes())
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([path])
    _, value = tf.TFRecordReader().read(files)
    return Steps([fill, _decoded(value, x)])


def _text(x):
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([_file(b"\n".join(b"%d" % v for v in x.reshape(-1)) + b"\n")])
    _, values = tf.TextLineReader().read_up_to(files, x.size)
    return Steps([fill, tf.reshape(tf.string_to_number(values, tf.as_dtype(x.dtype)), x.shape)])


def _identity(x):
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([tf.as_string(x)])
    key, _ = tf.IdentityReader().read(files)
    return Steps([fill, tf.string_to_number(key, tf.as_dtype(x.dtype))])


def _lmdb(x):
    path = f"{_DIR}/db{next(_FILES)}.mdb"
    env = lmdb.open(path, subdir=False, map_size=1 << 20)
    with env.begin(write=True) as txn:
        txn.put(b"key", x.tobytes())
    env.close()
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([path])
    _, value = tf.LMDBReader().read(files)
    return Steps([fill, _decoded(value, x)])


def _counters(x):
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue([_file(x.tobytes())])
    reader = tf.WholeFileReader()
    _, value = reader.read(files)
    counts = [reader.num_records_produced(), reader.num_work_units_completed()]
    return Steps([fill, _decoded(value, x), counts, reader.reset(), counts])


def _count_up_to(x):
    v = tf.Variable(x, name="counter")
    return Steps([tf.count_up_to(v, 2**30), v.count_up_to(2**30), v])


def _matched(x):
    path = _file(x.tobytes())
    names = tf.train.match_filenames_once(path)
    files = tf.FIFOQueue(2, tf.string, shapes=[[]])
    fill = files.enqueue_many([names])
    _, value = tf.WholeFileReader().read(files)
    return Steps([fill, _decoded(value, x)])


def _accumulated(x):
    acc = tf.ConditionalAccumulator(tf.as_dtype(x.dtype), shape=x.shape, reduction_type="SUM")
    return Steps(
        [
            acc.apply_grad(x),
            acc.apply_grad(x, local_step=3),
            acc.num_accumulated(),
            acc.take_grad(2),
            acc.set_global_step(5),
            acc.apply_grad(x, local_step=4),  # (stale: dropped)
            acc.num_accumulated(),
        ]
    )


def _sparse_accumulated(x):
    acc = tf.SparseConditionalAccumulator(tf.as_dtype(x.dtype), shape=x.shape)
    n = x.shape[0]
    idx = tf.range(n, dtype=tf.int64)
    return Steps(
        [
            acc.apply_grad(idx, x, x.shape),
            acc.apply_indexed_slices_grad(
                tf.IndexedSlices(x * 3, idx, tf.constant(x.shape, tf.int64))
            ),
            acc.num_accumulated(),
            list(acc.take_grad(2)),
        ]
    )


def _acc_ref(x):
    return [None, None, np.int32(2), (x + x).astype(x.dtype), None, None, np.int32(0)]


def _sparse_ref(x):
    n = x.shape[0]
    return [
        None,
        None,
        np.int32(2),
        [
            np.arange(n, dtype=np.int64),
            ((x + x * 3) / 2).astype(x.dtype),
            np.array(x.shape, np.int64),
        ],
    ]


SCALAR_INT = (np.dtype("int32"), np.dtype("int64"))
ROWS = [
    Row("OneShotIterator", _one_shot, lambda x: x, _any, ALL, "none", feed="value"),
    Row("IteratorGetNext", _one_shot, lambda x: x, _any, ALL, "none", feed="value"),
    Row("IteratorV2", _initialized, lambda x: [None, x], _any, ALL, "none"),
    Row("MakeIterator", _initialized, lambda x: [None, x], _any, ALL, "none"),
    Row("IteratorToStringHandle", _by_handle, lambda x: [None, x], _any, ALL, "none"),
    Row(
        "ReduceDataset",
        lambda x: tf.data.Dataset.from_tensor_slices(x).reduce(
            tf.zeros_like(x[0]), lambda s, e: s + e
        ),
        lambda x: x.sum(0, dtype=x.dtype),
        _ranked,
        NUMERIC,
        "none",
    ),
    Row(
        "DatasetToSingleElement",
        lambda x: tf.data.Dataset.from_tensors(x).get_single_element(),
        lambda x: x,
        _any,
        ALL,
        "none",
    ),
    Row(
        "DatasetCardinality",
        lambda x: tf.data.Dataset.from_tensor_slices(x).batch(2).cardinality(),
        lambda x: np.int64(-(-x.shape[0] // 2)),
        _ranked,
        ALL,
        "none",
    ),
    Row("FIFOQueueV2", _fifo, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row("QueueEnqueueV2", _fifo, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row("QueueDequeueV2", _fifo, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row(
        "PaddingFIFOQueueV2",
        _padding,
        lambda x: [None, x[None]],
        _any,
        ALL,
        "none",
        feed="value",
        static=False,  # (dimensions padded to the batch's longest: known when run)
    ),
    Row("RandomShuffleQueueV2", _shuffle, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row("PriorityQueueV2", _priority, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row("QueueEnqueueManyV2", _many, lambda x: [None, x], _ranked, ALL, "none", feed="value"),
    Row("QueueDequeueManyV2", _many, lambda x: [None, x], _ranked, ALL, "none", feed="value"),
    Row(
        "QueueDequeueUpToV2",
        _up_to,
        lambda x: [None, None, x[None]],
        _any,
        ALL,
        "none",
        feed="value",
        static=False,
    ),
    Row(
        "QueueCloseV2",
        _up_to,
        lambda x: [None, None, x[None]],
        _any,
        ALL,
        "none",
        feed="value",
        static=False,  # (how many dequeue_up_to gives: known when run)
    ),
    Row(
        "QueueSizeV2",
        _size_closed,
        lambda x: [None, [np.int32(1), np.bool_(False)], None, np.bool_(True)],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "QueueIsClosedV2",
        _size_closed,
        lambda x: [None, [np.int32(1), np.bool_(False)], None, np.bool_(True)],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row("QueueSelect", _select, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row(
        "WholeFileReaderV2",
        lambda x: _read(tf.WholeFileReader(), lambda a: a.tobytes(), x),
        lambda x: [None, x],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "ReaderReadV2",
        lambda x: _read(tf.WholeFileReader(), lambda a: a.tobytes(), x),
        lambda x: [None, x],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "FixedLengthRecordReaderV2",
        lambda x: _read(
            tf.FixedLengthRecordReader(max(x.nbytes, 1), header_bytes=3),
            lambda a: b"hdr" + a.tobytes(),
            x,
        ),
        lambda x: [None, x],
        lambda ctx: ([ctx.values([max(1, d) for d in ctx.shape()])], {}),
        ALL,
        "none",
        feed="value",
    ),
    Row("LMDBReader", _lmdb, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row("TFRecordReaderV2", _tfrecord, lambda x: [None, x], _any, ALL, "none", feed="value"),
    Row(
        "TextLineReaderV2",
        _text,
        lambda x: [None, x],
        lambda ctx: ([ctx.values([max(1, d) for d in ctx.shape()])], {}),
        SCALAR_INT,
        "none",
        feed="value",
    ),
    Row(
        "ReaderReadUpToV2",
        _text,
        lambda x: [None, x],
        lambda ctx: ([ctx.values([max(1, d) for d in ctx.shape()])], {}),
        SCALAR_INT,
        "none",
        feed="value",
    ),
    Row(
        "IdentityReaderV2",
        _identity,
        lambda x: [None, x],
        lambda ctx: ([ctx.values([], (-100, 100))], {}),
        SCALAR_INT,
        "none",
        feed="value",
    ),
    Row(
        "ReaderNumRecordsProducedV2",
        _counters,
        lambda x: [None, x, [np.int64(1), np.int64(1)], None, [np.int64(0), np.int64(0)]],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "ReaderNumWorkUnitsCompletedV2",
        _counters,
        lambda x: [None, x, [np.int64(1), np.int64(1)], None, [np.int64(0), np.int64(0)]],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "ReaderResetV2",
        _counters,
        lambda x: [None, x, [np.int64(1), np.int64(1)], None, [np.int64(0), np.int64(0)]],
        _any,
        ALL,
        "none",
        feed="value",
    ),
    Row(
        "CountUpTo",
        _count_up_to,
        lambda x: [x, x + 1, x + 2],
        lambda ctx: ([ctx.values([], (-100, 100))], {}),
        SCALAR_INT,
        "none",
    ),
    Row("ConditionalAccumulator", _accumulated, _acc_ref, _any, NUMERIC, "none", feed="value"),
    Row("AccumulatorApplyGradient", _accumulated, _acc_ref, _any, NUMERIC, "none", feed="value"),
    Row("AccumulatorTakeGradient", _accumulated, _acc_ref, _any, NUMERIC, "none", feed="value"),
    Row("AccumulatorSetGlobalStep", _accumulated, _acc_ref, _any, NUMERIC, "none", feed="value"),
    Row("AccumulatorNumAccumulated", _accumulated, _acc_ref, _any, NUMERIC, "none", feed="value"),
    Row(
        "SparseConditionalAccumulator",
        _sparse_accumulated,
        _sparse_ref,
        _ranked,
        (np.dtype("float32"), np.dtype("float64")),
        "none",
        feed="value",
        static=False,  # (how many indices: known when run)
    ),
    Row(
        "SparseAccumulatorApplyGradient",
        _sparse_accumulated,
        _sparse_ref,
        _ranked,
        (np.dtype("float32"), np.dtype("float64")),
        "none",
        feed="value",
        static=False,  # (how many indices: known when run)
    ),
    Row(
        "SparseAccumulatorTakeGradient",
        _sparse_accumulated,
        _sparse_ref,
        _ranked,
        (np.dtype("float32"), np.dtype("float64")),
        "none",
        feed="value",
        static=False,  # (how many indices: known when run)
    ),
    Row("MatchFilenamesOnce", _matched, lambda x: [None, x], _any, ALL, "none", feed="value"),
]

globals().update(table_tests(ROWS))
