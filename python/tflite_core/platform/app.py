"""``tf.app.run``: runs the program's ``main`` after parsing the flags (absl's ``app.run``; flags
it does not know are passed on in ``argv``, as TF's)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from absl.app import run as _run

from . import flags


def _parse_flags_tolerate_undef(argv: list[str]) -> Any:
    return flags.FLAGS(sys.argv if argv is None else argv, known_only=True)


def run(main: Callable[..., Any] | None = None, argv: list[str] | None = None) -> None:
    """Runs ``main(argv)`` (default: ``__main__.main``) and exits with its return value."""
    main = main or sys.modules["__main__"].main
    _run(main=main, argv=argv, flags_parser=_parse_flags_tolerate_undef)
