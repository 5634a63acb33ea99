"""``tf.saved_model.loader.load`` (= ``tf.saved_model.load`` in TF 1.x): loads a SavedModel's
meta graph into a session, as TF 1.x does.

The meta graph whose tags are exactly ``tags`` is imported into the session's graph
(``tf.train.import_meta_graph``: its collections too), the variables are restored from
``variables/variables``, then the init op runs (the ``__saved_model_init_op`` signature's op,
else the main op, else the legacy init op) with each asset's tensor fed with the path of its
file in ``assets/``. Returns the ``MetaGraphDef`` (its signatures name the tensors to run).

>>> import os, tempfile
>>> import tflite_core as tf
>>> tmp = tempfile.TemporaryDirectory()
>>> tf.saved_model.contains_saved_model(tmp.name)
False
>>> with tf.Graph().as_default(), tf.Session() as sess:
...     tf.saved_model.loader.load(sess, ["serve"], tmp.name)  # doctest: +ELLIPSIS
Traceback (most recent call last):
OSError: SavedModel file does not exist at: .../{saved_model.pbtxt|saved_model.pb}
>>> tmp.cleanup()
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any

from ..framework.graph import Operation, Tensor, get_default_graph
from ..framework.meta_graph_protos import meta_protos
from ..framework.scoped_names import strip_name_scope
from ..framework.tf_logging import info
from ..ops.variables import global_variables
from ..training.meta_graph import import_meta_graph
from ..training.saver import Saver
from . import constants
from .saved_model_io import parse_saved_model
from .signature_def_utils import load_op_from_signature_def

__all__ = ["contains_saved_model", "load", "maybe_saved_model_directory", "parse_saved_model"]


def maybe_saved_model_directory(export_dir: str | os.PathLike) -> bool:
    """Whether ``export_dir`` holds a SavedModel file (``saved_model.pb``, ``.pbtxt`` or
    ``.cpb``); True does not promise that it loads."""
    export_dir = os.fspath(export_dir)
    return any(
        os.path.exists(os.path.join(export_dir, name))
        for name in (
            constants.SAVED_MODEL_FILENAME_PBTXT,
            constants.SAVED_MODEL_FILENAME_PB,
            constants.SAVED_MODEL_FILENAME_CPB,
        )
    )


contains_saved_model = maybe_saved_model_directory


def _meta_graph_from_tags(saved_model: Any, tags: Iterable[str]) -> Any:
    """The meta graph whose tags are exactly ``tags``.

    Raises:
        RuntimeError: none has them (the message lists the tag sets there are).
    """
    available = []
    for meta in saved_model.meta_graphs:
        available.append(set(meta.meta_info_def.tags))
        if set(meta.meta_info_def.tags) == set(tags):
            return meta
    raise RuntimeError(
        f"MetaGraphDef associated with tags {str(tags).strip('[]')} could not be found in "
        f"SavedModel, with available tags '{available}'. To inspect available tag-sets in the "
        "SavedModel, please use the SavedModel CLI: `saved_model_cli`."
    )


def get_asset_tensors(export_dir: str, meta_graph_def: Any, import_scope: str | None = None):
    """{asset tensor name: its file's path in ``assets/`` (bytes)}: the meta graph's
    ``asset_file_def``s, else the ``AssetFileDef``s of its ``saved_model_assets`` collection."""
    protos = list(meta_graph_def.asset_file_def)
    if not protos and constants.ASSETS_KEY in meta_graph_def.collection_def:
        cls = meta_protos().AssetFileDef
        col = meta_graph_def.collection_def[constants.ASSETS_KEY].any_list.value
        protos = [cls.FromString(a.value) for a in col]
    assets_dir = os.path.join(os.fsencode(export_dir), os.fsencode(constants.ASSETS_DIRECTORY))
    out = {}
    for asset in protos:
        name = asset.tensor_info.name
        if import_scope:
            name = f"{import_scope}/{name}"
        out[name] = os.path.join(assets_dir, asset.filename.encode("utf-8"))
    return out


def _op_from_collection(meta_graph_def: Any, key: str) -> Operation | Tensor | None:
    """The one op of collection ``key`` (None when the meta graph has no such collection).

    Raises:
        RuntimeError: the collection has more than one op, or none.
    """
    if key not in meta_graph_def.collection_def:
        return None
    names = list(meta_graph_def.collection_def[key].node_list.value)
    if len(names) != 1:
        raise RuntimeError(f"Expected exactly one SavedModel init op. Found {len(names)}: {names}.")
    return get_default_graph().get_collection(key)[0]


def _init_op(meta_graph_def: Any, import_scope: str | None) -> Operation | Tensor | None:
    key = constants.INIT_OP_SIGNATURE_KEY
    if key in meta_graph_def.signature_def:
        return load_op_from_signature_def(meta_graph_def.signature_def[key], key, import_scope)
    return _op_from_collection(meta_graph_def, constants.MAIN_OP_KEY) or _op_from_collection(
        meta_graph_def, constants.LEGACY_INIT_OP_KEY
    )


_SAVER_OPS = ("SaveV2", "RestoreV2", "restore_all")


def _without_tf_savers(meta_graph_def: Any) -> Any:
    """A copy of ``meta_graph_def`` without the save and restore ops of the TF Savers in its
    graph (every scope holding a ``SaveV2``/``RestoreV2`` op, not only the scope its
    ``saver_def`` names: TF's builder adds a Saver per meta graph, so a later meta graph also
    holds the earlier ones). The Saver ``import_meta_graph`` returns does their work here."""
    scopes = {
        n.name.rpartition("/")[0] + "/"
        for n in meta_graph_def.graph_def.node
        if "/" in n.name and n.name.rpartition("/")[2] in _SAVER_OPS
    }
    if not scopes:
        return meta_graph_def
    meta = type(meta_graph_def)()
    meta.CopyFrom(meta_graph_def)
    kept = [n for n in meta.graph_def.node if not n.name.startswith(tuple(scopes))]
    del meta.graph_def.node[:]
    meta.graph_def.node.extend(kept)
    return meta


def load(
    sess: Any,
    tags: Iterable[str],
    export_dir: str | os.PathLike,
    import_scope: str | None = None,
    **saver_kwargs: Any,
) -> Any:
    """Loads the meta graph tagged ``tags`` of the SavedModel in ``export_dir`` into ``sess``:
    imports its graph into ``sess.graph`` (names under ``import_scope``), restores its
    variables and runs its init op; returns its ``MetaGraphDef`` (names as saved, without
    ``import_scope``).

    Args:
        sess: the session to restore the variables into.
        tags: the meta graph's exact set of tags.
        export_dir: the SavedModel directory.
        import_scope: a name scope for the imported graph.
        **saver_kwargs: passed to ``tf.train.import_meta_graph`` (``clear_devices``, ...).

    Raises:
        OSError: no SavedModel file, or one that does not parse.
        RuntimeError: no meta graph with these tags.
        ValueError: variables but no Saver to restore them.
    """
    export_dir = os.fspath(export_dir)
    saved_model = parse_saved_model(export_dir)
    meta = _meta_graph_from_tags(saved_model, tags)
    variables_path = os.path.join(
        export_dir, constants.VARIABLES_DIRECTORY, constants.VARIABLES_FILENAME
    )
    with sess.graph.as_default():
        saver = import_meta_graph(
            _without_tf_savers(meta), import_scope=import_scope, **saver_kwargs
        )
        if saver is not None and import_scope and not meta.HasField("saver_def"):
            # (a Saver over the graph's variables by their full names: the checkpoint has them
            # by the names they had when saved)
            found = global_variables(scope=import_scope)
            saver = Saver({strip_name_scope(v.op.name, import_scope): v for v in found})
        if saver is None and not global_variables(scope=import_scope):
            info("The specified SavedModel has no variables; no checkpoints were restored.")
        elif isinstance(saver, Saver):
            saver.restore(sess, variables_path)
        else:
            raise ValueError(
                "No tf.train.Saver object was passed to the function "
                "`SavedModelLoader.restore_variables`. Since there are variables in the graph, "
                "a saver is required."
            )
        assets = get_asset_tensors(export_dir, meta, import_scope)
        init_op = _init_op(meta, import_scope)
        if init_op is not None:
            sess.run(fetches=[init_op], feed_dict=assets)
    return meta
