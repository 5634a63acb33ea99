"""``tf.image``'s resizers side by side with TF 2.21 ``compat.v1``: ``resize_bilinear``,
``resize_nearest_neighbor``, ``resize_bicubic`` and ``resize_area`` under every pixel
convention (legacy, ``align_corners``, ``half_pixel_centers``), up and down, for uint8 /
integer / float inputs, sizes known only when run, their gradients (TF's ResizeBilinearGrad /
ResizeNearestNeighborGrad / ResizeBicubicGrad); ``resize_images`` / ``resize`` with each
``ResizeMethod`` and ``preserve_aspect_ratio``; ``resize_image_with_pad``; TF's errors."""

from __future__ import annotations

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
RNG = np.random.default_rng(18)
F32 = RNG.random((2, 5, 7, 3)).astype(np.float32)
U8 = (RNG.random((1, 6, 4, 2)) * 256).astype(np.uint8)
F64 = RNG.random((1, 4, 5, 1))
I32 = RNG.integers(-50, 50, (1, 3, 4, 2)).astype(np.int32)
GRAD_W = {}


def both(build):
    out = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            fetch = build(m)
            with m.Session() as sess:
                out.append(sess.run(fetch))
    return out


def check(a, b, tol=1e-5):
    if isinstance(a, (list, tuple)):
        for x, y in zip(a, b):
            check(x, y, tol)
        return
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    if a.dtype.kind in "iub":
        np.testing.assert_array_equal(a, b)
    else:
        np.testing.assert_allclose(a, b, rtol=tol, atol=tol * max(1.0, np.abs(a).max()))


MODES = [(False, False), (True, False), (False, True)]
SIZES = [(9, 11), (3, 4), (5, 7), (1, 1), (2, 13)]


@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic"])
@pytest.mark.parametrize("mode", MODES, ids=["legacy", "align", "half"])
def test_resize_values_and_gradients(fn, mode):
    ac, hp = mode
    for size in SIZES:
        for x in (F32, U8, F64, I32):

            def build(m, x=x, size=size):
                xt = m.constant(x)
                out = getattr(m.image, fn)(xt, size, align_corners=ac, half_pixel_centers=hp)
                if x.dtype.kind != "f":
                    return out
                key = tuple(out.shape.as_list())
                w = GRAD_W.setdefault(key, RNG.random(key).astype(np.float32) - 0.5)
                return [out, m.gradients(m.reduce_sum(m.cast(out, m.float32) * w), xt)[0]]

            check(*both(build))


@pytest.mark.parametrize("ac", [False, True])
def test_resize_area(ac):
    for size in SIZES:
        for x in (F32, U8, F64, I32):
            check(*both(lambda m, x=x, size=size: m.image.resize_area(x, size, align_corners=ac)))


@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_nearest_neighbor", "resize_bicubic"])
def test_sizes_known_when_run(fn):
    def build(m):
        x = m.placeholder_with_default(F32, [None, None, None, 3])
        size = m.placeholder_with_default(np.array([8, 3], np.int32), [2])
        out = getattr(m.image, fn)(x, size, half_pixel_centers=True)
        assert out.shape.as_list() == [None, None, None, 3]
        return out

    check(*both(build))

    def build_static(m):
        x = m.placeholder(m.float32, [None, None, None, 3])
        return getattr(m.image, fn)(x, [4, 6]).shape.as_list()

    theirs, ours = [], []
    with real_tf.Graph().as_default():
        theirs = build_static(T)
    with tf.Graph().as_default():
        ours = build_static(tf)
    assert theirs == ours == [None, 4, 6, 3]


@pytest.mark.parametrize("method", [0, 1, 2, 3, "bilinear", "nearest", "bicubic", "area"])
def test_resize_images(method):
    for x in (F32, U8[0], F64):
        for size in ((7, 9), (2, 3), x.shape[-3:-1]):
            for par in (False, True):

                def build(m, x=x, size=size, par=par):
                    return m.image.resize_images(
                        x, size, method=method, align_corners=False, preserve_aspect_ratio=par
                    )

                check(*both(build))
    check(*both(lambda m: m.image.resize(F32, [6, 6], method, align_corners=True)))
    for k in ("BILINEAR", "NEAREST_NEIGHBOR", "BICUBIC", "AREA"):
        assert getattr(tf.image.ResizeMethod, k) == getattr(T.image.ResizeMethod, k)


