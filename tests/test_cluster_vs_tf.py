"""The cluster description of TF 1.x side by side with TF 2.21 ``compat.v1``: ``ClusterDef``,
``JobDef`` and ``ServerDef`` bytes, ``ClusterSpec`` (its views and its errors), ``tf.train.Server``
(in-process for one task, ``UnimplementedError`` for more), ``tf.device`` with device strings,
functions and None, and ``replica_device_setter`` graphs: the same programs give TF's
``op.device`` strings, in the graph and in its ``GraphDef``."""

from __future__ import annotations

import re
import socket
import threading

import numpy as np
import pytest
import tensorflow as real_tf

import tflite_core as tf

T = real_tf.compat.v1
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::DeprecationWarning")

SPECS = [
    {"worker": ["w0:2222", "w1:2222", "w2:2222"], "ps": ["p0:2222", "p1:2222"]},
    {"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p0:2222"]},
    {"chief": ["c:1"], "evaluator": {}, "worker": ("w0:1",), "ps": {"0": "p0:1", 2: "p2:1"}},
    {b"bytes_job": [b"a:1", "b:2"]},
    {},
]


def _both(fn):
    """``fn(m)`` with this library, then with TF: (ours, TF's)."""
    return fn(tf), fn(T)


def _error(fn):
    with pytest.raises(Exception) as info:
        fn()
    return type(info.value).__name__, str(info.value)


def _same_error(ours, theirs):
    assert _error(ours) == _error(theirs)


# ---- protobuf messages -----------------------------------------------------------------------
@pytest.mark.parametrize("spec", SPECS)
def test_cluster_def_bytes_are_tfs(spec):
    ours = tf.train.ClusterSpec(spec).as_cluster_def().SerializeToString()
    assert ours == T.train.ClusterSpec(spec).as_cluster_def().SerializeToString()


def test_tfs_bytes_parse_and_round_trip():
    theirs = T.train.ClusterSpec(SPECS[2]).as_cluster_def()
    cd = tf.train.ClusterDef.FromString(theirs.SerializeToString())
    assert cd.SerializeToString() == theirs.SerializeToString()
    assert [j.name for j in cd.job] == [j.name for j in theirs.job]
    assert dict(cd.job[2].tasks) == {0: "p0:1", 2: "p2:1"}  # (jobs sorted by name)
    spec = tf.train.ClusterSpec(cd)
    assert spec.as_dict() == T.train.ClusterSpec(theirs).as_dict()
    assert spec.as_cluster_def() is cd  # (kept, as TF keeps the ClusterDef it is given)


def test_job_def_and_server_def_fields():
    def build(m):
        job = m.train.JobDef(name="worker", tasks={0: "a:1", 3: "b:2"})
        cluster = m.train.ClusterDef(job=[job, m.train.JobDef(name="ps")])
        sd = m.train.ServerDef(
            cluster=cluster, job_name="worker", task_index=3, protocol="grpc", port=7, replica=2
        )
        return job.SerializeToString(), sd.SerializeToString()

    assert _both(build)[0] == _both(build)[1]


def test_server_def_keeps_fields_it_does_not_declare():
    theirs = T.train.ServerDef(job_name="w", task_index=1, protocol="grpc", port=5)
    theirs.default_session_config.intra_op_parallelism_threads = 3  # field 4
    theirs.cluster_device_filters.jobs.add(name="ps")  # field 7
    ours = tf.train.ServerDef.FromString(theirs.SerializeToString())
    assert (ours.job_name, ours.task_index, ours.port) == ("w", 1, 5)
    assert T.train.ServerDef.FromString(ours.SerializeToString()) == theirs


# ---- ClusterSpec -------------------------------------------------------------------------------
def _views(m, spec):
    c = m.train.ClusterSpec(spec)
    out = [repr(c), bool(c), c.jobs, c.as_dict()]
    for job in c.jobs:
        out += [c.num_tasks(job), c.task_indices(job)]
        if c.num_tasks(job):
            out += [c.job_tasks(job), [c.task_address(job, i) for i in c.task_indices(job)]]
    return out


@pytest.mark.parametrize("spec", SPECS)
def test_cluster_spec_views_are_tfs(spec):
    ours, theirs = _both(lambda m: _views(m, spec))
    assert ours == theirs


