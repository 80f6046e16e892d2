/*
 * tests/unit/test_change.c: encoding and checking changes (protocol/change.h).
 *
 * Every operation kind round-trips through change_encode and change_decode;
 * accepted bytes are canonical, their id is SHA-256 of the bytes, and
 * encoding the decoded change again gives the same bytes.  Each rule of
 * docs/protocol.md refuses with a reason naming the member at fault, and
 * change_decode refuses hand-written bytes that no encoder would make.
 * Bytes are always decoded from exact-size heap copies without a NUL, so
 * AddressSanitizer catches any read past the length.
 *
 * Tests of behaviour that protocol/change.c gets wrong at the time of
 * writing were found by these tests and are fixed; their tests now run always.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/limits.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"

#define DOSSIER	"5b1f2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
#define HLC	0x0194f7c6a8000000ULL	/* 2025-02-12 01:29:39 UTC */
#define HLC_HEX	"0194f7c6a8000000"
#define KEY	"0123456789abcdef"
#define REGION	"RU-SMO"
#define USER	"petrova"
#define TODAY	"2025-02-12"		/* the day of HLC */

/* An entry id: the id of some change, "/", an operation's index. */
#define REF_ID	"9f86d081884c7d659a2feaa0c55ad015" \
		"a3bf4f1b2b0b822cd15d6c15b0f00a08"
#define REF	REF_ID "/0"

/* Parents: PARENT(i) is 64 hex digits of i + 1, so they sort by i. */
static char	 parents[LIMIT_PARENTS + 2][CHANGE_ID_HEX + 1];

static int
setup(void **state)
{
	int	 i;

	(void)state;
	for (i = 0; i < LIMIT_PARENTS + 2; i++)
		snprintf(parents[i], sizeof(parents[i]), "%064x", i + 1);
	return (0);
}

static void
hdr_init(struct change *h, size_t nparents)
{
	memset(h, 0, sizeof(*h));
	/* Version 1, whose first changes may name any dossier: these tests
	 * are about the form of operations; test_dossier_binding is about
	 * version 2. */
	h->v = 1;
	memcpy(h->dossier, DOSSIER, sizeof(DOSSIER));
	h->hlc = HLC;
	memcpy(h->key, KEY, sizeof(KEY));
	memcpy(h->region, REGION, sizeof(REGION));
	h->user = USER;
	h->parents = parents;
	h->nparents = nparents;
}

static struct op
op_of(enum op_kind k)
{
	struct op	 o;

	memset(&o, 0, sizeof(o));
	o.kind = k;
	o.field = -1;
	return (o);
}

/* A person.create with the required fields and a SNILS. */
static struct op
create(void)
{
	struct op	 o = op_of(OP_PERSON_CREATE);

	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	o.person[PF_SNILS] = "11223344595";
	return (o);
}

static struct op
event_add(void)
{
	struct op	 o = op_of(OP_EVENT_ADD);

	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "t";
	return (o);
}

static void
sha256_hex(const void *p, size_t len, char out[CHANGE_ID_HEX + 1])
{
	uint8_t	 md[SHA256_DIGEST_LENGTH];
	int	 i;

	SHA256(p, len, md);
	for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* change_decode from an exact-size copy without a NUL. */
static int
decode_copy(const void *p, size_t len, struct change **c, char *why,
    size_t whysz)
{
	char	*copy = malloc(len ? len : 1);
	int	 r;

	assert_non_null(copy);
	memcpy(copy, p, len);
	*c = (struct change *)(uintptr_t)1;	/* must be overwritten */
	why[0] = '\0';
	r = change_decode(copy, len, c, why, whysz);
	free(copy);
	if (r == 0) {
		assert_non_null(*c);
	} else {
		assert_int_equal(r, -1);
		assert_null(*c);
		assert_true(strlen(why) > 0);
	}
	return (r);
}

static int
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* The decoded op d says what the op in said. */
static void
assert_op_matches(const struct op *in, const struct op *d, size_t idx)
{
	const char	*want;
	int		 i;

	if (d->kind != in->kind)
		fail_msg("ops[%zu]: kind %d, wanted %d", idx, d->kind,
		    in->kind);
	if (d->field != in->field)
		fail_msg("ops[%zu]: field %d, wanted %d", idx, d->field,
		    in->field);
	for (i = 0; i < PF_COUNT; i++)
		if (!str_same(in->person[i], d->person[i]))
			fail_msg("ops[%zu].%s: \"%s\", wanted \"%s\"", idx,
			    op_field_name(i), d->person[i] ? d->person[i] :
			    "(null)", in->person[i] ? in->person[i] : "(null)");
	for (i = 0; i < OA_COUNT; i++) {
		want = in->arg[i];
		if (i == OA_FIELD)	/* person.set names its field */
			want = in->kind == OP_PERSON_SET ||
			    in->kind == OP_CONFLICT_RESOLVE ?
			    op_field_name(in->field) : NULL;
		if (!str_same(want, d->arg[i]))
			fail_msg("ops[%zu] arg %d: \"%s\", wanted \"%s\"", idx,
			    i, d->arg[i] ? d->arg[i] : "(null)",
			    want ? want : "(null)");
	}
}

/* Everything that must hold of a change accepted with header h. */
static void
check_accepted(const struct change *h, const struct op *ops, size_t nops,
    const char *bytes, size_t len, const struct change *c)
{
	char		 id[CHANGE_ID_HEX + 1], why[256];
	struct change	*d = NULL, *e = NULL;
	struct buf	 again;
	const char	*w;
	cJSON		*t;
	char		*copy;
	size_t		 i;

	/* Canonical: jcs_parse accepts exactly these bytes. */
	copy = malloc(len);
	assert_non_null(copy);
	memcpy(copy, bytes, len);
	t = jcs_parse(copy, len, &w);
	free(copy);
	if (t == NULL)
		fail_msg("encoded bytes not canonical: %s", w);
	cJSON_Delete(t);
	/* The id is SHA-256 of the bytes, in lowercase hex. */
	sha256_hex(bytes, len, id);
	assert_string_equal(c->id, id);
	change_id(bytes, len, id);
	assert_string_equal(c->id, id);
	/* The header. */
	assert_string_equal(c->dossier, h->dossier);
	assert_true(c->hlc == h->hlc);
	assert_string_equal(c->key, h->key);
	assert_string_equal(c->region, h->region);
	assert_string_equal(c->user, h->user);
	assert_int_equal(c->nparents, h->nparents);
	for (i = 0; i < h->nparents; i++)
		assert_string_equal(c->parents[i], h->parents[i]);
	assert_int_equal(c->nops, nops);
	for (i = 0; i < nops; i++)
		assert_op_matches(&ops[i], &c->ops[i], i);
	assert_true(c->meta.id == c->id);
	assert_true(c->meta.hlc == c->hlc);
	assert_string_equal(c->meta.key, h->key);
	assert_string_equal(c->meta.region, h->region);
	assert_string_equal(c->meta.user, h->user);
	assert_non_null(c->tree);
	/* Decoding the bytes afresh gives the same change. */
	if (decode_copy(bytes, len, &d, why, sizeof(why)) == -1)
		fail_msg("encoded, but decoding refuses: %s", why);
	assert_string_equal(d->id, c->id);
	assert_int_equal(d->nops, nops);
	for (i = 0; i < nops; i++)
		assert_op_matches(&ops[i], &d->ops[i], i);
	/* Encoding the decoded change gives the very same bytes. */
	buf_init(&again, LIMIT_CHANGE_BYTES);
	if (change_encode(&again, d, d->ops, d->nops, &e, why,
	    sizeof(why)) == -1)
		fail_msg("re-encoding refused: %s", why);
	assert_int_equal(again.len, len);
	assert_memory_equal(again.data, bytes, len);
	assert_string_equal(e->id, c->id);
	change_free(e);
	buf_free(&again);
	change_free(d);
}

/*
 * Encode ops with nparents parents.  NULL if accepted (and checked), else
 * the reason, in a static buffer.
 */
static const char *
try_ops(const struct op *ops, size_t nops, size_t nparents)
{
	static char	 why[512];
	struct change	 h, *c = NULL;
	struct buf	 b;
	int		 r;

	hdr_init(&h, nparents);
	buf_init(&b, LIMIT_CHANGE_BYTES);
	why[0] = '\0';
	r = change_encode(&b, &h, ops, nops, &c, why, sizeof(why));
	if (r == 0) {
		assert_non_null(c);
		assert_false(buf_failed(&b));
		check_accepted(&h, ops, nops, b.data, b.len, c);
	} else {
		assert_int_equal(r, -1);
		assert_null(c);
		assert_true(strlen(why) > 0);
	}
	change_free(c);
	buf_free(&b);
	return (r == 0 ? NULL : why);
}

static void
accepted(const struct op *ops, size_t nops, size_t nparents)
{
	const char	*why = try_ops(ops, nops, nparents);

	if (why != NULL)
		fail_msg("refused: %s", why);
}

static void
accepted1(struct op o, size_t nparents)
{
	accepted(&o, 1, nparents);
}

static void
refused(const struct op *ops, size_t nops, size_t nparents,
    const char *needle)
{
	const char	*why = try_ops(ops, nops, nparents);

	if (why == NULL)
		fail_msg("accepted, but should be refused for \"%s\"", needle);
	if (strstr(why, needle) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, needle);
}

static void
refused1(struct op o, size_t nparents, const char *needle)
{
	refused(&o, 1, nparents, needle);
}

/* The person.create of the header, byte for byte. */
static void
test_person_create_bytes(void **state)
{
	static const char want[] = "{\"dossier\":\"" DOSSIER "\",\"hlc\":\""
	    HLC_HEX "\",\"key\":\"" KEY "\",\"ops\":[{\"birth_date\":"
	    "\"2005-04-12\",\"name\":\"Анна\",\"op\":\"person.create\","
	    "\"sex\":\"F\",\"snils\":\"11223344595\",\"surname\":\"Иванова\"}],"
	    "\"parents\":[],\"region\":\"" REGION "\",\"user\":\"" USER "\","
	    "\"v\":1}";
	struct change	 h, *c = NULL;
	struct op	 o = create();
	struct buf	 b;
	char		 why[256], id[CHANGE_ID_HEX + 1];
	size_t		 start;

	(void)state;
	hdr_init(&h, 0);
	memset(h.id, 'z', CHANGE_ID_HEX);	/* ignored */
	buf_init(&b, LIMIT_CHANGE_BYTES);
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    0);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	check_accepted(&h, &o, 1, b.data, b.len, c);
	assert_int_equal(c->ops[0].kind, OP_PERSON_CREATE);
	assert_string_equal(c->ops[0].person[PF_SURNAME], "Иванова");
	assert_string_equal(c->ops[0].person[PF_NAME], "Анна");
	assert_string_equal(c->ops[0].person[PF_BIRTH_DATE], "2005-04-12");
	assert_string_equal(c->ops[0].person[PF_SEX], "F");
	assert_string_equal(c->ops[0].person[PF_SNILS], "11223344595");
	assert_null(c->ops[0].person[PF_PATRONYMIC]);
	assert_null(c->ops[0].person[PF_EMAIL]);
	assert_int_equal(c->ops[0].field, -1);
	assert_int_equal(c->nparents, 0);
	sha256_hex(want, strlen(want), id);
	assert_string_equal(c->id, id);
	change_free(c);
	c = NULL;

	/* Appended after what the buffer holds; decoded is optional. */
	buf_reset(&b);
	assert_int_equal(buf_adds(&b, "PREFIX\n"), 0);
	start = b.len;
	assert_int_equal(change_encode(&b, &h, &o, 1, NULL, why, sizeof(why)),
	    0);
	assert_memory_equal(b.data, "PREFIX\n", start);
	assert_int_equal(b.len - start, strlen(want));
	assert_memory_equal(b.data + start, want, strlen(want));
	/* A refused change leaves what was there before. */
	o.person[PF_SURNAME] = NULL;
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    -1);
	assert_null(c);
	assert_int_equal(b.len, start + strlen(want));
	assert_memory_equal(b.data + start, want, strlen(want));
	buf_free(&b);
}

