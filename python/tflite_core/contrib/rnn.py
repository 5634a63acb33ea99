"""``tf.contrib.rnn``: the RNN cells of ``tf.nn.rnn_cell``, ``static_rnn`` (also
``static_bidirectional_rnn``, ``static_state_saving_rnn``, ``stack_bidirectional_rnn``,
``stack_bidirectional_dynamic_rnn``) and the cell wrappers
of TF 1.x's ``core_rnn_cell`` (``EmbeddingWrapper``, ``OutputProjectionWrapper``,
``InputProjectionWrapper``), the block cells ``LSTMBlockCell``, ``GRUBlockCell`` and
``LayerNormBasicLSTMCell``."""

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
from ..nn.rnn_static import static_bidirectional_rnn, static_state_saving_rnn
from .block_cells import GRUBlockCell, LayerNormBasicLSTMCell, LSTMBlockCell
from .core_rnn_cell import EmbeddingWrapper, InputProjectionWrapper, OutputProjectionWrapper
from .stacked_rnn import stack_bidirectional_dynamic_rnn, stack_bidirectional_rnn
