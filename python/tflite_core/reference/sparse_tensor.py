"""SparseTensor kernels (``cpp/sparse_tensor.cc``): sparse_to_dense, sparse_dense_matmul,
sparse_reorder, sparse_segment, sparse_dense_add, sparse_reduce and sparse_softmax. A
SparseTensor is ``indices`` [N, rank], ``values`` [N] and ``dense_shape`` [rank].
"""

from __future__ import annotations

import numpy as np

from .registry import KernelError, _kernel, _store


def _rows(ind: np.ndarray) -> np.ndarray:
    if ind.dtype.kind != "i":
        raise KernelError("indices must be int32 or int64")
    return ind.reshape(-1, 1) if ind.ndim < 2 else ind


def _flat(op: str, ind: np.ndarray, shape: np.ndarray) -> np.ndarray:
    if ind.shape[1] != len(shape):
        raise KernelError(f"[{op}] indices do not match the shape's rank")
    bad = ((ind < 0) | (ind >= shape)).any(axis=1)
    if bad.any():
        i = int(np.argmax(bad))
        raise KernelError(f"[{op}] indices[{i}] = {list(ind[i])} is out of bounds")
    return np.ravel_multi_index(tuple(ind.T), tuple(shape)) if len(ind) else np.zeros(0, np.int64)


@_kernel("sparse_to_dense")
def _sparse_to_dense(inputs, outputs, ints, floats):
    ind, shape, vals, dflt = inputs
    op = "SparseToDense"
    ind = _rows(ind)
    if ind.ndim == 2 and len(inputs[0].shape) == 0:
        ind = ind.reshape(1, -1)
    shape = shape.reshape(-1).astype(np.int64)
    pos = _flat(op, ind.astype(np.int64), shape)
    if ints[0]:
        d = np.diff(pos)
        if (d < 0).any():
            raise KernelError(f"[{op}] indices[{int(np.argmax(d < 0)) + 1}] is out of order")
        if (d == 0).any():
            raise KernelError(f"[{op}] indices[{int(np.argmax(d == 0)) + 1}] is repeated")
    out = np.full(int(np.prod(shape)), dflt.reshape(()), outputs[0].dtype)
    out[pos] = np.broadcast_to(vals, pos.shape)
    _store(outputs[0], out)


@_kernel("sparse_dense_matmul")
def _sparse_dense_matmul(inputs, outputs, ints, floats):
    ind, vals, shape, b = inputs
    op = "SparseTensorDenseMatMul"
    adj_a, adj_b = ints[0], ints[1]
    rows, cols = (shape[1], shape[0]) if adj_a else (shape[0], shape[1])
    bb = b.T if adj_b else b
    if bb.shape[0] != cols:
        raise KernelError(f"[{op}] Cannot multiply A and B because inner dimension does not match")
    r, k = (ind[:, 1], ind[:, 0]) if adj_a else (ind[:, 0], ind[:, 1])
    if ((k < 0) | (k >= cols)).any() or ((r < 0) | (r >= rows)).any():
        raise KernelError(f"[{op}] index out of bounds")
    acc = np.zeros((rows, bb.shape[1]), np.float64 if b.dtype.kind == "f" else b.dtype)
    np.add.at(acc, r, vals[:, None] * bb[k])
    _store(outputs[0], acc)


@_kernel("sparse_reorder")
def _sparse_reorder(inputs, outputs, ints, floats):
    ind, vals, _ = inputs
    order = np.lexsort(ind.T[::-1]) if ind.size else np.arange(len(ind))
    _store(outputs[0], ind[order])
    _store(outputs[1], vals[order])


@_kernel("sparse_segment")
def _sparse_segment(inputs, outputs, ints, floats):
    data, ids, seg = inputs
    mode = ints[0]  # (ints[1], with_num_segments, only changes the C++ messages)
    out = outputs[0]
    if (np.diff(seg) < 0).any():
        raise KernelError("[SparseSegment] segment ids are not increasing")
    if ((seg < 0) | (seg >= out.shape[0])).any():
        raise KernelError("[SparseSegment] segment ids must be < num_segments")
    if ((ids < 0) | (ids >= data.shape[0])).any():
        raise KernelError("[SparseSegment] Bad: indices out of range")
    acc = np.zeros(out.shape, np.float64)
    np.add.at(acc, seg, data[ids].astype(np.float64))
    counts = np.bincount(seg, minlength=out.shape[0]).astype(np.float64)
    div = np.maximum(counts, 1) if mode == 1 else np.sqrt(np.maximum(counts, 1))
    if mode:
        acc /= div.reshape((-1,) + (1,) * (out.ndim - 1))
    _store(out, acc)


