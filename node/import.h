/*
 * node/import.h: one line of an import file (docs/import.md), parsed
 * without I/O, so that it can be tested and fuzzed alone.
 *
 * A line is a JSON object whose members are all strings: "dossier" (the
 * dossier's label in the file, 1 to LIMIT_IMPORT_LABEL bytes) and "op"
 * (an operation kind other than person.set) are required; "id" (a label
 * for the entry an add or open line creates) is optional; the rest are
 * the operation's own arguments, named as in a change.  Their values are
 * checked later, when the change is made (change_encode).  node/
 * cmd_import.c reads the file and makes the changes.
 */
#ifndef OPORA_IMPORT_H
#define OPORA_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "conflict/dossier.h"
#include "conflict/op.h"
#include "protocol/limits.h"

/*
 * A parsed line.  Every string points into tree, except a SNILS given in
 * its printed form, which points into snils: the structure must not be
 * copied or moved while op is in use.
 */
struct import_line {
	cJSON		*tree;		/* owned: the parsed JSON */
	const char	*dossier;	/* the dossier's label */
	const char	*entry;		/* "id", or NULL */
	const char	*ref;		/* the label it changes */
	/* "dossier\x1fref" */
	char		 key[2 * LIMIT_IMPORT_LABEL + 2];
	struct op	 op;
	char		 snils[12];
};

/*
 * import_line_parse(p, len, il, why, whysz): parse the line p[0..len)
 * (borrowed; need not end in a NUL, may hold any bytes) into il.  0, or -1
 * with a reason for a curator in why (whysz >= 4; bytes of the line
 * escaped).  In both cases il must be released with import_line_free.
 * On success il->dossier is 1 to LIMIT_IMPORT_LABEL bytes, il->op.kind is
 * neither OP_NONE nor OP_PERSON_SET, il->entry is NULL or labels what an
 * add or open line creates, and a line that changes an entry names it in
 * il->ref, with il->key set.
 */
int	 import_line_parse(const char *p, size_t len, struct import_line *il,
	    char *why, size_t whysz);

/*
 * import_line_key(il, dkey, nth, out): the key of a parsed line, by which
 * a later run of the import recognises the line as done (docs/import.md):
 * SHA-256 over a domain string, dkey, nth and what the line means: its
 * operation, its labels and each argument, so that the order of the
 * members, white space, escapes and the two forms of a SNILS do not
 * matter and any other edit does.  dkey is the key of the person.create
 * line of the line's dossier (NULL for that line itself: IMPORT_KEY_LEN
 * zero bytes); nth counts the earlier lines of the file with the same
 * dossier and content, so that two identical lines are two lines.
 * Borrows il and dkey.
 */
#define IMPORT_KEY_LEN	32
void	 import_line_key(const struct import_line *il,
	    const uint8_t dkey[IMPORT_KEY_LEN], uint32_t nth,
	    uint8_t out[IMPORT_KEY_LEN]);

/* import_line_free(il): release il's tree; il may be reused. */
void	 import_line_free(struct import_line *il);

/* import_adds_table(k): the table an operation of kind k adds an entry to
 * (episode.open, event.add, ...), or DT_COUNT. */
enum dossier_table import_adds_table(enum op_kind k);

/* import_names_table(k): the table of the entry an operation of kind k
 * changes (episode.close, event.amend, episode.amend, assessment.amend,
 * consent.amend, ...), or DT_COUNT. */
enum dossier_table import_names_table(enum op_kind k);

/* import_ends_entry(k): whether an operation of kind k ends the entry it
 * names (episode.close, event.retract, consent.withdraw), after which no
 * line may end it again.  The amend operations do not. */
bool	 import_ends_entry(enum op_kind k);

#endif /* OPORA_IMPORT_H */
