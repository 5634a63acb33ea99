"""``framework/op_signatures.py`` against TF 2.21's own ``OpDef``s: for every op type that
``tf.import_graph_def`` reads (our registered types under the names their ``NodeDef`` is written
as, and the TF types ``framework/import_forms.py`` translates), the output arguments and the
attributes' default values, which the importer fills in as TF's op registry does.

``python tests/test_op_signatures_table.py`` rewrites the table from TF after an op type is added.
"""

from __future__ import annotations

import pathlib

import pytest
from tensorflow.python.framework import op_def_registry

import tflite_core as tf
from tflite_core.framework import import_forms, op_signatures, registry
from tflite_core.framework.graph_def_forms import WRITTEN_AS

TABLE = pathlib.Path(op_signatures.__file__)
BEGIN, END = "# ---- generated from TF's OpDefs", "# ---- end of the generated table"


def _type_token(arg) -> str:
    if arg.type_list_attr:
        return f"[{arg.type_list_attr}]"
    base = arg.type_attr or "!" + tf.as_dtype(arg.type).name
    return f"{arg.number_attr}*{base}" if arg.number_attr else base


def _default(a):
    v = a.default_value
    kind = v.WhichOneof("value")
    if kind == "list":
        items = [x for f in ("s", "i", "f", "b", "type", "shape") for x in getattr(v.list, f)]
        if v.list.type:
            return "[" + ", ".join(f"_dt.{tf.as_dtype(x).name}" for x in v.list.type) + "]"
        if v.list.shape:
            return None  # (shape lists: none of our types has a non-empty default)
        return repr([x.decode() if isinstance(x, bytes) else x for x in items])
    if kind == "s":
        return repr(v.s.decode())
    if kind in ("i", "f", "b"):
        return repr(getattr(v, kind))
    if kind == "type":
        return f"_dt.{tf.as_dtype(v.type).name}"
    if kind == "shape":
        if v.shape.unknown_rank:
            return "TensorShape(None)"
        return f"TensorShape({[d.size if d.size >= 0 else None for d in v.shape.dim]!r})"
    return None


def tf_table() -> dict:
    """{TF op type: (output spec "name:token ...", {attr: default source text})} from TF's
    OpDefs."""
    names = {WRITTEN_AS.get(t, t) for t in registry.registered_ops()} | set(import_forms.tf_only())
    out = {}
    for op_type in sorted(names):
        op_def = op_def_registry.get(op_type)
        if op_def is None:
            continue
        outputs = " ".join(f"{a.name}:{_type_token(a)}" for a in op_def.output_arg)
        defaults = {}
        for a in op_def.attr:
            if a.HasField("default_value"):
                text = _default(a)
                if text is not None:
                    defaults[a.name] = text
        out[op_type] = (outputs, defaults)
    return out


def render(table: dict) -> str:
    lines = [BEGIN + " (python tests/test_op_signatures_table.py) " + "-" * 10]
    lines.append("_TABLE: dict[str, tuple[str, dict[str, Any]]] = {")
    for op_type, (outputs, defaults) in table.items():
        body = ", ".join(f'"{k}": {v}' for k, v in defaults.items())
        lines.append(f'    "{op_type}": ("{outputs}", {{{body}}}),')
    lines.append("}")
    lines.append(END)
    return "\n".join(lines)


def _evaluated(text: str) -> dict:
    scope = dict(vars(op_signatures))
    exec(text, scope)
    return {k: (out, {a: repr(v) for a, v in d.items()}) for k, (out, d) in scope["_TABLE"].items()}


def test_table_is_tfs():
    ours = {
        k: (out, {a: repr(v) for a, v in d.items()}) for k, (out, d) in op_signatures._TABLE.items()
    }
    assert _evaluated(render(tf_table())) == ours, (
        "out of date: run python tests/test_op_signatures_table.py"
    )


@pytest.mark.parametrize("op_type", ["Conv2D", "Placeholder", "Split", "IdentityN", "ArgMax"])
def test_some_entries_read_as_tf_writes_them(op_type):
    op_def = op_def_registry.get(op_type)
    outputs = op_signatures._TABLE[op_type][0].split()
    assert len(outputs) == len(op_def.output_arg)
    for a in op_def.attr:
        if a.HasField("default_value") and a.type in ("bool", "int", "string"):
            got = op_signatures.default_attrs(op_type)[a.name]
            want = getattr(a.default_value, {"bool": "b", "int": "i", "string": "s"}[a.type])
            assert got == (want.decode() if isinstance(want, bytes) else want)


if __name__ == "__main__":
    text = TABLE.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    TABLE.write_text(head + render(tf_table()) + tail)
