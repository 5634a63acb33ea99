"""Timing, load monitoring and reporting shared by the side-by-side benchmarks.

Only the standard library is imported here, so a benchmark can call :func:`setup` (which sets the
thread-count environment variables) before NumPy, tflite_core, TensorFlow, PyTorch or JAX load.

How one case (one implementation of one step) is timed:

- It is calibrated so that a batch of calls takes about ``--batch-ms``; then every round times one
  batch of every case, in an order that rotates from round to round (interleaved). Before each
  batch the harness sleeps until this process's threads are idle, so that a thread pool left
  spinning by the previous library (OpenBLAS's spins for ~0.1 s) does not steal a core, then makes
  untimed calls for ``--warm-ms``, so that the batch starts warm, as in a training loop: here,
  after 0.2 s idle, a 256x256 matmul's first call took 1-28 ms (thread pools and idle vCPUs waking)
  and the next ones ramped from ~2x to 1x their steady time over about 5 ms.
- Per batch the sampler records wall time, this process's CPU time ("own" cores) and the CPU time
  every other task on the machine used meanwhile ("outside" cores): per-thread run times from
  ``/proc/<pid>/task/<tid>/schedstat`` (nanoseconds) plus steal time from ``/proc/stat``; where
  those cannot be read, ``/proc/stat`` (or psutil) busy time minus ours.
- A batch with more than ``--max-outside`` outside cores is dropped. Rounds go on until every case
  has ``--min-kept`` clean batches or the budget is spent; a case that never got enough clean
  batches tops up with its least loaded ones and is marked ``noisy``.
- The figure is the median per-call time over the kept batches. The host itself may run the VM
  slower for a while (seen here: the same loop at 1x or 2x its usual time, with nothing in the
  guest's counters); interleaving keeps the ratios fair, the absolute times drift with it.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import importlib
import math
import os
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

TFLITE = "tflite_core"
REFERENCE = "reference"

_ARGS: argparse.Namespace | None = None
_SKIPPED: list[str] = []
_FAILURES: list[tuple[str, str]] = []  # (implementation, message)
_SUMMARY: list[str] = []


# ---- set-up ---------------------------------------------------------------------------------
def setup(
    description: str,
    argv: list[str] | None = None,
    extra: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """Parses the common options and pins every library's thread count through the environment.

    Must run before NumPy or any framework is imported: OpenBLAS, MKL, OpenMP, TensorFlow and XLA
    read their thread counts when they load. A second call (a benchmark importing another's
    graphs and data) returns the options the first one parsed.
    """
    global _ARGS
    if _ARGS is not None:
        return _ARGS
    p = argparse.ArgumentParser(description=description.strip().splitlines()[0])
    p.add_argument("--threads", type=int, default=2, help="threads for every library (default 2)")
    p.add_argument("--batch-ms", type=float, default=25.0, help="target duration of one batch")
    p.add_argument(
        "--warm-ms", type=float, default=10.0, help="untimed calls for this long before each batch"
    )
    p.add_argument("--min-kept", type=int, default=5, help="clean batches wanted per case")
    p.add_argument("--max-rounds", type=int, default=25, help="most rounds per measurement")
    p.add_argument("--budget-s", type=float, default=8.0, help="time budget per measurement")
    p.add_argument(
        "--max-outside",
        type=float,
        default=0.25,
        help="drop batches during which other tasks used more cores than this",
    )
    p.add_argument("--quick", action="store_true", help="shorter batches, fewer rounds (smoke run)")
    p.add_argument(
        "--only", default="", help="comma-separated substrings of implementations to run"
    )
    p.add_argument("--summary", default="", help="append the markdown summary to this file")
    if extra is not None:
        extra(p)
    args = p.parse_args(argv)
    if args.quick:
        args.batch_ms, args.warm_ms, args.min_kept, args.max_rounds, args.budget_s = (
            5.0,
            5.0,
            2,
            4,
            2.0,
        )
    n = str(args.threads)
    for var in (
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "TF_NUM_INTRAOP_THREADS",
        "TF_NUM_INTEROP_THREADS",
    ):
        os.environ[var] = n
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if args.threads == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = (
            flags + " --xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        ).strip()
    _ARGS = args
    return args


def args() -> argparse.Namespace:
    if _ARGS is None:
        raise RuntimeError("call common.setup() first")
    return _ARGS


def wanted(impl: str) -> bool:
    """Whether ``--only`` selects this implementation (tflite_core rows always run)."""
    only = [s.strip() for s in args().only.split(",") if s.strip()]
    return not only or impl.startswith(TFLITE) or any(s in impl for s in only)


def optional_import(name: str):
    """Imports an optional comparison library; returns None (and records why) when absent."""
    try:
        return importlib.import_module(name)
    except Exception as e:
        _SKIPPED.append(f"{name} ({type(e).__name__}: {str(e).splitlines()[0][:80]})")
        return None


def skip(what: str, why: str) -> None:
    _SKIPPED.append(f"{what} ({why})")


# ---- CPU load sampling ----------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _proc_stat() -> tuple[int, int] | None:
    """(busy ticks, steal ticks) over all CPUs from /proc/stat, or None."""
    try:
        with open("/proc/stat", "rb") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal [guest guest_nice: included in user/nice]
    busy = v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    return busy, (v[7] if len(v) > 7 else 0)


def _others_ns(me: int) -> dict[int, int] | None:
    """Run time (ns) of every thread of every other process, keyed by thread id, or None."""
    out: dict[int, int] = {}
    try:
        pids = os.listdir("/proc")
    except OSError:
        return None
    for p in pids:
        if not p.isdigit() or int(p) == me:
            continue
        try:
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/schedstat", "rb") as f:
                    out[int(t)] = int(f.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return out or None


@dataclass
class Sample:
    wall: float
    own: float
    stat: tuple[int, int] | None
    others: dict[int, int] | None


class LoadSampler:
    """Measures the cores this process and everything else used between two samples."""

    def __init__(self) -> None:
        self.me = os.getpid()
        self.precise = _others_ns(self.me) is not None
        self.psutil = None
        if _proc_stat() is None:
            try:
                import psutil

                self.psutil = psutil
            except ImportError:
                pass

    def sample(self) -> Sample:
        return Sample(
            time.perf_counter(),
            time.process_time(),
            _proc_stat() if self.psutil is None else self._psutil_stat(),
            _others_ns(self.me) if self.precise else None,
        )

    def _psutil_stat(self):
        c = self.psutil.cpu_times()
        busy = sum(c) - c.idle - getattr(c, "iowait", 0.0)
        return int(busy * _TICK), int(getattr(c, "steal", 0.0) * _TICK)

    @staticmethod
    def outside_cores(a: Sample, b: Sample) -> float:
        """Cores used by other tasks between samples ``a`` and ``b`` (NaN when unknown)."""
        dt = b.wall - a.wall
        if dt <= 0:
            return float("nan")
        if a.others is not None and b.others is not None:
            ns = sum(v - a.others.get(t, 0) for t, v in b.others.items())
            steal = (b.stat[1] - a.stat[1]) / _TICK if a.stat and b.stat else 0.0
            return max(0.0, ns * 1e-9 / dt + steal / dt)
        if a.stat is not None and b.stat is not None:
            busy = (b.stat[0] - a.stat[0]) / _TICK
            return max(0.0, (busy - (b.own - a.own)) / dt)
        return float("nan")


# ---- measurement ----------------------------------------------------------------------------
@dataclass
class Batch:
    per_call: float  # seconds per call
    outside: float  # cores used by other tasks
    own: float  # cores used by this process

    def clean(self) -> bool:
        return self.outside <= args().max_outside


@dataclass
class Case:
    """One implementation of one step: ``fn()`` is called repeatedly."""

    impl: str
    step: str
    fn: Callable[[], Any]
    kind: str = REFERENCE  # TFLITE for tflite_core rows
    calls: int = 0
    batches: list = field(default_factory=list)  # every timed Batch
    kept: list = field(default_factory=list)  # the Batches the figure comes from
    clean: int = 0  # batches with low outside load
    error: str = ""

    @property
    def median(self) -> float:
        return statistics.median(b.per_call for b in self.kept) if self.kept else float("nan")

    @property
    def noisy(self) -> bool:
        return self.clean < args().min_kept

    def classify(self) -> None:
        """Keeps the clean batches; tops up with the least disturbed ones when too few."""
        good = [b for b in self.batches if b.clean()]
        self.clean = len(good)
        if len(good) < args().min_kept:
            rest = sorted((b for b in self.batches if not b.clean()), key=lambda b: b.outside)
            good += rest[: args().min_kept - len(good)]
        self.kept = good


def _calibrate(case: Case, batch_s: float) -> None:
    case.fn()  # first call: compiles, traces, allocates
    t_end = time.perf_counter() + min(0.2, 4 * batch_s)
    while time.perf_counter() < t_end:
        case.fn()
    n = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(n):
            case.fn()
        dt = time.perf_counter() - t0
        if dt >= batch_s / 4 or n >= 1 << 20:
            break
        n *= 2
    case.calls = max(1, min(1 << 20, round(n * batch_s / max(dt, 1e-9))))


def settle(max_s: float = 0.5, step_s: float = 0.01) -> float:
    """Sleeps until this process's own threads are idle (thread pools stop spinning) or
    ``max_s`` has passed; returns the seconds waited. OpenBLAS workers, for one, spin for about
    0.1 s after a call, and would steal a core from the next library's batch. The window is 10 ms
    because another thread's CPU time is only brought up to date at scheduler ticks."""
    t_start = time.perf_counter()
    while True:
        c0, t0 = time.process_time(), time.perf_counter()
        time.sleep(step_s)
        busy = (time.process_time() - c0) / (time.perf_counter() - t0)
        if busy < 0.1 or time.perf_counter() - t_start > max_s:
            return time.perf_counter() - t_start


