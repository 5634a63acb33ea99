"""``tf.train.ClusterSpec`` and ``tf.train.Server``: the cluster description of TF 1.x's
distributed runtime, and a server for one task of it.

``ClusterSpec`` is TF's in full (jobs of dense or sparse task lists, its ``ClusterDef`` with TF's
bytes). tflite_core has no gRPC runtime: a graph runs in the process that builds it. A ``Server``
for a cluster of exactly one task therefore works in-process: its ``target`` is the task's
``grpc://`` address (a Session given it runs locally, as every Session here does), and an address
with port 0 gets a free port, reserved for the server's lifetime. A cluster of several tasks
raises ``UnimplementedError``: data-parallel training on several processes or machines is
``tflite_core.horovod``'s (``docs/distributed.md``).

>>> cluster = tf.train.ClusterSpec({"worker": ["w0:2222", "w1:2222"], "ps": {1: "p1:2222"}})
>>> cluster.jobs, cluster.job_tasks("ps")
(['worker', 'ps'], [None, 'p1:2222'])
"""

from __future__ import annotations

import socket
import threading
from typing import Any

from ..framework import errors
from ..framework.cluster_protos import cluster_protos

_MULTI_TASK = (
    "tflite_core cannot join a multi-task gRPC cluster ({n} tasks: {jobs}): it runs a graph in "
    "the process that builds it, and has no gRPC runtime to place ops on other tasks. For "
    "data-parallel training on several processes or machines use tflite_core.horovod: call "
    "hvd.init(), wrap the optimizer in hvd.DistributedOptimizer, and launch the script with "
    "`mpiexec -n N python train.py` (see docs/distributed.md)."
)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError(f"Expected binary or unicode string, got {value!r}")


def _message(value: Any, name: str) -> Any:
    """``value`` as our class of message ``tensorflow.<name>`` when it is one (ours, or
    TensorFlow's own class: converted through its bytes); None otherwise."""
    cls = getattr(cluster_protos(), name)
    if isinstance(value, cls):
        return value
    descriptor = getattr(type(value), "DESCRIPTOR", None)
    if getattr(descriptor, "full_name", None) == f"tensorflow.{name}":
        return cls.FromString(value.SerializeToString())
    return None


