"""``tf.train.Scaffold`` (the init, ready, local-init and summary ops and the Saver of a training
run, made by default from the graph's collections) and the session creators of
``MonitoredSession``: ``ChiefSessionCreator`` (initialises or restores) and
``WorkerSessionCreator`` (waits for the chief)."""

from __future__ import annotations

import abc
from collections.abc import Callable
from typing import Any

from ..framework.graph import GraphKeys, add_to_collection, get_collection, get_default_graph
from ..framework.tf_logging import info
from ..ops.check_ops import report_uninitialized_variables
from ..ops.control_flow_ops import group
from ..ops.lookup_ops import tables_initializer
from ..ops.summary_ops import merge_all
from ..ops.variables import (
    global_variables,
    global_variables_initializer,
    local_variables_initializer,
)
from .saver import Saver
from .session_manager import SessionManager


def get_saver_or_default() -> Saver:
    """The only Saver in the ``savers`` collection, or a new one (``sharded=True,
    allow_empty=True``) added to it."""
    savers = get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(
                f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which one "
                "to use by passing it to the constructor."
            )
        return savers[0]
    saver = Saver(sharded=True, allow_empty=True)
    add_to_collection(GraphKeys.SAVERS, saver)
    return saver


class Scaffold:
    """The pieces a ``MonitoredSession`` needs to initialise, check, summarise and save a model.

    Any argument left None is taken at ``finalize()`` from its collection (``init_op``,
    ``ready_op``, ``ready_for_local_init_op``, ``local_init_op``, ``summary_op``, ``savers``)
    or built by default (and added to it): the global variables' initializer, the names of the
    uninitialised variables, the local variables' and tables' initializers,
    ``tf.summary.merge_all()``, a Saver of every global variable. ``init_fn(scaffold, sess)``
    runs after ``init_op``. ``copy_from_scaffold`` fills the arguments not given.
    """

    def __init__(
        self,
        init_op: Any = None,
        init_feed_dict: Any = None,
        init_fn: Callable[[Scaffold, Any], Any] | None = None,
        ready_op: Any = None,
        ready_for_local_init_op: Any = None,
        local_init_op: Any = None,
        summary_op: Any = None,
        saver: Any = None,
        copy_from_scaffold: Scaffold | None = None,
        local_init_feed_dict: Any = None,
    ) -> None:
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            src = copy_from_scaffold

            def pick(mine: Any, theirs: Any) -> Any:
                return mine if mine is not None else theirs

            init_op = pick(init_op, src.init_op)
            init_feed_dict = pick(init_feed_dict, src.init_feed_dict)
            init_fn = pick(init_fn, src._user_init_fn)
            ready_op = pick(ready_op, src.ready_op)
            ready_for_local_init_op = pick(ready_for_local_init_op, src.ready_for_local_init_op)
            local_init_op = pick(local_init_op, src.local_init_op)
            local_init_feed_dict = pick(local_init_feed_dict, src.local_init_feed_dict)
            summary_op = pick(summary_op, src.summary_op)
            saver = pick(saver, src.saver)
        self._user_init_fn: Callable[[Scaffold, Any], Any] | None = init_fn
        self._init_fn: Callable[[Any], Any] | None = None
        if init_fn:
            user_fn = init_fn
            self._init_fn = lambda sess: user_fn(self, sess)
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._local_init_feed_dict = local_init_feed_dict
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self) -> Scaffold:
        """Builds the missing ops, builds the Saver and finalizes the default graph."""
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default(
                "init_op",
                GraphKeys.INIT_OP,
                lambda: group(
                    global_variables_initializer(), *get_collection("saved_model_initializers")
                ),
            )
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default(
                "ready_op", GraphKeys.READY_OP, report_uninitialized_variables
            )
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op",
                GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: report_uninitialized_variables(global_variables()),
            )
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default(
                "local_init_op", GraphKeys.LOCAL_INIT_OP, Scaffold.default_local_init_op
            )
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default(
                "summary_op", GraphKeys.SUMMARY_OP, merge_all
            )
        if self._saver is None:
            self._saver = get_saver_or_default()
        if getattr(self._saver, "_vars", True) is None:  # a deferred build (TF: once)
            self._saver.build()
        get_default_graph().finalize()
        info("Graph was finalized.")
        return self

    @property
    def init_fn(self) -> Callable[[Any], Any] | None:
        return self._init_fn

    @property
    def init_op(self) -> Any:
        return self._init_op

    @property
    def ready_op(self) -> Any:
        return self._ready_op

    @property
    def ready_for_local_init_op(self) -> Any:
        return self._ready_for_local_init_op

    @property
    def local_init_op(self) -> Any:
        return self._local_init_op

    @property
    def local_init_feed_dict(self) -> Any:
        return self._local_init_feed_dict

    @property
    def summary_op(self) -> Any:
        return self._summary_op

    @property
    def saver(self) -> Any:
        return self._saver

    @property
    def init_feed_dict(self) -> Any:
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name: str, collection_key: str, default_constructor: Callable) -> Any:
        """The only item of ``collection_key``, or ``default_constructor()`` added to it."""
        elements = get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f'More than one item in the collection "{collection_key}". Please indicate '
                    "which one to use by passing it to the tf.Scaffold constructor as:  "
                    f"tf.Scaffold({arg_name}=item to use)"
                )
            return elements[0]
        op = default_constructor()
        if op is not None:
            add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op() -> Any:
        """The local variables' and the tables' initializers, grouped."""
        return group(local_variables_initializer(), tables_initializer())