def test_cluster_spec_from_cluster_def_and_cluster_spec():
    for m in (tf, T):
        c = m.train.ClusterSpec(SPECS[1])
        for copy in (m.train.ClusterSpec(c), m.train.ClusterSpec(c.as_cluster_def())):
            assert copy == c
            assert (copy != c) is False
            assert copy.as_dict() == {"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": ["p0:2222"]}
        assert m.train.ClusterSpec(c).as_cluster_def() is not c.as_cluster_def()
        assert c == {"worker": {1: "w1:2222", 3: "w3:2222"}, "ps": {0: "p0:2222"}}
        assert c != {"worker": ["w1:2222"], "ps": ["p0:2222"]}
        assert c != m.train.ClusterSpec({"ps": ["p0:2222"]})
    ours, theirs = _both(lambda m: _views(m, m.train.ClusterSpec(SPECS[0]).as_cluster_def()))
    assert ours == theirs


@pytest.mark.parametrize(
    "spec",
    [
        {"a": "x:1"},
        {1: ["x:1"]},
        {"a": [None]},
        {"a": {"z": "x:1"}},
        [1],
        "a",
        {"a": ["x:1"], 1: ["y:1"]},
        {"a": {2**40: "x:1"}},
    ],
)
def test_cluster_spec_errors_are_tfs(spec):
    _same_error(lambda: tf.train.ClusterSpec(spec), lambda: T.train.ClusterSpec(spec))


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.num_tasks("nope"),
        lambda c: c.task_indices("nope"),
        lambda c: c.job_tasks("nope"),
        lambda c: c.task_address("nope", 0),
        lambda c: c.task_address("worker", 0),
        lambda c: c.job_tasks("empty"),
    ],
)
def test_cluster_spec_lookup_errors_are_tfs(call):
    spec = {"worker": {1: "w1:1"}, "empty": []}
    _same_error(lambda: call(tf.train.ClusterSpec(spec)), lambda: call(T.train.ClusterSpec(spec)))


# ---- Server ------------------------------------------------------------------------------------
def test_local_server_runs_a_session_on_its_target():
    ours, theirs = tf.train.Server.create_local_server(), T.train.Server.create_local_server()
    assert re.fullmatch(r"grpc://localhost:\d+", ours.target)
    assert re.fullmatch(r"grpc://localhost:\d+", theirs.target)
    assert ours.server_def.SerializeToString() == theirs.server_def.SerializeToString()
    port = int(ours.target.rpartition(":")[2])
    with socket.socket() as s, pytest.raises(OSError):  # reserved while the server lives
        s.bind(("", port))
    values = []
    for m, server in ((tf, ours), (T, theirs)):
        with m.Graph().as_default(), m.Session(server.target) as sess:
            x = m.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
            values.append(sess.run(m.reduce_sum(x * x, axis=1)))
    np.testing.assert_allclose(values[0], values[1])


def test_single_task_server_target_and_server_def():
    ours = tf.train.Server({"local": {3: "127.0.0.1:2345"}}, start=False)
    assert ours.target == "grpc://127.0.0.1:2345"  # (TF's for this cluster: not started here)
    sd = ours.server_def
    assert (sd.job_name, sd.task_index, sd.protocol) == ("local", 3, "grpc")
    given = tf.train.ServerDef(cluster=sd.cluster, job_name="local", task_index=3, port=99)
    server = tf.train.Server(given, protocol="grpc+verbs", start=False)
    assert server.target == "grpc://127.0.0.1:99"
    assert server.server_def.protocol == "grpc+verbs"
    assert given.protocol == ""  # (the ServerDef given is copied)
    server.start()


def test_join_blocks():
    server = tf.train.Server.create_local_server()
    t = threading.Thread(target=server.join, daemon=True)
    t.start()
    t.join(0.3)
    assert t.is_alive()


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        (({"a": ["x:1"], "b": ["y:1"]},), {}),
        (({"a": ["x:1", "x:2"]},), {}),
        (({"a": ["x:1"]},), {"job_name": "b"}),
        (([1],), {}),
        (({"a": "x:1"},), {}),
        (("cluster",), {}),
    ],
)
def test_server_def_inference_errors_are_tfs(args, kwargs):
    _same_error(
        lambda: tf.train.Server(*args, start=False, **kwargs),
        lambda: T.train.Server(*args, start=False, **kwargs),
    )


