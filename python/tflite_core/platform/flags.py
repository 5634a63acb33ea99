"""``tf.flags`` (also ``tf.app.flags``): absl's flags, with TF 1.x's ``FLAGS`` that parses the
command line on first use (unknown flags are left for the program, as TF's wrapper does).

>>> from tflite_core.platform import flags
>>> _ = flags.DEFINE_integer("doctest_steps", 3, "how many steps")
>>> flags.FLAGS(["prog", "--doctest_steps=5"]) and flags.FLAGS.doctest_steps
5
"""

from __future__ import annotations

import sys
from typing import Any

from absl.flags import *
from absl.flags import FLAGS as _ABSL_FLAGS


class _FlagValuesWrapper:
    """absl's FlagValues, parsing ``sys.argv`` (known flags only) before the first read."""

    def __init__(self, flags_object: Any) -> None:
        self.__dict__["__wrapped"] = flags_object

    def __getattribute__(self, name: str) -> Any:
        if name == "__dict__":
            return super().__getattribute__(name)
        return self.__dict__["__wrapped"].__getattribute__(name)

    def __getattr__(self, name: str) -> Any:
        wrapped = self.__dict__["__wrapped"]
        if not wrapped.is_parsed():
            wrapped(sys.argv, known_only=True)
        return wrapped.__getattr__(name)

    def __setattr__(self, name: str, value: Any) -> None:
        return self.__dict__["__wrapped"].__setattr__(name, value)

    def __delattr__(self, name: str) -> None:
        return self.__dict__["__wrapped"].__delattr__(name)

    def __dir__(self) -> list:
        return self.__dict__["__wrapped"].__dir__()

    def __getitem__(self, name: str) -> Any:
        return self.__dict__["__wrapped"].__getitem__(name)

    def __setitem__(self, name: str, flag: Any) -> None:
        return self.__dict__["__wrapped"].__setitem__(name, flag)

    def __len__(self) -> int:
        return self.__dict__["__wrapped"].__len__()

    def __iter__(self) -> Any:
        return self.__dict__["__wrapped"].__iter__()

    def __str__(self) -> str:
        return self.__dict__["__wrapped"].__str__()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.__dict__["__wrapped"].__call__(*args, **kwargs)


FLAGS: Any = _FlagValuesWrapper(_ABSL_FLAGS)  # type: ignore[no-redef]
