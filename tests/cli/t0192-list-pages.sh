# 'list' and 'find' show a page at a time (issue 15): 50 by default,
# --limit N, --all; standard error says how many more there are and the
# --after ID that shows the next page; the pages together are the whole
# list, in order, each person once; --json prints the page's array; the
# audit names only the dossiers shown.
. "$TOP/tests/cli/lib.sh"
mknode S
export OPORA_DIR=S
# 130 persons; 30 of them Козлова (found by --surname козл).
awk 'BEGIN { for (i = 1; i <= 130; i++)
	printf "{\"dossier\":\"L%d\",\"op\":\"person.create\",\"surname\":\"%s%03d\",\"name\":\"Вера\",\"birth_date\":\"2003-05-%02d\",\"sex\":\"F\"}\n", i, i % 13 == 0 || i % 13 == 5 || i % 13 == 9 ? "Козлова" : "Морозова", i, i % 28 + 1
}' > reg.jsonl
ok "$OPORA" import reg.jsonl
ok "$OPORA" list --all
cp "$T/out" all.txt
[ "$(wc -l < all.txt)" = 130 ] || fail "--all: $(wc -l < all.txt) lines"
[ ! -s "$T/err" ] || fail "--all said more: $(cat "$T/err")"

# The first page: 50, and 80 more.
ok "$OPORA" list
[ "$(wc -l < "$T/out")" = 50 ] || fail "a page is not 50"
head -n 50 all.txt | cmp -s - "$T/out" || fail "page 1 is not the start of the list"
last=$(tail -n 1 "$T/out" | cut -c1-36)
contains "^and 80 more dossiers; the next page: --after $last\$" "$T/err"
# The audit names the 50 shown, not the 130.
[ "$(db S "SELECT dossiers FROM audit WHERE action = 'list'
    ORDER BY seq DESC LIMIT 1" | wc -w)" = 50 ] || fail "audit of a page"

# Walk every page of 40: together the whole list.
: > walked.txt
after=""
pages=0
while :; do
	if [ -n "$after" ]; then
		ok "$OPORA" list --limit 40 --after "$after"
	else
		ok "$OPORA" list --limit 40
	fi
	cat "$T/out" >> walked.txt
	pages=$((pages + 1))
	[ $pages -le 5 ] || fail "more than 4 pages of 40 for 130"
	after=$(sed -n 's/.*the next page: --after \([0-9a-f-]*\)$/\1/p' "$T/err")
	[ -n "$after" ] || break
	[ "$(wc -l < "$T/out")" = 40 ] || fail "a full page is not 40"
done
[ $pages = 4 ] || fail "$pages pages of 40 for 130"
cmp -s walked.txt all.txt || { diff walked.txt all.txt >&2; fail "pages differ from --all"; }
# After the last person: nothing more.
lastall=$(tail -n 1 all.txt | cut -c1-36)
ok "$OPORA" list --after "$lastall"
[ ! -s "$T/out" ] || fail "a page after the last"
contains 'no more dossiers' "$T/err"

# find pages the same way; --json is the page's array.
ok "$OPORA" find --surname козл --all
[ "$(wc -l < "$T/out")" = 30 ] || fail "find --all: not 30"
cp "$T/out" kall.txt
ok "$OPORA" find --surname козл --limit 25 --json
[ "$(tr '{' '\n' < "$T/out" | grep -c '"dossier"')" = 25 ] || fail "json page"
case $(cat "$T/out") in \[*\]) ;; *) fail "--json is not an array" ;; esac
contains '^and 5 more dossiers; the next page: --after ' "$T/err"
k=$(sed -n 's/.*--after \([0-9a-f-]*\)$/\1/p' "$T/err")
[ "$k" = "$(sed -n 25p kall.txt | cut -c1-36)" ] || fail "find cursor"
ok "$OPORA" find --surname козл --limit 25 --after "$k"
sed -n '26,30p' kall.txt | cmp -s - "$T/out" || fail "find page 2"
[ ! -s "$T/err" ] || fail "find page 2 said more"
# In Russian.
LANG=ru_RU.UTF-8 "$OPORA" list --limit 10 >/dev/null 2>ru.err ||
    fail "list in Russian"
contains '^дальше ещё 120 дел; следующая страница: --after ' ru.err

# Refused: a page size out of range, an id that is no id or not here.
refuses 64 '--limit: a number from 1 to 10000' "$OPORA" list --limit 0
refuses 64 '--limit' "$OPORA" list --limit 10001
refuses 64 '--limit' "$OPORA" find --surname к --limit 5x
refuses 64 '--after: a dossier id' "$OPORA" list --after L1
refuses 65 '--after: no such dossier' "$OPORA" list --after \
    00000000-0000-0000-0000-000000000000
# The index that serves the pages (schema 9).
db S "EXPLAIN QUERY PLAN SELECT dossier FROM persons WHERE
    (surname_fold, name, birth_date, dossier) > ('a', 'b', 'c', 'd')
    ORDER BY surname_fold, name, birth_date, dossier" |
    grep -q 'USING COVERING INDEX persons_order' || fail "no persons_order"
echo "130 dossiers in pages of 50 and 40; find in pages of 25"
