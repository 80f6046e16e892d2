/*
 * conflict/access.h: who may do what on this node -- the access rules of
 * docs/privacy.md ("Who sees what") as one pure table (libc only).
 *
 * A person acts through an account with one role.  An action on a dossier
 * is judged by its scope: the dossier belongs to the account's own centre,
 * to another centre of the region, to another centre but the person gave a
 * reason ("break the glass"), or its custodian is another region (a former
 * custody, an offer not yet accepted).  Actions that touch no one dossier
 * (accounts, peers, the audit, ...) give the same answer in every scope.
 *
 * access_decide answers ACCESS_ALLOW, ACCESS_REASON (allowed, and the
 * reason given must be recorded in the audit) or ACCESS_DENY.  Nothing here
 * allocates or fails.
 */
#ifndef OPORA_ACCESS_H
#define OPORA_ACCESS_H

#include <stdbool.h>

enum access_role {
	ROLE_CURATOR,		/* the caseload of their centre */
	ROLE_SUPERVISOR,	/* every dossier of the region; decisions */
	ROLE_ADMIN,		/* accounts, peers, node health; no content */
	ROLE_AUDITOR,		/* the audit log; no content */
	ROLE_RESEARCHER,	/* statistics only */
	ROLE_COUNT
};

enum access_action {
	ACT_READ,	/* show, log, digest, list, find: dossier content */
	ACT_WRITE,	/* person, event, episode, consent, assessment */
	ACT_DECIDE,	/* transfers, conflicts, links, duplicates, assign */
	ACT_IMPORT,	/* import a register */
	ACT_TRANSPORT,	/* export, receive, backup, restore: whole logs */
	ACT_NODE,	/* peers, keys, researchers, status, verify, ... */
	ACT_ACCOUNTS,	/* opora user ... */
	ACT_AUDIT,	/* opora audit ... */
	ACT_STATS,	/* statistics queries */
	ACT_COUNT
};

enum access_scope {
	SCOPE_OWN,		/* the account's centre (or no dossier) */
	SCOPE_OTHER_CENTRE,	/* another centre of this region */
	SCOPE_GLASS,		/* another centre, with a reason given */
	SCOPE_OTHER_REGION,	/* custodian is another region */
	SCOPE_COUNT
};

enum access_answer {
	ACCESS_DENY,
	ACCESS_ALLOW,
	ACCESS_REASON	/* allowed with the reason recorded */
};

/* access_decide(role, action, scope): the table's answer; ACCESS_DENY for
 * any value out of range. */
enum access_answer access_decide(enum access_role role,
	    enum access_action action, enum access_scope scope);

/* access_any(role, action): whether role may do action in some scope. */
bool	 access_any(enum access_role role, enum access_action action);

/* access_dossier_action(action): whether action is judged per dossier
 * (its answer depends on the scope). */
bool	 access_dossier_action(enum access_action action);

/* Names as the CLI and the audit write them ("curator", "read", ...):
 * static strings; NULL out of range.  access_role_parse returns 0 with
 * the role in *r, or -1 for an unknown name. */
const char *access_role_name(enum access_role r);
const char *access_action_name(enum access_action a);
const char *access_scope_name(enum access_scope s);
int	 access_role_parse(const char *s, enum access_role *r);

#endif /* OPORA_ACCESS_H */
