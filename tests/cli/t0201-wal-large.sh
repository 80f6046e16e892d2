# A write-ahead log that its copies into the database (checkpoints) no
# longer empty is a problem 'opora status' names, with what to do, in
# English and Russian (docs/admin.md, "Monitoring"): a node whose disk is
# full keeps what it writes in opora.db-wal, which then only grows.  The
# log is made long here as a sparse file of zeros, which SQLite reads as
# an empty log (no valid header) and removes when the last connection
# closes, as it does once a checkpoint succeeds: status says so once, and
# not at the next run.
. "$TOP/tests/cli/lib.sh"
mknode M
node_status M --json
[ "$(jq -r '.problems | length' "$T/out")" = 0 ] ||
    fail "a new node has problems"
jq -e '.wal_bytes >= 0 and .database_bytes >= .wal_bytes' "$T/out" \
    >/dev/null || fail "status --json has no wal_bytes"
# 161 MiB: longer than a checkpoint's threshold, not a problem yet.
truncate -s 161M M/opora.db-wal
chmod 600 M/opora.db-wal
node_status M --json
[ "$(jq -r '.problems | length' "$T/out")" = 0 ] ||
    fail "a log just past the threshold is a problem"
truncate -s 400M M/opora.db-wal
chmod 600 M/opora.db-wal
node_status M --json
jq -e '.wal_bytes == 419430400' "$T/out" >/dev/null ||
    fail "wal_bytes is not the log's size"
jq -r '.problems[]' "$T/out" > problems
contains '^the write-ahead log \(opora\.db-wal\) is 400 MiB, more than twice the 160 MiB' problems
contains 'a full or failing disk: free space' problems
contains 'nothing written is lost' problems
# The problem is gone with the log.
[ ! -e M/opora.db-wal ] || [ "$(stat -c %s M/opora.db-wal)" -lt 1048576 ] ||
    fail "the empty log was kept"
node_status M
contains 'nothing needs attention' "$T/out"
# In Russian, as every problem line.
truncate -s 400M M/opora.db-wal
chmod 600 M/opora.db-wal
LANG=ru_RU.UTF-8 node_status M
contains 'журнал предзаписи \(opora\.db-wal\) занимает 400 MiB' "$T/out"
contains 'освободите место' "$T/out"
