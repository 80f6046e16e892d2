/*
 * conflict/rules.h: who may do what -- the authority rules of
 * docs/protocol.md section 7, step 6, as pure functions (libc only).
 *
 * A change by a region is judged on the state of its causal past: the fold
 * of its parents and all their ancestors (a dossier_new one for a root),
 * never on what the judging node learnt since, nor on its clock.  Every
 * operation of the change is judged on that same state, before any of the
 * change's own operations, with these additions for the operations before
 * it in the same change: an entry an earlier operation settled (an episode
 * closed, an event retracted, a consent withdrawn, a transfer decided, a
 * link undone) cannot be acted on again; a change offers at most once; and
 * an offer needs a consent of scope transfer that the change has not
 * withdrawn before it.  The author of a root change is its dossier's
 * custodian for the root's later operations.
 *
 * Each kind of operation has one entry in a table (rules.c): whether a
 * region other than the custodian may make it, the check, and the kinds of
 * operation whose effects the check reads.  Nothing here allocates; the
 * strings a rule reads are borrowed from d and ops.
 */
#ifndef OPORA_RULES_H
#define OPORA_RULES_H

#include <stddef.h>
#include <stdint.h>

#include "conflict/dossier.h"
#include "conflict/op.h"

#define RULES_FEDERAL	"RU-FED"	/* writes nothing into dossiers */

/*
 * rules_check(d, region, ops, nops, why, whysz): whether a change by region
 * holding ops may follow the history whose state is d (d->nchanges == 0
 * for a new dossier).  0, or -1 with a reason for a curator in why.
 */
int	 rules_check(const struct dossier *d, const char *region,
	    const struct op *ops, size_t nops, char *why, size_t whysz);

/*
 * rules_reads(ops, nops): the kinds of operation (DOSSIER_KIND bits) whose
 * effects rules_check reads to judge these operations, so that folding
 * just the changes of the causal past that hold them gives the same answer
 * as the whole state.  0 when it needs the whole state (conflict.resolve:
 * a conflict depends on the causal graph of every edit).
 */
uint32_t rules_reads(const struct op *ops, size_t nops);

#endif /* OPORA_RULES_H */