/* change_encode_checked makes the bytes change_encode makes, and the
 * change decoding them gives; with two parents it decodes anyway. */
static void
test_encode_checked(void **state)
{
	struct change	 h, *c = NULL, *e = NULL;
	struct op	 o = op_of(OP_EVENT_ADD), first = create(), *op;
	struct buf	 a, b;
	char		 why[256];
	size_t		 np;

	(void)state;
	o.arg[OA_DATE] = "2024-02-01";
	o.arg[OA_TYPE] = "housing";
	o.arg[OA_TEXT] = "Получила \"квартиру\"\n\\ по договору";
	for (np = 0; np <= 2; np++) {
		op = np == 0 ? &first : &o;
		hdr_init(&h, np);
		buf_init(&a, LIMIT_CHANGE_BYTES);
		buf_init(&b, LIMIT_CHANGE_BYTES);
		if (change_encode(&a, &h, op, 1, &c, why, sizeof(why)) != 0)
			fail_msg("np %zu: %s", np, why);
		assert_int_equal(change_encode_checked(&b, &h, op, 1, &e, why,
		    sizeof(why)), 0);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		assert_string_equal(c->id, e->id);
		assert_string_equal(e->meta.id, e->id);
		assert_int_equal(e->hlc, c->hlc);
		assert_int_equal(e->nparents, np);
		assert_int_equal(e->meta.nparents, np);
		assert_int_equal(e->nops, 1);
		assert_int_equal(e->ops[0].kind, op->kind);
		if (np > 0)
			assert_string_equal(e->ops[0].arg[OA_TEXT],
			    c->ops[0].arg[OA_TEXT]);
		assert_string_equal(e->user, USER);
		assert_string_equal(e->dossier, DOSSIER);
		change_free(c);
		change_free(e);
		c = e = NULL;
		buf_free(&a);
		buf_free(&b);
	}
	/* Too large: refused, the buffer as it was. */
	hdr_init(&h, 1);
	buf_init(&b, LIMIT_CHANGE_BYTES + 4096);
	{
		static char	 big[LIMIT_CHANGE_BYTES];

		memset(big, 'x', sizeof(big) - 1);
		o.arg[OA_TEXT] = big;
		assert_int_not_equal(change_encode_checked(&b, &h, &o, 1, &e,
		    why, sizeof(why)), 0);
	}
	assert_null(e);
	assert_int_equal(b.len, 0);
	buf_free(&b);
}

/* xorshift64: the same operations on every run. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

/*
 * change_encode_checked writes a change without a tree: for any header
 * and operations it makes the bytes change_encode_tree makes, or refuses
 * them as it does, with the same reason and the buffer as it was.
 * Random operations of every kind (and of none), any field, every slot
 * absent or holding a string that needs escapes, is not UTF-8, or is long
 * enough to pass the size limit; the user too.
 */
