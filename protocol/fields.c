/*
 * protocol/fields.c: validation of the values users type.  See fields.h.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/fields.h"
#include "protocol/limits.h"

/*
 * The regions.  The table is sorted by code in strcmp order so that
 * region_find can use bsearch; the unit tests check the order and the count.
 */
struct region {
	const char	*code;
	const char	*name;
	const char	*district;
};

static const struct region regions[] = {
	{ "RU-AD", "Республика Адыгея", "SFD" },
	{ "RU-AL", "Республика Алтай", "SIBFD" },
	{ "RU-ALT", "Алтайский край", "SIBFD" },
	{ "RU-AMU", "Амурская область", "FEFD" },
	{ "RU-ARK", "Архангельская область", "NWFD" },
	{ "RU-AST", "Астраханская область", "SFD" },
	{ "RU-BA", "Республика Башкортостан", "VFD" },
	{ "RU-BEL", "Белгородская область", "CFD" },
	{ "RU-BRY", "Брянская область", "CFD" },
	{ "RU-BU", "Республика Бурятия", "FEFD" },
	{ "RU-CE", "Чеченская Республика", "NCFD" },
	{ "RU-CHE", "Челябинская область", "UFD" },
	{ "RU-CHU", "Чукотский автономный округ", "FEFD" },
	{ "RU-CR", "Республика Крым", "SFD" },
	{ "RU-CU", "Чувашская Республика — Чувашия", "VFD" },
	{ "RU-DA", "Республика Дагестан", "NCFD" },
	{ "RU-DPR", "Донецкая Народная Республика", "SFD" },
	{ "RU-FED", "Федеральный узел", "FED" },
	{ "RU-IN", "Республика Ингушетия", "NCFD" },
	{ "RU-IRK", "Иркутская область", "SIBFD" },
	{ "RU-IVA", "Ивановская область", "CFD" },
	{ "RU-KAM", "Камчатский край", "FEFD" },
	{ "RU-KB", "Кабардино-Балкарская Республика", "NCFD" },
	{ "RU-KC", "Карачаево-Черкесская Республика", "NCFD" },
	{ "RU-KDA", "Краснодарский край", "SFD" },
	{ "RU-KEM", "Кемеровская область — Кузбасс", "SIBFD" },
	{ "RU-KGD", "Калининградская область", "NWFD" },
	{ "RU-KGN", "Курганская область", "UFD" },
	{ "RU-KHA", "Хабаровский край", "FEFD" },
	{ "RU-KHE", "Херсонская область", "SFD" },
	{ "RU-KHM", "Ханты-Мансийский автономный округ — Югра", "UFD" },
	{ "RU-KIR", "Кировская область", "VFD" },
	{ "RU-KK", "Республика Хакасия", "SIBFD" },
	{ "RU-KL", "Республика Калмыкия", "SFD" },
	{ "RU-KLU", "Калужская область", "CFD" },
	{ "RU-KO", "Республика Коми", "NWFD" },
	{ "RU-KOS", "Костромская область", "CFD" },
	{ "RU-KR", "Республика Карелия", "NWFD" },
	{ "RU-KRS", "Курская область", "CFD" },
	{ "RU-KYA", "Красноярский край", "SIBFD" },
	{ "RU-LEN", "Ленинградская область", "NWFD" },
	{ "RU-LIP", "Липецкая область", "CFD" },
	{ "RU-LPR", "Луганская Народная Республика", "SFD" },
	{ "RU-MAG", "Магаданская область", "FEFD" },
	{ "RU-ME", "Республика Марий Эл", "VFD" },
	{ "RU-MO", "Республика Мордовия", "VFD" },
	{ "RU-MOS", "Московская область", "CFD" },
	{ "RU-MOW", "Москва", "CFD" },
	{ "RU-MUR", "Мурманская область", "NWFD" },
	{ "RU-NEN", "Ненецкий автономный округ", "NWFD" },
	{ "RU-NGR", "Новгородская область", "NWFD" },
	{ "RU-NIZ", "Нижегородская область", "VFD" },
	{ "RU-NVS", "Новосибирская область", "SIBFD" },
	{ "RU-OMS", "Омская область", "SIBFD" },
	{ "RU-ORE", "Оренбургская область", "VFD" },
	{ "RU-ORL", "Орловская область", "CFD" },
	{ "RU-PER", "Пермский край", "VFD" },
	{ "RU-PNZ", "Пензенская область", "VFD" },
	{ "RU-PRI", "Приморский край", "FEFD" },
	{ "RU-PSK", "Псковская область", "NWFD" },
	{ "RU-ROS", "Ростовская область", "SFD" },
	{ "RU-RYA", "Рязанская область", "CFD" },
	{ "RU-SA", "Республика Саха (Якутия)", "FEFD" },
	{ "RU-SAK", "Сахалинская область", "FEFD" },
	{ "RU-SAM", "Самарская область", "VFD" },
	{ "RU-SAR", "Саратовская область", "VFD" },
	{ "RU-SE", "Республика Северная Осетия — Алания", "NCFD" },
	{ "RU-SEV", "Севастополь", "SFD" },
	{ "RU-SMO", "Смоленская область", "CFD" },
	{ "RU-SPE", "Санкт-Петербург", "NWFD" },
	{ "RU-STA", "Ставропольский край", "NCFD" },
	{ "RU-SVE", "Свердловская область", "UFD" },
	{ "RU-TA", "Республика Татарстан", "VFD" },
	{ "RU-TAM", "Тамбовская область", "CFD" },
	{ "RU-TOM", "Томская область", "SIBFD" },
	{ "RU-TUL", "Тульская область", "CFD" },
	{ "RU-TVE", "Тверская область", "CFD" },
	{ "RU-TY", "Республика Тыва", "SIBFD" },
	{ "RU-TYU", "Тюменская область", "UFD" },
	{ "RU-UD", "Удмуртская Республика", "VFD" },
	{ "RU-ULY", "Ульяновская область", "VFD" },
	{ "RU-VGG", "Волгоградская область", "SFD" },
	{ "RU-VLA", "Владимирская область", "CFD" },
	{ "RU-VLG", "Вологодская область", "NWFD" },
	{ "RU-VOR", "Воронежская область", "CFD" },
	{ "RU-YAN", "Ямало-Ненецкий автономный округ", "UFD" },
	{ "RU-YAR", "Ярославская область", "CFD" },
	{ "RU-YEV", "Еврейская автономная область", "FEFD" },
	{ "RU-ZAB", "Забайкальский край", "FEFD" },
	{ "RU-ZAP", "Запорожская область", "SFD" },
};
#define NREGIONS	(sizeof(regions) / sizeof(regions[0]))

