"""``tflite_core.horovod`` on MPI: 2 ranks launched with ``mpiexec -n 2`` (the ``mpich`` wheel of
the test extra) run the scenarios of ``horovod_worker.py``; the results are checked here against
one process on the whole batch, and against NumPy."""

from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys
import time

import ml_dtypes
import numpy as np
import pytest

import tflite_core as tf
import tflite_core.horovod as hvd

WORKER = pathlib.Path(__file__).with_name("horovod_worker.py")
sys.path.insert(0, str(WORKER.parent))
import horovod_worker  # noqa: E402  (the worker's inputs, recomputed here)

MPIEXEC = shutil.which("mpiexec")


def mpirun(scenario: str, out: pathlib.Path, n: int = 2, env: dict | None = None, timeout=240):
    """Runs a worker scenario on ``n`` ranks; returns (return code, output, seconds)."""
    assert MPIEXEC is not None, "mpiexec not found: pip install '.[test]' installs the mpich wheel"
    start = time.monotonic()
    p = subprocess.run(
        [MPIEXEC, "-n", str(n), sys.executable, str(WORKER), scenario, str(out)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "OMP_NUM_THREADS": "1", **(env or {})},
    )
    return p.returncode, p.stdout + p.stderr, time.monotonic() - start


@pytest.fixture(scope="module")
def equivalence(tmp_path_factory):
    out = tmp_path_factory.mktemp("equivalence")
    rc, log, _ = mpirun("equivalence", out)
    assert rc == 0, log
    return np.load(out / "equivalence.npz"), json.loads((out / "flags.json").read_text())


@pytest.mark.parametrize(
    ("model", "opt"),
    [(m, o) for m in ("mlp", "cnn", "embedding") for o in ("sgd", "adam")] + [("mlp", "sync_sgd")],
)
def test_two_ranks_on_half_batches_equal_one_process_on_the_batch(equivalence, model, opt):
    values, flags = equivalence
    f = flags[f"{model}/{opt}"]
    # ranks started from different random values; the broadcast made them equal
    assert f["differed_before"] and f["equal_after"]
    assert "HorovodGroupedAllreduce" in f["collectives"]
    assert ("HorovodAllgather" in f["collectives"]) == (model == "embedding")  # sparse gradient
    refs = [k for k in values.files if k.startswith(f"{model}/{opt}/ref/")]
    assert len(refs) >= 3
    for k in refs:
        name = k.split("/ref/", 1)[1]
        for r in (0, 1):
            np.testing.assert_allclose(
                values[f"{model}/{opt}/rank{r}/{name}"], values[k], rtol=1e-5, atol=1e-5
            )


# the ranks of one machine reduce through shared memory, and through MPI with the switch off
PATHS = {"shared_memory": {}, "mpi": {"TFLITE_CORE_HOROVOD_SHARED_MEMORY": "0"}}


@pytest.fixture(scope="module", params=list(PATHS))
def collectives(request, tmp_path_factory):
    out = tmp_path_factory.mktemp("ops")
    rc, log, _ = mpirun("ops", out, env=PATHS[request.param])
    assert rc == 0, log
    got = np.load(out / "ops.npz")
    for r in (0, 1):
        assert bool(got[f"rank{r}/shared_memory"]) == (request.param == "shared_memory")
    return got


def _np(dtype: str):
    return np.dtype(ml_dtypes.bfloat16) if dtype == "bfloat16" else np.dtype(dtype)


@pytest.mark.parametrize("dtype", horovod_worker.DTYPES)
def test_reductions_broadcast_allgather_against_numpy(collectives, dtype):
    a = [horovod_worker.rank_input(r, dtype) for r in (0, 1)]
    wide = [x.astype(np.float32) if dtype in ("float16", "bfloat16") else x for x in a]
    dt = _np(dtype)
    want = {
        "Sum": (wide[0] + wide[1]).astype(dt),
        "Min": np.minimum(a[0], a[1]),
        "Max": np.maximum(a[0], a[1]),
        "Product": (wide[0] * wide[1]).astype(dt),
        "broadcast": a[1],
        "allgather": np.concatenate([a[0][:1], a[1][:2]]),
    }
    s = want["Sum"]
    want["Average"] = s // 2 if dt.kind in "iu" else (s.astype(np.float64) * 0.5).astype(dt)
    for r in (0, 1):
        for key, w in want.items():
            got = collectives[f"rank{r}/{key}/{dtype}"]
            if got.dtype.kind == "V":  # (.npz keeps bfloat16 as raw 2-byte values)
                got = got.view(dt)
            assert got.dtype == dt, (key, got.dtype)
            np.testing.assert_array_equal(got.astype(np.float64), w.astype(np.float64), key)


