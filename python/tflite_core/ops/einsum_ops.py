"""``tf.einsum`` as a composite: each operand's repeated labels become diagonals, labels no
other operand or the output needs are summed, and each pair of operands is contracted by one
batched matmul between transposes and reshapes ([batch..., free_a, contracted] @ [batch...,
contracted, free_b]); the gradients come from those ops. Ellipsis dimensions get labels of their
own, right-aligned across operands, so they broadcast as NumPy's (matmul broadcasts batch
dimensions).

>>> with tf.Session() as sess:
...     print(sess.run(tf.einsum("ij,jk->ik", [[1.0, 2.0]], [[3.0], [4.0]])))
[[11.]]
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.constant_op import constant, convert_to_tensor
from ..framework.graph import Tensor, name_scope
from .array_ops import reshape, shape, stack, transpose
from .linalg_ops import matrix_diag_part
from .math_ops import matmul, reduce_sum
from .slicing_ops import getitem


def _parse(equation: str, n: int) -> tuple[list[str], str | None]:
    eq = equation.replace(" ", "")
    if "->" in eq:
        lhs, out = eq.split("->")
    else:
        lhs, out = eq, None
    ins = lhs.split(",")
    if len(ins) != n:
        raise ValueError(
            f"Expected {len(ins)} input tensors for einsum equation '{equation}', got {n}"
        )
    for t in [*ins, out or ""]:
        if not re.fullmatch(r"[A-Za-z]*(\.\.\.)?[A-Za-z]*", t):
            raise ValueError(f"Invalid einsum equation '{equation}'")
    return ins, out


def _labels(term: str, rank: int | None, n_ell: int) -> list[str]:
    """The labels of an operand, its ellipsis expanded to ``n_ell`` right-aligned digits."""
    if "..." not in term:
        if rank is not None and rank != len(term):
            raise ValueError(f"Input rank {rank} does not match the number of labels in '{term}'")
        return list(term)
    left, right = term.split("...")
    k = (rank - len(left) - len(right)) if rank is not None else n_ell
    return [*left, *[str(n_ell - k + i) for i in range(k)], *right]


def _dim(x: Tensor, i: int) -> Any:
    d = x.shape.as_list()[i] if x.shape.ndims is not None else None
    return d if d is not None else getitem(shape(x), i)


def _shape_of(dims: list) -> Any:
    if all(isinstance(d, (int, np.integer)) for d in dims):
        return [int(d) for d in dims]
    if not dims:
        return constant(np.zeros(0, np.int32))
    return stack([convert_to_tensor(d, dtype=_dt.int32) for d in dims])


def _prod(dims: list) -> Any:
    out: Any = 1
    for d in dims:
        out = out * d
    return out


def _take_diagonals(x: Tensor, labels: list[str]) -> tuple[Tensor, list[str]]:
    """Replaces each repeated label of one operand by its diagonal."""
    while len(set(labels)) != len(labels):
        lab = next(c for c in labels if labels.count(c) > 1)
        i = labels.index(lab)
        j = labels.index(lab, i + 1)
        rest = [k for k in range(len(labels)) if k not in (i, j)]
        x = matrix_diag_part(transpose(x, [*rest, i, j]))
        labels = [labels[k] for k in rest] + [lab]
    return x, labels


def _sum_out(x: Tensor, labels: list[str], keep: set[str]) -> tuple[Tensor, list[str]]:
    axes = [i for i, c in enumerate(labels) if c not in keep]
    if not axes:
        return x, labels
    return reduce_sum(x, axes), [c for c in labels if c in keep]


def _permute(x: Tensor, labels: list[str], order: list[str]) -> Tensor:
    perm = [labels.index(c) for c in order]
    return x if perm == list(range(len(perm))) else transpose(x, perm)


def _contract(
    a: Tensor, la: list[str], b: Tensor, lb: list[str], keep: set[str]
) -> tuple[Tensor, list[str]]:
    """Contracts two operands over their shared labels not in ``keep``."""
    batch = [c for c in la if c in lb and c in keep]
    contracted = [c for c in la if c in lb and c not in keep]
    free_a = [c for c in la if c not in lb]
    free_b = [c for c in lb if c not in la]
    a = _permute(a, la, batch + free_a + contracted)
    b = _permute(b, lb, batch + contracted + free_b)
    nb = len(batch)
    da = [_dim(a, i) for i in range(len(la))]
    db = [_dim(b, i) for i in range(len(lb))]
    fa, fc = da[nb : nb + len(free_a)], da[nb + len(free_a) :]
    fb = db[nb + len(contracted) :]
    a2 = reshape(a, _shape_of([*da[:nb], _prod(fa), _prod(fc)]))
    b2 = reshape(b, _shape_of([*db[:nb], _prod(db[nb : nb + len(contracted)]), _prod(fb)]))
    out = matmul(a2, b2)
    bdims = [_dim(out, i) for i in range(nb)]
    out = reshape(out, _shape_of([*bdims, *fa, *fb]))
    return out, batch + free_a + free_b


def einsum(equation: str, *inputs: Any, **kwargs: Any) -> Tensor:
    """Tensor contractions in Einstein summation notation, as ``np.einsum`` (``"ij,jk->ik"``,
    ``"...ij,...jk->...ik"``, ``"ii->i"``, ``"ij->"``...); an equation without ``->`` gives
    the labels that appear once, in alphabetical order."""
    name = kwargs.pop("name", None)
    kwargs.pop("optimize", None)
    if kwargs:
        raise TypeError(f"Invalid keyword arguments for einsum: {', '.join(kwargs)}")
    xs = [convert_to_tensor(x) for x in inputs]
    if not xs:
        raise ValueError("No inputs given to einsum")
    ins, out = _parse(equation, len(xs))
    n_ell = 0
    for term, x in zip(ins, xs):
        if "..." in term:
            if x.shape.ndims is None:
                raise ValueError("einsum with an ellipsis needs inputs of known rank")
            n_ell = max(n_ell, x.shape.ndims - len(term) + 3)
    labels = [_labels(t, x.shape.ndims, n_ell) for t, x in zip(ins, xs)]
    ell = [str(i) for i in range(n_ell)]
    if out is None:
        once = sorted(
            c for c in {c for t in ins for c in t.replace(".", "")} if "".join(ins).count(c) == 1
        )
        out_labels = ell + once
    else:
        if "..." in out:
            left, right = out.split("...")
            out_labels = [*left, *ell, *right]
        else:
            out_labels = list(out)
        for c in out_labels:
            if c not in {c for ls in labels for c in ls}:
                raise ValueError(
                    f"Output subscript '{c}' does not appear in the inputs of '{equation}'"
                )
    with name_scope(name, "einsum", xs):
        ops = []
        for x, ls in zip(xs, labels):
            x, ls = _take_diagonals(x, ls)
            ops.append((x, ls))
        # sum labels that only one operand has and the output does not
        for i, (x, ls) in enumerate(ops):
            others = {c for j, (_, lj) in enumerate(ops) if j != i for c in lj}
            ops[i] = _sum_out(x, ls, others | set(out_labels))
        x, ls = ops[0]
        for k in range(1, len(ops)):
            later = {c for _, lj in ops[k + 1 :] for c in lj}
            y, ly = ops[k]
            x, ls = _contract(x, ls, y, ly, later | set(out_labels))
        x, ls = _sum_out(x, ls, set(out_labels))
        return _permute(x, ls, out_labels)


__all__ = ["einsum"]
