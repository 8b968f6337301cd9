-- One build issue recorded by the SIRENE step (e.g. an optional reference list missing).
INSERT INTO build_issues (dataset_id, kind, code, detail)
VALUES ($dataset_id, $kind, NULL, $detail)
