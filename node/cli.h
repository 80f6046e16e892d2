/*
 * node/cli.h: the opora command line: global options, the command table,
 * and helpers every command family shares.
 *
 * Each command family lives in node/cmd_<family>.c and exports
 * cmd_<family>(argc, argv), where argv[0] is the command's own name.  They
 * return an exit code from <sysexits.h>.  Texts a person reads come in
 * English or Russian, following the locale (cli_tr).
 */
#ifndef OPORA_CLI_H
#define OPORA_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "conflict/access.h"
#include "conflict/dossier.h"
#include "node/account.h"
#include "node/card.h"
#include "node/store.h"
#include "protocol/change.h"

struct sqlite3_stmt;

struct node;

struct cli_env {
	const char	*dir;		/* --dir, OPORA_DIR, or the default */
	const char	*user;		/* --user, OPORA_USER, or the login */
	const char	*os_user;	/* who runs this process */
	const char	*reason;	/* --reason: break the glass */
	bool		 ru;		/* Russian texts */
	bool		 tty;		/* standard error is a terminal */
	bool		 need_acct;	/* the command acts as an account */
	enum access_action action;	/* what the command does */
	bool		 have_acct;	/* acct is the acting account */
	struct account	 acct;
	enum access_scope scope;	/* of the last dossier checked */
};
extern struct cli_env cli;

/*
 * A command that failed while SQLite reported the disk full exits with
 * CLI_EX_DISKFULL, outside the range of <sysexits.h> so that monitoring
 * can tell it from every other failure, and says so (docs/admin.md).
 */
#define CLI_EX_DISKFULL	79

/*
 * A command that failed while SQLite reported an I/O error on the node's
 * files (EIO from a read, a write or an fsync: the disk, not the data)
 * exits with EX_IOERR and says so, rather than blaming the configuration
 * or the data.  cli_io_failed() tells whether one was reported so far, in
 * any thread, so that a check (verify) gives no verdict on what it could
 * not read.
 */
bool	 cli_io_failed(void);

/* cli_main(argc, argv): the whole program. */
int	 cli_main(int argc, char **argv);

/* cli_tr(en, ru): the text for the reader's language (static strings). */
const char *cli_tr(const char *en, const char *ru);

/*
 * cli_n(n, en_one, en_many, ru_one, ru_few, ru_many): the noun that goes
 * after the count n in the reader's language (static strings): "1 change",
 * "2 changes"; "1 изменение", "2 изменения", "5 изменений", "21
 * изменение" (conflict/plural.h).
 */
const char *cli_n(uint64_t n, const char *en_one, const char *en_many,
	    const char *ru_one, const char *ru_few, const char *ru_many);

/* cli_err(fmt, ...): "opora: ..." on standard error, for a person. */
void	 cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* cli_print_json(j): j on one line on standard output.  Borrows j (NULL
 * prints nothing). */
void	 cli_print_json(const cJSON *j);

/* cli_open(): the node of cli.dir acting for cli.user, or NULL (told). */
struct node *cli_open(void);

/*
 * cli_dossier(n, arg, out): resolve a dossier named by its id or by an
 * unambiguous prefix of at least 4 characters.  0 and the full id in out,
 * or -1 after telling the person what was wrong.
 */
int	 cli_dossier(struct node *n, const char *arg, char out[37]);

/* cli_entry(d, t, arg): the id of the entry of table t named by arg (its
 * id or an unambiguous prefix), or NULL after telling what was wrong. */
const char *cli_entry(const struct dossier *d, enum dossier_table t,
	    const char *arg);

/* What cli_find_row says when an id is bad, ambiguous or unknown. */
struct cli_words {
	const char	*bad_en, *bad_ru;	/* "not a transfer id:" */
	const char	*many_en, *many_ru;	/* "more than one ... with" */
	const char	*none_en, *none_ru;	/* "no transfer" */
};

/*
 * cli_find_row(n, sql, arg, w, id, dossier): resolve an entry named by its
 * id, an unambiguous prefix of at least four characters, or the short form
 * "a1b2c3d4e5/0" the lists print, among the rows what names
 * (store_prefix_each).  0 and the full id and its dossier, or -1 after
 * telling the person with w's words (a database error is logged).
 */
