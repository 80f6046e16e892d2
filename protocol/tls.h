/*
 * protocol/tls.h: a node's TLS identity.
 *
 * Each node has its own TLS key pair (ECDSA P-256, separate from its
 * Ed25519 signing key, so either can be rotated alone) and a self-signed
 * certificate.  Peers pin each other by the SHA-256 of the certificate's
 * SubjectPublicKeyInfo, written "sha256//" + base64, the form libcurl's
 * CURLOPT_PINNEDPUBLICKEY takes.  No certificate authority is involved.
 */
#ifndef OPORA_TLS_H
#define OPORA_TLS_H

#include <stddef.h>

#define TLS_PIN_LEN	52	/* "sha256//" + 44 base64 characters */

/* tls_identity_create(keypath, certpath, cn, host, days): make a key (mode
 * 0600, refusing to replace a file) and a self-signed certificate for
 * common name cn valid for days.  With host (a C string, borrowed; NULL for
 * none) the certificate carries a subjectAltName naming it, an iPAddress
 * for an IPv4 or IPv6 address and a dNSName otherwise, so that a client
 * checking names (curl --cacert) accepts it for that host.  0, or -1
 * (logged, nothing left behind). */
int	tls_identity_create(const char *keypath, const char *certpath,
	    const char *cn, const char *host, int days);

/* tls_pin_x509(crt, out): the pin of a certificate (X509 *).  0 / -1. */
int	tls_pin_x509(void *crt, char out[TLS_PIN_LEN + 1]);

/* tls_pin_file(certpath, out): the pin of a PEM certificate.  0 / -1. */
int	tls_pin_file(const char *certpath, char out[TLS_PIN_LEN + 1]);

/*
 * A TLS identity read once, for a process's client connections: the
 * certificate (X509 *) and its private key (EVP_PKEY *), both owned by
 * the struct.  Read once, it is handed to each connection by reference
 * (tls_identity_use), so that no connection decodes a file again: under
 * memory pressure a decoder's failure reads as a broken file ("decode
 * error"), and the node would blame its certificate for what is a
 * shortage of memory (tests/cli/t0097).  Read-only once loaded, so
 * threads may share one.
 */
struct tls_identity {
	void	*crt;
	void	*key;
};

/* tls_identity_load(keypath, certpath, id): read the key (its file
 * trusted as pemfile_open_private says) and the certificate, and check
 * that they belong together.  0, or -1 (logged; id left empty). */
int	tls_identity_load(const char *keypath, const char *certpath,
	    struct tls_identity *id);

/* tls_identity_use(id, ssl_ctx): make id the identity that ssl_ctx (an
 * SSL_CTX *) presents.  Nothing is decoded: a failure is a shortage of
 * memory.  0 / -1. */
int	tls_identity_use(const struct tls_identity *id, void *ssl_ctx);

/* tls_identity_free(id): free what id holds and empty it; an empty id is
 * a no-op. */
void	tls_identity_free(struct tls_identity *id);

#endif /* OPORA_TLS_H */
