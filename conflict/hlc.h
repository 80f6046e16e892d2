/*
 * conflict/hlc.h: the hybrid logical clock, and the total order of changes.
 *
 * An HLC value is a uint64_t: wall-clock milliseconds since the Unix epoch
 * in the high 48 bits, a logical counter in the low 16 bits.  On the wire it
 * is exactly 16 lowercase hex digits, so string order equals numeric order.
 */
#ifndef OPORA_HLC_H
#define OPORA_HLC_H

#include <stddef.h>
#include <stdint.h>

struct hlc {
	uint64_t	 last;	/* the greatest value issued or seen */
};

uint64_t hlc_pack(uint64_t ms, unsigned counter);
uint64_t hlc_ms(uint64_t v);
/* hlc_tick(h, wall_ms): max(last + 1, wall_ms << 16), stored in h->last. */
uint64_t hlc_tick(struct hlc *h, uint64_t wall_ms);
/* hlc_observe(h, remote, wall_ms, max_drift_ms): -1 (h unchanged) if remote
 * is more than max_drift_ms ahead of wall_ms; else h->last = max(h->last,
 * remote) and 0. */
int	 hlc_observe(struct hlc *h, uint64_t remote, uint64_t wall_ms,
	    uint64_t max_drift_ms);
void	 hlc_format(uint64_t v, char out[17]);
int	 hlc_parse(const char *s, size_t len, uint64_t *out);
/* The total order of changes: HLC, then author key id, then change id. */
int	 hlc_order(uint64_t a_hlc, const char *a_key, const char *a_id,
	    uint64_t b_hlc, const char *b_key, const char *b_id);

#endif /* OPORA_HLC_H */
