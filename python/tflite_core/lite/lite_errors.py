"""The errors of a model that cannot be read or run: each is TF's error class for what is
wrong (``tf.errors.DataLossError``, ``NotFoundError``, ``InvalidArgumentError``,
``UnimplementedError``) and also the ``ValueError`` LiteRT raises for it, so that code written
against either catches it."""

from __future__ import annotations

from ..framework import errors


class ModelDataLossError(errors.DataLossError, ValueError):
    """The bytes are not a TFLite flatbuffer: bad identifier, truncated, offsets outside."""

    def __init__(self, message: str):
        super().__init__(None, None, message)


class ModelNotFoundError(errors.NotFoundError, ValueError):
    """An operator code with no kernel here; a model file that is not there."""

    def __init__(self, message: str):
        super().__init__(None, None, message)


class ModelInvalidArgumentError(errors.InvalidArgumentError, ValueError):
    """A model whose parts disagree (a buffer's size and its tensor's shape, a type)."""

    def __init__(self, message: str):
        super().__init__(None, None, message)


class ModelUnimplementedError(errors.UnimplementedError, ValueError):
    """A model that is valid but uses what this interpreter does not run (quantized ops)."""

    def __init__(self, message: str):
        super().__init__(None, None, message)
