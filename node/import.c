/*
 * node/import.c: one line of an import file.  See import.h.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>


#include "node/cli.h"
#include "node/import.h"
#include "protocol/digest.h"
#include "protocol/esc.h"
#include "protocol/fields.h"

static const char *const ref_keys[] = { "episode", "event", "consent",
    "assessment" };
#define NREF_KEYS	(sizeof(ref_keys) / sizeof(ref_keys[0]))

enum dossier_table
import_adds_table(enum op_kind k)
{
	switch (k) {
	case OP_EPISODE_OPEN:
		return (DT_EPISODE);
	case OP_EVENT_ADD:
		return (DT_EVENT);
	case OP_CONSENT_ADD:
		return (DT_CONSENT);
	case OP_ASSESSMENT_ADD:
		return (DT_ASSESSMENT);
	default:
		return (DT_COUNT);
	}
}

enum dossier_table
import_names_table(enum op_kind k)
{
	switch (k) {
	case OP_EPISODE_CLOSE:
	case OP_EPISODE_AMEND:
		return (DT_EPISODE);
	case OP_EVENT_AMEND:
	case OP_EVENT_RETRACT:
		return (DT_EVENT);
	case OP_ASSESSMENT_AMEND:
		return (DT_ASSESSMENT);
	case OP_CONSENT_WITHDRAW:
	case OP_CONSENT_AMEND:
		return (DT_CONSENT);
	default:
		return (DT_COUNT);
	}
}

bool
import_ends_entry(enum op_kind k)
{
	return (k == OP_EPISODE_CLOSE || k == OP_EVENT_RETRACT ||
	    k == OP_CONSENT_WITHDRAW);
}

/* The domain of a line's key: a new meaning of the key gets a new one. */
static const char key_domain[] = "opora import line 1";

/* Hash one part of a line: absent, or its length (32 bits, big-endian)
 * and bytes, so that no two sequences of parts hash alike. */
static void
key_part(struct digest_sha256_ctx *md, const char *s)
{
	uint8_t	 hdr[5] = { 0 };
	size_t	 len;

	if (s == NULL) {
		digest_sha256_update(md, hdr, 1);
		return;
	}
	/* Parts come from a line of at most LIMIT_IMPORT_LINE bytes. */
	len = strlen(s);
	hdr[0] = 1;
	hdr[1] = (uint8_t)(len >> 24);
	hdr[2] = (uint8_t)(len >> 16);
	hdr[3] = (uint8_t)(len >> 8);
	hdr[4] = (uint8_t)len;
	digest_sha256_update(md, hdr, sizeof(hdr));
	digest_sha256_update(md, s, len);
}

void
import_line_key(const struct import_line *il,
    const uint8_t dkey[IMPORT_KEY_LEN], uint32_t nth,
    uint8_t out[IMPORT_KEY_LEN])
{
	static const uint8_t	 zero[IMPORT_KEY_LEN];
	struct digest_sha256_ctx md;
	uint8_t			 n[4];
	int			 i;

	n[0] = (uint8_t)(nth >> 24);
	n[1] = (uint8_t)(nth >> 16);
	n[2] = (uint8_t)(nth >> 8);
	n[3] = (uint8_t)nth;
	digest_sha256_init(&md);
	digest_sha256_update(&md, key_domain, sizeof(key_domain));
	digest_sha256_update(&md, dkey != NULL ? dkey : zero, IMPORT_KEY_LEN);
	digest_sha256_update(&md, n, sizeof(n));
	key_part(&md, op_kind_name(il->op.kind));
	key_part(&md, il->dossier);
	key_part(&md, il->entry);
	key_part(&md, il->ref);
	for (i = 0; i < PF_COUNT; i++)
		key_part(&md, il->op.person[i]);
	/* The entry a line changes is in il->ref: OA_REF is set only while
	 * the line is checked or made. */
	for (i = OA_REF + 1; i < OA_COUNT; i++)
		key_part(&md, il->op.arg[i]);
	digest_sha256_final(&md, out);
}

void
import_line_free(struct import_line *il)
{
	cJSON_Delete(il->tree);
	il->tree = NULL;
}