class ClusterSpec:
    """A cluster as a set of tasks organized into jobs: a dict from job name to a list of
    addresses (task ``i`` at index ``i``) or a dict from task index to address, a
    ``tf.train.ClusterDef``, or another ``ClusterSpec``."""

    def __init__(self, cluster: Any) -> None:
        self._cluster_spec: dict[Any, dict[int, Any]] = {}
        if isinstance(cluster, dict):
            for job_name, tasks in cluster.items():
                if isinstance(tasks, (list, tuple)):
                    job_tasks = dict(enumerate(tasks))
                elif isinstance(tasks, dict):
                    job_tasks = {int(i): task for i, task in tasks.items()}
                else:
                    raise TypeError(
                        f"The tasks for job {job_name!r} must be a list or a dictionary from "
                        "integers to strings."
                    )
                self._cluster_spec[job_name] = job_tasks
            self._make_cluster_def()
        elif isinstance(cluster, ClusterSpec) or hasattr(cluster, "as_cluster_def"):
            self._cluster_def = cluster_protos().ClusterDef()
            self._cluster_def.MergeFrom(_message(cluster.as_cluster_def(), "ClusterDef"))
            self._read_cluster_def()
        elif _message(cluster, "ClusterDef") is not None:
            self._cluster_def = _message(cluster, "ClusterDef")
            self._read_cluster_def()
        else:
            raise TypeError(
                "`cluster` must be a dictionary mapping one or more job names to lists of "
                "network addresses, or a `ClusterDef` protocol buffer"
            )

    def _read_cluster_def(self) -> None:
        for job_def in self._cluster_def.job:
            self._cluster_spec[job_def.name] = dict(job_def.tasks.items())

    def _make_cluster_def(self) -> None:
        """The ``ClusterDef``: jobs sorted by name, each one's tasks by index (TF's bytes)."""
        self._cluster_def = cluster_protos().ClusterDef()
        for job_name, tasks in sorted(self._cluster_spec.items()):
            try:
                name = _as_bytes(job_name)
            except TypeError:
                raise TypeError(f"Job name {job_name!r} must be bytes or unicode") from None
            job_def = self._cluster_def.job.add()
            job_def.name = name
            for i, task_address in sorted(tasks.items()):
                try:
                    address = _as_bytes(task_address)
                except TypeError:
                    raise TypeError(
                        f"Task address {task_address!r} must be bytes or unicode"
                    ) from None
                job_def.tasks[i] = address

    def __bool__(self) -> bool:
        return bool(self._cluster_spec)

    def __eq__(self, other: object) -> bool:
        return self._cluster_spec == other

    def __ne__(self, other: object) -> bool:
        return self._cluster_spec != other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        d = self.as_dict()
        return "ClusterSpec({" + ", ".join(f"{k!r}: {d[k]!r}" for k in sorted(d)) + "})"

    def as_dict(self) -> dict[Any, Any]:
        """Job name -> a list of addresses (dense task indices) or a dict index -> address."""
        ret: dict[Any, Any] = {}
        for job in self.jobs:
            indices = self.task_indices(job)
            if not indices:
                ret[job] = {}
            elif max(indices) + 1 == len(indices):
                ret[job] = self.job_tasks(job)
            else:
                ret[job] = {i: self.task_address(job, i) for i in indices}
        return ret

    def as_cluster_def(self) -> Any:
        """This cluster as a ``tf.train.ClusterDef`` protocol buffer."""
        return self._cluster_def

    @property
    def jobs(self) -> list[Any]:
        """The job names, in the order they were given."""
        return list(self._cluster_spec)

    def _job(self, job_name: Any) -> dict[int, Any]:
        try:
            return self._cluster_spec[job_name]
        except KeyError:
            raise ValueError(f"No such job in cluster: {job_name!r}") from None

    def num_tasks(self, job_name: Any) -> int:
        """How many tasks ``job_name`` defines."""
        return len(self._job(job_name))

    def task_indices(self, job_name: Any) -> list[int]:
        """The task indices of ``job_name``, sorted."""
        return sorted(self._job(job_name))

    def task_address(self, job_name: Any, task_index: int) -> Any:
        """The address of task ``task_index`` of ``job_name``."""
        job = self._job(job_name)
        try:
            return job[task_index]
        except KeyError:
            raise ValueError(f"No task with index {task_index!r} in job {job_name!r}") from None

    def job_tasks(self, job_name: Any) -> list[Any]:
        """The addresses of ``job_name``'s tasks by index (None where a sparse job has none)."""
        job = self._job(job_name)
        ret: list[Any] = [None] * (max(job.keys()) + 1)
        for i, task in job.items():
            ret[i] = task
        return ret


def _make_server_def(
    server_or_cluster_def: Any,
    job_name: str | None,
    task_index: int | None,
    protocol: str | None,
    config: Any,
) -> Any:
    """The ``tf.train.ServerDef`` of a server: from a ``ServerDef`` (the arguments given
    override its fields), or from a cluster (job and task inferred where the cluster leaves a
    single choice). ``config`` is not recorded (``ConfigProto`` is not a message here)."""
    ServerDef = cluster_protos().ServerDef
    given = _message(server_or_cluster_def, "ServerDef")
    if given is not None:
        server_def = ServerDef()
        server_def.MergeFrom(given)
        if job_name is not None:
            server_def.job_name = job_name
        if task_index is not None:
            server_def.task_index = task_index
        if protocol is not None:
            server_def.protocol = protocol
        return server_def
    try:
        cluster_spec = ClusterSpec(server_or_cluster_def)
    except TypeError as e:
        raise TypeError(
            "Could not convert `server_or_cluster_def` to a `tf.train.ServerDef` or "
            "`tf.train.ClusterSpec`."
        ) from e
    if job_name is None:
        if len(cluster_spec.jobs) != 1:
            raise ValueError("Must specify an explicit `job_name`.")
        job_name = cluster_spec.jobs[0]
    if task_index is None:
        indices = cluster_spec.task_indices(job_name)
        if len(indices) != 1:
            raise ValueError("Must specify an explicit `task_index`.")
        task_index = indices[0]
    return ServerDef(
        cluster=cluster_spec.as_cluster_def(),
        job_name=job_name,
        task_index=task_index,
        protocol="grpc" if protocol is None else protocol,
    )


