/*
 * protocol/fields.h: validation of the values users type: region codes,
 * SNILS, dates, texts, phones, e-mail addresses, UUIDs and hex strings, the
 * enumerations of docs/data-model.md, and the folding of names for search
 * and duplicate detection.
 *
 * Every function is pure and keeps no state.  Input is (pointer, length)
 * and need not be NUL-terminated, unless a prototype says "C string"; a
 * pointer with length 0 is never read, so it may be NULL.  Every string
 * returned is static: it is owned by this module and valid for the life of
 * the program.  Output buffers are owned by the caller and only borrowed
 * for the call.
 */
#ifndef OPORA_FIELDS_H
#define OPORA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Regions.  The 83 ISO 3166-2:RU codes of the federal subjects, the six
 * further subjects used in Russian federal registers (RU-CR, RU-SEV,
 * RU-DPR, RU-LPR, RU-ZAP, RU-KHE), and RU-FED, the federal node: 90 codes.
 * Codes match exactly and case-sensitively.
 *
 * fields_region_valid: whether s[0..len) is one of the codes.
 * fields_region_name: the Russian name of the region whose code is the C
 *	string code (borrowed for the call), or NULL if code is NULL or not
 *	a region.
 * fields_region_district: the federal district of the region: "CFD",
 *	"NWFD", "SFD", "NCFD", "VFD", "UFD", "SIBFD" or "FEFD", and "FED" for
 *	RU-FED; NULL if code is NULL or not a region.
 * fields_region_count: the number of codes (90).
 * fields_region_at: the i-th code in strcmp order, for listing them; NULL
 *	if i >= fields_region_count().
 */
bool		 fields_region_valid(const char *s, size_t len);
const char	*fields_region_name(const char *code);
const char	*fields_region_district(const char *code);
size_t		 fields_region_count(void);
const char	*fields_region_at(size_t i);

/*
 * SNILS, the insurance number of an individual account: 11 digits, the
 * last two a check number of the first nine (docs/protocol.md, section 5).
 * Numbers up to 001-001-998 were issued before the check number and accept
 * any.
 *
 * fields_snils_normalize: reads a SNILS as people write it, bare
 *	("11223344595") or printed ("112-233-445 95"): spaces and hyphens may
 *	stand between any two digits, but not before the first or after the
 *	last.  Writes the 11 digits and a NUL to out (owned by the caller)
 *	and returns 0; returns -1 if there are not exactly 11 digits, any
 *	other byte, or a wrong check number (out then holds no SNILS).
 * fields_snils_valid: whether s[0..len) is the stored form: exactly 11
 *	digits with a right check number.
 * fields_snils_format: writes the printed form "112-233-445 95" and a NUL
 *	to out (15 bytes, owned by the caller); s must hold 11 digits.
 */
int		 fields_snils_normalize(const char *s, size_t len,
		    char out[12]);
bool		 fields_snils_valid(const char *s, size_t len);
void		 fields_snils_format(const char *s, char out[15]);

/*
 * Dates, "YYYY-MM-DD" in the proleptic Gregorian calendar.
 *
 * fields_date_parse: s[0..len) must be exactly 10 bytes, a real calendar
 *	date with a year from 1900 to 2999.  Stores the year, month (1..12)
 *	and day (1..31) through y, m and d (each may be NULL) and returns 0;
 *	returns -1, leaving them alone, otherwise.
 * fields_days_from_civil: days from 1970-01-01 to the date y-m-d, negative
 *	before it.  m must be 1..12 and d 1..31; any year is allowed.
 * fields_date_days: the same for the date string s[0..len), or -1 if it is
 *	not a valid date.  -1 is also the day 1969-12-31, outside the years
 *	fields_date_parse accepts, so callers that must tell the two apart
 *	call fields_date_parse first.
 * fields_age: whole years from the birth date to the date, both C strings
 *	(borrowed for the call): the year difference, less one if the
 *	birthday has not yet come that year.  Someone born on 29 February
 *	comes of age on 1 March in other years.  Returns -1 if either is not
 *	a valid date or date is before birth.
 */
