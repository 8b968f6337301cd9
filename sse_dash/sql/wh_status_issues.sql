SELECT dataset_id, kind, count(*) AS n
FROM build_issues
GROUP BY dataset_id, kind
ORDER BY dataset_id, kind
