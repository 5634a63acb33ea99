"""Type stub of the compiled module ``tflite_core._core`` (written from ``cpp/bindings.cc``).

Kernels and plans take NumPy arrays that are C-contiguous, aligned, of rank <= 8 and of dtype
float32, float64, int32, int64 or bool; outputs are written in place. Arguments bound without a
``py::arg`` name are positional-only here, as they are at run time. The CRC functions take any
C-contiguous buffer (NumPy's stubs make ``ndarray`` a ``Buffer`` only from Python 3.12).
"""

from collections.abc import Callable, Sequence
from typing import Any

from numpy import dtype
from numpy.typing import NDArray
from typing_extensions import Buffer

class _pybind11_type(type):
    """The metaclass of pybind11's classes (``pybind11_builtins.pybind11_type``)."""

class KernelError(RuntimeError):
    """A kernel or plan rejected its arguments (``tfl::KernelError``): ``"[op] ..."``."""

class ResourceError(MemoryError):
    """A kernel's size overflowed int64 or its work buffer was refused (``tfl::ResourceError``):
    ``"[op] ..."``, then ``" (node 'name')"`` from a plan."""

class InternalKernelError(KernelError):
    """A kernel error TF reports as INTERNAL (``tfl::InternalKernelError``): TruncateDiv and
    TruncateMod of integers by zero."""

class LiteError(ValueError):
    """The C++ runtime refused a model or a run (``tfl::lite::Error``): ``args`` is (TF's
    error class name, message)."""

class LiteInterpreter(metaclass=_pybind11_type):
    """A .tflite model's first subgraph lowered by the C++ runtime (``cpp/lite/``)."""

    def __init__(self, content: bytes) -> None: ...
    @property
    def num_inputs(self) -> int: ...
    @property
    def num_outputs(self) -> int: ...
    @property
    def num_operators(self) -> int: ...
    def input(self, i: int) -> NDArray[Any]:
        """Input ``i``'s buffer (no copy): write the input into it before :meth:`invoke`."""
    def output(self, i: int) -> NDArray[Any]:
        """Output ``i``'s buffer (no copy): the last invoke's values."""
    def invoke(self) -> None:
        """Runs the model once, without the GIL."""
    def profile(self, iters: int) -> list[tuple[str, str, float]]:
        """Runs ``iters`` times; ``(kernel, operator, mean seconds)`` for each step."""

class RunLock(metaclass=_pybind11_type):
    """A mutex shared by plans that must not run at the same time (one per Session)."""

    def __init__(self) -> None: ...

class Plan(metaclass=_pybind11_type):
    """A compiled step list over slots (NumPy buffers and feeds), run without the GIL."""

    def __init__(self) -> None: ...
    def add_buffer(self, array: NDArray[Any]) -> int:
        """A slot backed by ``array`` (kept alive by the plan, written in place); its index."""
    def add_feed(self, dtype: dtype[Any], shape: Sequence[int]) -> int:
        """A slot filled from a feed at each run; dtype and shape are fixed here."""
    def pack_groups(
        self, groups: Sequence[Sequence[int]], live: Sequence[int]
    ) -> tuple[int, list[bool]]:
        """Packs the plan's intermediate buffers into one arena (groups: the slots of each
        tenancy of a buffer; live: slots read after the run); returns the arena's bytes and
        whether each group moved into it."""
    def add_step(
        self,
        kernel: str,
        node: str,
        inputs: Sequence[int],
        outputs: Sequence[int],
        ints: Sequence[int] = ...,
        floats: Sequence[float] = ...,
    ) -> None:
        """Appends one kernel call on slots; ``node`` names it in errors and profiles."""
    def add_callback(
        self,
        node: str,
        inputs: Sequence[int],
        outputs: Sequence[int],
        fn: Callable[[list[NDArray[Any]], list[NDArray[Any]]], object],
    ) -> None:
        """Appends a step that calls ``fn(inputs, outputs)`` with the GIL taken: arrays over the
        slots' memory (inputs read-only), valid during the call; ``fn`` writes the outputs in
        place; an exception it raises ends the run and reaches the caller unchanged."""
    def set_fetches(self, slots: Sequence[int], /) -> None:
        """The slots :meth:`run` returns (copied out), in order."""
    def set_lock(self, lock: RunLock, /) -> None:
        """Runs hold ``lock`` while the steps execute."""
    def run(self, feeds: list[NDArray[Any]], /) -> list[NDArray[Any]]:
        """Binds one array per feed slot, runs every step, returns copies of the fetches."""
    def run_traced(
        self, feeds: list[NDArray[Any]]
    ) -> tuple[list[NDArray[Any]], list[tuple[str, str, int, int]]]:
        """As :meth:`run`, also ``(node, kernel, start_ns, end_ns)`` of each step (since the
        run began)."""
    def profile(self, feeds: list[NDArray[Any]], iters: int = 10) -> list[tuple[str, str, float]]:
        """Runs ``iters`` times; ``(node, kernel, seconds per run)`` for each step."""
    @property
    def num_steps(self) -> int: ...
    @property
    def steps(self) -> list[tuple[str, str]]:
        """``(node, kernel)`` of every step, in order."""