@pytest.mark.parametrize(
    "server_def",
    [
        {"job_name": "b", "protocol": "grpc"},
        {"job_name": "a", "protocol": "grpc", "task_index": 2},
        {"job_name": "a", "protocol": "grpc", "address": "localhost:bad"},
        {"job_name": "a", "protocol": "http"},
    ],
)
def test_server_def_errors_of_the_server_are_tfs(server_def):
    def make(m):
        kw = dict(server_def)
        cluster = m.train.ClusterSpec({"a": [kw.pop("address", "localhost:0")]})
        return m.train.Server(m.train.ServerDef(cluster=cluster.as_cluster_def(), **kw))

    ours, theirs = _error(lambda: make(tf)), _error(lambda: make(T))
    assert ours[0] == theirs[0]
    assert ours[1].split(":")[0] == theirs[1].split(":")[0]


@pytest.mark.parametrize(
    "cluster",
    [
        {"ps": ["localhost:0"], "worker": ["localhost:0", "localhost:0"]},
        {"worker": ["localhost:0", "localhost:0"]},
    ],
)
def test_multi_task_server_is_unimplemented(cluster):
    with pytest.raises(tf.errors.UnimplementedError) as info:
        tf.train.Server(cluster, job_name="worker", task_index=1)
    message = str(info.value)
    assert "tflite_core cannot join a multi-task gRPC cluster" in message
    for part in ("tflite_core.horovod", "hvd.init()", "hvd.DistributedOptimizer"):
        assert part in message
    assert "mpiexec -n N" in message and "docs/distributed.md" in message
    assert isinstance(info.value, tf.errors.OpError)


# ---- tf.device -----------------------------------------------------------------------------------
def _devices(m, build):
    g = m.Graph()
    with g.as_default():
        build(m)
    return {op.name: op.device for op in g.get_operations()}


def _same_devices(build):
    ours, theirs = _both(lambda m: _devices(m, build))
    assert ours == theirs
    return ours


def _nested(m):
    with m.device("/cpu:0"):
        m.constant(1.0, name="cpu")
    with m.device("/job:ps/task:1"):
        with m.device("/gpu:1"):
            m.constant(1.0, name="gpu_on_ps")
        with m.device("/job:worker"):
            m.constant(1.0, name="job_wins")
        with m.device(None):
            m.constant(1.0, name="none")
            with m.device("/task:2"):
                m.constant(1.0, name="after_none")
        with m.device(""):
            m.constant(1.0, name="empty")
        with m.device("/device:CPU:*"):
            m.constant(1.0, name="any_cpu")
    with m.device("/task:3/replica:2/job:x/cpu"):
        m.constant(1.0, name="reordered")
    with m.device("gpu:0"), m.device("/device:XLA_CPU:0"):
        m.constant(1.0, name="inner_type")
    with m.device("/job:a/device:gpu:2"):
        m.constant(1.0, name="lower")
    m.constant(1.0, name="plain")


def _functions(m):
    with m.device("/job:ps/task:1"):
        with m.device(lambda op: "/cpu:0"):
            m.constant(1.0, name="fn_then_merge")
        with m.device(lambda op: "/gpu:0" if op.type == "Const" else ""):
            a = m.constant(1.0, name="by_type")
            m.identity(a, name="by_type_other")
        with m.device(lambda op: "/job:worker/task:3"):
            m.constant(1.0, name="fn_job")
    with m.device(lambda op: "/cpu:0"):
        m.constant(1.0, name="raw")
        with m.device("/job:ps"):
            m.constant(1.0, name="fn_replaces")
        with m.device(lambda op: op.device + "/task:4" if op.device else "/task:5"):
            m.constant(1.0, name="sees_inner")
    with m.device(lambda op: "gibberish"):
        m.constant(1.0, name="kept_as_is")


@pytest.mark.parametrize("build", [_nested, _functions])
def test_device_strings_are_tfs(build):
    _same_devices(build)


@pytest.mark.parametrize("build", [_nested, _functions])
def test_graph_def_devices_are_tfs(build):
    def graph_def(m):
        g = m.Graph()
        with g.as_default():
            build(m)
        return [(n.name, n.device) for n in g.as_graph_def().node]

    ours, theirs = _both(graph_def)
    assert ours == theirs


@pytest.mark.parametrize(
    "spec", ["/foo:1", "/cpu:0/gpu:0", "/task:x", "/device:CPU:x", "/job:a:b", 3, b"/cpu:0"]
)
def test_bad_device_specs_raise_tfs_errors(spec):
    def enter(m):
        with m.Graph().as_default(), m.device(spec):
            m.constant(1.0)

    _same_error(lambda: enter(tf), lambda: enter(T))


