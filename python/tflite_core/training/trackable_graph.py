"""The object graph of an object-based checkpoint (``tf.train.Checkpoint``), as TensorFlow builds it
(``python/checkpoint/graph_view.py``, ``save_util_v1.py``, ``util.py``, ``trackable_utils.py``).

Trackable objects and their named children (TF's dependencies):

- a ``Checkpoint``: the objects given to it (sorted by name), then ``save_counter`` once made;
- a ``tf.layers`` Layer: its weights in creation order, named as ``add_weight`` named them
  (``kernel``, ``bias``, ``moving_mean`` ...), then the layers held in its attributes;
- an optimizer: its non-slot variables sorted by name (Adam's ``beta1_power``,
  ``beta2_power``); its slot variables are saved under the variable they belong to
  (``<variable path>/.OPTIMIZER_SLOT/<optimizer path>/<slot name>``);
- a ``tf.make_template`` Template: the variables made in its scope, named relative to it;
- a Variable: no children, one saved tensor (``VARIABLE_VALUE``).

Node ids are breadth-first from the root (node 0); slot variables come after every other object,
slot names in sorted order, each over the variables in node order. A tensor's checkpoint key is
its object's path of local names (``.`` escaped as ``..``, ``/`` as ``.S``) plus
``/.ATTRIBUTES/VARIABLE_VALUE``.
"""

from __future__ import annotations

import collections
from typing import Any

from ..framework.graph import GraphKeys
from ..framework.trackable_protos import trackable_protos
from ..layers.base import Layer
from ..ops.template import Template
from ..ops.variables import Variable
from .optimizer import Optimizer

VARIABLE_VALUE = "VARIABLE_VALUE"
ATTRIBUTES = ".ATTRIBUTES"
OPTIMIZER_SLOT = ".OPTIMIZER_SLOT"


def escape_local_name(name: str) -> str:
    """``.`` -> ``..`` and ``/`` -> ``.S`` (TF's ``escape_local_name``)."""
    return name.replace(".", "..").replace("/", ".S")


def attribute_key(path: str) -> str:
    """The checkpoint key of a variable whose object path is ``path``."""
    return f"{path}/{ATTRIBUTES}/{VARIABLE_VALUE}"


def is_trackable(obj: Any) -> bool:
    """Whether ``obj`` can be a checkpoint dependency (TF's ``Trackable``)."""
    return isinstance(obj, (Variable, Layer, Optimizer, Template)) or hasattr(
        obj, "_checkpoint_children"
    )


def _creation_index(v: Variable) -> int:
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.LOCAL_VARIABLES):
        col = v.graph.get_collection(key)
        for i, c in enumerate(col):
            if c is v:
                return i
    return 1 << 30


def _layer_children(layer: Layer) -> dict[str, Any]:
    out: dict[str, Any] = {}
    weights = sorted(layer._trainable_weights + layer._non_trainable_weights, key=_creation_index)
    scope = layer._scope.name + "/" if layer._scope is not None else None
    for v in weights:
        full = v.op.name
        local = full[len(scope) :] if scope and full.startswith(scope) else full.rsplit("/", 1)[-1]
        out.setdefault(local, v)
    for attr, value in vars(layer).items():
        if isinstance(value, Layer):
            out.setdefault(attr, value)
    return out


def children(obj: Any) -> dict[str, Any]:
    """``obj``'s named dependencies, in TF's order."""
    if hasattr(obj, "_checkpoint_children"):
        return obj._checkpoint_children()
    if isinstance(obj, Layer):
        return _layer_children(obj)
    if isinstance(obj, Template):
        scope = obj.variable_scope.name if obj.variable_scope is not None else None
        out: dict[str, Any] = {}
        if scope is not None:
            for v in sorted(obj.global_variables + obj.local_variables, key=_creation_index):
                if v.op.name.startswith(scope + "/"):
                    out.setdefault(v.op.name[len(scope) + 1 :], v)
        return out
    if isinstance(obj, Optimizer):
        non_slot = getattr(obj, "_non_slot", {})
        return {name: non_slot[name] for name in sorted(non_slot)}
    return {}


def _slot_names(obj: Any) -> list[str]:
    return list(obj.get_slot_names()) if isinstance(obj, Optimizer) else []