@_kernel("sparse_dense_add")
def _sparse_dense_add(inputs, outputs, ints, floats):
    ind, vals, shape, b = inputs
    if tuple(shape) != b.shape:
        raise KernelError("[SparseTensorDenseAdd] Dimension does not equal")
    pos = _flat("SparseTensorDenseAdd", ind, shape)
    out = b.copy().reshape(-1)
    np.add.at(out, pos, vals)
    _store(outputs[0], out)


@_kernel("sparse_reduce")
def _sparse_reduce(inputs, outputs, ints, floats):
    ind, vals, shape = inputs
    is_max, mask = ints[0], np.asarray(ints[1:], bool)
    op = "SparseReduceMax" if is_max else "SparseReduceSum"
    _flat(op, ind, shape)
    kept = shape[~mask]
    pos = (
        np.ravel_multi_index(tuple(ind[:, ~mask].T), tuple(kept))
        if mask.size and not mask.all()
        else np.zeros(len(ind), np.int64)
    )
    size = int(np.prod(kept))
    if is_max:
        acc = np.full(size, -np.inf if vals.dtype.kind == "f" else np.iinfo(vals.dtype).min)
        acc = acc.astype(vals.dtype)
        np.maximum.at(acc, pos, vals)
        seen = np.zeros(size, bool)
        seen[pos] = True
        acc[~seen] = 0
    else:
        acc = np.zeros(size, vals.dtype)
        np.add.at(acc, pos, vals)
    _store(outputs[0], acc)


@_kernel("sparse_softmax")
def _sparse_softmax(inputs, outputs, ints, floats):
    ind, vals, shape = inputs
    if len(shape) < 2:
        raise KernelError("[SparseSoftmax] Input should have rank >= 2")
    out = np.empty(vals.shape, vals.dtype)
    keys = [tuple(r[:-1]) for r in ind.tolist()]
    for k in set(keys):
        at = np.array([i for i, kk in enumerate(keys) if kk == k])
        v = vals[at].astype(np.float64)
        e = np.exp(v - v.max())
        out[at] = e / e.sum()
    _store(outputs[0], out)


_M64 = (1 << 64) - 1


def _fingerprint_cat64(fp1: int, fp2: int) -> int:
    k = 0xC6A4A7935BD1E995

    def mix(v: int) -> int:
        return v ^ (v >> 47)

    r = fp1 ^ k
    r ^= (mix((fp2 * k) & _M64) * k) & _M64
    r = (r * k) & _M64
    r = (mix(r) * k) & _M64
    return mix(r)


@_kernel("sparse_cross")
def _sparse_cross(inputs, outputs, ints, floats):
    ns, buckets, key = ints[0], ints[1], ints[2] & _M64
    inds, vals, shapes = inputs[:ns], inputs[ns : 2 * ns], inputs[2 * ns : 3 * ns]
    dense = inputs[3 * ns :]
    batch = int(shapes[0][0]) if ns else (dense[0].shape[0] if dense else 0)
    feats = []  # per row, per input: its features in order
    for r in range(batch):
        row = [list(v[ind[:, 0] == r]) for ind, v in zip(inds, vals)]
        row += [list(d[r]) for d in dense]
        feats.append(row)
    out_i, out_v, width = [], [], 0
    for r, row in enumerate(feats):
        combos: list[list] = [[]]
        for fs in row:  # the last input varies fastest
            combos = [[*c, f] for c in combos for f in fs]
        if not row:
            combos = []
        for k, c in enumerate(combos):
            h = key
            for f in c:
                h = _fingerprint_cat64(h, int(f) & _M64)
            out_i.append([r, k])
            out_v.append(h % buckets if buckets > 0 else h % ((1 << 63) - 1))
        width = max(width, len(combos))
    _store(outputs[0], np.array(out_i, np.int64).reshape(-1, 2))
    _store(outputs[1], np.array(out_v, np.int64))
    _store(outputs[2], np.array([batch, width], np.int64))


