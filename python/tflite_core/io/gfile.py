"""``tf.io.gfile`` and TF 1.x's ``tf.gfile``: files and directories through TF's API, on the local
file system (TF's other schemes, ``gs://`` and ``hdfs://``, are not provided: a path with a
scheme is an UnimplementedError naming it, as TF's for a scheme it lacks).

TF's errors: a missing file or directory is ``NotFoundError``, an existing target of a copy or
rename without ``overwrite`` is ``AlreadyExistsError``, reading a file opened for writing (and
the reverse) is ``PermissionDeniedError``.
"""

from __future__ import annotations

import glob as _glob
import os
import shutil
from collections.abc import Iterator
from typing import Any

from ..framework import errors


def _path(name: Any) -> str:
    p = os.fsdecode(name)
    if "://" in p:
        scheme = p.split("://", 1)[0]
        raise errors.UnimplementedError(
            None, None, f"File system scheme '{scheme}' not implemented (file: '{p}')"
        )
    return p


def _not_found(p: str) -> errors.NotFoundError:
    return errors.NotFoundError(None, None, f"{p}; No such file or directory")


class GFile:
    """A file with TF's API (``read``, ``write``, ``readline``, iteration, ``size``, ``seek``,
    ``tell``, ``flush``, ``close``; a context manager); mode ``"r"``/``"rb"``/``"w"``/``"wb"``/
    ``"a"``/``"ab"``. Text modes read and write ``str``."""

    def __init__(self, name: Any, mode: str = "r") -> None:
        self.__name = _path(name)
        self.__mode = mode
        self._f: Any = None
        if mode not in ("r", "rb", "w", "wb", "a", "ab", "r+", "rb+", "w+", "wb+", "a+", "ab+"):
            raise errors.InvalidArgumentError(None, None, f"mode is not 'r' or 'w' or 'a': {mode}")

    @property
    def name(self) -> str:
        return self.__name

    @property
    def mode(self) -> str:
        return self.__mode

    def _open(self, reading: bool) -> Any:
        if reading and not any(c in self.__mode for c in "r+"):
            raise errors.PermissionDeniedError(None, None, "File isn't open for reading")
        if not reading and not any(c in self.__mode for c in "wa+"):
            raise errors.PermissionDeniedError(None, None, "File isn't open for writing")
        if self._f is None:
            try:
                self._f = open(self.__name, self.__mode)  # noqa: SIM115 (closed by close())
            except FileNotFoundError:
                raise _not_found(self.__name) from None
            except IsADirectoryError:
                raise errors.FailedPreconditionError(
                    None, None, f"{self.__name}; Is a directory"
                ) from None
        return self._f

    def size(self) -> int:
        return stat(self.__name).length

    def write(self, file_content: Any) -> None:
        f = self._open(False)
        if "b" in self.__mode and isinstance(file_content, str):
            file_content = file_content.encode()
        elif "b" not in self.__mode and isinstance(file_content, bytes):
            file_content = file_content.decode()
        f.write(file_content)

    def read(self, n: int = -1) -> Any:
        return self._open(True).read(n)

    def readline(self) -> Any:
        return self._open(True).readline()

    def readlines(self) -> list:
        return self._open(True).readlines()

    def seek(self, offset: int | None = None, whence: int = 0, position: int | None = None) -> int:
        if position is not None:
            offset = position
        return self._open(True).seek(offset or 0, whence)

    def tell(self) -> int:
        return self._open("r" in self.__mode).tell()

    def flush(self) -> None:
        if self._f is not None:
            self._f.flush()

    def close(self) -> None:
        if self._f is not None:
            self._f.close()
            self._f = None

    def __iter__(self) -> Iterator[Any]:
        return iter(self._open(True))

    def __next__(self) -> Any:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def seekable(self) -> bool:
        return True

    def __enter__(self) -> GFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FileStatistics:
    """``stat``'s result: ``length`` (bytes), ``mtime_nsec``, ``is_directory``."""

    def __init__(self, length: int, mtime_nsec: int, is_directory: bool) -> None:
        self.length = length
        self.mtime_nsec = mtime_nsec
        self.is_directory = is_directory


def exists(path: Any) -> bool:
    return os.path.exists(_path(path))


def isdir(path: Any) -> bool:
    return os.path.isdir(_path(path))


def glob(pattern: Any) -> list:
    """The paths matching ``pattern`` (a string or a list of them), sorted per pattern."""
    pats = [pattern] if isinstance(pattern, (str, bytes)) else list(pattern)
    out: list = []
    for p in pats:
        out += sorted(_glob.glob(_path(p)))
    return out


def listdir(path: Any) -> list:
    p = _path(path)
    if not os.path.isdir(p):
        raise errors.NotFoundError(None, None, "Could not find directory " + p)
    return sorted(os.listdir(p))


def makedirs(path: Any) -> None:
    os.makedirs(_path(path), exist_ok=True)


def mkdir(path: Any) -> None:
    p = _path(path)
    try:
        os.mkdir(p)
    except FileExistsError:
        raise errors.AlreadyExistsError(None, None, f"{p}; File exists") from None
    except FileNotFoundError:
        raise _not_found(p) from None


def remove(path: Any) -> None:
    p = _path(path)
    try:
        os.remove(p)
    except FileNotFoundError:
        raise _not_found(p) from None


def rmtree(path: Any) -> None:
    p = _path(path)
    if not os.path.exists(p):
        raise _not_found(p)
    shutil.rmtree(p)


def rename(oldname: Any, newname: Any, overwrite: bool = False) -> None:
    src, dst = _path(oldname), _path(newname)
    if not os.path.exists(src):
        raise _not_found(src)
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {dst}")
    os.replace(src, dst)


def copy(oldpath: Any, newpath: Any, overwrite: bool = False) -> None:
    src, dst = _path(oldpath), _path(newpath)
    if not os.path.exists(src):
        raise _not_found(src)
    if not overwrite and os.path.exists(dst):
        raise errors.AlreadyExistsError(None, None, f"file already exists: {dst}")
    shutil.copyfile(src, dst)


def stat(path: Any) -> FileStatistics:
    p = _path(path)
    try:
        s = os.stat(p)
    except FileNotFoundError:
        raise _not_found(p) from None
    return FileStatistics(s.st_size, s.st_mtime_ns, os.path.isdir(p))


def walk(top: Any, in_order: bool = True) -> Iterator[tuple]:
    """``(dirname, subdirs, files)`` for ``top`` and every directory below it (top-down when
    ``in_order``); nothing for a missing ``top``."""
    p = _path(top)
    if not os.path.isdir(p):
        return
    for d, subdirs, files in os.walk(p, topdown=in_order):
        subdirs.sort()
        yield d, subdirs, sorted(files)


def join(path: Any, *paths: Any) -> str:
    return os.path.join(os.fsdecode(path), *(os.fsdecode(q) for q in paths))


def get_registered_schemes() -> list:
    return ["file"]


# TF 1.x's tf.gfile names
Copy = copy
DeleteRecursively = rmtree
Exists = exists
FastGFile = GFile
Glob = glob
IsDirectory = isdir
ListDirectory = listdir
MakeDirs = makedirs
MkDir = mkdir
Open = GFile
Remove = remove
Rename = rename
Stat = stat
Walk = walk
