"""The theme's fixed words and dates in a page's language.

A theme's tables (``i18n/<code>.yaml``, read by generator/project/theme.py) give each
key's words; :func:`words_for` merges the layers and fills the gaps of one language
from the default language's table, then from English. :class:`Words` is what
templates call as ``t("key")``. Plural categories, month and weekday names come from
CLDR through Babel: a table of our own would be wrong for most languages (Ukrainian
counts one/few/many, and says "22 липня", the month in the genitive, in a date).

Babel is imported inside the methods that need it: a build that finds nothing
changed never gets this far, and must not pay for its import (engine/build.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cached_property
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from generator.errors import SiteWarning
from generator.model.languages import language as language_of
from generator.model.records import Language, Site
from generator.project.theme import ThemeFiles

if TYPE_CHECKING:
    from babel import Locale

#: The language whose table every other falls back to last: the default theme's own.
FALLBACK = "en"
#: How many missing keys a warning names before "and N more".
NAMED_KEYS = 5

_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")


class WordError(Exception):
    """A template asked for a word the theme has not got, or left out a value it needs:
    reported at the template's line (render/templates.py), with ``hint``."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


def words_for(
    theme: ThemeFiles, code: str, default_code: str
) -> tuple[Mapping[str, Any], list[SiteWarning]]:
    """The words of language ``code``, read-only: its tables merged (a higher layer's key
    over a lower one's), each key it lacks taken from its language without the region
    ("en" for "en-GB", as CLDR inherits), then ``default_code``'s, then English.

    One warning when ``code`` has no table or an incomplete one, naming the keys that
    fall back and where to add them.
    """
    base = code.partition("-")[0]
    chain = (code, base, default_code, FALLBACK)
    merged = {each: _merged(theme, each) for each in dict.fromkeys(chain)}
    words = {**merged[base], **merged[code]}
    if base != code:  # a regional variant is its language with its own differences
        merged[code] = dict(words)
    for fallback in (default_code, FALLBACK):
        for key, value in merged[fallback].items():
            words.setdefault(key, value)
    missing = [key for key in words if key not in merged[code]]
    if code == FALLBACK or not missing:
        return MappingProxyType(words), []
    return MappingProxyType(words), [_fallback_warning(theme, code, default_code, missing)]


def _merged(theme: ThemeFiles, code: str) -> dict[str, Any]:
    words: dict[str, Any] = {}
    for table in theme.words:  # the lowest layer first
        if table.code == code:
            words.update(table.words)
    return words


def _fallback_warning(
    theme: ThemeFiles, code: str, default_code: str, missing: list[str]
) -> SiteWarning:
    own = [table.path for table in theme.words if table.code == code]
    where = own[-1] if own else (theme.own_i18n / f"{code}.yaml" if theme.own_i18n else None)
    fallbacks = " or ".join(dict.fromkeys(c for c in (default_code, FALLBACK) if c != code))
    if own:
        named = ", ".join(missing[:NAMED_KEYS])
        if len(missing) > NAMED_KEYS:
            named += f" and {len(missing) - NAMED_KEYS} more"
        message = f"the theme's words in '{code}' lack {len(missing)} keys ({named})"
        hint = f"add them to {where}"
    else:
        message = f"the theme has no table of words in '{code}'"
        english = [table.path for table in theme.words if table.code == FALLBACK]
        start = f": copy {english[0]} there and translate it" if english else ""
        hint = f"add {where or f'i18n/{code}.yaml to the theme'}{start}"
    return SiteWarning(
        f"{message}: pages in '{code}' show them in '{fallbacks}'", path=where, hint=hint
    )


def with_words(site: Site, theme: ThemeFiles) -> tuple[Site, list[SiteWarning]]:
    """``site`` with each of its languages' words from ``theme``; a key one language
    lacks comes from the site's default language (site.yaml's ``language``)."""
    default = site.config.language
    warnings: list[SiteWarning] = []
    every = []
    for one in site.every_language:
        language = one.language
        if language == Language():  # a model made without collect_site (a test's)
            language = language_of(one.config)
        words, found = words_for(theme, language.code, default)
        warnings += found
        if _locale_or_none(language.code) is None:
            warnings.append(
                SiteWarning(
                    f"no dates or plural rules are known for language '{language.code}': "
                    "pages show English ones",
                    path=site.config.path,
                    hint="give `language:` a BCP 47 tag that CLDR knows, like 'uk' or 'pt-BR'",
                )
            )
        every.append(replace(one, language=replace(language, words=words)))
    if len(every) == 1:
        return every[0], warnings
    return replace(every[0], languages=tuple(every[1:])), warnings