def test_grouped_allreduce_and_fp16_compression(collectives):
    a = [[horovod_worker.rank_input(r, d) for d in ("float32", "int32", "float32")] for r in (0, 1)]
    for r in (0, 1):
        for i in range(3):
            np.testing.assert_array_equal(collectives[f"rank{r}/grouped/{i}"], a[0][i] + a[1][i])
        half = [x[0].astype(np.float16) for x in a]
        want = ((half[0] + half[1]) * np.float16(0.5)).astype(np.float32)
        np.testing.assert_allclose(collectives[f"rank{r}/fp16"], want, rtol=1e-3)
        assert collectives[f"rank{r}/fp16_dtype_is_float32"]


@pytest.fixture(scope="module")
def streamed(tmp_path_factory):
    got = {}
    for path, env in PATHS.items():
        out = tmp_path_factory.mktemp(f"streaming_{path}")
        rc, log, _ = mpirun("streaming", out, env=env)
        assert rc == 0, log
        got[path] = dict(np.load(out / "streaming.npz"))
        assert bool(got[path]["rank0/shared_memory"]) == (path == "shared_memory")
    return got


def test_allreduces_larger_than_the_shared_memory_slots(streamed):
    n = len(horovod_worker.STREAM_SIZES)
    for dt in ("float32", "float64", "int32"):
        for i in range(n):
            a = [horovod_worker.stream_input(r, i, dt) for r in (0, 1)]
            if dt == "float32":  # prescale 2, postscale 3, average: in float32, as reduced
                two, factor = np.float32(2.0), np.float32(3.0 / 2)
                want = (a[0] * two + a[1] * two) * factor
            else:
                want = np.maximum(a[0], a[1]) if dt == "float64" else a[0] + a[1]
            for path, got in streamed.items():
                for r in (0, 1):
                    for again in ("", "again/"):
                        v = got[f"rank{r}/{again}{dt}/{i}"]
                        assert v.dtype == want.dtype and v.shape == want.shape, (path, dt, i)
                        # bit for bit: both paths, both ranks, every run
                        np.testing.assert_array_equal(v, want, f"{path} {dt} {i}")


def test_gradients_of_the_collectives(collectives):
    c = [horovod_worker.rank_input(r, "float64") + 3.0 for r in (0, 1)]
    for r in (0, 1):
        # allreduce (average): the average of the ranks' gradients
        np.testing.assert_allclose(collectives[f"rank{r}/grad/allreduce"], (c[0] + c[1]) / 2)
        # broadcast from rank 1: the sum on the root, zeros elsewhere (Horovod's)
        want = c[0] + c[1] if r == 1 else np.zeros_like(c[0])
        np.testing.assert_allclose(collectives[f"rank{r}/grad/broadcast"], want)
        # allgather: this rank's rows of the summed gradient (rank 0 sent 1 row, rank 1 two)
        rows = slice(0, 1) if r == 0 else slice(1, 3)
        np.testing.assert_allclose(collectives[f"rank{r}/grad/allgather"], (c[0] + c[1])[rows])


def test_mismatched_shapes_or_dtypes_name_the_tensor_and_the_ranks(tmp_path):
    rc, log, _ = mpirun("mismatch", tmp_path)
    assert rc == 0, log
    every = json.loads((tmp_path / "mismatch.json").read_text())
    for msgs in every:  # every rank raises the same error, and goes on working
        assert msgs["shape"].startswith("Horovod: mismatched shapes in 'grads_w': ")
        assert "rank 0 sent allreduce 'grads_w' of float32 [2]" in msgs["shape"]
        assert "rank 1 sent allreduce 'grads_w' of float32 [3]" in msgs["shape"]
        assert msgs["dtype"].startswith("Horovod: mismatched dtypes in 'grads_b': ")
        assert "rank 1 sent allreduce 'grads_b' of float64 [2]" in msgs["dtype"]
        assert "[[node grads_b]]" in msgs["dtype"]
        assert msgs["good"] == [3.0, 3.0, 3.0]


