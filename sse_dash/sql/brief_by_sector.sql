-- Establishments by NAF section for one territory, largest first.
SELECT a.naf_section AS code, coalesce(s.label_fr, a.naf_section, 'Non renseigné') AS label,
       sum(a.establishments) AS establishments,
       sum(a.employees_est) AS employees_est
FROM agg_territory a
LEFT JOIN ref_naf_sections s ON s.code = a.naf_section
WHERE a.level = $level AND a.code = $code
GROUP BY ALL
ORDER BY establishments DESC, label
