"""The ``tf.train`` namespace (re-exports only): optimisers, learning-rate schedules, the global
step, checkpoints (``Saver`` and the readers), the cluster description (``ClusterSpec``,
``Server``, ``replica_device_setter``) and the TF 0.x summary names."""

from .framework.cluster_protos import CLUSTER_PROTO_NAMES, cluster_protos
from .framework.example_protos import EXAMPLE_PROTO_NAMES, example_protos
from .horovod.sync_replicas import SyncReplicasOptimizer
from .io.event_writer import FileWriter as SummaryWriter
from .io.event_writer import summary_iterator, write_graph
from .training import queue_runner
from .training.basic_session_run_hooks import (
    FeedFnHook,
    FinalOpsHook,
    GlobalStepWaiterHook,
    LoggingTensorHook,
    NanLossDuringTrainingError,
    NanTensorHook,
    SecondOrStepTimer,
    StepCounterHook,
    StopAtStepHook,
)
from .training.checkpoint_loading import checkpoints_iterator, init_from_checkpoint, warm_start
from .training.checkpoint_management import (
    CheckpointState,
    checkpoint_exists,
    generate_checkpoint_state_proto,
    get_checkpoint_mtimes,
    get_checkpoint_state,
    latest_checkpoint,
    remove_checkpoint,
    update_checkpoint_state,
)
from .training.checkpoint_manager import CheckpointManager
from .training.checkpoint_utils import (
    NewCheckpointReader,
    list_variables,
    load_checkpoint,
    load_variable,
)
from .training.coordinator import Coordinator, LooperThread
from .training.device_setter import replica_device_setter
from .training.input import (
    batch,
    batch_join,
    input_producer,
    limit_epochs,
    match_filenames_once,
    maybe_batch,
    maybe_batch_join,
    maybe_shuffle_batch,
    maybe_shuffle_batch_join,
    range_input_producer,
    shuffle_batch,
    shuffle_batch_join,
    slice_input_producer,
    string_input_producer,
)
from .training.learning_rate_decay import (
    cosine_decay,
    cosine_decay_restarts,
    exponential_decay,
    inverse_time_decay,
    linear_cosine_decay,
    natural_exp_decay,
    noisy_linear_cosine_decay,
    piecewise_constant,
    piecewise_constant_decay,
    polynomial_decay,
)
from .training.meta_graph import export_meta_graph, import_meta_graph
from .training.monitored_session import (
    MonitoredSession,
    MonitoredTrainingSession,
    SingularMonitoredSession,
)
from .training.moving_averages import ExponentialMovingAverage
from .training.optimizer import GradientDescentOptimizer, Optimizer
from .training.optimizers import (
    AdadeltaOptimizer,
    AdagradOptimizer,
    AdamOptimizer,
    MomentumOptimizer,
    RMSPropOptimizer,
)
from .training.proximal_optimizers import (
    AdagradDAOptimizer,
    FtrlOptimizer,
    ProximalAdagradOptimizer,
    ProximalGradientDescentOptimizer,
)
from .training.queue_runner import QueueRunner, add_queue_runner, start_queue_runners
from .training.saver import Saver, SaverDef
from .training.saver_hooks import (
    CheckpointSaverHook,
    CheckpointSaverListener,
    ProfilerHook,
    SummarySaverHook,
)
from .training.scaffold import (
    ChiefSessionCreator,
    Scaffold,
    SessionCreator,
    WorkerSessionCreator,
)
from .training.sdca_fprint import sdca_fprint
from .training.sdca_ops import sdca_optimizer, sdca_shrink_l1
from .training.server_lib import ClusterSpec, Server
from .training.session_manager import SessionManager
from .training.session_run_hook import (
    SessionRunArgs,
    SessionRunContext,
    SessionRunHook,
    SessionRunValues,
)
from .training.supervisor import Supervisor, basic_train_loop
from .training.trackable_checkpoint import Checkpoint, CheckpointOptions
from .training.training_util import (
    assert_global_step,
    create_global_step,
    get_global_step,
    get_or_create_global_step,
    global_step,
)
from .training.vocab_remapping import VocabInfo


def __getattr__(name: str):  # tf.train.Example, ClusterDef, ... (protobuf classes, built lazily)
    if name in EXAMPLE_PROTO_NAMES:
        return getattr(example_protos(), name)
    if name in CLUSTER_PROTO_NAMES:
        return getattr(cluster_protos(), name)
    raise AttributeError(f"module 'tflite_core.train' has no attribute {name!r}")
