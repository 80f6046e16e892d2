/*
 * protocol/change.c: checking, parsing and encoding changes.  See change.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "conflict/hlc.h"
#include "protocol/change.h"
#include "protocol/digest.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

/* How a value is checked. */
enum vkind {
	V_NAME, V_SHORT, V_LONG, V_REASON, V_DATE, V_BIRTH, V_GRADUATED,
	V_SEX, V_SNILS, V_PHONE, V_EMAIL, V_REF, V_EVTYPE, V_HOUSING,
	V_EDUCATION, V_EMPLOYMENT, V_FAMILY, V_SCOPE, V_FIELD, V_VALUE,
	V_REGION, V_UUID, V_YEAR, V_COUNT
};

#define SLOT_PERSON	100	/* slot >= this: a person field */

struct argdef {
	const char	*key;
	int		 slot;		/* an op_arg, or SLOT_PERSON + field */
	bool		 required;
	enum vkind	 v;
};

#define MAXARGS	12
struct opdef {
	enum op_kind	 kind;
	struct argdef	 args[MAXARGS];	/* ends at key == NULL */
};

static const enum vkind person_vkind[PF_COUNT] = {
	[PF_SURNAME] = V_NAME, [PF_NAME] = V_NAME, [PF_PATRONYMIC] = V_NAME,
	[PF_BIRTH_DATE] = V_BIRTH, [PF_SEX] = V_SEX, [PF_SNILS] = V_SNILS,
	[PF_INSTITUTION] = V_SHORT, [PF_GRADUATED] = V_GRADUATED,
	[PF_PHONE] = V_PHONE, [PF_EMAIL] = V_EMAIL, [PF_ADDRESS] = V_SHORT,
};

/* Fields every card has; the others may be cleared with "". */
static const bool person_required[PF_COUNT] = {
	[PF_SURNAME] = true, [PF_NAME] = true, [PF_BIRTH_DATE] = true,
	[PF_SEX] = true,
};

#define P(f)	(SLOT_PERSON + (f))
static const struct opdef opdefs[] = {
	{ OP_PERSON_CREATE, {
	    { "address", P(PF_ADDRESS), false, V_SHORT },
	    { "birth_date", P(PF_BIRTH_DATE), true, V_BIRTH },
	    { "email", P(PF_EMAIL), false, V_EMAIL },
	    { "graduated", P(PF_GRADUATED), false, V_GRADUATED },
	    { "institution", P(PF_INSTITUTION), false, V_SHORT },
	    { "name", P(PF_NAME), true, V_NAME },
	    { "patronymic", P(PF_PATRONYMIC), false, V_NAME },
	    { "phone", P(PF_PHONE), false, V_PHONE },
	    { "sex", P(PF_SEX), true, V_SEX },
	    { "snils", P(PF_SNILS), false, V_SNILS },
	    { "surname", P(PF_SURNAME), true, V_NAME } } },
	{ OP_PERSON_SET, {
	    { "field", OA_FIELD, true, V_FIELD },
	    { "value", OA_VALUE, true, V_VALUE } } },
	{ OP_EPISODE_OPEN, {
	    { "centre", OA_CENTRE, true, V_SHORT },
	    { "curator", OA_CURATOR, true, V_SHORT },
	    { "date", OA_DATE, true, V_DATE } } },
	{ OP_EPISODE_CLOSE, {
	    { "date", OA_DATE, true, V_DATE },
	    { "episode", OA_REF, true, V_REF },
	    { "reason", OA_REASON, false, V_REASON } } },
	{ OP_EVENT_ADD, {
	    { "date", OA_DATE, true, V_DATE },
	    { "text", OA_TEXT, true, V_LONG },
	    { "type", OA_TYPE, true, V_EVTYPE } } },
	{ OP_EVENT_AMEND, {
	    { "date", OA_DATE, false, V_DATE },
	    { "event", OA_REF, true, V_REF },
	    { "text", OA_TEXT, false, V_LONG },
	    { "type", OA_TYPE, false, V_EVTYPE } } },
	{ OP_EVENT_RETRACT, {
	    { "event", OA_REF, true, V_REF },
	    { "reason", OA_REASON, true, V_REASON } } },
	{ OP_ASSESSMENT_ADD, {
	    { "date", OA_DATE, true, V_DATE },
	    { "education", OA_EDUCATION, false, V_EDUCATION },
	    { "employment", OA_EMPLOYMENT, false, V_EMPLOYMENT },
	    { "family", OA_FAMILY, false, V_FAMILY },
	    { "housing", OA_HOUSING, false, V_HOUSING } } },
	{ OP_CONSENT_ADD, {
	    { "date", OA_DATE, true, V_DATE },
	    { "document", OA_DOCUMENT, true, V_SHORT },
	    { "scope", OA_SCOPE, true, V_SCOPE } } },
	{ OP_CONSENT_WITHDRAW, {
	    { "consent", OA_REF, true, V_REF },
	    { "date", OA_DATE, true, V_DATE } } },
	/* The summary (birth_year ... surname) is all a destination sees
	 * until it accepts (section 9, "Entitlement"); an offer made before
	 * protocol 2.1 has none of it. */
	{ OP_TRANSFER_OFFER, {
	    { "birth_year", OA_BIRTH_YEAR, false, V_YEAR },
	    { "centre", OA_CENTRE, false, V_SHORT },
	    { "entries", OA_ENTRIES, false, V_COUNT },
	    { "name", OA_NAME, false, V_NAME },
	    { "patronymic", OA_PATRONYMIC, false, V_NAME },
	    { "reason", OA_REASON, true, V_REASON },
	    { "surname", OA_SURNAME, false, V_NAME },
	    { "to", OA_TO, true, V_REGION } } },
	{ OP_TRANSFER_ACCEPT, {
	    { "offer", OA_REF, true, V_REF } } },
	{ OP_TRANSFER_DECLINE, {
	    { "offer", OA_REF, true, V_REF },
	    { "reason", OA_REASON, true, V_REASON } } },
	{ OP_TRANSFER_CANCEL, {
	    { "offer", OA_REF, true, V_REF } } },
	{ OP_CONFLICT_RESOLVE, {
	    { "conflict", OA_REF, true, V_REF },
	    { "field", OA_FIELD, true, V_FIELD },
	    { "value", OA_VALUE, true, V_VALUE } } },
	{ OP_PERSON_LINK, {
	    { "other", OA_OTHER, true, V_UUID },
	    { "reason", OA_REASON, true, V_REASON } } },
	{ OP_PERSON_UNLINK, {
	    { "link", OA_REF, true, V_REF },
	    { "reason", OA_REASON, true, V_REASON } } },
	{ OP_PERSON_ERASE, {
	    { "ground", OA_REASON, true, V_REASON } } },
	{ OP_EPISODE_AMEND, {
	    { "centre", OA_CENTRE, false, V_SHORT },
	    { "curator", OA_CURATOR, false, V_SHORT },
	    { "date", OA_DATE, false, V_DATE },
	    { "episode", OA_REF, true, V_REF } } },
	{ OP_ASSESSMENT_AMEND, {
	    { "assessment", OA_REF, true, V_REF },
	    { "date", OA_DATE, false, V_DATE },
	    { "education", OA_EDUCATION, false, V_EDUCATION },
	    { "employment", OA_EMPLOYMENT, false, V_EMPLOYMENT },
	    { "family", OA_FAMILY, false, V_FAMILY },
	    { "housing", OA_HOUSING, false, V_HOUSING } } },
	{ OP_CONSENT_AMEND, {
	    { "consent", OA_REF, true, V_REF },
	    { "date", OA_DATE, false, V_DATE },
	    { "document", OA_DOCUMENT, false, V_SHORT } } },
};
#undef P