int
import_line_parse(const char *p, size_t len, struct import_line *il,
    char *why, size_t whysz)
{
	const cJSON	*m;
	const char	*k = "";
	char		 ek[64];
	int		 f;
	size_t		 i;

	memset(il, 0, sizeof(*il));
	il->op.field = -1;
	if ((il->tree = cJSON_ParseWithLength(p, len)) == NULL ||
	    !cJSON_IsObject(il->tree)) {
		snprintf(why, whysz, "%s", cli_tr("not a JSON object",
		    "это не объект JSON"));
		return (-1);
	}
	for (m = il->tree->child; m != NULL; m = m->next) {
		k = m->string;
		if (!cJSON_IsString(m)) {
			snprintf(why, whysz, "\"%s\": %s",
			    esc_str(k, ek, sizeof(ek)), cli_tr(
			    "must be a string", "должно быть строкой"));
			return (-1);
		}
		if (strcmp(k, "dossier") == 0)
			il->dossier = m->valuestring;
		else if (strcmp(k, "id") == 0)
			il->entry = m->valuestring;
		else if (strcmp(k, "op") == 0)
			il->op.kind = op_kind_find(m->valuestring);
	}
	if (il->dossier == NULL || il->dossier[0] == '\0' ||
	    strlen(il->dossier) > LIMIT_IMPORT_LABEL) {
		snprintf(why, whysz, "%s", cli_tr("\"dossier\" is missing, "
		    "empty or longer than 64 bytes", "\"dossier\" "
		    "отсутствует, пуст или длиннее 64 байт"));
		return (-1);
	}
	if (il->op.kind == OP_NONE || il->op.kind == OP_PERSON_SET) {
		snprintf(why, whysz, "%s", cli_tr("\"op\" is missing or not "
		    "an operation this file may hold", "\"op\" отсутствует "
		    "или недопустим в файле импорта"));
		return (-1);
	}
	if (il->entry != NULL && (import_adds_table(il->op.kind) ==
	    DT_COUNT || il->entry[0] == '\0' ||
	    strlen(il->entry) > LIMIT_IMPORT_LABEL)) {
		snprintf(why, whysz, "%s", cli_tr("\"id\" labels only what an "
		    "add or open line creates, up to 64 bytes", "\"id\" "
		    "допустим только в строках add/open, до 64 байт"));
		return (-1);
	}
	for (m = il->tree->child; m != NULL; m = m->next) {
		k = m->string;
		if (strcmp(k, "dossier") == 0 || strcmp(k, "id") == 0 ||
		    strcmp(k, "op") == 0)
			continue;
		if (il->op.kind == OP_PERSON_CREATE) {
			if ((f = op_field_find(k)) == -1)
				goto unknown;
			il->op.person[f] = m->valuestring;
			continue;
		}
		for (i = 0; i < NREF_KEYS; i++)
			if (strcmp(k, ref_keys[i]) == 0 &&
			    op_arg_name(OA_REF, il->op.kind) != NULL &&
			    strcmp(op_arg_name(OA_REF, il->op.kind), k) == 0)
				break;
		if (i < NREF_KEYS) {
			il->ref = m->valuestring;
			continue;
		}
		for (f = OA_DATE; f < OA_COUNT; f++)
			if (f != OA_FIELD && f != OA_VALUE &&
			    strcmp(op_arg_name(f, il->op.kind), k) == 0)
				break;
		if (f == OA_COUNT)
			goto unknown;
		il->op.arg[f] = m->valuestring;
	}
	/* The printed form of a SNILS is accepted too. */
	if (il->op.person[PF_SNILS] != NULL && fields_snils_normalize(
	    il->op.person[PF_SNILS], strlen(il->op.person[PF_SNILS]),
	    il->snils) == 0)
		il->op.person[PF_SNILS] = il->snils;
	if (import_names_table(il->op.kind) != DT_COUNT) {
		if (il->ref == NULL || strlen(il->ref) > LIMIT_IMPORT_LABEL) {
			snprintf(why, whysz, "%s \"%s\"", cli_tr("needs the "
			    "label of the entry it changes in", "нужна метка "
			    "изменяемой записи в"),
			    op_arg_name(OA_REF, il->op.kind));
			return (-1);
		}
		snprintf(il->key, sizeof(il->key), "%s\x1f%s", il->dossier,
		    il->ref);
	}
	return (0);
unknown:
	snprintf(why, whysz, "%s %s: \"%s\"", op_kind_name(il->op.kind),
	    cli_tr("has no member", "не имеет поля"),
	    esc_str(k, ek, sizeof(ek)));
	return (-1);
}
