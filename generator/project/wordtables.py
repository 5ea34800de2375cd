"""A theme's word tables: ``i18n/<language>.yaml``, each a mapping of short keys to the
fixed words its templates show, checked as they are read.

A value is a string with ``{name}`` placeholders, or, for a count, a mapping by CLDR
plural category (``one``, ``few``, ``many``, ``other``...; ``other`` is required) whose
strings use ``{n}``. Date keys hold CLDR date patterns ("d MMMM y"). A table comes from
whoever writes the theme, as templates do, so placeholders are plain names only: a
``{n.__class__}`` would reach Python's internals through ``str.format``, which is
never used on these strings (generator/render/words.py fills them in itself).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from generator.errors import SiteError, TemplateError
from generator.text.textfile import decode
from generator.text.yamltext import load_mapping

#: The folder of a theme layer that holds its tables.
I18N_DIR = "i18n"
#: CLDR's plural categories: what a count's mapping may be keyed by.
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")

_KEY = re.compile(r"[a-z][a-z0-9_]*\Z")
#: A table's file name: a BCP 47 tag ("uk", "pt-BR", "zh-Hant").
_CODE = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*\Z")
_BRACES = re.compile(r"\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"[a-z_][a-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class WordTable:
    """One theme layer's words in one language, as read from its file."""

    #: The language's tag, the file's name without ``.yaml``: "uk".
    code: str
    path: Path
    #: The file's bytes, for the theme's digest.
    data: bytes
    #: Each key's string, or its strings by plural category; read-only.
    words: Mapping[str, Any]


def table_code(name: str) -> str | None:
    """The language of a file in i18n/ ("uk.yaml" -> "uk"), or None if it is no table."""
    for suffix in (".yaml", ".yml"):
        if name.endswith(suffix) and _CODE.match(name[: -len(suffix)]):
            return name[: -len(suffix)]
    return None


def parse_table(data: bytes, path: Path) -> tuple[Mapping[str, Any], list[SiteError]]:
    """The words of one table; every problem found, located, instead of raised one by one."""
    shown = str(path)
    try:
        mapping = load_mapping(
            decode(data, shown, TemplateError), path=shown, error=TemplateError,
            what="a word table",
        )  # fmt: skip
    except TemplateError as exc:
        return MappingProxyType({}), [exc]
    words: dict[str, Any] = {}
    errors: list[SiteError] = []
    for key, value in mapping.data.items():
        where = mapping.value_at.get(key)
        if not _KEY.match(key):
            errors.append(
                TemplateError.at(
                    f"'{key}' is no word key: keys are lowercase snake_case names",
                    path=shown,
                    where=mapping.key_at.get(key),
                    hint="rename it, say `read_more:`, and use that name in the templates",
                )  # fmt: skip
            )
            continue
        problem = _problem(value)
        if problem is not None:
            errors.append(TemplateError.at(f"'{key}' {problem[0]}", path=shown, where=where,
                                           hint=problem[1]))  # fmt: skip
            continue
        words[key] = MappingProxyType(dict(value)) if isinstance(value, dict) else value
    return MappingProxyType(words), errors


def _problem(value: object) -> tuple[str, str] | None:
    """What is wrong with a table's value, and how to fix it; None when it is right."""
    if isinstance(value, str):
        return _placeholder_problem(value)
    if isinstance(value, dict):
        wrong = [str(k) for k in value if k not in PLURAL_CATEGORIES]
        if wrong:
            return (
                f"counts by plural category, and {wrong[0]!r} is none",
                f"use CLDR's categories: {', '.join(PLURAL_CATEGORIES)}",
            )
        if "other" not in value:
            return ("counts by plural category but has no 'other'",
                    "add `other:`, the form every count falls back to")  # fmt: skip
        for form in value.values():
            if not isinstance(form, str):
                return ("holds a plural form that is not text", 'write each as `one: "{n} item"`')
            problem = _placeholder_problem(form)
            if problem is not None:
                return problem
        return None
    return (
        f"must be text, or text by plural category, not {type(value).__name__}",
        'write `key: "words"`, or `key: {one: "{n} item", other: "{n} items"}`',
    )


def _placeholder_problem(text: str) -> tuple[str, str] | None:
    for match in _BRACES.finditer(text):
        if match.group(1) is None or not _NAME.match(match.group(1)):
            return (
                f"has {match.group(0)!r}, which is no placeholder",
                "a placeholder is a name in braces, like {n} or {title}; nothing else "
                "may be in braces",
            )
    return None
