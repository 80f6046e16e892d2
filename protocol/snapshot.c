/*
 * protocol/snapshot.c: statistics snapshots.  See snapshot.h.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "conflict/cellkey.h"
#include "conflict/hlc.h"
#include "protocol/change.h"
#include "protocol/fields.h"
#include "protocol/jcs.h"
#include "protocol/snapshot.h"

/* Sorted by code: snapshots list cells in this order. */
const struct snapshot_indicator snapshot_indicators[] = {
	{ "contact.3m", NULL, 0, "in contact in the last 3 months",
	    "на связи в последние 3 месяца" },
	{ "counted", NULL, 0, "counted (consented to statistics)",
	    "учтён(а) (дал(а) согласие на статистику)" },
	{ "crisis", NULL, 1, "a crisis in the period",
	    "кризисная ситуация в периоде" },
	{ "education.completed", "education", 0, "education completed",
	    "обучение завершено" },
	{ "education.higher", "education", 0, "in higher education",
	    "высшее образование" },
	{ "education.none", "education", 0, "not studying", "не учится" },
	{ "education.vocational", "education", 0, "in vocational education",
	    "среднее профессиональное образование" },
	{ "employment.employed", "employment", 0, "employed", "работает" },
	{ "employment.not_seeking", "employment", 0, "not seeking work",
	    "не работает и не ищет" },
	{ "employment.parental_leave", "employment", 0, "on parental leave",
	    "в отпуске по уходу за ребёнком" },
	{ "employment.unemployed_seeking", "employment", 0,
	    "unemployed and seeking work", "не работает, ищет работу" },
	{ "family.parent", "family", 0, "a parent", "есть дети" },
	{ "family.partner", "family", 0, "living with a partner",
	    "живёт с партнёром" },
	{ "family.single", "family", 0, "single", "одинок(а)" },
	{ "housing.dormitory", "housing", 0, "in a dormitory", "общежитие" },
	{ "housing.none", "housing", 0, "no housing", "нет жилья" },
	{ "housing.own", "housing", 0, "own home", "собственное жильё" },
	{ "housing.relatives", "housing", 0, "with relatives",
	    "у родственников" },
	{ "housing.social_rent", "housing", 0, "social tenancy",
	    "социальный наём" },
	{ "housing.temporary", "housing", 0, "temporary housing",
	    "временное жильё" },
	{ "registered", NULL, 0, "registered (with or without consent)",
	    "состоит на учёте (с согласием или без)" },
	{ "support", NULL, 0, "in support (an open support episode)",
	    "на сопровождении (открыт период сопровождения)" },
	{ "transfer.in", NULL, 0, "transferred in from another region",
	    "принят(а) из другого региона" },
	{ "transfer.out", NULL, 0, "transferred out to another region",
	    "передан(а) в другой регион" },
	{ NULL, NULL, 0, NULL, NULL }
};

const struct snapshot_indicator *
snapshot_indicator_find(const char *code)
{
	const struct snapshot_indicator	*i;

	for (i = snapshot_indicators; i->code != NULL; i++)
		if (strcmp(i->code, code) == 0)
			return (i);
	return (NULL);
}

void
snapshot_free(struct snapshot *s)
{
	free(s->cells);
	free(s->flows);
	s->cells = NULL;
	s->flows = NULL;
	s->ncells = s->nflows = 0;
}

int
snapshot_year(const char *s)
{
	int	 y = 0, i;

	for (i = 0; i < 4; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		y = y * 10 + (s[i] - '0');
	}
	return (y >= 1900 && y <= 2999 ? y : -1);
}

void
snapshot_period(int year, int q, char out[8])
{
	unsigned	 y = (unsigned)year % 10000u, k = (unsigned)q % 10u;

	if (k == 0)
		snprintf(out, 8, "%04u", y);
	else
		snprintf(out, 8, "%04u-Q%u", y, k);
}

static int
fail(char *why, size_t whysz, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(char *why, size_t whysz, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(why, whysz, fmt, ap);
	va_end(ap);
	return (-1);
}

static int
cell_cmp(const void *a, const void *b)
{
	const struct snapshot_cell	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->indicator, y->indicator)) != 0)
		return (c);
	if (x->sex != y->sex)
		return (x->sex < y->sex ? -1 : 1);
	/* Band names sort as their indexes do. */
	if (x->band != y->band)
		return (x->band < y->band ? -1 : 1);
	return (strcmp(x->period, y->period));
}

static int
flow_cmp(const void *a, const void *b)
{
	const struct snapshot_flow	*x = a, *y = b;
	int				 c;

	if ((c = strcmp(x->to, y->to)) != 0)
		return (c);
	if (x->sex != y->sex)
		return (x->sex < y->sex ? -1 : 1);
	if (x->band != y->band)
		return (x->band < y->band ? -1 : 1);
	return (x->year < y->year ? -1 : x->year > y->year);
}

