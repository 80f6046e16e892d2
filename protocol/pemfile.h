/*
 * protocol/pemfile.h: writing a private key or a certificate to a new PEM
 * file, durably.
 *
 * The file is created with O_EXCL (an existing file is never replaced),
 * with the given mode, written, flushed and fsync'ed; on any failure it is
 * removed, so a half-written key never stays behind.
 */
#ifndef OPORA_PEMFILE_H
#define OPORA_PEMFILE_H

#include <openssl/evp.h>
#include <openssl/x509.h>

/* pemfile_write(path, mode, key, crt): write key (if not NULL) and crt (if
 * not NULL), both borrowed, to a new file.  0, or -1 (logged). */
int	pemfile_write(const char *path, int mode, EVP_PKEY *key, X509 *crt);

#endif /* OPORA_PEMFILE_H */
