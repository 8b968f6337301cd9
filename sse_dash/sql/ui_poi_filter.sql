-- Fragment included by the ui_points_* queries: points of interest (third places, PTCE) of
-- the territory ($level, $code); the point table is aliased `p`.
(
    $level = 'france'
    OR ($level = 'region' AND p.reg_code = $code)
    OR ($level = 'departement' AND p.dep_code = $code)
    OR ($level = 'epci' AND p.commune_code IN
        (SELECT c.code FROM communes c WHERE c.epci_code = $code OR c.ept_code = $code))
    OR ($level = 'commune' AND p.commune_code = $code)
)
