"""``tf.train.export_meta_graph`` and ``tf.train.import_meta_graph``: a graph with its
collections as a ``MetaGraphDef`` (``.meta`` files), written and read as TF does.

Export writes the graph (``GraphDef`` with output shapes; with ``export_scope`` only the nodes
under that scope, names stripped of it, inputs from outside it renamed ``$unbound_inputs_<name>``
and listed in the ``unbound_inputs`` collection: ``input_map`` binds them on import), the given
``saver_def``, and the collections:
variables as ``VariableDef``s, operations and tensors by name, ints, floats and strings as
lists; other objects (queue runners, savers, control-flow contexts) are left out with a warning.

Import reads a ``MetaGraphDef`` (a message, ours or TF's, or a binary or text file), imports
its graph (``import_scope`` as the name prefix; ``clear_devices``; ``input_map`` and
``return_elements`` as ``import_graph_def``), rebuilds its collections (one ``Variable`` per
``VariableDef``, shared between the collections naming it) and returns a ``Saver`` over the
imported variables, so ``saver.restore`` reads TF's checkpoints. A TF ``.meta`` also holds the
``Saver``'s own save and restore ops (SaveV2, RestoreV2) under the scope its ``saver_def``
names: those are not imported, the ``Saver`` returned does their work.
"""

from __future__ import annotations

import os
from typing import Any

from google.protobuf import text_format

from ..framework import errors
from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.graph_def import attr_value
from ..framework.importer import import_graph_def
from ..framework.meta_graph_protos import meta_protos
from ..framework.protos import protos
from ..framework.scoped_names import prepend_name_scope, strip_name_scope
from ..framework.tf_logging import info, warning
from ..framework.versions import GIT_VERSION, VERSION
from ..io.file_io import atomic_write
from ..ops.variables import Variable
from .saver import Saver

_VARIABLE_COLLECTIONS = frozenset(
    {
        "variables",
        "local_variables",
        "metric_variables",
        "model_variables",
        "trainable_variables",
        "moving_average_variables",
        "concatenated_variables",
        "trainable_resource_variables",
    }
)
# collections TF stores as protos this library does not rebuild
_NOT_REBUILT = frozenset({"queue_runners", "cond_context", "while_context", "savers"})
_UNBOUND = "unbound_inputs"
_UNBOUND_PREFIX = "$unbound_inputs_"


# ---- export --------------------------------------------------------------------------------------
def _scoped_graph_def(gd: Any, export_scope: str | None, clear_devices: bool) -> tuple:
    """The nodes of ``gd`` under ``export_scope``, names stripped of it; their inputs from
    outside it as ``$unbound_inputs_<name>`` (returned too, once per input, as TF lists them)."""
    out = protos().GraphDef()
    out.versions.CopyFrom(gd.versions)
    unbound: list = []
    scope = export_scope.rstrip("/") + "/" if export_scope else ""
    for node in gd.node:
        if scope and not node.name.startswith(scope):
            continue
        new = out.node.add()
        new.CopyFrom(node)
        new.name = strip_name_scope(node.name, export_scope)
        del new.input[:]
        for inp in node.input:
            name = inp.lstrip("^")
            if scope and not name.startswith(scope):
                ctrl = "^" if inp.startswith("^") else ""
                new.input.append(f"{ctrl}{_UNBOUND_PREFIX}{name}")
                unbound.append(new.input[-1])
            else:
                new.input.append(strip_name_scope(inp, export_scope))
        if "_class" in node.attr and scope:
            locs = [strip_name_scope(s.decode(), export_scope) for s in node.attr["_class"].list.s]
            new.attr["_class"].CopyFrom(attr_value([s.encode() for s in locs]))
        if clear_devices:
            new.device = ""
    return out, unbound


def _in_scope(name: str, export_scope: str | None) -> bool:
    return not export_scope or name.startswith(export_scope.rstrip("/") + "/")


