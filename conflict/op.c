/*
 * conflict/op.c: names of operations, person fields and arguments.
 */
#include <string.h>

#include "conflict/op.h"

static const char *const kind_names[OP_KIND_COUNT] = {
	[OP_PERSON_CREATE] = "person.create",
	[OP_PERSON_SET] = "person.set",
	[OP_EPISODE_OPEN] = "episode.open",
	[OP_EPISODE_CLOSE] = "episode.close",
	[OP_EVENT_ADD] = "event.add",
	[OP_EVENT_AMEND] = "event.amend",
	[OP_EVENT_RETRACT] = "event.retract",
	[OP_ASSESSMENT_ADD] = "assessment.add",
	[OP_CONSENT_ADD] = "consent.add",
	[OP_CONSENT_WITHDRAW] = "consent.withdraw",
	[OP_TRANSFER_OFFER] = "transfer.offer",
	[OP_TRANSFER_ACCEPT] = "transfer.accept",
	[OP_TRANSFER_DECLINE] = "transfer.decline",
	[OP_TRANSFER_CANCEL] = "transfer.cancel",
	[OP_CONFLICT_RESOLVE] = "conflict.resolve",
	[OP_PERSON_LINK] = "person.link",
	[OP_PERSON_UNLINK] = "person.unlink",
	[OP_PERSON_ERASE] = "person.erase",
	[OP_EPISODE_AMEND] = "episode.amend",
	[OP_ASSESSMENT_AMEND] = "assessment.amend",
	[OP_CONSENT_AMEND] = "consent.amend",
};

static const char *const field_names[PF_COUNT] = {
	[PF_SURNAME] = "surname",
	[PF_NAME] = "name",
	[PF_PATRONYMIC] = "patronymic",
	[PF_BIRTH_DATE] = "birth_date",
	[PF_SEX] = "sex",
	[PF_SNILS] = "snils",
	[PF_INSTITUTION] = "institution",
	[PF_GRADUATED] = "graduated",
	[PF_PHONE] = "phone",
	[PF_EMAIL] = "email",
	[PF_ADDRESS] = "address",
};

static const char *const arg_names[OA_COUNT] = {
	[OA_REF] = NULL,	/* depends on the kind */
	[OA_DATE] = "date",
	[OA_TYPE] = "type",
	[OA_TEXT] = "text",
	[OA_REASON] = "reason",
	[OA_CENTRE] = "centre",
	[OA_CURATOR] = "curator",
	[OA_SCOPE] = "scope",
	[OA_DOCUMENT] = "document",
	[OA_HOUSING] = "housing",
	[OA_EDUCATION] = "education",
	[OA_EMPLOYMENT] = "employment",
	[OA_FAMILY] = "family",
	[OA_FIELD] = "field",
	[OA_VALUE] = "value",
	[OA_TO] = "to",
	[OA_OTHER] = "other",
	[OA_SURNAME] = "surname",
	[OA_NAME] = "name",
	[OA_PATRONYMIC] = "patronymic",
	[OA_BIRTH_YEAR] = "birth_year",
	[OA_ENTRIES] = "entries",
};

const char *
op_kind_name(enum op_kind k)
{
	if (k <= OP_NONE || k >= OP_KIND_COUNT)
		return (NULL);
	return (kind_names[k]);
}

enum op_kind
op_kind_find(const char *s)
{
	int	 k;

	for (k = OP_NONE + 1; k < OP_KIND_COUNT; k++)
		if (strcmp(kind_names[k], s) == 0)
			return ((enum op_kind)k);
	return (OP_NONE);
}

const char *
op_field_name(int f)
{
	if (f < 0 || f >= PF_COUNT)
		return (NULL);
	return (field_names[f]);
}

int
op_field_find(const char *s)
{
	int	 f;

	for (f = 0; f < PF_COUNT; f++)
		if (strcmp(field_names[f], s) == 0)
			return (f);
	return (-1);
}

const char *
op_arg_name(enum op_arg a, enum op_kind k)
{
	if (a == OA_REF) {
		switch (k) {
		case OP_EPISODE_CLOSE:
		case OP_EPISODE_AMEND:
			return ("episode");
		case OP_ASSESSMENT_AMEND:
			return ("assessment");
		case OP_EVENT_AMEND:
		case OP_EVENT_RETRACT:
			return ("event");
		case OP_CONSENT_WITHDRAW:
		case OP_CONSENT_AMEND:
			return ("consent");
		case OP_TRANSFER_ACCEPT:
		case OP_TRANSFER_DECLINE:
		case OP_TRANSFER_CANCEL:
			return ("offer");
		case OP_CONFLICT_RESOLVE:
			return ("conflict");
		case OP_PERSON_UNLINK:
			return ("link");
		default:
			return (NULL);
		}
	}
	if (a < 0 || a >= OA_COUNT)
		return (NULL);
	/* An erasure's legal ground lives in the reason slot. */
	if (a == OA_REASON && k == OP_PERSON_ERASE)
		return ("ground");
	return (arg_names[a]);
}
