/*
 * node/store_metrics.h: what node/metrics.c reads from the database
 * beside the counts of 'opora status' (store_counts, node/store.h).
 */
#ifndef OPORA_STORE_METRICS_H
#define OPORA_STORE_METRICS_H

#include <stdint.h>

struct store;

/* store_metrics_audit_entries(st): how many entries the audit log holds
 * -- its greatest seq, which counts from 1 in an append-only log, read
 * from the index alone -- or -1 (logged). */
int64_t	 store_metrics_audit_entries(struct store *st);

#endif /* OPORA_STORE_METRICS_H */
