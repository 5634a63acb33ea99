"""Peak memory of a training step, side by side: tflite_core and TF compat.v1, each in a process
of its own.

The steps are the speed benchmarks' graphs, built from the same code with each library:
``bench_conv``'s convolution forward+backward, ``bench_lstm``'s ``dynamic_rnn`` forward+backward
and ``bench_mlp``'s train step. A child process imports one library, builds the graph, creates
the session and initialises the variables; then it resets the kernel's peak-RSS mark
(``/proc/self/clear_refs``), runs the step ``--steps`` times (the first run compiles, as a
program's first step does) and reports the peak RSS (``VmHWM``) minus the RSS before the first
run: the memory the step costs beyond the graph and its variables. tflite_core's figure holds its
plan's buffers (allocated when the plan compiles, kept for the next run); TF's, its allocator's
pools.

Run: ``python benchmarks/bench_memory.py [--steps 5]``.
Target: tflite_core's increase <= TF's for every step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import common

CASES = ("conv forward+backward", "LSTM forward+backward", "MLP train step")
LIBS = ("tflite_core", "TF compat.v1")


def _options(p):
    p.add_argument("--steps", type=int, default=5, help="step runs measured (the first compiles)")
    p.add_argument("--child", nargs=2, default=None, help="(internal: case and library to run)")


def _status_kb(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"/proc/self/status has no {field}")


def _step(case: str, lib: str, threads: int):
    """The step's callable, built with library ``lib`` (imports the benchmark it comes from)."""
    sys.argv = [sys.argv[0], "--threads", str(threads)]  # (for the benchmark's own setup)
    if lib == "tflite_core":
        import tflite_core as tfm

        tfm.set_num_threads(threads)
        config = tfm.ConfigProto(intra_op_parallelism_threads=threads)
    else:
        import tensorflow as tf

        tf.get_logger().setLevel("ERROR")
        tfm = tf.compat.v1
        config = tfm.ConfigProto(
            intra_op_parallelism_threads=threads, inter_op_parallelism_threads=threads
        )
    if case == "conv forward+backward":
        import bench_conv

        return bench_conv.graph_impl(lib, "", tfm, config).fwd_bwd
    if case == "LSTM forward+backward":
        import bench_lstm

        return bench_lstm.graph_impl(lib, "", tfm, config, dynamic=True)[3]
    import bench_mlp

    impl = bench_mlp.graph_impl(lib, "", tfm, config)
    return lambda: impl.train(bench_mlp.X, bench_mlp.Y)


def child(case: str, lib: str, steps: int, threads: int) -> None:
    run = _step(case, lib, threads)
    before = _status_kb("VmRSS")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    for _ in range(steps):
        run()
    peak = _status_kb("VmHWM")
    print(json.dumps({"before_mb": before / 1024, "increase_mb": (peak - before) / 1024}))


def main() -> int:
    args = common.setup(__doc__, extra=_options)
    if args.child:
        child(*args.child, args.steps, args.threads)
        return 0
    import tflite_core

    common.header(
        f"peak RSS increase of a training step ({args.steps} runs, the first compiling)",
        common.versions(tflite_core.__version__),
    )
    here = os.path.dirname(os.path.abspath(__file__))
    rows: dict = {}
    for case in CASES:
        for lib in LIBS:
            if lib != "tflite_core" and not common.wanted(lib):
                continue
            cmd = [sys.executable, os.path.join(here, "bench_memory.py"), "--child", case, lib]
            cmd += ["--steps", str(args.steps), "--threads", str(args.threads)]
            out = subprocess.run(cmd, capture_output=True, text=True, cwd=here)
            if out.returncode != 0:
                common.skip(f"{lib} {case}", out.stderr.strip().splitlines()[-1])
                continue
            rows[case, lib] = json.loads(out.stdout.strip().splitlines()[-1])
    common.note("")
    common.note("| step | " + " | ".join(f"{lib}: RSS increase (MB)" for lib in LIBS) + " |")
    common.note("|---|" + "---|" * len(LIBS))
    for case in CASES:
        cells = []
        for lib in LIBS:
            r = rows.get((case, lib))
            cells.append("-" if r is None else f"{r['increase_mb']:.1f}")
        common.note(f"| {case} | " + " | ".join(cells) + " |")
    common.note("")
    for case in CASES:
        ours, theirs = rows.get((case, "tflite_core")), rows.get((case, "TF compat.v1"))
        if ours and theirs:
            ratio = ours["increase_mb"] / max(theirs["increase_mb"], 1e-9)
            common.target(f"{case}: tflite_core's RSS increase / TF's", ratio, 1.0)
    return common.finish(checked=False)


if __name__ == "__main__":
    sys.exit(main())
