"""TF's functional control flow in an imported ``GraphDef``: ``If``/``StatelessIf`` and
``While``/``StatelessWhile`` nodes, whose branches and bodies are functions of the GraphDef's
library (``FunctionDef``s), become our ``If`` and ``While`` ops over ``FuncGraph`` bodies.

A function body is imported as a graph is, with its own naming: an input is a function argument
(``"x"``), an output argument of a body node (``"add:z:0"``: node ``add``, its output argument
``z``, element 0) or a control input (``"^node"``); the function's results are its ``ret``
entries. Bodies may hold further If/While nodes (nested control flow).
"""

from __future__ import annotations

from typing import Any

from . import dtypes as _dt
from .func_graph import FuncGraph, sinks
from .graph_def_attrs import attr_values
from .import_forms import Make, Node, not_registered, reader, tf_attrs
from .import_read import op_and_outputs
from .meta_graph_protos import meta_protos
from .op_arguments import check_attr_kinds, check_input_count
from .op_signatures import MissingAttr, default_attrs, has_signature, output_args
from .tensor_shape import TensorShape


def function_library(graph_def: Any) -> dict:
    """The ``FunctionDef``s of ``graph_def``'s library by name (TF's class or ours: its
    bytes are read; ours keeps the library as unknown fields)."""
    lib = meta_protos().GraphLibrary.FromString(graph_def.SerializeToString()).library
    return {f.signature.name: f for f in lib.function}


def _body_order(fdef: Any) -> list:
    by_name = {n.name: n for n in fdef.node_def}
    done: set = set()
    out: list = []
    for root in fdef.node_def:
        stack = [(root, False)]
        while stack:
            n, expanded = stack.pop()
            if n.name in done:
                continue
            if expanded:
                done.add(n.name)
                out.append(n)
                continue
            stack.append((n, True))
            for inp in reversed(list(n.input)):
                dep = by_name.get(inp.lstrip("^").split(":")[0])
                if dep is not None and dep.name not in done:
                    stack.append((dep, False))
    return out


def build_function(
    fdef: Any, outer: Any, library: dict | None, shapes: list, name: str
) -> tuple[FuncGraph, list, list]:
    """The body of ``fdef`` as a ``FuncGraph`` nested in ``outer``: its params (one per
    argument, of ``shapes``) and results (its ``ret``, in output-argument order)."""
    sig = fdef.signature
    g = FuncGraph(name, outer)
    g._name_stack = ""
    args: dict[str, Any] = {}
    params = []
    for arg, shape in zip(sig.input_arg, shapes):
        p = g.add_param(_dt.as_dtype(arg.type), shape, arg.name)
        args[arg.name] = p
        params.append(p)
    outs: dict[tuple, list] = {}
    ops: dict[str, Any] = {}

    def make(op_type, inputs, dtypes, attrs, op_name):
        full = g.unique_name(op_name)
        return g.create_op(op_type, inputs, dtypes, attrs, full + "/")

    def resolve(ref: str):
        if ref in args:
            return args[ref]
        node, _, rest = ref.partition(":")
        arg, _, idx = rest.partition(":")
        try:
            return outs[(node, arg)][int(idx or 0)]
        except (KeyError, IndexError):
            raise ValueError(
                f"Function '{sig.name}': unknown input '{ref}' (not an argument or output)"
            ) from None

    with g.as_default():
        for nd in _body_order(fdef):
            read = node_reader(nd.op)
            if read is None or not has_signature(nd.op):
                raise not_registered(nd.op)
            check_attr_kinds(nd, f"function {sig.name} node {nd.name}")
            attrs = tf_attrs(nd.op, {**default_attrs(nd.op), **attr_values(nd.attr)})
            try:
                arg_dtypes = output_args(nd.op, attrs)
            except MissingAttr as e:
                raise ValueError(
                    f"NodeDef missing attr '{e.args[0]}' from Op<name={nd.op}>; "
                    f"NodeDef: {{{{function {sig.name} node {nd.name}}}}}"
                ) from None
            check_input_count(nd, attrs, f"function {sig.name} node {nd.name}")
            inputs, control = [], []
            for inp in nd.input:
                if inp.startswith("^"):
                    control.append(ops[inp[1:]])
                else:
                    inputs.append(resolve(inp))
            dtypes = [d for _, ds in arg_dtypes for d in ds]
            node = Node(nd.name, nd.op, inputs, attrs, dtypes, g, library)
            with g.control_dependencies(control):
                op, op_outs = op_and_outputs(read(node, make))
            ops[nd.name] = op
            k = 0
            for arg_name, ds in arg_dtypes:
                outs[(nd.name, arg_name)] = op_outs[k : k + len(ds)]
                k += len(ds)
        results = []
        for out_arg in sig.output_arg:
            t = resolve(fdef.ret[out_arg.name])
            if t in params:  # a result that is a param: a node of the body returns it
                t = make("Identity", [t], [t.dtype], {}, f"{out_arg.name}_passthrough").outputs[0]
            results.append(t)
        for name_, ref in fdef.control_ret.items():
            del name_, ref  # (stateful ops run as sinks of the body: see sinks())
    return g, params, results


