/*
 * node/cmd_import.c: import an existing register from JSON Lines.
 *
 * Each line is one operation on a dossier named by a label local to the
 * file (docs/import.md).  The file is opened once and read twice.  The
 * first pass checks every line exactly as the node would when making the
 * change, without writing anything, and notes each line's digest and key;
 * unless --keep-going is given, one bad line stops the import there, with
 * every bad line listed and nothing written.  The second pass makes the
 * changes, one per line, committing every LIMIT_IMPORT_BATCH of them; it
 * stops if a line is not the one the first pass checked.
 *
 * Each change is recorded in the table import_lines under its line's key
 * (import_line_key), in the transaction that makes it: a run that was
 * stopped at any point (kill -9, a full disk) and is run again skips what
 * was made, so no line is imported twice.  The dossier ids are printed
 * only once the last batch has committed, every dossier of the file,
 * whichever run made it; with --out they replace FILE by rename, so a
 * cut-off list is never taken for a complete one.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <sys/stat.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "conflict/hlc.h"
#include "conflict/rules.h"
#include "conflict/plural.h"
#include "node/cli.h"
#include "node/import.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/esc.h"
#include "protocol/limits.h"
#include "protocol/log.h"

#define IMPORT_CACHE	4096	/* dossier states kept between changes */
/*
 * The part of a line's SHA-256 that pass 2 compares with pass 1's, to see
 * that the file did not change between them: 128 bits, against edits by
 * chance, not by an adversary (the file is the importer's own).
 */
#define LINE_DIGEST	16

/* A small string-keyed hash map; values are the caller's. */
struct smap {
	char	**keys;
	void	**vals;
	size_t	  cap, n;
};

