/*
 * node/cmd_vectors.c: print the protocol's test vectors
 * (tests/vectors/changes.json; 'make vectors' regenerates the file).
 *
 * Every vector is made from a fixed key and fixed documents, so the output
 * is the same on every run and a change of the format shows in review as a
 * change of this file.  Invalid vectors are signed correctly: each breaks
 * exactly the one rule its reason names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cjson/cJSON.h>

#include "conflict/hlc.h"
#include "node/cli.h"
#include "node/view.h"
#include "protocol/change.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/sig.h"

/* SHA-256("opora test vector key"): a key every implementation can make. */
static const char vec_seed_text[] = "opora test vector key";

/* %D: the history's dossier, whose id is derived from its first change
 * (protocol version 2); a root vector of its own names its own. */
#define D	"\"dossier\":\"%D\","
#define VEC_REGION	"RU-SMO"
#define VEC_ROOT_HLC	0x0194f7c6a8000000ULL	/* the first vector's */
#define H(x)	"\"hlc\":\"" x "\","
#define U	"\"region\":\"RU-SMO\",\"user\":\"petrova\",\"v\":2"

struct vec {
	const char	*name;
	const char	*json;		/* any form; made canonical */
	const char	*from, *to;	/* then this text replaced, if set */
	int		 np;		/* how many parents */
	int		 par[2];	/* ... as indices of valid vectors */
	int		 ref;		/* %R: index of the valid vector whose
					 * first entry is named, or -1 */
	const char	*reason;	/* NULL: valid */
	int		 tamper;	/* 1: flip a byte after signing; 2: flip
					 * the signature; 3: sign with another
					 * key; 4: add L to S; 5: sign with R
					 * the identity (sig_sign_identity_r) */
};

