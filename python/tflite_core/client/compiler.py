"""The compile step: one ``Session.run`` signature and its concrete feed shapes become a C++
plan (``_core.Plan``): buffer slots and a list of kernel steps.

``compile_plan`` infers every concrete shape, then walks the scheduled ops and hands each to the
emitter of its kind (``OpKind``): constants are copied into buffers once, variables are the
Session's buffers read in place, aliases share their input's buffer, kernels and updates become
steps. The plan rewrites of ``fusion`` (a convolution with its bias and activation; a gradient
step of a matmul gradient) have emitters of their own.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.compute_dtypes import widening
from ..framework.graph import Operation, Tensor
from ..framework.registry import OpKind, RunTimeValues
from ..framework.runtime import core
from ..framework.tensor_shape import TensorShape, shape_str
from . import control, elementwise_fusion, fusion, simplify
from .buffers import aligned_buffer, memory_limit, nbytes_of
from .op_kinds import MAX_RANK, foldable, is_mutation, refs


class Plan:
    """One compiled plan instance; used by one thread at a time."""

    __slots__ = ("assigns", "core", "error_ops", "nbytes", "needs_init")

    def __init__(
        self,
        plan_core: core.Plan,
        needs_init: tuple,
        assigns: tuple,
        nbytes: int,
        error_ops: dict | None = None,
    ):
        self.core = plan_core
        self.needs_init = needs_init  # variables the plan reads before assigning them
        self.assigns = assigns  # variables whose Assign this plan runs (initialised after it)
        self.nbytes = nbytes  # bytes of the buffers it allocated (not the Session's variables)
        # node name -> (op, where each input's value is) for ops with an OpDef.error_fn
        self.error_ops = error_ops or {}


class _Slots(dict):
    """Tensor -> slot, remembering the tensors given slots since ``added`` was last cleared."""

    def __init__(self) -> None:
        super().__init__()
        self.added: list = []

    def __setitem__(self, t, slot) -> None:
        super().__setitem__(t, slot)
        self.added.append(t)


class _Builder:
    """The state of one plan being compiled: concrete shapes, buffer slots, the C++ plan."""

    def __init__(self, exe, sig, fed_values, parent=None, owned=()):
        self.exe = exe
        self.sess = exe.sess
        self.fed = exe.fed
        self.fed_values = fed_values
        self.concrete: dict[Tensor, tuple[int, ...] | None] = {
            t: None if s is None else tuple(int(d) for d in s)
            for t, s in zip(exe.feed_tensors, sig)
        }
        self.owned = set(owned)  # fed params whose buffers this plan may overwrite (loop vars)
        self.owned_slots: set = set()  # slots holding buffers nothing outside this plan reads
        self.core = core.Plan()
        self.slot = _Slots()
        self.arrays: dict = {}  # slot -> ndarray backing it
        self.view_of: dict[int, int] = {}  # slot -> the slot whose memory it views (an alias)
        self.needs_init: list = []
        self.assigned: set = set()
        self.assigns: list = []
        self.values: dict = {}  # tensor -> its value known at compile time (or None)
        # see Plan.error_ops: one dict for a plan and the sub-plans its control steps run
        self.error_ops: dict = {} if parent is None else parent.error_ops
        self.parent = parent
        self.nbytes = 0  # of the buffers allocated for this plan
        self.limit = memory_limit() if parent is None else parent.limit - parent.nbytes
        self.control: dict = {}  # control op -> its compiled sub-plans (client/control.py)
        self.exe_ops: set = set()  # the ops this plan runs
        self.emitted: set = set()  # those whose steps are in the plan so far
        self.dynamic: dict = {}  # tensor of a dynamic slot -> the concrete shape of its rows
        # buffer planning: slots of fresh buffers (kernel outputs) -> the tensors that still
        # need them (their own, views of them, outputs written over them); a buffer none of
        # them needs is free, and the next output of at most its size is a view of it
        self.share = getattr(self.sess, "_share_buffers", True)
        self.holders: dict[int, set] = {}  # root slot -> tensors whose slots are in it
        self.poolable: set = set()  # root slots of fresh buffers (constants etc. never)
        self.free: list = []  # (bytes, root slot) of poolable buffers no tensor needs, sorted
        self.keep: set = set()  # tensors that live to the end (fetched, snapshotted)
        self.callbacks = False  # whether a step calls Python
        # the tenancies of poolable buffers (a tensor's, with its views) for _pack: slot -> group
        self.tenancy: dict[int, int] = {}
        self.groups: list[list[int]] = []

    def alloc(self, shape, dtype, op) -> np.ndarray:
        """A fresh buffer for an output of ``op``, counted in the plan's size (the whole plan
        must fit the memory limit: ResourceExhaustedError naming ``op`` beyond it)."""
        a = aligned_buffer(shape, dtype, op, self.limit - self.nbytes)
        self.nbytes += a.nbytes
        return a

    def build_sub(self, exe, sig, fed_values, owned=()) -> _Builder:
        """The compiled builder of a function body's plan (``exe``: its ``Executable``), whose
        buffers count towards this plan's size; ``owned``: params it may overwrite."""
        sub = build_plan(exe, sig, fed_values, self, owned)
        self.nbytes += sub.nbytes
        return sub

    def probe_sub(self, exe, sig, fed_values) -> _Builder:
        """A function body's concrete shapes for ``sig`` (``None`` where unknown), inferred only."""
        sub = _Builder(exe, sig, fed_values, self)
        sub.infer_shapes(exe.shape_order)
        return sub

    def can_overwrite(self, op: Operation, t: Tensor) -> bool:
        """Whether ``op`` may write its output into ``t``'s buffer: a buffer of this plan (or a
        loop variable's) that no other tensor shares, that no op of the plan still to run reads,
        and that is not fetched."""
        slot = self.slot.get(t)
        if slot is None or slot not in self.owned_slots:
            return False
        self._note_holders()
        if len(self.holders.get(self.view_of.get(slot, slot), ())) != 1:
            return False  # (another tensor still needs it: its buffer, or a view of its memory)
        if any(c is not op and c in self.exe_ops and c not in self.emitted for c in t._consumers):
            return False  # (a reader already emitted has run by then)
        return t not in self.keep  # (fetched or snapshotted: read after this plan's steps)

    # -- buffer planning ----------------------------------------------------------------------
    def _note_holders(self) -> None:
        """Records the tensors given slots since the last call under their buffers' roots."""
        for t in self.slot.added:
            slot = self.slot[t]
            self.holders.setdefault(self.view_of.get(slot, slot), set()).add(t)
        self.slot.added.clear()

    def _done_with(self, t: Tensor) -> bool:
        """Whether no op of this plan still to run reads ``t`` and nothing reads it after."""
        return (
            t in self.slot
            and t not in self.keep
            and t not in self.fed
            and t not in self.dynamic
            and all(c in self.emitted or c not in self.exe_ops for c in t._consumers)
        )

    def release(self, ops) -> None:
        """After ``ops``'s steps: the buffers of their inputs and outputs that no tensor still
        needs become free for later outputs (steps run one after another, in plan order)."""
        self._note_holders()
        for op in ops:
            for t in (*op._inputs, *op._outputs):
                if not self._done_with(t):
                    continue
                slot = self.slot[t]
                root = self.view_of.get(slot, slot)
                held = self.holders.get(root)
                if held is None or t not in held:
                    continue
                held.discard(t)
                if not held and root in self.poolable:
                    bisect.insort(self.free, (self.arrays[root].nbytes, root))

    def _reuse(self, shape, dtype) -> tuple[int, np.ndarray] | None:
        """The smallest free buffer that holds ``shape`` x ``dtype``: its root slot and a view
        of it (whose start keeps ``aligned_buffer``'s placement); None if there is none."""
        n = nbytes_of(shape, dtype)
        k = bisect.bisect_left(self.free, (n, -1))
        if k == len(self.free) or n == 0:
            return None
        _, root = self.free.pop(k)
        raw = self.arrays[root].reshape(-1).view(np.uint8)
        return root, raw[:n].view(dtype).reshape(shape)

    # -- values and shapes ------------------------------------------------------------------
    def value_of(self, t: Tensor):
        """``t``'s value when it is known at compile time: fed values that decide shapes
        (including those a pre-plan computes each run), constants, shape values, and what the
        kernels compute from those (folded here, once per plan)."""
        try:
            return self.values[t]
        except KeyError:
            v = self.values[t] = self._value(t)
            return v

    def _value(self, t: Tensor):
        if t in self.fed:
            return self.fed_values.get(t)
        op = t.op
        d = op._def
        if d.kind is OpKind.CONST:
            return op.get_attr("value")
        if d.kind is OpKind.SHAPE:
            shapes = [self.concrete.get(i) for i in op._inputs]
            if any(s is None for s in shapes):
                return None
            assert d.value_fn is not None  # OpDef.check: a SHAPE op has one
            return d.value_fn(op, shapes, self.input_value_fn(op))
        if not foldable(op):
            return None
        ins = [self.value_of(i) for i in op._inputs]
        outs = [s for s in (self.concrete.get(o) for o in op._outputs) if s is not None]
        if any(v is None for v in ins) or len(outs) != len(op._outputs):
            return None
        if d.kind is OpKind.ALIAS:
            return np.asarray(ins[0]).reshape(outs[0])
        arrays = [np.empty(s, o.dtype.np) for s, o in zip(outs, op._outputs)]
        idx = d.kernel_input_indices(op)
        ints, floats = self.kernel_attrs(op, op._outputs)
        kernel_ins = [np.asarray(ins[i], op._inputs[i].dtype.np, order="C") for i in idx]
        assert d.kernel is not None  # foldable: a KERNEL op, which OpDef.check gave a kernel
        try:
            core.run_kernel(d.kernel, kernel_ins, arrays, ints, floats)
        except core.ResourceError as e:  # named as a plan names it (executable._resource_error)
            raise core.ResourceError(f"{e} (node '{op.name}')") from None
        return arrays[t.value_index]

    def infer_shapes(self, shape_order) -> None:
        for op in shape_order:
            if all(t in self.fed for t in op._outputs) and op._outputs:
                continue
            if op._def.kind is OpKind.CONTROL:  # compiles its bodies' plans now
                for t, s in zip(op._outputs, control.infer(self, op)):
                    if t not in self.fed:
                        self.concrete[t] = s
                continue
            in_shapes = [TensorShape(self.concrete.get(t)) for t in op._inputs]
            outs = op._def.shape_fn(op, in_shapes, self.input_value_fn(op))
            for t, s in zip(op._outputs, outs):
                if t not in self.fed:
                    s = t.shape.merge_with(s) if s is not None else t.shape
                    self.concrete[t] = tuple(s.as_list()) if s.is_fully_defined() else None

    def input_value_fn(self, op: Operation) -> Callable:
        return RunTimeValues(lambda i: self.value_of(op._inputs[i]))

    def shape_of(self, t: Tensor) -> tuple:
        s = self.concrete.get(t)
        if s is None:
            raise ValueError(
                f"Cannot determine the shape of {t.name} (static shape "
                f"{t.shape}); feed the placeholders it depends on"
            )
        return s

    def kernel_attrs(self, op: Operation, outs) -> tuple[list, list]:
        """The kernel's ``(ints, floats)`` from the op's ``attrs_fn`` (none without one)."""
        d = op._def
        if d.attrs_fn is None:
            return [], []
        ints, floats = d.attrs_fn(
            op,
            [self.shape_of(t) for t in op._inputs],
            [self.shape_of(t) for t in outs],
            self.input_value_fn(op),
        )
        return [int(i) for i in ints], [float(f) for f in floats]

    # -- buffers ----------------------------------------------------------------------------
    def add_buffer(self, arr: np.ndarray) -> int:
        i = self.core.add_buffer(arr)
        self.arrays[i] = arr
        return i

    def new_buffer(self, t: Tensor, arr=None) -> int:
        """A slot for ``t``: ``arr``, or a fresh buffer of its concrete shape."""
        npd = t.dtype.np
        if t.dtype not in _dt.KERNEL_DTYPES:
            raise ValueError(f"dtype {t.dtype.name} of {t.name} has no kernels")
        shape = self.shape_of(t)
        if len(shape) > MAX_RANK:
            raise ValueError(
                f"{t.name} would have {len(shape)} dimensions; tflite_core's kernels "
                f"handle at most {MAX_RANK} (as most of TensorFlow's CPU kernels)"
            )
        if arr is not None:
            i = self.add_buffer(arr)
        elif self.share and (found := self._reuse(shape, npd)) is not None:
            root, view = found
            i = self.add_buffer(view)
            self.view_of[i] = root
            self.tenancy[i] = len(self.groups)
            self.groups.append([i])
        else:
            i = self.add_buffer(self.alloc(shape, npd, t.op))
            if self.share:
                self.poolable.add(i)
                self.tenancy[i] = len(self.groups)
                self.groups.append([i])
        self.slot[t] = i
        return i

    def output_nbytes(self, t: Tensor) -> int | None:
        """``t``'s size in bytes at this plan's shapes (None where its shape is unknown)."""
        s = self.concrete.get(t)
        return None if s is None else nbytes_of(s, t.dtype.np)

    def scratch_buffer(self, t: Tensor) -> int:
        """A buffer no consumer reads (a fed output that a multi-output op still computes)."""
        return self.core.add_buffer(self.alloc(self.shape_of(t), t.dtype.np, t.op))

    # -- variable reads ---------------------------------------------------------------------
    def note_variable_reads(self, op: Operation) -> None:
        """Variables ``op`` reads before any assignment in this plan must be initialised."""
        for t in op._inputs:
            if (
                t.op._def.kind is OpKind.VARIABLE
                and t not in self.fed
                and not (op.type == "Assign" and t is op._inputs[0])
                and t.op not in self.assigned
                and t.op not in self.needs_init
            ):
                self.needs_init.append(t.op)