int		 fields_date_parse(const char *s, size_t len, int *y, int *m,
		    int *d);
int64_t		 fields_days_from_civil(int y, int m, int d);
int64_t		 fields_date_days(const char *s, size_t len);
int		 fields_age(const char *birth, const char *date);

/*
 * Texts and formats.
 *
 * fields_utf8_valid: whether s[0..len) is strict UTF-8: no overlong forms,
 *	no surrogates (U+D800..U+DFFF), nothing above U+10FFFF, no truncated
 *	sequence.  The empty string is valid.
 * fields_text_valid: whether s[0..len) is a text field: valid UTF-8 of 1 to
 *	max bytes, with no NUL, no other C0 control character and no DEL,
 *	except that a multiline text may contain \n and \t; and not only
 *	white space (the Unicode White_Space characters, such as the space,
 *	\n, \t and the no-break space).
 * fields_phone_valid: whether s[0..len) is a phone number: 5 to
 *	LIMIT_PHONE bytes of digits, spaces, '-', '(' and ')', with '+'
 *	allowed only as the first byte, and at least 5 digits.
 * fields_email_valid: whether s[0..len) is an e-mail address: valid UTF-8
 *	of at most LIMIT_EMAIL bytes, exactly one '@', a non-empty local part,
 *	a domain with a dot that is neither its first nor its last byte, and
 *	no white space or control characters anywhere.
 * fields_uuid_valid: whether s[0..len) is a UUID as opora writes them: 36
 *	bytes, lowercase hex digits with hyphens at offsets 8, 13, 18 and 23.
 * fields_hex_valid: whether s[0..len) is exactly want lowercase hex digits.
 */
bool		 fields_utf8_valid(const char *s, size_t len);
bool		 fields_text_valid(const char *s, size_t len, size_t max,
		    bool multiline);
bool		 fields_phone_valid(const char *s, size_t len);
bool		 fields_email_valid(const char *s, size_t len);
bool		 fields_uuid_valid(const char *s, size_t len);
bool		 fields_hex_valid(const char *s, size_t len, size_t want);

/*
 * Enumerations.  Each list is a static array ending with an entry of three
 * NULLs; its strings are static.
 */
struct fields_enum {
	const char	*code;	/* the value stored in changes */
	const char	*en;	/* label in English */
	const char	*ru;	/* label in Russian */
};

extern const struct fields_enum fields_sex[];
extern const struct fields_enum fields_event_types[];
extern const struct fields_enum fields_housing[];
extern const struct fields_enum fields_education[];
extern const struct fields_enum fields_employment[];
extern const struct fields_enum fields_family[];
extern const struct fields_enum fields_consent_scopes[];

/*
 * fields_enum_find: the entry of list (borrowed for the call) whose code
 * equals s[0..len) exactly, or NULL.  The entry is static.
 */
const struct fields_enum *fields_enum_find(const struct fields_enum *list,
		    const char *s, size_t len);

/*
 * fields_name_fold: folds the name s[0..len) so that spellings of one name
 * compare equal: Cyrillic and Latin letters are lowercased; ё and Ё become
 * е (й stays й); white space, hyphens, apostrophes and dots (with their
 * typographic variants) are dropped; the Latin letters that look like
 * Cyrillic ones become those (a b c e h k m o p t x y to а в с е н к м о р
 * т х у); a decomposed й or ё (и or е followed by a combining breve or
 * diaeresis) folds as the composed letter; anything else is kept.  Writes
 * the result and a NUL to out (outsz bytes, owned by the caller) and
 * returns 0, or returns -1 if s is not valid UTF-8 or the result does not
 * fit.  The result is never longer than twice len, so 2 * len + 1 bytes
 * always suffice.  out is unspecified after -1.
 */
int		 fields_name_fold(const char *s, size_t len, char *out,
		    size_t outsz);

#endif /* OPORA_FIELDS_H */
