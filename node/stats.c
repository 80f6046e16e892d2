/*
 * node/stats.c: computing, publishing and receiving statistics snapshots.
 * See stats.h; the indicators' rules are in docs/statistics.md.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


#include "conflict/cellkey.h"
#include "conflict/hlc.h"
#include "node/node.h"
#include "node/stats.h"
#include "node/store.h"
#include "node/store_stats.h"
#include "protocol/digest.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/sig.h"

#define NPERIODS	5		/* the year, then Q1..Q4 */
#define MAX_TRANSFERS	64		/* accepted transfers of one person */
#define MAX_REGIONS	256		/* fields_region_count() is below */

/* The domain of record keys: SHA-256 of this and the root's signature. */
#define CELLKEY_PREFIX	"opora-cellkey-v1\n"

/* The indicators that are values of one question, by column. */
enum { Q_HOUSING, Q_EDUCATION, Q_EMPLOYMENT, Q_FAMILY, Q_COUNT };
static const char *const q_names[Q_COUNT] = {
	"housing", "education", "employment", "family"
};

/* The dates of one period: its first and last day, and the first day of
 * the three months that end with it (for "in contact"). */
struct period {
	char	 start[11], end[11], recent[11];
	char	 name[8];
};

/* One accepted transfer of the person being counted. */
struct xfer {
	char	 from[16], to[16];
	char	 day[11];		/* the UTC day of the accept */
};

/* What one pass over a person's rows found. */
struct person {
	char		 id[37];
	char		 sex;
	int		 band;			/* -1: unknown birth year */
	uint32_t	 key;			/* the record key */
	char		 origin[16];
	char		 created[11];		/* the day it was recorded, or
						 * an earlier dated entry */
	bool		 support[NPERIODS], contact[NPERIODS];
	bool		 crisis[NPERIODS], consent[NPERIODS];
	/* The latest assessment value per question and period. */
	char		 aval[Q_COUNT][NPERIODS][24];
	char		 adate[Q_COUNT][NPERIODS][11];
	struct xfer	 x[MAX_TRANSFERS];
	int		 nx;
	bool		 haskey;
};

/*
 * The record key of a person: the first four bytes, big-endian, of
 * SHA-256(CELLKEY_PREFIX || the signature of the dossier's root change).
 * Every region entitled to the dossier holds that signature, so it
 * derives the same key; no one else can (docs/statistics.md).
 */
static int
record_key(const void *sig, size_t len, uint32_t *key)
{
	struct digest_sha256_ctx ctx;
	uint8_t		 md[DIGEST_SHA256_LEN];

	if (sig == NULL || len == 0)
		return (-1);
	digest_sha256_init(&ctx);
	digest_sha256_update(&ctx, CELLKEY_PREFIX, sizeof(CELLKEY_PREFIX) - 1);
	digest_sha256_update(&ctx, sig, len);
	digest_sha256_final(&ctx, md);
	*key = (uint32_t)md[0] << 24 | (uint32_t)md[1] << 16 |
	    (uint32_t)md[2] << 8 | (uint32_t)md[3];
	return (0);
}

/* A walk over one table in dossier order (node/store_stats.h). */
struct stream {
	struct store_stats_stream	*s;
	bool				 row;	/* s holds a row */
};

enum { S_PERSONS = STORE_STATS_PERSONS, S_EPISODES = STORE_STATS_EPISODES,
       S_EVENTS = STORE_STATS_EVENTS, S_ASSESSMENTS = STORE_STATS_ASSESSMENTS,
       S_CONSENTS = STORE_STATS_CONSENTS, S_TRANSFERS = STORE_STATS_TRANSFERS,
       S_ROOTS = STORE_STATS_ROOTS, S_COUNT = STORE_STATS_COUNT };

static const char *
col(struct store_stats_stream *s, int i)
{
	return (store_stats_stream_text(s, i));
}

