/*
 * node/cmd_peer.c: peers (peer add|list|remove), refused changes
 * (rejected list), and feeds as files (export, receive) for regions that
 * exchange changes without a network link, and for tests.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/audit.h"
#include "node/card.h"
#include "node/cli.h"
#include "node/feed.h"
#include "node/node.h"
#include "node/store.h"
#include "node/store_peer.h"
#include "node/store_refusal.h"
#include "protocol/esc.h"
#include "protocol/fields.h"
#include "protocol/limits.h"
#include "protocol/num.h"
#include "protocol/log.h"
#include "protocol/wire.h"

/* Read a whole file of at most max bytes; NULL (told) on failure. */
static char *
slurp(const char *path, size_t max, size_t *lenp)
{
	FILE	*f;
	char	*p;
	size_t	 n;

	if (strcmp(path, "-") == 0)
		f = stdin;
	else if ((f = fopen(path, "r")) == NULL) {
		cli_err("%s: %s", path, cli_tr("cannot open the file",
		    "не удаётся открыть файл"));
		return (NULL);
	}
	if ((p = malloc(max + 1)) == NULL) {
		if (f != stdin)
			fclose(f);
		return (NULL);
	}
	n = fread(p, 1, max + 1, f);
	if (f != stdin)
		fclose(f);
	if (n > max) {
		cli_err("%s: %s", path, cli_tr("the file is too large",
		    "файл слишком велик"));
		free(p);
		return (NULL);
	}
	p[n] = '\0';
	*lenp = n;
	return (p);
}


/*
 * Whether rotation r of a card was signed by its old key at or after the
 * time this node holds that key revoked from: a compromised key may sign
 * anything, a rotation included.  1 if so, 0 if not, -1 on error.
 */
static int
rotation_after_revocation(struct node *n, const struct card_rotation *r)
{
	char		 kid[SIG_KEYID_LEN + 1];
	uint64_t	 since;
	int		 k;

	sig_key_id(r->prev, kid);
	if ((k = store_key_revoked_since(n->st, kid, &since)) != 0)
		return (k == 1 ? 0 : -1);
	return (r->at >= since);
}

/* Record the keys a checked card names, their ends, and the region's
 * revocations.  The caller holds a transaction.  0 / -1. */
static int
card_keys_put(struct node *n, const struct card *c)
{
	char	 kid[SIG_KEYID_LEN + 1];
	size_t	 i;

	/* A region's older keys stay known: they signed earlier changes. */
	for (i = 0; i < c->nrot; i++) {
		sig_key_id(c->rot[i].prev, kid);
		if (store_key_put(n->st, kid, c->region, c->rot[i].prev) == -1 ||
		    store_key_limit(n->st, kid, c->rot[i].until) == -1 ||
		    store_keys_trust(n->st, c->region, kid, true) == -1)
			return (-1);
	}
	if (store_key_put(n->st, c->key_id, c->region, c->pub) == -1 ||
	    store_keys_trust(n->st, c->region, c->key_id, true) == -1)
		return (-1);
	for (i = 0; i < c->nrev; i++)
		if (store_key_revoke(n->st, c->region, c->rev[i].key_id,
		    c->rev[i].since) == -1)
			return (-1);
	return (0);
}

