"""The « Annuler » button of a batch check disappears once the batch has ended."""

from __future__ import annotations

from test_qpvcheck_page import app, inside_point, upload  # noqa: F401


def test_no_cancel_button_after_the_batch_ends(app, inside_point):  # noqa: F811
    _, _, lon, lat = inside_point
    rows = "".join(f"Asso {i};{lon:.6f};{lat:.6f}\n" for i in range(400))
    at = upload(app, "structures.csv", ("nom;longitude;latitude\n" + rows).encode())
    run = [b for b in at.button if b.label == "Lancer la vérification"][0]
    run.click()
    at.run()
    assert not at.exception
    assert {m.label: m.value for m in at.metric}["Lignes"] == "400"
    assert "Annuler" not in [b.label for b in at.button]
