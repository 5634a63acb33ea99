"""One ``Session.run`` signature (fetches, feed keys) made executable: the fetches mapped to
graph elements and back to the caller's structure, the graph pruned to the ops they need (fed
tensors cut it; host ops split off), those ops scheduled, and per feed-shape signature a pool of
compiled plans (``compiler.compile_plan``) run by one C++ call that releases the GIL.
"""

from __future__ import annotations

import contextlib
import heapq
import re
import time
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.composite_tensor import CompositeTensor
from ..framework.graph import Graph, Operation, Tensor
from ..framework.host_context import running
from ..framework.registry import OpKind
from ..framework.runtime import FPMATH_NOW, core
from ..framework.sparse_tensor import SparseTensor, SparseTensorValue, sparse_feed_items
from . import fusion
from .compiler import Plan, compile_plan
from .op_kinds import (
    aliases_variable,
    exec_inputs,
    is_mutation,
    refs,
    value_sources,
)
from .string_ops_on_host import feeds_plan, run_on_host, runs_on_host, string_feed

LEAVES = (Tensor, Operation, str)


# ---- fetches ------------------------------------------------------------------------------------
def fetch_key(f):
    t = type(f)
    if t in LEAVES:
        return f
    if t is list or t is tuple:
        if all(type(x) in LEAVES for x in f):  # the common flat case, e.g. [train_op, loss]
            return (t, tuple(f))
        return (t, tuple(fetch_key(x) for x in f))
    if isinstance(f, Mapping):
        return (t, tuple((k, fetch_key(v)) for k, v in f.items()))
    if isinstance(f, tuple):  # namedtuple
        return (t, tuple(fetch_key(x) for x in f))
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
            raise TypeError('Argument `fetch` = None has invalid type "NoneType". Cannot be None')
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
        if isinstance(f, SparseTensor):  # its three tensors, back as one SparseTensorValue
            parts = [self._mapper(t, graph) for t in (f.indices, f.values, f.dense_shape)]
            return lambda outs: SparseTensorValue(*[p(outs) for p in parts])
        if isinstance(f, CompositeTensor):  # (a RaggedTensor) its components, back as its value
            comps = [self._mapper(t, graph) for t in f._fetch_components()]
            return lambda outs: f._value_from_components([c(outs) for c in comps])
        if isinstance(f, (list, tuple)) and not hasattr(f, "_fields"):
            typ = type(f)
            if all(type(x) in LEAVES for x in f):  # flat: index straight into the outputs
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
            mtyp: Any = type(f)  # a Mapping subclass built from (key, value) pairs
            return lambda outs: mtyp((k, s(outs)) for k, s in items)
        el = self._leaf(f, graph)
        if isinstance(el, Operation):
            return lambda outs: None
        i = self._index[el]
        return lambda outs: _scalarize(outs[i])


def make_executable(sess, fetches, feed_keys) -> Executable:
    """The executable of (``fetches``, ``feed_keys``); where shapes depend on values only known
    when the graph runs, with a pre-plan that computes those values first (itself made so)."""
    exe = Executable(sess, fetches, feed_keys)
    if exe.runtime_values or exe.host_values:
        # (host values: outputs of ops run in Python, tf.py_func's, that kernels read)
        runtime = list(dict.fromkeys(exe.runtime_values + exe.host_values))
        pre = make_executable(sess, runtime, feed_keys)
        # what the pre-plans compute that the plan reads too is fed to it, so that an op runs
        # once a run (a random draw read by a py_func and by kernels; a reader's record read
        # for its length by the pre-plan and for its key by the plan's host ops)
        shared = _shared_values(pre, exe, set(runtime)) if exe.host_values else []
        shared += _shared_host_outputs(pre, exe, set(runtime) | set(shared))
        if shared:
            runtime += shared
            pre = make_executable(sess, runtime, feed_keys)
        exe = Executable(sess, fetches, feed_keys, computed=runtime)
        exe.pre = pre
    return exe