int
cli_peer_add(struct node *n, const char *text, size_t len,
    const struct audit_entry *e, struct cli_peer *pa)
{
	size_t	 i;
	int	 k;

	memset(pa, 0, sizeof(*pa));
	if (card_check(text, len, &pa->c, pa->why, sizeof(pa->why)) == -1)
		return (CLI_PEER_BADCARD);
	if (strcmp(pa->c.region, n->cfg.region) == 0)
		return (CLI_PEER_OWN);
	/*
	 * A card for a peer already here must come from the same node: its
	 * key is the one held, or a rotation chain leads to it from there.
	 */
	if ((k = store_peer_key(n->st, pa->c.region, pa->held)) == -1)
		return (-1);
	pa->existed = k == 0;
	if (pa->existed && (pa->from = card_chain_from(&pa->c, pa->held)) ==
	    -1)
		return (CLI_PEER_CHAIN);
	/* A new peer's card is the admin's to check, like any first card. */
	for (i = (size_t)pa->from; pa->existed && i < pa->c.nrot; i++) {
		if ((k = rotation_after_revocation(n, &pa->c.rot[i])) == 0)
			continue;
		if (k == -1)
			return (-1);
		sig_key_id(pa->c.rot[i].prev, pa->kid);
		return (CLI_PEER_REVOKED);
	}
	if (store_begin(n->st) == -1)
		return (-1);
	if (card_keys_put(n, &pa->c) == -1 ||
	    store_peer_put(n->st, pa->c.region, pa->c.url, pa->c.key_id,
	    pa->c.pin, pa->c.pin_next, text, len) == -1)
		goto rollback;
	if (e != NULL && audit_append(n, e) == -1) {
		store_rollback(n->st);
		return (-2);
	}
	if (store_commit(n->st) == -1)
		goto rollback;
	return (0);
rollback:
	store_rollback(n->st);
	return (-1);
}

int
cli_peer_remove(struct node *n, const char *region,
    const struct audit_entry *e)
{
	int	 k;

	if (store_begin(n->st) == -1)
		return (-1);
	if ((k = store_peer_del(n->st, region)) == -1)
		goto rollback;
	if (k == 1) {
		store_rollback(n->st);
		return (1);
	}
	/*
	 * Its keys stay known, for they signed changes this node holds and
	 * which stay valid ('opora verify'), but nothing they sign is taken
	 * in from now on, from this peer or relayed by another.
	 */
	if (store_keys_trust(n->st, region, NULL, false) == -1)
		goto rollback;
	if (e != NULL && audit_append(n, e) == -1) {
		store_rollback(n->st);
		return (-2);
	}
	if (store_commit(n->st) == -1)
		goto rollback;
	return (0);
rollback:
	store_rollback(n->st);
	return (-1);
}