# ---- one emitter per op kind -------------------------------------------------------------------
def _emit_const(b: _Builder, op: Operation, outs: list) -> None:
    value = op.get_attr("value")
    buf = b.alloc(value.shape, value.dtype, op)
    buf[...] = value
    b.new_buffer(outs[0], buf)


def _emit_placeholder(b: _Builder, op: Operation, outs: list) -> None:
    t = op._outputs[0]
    raise errors.InvalidArgumentError(
        None,
        op,
        f"You must feed a value for placeholder tensor '{op.name}' with "
        f"dtype {t.dtype.name} and shape {shape_str(t.shape)}\n\t [[node {op.name}]]",
    )


def _emit_variable(b: _Builder, op: Operation, outs: list) -> None:
    b.new_buffer(outs[0], b.sess._variable_buffer(op, b.shape_of(outs[0])))


def _emit_shape(b: _Builder, op: Operation, outs: list) -> None:
    value = np.array(b.value_of(outs[0]), order="C", dtype=outs[0].dtype.np)
    b.new_buffer(outs[0], value)


def _emit_alias(b: _Builder, op: Operation, outs: list, source: Tensor | None = None) -> None:
    """``outs[0]`` as a view of ``source``'s buffer (``op``'s first input by default), or a
    copy where that buffer has no array yet (a feed)."""
    src = b.slot[op._inputs[0] if source is None else source]
    if src in b.arrays:
        view = b.new_buffer(outs[0], b.arrays[src].reshape(b.shape_of(outs[0])))
        b.view_of[view] = b.view_of.get(src, src)
        if (g := b.tenancy.get(src)) is not None:
            b.tenancy[view] = g
            b.groups[g].append(view)
    else:
        b.core.add_step("copy", op.name, [src], [b.new_buffer(outs[0])])


