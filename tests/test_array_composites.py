"""Array ops beyond the op table: the composites (tile, stack/unstack, mirror pad, one_hot,
clipping, strided_slice with masks, tensor indices), static shapes with unknown dimensions, and
the errors of graph building (ValueError naming the op and the shapes) and of running
(InvalidArgumentError naming the op and the bad index).

References are NumPy, written plainly; strided_slice's masks are also checked against TensorFlow.
"""

from __future__ import annotations

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np
import pytest
import tensorflow as real_tf  # the test extra, as in test_checkpoint_tf_interop
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from op_table import grad_check

import tflite_core as tf
from tflite_core import errors


def run(fetches, feeds=None):
    with tf.Session() as sess:
        return sess.run(fetches, feeds)


def partial(x: np.ndarray) -> tf.Tensor:
    """A placeholder for ``x`` with every dimension unknown."""
    return tf.placeholder(tf.as_dtype(x.dtype), [None] * x.ndim)


# ---- tile ---------------------------------------------------------------------------------------
shapes_and_multiples = st.integers(0, 3).flatmap(
    lambda r: st.tuples(
        hnp.array_shapes(min_dims=r, max_dims=r, min_side=0, max_side=3),
        st.lists(st.integers(0, 3), min_size=r, max_size=r),
    )
)


@given(sm=shapes_and_multiples, known=st.booleans())
def test_tile_matches_numpy(sm, known):
    shape, multiples = sm
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float32, shape if known else [None] * len(shape))
        y = tf.tile(p, multiples)
        got = run(y, {p: x})
        assert y.shape.is_compatible_with(got.shape)
        if known:
            assert y.shape.as_list() == list(got.shape)
    np.testing.assert_array_equal(got, np.tile(x, multiples))


@pytest.mark.bad_input
def test_tile_static_shapes_and_graph():
    with tf.Graph().as_default():
        y = tf.tile(tf.placeholder(tf.float32, [None, 3]), [2, 3])
        assert y.shape.as_list() == [None, 9] and y.op.type == "Tile"
        z = tf.tile(tf.zeros([2, 3]), [2, 1], name="t")
        assert z.name == "t:0" and z.op.type == "Tile" and z.shape.as_list() == [4, 3]
        with pytest.raises(ValueError, match=r"\[Tile\] Expected multiples argument to be a "
                           r"vector of length 2 but got length 1 for 'Tile"):  # fmt: skip
            tf.tile(tf.zeros([2, 3]), [2])
        with pytest.raises(ValueError, match=r"multiples\[1\] >= 0"):
            tf.tile(tf.zeros([2, 3]), [1, -1])
        m = tf.placeholder(tf.int32, [2])  # multiples known only when run
        w = tf.tile(tf.zeros([2, 3]), m)
        assert w.shape.as_list() == [None, None]
        assert run(w, {m: [3, 0]}).shape == (6, 0)


def test_tile_gradients():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2, 3))
    grad_check(lambda t: tf.tile(t, [2, 3]), [x])
    # unknown dimensions: the gradient sums the copies of each element
    w = rng.normal(size=(4, 9))
    with tf.Graph().as_default():
        p = partial(x)
        (dx,) = tf.gradients(tf.reduce_sum(tf.tile(p, [2, 3]) * w), p)
        got = run(dx, {p: x})
    np.testing.assert_allclose(got, w.reshape(2, 2, 3, 3).sum(axis=(0, 2)), rtol=1e-12)


# ---- stack / unstack -----------------------------------------------------------------------------
@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=3),
    n=st.integers(1, 3),
    data=st.data(),
)
def test_stack_and_unstack_match_numpy(shape, n, data):
    axis = data.draw(st.integers(-len(shape) - 1, len(shape)))
    xs = [np.full(shape, i, np.float64) + np.arange(int(np.prod(shape))).reshape(shape)
          for i in range(n)]  # fmt: skip
    want = np.stack(xs, axis)
    with tf.Graph().as_default():
        ps = [partial(x) for x in xs]
        y = tf.stack(ps, axis)
        parts = tf.unstack(tf.constant(want), axis=axis)
        got, got_parts = run([y, parts], dict(zip(ps, xs)))
        assert [p.shape.as_list() for p in parts] == [list(x.shape) for x in xs]
    np.testing.assert_array_equal(got, want)
    for a, b in zip(got_parts, xs):
        np.testing.assert_array_equal(a, b)


