-- Places listed by several sources (frame registered as third_places_dups): `also_in` names the
-- other sources, `duplicate_of` the row kept on maps and in counts.
UPDATE third_places AS t
SET also_in = d.also_in, duplicate_of = d.duplicate_of
FROM third_places_dups AS d
WHERE d.rid = t.rowid
