"""The program ``tests/test_horovod_mpi.py`` launches with ``mpiexec -n N``: one scenario per
run (``python horovod_worker.py SCENARIO OUT_DIR``), results written by rank 0 as ``.npz`` /
``.json`` into OUT_DIR, for the test to check."""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import numpy as np

import tflite_core as tf
import tflite_core.horovod as hvd
from tflite_core.horovod import basics, shared_memory

HALF = 16  # examples per rank; one process takes the whole batch of 2 * HALF
STEPS = 20


# ---- models: (loss, feeds(batch) -> dict) built in the default graph --------------------------
def _batch(model: str, step: int, n: int):
    rs = np.random.RandomState(1000 + step)
    if model == "mlp":
        x = rs.randn(n, 10).astype(np.float32)
        y = rs.randint(0, 3, n)
        return x, y
    if model == "cnn":
        from sklearn.datasets import load_digits

        d = load_digits()
        idx = rs.randint(0, len(d.target), n)
        return (d.images[idx] / 16.0).astype(np.float32)[..., None], d.target[idx]
    ids = rs.randint(0, 40, (n, 5))  # embedding: 5 ids per example, repeats within a batch
    return ids.astype(np.int64), rs.randint(0, 2, n)


def build(model: str):
    if model == "mlp":
        x = tf.placeholder(tf.float32, [None, 10], name="x")
        h = tf.layers.dense(x, 16, activation=tf.nn.tanh)
        logits = tf.layers.dense(h, 3)
    elif model == "cnn":
        x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
        h = tf.layers.conv2d(x, 4, 3, activation=tf.nn.relu)
        h = tf.layers.max_pooling2d(h, 2, 2)
        logits = tf.layers.dense(tf.layers.flatten(h), 10)
    else:
        x = tf.placeholder(tf.int64, [None, 5], name="x")
        table = tf.get_variable("embedding", [40, 6])
        h = tf.reduce_mean(tf.nn.embedding_lookup(table, x), axis=1)
        logits = tf.layers.dense(h, 2)
    y = tf.placeholder(tf.int64, [None], name="y")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss


def make_opt(name: str):
    if name in ("sgd", "sync_sgd"):
        return tf.train.GradientDescentOptimizer(0.5)
    return tf.train.AdamOptimizer(0.05)


def train(model: str, opt_name: str, distributed: bool, seed: int) -> dict:
    """Trains STEPS steps; returns every variable's value (by name) after them."""
    g = tf.Graph()
    with g.as_default():
        tf.set_random_seed(seed)
        x, y, loss = build(model)
        opt = make_opt(opt_name)
        step = tf.train.get_or_create_global_step()
        if distributed and opt_name == "sync_sgd":  # TF's synchronous replicas: the ranks
            opt = tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=hvd.size())
        elif distributed:
            opt = hvd.DistributedOptimizer(opt)
        train_op = opt.minimize(loss, global_step=step)
        init = tf.global_variables_initializer()
        bcast = hvd.broadcast_global_variables(0) if distributed else None
        with tf.Session() as sess:
            sess.run(init)
            out = {}
            if distributed:
                first = sess.run(tf.trainable_variables()[0])
                out["differed_before"] = (
                    len({float(v) for v in hvd.allgather_object(first.sum())}) > 1
                )
                sess.run(bcast)
                after = sess.run(tf.trainable_variables()[0])
                out["equal_after"] = len({float(v) for v in hvd.allgather_object(after.sum())}) == 1
            for step in range(STEPS):
                bx, by = _batch(model, step, 2 * HALF)
                if distributed:  # this rank's half of the global batch
                    r = hvd.rank()
                    bx, by = bx[r * HALF : (r + 1) * HALF], by[r * HALF : (r + 1) * HALF]
                sess.run(train_op, {x: bx, y: by})
            out["vars"] = {v.op.name: sess.run(v) for v in tf.global_variables()}
        out["collectives"] = sorted({op.type for op in g.get_operations() if "Horovod" in op.type})
    return out


def equivalence(out_dir: str) -> None:
    results = {}
    flags = {}
    runs = [(m, o) for m in ("mlp", "cnn", "embedding") for o in ("sgd", "adam")]
    for model, opt in [*runs, ("mlp", "sync_sgd")]:
        dist = train(model, opt, True, seed=100 + hvd.rank())
        flags[f"{model}/{opt}"] = {
            "differed_before": dist["differed_before"],
            "equal_after": dist["equal_after"],
            "collectives": dist["collectives"],
        }
        # the whole batch in one process, from rank 0's initial values (seed 100)
        ref = train(model, opt, False, seed=100) if hvd.rank() == 0 else None
        every = hvd.allgather_object(dist["vars"])
        if hvd.rank() == 0:
            for k, v in ref["vars"].items():
                results[f"{model}/{opt}/ref/{k}"] = v
                for r, vs in enumerate(every):
                    results[f"{model}/{opt}/rank{r}/{k}"] = vs[k]
    if hvd.rank() == 0:
        np.savez(os.path.join(out_dir, "equivalence.npz"), **results)
        with open(os.path.join(out_dir, "flags.json"), "w") as f:
            json.dump(flags, f)