/* A code being looked up: (pointer, length), so no copy is needed. */
struct region_key {
	const char	*s;
	size_t		 len;
};

/*
 * Compares bytewise, a shorter prefix first: the order strcmp gives the
 * table.  A key with a NUL byte in it therefore matches no code.
 */
static int
region_cmp(const void *k, const void *e)
{
	const struct region_key	*key = k;
	const char		*code = ((const struct region *)e)->code;
	size_t			 n = strlen(code);
	int			 c = 0;

	if (key->len > 0)
		c = memcmp(key->s, code, key->len < n ? key->len : n);
	if (c != 0)
		return (c);
	return (key->len < n ? -1 : key->len > n);
}

static const struct region *
region_find(const char *s, size_t len)
{
	struct region_key	 key;

	key.s = s;
	key.len = len;
	return (bsearch(&key, regions, NREGIONS, sizeof(regions[0]),
	    region_cmp));
}

bool
fields_region_valid(const char *s, size_t len)
{
	return (region_find(s, len) != NULL);
}

const char *
fields_region_name(const char *code)
{
	const struct region	*r;

	if (code == NULL || (r = region_find(code, strlen(code))) == NULL)
		return (NULL);
	return (r->name);
}

const char *
fields_region_district(const char *code)
{
	const struct region	*r;

	if (code == NULL || (r = region_find(code, strlen(code))) == NULL)
		return (NULL);
	return (r->district);
}

size_t
fields_region_count(void)
{
	return (NREGIONS);
}

const char *
fields_region_at(size_t i)
{
	return (i < NREGIONS ? regions[i].code : NULL);
}

static bool
is_digit(char c)
{
	return (c >= '0' && c <= '9');
}

static bool
is_lower_hex(char c)
{
	return (is_digit(c) || (c >= 'a' && c <= 'f'));
}

/* The check number of the first nine digits of a SNILS at d. */
static int
snils_check(const char *d)
{
	int	 i, sum = 0;

	for (i = 0; i < 9; i++)
		sum += (d[i] - '0') * (9 - i);
	if (sum < 100)
		return (sum);
	if (sum == 100 || sum == 101)
		return (0);
	sum %= 101;
	return (sum == 100 ? 0 : sum);
}