int	 cli_find_row(struct node *n, enum store_prefix what, const char *arg,
	    const struct cli_words *w, char id[80], char dossier[37]);

/* A subcommand: its name and the function running it (argv[0] is the
 * subcommand's name). */
struct cli_sub {
	const char	*name;
	int		(*fn)(int, char **);
};

/* cli_dispatch(argc, argv, subs, usage): run the subcommand argv[1] names
 * (subs ends with a NULL name), or print usage (--help: on standard
 * output, exit 0; else on standard error, exit 64). */
int	 cli_dispatch(int argc, char **argv, const struct cli_sub *subs,
	    const char *usage);

/* cli_field_value(field, v, tmp, tmpsz): what a person typed for a card
 * field, in the form a change stores (SNILS digits only; "ж" -> "F");
 * tmp (the caller's) may hold the result. */
const char *cli_field_value(int field, const char *v, char *tmp,
	    size_t tmpsz);

/* cli_date_normal(v, out): a date typed as ДД.ММ.ГГГГ (DD.MM.YYYY) in
 * the form changes store, YYYY-MM-DD, in out; 0, or -1 when v is not of
 * that form (it may be YYYY-MM-DD already: the caller keeps it).  Only the
 * form is checked; cli_field_value applies it to every date field. */
int	 cli_date_normal(const char *v, char out[11]);

/* cli_why(why): a change-check reason without its "ops[N]." prefix. */
const char *cli_why(const char *why);

/* cli_reason(why, out, outsz): cli_why(why) in the reader's language (a
 * table of the checks' reasons; one not in it stays English), escaped
 * for a terminal (protocol/esc.h), in out (the caller's); returns out. */
const char *cli_reason(const char *why, char *out, size_t outsz);
/* cli_reason_made(why, out, outsz): as cli_reason, for a reason whose
 * outside words were escaped where it was made (the settings', node/node.c):
 * a backslash stays one, so they are not escaped twice. */
const char *cli_reason_made(const char *why, char *out, size_t outsz);
/* cli_reason_in(why, ru, out, outsz): the same in Russian when ru, else
 * in English, whatever the reader's language (the web API answers both). */
const char *cli_reason_in(const char *why, bool ru, char *out, size_t outsz);

/*
 * cli_author(n, id, ops, nops, what): load dossier id (or start it, when
 * ops[0] is person.create), make one change of ops in one transaction, and
 * print the new entry id (entry >= 0: "<change id>/<entry>"), the dossier
 * id (entry == -2) or the change id (entry == -1).  Returns an exit code.
 */
int	 cli_author(struct node *n, const char *id, const struct op *ops,
	    size_t nops, int entry, const char *what);

/*
 * cli_write(n, id, ops, nops, centre, e, dossier, cid, why, whysz): what
 * cli_author does, for any caller (the CLI, the browsers' API): in one
 * transaction load dossier id (or start it, for person.create), make the
 * change of ops, assign a new dossier to centre (NULL or "": none), and
 * append the audit entry e (borrowed; its dossiers and detail are set to
 * the dossier and the change id, with the legal ground of an erasure).  A
 * destination's decline also forgets the dossier (node/erase.h).  0 with
 * the dossier's id and the change id; CLI_WRITE_NODOSSIER;
 * CLI_WRITE_REFUSED with the reason in why; NODE_NOMEM; CLI_WRITE_IO (the
 * transaction failed); CLI_WRITE_AUDIT (the audit entry could not be
 * written, so nothing was); -1 (logged).
 */
#define CLI_WRITE_NODOSSIER	1
#define CLI_WRITE_REFUSED	2
#define CLI_WRITE_IO		(-3)
#define CLI_WRITE_AUDIT		(-4)
struct audit_entry;
int	 cli_write(struct node *n, const char *id, const struct op *ops,
	    size_t nops, const char *centre, struct audit_entry *e,
	    char dossier[37], char cid[CHANGE_ID_HEX + 1], char *why,
	    size_t whysz);

