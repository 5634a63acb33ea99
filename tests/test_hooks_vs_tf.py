"""The ``tf.train`` hooks, ``Coordinator``/``LooperThread``, ``SessionManager``, ``Scaffold`` and
``MonitoredSession`` details side by side with TF 2.21 ``compat.v1``: timers (steps, and seconds
on a fake clock), LoggingTensorHook lines, NanTensorHook, FeedFnHook, FinalOpsHook, listeners,
ProfilerHook timelines (compared with TF's own ``timeline`` module on our step stats), the
errors of bad arguments and of hooks used without a global step."""

from __future__ import annotations

import json
import threading

import monitored_session_model as model
import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.core.protobuf import config_pb2
from tensorflow.python.client import timeline
from tensorflow.python.training import basic_session_run_hooks as tf_hooks_module

import tflite_core as tf
from tflite_core.training import basic_session_run_hooks as our_hooks_module
from tflite_core.training.saver_hooks import chrome_trace

T = real_tf.compat.v1
BOTH = pytest.mark.parametrize("mod", [tf, T], ids=["ours", "tf"])


class FakeTime:
    """Stands in for the ``time`` module of the hooks: ``time()`` is set by the test."""

    def __init__(self):
        self.now = 1000.0

    def time(self):
        return self.now

    def sleep(self, secs):
        self.now += secs


@pytest.fixture
def clock(monkeypatch):
    fake = FakeTime()
    monkeypatch.setattr(our_hooks_module, "time", fake)
    monkeypatch.setattr(tf_hooks_module, "time", fake)
    return fake


def _timer_trace(mod, clock, **kwargs):
    timer = mod.train.SecondOrStepTimer(**kwargs)
    out = []
    for step, dt in [(0, 0), (0, 1), (1, 1), (2, 3), (3, 1), (5, 5), (6, 0.5), (9, 0), (12, 2)]:
        clock.now += dt
        trigger = timer.should_trigger_for_step(step)
        out.append((step, trigger))
        if trigger:
            out.append(timer.update_last_triggered_step(step))
    out.append(timer.last_triggered_step())
    return out


@pytest.mark.parametrize("kwargs", [{"every_steps": 3}, {"every_secs": 4}, {"every_steps": 1}])
def test_second_or_step_timer(clock, kwargs):
    ours = _timer_trace(tf, clock, **kwargs)
    clock.now = 1000.0
    assert ours == _timer_trace(T, clock, **kwargs)


BAD_ARGS = {
    "timer none": lambda m: m.train.SecondOrStepTimer(),
    "timer both": lambda m: m.train.SecondOrStepTimer(every_secs=1, every_steps=1),
    "logging none": lambda m: m.train.LoggingTensorHook(["a"]),
    "logging both": lambda m: m.train.LoggingTensorHook(["a"], every_n_iter=1, every_n_secs=1),
    "logging zero": lambda m: m.train.LoggingTensorHook(["a"], every_n_iter=0),
    "stop none": lambda m: m.train.StopAtStepHook(),
    "stop both": lambda m: m.train.StopAtStepHook(num_steps=1, last_step=2),
    "counter none": lambda m: m.train.StepCounterHook(every_n_steps=None),
    "summary none": lambda m: m.train.SummarySaverHook(save_steps=1),
    "checkpoint no timer": lambda m: m.train.CheckpointSaverHook("/tmp/unused"),
    "checkpoint saver and scaffold": lambda m: m.train.CheckpointSaverHook(
        "/tmp/unused", save_steps=1, saver=object(), scaffold=m.train.Scaffold()
    ),
    "looper coord": lambda m: m.train.LooperThread(None, 1),
    "looper args": lambda m: m.train.LooperThread(m.train.Coordinator(), 1, args=(1,)),
    "scaffold copy": lambda m: m.train.Scaffold(copy_from_scaffold=object()),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(BAD_ARGS))
def test_bad_arguments(name):
    make = BAD_ARGS[name]
    with pytest.raises(Exception) as ours:
        make(tf)
    with pytest.raises(Exception) as theirs:
        make(T)
    assert type(ours.value).__name__ == type(theirs.value).__name__
    assert str(ours.value) == str(theirs.value)


