-- Build issues counted per dataset and kind.
SELECT dataset_id, kind, count(*) AS issues, min(code) AS example_code, min(detail) AS example
FROM build_issues
GROUP BY dataset_id, kind
ORDER BY issues DESC, dataset_id, kind
