"""`python -m sse_dash data synth` and the « données fictives » flag in `data status`."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from sirene_support import mini_geo

from sse_dash import cli
from sse_dash.sirene import schema


def _warehouse(tmp_path) -> Path:
    path = tmp_path / "geo.duckdb"
    mini_geo.build(path).close()
    return path


def test_data_synth_writes_the_three_files(tmp_path, capsys):
    wh = _warehouse(tmp_path)
    out = tmp_path / "out"
    argv = ["data", "synth", "--out", str(out), "--scale", "test", "--seed", "5"]
    assert cli.main([*argv, "--warehouse", str(wh), "--scope", "dep:93"]) == 0
    for name, cols in schema.FILES.values():
        assert pq.read_schema(out / name).names == schema.column_names(cols)
    communes = pq.read_table(out / schema.GEOLOCALISATION_FILE)
    assert set(communes.column("plg_code_commune").to_pylist()) <= {
        "93001",
        "93002",
        "93003",
        "93099",
    }
    assert "données fictives" in capsys.readouterr().out


def test_data_synth_errors_are_french_messages(tmp_path, capsys):
    missing = tmp_path / "nothing.duckdb"
    argv = ["data", "synth", "--out", str(tmp_path / "o"), "--warehouse", str(missing)]
    assert cli.main(argv) == 2
    assert "Entrepôt introuvable" in capsys.readouterr().err
    wh = _warehouse(tmp_path)
    argv = [
        "data",
        "synth",
        "--out",
        str(tmp_path / "o"),
        "--warehouse",
        str(wh),
        "--scale",
        "test",
        "--scope",
        "dep:2A",
    ]
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert "Aucune commune" in err and "Traceback" not in err
