/*
 * node/view.c: materialised views.  See view.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "conflict/hlc.h"
#include "node/store.h"
#include "node/store_view.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"

int
view_load(struct store *st, const char *id, struct dossier **out)
{
	return (store_view_load(st, id, out));
}

void
view_name_key(const char *surname, const char *name, const char *birth,
    char out[VIEW_NAME_KEY])
{
	char	 a[2 * LIMIT_NAME + 1], b[2 * LIMIT_NAME + 1];

	out[0] = '\0';
	if (surname == NULL || name == NULL || birth == NULL ||
	    fields_name_fold(surname, strlen(surname), a, sizeof(a)) == -1 ||
	    fields_name_fold(name, strlen(name), b, sizeof(b)) == -1)
		return;
	snprintf(out, VIEW_NAME_KEY, "%s|%s|%s", a, b, birth);
}

int
view_linked(struct store *st, const char *id, char (**out)[37], size_t *n)
{
	return (store_view_linked(st, id, out, n));
}

/* Drop from v the dossiers linked to id, directly or through others. */
static int
view_unlinked_only(struct store *st, const char *id, struct view_dup *v,
    size_t *n)
{
	char	(*linked)[37];
	size_t	 nl, i, j, keep = 0;

	if (view_linked(st, id, &linked, &nl) == -1)
		return (-1);
	for (i = 0; i < *n; i++) {
		for (j = 0; j < nl; j++)
			if (strcmp(v[i].id, linked[j]) == 0)
				break;
		if (j == nl)
			v[keep++] = v[i];
	}
	*n = keep;
	free(linked);
	return (0);
}

/* The duplicates being gathered. */
struct dups {
	struct view_dup	*v;
	size_t		 n, cap;
};

static int
dup_one(const char *id, bool snils, bool name, void *arg)
{
	struct dups	*d = arg;
	struct view_dup	*nv;

	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 4;
		if ((nv = reallocarray(d->v, d->cap, sizeof(*nv))) == NULL)
			return (-1);
		d->v = nv;
	}
	snprintf(d->v[d->n].id, sizeof(d->v[d->n].id), "%s", id);
	d->v[d->n].snils = snils;
	d->v[d->n].name = name;
	d->n++;
	return (0);
}

char *
view_dup_ids(const struct view_dup *dups, size_t n)
{
	char	*ids;
	size_t	 k;

	if ((ids = malloc(n * 37 + 1)) == NULL)
		return (NULL);
	ids[0] = '\0';
	for (k = 0; k < n; k++) {
		memcpy(ids + k * 37, dups[k].id, 36);
		ids[k * 37 + 36] = k + 1 < n ? ' ' : '\0';
	}
	return (ids);
}

int
view_duplicates_of(struct store *st, const char *except, const char *snils,
    const char *key, struct view_dup **out, size_t *n)
{
	struct dups	 d;
	struct view_dup	*v;

	*out = NULL;
	*n = 0;
	memset(&d, 0, sizeof(d));
	if (store_view_dups_of(st, except, snils, key, dup_one, &d) != 0) {
		free(d.v);
		return (-1);
	}
	v = d.v;
	*n = d.n;
	/* Those already linked to it, directly or not, are not candidates. */
	if (except != NULL && *n > 0 && view_unlinked_only(st, except, v,
	    n) == -1) {
		free(v);
		*n = 0;
		return (-1);
	}
	*out = v;
	return (0);
}

/* Write d's person row, with the folded forms searches use. */
static int
save_person(struct store *st, const struct dossier *d)
{
	char		 fold[2 * LIMIT_NAME + 1], key[VIEW_NAME_KEY];
	char		 nfold[2 * LIMIT_NAME + 1];
	const char	*sn = d->person[PF_SURNAME], *nm = d->person[PF_NAME];

	if (sn == NULL || fields_name_fold(sn, strlen(sn), fold,
	    sizeof(fold)) == -1)
		fold[0] = '\0';
	/* The first name folded the same way, for 'find --name'. */
	if (nm == NULL || fields_name_fold(nm, strlen(nm), nfold,
	    sizeof(nfold)) == -1)
		nfold[0] = '\0';
	view_name_key(d->person[PF_SURNAME], d->person[PF_NAME],
	    d->person[PF_BIRTH_DATE], key);
	return (store_view_person_put(st, d, fold, key[0] != '\0' ? key :
	    NULL, nfold));
}

static int
save(struct store *st, struct dossier *d, bool tail_later)
{
	size_t	 r;
	int	 t, k;
	bool	 owed = tail_later && d->tail_dirty && !d->person_dirty;

	/* Most changes move only the row's count and last change: those
	 * columns alone, not the folded names and their indexes (a row
	 * that is not there yet is written whole). */
	if (d->person_dirty) {
		if (save_person(st, d) == -1)
			return (-1);
	} else if (d->tail_dirty && !owed) {
		if ((k = store_view_person_tail(st, d)) == -1 ||
		    (k == 0 && save_person(st, d) == -1))
			return (-1);
	}
	for (t = 0; t < DT_COUNT; t++)
		for (r = 0; r < d->t[t].n; r++)
			if (d->t[t].v[r].dirty &&
			    store_view_row_put(st, d, t, r) == -1)
				return (-1);
	dossier_mark_clean(d);
	d->tail_dirty = d->tail_owed = owed;
	return (0);
}