def _locale_or_none(code: str) -> Locale | None:
    from babel import Locale, UnknownLocaleError

    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return None


class Words:
    """A language's fixed words and dates: ``t("items", n=3)`` is "3 items".

    Made once per site (per language); templates get it as ``t``.
    """

    def __init__(self, language: Language) -> None:
        self.language = language
        self.code = language.code
        self.words = language.words
        self._dates: dict[tuple[dt.date, str], str] = {}
        #: The words with nothing to fill in, as they are: most of a page's calls.
        self._plain = {
            key: value
            for key, value in language.words.items()
            if isinstance(value, str) and "{" not in value
        }

    @cached_property
    def locale(self) -> Locale:
        """Babel's locale of the language (English's when CLDR does not know it)."""
        from babel import Locale

        return _locale_or_none(self.code) or Locale.parse(FALLBACK)

    #: What Jinja's sandbox asks of everything a template calls; said here, the sandbox
    #: finds them at once rather than by a failed lookup, at each of a page's calls.
    unsafe_callable = False
    alters_data = False

    def __call__(self, key: str, n: int | None = None, /, **values: Any) -> str:
        """The words of ``key``, the count ``n`` (if any) and ``values`` filled in.

        Plain text in, plain text out (Jinja escapes it); when a value is Markup (a
        link a template made), the words are escaped and the result is Markup.
        """
        if n is None and not values:
            found = self._plain.get(key)
            if found is not None:
                return found
        if n is not None:
            values["n"] = n
        text = self._text(key, values.get("n"))
        markup = any(isinstance(value, Markup) for value in values.values())
        if markup:
            text = str(escape(text))

        def fill(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                given = ", ".join(sorted(values)) or "none"
                raise WordError(
                    f"t({key!r}) needs a value for {{{name}}} (given: {given})",
                    f"pass it as t({key!r}, {name}=...)",
                )
            value = values[name]
            return str(escape(value)) if markup else str(value)

        filled = _PLACEHOLDER.sub(fill, text)
        return Markup(filled) if markup else filled

    t = __call__

    def _text(self, key: str, n: Any) -> str:
        value = self.words.get(key)
        if value is None:
            raise WordError(
                f"t({key!r}): the theme has no word {key!r} in '{self.code}' or in English",
                f"add `{key}:` to the theme's i18n/{FALLBACK}.yaml, or correct the key",
            )
        if isinstance(value, str):
            return value
        if n is None:
            raise WordError(f"t({key!r}) is a count", f"pass it as t({key!r}, n=...)")
        return str(value.get(self.locale.plural_form(n)) or value["other"])

    def table(self, *keys: str) -> dict[str, Any]:
        """The raw words of ``keys``, for a script to fill in itself (``| tojson``)."""
        found = {}
        for key in keys:
            self._text(key, 0)  # an unknown key fails here, where the template is
            value = self.words[key]
            found[key] = value if isinstance(value, str) else dict(value)
        return found

    def _format(self, day: dt.date, key: str) -> str:
        # Made once per day and pattern: every card of an edition shows its day.
        found = self._dates.get((day, key))
        if found is None:
            from babel.dates import format_date

            found = str(format_date(day, self._text(key, None), locale=self.locale))
            self._dates[(day, key)] = found
        return found

    def date(self, day: dt.date) -> str:
        """'22 July 2025', '22 липня 2025': the table's ``date`` pattern."""
        return self._format(day, "date")

    def weekday_date(self, day: dt.date) -> str:
        """'Tuesday, 22 July 2025'; capitalised, as it opens a heading ("Вівторок")."""
        text = self._format(day, "weekday_date")
        return text[:1].upper() + text[1:]

    def span(self, first: dt.date, last: dt.date) -> str:
        """'21–27 July 2025', '28 July – 3 August 2025', or one day's '22 July 2025'."""
        if first == last:
            return self.date(first)
        if (first.year, first.month) == (last.year, last.month):
            start, joined = self._format(first, "span_first_day"), "span_same_month"
        elif first.year == last.year:
            start, joined = self._format(first, "span_first_in_year"), "span"
        else:
            start, joined = self.date(first), "span"
        return self(joined, first=start, last=self.date(last))

    def month(self, number: int) -> str:
        """The month's name standing alone, as the archive heads a month: "July",
        "Липень" (capitalised: it opens the heading)."""
        text = self._format(dt.date(2000, number, 1), "month")
        return text[:1].upper() + text[1:]
