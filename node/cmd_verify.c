/*
 * node/cmd_verify.c: verify (check the log and the views) and rebuild
 * (recompute the views from the log).
 *
 * verify reads the log in batches and checks each change's hash, form and
 * signature on every core; the parent links, the heads and the views are
 * then checked against the log in one thread, since SQLite is one
 * connection.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/erase.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/store.h"
#include "node/verifier.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/jcs.h"
#include "protocol/log.h"

#define VERIFY_BATCH	2048

struct vstate {
	struct node	*n;
	struct verifier	*ver;
	struct vitem	*items;
	size_t		 nitems;
	uint64_t	 changes, problems;
	bool		 oom;		/* could not check for want of memory */
};

/* What the views thread checks with, on its own connection. */
struct vcheck {
	struct store	*st;
	uint64_t	 dossiers, problems;
	int		 failed;	/* could not run at all */
	bool		 oom;		/* could not check for want of memory */
};

static void
problem(uint64_t *count, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Report one problem; two threads report, so each line is written whole.
 * After an I/O error nothing read is a verdict: counted, not told. */
static void
problem(uint64_t *count, const char *fmt, ...)
{
	va_list	 ap;

	(*count)++;
	if (cli_io_failed())
		return;
	flockfile(stderr);
	fputs("opora: verify: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	funlockfile(stderr);
}

/*
 * What a node keeps of a dossier it erased is the tombstone, and of one it
 * forgot after an offer ended, the decisions it made: their parents were
 * deleted on purpose (docs/protocol.md, "Erasure").  Their ids stay in the
 * signed bytes, so the chain still names every change that was.
 */
static bool
parent_erased(struct store *st, const struct vitem *it)
{
	char	 tomb[65];

	/* An offer held as a summary, and this node's decision on it, name
	 * the history this node was not sent (node/offer.h); until the
	 * history has all come and is folded, parents may be missing and
	 * the offer is stored before them (it came first). */
	if (offer_held(st, it->c->dossier) == 1)
		return (true);
	switch (erase_kind(st, it->c->dossier, tomb)) {
	case ERASE_ERASED:
		return (strcmp(tomb, it->id) == 0);
	case ERASE_DECLINED:
		return (true);
	default:
		return (false);
	}
}

/* The parents a change names must be stored earlier, in its dossier, with
 * an earlier clock. */
static void
check_parents(struct vstate *vs, const struct vitem *it)
{
	char		 dossier[37];
	uint64_t	 ph;
	int64_t		 seq;
	size_t		 i;
	int		 r;

	for (i = 0; i < it->c->nparents; i++) {
		r = store_change_parent(vs->n->st, it->c->parents[i], &seq,
		    dossier, &ph);
		if (r == 1 && !parent_erased(vs->n->st, it))
			problem(&vs->problems, "change %s: its parent %s is "
			    "missing", it->id, it->c->parents[i]);
		else if (r == 1)
			;	/* deleted on purpose (parent_erased) */
		else if (r == -1 && store_step_error(vs->n->st) ==
		    SQLITE_NOMEM)
			vs->oom = true;
		else if (r == -1)
			problem(&vs->problems, "change %s: its parent %s cannot "
			    "be read", it->id, it->c->parents[i]);
		else if (seq >= it->seq && offer_held(vs->n->st,
		    it->c->dossier) != 1)
			problem(&vs->problems, "change %s: its parent %s was "
			    "stored after it", it->id, it->c->parents[i]);
		else if (strcmp(dossier, it->c->dossier) != 0)
			problem(&vs->problems, "change %s: its parent %s "
			    "belongs to another dossier", it->id,
			    it->c->parents[i]);
		else if (ph >= it->c->hlc)
			problem(&vs->problems, "change %s: its clock is not "
			    "after its parent %s", it->id, it->c->parents[i]);
	}
}

static void
batch_finish(struct vstate *vs)
{
	size_t	 i;

	verifier_check(vs->ver, vs->items, vs->nitems);
	for (i = 0; i < vs->nitems; i++) {
		struct vitem *it = &vs->items[i];

		/* Memory, not the change: no verdict (verify says so). */
		if (it->transient)
			vs->oom = true;
		else if (it->problem[0] != '\0')
			problem(&vs->problems, "change %s (feed #%lld): %s", it->id,
			    (long long)it->seq, it->problem);
		else
			check_parents(vs, it);
		change_free(it->c);
		free(it->bytes);
	}
	vs->changes += vs->nitems;
	vs->nitems = 0;
	if (cli.tty)
		fprintf(stderr, "\r%s %llu", cli_tr("checked", "проверено"),
		    (unsigned long long)vs->changes);
}

static int
verify_row(const struct store_row *row, void *arg)
{
	struct vstate	*vs = arg;
	struct vitem	*it = &vs->items[vs->nitems];

	if (vs->oom)
		return (-1);	/* no verdict can come of going on */
	memset(it, 0, sizeof(*it));
	it->seq = row->seq;
	snprintf(it->id, sizeof(it->id), "%s", row->id);
	if ((it->bytes = malloc(row->len + 1)) == NULL) {
		vs->oom = true;
		return (-1);
	}
	if (row->len > 0)
		memcpy(it->bytes, row->bytes, row->len);
	it->len = row->len;
	it->siglen_ok = row->siglen == SIG_LEN;
	if (it->siglen_ok)
		memcpy(it->sig, row->sig, SIG_LEN);
	if (++vs->nitems == VERIFY_BATCH)
		batch_finish(vs);
	return (0);
}

/* A dossier's ids, and the parents its changes name. */
static const char SQL_DOSSIER_IDS[] =
    "SELECT id FROM changes WHERE dossier = ? ORDER BY id";
static const char SQL_DOSSIER_PARENTS[] =
    "SELECT DISTINCT p.parent FROM parents p JOIN changes c"
    " ON c.seq = p.child WHERE c.dossier = ? ORDER BY p.parent";
static const char SQL_DOSSIER_ROOTS[] =
    "SELECT count(*) FROM changes c WHERE c.dossier = ?"
    " AND NOT EXISTS (SELECT 1 FROM parents p WHERE p.child = c.seq)";

struct idlist {
	char	(*v)[CHANGE_ID_HEX + 1];
	size_t	  n;
};

/* Read the ids a one-parameter query returns, sorted by the query. */
static int
read_ids(struct store *st, const char *sql, const char *dossier,
    struct idlist *l)
{
	sqlite3_stmt	*s;
	const char	*id;
	void		*nv;
	size_t		 cap = 0;
	int		 r;

	l->v = NULL;
	l->n = 0;
	if ((s = store_stmt(st, sql)) == NULL)
		return (-1);
	sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
	while ((r = store_step(st, s)) == STORE_ROW) {
		id = (const char *)sqlite3_column_text(s, 0);
		if (id == NULL || strlen(id) != CHANGE_ID_HEX)
			continue;
		if (l->n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(l->v, cap, sizeof(*l->v))) ==
			    NULL) {
				r = SQLITE_NOMEM;
				break;
			}
			l->v = nv;
		}
		memcpy(l->v[l->n++], id, CHANGE_ID_HEX + 1);
	}
	sqlite3_reset(s);
	return (r == STORE_DONE ? 0 : -1);
}