NEEDS_STEP = {
    "StopAtStepHook": lambda m: m.train.StopAtStepHook(num_steps=1),
    "StepCounterHook": lambda m: m.train.StepCounterHook(),
    "SummarySaverHook": lambda m: m.train.SummarySaverHook(save_steps=1, summary_op=[]),
    "CheckpointSaverHook": lambda m: m.train.CheckpointSaverHook("/tmp/unused", save_steps=1),
    "GlobalStepWaiterHook": lambda m: m.train.GlobalStepWaiterHook(1),
}


@pytest.mark.bad_input
@pytest.mark.parametrize("name", sorted(NEEDS_STEP))
def test_hooks_need_a_global_step(name, tmp_path):
    messages = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            mod.constant(1.0)
            hook = NEEDS_STEP[name](mod)
            with pytest.raises(RuntimeError) as e:
                hook.begin()
            messages.append(str(e.value))
    assert messages[0] == messages[1]
    assert "Global step should be created" in messages[0]


def _log_run(mod, hook_fn, steps=5, clock=None):
    """The INFO lines of a SingularMonitoredSession run of ``steps`` with the hook."""
    with mod.Graph().as_default(), model.LogLines() as log:
        loss, step, train, _ = model.build(mod)
        hook = hook_fn(mod, loss, step)
        with mod.train.SingularMonitoredSession(hooks=[hook]) as sess:
            for _ in range(steps):
                if clock is not None:
                    clock.now += 1.5
                sess.run(train)
    return [
        s for s in log.lines if not s.startswith(("Graph was", "Running local", "Done running"))
    ]


LOGGING = {
    "dict every 2": lambda m, loss, step: m.train.LoggingTensorHook(
        {"step": step, "loss": loss}, every_n_iter=2
    ),
    "names and formatter": lambda m, loss, step: m.train.LoggingTensorHook(
        ["loss", "step"],
        every_n_iter=3,
        formatter=lambda v: f"loss is {v['loss']:.4f} at {v['step']}",
    ),
    "at end only": lambda m, loss, step: m.train.LoggingTensorHook(["loss:0"], at_end=True),
    "every 4 secs and at end": lambda m, loss, step: m.train.LoggingTensorHook(
        {"l": loss}, every_n_secs=4, at_end=True
    ),
}


@pytest.mark.parametrize("name", sorted(LOGGING))
def test_logging_tensor_hook_lines(name, clock):
    ours = _log_run(tf, LOGGING[name], clock=clock)
    clock.now = 1000.0
    theirs = _log_run(T, LOGGING[name], clock=clock)
    assert len(ours) == len(theirs) > 0
    for a, b in zip(ours, theirs):
        if a != b:  # float digits may differ in the last place
            assert a.split("=")[0] == b.split("=")[0]


def test_step_counter_hook_writes_rate(tmp_path, clock):
    for mod, d in ((tf, tmp_path / "ours"), (T, tmp_path / "tf")):
        d.mkdir()
        lines = _log_run(
            mod,
            lambda m, loss, step, d=d: m.train.StepCounterHook(every_n_steps=2, output_dir=str(d)),
            clock=clock,
        )
        # 2 steps every 3 fake seconds
        assert lines == ["global_step/sec: 0.666667", "global_step/sec: 0.666667"]
        mod.summary.FileWriterCache.get(str(d)).flush()  # (the hook does not flush)
        (path,) = list(d.iterdir())
        values = [
            (e.step, v.tag, round(v.simple_value, 5))
            for e in T.train.summary_iterator(str(path))
            for v in e.summary.value
        ]
        assert values == [(3, "global_step/sec", 0.66667), (5, "global_step/sec", 0.66667)]


def _nan_run(mod, fail):
    with mod.Graph().as_default():
        x = mod.placeholder(mod.float32, [])
        mod.train.get_or_create_global_step()
        loss = x * 2.0
        hook = mod.train.NanTensorHook(loss, fail_on_nan_loss=fail)
        feeds = iter([1.0, 2.0, np.nan, 3.0])
        feed = mod.train.FeedFnHook(lambda: {x: next(feeds)})
        final = mod.train.FinalOpsHook(loss * 10.0, {x: 0.5})
        got = []
        with mod.train.SingularMonitoredSession(hooks=[feed, hook, final]) as sess:
            while not sess.should_stop():
                got.append(float(sess.run(loss)))
        return got, final.final_ops_values


@pytest.mark.bad_input
def test_nan_tensor_hook_raises():
    for mod in (tf, T):
        with pytest.raises(mod.train.NanLossDuringTrainingError) as e:
            _nan_run(mod, True)
        assert str(e.value) == "NaN loss during training."
        assert isinstance(e.value, RuntimeError)


