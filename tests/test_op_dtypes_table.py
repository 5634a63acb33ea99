"""``framework/op_dtypes.py`` against TF 2.21's own ``OpDef``s: for every op type we register
that TF has (under the type its ``NodeDef`` is written as), the input arguments in order and the
dtypes each typed argument allows.

``python tests/test_op_dtypes_table.py`` rewrites the table from TF after an op type is added.
"""

from __future__ import annotations

import pathlib
import sys

import pytest
from tensorflow.python.framework import op_def_registry

import tflite_core as tf
from tflite_core.framework import op_dtypes, registry
from tflite_core.framework.graph_def_forms import WRITTEN_AS

TABLE = pathlib.Path(op_dtypes.__file__)
BEGIN, END = "# ---- generated from TF's OpDefs", "# ---- end of the generated table"


def tf_table() -> dict:
    """{our op type: (input spec, ((params, allowed names), ...))} from TF's OpDefs."""
    out = {}
    for op_type in sorted(registry.registered_ops()):
        op_def = op_def_registry.get(WRITTEN_AS.get(op_type, op_type))
        if op_def is None:
            continue
        attrs = {a.name: a for a in op_def.attr}
        spec, by_attr = [], {}
        for arg in op_def.input_arg:
            fixed = f":{tf.as_dtype(arg.type).name}" if arg.type and not arg.type_attr else ""
            spec.append(arg.name + ("*" if arg.number_attr or arg.type_list_attr else "") + fixed)
            allowed = attrs[arg.type_attr].allowed_values.list.type if arg.type_attr else ()
            if allowed:
                names = " ".join(tf.as_dtype(e).name for e in allowed)
                by_attr.setdefault(arg.type_attr, ([], names))[0].append(arg.name)
        out[op_type] = (" ".join(spec), tuple((" ".join(p), n) for p, n in by_attr.values()))
    return out


def render(table: dict) -> str:
    lists: dict[str, str] = {}
    for _, groups in table.values():
        for _, names in groups:
            lists.setdefault(names, f"_{len(lists)}")
    lines = [BEGIN + " (python tests/test_op_dtypes_table.py) " + "-" * 10]
    for names, var in lists.items():
        lines.append(f'{var} = "{names}"' if len(names) < 90 else f'{var} = (\n    "{names}"\n)')
    lines.append("")
    lines.append("_TABLE: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {")
    for op_type, (spec, groups) in table.items():
        body = ", ".join(f'("{p}", {lists[n]})' for p, n in groups)
        body = f"({body},)" if len(groups) == 1 else f"({body})"
        lines.append(f'    "{op_type}": ("{spec}", {body}),')
    lines.append("}")
    lines.append(END)
    return "\n".join(lines)


def test_table_is_tfs():
    table = tf_table()
    assert table == op_dtypes._TABLE, "out of date: run python tests/test_op_dtypes_table.py"


@pytest.mark.parametrize("op_type", ["AddV2", "StridedSlice", "ConcatV2", "SparseApplyAdagrad"])
def test_some_entries_read_as_tf_writes_them(op_type):
    op_def = op_def_registry.get(op_type)
    ours = {v: k for k, v in WRITTEN_AS.items()}.get(op_type, op_type)
    spec = op_dtypes._TABLE[ours][0].split()
    assert [s.split(":")[0].rstrip("*") for s in spec] == [a.name for a in op_def.input_arg]


if __name__ == "__main__":
    text = TABLE.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    TABLE.write_text(head + render(tf_table()) + tail)
    sys.exit(0)
