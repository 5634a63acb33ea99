"""``tf.data`` side by side with TF 2.21 ``compat.v1`` (graph mode, one-shot and initializable
iterators): each pipeline below is built with both libraries and iterated to its end; the
elements (structure, dtypes, shapes, values), ``output_types`` / ``output_shapes`` and
``cardinality()`` must agree."""

from __future__ import annotations

import collections

import numpy as np
import pytest
from data_side_by_side import T, assert_same, run_both, shapes

import tflite_core as tf

Pair = collections.namedtuple("Pair", ["a", "b"])
X = np.arange(24, dtype=np.float32).reshape(6, 4)
Y = np.array([3, 1, 4, 1, 5, 9], np.int64)
WORDS = np.array([b"a", b"bc", b"", b"def", b"g", b"hi"], dtype=object)

PIPELINES = {
    "slices_tuple_map_batch": lambda m: (
        m.data.Dataset.from_tensor_slices((X, Y)).map(lambda x, y: (x * 2.0, y + 1)).batch(4)
    ),
    "slices_dict": lambda m: m.data.Dataset.from_tensor_slices({"x": X, "w": WORDS}),
    "slices_list_is_tensor": lambda m: m.data.Dataset.from_tensor_slices([[1, 2], [3, 4]]),
    "from_tensors": lambda m: m.data.Dataset.from_tensors((X, {"y": Y})),
    "namedtuple": lambda m: m.data.Dataset.from_tensor_slices(Pair(X, Y)).map(
        lambda p: Pair(p.b, m.reduce_sum(p.a))
    ),
    "range_1": lambda m: m.data.Dataset.range(5),
    "range_3_negative": lambda m: m.data.Dataset.range(10, 1, -3),
    "range_int32": lambda m: m.data.Dataset.range(2, 6, output_type=m.int32),
    "zip": lambda m: m.data.Dataset.zip(
        (m.data.Dataset.range(4), m.data.Dataset.from_tensor_slices(WORDS))
    ),
    "zip_dict": lambda m: m.data.Dataset.zip(
        {"a": m.data.Dataset.range(3), "b": m.data.Dataset.range(5, 9)}
    ),
    "concatenate": lambda m: m.data.Dataset.range(3).concatenate(m.data.Dataset.range(7, 9)),
    "concatenate_shapes": lambda m: (
        m.data.Dataset.from_tensors([1, 2])
        .concatenate(m.data.Dataset.from_tensors([3, 4, 5]))
        .map(lambda v: m.shape(v))
    ),
    "filter": lambda m: m.data.Dataset.range(10).filter(lambda v: m.equal(v % 3, 1)),
    "flat_map": lambda m: m.data.Dataset.from_tensor_slices(X).flat_map(
        lambda row: m.data.Dataset.from_tensor_slices(row[:2])
    ),
    "interleave": lambda m: m.data.Dataset.range(1, 5).interleave(
        lambda v: m.data.Dataset.from_tensors(v).repeat(v), cycle_length=2, block_length=3
    ),
    "interleave_block1": lambda m: m.data.Dataset.range(1, 6).interleave(
        lambda v: m.data.Dataset.range(v * 10, v * 10 + v), cycle_length=3
    ),
    "batch_drop_remainder": lambda m: m.data.Dataset.range(10).batch(3, drop_remainder=True),
    "padded_batch": lambda m: (
        m.data.Dataset.range(1, 6)
        .map(lambda v: m.fill([v], v))
        .padded_batch(2, padded_shapes=[None])
    ),
    "padded_batch_fixed_values": lambda m: (
        m.data.Dataset.range(1, 5)
        .map(lambda v: (m.fill([v], m.cast(v, m.float32)), m.as_string(v)))
        .padded_batch(3, padded_shapes=([6], []), padding_values=(-1.0, "pad"))
    ),
    "unbatch": lambda m: m.data.Dataset.from_tensors((X, Y)).unbatch(),
    "take_skip": lambda m: m.data.Dataset.range(20).skip(3).take(5),
    "take_all": lambda m: m.data.Dataset.range(4).take(-1),
    "shard": lambda m: m.data.Dataset.range(11).shard(3, 1),
    "enumerate": lambda m: m.data.Dataset.from_tensor_slices(WORDS).enumerate(start=5),
    "repeat_batch": lambda m: m.data.Dataset.range(3).repeat(3).batch(4),
    "take_while": lambda m: m.data.Dataset.range(10).take_while(lambda v: v < 4),
    "cache_repeat": lambda m: m.data.Dataset.range(3).map(lambda v: v * v).cache().repeat(2),
    "prefetch": lambda m: m.data.Dataset.range(7).map(lambda v: m.cast(v, m.float64)).prefetch(2),
    "apply": lambda m: m.data.Dataset.range(8).apply(lambda d: d.batch(3)),
    "map_string_ops": lambda m: m.data.Dataset.from_tensor_slices(WORDS).map(
        lambda w: (m.strings.length(w), m.strings.join([w, w], separator="-"))
    ),
    "map_returns_list": lambda m: m.data.Dataset.range(3).map(lambda v: [v, v * 2]),
    "map_captures": lambda m: m.data.Dataset.range(3).map(lambda v: v + m.constant(100, m.int64)),
    "map_parallel": lambda m: m.data.Dataset.range(20).map(
        lambda v: m.square(v), num_parallel_calls=4
    ),
    "generator": lambda m: m.data.Dataset.from_generator(
        lambda: ((np.arange(i, dtype=np.int32), float(i)) for i in range(4)),
        (m.int32, m.float32),
        ([None], []),
    ),
    "generator_args": lambda m: m.data.Dataset.from_generator(
        lambda n: iter(range(int(n))), m.int64, [], args=(4,)
    ),
}


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_elements_as_tf(name):
    theirs, ours = run_both(PIPELINES[name])
    assert len(ours) == len(theirs) > 0
    assert_same(theirs, ours)


