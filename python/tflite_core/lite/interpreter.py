"""``tf.lite.Interpreter``: runs a ``.tflite`` model (TFLite's flatbuffer, as TF's converter or
ours writes it) on tflite_core's kernels.

The model's main subgraph becomes a tflite_core graph when the interpreter is made (its
constants from the model's buffers, a placeholder per input, one or a few ops per operator,
``builtin_ops``), and a Session compiles it into a plan; ``invoke`` is one ``Session.run`` of the
outputs. ``resize_tensor_input`` rebuilds the graph for the new input shapes at the next
``allocate_tensors``. The API and its errors are TF 2.21's ``tf.lite.Interpreter`` (LiteRT's
``ai_edge_litert.interpreter.Interpreter``): tensor details as dicts, ``set_tensor`` checking the
dtype and every dimension, ``tensor()`` a view of the live buffer, signature runners.

Float models (float32, float16 or int8 weights behind DEQUANTIZE, and the dynamic-range
models whose conv, depthwise conv and fully connected operators read int8 weights with a float
input: ``hybrid_ops``) run on a graph as above. Full-integer models, whose operators compute on
int8 tensors, run on the C++ runtime (``native_model``), with the integer arithmetic of TFLite's
builtin kernels. An operator TFLite has but this module lacks (``NotFoundError``), or one it
cannot run (uint8 kernels, other hybrid kernels: ``UnimplementedError``), is refused when the
model is loaded, as TFLite refuses a model with an op it has no kernel for; each error is also
the ValueError LiteRT raises (``lite_errors``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Callable

import numpy as np

from ..client.session import Session
from ..framework import dtypes as _dt
from ..framework import errors
from ..framework.constant_op import constant
from ..framework.graph import Graph
from ..framework.runtime import get_num_threads, set_num_threads
from ..ops import array_ops
from .builtin_ops import BUILTINS, TENSOR_TYPE_OF, TENSOR_TYPES, TYPE_NAMES
from .lite_errors import ModelInvalidArgumentError, ModelNotFoundError, ModelUnimplementedError
from .model_file import Model, OperatorInfo, SubGraph, TensorInfo, read_model
from .native_model import NativeModel, computes_on_integers, float_native


def _type_name_of(a: np.ndarray) -> str:
    return TYPE_NAMES.get(TENSOR_TYPE_OF.get(a.dtype, -1), str(a.dtype).upper())


class _Builder:
    """The graph of one subgraph, built operator by operator (the ``b`` of ``builtin_ops``)."""

    def __init__(self, model: Model, sg: SubGraph, input_shapes: dict[int, list[int]]):
        self.model, self.sg = model, sg
        self.graph = Graph()
        self.k = -1  # the node being built
        self.tensors: dict[int, Any] = {}
        self.placeholders: dict[int, Any] = {}
        self.states: dict[int, Any] = {}  # variable tensor -> its placeholder (an op's state)
        self.updates: dict[int, Any] = {}  # variable tensor -> its value after an invoke
        with self.graph.as_default():
            for i in sg.inputs:
                t = sg.tensors[i]
                p = array_ops.placeholder(_dtype(t), input_shapes[i], name=f"input_{i}")
                self.tensors[i] = self.placeholders[i] = p
            for k, op in enumerate(sg.operators):
                self.k = k
                name, build = BUILTINS[op.opcode]
                try:
                    outs = build(self, op)
                except (ModelInvalidArgumentError, ModelUnimplementedError):
                    raise
                except (ValueError, TypeError, errors.OpError) as e:
                    raise RuntimeError(f"Node number {k} ({name}) failed to prepare: {e}") from None
                except IndexError:  # (an input or output the builtin needs is not there)
                    raise RuntimeError(
                        f"Node number {k} ({name}) failed to prepare: {len(op.inputs)} inputs "
                        f"and {len(op.outputs)} outputs are too few"
                    ) from None
                for i, t in zip(op.outputs, outs):
                    if i >= 0:
                        self.tensors[i] = t
            for i in sg.outputs:  # an output no node writes: a constant, or an error naming it
                if i not in self.tensors:
                    v = constant_value(self.model, sg.tensors[i])
                    if v is None:
                        raise ModelInvalidArgumentError(
                            f"output tensor {i} '{sg.tensors[i].name}' is neither an input, a "
                            "constant nor written by a node"
                        )
                    self.tensors[i] = constant(v, name=f"tensor_{i}")

    def tensor(self, i: int) -> TensorInfo:
        return self.sg.tensors[i]

    def state(self, i: int) -> Any:
        """A placeholder for variable tensor ``i``, fed its value at each invoke."""
        t = self.sg.tensors[i]
        if not t.is_variable:
            raise ModelInvalidArgumentError(f"state tensor {i} '{t.name}' is not a variable")
        if i not in self.states:
            self.states[i] = array_ops.placeholder(_dtype(t), t.shape, name=f"state_{i}")
        return self.states[i]

    def update(self, i: int, value: Any) -> None:
        self.updates[i] = value

    def where(self, op: OperatorInfo) -> str:
        return f"node {self.k} ({BUILTINS[op.opcode][0]})"  # (op is the node being built)

    def value(self, op: OperatorInfo, i: int) -> np.ndarray | None:
        if i >= len(op.inputs) or op.inputs[i] < 0:
            return None
        return constant_value(self.model, self.sg.tensors[op.inputs[i]])

    def x(self, op: OperatorInfo, i: int, optional: bool = False) -> Any:
        """The node's input ``i`` as a tensor; an input the model leaves out is None where it
        is ``optional`` (a bias), else an error (the node cannot be prepared)."""
        if i >= len(op.inputs) or op.inputs[i] < 0:
            if optional:
                return None
            raise ValueError(f"input {i} is missing ({len(op.inputs)} inputs)")
        j = op.inputs[i]
        if j not in self.tensors:
            v = constant_value(self.model, self.sg.tensors[j])
            if v is None:
                raise ModelInvalidArgumentError(
                    f"input {i} (tensor {j} '{self.sg.tensors[j].name}') is neither an input, "
                    "a constant nor the output of an earlier node"
                )
            self.tensors[j] = constant(v, name=f"tensor_{j}")
        return self.tensors[j]

    def option(self, op: OperatorInfo, field: int, fmt: str, default: Any) -> Any:
        return op.options.scalar(field, fmt, default) if op.options is not None else default

    def option_numbers(self, op: OperatorInfo, field: int, dtype: Any) -> np.ndarray | None:
        return op.options.numbers(field, dtype) if op.options is not None else None


def _dtype(t: TensorInfo) -> Any:
    np_type = TENSOR_TYPES.get(t.type)
    if np_type is None:
        raise ModelUnimplementedError(
            f"tensor '{t.name}' has type {TYPE_NAMES.get(t.type, t.type)}"
        )
    return _dt.as_dtype(np_type)


def constant_value(model: Model, t: TensorInfo) -> np.ndarray | None:
    """The value a tensor's buffer holds (None: no data, a computed tensor)."""
    data = model.buffers[t.buffer] if 0 < t.buffer < len(model.buffers) else b""
    if not data:
        return None
    dt = np.dtype(TENSOR_TYPES[t.type]) if t.type in TENSOR_TYPES else None
    if dt is None or dt == np.object_:
        raise ModelUnimplementedError(
            f"constant tensor '{t.name}' of type {TYPE_NAMES.get(t.type, t.type)}"
        )
    n = int(np.prod(t.shape, dtype=np.int64))
    if len(data) != n * dt.itemsize:
        raise ModelInvalidArgumentError(
            f"constant tensor '{t.name}' of shape {t.shape} has {len(data)} bytes of data, "
            f"not {n * dt.itemsize}"
        )
    return np.frombuffer(data, dt).reshape(t.shape).copy()