#define MS_PER_DAY	86400000ULL

struct vctx {
	char		*why;
	size_t		 whysz;
	int64_t		 today;		/* the change's own day, from its HLC */
	int		 field;		/* person.set: the field being set */
};

static int
fail(struct vctx *vc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int
fail(struct vctx *vc, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(vc->why, vc->whysz, fmt, ap);
	va_end(ap);
	return (-1);
}

int
change_ref_valid(const char *s)
{
	size_t	 n = strlen(s), i;
	long	 idx = 0;

	if (n < CHANGE_ID_HEX + 2 || s[CHANGE_ID_HEX] != '/' ||
	    !fields_hex_valid(s, CHANGE_ID_HEX, CHANGE_ID_HEX))
		return (0);
	i = CHANGE_ID_HEX + 1;
	if (n - i > 3 || (s[i] == '0' && n - i > 1))
		return (0);
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (0);
		idx = idx * 10 + (s[i] - '0');
	}
	return (idx < LIMIT_OPS_PER_CHANGE);
}

static int
check_enum(struct vctx *vc, const char *path, const struct fields_enum *list,
    const char *s)
{
	if (fields_enum_find(list, s, strlen(s)) == NULL)
		return (fail(vc, "%s: \"%.40s\" is not one of the allowed "
		    "values", path, s));
	return (0);
}

/* Check the date s; it may lie at most ahead days after the change's day. */
static int
check_date(struct vctx *vc, const char *path, const char *s, int64_t ahead)
{
	int	 y, m, d;
	int64_t	 days;

	if (fields_date_parse(s, strlen(s), &y, &m, &d) == -1)
		return (fail(vc, "%s: \"%.20s\" is not a real date "
		    "(YYYY-MM-DD)", path, s));
	days = fields_days_from_civil(y, m, d);
	if (days > vc->today + ahead)
		return (fail(vc, "%s: %s is in the future", path, s));
	return (0);
}

/* Whether s[0..n) is only ASCII digits. */
static bool
num_digits(const char *s, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return (false);
	return (true);
}