def test_stack_unstack_gradients_and_names():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    grad_check(lambda x, y: tf.stack([x, y], axis=1), [a, b])
    grad_check(lambda x: tf.unstack(x, axis=1)[::2], [a])  # unused pieces get no gradient
    with tf.Graph().as_default():
        s = tf.stack([tf.placeholder(tf.float32, [None, 3])] * 2, axis=-1)
        assert s.name == "stack:0" and s.shape.as_list() == [None, 3, 2]
        c = tf.stack([[1, 2], [3, 4]])  # constants: one Const, as TF
        assert c.op.type == "Const" and run(c).tolist() == [[1, 2], [3, 4]]
        assert tf.pack is tf.stack and tf.unpack is tf.unstack


@pytest.mark.bad_input
def test_stack_unstack_errors():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=r"\[Pack\] Dimension 1 in both shapes must be equal, "
                           r"but are 3 and 4 for 'stack' \(op: 'Pack'\) with input shapes: "
                           r"\[2,3\], \[2,4\]\."):  # fmt: skip
            tf.stack([tf.zeros([2, 3]), tf.zeros([2, 4])])
        with pytest.raises(ValueError, match=r"Shapes must be equal rank, but are 2 and 1"):
            tf.stack([tf.zeros([2, 3]), tf.zeros([3])])
        with pytest.raises(ValueError, match=r"axis = 3 not in \[-2, 2\)"):
            tf.stack([tf.zeros([2]), tf.zeros([2])], axis=3)
        with pytest.raises(ValueError, match="Cannot infer num from shape"):
            tf.unstack(tf.placeholder(tf.float32, [None, 2]))
        with pytest.raises(ValueError, match=r"\[Unpack\] Dimension must be 3 but is 2"):
            tf.unstack(tf.zeros([2, 2]), num=3)
        with pytest.raises(TypeError, match="values\\[1\\]"):
            tf.stack([tf.zeros([2]), tf.zeros([2], tf.int32)])


# ---- expand_dims, squeeze, reshape --------------------------------------------------------------
@pytest.mark.bad_input
def test_expand_dims_and_squeeze_with_unknown_dimensions():
    x = np.arange(6.0).reshape(2, 1, 3)
    with tf.Graph().as_default():
        p = partial(x)
        e = tf.expand_dims(p, -1)
        s0 = tf.squeeze(p, [1])
        s1 = tf.squeeze(p)
        assert e.shape.as_list() == [None, None, None, 1]
        assert s0.shape.as_list() == [None, None]
        assert s1.shape.ndims is None  # an unknown dimension might be 1 (as TF)
        got = run([e, s0, s1], {p: x})
        assert [v.shape for v in got] == [(2, 1, 3, 1), (2, 3), (2, 3)]
        with pytest.raises(errors.InvalidArgumentError, match="Can not squeeze dim\\[0\\]"):
            run(tf.squeeze(p, [0]), {p: x})
        assert e.op.type == "ExpandDims" and tf.expand_dims(p, 0, name="e").name == "e:0"


