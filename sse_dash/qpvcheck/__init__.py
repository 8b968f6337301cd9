"""« Adresse en QPV ? » — is an address (or a file of addresses) inside a priority neighbourhood?

reader: CSV/XLSX in memory → DataFrame (xlsx: the bounded workbook reader); mapping: which
columns hold what; geocoder: addresses → coordinates (IGN Géoplateforme or none); precision: how
sure a location is; engine: coordinates → QPV results (speed: benchmarks/qpv_check.py).
Addresses stay in memory: nothing here writes them to disk or logs."""

from __future__ import annotations


class Message(str):
    """A French sentence that knows how to say itself in English.

    The string value is the French text (printed by the CLI, compared in tests); `text(lang)`
    translates the template through sse_dash.i18n and formats the values for that language
    (integers `12 345` / `12,345`, floats with one decimal), so an English page never shows a
    French sentence only because it carries a number."""

    template: str
    values: dict

    def __new__(cls, template: str, /, **values):
        obj = super().__new__(cls, _render(template, "fr", values))
        obj.template = template
        obj.values = values
        return obj

    def text(self, lang: str = "fr") -> str:
        return _render(self.template, lang, self.values)

    def __reduce__(self):  # keeps the template when copied (st.session_state, pickling)
        return (_rebuild, (type(self), self.template, self.values))


def _rebuild(cls, template, values):
    return cls(template, **values)


class Counted(Message):
    """A Message about a count `n`: singular or plural form of the language that shows it
    (`Counted("{n} ligne ignorée", "{n} lignes ignorées", 3)`)."""

    plural: str

    def __new__(cls, singular: str, plural: str, n: int, /, **values):
        values = {"n": n, **values}
        obj = str.__new__(cls, _render((singular, plural), "fr", values))
        obj.template, obj.plural, obj.values = singular, plural, values
        return obj

    def text(self, lang: str = "fr") -> str:
        return _render((self.template, self.plural), lang, self.values)

    def __reduce__(self):
        values = {k: v for k, v in self.values.items() if k != "n"}
        return (_rebuild_counted, (self.template, self.plural, self.values["n"], values))


def _rebuild_counted(singular, plural, n, values):
    return Counted(singular, plural, n, **values)


class Distance(float):
    """A distance in metres inside a Message: `12 m` / `1,5 km` (fr), `1.5 km` (en)."""

    def text(self, lang: str = "fr") -> str:
        from sse_dash import fmt

        return fmt.distance(float(self), lang)


class Number(float):
    """A number shown with a fixed count of decimals inside a Message (`0,70` / `0.70`)."""

    decimals = 2

    def text(self, lang: str = "fr") -> str:
        from sse_dash import fmt

        return fmt.number(float(self), self.decimals, lang)


class Term(str):
    """A French word of the UI inside a Message (a precision level…), translated with it."""

    def text(self, lang: str = "fr") -> str:
        from sse_dash import i18n

        return i18n.t_known(str(self), lang)


def _show(value, lang: str) -> str:
    from sse_dash import fmt

    if isinstance(value, Distance | Number | Term | Message):
        return value.text(lang)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, int):
        return fmt.number(value, lang=lang)
    return fmt.number(value, 1, lang=lang)


def _render(template: str | tuple[str, str], lang: str, values: dict) -> str:
    """`template` translated (a (singular, plural) pair: the form for values["n"]), then
    filled with the values formatted for `lang`."""
    from sse_dash import i18n

    if isinstance(template, tuple):
        text = i18n.ngettext(*template, values["n"], lang)
    else:
        text = i18n.t_known(template, lang)
    if not values:
        return text
    return text.format(**{k: _show(v, lang) for k, v in values.items()})


def say(text, lang: str = "fr") -> str:
    """Any engine text (a Message, or a plain French string) in `lang`."""
    if isinstance(text, Message):
        return text.text(lang)
    from sse_dash import i18n

    return i18n.t_known(text, lang)


class InputError(ValueError):
    """Input the user can fix; the message is French and shown as is (page, CLI exit 2).

    `InputError("Trop de lignes ({n})…", n=12)` keeps the template and its values (`message`),
    so the page can show it in English too (`say(exc.message, lang)`)."""

    def __init__(self, message: str, /, **values):
        self.message = message if isinstance(message, Message) else Message(message, **values)
        super().__init__(str(self.message))

    def text(self, lang: str = "fr") -> str:
        return self.message.text(lang)