static int
check_value(struct vctx *vc, const char *path, enum vkind v, const char *s)
{
	size_t	 n = strlen(s);
	int	 f;

	switch (v) {
	case V_NAME:
		if (!fields_text_valid(s, n, LIMIT_NAME, false))
			goto badtext;
		return (0);
	case V_SHORT:
		if (!fields_text_valid(s, n, LIMIT_SHORT_TEXT, false))
			goto badtext;
		return (0);
	case V_LONG:
		if (!fields_text_valid(s, n, LIMIT_TEXT, true))
			goto badtext;
		return (0);
	case V_REASON:
		if (!fields_text_valid(s, n, LIMIT_REASON, true))
			goto badtext;
		return (0);
	case V_DATE:
		/* One day's grace for time zones east of the author. */
		return (check_date(vc, path, s, 1));
	case V_BIRTH:
		return (check_date(vc, path, s, 0));
	case V_GRADUATED:
		/* Graduation may be recorded up to a year ahead. */
		return (check_date(vc, path, s, 366));
	case V_SEX:
		return (check_enum(vc, path, fields_sex, s));
	case V_SNILS:
		if (!fields_snils_valid(s, n))
			return (fail(vc, "%s: not a valid SNILS (11 digits "
			    "with a correct check number)", path));
		return (0);
	case V_PHONE:
		if (!fields_phone_valid(s, n))
			return (fail(vc, "%s: not a phone number", path));
		return (0);
	case V_EMAIL:
		if (!fields_email_valid(s, n))
			return (fail(vc, "%s: not an e-mail address", path));
		return (0);
	case V_REF:
		if (!change_ref_valid(s))
			return (fail(vc, "%s: not an entry id "
			    "(<change id>/<number>)", path));
		return (0);
	case V_EVTYPE:
		return (check_enum(vc, path, fields_event_types, s));
	case V_HOUSING:
		return (check_enum(vc, path, fields_housing, s));
	case V_EDUCATION:
		return (check_enum(vc, path, fields_education, s));
	case V_EMPLOYMENT:
		return (check_enum(vc, path, fields_employment, s));
	case V_FAMILY:
		return (check_enum(vc, path, fields_family, s));
	case V_SCOPE:
		return (check_enum(vc, path, fields_consent_scopes, s));
	case V_REGION:
		if (!fields_region_valid(s, n))
			return (fail(vc, "%s: \"%.20s\" is not a region code",
			    path, s));
		return (0);
	case V_YEAR:
		if (n != 4 || s[0] < '1' || s[0] > '2' || !num_digits(s, n) ||
		    (s[0] == '1' && s[1] != '9'))
			return (fail(vc, "%s: not a year from 1900 to 2999",
			    path));
		return (0);
	case V_COUNT:
		if (n == 0 || n > 7 || !num_digits(s, n) ||
		    (s[0] == '0' && n > 1))
			return (fail(vc, "%s: not a whole number from 0 to "
			    "9999999 (no leading zero)", path));
		return (0);
	case V_UUID:
		if (!fields_uuid_valid(s, n))
			return (fail(vc, "%s: not a dossier id (a lowercase "
			    "UUID)", path));
		return (0);
	case V_FIELD:
		if ((vc->field = op_field_find(s)) == -1)
			return (fail(vc, "%s: \"%.40s\" is not a field of the "
			    "person card", path, s));
		return (0);
	case V_VALUE:
		/* "field" sorts before "value", so it has been read by now. */
		if ((f = vc->field) < 0 || f >= PF_COUNT)
			return (fail(vc, "%s: needs \"field\"", path));
		if (n == 0) {
			if (person_required[f])
				return (fail(vc, "%s: %s cannot be cleared",
				    path, op_field_name(f)));
			return (0);
		}
		return (check_value(vc, path, person_vkind[f], s));
	}
badtext:
	return (fail(vc, "%s: empty, too long, not UTF-8, or holds control "
	    "characters", path));
}

static const struct opdef *
opdef_find(enum op_kind k)
{
	size_t	 i;

	for (i = 0; i < sizeof(opdefs) / sizeof(opdefs[0]); i++)
		if (opdefs[i].kind == k)
			return (&opdefs[i]);
	return (NULL);
}

