"""slim's training loop (TF 1.x ``contrib/slim/python/slim/learning.py``): ``train`` runs
``train_step_fn`` in a ``tf.train.Supervisor``'s managed session until ``number_of_steps``
global steps (or forever), checkpointing and writing summaries to ``logdir`` on the
Supervisor's timers and saving a final checkpoint; returns the last loss. ``train_step`` runs
the train op and the global step, logs every ``log_every_n_steps`` and asks whether to stop.

Not provided: synchronous replicas (``sync_optimizer``) and Chrome traces
(``trace_every_n_steps``); both raise NotImplementedError.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ...framework import errors
from ...framework.constant_op import constant
from ...framework.graph import get_default_graph, name_scope
from ...framework.tf_logging import info
from ...ops.check_ops import report_uninitialized_variables
from ...ops.control_flow_ops import group
from ...ops.lookup_ops import tables_initializer
from ...ops.math_ops import equal, greater_equal, mod
from ...ops.summary_ops import merge_all
from ...ops.variables import global_variables_initializer, local_variables_initializer
from ...training.saver import Saver
from ...training.supervisor import Supervisor
from ...training.training_util import get_or_create_global_step

_USE_DEFAULT = 0


def train_step(sess: Any, train_op: Any, global_step: Any, train_step_kwargs: dict):
    """One gradient step: ``(total loss, should stop)``; logs ``global step N: loss = ...``
    when ``train_step_kwargs['should_log']`` is true. ValueError for ``should_trace``
    without ``logdir``, as TF."""
    start = time.time()
    if "should_trace" in train_step_kwargs:
        if "logdir" not in train_step_kwargs:
            raise ValueError(
                "logdir must be present in train_step_kwargs when should_trace is present"
            )
        raise NotImplementedError("train_step: tracing (should_trace) is not supported")
    total_loss, np_global_step = sess.run([train_op, global_step])
    elapsed = time.time() - start
    if "should_log" in train_step_kwargs and sess.run(train_step_kwargs["should_log"]):
        info("global step %d: loss = %.4f (%.2f sec/step)", np_global_step, total_loss, elapsed)
    should_stop = False
    if "should_stop" in train_step_kwargs:
        should_stop = bool(sess.run(train_step_kwargs["should_stop"]))
    return total_loss, should_stop


def train(
    train_op: Any,
    logdir: str | None,
    train_step_fn: Callable[..., Any] = train_step,
    train_step_kwargs: Any = _USE_DEFAULT,
    log_every_n_steps: int = 1,
    graph: Any = None,
    master: str = "",
    is_chief: bool = True,
    global_step: Any = None,
    number_of_steps: int | None = None,
    init_op: Any = _USE_DEFAULT,
    init_feed_dict: Any = None,
    local_init_op: Any = _USE_DEFAULT,
    init_fn: Any = None,
    ready_op: Any = _USE_DEFAULT,
    summary_op: Any = _USE_DEFAULT,
    save_summaries_secs: float = 600,
    summary_writer: Any = _USE_DEFAULT,
    startup_delay_steps: int = 0,
    saver: Any = None,
    save_interval_secs: float = 600,
    sync_optimizer: Any = None,
    session_config: Any = None,
    session_wrapper: Any = None,
    trace_every_n_steps: int | None = None,
    ignore_live_threads: bool = False,
):
    """Runs the training loop (see the module doc); ValueError for the argument combinations
    TF rejects."""
    if train_op is None:
        raise ValueError("train_op cannot be None.")
    if logdir is None:
        if summary_op != _USE_DEFAULT:
            raise ValueError("Cannot provide summary_op because logdir=None")
        if saver is not None:
            raise ValueError("Cannot provide saver because logdir=None")
        if trace_every_n_steps is not None:
            raise ValueError("Cannot provide trace_every_n_steps because logdir=None")
    if sync_optimizer is not None and startup_delay_steps > 0:
        raise ValueError("startup_delay_steps must be zero when sync_optimizer is supplied.")
    if number_of_steps is not None and number_of_steps <= 0:
        raise ValueError("`number_of_steps` must be either None or a positive number.")
    if sync_optimizer is not None or trace_every_n_steps is not None:
        raise NotImplementedError("train: sync_optimizer and trace_every_n_steps are not supported")
    graph = graph or get_default_graph()
    with graph.as_default():
        if global_step is None:
            global_step = get_or_create_global_step()
        saver = saver or Saver()
        with name_scope("init_ops"):
            if init_op == _USE_DEFAULT:
                init_op = global_variables_initializer()
            if ready_op == _USE_DEFAULT:
                ready_op = report_uninitialized_variables()
            if local_init_op == _USE_DEFAULT:
                local_init_op = group(local_variables_initializer(), tables_initializer())
        if summary_op == _USE_DEFAULT:
            summary_op = merge_all()
        if summary_writer == _USE_DEFAULT:
            summary_writer = Supervisor.USE_DEFAULT
        if train_step_kwargs == _USE_DEFAULT:
            with name_scope("train_step"):
                train_step_kwargs = {
                    "should_stop": greater_equal(global_step, number_of_steps)
                    if number_of_steps
                    else constant(False),
                    "should_log": equal(mod(global_step, log_every_n_steps), 0),
                }
    sv = Supervisor(
        graph=graph,
        is_chief=is_chief,
        logdir=logdir,
        init_op=init_op,
        init_feed_dict=init_feed_dict,
        local_init_op=local_init_op,
        ready_op=ready_op,
        summary_op=summary_op,
        summary_writer=summary_writer,
        global_step=global_step,
        saver=saver,
        save_summaries_secs=save_summaries_secs,
        save_model_secs=save_interval_secs,
        init_fn=init_fn,
    )
    if summary_writer is not None:
        train_step_kwargs["summary_writer"] = sv.summary_writer
    total_loss = None
    should_retry = True
    while should_retry:
        should_retry = False
        try:
            with sv.managed_session(
                master, start_standard_services=False, config=session_config
            ) as sess:
                info("Starting Session.")
                if session_wrapper is not None:
                    sess = session_wrapper(sess)
                if is_chief and logdir:
                    sv.start_standard_services(sess)
                sv.start_queue_runners(sess)
                info("Starting Queues.")
                try:
                    while not sv.should_stop():
                        total_loss, should_stop = train_step_fn(
                            sess, train_op, global_step, train_step_kwargs
                        )
                        if should_stop:
                            info("Stopping Training.")
                            break
                except errors.OutOfRangeError:
                    info("Caught OutOfRangeError. Stopping Training.")
                if logdir and sv.is_chief:
                    info("Finished training! Saving model to disk.")
                    sv.saver.save(sess, sv.save_path, global_step=sv.global_step)
        except errors.AbortedError:
            info("Retrying training!")
            should_retry = True
    return total_loss
