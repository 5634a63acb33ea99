"""Regular expressions on strings (TF's ``RegexFullMatch``, ``StaticRegexFullMatch``,
``RegexReplace``, ``StaticRegexReplace``) as HOST ops. TF's patterns are RE2's; here they are
translated to Python's ``re`` (with ``re.ASCII``: RE2's ``\\d``, ``\\w``, ``\\s``, ``\\b`` are
ASCII ones) by :func:`re2_to_python`, which

* rejects what RE2 rejects and ``re`` would accept, with RE2's reason: lookaround, atomic
  groups, conditionals, ``(?<name>`` and ``(?P=name)`` ("invalid perl operator"),
  backreferences and ``\\Z`` ("invalid escape sequence"), possessive repetitions ("bad
  repetition operator");
* translates RE2's own syntax: ``\\z`` (end of text), ``$`` (end of text, not before a final
  newline, unless ``(?m)``), ``\\Q...\\E`` (quoted), ``\\x{HHHH}``, POSIX classes such as
  ``[[:alpha:]]``, and a ``{`` that starts no repetition (a literal).

Still different: RE2's Unicode classes (``\\pL``, ``\\p{Greek}``) and ``\\C`` are unknown to
``re`` (an "Invalid pattern" error here, where TF matches); ``(?i)`` folds only ASCII case here;
an invalid pattern's error names the pattern as TF does but gives ``re``'s reason where RE2's
is not one of the above. Global replacement follows RE2's rule for empty matches (none right
after a match); rewrites take ``\\0``-``\\9`` and ``\\\\`` as RE2's.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from ..framework import dtypes as _dt
from ..framework.graph import Tensor, shape_error
from ..framework.op_util import graph_of
from .string_ops import (
    bytes_array,
    make_string_op,
    map_strings,
    op_error,
    register_string_op,
    same_shape,
    string_input,
)

_POSIX = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_PERL_OPS = ("(?=", "(?!", "(?<", "(?P=", "(?>", "(?(")
_REPEAT = re.compile(r"\{(\d+)(,\d*)?\}")


class RE2Error(ValueError):
    """A pattern RE2 rejects: the message is RE2's reason."""


def _escape_in_class(c: str) -> str:
    return "\\" + c if c in "[&~|" else c


def _hex_escape(p: str, i: int) -> tuple[str, int]:
    """``\\x{HHHH}`` or ``\\xHH`` at ``p[i]`` (the ``x``): the escaped character and the end."""
    if p.startswith("{", i + 1):
        end = p.index("}", i + 1) if "}" in p[i + 1 :] else len(p)
        return re.escape(chr(int(p[i + 2 : end] or "0", 16))), end + 1
    return "\\x" + p[i + 1 : i + 3], i + 3


def _class(p: str, i: int) -> tuple[str, int]:
    """The character class starting at ``p[i] == "["``: its Python form and the index past it."""
    out = ["["]
    i += 1
    if p.startswith("^", i):
        out.append("^")
        i += 1
    first = True
    while i < len(p):
        c = p[i]
        if c == "]" and not first:
            return "".join(out) + "]", i + 1
        first = False
        if c == "[" and p.startswith("[:", i):
            end = p.find(":]", i + 2)
            name = p[i + 2 : end] if end > 0 else ""
            if name in _POSIX:
                out.append(_POSIX[name])
                i = end + 2
                continue
        if c == "\\" and i + 1 < len(p):
            if p[i + 1] == "x":
                text, i = _hex_escape(p, i + 1)
                out.append(text)
                continue
            out.append(p[i : i + 2])
            i += 2
            continue
        out.append(_escape_in_class(c))
        i += 1
    raise RE2Error(f"missing ]: {p[p.rfind('[', 0, i) :]}")


def _repetition_end(p: str, i: int) -> int:
    """The index past the repetition operator at ``p[i]`` (with its lazy ``?``), or ``i`` when
    none starts there."""
    if p[i] in "*+?":
        end = i + 1
    else:
        m = _REPEAT.match(p, i)
        if m is None:
            return i
        end = m.end()
    return end + 1 if p.startswith("?", end) else end


