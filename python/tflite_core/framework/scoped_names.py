"""Names moved into and out of a name scope, as ``export_meta_graph(export_scope=)`` and
``import_meta_graph(import_scope=)`` move them: ``"w:0"``, ``"^w"`` (a control input) and
``"loc:@w"`` (a colocation) keep their marker in front of the scope."""

from __future__ import annotations

import re

_MARKER = r"(\^|loc:@|^)"


def _trimmed(scope: str) -> str:
    return scope[:-1] if scope.endswith("/") else scope


def strip_name_scope(name: str, export_scope: str | None) -> str:
    """``name`` without its leading ``export_scope/`` (unchanged when it has none)."""
    if not export_scope:
        return name
    return re.sub(_MARKER + re.escape(_trimmed(export_scope)) + r"/+(.*)", r"\1\2", name, count=1)


def prepend_name_scope(name: str, import_scope: str | None) -> str:
    """``name`` under ``import_scope/``."""
    if not import_scope:
        return name
    scope = _trimmed(import_scope).replace("\\", "\\\\")
    return re.sub(_MARKER + r"(.*)", r"\g<1>" + scope + r"/\g<2>", name, count=1)
