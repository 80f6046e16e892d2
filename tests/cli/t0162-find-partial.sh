# 'find' by the beginning of a surname or a first name (issue 14): case,
# ё/е, spaces and hyphens do not matter; every criterion given must match;
# each search walks an index (the persons' surname_fold or name_fold);
# a node of schema 7 gets name_fold filled by its migration.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
add() {
	ok "$OPORA" person add --surname "$1" --name "$2" --birth-date "$3" \
	    --sex "$4" --force
	eval "$5=\$(cat \"\$T/out\")"
}
add Иванова Анна 2005-04-12 F A
add Иванченко Пётр 2004-01-02 M B
add Иванов Алёна 2003-03-03 F C
add Петрова Анна 2006-06-06 F E
add "Ёлкина-Петрова" Мария 2004-01-02 F G

found() {
	ok "$OPORA" find "$@"
	n=$(wc -l < "$T/out")
	echo "$n"
}
# Partial surname: the beginning, any case, ё/е.
[ "$(found --surname иван)" = 3 ] || fail "--surname иван: $(cat "$T/out")"
contains "$A" "$T/out"; contains "$B" "$T/out"; contains "$C" "$T/out"
[ "$(found --surname ИВАНОВ)" = 2 ] || fail "--surname ИВАНОВ"
[ "$(found --surname "елкина петр")" = 1 ] || fail "ё and spaces"
contains "$G" "$T/out"
# The whole surname still finds it.
[ "$(found --surname иванова)" = 1 ] || fail "--surname иванова"
contains "$A" "$T/out"
# First name alone, or with the surname; ё/е.
[ "$(found --name ан)" = 2 ] || fail "--name ан: $(cat "$T/out")"
contains "$A" "$T/out"; contains "$E" "$T/out"
[ "$(found --name алена)" = 1 ] || fail "--name алена"
contains "$C" "$T/out"
[ "$(found --surname ива --name АН)" = 1 ] || fail "surname and name"
contains "$A" "$T/out"
[ "$(found --name мар --birth-date 02.01.2004)" = 1 ] || fail "name and date"
contains "$G" "$T/out"
ok "$OPORA" find --surname ив --name пётр --json
contains "\"dossier\":\"$B\"" "$T/out"
# Nothing that begins so: told on stderr, nothing on stdout.
ok "$OPORA" find --name ванова
[ -s "$T/out" ] && fail "a substring in the middle matched"
contains 'no dossiers found' "$T/err"
refuses 65 '^opora: --name: empty' "$OPORA" find --name " - "
refuses 65 '^opora: --surname: empty' "$OPORA" find --surname ""
# The audit says by what, never the name typed.
db smo "SELECT detail FROM audit WHERE action = 'find'" | grep -q 'by surname name' ||
    fail "the audit does not say the search's criteria"
db smo "SELECT detail FROM audit" | grep -qi 'ива' && fail "a name in the audit"
# Each search is a range of an index.
plan() {
	db smo "EXPLAIN QUERY PLAN SELECT dossier FROM persons p WHERE $1" |
	    grep -q "USING INDEX $2" || fail "no index $2 for $1"
}
plan "surname_fold >= 'a' AND surname_fold < 'b' AND (NULL IS NULL OR snils = NULL)" persons_surname
plan "name_fold >= 'a' AND name_fold < 'b' AND (NULL IS NULL OR snils = NULL)" persons_name
# A schema-7 node: the migration fills name_fold from name_key.
db smo "UPDATE persons SET name_fold = NULL; DROP INDEX persons_name;
    DROP INDEX persons_order; DROP TABLE dismissed; DROP TABLE offer_summaries;
    ALTER TABLE persons DROP COLUMN name_fold; DROP TABLE lost_ack;
    ALTER TABLE later DROP COLUMN own; DROP TABLE import_made;
    DROP TABLE import_dossiers;
    DROP TRIGGER changes_tally_in; DROP TRIGGER changes_tally_out;
    DROP TABLE tallies;
    PRAGMA user_version = 7"
ok "$OPORA" find --name алена
contains "$C" "$T/out"
cur=$(schema_version) || exit 1
[ "$(db smo 'PRAGMA user_version')" = "$cur" ] || fail "not migrated to $cur"
[ "$(db smo "SELECT name_fold FROM persons WHERE dossier = '$B'")" = петр ] ||
    fail "name_fold not filled by the migration"
