-- count(distinct l_partkey, l_suppkey): the number of distinct (part, supplier) pairs.
SELECT count(*) AS n
FROM (SELECT DISTINCT l_partkey, l_suppkey FROM lineitem)
