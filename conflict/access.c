/*
 * conflict/access.c: the access table (docs/privacy.md, "Who sees what").
 */
#include <string.h>

#include "conflict/access.h"

#define D	ACCESS_DENY
#define A	ACCESS_ALLOW
#define R	ACCESS_REASON

/*
 * [role][action][scope], scopes in the order own centre, other centre,
 * break the glass, other region.  docs/privacy.md prints this table and
 * tests/unit/test_access.c checks every cell against its own copy of it.
 * A curator reads and writes their centre's dossiers, and another centre's
 * only with a reason; a supervisor reads every dossier held here (also a
 * former or offered one, to decide on it) and decides; an admin, an
 * auditor and a researcher never see a dossier.
 */
static const unsigned char table[ROLE_COUNT][ACT_COUNT][SCOPE_COUNT] = {
	[ROLE_CURATOR] = {
		[ACT_READ] =		{ A, D, R, D },
		[ACT_WRITE] =		{ A, D, R, D },
		[ACT_DECIDE] =		{ D, D, D, D },
		[ACT_IMPORT] =		{ D, D, D, D },
		[ACT_TRANSPORT] =	{ D, D, D, D },
		[ACT_NODE] =		{ D, D, D, D },
		[ACT_ACCOUNTS] =	{ D, D, D, D },
		[ACT_AUDIT] =		{ D, D, D, D },
		[ACT_STATS] =		{ D, D, D, D },
	},
	[ROLE_SUPERVISOR] = {
		[ACT_READ] =		{ A, A, A, A },
		[ACT_WRITE] =		{ A, A, A, A },
		[ACT_DECIDE] =		{ A, A, A, A },
		[ACT_IMPORT] =		{ A, A, A, A },
		[ACT_TRANSPORT] =	{ D, D, D, D },
		[ACT_NODE] =		{ D, D, D, D },
		[ACT_ACCOUNTS] =	{ D, D, D, D },
		[ACT_AUDIT] =		{ D, D, D, D },
		[ACT_STATS] =		{ D, D, D, D },
	},
	[ROLE_ADMIN] = {
		[ACT_READ] =		{ D, D, D, D },
		[ACT_WRITE] =		{ D, D, D, D },
		[ACT_DECIDE] =		{ D, D, D, D },
		[ACT_IMPORT] =		{ D, D, D, D },
		[ACT_TRANSPORT] =	{ A, A, A, A },
		[ACT_NODE] =		{ A, A, A, A },
		[ACT_ACCOUNTS] =	{ A, A, A, A },
		[ACT_AUDIT] =		{ D, D, D, D },
		[ACT_STATS] =		{ A, A, A, A },
	},
	[ROLE_AUDITOR] = {
		[ACT_READ] =		{ D, D, D, D },
		[ACT_WRITE] =		{ D, D, D, D },
		[ACT_DECIDE] =		{ D, D, D, D },
		[ACT_IMPORT] =		{ D, D, D, D },
		[ACT_TRANSPORT] =	{ D, D, D, D },
		[ACT_NODE] =		{ D, D, D, D },
		[ACT_ACCOUNTS] =	{ D, D, D, D },
		[ACT_AUDIT] =		{ A, A, A, A },
		[ACT_STATS] =		{ D, D, D, D },
	},
	[ROLE_RESEARCHER] = {
		[ACT_READ] =		{ D, D, D, D },
		[ACT_WRITE] =		{ D, D, D, D },
		[ACT_DECIDE] =		{ D, D, D, D },
		[ACT_IMPORT] =		{ D, D, D, D },
		[ACT_TRANSPORT] =	{ D, D, D, D },
		[ACT_NODE] =		{ D, D, D, D },
		[ACT_ACCOUNTS] =	{ D, D, D, D },
		[ACT_AUDIT] =		{ D, D, D, D },
		[ACT_STATS] =		{ A, A, A, A },
	},
};

static const char *const role_names[ROLE_COUNT] = {
	"curator", "supervisor", "admin", "auditor", "researcher"
};
static const char *const action_names[ACT_COUNT] = {
	"read", "write", "decide", "import", "transport", "node", "accounts",
	"audit", "stats"
};
static const char *const scope_names[SCOPE_COUNT] = {
	"own-centre", "other-centre", "break-the-glass", "other-region"
};

enum access_answer
access_decide(enum access_role role, enum access_action action,
    enum access_scope scope)
{
	if ((unsigned)role >= ROLE_COUNT || (unsigned)action >= ACT_COUNT ||
	    (unsigned)scope >= SCOPE_COUNT)
		return (ACCESS_DENY);
	return ((enum access_answer)table[role][action][scope]);
}

bool
access_any(enum access_role role, enum access_action action)
{
	int	 s;

	for (s = 0; s < SCOPE_COUNT; s++)
		if (access_decide(role, action, (enum access_scope)s) !=
		    ACCESS_DENY)
			return (true);
	return (false);
}

bool
access_dossier_action(enum access_action action)
{
	return (action == ACT_READ || action == ACT_WRITE ||
	    action == ACT_DECIDE);
}

const char *
access_role_name(enum access_role r)
{
	return ((unsigned)r < ROLE_COUNT ? role_names[r] : NULL);
}

const char *
access_action_name(enum access_action a)
{
	return ((unsigned)a < ACT_COUNT ? action_names[a] : NULL);
}

const char *
access_scope_name(enum access_scope s)
{
	return ((unsigned)s < SCOPE_COUNT ? scope_names[s] : NULL);
}

int
access_role_parse(const char *s, enum access_role *r)
{
	int	 i;

	for (i = 0; i < ROLE_COUNT; i++)
		if (strcmp(s, role_names[i]) == 0) {
			*r = (enum access_role)i;
			return (0);
		}
	return (-1);
}
