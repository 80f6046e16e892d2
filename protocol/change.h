/*
 * protocol/change.h: changes, the signed unit of the log.
 *
 * A change is one canonical JSON document (RFC 8785, see jcs.h) of exactly
 * these members, every one required:
 *
 *   dossier  the dossier's UUID (lowercase, 36 characters)
 *   hlc      the author's hybrid logical clock, 16 lowercase hex digits
 *   key      the author's signing key id, 16 lowercase hex digits
 *   ops      1..LIMIT_OPS_PER_CHANGE operations, each an object with "op"
 *   parents  the ids of the dossier's heads the author knew, sorted, unique
 *   region   the author node's region code (RU-SMO, ...)
 *   user     the person who made the change at the author node
 *   v        2 (1: a change made before dossier ids were bound to their
 *            creators, still read; see below)
 *
 * A version 2 first change (no parents) names a dossier whose id is
 * derived from its own region, key and clock (change_dossier_id), so no
 * other key can make a first change for a dossier that exists: a dossier's
 * identity is bound to its creator, checkable from the bytes alone.
 *
 * Its id is SHA-256 of its bytes; its signature is Ed25519 over
 * CHANGE_PREFIX followed by the bytes.  docs/protocol.md is the full
 * specification, with every operation's members.
 *
 * change_decode() is the one gate every change passes, whether made here
 * or received: it checks the bytes are canonical and that every member and
 * operation is well formed, and answers in words an admin can act on.
 * Checks that need the dossier's history (parents present, entries named by
 * an operation exist, the author's authority) are node/'s.
 */
#ifndef OPORA_CHANGE_H
#define OPORA_CHANGE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "conflict/dossier.h"
#include "conflict/op.h"
#include "protocol/buf.h"

#define CHANGE_PREFIX	"opora-change-v1\n"
#define CHANGE_ID_HEX	64
#define CHANGE_VERSION	2	/* what this node writes */
#define CHANGE_DOSSIER_PREFIX	"opora-dossier-v2\n"

struct change {
	char			 id[CHANGE_ID_HEX + 1];
	char			 dossier[37];
	uint64_t		 hlc;
	char			 key[17];
	char			 region[16];
	int			 v;		/* 1 or 2; 0 encodes as 2 */
	const char		*user;		/* in tree */
	size_t			 nparents;
	char			(*parents)[CHANGE_ID_HEX + 1];
	size_t			 nops;
	struct op		*ops;		/* strings in tree */
	struct change_meta	 meta;		/* points into this change */
	cJSON			*tree;
};

/*
 * What change_decode and change_encode return besides 0.  Only CHANGE_BAD
 * is a verdict on the bytes, the same on every node; CHANGE_NOMEM says
 * this node ran out of memory and decided nothing (try again later).
 * Callers test for success with == 0, never with != -1.
 */
#define CHANGE_BAD	(-1)
#define CHANGE_NOMEM	(-2)

/*
 * change_decode(p, len, out, why, whysz): check and parse a change's bytes
 * (borrowed; need not be NUL-terminated).  On success returns 0 and a new
 * change in *out, which the caller frees with change_free.  On failure
 * returns CHANGE_BAD and writes a reason naming the offending member, such
 * as "ops[1].date: 2024-02-30 is not a real date", into why; or returns
 * CHANGE_NOMEM with "out of memory" in why.
 */
int	 change_decode(const void *p, size_t len, struct change **out,
	    char *why, size_t whysz);

/*
 * change_dossier_id(region, key, hlc, out): the id of the dossier whose
 * version 2 first change has these region, key id (16 hex digits) and
 * clock: SHA-256 of CHANGE_DOSSIER_PREFIX, region, "\n", key, "\n" and
 * the clock's 16 hex digits, its first 16 bytes written as a UUID of
 * version 8 (RFC 9562: the version nibble set to 8, the variant bits to
 * 10).  A node issues each clock value once, so each first change it
 * makes names a new dossier.
 */
void	 change_dossier_id(const char *region, const char key[17],
	    uint64_t hlc, char out[37]);

/* change_free(c): release c; NULL is a no-op. */
void	 change_free(struct change *c);

/*
 * change_encode(out, hdr, ops, nops, why, whysz): append the canonical bytes
 * of a change made of hdr's members (its id field is ignored) and ops to
 * out.  The result is checked with change_decode, so that a node can never
 * sign what another node would refuse.  If decoded is not NULL, the checked
 * change, parsed from the bytes, is handed over in *decoded.
 * Returns 0, or CHANGE_BAD or CHANGE_NOMEM with a reason.
 */
int	 change_encode(struct buf *out, const struct change *hdr,
	    const struct op *ops, size_t nops, struct change **decoded,
	    char *why, size_t whysz);

/*
 * change_encode_checked(out, hdr, ops, nops, made, why, whysz): as
 * change_encode with decoded, for a bulk writer (node/cmd_import.c) whose
 * every operation change_encode has already accepted, with the same
 * values, under a header of the same form (one parent or none, the
 * node's own region, key, user and a clock it issued): the bytes are
 * not decoded again, and *made is built from hdr and ops.  Then *made
 * borrows hdr->user and the strings of ops, which must outlive it.  The
 * size limit is checked; a header of more than one parent goes through
 * change_decode as in change_encode.  The caller vouches for ops: a
 * value no change_encode has checked could make bytes a peer refuses.
 */
int	 change_encode_checked(struct buf *out, const struct change *hdr,
	    const struct op *ops, size_t nops, struct change **made,
	    char *why, size_t whysz);

/*
 * change_encode_tree(out, hdr, ops, nops, why, whysz): the bytes
 * change_encode appends, made through a cJSON tree written by jcs_write,
 * without the check by change_decode: the reference that the writer
 * without a tree (change_encode's and change_encode_checked's, for a
 * header of one parent or none) is compared with (test_change).  0, or CHANGE_BAD or CHANGE_NOMEM with a
 * reason and out as it was.
 */
int	 change_encode_tree(struct buf *out, const struct change *hdr,
	    const struct op *ops, size_t nops, char *why, size_t whysz);

/* change_id(p, len, out): the hex SHA-256 of len bytes at p. */
void	 change_id(const void *p, size_t len, char out[CHANGE_ID_HEX + 1]);

/* change_ref_valid(s): whether C string s names an entry ("<id>/<n>"). */
int	 change_ref_valid(const char *s);

#endif /* OPORA_CHANGE_H */