/* The UTC day of an HLC in hex, or "" if it is not one. */
static void
hlc_day(const char *hex, char out[11])
{
	uint64_t	 v;
	time_t		 t;
	struct tm	 tm;

	out[0] = '\0';
	if (hlc_parse(hex, strlen(hex), &v) == -1)
		return;
	t = (time_t)(hlc_ms(v) / 1000);
	if (gmtime_r(&t, &tm) != NULL)
		strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
periods_of(int year, struct period p[NPERIODS])
{
	static const char *const qend[4] = { "03-31", "06-30", "09-30",
	    "12-31" };
	static const char *const qstart[4] = { "01-01", "04-01", "07-01",
	    "10-01" };
	int	 q;

	snprintf(p[0].start, 11, "%04d-01-01", year);
	snprintf(p[0].end, 11, "%04d-12-31", year);
	snprintf(p[0].recent, 11, "%04d-10-01", year);
	snapshot_period(year, 0, p[0].name);
	for (q = 0; q < 4; q++) {
		snprintf(p[q + 1].start, 11, "%04d-%s", year, qstart[q]);
		snprintf(p[q + 1].end, 11, "%04d-%s", year, qend[q]);
		memcpy(p[q + 1].recent, p[q + 1].start, 11);
		snapshot_period(year, q + 1, p[q + 1].name);
	}
}

static bool
in(const char *d, const char *from, const char *to)
{
	return (d[0] != '\0' && strcmp(d, from) >= 0 && strcmp(d, to) <= 0);
}

/* Take the rows of stream k that belong to dossier id, skipping rows of
 * dossiers without a person row (none, in a sound database). */
static int
advance(struct stream *st, const char *id, int k, struct person *p,
    const struct period *per)
{
	struct store_stats_stream *s = st->s;
	const void	*sig;
	size_t		 siglen;
	const char	*d, *v;
	int		 c, i, q;

	while (st->row) {
		d = col(s, 0);
		if ((c = strcmp(d, id)) > 0)
			return (0);
		/* A history imported or recorded late starts at its first
		 * dated entry. */
		if (c == 0 && k != S_TRANSFERS && k != S_ROOTS &&
		    (v = col(s, 1))[0] != '\0' &&
		    strlen(v) == 10 && (p->created[0] == '\0' ||
		    strcmp(v, p->created) < 0))
			memcpy(p->created, v, 11);
		if (c == 0) {
			switch (k) {
			case S_EPISODES:
				for (i = 0; i < NPERIODS; i++)
					if (in(col(s, 1), "0000", per[i].end) &&
					    (col(s, 2)[0] == '\0' ||
					    strcmp(col(s, 2), per[i].end) > 0))
						p->support[i] = true;
				break;
			case S_EVENTS:
				for (i = 0; i < NPERIODS; i++) {
					if (in(col(s, 1), per[i].recent,
					    per[i].end))
						p->contact[i] = true;
					if (strcmp(col(s, 2), "crisis") == 0 &&
					    in(col(s, 1), per[i].start,
					    per[i].end))
						p->crisis[i] = true;
				}
				break;
			case S_ASSESSMENTS:
				/* Rows come in the order they were made: a
				 * later one of the same date wins. */
				for (q = 0; q < Q_COUNT; q++) {
					if ((v = col(s, 2 + q))[0] == '\0' ||
					    strlen(v) >= sizeof(p->aval[q][0]))
						continue;
					for (i = 0; i < NPERIODS; i++)
						if (in(col(s, 1), "0000",
						    per[i].end) && strcmp(col(s,
						    1), p->adate[q][i]) >= 0) {
							snprintf(p->aval[q][i],
							    24, "%s", v);
							snprintf(p->adate[q][i],
							    11, "%s", col(s, 1));
						}
				}
				break;
			case S_CONSENTS:
				for (i = 0; i < NPERIODS; i++)
					if (in(col(s, 1), "0000", per[i].end) &&
					    (col(s, 2)[0] == '\0' ||
					    strcmp(col(s, 2), per[i].end) > 0))
						p->consent[i] = true;
				break;
			case S_ROOTS:
				sig = store_stats_stream_blob(s, 1, &siglen);
				if (record_key(sig, siglen, &p->key) == 0)
					p->haskey = true;
				break;
			case S_TRANSFERS:
				if (p->nx == MAX_TRANSFERS)
					break;
				snprintf(p->x[p->nx].from, 16, "%s", col(s, 1));
				snprintf(p->x[p->nx].to, 16, "%s", col(s, 2));
				hlc_day(col(s, 3), p->x[p->nx].day);
				p->nx++;
				break;
			}
		}
		if ((c = store_stats_stream_next(s)) == 1)
			continue;
		st->row = false;
		if (c != 0)
			return (-1);
	}
	return (0);
}

/* The custodian at the end of day: the origin, moved by each accept. */
static const char *
custodian_at(const struct person *p, const char *day)
{
	const char	*c = p->origin;
	int		 i;

	for (i = 0; i < p->nx; i++)
		if (p->x[i].day[0] != '\0' && strcmp(p->x[i].day, day) <= 0)
			c = p->x[i].to;
	return (c);
}

/* The counts being gathered, each with its key sum: cells by [indicator]
 * [sex][band][period], flows by [destination][sex][band]. */
struct tally {
	int64_t		*cell;
	uint32_t	*ckey;
	size_t		 nind;
	int64_t		 flow[MAX_REGIONS * 2 * CELLKEY_NBANDS];
	uint32_t	 fkey[MAX_REGIONS * 2 * CELLKEY_NBANDS];
};

static size_t
tally_at(size_t ind, char sex, int band, int p)
{
	return ((((ind * 2 + (sex == 'M')) * CELLKEY_NBANDS) +
	    (size_t)band) * NPERIODS + (size_t)p);
}

static size_t
flow_at(size_t r, char sex, int band)
{
	return ((r * 2 + (sex == 'M')) * CELLKEY_NBANDS + (size_t)band);
}

static void
count(struct tally *t, const char *code, const struct person *p, int per)
{
	const struct snapshot_indicator	*ind = snapshot_indicator_find(code);
	size_t				 at;

	if (ind == NULL || p->band < 0)
		return;
	at = tally_at((size_t)(ind - snapshot_indicators), p->sex, p->band,
	    per);
	t->cell[at]++;
	t->ckey[at] += p->key;
}

static void
person_done(struct tally *t, const struct person *p, const char *region,
    const struct period *per)
{
	char	 code[48];
	size_t	 r;
	int	 i, q, k;
	bool	 registered;

	for (i = 0; i < NPERIODS; i++) {
		registered = p->created[0] != '\0' &&
		    strcmp(p->created, per[i].end) <= 0 &&
		    strcmp(custodian_at(p, per[i].end), region) == 0;
		if (registered) {
			count(t, "registered", p, i);
			if (p->consent[i])
				count(t, "counted", p, i);
		}
		if (!p->consent[i])
			continue;
		/* Transfers count whoever holds the person now. */
		for (k = 0; k < p->nx; k++) {
			if (!in(p->x[k].day, per[i].start, per[i].end))
				continue;
			if (strcmp(p->x[k].to, region) == 0)
				count(t, "transfer.in", p, i);
			if (strcmp(p->x[k].from, region) == 0)
				count(t, "transfer.out", p, i);
		}
		if (!registered)
			continue;
		if (p->support[i])
			count(t, "support", p, i);
		if (p->contact[i])
			count(t, "contact.3m", p, i);
		if (p->crisis[i])
			count(t, "crisis", p, i);
		for (q = 0; q < Q_COUNT; q++) {
			if (p->aval[q][i][0] == '\0')
				continue;
			snprintf(code, sizeof(code), "%s.%s", q_names[q],
			    p->aval[q][i]);
			count(t, code, p, i);
		}
	}
	/* Flows: each accept out of this region in the year, once per
	 * person and destination, with the person's consent at its end. */
	for (k = 0; p->consent[0] && p->band >= 0 && k < p->nx; k++) {
		if (strcmp(p->x[k].from, region) != 0 ||
		    strncmp(p->x[k].day, per[0].start, 4) != 0)
			continue;
		for (i = 0; i < k; i++)
			if (strcmp(p->x[i].from, region) == 0 &&
			    strcmp(p->x[i].to, p->x[k].to) == 0 &&
			    strncmp(p->x[i].day, per[0].start, 4) == 0)
				break;
		if (i < k)
			continue;
		for (r = 0; r < fields_region_count() && r < MAX_REGIONS; r++)
			if (strcmp(fields_region_at(r), p->x[k].to) == 0) {
				t->flow[flow_at(r, p->sex, p->band)]++;
				t->fkey[flow_at(r, p->sex, p->band)] += p->key;
			}
	}
}

/* Turn the tally into the snapshot's arrays. */
static int
emit(const struct tally *t, const struct period *per, struct snapshot *out)
{
	size_t	 ind, n = 0, r, at;
	int	 sex, b, i;

	for (r = 0; r < t->nind * 2 * CELLKEY_NBANDS * NPERIODS; r++)
		n += t->cell[r] != 0;
	if (n > 0 && (out->cells = calloc(n, sizeof(*out->cells))) == NULL)
		return (-1);
	for (ind = 0; ind < t->nind; ind++)
		for (sex = 0; sex < 2; sex++)
			for (b = 0; b < CELLKEY_NBANDS; b++)
				for (i = 0; i < NPERIODS; i++) {
					struct snapshot_cell *c;

					at = tally_at(ind, sex ? 'M' : 'F', b,
					    i);
					if (t->cell[at] == 0)
						continue;
					c = &out->cells[out->ncells++];
					snprintf(c->indicator, 32, "%s",
					    snapshot_indicators[ind].code);
					c->sex = sex ? 'M' : 'F';
					c->band = b;
					memcpy(c->period, per[i].name, 8);
					c->count = t->cell[at];
					c->keysum = t->ckey[at];
				}
	for (r = n = 0; r < MAX_REGIONS * 2 * CELLKEY_NBANDS; r++)
		n += t->flow[r] != 0;
	if (n > 0 && (out->flows = calloc(n, sizeof(*out->flows))) == NULL)
		return (-1);
	for (r = 0; r < fields_region_count() && r < MAX_REGIONS; r++)
		for (sex = 0; sex < 2; sex++)
			for (b = 0; b < CELLKEY_NBANDS; b++) {
				struct snapshot_flow *f;

				at = flow_at(r, sex ? 'M' : 'F', b);
				if (t->flow[at] == 0)
					continue;
				f = &out->flows[out->nflows++];
				snprintf(f->to, 16, "%s", fields_region_at(r));
				f->sex = sex ? 'M' : 'F';
				f->band = b;
				f->year = out->year;
				f->count = t->flow[at];
				f->keysum = t->fkey[at];
			}
	return (0);
}

static int
root_key(const void *sig, size_t len, void *arg)
{
	struct person	*p = arg;

	return (record_key(sig, len, &p->key) == 0 ? 0 : 1);
}

/* A person whose root the stream did not give: look it up alone.  0 and
 * p->key set, 1 when the dossier has no root here, -1 when it could not
 * be read. */
static int
root_alone(struct store *st, struct person *p)
{
	return (store_stats_root(st, p->id, root_key, p));
}

int
stats_compute(struct store *st, const char *region, int year,
    struct snapshot *out, char *why, size_t whysz)
{
	struct stream	 s[S_COUNT];
	struct period	 per[NPERIODS];
	struct tally	*t = NULL;
	struct person	*p = NULL;
	const char	*bd;
	size_t		 ncell;
	int		 k, r, rc = -1;

	memset(out, 0, sizeof(*out));
	memset(s, 0, sizeof(s));
	snprintf(out->region, sizeof(out->region), "%s", region);
	out->year = year;
	periods_of(year, per);
	if ((t = calloc(1, sizeof(*t))) == NULL) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	for (t->nind = 0; snapshot_indicators[t->nind].code != NULL;
	    t->nind++)
		;
	ncell = t->nind * 2 * CELLKEY_NBANDS * NPERIODS;
	if ((t->cell = calloc(ncell, sizeof(*t->cell))) == NULL ||
	    (t->ckey = calloc(ncell, sizeof(*t->ckey))) == NULL ||
	    (p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	/* Fail closed: a read that fails anywhere below leaves no
	 * snapshot, never one with the persons read so far. */
	snprintf(why, whysz, "cannot read the views (the node's log says "
	    "why)");
	for (k = 0; k < S_COUNT; k++) {
		if ((s[k].s = store_stats_stream_open(st, k)) == NULL ||
		    (r = store_stats_stream_next(s[k].s)) == -1)
			goto out;
		s[k].row = r == 1;
	}
	while (s[S_PERSONS].row) {
		struct store_stats_stream *ps = s[S_PERSONS].s;

		memset(p, 0, sizeof(*p));
		snprintf(p->id, sizeof(p->id), "%s", col(ps, 0));
		p->sex = col(ps, 1)[0];
		bd = col(ps, 2);
		p->band = strlen(bd) >= 4 ? cellkey_band(snapshot_year(bd)) :
		    -1;
		if (p->sex != 'F' && p->sex != 'M')
			p->band = -1;
		snprintf(p->origin, sizeof(p->origin), "%s", col(ps, 3));
		hlc_day(col(ps, 4), p->created);
		for (k = S_EPISODES; k < S_COUNT; k++)
			if (advance(&s[k], p->id, k, p, per) == -1)
				goto out;
		/* Fail closed: a person without a key would add 0 to every
		 * cell key, a noise anyone could predict. */
		if (!p->haskey && (r = root_alone(st, p)) != 0) {
			if (r == -1)
				goto out;
			snprintf(why, whysz, "dossier %s has no root change "
			    "here, so no record key ('opora verify' checks "
			    "the log)", p->id);
			goto out;
		}
		person_done(t, p, region, per);
		if ((r = store_stats_stream_next(ps)) != 1) {
			s[S_PERSONS].row = false;
			if (r != 0)
				goto out;
		}
	}
	if (emit(t, per, out) == -1) {
		snprintf(why, whysz, "out of memory");
		goto out;
	}
	rc = 0;
out:
	for (k = 0; k < S_COUNT; k++)
		store_stats_stream_close(s[k].s);
	if (t != NULL) {
		free(t->cell);
		free(t->ckey);
	}
	free(t);
	free(p);
	if (rc == -1)
		snapshot_free(out);
	return (rc);
}

/* Store snapshot s: 0, 1 when it was already, -1. */
static int
put(struct store *st, const struct snapshot *s, const void *bytes,
    size_t len, const unsigned char *sig)
{
	return (store_stats_snapshot_put(st, s, bytes, len, sig,
	    (int64_t)node_now_ms()));
}

static int
held_cb(const void *b, size_t len, int64_t received, void *arg)
{
	(void)b;
	(void)len;
	(void)received;
	(void)arg;
	return (0);
}

int
stats_held(struct store *st, const char *region, int year)
{
	int	 r;

	if ((r = store_stats_latest(st, region, year, held_cb, NULL)) == -1)
		return (-1);
	return (r == 0);
}

int
stats_publish(struct node *n, int year, char id[65], char *why,
    size_t whysz)
{
	struct snapshot	 s;
	struct buf	 b;
	uint8_t		 sig[SIG_LEN];
	char		 hlc[17], when[24];
	int		 k, rc = -1;

	if (strcmp(n->cfg.region, "RU-FED") == 0) {
		snprintf(why, whysz, "the federal node receives snapshots; it "
		    "publishes none");
		return (-1);
	}
	if (stats_compute(n->st, n->cfg.region, year, &s, why, whysz) == -1)
		return (-1);
	buf_init(&b, SNAPSHOT_MAX_BYTES);
	if (store_begin(n->st) == -1) {
		snprintf(why, whysz, "cannot open a transaction");
		goto out;
	}
	/* The same clock as changes: after everything this node saw. */
	if ((k = store_meta_get(n->st, "hlc", hlc, sizeof(hlc))) == 0) {
		uint64_t	 v;

		if (hlc_parse(hlc, strlen(hlc), &v) == 0 && v > n->hlc.last)
			n->hlc.last = v;
	} else if (k == -1) {
		store_rollback(n->st);
		snprintf(why, whysz, "cannot read the node's clock");
		goto out;
	}
	s.hlc = hlc_tick(&n->hlc, node_now_ms());
	memcpy(s.key, n->key_id, sizeof(s.key));
	hlc_format(n->hlc.last, hlc);
	if (snapshot_encode(&s, &b, why, whysz) == -1 ||
	    sig_sign(n->key, SNAPSHOT_PREFIX, b.data, b.len, sig) == -1) {
		store_rollback(n->st);
		goto out;
	}
	change_id(b.data, b.len, s.id);
	snprintf(when, sizeof(when), "%llu",
	    (unsigned long long)node_now_ms());
	if (put(n->st, &s, b.data, b.len, sig) == -1 ||
	    store_meta_raise(n->st, "hlc", hlc) == -1 ||
	    store_meta_set(n->st, "stats_published", when) == -1 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		snprintf(why, whysz, "cannot store the snapshot");
		goto out;
	}
	memcpy(id, s.id, 65);
	rc = 0;
out:
	buf_free(&b);
	snapshot_free(&s);
	return (rc);
}

int
stats_store(struct store *st, const void *bytes, size_t len,
    const unsigned char *sig, const char *peer, int *year, char *why,
    size_t whysz)
{
	struct snapshot	 s;
	struct sig_pub	*pub = NULL;
	uint8_t		 raw[SIG_PUB_LEN];
	char		 kregion[16];
	bool		 revoked;
	int		 rc = -1, k;

	if (snapshot_decode(bytes, len, &s, why, whysz) == -1)
		return (-1);
	if (year != NULL)
		*year = s.year;
	if (strcmp(s.region, peer) != 0) {
		snprintf(why, whysz, "a snapshot of %s sent by %s: a region "
		    "sends its own only", s.region, peer);
		goto out;
	}
	if ((k = store_key_get(st, s.key, kregion, raw, &revoked)) == -1) {
		snprintf(why, whysz, "cannot read the keys");
		rc = -2;
		goto out;
	}
	if (k != 0 || revoked || strcmp(kregion, s.region) != 0) {
		snprintf(why, whysz, "signed by key %s, which is not a known "
		    "key of %s", s.key, s.region);
		goto out;
	}
	if ((pub = sig_pub_new(raw)) == NULL) {
		snprintf(why, whysz, "out of memory");
		rc = -2;
		goto out;
	}
	if (sig_verify(pub, SNAPSHOT_PREFIX, bytes, len, sig) == -1) {
		snprintf(why, whysz, "the signature does not verify");
		goto out;
	}
	if ((rc = put(st, &s, bytes, len, sig)) == -1) {
		snprintf(why, whysz, "cannot store the snapshot");
		rc = -2;
	} else if (rc == 0 && store_stats_index(st, &s) == -1) {
		snprintf(why, whysz, "cannot index the snapshot");
		rc = -2;
	}
out:
	sig_pub_free(pub);
	snapshot_free(&s);
	return (rc);
}
