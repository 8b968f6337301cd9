-- Build issues in detail (first $limit rows).
SELECT dataset_id, kind, code, detail
FROM build_issues
ORDER BY dataset_id, kind, code
LIMIT $limit
