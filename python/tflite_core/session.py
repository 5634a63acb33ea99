"""``Session`` and ``InteractiveSession``.

``run`` normalises fetches and feeds, prunes the graph to what the fetches need (fed tensors cut
it), schedules the ops (variable updates after every read that does not depend on them), infers
concrete shapes, and compiles a C++ plan: buffer slots plus a list of kernel steps. Plans are
cached per (fetches, feeds) and per feed shapes and run by one call that releases the GIL, so a
training step costs a few microseconds of Python and allocates nothing but its returned fetches.
"""

from __future__ import annotations

import heapq
import os
import threading
from collections.abc import Mapping
from typing import Any

import numpy as np

from . import _core, conv_fusion, errors
from .graph import Graph, Operation, Tensor, get_default_graph
from .tensor_shape import TensorShape, shape_str

_LEAVES = (Tensor, Operation, str)


# ---- default session ---------------------------------------------------------------------------
_local = threading.local()


def _session_stack() -> list:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def get_default_session():
    """The innermost session entered with ``with sess:`` / ``as_default()`` (or None)."""
    st = _session_stack()
    return st[-1] if st else None


def _default_session_or(session):
    s = session or get_default_session()
    if s is None:
        raise ValueError(
            "Cannot evaluate tensor using `eval()`: No default session is registered. "
            "Use `with sess.as_default()` or pass an explicit session to "
            "`eval(session=sess)`"
        )
    return s


def _run_with_default(fetch, feed_dict, session):
    s = _default_session_or(session)
    g = fetch.graph if hasattr(fetch, "graph") else None
    if g is not None and g is not s.graph:
        raise ValueError(
            "Cannot use the given session to evaluate tensor: the tensor's graph is "
            "different from the session's graph."
        )
    return s.run(fetch, feed_dict)


class _DefaultSession:
    def __init__(self, sess):
        self._sess = sess

    def __enter__(self):
        _session_stack().append(self._sess)
        return self._sess

    def __exit__(self, *exc):
        st = _session_stack()
        if st and st[-1] is self._sess:
            st.pop()
        return False


class ConfigProto:
    """Session options; ``intra_op_parallelism_threads`` sets the kernel thread count."""

    def __init__(
        self,
        intra_op_parallelism_threads=0,
        inter_op_parallelism_threads=0,
        allow_soft_placement=False,
        log_device_placement=False,
        **kwargs,
    ):
        self.intra_op_parallelism_threads = intra_op_parallelism_threads
        self.inter_op_parallelism_threads = inter_op_parallelism_threads
        self.allow_soft_placement = allow_soft_placement
        self.log_device_placement = log_device_placement
        for k, v in kwargs.items():
            setattr(self, k, v)


# ---- fetches ------------------------------------------------------------------------------------
def _fetch_key(f):
    t = type(f)
    if t in _LEAVES:
        return f
    if t is list or t is tuple:
        if all(type(x) in _LEAVES for x in f):  # the common flat case, e.g. [train_op, loss]
            return (t, tuple(f))
        return (t, tuple(_fetch_key(x) for x in f))
    if isinstance(f, Mapping):
        return (t, tuple((k, _fetch_key(v)) for k, v in f.items()))
    if isinstance(f, tuple):  # namedtuple
        return (t, tuple(_fetch_key(x) for x in f))
    return f


def _scalarize(a: np.ndarray):
    return a[()] if a.ndim == 0 else a  # a 0-d string (object) array gives bytes, as in TF


