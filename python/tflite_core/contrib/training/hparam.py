"""``tf.contrib.training.HParams`` (TF 1.x ``contrib/training/python/training/hparam.py``): a
set of named hyperparameters, read as attributes, typed by their first value (int, float, bool,
str, or lists of them), overridden from a ``"name=value,list=[1,2]"`` string (``parse``), a
dict or JSON.

    >>> hp = tf.contrib.training.HParams(learning_rate=0.1, layers=[64, 32], use_bn=True)
    >>> hp.parse("learning_rate=0.3,layers=[8,8,8],use_bn=false").layers
    [8, 8, 8]
    >>> hp.learning_rate, hp.use_bn
    (0.3, False)
"""

from __future__ import annotations

import json
import numbers
import re
from typing import Any

_PARAM_RE = re.compile(
    r"""
    (?P<name>[a-zA-Z][\w\.]*)      # variable name: "var" or "x"
    (\[\s*(?P<index>\d+)\s*\])?    # (optional) index: "1" or None
    \s*=\s*
    ((?P<val>[^,\[]*)              # single value: "a" or None
     |
     \[(?P<vals>[^\]]*)\])         # list of values: None or "1,2,3"
    ($|,\s*)""",
    re.VERBOSE,
)


def _parse_fail(name, var_type, value, values):
    raise ValueError(
        f"Could not parse hparam '{name}' of type '{var_type.__name__}' with value "
        f"'{value}' in {values}"
    )


def _reuse_fail(name, values):
    raise ValueError(f"Multiple assignments to variable '{name}' in {values}")


def _parse_one(param_type, name, text, values):
    if param_type is bool:
        low = text.strip().lower()
        if low in ("true", "1"):
            return True
        if low in ("false", "0"):
            return False
        _parse_fail(name, param_type, text, values)
    try:
        return param_type(text)
    except ValueError:
        _parse_fail(name, param_type, text, values)


def parse_values(values: str, type_map: dict, ignore_unknown: bool = False) -> dict:
    """``{name: value}`` (or ``{name: {index: value}}`` for ``name[i]=v``) parsed from
    ``values``, each typed by ``type_map``; ValueError for malformed text, an unknown name (unless
    ``ignore_unknown``), an unparsable value or a name set twice, as TF."""
    results: dict[str, Any] = {}
    pos = 0
    while pos < len(values):
        m = _PARAM_RE.match(values, pos)
        if not m:
            raise ValueError(f"Malformed hyperparameter value: {values[pos:]}")
        pos = m.end()
        name = m.group("name")
        if name not in type_map:
            if ignore_unknown:
                continue
            raise ValueError(f"Unknown hyperparameter type for {name}")
        param_type = type_map[name]
        if m.group("index") is not None:
            if m.group("vals") is not None:
                _parse_fail(name, param_type, m.group("vals"), values)
            index = int(m.group("index"))
            slot = results.setdefault(name, {})
            if not isinstance(slot, dict) or index in slot:
                _reuse_fail(f"{name}[{index}]", values)
            slot[index] = _parse_one(param_type, name, m.group("val"), values)
            continue
        if name in results:
            _reuse_fail(name, values)
        if m.group("val") is not None:
            results[name] = _parse_one(param_type, name, m.group("val"), values)
        else:
            text = m.group("vals").strip()
            results[name] = (
                [_parse_one(param_type, name, e, values) for e in text.split(",")] if text else []
            )
    return results


def _cast_to_type_if_compatible(name, param_type, value):
    fail = f"Could not cast hparam '{name}' of type '{param_type}' from value {value!r}"
    if issubclass(param_type, type(None)):
        return value
    if issubclass(param_type, (str, bytes)) and not isinstance(value, (str, bytes)):
        raise ValueError(fail)
    if issubclass(param_type, bool) != isinstance(value, bool):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Integral) and not isinstance(value, numbers.Integral):
        raise ValueError(fail)
    if issubclass(param_type, numbers.Number) and not isinstance(value, numbers.Number):
        raise ValueError(fail)
    return param_type(value)