static void
test_encode_direct(void **state)
{
	static const char *const pool[] = {
		"", "a", "Анна", "Иванова-Петрова", "\"quoted\"", "back\\slash",
		"line\nbreak\ttab\rret\bbs\fff", "\x01\x1f ctl", "del\x7f",
		"emoji \xf0\x9f\x98\x80", "\xff", "\xc3", "\xed\xa0\x80",
		"\xc0\xaf", "\xe2\x80\xa8 sep", "2024-01-01", "/", "<script>",
	};
	static char	 big[LIMIT_CHANGE_BYTES / 3];
	const size_t	 npool = sizeof(pool) / sizeof(pool[0]);
	uint64_t	 seed = 0x9e3779b97f4a7c15ULL, r;
	struct change	 h, *e;
	struct op	 ops[3];
	struct buf	 a, b;
	char		 wa[256], wb[256], id[CHANGE_ID_HEX + 1];
	size_t		 iter, i, k, nops, made = 0, refused = 0, encoded = 0;
	int		 ra, rb;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	for (iter = 0; iter < 30000; iter++) {
		r = rnd(&seed);
		hdr_init(&h, r % 2);
		h.v = (r >> 1) % 2 ? 1 : CHANGE_VERSION;
		if ((r >> 2) % 8 == 0)
			h.user = pool[(r >> 5) % npool];
		nops = 1 + (size_t)((r >> 12) % 3);
		for (i = 0; i < nops; i++) {
			r = rnd(&seed);
			ops[i] = op_of((enum op_kind)(r % (OP_KIND_COUNT + 1)));
			ops[i].field = (int)((r >> 8) % (PF_COUNT + 2)) - 1;
			for (k = 0; k < OA_COUNT + PF_COUNT; k++) {
				const char	**slot = k < OA_COUNT ?
				    &ops[i].arg[k] : &ops[i].person[k -
				    OA_COUNT];

				r = rnd(&seed);
				if (r % 3 != 0)
					continue;
				*slot = (r >> 4) % 200 == 0 ? big :
				    pool[(r >> 12) % npool];
			}
		}
		buf_init(&a, LIMIT_CHANGE_BYTES);
		buf_init(&b, LIMIT_CHANGE_BYTES);
		assert_int_equal(buf_adds(&a, "PREFIX"), 0);
		assert_int_equal(buf_adds(&b, "PREFIX"), 0);
		wa[0] = wb[0] = '\0';
		ra = change_encode_tree(&a, &h, ops, nops, wa, sizeof(wa));
		e = NULL;
		rb = change_encode_checked(&b, &h, ops, nops, &e, wb,
		    sizeof(wb));
		if (ra == 0 && a.len - 6 <= LIMIT_CHANGE_BYTES) {
			if (rb != 0)
				fail_msg("iteration %zu: refused (%s) what the "
				    "tree writes", iter, wb);
			assert_int_equal(a.len, b.len);
			assert_memory_equal(a.data, b.data, a.len);
			change_id(a.data + 6, a.len - 6, id);
			assert_non_null(e);
			assert_string_equal(e->id, id);
			made++;
		} else {
			if (ra != 0 && (rb != ra || strcmp(wa, wb) != 0))
				fail_msg("iteration %zu: %d \"%s\", the tree "
				    "%d \"%s\"", iter, rb, wb, ra, wa);
			assert_int_not_equal(rb, 0);
			assert_null(e);
			if (!buf_failed(&b)) {
				assert_int_equal(b.len, 6);
				assert_memory_equal(b.data, "PREFIX", 7);
			}
			refused++;
		}
		change_free(e);
		/* change_encode writes them so too, then decodes them. */
		buf_free(&b);
		buf_init(&b, LIMIT_CHANGE_BYTES);
		wb[0] = '\0';
		e = NULL;
		rb = change_encode(&b, &h, ops, nops, &e, wb, sizeof(wb));
		if (ra != 0 && (rb != ra || strcmp(wa, wb) != 0))
			fail_msg("iteration %zu: change_encode %d \"%s\", the "
			    "tree %d \"%s\"", iter, rb, wb, ra, wa);
		if (rb == 0) {
			assert_int_equal(a.len - 6, b.len);
			assert_memory_equal(a.data + 6, b.data, b.len);
			assert_non_null(e);
			encoded++;
		}
		change_free(e);
		buf_free(&a);
		buf_free(&b);
	}
	/* Both outcomes were tried, many times. */
	assert_true(made > 1000);
	assert_true(refused > 1000);
	/* Random values are mostly refused by the decoding: valid ones,
	 * with every escape a text can need, are written by change_encode
	 * as the tree writes them. */
	for (iter = 0; iter < 2000; iter++) {
		static const char *const texts[] = {
			"a", "Анна", "\"quoted\"", "back\\slash",
			"line\nbreak\ttab", "emoji \xf0\x9f\x98\x80",
			"\xe2\x80\xa8 sep", "/", "<script>", "\xc2\xa0nbsp",
		};
		const size_t	 nt = sizeof(texts) / sizeof(texts[0]);

		r = rnd(&seed);
		hdr_init(&h, r % 2);
		if (r % 2 == 0) {
			ops[0] = create();
			/* A name or an address is one line. */
			ops[0].person[PF_PATRONYMIC] = texts[(r >> 4) % nt];
			ops[0].person[PF_ADDRESS] = texts[(r >> 8) % nt];
			for (k = PF_PATRONYMIC; k <= PF_ADDRESS;
			    k += PF_ADDRESS - PF_PATRONYMIC)
				if (strchr(ops[0].person[k], '\n') != NULL)
					ops[0].person[k] = texts[0];
		} else {
			ops[0] = op_of(OP_EVENT_ADD);
			ops[0].arg[OA_DATE] = "2024-02-01";
			ops[0].arg[OA_TYPE] = "housing";
			ops[0].arg[OA_TEXT] = texts[(r >> 4) % nt];
		}
		buf_init(&a, LIMIT_CHANGE_BYTES);
		buf_init(&b, LIMIT_CHANGE_BYTES);
		assert_int_equal(change_encode_tree(&a, &h, ops, 1, wa,
		    sizeof(wa)), 0);
		e = NULL;
		if (change_encode(&b, &h, ops, 1, &e, wb, sizeof(wb)) != 0)
			fail_msg("iteration %zu: refused: %s", iter, wb);
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.data, b.data, a.len);
		change_id(a.data, a.len, id);
		assert_string_equal(e->id, id);
		change_free(e);
		buf_free(&a);
		buf_free(&b);
		encoded++;
	}
	assert_true(encoded > 2000);
}

static void
test_person_create_full(void **state)
{
	struct op	 o = create();

	(void)state;
	o.person[PF_PATRONYMIC] = "Сергеевна";
	o.person[PF_INSTITUTION] = "Смоленский детский дом № 2";
	o.person[PF_GRADUATED] = "2023-06-30";
	o.person[PF_PHONE] = "+7 (900) 123-45-67";
	o.person[PF_EMAIL] = "anna@example.ru";
	o.person[PF_ADDRESS] = "г. Смоленск, ул. Ленина, д. 1, кв. 2";
	accepted1(o, 0);
	/* Without the optional ones, and without a SNILS. */
	o = create();
	o.person[PF_SNILS] = NULL;
	accepted1(o, 0);
	/* A SNILS from before check numbers (up to 001-001-998). */
	o.person[PF_SNILS] = "00100199800";
	accepted1(o, 0);
	/* Born on the change's own day. */
	o = create();
	o.person[PF_BIRTH_DATE] = TODAY;
	accepted1(o, 0);
	/* Graduation up to 366 days ahead. */
	o.person[PF_GRADUATED] = "2026-02-13";
	accepted1(o, 0);
	o.person[PF_GRADUATED] = "2026-02-14";
	refused1(o, 0, "ops[0].graduated: 2026-02-14 is in the future");
}

