"""Translations through gettext catalogues (Babel `.po` files).

French is the language of the code and of the dashboard: texts are written in French and used
as gettext message ids; other languages are one catalogue each,
`sse_dash/locale/<lang>/LC_MESSAGES/messages.po` (English today). Adding a language is adding
one `.po` file (LANGS lists the catalogues found); `make i18n` extracts new texts into the catalogues.

The language of the current page (or command) is a context variable set once by the page
setup, so functions do not pass it around: `_("Territoire")`, `ngettext("{n} établissement",
"{n} établissements", n)`. Module-level constants are marked with `N_()` for extraction and
translated where they are shown. Messages with inserted values that are made before the
language is known (engine errors, notes) are `Message` objects, rendered in the language of
the page that shows them. The catalogue is compiled in memory from the `.po` file (Babel's
`write_mo`), so the `.po` file is the only one kept under version control."""

from __future__ import annotations

import contextlib
import functools
import gettext as _gettext
import io
from collections.abc import Iterator
from contextvars import ContextVar
from pathlib import Path

SOURCE_LANG = "fr"
LOCALE_DIR = Path(__file__).with_name("locale")
DOMAIN = "messages"


def available(locale_dir: Path = LOCALE_DIR) -> tuple[str, ...]:
    """French, then every language that has a catalogue: adding a language is adding its
    `<lang>/LC_MESSAGES/messages.po`."""
    found = sorted(p.parent.parent.name for p in locale_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    return (SOURCE_LANG, *[lang for lang in found if lang != SOURCE_LANG])


def locale_of(lang: str) -> str:
    """Babel locale for numbers and dates: French of France, British English, otherwise the
    language's most likely territory according to CLDR (« de » -> de_DE)."""
    from babel import Locale
    from babel.core import get_global

    fixed = {"fr": "fr_FR", "en": "en_GB"}
    if lang in fixed:
        return fixed[lang]
    likely = get_global("likely_subtags").get(lang)
    return str(Locale.parse(likely)) if likely else str(Locale.parse(lang))


def display_name(lang: str) -> str:
    """The language's name in itself (« Français », « English », « Deutsch »), from CLDR."""
    from babel import Locale

    return Locale.parse(lang).get_display_name(lang).capitalize()


LANGS = available()


@functools.cache
def lang_names() -> dict[str, str]:
    """Each language's name in itself, for the language selector (CLDR read on first use: a
    command line run never pays for it)."""
    return {lang: display_name(lang) for lang in LANGS}


# Babel locale of each language (number and date formats).
LOCALES = {lang: locale_of(lang) for lang in LANGS}

_LANG: ContextVar[str] = ContextVar("sse_dash_lang", default=SOURCE_LANG)


def set_lang(lang: str | None) -> str:
    """Make `lang` the language of what runs next in this context; unknown -> French."""
    chosen = lang if lang in LANGS else SOURCE_LANG
    _LANG.set(chosen)
    return chosen


def current() -> str:
    return _LANG.get()


@contextlib.contextmanager
def using(lang: str | None) -> Iterator[str]:
    """Temporarily render in `lang` (an export in a chosen language, a test)."""
    token = _LANG.set(lang if lang in LANGS else SOURCE_LANG)
    try:
        yield _LANG.get()
    finally:
        _LANG.reset(token)


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(lang: str) -> _gettext.NullTranslations:
    """The compiled catalogue of `lang` (French needs none: message ids are French)."""
    if lang == SOURCE_LANG or lang not in LANGS:
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)  # a fuzzy entry is not a translation
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def _lang(lang: str | None) -> str:
    return current() if lang is None else lang


def gettext(text: str, lang: str | None = None) -> str:
    """`text` (French) in the current language (or `lang`); untranslated texts stay French."""
    return translations(_lang(lang)).gettext(text)


_ = gettext


def ngettext(singular: str, plural: str, n: int, lang: str | None = None) -> str:
    """Singular or plural form for `n` in the current language (French rules: 0 and 1 are
    singular), e.g. `ngettext("{n} établissement", "{n} établissements", n).format(n=…)`."""
    lang = _lang(lang)
    if lang == SOURCE_LANG:
        return singular if abs(n) < 2 else plural
    return translations(lang).ngettext(singular, plural, n)


def N_(text: str) -> str:
    """Marks a French text for extraction without translating it (constants)."""
    return text


def t(text: str, lang: str | None = None) -> str:
    """`text` in `lang` (defaults to the current language)."""
    return gettext(text, lang)


def t_known(text, lang: str | None = None):
    """Like `t`, for values made elsewhere (statuses, notes): non-strings as they are."""
    if isinstance(text, Message):
        return text.render(lang)
    return gettext(text, lang) if isinstance(text, str) else text


def tf(template: str, lang: str | None = None, /, **values) -> str:
    """A French template translated, then formatted: numbers and names stay out of the
    message ids (`tf("{n} établissements", n=fmt.number(3))`)."""
    return gettext(template, lang).format(**values)


def entries(lang: str) -> dict[str, str]:
    """msgid -> translation of the `.po` file of `lang`, fuzzy and empty ones left out (a
    plural entry under its singular, with its singular translation)."""
    from babel.messages.pofile import read_po

    with po_path(lang).open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    found = {}
    for m in catalog:
        if not m.id or m.fuzzy:
            continue
        if isinstance(m.id, str) and m.string:
            found[m.id] = m.string
        elif not isinstance(m.id, str) and m.string and all(m.string):
            found[m.id[0]] = m.string[0]
    return found


class Message:
    """A French message template with its values, rendered in the language of whoever shows it
    (an engine error made before the page's language is known). Numbers are formatted for the
    language at rendering: ints without decimals, floats with `decimals` (default 1)."""

    def __init__(self, template: str, /, *, decimals: int = 1, **values) -> None:
        self.template = template
        self.values = values
        self.decimals = decimals

    def render(self, lang: str | None = None) -> str:
        from sse_dash import fmt

        lang = _lang(lang)
        shown = {}
        for key, value in self.values.items():
            if isinstance(value, Message):
                shown[key] = value.render(lang)
            elif isinstance(value, bool) or not isinstance(value, int | float):
                shown[key] = value
            elif isinstance(value, int):
                shown[key] = fmt.number(value, 0, lang)
            else:
                shown[key] = fmt.number(value, self.decimals, lang)
        return self._text(lang).format(**shown)

    def _text(self, lang: str) -> str:
        return gettext(self.template, lang)

    def __str__(self) -> str:
        return self.render()

    def __repr__(self) -> str:
        return f"Message({self.template!r}, {self.values!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Message):
            return (self.template, self.values) == (other.template, other.values)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.template, tuple(sorted(self.values.items(), key=str))))


class Counted(Message):
    """A Message about a count: singular or plural form chosen for `n` in the language of
    whoever shows it (`Counted("{n} ligne ignorée", "{n} lignes ignorées", n)`)."""

    def __init__(self, singular: str, plural: str, n: int, /, **values) -> None:
        super().__init__(singular, n=n, **values)
        self.plural = plural

    def _text(self, lang: str) -> str:
        return ngettext(self.template, self.plural, self.values["n"], lang)

    def __repr__(self) -> str:
        return f"Counted({self.template!r}, {self.plural!r}, {self.values!r})"
