#!/bin/sh
# node/demo.sh: 'make demo' -- three regions on loopback (Smolensk, Kaluga,
# Sakha); a graduate with a year of history is registered in Smolensk,
# moved to Kaluga and then to Sakha; every step is printed, and the final
# timeline as Sakha shows it.  Every process it starts is stopped.
set -eu
OPORA=$(pwd)/opora
T=$(mktemp -d "${TMPDIR:-/tmp}/opora-demo.XXXXXX")
PIDS=""
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null || true; done
	for p in $PIDS; do wait "$p" 2>/dev/null || true; done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM
export OPORA_USER=demo
cd "$T"
step() { printf '\n== %s\n' "$*"; }
o() { "$OPORA" --dir "$@"; }

step "Three regions create their nodes and exchange cards"
port=$(shuf -i 20000-60000 -n 1)
for r in SMO KLU SA; do
	port=$((port + 1))
	o $r init --region RU-$r --url https://127.0.0.1:$port \
	    --listen 127.0.0.1:$port 2>/dev/null
	o $r id > $r.card
	echo "RU-$r at https://127.0.0.1:$port"
done
for a in SMO KLU SA; do for b in SMO KLU SA; do
	[ $a = $b ] || o $a peer add $b.card >/dev/null 2>&1
done; done
for r in SMO KLU SA; do
	# Started directly, not through a function, so that $! is opora's
	# own PID and the cleanup stops it.
	"$OPORA" --dir $r serve > $r.log 2>&1 &
	PIDS="$PIDS $!"
done
sleep 1

step "Smolensk registers Anna and records a year of support"
D=$(o SMO --user petrova person add --surname Иванова --name Анна \
    --patronymic Сергеевна --birth-date 2005-04-12 --sex F \
    --snils "112-233-445 95" --institution "Смоленский детский дом №1" \
    --graduated 2023-06-30)
echo "dossier $D"
o SMO episode open "$D" --centre "Смоленский центр постинтернатного сопровождения" \
    --curator "Петрова Е. В." --date 2023-07-01 >/dev/null
o SMO event add "$D" --date 2023-07-15 --type contact --text "Первая встреча с куратором" >/dev/null
o SMO event add "$D" --date 2023-09-01 --type education --text "Поступила в колледж" >/dev/null
o SMO event add "$D" --date 2024-02-01 --type housing --text "Получила квартиру по договору найма" >/dev/null
o SMO assessment add "$D" --date 2024-06-30 --housing social_rent --education vocational --employment not_seeking --family single >/dev/null
o SMO consent add "$D" --scope transfer --date 2024-07-01 --document "Заявление № 17" >/dev/null
echo "5 records and a consent to transfer"

step "Smolensk offers the case to Kaluga"
T1=$(o SMO transfer offer "$D" --to RU-KLU --reason "Переезд к родственникам в Калугу")
i=0; until o KLU transfer list --incoming 2>/dev/null | grep -q Иванова; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "the offer did not arrive"; exit 1; }
	sleep 0.1
done
o KLU transfer list --incoming

step "Kaluga accepts and carries on"
o KLU transfer accept "$T1" >/dev/null
o KLU event add "$D" --date 2024-09-02 --type employment --text "Устроилась на работу в Калуге" >/dev/null
echo "Kaluga is now the custodian"

step "Kaluga hands the case to Sakha"
sleep 1
T2=$(o KLU transfer offer "$D" --to RU-SA --reason "Переезд в Якутск")
i=0; until o SA transfer list --incoming 2>/dev/null | grep -q Иванова; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "the offer did not arrive"; exit 1; }
	sleep 0.1
done
o SA transfer accept "$T2" >/dev/null
sleep 1

step "Every holder agrees (digest of the dossier on each node)"
for r in SMO KLU SA; do echo "RU-$r $(o $r digest "$D")"; done

step "The timeline as Sakha sees it"
o SA show "$D"
