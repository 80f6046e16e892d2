/*
 * node/cmd_key.c: this node's keys (key list|rotate|revoke) and an admin's
 * revocation of a peer's key (peer revoke-key).  docs/protocol.md section
 * 9, "Keys: rotation and revocation", says what peers do with them;
 * docs/admin.md says when to use which.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/card.h"
#include "node/cli.h"
#include "node/node.h"
#include "node/store.h"
#include "protocol/fields.h"
#include "protocol/log.h"
#include "protocol/num.h"
#include "protocol/tls.h"

#define KEY_OVERLAP_DAYS	7	/* the old key's overlap by default */
#define KEY_OVERLAP_MAX_DAYS	365
#define KEY_TLS_CERT_DAYS	(10 * 365)	/* as node_init's */
#define KEY_MS_PER_DAY		(UINT64_C(86400) * 1000)

/* What cmd_key_held_after lists. */
struct held {
	const char	*key_id;
	char		 since[32];
	long long	 count;
};

static int
held_line(const char *id, const char *dossier, const char *hlc, void *arg)
{
	struct held	*h = arg;
	char		 t[32];
	uint64_t	 v;

	if (hlc_parse(hlc, strlen(hlc), &v) == -1)
		return (0);
	if (h->count++ == 0)
		printf("%s %s %s %s:\n", cli_tr("changes held here "
		    "signed by key", "изменения на этом узле, "
		    "подписанные ключом"), h->key_id, cli_tr("at or after",
		    "начиная с"), h->since);
	card_time_format(v, t);
	/* Ids and dossiers were checked (hex, UUID) on receipt. */
	printf("  %s  %s  %s\n", id, dossier, t);
	return (0);
}

int
cmd_key_held_after(struct node *n, const char *key_id, uint64_t since)
{
	struct held	 h;
	char		 t[32];
	long long	 count;

	h.key_id = key_id;
	h.count = 0;
	card_time_format(since, h.since);
	if (store_changes_by_key(n->st, key_id, since, held_line, &h) != 0)
		return (-1);
	count = h.count;
	card_time_format(since, t);
	if (count == 0)
		printf("%s %s %s %s\n", cli_tr("no change held here was signed "
		    "by key", "на этом узле нет изменений, подписанных "
		    "ключом"), key_id, cli_tr("at or after", "начиная с"), t);
	else
		printf("%lld %s %s\n", count, cli_n((uint64_t)count,
		    "change", "changes", "изменение", "изменения",
		    "изменений"), cli_tr("held: they stay in the log; 'opora "
		    "verify' reports them; decide what to do with each "
		    "dossier", "на узле: они остаются в журнале; 'opora verify' "
		    "их показывает; решите, что делать с каждым делом"));
	return (0);
}

/* Whether s is a key id: 16 lowercase hex digits. */
static bool
key_id_valid(const char *s)
{
	size_t	 i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' &&
		    s[i] <= 'f')))
			return (false);
	return (i == SIG_KEYID_LEN);
}

/* Revoke key_id of region from since and list what is held after it. */
static int
key_revoke_at(struct node *n, const char *region, const char *key_id,
    uint64_t since, bool own)
{
	char	 t[32], detail[176];
	int	 k, a = 0;

	card_time_format(since, t);
	snprintf(detail, sizeof(detail), "%.64s %.64s since %s", region,
	    key_id, t);
	if (store_begin(n->st) == -1)
		return (EX_SOFTWARE);
	/* Recorded in the audit in the same transaction. */
	if ((k = store_key_revoke(n->st, region, key_id, since)) != 0 ||
	    (a = cli_audit(n, own ? "key revoke" : "peer revoke-key", "",
	    detail, true)) == -1 || store_commit(n->st) == -1) {
		store_rollback(n->st);
		if (k == 1)
			cli_err("%s %s %s %s", cli_tr("no key", "нет ключа"),
			    key_id, cli_tr("of", "региона"), region);
		else if (a == -1)
			cli_err("%s", cli_tr("the revocation cannot be "
			    "recorded in the audit, so it is not made", "отзыв "
			    "нельзя записать в журнал аудита, поэтому он не "
			    "внесён"));
		return (k == 1 ? EX_NOINPUT : EX_SOFTWARE);
	}
	fprintf(stderr, "%s %s %s %s %s: %s\n", cli_tr("key", "ключ"), key_id,
	    cli_tr("of", "региона"), region, cli_tr("is revoked since",
	    "отозван с"), t);
	fprintf(stderr, "  %s\n", own ? cli_tr("changes it signed from then on "
	    "are refused here; give this node's card ('opora id') to every "
	    "peer: 'opora peer add' takes the revocation in",
	    "подписанные им с этого времени изменения здесь отклоняются; "
	    "передайте карточку узла ('opora id') всем партнёрам: 'opora "
	    "peer add' примет отзыв") : cli_tr("changes it signed from then "
	    "on are refused by this node", "подписанные им с этого времени "
	    "изменения этот узел отклоняет"));
	return (cmd_key_held_after(n, key_id, since) == 0 ? EX_OK :
	    EX_SOFTWARE);
}

