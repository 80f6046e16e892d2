/*
 * conflict/hlc.h: the hybrid logical clock, and the total order of changes
 * (docs/protocol.md, section 3).
 *
 * An HLC value is a uint64_t: wall-clock milliseconds since the Unix epoch
 * in the high 48 bits, a logical counter in the low 16 bits.  On the wire it
 * is exactly 16 lowercase hex digits, zero-padded, so that string order
 * equals numeric order.  A node's clock issues strictly increasing values,
 * each above every value the node has seen, so a change always sorts after
 * the changes it was written on top of.
 *
 * Every function is pure: it reads no clock of its own (callers pass the
 * wall time) and keeps no state beyond the struct hlc it is given, which
 * its caller owns.
 */
#ifndef OPORA_HLC_H
#define OPORA_HLC_H

#include <stddef.h>
#include <stdint.h>

/* The greatest millisecond count that fits in the high 48 bits. */
#define HLC_MS_MAX	((UINT64_C(1) << 48) - 1)

struct hlc {
	uint64_t	 last;	/* the greatest value issued or seen */
};

/*
 * hlc_pack: the value of millisecond ms and counter; bits of ms above 48
 *	and of counter above 16 are discarded, so that hlc_pack(hlc_ms(v),
 *	v & 0xffff) == v.
 * hlc_ms: the milliseconds of v, v >> 16.
 */
uint64_t hlc_pack(uint64_t ms, unsigned counter);
uint64_t hlc_ms(uint64_t v);

/*
 * hlc_tick: the value of a local event at wall time wall_ms: max(h->last +
 *	1, wall_ms << 16), also stored in h->last, so successive values
 *	strictly increase even when the wall clock goes back; a counter that
 *	overflows carries into the milliseconds.  A wall_ms above HLC_MS_MAX
 *	counts as HLC_MS_MAX.  Returns 0, and leaves h alone, only if h->last
 *	is already UINT64_MAX and nothing greater exists; 0 is never a value
 *	issued otherwise, and a clock fed real times reaches the end only in
 *	the year 10889.
 * hlc_observe: takes in a value seen in a remote change.  Returns -1 and
 *	leaves h alone if hlc_ms(remote) is more than max_drift_ms ahead of
 *	wall_ms, so that one peer with a clock far in the future cannot drag
 *	this clock there; otherwise sets h->last to max(h->last, remote) and
 *	returns 0.  The comparison cannot overflow, so UINT64_MAX as
 *	max_drift_ms accepts everything.
 */
uint64_t hlc_tick(struct hlc *h, uint64_t wall_ms);
int	 hlc_observe(struct hlc *h, uint64_t remote, uint64_t wall_ms,
	    uint64_t max_drift_ms);

/*
 * hlc_format: writes v as 16 lowercase hex digits and a NUL to out (17
 *	bytes, owned by the caller).
 * hlc_parse: reads s[0..len), which need not be NUL-terminated; it must be
 *	exactly 16 lowercase hex digits.  Stores the value through out and
 *	returns 0, or returns -1 and leaves *out alone.
 */
void	 hlc_format(uint64_t v, char out[17]);
int	 hlc_parse(const char *s, size_t len, uint64_t *out);

/*
 * hlc_order: the total order of changes: by HLC, then by the author's key
 * id, then by the change id, both compared bytewise (as unsigned bytes,
 * like strcmp).  The key ids and change ids are C strings, borrowed for the
 * call.  Returns -1, 0 or 1 as change a sorts before, with or after b.
 */
int	 hlc_order(uint64_t a_hlc, const char *a_key, const char *a_id,
	    uint64_t b_hlc, const char *b_key, const char *b_id);

#endif /* OPORA_HLC_H */