@pytest.mark.bad_input
def test_expand_dims_squeeze_reshape_errors():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        with pytest.raises(ValueError, match=r"\[ExpandDims\] Tried to expand dim index 3 for "
                           r"tensor with 2 dimensions for 'ExpandDims'"):  # fmt: skip
            tf.expand_dims(x, 3)
        with pytest.raises(ValueError, match=r"\[Squeeze\] Can not squeeze dim\[1\], expected a "
                           r"dimension of 1, got 3 for 'Squeeze' \(op: 'Squeeze'\) with input "
                           r"shapes: \[2,3\]\."):  # fmt: skip
            tf.squeeze(x, [1])
        with pytest.raises(ValueError, match=r"Tried to squeeze dim index 2"):
            tf.squeeze(x, [2])
        with pytest.raises(ValueError, match=r"\[Reshape\] Dimension size must be evenly "
                           r"divisible by 4 but is 6 for 'Reshape'"):  # fmt: skip
            tf.reshape(x, [4, -1])
        with pytest.raises(ValueError, match=r"Cannot reshape a tensor with 6 elements to shape "
                           r"\[4,2\] \(8 elements\) for 'Reshape_1'"):  # fmt: skip
            tf.reshape(x, [4, 2])
        two = tf.reshape(x, [-1, -1])  # as TF: left to the kernel, which refuses it
        assert two.shape.as_list() == [None, None]
        with pytest.raises(errors.InvalidArgumentError, match="Only one input size may be -1"):
            run(two)
        p = tf.placeholder(tf.float32, [None, 3])
        r = tf.reshape(p, [-1, 2])
        assert r.shape.as_list() == [None, 2]
        assert run(r, {p: np.zeros((4, 3))}).shape == (6, 2)
        with pytest.raises(
            errors.InvalidArgumentError,
            match="Input to reshape is a tensor with 3 values, but the requested shape requires "
            "a multiple of 2",
        ):
            run(r, {p: np.zeros((1, 3))})


# ---- pad ----------------------------------------------------------------------------------------
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4),
    mode=st.sampled_from(["REFLECT", "SYMMETRIC", "constant"]),
    data=st.data(),
)
def test_pad_modes_match_numpy(shape, mode, data):
    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape) * 1.5
    top = {"REFLECT": -1, "SYMMETRIC": 0, "constant": 3}[mode]
    pads = [[data.draw(st.integers(0, max(n + top, 0))) for _ in range(2)] for n in shape]
    np_mode = mode.lower()
    want = np.pad(x, pads, mode=np_mode)
    with tf.Graph().as_default():
        p = tf.placeholder(tf.float64, [None, *list(shape[1:])])
        y = tf.pad(p, pads, mode)
        got = run(y, {p: x})
        assert y.shape.is_compatible_with(want.shape)
    np.testing.assert_array_equal(got, want)


@pytest.mark.bad_input
def test_pad_gradients_and_fed_paddings():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(3, 4))
    for mode in ("CONSTANT", "REFLECT", "SYMMETRIC"):
        grad_check(lambda t, mode=mode: tf.pad(t, [[1, 2], [2, 1]], mode), [x])
    grad_check(lambda t: tf.pad(t, [[0, 1], [1, 0]], constant_values=2.5), [x])
    with tf.Graph().as_default():
        p = tf.placeholder(tf.int32, [2, 2])
        y = tf.pad(tf.constant(x), p)
        assert y.shape.as_list() == [None, None]
        for pads in ([[1, 0], [0, 2]], [[0, 0], [3, 1]]):  # each value: its own plan
            np.testing.assert_array_equal(run(y, {p: pads}), np.pad(x, pads))
        a = tf.constant(x)  # paddings known only when run: the gradient slices them off
        w = tf.constant(np.arange(28.0).reshape(4, 7))
        (g,) = tf.gradients(tf.reduce_sum(tf.pad(a * 1.0, p) * w), a)
        pads = [[1, 0], [2, 1]]
        np.testing.assert_array_equal(run(g, {p: pads}), np.arange(28.0).reshape(4, 7)[1:, 2:6])


