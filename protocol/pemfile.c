/*
 * protocol/pemfile.c: durable PEM files.  See pemfile.h.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include <openssl/pem.h>

#include "protocol/log.h"
#include "protocol/pemfile.h"

int
pemfile_write(const char *path, int mode, EVP_PKEY *key, X509 *crt)
{
	FILE	*f = NULL;
	int	 fd, rc = -1;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    mode)) == -1) {
		log_warn("create %s", path);
		return (-1);
	}
	if ((f = fdopen(fd, "w")) == NULL) {
		log_warn("create %s", path);
		close(fd);
		goto out;
	}
	if ((key != NULL && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL,
	    NULL) != 1) || (crt != NULL && PEM_write_X509(f, crt) != 1)) {
		log_ssl("write %s", path);
		goto out;
	}
	if (fflush(f) != 0 || fsync(fileno(f)) != 0) {
		log_warn("write %s", path);
		goto out;
	}
	rc = 0;
out:
	if (f != NULL && fclose(f) != 0 && rc == 0) {
		log_warn("close %s", path);
		rc = -1;
	}
	if (rc == -1)
		unlink(path);
	return (rc);
}