static int
peer_add(struct node *n, const char *path)
{
	struct cli_peer		 pa;
	struct audit_entry	 e;
	char			*text, t[32], kid[SIG_KEYID_LEN + 1];
	size_t			 len, i;
	int			 rc = EX_DATAERR;

	if ((text = slurp(path, LIMIT_CARD_BYTES, &len)) == NULL)
		return (EX_NOINPUT);
	/* Recorded with the peer, in the same transaction; the region is
	 * known once the card is read (pa.c.region, filled in there). */
	cli_audit_entry(&e, "peer add", "", pa.c.region);
	switch (cli_peer_add(n, text, len, &e, &pa)) {
	case 0:
		break;
	case -2:
		cli_err("%s", cli_tr("the new peer cannot be recorded in the "
		    "audit, so it is not added", "нового партнёра нельзя "
		    "записать в журнал аудита, поэтому он не добавлен"));
		rc = EX_SOFTWARE;
		goto out;
	case CLI_PEER_BADCARD:
		cli_err("%s: %s", path, pa.why);
		goto out;
	case CLI_PEER_OWN:
		cli_err("%s: %s %s", path, cli_tr("the card is of this node's "
		    "own region", "это карточка собственного региона"),
		    pa.c.region);
		goto out;
	case CLI_PEER_CHAIN:
		cli_err("%s: %s %s %s %s %s", path, cli_tr("the card's key",
		    "ключ карточки"), pa.c.key_id, cli_tr("is not announced by "
		    "key", "не объявлен ключом"), pa.held, cli_tr("that this "
		    "node holds for the region: if the region lost its key, "
		    "check the new card with its admin, then 'opora peer "
		    "remove' and 'peer add' it", "который этот узел знает для "
		    "региона: если регион потерял ключ, сверьте новую карточку "
		    "с его администратором, затем 'opora peer remove' и 'peer "
		    "add'"));
		goto out;
	case CLI_PEER_REVOKED:
		cli_err("%s: %s %s %s", path, cli_tr("the card's "
		    "rotation was signed by key", "смена ключа "
		    "подписана ключом"), pa.kid, cli_tr("after the time "
		    "it is revoked from, so it proves nothing: check "
		    "the card's key id with the region's admin, then "
		    "'opora peer remove' and 'peer add' it",
		    "после времени его отзыва и ничего не доказывает: "
		    "сверьте ключ карточки с администратором региона, "
		    "затем 'opora peer remove' и 'peer add'"));
		goto out;
	default:
		rc = EX_SOFTWARE;
		goto out;
	}
	printf("%s\n", pa.c.region);
	fprintf(stderr, "%s %s (%s), %s %s\n", cli_tr("peer", "партнёр"),
	    pa.c.region, pa.c.url, cli_tr("key", "ключ"), pa.c.key_id);
	for (i = (size_t)pa.from; pa.existed && i < pa.c.nrot; i++) {
		sig_key_id(pa.c.rot[i].prev, kid);
		card_time_format(pa.c.rot[i].until, t);
		fprintf(stderr, "%s %s %s; %s %s\n", cli_tr("key",
		    "ключ"), kid, cli_tr("was replaced by a newer key",
		    "заменён новым ключом"), cli_tr("its changes are accepted "
		    "if made before", "его изменения принимаются, если "
		    "сделаны до"), t);
	}
	if (pa.c.pin_next[0] != '\0')
		fprintf(stderr, "%s %s\n", cli_tr("TLS: its next key is pinned "
		    "too:", "TLS: закреплён и следующий ключ:"), pa.c.pin_next);
	rc = EX_SOFTWARE;
	for (i = 0; i < pa.c.nrev; i++)
		if (cmd_key_held_after(n, pa.c.rev[i].key_id,
		    pa.c.rev[i].since) == -1)
			goto out;
	rc = EX_OK;
out:
	free(text);
	return (rc);
}

/* One peer of 'opora peer list': into the JSON array arg, or printed
 * when arg is NULL. */
static int
peer_line(const struct store_peer_row *p, void *arg)
{
	cJSON		*arr = arg, *o;
	char		 ok[32], behind[24];
	time_t		 t;
	struct tm	 tm;

	ok[0] = '\0';
	if (p->has_last_ok) {
		t = (time_t)(p->last_ok / 1000);
		gmtime_r(&t, &tm);
		strftime(ok, sizeof(ok), "%Y-%m-%d %H:%M:%S UTC", &tm);
	}
	if (arr != NULL) {
		if ((o = cJSON_CreateObject()) == NULL)
			return (-1);
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "region", p->region);
		cJSON_AddStringToObject(o, "url", p->url);
		cJSON_AddStringToObject(o, "key_id", p->key_id);
		cJSON_AddStringToObject(o, "tls_pin", p->pin);
		if (p->pin_next != NULL)
			cJSON_AddStringToObject(o, "tls_pin_next",
			    p->pin_next);
		cJSON_AddNumberToObject(o, "cursor", (double)p->cursor);
		if (ok[0] != '\0')
			cJSON_AddStringToObject(o, "last_success", ok);
		if (p->last_error != NULL)
			cJSON_AddStringToObject(o, "last_error",
			    p->last_error);
		if (p->has_behind)
			cJSON_AddNumberToObject(o, "behind",
			    (double)p->behind);
		return (0);
	}
	if (!p->has_behind || p->behind < 0)
		snprintf(behind, sizeof(behind), "?");
	else
		snprintf(behind, sizeof(behind), "%lld",
		    (long long)p->behind);
	printf("%-7s %s\n  %s %lld; %s %s; %s %s", p->region, p->url,
	    cli_tr("cursor", "курсор"), (long long)p->cursor,
	    cli_tr("last success", "последний успех"),
	    ok[0] ? ok : cli_tr("never", "не было"),
	    cli_tr("changes behind", "отставание"), behind);
	if (p->last_error != NULL)
		printf("\n  %s: %s", cli_tr("last error", "последняя ошибка"),
		    p->last_error);
	printf("\n");
	return (0);
}