/* The period's year, or -1 if it is not "YYYY" or "YYYY-Qn" of year. */
static bool
period_valid(const char *p, int year)
{
	char	 y[8], q[8];
	int	 k;

	snapshot_period(year, 0, y);
	if (strcmp(p, y) == 0)
		return (true);
	for (k = 1; k <= 4; k++) {
		snapshot_period(year, k, q);
		if (strcmp(p, q) == 0)
			return (true);
	}
	return (false);
}

int
snapshot_encode(struct snapshot *s, struct buf *out, char *why, size_t whysz)
{
	struct snapshot	 check;
	cJSON		*j, *a, *row;
	const char	*w = NULL;
	char		 hlc[17], num[8];
	size_t		 i, start = out->len;
	int		 rc = -1;

	if (s->ncells > 0)
		qsort(s->cells, s->ncells, sizeof(*s->cells), cell_cmp);
	if (s->nflows > 0)
		qsort(s->flows, s->nflows, sizeof(*s->flows), flow_cmp);
	if ((j = cJSON_CreateObject()) == NULL)
		return (fail(why, whysz, "out of memory"));
	a = cJSON_AddArrayToObject(j, "cells");
	for (i = 0; a != NULL && i < s->ncells; i++) {
		const struct snapshot_cell *c = &s->cells[i];
		char	 sex[2] = { c->sex, '\0' };

		if (c->band < 0 || c->band >= CELLKEY_NBANDS) {
			fail(why, whysz, "a cell outside the birth-year bands");
			goto out;
		}
		row = cJSON_CreateArray();
		cJSON_AddItemToArray(row, cJSON_CreateString(c->indicator));
		cJSON_AddItemToArray(row, cJSON_CreateString(sex));
		cJSON_AddItemToArray(row,
		    cJSON_CreateString(cellkey_bands[c->band].name));
		cJSON_AddItemToArray(row, cJSON_CreateString(c->period));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)c->count));
		cJSON_AddItemToArray(row,
		    cJSON_CreateNumber((double)c->keysum));
		cJSON_AddItemToArray(a, row);
	}
	a = cJSON_AddArrayToObject(j, "flows");
	for (i = 0; a != NULL && i < s->nflows; i++) {
		const struct snapshot_flow *f = &s->flows[i];
		char	 sex[2] = { f->sex, '\0' };

		if (f->band < 0 || f->band >= CELLKEY_NBANDS) {
			fail(why, whysz, "a flow outside the birth-year bands");
			goto out;
		}
		snprintf(num, sizeof(num), "%04d", f->year);
		row = cJSON_CreateArray();
		cJSON_AddItemToArray(row, cJSON_CreateString(f->to));
		cJSON_AddItemToArray(row, cJSON_CreateString(sex));
		cJSON_AddItemToArray(row,
		    cJSON_CreateString(cellkey_bands[f->band].name));
		cJSON_AddItemToArray(row, cJSON_CreateString(num));
		cJSON_AddItemToArray(row, cJSON_CreateNumber((double)f->count));
		cJSON_AddItemToArray(row,
		    cJSON_CreateNumber((double)f->keysum));
		cJSON_AddItemToArray(a, row);
	}
	hlc_format(s->hlc, hlc);
	snprintf(num, sizeof(num), "%04d", s->year);
	cJSON_AddStringToObject(j, "hlc", hlc);
	cJSON_AddStringToObject(j, "key", s->key);
	cJSON_AddStringToObject(j, "kind", "stats.snapshot");
	cJSON_AddStringToObject(j, "region", s->region);
	cJSON_AddNumberToObject(j, "v", SNAPSHOT_VERSION);
	cJSON_AddStringToObject(j, "year", num);
	if (jcs_write(out, j, SIZE_MAX, &w) == -1) {
		fail(why, whysz, "cannot write the snapshot: %s",
		    w != NULL ? w : "out of memory");
		goto out;
	}
	memset(&check, 0, sizeof(check));
	if (snapshot_decode(out->data + start, out->len - start, &check, why,
	    whysz) == -1)
		goto out;
	snapshot_free(&check);
	rc = 0;
out:
	cJSON_Delete(j);
	return (rc);
}

/* A member that must be a string; its value or NULL. */
static const char *
str_member(const cJSON *o, const char *k)
{
	const cJSON	*m = cJSON_GetObjectItemCaseSensitive(o, k);

	return (cJSON_IsString(m) ? m->valuestring : NULL);
}

/* An array of rows, each an array of nstr strings then nint integers: a
 * count, then a key sum (0 to 2^32 - 1). */
