/*
 * node/signer.h: signing changes on other cores during a bulk write.
 *
 * A change's id is the hash of its bytes, not of its signature, so a node
 * that writes many changes in one transaction (an import) need not wait for
 * each signature: node_author hands the change to a signer, whose threads
 * sign while the writer goes on, and the writer stores each change with
 * its signature once it is made (signer_store), in the order the changes
 * were handed over, a few hundred behind at most.  Each row is written
 * once, whole: a row written with an empty signature and mended at the
 * commit made SQLite write its page again, often after the page had left
 * the cache (docs/performance.md, "Each change written once").
 *
 * So the log holds a change only once signer_store has stored it: the
 * writer calls signer_drain before anything in its transaction reads the
 * log (a dossier's history, its heads) and before COMMIT, so no change is
 * ever committed unsigned or read before it is stored.  If either fails
 * the writer must roll back.
 */
#ifndef OPORA_SIGNER_H
#define OPORA_SIGNER_H

#include <stddef.h>
#include <stdint.h>

struct change;
struct sig_key;
struct signer;
struct store;

/* signer_new(k, nthreads): threads that sign with k (borrowed, must outlive
 * the signer).  NULL (logged) on failure. */
struct signer	*signer_new(const struct sig_key *k, int nthreads);

/* signer_submit(sg, c, bytes, len): queue change c, encoded as bytes, to be
 * signed and stored.  The header of c (id, dossier, clock, key, region,
 * parents) and the bytes are copied: c stays the caller's.  0 / -1 (out of
 * memory; nothing queued). */
int		 signer_submit(struct signer *sg, const struct change *c,
		    const void *bytes, size_t len);

/* signer_store(sg, st): store in st's log, in the caller's transaction,
 * the queued changes signed so far, in order, up to the first not yet
 * signed; if more than SIGNER_WINDOW would still wait, wait for enough of
 * them, signing on the caller's thread too what no thread has taken yet.
 * 0 / -1 (logged: a change that cannot be signed or stored). */
int		 signer_store(struct signer *sg, struct store *st);

/* signer_drain(sg, st): wait until every queued change is signed (the
 * caller's thread signing beside the threads, as in signer_store) and
 * store them all, as signer_store.  0 / -1. */
int		 signer_drain(struct signer *sg, struct store *st);

/* signer_free(sg): stop the threads and free, dropping what was never
 * stored (the writer rolled back); NULL is a no-op. */
void		 signer_free(struct signer *sg);

#endif /* OPORA_SIGNER_H */
