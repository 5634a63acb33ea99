"""Initialising variables from a checkpoint (``tf.train.init_from_checkpoint``,
``tf.train.warm_start``) and waiting for new checkpoints
(``tf.train.checkpoints_iterator``), as in TF 1.x.

``init_from_checkpoint`` replaces each chosen variable's initializer by an assignment of the
checkpoint's value, so ``global_variables_initializer()`` built afterwards loads the checkpoint
(TF's initializer runs a RestoreV2 op that reads the file when it runs; ours holds the value
read when ``init_from_checkpoint`` is called, as a constant ``checkpoint_initializer``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from typing import Any

from ..framework import errors
from ..framework.constant_op import constant
from ..framework.graph import GraphKeys, get_collection
from ..framework.tf_logging import debug, info
from ..ops.variable_scope import _get_default_variable_store
from ..ops.variables import Variable, assign
from .checkpoint_management import latest_checkpoint
from .checkpoint_utils import _checkpoint_filename, load_checkpoint
from .vocab_remapping import warm_start_with_vocab


def wait_for_new_checkpoint(
    checkpoint_dir: str,
    last_checkpoint: str | None = None,
    seconds_to_sleep: float = 1,
    timeout: float | None = None,
) -> str | None:
    """The latest checkpoint of ``checkpoint_dir`` once it differs from ``last_checkpoint``;
    None after ``timeout`` seconds."""
    info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = None if timeout is None else time.time() + timeout
    while True:
        path = latest_checkpoint(checkpoint_dir)
        if path is not None and path != last_checkpoint:
            info("Found new checkpoint at %s", path)
            return path
        if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
            return None
        time.sleep(seconds_to_sleep)


def checkpoints_iterator(
    checkpoint_dir: str,
    min_interval_secs: float = 0,
    timeout: float | None = None,
    timeout_fn: Any = None,
) -> Iterator[str]:
    """Yields each new checkpoint of ``checkpoint_dir`` (at most one per
    ``min_interval_secs``); after ``timeout`` seconds without one it ends, or asks
    ``timeout_fn()`` whether to end (True) or keep waiting."""
    path = None
    while True:
        new = wait_for_new_checkpoint(checkpoint_dir, path, timeout=timeout)
        if new:
            start = time.time()
            path = new
            yield path
            wait = start + min_interval_secs - time.time()
            if wait > 0:
                time.sleep(wait)
        elif timeout_fn is None:
            info("Timed-out waiting for a checkpoint (without timeout_fn).")
            return
        if timeout_fn is not None and timeout_fn():
            info("Done. No new checkpoints will be generated.")
            return


def _set_checkpoint_initializer(var: Variable, reader: Any, tensor_name: str) -> None:
    value = reader.get_tensor(tensor_name)
    if value.dtype != var.dtype.np:
        raise errors.InvalidArgumentError(
            None,
            var.op,
            f"tensor_name = {tensor_name}; expected dtype {var.dtype.name} does not equal "
            f"original dtype {value.dtype.name}",
        )
    graph = var.graph
    with graph.as_default(), graph.device(var.device):
        init_value = constant(value, dtype=var.dtype, name="checkpoint_initializer")
        var._initializer_op = assign(var, init_value).op
    var._initial_value = init_value


def init_from_checkpoint(ckpt_dir_or_file: str, assignment_map: Any) -> None:
    """Makes the initializers of variables load values from a checkpoint.

    ``assignment_map`` maps checkpoint names to variables, or scopes to scopes, e.g.
    ``{'old/w': 'new/w'}``, ``{'old/w': w_variable}``, ``{'old_scope/': 'new_scope/'}``,
    ``{'/': 'new_scope/'}``; variables named by string are those of ``tf.get_variable``.
    Call it before building ``global_variables_initializer()``.

    Raises:
        ValueError: a name not in the checkpoint, a shape mismatch, or a scope mapped to a
            tensor name.
    """
    reader = load_checkpoint(ckpt_dir_or_file)
    shapes = reader.get_variable_to_shape_map()
    pairs = assignment_map.items() if isinstance(assignment_map, Mapping) else assignment_map
    store = _get_default_variable_store()._vars
    for ckpt_name, current in sorted(pairs, key=lambda pair: pair[0]):
        var = current if isinstance(current, Variable) else store.get(current)
        if var is not None:
            if ckpt_name not in shapes:
                raise ValueError(
                    f"Tensor {ckpt_name} is not found in {ckpt_dir_or_file} checkpoint {shapes}"
                )
            if not var.shape.is_compatible_with(shapes[ckpt_name]):
                raise ValueError(
                    f"Shape of variable {var.name} ({var.shape}) doesn't match with shape of "
                    f"tensor {ckpt_name} ({shapes[ckpt_name]}) from checkpoint reader."
                )
            _set_checkpoint_initializer(var, reader, ckpt_name)
            debug(
                "Initialize variable %s from checkpoint %s with %s",
                var.name,
                ckpt_dir_or_file,
                ckpt_name,
            )
            continue
        scope = current[: current.rindex("/")] if "/" in current else ""
        if not ckpt_name.endswith("/"):
            raise ValueError(
                f"Assignment map with scope only name {scope} should map to scope only "
                f"{ckpt_name}. Should be 'scope/': 'other_scope/'."
            )
        for var_name in sorted(n for n in store if not scope or n.startswith(scope + "/")):
            tensor_name = var_name[len(scope) :]
            if current != "/":
                tensor_name = tensor_name[1:]
            if ckpt_name != "/":
                tensor_name = ckpt_name + tensor_name
            tensor_name = tensor_name.removesuffix("/")
            if tensor_name not in shapes:
                raise ValueError(
                    f"Tensor {tensor_name} ({var_name[len(scope) + 1 :]} in {ckpt_name}) is not "
                    f"found in {ckpt_dir_or_file} checkpoint"
                )
            _set_checkpoint_initializer(store[var_name], reader, tensor_name)
            debug(
                "Initialize variable %s from checkpoint %s with %s",
                var_name,
                ckpt_dir_or_file,
                tensor_name,
            )


def _vars_to_warm_start(vars_to_warm_start: Any) -> dict[str, Variable]:
    """{op name: variable} of the variables selected by a regex or a list."""
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        info("Warm-starting variables only in TRAINABLE_VARIABLES.")
        found = get_collection(GraphKeys.TRAINABLE_VARIABLES, scope=vars_to_warm_start)
    elif isinstance(vars_to_warm_start, list):
        if all(isinstance(v, str) for v in vars_to_warm_start):
            found = []
            for pattern in vars_to_warm_start:
                found += get_collection(GraphKeys.GLOBAL_VARIABLES, scope=pattern)
        elif all(isinstance(v, Variable) for v in vars_to_warm_start):
            found = vars_to_warm_start
        else:
            raise ValueError(
                "If `vars_to_warm_start` is a list, it must be all `Variable` or all `str`.  "
                f"Given types are {[type(v) for v in vars_to_warm_start]}"
            )
    else:
        raise ValueError(
            "`vars_to_warm_start must be a `list` or `str`.  Given type is "
            f"{type(vars_to_warm_start)}"
        )
    return {v.op.name: v for v in found}


def warm_start(
    ckpt_to_initialize_from: str,
    vars_to_warm_start: Any = ".*",
    var_name_to_vocab_info: Any = None,
    var_name_to_prev_var_name: Any = None,
) -> None:
    """Warm-starts variables from a checkpoint (``init_from_checkpoint`` on a selection).

    Args:
        ckpt_to_initialize_from: a checkpoint prefix or directory.
        vars_to_warm_start: a regex over the trainable variables' names (default all), a list
            of regexes over the global variables, or a list of variables; None selects none.
        var_name_to_vocab_info: {current name: ``VocabInfo``} of the variables to remap
            (``vocab_remapping.py``).
        var_name_to_prev_var_name: {current name: name in the checkpoint}.

    Raises:
        ValueError: a bad ``vars_to_warm_start``, or names in ``var_name_to_prev_var_name``
            that match no selected variable.
    """
    info(f"Warm-starting from: {ckpt_to_initialize_from}")
    selected = _vars_to_warm_start(vars_to_warm_start)
    renames = dict(var_name_to_prev_var_name or {})
    used = set()
    vocab_infos = dict(var_name_to_vocab_info or {})
    vocab_used: set = set()
    count = 0
    pending: dict[str, Variable] = {}
    _checkpoint_filename(ckpt_to_initialize_from)  # (a directory without checkpoints raises)
    for var_name, var in selected.items():
        prev = renames.get(var_name)
        if prev:
            used.add(var_name)
        info_for_var = vocab_infos.get(var_name)
        if info_for_var:
            vocab_used.add(var_name)
            count += 1
            debug(f"Warm-starting variable: {var_name}; with vocabulary {info_for_var.new_vocab}")
            warm_start_with_vocab(var, ckpt_to_initialize_from, prev or var_name, info_for_var)
            continue
        if not vars_to_warm_start:
            continue
        count += 1
        debug(f"Warm-starting variable: {var_name}; prev_var_name: {prev or 'Unchanged'}")
        key = prev or var_name
        if key in pending:  # one checkpoint tensor for two variables: one call per mapping
            init_from_checkpoint(ckpt_to_initialize_from, pending)
            pending = {}
        pending[key] = var
    if pending:
        init_from_checkpoint(ckpt_to_initialize_from, pending)
    info("Warm-started %d variables.", count)
    unused = set(renames) - used
    if unused:
        raise ValueError(
            "You provided the following variables in var_name_to_prev_var_name that were not "
            f"used: {unused}.  Perhaps you misspelled them?  Here is the list of viable "
            f"variable names: {selected.keys()}"
        )
    unused = set(vocab_infos) - vocab_used
    if unused:
        raise ValueError(
            "You provided the following variables in var_name_to_vocab_info that were not "
            f"used: {unused}.  Perhaps you misspelled them?  Here is the list of viable "
            f"variable names: {selected.keys()}"
        )
