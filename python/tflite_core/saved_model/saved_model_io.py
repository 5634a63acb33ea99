"""Reading and writing a SavedModel directory's ``saved_model.pb`` / ``saved_model.pbtxt``
(the ``SavedModel`` message) with TF's errors: the loader, the builder and
``MethodNameUpdater`` share these."""

from __future__ import annotations

import os
from typing import Any

from google.protobuf import message, text_format

from ..framework.meta_graph_protos import meta_protos
from ..framework.tf_logging import info
from ..io.file_io import atomic_write
from . import constants


def parse_saved_model(export_dir: str | os.PathLike) -> Any:
    """The ``SavedModel`` message of ``export_dir`` (``saved_model.pb``, else ``.pbtxt``).

    Raises:
        OSError: neither file exists, or the file does not parse (its path in the message).
    """
    export_dir = os.fspath(export_dir)
    saved_model = meta_protos().SavedModel()
    # (TF names the file by a bytes path in its messages)
    path_pb = os.fsencode(os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB))
    path_txt = os.fsencode(os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT))
    if os.path.exists(path_pb):
        with open(path_pb, "rb") as f:
            data = f.read()
        try:
            saved_model.ParseFromString(data)
        except message.DecodeError as e:
            raise OSError(f"Cannot parse file {path_pb!r}: {e}.") from e
    elif os.path.exists(path_txt):
        with open(path_txt, "rb") as f:
            data = f.read()
        try:
            _parse_text(data.decode("utf-8"), saved_model)
        except text_format.ParseError as e:
            raise OSError(f"Cannot parse file {path_txt!r}: {e}.") from e
    else:
        raise OSError(
            f"SavedModel file does not exist at: {export_dir}{os.path.sep}"
            f"{{{constants.SAVED_MODEL_FILENAME_PBTXT}|{constants.SAVED_MODEL_FILENAME_PB}}}"
        )
    return saved_model


def _parse_text(text: str, saved_model: Any) -> None:
    """Parses a text ``SavedModel`` into ``saved_model``. Fields of TF's meta graphs that this
    library does not declare (a ``MetaInfoDef``'s ``stripped_op_list``, ...) are skipped; an
    unknown field at the top, a syntax error, is a ``ParseError``, as in TF."""
    pool = saved_model.DESCRIPTOR.file.pool
    try:
        text_format.Parse(text, saved_model, descriptor_pool=pool)
    except text_format.ParseError as e:
        if "has no field named" not in str(e) or '"tensorflow.SavedModel"' in str(e):
            raise
        saved_model.Clear()
        text_format.Parse(text, saved_model, allow_unknown_field=True, descriptor_pool=pool)


def write_saved_model(saved_model: Any, export_dir: str, as_text: bool = False) -> bytes:
    """Writes ``saved_model`` to ``export_dir/saved_model.pb`` (``.pbtxt`` with ``as_text``)
    in one atomic replacement; returns the path (bytes, as TF's)."""
    if as_text:
        path = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
        pool = saved_model.DESCRIPTOR.file.pool
        text = text_format.MessageToString(saved_model, descriptor_pool=pool)
        atomic_write(path, text.encode("utf-8"))
    else:
        path = os.path.join(export_dir, constants.SAVED_MODEL_FILENAME_PB)
        atomic_write(path, saved_model.SerializeToString(deterministic=True))
    info("SavedModel written to: %s", path)
    return os.fsencode(path)