class _Fetches:
    """Flattens nested fetches into unique graph elements and rebuilds the structure."""

    def __init__(self, fetches, graph: Graph):
        self.elements: list = []
        self._index: dict = {}
        self.build = self._mapper(fetches, graph)

    def _leaf(self, f, graph):
        if f is None:
            raise TypeError(f"Fetch argument {f!r} has invalid type {type(f)}")
        try:
            el = graph.as_graph_element(f)
        except (ValueError, KeyError) as e:  # as TF: an unknown name is a ValueError too
            msg = e.args[0] if e.args else e
            raise ValueError(
                f"Fetch argument {f!r} cannot be interpreted as a Tensor. ({msg})"
            ) from None
        except TypeError as e:
            raise TypeError(
                f"Fetch argument {f!r} has invalid type {type(f)}, must be a string or "
                f"Tensor. ({e})"
            ) from None
        if el not in self._index:
            self._index[el] = sum(isinstance(e, Tensor) for e in self.elements)
            self.elements.append(el)
        return el

    def _mapper(self, f, graph):
        if isinstance(f, (list, tuple)) and not hasattr(f, "_fields"):
            typ = type(f)
            if all(type(x) in _LEAVES for x in f):  # flat: index straight into the outputs
                els = [self._leaf(x, graph) for x in f]
                idx = [self._index[e] if isinstance(e, Tensor) else -1 for e in els]
                if typ is list:
                    return lambda outs: [_scalarize(outs[i]) if i >= 0 else None for i in idx]
                return lambda outs: typ([_scalarize(outs[i]) if i >= 0 else None for i in idx])
            subs = [self._mapper(x, graph) for x in f]
            return lambda outs: typ(s(outs) for s in subs)
        if isinstance(f, tuple):  # namedtuple
            subs = [self._mapper(x, graph) for x in f]
            typ = type(f)
            return lambda outs: typ(*[s(outs) for s in subs])
        if isinstance(f, Mapping):
            items = [(k, self._mapper(v, graph)) for k, v in f.items()]
            typ = type(f)
            return lambda outs: typ((k, s(outs)) for k, s in items)
        el = self._leaf(f, graph)
        if isinstance(el, Operation):
            return lambda outs: None
        i = self._index[el]
        return lambda outs: _scalarize(outs[i])


# ---- plans --------------------------------------------------------------------------------------
class _Plan:
    """One compiled plan instance; used by one thread at a time."""

    __slots__ = ("core", "needs_init", "assigns")

    def __init__(self, core, needs_init, assigns):
        self.core = core
        self.needs_init = needs_init
        self.assigns = assigns


def _is_string_const(op: Operation) -> bool:
    return op._def.kind == "const" and op._outputs[0].dtype.np.kind == "O"


def _refs(op: Operation) -> list:
    """The variables an assign-kind op writes in place: its first ``extra["refs"]`` inputs
    (1 by default; an optimiser update also writes its slots)."""
    return op._inputs[: op._def.extra.get("refs", 1)]


_MAX_RANK = 8  # the C++ core's kMaxDims


def _is_mutation(op: Operation) -> bool:
    return op._def.kind == "assign"


def _exec_inputs(op: Operation):
    """The input tensors an op needs computed before it runs."""
    d = op._def
    if d.kind in ("const", "placeholder", "variable", "noop", "shape"):
        return []  # (a random op's kernel_inputs are computed: the candidate sampler's classes)
    if d.kind == "alias":
        return [op._inputs[0]]
    idx = d.kernel_inputs if d.kernel_inputs is not None else range(len(op._inputs))
    ins = [op._inputs[i] for i in idx]
    if d.kind == "assign":
        ins = _refs(op) + ins
    return ins


