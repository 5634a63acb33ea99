"""``tf.import_graph_def``: a ``GraphDef`` (TF's or ours) into the default graph.

As TF's importer: every node becomes an operation named ``<name>/<node name>`` (``name``
defaults to ``"import"``, uniquified as a name scope; ``""`` adds no prefix); inputs ``"op"``,
``"op:k"`` and control inputs ``"^op"`` connect to the imported nodes, or to the tensors
``input_map`` gives for them (``"op:k"`` or ``"op"`` keys for outputs, ``"^op"`` for control
inputs); attributes the ``NodeDef`` leaves out take their ``OpDef`` defaults
(``op_signatures``); ``return_elements`` names the tensors (``"op:k"``) and operations (``"op"``)
to return. Nodes are created after their inputs whatever their order in the ``GraphDef``.
TF's functional control flow (If/While with a function library) is read by
``import_functions``; TF 1.x control flow (Switch/Merge conds, Enter/Exit loop frames, as frozen
TF 1.x models hold) is rebuilt as If/While by ``import_v1_control_flow``, its Merge and Exit
nodes fetchable by name. Errors are TF's: an op type this library lacks is a ``NotFoundError``
"Op type not registered 'X' in binary ..."; an unknown input, a duplicate node, a missing
attribute, an input_map key that names no output or a tensor of another dtype are
``ValueError``s naming the node.
"""

from __future__ import annotations

import re
from typing import Any

from . import dtypes as _dt
from .graph import Operation, Tensor, get_default_graph
from .graph_def_attrs import attr_values
from .import_forms import Node, not_registered, tf_attrs
from .import_functions import function_library, node_reader
from .import_read import op_and_outputs
from .import_v1_control_flow import import_v1
from .import_v1_structure import V1_TYPES, has_v1_control_flow
from .op_arguments import check_attr_kinds, check_input_count, tf_type_name
from .op_signatures import MissingAttr, default_attrs, has_signature, output_dtypes
from .protos import protos

_INPUT = re.compile(r"^(\^)?([^:^][^:]*)(?::(\d+))?$")
# op types whose output is their input (a TensorArray's flow, float in TF, is the array here)
_PASS_THROUGH = frozenset({"Identity", "Snapshot", "StopGradient", "PreventGradient"})


# TF's DataTypeString names, used in its messages
def _as_graph_def(graph_def: Any) -> Any:
    GraphDef = protos().GraphDef
    if isinstance(graph_def, GraphDef):
        return graph_def
    if type(graph_def).__name__ == "GraphDef" and hasattr(graph_def, "SerializeToString"):
        return GraphDef.FromString(graph_def.SerializeToString())  # TF's own class
    raise TypeError("Argument `graph_def` must be a GraphDef proto.")


def _has_functions(gd: Any) -> bool:
    """Whether some node of ``gd`` calls a function (If, While): only then is the library read."""
    return any(n.op in ("If", "StatelessIf", "While", "StatelessWhile") for n in gd.node)


def _tensor_key(name: str) -> str:
    """``"op"`` -> ``"op:0"``; ``"op:k"`` and ``"^op"`` as they are."""
    if name.startswith("^") or ":" in name:
        return name
    return name + ":0"


def _check_args(input_map: Any, return_elements: Any) -> dict:
    if input_map is None:
        input_map = {}
    elif not isinstance(input_map, dict):
        raise TypeError(
            f"Argument `input_map` must be a dictionary. Obtained {type(input_map).__name__}"
        )
    for k in input_map:
        if not isinstance(k, str):
            raise TypeError(f"Argument `input_map` must be a dictionary with string keys: {k!r}")
    if return_elements is not None and not (
        isinstance(return_elements, (list, tuple))
        and all(isinstance(x, str) for x in return_elements)
    ):
        raise TypeError(
            f"Argument `return_elements` must be a list of strings. Obtained {return_elements}."
        )
    out = {}
    for k, v in input_map.items():
        if hasattr(v, "_as_graph_element"):
            v = v._as_graph_element()
        if k.startswith("^"):
            if isinstance(v, Tensor):
                v = v.op
            if not isinstance(v, Operation):
                raise TypeError(f"input_map value for control input {k!r} must be an Operation")
        elif not isinstance(v, Tensor):
            raise TypeError(f"input_map value for {k!r} must be a Tensor, got {v!r}")
        out[_tensor_key(k)] = v
    return out


