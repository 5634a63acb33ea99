"""``tf.saved_model.builder.SavedModelBuilder`` (= ``tf.saved_model.Builder``) and
``tf.saved_model.simple_save``: write a SavedModel directory as TF 1.x does.

The first meta graph is added with its variables (``add_meta_graph_and_variables``: the
session's values go to ``variables/variables``, a V2 checkpoint), later ones share them
(``add_meta_graph``); each is the ``MetaGraphDef`` of the default graph, tagged, with its
``SignatureDef``s. Assets (string constants holding file paths, e.g. the graph's
``ASSET_FILEPATHS`` collection) are copied to ``assets/`` and recorded, as ``AssetFileDef``s
in the ``saved_model_assets`` collection, so the loader feeds those constants with the copies'
paths. A main op (or legacy init op) is recorded in the ``saved_model_main_op`` collection;
the loader runs it last. ``save`` writes ``saved_model.pb`` (or ``saved_model.pbtxt``).

The meta graphs hold no ``SaverDef``: a ``tf.train.Saver`` here has no save and restore ops in
the graph to name, and TF's loader builds its own Saver over the variables when there is none.
(That Saver reads the checkpoint by the variables' names in TF's graph, so TF loads our
SavedModels without an ``import_scope`` only; this library's loader takes one either way.)

>>> import os, tempfile
>>> import tflite_core as tf
>>> tmp = tempfile.TemporaryDirectory()
>>> export_dir = os.path.join(tmp.name, "model")
>>> with tf.Graph().as_default(), tf.Session() as sess:
...     x = tf.placeholder(tf.float32, [None, 2], name="x")
...     w = tf.Variable([[1.0], [2.0]], name="w")
...     y = tf.matmul(x, w, name="y")
...     sess.run(w.initializer)
...     tf.saved_model.simple_save(sess, export_dir, {"x": x}, {"y": y})
>>> sorted(os.listdir(export_dir))
['saved_model.pb', 'variables']
>>> with tf.Graph().as_default(), tf.Session() as sess:
...     meta = tf.saved_model.loader.load(sess, [tf.saved_model.SERVING], export_dir)
...     sig = meta.signature_def["serving_default"]
...     print(sess.run(sig.outputs["y"].name, {sig.inputs["x"].name: [[3.0, 4.0]]}))
[[11.]]
>>> tmp.cleanup()
"""

from __future__ import annotations

import filecmp
import os
import shutil
from collections.abc import Iterable, Mapping
from typing import Any

from ..framework import dtypes as _dt
from ..framework.graph import GraphKeys, Operation, Tensor, get_default_graph
from ..framework.meta_graph_protos import meta_protos
from ..framework.tf_logging import info
from ..training.meta_graph import export_meta_graph
from ..training.saver import Saver
from . import constants, signature_constants, tag_constants
from .saved_model_io import write_saved_model
from .signature_def_utils import predict_signature_def
from .utils import as_message

_ASSET_TYPE_URL = "type.googleapis.com/tensorflow.AssetFileDef"


class _AnyMessage:
    """A ``google.protobuf.Any`` holding an ``AssetFileDef``, as an item of the graph's
    ``saved_model_assets`` collection (the two fields are all the export reads)."""

    def __init__(self, type_url: str, value: bytes) -> None:
        self.type_url = type_url
        self.value = value


