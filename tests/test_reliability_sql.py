"""SQL injection: every named query binds its values; the only text put into SQL is an
identifier checked by queries.ident(). Hostile values from URLs and widgets, sent to the
package's query functions on a writable COPY of the dev warehouse, give a French error or an
empty result — never a DuckDB parser error — and leave every table as it was."""

from __future__ import annotations

import ast
import re
import shutil
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from sse_dash import db, queries
from sse_dash.dashboard import points, proximity, qpv, sse
from sse_dash.dashboard import territory as terr
from sse_dash.export.brief import BriefUnavailable, build_brief
from sse_dash.qpvcheck import InputError, engine
from sse_dash.qpvcheck import maps as qmaps
from sse_dash.qpvcheck.geocoder import NoGeocoder

PACKAGE = Path(__file__).resolve().parent.parent / "sse_dash"
HOSTILE = [
    "'; DROP TABLE qpv; --",
    "1 OR 1=1",
    "dep:93' --",
    "93' OR '1'='1",
    "QN' UNION SELECT code, name FROM qpv --",
    '"; DROP TABLE establishments; --',
    "dep:93; DELETE FROM communes",
    "com:93066') OR ('a'='a",
    "x\x00y",
    "$code",
    "?",
    "{table}",
    "%s",
    "é' || (SELECT count(*) FROM meta) || '",
    "a" * 5000,
]
PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
QUOTED_IDENT = re.compile(r'^"[A-Za-z_][A-Za-z0-9_]*"$')
FRENCH = re.compile(
    r"\b(le|la|les|de|du|des|un|une|inconnu|inconnue|invalide|refusé|introuvable|saisissez|"
    r"territoire|identifiant|code|absent|géographie)\b",
    re.IGNORECASE,
)
# Identifier placeholders filled with something other than one ident() call, and why it is safe.
COMPOSED_IDENTIFIERS = {
    ("wh_insert", "columns"): "', '.join(ident(n, names))",
    ("wh_insert", "exprs"): "CAST(ident AS <type matched by build._TYPE_RE>) built in build.py",
}


def sql_files() -> dict[str, str]:
    folder = resources.files("sse_dash.sql")
    return {
        p.name[:-4]: p.read_text(encoding="utf-8")
        for p in folder.iterdir()
        if p.name.endswith(".sql")
    }


def strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


# ------------------------------------------------------------------------------ static
def test_every_named_query_loads_and_binds_its_values():
    files = sql_files()
    assert len(files) >= 50

    def expanded(text: str) -> str:
        # `@include(fragment)` = the fragment's lines without its comments
        return re.sub(
            r"@include\((\w+)\)",
            lambda m: "\n".join(
                line
                for line in files[m.group(1)].rstrip("\n").splitlines()
                if not line.lstrip().startswith("--")
            ),
            text,
        )

    for name, text in files.items():
        assert queries.load(name) == expanded(text)
        body = strip_comments(text)
        assert "%s" not in body and "%(" not in body, name  # no Python %-formatting
        # an identifier placeholder is never inside a string literal (that would be a value)
        for literal in re.findall(r"'[^']*'", body):
            assert not PLACEHOLDER.search(literal), (name, literal)
        assert "{{" not in body, name


def _call_sites() -> list[tuple[str, str, ast.Call, ast.FunctionDef | None]]:
    """(file, query name, call, enclosing function) of queries.df/rows/render with identifiers."""
    out = []
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func in [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]:
            for call in [n for n in ast.walk(func) if isinstance(n, ast.Call)]:
                f = call.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                if name not in ("df", "rows", "render"):
                    continue
                args = list(call.args)
                ident_arg = next((k.value for k in call.keywords if k.arg == "identifiers"), None)
                if name == "render":
                    query = args[0] if args else None
                    ident_arg = ident_arg or (args[1] if len(args) > 1 else None)
                else:
                    query = args[1] if len(args) > 1 else None
                    ident_arg = ident_arg or (args[3] if len(args) > 3 else None)
                if isinstance(query, ast.Constant) and isinstance(query.value, str):
                    out.append((str(path.relative_to(PACKAGE)), query.value, call, func, ident_arg))
    return out