static void
test_every_operation(void **state)
{
	struct op	 o, all[OP_KIND_COUNT];
	size_t		 n = 0;
	int		 f;

	(void)state;
	all[n++] = create();

	o = op_of(OP_EPISODE_OPEN);
	o.arg[OA_CENTRE] = "Центр постинтернатного сопровождения";
	o.arg[OA_CURATOR] = "Петрова Е. В.";
	o.arg[OA_DATE] = "2024-01-01";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_EPISODE_CLOSE);
	o.arg[OA_REF] = REF;
	o.arg[OA_DATE] = "2024-02-01";
	accepted1(o, 1);
	o.arg[OA_REASON] = "Сопровождение завершено.\nЦели достигнуты.";
	accepted1(o, 1);
	all[n++] = o;

	o = event_add();
	o.arg[OA_DATE] = "2025-02-13";		/* one day of grace */
	o.arg[OA_TYPE] = "crisis";
	o.arg[OA_TEXT] = "Строка\nвторая\tс табуляцией";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_EVENT_AMEND);
	o.arg[OA_REF] = REF_ID "/63";
	o.arg[OA_TEXT] = "исправлено";
	accepted1(o, 1);
	o.arg[OA_TEXT] = NULL;
	o.arg[OA_DATE] = "2024-03-03";
	accepted1(o, 1);
	o.arg[OA_DATE] = NULL;
	o.arg[OA_TYPE] = "legal";
	accepted1(o, 1);
	o.arg[OA_DATE] = "2024-03-03";
	o.arg[OA_TEXT] = "всё сразу";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_EVENT_RETRACT);
	o.arg[OA_REF] = REF;
	o.arg[OA_REASON] = "ошибка";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2024-06-30";
	o.arg[OA_FAMILY] = "parent";
	accepted1(o, 1);
	o.arg[OA_HOUSING] = "dormitory";
	o.arg[OA_EDUCATION] = "vocational";
	o.arg[OA_EMPLOYMENT] = "unemployed_seeking";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "statistics";
	o.arg[OA_DATE] = "2024-06-30";
	o.arg[OA_DOCUMENT] = "Согласие № 1 от 30.06.2024";
	accepted1(o, 1);
	o.arg[OA_SCOPE] = "transfer";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_CONSENT_WITHDRAW);
	o.arg[OA_REF] = REF;
	o.arg[OA_DATE] = "2024-07-30";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = "RU-KLU";
	o.arg[OA_REASON] = "переезд в Калугу";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_TRANSFER_ACCEPT);
	o.arg[OA_REF] = REF_ID "/1";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_TRANSFER_DECLINE);
	o.arg[OA_REF] = REF_ID "/1";
	o.arg[OA_REASON] = "нет мест";
	accepted1(o, 1);
	all[n++] = o;

	o = op_of(OP_TRANSFER_CANCEL);
	o.arg[OA_REF] = REF_ID "/1";
	accepted1(o, 1);
	all[n++] = o;

	/* person.set of every field, then clearing each optional one. */
	for (f = 0; f < PF_COUNT; f++) {
		static const char *const values[PF_COUNT] = {
			[PF_SURNAME] = "Смирнова",
			[PF_NAME] = "Анна-Мария",
			[PF_PATRONYMIC] = "Олеговна",
			[PF_BIRTH_DATE] = "2005-04-13",
			[PF_SEX] = "M",
			[PF_SNILS] = "11223344595",
			[PF_INSTITUTION] = "Колледж",
			[PF_GRADUATED] = "2025-06-30",
			[PF_PHONE] = "8 900 000-00-00",
			[PF_EMAIL] = "a.b@mail.example",
			[PF_ADDRESS] = "Смоленск",
		};

		o = op_of(OP_PERSON_SET);
		o.field = f;
		o.arg[OA_VALUE] = values[f];
		accepted1(o, 1);
		o.arg[OA_VALUE] = "";
		if (f == PF_SURNAME || f == PF_NAME || f == PF_BIRTH_DATE ||
		    f == PF_SEX) {
			char	 needle[64];

			snprintf(needle, sizeof(needle),
			    "ops[0].value: %s cannot be cleared",
			    op_field_name(f));
			refused1(o, 1, needle);
		} else
			accepted1(o, 1);
	}
	o = op_of(OP_PERSON_SET);
	o.field = PF_PHONE;
	o.arg[OA_VALUE] = "+7 900 000 00 00";
	all[n++] = o;

	o = op_of(OP_CONFLICT_RESOLVE);
	o.arg[OA_REF] = REF_ID "/2";
	o.field = PF_PHONE;
	o.arg[OA_VALUE] = "+7 900 000 00 01";
	accepted1(o, 1);
	o.arg[OA_VALUE] = "";
	accepted1(o, 1);
	o.field = PF_SURNAME;
	refused1(o, 1, "ops[0].value: surname cannot be cleared");
	o.field = PF_PHONE;
	o.arg[OA_VALUE] = "not a phone";
	refused1(o, 1, "ops[0].value: not a phone number");
	o.arg[OA_VALUE] = "+7 900 000 00 01";
	o.arg[OA_REF] = "bad";
	refused1(o, 1, "ops[0].conflict: not an entry id");
	o.arg[OA_REF] = REF_ID "/2";
	all[n++] = o;

	o = op_of(OP_PERSON_LINK);
	o.arg[OA_OTHER] = "0b1e6a2c-5a4f-4c5e-9d59-3f1f3a2b7c11";
	o.arg[OA_REASON] = "тот же СНИЛС";
	accepted1(o, 1);
	o.arg[OA_OTHER] = "0B1E6A2C-5A4F-4C5E-9D59-3F1F3A2B7C11";
	refused1(o, 1, "ops[0].other: not a dossier id");
	o.arg[OA_OTHER] = "0b1e6a2c-5a4f-4c5e-9d59-3f1f3a2b7c11";
	o.arg[OA_REASON] = NULL;
	refused1(o, 1, "ops[0]: person.link needs \"reason\"");
	o.arg[OA_REASON] = "тот же СНИЛС";
	all[n++] = o;

	o = op_of(OP_PERSON_UNLINK);
	o.arg[OA_REF] = REF_ID "/3";
	o.arg[OA_REASON] = "разные люди";
	accepted1(o, 1);
	all[n++] = o;

	/* The corrections of issue 14: an entry and at least one member. */
	o = op_of(OP_EPISODE_AMEND);
	o.arg[OA_REF] = REF_ID "/4";
	refused1(o, 1, "ops[0]: episode.amend changes nothing");
	o.arg[OA_CURATOR] = "Сидорова Е. В.";
	accepted1(o, 1);
	o.arg[OA_DATE] = "2024-13-01";
	refused1(o, 1, "ops[0].date: \"2024-13-01\" is not a real date");
	o.arg[OA_DATE] = "2024-01-10";
	o.arg[OA_CENTRE] = "Центр № 2";
	accepted1(o, 1);
	o.arg[OA_REF] = NULL;
	refused1(o, 1, "ops[0]: episode.amend needs \"episode\"");
	o.arg[OA_REF] = REF_ID "/4";
	all[n++] = o;

	o = op_of(OP_ASSESSMENT_AMEND);
	o.arg[OA_REF] = REF_ID "/5";
	refused1(o, 1, "ops[0]: assessment.amend changes nothing");
	o.arg[OA_HOUSING] = "palace";
	refused1(o, 1, "ops[0].housing: \"palace\" is not one of the "
	    "allowed values");
	o.arg[OA_HOUSING] = "dormitory";
	accepted1(o, 1);
	o.arg[OA_HOUSING] = NULL;
	o.arg[OA_DATE] = "2024-06-30";
	accepted1(o, 1);
	o.arg[OA_EMPLOYMENT] = "employed";
	all[n++] = o;

	o = op_of(OP_CONSENT_AMEND);
	o.arg[OA_REF] = REF_ID "/6";
	refused1(o, 1, "ops[0]: consent.amend changes nothing");
	o.arg[OA_DOCUMENT] = "Заявление № 18";
	accepted1(o, 1);
	o.arg[OA_DATE] = "2024-07-02";
	accepted1(o, 1);
	all[n++] = o;

	/* An erasure stands alone, with a ground, and never in a root. */
	o = op_of(OP_PERSON_ERASE);
	o.arg[OA_REASON] = "152-ФЗ, ст. 21, ч. 4";
	accepted1(o, 1);
	refused1(o, 0, "must begin with person.create");
	all[n] = o;
	refused(all + n - 1, 2, 1, "person.erase must be the only operation");
	o.arg[OA_REASON] = NULL;
	refused1(o, 1, "ops[0]: person.erase needs \"ground\"");
	o.arg[OA_REASON] = "";
	refused1(o, 1, "ground");

	/* Every other kind at once, in one change that opens a dossier. */
	assert_int_equal(n, OP_KIND_COUNT - 2);
	accepted(all, n, 0);
	/* And without the person.create, as a later change. */
	accepted(all + 1, n - 1, 3);
}

