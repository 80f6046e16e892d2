/*
 * tests/unit/test_pemfile.c: a node's private files (protocol/pemfile.c):
 * keys written with exactly their mode whatever the umask, and the local
 * trust check refusing links, FIFOs, other owners and open modes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "protocol/pemfile.h"

struct tmp {
	char	 dir[64];
	char	 p[6][128];
};

static void
tmp_make(struct tmp *t)
{
	static const char *const names[6] = { "key", "link", "fifo", "sub",
	    "sub/x", "other" };
	char	 dir[64];
	int	 i;

	snprintf(dir, sizeof(dir), "/tmp/opora-pem.XXXXXX");
	assert_non_null(mkdtemp(dir));
	memcpy(t->dir, dir, sizeof(dir));
	for (i = 0; i < 6; i++)
		snprintf(t->p[i], sizeof(t->p[i]), "%s/%s", dir, names[i]);
}

static void
tmp_remove(struct tmp *t)
{
	int	 i;

	for (i = 5; i >= 0; i--) {
		(void)unlink(t->p[i]);
		(void)rmdir(t->p[i]);
	}
	assert_int_equal(rmdir(t->dir), 0);
}

static mode_t
mode_of(const char *p)
{
	struct stat	 sb;

	assert_int_equal(lstat(p, &sb), 0);
	return (sb.st_mode & 07777);
}

/* pemfile_write gives the mode asked for, under any umask, and never
 * replaces a file or follows a link. */
static void
test_write_modes(void **state)
{
	static const mode_t	 masks[] = { 0, 022, 077, 0777 };
	struct tmp		 t;
	EVP_PKEY		*k;
	mode_t			 old;
	size_t			 i;

	(void)state;
	tmp_make(&t);
	k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	assert_non_null(k);
	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		old = umask(masks[i]);
		assert_int_equal(pemfile_write(t.p[0], 0600, k, NULL), 0);
		umask(old);
		assert_int_equal(mode_of(t.p[0]), 0600);
		assert_int_equal(unlink(t.p[0]), 0);
	}
	assert_int_equal(pemfile_write(t.p[0], 0600, k, NULL), 0);
	assert_int_equal(pemfile_write(t.p[0], 0600, k, NULL), -1);
	assert_int_equal(symlink(t.p[5], t.p[1]), 0);
	assert_int_equal(pemfile_write(t.p[1], 0600, k, NULL), -1);
	assert_int_equal(access(t.p[5], F_OK), -1);
	EVP_PKEY_free(k);
	tmp_remove(&t);
}

