-- The intercommunality a commune is compared with: its EPT in the Grand Paris, else its EPCI.
SELECT COALESCE(ept_code, epci_code) AS code
FROM communes
WHERE code = $code
LIMIT 1