class SavedModelBuilder:
    """Builds a SavedModel in ``export_dir`` (TF 1.x ``SavedModelBuilder``).

    Args:
        export_dir: the directory; created (with its parents) when missing.

    Raises:
        AssertionError: ``export_dir`` exists and is not empty.
    """

    def __init__(self, export_dir: str | os.PathLike) -> None:
        export_dir = os.fspath(export_dir)
        self._saved_model = meta_protos().SavedModel()
        self._saved_model.saved_model_schema_version = constants.SAVED_MODEL_SCHEMA_VERSION
        self._export_dir = export_dir
        if os.path.exists(export_dir):
            if os.listdir(export_dir):
                raise AssertionError(
                    f"Export directory {export_dir} already exists, and isn't empty. Please "
                    "choose a different export directory, or delete all the contents of the "
                    "specified directory."
                )
        else:
            os.makedirs(export_dir)
        self._has_saved_variables = False
        self._saved_asset_files: set[str] = set()

    # -- the pieces of a meta graph ----------------------------------------------------------------
    def _save_and_write_assets(self, assets_collection: Iterable[Tensor] | None) -> None:
        """Records each asset in the graph's assets collection and copies its file."""
        filenames: dict[str, str] = {}  # name in assets/ -> source path
        if assets_collection is None:
            info("No assets to save.")
            return
        for tensor in assets_collection:
            source = _asset_path_from_tensor(tensor)
            if not source:
                raise ValueError(f"Asset filepath tensor {tensor} in is invalid.")
            filename = _asset_filename_to_add(source, filenames)
            asset = meta_protos().AssetFileDef(filename=filename)
            asset.tensor_info.name = tensor.name
            get_default_graph().add_to_collection(
                constants.ASSETS_KEY, _AnyMessage(_ASSET_TYPE_URL, asset.SerializeToString())
            )
            filenames[filename] = source
        info("Assets added to graph.")
        if not filenames:
            info("No assets to write.")
            return
        assets_dir = os.path.join(self._export_dir, constants.ASSETS_DIRECTORY)
        os.makedirs(assets_dir, exist_ok=True)
        for filename, source in filenames.items():
            dest = os.path.join(assets_dir, filename)
            if os.path.exists(source) and source != dest and dest not in self._saved_asset_files:
                shutil.copyfile(source, dest)
                self._saved_asset_files.add(dest)
        info("Assets written to: %s", assets_dir)

    def _maybe_add_main_op(self, main_op: Operation | None) -> None:
        if main_op is None:
            return
        if not isinstance(main_op, Operation):
            raise TypeError(
                f"Expected {main_op} to be an Operation but got type {type(main_op)} instead."
            )
        g = get_default_graph()
        for key in (constants.MAIN_OP_KEY, constants.LEGACY_INIT_OP_KEY):
            if g.get_collection(key):
                raise ValueError(
                    f"Graph already contains one or more main ops under the collection {key}."
                )
        g.add_to_collection(constants.MAIN_OP_KEY, main_op)

    def _validate_tensor_info(self, tensor_info: Any) -> None:
        if tensor_info is None:
            raise AssertionError(
                "All TensorInfo protos used in the SignatureDefs must have the name and dtype "
                "fields set."
            )
        if tensor_info.WhichOneof("encoding") is None:
            raise AssertionError(
                f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
                "SignatureDefs must have one of the 'encoding' fields (e.g., name or "
                "coo_sparse) set."
            )
        if tensor_info.dtype == 0:  # DT_INVALID
            raise AssertionError(
                f"Invalid `tensor_info`: {tensor_info}. All TensorInfo protos used in the "
                "SignatureDefs must have the dtype field set."
            )

    def _validate_signature_def_map(self, signature_def_map: Mapping[str, Any]) -> dict:
        """The map with this library's messages, each TensorInfo checked.

        Raises:
            AssertionError: a TensorInfo without a name or a dtype.
            KeyError: a key reserved for the init or train op.
        """
        out = {k: as_message(v, "SignatureDef") for k, v in signature_def_map.items()}
        for sig in out.values():
            for key in sig.inputs:
                self._validate_tensor_info(sig.inputs[key])
            for key in sig.outputs:
                self._validate_tensor_info(sig.outputs[key])
        for key, what in (
            (constants.INIT_OP_SIGNATURE_KEY, "initialization"),
            (constants.TRAIN_OP_SIGNATURE_KEY, "the train op"),
        ):
            if key in out:
                raise KeyError(
                    f'SignatureDef map key "{key}" is reserved for {what}. Please use a '
                    "different key."
                )
        return out

    def _export(self, clear_devices: bool) -> Any:
        """The default graph's MetaGraphDef, its assets collection as TF's ``any_list``."""
        g = get_default_graph()
        keys = [k for k in g.get_all_collection_keys() if k != constants.ASSETS_KEY]
        meta = export_meta_graph(graph=g, collection_list=keys, clear_devices=clear_devices)
        assets = g.get_collection(constants.ASSETS_KEY)
        if assets:
            col = meta.collection_def[constants.ASSETS_KEY].any_list
            for a in assets:
                col.value.add(type_url=a.type_url, value=a.value)
        return meta

    def _tag_and_add_meta_graph(
        self, meta_graph_def: Any, tags: Iterable[str], signature_def_map: Mapping[str, Any]
    ) -> None:
        for tag in tags:
            meta_graph_def.meta_info_def.tags.append(tag)
        for key, sig in signature_def_map.items():
            meta_graph_def.signature_def[key].CopyFrom(sig)
        self._saved_model.meta_graphs.add().CopyFrom(meta_graph_def)

    # -- the public API ----------------------------------------------------------------------------
    def add_meta_graph_and_variables(
        self,
        sess: Any,
        tags: Iterable[str],
        signature_def_map: Mapping[str, Any] | None = None,
        assets_collection: Iterable[Tensor] | None = None,
        legacy_init_op: Operation | None = None,
        clear_devices: bool = False,
        main_op: Operation | None = None,
        strip_default_attrs: bool = False,
        saver: Saver | None = None,
    ) -> None:
        """Saves the variables' values in ``sess`` and adds the default graph's meta graph,
        tagged ``tags``; must be the first meta graph added.

        Args:
            sess: the session holding the (initialized) variables.
            tags: the meta graph's tags (``tf.saved_model.SERVING``, ...).
            signature_def_map: {key: SignatureDef}.
            assets_collection: string constants holding the paths of asset files.
            legacy_init_op: the main op's former name (used when ``main_op`` is None).
            clear_devices: drop the nodes' device placements.
            main_op: an op the loader runs after restoring the variables.
            strip_default_attrs: accepted; attributes are written as they are.
            saver: the ``tf.train.Saver`` that saves the variables (default: one over every
                global variable).

        Raises:
            AssertionError: variables already saved, or a TensorInfo without name or dtype.
            KeyError: a reserved signature key.
            TypeError: a main op that is not an Operation, or a bad asset tensor.
            ValueError: the graph already has a main op.
        """
        if self._has_saved_variables:
            raise AssertionError(
                "Graph state including variables and assets has already been saved. Please "
                "invoke `add_meta_graph()` instead."
            )
        sigs = self._validate_signature_def_map(signature_def_map or {})
        main_op = main_op or legacy_init_op
        self._save_and_write_assets(assets_collection)
        self._maybe_add_main_op(main_op)
        variables_dir = os.path.join(self._export_dir, constants.VARIABLES_DIRECTORY)
        os.makedirs(variables_dir, exist_ok=True)
        saver = saver or Saver(sharded=True, allow_empty=True)
        saver.save(
            sess,
            os.path.join(variables_dir, constants.VARIABLES_FILENAME),
            write_meta_graph=False,
            write_state=False,
        )
        self._tag_and_add_meta_graph(self._export(clear_devices), tags, sigs)
        self._has_saved_variables = True

    def add_meta_graph(
        self,
        tags: Iterable[str],
        signature_def_map: Mapping[str, Any] | None = None,
        assets_collection: Iterable[Tensor] | None = None,
        legacy_init_op: Operation | None = None,
        clear_devices: bool = False,
        main_op: Operation | None = None,
        strip_default_attrs: bool = False,
        saver: Saver | None = None,
    ) -> None:
        """Adds the default graph's meta graph, tagged ``tags``, sharing the variables saved by
        ``add_meta_graph_and_variables`` (arguments as there).

        Raises:
            AssertionError: no variables saved yet.
        """
        if not self._has_saved_variables:
            raise AssertionError(
                "Graph state including variables and assets has not been saved yet. Please "
                "invoke `add_meta_graph_and_variables()` first."
            )
        sigs = self._validate_signature_def_map(signature_def_map or {})
        main_op = main_op if main_op is not None else legacy_init_op
        self._save_and_write_assets(assets_collection)
        self._maybe_add_main_op(main_op)
        self._tag_and_add_meta_graph(self._export(clear_devices), tags, sigs)

    def save(self, as_text: bool = False) -> bytes:
        """Writes ``saved_model.pb`` (``saved_model.pbtxt`` with ``as_text``); returns its path
        (bytes, as TF's)."""
        os.makedirs(self._export_dir, exist_ok=True)
        return write_saved_model(self._saved_model, self._export_dir, as_text)


