# A database this opora must not open is refused before anything is
# written to it, not even its journal mode: a schema version newer than
# this program's, a negative one (which used to index the migrations out
# of bounds), another program's database, an emptied one.
. "$TOP/tests/cli/lib.sh"

ok "$OPORA" --dir n init --region RU-SMO
# refused_as PATTERN: the database is refused (exit 78, PATTERN on
# standard error) and not one of its bytes changed.
refused_as() {
	cp n/opora.db "$T/before.db"
	refuses 78 "$1" "$OPORA" --dir n status
	cmp -s "$T/before.db" n/opora.db ||
	    fail "a refused database was changed ($1)"
}
cp n/opora.db "$T/good.db"
for v in -1 -5 -2147483648; do
	cp "$T/good.db" n/opora.db
	sqlite3 n/opora.db "PRAGMA journal_mode=DELETE; PRAGMA user_version=$v" \
	    >/dev/null
	refused_as "schema version $v, which no opora writes"
done
# Newer, in the rollback journal's mode (a WAL pragma first would change
# bytes 18-19 of the header).
cp "$T/good.db" n/opora.db
sqlite3 n/opora.db "PRAGMA journal_mode=DELETE; PRAGMA user_version=99" \
    >/dev/null
refused_as 'schema version 99, newer than this opora understands'
# Another program's database.
rm -f n/opora.db n/opora.db-wal n/opora.db-shm
sqlite3 n/opora.db 'CREATE TABLE accounts (x); INSERT INTO accounts VALUES (1)'
chmod 600 n/opora.db
refused_as 'another program.s database'
# An emptied one.
: > n/opora.db
refused_as 'is empty'
[ ! -s n/opora.db ] || fail "an empty database was written"
# The node's own database opens again as it was.
cp "$T/good.db" n/opora.db
ok "$OPORA" --dir n status
exit 0