static int
peer_list(struct node *n, bool json)
{
	cJSON		*arr = NULL;
	int		 r;

	if (json && (arr = cJSON_CreateArray()) == NULL)
		return (EX_OSERR);
	r = store_peer_each(n->st, peer_line, arr);
	/* A list cut short by an error is not printed as if whole. */
	if (json && r == 0)
		cli_print_json(arr);
	cJSON_Delete(arr);
	return (r == 0 ? EX_OK : EX_SOFTWARE);
}

static int
peer_remove(struct node *n, const char *region)
{
	struct audit_entry	 e;

	cli_audit_entry(&e, "peer remove", "", region);
	switch (cli_peer_remove(n, region, &e)) {
	case 0:
		break;
	case 1:
		cli_err("%s %s", cli_tr("no peer", "нет партнёра"), region);
		return (EX_NOINPUT);
	case -2:
		cli_err("%s", cli_tr("the removal cannot be recorded in the "
		    "audit, so the peer stays", "удаление нельзя записать в "
		    "журнал аудита, поэтому партнёр остаётся"));
		return (EX_SOFTWARE);
	default:
		return (EX_SOFTWARE);
	}
	fprintf(stderr, "%s %s %s\n", cli_tr("removed peer", "удалён партнёр"),
	    region, cli_tr("; its keys are no longer trusted: changes they "
	    "sign are refused from now on, those already here stay valid",
	    "; его ключам больше нет доверия: подписанные ими изменения "
	    "отныне отклоняются, уже принятые остаются в силе"));
	return (EX_OK);
}

int
cmd_peer(int argc, char **argv)
{
	const char	*usage = cli_tr(
	    "usage: opora peer add CARD      (a file from 'opora id' on the "
	    "peer; - for stdin)\n"
	    "       opora peer list [--json]\n"
	    "       opora peer remove REGION\n"
	    "       opora peer revoke-key REGION KEYID --since TIME",
	    "использование: opora peer add КАРТОЧКА  (файл от 'opora id' "
	    "партнёра; - для stdin)\n"
	    "       opora peer list [--json]\n"
	    "       opora peer remove РЕГИОН\n"
	    "       opora peer revoke-key РЕГИОН КЛЮЧ --since ВРЕМЯ");
	struct node	*n;
	int		 rc;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		fprintf(argc < 2 ? stderr : stdout, "%s\n", usage);
		return (argc < 2 ? EX_USAGE : EX_OK);
	}
	if (strcmp(argv[1], "revoke-key") == 0)
		return (cmd_key_revoke_peer(argc - 1, argv + 1));
	if (!((strcmp(argv[1], "add") == 0 && argc == 3) ||
	    (strcmp(argv[1], "remove") == 0 && argc == 3) ||
	    (strcmp(argv[1], "list") == 0 && (argc == 2 || (argc == 3 &&
	    strcmp(argv[2], "--json") == 0))))) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (strcmp(argv[1], "add") == 0)
		rc = peer_add(n, argv[2]);
	else if (strcmp(argv[1], "remove") == 0)
		rc = peer_remove(n, argv[2]);
	else
		rc = peer_list(n, argc == 3);
	node_close(n);
	return (rc);
}

/*
 * feed_audit(n, text, len, action, detail): one audit entry of action
 * naming every dossier that a change of the feed text (borrowed) belongs
 * to, in a transaction of its own, before the feed is written out or
 * taken in.  0, or -1 after telling the person it is refused.
 */