def _add_collection(m: Any, key: str, items: list, export_scope: str | None) -> None:
    """``items`` as collection ``key`` of ``m`` (TF's kinds, chosen by the first item)."""
    if not items:
        return
    col = meta_protos().CollectionDef()
    first = items[0]
    try:
        if isinstance(first, Variable):
            for v in items:
                d = v.to_proto(export_scope)
                if d is not None:
                    col.bytes_list.value.append(d.SerializeToString())
        elif isinstance(first, (Operation, Tensor)):
            for v in items:
                if _in_scope(v.name, export_scope):
                    col.node_list.value.append(strip_name_scope(v.name, export_scope))
        elif isinstance(first, bool) or not isinstance(first, (int, float, str, bytes)):
            raise TypeError(type(first).__name__)
        elif isinstance(first, int):
            col.int64_list.value.extend(int(v) for v in items)
        elif isinstance(first, float):
            col.float_list.value.extend(float(v) for v in items)
        else:
            col.bytes_list.value.extend(v.encode() if isinstance(v, str) else v for v in items)
    except (TypeError, AttributeError) as e:
        warning(
            "Issue encountered when serializing %s.\nType is unsupported, or the types of the "
            "items don't match field type in CollectionDef.\n%s",
            key,
            e,
        )
        return
    if col.WhichOneof("kind") is not None:
        m.collection_def[key].CopyFrom(col)


def export_meta_graph(
    filename: str | None = None,
    meta_info_def: Any = None,
    graph_def: Any = None,
    saver_def: Any = None,
    collection_list: list | None = None,
    as_text: bool = False,
    graph: Any = None,
    export_scope: str | None = None,
    clear_devices: bool = False,
    clear_extraneous_savers: bool = False,
    strip_default_attrs: bool = False,
    save_debug_info: bool = False,
    **kwargs: Any,
) -> Any:
    """The ``MetaGraphDef`` of ``graph`` (default: the default graph), written to ``filename``
    when given (binary, or text with ``as_text``). ``collection_list`` picks the collections
    (default: all); ``clear_extraneous_savers``, ``strip_default_attrs`` and
    ``save_debug_info`` change nothing here (no saver ops, no default attrs stripped)."""
    unknown = set(kwargs) - {"unbound_inputs_col_name"}
    if unknown:
        raise TypeError(f"export_meta_graph() got unexpected keyword arguments {sorted(unknown)}")
    graph = graph if graph is not None else get_default_graph()
    P = meta_protos()
    m = P.MetaGraphDef()
    if meta_info_def is not None:
        m.meta_info_def.MergeFromString(meta_info_def.SerializeToString())
    m.meta_info_def.tensorflow_version = VERSION
    m.meta_info_def.tensorflow_git_version = GIT_VERSION
    gd = graph_def if graph_def is not None else graph.as_graph_def(add_shapes=True)
    if not isinstance(gd, protos().GraphDef):
        gd = protos().GraphDef.FromString(gd.SerializeToString())
    scoped, unbound = _scoped_graph_def(gd, export_scope, clear_devices)
    m.graph_def.MergeFromString(scoped.SerializeToString())
    if saver_def is not None:
        m.saver_def.MergeFromString(saver_def.SerializeToString())
    keys = collection_list if collection_list is not None else graph.get_all_collection_keys()
    for key in keys:
        _add_collection(m, key, graph.get_collection(key), export_scope)
    if unbound:
        key = kwargs.get("unbound_inputs_col_name", _UNBOUND)
        m.collection_def[key].bytes_list.value.extend(v.encode() for v in unbound)
    if filename:
        dirname = os.path.dirname(filename)
        if dirname:
            os.makedirs(dirname, exist_ok=True)
        data = text_format.MessageToString(m).encode() if as_text else m.SerializeToString()
        atomic_write(filename, data)
    return m


# ---- import --------------------------------------------------------------------------------------
class _CorruptFileError(errors.DataLossError, ValueError):
    """A ``.meta`` file that is neither a binary nor a text ``MetaGraphDef``: TF raises the
    ``UnicodeDecodeError`` (a ValueError) of its text reader; this names the file too."""


def read_meta_graph_file(filename: str) -> Any:
    """The ``MetaGraphDef`` in ``filename`` (binary, else text format): an ``OSError`` when the
    file is missing or its text does not parse, a ``DataLossError`` (also a ``ValueError``)
    when it is neither."""
    if not os.path.exists(filename):
        raise OSError(f"File does not exist. Received: {filename}.")
    with open(filename, "rb") as f:
        data = f.read()
    try:
        return meta_protos().MetaGraphDef.FromString(data)
    except Exception:  # (as TF: anything the binary reader rejects is tried as text)
        m = meta_protos().MetaGraphDef()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:  # TF: this UnicodeDecodeError (a ValueError)
        raise _CorruptFileError(None, None, f"Cannot parse file {filename}: {e}.") from None
    try:
        text_format.Merge(text, m)
    except text_format.ParseError as e:
        raise OSError(f"Cannot parse file {filename}: {e}.") from None
    return m


