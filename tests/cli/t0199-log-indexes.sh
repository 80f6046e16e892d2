# Every statement of the program that reads the log finds its rows through
# an index, so that no look-up reads the whole log (at a million changes a
# whole read takes seconds).  A change is found by its id through the index
# of the id's first 16 hex digits, changes_idk (schema 12), which SQLite
# uses only when the statement says STORE_ID_IS (node/store.h): a
# statement written "id = ?" would read the whole table, and still give
# the right answer, so no other test would see it.  The statements are
# taken from the sources as the compiler sees them (gcc -E), and SQLite's
# plan of each, on a new node's database, is read.  Three statements walk
# the log by design: a walk of it in order (export, verify), the newest
# change's time (one row, from the end), and the changes a revoked key
# signed since a time (a rare act of an admin).  The trigger that keeps
# an id once (changes_once), which no plan shows, is read in the program
# of each insert: it must open changes_idk.
. "$TOP/tests/cli/lib.sh"
mknode M
command -v gcc >/dev/null || { echo "skipped: no gcc"; exit 0; }
python3 - "$TOP" M/opora.db <<'PY' || fail "a statement reads the whole log"
import glob, re, subprocess, sys
top, db = sys.argv[1], sys.argv[2]
walks = (
    "SELECT seq, id, dossier, bytes, sig, hlc, key_id, region FROM changes"
    " ORDER BY seq",
    "SELECT coalesce((SELECT received FROM changes ORDER BY seq DESC LIMIT 1), 0)",
    "SELECT id, dossier, hlc FROM changes WHERE key_id = ?1 AND hlc >= ?2",
)
words = {"WHERE", "ORDER", "JOIN", "ON", "SET", "USING", "LEFT", "GROUP",
         "LIMIT", "UNION", "EXCEPT", "AND", "WITH", "AS", "INDEXED", "NOT"}
seen, bad, idk = set(), 0, 0
for f in sorted(glob.glob(top + "/node/*.c")):
    pp = subprocess.run(["gcc", "-E", "-P", "-I" + top, f], check=True,
                        capture_output=True, text=True).stdout
    for m in re.finditer(r'(?:"(?:[^"\\\n]|\\.)*"\s*)+', pp):
        sql = "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', m.group(0)))
        sql = re.sub(r"\\(.)", lambda e: {"n": "\n", "t": "\t"}.get(
            e.group(1), e.group(1)), sql)
        if (not re.search(r"\bchanges\b", sql) or sql in seen or
                not re.match(r"\s*(SELECT|INSERT|UPDATE|DELETE|WITH)\b", sql)):
            continue
        seen.add(sql)
        r = subprocess.run(["sqlite3", db, "EXPLAIN QUERY PLAN " + sql],
                           capture_output=True, text=True)
        if r.returncode != 0 or "rror" in r.stderr:
            print("%s: cannot plan: %s\n  %s" % (f, r.stderr.strip(), sql))
            bad += 1
            continue
        idk += r.stdout.count("changes_idk")
        names = {"changes"} | (set(re.findall(r"\bchanges\s+([a-z]\w*)", sql)) - words)
        scans = [l.strip() for l in r.stdout.splitlines()
                 if "AUTOMATIC" in l or re.search(r"SCAN (%s)$" % "|".join(
                     map(re.escape, names)), l.strip())]
        if scans and not sql.startswith(walks):
            print("%s: %s\n  %s" % (f.split("/")[-1], "; ".join(scans), sql))
            bad += 1
# The trigger that keeps an id once (changes_once) runs in every insert:
# its look-up, which no plan shows, must open changes_idk too.
root = subprocess.run(["sqlite3", db, "SELECT rootpage FROM sqlite_schema"
                       " WHERE name = 'changes_idk'"], capture_output=True,
                      text=True).stdout.strip()
ins = [q for q in seen if q.startswith("INSERT INTO changes (id,")]
for q in ins:
    prog = subprocess.run(["sqlite3", db, "EXPLAIN " + q],
                          capture_output=True, text=True).stdout
    if not root or not any(l.split()[1] == "OpenRead" and
                           l.split()[3] == root for l in prog.splitlines()
                           if len(l.split()) > 3):
        print("the insert does not look the id up on changes_idk:\n  " + q)
        bad += 1
if not ins:
    print("no insert of a change found in the sources")
    bad += 1
if len(seen) < 40 or idk < 15:
    print("only %d statements on the log, %d look-ups by id: the sources "
          "were not read as expected" % (len(seen), idk))
    bad += 1
sys.exit(1 if bad else 0)
PY