int
view_save(struct store *st, struct dossier *d)
{
	return (save(st, d, false));
}

int
view_save_rows(struct store *st, struct dossier *d)
{
	return (save(st, d, true));
}

int
view_save_tail(struct store *st, struct dossier *d)
{
	if (!d->tail_owed)
		return (0);
	if (store_view_person_tail(st, d) == -1)
		return (-1);
	d->tail_dirty = d->tail_owed = false;
	return (0);
}

int
view_clear(struct store *st, const char *id)
{
	return (store_view_clear(st, id));
}

struct fold_arg {
	struct dossier	*d;
	char		*why;
	size_t		 whysz;
	view_known_fn	 known;		/* or NULL */
	void		*known_arg;
};

/* Apply change c, stored as id, to fa->d.  0, -1 or VIEW_NOMEM with a
 * reason in fa->why. */
static int
fold_apply(struct fold_arg *fa, const struct change *c, const char *id)
{
	int	 r;

	if ((r = dossier_apply(fa->d, &c->meta, c->ops, c->nops)) != 0) {
		snprintf(fa->why, fa->whysz, r == 1 ? "change %s is out of "
		    "order" : "out of memory folding change %s", id);
		return (r == 1 ? -1 : VIEW_NOMEM);
	}
	return (0);
}

static int
fold_one(const struct store_row *row, void *arg)
{
	struct fold_arg		*fa = arg;
	struct change		*c = NULL;
	const struct change	*kc;
	char			 why[256];
	int			 r;

	/* Decoded already from these very bytes: its id is theirs. */
	if (fa->known != NULL && (kc = fa->known(row->id, row->bytes,
	    row->len, fa->known_arg)) != NULL) {
		if (strcmp(kc->id, row->id) != 0) {
			snprintf(fa->why, fa->whysz, "change %s: its bytes "
			    "hash to %s", row->id, kc->id);
			return (-1);
		}
		return (fold_apply(fa, kc, row->id));
	}
	if ((r = change_decode(row->bytes, row->len, &c, why,
	    sizeof(why))) != 0) {
		if (r == CHANGE_NOMEM) {
			snprintf(fa->why, fa->whysz, "out of memory");
			return (VIEW_NOMEM);
		}
		snprintf(fa->why, fa->whysz, "change %s does not decode: %s",
		    row->id, why);
		return (-1);
	}
	if (strcmp(c->id, row->id) != 0) {
		snprintf(fa->why, fa->whysz, "change %s: its bytes hash to %s",
		    row->id, c->id);
		change_free(c);
		return (-1);
	}
	r = fold_apply(fa, c, row->id);
	change_free(c);
	return (r);
}

int
view_fold(struct store *st, const char *id, struct dossier **out, char *why,
    size_t whysz)
{
	return (view_fold_known(st, id, NULL, NULL, out, why, whysz));
}

int
view_fold_known(struct store *st, const char *id, view_known_fn known,
    void *arg, struct dossier **out, char *why, size_t whysz)
{
	struct fold_arg	 fa;
	int		 r;

	*out = NULL;
	fa.known = known;
	fa.known_arg = arg;
	if ((fa.d = dossier_new(id)) == NULL) {
		snprintf(why, whysz, "out of memory");
		return (VIEW_NOMEM);
	}
	fa.why = why;
	fa.whysz = whysz;
	snprintf(why, whysz, "database error");
	if ((r = store_each_change(st, id, fold_one, &fa)) != 0) {
		dossier_free(fa.d);
		return (r == VIEW_NOMEM ? VIEW_NOMEM : -1);
	}
	if (fa.d->nchanges == 0) {
		dossier_free(fa.d);
		return (1);
	}
	*out = fa.d;
	return (0);
}

struct link {
	char	 id[65];
	char	 parent[65];	/* "" for none */
};

struct past {
	struct link	*links;		/* sorted by id */
	size_t		 nlinks, cap;
	char		(*marked)[65];	/* the ancestors, sorted */
	size_t		 nmarked;
	struct dossier	*d;
	char		*why;
	size_t		 whysz;
};

static int
cmp_id(const void *a, const void *b)
{
	return (strcmp(a, b));
}

static int
fold_past_one(const struct store_row *row, void *arg)
{
	struct past	*pa = arg;

	if (bsearch(row->id, pa->marked, pa->nmarked, sizeof(*pa->marked),
	    cmp_id) == NULL)
		return (0);
	{
		struct fold_arg fa = { pa->d, pa->why, pa->whysz, NULL, NULL };

		return (fold_one(row, &fa));
	}
}

