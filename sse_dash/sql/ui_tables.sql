-- Tables and views present in the warehouse (pages degrade when SIRENE tables are missing).
SELECT table_name FROM information_schema.tables