def test_resize_image_with_pad():
    for x in (F32, U8):
        for th, tw in ((9, 4), (3, 12), (6, 4)):
            for method in (0, 1):
                check(
                    *both(
                        lambda m, x=x, th=th, tw=tw, method=method: m.image.resize_image_with_pad(
                            x, th, tw, method
                        )
                    )
                )


def _errors(build):
    got = []
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            try:
                out = build(m)
                with m.Session() as sess:
                    sess.run(out)
            except Exception as e:
                got.append(e)
            else:
                got.append(None)
    return got


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "build, cls, text",
    [
        (
            lambda m: m.image.resize_bilinear(np.zeros((4, 4, 1), np.float32), [2, 2]),
            "ValueError",
            "Shape must be rank 4 but is rank 3",
        ),
        (
            lambda m: m.image.resize_bicubic(
                np.zeros((1, 4, 4, 1), np.float32),
                [2, 2],
                align_corners=True,
                half_pixel_centers=True,
            ),
            "InvalidArgumentError",
            "If half_pixel_centers is True, align_corners must be False.",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4), np.float32), [2, 2]),
            "ValueError",
            "'images' must have either 3 or 4 dimensions.",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2, 2, 2]),
            "ValueError",
            "'size' must be a 1-D Tensor of 2 elements",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2, 3], method=7),
            "ValueError",
            "Resize method is not implemented: 7",
        ),
        (
            lambda m: m.image.resize_images(np.zeros((4, 4, 1), np.float32), [2.5, 3]),
            "ValueError",
            "'size' must be a 1-D int32 Tensor",
        ),
    ],
)
def test_bad_input(build, cls, text):
    theirs, ours = _errors(build)
    assert type(theirs).__name__ == cls and text in str(theirs), theirs
    assert type(ours).__name__ == cls and text in str(ours), ours


@pytest.mark.bad_input
def test_non_positive_size_when_run():
    def build(m):
        size = m.placeholder_with_default(np.array([0, 3], np.int32), [2])
        return m.image.resize_bilinear(np.zeros((1, 4, 4, 1), np.float32), size)

    theirs, ours = _errors(build)
    assert type(theirs).__name__ == type(ours).__name__ == "InvalidArgumentError"
    assert "output dimensions must be positive" in str(ours)


def test_result_names_are_tfs():
    """The kernel-backed composites put TF's op name on their result."""

    def names(m):
        x = np.zeros((1, 4, 4, 3), np.float32)
        return [
            m.image.resize_bilinear(x, [2, 2]).name,
            m.image.resize_nearest_neighbor(x, [2, 2]).name,
            m.image.resize_bicubic(x, [2, 2]).name,
            m.image.resize_area(x, [2, 2]).name,
            m.image.resize_images(x, [2, 2]).name,
            m.image.crop_and_resize(x, [[0, 0, 1, 1.0]], [0], [2, 2]).name,
            m.image.rgb_to_hsv(x).name,
            m.image.hsv_to_rgb(x).name,
            m.image.non_max_suppression([[0, 0, 1, 1.0]], [1.0], 1).name,
            m.image.draw_bounding_boxes(x, [[[0, 0, 1, 1.0]]]).name,
            m.image.adjust_hue(x, 0.1).name,
            m.image.per_image_standardization(x).name,
        ]

    with real_tf.Graph().as_default():
        theirs = names(T)
    with tf.Graph().as_default():
        ours = names(tf)
    assert ours == theirs


# ---- ResizeBilinear's C++ kernel and its gradient, bit for bit ----------------------------------
BIG = RNG.random((1, 30, 45, 3)).astype(np.float32) * 255
KERNEL_SIZES = [(9, 11), (3, 4), (1, 1), (2, 13), (30, 45), (22, 22), (61, 7)]


def _same(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, a.shape, b.dtype, b.shape)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("mode", MODES, ids=["legacy", "align", "half"])
def test_resize_bilinear_kernel_is_tfs_bit_for_bit(mode):
    """Up and down, 1-pixel sides and outputs, the input's own size (a copy), batch 2, every
    input dtype TF's kernel reads (converted to float32 as it reads them; here by a Cast)."""
    ac, hp = mode
    one_row = RNG.random((2, 1, 6, 2)).astype(np.float32)
    inputs = [F32, U8, F64, I32, BIG, one_row, F32.astype(np.float16), I32.astype(np.int64)]
    for x in inputs:
        for size in KERNEL_SIZES:

            def build(m, x=x, size=size):
                out = m.image.resize_bilinear(x, size, align_corners=ac, half_pixel_centers=hp)
                if m is tf:
                    assert out.op.type == "ResizeBilinear"
                return out

            _same(*both(build))


