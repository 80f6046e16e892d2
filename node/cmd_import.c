/*
 * node/cmd_import.c: import an existing register from JSON Lines.
 *
 * Each line is one operation on a dossier named by a label local to the
 * file (docs/import.md).  The file is read twice.  The first pass checks
 * every line exactly as the node would when making the change, without
 * writing anything; unless --keep-going is given, one bad line stops the
 * import there, with every bad line listed and nothing written.  The
 * second pass makes the changes, one per line, committing every
 * LIMIT_IMPORT_BATCH of them.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "conflict/rules.h"
#include "node/cli.h"
#include "node/import.h"
#include "node/node.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/view.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/log.h"

#define IMPORT_CACHE	4096	/* dossier states kept between changes */

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
	char		 uuid[37];
	int		 line;		/* where person.create stands */
	bool		 bad;		/* that line was refused */
	struct dossier	*d;		/* pass 1: the state so far */
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
	bool		 keep_going;
	struct smap	 dossiers;	/* label -> struct dlabel */
	struct smap	 entries;	/* "dossier\x1fentry" -> elabel */
	struct smap	 cache;		/* uuid -> struct dossier */
	uint64_t	 lines, good, bad, made;
	uint64_t	 committed;	/* made, and in a committed batch */
	int		 first_bad;
	bool		 oom;		/* memory ran out: stop, decide nothing */
};

