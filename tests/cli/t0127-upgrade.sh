# Upgrades: a database made by each earlier release (tests/fixtures/
# schema-N, made by tests/fixtures/make-schema.sh with that release's
# program) opens with this program, migrates forward to the current
# schema, verifies, shows what was written, serves and replicates, and
# rebuilds to the same state.
. "$TOP/tests/cli/lib.sh"

cur=$(schema_version) || exit 1
seen=0
# The indexes of a node made now: every upgraded node has the same
# (schema 14 gave the rejected table's rejected_id to the nodes made at
# schema 4 by its release, which lacked it).
ok "$OPORA" --dir NEW init --region RU-TUL
indexes() {
	sqlite3 "$1" "SELECT name || ' ' || tbl_name || ' ' || ifnull(sql, '')
	    FROM sqlite_schema WHERE type = 'index' ORDER BY name"
}
indexes NEW/opora.db > "$T/indexes.want"
for fx in "$TOP"/tests/fixtures/schema-*; do
	[ -f "$fx/expect.txt" ] || continue
	N=$(sed -n 's/^schema=//p' "$fx/expect.txt")
	D=$(sed -n 's/^dossier=//p' "$fx/expect.txt")
	P2=$(sed -n 's/^other=//p' "$fx/expect.txt")
	seen=$((seen + 1))
	[ "$N" -le "$cur" ] || fail "fixture schema $N is newer than $cur"
	mkdir "v$N"
	cd "v$N" || fail "cd v$N"
	p=$(port_base)
	for r in SMO KLU; do
		cp -R "$fx/$r" $r
		gunzip $r/opora.db.gz
		# git keeps no modes: the node's own are restored.
		chmod 700 $r
		chmod 600 $r/*
		[ "$(sqlite3 $r/opora.db 'PRAGMA user_version')" = "$N" ] ||
		    fail "fixture $N: $r is not at schema $N"
		# The log's AUTOINCREMENT counter is kept (schema 12 makes
		# the table again): a seq once given, to a change erased
		# since, is never given again, or a peer's cursor past it
		# would skip the change that takes it.  It is moved on here
		# as an erasure of the last changes leaves it.
		sqlite3 $r/opora.db "UPDATE sqlite_sequence SET seq = seq + 1000
		    WHERE name = 'changes'"
		eval "seq_$r=\$(sqlite3 $r/opora.db \"SELECT seq FROM
		    sqlite_sequence WHERE name = 'changes'\")"
	done
	# Releases before accounts (schema 6): the first admin, then the
	# supervisor the tests act as; this first open migrates.
	for r in SMO KLU; do
		if [ "$N" -lt 6 ]; then
			OPORA_USER=root "$OPORA_BIN" --dir $r user add admin \
			    --name Admin --role admin >/dev/null ||
			    fail "schema $N: $r: first admin after the upgrade"
			OPORA_USER=admin "$OPORA_BIN" --dir $r user add tester \
			    --name Tester --role supervisor --centre Центр \
			    >/dev/null || fail "schema $N: $r: supervisor"
		fi
		ok "$OPORA" --dir $r verify
		v=$(sqlite3 $r/opora.db 'PRAGMA user_version')
		[ "$v" = "$cur" ] ||
		    fail "schema $N: $r migrated to $v, not $cur"
		indexes $r/opora.db > "$T/indexes.have"
		diff "$T/indexes.want" "$T/indexes.have" >&2 ||
		    fail "schema $N: $r's indexes are not those of a node made now"
		eval "s=\$seq_$r"
		[ "$(db $r "SELECT group_concat(seq) FROM sqlite_sequence
		    WHERE name = 'changes'")" = "$s" ] ||
		    fail "schema $N: $r's log counter is not $s after the upgrade"
		n=$(sed -n "s/^changes_$r=//p" "$fx/expect.txt")
		[ "$(db $r 'SELECT count(*) FROM changes')" = "$n" ] ||
		    fail "schema $N: $r holds not the $n changes it held"
	done
	# A register an earlier release imported (schema 10 on): run again,
	# nothing is added; a line added to it is imported, once.
	if [ -f "$fx/import.jsonl" ]; then
		cp "$fx/import.jsonl" reg.jsonl
		n=$(db SMO 'SELECT count(*) FROM changes')
		ok "$OPORA" --dir SMO import reg.jsonl
		contains "^nothing to import: all 4 lines of the file were imported before" "$T/err"
		[ "$(db SMO 'SELECT count(*) FROM changes')" = "$n" ] ||
		    fail "schema $N: a register imported before was imported again"
		echo '{"dossier":"R2","op":"event.add","date":"2024-05-02","type":"employment","text":"Работа после обновления"}' >> reg.jsonl
		ok "$OPORA" --dir SMO import reg.jsonl
		contains "^imported 1 of 5 lines \\(4 imported before\\)" "$T/err"
		ok "$OPORA" --dir SMO import reg.jsonl
		contains "^nothing to import: all 5 lines of the file were imported before" "$T/err"
		[ "$(db SMO 'SELECT count(*) FROM changes')" = $((n + 1)) ] ||
		    fail "schema $N: the added line was not imported once"
		[ "$(db SMO 'SELECT max(seq) FROM changes')" = $((seq_SMO + 1)) ] ||
		    fail "schema $N: the change after the upgrade did not take the seq after the counter"
		# Every record of the import can be found by its dossier
		# (import_dossiers, schema 13), so that an erasure takes it.
		[ "$(db SMO "SELECT count(*) FROM import_made m WHERE NOT EXISTS
		    (SELECT 1 FROM import_dossiers d WHERE d.dossier = m.dossier
		    AND d.dkey = m.dkey)")" = 0 ] ||
		    fail "schema $N: a record of import_made is not in import_dossiers"
		[ "$(db SMO "SELECT count(*) FROM import_made")" -gt 0 ] ||
		    fail "schema $N: import_made is empty"
	fi
	# What was written, as written.
	ok "$OPORA" --dir KLU show "$D"
	contains 'Иванова' "$T/out"
	contains "Встреча в центре N$N" "$T/out"
	contains "Общежитие, версия схемы $N" "$T/out"
	contains 'Работа в Калуге' "$T/out"
	contains 'custodian RU-KLU' "$T/out"
	ok "$OPORA" --dir SMO show "$D"
	contains 'Работа в Калуге' "$T/out"
	contains 'custodian RU-KLU' "$T/out"
	ok "$OPORA" --dir SMO show "$P2"
	contains 'Петров' "$T/out"
	[ "$(db KLU "SELECT count(*) FROM changes WHERE dossier = '$P2'")" = 0 ] ||
	    fail "schema $N: Kaluga holds a dossier never offered to it"
	ok "$OPORA" --dir SMO digest "$D"; d1=$(cat "$T/out")
	ok "$OPORA" --dir KLU digest "$D"; d2=$(cat "$T/out")
	[ "$d1" = "$d2" ] || fail "schema $N: digests differ: $d1 $d2"

	# Serving, replicating and rebuilding after the upgrade: for every
	# fixture, but under the sanitizers at make check's depth for every
	# third and the newest (the migration and what it kept, above, are
	# checked for every one; make check-full serves them all).
	if [ "${OPORA_TEST_DEPTH:-check}" = full ] || [ $SANITIZED = 0 ] ||
	    [ $((N % 3)) = 1 ] || [ "$N" = $((cur - 1)) ]; then
		# Serve on this test's ports: each node's url, listen, and its
		# peer's record of that url (as 'peer add' of a new card would).
		ps=$((p + 1))
		pk=$((p + 2))
		ok "$OPORA" --dir SMO config set url "https://127.0.0.1:$ps"
		ok "$OPORA" --dir SMO config set listen "127.0.0.1:$ps"
		ok "$OPORA" --dir KLU config set url "https://127.0.0.1:$pk"
		ok "$OPORA" --dir KLU config set listen "127.0.0.1:$pk"
		db SMO "UPDATE peers SET url = 'https://127.0.0.1:$pk' WHERE region = 'RU-KLU'"
		db KLU "UPDATE peers SET url = 'https://127.0.0.1:$ps' WHERE region = 'RU-SMO'"
		serve SMO
		serve KLU
		ok "$OPORA" --dir KLU event add "$D" --date 2024-05-01 --type contact \
		    --text "После обновления $N"
		until_true 20 sh -c "'$OPORA' --dir SMO show '$D' | grep -q 'После обновления $N'" ||
		    fail "schema $N: Kaluga's new note did not reach Smolensk"
		ok "$OPORA" --dir SMO event add "$D" --date 2024-02-20 --type contact \
		    --text "Поздняя запись $N"
		until_true 20 sh -c "'$OPORA' --dir KLU show '$D' | grep -q 'Поздняя запись $N'" ||
		    fail "schema $N: Smolensk's late note did not reach Kaluga"
		ok "$OPORA" --dir SMO person add --surname Новикова --name Ольга \
		    --birth-date 2006-02-02 --sex F
		for r in SMO KLU; do
			node_status $r --json
			[ "$(jq .rejected "$T/out")" = 0 ] ||
			    fail "schema $N: $r refused changes after the upgrade"
		done
		stop SMO
		stop KLU
		# rebuild recomputes every view from the log: the same state.
		for r in SMO KLU; do
			ok "$OPORA" --dir $r digest "$D"; before=$(cat "$T/out")
			ok "$OPORA" --dir $r rebuild
			ok "$OPORA" --dir $r digest "$D"
			[ "$(cat "$T/out")" = "$before" ] ||
			    fail "schema $N: $r: rebuild changed the dossier's state"
			ok "$OPORA" --dir $r verify
		done
	fi
	cd "$T" || fail "cd $T"
done
# Every schema version since the first has its fixture.
[ "$seen" -ge $((cur - 1)) ] ||
    fail "$seen fixtures for schema versions 1..$((cur - 1))"
for n in $(seq 1 $((cur - 1))); do
	[ -f "$TOP/tests/fixtures/schema-$n/expect.txt" ] ||
	    fail "no fixture for schema $n"
done
exit 0
