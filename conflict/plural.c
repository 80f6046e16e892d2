/*
 * conflict/plural.c: Russian plural forms (see plural.h).
 */
#include <stdint.h>

#include "conflict/plural.h"

enum plural_form
plural_ru(uint64_t n)
{
	uint64_t	 ten = n % 10, hundred = n % 100;

	/* 11-14 take "many" whatever their last digit says. */
	if (hundred >= 11 && hundred <= 14)
		return (PLURAL_MANY);
	if (ten == 1)
		return (PLURAL_ONE);
	if (ten >= 2 && ten <= 4)
		return (PLURAL_FEW);
	return (PLURAL_MANY);
}

const char *
plural_ru_pick(uint64_t n, const char *one, const char *few,
    const char *many)
{
	switch (plural_ru(n)) {
	case PLURAL_ONE:
		return (one);
	case PLURAL_FEW:
		return (few);
	default:
		return (many);
	}
}