def test_nan_tensor_hook_stops_and_feed_and_final_ops():
    ours, theirs = _nan_run(tf, False), _nan_run(T, False)
    assert ours[0][:2] == theirs[0][:2] == [2.0, 4.0] and np.isnan(ours[0][2])
    assert len(ours[0]) == len(theirs[0]) == 3
    assert ours[1] == theirs[1] == 10.0  # FinalOpsHook's value, fed by its own feed dict


def _listener_run(mod, d, stop_at):
    class Listener(mod.train.CheckpointSaverListener):
        def __init__(self):
            self.calls = []

        def begin(self):
            self.calls.append("begin")

        def before_save(self, session, step):
            self.calls.append(("before_save", int(step)))

        def after_save(self, session, step):
            self.calls.append(("after_save", int(step)))
            return step >= stop_at

        def end(self, session, step):
            self.calls.append(("end", int(step)))

    with mod.Graph().as_default():
        _, _, train, _ = model.build(mod)
        listener = Listener()
        saver = mod.train.Saver()
        hook = mod.train.CheckpointSaverHook(
            str(d), save_steps=2, saver=saver, listeners=[listener]
        )
        runs = 0
        with mod.train.SingularMonitoredSession(hooks=[hook]) as sess:
            while not sess.should_stop():
                sess.run(train)
                runs += 1
    return listener.calls, runs, sorted(p.name for p in d.iterdir() if p.suffix == ".index")


def test_checkpoint_saver_listener_stops(tmp_path):
    ours = _listener_run(tf, tmp_path / "ours", 4)
    theirs = _listener_run(T, tmp_path / "tf", 4)
    assert ours == theirs
    assert ours[1] == 4 and ours[0][-1] == ("end", 4)


def _profile_run(mod, d):
    with mod.Graph().as_default():
        _, _, train, _ = model.build(mod)
        hook = mod.train.ProfilerHook(save_steps=2, output_dir=str(d))
        with mod.train.SingularMonitoredSession(hooks=[hook]) as sess:
            for _ in range(6):
                sess.run(train)
        mod.summary.FileWriterCache.get(str(d)).flush()
    (events,) = [p for p in d.iterdir() if p.name.startswith("events.out")]
    tagged = [
        e.tagged_run_metadata
        for e in T.train.summary_iterator(str(events))
        if e.WhichOneof("what") == "tagged_run_metadata"
    ]
    for t in tagged:  # TF parses the RunMetadata written beside each timeline
        meta = config_pb2.RunMetadata.FromString(t.run_metadata)
        assert len(meta.step_stats.dev_stats[0].node_stats) > 3
    timelines = sorted(p.name for p in d.iterdir() if p.suffix == ".json")
    return timelines, [t.tag for t in tagged]


def test_profiler_hook_timelines(tmp_path):
    names, tags = _profile_run(tf, tmp_path / "ours")
    assert (names, tags) == _profile_run(T, tmp_path / "tf")
    assert names == ["timeline-2.json", "timeline-4.json", "timeline-6.json"]
    assert tags == ["step_2", "step_4", "step_6"]
    trace = json.loads((tmp_path / "ours" / names[0]).read_text())
    ops = {e["args"]["name"] for e in trace["traceEvents"] if e["ph"] == "X"}
    assert any("GradientDescent" in n for n in ops)


def test_chrome_trace_matches_tf_timeline():
    with tf.Graph().as_default():
        _, _, train, _ = model.build(tf)
        meta = tf.RunMetadata()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, options=tf.RunOptions(trace_level=3), run_metadata=meta)
    theirs = config_pb2.RunMetadata.FromString(meta.SerializeToString()).step_stats
    expected = timeline.Timeline(theirs).generate_chrome_trace_format(show_memory=False)
    assert chrome_trace(meta.step_stats) == expected


def _coordinator_story(mod):
    out = []
    coord = mod.train.Coordinator()
    counter = [0]

    def tick():
        counter[0] += 1
        if counter[0] == 3:
            raise ValueError("third tick")

    looper = mod.train.LooperThread.loop(coord, None, tick)
    with pytest.raises(ValueError, match="third tick"):
        coord.join([looper], stop_grace_period_secs=1)
    out.append((coord.should_stop(), coord.joined, counter[0]))
    coord.clear_stop()
    out.append((coord.should_stop(), coord.joined))
    with coord.stop_on_exception():
        raise mod.errors.OutOfRangeError(None, None, "queue closed")  # a clean stop
    coord.join()
    out.append(coord.should_stop())
    coord.clear_stop()
    release = threading.Event()
    stuck = threading.Thread(target=release.wait, name="stuck")
    stuck.start()
    coord.register_thread(stuck)
    coord.request_stop()
    with pytest.raises(RuntimeError) as e:
        coord.join(stop_grace_period_secs=0.01)
    out.append(str(e.value))
    release.set()
    stuck.join()
    out.append(coord.wait_for_stop(0.01))
    return out