def _check_supported(model: Model) -> None:
    sg = model.subgraphs[0]
    for k, op in enumerate(sg.operators):
        if op.opcode not in BUILTINS:
            what = (
                f"custom op '{op.custom_code}'" if op.custom_code else f"builtin opcode {op.opcode}"
            )
            raise ModelNotFoundError(
                f"Didn't find op for {what} version '{op.version}' (node number {k}): "
                "tflite_core's interpreter runs the builtins "
                + ", ".join(sorted(n for n, _ in BUILTINS.values()))
            )


def _zeros(name: str, shape: list[int], dtype: Any) -> np.ndarray:
    """A tensor's buffer; its size checked first (a corrupt or huge shape is TF's
    ResourceExhaustedError naming the tensor, not a MemoryError or a killed process)."""
    if any(d < 0 for d in shape):
        raise ModelInvalidArgumentError(f"tensor '{name}' has a negative dimension: {shape}")
    nbytes = np.dtype(dtype).itemsize * float(np.prod([float(d) for d in shape]))
    if nbytes > _MAX_TENSOR_BYTES:
        raise errors.ResourceExhaustedError(
            None, None, f"OOM when allocating tensor '{name}' of shape {shape} ({nbytes:.3g} bytes)"
        )
    try:
        return np.zeros(shape, dtype)
    except MemoryError:
        raise errors.ResourceExhaustedError(
            None, None, f"OOM when allocating tensor '{name}' of shape {shape}"
        ) from None


