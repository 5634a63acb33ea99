"""TF 1.x control flow in a ``GraphDef``, found from the graph's structure alone.

A frozen TF 1.x graph keeps no ``cond_context``/``while_context``: its conds and loops are
patterns of nodes. A *loop* is a frame (the ``frame_name`` of its ``Enter`` nodes): each loop
variable is ``Enter -> Merge(Enter, NextIteration) -> Switch(Merge, LoopCond)``, the body reads
``Switch:1``, ``NextIteration`` takes the next value and ``Exit`` reads ``Switch:0``;
``is_constant`` Enters bring loop invariants in. A *cond* is a set of ``Switch`` nodes on one
predicate: nodes reached from ``Switch:0`` form the false branch, from ``Switch:1`` the true one,
and ``Merge`` nodes join the two.

Each node gets its frame (the loops it runs in, as TF's ``BuildControlFlowInfo``: ``Enter``
enters a frame, ``Exit`` leaves it) and its *tags*: the ``(Switch, port)`` pairs it depends on
(a cond ``Merge`` keeps the tags its inputs share, dropping those of the cond it joins). From
these, each node's innermost structure (its *context*): the root graph, a loop or a cond; the
contexts form a tree (a cond inside a loop's body, a loop inside a cond's branch ...).
"""

from __future__ import annotations

import re
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

V1_TYPES = frozenset(
    {
        "Switch",
        "RefSwitch",
        "Merge",
        "RefMerge",
        "Enter",
        "RefEnter",
        "Exit",
        "RefExit",
        "NextIteration",
        "RefNextIteration",
        "LoopCond",
    }
)
_INPUT = re.compile(r"^(\^)?([^:^][^:]*)(?::(\d+))?$")
ROOT = ("root",)


def kind(op_type: str) -> str:
    """``"Switch"`` for ``Switch`` and ``RefSwitch``, and so on."""
    return op_type[3:] if op_type.startswith("Ref") and op_type[3:] in V1_TYPES else op_type


def has_v1_control_flow(gd: Any) -> bool:
    return any(n.op in V1_TYPES for n in gd.node)


def parse_input(inp: str) -> tuple[bool, str, int]:
    """``"^op"``, ``"op"``, ``"op:k"`` -> (control, node name, output index)."""
    m = _INPUT.match(inp)
    if m is None:
        raise ValueError(f"Malformed input '{inp}'")
    return bool(m.group(1)), m.group(2), int(m.group(3) or 0)


def _bad(node: str, what: str) -> ValueError:
    return ValueError(f"Node '{node}': {what}")


@dataclass
class Loop:
    """One frame: its loop variables (Enter, Merge, NextIteration, Switch, Exit names; Switch
    and Exit may be absent), its invariants (constant Enters) and its LoopCond."""

    frame: tuple
    enters: list = field(default_factory=list)
    merges: list = field(default_factory=list)
    nexts: list = field(default_factory=list)
    switches: list = field(default_factory=list)
    exits: list = field(default_factory=list)
    invariants: list = field(default_factory=list)
    loop_cond: str = ""


@dataclass
class Cond:
    """One cond: its Switch nodes (one predicate) and the Merge nodes joining its branches."""

    switches: list = field(default_factory=list)
    merges: list = field(default_factory=list)