static int
line_fail(struct import *im, int lineno, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
line_fail(struct import *im, int lineno, const char *fmt, ...)
{
	va_list	 ap;

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

/* Memory ran out at a line: that says nothing about the line; the import
 * stops there.  Returns -1. */
static int
line_oom(struct import *im)
{
	im->oom = true;
	return (-1);
}

/* Parse one line into il (import_line_parse).  0, or -1 (reported). */
static int
parse_line(struct import *im, int lineno, const char *p, size_t len,
    struct import_line *il)
{
	char	 why[256];

	jcs_nomem_clear();
	if (import_line_parse(p, len, il, why, sizeof(why)) == -1) {
		/* Memory ran out: that says nothing about the line. */
		if (jcs_nomem_seen())
			return (line_oom(im));
		return (line_fail(im, lineno, "%s", why));
	}
	return (0);
}

/* A reference for pass 1, when the entry's real id is not known yet. */
static const char dummy_ref[] =
    "0000000000000000000000000000000000000000000000000000000000000000/0";

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
		    smap_put(&im->dossiers, il->dossier, dl) == -1) {
			free(dl);
			return (line_oom(im));
		}
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
	if (rc == CHANGE_NOMEM)
		return (line_oom(im));
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
			return (line_oom(im));
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
			return (line_oom(im));
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
			return (line_oom(im));
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

/* Pass 2: make the change of one checked line.  0 / -1 (reported). */
static int
make_line(struct import *im, int lineno, struct import_line *il)
{
	struct dlabel	*dl = smap_get(&im->dossiers, il->dossier);
	struct elabel	*el = NULL;
	struct dossier	*d;
	char		 cid[CHANGE_ID_HEX + 1], why[512], ekey[160];
	int		 r;

	if (dl == NULL || dl->bad)
		return (line_fail(im, lineno, "dossier refused"));
	/* A new dossier's id comes from its first change (node_author): it
	 * enters the cache under that id once made. */
	if (il->op.kind == OP_PERSON_CREATE) {
		if ((d = dossier_new(dl->uuid)) == NULL)
			return (line_oom(im));
	} else if ((d = smap_get(&im->cache, dl->uuid)) == NULL) {
		if (im->cache.n >= IMPORT_CACHE)
			smap_free(&im->cache, dossier_free_v);
		if ((r = view_load(im->n->st, dl->uuid, &d)) == 1)
			d = dossier_new(dl->uuid);
		if (d == NULL || smap_put(&im->cache, dl->uuid, d) == -1) {
			dossier_free(d);
			return (line_oom(im));
		}
	}
	if (import_names_table(il->op.kind) != DT_COUNT) {
		if ((el = smap_get(&im->entries, il->key)) == NULL ||
		    el->id[0] == '\0')
			return (line_fail(im, lineno, "entry refused"));
		il->op.arg[OA_REF] = el->id;
	}
	if ((r = node_author(im->n, d, &il->op, 1, cid, why, sizeof(why))) !=
	    0) {
		if (il->op.kind == OP_PERSON_CREATE)
			dossier_free(d);
		if (r == NODE_NOMEM)
			return (line_oom(im));
		return (line_fail(im, lineno, "%s", cli_why(why)));
	}
	if (il->op.kind == OP_PERSON_CREATE) {
		memcpy(dl->uuid, d->id, sizeof(dl->uuid));
		if (im->cache.n >= IMPORT_CACHE)
			smap_free(&im->cache, dossier_free_v);
		if (smap_put(&im->cache, dl->uuid, d) == -1) {
			dossier_free(d);
			return (line_oom(im));
		}
		printf("%s\t%s\n", il->dossier, dl->uuid);
	}
	if (il->entry != NULL) {
		snprintf(ekey, sizeof(ekey), "%s\x1f%s", il->dossier, il->entry);
		if ((el = smap_get(&im->entries, ekey)) != NULL)
			snprintf(el->id, sizeof(el->id), "%s/0", cid);
	}
	im->made++;
	return (0);
}

/* After a failed write: whether SQLite ran out of memory (no verdict). */
static void
import_nomem(struct import *im)
{
	if (sqlite3_extended_errcode(store_db(im->n->st)) == SQLITE_NOMEM)
		im->oom = true;
}

/* Wait for the signatures of the batch: nothing is committed unsigned. */
static int
drain(struct import *im)
{
	if (im->n->signer == NULL)
		return (0);
	return (signer_drain(im->n->signer, im->n->st));
}

/* Read the file line by line, calling fn for each (pass 1 or 2).  In pass
 * 2, only lines that pass 1 found good (good[lineno]) are made. */
static int
each_line(struct import *im, int pass, unsigned char *good)
{
	FILE		*f;
	char		*line = NULL;
	size_t		 cap = 0;
	ssize_t		 len;
	struct import_line	 il;
	int		 lineno = 0, rc = 0, inbatch = 0;

	if ((f = fopen(im->path, "r")) == NULL) {
		if (errno == ENOMEM)
			return (line_oom(im));
		cli_err("%s: %s", im->path, cli_tr("cannot open the file",
		    "не удаётся открыть файл"));
		return (-1);
	}
	if (pass == 2 && store_begin(im->n->st) == -1) {
		fclose(f);
		return (-1);
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r'))
			line[--len] = '\0';
		if (pass == 1)
			im->lines++;
		if (len == 0) {
			if (good != NULL)
				good[lineno] = 0;
			continue;
		}
		if (pass == 2 && !good[lineno])
			continue;
		if ((size_t)len > LIMIT_IMPORT_LINE) {
			if (pass == 1)
				line_fail(im, lineno, "%s", cli_tr("line longer "
				    "than 64 KiB", "строка длиннее 64 КиБ"));
			continue;
		}
		if (parse_line(im, lineno, line, (size_t)len, &il) == -1) {
			import_line_free(&il);
			continue;
		}
		if (im->oom) {
			import_line_free(&il);
			rc = -1;
			break;
		}
		if (pass == 1) {
			if (check_line(im, lineno, &il) == 0) {
				good[lineno] = 1;
				im->good++;
			} else if (im->oom) {
				import_line_free(&il);
				rc = -1;
				break;
			}
		} else {
			if (make_line(im, lineno, &il) == -1) {
				import_line_free(&il);
				rc = -1;
				break;
			}
			if (++inbatch == LIMIT_IMPORT_BATCH) {
				if (drain(im) == -1 ||
				    store_commit(im->n->st) == -1 ||
				    store_begin(im->n->st) == -1) {
					import_line_free(&il);
					rc = -1;
					break;
				}
				im->committed = im->made;
				inbatch = 0;
			}
			if (cli.tty && im->made % 1000 == 0)
				fprintf(stderr, "\r%s %llu / %llu",
				    cli_tr("imported", "импортировано"),
				    (unsigned long long)im->made,
				    (unsigned long long)im->good);
		}
		import_line_free(&il);
	}
	if (ferror(f)) {
		cli_err("%s: %s", im->path, cli_tr("read error",
		    "ошибка чтения"));
		rc = -1;
	}
	if (pass == 2) {
		if (rc == 0 && (drain(im) == -1 ||
		    store_commit(im->n->st) == -1)) {
			import_nomem(im);
			rc = -1;
		} else if (rc == 0)
			im->committed = im->made;
		if (rc == -1)
			store_rollback(im->n->st);
		if (cli.tty)
			fputc('\n', stderr);
	}
	free(line);
	fclose(f);
	return (rc);
}

static int
count_lines(const char *path, size_t *n)
{
	FILE	*f;
	int	 c;

	if ((f = fopen(path, "r")) == NULL)
		return (-1);
	*n = 0;
	while ((c = getc(f)) != EOF)
		if (c == '\n')
			(*n)++;
	fclose(f);
	(*n)++;
	return (0);
}

int
cmd_import(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "keep-going", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora import [--keep-going] FILE\n"
	    "  imports a register from JSON Lines, one operation a line "
	    "(docs/import.md).\n"
	    "  Prints LABEL<tab>DOSSIER-ID for each dossier created.  Without "
	    "--keep-going,\n"
	    "  one bad line stops the import and nothing is written.",
	    "использование: opora import [--keep-going] ФАЙЛ\n"
	    "  импорт реестра из JSON Lines, одна операция в строке "
	    "(docs/import.md).\n"
	    "  Выводит МЕТКА<tab>НОМЕР-ДЕЛА для каждого созданного дела.  Без "
	    "--keep-going\n"
	    "  одна ошибочная строка останавливает импорт, ничего не "
	    "записывается.");
	struct import	 im;
	unsigned char	*good = NULL;
	size_t		 nlines;
	long		 ncpu;
	int		 ch, rc = EX_SOFTWARE;

	memset(&im, 0, sizeof(im));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "hk", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s\n", usage);
			return (EX_OK);
		case 'k':
			im.keep_going = true;
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return (EX_USAGE);
		}
	}
	if (argc - optind != 1) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	im.path = argv[optind];
	if (count_lines(im.path, &nlines) == -1) {
		if (errno == ENOMEM) {
			cli_err("%s", cli_tr("out of memory: nothing was "
			    "imported", "не хватает памяти: ничего не "
			    "импортировано"));
			return (EX_OSERR);
		}
		cli_err("%s: %s", im.path, cli_tr("cannot open the file",
		    "не удаётся открыть файл"));
		return (EX_NOINPUT);
	}
	if ((im.n = cli_open()) == NULL)
		return (EX_CONFIG);
	if ((good = calloc(nlines + 2, 1)) == NULL) {
		im.oom = true;
		goto out;
	}
	if (each_line(&im, 1, good) == -1) {
		rc = EX_NOINPUT;
		goto out;
	}
	if (im.bad > 0 && !im.keep_going) {
		cli_err("%llu %s %s", (unsigned long long)im.bad, cli_tr(
		    "bad line(s), listed above; nothing was imported (fix them, "
		    "or import the good lines with --keep-going).  First:",
		    "ошибочных строк (см. выше); ничего не импортировано "
		    "(исправьте их или импортируйте остальное с "
		    "--keep-going).  Первая:"), "");
		fprintf(stderr, "  %s:%d\n", im.path, im.first_bad);
		rc = EX_DATAERR;
		goto out;
	}
	/* The pass-1 states are done with; pass 2 keeps its own. */
	free_pass1(&im);
	/* Sign on the other cores while this one writes. */
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	im.n->signer = signer_new(im.n->key, ncpu > 1 ? (int)ncpu - 1 : 1);
	if (each_line(&im, 2, good) == -1) {
		if (!im.oom)
			cli_err("%s", cli_tr("import stopped: the batch in "
			    "progress was rolled back; earlier batches are "
			    "kept", "импорт остановлен: текущая порция "
			    "отменена, предыдущие сохранены"));
		else if (im.committed > 0)
			cli_err("%s %llu", cli_tr("out of memory: the import "
			    "stopped; the batch in progress was rolled back; "
			    "changes of earlier batches kept:",
			    "не хватает памяти: импорт остановлен; текущая "
			    "порция отменена; сохранено изменений из "
			    "предыдущих порций:"),
			    (unsigned long long)im.committed);
		rc = im.oom ? EX_OSERR : EX_IOERR;
		goto out;
	}
	fprintf(stderr, "%s %llu %s, %llu %s\n", cli_tr("imported",
	    "импортировано"), (unsigned long long)im.made, cli_tr("changes",
	    "изменений"), (unsigned long long)im.bad, cli_tr("bad lines "
	    "skipped", "ошибочных строк пропущено"));
	rc = im.bad > 0 ? EX_DATAERR : EX_OK;
out:
	/* Out of memory before anything was written: say only that. */
	if (im.oom && im.committed == 0) {
		cli_err("%s", cli_tr("out of memory: nothing was imported",
		    "не хватает памяти: ничего не импортировано"));
		rc = EX_OSERR;
	}
	free(good);
	smap_free(&im.cache, dossier_free_v);
	smap_free(&im.dossiers, dlabel_free);
	smap_free(&im.entries, free);
	node_close(im.n);
	return (rc);
}
