"""``tf.saved_model.signature_def_utils.MethodNameUpdater`` (TF 1.x): changes the
``method_name`` of signatures in an existing SavedModel, e.g. a predict signature into a
regress one, and writes it back (or to another directory), as TF does.

>>> import os, tempfile
>>> import tflite_core as tf
>>> tmp = tempfile.TemporaryDirectory()
>>> with tf.Graph().as_default(), tf.Session() as sess:
...     x = tf.placeholder(tf.float32, [None], name="x")
...     tf.saved_model.simple_save(sess, tmp.name + "/m", {"x": x}, {"y": 2.0 * x})
>>> updater = tf.saved_model.signature_def_utils.MethodNameUpdater(tmp.name + "/m")
>>> updater.replace_method_name("serving_default", "my/method", tags="serve")
>>> updater.save()
>>> tf.saved_model.loader.parse_saved_model(tmp.name + "/m").meta_graphs[0].signature_def[
...     "serving_default"].method_name
'my/method'
>>> tmp.cleanup()
"""

from __future__ import annotations

import os
from typing import Any

from . import constants
from .saved_model_io import parse_saved_model, write_saved_model


class MethodNameUpdater:
    """Updates the method names of the signatures of the SavedModel in ``export_dir``.

    Raises:
        OSError: no SavedModel file there, or one that does not parse.
    """

    def __init__(self, export_dir: str | os.PathLike) -> None:
        self._export_dir = os.fspath(export_dir)
        self._saved_model = parse_saved_model(self._export_dir)

    def replace_method_name(self, signature_key: str, method_name: str, tags: Any = None) -> None:
        """Sets the method name of signature ``signature_key`` in the meta graph tagged
        exactly ``tags`` (a tag or a list of tags), or in every meta graph when ``tags`` is
        None.

        Raises:
            ValueError: an empty key or method name, no meta graph with these tags, or one
                without the signature.
        """
        if not signature_key:
            raise ValueError("`signature_key` must be defined.")
        if not method_name:
            raise ValueError("`method_name` must be defined.")
        if tags is not None and not isinstance(tags, list):
            tags = [tags]
        found = False
        for meta in self._saved_model.meta_graphs:
            if tags is None or set(tags) == set(meta.meta_info_def.tags):
                if signature_key not in meta.signature_def:
                    raise ValueError(
                        f"MetaGraphDef associated with tags {tags} does not have a "
                        f"signature_def with key: '{signature_key}'. This means either you "
                        "specified the wrong signature key or forgot to put the signature_def "
                        "with the corresponding key in your SavedModel."
                    )
                meta.signature_def[signature_key].method_name = method_name
                found = True
        if not found:
            raise ValueError(
                f"MetaGraphDef associated with tags {tags} could not be found in SavedModel. "
                "This means either you specified invalid tags or your SavedModel does not have "
                "a MetaGraphDef with the specified tags."
            )

    def save(self, new_export_dir: str | os.PathLike | None = None) -> None:
        """Writes the SavedModel file (in the format it was read in) to ``new_export_dir``
        (default: over the one read)."""
        as_text = os.path.exists(
            os.path.join(self._export_dir, constants.SAVED_MODEL_FILENAME_PBTXT)
        )
        export_dir = os.fspath(new_export_dir) if new_export_dir else self._export_dir
        write_saved_model(self._saved_model, export_dir, as_text)
