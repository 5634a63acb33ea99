"""``tf.contrib.rnn``: the RNN cells of ``tf.nn.rnn_cell`` and ``static_rnn``."""

from ..nn.rnn import static_rnn  # noqa: F401
from ..nn.rnn_cell import (  # noqa: F401
    BasicLSTMCell,
    BasicRNNCell,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    RNNCell,
)
