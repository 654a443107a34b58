-- TPC-H Q6, forecasting revenue change (year 1994, discount 0.06 +- 0.01, quantity < 24).
-- The bounds are written 0.05 and 0.07: with DOUBLE columns, 0.06 - 0.01 would be
-- 0.049999999999999996 and silently change the answer.
SELECT sum(l_extendedprice * l_discount) AS revenue
FROM lineitem
WHERE l_shipdate >= DATE '1994-01-01'
    AND l_shipdate < DATE '1995-01-01'
    AND l_discount BETWEEN 0.05 AND 0.07
    AND l_quantity < 24
