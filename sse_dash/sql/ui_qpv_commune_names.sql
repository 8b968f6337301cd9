-- Names of every commune each QPV 2024 of $codes spans (the briefing pack's QPV table: the
-- main commune alone is misleading for the QPV that span several).
SELECT qc.code, string_agg(DISTINCT cm.name, ', ' ORDER BY cm.name) AS communes
FROM qpv_communes qc
JOIN communes cm ON cm.code = qc.commune_code
WHERE qc.geography = '2024' AND list_contains($codes, qc.code)
GROUP BY qc.code
