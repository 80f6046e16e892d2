# Issue 12: researchers see releases only, and a release never carries a
# difference that could single a person out.  Smolensk registers twelve
# graduates (women of 2005); the federal node makes release 1.  Then one
# person is added and one withdraws her statistics consent, Smolensk
# publishes again, and release 2 holds the group back: every answer is
# the same as in release 1, the admin sees why, the researcher only that
# something is held back.  Five more persons make the change large enough:
# release 3 takes it.
. "$TOP/tests/cli/lib.sh"
p=$(port_base)
for r in SMO FED; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" >/dev/null 2>&1 || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add FED.card
ok "$OPORA" --dir FED peer add SMO.card

# person SURNAME: a woman of 2005 with a statistics consent, an
# assessment (own home) and an open episode in 2025; prints the dossier.
person() {
	d=$("$OPORA" --dir SMO person add --surname "$1" --name Анна \
	    --birth-date 2005-04-12 --sex F --force) || fail "person add $1"
	"$OPORA" --dir SMO consent add "$d" --scope statistics \
	    --date 2025-01-10 --document "Согласие" > "$1.consent" &&
	"$OPORA" --dir SMO assessment add "$d" --date 2025-03-01 \
	    --housing own >/dev/null &&
	"$OPORA" --dir SMO episode open "$d" --centre "Центр" \
	    --curator "Петрова" --date 2025-01-15 >/dev/null ||
	    fail "record $1"
	echo "$d"
}
i=0
while [ $i -lt 12 ]; do
	person "Смоленская$i" >> ids
	i=$((i + 1))
done
serve SMO
# round N: Smolensk publishes, the federal node pulls and releases N;
# the answers of release N go to rN.csv.
round() {
	ok "$OPORA" --dir SMO stats publish --year 2025
	ok "$OPORA" --dir FED sync --once
	ok "$OPORA" --dir FED stats release
	contains "^$1\$" "$T/out"
	: > r$1.csv
	for ind in counted registered support housing.own; do
		ok "$OPORA" --dir FED stats query --indicator $ind --period 2025 \
		    --by region,sex,birth_band --format csv
		cat "$T/out" >> r$1.csv
		ok "$OPORA" --dir FED stats query --indicator $ind \
		    --period 2025-Q4 --format csv
		cat "$T/out" >> r$1.csv
	done
}
round 1
grep -q '^counted,2025,RU-SMO,F,2005-2009,\(9\|1[0-5]\),F$' r1.csv ||
    fail "release 1 does not show Smolensk's twelve: $(cat r1.csv)"

# One more person, and one consent withdrawn: two changes in one group.
person "Новая" >> ids
d=$(head -1 ids)
ok "$OPORA" --dir SMO consent withdraw "$d" "$(cat Смоленская0.consent)" \
    --date 2025-06-01
round 2
cmp -s r1.csv r2.csv || { diff r1.csv r2.csv >&2
	fail "release 2 shows a difference of two persons"; }
ok "$OPORA" --dir FED stats releases
contains '"n":2' "$T/out"
contains '\["RU-SMO",2025,"F","2005-2009","fewer than 5 persons' "$T/out"
# The researcher sees that something is held back, not what.
ok "$OPORA" --dir FED stats query --indicator support --period 2025 \
    --format json
contains '"release":2' "$T/out"
contains '"held":\["RU-SMO"\]' "$T/out"
# Asking release 1 gives release 1's figures.
ok "$OPORA" --dir FED stats query --indicator counted --period 2025 \
    --by region,sex,birth_band --release 1 --format csv
grep '^counted,2025,' r1.csv > want
grep '^counted,2025,' "$T/out" > got
cmp -s want got || fail "release 1 is not frozen"
refuses 66 'no such release' "$OPORA" --dir FED stats query \
    --indicator support --period 2025 --release 9

# Five more: the group changed by at least five persons, and release 3
# takes it.
for s in a b c d e; do
	person "Ещё$s" >> ids
done
round 3
ok "$OPORA" --dir FED stats query --indicator support --period 2025 \
    --format json
contains '"release":3' "$T/out"
contains '"held":\[\]' "$T/out"
[ "$(db FED "SELECT count(*) FROM stats_release_groups WHERE release = 3 AND held IS NOT NULL")" = 0 ] ||
    fail "release 3 held a group back"
stop SMO
