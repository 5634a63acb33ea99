"""TF 1.x control flow of an imported ``GraphDef`` rebuilt as our ``If`` and ``While`` ops.

``import_v1_structure`` finds the conds and loops (``Switch``/``Merge``,
``Enter``/``Merge``/``Switch``/``NextIteration``/``Exit``/``LoopCond``) and the context of each
node; here each context becomes function bodies (``FuncGraph``) imported node by node as the
root graph is:

- a cond: one ``If`` on the Switches' predicate; its false branch holds the nodes reached from
  ``Switch:0``, its true branch those from ``Switch:1`` (a Switch reads as its data input,
  captured); each ``Merge`` is one output, taken from the input of the branch that ran;
- a loop: one ``While``; its loop variables are the ``Enter -> Merge`` pairs, its cond the nodes
  ``LoopCond`` needs (``Merge`` reads as the variable), its body the nodes ``NextIteration`` needs
  (``Switch:1`` reads as the variable); ``is_constant`` Enters read their input (captured).
  A variable's shape is the one it enters with, relaxed (and the bodies rebuilt) until the body
  keeps it.

Each ``Merge`` of a cond and ``Exit`` of a loop becomes an ``Identity`` of the new op's output
under the node's own name, so ``return_elements``, ``get_tensor_by_name`` and the nodes reading
them find it. Nodes inside a body exist only there.
"""

from __future__ import annotations

import contextlib
from collections import ChainMap, deque
from collections.abc import Iterator
from typing import Any

from . import dtypes as _dt
from .func_graph import FuncGraph, sinks
from .graph_def_attrs import attr_values
from .import_tensor_arrays import is_lazy
from .import_v1_structure import ROOT, Structure
from .tensor_shape import TensorShape

_MAX_RELAX = 4  # rounds of shape relaxation before a loop variable's shape is unknown


class _Names(ChainMap):
    """Names visible in one body: its own, then those of the enclosing graphs."""

    def __missing__(self, key: str):
        raise ValueError(
            f"Node '{key}' is not available here: it is a control flow node read "
            "from outside its structure"
        )


def v1_dtypes(st: Structure) -> dict[str, list]:
    """TF's output dtypes of the control flow nodes."""
    out = {}
    for n, k in st.kind.items():
        if k in ("Switch", "Merge", "Enter", "Exit", "NextIteration"):
            t = attr_values(st.nodes[n].attr).get("T")
            if t is None:
                raise ValueError(
                    f"NodeDef missing attr 'T' from Op<name={k}>; NodeDef: {{{{node {n}}}}}"
                )
            out[n] = {"Switch": [t, t], "Merge": [t, _dt.int32]}.get(k, [t])
        elif k == "LoopCond":
            out[n] = [_dt.bool]
    return out


def import_v1(imp: Any, gd: Any) -> None:
    """Imports ``gd`` (with TF 1.x control flow) into ``imp.g``, node by node."""
    st = Structure(gd)
    imp.tf_dtypes.update(v1_dtypes(st))
    _Builder(imp, st).region(_items(st, ROOT))


@contextlib.contextmanager
def _body(imp: Any, g: FuncGraph, outputs: dict, ops: dict) -> Iterator[None]:
    saved = imp.g, imp.outputs, imp.ops
    imp.g = g
    imp.outputs = _Names(outputs, *_maps(saved[1]))
    imp.ops = _Names(ops, *_maps(saved[2]))
    try:
        with g.as_default():
            yield
    finally:
        imp.g, imp.outputs, imp.ops = saved


def _maps(m: Any) -> list:
    return list(m.maps) if isinstance(m, ChainMap) else [m]


def _items(st: Structure, ctx: tuple, skip: frozenset = frozenset()) -> list:
    """The nodes and nested contexts directly in ``ctx``, each after what it reads."""
    owner: dict[str, Any] = {}
    for n in st.members[ctx]:
        if n not in skip:
            owner[n] = n
    for c in st.children[ctx]:
        for n in st.subtree(c):
            owner[n] = c
    items = list(dict.fromkeys(owner.values()))
    deps: dict[Any, set] = {}
    for it in items:
        srcs = st.outside_inputs(it) if isinstance(it, tuple) else _srcs(st, it)
        deps[it] = {owner[s] for s in srcs if s in owner and owner[s] != it}
    return _toposort(items, deps)


