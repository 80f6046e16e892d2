# Issue 10, class 1 and 7: entitlement is granted only by a dossier's
# custodian, and a receiver judges it by its own records.
#  - Kaluga, offered a dossier, declines it, then links a person of its own
#    to it: the link is one-sided, so Smolensk serves Kaluga nothing of the
#    dossier's later history and never takes Kaluga's person.
#  - Kaluga pushes (a feed file, as a hostile peer would serve it) a dossier
#    of its own that it never offered: Smolensk refuses it and records why.
. "$TOP/tests/cli/lib.sh"
FORGE="$TOP/build/forge"
[ -x "$FORGE" ] || fail "build/forge is missing (make unit)"
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir "$r" init --region "RU-$r" --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir "$r" id > "$r.card"
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card
serve SMO
serve KLU

D=$("$OPORA" --dir SMO person add --surname Иванова --name Анна \
    --birth-date 2005-04-12 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$D" --scope transfer --date 2024-07-01 \
    --document "Заявление № 17"
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-KLU --reason "Переезд"
OFFER=$(cat "$T/out")
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Иванова" ||
    fail "the offer did not reach Kaluga"
ok "$OPORA" --dir KLU transfer decline "$OFFER" --reason "Не к нам"
until_true 10 sh -c "'$OPORA' --dir SMO transfer list | grep -q declined" ||
    fail "the decline did not reach Smolensk"

# Kaluga links a person of its own to the declined dossier: only its half.
P=$("$OPORA" --dir KLU person add --surname Петров --name Олег \
    --birth-date 2004-01-02 --sex M) || fail "person add at Kaluga"
"$OPORA" --dir KLU link "$P" "$D" --reason "Тот же человек" >"$T/out" \
    2>"$T/err" || { cat "$T/err"; fail "link at Kaluga"; }
contains 'takes effect .* links it back: RU-SMO' "$T/err"
[ "$(db KLU "SELECT count(*) FROM links WHERE dossier = '$P'")" = 1 ] ||
    fail "Kaluga's half of the link is missing"

# Smolensk writes a crisis into its dossier, then offers Kaluga another
# one: when that offer is there, Kaluga has pulled past the crisis.
ok "$OPORA" --dir SMO event add "$D" --date 2024-08-01 --type crisis \
    --text "Кризис после отказа"
E=$("$OPORA" --dir SMO person add --surname Сидорова --name Вера \
    --birth-date 2005-03-03 --sex F) || fail "person add"
ok "$OPORA" --dir SMO consent add "$E" --scope transfer --date 2024-07-01 \
    --document "Заявление № 18"
ok "$OPORA" --dir SMO transfer offer "$E" --to RU-KLU --reason "Переезд"
until_true 10 sh -c "'$OPORA' --dir KLU transfer list --incoming | grep -q Сидорова" ||
    fail "the second offer did not reach Kaluga"
sleep 1
[ "$(db KLU "SELECT count(*) FROM events WHERE text LIKE '%Кризис%'")" = 0 ] ||
    fail "Kaluga received the crisis written after its decline"
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$P'")" = 0 ] ||
    fail "Smolensk took Kaluga's person through a one-sided link"
# Asked directly, Smolensk serves Kaluga of the declined dossier the offer
# and the decline alone: how the offer ended, nothing of the history.
URL=$(sed -n 's/^url = //p' SMO/opora.conf)
code=$(curl -sk --cert KLU/tls.crt --key KLU/tls.key -o body.json \
    -w '%{http_code}' "$URL/v1/dossiers/$D/changes")
[ "$code" = 200 ] || fail "the declined offer was not served on request: $code"
[ "$(grep -o '"bytes"' body.json | wc -l)" = 2 ] ||
    fail "more than the offer and the decline was served: $(cat body.json)"
for seq in $(db SMO "SELECT seq FROM changes WHERE dossier = '$D' AND id NOT IN
    (SELECT substr(id, 1, 64) FROM transfers UNION
    SELECT decided_by FROM transfers)"); do
	grep -q "\"seq\":$seq," body.json &&
	    fail "change #$seq of the history was served to Kaluga"
done

# Smolensk cannot complete the link from its side either: that takes the
# custodian of Kaluga's dossier.
stop SMO
stop KLU

# A hostile Kaluga pushes its own dossier, never offered, as a feed.
db KLU "SELECT bytes FROM changes WHERE dossier = '$P' ORDER BY seq" |
    "$FORGE" KLU/signing.key > push.json || fail "forge"
refuses 65 '' "$OPORA" --dir SMO receive --from RU-KLU push.json
contains 'refused 2' "$T/out"
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$P'")" = 0 ] ||
    fail "Smolensk stored a dossier it was never offered"
ok "$OPORA" --dir SMO rejected list
contains "not entitled to dossier $P" "$T/out"
ok "$OPORA" --dir SMO verify

# Issue 10, class 2: a dossier's id is bound to its creator.  A hostile
# Kaluga signs first changes naming Smolensk's dossier D for a node that
# does not hold it yet: as version 2 (the id is not the one derived from
# its own key and clock) and as version 1 (ids not bound): both refused,
# so D's real history still arrives whole.
"$OPORA" --dir SA init --region RU-SA 2>/dev/null || fail "init SA"
ok "$OPORA" --dir SA peer add KLU.card
ok "$OPORA" --dir SA peer add SMO.card
KEY=$(db KLU "SELECT key_id FROM keys WHERE region = 'RU-KLU'")
ROOT='{"dossier":"'$D'","hlc":"0194f7c6a8000000","key":"'$KEY'","ops":[{"birth_date":"2000-01-01","name":"Подделка","op":"person.create","sex":"M","surname":"Подделкин"}],"parents":[],"region":"RU-KLU","user":"mallory","v":'
{ echo "${ROOT}2}"; echo "${ROOT}1}"; } | "$FORGE" KLU/signing.key > forged.json ||
    fail "forge"
refuses 65 '' "$OPORA" --dir SA receive --from RU-KLU forged.json
contains 'applied 0' "$T/out"
[ "$(db SA "SELECT count(*) FROM changes")" = 0 ] ||
    fail "a forged first change was stored"
ok "$OPORA" --dir SA rejected list
contains 'must name the dossier id derived from its region, key and clock' "$T/out"
contains 'a version 1 first change' "$T/out"
# The real history of D, offered to Sakha and accepted, is taken whole
# (files carry the offer, the accept and the history, as feeds would).
ok "$OPORA" --dir SMO transfer offer "$D" --to RU-SA --reason "Переезд"
SO=$(cat "$T/out")
"$OPORA" --dir SMO export --for RU-SA > offer.json || fail "export"
ok "$OPORA" --dir SA receive --from RU-SMO offer.json
ok "$OPORA" --dir SA transfer accept "$SO"
"$OPORA" --dir SA export --for RU-SMO > accept.json || fail "export"
"$OPORA" --dir SA id > SA.card || fail "id SA"
ok "$OPORA" --dir SMO peer add SA.card
ok "$OPORA" --dir SMO receive --from RU-SA accept.json
"$OPORA" --dir SMO export --for RU-SA > real.json || fail "export"
ok "$OPORA" --dir SA receive --from RU-SMO real.json
[ "$(db SA "SELECT surname FROM persons WHERE dossier = '$D'")" = Иванова ] ||
    fail "the real dossier did not arrive whole"
ok "$OPORA" --dir SA verify

# The dossier Smolensk refused when Kaluga pushed it (not entitled),
# offered after all and accepted: its changes are taken, and their
# records of refusal go (receive.c asks to forget them only when any
# refusal is recorded: here some are).
[ "$(db SMO "SELECT count(*) FROM rejected WHERE dossier = '$P'")" -gt 0 ] ||
    fail "the push was not recorded refused"
ok "$OPORA" --dir KLU consent add "$P" --scope transfer --date 2024-07-01 \
    --document "Заявление № 18"
ok "$OPORA" --dir KLU transfer offer "$P" --to RU-SMO --reason "Переезд"
KO=$(cat "$T/out")
"$OPORA" --dir KLU export --for RU-SMO > koffer.json || fail "export"
ok "$OPORA" --dir SMO receive --from RU-KLU koffer.json
ok "$OPORA" --dir SMO transfer accept "$KO"
"$OPORA" --dir SMO export --for RU-KLU > kaccept.json || fail "export"
ok "$OPORA" --dir KLU receive --from RU-SMO kaccept.json
"$OPORA" --dir KLU export --for RU-SMO > khistory.json || fail "export"
ok "$OPORA" --dir SMO receive --from RU-KLU khistory.json
[ "$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$P'")" = \
    "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$P'")" ] ||
    fail "the offered dossier did not arrive whole"
[ "$(db SMO "SELECT count(*) FROM rejected WHERE dossier = '$P'")" = 0 ] ||
    fail "changes taken after all are still recorded refused"
ok "$OPORA" --dir SMO verify