Builder = SavedModelBuilder


def simple_save(
    session: Any,
    export_dir: str | os.PathLike,
    inputs: Mapping[str, Any],
    outputs: Mapping[str, Any],
    legacy_init_op: Operation | None = None,
) -> None:
    """Saves a SavedModel for serving: tag ``serve``, one predict signature
    (``serving_default``) of ``inputs`` and ``outputs``, the graph's ``ASSET_FILEPATHS`` as
    assets, ``legacy_init_op`` as the main op, devices cleared."""
    signature_def_map = {
        signature_constants.DEFAULT_SERVING_SIGNATURE_DEF_KEY: predict_signature_def(
            inputs, outputs
        )
    }
    b = SavedModelBuilder(export_dir)
    b.add_meta_graph_and_variables(
        session,
        tags=[tag_constants.SERVING],
        signature_def_map=signature_def_map,
        assets_collection=get_default_graph().get_collection(GraphKeys.ASSET_FILEPATHS),
        main_op=legacy_init_op,
        clear_devices=True,
    )
    b.save()


# ---- assets --------------------------------------------------------------------------------------
def _asset_path_from_tensor(path_tensor: Any) -> str:
    """The path a scalar string constant holds.

    Raises:
        TypeError: not a Tensor, not a constant, not a string, or not one value.
    """
    if not isinstance(path_tensor, Tensor):
        raise TypeError(f"Asset path tensor {path_tensor} must be a Tensor.")
    if path_tensor.op.type != "Const":
        raise TypeError(
            f"Asset path tensor {path_tensor} must be of type constant.Has type "
            f"{path_tensor.op.type} instead."
        )
    if path_tensor.dtype is not _dt.string:
        raise TypeError(
            f"Asset path tensor {path_tensor}` must be of dtype string.Has type "
            f"<dtype: '{path_tensor.dtype.name}'> instead."
        )
    values = path_tensor.op.get_attr("value").reshape(-1)
    if len(values) != 1:
        raise TypeError(f"Asset path tensor {path_tensor} must be a scalar.")
    v = values[0]
    return v.decode("utf-8") if isinstance(v, bytes) else str(v)


def _asset_filename_to_add(path: str, filenames: Mapping[str, str]) -> str:
    """The file's name in ``assets/``: its basename, made unique (``name_1``, ...) when another
    file of that name with other contents is already there."""
    filename = os.path.basename(path)
    other = filenames.get(filename)
    if other is None or other == path or filecmp.cmp(path, other, shallow=False):
        return filename
    i, unique = 1, filename
    while unique in filenames:
        unique = f"{filename}_{i}"
        i += 1
    return unique
