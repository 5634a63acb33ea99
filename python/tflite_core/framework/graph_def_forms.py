"""TensorFlow's form of the op types whose ``NodeDef`` differs from how this library keeps them.

This library keeps some of TF's constant inputs as attributes (a reduction's axes, a transpose's
permutation, a strided slice's bounds, ...) and leaves out attributes TF derives from the inputs
(``N``, ``Index``, ``Tidx``, ...). :func:`tf_form` gives, for one operation, what its ``NodeDef``
needs to be the node TF would have built: the op type, the inputs (with the ``Const`` or
``Shape`` nodes that feed the new ones) and the attributes to add or drop. ``graph_def`` applies
it, so that TensorFlow imports and runs the graphs this library writes. The op types of our own
(gradient helpers, fused LSTM ops) have forms of several TF nodes (``Nodes`` builds them):
``own_op_forms``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import dtypes as _dt

# op types written under TF 2's name for them (tf.add builds AddV2 in TF 2.21's compat.v1)
WRITTEN_AS = {"Add": "AddV2"}
_REDUCTIONS = frozenset({"Sum", "Mean", "Max", "Min", "Prod", "All", "Any", "EuclideanNorm"})
_SPARSE_APPLY_INDICES = {
    "SparseApplyMomentum": 4,
    "SparseApplyAdagrad": 4,
    "SparseApplyAdadelta": 7,
    "SparseApplyProximalGradientDescent": 5,
    "SparseApplyProximalAdagrad": 6,
    "SparseApplyAdagradDA": 4,
    "SparseApplyFtrl": 4,
    "SparseApplyFtrlV2": 4,
    "SparseApplyRMSProp": 8,
    "SparseApplyCenteredRMSProp": 9,
}
_C2C = frozenset({"FFT", "IFFT", "FFT2D", "IFFT2D", "FFT3D", "IFFT3D"})
_R2C = frozenset({"RFFT", "RFFT2D", "RFFT3D"})
_C2R = frozenset({"IRFFT", "IRFFT2D", "IRFFT3D"})
_STATELESS_SEEDED = frozenset(
    {
        "StatelessRandomUniform",
        "StatelessRandomNormal",
        "StatelessTruncatedNormal",
        "StatelessRandomUniformInt",
        "StatelessRandomUniformFullInt",
        "StatelessRandomGammaV2",
        "StatelessRandomPoisson",
    }
)


@dataclass(eq=False)
class Extra:
    """A node written before the op's own (named ``<op>/<suffix>``): a ``Const`` holding
    ``value``; (``value`` None) a ``Shape`` of the op's input ``shape_of``; or (``type`` given)
    a node of that type with ``inputs`` (as ``Form``'s) and ``attrs``. An ``Extra`` that several
    inputs name is written once."""

    suffix: str
    value: np.ndarray | None = None
    shape_of: int = -1
    type: str = ""
    inputs: list = field(default_factory=list)
    attrs: dict = field(default_factory=dict)


@dataclass
class Form:
    """The op's TF form: ``inputs`` lists, in TF's order, an int (the op's own input), a str (a
    node's output by name), an ``Extra`` or ``(Extra, k)`` (its output k); ``attrs`` are added
    (overriding), ``drop`` removed; with ``replace``, ``attrs`` are all the node's (an op type
    of our own written as TF's: ``own_op_forms``); ``work`` lists outputs that stand in for a
    work buffer of ours (written, where asked, with an unknown ``_output_shapes``)."""

    type: str
    inputs: list
    attrs: dict = field(default_factory=dict)
    drop: tuple = ()
    replace: bool = False
    work: tuple = ()


class Nodes:
    """Builds the ``Extra`` nodes of one op's form, named by type (``Shape``, ``Shape_1``...)."""

    def __init__(self) -> None:
        self.counts: dict = {}

    def _suffix(self, base: str) -> str:
        k = self.counts.get(base, 0)
        self.counts[base] = k + 1
        return base if k == 0 else f"{base}_{k}"

    def __call__(self, op_type: str, *inputs, **attrs) -> Extra:
        """A node of ``op_type`` reading ``inputs`` (``Form`` items), with ``attrs``."""
        return Extra(self._suffix(op_type), type=op_type, inputs=list(inputs), attrs=attrs)

    def const(self, value, dtype: _dt.DType) -> Extra:
        return Extra(self._suffix("Const"), value=np.asarray(value, dtype.np))


def _i32(v) -> np.ndarray:
    return np.asarray(v, np.int32)


def _rank(op, i: int = 0) -> int | None:
    return op._inputs[i].shape.ndims


def _all_axes(op) -> Extra:
    """``range(rank(x))`` for an input of unknown rank."""
    b = Nodes()
    rank = b("Rank", 0, T=op._inputs[0].dtype)
    return b("Range", b.const(0, _dt.int32), rank, b.const(1, _dt.int32), Tidx=_dt.int32)


def spec_bounds(spec):
    """begin, end, strides and the five masks of a slice spec (``slicing_ops``' tuple form)."""
    begin, end, strides = [], [], []
    masks = dict.fromkeys(
        ("begin_mask", "end_mask", "ellipsis_mask", "new_axis_mask", "shrink_axis_mask"), 0
    )
    for i, item in enumerate(spec):
        bit = 1 << i
        kind = item[0]
        if kind == "slice":
            b, e, s = item[1], item[2], item[3]
            begin.append(0 if b is None else int(b))
            end.append(0 if e is None else int(e))
            strides.append(1 if s is None else int(s))
            masks["begin_mask"] |= bit if b is None else 0
            masks["end_mask"] |= bit if e is None else 0
        elif kind == "int":
            begin.append(int(item[1]))
            end.append(int(item[1]) + 1)
            strides.append(1)
            masks["shrink_axis_mask"] |= bit
        else:
            begin.append(0)
            end.append(0)
            strides.append(1)
            masks["ellipsis_mask" if kind == "ellipsis" else "new_axis_mask"] |= bit
    return _i32(begin), _i32(end), _i32(strides), masks


def tf_form(op) -> Form | None:
    """The TF form of ``op``, or None where its ``NodeDef`` is already TF's."""
    t, a, n = op.type, op._attrs, len(op._inputs)
    own = list(range(n))
    if t in WRITTEN_AS:
        return Form(WRITTEN_AS[t], own)
    if n == 2 and t in (*_REDUCTIONS, "ArgMax", "ArgMin", "Transpose", "Tile"):
        # the second input fed or computed: TF's own form, with its index dtype
        index = {"Transpose": "Tperm", "Tile": "Tmultiples"}.get(t, "Tidx")
        attrs = {index: op._inputs[1].dtype}
        if t in ("ArgMax", "ArgMin"):
            attrs["output_type"] = op._outputs[0].dtype
        return Form(t, own, attrs, ("axis", "axis_from", "perm", "multiples"))
    if t in _REDUCTIONS and "axis" in a and n == 1:
        axis = a["axis"]
        if axis is None:
            rank = _rank(op)
            if rank is None:  # all of a rank known when run: TF's range(rank(x))
                return Form(t, [0, _all_axes(op)], {"Tidx": _dt.int32}, ("axis",))
            axis = list(range(rank))
        return Form(t, [0, Extra("reduction_indices", _i32(axis))], {"Tidx": _dt.int32}, ("axis",))
    if t in ("ArgMax", "ArgMin") and "axis" in a and n == 1:
        attrs = {"Tidx": _dt.int32, "output_type": op._outputs[0].dtype}
        return Form(t, [0, Extra("dimension", _i32(a["axis"]))], attrs, ("axis",))
    if t == "Transpose" and "perm" in a and n == 1:
        perm = a["perm"]
        if perm is None:
            rank = _rank(op)
            if rank is None:
                return None
            perm = list(range(rank))[::-1]
        return Form(t, [0, Extra("perm", _i32(perm))], {"Tperm": _dt.int32}, ("perm",))
    if t == "Tile" and "multiples" in a and n == 1:
        extra = Extra("multiples", _i32(a["multiples"]))
        return Form(t, [0, extra], {"Tmultiples": _dt.int32}, ("multiples",))
    if t == "ConcatV2" and a.get("axis") is None:  # the axis is the last input
        return Form(t, own, {"N": n - 1, "Tidx": op._inputs[-1].dtype}, ("axis",))
    if t == "ConcatV2" and "axis" in a:
        attrs = {"N": n, "Tidx": _dt.int32}
        return Form(t, [*own, Extra("axis", _i32(a["axis"]))], attrs, ("axis",))
    if t == "Split" and n == 2:  # the axis fed or computed: TF's split_dim comes first
        sizes = a.get("size_splits")
        if a.get("num_split") is None and sizes:
            attrs = {"num_split": len(sizes), "Tlen": _dt.int32}
            return Form(
                "SplitV", [0, Extra("size_splits", _i32(sizes)), 1], attrs, ("axis", "size_splits")
            )
        return Form(t, [1, 0], {}, ("axis", "size_splits"))
    if t == "Split" and n == 1:
        sizes = a.get("size_splits")
        axis = Extra("split_dim", _i32(a["axis"]))
        if a.get("num_split") is None and sizes:
            attrs = {"num_split": len(sizes), "Tlen": _dt.int32}
            sizes_in = Extra("size_splits", _i32(sizes))
            return Form("SplitV", [0, sizes_in, axis], attrs, ("axis", "size_splits"))
        return Form(t, [axis, 0], {}, ("axis", "size_splits"))
    if t == "Reshape" and n == 2 and op._inputs[1].dtype != _dt.int32:  # (an int64 shape)
        return Form(t, own, {"Tshape": op._inputs[1].dtype})
    if t in ("AddN", "Pack") and "N" not in a:
        return Form(t, own, {"N": n})
    if t == "IdentityN":
        return Form(t, own, {"T": [x.dtype for x in op._inputs]})
    if t == "StridedSlice" and a.get("spec") is not None and n == 1:
        b, e, s, masks = spec_bounds(a["spec"])
        extras = [Extra("begin", b), Extra("end", e), Extra("strides", s)]
        return Form(t, [0, *extras], {"Index": _dt.int32, **masks}, ("spec",))
    if t == "StridedSlice" and n == 4:
        return Form(t, own, {"Index": op._inputs[1].dtype}, ("spec",))
    if t == "StridedSliceGrad" and a.get("spec") is not None and n == 2:
        b, e, s, masks = spec_bounds(a["spec"])
        extras = [Extra("begin", b), Extra("end", e), Extra("strides", s)]
        shape = Extra("shape", shape_of=1)
        return Form(t, [shape, *extras, 0], {"Index": _dt.int32, **masks}, ("spec",))
    if t == "StridedSliceGrad" and n == 5:  # bounds fed or computed
        return Form(
            t, [Extra("shape", shape_of=1), 2, 3, 4, 0], {"Index": op._inputs[2].dtype}, ("spec",)
        )
    if t in _SPARSE_APPLY_INDICES:
        return Form(t, own, {"Tindices": op._inputs[_SPARSE_APPLY_INDICES[t]].dtype})
    if t == "RandomUniformInt":
        return Form(t, own, {"Tout": op._outputs[0].dtype, "T": op._inputs[0].dtype})
    if t == "RandomPoissonV2":
        attrs = {"S": op._inputs[0].dtype, "R": op._inputs[1].dtype}
        return Form(t, own, {**attrs, "dtype": op._outputs[0].dtype}, ("T",))
    if t == "RandomGamma":
        return Form(t, own, {"S": op._inputs[0].dtype, "T": op._inputs[1].dtype})
    if t in _C2C:
        return Form(t, own, {"Tcomplex": op._inputs[0].dtype}, ("k", "inverse"))
    if t in _R2C or t in _C2R:
        real, cplx = (
            (op._inputs[0], op._outputs[0]) if t in _R2C else (op._outputs[0], op._inputs[0])
        )
        return Form(t, own, {"Treal": real.dtype, "Tcomplex": cplx.dtype}, ("k", "n", "T"))
    if t in ("FFTND", "IFFTND", "RFFTND", "IRFFTND"):
        k = int(a["k"])
        axes = Extra("axes", _i32(list(range(-k, 0))))
        if t in ("FFTND", "IFFTND"):
            shape = op._inputs[0].shape
            if shape.ndims is None or not shape[-k:].is_fully_defined():
                return None
            inputs = [0, Extra("fft_length", _i32(shape.as_list()[-k:])), axes]
            return Form(t, inputs, {"Tcomplex": op._inputs[0].dtype}, ("k", "inverse"))
        real, cplx = (
            (op._inputs[0], op._outputs[0]) if t == "RFFTND" else (op._outputs[0], op._inputs[0])
        )
        attrs = {"Treal": real.dtype, "Tcomplex": cplx.dtype}
        return Form(t, [0, 1, axes], attrs, ("k", "n", "T"))
    if t in _STATELESS_SEEDED:
        return Form(t, own, {"T": op._inputs[0].dtype, "Tseed": op._inputs[1].dtype})
    if t == "StatelessRandomBinomial":
        attrs = {"S": op._inputs[0].dtype, "Tseed": op._inputs[1].dtype, "T": op._inputs[2].dtype}
        return Form(t, own, attrs)
    if t == "StatelessParameterizedTruncatedNormal":
        return Form(t, own, {"S": op._inputs[0].dtype, "Tseed": op._inputs[1].dtype}, ("T",))
    if t == "IsVariableInitialized" and n == 0 and a.get("variable"):
        return Form(t, [a["variable"]], {}, ("variable",))
    return None
