"""The ``tf.train`` namespace (re-exports only): optimisers, learning-rate schedules, the global
step, checkpoints (``Saver`` and the readers) and the TF 0.x summary names."""

from .io.event_writer import FileWriter as SummaryWriter
from .io.event_writer import summary_iterator, write_graph
from .training.checkpoint_management import (
    CheckpointState,
    checkpoint_exists,
    get_checkpoint_state,
    latest_checkpoint,
)
from .training.checkpoint_utils import (
    NewCheckpointReader,
    list_variables,
    load_checkpoint,
    load_variable,
)
from .training.learning_rate_decay import exponential_decay
from .training.optimizer import GradientDescentOptimizer, Optimizer
from .training.optimizers import (
    AdagradOptimizer,
    AdamOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from .training.saver import Saver, SaverDef
from .training.training_util import (
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
