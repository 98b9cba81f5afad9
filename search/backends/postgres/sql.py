"""SQL fragments that carry their own parameters.

A ``Sql`` is a piece of a statement and the values of its ``%s`` placeholders, in order. Pieces
are put together with ``+``, ``Sql.join`` and ``Sql.format``; each keeps its values next to its
text, so however a statement is assembled (whatever branch adds a filter, in whatever order)
the placeholders and the parameters cannot drift apart. ``Sql`` refuses text whose placeholders
and values do not match in number.

Only identifiers and SQL written here go into the text (``Sql.format`` accepts plain strings
for those); values always travel as parameters (``param(value)``).
"""
from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

_PLACEHOLDER = re.compile(r"%[%s]")  # "%%" is a literal percent sign, "%s" a parameter
_FORMATTER = string.Formatter()


def _placeholders(text: str) -> int:
    return sum(1 for match in _PLACEHOLDER.finditer(text) if match.group() == "%s")


@dataclass(frozen=True, init=False)
class Sql:
    """SQL text and the parameters of its ``%s`` placeholders, in the order they appear."""

    text: str
    params: tuple = ()

    def __init__(self, text: str, params: Iterable = ()):
        object.__setattr__(self, "text", text)
        object.__setattr__(self, "params", tuple(params))
        if _placeholders(text) != len(self.params):
            raise ValueError(f"{_placeholders(text)} placeholders but {len(self.params)} parameters: {text!r}")

    @classmethod
    def _composed(cls, text: str, params: tuple) -> Sql:
        """A fragment put together from checked fragments (its counts match: no need to scan it again)."""
        fragment = object.__new__(cls)
        object.__setattr__(fragment, "text", text)
        object.__setattr__(fragment, "params", params)
        return fragment

    def __add__(self, other: Sql | str) -> Sql:
        other = _as_sql(other)
        return Sql._composed(self.text + other.text, self.params + other.params)

    def __radd__(self, other: str) -> Sql:
        return _as_sql(other) + self

    def __bool__(self) -> bool:
        return bool(self.text)

    def join(self, parts: Iterable[Sql | str]) -> Sql:
        """Join ``parts`` with this fragment between them (as ``str.join``)."""
        joined = Sql("")
        for position, part in enumerate(parts):
            joined = joined + part if position == 0 else joined + self + part
        return joined

    @classmethod
    def format(cls, template: str, **parts: Sql | str) -> Sql:
        """Fill the ``{name}`` fields of ``template`` with fragments (or plain SQL text).

        The parameters follow the fields in the order they appear in the template, whatever the
        order of the keyword arguments. The template's own text may not hold a ``%s``: values come
        in through fragments only.
        """
        text, params = [], []
        for literal, name in _template(template):
            text.append(literal)
            if name is not None:
                part = _as_sql(parts[name])
                text.append(part.text)
                params.extend(part.params)
        return cls._composed("".join(text), tuple(params))

    def as_statement(self) -> tuple[str, list]:
        """Return ``(text, params)`` as ``cursor.execute`` takes them."""
        return self.text, list(self.params)


@lru_cache(maxsize=512)
def _template(template: str) -> tuple[tuple[str, str | None], ...]:
    """Return ``template``'s pieces of text and its field names, after checking them (templates are constants)."""
    pieces = []
    for literal, name, spec, conversion in _FORMATTER.parse(template):
        if _placeholders(literal):
            raise ValueError(f"A template takes values through fragments, not %s: {template!r}")
        if spec or conversion:
            raise ValueError(f"Fields take no format spec or conversion: {template!r}")
        pieces.append((literal, name))
    return tuple(pieces)


def param(value) -> Sql:
    """Return a placeholder for one value."""
    return Sql("%s", [value])


def _as_sql(part: Sql | str) -> Sql:
    if isinstance(part, Sql):
        return part
    if isinstance(part, str):
        return Sql(part)
    raise TypeError(f"Expected Sql or SQL text, got {type(part).__name__}")


AND = Sql(" AND ")
TRUE = Sql("TRUE")