/*
 * The heads of a dossier are exactly its changes that no change of it
 * names as a parent, and it has exactly one root.
 */
static void
check_heads(struct vcheck *vc, const char *dossier)
{
	struct store	*st = vc->st;
	struct idlist	 ids = { NULL, 0 }, par = { NULL, 0 };
	char		(*heads)[CHANGE_ID_HEX + 1] = NULL;
	size_t		 nheads = 0, i, j = 0, k = 0;
	sqlite3_stmt	*s;
	int64_t		 roots = -1;

	if (read_ids(st, SQL_DOSSIER_IDS, dossier, &ids) == -1 ||
	    read_ids(st, SQL_DOSSIER_PARENTS, dossier, &par) == -1 ||
	    store_heads(st, dossier, &heads, &nheads) == -1) {
		problem(&vc->problems, "dossier %s: cannot read its history", dossier);
		goto out;
	}
	for (i = 0; i < ids.n; i++) {
		while (j < par.n && strcmp(par.v[j], ids.v[i]) < 0)
			j++;
		if (j < par.n && strcmp(par.v[j], ids.v[i]) == 0)
			continue;	/* named as a parent: not a head */
		if (k >= nheads || strcmp(heads[k], ids.v[i]) != 0) {
			problem(&vc->problems, "dossier %s: change %s should be a head "
			    "of its history but is not recorded as one",
			    dossier, ids.v[i]);
			goto out;
		}
		k++;
	}
	if (k != nheads)
		problem(&vc->problems, "dossier %s: a recorded head is not the tip of its "
		    "history", dossier);
	if ((s = store_stmt(st, SQL_DOSSIER_ROOTS)) != NULL) {
		sqlite3_bind_text(s, 1, dossier, -1, SQLITE_STATIC);
		if (store_step(st, s) == STORE_ROW)
			roots = sqlite3_column_int64(s, 0);
		sqlite3_reset(s);
	}
	if (roots == -1)
		problem(&vc->problems, "dossier %s: cannot read its history",
		    dossier);
	else if (roots != 1)
		problem(&vc->problems, "dossier %s has %lld first changes, not one",
		    dossier, (long long)roots);
out:
	free(ids.v);
	free(par.v);
	free(heads);
}