def test_coordinator_and_looper_thread():
    ours = _coordinator_story(tf)
    assert ours == _coordinator_story(T)
    assert ours[-2] == "Coordinator stopped with threads still running: stuck"


def _session_manager_story(mod):
    out = []
    with mod.Graph().as_default():
        v1 = mod.Variable(1.0, name="v1")
        mod.Variable(2.0, name="v2")
        ready = mod.report_uninitialized_variables()
        sm = mod.train.SessionManager(ready_op=ready, recovery_wait_secs=0.01)
        for kwargs in ({}, {"init_op": v1.initializer}):
            with pytest.raises(RuntimeError) as e:
                sm.prepare_session("", **kwargs)
            out.append(str(e.value).split(" error: ")[-1][:40])
        sess = sm.prepare_session("", init_op=mod.global_variables_initializer())
        out.append(float(sess.run(v1)))
        with pytest.raises(mod.errors.DeadlineExceededError) as e:
            sm.wait_for_session("", max_wait_secs=0.02)
        out.append(e.value.message)
        sess.close()
    return out


@pytest.mark.bad_input
def test_session_manager():
    ours = _session_manager_story(tf)
    assert ours == _session_manager_story(T)
    assert ours[1] == "Variables not initialized: v2"


def _scaffold_story(mod):
    with mod.Graph().as_default() as g:
        model.build(mod)
        scaffold = mod.train.Scaffold().finalize()
        keys = ["init_op", "ready_op", "ready_for_local_init_op", "local_init_op", "summary_op"]
        sizes = [len(g.get_collection(k)) for k in [*keys, "savers"]]
        finalized = g.finalized
        g._unsafe_unfinalize() if hasattr(g, "_unsafe_unfinalize") else setattr(
            g, "_finalized", False
        )
        g.add_to_collection("init_op", mod.no_op())
        with pytest.raises(RuntimeError):
            mod.train.Scaffold.get_or_default("init_op", "init_op", mod.no_op)
        copy = mod.train.Scaffold(copy_from_scaffold=scaffold)
        return sizes, finalized, copy.saver is scaffold.saver, copy.ready_op is scaffold.ready_op


def test_scaffold_defaults():
    assert _scaffold_story(tf) == _scaffold_story(T) == ([1, 1, 1, 1, 1, 1], True, True, True)


def _monitored_story(mod):
    out = []
    with mod.Graph().as_default():
        x = mod.placeholder(mod.float32, [])
        y = x + 1.0
        gs = mod.train.get_or_create_global_step()
        inc = mod.assign_add(gs, 1)

        class Feeder(mod.train.SessionRunHook):
            def before_run(self, run_context):
                return mod.train.SessionRunArgs(fetches=inc, feed_dict={x: 5.0})

        class Feeder2(Feeder):
            pass

        hooks = [Feeder(), mod.train.StopAtStepHook(last_step=3)]
        with mod.train.MonitoredSession(hooks=[Feeder(), Feeder2()]) as sess:
            with pytest.raises(RuntimeError) as e:
                sess.run(y)
            out.append(str(e.value).split(" Conflict")[0])
        with mod.train.MonitoredSession(hooks=hooks) as sess:
            out.append(float(sess.run(y)))
            with pytest.raises(RuntimeError) as e:
                sess.run(y, feed_dict={x: 1.0})
            out.append(str(e.value).split(" Conflict")[0])

            def step_fn(step_context):
                raw = step_context.session.run(y, feed_dict={x: 0.0})
                hooked = step_context.run_with_hooks(y)
                step_context.request_stop()
                return raw, hooked

            with pytest.raises(StopIteration):
                sess.run_step_fn(step_fn)
            out.append(sess.should_stop())
            with pytest.raises(ValueError):
                sess.run_step_fn(lambda ctx: None)
            while not sess.should_stop():
                sess.run(y)
            with pytest.raises(RuntimeError) as e:
                sess.run(y)
            out.append(str(e.value))
            raise mod.errors.OutOfRangeError(None, None, "end of input")  # swallowed by with
        out.append(sess.should_stop())
    return out