def test_a_killed_rank_ends_the_job_in_bounded_time(tmp_path):
    rc, log, seconds = mpirun("sigkill", tmp_path, timeout=120)
    assert rc != 0
    assert seconds < 60, log
    assert "rank 1: killing myself" in log
    assert "Killed (signal 9)" in log  # the launcher names the dead rank's end
    assert "finished" not in log


def test_a_rank_whose_program_raises_aborts_the_job(tmp_path):
    rc, log, seconds = mpirun("fail", tmp_path, timeout=120)
    assert rc != 0 and seconds < 60, log
    assert "RuntimeError: rank 1 fails before its allreduce" in log


def test_a_stalled_rank_makes_the_others_fail_with_unavailable_error(tmp_path):
    env = {"HOROVOD_STALL_SHUTDOWN_TIME_SECONDS": "3", "HOROVOD_STALL_CHECK_TIME_SECONDS": "1"}
    rc, log, seconds = mpirun("stall", tmp_path, env=env, timeout=120)
    assert rc != 0 and seconds < 60, log
    assert "'lonely' (collective #1) has waited 1 s for the other ranks" in log  # the warning
    assert (
        "UnavailableError: Horovod (rank 0): 'lonely' (collective #1) waited 3 s "
        "(HOROVOD_STALL_SHUTDOWN_TIME_SECONDS) for the other 1 rank(s)"
    ) in log
    assert "the allreduce returned" not in log


def test_checkpoints_by_rank_0_restore_into_any_number_of_ranks(tmp_path):
    rc, log, _ = mpirun("checkpoint", tmp_path)
    assert rc == 0, log
    assert not (tmp_path / "ckpt_rank1").exists()  # rank 1 writes nothing
    assert tf.train.latest_checkpoint(str(tmp_path / "ckpt_rank0")).endswith("model.ckpt-12")
    trained = np.load(tmp_path / "trained.npz")
    names = [k.split("/", 1)[1] for k in trained.files if k.startswith("rank0/")]
    assert "global_step" in names and any("Adam" in n for n in names)
    for k in names:  # both ranks trained to the same values
        np.testing.assert_array_equal(trained[f"rank1/{k}"], trained[f"rank0/{k}"])
    for n in (1, 2):
        rc, log, _ = mpirun("restore", tmp_path, n=n)
        assert rc == 0, log
        restored = np.load(tmp_path / f"restored_{n}.npz")
        for r in range(n):
            for k in names:
                np.testing.assert_array_equal(restored[f"rank{r}/{k}"], trained[f"rank0/{k}"])


