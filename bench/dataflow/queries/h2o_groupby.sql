-- H2O-style group-by: 10^5 integer groups (10M rows at --sf 1), sum and mean per group.
SELECT id, sum(v1) AS v1_sum, avg(v2) AS v2_mean
FROM h2o
GROUP BY id