/* Parse "[REGION] KEYID --since TIME" into its parts; -1 on misuse. */
static int
revoke_args(int argc, char **argv, int npos, char **pos, uint64_t *since)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ NULL, 0, NULL, 0 }
	};
	int	 ch, i;
	bool	 have = false;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 's')
			return (-1);
		if (card_time_parse(optarg, since) == -1) {
			cli_err("--since: %s", cli_tr("a time: YYYY-MM-DD or "
			    "YYYY-MM-DDTHH:MM:SSZ (UTC)", "время: ГГГГ-ММ-ДД "
			    "или ГГГГ-ММ-ДДTЧЧ:ММ:ССZ (UTC)"));
			return (-1);
		}
		have = true;
	}
	if (!have || argc - optind != npos)
		return (-1);
	for (i = 0; i < npos; i++)
		pos[i] = argv[optind + i];
	return (0);
}

int
cmd_key_revoke_peer(int argc, char **argv)
{
	const char	*usage = cli_tr(
	    "usage: opora peer revoke-key REGION KEYID --since TIME\n"
	    "  refuse the changes a peer's key signed from TIME on (it was "
	    "stolen);\n  TIME: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC). "
	    "Lists the changes\n  already held that it signed since",
	    "использование: opora peer revoke-key РЕГИОН КЛЮЧ --since ВРЕМЯ\n"
	    "  отклонять изменения, подписанные ключом партнёра с ВРЕМЕНИ "
	    "(ключ украден);\n  ВРЕМЯ: ГГГГ-ММ-ДД или ГГГГ-ММ-ДДTЧЧ:ММ:ССZ "
	    "(UTC). Показывает уже\n  принятые изменения, подписанные им с "
	    "тех пор");
	struct node	*n;
	char		*pos[2], region[16];
	uint64_t	 since = 0;
	int		 k, rc;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		printf("%s\n", usage);
		return (EX_OK);
	}
	if (revoke_args(argc, argv, 2, pos, &since) == -1 ||
	    !fields_region_valid(pos[0], strlen(pos[0])) ||
	    !key_id_valid(pos[1])) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (strcmp(pos[0], n->cfg.region) == 0) {
		cli_err("%s", cli_tr("this is this node's own region: use "
		    "'opora key revoke'", "это собственный регион узла: "
		    "используйте 'opora key revoke'"));
		rc = EX_USAGE;
	} else if ((k = store_key_region(n->st, pos[1], region)) != 0 ||
	    strcmp(region, pos[0]) != 0) {
		cli_err("%s %s %s %s", cli_tr("no key", "нет ключа"), pos[1],
		    cli_tr("of", "региона"), pos[0]);
		rc = k == -1 ? EX_SOFTWARE : EX_NOINPUT;
	} else
		rc = key_revoke_at(n, pos[0], pos[1], since, false);
	node_close(n);
	return (rc);
}