def _emit_assign(b: _Builder, op: Operation, outs: list) -> None:
    d = op._def
    assert d.kernel is not None and d.kernel_inputs is not None  # every ASSIGN op names them
    var = op._inputs[0]
    for ref in refs(op):
        if ref in b.fed:
            raise ValueError(f"Cannot assign to a fed variable {ref.name}")
    ins = [b.slot[op._inputs[i]] for i in d.kernel_input_indices(op)]
    ints, floats = b.kernel_attrs(op, outs)
    b.core.add_step(d.kernel, op.name, ins, [b.slot[r] for r in refs(op)], ints, floats)
    b.slot[outs[0]] = b.slot[var]
    if op.type == "Assign":
        b.assigned.add(var.op)
        b.assigns.append(var.op)


def _same_buffer_shape(b: _Builder, t: Tensor, out: Tensor) -> bool:
    """Whether ``out`` fits exactly in ``t``'s buffer (an elementwise op's input that is not
    broadcast)."""
    s = b.concrete.get(t)
    return s is not None and s == b.concrete.get(out) and t.dtype == out.dtype


def _emit_kernel(b: _Builder, op: Operation, outs: list) -> None:
    """A kernel step (a RANDOM op's kernel also gets its per-session Philox counter first)."""
    d = op._def
    assert d.kernel is not None  # OpDef.check: a KERNEL or RANDOM op has one
    in_t = [op._inputs[i] for i in d.kernel_input_indices(op)]
    ins = []
    if d.kind is OpKind.RANDOM:
        ins.append(b.core.add_buffer(b.sess._random_counter(op)))
    ins += [b.slot[t] for t in in_t]
    widen = {t.dtype: w for t in (*in_t, *op._outputs) if (w := widening(op.type).get(t.dtype))}
    # a multi-output op with some outputs fed still computes the others; the fed ones go to
    # scratch buffers that no consumer reads
    if (
        not widen
        and d.inplace is not None
        and op._outputs[0] not in b.fed
        and _same_buffer_shape(b, op._inputs[d.inplace], op._outputs[0])
        and b.can_overwrite(op, op._inputs[d.inplace])
    ):
        b.slot[op._outputs[0]] = b.slot[op._inputs[d.inplace]]  # written in place
        out_slots = [b.slot[op._outputs[0]]]
        out_slots += [
            b.new_buffer(t) if t not in b.fed else b.scratch_buffer(t) for t in op._outputs[1:]
        ]
    else:
        out_slots = [
            b.new_buffer(t) if t not in b.fed else b.scratch_buffer(t) for t in op._outputs
        ]
    b.owned_slots.update(out_slots)
    ints, floats = b.kernel_attrs(op, op._outputs)
    if d.kind is OpKind.RANDOM and op.get_attr("unseeded"):
        ints = [b.sess._seed_base, op._id]
    if widen:
        _emit_widened(b, op, in_t, ins, out_slots, widen, ints, floats)
    else:
        b.core.add_step(d.kernel, op.name, ins, out_slots, ints, floats)


