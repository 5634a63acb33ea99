"""``tf.graph_util``: freezing and pruning ``GraphDef``s, as TF 1.x's ``graph_util``.

``convert_variables_to_constants`` keeps the part of a graph its outputs need
(``extract_sub_graph``) and replaces each variable there (``VariableV2``, ``VarHandleOp``) by a
``Const`` of the value it holds in the session, under the variable's name, so the frozen graph
runs with no checkpoint; reads of a frozen resource variable (``ReadVariableOp``) become
``Identity`` nodes, as TF writes them. ``remove_training_nodes`` drops ``CheckNumerics`` and
splices out ``Identity``/``StopGradient`` nodes no control edge touches.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

import numpy as np

from . import dtypes as _dt
from .graph import Operation
from .graph_def import attr_value
from .protos import protos
from .tf_logging import info

_VARIABLE_OPS = frozenset(
    {
        "Assign",
        "AssignAdd",
        "AssignSub",
        "Queue",
        "ScatterAdd",
        "ScatterSub",
        "ScatterUpdate",
        "TruncatedNormal",
        "Variable",
        "VariableV2",
    }
)


def _graph_def(graph_def: Any, what: str) -> Any:
    """``graph_def`` checked to be a ``GraphDef`` (ours, or TF's own class: results keep the
    class they are given, so a TF ``GraphDef`` keeps its function library)."""
    if isinstance(graph_def, protos().GraphDef) or (
        type(graph_def).__name__ == "GraphDef" and hasattr(graph_def, "node")
    ):
        return graph_def
    raise TypeError(f"{what} must be a graph_pb2.GraphDef proto, but got type {type(graph_def)}.")


def _copy_tail(src: Any, out: Any) -> None:
    """The function library (TF's class only) and versions of ``src`` onto ``out``."""
    if "library" in src.DESCRIPTOR.fields_by_name:  # (as TF: an empty one too)
        out.library.CopyFrom(src.library)
    out.versions.CopyFrom(src.versions)


def _set_attr(node: Any, key: str, value: Any) -> None:
    a: Any = attr_value(value)  # (our class; the node may be TF's: copied through its bytes)
    node.attr[key].MergeFromString(a.SerializeToString())


def must_run_on_cpu(node: Any, pin_variables_on_cpu: bool = False) -> bool:
    """Whether TF would place ``node`` (an ``Operation`` or a ``NodeDef``) on the CPU: string and
    int32 constants, int32 ``DynamicStitch`` and ``Cast`` from int32, and with
    ``pin_variables_on_cpu`` the variable ops."""
    node_def = node.node_def if isinstance(node, Operation) else node
    if pin_variables_on_cpu and node_def.op in _VARIABLE_OPS:
        return True
    on_cpu = (_dt.string.as_datatype_enum, _dt.int32.as_datatype_enum)
    if node_def.op == "Const":
        return node_def.attr["dtype"].type in on_cpu
    if node_def.op in ("DynamicStitch", "ParallelDynamicStitch"):
        return node_def.attr["T"].type == _dt.int32.as_datatype_enum
    if node_def.op == "Cast":
        return node_def.attr["SrcT"].type == _dt.int32.as_datatype_enum
    return False


def _node_name(n: str) -> str:
    return n[1:] if n.startswith("^") else n.split(":")[0]


def _colocated(node: Any) -> list[str]:
    if "_class" not in node.attr:
        return []
    out = []
    for s in node.attr["_class"].list.s:
        s = s.decode()
        out.append(s[5:] if s.startswith("loc:@") else s)
    return out


def extract_sub_graph(graph_def: Any, dest_nodes: Iterable[str]) -> Any:
    """The nodes of ``graph_def`` that ``dest_nodes`` (node names) depend on, through inputs,
    control inputs and colocation, in their original order (library and versions kept)."""
    gd = _graph_def(graph_def, "graph_def")
    if isinstance(dest_nodes, str):
        raise TypeError(
            f"dest_nodes must be an iterable of strings, but got type {type(dest_nodes)}."
        )
    inputs, by_name, seq = {}, {}, {}
    for i, node in enumerate(gd.node):
        n = _node_name(node.name)
        by_name[n] = node
        inputs[n] = [_node_name(x) for x in node.input] + _colocated(node)
        seq[n] = i
    dest = list(dest_nodes)
    for d in dest:
        assert d in by_name, f"{d} is not in graph"
    keep: set = set()
    todo = list(dest)
    while todo:
        n = todo.pop(0)
        if n in keep:
            continue
        keep.add(n)
        todo += inputs.get(n, [])
    out = type(gd)()
    for n in sorted(keep, key=lambda n: seq[n]):
        out.node.add().CopyFrom(by_name[n])
    _copy_tail(gd, out)
    return out


def tensor_shape_from_node_def_name(graph: Any, input_name: str) -> Any:
    """The static shape of the tensor a ``NodeDef`` input string names (``"op"``: output 0)."""
    name = input_name if ":" in input_name else input_name + ":0"
    return graph.get_tensor_by_name(name).get_shape()


def remove_training_nodes(input_graph: Any, protected_nodes: Iterable[str] | None = None) -> Any:
    """``input_graph`` without the nodes only training needs: every ``CheckNumerics`` and the
    ``Identity``/``StopGradient`` nodes with no control edge in or out and no colocation (their
    consumers read their input instead); ``protected_nodes`` are kept whatever their type."""
    gd = _graph_def(input_graph, "input_graph")
    protected = set(protected_nodes or ())
    removed = {n.name for n in gd.node if n.op == "CheckNumerics" and n.name not in protected}
    after = []
    for node in gd.node:
        if node.name in removed:
            continue
        new = copy.deepcopy(node)
        del new.input[:]
        new.input.extend(x for x in node.input if re.sub(r"^\^", "", x) not in removed)
        after.append(new)
    control_inputs, with_control, colocated = set(), set(), set()
    for node in after:
        for x in node.input:
            if "^" in x:
                control_inputs.add(x.replace("^", ""))
                with_control.add(node.name)
        colocated.update(_colocated(node))
    splice = {
        n.name: n.input[0]
        for n in after
        if n.op in ("Identity", "StopGradient")
        and n.name not in protected
        and n.name not in colocated
        and n.name not in with_control
    }
    splice = {k: v for k, v in splice.items() if k not in control_inputs}
    out = type(gd)()
    for node in after:
        if node.name in splice:
            continue
        new = out.node.add()
        new.CopyFrom(node)
        del new.input[:]
        for full in node.input:
            name = re.sub(r"^\^", "", full)
            while name in splice:
                full = splice[name]
                name = re.sub(r"^\^", "", full)
            new.input.append(full)
    return out


def convert_variables_to_constants(
    sess: Any,
    input_graph_def: Any,
    output_node_names: Iterable[str],
    variable_names_whitelist: Iterable[str] | None = None,
    variable_names_blacklist: Iterable[str] | None = None,
) -> Any:
    """``input_graph_def`` cut down to what ``output_node_names`` need, each variable there
    (named in ``variable_names_whitelist`` when given, not in ``variable_names_blacklist``)
    a ``Const`` holding its value in ``sess``; reads of a frozen resource variable become
    ``Identity`` nodes."""
    gd = extract_sub_graph(input_graph_def, output_node_names)
    allow = None if variable_names_whitelist is None else set(variable_names_whitelist)
    deny = set(variable_names_blacklist or ())
    frozen = [
        n
        for n in gd.node
        if n.op in ("Variable", "VariableV2", "VarHandleOp")
        and (allow is None or n.name in allow)
        and n.name not in deny
    ]
    values = sess.run([n.name + ":0" for n in frozen]) if frozen else []
    consts = {n.name: (n, v) for n, v in zip(frozen, values)}
    resource = {n.name: _dt.as_dtype(n.attr["dtype"].type) for n in frozen if n.op == "VarHandleOp"}
    out = type(gd)()
    for node in gd.node:
        new = out.node.add()
        if node.name in consts:
            dtype = _dt.as_dtype(node.attr["dtype"].type)
            new.name, new.op = node.name, "Const"
            if node.device:
                new.device = node.device
            _set_attr(new, "dtype", dtype)
            _set_attr(new, "value", np.asarray(consts[node.name][1], dtype.np))
            continue
        new.CopyFrom(node)
        if node.op == "ReadVariableOp" and _node_name(node.input[0]) in resource:
            new.op = "Identity"
            new.ClearField("attr")
            _set_attr(new, "T", resource[_node_name(node.input[0])])
    _copy_tail(gd, out)
    info("Froze %d variables.", len(consts))
    info("Converted %d variables to const ops.", len(consts))
    return out
