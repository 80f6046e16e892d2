/*
 * protocol/jcs.h: the canonical JSON form of RFC 8785 (JCS), as opora uses it.
 *
 * Changes are signed as canonical bytes: object keys sorted by their UTF-16
 * code units, no white space, strings with only the escapes JCS requires
 * (\" \\ \b \f \n \r \t and \u00xx for other controls), and numbers that are
 * integers within +-(2^53 - 1).  opora never uses fractions or exponents, so
 * a number with a fraction, an exponent or beyond that range is refused.
 *
 * jcs_parse() accepts bytes only if they are exactly what jcs_write would
 * write for the value they hold: whitespace, unsorted or duplicate keys,
 * non-minimal escapes, "-0", "1.0", "1e2", bad UTF-8 and trailing bytes
 * are all refused.  The bytes are never rewritten.  It checks them in one
 * pass, without a tree, and builds the tree in a second;
 * jcs_parse_reference() is the definition it must agree with (cJSON's
 * parse, then jcs_write, then a comparison), which also explains each
 * refusal.
 */
#ifndef OPORA_JCS_H
#define OPORA_JCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "protocol/buf.h"

/* The largest integer magnitude a canonical document may hold: 2^53 - 1. */
#define JCS_INT_MAX	9007199254740991LL

/*
 * jcs_write(out, v, max_elements, why): append the canonical form of v to
 * out.  Borrows v.  max_elements bounds the values written (parsers pass
 * LIMIT_JSON_ELEMENTS; a node's own documents may pass SIZE_MAX).
 * Returns 0, or -1 with *why (if not NULL) set to a static English reason
 * when v holds something JCS-for-opora cannot express (a fraction, a number
 * out of range, a string that is not UTF-8, a duplicate key, nesting deeper
 * than LIMIT_JSON_DEPTH, more than max_elements values), when out would
 * exceed its maximum ("too large"), or to jcs_nomem when memory ran out.
 */
int	 jcs_write(struct buf *out, const cJSON *v, size_t max_elements,
	    const char **why);

/*
 * jcs_parse(p, len, why): parse len bytes at p, which need not be
 * NUL-terminated, and check that they are canonical.  Returns a tree the
 * caller frees with cJSON_Delete, or NULL with *why set to a static English
 * reason ("not JSON", "not canonical: ...") -- or to jcs_nomem when memory
 * ran out on the way, which is no verdict on the bytes (test it with
 * jcs_why_nomem).
 * The tree is one allocation, its root marked cJSON_IsReference so that
 * cJSON_Delete of the root frees all of it: read it and duplicate it
 * (cJSON_Duplicate gives an ordinary tree), but never detach, delete, add
 * to or set a value of any part of it.  Its values are linked, typed and
 * numbered as cJSON_Parse links, types and numbers them.
 */
cJSON	*jcs_parse(const char *p, size_t len, const char **why);
/* jcs_parse_limit: jcs_parse with the size and element limits given. */
cJSON	*jcs_parse_limit(const char *p, size_t len, size_t max_bytes,
	    size_t max_elements, const char **why);
/*
 * jcs_parse_reference: what jcs_parse_limit accepts, by its definition:
 * the bytes parsed by cJSON, written again by jcs_write and compared.
 * The same answers, the same reasons and an equal tree (an ordinary cJSON
 * tree); jcs_parse_limit calls it to explain a refusal, and the tests and
 * tests/fuzz/fuzz_jcs.c compare the two.
 */
cJSON	*jcs_parse_reference(const char *p, size_t len, size_t max_bytes,
	    size_t max_elements, const char **why);

/*
 * Memory running out is not a verdict on a document.  cJSON answers NULL
 * both for bytes that are not JSON and for an allocation that failed, so
 * this module installs cJSON allocation hooks when the program starts
 * (before any thread) that note a failed allocation in a flag of the
 * calling thread.
 * jcs_nomem: the reason jcs functions give when memory ran out.
 * jcs_why_nomem(why): whether reason why (a pointer a jcs function set)
 *	is jcs_nomem.
 * jcs_nomem_clear(), jcs_nomem_seen(): clear, and read, the calling
 *	thread's flag: whether a cJSON allocation failed in this thread
 *	since it was last cleared.  A caller of cJSON_Parse that must tell
 *	"not JSON" from "out of memory" clears it before and reads it after.
 */
extern const char jcs_nomem[];
bool	 jcs_why_nomem(const char *why);
void	 jcs_nomem_clear(void);
bool	 jcs_nomem_seen(void);

/*
 * For a document a node writes member by member, without a tree, in an
 * order it knows to be canonical (protocol/change.c, a change's bytes):
 * jcs_write_string(out, s, why): append the C string s as a canonical JSON
 *	string.  0, or -1 with *why as jcs_write sets it ("a string is not
 *	valid UTF-8", "too large", jcs_nomem); out may then hold part of it,
 *	and the caller truncates it.
 * jcs_key_cmp(a, b): <0, 0 or >0 as key a sorts before, with or after key
 *	b in canonical form (their UTF-16 code units; both valid UTF-8).
 */
int	 jcs_write_string(struct buf *out, const char *s, const char **why);
int	 jcs_key_cmp(const char *a, const char *b);

/* jcs_int(v, out): 0 and *out set if v is a number holding an integer. */
int	 jcs_int(const cJSON *v, int64_t *out);

#endif /* OPORA_JCS_H */