@pytest.mark.parametrize("name", sorted(PIPELINES))
def test_pipeline_types_and_shapes_as_tf(name):
    with T.Graph().as_default():
        d = PIPELINES[name](T)
        want = (shapes(T.data.get_output_types(d)), shapes(T.data.get_output_shapes(d)))
    with tf.Graph().as_default():
        d = PIPELINES[name](tf)
        got = (shapes(tf.data.get_output_types(d)), shapes(tf.data.get_output_shapes(d)))
    assert got == want


@pytest.mark.parametrize(
    "name",
    [
        "range_1",
        "range_3_negative",
        "zip",
        "concatenate",
        "take_skip",
        "shard",
        "repeat_batch",
        "batch_drop_remainder",
        "slices_tuple_map_batch",
        "filter",
        "take_all",
    ],
)
def test_cardinality_as_tf(name):
    vals = []
    for m in (T, tf):
        with m.Graph().as_default():
            d = PIPELINES[name](m)
            c = m.data.experimental.cardinality(d) if m is T else d.cardinality()
            with m.Session() as s:
                vals.append(int(s.run(c)))
    assert vals[1] == vals[0]


def test_infinite_cardinality_and_constants():
    with tf.Graph().as_default():
        c = tf.data.Dataset.range(3).repeat().cardinality()
        with tf.Session() as s:
            assert s.run(c) == tf.data.INFINITE_CARDINALITY == T.data.INFINITE_CARDINALITY
    assert tf.data.UNKNOWN_CARDINALITY == T.data.UNKNOWN_CARDINALITY
    assert tf.data.AUTOTUNE == T.data.AUTOTUNE


def test_reduce_and_single_element_as_tf():
    vals = []
    for m in (T, tf):
        with m.Graph().as_default():
            d = m.data.Dataset.from_tensor_slices((X, Y))
            total = d.reduce(
                (np.float32(0), np.int64(0)),
                lambda s, e, m=m: (s[0] + m.reduce_sum(e[0]), s[1] + e[1]),
            )
            one = m.data.Dataset.from_tensors(X).get_single_element()
            with m.Session() as s:
                vals.append(s.run((total, one)))
    assert_same(vals[0], vals[1])


