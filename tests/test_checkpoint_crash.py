"""A process killed (SIGKILL) in the middle of ``Saver.save`` never loses or corrupts a checkpoint.

tests/checkpoint_crash_child.py forks workers that hold 100 MB of variables (variable ``i`` at
step ``s`` is ``base(i) + s``) and save after every step, max_to_keep=2: with an increasing
global step (``model-<step>``), or to one fixed prefix (``model``, which each save replaces).
Each worker is killed at a random moment inside a save (after it has finished at least one), 20
times per mode. After every kill, the checkpoint ``tf.train.latest_checkpoint`` names must be
the last finished save (or the one being written, if it got far enough), complete: this process
restores it (never a DataLossError) and gets exactly one step's values; every checkpoint the
state file lists must exist, and every finished ``.index`` in the directory must read back
CRC-clean. The next worker's first finished save must have removed every temporary file that
the killed workers left.
"""

from __future__ import annotations

import os
import queue
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
from pathlib import Path

import checkpoint_crash_child as child
import numpy as np
import pytest

import tflite_core as tf

CHILD = Path(__file__).with_name("checkpoint_crash_child.py")
KILLS = 20
_FILE = re.compile(r"^model(-\d+)?(\.saving\d+-[0-9a-f]{32})?\.(index|data-00000-of-00001|meta)$")
_TEMP = re.compile(r"\.(tempstate|tmp|saving)(\d+)-[0-9a-f]{32}")


class _Lines:
    """The child's stdout lines, read by a thread so each wait can time out."""

    def __init__(self, stream):
        self.q: queue.Queue = queue.Queue()
        self.last: list | None = None
        self.thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self.thread.start()

    def _pump(self, stream):
        for line in stream:
            self.q.put(line.split())
        self.q.put(None)

    def next(self, timeout=180.0) -> list:
        """The next line's words. (A save of 100 MB under a loaded CI machine can take tens of
        seconds; a child that sends nothing for ``timeout`` fails the test, naming the line it
        sent last.)"""
        try:
            words = self.q.get(timeout=timeout)
        except queue.Empty:
            pytest.fail(f"no line from the child in {timeout:.0f} s; its last was {self.last}")
        assert words is not None, "the child process ended"
        self.last = words
        return words


def _temp_files(d: Path) -> dict:
    """{name: writer pid} of the temporary files in ``d``."""
    out = {}
    for name in os.listdir(d):
        m = _TEMP.search(name)
        if m:
            out[name] = int(m.group(2))
    return out


def _check_directory(d: Path, bases, stats) -> None:
    """Every finished checkpoint in ``d`` reads back CRC-clean with one step's values (its global
    step), but a fixed prefix killed while being replaced (the state file names its staged copy
    then); data files without an index (a kill between a new prefix's two renames: never
    visible) are counted and removed. Temporary files are counted and left for the next save."""
    names = sorted(os.listdir(d))
    stats["temp files"] += sum(1 for n in names if _TEMP.search(n) and not n.endswith(".index"))
    for name in names:
        assert name == "checkpoint" or _FILE.match(name) or _TEMP.search(name), name
    for name in names:
        if not name.endswith(".data-00000-of-00001") or ".tempstate" in name:
            continue
        prefix = d / name[: -len(".data-00000-of-00001")]
        if not os.path.exists(f"{prefix}.index"):
            stats["data without index"] += 1
            os.remove(d / name)
            continue
        latest = Path(tf.train.latest_checkpoint(str(d)))
        if ".saving" in name and prefix != latest:
            continue  # a staged copy that a kill left behind (removed by the next save)
        if ".saving" in latest.name and prefix == d / "model":
            continue  # being replaced when killed: the state file names the staged copy

        reader = tf.train.NewCheckpointReader(str(prefix))  # any corruption raises DataLossError
        step = reader.get_tensor("global_step")
        for i, b in enumerate(bases):
            assert np.array_equal(reader.get_tensor(f"v{i}"), b + np.float32(step)), (prefix, i)


@pytest.mark.parametrize("mode", ["numbered", "fixed"])
def test_sigkill_during_save_keeps_the_last_checkpoint(tmp_path, mode):
    rng = random.Random(20240601)
    bases = [child.base(i) for i in range(child.N_VARS)]
    stats = {"temp files": 0, "data without index": 0, "inside save": 0, "staged latest": 0}
    d = tmp_path / "ckpt"
    d.mkdir()
    with open(tmp_path / "stderr.txt", "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-W", "error", str(CHILD), str(d), mode],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
            bufsize=1,
        )
    lines = _Lines(proc.stdout)
    save_times: list[float] = []
    try:
        assert lines.next() == ["serving"]
        with tf.Graph().as_default():
            variables, step_var, _, saver = child.build()
            sess = tf.Session()
            for _ in range(KILLS):
                proc.stdin.write("go\n")
                proc.stdin.flush()
                kind, pid = lines.next()
                assert kind == "worker"
                pid = int(pid)
                words = lines.next()
                assert words[0] == "ready"
                last_saved = int(words[1])  # the step it resumed from
                while True:  # at least one save finished in this worker
                    words = lines.next()
                    if words[0] == "saved":
                        last_saved = int(words[1])
                        save_times.append(float(words[2]))
                        break
                # that save removed what the killed workers' saves had left
                left = {n: p for n, p in _temp_files(d).items() if p != pid}
                assert left == {}, left
                assert lines.next()[0] == "begin"
                threading.Event().wait(rng.uniform(0.0, 1.2) * statistics.median(save_times))
                os.kill(pid, signal.SIGKILL)
                last = "begin"
                while True:
                    words = lines.next()
                    if words[0] == "exited":
                        status = int(words[2])
                        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
                        break
                    if words[0] == "saved":
                        last_saved = int(words[1])
                    last = words[0]
                stats["inside save"] += last == "begin"
                # the newest finished save survived (or the one in flight, once past the state)
                latest = tf.train.latest_checkpoint(str(d))
                stats["staged latest"] += ".saving" in latest
                state = tf.train.get_checkpoint_state(str(d))
                assert state.all_model_checkpoint_paths[-1] == latest
                assert all(tf.train.checkpoint_exists(p) for p in state.all_model_checkpoint_paths)
                saver.restore(sess, latest)  # never a DataLossError
                step = sess.run(step_var)
                assert step in (last_saved, last_saved + 1), (step, last_saved)
                if mode == "numbered":
                    assert int(latest.rsplit("-", 1)[1]) == step
                values = sess.run(variables)
                for i, (v, b) in enumerate(zip(values, bases)):
                    assert np.array_equal(v, b + np.float32(step)), (latest, i)
                _check_directory(d, bases, stats)
            sess.close()
    finally:
        proc.stdin.close()
        proc.wait(timeout=30)
        lines.thread.join(timeout=30)
        proc.stdout.close()
    print(mode, "kills:", KILLS, stats, "save s:", save_times and statistics.median(save_times))
    assert proc.returncode == 0, (tmp_path / "stderr.txt").read_text()
    # the kills did land inside saves, and some did interrupt a write
    assert stats["inside save"] >= KILLS // 2, stats
    assert stats["temp files"] + stats["data without index"] >= 1, stats
