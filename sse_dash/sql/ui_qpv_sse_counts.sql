-- SSE establishments inside each QPV 2024 of $codes, and within 300 m (inside included) of
-- it when it is their nearest QPV.
SELECT code,
       count(*) FILTER (WHERE inside) AS sse_inside,
       count(*) FILTER (WHERE inside AND employer) AS sse_employer_inside,
       sum(employees_est) FILTER (WHERE inside) AS jobs_inside,
       count(*) FILTER (WHERE near) AS sse_300m
FROM (
  SELECT qpv24_nearest AS code, qpv24 IS NOT NULL AND qpv24 = qpv24_nearest AS inside,
         coalesce(near_qpv300, false) AS near, employer, employees_est
  FROM establishments
  WHERE list_contains($codes, qpv24_nearest)
)
GROUP BY code