_MAX_TENSOR_BYTES = float(1 << 40)  # (above any machine's memory: refused before allocating)


@contextlib.contextmanager
def _threads(n: int) -> Iterator[None]:
    """The kernels' thread count n (0: unchanged) while the block runs (the count is
    process-wide: a Session config would keep it for every later Session)."""
    before = get_num_threads()
    if n:
        set_num_threads(n)
    try:
        yield
    finally:
        if n:
            set_num_threads(before)


def _batch_of(model: Model, shapes: dict[int, list[int]]) -> int:
    """The batch of resized inputs that the C++ runtime runs sample by sample: the file's
    inputs and outputs have a batch of 1 and only that dimension changed. A RESHAPE to a shape
    that fixes the batch fails to prepare, as in LiteRT."""
    sg = model.subgraphs[0]
    batches = set()
    for i, shape in shapes.items():
        file_shape = list(sg.tensors[i].shape)
        same_rest = len(shape) == len(file_shape) >= 1 and shape[1:] == file_shape[1:]
        batches.add(shape[0] if same_rest and file_shape[0] == 1 else -1)
    outputs_of_one = all(sg.tensors[o].shape[:1] == [1] for o in sg.outputs)
    if len(batches) != 1 or -1 in batches or not outputs_of_one:
        raise ModelUnimplementedError(
            f"the full-integer model runs at its file's input shapes, or with another batch "
            f"where those have a batch of 1; got {[shapes[i] for i in sg.inputs]} for "
            f"{[list(sg.tensors[i].shape) for i in sg.inputs]}"
        )
    batch = batches.pop()
    for k, op in enumerate(sg.operators):
        if BUILTINS.get(op.opcode, ("",))[0] != "RESHAPE" or batch == 1:
            continue
        target = constant_value(model, sg.tensors[op.inputs[1]]) if len(op.inputs) > 1 else None
        if target is None and op.options is not None:
            target = op.options.numbers(0, np.int32)  # ReshapeOptions.new_shape
        if target is not None and target.size and int(target.reshape(-1)[0]) != -1:
            n_in = int(np.prod(sg.tensors[op.inputs[0]].shape)) * batch
            raise RuntimeError(
                f"Node number {k} (RESHAPE) failed to prepare: cannot reshape {n_in} elements "
                f"to {target.reshape(-1).tolist()} (the batch of {batch} set by "
                "resize_tensor_input)"
            )
    return batch


def _details(index: int, t: TensorInfo, shape: list[int]) -> dict:
    q = t.quantization
    scale = float(q.scales[0]) if len(q.scales) == 1 else 0.0
    zero = int(q.zero_points[0]) if len(q.zero_points) == 1 else 0
    return {
        "name": t.name,
        "index": index,
        "shape": np.array(shape, np.int32),
        "shape_signature": np.array(t.shape_signature, np.int32),
        "dtype": TENSOR_TYPES.get(t.type, np.object_),
        "quantization": (scale, zero),
        "quantization_parameters": {
            "scales": q.scales.astype(np.float32),
            "zero_points": q.zero_points.astype(np.int32),
            "quantized_dimension": q.quantized_dimension,
            "block_size": 0,
        },
        "sparsity_parameters": {},
    }


