"""``tf.train.MonitoredTrainingSession`` side by side with TF 2.21 ``compat.v1``.

The same model (tests/monitored_session_model.py) is trained with StopAtStepHook,
LoggingTensorHook, a recording hook and the session's own CheckpointSaverHook, SummarySaverHook
and StepCounterHook, here and in TF: the loss sequence, the number of runs, the hook calls, the
checkpoint files and steps, the event files (read by TF's ``summary_iterator``) and the INFO log
lines (TF's formats, checked by regex and line by line) are the same; TF reads our checkpoints.
A training process killed with SIGKILL resumes from its last checkpoint. A hook raising in
``after_run`` propagates its exception, skips ``end`` and closes the session, with the last
checkpoint intact.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import monitored_session_model as model
import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
CHILD = Path(__file__).with_name("monitored_session_child.py")
FLOAT = re.compile(r"\d+\.\d+(?:e[-+]?\d+)?")
LOSS_LINE = re.compile(r"^loss = (\d+\.\d+(?:e[-+]?\d+)?), step = (\d+)(?: \((\d+\.\d{3}) sec\))?$")
RATE_LINE = re.compile(r"^global_step/sec: \d+(?:\.\d+)?(?:e[-+]?\d+)?$")


def masked(line: str) -> str:
    """A log line with its timing-dependent numbers as <f>: the rate of a well-formed
    ``global_step/sec`` line whole (``%g`` prints 264.0 as ``264``), other decimals by FLOAT."""
    return "global_step/sec: <f>" if RATE_LINE.match(line) else FLOAT.sub("<f>", line)


def _train(mod, d: Path, last_step: int = 7) -> dict:
    """Trains with MonitoredTrainingSession in ``mod``; what the test compares."""
    with mod.Graph().as_default() as graph, model.LogLines() as log:
        loss, step, train, _ = model.build(mod)
        rec = model.recording_hook(mod)
        hooks = [
            mod.train.StopAtStepHook(last_step=last_step),
            mod.train.LoggingTensorHook({"loss": loss, "step": step}, every_n_iter=3),
            rec,
        ]
        losses = []
        with mod.train.MonitoredTrainingSession(
            checkpoint_dir=str(d),
            save_checkpoint_steps=3,
            save_summaries_steps=2,
            log_step_count_steps=2,
            hooks=hooks,
        ) as sess:
            assert graph.finalized
            while not sess.should_stop():
                losses.append(float(sess.run([train, loss])[1]))
        assert not graph.finalized  # MonitoredSession un-finalizes the graph it finalized
    state = T.train.get_checkpoint_state(str(d))
    return {
        "losses": np.array(losses),
        "calls": rec.calls,
        "log": [line.replace(str(d), "<dir>") for line in log.lines],
        "files": sorted(n for n in os.listdir(d) if not n.startswith("events.out.tfevents")),
        "latest": os.path.basename(state.model_checkpoint_path),
        "kept": [os.path.basename(p) for p in state.all_model_checkpoint_paths],
        "events": _events(d),
    }


def _events(d: Path) -> list:
    """Every event of ``d``'s event file as TF reads it: (kind, step, details)."""
    (path,) = [p for p in d.iterdir() if p.name.startswith("events.out.tfevents")]
    out = []
    for e in T.train.summary_iterator(str(path)):
        kind = e.WhichOneof("what")
        if kind == "summary":
            out.append((kind, e.step, tuple(v.tag for v in e.summary.value)))
        elif kind == "session_log":
            log = e.session_log
            out.append((kind, e.step, (log.status, os.path.basename(log.checkpoint_path))))
        else:
            out.append((kind, e.step, None))
    return out


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    ours, theirs = tmp_path_factory.mktemp("ours"), tmp_path_factory.mktemp("tf")
    return _train(tf, ours), _train(T, theirs), ours, theirs


def test_loss_sequence_runs_and_hook_calls(runs):
    ours, theirs, _, _ = runs
    assert len(ours["losses"]) == len(theirs["losses"]) == 7
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    assert ours["calls"] == theirs["calls"]
    assert ours["calls"][:3] == ["begin", "after_create_session", "before_run"]
    assert ours["calls"][-1] == "end"
    assert ours["calls"].count("after_run") == 7