static int
decode_op(struct vctx *vc, size_t idx, const cJSON *o, struct op *op)
{
	const struct opdef	*def;
	const struct argdef	*ad;
	const cJSON		*m, *kind;
	char			 path[96];

	if (!cJSON_IsObject(o))
		return (fail(vc, "ops[%zu]: not an object", idx));
	kind = cJSON_GetObjectItemCaseSensitive(o, "op");
	if (!cJSON_IsString(kind))
		return (fail(vc, "ops[%zu].op: missing or not a string", idx));
	op->kind = op_kind_find(kind->valuestring);
	op->field = -1;
	if ((def = opdef_find(op->kind)) == NULL)
		return (fail(vc, "ops[%zu].op: unknown operation \"%.40s\"",
		    idx, kind->valuestring));
	vc->field = -1;
	if ((op->kind == OP_PERSON_SET || op->kind == OP_CONFLICT_RESOLVE) &&
	    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(o, "field")))
		return (fail(vc, "ops[%zu]: %s needs \"field\"", idx,
		    op_kind_name(op->kind)));
	/* Members are sorted (canonical), and "field" sorts before "value". */
	for (m = o->child; m != NULL; m = m->next) {
		if (strcmp(m->string, "op") == 0)
			continue;
		for (ad = def->args; ad->key != NULL; ad++)
			if (strcmp(ad->key, m->string) == 0)
				break;
		if (ad->key == NULL)
			return (fail(vc, "ops[%zu]: %s has no member \"%.40s\"",
			    idx, op_kind_name(op->kind), m->string));
		snprintf(path, sizeof(path), "ops[%zu].%s", idx, ad->key);
		if (!cJSON_IsString(m))
			return (fail(vc, "%s: not a string", path));
		if (ad->v != V_VALUE && m->valuestring[0] == '\0')
			return (fail(vc, "%s: empty", path));
		if (check_value(vc, path, ad->v, m->valuestring) == -1)
			return (-1);
		if (ad->slot >= SLOT_PERSON)
			op->person[ad->slot - SLOT_PERSON] = m->valuestring;
		else
			op->arg[ad->slot] = m->valuestring;
	}
	for (ad = def->args; ad->key != NULL; ad++) {
		if (!ad->required)
			continue;
		if (ad->slot >= SLOT_PERSON ? op->person[ad->slot -
		    SLOT_PERSON] == NULL : op->arg[ad->slot] == NULL)
			return (fail(vc, "ops[%zu]: %s needs \"%s\"", idx,
			    op_kind_name(op->kind), ad->key));
	}
	op->field = vc->field;
	if (op->kind == OP_EVENT_AMEND && op->arg[OA_DATE] == NULL &&
	    op->arg[OA_TYPE] == NULL && op->arg[OA_TEXT] == NULL)
		return (fail(vc, "ops[%zu]: event.amend changes nothing", idx));
	/* A correction names at least one member to correct. */
	if ((op->kind == OP_EPISODE_AMEND && op->arg[OA_CENTRE] == NULL &&
	    op->arg[OA_CURATOR] == NULL && op->arg[OA_DATE] == NULL) ||
	    (op->kind == OP_ASSESSMENT_AMEND && op->arg[OA_DATE] == NULL &&
	    op->arg[OA_HOUSING] == NULL && op->arg[OA_EDUCATION] == NULL &&
	    op->arg[OA_EMPLOYMENT] == NULL && op->arg[OA_FAMILY] == NULL) ||
	    (op->kind == OP_CONSENT_AMEND && op->arg[OA_DATE] == NULL &&
	    op->arg[OA_DOCUMENT] == NULL))
		return (fail(vc, "ops[%zu]: %s changes nothing", idx,
		    op_kind_name(op->kind)));
	if (op->kind == OP_ASSESSMENT_ADD && op->arg[OA_HOUSING] == NULL &&
	    op->arg[OA_EDUCATION] == NULL && op->arg[OA_EMPLOYMENT] == NULL &&
	    op->arg[OA_FAMILY] == NULL)
		return (fail(vc, "ops[%zu]: assessment.add assesses nothing",
		    idx));
	/* An offer's summary comes whole or not at all (an offer made
	 * before protocol 2.1); its patronymic only where the card has one. */
	if (op->kind == OP_TRANSFER_OFFER && !((op->arg[OA_SURNAME] == NULL &&
	    op->arg[OA_NAME] == NULL && op->arg[OA_PATRONYMIC] == NULL &&
	    op->arg[OA_BIRTH_YEAR] == NULL && op->arg[OA_ENTRIES] == NULL &&
	    op->arg[OA_CENTRE] == NULL) || (op->arg[OA_SURNAME] != NULL &&
	    op->arg[OA_NAME] != NULL && op->arg[OA_BIRTH_YEAR] != NULL &&
	    op->arg[OA_ENTRIES] != NULL && op->arg[OA_CENTRE] != NULL)))
		return (fail(vc, "ops[%zu]: transfer.offer's summary needs "
		    "surname, name, birth_year, entries and centre together",
		    idx));
	return (0);
}

static const char *const change_members[] = {
	"dossier", "hlc", "key", "ops", "parents", "region", "user", "v", NULL
};