class Interpreter:
    """Runs a TFLite model (TF 1.x: ``tf.lite.Interpreter``; TF 2: ``ai_edge_litert``'s)."""

    def __init__(
        self,
        model_path: str | None = None,
        model_content: bytes | None = None,
        experimental_delegates: Any = None,
        num_threads: int | None = None,
        experimental_op_resolver_type: Any = None,
        experimental_preserve_all_tensors: bool = False,
        experimental_disable_delegate_clustering: bool = False,
        experimental_default_delegate_latest_features: bool = False,
    ) -> None:
        if model_path is not None and model_content is not None:
            raise ValueError("`model_path` and `model_content` cannot both be specified.")
        if model_path is None and model_content is None:
            raise ValueError("`model_path` or `model_content` must be specified.")
        if num_threads is not None and (not isinstance(num_threads, int) or num_threads < -1):
            raise ValueError("num_threads should be an integer >= -1")
        if model_path is not None:
            try:
                with open(model_path, "rb") as f:
                    model_content = f.read()
            except OSError:
                raise ModelNotFoundError(
                    f"Could not open '{model_path}'.The model allocation is null/empty"
                ) from None
        content = bytes(model_content)  # type: ignore[arg-type]
        self._model = read_model(content)
        self._sg = self._model.subgraphs[0]
        integer = computes_on_integers(self._model, {c: n for c, (n, _) in BUILTINS.items()})
        # full-integer models: the C++ runtime (which refuses what it cannot run, now)
        self._integer = NativeModel(content) if integer else None
        self._native = self._integer  # (the C++ runtime's model while it runs this one)
        if self._native is None:
            _check_supported(self._model)
        # float32 models: the C++ runtime too where it lowers them and runs them at the file's
        # shapes without their intermediate tensors (else the graph, below)
        self._float_native = (
            float_native(self._model, content)
            if self._integer is None and not experimental_preserve_all_tensors
            else None
        )
        # the interpreter's own thread count, applied around each invoke (the kernels' count is
        # process-wide: a Session config would keep it for every later Session)
        self._num_threads = max(num_threads or 0, 0)
        self._preserve = experimental_preserve_all_tensors
        self._shapes = {i: list(self._sg.tensors[i].shape) for i in self._sg.inputs}
        self._builder = (  # (refuses bad models now)
            _Builder(self._model, self._sg, self._shapes) if self._native is None else None
        )
        self._session: Session | None = None
        self._values: dict[int, np.ndarray] = {}
        self._batch: int | None = None  # (a full-integer model run sample by sample)
        self._ready = False

    # ---- allocation ------------------------------------------------------------------------
    def allocate_tensors(self) -> None:
        """Builds the graph for the current input shapes and allocates every tensor."""
        if self._integer is not None:
            return self._allocate_native()
        file_shapes = {i: list(self._sg.tensors[i].shape) for i in self._sg.inputs}
        if self._float_native is not None and self._shapes == file_shapes:
            self._native = self._float_native
            return self._allocate_native()
        self._native = None
        assert self._builder is not None
        built = {i: list(p.shape.as_list()) for i, p in self._builder.placeholders.items()}
        if built != self._shapes:
            self._builder = _Builder(self._model, self._sg, self._shapes)
            if self._session is not None:
                self._session.close()
                self._session = None
        if self._session is None:
            self._session = Session(graph=self._builder.graph)
        old = self._values
        self._values = {}
        for i, t in enumerate(self._sg.tensors):
            shape = self._shape_of(i)
            dt = TENSOR_TYPES.get(t.type, np.object_)
            prev = old.get(i)
            if prev is not None and list(prev.shape) == shape and i in self._shapes:
                self._values[i] = prev
                continue
            v = constant_value(self._model, t)
            self._values[i] = v if v is not None else _zeros(t.name, shape, dt)
        self._ready = True

    def _allocate_native(self) -> None:
        """The inputs and outputs are the runtime's buffers at the file's shapes; for a larger
        batch, arrays of their own (``invoke`` runs the samples one by one)."""
        assert self._native is not None
        sg, native = self._sg, self._native
        file_shapes = {i: list(sg.tensors[i].shape) for i in sg.inputs}
        self._batch = None
        if self._shapes != file_shapes:
            self._batch = _batch_of(self._model, self._shapes)
        old, self._values = self._values, {}
        ends = set(sg.inputs) | set(sg.outputs)
        for i, t in enumerate(sg.tensors):
            if i in ends:  # (below)
                continue
            v = constant_value(self._model, t)
            shape = list(t.shape)
            dt = TENSOR_TYPES.get(t.type, np.object_)
            self._values[i] = v if v is not None else _zeros(t.name, shape, dt)
        for ids, arrays in ((sg.outputs, native.outputs), (sg.inputs, native.inputs)):
            for i, a in zip(ids, arrays):
                if self._batch is None:
                    self._values[i] = a
                else:
                    shape = [self._batch, *a.shape[1:]]
                    prev = old.get(i)
                    if prev is not None and list(prev.shape) == shape and i in sg.inputs:
                        self._values[i] = prev  # (an input set before: kept)
                    else:
                        self._values[i] = _zeros(sg.tensors[i].name, shape, a.dtype)
        self._ready = True

    def _shape_of(self, i: int) -> list[int]:
        if i in self._shapes:
            return list(self._shapes[i])
        if self._builder is None:
            return [int(d) for d in self._sg.tensors[i].shape]
        t = self._builder.tensors.get(i)
        if t is not None and t.shape.is_fully_defined():
            return [int(d) for d in t.shape.as_list()]
        return [int(d) for d in self._sg.tensors[i].shape]

    def resize_tensor_input(self, input_index: int, tensor_size: Any, strict: bool = False) -> None:
        """Gives input ``input_index`` the shape ``tensor_size`` (``allocate_tensors`` next)."""
        if input_index not in self._shapes:
            raise ValueError(f"Tensor {input_index} is not an input of the model")
        size = [int(d) for d in np.asarray(tensor_size).reshape(-1)]
        if np.asarray(tensor_size).dtype.kind not in "iu" and len(size):
            raise ValueError("tensor_size must be an array of integers")
        sig = self._sg.tensors[input_index].shape_signature
        if strict and (len(size) != len(sig) or any(s != -1 and s != d for s, d in zip(sig, size))):
            raise ValueError(
                "ResizeInputTensorStrict only allows mutating unknown dimensions identified by -1."
            )
        if any(d < 0 for d in size):
            raise ValueError(f"tensor_size {size} has a negative dimension")
        if size != self._shapes[input_index]:
            self._shapes[input_index] = size
            self._ready = False

    # ---- tensors ---------------------------------------------------------------------------
    def _check_index(self, i: Any) -> int:
        n = len(self._sg.tensors)
        if not isinstance(i, (int, np.integer)) or not 0 <= int(i) < n:
            raise ValueError(f"Invalid tensor index {i} exceeds max tensor index {n - 1}")
        return int(i)

    def get_input_details(self) -> list[dict]:
        return [self._detail(i) for i in self._sg.inputs]

    def get_output_details(self) -> list[dict]:
        return [self._detail(i) for i in self._sg.outputs]

    def get_tensor_details(self) -> list[dict]:
        return [self._detail(i) for i in range(len(self._sg.tensors))]

    def _detail(self, i: int) -> dict:
        shape = list(self._values[i].shape) if i in self._values else self._shape_of(i)
        return _details(i, self._sg.tensors[i], shape)

    def set_tensor(self, tensor_index: int, value: Any) -> None:
        """Copies ``value`` into a tensor (an input, before ``invoke``); its dtype and every
        dimension must be the tensor's."""
        i = self._check_index(tensor_index)
        if i not in self._values:
            raise ValueError(
                "Cannot set tensor: Tensor is unallocated. Try calling allocate_tensors() first"
            )
        a = np.asarray(value)
        have = self._values[i]
        if a.dtype != have.dtype:
            raise ValueError(
                f"Cannot set tensor: Got value of type {_type_name_of(a)} but expected type "
                f"{TYPE_NAMES.get(self._sg.tensors[i].type)} for input {i}, name: "
                f"{self._sg.tensors[i].name} "
            )
        if a.ndim != have.ndim:
            raise ValueError(
                f"Cannot set tensor: Dimension mismatch. Got {a.ndim} but expected {have.ndim} "
                f"for input {i}."
            )
        for d, (got, want) in enumerate(zip(a.shape, have.shape)):
            if got != want:
                raise ValueError(
                    f"Cannot set tensor: Dimension mismatch. Got {got} but expected {want} for "
                    f"dimension {d} of input {i}."
                )
        have[...] = a

    def get_tensor(self, tensor_index: int, subgraph_index: int = 0) -> np.ndarray:
        """A copy of a tensor's value (an output: from the last ``invoke``)."""
        if subgraph_index != 0:
            raise ValueError(f"Invalid subgraph index {subgraph_index}: the model runs subgraph 0")
        i = self._check_index(tensor_index)
        if i not in self._values:
            raise ValueError("Tensor data is null. Run allocate_tensors() first")
        return self._values[i].copy()

    def tensor(self, tensor_index: int) -> Callable[[], np.ndarray]:
        """A function returning the live array of a tensor (writing to an input's sets it)."""
        i = self._check_index(tensor_index)
        return lambda: self._values[i]

    # ---- running ---------------------------------------------------------------------------
    def invoke(self) -> None:
        """Runs the model on the inputs set; the outputs are read with ``get_tensor``."""
        if not self._ready or (self._session is None and self._native is None):
            raise RuntimeError("Invoke called on model that is not ready.")
        if self._native is not None:
            with _threads(self._num_threads):
                if self._batch is None:
                    self._native.invoke()
                else:
                    self._native.run_batch(
                        [self._values[i] for i in self._sg.inputs],
                        [self._values[i] for i in self._sg.outputs],
                    )
            return
        b = self._builder
        assert b is not None and self._session is not None
        wanted = [i for i in b.tensors if i not in b.placeholders] if self._preserve else []
        wanted = list(dict.fromkeys(list(self._sg.outputs) + wanted))
        feeds = {b.placeholders[i]: self._values[i] for i in self._sg.inputs}
        feeds.update({p: self._values[i] for i, p in b.states.items()})
        states = list(b.updates)
        fetches = [b.tensors[i] for i in wanted] + [b.updates[i] for i in states]
        if not fetches:  # (a model without outputs: nothing to run)
            return
        with _threads(self._num_threads):
            fetched = self._session.run(fetches, feeds)
        for i, v in zip(states, fetched[len(wanted) :]):
            self._values[i][...] = v
        for i, v in zip(wanted, fetched):
            v = np.asarray(v)
            if i in self._values and self._values[i].shape == v.shape:
                self._values[i][...] = v
            else:
                self._values[i] = v.copy()

    def reset_all_variables(self) -> None:
        """Sets the model's variables (LSTM states) back to their initial values (zeros)."""
        for i in self._builder.states if self._builder is not None else ():
            initial = constant_value(self._model, self._sg.tensors[i])
            self._values[i][...] = 0 if initial is None else initial

    # ---- signatures ------------------------------------------------------------------------
    def get_signature_list(self) -> dict:
        return {
            s.key: {"inputs": sorted(s.inputs), "outputs": sorted(s.outputs)}
            for s in self._model.signatures
        }

    def get_signature_runner(self, signature_key: str | None = None) -> SignatureRunner:
        sigs = self._model.signatures
        if signature_key is None:
            if len(sigs) != 1:
                raise ValueError(
                    f"SignatureDef signature_key is None and model has {len(sigs)} Signatures. "
                    "None is only allowed when the model has 1 SignatureDef"
                )
            return SignatureRunner(self, sigs[0])
        for s in sigs:
            if s.key == signature_key:
                return SignatureRunner(self, s)
        raise ValueError(f"SignatureDef signature_key is invalid: '{signature_key}'")