def _emit_widened(b: _Builder, op: Operation, in_t, ins, out_slots, widen, ints, floats) -> None:
    """The kernel step on wide copies (``compute_dtypes``): casts of the inputs whose dtype the
    kernel computes wider, the kernel writing wide outputs, casts of those back."""
    first = len(ins) - len(in_t)  # (a RANDOM op's counter comes first)
    ins = list(ins)
    for k, t in enumerate(in_t):
        if t.dtype in widen:
            wide = b.core.add_buffer(b.alloc(b.shape_of(t), widen[t.dtype].np, op))
            b.core.add_step("cast", op.name + "/widen", [ins[first + k]], [wide])
            ins[first + k] = wide
    narrow = []
    outs = list(out_slots)
    for k, t in enumerate(op._outputs):
        if t.dtype in widen:
            wide = b.core.add_buffer(b.alloc(b.shape_of(t), widen[t.dtype].np, op))
            narrow.append((wide, outs[k]))
            outs[k] = wide
    kernel = op._def.kernel
    assert kernel is not None
    b.core.add_step(kernel, op.name, ins, outs, ints, floats)
    for wide, slot in narrow:
        b.core.add_step("cast", op.name + "/narrow", [wide], [slot])


def _emit_callback(b: _Builder, op: Operation, outs: list) -> None:
    """A step that calls the op's Python function (``OpDef.callback_fn``) while the plan runs."""
    d = op._def
    assert d.callback_fn is not None  # OpDef.check: a CALLBACK op has one
    ins = [b.slot[op._inputs[i]] for i in d.kernel_input_indices(op)]
    out_slots = [b.new_buffer(t) if t not in b.fed else b.scratch_buffer(t) for t in op._outputs]
    b.core.add_callback(op.name, ins, out_slots, d.callback_fn(op, b.sess))
    b.callbacks = True