static int
key_revoke(int argc, char **argv)
{
	struct node	*n;
	char		*pos[1], region[16];
	uint64_t	 since = 0;
	int		 k, rc;

	if (revoke_args(argc, argv, 1, pos, &since) == -1 ||
	    !key_id_valid(pos[0])) {
		fprintf(stderr, "%s\n", cli_tr("usage: opora key revoke KEYID "
		    "--since TIME", "использование: opora key revoke КЛЮЧ "
		    "--since ВРЕМЯ"));
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (strcmp(pos[0], n->key_id) == 0) {
		cli_err("%s", cli_tr("this is the key the node signs with: "
		    "first make a new one with 'opora key rotate --overlap 0', "
		    "then revoke this one", "этим ключом узел подписывает: "
		    "сначала создайте новый ('opora key rotate --overlap 0'), "
		    "затем отзовите этот"));
		rc = EX_USAGE;
	} else if ((k = store_key_region(n->st, pos[0], region)) != 0 ||
	    strcmp(region, n->cfg.region) != 0) {
		cli_err("%s %s %s %s", cli_tr("no key", "нет ключа"), pos[0],
		    cli_tr("of", "региона"), n->cfg.region);
		rc = k == -1 ? EX_SOFTWARE : EX_NOINPUT;
	} else
		rc = key_revoke_at(n, n->cfg.region, pos[0], since, true);
	node_close(n);
	return (rc);
}

/* Make the directory entry of a rename durable. */
static void
sync_dir(const char *dir)
{
	int	 fd;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/*
 * A new signing key: the rotation is signed by the current key and
 * recorded before signing.key is replaced, so that a node stopped half-way
 * still signs with a key its card and its peers know (the old one, valid
 * through the overlap); signing.key.new is then left for the admin.
 */
static int
rotate_signing(struct node *n, int64_t days)
{
	struct sig_key		*k2 = NULL;
	struct card_rotation	 r, last;
	char			 path[4096], newpath[4096], kid2[17], t[32];
	uint64_t		 now = node_now_ms();
	size_t			 nlast;
	int			 rc = EX_SOFTWARE;
	bool			 saved = false;

	memset(&r, 0, sizeof(r));
	if (node_path(n, "signing.key", path, sizeof(path)) == -1 ||
	    node_path(n, "signing.key.new", newpath, sizeof(newpath)) == -1)
		return (EX_SOFTWARE);
	if (access(newpath, F_OK) == 0) {
		cli_err("%s %s", newpath, cli_tr("exists: an earlier rotation "
		    "did not finish; if 'opora id' names the key it holds, "
		    "rename it to signing.key, else remove it",
		    "существует: прошлая смена ключа не завершена; если "
		    "'opora id' называет его ключ, переименуйте его в "
		    "signing.key, иначе удалите"));
		return (EX_CANTCREAT);
	}
	if (store_rotations(n->st, n->cfg.region, &last, 1, &nlast) == -1)
		return (EX_SOFTWARE);
	if (nlast == 1 && memcmp(last.pub, n->pub, SIG_PUB_LEN) != 0) {
		cli_err("%s", cli_tr("signing.key is not the key the last "
		    "rotation announced", "signing.key — не тот ключ, что "
		    "объявлен последней сменой"));
		return (EX_SOFTWARE);
	}
	if ((k2 = sig_key_generate()) == NULL ||
	    sig_key_save(k2, newpath) == -1)
		goto out;
	saved = true;
	memcpy(r.prev, n->pub, SIG_PUB_LEN);
	sig_key_public(k2, r.pub);
	sig_key_id(r.pub, kid2);
	r.at = hlc_pack(now, 0);
	if (nlast == 1 && r.at <= last.at)
		r.at = last.at + 1;
	r.until = hlc_pack(hlc_ms(r.at) + (uint64_t)days * KEY_MS_PER_DAY, 0);
	if (r.until < r.at)
		r.until = r.at;
	if (card_rotation_sign(n->key, n->cfg.region, &r) == -1 ||
	    store_begin(n->st) == -1)
		goto out;
	if (store_rotation_put(n->st, n->cfg.region, &r) == -1 ||
	    store_key_put(n->st, kid2, n->cfg.region, r.pub) == -1 ||
	    store_key_limit(n->st, n->key_id, r.until) == -1 ||
	    store_meta_set(n->st, "key_id", kid2) == -1 ||
	    store_commit(n->st) == -1) {
		store_rollback(n->st);
		goto out;
	}
	if (rename(newpath, path) == -1) {
		log_warn("rename %s to %s", newpath, path);
		cli_err("%s", cli_tr("the new key is recorded but not in "
		    "place: rename signing.key.new to signing.key",
		    "новый ключ записан, но не на месте: переименуйте "
		    "signing.key.new в signing.key"));
		saved = false;	/* the admin's to finish */
		goto out;
	}
	saved = false;
	sync_dir(n->dir);
	card_time_format(r.until, t);
	printf("%s\n", kid2);
	fprintf(stderr, "%s %s %s %s; %s %s\n", cli_tr("signing key", "ключ "
	    "подписи"), kid2, cli_tr("replaces", "заменяет"), n->key_id,
	    cli_tr("changes signed by the old key are accepted if made before",
	    "изменения со старым ключом принимаются, если сделаны до"), t);
	fprintf(stderr, "  %s\n", cli_tr("give this node's new card ('opora "
	    "id') to every peer now ('opora peer add' takes it in), and "
	    "restart 'opora serve'", "передайте новую карточку узла ('opora "
	    "id') всем партнёрам сейчас ('opora peer add'), и перезапустите "
	    "'opora serve'"));
	rc = EX_OK;
out:
	if (saved)
		(void)unlink(newpath);
	sig_key_free(k2);
	return (rc);
}

/*
 * TLS keys rotate in two steps, so that peers pin the next key before it
 * is used: the first makes tls.next.key and tls.next.crt, which the card
 * announces as tls_pin_next; the second, once every peer took that card
 * in, puts them in place of tls.key and tls.crt.
 */
static int
rotate_tls(struct node *n)
{
	char	 key[4096], crt[4096], nkey[4096], ncrt[4096], cn[64];
	char	 pin[TLS_PIN_LEN + 1], host[NODE_HOST_MAX + 1];
	int	 port;

	/* The certificate names the host of the node's url (config). */
	if (node_url_host(n->cfg.url, host, sizeof(host), &port) == -1)
		host[0] = '\0';
	if (node_path(n, "tls.key", key, sizeof(key)) == -1 ||
	    node_path(n, "tls.crt", crt, sizeof(crt)) == -1 ||
	    node_path(n, "tls.next.key", nkey, sizeof(nkey)) == -1 ||
	    node_path(n, "tls.next.crt", ncrt, sizeof(ncrt)) == -1)
		return (EX_SOFTWARE);
	if (access(ncrt, F_OK) == -1) {
		snprintf(cn, sizeof(cn), "opora %s", n->cfg.region);
		if (tls_identity_create(nkey, ncrt, cn, host[0] != '\0' ?
		    host : NULL, KEY_TLS_CERT_DAYS) ==
		    -1 || tls_pin_file(ncrt, pin) == -1)
			return (EX_CANTCREAT);
		printf("%s\n", pin);
		fprintf(stderr, "%s %s\n  %s\n", cli_tr("next TLS key made:",
		    "создан следующий ключ TLS:"), pin, cli_tr("give this "
		    "node's card ('opora id') to every peer; once each has "
		    "taken it in ('opora peer add'), run 'opora key rotate "
		    "--tls' again to switch to it", "передайте карточку узла "
		    "('opora id') всем партнёрам; когда все примут её ('opora "
		    "peer add'), снова выполните 'opora key rotate --tls'"));
		return (EX_OK);
	}
	if (tls_pin_file(ncrt, pin) == -1)
		return (EX_DATAERR);
	/* The key first: a crash in between leaves a pair the admin can
	 * see is mixed (opora serve refuses a key not matching its crt). */
	if (rename(nkey, key) == -1 || rename(ncrt, crt) == -1) {
		log_warn("switch to %s", ncrt);
		return (EX_CANTCREAT);
	}
	sync_dir(n->dir);
	printf("%s\n", pin);
	fprintf(stderr, "%s %s\n  %s\n", cli_tr("TLS key switched to",
	    "ключ TLS заменён на"), pin, cli_tr("restart 'opora serve'; give "
	    "the card ('opora id') to every peer, so that they stop pinning "
	    "the old key", "перезапустите 'opora serve'; передайте карточку "
	    "('opora id') всем партнёрам, чтобы они перестали доверять "
	    "старому ключу"));
	return (EX_OK);
}

static int
key_rotate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "overlap", required_argument, NULL, 'o' },
		{ "tls", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora key rotate [--overlap DAYS]\n"
	    "  a new signing key; peers accept changes by the old one made "
	    "within\n  DAYS (default 7, 0-365) after now, once they took in "
	    "the new card\n"
	    "       opora key rotate --tls\n"
	    "  the next TLS key, announced in the card; run again to switch "
	    "to it",
	    "использование: opora key rotate [--overlap ДНИ]\n"
	    "  новый ключ подписи; партнёры принимают изменения со старым, "
	    "сделанные\n  в течение ДНЕЙ (по умолчанию 7, 0-365), когда "
	    "примут новую карточку\n"
	    "       opora key rotate --tls\n"
	    "  следующий ключ TLS, объявленный в карточке; повторно — "
	    "перейти на него");
	struct node	*n;
	int64_t		 days = KEY_OVERLAP_DAYS;
	bool		 tls = false, overlap = false;
	int		 ch, rc;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'o':
			if (num_parse_str(optarg, 0, KEY_OVERLAP_MAX_DAYS,
			    &days) == -1) {
				cli_err("--overlap: 0..%d %s",
				    KEY_OVERLAP_MAX_DAYS, cli_tr("days",
				    "дней"));
				return (EX_USAGE);
			}
			overlap = true;
			break;
		case 't':
			tls = true;
			break;
		default:
			fprintf(ch == 'h' ? stdout : stderr, "%s\n", usage);
			return (ch == 'h' ? EX_OK : EX_USAGE);
		}
	}
	if (optind != argc || (tls && overlap)) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	if (cli_audit_change(n, "key rotate", tls ? "tls" : "signing") == -1)
		rc = EX_SOFTWARE;
	else if ((rc = tls ? rotate_tls(n) : rotate_signing(n, days)) !=
	    EX_OK)
		cli_audit_failed(n, "key rotate", tls ? "tls" : "signing");
	node_close(n);
	return (rc);
}

