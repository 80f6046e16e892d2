# import goes dossier by dossier whatever the order of the file's lines
# (issue 15): the same register interleaved across dossiers and grouped
# dossier by dossier makes the same dossiers and refuses the same lines
# for the same reasons, listed in file order; and the same ids file.
. "$TOP/tests/cli/lib.sh"
mknode I
mknode G
# gen: 40 persons; each line is "ORIGINAL-LINE<tab>JSON", in an order that
# goes round the persons (the worst for locality).  Some lines are bad:
# an event before its person.create, a second person.create, an unknown
# label, a date that is no date, a person whose person.create is refused
# (so are its later lines), a line that is no JSON, an entry closed twice.
awk 'BEGIN {
	n = 0
	for (r = 0; r < 8; r++)
		for (p = 0; p < 40; p++) {
			d = "\"dossier\":\"K" p "\""
			if (r == 0 && p == 7)
				line(d ",\"op\":\"event.add\",\"date\":\"2024-01-01\",\"type\":\"contact\",\"text\":\"до создания\"")
			if (r == 0)
				line(d ",\"op\":\"person.create\",\"surname\":\"Сидорова" p "\",\"name\":\"Ольга\",\"birth_date\":\"" (p == 13 ? "2004-02-30" : "2004-03-0" (p % 9 + 1)) "\",\"sex\":\"F\"")
			else if (r == 1)
				line(d ",\"op\":\"episode.open\",\"id\":\"ep\",\"centre\":\"Центр\",\"curator\":\"Петрова\",\"date\":\"2024-02-01\"")
			else if (r == 5 && p % 10 == 3)
				line(d ",\"op\":\"episode.close\",\"episode\":\"ep\",\"date\":\"2024-06-01\"")
			else if (r == 6 && p % 10 == 3)
				line(d ",\"op\":\"episode.close\",\"episode\":\"ep\",\"date\":\"2024-07-01\"")
			else if (r == 2)
				line(d ",\"op\":\"event.add\",\"id\":\"e\",\"date\":\"2024-03-0" (r + 1) "\",\"type\":\"housing\",\"text\":\"Квартира " p "\"")
			else if (r == 3)
				line(d ",\"op\":\"event.amend\",\"event\":\"" (p == 21 ? "nope" : "e") "\",\"text\":\"Квартира получена " p "\"")
			else
				line(d ",\"op\":\"event.add\",\"date\":\"2024-04-" (10 + r) "\",\"type\":\"" (p == 30 && r == 4 ? "вечеринка" : "contact") "\",\"text\":\"Встреча " r "\"")
			if (r == 4 && p == 5)
				line(d ",\"op\":\"person.create\",\"surname\":\"Дубль\",\"name\":\"Ольга\",\"birth_date\":\"2004-01-01\",\"sex\":\"F\"")
			if (r == 4 && p == 9)
				print ++n "\t{\"dossier\":\"K9\",\"op\":"
		}
}
function line(s) { print ++n "\t{" s "}" }' > gen.tsv
cut -f2- gen.tsv > inter.jsonl
# Grouped: each label's lines together, in file order; the line with no
# label (no JSON) last.
awk -F'\t' '{ l = $2; sub(/^\{"dossier":"/, "", l); sub(/".*/, "", l)
	if ($2 !~ /}$/) l = "~"; print l "\t" $0 }' gen.tsv |
    sort -t "$(printf '\t')" -k1,1 -k2,2n -s | cut -f2- > grouped.tsv
cut -f2- grouped.tsv > grouped.jsonl
cut -f1 grouped.tsv > grouped.map	# grouped line -> original line

refuses 65 'bad line' "$OPORA" --dir I import --keep-going --out i.ids inter.jsonl
cp "$T/err" inter.err
refuses 65 'bad line' "$OPORA" --dir G import --keep-going --out g.ids grouped.jsonl
cp "$T/err" grouped.err

# The refusals: FILE:LINE: reason, in file order, each line once.
refusals() {	# refusals FILE PREFIX [MAP]: "ORIGINAL-LINE reason", sorted
	sed -n "s/^$2:\\([0-9]*\\): /\\1 /p" "$1" > "$1.lines"
	cut -d' ' -f1 "$1.lines" > "$1.nums"
	sort -n -c "$1.nums" || fail "$1: refusals not in file order"
	[ "$(sort -n -u "$1.nums" | wc -l)" = "$(wc -l < "$1.nums")" ] ||
	    fail "$1: a line refused twice"
	if [ $# -gt 2 ]; then
		while read -r l why; do
			echo "$(sed -n "${l}p" "$3") $why"
		done < "$1.lines"
	else
		cat "$1.lines"
	fi | sort -n
}
refusals inter.err inter.jsonl > inter.ref
refusals grouped.err grouped.jsonl grouped.map > grouped.ref
# Every kind of bad line was met: 1 before create, 1 second create, 1
# unknown label, 1 bad value, 1 refused person (K13) with its 7 lines, 1
# no JSON, 4 second closes.
[ "$(wc -l < inter.ref)" = 16 ] || { cat inter.ref >&2; fail "16 refusals expected"; }
# The same lines refused for the same reasons, except that a line's own
# number (in "created on line N", "refused on line N") is the file's.
norm() { sed 's/line [0-9]*/line N/' "$1"; }
norm inter.ref > inter.n
norm grouped.ref > grouped.n
cmp -s inter.n grouped.n || { diff inter.n grouped.n >&2; fail "refusals differ"; }
contains 'summary|imported 3' inter.err

# The same dossiers: persons, events, episodes, in each dossier's order.
content() {
	db "$1" "SELECT p.surname, p.birth_date, e.pos, e.date, e.type, e.text,
	    e.amended FROM persons p JOIN events e ON e.dossier = p.dossier
	    ORDER BY p.surname, e.pos;
	    SELECT p.surname, o.pos, o.opened, o.closed FROM persons p
	    JOIN episodes o ON o.dossier = p.dossier ORDER BY p.surname, o.pos"
}
content I > inter.db
content G > grouped.db
[ "$(db I 'SELECT count(*) FROM persons')" = 39 ] || fail "39 persons expected"
[ -s inter.db ] || fail "nothing imported"
cmp -s inter.db grouped.db || { diff inter.db grouped.db >&2; fail "the dossiers differ"; }
# The ids: one line per dossier, in the order of their person.create lines.
[ "$(wc -l < i.ids)" = 39 ] && [ "$(wc -l < g.ids)" = 39 ] || fail "ids"
[ "$(cut -f1 i.ids | tr '\n' ' ')" = "$(sed -n 's/^[0-9]*\t{"dossier":"\(K[0-9]*\)","op":"person.create".*/\1/p' gen.tsv | grep -v '^K13$' | awk '!s[$0]++' | tr '\n' ' ')" ] ||
    fail "ids not in the order of the person.create lines"
# Run again: nothing more to import, same ids.
cp i.ids i.ids.1
refuses 65 'bad line' "$OPORA" --dir I import --keep-going --out i.ids inter.jsonl
cmp -s i.ids i.ids.1 || fail "a run again wrote other ids"
[ "$(db I 'SELECT count(*) FROM import_made')" = \
    "$(db G 'SELECT count(*) FROM import_made')" ] || fail "import_made"
cat inter.err
echo "interleaved and grouped: same dossiers, same 16 refusals"