def re2_to_python(pattern: str) -> str:
    """The Python ``re`` pattern that matches as the RE2 ``pattern`` does (RE2Error where RE2
    rejects it)."""
    p, out, i = pattern, [], 0
    multiline = bool(re.search(r"\(\?[a-zA-Z]*m", p))
    last_repeat = -1  # where the repetition operator just before started
    while i < len(p):
        c = p[i]
        end = _repetition_end(p, i)
        if end > i:  # *, +, ?, {n}, {n,}, {n,m}, lazy or not
            if last_repeat >= 0:
                raise RE2Error(f"bad repetition operator: {p[last_repeat:end]}")
            out.append(p[i:end])
            last_repeat, i = i, end
            continue
        last_repeat = -1
        if c == "\\" and i + 1 < len(p):
            n = p[i + 1]
            if (n.isdigit() and n != "0") or n == "Z":
                raise RE2Error(f"invalid escape sequence: \\{n}")
            if n == "z":
                out.append("\\Z")
            elif n == "Q":
                stop = p.find("\\E", i + 2)
                stop = len(p) if stop < 0 else stop
                out.append(re.escape(p[i + 2 : stop]))
                i = stop + 2
                continue
            elif n == "x":
                text, i = _hex_escape(p, i + 1)
                out.append(text)
                continue
            else:
                out.append(p[i : i + 2])
            i += 2
            continue
        if c == "(" and p.startswith("(?", i):
            bad = next((op for op in _PERL_OPS if p.startswith(op, i)), None)
            if bad is not None:
                raise RE2Error(f"invalid perl operator: {bad[:3]}")
        if c == "[":
            text, i = _class(p, i)
            out.append(text)
            continue
        if c == "{":  # (no repetition: a literal brace, as RE2)
            out.append("\\{")
        elif c == "$" and not multiline:
            out.append("\\Z")
        else:
            out.append(c)
        i += 1
    return "".join(out)


# ---- regular expressions -------------------------------------------------------------------------
def _compile(op, pattern: bytes) -> re.Pattern:
    text = pattern.decode("utf-8", "surrogateescape")
    try:
        return re.compile(re2_to_python(text), re.ASCII)
    except (RE2Error, re.error) as e:
        raise op_error(op, f"Invalid pattern: {text}, error: {e}") from None


def _text(s: bytes) -> str:
    return s.decode("utf-8", "surrogateescape")


def _full_match(op, values, pattern):
    rx = _compile(op, bytes_array(pattern).reshape(-1)[0])
    return [map_strings(lambda s: rx.fullmatch(_text(s)) is not None, bytes_array(values), bool)]


def _static_full_match(op, values):
    return _full_match(op, values, np.array(op.get_attr("pattern").encode(), object))


def _scalar_pattern_shape(op, in_shapes, value_of):
    if in_shapes[1].ndims not in (None, 0):
        raise shape_error(
            op.type, op.name, f"Shape must be rank 0 but is rank {in_shapes[1].ndims}", in_shapes
        )
    return [in_shapes[0]]


def _replace_shape(op, in_shapes, value_of):
    for k in (1, 2):
        if in_shapes[k].ndims not in (None, 0):
            raise shape_error(
                op.type,
                op.name,
                f"Shape must be rank 0 but is rank {in_shapes[k].ndims}",
                in_shapes,
            )
    return [in_shapes[0]]


register_string_op("RegexFullMatch", _scalar_pattern_shape, _full_match)
register_string_op("StaticRegexFullMatch", same_shape, _static_full_match)


def _rewrite_fn(op, rewrite: str):
    """RE2's rewrite string (``\\0``-``\\9`` the groups, ``\\\\`` a backslash) as a function of a
    match."""
    parts: list = []
    i = 0
    while i < len(rewrite):
        c = rewrite[i]
        if c == "\\" and i + 1 < len(rewrite):
            nxt = rewrite[i + 1]
            if nxt.isdigit():
                parts.append(int(nxt))
            elif nxt == "\\":
                parts.append("\\")
            else:
                raise op_error(op, f"invalid rewrite pattern: {rewrite}")
            i += 2
            continue
        if c == "\\":
            raise op_error(op, f"invalid rewrite pattern: {rewrite}")
        parts.append(c)
        i += 1

    def fn(m: re.Match) -> str:
        return "".join(p if isinstance(p, str) else (m.group(p) or "") for p in parts)

    return fn