/* What key_list shows the keys with. */
struct key_list {
	const char	*own;		/* this node's key id */
	cJSON		*arr;		/* with --json, else NULL */
};

/* One key of 'opora key list'. */
static int
key_line(const struct store_key_row *k, void *arg)
{
	struct key_list	*kl = arg;
	cJSON		*o;
	const char	*kid, *region, *until, *since, *state, *label;
	char		 when[32];
	uint64_t	 v;

	kid = k->key_id;
	region = k->region;
	until = k->until;
	since = k->revoked_since;
	when[0] = '\0';
	if (since != NULL) {
		state = "revoked";
		if (hlc_parse(since, strlen(since), &v) == 0)
			card_time_format(v, when);
	} else if (!k->trusted)
		state = "untrusted";
	else if (until != NULL) {
		state = "until";
		if (hlc_parse(until, strlen(until), &v) == 0)
			card_time_format(v, when);
	} else if (strcmp(kid, kl->own) == 0)
		state = "current";
	else
		state = "valid";
	if (kl->arr != NULL) {
		if ((o = cJSON_CreateObject()) == NULL ||
		    !cJSON_AddItemToArray(kl->arr, o)) {
			cJSON_Delete(o);
			return (-1);
		}
		cJSON_AddStringToObject(o, "key_id", kid);
		cJSON_AddStringToObject(o, "region", region);
		cJSON_AddStringToObject(o, "state", state);
		if (when[0] != '\0')
			cJSON_AddStringToObject(o, strcmp(state,
			    "revoked") == 0 ? "since" : "until", when);
		return (0);
	}
	if (strcmp(state, "revoked") == 0)
		label = cli_tr("revoked since", "отозван с");
	else if (strcmp(state, "until") == 0)
		label = cli_tr("replaced; valid before",
		    "заменён; действует до");
	else if (strcmp(state, "untrusted") == 0)
		label = cli_tr("not trusted (no peer)",
		    "нет доверия (не партнёр)");
	else if (strcmp(state, "current") == 0)
		label = cli_tr("signs here", "подписывает здесь");
	else
		label = cli_tr("valid", "действует");
	printf("%-7s %s  %s%s%s\n", region, kid, label, when[0] ? " " : "",
	    when);
	return (0);
}