@_kernel("sparse_add")
def _sparse_add(inputs, outputs, ints, floats):
    a_ind, a_val, a_shape, b_ind, b_val, b_shape, thresh = inputs
    if list(a_shape) != list(b_shape):
        raise KernelError("[SparseAdd] Operands' shapes do not match")
    entries: dict[tuple, list] = {}
    for ind, val in ((a_ind, a_val), (b_ind, b_val)):
        for row, v in zip(map(tuple, ind.tolist()), val):
            entries.setdefault(row, []).append(v)
    rows, vals = [], []
    for row in sorted(entries):
        vs = entries[row]
        s = vs[0] if len(vs) == 1 else a_val.dtype.type(vs[0] + vs[1])
        if len(vs) == 1 or abs(float(s)) >= float(thresh):
            rows.append(row)
            vals.append(s)
    _store(outputs[0], np.array(rows, np.int64).reshape(-1, len(a_shape)))
    _store(outputs[1], np.array(vals, a_val.dtype))
    _store(outputs[2], a_shape)


@_kernel("sparse_add_grad")
def _sparse_add_grad(inputs, outputs, ints, floats):
    grad, a_ind, b_ind, s_ind = inputs
    at = {tuple(r): k for k, r in enumerate(s_ind.tolist())}
    for out, ind in zip(outputs, (a_ind, b_ind)):
        k = [at.get(tuple(r), -1) for r in ind.tolist()]
        _store(out, np.array([grad[i] if i >= 0 else 0 for i in k], grad.dtype))


@_kernel("sparse_reshape")
def _sparse_reshape(inputs, outputs, ints, floats):
    ind, shape, new = inputs
    new = [int(d) for d in new]
    total = int(np.prod(shape))
    if new.count(-1) > 1:
        raise KernelError("[SparseReshape] only one output dimension may be -1")
    if any(d < -1 for d in new):
        raise KernelError("[SparseReshape] size must be non-negative")
    rest = int(np.prod([d for d in new if d != -1]))
    if -1 in new:
        if rest == 0 or total % rest:
            raise KernelError("[SparseReshape] requested shape requires a multiple")
        new[new.index(-1)] = total // rest
    elif rest != total:
        raise KernelError("[SparseReshape] Input to reshape is a tensor with other dense values")
    flat = np.ravel_multi_index(tuple(ind.T), tuple(shape)) if len(ind) else np.zeros(0, int)
    out = np.stack(np.unravel_index(flat, new), axis=1) if len(ind) else np.zeros((0, len(new)))
    _store(outputs[0], out)
    _store(outputs[1], np.array(new, np.int64))


@_kernel("sparse_concat")
def _sparse_concat(inputs, outputs, ints, floats):
    n, axis = ints[0], ints[1]
    inds, vals, shapes = inputs[:n], inputs[n : 2 * n], inputs[2 * n :]
    rank = len(shapes[0])
    axis %= rank
    for s in shapes:
        if len(s) != rank or any(s[d] != shapes[0][d] for d in range(rank) if d != axis):
            raise KernelError("[SparseConcat] Input shapes must match")
    offsets = np.cumsum([0] + [int(s[axis]) for s in shapes])
    rows = [i + np.eye(rank, dtype=np.int64)[axis] * off for i, off in zip(inds, offsets)]
    ind = np.concatenate(rows).reshape(-1, rank)
    val = np.concatenate(vals)
    order = np.lexsort(ind.T[::-1]) if len(ind) else np.arange(0)
    dims = np.array(shapes[0], np.int64)
    dims[axis] = offsets[-1]
    _store(outputs[0], ind[order])
    _store(outputs[1], val[order])
    _store(outputs[2], dims)


@_kernel("sparse_slice")
def _sparse_slice(inputs, outputs, ints, floats):
    ind, vals, shape, start, size = inputs
    if len(start) != len(shape) or len(size) != len(shape):
        raise KernelError("[SparseSlice] start and size must match the rank")
    keep = np.all((ind >= start) & (ind - start < size), axis=1) if len(ind) else np.zeros(0, bool)
    _store(outputs[0], (ind[keep] - start).reshape(-1, len(shape)))
    _store(outputs[1], vals[keep])
    _store(outputs[2], np.maximum(np.minimum(start + size, shape) - start, 0))