static int
rows(const cJSON *o, const char *k, int nstr, int nint, size_t *n,
    char *why, size_t whysz)
{
	const cJSON	*a = cJSON_GetObjectItemCaseSensitive(o, k), *r, *e;
	int		 i;
	int64_t		 v;

	if (!cJSON_IsArray(a))
		return (fail(why, whysz, "%s: missing or not an array", k));
	*n = 0;
	for (r = a->child; r != NULL; r = r->next, (*n)++) {
		if (!cJSON_IsArray(r) || cJSON_GetArraySize(r) != nstr + nint)
			return (fail(why, whysz, "%s[%zu]: not an array of "
			    "%d members", k, *n, nstr + nint));
		for (i = 0, e = r->child; e != NULL; e = e->next, i++) {
			if (i < nstr && !cJSON_IsString(e))
				return (fail(why, whysz, "%s[%zu][%d]: not a "
				    "string", k, *n, i));
			if (i == nstr && (jcs_int(e, &v) == -1 || v < 0 ||
			    v >= SNAPSHOT_MAX_COUNT))
				return (fail(why, whysz, "%s[%zu][%d]: not a "
				    "count (0 to %d)", k, *n, i,
				    SNAPSHOT_MAX_COUNT - 1));
			if (i > nstr && (jcs_int(e, &v) == -1 || v < 0 ||
			    v > (int64_t)SNAPSHOT_KEYSUM_MAX))
				return (fail(why, whysz, "%s[%zu][%d]: not a "
				    "key sum (0 to 2^32 - 1)", k, *n, i));
		}
	}
	return (0);
}

static int64_t
int_at(const cJSON *row, int i)
{
	int64_t	 v = 0;

	(void)jcs_int(cJSON_GetArrayItem(row, i), &v);
	return (v);
}

static const char *
str_at(const cJSON *row, int i)
{
	return (cJSON_GetArrayItem(row, i)->valuestring);
}

/* A four-digit year, 1900..2999; -1 if not. */
static int
year_of(const char *s)
{
	return (strlen(s) == 4 ? snapshot_year(s) : -1);
}

/* A sex ("F" or "M") and a band's name into *sex and *band; -1 if not. */
static int
group_of(const char *sex, const char *band, char *sx, int *bd)
{
	if (strcmp(sex, "F") != 0 && strcmp(sex, "M") != 0)
		return (-1);
	*sx = sex[0];
	return ((*bd = cellkey_band_find(band)) == -1 ? -1 : 0);
}

static int
decode_cells(const cJSON *t, struct snapshot *s, char *why, size_t whysz)
{
	const cJSON	*r;
	size_t		 i = 0;

	if (rows(t, "cells", 4, 2, &s->ncells, why, whysz) == -1)
		return (-1);
	if (s->ncells > 0 && (s->cells = calloc(s->ncells,
	    sizeof(*s->cells))) == NULL)
		return (fail(why, whysz, "out of memory"));
	for (r = cJSON_GetObjectItemCaseSensitive(t, "cells")->child;
	    r != NULL; r = r->next, i++) {
		struct snapshot_cell *c = &s->cells[i];

		if (snapshot_indicator_find(str_at(r, 0)) == NULL)
			return (fail(why, whysz, "cells[%zu]: \"%.40s\" is not "
			    "an indicator", i, str_at(r, 0)));
		snprintf(c->indicator, sizeof(c->indicator), "%s",
		    str_at(r, 0));
		if (group_of(str_at(r, 1), str_at(r, 2), &c->sex, &c->band) ==
		    -1)
			return (fail(why, whysz, "cells[%zu]: not a sex (F or "
			    "M) and a birth-year band", i));
		if (!period_valid(str_at(r, 3), s->year))
			return (fail(why, whysz, "cells[%zu]: \"%.10s\" is not "
			    "a period of %d", i, str_at(r, 3), s->year));
		snprintf(c->period, sizeof(c->period), "%s", str_at(r, 3));
		if ((c->count = int_at(r, 4)) == 0)
			return (fail(why, whysz, "cells[%zu]: a zero count "
			    "(leave the cell out)", i));
		c->keysum = (uint32_t)int_at(r, 5);
		if (i > 0 && cell_cmp(&s->cells[i - 1], c) >= 0)
			return (fail(why, whysz, "cells[%zu]: not sorted or "
			    "repeated", i));
	}
	return (0);
}

