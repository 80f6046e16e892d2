/*
 * node/cmd_import.c: import an existing register from JSON Lines.
 *
 * Each line is one operation on a dossier named by a label local to the
 * file (docs/import.md).  The file is opened once.  A scan reads it in
 * order and notes each line's place, length, digest and dossier (24 bytes
 * a line: nothing else of a line is kept).  Then the work goes dossier by
 * dossier, in the order their labels first appear, each dossier's lines
 * in file order, with one dossier's state in memory at a time, whatever
 * the order of the lines: no line of this format names another dossier,
 * so a line's fate depends only on the lines of its own dossier before
 * it.  The check pass checks every line exactly as the node would when
 * making the change, without writing anything, the dossiers shared
 * between the cores (check_lines); the refusals are listed
 * in file order once it is over; unless --keep-going is given, one bad
 * line stops the import there, with nothing written.  The make pass makes
 * the changes, one per line, committing every eighth of them (from
 * LIMIT_IMPORT_BATCH_MIN to LIMIT_IMPORT_BATCH changes a transaction),
 * without decoding again the operations the check pass decoded
 * (node_author_checked), each line read again, parsed and keyed by a
 * reader thread ahead of the one that makes it (struct reader); both
 * passes stop if a line is not the one the scan read.  Making the changes
 * dossier by dossier also keeps each transaction's writes on few pages.
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
#include <pthread.h>
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
#include "node/memlimit.h"
#include "node/node.h"
#include "node/offer.h"
#include "node/signer.h"
#include "node/store.h"
#include "node/store_import.h"
#include "node/view.h"
#include "protocol/digest.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/esc.h"
#include "protocol/limits.h"
#include "protocol/buf.h"
#include "protocol/log.h"

/*
 * The part of a line's SHA-256 that the passes compare with the scan's,
 * to see that the file did not change meanwhile: 64 bits, against edits
 * by chance, not by an adversary (the file is the importer's own).
 */
#define LINE_DIGEST	8

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

/* A dossier of the file, by its label (a label of some line that the
 * scan could parse; it is a dossier once its person.create is seen). */
struct dlabel {
	const char	*label;		/* the key in im->dossiers */
	char		 uuid[37];
	int		 line;		/* where person.create stands, or 0 */
	bool		 bad;		/* that line was refused */
	bool		 known;		/* uuid is the stored dossier's */
	uint32_t	 first, n;	/* its lines: im->byd[first..+n) */
};

/* What the scan found of one line, for the passes: 24 bytes. */
struct lstate {
	uint64_t	 off;		/* where the line begins in the file */
	uint8_t		 digest[LINE_DIGEST];	/* of the line's bytes */
	uint32_t	 dossier;	/* im->dl index + 1, or 0: not parsed */
	uint32_t	 len : 31;	/* bytes, without the end of line */
	uint32_t	 good : 1;	/* checked: the make pass makes it */
};
_Static_assert(sizeof(struct lstate) == 24, "24 bytes a line");

/* A refusal, held until the pass is over so that they are listed in file
 * order; its text is in im->msgf from off on. */
struct lmsg {
	int		 line;
	uint32_t	 seq;		/* the order it was found in */
	long		 off;
	size_t		 len;
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
	const char	*shown;		/* path as said: escaped (esc.h) */
	FILE		*f;		/* the file, opened once */
	bool		 keep_going;
	struct smap	 dossiers;	/* label -> im->dl index + 1 */
	struct dlabel	*dl;		/* the file's labels, as they appear */
	size_t		 ndl, dlcap;
	uint32_t	*byd;		/* line numbers, dossier by dossier */
	/* The dossier being checked or made, and its lines' labels. */
	struct dossier	*cur;		/* its state so far */
	uint8_t		 dkey[IMPORT_KEY_LEN];	/* its person.create line's */
	/* Its person.create line was made in the transaction in progress,
	 * which holds the write lock: no other line of it can have been
	 * made (each one's key leads with dkey), so none is looked up. */
	bool		 fresh;
	bool		 legacy;	/* lines in import_lines (schema < 11) */
	struct smap	 entries;	/* "dossier\x1fentry" -> elabel */
	struct smap	 same;		/* hex content key -> lines so far */
	struct lstate	*ls;		/* by line number, from 1 */
	size_t		 nls, lscap;
	uint64_t	 size;		/* bytes the scan read */
	char		*buf;		/* a line read again */
	/* Refusals of the pass in progress (lmsg). */
	FILE		*msgf;		/* their texts, or NULL: straight out */
	struct lmsg	*msg;
	size_t		 nmsg, msgcap;
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

/* msg_grow(im): room for one more held refusal.  0 / -1. */
static int
msg_grow(struct import *im)
{
	struct lmsg	*m;
	size_t		 cap;

	if (im->nmsg < im->msgcap)
		return (0);
	cap = im->msgcap ? im->msgcap * 2 : 64;
	if ((m = reallocarray(im->msg, cap, sizeof(*m))) == NULL)
		return (-1);
	im->msg = m;
	im->msgcap = cap;
	return (0);
}

/* Add s[0..len) (escaped already, esc.h) to b as the inside of a quoted
 * log value: a double quote gets a backslash (as protocol/log.c does). */
static void
quote_escaped(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (s[i] == '"')
			buf_add(b, "\\", 1);
		buf_add(b, s + i, 1);
	}
}

/*
 * Say the refusal of line lineno, text[0..len) (escaped already): on a
 * terminal "FILE:LINE: TEXT", a compiler's form; where the journal keeps
 * it, a warning in the journal's form (docs/admin.md, "Where messages
 * go"), with the file and line as fields, in one write.
 */
static void
say_refusal(const struct import *im, int lineno, const char *text,
    size_t len)
{
	struct buf	 b;
	char		 no[16];

	snprintf(no, sizeof(no), "%d", lineno);
	if (!log_journal_form()) {
		fprintf(stderr, "%s:%s: %.*s\n", im->shown, no, (int)len, text);
		return;
	}
	buf_init(&b, 64 * 1024);
	buf_addf(&b, "<4>level=warning msg=\"");
	quote_escaped(&b, im->shown, strlen(im->shown));
	buf_addf(&b, ":%s: ", no);
	quote_escaped(&b, text, len);
	buf_addf(&b, "\" file=\"");
	quote_escaped(&b, im->shown, strlen(im->shown));
	buf_addf(&b, "\" line=\"%s\"\n", no);
	if (!buf_failed(&b))
		fwrite(b.data, 1, b.len, stderr);
	buf_free(&b);
}