static int
feed_audit(struct node *n, const char *text, size_t len, const char *action,
    const char *detail)
{
	struct wire_feed f;
	struct change	*c = NULL;
	char		*ids = NULL, *p, why[256];
	size_t		 i, idlen = 0, cap = 0;
	int		 rc = -1;

	memset(&f, 0, sizeof(f));
	if (wire_feed_parse(text, len, &f, why, sizeof(why)) == -1)
		goto out;
	for (i = 0; i < f.n; i++) {
		if (f.items[i].problem[0] != '\0' ||
		    change_decode(f.items[i].bytes, f.items[i].len, &c, why,
		    sizeof(why)) != 0)
			continue;
		if (ids == NULL || strstr(ids, c->dossier) == NULL) {
			if (idlen + 38 > cap) {
				cap = cap ? cap * 2 : 4096;
				if ((p = realloc(ids, cap)) == NULL)
					goto out;
				ids = p;
			}
			if (idlen > 0)
				ids[idlen++] = ' ';
			memcpy(ids + idlen, c->dossier, 37);
			idlen += 36;
		}
		change_free(c);
		c = NULL;
	}
	rc = cli_audit(n, action, ids != NULL ? ids : "", detail, false);
out:
	if (rc == -1)
		cli_err("%s: %s", action, cli_tr("it cannot be recorded in "
		    "the audit, so it is refused", "нельзя записать в журнал "
		    "аудита, поэтому отказано"));
	change_free(c);
	free(ids);
	wire_feed_free(&f);
	return (rc);
}

int
cmd_export(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "for", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ "limit", required_argument, NULL, 'l' },
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora export --for REGION [--since N] [--limit N]\n"
	    "  prints the feed this node serves to REGION (what it is "
	    "entitled to),\n  for 'opora receive' on a node without a network "
	    "link",
	    "использование: opora export --for РЕГИОН [--since N] "
	    "[--limit N]\n"
	    "  выводит ленту изменений, положенных РЕГИОНУ, для 'opora "
	    "receive'\n  на узле без сетевой связи");
	struct node	*n;
	struct buf	 b;
	const char	*region = NULL;
	char		 detail[64];
	int64_t		 since = 0, limit = LIMIT_FEED_MAX, next;
	int		 ch, rc = EX_SOFTWARE;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			region = optarg;
			break;
		case 'l':
			if (num_parse_str(optarg, 1, LIMIT_FEED_MAX,
			    &limit) == -1) {
				cli_err("--limit: 1..%d", LIMIT_FEED_MAX);
				return (EX_USAGE);
			}
			break;
		case 's':
			if (num_parse_str(optarg, 0, INT64_MAX, &since) == -1) {
				cli_err("--since: %s", cli_tr("a feed number",
				    "номер в ленте"));
				return (EX_USAGE);
			}
			break;
		default:
			fprintf(ch == 'h' ? stdout : stderr, "%s\n", usage);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (region == NULL || optind != argc ||
	    !fields_region_valid(region, strlen(region))) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	buf_init(&b, LIMIT_FEED_BYTES);
	if (feed_build(n, region, since, (int)limit, 0, &b, &next, NULL) == 0) {
		snprintf(detail, sizeof(detail), "for %s, feed numbers after "
		    "%lld", region, (long long)since);
		/* A feed cut short (a full disk) must not look written. */
		if (feed_audit(n, b.data, b.len, "export", detail) == -1)
			rc = EX_SOFTWARE;
		else if (fwrite(b.data, 1, b.len, stdout) != b.len ||
		    fputc('\n', stdout) == EOF || fflush(stdout) != 0 ||
		    ferror(stdout)) {
			cli_err("export: %s: %s", cli_tr("cannot write the feed",
			    "не удалось записать ленту"), strerror(errno));
			rc = EX_IOERR;
		} else
			rc = EX_OK;
	} else if (feed_corrupted(n))
		cli_err("export: %s", cli_tr("a stored change is damaged (see "
		    "above); restore the database from a backup",
		    "сохранённое изменение повреждено (см. выше); восстановите "
		    "базу из резервной копии"));
	buf_free(&b);
	node_close(n);
	return (rc);
}

