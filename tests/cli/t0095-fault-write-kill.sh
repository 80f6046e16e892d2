# kill -9 at random points of concurrent writes (issue 11, "Tests").  On
# two serving nodes that pull from each other, several CLI writers at once
# record events, register persons and offer them, accept offers and write
# into the accepted dossiers; for 20 rounds (10 in make check, 5 sanitized:
# lib.sh, depth) one writer's command is killed with SIGKILL at a random
# moment, and a serve every other round.  After
# healing: every write whose command exited 0 is on every entitled node;
# a write whose command was killed is there whole on every entitled node
# or on none; the clock recorded by each node never went back; both
# verify.
. "$TOP/tests/cli/lib.sh"
. "$TOP/tests/cli/lib-fault.sh"
ROUNDS=${ROUNDS:-$(depth 20 10 5)}
N=3		# commands per writer and round
[ $SLOW = 1 ] && N=2
p=$(port_base)
for r in SMO KLU; do
	p=$((p + 1))
	"$OPORA" --dir $r init --region RU-$r --url "https://127.0.0.1:$p" \
	    --listen "127.0.0.1:$p" 2>/dev/null || fail "init $r"
	"$OPORA" --dir $r id > $r.card
done
ok "$OPORA" --dir SMO peer add KLU.card
ok "$OPORA" --dir KLU peer add SMO.card

# dossier DIR OTHER: a person of DIR shared with OTHER (handed over and
# back, lib.sh: OTHER follows DIR's writes to it); its id.
dossier() {
	d=$("$OPORA" --dir $1 person add --surname "Base$1" --name X --force \
	    --birth-date 2004-01-01 --sex M) || fail "person add on $1"
	share $1 $2 "$d"
	echo "$d"
}
# Smolensk's dossiers are shared with Kaluga, Kaluga's with Smolensk: each
# node writes into dossiers the other is entitled to.
DS="$(dossier SMO KLU) $(dossier SMO KLU)"
DK="$(dossier KLU SMO) $(dossier KLU SMO)"
serve SMO
serve KLU

# run W CMD...: run one writer's command in the background, its PID in
# cur.W (for the killer), and log "rc<tab>what" in log.W; what is the
# command's last argument (an event's text or a surname).
run() {
	w=$1
	shift
	"$@" >out.$w 2>err.$w &
	echo $! > cur.$w
	wait $!
	rc=$?
	: > cur.$w
	eval "last=\${$#}"
	printf '%s\t%s\t%s\n' $rc "$last" "$(cat out.$w)" >> log.$w
	case $rc in
	0|137) ;;
	*) { echo "writer $w: exit $rc: $*"; cat err.$w; } >> bad ;;
	esac
	return $rc
}

# The writers of round R.
w_events() {	# W NODE DOSSIERS: events in the node's own dossiers
	i=1
	for d in $3; do
		j=1
		while [ $j -le $N ]; do
			run $1 "$OPORA" --dir $2 event add "$d" \
			    --date 2024-05-01 --type contact --text "ev-$1-$R-$i-$j"
			j=$((j + 1))
		done
		i=$((i + 1))
	done
}
w_offers() {	# W: Smolensk registers persons and offers them to Kaluga
	j=1
	while [ $j -le $N ]; do
		run $1 "$OPORA" --dir SMO person add --surname X --name Y \
		    --birth-date 2005-05-05 --sex F --force --patronymic \
		    "pn-$R-$j" || { j=$((j + 1)); continue; }
		d=$(cut -f3 log.$1 | tail -1)
		run $1 "$OPORA" --dir SMO consent add "$d" --scope transfer \
		    --date 2024-01-01 --document "cs-$R-$j" &&
		run $1 "$OPORA" --dir SMO transfer offer "$d" --to RU-KLU \
		    --reason "of-$d"
		j=$((j + 1))
	done
}
w_accept() {	# W: Kaluga accepts what has reached it (offers held as
		# summaries) and writes in it once the history has come
	"$OPORA" --dir KLU transfer list --incoming --json 2>/dev/null |
	    grep -o '"id":"[0-9a-f]*/[0-9]*","dossier":"[^"]*","from":"RU-SMO","to":"RU-KLU","reason":"of-[^"]*","state":"offered"' |
	    sed 's/"id":"\([^"]*\)","dossier":"\([^"]*\)".*/\1 \2/' |
	    head -n 2 > acc.$R
	while read -r t d; do
		run $1 "$OPORA" --dir KLU transfer accept "$t" &&
		until_true 10 "$OPORA" --dir KLU show "$d" &&
		run $1 "$OPORA" --dir KLU event add "$d" --date 2024-06-01 \
		    --type housing --text "ac-$R-$d"
	done < acc.$R
}

