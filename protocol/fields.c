/*
 * protocol/fields.c: validation of the values users type.  See fields.h.
 */
#include <stdlib.h>
#include <string.h>

#include "protocol/fields.h"
#include "protocol/limits.h"

struct region {
	const char	*code;
	const char	*name;
	const char	*district;
};

/* Sorted by code (strcmp) for bsearch. */
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
	{ "RU-CU", "Чувашская Республика", "VFD" },
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
	{ "RU-KEM", "Кемеровская область", "SIBFD" },
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

static int
region_cmp(const void *k, const void *e)
{
	return (strcmp(k, ((const struct region *)e)->code));
}

static const struct region *
region_find(const char *s, size_t len)
{
	char	 key[8];

	if (len < 4 || len >= sizeof(key))
		return (NULL);
	memcpy(key, s, len);
	key[len] = '\0';
	return (bsearch(key, regions, NREGIONS, sizeof(regions[0]),
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
	const struct region	*r = region_find(code, strlen(code));

	return (r != NULL ? r->name : NULL);
}

const char *
fields_region_district(const char *code)
{
	const struct region	*r = region_find(code, strlen(code));

	return (r != NULL ? r->district : NULL);
}

/* The SNILS check number of the first nine digits. */
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
		if (s[i] < '0' || s[i] > '9')
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
		if (s[i] >= '0' && s[i] <= '9') {
			if (n == 11)
				return (-1);
			out[n++] = s[i];
		} else if (s[i] != ' ' && s[i] != '-')
			return (-1);
	}
	out[n] = '\0';
	if (n != 11 || !fields_snils_valid(out, 11))
		return (-1);
	return (0);
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

static int
digits(const char *s, int n)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
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
	bool			 leap = (y % 4 == 0 && y % 100 != 0) ||
				    y % 400 == 0;

	return (m == 2 && leap ? 29 : dm[m - 1]);
}

int
fields_date_parse(const char *s, size_t len, int *y, int *m, int *d)
{
	int	 yy, mm, dd;

	if (len != 10 || s[4] != '-' || s[7] != '-')
		return (-1);
	if ((yy = digits(s, 4)) < 1900 || yy > 2999 ||
	    (mm = digits(s + 5, 2)) < 1 || mm > 12 ||
	    (dd = digits(s + 8, 2)) < 1 || dd > days_in_month(yy, mm))
		return (-1);
	*y = yy;
	*m = mm;
	*d = dd;
	return (0);
}

/* Howard Hinnant's days_from_civil. */
int64_t
fields_days_from_civil(int y, int m, int d)
{
	int64_t	 yy = y - (m <= 2), era, yoe, doy, doe;

	era = (yy >= 0 ? yy : yy - 399) / 400;
	yoe = yy - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
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

	if (fields_date_parse(birth, strlen(birth), &by, &bm, &bd) == -1 ||
	    fields_date_parse(date, strlen(date), &y, &m, &d) == -1)
		return (-1);
	age = y - by;
	if (m < bm || (m == bm && d < bd))
		age--;
	return (age < 0 ? -1 : age);
}

/* Decode one code point strictly; the length, or 0 if invalid. */
static size_t
utf8_decode(const unsigned char *s, size_t len, long *cp)
{
	unsigned char	 c = s[0];
	size_t		 n, k;
	long		 v;

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

bool
fields_utf8_valid(const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, n;
	long			 cp;

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
	size_t	 i;
	bool	 visible = false;

	if (len == 0 || len > max || !fields_utf8_valid(s, len))
		return (false);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0x7f || (c < 0x20 && !(multiline && (c == '\n' ||
		    c == '\t'))))
			return (false);
		if (c != ' ' && c != '\n' && c != '\t')
			visible = true;
	}
	return (visible);
}

