"""tf.compat.v1.train.Checkpoint, CheckpointManager and CheckpointOptions in graph mode, side by
side with TF 2.21: checkpoints written by either side restore in the other, the keys and the
TrackableObjectGraph are TF's, CheckpointManager numbers, keeps, deletes and records checkpoints
as TF does, and bad input gets TF's errors."""

import copy
import os
import re
import time

import numpy as np
import pytest
import tensorflow as real_tf
from tensorflow.core.protobuf import trackable_object_graph_pb2

import tflite_core as tf
from tflite_core.framework.trackable_protos import trackable_protos

T = real_tf.compat.v1
X = np.random.RandomState(0).randn(5, 3).astype(np.float32)


def _model(m, g, optimizer="adam"):
    """Two dense layers, a step variable and an optimizer, grouped in a Checkpoint."""
    with g.as_default():
        x = m.placeholder(m.float32, [None, 3])
        d1 = m.layers.Dense(4, name="dense", activation=m.nn.relu)
        d2 = m.layers.Dense(1, name="dense_1")
        loss = m.reduce_mean((d2(d1(x)) - 1.0) ** 2)
        step = m.train.get_or_create_global_step()
        if optimizer == "adam":
            opt = m.train.AdamOptimizer(0.1)
        else:
            opt = m.train.GradientDescentOptimizer(0.1)
        train = opt.minimize(loss, global_step=step)
        ckpt = m.train.Checkpoint(step=step, model=d1, head=d2, optimizer=opt)
        init = m.global_variables_initializer()
    return x, loss, train, ckpt, init


def _values(m, sess):
    return {v.op.name: sess.run(v) for v in m.global_variables()}