static void
test_missing_required(void **state)
{
	static const int req[] = { PF_SURNAME, PF_NAME, PF_BIRTH_DATE,
	    PF_SEX };
	struct op	 o;
	char		 needle[64];
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(req) / sizeof(req[0]); i++) {
		o = create();
		o.person[req[i]] = NULL;
		snprintf(needle, sizeof(needle),
		    "ops[0]: person.create needs \"%s\"",
		    op_field_name(req[i]));
		refused1(o, 0, needle);
	}
	o = event_add();
	o.arg[OA_TEXT] = NULL;
	refused1(o, 1, "event.add needs \"text\"");
	o = event_add();
	o.arg[OA_TYPE] = NULL;
	refused1(o, 1, "event.add needs \"type\"");
	o = op_of(OP_EPISODE_OPEN);
	o.arg[OA_CENTRE] = "Центр";
	o.arg[OA_DATE] = "2024-01-01";
	refused1(o, 1, "episode.open needs \"curator\"");
	o = op_of(OP_EVENT_RETRACT);
	o.arg[OA_REF] = REF;
	refused1(o, 1, "event.retract needs \"reason\"");
	o = op_of(OP_TRANSFER_OFFER);
	o.arg[OA_REASON] = "r";
	refused1(o, 1, "transfer.offer needs \"to\"");
	o = op_of(OP_TRANSFER_ACCEPT);
	refused1(o, 1, "transfer.accept needs \"offer\"");
	o = op_of(OP_CONSENT_WITHDRAW);
	o.arg[OA_DATE] = "2024-01-01";
	refused1(o, 1, "consent.withdraw needs \"consent\"");
	o = op_of(OP_PERSON_SET);
	o.field = PF_PHONE;
	refused1(o, 1, "person.set needs \"value\"");
}

static void
test_dates(void **state)
{
	struct op	 o;

	(void)state;
	/* Not real dates. */
	o = create();
	o.person[PF_BIRTH_DATE] = "2024-02-30";
	refused1(o, 0, "ops[0].birth_date: \"2024-02-30\" is not a real date");
	o.person[PF_BIRTH_DATE] = "2023-02-29";	/* not a leap year */
	refused1(o, 0, "ops[0].birth_date");
	o.person[PF_BIRTH_DATE] = "2024-02-29";		/* a leap year */
	accepted1(o, 0);
	o.person[PF_BIRTH_DATE] = "2005-4-12";
	refused1(o, 0, "ops[0].birth_date");
	o.person[PF_BIRTH_DATE] = "12.04.2005";
	refused1(o, 0, "ops[0].birth_date");
	o.person[PF_BIRTH_DATE] = "1899-12-31";
	refused1(o, 0, "ops[0].birth_date");
	o.person[PF_BIRTH_DATE] = "2005-13-01";
	refused1(o, 0, "ops[0].birth_date");
	/* Birth after the change's day (from its HLC): refused. */
	o.person[PF_BIRTH_DATE] = "2025-02-13";
	refused1(o, 0, "ops[0].birth_date: 2025-02-13 is in the future");
	o.person[PF_BIRTH_DATE] = TODAY;
	accepted1(o, 0);
	/* Events: one day of grace, not two. */
	o = event_add();
	o.arg[OA_DATE] = "2025-02-13";
	accepted1(o, 1);
	o.arg[OA_DATE] = "2025-02-14";
	refused1(o, 1, "ops[0].date: 2025-02-14 is in the future");
	o.arg[OA_DATE] = "2024-02-30";
	refused1(o, 1, "ops[0].date: \"2024-02-30\" is not a real date");
	/* The same rule for every date member. */
	o = op_of(OP_EPISODE_OPEN);
	o.arg[OA_CENTRE] = "Центр";
	o.arg[OA_CURATOR] = "Петрова";
	o.arg[OA_DATE] = "2025-02-14";
	refused1(o, 1, "ops[0].date: 2025-02-14 is in the future");
	o = op_of(OP_EVENT_AMEND);
	o.arg[OA_REF] = REF;
	o.arg[OA_DATE] = "2025-02-14";
	refused1(o, 1, "ops[0].date: 2025-02-14 is in the future");
	o = op_of(OP_PERSON_SET);
	o.field = PF_BIRTH_DATE;
	o.arg[OA_VALUE] = "2025-02-13";
	refused1(o, 1, "ops[0].value: 2025-02-13 is in the future");
	/* The bad operation is named by its index. */
	{
		struct op	 ops[3];

		ops[0] = create();
		ops[1] = event_add();
		ops[2] = event_add();
		ops[2].arg[OA_DATE] = "2025-02-14";
		refused(ops, 3, 0, "ops[2].date: 2025-02-14 is in the future");
	}
}

static void
test_values(void **state)
{
	struct op	 o;
	char		*big;

	(void)state;
	/* SNILS with a wrong check number, or not 11 digits. */
	o = create();
	o.person[PF_SNILS] = "11223344596";
	refused1(o, 0, "ops[0].snils: not a valid SNILS");
	o.person[PF_SNILS] = "112-233-445 95";
	refused1(o, 0, "ops[0].snils");
	o.person[PF_SNILS] = "1122334459";
	refused1(o, 0, "ops[0].snils");
	/* Enumerations. */
	o = create();
	o.person[PF_SEX] = "X";
	refused1(o, 0, "ops[0].sex: \"X\" is not one of the allowed values");
	o = event_add();
	o.arg[OA_TYPE] = "holiday";
	refused1(o, 1, "ops[0].type: \"holiday\" is not one of the allowed");
	o.arg[OA_TYPE] = "Contact";
	refused1(o, 1, "ops[0].type");
	o = op_of(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_HOUSING] = "castle";
	refused1(o, 1, "ops[0].housing");
	o = op_of(OP_CONSENT_ADD);
	o.arg[OA_SCOPE] = "everything";
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_DOCUMENT] = "d";
	refused1(o, 1, "ops[0].scope");
	o = op_of(OP_TRANSFER_OFFER);
	o.arg[OA_TO] = "RU-XXX";
	o.arg[OA_REASON] = "r";
	refused1(o, 1, "ops[0].to: \"RU-XXX\" is not a region code");
	/* Empty strings, anywhere but a person.set value. */
	o = event_add();
	o.arg[OA_TEXT] = "";
	refused1(o, 1, "ops[0].text: empty");
	o = create();
	o.person[PF_PATRONYMIC] = "";
	refused1(o, 0, "ops[0].patronymic: empty");
	/* Only white space is not text. */
	o = event_add();
	o.arg[OA_TEXT] = " \n\t ";
	refused1(o, 1, "ops[0].text");
	/* Text: LIMIT_TEXT bytes fit, one more does not. */
	big = malloc(LIMIT_TEXT + 2);
	assert_non_null(big);
	memset(big, 'x', LIMIT_TEXT);
	big[LIMIT_TEXT] = '\0';
	o = event_add();
	o.arg[OA_TEXT] = big;
	accepted1(o, 1);
	big[LIMIT_TEXT] = 'x';
	big[LIMIT_TEXT + 1] = '\0';
	refused1(o, 1, "ops[0].text: empty, too long");
	/* Names: LIMIT_NAME bytes of UTF-8 (50 Cyrillic letters). */
	o = create();
	memset(big, 0, LIMIT_TEXT + 2);
	while (strlen(big) < LIMIT_NAME)
		strcat(big, "ж");
	o.person[PF_SURNAME] = big;
	accepted1(o, 0);
	strcat(big, "a");
	refused1(o, 0, "ops[0].surname");
	free(big);
	/* Control characters: none in a name; \n and \t in a text only. */
	o = create();
	o.person[PF_NAME] = "Ан\x01на";
	refused1(o, 0, "ops[0].name: empty, too long, not UTF-8, or holds "
	    "control characters");
	o.person[PF_NAME] = "Ан\nна";
	refused1(o, 0, "ops[0].name");
	o.person[PF_NAME] = "Ан\x7fна";
	refused1(o, 0, "ops[0].name");
	o = event_add();
	o.arg[OA_TEXT] = "a\rb";
	refused1(o, 1, "ops[0].text");
	o.arg[OA_TEXT] = "a\x1b[31mb";
	refused1(o, 1, "ops[0].text");
	/* Phones and e-mail addresses. */
	o = create();
	o.person[PF_PHONE] = "call me";
	refused1(o, 0, "ops[0].phone");
	o.person[PF_PHONE] = "12+34567";
	refused1(o, 0, "ops[0].phone");
	o = create();
	o.person[PF_EMAIL] = "anna@localhost";
	refused1(o, 0, "ops[0].email");
	o.person[PF_EMAIL] = "an na@example.ru";
	refused1(o, 0, "ops[0].email");
	/* person.set: an unknown field; a value of the field's type. */
	o = op_of(OP_PERSON_SET);
	o.field = PF_SNILS;
	o.arg[OA_VALUE] = "11223344596";
	refused1(o, 1, "ops[0].value: not a valid SNILS");
	o.field = PF_SEX;
	o.arg[OA_VALUE] = "female";
	refused1(o, 1, "ops[0].value");
	/* Assessing nothing. */
	o = op_of(OP_ASSESSMENT_ADD);
	o.arg[OA_DATE] = "2024-01-01";
	refused1(o, 1, "ops[0]: assessment.add assesses nothing");
}