def _note_error_op(b: _Builder, op: Operation) -> None:
    """Where the inputs of an op with an ``error_fn`` live (a buffer, a feed's index, a constant's
    value), for the error its failing step raises (``Executable``); a sub-plan's fed input (a
    captured tensor) is looked up in the plans around it."""
    where: list = []
    for t in op._inputs:
        if t.op._def.kind is OpKind.CONST and t.op.get_attr("value").dtype == object:
            where.append(("value", t.op.get_attr("value")))
            continue
        found = None
        p: _Builder | None = b
        while p is not None:
            s = p.slot.get(t)
            if s is not None and s in p.arrays:
                found = p.arrays[s]
                break
            if t in p.fed:
                found = p.exe.feed_tensors.index(t) if p.parent is None else None
                if p.parent is None:
                    break
            elif t.op._def.kind is OpKind.CONST:
                found = ("value", t.op.get_attr("value"))
                break
            p = p.parent
        where.append(found)
    b.error_ops[op.name] = (op, where)


_EMITTERS: dict[OpKind, Callable[[_Builder, Operation, list], None]] = {
    OpKind.CONST: _emit_const,
    OpKind.PLACEHOLDER: _emit_placeholder,
    OpKind.VARIABLE: _emit_variable,
    OpKind.SHAPE: _emit_shape,
    OpKind.ALIAS: _emit_alias,
    OpKind.ASSIGN: _emit_assign,
    OpKind.KERNEL: _emit_kernel,
    OpKind.RANDOM: _emit_kernel,
    OpKind.CONTROL: control.emit,
    OpKind.CALLBACK: _emit_callback,
}
"""Every kind that reaches the compile step (NOOP ops emit nothing; HOST ops run after the plan,
in ``Executable``)."""