class SessionCreator(metaclass=abc.ABCMeta):
    """A factory of sessions (``create_session()``)."""

    @abc.abstractmethod
    def create_session(self) -> Any:
        raise NotImplementedError(f"create_session is not implemented for {self}.")


def _session_manager(scaffold: Scaffold) -> SessionManager:
    return SessionManager(
        local_init_op=scaffold.local_init_op,
        local_init_feed_dict=scaffold.local_init_feed_dict,
        ready_op=scaffold.ready_op,
        ready_for_local_init_op=scaffold.ready_for_local_init_op,
        graph=get_default_graph(),
    )


class ChiefSessionCreator(SessionCreator):
    """Creates the chief's session: finalizes the scaffold, restores the latest checkpoint of
    ``checkpoint_dir`` (or ``checkpoint_filename_with_path``) or runs the init ops."""

    def __init__(
        self,
        scaffold: Scaffold | None = None,
        master: str = "",
        config: Any = None,
        checkpoint_dir: str | None = None,
        checkpoint_filename_with_path: str | None = None,
    ) -> None:
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._session_manager: SessionManager | None = None
        self._master = master
        self._config = config

    def _get_session_manager(self) -> SessionManager:
        if self._session_manager is None:
            self._session_manager = _session_manager(self._scaffold)
        return self._session_manager

    def create_session(self) -> Any:
        self._scaffold.finalize()
        return self._get_session_manager().prepare_session(
            self._master,
            saver=self._scaffold.saver,
            checkpoint_dir=self._checkpoint_dir,
            checkpoint_filename_with_path=self._checkpoint_filename_with_path,
            config=self._config,
            init_op=self._scaffold.init_op,
            init_feed_dict=self._scaffold.init_feed_dict,
            init_fn=self._scaffold.init_fn,
        )


class WorkerSessionCreator(SessionCreator):
    """Creates a worker's session: waits (up to ``max_wait_secs``) for the model to be ready."""

    def __init__(
        self,
        scaffold: Scaffold | None = None,
        master: str = "",
        config: Any = None,
        max_wait_secs: float = 30 * 60,
    ) -> None:
        self._scaffold = scaffold or Scaffold()
        self._session_manager: SessionManager | None = None
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def _get_session_manager(self) -> SessionManager:
        if self._session_manager is None:
            self._session_manager = _session_manager(self._scaffold)
        return self._session_manager

    def create_session(self) -> Any:
        self._scaffold.finalize()
        return self._get_session_manager().wait_for_session(
            self._master, config=self._config, max_wait_secs=self._max_wait_secs
        )
