"""``python -m tflite_core.check PROGRAM.py [...]``: lists, without running them, the TensorFlow
names a TF 1.x program uses (``tf.placeholder``, ``tf.nn.relu``, ``tf.compat.v1.Session``, ...)
and which of them tflite_core lacks. Exit status 1 when some are missing.

A name counts as used where an alias bound by ``import tensorflow as tf``, ``import
tensorflow.compat.v1 as tf`` or ``from tensorflow.compat import v1 as tf`` (or ``from
tensorflow import nn``, ...) is followed by attributes; ``tf.compat.v1.X`` is ``X``.
"""

from __future__ import annotations

import ast
import sys

import tflite_core


def _aliases(tree: ast.AST) -> dict[str, str]:
    """Local names bound to TensorFlow modules -> the TF 1.x namespace they stand for ("" for
    the top level, "nn" for ``from tensorflow import nn``)."""
    out: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "tensorflow" or a.name.startswith("tensorflow."):
                    ns = _namespace(a.name)
                    if a.asname:
                        out[a.asname] = ns
                    elif a.name == "tensorflow":
                        out["tensorflow"] = ""
        elif isinstance(node, ast.ImportFrom) and _is_tensorflow(node.module):
            base = _namespace(str(node.module))
            for a in node.names:
                full = f"{base}.{a.name}" if base else a.name
                out[a.asname or a.name] = _namespace("tensorflow." + full)
    return out


def _is_tensorflow(module: str | None) -> bool:
    return module is not None and (module == "tensorflow" or module.startswith("tensorflow."))


def _namespace(module: str) -> str:
    parts = module.split(".")[1:]
    if parts[:2] in (["compat", "v1"], ["compat", "v2"]):
        parts = parts[2:]
    return ".".join(parts)


def _chain(node: ast.AST) -> list[str] | None:
    names = []
    while isinstance(node, ast.Attribute):
        names.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        names.append(node.id)
        return names[::-1]
    return None


def used_names(source: str, filename: str = "<program>") -> dict[str, int]:
    """The TF names ``source`` uses (dotted, without the ``tf.`` prefix) -> first line."""
    tree = ast.parse(source, filename)
    aliases = _aliases(tree)
    found: dict[str, int] = {}
    parents = {id(c) for n in ast.walk(tree) for c in ast.iter_child_nodes(n)
               if isinstance(n, ast.Attribute)}  # fmt: skip
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or id(node) in parents:
            continue  # only the longest chains
        chain = _chain(node)
        if not chain or chain[0] not in aliases:
            continue
        parts = [p for p in aliases[chain[0]].split(".") if p] + chain[1:]
        if parts[:2] in (["compat", "v1"], ["compat", "v2"]):
            parts = parts[2:]
        name = ".".join(parts)
        if name:
            found.setdefault(name, node.lineno)
    for alias, ns in aliases.items():  # `from tensorflow.nn import relu` uses nn.relu
        if ns and alias not in ("tensorflow",):
            found.setdefault(ns, 0)
    return found


def provided(name: str) -> bool:
    """Whether ``tflite_core.<name>`` exists (an attribute of a provided object counts too)."""
    obj: object = tflite_core
    for part in name.split("."):
        try:
            obj = getattr(obj, part)
        except Exception:
            return False
    return True


def _owner(name: str) -> str:
    """The shortest prefix of ``name`` that tflite_core lacks (the missing TF name itself)."""
    parts = name.split(".")
    for i in range(1, len(parts) + 1):
        if not provided(".".join(parts[:i])):
            return ".".join(parts[:i])
    return name


def check(path: str) -> tuple[dict[str, int], dict[str, int]]:
    """``(used, missing)``: the names ``path`` uses and those tflite_core lacks, with lines."""
    with open(path, encoding="utf-8") as f:
        used = used_names(f.read(), path)
    missing: dict[str, int] = {}
    for name, line in sorted(used.items()):
        if not provided(name):
            missing.setdefault(_owner(name), line)
    return used, missing


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(__doc__.strip())
        return 0 if args else 2
    status = 0
    for path in args:
        used, missing = check(path)
        print(f"{path}: uses {len(used)} TensorFlow names; tflite_core lacks {len(missing)}")
        for name, line in sorted(missing.items(), key=lambda kv: (kv[1], kv[0])):
            where = f"line {line}" if line else "imported"
            print(f"  tf.{name}  ({where})")
        status = status or (1 if missing else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
