-- Commune names for the result labels.
SELECT code, name FROM communes