def _shared_values(pre: Executable, exe: Executable, computed: set) -> list:
    """Numeric outputs of ops that both ``pre`` and ``exe`` run and that ``exe``'s kernels read
    (not variables or what aliases them: the plan reads those itself)."""
    both = set(pre.exec_order) & set(exe.exec_order)
    read = {t for op in exe.exec_order for t in exec_inputs(op)}
    out = []
    for op in sorted(both, key=lambda o: o._id):
        if op._def.kind in (OpKind.VARIABLE, OpKind.ASSIGN) or op._def.kind is OpKind.HOST:
            continue
        for t in op._outputs:
            src = t
            while src.op._def.kind is OpKind.ALIAS and src.op._inputs:
                src = src.op._inputs[0]
            if src.op._def.kind is OpKind.VARIABLE or src.op._def.kind is OpKind.ASSIGN:
                continue
            if t in read and t not in computed and t not in exe.fed and t.dtype.np.kind in "fiub":
                out.append(t)
    return out


def _host_shapes(op) -> list:
    """Inputs an op reads only for their shape (Shape, Size, Rank; SumToShape's target shape)
    whose shapes only a host op's run tells."""
    if op._def.kind is OpKind.SHAPE:
        ins = op._inputs
    elif op._def.kind in (OpKind.HOST, OpKind.CONTROL):
        return []
    else:
        skip = set(exec_inputs(op)) | {op._inputs[i] for i in op._def.value_input_indices(op)}
        ins = [t for t in op._inputs if t not in skip]
    return [t for t in ins if runs_on_host(t.op) and not t.shape.is_fully_defined()]


def _shared_host_outputs(pre: Executable, exe: Executable, computed: set) -> list:
    """Outputs of host ops that ``pre`` (or a pre-plan of it) runs and ``exe`` runs too:
    computed once, by the pre-plan, and fed to ``exe``."""
    ran: set = set()
    p: Executable | None = pre
    while p is not None:
        ran.update(p.host_order)
        p = p.pre
    out = []
    for op in exe.host_order:
        if op in ran and op._outputs and op.type != "Const":
            out += [t for t in op._outputs if t not in computed and t not in exe.fed]
    return out


