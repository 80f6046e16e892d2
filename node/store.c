/*
 * node/store.c: the SQLite database.  See store.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conflict/hlc.h"
#include "node/card.h"
#include "node/ckpt.h"
#include "node/iowatch.h"
#include "node/memlimit.h"
#include "node/store.h"
#include "node/store_check.h"
#include "protocol/limits.h"
#include "protocol/log.h"

#define STORE_BUSY_MS	10000	/* another opora command may hold the lock */
/*
 * The page cache, in KiB.  The log's indexes are keyed by hashes, so inserts
 * land on random pages; SQLite's default 2 MiB cache thrashes once a region
 * holds ~50,000 changes (docs/performance.md).  24 MiB keeps a bulk import
 * fast and the process under 100 MiB.
 */
#define STORE_CACHE_KIB	"24576"
/* While a backlog is pulled (store_cache_bulk): a pull of a million
 * changes took 155 s with the cache above, 128 s with this one. */
#define STORE_CACHE_BULK_KIB	"98304"
/* For an import (store_cache_import): a transaction of 10,000 lines
 * dirties some 6,000 pages (24 MiB), so the cache above spilled them into
 * the WAL and wrote them again at the commit, with every frame's checksum
 * after the first such page.  At a million lines: 122,699 pages written
 * twice with the cache above, 19,089 with this one, at 92 MiB at most;
 * the time gained was within that machine's noise (docs/performance.md). */
#define STORE_CACHE_IMPORT_KIB	"40960"

struct store_stmt {
	const char	*sql;		/* static text: compared by address */
	sqlite3_stmt	*stmt;
};

struct store {
	sqlite3			*db;
	char			*path;
	struct store_stmt	*stmts;		/* owned; nstmts of capstmts */
	int			 nstmts, capstmts;
	/* store_test_fail_step: the step that fails (1: the next one),
	 * 0 when disarmed, and the result code it fails with. */
	long			 fail_in;
	int			 fail_code;
	/* The result code of the last step that failed, or SQLITE_OK;
	 * step_logged: store_step logged it and store_err need not. */
	int			 step_err;
	int			 step_logged;
	bool			 wipe;	/* checkpoint after the commit */
	bool			 bulk;	/* store_cache_bulk on */
	/* While bulk, the WAL is checkpointed aside (node/ckpt.h), every
	 * ckpt_frames frames (STORE_CHECKPOINT_BYTES). */
	struct ckpt		*ck;
	int			 ckpt_frames;
	/* A transaction is open by the store's own account (a BEGIN ran and
	 * no COMMIT or ROLLBACK since): if SQLite is in autocommit mode all
	 * the same, it rolled the transaction back on its own (it may, on
	 * out of memory, a full disk or an I/O error), and every statement
	 * fails until the caller ends it, so that nothing of the rest is
	 * written outside a transaction (sim seed 8377). */
	bool			 in_txn;
	/* store_hold: a transaction is held; nest store_begin's are open
	 * in it, and held_commits store_commit's were made in it; lost: it
	 * was rolled back with commits in it, and store_release has not
	 * said so yet. */
	bool			 held;
	bool			 held_lost;
	int			 nest;
	int			 held_commits;
};

/*
 * Migrations, in order: migration i takes user_version i to i + 1.  A
 * migration is never edited once released; a new schema is a new entry.
 */