def test_checkpoint_files_and_state(runs):
    ours, theirs, ours_dir, theirs_dir = runs
    assert ours["files"] == theirs["files"]  # checkpoint, graph.pbtxt, model.ckpt-{0,3,6,7}.*
    assert "model.ckpt-6.index" in ours["files"] and "model.ckpt-7.meta" in ours["files"]
    assert ours["latest"] == theirs["latest"] == "model.ckpt-7"
    assert ours["kept"] == theirs["kept"]
    for n in (0, 3, 6, 7):  # TF reads our checkpoints; same values as TF's own
        mine = T.train.load_checkpoint(str(ours_dir / f"model.ckpt-{n}"))
        ref = T.train.load_checkpoint(str(theirs_dir / f"model.ckpt-{n}"))
        assert mine.get_variable_to_shape_map() == ref.get_variable_to_shape_map()
        assert mine.get_tensor("global_step") == ref.get_tensor("global_step") == n
        for name in ("w", "b"):
            np.testing.assert_allclose(mine.get_tensor(name), ref.get_tensor(name), rtol=1e-5)


def test_event_files_read_by_tf(runs):
    ours, theirs, _, _ = runs
    assert ours["events"] == theirs["events"]
    kinds = [k for k, _, _ in ours["events"]]
    assert kinds[0] == "file_version" and "graph_def" in kinds and "meta_graph_def" in kinds
    summaries = [(s, tags) for k, s, tags in ours["events"] if k == "summary"]
    # (the summary op is named loss_1: "loss" is the loss op; its tag is the op name, as TF's)
    assert summaries[:3] == [(1, ("loss_1",)), (3, ("global_step/sec",)), (3, ("loss_1",))]
    checkpoints = [s for k, s, d in ours["events"] if k == "session_log" and d[0] == 3]
    # the save in end() (step 7) logs after SummarySaverHook.end flushed the writer: in TF too
    assert checkpoints == [0, 3, 6]


def test_log_lines_in_tf_format(runs):
    ours, theirs, _, _ = runs
    assert [masked(s) for s in ours["log"]] == [masked(s) for s in theirs["log"]]
    for line in (
        "Create CheckpointSaverHook.",
        "Graph was finalized.",
        "Saving checkpoints for 0 into <dir>/model.ckpt.",
        "Saving checkpoints for 7 into <dir>/model.ckpt.",
    ):
        assert line in ours["log"]
    logged = [LOSS_LINE.match(s) for s in ours["log"] if s.startswith("loss = ")]
    ref = [LOSS_LINE.match(s) for s in theirs["log"] if s.startswith("loss = ")]
    assert all(logged) and len(logged) == len(ref) == 3
    assert [m.group(2) for m in logged] == ["0", "3", "6"]
    assert logged[0].group(3) is None and logged[1].group(3) is not None  # "(0.012 sec)" later
    np.testing.assert_allclose(
        [float(m.group(1)) for m in logged], [float(m.group(1)) for m in ref], rtol=1e-5
    )
    rates = [s for s in ours["log"] if s.startswith("global_step/sec")]
    assert len(rates) == 3 and all(RATE_LINE.match(s) for s in rates)