static int
decode_header(struct vctx *vc, struct change *c)
{
	const cJSON	*t = c->tree, *m;
	const char	*s;
	int64_t		 v;
	size_t		 i;
	int		 nmem = 0;

	if (!cJSON_IsObject(t))
		return (fail(vc, "a change must be a JSON object"));
	for (m = t->child; m != NULL; m = m->next, nmem++) {
		for (i = 0; change_members[i] != NULL; i++)
			if (strcmp(change_members[i], m->string) == 0)
				break;
		if (change_members[i] == NULL)
			return (fail(vc, "unknown member \"%.40s\"",
			    m->string));
	}
	for (i = 0; change_members[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(t,
		    change_members[i]) == NULL)
			return (fail(vc, "missing member \"%s\"",
			    change_members[i]));
	if (jcs_int(cJSON_GetObjectItemCaseSensitive(t, "v"), &v) == -1 ||
	    (v != 1 && v != 2))
		return (fail(vc, "v: this node reads versions 1 and 2 only"));
	c->v = (int)v;

#define STRMEMBER(name) \
	((m = cJSON_GetObjectItemCaseSensitive(t, name)) != NULL && \
	 cJSON_IsString(m) ? m->valuestring : NULL)
	if ((s = STRMEMBER("dossier")) == NULL ||
	    !fields_uuid_valid(s, strlen(s)))
		return (fail(vc, "dossier: not a lowercase UUID"));
	memcpy(c->dossier, s, 37);
	if ((s = STRMEMBER("hlc")) == NULL ||
	    hlc_parse(s, strlen(s), &c->hlc) == -1)
		return (fail(vc, "hlc: not 16 lowercase hex digits"));
	if ((s = STRMEMBER("key")) == NULL || !fields_hex_valid(s, strlen(s),
	    16))
		return (fail(vc, "key: not a key id (16 lowercase hex "
		    "digits)"));
	memcpy(c->key, s, 17);
	if ((s = STRMEMBER("region")) == NULL ||
	    !fields_region_valid(s, strlen(s)) || strlen(s) >= sizeof(c->region))
		return (fail(vc, "region: not a known region code"));
	memcpy(c->region, s, strlen(s) + 1);
	if ((s = STRMEMBER("user")) == NULL ||
	    !fields_text_valid(s, strlen(s), LIMIT_USER, false))
		return (fail(vc, "user: empty, too long or not plain text"));
	c->user = s;
#undef STRMEMBER
	vc->today = (int64_t)(hlc_ms(c->hlc) / MS_PER_DAY);
	return (0);
}

static int
decode_parents(struct vctx *vc, struct change *c)
{
	const cJSON	*p = cJSON_GetObjectItemCaseSensitive(c->tree,
			    "parents"), *e;
	size_t		 n;

	if (!cJSON_IsArray(p))
		return (fail(vc, "parents: not an array"));
	n = (size_t)cJSON_GetArraySize(p);
	if (n > LIMIT_PARENTS)
		return (fail(vc, "parents: more than %d", LIMIT_PARENTS));
	if (n > 0 && (c->parents = calloc(n, sizeof(*c->parents))) == NULL) {
		fail(vc, "out of memory");
		return (CHANGE_NOMEM);
	}
	for (e = p->child; e != NULL; e = e->next) {
		if (!cJSON_IsString(e) || !fields_hex_valid(e->valuestring,
		    strlen(e->valuestring), CHANGE_ID_HEX))
			return (fail(vc, "parents[%zu]: not a change id",
			    c->nparents));
		if (c->nparents > 0 && strcmp(c->parents[c->nparents - 1],
		    e->valuestring) >= 0)
			return (fail(vc, "parents: not sorted, or repeated"));
		memcpy(c->parents[c->nparents++], e->valuestring,
		    CHANGE_ID_HEX + 1);
	}
	return (0);
}

static int
decode_ops(struct vctx *vc, struct change *c)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(c->tree, "ops"),
			*e;
	size_t		 n, i;

	if (!cJSON_IsArray(a))
		return (fail(vc, "ops: not an array"));
	n = (size_t)cJSON_GetArraySize(a);
	if (n == 0 || n > LIMIT_OPS_PER_CHANGE)
		return (fail(vc, "ops: must hold 1 to %d operations",
		    LIMIT_OPS_PER_CHANGE));
	if ((c->ops = calloc(n, sizeof(*c->ops))) == NULL) {
		fail(vc, "out of memory");
		return (CHANGE_NOMEM);
	}
	for (i = 0, e = a->child; e != NULL; e = e->next, i++) {
		if (decode_op(vc, i, e, &c->ops[i]) == -1)
			return (-1);
		c->nops++;
		if (c->ops[i].kind == OP_PERSON_CREATE &&
		    (i != 0 || c->nparents != 0))
			return (fail(vc, "ops[%zu]: person.create may only "
			    "open a dossier (first operation, no parents)", i));
	}
	if (c->nparents == 0 && c->ops[0].kind != OP_PERSON_CREATE)
		return (fail(vc, "a change without parents must begin with "
		    "person.create"));
	/* A tombstone is one operation alone: nothing else is ever read
	 * from a change whose dossier it erases (docs/protocol.md, §4). */
	for (i = 0; i < c->nops; i++)
		if (c->ops[i].kind == OP_PERSON_ERASE && c->nops != 1)
			return (fail(vc, "ops[%zu]: person.erase must be the "
			    "only operation of its change", i));
	return (0);
}

void
change_id(const void *p, size_t len, char out[CHANGE_ID_HEX + 1])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 md[SHA256_DIGEST_LENGTH];
	int			 i;

	digest_sha256(p, len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[CHANGE_ID_HEX] = '\0';
}

