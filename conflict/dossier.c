/*
 * conflict/dossier.c: folding changes into a dossier's state.  See dossier.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"

const struct dossier_table_def dossier_tables[DT_COUNT] = {
	[DT_EPISODE] = { "episodes", EP_NCOL, { "id", "centre", "curator",
	    "opened", "closed", "close_reason", "region", "user", "hlc" } },
	[DT_EVENT] = { "events", EV_NCOL, { "id", "date", "type", "text",
	    "amended", "retracted", "retract_reason", "late", "region", "user",
	    "hlc" } },
	[DT_ASSESSMENT] = { "assessments", AS_NCOL, { "id", "date", "housing",
	    "education", "employment", "family", "region", "user", "hlc" } },
	[DT_CONSENT] = { "consents", CO_NCOL, { "id", "scope", "date",
	    "document", "withdrawn", "region", "user", "hlc" } },
	[DT_TRANSFER] = { "transfers", TR_NCOL, { "id", "from", "to", "reason",
	    "state", "decided", "decided_by", "decline_reason", "region", "user",
	    "hlc" } },
};

struct dossier *
dossier_new(const char *id)
{
	struct dossier	*d;

	if (strlen(id) >= sizeof(d->id) || (d = calloc(1, sizeof(*d))) == NULL)
		return (NULL);
	memcpy(d->id, id, strlen(id) + 1);
	return (d);
}

void
dossier_free(struct dossier *d)
{
	size_t	 i, r;
	int	 t, c;

	if (d == NULL)
		return;
	for (i = 0; i < PF_COUNT; i++)
		free(d->person[i]);
	for (t = 0; t < DT_COUNT; t++) {
		for (r = 0; r < d->t[t].n; r++)
			for (c = 0; c < DOSSIER_MAXCOL; c++)
				free(d->t[t].v[r].col[c]);
		free(d->t[t].v);
	}
	free(d);
}

int
dossier_stamp_cmp(const struct dossier_stamp *a, const struct dossier_stamp *b)
{
	return (hlc_order(a->hlc, a->key, a->id, b->hlc, b->key, b->id));
}

int
dossier_set(char **slot, const char *value)
{
	char	*p = NULL;

	if (value != NULL && value[0] != '\0' && (p = strdup(value)) == NULL)
		return (-1);
	free(*slot);
	*slot = p;
	return (0);
}

/* Copy at most n bytes of a C string into a fixed array, NUL-terminated. */
static void
copy_fixed(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = src != NULL ? strlen(src) : 0;

	if (n >= dstsz)
		n = dstsz - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

struct dossier_row *
dossier_find(const struct dossier *d, enum dossier_table t, const char *id)
{
	size_t	 r;

	/* Linear: a dossier holds at most a few thousand entries, and a
	 * lookup happens only for an amendment, a closing or a withdrawal. */
	for (r = 0; r < d->t[t].n; r++)
		if (strcmp(d->t[t].v[r].col[COL_ID], id) == 0)
			return (&d->t[t].v[r]);
	return (NULL);
}

static struct dossier_row *
row_new(struct dossier *d, enum dossier_table t)
{
	struct dossier_rows	*rows = &d->t[t];
	struct dossier_row	*v;
	size_t			 ncap;

	if (rows->n == rows->cap) {
		ncap = rows->cap ? rows->cap * 2 : 8;
		if ((v = reallocarray(rows->v, ncap, sizeof(*v))) == NULL)
			return (NULL);
		rows->v = v;
		rows->cap = ncap;
	}
	v = &rows->v[rows->n++];
	memset(v, 0, sizeof(*v));
	v->dirty = true;
	return (v);
}

int
dossier_add_row(struct dossier *d, enum dossier_table t,
    const char *const *cols)
{
	struct dossier_row	*r;
	int			 c;

	if ((r = row_new(d, t)) == NULL)
		return (-1);
	for (c = 0; c < dossier_tables[t].ncol; c++)
		if (dossier_set(&r->col[c], cols[c]) == -1)
			return (-1);
	r->dirty = false;
	return (0);
}

void
dossier_mark_clean(struct dossier *d)
{
	size_t	 r;
	int	 t;

	d->person_dirty = false;
	for (t = 0; t < DT_COUNT; t++)
		for (r = 0; r < d->t[t].n; r++)
			d->t[t].v[r].dirty = false;
}

/*
 * A new row for the entry created by operation i of change m: its id is
 * "<change id>/<i>", and it records who wrote it and when.
 */
static struct dossier_row *
entry_new(struct dossier *d, enum dossier_table t, const struct change_meta *m,
    size_t i, int col_region)
{
	struct dossier_row	*r;
	char			 id[80], hlc[17];

	if ((r = row_new(d, t)) == NULL)
		return (NULL);
	snprintf(id, sizeof(id), "%s/%zu", m->id, i);
	hlc_format(m->hlc, hlc);
	if (dossier_set(&r->col[COL_ID], id) == -1 ||
	    dossier_set(&r->col[col_region], m->region) == -1 ||
	    dossier_set(&r->col[col_region + 1], m->user) == -1 ||
	    dossier_set(&r->col[col_region + 2], hlc) == -1)
		return (NULL);
	return (r);
}

/*
 * Decide a pending offer.  Only the destination accepts or declines, only
 * the offering region cancels, and only while the offer is pending: when an
 * accept and a cancel race, the first in the total order wins and the other
 * is skipped here, the same way on every node.
 */
static int
decide(struct dossier *d, const struct change_meta *m, const struct op *o)
{
	struct dossier_row	*r;
	char			 hlc[17];
	const char		*state;

	if ((r = dossier_find(d, DT_TRANSFER, o->arg[OA_REF])) == NULL ||
	    r->col[TR_STATE] == NULL || strcmp(r->col[TR_STATE], "offered") != 0)
		return (0);
	if (o->kind == OP_TRANSFER_CANCEL ?
	    strcmp(m->region, r->col[TR_FROM]) != 0 :
	    strcmp(m->region, r->col[TR_TO]) != 0)
		return (0);
	state = o->kind == OP_TRANSFER_ACCEPT ? "accepted" :
	    o->kind == OP_TRANSFER_DECLINE ? "declined" : "cancelled";
	hlc_format(m->hlc, hlc);
	r->dirty = true;
	if (dossier_set(&r->col[TR_STATE], state) == -1 ||
	    dossier_set(&r->col[TR_DECIDED], hlc) == -1 ||
	    dossier_set(&r->col[TR_DECIDED_BY], m->id) == -1 ||
	    (o->kind == OP_TRANSFER_DECLINE && dossier_set(
	    &r->col[TR_DECLINE_REASON], o->arg[OA_REASON]) == -1))
		return (-1);
	if (o->kind == OP_TRANSFER_ACCEPT) {
		copy_fixed(d->custodian, sizeof(d->custodian), r->col[TR_TO]);
		d->person_dirty = true;
	}
	return (0);
}

/* Apply operation i of change m.  0, or -1 when out of memory. */
static int
apply_op(struct dossier *d, const struct change_meta *m, const struct op *o,
    size_t i)
{
	struct dossier_row	*r;
	const char *const	*a = o->arg;
	char			 num[24];
	bool			 void_offer;
	int			 f;

	switch (o->kind) {
	case OP_PERSON_CREATE:
		for (f = 0; f < PF_COUNT; f++)
			if (dossier_set(&d->person[f], o->person[f]) == -1)
				return (-1);
		copy_fixed(d->origin, sizeof(d->origin), m->region);
		copy_fixed(d->custodian, sizeof(d->custodian), m->region);
		hlc_format(m->hlc, d->created);
		d->person_dirty = true;
		return (0);
	case OP_PERSON_SET:
		if (o->field < 0 || o->field >= PF_COUNT)
			return (0);
		d->person_dirty = true;
		return (dossier_set(&d->person[o->field], a[OA_VALUE]));
	case OP_EPISODE_OPEN:
		if ((r = entry_new(d, DT_EPISODE, m, i, EP_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[EP_CENTRE], a[OA_CENTRE]) == -1 ||
		    dossier_set(&r->col[EP_CURATOR], a[OA_CURATOR]) == -1 ||
		    dossier_set(&r->col[EP_OPENED], a[OA_DATE]) == -1)
			return (-1);
		return (0);
	case OP_EPISODE_CLOSE:
		if ((r = dossier_find(d, DT_EPISODE, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (dossier_set(&r->col[EP_CLOSED], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[EP_CLOSE_REASON], a[OA_REASON]) == -1)
			return (-1);
		return (0);
	case OP_EVENT_ADD:
		if ((r = entry_new(d, DT_EVENT, m, i, EV_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[EV_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[EV_TYPE], a[OA_TYPE]) == -1 ||
		    dossier_set(&r->col[EV_TEXT], a[OA_TEXT]) == -1 ||
		    dossier_set(&r->col[EV_AMENDED], "0") == -1 ||
		    dossier_set(&r->col[EV_RETRACTED], "0") == -1 ||
		    /* A note by a former custodian is a late note. */
		    dossier_set(&r->col[EV_LATE], strcmp(m->region,
		    d->custodian) == 0 ? "0" : "1") == -1)
			return (-1);
		return (0);
	case OP_EVENT_AMEND:
		if ((r = dossier_find(d, DT_EVENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		snprintf(num, sizeof(num), "%ld",
		    strtol(r->col[EV_AMENDED] ? r->col[EV_AMENDED] : "0",
		    NULL, 10) + 1);
		if ((a[OA_DATE] != NULL &&
		    dossier_set(&r->col[EV_DATE], a[OA_DATE]) == -1) ||
		    (a[OA_TYPE] != NULL &&
		    dossier_set(&r->col[EV_TYPE], a[OA_TYPE]) == -1) ||
		    (a[OA_TEXT] != NULL &&
		    dossier_set(&r->col[EV_TEXT], a[OA_TEXT]) == -1) ||
		    dossier_set(&r->col[EV_AMENDED], num) == -1)
			return (-1);
		return (0);
	case OP_EVENT_RETRACT:
		if ((r = dossier_find(d, DT_EVENT, a[OA_REF])) == NULL)
			return (0);
		r->dirty = true;
		if (dossier_set(&r->col[EV_RETRACTED], "1") == -1 ||
		    dossier_set(&r->col[EV_RETRACT_REASON], a[OA_REASON]) == -1)
			return (-1);
		return (0);
	case OP_ASSESSMENT_ADD:
		if ((r = entry_new(d, DT_ASSESSMENT, m, i, AS_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[AS_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[AS_HOUSING], a[OA_HOUSING]) == -1 ||
		    dossier_set(&r->col[AS_EDUCATION], a[OA_EDUCATION]) == -1 ||
		    dossier_set(&r->col[AS_EMPLOYMENT],
		    a[OA_EMPLOYMENT]) == -1 ||
		    dossier_set(&r->col[AS_FAMILY], a[OA_FAMILY]) == -1)
			return (-1);
		return (0);
	case OP_CONSENT_ADD:
		if ((r = entry_new(d, DT_CONSENT, m, i, CO_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[CO_SCOPE], a[OA_SCOPE]) == -1 ||
		    dossier_set(&r->col[CO_DATE], a[OA_DATE]) == -1 ||
		    dossier_set(&r->col[CO_DOCUMENT], a[OA_DOCUMENT]) == -1)
			return (-1);
		return (0);
	case OP_CONSENT_WITHDRAW:
		if ((r = dossier_find(d, DT_CONSENT, a[OA_REF])) == NULL ||
		    r->col[CO_WITHDRAWN] != NULL)
			return (0);
		r->dirty = true;
		return (dossier_set(&r->col[CO_WITHDRAWN], a[OA_DATE]));
	case OP_TRANSFER_OFFER:
		/*
		 * Custody follows the total order: an offer by a region that
		 * is not the custodian at this point (it lost a race: its own
		 * accept came after a cancel), or while another offer is
		 * pending, is void.  It stays in the record, so the loser can
		 * be shown, but moves nothing.
		 */
		void_offer = strcmp(m->region, d->custodian) != 0 ||
		    dossier_pending_offer(d) != NULL;
		if ((r = entry_new(d, DT_TRANSFER, m, i, TR_REGION)) == NULL)
			return (-1);
		if (dossier_set(&r->col[TR_FROM], m->region) == -1 ||
		    dossier_set(&r->col[TR_TO], a[OA_TO]) == -1 ||
		    dossier_set(&r->col[TR_REASON], a[OA_REASON]) == -1 ||
		    dossier_set(&r->col[TR_STATE], void_offer ? "void" :
		    "offered") == -1)
			return (-1);
		return (0);
	case OP_TRANSFER_ACCEPT:
	case OP_TRANSFER_DECLINE:
	case OP_TRANSFER_CANCEL:
		return (decide(d, m, o));
	default:
		return (0);
	}
}

struct dossier_row *
dossier_pending_offer(const struct dossier *d)
{
	size_t	 r;

	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		struct dossier_row *row = &d->t[DT_TRANSFER].v[r];

		if (row->col[TR_STATE] != NULL &&
		    strcmp(row->col[TR_STATE], "offered") == 0)
			return (row);
	}
	return (NULL);
}

bool
dossier_entitled(const struct dossier *d, const char *region)
{
	const struct dossier_row	*row;
	size_t				 r;

	if (strcmp(d->custodian, region) == 0)
		return (true);
	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		row = &d->t[DT_TRANSFER].v[r];
		if (row->col[TR_STATE] == NULL)
			continue;
		if (strcmp(row->col[TR_STATE], "accepted") == 0 &&
		    strcmp(row->col[TR_FROM], region) == 0)
			return (true);
		if (strcmp(row->col[TR_STATE], "offered") == 0 &&
		    strcmp(row->col[TR_TO], region) == 0)
			return (true);
	}
	return (false);
}

int
dossier_custody_end(const struct dossier *d, const char *region, char out[11])
{
	const struct dossier_row	*row;
	uint64_t			 best = 0, v;
	size_t				 r;
	int64_t				 days, z, era, doe, yoe, y, doy, mp;
	unsigned			 mo, dd;

	for (r = 0; r < d->t[DT_TRANSFER].n; r++) {
		row = &d->t[DT_TRANSFER].v[r];
		if (row->col[TR_STATE] == NULL || row->col[TR_DECIDED] == NULL ||
		    strcmp(row->col[TR_STATE], "accepted") != 0 ||
		    strcmp(row->col[TR_FROM], region) != 0 ||
		    hlc_parse(row->col[TR_DECIDED],
		    strlen(row->col[TR_DECIDED]), &v) == -1)
			continue;
		if (v > best)
			best = v;
	}
	if (best == 0)
		return (-1);
	/* The UTC day of the accept (Howard Hinnant's civil_from_days). */
	days = (int64_t)(hlc_ms(best) / 86400000ULL);
	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	mo = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	if (mo <= 2)
		y++;
	if (y < 1000 || y > 9999 || mo < 1 || mo > 12 || dd < 1 || dd > 31)
		return (-1);
	out[0] = (char)('0' + y / 1000);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + mo / 10);
	out[6] = (char)('0' + mo % 10);
	out[7] = '-';
	out[8] = (char)('0' + dd / 10);
	out[9] = (char)('0' + dd % 10);
	out[10] = '\0';
	return (0);
}

int
dossier_apply(struct dossier *d, const struct change_meta *m,
    const struct op *ops, size_t nops)
{
	struct dossier_stamp	 s;
	size_t			 i;

	s.hlc = m->hlc;
	copy_fixed(s.key, sizeof(s.key), m->key);
	copy_fixed(s.id, sizeof(s.id), m->id);
	if (d->nchanges > 0 && dossier_stamp_cmp(&s, &d->last) <= 0)
		return (1);
	for (i = 0; i < nops; i++)
		if (apply_op(d, m, &ops[i], i) == -1)
			return (-1);
	d->last = s;
	d->nchanges++;
	hlc_format(m->hlc, d->updated);
	d->person_dirty = true;
	return (0);
}
