DELETE FROM meta WHERE "key" = ?
