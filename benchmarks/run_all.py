"""Runs every benchmark, one at a time, at each thread count; optionally refreshes README's table.

Each benchmark runs in its own process (thread counts are fixed when the libraries load), with all
of its implementations measured side by side in that process.

Run: ``python benchmarks/run_all.py [--threads 2,1] [--quick] [--update-readme]``; options it does
not know (``--budget-s 4``, ``--only torch``, ...) are passed on to every benchmark.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import common

HERE = os.path.dirname(os.path.abspath(__file__))
BENCHES = ["bench_tutorial.py", "bench_sgemm.py", "bench_mlp.py"]
README = os.path.join(HERE, "README.md")
START, END = "<!-- results:start -->", "<!-- results:end -->"


def wait_quiet(max_wait_s: float, max_outside: float) -> float:
    """Waits (up to ``max_wait_s``) for a second in which other tasks use few cores."""
    sampler = common.LoadSampler()
    t_end = time.perf_counter() + max_wait_s
    while True:
        a = sampler.sample()
        time.sleep(1.0)
        load = sampler.outside_cores(a, sampler.sample())
        if load <= max_outside or time.perf_counter() >= t_end:
            return load


def update_readme(text: str) -> None:
    with open(README) as f:
        doc = f.read()
    if START not in doc or END not in doc:
        raise SystemExit(f"{README} lacks the {START} / {END} markers")
    head, rest = doc.split(START, 1)
    tail = rest.split(END, 1)[1]
    with open(README, "w") as f:
        f.write(f"{head}{START}\n{text.strip()}\n{END}{tail}")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", default="2,1", help="thread counts to run, e.g. 2,1")
    p.add_argument("--benches", default=",".join(BENCHES), help="which benchmark files to run")
    p.add_argument(
        "--update-readme",
        action="store_true",
        help="replace the results section of benchmarks/README.md",
    )
    p.add_argument(
        "--wait-quiet-s",
        type=float,
        default=30.0,
        help="before each benchmark, wait up to this long for a quiet machine",
    )
    args, passthrough = p.parse_known_args()
    fd, summary = tempfile.mkstemp(suffix=".md")
    os.close(fd)
    rc = 0
    try:
        for bench in args.benches.split(","):
            for n in args.threads.split(","):
                load = wait_quiet(args.wait_quiet_s, 0.25)
                print(
                    f"\n===== {bench} --threads {n} (outside load before start: {load:.2f} "
                    "cores) =====",
                    flush=True,
                )
                cmd = [
                    sys.executable,
                    os.path.join(HERE, bench),
                    "--threads",
                    n,
                    "--summary",
                    summary,
                    *passthrough,
                ]
                r = subprocess.run(cmd, check=False)
                if r.returncode:
                    print(f"!!!!! {bench} --threads {n} exited with {r.returncode}", flush=True)
                    rc = 1
        with open(summary) as f:
            text = f.read()
    finally:
        os.unlink(summary)
    if args.update_readme:
        update_readme(text)
        print(f"\nupdated {README}")
    return rc


if __name__ == "__main__":
    sys.exit(main())