static const char *const migrations[STORE_SCHEMA_VERSION] = {
	/* 0 -> 1: the log, keys, and the views of issue 3. */
	"CREATE TABLE meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);"
	"CREATE TABLE keys (key_id TEXT PRIMARY KEY, region TEXT NOT NULL,"
	"  pub BLOB NOT NULL, added INTEGER NOT NULL,"
	"  revoked INTEGER NOT NULL DEFAULT 0);"
	/* The log.  seq is the feed: append-only, never reused. */
	"CREATE TABLE changes (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE, dossier TEXT NOT NULL,"
	"  hlc TEXT NOT NULL, key_id TEXT NOT NULL, region TEXT NOT NULL,"
	"  bytes BLOB NOT NULL, sig BLOB NOT NULL, received INTEGER NOT NULL);"
	/* The total order is sorted per dossier when read: a dossier holds a
	 * few thousand changes at most, and keying the index by dossier
	 * alone keeps it small. */
	"CREATE INDEX changes_dossier ON changes (dossier);"
	/* Keyed by the child's feed number, so appends stay sequential. */
	"CREATE TABLE parents (child INTEGER NOT NULL REFERENCES changes (seq),"
	"  parent TEXT NOT NULL, PRIMARY KEY (child, parent)) WITHOUT ROWID;"
	"CREATE TABLE heads (dossier TEXT NOT NULL, id TEXT NOT NULL,"
	"  PRIMARY KEY (dossier, id)) WITHOUT ROWID;"
	/* The views: a function of the log, rebuilt by 'opora rebuild'. */
	"CREATE TABLE persons (dossier TEXT PRIMARY KEY, surname TEXT,"
	"  name TEXT, patronymic TEXT, birth_date TEXT, sex TEXT, snils TEXT,"
	"  institution TEXT, graduated TEXT, phone TEXT, email TEXT,"
	"  address TEXT, origin TEXT NOT NULL, custodian TEXT NOT NULL,"
	"  created TEXT NOT NULL, updated TEXT NOT NULL,"
	"  nchanges INTEGER NOT NULL, last_hlc TEXT NOT NULL,"
	"  last_key TEXT NOT NULL, last_id TEXT NOT NULL,"
	"  surname_fold TEXT);"
	"CREATE INDEX persons_snils ON persons (snils);"
	"CREATE INDEX persons_surname ON persons (surname_fold);"
	"CREATE INDEX persons_birth ON persons (birth_date);"
	"CREATE TABLE episodes (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, centre TEXT,"
	"  curator TEXT, opened TEXT, closed TEXT, close_reason TEXT,"
	"  region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE TABLE events (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, date TEXT,"
	"  type TEXT, text TEXT, amended TEXT, retracted TEXT,"
	"  retract_reason TEXT, late TEXT, region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE TABLE assessments (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, date TEXT,"
	"  housing TEXT, education TEXT, employment TEXT, family TEXT,"
	"  region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE TABLE consents (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, scope TEXT,"
	"  date TEXT, document TEXT, withdrawn TEXT, region TEXT, user TEXT,"
	"  hlc TEXT, PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE TABLE transfers (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, \"from\" TEXT,"
	"  \"to\" TEXT, reason TEXT, state TEXT, decided TEXT, decided_by TEXT,"
	"  decline_reason TEXT, region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE INDEX transfers_to ON transfers (\"to\", state);"
	/* The change that made an offer: the feed looks it up per change. */
	"CREATE INDEX transfers_change ON transfers (substr(id, 1, 64));"
	"CREATE INDEX transfers_decided ON transfers (decided_by);"
	"CREATE INDEX transfers_dossier ON transfers (dossier, \"to\");"
	"CREATE INDEX transfers_from ON transfers (\"from\", state);"
	"CREATE INDEX persons_custodian ON persons (custodian);"
	/* Peers: nodes this one pulls from and serves. */
	"CREATE TABLE peers (region TEXT PRIMARY KEY, url TEXT NOT NULL,"
	"  key_id TEXT NOT NULL, pin TEXT NOT NULL, card BLOB NOT NULL,"
	"  cursor INTEGER NOT NULL DEFAULT 0, behind INTEGER,"
	"  last_ok INTEGER, last_error TEXT, last_error_at INTEGER,"
	"  added INTEGER NOT NULL);"
	/* Changes refused on receipt, with why; never applied. */
	"CREATE TABLE rejected (n INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT, dossier TEXT, peer TEXT NOT NULL, reason TEXT NOT NULL,"
	"  at INTEGER NOT NULL, bytes BLOB, sig BLOB);",
	/* 1 -> 2: conflicts and links (issue 5).  A node upgraded from 1
	 * records the conflicts of changes it receives from now on; 'opora
	 * rebuild' finds those of its older changes too. */
	"CREATE TABLE conflicts (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, field TEXT,"
	"  value TEXT, winner TEXT, winner_value TEXT, winner_region TEXT,"
	"  winner_user TEXT, winner_hlc TEXT, state TEXT, closed_by TEXT,"
	"  closed TEXT, region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE INDEX conflicts_id ON conflicts (id);"
	"CREATE INDEX conflicts_state ON conflicts (state);"
	"CREATE TABLE links (id TEXT NOT NULL, dossier TEXT NOT NULL"
	"  REFERENCES persons (dossier), pos INTEGER NOT NULL, other TEXT,"
	"  reason TEXT, state TEXT, unlinked TEXT, unlinked_by TEXT,"
	"  unlink_reason TEXT, region TEXT, user TEXT, hlc TEXT,"
	"  PRIMARY KEY (dossier, pos)) WITHOUT ROWID;"
	"CREATE INDEX links_other ON links (other, state);"
	"CREATE INDEX links_change ON links (substr(id, 1, 64));"
	/* Surname, name and birth date folded for finding duplicates;
	 * filled as dossiers change, and for all by 'opora rebuild'. */
	"ALTER TABLE transfers ADD COLUMN late TEXT;"
	"ALTER TABLE transfers ADD COLUMN late_by TEXT;"
	"ALTER TABLE persons ADD COLUMN name_key TEXT;"
	"CREATE INDEX persons_name_key ON persons (name_key);",
	/* 2 -> 3: statistics (issue 6).  Snapshots this node published, or
	 * (the federal node) received; every version is kept, the current
	 * one of a region's year is the one with the greatest clock. */
	"CREATE TABLE snapshots (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL UNIQUE, region TEXT NOT NULL,"
	"  year INTEGER NOT NULL, hlc TEXT NOT NULL, bytes BLOB NOT NULL,"
	"  sig BLOB NOT NULL, received INTEGER NOT NULL);"
	"CREATE INDEX snapshots_current ON snapshots (region, year, hlc);"
	/* Researchers whose TLS certificates the federal node accepts. */
	"CREATE TABLE researchers (name TEXT PRIMARY KEY, pin TEXT NOT NULL"
	"  UNIQUE, added INTEGER NOT NULL, revoked INTEGER NOT NULL DEFAULT 0);"
	/* Every statistics query answered, and who asked. */
	"CREATE TABLE stats_queries (n INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  at INTEGER NOT NULL, who TEXT NOT NULL, query TEXT NOT NULL,"
	"  cells INTEGER NOT NULL);"
	"ALTER TABLE peers ADD COLUMN snapshot_cursor INTEGER NOT NULL"
	"  DEFAULT 0;"
	/* The federal node's index of received snapshots: a function of
	 * the snapshots table, for fast queries. */
	"CREATE TABLE stats_current (region TEXT NOT NULL,"
	"  year INTEGER NOT NULL, snapshot TEXT NOT NULL, hlc TEXT NOT NULL,"
	"  PRIMARY KEY (region, year)) WITHOUT ROWID;"
	"CREATE INDEX stats_current_s ON stats_current (snapshot);"
	"CREATE TABLE stats_cells (snapshot TEXT NOT NULL,"
	"  region TEXT NOT NULL, period TEXT NOT NULL, indicator TEXT NOT NULL,"
	"  sex TEXT NOT NULL, birth_year INTEGER NOT NULL,"
	"  count INTEGER NOT NULL);"
	"CREATE INDEX stats_cells_q ON stats_cells (period, indicator);"
	"CREATE INDEX stats_cells_s ON stats_cells (snapshot);"
	"CREATE TABLE stats_coverage (snapshot TEXT NOT NULL,"
	"  region TEXT NOT NULL, period TEXT NOT NULL,"
	"  counted INTEGER NOT NULL, registered INTEGER NOT NULL);"
	"CREATE INDEX stats_coverage_s ON stats_coverage (snapshot);"
	"CREATE TABLE stats_flows (snapshot TEXT NOT NULL,"
	"  region TEXT NOT NULL, \"to\" TEXT NOT NULL, year INTEGER NOT NULL,"
	"  count INTEGER NOT NULL);"
	"CREATE INDEX stats_flows_s ON stats_flows (snapshot);"
	/* Suppressed tables, by what they were computed from. */
	"CREATE TABLE stats_tables (key TEXT PRIMARY KEY, body BLOB NOT NULL);",
	/* 3 -> 4 (issue 10), in two parts.  First, keys that rotate and are
	 * revoked, pins that rotate.  until_hlc and revoked_since are HLC values (16 hex digits):
	 * a key's signatures on changes with a clock at or after either are
	 * refused.  trusted = 0: the key's region was removed as a peer.
	 * key_rotations holds this node's own signed rotations, for its
	 * card; pin_next a peer's announced next TLS key. */
	"ALTER TABLE keys ADD COLUMN until_hlc TEXT;"
	"ALTER TABLE keys ADD COLUMN revoked_since TEXT;"
	"ALTER TABLE keys ADD COLUMN trusted INTEGER NOT NULL DEFAULT 1;"
	"CREATE TABLE key_rotations (prev_key TEXT PRIMARY KEY,"
	"  region TEXT NOT NULL, prev BLOB NOT NULL, pub BLOB NOT NULL,"
	"  at TEXT NOT NULL, until_hlc TEXT NOT NULL, sig BLOB NOT NULL);"
	"ALTER TABLE peers ADD COLUMN pin_next TEXT;"
	/*
	 * Second, refused changes recorded once per peer and change, with a
	 * count and when last seen; their bytes kept only up to a cap per
	 * peer, rows per peer capped (node/receive.h).  rejected_peers holds
	 * each peer's running totals, kept by triggers, and how many records
	 * were dropped for the cap.  Pullers record their backoff in peers.
	 */
	"ALTER TABLE rejected ADD COLUMN count INTEGER NOT NULL DEFAULT 1;"
	"ALTER TABLE rejected ADD COLUMN last_at INTEGER;"
	"ALTER TABLE rejected ADD COLUMN via TEXT;"
	"CREATE INDEX rejected_merge ON rejected (peer, id);"
	"UPDATE rejected SET"
	"  count = (SELECT count(*) FROM rejected r WHERE r.peer = rejected.peer"
	"   AND r.id IS rejected.id),"
	"  last_at = (SELECT max(r.at) FROM rejected r"
	"   WHERE r.peer = rejected.peer AND r.id IS rejected.id);"
	"UPDATE rejected SET at = (SELECT min(r.at) FROM rejected r"
	"  WHERE r.peer = rejected.peer AND r.id IS rejected.id);"
	"DELETE FROM rejected WHERE n <> (SELECT max(r.n) FROM rejected r"
	"  WHERE r.peer = rejected.peer AND r.id IS rejected.id);"
	"DROP INDEX rejected_merge;"
	"CREATE UNIQUE INDEX rejected_peer_id ON rejected (peer, id);"
	"CREATE INDEX rejected_oldest ON rejected (peer, last_at, n);"
	/* A refusal that was not final is forgotten when the change is
	 * taken after all (receive_change). */
	"CREATE INDEX rejected_id ON rejected (id);"
	"CREATE TABLE rejected_peers (peer TEXT PRIMARY KEY,"
	"  rows INTEGER NOT NULL DEFAULT 0, kept INTEGER NOT NULL DEFAULT 0,"
	"  dropped INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;"
	"INSERT INTO rejected_peers (peer, rows, kept) SELECT peer, count(*),"
	"  coalesce(sum(length(bytes)), 0) + coalesce(sum(length(sig)), 0)"
	"  FROM rejected GROUP BY peer;"
	"CREATE TRIGGER rejected_ins AFTER INSERT ON rejected BEGIN"
	"  INSERT INTO rejected_peers (peer, rows, kept) VALUES (NEW.peer, 1,"
	"   coalesce(length(NEW.bytes), 0) + coalesce(length(NEW.sig), 0))"
	"  ON CONFLICT (peer) DO UPDATE SET rows = rows + 1,"
	"   kept = kept + excluded.kept;"
	"END;"
	"CREATE TRIGGER rejected_del AFTER DELETE ON rejected BEGIN"
	"  UPDATE rejected_peers SET rows = rows - 1, kept = kept -"
	"   coalesce(length(OLD.bytes), 0) - coalesce(length(OLD.sig), 0)"
	"  WHERE peer = OLD.peer;"
	"END;"
	"CREATE TRIGGER rejected_upd AFTER UPDATE OF peer, bytes, sig"
	"  ON rejected BEGIN"
	"  UPDATE rejected_peers SET rows = rows - 1, kept = kept -"
	"   coalesce(length(OLD.bytes), 0) - coalesce(length(OLD.sig), 0)"
	"  WHERE peer = OLD.peer;"
	"  INSERT INTO rejected_peers (peer, rows, kept) VALUES (NEW.peer, 1,"
	"   coalesce(length(NEW.bytes), 0) + coalesce(length(NEW.sig), 0))"
	"  ON CONFLICT (peer) DO UPDATE SET rows = rows + 1,"
	"   kept = kept + excluded.kept;"
	"END;"
	"ALTER TABLE peers ADD COLUMN backoff_until INTEGER;"
	"ALTER TABLE peers ADD COLUMN backoff_reason TEXT;",
	/* 4 -> 5 (issue 11), in parts.  Anti-entropy: each peer's last
	 * round, shown by 'opora status' (node/entropy.h); gone with the
	 * peer. */
	"CREATE TABLE anti_entropy (peer TEXT PRIMARY KEY"
	"  REFERENCES peers (region) ON DELETE CASCADE,"
	"  at INTEGER NOT NULL, ok INTEGER NOT NULL, shared INTEGER NOT NULL,"
	"  differed INTEGER NOT NULL, applied INTEGER NOT NULL,"
	"  unresolved INTEGER NOT NULL, error TEXT) WITHOUT ROWID;"
	/* Feed epochs: this node's feed epoch, a random
	 * 128-bit id that changes whenever its log may have gone back
	 * (docs/protocol.md, "Feed epochs"; node/epoch.h); and for each
	 * peer, the epoch of the feed its cursor counts in, and when and
	 * why the puller last started again from the peer's first change.
	 * SQLite's randomblob draws on the operating system's randomness. */
	"INSERT INTO meta (k, v) VALUES ('epoch', lower(hex(randomblob(16))))"
	"  ON CONFLICT (k) DO NOTHING;"
	"ALTER TABLE peers ADD COLUMN epoch TEXT;"
	"ALTER TABLE peers ADD COLUMN resync_at INTEGER;"
	"ALTER TABLE peers ADD COLUMN resync_reason TEXT;"
	/*
	 * Changes a pull could not take yet, for a reason that is not
	 * a verdict on them (docs/protocol.md, section 7): their clock is
	 * beyond max_clock_drift of this node's, or their key is unknown
	 * here.  Kept per peer and change; not_before (ms) is when the puller
	 * fetches the dossier from that peer again; a row goes when the
	 * change is stored (node/feed.c).
	 */
	"CREATE TABLE later (peer TEXT NOT NULL, id TEXT NOT NULL,"
	"  dossier TEXT NOT NULL, reason TEXT NOT NULL,"
	"  not_before INTEGER NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (peer, id)) WITHOUT ROWID;"
	"CREATE INDEX later_id ON later (id);"
	"CREATE INDEX later_due ON later (peer, not_before);"
	/* What each imported line made, written in the transaction
	 * that makes it, so that an import run again skips what is done
	 * (node/cmd_import.c, docs/import.md).  key is the line's key
	 * (import_line_key), change the change it made, dossier its dossier. */
	"CREATE TABLE import_lines (key BLOB PRIMARY KEY,"
	"  change TEXT NOT NULL, dossier TEXT NOT NULL,"
	"  at INTEGER NOT NULL) WITHOUT ROWID;",
	/*
	 * 5 -> 6, issue 12: statistics with the cell-key method and
	 * releases (docs/statistics.md).  Snapshots are version 2 (birth-year
	 * bands, key sums, coverage as cells); the federal node's index of
	 * version 1 snapshots cannot be converted (they have no key sums), so
	 * it starts again empty: the snapshots stay in 'snapshots', and each
	 * region's next version 2 snapshot is indexed.  A release is signed
	 * and frozen: for each region, year, sex and band, the snapshot its
	 * cells are taken from, and why a newer one was held back.
	 */
	"DROP TABLE stats_cells;"
	"DROP TABLE stats_coverage;"
	"DROP TABLE stats_flows;"
	"DROP TABLE stats_tables;"
	"DELETE FROM stats_current;"
	"CREATE TABLE stats_cells (snapshot TEXT NOT NULL,"
	"  region TEXT NOT NULL, period TEXT NOT NULL, indicator TEXT NOT NULL,"
	"  sex TEXT NOT NULL, band INTEGER NOT NULL, count INTEGER NOT NULL,"
	"  keysum INTEGER NOT NULL);"
	"CREATE INDEX stats_cells_g ON stats_cells (snapshot, sex, band,"
	"  indicator, period);"
	"CREATE TABLE stats_flows (snapshot TEXT NOT NULL,"
	"  region TEXT NOT NULL, \"to\" TEXT NOT NULL, sex TEXT NOT NULL,"
	"  band INTEGER NOT NULL, year INTEGER NOT NULL,"
	"  count INTEGER NOT NULL, keysum INTEGER NOT NULL);"
	"CREATE INDEX stats_flows_g ON stats_flows (snapshot, sex, band);"
	"CREATE TABLE stats_releases (n INTEGER PRIMARY KEY,"
	"  id TEXT NOT NULL UNIQUE, made INTEGER NOT NULL, key TEXT NOT NULL,"
	"  bytes BLOB NOT NULL, sig BLOB NOT NULL);"
	/* Written before their release's row, in the same transaction. */
	"CREATE TABLE stats_release_groups (release INTEGER NOT NULL,"
	"  region TEXT NOT NULL,"
	"  year INTEGER NOT NULL, sex TEXT NOT NULL, band INTEGER NOT NULL,"
	"  snapshot TEXT NOT NULL, held TEXT,"
	"  PRIMARY KEY (release, year, region, sex, band)) WITHOUT ROWID;"
	"ALTER TABLE stats_queries ADD COLUMN status INTEGER;"
	/*
	 * 5 -> 6, issue 13: people (node/account.h, session.h, audit.h).
	 * Accounts, sessions, failed-login counters and the dossiers'
	 * centres are this node's own and never replicate.  The audit and
	 * its checkpoints are append-only: triggers refuse UPDATE and
	 * DELETE, and audit_verify finds what bypasses them.
	 */
	"CREATE TABLE accounts (login TEXT PRIMARY KEY, name TEXT NOT NULL,"
	"  role TEXT NOT NULL, centre TEXT NOT NULL, phash TEXT NOT NULL,"
	"  totp BLOB, enabled INTEGER NOT NULL, locked INTEGER NOT NULL,"
	"  must_change INTEGER NOT NULL, created INTEGER NOT NULL,"
	"  changed INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE sessions (hash BLOB PRIMARY KEY, login TEXT NOT NULL"
	"  REFERENCES accounts (login) ON DELETE CASCADE,"
	"  csrf TEXT NOT NULL, created INTEGER NOT NULL,"
	"  last_seen INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX sessions_login ON sessions (login);"
	"CREATE TABLE session_glass (session BLOB NOT NULL"
	"  REFERENCES sessions (hash) ON DELETE CASCADE,"
	"  dossier TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (session, dossier)) WITHOUT ROWID;"
	"CREATE TABLE throttle (key TEXT PRIMARY KEY,"
	"  failures INTEGER NOT NULL, window INTEGER NOT NULL,"
	"  last INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE dossier_centres (dossier TEXT PRIMARY KEY,"
	"  centre TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE INDEX dossier_centres_centre ON dossier_centres (centre);"
	"CREATE TABLE audit (seq INTEGER PRIMARY KEY, at INTEGER NOT NULL,"
	"  login TEXT NOT NULL, role TEXT NOT NULL, os_user TEXT NOT NULL,"
	"  addr TEXT NOT NULL, action TEXT NOT NULL, dossiers TEXT NOT NULL,"
	"  reason TEXT NOT NULL, detail TEXT NOT NULL, prev BLOB NOT NULL,"
	"  hash BLOB NOT NULL);"
	"CREATE INDEX audit_login ON audit (login, seq);"
	"CREATE TABLE audit_checkpoints (seq INTEGER PRIMARY KEY,"
	"  hash BLOB NOT NULL, at INTEGER NOT NULL, key_id TEXT NOT NULL,"
	"  sig BLOB NOT NULL);"
	"CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_cp_no_update BEFORE UPDATE ON audit_checkpoints"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_cp_no_delete BEFORE DELETE ON audit_checkpoints"
	"  BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;",
	/*
	 * 6 -> 7, issue 13: erasure (node/erase.h, docs/privacy.md).  A
	 * dossier this node erased (kind 'erased', id its tombstone) or
	 * forgot as the destination of an offer that ended (kind
	 * 'declined', id the change that decided it): ids only.
	 * forgotten_to lists the regions still served what is left (the
	 * tombstone; a decision made here), as the feed's entitlement.
	 */
	"CREATE TABLE forgotten (dossier TEXT PRIMARY KEY, kind TEXT NOT NULL,"
	"  id TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;"
	"CREATE TABLE forgotten_to (dossier TEXT NOT NULL,"
	"  region TEXT NOT NULL, PRIMARY KEY (dossier, region)) WITHOUT ROWID;"
	"CREATE INDEX forgotten_to_region ON forgotten_to (region);",
	/*
	 * 7 -> 8: the CLI of issue 14.  persons.name_fold, the first name
	 * folded as the surname is (fields_name_fold), so that 'find
	 * --name' is a range of an index; filled here from name_key
	 * ("surname|name|birth", both folded), and by every write of the
	 * views after.  dismissed: pairs of dossiers a supervisor said are
	 * not one person, which 'duplicates' no longer suggests (a < b; local
	 * to this node, docs/admin.md "Possible duplicates").
	 */
	"ALTER TABLE persons ADD COLUMN name_fold TEXT;"
	"UPDATE persons SET name_fold = substr(name_key,"
	"  instr(name_key, '|') + 1, instr(substr(name_key,"
	"  instr(name_key, '|') + 1), '|') - 1) WHERE name_key IS NOT NULL;"
	"CREATE INDEX persons_name ON persons (name_fold);"
	"CREATE TABLE dismissed (a TEXT NOT NULL, b TEXT NOT NULL,"
	"  login TEXT NOT NULL, reason TEXT NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (a, b), CHECK (a < b)) WITHOUT ROWID;",
	/*
	 * 8 -> 9, issue 13: data minimisation on offers (node/offer.h).  What
	 * the destination of an offer holds until it accepts: the offer's
	 * summary, one row per offer (its entry id), never in persons or
	 * events.  Once the offer ends, the personal fields are cleared and
	 * the ids stay (anti-entropy compares them).  And persons in the
	 * order 'list' and 'find' show them, so that a page (--limit,
	 * --after) is read from where it begins instead of sorting every
	 * person (issue 15; docs/performance.md, "Paging").
	 */
	"CREATE TABLE offer_summaries (offer TEXT PRIMARY KEY,"
	"  dossier TEXT NOT NULL, change TEXT NOT NULL, \"from\" TEXT NOT NULL,"
	"  \"to\" TEXT NOT NULL, reason TEXT, surname TEXT, name TEXT,"
	"  patronymic TEXT, birth_year TEXT, centre TEXT, entries TEXT,"
	"  hlc TEXT NOT NULL, user TEXT, state TEXT NOT NULL,"
	"  decided_by TEXT, decided TEXT, received INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"CREATE INDEX offer_summaries_dossier ON offer_summaries (dossier);"
	"CREATE INDEX persons_order ON persons (surname_fold, name,"
	"  birth_date, dossier);",
	/*
	 * 9 -> 10, issue 11: histories lost to a log that went back.
	 * later.own: the waiting change was signed by this node's region,
	 * so this node once held its past and lost it (a restore, a lost
	 * WAL).  lost_ack: dossiers whose missing history an admin has
	 * acknowledged ('opora lost acknowledge'), no longer reported as a
	 * problem; local to this node, like dismissed (node/lost.h).
	 */
	"ALTER TABLE later ADD COLUMN own INTEGER NOT NULL DEFAULT 0;"
	"CREATE TABLE lost_ack (dossier TEXT PRIMARY KEY,"
	"  login TEXT NOT NULL, at INTEGER NOT NULL) WITHOUT ROWID;",
	/*
	 * 10 -> 11, issue 15: what imported lines made, keyed so that a
	 * dossier's lines lie together.  import_lines was keyed by the
	 * line's key, a hash: each line landed on a page of its own, read
	 * and written again at every transaction (at a million lines, a page
	 * a line).  import_made leads with dkey, the first 8 bytes of the
	 * key of the dossier's person.create line, which every line of the
	 * dossier has (node/cmd_import.c).  import_lines keeps what earlier
	 * releases imported, read and never written again; both are erased
	 * with their dossier, found by its index.
	 */
	"CREATE TABLE import_made (dkey BLOB NOT NULL, key BLOB NOT NULL,"
	"  change TEXT NOT NULL, dossier TEXT NOT NULL, at INTEGER NOT NULL,"
	"  PRIMARY KEY (dkey, key)) WITHOUT ROWID;"
	"CREATE INDEX import_made_dossier ON import_made (dossier);"
	/* And the number of changes in the log, kept by triggers: 'opora
	 * status' and every metrics scrape counted the log (count(*) reads
	 * its whole index: 180 ms at a million changes).  'opora verify'
	 * counts it again and compares. */
	"CREATE TABLE tallies (name TEXT PRIMARY KEY, n INTEGER NOT NULL)"
	"  WITHOUT ROWID;"
	"INSERT INTO tallies (name, n) SELECT 'changes', count(*) FROM changes;"
	"CREATE TRIGGER changes_tally_in AFTER INSERT ON changes BEGIN"
	"  UPDATE tallies SET n = n + 1 WHERE name = 'changes'; END;"
	"CREATE TRIGGER changes_tally_out AFTER DELETE ON changes BEGIN"
	"  UPDATE tallies SET n = n - 1 WHERE name = 'changes'; END;",
	/*
	 * 11 -> 12, issue 15: the changes found by their id through an index
	 * of its first 16 hex digits (STORE_ID_IS, store.h), instead of a
	 * unique index of the whole 64: a third of the size, so that a
	 * transaction's random inserts dirty fewer of its pages (at a million
	 * changes the unique index was half of what an import wrote to the
	 * WAL: docs/performance.md).  An id is still stored once: the trigger
	 * changes_once drops an insert of an id the log holds (store_change_put
	 * reads it as "already here"), and 'opora verify' checks.  (An INSERT
	 * ... SELECT ... WHERE NOT EXISTS did the same at twice the cost: a
	 * statement that reads the table it writes fills a temporary table
	 * first, and an import of 100,000 lines took 18 s instead of 8.)
	 * SQLite cannot drop a column's UNIQUE, so the table is made again,
	 * with the same rows, seqs and AUTOINCREMENT counter (a peer's cursor
	 * is a seq: one never given must stay so), while foreign keys are
	 * off (store_migrate).  The old table's pages are zeroed as they are
	 * freed (secure_delete) and reused by later writes.
	 */
	"CREATE TEMP TABLE changes_seq_12 AS SELECT max(seq) AS seq"
	"  FROM sqlite_sequence WHERE name = 'changes';"
	"CREATE TABLE changes_12 (seq INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  id TEXT NOT NULL, dossier TEXT NOT NULL,"
	"  hlc TEXT NOT NULL, key_id TEXT NOT NULL, region TEXT NOT NULL,"
	"  bytes BLOB NOT NULL, sig BLOB NOT NULL, received INTEGER NOT NULL);"
	"INSERT INTO changes_12 (seq, id, dossier, hlc, key_id, region, bytes,"
	"  sig, received) SELECT seq, id, dossier, hlc, key_id, region, bytes,"
	"  sig, received FROM changes ORDER BY seq;"
	"DROP TABLE changes;"
	"ALTER TABLE changes_12 RENAME TO changes;"
	"DELETE FROM sqlite_sequence WHERE name IN ('changes', 'changes_12');"
	"INSERT INTO sqlite_sequence (name, seq) SELECT 'changes',"
	"  max(coalesce((SELECT seq FROM temp.changes_seq_12), 0),"
	"  coalesce((SELECT max(seq) FROM changes), 0));"
	"DROP TABLE temp.changes_seq_12;"
	"CREATE INDEX changes_dossier ON changes (dossier);"
	"CREATE INDEX changes_idk ON changes (substr(id, 1, 16));"
	"CREATE TRIGGER changes_once BEFORE INSERT ON changes WHEN EXISTS"
	"  (SELECT 1 FROM changes WHERE substr(id, 1, 16) ="
	"  substr(NEW.id, 1, 16) AND +id = NEW.id)"
	"  BEGIN SELECT RAISE(IGNORE); END;"
	"CREATE TRIGGER changes_tally_in AFTER INSERT ON changes BEGIN"
	"  UPDATE tallies SET n = n + 1 WHERE name = 'changes'; END;"
	"CREATE TRIGGER changes_tally_out AFTER DELETE ON changes BEGIN"
	"  UPDATE tallies SET n = n - 1 WHERE name = 'changes'; END;",
	/*
	 * 12 -> 13, issue 15: an erasure finds the import's records of a
	 * dossier through import_dossiers, a row for each dkey of each
	 * dossier, instead of an index of import_made by dossier, which had
	 * an entry a line: at a million lines 25,000 pages (100 MB), a tenth
	 * of a WAL frame written a line, and a B-tree insert a line.  The
	 * trigger import_made_dossier keeps it, in the statement that writes
	 * the record, so that no record can be missed by an erasure.
	 */
	"CREATE TABLE import_dossiers (dossier TEXT NOT NULL,"
	"  dkey BLOB NOT NULL, PRIMARY KEY (dossier, dkey)) WITHOUT ROWID;"
	"INSERT OR IGNORE INTO import_dossiers (dossier, dkey)"
	"  SELECT dossier, dkey FROM import_made;"
	"DROP INDEX import_made_dossier;"
	"CREATE TRIGGER import_made_dossier AFTER INSERT ON import_made BEGIN"
	"  INSERT OR IGNORE INTO import_dossiers (dossier, dkey)"
	"  VALUES (NEW.dossier, NEW.dkey); END;"
	/*
	 * And the index of the ids' first 8 hex digits instead of 16
	 * (STORE_ID_IS): at a million changes 4,600 pages instead of 6,800,
	 * into which each change makes a random insert, so that an import
	 * writes 0.22 WAL frames a change for it instead of 0.31.  The
	 * trigger that keeps an id once looks it up the same way.
	 */
	"DROP TRIGGER changes_once;"
	"DROP INDEX changes_idk;"
	"CREATE INDEX changes_idk ON changes (substr(id, 1, 8));"
	"CREATE TRIGGER changes_once BEFORE INSERT ON changes WHEN EXISTS"
	"  (SELECT 1 FROM changes WHERE substr(id, 1, 8) ="
	"  substr(NEW.id, 1, 8) AND +id = NEW.id)"
	"  BEGIN SELECT RAISE(IGNORE); END;",
	/*
	 * 13 -> 14: the index by which a change taken after all forgets its
	 * refusal (store_refusal_forget, for every change taken while any
	 * refusal is recorded).
	 * Migration 3 -> 4 makes it, but the release that made schema 4 did
	 * not yet, so a node born there scanned the whole rejected table
	 * for every change it took.
	 */
	"CREATE INDEX IF NOT EXISTS rejected_id ON rejected (id);",
};

