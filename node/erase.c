/*
 * node/erase.c: erasure and forgetting.  See erase.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "node/audit.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_erase.h"
#include "node/view.h"
#include "protocol/log.h"

int
erase_kind(struct store *st, const char *dossier, char id[65])
{
	bool	 erased;
	int	 r;

	if ((r = store_forgotten_get(st, dossier, &erased, id)) <= 0)
		return (r == 0 ? ERASE_NONE : -1);
	return (erased ? ERASE_ERASED : ERASE_DECLINED);
}

static int
forget_row(struct store *st, const char *dossier, bool erased,
    const char *id)
{
	return (store_forgotten_put(st, dossier, erased, id,
	    (int64_t)(node_now_ms() / 1000)));
}

/*
 * Delete every trace of dossier: views, records, and its changes with
 * their parents, but for the changes named in keep (a JSON array of ids)
 * or, when keep is NULL, those made by this node's region.  The heads
 * become the changes kept.
 */
static int
delete_but(struct node *n, const char *dossier, const char *keep)
{
	struct store	*st = n->st;

	if (view_clear(st, dossier) == -1 ||
	    store_erase_changes(st, dossier, keep, n->cfg.region) == -1)
		return (-1);
	store_want_wipe(st);
	return (0);
}

int
erase_dossier(struct node *n, const char *dossier, const char *tomb)
{
	char	 keep[80];

	snprintf(keep, sizeof(keep), "[\"%s\"]", tomb);
	if (store_forgotten_to_entitled(n->st, dossier, n->cfg.region) ==
	    -1 || forget_row(n->st, dossier, true, tomb) == -1 ||
	    delete_but(n, dossier, keep) == -1)
		return (-1);
	log_info("dossier %s erased (tombstone %.16s): its other changes and "
	    "views are deleted", dossier, tomb);
	return (0);
}

int
erase_forget_ended(struct node *n, const char *dossier)
{
	char	 last[STORE_FORGOTTEN_ID];
	int	 r, k;

	if ((k = erase_kind(n->st, dossier, NULL)) == -1)
		return (-1);
	if (k == ERASE_ERASED)
		return (0);
	if ((r = store_erase_entitled(n->st, dossier, n->cfg.region)) == -1)
		return (-1);
	if (r == 1) {
		/* Offered again: the history came back with the offer. */
		if (k == ERASE_DECLINED && store_forgotten_unforget(n->st,
		    dossier) == -1)
			return (-1);
		return (0);
	}
	if (store_erase_last_ended(n->st, dossier, n->cfg.region, last) == -1)
		return (-1);
	/* Never offered here: not this module's, unless forgotten already
	 * (a change of it relayed late was taken again: it goes again). */
	if (last[0] == '\0' && k != ERASE_DECLINED)
		return (0);
	if (store_forgotten_to_offerers(n->st, dossier, n->cfg.region) ==
	    -1 || (last[0] != '\0' && forget_row(n->st, dossier, false,
	    last) == -1) || delete_but(n, dossier, NULL) == -1)
		return (-1);
	log_info("dossier %s forgotten: its offer to %s ended; only what "
	    "this node wrote is kept, for the offering region", dossier,
	    n->cfg.region);
	return (1);
}

int
erase_due(struct node *n, int years, const char *today, char (*out)[37],
    int max)
{
	char		 cut[24];
	int		 y;

	/* The same month and day, years earlier (29 February: the 28th). */
	if (strlen(today) != 10 || years < 1)
		return (-1);
	y = (today[0] - '0') * 1000 + (today[1] - '0') * 100 +
	    (today[2] - '0') * 10 + (today[3] - '0') - years;
	if (y < 0)
		return (0);
	snprintf(cut, sizeof(cut), "%04d-%.5s", y, today + 5);
	if (strcmp(cut + 5, "02-29") == 0)
		cut[9] = '8';
	return (store_erase_due(n->st, n->cfg.region, cut, out, max));
}

/* The account that signs retention erasures: the node itself. */
#define ERASE_RETENTION_USER	"opora-retention"

/* Erase one dossier whose retention ran out: one transaction.  0 / -1. */
static int
retain_one(struct node *n, const char *id)
{
	struct audit_entry	 e;
	struct dossier		*d = NULL;
	struct op		 op;
	char			 cid[CHANGE_ID_HEX + 1], why[512];
	char			 user[sizeof(n->user)], detail[96];
	int			 rc = -1;

	memcpy(user, n->user, sizeof(user));
	snprintf(n->user, sizeof(n->user), "%s", ERASE_RETENTION_USER);
	memset(&op, 0, sizeof(op));
	op.kind = OP_PERSON_ERASE;
	op.field = -1;
	op.arg[OA_REASON] = "retention";
	if (store_begin(n->st) == -1)
		goto out;
	if (view_load(n->st, id, &d) != 0)
		goto rollback;
	if (node_author(n, d, &op, 1, cid, why, sizeof(why)) != 0) {
		log_warnx("retention: dossier %s not erased: %s", id, why);
		goto rollback;
	}
	memset(&e, 0, sizeof(e));
	snprintf(detail, sizeof(detail), "%s ground: retention", cid);
	e.login = ERASE_RETENTION_USER;
	e.role = "";
	e.os_user = "";
	e.addr = "serve";
	e.action = "person erase";
	e.dossiers = id;
	e.detail = detail;
	if (audit_append(n, &e) == -1 || store_commit(n->st) == -1)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	store_rollback(n->st);
out:
	dossier_free(d);
	memcpy(n->user, user, sizeof(user));
	return (rc);
}

int
erase_retention(struct node *n, int *count)
{
	char		 today[16], ids[ERASE_RETENTION_BATCH][37];
	time_t		 t = (time_t)(node_now_ms() / 1000);
	struct tm	 tm;
	int		 k, i, failed = 0;

	*count = 0;
	if (n->cfg.retention_years == 0)
		return (0);
	localtime_r(&t, &tm);
	strftime(today, sizeof(today), "%Y-%m-%d", &tm);
	/* A batch at a time; a dossier that could not be erased stays due
	 * and ends the run, which the next day tries again. */
	do {
		if ((k = erase_due(n, n->cfg.retention_years, today, ids,
		    ERASE_RETENTION_BATCH)) == -1)
			return (-1);
		for (i = 0; i < k; i++) {
			if (retain_one(n, ids[i]) == -1) {
				failed = 1;
				break;
			}
			(*count)++;
		}
	} while (k == ERASE_RETENTION_BATCH && !failed);
	return (failed ? -1 : 0);
}