/*
 * The commands that record something in a dossier (node/cmd_record.c),
 * shared with the browsers' API (node/uiapi.c): cli_record_build(r, get,
 * arg, why, whysz) looks up the command r->family r->verb ("event",
 * "amend"), asks get(arg, flag, index) for the value of each of its flags
 * ("birth-date", ...; NULL: not given; the strings must outlive r), and
 * fills r->ops (whose strings point into them or into r->norm), r->nops,
 * r->ref (the table of the entry the command names, or DT_COUNT) and
 * r->print (cli_author's entry argument).  The caller sets
 * r->ops[0].arg[OA_REF] to the entry's id.  Returns 0; 1 for an unknown
 * command; -1 (a flag is missing, or person set names none) or -2 (not
 * UTF-8) with a reason for the person in why.
 */
#define CLI_RECORD_FLAGS	12
struct cli_record {
	const char		*family, *verb;
	struct op		 ops[PF_COUNT];
	size_t			 nops;
	enum dossier_table	 ref;
	int			 print;
	char			 norm[CLI_RECORD_FLAGS][16];
};
int	 cli_record_build(struct cli_record *r,
	    const char *(*get)(void *, const char *, size_t), void *arg,
	    char *why, size_t whysz);

/*
 * Accounts and access (node/cli_account.c; docs/privacy.md).
 *
 * cli_action(argc, argv, need): the action the command line argv (argv[0]
 *	the command) performs, and in *need whether it acts as an account
 *	(serve, sync, id, vectors, init and --help act as none).
 * cli_account_bind(n): make cli.user the acting account of n: it must name
 *	an enabled, unlocked account whose role may do cli.action somewhere
 *	(else the person is told, -1); n->user becomes its login.  With no
 *	account on the node yet, only 'user add' of an admin passes.  0 / -1.
 * cli_access_dossier(n, id): whether the account may do cli.action on
 *	dossier id (scope: its centre, --reason, its custodian), telling the
 *	person why not (-1); a read is audited first (-1 when it cannot be).
 * cli_may_read(n, id): whether the account may read id without a reason
 *	(for lists; nothing told).
 * cli_audit(n, action, dossiers, detail, in_tx): write an audit entry of
 *	the acting account (in the caller's transaction when in_tx, else in
 *	one of its own); dossiers (ids separated by one space) longer than
 *	one entry holds are split over as many entries as they need, all
 *	in one transaction.  0 / -1.
 */
int	 cli_action(int argc, char **argv, bool *need);
int	 cli_account_bind(struct node *n);
int	 cli_access_dossier(struct node *n, const char *id);
bool	 cli_may_read(struct node *n, const char *id);
int	 cli_audit(struct node *n, const char *action, const char *dossiers,
	    const char *detail, bool in_tx);
/* cli_audit_change(n, action, detail): record a change of the node's
 * own settings (keys, researchers, opora.conf) before it is made, in a
 * transaction of its own; when it cannot be recorded, say so (the change
 * is not made: the caller returns EX_SOFTWARE).  0 / -1. */
int	 cli_audit_change(struct node *n, const char *action,
	    const char *detail);
/* cli_audit_failed(n, action, detail): a change recorded by
 * cli_audit_change was not made after all: say so in the audit ("ACTION
 * failed"), as well as it can (its own failure is not reported). */
void	 cli_audit_failed(struct node *n, const char *action,
	    const char *detail);
/* cli_audit_entry(e, action, dossiers, detail): the entry cli_audit
 * writes, filled for the acting account (pointers borrowed from cli and
 * the arguments). */
void	 cli_audit_entry(struct audit_entry *e, const char *action,
	    const char *dossiers, const char *detail);

/*
 * cli_scope(n, acct, id, scope): the scope of dossier id for account acct
 * (docs/privacy.md): another region's when its custodian is not this
 * region, own when it is assigned to acct's centre, else another
 * centre's (a reason turns that into SCOPE_GLASS: the caller's part).
 * 0 / -1.
 */
int	 cli_scope(struct node *n, const struct account *acct, const char *id,
	    enum access_scope *scope);

/* cli_transfers_json(n, which): the transfers 'transfer list --json'
 * prints (which: 0 all of this region, 1 incoming, 2 outgoing), newest
 * first, as a new array for the caller; NULL (logged). */
cJSON	*cli_transfers_json(struct node *n, int which);