hlc() {
	sqlite3 -cmd '.timeout 5000' "$1/opora.db" \
	    "SELECT v FROM meta WHERE k = 'hlc'"
}
hs=$(hlc SMO) hk=$(hlc KLU) killed=0
R=1
while [ $R -le $ROUNDS ]; do
	w_events a SMO "$DS" 2>/dev/null & pa=$!
	w_events b KLU "$DK" 2>/dev/null & pb=$!
	w_offers c 2>/dev/null & pc=$!
	w_accept d 2>/dev/null & pd=$!
	PIDS="$PIDS $pa $pb $pc $pd"
	# One writer's running command, chosen at random among those running
	# one, killed at a random moment.  The moment is drawn within the
	# first commands (a round's writers may all be done in 100 ms on a
	# fast machine), and looked for again every few milliseconds while a
	# writer still runs (between two commands, none does).
	rand_sleep 5 120
	hit=0 tries=0
	while [ $hit = 0 ] && [ $tries -lt 60 ]; do
		for w in $(echo a b c d | tr ' ' '\n' | shuf); do
			v=$(cat cur.$w 2>/dev/null)
			if [ -n "$v" ] &&
			    grep -q opora "/proc/$v/cmdline" 2>/dev/null; then
				kill -9 "$v" 2>/dev/null &&
				    killed=$((killed + 1))
				hit=1
				break
			fi
		done
		alive=0
		for q in $pa $pb $pc $pd; do
			kill -0 $q 2>/dev/null && alive=1
		done
		[ $alive = 1 ] || break
		[ $hit = 1 ] || rand_sleep 1 10
		tries=$((tries + 1))
	done
	# A serve, every other round, in the middle of it all, and started
	# again while the writers go on (an accept's history waits for it).
	if [ $((R % 2)) = 0 ]; then
		s=$(echo SMO KLU | tr ' ' '\n' | shuf -n 1)
		rand_sleep 0 300
		eval "sp=\$PID_$s"
		kill9 "$sp"
		serve $s
	fi
	for q in $pa $pb $pc $pd; do
		wait $q
	done
	PIDS=$(echo "$PIDS" | sed "s/ $pa\\b//; s/ $pb\\b//; s/ $pc\\b//; s/ $pd\\b//")
	[ -s bad ] && { cat bad >&2; fail "round $R: a writer failed"; }
	# The clock each node records never goes back.
	for r in SMO KLU; do
		h=$(hlc $r)
		eval "prev=\$h$(echo $r | cut -c1 | tr SK sk)"
		[ "$(printf '%s\n%s\n' "$prev" "$h" | sort | tail -1)" = "$h" ] ||
		    fail "round $R: $r's clock went back from $prev to $h"
		eval "h$(echo $r | cut -c1 | tr SK sk)=\$h"
	done
	R=$((R + 1))
done
echo "$killed writers' commands killed"
# A kill finds no command running now and then (between two commands).
[ $killed -ge $(((ROUNDS + 3) / 4)) ] ||
    fail "only $killed commands were killed in $ROUNDS rounds"

# has NODE SQL-CONDITION-ON-events: 1 if the node holds such an event.
has() {
	sqlite3 -cmd '.timeout 5000' "$1/opora.db" \
	    "SELECT count(*) > 0 FROM events WHERE $2"
}
# Healing: both serve until each holds what the other holds of what they
# share (the events of the offered and accepted dossiers).
shared_events() {
	sqlite3 -cmd '.timeout 5000' "$1/opora.db" \
	    "SELECT count(*) FROM events WHERE text LIKE 'ev-%' OR
	    text LIKE 'ac-%'"
}
until_true 60 sh -c "[ \$(sqlite3 -cmd '.timeout 2000' SMO/opora.db \
    \"SELECT count(*) FROM events WHERE text LIKE 'ev-%' OR text LIKE
    'ac-%'\") = \$(sqlite3 -cmd '.timeout 2000' KLU/opora.db \"SELECT
    count(*) FROM events WHERE text LIKE 'ev-%' OR text LIKE 'ac-%'\") ]" ||
    fail "the nodes did not converge: $(shared_events SMO) and $(shared_events KLU) events"
