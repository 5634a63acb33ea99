"""``tf.contrib``: the parts of TF 1.x's contrib that the deck uses (``tf.contrib.rnn``)."""

from . import rnn