static int
key_list(int argc, char **argv)
{
	struct node	*n;
	struct key_list	 kl = { NULL, NULL };
	bool		 json = argc == 2 && strcmp(argv[1], "--json") == 0;
	int		 r, rc = EX_SOFTWARE;

	if (argc > 2 || (argc == 2 && !json)) {
		fprintf(stderr, "%s\n", cli_tr("usage: opora key list [--json]",
		    "использование: opora key list [--json]"));
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	kl.own = n->key_id;
	if (json && (kl.arr = cJSON_CreateArray()) == NULL)
		goto out;
	r = store_key_each(n->st, key_line, &kl);
	/* A list cut short by an error is not printed as if whole. */
	if (json && r == 0)
		cli_print_json(kl.arr);
	rc = r == 0 ? EX_OK : EX_SOFTWARE;
out:
	cJSON_Delete(kl.arr);
	node_close(n);
	return (rc);
}

int
cmd_key(int argc, char **argv)
{
	static const struct cli_sub subs[] = {
		{ "list", key_list },
		{ "revoke", key_revoke },
		{ "rotate", key_rotate },
		{ NULL, NULL }
	};

	return (cli_dispatch(argc, argv, subs, cli_tr(
	    "usage: opora key list [--json]\n"
	    "       opora key rotate [--overlap DAYS] | --tls\n"
	    "       opora key revoke KEYID --since TIME\n"
	    "  TIME: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ (UTC); see "
	    "docs/admin.md, \"Keys\"",
	    "использование: opora key list [--json]\n"
	    "       opora key rotate [--overlap ДНИ] | --tls\n"
	    "       opora key revoke КЛЮЧ --since ВРЕМЯ\n"
	    "  ВРЕМЯ: ГГГГ-ММ-ДД или ГГГГ-ММ-ДДTЧЧ:ММ:ССZ (UTC); см. "
	    "docs/admin.md, «Keys»")));
}