@pytest.mark.parametrize("mode", MODES, ids=["legacy", "align", "half"])
def test_resize_bilinear_gradient_is_tfs_resize_bilinear_grad(mode):
    """tf.gradients builds TF's ResizeBilinearGrad; its sums match TF's (1-pixel sides too);
    float64 images get their gradient cast back (TF sums those in float64: within 1e-5)."""
    ac, hp = mode
    for x in (F32, BIG, RNG.random((2, 1, 5, 2)).astype(np.float32), F64):
        for size in ((9, 11), (3, 4), (1, 7), (30, 45), (13, 1)):
            w = RNG.random((x.shape[0], *size, x.shape[3])).astype(np.float32) - 0.5

            def build(m, x=x, size=size, w=w):
                xt = m.constant(x)
                out = m.image.resize_bilinear(xt, size, align_corners=ac, half_pixel_centers=hp)
                dx = m.gradients(out, xt, grad_ys=w)[0]
                if m is tf:
                    assert dx.op.type == "ResizeBilinearGrad" or x.dtype != np.float32
                    assert "ResizeBilinearGrad" in {
                        o.type for o in tf.get_default_graph().get_operations()
                    }
                return dx

            theirs, ours = both(build)
            if x.dtype == np.float32:
                _same(theirs, ours)
            else:
                check(theirs, ours, 1e-5)


def test_resize_bilinear_sizes_fed_when_run():
    """One session, sizes fed run after run (up, down, the input's own): TF's values each time."""
    sizes = [(8, 3), (2, 2), (5, 7), (40, 60), (5, 7), (1, 1)]
    outs = {}
    for m, graph in ((T, real_tf.Graph), (tf, tf.Graph)):
        with graph().as_default():
            x = m.placeholder(m.uint8, [None, None, None, 2])
            size = m.placeholder(m.int32, [2])
            out = m.image.resize_bilinear(x, size, half_pixel_centers=True)
            with m.Session() as sess:
                outs[m] = [sess.run(out, {x: U8, size: s}) for s in sizes]
    for a, b in zip(outs[T], outs[tf]):
        _same(a, b)


def test_graph_def_written_here_runs_in_tf():
    """Our GraphDef holds TF's ResizeBilinear nodes (images, size; T, align_corners,
    half_pixel_centers) and ResizeBilinearGrad: TF imports it and computes the same values."""
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.uint8, [None, 6, 4, 2], name="x")
        size = tf.placeholder(tf.int32, [2], name="size")
        xf = tf.cast(x, tf.float32)
        a = tf.image.resize_bilinear(xf, [9, 5], align_corners=True, name="a")
        b = tf.image.resize_bilinear(x, size, half_pixel_centers=True, name="b")
        c = tf.image.resize_images(x, [3, 7])
        d = tf.gradients(tf.reduce_sum(a * a) + tf.reduce_sum(b), xf)[0]
        fetch = [a, b, c, d]
        feeds = {x: U8, size: [7, 3]}
        with tf.Session() as sess:
            ours = sess.run(fetch, feeds)
        gd = g.as_graph_def()
    nodes = {n.name: n for n in gd.node}
    assert nodes["a"].op == nodes["b"].op == "ResizeBilinear"
    assert nodes["b"].input[:2] == ["b/Cast", "size"]
    assert sorted(nodes["b"].attr) == ["T", "align_corners", "half_pixel_centers"]
    assert nodes["a"].attr["align_corners"].b and nodes["b"].attr["half_pixel_centers"].b
    assert "ResizeBilinearGrad" in {n.op for n in gd.node}
    tg = real_tf.Graph()
    with tg.as_default():
        T.import_graph_def(T.GraphDef.FromString(gd.SerializeToString()), name="")
        with T.Session(graph=tg) as sess:
            theirs = sess.run([t.name for t in fetch], {"x:0": U8, "size:0": [7, 3]})
    for p, q in zip(theirs, ours):
        _same(p, q)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_tf_graph_def_imports_here(dtype):
    """TF's ResizeBilinear nodes (float32 and uint8 images, a constant and a fed size, each
    pixel convention) and its gradient's ResizeBilinearGrad import here as the kernel ops."""
    x_value = (F32[:1] * 255).astype(dtype)
    tg = real_tf.Graph()
    with tg.as_default():
        x = T.placeholder(dtype, [None, 5, 7, 3], name="x")
        size = T.placeholder(T.int32, [2], name="size")
        outs = [
            T.image.resize_bilinear(x, [9, 4], name="legacy"),
            T.image.resize_bilinear(x, [3, 11], align_corners=True, name="align"),
            T.image.resize_bilinear(x, size, half_pixel_centers=True, name="half"),
        ]
        if dtype == np.float32:
            outs.append(T.gradients(T.reduce_sum(outs[1][:, :, :4] * outs[0][:, :3]), x)[0])
        feeds = {"x:0": x_value, "size:0": [6, 2]}
        with T.Session(graph=tg) as sess:
            theirs = sess.run(outs, feeds)
    gd = tg.as_graph_def()
    assert "ResizeBilinear" in {n.op for n in gd.node}
    with tf.Graph().as_default() as g:
        got = tf.import_graph_def(gd, return_elements=[t.name for t in outs], name="imp")
        ops = {op.name: op.type for op in g.get_operations()}
        assert ops["imp/legacy"] == ops["imp/align"] == ops["imp/half"] == "ResizeBilinear"
        if dtype == np.float32:
            assert "ResizeBilinearGrad" in ops.values()
        with tf.Session() as sess:
            ours = sess.run(got, {"imp/x:0": x_value, "imp/size:0": [6, 2]})
    for p, q in zip(theirs, ours):
        _same(p, q)