@pytest.mark.bad_input
def test_pad_errors():
    with tf.Graph().as_default():
        x = tf.zeros([2, 3])
        with pytest.raises(ValueError, match=r"\[Pad\] paddings must be a matrix with shape "
                           r"\[2, 2\], got \[3, 2\] for 'Pad'"):  # fmt: skip
            tf.pad(x, [[0, 0], [0, 0], [1, 1]])
        with pytest.raises(ValueError, match=r"Paddings must be non-negative: 0 -1"):
            tf.pad(x, [[0, -1], [0, 0]])
        with pytest.raises(ValueError, match=r"less than the dimension size: 2, 0 vs. 2"):
            tf.pad(x, [[2, 0], [0, 0]], "REFLECT")
        with pytest.raises(ValueError, match="Unknown padding mode: WRAP"):
            tf.pad(x, [[0, 0], [0, 0]], "wrap")
        assert tf.pad(x, [[1, 1], [0, 0]], constant_values=0).op.type == "Pad"
        assert tf.pad(x, [[1, 1], [0, 0]], constant_values=1).op.type == "PadV2"


# ---- where / Select -----------------------------------------------------------------------------
def test_where_with_a_row_condition_and_gradients():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(3, 2, 2)), rng.normal(size=(3, 2, 2))
    c = np.array([True, False, True])
    with tf.Graph().as_default():
        got = run(tf.where(c, x, y))
    np.testing.assert_array_equal(got, np.where(c[:, None, None], x, y))
    grad_check(lambda a, b: tf.where(c, a, b), [x, y])
    with tf.Graph().as_default():
        a, b = tf.constant(x), tf.constant(y)
        ga, gb = run(tf.gradients(tf.reduce_sum(tf.where(c, a, b) * 2.0), [a, b]))
    np.testing.assert_array_equal(ga, 2.0 * c[:, None, None] * np.ones_like(x))
    np.testing.assert_array_equal(gb, 2.0 * ~c[:, None, None] * np.ones_like(y))


@pytest.mark.bad_input
def test_where_errors():
    with tf.Graph().as_default():
        c = tf.placeholder(tf.bool, [2, 3])
        coords = tf.where(c)  # one argument: the coordinates (op Where), counted when run
        assert coords.op.type == "Where" and coords.shape.as_list() == [None, 2]
        with pytest.raises(ValueError, match="both be non-None"):
            tf.where(c, x=tf.zeros([2, 3]))
        with pytest.raises(ValueError, match=r"\[Select\] Shapes must be equal rank, but are 2 "
                           r"and 3 for 'Select' \(op: 'Select'\) with input shapes: \[2,3\], "
                           r"\[2,3,1\], \[2,3,1\]\."):  # fmt: skip
            tf.where(c, tf.zeros([2, 3, 1]), tf.zeros([2, 3, 1]))
        with pytest.raises(ValueError, match=r"Shapes of x and y must be equal"):
            tf.where(c, tf.zeros([2, 3]), tf.zeros([3]))
        with pytest.raises(TypeError, match="does not match type float32"):
            tf.where(c, tf.zeros([2, 3]), tf.zeros([2, 3], tf.float64))
        with pytest.raises(TypeError, match="expected type of bool"):
            tf.where(tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([2, 3]))


# ---- gather and tensor indices ------------------------------------------------------------------
def test_gather_gradient_sums_repeated_ids():
    rng = np.random.default_rng(4)
    params = rng.normal(size=(4, 3, 2))
    ids = np.array([[3, 0], [3, 3]], np.int64)
    for axis in (0, 1, -1):
        idx = ids % params.shape[axis]
        grad_check(lambda p, axis=axis, idx=idx: tf.gather(p, idx, axis=axis), [params])
    with tf.Graph().as_default():
        p = tf.constant(params)
        (g,) = run(tf.gradients(tf.reduce_sum(tf.gather(p, ids)), p))
    np.testing.assert_array_equal(g[:, 0, 0], [1, 0, 0, 3])  # row 3 taken three times