/* cli_conflicts_json(n, all): the conflicts 'conflicts list --json'
 * prints (all: closed ones too), as a new array for the caller; NULL
 * (logged).  cli_conflict_op(d, id, keep, op, norm): the operation that
 * resolves conflict id of dossier d keeping the value keep (a person
 * typed it; NULL: the winner's), its strings borrowed from d, keep and
 * norm (the caller's).  0; 1 when the conflict is no longer open; -1 when
 * d has no such conflict. */
cJSON	*cli_conflicts_json(struct node *n, bool all);
int	 cli_conflict_op(const struct dossier *d, const char *id,
	    const char *keep, struct op *op, char norm[16]);

/*
 * Possible duplicates (node/cmd_conflicts.c; docs/conflicts.md), shared
 * with the browsers' API.
 *
 * cli_duplicates_json(n, ids): the pairs 'duplicates --json' prints
 *	({dossier, other, same_snils, same_name}: not linked, not dismissed),
 *	as a new array for the caller, and in *ids (the caller frees) every
 *	id it names, separated by one space, for the audit the caller writes
 *	before showing them.  NULL (logged).
 * cli_dismiss(n, a, b, reason, by, e, pair): record that dossiers a and b
 *	are not the same person (by: the login stated it), with the audit
 *	entry e (borrowed; its dossiers become pair, "A B" in id order, the
 *	caller's) in one transaction.  0; 1 a bad reason (empty, over
 *	LIMIT_REASON, not UTF-8); 2 a and b are one dossier; -2 the audit
 *	entry could not be written, so nothing was; -1 (logged).
 * cli_undismiss(n, a, b, e, pair): withdraw that statement (a mistake:
 *	duplicates suggests the pair again), with the audit entry e as
 *	cli_dismiss.  0; 2 a and b are one dossier; 3 the pair was not
 *	dismissed; -2 the audit entry could not be written, so nothing was;
 *	-1 (logged).
 * cli_link_plan(n, d, write): which halves of the link between d[0] and
 *	d[1] this node writes (write[i]: the link in d[i], whose custodian
 *	it is): 0; or why none: 1 they are linked already, 2 this region has
 *	linked its half and waits for the other custodian, 3 neither dossier
 *	is this region's.
 */
cJSON	*cli_duplicates_json(struct node *n, char **ids);
int	 cli_dismiss(struct node *n, const char *a, const char *b,
	    const char *reason, const char *by, struct audit_entry *e,
	    char pair[80]);
int	 cli_undismiss(struct node *n, const char *a, const char *b,
	    struct audit_entry *e, char pair[80]);
int	 cli_link_plan(const struct node *n, struct dossier *const d[2],
	    bool write[2]);

/*
 * Peers (node/cmd_peer.c), shared with the browsers' API.
 *
 * cli_peer_add(n, text, len, e, pa): check the card text (borrowed; what
 *	'opora id' printed on the peer) as 'peer add' does — its form and
 *	signature, not this node's own region, and for a region already a
 *	peer a rotation chain from the key held here, none signed after a
 *	revocation — and record the peer, its keys, their ends and its
 *	revocations, with the audit entry e (borrowed; NULL: none) in one
 *	transaction.  pa (the caller's) holds the card and what the caller
 *	tells.  0; CLI_PEER_BADCARD (pa->why: card_check's reason, English);
 *	CLI_PEER_OWN; CLI_PEER_CHAIN (the key is not announced by pa->held);
 *	CLI_PEER_REVOKED (a rotation signed by pa->kid after its
 *	revocation); -2 the audit entry could not be written, so nothing
 *	was; -1 (logged).
 * cli_peer_remove(n, region, e): remove the peer and distrust its keys,
 *	with e (NULL: none) in one transaction.  0; 1 no such peer; -2; -1.
 */
#define CLI_PEER_BADCARD	1
#define CLI_PEER_OWN		2
#define CLI_PEER_CHAIN		3
#define CLI_PEER_REVOKED	4
struct cli_peer {
	struct card	 c;
	int		 from;		/* first new rotation */
	bool		 existed;	/* the region was a peer */
	char		 held[SIG_KEYID_LEN + 1];
	char		 kid[SIG_KEYID_LEN + 1];
	char		 why[256];
};
int	 cli_peer_add(struct node *n, const char *text, size_t len,
	    const struct audit_entry *e, struct cli_peer *pa);
