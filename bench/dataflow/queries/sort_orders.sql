-- A full sort of orders (every column) by o_totalprice descending, then o_orderkey.
SELECT * FROM orders ORDER BY o_totalprice DESC, o_orderkey