void
change_dossier_id(const char *region, const char key[17], uint64_t hlc,
    char out[37])
{
	static const char	 hex[] = "0123456789abcdef";
	uint8_t			 md[SHA256_DIGEST_LENGTH];
	char			 h[17], msg[128];
	int			 i, o = 0, n;

	hlc_format(hlc, h);
	/* A region code is at most 15 bytes (fields_region_valid). */
	n = snprintf(msg, sizeof(msg), "%s%.15s\n%.16s\n%s",
	    CHANGE_DOSSIER_PREFIX, region, key, h);
	digest_sha256(msg, (size_t)n, md);
	md[6] = (uint8_t)((md[6] & 0x0f) | 0x80);	/* version 8 */
	md[8] = (uint8_t)((md[8] & 0x3f) | 0x80);	/* variant 10 */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[md[i] >> 4];
		out[o++] = hex[md[i] & 0xf];
	}
	out[o] = '\0';
}

/* A version 2 first change names the dossier derived from it. */
static int
check_binding(struct vctx *vc, const struct change *c)
{
	char	 want[37];

	if (c->v < 2 || c->nparents > 0)
		return (0);
	change_dossier_id(c->region, c->key, c->hlc, want);
	if (strcmp(want, c->dossier) != 0)
		return (fail(vc, "dossier: a first change must name the "
		    "dossier id derived from its region, key and clock (%s)",
		    want));
	return (0);
}

/* fill_meta(c): c's meta, pointing into c. */
static void
fill_meta(struct change *c)
{
	c->meta.id = c->id;
	c->meta.hlc = c->hlc;
	c->meta.key = c->key;
	c->meta.region = c->region;
	c->meta.user = c->user;
	c->meta.parents = (const char (*)[65])c->parents;
	c->meta.nparents = c->nparents;
}

int
change_decode(const void *p, size_t len, struct change **out, char *why,
    size_t whysz)
{
	struct vctx	 vc = { why, whysz, 0, -1 };
	struct change	*c;
	const char	*w = NULL;
	int		 rc = CHANGE_BAD;

	*out = NULL;
	if (len > LIMIT_CHANGE_BYTES)
		return (fail(&vc, "the change is larger than %d bytes",
		    LIMIT_CHANGE_BYTES));
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fail(&vc, "out of memory");
		return (CHANGE_NOMEM);
	}
	if ((c->tree = jcs_parse(p, len, &w)) == NULL) {
		fail(&vc, "%s", w);
		if (jcs_why_nomem(w))
			rc = CHANGE_NOMEM;
		goto bad;
	}
	if (decode_header(&vc, c) == -1 || (rc = decode_parents(&vc,
	    c)) != 0 || check_binding(&vc, c) == -1 || (rc = decode_ops(&vc,
	    c)) != 0) {
		if (rc == 0)
			rc = CHANGE_BAD;
		goto bad;
	}
	change_id(p, len, c->id);
	fill_meta(c);
	*out = c;
	return (0);
bad:
	change_free(c);
	return (rc);
}

void
change_free(struct change *c)
{
	if (c == NULL)
		return;
	cJSON_Delete(c->tree);
	free(c->parents);
	free(c->ops);
	free(c);
}

static cJSON *
encode_op(const struct op *o)
{
	const struct opdef	*def = opdef_find(o->kind);
	const struct argdef	*ad;
	const char		*v;
	cJSON			*j;

	if (def == NULL || (j = cJSON_CreateObject()) == NULL)
		return (NULL);
	if (cJSON_AddStringToObject(j, "op", op_kind_name(o->kind)) == NULL)
		goto bad;
	for (ad = def->args; ad->key != NULL; ad++) {
		if (ad->slot >= SLOT_PERSON)
			v = o->person[ad->slot - SLOT_PERSON];
		else if (ad->slot == OA_FIELD)
			v = op_field_name(o->field);
		else
			v = o->arg[ad->slot];
		if (v == NULL)
			continue;
		if (cJSON_AddStringToObject(j, ad->key, v) == NULL)
			goto bad;
	}
	return (j);
bad:
	cJSON_Delete(j);
	return (NULL);
}

/*
 * encode(out, h, ops, nops, vc): append the canonical bytes of the change
 * of h and ops to out; on failure out is as it was.  0, or CHANGE_BAD or
 * CHANGE_NOMEM with a reason in vc.
 */
