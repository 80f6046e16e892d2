/*
 * protocol/fields.h: validation of the values users type: region codes,
 * SNILS, dates, texts, phones, e-mail addresses, UUIDs, the enumerations of
 * docs/data-model.md, and the folding of names for search.
 *
 * Pure functions over (pointer, length) input that need not be
 * NUL-terminated unless a prototype says "C string".  Every string they
 * return is static.
 */
#ifndef OPORA_FIELDS_H
#define OPORA_FIELDS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
bool fields_region_valid(const char *s, size_t len);
const char *fields_region_name(const char *code);
const char *fields_region_district(const char *code);
int fields_snils_normalize(const char *s, size_t len, char out[12]);
bool fields_snils_valid(const char *s, size_t len);
void fields_snils_format(const char *s, char out[15]);
int fields_date_parse(const char *s, size_t len, int *y, int *m, int *d);
int64_t fields_days_from_civil(int y, int m, int d);
int64_t fields_date_days(const char *s, size_t len);
int fields_age(const char *birth, const char *date);
bool fields_utf8_valid(const char *s, size_t len);
bool fields_text_valid(const char *s, size_t len, size_t max, bool multiline);
bool fields_phone_valid(const char *s, size_t len);
bool fields_email_valid(const char *s, size_t len);
bool fields_uuid_valid(const char *s, size_t len);
bool fields_hex_valid(const char *s, size_t len, size_t want);
struct fields_enum { const char *code; const char *en; const char *ru; };
extern const struct fields_enum fields_sex[];
extern const struct fields_enum fields_event_types[];
extern const struct fields_enum fields_housing[];
extern const struct fields_enum fields_education[];
extern const struct fields_enum fields_employment[];
extern const struct fields_enum fields_family[];
extern const struct fields_enum fields_consent_scopes[];
const struct fields_enum *fields_enum_find(const struct fields_enum *list, const char *s, size_t len);
int fields_name_fold(const char *s, size_t len, char *out, size_t outsz);
#endif