static void
test_person_set_clearing(void **state)
{
	struct op	 o;

	(void)state;
	o = op_of(OP_PERSON_SET);
	o.field = PF_SURNAME;
	o.arg[OA_VALUE] = "";
	refused1(o, 1, "ops[0].value: surname cannot be cleared");
	o.field = PF_EMAIL;
	accepted1(o, 1);
}

static void
test_structure(void **state)
{
	struct op	 o, many[LIMIT_OPS_PER_CHANGE + 1];
	int		 i;

	(void)state;
	/* person.create opens a dossier: no parents, first operation. */
	o = create();
	refused1(o, 1, "ops[0]: person.create may only open a dossier");
	{
		struct op	 two[2];

		two[0] = create();
		two[1] = create();
		refused(two, 2, 0, "ops[1]: person.create may only open");
		two[0] = event_add();
		refused(two, 2, 1, "ops[1]: person.create may only open");
	}
	/* A change without parents begins with person.create. */
	refused1(event_add(), 0, "a change without parents must begin with "
	    "person.create");
	/* 1 to LIMIT_OPS_PER_CHANGE operations. */
	for (i = 0; i <= LIMIT_OPS_PER_CHANGE; i++)
		many[i] = event_add();
	accepted(many, LIMIT_OPS_PER_CHANGE, 1);
	refused(many, LIMIT_OPS_PER_CHANGE + 1, 1,
	    "ops: must hold 1 to 64 operations");
	refused(many, 0, 1, "ops: must hold 1 to 64 operations");
	/* Up to LIMIT_PARENTS parents. */
	accepted1(event_add(), LIMIT_PARENTS);
	refused1(event_add(), LIMIT_PARENTS + 1, "parents: more than 16");
}

static void
test_event_amend(void **state)
{
	struct op	 o;

	(void)state;
	o = op_of(OP_EVENT_AMEND);
	o.arg[OA_REF] = REF;
	refused1(o, 1, "ops[0]: event.amend changes nothing");
	o.arg[OA_TYPE] = "holiday";
	refused1(o, 1, "ops[0].type");
	o.arg[OA_TYPE] = NULL;
	o.arg[OA_TEXT] = "";
	refused1(o, 1, "ops[0].text: empty");
}

static void
test_entry_refs(void **state)
{
	static const char *const bad[] = {
		"",
		"/0",
		"0",
		REF_ID,
		REF_ID "/",
		REF_ID "/01",
		REF_ID "/00",
		REF_ID "/64",
		REF_ID "/100",
		REF_ID "/1000",
		REF_ID "/-1",
		REF_ID "/+1",
		REF_ID "/1a",
		REF_ID "/0 ",
		REF_ID "0/0",
		"9f86d081884c7d659a2feaa0c55ad015"	/* 63 digits */
		    "a3bf4f1b2b0b822cd15d6c15b0f00a0/0",
		"9F86D081884C7D659A2FEAA0C55AD015"	/* uppercase */
		    "A3BF4F1B2B0B822CD15D6C15B0F00A08/0",
		"9f86d081884c7d659a2feaa0c55ad015"	/* not hex */
		    "a3bf4f1b2b0b822cd15d6c15b0f00a0g/0",
		"aaaa/0",
		REF_ID ":0",
	};
	static const char *const good[] = {
		REF_ID "/0", REF_ID "/9", REF_ID "/10", REF_ID "/63",
	};
	struct op	 o;
	size_t		 i;

	(void)state;
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!change_ref_valid(good[i]))
			fail_msg("change_ref_valid refuses %s", good[i]);
		o = op_of(OP_EVENT_RETRACT);
		o.arg[OA_REF] = good[i];
		o.arg[OA_REASON] = "r";
		accepted1(o, 1);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (change_ref_valid(bad[i]))
			fail_msg("change_ref_valid accepts \"%s\"", bad[i]);
		if (bad[i][0] == '\0')
			continue;		/* empty: refused as empty */
		o = op_of(OP_EVENT_AMEND);
		o.arg[OA_REF] = bad[i];
		o.arg[OA_TEXT] = "t";
		refused1(o, 1, "ops[0].event: not an entry id");
	}
	/* Each kind names its own reference member. */
	o = op_of(OP_EPISODE_CLOSE);
	o.arg[OA_REF] = "aaaa/0";
	o.arg[OA_DATE] = "2024-01-01";
	refused1(o, 1, "ops[0].episode: not an entry id");
	o = op_of(OP_CONSENT_WITHDRAW);
	o.arg[OA_REF] = "aaaa/0";
	o.arg[OA_DATE] = "2024-01-01";
	refused1(o, 1, "ops[0].consent: not an entry id");
	o = op_of(OP_TRANSFER_CANCEL);
	o.arg[OA_REF] = "aaaa/0";
	refused1(o, 1, "ops[0].offer: not an entry id");
}

/* The bytes of a change with the given members (others as the header). */
static char *
doc(const char *ops, const char *parents_json, const char *region,
    const char *user, const char *v)
{
	size_t	 sz = strlen(ops) + strlen(parents_json) +
		    strlen(region) + strlen(user) + strlen(v) + 256;
	char	*s = malloc(sz);
	int	 n;

	assert_non_null(s);
	n = snprintf(s, sz, "{\"dossier\":\"" DOSSIER "\",\"hlc\":\"" HLC_HEX
	    "\",\"key\":\"" KEY "\",\"ops\":%s,\"parents\":%s,\"region\":"
	    "\"%s\",\"user\":\"%s\",\"v\":%s}", ops, parents_json, region,
	    user, v);
	assert_true(n > 0 && (size_t)n < sz);
	return (s);
}

#define EV	"[{\"date\":\"2024-01-01\",\"op\":\"event.add\"," \
		"\"text\":\"t\",\"type\":\"contact\"}]"
#define P1	"[\"" REF_ID "\"]"

static void
decode_refuses(const char *text, const char *needle)
{
	struct change	*c;
	char		 why[256];

	if (decode_copy(text, strlen(text), &c, why, sizeof(why)) == 0) {
		change_free(c);
		fail_msg("accepted %s", text);
	}
	if (strstr(why, needle) == NULL)
		fail_msg("reason \"%s\" does not say \"%s\"", why, needle);
}

static void
decode_refuses_doc(char *text, const char *needle)
{
	decode_refuses(text, needle);
	free(text);
}