static int
encode(struct buf *out, const struct change *h, const struct op *ops,
    size_t nops, struct vctx *vc)
{
	cJSON		*t, *a, *o;
	char		 hlc[17];
	const char	*w = NULL;
	size_t		 i, start = out->len;
	int		 rc = CHANGE_BAD;

	if ((t = cJSON_CreateObject()) == NULL) {
		fail(vc, "out of memory");
		return (CHANGE_NOMEM);
	}
	hlc_format(h->hlc, hlc);
	if (cJSON_AddStringToObject(t, "dossier", h->dossier) == NULL ||
	    cJSON_AddStringToObject(t, "hlc", hlc) == NULL ||
	    cJSON_AddStringToObject(t, "key", h->key) == NULL ||
	    (a = cJSON_AddArrayToObject(t, "ops")) == NULL)
		goto oom;
	for (i = 0; i < nops; i++) {
		if (opdef_find(ops[i].kind) == NULL) {
			fail(vc, "ops[%zu]: unknown operation", i);
			goto out;
		}
		if ((o = encode_op(&ops[i])) == NULL)
			goto oom;
		cJSON_AddItemToArray(a, o);
	}
	if ((a = cJSON_AddArrayToObject(t, "parents")) == NULL)
		goto oom;
	for (i = 0; i < h->nparents; i++) {
		if ((o = cJSON_CreateString(h->parents[i])) == NULL)
			goto oom;
		cJSON_AddItemToArray(a, o);
	}
	if (cJSON_AddStringToObject(t, "region", h->region) == NULL ||
	    cJSON_AddStringToObject(t, "user", h->user) == NULL ||
	    cJSON_AddNumberToObject(t, "v", h->v == 1 ? 1 :
	    CHANGE_VERSION) == NULL)
		goto oom;
	if (jcs_write(out, t, LIMIT_JSON_ELEMENTS, &w) == -1) {
		fail(vc, "cannot encode the change: %s", w);
		if (jcs_why_nomem(w))
			rc = CHANGE_NOMEM;
		if (!buf_failed(out)) {
			out->len = start;
			if (out->data != NULL)
				out->data[start] = '\0';
		}
		goto out;
	}
	rc = 0;
	goto out;
oom:
	fail(vc, "out of memory");
	rc = CHANGE_NOMEM;
out:
	cJSON_Delete(t);
	return (rc);
}

/* Drop what a failed encoding appended to out (unless out failed: then
 * it is refused whole anyway), as encode does. */
static void
truncate_to(struct buf *out, size_t start)
{
	if (!buf_failed(out)) {
		out->len = start;
		if (out->data != NULL)
			out->data[start] = '\0';
	}
}

/* A member of an operation, for encode_direct. */
struct member {
	const char	*key;
	const char	*val;
};

/*
 * encode_direct(out, h, ops, nops, vc): encode, written member by member
 * instead of through a cJSON tree that jcs_write then sorts (every
 * change of one parent or none is written this way, by change_encode and
 * change_encode_checked: the tree was about a tenth of the import's main
 * thread, and a quarter of its check pass).  The same bytes and the same
 * refusals: the header's keys are written in their canonical order
 * (dossier, hlc, key, ops, parents, region, user, v), and each
 * operation's members are sorted here as jcs_write sorts them.  Whatever
 * is out of the ordinary (an unknown operation, a key twice, a NULL
 * string, more values than LIMIT_JSON_ELEMENTS) goes to encode, so that
 * its refusal is encode's own.  test_change compares the two.
 */
static int
encode_direct(struct buf *out, const struct change *h, const struct op *ops,
    size_t nops, struct vctx *vc)
{
	struct member		 m[MAXARGS + 1];
	const struct opdef	*def;
	const struct argdef	*ad;
	const char		*v, *w = NULL;
	char			 hlc[17];
	size_t			 i, j, n, elements, start = out->len;

	/* encode refuses an unknown operation before it writes anything. */
	for (i = 0; i < nops; i++)
		if (opdef_find(ops[i].kind) == NULL ||
		    op_kind_name(ops[i].kind) == NULL)
			break;
	if (i < nops || h->user == NULL || nops > LIMIT_JSON_ELEMENTS)
		return (encode(out, h, ops, nops, vc));
	/* The values jcs_write counts: the object, its eight members, each
	 * operation, its members, each parent. */
	elements = 1 + 8 + nops + h->nparents;
	hlc_format(h->hlc, hlc);
	buf_adds(out, "{\"dossier\":");
	if (jcs_write_string(out, h->dossier, &w) == -1 ||
	    buf_adds(out, ",\"hlc\":") == -1 ||
	    jcs_write_string(out, hlc, &w) == -1 ||
	    buf_adds(out, ",\"key\":") == -1 ||
	    jcs_write_string(out, h->key, &w) == -1 ||
	    buf_adds(out, ",\"ops\":[") == -1)
		goto bad;
	for (i = 0; i < nops; i++) {
		def = opdef_find(ops[i].kind);
		m[0].key = "op";
		m[0].val = op_kind_name(ops[i].kind);
		n = 1;
		for (ad = def->args; ad->key != NULL; ad++) {
			if (ad->slot >= SLOT_PERSON)
				v = ops[i].person[ad->slot - SLOT_PERSON];
			else if (ad->slot == OA_FIELD)
				v = op_field_name(ops[i].field);
			else
				v = ops[i].arg[ad->slot];
			if (v == NULL)
				continue;
			for (j = n; j > 0 && jcs_key_cmp(m[j - 1].key,
			    ad->key) > 0; j--)
				m[j] = m[j - 1];
			if (j > 0 && jcs_key_cmp(m[j - 1].key, ad->key) == 0)
				goto tree;
			m[j].key = ad->key;
			m[j].val = v;
			n++;
		}
		if ((elements += n) > LIMIT_JSON_ELEMENTS)
			goto tree;
		if ((i > 0 && buf_addc(out, ',') == -1) ||
		    buf_addc(out, '{') == -1)
			goto bad;
		for (j = 0; j < n; j++)
			if ((j > 0 && buf_addc(out, ',') == -1) ||
			    jcs_write_string(out, m[j].key, &w) == -1 ||
			    buf_addc(out, ':') == -1 ||
			    jcs_write_string(out, m[j].val, &w) == -1)
				goto bad;
		if (buf_addc(out, '}') == -1)
			goto bad;
	}
	if (buf_adds(out, "],\"parents\":[") == -1)
		goto bad;
	for (i = 0; i < h->nparents; i++)
		if ((i > 0 && buf_addc(out, ',') == -1) ||
		    jcs_write_string(out, h->parents[i], &w) == -1)
			goto bad;
	if (buf_adds(out, "],\"region\":") == -1 ||
	    jcs_write_string(out, h->region, &w) == -1 ||
	    buf_adds(out, ",\"user\":") == -1 ||
	    jcs_write_string(out, h->user, &w) == -1 ||
	    buf_addf(out, ",\"v\":%d}", h->v == 1 ? 1 : CHANGE_VERSION) ==
	    -1)
		goto bad;
	return (0);
tree:
	truncate_to(out, start);
	return (encode(out, h, ops, nops, vc));
bad:
	if (w == NULL)
		w = buf_error(out) == BUF_NOMEM ? jcs_nomem : "too large";
	fail(vc, "cannot encode the change: %s", w);
	truncate_to(out, start);
	return (jcs_why_nomem(w) ? CHANGE_NOMEM : CHANGE_BAD);
}