class _Executable:
    """Everything about one (fetches, feeds) signature that does not depend on feed shapes."""

    def __init__(self, sess: "BaseSession", fetches, feed_keys):
        g = sess.graph
        self.sess = sess
        self.fetch = _Fetches(fetches, g)
        self.build = self.fetch.build
        feed_tensors = []
        for k in feed_keys:
            try:
                t = g.as_graph_element(k, allow_operation=False)
            except (ValueError, TypeError, KeyError) as e:  # TF raises TypeError for any bad key
                msg = e.args[0] if e.args else e
                raise TypeError(f"Cannot interpret feed_dict key as Tensor: {msg}") from None
            if t.dtype.np.kind not in "fiub":
                raise TypeError(f"Cannot feed a tensor of dtype {t.dtype.name}")
            feed_tensors.append(t)
        self.feed_tensors = feed_tensors
        self.feed_np = [t.dtype.np for t in feed_tensors]
        fed = set(feed_tensors)
        self.fed = fed
        fetch_tensors = [e for e in self.fetch.elements if isinstance(e, Tensor)]
        self.fetch_tensors = fetch_tensors
        # ops to execute: backwards from the fetches through execution inputs and control deps
        need: set = set()
        stack = [
            e.op if isinstance(e, Tensor) else e
            for e in self.fetch.elements
            if not (isinstance(e, Tensor) and e in fed)
        ]
        while stack:
            op = stack.pop()
            if op in need:
                continue
            need.add(op)
            for t in _exec_inputs(op):
                if t not in fed and t.op not in need:
                    stack.append(t.op)
            stack.extend(c for c in op._control_inputs if c not in need)
        # host ops (summaries) run in Python after the plan, on values the plan fetches; string
        # constants feed only them
        host = {op for op in need if op._def.kind == "host" or _is_string_const(op)}
        self.host_order = sorted(host, key=lambda o: o._id)
        self.plan_fetches = fetch_tensors
        self.host_inputs = []
        if host:
            need -= host
            for op in need:
                for t in _exec_inputs(op):
                    if t.op in host:
                        raise TypeError(
                            f"{op.name} ({op.type}) cannot read {t.name}: a {t.dtype.name} "
                            "tensor has no kernels"
                        )
            extra = [
                t
                for op in self.host_order
                for t in op._inputs
                if t.op not in host and t not in fetch_tensors
            ]
            self.host_inputs = list(dict.fromkeys(extra))
            self.plan_fetches = [t for t in fetch_tensors if t.op not in host] + self.host_inputs
        # ops whose shapes are needed: the executed ones and everything they read shapes from
        shaped: set = set(need)
        stack = list(need)
        while stack:
            op = stack.pop()
            for t in op._inputs:
                if t not in fed and t.op not in shaped:
                    shaped.add(t.op)
                    stack.append(t.op)
        self.shape_order = sorted(shaped, key=lambda o: o._id)
        # fed tensors whose values decide shapes (a fed shape for reshape/fill): their values
        # become part of the plan's key
        fed_index = {t: i for i, t in enumerate(feed_tensors)}
        self.value_feeds = tuple(
            sorted(
                {
                    fed_index[op._inputs[i]]
                    for op in self.shape_order
                    for i in op._def.value_inputs
                    if op._inputs[i] in fed_index
                }
            )
        )
        self.exec_order = self._schedule(need, fed)
        self.fused = _fusable_updates(self.exec_order, fed, set(self.plan_fetches))
        # summaries read variables as they were before this run's updates (as every other
        # reader does): such inputs are copied before the first update
        mutated = [v.op for op in self.exec_order if _is_mutation(op) for v in _refs(op)]
        self.snapshots = [
            t for t in self.host_inputs if any(_aliases_variable(t, v) for v in mutated)
        ]
        self.fused_away = set(self.fused.values())
        self.conv_chains = conv_fusion.find_chains(self.exec_order, fed, set(self.plan_fetches))
        self.mutates = any(op._def.stateful and op._def.kind != "variable" for op in need)
        self.pools: dict = {}

    @staticmethod
    def _schedule(need, fed):
        """Topological order; among ready ops, variable updates go last."""
        deps = {op: set() for op in need}
        users: dict = {op: [] for op in need}
        for op in need:
            for t in _exec_inputs(op):
                if t not in fed and t.op in need:
                    deps[op].add(t.op)
            for c in op._control_inputs:
                if c in need:
                    deps[op].add(c)
            for d in deps[op]:
                users[d].append(op)
        # updates of a variable also wait for every other reader of that variable
        readers: dict = {}
        for op in need:
            if not _is_mutation(op):
                for t in op._inputs:
                    if t.op._def.kind == "variable":
                        readers.setdefault(t.op, []).append(op)
        for op in need:
            if _is_mutation(op):
                for r in [r for v in _refs(op) for r in readers.get(v.op, [])]:
                    if r is not op and r not in deps[op] and not _depends_on(r, op, deps):
                        deps[op].add(r)
                        users[r].append(op)
        pending = {op: len(d) for op, d in deps.items()}
        heap = [(_is_mutation(op), op._id, op) for op, n in pending.items() if n == 0]
        heapq.heapify(heap)
        order = []
        while heap:
            _, _, op = heapq.heappop(heap)
            order.append(op)
            for u in users[op]:
                pending[u] -= 1
                if pending[u] == 0:
                    heapq.heappush(heap, (_is_mutation(u), u._id, u))
        if len(order) != len(need):
            raise errors.InvalidArgumentError(None, None, "Graph has a cycle")
        return order

    # -- running -----------------------------------------------------------------------------
    def run(self, feed_dict):
        arrays = []
        if self.feed_tensors:
            for np_dt, v in zip(self.feed_np, feed_dict.values()):
                if type(v) is np.ndarray and v.dtype == np_dt and v.flags.c_contiguous:
                    arrays.append(v)
                else:
                    arrays.append(self._convert_feed(np_dt, v))
            sig = tuple(a.shape for a in arrays)
            if self.value_feeds:
                sig += tuple(arrays[i].tobytes() for i in self.value_feeds)
        else:
            sig = ()
        pool = self.pools.get(sig)
        plan = pool.pop() if pool else None
        if plan is None:
            plan = self._compile(sig, arrays)
        try:
            if plan.needs_init:
                self._check_init(plan)
            try:
                outs = plan.core.run(arrays)
            except _core.KernelError as e:
                raise errors.InvalidArgumentError(None, None, str(e)) from None
            if plan.assigns:
                self.sess._initialized.update(plan.assigns)
                plan.assigns = ()
        finally:
            self.pools.setdefault(sig, []).append(plan)
        if self.host_order:
            outs = self._run_host(outs, arrays)
        return self.build(outs)

    def _run_host(self, outs, arrays):
        """Runs the host ops (summaries) on the plan's outputs; returns the fetched values."""
        vals = dict(zip(self.feed_tensors, arrays))
        vals.update(zip(self.plan_fetches, outs))
        for op in self.host_order:
            if op.type == "Const":
                vals[op._outputs[0]] = op.get_attr("value")
                continue
            res = op._def.extra["host_fn"](op, *[vals[t] for t in op._inputs])
            for t, r in zip(op._outputs, res):
                vals.setdefault(t, r)
        return [vals[t] for t in self.fetch_tensors]

    def _convert_feed(self, np_dt, v):
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            raise TypeError(
                "The value of a feed cannot be a tf.Tensor object. Acceptable feed "
                "values include Python scalars, strings, lists, numpy ndarrays, or "
                "TensorHandles."
            )
        try:
            return np.asarray(v, dtype=np_dt, order="C")
        except (ValueError, TypeError) as e:
            raise ValueError(f"Cannot convert feed value to {np.dtype(np_dt).name}: {e}") from None

    def _check_init(self, plan):
        init = self.sess._initialized
        for var_op in plan.needs_init:
            if var_op not in init:
                raise errors.FailedPreconditionError(
                    None,
                    var_op,
                    f"Attempting to use uninitialized value {var_op.name}\n\t "
                    f"[[node {var_op.name}]]",
                )
        plan.needs_init = ()

    # -- compiling -------------------------------------------------------------------------
    def _compile(self, sig, arrays):
        for t, s in zip(self.feed_tensors, sig):
            if not t.shape.is_compatible_with(s):
                raise ValueError(
                    f"Cannot feed value of shape {_tuple_str(s)} for Tensor "
                    f"'{t.name}', which has shape '{t.shape}'"
                )
        try:
            return self._compile_checked(
                sig, {self.feed_tensors[i]: arrays[i].copy() for i in self.value_feeds}
            )
        except ValueError as e:
            raise errors.InvalidArgumentError(None, None, str(e)) from None
        except _core.KernelError as e:
            raise errors.InvalidArgumentError(None, None, str(e)) from None

    def _compile_checked(self, sig, fed_values):
        sess = self.sess
        fed = self.fed
        concrete: dict = {}
        for t, s in zip(self.feed_tensors, sig):
            concrete[t] = tuple(int(d) for d in s)

        def value_of_tensor(t):
            if t in fed:
                return fed_values.get(t)
            op = t.op
            if op.type == "Const":
                return op.get_attr("value")
            if op._def.kind == "shape":
                shapes = [concrete.get(i) for i in op._inputs]
                if any(s is None for s in shapes):
                    return None
                return op._def.extra["value_fn"](op, shapes)
            if op.type in ("Identity", "StopGradient"):
                return value_of_tensor(op._inputs[0])
            return None

        for op in self.shape_order:
            if all(t in fed for t in op._outputs) and op._outputs:
                continue
            in_shapes = [TensorShape(concrete.get(t)) for t in op._inputs]
            outs = op._def.shape_fn(op, in_shapes, lambda i, op=op: value_of_tensor(op._inputs[i]))
            for t, s in zip(op._outputs, outs):
                if t not in fed:
                    s = t.shape.merge_with(s) if s is not None else t.shape
                    concrete[t] = tuple(s.as_list()) if s.is_fully_defined() else None

        core = _core.Plan()
        slot: dict = {}
        arrays: dict = {}  # slot -> ndarray backing it
        for t, s in zip(self.feed_tensors, sig):
            slot[t] = core.add_feed(t.dtype.np, list(concrete[t]))

        def shape_of(t):
            s = concrete.get(t)
            if s is None:
                raise ValueError(
                    f"Cannot determine the shape of {t.name} (static shape "
                    f"{t.shape}); feed the placeholders it depends on"
                )
            return s

        def new_buffer(t, arr=None):
            if (
                t.dtype.np.kind not in "fiub"
                or t.dtype.np.itemsize not in (1, 4, 8)
                or (t.dtype.np.kind == "f" and t.dtype.np.itemsize == 1)
            ):
                raise ValueError(f"dtype {t.dtype.name} of {t.name} has no kernels")
            if len(shape_of(t)) > _MAX_RANK:
                raise ValueError(
                    f"{t.name} would have {len(shape_of(t))} dimensions; tflite_core's kernels "
                    f"handle at most {_MAX_RANK} (as most of TensorFlow's CPU kernels)"
                )
            a = _buffer(shape_of(t), t.dtype.np) if arr is None else arr
            i = core.add_buffer(a)
            arrays[i] = a
            slot[t] = i
            return i

        def fits(chain, last):
            try:
                return conv_fusion.applicable(chain, last, shape_of)
            except ValueError:  # a shape only known at run time: run the ops one by one
                return False

        chains = {last: c for last, c in self.conv_chains.items() if fits(c, last)}
        fused_into_chain = {o for c in chains.values() for o in c.inner}

        needs_init, assigned, assigns = [], set(), []
        pending, snap_slot = list(self.snapshots), {}
        for op in self.exec_order:
            d = op._def
            kind = d.kind
            if pending and _is_mutation(op):
                for t in [t for t in pending if t in slot]:
                    snap_slot[t] = core.add_buffer(_buffer(shape_of(t), t.dtype.np))
                    core.add_step("copy", t.op.name + "/snapshot", [slot[t]], [snap_slot[t]])
                    pending.remove(t)
            for t in op._inputs:  # variable reads before any assignment in this plan
                if (
                    t.op._def.kind == "variable"
                    and t not in fed
                    and not (op.type == "Assign" and t is op._inputs[0])
                    and t.op not in assigned
                    and t.op not in needs_init
                ):
                    needs_init.append(t.op)
            if kind == "noop" or op in self.fused_away or op in fused_into_chain:
                continue
            outs = [t for t in op._outputs if t not in fed]
            if not outs:
                continue
            if op in chains:  # convolution + bias (+ activation) as one step
                c = chains[op]
                x, f = c.conv._inputs
                ints, _ = c.conv._def.attrs_fn(c.conv, [shape_of(x), shape_of(f)], None, None)
                # a constant filter (never written: plan constants are not) gets an id under
                # which oneDNN keeps its reordered copy
                filter_id = _core.new_constant_id() if f.op.type == "Const" and f not in fed else 0
                core.add_step(
                    c.kernel,
                    op.name,
                    [slot[x], slot[f], slot[c.bias]],
                    [new_buffer(outs[0])],
                    [int(i) for i in ints] + [c.act, filter_id],
                    [],
                )
                continue
            if kind == "const":
                value = op.get_attr("value")
                buf = _buffer(value.shape, value.dtype)
                buf[...] = value
                new_buffer(outs[0], buf)
            elif kind == "placeholder":
                t = op._outputs[0]
                raise errors.InvalidArgumentError(
                    None,
                    op,
                    f"You must feed a value for placeholder tensor '{op.name}' with "
                    f"dtype {t.dtype.name} and shape {shape_str(t.shape)}\n\t [[node {op.name}]]",
                )
            elif kind == "variable":
                buf = sess._variable_buffer(op, shape_of(outs[0]))
                new_buffer(outs[0], buf)
            elif kind == "shape":
                new_buffer(
                    outs[0], np.array(value_of_tensor(outs[0]), order="C", dtype=outs[0].dtype.np)
                )
            elif kind == "alias" or (
                d.alias_if is not None
                and d.alias_if([shape_of(t) for t in op._inputs], [shape_of(t) for t in outs])
            ):
                src = slot[op._inputs[0]]
                if src in arrays:
                    new_buffer(outs[0], arrays[src].reshape(shape_of(outs[0])))
                else:
                    core.add_step("copy", op.name, [src], [new_buffer(outs[0])])
            elif op in self.fused:  # var -= lr * (A @ B) as one sgemm into the variable
                mm = self.fused[op]
                ins = [slot[mm._inputs[0]], slot[mm._inputs[1]], slot[op._inputs[1]]]
                flags = [int(mm.get_attr("transpose_a")), int(mm.get_attr("transpose_b"))]
                core.add_step("matmul_apply_gd", op.name, ins, [slot[op._inputs[0]]], flags)
                slot[outs[0]] = slot[op._inputs[0]]
            elif kind == "assign":
                var = op._inputs[0]
                for ref in _refs(op):
                    if ref in fed:
                        raise ValueError(f"Cannot assign to a fed variable {ref.name}")
                vslot = slot[var]
                ins = [slot[op._inputs[i]] for i in d.kernel_inputs]
                ints, floats = [], []
                if d.attrs_fn is not None:
                    ints, floats = d.attrs_fn(
                        op,
                        [shape_of(t) for t in op._inputs],
                        [shape_of(t) for t in outs],
                        lambda i, op=op: value_of_tensor(op._inputs[i]),
                    )
                out_slots = [slot[r] for r in _refs(op)]
                core.add_step(d.kernel, op.name, ins, out_slots, list(ints), list(floats))
                slot[outs[0]] = vslot
                if op.type == "Assign":
                    assigned.add(var.op)
                    assigns.append(var.op)
            else:
                in_t = (
                    op._inputs
                    if d.kernel_inputs is None
                    else [op._inputs[i] for i in d.kernel_inputs]
                )
                ins = []
                if kind == "random":
                    ins.append(core.add_buffer(sess._random_counter(op)))
                ins += [slot[t] for t in in_t]
                # a multi-output op with some outputs fed still computes the others; the fed
                # ones go to scratch buffers that no consumer reads
                out_slots = [
                    new_buffer(t)
                    if t not in fed
                    else core.add_buffer(_buffer(shape_of(t), t.dtype.np))
                    for t in op._outputs
                ]
                if d.attrs_fn is not None:
                    ints, floats = d.attrs_fn(
                        op,
                        [shape_of(t) for t in op._inputs],
                        [shape_of(t) for t in op._outputs],
                        lambda i, op=op: value_of_tensor(op._inputs[i]),
                    )
                else:
                    ints, floats = [], []
                if kind == "random" and op.get_attr("unseeded"):
                    ints = [sess._seed_base, op._id]
                core.add_step(
                    d.kernel,
                    op.name,
                    ins,
                    out_slots,
                    [int(i) for i in ints],
                    [float(f) for f in floats],
                )
        for t in self.plan_fetches:  # a variable fetched itself is a read too
            if (
                t.op._def.kind == "variable"
                and t not in fed
                and t.op not in assigned
                and t.op not in needs_init
            ):
                needs_init.append(t.op)
        core.set_fetches([snap_slot.get(t, slot[t]) for t in self.plan_fetches])
        if self.mutates:
            core.set_lock(sess._run_lock)
        return _Plan(core, tuple(needs_init), tuple(assigns))


