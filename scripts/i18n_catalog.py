"""The translation catalogues: extract the French texts of the code (Babel's extractor) and bring
every language's `.po` file up to date — new texts added untranslated (texts no longer extracted are kept unless --prune). `make i18n` runs it; tests/test_i18n.py checks that nothing extracted is
left untranslated or fuzzy.

    python scripts/i18n_catalog.py            # update the catalogues
    python scripts/i18n_catalog.py --check    # exit 1 when a catalogue lacks a translation
    python scripts/i18n_catalog.py --prune    # also drop the texts no longer extracted
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sse_dash import i18n  # noqa: E402

# Functions whose first argument(s) are French texts (ngettext: singular and plural).
KEYWORDS = {
    "_": None,
    "t": None,
    "tf": None,
    "N_": None,
    "Message": None,
    "gettext": None,
    "ngettext": (1, 2),
    "Counted": (1, 2),
}
SOURCES = ("app.py", "pages", "sse_dash")


def extract() -> Catalog:
    """Every translatable text of the code, with where it is used."""
    catalog = Catalog(locale=i18n.SOURCE_LANG, project="sse_dash", domain=i18n.DOMAIN)
    for source in SOURCES:
        path = ROOT / source
        if path.is_file():
            found = _extract_file(path)
        else:
            found = (
                (str(Path(source) / name), line, msg)
                for name, line, msg, _c, _ctx in extract_from_dir(
                    path, [("**.py", "python")], keywords=KEYWORDS, comment_tags=()
                )
            )
        for where, line, msg in found:
            catalog.add(msg, locations=[(where, line)])
    from sse_dash.sirene import mappings  # labels that are data, translated where shown

    for text in mappings.translatable_labels():
        catalog.add(text, locations=[("sse_dash/sirene/mappings.py", 0)])
    return catalog


def _extract_file(path: Path):
    from babel.messages.extract import extract

    with path.open("rb") as fh:
        for line, msg, _c, _ctx in extract("python", fh, keywords=KEYWORDS):
            yield path.name, line, msg


def update(lang: str, template: Catalog, prune: bool = False) -> tuple[int, int]:
    """Merge `template` into `lang`'s catalogue; returns (untranslated, unused) counts.

    Entries no longer extracted stay live unless `prune`: a text kept in a constant without
    `N_()` is still translated where it is shown, and must not lose its translation."""
    po = i18n.po_path(lang)
    with po.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    catalog.update(template, no_fuzzy_matching=True)
    unused = list(catalog.obsolete.values())
    if not prune:
        for message in unused:
            catalog[message.id] = message
        catalog.obsolete.clear()
    with po.open("wb") as fh:
        # sorted, without source locations: a new text is one entry in a stable place, so two
        # branches adding texts rarely touch the same lines
        write_po(
            fh,
            catalog,
            width=100,
            omit_header=False,
            include_previous=False,
            no_location=True,
            sort_output=True,
        )
    missing = sum(1 for m in catalog if m.id and not m.string)
    return missing, len(unused)


def untranslated(lang: str, template: Catalog) -> list[str]:
    """Texts of the code without a (non-fuzzy) translation in `lang`."""
    known = i18n.entries(lang)
    ids = (m.id if isinstance(m.id, str) else m.id[0] for m in template if m.id)
    return [text for text in ids if text not in known]


def main(argv: list[str]) -> int:
    template = extract()
    others = [lang for lang in i18n.LANGS if lang != i18n.SOURCE_LANG]
    if "--check" in argv:
        bad = {lang: untranslated(lang, template) for lang in others}
        for lang, ids in bad.items():
            for text in ids:
                print(f"[{lang}] sans traduction : {text!r}")
        return 1 if any(bad.values()) else 0
    for lang in others:
        missing, unused = update(lang, template, prune="--prune" in argv)
        print(f"{lang} : {len(template)} textes, {missing} à traduire, {unused} hors extraction")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