int
change_encode_tree(struct buf *out, const struct change *h,
    const struct op *ops, size_t nops, char *why, size_t whysz)
{
	struct vctx	 vc = { why, whysz, 0, -1 };

	return (encode(out, h, ops, nops, &vc));
}

int
change_encode(struct buf *out, const struct change *h, const struct op *ops,
    size_t nops, struct change **decoded, char *why, size_t whysz)
{
	struct vctx	 vc = { why, whysz, 0, -1 };
	struct change	*check = NULL;
	size_t		 start = out->len;
	int		 rc;

	/* The writer without a tree makes the same bytes and refusals
	 * (test_change) at a fraction of the cost; a header of more
	 * parents, or operations past the limit, take the tree. */
	if (h->nparents <= 1 && nops > 0 && nops <= LIMIT_OPS_PER_CHANGE)
		rc = encode_direct(out, h, ops, nops, &vc);
	else
		rc = encode(out, h, ops, nops, &vc);
	if (rc != 0)
		return (rc);
	if ((rc = change_decode(out->data + start, out->len - start, &check,
	    why, whysz)) != 0) {
		out->len = start;
		out->data[start] = '\0';
		return (rc);
	}
	if (decoded != NULL)
		*decoded = check;
	else
		change_free(check);
	return (0);
}

int
change_encode_checked(struct buf *out, const struct change *h,
    const struct op *ops, size_t nops, struct change **made, char *why,
    size_t whysz)
{
	struct vctx	 vc = { why, whysz, 0, -1 };
	struct change	*c = NULL;
	size_t		 start = out->len;
	int		 rc;

	*made = NULL;
	/* What the shortcut takes on trust is only the header's form, which
	 * this node makes: anything else goes through the gate. */
	if (h->nparents > 1 || nops == 0 || nops > LIMIT_OPS_PER_CHANGE)
		goto full;
	if ((rc = encode_direct(out, h, ops, nops, &vc)) != 0)
		return (rc);
	if (out->len - start > LIMIT_CHANGE_BYTES) {
		out->len = start;
		out->data[start] = '\0';
		return (fail(&vc, "the change is larger than %d bytes",
		    LIMIT_CHANGE_BYTES));
	}
	if ((c = calloc(1, sizeof(*c))) == NULL ||
	    (h->nparents > 0 && (c->parents = calloc(h->nparents,
	    sizeof(*c->parents))) == NULL) ||
	    (c->ops = calloc(nops, sizeof(*c->ops))) == NULL) {
		change_free(c);
		out->len = start;
		out->data[start] = '\0';
		fail(&vc, "out of memory");
		return (CHANGE_NOMEM);
	}
	memcpy(c->dossier, h->dossier, sizeof(c->dossier));
	c->hlc = h->hlc;
	memcpy(c->key, h->key, sizeof(c->key));
	memcpy(c->region, h->region, sizeof(c->region));
	c->v = h->v == 1 ? 1 : CHANGE_VERSION;
	c->user = h->user;
	c->nparents = h->nparents;
	if (h->nparents > 0)
		memcpy(c->parents, h->parents, h->nparents *
		    sizeof(*c->parents));
	c->nops = nops;
	memcpy(c->ops, ops, nops * sizeof(*ops));
	change_id(out->data + start, out->len - start, c->id);
	fill_meta(c);
	*made = c;
	return (0);
full:
	return (change_encode(out, h, ops, nops, made, why, whysz));
}
