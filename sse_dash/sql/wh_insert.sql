-- Bulk insert from the registered frame _wh_src; {table}/{columns}/{exprs} come from ident().
INSERT INTO {table} ({columns}) SELECT {exprs} FROM _wh_src