static void
test_decode_handwritten(void **state)
{
	struct change	*c;
	char		 why[256], *s;
	size_t		 i;

	(void)state;
	/* The base document is accepted, so each refusal below is due to
	 * the one thing changed. */
	s = doc(EV, P1, REGION, USER, "1");
	assert_int_equal(decode_copy(s, strlen(s), &c, why, sizeof(why)), 0);
	assert_int_equal(c->nparents, 1);
	assert_string_equal(c->parents[0], REF_ID);
	assert_int_equal(c->nops, 1);
	assert_int_equal(c->ops[0].kind, OP_EVENT_ADD);
	assert_string_equal(c->ops[0].arg[OA_TEXT], "t");
	assert_true(c->hlc == HLC);
	assert_string_equal(c->user, USER);
	change_free(c);
	/* Every proper prefix is refused, and read within its length. */
	for (i = 0; i < strlen(s); i++) {
		if (decode_copy(s, i, &c, why, sizeof(why)) == 0) {
			change_free(c);
			fail_msg("accepted a prefix of %zu bytes", i);
		}
	}
	free(s);

	/* An unknown top-level member. */
	decode_refuses("{\"dossier\":\"" DOSSIER "\",\"hlc\":\"" HLC_HEX
	    "\",\"key\":\"" KEY "\",\"ops\":" EV ",\"parents\":" P1
	    ",\"region\":\"" REGION "\",\"user\":\"" USER "\",\"v\":1,"
	    "\"w\":1}", "unknown member \"w\"");
	decode_refuses("{\"author\":\"x\",\"dossier\":\"" DOSSIER
	    "\",\"hlc\":\"" HLC_HEX "\",\"key\":\"" KEY "\",\"ops\":" EV
	    ",\"parents\":" P1 ",\"region\":\"" REGION "\",\"user\":\"" USER
	    "\",\"v\":1}", "unknown member \"author\"");
	/* A missing member. */
	decode_refuses("{\"dossier\":\"" DOSSIER "\",\"hlc\":\"" HLC_HEX
	    "\",\"key\":\"" KEY "\",\"ops\":" EV ",\"parents\":" P1
	    ",\"region\":\"" REGION "\",\"v\":1}", "missing member \"user\"");
	decode_refuses("{\"dossier\":\"" DOSSIER "\",\"hlc\":\"" HLC_HEX
	    "\",\"key\":\"" KEY "\",\"ops\":" EV ",\"region\":\"" REGION
	    "\",\"user\":\"" USER "\",\"v\":1}", "missing member \"parents\"");
	/* Version. */
	decode_refuses_doc(doc(EV, P1, REGION, USER, "3"), "v:");
	decode_refuses_doc(doc(EV, P1, REGION, USER, "3"), "versions 1 and 2");
	decode_refuses_doc(doc(EV, P1, REGION, USER, "0"), "v:");
	decode_refuses_doc(doc(EV, P1, REGION, USER, "\"1\""), "v:");
	/* Parents: sorted, unique, change ids, at most LIMIT_PARENTS. */
	decode_refuses_doc(doc(EV, "[\"" REF_ID "\",\"" "0000000000000000"
	    "000000000000000000000000000000000000000000000001\"]", REGION,
	    USER, "1"), "parents: not sorted");
	decode_refuses_doc(doc(EV, "[\"" REF_ID "\",\"" REF_ID "\"]", REGION,
	    USER, "1"), "parents: not sorted, or repeated");
	decode_refuses_doc(doc(EV, "[\"abc\"]", REGION, USER, "1"),
	    "parents[0]: not a change id");
	decode_refuses_doc(doc(EV, "[1]", REGION, USER, "1"),
	    "parents[0]: not a change id");
	decode_refuses_doc(doc(EV, "{\"a\":1}", REGION, USER, "1"),
	    "parents: not an array");
	/* Header values. */
	decode_refuses_doc(doc(EV, P1, "RU-ZZZ", USER, "1"), "region");
	decode_refuses_doc(doc(EV, P1, "ru-smo", USER, "1"), "region");
	decode_refuses_doc(doc(EV, P1, REGION, "", "1"), "user");
	decode_refuses_doc(doc(EV, P1, REGION, "a\\nb", "1"), "user");
	decode_refuses("{\"dossier\":\"5B1F2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D\","
	    "\"hlc\":\"" HLC_HEX "\",\"key\":\"" KEY "\",\"ops\":" EV
	    ",\"parents\":" P1 ",\"region\":\"" REGION "\",\"user\":\"" USER
	    "\",\"v\":1}", "dossier");
	decode_refuses("{\"dossier\":\"" DOSSIER "\",\"hlc\":\"0194F7C6A8000000"
	    "\",\"key\":\"" KEY "\",\"ops\":" EV ",\"parents\":" P1
	    ",\"region\":\"" REGION "\",\"user\":\"" USER "\",\"v\":1}", "hlc");
	decode_refuses("{\"dossier\":\"" DOSSIER "\",\"hlc\":\"" HLC_HEX
	    "\",\"key\":\"0123456789abcde\",\"ops\":" EV ",\"parents\":" P1
	    ",\"region\":\"" REGION "\",\"user\":\"" USER "\",\"v\":1}", "key");
	/* Operations as JSON. */
	decode_refuses_doc(doc("[]", P1, REGION, USER, "1"),
	    "ops: must hold 1 to 64");
	decode_refuses_doc(doc("{\"a\":1}", P1, REGION, USER, "1"),
	    "ops: not an array");
	decode_refuses_doc(doc("[1]", P1, REGION, USER, "1"),
	    "ops[0]: not an object");
	decode_refuses_doc(doc("[{\"date\":\"2024-01-01\"}]", P1, REGION,
	    USER, "1"), "ops[0].op: missing");
	decode_refuses_doc(doc("[{\"op\":\"person.delete\"}]", P1, REGION,
	    USER, "1"), "ops[0].op: unknown operation \"person.delete\"");
	decode_refuses_doc(doc("[{\"colour\":\"red\",\"date\":\"2024-01-01\","
	    "\"op\":\"event.add\",\"text\":\"t\",\"type\":\"contact\"}]", P1,
	    REGION, USER, "1"), "ops[0]: event.add has no member \"colour\"");
	/* A consent's scope is not corrected: another scope is another
	 * consent. */
	decode_refuses_doc(doc("[{\"consent\":\"" REF_ID "/1\",\"op\":"
	    "\"consent.amend\",\"scope\":\"transfer\"}]", P1, REGION, USER,
	    "1"), "ops[0]: consent.amend has no member \"scope\"");
	decode_refuses_doc(doc("[{\"date\":20240101,\"op\":\"event.add\","
	    "\"text\":\"t\",\"type\":\"contact\"}]", P1, REGION, USER, "1"),
	    "ops[0].date: not a string");
	/* Not canonical, not JSON, too large. */
	s = doc(EV, P1, REGION, USER, "1");
	s[strlen(s) - 1] = ' ';
	decode_refuses(s, "not");
	free(s);
	decode_refuses("{\"dossier\": \"" DOSSIER "\"}", "not canonical");
	decode_refuses("[]", "a change must be a JSON object");
	decode_refuses("not json", "not JSON");
	{
		char	*big = malloc(LIMIT_CHANGE_BYTES + 1);

		assert_non_null(big);
		memset(big, ' ', LIMIT_CHANGE_BYTES + 1);
		assert_int_equal(change_decode(big, LIMIT_CHANGE_BYTES + 1,
		    &c, why, sizeof(why)), -1);
		assert_null(c);
		assert_non_null(strstr(why, "larger than 65536 bytes"));
		free(big);
	}
	/* A short reason buffer gets a truncated, terminated reason. */
	s = doc(EV, P1, REGION, USER, "3");
	memset(why, 'Z', sizeof(why));
	assert_int_equal(change_decode(s, strlen(s), &c, why, 8), -1);
	assert_int_equal(strlen(why), 7);
	free(s);
}

/*
 * Canonical bytes of a change of event.add operations, the last one's
 * text lengthened until the whole is exactly target bytes.
 */