def run_kernel(
    name: str,
    inputs: list[NDArray[Any]],
    outputs: list[NDArray[Any]],
    ints: Sequence[int] = ...,
    floats: Sequence[float] = ...,
) -> None:
    """Runs one kernel on NumPy arrays; outputs are written in place."""

def kernel_names() -> list[str]: ...
def crc32c(data: Buffer | NDArray[Any], crc: int = 0) -> int:
    """CRC-32C of a contiguous buffer, continuing from `crc`."""

def masked_crc32c(data: Buffer | NDArray[Any]) -> int:
    """TensorFlow's masked CRC-32C of a contiguous buffer."""

def crc32c_mask(crc: int) -> int: ...
def crc32c_unmask(masked: int) -> int: ...
def crc32c_backend() -> str: ...
def parse_examples(
    records: NDArray[Any],
    keys: list[str],
    kinds: list[int],
    dense_sizes: list[int],
    required: list[bool],
) -> tuple[tuple[int, int, int, int, int] | None, list[tuple[Any, ...]] | None]:
    """tf.train.Example records parsed for the given features (see cpp/example_parse.h)."""

def histogram_proto(values: NDArray[Any]) -> bytes:
    """TF's HistogramProto (default buckets) of a real-number array, serialized; ValueError
    'Nan' or 'Infinity' for the first value that is not finite."""

def histogram_summary(tag: bytes, values: NDArray[Any]) -> bytes:
    """A serialized Summary holding one value: `tag` (UTF-8 bytes) and the histogram of
    `values` (histogram_proto's)."""

def histogram_bucket_limits() -> list[float]:
    """TF's default histogram bucket limits, in order."""

def set_num_threads(n: int, /) -> None:
    """Sets the thread count of every kernel pool."""

def get_num_threads() -> int:
    """The thread count set by set_num_threads."""

def effective_threads() -> int:
    """The threads kernels use now: the configured count, lowered while other processes keep
    cores busy."""

def free_cores() -> int:
    """Cores not used by other processes (last 100 ms)."""

def after_fork_in_child() -> None: ...
def matmul_backend() -> str: ...
def set_conv_backend(name: str) -> None:
    """Selects the float32 conv/pool backend: 'onednn' (where built) or 'reference'."""

def conv_backend() -> str:
    """The conv/pool backend in use."""

def set_conv_direct(on: bool) -> bool:
    """The float32 convolutions of our own (1x1, depthwise) on (True) or off, oneDNN's (tests);
    returns the previous setting."""

def conv_direct_calls() -> int:
    """How many float32 convolutions ran on our own kernels (a count)."""

def set_int8_conv_tile_bytes(bytes: int) -> int:
    """The int32 sums' tile of the int8 convolutions (tests); returns the previous size."""

def int8_conv_fallbacks() -> int:
    """int8 convolutions that ran their own loop where oneDNN had no primitive (a count)."""

def set_fpmath_mode(mode: str) -> None:
    """Sets float32 matmul/conv maths: 'strict' or 'bf16' (fpmath.h)."""

def fma_peak(threads: int, seconds: float = 0.2, repeats: int = 3) -> tuple[float, int, str]:
    """(GFLOP/s, threads, isa): the float32 FMA peak of `threads` threads, measured (peak.h)."""

def fpmath_mode() -> str:
    """The float32 matmul/conv maths mode."""

def fpmath_bf16_unavailable() -> str:
    """'' where bf16 maths is available, else why not."""

def new_constant_id() -> int:
    """A never-reused id for a constant filter (the fused conv kernels' last int)."""

compiler_version: str
"""The C++ compiler that built the module ("GCC 12.2.0", "Clang 18.1.8")."""
