"""tflite_core.horovod on MPI, side by side with bare mpi4py and with one rank.

- **allreduce**: the allreduce of 8 bytes, 64 KiB, 1 MiB and ``--mb`` MB (default 25) of
  float32 between 2 ranks: ``hvd.allreduce`` of a variable run as a ``Session.run`` target,
  against a bare mpi4py ``comm.Allreduce(send, recv)`` of the same buffers, interleaved in one
  job; the figure is the median per call and the bus bandwidth ``2 (n-1)/n * bytes / time``;
  an alpha-beta fit (latency from 8 bytes, bandwidth from the largest) for docs/distributed.md.
- **training**: samples per second of a training step (``DistributedOptimizer`` over SGD, the
  batch fed) at 1 rank x 1 thread and at 2 ranks x 1 thread, each rank taking ``--batch``
  examples per step (256 and 1024): an MLP 784-512-512-10 and a digits-sized CNN (conv 5x5x32
  -> pool -> conv 5x5x64 -> pool -> dense 256 -> 10 on 28x28x1). The scaling is samples/s of
  2 ranks / samples/s of 1; beside it, the same 2 processes training apart (no allreduce): what
  the machine gives two processes (its memory bandwidth and shared cache), the scaling's ceiling.

Each job is launched here with ``mpiexec -n N`` (the mpich wheel of ``pip install
'tflite_core[mpi]'``); the ranks start together and rank 0 reports. Values are checked: the
allreduce's result against NumPy's sum; the 2-rank training's parameters are equal on both ranks.

Run: ``python benchmarks/bench_horovod.py [--quick]``.
Targets: the hvd allreduce reaches >= 0.9x the bandwidth of bare mpi4py; 2 ranks x 1 thread train
>= 1.8x the samples/s of 1 rank x 1 thread (MLP and CNN).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time


def _options(p):
    p.add_argument("--mb", type=float, default=25.0, help="allreduce size in MB")
    p.add_argument(
        "--batch", default="256,1024", help="examples per rank per step (comma-separated)"
    )
    p.add_argument("--steps", type=int, default=30, help="timed training steps")
    p.add_argument("--worker", default=None, help="(internal: the scenario a rank runs)")


def _fail(msg: str):
    raise AssertionError(msg)


if "--worker" in sys.argv:  # a rank of a job this script launched
    import numpy as np

    import tflite_core as tf
    import tflite_core.horovod as hvd

    def _median(xs):
        return float(np.median(xs))

    def allreduce_worker(sizes: list, reps: int) -> dict:
        from mpi4py import MPI

        comm = MPI.COMM_WORLD
        rows, ok = [], True
        for nbytes in sizes:
            n = max(1, int(nbytes) // 4)
            data = np.random.RandomState(hvd.rank()).rand(n).astype(np.float32)
            with tf.Graph().as_default():
                v = tf.Variable(data, name="big")
                y = hvd.allreduce(v, op=hvd.Sum)
                recv = np.empty_like(data)
                times: dict = {"hvd": [], "mpi4py": []}
                with tf.Session() as sess:
                    sess.run(v.initializer)
                    got = sess.run(y)
                    want = comm.allreduce(data.astype(np.float64).sum())
                    ok &= bool(abs(float(got.astype(np.float64).sum()) - want) <= 1e-4 * want)
                    for _ in range(3):
                        sess.run(y.op)
                        comm.Allreduce(data, recv)
                    for _ in range(reps):
                        for name in ("hvd", "mpi4py"):
                            comm.Barrier()
                            t = time.perf_counter()
                            if name == "hvd":
                                sess.run(y.op)
                            else:
                                comm.Allreduce(data, recv)
                            times[name].append(time.perf_counter() - t)
            rows.append({"bytes": n * 4, **{k: _median(v) for k, v in times.items()}})
        return {"rows": rows, "ok": ok}

    def build(model: str):
        if model == "mlp":
            x = tf.placeholder(tf.float32, [None, 784])
            h = tf.layers.dense(x, 512, activation=tf.nn.relu)
            h = tf.layers.dense(h, 512, activation=tf.nn.relu)
            logits = tf.layers.dense(h, 10)
        else:
            x = tf.placeholder(tf.float32, [None, 28, 28, 1])
            h = tf.layers.conv2d(x, 32, 5, padding="same", activation=tf.nn.relu)
            h = tf.layers.max_pooling2d(h, 2, 2)
            h = tf.layers.conv2d(h, 64, 5, padding="same", activation=tf.nn.relu)
            h = tf.layers.max_pooling2d(h, 2, 2)
            h = tf.layers.dense(tf.layers.flatten(h), 256, activation=tf.nn.relu)
            logits = tf.layers.dense(h, 10)
        y = tf.placeholder(tf.int64, [None])
        loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
        return x, y, loss

    def training_worker(model: str, batch: int, steps: int, allreduce: bool = True) -> dict:
        tf.set_num_threads(1)
        tf.set_random_seed(1)
        x, y, loss = build(model)
        opt = tf.train.GradientDescentOptimizer(0.01)
        if allreduce:  # (without: the ranks train apart, the machine's ceiling for 2 processes)
            opt = hvd.DistributedOptimizer(opt)
        train = opt.minimize(loss)
        rs = np.random.RandomState(hvd.rank())
        shape = (batch, 784) if model == "mlp" else (batch, 28, 28, 1)
        bx = rs.rand(*shape).astype(np.float32)
        by = rs.randint(0, 10, batch)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(hvd.broadcast_global_variables(0))
            for _ in range(5):
                sess.run(train, {x: bx, y: by})
            hvd.allgather_object(0)  # (start the timed steps together)
            t = time.perf_counter()
            for _ in range(steps):
                sess.run(train, {x: bx, y: by})
            dt = time.perf_counter() - t
            w = sess.run(tf.trainable_variables()[0])
        sums = hvd.allgather_object(float(w.astype(np.float64).sum()))
        equal = len(set(sums)) == 1 or not allreduce
        return {"samples_per_s": hvd.size() * batch * steps / dt, "equal": equal}

    def _main():
        i = sys.argv.index("--worker")
        scenario, params = sys.argv[i + 1], json.loads(sys.argv[i + 2])
        hvd.init()
        if scenario == "allreduce":
            out = allreduce_worker(**params)
        else:
            out = training_worker(scenario, **params)
        if hvd.rank() == 0:
            print("RESULT " + json.dumps(out), flush=True)

    _main()
    sys.exit(0)


import common

ARGS = common.setup(__doc__, extra=_options)


def launch(n: int, scenario: str, params: dict) -> dict:
    mpiexec = shutil.which("mpiexec")
    if mpiexec is None:
        sys.exit("mpiexec not found: pip install 'tflite_core[mpi]'")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
    cmd = [
        mpiexec,
        "-n",
        str(n),
        sys.executable,
        __file__,
        "--worker",
        scenario,
        json.dumps(params),
    ]
    with tempfile.TemporaryDirectory() as d:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=d, env=env, timeout=900)
    if p.returncode != 0:
        sys.exit(f"{scenario} on {n} ranks failed:\n{p.stdout}\n{p.stderr}")
    line = next(ln for ln in p.stdout.splitlines() if ln.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def main() -> int:
    import tflite_core

    common.header(
        "tflite_core.horovod on MPI (mpich), 2 ranks", {"tflite_core": tflite_core.__version__}
    )
    quick = ARGS.quick
    mb = 4.0 if quick else ARGS.mb
    sizes = [8, 64 * 1024, 1024 * 1024, int(mb * 1e6)]
    ar = launch(2, "allreduce", {"sizes": sizes, "reps": 5 if quick else 30})
    if not ar["ok"]:
        common.check("tflite_core", "allreduce", lambda: _fail("the sum differs from NumPy's"))
    common.note("")
    common.note("| allreduce, float32, 2 ranks | hvd.allreduce (Session.run) | mpi4py Allreduce |")
    common.note("|---|---|---|")
    for row in ar["rows"]:
        bus = [row["bytes"] / row[k] / 1e9 for k in ("hvd", "mpi4py")]  # 2 (p-1)/p = 1 at p=2
        common.note(
            f"| {row['bytes']:,} bytes | {row['hvd'] * 1e6:.1f} us, {bus[0]:.2f} GB/s "
            f"| {row['mpi4py'] * 1e6:.1f} us, {bus[1]:.2f} GB/s |"
        )
    small, big = ar["rows"][0], ar["rows"][-1]
    for k, who in (("hvd", "hvd.allreduce"), ("mpi4py", "mpi4py")):
        alpha = small[k]
        beta = (big[k] - alpha) / big["bytes"]  # (2 (p-1)/p = 1 byte moved per byte at p=2)
        common.note(
            f"- alpha-beta fit, {who}: alpha {alpha * 1e6:.1f} us, 1/beta {1 / beta / 1e9:.2f} GB/s"
        )
    ar = big
    ratio = ar["mpi4py"] / ar["hvd"]
    common.note("")
    steps = 5 if quick else ARGS.steps
    batches = [int(b) for b in ARGS.batch.split(",")]
    rows = []
    scaling = {}
    for model in ("mlp", "cnn"):
        for batch in batches:
            one = launch(1, model, {"batch": batch, "steps": steps})
            two = launch(2, model, {"batch": batch, "steps": steps})
            apart = launch(2, model, {"batch": batch, "steps": steps, "allreduce": False})
            if not two["equal"]:
                common.check("tflite_core", model, lambda: _fail("the ranks' parameters differ"))
            scale = two["samples_per_s"] / one["samples_per_s"]
            scaling[(model, batch)] = scale
            ceiling = apart["samples_per_s"] / one["samples_per_s"]
            rows.append(
                f"| {model} | {batch} | {one['samples_per_s']:.0f} "
                f"| {two['samples_per_s']:.0f} | {scale:.2f}x | {ceiling:.2f}x |"
            )
    common.note(
        "| training | batch per rank | 1 rank x 1 thread, samples/s "
        "| 2 ranks x 1 thread, samples/s | scaling | 2 processes apart (no allreduce) |"
    )
    common.note("|---|---|---|---|---|---|")
    for r in rows:
        common.note(r)
    common.note("")
    common.target("hvd allreduce bandwidth / bare mpi4py's", ratio, 0.9, at_most=False)
    for (model, batch), sc in scaling.items():
        common.target(f"{model} (batch {batch}) samples/s, 2 ranks / 1 rank", sc, 1.8, False)
    return common.finish()


if __name__ == "__main__":
    sys.exit(main())
