#!/bin/sh
# tests/bench/bench_stats.sh: part of 'make bench'.  Issue 6's figures:
#  1. a regional snapshot of 20,000 dossiers holding 5,000,000 entries
#     (the views the snapshot reads: one entry per change, as a region of
#     that many changes holds); aim under 10 s and 200 MiB;
#  2. releases and queries at the federal node (tests/bench/bench_stats.c) on a
#     test federation and a national one: time, and utility of the cell-key
#     method (cells published, mean absolute and relative error);
#     aim under 100 ms.
# The views are filled with SQL rather than by 5,000,000 signed changes:
# 'stats publish' reads only the views, so the work measured is the same,
# and the bench runs in minutes instead of an hour.
set -eu
top=$(pwd)
OPORA="$top/opora"
DOSSIERS=${DOSSIERS:-20000}
PER=${PER:-250}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM

"$OPORA" --dir "$T/smo" init --region RU-SMO >/dev/null 2>&1
# Every command acts as an account: the node's first admin publishes.
"$OPORA" --dir "$T/smo" user add admin --name Admin --role admin \
    >/dev/null 2>&1
echo "== filling the views: $DOSSIERS dossiers x $PER entries"
sqlite3 "$T/smo/opora.db" <<SQL
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < $DOSSIERS - 1)
INSERT INTO persons (dossier, surname, name, birth_date, sex, origin,
  custodian, created, updated, nchanges, last_hlc, last_key, last_id)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), 'Фамилия', 'Имя',
  printf('%04d-%02d-%02d', 2000 + i % 8, 1 + i % 12, 1 + i % 28),
  CASE i % 2 WHEN 0 THEN 'F' ELSE 'M' END, 'RU-SMO',
  CASE WHEN i % 50 = 0 THEN 'RU-KLU' ELSE 'RU-SMO' END,
  '0193f7c6a8000000', '0194f7c6a8000000', $PER, '0194f7c6a8000000',
  'k', 'x' FROM n;
-- Each dossier's root change: its signature gives the record key.
INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig, received)
SELECT dossier || '/root', dossier, created, 'k', 'RU-SMO', x'7b7d',
  randomblob(64), 0 FROM persons;
INSERT INTO consents (id, dossier, pos, scope, date, document, region, user, hlc)
SELECT dossier || '/c', dossier, 0, 'statistics', '2024-01-10', 'd', 'RU-SMO',
  'u', '0193f7c6a8000000' FROM persons;
INSERT INTO episodes (id, dossier, pos, centre, curator, opened, closed,
  region, user, hlc)
SELECT dossier || '/e', dossier, 0, 'c', 'k', '2024-02-01',
  CASE WHEN substr(dossier, 8, 1) IN ('0', '1', '2') THEN '2025-05-05' END,
  'RU-SMO', 'u', '0193f7c6a8000000' FROM persons;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 3)
INSERT INTO assessments (id, dossier, pos, date, housing, education,
  employment, family, region, user, hlc)
SELECT p.dossier || '/a' || j, p.dossier, 1 + j,
  printf('2025-%02d-15', 1 + j * 3),
  CASE (length(p.dossier) + j + unicode(substr(p.dossier, 8, 1))) % 6
    WHEN 0 THEN 'own' WHEN 1 THEN 'social_rent' WHEN 2 THEN 'dormitory'
    WHEN 3 THEN 'relatives' WHEN 4 THEN 'temporary' ELSE 'none' END,
  'vocational', CASE j % 2 WHEN 0 THEN 'employed' ELSE 'unemployed_seeking' END,
  'single', 'RU-SMO', 'u', '0193f7c6a8000000'
FROM persons p, k;
WITH RECURSIVE k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < $PER - 7)
INSERT INTO events (id, dossier, pos, date, type, text, amended, retracted,
  late, region, user, hlc)
SELECT p.dossier || '/v' || j, p.dossier, 10 + j,
  printf('2025-%02d-%02d', 1 + j % 12, 1 + j % 28),
  CASE WHEN j % 97 = 0 THEN 'crisis' ELSE 'contact' END,
  'Встреча с куратором', '0', '0', '0', 'RU-SMO', 'u', '0194f7c6a8000000'
FROM persons p, k;
INSERT INTO transfers (id, dossier, pos, "from", "to", reason, state,
  decided, decided_by, region, user, hlc)
SELECT dossier || '/t', dossier, 5, 'RU-SMO', 'RU-KLU', 'r', 'accepted',
  '0195a1f2c0000000', 'x', 'RU-SMO', 'u', '0195a1f2c0000000'
FROM persons WHERE custodian = 'RU-KLU';
COMMIT;
SQL
entries=$(sqlite3 "$T/smo/opora.db" "SELECT (SELECT count(*) FROM events) + (SELECT count(*) FROM assessments) + (SELECT count(*) FROM episodes) + (SELECT count(*) FROM consents) + (SELECT count(*) FROM transfers) + (SELECT count(*) FROM persons)")
echo "$entries entries"
echo "== stats publish --year 2025"
/usr/bin/time -f "%e %M" -o "$T/publish.time" "$OPORA" --dir "$T/smo" \
    --user admin stats publish --year 2025 >/dev/null
set -- $(cat "$T/publish.time")
psec=$1 prss=$2
echo "== a test federation: 6 regions, 301 graduates"
small=$("$top/build/bench_stats" "$T" 6 301)
echo "$small"
rm -rf "$T/fed"
echo "== a national one: 89 regions, 60,000 graduates"
line=$("$top/build/bench_stats" "$T" 89 60000)
echo "$line"
field() { echo "$2" | tr ' ' '\n' | sed -n "s/^$1=//p"; }
awk -v d="$DOSSIERS" -v e="$entries" -v ps="$psec" -v pr="$prss" \
    'BEGIN {
	printf("\n| what | figure | aim |\n| --- | --- | --- |\n")
	printf("| snapshot of %d dossiers, %d entries | %.2f s, %.0f MiB | 10 s, 200 MiB |\n", d, e, ps, pr / 1024)
}'
for f in "6 regions, 301 graduates|$small" "89 regions, 60,000 graduates|$line"; do
	name=${f%%|*} l=${f#*|}
	echo "| $name: a release | $(field release_ms "$l") ms | - |"
	echo "| $name: groups held back after one person is added | $(field held_after_one "$l") | 1 |"
	for t in region region_sex_band district; do
		echo "| $name, by $t: cells published (of non-zero ones) | $(field ${t}_published "$l") ($(field ${t}_nonzero_published "$l")) | - |"
		echo "| $name, by $t: mean absolute / relative error of published | $(field ${t}_mae "$l") / $(field ${t}_mre "$l") | - |"
		echo "| $name, by $t: one query | $(field ${t}_ms "$l") ms | 100 ms |"
	done
done