def measure(cases: list[Case]) -> list[Case]:
    """Times ``cases`` in interleaved batches (see the module docstring); returns them filled."""
    a = args()
    batch_s = a.batch_ms / 1000
    sampler = LoadSampler()
    live = []
    for c in cases:
        try:
            _calibrate(c, batch_s)
            live.append(c)
        except Exception as e:
            c.error = f"{type(e).__name__}: {str(e).splitlines()[0][:100] if str(e) else ''}"
            _FAILURES.append((c.impl, f"{c.step}: {c.error}"))
    t_start = time.perf_counter()
    rounds = 0
    while live:
        for i in range(len(live)):
            c = live[(i + rounds) % len(live)]
            settle()
            gc_was = gc.isenabled()
            gc.disable()
            s0 = sampler.sample()
            warm_until = time.perf_counter() + a.warm_ms / 1000
            c.fn()  # untimed: wakes this library's threads, the vCPUs and the clock after settle
            while time.perf_counter() < warm_until:
                c.fn()
            own0 = time.process_time()
            t0 = time.perf_counter()
            for _ in range(c.calls):
                c.fn()
            t1 = time.perf_counter()
            own1 = time.process_time()
            s1 = sampler.sample()
            if gc_was:
                gc.enable()
            c.batches.append(
                Batch(
                    (t1 - t0) / c.calls,
                    sampler.outside_cores(s0, s1),
                    (own1 - own0) / max(t1 - t0, 1e-12),
                )
            )
        rounds += 1
        done = all(sum(b.clean() for b in c.batches) >= a.min_kept for c in live)
        over = rounds >= a.max_rounds or (
            time.perf_counter() - t_start > a.budget_s and rounds >= 2
        )
        if done or over:
            break
    for c in live:
        c.classify()
    return cases