@pytest.mark.bad_input
def test_gather_out_of_range_is_an_invalid_argument_naming_op_and_index():
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [None])
        y = tf.gather(tf.zeros([3, 2]), ids, name="lookup")
        assert run(y, {ids: [2, 0]}).shape == (2, 2)
        for bad, where in (([1, 3], r"indices\[1\] = 3"), ([-1], r"indices\[0\] = -1")):
            with pytest.raises(errors.InvalidArgumentError, match=rf"\[GatherV2\] {where} is not "
                               r"in \[0, 3\) \(node 'lookup'\)"):  # fmt: skip
                run(y, {ids: bad})
        with pytest.raises(ValueError, match=r"\[GatherV2\] Expected axis in the range \[-2, 2\)"):
            tf.gather(tf.zeros([3, 2]), [0], axis=2)
        with pytest.raises(TypeError, match="not in list of allowed values: int16, int32, int64"):
            tf.gather(tf.zeros([3, 2]), [0.5])


@pytest.mark.bad_input
def test_getitem_with_tensor_indices():
    x = np.arange(24.0).reshape(2, 3, 4)
    with tf.Graph().as_default():
        t = tf.constant(x)
        i = tf.placeholder(tf.int32, [])
        j = tf.placeholder(tf.int64, [])
        k = tf.constant(1)
        a, b, c = t[i], t[:, i, 1:], t[j, ..., i]
        d = t[k, :, tf.constant(-1)]  # known values: a plain strided slice
        assert d.op.type == "StridedSlice" and d.shape.as_list() == [3]
        assert a.shape.as_list() == [3, 4] and b.shape.as_list() == [2, 3]
        for iv, jv in ((1, 0), (-1, -2), (0, 1)):
            got = run([a, b, c, t[..., None][j]], {i: iv, j: jv})
            want = [x[iv], x[:, iv, 1:], x[jv, ..., iv], x[..., None][jv]]
            for g_, w_ in zip(got, want):
                np.testing.assert_array_equal(g_, w_)
        with pytest.raises(errors.InvalidArgumentError, match=r"indices\[0\] = 5 is not in"):
            run(a, {i: 5})
        with pytest.raises(ValueError, match="out of bounds"):
            t[tf.constant(7)]
        with pytest.raises(TypeError, match="slice bounds must be known"):
            t[i:]
        with pytest.raises(TypeError, match=r"scalar tf\.int32/tf\.int64 tensors"):
            t[tf.constant(1.0)]
        (g,) = run(tf.gradients(tf.reduce_sum(t[:, i] * 3.0), t), {i: -2})
    want = np.zeros_like(x)
    want[:, 1] = 3.0
    np.testing.assert_array_equal(g, want)


# ---- strided_slice with masks, against TensorFlow ------------------------------------------------
@pytest.mark.bad_input
@given(data=st.data())
def test_strided_slice_masks_match_tensorflow(data):
    shape = data.draw(hnp.array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=5))
    x = np.arange(int(np.prod(shape)), dtype=np.int32).reshape(shape)
    n = data.draw(st.integers(1, len(shape) + 1))
    bound = st.integers(-6, 6)
    begin = data.draw(st.lists(bound, min_size=n, max_size=n))
    end = data.draw(st.lists(bound, min_size=n, max_size=n))
    strides = data.draw(st.lists(st.sampled_from([-2, -1, 1, 2, 3]), min_size=n, max_size=n))
    bits = st.integers(0, 2**n - 1)
    masks = dict(
        begin_mask=data.draw(bits),
        end_mask=data.draw(bits),
        ellipsis_mask=data.draw(st.sampled_from([0] + [1 << i for i in range(n)])),
        new_axis_mask=data.draw(bits),
        shrink_axis_mask=data.draw(bits),
    )
    try:
        want = real_tf.strided_slice(x, begin, end, strides, **masks).numpy()
    except (ValueError, real_tf.errors.InvalidArgumentError):
        with tf.Graph().as_default(), pytest.raises((ValueError, errors.InvalidArgumentError)):
            run(tf.strided_slice(x, begin, end, strides, **masks))
        return
    with tf.Graph().as_default():
        y = tf.strided_slice(x, begin, end, strides, **masks)
        assert y.shape.as_list() == list(want.shape)
        if want.ndim > 8:  # new axes past the kernels' 8 dimensions: a clear error, no result
            with pytest.raises(errors.InvalidArgumentError, match="at most 8"):
                run(y)
            return
        got = run(y)
    np.testing.assert_array_equal(got, want)


