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
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"

static const char SQL_PERSON_GET[] =
    "SELECT surname, name, patronymic, birth_date, sex, snils, institution,"
    " graduated, phone, email, address, origin, custodian, created, updated,"
    " nchanges, last_hlc, last_key, last_id FROM persons WHERE dossier = ?";
static const char SQL_PERSON_PUT[] =
    "INSERT INTO persons (dossier, surname, name, patronymic, birth_date,"
    " sex, snils, institution, graduated, phone, email, address, origin,"
    " custodian, created, updated, nchanges, last_hlc, last_key, last_id,"
    " surname_fold, name_key, name_fold)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
    " ON CONFLICT (dossier) DO UPDATE SET surname = excluded.surname,"
    " name = excluded.name, patronymic = excluded.patronymic,"
    " birth_date = excluded.birth_date, sex = excluded.sex,"
    " snils = excluded.snils, institution = excluded.institution,"
    " graduated = excluded.graduated, phone = excluded.phone,"
    " email = excluded.email, address = excluded.address,"
    " origin = excluded.origin, custodian = excluded.custodian,"
    " created = excluded.created, updated = excluded.updated,"
    " nchanges = excluded.nchanges, last_hlc = excluded.last_hlc,"
    " last_key = excluded.last_key, last_id = excluded.last_id,"
    " surname_fold = excluded.surname_fold, name_key = excluded.name_key,"
    " name_fold = excluded.name_fold";

/*
 * The entry tables' statements, one per table.  They are written out rather
 * than assembled, so that every statement the node runs can be read here;
 * their columns follow dossier_tables[] in conflict/dossier.c.
 */
