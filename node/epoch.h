/*
 * node/epoch.h: the node's feed epoch and the witness that detects a log
 * gone back (docs/protocol.md, "Feed epochs").
 *
 * The feed numbers a node hands out count in an epoch: a random 128-bit
 * id, kept in the database (meta "epoch") as EPOCH_HEX lower-case hex
 * digits and served with every feed document.  A new epoch begins whenever
 * the log may have gone back, so that a peer whose cursor counts in the old
 * one pulls the whole feed again instead of waiting for numbers it has
 * passed: after 'opora restore', and when a node is opened and finds that
 * its log lost changes it had served (a lost -wal file, a database copied
 * back by hand).
 *
 * The witness is the file feed.head beside opora.db (mode 0600), one line
 *	EPOCH HEAD CHECK\n
 * EPOCH the current epoch, HEAD a feed number as 16 decimal digits, CHECK
 * the first 8 hex digits of the SHA-256 of "EPOCH HEAD".  It lives outside
 * the database so that it survives what the database loses.  It is written
 * in place under flock(2) and fsynced, and within an epoch its HEAD only
 * grows.  The invariant: no feed response hands out a "next" above HEAD
 * (feed_build calls epoch_cover before the response leaves), so a database
 * whose newest feed number is below HEAD, or whose epoch is not the
 * witness's, may have lost changes a peer has passed.
 */
#ifndef OPORA_EPOCH_H
#define OPORA_EPOCH_H

#include <stdbool.h>
#include <stdint.h>

#define EPOCH_HEX	32
#define EPOCH_FILE	"feed.head"

struct store;

/* epoch_get(st, out): this node's feed epoch into out.  0, or -1 (logged)
 * when it cannot be read or is not EPOCH_HEX hex digits. */
int	 epoch_get(struct store *st, char out[EPOCH_HEX + 1]);

/* epoch_valid(s, len): whether s is an epoch (EPOCH_HEX lower-case hex
 * digits); s need not be NUL-terminated. */
bool	 epoch_valid(const char *s, size_t len);

/*
 * epoch_check(dir, st): at open, compare the witness in dir with the
 * database st.  When the database lost changes the witness says were
 * served, when its epoch is not the witness's, or when the witness is
 * damaged or missing (after it had been written once), begin a new epoch
 * (epoch_restart) and log it loudly.  Writes the first witness of a node
 * that has none yet.  0, or -1 (logged) when it could not check; the node
 * is usable either way, but feed_build refuses to serve without a witness.
 */
int	 epoch_check(const char *dir, struct store *st);

/*
 * epoch_restart(dir, st, why): begin a new random epoch now: store it in
 * meta (with the time and why, a C string, for 'opora status') in its own
 * write transaction, and rewrite the witness (the new epoch, the newest
 * feed number).  0 / -1 (logged, rolled back).  It does not log the new
 * epoch: its one caller, 'opora restore', says so once the restored node
 * verifies (naming the directory it ends in).
 */
int	 epoch_restart(const char *dir, struct store *st, const char *why);

/*
 * epoch_cover(dir, epoch, next, head): before a feed response that hands
 * out next leaves, make the witness cover it: when its HEAD is below next
 * (or it names another epoch), write epoch and head (the newest feed
 * number, read after the response was built: head >= next) and fsync.
 * 0, or -1 (logged): the response must not be sent.
 */
int	 epoch_cover(const char *dir, const char *epoch, int64_t next,
	    int64_t head);

#endif /* OPORA_EPOCH_H */
