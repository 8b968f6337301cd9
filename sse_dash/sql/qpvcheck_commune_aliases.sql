-- Arrondissement / former codes (as geocoders return them) -> current commune.
SELECT alias_code, commune_code FROM commune_aliases