def _srcs(st: Structure, n: str) -> list:
    return [src for _, src, _ in st.inputs[n]]


def _toposort(items: list, deps: dict) -> list:
    users: dict[Any, list] = {it: [] for it in items}
    indeg = {it: len(deps[it]) for it in items}
    for it in items:
        for d in deps[it]:
            users[d].append(it)
    queue = deque(it for it in items if indeg[it] == 0)
    out = []
    while queue:
        it = queue.popleft()
        out.append(it)
        for u in users[it]:
            indeg[u] -= 1
            if indeg[u] == 0:
                queue.append(u)
    if len(out) != len(items):
        stuck = next(it for it in items if indeg[it] > 0)
        raise ValueError(f"Node '{stuck}': part of a cycle that no while loop closes")
    return out


def _closure(items: list, st: Structure, start: set, owner: dict) -> set:
    """The items that the nodes named ``start`` need (themselves included)."""
    need: set = set()
    todo = [owner[s] for s in start if s in owner]
    while todo:
        it = todo.pop()
        if it in need:
            continue
        need.add(it)
        srcs = st.outside_inputs(it) if isinstance(it, tuple) else _srcs(st, it)
        todo.extend(owner[s] for s in srcs if s in owner)
    return need


def _owners(st: Structure, items: list) -> dict:
    owner: dict = {}
    for it in items:
        if isinstance(it, tuple):
            for n in st.subtree(it):
                owner[n] = it
        else:
            owner[it] = it
    return owner


def _common_shape(a: TensorShape, b: TensorShape) -> TensorShape:
    if a.rank is None or b.rank is None or a.rank != b.rank:
        return TensorShape(None)
    return TensorShape([x if x == y else None for x, y in zip(a.as_list(), b.as_list())])