static char *
change_of_size(size_t target, size_t *lenp)
{
	struct buf	 b;
	cJSON		*t, *ops, *o, *ps;
	char		*text, *s;
	const char	*why;
	size_t		 len, nfull, i, last = 1;

	text = malloc(LIMIT_TEXT + 1);
	assert_non_null(text);
	memset(text, 'x', LIMIT_TEXT);
	text[LIMIT_TEXT] = '\0';
	nfull = target / (LIMIT_TEXT + 100);
	for (;;) {
		t = cJSON_CreateObject();
		cJSON_AddStringToObject(t, "dossier", DOSSIER);
		cJSON_AddStringToObject(t, "hlc", HLC_HEX);
		cJSON_AddStringToObject(t, "key", KEY);
		ops = cJSON_AddArrayToObject(t, "ops");
		for (i = 0; i <= nfull; i++) {
			o = cJSON_CreateObject();
			cJSON_AddStringToObject(o, "date", "2024-01-01");
			cJSON_AddStringToObject(o, "op", "event.add");
			text[i < nfull ? LIMIT_TEXT : last] = '\0';
			cJSON_AddStringToObject(o, "text", text);
			text[i < nfull ? LIMIT_TEXT : last] = 'x';
			cJSON_AddStringToObject(o, "type", "contact");
			cJSON_AddItemToArray(ops, o);
		}
		ps = cJSON_AddArrayToObject(t, "parents");
		cJSON_AddItemToArray(ps, cJSON_CreateString(REF_ID));
		cJSON_AddStringToObject(t, "region", REGION);
		cJSON_AddStringToObject(t, "user", USER);
		cJSON_AddNumberToObject(t, "v", 1);
		buf_init(&b, 2 * LIMIT_CHANGE_BYTES);
		assert_int_equal(jcs_write(&b, t, LIMIT_JSON_ELEMENTS, &why),
		    0);
		cJSON_Delete(t);
		len = b.len;
		if (len == target)
			break;
		assert_true(len < target);
		last += target - len;
		assert_true(last <= LIMIT_TEXT);
		buf_free(&b);
	}
	free(text);
	s = buf_take(&b, lenp);
	buf_free(&b);
	return (s);
}

static void
test_size_limit(void **state)
{
	struct change	*c;
	char		 why[256], *s;
	size_t		 len;

	(void)state;
	s = change_of_size(LIMIT_CHANGE_BYTES, &len);
	assert_int_equal(len, LIMIT_CHANGE_BYTES);
	if (decode_copy(s, len, &c, why, sizeof(why)) == -1)
		fail_msg("refused a change of exactly the limit: %s", why);
	assert_true(c->nops > 1);
	change_free(c);
	free(s);
	s = change_of_size(LIMIT_CHANGE_BYTES + 1, &len);
	assert_int_equal(len, LIMIT_CHANGE_BYTES + 1);
	assert_int_equal(decode_copy(s, len, &c, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "larger than 65536 bytes"));
	free(s);
	/* change_encode refuses what change_decode would. */
	{
		struct op	 ops[9];
		struct change	 h;
		struct buf	 b;
		char		*text = malloc(LIMIT_TEXT + 1);
		int		 i;

		assert_non_null(text);
		memset(text, 'x', LIMIT_TEXT);
		text[LIMIT_TEXT] = '\0';
		for (i = 0; i < 9; i++) {
			ops[i] = event_add();
			ops[i].arg[OA_TEXT] = text;
		}
		hdr_init(&h, 1);
		buf_init(&b, 4 * LIMIT_CHANGE_BYTES);
		c = NULL;
		assert_int_equal(change_encode(&b, &h, ops, 9, &c, why,
		    sizeof(why)), -1);
		assert_null(c);
		assert_non_null(strstr(why, "larger than 65536 bytes"));
		buf_free(&b);
		free(text);
	}
}

static void
test_change_id_and_free(void **state)
{
	char	 id[CHANGE_ID_HEX + 1];

	(void)state;
	/* SHA-256 of "" and of "abc" (FIPS 180-2). */
	change_id("", 0, id);
	assert_string_equal(id, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	change_id("abc", 3, id);
	assert_string_equal(id, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	change_free(NULL);
}

/*
 * person.set without "field" (as change_encode makes it from .field = -1,
 * or as a peer may send it): check_value(V_VALUE) indexes person_required[]
 * and person_vkind[] with vc->field == -1 before the required-member check
 * runs: a global-buffer-overflow read (ASan), "index -1 out of bounds"
 * (UBSan).  It should be refused with 'person.set needs "field"'.
 */
static void
test_bug_person_set_without_field(void **state)
{
	struct op	 o;

	(void)state;
	o = op_of(OP_PERSON_SET);
	o.arg[OA_VALUE] = "";
	refused1(o, 1, "ops[0]: person.set needs \"field\"");
	o.arg[OA_VALUE] = "x";
	refused1(o, 1, "ops[0]: person.set needs \"field\"");
	decode_refuses_doc(doc("[{\"op\":\"person.set\",\"value\":\"\"}]", P1,
	    REGION, USER, "1"), "person.set needs \"field\"");
}

/*
 * Version 2 binds a dossier to its creator: its first change must name the
 * id derived from its own region, key and clock; later changes name it as
 * they like (their parents tie them to the first); version 1 first
 * changes are still read (a node's own old log).
 */
static void
test_dossier_binding(void **state)
{
	struct change	 h, *c = NULL;
	struct op	 o = op_of(OP_PERSON_CREATE);
	struct buf	 b;
	char		 id[37], other[37], why[256];
	uint64_t	 h2 = HLC + 1;

	(void)state;
	o.person[PF_SURNAME] = "Иванова";
	o.person[PF_NAME] = "Анна";
	o.person[PF_BIRTH_DATE] = "2005-04-12";
	o.person[PF_SEX] = "F";
	/* A known answer, so another implementation can check its own:
	 * SHA-256("opora-dossier-v2\nRU-SMO\n0123456789abcdef\n"
	 * "0194f7c6a8000000"), first 16 bytes, version 8, variant 10. */
	change_dossier_id(REGION, KEY, HLC, id);
	assert_string_equal(id, "14e8892c-d25d-8d3e-97e9-995eacc70ba4");
	assert_int_equal(id[14], '8');
	assert_true(strchr("89ab", id[19]) != NULL);
	assert_true(fields_uuid_valid(id, 36));
	/* It depends on each of region, key and clock. */
	change_dossier_id("RU-KLU", KEY, HLC, other);
	assert_string_not_equal(id, other);
	change_dossier_id(REGION, "fedcba9876543210", HLC, other);
	assert_string_not_equal(id, other);
	change_dossier_id(REGION, KEY, h2, other);
	assert_string_not_equal(id, other);

	hdr_init(&h, 0);
	h.v = 2;
	/* A first change naming a dossier not derived from it: refused. */
	buf_init(&b, LIMIT_CHANGE_BYTES);
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    -1);
	assert_non_null(strstr(why, "derived from its region, key and clock"));
	buf_free(&b);
	/* Naming its own: accepted, as version 2. */
	memcpy(h.dossier, id, sizeof(id));
	buf_init(&b, LIMIT_CHANGE_BYTES);
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    0);
	assert_int_equal(c->v, 2);
	assert_non_null(strstr((char *)b.data, "\"v\":2}"));
	change_free(c);
	buf_free(&b);
	/* Another key claiming that dossier with a first change: refused. */
	memcpy(h.key, "fedcba9876543210", 17);
	buf_init(&b, LIMIT_CHANGE_BYTES);
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    -1);
	buf_free(&b);
	/* A later change (with parents) of any dossier is not bound. */
	hdr_init(&h, 1);
	h.v = 2;
	o = op_of(OP_EVENT_ADD);
	o.arg[OA_DATE] = "2024-01-01";
	o.arg[OA_TYPE] = "contact";
	o.arg[OA_TEXT] = "t";
	buf_init(&b, LIMIT_CHANGE_BYTES);
	assert_int_equal(change_encode(&b, &h, &o, 1, &c, why, sizeof(why)),
	    0);
	change_free(c);
	buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_person_create_bytes),
		cmocka_unit_test(test_person_create_full),
		cmocka_unit_test(test_every_operation),
		cmocka_unit_test(test_missing_required),
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_person_set_clearing),
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_event_amend),
		cmocka_unit_test(test_entry_refs),
		cmocka_unit_test(test_decode_handwritten),
		cmocka_unit_test(test_dossier_binding),
		cmocka_unit_test(test_size_limit),
		cmocka_unit_test(test_encode_checked),
		cmocka_unit_test(test_encode_direct),
		cmocka_unit_test(test_change_id_and_free),
		cmocka_unit_test(test_bug_person_set_without_field),
	};

	return (cmocka_run_group_tests(tests, setup, NULL));
}
