/*
 * conflict/plural.h: the plural forms of Russian nouns after a number.
 *
 * Russian picks one of three forms by the number's last two digits:
 * "one" (1, 21, 101: 1 событие, 21 событие), "few" (2-4, 22-24: 2
 * события) and "many" (0, 5-20, 25-30, 11-14: 5 событий, 11 событий).
 * Pure functions of libc only, so that every part of opora (the CLI, the
 * browsers' API) says it the same way.
 */
#ifndef OPORA_PLURAL_H
#define OPORA_PLURAL_H

#include <stdint.h>

enum plural_form {
	PLURAL_ONE,
	PLURAL_FEW,
	PLURAL_MANY
};

/* plural_ru(n): the form a Russian noun takes after the number n. */
enum plural_form plural_ru(uint64_t n);

/* plural_ru_pick(n, one, few, many): the one of the three words (borrowed,
 * returned as given) that goes after n. */
const char	*plural_ru_pick(uint64_t n, const char *one, const char *few,
		    const char *many);

#endif /* OPORA_PLURAL_H */