# ---- correctness ----------------------------------------------------------------------------
@dataclass
class Impl:
    """One implementation of a network, as callables on NumPy inputs."""

    name: str
    kind: str
    train: Callable  # (x, y) -> anything; one SGD step
    train_loss: Callable  # (x, y) -> loss; one SGD step, loss fetched
    infer: Callable  # (x) -> softmax probabilities
    params: Callable  # () -> list of parameter arrays, in the reference's order


def verify_train(
    impl: Impl,
    reference: Callable,
    x,
    y,
    x_infer,
    names: list[str],
    rtol: float = 1e-4,
    update_rtol: float = 1e-3,
) -> None:
    """One step of ``impl`` on ``(x, y)`` from its current weights against a float64 reference.

    ``reference(params, x, y)`` returns (loss, params after the step, softmax of x). Checks the
    loss, each parameter's update (new - old) and then the softmax of ``x_infer``.
    """
    import numpy as np

    before = [np.array(p, np.float64) for p in impl.params()]
    want_loss, want_after, _ = reference(before, x, y)
    got_loss = float(np.asarray(impl.train_loss(x, y)).reshape(-1)[0])
    np.testing.assert_allclose(got_loss, want_loss, rtol=rtol, atol=1e-6, err_msg="loss")
    after = impl.params()
    for n, b0, a, wa in zip(names, before, after, want_after):
        want_delta, got_delta = wa - b0, np.asarray(a, np.float64) - b0
        if not np.abs(want_delta).max() > 0:
            raise AssertionError(f"the check step does not move {n}: choose other check data")
        np.testing.assert_allclose(
            got_delta,
            want_delta,
            rtol=update_rtol,
            atol=update_rtol * np.abs(want_delta).max(),
            err_msg=f"update of {n}",
        )
    _, _, want_p = reference(after, x_infer, None)
    np.testing.assert_allclose(impl.infer(x_infer), want_p, rtol=rtol, atol=1e-6, err_msg="softmax")