def _unordered(nodes: list) -> int:
    """How many nodes no topological order reaches (a cycle's and those after it): TF's count."""
    names = {n.name for n in nodes}
    deps = {n.name: {m.group(2) for i in n.input if (m := _INPUT.match(i)) and m.group(2) in names}
            for n in nodes}  # fmt: skip
    done: set = set()
    ready = [k for k, d in deps.items() if not d]
    users: dict = {}
    for k, d in deps.items():
        for dep in d:
            users.setdefault(dep, []).append(k)
    while ready:
        k = ready.pop()
        done.add(k)
        for u in users.get(k, []):
            if u not in done and deps[u] <= done:
                ready.append(u)
    return len(nodes) - len(done)


def _order(nodes: list) -> list:
    """The nodes in an order where each comes after its inputs (GraphDef order otherwise)."""
    by_name = {n.name: n for n in nodes}
    done: set = set()
    open_: set = set()  # nodes whose inputs are being ordered (a path from a root)
    out = []
    for root in nodes:
        if root.name in done:
            continue
        stack = [(root, False)]
        while stack:
            n, expanded = stack.pop()
            if n.name in done:
                continue
            if expanded:
                open_.discard(n.name)
                done.add(n.name)
                out.append(n)
                continue
            if n.name in open_:
                raise ValueError(f"{_unordered(nodes)} nodes in a cycle")
            open_.add(n.name)
            stack.append((n, True))
            for inp in reversed(list(n.input)):
                m = _INPUT.match(inp)
                dep = by_name.get(m.group(2)) if m else None
                if dep is not None and dep.name not in done:
                    stack.append((dep, False))
    return out


class _Importer:
    def __init__(self, g, gd, input_map: dict):
        self.g, self.gd, self.input_map = g, gd, input_map
        self.ops: dict[str, Operation] = {}
        self.outputs: dict[str, list] = {}  # node name -> its output tensors (TF's count)
        self.tf_dtypes: dict[str, list] = {}
        self.used: set = set()
        self.scope = ""
        self.library = function_library(gd) if _has_functions(gd) else {}

    def make(self, op_type, inputs, dtypes, attrs, name):
        full = self.g.unique_name(self.scope + name)  # (no name scope is open: see below)
        return self.g.create_op(op_type, inputs, dtypes, attrs, full + "/")

    def check(self) -> None:
        seen: set = set()
        for n in self.gd.node:
            if n.op in V1_TYPES:
                pass  # TF 1.x control flow: import_v1_control_flow
            elif node_reader(n.op) is None or not has_signature(n.op):
                raise not_registered(n.op)
            if n.name in seen:
                raise ValueError(f"Node '{n.name}' is not unique")
            seen.add(n.name)
        for n in self.gd.node:
            for inp in n.input:
                m = _INPUT.match(inp)
                if m is None or (m.group(2) not in seen and _tensor_key(inp) not in self.input_map):
                    raise ValueError(f"Node '{n.name}': Unknown input node '{inp}'")

    def _input(self, node, inp: str, i: int):
        m = _INPUT.match(inp)
        assert m is not None
        ctrl, src, k = m.group(1), m.group(2), int(m.group(3) or 0)
        if ctrl:
            key = "^" + src
            if key in self.input_map:
                self.used.add(key)
                return None, self.input_map[key]
            return None, self.ops[src]
        key = f"{src}:{k}"
        if key in self.input_map:
            self.used.add(key)
            t = self.input_map[key]
            known = self.tf_dtypes.get(src, [])
            want = known[k] if k < len(known) else t.dtype
            if t.dtype != want and want != _dt.resource:
                raise ValueError(
                    f"Input {i} of node {self.scope}{node.name} was passed {tf_type_name(t.dtype)} "
                    f"from {t.name} incompatible with expected {tf_type_name(want)}."
                )
            return t, None
        n_out = len(self.tf_dtypes[src])
        if k >= n_out:
            raise ValueError(
                f"Node '{node.name}': Connecting to invalid output {k} of source node {src} "
                f"which has {n_out} outputs."
            )
        outs = self.outputs[src]
        if k >= len(outs):
            raise ValueError(
                f"Node '{node.name}': output {k} of {src} has no counterpart in tflite_core"
            )
        return outs[k], None

    def node(self, n) -> None:
        check_attr_kinds(n, f"node {self.scope}{n.name}")
        attrs = default_attrs(n.op)
        attrs.update(attr_values(n.attr))
        attrs = tf_attrs(n.op, attrs)
        try:
            dtypes = output_dtypes(n.op, attrs)
        except MissingAttr as e:
            raise ValueError(
                f"NodeDef missing attr '{e.args[0]}' from Op<name={n.op}>; "
                f"NodeDef: {{{{node {self.scope}{n.name}}}}}"
            ) from None
        self.tf_dtypes[n.name] = dtypes
        check_input_count(n, attrs, f"node {self.scope}{n.name}")
        inputs: list[Tensor] = []
        control: list[Operation] = []
        for inp in n.input:
            t, c = self._input(n, inp, len(inputs))
            if t is not None:
                inputs.append(t)
            elif c is not None and c not in control:
                control.append(c)
        if n.op in _PASS_THROUGH and inputs:
            dtypes = [inputs[0].dtype]
        read = node_reader(n.op)
        assert read is not None
        with self.g.control_dependencies(control), self.g.device(n.device):
            node = Node(n.name, n.op, inputs, attrs, dtypes, self.g, self.library, self.scope)
            op, outs = op_and_outputs(read(node, self.make))
        self.ops[n.name] = op
        self.outputs[n.name] = outs