class Executable:
    """Everything about one (fetches, feeds) signature that does not depend on feed shapes."""

    def __init__(self, sess, fetches, feed_keys, computed=(), graph=None):
        g = sess.graph if graph is None else graph  # (a function body's graph: control.py)
        self.sess = sess
        self.fetch = _Fetches(fetches, g)
        self.build = self.fetch.build
        # a SparseTensor key feeds its three tensors (expand_sparse_feeds on each run)
        self.sparse_feeds = any(isinstance(k, SparseTensor) for k in feed_keys)
        if self.sparse_feeds:
            feed_keys = [
                t
                for k in feed_keys
                for t in (
                    (k.indices, k.values, k.dense_shape) if isinstance(k, SparseTensor) else (k,)
                )
            ]
        self.n_feeds = len(feed_keys)  # the caller's feeds; then the `computed` tensors
        feed_tensors = []
        for k in feed_keys:
            try:
                t = g.as_graph_element(k, allow_operation=False)
            except (ValueError, TypeError, KeyError) as e:  # TF raises TypeError for any bad key
                msg = e.args[0] if e.args else e
                raise TypeError(f"Cannot interpret feed_dict key as Tensor: {msg}") from None
            if t.dtype not in _dt.KERNEL_DTYPES and t.dtype is not _dt.string:
                raise TypeError(f"Cannot feed a tensor of dtype {t.dtype.name}")
            feed_tensors.append(t)
        feed_tensors += computed
        self.feed_tensors = feed_tensors
        self.feed_np = [t.dtype.np for t in feed_tensors]
        # string feeds stay in Python (string_ops_on_host): the plan takes the others
        plan_feeds = [i for i, t in enumerate(feed_tensors) if t.dtype is not _dt.string]
        self.plan_feeds = None if len(plan_feeds) == len(feed_tensors) else plan_feeds
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
            for t in op._inputs if runs_on_host(op) else exec_inputs(op) + _host_shapes(op):
                if t not in fed and t.op not in need:
                    stack.append(t.op)
            stack.extend(c for c in op._control_inputs if c not in need)
        # host ops (summaries) run in Python after the plan, on values the plan fetches; string
        # constants feed only them
        # (a host op whose outputs a pre-plan computed and feeds in is not run again)
        host = {op for op in need if runs_on_host(op)}
        need -= {op for op in host if op._outputs and all(t in fed for t in op._outputs)}
        host &= need
        self.host_order = sorted(host, key=lambda o: o._id)
        self.plan_fetches = fetch_tensors
        self.host_inputs: list = []
        self.host_values: list = []  # host outputs kernels read: computed first (make_executable)
        if host:
            need -= host
            for op in need:
                for t in exec_inputs(op) + _host_shapes(op):
                    if t.op in host and feeds_plan(t.op):  # (all its outputs: one call)
                        # (all its outputs, strings too: the op must not run again)
                        self.host_values.extend(u for u in t.op._outputs if u not in fed)
                    elif t.op in host:
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
            self.host_inputs = [t for t in dict.fromkeys(extra) if t not in fed]
            self.plan_fetches = [t for t in fetch_tensors if t.op not in host] + self.host_inputs
        for op in need:
            bad = next((t for t in exec_inputs(op) if t.dtype is _dt.string), None)
            if bad is not None:  # (a string op the host does not run: no kernel reads strings)
                raise TypeError(
                    f"{op.name} ({op.type}) cannot read {bad.name}: a string tensor has no kernels"
                )
        self.fed_string_fetches = [
            (k, feed_tensors.index(t))
            for k, t in enumerate(fetch_tensors)
            if t.dtype is _dt.string and t in fed and feed_tensors.index(t) < self.n_feeds
        ]
        if self.plan_feeds is not None or any(t.dtype is _dt.string for t in fetch_tensors):
            # fetched strings (fed ones too) come from Python: the host step maps the fetches
            self.plan_fetches = [t for t in self.plan_fetches if t.dtype is not _dt.string]
            self.py_fetches = True
        else:
            self.py_fetches = bool(self.host_order)
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
        # fed tensors whose values decide shapes (a fed shape for reshape/fill, or one an op of
        # it is folded from): their values become part of the plan's key; values only known
        # when the graph runs are computed by a pre-plan (make_executable)
        fed_index = {t: i for i, t in enumerate(feed_tensors)}
        self.runtime_values, fed_used = value_sources(self.shape_order, fed)
        self.value_feeds = tuple(sorted(fed_index[t] for t in fed_used))
        self.pre: Executable | None = None
        self.exec_order = self._schedule(need, fed)
        self.fused = fusion.find_fusable_updates(self.exec_order, fed, set(self.plan_fetches))
        # summaries read variables as they were before this run's updates (as every other
        # reader does): such inputs are copied before the first update
        mutated = [v.op for op in self.exec_order if is_mutation(op) for v in refs(op)]
        self.snapshots = [
            t for t in self.host_inputs if any(aliases_variable(t, v) for v in mutated)
        ]
        self.fused_away = set(self.fused.values())
        self.conv_chains = fusion.find_conv_chains(self.exec_order, fed, set(self.plan_fetches))
        self.mutates = any(op._def.stateful and op._def.kind is not OpKind.VARIABLE for op in need)
        self.pools: dict = {}  # feed-shape signature -> idle plans (bounded by the PlanCache)
        self.used: dict = {}  # feed-shape signature -> the PlanCache's clock at its last run

    @staticmethod
    def _schedule(need, fed):
        """Topological order; among ready ops, variable updates go last."""
        deps: dict = {op: set() for op in need}
        users: dict = {op: [] for op in need}
        for op in need:
            for t in exec_inputs(op):
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
            if not is_mutation(op):
                for t in op._inputs:
                    if t.op._def.kind is OpKind.VARIABLE:
                        readers.setdefault(t.op, []).append(op)
        for op in need:
            if is_mutation(op):
                for r in [r for v in refs(op) for r in readers.get(v.op, [])]:
                    if r is not op and r not in deps[op] and not _depends_on(r, op, deps):
                        deps[op].add(r)
                        users[r].append(op)
        pending = {op: len(d) for op, d in deps.items()}
        heap = [(is_mutation(op), op._id, op) for op, n in pending.items() if n == 0]
        heapq.heapify(heap)
        order = []
        while heap:
            _, _, op = heapq.heappop(heap)
            order.append(op)
            for u in users[op]:
                pending[u] -= 1
                if pending[u] == 0:
                    heapq.heappush(heap, (is_mutation(u), u._id, u))
        if len(order) != len(need):
            raise errors.InvalidArgumentError(None, None, "Graph has a cycle")
        return order

    # -- running -----------------------------------------------------------------------------
    def run(self, feed_dict, trace: list | None = None):
        """The fetched values for ``feed_dict``; with ``trace`` (a list), each plan step and host
        op run appends ``(node, kernel, start_ns, end_ns)`` (wall-clock nanoseconds)."""
        if self.sparse_feeds:
            feed_dict = expand_sparse_feeds(feed_dict)
        arrays = []
        if self.feed_tensors:
            for np_dt, v in zip(self.feed_np, feed_dict.values() if feed_dict else ()):
                if (
                    type(v) is np.ndarray
                    and v.dtype == np_dt
                    and v.flags.c_contiguous
                    and v.dtype.kind != "O"  # (strings: encoded into a copy, string_feed)
                ):
                    arrays.append(v)
                else:
                    arrays.append(self._convert_feed(np_dt, v))
            if self.pre is not None:  # the values that decide shapes, known only when run
                for np_dt, v in zip(self.feed_np[self.n_feeds :], self.pre.run(feed_dict, trace)):
                    arrays.append(np.asarray(v, np_dt, order="C"))
            sig = tuple(a.shape for a in arrays)
            if self.value_feeds:
                sig += tuple(arrays[i].tobytes() for i in self.value_feeds)
        else:
            sig = ()
        if FPMATH_NOW[0] != "strict":  # (a plan folds constants in the mode it compiled in)
            sig += (FPMATH_NOW[0],)
        pool: Any = self.pools.get(sig)
        plan = None
        if pool:
            # (threads may run one signature at once, queue runners: each takes its own plan)
            with contextlib.suppress(IndexError):
                plan = pool.pop()
        if plan is None:
            plan = self._compile(sig, arrays)
            pool = self.sess._plans.add(self, sig, plan)
        try:
            if plan.needs_init:
                self._check_init(plan)
            try:
                ins = arrays if self.plan_feeds is None else [arrays[i] for i in self.plan_feeds]
                if trace is None:
                    outs = plan.core.run(ins)
                else:
                    t0 = time.time_ns()
                    outs, steps = plan.core.run_traced(ins)
                    trace.extend((n, k, t0 + a, t0 + b) for n, k, a, b in steps)
            except core.InternalKernelError as e:  # (TF's INTERNAL: TruncateDiv by zero)
                raise errors.InternalError(None, None, str(e)) from None
            except core.KernelError as e:
                raise _kernel_error(plan, e, arrays) from None
            except core.ResourceError as e:
                raise _resource_error(self.sess.graph, e) from None
            if plan.assigns:
                self.sess._initialized.update(plan.assigns)
                plan.assigns = ()
        finally:
            pool.append(plan)  # (to a list nobody holds if the PlanCache evicted it meanwhile)
            self.used[sig] = next(self.sess._plans.clock)
        if self.py_fetches:
            with running(self.sess):
                outs = self._run_host(outs, arrays, trace, feed_dict)
        return self.build(outs)

    def _run_host(self, outs, arrays, trace=None, feed_dict=None):
        """Runs the host ops (summaries) on the plan's outputs; returns the fetched values."""
        vals = dict(zip(self.feed_tensors, arrays))
        vals.update(zip(self.plan_fetches, outs))
        for op in self.host_order:
            if op.type == "Const":
                vals[op._outputs[0]] = op.get_attr("value")
                continue
            start = time.time_ns()
            res = run_on_host(op, [vals[t] for t in op._inputs])
            if trace is not None:
                trace.append((op.name, "host", start, time.time_ns()))
            for t, r in zip(op._outputs, res):
                vals.setdefault(t, r)
        out = [vals[t] for t in self.fetch_tensors]
        if self.fed_string_fetches and feed_dict:  # fed strings fetched: as given, as TF's
            given = list(feed_dict.values())
            for k, i in self.fed_string_fetches:
                out[k] = np.asarray(given[i], dtype=object)
        return out

    def _convert_feed(self, np_dt, v):
        if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
            raise TypeError(
                "The value of a feed cannot be a tf.Tensor object. Acceptable feed "
                "values include Python scalars, strings, lists, numpy ndarrays, or "
                "TensorHandles."
            )
        if np.dtype(np_dt) == object:
            return string_feed(v)
        try:  # NumPy's TypeError (an object, a dict) or ValueError (a string), as TF's
            return np.asarray(v, dtype=np_dt, order="C")
        except TypeError as e:
            raise TypeError(f"Cannot convert feed value to {np.dtype(np_dt).name}: {e}") from None
        except ValueError as e:
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
    def _compile(self, sig, arrays) -> Plan:
        for t, s in zip(self.feed_tensors, sig):
            if not t.shape.is_compatible_with(s):
                raise ValueError(
                    f"Cannot feed value of shape {_tuple_str(s)} for Tensor "
                    f"'{t.name}', which has shape '{t.shape}'"
                )
        fed_values = {self.feed_tensors[i]: arrays[i].copy() for i in self.value_feeds}
        try:
            return compile_plan(self, sig, fed_values)
        except ValueError as e:
            raise errors.InvalidArgumentError(None, None, str(e)) from None
        except core.InternalKernelError as e:
            raise errors.InternalError(None, None, str(e)) from None
        except core.KernelError as e:
            raise errors.InvalidArgumentError(None, None, str(e)) from None
        except core.ResourceError as e:
            raise _resource_error(self.sess.graph, e) from None


