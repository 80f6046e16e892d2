/*
 * node/store_ui.c: the web pages' own reads.  See store_ui.h.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "node/store.h"
#include "node/store_ui.h"

#define TEXT(i)	((const char *)sqlite3_column_text(s, (i)))

const char *const store_ui_person_cols[STORE_UI_PERSON_COLS] = {
	"surname", "name", "patronymic", "birth_date", "sex", "snils",
	"institution", "graduated", "custodian"
};

static const char SQL_PERSON[] =
    "SELECT surname, name, patronymic, birth_date, sex, snils, institution,"
    " graduated, custodian FROM persons WHERE dossier = ?1";
static const char SQL_DISMISSED[] =
    "SELECT a, b, login, reason, at FROM dismissed ORDER BY at, a, b";
/* Each half of a link is a row of its dossier; a pair is named once. */
static const char SQL_LINKED[] =
    "SELECT CASE WHEN dossier < other THEN dossier ELSE other END AS a,"
    " CASE WHEN dossier < other THEN other ELSE dossier END AS b,"
    " max(coalesce(region, '') || '/' || coalesce(user, '')), max(reason),"
    " max(hlc), count(*) FROM links WHERE state = 'linked' AND"
    " other IS NOT NULL GROUP BY a, b ORDER BY a, b";
static const char SQL_TRANSFER_DOSSIER[] =
    "SELECT dossier FROM transfers WHERE id = ?1"
    " UNION SELECT dossier FROM offer_summaries WHERE offer = ?1";
static const char SQL_CONFLICT_DOSSIER[] =
    "SELECT dossier FROM conflicts WHERE id = ?1";
static const char SQL_COUNTS[] =
    "SELECT (SELECT count(*) FROM persons),"
    " (SELECT count(*) FROM persons WHERE custodian = ?1),"
    " (SELECT count(*) FROM conflicts WHERE state = 'open')";

/*
 * The search, in four forms that differ only in the term that leads:
 * "?1 IS NULL OR snils = ?1" keeps SQLite from using an index, so the
 * form with the most selective term given is chosen (SNILS, then the
 * surname's range, then the birth date), whose index SQLite then uses;
 * with a name or patronymic alone every person is read.  The same
 * bindings in each: ?1 SNILS, ?2 ?3 the folded surname's range, ?4 the
 * birth date (docs/performance.md has the figures).
 */
#define SEARCH_COLS \
    "SELECT dossier, surname, name, patronymic, birth_date, custodian" \
    " FROM persons p WHERE "
#define SEARCH_REST \
    " AND (?1 IS NULL OR snils = ?1)" \
    " AND (?2 IS NULL OR (surname_fold >= ?2 AND surname_fold < ?3))" \
    " AND (?4 IS NULL OR birth_date = ?4)" \
    " ORDER BY surname_fold, name, birth_date, dossier"
static const char *const SQL_SEARCH[4] = {
	SEARCH_COLS "snils = ?1" SEARCH_REST,
	SEARCH_COLS "surname_fold >= ?2 AND surname_fold < ?3" SEARCH_REST,
	SEARCH_COLS "birth_date = ?4" SEARCH_REST,
	SEARCH_COLS "1" SEARCH_REST
};
/*
 * The last contact is the date of the latest event that is not retracted
 * (every event is a contact with the graduate or a service to them).
 */
static const char SQL_CASELOAD[] =
    "SELECT p.dossier, p.surname, p.name, p.patronymic, p.birth_date,"
    " dc.centre,"
    " (SELECT max(opened) FROM episodes e WHERE e.dossier = p.dossier"
    "  AND (e.closed IS NULL OR e.closed = '')),"
    " (SELECT max(date) FROM events v WHERE v.dossier = p.dossier"
    "  AND (v.retracted IS NULL OR v.retracted <> '1')),"
    " (SELECT count(*) FROM conflicts c WHERE c.dossier = p.dossier"
    "  AND c.state = 'open'),"
    " (SELECT count(*) FROM events v WHERE v.dossier = p.dossier"
    "  AND v.late = '1')"
    " FROM dossier_centres dc JOIN persons p ON p.dossier = dc.dossier"
    " WHERE dc.centre = ?1 AND p.custodian = ?2"
    " ORDER BY p.surname_fold, p.name, p.birth_date, p.dossier";
/*
 * The audit's entries of a reason given to open another centre's dossier:
 * the grant in the pages ('break-the-glass') and every CLI command run
 * with --reason (its entry keeps the reason; no other entry has one).
 */
static const char SQL_GLASS[] =
    "SELECT a.seq, a.at, a.login, a.role, a.addr, a.os_user, a.action,"
    " a.dossiers, a.reason, p.surname, p.name, p.patronymic, p.birth_date"
    " FROM audit a LEFT JOIN persons p ON p.dossier = a.dossiers"
    " WHERE (a.action = 'break-the-glass' OR a.reason <> '')"
    " AND a.at >= ?1 ORDER BY a.seq DESC LIMIT ?2";
static const char SQL_OTHER_ADMIN[] =
    "SELECT count(*) FROM accounts WHERE role = 'admin' AND enabled = 1"
    " AND login <> ?1";