def _fusable_updates(exec_order, fed, fetched) -> dict:
    """ApplyGradientDescent ops whose gradient is a MatMul used by nothing else: {update: matmul}.

    Such a pair runs as one sgemm that accumulates ``-lr * A @ B`` into the variable, which
    saves writing the gradient and a second pass over the variable. Excluded: a gradient that is
    fetched or fed, one with other consumers, and operands that may share the variable's
    buffer (read through aliases of it).
    """
    in_plan = set(exec_order)
    fused = {}
    for op in exec_order:
        if op.type != "ApplyGradientDescent":
            continue
        delta = op._inputs[2]
        mm = delta.op
        if (
            mm.type != "MatMul"
            or mm not in in_plan
            or delta in fed
            or delta in fetched
            or any(c is not op for c in delta._consumers if c in in_plan)
            or any(_aliases_variable(t, op._inputs[0].op) for t in mm._inputs)
        ):
            continue
        fused[op] = mm
    return fused


def _aliases_variable(t, var_op) -> bool:
    """Whether ``t`` may share ``var_op``'s buffer (through alias ops such as ``w/read``)."""
    while True:
        d = t.op._def
        if t.op is var_op:
            return True
        if d.kind == "alias" or d.alias_if is not None:
            t = t.op._inputs[0]
            continue
        return False