def import_graph_def(
    graph_def: Any,
    input_map: dict | None = None,
    return_elements: list | None = None,
    name: str | None = None,
    op_dict: Any = None,
    producer_op_list: Any = None,
) -> list | None:
    """Imports ``graph_def`` into the default graph (TF's ``tf.import_graph_def``); returns
    the ops and tensors ``return_elements`` names, in its order (None when not given).
    ``op_dict`` is unused (as TF 2); ``producer_op_list``, unused here, lists the producer's
    op definitions TF would use to strip default-valued attributes."""
    gd = _as_graph_def(graph_def)
    mapping = _check_args(input_map, return_elements)
    g = get_default_graph()
    imp = _Importer(g, gd, mapping)
    imp.check()
    with g.name_scope(name if name is not None else "import") as scope:
        pass
    imp.scope = scope if name != "" else ""
    with g.name_scope(None):
        if has_v1_control_flow(gd):
            import_v1(imp, gd)
        else:
            for n in _order(list(gd.node)):
                imp.node(n)
    unused = [k for k in mapping if k not in imp.used and _unmatched(k, imp)]
    if unused:
        raise ValueError(
            f"Attempted to map inputs that were not found in graph_def: [{', '.join(unused)}]"
        )
    if return_elements is None:
        return None
    return [_element(imp, r) for r in return_elements]


def _unmatched(key: str, imp: _Importer) -> bool:
    """Whether an input_map key names no output of the graph (one no node reads is matched)."""
    if key.startswith("^"):
        return key[1:] not in imp.ops
    src, _, k = key.rpartition(":")
    return src not in imp.tf_dtypes or int(k) >= len(imp.tf_dtypes[src])


def _element(imp: _Importer, r: str):
    name = r.rpartition(":")[0] if ":" in r else r
    if name not in imp.ops and name in imp.tf_dtypes:  # imported into a cond or loop body
        raise ValueError(
            f"Requested return element '{r}' is inside TF 1.x control flow (a cond branch or a "
            "while loop); fetch the Merge or Exit node that carries its value out"
        )
    if ":" in r:
        src, _, k = r.rpartition(":")
        if src not in imp.ops or not k.isdigit():
            raise ValueError(f"Requested return tensor '{r}' not found in graph def")
        n_out = len(imp.tf_dtypes[src])
        if int(k) >= n_out:
            raise ValueError(
                f"Invalid return output {k} of node '{src}', which has {n_out} output(s)"
            )
        return imp.outputs[src][int(k)]
    if r not in imp.ops:
        raise ValueError(f"Requested return node '{r}' not found in graph def")
    return imp.ops[r]