def check(impl: str, what: str, fn: Callable[[], None]) -> bool:
    """Runs a correctness check; a failure is reported and makes the benchmark exit non-zero."""
    try:
        fn()
        return True
    except Exception as e:
        msg = " ".join(str(e).split())[:300]
        _FAILURES.append((impl, f"{what} WRONG: {type(e).__name__}: {msg}"))
        return False


def failed_impls() -> set[str]:
    return {impl for impl, _ in _FAILURES}


# ---- reporting ------------------------------------------------------------------------------
def _fmt(v: float) -> str:
    if math.isnan(v):
        return "-"
    return f"{v:.3g}" if v < 100 else f"{v:.0f}"


def _mean(xs) -> float:
    return statistics.fmean(xs) if xs else float("nan")


def versions(tflite_core: str) -> dict[str, str]:
    """tflite_core's version line, then the version of each library loaded in this process."""
    found = {m: sys.modules[m].__version__ for m in ("numpy", "tensorflow", "torch", "jax")
             if m in sys.modules}  # fmt: skip
    return {"tflite_core": tflite_core, **found}


def cpu_name() -> str:
    """The CPU as /proc/cpuinfo names it, with its family and model numbers and the vector ISA
    the kernels can use (AVX-512 with BF16, AVX2, ...): the figures depend on all three."""
    try:
        with open("/proc/cpuinfo") as f:
            info = f.read()
    except OSError:
        return platform.processor() or platform.machine()
    fields: dict[str, str] = {}
    for line in info.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() not in fields:
            fields[key.strip()] = value.strip()
    flags = set(fields.get("flags", "").split())
    isa = [
        name
        for name, flag in (
            ("AVX-512", "avx512f"),
            ("AVX512-BF16", "avx512_bf16"),
            ("AMX", "amx_tile"),
            ("AVX2+FMA", "fma"),
        )
        if flag in flags
    ]
    if "AVX-512" in isa:
        isa.remove("AVX2+FMA")
    return (
        f"{fields.get('model name', platform.machine())} (family {fields.get('cpu family', '?')} "
        f"model {fields.get('model', '?')}; {', '.join(isa) or 'no AVX2'})"
    )


def header(title: str, versions: dict[str, str]) -> None:
    a = args()
    model = cpu_name()
    lines = [
        f"## {title}",
        "",
        f"{datetime.date.today().isoformat()}; {model}, {os.cpu_count()} cores; "
        f"Python {platform.python_version()}; threads per library: {a.threads}; "
        + ", ".join(f"{k} {v}" for k, v in versions.items()),
        "",
    ]
    print("\n".join(lines))
    _SUMMARY.extend(lines)


