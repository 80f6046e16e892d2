/*
 * node/lost.c: histories lost to a log that went back.  See lost.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/audit.h"
#include "node/lost.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_later.h"
#include "node/store_offer.h"
#include "protocol/esc.h"

struct each {
	struct node	 *n;
	int		(*fn)(const struct lost *, void *);
	void		 *arg;
	int		  rc;
};

static int
restored_one(const struct store_lost_row *row, void *arg)
{
	struct each	*w = arg;
	struct lost	 l;

	memset(&l, 0, sizeof(l));
	l.kind = LOST_RESTORED;
	l.dossier = row->dossier;
	l.from = row->peers != NULL ? row->peers : "";
	l.since_ms = row->since_ms > 0 ? (uint64_t)row->since_ms : 0;
	l.waiting = row->waiting;
	l.acked_by = row->acked_by;
	l.acked_ms = row->acked_at;
	return (w->fn(&l, w->arg));
}

static void
accepted_one(const char *dossier, const char *from, const char *when,
    bool acked, void *arg)
{
	struct each	*w = arg;
	struct lost	 l;
	uint64_t	 h;
	char		 login[64];
	int64_t		 at = 0;

	if (w->rc != 0 || dossier == NULL)
		return;
	memset(&l, 0, sizeof(l));
	l.kind = LOST_ACCEPTED;
	l.dossier = dossier;
	l.from = from != NULL ? from : "";
	if (when != NULL && hlc_parse(when, strlen(when), &h) == 0)
		l.since_ms = hlc_ms(h);
	if (acked) {
		if (store_lost_acked(w->n->st, dossier, login, sizeof(login),
		    &at) != 1) {
			w->rc = -1;
			return;
		}
		l.acked_by = login;
		l.acked_ms = at;
	}
	if (w->fn(&l, w->arg) == -1)
		w->rc = -1;
}

int
lost_each(struct node *n, int (*fn)(const struct lost *, void *), void *arg)
{
	struct each	 w = { n, fn, arg, 0 };

	if (store_later_lost_each(n->st, restored_one, &w) == -1)
		return (-1);
	if (store_offer_each_accepted(n->st, n->cfg.region, accepted_one,
	    &w) == -1)
		return (-1);
	return (w.rc);
}

struct find {
	const char	*prefix;
	size_t		 len;
	char		*out;
	int		 found;
};

static int
find_one(const struct lost *l, void *arg)
{
	struct find	*f = arg;

	if (strncmp(l->dossier, f->prefix, f->len) != 0 ||
	    strlen(l->dossier) != 36)
		return (0);
	/* The same dossier may be lost both ways (an accept of an offer
	 * this node lost): one history. */
	if (f->found > 0 && strcmp(f->out, l->dossier) == 0)
		return (0);
	if (f->found++ == 0)
		memcpy(f->out, l->dossier, 37);
	return (0);
}

int
lost_find(struct node *n, const char *prefix, char out[37])
{
	struct find	 f = { prefix, strlen(prefix), out, 0 };

	out[0] = '\0';
	if (lost_each(n, find_one, &f) == -1)
		return (-1);
	return (f.found > 1 ? 2 : f.found);
}

int
lost_ack(struct node *n, const char *dossier, bool ack, const char *login,
    struct audit_entry *e)
{
	int	 r;

	if (store_begin(n->st) == -1)
		return (-1);
	if (store_lost_purge(n->st) == -1)
		goto rollback;
	r = ack ? store_lost_ack(n->st, dossier, login,
	    (int64_t)node_now_ms()) : store_lost_unack(n->st, dossier);
	if (r == -1)
		goto rollback;
	if (r == 0) {
		/* Stale acknowledgements may still go. */
		if (store_commit(n->st) == -1)
			goto rollback;
		return (0);
	}
	e->dossiers = dossier;
	if (audit_append(n, e) == -1) {
		store_rollback(n->st);
		return (-2);
	}
	if (store_commit(n->st) == -1)
		goto rollback;
	return (1);
rollback:
	store_rollback(n->st);
	return (-1);
}

static int
json_one(const struct lost *l, void *arg)
{
	cJSON	*arr = arg, *o;
	char	 ed[ESC_SHORT], ef[ESC_LONG], ea[ESC_SHORT];

	/* The peers' region names and the login are not ours: escaped. */
	esc_str(l->dossier, ed, sizeof(ed));
	esc_str(l->from, ef, sizeof(ef));
	esc_str(l->acked_by != NULL ? l->acked_by : "", ea, sizeof(ea));
	if ((o = cJSON_CreateObject()) == NULL ||
	    !cJSON_AddItemToArray(arr, o) ||
	    cJSON_AddStringToObject(o, "dossier", ed) == NULL ||
	    cJSON_AddStringToObject(o, "kind", l->kind == LOST_RESTORED ?
	    "restored" : "accepted") == NULL ||
	    cJSON_AddStringToObject(o, "from", ef) == NULL ||
	    cJSON_AddNumberToObject(o, "since_ms", (double)l->since_ms) ==
	    NULL || (l->kind == LOST_RESTORED &&
	    cJSON_AddNumberToObject(o, "waiting", (double)l->waiting) ==
	    NULL) ||
	    cJSON_AddBoolToObject(o, "acknowledged", l->acked_by != NULL) ==
	    NULL || (l->acked_by != NULL &&
	    (cJSON_AddStringToObject(o, "acknowledged_by", ea) == NULL ||
	    cJSON_AddNumberToObject(o, "acknowledged_ms",
	    (double)l->acked_ms) == NULL)))
		return (-1);
	return (0);
}

cJSON *
lost_json(struct node *n)
{
	cJSON	*arr;

	if ((arr = cJSON_CreateArray()) == NULL)
		return (NULL);
	if (lost_each(n, json_one, arr) == -1) {
		cJSON_Delete(arr);
		return (NULL);
	}
	return (arr);
}