def _port(server_def: Any, address: str) -> int:
    if server_def.port:
        return int(server_def.port)
    _, _, port = address.rpartition(":")
    if not port.isdigit():
        raise errors.InvalidArgumentError(
            None, None, f'Could not parse port for local server from "{address}".'
        )
    return int(port)


class Server:
    """An in-process server for the one task of a single-task cluster (TF's
    ``tf.train.Server``; see the module's note: several tasks raise ``UnimplementedError``)."""

    def __init__(
        self,
        server_or_cluster_def: Any,
        job_name: str | None = None,
        task_index: int | None = None,
        protocol: str | None = None,
        config: Any = None,
        start: bool = True,
    ) -> None:
        self._socket: socket.socket | None = None
        self._server_def = _make_server_def(
            server_or_cluster_def, job_name, task_index, protocol, config
        )
        self._config = config
        self._joined = threading.Event()  # never set: join() blocks as TF's does
        self._target = self._bind()
        if start:
            self.start()

    def _bind(self) -> str:
        """Checks the ServerDef as TF's server does; the target (a port 0 gets a free one)."""
        sd = self._server_def
        if sd.protocol != "grpc" and not sd.protocol.startswith("grpc+"):
            raise errors.NotFoundError(
                None,
                None,
                f"No server factory registered for the given ServerDef: {sd}\n"
                "The available server factories are: [ GRPC_SERVER ]",
            )
        jobs = {job.name: job for job in sd.cluster.job}
        if sd.job_name not in jobs:
            raise errors.InternalError(
                None, None, f'Job "{sd.job_name}" was not defined in cluster'
            )
        tasks = jobs[sd.job_name].tasks
        if sd.task_index not in tasks:
            raise errors.InternalError(
                None, None, f'Task {sd.task_index} was not defined in job "{sd.job_name}"'
            )
        n = sum(len(job.tasks) for job in sd.cluster.job)
        if n > 1:
            described = ", ".join(f"{job.name}: {len(job.tasks)}" for job in sd.cluster.job)
            raise errors.UnimplementedError(None, None, _MULTI_TASK.format(n=n, jobs=described))
        address = tasks[sd.task_index]
        port = _port(sd, address)
        if port == 0:  # reserve a free port while this server lives
            self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self._socket.bind(("", 0))
            port = self._socket.getsockname()[1]
        return f"grpc://{address.rpartition(':')[0]}:{port}"

    def __del__(self) -> None:
        sock = getattr(self, "_socket", None)
        if sock is not None:
            sock.close()

    def start(self) -> None:
        """Starts this server (nothing to start in-process)."""

    def join(self) -> None:
        """Blocks until the server shuts down: as TF's, until the process ends (interruptible
        with Ctrl-C)."""
        while not self._joined.wait(0.5):
            pass

    @property
    def server_def(self) -> Any:
        """The ``tf.train.ServerDef`` this server was made from."""
        return self._server_def

    @property
    def target(self) -> str:
        """The target a ``tf.Session`` connects to this server with (``grpc://host:port``)."""
        return self._target

    @staticmethod
    def create_local_server(config: Any = None, start: bool = True) -> Server:
        """A server for a single-task cluster on the local host (job ``"localhost"``, a free
        port)."""
        return Server({"localhost": ["localhost:0"]}, protocol="grpc", config=config, start=start)