class ObjectGraph:
    """The objects reachable from ``root``: ``objects`` in node-id order, ``paths`` (the escaped
    object path of each, by id()), ``children`` per node, ``slots`` per optimizer node as
    ``(original node id, slot name, slot node id)``."""

    def __init__(self, root: Any):
        self.objects: list[Any] = []
        self.paths: dict[int, str] = {id(root): ""}
        self.node_ids: dict[int, int] = {}
        self.children: list[list[tuple[str, Any]]] = []
        queue = collections.deque([root])
        while queue:
            obj = queue.popleft()
            self.node_ids[id(obj)] = len(self.objects)
            self.objects.append(obj)
            kids = list(children(obj).items())
            self.children.append(kids)
            for name, child in kids:
                if id(child) not in self.paths:
                    parent = self.paths[id(obj)]
                    esc = escape_local_name(name)
                    self.paths[id(child)] = f"{parent}/{esc}" if parent else esc
                    queue.append(child)
        self.slots: dict[int, list[tuple[int, str, int]]] = {}
        non_slot = list(self.objects)
        for opt in non_slot:
            for slot_name in _slot_names(opt):
                for orig_id, orig in enumerate(non_slot):
                    if not isinstance(orig, Variable):
                        continue
                    slot = opt.get_slot(orig, slot_name)
                    if slot is None:
                        continue
                    slot_id = len(self.objects)
                    self.objects.append(slot)
                    self.children.append([])
                    self.node_ids[id(slot)] = slot_id
                    self.paths[id(slot)] = (
                        f"{self.paths[id(orig)]}/{OPTIMIZER_SLOT}/{self.paths[id(opt)]}/"
                        f"{escape_local_name(slot_name)}"
                    )
                    self.slots.setdefault(self.node_ids[id(opt)], []).append(
                        (orig_id, slot_name, slot_id)
                    )

    def variables(self) -> list[tuple[str, Variable]]:
        """(checkpoint key, variable) of every variable in the graph, in node order."""
        return [
            (attribute_key(self.paths[id(o)]), o) for o in self.objects if isinstance(o, Variable)
        ]

    def proto(self) -> Any:
        """The ``TrackableObjectGraph`` message (``has_checkpoint_values`` as TF sets it)."""
        msg = trackable_protos().TrackableObjectGraph()
        for i, obj in enumerate(self.objects):
            node = msg.nodes.add()
            for name, child in self.children[i]:
                node.children.add(node_id=self.node_ids[id(child)], local_name=name)
            if isinstance(obj, Variable):
                node.attributes.add(
                    name=VARIABLE_VALUE,
                    full_name=obj.op.name,
                    checkpoint_key=attribute_key(self.paths[id(obj)]),
                )
            for orig_id, slot_name, slot_id in self.slots.get(i, []):
                node.slot_variables.add(
                    original_variable_node_id=orig_id,
                    slot_name=slot_name,
                    slot_variable_node_id=slot_id,
                )
        set_has_checkpoint_values(msg)
        return msg


def set_has_checkpoint_values(msg: Any) -> None:
    """A node has checkpoint values when it saves tensors or slots, or a descendant does."""
    parents: dict[int, set[int]] = {}
    marked = set()
    for i, node in enumerate(msg.nodes):
        if node.attributes or node.slot_variables or node.HasField("registered_saver"):
            marked.add(i)
        for ref in node.children:
            parents.setdefault(ref.node_id, set()).add(i)
    todo = set(marked)
    while todo:
        i = todo.pop()
        for p in parents.pop(i, ()):
            if p not in marked:
                marked.add(p)
                todo.add(p)
    for i, node in enumerate(msg.nodes):
        node.has_checkpoint_values.value = i in marked


def node_names(msg: Any) -> dict[int, str]:
    """``(root).a.b`` names of the nodes of a ``TrackableObjectGraph`` (slots: ``<optimizer>'s
    state 'm' for <variable>``), as TF's ``ObjectGraphProtoPrettyPrinter``."""
    path = {0: "(root)"}
    queue = collections.deque([0])
    while queue:
        i = queue.popleft()
        for ref in msg.nodes[i].children:
            if ref.node_id not in path:
                path[ref.node_id] = f"{path[i]}.{ref.local_name}"
                queue.append(ref.node_id)
    for i, node in enumerate(msg.nodes):
        for s in node.slot_variables:
            path[s.slot_variable_node_id] = (
                f"{path.get(i)}'s state '{s.slot_name}' for {path.get(s.original_variable_node_id)}"
            )
    return path


def match(root: Any, msg: Any) -> tuple[dict[int, Any], list[tuple[int, str, int]]]:
    """Binds the checkpoint's nodes to live objects by local names from the root: returns
    {node id: object} and the slot restorations still waiting for their slot variable."""
    bound: dict[int, Any] = {0: root}
    queue = collections.deque([0])
    seen = {0}
    while queue:
        i = queue.popleft()
        live = children(bound[i])
        for ref in msg.nodes[i].children:
            obj = live.get(ref.local_name)
            if obj is None or ref.node_id in seen:
                continue
            seen.add(ref.node_id)
            bound[ref.node_id] = obj
            queue.append(ref.node_id)
    pending = []
    for i, node in enumerate(msg.nodes):
        opt = bound.get(i)
        for s in node.slot_variables:
            orig = bound.get(s.original_variable_node_id)
            if opt is None or orig is None:
                continue
            slot = opt.get_slot(orig, s.slot_name) if isinstance(opt, Optimizer) else None
            if slot is None:
                pending.append((s.original_variable_node_id, s.slot_name, s.slot_variable_node_id))
            else:
                bound[s.slot_variable_node_id] = slot
    return bound, pending