def _replace_one(rx: re.Pattern, text: str, rewrite, replace_global: bool) -> str:
    """RE2's ``Replace`` (first match) or ``GlobalReplace`` (no empty match right after a
    match)."""
    if not replace_global:
        m = rx.search(text)
        return text if m is None else text[: m.start()] + rewrite(m) + text[m.end() :]
    out, p, last_end = [], 0, -1
    while p <= len(text):
        m = rx.search(text, p)
        if m is None:
            break
        out.append(text[p : m.start()])
        if m.start() == m.end() and m.start() == last_end:
            if m.start() < len(text):  # skip one character
                out.append(text[m.start()])
            p = m.start() + 1
            continue
        out.append(rewrite(m))
        p = last_end = m.end()
    out.append(text[p:])
    return "".join(out)


def _replace(op, values, pattern, rewrite):
    rx = _compile(op, bytes_array(pattern).reshape(-1)[0])
    fn = _rewrite_fn(op, _text(bytes_array(rewrite).reshape(-1)[0]))
    glob = op.get_attr("replace_global")

    def one(s: bytes) -> bytes:
        return _replace_one(rx, _text(s), fn, glob).encode("utf-8", "surrogateescape")

    return [map_strings(one, bytes_array(values))]


def _static_replace(op, values):
    enc = [np.array(op.get_attr(a).encode(), object) for a in ("pattern", "rewrite")]
    return _replace(op, values, *enc)


register_string_op("RegexReplace", _replace_shape, _replace)
register_string_op("StaticRegexReplace", same_shape, _static_replace)


def regex_full_match(input: Any, pattern: Any, name: str | None = None) -> Tensor:
    """Whether each string matches ``pattern`` entirely (TF's ``StaticRegexFullMatch`` for a
    Python pattern, ``RegexFullMatch`` for a tensor; RE2 syntax, see the module's notes)."""
    static = isinstance(pattern, (str, bytes))
    t = string_input(input, "StaticRegexFullMatch" if static else "RegexFullMatch", "input")
    if static:
        p = pattern.decode() if isinstance(pattern, bytes) else pattern
        return make_string_op("StaticRegexFullMatch", [t], _dt.bool, {"pattern": p}, name)
    g = graph_of(t, pattern)
    with g.as_default():
        pt = string_input(pattern, "RegexFullMatch", "pattern", name="pattern")
    return make_string_op("RegexFullMatch", [t, pt], _dt.bool, {}, name)


def regex_replace(
    input: Any, pattern: Any, rewrite: Any, replace_global: bool = True, name: str | None = None
) -> Tensor:
    """Replaces the matches of ``pattern`` in each string by ``rewrite`` (``\\1`` its groups),
    all of them or the first (TF's ``StaticRegexReplace`` for Python strings, else
    ``RegexReplace``)."""
    static = isinstance(pattern, (str, bytes)) and isinstance(rewrite, (str, bytes))
    t = string_input(input, "StaticRegexReplace" if static else "RegexReplace", "input")
    attrs: dict[str, Any] = {"replace_global": bool(replace_global)}
    if static:
        attrs["pattern"] = pattern.decode() if isinstance(pattern, bytes) else pattern
        attrs["rewrite"] = rewrite.decode() if isinstance(rewrite, bytes) else rewrite
        return make_string_op("StaticRegexReplace", [t], _dt.string, attrs, name)
    g = graph_of(t, pattern, rewrite)
    with g.as_default():
        pt = string_input(pattern, "RegexReplace", "pattern", name="pattern")
        rt = string_input(rewrite, "RegexReplace", "rewrite", name="rewrite")
    return make_string_op("RegexReplace", [t, pt, rt], _dt.string, attrs, name)