/* The migration that makes the table changes again (11 -> 12). */
#define MIGRATION_REMAKES	11

static enum store_step store_say(struct store *, int, const char *);

/* Log a failure of what; once, when store_step has just logged it. */
static void
store_err(struct store *st, const char *what)
{
	if (st->step_logged) {
		st->step_logged = 0;
		log_debug("database %s: %s failed", st->path, what);
		return;
	}
	{
		char	 msg[512];

		snprintf(msg, sizeof(msg), "%s: %s", what,
		    sqlite3_errmsg(st->db));
		(void)store_say(st, sqlite3_extended_errcode(st->db), msg);
	}
}

/*
 * Log SQLite's failure r (its message msg) for a person, and tell whether
 * it is transient (STORE_BUSY: busy, locked, out of memory, an I/O error,
 * a full disk, or what SQLite calls malformed after a failed read) or not
 * (STORE_ERR: damaged, or anything else).
 */
/* Whether a statement of this process failed because another connection
 * held the database past the busy timeout (store_busy_noted). */
static volatile int	 busy_noted;

bool
store_busy_noted(void)
{
	return (__atomic_load_n(&busy_noted, __ATOMIC_RELAXED) != 0);
}

static enum store_step
store_say(struct store *st, int r, const char *msg)
{
	if ((r & 0xff) == SQLITE_BUSY || (r & 0xff) == SQLITE_LOCKED)
		__atomic_store_n(&busy_noted, 1, __ATOMIC_RELAXED);
	if ((r & 0xff) == SQLITE_NOMEM || r == SQLITE_IOERR_NOMEM)
		log_oom_note();
	switch (r & 0xff) {
	case SQLITE_FULL:
		/* A statement journal past its limit (store_configure) goes
		 * to SQLite's temporary directory, not the node's. */
		if (iowatch_take_full_temp()) {
			log_warnx("database %s: SQLite's temporary directory is "
			    "full ($SQLITE_TMPDIR, else $TMPDIR, else /var/tmp): "
			    "a statement's undo pages found no room there",
			    st->path);
			return (STORE_BUSY);
		}
		/* FALLTHROUGH */
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
	case SQLITE_NOMEM:
	case SQLITE_IOERR:
		log_warnx("database %s: %s", st->path, msg);
		return (STORE_BUSY);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		/* After a failed read, what SQLite calls malformed may be only
		 * what it could not read: not a verdict on the data. */
		if (iowatch_failed()) {
			log_warnx("database %s cannot be read after an I/O "
			    "error", st->path);
			return (STORE_BUSY);
		}
		log_warnx("database %s is damaged: %s: run 'opora verify'; "
		    "restore it from a backup, or if only the views are "
		    "damaged run 'opora rebuild'", st->path, msg);
		return (STORE_ERR);
	default:
		log_warnx("database %s: %s", st->path, msg);
		return (STORE_ERR);
	}
}

/* Whether the transaction the store opened was rolled back by SQLite;
 * logged the first time it is seen. */
static bool
store_txn_lost(struct store *st)
{
	if (!st->in_txn || !sqlite3_get_autocommit(st->db))
		return (false);
	if (st->step_err != SQLITE_ABORT_ROLLBACK)
		log_warnx("database %s: SQLite rolled the transaction back "
		    "after a failure: nothing of it is kept, and it is "
		    "tried again", st->path);
	st->step_err = SQLITE_ABORT_ROLLBACK;
	st->step_logged = 1;
	return (true);
}

enum store_step
store_step(struct store *st, sqlite3_stmt *s)
{
	const char	*msg;
	int		 r;

	st->step_logged = 0;
	if (store_txn_lost(st))
		return (STORE_BUSY);
	if (st->fail_in > 0 && --st->fail_in == 0) {
		r = st->fail_code;
		msg = sqlite3_errstr(r);
	} else {
		r = sqlite3_step(s);
		msg = sqlite3_errmsg(st->db);
	}
	if (r == SQLITE_ROW)
		return (STORE_ROW);
	if (r == SQLITE_DONE)
		return (STORE_DONE);
	st->step_err = r;
	/* A broken constraint is the caller's to explain, or to expect. */
	if ((r & 0xff) == SQLITE_CONSTRAINT)
		return (STORE_ERR);
	st->step_logged = 1;
	return (store_say(st, r, msg));
}

int
store_step_error(const struct store *st)
{
	return (st->step_err);
}

long
store_test_fail_step(struct store *st, long n, int code)
{
	long	 left = st->fail_in;

	st->fail_in = n;
	st->fail_code = code;
	return (left);
}

int
store_exec(struct store *st, const char *sql)
{
	char	*err = NULL;
	int	 r;
	bool	 begin = strncmp(sql, "BEGIN", 5) == 0;
	bool	 end = strncmp(sql, "COMMIT", 6) == 0 ||
		    strncmp(sql, "ROLLBACK", 8) == 0 || strncmp(sql, "END", 3) == 0;

	if (end) {
		bool	 lost = st->in_txn && sqlite3_get_autocommit(st->db);

		st->in_txn = false;
		if (lost) {
			/* Nothing to end: a COMMIT fails, a ROLLBACK is
			 * done. */
			if (st->step_err != SQLITE_ABORT_ROLLBACK)
				log_warnx("database %s: SQLite rolled the "
				    "transaction back after a failure: nothing "
				    "of it is kept", st->path);
			if (strncmp(sql, "ROLLBACK", 8) == 0) {
				st->step_err = SQLITE_OK;
				return (0);
			}
			st->step_err = SQLITE_ABORT_ROLLBACK;
			return (-1);
		}
	} else if (store_txn_lost(st))
		return (-1);
	if ((r = sqlite3_exec(st->db, sql, NULL, NULL, &err)) != SQLITE_OK) {
		(void)store_say(st, r, err != NULL ? err : sqlite3_errstr(r));
		sqlite3_free(err);
		return (-1);
	}
	if (begin)
		st->in_txn = true;
	return (0);
}

static void	 hold_lost(struct store *);

/* Whether the held transaction is still open.  When SQLite rolled it back
 * on its own, the hold ends as store_rollback ends it. */
static bool
hold_open(struct store *st)
{
	if (!st->held)
		return (false);
	if (st->in_txn && !sqlite3_get_autocommit(st->db))
		return (true);
	hold_lost(st);
	return (false);
}

/* The held transaction is gone (rolled back): so is everything taken into
 * it, and the caller must hear it (store_release) before anything else is
 * committed, lest a cursor saved after it pass what was lost. */