def report(
    cases: list[Case],
    baseline: dict[str, str],
    unit: str = "us",
    value: Callable[[Case], float] | None = None,
    value_name: str = "",
    detail: bool = True,
) -> None:
    """Prints a per-case table and a matrix (rows: implementations, columns: steps).

    ``baseline`` maps a step to the tflite_core implementation the ratios are taken against:
    ratio = time(row) / time(baseline), so a ratio above 1 means tflite_core is that much faster.
    ``value`` (e.g. GFLOP/s) replaces the time in the matrix when given.
    """
    scale = {"us": 1e6, "ms": 1e3, "s": 1.0}[unit]
    by = {(c.impl, c.step): c for c in cases}
    steps = list(dict.fromkeys(c.step for c in cases))
    impls = list(dict.fromkeys(c.impl for c in cases))
    wrong = failed_impls()

    def ratio(c: Case) -> float:
        b = by.get((baseline.get(c.step, ""), c.step))
        return c.median / b.median if b and b.kept and c.kept else float("nan")

    if detail:
        print(
            f"| implementation | kind | step | {unit}/call | x tflite_core time | own cores | "
            "outside cores | clean batches | calls/batch |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for c in cases:
            if c.error:
                print(f"| {c.impl} | {c.kind} | {c.step} | failed: {c.error} | | | | | |")
                continue
            k = c.kept
            print(
                f"| {c.impl} | {c.kind} | {c.step} | {_fmt(c.median * scale)} | "
                f"{_fmt(ratio(c))} | {_fmt(_mean([b.own for b in k]))} | "
                f"{_fmt(_mean([b.outside for b in k]))} | "
                f"{c.clean}/{len(c.batches)}{' noisy' if c.noisy else ''} | {c.calls} |"
            )
        print()
    col = value_name or f"{unit}/call"
    lines = [
        "| implementation | kind | " + " | ".join(f"{s} ({col})" for s in steps) + " |",
        "|---|---|" + "---|" * len(steps),
    ]
    for impl in impls:
        cells = []
        kind = next(c.kind for c in cases if c.impl == impl)
        for s in steps:
            c = by.get((impl, s))
            if c is None:
                cells.append("")
            elif c.error or not c.kept:
                cells.append("failed")
            else:
                v = value(c) if value else c.median * scale
                r = ratio(c)
                cell = _fmt(v) + (
                    "" if baseline.get(s) == impl or math.isnan(r) else f" ({r:.2f}x)"
                )
                cells.append(
                    cell + (" WRONG" if impl in wrong else "") + (" noisy" if c.noisy else "")
                )
        lines.append(f"| {impl} | {kind} | " + " | ".join(cells) + " |")
    base = ", ".join(sorted(set(baseline.values())))
    kept = [b for c in cases for b in c.kept]
    lines += [
        "",
        (
            f"(x) = time of the row / time of the tflite_core row for that step ({base}): "
            "above 1, tflite_core is faster. `noisy`: fewer than "
            f"{args().min_kept} clean batches."
        ),
        (
            f"Kept batches: outside load {_fmt(_mean([b.outside for b in kept]))} cores on "
            f"average; {sum(c.noisy for c in cases)} of {len(cases)} cases noisy."
        ),
        "",
    ]
    print("\n".join(lines))
    _SUMMARY.extend(lines)


_PEAKS: dict[int, tuple[float, int, str]] = {}


def fp32_peak(threads: int) -> tuple[float, int, str]:
    """(GFLOP/s, threads, isa): this machine's float32 FMA peak at ``threads`` threads, measured
    once per process by tflite_core's probe (``_core.fma_peak``: independent FMA chains in
    registers, the best of 3 rounds of 0.2 s)."""
    if threads not in _PEAKS:
        from tflite_core import _core

        _PEAKS[threads] = tuple(_core.fma_peak(threads, 0.2, 3))  # type: ignore[assignment]
    return _PEAKS[threads]


def peak_fraction(what: str, gflops: float) -> None:
    """Notes ``gflops`` (a matmul-bound row's rate) as a fraction of the measured fp32 peak at
    the run's thread count."""
    peak, threads, isa = fp32_peak(args().threads)
    note(
        f"- {what}: {gflops:.0f} GFLOP/s = {100 * gflops / peak:.0f}% of this machine's measured "
        f"float32 peak ({peak:.0f} GFLOP/s, {threads} thread{'s' if threads > 1 else ''}, {isa})"
    )


def note(line: str) -> None:
    """Prints a line and adds it to the markdown summary."""
    print(line)
    _SUMMARY.append(line)


def target(text: str, got: float, limit: float, at_most: bool = True) -> bool:
    """Prints and records one target line, e.g. ``tflite_core train step <= 10 us``."""
    ok = (got <= limit if at_most else got >= limit) and not math.isnan(got)
    line = f"- target {text}: {_fmt(got)} -> {'met' if ok else 'MISSED'}"
    print(line)
    _SUMMARY.append(line)
    return ok


def finish(checked: bool = True) -> int:
    """Prints skipped libraries and correctness failures, writes the summary; returns exit code.
    ``checked``: whether the benchmark checked values (else it says so)."""
    tail = [""]
    if _SKIPPED:
        tail.append("- skipped: " + "; ".join(_SKIPPED))
    for impl, msg in _FAILURES:
        tail.append(f"- FAILED: {impl}: {msg}")
    if not checked:
        tail.append("- values: not checked here (the speed benchmarks check these steps)")
    elif not _FAILURES:
        tail.append("- correctness: every implementation's results matched the NumPy reference")
    tail.append("")
    print("\n".join(tail))
    _SUMMARY.extend(tail)
    if args().summary:
        with open(args().summary, "a") as f:
            f.write("\n".join(_SUMMARY) + "\n")
    sys.stdout.flush()
    return 1 if _FAILURES else 0


def graph_libraries(threads: int, tflite_core) -> list[tuple[str, str, Any, Any]]:
    """``(label, kind, module, config)`` of the graph-mode libraries at ``threads`` threads:
    tflite_core, and TF's ``compat.v1`` where TF is installed and wanted (``--only``)."""
    tflite_core.set_num_threads(threads)
    config = tflite_core.ConfigProto(intra_op_parallelism_threads=threads)
    out = [("tflite_core", TFLITE, tflite_core, config)]
    tf = optional_import("tensorflow")
    if tf is not None and wanted("TF compat.v1"):
        tf.get_logger().setLevel("ERROR")
        cfg = tf.compat.v1.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
        out.append(("TF compat.v1", REFERENCE, tf.compat.v1, cfg))
    return out


def standard_impls(
    threads, tflite_core, graph_impl, torch_impl, jax_impl, numpy_impl, tf_extra=None
):
    """The implementations every benchmark compares, in table order: tflite_core, TF compat.v1
    (plus ``tf_extra(tf)``'s rows, e.g. TF2), PyTorch, JAX and NumPy; missing libraries and
    rows not picked with ``--only`` are left out.

    ``graph_impl(label, kind, tf_module, config)`` builds a TF 1.x graph-mode implementation,
    run by tflite_core and by TF's ``compat.v1`` alike; the others take their library module.
    """
    impls = [
        graph_impl(f"{label} Session.run", kind, m, config)
        for label, kind, m, config in graph_libraries(threads, tflite_core)
    ]
    tf = optional_import("tensorflow")
    if tf is not None and tf_extra is not None:
        impls.extend(tf_extra(tf))
    torch = optional_import("torch")
    if torch is not None and wanted("PyTorch"):
        torch.set_num_threads(threads)
        impls.append(torch_impl(torch))
    jax = optional_import("jax")
    if jax is not None and wanted("JAX"):
        impls.append(jax_impl(jax))
    if wanted("NumPy"):
        impls.append(numpy_impl())
    return impls


def tflite_run(interpreter, x):
    """A call that feeds ``x`` to a TFLite interpreter's first input (ours or LiteRT's,
    allocated here), invokes it and returns its first output."""
    interpreter.allocate_tensors()
    i = interpreter.get_input_details()[0]["index"]
    o = interpreter.get_output_details()[0]["index"]

    def run():
        interpreter.set_tensor(i, x)
        interpreter.invoke()
        return interpreter.get_tensor(o)

    return run


def jax_sgd_impl(jax, forward, loss_fn, params0, lr) -> Impl:
    """A JAX ``jit`` implementation: one jitted SGD step (new parameters returned, as JAX does)
    and a jitted softmax inference, from the benchmark's ``forward(ps, x)`` and
    ``loss_fn(ps, x, y)``."""
    import numpy as np

    @jax.jit
    def step(ps, x, y):
        loss, grads = jax.value_and_grad(loss_fn)(ps, x, y)
        return [p - lr * g for p, g in zip(ps, grads)], loss

    infer_jit = jax.jit(lambda ps, x: jax.nn.softmax(forward(ps, x)))
    state = [[jax.numpy.asarray(p) for p in params0]]

    def train(x, y):
        state[0], loss = step(state[0], x, y)
        jax.block_until_ready(state[0])
        return loss

    return Impl(
        "JAX jit",
        REFERENCE,
        train=train,
        train_loss=lambda x, y: float(train(x, y)),
        infer=lambda x: np.asarray(infer_jit(state[0], x)),
        params=lambda: [np.asarray(p) for p in state[0]],
    )
