"""``tf.contrib.seq2seq``: ``sequence_loss`` (the dynamic decoders of TF 1.x's contrib.seq2seq,
``BasicDecoder``, ``dynamic_decode``, the attention wrappers, are not provided)."""

from .loss import sequence_loss
