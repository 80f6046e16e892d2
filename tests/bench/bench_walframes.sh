#!/bin/sh
# tests/bench/bench_walframes.sh: where an import's writes to the WAL go,
# table by table (issue 15, docs/performance.md).  For each size of
# BENCH_SIZES (lines; default 100000) it imports the register
# bench_import.sh imports into a new node, with tests/bench/walframes.c
# preloaded, and prints, for each table and index, the WAL frames written
# (per change, and per page the table has at the end), then the pages
# written again over a frame of their own transaction and the frame
# headers written again.  Run from the top of the tree after 'make all';
# needs gcc and the sqlite3 shell (dbstat).  BENCH_SQL: SQL run on the new
# node before the import (to try a schema); OPORA: the program.
set -eu
. tests/bench/register.sh
top=$(pwd)
OPORA=${OPORA:-$top/opora}
SIZES=${BENCH_SIZES:-100000}
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-bench-wal.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
gcc -O2 -Wall -Wextra -Werror -shared -fPIC -o "$T/walframes.so" \
    tests/bench/walframes.c -ldl
for N in $SIZES; do
	bench_register "$N" > "$T/register.jsonl"
	rm -rf "$T/n"
	"$OPORA" --dir "$T/n" init --region RU-SMO >/dev/null 2>&1
	"$OPORA" --dir "$T/n" user add admin --name Admin --role admin \
	    >/dev/null 2>&1
	"$OPORA" --dir "$T/n" --user admin user add bench --name Bench \
	    --role supervisor --centre Центр >/dev/null 2>&1
	[ -z "${BENCH_SQL:-}" ] || sqlite3 "$T/n/opora.db" "$BENCH_SQL"
	LD_PRELOAD="$T/walframes.so" WALFRAMES_OUT="$T/frames" \
	    /usr/bin/time -f "%e %U %S" -o "$T/time" \
	    "$OPORA" --dir "$T/n" --user bench import "$T/register.jsonl" \
	    >/dev/null 2>"$T/err" || {
		cat "$T/err"
		exit 1
	}
	sqlite3 "$T/n/opora.db" "SELECT pageno, name FROM dbstat" | \
	    tr '|' ' ' > "$T/owner"
	echo "== import of $N lines: $(awk '{ printf("%s s, %s s user, %s s system", $1, $2, $3) }' "$T/time")"
	printf '| table or index | WAL frames | a change | pages at the end | frames a page | written again in place |\n'
	printf '| --- | --- | --- | --- | --- | --- |\n'
	awk -v n="$N" 'FNR == NR { own[$1] = $2; pages[$2]++; next }
	{ t = ($2 in own) ? own[$2] : "(pages freed since)" }
	$1 == "frames" { f[t] += $3; all += $3 }
	$1 == "overwrites" { o[t] += $3; allo += $3 }
	$1 == "rewrites" { rw = $2 }
	END {
		for (t in f) {
			r = 0
			if (pages[t] > 0)
				r = f[t] / pages[t]
			printf("%d\t| %s | %d | %.2f | %d | %.1f | %d |\n", f[t],
			    t, f[t], f[t] / n, pages[t], r, o[t])
		}
		printf("0\t| all | %d | %.2f (%.1f KiB) | | | %d |\n", all,
		    all / n, all * 4 / n, allo)
		printf("-1\t\nframe headers written again (the checksums of a transaction that wrote a frame over): %d\n", rw)
	}' "$T/owner" "$T/frames" | sort -t "$(printf '\t')" -k1,1 -rn | cut -f2-
done