DTYPES = ("float32", "float64", "float16", "bfloat16", "int32", "int64", "uint8", "int8")


def rank_input(r: int, dtype: str) -> np.ndarray:
    """The tensor rank ``r`` reduces (the test recomputes the results from these)."""
    rs = np.random.RandomState(10 + r)
    if dtype in ("uint8", "int8"):
        return rs.randint(0, 9, (3, 4)).astype(dtype)
    if dtype.startswith("int"):
        return rs.randint(-50, 50, (3, 4)).astype(dtype)
    return rs.uniform(-2, 2, (3, 4)).astype(tf.as_dtype(dtype).as_numpy_dtype)


def ops(out_dir: str) -> None:
    """Every reduction on every dtype, allgather, broadcast, fp16 compression, gradients."""
    r = hvd.rank()
    fetch = {}
    for dt in DTYPES:
        x = tf.constant(rank_input(r, dt))
        for op in (hvd.Sum, hvd.Min, hvd.Max, hvd.Product, hvd.Average):
            fetch[f"{op}/{dt}"] = hvd.allreduce(x, op=op)
        fetch[f"broadcast/{dt}"] = hvd.broadcast(x, 1)
        fetch[f"allgather/{dt}"] = hvd.allgather(tf.constant(rank_input(r, dt)[: r + 1]))
    xs = [tf.constant(rank_input(r, dt)) for dt in ("float32", "int32", "float32")]
    for i, t in enumerate(hvd.grouped_allreduce(xs, op=hvd.Sum)):
        fetch[f"grouped/{i}"] = t
    fetch["fp16"] = hvd.allreduce(
        tf.constant(rank_input(r, "float32")), compression=hvd.Compression.fp16
    )
    fetch["fp16_dtype_is_float32"] = tf.constant(
        hvd.allreduce(tf.ones([2]), compression=hvd.Compression.fp16).dtype == tf.float32
    )
    # gradients: d/dx sum(c_r * collective(x)) with a different c on each rank
    c = tf.constant(rank_input(r, "float64") + 3.0)
    x = tf.constant(rank_input(r, "float64"))
    fetch["grad/allreduce"] = tf.gradients(tf.reduce_sum(c * hvd.allreduce(x)), x)[0]
    fetch["grad/broadcast"] = tf.gradients(tf.reduce_sum(c * hvd.broadcast(x, 1)), x)[0]
    part = tf.constant(rank_input(r, "float64")[: r + 1])
    gathered = hvd.allgather(part)
    fetch["grad/allgather"] = tf.gradients(tf.reduce_sum(c[:3] * gathered), part)[0]
    with tf.Session() as sess:
        got = sess.run(fetch)
    got["shared_memory"] = bool(basics.engine().shared)
    every = hvd.allgather_object({k: np.asarray(v) for k, v in got.items()})
    if r == 0:
        np.savez(
            os.path.join(out_dir, "ops.npz"),
            **{f"rank{q}/{k}": v for q, vs in enumerate(every) for k, v in vs.items()},
        )


STREAM_SIZES = (1000, 3000, 7, 2500, 0)  # elements: over, under and across 1,024-float slots


def stream_input(r: int, i: int, dtype: str) -> np.ndarray:
    rs = np.random.RandomState(100 * r + i)
    n = STREAM_SIZES[i % len(STREAM_SIZES)]
    if dtype == "int32":
        return rs.randint(-1000, 1000, n).astype(np.int32)
    return rs.uniform(-2, 2, n).astype(dtype)


def streaming(out_dir: str) -> None:
    """Grouped allreduces larger than the shared-memory slots (4 KiB here), several tensors per
    slot and tensors split across slots; with pre- and postscale factors."""
    shared_memory.SLOT_BYTES = 4096
    r = hvd.rank()
    fetch = {}
    for dt, op in (("float32", hvd.Average), ("float64", hvd.Max), ("int32", hvd.Sum)):
        xs = [tf.constant(stream_input(r, i, dt)) for i in range(len(STREAM_SIZES))]
        pre, post = (2.0, 3.0) if dt == "float32" else (1.0, 1.0)
        out = hvd.grouped_allreduce(xs, op=op, prescale_factor=pre, postscale_factor=post)
        for i, t in enumerate(out):
            fetch[f"{dt}/{i}"] = t
    with tf.Session() as sess:
        got = sess.run(fetch)
        got.update({f"again/{k}": v for k, v in sess.run(fetch).items()})
    got["shared_memory"] = bool(basics.engine().shared)
    every = hvd.allgather_object(got)
    if r == 0:
        np.savez(
            os.path.join(out_dir, "streaming.npz"),
            **{f"rank{q}/{k}": v for q, vs in enumerate(every) for k, v in vs.items()},
        )