int
cmd_receive(int argc, char **argv)
{
	const char	*usage = cli_tr(
	    "usage: opora receive --from REGION FILE\n"
	    "  takes in a feed made by 'opora export' on REGION's node: every "
	    "change\n  is verified; refused ones are listed by 'opora rejected "
	    "list'",
	    "использование: opora receive --from РЕГИОН ФАЙЛ\n"
	    "  принимает ленту, сделанную 'opora export' на узле РЕГИОНА: "
	    "каждое\n  изменение проверяется; отклонённые — в 'opora rejected "
	    "list'");
	struct wire_feed f;
	struct feed_stats st = { 0 };
	struct node	*n;
	char		*text, why[256], detail[32];
	size_t		 len;
	int		 r, rc = EX_DATAERR;

	if (argc != 4 || strcmp(argv[1], "--from") != 0 ||
	    !fields_region_valid(argv[2], strlen(argv[2]))) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "%s\n", usage);
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if ((text = slurp(argv[3], LIMIT_FEED_BYTES, &len)) == NULL)
		return (EX_NOINPUT);
	if ((n = cli_open()) == NULL) {
		free(text);
		return (EX_CONFIG);
	}
	memset(&f, 0, sizeof(f));
	memset(&st, 0, sizeof(st));
	/* Refusals are recorded against REGION, marked as from a file: it
	 * must be a peer whose card this node holds. */
	st.file = true;
	if ((r = store_peer_exists(n->st, argv[2])) != 1) {
		if (r == 0)
			cli_err("%s %s: %s", cli_tr("no peer", "нет партнёра"),
			    argv[2], cli_tr("add its card first (opora peer "
			    "add)", "сначала добавьте его карточку (opora peer "
			    "add)"));
		rc = r == 0 ? EX_NOINPUT : EX_SOFTWARE;
		goto out;
	}
	snprintf(detail, sizeof(detail), "from %s", argv[2]);
	if (wire_feed_parse(text, len, &f, why, sizeof(why)) == -1) {
		cli_err("%s: %s", argv[3], why);
		/* Memory ran out: no verdict on the file. */
		if (f.nomem)
			rc = EX_OSERR;
	} else if (feed_audit(n, text, len, "receive", detail) == -1)
		rc = EX_SOFTWARE;
	else if (feed_apply(n, argv[2], &f, false, &st, why, sizeof(why)) ==
	    -1) {
		cli_err("%s: %s", argv[3], why);
		rc = EX_SOFTWARE;
	} else {
		printf("%s %llu, %s %llu, %s %llu\n", cli_tr("applied",
		    "принято"), (unsigned long long)st.applied,
		    cli_tr("already here", "уже было"),
		    (unsigned long long)st.duplicate, cli_tr("refused",
		    "отклонено"), (unsigned long long)(st.rejected +
		    st.missing + st.unentitled));
		rc = st.rejected + st.missing + st.unentitled > 0 ?
		    EX_DATAERR : EX_OK;
	}
out:
	wire_feed_free(&f);
	free(text);
	node_close(n);
	return (rc);
}