static int
line_fail(struct import *im, int lineno, const char *fmt, ...)
{
	va_list	 ap;
	char	 msg[1024], shown[4 * sizeof(msg)];

	/* Memory ran out at this line: that says nothing about the line;
	 * the import stops there (the caller sees im->oom). */
	if (strcmp(fmt, "out of memory") == 0 || (strcmp(fmt, "%s") == 0 &&
	    jcs_nomem_seen())) {
		im->oom = true;
		return (-1);
	}
	im->bad++;
	if (im->first_bad == 0 || lineno < im->first_bad)
		im->first_bad = lineno;
	/* The reason quotes the file (a label, a value): said escaped, so
	 * that no byte of the file reaches the terminal or the journal as
	 * a control (a new line, an escape sequence). */
	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	esc_str(msg, shown, sizeof(shown));
	/* Held for msg_flush when it can be; else said now. */
	if (im->msgf != NULL && msg_grow(im) == 0) {
		struct lmsg	*m = &im->msg[im->nmsg];

		m->line = lineno;
		m->seq = (uint32_t)im->nmsg;
		if ((m->off = ftell(im->msgf)) != -1 &&
		    fputs(shown, im->msgf) != EOF) {
			m->len = strlen(shown);
			im->nmsg++;
			return (-1);
		}
	}
	say_refusal(im, lineno, shown, strlen(shown));
	return (-1);
}

