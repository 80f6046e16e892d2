/*
 * conflict/hlc.c: the hybrid logical clock.  See hlc.h.
 */
#include <string.h>

#include "conflict/hlc.h"

uint64_t
hlc_pack(uint64_t ms, unsigned counter)
{
	return (((ms & HLC_MS_MAX) << 16) | (counter & 0xffff));
}

uint64_t
hlc_ms(uint64_t v)
{
	return (v >> 16);
}

uint64_t
hlc_tick(struct hlc *h, uint64_t wall_ms)
{
	uint64_t	 wall;

	/*
	 * A time beyond 48 bits would lose its high bits in the shift and
	 * could sort before earlier values; the greatest time keeps the
	 * order.
	 */
	if (wall_ms > HLC_MS_MAX)
		wall_ms = HLC_MS_MAX;
	wall = wall_ms << 16;
	if (wall > h->last)
		h->last = wall;
	else if (h->last == UINT64_MAX)
		return (0);	/* nothing is greater: see hlc.h */
	else
		h->last++;	/* the counter goes on, carrying if it must */
	return (h->last);
}

int
hlc_observe(struct hlc *h, uint64_t remote, uint64_t wall_ms,
    uint64_t max_drift_ms)
{
	uint64_t	 ms = hlc_ms(remote);

	/*
	 * Written as a difference so that wall_ms + max_drift_ms, which
	 * could overflow, is never computed.
	 */
	if (ms > wall_ms && ms - wall_ms > max_drift_ms)
		return (-1);
	if (remote > h->last)
		h->last = remote;
	return (0);
}

void
hlc_format(uint64_t v, char out[17])
{
	static const char	 hex[] = "0123456789abcdef";
	int			 i;

	for (i = 15; i >= 0; i--) {
		out[i] = hex[v & 0xf];
		v >>= 4;
	}
	out[16] = '\0';
}

int
hlc_parse(const char *s, size_t len, uint64_t *out)
{
	uint64_t	 v = 0;
	size_t		 i;

	if (len != 16)
		return (-1);
	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			v = (v << 4) | (uint64_t)(s[i] - '0');
		else if (s[i] >= 'a' && s[i] <= 'f')
			v = (v << 4) | (uint64_t)(s[i] - 'a' + 10);
		else
			return (-1);
	}
	*out = v;
	return (0);
}

/* strcmp reduced to -1, 0 or 1. */
static int
sign(int c)
{
	return ((c > 0) - (c < 0));
}

int
hlc_order(uint64_t a_hlc, const char *a_key, const char *a_id,
    uint64_t b_hlc, const char *b_key, const char *b_id)
{
	int	 c;

	if (a_hlc != b_hlc)
		return (a_hlc < b_hlc ? -1 : 1);
	if ((c = strcmp(a_key, b_key)) != 0)
		return (sign(c));
	return (sign(strcmp(a_id, b_id)));
}