# ---- the plan rewrites' steps ------------------------------------------------------------------
def _emit_conv_chain(b: _Builder, chain: fusion.ConvChain, op: Operation, outs: list) -> None:
    """A convolution + bias (+ activation) as one step, at the chain's last op."""
    x, f = chain.conv._inputs
    attrs_fn = chain.conv._def.attrs_fn
    assert attrs_fn is not None  # Conv2D and DepthwiseConv2dNative have one
    ints, _ = attrs_fn(chain.conv, [b.shape_of(x), b.shape_of(f)], None, None)
    # a constant filter (never written: plan constants are not) gets an id under which oneDNN
    # keeps its reordered copy
    filter_id = core.new_constant_id() if f.op.type == "Const" and f not in b.fed else 0
    b.core.add_step(
        chain.kernel,
        op.name,
        [b.slot[x], b.slot[f], b.slot[chain.bias]],
        [b.new_buffer(outs[0])],
        [int(i) for i in ints] + [chain.act, filter_id],
        [],
    )


def _emit_elementwise_group(b: _Builder, group: elementwise_fusion.Group, outs: list) -> None:
    """A tree of elementwise ops as one ``fused_elementwise`` step, at the tree's root; it
    writes over a leaf operand of the output's shape that nothing else still reads (each
    element is read before it is written, as the ops' own kernels run in place)."""
    over = next(
        (
            t
            for t in group.inputs
            if _same_buffer_shape(b, t, outs[0]) and b.can_overwrite(group.root, t)
        ),
        None,
    )
    if over is not None:
        out = b.slot[outs[0]] = b.slot[over]
    else:
        out = b.new_buffer(outs[0])
    b.owned_slots.add(out)
    ins = [b.slot[t] for t in group.inputs]
    b.core.add_step("fused_elementwise", group.root.name, ins, [out], group.program, [])