until_true 30 in_step SMO RU-KLU || fail "Smolensk does not show Kaluga in step"
until_true 30 in_step KLU RU-SMO || fail "Kaluga does not show Smolensk in step"
# Once more after a pause, so that nothing is still in flight.
sleep 1
[ "$(shared_events SMO)" = "$(shared_events KLU)" ] ||
    fail "the nodes differ: $(shared_events SMO) and $(shared_events KLU) events"
stop SMO
stop KLU

# The oracle: each event's text is unique.  Exited 0: on both nodes.
# Killed: on both or on neither.
for w in a b d; do
	[ -f log.$w ] || continue
	while IFS='	' read -r rc text out; do
		case $text in ev-*|ac-*) ;; *) continue ;; esac
		s=$(has SMO "text = '$text'")
		k=$(has KLU "text = '$text'")
		if [ "$rc" = 0 ]; then
			[ "$s$k" = 11 ] || fail "event $text (exit 0): on" \
			    "Smolensk $s, on Kaluga $k"
			# The id it printed is the event's.
			[ "$(has SMO "text = '$text' AND id = '$out'")" = 1 ] ||
			    fail "event $text: printed id $out is not its id"
		else
			[ "$s" = "$k" ] || fail "event $text (killed): on" \
			    "Smolensk $s, on Kaluga $k"
		fi
	done < log.$w
done
# Registrations: a person add that exited 0 exists in Smolensk; an offer
# that exited 0 brought Kaluga the offer (its summary), and, if Kaluga
# accepted it, the dossier whole.
if [ -f log.c ]; then
	while IFS='	' read -r rc text out; do
		case $text in
		pn-*)	[ "$rc" = 0 ] || continue
			[ "$(db SMO "SELECT count(*) FROM persons WHERE
			    dossier = '$out' AND patronymic = '$text'")" = 1 ] ||
			    fail "person $text (exit 0) is not in Smolensk" ;;
		of-*)	d=${text#of-}
			s=$(db SMO "SELECT count(*) FROM changes WHERE dossier = '$d'")
			k=$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$d'")
			a=$(db KLU "SELECT count(*) FROM persons WHERE dossier = '$d'")
			o=$(db KLU "SELECT count(*) FROM offer_summaries WHERE dossier = '$d'")
			if [ "$rc" = 0 ] && [ "$a" = 1 ]; then
				[ "$s" = "$k" ] || fail "accepted dossier $d:" \
				    "$s changes in Smolensk, $k in Kaluga"
			elif [ "$rc" = 0 ]; then
				[ "$o" -ge 1 ] && [ "$k" -le 1 ] ||
				    fail "offered dossier $d: summary $o," \
				    "$k changes in Kaluga"
			fi ;;
		esac
	done < log.c
fi
# No dossier reached Kaluga that was not offered to it.
n=$(sqlite3 KLU/opora.db "ATTACH 'file:SMO/opora.db?mode=ro' AS s;
    SELECT count(*) FROM changes WHERE region = 'RU-SMO' AND dossier NOT IN
    (SELECT dossier FROM s.transfers WHERE \"to\" = 'RU-KLU')")
[ "$n" = 0 ] || fail "Kaluga holds $n changes of dossiers never offered to it"
# Each node's recorded clock is at or past every change it holds.
for r in SMO KLU; do
	[ "$(db $r "SELECT max(hlc) <= (SELECT v FROM meta WHERE k = 'hlc')
	    FROM changes")" = 1 ] || fail "$r's recorded clock is behind its log"
	[ "$(db $r "SELECT count(*) - count(DISTINCT hlc) FROM changes
	    WHERE region = 'RU-$(echo $r)'")" = 0 ] ||
	    fail "$r made two changes with one clock value"
	ok "$OPORA" --dir $r verify
done
