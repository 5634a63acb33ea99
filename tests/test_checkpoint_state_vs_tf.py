"""The checkpoint bookkeeping of ``tf.train`` side by side with TF 2.21 ``compat.v1``:
``generate_checkpoint_state_proto`` (absolute and relative directories, timestamps),
``update_checkpoint_state`` (the state file's text, ``latest_filename``, read back by both),
``get_checkpoint_mtimes`` (V2 index files, V1 files, missing ones) and ``remove_checkpoint``
(V2 and V1 files, the meta graph); TF's errors."""

from __future__ import annotations

import os

import pytest
import tensorflow as real_tf
from google.protobuf import text_format

import tflite_core as tf

T = real_tf.compat.v1


def proto_text(state) -> str:
    return (
        state.to_text()
        if isinstance(state, tf.train.CheckpointState)
        else (text_format.MessageToString(state))
    )


CASES = {
    "absolute": lambda d: (d, os.path.join(d, "m-3"), [os.path.join(d, "m-1")], None, None),
    "already_last": lambda d: (d, f"{d}/m-2", [f"{d}/m-1", f"{d}/m-2"], None, None),
    "timestamps": lambda d: (d, f"{d}/m-2", [f"{d}/m-1", f"{d}/m-2"], [1.5, 1700000000.25], 12.5),
    "relative_dir": lambda d: ("run", "run/m-5", ["run/m-4", "/abs/m-1"], None, None),
    "no_paths": lambda d: (d, f"{d}/only", None, None, None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_generate_checkpoint_state_proto(name, tmp_path):
    args = CASES[name](str(tmp_path))
    ours = tf.train.generate_checkpoint_state_proto(*args)
    theirs = T.train.generate_checkpoint_state_proto(*args)
    assert proto_text(ours) == proto_text(theirs)
    assert ours.model_checkpoint_path == theirs.model_checkpoint_path
    assert list(ours.all_model_checkpoint_paths) == list(theirs.all_model_checkpoint_paths)


@pytest.mark.parametrize("latest_filename", [None, "latest_state"])
def test_update_checkpoint_state_file(tmp_path, monkeypatch, latest_filename):
    monkeypatch.chdir(tmp_path)
    os.mkdir("run")
    texts, states = [], []
    for m in (T, tf):
        for save_dir in ("run", str(tmp_path / "run")):
            m.train.update_checkpoint_state(
                save_dir,
                os.path.join(save_dir, "model-20"),
                [os.path.join(save_dir, "model-10")],
                latest_filename=latest_filename,
                all_model_checkpoint_timestamps=[10.0, 20.0],
                last_preserved_timestamp=5.0,
            )
            with open(os.path.join("run", latest_filename or "checkpoint")) as f:
                texts.append(f.read())
            for reader in (T, tf):  # each library reads what the other wrote
                st = reader.train.get_checkpoint_state(save_dir, latest_filename)
                states.append((st.model_checkpoint_path, list(st.all_model_checkpoint_paths)))
    assert texts[:2] == texts[2:]
    assert states[:4] == states[4:]


def touch(path, mtime):
    with open(path, "wb") as f:
        f.write(b"x")
    os.utime(path, ns=(mtime, mtime))


def test_get_checkpoint_mtimes(tmp_path):
    d = str(tmp_path)
    touch(f"{d}/v2.index", 1_600_000_000_123_456_789)
    touch(f"{d}/v2.data-00000-of-00001", 1_500_000_000_000_000_000)
    touch(f"{d}/v1", 1_400_000_000_500_000_000)
    prefixes = [f"{d}/v2", f"{d}/missing", f"{d}/v1"]
    ours = tf.train.get_checkpoint_mtimes(prefixes)
    assert ours == T.train.get_checkpoint_mtimes(prefixes)
    assert ours == [1_600_000_000.0, 1_400_000_000.0]  # whole seconds, as TF's


@pytest.mark.parametrize("version", [1, 2])
def test_remove_checkpoint(tmp_path, version):
    names = [
        "m-1.meta",
        "m-1.index",
        "m-1.data-00000-of-00002",
        "m-1.data-00001-of-00002",
        "m-1",
        "m-10.index",
        "m-1.tmp",
    ]
    left = []
    for m in (T, tf):
        d = tmp_path / m.__name__
        d.mkdir()
        for n in names:
            touch(str(d / n), 1_000_000_000)
        m.train.remove_checkpoint(str(d / "m-1"), checkpoint_format_version=version)
        left.append(sorted(os.listdir(d)))
    assert left[0] == left[1]
    assert "m-1.meta" not in left[1] and "m-10.index" in left[1]


def test_remove_missing_checkpoint_is_quiet(tmp_path):
    tf.train.remove_checkpoint(str(tmp_path / "nothing"))
    T.train.remove_checkpoint(str(tmp_path / "nothing"))


# ---- bad input -----------------------------------------------------------------------------------
@pytest.mark.bad_input
def test_timestamps_of_another_length(tmp_path):
    d = str(tmp_path)
    msgs = []
    for m in (T, tf):
        with pytest.raises(ValueError) as e:
            m.train.generate_checkpoint_state_proto(d, f"{d}/m-2", [f"{d}/m-1"], [1.0, 2.0, 3.0])
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]


@pytest.mark.bad_input
def test_state_file_as_checkpoint_path(tmp_path):
    d = str(tmp_path)
    msgs = []
    for m in (T, tf):
        with pytest.raises(RuntimeError) as e:
            m.train.update_checkpoint_state(d, os.path.join(d, "checkpoint"))
        msgs.append(str(e.value))
    assert msgs[0] == msgs[1]
