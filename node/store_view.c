/*
 * node/store_view.c: the views' tables.  See store_view.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "conflict/dossier.h"
#include "conflict/hlc.h"
#include "node/store.h"
#include "node/store_run.h"
#include "node/store_view.h"
#include "protocol/change.h"
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

static const char SQL_PERSON_TAIL[] =
    "UPDATE persons SET updated = ?2, nchanges = ?3, last_hlc = ?4,"
    " last_key = ?5, last_id = ?6 WHERE dossier = ?1";

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

static const char SQL_DUPS_OF[] =
    "SELECT dossier, coalesce(snils = ?2, 0), coalesce(name_key = ?3, 0)"
    " FROM persons WHERE (snils = ?2 OR name_key = ?3)"
    " AND dossier <> coalesce(?1, '')"
    " ORDER BY dossier LIMIT 100";

static const char SQL_LINKS[] =
    "SELECT c.id, p.parent FROM changes c LEFT JOIN parents p"
    " ON p.child = c.seq WHERE c.dossier = ? ORDER BY c.id";

static const char SQL_PERSON_LINE[] =
    "SELECT surname, name, birth_date, custodian FROM persons"
    " WHERE dossier = ?";
static const char SQL_TRANSFERS[] =
    "SELECT t.id, t.\"from\", t.\"to\", t.reason, t.state, t.hlc,"
    " p.surname, p.name, p.patronymic, p.birth_date, p.origin,"
    " (SELECT count(*) FROM events e WHERE e.dossier = t.dossier"
    "  AND e.retracted = '0'), t.dossier, t.late"
    " FROM transfers t JOIN persons p ON p.dossier = t.dossier"
    " WHERE (?1 = 0 AND (t.\"from\" = ?2 OR t.\"to\" = ?2))"
    " OR (?1 = 1 AND t.\"to\" = ?2) OR (?1 = 2 AND t.\"from\" = ?2)"
    " ORDER BY t.hlc DESC";
static const char SQL_FORGOTTEN_BY[] =
    "SELECT region FROM forgotten_to WHERE dossier = ? ORDER BY region"
    " LIMIT 1";

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

static int
bind_opt(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return (sqlite3_bind_null(s, i));
	return (sqlite3_bind_text(s, i, v, -1, SQLITE_STATIC));
}

int
store_view_load(struct store *st, const char *id, struct dossier **out)
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

int
store_view_linked(struct store *st, const char *id, char (**out)[37], size_t *n)
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

int
store_view_dups_of(struct store *st, const char *except, const char *snils,
    const char *key, store_view_dup_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*o;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_DUPS_OF)) == NULL)
		return (-1);
	if (bind_opt(s, 1, except) != SQLITE_OK ||
	    bind_opt(s, 2, snils != NULL && snils[0] != '\0' ? snils :
	    NULL) != SQLITE_OK ||
	    bind_opt(s, 3, key != NULL && key[0] != '\0' ? key : NULL) !=
	    SQLITE_OK) {
		log_warnx("look for duplicates: %s",
		    sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		if ((o = col_text(s, 0)) == NULL || strlen(o) != 36)
			continue;
		if ((rc = fn(o, sqlite3_column_int(s, 1) != 0,
		    sqlite3_column_int(s, 2) != 0, arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

int
store_view_person_put(struct store *st, const struct dossier *d,
    const char *fold, const char *key, const char *nfold)
{
	sqlite3_stmt	*s;
	char		 hlc[17];
	int		 f, i, rc = -1;

	if ((s = store_stmt(st, SQL_PERSON_PUT)) == NULL)
		return (-1);
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
	    bind_opt(s, i++, key) != SQLITE_OK ||
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

int
store_view_person_tail(struct store *st, const struct dossier *d)
{
	sqlite3_stmt	*s;
	char		 hlc[17];
	int		 k;

	if ((s = store_stmt(st, SQL_PERSON_TAIL)) == NULL)
		return (-1);
	hlc_format(d->last.hlc, hlc);
	if (sqlite3_bind_text(s, 1, d->id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    bind_opt(s, 2, d->updated) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, (sqlite3_int64)d->nchanges) !=
	    SQLITE_OK || bind_opt(s, 4, hlc) != SQLITE_OK ||
	    bind_opt(s, 5, d->last.key) != SQLITE_OK ||
	    bind_opt(s, 6, d->last.id) != SQLITE_OK) {
		log_warnx("write dossier %s: %s", d->id,
		    sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
		return (-1);
	}
	if ((k = store_run(st, s)) == -1)
		log_warnx("write dossier %s: %s", d->id,
		    sqlite3_errmsg(store_db(st)));
	return (k > 0 ? 1 : k);
}

int
store_view_row_put(struct store *st, const struct dossier *d,
    enum dossier_table t, size_t pos)
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
store_view_clear(struct store *st, const char *id)
{
	int	 t;

	for (t = 0; t < DT_COUNT; t++)
		if (run_del(st, SQL_ROWS_DEL[t], id) == -1)
			return (-1);
	return (run_del(st, SQL_PERSON_DEL, id));
}

int
store_view_change_links(struct store *st, const char *dossier,
    store_view_link_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*a, *b;
	int		 r, rc = 0;

	if ((s = store_stmt(st, SQL_LINKS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		a = col_text(s, 0);
		b = col_text(s, 1);
		if ((rc = fn(a != NULL ? a : "", b != NULL ? b : "", arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

int
store_view_person_line(struct store *st, const char *id,
    char v[STORE_VIEW_LINE_NCOL][512])
{
	sqlite3_stmt	*s;
	int		 i, r;

	for (i = 0; i < STORE_VIEW_LINE_NCOL; i++)
		v[i][0] = '\0';
	if ((s = store_stmt(st, SQL_PERSON_LINE)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	if ((r = store_step(st, s)) == STORE_ROW)
		for (i = 0; i < STORE_VIEW_LINE_NCOL; i++)
			copy_col(v[i], sizeof(v[i]), col_text(s, i));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r == STORE_ROW ? 0 : r == STORE_DONE ? 1 : -1);
}

int
store_view_forgotten_by(struct store *st, const char *id, char region[16])
{
	sqlite3_stmt	*s;
	int		 r;

	region[0] = '\0';
	if ((s = store_stmt(st, SQL_FORGOTTEN_BY)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_reset(s);
		return (-1);
	}
	if ((r = store_step(st, s)) == STORE_ROW)
		copy_col(region, 16, col_text(s, 0));
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	if (r == STORE_ROW && region[0] != '\0')
		return (0);
	return (r == STORE_ROW || r == STORE_DONE ? 1 : -1);
}

int
store_view_transfers(struct store *st, int which, const char *region,
    store_view_transfer_fn fn, void *arg)
{
	sqlite3_stmt	*s;
	const char	*c[STORE_VIEW_TR_NCOL];
	int		 i, r, rc = 0;

	if ((s = store_stmt(st, SQL_TRANSFERS)) == NULL)
		return (-1);
	if (sqlite3_bind_int(s, 1, which) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, region, -1, SQLITE_STATIC) != SQLITE_OK) {
		log_warnx("transfer list: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
		sqlite3_clear_bindings(s);
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < STORE_VIEW_TR_NCOL; i++)
			c[i] = i == STORE_VIEW_TR_EVENTS ? NULL :
			    col_text(s, i);
		if ((rc = fn(c, sqlite3_column_int64(s, STORE_VIEW_TR_EVENTS),
		    arg)) != 0)
			break;
	}
	return (store_walk_end(s, r, rc));
}

bool
store_view_out_of_memory(struct store *st)
{
	int	 e = sqlite3_extended_errcode(store_db(st));

	return (e == SQLITE_NOMEM || e == SQLITE_IOERR_NOMEM);
}
