-- Every establishment of the selection, for `python -m sse_dash export etablissements` and the
-- download of the Territoire page (no limit). Names of non-diffusible units are never
-- returned; a NAF label only for a NAF rév. 2 code (a NAF 2025 or older code is never given
-- a rév. 2 label); QPV code and distance only when the location allows a status « oui » /
-- « non » (sirene_build_establishments).
SELECT e.siret,
       CASE WHEN e.diffusible THEN e.name END AS nom,
       e.family AS famille,
       f.label_fr AS famille_libelle,
       e.naf,
       e.naf_nomenclature AS nomenclature_naf,
       CASE WHEN e.naf_nomenclature = 'NAFRev2' THEN n.label_fr END AS libelle_naf,
       e.naf_section AS section_naf,
       e.size_band AS tranche_effectifs,
       b.label_fr AS tranche_effectifs_libelle,
       e.employer AS employeur,
       e.created AS date_creation,
       e.commune_code AS code_commune,
       c.name AS commune,
       e.dep_code AS code_departement,
       e.qpv24_status AS en_qpv_2024,
       e.qpv24 AS code_qpv_2024,
       e.near_qpv300_status AS a_300m_ou_moins_qpv_2024,
       e.qpv24_nearest AS qpv_2024_le_plus_proche,
       round(e.qpv24_distance_m) AS distance_qpv_m,
       e.location_precision AS precision_localisation,
       round(e.lon, 6) AS longitude,
       round(e.lat, 6) AS latitude
FROM establishments e
LEFT JOIN ref_families f ON f.code = e.family
LEFT JOIN ref_naf n ON n.code = e.naf
LEFT JOIN ref_size_bands b ON b.code = e.size_band
LEFT JOIN communes c ON c.code = e.commune_code
WHERE @include(ui_sse_filter)
ORDER BY e.commune_code, e.siret