def mismatch(out_dir: str) -> None:
    """Shapes, then dtypes, that differ between the ranks; then a good allreduce."""
    r = hvd.rank()
    msgs = {}
    with tf.Session() as sess:
        bad_shape = hvd.allreduce(tf.ones([2 + r]), name="grads_w")
        dt = tf.float32 if r == 0 else tf.float64
        bad_dtype = hvd.allreduce(tf.ones([2], dt), name="grads_b")
        good = hvd.allreduce(tf.fill([3], float(r + 1)), op=hvd.Sum, name="grads_ok")
        for key, t in (("shape", bad_shape), ("dtype", bad_dtype)):
            try:
                sess.run(t)
                msgs[key] = None
            except tf.errors.InvalidArgumentError as e:
                msgs[key] = e.message
        msgs["good"] = sess.run(good).tolist()
    every = hvd.allgather_object(msgs)
    if r == 0:
        with open(os.path.join(out_dir, "mismatch.json"), "w") as f:
            json.dump(every, f)


def sigkill(out_dir: str) -> None:
    """Rank 1 is killed in the middle of training; rank 0 must not hang."""
    with tf.Graph().as_default():
        x, y, loss = build("mlp")
        train_op = hvd.DistributedOptimizer(make_opt("sgd")).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for step in range(1000):
                if step == 5 and hvd.rank() == 1:
                    print("rank 1: killing myself", flush=True)
                    os.kill(os.getpid(), signal.SIGKILL)
                bx, by = _batch("mlp", step % 7, HALF)
                sess.run(train_op, {x: bx, y: by})
    print(f"rank {hvd.rank()}: finished", flush=True)


def stall(out_dir: str) -> None:
    """Rank 1 never joins; rank 0's watchdog gives up after HOROVOD_STALL_SHUTDOWN_TIME_SECONDS."""
    if hvd.rank() == 1:
        time.sleep(120)
        return
    with tf.Session() as sess:
        sess.run(hvd.allreduce(tf.ones([4]), name="lonely"))
    print("rank 0: the allreduce returned", flush=True)


def fail(out_dir: str) -> None:
    """Rank 1's program raises; rank 0 waits for it in an allreduce."""
    if hvd.rank() == 1:
        raise RuntimeError("rank 1 fails before its allreduce")
    with tf.Session() as sess:
        sess.run(hvd.allreduce(tf.ones([3]), name="waits_for_rank_1"))


class _KeepFinalValues(tf.train.SessionRunHook):
    def end(self, session):
        self.values = {v.op.name: session.run(v) for v in tf.global_variables()}


def checkpoint(out_dir: str) -> None:
    """Trains with MonitoredTrainingSession; only rank 0 writes checkpoints."""
    ckpt = os.path.join(out_dir, f"ckpt_rank{hvd.rank()}")
    with tf.Graph().as_default():
        tf.set_random_seed(7 + hvd.rank())
        x, y, loss = build("mlp")
        step = tf.train.get_or_create_global_step()
        train_op = hvd.DistributedOptimizer(make_opt("adam")).minimize(loss, global_step=step)
        keep = _KeepFinalValues()
        hooks = [hvd.BroadcastGlobalVariablesHook(0), tf.train.StopAtStepHook(last_step=12), keep]
        with tf.train.MonitoredTrainingSession(
            checkpoint_dir=ckpt if hvd.rank() == 0 else None,
            hooks=hooks,
            save_checkpoint_steps=6,
            save_summaries_steps=None,
            save_summaries_secs=None,
            log_step_count_steps=None,
        ) as sess:
            i = 0
            while not sess.should_stop():
                bx, by = _batch("mlp", i, 2 * HALF)
                r = hvd.rank()
                sess.run(
                    train_op, {x: bx[r * HALF : (r + 1) * HALF], y: by[r * HALF : (r + 1) * HALF]}
                )
                i += 1
    every = hvd.allgather_object(keep.values)
    if hvd.rank() == 0:
        np.savez(
            os.path.join(out_dir, "trained.npz"),
            **{f"rank{r}/{k}": v for r, vs in enumerate(every) for k, v in vs.items()},
        )


def restore(out_dir: str) -> None:
    """Restores rank 0's checkpoint into this job (any number of ranks)."""
    with tf.Graph().as_default():
        _, _, loss = build("mlp")
        step = tf.train.get_or_create_global_step()
        hvd.DistributedOptimizer(make_opt("adam")).minimize(loss, global_step=step)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            saver.restore(sess, tf.train.latest_checkpoint(os.path.join(out_dir, "ckpt_rank0")))
            got = {v.op.name: sess.run(v) for v in tf.global_variables()}
    every = hvd.allgather_object(got)
    if hvd.rank() == 0:
        np.savez(
            os.path.join(out_dir, f"restored_{hvd.size()}.npz"),
            **{f"rank{r}/{k}": v for r, vs in enumerate(every) for k, v in vs.items()},
        )


if __name__ == "__main__":
    hvd.init()
    {
        "equivalence": equivalence,
        "mismatch": mismatch,
        "ops": ops,
        "streaming": streaming,
        "sigkill": sigkill,
        "stall": stall,
        "fail": fail,
        "checkpoint": checkpoint,
        "restore": restore,
    }[sys.argv[1]](sys.argv[2])