static void
hold_lost(struct store *st)
{
	if (st->held && st->held_commits > 0)
		st->held_lost = true;
	st->held = false;
	st->nest = 0;
	st->held_commits = 0;
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
	st->in_txn = false;
	if (st->step_err == SQLITE_ABORT_ROLLBACK)
		st->step_err = SQLITE_OK;
}

int
store_begin(struct store *st)
{
	if (hold_open(st)) {
		st->nest++;
		return (0);
	}
	if (st->held_lost) {
		log_warnx("database %s: a held transaction was rolled back "
		    "and its owner has not yet heard it: nothing more is "
		    "written until it has", st->path);
		return (-1);
	}
	/* A write checkpoints the WAL at close again (audit_record). */
	(void)sqlite3_db_config(st->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0,
	    NULL);
	return (store_exec(st, "BEGIN IMMEDIATE"));
}

int
store_commit(struct store *st)
{
	if (st->nest > 0) {
		st->nest--;
		if (!hold_open(st))
			return (-1);
		st->held_commits++;
		return (0);
	}
	if (store_exec(st, "COMMIT") == -1)
		return (-1);
	if (st->wipe) {
		st->wipe = false;
		(void)store_wipe_wal(st);
	}
	return (0);
}

int
store_hold(struct store *st)
{
	if (st->held || st->held_lost)
		return (0);
	if (store_begin(st) == -1) {
		store_rollback(st);
		return (-1);
	}
	st->held = true;
	st->nest = 0;
	st->held_commits = 0;
	return (0);
}

int
store_release(struct store *st)
{
	if (st->held_lost) {
		st->held_lost = false;
		return (-1);
	}
	if (!st->held)
		return (0);
	if (st->nest > 0) {
		log_warnx("database %s: a held transaction was released with "
		    "a transaction of its own open; both are rolled back",
		    st->path);
		hold_lost(st);
		st->held_lost = false;
		return (-1);
	}
	if (!hold_open(st)) {
		st->held_lost = false;
		return (-1);
	}
	st->held = false;
	st->held_commits = 0;
	if (store_commit(st) == -1) {
		store_rollback(st);
		return (-1);
	}
	return (0);
}

bool
store_held(const struct store *st)
{
	return (st->held || st->held_lost);
}

/*
 * A statement that may stop half-way (a constraint; a trigger, as the
 * tallies') keeps the pages it changes, as they were, in a statement
 * journal.  Past SQLite's default of 64 KiB (16 pages of 4 KiB) the journal
 * becomes a file in /var/tmp, and every journalled statement of the
 * transaction after it writes its pages there, two system calls a page: a
 * pull of 104,000 changes wrote 1 GB there (docs/performance.md).  At 120
 * KiB no journal of that pull went to a file.
 *
 * The limit must stay under 128 KiB.  SQLite keeps the journal in one
 * chunk of the limit's size and, when it spills, copies that chunk to the
 * file in one write; its unix VFS writes at most 0x1ffff bytes a call
 * (os_unix.c, seekAndWriteFd), so a chunk of 128 KiB or more is written as
 * nothing and the statement fails with SQLITE_FULL, "database or disk is
 * full", though no system call failed (tests/unit/test_store.c).
 */
_Static_assert(STORE_STMTJRNL_SPILL < 128 * 1024,
    "a larger statement journal cannot be written to a file whole");

int
store_configure(void)
{
	if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL,
	    STORE_STMTJRNL_SPILL) != SQLITE_OK)
		return (-1);
	return (0);
}

static int	 checkpoint_every(struct store *);

void
store_cache_import(struct store *st)
{
	/* Under ulimit -v or -d as for a pull (tests/cli/t0191). */
	if (st->bulk || memlimit_set())
		return;
	if (store_exec(st, "PRAGMA cache_size = -" STORE_CACHE_IMPORT_KIB) ==
	    0) {
		st->bulk = true;
		st->ck = ckpt_start(st->db, st->path, st->ckpt_frames);
	}
}

void
store_cache_bulk(struct store *st, bool on)
{
	/* Under ulimit -v or -d the cache stays small: a pull that fits
	 * the limit with it must not fail for memory with the large one
	 * (tests/cli/t0097). */
	if (st->bulk == on || (on && memlimit_set()))
		return;
	if (!on) {
		ckpt_stop(st->ck);
		st->ck = NULL;
		(void)checkpoint_every(st);
	}
	if (store_exec(st, on ? "PRAGMA cache_size = -" STORE_CACHE_BULK_KIB :
	    "PRAGMA cache_size = -" STORE_CACHE_KIB) == 0)
		st->bulk = on;
	if (on && st->bulk)
		st->ck = ckpt_start(st->db, st->path, st->ckpt_frames);
}

void
store_want_wipe(struct store *st)
{
	st->wipe = true;
}

int
store_wipe_wal(struct store *st)
{
	int	 logged = 0, done = 0, rc;

	/*
	 * TRUNCATE copies every frame into the database (whose freed
	 * content secure_delete has zeroed) and empties the -wal file, so
	 * no frame written before an erasure keeps its bytes.  It waits for
	 * readers and writers through the busy timeout.
	 */
	rc = sqlite3_wal_checkpoint_v2(st->db, NULL,
	    SQLITE_CHECKPOINT_TRUNCATE, &logged, &done);
	ckpt_note(rc);
	if (rc != SQLITE_OK) {
		store_err(st, "checkpoint the WAL after an erasure (it is "
		    "tried again after the next one)");
		return (-1);
	}
	return (0);
}

void
store_rollback(struct store *st)
{
	/* In a held transaction, all of it goes (no savepoints: SQLite
	 * would copy each page a savepoint changes to a journal of its own,
	 * which cost more than the commits saved: docs/performance.md). */
	if (st->held) {
		hold_lost(st);
		return;
	}
	if (!sqlite3_get_autocommit(st->db))
		(void)store_exec(st, "ROLLBACK");
	st->in_txn = false;
	if (st->step_err == SQLITE_ABORT_ROLLBACK)
		st->step_err = SQLITE_OK;
}

static int
store_version(struct store *st, int *v)
{
	sqlite3_stmt	*s = NULL;
	int		 rc = -1;

	if (sqlite3_prepare_v2(st->db, "PRAGMA user_version", -1, &s,
	    NULL) != SQLITE_OK || store_step(st, s) != STORE_ROW) {
		store_err(st, "read schema version");
		goto out;
	}
	*v = sqlite3_column_int(s, 0);
	rc = 0;
out:
	sqlite3_finalize(s);
	return (rc);
}

int
store_newer(const char *path)
{
	sqlite3		*db = NULL;
	sqlite3_stmt	*s = NULL;
	int		 v = 0;

	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) ==
	    SQLITE_OK && sqlite3_prepare_v2(db, "PRAGMA user_version", -1,
	    &s, NULL) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW)
		v = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	sqlite3_close(db);
	return (v > STORE_SCHEMA_VERSION);
}

/*
 * store_ours(st): whether the database is one this opora may open and
 * migrate, judged before anything is written to it (not even its journal
 * mode).  A schema version is opora's own count, from 0 (a new, empty
 * database) up; one newer than this program's, a negative one (which no
 * opora writes), or version 0 on a database that already holds tables
 * (another program's) is refused, the file left as it was; so is an
 * empty one unless create (init) says it is new.  0 / -1 (logged).
 */
static int
store_ours(struct store *st, bool create)
{
	sqlite3_stmt	*s = NULL;
	int		 v, rc = -1;

	if (store_version(st, &v) == -1)
		return (-1);
	if (v > STORE_SCHEMA_VERSION) {
		log_warnx("database %s has schema version %d, newer than this "
		    "opora understands (%d): upgrade opora", st->path, v,
		    STORE_SCHEMA_VERSION);
		return (-1);
	}
	if (v < 0) {
		log_warnx("database %s has schema version %d, which no opora "
		    "writes: it is not this node's database, or it is damaged "
		    "(restore it from a backup); it was left as it is",
		    st->path, v);
		return (-1);
	}
	if (v > 0)
		return (0);
	if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM sqlite_master",
	    -1, &s, NULL) != SQLITE_OK || store_step(st, s) != STORE_ROW) {
		store_err(st, "read the schema");
		goto out;
	}
	if (sqlite3_column_int64(s, 0) > 0) {
		log_warnx("database %s holds tables but no opora schema "
		    "version: it is another program's database, not this "
		    "node's; it was left as it is", st->path);
		goto out;
	}
	if (!create) {
		log_warnx("database %s is empty: the node's database was "
		    "emptied or replaced (restore it from a backup); it was "
		    "left as it is", st->path);
		goto out;
	}
	rc = 0;
out:
	sqlite3_finalize(s);
	return (rc);
}

static int
store_migrate(struct store *st)
{
	sqlite3_stmt	*s;
	char		 sql[64];
	int		 v, from, rc = -1;
	bool		 remake;

	/*
	 * Read first, without the write lock: a database at this version
	 * (nearly every open) needs none, and a command that only reads
	 * must not wait behind a serving node's pull, nor hold it up.
	 */
	if (store_version(st, &v) == -1)
		return (-1);
	if (v == STORE_SCHEMA_VERSION)
		return (0);
	/*
	 * A migration that makes a table again (MIGRATION_REMAKES) drops the
	 * old one, which other tables' foreign keys name: it runs with them
	 * off (the pragma does nothing inside a transaction), and every
	 * reference is checked before the commit.
	 */
	remake = v < MIGRATION_REMAKES + 1;
	if (remake && store_exec(st, "PRAGMA foreign_keys = OFF") == -1)
		return (-1);
	if (store_begin(st) == -1)
		goto out;
	if (store_version(st, &v) == -1)
		goto bad;
	/* Judged before the transaction (store_ours); again within it,
	 * since another command may have written it meanwhile. */
	if (v > STORE_SCHEMA_VERSION || v < 0) {
		log_warnx("database %s has schema version %d, which this opora "
		    "cannot open (it understands 0 to %d)", st->path, v,
		    STORE_SCHEMA_VERSION);
		goto bad;
	}
	for (from = v; v < STORE_SCHEMA_VERSION; v++) {
		if (v == MIGRATION_REMAKES && from > 0)
			log_info("database %s: making the log's table again "
			    "for schema %d (once; about 30 s a million changes)",
			    st->path, v + 1);
		if (store_exec(st, migrations[v]) == -1)
			goto bad;
		/* PRAGMA takes no parameters; v + 1 is our own integer. */
		snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", v + 1);
		if (store_exec(st, sql) == -1)
			goto bad;
	}
	if (remake) {
		if ((s = store_stmt(st, "PRAGMA foreign_key_check")) == NULL)
			goto bad;
		v = store_step(st, s);
		if (v == STORE_ROW)
			log_warnx("database %s: a row of table %s names a row "
			    "that is not there: restore from backup", st->path,
			    sqlite3_column_text(s, 0) != NULL ? (const char *)
			    sqlite3_column_text(s, 0) : "?");
		sqlite3_reset(s);
		if (v != STORE_DONE)
			goto bad;
	}
	rc = store_commit(st);
	goto out;
bad:
	store_rollback(st);
out:
	if (remake && store_exec(st, "PRAGMA foreign_keys = ON") == -1)
		rc = -1;
	return (rc);
}

/* The WAL checkpointed every STORE_CHECKPOINT_BYTES, whatever the
 * database's page size.  0 / -1 (logged). */
static int
checkpoint_every(struct store *st)
{
	sqlite3_stmt	*s;
	int64_t		 size = 0;

	if ((s = store_stmt(st, "PRAGMA page_size")) == NULL)
		return (-1);
	if (store_step(st, s) == STORE_ROW)
		size = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	if (size < 512) {
		store_err(st, "read the page size");
		return (-1);
	}
	st->ckpt_frames = (int)(STORE_CHECKPOINT_BYTES / size);
	/* SQLite's automatic checkpoint, its failures counted (a full
	 * disk: node/metrics.h). */
	ckpt_auto(st->db, st->ckpt_frames);
	return (0);
}

/*
 * The schema every database of this version has: the migrations run on an
 * empty database in memory, as store_migrate runs them on a new node's.
 * NULL (logged) when that fails.
 */
static sqlite3 *
schema_fresh(void)
{
	sqlite3	*db = NULL;
	int	 v;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
		log_warnx("schema: %s", db != NULL ? sqlite3_errmsg(db) :
		    "out of memory");
		sqlite3_close(db);
		return (NULL);
	}
	for (v = 0; v < STORE_SCHEMA_VERSION; v++)
		if (sqlite3_exec(db, migrations[v], NULL, NULL, NULL) !=
		    SQLITE_OK) {
			log_warnx("schema %d: %s", v + 1, sqlite3_errmsg(db));
			sqlite3_close(db);
			return (NULL);
		}
	return (db);
}

/*
 * Tables, triggers and views: what defines the data and acts on it.  Not
 * the indexes: one more or one fewer changes only a query's speed (a node
 * made at schema 4 by its release lacked rejected_id until schema 14,
 * and an admin may add one for a report of their own).
 */
static const char SQL_SCHEMA_ROWS[] =
    "SELECT type, name, ifnull(sql, '') FROM sqlite_schema"
    " WHERE type <> 'index' AND name NOT LIKE 'sqlite!_%' ESCAPE '!'"
    " ORDER BY type, name";

/* The next row of a SQL_SCHEMA_ROWS statement: 1, 0 at its end, -1. */
static int
schema_next(sqlite3_stmt *s)
{
	int	 r = sqlite3_step(s);

	return (r == SQLITE_ROW ? 1 : r == SQLITE_DONE ? 0 : -1);
}

/* The text of column k of s, "" for NULL. */
static const char *
schema_col(sqlite3_stmt *s, int k)
{
	const char	*t = (const char *)sqlite3_column_text(s, k);

	return (t != NULL ? t : "");
}

static int
schema_cmp(sqlite3_stmt *a, sqlite3_stmt *b)
{
	int	 c;

	if ((c = strcmp(schema_col(a, 0), schema_col(b, 0))) != 0)
		return (c);
	return (strcmp(schema_col(a, 1), schema_col(b, 1)));
}