class HParams:
    """Named hyperparameters (see the module doc)."""

    _HAS_DYNAMIC_ATTRIBUTES = True

    def __init__(self, hparam_def: Any = None, model_structure: Any = None, **kwargs: Any):
        self._hparam_types: dict[str, tuple[type, bool]] = {}
        self._model_structure = model_structure
        if hparam_def:
            raise ValueError("hparam_def (an HParamDef proto) is not supported")
        for name, value in kwargs.items():
            self.add_hparam(name, value)

    def add_hparam(self, name: str, value: Any) -> None:
        """Adds ``name`` typed by ``value`` (a list: its elements' type); ValueError for a name
        already used or reserved, or an empty list."""
        if getattr(self, name, None) is not None:
            raise ValueError(f"Hyperparameter name is reserved: {name}")
        if isinstance(value, (list, tuple)):
            if not value:
                raise ValueError(f"Multi-valued hyperparameters cannot be empty: {name}")
            self._hparam_types[name] = (type(value[0]), True)
        else:
            self._hparam_types[name] = (type(value), False)
        setattr(self, name, value)

    def set_hparam(self, name: str, value: Any) -> None:
        """Sets ``name`` to ``value`` cast to its type (ValueError when it cannot be)."""
        param_type, is_list = self._hparam_types[name]
        if isinstance(value, list):
            if not is_list:
                raise ValueError(f"Must not pass a list for single-valued parameter: {name}")
            setattr(self, name, [_cast_to_type_if_compatible(name, param_type, v) for v in value])
        else:
            if is_list:
                raise ValueError(f"Must pass a list for multi-valued parameter: {name}.")
            setattr(self, name, _cast_to_type_if_compatible(name, param_type, value))

    def del_hparam(self, name: str) -> None:
        if hasattr(self, name):
            delattr(self, name)
            del self._hparam_types[name]

    def parse(self, values: str) -> HParams:
        """Overrides from ``"a=1,b=[1,2],c=x"``; returns self."""
        type_map = {name: t for name, (t, _) in self._hparam_types.items()}
        return self.override_from_dict(parse_values(values, type_map))

    def override_from_dict(self, values_dict: dict) -> HParams:
        for name, value in values_dict.items():
            if isinstance(value, dict):  # name[i]=v: set one element of a list
                current = list(getattr(self, name))
                for i, v in value.items():
                    current[i] = v
                value = current
            self.set_hparam(name, value)
        return self

    def set_model_structure(self, model_structure: Any) -> None:
        self._model_structure = model_structure

    def get_model_structure(self) -> Any:
        return self._model_structure

    def to_json(self, indent: Any = None, separators: Any = None, sort_keys: bool = False) -> str:
        return json.dumps(self.values(), indent=indent, separators=separators, sort_keys=sort_keys)

    def parse_json(self, values_json: str) -> HParams:
        return self.override_from_dict(json.loads(values_json))

    def values(self) -> dict:
        return {n: getattr(self, n) for n in self._hparam_types}

    def get(self, key: str, default: Any = None) -> Any:
        """The value of ``key``, else ``default`` (ValueError when ``default``'s type differs
        from the hyperparameter's)."""
        if key in self._hparam_types:
            if default is not None:
                param_type, is_list = self._hparam_types[key]
                ok = isinstance(default, list) if is_list else isinstance(default, param_type)
                if not ok:
                    raise ValueError(
                        f"Hparam '{key}' of type '{param_type}' is incompatible with default="
                        f"{default}"
                    )
            return getattr(self, key)
        return default

    def __contains__(self, key: str) -> bool:
        return key in self._hparam_types

    def __str__(self) -> str:
        return str(sorted(self.values().items()))

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.__str__()})"
