"""A pure-NumPy reference for every C++ kernel in ``tflite_core._core``.

Each kernel has the C++ signature ``fn(inputs, outputs, ints, floats) -> None``: it reads the
``inputs`` arrays and writes the caller-allocated ``outputs`` arrays in place. The semantics follow
``cpp/kernels.h`` (and the kernels' sources) exactly, attribute encodings included:

* reductions take one 0/1 flag per input dimension in ``ints`` (1: reduced); the output may keep
  the reduced dimensions or drop them (only its size is fixed);
* ``argmax``/``argmin`` take ``ints = [axis]`` and write int64 (first index on ties, a NaN wins);
* ``matmul`` takes ``ints = [transpose_a, transpose_b]``;
* ``strided_slice`` takes ``ints = begin[nd] + strides[nd] + sizes[nd]`` (per input dimension);
  ``strided_slice_grad`` uses the same encoding against its output's shape;
* ``concat``/``split`` take ``ints = [axis]``; ``split`` writes the pieces in the given outputs;
* ``softmax_xent`` writes two outputs: the loss per row and the backprop ``softmax - labels``;
* ``broadcast_to`` ignores its attributes: the output's shape is the target (the C++ kernel never
  reads the ``ints`` that ``kernels.h`` mentions);
* the ``assign*`` and ``apply_gradient_descent`` kernels update ``outputs[0]`` in place;
* the random kernels (``random_uniform``, ``random_normal``, ``truncated_normal``) re-implement the
  C++ Philox4x32-10 generator bit for bit: ``inputs[0]`` is the int64[1] run counter, read and
  incremented as the C++ kernel does, and ``ints = [seed, seed2]``.

Like the C++ kernels, accumulations over floats (reductions, ``reduce_prod_grad``) run in float64
and over integers in int64, then are cast to the output dtype.

>>> import numpy as np
>>> out = [np.empty((2,), np.float32)]
>>> run_kernel("reduce_sum", [np.ones((2, 3), np.float32)], out, ints=[0, 1])
>>> out[0]
array([3., 3.], dtype=float32)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

Kernel = Callable[[list, list, list, list], None]


class KernelError(RuntimeError):
    """A kernel rejected its arguments (the C++ kernels raise ``_core.KernelError``)."""


_KERNELS: dict[str, Kernel] = {}


def _kernel(*names: str):
    def deco(fn: Kernel) -> Kernel:
        for n in names:
            _KERNELS[n] = fn
        return fn

    return deco


def kernel_names() -> list[str]:
    """The names of the reference kernels (the same set as ``_core.kernel_names()``)."""
    return sorted(_KERNELS)


def run_kernel(
    name: str,
    inputs: Sequence[np.ndarray],
    outputs: Sequence[np.ndarray],
    ints: Sequence[int] = (),
    floats: Sequence[float] = (),
) -> None:
    """Runs the reference kernel ``name``, writing ``outputs`` in place.

    Args:
        name: a kernel name, as in ``_core.kernel_names()``.
        inputs: the input arrays.
        outputs: preallocated output arrays (their shapes and dtypes are the kernel's contract).
        ints: integer attributes (axes, masks, flags, permutations, seeds).
        floats: real attributes.

    Raises:
        KernelError: for an unknown kernel or arguments the kernel rejects.
    """
    try:
        fn = _KERNELS[name]
    except KeyError:
        raise KernelError(f"[{name}] no such kernel") from None
    with np.errstate(all="ignore"):
        fn(list(inputs), list(outputs), [int(i) for i in ints], [float(f) for f in floats])


def _store(out: np.ndarray, value) -> None:
    """Writes ``value`` into ``out`` (same number of elements, any shape), cast to out's dtype."""
    v = np.asarray(value)
    if v.size != out.size:
        raise KernelError(f"output {out.shape} cannot hold a result of shape {v.shape}")
    out[...] = v.reshape(out.shape).astype(out.dtype, copy=False)


def _float_only(op: str, *arrays: np.ndarray) -> None:
    for a in arrays:
        if a.dtype.kind != "f":
            raise KernelError(f"[{op}] unsupported dtype {a.dtype}")


# ---- elementwise: binary ------------------------------------------------------------------------
def _int_pow(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """C++ ``ipow``: exact (wrapping on overflow) for y >= 0; negative exponents are refused."""
    if np.any(y < 0):
        raise KernelError("[Pow] Integers to negative integer powers are not allowed")
    return np.power(x, y)


def _pow(x, y):
    if x.dtype.kind in "iu":
        return _int_pow(x, y)
    # C's pow, as the kernel: NumPy computes x ** 0.5 as sqrt(x), which gives NaN for -inf
    # where pow(-inf, 0.5) is +inf.
    return np.where((y == 0.5) & (x == -np.inf), np.inf, np.power(x, y)).astype(x.dtype)


_BINARY = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.true_divide,
    "maximum": np.maximum,
    "minimum": np.minimum,
    "pow": _pow,
    "relu_grad": lambda g, f: np.where(f > 0, g, np.zeros_like(g)),  # (gradient, features)
    "sigmoid_grad": lambda y, dy: dy * y * (1 - y),  # (y, dy)
    "tanh_grad": lambda y, dy: dy * (1 - y * y),  # (y, dy)
}
_FLOAT_BINARY = {"div", "sigmoid_grad", "tanh_grad"}


def _check_broadcast(name: str, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    try:
        shape = np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        shape = None
    if shape != out.shape:
        raise KernelError(
            f"[{name}] incompatible shapes {a.shape}, {b.shape} and output {out.shape}"
        )


def _make_binary(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != b.dtype or a.dtype != outputs[0].dtype:
            raise KernelError(f"[{name}] dtype mismatch: {a.dtype} vs {b.dtype}")
        if name in _FLOAT_BINARY:
            _float_only(name, a)
        _check_broadcast(name, a, b, outputs[0])
        outputs[0][...] = fn(a, b)

    return kernel


for _n, _f in _BINARY.items():
    _kernel(_n)(_make_binary(_n, _f))

_COMPARE = {
    "equal": np.equal,
    "not_equal": np.not_equal,
    "less": np.less,
    "less_equal": np.less_equal,
    "greater": np.greater,
    "greater_equal": np.greater_equal,
}


def _make_compare(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        if a.dtype != b.dtype or outputs[0].dtype != np.bool_:
            raise KernelError(f"[{name}] dtype mismatch")
        _check_broadcast(name, a, b, outputs[0])
        outputs[0][...] = fn(a, b)

    return kernel


for _n, _f in _COMPARE.items():
    _kernel(_n)(_make_compare(_n, _f))


# ---- elementwise: unary -------------------------------------------------------------------------
def _sigmoid(x):
    # The C++ kernel's two branches: 1 / (1 + e^-x) for x >= 0, e^x / (1 + e^x) otherwise.
    pos = 1 / (1 + np.exp(-x))
    e = np.exp(x)
    return np.where(x >= 0, pos, e / (1 + e))


def _relu(x):
    # x > 0 ? x : (NaN ? x : 0): NaN propagates.
    return np.where((x > 0) | np.isnan(x), x, np.zeros_like(x))


def _abs(x):
    return np.where(x < 0, -x, x)  # wraps for the most negative integer, as C++


def _sign(x):
    one = np.ones_like(x)
    return np.where(x > 0, one, np.where(x < 0, -one, x))  # sign(NaN) = NaN, sign(0) = 0


_UNARY = {
    "neg": np.negative,
    "abs": _abs,
    "relu": _relu,
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "exp": np.exp,
    "log": np.log,
    "sqrt": np.sqrt,
    "square": lambda x: x * x,
    "reciprocal": lambda x: 1 / x,
    "sign": _sign,
    "floor": np.floor,
}
_FLOAT_UNARY = {"sigmoid", "tanh", "exp", "log", "sqrt", "reciprocal"}


def _make_unary(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        if x.dtype != outputs[0].dtype or x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] input and output differ in dtype or shape")
        if name in _FLOAT_UNARY:
            _float_only(name, x)
        outputs[0][...] = fn(x).astype(x.dtype, copy=False)

    return kernel


for _n, _f in _UNARY.items():
    _kernel(_n)(_make_unary(_n, _f))


# ---- cast, copy, fill, add_n, broadcast_to ------------------------------------------------------
@_kernel("cast")
def _cast(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.shape != outputs[0].shape:
        raise KernelError("[Cast] shape mismatch")
    dst = outputs[0].dtype
    if x.dtype.kind == "f" and dst.kind == "i":
        # truncates toward zero; NaN, infinities and out-of-range values give the lowest value
        lo = np.iinfo(dst).min
        ok = (x >= lo) & (x < -float(lo))
        out = np.full(x.shape, lo, dst)
        out[ok] = x[ok].astype(dst)
        outputs[0][...] = out
    else:
        outputs[0][...] = x.astype(dst)


@_kernel("copy")
def _copy(inputs, outputs, ints, floats):
    (x,) = inputs
    if x.dtype != outputs[0].dtype:
        raise KernelError("[Identity] dtype mismatch")
    _store(outputs[0], x)


@_kernel("fill")
def _fill(inputs, outputs, ints, floats):
    (v,) = inputs  # a one-element value of the output's dtype
    if v.size != 1 or v.dtype != outputs[0].dtype:
        raise KernelError("[Fill] value must be a scalar of the output's dtype")
    outputs[0][...] = v.reshape(())


@_kernel("add_n")
def _add_n(inputs, outputs, ints, floats):
    out = outputs[0]
    if not inputs or any(x.shape != out.shape or x.dtype != out.dtype for x in inputs):
        raise KernelError("[AddN] inputs must match the output's shape and dtype")
    acc = inputs[0].copy()
    for x in inputs[1:]:
        acc = acc + x  # summed in order, in the output's dtype
    out[...] = acc


@_kernel("broadcast_to")
def _broadcast_to(inputs, outputs, ints, floats):
    (x,) = inputs
    try:
        outputs[0][...] = np.broadcast_to(x, outputs[0].shape)
    except ValueError as e:
        raise KernelError(f"[BroadcastTo] {e}") from None


# ---- reductions ---------------------------------------------------------------------------------
def _mask_axes(op: str, x: np.ndarray, ints: list) -> tuple:
    if len(ints) != x.ndim:
        raise KernelError(f"[{op}] axis mask has {len(ints)} entries for input of rank {x.ndim}")
    return tuple(i for i, m in enumerate(ints) if m)


def _acc_dtype(dt: np.dtype):
    return np.float64 if dt.kind == "f" else np.int64


def _trunc_div(a: np.ndarray, n: int) -> np.ndarray:
    """C++ integer division (toward zero) of an int64 array by a positive count."""
    q = np.abs(a) // n
    return np.where(a < 0, -q, q)


def _make_reduce(name: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        out = outputs[0]
        axes = _mask_axes(name, x, ints)
        if x.dtype != out.dtype:
            raise KernelError(f"[{name}] dtype mismatch")
        acc = _acc_dtype(x.dtype)
        count = int(np.prod([x.shape[a] for a in axes])) if x.size else 0
        if name in ("reduce_max", "reduce_min"):
            if x.size == 0 and out.size > 0:
                raise KernelError(f"[{name}] cannot reduce an empty dimension")
            fn = np.max if name == "reduce_max" else np.min
            r = fn(x, axis=axes, keepdims=True) if x.size else np.zeros(out.shape, x.dtype)
        elif name == "reduce_sum":
            r = np.sum(x, axis=axes, dtype=acc, keepdims=True)
        elif name == "reduce_prod":
            r = np.prod(x, axis=axes, dtype=acc, keepdims=True)
        else:  # reduce_mean: the sum over the count of reduced elements
            s = np.sum(x, axis=axes, dtype=acc, keepdims=True)
            if x.dtype.kind == "f":
                r = s / count if count else np.full(s.shape, np.nan)
            else:
                r = _trunc_div(s, count) if count else np.zeros(s.shape, np.int64)
        _store(out, r)

    return kernel


for _n in ("reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod"):
    _kernel(_n)(_make_reduce(_n))


def _make_arg(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        out = outputs[0]
        if out.dtype != np.int64:
            raise KernelError(f"[{name}] output must be int64")
        if not ints:
            raise KernelError(f"[{name}] missing integer attribute 0")
        axis = ints[0] + x.ndim if ints[0] < 0 else ints[0]
        if not 0 <= axis < x.ndim:
            raise KernelError(f"[{name}] axis {ints[0]} out of range for rank {x.ndim}")
        if x.shape[axis] == 0:
            if out.size:
                raise KernelError(f"[{name}] reduction over an empty axis")
            return
        _store(out, fn(x, axis=axis))  # NumPy: first index on ties, the first NaN wins

    return kernel


_kernel("argmax")(_make_arg("argmax", np.argmax))
_kernel("argmin")(_make_arg("argmin", np.argmin))


@_kernel("reduce_prod_grad")
def _reduce_prod_grad(inputs, outputs, ints, floats):
    # dx = dy * prod of the other elements of x's group, exact where x has zeros.
    x, dy = inputs
    out = outputs[0]
    _float_only("ProdGrad", x)
    axes = _mask_axes("ProdGrad", x, ints)
    kept = tuple(1 if i in axes else d for i, d in enumerate(x.shape))
    if dy.size != int(np.prod(kept)):
        raise KernelError("[ProdGrad] dy does not match x reduced")
    xd = x.astype(np.float64)
    g = dy.astype(np.float64).reshape(kept)
    is_zero = xd == 0
    zeros = np.sum(is_zero, axis=axes, keepdims=True)
    nonzero = np.prod(np.where(is_zero, 1.0, xd), axis=axes, keepdims=True)
    safe_x = np.where(is_zero, 1.0, xd)
    v = np.where(
        zeros == 0, nonzero / safe_x, np.where(zeros == 1, np.where(is_zero, nonzero, 0.0), 0.0)
    )
    out[...] = (g * v).astype(out.dtype)


# ---- matmul -------------------------------------------------------------------------------------
@_kernel("matmul")
def _matmul(inputs, outputs, ints, floats):
    a, b = inputs
    out = outputs[0]
    if a.ndim != 2 or b.ndim != 2 or out.ndim != 2:
        raise KernelError("[MatMul] inputs must be 2-D")
    if a.dtype != b.dtype or a.dtype != out.dtype:
        raise KernelError("[MatMul] dtype mismatch")
    ta, tb = bool(ints[0]), bool(ints[1])
    a2, b2 = (a.T if ta else a), (b.T if tb else b)
    if a2.shape[1] != b2.shape[0]:
        raise KernelError(
            f"[MatMul] Dimensions must be equal, but are {a2.shape[1]} and {b2.shape[0]}"
        )
    if out.shape != (a2.shape[0], b2.shape[1]):
        raise KernelError(f"[MatMul] output shape {out.shape} mismatch")
    out[...] = a2 @ b2


@_kernel("matmul_apply_gd")
def _matmul_apply_gd(inputs, outputs, ints, floats):
    a, b, alpha = inputs
    var = outputs[0]
    if var.dtype.kind != "f" or alpha.dtype != var.dtype:
        raise KernelError("[MatMulApplyGradientDescent] dtype mismatch")
    if alpha.size != 1:
        raise KernelError("[MatMulApplyGradientDescent] alpha must be a scalar")
    prod = np.empty_like(var)
    _matmul([a, b], [prod], ints, floats)
    var[...] = var - alpha.reshape(()) * prod


# ---- softmax family -----------------------------------------------------------------------------
def _shifted(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """x minus its row max (NaN propagates into the max) and the sum of exp over the row."""
    z = x - np.max(x, axis=-1, keepdims=True)
    return z, np.sum(np.exp(z), axis=-1, keepdims=True)


def _make_softmax(name: str, log: bool) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (x,) = inputs
        _float_only(name, x)
        if x.ndim < 1:
            raise KernelError(f"[{name}] input must have rank >= 1, got a scalar")
        if x.shape != outputs[0].shape:
            raise KernelError(f"[{name}] shape mismatch")
        if x.size == 0:
            return
        z, s = _shifted(x)
        outputs[0][...] = z - np.log(s) if log else np.exp(z) / s

    return kernel


_kernel("softmax")(_make_softmax("softmax", False))
_kernel("log_softmax")(_make_softmax("log_softmax", True))


@_kernel("softmax_xent")
def _softmax_xent(inputs, outputs, ints, floats):
    # loss[r] = -sum_j labels[r,j] * log_softmax(logits)[r,j]; backprop = softmax - labels.
    logits, labels = inputs
    loss, backprop = outputs
    _float_only("SoftmaxCrossEntropyWithLogits", logits)
    if logits.ndim != 2 or labels.shape != logits.shape or backprop.shape != logits.shape:
        raise KernelError(
            "[SoftmaxCrossEntropyWithLogits] logits and labels must be same-shape 2-D"
        )
    if loss.size != logits.shape[0]:
        raise KernelError("[SoftmaxCrossEntropyWithLogits] loss must have one element per row")
    if logits.shape[1] == 0:
        loss[...] = 0
        return
    z, s = _shifted(logits)
    _store(loss, -np.sum(labels * (z - np.log(s)), axis=-1))
    backprop[...] = np.exp(z) / s - labels


@_kernel("sparse_softmax_xent")
def _sparse_softmax_xent(inputs, outputs, ints, floats):
    # loss[r] = log(sum exp(z[r])) - z[r, label[r]] (z = logits - row max);
    # backprop = softmax - onehot(labels).
    op = "SparseSoftmaxCrossEntropyWithLogits"
    logits, labels = inputs
    loss, backprop = outputs
    _float_only(op, logits)
    if labels.dtype.kind != "i" or logits.ndim != 2 or labels.shape != logits.shape[:1]:
        raise KernelError(f"[{op}] logits must be [N, C] and labels int [N]")
    bad = (labels < 0) | (labels >= logits.shape[1])
    if bad.any():
        r = int(np.argmax(bad))
        raise KernelError(
            f"[{op}] Received a label value of {labels[r]} which is outside the valid range of "
            f"[0, {logits.shape[1]}).  Label values: index {r}"
        )
    z, s = _shifted(logits)
    rows = np.arange(logits.shape[0])
    _store(loss, np.log(s[:, 0]) - z[rows, labels])
    backprop[...] = np.exp(z) / s
    backprop[rows, labels] -= 1


@_kernel("top_k")
def _top_k(inputs, outputs, ints, floats):
    # values descending, ties by the lower index, NaN first; indices int32.
    (x,) = inputs
    values, indices = outputs
    k = int(ints[0])
    if x.ndim < 1 or not 0 <= k <= x.shape[-1]:
        raise KernelError(f"[TopKV2] input must have at least k={k} columns")
    rows = x.reshape(int(np.prod(x.shape[:-1])), x.shape[-1])
    order = np.empty((rows.shape[0], k), np.int64)
    for r, row in enumerate(rows):
        key = [(0 if v != v else 1, -v if v == v else 0, j) for j, v in enumerate(row.tolist())]
        order[r] = [j for _, _, j in sorted(key)[:k]]
    indices[...] = order.reshape(indices.shape).astype(np.int32)
    values[...] = np.take_along_axis(rows, order, axis=1).reshape(values.shape)


@_kernel("in_top_k")
def _in_top_k(inputs, outputs, ints, floats):
    # target in the top k: fewer than k classes score strictly higher; a non-finite row -> False.
    pred, targets = inputs
    (out,) = outputs
    k = int(ints[0])
    if pred.ndim != 2 or targets.shape != pred.shape[:1] or targets.dtype.kind != "i":
        raise KernelError("[InTopKV2] predictions must be [B, C] and targets int [B]")
    for b, t in enumerate(targets.tolist()):
        if not 0 <= t < pred.shape[1] or not np.isfinite(pred[b]).all():
            out[b] = False  # as TF: any non-finite score in the row
        else:
            out[b] = int(np.sum(pred[b] > pred[b, t])) < k


# ---- array ops ----------------------------------------------------------------------------------
@_kernel("transpose")
def _transpose(inputs, outputs, ints, floats):
    (x,) = inputs
    if sorted(ints) != list(range(x.ndim)):
        raise KernelError(f"[Transpose] perm {ints} is not a permutation of 0..{x.ndim - 1}")
    r = np.transpose(x, ints)
    if r.shape != outputs[0].shape:
        raise KernelError("[Transpose] output shape mismatch")
    outputs[0][...] = r


def _slice_index(op: str, shape: tuple, ints: list) -> tuple:
    """Index arrays (for ``np.ix_``) from ``begin + strides + sizes`` against ``shape``."""
    nd = len(shape)
    if len(ints) != 3 * nd:
        raise KernelError(f"[{op}] expects begin, strides and sizes for {nd} dims")
    idx = []
    for d in range(nd):
        b, s, n = ints[d], ints[nd + d], ints[2 * nd + d]
        if n < 0:
            raise KernelError(f"[{op}] negative size in dim {d}")
        if n > 0:
            last = b + (n - 1) * s
            if not (0 <= b < shape[d] and 0 <= last < shape[d]):
                raise KernelError(f"[{op}] slice out of bounds in dim {d} of {shape}")
        idx.append(b + s * np.arange(n, dtype=np.int64))
    return np.ix_(*idx) if nd else ()


@_kernel("strided_slice")
def _strided_slice(inputs, outputs, ints, floats):
    (x,) = inputs
    _store(outputs[0], x[_slice_index("StridedSlice", x.shape, ints)])


@_kernel("strided_slice_grad")
def _strided_slice_grad(inputs, outputs, ints, floats):
    # dx = zeros(dx.shape); dx[begin::stride] = dy. inputs[0] = dy, outputs[0] = dx.
    (dy,) = inputs
    dx = outputs[0]
    idx = _slice_index("StridedSliceGrad", dx.shape, ints)
    sizes = ints[2 * dx.ndim :]
    if dy.size != int(np.prod(sizes)):
        raise KernelError("[StridedSliceGrad] dy does not hold the slice")
    dx[...] = 0
    dx[idx] = dy.reshape(sizes)


def _axis(op: str, ints: list, rank: int) -> int:
    if not ints:
        raise KernelError(f"[{op}] missing integer attribute 0")
    a = ints[0] + rank if ints[0] < 0 else ints[0]
    if not 0 <= a < rank:
        raise KernelError(f"[{op}] axis out of range for rank {rank}")
    return a


@_kernel("concat")
def _concat(inputs, outputs, ints, floats):
    out = outputs[0]
    a = _axis("ConcatV2", ints, out.ndim)
    try:
        r = np.concatenate(inputs, axis=a)
    except ValueError as e:
        raise KernelError(f"[ConcatV2] {e}") from None
    if r.shape != out.shape or r.dtype != out.dtype:
        raise KernelError("[ConcatV2] pieces do not add up to the output")
    out[...] = r


@_kernel("split")
def _split(inputs, outputs, ints, floats):
    (x,) = inputs
    a = _axis("Split", ints, x.ndim)
    if sum(o.shape[a] for o in outputs) != x.shape[a]:
        raise KernelError("[Split] pieces do not add up to the input")
    cuts = np.cumsum([o.shape[a] for o in outputs])[:-1]
    for o, piece in zip(outputs, np.split(x, cuts, axis=a)):
        if o.shape != piece.shape or o.dtype != x.dtype:
            raise KernelError(f"[Split] output {o.shape} does not match piece {piece.shape}")
        o[...] = piece


# ---- random: Philox4x32-10, as cpp/random.cc ----------------------------------------------------
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
_W0, _W1 = 0x9E3779B9, 0xBB67AE85
_LO32 = np.uint64(0xFFFFFFFF)


def _philox(key0: int, key1: int, c0, c1, c2, c3) -> list[np.ndarray]:
    """Ten Philox rounds on uint64 arrays holding 32-bit counter words -> four uint64 words."""
    k0, k1 = key0, key1
    c = [np.asarray(w, np.uint64) for w in (c0, c1, c2, c3)]
    c = list(np.broadcast_arrays(*c))
    for _ in range(10):
        p0 = _M0 * c[0]
        p1 = _M1 * c[2]
        n0 = (p1 >> np.uint64(32)) ^ c[1] ^ np.uint64(k0)
        n2 = (p0 >> np.uint64(32)) ^ c[3] ^ np.uint64(k1)
        c = [n0, p1 & _LO32, n2, p0 & _LO32]
        k0 = (k0 + _W0) & 0xFFFFFFFF
        k1 = (k1 + _W1) & 0xFFFFFFFF
    return c


def _to_unit(hi, lo) -> np.ndarray:
    """[0, 1) with 53 bits from two 32-bit words."""
    v = (hi << np.uint64(21)) ^ (lo >> np.uint64(11))
    return v.astype(np.float64) * 2.0**-53


def _normal_from(w: list) -> np.ndarray:
    u1 = 1.0 - _to_unit(w[0], w[1])  # (0, 1]
    u2 = _to_unit(w[2], w[3])
    return np.sqrt(-2.0 * np.log(u1)) * np.cos(6.283185307179586 * u2)


def _make_random(name: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (counter,) = inputs
        out = outputs[0]
        if counter.dtype != np.int64 or counter.size != 1:
            raise KernelError(f"[{name}] run counter must be an int64[1]")
        _float_only(name, out)
        seed, seed2 = (int(ints[0]) & 0xFFFFFFFFFFFFFFFF, int(ints[1]) & 0xFFFFFFFFFFFFFFFF)
        key0 = (seed ^ (seed >> 32)) & 0xFFFFFFFF
        key1 = ((seed2 ^ (seed2 >> 32)) & 0xFFFFFFFF) ^ 0x5BD1E995
        run = int(counter.reshape(-1)[0]) & 0xFFFFFFFFFFFFFFFF
        counter.reshape(-1)[0] += 1  # the kernel takes the next run index, as the C++ one
        r0, r1 = run & 0xFFFFFFFF, run >> 32
        i = np.arange(out.size, dtype=np.uint64)
        i0, i1 = i & _LO32, i >> np.uint64(32)
        if name == "random_uniform":
            w = _philox(key0, key1, i0, i1, r0, r1)
            if out.dtype == np.float32:
                y = (w[0] >> np.uint64(8)).astype(np.float32) * np.float32(2.0**-24)
            else:
                y = _to_unit(w[0], w[1])
        elif name == "random_normal":
            y = _normal_from(_philox(key0, key1, i0, i1, r0, r1))
        else:  # truncated at two standard deviations: redraw with a new counter word
            y = np.zeros(out.size)
            todo = np.ones(out.size, bool)
            attempt = 0
            while todo.any():
                c1 = (i1[todo] ^ np.uint64((attempt << 16) & 0xFFFFFFFF)) & _LO32
                z = _normal_from(_philox(key0, key1, i0[todo], c1, r0, r1 ^ 0x80000000))
                ok = (np.abs(z) <= 2.0) & (np.abs(z).astype(out.dtype) <= 2)
                idx = np.flatnonzero(todo)
                y[idx[ok]] = z[ok]
                todo[idx[ok]] = False
                attempt += 1
        out[...] = y.reshape(out.shape).astype(out.dtype)

    return kernel


for _n in ("random_uniform", "random_normal", "truncated_normal"):
    _kernel(_n)(_make_random(_n))


# ---- indexing -----------------------------------------------------------------------------------
def _check_ids(op: str, ids: np.ndarray, limit: int, what: str) -> None:
    if ids.dtype.kind != "i":
        raise KernelError(f"[{op}] {what} must be int32 or int64")
    flat = ids.reshape(-1)
    bad = (flat < 0) | (flat >= limit)
    if bad.any():
        k = int(np.argmax(bad))
        raise KernelError(f"[{op}] {what}[{k}] = {flat[k]} is not in [0, {limit})")


@_kernel("select")
def _select(inputs, outputs, ints, floats):
    cond, x, y = inputs
    if cond.dtype != np.bool_ or x.dtype != y.dtype:
        raise KernelError("[Select] condition must be bool and x, y of one dtype")
    try:
        outputs[0][...] = np.where(*np.broadcast_arrays(cond, x, y))
    except ValueError as e:
        raise KernelError(f"[Select] {e}") from None


@_kernel("gather")
def _gather(inputs, outputs, ints, floats):
    params, ids = inputs
    axis = int(ints[0])
    if not 0 <= axis < params.ndim:
        raise KernelError(f"[GatherV2] axis {axis} out of range")
    _check_ids("GatherV2", ids, params.shape[axis], "indices")
    _store(outputs[0], np.take(params, ids, axis=axis))


@_kernel("unsorted_segment_sum")
def _unsorted_segment_sum(inputs, outputs, ints, floats):
    data, ids = inputs
    out = outputs[0]
    if data.shape[: ids.ndim] != ids.shape:
        raise KernelError("[UnsortedSegmentSum] segment_ids must be a prefix of data's shape")
    _check_ids("UnsortedSegmentSum", ids, out.shape[0], "segment_ids")
    acc = np.zeros(out.shape, out.dtype)
    np.add.at(acc, ids.reshape(-1), data.reshape((ids.size,) + out.shape[1:]))
    out[...] = acc


@_kernel("pad")
def _pad(inputs, outputs, ints, floats):
    (x,) = inputs
    if len(ints) != 2 * x.ndim or min(ints, default=0) < 0:
        raise KernelError(f"[Pad] paddings must be non-negative, shape [{x.ndim}, 2]")
    value = floats[0] if floats else 0
    if x.ndim == 0:
        outputs[0][...] = x
        return
    pads = [(int(ints[2 * d]), int(ints[2 * d + 1])) for d in range(x.ndim)]
    outputs[0][...] = np.pad(x, pads, constant_values=np.array(value).astype(x.dtype))


@_kernel("range")
def _range(inputs, outputs, ints, floats):
    start, limit, delta = (a.reshape(()) for a in inputs)
    if delta == 0:
        raise KernelError("[Range] Requires delta != 0")
    if (delta > 0 and start > limit) or (delta < 0 and start < limit):
        raise KernelError("[Range] Requires start <= limit when delta > 0 (>= when delta < 0)")
    out = outputs[0]
    i = np.arange(out.size).astype(out.dtype)
    out[...] = (start + i * delta).astype(out.dtype)


# ---- variable updates ---------------------------------------------------------------------------
def _make_assign(name: str, fn) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        (v,) = inputs
        var = outputs[0]  # the variable's own buffer, written in place
        if v.shape != var.shape or v.dtype != var.dtype:
            raise KernelError(f"[{name}] value and variable differ in shape or dtype")
        if var.dtype == np.bool_ and name != "assign":
            raise KernelError(f"[{name}] unsupported dtype bool")
        var[...] = fn(var, v)

    return kernel


_kernel("assign")(_make_assign("assign", lambda var, v: v))
_kernel("assign_add")(_make_assign("assign_add", lambda var, v: var + v))
_kernel("assign_sub")(_make_assign("assign_sub", lambda var, v: var - v))


@_kernel("apply_gradient_descent")
def _apply_gradient_descent(inputs, outputs, ints, floats):
    # var -= alpha * delta, in place; inputs = [alpha (one element), delta].
    alpha, delta = inputs
    var = outputs[0]
    _float_only("ApplyGradientDescent", var)
    if alpha.size != 1 or delta.shape != var.shape:
        raise KernelError("[ApplyGradientDescent] alpha must be a scalar and delta match var")
    var -= alpha.reshape(()) * delta


def _scalars(op: str, arrays) -> list:
    if any(a.size != 1 for a in arrays):
        raise KernelError(f"[{op}] hyper-parameters must be scalars")
    return [a.reshape(()) for a in arrays]


@_kernel("apply_momentum")
def _apply_momentum(inputs, outputs, ints, floats):
    # accum = accum * momentum + grad; var -= lr * accum (Nesterov: lr * grad + lr * m * accum)
    lr, grad, momentum = inputs
    var, accum = outputs
    lr, momentum = _scalars("ApplyMomentum", [lr, momentum])
    accum[...] = accum * momentum + grad
    var -= grad * lr + accum * momentum * lr if ints and ints[0] else accum * lr


@_kernel("apply_adam")
def _apply_adam(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    var, m, v = outputs
    b1p, b2p, lr, b1, b2, eps = _scalars("ApplyAdam", hyper)
    one = var.dtype.type(1)
    lr_t = lr * np.sqrt(one - b2p) / (one - b1p)
    m += (grad - m) * (one - b1)
    v += (grad * grad - v) * (one - b2)
    mm = m * b1 + (one - b1) * grad if ints and ints[0] else m
    var -= lr_t * mm / (np.sqrt(v) + eps)


@_kernel("apply_adagrad")
def _apply_adagrad(inputs, outputs, ints, floats):
    lr, grad = inputs
    var, accum = outputs
    (lr,) = _scalars("ApplyAdagrad", [lr])
    accum += grad * grad
    var -= lr * grad / np.sqrt(accum)


@_kernel("apply_rms_prop")
def _apply_rms_prop(inputs, outputs, ints, floats):
    *hyper, grad = inputs
    var, ms, mom = outputs
    lr, rho, momentum, eps = _scalars("ApplyRMSProp", hyper)
    ms += (grad * grad - ms) * (var.dtype.type(1) - rho)
    mom[...] = mom * momentum + lr * grad / np.sqrt(ms + eps)
    var -= mom


# ---- convolution and pooling (NHWC) -------------------------------------------------------------
# conv: ints = [stride h, w, dilation h, w, pad top, bottom, left, right]; filter [kh,kw,c,o] or,
# depthwise, [kh,kw,c,mult] with output channel c * mult + m. pool: ints = [window h, w, stride
# h, w, pads...]; padded elements take no part (max: the first maximum in row-major order wins;
# mean: over the unpadded elements). Sums run in float64.
def _out_len(size, k, s, d, p0, p1):
    span, ek = size + p0 + p1, (k - 1) * d + 1
    return (span - ek) // s + 1 if span >= ek else 0


def _conv_geom(op, x, f, y, ints, depthwise):
    if len(x) != 4 or len(f) != 4 or len(y) != 4:
        raise KernelError(f"[{op}] input, filter and output must be 4-D")
    if len(ints) != 8:
        raise KernelError(f"[{op}] expects 8 integer attributes")
    sh, sw, dh, dw, pt, pb, pl, pr = (int(i) for i in ints)
    if min(sh, sw, dh, dw) < 1 or min(pt, pb, pl, pr) < 0 or min(f[0], f[1]) < 1:
        raise KernelError(f"[{op}] strides, dilations and filter sizes must be >= 1, pads >= 0")
    if f[2] != x[3]:
        raise KernelError(f"[{op}] input depth {x[3]} != filter input depth {f[2]}")
    oc = x[3] * f[3] if depthwise else f[3]
    want = (x[0], _out_len(x[1], f[0], sh, dh, pt, pb), _out_len(x[2], f[1], sw, dw, pl, pr), oc)
    if tuple(y) != want:
        raise KernelError(f"[{op}] output shape {tuple(y)} should be {want}")
    return sh, sw, dh, dw, pt, pb, pl, pr


def _taps(k_hw, strides, dilations, out_hw):
    """(kh, kw, index) per filter tap: ``index`` slices the padded input at that tap's pixels."""
    (kh_n, kw_n), (sh, sw), (dh, dw), (oh, ow) = k_hw, strides, dilations, out_hw
    for kh in range(kh_n):
        for kw in range(kw_n):
            h0, w0 = kh * dh, kw * dw
            yield (
                kh,
                kw,
                np.s_[:, h0 : h0 + (oh - 1) * sh + 1 : sh, w0 : w0 + (ow - 1) * sw + 1 : sw],
            )


def _float_check(op, *arrays):
    if any(a.dtype != arrays[0].dtype for a in arrays) or arrays[0].dtype.kind != "f":
        raise KernelError(f"[{op}] inputs and outputs must share one float dtype")


def _make_conv(op: str, pass_: str, depthwise: bool) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        a, b = inputs
        out = outputs[0]
        x, f, y = {"fwd": (a, b, out), "input": (out, a, b), "filter": (a, out, b)}[pass_]
        sh, sw, dh, dw, pt, pb, pl, pr = _conv_geom(op, x.shape, f.shape, y.shape, ints, depthwise)
        _float_check(op, a, b, out)
        n, h, w, c = x.shape
        _, oh, ow, o = y.shape
        kw_ = dict(k_hw=f.shape[:2], strides=(sh, sw), dilations=(dh, dw), out_hw=(oh, ow))
        pads = ((0, 0), (pt, pb), (pl, pr), (0, 0))
        f64 = f.astype(np.float64)
        mult = f.shape[3]  # depthwise: output channels per input channel
        if out.size == 0:
            return
        if oh == 0 or ow == 0:
            out[...] = 0
            return
        if pass_ == "fwd":
            xp = np.pad(x.astype(np.float64), pads)
            acc = np.zeros(y.shape)
            for kh, kw, idx in _taps(**kw_):
                p = xp[idx]
                acc += (
                    (p[..., None] * f64[kh, kw]).reshape(y.shape) if depthwise else p @ f64[kh, kw]
                )
            out[...] = acc
        elif pass_ == "input":
            dxp = np.zeros((n, h + pt + pb, w + pl + pr, c))
            g = y.astype(np.float64)
            for kh, kw, idx in _taps(**kw_):
                if depthwise:
                    dxp[idx] += (g.reshape(n, oh, ow, c, mult) * f64[kh, kw]).sum(-1)
                else:
                    dxp[idx] += g @ f64[kh, kw].T
            out[...] = dxp[:, pt : pt + h, pl : pl + w]
        else:
            xp = np.pad(x.astype(np.float64), pads)
            g = y.astype(np.float64)
            acc = np.zeros(f.shape)
            for kh, kw, idx in _taps(**kw_):
                p = xp[idx]
                if depthwise:
                    acc[kh, kw] = np.einsum("nhwc,nhwcm->cm", p, g.reshape(n, oh, ow, c, mult))
                else:
                    acc[kh, kw] = np.einsum("nhwc,nhwo->co", p, g)
            out[...] = acc

    return kernel


for _p, _op in (("conv2d", "Conv2D"), ("depthwise_conv2d", "DepthwiseConv2dNative")):
    _kernel(_p)(_make_conv(_op, "fwd", _p != "conv2d"))
    _kernel(_p + "_backprop_input")(_make_conv(_op + "BackpropInput", "input", _p != "conv2d"))
    _kernel(_p + "_backprop_filter")(_make_conv(_op + "BackpropFilter", "filter", _p != "conv2d"))


def _make_conv_bias_act(op: str, depthwise: bool) -> Kernel:
    """The plan's fused step: conv, + bias [oc], then act (ints[8]: 0 none, 1 relu, 2 relu6);
    ints[9], the constant filter's id, only lets the C++ kernel keep a reordered copy."""
    conv = _make_conv(op, "fwd", depthwise)

    def kernel(inputs, outputs, ints, floats):
        x, f, b = inputs
        if len(ints) != 10 or ints[8] not in (0, 1, 2) or ints[9] < 0:
            raise KernelError(
                f"[{op}] expects 8 convolution attributes, an activation 0-2 and a filter id >= 0"
            )
        out = outputs[0]
        _float_check(op, x, f, b, out)
        if b.shape != out.shape[3:]:
            raise KernelError(f"[{op}] bias must be [{out.shape[3]}], got {list(b.shape)}")
        conv([x, f], outputs, ints[:8], floats)
        v = out + b
        if ints[8] >= 1:
            v = np.where(np.isnan(v) | (v > 0), v, 0)
        if ints[8] == 2:
            v = np.where(np.isnan(v) | (v < 6), v, 6)
        out[...] = v

    return kernel


_kernel("conv2d_bias_act")(_make_conv_bias_act("Conv2D+BiasAdd", False))
_kernel("depthwise_conv2d_bias_act")(_make_conv_bias_act("DepthwiseConv2dNative+BiasAdd", True))


def _pool_geom(op, x, y, ints):
    if len(x) != 4 or len(y) != 4 or len(ints) != 8:
        raise KernelError(f"[{op}] input and output must be 4-D, with 8 integer attributes")
    kh, kw, sh, sw, pt, pb, pl, pr = (int(i) for i in ints)
    if min(kh, kw, sh, sw) < 1 or min(pt, pb, pl, pr) < 0 or max(pt, pb) >= kh or max(pl, pr) >= kw:
        raise KernelError(f"[{op}] bad window, strides or paddings {list(ints)}")
    oh, ow = _out_len(x[1], kh, sh, 1, pt, pb), _out_len(x[2], kw, sw, 1, pl, pr)
    if oh * ow > 0 and (x[1] == 0 or x[2] == 0):
        raise KernelError(f"[{op}] windows over an empty input")
    if tuple(y) != (x[0], oh, ow, x[3]):
        raise KernelError(f"[{op}] output shape {tuple(y)} should be {(x[0], oh, ow, x[3])}")
    return dict(k_hw=(kh, kw), strides=(sh, sw), dilations=(1, 1), out_hw=(oh, ow)), (
        (0, 0),
        (pt, pb),
        (pl, pr),
        (0, 0),
    )


def _first_max(x, taps, pads):
    """Per output element: the index of the tap holding the window's first maximum."""
    xp = np.pad(x.astype(np.float64), pads)
    valid = np.pad(np.ones(x.shape, bool), pads)
    best = np.zeros(xp[taps[0][2]].shape)
    arg = np.full(best.shape, -1)
    seen = np.zeros(best.shape, bool)
    for k, (_, _, idx) in enumerate(taps):
        v, ok = xp[idx], valid[idx]
        take = ok & (~seen | (v > best))
        best, arg, seen = np.where(take, v, best), np.where(take, k, arg), seen | ok
    return best, arg


def _make_pool(op: str) -> Kernel:
    def kernel(inputs, outputs, ints, floats):
        out = outputs[0]
        if op == "MaxPoolGrad":
            x, y, g = inputs
            geo, pads = _pool_geom(op, x.shape, y.shape, ints)
            if g.shape != y.shape or out.shape != x.shape:
                raise KernelError(f"[{op}] shape mismatch")
        elif op == "MaxPoolGradGrad":
            x, y, g = inputs
            geo, pads = _pool_geom(op, x.shape, y.shape, ints)
            if g.shape != x.shape or out.shape != y.shape:
                raise KernelError(f"[{op}] shape mismatch")
        elif op == "AvgPoolGrad":
            (g,) = inputs
            x = out
            geo, pads = _pool_geom(op, out.shape, g.shape, ints)
        else:
            (x,) = inputs
            geo, pads = _pool_geom(op, x.shape, out.shape, ints)
        _float_check(op, *inputs, out)
        if out.size == 0:
            return
        taps = list(_taps(**geo))
        if geo["out_hw"][0] * geo["out_hw"][1] == 0:
            out[...] = 0
            return
        ones = np.pad(np.ones(x.shape), pads)
        count = sum(ones[idx] for _, _, idx in taps)
        n, h, w, _ = x.shape
        pt, pl = pads[1][0], pads[2][0]
        if op == "MaxPool":
            out[...] = _first_max(x, taps, pads)[0]
        elif op == "AvgPool":
            xp = np.pad(x.astype(np.float64), pads)
            out[...] = sum(xp[idx] for _, _, idx in taps) / count
        elif op == "MaxPoolGradGrad":
            _, arg = _first_max(x, taps, pads)
            gp = np.pad(g.astype(np.float64), pads)
            out[...] = sum(np.where(arg == k, gp[idx], 0.0) for k, (_, _, idx) in enumerate(taps))
        else:
            dxp = np.zeros(ones.shape)
            gd = g.astype(np.float64)
            if op == "MaxPoolGrad":
                _, arg = _first_max(x, taps, pads)
                for k, (_, _, idx) in enumerate(taps):
                    dxp[idx] += np.where(arg == k, gd, 0.0)
            else:
                for _, _, idx in taps:
                    dxp[idx] += gd / count
            out[...] = dxp[:, pt : pt + h, pl : pl + w]

    return kernel


for _name, _op in (
    ("max_pool", "MaxPool"),
    ("avg_pool", "AvgPool"),
    ("max_pool_grad", "MaxPoolGrad"),
    ("max_pool_grad_grad", "MaxPoolGradGrad"),
    ("avg_pool_grad", "AvgPoolGrad"),
):
    _kernel(_name)(_make_pool(_op))


# ---- sparse updates and the log-uniform sampler (cpp/sparse.cc) ----------------------------------
def _sparse_rows(op: str, var: np.ndarray, values: np.ndarray, ids: np.ndarray):
    """The distinct ids (sorted) and their summed rows; ids checked against var's rows."""
    if ids.dtype.kind != "i":
        raise KernelError(f"[{op}] indices must be int32 or int64")
    if values.dtype != var.dtype:
        raise KernelError(f"[{op}] dtype mismatch")
    if var.ndim < 1 or ids.ndim != 1 or values.shape != ids.shape + var.shape[1:]:
        raise KernelError(f"[{op}] values {values.shape} do not match indices and var")
    _check_ids(op, ids, var.shape[0], "indices")
    uniq, inv = np.unique(ids.astype(np.int64), return_inverse=True)
    summed = np.zeros((uniq.size,) + var.shape[1:], var.dtype)
    for k in np.argsort(ids, kind="stable"):  # in position order within each id, as the C++
        summed[inv[k]] += values[k]
    return uniq, summed


def _scalar(op: str, t: np.ndarray, what: str):
    if t.size != 1:
        raise KernelError(f"[{op}] {what} must be a scalar")
    return t.reshape(())[()]


@_kernel("sparse_apply_gradient_descent")
def _sparse_apply_gd(inputs, outputs, ints, floats):
    op = "SparseApplyGradientDescent"
    lr, values, ids = inputs
    (var,) = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    var[rows] -= _scalar(op, lr, "lr") * g


@_kernel("sparse_apply_momentum")
def _sparse_apply_momentum(inputs, outputs, ints, floats):
    op = "SparseApplyMomentum"
    lr, values, ids, mom = inputs
    var, acc = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    lr, mom = _scalar(op, lr, "lr"), _scalar(op, mom, "momentum")
    acc[rows] = acc[rows] * mom + g
    if ints and ints[0]:
        var[rows] -= g * lr + acc[rows] * mom * lr
    else:
        var[rows] -= acc[rows] * lr


@_kernel("sparse_apply_adagrad")
def _sparse_apply_adagrad(inputs, outputs, ints, floats):
    op = "SparseApplyAdagrad"
    lr, values, ids = inputs
    var, acc = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    acc[rows] += g * g
    var[rows] -= _scalar(op, lr, "lr") * g / np.sqrt(acc[rows])


@_kernel("sparse_apply_adam")
def _sparse_apply_adam(inputs, outputs, ints, floats):
    op = "SparseApplyAdam"
    b1p, b2p, lr, b1, b2, eps, values, ids = (
        _scalar(op, t, "hyper-parameter") if i < 6 else t for i, t in enumerate(inputs)
    )
    var, m, v = outputs
    _float_only(op, var)
    rows, g = _sparse_rows(op, var, values, ids)
    one = var.dtype.type(1)
    lr_t = lr * np.sqrt(one - b2p) / (one - b1p)
    m *= b1
    v *= b2
    m[rows] += g * (one - b1)
    v[rows] += g * g * (one - b2)
    var -= lr_t * m / (np.sqrt(v) + eps)


@_kernel("log_uniform_candidate_sampler")
def _log_uniform_sampler(inputs, outputs, ints, floats):
    op = "LogUniformCandidateSampler"
    counter, truth = inputs
    sampled, true_ec, sampled_ec = outputs
    if counter.dtype != np.int64 or counter.size != 1 or truth.dtype != np.int64:
        raise KernelError(f"[{op}] run counter and true_classes must be int64")
    unique, range_max, n = bool(floats[0]), int(floats[1]), sampled.size
    if range_max < 1 or (unique and n > range_max):
        raise KernelError(f"[{op}] Sampler's range is too small")
    seed, seed2 = (int(ints[0]) & 0xFFFFFFFFFFFFFFFF, int(ints[1]) & 0xFFFFFFFFFFFFFFFF)
    key0 = (seed ^ (seed >> 32)) & 0xFFFFFFFF
    key1 = ((seed2 ^ (seed2 >> 32)) & 0xFFFFFFFF) ^ 0x27D4EB2F
    run = int(counter.reshape(-1)[0]) & 0xFFFFFFFFFFFFFFFF
    counter.reshape(-1)[0] += 1
    log_range = np.log1p(float(range_max))
    got: list[int] = []
    tries = 0
    while len(got) < n:
        w = _philox(key0, key1, tries & 0xFFFFFFFF, tries >> 32, run & 0xFFFFFFFF, run >> 32)
        tries += 1
        u = float(_to_unit(w[0], w[1]))
        c = (int(np.exp(u * log_range)) - 1) % range_max
        if unique and c in got:
            continue
        got.append(c)
    sampled[...] = np.array(got, np.int64).reshape(sampled.shape)

    def expected(c):
        if (c < 0).any() or (c >= range_max).any():
            raise KernelError(f"[{op}] true class out of range")
        p = (np.log(c + 2.0) - np.log(c + 1.0)) / log_range
        return -np.expm1(tries * np.log1p(-p)) if unique else p * n

    true_ec[...] = expected(truth.astype(np.float64)).astype(np.float32)
    sampled_ec[...] = expected(sampled.astype(np.float64)).astype(np.float32)


# ---- lstm.cc: the fused LSTM step ----------------------------------------------------------------
def _sigmoid(x):
    return 1 / (1 + np.exp(-x))


def _lstm_rows(op, t, rows, cols, what):
    if t.shape != (rows, cols):
        raise KernelError(f"[{op}] {what} must be [{rows},{cols}], got {list(t.shape)}")


@_kernel("lstm_step")
def _lstm_step(inputs, outputs, ints, floats):
    # i, j, f, o = split(gates, 4, 1); new_c = c_prev*sigmoid(f + forget_bias) +
    # sigmoid(i)*tanh(j); new_h = tanh(new_c)*sigmoid(o); act = the activated gates.
    op = "LSTMBlockStep"
    gates, c_prev = inputs
    _float_only(op, gates)
    if gates.ndim != 2 or gates.shape[1] % 4:
        raise KernelError(f"[{op}] gates must be [batch, 4*units], got {list(gates.shape)}")
    if not floats:
        raise KernelError(f"[{op}] missing real attribute 0")
    b, h = gates.shape[0], gates.shape[1] // 4
    _lstm_rows(op, c_prev, b, h, "c_prev")
    for o, w, name in zip(outputs, (h, h, 4 * h, h), ("new_c", "new_h", "act", "tanh_c")):
        _lstm_rows(op, o, b, w, name)
    dt = gates.dtype.type
    i, j, f, o = np.split(gates, 4, axis=1)
    i, j, f, o = _sigmoid(i), np.tanh(j), _sigmoid(f + dt(floats[0])), _sigmoid(o)
    c = c_prev * f + i * j
    t = np.tanh(c)
    outputs[0][...], outputs[1][...], outputs[3][...] = c, t * o, t
    outputs[2][...] = np.concatenate([i, j, f, o], axis=1)


@_kernel("lstm_step_grad")
def _lstm_step_grad(inputs, outputs, ints, floats):
    op = "LSTMBlockStepGrad"
    act, c_prev, tanh_c, d_c, d_h = inputs
    _float_only(op, act)
    if act.ndim != 2 or act.shape[1] % 4:
        raise KernelError(f"[{op}] act must be [batch, 4*units], got {list(act.shape)}")
    b, h = act.shape[0], act.shape[1] // 4
    for t, name in zip(inputs[1:], ("c_prev", "tanh_c", "d_new_c", "d_new_h")):
        _lstm_rows(op, t, b, h, name)
    _lstm_rows(op, outputs[0], b, 4 * h, "d_gates")
    _lstm_rows(op, outputs[1], b, h, "d_c_prev")
    i, j, f, o = np.split(act, 4, axis=1)
    dc = d_c + d_h * o * (1 - tanh_c * tanh_c)
    outputs[0][...] = np.concatenate(
        [
            dc * j * i * (1 - i),
            dc * i * (1 - j * j),
            dc * c_prev * f * (1 - f),
            d_h * tanh_c * o * (1 - o),
        ],
        axis=1,
    )
    outputs[1][...] = dc * f


def _seq_dims(op, inputs):
    x, c0, h0, w = inputs[:4]
    _float_only(op, x)
    if x.ndim != 3:
        raise KernelError(f"[{op}] x must be [time, batch, depth], got {list(x.shape)}")
    t, b, d = x.shape
    if w.ndim != 2 or w.shape[1] % 4 or w.shape[0] != d + w.shape[1] // 4:
        raise KernelError(f"[{op}] w must be [depth + units, 4*units] with depth {d}")
    h = w.shape[1] // 4
    _lstm_rows(op, c0, b, h, "c0")
    _lstm_rows(op, h0, b, h, "h0")
    for a in inputs[1:]:
        if a.dtype != x.dtype:
            raise KernelError(f"[{op}] dtypes differ: {x.dtype} and {a.dtype}")
    return t, b, d, h


def _seq_out(op, a, shape, what):
    if a.shape != tuple(shape):
        raise KernelError(f"[{op}] {what} must be {list(shape)}, got {list(a.shape)}")


@_kernel("lstm_seq")
def _lstm_seq(inputs, outputs, ints, floats):
    # lstm_step over time: gates[t] = x[t] @ w[:D] + h[t-1] @ w[D:] + b (h[-1] = h0, c[-1] = c0).
    op = "LSTMBlockSequence"
    if len(inputs) != 5 or len(outputs) != 5:
        raise KernelError(f"[{op}] expects 5 inputs and 5 outputs")
    t_len, b, d, h = _seq_dims(op, inputs)
    x, c0, h0, w, bias = inputs
    if bias.shape != (4 * h,) or bias.dtype != x.dtype:
        raise KernelError(f"[{op}] b must be [{4 * h}], got {list(bias.shape)}")
    for o, k, name in zip(outputs, (1, 1, 4, 1), ("c", "h", "act", "tanh_c")):
        _seq_out(op, o, (t_len, b, k * h), name)
    _seq_out(op, outputs[4], (4 * h * h,), "w_h_panels")
    if not floats:
        raise KernelError(f"[{op}] missing real attribute 0")
    # the work buffer: w[D:] as panels, per block of 16 units (the last may be narrower) and gate
    w_h = w[d:]
    blocks = [w_h[:, g * h + u : g * h + min(u + 16, h)] for u in range(0, h, 16) for g in range(4)]
    outputs[4][...] = np.concatenate([p.ravel() for p in blocks]) if h else []
    c, hp = c0, h0
    for t in range(t_len):
        gates = (x[t] @ w[:d] + hp @ w[d:]) + bias
        outs = [np.empty_like(c0), np.empty_like(c0), np.empty_like(gates), np.empty_like(c0)]
        _lstm_step([gates, c], outs, [], floats)
        for o, v in zip(outputs, outs):
            o[t] = v
        c, hp = outs[0], outs[1]


@_kernel("lstm_seq_grad")
def _lstm_seq_grad(inputs, outputs, ints, floats):
    # Backward in time through lstm_step_grad; d_h of step t also receives d_gates[t+1] @ w[D:]^T.
    # Then d_w = xh^T @ d_gates over all steps (xh[t] = [x[t], h[t-1]]), d_x = d_gates @ w[:D]^T,
    # d_b = the sum of d_gates over steps and rows; d_gates and xh are returned too.
    op = "LSTMBlockSequenceGrad"
    if len(inputs) not in (10, 11) or len(outputs) != 7:
        raise KernelError(f"[{op}] expects 10 or 11 inputs and 7 outputs")
    t_len, b, d, h = _seq_dims(op, inputs)
    x, c0, h0, w, c, hs, act, tanh_c, d_c, d_h = inputs[:10]
    extra = inputs[10] if len(inputs) == 11 else None
    names = ("c", "h", "act", "tanh_c", "d_c", "d_h", "d_act_extra")
    for k, a in enumerate(inputs[4:]):
        _seq_out(op, a, (t_len, b, 4 * h if names[k] in ("act", "d_act_extra") else h), names[k])
        if a.dtype != x.dtype:
            raise KernelError(f"[{op}] dtypes differ: {x.dtype} and {a.dtype}")
    shapes = [(t_len, b, d), (b, h), (b, h), (d + h, 4 * h), (4 * h,), (t_len, b, 4 * h)]
    shapes.append((t_len, b, d + h))
    for o, s, name in zip(outputs, shapes, ("d_x", "d_c0", "d_h0", "d_w", "d_b", "d_gates", "xh")):
        _seq_out(op, o, s, name)
    d_x, d_c0, d_h0, d_w, d_b, d_gates, xh = outputs
    dc_next, dh_next = np.zeros_like(c0), np.zeros_like(c0)
    for t in reversed(range(t_len)):
        c_prev = c[t - 1] if t > 0 else c0
        dg, dcp = np.empty_like(act[t]), np.empty_like(c0)
        _lstm_step_grad(
            [act[t], c_prev, tanh_c[t], d_c[t] + dc_next, d_h[t] + dh_next], [dg, dcp], [], []
        )
        if extra is not None:
            dg += extra[t]
        d_gates[t] = dg
        dc_next, dh_next = dcp, dg @ w[d:].T
    d_c0[...], d_h0[...] = dc_next, dh_next
    if t_len:
        xh[...] = np.concatenate([x, np.concatenate([h0[None], hs[:-1]])], axis=2)
    flat = d_gates.reshape(t_len * b, 4 * h)
    d_w[...] = xh.reshape(t_len * b, d + h).T @ flat
    d_x[...] = (flat @ w[:d].T).reshape(d_x.shape)
    d_b[...] = flat.sum(axis=0)