@pytest.mark.parametrize("result", [None, 3])
def test_device_function_of_a_non_string_raises_tfs_error(result):
    def enter(m):
        with m.Graph().as_default(), m.device(lambda op: result):
            m.constant(1.0)

    _same_error(lambda: enter(tf), lambda: enter(T))


def test_device_function_result_is_parsed_by_outer_specs():
    def enter(m):
        with m.Graph().as_default(), m.device("/job:ps"), m.device(lambda op: "gibberish"):
            m.constant(1.0)

    _same_error(lambda: enter(tf), lambda: enter(T))


def _variables(m, **kw):
    v = m.Variable(1.0, name="v", use_resource=False, **kw)
    w = m.get_variable("w", [2], initializer=m.ones_initializer(), use_resource=False)
    return v, w


def test_colocation_with_variables_is_tfs():
    def build(m):
        with m.device("/job:ps/task:1"):
            v, w = _variables(m)
            m.Variable(lambda: m.constant(2.0), name="from_fn", use_resource=False)
        with m.device("/job:worker/cpu:0"):
            m.assign(v, m.constant(3.0, name="three"), name="assign")
            m.assign_add(w, m.constant([1.0, 1.0], name="ones"), name="assign_add")
            m.is_variable_initialized(v)
            m.identity(v, name="read_v")
            with m.colocate_with(w):
                m.constant(1.0, name="colocated")
                with m.device("/gpu:0"):
                    m.constant(1.0, name="colocated_inner_device")
            n = m.Variable(0, name="n", use_resource=False)
            n.count_up_to(3)
        with m.device("/job:worker/cpu:0"):
            m.Variable(1.0, name="cached", caching_device="/job:cache", use_resource=False)
        m.global_variables_initializer()

    _same_devices(build)


# ---- replica_device_setter -----------------------------------------------------------------------
def _model(m, setter, inner=None):
    with m.device(setter):
        x = m.placeholder(m.float32, [None, 2], name="x")
        v, w = _variables(m)
        b = m.Variable(m.zeros([2]), name="b", use_resource=False)
        m.Variable(lambda: m.constant([1.0, 2.0]), name="c", use_resource=False)
        if inner is not None:
            with m.device(inner):
                d = m.Variable(2.0, name="d", use_resource=False)
                m.multiply(d, m.constant(2.0, name="two"), name="d2")
        shape = m.constant([2, 1], name="shape")
        y = m.add(m.matmul(x, m.reshape(w, shape)) * v, b, name="y")
        m.identity(y, name="out")
        m.global_variables_initializer()


@pytest.mark.parametrize(
    "kwargs",
    [
        {"ps_tasks": 2},
        {"ps_tasks": 3},
        {"ps_tasks": 3, "worker_device": "/job:worker/task:1", "ps_device": "/job:ps/cpu:0"},
        {"ps_tasks": 2, "worker_device": "", "ps_device": "/job:ps"},
        {"ps_tasks": 2, "merge_devices": False},
        {"ps_tasks": 2, "ps_ops": ["VariableV2", "Const"]},
        {"ps_tasks": 2, "ps_strategy": lambda op: 1 if "w" in op.name else 0},
        {"ps_tasks": 2, "ps_strategy": lambda op: None},
        {"cluster": {"ps": ["p0:1", "p1:1", "p2:1"], "worker": ["w0:1"]}},
        {"cluster": {"ps": {1: "p1:1", 4: "p4:1"}}},
    ],
)
@pytest.mark.parametrize("inner", [None, "/cpu:0", "/job:ps/task:7", "/job:other/gpu:1"])
def test_replica_device_setter_graphs_are_tfs(kwargs, inner):
    devices = _same_devices(lambda m: _model(m, m.train.replica_device_setter(**kwargs), inner))
    if kwargs == {"ps_tasks": 2} and inner is None:
        assert [devices[n] for n in ("v", "w", "b", "c")] == [
            f"/job:ps/task:{i % 2}" for i in range(4)
        ]
        assert devices["y"] == devices["out"] == "/job:worker"