/* Tell fn of a difference: the schema object of s, and what is wrong. */
static int
schema_say(store_text_fn fn, void *arg, sqlite3_stmt *s, const char *what)
{
	char		 msg[512];
	const char	*col[1] = { msg };

	snprintf(msg, sizeof(msg), "%s %s %s", schema_col(s, 0),
	    schema_col(s, 1), what);
	return (fn(col, arg));
}

int
store_schema_each(struct store *st, store_text_fn fn, void *arg)
{
	sqlite3		*fresh;
	sqlite3_stmt	*a = NULL, *b = NULL;
	int		 ra, rb, c, rc = -1;

	if ((fresh = schema_fresh()) == NULL)
		return (-1);
	if (sqlite3_prepare_v2(st->db, SQL_SCHEMA_ROWS, -1, &a, NULL) !=
	    SQLITE_OK || sqlite3_prepare_v2(fresh, SQL_SCHEMA_ROWS, -1, &b,
	    NULL) != SQLITE_OK) {
		store_err(st, "read the schema");
		goto out;
	}
	ra = schema_next(a);
	rb = schema_next(b);
	while ((ra == 1 || rb == 1) && ra != -1 && rb != -1) {
		c = ra != 1 ? 1 : rb != 1 ? -1 : schema_cmp(a, b);
		if (c < 0) {
			if (schema_say(fn, arg, a, "is not one this opora "
			    "makes") != 0)
				goto out;
			ra = schema_next(a);
		} else if (c > 0) {
			if (schema_say(fn, arg, b, "is missing") != 0)
				goto out;
			rb = schema_next(b);
		} else {
			if (strcmp(schema_col(a, 2), schema_col(b, 2)) != 0 &&
			    schema_say(fn, arg, a, "is not as this opora "
			    "makes it") != 0)
				goto out;
			ra = schema_next(a);
			rb = schema_next(b);
		}
	}
	if (ra == -1 || rb == -1)
		store_err(st, "read the schema");
	else
		rc = 0;
out:
	sqlite3_finalize(a);
	sqlite3_finalize(b);
	sqlite3_close(fresh);
	return (rc);
}

struct store *
store_open(const char *path, bool create)
{
	struct store	*st;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;

	if (create)
		flags |= SQLITE_OPEN_CREATE;
	if ((st = calloc(1, sizeof(*st))) == NULL ||
	    (st->path = strdup(path)) == NULL) {
		log_warn("open database");
		free(st);
		return (NULL);
	}
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		store_err(st, "open");
		goto bad;
	}
	sqlite3_extended_result_codes(st->db, 1);
	if (sqlite3_busy_timeout(st->db, STORE_BUSY_MS) != SQLITE_OK ||
	    store_ours(st, create) == -1 ||
	    store_exec(st, "PRAGMA journal_mode = WAL") == -1 ||
	    store_exec(st, "PRAGMA synchronous = FULL") == -1 ||
	    store_exec(st, "PRAGMA foreign_keys = ON") == -1 ||
	    /* What is deleted is overwritten with zeros: an erased dossier
	     * leaves no byte in a free page or a cell (docs/privacy.md). */
	    store_exec(st, "PRAGMA secure_delete = ON") == -1 ||
	    store_exec(st, "PRAGMA cache_size = -" STORE_CACHE_KIB) == -1 ||
	    checkpoint_every(st) == -1 ||
	    store_migrate(st) == -1)
		goto bad;
	return (st);
bad:
	store_close(st);
	return (NULL);
}

void
store_close(struct store *st)
{
	int	 i;

	if (st == NULL)
		return;
	ckpt_stop(st->ck);
	for (i = 0; i < st->nstmts; i++)
		sqlite3_finalize(st->stmts[i].stmt);
	free(st->stmts);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		store_err(st, "close");
	free(st->path);
	free(st);
}

sqlite3 *
store_db(struct store *st)
{
	return (st->db);
}

sqlite3_stmt *
store_stmt(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	int		 i;

	st->step_logged = 0;
	for (i = 0; i < st->nstmts; i++)
		if (st->stmts[i].sql == sql) {
			s = st->stmts[i].stmt;
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return (s);
		}
	if (sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s,
	    NULL) != SQLITE_OK) {
		store_err(st, "prepare");
		return (NULL);
	}
	/* As many as the program has statements (a few hundred): the
	 * cache grows, it never refuses one. */
	if (st->nstmts == st->capstmts) {
		struct store_stmt	*nv;
		int			 cap = st->capstmts ? 2 * st->capstmts :
					    64;

		if ((nv = reallocarray(st->stmts, (size_t)cap,
		    sizeof(*nv))) == NULL) {
			sqlite3_finalize(s);
			log_oom_note();
			log_warnx("store: out of memory");
			return (NULL);
		}
		st->stmts = nv;
		st->capstmts = cap;
	}
	st->stmts[st->nstmts].sql = sql;
	st->stmts[st->nstmts++].stmt = s;
	return (s);
}

static const char SQL_META_GET[] = "SELECT v FROM meta WHERE k = ?";
static const char SQL_META_SET[] =
    "INSERT INTO meta (k, v) VALUES (?, ?) "
    "ON CONFLICT (k) DO UPDATE SET v = excluded.v";

int
store_meta_get(struct store *st, const char *k, char *out, size_t outsz)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_META_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC) != SQLITE_OK)
		goto err;
	switch (store_step(st, s)) {
	case STORE_ROW:
		v = (const char *)sqlite3_column_text(s, 0);
		if (v == NULL || strlen(v) >= outsz) {
			log_warnx("database %s: meta %s is too long", st->path,
			    k);
			goto out;
		}
		memcpy(out, v, strlen(v) + 1);
		rc = 0;
		goto out;
	case STORE_DONE:
		rc = 1;
		goto out;
	default:
		goto err;
	}
err:
	store_err(st, "read meta");
out:
	sqlite3_reset(s);
	return (rc);
}

int
store_meta_set(struct store *st, const char *k, const char *v)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_META_SET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "write meta");
	else
		rc = 0;
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_META_RAISE[] =
    "INSERT INTO meta (k, v) VALUES (?1, ?2) "
    "ON CONFLICT (k) DO UPDATE SET v = excluded.v WHERE excluded.v > meta.v";

int
store_meta_raise(struct store *st, const char *k, const char *v)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_META_RAISE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, k, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, v, -1, SQLITE_STATIC) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "write meta");
	else
		rc = 0;
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_KEY_PUT[] =
    "INSERT INTO keys (key_id, region, pub, added) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (key_id) DO NOTHING";
static const char SQL_KEY_GET[] =
    "SELECT region, pub, revoked OR revoked_since IS NOT NULL OR NOT trusted"
    " FROM keys WHERE key_id = ?";

int
store_key_put(struct store *st, const char *key_id, const char *region,
    const uint8_t pub[SIG_PUB_LEN])
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_KEY_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, pub, SIG_PUB_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, 4, (sqlite3_int64)time(NULL)) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "store key");
	else
		rc = 0;
	sqlite3_reset(s);
	return (rc);
}

int
store_key_get(struct store *st, const char *key_id, char region[16],
    uint8_t pub[SIG_PUB_LEN], bool *revoked)
{
	sqlite3_stmt	*s;
	const char	*r;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_KEY_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto err;
	switch (store_step(st, s)) {
	case STORE_DONE:
		rc = 1;
		goto out;
	case STORE_ROW:
		break;
	default:
		goto err;
	}
	r = (const char *)sqlite3_column_text(s, 0);
	if (r == NULL || strlen(r) >= 16 ||
	    sqlite3_column_bytes(s, 1) != SIG_PUB_LEN) {
		log_warnx("database %s: key %s is damaged", st->path, key_id);
		goto out;
	}
	memcpy(region, r, strlen(r) + 1);
	memcpy(pub, sqlite3_column_blob(s, 1), SIG_PUB_LEN);
	if (revoked != NULL)
		*revoked = sqlite3_column_int(s, 2) != 0;
	rc = 0;
	goto out;
err:
	store_err(st, "read key");
out:
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_CHANGE_HAS[] =
    "SELECT 1 FROM changes WHERE " STORE_ID_IS("id", "?1");
static const char SQL_CHANGE_PUT[] =
    "INSERT INTO changes (id, dossier, hlc, key_id, region, bytes, sig,"
    " received) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    /* Stored already: the trigger changes_once ignores the row, no row
     * changed (and no other trigger run), which store_change_put reads
     * as "already here". */
static const char SQL_PARENT_PUT[] =
    "INSERT INTO parents (child, parent) VALUES (?, ?)";
static const char SQL_HEAD_DEL[] =
    "DELETE FROM heads WHERE dossier = ? AND id = ?";
static const char SQL_HEAD_PUT[] =
    "INSERT INTO heads (dossier, id) VALUES (?, ?)";

/* A root: the one change of the dossier that names no parent.  (An offer
 * held as a summary, and what this node wrote about it, name parents this
 * node does not hold: node/offer.h.) */
static const char SQL_HAS_DOSSIER[] =
    "SELECT 1 FROM changes c WHERE c.dossier = ? AND NOT EXISTS"
    " (SELECT 1 FROM parents p WHERE p.child = c.seq) LIMIT 1";

int
store_has_dossier(struct store *st, const char *id)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_HAS_DOSSIER)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	r = store_step(st, s);
	sqlite3_reset(s);
	if (r == STORE_ROW)
		return (1);
	if (r == STORE_DONE)
		return (0);
	store_err(st, "look up dossier");
	return (-1);
}

int
store_change_has(struct store *st, const char *id)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_CHANGE_HAS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto err;
	switch (store_step(st, s)) {
	case STORE_ROW:
		rc = 1;
		goto out;
	case STORE_DONE:
		rc = 0;
		goto out;
	default:
		break;
	}
err:
	store_err(st, "look up change");
out:
	sqlite3_reset(s);
	return (rc);
}

/* Run a cached two-text-parameter statement that returns nothing. */
static int
store_run2(struct store *st, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, a, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, b, -1, SQLITE_STATIC) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "write log");
	else
		rc = 0;
	sqlite3_reset(s);
	return (rc);
}

int
store_change_put(struct store *st, const struct change *c, const void *bytes,
    size_t len, const uint8_t sig[SIG_LEN])
{
	sqlite3_stmt	*s;
	struct timespec	 ts;
	char		 hlc[17];
	sqlite3_int64	 seq;
	size_t		 i;

	/* One look-up of the id, the insert's own (a million random keys:
	 * a page read from the file for most). */
	if ((s = store_stmt(st, SQL_CHANGE_PUT)) == NULL)
		return (-1);
	hlc_format(c->hlc, hlc);
	clock_gettime(CLOCK_REALTIME, &ts);
	if (sqlite3_bind_text(s, 1, c->id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, c->dossier, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 3, hlc, -1, SQLITE_TRANSIENT) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, c->key, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 5, c->region, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 6, bytes, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 7, sig, SIG_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 8, (sqlite3_int64)ts.tv_sec * 1000 +
	    ts.tv_nsec / 1000000) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE) {
		store_err(st, "append change");
		sqlite3_reset(s);
		return (-1);
	}
	sqlite3_reset(s);
	if (sqlite3_changes(st->db) == 0)
		return (1);
	seq = sqlite3_last_insert_rowid(st->db);
	for (i = 0; i < c->nparents; i++) {
		if ((s = store_stmt(st, SQL_PARENT_PUT)) == NULL)
			return (-1);
		if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK ||
		    sqlite3_bind_text(s, 2, c->parents[i], -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    store_step(st, s) != STORE_DONE) {
			store_err(st, "append parent link");
			sqlite3_reset(s);
			return (-1);
		}
		sqlite3_reset(s);
		if (store_run2(st, SQL_HEAD_DEL, c->dossier,
		    c->parents[i]) == -1)
			return (-1);
	}
	return (store_run2(st, SQL_HEAD_PUT, c->dossier, c->id));
}

static const char SQL_HEADS[] =
    "SELECT id FROM heads WHERE dossier = ? ORDER BY id";

int
store_heads(struct store *st, const char *dossier,
    char (**out)[CHANGE_ID_HEX + 1], size_t *n)
{
	sqlite3_stmt	*s;
	char		(*v)[CHANGE_ID_HEX + 1] = NULL, (*nv)[CHANGE_ID_HEX + 1];
	const char	*id;
	size_t		 cnt = 0, cap = 0;
	int		 r, rc = -1;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, SQL_HEADS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC) != SQLITE_OK)
		goto err;
	while ((r = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		if (id == NULL || strlen(id) != CHANGE_ID_HEX)
			continue;
		if (cnt == cap) {
			cap = cap ? cap * 2 : 4;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				log_warn("heads");
				goto out;
			}
			v = nv;
		}
		memcpy(v[cnt++], id, CHANGE_ID_HEX + 1);
	}
	if (r != STORE_DONE)
		goto err;
	*out = v;
	*n = cnt;
	v = NULL;
	rc = 0;
	goto out;
err:
	store_err(st, "read heads");
out:
	free(v);
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_EACH_DOSSIER[] =
    "SELECT seq, id, dossier, bytes, sig, hlc, key_id, region FROM changes"
    " WHERE dossier = ? ORDER BY hlc, key_id, id";
static const char SQL_EACH_ALL[] =
    "SELECT seq, id, dossier, bytes, sig, hlc, key_id, region FROM changes"
    " ORDER BY seq";

/* A change read by "SELECT seq, id, dossier, bytes, sig[, hlc, key_id,
 * region]": 0, or -1 when its id or dossier is missing (damage). */
static int
row_of(sqlite3_stmt *s, struct store_row *row)
{
	bool	 copied = sqlite3_column_count(s) >= 8;

	row->hlc = copied ? (const char *)sqlite3_column_text(s, 5) : NULL;
	row->key_id = copied ? (const char *)sqlite3_column_text(s, 6) :
	    NULL;
	row->region = copied ? (const char *)sqlite3_column_text(s, 7) :
	    NULL;
	row->seq = sqlite3_column_int64(s, 0);
	row->id = (const char *)sqlite3_column_text(s, 1);
	row->dossier = (const char *)sqlite3_column_text(s, 2);
	row->bytes = sqlite3_column_blob(s, 3);
	row->len = (size_t)sqlite3_column_bytes(s, 3);
	row->sig = sqlite3_column_blob(s, 4);
	row->siglen = (size_t)sqlite3_column_bytes(s, 4);
	return (row->id != NULL && row->dossier != NULL ? 0 : -1);
}