/* A dossier held as offers (node/offer.h) is not folded yet: it has no
 * state, or one its history, still coming, will replace. */
static const char SQL_DOSSIERS[] =
    "SELECT DISTINCT dossier FROM changes"
    " WHERE dossier NOT IN (SELECT dossier FROM forgotten)"
    " AND dossier NOT IN (SELECT dossier FROM offer_summaries)"
    " ORDER BY dossier";
/* An erased or forgotten dossier keeps no view, and only what erase.h
 * says: the tombstone, or changes this node wrote. */
static const char SQL_FORGOTTEN_BAD[] =
    "SELECT f.dossier, 'its views are still here' FROM forgotten f"
    " WHERE EXISTS (SELECT 1 FROM persons p WHERE p.dossier = f.dossier)"
    " UNION ALL SELECT f.dossier, 'a change other than its tombstone is"
    " still here' FROM forgotten f JOIN changes c ON c.dossier = f.dossier"
    " WHERE f.kind = 'erased' AND c.id <> f.id"
    " UNION ALL SELECT f.dossier, 'its tombstone is missing' FROM forgotten f"
    " WHERE f.kind = 'erased' AND NOT EXISTS (SELECT 1 FROM changes c"
    "  WHERE c.id = f.id AND c.dossier = f.dossier)"
    " UNION ALL SELECT f.dossier, 'a change another region made is still"
    " here' FROM forgotten f JOIN changes c ON c.dossier = f.dossier"
    " WHERE f.kind = 'declined' AND c.region <>"
    "  (SELECT v FROM meta WHERE k = 'region')"
    " UNION ALL SELECT f.dossier, 'its heads are not the changes kept'"
    " FROM forgotten f WHERE (SELECT count(*) FROM heads h"
    "  WHERE h.dossier = f.dossier) <> (SELECT count(*) FROM changes c"
    "  WHERE c.dossier = f.dossier)";
static const char SQL_ORPHAN_VIEWS[] =
    "SELECT dossier FROM persons WHERE dossier NOT IN"
    " (SELECT dossier FROM changes)";

static int
json_bytes(const struct dossier *d, struct buf *b)
{
	cJSON	*j;
	int	 rc;

	buf_reset(b);
	if ((j = view_json(d)) == NULL)
		return (-1);
	rc = jcs_write(b, j, SIZE_MAX, NULL);
	cJSON_Delete(j);
	return (rc);
}