/* Keep a change's link to a parent. */
static int
link_one(const char *id, const char *parent, void *arg)
{
	struct past	*pa = arg;
	void		*nv;

	if (pa->nlinks == pa->cap) {
		pa->cap = pa->cap ? pa->cap * 2 : 64;
		if ((nv = reallocarray(pa->links, pa->cap,
		    sizeof(*pa->links))) == NULL) {
			snprintf(pa->why, pa->whysz, "out of memory");
			return (1);
		}
		pa->links = nv;
	}
	snprintf(pa->links[pa->nlinks].id, 65, "%s", id);
	snprintf(pa->links[pa->nlinks].parent, 65, "%s", parent);
	pa->nlinks++;
	return (0);
}

int
view_fold_past(struct store *st, const char *id, char (*parents)[65],
    size_t nparents, struct dossier **out, char *why, size_t whysz)
{
	struct past	 pa;
	char		(*stack)[65] = NULL;
	size_t		 nstack = 0, i, lo;
	int		 rc = -1;

	memset(&pa, 0, sizeof(pa));
	*out = NULL;
	pa.why = why;
	pa.whysz = whysz;
	snprintf(why, whysz, "database error");
	if (store_view_change_links(st, id, link_one, &pa) != 0)
		goto out;
	snprintf(why, whysz, "out of memory");
	/* Walk back from the parents; links are sorted by child id. */
	if ((pa.marked = calloc(pa.nlinks + nparents + 1,
	    sizeof(*pa.marked))) == NULL ||
	    (stack = calloc(pa.nlinks + nparents + 1, sizeof(*stack))) == NULL)
		goto out;
	for (i = 0; i < nparents; i++)
		memcpy(stack[nstack++], parents[i], 65);
	while (nstack > 0) {
		char	 cur[65];

		memcpy(cur, stack[--nstack], 65);
		if (bsearch(cur, pa.marked, pa.nmarked, sizeof(*pa.marked),
		    cmp_id) != NULL)
			continue;
		/* Keep marked sorted: insert in place (histories are small). */
		for (lo = pa.nmarked; lo > 0 && strcmp(pa.marked[lo - 1],
		    cur) > 0; lo--)
			memcpy(pa.marked[lo], pa.marked[lo - 1], 65);
		memcpy(pa.marked[lo], cur, 65);
		pa.nmarked++;
		for (i = 0; i < pa.nlinks; i++)
			if (strcmp(pa.links[i].id, cur) == 0 &&
			    pa.links[i].parent[0] != '\0' &&
			    nstack < pa.nlinks + nparents)
				memcpy(stack[nstack++], pa.links[i].parent, 65);
	}
	if ((pa.d = dossier_new(id)) == NULL)
		goto out;
	snprintf(why, whysz, "database error");
	if (store_each_change(st, id, fold_past_one, &pa) != 0)
		goto out;
	*out = pa.d;
	pa.d = NULL;
	rc = 0;
out:
	dossier_free(pa.d);
	free(pa.links);
	free(pa.marked);
	free(stack);
	return (rc);
}

static int
add_str(cJSON *o, const char *k, const char *v)
{
	if (v == NULL || v[0] == '\0')
		return (0);
	return (cJSON_AddStringToObject(o, k, v) != NULL ? 0 : -1);
}

cJSON *
view_json(const struct dossier *d)
{
	cJSON	*j, *p, *a, *o;
	size_t	 r;
	int	 f, t, c;

	if ((j = cJSON_CreateObject()) == NULL)
		return (NULL);
	if (add_str(j, "dossier", d->id) == -1 ||
	    add_str(j, "origin", d->origin) == -1 ||
	    add_str(j, "custodian", d->custodian) == -1 ||
	    add_str(j, "created", d->created) == -1 ||
	    add_str(j, "updated", d->updated) == -1 ||
	    cJSON_AddNumberToObject(j, "changes", (double)d->nchanges) == NULL ||
	    (p = cJSON_AddObjectToObject(j, "person")) == NULL)
		goto bad;
	for (f = 0; f < PF_COUNT; f++)
		if (add_str(p, op_field_name(f), d->person[f]) == -1)
			goto bad;
	for (t = 0; t < DT_COUNT; t++) {
		if ((a = cJSON_AddArrayToObject(j,
		    dossier_tables[t].name)) == NULL)
			goto bad;
		for (r = 0; r < d->t[t].n; r++) {
			if ((o = cJSON_CreateObject()) == NULL)
				goto bad;
			cJSON_AddItemToArray(a, o);
			for (c = 0; c < dossier_tables[t].ncol; c++)
				if (add_str(o, dossier_tables[t].cols[c],
				    d->t[t].v[r].col[c]) == -1)
					goto bad;
		}
	}
	return (j);
bad:
	cJSON_Delete(j);
	return (NULL);
}

int
view_digest(const struct dossier *d, char out[65])
{
	struct buf	 b;
	cJSON		*j;
	int		 rc = -1;

	buf_init(&b, (size_t)1 << 30);
	if ((j = view_json(d)) == NULL)
		return (-1);
	/* The state document has no element limit: a dossier may hold
	 * thousands of events.  jcs_write's limit guards parsing, not this. */
	if (jcs_write(&b, j, SIZE_MAX, NULL) == 0) {
		change_id(b.data, b.len, out);
		rc = 0;
	}
	cJSON_Delete(j);
	buf_free(&b);
	return (rc);
}