def _uses_ident(node: ast.AST, func: ast.FunctionDef) -> bool:
    """The expression calls queries.ident(), or is a name assigned from such a call."""
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            f = sub.func
            if (isinstance(f, ast.Attribute) and f.attr == "ident") or (
                isinstance(f, ast.Name) and f.id == "ident"
            ):
                return True
    if isinstance(node, ast.Name):
        for assign in [n for n in ast.walk(func) if isinstance(n, ast.Assign)]:
            targets = [t.id for t in assign.targets if isinstance(t, ast.Name)]
            if node.id in targets and _uses_ident(assign.value, func):
                return True
    return False


def test_identifier_placeholders_are_filled_only_through_ident():
    files = sql_files()
    with_placeholders = {n: set(PLACEHOLDER.findall(strip_comments(t))) for n, t in files.items()}
    with_placeholders = {n: p for n, p in with_placeholders.items() if p}
    assert with_placeholders, "no identifier placeholder found: the scan is broken"
    seen = set()
    for path, query, call, func, ident_arg in _call_sites():
        expected = with_placeholders.get(query, set())
        if not expected:
            assert ident_arg is None, f"{path}: {query} takes no identifiers"
            continue
        seen.add(query)
        assert isinstance(ident_arg, ast.Dict), f"{path}:{call.lineno} identifiers not a literal"
        keys = {k.value for k in ident_arg.keys}
        assert keys == expected, (path, query, keys, expected)
        for key, value in zip(ident_arg.keys, ident_arg.values, strict=True):
            if (query, key.value) in COMPOSED_IDENTIFIERS:
                continue
            assert _uses_ident(value, func), f"{path}:{call.lineno} {{{key.value}}} not ident()"
    assert seen == set(with_placeholders), set(with_placeholders) - seen


@pytest.mark.parametrize("bad", ["regions; DROP TABLE qpv", 'regions"', "qpv", "", "REGIONS"])
def test_ident_refuses_anything_outside_its_allow_list(bad):
    with pytest.raises(queries.ForbiddenIdentifier, match="identifiant refusé"):
        queries.ident(bad, ["regions", "departements"])
    assert queries.ident("regions", ["regions"]) == '"regions"'


@pytest.mark.parametrize("dim", ["name; DROP TABLE qpv", "siret", "family)", "1"])
def test_breakdown_dimensions_are_allow_listed(dim):
    t = terr.Territory("departement", "93", "x")
    with pytest.raises(queries.ForbiddenIdentifier):
        sse.breakdown(None, t, dim)


@pytest.mark.parametrize("name", ["../secret", "ui_meta.sql", "UI_META", "ui meta", "nope"])
def test_unknown_query_names_are_refused(name):
    with pytest.raises(queries.UnknownQuery):
        queries.load(name)


# ------------------------------------------------------------------------------ runtime
@pytest.fixture(scope="module")
def writable_copy(dev_warehouse, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("sql_injection") / "sse.duckdb"
    shutil.copy2(dev_warehouse, target)
    return target


def table_counts(con) -> dict[str, int]:
    names = [
        r[0]
        for r in con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_type = 'BASE TABLE'"
        ).fetchall()
    ]
    return {
        n: con.execute(f"SELECT count(*) FROM {queries.ident(n, names)}").fetchone()[0]
        for n in names
    }


@pytest.fixture
def rendered(monkeypatch):
    """Every identifier that reaches SQL during the test (must be a quoted identifier)."""
    seen: list[str] = []
    original = queries.render

    def spy(name, identifiers=None):
        seen.extend((identifiers or {}).values())
        return original(name, identifiers)

    monkeypatch.setattr(queries, "render", spy)
    return seen


def outcome(fn, *args, **kwargs):
    """Result, or the exception if it is an expected, French one. DuckDB errors fail."""
    try:
        return fn(*args, **kwargs)
    except duckdb.Error as exc:  # a hostile value reached the SQL text
        pytest.fail(f"{fn.__name__}{args[1:]!r}: erreur DuckDB {exc!r}")
    except (
        InputError,
        terr.UnknownTerritory,
        BriefUnavailable,
        queries.ForbiddenIdentifier,
    ) as exc:
        assert FRENCH.search(str(exc)), str(exc)
        return exc
    except ValueError as exc:
        return exc