@pytest.mark.bad_input
def test_strided_slice_errors_and_gradient():
    with tf.Graph().as_default():
        x = tf.zeros([3, 4])
        with pytest.raises(ValueError, match="1D equal size"):
            tf.strided_slice(x, [0, 0], [1], [1, 1])
        with pytest.raises(ValueError, match=r"strides\[1\] must be non-zero"):
            tf.strided_slice(x, [0, 0], [1, 1], [1, 0])
        with pytest.raises(ValueError, match="Multiple ellipses"):
            tf.strided_slice(x, [0, 0], [1, 1], ellipsis_mask=3)
        b = tf.placeholder(tf.int32, [2])  # known only when run
        np.testing.assert_array_equal(
            run(tf.strided_slice(x + 1.0, b, [3, 3]), {b: [1, 1]}), np.ones((2, 2))
        )
    grad_check(
        lambda t: tf.strided_slice(t, [2, 0], [0, 4], [-1, 2], new_axis_mask=4),
        [np.random.default_rng(5).normal(size=(3, 4))],
    )


# ---- one_hot and range --------------------------------------------------------------------------
@given(
    ids=hnp.arrays(np.int64, hnp.array_shapes(min_dims=0, max_dims=2, max_side=3),
                   elements=st.integers(-2, 5)),
    depth=st.integers(0, 4),
    data=st.data(),
)  # fmt: skip
def test_one_hot_matches_numpy(ids, depth, data):
    axis = data.draw(st.sampled_from([None, -1, *range(ids.ndim + 1)]))
    dtype = data.draw(st.sampled_from([np.float32, np.int32, np.float64]))
    on, off = dtype(data.draw(st.integers(-3, 3))), dtype(data.draw(st.integers(-3, 3)))
    eye = (ids[..., None] == np.arange(depth)).astype(dtype)
    want = np.moveaxis(eye * on + (1 - eye) * off, -1, -1 if axis is None else axis)
    with tf.Graph().as_default():
        y = tf.one_hot(ids, depth, on_value=on, off_value=off, axis=axis)
        assert y.dtype == tf.as_dtype(dtype) and y.shape.as_list() == list(want.shape)
        got = run(y)
    np.testing.assert_array_equal(got, want)


@pytest.mark.bad_input
def test_one_hot_dtypes_and_errors():
    with tf.Graph().as_default():
        assert tf.one_hot([1], 3).dtype == tf.float32
        assert tf.one_hot([1], 3, on_value=5).dtype == tf.int32
        assert tf.one_hot([1], 3, dtype=tf.float64).dtype == tf.float64
        with pytest.raises(TypeError, match="dtype <dtype: 'float32'> of on_value does not "
                           "match dtype parameter <dtype: 'float64'>"):  # fmt: skip
            tf.one_hot([1], 3, on_value=1.0, dtype=tf.float64)  # as TF: 1.0 is float32
        with pytest.raises(TypeError, match="does not match dtype"):
            tf.one_hot([1], 3, on_value=1.0, off_value=0)
        with pytest.raises(TypeError, match="indices must be int32 or int64, got float32"):
            tf.one_hot([1.0], 3)


