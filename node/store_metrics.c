/*
 * node/store_metrics.c: reads for node/metrics.c.  See store_metrics.h.
 */
#include <stdint.h>

#include "node/store.h"
#include "node/store_metrics.h"

static const char SQL_AUDIT_ENTRIES[] =
    "SELECT coalesce(max(seq), 0) FROM audit";

int64_t
store_metrics_audit_entries(struct store *st)
{
	return (store_count(st, SQL_AUDIT_ENTRIES));
}
