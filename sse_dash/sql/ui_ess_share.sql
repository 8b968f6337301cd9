-- INSEE's published share of the SSE in salaried employment (ITDD, 2008 and 2014) of one
-- région or département.
SELECT share_2008, share_2014, name
FROM ess_share
WHERE level = $level AND code = $code
LIMIT 1
