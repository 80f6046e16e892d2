# import accepts episode.amend, assessment.amend and consent.amend (issue
# 14), checked as the CLI's 'episode amend', 'assessment amend' and
# 'consent amend' are: the entry named by its label earlier in the file,
# at least one member, each value checked; a withdrawn consent cannot be
# amended, a closed episode can (its opening date not after its closing).
# A run again adds nothing.
. "$TOP/tests/cli/lib.sh"
mknode smo
export OPORA_DIR=smo
cat > good.jsonl <<'JSONL'
{"dossier":"A1","op":"person.create","surname":"Иванова","name":"Анна","birth_date":"2005-04-12","sex":"F"}
{"dossier":"A1","op":"episode.open","id":"ep","centre":"Центр","curator":"Сидорова","date":"2023-09-01"}
{"dossier":"A1","op":"episode.close","episode":"ep","date":"2024-09-01"}
{"dossier":"A1","op":"episode.amend","episode":"ep","curator":"Петрова Мария","date":"2023-08-15"}
{"dossier":"A1","op":"assessment.add","id":"as","date":"2024-06-01","housing":"dormitory"}
{"dossier":"A1","op":"assessment.amend","assessment":"as","housing":"own","employment":"employed"}
{"dossier":"A1","op":"consent.add","id":"c","scope":"statistics","date":"2023-09-01","document":"Согласие 1"}
{"dossier":"A1","op":"consent.amend","consent":"c","document":"Согласие № 17 от 01.09.2023"}
JSONL
ok "$OPORA" import good.jsonl
A=$(awk '$1 == "A1" { print $2 }' "$T/out")
[ -n "$A" ] || fail "no dossier id printed"
[ "$(db smo 'SELECT count(*) FROM changes')" = 8 ] || fail "8 changes expected"
[ "$(db smo "SELECT curator || ' ' || opened FROM episodes")" = \
    "Петрова Мария 2023-08-15" ] || fail "episode not amended: $(db smo 'SELECT * FROM episodes')"
[ "$(db smo "SELECT housing || ' ' || employment FROM assessments")" = \
    "own employed" ] || fail "assessment not amended: $(db smo 'SELECT * FROM assessments')"
[ "$(db smo "SELECT document FROM consents")" = \
    "Согласие № 17 от 01.09.2023" ] || fail "consent not amended: $(db smo 'SELECT * FROM consents')"
ok "$OPORA" verify
# A run again adds nothing.
ok "$OPORA" import good.jsonl
contains 'nothing to import' "$T/err"
[ "$(db smo 'SELECT count(*) FROM changes')" = 8 ] || fail "a run again wrote"

# Refused as the CLI refuses them; nothing written.
cat > bad.jsonl <<'JSONL'
{"dossier":"B1","op":"person.create","surname":"Петров","name":"Иван","birth_date":"2004-01-01","sex":"M"}
{"dossier":"B1","op":"episode.open","id":"ep","centre":"Центр","curator":"Сидорова","date":"2023-09-01"}
{"dossier":"B1","op":"episode.amend","episode":"ep"}
{"dossier":"B1","op":"episode.amend","episode":"nope","curator":"К"}
{"dossier":"B1","op":"episode.close","episode":"ep","date":"2024-01-01"}
{"dossier":"B1","op":"episode.amend","episode":"ep","date":"2024-02-01"}
{"dossier":"B1","op":"assessment.add","id":"as","date":"2024-06-01","housing":"dormitory"}
{"dossier":"B1","op":"assessment.amend","assessment":"as","housing":"дворец"}
{"dossier":"B1","op":"assessment.amend","assessment":"ep","housing":"own"}
{"dossier":"B1","op":"consent.add","id":"c","scope":"statistics","date":"2023-09-01","document":"С"}
{"dossier":"B1","op":"consent.amend","consent":"c","date":"2023-09-02","scope":"transfer"}
{"dossier":"B1","op":"consent.withdraw","consent":"c","date":"2024-01-01"}
{"dossier":"B1","op":"consent.amend","consent":"c","document":"С2"}
{"dossier":"B1","op":"consent.amend","consent":"c","date":"2999-01-01"}
{"dossier":"B1","op":"assessment.amend","housing":"own"}
JSONL
before=$(db smo 'SELECT count(*) FROM changes')
refuses 65 'bad line' "$OPORA" import bad.jsonl
contains 'bad.jsonl:3: ' "$T/err"
contains 'bad.jsonl:4: no earlier entry of this dossier labelled "nope"' "$T/err"
contains 'bad.jsonl:6: ' "$T/err"
contains 'bad.jsonl:8: ' "$T/err"
contains 'bad.jsonl:9: no earlier entry of this dossier labelled "ep"' "$T/err"
contains 'bad.jsonl:11: consent.amend has no member: "scope"' "$T/err"
contains 'bad.jsonl:13: ' "$T/err"
contains 'bad.jsonl:14: ' "$T/err"
contains 'bad.jsonl:15: needs the label of the entry it changes in "assessment"' "$T/err"
for l in 1 2 5 7 10 12; do
	if grep -q "^bad.jsonl:$l: " "$T/err"; then
		fail "line $l refused: $(cat "$T/err")"
	fi
done
[ "$(db smo 'SELECT count(*) FROM changes')" = "$before" ] ||
    fail "a refused import wrote something"
refuses 65 'bad lines skipped' "$OPORA" import --keep-going bad.jsonl
[ "$(db smo 'SELECT count(*) FROM changes')" = $((before + 6)) ] ||
    fail "--keep-going should import the six good lines"
ok "$OPORA" verify
