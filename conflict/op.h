/*
 * conflict/op.h: the operations a change carries, as plain data.
 *
 * protocol/change.c decodes a change's JSON into an array of struct op; the
 * merge rules of conflict/dossier.c fold them into a dossier's state.  An
 * op's strings are borrowed from whoever decoded it (the change's parse
 * tree) and live as long as that.
 */
#ifndef OPORA_OP_H
#define OPORA_OP_H

#include <stddef.h>

enum op_kind {
	OP_NONE = 0,
	OP_PERSON_CREATE,
	OP_PERSON_SET,
	OP_EPISODE_OPEN,
	OP_EPISODE_CLOSE,
	OP_EVENT_ADD,
	OP_EVENT_AMEND,
	OP_EVENT_RETRACT,
	OP_ASSESSMENT_ADD,
	OP_CONSENT_ADD,
	OP_CONSENT_WITHDRAW,
	OP_TRANSFER_OFFER,
	OP_TRANSFER_ACCEPT,
	OP_TRANSFER_DECLINE,
	OP_TRANSFER_CANCEL,
	OP_CONFLICT_RESOLVE,
	OP_PERSON_LINK,
	OP_PERSON_UNLINK,
	OP_PERSON_ERASE,	/* the dossier's tombstone: its "ground" is
				 * the OA_REASON slot */
	/* Corrections of entries, as event.amend (issue 14). */
	OP_EPISODE_AMEND,
	OP_ASSESSMENT_AMEND,
	OP_CONSENT_AMEND,
	OP_KIND_COUNT
};

/* The fields of a person's card, in the order of docs/data-model.md. */
enum person_field {
	PF_SURNAME,
	PF_NAME,
	PF_PATRONYMIC,
	PF_BIRTH_DATE,
	PF_SEX,
	PF_SNILS,
	PF_INSTITUTION,
	PF_GRADUATED,
	PF_PHONE,
	PF_EMAIL,
	PF_ADDRESS,
	PF_COUNT
};

/* Argument slots of the other operations; which are used depends on kind. */
enum op_arg {
	OA_REF,		/* "episode", "event", "consent", "offer",
			 * "conflict", "link": an entry */
	OA_DATE,
	OA_TYPE,
	OA_TEXT,
	OA_REASON,
	OA_CENTRE,
	OA_CURATOR,
	OA_SCOPE,
	OA_DOCUMENT,
	OA_HOUSING,
	OA_EDUCATION,
	OA_EMPLOYMENT,
	OA_FAMILY,
	OA_FIELD,	/* person.set, conflict.resolve: the field's name */
	OA_VALUE,	/* person.set, conflict.resolve: the new value,
			 * "" to clear */
	OA_TO,		/* transfer.offer: the destination region */
	OA_OTHER,	/* person.link: the other dossier's id */
	/* transfer.offer's summary, what the destination sees before it
	 * accepts (docs/protocol.md §4; OA_CENTRE is the sending centre). */
	OA_SURNAME,
	OA_NAME,
	OA_PATRONYMIC,
	OA_BIRTH_YEAR,
	OA_ENTRIES,
	OA_COUNT
};

struct op {
	enum op_kind	 kind;
	int		 field;			/* person.set, conflict.resolve:
						 * a person_field */
	const char	*person[PF_COUNT];	/* person.create; NULL: absent */
	const char	*arg[OA_COUNT];		/* NULL: absent */
};

/* op_kind_name(k): "person.create", ...; NULL for an unknown kind. */
const char	*op_kind_name(enum op_kind k);
/* op_kind_find(s): the kind named by C string s, or OP_NONE. */
enum op_kind	 op_kind_find(const char *s);
/* op_field_name(f): "surname", "birth_date", ...; NULL if out of range. */
const char	*op_field_name(int f);
/* op_field_find(s): the person_field named by s, or -1. */
int		 op_field_find(const char *s);
/* op_arg_name(a): the JSON key of argument slot a ("event", "date", ...). */
const char	*op_arg_name(enum op_arg a, enum op_kind k);

#endif /* OPORA_OP_H */
