"""Text from the data (territory, QPV, third-place names, geocoder labels) shown through a
Streamlit element that renders Markdown: st.markdown, st.caption, st.subheader, st.success and
the other alerts, st.table cells, st.metric, widget and expander labels. A name such as
``[Vérifier](https://evil.example) ![x](https://evil.example/t.png) :red[ALERTE]`` must stay
text: no link, no image fetched by the visitor's browser, no coloured directive, no emphasis.

`md` backslash-escapes the characters that open Markdown constructs (CommonMark lets any ASCII
punctuation be escaped; Streamlit's directives ``:red[…]`` and ``:material/…:`` need ``:`` or
``[``), and breaks GFM's bare-URL links (``www.``, ``https://``, ``x@y.z``) with a zero-width
space; ordinary names
(« Seine-Saint-Denis (93) », « L'Abreuvoir ») come out unchanged."""

from __future__ import annotations

import re

import pandas as pd

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>!:~$&@#|^])")
# GFM's bare links (``https://…``, ``www.…``, ``x@y.z``) are found in the text once escapes are
# resolved (mdast-util-gfm-autolink-literal), so a backslash does not stop them: an invisible
# zero-width space breaks their pattern instead.
_BARE_LINK = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?<=@)")
_ZWSP = "\u200b"
_LIST_MARK = re.compile(r"^(\s*)([-+])")
_NUMBERED = re.compile(r"^(\s*[0-9]+)([.)])")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def md(text: object) -> str:
    """`text` as literal text inside Markdown (None -> « »)."""
    if text is None:
        return ""
    value = _CONTROL.sub(" ", str(text))
    value = _SPECIAL.sub(r"\\\1", value)
    value = _BARE_LINK.sub(_ZWSP, value)
    value = _LIST_MARK.sub(r"\1\\\2", value)
    return _NUMBERED.sub(r"\1\\\2", value)


def md_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` for st.table (which renders Markdown in its cells): text cells, column
    names and index labels escaped; numbers untouched."""
    out = frame.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = out[col].map(lambda v: md(v) if isinstance(v, str) else v)
    out.columns = [md(c) if isinstance(c, str) else c for c in out.columns]
    out.index = [md(i) if isinstance(i, str) else i for i in out.index]
    return out
