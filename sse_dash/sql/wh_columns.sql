-- Columns and types of one warehouse table, in declaration order.
SELECT column_name, data_type
FROM information_schema.columns
WHERE table_name = ?
ORDER BY ordinal_position