bool
fields_snils_valid(const char *s, size_t len)
{
	size_t	 i;
	long	 num = 0;

	if (len != 11)
		return (false);
	for (i = 0; i < 11; i++) {
		if (!is_digit(s[i]))
			return (false);
		if (i < 9)
			num = num * 10 + (s[i] - '0');
	}
	/* Numbers up to 001-001-998 were issued without a check number. */
	if (num <= 1001998)
		return (true);
	return (snils_check(s) == (s[9] - '0') * 10 + (s[10] - '0'));
}

int
fields_snils_normalize(const char *s, size_t len, char out[12])
{
	size_t	 i, n = 0;

	for (i = 0; i < len; i++) {
		if (is_digit(s[i])) {
			if (n == 11)
				goto bad;
			out[n++] = s[i];
		} else if (s[i] == ' ' || s[i] == '-') {
			/*
			 * A separator must follow a digit and precede one;
			 * a run that reaches the end has its last byte
			 * refused here.
			 */
			if (n == 0 || i + 1 == len)
				goto bad;
		} else
			goto bad;
	}
	if (n != 11)
		goto bad;
	out[11] = '\0';
	if (!fields_snils_valid(out, 11))
		goto bad;
	return (0);
bad:
	/* A caller that ignores the result must not find a SNILS here. */
	out[0] = '\0';
	return (-1);
}

void
fields_snils_format(const char *s, char out[15])
{
	memcpy(out, s, 3);
	out[3] = '-';
	memcpy(out + 4, s + 3, 3);
	out[7] = '-';
	memcpy(out + 8, s + 6, 3);
	out[11] = ' ';
	memcpy(out + 12, s + 9, 2);
	out[14] = '\0';
}

/* The value of the n decimal digits at s, or -1 if one is not a digit. */
static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return (-1);
		v = v * 10 + (s[i] - '0');
	}
	return (v);
}

static int
days_in_month(int y, int m)
{
	static const int	 dm[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	bool			 leap;

	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return (m == 2 && leap ? 29 : dm[m - 1]);
}

int
fields_date_parse(const char *s, size_t len, int *y, int *m, int *d)
{
	int	 yy, mm, dd;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	yy = digits(s, 4);
	mm = digits(s + 5, 2);
	dd = digits(s + 8, 2);
	if (yy < 1900 || yy > 2999 || mm < 1 || mm > 12 || dd < 1 ||
	    dd > days_in_month(yy, mm))
		return (-1);
	if (y != NULL)
		*y = yy;
	if (m != NULL)
		*m = mm;
	if (d != NULL)
		*d = dd;
	return (0);
}

/*
 * Howard Hinnant's days_from_civil: the year is taken to start in March,
 * so that the leap day comes last, and counted in 400-year eras of 146097
 * days.  The arithmetic is in 64 bits so that no int year can overflow.
 */
int64_t
fields_days_from_civil(int y, int m, int d)
{
	int64_t	 yy, mm, era, yoe, doy, doe;

	mm = m;
	yy = (int64_t)y - (mm <= 2);
	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (mm > 2 ? mm - 3 : mm + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

int64_t
fields_date_days(const char *s, size_t len)
{
	int	 y, m, d;

	if (fields_date_parse(s, len, &y, &m, &d) == -1)
		return (-1);
	return (fields_days_from_civil(y, m, d));
}

int
fields_age(const char *birth, const char *date)
{
	int	 by, bm, bd, y, m, d, age;

	if (birth == NULL || date == NULL ||
	    fields_date_parse(birth, strlen(birth), &by, &bm, &bd) == -1 ||
	    fields_date_parse(date, strlen(date), &y, &m, &d) == -1)
		return (-1);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return (age < 0 ? -1 : age);
}

/*
 * Decodes one code point of strict UTF-8 from s[0..len), len > 0, into
 * *cp.  Returns its length in bytes, or 0 if it is invalid or truncated.
 * The lead bytes C0, C1 and F5..FF can only start overlong or out-of-range
 * sequences; the remaining overlong forms, the surrogates and values above
 * U+10FFFF are caught on the decoded value.
 */
static size_t
utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
	unsigned char	 c = s[0];
	size_t		 n, k;
	uint32_t	 v;

	if (c < 0x80) {
		*cp = c;
		return (1);
	}
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2;
		v = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		v = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		v = c & 0x07;
	} else
		return (0);
	if (len < n)
		return (0);
	for (k = 1; k < n; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return (0);
		v = (v << 6) | (s[k] & 0x3f);
	}
	if ((n == 3 && v < 0x800) || (n == 4 && v < 0x10000) ||
	    (v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff)
		return (0);
	*cp = v;
	return (n);
}

/* Encodes cp (at most U+10FFFF) into out; returns its length in bytes. */
static size_t
utf8_encode(uint32_t cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return (1);
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return (2);
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return (3);
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return (4);
}

/* The Unicode White_Space property. */
static bool
is_space(uint32_t cp)
{
	return ((cp >= 0x09 && cp <= 0x0d) || cp == 0x20 || cp == 0x85 ||
	    cp == 0xa0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200a) ||
	    cp == 0x2028 || cp == 0x2029 || cp == 0x202f || cp == 0x205f ||
	    cp == 0x3000);
}

bool
fields_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return (false);
		i += n;
	}
	return (true);
}

