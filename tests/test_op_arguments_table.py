"""``framework/op_arguments.py`` against TF 2.21's own ``OpDef``s: the input arguments and
attribute types of every op type ``tf.import_graph_def`` reads (the same set as
``op_signatures``), which the importer checks a ``NodeDef`` against as TF's does.

``python tests/test_op_arguments_table.py`` rewrites the table from TF after an op type is added.
"""

from __future__ import annotations

import pathlib

import pytest
from tensorflow.python.framework import op_def_registry
from test_op_signatures_table import _type_token, tf_table

import tflite_core as tf
from tflite_core.framework import op_arguments, op_signatures

TABLE = pathlib.Path(op_arguments.__file__)
BEGIN, END = "# ---- generated from TF's OpDefs", "# ---- end of the generated table"


def tf_arguments() -> dict[str, tuple[str, dict[str, str]]]:
    out = {}
    for op_type in tf_table():
        op_def = op_def_registry.get(op_type)
        inputs = " ".join(_type_token(a) for a in op_def.input_arg)
        out[op_type] = (inputs, {a.name: a.type for a in op_def.attr})
    return out


def render(table: dict) -> str:
    lines = [BEGIN + " (python tests/test_op_arguments_table.py) " + "-" * 10]
    lines.append("_ARGS: dict[str, tuple[str, dict[str, str]]] = {")
    lines += [f'    "{k}": ("{i}", {a!r}),' for k, (i, a) in table.items()]
    lines.append("}")
    lines.append(END)
    return "\n".join(lines)


def test_table_is_tfs():
    assert tf_arguments() == op_arguments._ARGS, (
        "out of date: run python tests/test_op_arguments_table.py"
    )
    assert set(op_arguments._ARGS) == set(op_signatures._TABLE)


def test_attr_kinds_are_checked_as_tf():
    nd = op_signatures_node("Const")
    nd.attr["value"].i = 3
    with pytest.raises(ValueError, match="had value with type 'int' when 'tensor' expected"):
        op_arguments.check_attr_kinds(nd, "node c")
    nd.attr["value"].Clear()
    with pytest.raises(ValueError, match="missing value with expected type 'tensor'"):
        op_arguments.check_attr_kinds(nd, "node c")
    nd = op_signatures_node("Squeeze")
    nd.attr["squeeze_dims"].list.i.extend([1])
    op_arguments.check_attr_kinds(nd, "node s")


def op_signatures_node(op: str):
    nd = tf.NodeDef()
    nd.name, nd.op = "n", op
    return nd


def test_counts_follow_the_attributes():
    assert op_arguments.input_count("AddV2", {}) == 2
    assert op_arguments.input_count("ConcatV2", {"N": 3}) == 4
    assert op_arguments.input_count("IdentityN", {"T": ["float32", "int32"]}) == 2
    assert op_arguments.input_count("ConcatV2", {}) is None
    assert op_arguments.input_count("NoSuchOp", {}) is None


if __name__ == "__main__":
    text = TABLE.read_text()
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    TABLE.write_text(head + render(tf_arguments()) + tail)