static void
check_views(struct vcheck *vc)
{
	struct store	*st = vc->st;
	struct dossier	*fold = NULL, *stored = NULL;
	struct buf	 a, b;
	sqlite3_stmt	*s;
	char		 id[37], why[256];
	const char	*v;
	int		 r, k;

	buf_init(&a, (size_t)1 << 30);
	buf_init(&b, (size_t)1 << 30);
	/* Not cached: view_load and view_fold use cached statements. */
	if (sqlite3_prepare_v2(store_db(st), SQL_DOSSIERS, -1, &s, NULL) !=
	    SQLITE_OK) {
		problem(&vc->problems, "cannot list dossiers: %s",
		    sqlite3_errmsg(store_db(st)));
		return;
	}
	while (!vc->oom && (r = store_step(st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v == NULL || strlen(v) != 36)
			continue;
		memcpy(id, v, 37);
		vc->dossiers++;
		if ((k = view_fold(st, id, &fold, why, sizeof(why))) ==
		    VIEW_NOMEM)
			vc->oom = true;
		else if (k != 0)
			problem(&vc->problems, "dossier %s: %s", id, why);
		else if ((k = view_load(st, id, &stored)) == 1)
			problem(&vc->problems, "dossier %s: its views are missing", id);
		else if (k != 0 || json_bytes(fold, &a) == -1 ||
		    json_bytes(stored, &b) == -1)
			vc->oom = true;	/* or the database: no verdict */
		else if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			problem(&vc->problems, "dossier %s: the stored views differ from "
			    "its log ('opora rebuild' recomputes them)", id);
		check_heads(vc, id);
		dossier_free(fold);
		dossier_free(stored);
		fold = stored = NULL;
	}
	if (r != STORE_DONE)
		problem(&vc->problems, "the dossiers cannot be listed to the "
		    "end: %s", sqlite3_errmsg(store_db(st)));
	sqlite3_finalize(s);
	buf_free(&a);
	buf_free(&b);
	if ((s = store_stmt(st, SQL_FORGOTTEN_BAD)) != NULL) {
		while ((r = sqlite3_step(s)) == SQLITE_ROW)
			problem(&vc->problems, "erased or forgotten dossier %s: "
			    "%s", sqlite3_column_text(s, 0),
			    sqlite3_column_text(s, 1));
		if (r != SQLITE_DONE)
			problem(&vc->problems, "the erased dossiers cannot be "
			    "read: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
	} else
		vc->failed = 1;
	if ((s = store_stmt(st, SQL_ORPHAN_VIEWS)) != NULL) {
		while ((r = store_step(st, s)) == STORE_ROW)
			problem(&vc->problems, "dossier %s is in the views but not in "
			    "the log", sqlite3_column_text(s, 0));
		if (r != STORE_DONE)
			problem(&vc->problems, "the views cannot be read to the "
			    "end: %s", sqlite3_errmsg(store_db(st)));
		sqlite3_reset(s);
	} else
		vc->failed = 1;
}

/* The views are checked on a connection of their own, in a thread of its
 * own, while the log's signatures are checked on the others. */
static void *
views_run(void *arg)
{
	struct vcheck	*vc = arg;

	if (store_exec(vc->st, "BEGIN") == -1) {
		vc->failed = 1;
		return (NULL);
	}
	check_views(vc);
	store_rollback(vc->st);
	return (NULL);
}

/* SQLite's check of the file, listing at most 20 problems: enough to
 * tell what is damaged without flooding the terminal. */
#define VERIFY_INTEGRITY_SQL	"PRAGMA integrity_check(20)"

/*
 * integrity_check(st, path): SQLite's own check of the database file:
 * every page, every index against its table, every constraint.  A
 * database whose structure is damaged may still answer some queries, so
 * the hashes and views alone cannot tell.  Returns how many problems it
 * listed (each reported, naming the file), or -1 if it could not run.
 */
static int
integrity_check(struct store *st, const char *path, uint64_t *problems)
{
	sqlite3_stmt	*s = NULL;
	const char	*v;
	char		 e[ESC_LONG];
	int		 r, found = 0;

	if (sqlite3_prepare_v2(store_db(st), VERIFY_INTEGRITY_SQL, -1, &s,
	    NULL) != SQLITE_OK) {
		problem(problems, "%s: SQLite cannot check it: %s", path,
		    esc_str(sqlite3_errmsg(store_db(st)), e, sizeof(e)));
		return (-1);
	}
	while ((r = store_step(st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v != NULL && strcmp(v, "ok") == 0)
			continue;
		found++;
		problem(problems, "%s is damaged: %s", path,
		    esc_str(v, e, sizeof(e)));
	}
	if (r != STORE_DONE) {
		problem(problems, "%s is damaged: %s", path,
		    esc_str(sqlite3_errmsg(store_db(st)), e, sizeof(e)));
		found++;
	}
	sqlite3_finalize(s);
	if (found > 0 && !cli_io_failed())
		cli_err("%s", cli_tr("the database file is damaged: restore "
		    "it from a backup (docs/admin.md, \"Backups\"); if the "
		    "problems are only in the views, 'opora rebuild' "
		    "recomputes them from the log",
		    "файл базы данных повреждён: восстановите его из "
		    "резервной копии (docs/admin.md); если повреждены только "
		    "представления, их пересчитает 'opora rebuild'"));
	return (found);
}

static int
simple_args(int argc, char **argv, const char *en, const char *ru)
{
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		printf("%s\n", cli_tr(en, ru));
		return (EX_OK);
	}
	if (argc != 1) {
		fprintf(stderr, "%s\n", cli_tr(en, ru));
		return (EX_USAGE);
	}
	return (-1);
}

int
cmd_verify(int argc, char **argv)
{
	struct vstate	 vs;
	struct vcheck	 vc;
	pthread_t	 views;
	char		 path[4096];
	int		 rc, threaded = 0, damaged;

	if ((rc = simple_args(argc, argv,
	    "usage: opora verify\n  re-checks every change's hash, form, "
	    "signature and parent links, and compares the views with the log",
	    "использование: opora verify\n  перепроверяет хеш, формат, "
	    "подпись и связи каждого изменения и сверяет представления с "
	    "журналом")) != -1)
		return (rc);
	memset(&vs, 0, sizeof(vs));
	memset(&vc, 0, sizeof(vc));
	if ((vs.n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (node_path(vs.n, "opora.db", path, sizeof(path)) == -1 ||
	    (vc.st = store_open(path, false)) == NULL) {
		node_close(vs.n);
		return (EX_SOFTWARE);
	}
	rc = EX_SOFTWARE;
	/* SQLite's structure first: what follows reads through it. */
	if ((damaged = integrity_check(vs.n->st, path, &vs.problems)) != 0)
		goto report;
	if ((vs.items = calloc(VERIFY_BATCH, sizeof(*vs.items))) == NULL) {
		vs.oom = true;
		goto out;
	}
	if ((vs.ver = verifier_new_held(vs.n->st)) == NULL)
		goto out;
	threaded = pthread_create(&views, NULL, views_run, &vc) == 0;
	/* One read transaction: a consistent snapshot of the log. */
	if (store_exec(vs.n->st, "BEGIN") == -1)
		goto out;
	if (store_each_change(vs.n->st, NULL, verify_row, &vs) != 0) {
		store_rollback(vs.n->st);
		goto out;
	}
	if (vs.nitems > 0)
		batch_finish(&vs);
	store_rollback(vs.n->st);
	if (cli.tty)
		fputc('\n', stderr);
	if (threaded) {
		pthread_join(views, NULL);
		threaded = 0;
	} else
		views_run(&vc);
	if (vc.failed)
		goto out;
	if (vc.oom)
		vs.oom = true;
	if (vs.oom)
		goto out;
	vs.problems += vc.problems;
report:
	/* What could not be read says nothing about the data: no verdict
	 * (node/cli.c says so). */
	if (cli_io_failed()) {
		rc = EX_IOERR;
		goto out;
	}
	if (vs.problems > 0) {
		cli_err("%s: %llu %s", cli_tr("verify FAILED", "проверка НЕ "
		    "ПРОЙДЕНА"), (unsigned long long)vs.problems,
		    cli_tr("problem(s), listed above", "проблем(ы), см. выше"));
		rc = EX_DATAERR;
	} else {
		printf("%s: %llu %s, %llu %s\n", cli_tr("verified",
		    "проверено"), (unsigned long long)vs.changes,
		    cli_tr("changes", "изменений"),
		    (unsigned long long)vc.dossiers, cli_tr("dossiers: hashes, "
		    "signatures, parent links and views are intact",
		    "дел: хеши, подписи, связи и представления в порядке"));
		rc = EX_OK;
	}
out:
	if (threaded)
		pthread_join(views, NULL);
	/* Nothing is known about what was not checked: no verdict. */
	if (!cli_io_failed() && (vs.oom || vc.oom)) {
		cli_err("%s", cli_tr("verify: out of memory: the check could "
		    "not finish, so it says nothing about the data (nothing was "
		    "changed); run it again with more memory",
		    "verify: не хватает памяти: проверка не завершена и ничего "
		    "не говорит о данных (ничего не изменено); повторите, "
		    "когда памяти будет больше"));
		rc = EX_OSERR;
	}
	store_close(vc.st);
	verifier_free(vs.ver);
	free(vs.items);
	node_close(vs.n);
	return (rc);
}

/*
 * The views, children before persons (their foreign keys name it): what
 * rebuild empties and fills again from the log.
 */
static const char *const VIEW_TABLES[] = {
	"episodes", "events", "assessments", "consents", "transfers",
	"conflicts", "links", "persons", NULL
};
static const char SQL_VIEWS_CLEAR[] =
    "DELETE FROM episodes; DELETE FROM events;"
    " DELETE FROM assessments; DELETE FROM consents;"
    " DELETE FROM transfers; DELETE FROM conflicts;"
    " DELETE FROM links; DELETE FROM persons";
/* The schema of the views (tables first, then their indexes), read from
 * a database that the migrations have just made. */
static const char SQL_VIEW_SCHEMA[] =
    "SELECT sql FROM sqlite_schema WHERE tbl_name IN ('episodes', 'events',"
    " 'assessments', 'consents', 'transfers', 'conflicts', 'links',"
    " 'persons') AND sql IS NOT NULL ORDER BY type = 'index', rowid";

/*
 * Fill the views again from the log in one transaction: 0 and the number
 * of dossiers in *count; 1 if the views cannot be emptied (damaged or
 * missing: nothing done); EX_DATAERR (told) if a dossier does not fold;
 * -1 on another error.
 */
static int
views_fill(struct node *n, uint64_t *count)
{
	struct dossier	*d = NULL;
	sqlite3_stmt	*s = NULL;
	char		 why[256], id[37];
	const char	*v;
	int		 r, rc = -1;

	*count = 0;
	if (store_begin(n->st) == -1)
		return (-1);
	if (store_exec(n->st, SQL_VIEWS_CLEAR) == -1) {
		rc = 1;
		goto out;
	}
	if (sqlite3_prepare_v2(store_db(n->st), SQL_DOSSIERS, -1, &s, NULL) !=
	    SQLITE_OK)
		goto out;
	while ((r = store_step(n->st, s)) == STORE_ROW) {
		v = (const char *)sqlite3_column_text(s, 0);
		if (v == NULL || strlen(v) != 36)
			continue;
		memcpy(id, v, 37);
		if (view_fold(n->st, id, &d, why, sizeof(why)) != 0) {
			cli_err("rebuild: %s %s: %s", cli_tr("dossier", "дело"),
			    id, why);
			rc = EX_DATAERR;
			goto out;
		}
		if (view_save(n->st, d) == -1)
			goto out;
		dossier_free(d);
		d = NULL;
		(*count)++;
	}
	if (r != STORE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (store_commit(n->st) == -1)
		goto out;
	rc = 0;
out:
	sqlite3_finalize(s);
	if (rc != 0)
		store_rollback(n->st);
	dossier_free(d);
	return (rc);
}

/* Run one statement of sql text made here (never outside input). */
static int
exec_on(sqlite3 *db, const char *sql)
{
	char	*err = NULL;
	char	 e[ESC_LONG];

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		log_warnx("rebuild: %s", esc_str(err != NULL ? err :
		    sqlite3_errmsg(db), e, sizeof(e)));
		sqlite3_free(err);
		return (-1);
	}
	return (0);
}

/*
 * Drop the views of the node's database and make them again, empty, with
 * the schema the migrations give a new node.  A damaged table may not
 * even drop (SQLite walks its pages to free them); then its entries are
 * taken out of the schema and VACUUM writes the file anew without the
 * damaged pages.  The log is not touched.  0 / -1; *np is the node,
 * opened again.
 */
static int
views_recreate(struct node **np, const char *path)
{
	struct store	*fresh = NULL;
	sqlite3_stmt	*s = NULL;
	sqlite3		*db = store_db((*np)->st);
	char		 sql[64];
	int		 i, r, rc = -1, dropped = 1;

	if ((fresh = store_open(":memory:", true)) == NULL)
		return (-1);
	if (exec_on(db, "BEGIN IMMEDIATE") == -1)
		goto out;
	for (i = 0; VIEW_TABLES[i] != NULL && dropped; i++) {
		snprintf(sql, sizeof(sql), "DROP TABLE IF EXISTS %s",
		    VIEW_TABLES[i]);
		dropped = exec_on(db, sql) == 0;
	}
	if (!dropped) {
		(void)exec_on(db, "ROLLBACK");
		/* The pages cannot be freed: forget the tables. */
		if (exec_on(db, "PRAGMA writable_schema = ON") == -1 ||
		    exec_on(db, "BEGIN IMMEDIATE") == -1)
			goto out;
		if (exec_on(db, "DELETE FROM sqlite_schema WHERE tbl_name IN"
		    " ('episodes', 'events', 'assessments', 'consents',"
		    " 'transfers', 'conflicts', 'links', 'persons')") == -1 ||
		    exec_on(db, "COMMIT") == -1) {
			(void)exec_on(db, "ROLLBACK");
			(void)exec_on(db, "PRAGMA writable_schema = OFF");
			goto out;
		}
		(void)exec_on(db, "PRAGMA writable_schema = OFF");
		/* The schema changed under the connection: open anew, and
		 * write the file again without the orphaned pages. */
		node_close(*np);
		if ((*np = cli_open()) == NULL)
			goto out;
		db = store_db((*np)->st);
		if (exec_on(db, "VACUUM") == -1 ||
		    exec_on(db, "BEGIN IMMEDIATE") == -1)
			goto out;
	}
	if (sqlite3_prepare_v2(store_db(fresh), SQL_VIEW_SCHEMA, -1, &s,
	    NULL) != SQLITE_OK)
		goto rollback;
	while ((r = store_step(fresh, s)) == STORE_ROW)
		if (exec_on(db, (const char *)sqlite3_column_text(s, 0)) == -1)
			goto rollback;
	if (r != STORE_DONE || exec_on(db, "COMMIT") == -1)
		goto rollback;
	rc = 0;
	goto out;
rollback:
	(void)exec_on(db, "ROLLBACK");
out:
	if (rc == -1)
		log_warnx("rebuild: the views of %s could not be made again",
		    path);
	sqlite3_finalize(s);
	store_close(fresh);
	return (rc);
}

int
cmd_rebuild(int argc, char **argv)
{
	struct node	*n;
	char		 path[4096];
	uint64_t	 count = 0;
	int		 r, rc;

	if ((rc = simple_args(argc, argv,
	    "usage: opora rebuild\n  recomputes every view (persons, episodes, "
	    "events, assessments, consents) from the log alone",
	    "использование: opora rebuild\n  пересчитывает все представления "
	    "(люди, периоды, события, оценки, согласия) только по журналу"))
	    != -1)
		return (rc);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = EX_SOFTWARE;
	if (node_path(n, "opora.db", path, sizeof(path)) == -1)
		goto out;
	if ((r = views_fill(n, &count)) == 1) {
		/* Missing or damaged views: the log alone is the truth. */
		cli_err("%s %s %s", cli_tr("the views in", "представления в"),
		    path, cli_tr("cannot be emptied (missing or damaged); "
		    "making them again from the log",
		    "не удаётся очистить (нет или повреждены); создаю их "
		    "заново по журналу"));
		if (views_recreate(&n, path) == -1) {
			cli_err("%s %s %s", cli_tr("the views in",
			    "представления в"), path, cli_tr("could not be "
			    "made again: restore the database from a backup "
			    "(docs/admin.md)", "не удалось создать заново: "
			    "восстановите базу из резервной копии "
			    "(docs/admin.md)"));
			goto out;
		}
		r = views_fill(n, &count);
	}
	if (r == EX_DATAERR)
		rc = EX_DATAERR;
	if (r != 0)
		goto out;
	printf("%s %llu %s\n", cli_tr("rebuilt", "пересчитано"),
	    (unsigned long long)count, cli_tr("dossiers", "дел"));
	rc = EX_OK;
out:
	node_close(n);
	return (rc);
}
