"""The ``checkpoint`` state file of a directory, and finding checkpoints (``latest_checkpoint``).

The state file is a ``CheckpointState`` protocol buffer in text format, as TensorFlow writes it
(tensorflow/tensorflow ``python/checkpoint/checkpoint_management.py``, ``checkpoint_state.proto``)::

    model_checkpoint_path: "/tmp/run/model-20"
    all_model_checkpoint_paths: "/tmp/run/model-10"
    all_model_checkpoint_paths: "/tmp/run/model-20"

Paths are written relative to the directory when it was given as a relative path (or with
``Saver(save_relative_paths=True)``) and absolute otherwise; relative paths read back are joined
to the directory. The file is replaced atomically (temp file + rename).

>>> import os, tempfile
>>> tmp = tempfile.TemporaryDirectory()
>>> d = tmp.name
>>> _update_checkpoint_state(d, os.path.join(d, "m-1"), [os.path.join(d, "m-1")])
>>> get_checkpoint_state(d).model_checkpoint_path == os.path.join(d, "m-1")
True
>>> tmp.cleanup()
"""

from __future__ import annotations

import glob
import logging
import os
import re

from ..io.file_io import atomic_write

_log = logging.getLogger(__name__)


class CheckpointState:
    """``tf.train.CheckpointState``: the newest checkpoint and every one still kept, oldest first.

    Attributes:
        model_checkpoint_path: the newest checkpoint's prefix.
        all_model_checkpoint_paths: the prefixes of every checkpoint kept, oldest first.
        all_model_checkpoint_timestamps: seconds since the Epoch of each (may be empty).
        last_preserved_timestamp: when the last checkpoint kept by the hours rule was written.
    """

    def __init__(
        self,
        model_checkpoint_path: str = "",
        all_model_checkpoint_paths=(),
        all_model_checkpoint_timestamps=(),
        last_preserved_timestamp: float = 0.0,
    ):
        self.model_checkpoint_path = model_checkpoint_path
        self.all_model_checkpoint_paths = list(all_model_checkpoint_paths)
        self.all_model_checkpoint_timestamps = list(all_model_checkpoint_timestamps)
        self.last_preserved_timestamp = float(last_preserved_timestamp)

    def to_text(self) -> str:
        """The text format TensorFlow's ``text_format.MessageToString`` gives (fields in order)."""
        lines = []
        if self.model_checkpoint_path:
            lines.append(f"model_checkpoint_path: {_quote(self.model_checkpoint_path)}")
        lines += [
            f"all_model_checkpoint_paths: {_quote(p)}" for p in self.all_model_checkpoint_paths
        ]
        lines += [
            f"all_model_checkpoint_timestamps: {t!r}" for t in self.all_model_checkpoint_timestamps
        ]
        if self.last_preserved_timestamp:
            lines.append(f"last_preserved_timestamp: {self.last_preserved_timestamp!r}")
        return "".join(line + "\n" for line in lines)

    @classmethod
    def from_text(cls, text: str) -> CheckpointState:
        """Parses the text format. Raises ValueError on anything else."""
        state = cls()
        for field, value in _tokens(text):
            if field in ("model_checkpoint_path", "all_model_checkpoint_paths"):
                if not value.startswith(("'", '"')):
                    raise ValueError(f"{field}: expected a string, got {value}")
                s = _unquote(value)
                if field == "model_checkpoint_path":
                    state.model_checkpoint_path = s
                else:
                    state.all_model_checkpoint_paths.append(s)
            elif field == "all_model_checkpoint_timestamps":
                state.all_model_checkpoint_timestamps.append(float(value))
            elif field == "last_preserved_timestamp":
                state.last_preserved_timestamp = float(value)
            else:
                raise ValueError(f'Message type "tensorflow.CheckpointState" has no field {field}')
        return state

    def __eq__(self, other) -> bool:
        return isinstance(other, CheckpointState) and self.to_text() == other.to_text()

    def __repr__(self) -> str:
        return self.to_text()


# ---- text format ---------------------------------------------------------------------------------
_ESCAPES = {10: "\\n", 13: "\\r", 9: "\\t", 34: '\\"', 39: "\\'", 92: "\\\\"}
_TOKEN = re.compile(
    r"""\s*(?:\#[^\n]*\n?\s*)*([A-Za-z_][A-Za-z0-9_]*)\s*:\s*
        ("(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|[^\s#"']+)""",
    re.VERBOSE,
)
_TRAILING = re.compile(r"(?:\s|#[^\n]*)*")
_UNESCAPE = re.compile(rb"\\([0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", re.DOTALL)
_SIMPLE = {b"n": 10, b"r": 13, b"t": 9, b"a": 7, b"b": 8, b"f": 12, b"v": 11}