/* "%P" in json is replaced by the parents array. */
static const struct vec vecs[] = {
	{ "person.create with every field, Cyrillic text",
	    "{" D H("0194f7c6a8000000") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.create\",\"surname\":\"Иванова\",\"name\":\"Анна\","
	    "\"patronymic\":\"Сергеевна\",\"birth_date\":\"2005-04-12\","
	    "\"sex\":\"F\",\"snils\":\"11223344595\",\"institution\":"
	    "\"Смоленский детский дом №1\",\"graduated\":\"2023-06-30\","
	    "\"phone\":\"+7 (481) 200-00-00\",\"email\":\"anna@example.ru\","
	    "\"address\":\"г. Смоленск, ул. Ленина, д. 1\"}],\"parents\":%P,"
	    U "}", NULL, NULL, 0, { 0 }, -1, NULL, 0 },
	{ "person.set of the phone",
	    "{" D H("0194f7c6a8000001") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.set\",\"field\":\"phone\",\"value\":\"+7 900 000 00 "
	    "00\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 0 }, -1, NULL, 0 },
	{ "person.set clearing the e-mail",
	    "{" D H("0194f7c6a8000002") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.set\",\"field\":\"email\",\"value\":\"\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 1 }, -1, NULL, 0 },
	{ "episode.open",
	    "{" D H("0194f7c6a8000003") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"episode.open\",\"centre\":\"Центр постинтернатного "
	    "сопровождения\",\"curator\":\"Петрова Е. В.\",\"date\":"
	    "\"2023-07-01\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 2 }, -1, NULL, 0 },
	{ "event.add with quotes, a backslash, a newline and a tab",
	    "{" D H("0194f7c6a8000004") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"event.add\",\"date\":\"2024-02-01\",\"type\":\"housing\","
	    "\"text\":\"Получила квартиру по договору «найма»\\n\\t\\\"ключи\\\" "
	    "\\\\ выданы\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 3 }, -1, NULL, 0 },
	{ "event.amend of the text",
	    "{" D H("0194f7c6a8000005") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"event.amend\",\"event\":\"%R/0\",\"text\":\"Получила квартиру "
	    "по договору социального найма\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 4 }, 4, NULL, 0 },
	{ "assessment.add",
	    "{" D H("0194f7c6a8000006") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"assessment.add\",\"date\":\"2024-06-30\",\"housing\":"
	    "\"social_rent\",\"education\":\"vocational\",\"employment\":"
	    "\"employed\",\"family\":\"single\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 5 }, -1, NULL, 0 },
	{ "consent.add of scope transfer",
	    "{" D H("0194f7c6a8000007") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"consent.add\",\"scope\":\"transfer\",\"date\":\"2024-07-01\","
	    "\"document\":\"Заявление № 17 от 01.07.2024\"}],\"parents\":%P,"
	    U "}", NULL, NULL, 1, { 6 }, -1, NULL, 0 },
	{ "consent.withdraw",
	    "{" D H("0194f7c6a8000008") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"consent.withdraw\",\"consent\":\"%R/0\",\"date\":"
	    "\"2024-07-02\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 7 }, 7, NULL, 0 },
	{ "event.retract",
	    "{" D H("0194f7c6a8000009") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"event.retract\",\"event\":\"%R/0\",\"reason\":\"Запись внесена "
	    "по ошибке\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 8 }, 4, NULL, 0 },
	{ "episode.close",
	    "{" D H("0194f7c6a800000a") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"episode.close\",\"episode\":\"%R/0\",\"date\":\"2024-08-01\","
	    "\"reason\":\"Переезд\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 8 }, 3, NULL, 0 },
	{ "two parents (a merge) and three operations",
	    "{" D H("0194f7c6a800000b") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"event.add\",\"date\":\"2024-08-02\",\"type\":\"crisis\","
	    "\"text\":\"Кризисная ситуация\"},{\"op\":\"event.add\",\"date\":"
	    "\"2024-08-03\",\"type\":\"consultation\",\"text\":\"Консультация "
	    "юриста\"},{\"op\":\"person.set\",\"field\":\"address\",\"value\":"
	    "\"г. Калуга\"}],\"parents\":%P," U "}", NULL, NULL, 2, { 9, 10 }, -1, NULL, 0 },

	{ "transfer.offer",
	    "{" D H("0194f7c6a800000c") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.offer\",\"reason\":\"Переезд в Калугу\",\"to\":"
	    "\"RU-KLU\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 11 }, -1,
	    NULL, 0 },
	{ "transfer.cancel",
	    "{" D H("0194f7c6a800000d") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.cancel\",\"offer\":\"%R/0\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 12 }, 12, NULL, 0 },
	/* With the summary the destination sees until it accepts: the card
	 * and the events not retracted before it (protocol 2.1). */
	{ "transfer.offer again, with its summary",
	    "{" D H("0194f7c6a800000e") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.offer\",\"birth_year\":\"2005\",\"centre\":"
	    "\"Центр постинтернатного сопровождения\",\"entries\":\"2\","
	    "\"name\":\"Анна\",\"patronymic\":\"Сергеевна\",\"reason\":"
	    "\"Переезд\",\"surname\":\"Иванова\",\"to\":\"RU-KLU\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 13 }, -1, NULL, 0 },
	{ "transfer.decline",
	    "{" D H("0194f7c6a800000f") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.decline\",\"offer\":\"%R/0\",\"reason\":\"Нет "
	    "мест\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 14 }, 14,
	    NULL, 0 },
	{ "transfer.accept",
	    "{" D H("0194f7c6a8000010") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.accept\",\"offer\":\"%R/0\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 15 }, 14, NULL, 0 },
	{ "conflict.resolve keeping a phone number",
	    "{" D H("0194f7c6a8000011") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"conflict.resolve\",\"conflict\":\"%R/0\",\"field\":"
	    "\"phone\",\"value\":\"+7 900 000 00 00\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 16 }, 1, NULL, 0 },
	{ "person.link to another dossier of the same person",
	    "{" D H("0194f7c6a8000012") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.link\",\"other\":\"0c2e4a6b-8d0f-4a1b-9c3d-5e7f9a1b3c5d\","
	    "\"reason\":\"Тот же СНИЛС\"}],\"parents\":%P," U "}",
	    NULL, NULL, 1, { 17 }, -1, NULL, 0 },
	{ "person.unlink",
	    "{" D H("0194f7c6a8000013") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.unlink\",\"link\":\"%R/0\",\"reason\":\"Разные "
	    "люди\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 18 }, 18,
	    NULL, 0 },
	{ "person.erase: the dossier's tombstone, with its legal ground",
	    "{" D H("0194f7c6a8000014") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.erase\",\"ground\":\"152-ФЗ, ст. 21, ч. 4\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 19 }, -1, NULL, 0 },
	{ "person.erase beside another operation",
	    "{" D H("0194f7c6a8000015") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.erase\",\"ground\":\"152-ФЗ\"},{\"op\":\"event.add\","
	    "\"date\":\"2024-02-01\",\"type\":\"contact\",\"text\":\"x\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 19 }, -1,
	    "ops[0]: person.erase must be the only operation of its change",
	    0 },
	/* The corrections of issue 14 (after the unlink, beside the
	 * erasure: a branch of their own; parents and refs count the valid
	 * vectors only). */
	{ "episode.amend of the curator and the opening date",
	    "{" D H("0194f7c6a8000016") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"episode.amend\",\"episode\":\"%R/0\",\"curator\":"
	    "\"Сидорова Е. В.\",\"date\":\"2023-07-03\"}],\"parents\":%P,"
	    U "}", NULL, NULL, 1, { 19 }, 3, NULL, 0 },
	{ "assessment.amend of the housing",
	    "{" D H("0194f7c6a8000017") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"assessment.amend\",\"assessment\":\"%R/0\",\"housing\":"
	    "\"dormitory\"}],\"parents\":%P," U "}", NULL, NULL, 1, { 21 },
	    6, NULL, 0 },
	{ "consent.amend of the document",
	    "{" D H("0194f7c6a8000018") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"consent.amend\",\"consent\":\"%R/0\",\"document\":"
	    "\"Заявление № 17 от 01.07.2024 (копия)\"}],\"parents\":%P," U
	    "}", NULL, NULL, 1, { 22 }, 7, NULL, 0 },
	{ "an amendment that changes nothing",
	    "{" D H("0194f7c6a8000019") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"episode.amend\",\"episode\":\"%R/0\"}],\"parents\":%P,"
	    U "}", NULL, NULL, 1, { 23 }, 3,
	    "ops[0]: episode.amend changes nothing", 0 },

	/* Not canonical. */
	{ "white space", NULL, "\"v\":2}", "\"v\": 2}", 1, { 11 }, -1,
	    "not canonical: white space", 0 },
	{ "keys out of order", NULL, "\"region\":\"RU-SMO\",\"user\":"
	    "\"petrova\"", "\"user\":\"petrova\",\"region\":\"RU-SMO\"", 1, { 11 }, -1,
	    "not canonical: keys not sorted", 0 },
	{ "a duplicate key", NULL, "\"v\":2}", "\"v\":2,\"v\":2}", 1, { 11 }, -1,
	    "not canonical: duplicate key", 0 },
	{ "a fraction", NULL, "\"v\":2}", "\"v\":2.0}", 1, { 11 }, -1,
	    "not canonical: number with a fraction", 0 },
	{ "an exponent", NULL, "\"v\":2}", "\"v\":2e0}", 1, { 11 }, -1,
	    "not canonical: number with an exponent", 0 },
	{ "an integer beyond 2^53", NULL, "\"v\":2}",
	    "\"v\":9007199254740993}", 1, { 11 }, -1,
	    "not canonical: integer beyond 2^53", 0 },
	{ "an unneeded escape", NULL, "\"petrova\"", "\"p\\u0065trova\"", 1, { 11 }, -1,
	    "not canonical: escape where none is needed", 0 },
	{ "invalid UTF-8", NULL, "\"petrova\"", "\"petr\xc3\x28va\"", 1, { 11 }, -1,
	    "not canonical: invalid UTF-8", 0 },
	{ "a trailing newline", NULL, "\"v\":2}", "\"v\":2}\n", 1, { 11 }, -1,
	    "not canonical: trailing bytes", 0 },
	{ "U+0000 in a string", NULL, "\"petrova\"", "\"petr\\u0000ova\"", 1,
	    { 11 }, -1, "not canonical: no string holds U+0000", 0 },
	{ "an escape in uppercase hex", NULL, "\"petrova\"",
	    "\"petr\\u001Fova\"", 1, { 11 }, -1,
	    "not canonical: \\u00xx is written in lowercase hex", 0 },
	{ "minus zero", NULL, "\"v\":2}", "\"v\":-0}", 1, { 11 }, -1,
	    "not canonical: -0", 0 },
	/* Well-formed JSON that is not a valid change. */
	{ "an unknown member", NULL, "\"v\":2}", "\"v\":2,\"w\":1}", 1, { 11 }, -1,
	    "unknown member", 0 },
	{ "a missing member", NULL, ",\"user\":\"petrova\"", "", 1, { 11 }, -1,
	    "missing member user", 0 },
	{ "version 3", NULL, "\"v\":2}", "\"v\":3}", 1, { 11 }, -1,
	    "unsupported version", 0 },
	{ "an unknown region", NULL, "\"RU-SMO\"", "\"RU-XXX\"", 1, { 11 }, -1,
	    "unknown region", 0 },
	{ "the clock as a number", NULL, "\"hlc\":\"0194f7c6a8000010\"",
	    "\"hlc\":1", 1, { 11 }, -1, "hlc is not a string", 0 },
	{ "an unknown operation", NULL, "\"event.add\"", "\"event.delete\"", 1, { 11 }, -1,
	    "unknown operation", 0 },
	{ "an unknown event type", NULL, "\"housing\"", "\"holiday\"", 1, { 11 }, -1,
	    "value not in its enumeration", 0 },
	{ "a conflict.resolve of a field that does not exist", "{" D
	    H("0194f7c6a8000011") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"conflict.resolve\",\"conflict\":\"%R/0\",\"field\":"
	    "\"nickname\",\"value\":\"x\"}],\"parents\":%P," U "}", NULL,
	    NULL, 1, { 11 }, 1, "not a field of the person card", 0 },
	{ "a person.link to a dossier id in capitals", "{" D
	    H("0194f7c6a8000012") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"person.link\",\"other\":\"0C2E4A6B-8D0F-4A1B-9C3D-5E7F9A1B3C5D\","
	    "\"reason\":\"x\"}],\"parents\":%P," U "}", NULL, NULL, 1,
	    { 11 }, -1, "not a dossier id", 0 },
	{ "a date that does not exist", NULL, "\"2024-02-01\"",
	    "\"2024-02-30\"", 1, { 11 }, -1, "not a real date", 0 },
	{ "a date after the change's own clock", NULL, "\"2024-02-01\"",
	    "\"2026-02-01\"", 1, { 11 }, -1, "date in the future of the change", 0 },
	{ "a root change that does not create a person", NULL,
	    NULL, NULL, 0, { 0 }, -1,
	    "root without person.create", 0 },
	{ "a first change naming an existing dossier, not its own",
	    "{\"dossier\":\"%H\"," H("0194f7c6a8000020")
	    "\"key\":\"%K\",\"ops\":[{\"op\":\"person.create\",\"surname\":"
	    "\"Иванова\",\"name\":\"Анна\",\"birth_date\":\"2005-04-12\","
	    "\"sex\":\"F\"}],\"parents\":%P," U "}", NULL, NULL, 0, { 0 },
	    -1, "dossier id not derived from the first change", 0 },
	{ "a transfer.offer summary without its number of entries",
	    "{" D H("0194f7c6a8000021") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.offer\",\"birth_year\":\"2005\",\"centre\":"
	    "\"Центр\",\"name\":\"Анна\",\"reason\":\"Переезд\","
	    "\"surname\":\"Иванова\",\"to\":\"RU-KLU\"}],\"parents\":%P,"
	    U "}", NULL, NULL, 1, { 11 }, -1,
	    "an offer's summary comes whole or not at all", 0 },
	{ "a transfer.offer summary whose birth year is not a year",
	    "{" D H("0194f7c6a8000022") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.offer\",\"birth_year\":\"05\",\"centre\":"
	    "\"Центр\",\"entries\":\"2\",\"name\":\"Анна\",\"reason\":"
	    "\"Переезд\",\"surname\":\"Иванова\",\"to\":\"RU-KLU\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 11 }, -1,
	    "birth_year is not a year from 1900 to 2999", 0 },
	{ "a transfer.offer summary counting entries with a leading zero",
	    "{" D H("0194f7c6a8000023") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"transfer.offer\",\"birth_year\":\"2005\",\"centre\":"
	    "\"Центр\",\"entries\":\"02\",\"name\":\"Анна\",\"reason\":"
	    "\"Переезд\",\"surname\":\"Иванова\",\"to\":\"RU-KLU\"}],"
	    "\"parents\":%P," U "}", NULL, NULL, 1, { 11 }, -1,
	    "entries is not a whole number without a leading zero", 0 },
	/* Valid form, but not what was signed. */
	{ "a flipped byte", NULL, NULL, NULL, 1, { 11 }, -1,
	    "signature does not verify (a byte changed after signing)", 1 },
	{ "a flipped signature bit", NULL, NULL, NULL, 1, { 11 }, -1,
	    "signature does not verify", 2 },
	{ "signed by another key", NULL, NULL, NULL, 1, { 11 }, -1,
	    "signature does not verify (wrong key)", 3 },
	{ "S + L: the signature's S not reduced", NULL, NULL, NULL, 1, { 11 },
	    -1, "signature does not verify (S is not below the group order "
	    "L)", 4 },
	/* Valid: R of small order, made by the key's holder (section 1). */
	{ "a signature whose R is the identity point", "{" D
	    H("0194f7c6a8000030") "\"key\":\"%K\",\"ops\":[{\"op\":"
	    "\"event.add\",\"date\":\"2024-02-01\",\"type\":\"housing\","
	    "\"text\":\"Подпись с R = 0\"}],\"parents\":%P," U "}", NULL,
	    NULL, 1, { 11 }, -1, NULL, 5 },
};

/* s += L, the group order, over 32 bytes (little-endian): the same
 * scalar mod L, not reduced.  S < L < 2^253, so it does not overflow. */
static void
add_order(uint8_t s[32])
{
	static const uint8_t L[32] = {
		0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c,
		0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x10
	};
	unsigned	 carry = 0, i, t;

	for (i = 0; i < 32; i++) {
		t = s[i] + L[i] + carry;
		s[i] = (uint8_t)t;
		carry = t >> 8;
	}
}

/* The base of invalid vectors: an event.add with one parent. */
static const char invalid_base[] =
    "{" D H("0194f7c6a8000010") "\"key\":\"%K\",\"ops\":[{\"op\":"
    "\"event.add\",\"date\":\"2024-02-01\",\"type\":\"housing\","
    "\"text\":\"Контакт по телефону\"}],\"parents\":%P," U "}";

/* Replace the first "from" in s by "to", in a new string (or NULL). */
static char *
replace(const char *s, const char *from, const char *to)
{
	const char	*p = strstr(s, from);
	struct buf	 b;

	if (p == NULL)
		return (NULL);
	buf_init(&b, LIMIT_CHANGE_BYTES * 2);
	buf_add(&b, s, (size_t)(p - s));
	buf_adds(&b, to);
	buf_adds(&b, p + strlen(from));
	return (buf_take(&b, NULL));
}

/* Fill %K (key id), %P (parents, sorted) and %R (an entry's change). */
static char *
fill(const char *tmpl, const char *kid, char ids[][CHANGE_ID_HEX + 1],
    const struct vec *v)
{
	struct buf	 pb;
	const char	*a, *b;
	char		*s, *t;

	buf_init(&pb, 4096);
	buf_addc(&pb, '[');
	if (v->np == 1)
		buf_addf(&pb, "\"%s\"", ids[v->par[0]]);
	else if (v->np == 2) {
		a = ids[v->par[0]];
		b = ids[v->par[1]];
		if (strcmp(a, b) > 0) {
			const char *x = a;
			a = b;
			b = x;
		}
		buf_addf(&pb, "\"%s\",\"%s\"", a, b);
	}
	buf_addc(&pb, ']');
	s = replace(tmpl, "%K", kid);
	t = s != NULL ? replace(s, "%P", pb.data) : NULL;
	free(s);
	s = t;
	/* The dossier: the history's, derived from the first vector; a root
	 * of its own names the one derived from its own clock. */
	if (s != NULL && (a = strstr(s, "\"hlc\":\"")) != NULL) {
		char		 did[37];
		uint64_t	 h = VEC_ROOT_HLC;

		if (v->np == 0 && hlc_parse(a + 7, 16, &h) == -1)
			h = VEC_ROOT_HLC;
		change_dossier_id(VEC_REGION, kid, h, did);
		if (strstr(s, "%D") != NULL) {
			t = replace(s, "%D", did);
			free(s);
			s = t;
		}
		change_dossier_id(VEC_REGION, kid, VEC_ROOT_HLC, did);
		if (s != NULL && strstr(s, "%H") != NULL) {
			t = replace(s, "%H", did);
			free(s);
			s = t;
		}
	}
	if (s != NULL && v->ref >= 0) {
		t = replace(s, "%R", ids[v->ref]);
		free(s);
		s = t;
	}
	buf_free(&pb);
	return (s);
}

static void
add_hex(cJSON *o, const char *k, const uint8_t *p, size_t n)
{
	struct buf	 b;

	buf_init(&b, n * 2 + 1);
	buf_addhex(&b, p, n);
	cJSON_AddStringToObject(o, k, b.data);
	buf_free(&b);
}

/* Make the canonical bytes of a template (not checked as a change). */
static char *
canonical(const char *text, size_t *len)
{
	cJSON		*t;
	struct buf	 b;
	char		*out;

	if ((t = cJSON_Parse(text)) == NULL)
		return (NULL);
	buf_init(&b, LIMIT_CHANGE_BYTES);
	if (jcs_write(&b, t, LIMIT_JSON_ELEMENTS, NULL) == -1) {
		cJSON_Delete(t);
		buf_free(&b);
		return (NULL);
	}
	cJSON_Delete(t);
	out = buf_take(&b, len);
	return (out);
}

/*
 * State vectors (tests/vectors/states.json): short histories by two
 * regions, each change given whole, and the state document and digest the
 * merge rules give after each step that matters.  A compatible node that
 * folds the same changes must print the same digests.
 */
#define ST_MAXC	8

struct st_step {
	int		 author;	/* 0: Smolensk, 1: Kaluga */
	const char	*ts;		/* the change's HLC */
	int		 par[2];	/* parent steps, -1: none */
	enum op_kind	 kind;
	int		 field;
	const char	*a, *b;		/* by kind: see st_ops() */
	int		 ref;		/* the step whose entry 0 is named */
	bool		 show;		/* print the state after it */
};

struct st_scenario {
	const char	*name;
	struct st_step	 steps[ST_MAXC];
	int		 n;
};

#define NP	{ -1, -1 }
static const struct st_scenario scenarios[] = {
	{ "two regions set the phone at once: a conflict, then resolved", {
	    { 0, "0194f7c6a8000000", NP, OP_PERSON_CREATE, -1, NULL, NULL,
	      -1, false },
	    { 0, "0194f7c6a8010000", { 0, -1 }, OP_CONSENT_ADD, -1,
	      "transfer", "Заявление № 17", -1, false },
	    { 0, "0194f7c6a8020000", { 1, -1 }, OP_TRANSFER_OFFER, -1,
	      "RU-KLU", "Переезд в Калугу", -1, false },
	    { 1, "0194f7c6a8030000", { 2, -1 }, OP_TRANSFER_ACCEPT, -1, NULL,
	      NULL, 2, false },
	    { 1, "0194f7c6a8040000", { 3, -1 }, OP_PERSON_SET, PF_PHONE,
	      "+7 910 111 11 11", NULL, -1, false },
	    { 0, "0194f7c6a8050000", { 2, -1 }, OP_PERSON_SET, PF_PHONE,
	      "+7 920 222 22 22", NULL, -1, true },
	    { 1, "0194f7c6a8060000", { 4, 5 }, OP_CONFLICT_RESOLVE, PF_PHONE,
	      "+7 910 111 11 11", NULL, 4, true } }, 7 },
	{ "an accept racing a cancel: the cancel came first", {
	    { 0, "0194f7c6a8000000", NP, OP_PERSON_CREATE, -1, NULL, NULL,
	      -1, false },
	    { 0, "0194f7c6a8010000", { 0, -1 }, OP_CONSENT_ADD, -1,
	      "transfer", "Заявление № 17", -1, false },
	    { 0, "0194f7c6a8020000", { 1, -1 }, OP_TRANSFER_OFFER, -1,
	      "RU-KLU", "Переезд в Калугу", -1, false },
	    { 0, "0194f7c6a8030000", { 2, -1 }, OP_TRANSFER_CANCEL, -1, NULL,
	      NULL, 2, false },
	    { 1, "0194f7c6a8030001", { 2, -1 }, OP_TRANSFER_ACCEPT, -1, NULL,
	      NULL, 2, true } }, 5 },
	{ "a link to another dossier of the same person, then undone", {
	    { 0, "0194f7c6a8000000", NP, OP_PERSON_CREATE, -1, NULL, NULL,
	      -1, false },
	    { 0, "0194f7c6a8010000", { 0, -1 }, OP_PERSON_LINK, -1,
	      "0c2e4a6b-8d0f-4a1b-9c3d-5e7f9a1b3c5d", "Тот же СНИЛС", -1,
	      true },
	    { 0, "0194f7c6a8020000", { 1, -1 }, OP_PERSON_UNLINK, -1,
	      "Разные люди", NULL, 1, true } }, 3 },
	{ "corrections: an episode, an assessment and a consent; two at "
	  "once, the later in the total order wins", {
	    { 0, "0194f7c6a8000000", NP, OP_PERSON_CREATE, -1, NULL, NULL,
	      -1, false },
	    { 0, "0194f7c6a8010000", { 0, -1 }, OP_EPISODE_OPEN, -1,
	      "Петрова Е. В.", "2023-07-01", -1, false },
	    { 0, "0194f7c6a8020000", { 1, -1 }, OP_ASSESSMENT_ADD, -1,
	      "social_rent", "2024-06-30", -1, false },
	    { 0, "0194f7c6a8030000", { 2, -1 }, OP_CONSENT_ADD, -1,
	      "transfer", "Заявление № 17", -1, true },
	    { 0, "0194f7c6a8040000", { 3, -1 }, OP_EPISODE_AMEND, -1,
	      "Сидорова Е. В.", "2023-07-03", 1, true },
	    { 0, "0194f7c6a8050000", { 4, -1 }, OP_ASSESSMENT_AMEND, -1,
	      "dormitory", NULL, 2, false },
	    { 0, "0194f7c6a8050001", { 4, -1 }, OP_ASSESSMENT_AMEND, -1,
	      "own", NULL, 2, true },
	    { 0, "0194f7c6a8060000", { 5, 6 }, OP_CONSENT_AMEND, -1,
	      NULL, "Заявление № 17 (копия)", 3, true } }, 8 },
};

static const char *const st_regions[2] = { "RU-SMO", "RU-KLU" };
static const char *const st_users[2] = { "petrova", "sidorov" };

/* The operation of a step; ref is the named entry's id. */
static void
st_op(const struct st_step *t, const char *ref, struct op *o)
{
	memset(o, 0, sizeof(*o));
	o->kind = t->kind;
	o->field = t->field;
	switch (t->kind) {
	case OP_PERSON_CREATE:
		o->person[PF_SURNAME] = "Иванова";
		o->person[PF_NAME] = "Анна";
		o->person[PF_BIRTH_DATE] = "2005-04-12";
		o->person[PF_SEX] = "F";
		o->person[PF_PHONE] = "+7 900 000 00 00";
		break;
	case OP_CONSENT_ADD:
		o->arg[OA_SCOPE] = t->a;
		o->arg[OA_DATE] = "2024-07-01";
		o->arg[OA_DOCUMENT] = t->b;
		break;
	case OP_TRANSFER_OFFER:
		o->arg[OA_TO] = t->a;
		o->arg[OA_REASON] = t->b;
		break;
	case OP_PERSON_SET:
	case OP_CONFLICT_RESOLVE:
		o->arg[OA_VALUE] = t->a;
		o->arg[OA_REF] = ref;
		break;
	case OP_EPISODE_OPEN:
		o->arg[OA_CENTRE] = "Центр постинтернатного сопровождения";
		o->arg[OA_CURATOR] = t->a;
		o->arg[OA_DATE] = t->b;
		break;
	case OP_ASSESSMENT_ADD:
		o->arg[OA_HOUSING] = t->a;
		o->arg[OA_DATE] = t->b;
		break;
	case OP_EPISODE_AMEND:
		o->arg[OA_CURATOR] = t->a;
		o->arg[OA_DATE] = t->b;
		o->arg[OA_REF] = ref;
		break;
	case OP_ASSESSMENT_AMEND:
		o->arg[OA_HOUSING] = t->a;
		o->arg[OA_REF] = ref;
		break;
	case OP_CONSENT_AMEND:
		o->arg[OA_DOCUMENT] = t->b;
		o->arg[OA_REF] = ref;
		break;
	case OP_PERSON_LINK:
		o->arg[OA_OTHER] = t->a;
		o->arg[OA_REASON] = t->b;
		break;
	case OP_PERSON_UNLINK:
		o->arg[OA_REASON] = t->a;
		o->arg[OA_REF] = ref;
		break;
	default:
		o->arg[OA_REF] = ref;
		break;
	}
}

static int
st_cmp(const void *a, const void *b)
{
	const struct change *x = *(struct change *const *)a;
	const struct change *y = *(struct change *const *)b;

	return (hlc_order(x->hlc, x->key, x->id, y->hlc, y->key, y->id));
}

/* One scenario as a JSON object, or NULL. */
static cJSON *
st_scenario(const struct st_scenario *sc, struct sig_key *keys[2])
{
	struct change	 hdr, *c[ST_MAXC], *sorted[ST_MAXC];
	struct dossier	*d;
	struct buf	 b;
	struct op	 o;
	uint8_t		 pub[2][SIG_PUB_LEN], sig[SIG_LEN];
	char		 kid[2][SIG_KEYID_LEN + 1], ref[80], why[256];
	char		 par[2][CHANGE_ID_HEX + 1], dg[65], did[37];
	cJSON		*j, *arr, *states, *x;
	int		 i, k, m, np, ok = 0;

	memset(c, 0, sizeof(c));
	if ((j = cJSON_CreateObject()) == NULL)
		return (NULL);
	cJSON_AddStringToObject(j, "name", sc->name);
	arr = cJSON_AddArrayToObject(j, "changes");
	states = cJSON_AddArrayToObject(j, "states");
	for (k = 0; k < 2; k++) {
		sig_key_public(keys[k], pub[k]);
		sig_key_id(pub[k], kid[k]);
	}
	for (i = 0; i < sc->n; i++) {
		const struct st_step *t = &sc->steps[i];

		memset(&hdr, 0, sizeof(hdr));
		hlc_parse(t->ts, strlen(t->ts), &hdr.hlc);
		/* The dossier is the one its first change derives. */
		if (i == 0)
			change_dossier_id(st_regions[t->author],
			    kid[t->author], hdr.hlc, did);
		memcpy(hdr.dossier, did, sizeof(hdr.dossier));
		memcpy(hdr.key, kid[t->author], sizeof(hdr.key));
		snprintf(hdr.region, sizeof(hdr.region), "%s",
		    st_regions[t->author]);
		hdr.user = st_users[t->author];
		for (np = 0; np < 2 && t->par[np] >= 0; np++)
			memcpy(par[np], c[t->par[np]]->id, sizeof(par[np]));
		if (np == 2 && strcmp(par[0], par[1]) > 0) {
			memcpy(ref, par[0], sizeof(par[0]));
			memcpy(par[0], par[1], sizeof(par[0]));
			memcpy(par[1], ref, sizeof(par[1]));
		}
		hdr.parents = par;
		hdr.nparents = (size_t)np;
		if (t->ref >= 0)
			snprintf(ref, sizeof(ref), "%s/0", c[t->ref]->id);
		st_op(t, t->ref >= 0 ? ref : NULL, &o);
		buf_init(&b, LIMIT_CHANGE_BYTES);
		if (change_encode(&b, &hdr, &o, 1, &c[i], why,
		    sizeof(why)) != 0 || sig_sign(keys[t->author],
		    CHANGE_PREFIX, b.data, b.len, sig) == -1) {
			fprintf(stderr, "vectors: %s, step %d: %s\n", sc->name,
			    i, why);
			buf_free(&b);
			goto out;
		}
		x = cJSON_CreateObject();
		cJSON_AddItemToArray(arr, x);
		cJSON_AddStringToObject(x, "region", st_regions[t->author]);
		add_hex(x, "public_key_hex", pub[t->author], SIG_PUB_LEN);
		add_hex(x, "change_hex", (uint8_t *)b.data, b.len);
		cJSON_AddStringToObject(x, "id_hex", c[i]->id);
		add_hex(x, "signature_hex", sig, SIG_LEN);
		buf_free(&b);
		if (!t->show)
			continue;
		/* The state of changes 0..i, folded in the total order. */
		memcpy(sorted, c, sizeof(c));
		qsort(sorted, (size_t)i + 1, sizeof(sorted[0]), st_cmp);
		if ((d = dossier_new(hdr.dossier)) == NULL)
			goto out;
		for (m = 0; m <= i; m++)
			if (dossier_apply(d, &sorted[m]->meta, sorted[m]->ops,
			    sorted[m]->nops) != 0) {
				dossier_free(d);
				goto out;
			}
		x = cJSON_CreateObject();
		cJSON_AddItemToArray(states, x);
		cJSON_AddNumberToObject(x, "after_changes", i + 1);
		cJSON_AddItemToObject(x, "state", view_json(d));
		if (view_digest(d, dg) == -1) {
			dossier_free(d);
			goto out;
		}
		cJSON_AddStringToObject(x, "digest_hex", dg);
		dossier_free(d);
	}
	ok = 1;
out:
	for (i = 0; i < sc->n; i++)
		change_free(c[i]);
	if (!ok) {
		cJSON_Delete(j);
		return (NULL);
	}
	return (j);
}

static int
state_vectors(struct sig_key *k, struct sig_key *other)
{
	struct sig_key	*keys[2] = { k, other };
	cJSON		*arr, *o;
	char		*out;
	size_t		 i;
	int		 rc = EX_SOFTWARE;

	if ((arr = cJSON_CreateArray()) == NULL)
		return (EX_OSERR);
	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if ((o = st_scenario(&scenarios[i], keys)) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, o);
	}
	if ((out = cJSON_Print(arr)) == NULL)
		goto out;
	printf("%s\n", out);
	free(out);
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	return (rc);
}

int
cmd_vectors(int argc, char **argv)
{
	struct sig_key	*k = NULL, *other = NULL;
	uint8_t		 seed[32], seed2[32], pub[SIG_PUB_LEN], sig[SIG_LEN];
	char		 kid[SIG_KEYID_LEN + 1], why[256];
	char		 ids[64][CHANGE_ID_HEX + 1], id[CHANGE_ID_HEX + 1];
	char		*text = NULL, *bytes = NULL, *mut, *out;
	struct change	*c;
	cJSON		*arr = NULL, *o;
	size_t		 i, len;
	int		 nids = 0, rc = EX_SOFTWARE;
	const char	*tm = NULL;

	bool		 states = argc == 2 && strcmp(argv[1], "--states") == 0;

	if (argc != 1 && !states) {
		printf("%s\n", cli_tr("usage: opora vectors [--states]\n  "
		    "prints the protocol test vectors (tests/vectors/"
		    "changes.json);\n  --states: the state vectors "
		    "(tests/vectors/states.json)",
		    "использование: opora vectors [--states]\n  выводит "
		    "тестовые векторы протокола (tests/vectors/changes.json);\n"
		    "  --states: векторы состояний (tests/vectors/states.json)"));
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	change_id(vec_seed_text, strlen(vec_seed_text), id);
	sig_hex_decode(id, CHANGE_ID_HEX, seed, 32);
	change_id("opora other key", 15, id);
	sig_hex_decode(id, CHANGE_ID_HEX, seed2, 32);
	if ((k = sig_key_from_seed(seed)) == NULL ||
	    (other = sig_key_from_seed(seed2)) == NULL ||
	    (arr = cJSON_CreateArray()) == NULL)
		goto out;
	if (states) {
		rc = state_vectors(k, other);
		goto out;
	}
	sig_key_public(k, pub);
	sig_key_id(pub, kid);
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		free(text);
		free(bytes);
		text = bytes = NULL;
		tm = v->json != NULL ? v->json : invalid_base;
		if ((text = fill(tm, kid, ids, v)) == NULL ||
		    (bytes = canonical(text, &len)) == NULL) {
			fprintf(stderr, "vectors: %s does not build\n",
			    v->name);
			goto out;
		}
		if (v->from != NULL) {
			if ((mut = replace(bytes, v->from, v->to)) == NULL) {
				fprintf(stderr, "vectors: %s: no \"%s\"\n",
				    v->name, v->from);
				goto out;
			}
			free(bytes);
			bytes = mut;
			len = strlen(bytes);
		}
		if (v->tamper == 5 ? sig_sign_identity_r(seed, CHANGE_PREFIX,
		    bytes, len, sig) == -1 : sig_sign(v->tamper == 3 ? other :
		    k, CHANGE_PREFIX, bytes, len, sig) == -1)
			goto out;
		if (v->tamper == 4)
			add_order(sig + 32);
		/* 'К' (D0 9A) becomes 'Л' (D0 9B): still well formed. */
		if (v->tamper == 1 && (mut = strstr(bytes, "Контакт")) != NULL)
			mut[1] ^= 0x01;
		if (v->tamper == 2)
			sig[10] ^= 0x04;
		change_id(bytes, len, id);
		/* The generator checks itself: valid ones must decode. */
		if (v->reason == NULL) {
			if (change_decode(bytes, len, &c, why, sizeof(why)) !=
			    0) {
				fprintf(stderr, "vectors: %s: %s\n", v->name,
				    why);
				goto out;
			}
			change_free(c);
			memcpy(ids[nids++], id, sizeof(id));
		}
		if ((o = cJSON_CreateObject()) == NULL)
			goto out;
		cJSON_AddItemToArray(arr, o);
		cJSON_AddStringToObject(o, "name", v->name);
		add_hex(o, "public_key_hex", pub, SIG_PUB_LEN);
		cJSON_AddStringToObject(o, "prefix", CHANGE_PREFIX);
		add_hex(o, "change_hex", (uint8_t *)bytes, len);
		cJSON_AddStringToObject(o, "id_hex", id);
		add_hex(o, "signature_hex", sig, SIG_LEN);
		cJSON_AddBoolToObject(o, "valid", v->reason == NULL);
		if (v->reason != NULL)
			cJSON_AddStringToObject(o, "reason", v->reason);
	}
	if ((out = cJSON_Print(arr)) == NULL)
		goto out;
	printf("%s\n", out);
	free(out);
	rc = EX_OK;
out:
	cJSON_Delete(arr);
	free(text);
	free(bytes);
	sig_key_free(k);
	sig_key_free(other);
	return (rc);
}