def _kernel_error(plan: Plan, e: Exception, feeds: list) -> Exception:
    """TF's InvalidArgumentError for a failed kernel step; for an op with an ``error_fn`` (an
    Assert, CheckNumerics), the error it builds from the message and its inputs' values."""
    msg = str(e)
    # the failing node is named first; a control step that ran it (If, While) appends its own
    marks = list(re.finditer(r" \(node '([^']*)'\)", msg))
    entry = plan.error_ops.get(marks[0].group(1)) if marks else None
    if entry is None:
        return errors.InvalidArgumentError(None, None, msg)
    op, where = entry
    values = [
        feeds[w] if isinstance(w, int) else w[1] if isinstance(w, tuple) else w for w in where
    ]
    return op._def.error_fn(op, msg[: marks[0].start()], values)


def expand_sparse_feeds(feed_dict: Mapping) -> dict:
    """``feed_dict`` with each SparseTensor key replaced by its three tensors' feeds."""
    out: dict = {}
    for k, v in feed_dict.items():
        if isinstance(k, SparseTensor):
            out.update(sparse_feed_items(k, v))
        else:
            out[k] = v
    return out


def _resource_error(graph: Graph, e: Exception) -> errors.ResourceExhaustedError:
    """TF's ResourceExhaustedError for a kernel's size overflow or refused work buffer
    (``core.ResourceError``: ``"[kernel] ... (node 'name')"``), naming the op when it is known."""
    msg = str(e)
    m = re.search(r"\(node '([^']*)'\)$", msg)
    op = graph._ops_by_name.get(m.group(1)) if m else None
    node = f"\n\t [[node {op.name}]]" if op is not None else ""
    return errors.ResourceExhaustedError(None, op, msg + node)


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


def _tuple_str(s) -> str:
    return str(tuple(int(d) for d in s))
