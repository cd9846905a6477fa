-- sqlite3 workload for bench/run.py, run as
--   sqlite3 :memory: 'CREATE TEMP TABLE param AS SELECT ROWS AS n' '.read sqlite.sql'
-- (the CLI runs each argument after the database name as a command).
-- Bulk insert of generated rows in one transaction, an index, then group-by, join and
-- order-by queries. Everything is computed from integers, so the output is deterministic.
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
CREATE TABLE t (id INTEGER PRIMARY KEY, grp INTEGER, k INTEGER, name TEXT, v REAL);
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < (SELECT n FROM param))
INSERT INTO t (grp, k, name, v)
SELECT (i * 7919) % 1000, (i * 2654435761) % 100003, printf('name-%06d', (i * 48271) % 999983),
       ((i * 16807) % 2147483647) / 2147483647.0
FROM n;
COMMIT;
CREATE INDEX t_k ON t (k);
SELECT count(*), sum(grp), sum(k), min(name), max(name) FROM t;
SELECT grp, count(*), sum(k), printf('%.6f', avg(v)) FROM t
    GROUP BY grp ORDER BY sum(k) DESC LIMIT 5;
SELECT substr(name, 6, 2) AS p, count(*), max(k) FROM t GROUP BY p ORDER BY p LIMIT 5;
SELECT count(*) FROM t a JOIN t b ON a.k = b.k AND a.id < b.id;
SELECT sum(length(name) * grp) FROM t WHERE k BETWEEN 1000 AND 60000;
SELECT id, name FROM t ORDER BY v DESC, id LIMIT 3;
