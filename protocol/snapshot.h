/*
 * protocol/snapshot.h: a region's statistics snapshot, the one document a
 * regional node sends the federal node (RU-FED), and only it.
 *
 * A snapshot holds counts of persons, never a person: for one calendar
 * year, per indicator (docs/statistics.md; "counted" and "registered" are
 * the coverage), sex, birth-year band (conflict/cellkey.h) and period (the
 * year, or one of its quarters), how many persons the region counted and
 * the sum of their record keys mod 2^32 (the cell key method); and per
 * destination, sex and band, how many persons it handed over that year
 * (flows), with their key sum.  No name, SNILS, date of birth, text or
 * dossier id has a place in it.
 *
 * It is one canonical JSON document (RFC 8785, protocol/jcs.h), version 2:
 *
 *   {"cells":[[INDICATOR,SEX,BAND,PERIOD,COUNT,KEYSUM],...],
 *    "flows":[[TO_REGION,SEX,BAND,YEAR,COUNT,KEYSUM],...],
 *    "hlc":HLC,"key":KEY_ID,"kind":"stats.snapshot","region":REGION,
 *    "v":2,"year":YEAR}
 *
 * Arrays are sorted (by their string members, bytewise) and without
 * duplicates; counts are positive integers (an absent cell is zero) below
 * 10,000,000, key sums integers from 0 to 2^32 - 1.  Version 1 snapshots
 * (birth years, no key sums) are refused.  It is signed with Ed25519 over SNAPSHOT_PREFIX followed by
 * the bytes; its id is SHA-256 of the bytes.  docs/protocol.md §11 is the
 * full specification.
 */
#ifndef OPORA_SNAPSHOT_H
#define OPORA_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>

#include "protocol/buf.h"

#define SNAPSHOT_PREFIX		"opora-snapshot-v1\n"
#define SNAPSHOT_MAX_BYTES	(4 * 1024 * 1024)
#define SNAPSHOT_MAX_COUNT	10000000

#define SNAPSHOT_VERSION	2
#define SNAPSHOT_KEYSUM_MAX	UINT32_MAX

/* An indicator: what is counted, per person, at a period's end. */
struct snapshot_indicator {
	const char	*code;		/* "housing.own" */
	const char	*group;		/* "housing": values of one question;
					 * NULL for a yes/no indicator */
	int		 sensitive;	/* 1: a stricter threshold applies
					 * (docs/statistics.md) */
	const char	*en, *ru;
};

/* The indicators, in code order; ends with code == NULL. */
extern const struct snapshot_indicator snapshot_indicators[];

/* snapshot_indicator_find(code): the indicator, or NULL. */
const struct snapshot_indicator *snapshot_indicator_find(const char *code);

struct snapshot_cell {
	char	 indicator[32];
	char	 sex;			/* 'F' or 'M' */
	int	 band;			/* index in cellkey_bands */
	char	 period[8];		/* "2025" or "2025-Q1" */
	int64_t	 count;
	uint32_t keysum;		/* record keys, summed mod 2^32 */
};

struct snapshot_flow {
	char	 to[16];		/* region code */
	char	 sex;
	int	 band;
	int	 year;
	int64_t	 count;
	uint32_t keysum;
};

struct snapshot {
	char			 id[65];	/* set by snapshot_decode */
	char			 region[16];
	char			 key[17];
	uint64_t		 hlc;
	int			 year;
	struct snapshot_cell	*cells;		/* owned */
	size_t			 ncells;
	struct snapshot_flow	*flows;		/* owned */
	size_t			 nflows;
};

/* snapshot_free(s): release what s owns (not s itself). */
void	 snapshot_free(struct snapshot *s);

/* snapshot_year(s): the year 1900..2999 that the C string s starts with
 * ("2025", "2025-Q1", "2025-04-12"), or -1. */
int	 snapshot_year(const char *s);

/* snapshot_period(year, q, out): "2025" (q 0) or "2025-Q1".."2025-Q4". */
void	 snapshot_period(int year, int q, char out[8]);

/*
 * snapshot_encode(s, out, why, whysz): sort s's arrays and append the
 * canonical bytes of s to out.  The result is checked with
 * snapshot_decode, so a node never signs what the federal node would
 * refuse.  0, or -1 with a reason.
 */
int	 snapshot_encode(struct snapshot *s, struct buf *out, char *why,
	    size_t whysz);

/*
 * snapshot_decode(p, len, s, why, whysz): check and parse a snapshot's
 * bytes (borrowed).  0 and *s filled (free with snapshot_free), or -1 with
 * a reason naming the member at fault.
 */
int	 snapshot_decode(const void *p, size_t len, struct snapshot *s,
	    char *why, size_t whysz);

#endif /* OPORA_SNAPSHOT_H */