def is_empty(value) -> bool:
    if value is None or isinstance(value, Exception):
        return True
    if isinstance(value, pd.DataFrame | list | tuple):
        return len(value) == 0
    return False


def test_hostile_values_change_nothing(writable_copy, rendered, tmp_path):
    ref = engine.get_reference(writable_copy)  # read before the writable connection opens
    con = db.connect(writable_copy)  # writable on purpose: an injection could do damage
    try:
        before = table_counts(con)
        assert before["qpv"] > 0 and before["establishments"] > 0
        dep = terr.from_key(con, "dep:93")
        assert dep is not None
        for bad in HOSTILE:
            # territory keys from the URL
            assert terr.parse_key(bad) is None or terr.from_key(con, bad) is None
            assert outcome(terr.from_key, con, bad) is None
            for level in ("region", "departement", "epci", "commune", bad):
                assert outcome(terr.lookup, con, level, bad) is None
                assert is_empty(outcome(terr.search, con, level, bad, dep=bad, reg=bad))
            # a territory object carrying hostile codes, as a widget could build it
            fake = terr.Territory("departement", bad, bad, 1000)
            assert outcome(terr.bounds, con, fake) is None
            assert outcome(sse.kpis, con, fake)["establishments"] in (0, None)
            filters = sse.Filters(family=bad, sector=bad, size=bad, qpv=bad)
            assert outcome(sse.kpis, con, dep, filters)["establishments"] in (0, None)
            assert is_empty(outcome(sse.points, con, dep, filters))
            assert is_empty(outcome(sse.map_points, con, dep, filters))
            assert is_empty(outcome(sse.breakdown, con, dep, "family", filters))
            assert is_empty(sse.years_of(outcome(sse.summary, con, fake)))
            totals = outcome(sse.totals, con, [fake])
            assert totals["establishments"].tolist() == [0.0]
            assert isinstance(outcome(sse.choropleth, con, bad), ValueError)
            assert outcome(sse.choropleth, con, "commune", within=fake)["establishments"].sum() == 0
            # QPV codes from the URL and geography
            assert outcome(qpv.one, con, bad) is None
            assert is_empty(outcome(qpv.overlap, con, bad))
            assert is_empty(outcome(qpv.establishments, con, bad))
            assert is_empty(outcome(qpv.contours, con, fake))
            assert isinstance(outcome(qpv.contours, con, dep, bad), ValueError)
            assert is_empty(outcome(qpv.table, con, fake))
            assert is_empty(outcome(points.third_places, con, fake))
            assert is_empty(outcome(points.ptce, con, fake))
            assert proximity.clamp_radius(bad) == 500
            assert is_empty(outcome(proximity.sse_near_ptce, con, dep, 500, sector=bad))
            assert is_empty(outcome(qmaps.qpv_shapes, con, [bad], "2024"))
            # exports: territory identifiers typed on the command line or sent by a button
            assert isinstance(outcome(terr.resolve, con, bad), terr.UnknownTerritory)
            assert isinstance(outcome(terr.resolve, con, f"dep:{bad}"), terr.UnknownTerritory)
            res = outcome(build_brief, con, bad, tmp_path / "brief.pdf")
            assert isinstance(res, terr.UnknownTerritory | BriefUnavailable)
            # « Adresse en QPV ? » single check with text typed by the user
            assert isinstance(outcome(engine.check_text, ref, bad, NoGeocoder()), InputError)
        assert table_counts(con) == before
    finally:
        con.close()
    assert rendered, "no identifier went through render: the spy saw nothing"
    assert all(QUOTED_IDENT.match(v) for v in rendered), set(rendered)
    # the file still opens read-only with the same tables, as the app opens it
    ro = db.open_warehouse(writable_copy)
    try:
        assert table_counts(ro) == before
    finally:
        ro.close()