def test_initializable_iterator_reinitialised_with_new_feeds():
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            ph = m.placeholder(m.float32, [None, 2])
            n = m.placeholder(m.int64, [])
            it = m.data.Dataset.from_tensor_slices(ph).batch(n).make_initializable_iterator()
            nxt = it.get_next()
            out = []
            with m.Session() as s:
                for data, b in (([[1, 2], [3, 4], [5, 6]], 2), ([[7, 8]], 5)):
                    s.run(it.initializer, {ph: data, n: b})
                    while True:
                        try:
                            out.append(s.run(nxt))
                        except m.errors.OutOfRangeError:
                            break
            got.append(out)
    assert_same(got[0], got[1])


def test_reinitializable_iterator_switches_datasets():
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            train = m.data.Dataset.range(5).map(lambda v: v * 10)
            val = m.data.Dataset.range(2)
            it = m.data.Iterator.from_structure(
                m.data.get_output_types(train), m.data.get_output_shapes(train)
            )
            nxt = it.get_next()
            init_train, init_val = it.make_initializer(train), it.make_initializer(val)
            out = []
            with m.Session() as s:
                for init, k in ((init_train, 3), (init_val, 2), (init_train, 2)):
                    s.run(init)
                    out += [s.run(nxt) for _ in range(k)]
            got.append(out)
    assert_same(got[0], got[1])


def test_feedable_iterator_by_string_handle():
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            a = m.data.make_one_shot_iterator(m.data.Dataset.range(100).repeat())
            b = m.data.make_initializable_iterator(m.data.Dataset.range(-3, 0))
            handle = m.placeholder(m.string, [])
            it = m.data.Iterator.from_string_handle(
                handle, m.data.get_output_types(a), m.data.get_output_shapes(a)
            )
            nxt = it.get_next()
            out = []
            with m.Session() as s:
                ha, hb = s.run([a.string_handle(), b.string_handle()])
                s.run(b.initializer)
                for h in (ha, ha, hb, ha, hb):
                    out.append(s.run(nxt, {handle: h}))
            got.append(out)
    assert_same(got[0], got[1])


def test_one_shot_iterator_feeds_a_training_step():
    """get_next's values read by kernels (the plan after the pipeline), a step per element."""
    got = []
    for m in (T, tf):
        with m.Graph().as_default():
            m.set_random_seed(0)
            x, y = m.data.make_one_shot_iterator(
                m.data.Dataset.from_tensor_slices((X, Y.astype(np.float32))).repeat(2).batch(3)
            ).get_next()
            w = m.Variable(np.full([4, 1], 0.1, np.float32))
            loss = m.reduce_mean(m.square(m.squeeze(m.matmul(x, w), 1) - y))
            step = m.train.GradientDescentOptimizer(0.001).minimize(loss)
            losses = []
            with m.Session() as s:
                s.run(m.global_variables_initializer())
                while True:
                    try:
                        losses.append(s.run([loss, step])[0])
                    except m.errors.OutOfRangeError:
                        break
            got.append(np.array(losses))
    assert len(got[1]) == len(got[0]) == 4
    np.testing.assert_allclose(got[1], got[0], rtol=1e-5)


def test_shuffle_seeded_is_a_permutation_and_reproducible():
    def elements(seed, reshuffle=None, m=tf):
        with m.Graph().as_default():
            d = m.data.Dataset.range(50).shuffle(10, seed=seed, reshuffle_each_iteration=reshuffle)
            nxt = m.data.make_one_shot_iterator(d.repeat(2)).get_next()
            with m.Session() as s:
                return [int(s.run(nxt)) for _ in range(100)]

    a, b = elements(7), elements(7)
    assert a == b
    assert sorted(a[:50]) == list(range(50)) == sorted(a[50:])
    assert a[:50] != list(range(50))
    assert a[:50] != a[50:]  # (reshuffled each epoch, TF's default)
    fixed = elements(7, reshuffle=False)
    assert fixed[:50] == fixed[50:]
    # TF's shuffle buffer: an element can come out no earlier than its buffer allows
    tf_order = elements(7, m=T)
    for order in (a, tf_order):
        assert all(v <= i + 9 for i, v in enumerate(order[:50]))