def _depends_on(a, b, deps) -> bool:
    """Whether op ``a`` (transitively) depends on op ``b``."""
    stack, seen = [a], set()
    while stack:
        o = stack.pop()
        if o is b:
            return True
        if o in seen:
            continue
        seen.add(o)
        stack.extend(deps.get(o, ()))
    return False


def _buffer(shape, dtype) -> np.ndarray:
    """An uninitialised array whose data starts 16 bytes past a 64-byte boundary.

    Measured here (2 threads, AMD Zen 3): oneDNN's sgemm runs 15-70% faster for the MLP's
    matmul shapes when its B operand does not start on a 32-byte boundary (128x784 @ 784x512:
    107 -> 127 GFLOP/s; 784x128^T @ 128x512: 78 -> 121-140), and no shape measured got slower.
    Plan buffers and variables are B operands, so they are all placed this way.
    """
    dtype = np.dtype(dtype)
    n = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    raw = np.empty(n + 64, np.uint8)
    off = (16 - raw.ctypes.data) % 64
    return raw[off : off + n].view(dtype).reshape(shape)


def _tuple_str(s) -> str:
    return str(tuple(int(d) for d in s))


# ---- sessions ------------------------------------------------------------------------------------
class BaseSession:
    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None):
        self._graph = graph if graph is not None else get_default_graph()
        if not isinstance(self._graph, Graph):
            raise TypeError(f"graph must be a tf.Graph, but got {type(self._graph)}")
        self._closed = False
        self._cache: dict = {}
        self._vars: dict = {}
        self._initialized: set = set()
        self._counters: dict = {}
        self._lock = threading.Lock()
        self._run_lock = _core.RunLock()
        self._seed_base = int.from_bytes(os.urandom(4), "little") & 0x7FFFFFFF
        self._config = config
        if config is not None and getattr(config, "intra_op_parallelism_threads", 0):
            from . import set_num_threads

            set_num_threads(int(config.intra_op_parallelism_threads))
        self._default_cms: list = []

    @property
    def graph(self) -> Graph:
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def()

    @property
    def sess_str(self) -> str:
        return ""

    def as_default(self):
        return _DefaultSession(self)

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs the ops needed for ``fetches`` and returns their values in the same structure.

        ``fetches``: a Tensor, Operation, Variable or name, or nested lists/tuples/dicts/namedtuples
        of them. ``feed_dict``: Tensor (or name) -> value, replacing that tensor's value.
        """
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        feed_keys = tuple(feed_dict) if feed_dict else ()
        key = (fetches if type(fetches) in _LEAVES else _fetch_key(fetches), feed_keys)
        try:
            exe = self._cache.get(key)
        except TypeError:
            exe, key = None, None
        if exe is None:
            exe = _Executable(self, fetches, feed_keys)
            if key is not None:
                self._cache[key] = exe
        return exe.run(feed_dict)

    def close(self) -> None:
        """Frees the session's variables and plans; later runs raise RuntimeError."""
        self._closed = True
        self._cache.clear()
        self._vars.clear()

    def _variable_buffer(self, var_op: Operation, shape) -> np.ndarray:
        with self._lock:
            buf = self._vars.get(var_op)
            if buf is None:
                buf = _buffer(tuple(shape), var_op.outputs[0].dtype.np)
                buf[...] = 0
                self._vars[var_op] = buf
            elif buf.shape != tuple(shape):
                raise ValueError(f"Variable {var_op.name} has shape {buf.shape}, not {shape}")
            return buf

    def _random_counter(self, op: Operation) -> np.ndarray:
        with self._lock:
            c = self._counters.get(op)
            if c is None:
                c = self._counters[op] = np.zeros(1, np.int64)
            return c

    def _load_variable(self, var, value) -> None:
        op = var.op
        buf = self._variable_buffer(op, var.shape.as_list())
        v = np.asarray(value, dtype=buf.dtype)
        if v.shape != buf.shape:
            raise ValueError(
                f"Cannot load value of shape {v.shape} into variable {var.name} of "
                f"shape {buf.shape}"
            )
        buf[...] = v
        self._initialized.add(op)

    def __enter__(self):
        g = self._graph.as_default()
        s = self.as_default()
        g.__enter__()
        s.__enter__()
        self._default_cms.append((g, s))
        return self

    def __exit__(self, exc_type, exc, tb):
        g, s = self._default_cms.pop()
        s.__exit__(exc_type, exc, tb)
        g.__exit__(exc_type, exc, tb)
        self.close()
        return False


class Session(BaseSession):
    """A session: ``sess = tf.Session(); sess.run(relu_out)``; or ``with tf.Session() as sess:``."""


class InteractiveSession(BaseSession):
    """A session that installs itself as the default on creation (for ``eval()`` in a shell)."""

    def __init__(self, target: str = "", graph: Graph | None = None, config: Any = None):
        super().__init__(target, graph, config)
        self._g_cm = self._graph.as_default()
        self._s_cm = self.as_default()
        self._g_cm.__enter__()
        self._s_cm.__enter__()

    def close(self) -> None:
        if not self._closed and self._s_cm is not None:
            self._s_cm.__exit__(None, None, None)
            try:
                self._g_cm.__exit__(None, None, None)
            except IndexError:
                pass
            self._s_cm = None
        super().close()