static const char *const SQL_ROWS_GET[DT_COUNT] = {
	[DT_EPISODE] = "SELECT id, centre, curator, opened, closed,"
	    " close_reason, region, user, hlc FROM episodes"
	    " WHERE dossier = ? ORDER BY pos",
	[DT_EVENT] = "SELECT id, date, type, text, amended, retracted,"
	    " retract_reason, late, region, user, hlc FROM events"
	    " WHERE dossier = ? ORDER BY pos",
	[DT_ASSESSMENT] = "SELECT id, date, housing, education, employment,"
	    " family, region, user, hlc FROM assessments"
	    " WHERE dossier = ? ORDER BY pos",
	[DT_CONSENT] = "SELECT id, scope, date, document, withdrawn, region,"
	    " user, hlc FROM consents WHERE dossier = ? ORDER BY pos",
	[DT_TRANSFER] = "SELECT id, \"from\", \"to\", reason, state, decided,"
	    " decided_by, decline_reason, late, late_by, region, user, hlc"
	    " FROM transfers"
	    " WHERE dossier = ? ORDER BY pos",
	[DT_CONFLICT] = "SELECT id, field, value, winner, winner_value,"
	    " winner_region, winner_user, winner_hlc, state, closed_by, closed,"
	    " region, user, hlc FROM conflicts WHERE dossier = ? ORDER BY pos",
	[DT_LINK] = "SELECT id, other, reason, state, unlinked, unlinked_by,"
	    " unlink_reason, region, user, hlc FROM links WHERE dossier = ?"
	    " ORDER BY pos",
};
static const char *const SQL_ROWS_PUT[DT_COUNT] = {
	[DT_EPISODE] = "INSERT OR REPLACE INTO episodes (id, centre, curator,"
	    " opened, closed, close_reason, region, user, hlc, dossier, pos)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[DT_EVENT] = "INSERT OR REPLACE INTO events (id, date, type, text,"
	    " amended, retracted, retract_reason, late, region, user, hlc,"
	    " dossier, pos) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[DT_ASSESSMENT] = "INSERT OR REPLACE INTO assessments (id, date,"
	    " housing, education, employment, family, region, user, hlc,"
	    " dossier, pos) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
	[DT_CONSENT] = "INSERT OR REPLACE INTO consents (id, scope, date,"
	    " document, withdrawn, region, user, hlc, dossier, pos)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?)",
	[DT_TRANSFER] = "INSERT OR REPLACE INTO transfers (id, \"from\","
	    " \"to\", reason, state, decided, decided_by, decline_reason,"
	    " late, late_by, region, user, hlc, dossier, pos)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[DT_CONFLICT] = "INSERT OR REPLACE INTO conflicts (id, field, value,"
	    " winner, winner_value, winner_region, winner_user, winner_hlc,"
	    " state, closed_by, closed, region, user, hlc, dossier, pos)"
	    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
	[DT_LINK] = "INSERT OR REPLACE INTO links (id, other, reason, state,"
	    " unlinked, unlinked_by, unlink_reason, region, user, hlc, dossier,"
	    " pos) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
};
static const char *const SQL_ROWS_DEL[DT_COUNT] = {
	[DT_EPISODE] = "DELETE FROM episodes WHERE dossier = ?",
	[DT_EVENT] = "DELETE FROM events WHERE dossier = ?",
	[DT_ASSESSMENT] = "DELETE FROM assessments WHERE dossier = ?",
	[DT_CONSENT] = "DELETE FROM consents WHERE dossier = ?",
	[DT_TRANSFER] = "DELETE FROM transfers WHERE dossier = ?",
	[DT_CONFLICT] = "DELETE FROM conflicts WHERE dossier = ?",
	[DT_LINK] = "DELETE FROM links WHERE dossier = ?",
};
static const char SQL_PERSON_DEL[] = "DELETE FROM persons WHERE dossier = ?";

static const char *
col_text(sqlite3_stmt *s, int i)
{
	return ((const char *)sqlite3_column_text(s, i));
}

static void
copy_col(char *dst, size_t dstsz, const char *src)
{
	size_t	 n = src != NULL ? strlen(src) : 0;

	if (n >= dstsz)
		n = dstsz - 1;
	if (n > 0)
		memcpy(dst, src, n);
	dst[n] = '\0';
}

static int
load_rows(struct store *st, struct dossier *d, enum dossier_table t)
{
	sqlite3_stmt	*s;
	const char	*cols[DOSSIER_MAXCOL];
	int		 c, r, rc = -1;

	if ((s = store_stmt(st, SQL_ROWS_GET[t])) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, d->id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (c = 0; c < dossier_tables[t].ncol; c++)
			cols[c] = col_text(s, c);
		if (cols[COL_ID] == NULL || dossier_add_row(d, t, cols) == -1)
			goto out;
	}
	if (r == STORE_DONE)
		rc = 0;
out:
	if (rc == -1)
		log_warnx("read %s of dossier %s: %s", dossier_tables[t].name,
		    d->id, sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	return (rc);
}

int
view_load(struct store *st, const char *id, struct dossier **out)
{
	struct dossier	*d = NULL;
	sqlite3_stmt	*s;
	const char	*v;
	char		(*heads)[CHANGE_ID_HEX + 1] = NULL;
	size_t		 nheads = 0;
	int		 f, t, r, rc = -1;

	*out = NULL;
	if ((s = store_stmt(st, SQL_PERSON_GET)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto err;
	if ((r = store_step(st, s)) == STORE_DONE) {
		rc = 1;
		goto out;
	}
	if (r != STORE_ROW)
		goto err;
	if ((d = dossier_new(id)) == NULL)
		goto out;
	for (f = 0; f < PF_COUNT; f++)
		if (dossier_set(&d->person[f], col_text(s, f)) == -1)
			goto out;
	copy_col(d->origin, sizeof(d->origin), col_text(s, PF_COUNT));
	copy_col(d->custodian, sizeof(d->custodian), col_text(s, PF_COUNT + 1));
	copy_col(d->created, sizeof(d->created), col_text(s, PF_COUNT + 2));
	copy_col(d->updated, sizeof(d->updated), col_text(s, PF_COUNT + 3));
	d->nchanges = (uint64_t)sqlite3_column_int64(s, PF_COUNT + 4);
	v = col_text(s, PF_COUNT + 5);
	if (v == NULL || hlc_parse(v, strlen(v), &d->last.hlc) == -1) {
		log_warnx("dossier %s: its stored clock is damaged", id);
		goto out;
	}
	copy_col(d->last.key, sizeof(d->last.key), col_text(s, PF_COUNT + 6));
	copy_col(d->last.id, sizeof(d->last.id), col_text(s, PF_COUNT + 7));
	sqlite3_reset(s);
	for (t = 0; t < DT_COUNT; t++)
		if (load_rows(st, d, t) == -1)
			goto out;
	if (store_heads(st, id, &heads, &nheads) == -1 ||
	    dossier_loaded(d, (const char (*)[65])heads, nheads) == -1)
		goto out;
	*out = d;
	d = NULL;
	rc = 0;
	goto out;
err:
	log_warnx("read dossier %s: %s", id, sqlite3_errmsg(store_db(st)));
out:
	sqlite3_reset(s);
	free(heads);
	dossier_free(d);
	return (rc);
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

static int	 bind_opt(sqlite3_stmt *, int, const char *);

/* Linked as the same person: by mutual links (each dossier holding a link
 * to the other, neither undone), one after another; docs/protocol.md,
 * "Links". */
static const char SQL_LINKED[] =
    "WITH RECURSIVE c(d) AS (SELECT ?1"
    " UNION SELECT l.other FROM links l JOIN c ON l.dossier = c.d"
    "  WHERE l.state = 'linked' AND EXISTS (SELECT 1 FROM links m"
    "  WHERE m.dossier = l.other AND m.other = l.dossier"
    "  AND m.state = 'linked'))"
    " SELECT d FROM c WHERE d <> ?1 AND d IN (SELECT dossier FROM persons)"
    " ORDER BY d";

int
view_linked(struct store *st, const char *id, char (**out)[37], size_t *n)
{
	sqlite3_stmt	*s;
	char		(*v)[37] = NULL, (*nv)[37];
	const char	*o;
	size_t		 cap = 0;
	int		 r;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, SQL_LINKED)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((o = col_text(s, 0)) == NULL || strlen(o) != 36)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		memcpy(v[(*n)++], o, 37);
	}
	sqlite3_reset(s);
	if (r != STORE_DONE) {
		log_warnx("read the links of dossier %s: %s", id,
		    sqlite3_errmsg(store_db(st)));
		free(v);
		*n = 0;
		return (-1);
	}
	*out = v;
	return (0);
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

static const char SQL_DUPS_OF[] =
    "SELECT dossier, coalesce(snils = ?2, 0), coalesce(name_key = ?3, 0)"
    " FROM persons WHERE (snils = ?2 OR name_key = ?3)"
    " AND dossier <> coalesce(?1, '')"
    " ORDER BY dossier LIMIT 100";

int
view_duplicates_of(struct store *st, const char *except, const char *snils,
    const char *key, struct view_dup **out, size_t *n)
{
	sqlite3_stmt	*s;
	struct view_dup	*v = NULL, *nv;
	const char	*o;
	size_t		 cap = 0;
	int		 r;

	*out = NULL;
	*n = 0;
	if ((s = store_stmt(st, SQL_DUPS_OF)) == NULL)
		return (-1);
	bind_opt(s, 1, except);
	bind_opt(s, 2, snils != NULL && snils[0] != '\0' ? snils : NULL);
	bind_opt(s, 3, key != NULL && key[0] != '\0' ? key : NULL);
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((o = col_text(s, 0)) == NULL || strlen(o) != 36)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
				break;
			v = nv;
		}
		memcpy(v[*n].id, o, 37);
		v[*n].snils = sqlite3_column_int(s, 1) != 0;
		v[*n].name = sqlite3_column_int(s, 2) != 0;
		(*n)++;
	}
	sqlite3_reset(s);
	if (r != STORE_DONE) {
		log_warnx("look for duplicates: %s",
		    sqlite3_errmsg(store_db(st)));
		free(v);
		*n = 0;
		return (-1);
	}
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

static int
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return (sqlite3_bind_null(s, i));
	return (sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC));
}

static int
save_person(struct store *st, const struct dossier *d)
{
	sqlite3_stmt	*s;
	char		 fold[2 * LIMIT_NAME + 1], key[VIEW_NAME_KEY], hlc[17];
	char		 nfold[2 * LIMIT_NAME + 1];
	const char	*sn = d->person[PF_SURNAME], *nm = d->person[PF_NAME];
	int		 f, i, rc = -1;

	if ((s = store_stmt(st, SQL_PERSON_PUT)) == NULL)
		return (-1);
	if (sn == NULL || fields_name_fold(sn, strlen(sn), fold,
	    sizeof(fold)) == -1)
		fold[0] = '\0';
	/* The first name folded the same way, for 'find --name'. */
	if (nm == NULL || fields_name_fold(nm, strlen(nm), nfold,
	    sizeof(nfold)) == -1)
		nfold[0] = '\0';
	view_name_key(d->person[PF_SURNAME], d->person[PF_NAME],
	    d->person[PF_BIRTH_DATE], key);
	hlc_format(d->last.hlc, hlc);
	i = 1;
	if (sqlite3_bind_text(s, i++, d->id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	for (f = 0; f < PF_COUNT; f++)
		if (bind_opt(s, i++, d->person[f]) != SQLITE_OK)
			goto out;
	if (bind_opt(s, i++, d->origin) != SQLITE_OK ||
	    bind_opt(s, i++, d->custodian) != SQLITE_OK ||
	    bind_opt(s, i++, d->created) != SQLITE_OK ||
	    bind_opt(s, i++, d->updated) != SQLITE_OK ||
	    sqlite3_bind_int64(s, i++, (sqlite3_int64)d->nchanges) !=
	    SQLITE_OK ||
	    bind_opt(s, i++, hlc) != SQLITE_OK ||
	    bind_opt(s, i++, d->last.key) != SQLITE_OK ||
	    bind_opt(s, i++, d->last.id) != SQLITE_OK ||
	    bind_opt(s, i++, fold) != SQLITE_OK ||
	    bind_opt(s, i++, key[0] != '\0' ? key : NULL) != SQLITE_OK ||
	    bind_opt(s, i++, nfold) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_warnx("write dossier %s: %s", d->id,
		    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	return (rc);
}

static int
save_row(struct store *st, const struct dossier *d, enum dossier_table t,
    size_t pos)
{
	const struct dossier_row	*r = &d->t[t].v[pos];
	sqlite3_stmt			*s;
	int				 c, n = dossier_tables[t].ncol, rc = -1;

	if ((s = store_stmt(st, SQL_ROWS_PUT[t])) == NULL)
		return (-1);
	for (c = 0; c < n; c++)
		if (bind_opt(s, c + 1, r->col[c]) != SQLITE_OK)
			goto out;
	if (sqlite3_bind_text(s, n + 1, d->id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, n + 2, (sqlite3_int64)pos) != SQLITE_OK ||
	    store_step(st, s) != STORE_DONE)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		log_warnx("write %s of dossier %s: %s", dossier_tables[t].name,
		    d->id, sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	return (rc);
}

int
view_save(struct store *st, struct dossier *d)
{
	size_t	 r;
	int	 t;

	if (d->person_dirty && save_person(st, d) == -1)
		return (-1);
	for (t = 0; t < DT_COUNT; t++)
		for (r = 0; r < d->t[t].n; r++)
			if (d->t[t].v[r].dirty && save_row(st, d, t, r) == -1)
				return (-1);
	dossier_mark_clean(d);
	return (0);
}

static int
run_del(struct store *st, const char *sql, const char *id)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) == SQLITE_OK &&
	    store_step(st, s) == STORE_DONE)
		rc = 0;
	else
		log_warnx("clear dossier %s: %s", id,
		    sqlite3_errmsg(store_db(st)));
	sqlite3_reset(s);
	return (rc);
}

int
view_clear(struct store *st, const char *id)
{
	int	 t;

	for (t = 0; t < DT_COUNT; t++)
		if (run_del(st, SQL_ROWS_DEL[t], id) == -1)
			return (-1);
	return (run_del(st, SQL_PERSON_DEL, id));
}

struct fold_arg {
	struct dossier	*d;
	char		*why;
	size_t		 whysz;
};

static int
fold_one(const struct store_row *row, void *arg)
{
	struct fold_arg	*fa = arg;
	struct change	*c = NULL;
	char		 why[256];
	int		 r;

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
	r = dossier_apply(fa->d, &c->meta, c->ops, c->nops);
	change_free(c);
	if (r != 0) {
		snprintf(fa->why, fa->whysz, r == 1 ? "change %s is out of "
		    "order" : "out of memory folding change %s", row->id);
		return (r == 1 ? -1 : VIEW_NOMEM);
	}
	return (0);
}

int
view_fold(struct store *st, const char *id, struct dossier **out, char *why,
    size_t whysz)
{
	struct fold_arg	 fa;
	int		 r;

	*out = NULL;
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

static const char SQL_LINKS[] =
    "SELECT c.id, p.parent FROM changes c LEFT JOIN parents p"
    " ON p.child = c.seq WHERE c.dossier = ? ORDER BY c.id";

struct link {
	char	 id[65];
	char	 parent[65];	/* "" for none */
};

struct past {
	struct link	*links;		/* sorted by id */
	size_t		 nlinks;
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
		struct fold_arg fa = { pa->d, pa->why, pa->whysz };

		return (fold_one(row, &fa));
	}
}

int
view_fold_past(struct store *st, const char *id, char (*parents)[65],
    size_t nparents, struct dossier **out, char *why, size_t whysz)
{
	struct past	 pa;
	sqlite3_stmt	*s;
	char		(*stack)[65] = NULL;
	size_t		 cap = 0, nstack = 0, i, lo;
	const char	*a, *b;
	void		*nv;
	int		 r, rc = -1;

	memset(&pa, 0, sizeof(pa));
	*out = NULL;
	pa.why = why;
	pa.whysz = whysz;
	snprintf(why, whysz, "out of memory");
	if ((s = store_stmt(st, SQL_LINKS)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		a = col_text(s, 0);
		b = col_text(s, 1);
		if (pa.nlinks == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(pa.links, cap,
			    sizeof(*pa.links))) == NULL)
				goto out;
			pa.links = nv;
		}
		snprintf(pa.links[pa.nlinks].id, 65, "%s", a ? a : "");
		snprintf(pa.links[pa.nlinks].parent, 65, "%s", b ? b : "");
		pa.nlinks++;
	}
	sqlite3_reset(s);
	if (r != STORE_DONE) {
		snprintf(why, whysz, "database error");
		goto out;
	}
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
