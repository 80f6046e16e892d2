/*
 * node/store_ui.c: the web pages' own reads.  See store_ui.h.
 */
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

int
store_ui_dismissed_each(struct store *st, store_ui_pair_fn fn, void *arg)
{
	sqlite3_stmt		*s;
	struct store_ui_pair	 p;
	int			 r, rc = 0;

	if ((s = store_stmt(st, SQL_DISMISSED)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		memset(&p, 0, sizeof(p));
		p.dossier = TEXT(0);
		p.other = TEXT(1);
		p.by = TEXT(2);
		p.reason = TEXT(3);
		p.at = sqlite3_column_int64(s, 4);
		if (p.dossier == NULL || p.other == NULL)
			continue;
		if ((rc = fn(&p, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
}

int
store_ui_linked_each(struct store *st, store_ui_pair_fn fn, void *arg)
{
	sqlite3_stmt		*s;
	struct store_ui_pair	 p;
	int			 r, rc = 0;

	if ((s = store_stmt(st, SQL_LINKED)) == NULL)
		return (-1);
	while ((r = store_step(st, s)) == STORE_ROW) {
		memset(&p, 0, sizeof(p));
		p.dossier = TEXT(0);
		p.other = TEXT(1);
		p.by = TEXT(2);
		p.reason = TEXT(3);
		p.hlc = TEXT(4);
		p.halves = sqlite3_column_int(s, 5);
		if (p.dossier == NULL || p.other == NULL)
			continue;
		if ((rc = fn(&p, arg)) != 0)
			break;
	}
	if (rc == 0 && r != STORE_DONE)
		rc = -1;
	sqlite3_reset(s);
	return (rc);
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
