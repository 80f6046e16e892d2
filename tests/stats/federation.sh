# tests/stats/federation.sh: a small test federation for the statistics
# attacker, sourced after tests/cli/lib.sh by tests/cli/t010x-stats-*.sh
# and tests/stats/attack-check.sh.
#
# fed_build SEED REGION:COUNT...: one node per region and the federal node
# RU-FED, all peered on loopback; each region imports the registers that
# tests/stats/gen.py makes (graduates of 2025), the offered transfers are
# accepted at their destinations, every region publishes its 2025
# snapshot, the federal node pulls them, and a researcher "alice" asks it
# over HTTPS (alice.crt, alice.key; its URL in $FEDURL).  Every node runs
# with the clock at 2025-12-20 12:00 UTC (OPORA_TEST_CLOCK_OFFSET), so
# that the whole year, transfers included, is in the past and the test
# means the same on any day.
#
# fed_republish REGION...: those regions publish 2025 again and the
# federal node pulls; researchers see nothing of it until fed_release.
#
# fed_release: the federal node cuts a release (opora stats release), and
# the test reads its number into FED_RELEASE_N.  fed_build cuts the first.
#
# OPORA_TEST_NO_NOISE=1 in the environment (a test hook) makes the
# federal node publish counts unperturbed: the attacker's power is tested
# that way (t0105).
#
# Node directories are named without "RU-" (SMO, FED).  The federal
# database (FED/opora.db) holds the true base cells: the test
# reads the truth there, the attacker never does.
PYTHON=${PYTHON:-/usr/bin/python3}
STATS="$TOP/tests/stats"
FED_NOW=2025-12-20T12:00:00Z
OPORA_TEST_CLOCK_OFFSET=$(($(date -u -d "$FED_NOW" +%s) - $(date -u +%s)))
export OPORA_TEST_CLOCK_OFFSET
FED_REGIONS=""

fed_build() {
	fed_t0=$(date +%s)
	seed=$1
	shift
	"$PYTHON" -c 'import scipy.optimize' 2>/dev/null ||
	    fail "python3-scipy is missing: run 'make deps'"
	p=$(port_base)
	for a in "$@"; do
		r=${a%%:*}
		FED_REGIONS="$FED_REGIONS $r"
	done
	for r in $FED_REGIONS RU-FED; do
		p=$((p + 1))
		"$OPORA" --dir "${r#RU-}" init --region "$r" \
		    --url "https://127.0.0.1:$p" --listen "127.0.0.1:$p" \
		    >/dev/null 2>&1 || fail "init $r"
		# Snapshots only when the test says so.
		sed -i 's/^stats_interval = .*/stats_interval = 0/' \
		    "${r#RU-}/opora.conf"
		# Releases only when the test says so (fed_release).
		sed -i 's/^stats_release_months = .*/stats_release_months = 0/' \
		    "${r#RU-}/opora.conf"
		"$OPORA" --dir "${r#RU-}" id > "${r#RU-}.card"
	done
	for a in $FED_REGIONS RU-FED; do
		for b in $FED_REGIONS RU-FED; do
			[ $a = $b ] && continue
			"$OPORA" --dir "${a#RU-}" peer add "${b#RU-}.card" \
			    >/dev/null 2>&1 || fail "peer add $b to $a"
		done
	done
	mkdir gen
	"$PYTHON" "$STATS/gen.py" "$seed" gen "$@" || fail "gen.py"
	for r in $FED_REGIONS; do
		ok "$OPORA" --dir "${r#RU-}" import --out "gen/$r.ids" \
		    "gen/$r.jsonl"
	done
	fed_t=$(date +%s)
	for r in $FED_REGIONS; do
		serve "${r#RU-}"
	done
	# The offers reach their destinations, which accept them all.
	n=$(wc -l < gen/offers.tsv)
	if [ "$n" -gt 0 ]; then
		for r in $(cut -f3 gen/offers.tsv | sort -u); do
			want=$(awk -v r="$r" '$3 == r' gen/offers.tsv | wc -l)
			until_true 30 sh -c "[ \$('$OPORA' --dir ${r#RU-} transfer list --incoming --json | grep -o '\"state\":\"offered\"' | wc -l) = $want ]" ||
			    fail "the offers did not reach $r"
			"$OPORA" --dir "${r#RU-}" transfer list --incoming --json |
			    tr '{' '\n' | sed -n 's/.*"id":"\([^"]*\)".*"state":"offered".*/\1/p' \
			    > "gen/$r.accept"
			for t in $(cat "gen/$r.accept"); do
				ok "$OPORA" --dir "${r#RU-}" transfer accept "$t"
			done
		done
		for r in $(cut -f1 gen/offers.tsv | sort -u); do
			want=$(awk -v r="$r" '$1 == r' gen/offers.tsv | wc -l)
			until_true 30 sh -c "[ \$('$OPORA' --dir ${r#RU-} transfer list --outgoing --json | grep -o '\"state\":\"accepted\"' | wc -l) = $want ]" ||
			    fail "the accepts did not reach $r"
		done
		# And the histories their destinations, before any statistics
		# are published: until its next pull of the origin, a
		# destination does not hold a person it accepted, whom the
		# origin no longer counts either (on a loaded machine, that
		# pull can come after the publishing).
		for r in $(cut -f3 gen/offers.tsv | sort -u); do
			want=$(awk -v r="$r" '$3 == r' gen/offers.tsv | wc -l)
			until_true 30 fed_holds "$r" "$want" ||
			    fail "the histories did not reach $r"
		done
	fi
	echo "fed_build: nodes and imports $((fed_t - fed_t0)) s," \
	    "transfers $(($(date +%s) - fed_t)) s"
	fed_republish $FED_REGIONS
	ok "$OPORA" --dir FED researcher add alice --out .
	fed_release
	serve FED
	FEDURL=$(sed -n 's/^url = //p' FED/opora.conf)
}

# fed_holds REGION N: REGION is the custodian of N dossiers offered to it
# and accepted (their histories came and were folded).
fed_holds() {
	[ "$(sqlite3 "${1#RU-}/opora.db" "SELECT count(*) FROM persons
	    WHERE custodian = '$1' AND dossier IN (SELECT dossier FROM
	    transfers WHERE \"to\" = '$1' AND state = 'accepted')")" = "$2" ]
}

fed_republish() {
	fed_t=$(date +%s)
	for r in "$@"; do
		ok "$OPORA" --dir "${r#RU-}" stats publish --year 2025
	done
	ok "$OPORA" --dir FED sync --once
	echo "fed_republish: $* published and pulled in" \
	    "$(($(date +%s) - fed_t)) s"
}

fed_release() {
	ok "$OPORA" --dir FED stats release
	FED_RELEASE_N=$("$PYTHON" -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute(
    "SELECT max(n) FROM stats_releases").fetchone()[0])' FED/opora.db)
}

# fed_fetch OUT: everything researcher alice can ask of the latest
# release, into OUT.
fed_fetch() {
	"$PYTHON" "$STATS/attack.py" fetch --url "$FEDURL" --cert alice.crt \
	    --key alice.key --fed-dir FED --opora "$OPORA" --year 2025 \
	    --out "$1" > "$1.log" 2>&1 || { cat "$1.log" >&2
		fail "attack.py fetch"; }
	grep -q '"refused": 0,' "$1.log" || { cat "$1.log" >&2
		fail "a researcher's question was refused"; }
}

# fed_truth OUT: the true base cells of the latest release, from the
# federal database.
fed_truth() {
	"$PYTHON" "$STATS/attack.py" truth --db FED/opora.db --year 2025 \
	    --out "$1" || fail "attack.py truth"
}