class _Builder:
    def __init__(self, imp: Any, st: Structure) -> None:
        self.imp, self.st = imp, st

    def region(self, items: list) -> None:
        """Imports ``items`` (node names and nested contexts, in order) into ``imp.g``."""
        for it in items:
            if isinstance(it, tuple):
                self.structure(it)
            else:
                self.imp.node(self.st.nodes[it])

    def structure(self, ctx: tuple) -> None:
        with self.imp.g.as_default():
            if ctx[0] == "cond":
                self.cond(ctx)
            else:
                self.loop(ctx)

    # -- helpers ----------------------------------------------------------------------------
    def read(self, ref: tuple):
        """The tensor a ``(control, name, port)`` input names, in the graph being built."""
        _, src, port = ref
        t = self.imp.outputs[src][port]
        return self.here(t)

    def here(self, t):
        g = self.imp.g
        if t.graph is not g:
            t = g._capture(t)
        return t

    def free_name(self, near: str, suffix: str) -> str:
        base = (near.rpartition("/")[0] or near) + "/" + suffix
        name, k = base, 0
        while name in self.st.nodes:
            k += 1
            name = f"{base}_{k}"
        return self.imp.g.unique_name(self.imp.scope + name)

    def alias(self, name: str, t) -> None:
        """An Identity of ``t`` named as TF's node ``name`` (a Merge or an Exit)."""
        op = self.imp.make("Identity", [t], [t.dtype], {"T": t.dtype}, name)
        self.imp.outputs[name] = list(op.outputs)
        self.imp.ops[name] = op

    # -- cond -------------------------------------------------------------------------------
    def cond(self, ctx: tuple) -> None:
        st, g = self.st, ctx[1]
        c = st.conds[g]
        if not c.merges:
            return  # a cond nothing reads: its branches never run
        pred = self.read(st.inputs[c.switches[0]][1])
        if pred.dtype != _dt.bool:
            raise ValueError(f"Node '{c.switches[0]}': a Switch on a {pred.dtype.name} predicate")
        data = {s: self.imp.outputs[st.inputs[s][0][1]][st.inputs[s][0][2]] for s in c.switches}
        items = _items(st, ctx, frozenset(c.switches + c.merges))
        graphs, results = [], []
        for side in (0, 1):
            name = self.free_name(c.merges[0], ("false", "true")[side])
            fg = FuncGraph(name, self.imp.g)
            fg._name_stack = ""
            outputs = {s: [data[s], data[s]] for s in c.switches}
            ops: dict = dict.fromkeys(c.switches)
            with _body(self.imp, fg, outputs, ops):
                mine = [it for it in items if self.side(it, g) == side]
                self.region(mine)
                results.append([self.read(self.merge_input(m, g, side)) for m in c.merges])
            graphs.append(fg)
        op = self.make_if(pred, graphs, results, self.free_name(c.merges[0], "If"), c.merges)
        for m, t in zip(c.merges, op.outputs):
            self.alias(m, t)

    def side(self, it: Any, g: str) -> int:
        s = self.st.side(it, g)
        if s is None:
            raise ValueError(f"Node '{it}': in a cond but on neither of its branches")
        return s

    def merge_input(self, merge: str, g: str, side: int) -> tuple:
        st = self.st
        data = [i for i in st.inputs[merge] if not i[0]]
        sides = []
        for _, src, port in data:
            ports = {p for s, p in st._port_tags(src, port, False) if st.group(s) == g}
            if len(ports) > 1:
                raise ValueError(f"Node '{merge}': input '{src}' depends on both branches")
            sides.append(ports.pop() if ports else None)
        if sides[0] == sides[1] or (None not in sides and set(sides) != {0, 1}):
            raise ValueError(f"Node '{merge}': its inputs are not on the two branches of one cond")
        if side in sides:
            return data[sides.index(side)]
        return data[sides.index(None)]

    # -- while ------------------------------------------------------------------------------
    def loop(self, ctx: tuple) -> None:
        st, imp = self.st, self.imp
        lp = st.loops[ctx[1]]
        raw = [imp.outputs[st.inputs[e][0][1]][st.inputs[e][0][2]] for e in lp.enters]
        zero_init = [is_lazy(t) for t in raw]  # a TensorArray the body shapes
        init = [self.here(t) for t in raw]
        invariants = {
            e: [imp.outputs[st.inputs[e][0][1]][st.inputs[e][0][2]]] for e in lp.invariants
        }
        boundary = [*lp.enters, *lp.invariants, *lp.merges, *lp.nexts, *lp.exits, lp.loop_cond]
        boundary += [s for s in lp.switches if s]
        items = _items(st, ctx, frozenset(boundary))
        owner = _owners(st, items)
        cond_items = _closure(items, st, set(_srcs(st, lp.loop_cond)), owner)
        body_need = _closure(items, st, {s for n in lp.nexts for s in _srcs(st, n)}, owner)
        body_items = [it for it in items if it in body_need or it not in cond_items]
        shapes = [TensorShape(None) if z else t.shape for t, z in zip(init, zero_init)]
        base = self.free_name(lp.enters[0], "While")
        for _ in range(_MAX_RELAX + 1):
            built = self.loop_bodies(
                lp, base, init, shapes, invariants, items, cond_items, body_items
            )
            new = [_common_shape(s, r.shape) for s, r in zip(shapes, built[4])]
            if new == shapes:
                break
            shapes = new
        else:
            shapes = [TensorShape(None)] * len(init)
            built = self.loop_bodies(
                lp, base, init, shapes, invariants, items, cond_items, body_items
            )
        cond_g, cond_result, body_g, body_params, results = built
        op = self.make_while(
            base, init, cond_g, cond_result, body_g, body_params, results, zero_init
        )
        for x, t in zip(lp.exits, op.outputs):
            if x:
                self.alias(x, t)

    def loop_bodies(self, lp, base, init, shapes, invariants, items, cond_items, body_items):
        st, imp = self.st, self.imp
        cond_g = FuncGraph(base + "/cond", imp.g)
        cond_g._name_stack = ""
        cparams = [
            cond_g.add_param(t.dtype, s, f"loop_var_{i}")
            for i, (t, s) in enumerate(zip(init, shapes))
        ]
        cond_g.inputs = cparams
        outputs = {m: [p] for m, p in zip(lp.merges, cparams)} | invariants
        ops: dict = dict.fromkeys([*lp.merges, *invariants])
        with _body(imp, cond_g, outputs, ops):
            self.region([it for it in items if it in cond_items])
            cond_result = self.read(st.inputs[lp.loop_cond][0])
        body_g = FuncGraph(base + "/body", imp.g)
        body_g._name_stack = ""
        bparams = [
            body_g.add_param(t.dtype, s, f"loop_var_{i}")
            for i, (t, s) in enumerate(zip(init, shapes))
        ]
        body_g.inputs = bparams
        outputs = {m: [p] for m, p in zip(lp.merges, bparams)} | invariants
        outputs |= {s: [p, p] for s, p in zip(lp.switches, bparams) if s}
        ops = dict.fromkeys([*lp.merges, *invariants, *(s for s in lp.switches if s)])
        with _body(imp, body_g, outputs, ops):
            self.region(body_items)
            results = []
            for n in lp.nexts:
                r = self.read(st.inputs[n][0])
                if r.op.type == "Placeholder":
                    r = imp.make(
                        "Identity", [r], [r.dtype], {"T": r.dtype}, n + "/passthrough"
                    ).outputs[0]
                results.append(r)
        for i, (p, r) in enumerate(zip(bparams, results)):
            if p.dtype != r.dtype:
                raise ValueError(
                    f"Node '{lp.nexts[i]}': loop variable {lp.enters[i]} enters as "
                    f"{p.dtype.name} but is {r.dtype.name} after one iteration"
                )
        return cond_g, cond_result, body_g, bparams, results

    # -- the ops (as ops/cond.py and ops/while_loop.py build them) ----------------------------
    def captures(self, graphs: list) -> tuple[list, list]:
        """Every tensor a body captures, in one order, and each body's params for them."""
        captured: list = []
        for g in graphs:
            captured += [t for t in g.captures if t not in captured]
        params = [
            [g.captures[t] if t in g.captures else g._capture(t) for t in captured] for g in graphs
        ]
        return captured, params

    def create(self, op_type, inputs, dtypes, attrs, name, graphs):
        outer = self.imp.g
        op = outer.create_op(op_type, inputs, dtypes, attrs, name + "/")
        for g in graphs:
            for c in g.outer_control:
                if c.graph is outer:
                    op._add_control_input(c)
                else:
                    outer._control_from_outside(c)
        return op

    def make_if(self, pred, graphs: list, results: list, name: str, merges: list):
        captured, params = self.captures(graphs)
        else_g, then_g = graphs
        tout = [t.dtype for t in results[1]]
        for a, b, m in zip(results[0], results[1], merges):
            if a.dtype != b.dtype:
                raise ValueError(f"Node '{m}': branches of dtypes {a.dtype.name}, {b.dtype.name}")
        attrs = {
            "then_branch": then_g,
            "else_branch": else_g,
            "then_params": params[1],
            "else_params": params[0],
            "then_results": list(results[1]),
            "else_results": list(results[0]),
            "Tout": tout,
            "then_sinks": sinks(then_g),
            "else_sinks": sinks(else_g),
        }
        return self.create("If", [pred, *captured], tout, attrs, name, graphs)

    def make_while(self, name, init, cond_g, cond_result, body_g, var_params, results, zero_init):
        captured, params = self.captures([cond_g, body_g])
        k = len(init)
        attrs = {
            "cond_branch": cond_g,
            "body_branch": body_g,
            "cond_params": list(cond_g.inputs[:k]) + params[0],
            "cond_result": cond_result,
            "body_params": list(var_params) + params[1],
            "body_results": list(results),
            "n_vars": k,
            "n_captures": len(captured),
            "n_sliced": 0,
            "has_max": False,
            "slice_reverse": [],
            "extra_like": [],
            "extra_reverse": [],
            "zero_init": list(zero_init),
            "accumulate": [],
            "back_prop": True,
            "body_sinks": sinks(body_g),
            "cond_sinks": sinks(cond_g),
            "T": [t.dtype for t in init],
        }
        dtypes = [t.dtype for t in init] + [_dt.int32]
        return self.create("While", [*init, *captured], dtypes, attrs, name, [cond_g, body_g])
