-- First and last year of the evolution series.
SELECT min(year), max(year) FROM agg_evolution