@pytest.mark.bad_input
def test_range_values_dtypes_and_errors():
    with tf.Graph().as_default():
        cases = [
            (tf.range(5), np.arange(5, dtype=np.int32)),
            (tf.range(1, 10, 4), np.array([1, 5, 9], np.int32)),
            (tf.range(10, 1, -3), np.array([10, 7, 4], np.int32)),
            (tf.range(0.0, 1.0, 0.3), (np.arange(4) * np.float32(0.3)).astype(np.float32)),
            (tf.range(2, dtype=tf.float64), np.array([0.0, 1.0])),
            (tf.range(tf.constant(3, tf.int64)), np.arange(3, dtype=np.int64)),
            (tf.range(3, 3), np.zeros(0, np.int32)),
        ]
        got = run([c for c, _ in cases])
        for (t, want), g_ in zip(cases, got):
            assert g_.dtype == want.dtype and t.shape.as_list() == [len(want)]
            np.testing.assert_allclose(g_, want, rtol=1e-7)
        n = tf.placeholder(tf.int32, [])
        r = tf.range(n)
        assert r.shape.as_list() == [None]
        assert run(r, {n: 4}).tolist() == [0, 1, 2, 3] and run(r, {n: 2}).tolist() == [0, 1]
        with pytest.raises(ValueError, match=r"\[Range\] Requires delta != 0"):
            tf.range(0, 5, 0)
        with pytest.raises(ValueError, match=r"Requires start <= limit when delta > 0: 5/1"):
            tf.range(5, 1)
        with pytest.raises(ValueError, match=r"Requires start >= limit when delta < 0: 1/5"):
            tf.range(1, 5, -1)
        with pytest.raises(errors.InvalidArgumentError, match="Requires start <= limit"):
            run(r, {n: -2})
    with tf.Graph().as_default():
        assert tf.range(3).name == "range:0"


@pytest.mark.bad_input
def test_unsorted_segment_sum_errors():
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [3])
        y = tf.unsorted_segment_sum(tf.ones([3, 2]), ids, 2)
        assert y.shape.as_list() == [2, 2]
        assert run(y, {ids: [1, 1, 0]}).tolist() == [[1, 1], [2, 2]]
        with pytest.raises(errors.InvalidArgumentError, match=r"segment_ids\[2\] = 2"):
            run(y, {ids: [0, 1, 2]})
        with pytest.raises(ValueError, match=r"must be a prefix of data\.shape"):
            tf.unsorted_segment_sum(tf.ones([3, 2]), [0, 1], 2)


# ---- clipping -----------------------------------------------------------------------------------
@pytest.mark.bad_input
def test_clip_by_value_and_norm_match_numpy():
    rng = np.random.default_rng(6)
    x = rng.normal(size=(4, 5)) * 3
    with tf.Graph().as_default():
        t = tf.constant(x)
        got = run(
            [
                tf.clip_by_value(t, -1.0, 2.0),
                tf.clip_by_norm(t, 1.5),
                tf.clip_by_norm(t, 1.5, axes=[1]),
                tf.clip_by_norm(t, 100.0),
                tf.clip_by_norm(tf.zeros([3], tf.float64), 1.0),
            ]
        )
    norm_all = np.sqrt(np.sum(x * x))
    norm_rows = np.sqrt(np.sum(x * x, axis=1, keepdims=True))
    np.testing.assert_array_equal(got[0], np.minimum(np.maximum(x, -1.0), 2.0))
    np.testing.assert_allclose(got[1], x * 1.5 / max(norm_all, 1.5), rtol=1e-12)
    np.testing.assert_allclose(got[2], x * 1.5 / np.maximum(norm_rows, 1.5), rtol=1e-12)
    np.testing.assert_allclose(got[3], x, rtol=1e-12)
    assert got[4].tolist() == [0.0, 0.0, 0.0]
    grad_check(lambda t: tf.clip_by_norm(t, 1.5, axes=[1]), [x])
    grad_check(lambda t: tf.clip_by_value(t, -1.0, 2.0), [np.array([-2.0, 0.5, 1.9, 3.0])])
    with tf.Graph().as_default(), pytest.raises(ValueError, match="not compatible"):
        tf.clip_by_value(tf.zeros([2]), tf.zeros([3, 2]), 1.0)  # would broadcast t