class Structure:
    """The control flow of a GraphDef: each node's context and the tree of contexts."""

    def __init__(self, gd: Any) -> None:
        self.nodes = {n.name: n for n in gd.node}
        self.kind = {n.name: kind(n.op) for n in gd.node}
        self.inputs = {n.name: [parse_input(i) for i in n.input] for n in gd.node}
        self.frame: dict[str, tuple] = {}
        self.tags: dict[str, frozenset] = {}
        self._group: dict[str, str] = {}
        self.loops: dict[tuple, Loop] = {}
        self.conds: dict[str, Cond] = {}
        self.parent: dict[tuple, tuple] = {}
        self.home: dict[str, tuple] = {}
        self.users = self._users()
        order = self._forward_order()
        self._propagate(order)
        self._find_loops()
        self._find_conds()
        self._contexts()

    # -- analysis ---------------------------------------------------------------------------
    def is_loop_merge(self, name: str) -> bool:
        return self.kind[name] == "Merge" and any(
            self.kind.get(src) == "NextIteration" for _, src, _ in self.inputs[name]
        )

    def is_loop_switch(self, name: str) -> bool:
        ins = self.inputs[name]
        return self.kind[name] == "Switch" and len(ins) >= 2 and self.kind[ins[1][1]] == "LoopCond"

    def _edges(self, name: str) -> list:
        """The inputs of a node that order it (a loop Merge's NextIteration is a back edge)."""
        ins = self.inputs[name]
        if self.kind[name] == "Merge":
            return [i for i in ins if self.kind.get(i[1]) != "NextIteration"]
        return ins

    def _forward_order(self) -> list:
        indeg = {n: 0 for n in self.nodes}
        users = defaultdict(list)
        for n in self.nodes:
            for _, src, _ in self._edges(n):
                if src not in self.nodes:
                    raise _bad(n, f"Unknown input node '{src}'")
                indeg[n] += 1
                users[src].append(n)
        queue = deque(n for n, d in indeg.items() if d == 0)
        order = []
        while queue:
            n = queue.popleft()
            order.append(n)
            for u in users[n]:
                indeg[u] -= 1
                if indeg[u] == 0:
                    queue.append(u)
        if len(order) != len(self.nodes):
            stuck = sorted(n for n, d in indeg.items() if d > 0)
            raise _bad(stuck[0], "is in a cycle that does not pass through a NextIteration")
        return order

    def _out_frame(self, src: str) -> tuple:
        f = self.frame[src]
        return f[:-1] if self.kind[src] == "Exit" and f else f

    def _port_tags(self, src: str, port: int, control: bool) -> frozenset:
        t = self.tags[src]
        if self.kind[src] == "Switch" and not control and not self.is_loop_switch(src):
            return t | {(src, port)}
        return t

    def _propagate(self, order: list) -> None:
        parent: dict[str, str] = {}

        def find(s: str) -> str:
            while parent.get(s, s) != s:
                s = parent[s]
            return s

        for n in order:
            ins = self._edges(n)
            frame: tuple = ()
            for _, src, _ in ins:
                f = self._out_frame(src)
                if f[: len(frame)] == frame:
                    frame = f
                elif frame[: len(f)] != f:
                    raise _bad(n, f"has inputs from different while loops ({frame} and {f})")
            k = self.kind[n]
            if k == "Enter":
                fname = self.nodes[n].attr["frame_name"].s.decode()
                if not fname:
                    raise _bad(n, "Enter without a frame_name")
                frame = (*frame, fname)
            self.frame[n] = frame
            port_tags = [self._port_tags(src, port, c) for c, src, port in ins]
            if k == "Merge" and not self.is_loop_merge(n):
                data = [t for (c, _, _), t in zip(ins, port_tags) if not c]
                if any(self.kind[src] == "Enter" for _, src, _ in ins):
                    raise _bad(n, "a loop Merge must have one Enter and one NextIteration input")
                if len(data) != 2:
                    raise _bad(n, f"a cond Merge with {len(data)} inputs (expected 2)")
                common = data[0] & data[1]
                dropped = (data[0] | data[1]) - common
                if not dropped:
                    raise _bad(n, "Merge of inputs no Switch separates (not a cond or loop)")
                first = next(iter(dropped))[0]
                for s, _ in dropped:
                    parent[find(s)] = find(first)
                self.tags[n] = common
            else:
                self.tags[n] = frozenset().union(*port_tags) if port_tags else frozenset()
        for n in self.nodes:
            if self.kind[n] == "Switch" and not self.is_loop_switch(n):
                self._group[n] = find(n)

    def group(self, switch: str) -> str:
        return self._group[switch]

    def _pred(self, switch: str) -> str:
        """The predicate of a cond Switch, through Identity nodes."""
        ins = self.inputs[switch]
        if len(ins) < 2:
            raise _bad(switch, "Switch needs a data and a predicate input")
        _, name, port = ins[1]
        seen = set()
        while self.nodes[name].op == "Identity" and name not in seen:
            seen.add(name)
            _, name, port = self.inputs[name][0]
        return f"{name}:{port}"

    def _find_conds(self) -> None:
        for s, g in self._group.items():
            self.conds.setdefault(g, Cond()).switches.append(s)
        for n in self.nodes:
            if self.kind[n] == "Merge" and not self.is_loop_merge(n):
                data = [i for i in self.inputs[n] if not i[0]]
                tags: set = set()
                for _, src, port in data:
                    tags |= self._port_tags(src, port, False) - self.tags[n]
                g = self.group(next(iter(tags))[0])
                self.conds[g].merges.append(n)
        for c in self.conds.values():
            preds = {self._pred(s) for s in c.switches}
            frames = {self.frame[s] for s in c.switches}
            if len(preds) > 1 or len(frames) > 1:
                where = c.merges[0] if c.merges else c.switches[0]
                raise _bad(where, f"joins Switch nodes on different predicates {sorted(preds)}")

    def _find_loops(self) -> None:
        for n in self.nodes:
            if self.kind[n] != "Enter":
                continue
            loop = self.loops.setdefault(self.frame[n], Loop(self.frame[n]))
            if self.nodes[n].attr["is_constant"].b:
                loop.invariants.append(n)
        for n, k in self.kind.items():
            if k == "Merge" and self.is_loop_merge(n):
                self._loop_var(n)
            elif k == "LoopCond":
                lc = self.loops.get(self.frame[n])
                if lc is None:
                    raise _bad(n, "LoopCond outside a while loop frame")
                if lc.loop_cond:
                    raise _bad(n, f"a second LoopCond in frame '{self.frame[n][-1]}'")
                lc.loop_cond = n
        for frame, loop in self.loops.items():
            where = (loop.enters or loop.invariants)[0]
            if not loop.loop_cond:
                raise _bad(where, f"while loop frame '{frame[-1]}' has no LoopCond")
            if not loop.merges:
                raise _bad(
                    where, f"while loop frame '{frame[-1]}' has no Merge(Enter, NextIteration)"
                )
            entered = set(loop.enters) | set(loop.invariants)
            for n in self.nodes:
                if self.kind[n] == "Enter" and self.frame[n] == frame and n not in entered:
                    raise _bad(n, "Enter (not is_constant) that feeds no loop Merge")
        for n, k in self.kind.items():
            if k == "NextIteration" and not any(n in lp.nexts for lp in self.loops.values()):
                raise _bad(n, "NextIteration that feeds no loop Merge")
            if k == "Exit" and not any(n in lp.exits for lp in self.loops.values()):
                raise _bad(n, "Exit that reads no loop Switch")
            if (
                k == "Switch"
                and self.is_loop_switch(n)
                and not any(n in lp.switches for lp in self.loops.values())
            ):
                raise _bad(n, "loop Switch that reads no loop Merge")

    def _users(self) -> dict:
        """Each node's readers: (reader, output index read, control?)."""
        users = defaultdict(list)
        for n, ins in self.inputs.items():
            for c, src, port in ins:
                users[src].append((n, port, c))
        return users

    def _loop_var(self, merge: str) -> None:
        data = [i for i in self.inputs[merge] if not i[0]]
        enters = [src for _, src, _ in data if self.kind[src] == "Enter"]
        nexts = [src for _, src, _ in data if self.kind[src] == "NextIteration"]
        if len(data) != 2 or len(enters) != 1 or len(nexts) != 1:
            raise _bad(merge, "a loop Merge must have one Enter and one NextIteration input")
        frame = self.frame[merge]
        loop = self.loops.get(frame)
        if loop is None or self.frame[enters[0]] != frame:
            raise _bad(merge, "loop Merge outside its Enter's frame")
        switch = exit_ = ""
        for u, _, c in self.users[merge]:
            if not c and self.kind[u] == "Switch" and self.is_loop_switch(u):
                switch = u
        if switch:
            for u, port, c in self.users[switch]:
                if not c and self.kind[u] == "Exit" and port == 0:
                    exit_ = u
        loop.enters.append(enters[0])
        loop.merges.append(merge)
        loop.nexts.append(nexts[0])
        loop.switches.append(switch)
        loop.exits.append(exit_)

    # -- contexts ---------------------------------------------------------------------------
    def _ctx_of(self, frame: tuple, tags: frozenset, depth: dict) -> tuple:
        cands: list[tuple] = [("loop", frame)] if frame else [ROOT]
        cands += [("cond", self.group(s)) for s, _ in tags]  # the deepest is innermost
        return max(cands, key=lambda c: self._depth(c, depth))

    def _depth(self, ctx: tuple, depth: dict) -> int:
        if ctx == ROOT:
            return 0
        if ctx in depth:
            if depth[ctx] < 0:
                raise _bad(self._anchor(ctx), "control flow structures nested in a cycle")
            return depth[ctx]
        depth[ctx] = -1
        p = self._parent_of(ctx, depth)
        self.parent[ctx] = p
        depth[ctx] = self._depth(p, depth) + 1
        return depth[ctx]

    def _anchor(self, ctx: tuple) -> str:
        if ctx[0] == "loop":
            lp = self.loops[ctx[1]]
            return (lp.enters or lp.invariants)[0]
        return self.conds[ctx[1]].switches[0]

    def _parent_of(self, ctx: tuple, depth: dict) -> tuple:
        a = self._anchor(ctx)
        if ctx[0] == "loop":
            return self._ctx_of(ctx[1][:-1], self.tags[a], depth)
        return self._ctx_of(self.frame[a], self.tags[a], depth)

    def _contexts(self) -> None:
        depth: dict = {}
        for n in self.nodes:
            self.home[n] = self._ctx_of(self.frame[n], self.tags[n], depth)
        for g, c in self.conds.items():
            self._depth(("cond", g), depth)
            for n in c.switches + c.merges:
                self.home[n] = ("cond", g)
        for f in self.loops:
            self._depth(("loop", f), depth)
        self.members: dict[tuple, list] = defaultdict(list)
        for n in self.nodes:  # GraphDef order
            self.members[self.home[n]].append(n)
        self.children: dict[tuple, list] = defaultdict(list)
        for ctx, p in self.parent.items():
            self.children[p].append(ctx)
        self._subtree: dict[tuple, set] = {}

    def subtree(self, ctx: tuple) -> set:
        """The names of every node inside context ``ctx`` (nested contexts included)."""
        s = self._subtree.get(ctx)
        if s is None:
            s = set(self.members[ctx])
            for c in self.children[ctx]:
                s |= self.subtree(c)
            self._subtree[ctx] = s
        return s

    def outside_inputs(self, ctx: tuple) -> set:
        """Names of the nodes outside ``ctx`` that nodes inside it read."""
        inside = self.subtree(ctx)
        return {src for n in inside for _, src, _ in self.inputs[n] if src not in inside}

    def side(self, ctx: tuple, cond: str) -> int | None:
        """Which branch of cond ``cond`` node or context ``ctx`` lies in (None: neither)."""
        name = ctx if isinstance(ctx, str) else self._anchor(ctx)
        ports = {p for s, p in self.tags[name] if self.group(s) == cond}
        if len(ports) > 1:
            raise _bad(name, "depends on both branches of a cond")
        return ports.pop() if ports else None