bool
fields_phone_valid(const char *s, size_t len)
{
	size_t	 i, ndig = 0;

	if (len < 5 || len > LIMIT_PHONE)
		return (false);
	for (i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			ndig++;
		else if (s[i] == '+' && i == 0)
			continue;
		else if (s[i] != ' ' && s[i] != '-' && s[i] != '(' &&
		    s[i] != ')')
			return (false);
	}
	return (ndig >= 5);
}

bool
fields_email_valid(const char *s, size_t len)
{
	const char	*at = NULL;
	size_t		 i;

	if (len < 5 || len > LIMIT_EMAIL || !fields_utf8_valid(s, len))
		return (false);
	for (i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f)
			return (false);
		if (s[i] == '@') {
			if (at != NULL)
				return (false);
			at = s + i;
		}
	}
	if (at == NULL || at == s || at + 1 == s + len)
		return (false);
	/* The domain has a dot, not first and not last. */
	for (i = (size_t)(at - s) + 2; i + 1 < len; i++)
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
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
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
		} else if (!fields_hex_valid(s + i, 1, 1))
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
	{ "vocational", "vocational education", "среднее профессиональное" },
	{ "higher", "higher education", "высшее" },
	{ "completed", "education completed", "обучение завершено" },
	{ NULL, NULL, NULL }
};

const struct fields_enum fields_employment[] = {
	{ "employed", "employed", "работает" },
	{ "unemployed_seeking", "unemployed, seeking work",
	    "не работает, ищет работу" },
	{ "not_seeking", "not seeking work", "не работает и не ищет" },
	{ "parental_leave", "parental leave", "отпуск по уходу за ребёнком" },
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
	for (; list->code != NULL; list++)
		if (strlen(list->code) == len && memcmp(list->code, s, len) == 0)
			return (list);
	return (NULL);
}

/* Lower-case and fold one code point as fields_name_fold describes;
 * returns 0 for a code point that is dropped. */
static long
fold_cp(long cp)
{
	static const char	 latin[] = "abcehkmoptxy";
	static const long	 cyr[] = { 0x430, 0x432, 0x441, 0x435, 0x43d,
	    0x43a, 0x43c, 0x43e, 0x440, 0x442, 0x445, 0x443 };
	const char		*p;

	if (cp == ' ' || cp == '-' || cp == '\'' || cp == '.' ||
	    cp == 0x2019 || cp == 0x2010 || cp == 0x2011 || cp == 0x2013 ||
	    cp == 0xa0)
		return (0);
	if (cp >= 'A' && cp <= 'Z')
		cp += 'a' - 'A';
	if (cp >= 'a' && cp <= 'z' && (p = strchr(latin, (int)cp)) != NULL)
		return (cyr[p - latin]);
	if (cp >= 0x410 && cp <= 0x42f)
		cp += 0x20;
	if (cp == 0x401 || cp == 0x451)		/* Ё ё */
		return (0x435);
	return (cp);
}

int
fields_name_fold(const char *s, size_t len, char *out, size_t outsz)
{
	const unsigned char	*u = (const unsigned char *)s;
	size_t			 i = 0, o = 0, n;
	long			 cp;

	if (outsz == 0)
		return (-1);
	while (i < len) {
		if ((n = utf8_decode(u + i, len - i, &cp)) == 0)
			return (-1);
		i += n;
		if ((cp = fold_cp(cp)) == 0)
			continue;
		n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (o + n >= outsz)
			return (-1);
		if (n == 1)
			out[o++] = (char)cp;
		else if (n == 2) {
			out[o++] = (char)(0xc0 | (cp >> 6));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else if (n == 3) {
			out[o++] = (char)(0xe0 | (cp >> 12));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		} else {
			out[o++] = (char)(0xf0 | (cp >> 18));
			out[o++] = (char)(0x80 | ((cp >> 12) & 0x3f));
			out[o++] = (char)(0x80 | ((cp >> 6) & 0x3f));
			out[o++] = (char)(0x80 | (cp & 0x3f));
		}
	}
	out[o] = '\0';
	return (0);
}