def _as_meta_graph_def(meta_graph_or_file: Any) -> Any:
    cls = meta_protos().MetaGraphDef
    if isinstance(meta_graph_or_file, cls):
        return meta_graph_or_file
    if type(meta_graph_or_file).__name__ == "MetaGraphDef":  # TF's own class: through its bytes
        return cls.FromString(meta_graph_or_file.SerializeToString())
    return read_meta_graph_file(os.fspath(meta_graph_or_file))


def _text(v: Any) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def _saver_scope(m: Any) -> str | None:
    """The scope of the save and restore ops a TF ``saver_def`` names (``"save/"``)."""
    if not m.HasField("saver_def"):
        return None
    name = m.saver_def.filename_tensor_name or m.saver_def.restore_op_name
    head = name.rpartition("/")[0]
    return head + "/" if head else None


def _restore_collections(m: Any, g: Any, scope: str) -> dict:
    """Rebuilds the collections of ``m`` in ``g`` (TF's order: trainable variables first)."""
    keys = sorted(m.collection_def)
    if "trainable_variables" in keys:
        keys.remove("trainable_variables")
        keys.insert(0, "trainable_variables")
    variables: dict[bytes, Variable] = {}
    VariableDef = meta_protos().VariableDef
    for key in keys:
        if key == _UNBOUND:
            continue
        col = m.collection_def[key]
        kind = col.WhichOneof("kind")
        if kind is None:
            warning("Cannot identify data type for collection %s. Skipping.", key)
            continue
        if key in _NOT_REBUILT and kind == "bytes_list":
            warning("Collection %s is not rebuilt by tflite_core. Skipping.", key)
            continue
        values = getattr(col, kind).value
        if kind == "bytes_list" and (key in _VARIABLE_COLLECTIONS or key == "global_step"):
            for b in values:
                v = variables.get(b)
                if v is None:
                    v = variables[b] = Variable.from_proto(VariableDef.FromString(b), scope)
                g.add_to_collection(key, v)
        elif kind == "node_list":
            for name in values:
                g.add_to_collection(key, g.as_graph_element(prepend_name_scope(name, scope)))
        elif kind == "int64_list":
            for x in values:
                g.add_to_collection(key, int(x))
        else:
            for x in values:
                g.add_to_collection(key, x)
    # {checkpoint key: variable}: the names the variables had where the graph was exported
    return {strip_name_scope(v.op.name, scope): v for v in g.get_collection("variables", scope)}


def import_meta_graph(
    meta_graph_or_file: Any,
    clear_devices: bool = False,
    import_scope: str | None = None,
    **kwargs: Any,
) -> Saver | None:
    """Imports a ``MetaGraphDef`` (message or file) into the default graph with its collections;
    returns a ``Saver`` over its variables (None when it has none)."""
    m = _as_meta_graph_def(meta_graph_or_file)
    g = get_default_graph()
    gd = protos().GraphDef.FromString(m.graph_def.SerializeToString())
    saver_scope = _saver_scope(m)
    if saver_scope:  # TF's save/restore ops: the Saver returned does their work
        kept = [n for n in gd.node if not n.name.startswith(saver_scope)]
        del gd.node[:]
        gd.node.extend(kept)
    if clear_devices:
        for n in gd.node:
            n.device = ""
    input_map = kwargs.get("input_map")
    unbound = []
    if _UNBOUND in m.collection_def:
        col = m.collection_def[_UNBOUND]
        kind = col.WhichOneof("kind")
        unbound = [_text(v) for v in getattr(col, kind).value] if kind else []
    if unbound and sorted(unbound) != sorted(input_map or {}):
        missing = ",".join(v for v in unbound if not input_map or v not in input_map)
        raise ValueError(
            f"Graph contains unbound inputs: {missing}. Must provide these inputs through "
            "input_map."
        )
    scope = g.unique_name(import_scope or "", mark_as_used=False)
    import_graph_def(
        gd,
        input_map=input_map,
        return_elements=kwargs.get("return_elements"),
        name=import_scope or scope,
    )
    imported = _restore_collections(m, g, scope)
    if m.HasField("saver_def"):
        return Saver(var_list=imported or None, saver_def=m.saver_def, allow_empty=True)
    if g.get_collection("variables", import_scope):
        return Saver()
    info("Saver not created because there are no variables in the graph to restore")
    return None