static uint64_t
smap_hash(const char *s)
{
	uint64_t	 h = 1469598103934665603ULL;	/* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h);
}

static void **
smap_slot(const struct smap *m, const char *k)
{
	size_t	 i;

	if (m->cap == 0)
		return (NULL);
	for (i = smap_hash(k) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		if (strcmp(m->keys[i], k) == 0)
			return (&m->vals[i]);
	return (NULL);
}

static void *
smap_get(const struct smap *m, const char *k)
{
	void	**v = smap_slot(m, k);

	return (v != NULL ? *v : NULL);
}

static int
smap_put(struct smap *m, const char *k, void *v)
{
	struct smap	 nm;
	size_t		 i, j;
	void		**slot;

	if ((slot = smap_slot(m, k)) != NULL) {
		*slot = v;
		return (0);
	}
	if ((m->n + 1) * 2 > m->cap) {
		nm.cap = m->cap ? m->cap * 2 : 64;
		nm.n = m->n;
		if ((nm.keys = calloc(nm.cap, sizeof(*nm.keys))) == NULL ||
		    (nm.vals = calloc(nm.cap, sizeof(*nm.vals))) == NULL) {
			free(nm.keys);
			return (-1);
		}
		for (i = 0; i < m->cap; i++) {
			if (m->keys[i] == NULL)
				continue;
			for (j = smap_hash(m->keys[i]) & (nm.cap - 1);
			    nm.keys[j] != NULL; j = (j + 1) & (nm.cap - 1))
				;
			nm.keys[j] = m->keys[i];
			nm.vals[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		*m = nm;
	}
	for (i = smap_hash(k) & (m->cap - 1); m->keys[i] != NULL;
	    i = (i + 1) & (m->cap - 1))
		;
	if ((m->keys[i] = strdup(k)) == NULL)
		return (-1);
	m->vals[i] = v;
	m->n++;
	return (0);
}

/* smap_free(m, f): free the keys, and each value with f if not NULL. */
static void
smap_free(struct smap *m, void (*f)(void *))
{
	size_t	 i;

	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL) {
			free(m->keys[i]);
			if (f != NULL)
				f(m->vals[i]);
		}
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* A dossier of the file, by its label. */
struct dlabel {
	char		 label[LIMIT_IMPORT_LABEL + 1];
	char		 uuid[37];
	int		 line;		/* where person.create stands */
	bool		 bad;		/* that line was refused */
	bool		 known;		/* uuid is the stored dossier's */
	uint8_t		 key[IMPORT_KEY_LEN];	/* its person.create line's */
	struct dossier	*d;		/* pass 1: the state so far */
};

/* What pass 1 found of one line, for pass 2. */
struct lstate {
	uint8_t		 digest[LINE_DIGEST];	/* of the line's bytes */
	uint8_t		 key[IMPORT_KEY_LEN];	/* import_line_key, if good */
	bool		 good;		/* checked: pass 2 makes it */
};

/* An entry of the file (an "id" label on an add or open line). */
struct elabel {
	enum dossier_table	 t;
	bool			 ended;	/* closed, retracted, withdrawn */
	char			 id[80];	/* its id, once made */
	char			 pass1[80];	/* its id in pass 1's fold */
};

struct import {
	struct node	*n;
	const char	*path;
	FILE		*f;		/* the file, opened once */
	bool		 keep_going;
	struct smap	 dossiers;	/* label -> struct dlabel */
	struct smap	 entries;	/* "dossier\x1fentry" -> elabel */
	struct smap	 cache;		/* uuid -> struct dossier */
	struct smap	 same;		/* hex content key -> lines so far */
	struct dlabel	**order;	/* the dossiers in file order */
	size_t		 norder, ordercap;
	struct lstate	*ls;		/* by line number, from 1 */
	size_t		 nls, lscap;
	const char	*out;		/* --out FILE, or NULL */
	char		*tmp;		/* its temporary file, until renamed */
	FILE		*outf;
	uint64_t	 lines, good, bad, made, before, committed;
	int		 first_bad;
	bool		 oom;		/* memory ran out: stop, decide nothing */
	/* The dossiers the batch in progress wrote, for its audit entry. */
	struct smap	 batch;		/* uuid -> im (a set) */
	char		*bids;		/* their ids, separated by spaces */
	size_t		 blen, bcap;
};

static int
line_fail(struct import *im, int lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
line_fail(struct import *im, int lineno, const char *fmt, ...)
{
	va_list	 ap;

	/* Memory ran out at this line: that says nothing about the line;
	 * the import stops there (the caller sees im->oom). */
	if (strcmp(fmt, "out of memory") == 0 || (strcmp(fmt, "%s") == 0 &&
	    jcs_nomem_seen())) {
		im->oom = true;
		return (-1);
	}
	fprintf(stderr, "%s:%d: ", im->path, lineno);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	im->bad++;
	if (im->first_bad == 0)
		im->first_bad = lineno;
	return (-1);
}

/* Parse one line into il (import_line_parse).  0, or -1 (reported). */
static int
parse_line(struct import *im, int lineno, const char *p, size_t len,
    struct import_line *il)
{
	char	 why[256];

	jcs_nomem_clear();
	if (import_line_parse(p, len, il, why, sizeof(why)) == -1)
		return (line_fail(im, lineno, "%s", why));
	jcs_nomem_clear();
	return (0);
}

/* A reference for pass 1, when the entry's real id is not known yet. */
static const char dummy_ref[] =
    "0000000000000000000000000000000000000000000000000000000000000000/0";

/* order_add(im, dl): append dl (handed over) to the file's dossiers. */
static int
order_add(struct import *im, struct dlabel *dl)
{
	struct dlabel	**o;
	size_t		  cap;

	if (im->norder == im->ordercap) {
		cap = im->ordercap ? im->ordercap * 2 : 256;
		if ((o = reallocarray(im->order, cap, sizeof(*o))) == NULL)
			return (-1);
		im->order = o;
		im->ordercap = cap;
	}
	im->order[im->norder++] = dl;
	return (0);
}

/* Pass 1: check one line against the file so far.  0 / -1 (reported). */
static int
check_line(struct import *im, int lineno, struct import_line *il)
{
	struct dlabel	*dl;
	struct elabel	*el = NULL;
	struct change	 hdr;
	struct buf	 b;
	char		 zero[1][CHANGE_ID_HEX + 1], why[512], ekey[160];
	char		 p1id[80] = "";
	enum dossier_table t;
	int		 rc;

	dl = smap_get(&im->dossiers, il->dossier);
	if (il->op.kind == OP_PERSON_CREATE) {
		if (dl != NULL)
			return (line_fail(im, lineno, "%s \"%s\" %s %d",
			    cli_tr("dossier", "дело"), il->dossier, cli_tr(
			    "was already created on line", "уже создано в "
			    "строке"), dl->line));
		if ((dl = calloc(1, sizeof(*dl))) == NULL ||
		    node_new_uuid(dl->uuid) == -1 ||
		    order_add(im, dl) == -1) {
			free(dl);
			return (line_fail(im, lineno, "out of memory"));
		}
		/* Owned by im->order from here on. */
		if (smap_put(&im->dossiers, il->dossier, dl) == -1)
			return (line_fail(im, lineno, "out of memory"));
		/* import_line_parse bounds a label to LIMIT_IMPORT_LABEL. */
		memcpy(dl->label, il->dossier, strlen(il->dossier) + 1);
		dl->line = lineno;
	} else if (dl == NULL)
		return (line_fail(im, lineno, "%s \"%s\" %s", cli_tr(
		    "dossier", "дело"), il->dossier, cli_tr("has no "
		    "person.create line before this one", "не создано "
		    "строкой person.create выше")));
	else if (dl->bad)
		return (line_fail(im, lineno, "%s \"%s\" %s %d", cli_tr(
		    "dossier", "дело"), il->dossier, cli_tr("was refused on "
		    "line", "отклонено в строке"), dl->line));
	if ((t = import_names_table(il->op.kind)) != DT_COUNT) {
		if ((el = smap_get(&im->entries, il->key)) == NULL ||
		    el->t != t)
			return (line_fail(im, lineno, "%s \"%s\"", cli_tr(
			    "no earlier entry of this dossier labelled",
			    "выше нет записи этого дела с меткой"), il->ref));
		if (el->ended)
			return (line_fail(im, lineno, "%s \"%s\" %s", cli_tr(
			    "entry", "запись"), il->ref, cli_tr("is already "
			    "closed, retracted or withdrawn", "уже закрыта "
			    "или отозвана")));
		il->op.arg[OA_REF] = dummy_ref;
	}
	memset(&hdr, 0, sizeof(hdr));
	memcpy(hdr.dossier, dl->uuid, sizeof(hdr.dossier));
	hdr.hlc = hlc_pack(node_now_ms(), 0);
	/* A first change names the dossier derived from it (the real one is
	 * derived again when the line is authored). */
	if (il->op.kind == OP_PERSON_CREATE)
		change_dossier_id(im->n->cfg.region, im->n->key_id, hdr.hlc,
		    hdr.dossier);
	memcpy(hdr.key, im->n->key_id, sizeof(hdr.key));
	memcpy(hdr.region, im->n->cfg.region, sizeof(hdr.region));
	hdr.user = im->n->user;
	if (il->op.kind != OP_PERSON_CREATE) {
		memset(zero[0], '0', CHANGE_ID_HEX);
		zero[0][CHANGE_ID_HEX] = '\0';
		hdr.parents = zero;
		hdr.nparents = 1;
	}
	buf_init(&b, LIMIT_CHANGE_BYTES);
	rc = change_encode(&b, &hdr, &il->op, 1, NULL, why, sizeof(why));
	buf_free(&b);
	il->op.arg[OA_REF] = NULL;
	/* Out of memory says nothing about the line, but stops the import
	 * here: nothing is written in pass 1. */
	if (rc == CHANGE_NOMEM)
		return (line_fail(im, lineno, "out of memory"));
	/* No date after this node's today (node_author checks it again). */
	if (rc == 0 && node_check_dates(&il->op, 1, why, sizeof(why)) == -1)
		rc = -1;
	if (rc != 0) {
		if (il->op.kind == OP_PERSON_CREATE)
			dl->bad = true;
		return (line_fail(im, lineno, "%s", cli_why(why)));
	}
	/*
	 * The history rules, exactly as the node will apply them: fold the
	 * file's dossier in memory, each line a change named after its line.
	 */
	{
		struct change_meta	 m;
		char			 cid[CHANGE_ID_HEX + 1];

		snprintf(cid, sizeof(cid), "%064x", (unsigned)lineno);
		m.id = cid;
		m.hlc = hlc_pack(1, 0) + (uint64_t)lineno;
		m.key = im->n->key_id;
		m.region = im->n->cfg.region;
		m.user = im->n->user;
		if (dl->d == NULL && (dl->d = dossier_new(dl->uuid)) == NULL)
			return (line_fail(im, lineno, "out of memory"));
		/* Each line saw the ones before it. */
		m.parents = (const char (*)[65])dl->d->heads;
		m.nparents = dl->d->nheads;
		il->op.arg[OA_REF] = el != NULL ? el->pass1 : NULL;
		rc = rules_check(dl->d, m.region, &il->op, 1, why,
		    sizeof(why));
		if (rc == 0 && dossier_apply(dl->d, &m, &il->op, 1) != 0)
			rc = -2;
		/* The rules never read texts: keep pass 1 small. */
		if (rc == 0 && il->op.kind == OP_EVENT_ADD)
			(void)dossier_set(&dl->d->t[DT_EVENT].v[
			    dl->d->t[DT_EVENT].n - 1].col[EV_TEXT], NULL);
		il->op.arg[OA_REF] = NULL;
		if (rc == -2)
			return (line_fail(im, lineno, "out of memory"));
		if (rc == -1) {
			if (il->op.kind == OP_PERSON_CREATE)
				dl->bad = true;
			return (line_fail(im, lineno, "%s", why));
		}
		snprintf(p1id, sizeof(p1id), "%s/0", cid);
	}
	if (il->op.kind == OP_EVENT_AMEND)
		return (0);
	if (el != NULL)
		el->ended = true;
	if (il->entry != NULL) {
		snprintf(ekey, sizeof(ekey), "%s\x1f%s", il->dossier, il->entry);
		if (smap_get(&im->entries, ekey) != NULL)
			return (line_fail(im, lineno, "%s \"%s\" %s", cli_tr(
			    "label", "метка"), il->entry, cli_tr("is used "
			    "twice in this dossier", "повторяется в этом "
			    "деле")));
		if ((el = calloc(1, sizeof(*el))) == NULL ||
		    smap_put(&im->entries, ekey, el) == -1) {
			free(el);
			return (line_fail(im, lineno, "out of memory"));
		}
		el->t = import_adds_table(il->op.kind);
		memcpy(el->pass1, p1id, sizeof(el->pass1));
	}
	return (0);
}

static void
dossier_free_v(void *d)
{
	dossier_free(d);
}

static void
dlabel_free(void *p)
{
	struct dlabel	*dl = p;

	if (dl != NULL)
		dossier_free(dl->d);
	free(dl);
}

static void
free_pass1(struct import *im)
{
	size_t	 i;

	for (i = 0; i < im->dossiers.cap; i++)
		if (im->dossiers.keys[i] != NULL) {
			struct dlabel *dl = im->dossiers.vals[i];

			dossier_free(dl->d);
			dl->d = NULL;
		}
}

/*
 * key_line(im, lineno, il): the key of line lineno, which pass 1 found
 * good, into im->ls[lineno].key (import_line_key).  The nth line of a
 * dossier with the content of an earlier one gets nth.  0 / -1 (reported;
 * a person.create line then refuses its dossier).
 */
static int
key_line(struct import *im, int lineno, const struct import_line *il)
{
	struct dlabel	*dl = smap_get(&im->dossiers, il->dossier);
	struct lstate	*l = &im->ls[lineno];
	uint8_t		 k0[IMPORT_KEY_LEN];
	char		 hex[2 * IMPORT_KEY_LEN + 1];
	uintptr_t	 nth;
	size_t		 i;

	if (dl == NULL)
		return (line_fail(im, lineno, "dossier refused"));
	if (il->op.kind == OP_PERSON_CREATE) {
		if (import_line_key(il, NULL, 0, l->key) == -1) {
			dl->bad = true;
			return (line_fail(im, lineno, "out of memory"));
		}
		memcpy(dl->key, l->key, sizeof(dl->key));
		return (0);
	}
	if (import_line_key(il, dl->key, 0, k0) == -1)
		return (line_fail(im, lineno, "out of memory"));
	for (i = 0; i < sizeof(k0); i++)
		snprintf(hex + 2 * i, 3, "%02x", k0[i]);
	nth = (uintptr_t)smap_get(&im->same, hex);
	if (nth == UINT32_MAX || smap_put(&im->same, hex,
	    (void *)(nth + 1)) == -1)
		return (line_fail(im, lineno, "out of memory"));
	if (nth == 0)
		memcpy(l->key, k0, sizeof(l->key));
	else if (import_line_key(il, dl->key, (uint32_t)nth, l->key) == -1)
		return (line_fail(im, lineno, "out of memory"));
	return (0);
}

/* entry_made(im, il, cid): an add or open line labelled "id" made change
 * cid: the lines that name the label change the entry cid/0. */
static void
entry_made(struct import *im, const struct import_line *il, const char *cid)
{
	struct elabel	*el;
	char		 ekey[160];

	if (il->entry == NULL)
		return;
	snprintf(ekey, sizeof(ekey), "%s\x1f%s", il->dossier, il->entry);
	if ((el = smap_get(&im->entries, ekey)) != NULL)
		snprintf(el->id, sizeof(el->id), "%s/0", cid);
}

/*
 * Pass 2: make the change of one checked line, with its id in cid.  0, 1
 * when the node refuses the line (reported; nothing written), -1 on any
 * other failure (reported; the caller rolls back).  A line pass 1 found
 * good is refused here only when the dossier's stored history differs
 * from the file's: an earlier run made part of it and the file was edited
 * since, or someone else wrote to the dossier.
 */
/* Forget the summary offer_fill put in op (its strings die with the
 * state they point into). */
static void
clear_summary(struct op *op, bool filled)
{
	if (!filled)
		return;
	op->arg[OA_SURNAME] = op->arg[OA_NAME] = op->arg[OA_PATRONYMIC] = NULL;
	op->arg[OA_BIRTH_YEAR] = op->arg[OA_ENTRIES] = NULL;
	op->arg[OA_CENTRE] = NULL;
}

static int
make_line(struct import *im, int lineno, struct import_line *il,
    char cid[CHANGE_ID_HEX + 1])
{
	struct dlabel	*dl = smap_get(&im->dossiers, il->dossier);
	struct elabel	*el = NULL;
	struct dossier	*d;
	struct offer_buf ob;
	char		 why[512];
	bool		 filled = false;
	int		 r;

	if (dl == NULL || dl->bad || (il->op.kind != OP_PERSON_CREATE &&
	    !dl->known)) {
		line_fail(im, lineno, "%s \"%s\" %s", cli_tr("dossier",
		    "дело"), il->dossier, cli_tr("was refused", "отклонено"));
		return (1);
	}
	if (import_names_table(il->op.kind) != DT_COUNT) {
		if ((el = smap_get(&im->entries, il->key)) == NULL ||
		    el->id[0] == '\0') {
			line_fail(im, lineno, "%s \"%s\" %s", cli_tr("entry",
			    "запись"), il->ref, cli_tr("was refused",
			    "отклонена"));
			return (1);
		}
	}
	/* A new dossier's id comes from its first change (node_author): it
	 * enters the cache under that id once made. */
	if (il->op.kind == OP_PERSON_CREATE) {
		if ((d = dossier_new(dl->uuid)) == NULL)
			return (line_fail(im, lineno, "out of memory"));
	} else if ((d = smap_get(&im->cache, dl->uuid)) == NULL) {
		if (im->cache.n >= IMPORT_CACHE)
			smap_free(&im->cache, dossier_free_v);
		if ((r = view_load(im->n->st, dl->uuid, &d)) == 1)
			d = dossier_new(dl->uuid);
		if (d == NULL || smap_put(&im->cache, dl->uuid, d) == -1) {
			dossier_free(d);
			return (line_fail(im, lineno, "out of memory"));
		}
	}
	if (el != NULL)
		il->op.arg[OA_REF] = el->id;
	/* An offer carries the summary its destination sees until it
	 * accepts (node/offer.h), as from the CLI. */
	if (il->op.kind == OP_TRANSFER_OFFER && il->op.arg[OA_SURNAME] ==
	    NULL) {
		if (offer_fill(im->n, d, &il->op, NULL, &ob) == -1)
			return (line_fail(im, lineno, "out of memory or "
			    "database error"));
		filled = true;
	}
	/* The rules first, so that a refused line writes nothing and
	 * --keep-going can go on. */
	if (rules_check(d, im->n->cfg.region, &il->op, 1, why,
	    sizeof(why)) == -1) {
		clear_summary(&il->op, filled);
		il->op.arg[OA_REF] = NULL;
		if (il->op.kind == OP_PERSON_CREATE) {
			dossier_free(d);
			dl->bad = true;
		}
		line_fail(im, lineno, "%s", why);
		return (1);
	}
	r = node_author(im->n, d, &il->op, 1, cid, why, sizeof(why));
	clear_summary(&il->op, filled);
	il->op.arg[OA_REF] = NULL;
	if (r != 0) {
		if (il->op.kind == OP_PERSON_CREATE)
			dossier_free(d);
		if (r == NODE_NOMEM)
			return (line_fail(im, lineno, "out of memory"));
		return (line_fail(im, lineno, "%s", cli_why(why)));
	}
	if (il->op.kind == OP_PERSON_CREATE) {
		memcpy(dl->uuid, d->id, sizeof(dl->uuid));
		dl->known = true;
		if (im->cache.n >= IMPORT_CACHE)
			smap_free(&im->cache, dossier_free_v);
		if (smap_put(&im->cache, dl->uuid, d) == -1) {
			dossier_free(d);
			return (line_fail(im, lineno, "out of memory"));
		}
	}
	entry_made(im, il, cid);
	im->made++;
	return (0);
}

/*
 * line_done(im, key, cid, uuid): 1 with the change and the dossier a
 * line with this key made, if an import made one; 0 if not; -1 on a
 * database error (logged).  Read inside the write transaction that would
 * make the line, so two imports at once cannot both make it.
 */
static int
line_done(struct import *im, const uint8_t key[IMPORT_KEY_LEN],
    char cid[CHANGE_ID_HEX + 1], char uuid[37])
{
	return (store_import_get(im->n->st, key, IMPORT_KEY_LEN, cid, uuid));
}

/* line_record(im, key, cid, uuid): the line with this key made change cid
 * of dossier uuid.  0 / -1 (logged).  The caller holds the transaction
 * that made the change. */
static int
line_record(struct import *im, const uint8_t key[IMPORT_KEY_LEN],
    const char *cid, const char *uuid)
{
	return (store_import_put(im->n->st, key, IMPORT_KEY_LEN, cid, uuid,
	    (int64_t)(node_now_ms() / 1000)));
}

/* batch_add(im, uuid): the batch in progress wrote dossier uuid.  0 / -1
 * (out of memory). */
static int
batch_add(struct import *im, const char *uuid)
{
	char	*p;

	if (smap_get(&im->batch, uuid) != NULL)
		return (0);
	if (im->blen + 38 > im->bcap) {
		im->bcap = im->bcap ? im->bcap * 2 : 4096;
		if ((p = realloc(im->bids, im->bcap)) == NULL)
			return (-1);
		im->bids = p;
	}
	if (smap_put(&im->batch, uuid, im) == -1)
		return (-1);
	if (im->blen > 0)
		im->bids[im->blen++] = ' ';
	memcpy(im->bids + im->blen, uuid, 37);
	im->blen += 36;
	return (0);
}

/*
 * take_line(im, lineno, il): pass 2 for one good line: skip it if an
 * import made it before (its key is recorded), else make it and record
 * its key in the same transaction.  0 made, 2 made before, 1 refused
 * (reported; nothing written), -1 on any other failure (reported).
 */
static int
take_line(struct import *im, int lineno, struct import_line *il)
{
	const uint8_t	*key = im->ls[lineno].key;
	struct dlabel	*dl;
	char		 cid[CHANGE_ID_HEX + 1], uuid[37];
	int		 r;

	if ((r = line_done(im, key, cid, uuid)) == -1)
		return (line_fail(im, lineno, "%s", cli_tr("cannot read the "
		    "record of earlier imports", "не удаётся прочитать "
		    "запись прежних импортов")));
	if (r == 1) {
		if (il->op.kind == OP_PERSON_CREATE &&
		    (dl = smap_get(&im->dossiers, il->dossier)) != NULL) {
			memcpy(dl->uuid, uuid, sizeof(dl->uuid));
			dl->known = true;
		}
		entry_made(im, il, cid);
		im->before++;
		return (2);
	}
	if ((r = make_line(im, lineno, il, cid)) != 0)
		return (r);
	dl = smap_get(&im->dossiers, il->dossier);
	if (line_record(im, key, cid, dl->uuid) == -1)
		return (line_fail(im, lineno, "%s", cli_tr("cannot record the "
		    "line as imported", "не удаётся отметить строку как "
		    "импортированную")));
	if (batch_add(im, dl->uuid) == -1)
		return (line_fail(im, lineno, "out of memory"));
	return (0);
}

/* Wait for the signatures of the batch: nothing is committed unsigned. */
static int
drain(struct import *im)
{
	if (im->n->signer == NULL)
		return (0);
	return (signer_drain(im->n->signer, im->n->st));
}

/* Commit the batch in progress.  0 / -1 (logged; the caller rolls back). */
static int
batch_commit(struct import *im)
{
	char	 detail[256];

	/* One audit entry per batch, naming every dossier it wrote, in the
	 * batch's transaction: the changes commit with it or not at all. */
	if (im->blen > 0) {
		snprintf(detail, sizeof(detail), "%llu %s %.200s",
		    (unsigned long long)(im->made - im->committed),
		    "changes from", im->path);
		if (cli_audit(im->n, "import", im->bids, detail, true) == -1) {
			cli_err("%s", cli_tr("the import cannot be recorded "
			    "in the audit, so nothing of this batch is kept",
			    "импорт нельзя записать в журнал аудита, поэтому "
			    "эта часть не сохранена"));
			return (-1);
		}
	}
	if (drain(im) == -1 || store_commit(im->n->st) == -1)
		return (-1);
	im->committed = im->made;
	smap_free(&im->batch, NULL);
	im->blen = 0;
	return (0);
}

/*
 * read_line(im, line, cap, lenp, digest): the next line of the file into
 * *line (getline's buffer), without its end of line, its length in *lenp
 * and the first LINE_DIGEST bytes of its SHA-256 in digest.  1, 0 at the
 * end of the file, -1 on a read error or out of memory (reported).
 */
static int
read_line(struct import *im, char **line, size_t *cap, size_t *lenp,
    uint8_t digest[LINE_DIGEST])
{
	uint8_t		 md[EVP_MAX_MD_SIZE];
	unsigned int	 mdlen = 0;
	ssize_t		 len;

	errno = 0;
	if ((len = getline(line, cap, im->f)) == -1) {
		if (ferror(im->f) || errno != 0) {
			/* Out of memory is EX_OSERR, not a read error. */
			if (errno == ENOMEM)
				im->oom = true;
			cli_err("%s: %s", im->path, errno == ENOMEM ? cli_tr("out "
			    "of memory", "не хватает памяти") : cli_tr("read error", "ошибка чтения"));
			return (-1);
		}
		return (0);
	}
	while (len > 0 && ((*line)[len - 1] == '\n' ||
	    (*line)[len - 1] == '\r'))
		(*line)[--len] = '\0';
	if (EVP_Digest(*line, (size_t)len, md, &mdlen, EVP_sha256(), NULL) !=
	    1 || mdlen < LINE_DIGEST) {
		im->oom = true;
		cli_err("%s", cli_tr("out of memory", "не хватает памяти"));
		return (-1);
	}
	memcpy(digest, md, LINE_DIGEST);
	*lenp = (size_t)len;
	return (1);
}

/* ls_grow(im, n): room for line n in im->ls.  0 / -1. */
static int
ls_grow(struct import *im, size_t n)
{
	struct lstate	*ls;
	size_t		 cap;

	if (n < im->lscap)
		return (0);
	cap = im->lscap ? im->lscap * 2 : 4096;
	while (cap <= n)
		cap *= 2;
	if ((ls = reallocarray(im->ls, cap, sizeof(*ls))) == NULL)
		return (-1);
	memset(ls + im->lscap, 0, (cap - im->lscap) * sizeof(*ls));
	im->ls = ls;
	im->lscap = cap;
	return (0);
}

/* Pass 1: check every line and note its digest and key.  0, or -1 when
 * the file cannot be read (reported); bad lines are counted in im->bad. */
static int
check_lines(struct import *im)
{
	struct import_line	 il;
	char			*line = NULL;
	size_t			 cap = 0, len;
	uint8_t			 digest[LINE_DIGEST];
	int			 lineno = 0, r;

	while ((r = read_line(im, &line, &cap, &len, digest)) == 1) {
		if (lineno == INT_MAX || ls_grow(im, (size_t)lineno + 1) ==
		    -1) {
			im->oom = true;
			cli_err("%s: %s", im->path, cli_tr("out of memory", "не хватает памяти"));
			r = -1;
			break;
		}
		lineno++;
		im->nls = (size_t)lineno;
		memcpy(im->ls[lineno].digest, digest, LINE_DIGEST);
		if (len == 0)
			continue;
		im->lines++;
		if (len > LIMIT_IMPORT_LINE) {
			line_fail(im, lineno, "%s", cli_tr("line longer than "
			    "64 KiB", "строка длиннее 64 КиБ"));
			continue;
		}
		if (parse_line(im, lineno, line, len, &il) == 0 &&
		    check_line(im, lineno, &il) == 0 &&
		    key_line(im, lineno, &il) == 0) {
			im->ls[lineno].good = true;
			im->good++;
		}
		import_line_free(&il);
		if (im->oom) {
			r = -1;
			break;
		}
	}
	free(line);
	return (r == -1 ? -1 : 0);
}

/* The file is not what pass 1 read: stop before making what was not
 * checked. */
static int
file_changed(struct import *im, int lineno)
{
	cli_err("%s:%d: %s", im->path, lineno, cli_tr("the file changed "
	    "while it was being imported",
	    "файл изменился во время импорта"));
	return (EX_TEMPFAIL);
}

/*
 * make_lines(im): pass 2: make the lines pass 1 found good, skipping those
 * an import made before, committing every LIMIT_IMPORT_BATCH changes.
 * Returns EX_OK; or, with the batch in progress rolled back and reported,
 * EX_DATAERR (the node refused a line, without --keep-going), EX_TEMPFAIL
 * (the file is not the one pass 1 read) or EX_IOERR (anything else).
 */
static int
make_lines(struct import *im)
{
	struct import_line	 il;
	char			*line = NULL, why[256];
	size_t			 cap = 0, len;
	uint8_t			 digest[LINE_DIGEST];
	int			 lineno = 0, inbatch = 0, r, rc = EX_OK;

	if (fseeko(im->f, 0, SEEK_SET) == -1) {
		cli_err("%s: %s", im->path, cli_tr("read error",
		    "ошибка чтения"));
		return (EX_IOERR);
	}
	if (store_begin(im->n->st) == -1)
		return (EX_IOERR);
	while ((r = read_line(im, &line, &cap, &len, digest)) == 1) {
		if ((size_t)lineno >= im->nls || memcmp(digest,
		    im->ls[lineno + 1].digest, LINE_DIGEST) != 0) {
			rc = file_changed(im, lineno + 1);
			break;
		}
		lineno++;
		if (!im->ls[lineno].good)
			continue;
		/* The very bytes pass 1 parsed: only memory can fail. */
		if (import_line_parse(line, len, &il, why, sizeof(why)) ==
		    -1) {
			import_line_free(&il);
			line_fail(im, lineno, "%s", why);
			rc = EX_IOERR;
			break;
		}
		r = take_line(im, lineno, &il);
		import_line_free(&il);
		if (im->oom) {
			rc = EX_OSERR;
			break;
		}
		if (r == -1 || (r == 1 && !im->keep_going)) {
			rc = r == 1 ? EX_DATAERR : EX_IOERR;
			break;
		}
		if (r != 0)
			continue;
		if (++inbatch == LIMIT_IMPORT_BATCH) {
			if (batch_commit(im) == -1 ||
			    store_begin(im->n->st) == -1) {
				rc = EX_IOERR;
				break;
			}
			inbatch = 0;
		}
		if (cli.tty && im->made % 1000 == 0)
			fprintf(stderr, "\r%s %llu / %llu",
			    cli_tr("imported", "импортировано"),
			    (unsigned long long)im->made,
			    (unsigned long long)im->good);
	}
	if (rc == EX_OK && r == -1)
		rc = im->oom ? EX_OSERR : EX_IOERR;
	if (rc == EX_OK && (size_t)lineno != im->nls)
		rc = file_changed(im, lineno + 1);
	if (rc == EX_OK && batch_commit(im) == -1)
		rc = sqlite3_extended_errcode(store_db(im->n->st)) ==
		    SQLITE_NOMEM ? EX_OSERR : EX_IOERR;
	if (rc != EX_OK)
		store_rollback(im->n->st);
	if (cli.tty)
		fputc('\n', stderr);
	free(line);
	return (rc);
}

/*
 * out_open(im): make the temporary file that becomes --out FILE, beside
 * it (so that rename is atomic), mode 0600.  0 / -1 (reported).
 */
static int
out_open(struct import *im)
{
	size_t	 n = strlen(im->out) + sizeof(".XXXXXX");
	int	 fd;

	if ((im->tmp = malloc(n)) == NULL) {
		cli_err("%s", cli_tr("out of memory", "не хватает памяти"));
		return (-1);
	}
	snprintf(im->tmp, n, "%s.XXXXXX", im->out);
	if ((fd = mkstemp(im->tmp)) == -1) {
		cli_err("%s: %s: %s", im->out, cli_tr("cannot write the file",
		    "не удаётся записать файл"), strerror(errno));
		free(im->tmp);
		im->tmp = NULL;
		return (-1);
	}
	if ((im->outf = fdopen(fd, "w")) == NULL) {
		cli_err("%s: %s", im->out, strerror(errno));
		close(fd);
		return (-1);
	}
	return (0);
}

/* out_discard(im): remove the temporary file, if any. */
static void
out_discard(struct import *im)
{
	if (im->outf != NULL)
		fclose(im->outf);
	im->outf = NULL;
	if (im->tmp != NULL)
		(void)unlink(im->tmp);
	free(im->tmp);
	im->tmp = NULL;
}

/*
 * write_ids(im): LABEL<tab>ID for every dossier of the file that is
 * stored (made by this run or an earlier one), in file order, to standard
 * output or, with --out, to the temporary file, synced and renamed over
 * FILE.  Labels are escaped (esc.h).  0 / -1 (reported).
 */
static int
write_ids(struct import *im)
{
	FILE	*o = im->outf != NULL ? im->outf : stdout;
	char	 label[4 * LIMIT_IMPORT_LABEL + 8];
	size_t	 i;
	int	 rc = -1;

	for (i = 0; i < im->norder; i++)
		if (im->order[i]->known && !im->order[i]->bad)
			fprintf(o, "%s\t%s\n", esc_str(im->order[i]->label,
			    label, sizeof(label)), im->order[i]->uuid);
	if (fflush(o) == EOF || ferror(o))
		goto out;
	if (im->outf != NULL) {
		if (fsync(fileno(o)) == -1)
			goto out;
		im->outf = NULL;
		if (fclose(o) == EOF || rename(im->tmp, im->out) == -1)
			goto out;
		free(im->tmp);
		im->tmp = NULL;
	}
	rc = 0;
out:
	if (rc == -1)
		cli_err("%s: %s: %s", im->out != NULL ? im->out :
		    cli_tr("standard output", "стандартный вывод"), cli_tr(
		    "cannot write the dossier ids (the import itself is "
		    "complete: run it again to write them)", "не удаётся "
		    "записать номера дел (импорт завершён: запустите его "
		    "снова, чтобы их записать)"), strerror(errno));
	return (rc);
}

/* What a run that make_lines stopped leaves, and what to do. */
static void
stopped(const struct import *im)
{
	if (im->committed == 0)
		cli_err("%s", cli_tr("import stopped: the batch in progress "
		    "was rolled back and this run imported nothing.  Run the "
		    "same command again once the cause is fixed: lines "
		    "imported before are skipped", "импорт остановлен: "
		    "текущая порция отменена, этот запуск ничего не "
		    "импортировал.  Устраните причину и запустите ту же "
		    "команду снова: импортированные ранее строки будут "
		    "пропущены"));
	else if (cli.ru)
		cli_err("импорт остановлен: текущая порция отменена; "
		    "импортированное до неё (%llu %s) сохранено.  Устраните "
		    "причину и запустите ту же команду снова: импортированное "
		    "будет пропущено", (unsigned long long)im->committed,
		    plural_ru_pick(im->committed, "строка", "строки",
		    "строк"));
	else
		cli_err("import stopped: the batch in progress was rolled "
		    "back; the %llu lines imported before it are kept.  Run "
		    "the same command again once the cause is fixed: what was "
		    "imported is skipped", (unsigned long long)im->committed);
}

/* The summary, once every batch has committed. */
static void
summary(struct import *im)
{
	if (im->lines == 0) {
		fprintf(stderr, "%s\n", cli_tr("nothing to import: the file "
		    "holds no lines", "импортировать нечего: в файле нет "
		    "строк"));
		return;
	}
	if (im->made == 0 && im->bad == 0) {
		if (cli.ru)
			fprintf(stderr, "импортировать нечего: все строки "
			    "файла (%llu) уже импортированы\n",
			    (unsigned long long)im->lines);
		else
			fprintf(stderr, "nothing to import: all %llu lines of "
			    "the file were imported before\n",
			    (unsigned long long)im->lines);
		return;
	}
	/* "из 21 строки", "из 5 строк": after "из" the genitive. */
	if (cli.ru)
		fprintf(stderr, "импортировано %llu из %llu %s (ранее "
		    "импортировано: %llu), пропущено ошибочных: %llu\n",
		    (unsigned long long)im->made, (unsigned long long)im->lines,
		    plural_ru_pick(im->lines, "строки", "строк", "строк"),
		    (unsigned long long)im->before,
		    (unsigned long long)im->bad);
	else
		fprintf(stderr, "imported %llu of %llu lines (%llu imported "
		    "before), %llu bad lines skipped\n",
		    (unsigned long long)im->made, (unsigned long long)im->lines,
		    (unsigned long long)im->before,
		    (unsigned long long)im->bad);
}

static void
free_all(struct import *im)
{
	size_t	 i;

	smap_free(&im->cache, dossier_free_v);
	smap_free(&im->dossiers, NULL);
	smap_free(&im->entries, free);
	smap_free(&im->same, NULL);
	smap_free(&im->batch, NULL);
	free(im->bids);
	for (i = 0; i < im->norder; i++)
		dlabel_free(im->order[i]);
	free(im->order);
	free(im->ls);
	out_discard(im);
	if (im->f != NULL)
		fclose(im->f);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ "out", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora import [--keep-going] [--out IDS] FILE\n"
	    "  imports a register from JSON Lines, one operation a line "
	    "(docs/import.md).\n"
	    "  Once every line is imported, prints LABEL<tab>DOSSIER-ID for "
	    "each dossier\n"
	    "  of the file, or writes them to IDS (replaced whole, only on "
	    "success).\n"
	    "  Without --keep-going, one bad line stops the import and nothing "
	    "is written.\n"
	    "  Run again after an interruption, it skips the lines already "
	    "imported.",
	    "использование: opora import [--keep-going] [--out НОМЕРА] ФАЙЛ\n"
	    "  импорт реестра из JSON Lines, одна операция в строке "
	    "(docs/import.md).\n"
	    "  Когда импортированы все строки, выводит МЕТКА<tab>НОМЕР-ДЕЛА "
	    "для каждого\n"
	    "  дела файла или записывает их в НОМЕРА (целиком, только при "
	    "успехе).\n"
	    "  Без --keep-going одна ошибочная строка останавливает импорт, "
	    "ничего не\n"
	    "  записывается.  Повторный запуск после прерывания пропускает "
	    "уже\n"
	    "  импортированные строки.");
	struct import	 im;
	struct stat	 sb;
	long		 ncpu;
	int		 ch, rc = EX_SOFTWARE;

	memset(&im, 0, sizeof(im));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hko:", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s\n", usage);
			return (EX_OK);
		case 'k':
			im.keep_going = true;
			break;
		case 'o':
			im.out = optarg;
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return (EX_USAGE);
		}
	}
	if (argc - optind != 1 || (im.out != NULL && im.out[0] == '\0')) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	im.path = argv[optind];
	/* One open file for both passes: a file replaced meanwhile (an
	 * editor saving) does not change what this run reads. */
	if ((im.f = fopen(im.path, "r")) == NULL) {
		cli_err("%s: %s", im.path, cli_tr("cannot open the file",
		    "не удаётся открыть файл"));
		return (EX_NOINPUT);
	}
	if (fstat(fileno(im.f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		cli_err("%s: %s", im.path, cli_tr("not a regular file (import "
		    "reads it twice: save it to a file first)", "не обычный "
		    "файл (импорт читает его дважды: сначала сохраните его в "
		    "файл)"));
		rc = EX_NOINPUT;
		goto out;
	}
	if ((im.n = cli_open()) == NULL) {
		rc = EX_CONFIG;
		goto out;
	}
	if (im.out != NULL && out_open(&im) == -1) {
		rc = EX_CANTCREAT;
		goto out;
	}
	if (check_lines(&im) == -1) {
		rc = im.oom ? EX_OSERR : EX_IOERR;
		goto out;
	}
	if (im.bad > 0 && !im.keep_going) {
		cli_err("%llu %s %s", (unsigned long long)im.bad, cli_n(
		    im.bad, "bad line(s),", "bad line(s),", "ошибочная строка",
		    "ошибочные строки", "ошибочных строк"), cli_tr("listed "
		    "above; nothing was imported (fix them, or import the "
		    "good lines with --keep-going).  First:", "(см. выше); "
		    "ничего не импортировано (исправьте их или импортируйте "
		    "остальное с --keep-going).  Первая:"));
		fprintf(stderr, "  %s:%d\n", im.path, im.first_bad);
		rc = EX_DATAERR;
		goto out;
	}
	/* The pass-1 states are done with; pass 2 keeps its own. */
	free_pass1(&im);
	/* Sign on the other cores while this one writes. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	im.n->signer = signer_new(im.n->key, ncpu > 1 ? (int)ncpu - 1 : 1);
	if ((rc = make_lines(&im)) != EX_OK) {
		if (rc != EX_OSERR)
			stopped(&im);
		goto out;
	}
	if (write_ids(&im) == -1) {
		rc = EX_IOERR;
		goto out;
	}
	summary(&im);
	rc = im.bad > 0 ? EX_DATAERR : EX_OK;
out:
	/* Out of memory: say only that, and what was kept. */
	if (rc == EX_OSERR || im.oom) {
		rc = EX_OSERR;
		if (im.committed == 0)
			cli_err("%s", cli_tr("out of memory: nothing was "
			    "imported", "не хватает памяти: ничего не "
			    "импортировано"));
		else
			cli_err("%s %llu", cli_tr("out of memory: the import "
			    "stopped; the batch in progress was rolled back; "
			    "changes of earlier batches kept:",
			    "не хватает памяти: импорт остановлен; текущая "
			    "порция отменена; сохранено изменений из "
			    "предыдущих порций:"),
			    (unsigned long long)im.committed);
	}
	free_all(&im);
	node_close(im.n);
	return (rc);
}
