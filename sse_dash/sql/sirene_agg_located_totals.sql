-- Totals over establishments located in a commune (reference for the partition levels).
SELECT count(*), count(*) FILTER (WHERE employer), sum(employees_est),
       count(*) FILTER (WHERE qpv24_status = 'oui'), count(*) FILTER (WHERE near_qpv300),
       count(*) FILTER (WHERE qpv24_status = 'incertain')
FROM establishments
WHERE commune_code IS NOT NULL