def _emit_folded(b: _Builder, op: Operation) -> bool:
    """``op``'s outputs computed now (its own kernel on its inputs' known values) as constant
    buffers of the plan; False where a value is not known or the kernel refuses the inputs
    (the op then runs as a step, and fails when the plan runs, as it would unfolded)."""
    try:
        values = [b.value_of(t) for t in op._outputs]
    except Exception:  # (any kernel error: the step reports it when the plan runs)
        return False
    if any(v is None for v in values):
        return False
    for t, v in zip(op._outputs, values):
        b.new_buffer(t, np.array(v, dtype=t.dtype.np, order="C").reshape(b.shape_of(t)))
    return True


def _emit_matmul_apply_gd(b: _Builder, mm: Operation, op: Operation, outs: list) -> None:
    """``var -= lr * (A @ B)`` as one sgemm into the variable."""
    ins = [b.slot[mm._inputs[0]], b.slot[mm._inputs[1]], b.slot[op._inputs[1]]]
    flags = [int(mm.get_attr("transpose_a")), int(mm.get_attr("transpose_b"))]
    b.core.add_step("matmul_apply_gd", op.name, ins, [b.slot[op._inputs[0]]], flags)
    b.slot[outs[0]] = b.slot[op._inputs[0]]


def _is_alias_here(b: _Builder, op: Operation, outs: list) -> bool:
    d = op._def
    if d.kind is OpKind.ALIAS:
        return True
    return d.alias_if is not None and d.alias_if(
        [b.shape_of(t) for t in op._inputs], [b.shape_of(t) for t in outs]
    )


# ---- the compile step ----------------------------------------------------------------------------
def compile_plan(exe, sig, fed_values) -> Plan:
    """Compiles ``exe`` (an ``Executable``) for the feed-shape signature ``sig``; ``fed_values``
    are the values of the fed tensors that decide shapes (``Executable.value_feeds``)."""
    b = build_plan(exe, sig, fed_values)
    return Plan(b.core, tuple(b.needs_init), tuple(b.assigns), b.nbytes, b.error_ops)


