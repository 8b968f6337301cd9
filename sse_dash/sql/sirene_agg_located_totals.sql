-- Totals over establishments located in a commune (reference for the partition levels).
SELECT count(*), count(*) FILTER (WHERE employer), sum(employees_est),
       count(qpv24), count(*) FILTER (WHERE near_qpv300)
FROM establishments
WHERE commune_code IS NOT NULL