int
store_each_change(struct store *st, const char *dossier, store_row_fn fn,
    void *arg)
{
	sqlite3_stmt		*s;
	struct store_row	 row;
	int			 r, rc = 0;

	/* Not cached: an iteration may nest inside another's callback. */
	if (sqlite3_prepare_v2(st->db, dossier != NULL ? SQL_EACH_DOSSIER :
	    SQL_EACH_ALL, -1, &s, NULL) != SQLITE_OK) {
		store_err(st, "prepare");
		return (-1);
	}
	if (dossier != NULL && sqlite3_bind_text(s, 1, dossier, -1,
	    SQLITE_STATIC) != SQLITE_OK)
		goto err;
	while ((r = store_step(st, s)) == STORE_ROW) {
		if (row_of(s, &row) == -1)
			continue;
		if ((rc = fn(&row, arg)) != 0)
			goto out;
	}
	if (r == STORE_DONE)
		goto out;
err:
	store_err(st, "read log");
	rc = -1;
out:
	sqlite3_finalize(s);
	return (rc);
}

static const char SQL_CHANGE_BYTES[] =
    "SELECT seq, id, dossier, bytes, sig FROM changes WHERE "
    STORE_ID_IS("id", "?1");

int
store_change_bytes(struct store *st, const char *id, store_row_fn fn,
    void *arg)
{
	sqlite3_stmt		*s;
	struct store_row	 row;
	int			 r, rc;

	if ((s = store_stmt(st, SQL_CHANGE_BYTES)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((r = store_step(st, s)) == STORE_ROW)
		rc = row_of(s, &row) == 0 ? fn(&row, arg) : -1;
	else if (r == STORE_DONE)
		rc = 1;
	else {
		store_err(st, "read a change");
		rc = -1;
	}
	sqlite3_reset(s);
	return (rc);
}

int64_t
store_count(struct store *st, const char *sql)
{
	sqlite3_stmt	*s;
	int64_t		 n = -1;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	else
		store_err(st, "count");
	sqlite3_reset(s);
	return (n);
}

static const char SQL_RESEARCHER_BY_PIN[] =
    "SELECT name FROM researchers WHERE pin = ?1 AND revoked = 0";
static const char SQL_DATA_VERSION[] = "PRAGMA data_version";

int
store_researcher_by_pin(struct store *st, const char *pin, char *name,
    size_t namesz)
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_RESEARCHER_BY_PIN)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, pin, -1, SQLITE_STATIC);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (r == STORE_ROW) {
		if ((v = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(v) < namesz) {
			memcpy(name, v, strlen(v) + 1);
			rc = 0;
		} else
			rc = 1;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int64_t
store_data_version(struct store *st)
{
	return (store_count(st, SQL_DATA_VERSION));
}

static const char SQL_SNAPSHOTS_AFTER[] =
    "SELECT seq, bytes, sig FROM snapshots WHERE seq > ?1 AND region = ?2"
    " ORDER BY seq LIMIT ?3";

int
store_snapshot_each(struct store *st, const char *region, int64_t since,
    int max, store_snapshot_fn fn, void *arg)
{
	sqlite3_stmt			*s;
	struct store_snapshot_row	 row;
	int				 r, rc = 0;

	if ((s = store_stmt(st, SQL_SNAPSHOTS_AFTER)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, since);
	sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC);
	sqlite3_bind_int(s, 3, max);
	while ((r = store_step(st, s)) == STORE_ROW) {
		row.seq = sqlite3_column_int64(s, 0);
		row.bytes = sqlite3_column_blob(s, 1);
		row.len = (size_t)sqlite3_column_bytes(s, 1);
		row.sig = sqlite3_column_bytes(s, 2) == SIG_LEN ?
		    sqlite3_column_blob(s, 2) : NULL;
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static const char *const SQL_PREFIX[] = {
	[STORE_PREFIX_DOSSIER] = "SELECT dossier, dossier FROM persons"
	    " WHERE dossier >= ?1 AND dossier < ?1 || '~' ORDER BY dossier"
	    " LIMIT 2",
	[STORE_PREFIX_CONFLICT] = "SELECT id, dossier FROM conflicts"
	    " WHERE id >= ?1 AND id < ?1 || '~' ORDER BY id LIMIT 100",
	[STORE_PREFIX_TRANSFER] = "SELECT id, dossier FROM transfers"
	    " WHERE id >= ?1 AND id < ?1 || '~' ORDER BY id LIMIT 100",
};

int
store_prefix_each(struct store *st, enum store_prefix what,
    const char *prefix, store_prefix_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*id, *dossier;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_PREFIX[what])) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, prefix, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		dossier = (const char *)sqlite3_column_text(s, 1);
		if (id == NULL || dossier == NULL)
			continue;
		if ((rc = fn(id, dossier, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

#define CONFLICT_COLS \
    "c.id, c.dossier, p.surname, p.name, c.field, c.value, c.region," \
    " c.user, c.hlc, c.winner, c.winner_value, c.winner_region," \
    " c.winner_user, c.winner_hlc, c.state, c.closed_by, c.closed"
static const char SQL_CONFLICTS[] =
    "SELECT " CONFLICT_COLS " FROM conflicts c JOIN persons p USING (dossier)"
    " WHERE ?1 OR c.state = 'open' ORDER BY c.hlc, c.id";
static const char SQL_CONFLICT_ONE[] =
    "SELECT " CONFLICT_COLS " FROM conflicts c JOIN persons p USING (dossier)"
    " WHERE c.id = ?1";

/* Hand each row of s, bound, to fn as its columns' texts. */
static int
conflict_rows(struct store *st, sqlite3_stmt *s, store_conflict_fn fn,
    void *arg)
{
	const char	*col[STORE_CONFLICT_NCOL];
	int		 i, r, rc = 0;

	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < STORE_CONFLICT_NCOL; i++)
			col[i] = (const char *)sqlite3_column_text(s, i);
		if ((rc = fn(col, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_conflict_each(struct store *st, bool all, store_conflict_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_CONFLICTS)) == NULL)
		return (-1);
	sqlite3_bind_int(s, 1, all);
	return (conflict_rows(st, s, fn, arg));
}

/* Whether conflict_rows saw a row. */
struct conflict_one {
	store_conflict_fn	 fn;
	void			*arg;
	bool			 seen;
};

static int
conflict_one(const char *const *col, void *arg)
{
	struct conflict_one	*o = arg;

	o->seen = true;
	return (o->fn(col, o->arg));
}

int
store_conflict_get(struct store *st, const char *id, store_conflict_fn fn,
    void *arg)
{
	sqlite3_stmt		*s;
	struct conflict_one	 o = { fn, arg, false };
	int			 rc;

	if ((s = store_stmt(st, SQL_CONFLICT_ONE)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((rc = conflict_rows(st, s, conflict_one, &o)) != 0)
		return (rc);
	return (o.seen ? 0 : 1);
}

static const char SQL_PERSONS[] =
    "SELECT dossier, surname, name, patronymic, birth_date, custodian,"
    " (SELECT count(*) FROM events e WHERE e.dossier = p.dossier"
    "  AND e.retracted = '0')"
    " FROM persons p ORDER BY surname_fold, name, birth_date, dossier";
static const char SQL_PERSONS_FIND[] =
    "SELECT dossier, surname, name, patronymic, birth_date, custodian,"
    " (SELECT count(*) FROM events e WHERE e.dossier = p.dossier"
    "  AND e.retracted = '0')"
    " FROM persons p WHERE (?1 IS NULL OR snils = ?1)"
    " AND (?2 IS NULL OR surname_fold = ?2)"
    " AND (?3 IS NULL OR birth_date = ?3)"
    " ORDER BY surname_fold, name, birth_date, dossier";

/*
 * The searches of store_person_find, one per criterion that leads, so that
 * SQLite walks that criterion's index (a condition "?1 IS NULL OR ..." is
 * never one it can use); the others filter what it finds.  ?7 is the
 * dossier a page begins after: persons come in the order of the index
 * persons_order, and the rows after a person are those whose key in it
 * is greater; with no criterion (list) that is a seek in persons_order,
 * so that a page costs the same wherever it begins.  A person's events are
 * counted (SQL_PERSON_EVENTS) only when the walk reaches it: in the
 * statement, SQLite would count them for every person it sorts.
 */
#define SQL_PERSON_COLS \
    "SELECT dossier, surname, name, patronymic, birth_date, custodian"
static const char SQL_PERSON_EVENTS[] =
    "SELECT count(*) FROM events WHERE dossier = ?1 AND retracted = '0'";
#define SQL_PERSON_KEY	"(surname_fold, name, birth_date, dossier)"
#define SQL_PERSON_AFTER \
    SQL_PERSON_KEY " > (SELECT surname_fold, name, birth_date, dossier" \
    " FROM persons WHERE dossier = ?7)"
#define SQL_PERSON_ORDER " ORDER BY surname_fold, name, birth_date, dossier"
#define SQL_FIND_TAIL \
    " AND (?1 IS NULL OR snils = ?1)" \
    " AND (?2 IS NULL OR (surname_fold >= ?2 AND surname_fold < ?3))" \
    " AND (?4 IS NULL OR birth_date = ?4)" \
    " AND (?5 IS NULL OR (name_fold >= ?5 AND name_fold < ?6))" \
    " AND (?7 IS NULL OR " SQL_PERSON_AFTER ")"
#define SQL_LEAD_SNILS		"snils = ?1"
#define SQL_LEAD_SURNAME	"surname_fold >= ?2 AND surname_fold < ?3"
#define SQL_LEAD_NAME		"name_fold >= ?5 AND name_fold < ?6"
#define SQL_LEAD_BIRTH		"birth_date = ?4"
#define SQL_FIND(cols, lead, order) \
    cols " FROM persons p WHERE " lead SQL_FIND_TAIL order
static const char SQL_FIND_SNILS[] = SQL_FIND(SQL_PERSON_COLS,
    SQL_LEAD_SNILS, SQL_PERSON_ORDER);
static const char SQL_FIND_SURNAME[] = SQL_FIND(SQL_PERSON_COLS,
    SQL_LEAD_SURNAME, SQL_PERSON_ORDER);
static const char SQL_FIND_NAME[] = SQL_FIND(SQL_PERSON_COLS,
    SQL_LEAD_NAME, SQL_PERSON_ORDER);
static const char SQL_FIND_BIRTH[] = SQL_FIND(SQL_PERSON_COLS,
    SQL_LEAD_BIRTH, SQL_PERSON_ORDER);
/*
 * A search whose lead matches many persons (a common first name, a short
 * prefix of a surname, a birth date) walks persons_order instead and
 * filters: sorting every match to show the first page read each matching
 * row (at 20,000 persons named Анна, 2,000 pages read into the cache).
 * Walked in order, a page ends after its rows are found.  PERSON_BROAD
 * matches make a lead broad: then the walk reads about persons / matches
 * rows a row shown, and never more than the table.
 */
#define PERSON_BROAD	1000
#define PERSON_STR(n)	PERSON_STR1(n)
#define PERSON_STR1(n)	#n
#define SQL_SPAN(lead) \
    "SELECT count(*) FROM (SELECT 1 FROM persons WHERE " lead \
    " LIMIT " PERSON_STR(PERSON_BROAD) ")"
static const char SQL_SPAN_SURNAME[] = SQL_SPAN(SQL_LEAD_SURNAME);
static const char SQL_SPAN_NAME[] = SQL_SPAN(SQL_LEAD_NAME);
static const char SQL_SPAN_BIRTH[] = SQL_SPAN(SQL_LEAD_BIRTH);
/* What follows a page of a broad search, as all its matches (the lead's
 * index alone) less those up to the page's last person (persons_order
 * walked to it, which a first page reaches at once): counted directly,
 * every match after it has its row read. */
#define SQL_UPTO(lead) \
    "SELECT count(*) FROM persons p INDEXED BY persons_order WHERE " \
    SQL_PERSON_KEY " <= (SELECT surname_fold, name, birth_date, dossier" \
    " FROM persons WHERE dossier = ?7) AND " lead
static const char SQL_ALL_SURNAME[] = "SELECT count(*) FROM persons WHERE "
    SQL_LEAD_SURNAME;
static const char SQL_ALL_NAME[] = "SELECT count(*) FROM persons WHERE "
    SQL_LEAD_NAME;
static const char SQL_ALL_BIRTH[] = "SELECT count(*) FROM persons WHERE "
    SQL_LEAD_BIRTH;
static const char SQL_UPTO_SURNAME[] = SQL_UPTO(SQL_LEAD_SURNAME);
static const char SQL_UPTO_NAME[] = SQL_UPTO(SQL_LEAD_NAME);
static const char SQL_UPTO_BIRTH[] = SQL_UPTO(SQL_LEAD_BIRTH);
static const char SQL_FIND_WALK[] = SQL_PERSON_COLS
    " FROM persons p INDEXED BY persons_order WHERE 1" SQL_FIND_TAIL
    SQL_PERSON_ORDER;
static const char SQL_PERSONS_AFTER[] = SQL_PERSON_COLS
    " FROM persons p WHERE " SQL_PERSON_AFTER SQL_PERSON_ORDER;
static const char SQL_PERSONS_ALL[] = SQL_PERSON_COLS
    " FROM persons p" SQL_PERSON_ORDER;
/* How many persons a search finds (store_person_count). */
#define SQL_COUNT_COLS	"SELECT count(*)"
static const char SQL_COUNT_SNILS[] = SQL_FIND(SQL_COUNT_COLS,
    SQL_LEAD_SNILS, "");
static const char SQL_COUNT_SURNAME[] = SQL_FIND(SQL_COUNT_COLS,
    SQL_LEAD_SURNAME, "");
static const char SQL_COUNT_NAME[] = SQL_FIND(SQL_COUNT_COLS,
    SQL_LEAD_NAME, "");
static const char SQL_COUNT_BIRTH[] = SQL_FIND(SQL_COUNT_COLS,
    SQL_LEAD_BIRTH, "");
static const char SQL_COUNT_AFTER[] = SQL_COUNT_COLS
    " FROM persons p WHERE " SQL_PERSON_AFTER;
static const char SQL_COUNT_ALL[] = SQL_COUNT_COLS " FROM persons";
static const char SQL_PERSON_KNOWN[] =
    "SELECT 1 FROM persons WHERE dossier = ?1";

/* The longest folded name (fields_name_fold of LIMIT_NAME bytes). */
#define STORE_FOLD_MAX	(2 * LIMIT_NAME)

/* A folded prefix's upper bound: the prefix and a byte 0xff, which no
 * UTF-8 text holds, so every text beginning with it sorts below. */
static int
bind_prefix(sqlite3_stmt *s, int i, const char *prefix, char *hi,
    size_t hisz)
{
	size_t	 len;

	if (prefix == NULL)
		return (SQLITE_OK);
	len = strlen(prefix);
	if (len + 2 > hisz)
		return (SQLITE_TOOBIG);
	memcpy(hi, prefix, len);
	hi[len] = (char)0xff;
	hi[len + 1] = '\0';
	if (sqlite3_bind_text(s, i, prefix, -1, SQLITE_STATIC) != SQLITE_OK)
		return (SQLITE_ERROR);
	return (sqlite3_bind_text(s, i + 1, hi, (int)len + 1, SQLITE_STATIC));
}

/*
 * lead_count(st, sql, q, hs, hn, n): statement sql, a count of the
 * persons the criterion that leads q (not a SNILS) matches, with q's
 * after as ?7 if it names one, into *n.  0 / -1 (logged).
 */
static int
lead_count(struct store *st, const char *sql,
    const struct store_person_query *q, char hs[STORE_FOLD_MAX + 2],
    char hn[STORE_FOLD_MAX + 2], int64_t *n)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (q->surname != NULL)
		r = bind_prefix(s, 2, q->surname, hs, STORE_FOLD_MAX + 2);
	else if (q->name != NULL)
		r = bind_prefix(s, 5, q->name, hn, STORE_FOLD_MAX + 2);
	else
		r = sqlite3_bind_text(s, 4, q->birth, -1, SQLITE_STATIC);
	if (r == SQLITE_OK && sqlite3_bind_parameter_count(s) == 7)
		r = sqlite3_bind_text(s, 7, q->after, -1, SQLITE_STATIC);
	if (r != SQLITE_OK) {
		store_err(st, "find persons");
		r = STORE_ERR;
	} else if ((r = store_step(st, s)) == STORE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 0 : -1);
}

/*
 * person_broad(st, q, hs, hn): 1 when the criterion that leads q (not a
 * SNILS) matches PERSON_BROAD persons or more, 0 when fewer, -1 (logged).
 */
static int
person_broad(struct store *st, const struct store_person_query *q,
    char hs[STORE_FOLD_MAX + 2], char hn[STORE_FOLD_MAX + 2])
{
	int64_t	 n;

	if (q->snils != NULL || (q->surname == NULL && q->name == NULL &&
	    q->birth == NULL))
		return (0);
	if (lead_count(st, q->surname != NULL ? SQL_SPAN_SURNAME :
	    q->name != NULL ? SQL_SPAN_NAME : SQL_SPAN_BIRTH, q, hs, hn,
	    &n) == -1)
		return (-1);
	return (n >= PERSON_BROAD);
}

/*
 * person_query(st, q, count, hs, hn): the statement of a search (or of its
 * count), with q bound (hs and hn hold the prefixes' upper bounds while
 * it runs), or NULL (logged).
 */
static sqlite3_stmt *
person_query(struct store *st, const struct store_person_query *q,
    bool count, char hs[STORE_FOLD_MAX + 2], char hn[STORE_FOLD_MAX + 2])
{
	sqlite3_stmt	*s;
	const char	*sql;
	bool		 lead;
	int		 broad;

	lead = q->snils != NULL || q->surname != NULL || q->name != NULL ||
	    q->birth != NULL;
	if (count)
		sql = q->snils != NULL ? SQL_COUNT_SNILS : q->surname != NULL ?
		    SQL_COUNT_SURNAME : q->name != NULL ? SQL_COUNT_NAME :
		    q->birth != NULL ? SQL_COUNT_BIRTH : q->after != NULL ?
		    SQL_COUNT_AFTER : SQL_COUNT_ALL;
	else if ((broad = person_broad(st, q, hs, hn)) == -1)
		return (NULL);
	else if (broad)
		sql = SQL_FIND_WALK;
	else
		sql = q->snils != NULL ? SQL_FIND_SNILS : q->surname != NULL ?
		    SQL_FIND_SURNAME : q->name != NULL ? SQL_FIND_NAME :
		    q->birth != NULL ? SQL_FIND_BIRTH : q->after != NULL ?
		    SQL_PERSONS_AFTER : SQL_PERSONS_ALL;
	if ((s = store_stmt(st, sql)) == NULL)
		return (NULL);
	if (lead && ((q->snils != NULL && sqlite3_bind_text(s, 1, q->snils,
	    -1, SQLITE_STATIC) != SQLITE_OK) ||
	    bind_prefix(s, 2, q->surname, hs, STORE_FOLD_MAX + 2) !=
	    SQLITE_OK ||
	    (q->birth != NULL && sqlite3_bind_text(s, 4, q->birth, -1,
	    SQLITE_STATIC) != SQLITE_OK) ||
	    bind_prefix(s, 5, q->name, hn, STORE_FOLD_MAX + 2) != SQLITE_OK))
		goto fail;
	if (q->after != NULL && sqlite3_bind_text(s, 7, q->after, -1,
	    SQLITE_STATIC) != SQLITE_OK)
		goto fail;
	return (s);
fail:
	store_err(st, "find persons");
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (NULL);
}

int
store_person_count(struct store *st, const struct store_person_query *q,
    int64_t *n)
{
	sqlite3_stmt	*s;
	char		 hs[STORE_FOLD_MAX + 2], hn[STORE_FOLD_MAX + 2];
	int		 r;

	int64_t		 all, upto;

	/* A page of a broad search by one criterion: all its matches less
	 * those up to the page (SQL_UPTO). */
	if (q->after != NULL && q->snils == NULL && (q->surname != NULL) +
	    (q->name != NULL) + (q->birth != NULL) == 1) {
		if ((r = person_broad(st, q, hs, hn)) == -1 ||
		    (r == 1 && (r = store_person_known(st, q->after)) == -1))
			return (-1);
		if (r == 1) {
			if (lead_count(st, q->surname != NULL ?
			    SQL_ALL_SURNAME : q->name != NULL ? SQL_ALL_NAME :
			    SQL_ALL_BIRTH, q, hs, hn, &all) == -1 ||
			    lead_count(st, q->surname != NULL ?
			    SQL_UPTO_SURNAME : q->name != NULL ?
			    SQL_UPTO_NAME : SQL_UPTO_BIRTH, q, hs, hn,
			    &upto) == -1)
				return (-1);
			*n = all - upto;
			return (0);
		}
	}
	if ((s = person_query(st, q, true, hs, hn)) == NULL)
		return (-1);
	if ((r = store_step(st, s)) == STORE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 0 : -1);
}

int
store_person_known(struct store *st, const char *id)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_PERSON_KNOWN)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_err(st, "find a person");
		r = -1;
	} else
		r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 1 : r == STORE_DONE ? 0 : -1);
}

/* person_events(st, id, n): the events of dossier id not retracted, into
 * *n.  0 / -1 (logged). */
static int
person_events(struct store *st, const char *id, int64_t *n)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_PERSON_EVENTS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
		store_err(st, "count events");
		r = -1;
	} else if ((r = store_step(st, s)) == STORE_ROW)
		*n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 0 : -1);
}

