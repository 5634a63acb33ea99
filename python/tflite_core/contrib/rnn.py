"""``tf.contrib.rnn``: the RNN cells of ``tf.nn.rnn_cell`` and ``static_rnn``."""

from ..nn.rnn import static_rnn
from ..nn.rnn_cell import (
    BasicLSTMCell,
    BasicRNNCell,
    DropoutWrapper,
    GRUCell,
    LSTMCell,
    LSTMStateTuple,
    MultiRNNCell,
    RNNCell,
)