/* "2026-11-26 10:04:05 UTC" for ms since the epoch. */
static void
rejected_when(long long ms, char out[32])
{
	time_t		 t = (time_t)(ms / 1000);
	struct tm	 tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(out, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(out, 32, "?");
}

/* One refusal of 'opora rejected list': into the JSON array arg, or
 * printed when arg is NULL. */
static int
rejected_line(const struct store_refusal_row *rf, void *arg)
{
	cJSON		*arr = arg, *o;
	const char	*c[5];
	char		 e[5][ESC_LONG], first[32], last[32];
	bool		 kept;
	long long	 count;
	int		 i;

	/* Everything here came from outside: escaped. */
	c[0] = rf->id;
	c[1] = rf->dossier;
	c[2] = rf->peer;
	c[3] = rf->reason;
	c[4] = rf->via;
	for (i = 0; i < 5; i++)
		esc_str(c[i] != NULL ? c[i] : "", e[i], sizeof(e[i]));
	rejected_when(rf->at, first);
	rejected_when(rf->last_at, last);
	count = rf->count;
	kept = rf->kept;
	if (arr != NULL) {
		if ((o = cJSON_CreateObject()) == NULL)
			return (-1);
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "id", e[0]);
		if (c[1] != NULL)
			cJSON_AddStringToObject(o, "dossier", e[1]);
		cJSON_AddStringToObject(o, "peer", e[2]);
		if (c[4] != NULL && c[4][0] != '\0')
			cJSON_AddStringToObject(o, "via", e[4]);
		cJSON_AddStringToObject(o, "reason", e[3]);
		cJSON_AddStringToObject(o, "at", first);
		cJSON_AddStringToObject(o, "last", last);
		cJSON_AddNumberToObject(o, "count", (double)count);
		cJSON_AddBoolToObject(o, "bytes_kept", kept);
	} else {
		/* The reason in the reader's language (the JSON keeps the
		 * node's English, as logs and peers read it). */
		printf("%s  %s%s%s  %.16s  %s: %s", last, e[2],
		    strcmp(e[4], "file") == 0 ? " " : "",
		    strcmp(e[4], "file") == 0 ? cli_tr("(file)",
		    "(файл)") : "", c[0] ? e[0] : "?",
		    c[1] ? e[1] : "?", cli_reason(c[3] != NULL ? c[3] : "",
		    e[3], sizeof(e[3])));
		if (count > 1)
			printf(" (%lld %s, %s %s)", count, cli_n(
			    (uint64_t)count, "time", "times", "раз", "раза",
			    "раз"), cli_tr("first", "впервые"), first);
		if (!kept)
			printf(" [%s]", cli_tr("bytes not kept",
			    "байты не сохранены"));
		printf("\n");
	}
	return (0);
}

/* A peer's refusal records dropped for the cap of rows. */
static int
rejected_dropped(const char *peer, int64_t dropped, void *arg)
{
	char	 e[ESC_LONG];

	(void)arg;
	printf("%s: %lld %s %s\n", esc_str(peer, e, sizeof(e)),
	    (long long)dropped, cli_n((uint64_t)dropped, "older record",
	    "older records", "старая запись", "старые записи",
	    "старых записей"), cli_tr("dropped (the least recently seen "
	    "first)", "удалено (сначала давно не виденные)"));
	return (0);
}

int
cmd_rejected(int argc, char **argv)
{
	struct node	*n;
	cJSON		*arr = NULL;
	bool		 json = argc == 3 && strcmp(argv[2], "--json") == 0;
	int		 rc = EX_SOFTWARE;

	if (argc < 2 || strcmp(argv[1], "list") != 0 || argc > 3 ||
	    (argc == 3 && !json)) {
		fprintf(argc >= 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "%s\n", cli_tr("usage: opora rejected list [--json]"
		    "\n  changes refused on receipt, once per peer and change: "
		    "when last and\n  first seen, how many times, the peer, "
		    "the change and dossier, the reason", "использование: "
		    "opora rejected list [--json]\n  изменения, отклонённые "
		    "при приёме, по одному на партнёра и изменение:\n  когда "
		    "в последний и первый раз, сколько раз, партнёр, "
		    "изменение,\n  дело и причина"));
		return (argc >= 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (json && (arr = cJSON_CreateArray()) == NULL)
		goto out;
	if (store_refusal_each(n->st, rejected_line, arr) != 0)
		goto out;
	/* Records dropped for the cap of rows, per peer. */
	if (!json && store_refusal_dropped_each(n->st, rejected_dropped,
	    NULL) != 0)
		goto out;
	if (json)
		cli_print_json(arr);
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	node_close(n);
	return (rc);
}