int
store_person_find(struct store *st, const struct store_person_query *q,
    store_person_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*col[STORE_PERSON_NCOL];
	char		 hs[STORE_FOLD_MAX + 2], hn[STORE_FOLD_MAX + 2];
	int64_t		 events = 0;
	int		 i, r, rc = 0;

	if ((s = person_query(st, q, false, hs, hn)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < STORE_PERSON_NCOL; i++)
			col[i] = (const char *)sqlite3_column_text(s, i);
		if (col[0] != NULL && person_events(st, col[0], &events) ==
		    -1) {
			rc = -1;
			break;
		}
		if ((rc = fn(col, events, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_person_each(struct store *st, bool all, const char *snils,
    const char *surname_fold, const char *birth, store_person_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	const char	*col[STORE_PERSON_NCOL];
	int		 i, r, rc = 0;

	if ((s = store_stmt(st, all ? SQL_PERSONS : SQL_PERSONS_FIND)) ==
	    NULL)
		return (-1);
	if (!all && ((snils != NULL && sqlite3_bind_text(s, 1, snils, -1,
	    SQLITE_STATIC) != SQLITE_OK) || (surname_fold != NULL &&
	    sqlite3_bind_text(s, 2, surname_fold, -1, SQLITE_STATIC) !=
	    SQLITE_OK) || (birth != NULL && sqlite3_bind_text(s, 3, birth, -1,
	    SQLITE_STATIC) != SQLITE_OK))) {
		store_err(st, "find persons");
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < STORE_PERSON_NCOL; i++)
			col[i] = (const char *)sqlite3_column_text(s, i);
		if ((rc = fn(col, sqlite3_column_int64(s, STORE_PERSON_NCOL),
		    arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static const char SQL_FEED_HEAD[] =
    "SELECT coalesce(max(seq), 0) FROM changes";
static const char SQL_CHANGE_PARENT[] =
    "SELECT seq, dossier, hlc FROM changes WHERE " STORE_ID_IS("id", "?1");
static const char SQL_CHANGE_IDS[] =
    "SELECT id FROM changes WHERE dossier = ?1 ORDER BY id";
static const char SQL_ROUND_PUT[] =
    "INSERT INTO anti_entropy (peer, at, ok, shared, differed, applied,"
    " unresolved, error) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    " ON CONFLICT (peer) DO UPDATE SET at = excluded.at, ok = excluded.ok,"
    " shared = excluded.shared, differed = excluded.differed,"
    " applied = excluded.applied, unresolved = excluded.unresolved,"
    " error = excluded.error";

int64_t
store_feed_head(struct store *st)
{
	return (store_count(st, SQL_FEED_HEAD));
}

int
store_change_parent(struct store *st, const char *id, int64_t *seq,
    char dossier[37], uint64_t *hlc)
{
	sqlite3_stmt	*s;
	const char	*d, *h;
	int		 r, rc = -1;

	if ((s = store_stmt(st, SQL_CHANGE_PARENT)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	if ((r = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (r == STORE_ROW) {
		d = (const char *)sqlite3_column_text(s, 1);
		h = (const char *)sqlite3_column_text(s, 2);
		if (d != NULL && strlen(d) < 37 && h != NULL &&
		    hlc_parse(h, strlen(h), hlc) == 0) {
			*seq = sqlite3_column_int64(s, 0);
			memcpy(dossier, d, strlen(d) + 1);
			rc = 0;
		} else
			log_warnx("database %s: change %s is damaged",
			    st->path, id);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_change_ids(struct store *st, const char *dossier, store_id_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	const char	*id;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_CHANGE_IDS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((id = (const char *)sqlite3_column_text(s, 0)) == NULL)
			continue;
		if ((rc = fn(id, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_round_put(struct store *st, const char *peer, int64_t at, bool ok,
    int64_t shared, int64_t differed, int64_t applied, int64_t unresolved,
    const char *error)
{
	sqlite3_stmt	*s;
	int		 r;

	if ((s = store_stmt(st, SQL_ROUND_PUT)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, peer, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, at);
	sqlite3_bind_int(s, 3, ok);
	sqlite3_bind_int64(s, 4, shared);
	sqlite3_bind_int64(s, 5, differed);
	sqlite3_bind_int64(s, 6, applied);
	sqlite3_bind_int64(s, 7, unresolved);
	if (error != NULL)
		sqlite3_bind_text(s, 8, error, -1, SQLITE_STATIC);
	r = store_step(st, s);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r == STORE_DONE)
		return (0);
	/* A removed peer has no row to refer to. */
	if (st->step_err == SQLITE_CONSTRAINT_FOREIGNKEY)
		return (1);
	store_err(st, "record an anti-entropy round");
	return (-1);
}

static const char SQL_CHANGE_AT[] =
    "SELECT seq, id, dossier, bytes, sig FROM changes WHERE seq = ?";

int
store_change_at(struct store *st, int64_t seq, store_row_fn fn, void *arg)
{
	sqlite3_stmt		*s;
	struct store_row	 row;
	int			 r, rc;

	if ((s = store_stmt(st, SQL_CHANGE_AT)) == NULL)
		return (-1);
	sqlite3_bind_int64(s, 1, seq);
	if ((r = store_step(st, s)) == STORE_ROW)
		rc = row_of(s, &row) == 0 ? fn(&row, arg) : -1;
	else if (r == STORE_DONE)
		rc = 1;
	else
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}

static const char SQL_COUNT_CHANGES[] =
    "SELECT n FROM tallies WHERE name = 'changes'";
static const char SQL_COUNT_LOG[] = "SELECT count(*) FROM changes";
static const char SQL_COUNT_DOSSIERS[] = "SELECT count(*) FROM persons";
/* The newest change is the last in the feed: found by the primary key,
 * not by reading every row (status and every metrics scrape ask). */
static const char SQL_LAST_RECEIVED[] =
    "SELECT coalesce((SELECT received FROM changes ORDER BY seq DESC"
    " LIMIT 1), 0)";
static const char SQL_COUNT_REJECTED[] = "SELECT count(*) FROM rejected";
static const char SQL_COUNT_LATER[] = "SELECT count(*) FROM later";
static const char SQL_COUNT_OPEN[] =
    "SELECT count(*) FROM conflicts WHERE state = 'open'";
static const char SQL_COUNT_PEERS[] = "SELECT count(*) FROM peers";
static const char SQL_COUNT_FEDPEER[] =
    "SELECT count(*) FROM peers WHERE region = 'RU-FED'";
static const char SQL_COUNT_REGIONS[] =
    "SELECT count(DISTINCT region) FROM stats_current";
static const char SQL_COUNT_CUSTODY[] =
    "SELECT count(*) FROM persons WHERE custodian = ?1";
static const char SQL_COUNT_REJECTED_SINCE[] =
    "SELECT count(*) FROM rejected WHERE coalesce(last_at, at) > ?1";

/* The count s returns (bound), or -1. */
static int64_t
count_bound(struct store *st, sqlite3_stmt *s)
{
	int64_t	 n = -1;

	if (store_step(st, s) == STORE_ROW)
		n = sqlite3_column_int64(s, 0);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (n);
}

int
store_tally_again(struct store *st)
{
	return (store_exec(st, "UPDATE tallies SET n = (SELECT count(*)"
	    " FROM changes) WHERE name = 'changes'"));
}

int
store_tally_check(struct store *st, int64_t *kept, int64_t *counted)
{
	if ((*kept = store_count(st, SQL_COUNT_CHANGES)) == -1 ||
	    (*counted = store_count(st, SQL_COUNT_LOG)) == -1)
		return (-1);
	return (0);
}

int
store_counts(struct store *st, const char *region, int64_t since,
    struct store_counts *c)
{
	sqlite3_stmt	*s;

	c->changes = store_count(st, SQL_COUNT_CHANGES);
	c->dossiers = store_count(st, SQL_COUNT_DOSSIERS);
	c->last_received = store_count(st, SQL_LAST_RECEIVED);
	c->rejected = store_count(st, SQL_COUNT_REJECTED);
	c->later = store_count(st, SQL_COUNT_LATER);
	c->open_conflicts = store_count(st, SQL_COUNT_OPEN);
	c->snapshot_regions = store_count(st, SQL_COUNT_REGIONS);
	c->peers = store_count(st, SQL_COUNT_PEERS);
	c->federal_peers = store_count(st, SQL_COUNT_FEDPEER);
	c->custodian_of = c->rejected_recent = -1;
	if ((s = store_stmt(st, SQL_COUNT_CUSTODY)) != NULL) {
		sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC);
		c->custodian_of = count_bound(st, s);
	}
	if ((s = store_stmt(st, SQL_COUNT_REJECTED_SINCE)) != NULL) {
		sqlite3_bind_int64(s, 1, since);
		c->rejected_recent = count_bound(st, s);
	}
	return (c->changes < 0 || c->dossiers < 0 || c->last_received < 0 ||
	    c->rejected < 0 || c->later < 0 || c->open_conflicts < 0 ||
	    c->snapshot_regions < 0 || c->custodian_of < 0 ||
	    c->rejected_recent < 0 || c->peers < 0 ||
	    c->federal_peers < 0 ? -1 : 0);
}

static const char SQL_KEY_LIMIT[] =
    "UPDATE keys SET until_hlc = ?2 WHERE key_id = ?1 AND"
    " (until_hlc IS NULL OR until_hlc > ?2)";
static const char SQL_KEY_REVOKE[] =
    "UPDATE keys SET revoked = 1, revoked_since = CASE WHEN"
    " revoked_since IS NULL OR revoked_since > ?3 THEN ?3 ELSE"
    " revoked_since END WHERE region = ?1 AND key_id = ?2";
static const char SQL_KEYS_TRUST[] =
    "UPDATE keys SET trusted = ?3 WHERE region = ?1 AND"
    " (?2 IS NULL OR key_id = ?2)";

int
store_key_limit(struct store *st, const char *key_id, uint64_t until)
{
	sqlite3_stmt	*s;
	char		 h[17];
	int		 rc = -1;

	hlc_format(until, h);
	if ((s = store_stmt(st, SQL_KEY_LIMIT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, h, -1, SQLITE_STATIC) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "limit a key");
	else
		rc = 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_key_revoke(struct store *st, const char *region, const char *key_id,
    uint64_t since)
{
	sqlite3_stmt	*s;
	char		 h[17];
	int		 rc = -1;

	hlc_format(since, h);
	if ((s = store_stmt(st, SQL_KEY_REVOKE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, key_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, h, -1, SQLITE_STATIC) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "revoke a key");
	else
		rc = sqlite3_changes(st->db) > 0 ? 0 : 1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_keys_trust(struct store *st, const char *region, const char *key_id,
    bool trusted)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, SQL_KEYS_TRUST)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (key_id != NULL && sqlite3_bind_text(s, 2, key_id, -1,
	    SQLITE_STATIC) != SQLITE_OK) ||
	    sqlite3_bind_int(s, 3, trusted ? 1 : 0) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		store_err(st, "mark keys trusted");
	else
		rc = 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static const char SQL_KEY_REGION[] =
    "SELECT region FROM keys WHERE key_id = ?1";
static const char SQL_KEY_SINCE[] =
    "SELECT revoked_since FROM keys WHERE key_id = ?1";
static const char SQL_KEY_EACH[] =
    "SELECT key_id, region, pub, until_hlc, revoked_since, revoked, trusted"
    " FROM keys ORDER BY region, added, key_id";
static const char SQL_CHANGES_BY_KEY[] =
    "SELECT id, dossier, hlc FROM changes WHERE key_id = ?1 AND hlc >= ?2"
    " ORDER BY hlc, id";

int
store_key_region(struct store *st, const char *key_id, char region[16])
{
	sqlite3_stmt	*s;
	const char	*r;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_KEY_REGION)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	if ((k = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (k == STORE_ROW) {
		if ((r = (const char *)sqlite3_column_text(s, 0)) != NULL &&
		    strlen(r) < 16) {
			memcpy(region, r, strlen(r) + 1);
			rc = 0;
		} else
			log_warnx("database %s: the region of key %s is "
			    "damaged", st->path, key_id);
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_key_revoked_since(struct store *st, const char *key_id,
    uint64_t *since)
{
	sqlite3_stmt	*s;
	const char	*t;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_KEY_SINCE)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	if ((k = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (k == STORE_ROW) {
		if ((t = (const char *)sqlite3_column_text(s, 0)) == NULL)
			rc = 1;
		else {
			if (hlc_parse(t, strlen(t), since) == -1)
				*since = 0;
			rc = 0;
		}
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_key_each(struct store *st, store_key_fn fn, void *arg)
{
	sqlite3_stmt		*s;
	struct store_key_row	 k;
	int			 r, rc = 0;

	/* Not cached: fn may use the store's cached statements. */
	if (sqlite3_prepare_v2(st->db, SQL_KEY_EACH, -1, &s, NULL) !=
	    SQLITE_OK) {
		store_err(st, "prepare");
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		k.key_id = (const char *)sqlite3_column_text(s, 0);
		k.region = (const char *)sqlite3_column_text(s, 1);
		k.pub = sqlite3_column_bytes(s, 2) == SIG_PUB_LEN ?
		    sqlite3_column_blob(s, 2) : NULL;
		k.until = (const char *)sqlite3_column_text(s, 3);
		k.revoked_since = (const char *)sqlite3_column_text(s, 4);
		k.revoked = sqlite3_column_int(s, 5) != 0;
		k.trusted = sqlite3_column_int(s, 6) != 0;
		if (k.key_id == NULL || k.region == NULL)
			continue;
		if ((rc = fn(&k, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_finalize(s);
	return (rc);
}

int
store_changes_by_key(struct store *st, const char *key_id, uint64_t since,
    store_change_key_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*id, *dossier, *hlc;
	char		 h[17];
	int		 r, rc = 0;

	hlc_format(since, h);
	/* Not cached: fn may use the store's cached statements. */
	if (sqlite3_prepare_v2(st->db, SQL_CHANGES_BY_KEY, -1, &s, NULL) !=
	    SQLITE_OK) {
		store_err(st, "prepare");
		return (-1);
	}
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, h, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		dossier = (const char *)sqlite3_column_text(s, 1);
		hlc = (const char *)sqlite3_column_text(s, 2);
		if (id == NULL || dossier == NULL || hlc == NULL)
			continue;
		if ((rc = fn(id, dossier, hlc, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_finalize(s);
	return (rc);
}

static const char SQL_ROTATION_PUT[] =
    "INSERT INTO key_rotations (prev_key, region, prev, pub, at, until_hlc,"
    " sig) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char SQL_ROTATIONS[] =
    "SELECT prev, pub, at, until_hlc, sig FROM (SELECT * FROM key_rotations"
    " WHERE region = ?1 ORDER BY at DESC LIMIT ?2) ORDER BY at";
static const char SQL_REVOCATIONS[] =
    "SELECT key_id, revoked_since FROM keys WHERE region = ?1 AND"
    " revoked_since IS NOT NULL ORDER BY key_id LIMIT ?2";

int
store_rotation_put(struct store *st, const char *region,
    const struct card_rotation *r)
{
	sqlite3_stmt	*s;
	char		 kid[SIG_KEYID_LEN + 1], at[17], until[17];
	int		 rc = -1;

	sig_key_id(r->prev, kid);
	hlc_format(r->at, at);
	hlc_format(r->until, until);
	if ((s = store_stmt(st, SQL_ROTATION_PUT)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, kid, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, r->prev, SIG_PUB_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(s, 4, r->pub, SIG_PUB_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 5, at, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 6, until, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 7, r->sig, SIG_LEN, SQLITE_STATIC) !=
	    SQLITE_OK || store_step(st, s) != STORE_DONE)
		store_err(st, "record a key rotation");
	else
		rc = 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

/* The HLC in column i of s, or -1 when it is damaged. */
static int
column_hlc(sqlite3_stmt *s, int i, uint64_t *out)
{
	const char	*t = (const char *)sqlite3_column_text(s, i);

	return (t != NULL && hlc_parse(t, strlen(t), out) == 0 ? 0 : -1);
}

int
store_rotations(struct store *st, const char *region,
    struct card_rotation *rot, size_t max, size_t *n)
{
	sqlite3_stmt	*s;
	int		 r, rc = -1;

	*n = 0;
	if ((s = store_stmt(st, SQL_ROTATIONS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((r = store_step(st, s)) == STORE_ROW && *n < max) {
		if (sqlite3_column_bytes(s, 0) != SIG_PUB_LEN ||
		    sqlite3_column_bytes(s, 1) != SIG_PUB_LEN ||
		    sqlite3_column_bytes(s, 4) != SIG_LEN ||
		    column_hlc(s, 2, &rot[*n].at) == -1 ||
		    column_hlc(s, 3, &rot[*n].until) == -1) {
			log_warnx("database %s: a key rotation is damaged",
			    st->path);
			goto out;
		}
		memcpy(rot[*n].prev, sqlite3_column_blob(s, 0), SIG_PUB_LEN);
		memcpy(rot[*n].pub, sqlite3_column_blob(s, 1), SIG_PUB_LEN);
		memcpy(rot[*n].sig, sqlite3_column_blob(s, 4), SIG_LEN);
		(*n)++;
	}
	if (r != STORE_DONE && r != STORE_ROW) {
		store_err(st, "read key rotations");
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_revocations(struct store *st, const char *region,
    struct card_revoked *rev, size_t max, size_t *n)
{
	sqlite3_stmt	*s;
	const char	*kid;
	int		 r, rc = -1;

	*n = 0;
	if ((s = store_stmt(st, SQL_REVOCATIONS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, (sqlite3_int64)max);
	while ((r = store_step(st, s)) == STORE_ROW && *n < max) {
		kid = (const char *)sqlite3_column_text(s, 0);
		if (kid == NULL || strlen(kid) != SIG_KEYID_LEN ||
		    column_hlc(s, 1, &rev[*n].since) == -1) {
			log_warnx("database %s: a revoked key is damaged",
			    st->path);
			goto out;
		}
		memcpy(rev[*n].key_id, kid, SIG_KEYID_LEN + 1);
		(*n)++;
	}
	if (r != STORE_DONE && r != STORE_ROW) {
		store_err(st, "read revoked keys");
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

static const char SQL_PEER_PINS[] =
    "SELECT pin, pin_next FROM peers WHERE region = ?1";
static const char SQL_REGION_BY_PIN[] =
    "SELECT region FROM peers WHERE pin = ?1 OR pin_next = ?1"
    " ORDER BY region LIMIT 1";

int
store_peer_pins(struct store *st, const char *region, char *out,
    size_t outsz)
{
	sqlite3_stmt	*s;
	const char	*pin, *next;
	int		 r, k, rc = -1;

	if ((s = store_stmt(st, SQL_PEER_PINS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC);
	if ((r = store_step(st, s)) == STORE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != STORE_ROW) {
		store_err(st, "read a peer's pins");
		goto out;
	}
	pin = (const char *)sqlite3_column_text(s, 0);
	next = (const char *)sqlite3_column_text(s, 1);
	if (pin == NULL)
		goto out;
	if (next != NULL && next[0] != '\0')
		k = snprintf(out, outsz, "%s;%s", pin, next);
	else
		k = snprintf(out, outsz, "%s", pin);
	if (k < 0 || (size_t)k >= outsz) {
		log_warnx("database %s: the pins of peer %s are too long",
		    st->path, region);
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_region_by_pin(struct store *st, const char *pin, char region[16])
{
	sqlite3_stmt	*s;
	const char	*r;
	int		 k, rc = -1;

	if ((s = store_stmt(st, SQL_REGION_BY_PIN)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, pin, -1, SQLITE_STATIC);
	if ((k = store_step(st, s)) == STORE_DONE)
		rc = 1;
	else if (k != STORE_ROW)
		store_err(st, "look up a pin");
	else if ((r = (const char *)sqlite3_column_text(s, 0)) != NULL &&
	    strlen(r) < 16) {
		memcpy(region, r, strlen(r) + 1);
		rc = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}