/* Hand each row of s (bound) to fn; reset s.  See store_ui.h. */
static int
rows(struct store *st, sqlite3_stmt *s, store_ui_row_fn fn, void *arg)
{
	struct store_ui_row	 row;
	int			 i, n, r, rc = 0;

	n = sqlite3_column_count(s);
	if (n > STORE_UI_COLS_MAX)
		n = STORE_UI_COLS_MAX;
	while ((r = store_step(st, s)) == STORE_ROW) {
		memset(&row, 0, sizeof(row));
		for (i = 0; i < n; i++) {
			row.col[i] = TEXT(i);
			row.num[i] = sqlite3_column_int64(s, i);
		}
		if ((rc = fn(&row, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_ui_search(struct store *st, const struct store_ui_search *q,
    store_ui_row_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_SEARCH[q->snils != NULL ? 0 :
	    q->lo != NULL ? 1 : q->birth != NULL ? 2 : 3])) == NULL)
		return (-1);
	if ((q->snils != NULL && sqlite3_bind_text(s, 1, q->snils, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK) ||
	    (q->lo != NULL && (sqlite3_bind_text(s, 2, q->lo, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK || sqlite3_bind_text(s, 3, q->hi,
	    -1, SQLITE_TRANSIENT) != SQLITE_OK)) ||
	    (q->birth != NULL && sqlite3_bind_text(s, 4, q->birth, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK)) {
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (rows(st, s, fn, arg));
}

int
store_ui_caseload(struct store *st, const char *centre, const char *region,
    store_ui_row_fn fn, void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_CASELOAD)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, centre, -1, SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_bind_text(s, 2, region, -1,
	    SQLITE_TRANSIENT) != SQLITE_OK) {
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (rows(st, s, fn, arg));
}

int
store_ui_glass(struct store *st, int64_t since, int max, store_ui_row_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, SQL_GLASS)) == NULL)
		return (-1);
	if (sqlite3_bind_int64(s, 1, (sqlite3_int64)since) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, max) != SQLITE_OK) {
		sqlite3_clear_bindings(s);
		return (-1);
	}
	return (rows(st, s, fn, arg));
}

int
store_ui_other_admin(struct store *st, const char *login)
{
	sqlite3_stmt	*s;
	int		 r = -1;

	if ((s = store_stmt(st, SQL_OTHER_ADMIN)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, login, -1, SQLITE_STATIC) == SQLITE_OK &&
	    store_step(st, s) == STORE_ROW)
		r = sqlite3_column_int(s, 0) > 0;
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (r);
}

int
store_ui_person(struct store *st, const char *id, store_ui_person_fn fn,
    void *arg)
{
	sqlite3_stmt	*s;
	const char	*col[STORE_UI_PERSON_COLS];
	int		 i, r, rc = -1;

	if ((s = store_stmt(st, SQL_PERSON)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((r = store_step(st, s)) == STORE_ROW) {
		for (i = 0; i < STORE_UI_PERSON_COLS; i++)
			col[i] = TEXT(i);
		rc = fn(col, arg);
	} else if (r == STORE_DONE)
		rc = 1;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

/* A pair listing's row as a struct store_ui_pair for the caller's fn. */
struct pair_arg {
	store_ui_pair_fn	 fn;
	void			*arg;
	bool			 linked;
};

static int
pair_row(const struct store_ui_row *row, void *arg)
{
	struct pair_arg		*pa = arg;
	struct store_ui_pair	 p;

	memset(&p, 0, sizeof(p));
	p.dossier = row->col[0];
	p.other = row->col[1];
	p.by = row->col[2];
	p.reason = row->col[3];
	if (pa->linked) {
		p.hlc = row->col[4];
		p.halves = (int)row->num[5];
	} else
		p.at = row->num[4];
	if (p.dossier == NULL || p.other == NULL)
		return (0);
	return (pa->fn(&p, pa->arg));
}

static int
pairs(struct store *st, const char *sql, bool linked, store_ui_pair_fn fn,
    void *arg)
{
	struct pair_arg	 pa = { fn, arg, linked };
	sqlite3_stmt	*s;

	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	return (rows(st, s, pair_row, &pa));
}

int
store_ui_dismissed_each(struct store *st, store_ui_pair_fn fn, void *arg)
{
	return (pairs(st, SQL_DISMISSED, false, fn, arg));
}

int
store_ui_linked_each(struct store *st, store_ui_pair_fn fn, void *arg)
{
	return (pairs(st, SQL_LINKED, true, fn, arg));
}

int
store_ui_entry_dossier(struct store *st, enum store_ui_entry what,
    const char *id, char dossier[37])
{
	sqlite3_stmt	*s;
	const char	*v;
	int		 r, rc = -1;

	if ((s = store_stmt(st, what == STORE_UI_TRANSFER ?
	    SQL_TRANSFER_DOSSIER : SQL_CONFLICT_DOSSIER)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	r = store_step(st, s);
	if (r == STORE_ROW && (v = TEXT(0)) != NULL && strlen(v) == 36) {
		memcpy(dossier, v, 37);
		rc = 0;
	} else if (r == STORE_ROW || r == STORE_DONE)
		rc = 1;
out:
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}

int
store_ui_counts(struct store *st, const char *region,
    struct store_ui_counts *out)
{
	sqlite3_stmt	*s;
	int		 rc = -1;

	memset(out, 0, sizeof(*out));
	if ((s = store_stmt(st, SQL_COUNTS)) == NULL)
		return (-1);
	if (sqlite3_bind_text(s, 1, region, -1, SQLITE_STATIC) == SQLITE_OK &&
	    store_step(st, s) == STORE_ROW) {
		out->dossiers = sqlite3_column_int64(s, 0);
		out->custody = sqlite3_column_int64(s, 1);
		out->conflicts_open = sqlite3_column_int64(s, 2);
		rc = 0;
	}
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return (rc);
}
