/*
 * node/signer.h: signing changes on other cores during a bulk write.
 *
 * A change's id is the hash of its bytes, not of its signature, so a node
 * that writes many changes in one transaction (an import) need not wait for
 * each signature: node_author stores the change with an empty signature and
 * hands the bytes to a signer, whose threads sign while the writer goes on.
 * signer_drain() waits for every signature and writes them into the log;
 * the writer calls it before COMMIT, so no change is ever committed
 * unsigned.  If it fails the writer must roll back.
 */
#ifndef OPORA_SIGNER_H
#define OPORA_SIGNER_H

#include <stddef.h>
#include <stdint.h>

struct sig_key;
struct signer;
struct store;

/* signer_new(k, nthreads): threads that sign with k (borrowed, must outlive
 * the signer).  NULL (logged) on failure. */
struct signer	*signer_new(const struct sig_key *k, int nthreads);

/* signer_submit(sg, seq, bytes, len): queue the change stored at feed
 * number seq; the bytes are copied.  0 / -1. */
int		 signer_submit(struct signer *sg, int64_t seq, const void *bytes,
		    size_t len);

/* signer_drain(sg, st): wait until every queued change is signed and write
 * the signatures into st's log, in the caller's transaction.  0 / -1. */
int		 signer_drain(struct signer *sg, struct store *st);

/* signer_free(sg): stop the threads and free; NULL is a no-op. */
void		 signer_free(struct signer *sg);

#endif /* OPORA_SIGNER_H */