def build_plan(exe, sig, fed_values, parent: _Builder | None = None, owned=()) -> _Builder:
    """The builder of ``exe``'s plan for ``sig``, compiled (``parent``: the builder of the plan
    whose control step runs this one, for a function body's plan; ``owned``: its params that
    the body may overwrite, a loop's variables)."""
    b = _Builder(exe, sig, fed_values, parent, owned)
    b.exe_ops = set(exe.exec_order)
    b.infer_shapes(exe.shape_order)
    for t in exe.feed_tensors:
        if t.dtype is _dt.string:  # (strings stay in Python: string_ops_on_host)
            continue
        b.slot[t] = b.core.add_feed(t.dtype.np, list(b.shape_of(t)))
        if t in b.owned:
            b.owned_slots.add(b.slot[t])

    def fits(chain, last):
        try:
            return fusion.applicable(chain, last, b.shape_of)
        except ValueError:  # a shape only known at run time: run the ops one by one
            return False

    fuse = getattr(b.sess, "_fuse_ops", True)
    chains = {last: c for last, c in exe.conv_chains.items() if fuse and fits(c, last)}
    fused_into_chain = {o for c in chains.values() for o in c.inner}
    skipped = exe.fused_away | fused_into_chain
    b.keep = set(exe.plan_fetches) | set(exe.snapshots)
    claimed = skipped | set(chains) | set(exe.fused)
    folded: set = set()
    if getattr(b.sess, "_fold_constants", True):
        folded = simplify.foldable_ops(exe.exec_order, b.fed, claimed, b.output_nbytes)
    dups: dict = {}
    forwards: dict = {}  # op -> the input its output is (arithmetic simplification)
    if getattr(b.sess, "_dedup_ops", True):
        dups = simplify.duplicate_ops(exe.exec_order, b.fed, claimed | folded)
        forwards = simplify.identity_ops(
            exe.exec_order, b.fed, claimed | folded | set(dups), b.shape_of
        )
    dups_of: dict = {}
    for dup, earlier in dups.items():
        dups_of.setdefault(earlier, []).append(dup)
    groups = {}
    if fuse:
        taken = claimed | folded | set(dups) | set(dups.values()) | set(forwards)
        candidates = {op for op in exe.exec_order if op not in taken}
        groups = elementwise_fusion.find_groups(
            exe.exec_order, candidates, b.keep, b.fed, b.shape_of
        )
        skipped = skipped | {o for g in groups.values() for o in g.inner}
    pending, snap_slot = list(exe.snapshots), {}
    for op in exe.exec_order:
        if pending and is_mutation(op):  # host ops read the values before any update
            for t in [t for t in pending if t in b.slot]:
                snap_slot[t] = b.core.add_buffer(b.alloc(b.shape_of(t), t.dtype.np, t.op))
                b.core.add_step("copy", t.op.name + "/snapshot", [b.slot[t]], [snap_slot[t]])
                pending.remove(t)
        b.note_variable_reads(op)
        if op in skipped:  # (its step is its chain's: it reads its inputs when the chain runs)
            continue
        b.emitted.add(op)
        now = [op]
        if op in chains:
            now += chains[op].inner
        elif op in groups:
            now += groups[op].inner
        elif op in exe.fused:
            now.append(exe.fused[op])
        b.emitted.update(now)
        outs = [t for t in op._outputs if t not in b.fed]
        if op in dups or (op in folded and _emit_folded(b, op)):
            pass  # (a duplicate got the earlier op's buffers when that op was emitted)
        elif op._def.kind is not OpKind.NOOP and (outs or not op._outputs):
            # (an op of no outputs, an Assert, still runs; one whose outputs are all fed not)
            if op in chains:
                _emit_conv_chain(b, chains[op], op, outs)
            elif op in groups:
                _emit_elementwise_group(b, groups[op], outs)
            elif op in exe.fused:
                _emit_matmul_apply_gd(b, exe.fused[op], op, outs)
            elif op in forwards:
                _emit_alias(b, op, outs, forwards[op])
            elif _is_alias_here(b, op, outs):
                _emit_alias(b, op, outs)
            else:
                _EMITTERS[op._def.kind](b, op, outs)
            if op._def.error_fn is not None:
                _note_error_op(b, op)
        # the duplicates of this op read its buffers from now on: no later step may write
        # over them (in place) or reuse them before the duplicates' readers have run
        for dup in dups_of.get(op, ()):
            for t, same in zip(dup._outputs, op._outputs):
                b.slot[t] = b.slot[same]
        if b.share:
            b.release(now)
    for t in exe.plan_fetches:  # a variable fetched itself is a read too
        if (
            t.op._def.kind is OpKind.VARIABLE
            and t not in b.fed
            and t.op not in b.assigned
            and t.op not in b.needs_init
        ):
            b.needs_init.append(t.op)
    fetch_slots = [snap_slot.get(t, b.slot[t]) for t in exe.plan_fetches]
    b.core.set_fetches(fetch_slots)
    if exe.mutates and parent is None:
        b.core.set_lock(exe.sess._run_lock)
    _pack(b, fetch_slots)
    return b


def _pack(b: _Builder, fetch_slots: list) -> None:
    """The plan's intermediate buffers packed into one arena (``Plan.pack_groups``): each
    tenancy of a buffer placed by its own steps, so that tensors whose steps do not overlap
    share bytes and a network's activations stay in cache from run to run (EfficientNet-Lite0's
    activations: 9.9 MB with the reuse of freed buffers alone, 6.0 MB packed). Only a plan whose
    buffers nothing reads from Python while it runs or after it: no control steps, callbacks or
    op errors quoting their inputs, not a sub-plan."""
    if not b.share or b.parent is not None or b.control or b.callbacks or b.error_ops:
        return
    live = fetch_slots + [b.slot[t] for t in b.keep if t in b.slot]
    arena, moved = b.core.pack_groups(b.groups, live)
    if arena:
        stays = {b.view_of.get(g[0], g[0]) for g, m in zip(b.groups, moved) if not m}
        b.nbytes += arena - sum(b.arrays[r].nbytes for r in b.poolable if r not in stays)
        b.arrays.clear()  # (the plan keeps the buffers its slots still use)
