"""The README's benchmark table is generated from bench/results.json, and a partial `make bench`
keeps the latest figures of the groups it did not run."""

from __future__ import annotations

import json

import pytest

from benchmarks import readme, runner


def _write(path, results):
    path.write_text(json.dumps({"machine": {}, "results": results}), encoding="utf-8")


def test_table_rewritten_between_markers_only(tmp_path):
    doc = tmp_path / "README.md"
    doc.write_text(f"avant\n{readme.BEGIN}\nvieux | tableau\n{readme.END}\naprès\n", "utf-8")
    results = tmp_path / "results.json"
    _write(
        results,
        [
            {
                "group": "qpv_check",
                "name": "lot | 100 000",
                "status": "ok",
                "end_to_end_s": 1.25,
                "contours": "/chemin",
                "measured_at": "2026-11-29T10:00:00+00:00",
                "machine": "2 cœurs",
            },
            {"group": "browser", "name": "peinture", "status": "échec : chromium absent"},
        ],
    )
    assert readme.update(doc, results)
    text = doc.read_text("utf-8")
    assert text.startswith("avant\n") and text.endswith("après\n")
    assert "vieux" not in text
    assert "end_to_end_s = 1.25" in text and "/chemin" not in text
    assert "lot \\| 100 000" in text  # a pipe in a name does not break the table
    assert "| 2026-11-29 | 2 cœurs |" in text
    assert "échec : chromium absent" in text


def test_update_refuses_a_readme_without_markers(tmp_path):
    doc = tmp_path / "README.md"
    doc.write_text("pas de tableau\n", "utf-8")
    results = tmp_path / "results.json"
    _write(results, [])
    with pytest.raises(ValueError, match="marqueurs"):
        readme.update(doc, results)
    assert not readme.update(doc, tmp_path / "absent.json")


def test_partial_run_keeps_other_groups(tmp_path, monkeypatch):
    results = tmp_path / "results.json"
    _write(
        results,
        [
            {"group": "sirene", "name": "ancienne mesure", "status": "ok", "build_s": 27.6},
            {"group": "pip", "name": "remplacée", "status": "ok"},
            {"group": "disparu", "name": "groupe retiré", "status": "ok"},
        ],
    )
    monkeypatch.setattr(
        runner, "BENCHES", [("pip", "benchmarks.timing:percentiles", {"times": [1.0]})]
    )
    report = runner.run(["pip"], results)
    names = [(r["group"], r["name"]) for r in report["results"]]
    assert ("sirene", "ancienne mesure") in names
    assert ("pip", "remplacée") not in names and ("disparu", "groupe retiré") not in names
    fresh = [r for r in report["results"] if r["group"] == "pip"]
    assert fresh and fresh[0]["p50_s"] == 1.0 and fresh[0]["measured_at"]
    assert json.loads(results.read_text("utf-8")) == json.loads(json.dumps(report, default=str))