def test_cluster_as_cluster_spec_and_cluster_def():
    spec = {"ps": ["p0:1", "p1:1"], "worker": ["w0:1"]}

    def build(kind):
        def b(m):
            cluster = m.train.ClusterSpec(spec)
            given = {"spec": cluster, "def": cluster.as_cluster_def()}[kind]
            _model(
                m, m.train.replica_device_setter(cluster=given, worker_device="/job:worker/task:0")
            )

        return b

    assert _same_devices(build("spec")) == _same_devices(build("def"))


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"ps_tasks": 0},
        {"cluster": {"worker": ["w0:1"]}},
        {"cluster": {"ps": []}},
        {"cluster": {"ps": ["p:1"]}, "ps_device": "/job:other"},
    ],
)
def test_replica_device_setter_without_ps_tasks_is_none(kwargs):
    assert tf.train.replica_device_setter(**kwargs) is None
    assert T.train.replica_device_setter(**kwargs) is None
    _same_devices(lambda m: _model(m, m.train.replica_device_setter(**kwargs)))


def test_replica_device_setter_errors_are_tfs():
    for kwargs in ({"ps_tasks": 2, "ps_strategy": 3}, {"cluster": [1]}):
        _same_error(
            lambda kw=kwargs: tf.train.replica_device_setter(**kw),
            lambda kw=kwargs: T.train.replica_device_setter(**kw),
        )


@pytest.mark.parametrize(
    "optimizer", ["GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer"]
)
def test_training_graph_places_variables_slots_and_updates_as_tf(optimizer):
    def build(m):
        setter = m.train.replica_device_setter(ps_tasks=3, worker_device="/job:worker/task:0")
        with m.device(setter):
            x = m.placeholder(m.float32, [None, 2], name="x")
            _, w = _variables(m)
            b = m.Variable(m.zeros([1]), name="b", use_resource=False)
            loss = m.reduce_mean(m.square(m.matmul(x, m.reshape(w, [2, 1])) + b))
            args = (0.1, 0.9) if optimizer == "MomentumOptimizer" else (0.1,)
            getattr(m.train, optimizer)(*args).minimize(loss)
            m.global_variables_initializer()

    ours, theirs = _both(lambda m: _devices(m, build))
    # the ops both graphs have (the gradient and optimizer internals are named otherwise here;
    # auto-named constants, "Const_<n>", then stand for different values)
    common = sorted(n for n in set(ours) & set(theirs) if not re.fullmatch(r"Const(_\d+)?", n))
    assert {n: ours[n] for n in common} == {n: theirs[n] for n in common}
    variables = [n for n in theirs if re.fullmatch(r"[vwb](/\w+)?|beta\d_power", n)]
    updates = [n for n in theirs if re.search(r"/update_\w+/\w*Apply|init/NoOp", n)]
    assert set(variables + updates) <= set(common)
    assert len(updates) >= 5


def test_imported_graph_takes_tfs_devices():
    def build(m):
        g = m.Graph()
        with g.as_default():
            with m.device("/job:ps/task:1"):
                v = m.Variable(1.0, name="v", use_resource=False)
            with m.device("/cpu:0"):
                a = m.constant(2.0, name="a")
            b = m.add(v, a, name="b")
            with m.device(lambda op: "/gpu:0"):
                c = m.identity(b, name="c")
            m.assign(v, c, name="asg")
        return g.as_graph_def().SerializeToString()

    def imported(m, graph_def, outer):
        g = m.Graph()
        with g.as_default(), m.device(outer):
            m.import_graph_def(m.GraphDef.FromString(graph_def), name="im")
        return {op.name: op.device for op in g.get_operations()}

    for graph_def in _both(build):
        for outer in (None, "/job:worker", "/job:worker/task:3/device:CPU:1"):
            assert imported(tf, graph_def, outer) == imported(T, graph_def, outer)


def test_tensorflows_own_messages_are_accepted():
    theirs = T.train.ClusterSpec(SPECS[0])
    assert tf.train.ClusterSpec(theirs.as_cluster_def()).as_dict() == theirs.as_dict()
    assert tf.train.ClusterSpec(theirs).as_dict() == theirs.as_dict()
    sd = T.train.ServerDef(
        cluster=T.train.ClusterSpec({"a": ["localhost:0"]}).as_cluster_def(), job_name="a"
    )
    server = tf.train.Server(sd, protocol="grpc", start=False)
    assert (
        server.server_def.SerializeToString()
        == T.train.ServerDef(cluster=sd.cluster, job_name="a", protocol="grpc").SerializeToString()
    )