@pytest.mark.bad_input
@pytest.mark.parametrize(
    "shape, size, text",
    [
        ((1, 0, 4, 3), [2, 2], "input image must be of non-zero size"),
        ((1, 4, 4, 0), [2, 2], "image must have at least one channel"),
        ((1, 4, 4, 3), [2, -3], "output dimensions must be positive"),
    ],
)
def test_resize_bilinear_bad_input_when_run(shape, size, text):
    """Checked when run, as TF's kernel: TF's error class and words, and the session goes on."""

    def build(m):
        x = m.placeholder(m.float32, [None, None, None, None])
        sz = m.placeholder(m.int32, [2])
        out = m.image.resize_bilinear(x, sz)
        with m.Session() as sess:
            try:
                sess.run(out, {x: np.zeros(shape, np.float32), sz: size})
            except Exception as e:
                err = e
            else:
                err = None
            ok = sess.run(out, {x: np.ones((1, 2, 2, 1), np.float32), sz: [3, 3]})
        return err, ok

    with real_tf.Graph().as_default():
        theirs, ok_t = build(T)
    with tf.Graph().as_default():
        ours, ok_o = build(tf)
    assert type(theirs).__name__ == type(ours).__name__ == "InvalidArgumentError", (theirs, ours)
    assert text in str(theirs) and text in str(ours), (theirs, ours)
    _same(ok_t, ok_o)


@pytest.mark.bad_input
def test_resize_bilinear_errors_at_graph_build():
    theirs, ours = _errors(
        lambda m: m.image.resize_bilinear(
            np.zeros((1, 4, 4, 1), np.float32), [2, 2], align_corners=True, half_pixel_centers=True
        )
    )
    for e in (theirs, ours):
        assert type(e).__name__ == "InvalidArgumentError"
        assert "If half_pixel_centers is True, align_corners must be False." in str(e)
    with tf.Graph().as_default(), pytest.raises(TypeError, match="DataType complex64 not in list"):
        tf.image.resize_bilinear(np.zeros((1, 2, 2, 1), np.complex64), [3, 3])


@pytest.mark.bad_input
def test_resize_bilinear_huge_output_is_resource_exhausted():
    """A fed size whose output cannot be allocated: ResourceExhaustedError (the plan's buffer is
    sized before it is allocated), and the session stays usable."""
    with tf.Graph().as_default():
        size = tf.placeholder(tf.int32, [2])
        out = tf.image.resize_bilinear(np.ones((2, 2, 2, 3), np.float32), size)
        with tf.Session() as sess:
            with pytest.raises(tf.errors.ResourceExhaustedError, match="OOM when allocating"):
                sess.run(out, {size: [2**30, 2**30]})
            assert sess.run(out, {size: [3, 1]}).shape == (2, 3, 1, 3)