/* What pemfile_open_trusted accepts and refuses. */
static void
test_open_trusted(void **state)
{
	struct tmp	 t;
	FILE		*f;
	int		 fd, dfd;

	(void)state;
	tmp_make(&t);
	fd = open(t.p[0], O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "k\n", 2), 2);
	close(fd);
	assert_int_equal(chmod(t.p[0], 0600), 0);
	/* Ours and 0600: accepted, for PEMFILE_PRIVATE and PEMFILE_NO_WRITE. */
	assert_true((fd = pemfile_open_trusted(t.p[0], 0, PEMFILE_PRIVATE,
	    "key")) >= 0);
	close(fd);
	assert_non_null(f = pemfile_open_private(t.p[0], "key"));
	assert_int_equal(fgetc(f), 'k');
	fclose(f);
	/* Group or other bits. */
	assert_int_equal(chmod(t.p[0], 0640), 0);
	assert_int_equal(pemfile_open_trusted(t.p[0], 0, PEMFILE_PRIVATE,
	    "key"), -1);
	assert_null(pemfile_open_private(t.p[0], "key"));
	assert_true((fd = pemfile_open_trusted(t.p[0], 0, PEMFILE_NO_WRITE,
	    "key")) >= 0);
	close(fd);
	assert_int_equal(chmod(t.p[0], 0602), 0);
	assert_int_equal(pemfile_open_trusted(t.p[0], 0, PEMFILE_NO_WRITE,
	    "key"), -1);
	assert_int_equal(chmod(t.p[0], 0600), 0);
	/* A symbolic link to a good file; a FIFO; a directory; nothing. */
	assert_int_equal(symlink(t.p[0], t.p[1]), 0);
	assert_int_equal(pemfile_open_trusted(t.p[1], 0, PEMFILE_PRIVATE,
	    "key"), -1);
	assert_int_equal(mkfifo(t.p[2], 0600), 0);
	assert_int_equal(pemfile_open_trusted(t.p[2], 0, PEMFILE_PRIVATE,
	    "key"), -1);
	assert_int_equal(mkdir(t.p[3], 0700), 0);
	assert_int_equal(pemfile_open_trusted(t.p[3], 0, PEMFILE_PRIVATE,
	    "key"), -1);
	assert_true((fd = pemfile_open_trusted(t.p[3], 1, PEMFILE_NO_WRITE,
	    "dir")) >= 0);
	close(fd);
	assert_int_equal(pemfile_open_trusted(t.p[0], 1, PEMFILE_NO_WRITE,
	    "dir"), -1);
	assert_int_equal(pemfile_open_trusted(t.p[5], 0, PEMFILE_PRIVATE,
	    "key"), -2);
	assert_null(pemfile_open_private(t.p[5], "key"));
	/* The same judgement without opening, relative to a directory. */
	assert_true((dfd = open(t.dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(pemfile_stat_trusted(dfd, "key", t.p[0],
	    PEMFILE_PRIVATE, "key"), 0);
	assert_int_equal(pemfile_stat_trusted(dfd, "link", t.p[1],
	    PEMFILE_PRIVATE, "key"), -1);
	assert_int_equal(pemfile_stat_trusted(dfd, "fifo", t.p[2],
	    PEMFILE_PRIVATE, "key"), -1);
	assert_int_equal(pemfile_stat_trusted(dfd, "other", t.p[5],
	    PEMFILE_PRIVATE, "key"), -2);
	assert_int_equal(chmod(t.p[0], 0644), 0);
	assert_int_equal(pemfile_stat_trusted(dfd, "key", t.p[0],
	    PEMFILE_PRIVATE, "key"), -1);
	assert_int_equal(chmod(t.p[0], 0600), 0);
	/* Another owner (only root can make one). */
	if (geteuid() == 0) {
		assert_int_equal(chown(t.p[0], 65534, (gid_t)-1), 0);
		assert_int_equal(pemfile_open_trusted(t.p[0], 0,
		    PEMFILE_PRIVATE, "key"), -1);
		assert_int_equal(pemfile_stat_trusted(dfd, "key", t.p[0],
		    PEMFILE_PRIVATE, "key"), -1);
		assert_int_equal(chown(t.p[0], 0, (gid_t)-1), 0);
	}
	close(dfd);
	tmp_remove(&t);
}

/* The directories above a node. */
static void
test_parents(void **state)
{
	struct tmp	 t;

	(void)state;
	tmp_make(&t);
	assert_int_equal(mkdir(t.p[3], 0700), 0);
	assert_int_equal(pemfile_check_parents(t.p[4]), 0);
	/* A relative path is judged from the working directory up. */
	{
		char	 cwd[4096];

		assert_non_null(getcwd(cwd, sizeof(cwd)));
		assert_int_equal(chdir(t.p[3]), 0);
		assert_int_equal(pemfile_check_parents("relative-node"), 0);
		assert_int_equal(chmod(t.p[3], 0777), 0);
		assert_int_equal(pemfile_check_parents("relative-node"), -1);
		assert_int_equal(chmod(t.p[3], 0700), 0);
		assert_int_equal(chdir(cwd), 0);
	}
	assert_int_equal(pemfile_check_parents("/"), 0);
	assert_int_equal(chmod(t.p[3], 0770), 0);
	assert_int_equal(pemfile_check_parents(t.p[4]), -1);
	assert_int_equal(chmod(t.p[3], 01777), 0);
	assert_int_equal(pemfile_check_parents(t.p[4]), 0);
	assert_int_equal(chmod(t.p[3], 0755), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(t.p[3], 65534, (gid_t)-1), 0);
		assert_int_equal(pemfile_check_parents(t.p[4]), -1);
	}
	/* A parent that does not exist cannot be judged. */
	assert_int_equal(pemfile_check_parents("/nonexistent/opora/n"), -1);
	tmp_remove(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_modes),
		cmocka_unit_test(test_open_trusted),
		cmocka_unit_test(test_parents),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
