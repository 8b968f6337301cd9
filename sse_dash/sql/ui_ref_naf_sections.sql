-- NAF sections with French and English labels.
SELECT code, label_fr, label_en FROM ref_naf_sections ORDER BY code
