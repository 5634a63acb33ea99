"""``tf.contrib.layers.embed_sequence`` (TF 1.x ``contrib/layers/python/layers/encoders.py``):
the model variable ``EmbedSequence/embeddings`` ``[vocab_size, embed_dim]`` looked up at
``ids`` (``[batch, length] -> [batch, length, embed_dim]``)."""

from __future__ import annotations

from typing import Any

from ...nn.embedding_ops import embedding_lookup
from ...ops.variable_scope import variable_scope
from ..framework.variables import model_variable


def embed_sequence(
    ids: Any,
    vocab_size: int | None = None,
    embed_dim: int | None = None,
    unique: bool = False,
    initializer: Any = None,
    regularizer: Any = None,
    trainable: bool = True,
    scope: Any = None,
    reuse: Any = None,
):
    """Embeds ``ids``; ValueError unless both sizes are given or ``reuse`` is set, as TF."""
    if not (reuse or (vocab_size and embed_dim)):
        raise ValueError(
            "Must specify vocab size and embedding dimension when not reusing. Got "
            f"vocab_size={vocab_size} and embed_dim={embed_dim}"
        )
    with variable_scope(scope, "EmbedSequence", [ids], reuse=reuse):
        shape: list[int | None] | None = [vocab_size, embed_dim]
        if (reuse and vocab_size is None) or embed_dim is None:
            shape = None
        embeddings = model_variable(
            "embeddings",
            shape=shape,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
        )
        return embedding_lookup(embeddings, ids)