static int
decode_flows(const cJSON *t, struct snapshot *s, char *why, size_t whysz)
{
	const cJSON	*r;
	size_t		 i = 0;

	if (rows(t, "flows", 4, 2, &s->nflows, why, whysz) == -1)
		return (-1);
	if (s->nflows > 0 && (s->flows = calloc(s->nflows,
	    sizeof(*s->flows))) == NULL)
		return (fail(why, whysz, "out of memory"));
	for (r = cJSON_GetObjectItemCaseSensitive(t, "flows")->child;
	    r != NULL; r = r->next, i++) {
		struct snapshot_flow *f = &s->flows[i];

		if (!fields_region_valid(str_at(r, 0), strlen(str_at(r, 0))) ||
		    strlen(str_at(r, 0)) >= sizeof(f->to) ||
		    strcmp(str_at(r, 0), s->region) == 0 ||
		    strcmp(str_at(r, 0), "RU-FED") == 0)
			return (fail(why, whysz, "flows[%zu]: not another "
			    "region", i));
		snprintf(f->to, sizeof(f->to), "%s", str_at(r, 0));
		if (group_of(str_at(r, 1), str_at(r, 2), &f->sex, &f->band) ==
		    -1)
			return (fail(why, whysz, "flows[%zu]: not a sex (F or "
			    "M) and a birth-year band", i));
		if ((f->year = year_of(str_at(r, 3))) != s->year)
			return (fail(why, whysz, "flows[%zu]: not the year %d",
			    i, s->year));
		if ((f->count = int_at(r, 4)) == 0)
			return (fail(why, whysz, "flows[%zu]: a zero count", i));
		f->keysum = (uint32_t)int_at(r, 5);
		if (i > 0 && flow_cmp(&s->flows[i - 1], f) >= 0)
			return (fail(why, whysz, "flows[%zu]: not sorted or "
			    "repeated", i));
	}
	return (0);
}

static const char *const members[] = { "cells", "flows", "hlc", "key",
    "kind", "region", "v", "year", NULL };

int
snapshot_decode(const void *p, size_t len, struct snapshot *s, char *why,
    size_t whysz)
{
	cJSON		*t;
	const cJSON	*m;
	const char	*w = NULL, *v;
	int64_t		 ver;
	size_t		 i;
	int		 rc = -1;

	memset(s, 0, sizeof(*s));
	if ((t = jcs_parse_limit(p, len, SNAPSHOT_MAX_BYTES, (size_t)1 << 22,
	    &w)) == NULL)
		return (fail(why, whysz, "%s", w));
	if (!cJSON_IsObject(t)) {
		fail(why, whysz, "a snapshot must be a JSON object");
		goto out;
	}
	/* The version first: a version 1 snapshot has other members. */
	if (jcs_int(cJSON_GetObjectItemCaseSensitive(t, "v"), &ver) == -1 ||
	    ver != SNAPSHOT_VERSION) {
		fail(why, whysz, "v: this node takes version %d snapshots only "
		    "(with key sums and birth-year bands); upgrade the region's "
		    "node", SNAPSHOT_VERSION);
		goto out;
	}
	for (m = t->child; m != NULL; m = m->next) {
		for (i = 0; members[i] != NULL; i++)
			if (strcmp(members[i], m->string) == 0)
				break;
		if (members[i] == NULL) {
			fail(why, whysz, "unknown member \"%.40s\"", m->string);
			goto out;
		}
	}
	for (i = 0; members[i] != NULL; i++)
		if (cJSON_GetObjectItemCaseSensitive(t, members[i]) == NULL) {
			fail(why, whysz, "missing member \"%s\"", members[i]);
			goto out;
		}
	if ((v = str_member(t, "kind")) == NULL ||
	    strcmp(v, "stats.snapshot") != 0) {
		fail(why, whysz, "kind: not \"stats.snapshot\"");
		goto out;
	}
	if ((v = str_member(t, "region")) == NULL ||
	    !fields_region_valid(v, strlen(v)) ||
	    strcmp(v, "RU-FED") == 0 || strlen(v) >= sizeof(s->region)) {
		fail(why, whysz, "region: not a region code");
		goto out;
	}
	memcpy(s->region, v, strlen(v) + 1);
	if ((v = str_member(t, "key")) == NULL ||
	    !fields_hex_valid(v, strlen(v), 16)) {
		fail(why, whysz, "key: not a key id");
		goto out;
	}
	memcpy(s->key, v, 17);
	if ((v = str_member(t, "hlc")) == NULL ||
	    hlc_parse(v, strlen(v), &s->hlc) == -1) {
		fail(why, whysz, "hlc: not 16 lowercase hex digits");
		goto out;
	}
	if ((v = str_member(t, "year")) == NULL || (s->year = year_of(v)) ==
	    -1) {
		fail(why, whysz, "year: not a year (YYYY)");
		goto out;
	}
	if (decode_cells(t, s, why, whysz) == -1 ||
	    decode_flows(t, s, why, whysz) == -1)
		goto out;
	change_id(p, len, s->id);
	rc = 0;
out:
	if (rc == -1)
		snapshot_free(s);
	cJSON_Delete(t);
	return (rc);
}