class SignatureRunner:
    """Calls a model by its signature's names: ``runner(x=...)`` -> ``{output name: array}``."""

    def __init__(self, interpreter: Interpreter, signature: Any):
        if signature.subgraph != 0:
            raise ValueError(
                f"signature '{signature.key}' runs subgraph {signature.subgraph}: tflite_core's "
                "interpreter runs subgraph 0"
            )
        self._it, self._sig = interpreter, signature

    def __call__(self, **kwargs: Any) -> dict:
        it, sig = self._it, self._sig
        if len(kwargs) != len(sig.inputs):
            raise ValueError(
                f"Invalid number of inputs provided for running a SignatureDef, expected "
                f"{len(sig.inputs)} vs provided {len(kwargs)}"
            )
        for name in kwargs:
            if name not in sig.inputs:
                raise ValueError(f"Invalid Input name ({name}) for SignatureDef")
        for name, value in kwargs.items():
            shape = list(np.shape(value))
            if shape != it._shape_of(sig.inputs[name]):
                it.resize_tensor_input(sig.inputs[name], shape)
        if not it._ready:
            it.allocate_tensors()
        for name, value in kwargs.items():
            it.set_tensor(sig.inputs[name], np.asarray(value))
        it.invoke()
        return {name: it.get_tensor(i) for name, i in sig.outputs.items()}

    def get_input_details(self) -> dict:
        return {n: self._it._detail(i) for n, i in self._sig.inputs.items()}

    def get_output_details(self) -> dict:
        return {n: self._it._detail(i) for n, i in self._sig.outputs.items()}