def _object_graph(path):
    proto = trackable_object_graph_pb2.TrackableObjectGraph()
    proto.ParseFromString(T.train.load_checkpoint(path).get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH"))
    return proto


def _train_and_save(m, tmp, sub):
    g = real_tf.Graph() if m is T else tf.Graph()
    x, loss, train, ckpt, init = _model(m, g)
    with g.as_default(), m.Session() as sess:
        sess.run(init)
        for _ in range(3):
            sess.run(train, {x: X})
        path = ckpt.save(os.path.join(tmp, sub, "ckpt"), session=sess)
        values = _values(m, sess)
        losses = [sess.run([loss, train], {x: X})[0] for _ in range(3)]
    return path, values, losses


def _restore_and_train(m, path):
    g = real_tf.Graph() if m is T else tf.Graph()
    x, loss, train, ckpt, _ = _model(m, g)
    with g.as_default(), m.Session() as sess:
        status = ckpt.restore(path)
        assert status.assert_consumed() is status
        status.assert_existing_objects_matched()
        status.run_restore_ops(sess)
        values = _values(m, sess)
        losses = [sess.run([loss, train], {x: X})[0] for _ in range(3)]
    return values, losses


def _assert_same_values(a, b):
    assert sorted(a) == sorted(b)
    for name in a:
        np.testing.assert_array_equal(a[name], b[name], err_msg=name)


def test_tf_checkpoint_restores_here(tmp_path):
    path, tf_values, tf_losses = _train_and_save(T, str(tmp_path), "tf")
    assert os.path.basename(path) == "ckpt-1"
    values, losses = _restore_and_train(tf, path)
    _assert_same_values(values, tf_values)  # every variable, slots and save_counter too
    np.testing.assert_allclose(losses, tf_losses, rtol=2e-5)


def test_checkpoint_written_here_restores_in_tf(tmp_path):
    path, values, losses = _train_and_save(tf, str(tmp_path), "ours")
    tf_values, tf_losses = _restore_and_train(T, path)
    _assert_same_values(tf_values, values)
    np.testing.assert_allclose(tf_losses, losses, rtol=2e-5)


def test_keys_object_graph_and_state_file_equal_tf(tmp_path):
    tf_path, _, _ = _train_and_save(T, str(tmp_path), "tf")
    path, _, _ = _train_and_save(tf, str(tmp_path), "ours")
    tf_reader, reader = T.train.load_checkpoint(tf_path), T.train.load_checkpoint(path)
    assert reader.get_variable_to_shape_map() == tf_reader.get_variable_to_shape_map()
    assert reader.get_variable_to_dtype_map() == tf_reader.get_variable_to_dtype_map()
    assert "model/kernel/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE" in (
        reader.get_variable_to_shape_map()
    )
    assert _object_graph(path) == _object_graph(tf_path)
    # our message class reads TF's bytes and writes them back unchanged
    raw = tf_reader.get_tensor("_CHECKPOINTABLE_OBJECT_GRAPH")
    ours = trackable_protos().TrackableObjectGraph()
    ours.ParseFromString(raw)
    assert ours.SerializeToString() == raw
    with (
        open(os.path.join(tmp_path, "tf", "checkpoint")) as a,
        open(os.path.join(tmp_path, "ours", "checkpoint")) as b,
    ):
        assert b.read() == a.read()


def _nested(m, g, prefix, sess_cls):
    """A nested Checkpoint, a name needing escapes, an optimizer without slots; write()."""
    with g.as_default():
        v = m.Variable([1.0, 2.0], name="v")
        w = m.Variable(3, name="w")
        inner = m.train.Checkpoint(w=w)
        opt = m.train.GradientDescentOptimizer(0.5)
        ckpt = m.train.Checkpoint(inner=inner, opt=opt, **{"odd.na/me": v})
        calls = []
        options = m.train.CheckpointOptions(experimental_write_callbacks=[calls.append])
        with sess_cls() as sess:
            sess.run(m.global_variables_initializer())
            out = ckpt.write(prefix, session=sess, options=options)
    return out, calls


def test_nested_checkpoint_write_and_options(tmp_path):
    tf_prefix, prefix = str(tmp_path / "tf" / "w"), str(tmp_path / "ours" / "w")
    tf_out, tf_calls = _nested(T, real_tf.Graph(), tf_prefix, T.Session)
    out, calls = _nested(tf, tf.Graph(), prefix, tf.Session)
    assert (out, calls) == (prefix, [prefix])
    assert (tf_out, tf_calls) == (tf_prefix, [tf_prefix])
    assert not os.path.exists(tmp_path / "ours" / "checkpoint")  # write() keeps no state
    assert _object_graph(prefix) == _object_graph(tf_prefix)
    a, b = T.train.load_checkpoint(tf_prefix), T.train.load_checkpoint(prefix)
    assert b.get_variable_to_shape_map() == a.get_variable_to_shape_map()
    assert "odd..na.Sme/.ATTRIBUTES/VARIABLE_VALUE" in b.get_variable_to_shape_map()
    opts, tf_opts = tf.train.CheckpointOptions(), T.train.CheckpointOptions()
    for name in (
        "experimental_io_device",
        "experimental_enable_async_checkpoint",
        "experimental_write_callbacks",
        "enable_async",
        "experimental_skip_slot_variables",
    ):
        assert getattr(opts, name) == getattr(tf_opts, name), name


def _state_text(directory):
    with open(os.path.join(directory, "checkpoint")) as f:
        text = f.read()
    return re.sub(r"(timestamps?): [0-9.e+]+", r"\1: T", text)


def _manager_run(m, g, directory):
    """A sequence of CheckpointManager saves; what the manager and the directory show."""
    out = []
    with g.as_default():
        v = m.Variable(1.0, name="v")
        step = m.Variable(0, dtype=m.int64, name="step")
        bump = m.assign_add(step, 1)
        ckpt = m.train.Checkpoint(v=v, step=step)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            empty = m.train.CheckpointManager(ckpt, directory, max_to_keep=2)
            out.append((empty.latest_checkpoint, empty.checkpoints, empty.restore_or_initialize()))
            manager = m.train.CheckpointManager(ckpt, directory, max_to_keep=2)
            for number in (None, None, None, 10, None):
                path = manager.save(checkpoint_number=number)
                out.append(
                    (
                        os.path.relpath(path, directory),
                        [os.path.relpath(p, directory) for p in manager.checkpoints],
                        os.path.relpath(manager.latest_checkpoint, directory),
                        sorted(os.listdir(directory)),
                        _state_text(directory),
                        int(sess.run(ckpt.save_counter)),
                    )
                )
            again = m.train.CheckpointManager(ckpt, directory, max_to_keep=3)
            out.append(
                (
                    [os.path.relpath(p, directory) for p in again.checkpoints],
                    os.path.relpath(again.restore_or_initialize(), directory),
                )
            )
            interval = m.train.CheckpointManager(
                ckpt,
                os.path.join(directory, "iv"),
                max_to_keep=None,
                step_counter=step,
                checkpoint_interval=2,
                checkpoint_name="model",
            )
            for _ in range(5):
                path = interval.save()
                out.append(path and os.path.relpath(path, directory))
                sess.run(bump)
            out.append(os.path.relpath(interval.save(check_interval=False), directory))
            out.append(_state_text(os.path.join(directory, "iv")))
    return out


def test_checkpoint_manager_matches_tf(tmp_path):
    tf_out = _manager_run(T, real_tf.Graph(), str(tmp_path / "tf"))
    out = _manager_run(tf, tf.Graph(), str(tmp_path / "ours"))
    assert out == tf_out
    assert out[4][3] == [
        "checkpoint",
        "ckpt-10.data-00000-of-00001",
        "ckpt-10.index",
        "ckpt-3.data-00000-of-00001",
        "ckpt-3.index",
    ]


def _manager_errors(m):
    msgs = []
    for kwargs in ({"max_to_keep": 0}, {"max_to_keep": 1, "checkpoint_interval": 5}):
        with pytest.raises(ValueError) as e:
            m.train.CheckpointManager(None, "/tmp/unused_dir_for_test", **kwargs)
        msgs.append(str(e.value))
    return msgs


@pytest.mark.bad_input
def test_manager_bad_arguments():
    assert _manager_errors(tf) == _manager_errors(T)


def _saved_vw(m, g, prefix):
    with g.as_default():
        v = m.Variable(np.ones((3, 4), np.float32), name="v")
        w = m.Variable([2.0, 3.0], name="w")
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return m.train.Checkpoint(v=v, w=w).save(prefix, session=sess)


def _restore_errors(m, g, path):
    out = []
    kwargs = {"use_resource": False} if m is T else {}
    with g.as_default():
        v = m.get_variable("v", [3, 5], **kwargs)
        status = m.train.Checkpoint(v=v).restore(path)
        with m.Session() as sess, pytest.raises(m.errors.InvalidArgumentError) as e:
            status.run_restore_ops(sess)
        out.append(
            re.search(r"Assign requires shapes of both tensors to match[^\n]*", e.value.message)[0]
        )
        w64 = m.get_variable("w64", [2], dtype=m.float64, **kwargs)
        status = m.train.Checkpoint(w=w64).restore(path)
        with m.Session() as sess, pytest.raises(m.errors.InvalidArgumentError) as e:
            status.run_restore_ops(sess)
        out.append(re.search(r"tensor_name = [^\n]*", e.value.message)[0])
        x = m.get_variable("x", [1], **kwargs)
        status = m.train.Checkpoint(v=v, x=x).restore(path)
        for check in (status.assert_existing_objects_matched, status.assert_consumed):
            with pytest.raises(AssertionError) as a:
                check()
            out.append(str(a.value))
        status = m.train.Checkpoint(v=v).restore(path)
        status.assert_existing_objects_matched()
        with pytest.raises(AssertionError) as a:
            status.assert_consumed()
        out.append(str(a.value))
        none = m.train.Checkpoint(v=v).restore(None)
        for check in (none.assert_consumed, none.run_restore_ops):
            with pytest.raises(AssertionError) as a:
                check()
            out.append(str(a.value))
        with pytest.raises(ValueError) as ve:
            m.train.Checkpoint(a=3)
        out.append(str(ve.value))
        with pytest.raises(m.errors.NotFoundError) as nf:
            m.train.Checkpoint(v=v).restore(path + "-missing")
        out.append(nf.value.message.replace(path, "P"))
    return out


@pytest.mark.bad_input
def test_restore_errors_match_tf(tmp_path):
    tf_path = _saved_vw(T, real_tf.Graph(), str(tmp_path / "tf" / "c"))
    path = _saved_vw(tf, tf.Graph(), str(tmp_path / "ours" / "c"))
    tf_errors = _restore_errors(T, real_tf.Graph(), tf_path)
    errors = _restore_errors(tf, tf.Graph(), path)
    assert errors == tf_errors
    assert errors[0].endswith("lhs shape= [3,5] rhs shape= [3,4]")
    assert errors[1].endswith("expected dtype double does not equal original dtype float")
    assert errors[4].startswith("Unresolved object in checkpoint (root).w: attributes {")


def _init_or_restore(m, g, path):
    with g.as_default():
        v = m.Variable([5.0, 6.0], name="v")
        extra = m.Variable([7.0], name="extra")
        ckpt = m.train.Checkpoint(v=v, extra=extra)
        with m.Session() as sess:
            ckpt.restore(None).initialize_or_restore(sess)
            first = sess.run([v, extra, ckpt.save_counter])
        with m.Session() as sess:
            ckpt.restore(path).initialize_or_restore(sess)
            second = sess.run([v, extra, ckpt.save_counter])
    return [np.asarray(a).tolist() for a in first + second]


def test_initialize_or_restore(tmp_path):
    with real_tf.Graph().as_default():
        v = T.Variable([1.0, 2.0], name="v")
        with T.Session() as sess:
            sess.run(v.initializer)
            ckpt = T.train.Checkpoint(v=v)
            ckpt.save(str(tmp_path / "c"), session=sess)
            path = ckpt.save(str(tmp_path / "c"), session=sess)
    assert _init_or_restore(tf, tf.Graph(), path) == _init_or_restore(T, real_tf.Graph(), path)


def _deferred(m, g, path):
    """restore() before the layers are called and before minimize made Adam's slots."""
    with g.as_default():
        x = m.placeholder(m.float32, [None, 3])
        d1 = m.layers.Dense(4, name="dense", activation=m.nn.relu)
        d2 = m.layers.Dense(1, name="dense_1")
        step = m.train.get_or_create_global_step()
        opt = m.train.AdamOptimizer(0.1)
        ckpt = m.train.Checkpoint(step=step, model=d1, head=d2, optimizer=opt)
        status = ckpt.restore(path)
        loss = m.reduce_mean((d2(d1(x)) - 1.0) ** 2)
        train = opt.minimize(loss, global_step=step)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            status.assert_consumed()
            status.run_restore_ops(sess)
            values = _values(m, sess)
            losses = [sess.run([loss, train], {x: X})[0] for _ in range(2)]
    return values, losses


def test_deferred_restore_of_objects_made_after_restore(tmp_path):
    path, saved, _ = _train_and_save(T, str(tmp_path), "tf")
    tf_values, tf_losses = _deferred(T, real_tf.Graph(), path)
    values, losses = _deferred(tf, tf.Graph(), path)
    _assert_same_values(values, tf_values)
    _assert_same_values(values, saved)
    np.testing.assert_allclose(losses, tf_losses, rtol=2e-5)


def _name_based(m, g, path):
    with g.as_default():
        v = m.Variable([0.0, 0.0], name="v")
        w = m.Variable(0.0, name="w")
        status = m.train.Checkpoint(a=v, b=w).restore(path)
        with pytest.raises(AssertionError, match=r"^Object not restored: <"):
            status.assert_consumed()
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            try:
                status.run_restore_ops(sess)
            except m.errors.NotFoundError as e:
                return type(e).__name__, re.search(r"Key \S+ not found in checkpoint", e.message)[0]
            status.assert_consumed()
            return sess.run([v, w])[0].tolist(), float(sess.run(w))


def _saver_checkpoint(m, g, prefix, with_counter):
    with g.as_default():
        v = m.Variable([1.0, 2.0], name="v")
        m.Variable(3.0, name="w")
        if with_counter:
            m.train.Checkpoint(v=v).save_counter  # noqa: B018 (a variable named save_counter)
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return m.train.Saver().save(sess, prefix)


@pytest.mark.parametrize("with_counter", [False, True])
def test_name_based_saver_checkpoint(tmp_path, with_counter):
    path = _saver_checkpoint(T, real_tf.Graph(), str(tmp_path / "m"), with_counter)
    got = _name_based(tf, tf.Graph(), path)
    assert got == _name_based(T, real_tf.Graph(), path)
    if not with_counter:
        assert got == ("NotFoundError", "Key save_counter not found in checkpoint")


def _conv_bn(m, g, prefix, optimizer, restore=None):
    """Conv2D + BatchNormalization (non-trainable moving statistics) in a nested Checkpoint,
    with an optimizer of other slot names; saved with the default session."""
    with g.as_default():
        x = m.placeholder(m.float32, [None, 4, 4, 2])
        conv = m.layers.Conv2D(3, 2, name="conv")
        bn = m.layers.BatchNormalization(name="bn")
        loss = m.reduce_mean(bn(conv(x), training=True) ** 2)
        if optimizer == "rms":
            opt = m.train.RMSPropOptimizer(0.1, momentum=0.5)
        else:
            opt = m.train.FtrlOptimizer(0.1)
        train = opt.minimize(loss)
        ckpt = m.train.Checkpoint(conv=conv, inner=m.train.Checkpoint(bn=bn), opt=opt)
        feed = {x: np.linspace(-1, 1, 64, dtype=np.float32).reshape(2, 4, 4, 2)}
        with m.Session() as sess, sess.as_default():
            sess.run(m.global_variables_initializer())
            if restore:
                ckpt.restore(restore).assert_consumed().run_restore_ops()
            else:
                sess.run(train, feed)
                prefix = ckpt.save(prefix)
            return prefix, _values(m, sess)


@pytest.mark.parametrize("optimizer", ["rms", "ftrl"])
def test_batch_norm_nested_checkpoint_other_slots(tmp_path, optimizer):
    tf_path, tf_values = _conv_bn(T, real_tf.Graph(), str(tmp_path / "tf" / "c"), optimizer)
    path, values = _conv_bn(tf, tf.Graph(), str(tmp_path / "ours" / "c"), optimizer)
    assert _object_graph(path) == _object_graph(tf_path)
    a, b = T.train.load_checkpoint(tf_path), T.train.load_checkpoint(path)
    assert b.get_variable_to_shape_map() == a.get_variable_to_shape_map()
    _, restored = _conv_bn(tf, tf.Graph(), None, optimizer, restore=tf_path)
    _assert_same_values(restored, tf_values)
    _, tf_restored = _conv_bn(T, real_tf.Graph(), None, optimizer, restore=path)
    _assert_same_values(tf_restored, values)


def _templates(m, g, prefix):
    with g.as_default():

        def f(x):
            w = m.get_variable("w", [2], initializer=m.ones_initializer())
            with m.variable_scope("sub"):
                b = m.get_variable("b", [], initializer=m.constant_initializer(0.5))
            return x * w + b

        t1 = m.make_template("tmpl", f)
        t1(m.ones([2]))
        t1(m.ones([2]))
        t2 = m.make_template("tmpl", f)
        t2(m.ones([2]))
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            return m.train.Checkpoint(t=t1, t2=t2).save(prefix, session=sess)


def test_make_template_variables_are_tracked(tmp_path):
    tf_path = _templates(T, real_tf.Graph(), str(tmp_path / "tf" / "c"))
    path = _templates(tf, tf.Graph(), str(tmp_path / "ours" / "c"))
    assert _object_graph(path) == _object_graph(tf_path)
    reader = T.train.load_checkpoint(path)
    assert reader.get_tensor("t2/sub.Sb/.ATTRIBUTES/VARIABLE_VALUE") == 0.5


def _hours_run(m, g, directory, clock):
    """keep_checkpoint_every_n_hours on a fake clock: 0.4 h between saves, one kept per hour."""
    out = []
    with g.as_default():
        ckpt = m.train.Checkpoint(v=m.Variable(1.0, name="v"))
        with m.Session() as sess:
            sess.run(m.global_variables_initializer())
            clock[0] = 1_700_000_000.25
            manager = m.train.CheckpointManager(
                ckpt, directory, max_to_keep=2, keep_checkpoint_every_n_hours=1.0
            )
            for _ in range(8):
                clock[0] += 0.4 * 3600
                manager.save()
                out.append((manager.checkpoints, sorted(os.listdir(directory))))
            with open(os.path.join(directory, "checkpoint")) as f:
                out.append(f.read())
            clock[0] += 100.0
            again = m.train.CheckpointManager(ckpt, directory, max_to_keep=2)
            out.append(again.checkpoints)
    return [repr(o).replace(directory, "D") for o in out]


def test_checkpoint_manager_keep_every_n_hours(tmp_path, monkeypatch):
    clock = [0.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    tf_out = _hours_run(T, real_tf.Graph(), str(tmp_path / "tf"), clock)
    out = _hours_run(tf, tf.Graph(), str(tmp_path / "ours"), clock)
    assert out == tf_out
    assert "last_preserved_timestamp: 1700" in out[8]


def _options_errors(m):
    out = []
    with pytest.raises(AssertionError):
        m.train.CheckpointOptions(experimental_write_callbacks=[lambda a, b: None])
    with pytest.raises(ValueError) as e:
        m.train.CheckpointOptions(experimental_sharding_callback=object())
    out.append(str(e.value))
    callbacks = [lambda path: None]
    copied = copy.copy(m.train.CheckpointOptions(experimental_write_callbacks=callbacks))
    out.append(copied.experimental_write_callbacks == callbacks)
    out.append(copied.experimental_write_callbacks is callbacks)
    return out


@pytest.mark.bad_input
def test_checkpoint_options_bad_input_and_copy():
    assert _options_errors(tf) == _options_errors(T)


def _save_uninitialized(m, g, directory):
    out = []
    with g.as_default():
        kwargs = {"use_resource": False} if m is T else {}
        v = m.get_variable("v", [2], **kwargs)
        ckpt = m.train.Checkpoint(v=v)
        with m.Session() as sess:
            for save in (ckpt.save, ckpt.write):
                with pytest.raises(m.errors.FailedPreconditionError) as e:
                    save(os.path.join(directory, "c"), session=sess)
                found = re.search(r"Attempting to use uninitialized value \w+", e.value.message)
                out.append(found[0])
            out.append(int(sess.run(ckpt.save_counter)))
    return [*out, os.path.exists(directory) and sorted(os.listdir(directory))]


@pytest.mark.bad_input
def test_save_uninitialized_variable(tmp_path):
    got = _save_uninitialized(tf, tf.Graph(), str(tmp_path / "ours"))
    assert got == _save_uninitialized(T, real_tf.Graph(), str(tmp_path / "tf"))
    assert got[:3] == ["Attempting to use uninitialized value v"] * 2 + [1]