def _quote(s: str) -> str:
    """Quotes a string as protobuf's text format does (``CEscape`` with ``as_utf8``, its default
    since protobuf 4): quotes and backslashes escaped, control characters as ``\\t``, ``\\n``,
    ``\\r`` or octal, other characters (non-ASCII too) as they are."""
    out = []
    for ch in s:
        c = ord(ch)
        if c in _ESCAPES:
            out.append(_ESCAPES[c])
        elif c < 0x20 or c == 0x7F:
            out.append(f"\\{c:03o}")
        elif 0xDC80 <= c <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape): octal
            out.append(f"\\{c - 0xDC00:03o}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _unquote(token: str) -> str:
    def sub(m):
        e = m.group(1)
        if e[:1].isdigit():
            return bytes([int(e, 8) & 0xFF])
        if e[:1] == b"x":
            return bytes([int(e[1:], 16)])
        return bytes([_SIMPLE[e]]) if e in _SIMPLE else e

    raw = token[1:-1].encode("utf-8", "surrogateescape")
    return _UNESCAPE.sub(sub, raw).decode("utf-8", "surrogateescape")


def _tokens(text: str):
    pos = 0
    while True:
        m = _TOKEN.match(text, pos)
        if m is None:
            rest = _TRAILING.match(text, pos)
            if rest is None or rest.end() != len(text):
                raise ValueError(f"cannot parse checkpoint state at: {text[pos : pos + 40]!r}")
            return
        yield m.group(1), m.group(2)
        pos = m.end()


# ---- the state file ------------------------------------------------------------------------------
def _state_filename(save_dir: str, latest_filename: str | None) -> str:
    return os.path.join(save_dir, latest_filename or "checkpoint")


def _relpath(p: str, save_dir: str) -> str:
    return os.path.relpath(p, save_dir or os.curdir)


def generate_checkpoint_state_proto(
    save_dir: str,
    model_checkpoint_path: str,
    all_model_checkpoint_paths=None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp: float | None = None,
) -> CheckpointState:
    """The ``CheckpointState`` TF would write for ``save_dir``: ``model_checkpoint_path`` appended
    to ``all_model_checkpoint_paths`` unless it is already last; with a relative ``save_dir`` the
    relative paths are made relative to it. ValueError when timestamps are given for a different
    number of paths."""
    paths = list(all_model_checkpoint_paths or [])
    if not paths or paths[-1] != model_checkpoint_path:
        _log.info(
            "%s is not in all_model_checkpoint_paths. Manually adding it.", model_checkpoint_path
        )
        paths.append(model_checkpoint_path)
    stamps = list(all_model_checkpoint_timestamps or [])
    if stamps and len(stamps) != len(paths):
        raise ValueError(
            "Checkpoint timestamps, if provided, must match checkpoint paths (got paths "
            f"{paths} and timestamps {stamps})"
        )
    if not os.path.isabs(save_dir):
        if not os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = _relpath(model_checkpoint_path, save_dir)
        paths = [p if os.path.isabs(p) else _relpath(p, save_dir) for p in paths]
    return CheckpointState(model_checkpoint_path, paths, stamps, last_preserved_timestamp or 0.0)


def _update_checkpoint_state(
    save_dir: str,
    model_checkpoint_path: str,
    all_model_checkpoint_paths=None,
    latest_filename: str | None = None,
    save_relative_paths: bool = False,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp: float | None = None,
) -> None:
    """TensorFlow's ``update_checkpoint_state_internal``: writes the ``checkpoint`` file."""
    paths = list(all_model_checkpoint_paths or [])
    if save_relative_paths:
        if os.path.isabs(model_checkpoint_path):
            model_checkpoint_path = _relpath(model_checkpoint_path, save_dir)
        paths = [_relpath(p, save_dir) if os.path.isabs(p) else p for p in paths]
    state = generate_checkpoint_state_proto(
        save_dir,
        model_checkpoint_path,
        paths,
        all_model_checkpoint_timestamps,
        last_preserved_timestamp,
    )
    filename = _state_filename(save_dir, latest_filename)
    if filename == state.model_checkpoint_path:
        raise RuntimeError(
            f"Save path '{model_checkpoint_path}' conflicts with path used for checkpoint state.  "
            "Please use a different save path."
        )
    atomic_write(filename, state.to_text().encode("utf-8"))


def update_checkpoint_state(
    save_dir: str,
    model_checkpoint_path: str,
    all_model_checkpoint_paths=None,
    latest_filename: str | None = None,
    all_model_checkpoint_timestamps=None,
    last_preserved_timestamp: float | None = None,
) -> None:
    """Writes ``save_dir``'s ``checkpoint`` state file (or ``latest_filename``) atomically, as
    ``generate_checkpoint_state_proto`` makes it. RuntimeError when the checkpoint path is the
    state file itself."""
    _update_checkpoint_state(
        save_dir,
        model_checkpoint_path,
        all_model_checkpoint_paths,
        latest_filename,
        False,
        all_model_checkpoint_timestamps,
        last_preserved_timestamp,
    )


def get_checkpoint_state(
    checkpoint_dir: str, latest_filename: str | None = None
) -> CheckpointState | None:
    """Reads the directory's ``checkpoint`` file; None if there is none (or it does not parse).

    Relative paths in it are joined to ``checkpoint_dir``.

    Raises:
        ValueError: the file names no ``model_checkpoint_path``.
    """
    checkpoint_dir = os.fspath(checkpoint_dir)
    filename = _state_filename(checkpoint_dir, latest_filename)
    try:
        with open(filename, "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        _log.warning("%s: %s; checkpoint ignored", filename, e)
        return None
    try:
        state = CheckpointState.from_text(text)
    except ValueError as e:
        _log.warning("%s: %s; checkpoint ignored", filename, e)
        return None
    if not state.model_checkpoint_path:
        raise ValueError("Invalid checkpoint state loaded from " + checkpoint_dir)
    if not os.path.isabs(state.model_checkpoint_path):
        state.model_checkpoint_path = os.path.join(checkpoint_dir, state.model_checkpoint_path)
    state.all_model_checkpoint_paths = [
        p if os.path.isabs(p) else os.path.join(checkpoint_dir, p)
        for p in state.all_model_checkpoint_paths
    ]
    return state


def _matches(pattern: str) -> bool:
    return os.path.exists(pattern) or bool(glob.glob(pattern))


def checkpoint_exists(checkpoint_prefix: str) -> bool:
    """Whether a V2 (``prefix.index``) or V1 (the prefix itself) checkpoint exists."""
    prefix = os.fspath(checkpoint_prefix)
    return _matches(prefix + ".index") or _matches(prefix)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The newest checkpoint's prefix named by the directory's ``checkpoint`` file, or None.

    None too when the file names a checkpoint whose files are gone.
    """
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state and state.model_checkpoint_path:
        if checkpoint_exists(state.model_checkpoint_path):
            return state.model_checkpoint_path
        _log.error("Couldn't match files for checkpoint %s", state.model_checkpoint_path)
    return None


def meta_graph_filename(checkpoint_filename: str, meta_graph_suffix: str = "meta") -> str:
    """``prefix.meta`` (a sharded ``-?????-of-NNNNN`` suffix removed first), as TensorFlow."""
    base = re.sub(r"-[\d\?]+-of-\d+$", "", checkpoint_filename)
    return ".".join([base, meta_graph_suffix])


def _first_match(pattern: str) -> str | None:
    found = sorted(glob.glob(pattern))
    return found[0] if found else (pattern if os.path.exists(pattern) else None)


def get_checkpoint_mtimes(checkpoint_prefixes) -> list[float]:
    """The modification times (whole seconds since the Epoch) of the checkpoints that exist: a V2
    checkpoint's ``.index`` file, else a V1 checkpoint's own file; missing ones are skipped."""
    mtimes = []
    for prefix in checkpoint_prefixes:
        for pattern in (os.fspath(prefix) + ".index", os.fspath(prefix)):
            found = _first_match(pattern)
            if found is not None:
                # whole seconds, as TF's file system reports them
                mtimes.append(float(os.stat(found).st_mtime_ns // 1_000_000_000))
                break
    return mtimes


def _delete_matching(pattern: str) -> None:
    for path in sorted(glob.glob(pattern)):
        try:
            os.remove(path)
        except FileNotFoundError:
            _log.warning(
                "Hit NotFoundError when deleting '%s', possibly because another process/thread "
                "is also deleting/moving the same file",
                path,
            )


def remove_checkpoint(
    checkpoint_prefix: str, checkpoint_format_version: int = 2, meta_graph_suffix: str = "meta"
) -> None:
    """Deletes a checkpoint's files where they exist: ``prefix.meta`` and, for the V2 format
    (``SaverDef.V2``, the default), ``prefix.index`` and ``prefix.data-?????-of-?????``; for V1
    the files matching the prefix itself."""
    prefix = os.fspath(checkpoint_prefix)
    _delete_matching(meta_graph_filename(prefix, meta_graph_suffix))
    if checkpoint_format_version == 2:
        _delete_matching(prefix + ".index")
        _delete_matching(prefix + ".data-?????-of-?????")
    else:
        _delete_matching(prefix)