def _function(node: Node, attr: str) -> Any:
    name = node.attrs[attr].name
    if node.library is None or name not in node.library:
        raise ValueError(f"Node '{node.name}': function '{name}' is not in the graph's library")
    return node.library[name]


def _if(node: Node, make: Make):
    pred, *args = node.inputs
    if pred.dtype != _dt.bool:
        raise ValueError(f"Node '{node.name}': an If on a {pred.dtype.name} cond (ours: bool)")
    shapes = [a.shape for a in args]
    graphs, params, results = [], [], []
    for attr in ("else_branch", "then_branch"):
        fg, ps, rs = build_function(
            _function(node, attr), node.graph, node.library, shapes, f"{node.name}/{attr}"
        )
        graphs.append(fg)
        params.append(ps)
        results.append(rs)
    else_g, then_g = graphs
    attrs = {
        "then_branch": then_g,
        "else_branch": else_g,
        "then_params": params[1],
        "else_params": params[0],
        "then_results": results[1],
        "else_results": results[0],
        "Tout": list(node.out_dtypes),
        "then_sinks": sinks(then_g),
        "else_sinks": sinks(else_g),
    }
    return make("If", [pred, *args], node.out_dtypes, attrs, node.name)


def _while(node: Node, make: Make):
    init = node.inputs
    k = len(init)
    shapes = list(node.attrs.get("output_shapes") or [])
    if len(shapes) != k:
        shapes = [TensorShape(None)] * k
    cond_g, cond_params, cond_results = build_function(
        _function(node, "cond"), node.graph, node.library, shapes, f"{node.name}/cond"
    )
    body_g, body_params, body_results = build_function(
        _function(node, "body"), node.graph, node.library, shapes, f"{node.name}/body"
    )
    attrs = {
        "cond_branch": cond_g,
        "body_branch": body_g,
        "cond_params": cond_params,
        "cond_result": cond_results[0],
        "body_params": body_params,
        "body_results": body_results,
        "n_vars": k,
        "n_captures": 0,
        "n_sliced": 0,
        "has_max": False,
        "slice_reverse": [],
        "extra_like": [],
        "extra_reverse": [],
        "zero_init": [False] * k,
        "accumulate": [],
        "back_prop": True,
        "body_sinks": sinks(body_g),
        "cond_sinks": sinks(cond_g),
        "T": [t.dtype for t in init],
    }
    return make("While", init, [*node.out_dtypes, _dt.int32], attrs, node.name)


_FUNCTIONAL = {"If": _if, "StatelessIf": _if, "While": _while, "StatelessWhile": _while}


def node_reader(tf_type: str):
    """How a node of ``tf_type`` is read: functional control flow here, the rest by
    ``import_forms``; None for an op type we lack."""
    return _FUNCTIONAL.get(tf_type) or reader(tf_type)