int	 cli_peer_remove(struct node *n, const char *region,
	    const struct audit_entry *e);

/* cli_audit_json(n, dossier, user, since): the audit entries 'audit list
 * --json' prints, of dossier and of login user (NULL: any) from unix time
 * since on (-1: all), oldest first, as a new array; NULL (logged). */
cJSON	*cli_audit_json(struct node *n, const char *dossier, const char *user,
	    int64_t since);

/*
 * cli_json_dossiers(arr): the "dossier" members of arr's objects, each
 * once, sorted and separated by one space, as a new string for the
 * caller (free); NULL when out of memory.  cli_audit_json_list(n, action,
 * arr, detail): before the listing arr (borrowed) is shown, write its
 * dossiers in the audit as action (cli_audit, in a transaction of its
 * own).  0, or -1 after telling the person the listing is refused.
 */
char	*cli_json_dossiers(const cJSON *arr);
int	 cli_audit_json_list(struct node *n, const char *action,
	    const cJSON *arr, const char *detail);

/*
 * cli_audit_rows(n, s, cols, ncols, action, detail): before a listing is
 * shown, step s (borrowed) to its end collecting the dossier ids of
 * columns cols[0 .. ncols-1] of every row (a repeat of the id before it
 * once), write them in one audit entry of action (cli_audit, in its own
 * transaction) and reset s, its bindings kept, for the caller to step
 * again.  0, or -1 after telling the person the listing is refused.
 */
int	 cli_audit_rows(struct node *n, struct sqlite3_stmt *s,
	    const int *cols, int ncols, const char *action,
	    const char *detail);
/* cli_audit_all(n, action, detail): the same for every dossier of the
 * node (a backup, a restore).  0, or -1 after telling the person. */
int	 cli_audit_all(struct node *n, const char *action,
	    const char *detail);

/* Command families. */
int	 cmd_assign(int, char **);
int	 cmd_audit(int, char **);
int	 cmd_user(int, char **);
int	 cmd_assessment(int, char **);
int	 cmd_backup(int, char **);
int	 cmd_config(int, char **);
int	 cmd_conflicts(int, char **);
int	 cmd_consent(int, char **);
int	 cmd_digest(int, char **);
int	 cmd_duplicates(int, char **);
int	 cmd_episode(int, char **);
int	 cmd_event(int, char **);
int	 cmd_export(int, char **);
int	 cmd_find(int, char **);
int	 cmd_id(int, char **);
int	 cmd_import(int, char **);
int	 cmd_init(int, char **);
int	 cmd_key(int, char **);
int	 cmd_link(int, char **);
int	 cmd_list(int, char **);
int	 cmd_log(int, char **);
int	 cmd_peer(int, char **);
int	 cmd_person(int, char **);
int	 cmd_rebuild(int, char **);
int	 cmd_receive(int, char **);
int	 cmd_lost(int, char **);
int	 cmd_rejected(int, char **);
int	 cmd_researcher(int, char **);
int	 cmd_restore(int, char **);
int	 cmd_serve(int, char **);
int	 cmd_show(int, char **);
int	 cmd_stats(int, char **);
int	 cmd_status(int, char **);
int	 cmd_sync(int, char **);
int	 cmd_transfer(int, char **);
int	 cmd_unlink(int, char **);
int	 cmd_vectors(int, char **);
int	 cmd_verify(int, char **);

/*
 * Shared by node/cmd_key.c and 'opora peer' (node/cmd_peer.c):
 * cmd_key_revoke_peer(argc, argv) runs "revoke-key REGION KEYID --since
 * TIME"; cmd_key_held_after(n, key_id, since) prints the changes held here
 * that key_id signed with a clock at or after since (id, dossier, clock),
 * for an admin to act on: 0, or -1 on a database error.
 */
int	 cmd_key_revoke_peer(int, char **);
int	 cmd_key_held_after(struct node *n, const char *key_id,
	    uint64_t since);

#endif /* OPORA_CLI_H */