static int
msg_cmp(const void *a, const void *b)
{
	const struct lmsg	*x = a, *y = b;

	if (x->line != y->line)
		return (x->line < y->line ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/*
 * msg_flush(im): say the refusals held since the last flush, in file
 * order, and forget them.  A text that cannot be read back (an I/O error
 * on the temporary file) is said as that.
 */
static void
msg_flush(struct import *im)
{
	char		 b[4 * 1024];
	const char	*text;
	size_t		 i, n;

	if (im->nmsg == 0)
		return;
	qsort(im->msg, im->nmsg, sizeof(*im->msg), msg_cmp);
	fflush(im->msgf);
	for (i = 0; i < im->nmsg; i++) {
		/* A text is at most 4 KiB (line_fail's shown). */
		n = im->msg[i].len < sizeof(b) ? im->msg[i].len : sizeof(b);
		text = b;
		if (fseek(im->msgf, im->msg[i].off, SEEK_SET) == -1 ||
		    fread(b, 1, n, im->msgf) != n) {
			text = cli_tr("(the reason cannot be read back)",
			    "(причину не удаётся прочитать)");
			n = strlen(text);
		}
		say_refusal(im, im->msg[i].line, text, n);
	}
	im->nmsg = 0;
	rewind(im->msgf);
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

/* dropped_member(il, c): the first argument of the line that the change
 * c, encoded from it and decoded, does not hold (the operation has no
 * such member), or OA_COUNT. */
static enum op_arg
dropped_member(const struct import_line *il, const struct change *c)
{
	int	 f;

	for (f = OA_REF + 1; f < OA_COUNT; f++)
		if (il->op.arg[f] != NULL && c->ops[0].arg[f] == NULL)
			return ((enum op_arg)f);
	return (OA_COUNT);
}

/* fail_why(why, whysz, fmt, ...): a reason into why; returns -1. */
static int
fail_why(char *why, size_t whysz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail_why(char *why, size_t whysz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return (-1);
}

/* The check pass: check one line against its dossier's lines before it
 * (im->cur, im->entries).  0 / -1 (reported). */
static int
check_line(struct import *im, int lineno, struct import_line *il)
{
	struct dlabel	*dl;
	struct elabel	*el = NULL;
	struct change	 hdr, *c = NULL;
	struct buf	 b;
	char		 zero[1][CHANGE_ID_HEX + 1], why[512], ekey[160];
	char		 p1id[80] = "";
	enum dossier_table t;
	int		 f, rc;

	dl = &im->dl[im->ls[lineno].dossier - 1];
	if (il->op.kind == OP_PERSON_CREATE) {
		if (dl->line != 0)
			return (line_fail(im, lineno, "%s \"%s\" %s %d",
			    cli_tr("dossier", "дело"), il->dossier, cli_tr(
			    "was already created on line", "уже создано в "
			    "строке"), dl->line));
		if (node_new_uuid(dl->uuid) == -1)
			return (line_fail(im, lineno, "out of memory"));
		dl->line = lineno;
	} else if (dl->line == 0)
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
		/* A closed episode can still be corrected (the rules check
		 * its dates); a retracted event or a withdrawn consent not. */
		if (el->ended && il->op.kind != OP_EPISODE_AMEND)
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
	rc = change_encode(&b, &hdr, &il->op, 1, &c, why, sizeof(why));
	buf_free(&b);
	il->op.arg[OA_REF] = NULL;
	/* A member the operation does not have is not dropped in silence
	 * (a consent.amend with a scope, say): the CLI has no such flag. */
	if (rc == 0 && (f = dropped_member(il, c)) != OA_COUNT)
		rc = fail_why(why, sizeof(why), "%s %s: \"%s\"",
		    op_kind_name(il->op.kind), cli_tr("has no member",
		    "не имеет поля"), op_arg_name(f, il->op.kind));
	change_free(c);
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
		if (im->cur == NULL &&
		    (im->cur = dossier_new(dl->uuid)) == NULL)
			return (line_fail(im, lineno, "out of memory"));
		/* Each line saw the ones before it. */
		m.parents = (const char (*)[65])im->cur->heads;
		m.nparents = im->cur->nheads;
		il->op.arg[OA_REF] = el != NULL ? el->pass1 : NULL;
		rc = rules_check(im->cur, m.region, &il->op, 1, why,
		    sizeof(why));
		if (rc == 0 && dossier_apply(im->cur, &m, &il->op, 1) != 0)
			rc = -2;
		/* The rules never read texts: keep the state small. */
		if (rc == 0 && il->op.kind == OP_EVENT_ADD)
			(void)dossier_set(&im->cur->t[DT_EVENT].v[
			    im->cur->t[DT_EVENT].n - 1].col[EV_TEXT], NULL);
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
	if (el != NULL && import_ends_entry(il->op.kind))
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

/*
 * line_key(im, il, key): the key of a line the check pass found good
 * (import_line_key), into key.  The nth line of a dossier with the
 * content of an earlier one gets nth.  A person.create line's key becomes
 * im->dkey, which the lines after it in its dossier take.  0 / -1 (out
 * of memory).
 */
static int
line_key(struct import *im, const struct import_line *il,
    uint8_t key[IMPORT_KEY_LEN])
{
	static const char xdigits[] = "0123456789abcdef";
	uint8_t		 k0[IMPORT_KEY_LEN];
	char		 hex[2 * IMPORT_KEY_LEN + 1];
	uintptr_t	 nth;
	size_t		 i;

	if (il->op.kind == OP_PERSON_CREATE) {
		import_line_key(il, NULL, 0, key);
		memcpy(im->dkey, key, sizeof(im->dkey));
		return (0);
	}
	import_line_key(il, im->dkey, 0, k0);
	for (i = 0; i < sizeof(k0); i++) {
		hex[2 * i] = xdigits[k0[i] >> 4];
		hex[2 * i + 1] = xdigits[k0[i] & 0xf];
	}
	hex[2 * IMPORT_KEY_LEN] = '\0';
	nth = (uintptr_t)smap_get(&im->same, hex);
	if (nth == UINT32_MAX || smap_put(&im->same, hex,
	    (void *)(nth + 1)) == -1)
		return (-1);
	if (nth == 0)
		memcpy(key, k0, IMPORT_KEY_LEN);
	else
		import_line_key(il, im->dkey, (uint32_t)nth, key);
	return (0);
}

/* entry_made(im, il, cid): an add or open line labelled "id" made change
 * cid: the lines of its dossier that name the label change the entry
 * cid/0.  0 / -1 (out of memory). */
static int
entry_made(struct import *im, const struct import_line *il, const char *cid)
{
	struct elabel	*el;
	char		 ekey[160];

	if (il->entry == NULL)
		return (0);
	snprintf(ekey, sizeof(ekey), "%s\x1f%s", il->dossier, il->entry);
	if ((el = smap_get(&im->entries, ekey)) == NULL) {
		if ((el = calloc(1, sizeof(*el))) == NULL ||
		    smap_put(&im->entries, ekey, el) == -1) {
			free(el);
			return (-1);
		}
		el->t = import_adds_table(il->op.kind);
	}
	snprintf(el->id, sizeof(el->id), "%s/0", cid);
	return (0);
}

/* Wait for the signatures of the changes made and store them: nothing is
 * committed unsigned, or read before it is stored. */
static int
drain(struct import *im)
{
	if (im->n->signer == NULL)
		return (0);
	return (signer_drain(im->n->signer, im->n->st));
}

/*
 * The make pass: make the change of one checked line, with its id in cid,
 * on im->cur (loaded from the views if it is NULL).  0, 1 when the node
 * refuses the line (reported; nothing written), -1 on any other failure
 * (reported; the caller rolls back).  A line the check pass found good
 * is refused here only when the dossier's stored history differs
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

/*
 * cur_save(im): write the views of the dossier in progress, which the make
 * pass's changes leave to it (n->views_deferred: node_author_checked), if
 * it has one.  Before every commit and before im->cur is let go.  0 / -1
 * (logged).
 */
static int
cur_save(struct import *im)
{
	return (im->cur != NULL ? view_save(im->n->st, im->cur) : 0);
}

static int
make_line(struct import *im, int lineno, struct import_line *il,
    char cid[CHANGE_ID_HEX + 1])
{
	struct dlabel	*dl = &im->dl[im->ls[lineno].dossier - 1];
	struct elabel	*el = NULL;
	struct dossier	*d;
	struct offer_buf ob;
	char		 why[512];
	bool		 filled = false;
	int		 r;

	if (dl->bad || (il->op.kind != OP_PERSON_CREATE &&
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
	 * becomes im->cur once made. */
	if (il->op.kind == OP_PERSON_CREATE) {
		if ((d = dossier_new(dl->uuid)) == NULL)
			return (line_fail(im, lineno, "out of memory"));
	} else if ((d = im->cur) == NULL) {
		/* The dossier's history is read from the log, which holds
		 * the changes made so far once the signer has stored them. */
		if (drain(im) == -1) {
			line_fail(im, lineno, "%s", cli_tr("cannot store the "
			    "changes made", "не удаётся сохранить сделанные "
			    "изменения"));
			return (-1);
		}
		if ((r = view_load(im->n->st, dl->uuid, &d)) == 1)
			d = dossier_new(dl->uuid);
		if (d == NULL)
			return (line_fail(im, lineno, "out of memory"));
		im->cur = d;
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
	/* The check pass had change_encode accept this very operation (its
	 * entry named by a dummy of the same form): it need not be decoded
	 * again, unless it now carries a summary the pass did not see. */
	r = filled ? node_author(im->n, d, &il->op, 1, cid, why, sizeof(why)) :
	    node_author_checked(im->n, d, &il->op, 1, cid, why, sizeof(why));
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
		if (cur_save(im) == -1) {
			dossier_free(d);
			return (line_fail(im, lineno, "%s", cli_tr("cannot "
			    "write the dossier", "не удаётся записать "
			    "дело")));
		}
		dossier_free(im->cur);
		im->cur = d;
	}
	if (entry_made(im, il, cid) == -1)
		return (line_fail(im, lineno, "out of memory"));
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
	return (store_import_get(im->n->st, im->dkey, key, IMPORT_KEY_LEN,
	    im->legacy, cid, uuid));
}

/* line_record(im, key, cid, uuid): the line with this key made change cid
 * of dossier uuid.  0 / -1 (logged).  The caller holds the transaction
 * that made the change. */
static int
line_record(struct import *im, const uint8_t key[IMPORT_KEY_LEN],
    const char *cid, const char *uuid)
{
	return (store_import_put(im->n->st, im->dkey, key, IMPORT_KEY_LEN, cid,
	    uuid, (int64_t)(node_now_ms() / 1000)));
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
 * take_line(im, lineno, il, key): the make pass for one good line, whose
 * key is key: skip it if an
 * import made it before (its key is recorded), else make it and record
 * its key in the same transaction.  0 made, 2 made before, 1 refused
 * (reported; nothing written), -1 on any other failure (reported).
 */
static int
take_line(struct import *im, int lineno, struct import_line *il,
    const uint8_t key[IMPORT_KEY_LEN])
{
	struct dlabel	*dl = &im->dl[im->ls[lineno].dossier - 1];
	char		 cid[CHANGE_ID_HEX + 1], uuid[37];
	int		 r;

	if (im->fresh && il->op.kind != OP_PERSON_CREATE)
		r = 0;
	else if ((r = line_done(im, key, cid, uuid)) == -1)
		return (line_fail(im, lineno, "%s", cli_tr("cannot read the "
		    "record of earlier imports", "не удаётся прочитать "
		    "запись прежних импортов")));
	if (r == 1) {
		if (il->op.kind == OP_PERSON_CREATE) {
			memcpy(dl->uuid, uuid, sizeof(dl->uuid));
			dl->known = true;
		}
		/* The next line made loads the dossier as it is stored. */
		if (cur_save(im) == -1)
			return (line_fail(im, lineno, "%s", cli_tr("cannot "
			    "write the dossier", "не удаётся записать "
			    "дело")));
		dossier_free(im->cur);
		im->cur = NULL;
		if (entry_made(im, il, cid) == -1)
			return (line_fail(im, lineno, "out of memory"));
		im->before++;
		return (2);
	}
	if ((r = make_line(im, lineno, il, cid)) != 0)
		return (r);
	if (il->op.kind == OP_PERSON_CREATE)
		im->fresh = !im->legacy;
	if (line_record(im, key, cid, dl->uuid) == -1)
		return (line_fail(im, lineno, "%s", cli_tr("cannot record the "
		    "line as imported", "не удаётся отметить строку как "
		    "импортированную")));
	if (batch_add(im, dl->uuid) == -1)
		return (line_fail(im, lineno, "out of memory"));
	return (0);
}

/* Commit the batch in progress.  0 / -1 (logged; the caller rolls back). */
static int
batch_commit(struct import *im)
{
	char	 detail[256];

	if (cur_save(im) == -1)
		return (-1);
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
	if (node_clock_release(im->n) == -1 || drain(im) == -1 ||
	    store_commit(im->n->st) == -1)
		return (-1);
	im->committed = im->made;
	smap_free(&im->batch, NULL);
	im->blen = 0;
	return (0);
}

/* line_digest(p, len, digest): the first LINE_DIGEST bytes of the
 * SHA-256 of p[0..len). */
static void
line_digest(const char *p, size_t len, uint8_t digest[LINE_DIGEST])
{
	uint8_t		 md[DIGEST_SHA256_LEN];

	digest_sha256(p, len, md);
	memcpy(digest, md, LINE_DIGEST);
}

/*
 * read_line(im, line, cap, lenp, rawp, digest): the next line of the file
 * into *line (getline's buffer), without its end of line, its length in
 * *lenp, its length with the end of line in *rawp and the first
 * LINE_DIGEST bytes of its SHA-256 in digest.  1, 0 at the end of the
 * file, -1 on a read error or out of memory (reported).
 */
static int
read_line(struct import *im, char **line, size_t *cap, size_t *lenp,
    size_t *rawp, uint8_t digest[LINE_DIGEST])
{
	ssize_t		 len;

	errno = 0;
	if ((len = getline(line, cap, im->f)) == -1) {
		if (ferror(im->f) || errno != 0) {
			/* Out of memory is EX_OSERR, not a read error. */
			if (errno == ENOMEM)
				im->oom = true;
			cli_err("%s: %s", im->shown, errno == ENOMEM ? cli_tr("out "
			    "of memory", "не хватает памяти") : cli_tr("read error", "ошибка чтения"));
			return (-1);
		}
		return (0);
	}
	*rawp = (size_t)len;
	while (len > 0 && ((*line)[len - 1] == '\n' ||
	    (*line)[len - 1] == '\r'))
		(*line)[--len] = '\0';
	line_digest(*line, (size_t)len, digest);
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

/* label_index(im, label): the index + 1 in im->dl of the label, added if
 * new.  0 when memory runs out. */
static uint32_t
label_index(struct import *im, const char *label)
{
	struct dlabel	*dl;
	uintptr_t	 i;
	size_t		 cap;
	void		**slot;

	if ((i = (uintptr_t)smap_get(&im->dossiers, label)) != 0)
		return ((uint32_t)i);
	if (im->ndl == UINT32_MAX - 1)
		return (0);
	if (im->ndl == im->dlcap) {
		cap = im->dlcap ? im->dlcap * 2 : 256;
		if ((dl = reallocarray(im->dl, cap, sizeof(*dl))) == NULL)
			return (0);
		im->dl = dl;
		im->dlcap = cap;
	}
	if (smap_put(&im->dossiers, label, (void *)(im->ndl + 1)) == -1 ||
	    (slot = smap_slot(&im->dossiers, label)) == NULL)
		return (0);
	dl = &im->dl[im->ndl];
	memset(dl, 0, sizeof(*dl));
	/* The map's own copy of the label, kept until free_all. */
	dl->label = im->dossiers.keys[slot - im->dossiers.vals];
	return ((uint32_t)++im->ndl);
}

/*
 * scan_lines(im): read the file once, in order, noting each line's place,
 * length, digest and dossier; a line that cannot be parsed is refused
 * here (it names no dossier).  Then im->byd lists the lines dossier by
 * dossier, each dossier's in file order.  0, or -1 when the file cannot
 * be read or memory runs out (reported).
 */
static int
scan_lines(struct import *im)
{
	struct import_line	 il;
	char			*line = NULL;
	size_t			 cap = 0, len, raw, i;
	uint32_t		*at = NULL, dx;
	uint64_t		 off = 0;
	uint8_t			 digest[LINE_DIGEST];
	int			 lineno = 0, r;

	while ((r = read_line(im, &line, &cap, &len, &raw, digest)) == 1) {
		if (lineno == INT_MAX || ls_grow(im, (size_t)lineno + 1) ==
		    -1) {
			im->oom = true;
			r = -1;
			break;
		}
		lineno++;
		im->nls = (size_t)lineno;
		memcpy(im->ls[lineno].digest, digest, LINE_DIGEST);
		im->ls[lineno].off = off;
		off += raw;
		if (len == 0)
			continue;
		im->lines++;
		if (len > LIMIT_IMPORT_LINE) {
			line_fail(im, lineno, "%s", cli_tr("line longer than "
			    "64 KiB", "строка длиннее 64 КиБ"));
			continue;
		}
		im->ls[lineno].len = (uint32_t)len;
		if (parse_line(im, lineno, line, len, &il) == 0) {
			if ((dx = label_index(im, il.dossier)) == 0)
				im->oom = true;
			im->ls[lineno].dossier = dx;
			if (dx != 0)
				im->dl[dx - 1].n++;
		}
		import_line_free(&il);
		if (im->oom) {
			r = -1;
			break;
		}
	}
	free(line);
	im->size = off;
	if (r == -1)
		goto fail;
	/* Each dossier's lines, in file order. */
	for (i = 0, off = 0; i < im->ndl; i++) {
		im->dl[i].first = (uint32_t)off;
		off += im->dl[i].n;
	}
	if ((im->byd = reallocarray(NULL, off ? off : 1, sizeof(*im->byd)))
	    == NULL || (at = calloc(im->ndl ? im->ndl : 1, sizeof(*at))) ==
	    NULL) {
		im->oom = true;
		goto fail;
	}
	for (i = 1; i <= im->nls; i++)
		if ((dx = im->ls[i].dossier) != 0)
			im->byd[im->dl[dx - 1].first + at[dx - 1]++] =
			    (uint32_t)i;
	free(at);
	return (0);
fail:
	if (im->oom)
		cli_err("%s: %s", im->shown, cli_tr("out of memory",
		    "не хватает памяти"));
	return (-1);
}

/*
 * read_at(im, lineno): line lineno again, into im->buf, by its place.
 * 0 when it is the line the scan read, 1 when it is not (the file
 * changed), -1 on a read error or out of memory (reported).
 */
static int
read_at(struct import *im, int lineno)
{
	const struct lstate	*l = &im->ls[lineno];
	uint8_t			 digest[LINE_DIGEST];
	size_t			 got = 0;
	ssize_t			 n;

	if (im->buf == NULL && (im->buf = malloc(LIMIT_IMPORT_LINE)) ==
	    NULL) {
		im->oom = true;
		return (-1);
	}
	while (got < l->len) {
		n = pread(fileno(im->f), im->buf + got, l->len - got,
		    (off_t)(l->off + got));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			cli_err("%s: %s", im->shown, cli_tr("read error",
			    "ошибка чтения"));
			return (-1);
		}
		if (n == 0)
			return (1);
		got += (size_t)n;
	}
	line_digest(im->buf, l->len, digest);
	return (memcmp(digest, l->digest, LINE_DIGEST) != 0);
}

/* The file is not what the scan read: stop before making what was not
 * checked. */
static int
file_changed(struct import *im, int lineno)
{
	cli_err("%s:%d: %s", im->shown, lineno, cli_tr("the file changed "
	    "while it was being imported",
	    "файл изменился во время импорта"));
	return (EX_TEMPFAIL);
}

/* same_size(im): EX_OK if the file is as long as when it was scanned,
 * else EX_TEMPFAIL (reported: it grew, or was cut) or EX_IOERR. */
static int
same_size(struct import *im)
{
	struct stat	 sb;

	if (fstat(fileno(im->f), &sb) == -1) {
		cli_err("%s: %s", im->shown, cli_tr("read error",
		    "ошибка чтения"));
		return (EX_IOERR);
	}
	if ((uint64_t)sb.st_size != im->size)
		return (file_changed(im, (int)im->nls + 1));
	return (EX_OK);
}

/* batch_reset(im): a new transaction began: the dossier's state is read
 * again from the store (node_author_checked trusts its heads), and its
 * lines are looked up again. */
static void
batch_reset(struct import *im)
{
	dossier_free(im->cur);
	im->cur = NULL;
	im->fresh = false;
}

/* dossier_end(im): forget the state and labels of the dossier done. */
static void
dossier_end(struct import *im)
{
	dossier_free(im->cur);
	im->cur = NULL;
	im->fresh = false;
	smap_free(&im->entries, free);
	smap_free(&im->same, NULL);
}

/* What read_at found, as an exit status. */
static int
read_status(struct import *im, int r, int lineno)
{
	if (r == 1)
		return (file_changed(im, lineno));
	return (im->oom ? EX_OSERR : EX_IOERR);
}

/*
 * check_share(im, k, step): the check pass over the dossiers i of the
 * file with i % step == k, each dossier's lines in file order.  Lines
 * found good are marked so and counted in im->good; bad ones are counted
 * in im->bad and held (msg_flush).  EX_OK; or EX_TEMPFAIL (the file is not
 * the one the scan read; reported), EX_IOERR or EX_OSERR.
 */
static int
check_share(struct import *im, size_t k, size_t step)
{
	struct import_line	 il;
	size_t			 i, j;
	int			 lineno, r;

	for (i = k; i < im->ndl; i += step) {
		for (j = 0; j < im->dl[i].n; j++) {
			lineno = (int)im->byd[im->dl[i].first + j];
			if ((r = read_at(im, lineno)) != 0)
				return (read_status(im, r, lineno));
			if (parse_line(im, lineno, im->buf, im->ls[lineno].len,
			    &il) == 0 && check_line(im, lineno, &il) == 0) {
				im->ls[lineno].good = 1;
				im->good++;
			}
			import_line_free(&il);
			if (im->oom)
				return (EX_OSERR);
		}
		dossier_end(im);
	}
	return (EX_OK);
}

/*
 * The check pass on several cores.  No line names another dossier, so
 * the dossiers are checked apart: a checker is a copy of the import with
 * its own dossier state, line buffer, counts and held refusals, and
 * shares only what no two checkers write (the node, read; the file, read
 * with pread; each line's and each dossier's record, written by the one
 * checker of that dossier).
 */
#define CHECKERS_MAX	4
struct checker {
	struct import	 w;
	size_t		 k, step;
	int		 rc;
	pthread_t	 tid;
	bool		 started;
};

static void *
checker_run(void *arg)
{
	struct checker	*c = arg;

	c->rc = check_share(&c->w, c->k, c->step);
	return (NULL);
}

/* A checker in a thread of its own, named so (the first share is checked
 * on the import's own thread, which keeps its name). */
static void *
checker_thread(void *arg)
{
	log_thread_name("opora-check");
	return (checker_run(arg));
}

/* checker_init(c, im, k, step): c a checker of share k of im.  Its held
 * refusals go to a temporary file of its own (or, without one, straight
 * to standard error, as im's). */
static void
checker_init(struct checker *c, const struct import *im, size_t k,
    size_t step)
{
	memset(c, 0, sizeof(*c));
	c->w = *im;
	c->w.cur = NULL;
	memset(&c->w.entries, 0, sizeof(c->w.entries));
	memset(&c->w.same, 0, sizeof(c->w.same));
	c->w.buf = NULL;
	c->w.good = c->w.bad = 0;
	c->w.first_bad = 0;
	c->w.oom = false;
	c->w.msg = NULL;
	c->w.nmsg = c->w.msgcap = 0;
	c->w.msgf = im->msgf != NULL ? tmpfile() : NULL;
	c->k = k;
	c->step = step;
}

/*
 * checker_adopt(im, c): take checker c's counts and held refusals into
 * im (their texts copied to im->msgf, or said now if that fails), and
 * free what is c's own.
 */
static void
checker_adopt(struct import *im, struct checker *c)
{
	struct import	*w = &c->w;
	struct lmsg	*m;
	char		 b[1024];
	size_t		 i, left, n;
	long		 off;
	bool		 ok;

	im->good += w->good;
	im->bad += w->bad;
	if (w->first_bad != 0 && (im->first_bad == 0 ||
	    w->first_bad < im->first_bad))
		im->first_bad = w->first_bad;
	if (w->oom)
		im->oom = true;
	if (w->nmsg > 0)
		fflush(w->msgf);
	for (i = 0; i < w->nmsg; i++) {
		m = &w->msg[i];
		left = m->len;
		ok = msg_grow(im) == 0 && fseek(w->msgf, m->off, SEEK_SET) !=
		    -1 && fseek(im->msgf, 0, SEEK_END) != -1 &&
		    (off = ftell(im->msgf)) != -1;
		while (ok && left > 0 && (n = fread(b, 1, left < sizeof(b) ?
		    left : sizeof(b), w->msgf)) > 0) {
			ok = fwrite(b, 1, n, im->msgf) == n;
			left -= n;
		}
		if (ok && left == 0) {
			im->msg[im->nmsg].line = m->line;
			im->msg[im->nmsg].seq = (uint32_t)im->nmsg;
			im->msg[im->nmsg].off = off;
			im->msg[im->nmsg].len = m->len;
			im->nmsg++;
		} else
			fprintf(stderr, "%s:%d: %s\n", im->shown, m->line,
			    cli_tr("(the reason cannot be read back)",
			    "(причину не удаётся прочитать)"));
	}
	dossier_end(w);
	free(w->buf);
	free(w->msg);
	if (w->msgf != NULL)
		fclose(w->msgf);
	memset(c, 0, sizeof(*c));
}

/*
 * check_lines(im): the check pass, on up to CHECKERS_MAX cores (one
 * thread a core; a thread that cannot start has its share checked on this
 * one).  What check_share returns; the first failure of any share.
 */
static int
check_lines(struct import *im)
{
	struct checker	 c[CHECKERS_MAX];
	pthread_attr_t	 attr;
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	size_t		 i, step;
	int		 rc = EX_OK;
	bool		 attr_ok;

	step = ncpu < 1 ? 1 : ncpu > CHECKERS_MAX ? CHECKERS_MAX :
	    (size_t)ncpu;
	/*
	 * Under a limit of address space (ulimit -v) or data a new thread's
	 * malloc arena (64 MiB reserved) may not fit: glibc then gives that
	 * thread each block by its own mmap, hundreds of times slower than
	 * checking on this core alone (t0191 ran out of time so).
	 */
	if (memlimit_set())
		step = 1;
	if (step > im->ndl)
		step = im->ndl > 0 ? im->ndl : 1;
	if (step == 1)
		return (check_share(im, 0, 1));
	/* A checker's stack holds one line's work: 1 MiB is ample, and
	 * keeps the address space small under ulimit -v. */
	if ((attr_ok = pthread_attr_init(&attr) == 0) &&
	    pthread_attr_setstacksize(&attr, 1024 * 1024) != 0) {
		pthread_attr_destroy(&attr);
		attr_ok = false;
	}
	for (i = 0; i < step; i++)
		checker_init(&c[i], im, i, step);
	for (i = 1; i < step; i++)
		c[i].started = pthread_create(&c[i].tid, attr_ok ? &attr :
		    NULL, checker_thread, &c[i]) == 0;
	checker_run(&c[0]);
	for (i = 1; i < step; i++) {
		if (c[i].started)
			(void)pthread_join(c[i].tid, NULL);
		else
			checker_run(&c[i]);
	}
	if (attr_ok)
		pthread_attr_destroy(&attr);
	for (i = 0; i < step; i++) {
		if (rc == EX_OK)
			rc = c[i].rc;
		checker_adopt(im, &c[i]);
	}
	if (rc == EX_OK && im->oom)
		rc = EX_OSERR;
	return (rc);
}

/*
 * The make pass reads each good line again, parses it and computes its key
 * in a thread of its own, ahead of the thread that makes the changes (the
 * one that holds the transaction, and the import's bound): a reader is a
 * copy of the import, like a checker, with its own line buffer and key
 * state, walking the same lines in the same order.  It hands them over
 * through a ring of READ_AHEAD slots.  Under a memory limit (where a new
 * thread's arena may not fit: check_lines) it reads on the maker's
 * thread, line by line, as the ring's one slot.
 */
#define READ_AHEAD	64
/* Slots the reader fills, and the maker gives back, between two takes of
 * the lock. */
#define READ_PUBLISH	8

enum ready_state {
	READY_OK,		/* il and key are set */
	READY_CHANGED,		/* the line is not the one the scan read */
	READY_READ,		/* read error (reported), or out of memory */
	READY_PARSE,		/* why says what (only memory can fail) */
	READY_NOKEY		/* out of memory for the key */
};

struct ready {
	int			 lineno;
	enum ready_state	 state;
	bool			 nomem;		/* memory ran out on the way */
	struct import_line	 il;		/* READY_OK: owned */
	uint8_t			 key[IMPORT_KEY_LEN];
	uint8_t			 dkey[IMPORT_KEY_LEN];	/* the reader's */
	char			 why[256];
};

struct reader {
	struct import	 w;		/* the reader's copy of the import */
	size_t		 i, j;		/* the next line: dossier, line */
	bool		 threaded;
	pthread_t	 tid;
	pthread_mutex_t	 mu;
	pthread_cond_t	 filled, emptied;
	struct ready	 ring[READ_AHEAD];
	size_t		 head, tail, count;	/* head: next to fill */
	/* The maker's own: slots counted in and not yet taken, slots
	 * it is done with and has not given back (at READ_PUBLISH). */
	size_t		 avail, freed;
	bool		 end;		/* nothing more will be filled */
	bool		 stop;		/* the maker wants no more */
	bool		 rwait;		/* the reader waits for room */
	bool		 mwait;		/* the maker waits: read without mu */
};

/*
 * reader_fill(rd, slot): read, parse and key the next good line into
 * slot.  0; 1 when there is none left.  A slot whose state is not
 * READY_OK is the last one filled.
 */
static int
reader_fill(struct reader *rd, struct ready *slot)
{
	struct import	*w = &rd->w;
	int		 lineno, r;

	for (;;) {
		if (rd->i == w->ndl)
			return (1);
		if (rd->j == w->dl[rd->i].n) {
			smap_free(&w->same, NULL);
			rd->i++;
			rd->j = 0;
			continue;
		}
		lineno = (int)w->byd[w->dl[rd->i].first + rd->j++];
		if (w->ls[lineno].good)
			break;
	}
	/* What the maker was given in this slot before is freed here, in
	 * the thread that allocated it: a chunk freed in another thread
	 * locks its arena, and the maker's frees of every parsed line made
	 * the two threads wait on each other's malloc. */
	import_line_free(&slot->il);
	memset(slot, 0, sizeof(*slot));
	slot->lineno = lineno;
	jcs_nomem_clear();
	if ((r = read_at(w, lineno)) != 0) {
		slot->state = r == 1 ? READY_CHANGED : READY_READ;
		slot->nomem = w->oom;
		return (0);
	}
	/* The very bytes the check pass parsed: only memory can fail. */
	if (import_line_parse(w->buf, w->ls[lineno].len, &slot->il,
	    slot->why, sizeof(slot->why)) == -1) {
		import_line_free(&slot->il);
		slot->state = READY_PARSE;
		slot->nomem = jcs_nomem_seen();
		return (0);
	}
	if (line_key(w, &slot->il, slot->key) == -1) {
		import_line_free(&slot->il);
		slot->state = READY_NOKEY;
		return (0);
	}
	memcpy(slot->dkey, w->dkey, sizeof(slot->dkey));
	slot->state = READY_OK;
	return (0);
}

static void *
reader_run(void *arg)
{
	struct reader	*rd = arg;
	struct ready	*slot;
	size_t		 h, n, room;
	bool		 last = false;

	log_thread_name("opora-read");
	pthread_mutex_lock(&rd->mu);
	while (!last) {
		while (!rd->stop && rd->count == READ_AHEAD) {
			rd->rwait = true;
			pthread_cond_wait(&rd->emptied, &rd->mu);
		}
		rd->rwait = false;
		if (rd->stop)
			break;
		room = READ_AHEAD - rd->count;
		h = rd->head;
		pthread_mutex_unlock(&rd->mu);
		/* Slots h.. are the reader's until they are counted in, a
		 * few at a time (at once if the maker waits). */
		for (n = 0; n < room && n < READ_PUBLISH; ) {
			slot = &rd->ring[(h + n) % READ_AHEAD];
			if (reader_fill(rd, slot) == 1) {
				last = true;
				break;
			}
			n++;
			if (slot->state != READY_OK) {
				last = true;
				break;
			}
			if (__atomic_load_n(&rd->mwait, __ATOMIC_RELAXED))
				break;
		}
		pthread_mutex_lock(&rd->mu);
		rd->head = (h + n) % READ_AHEAD;
		rd->count += n;
		if (rd->mwait && n > 0) {
			/* Once: the maker sets it again if it waits again. */
			__atomic_store_n(&rd->mwait, false, __ATOMIC_RELAXED);
			pthread_cond_signal(&rd->filled);
		}
	}
	rd->end = true;
	if (rd->mwait)
		pthread_cond_signal(&rd->filled);
	pthread_mutex_unlock(&rd->mu);
	return (NULL);
}

/* reader_start(rd, im): a reader of im's good lines, in a thread when it
 * can be. */
static void
reader_start(struct reader *rd, const struct import *im)
{
	pthread_attr_t	 attr;

	memset(rd, 0, sizeof(*rd));
	rd->w = *im;
	rd->w.cur = NULL;
	memset(&rd->w.entries, 0, sizeof(rd->w.entries));
	memset(&rd->w.same, 0, sizeof(rd->w.same));
	memset(&rd->w.batch, 0, sizeof(rd->w.batch));
	rd->w.buf = NULL;
	rd->w.oom = false;
	rd->w.msg = NULL;
	rd->w.nmsg = rd->w.msgcap = 0;
	rd->w.msgf = NULL;
	rd->w.bids = NULL;
	if (memlimit_set() || pthread_attr_init(&attr) != 0)
		return;
	/* A line's parse is its work: 1 MiB of stack, as a checker's. */
	if (pthread_attr_setstacksize(&attr, 1024 * 1024) == 0 &&
	    pthread_mutex_init(&rd->mu, NULL) == 0) {
		if (pthread_cond_init(&rd->filled, NULL) == 0) {
			if (pthread_cond_init(&rd->emptied, NULL) == 0) {
				rd->threaded = pthread_create(&rd->tid,
				    &attr, reader_run, rd) == 0;
				if (!rd->threaded)
					pthread_cond_destroy(&rd->emptied);
			}
			if (!rd->threaded)
				pthread_cond_destroy(&rd->filled);
		}
		if (!rd->threaded)
			pthread_mutex_destroy(&rd->mu);
	}
	pthread_attr_destroy(&attr);
}

/* Give the slots the maker is done with back to the reader; mu held. */
static void
reader_give_back(struct reader *rd)
{
	rd->count -= rd->freed;
	rd->freed = 0;
	/* Woken when half the ring is free, not at every line, and once:
	 * the flag is the reader's again when it waits again. */
	if (rd->rwait && rd->count <= READ_AHEAD / 2) {
		rd->rwait = false;
		pthread_cond_signal(&rd->emptied);
	}
}

/* reader_next(rd): the next good line, or NULL when there is none left.
 * The maker gives it back with reader_done before it asks again. */
static struct ready *
reader_next(struct reader *rd)
{
	if (!rd->threaded)
		return (reader_fill(rd, &rd->ring[0]) == 0 ? &rd->ring[0] :
		    NULL);
	if (rd->avail == 0) {
		pthread_mutex_lock(&rd->mu);
		reader_give_back(rd);
		while (rd->count == 0 && !rd->end) {
			__atomic_store_n(&rd->mwait, true, __ATOMIC_RELAXED);
			pthread_cond_wait(&rd->filled, &rd->mu);
		}
		__atomic_store_n(&rd->mwait, false, __ATOMIC_RELAXED);
		rd->avail = rd->count;
		pthread_mutex_unlock(&rd->mu);
		if (rd->avail == 0)
			return (NULL);
	}
	rd->avail--;
	return (&rd->ring[rd->tail]);
}

/* reader_done(rd, slot): the maker is done with slot (which the reader
 * frees when it fills it again, or reader_stop). */
static void
reader_done(struct reader *rd, struct ready *slot)
{
	if (!rd->threaded) {
		import_line_free(&slot->il);
		return;
	}
	rd->tail = (rd->tail + 1) % READ_AHEAD;
	if (++rd->freed < READ_PUBLISH)
		return;
	pthread_mutex_lock(&rd->mu);
	reader_give_back(rd);
	pthread_mutex_unlock(&rd->mu);
}

/* reader_stop(rd): stop the reader, and free what it holds. */
static void
reader_stop(struct reader *rd)
{
	size_t	 i;

	if (rd->threaded) {
		pthread_mutex_lock(&rd->mu);
		rd->stop = true;
		pthread_cond_signal(&rd->emptied);
		pthread_mutex_unlock(&rd->mu);
		pthread_join(rd->tid, NULL);
		/* Every slot holds a line or nothing. */
		for (i = 0; i < READ_AHEAD; i++)
			import_line_free(&rd->ring[i].il);
		pthread_cond_destroy(&rd->emptied);
		pthread_cond_destroy(&rd->filled);
		pthread_mutex_destroy(&rd->mu);
	} else
		import_line_free(&rd->ring[0].il);
	smap_free(&rd->w.same, NULL);
	free(rd->w.buf);
	rd->w.buf = NULL;
}

/*
 * ready_status(im, r): the make pass's verdict on a line the reader could
 * not make ready: an exit status, the failure reported.
 */
static int
ready_status(struct import *im, struct ready *r)
{
	switch (r->state) {
	case READY_CHANGED:
		return (file_changed(im, r->lineno));
	case READY_READ:
		if (r->nomem)
			im->oom = true;
		break;
	case READY_PARSE:
		if (r->nomem)
			line_fail(im, r->lineno, "out of memory");
		else
			line_fail(im, r->lineno, "%s", r->why);
		break;
	case READY_NOKEY:
		line_fail(im, r->lineno, "out of memory");
		break;
	case READY_OK:
		return (EX_OK);
	}
	return (im->oom ? EX_OSERR : EX_IOERR);
}

/*
 * make_lines(im): the make pass, dossier by dossier: make the lines the
 * check pass found good, skipping those an import made before, committing
 * every eighth of them (within LIMIT_IMPORT_BATCH_MIN..LIMIT_IMPORT_BATCH
 * changes).  Returns EX_OK; or, with the batch in
 * progress rolled back and reported, EX_DATAERR (the node refused a line,
 * without --keep-going), EX_TEMPFAIL (the file is not the one the scan
 * read) or EX_IOERR (anything else).
 */
static int
make_lines(struct import *im)
{
	struct reader	 rd;
	struct ready	*line;
	size_t		 i, j;
	uint64_t	 limit;
	int		 lineno, inbatch = 0, r, rc;

	if ((rc = same_size(im)) != EX_OK)
		return (rc);
	if ((r = store_import_legacy(im->n->st)) == -1)
		return (EX_IOERR);
	im->legacy = r == 1;
	limit = im->good / 8;
	if (limit < LIMIT_IMPORT_BATCH_MIN)
		limit = LIMIT_IMPORT_BATCH_MIN;
	if (limit > LIMIT_IMPORT_BATCH)
		limit = LIMIT_IMPORT_BATCH;
	if (store_begin(im->n->st) == -1 || node_clock_hold(im->n) == -1) {
		store_rollback(im->n->st);
		return (EX_IOERR);
	}
	batch_reset(im);
	im->n->views_deferred = true;
	reader_start(&rd, im);
	for (i = 0; i < im->ndl && rc == EX_OK; i++) {
		for (j = 0; j < im->dl[i].n; j++) {
			lineno = (int)im->byd[im->dl[i].first + j];
			if (!im->ls[lineno].good)
				continue;
			/* The reader walks the same lines: this one. */
			if ((line = reader_next(&rd)) == NULL ||
			    line->lineno != lineno) {
				log_warnx("import: the reader lost its place "
				    "at line %d", lineno);
				rc = EX_SOFTWARE;
				break;
			}
			if ((rc = ready_status(im, line)) != EX_OK) {
				reader_done(&rd, line);
				break;
			}
			memcpy(im->dkey, line->dkey, sizeof(im->dkey));
			r = take_line(im, lineno, &line->il, line->key);
			reader_done(&rd, line);
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
			if ((uint64_t)++inbatch == limit) {
				if (batch_commit(im) == -1 ||
				    store_begin(im->n->st) == -1 ||
				    node_clock_hold(im->n) == -1) {
					rc = EX_IOERR;
					break;
				}
				inbatch = 0;
				/* What was read in the transaction that ended
				 * is read again in this one: another import
				 * may write between the two. */
				batch_reset(im);
			}
			if (cli.tty && im->made % 1000 == 0)
				fprintf(stderr, "\r%s %llu / %llu",
				    cli_tr("imported", "импортировано"),
				    (unsigned long long)im->made,
				    (unsigned long long)im->good);
		}
		if (rc == EX_OK && cur_save(im) == -1)
			rc = EX_IOERR;
		dossier_end(im);
	}
	reader_stop(&rd);
	if (rc == EX_OK)
		rc = same_size(im);
	if (rc == EX_OK && batch_commit(im) == -1)
		rc = store_import_nomem(im->n->st) ? EX_OSERR : EX_IOERR;
	im->n->views_deferred = false;
	if (rc != EX_OK) {
		im->n->clock_held = false;
		store_rollback(im->n->st);
	}
	if (cli.tty)
		fputc('\n', stderr);
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
dl_by_line(const void *a, const void *b)
{
	const struct dlabel	*x = *(struct dlabel *const *)a;
	const struct dlabel	*y = *(struct dlabel *const *)b;

	return (x->line < y->line ? -1 : x->line > y->line);
}

static int
write_ids(struct import *im)
{
	FILE		 *o = im->outf != NULL ? im->outf : stdout;
	struct dlabel	**byline;
	char		  label[4 * LIMIT_IMPORT_LABEL + 8];
	size_t		  i, n = 0;
	int		  rc = -1;

	/* In the order of their person.create lines. */
	if ((byline = calloc(im->ndl ? im->ndl : 1, sizeof(*byline))) ==
	    NULL)
		goto out;
	for (i = 0; i < im->ndl; i++)
		if (im->dl[i].known && !im->dl[i].bad)
			byline[n++] = &im->dl[i];
	qsort(byline, n, sizeof(*byline), dl_by_line);
	for (i = 0; i < n; i++)
		fprintf(o, "%s\t%s\n", esc_str(byline[i]->label, label,
		    sizeof(label)), byline[i]->uuid);
	free(byline);
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
	dossier_end(im);
	smap_free(&im->dossiers, NULL);
	smap_free(&im->batch, NULL);
	free(im->bids);
	free(im->dl);
	free(im->byd);
	free(im->ls);
	free(im->buf);
	free(im->msg);
	if (im->msgf != NULL)
		fclose(im->msgf);
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
	char		 head[512];
	struct stat	 sb;
	char		 shown[ESC_LONG];
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
	im.shown = esc_str(im.path, shown, sizeof(shown));
	/* One open file for both passes: a file replaced meanwhile (an
	 * editor saving) does not change what this run reads. */
	if ((im.f = fopen(im.path, "r")) == NULL) {
		cli_err("%s: %s", im.shown, cli_tr("cannot open the file",
		    "не удаётся открыть файл"));
		return (EX_NOINPUT);
	}
	if (fstat(fileno(im.f), &sb) == -1 || !S_ISREG(sb.st_mode)) {
		cli_err("%s: %s", im.shown, cli_tr("not a regular file (import "
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
	/* Refusals are held in a temporary file and said in file order
	 * after each pass (without it, as they are found). */
	im.msgf = tmpfile();
	if (scan_lines(&im) == -1) {
		msg_flush(&im);
		rc = im.oom ? EX_OSERR : EX_IOERR;
		goto out;
	}
	rc = check_lines(&im);
	msg_flush(&im);
	if (rc != EX_OK)
		goto out;
	if (im.bad > 0 && !im.keep_going) {
		snprintf(head, sizeof(head), "%llu %s %s", (unsigned long
		    long)im.bad, cli_n(im.bad, "bad line(s),", "bad line(s),",
		    "ошибочная строка", "ошибочные строки", "ошибочных строк"),
		    cli_tr("listed above; nothing was imported (fix them, or "
		    "import the good lines with --keep-going).  First:",
		    "(см. выше); ничего не импортировано (исправьте их или "
		    "импортируйте остальное с --keep-going).  Первая:"));
		/* Where the first is: on a line of its own on a terminal, in
		 * the one line of the journal's form there. */
		if (log_journal_form())	/* the log escapes the path */
			cli_err("%s %s:%d", head, im.path, im.first_bad);
		else {
			cli_err("%s", head);
			fprintf(stderr, "  %s:%d\n", im.shown, im.first_bad);
		}
		rc = EX_DATAERR;
		goto out;
	}
	/* Sign on the other cores while this one writes, with a cache that
	 * holds a whole batch's pages. */
	store_cache_import(im.n->st);
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	im.n->signer = signer_new(im.n->key, ncpu > 1 ? (int)ncpu - 1 : 1);
	rc = make_lines(&im);
	msg_flush(&im);
	/* A line that failed because SQLite (or anything else) ran out of
	 * memory: the import ran out of memory, and says so once, below,
	 * with what earlier batches kept (tests/cli/t0075). */
	if (rc != EX_OK && rc != EX_OSERR && log_oom_noted())
		rc = EX_OSERR;
	if (rc != EX_OK) {
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