bool
fields_text_valid(const char *s, size_t len, size_t max, bool multiline)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	uint32_t		 cp;
	bool			 visible = false;

	if (len == 0 || len > max)
		return (false);
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return (false);
		i += n;
		if (cp == 0x7f)
			return (false);
		if (cp < 0x20 && !(multiline && (cp == '\n' || cp == '\t')))
			return (false);
		if (!is_space(cp))
			visible = true;
	}
	return (visible);
}

bool
fields_phone_valid(const char *s, size_t len)
{
	size_t	 i, ndigits = 0;

	if (len < 5 || len > LIMIT_PHONE)
		return (false);
	for (i = 0; i < len; i++) {
		if (is_digit(s[i]))
			ndigits++;
		else if (s[i] == '+' && i == 0)
			continue;
		else if (s[i] != ' ' && s[i] != '-' && s[i] != '(' &&
		    s[i] != ')')
			return (false);
	}
	return (ndigits >= 5);
}

bool
fields_email_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n, at = len;
	uint32_t		 cp;

	if (len > LIMIT_EMAIL)
		return (false);
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return (false);
		/* Controls: C0, DEL and C1. */
		if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || is_space(cp))
			return (false);
		if (cp == '@') {
			if (at != len)
				return (false);
			at = i;
		}
		i += n;
	}
	/* A local part, and a domain of at least "x.y". */
	if (at == len || at == 0 || len - at < 4)
		return (false);
	for (i = at + 2; i + 1 < len; i++)
		if (s[i] == '.')
			return (true);
	return (false);
}

bool
fields_hex_valid(const char *s, size_t len, size_t want)
{
	size_t	 i;

	if (len != want)
		return (false);
	for (i = 0; i < len; i++)
		if (!is_lower_hex(s[i]))
			return (false);
	return (true);
}

bool
fields_uuid_valid(const char *s, size_t len)
{
	size_t	 i;

	if (len != 36)
		return (false);
	for (i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return (false);
		} else if (!is_lower_hex(s[i]))
			return (false);
	}
	return (true);
}

