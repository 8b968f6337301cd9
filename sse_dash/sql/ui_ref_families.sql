-- SSE families with French and English labels.
SELECT code, label_fr, label_en, sort FROM ref_families ORDER BY sort