def test_monitored_session_feeds_step_fn_and_out_of_range():
    ours = _monitored_story(tf)
    assert ours == _monitored_story(T)
    assert ours[:3] == [
        "Same tensor is fed by two hooks.",
        6.0,
        "Same tensor is fed by a SessionRunHook and user.",
    ]
    assert "Run called even after should_stop requested." in ours


@pytest.mark.bad_input
def test_worker_session_waits_for_the_chief():
    messages = []
    for mod in (tf, T):
        with mod.Graph().as_default():
            model.build(mod)
            with pytest.raises(mod.errors.DeadlineExceededError) as e:
                mod.train.MonitoredTrainingSession(is_chief=False, max_wait_secs=0.05)
            messages.append(e.value.message)
    assert messages[0] == messages[1] == "Session was not ready after waiting 0 secs."


def _summary_and_waiter(mod, d):
    with mod.Graph().as_default():
        loss, _, train, _ = model.build(mod)
        op = mod.summary.scalar("custom", loss * 2.0)
        writer = mod.summary.FileWriter(str(d))
        hooks = [
            mod.train.GlobalStepWaiterHook(0),
            mod.train.SummarySaverHook(save_steps=3, summary_writer=writer, summary_op=op),
        ]
        with mod.train.SingularMonitoredSession(hooks=hooks) as sess:
            for _ in range(7):
                sess.run(train)
        writer.close()
    (path,) = list(d.iterdir())
    return [
        (e.step, v.tag, round(v.simple_value, 4))
        for e in T.train.summary_iterator(str(path))
        for v in e.summary.value
    ]


def test_summary_saver_hook_with_own_op_and_writer(tmp_path):
    ours = _summary_and_waiter(tf, tmp_path / "ours")
    theirs = _summary_and_waiter(T, tmp_path / "tf")
    assert (
        [x[:2] for x in ours]
        == [x[:2] for x in theirs]
        == [(1, "custom"), (4, "custom"), (7, "custom")]
    )
    np.testing.assert_allclose([x[2] for x in ours], [x[2] for x in theirs], rtol=1e-4)


def _hook_order(mod, d):
    calls = []

    class Named(mod.train.SessionRunHook):
        def __init__(self, name):
            self.name = name

        def begin(self):
            calls.append((self.name, "begin"))

        def after_create_session(self, session, coord):
            calls.append((self.name, "after_create_session"))

        def before_run(self, run_context):
            calls.append((self.name, "before_run"))

        def after_run(self, run_context, run_values):
            calls.append((self.name, "after_run", run_context.stop_requested))

        def end(self, session):
            calls.append((self.name, "end"))

    with mod.Graph().as_default():
        _, _, train, _ = model.build(mod)
        hooks = [Named("a"), mod.train.StopAtStepHook(last_step=2), Named("b")]
        with mod.train.MonitoredTrainingSession(
            checkpoint_dir=str(d), chief_only_hooks=[Named("chief")], hooks=hooks
        ) as sess:
            while not sess.should_stop():
                sess.run(train)
    return calls


def test_hook_call_order_across_hooks(tmp_path):
    ours = _hook_order(tf, tmp_path / "ours")
    assert ours == _hook_order(T, tmp_path / "tf")
    assert ours[:3] == [("chief", "begin"), ("a", "begin"), ("b", "begin")]
    assert ("b", "after_run", True) in ours  # b runs after StopAtStepHook asked to stop
    assert ours[-3:] == [("chief", "end"), ("a", "end"), ("b", "end")]


def _saves_by_secs(mod, d, clock):
    with mod.Graph().as_default():
        _, _, train, _ = model.build(mod)
        hook = mod.train.CheckpointSaverHook(str(d), save_secs=4, saver=mod.train.Saver())
        with mod.train.SingularMonitoredSession(hooks=[hook]) as sess:
            for _ in range(8):
                clock.now += 1.5
                sess.run(train)
    return sorted(int(p.name.split("-")[1].split(".")[0]) for p in d.glob("*.index"))


def test_checkpoint_saver_hook_every_n_secs(tmp_path, clock):
    ours = _saves_by_secs(tf, tmp_path / "ours", clock)
    clock.now = 1000.0
    assert ours == _saves_by_secs(T, tmp_path / "tf", clock) == [0, 3, 6, 8]