const struct fields_enum fields_sex[] = {
	{ "F", "female", "женский" },
	{ "M", "male", "мужской" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_event_types[] = {
	{ "contact", "contact", "контакт" },
	{ "consultation", "consultation", "консультация" },
	{ "housing", "housing", "жильё" },
	{ "education", "education", "образование" },
	{ "employment", "employment", "трудоустройство" },
	{ "health", "health", "здоровье" },
	{ "finance", "finance", "финансы" },
	{ "legal", "legal aid", "правовая помощь" },
	{ "crisis", "crisis", "кризис" },
	{ "other", "other", "другое" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_housing[] = {
	{ "own", "own home", "собственное жильё" },
	{ "social_rent", "social tenancy", "социальный наём" },
	{ "dormitory", "dormitory", "общежитие" },
	{ "relatives", "with relatives", "у родственников" },
	{ "temporary", "temporary housing", "временное жильё" },
	{ "none", "no housing", "нет жилья" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_education[] = {
	{ "none", "not studying", "не учится" },
	{ "vocational", "vocational education",
	    "среднее профессиональное образование" },
	{ "higher", "higher education", "высшее образование" },
	{ "completed", "education completed", "обучение завершено" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_employment[] = {
	{ "employed", "employed", "работает" },
	{ "unemployed_seeking", "unemployed and seeking work",
	    "не работает, ищет работу" },
	{ "not_seeking", "not seeking work", "не работает и не ищет" },
	{ "parental_leave", "on parental leave",
	    "в отпуске по уходу за ребёнком" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_family[] = {
	{ "single", "single", "одинок(а)" },
	{ "partner", "living with a partner", "живёт с партнёром" },
	{ "parent", "a parent", "есть дети" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_consent_scopes[] = {
	{ "transfer", "transfer to another region",
	    "передача в другой регион" },
	{ "statistics", "statistics", "статистика" },
	{ NULL, NULL, NULL }
};

const struct fields_enum *
fields_enum_find(const struct fields_enum *list, const char *s, size_t len)
{
	/* No code is empty, and s may be NULL when len is 0. */
	if (len == 0)
		return (NULL);
	for (; list->code != NULL; list++)
		if (strlen(list->code) == len &&
		    memcmp(list->code, s, len) == 0)
			return (list);
	return (NULL);
}

/*
 * Whether a name folds cp away: white space, hyphens and dashes,
 * apostrophes and dots, as people write them in double surnames, O'Neill
 * or initials, and the typographic forms that word processors and phones
 * put in their place (the soft hyphen is invisible, so dropped too).
 */
static bool
fold_dropped(uint32_t cp)
{
	return (is_space(cp) || cp == '-' || cp == '\'' || cp == '.' ||
	    cp == '`' || cp == 0xad || cp == 0x2bc || cp == 0x2018 ||
	    cp == 0x2019 || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212);
}

/*
 * The lowercase of a Latin or Cyrillic letter, else cp.  Latin covers
 * ASCII and Latin-1; Cyrillic covers the basic block and the historic and
 * national letters of U+0460..U+052F (Tatar, Bashkir, Yakut, ...), which
 * come in pairs, uppercase first, except U+04C0..U+04CF.  Every mapping
 * keeps the length in UTF-8.
 */
static uint32_t
fold_lower(uint32_t cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return (cp + 0x20);
	if (cp >= 0xc0 && cp <= 0xde && cp != 0xd7)
		return (cp + 0x20);
	if (cp >= 0x400 && cp <= 0x40f)
		return (cp + 0x50);
	if (cp >= 0x410 && cp <= 0x42f)
		return (cp + 0x20);
	if ((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48a && cp <= 0x4bf) ||
	    (cp >= 0x4d0 && cp <= 0x52f))
		return (cp | 1);
	if (cp == 0x4c0)
		return (0x4cf);
	if (cp >= 0x4c1 && cp <= 0x4ce && (cp & 1) == 1)
		return (cp + 1);
	return (cp);
}

/* The Cyrillic letter a lowercase Latin letter is mistaken for, else cp. */
static uint32_t
fold_lookalike(uint32_t cp)
{
	switch (cp) {
	case 'a':
		return (0x430);		/* а */
	case 'b':
		return (0x432);		/* в: only B looks like В */
	case 'c':
		return (0x441);		/* с */
	case 'e':
		return (0x435);		/* е */
	case 'h':
		return (0x43d);		/* н: only H looks like Н */
	case 'k':
		return (0x43a);		/* к */
	case 'm':
		return (0x43c);		/* м */
	case 'o':
		return (0x43e);		/* о */
	case 'p':
		return (0x440);		/* р */
	case 't':
		return (0x442);		/* т */
	case 'x':
		return (0x445);		/* х */
	case 'y':
		return (0x443);		/* у */
	default:
		return (cp);
	}
}

int
fields_name_fold(const char *s, size_t len, char *out, size_t outsz)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, o = 0, n, prev_at = 0;
	uint32_t		 cp, prev = 0;
	char			 enc[4];

	if (outsz == 0)
		return (-1);
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return (-1);
		i += n;
		if (fold_dropped(cp))
			continue;
		cp = fold_lookalike(fold_lower(cp));
		if (cp == 0x451)			/* ё */
			cp = 0x435;
		/*
		 * A decomposed ё (е and a combining diaeresis) folds as
		 * е, and a decomposed й (и and a combining breve) as й,
		 * so that text typed on systems that decompose letters
		 * matches.  Both letters take two bytes, so й overwrites
		 * the и just written.
		 */
		if (cp == 0x308 && prev == 0x435)
			continue;
		if (cp == 0x306 && prev == 0x438) {
			o = prev_at;
			cp = 0x439;
		}
		n = utf8_encode(cp, enc);
		if (n >= outsz - o)
			return (-1);
		memcpy(out + o, enc, n);
		prev = cp;
		prev_at = o;
		o += n;
	}
	out[o] = '\0';
	return (0);
}