def _child(d: Path, last_step: int, block_at: int, stderr=subprocess.DEVNULL) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(CHILD.parent), *sys.path]))
    return subprocess.Popen(
        [sys.executable, str(CHILD), str(d), str(last_step), str(block_at)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        text=True,
        env=env,
    )


def test_resumes_after_sigkill(tmp_path):
    first = _child(tmp_path, 100, 13)
    try:
        lines = []
        for line in first.stdout:
            lines.append(line.split())
            if lines[-1] == ["blocked"]:
                break
        assert lines[0][:2] == ["start", "0"]
        assert [w[1] for w in lines[1:-1]] == [str(s) for s in range(1, 14)]
        first.send_signal(signal.SIGKILL)  # killed mid-training, 3 steps after a checkpoint
        assert first.wait(30) == -signal.SIGKILL
    finally:
        first.kill()
        first.stdout.close()
        first.stdin.close()
    latest = tf.train.latest_checkpoint(str(tmp_path))
    assert os.path.basename(latest) == "model.ckpt-10"

    second = _child(tmp_path, 20, -1, stderr=subprocess.PIPE)
    out, err = second.communicate(timeout=60)
    assert second.returncode == 0
    lines = [line.split(maxsplit=2) for line in out.splitlines()]
    assert lines[0][:2] == ["start", "10"]  # the global step continues from the checkpoint
    saved = T.train.load_checkpoint(latest)  # TF reads the checkpoint the child restored
    np.testing.assert_array_equal(json.loads(lines[0][2]), saved.get_tensor("w").ravel())
    assert [w[1] for w in lines[1:]] == [str(s) for s in range(11, 21)]
    log = err.splitlines()  # TF's format: INFO:tensorflow:<message>
    for pattern in (
        r"INFO:tensorflow:Graph was finalized\.",
        r"INFO:tensorflow:Restoring parameters from .+/model\.ckpt-10",
        r"INFO:tensorflow:Saving checkpoints for 10 into .+/model\.ckpt\.",
        r"INFO:tensorflow:Saving checkpoints for 20 into .+/model\.ckpt\.",
    ):
        assert any(re.fullmatch(pattern, line) for line in log), pattern
    final = T.train.load_checkpoint(str(tmp_path))
    assert final.get_tensor("global_step") == 20

    # the same 20 steps without the kill end with the same values
    with tf.Graph().as_default():
        _, _, train, w = model.build(tf)
        hooks = [tf.train.StopAtStepHook(last_step=20)]
        with tf.train.SingularMonitoredSession(hooks=hooks) as sess:
            while not sess.should_stop():
                sess.run(train)
            ref = sess.raw_session().run(w)
    np.testing.assert_array_equal(final.get_tensor("w"), ref)


def _train_until_boom(mod, d: Path) -> dict:
    with mod.Graph().as_default() as graph:
        _, _, train, _ = model.build(mod)
        rec = model.recording_hook(mod)

        class Boom(mod.train.SessionRunHook):
            runs = 0

            def after_run(self, run_context, run_values):
                Boom.runs += 1
                if Boom.runs == 5:
                    raise ValueError("boom in after_run")

        sess = mod.train.MonitoredTrainingSession(
            checkpoint_dir=str(d),
            save_checkpoint_steps=2,
            save_summaries_steps=None,
            log_step_count_steps=None,
            hooks=[rec, Boom()],
        )
        with pytest.raises(ValueError, match="boom in after_run"), sess:
            while not sess.should_stop():
                sess.run(train)
        closed = sess._is_closed()
        stop = sess.should_stop()
        finalized = graph.finalized
    latest = T.train.latest_checkpoint(str(d))
    return {
        "calls": rec.calls,
        "closed": closed,
        "should_stop": stop,
        "finalized": finalized,
        "latest": os.path.basename(latest),
        "step": int(T.train.load_checkpoint(latest).get_tensor("global_step")),
    }


@pytest.mark.bad_input
def test_hook_raising_in_after_run(tmp_path):
    ours = _train_until_boom(tf, tmp_path / "ours")
    theirs = _train_until_boom(T, tmp_path / "tf")
    assert ours == theirs
    assert ours["calls"][-1] == "after_run" and "end" not in ours["calls"]  # no end() on error
    assert ours["closed"] and ours["should_stop"] and not ours["finalized"]
    assert ours["latest"] == "model.ckpt-4" and ours["step"] == 4  # the last save is intact


@pytest.fixture(scope="module")
def old_checkpoint(tmp_path_factory):
    """A checkpoint written by TF: old/w [2, 3], old/b [3], other/v [4] (float32)."""
    d = tmp_path_factory.mktemp("old")
    rng = np.random.default_rng(3)
    values = {
        "old/w": rng.standard_normal((2, 3)).astype(np.float32),
        "old/b": rng.standard_normal(3).astype(np.float32),
        "other/v": rng.standard_normal(4).astype(np.float32),
    }
    with T.Graph().as_default():
        variables = [T.Variable(v, name=n) for n, v in values.items()]
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            prefix = T.train.Saver(variables).save(sess, str(d / "model"), global_step=3)
    return prefix, values


def _init_from(mod, prefix, how):
    with mod.Graph().as_default():
        with mod.variable_scope("new"):
            w = mod.get_variable("w", [2, 3], initializer=mod.zeros_initializer())
            b = mod.get_variable("b", [3], initializer=mod.zeros_initializer())
        v = mod.get_variable("v", [4], initializer=mod.ones_initializer())
        if how == "scopes":
            mod.train.init_from_checkpoint(prefix, {"old/": "new/", "other/v": v})
        elif how == "names":
            mod.train.init_from_checkpoint(os.path.dirname(prefix), {"old/w": "new/w"})
        elif how == "warm_start":
            mod.train.warm_start(
                prefix, "new/", var_name_to_prev_var_name={"new/w": "old/w", "new/b": "old/b"}
            )
        with mod.Session() as sess:
            sess.run(mod.global_variables_initializer())
            return [sess.run(x) for x in (w, b, v)]


@pytest.mark.parametrize("how", ["scopes", "names", "warm_start"])
def test_init_from_checkpoint_and_warm_start(old_checkpoint, how):
    prefix, values = old_checkpoint
    ours, theirs = _init_from(tf, prefix, how), _init_from(T, prefix, how)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(ours[0], values["old/w"])
    if how == "scopes":
        np.testing.assert_array_equal(ours[2], values["other/v"])


INIT_ERRORS = {
    "missing tensor": lambda m, p, v: m.train.init_from_checkpoint(p, {"old/x": v}),
    "shape": lambda m, p, v: m.train.init_from_checkpoint(p, {"other/v": v}),
    "scope to tensor": lambda m, p, v: m.train.init_from_checkpoint(p, {"old/w": "nothing/"}),
    "scope missing": lambda m, p, v: m.train.init_from_checkpoint(p, {"other/": "s/"}),
    "warm start unused": lambda m, p, v: m.train.warm_start(
        p, ["s/"], var_name_to_prev_var_name={"nope": "old/w"}
    ),
    "warm start bad list": lambda m, p, v: m.train.warm_start(p, ["s/", v]),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(INIT_ERRORS))
def test_init_from_checkpoint_errors(old_checkpoint, name):
    prefix, _ = old_checkpoint
    messages = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            with mod.variable_scope("s"):
                v = mod.get_variable("w", [2, 2])
            with pytest.raises(ValueError) as e:
                INIT_ERRORS[name](mod, prefix, v)
            # (names of Python types and dict views differ between the two packages, and TF
            # lists the checkpoint's shapes in no fixed order)
            text = re.sub(r"<class '[^']*'>|dict_keys\(.*\)", "", str(e.value))
            messages.append(re.sub(r"checkpoint \{.*\}$", "checkpoint {...}", text))
    assert messages[0] == messages[1]


def test_checkpoints_iterator(old_checkpoint):
    prefix, _ = old_checkpoint
    d = os.path.dirname(prefix)
    ours = list(tf.train.checkpoints_iterator(d, timeout=0.05))
    assert ours == list(T.train.checkpoints_iterator(d, timeout=0.05)) == [prefix]
    calls = []

    def timeout_fn():
        calls.append(1)
        return len(calls) == 2

    assert list(tf.train.checkpoints_iterator(d, timeout=0.01, timeout_fn=timeout_fn)) == [prefix]
    assert len(calls) == 2


def _supervised(mod, d: Path, steps: int) -> dict:
    """basic_train_loop under a Supervisor without timed services (TF 2.21 runs them in
    threads that see its eager context), saving at the end; then a second Supervisor restores
    that checkpoint, and a third re-raises an exception of its managed_session block."""
    with mod.Graph().as_default() as graph:
        loss, _, train, _ = model.build(mod)
        sv = mod.train.Supervisor(logdir=str(d), save_summaries_secs=0, save_model_secs=0)
        assert graph.finalized
        losses = []

        def train_step(sess):
            losses.append(float(sess.run([train, loss])[1]))
            if len(losses) == steps:
                sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
                sv.request_stop()

        mod.train.basic_train_loop(sv, train_step)
    with mod.Graph().as_default():
        _, _, _, w = model.build(mod)
        sv2 = mod.train.Supervisor(logdir=str(d), save_summaries_secs=0, save_model_secs=0)
        with sv2.managed_session() as sess:
            restored = (int(sess.run(sv2.global_step)), sess.run(w))
        with pytest.raises(ValueError, match="inside"), sv2.managed_session():
            raise ValueError("raised inside managed_session")
    return {
        "losses": np.array(losses),
        "restored": restored,
        "files": sorted(n for n in os.listdir(d) if not n.startswith("events.out")),
    }


def test_supervisor_and_basic_train_loop(tmp_path):
    ours = _supervised(tf, tmp_path / "ours", 4)
    theirs = _supervised(T, tmp_path / "tf", 4)
    np.testing.assert_allclose(ours["losses"], theirs["losses"], rtol=1e-5)
    assert ours["restored"][0] == theirs["restored"][0] == 4
    np.testing.assert_allclose(ours["restored"][1], theirs["restored"][1], rtol=1e-5)
    assert ours["files"] == theirs["files"]


def test_supervisor_services_files_read_by_tf(tmp_path):
    """The checkpoint and summary services (each runs once at the start) write files TF reads."""
    with tf.Graph().as_default():
        _, _, train, _ = model.build(tf)
        sv = tf.train.Supervisor(logdir=str(tmp_path), save_summaries_secs=3600)
        with sv.managed_session() as sess:
            while tf.train.latest_checkpoint(str(tmp_path)) is None:
                time.sleep(0.01)  # (until the service has saved)
            sess.run(train)
    assert T.train.load_checkpoint(str(tmp_path / "model.ckpt-0")).get_tensor("global_step") == 0
    (path,) = [p for p in tmp_path.iterdir() if p.name.startswith("events.out")]
    events = list(T.train.summary_iterator(str(path)))
    logs = [e.session_log.status for e in events if e.WhichOneof("what") == "session_log"]
    S = T.SessionLog
    assert logs[0] == S.START and logs[-1] == S.STOP and S.CHECKPOINT in logs
    tags = {v.tag for e in events if e.WhichOneof("what") == "summary" for v in e.summary.value}
    assert {"loss_1", "global_step/sec"} <= tags


def _warm_start_vocab(mod, d: Path, prefix: str):
    def backup(shape, dtype=None, partition_info=None):  # 100, 101, ... in the missing cells
        values = mod.cast(mod.range(mod.reduce_prod(shape)), mod.float32) + 100.0
        return mod.reshape(values, shape)

    with mod.Graph().as_default():
        rows = mod.get_variable("emb", [6, 3], initializer=mod.ones_initializer())
        cols = mod.get_variable("cols", [2, 5], initializer=mod.ones_initializer())
        by_row = mod.train.VocabInfo(str(d / "new.txt"), 5, 1, str(d / "old.txt"), -1, backup)
        by_col = mod.train.VocabInfo(str(d / "new.txt"), 4, 1, str(d / "old.txt"), 3, axis=1)
        mod.train.warm_start(
            prefix, [rows, cols], var_name_to_vocab_info={"emb": by_row, "cols": by_col}
        )
        with mod.Session() as sess:
            sess.run(mod.global_variables_initializer())
            return sess.run([rows, cols])


def test_warm_start_with_vocabulary_remapping(tmp_path):
    (tmp_path / "old.txt").write_text("a\nb\nc\nd\n")
    (tmp_path / "new.txt").write_text("c\nx\na\ny\nd\n")
    with T.Graph().as_default():
        T.Variable(np.arange(12, dtype=np.float32).reshape(4, 3), name="emb")
        T.Variable(np.arange(8, dtype=np.float32).reshape(2, 4), name="cols")
        with T.Session() as sess:
            sess.run(T.global_variables_initializer())
            prefix = T.train.Saver().save(sess, str(tmp_path / "model"))
    ours = _warm_start_vocab(tf, tmp_path, prefix)
    theirs = _warm_start_vocab(T, tmp_path, prefix)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)
    # rows c, x, a, y, d, then an OOV bucket: old rows 2, -, 0, -, 3, -
    np.testing.assert_array_equal(ours[0][[0, 2, 4]], [[6, 7, 8], [0, 1, 2], [9, 10, 11]])
    backup = [[100, 101, 102], [103, 104, 105], [100, 101, 102]]  # (the OOV row: a 2nd call)
    np.testing.assert_array_equal(ours[0][[1, 3, 5]], backup)


@pytest.mark.bad_input
def test_vocab_info_bad_axis():
    messages = []
    for mod in (tf, T):
        with pytest.raises(ValueError) as e:
            mod.train.VocabInfo("new", 3, 0, "old", axis=2)
        messages.append(str(e.value))
    assert messages[0] == messages[1]


def test_restart_logs_restore_in_tf_format(tmp_path):
    """A second MonitoredTrainingSession in the same directory restores the last checkpoint
    and logs as TF does (``Restoring parameters from <dir>/model.ckpt-4``)."""
    logs = []
    for mod, d in ((tf, tmp_path / "ours"), (T, tmp_path / "tf")):
        d.mkdir()
        first = _train(mod, d, last_step=4)
        second = _train(mod, d, last_step=6)
        assert len(first["losses"]) == 4 and len(second["losses"]) == 2
        logs.append([masked(s) for s in second["log"]])
    assert logs[0] == logs[1]
    assert "Restoring parameters from <dir>/model.ckpt-4" in logs[0]
    assert "Saving checkpoints for 6 into <dir>/model.ckpt." in logs[0]