# ---- without a launcher --------------------------------------------------------------------------
def test_before_init_the_api_raises_horovods_error():
    # (in a fresh process: the op table's rows start a one-rank job in this one)
    code = (
        "import tflite_core.horovod as hvd\n"
        "assert not hvd.is_initialized()\n"
        "for fn in (hvd.size, hvd.rank, hvd.local_rank, hvd.local_size):\n"
        "    try:\n"
        "        fn()\n"
        "    except ValueError as e:\n"
        "        print(e)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == ["Horovod has not been initialized; use hvd.init()."] * 4


def test_argument_errors_as_horovods():
    g = tf.Graph()
    with g.as_default():
        x = tf.ones([2])
        with pytest.raises(ValueError, match="The op parameter supersedes average"):
            hvd.allreduce(x, average=True, op=hvd.Sum)
        with pytest.raises(ValueError, match="gradient_predivide_factor not supported"):
            hvd.DistributedOptimizer(
                tf.train.GradientDescentOptimizer(0.1), op=hvd.Sum, gradient_predivide_factor=2.0
            )
        with pytest.raises(ValueError, match="either num_groups or groups"):
            hvd.DistributedOptimizer(tf.train.AdamOptimizer(), num_groups=2, groups=[[]])


def test_fusion_buckets_take_the_backward_order_and_the_threshold():
    from tflite_core.horovod.optimizer import fusion_buckets

    g = tf.Graph()
    with g.as_default():
        grads = [tf.zeros([100]), tf.zeros([100]), tf.zeros([10], tf.float64), tf.zeros([300])]
        # float32 bytes: 400, 400, 1200; the last gradient first, a bucket per dtype
        assert fusion_buckets(grads, 1000) == [[3], [2], [1, 0]]
        assert fusion_buckets(grads, 10**6) == [[3, 1, 0], [2]]


def test_a_single_process_job_without_mpiexec(tmp_path):
    code = (
        "import tflite_core as tf, tflite_core.horovod as hvd\n"
        "hvd.init()\n"
        "x = tf.constant([[1.0, 2.0]])\n"
        "with tf.Session() as s:\n"
        "    print(hvd.size(), hvd.rank(), s.run([hvd.allreduce(x), hvd.allgather(x)]))\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.startswith("1 0 [array([[1., 2.]], dtype=float32), array([[1., 2.]]")


def _train_one_replica(t, sync: bool, variable_averages: bool):
    """5 steps of gradient descent in MonitoredTrainingSession: through SyncReplicasOptimizer
    with one replica and the chief's hook (``sync``), or plainly, the moving averages applied
    after each update; the losses and the final average."""
    with t.Graph().as_default():
        x = t.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(4, 3))
        w = t.Variable(np.ones((3, 2), np.float32), name="w")
        loss = t.reduce_mean(t.square(t.matmul(x, w) - 1.0))
        step = t.train.get_or_create_global_step()
        ema = t.train.ExponentialMovingAverage(0.9) if variable_averages else None
        opt = t.train.GradientDescentOptimizer(0.3)
        hooks = [t.train.StopAtStepHook(last_step=5)]
        if sync:
            opt = t.train.SyncReplicasOptimizer(
                opt, 1, 1, variable_averages=ema, variables_to_average=[w] if ema else None
            )
            hooks.append(opt.make_session_run_hook(is_chief=True))
            train_op = opt.minimize(loss, global_step=step)
        else:
            train_op = opt.minimize(loss, global_step=step)
            if ema is not None:
                with t.control_dependencies([train_op]):
                    train_op = ema.apply([w])
        average = ema.average(w) if ema else w

        class Final(t.train.SessionRunHook):
            def end(self, session):
                self.value = session.run(average)

        final = Final()
        losses = []
        with t.train.MonitoredTrainingSession(
            hooks=[*hooks, final], save_summaries_steps=None
        ) as sess:
            while not sess.should_stop():
                losses.append(sess.run([train_op, loss])[1])
        return losses, final.value


@pytest.mark.parametrize("variable_averages", [False, True])
def test_sync_replicas_optimizer_with_one_replica_applies_every_gradient(variable_averages):
    # (TF's own SyncReplicasOptimizer applies the aggregated gradient asynchronously in the
    # chief's queue runner and drops stale ones, so its losses vary from run to run; with every
    # gradient aggregated, its result is plain gradient descent's, which TF gives here)
    import tensorflow as real_tf

    ours, ours_avg = _train_one_replica(tf, True, variable_averages)
    theirs, theirs_avg = _train_one_replica(real_tf.compat.v1, False, variable_averages)
    assert len(ours) == len(theirs) == 5
    np.testing.assert_allclose(ours, theirs, rtol=1e-6)
    np.testing.assert_allclose(ours_avg, theirs_avg, rtol=1e-6)


def test_sync_replicas_optimizer_refuses_what_mpi_cannot_do():
    with tf.Graph().as_default():
        opt = tf.train.GradientDescentOptimizer(0.1)
        with pytest.raises(ValueError, match="every rank's gradient is aggregated"):
            tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=2)  # one rank here
        sync = tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=1)
        w = tf.Variable(1.0)
        with pytest.raises(ValueError, match="Global step is required to check staleness"):
            sync.minimize(w * w)
        with pytest.raises(ValueError, match="Should be called after apply_gradients"):
            sync.get_chief_queue_runner()
