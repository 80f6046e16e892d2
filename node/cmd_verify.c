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
#include "node/store_check.h"
#include "node/verifier.h"
#include "node/view.h"
#include "protocol/esc.h"
#include "protocol/jcs.h"
#include "protocol/log.h"
#include "protocol/sig.h"

#define VERIFY_BATCH	2048

/* What a row of the log copies out of its change's signed bytes (read
 * by store_each_change), to compare with what the bytes say: a row moved
 * to another dossier (or region, key, clock) by hand would otherwise be
 * served and shown as that dossier's. */
struct vcopied {
	char		 dossier[37];
	char		 hlc[17];
	char		 key[17];
	char		 region[16];
	bool		 bad;		/* a column too long, or NULL */
};

struct vstate {
	struct node	*n;
	struct verifier	*ver;
	struct vitem	*items;
	struct vcopied	*copied;	/* one per item */
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

/* Whether the row's copies (cp) are what change c's bytes say. */
static bool
copied_agree(const struct vcopied *cp, const struct change *c)
{
	char	 hlc[17];

	if (cp->bad || c == NULL)
		return (false);
	hlc_format(c->hlc, hlc);
	return (strcmp(cp->dossier, c->dossier) == 0 &&
	    strcmp(cp->hlc, hlc) == 0 && strcmp(cp->key, c->key) == 0 &&
	    strcmp(cp->region, c->region) == 0);
}

/* Copy s (NULL: bad) into out of outsz bytes; false when it does not
 * fit (a value no change holds). */
static bool
copy_col(char *out, size_t outsz, const char *s)
{
	return (s != NULL && (size_t)snprintf(out, outsz, "%s", s) < outsz);
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
		else if (!copied_agree(&vs->copied[i], it->c))
			problem(&vs->problems, "change %s (feed #%lld): its "
			    "row's dossier, region, key or clock is not what "
			    "its signed bytes say (the row was altered)",
			    it->id, (long long)it->seq);
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
	struct vcopied	*cp;

	if (vs->oom)
		return (-1);	/* no verdict can come of going on */
	/* A feed number the feed cannot carry (JSON's exact integers)
	 * would stop every peer's pull at it, for ever. */
	if (row->seq < 1 || row->seq > JCS_INT_MAX)
		problem(&vs->problems, "change %s (feed #%lld): its feed "
		    "number is not from 1 to 2^53-1 (the row was altered)",
		    row->id, (long long)row->seq);
	memset(it, 0, sizeof(*it));
	cp = &vs->copied[vs->nitems];
	cp->bad = !copy_col(cp->dossier, sizeof(cp->dossier), row->dossier) ||
	    !copy_col(cp->hlc, sizeof(cp->hlc), row->hlc) ||
	    !copy_col(cp->key, sizeof(cp->key), row->key_id) ||
	    !copy_col(cp->region, sizeof(cp->region), row->region);
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

struct idlist {
	char	(*v)[CHANGE_ID_HEX + 1];
	size_t	  n;
};

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
	int64_t		 roots;

	if (store_dossier_ids(st, dossier, 0, &ids.v, &ids.n) == -1 ||
	    store_dossier_ids(st, dossier, 1, &par.v, &par.n) == -1 ||
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
	if ((roots = store_dossier_roots(st, dossier)) == -1)
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

/* What check_dossier compares with. */
struct vviews {
	struct vcheck	*vc;
	struct buf	 a, b;
};

/* One dossier: its fold against its stored views, and its heads. */
static int
check_dossier(const char *const *col, void *arg)
{
	const char	*id = col[0];
	struct vviews	*vv = arg;
	struct vcheck	*vc = vv->vc;
	struct dossier	*fold = NULL, *stored = NULL;
	char		 why[256];
	int		 k;

	if (vc->oom)
		return (1);
	vc->dossiers++;
	if ((k = view_fold(vc->st, id, &fold, why, sizeof(why))) ==
	    VIEW_NOMEM)
		vc->oom = true;
	else if (k != 0)
		problem(&vc->problems, "dossier %s: %s", id, why);
	else if ((k = view_load(vc->st, id, &stored)) == 1)
		problem(&vc->problems, "dossier %s: its views are missing", id);
	else if (k != 0 || json_bytes(fold, &vv->a) == -1 ||
	    json_bytes(stored, &vv->b) == -1)
		vc->oom = true;	/* or the database: no verdict */
	else if (vv->a.len != vv->b.len || memcmp(vv->a.data, vv->b.data,
	    vv->a.len) != 0)
		problem(&vc->problems, "dossier %s: the stored views differ "
		    "from its log ('opora rebuild' recomputes them)", id);
	check_heads(vc, id);
	dossier_free(fold);
	dossier_free(stored);
	return (0);
}

static int
forgotten_bad(const char *const *col, void *arg)
{
	struct vcheck	*vc = arg;

	problem(&vc->problems, "erased or forgotten dossier %s: %s", col[0],
	    col[1]);
	return (0);
}

static int
orphan_view(const char *const *col, void *arg)
{
	struct vcheck	*vc = arg;

	problem(&vc->problems, "dossier %s is in the views but not in the "
	    "log", col[0]);
	return (0);
}

static int
twice(const char *const *col, void *arg)
{
	struct vcheck	*vc = arg;

	problem(&vc->problems, "change %s is stored %s times in the log "
	    "(restore from backup)", col[0], col[1]);
	return (0);
}

static void
check_views(struct vcheck *vc)
{
	struct store	*st = vc->st;
	struct vviews	 vv;
	int64_t		 kept, counted;

	vv.vc = vc;
	buf_init(&vv.a, (size_t)1 << 30);
	buf_init(&vv.b, (size_t)1 << 30);
	if (store_dossier_each(st, check_dossier, &vv) == -1)
		problem(&vc->problems, "the dossiers cannot be listed to the "
		    "end: %s", store_errmsg(st));
	buf_free(&vv.a);
	buf_free(&vv.b);
	if (store_forgotten_bad_each(st, forgotten_bad, vc) == -1)
		problem(&vc->problems, "the erased dossiers cannot be read: "
		    "%s", store_errmsg(st));
	if (store_twice_each(st, twice, vc) == -1)
		problem(&vc->problems, "the log's ids cannot be read to the "
		    "end: %s", store_errmsg(st));
	if (store_orphan_views_each(st, orphan_view, vc) == -1)
		problem(&vc->problems, "the views cannot be read to the end: "
		    "%s", store_errmsg(st));
	if (store_tally_check(st, &kept, &counted) == -1)
		problem(&vc->problems, "the number of changes cannot be read: "
		    "%s", store_errmsg(st));
	else if (kept != counted)
		problem(&vc->problems, "the database keeps the number of "
		    "changes as %lld, but the log holds %lld ('opora rebuild' "
		    "counts again)", (long long)kept, (long long)counted);
}

/* The views are checked on a connection of their own, in a thread of its
 * own, while the log's signatures are checked on the others. */
static void *
views_run(void *arg)
{
	struct vcheck	*vc = arg;

	log_thread_name("opora-views");
	if (store_exec(vc->st, "BEGIN") == -1) {
		vc->failed = 1;
		return (NULL);
	}
	check_views(vc);
	store_rollback(vc->st);
	return (NULL);
}

/* SQLite's check of the file lists at most this many problems: enough
 * to tell what is damaged without flooding the terminal. */
#define VERIFY_INTEGRITY_MAX	20

struct integrity {
	const char	*path;
	uint64_t	*problems;
	int		 found;
};

static int
integrity_problem(const char *const *col, void *arg)
{
	struct integrity	*ic = arg;
	char			 e[ESC_LONG];

	ic->found++;
	problem(ic->problems, "%s is damaged: %s", ic->path,
	    esc_str(col[0], e, sizeof(e)));
	return (0);
}

/*
 * integrity_check(st, path): SQLite's own check of the database file:
 * every page, every index against its table, every constraint.  A
 * database whose structure is damaged may still answer some queries, so
 * the hashes and views alone cannot tell.  Returns how many problems it
 * listed (each reported, naming the file; a check that cannot run to its
 * end is one).
 */
static int
integrity_check(struct store *st, const char *path, uint64_t *problems)
{
	struct integrity	 ic = { path, problems, 0 };
	const char		*msg;
	int			 found;

	if (store_integrity_each(st, VERIFY_INTEGRITY_MAX, integrity_problem,
	    &ic) == -1) {
		msg = store_errmsg(st);
		(void)integrity_problem(&msg, &ic);
	}
	found = ic.found;
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

/* store_text_fn: a schema object that is not as this opora makes it. */
static int
schema_problem(const char *const *col, void *arg)
{
	problem(arg, "schema: %s (the database was altered by hand: "
	    "restore it from a backup)", col[0]);
	return (0);
}

/*
 * A key stored before cards were checked for it (node/card.c) may be one
 * anyone can sign as: a point of small order, or not canonical
 * (sig_pub_sound).  Nothing signed by it proves who wrote it, so verify
 * names it; the admin revokes it from the start (docs/admin.md).
 */
static int
key_unsound(const struct store_key_row *k, void *arg)
{
	uint64_t	*problems = arg;
	char		 e1[ESC_SHORT], e2[ESC_SHORT];

	if (k->pub != NULL && sig_pub_sound(k->pub))
		return (0);
	problem(problems, "%s %s %s %s: %s", cli_tr("key", "ключ"),
	    esc_str(k->key_id, e1, sizeof(e1)), cli_tr("of", "региона"),
	    esc_str(k->region, e2, sizeof(e2)), k->pub == NULL ?
	    cli_tr("its stored public key is not 32 bytes", "хранимый "
	    "открытый ключ не 32 байта") : cli_tr("not a sound Ed25519 key "
	    "(a point of small order, or not canonical): anyone could sign "
	    "as it, so what it signed proves nothing; revoke it from the "
	    "start with 'opora peer revoke-key REGION KEYID --since "
	    "1970-01-01' and ask that region for a new card",
	    "не является надёжным ключом Ed25519 (точка малого порядка или "
	    "неканоническая запись): подписать им может кто угодно, и его "
	    "подписи ничего не доказывают; отзовите его с самого начала "
	    "('opora peer revoke-key РЕГИОН КЛЮЧ --since 1970-01-01') и "
	    "попросите у региона новую карточку"));
	return (0);
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
	/* Then its schema: a trigger planted in a backup would act on every
	 * change to come, a dropped one let the audit be deleted. */
	if (store_schema_each(vs.n->st, schema_problem, &vs.problems) != 0)
		goto out;
	if (store_key_each(vs.n->st, key_unsound, &vs.problems) != 0)
		goto out;
	if ((vs.items = calloc(VERIFY_BATCH, sizeof(*vs.items))) == NULL ||
	    (vs.copied = calloc(VERIFY_BATCH, sizeof(*vs.copied))) == NULL) {
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
		    cli_n(vs.problems, "problem, listed above", "problems, "
		    "listed above", "проблема, см. выше", "проблемы, см. выше",
		    "проблем, см. выше"));
		rc = EX_DATAERR;
	} else {
		printf("%s: %llu %s, %llu %s: %s\n", cli_tr("verified",
		    "проверено"), (unsigned long long)vs.changes,
		    cli_n(vs.changes, "change", "changes", "изменение",
		    "изменения", "изменений"), (unsigned long long)vc.dossiers,
		    cli_n(vc.dossiers, "dossier", "dossiers", "дело", "дела",
		    "дел"), cli_tr("hashes, signatures, parent links and views "
		    "are intact", "хеши, подписи, связи и представления в "
		    "порядке"));
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
	free(vs.copied);
	node_close(vs.n);
	return (rc);
}

/* What fill_dossier folds into. */
struct vfill {
	struct node	*n;
	uint64_t	 count;
	int		 rc;		/* EX_DATAERR when a dossier does not fold */
};

static int
fill_dossier(const char *const *col, void *arg)
{
	const char	*id = col[0];
	struct vfill	*vf = arg;
	struct dossier	*d = NULL;
	char		 why[256];
	int		 rc = 0;

	if (view_fold(vf->n->st, id, &d, why, sizeof(why)) != 0) {
		cli_err("rebuild: %s %s: %s", cli_tr("dossier", "дело"), id,
		    why);
		vf->rc = EX_DATAERR;
		rc = 1;
	} else if (view_save(vf->n->st, d) == -1)
		rc = -1;
	else
		vf->count++;
	dossier_free(d);
	return (rc);
}

/*
 * Fill the views again from the log in one transaction: 0 and the number
 * of dossiers in *count; 1 if the views cannot be emptied (damaged or
 * missing: nothing done); EX_DATAERR (told) if a dossier does not fold;
 * -1 on another error.
 */
static int
views_fill(struct node *n, uint64_t *count)
{
	struct vfill	 vf = { n, 0, 0 };
	int		 r;

	*count = 0;
	if (store_begin(n->st) == -1)
		return (-1);
	if (store_views_clear(n->st) == -1) {
		store_rollback(n->st);
		return (1);
	}
	if ((r = store_dossier_each(n->st, fill_dossier, &vf)) != 0 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		return (vf.rc == EX_DATAERR ? EX_DATAERR : -1);
	}
	*count = vf.count;
	return (0);
}

/*
 * Drop the views of the node's database and make them again, empty, with
 * the schema the migrations give a new node (store_views_recreate); when a
 * damaged table cannot even be dropped, open the node again and write
 * the file anew without its pages (store_views_make).  The log is not
 * touched.  0 / -1; *np is the node, perhaps opened again.
 */
static int
views_recreate(struct node **np, const char *path)
{
	int	 r;

	if ((r = store_views_recreate((*np)->st)) == 1) {
		/* The schema changed under the connection: open anew. */
		node_close(*np);
		r = (*np = cli_open()) == NULL ? -1 :
		    store_views_make((*np)->st);
	}
	if (r != 0)
		log_warnx("rebuild: the views of %s could not be made again",
		    path);
	return (r == 0 ? 0 : -1);
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
	/* And the number of changes status shows ('opora verify'). */
	if (store_tally_again(n->st) == -1) {
		cli_err("%s", cli_tr("the changes of the log could not be "
		    "counted again", "не удалось заново сосчитать изменения "
		    "журнала"));
		goto out;
	}
	printf("%s %llu %s\n", cli_tr("rebuilt", "пересчитано"),
	    (unsigned long long)count, cli_n(count, "dossier", "dossiers",
	    "дело", "дела", "дел"));
	rc = EX_OK;
out:
	node_close(n);
	return (rc);
}