@pytest.mark.bad_input
def test_clip_by_global_norm_matches_numpy():
    rng = np.random.default_rng(7)
    xs = [rng.normal(size=(3, 2)), rng.normal(size=(4,)), rng.normal(size=())]
    norm = np.sqrt(sum(np.sum(x * x) for x in xs))
    with tf.Graph().as_default():
        ts = [tf.constant(x) for x in xs]
        for clip in (0.5 * norm, 2 * norm):
            clipped, n = tf.clip_by_global_norm([ts[0], None, ts[1], ts[2]], clip)
            assert clipped[1] is None
            got = run([c for c in clipped if c is not None] + [n])
            np.testing.assert_allclose(got[-1], norm, rtol=1e-12)
            for g_, x in zip(got[:-1], xs):
                np.testing.assert_allclose(g_, x * clip / max(norm, clip), rtol=1e-12)
        # use_norm replaces the computed norm; an infinite norm makes everything NaN (as TF)
        (c,), _ = tf.clip_by_global_norm([ts[0]], 1.0, use_norm=tf.constant(4.0, tf.float64))
        np.testing.assert_allclose(run(c), xs[0] / 4.0, rtol=1e-12)
        (c,), _ = tf.clip_by_global_norm([ts[0]], 1.0, use_norm=tf.constant(np.inf, tf.float64))
        assert np.isnan(run(c)).all()
        assert run(tf.global_norm(ts)) == pytest.approx(norm, rel=1e-12)
        with pytest.raises(TypeError, match="t_list should be a sequence"):
            tf.clip_by_global_norm(ts[0], 1.0)
    grad_check(lambda a, b: tf.clip_by_global_norm([a, b], 1.0)[0], xs[:2])


# ---- the GraphDef: TensorFlow imports the new op types and computes the same ---------------------
def test_tensorflow_imports_the_new_ops_and_computes_the_same():
    rng = np.random.default_rng(12)
    xv = rng.normal(size=(3, 4)).astype(np.float32)
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3, 4], name="x")
        ids = tf.placeholder(tf.int32, [2], name="ids")
        values, indices = tf.nn.top_k(x, 2)
        outs = [
            tf.pad(x, [[1, 0], [0, 2]]),
            tf.pad(x, [[0, 1], [1, 1]], constant_values=-2.0),
            tf.where(tf.constant([True, False, True]), x, -x),
            tf.gather(x, ids, axis=1),
            tf.unsorted_segment_sum(x, [1, 0, 1], 2),
            tf.range(2, 11, 3),
            tf.expand_dims(x, 1),
            tf.squeeze(tf.expand_dims(x, 0), [0]),
            values,
            indices,
            tf.nn.in_top_k(x, [0, 1, 3], 2),
            tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3, 1], logits=x),
        ]
        feeds = {x: xv, ids: [3, 0]}
        ours = run(outs, feeds)
        gd = g.as_graph_def().SerializeToString()
    tg = real_tf.Graph()
    with tg.as_default():
        tf1 = real_tf.compat.v1
        tf1.import_graph_def(tf1.GraphDef.FromString(gd), name="")
        with tf1.Session(graph=tg) as sess:
            theirs = sess.run([t.name for t in outs], {"x:0": xv, "ids:0": [3, 0]})
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_float32_range_length_is_counted_as_tensorflow():
    args = [np.float32(v) for v in (-3.0, -1.9, 0.1)]
    want = real_tf.range(*args).numpy()
    with tf.Graph().as_default():
        got = run(tf.range(*args))
    assert len(want) == 11 and got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-6)


@pytest.mark.bad_input
def test_more_than_eight_dimensions_is_a_clear_error():
    """Five new axes on a 4-D tensor (TF gives 9-D): the kernels stop at 8 dimensions."""
    x = np.arange(4, dtype=np.int32).reshape(1, 1, 2, 2)
    want = real_tf.strided_slice(x, [0] * 5, [0] * 5, [1] * 5, new_axis_mask=31).numpy()
    assert want.ndim == 9
    with tf.Graph().as_default():
        y = tf.strided_slice(x, [0] * 5, [0] * 5, [1] * 5, new_axis_mask=31)
        assert y.shape.as_list() == list(want.shape)
        with pytest.raises(errors.InvalidArgumentError, match=r"9 dimensions.*at most 8"):
            run(y)
