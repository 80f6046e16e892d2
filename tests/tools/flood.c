/*
 * tests/tools/flood.c: a stranger who tries to starve a node's server
 * (tests/cli/t0020-server-starve.sh).
 *
 *   flood -m MODE -n N -t SECONDS [-b SRCADDR] HOST PORT
 *
 * keeps N TCP connections to HOST:PORT open for SECONDS, from SRCADDR
 * when given (any of 127.0.0.0/8 on loopback), and opens again each one
 * the server closes (after 100 ms, so the attack goes on all the time).
 * MODE says what each connection does:
 *   idle   nothing at all;
 *   hello  the start of a TLS handshake record, then nothing (a half-done
 *          handshake);
 *   slow   that record one byte a second (slowloris at the TLS layer).
 * At the end it prints "opened N closed-by-server N" on standard output.
 * Plain POSIX sockets; no TLS library needed.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define FLOOD_MAX	2000	/* connections one flood may hold */
#define REOPEN_MS	100	/* before a closed connection is opened again */

/* A TLS record header (handshake, 512 bytes) and the start of a
 * ClientHello: the server waits for the rest. */
static const unsigned char HELLO[] = { 0x16, 0x03, 0x01, 0x02, 0x00, 0x01,
    0x00, 0x01, 0xfc, 0x03, 0x03 };

struct slot {
	int		 fd;
	size_t		 sent;
	long long	 when;	/* ms: next byte, or reopen */
};

static long long
now_ms(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

static int
open_one(const struct sockaddr_in *to, const struct sockaddr_in *from)
{
	int	 fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return (-1);
	if ((from != NULL && bind(fd, (const struct sockaddr *)from,
	    sizeof(*from)) == -1) || fcntl(fd, F_SETFL, O_NONBLOCK) == -1 ||
	    (connect(fd, (const struct sockaddr *)to, sizeof(*to)) == -1 &&
	    errno != EINPROGRESS)) {
		close(fd);
		return (-1);
	}
	return (fd);
}

static void
usage(void)
{
	fprintf(stderr, "usage: flood -m idle|hello|slow -n N -t SECONDS "
	    "[-b SRCADDR] HOST PORT\n");
	exit(64);
}

int
main(int argc, char **argv)
{
	static struct slot	 s[FLOOD_MAX];
	static struct pollfd	 pf[FLOOD_MAX];
	struct sockaddr_in	 to, from;
	const char		*mode = "idle", *bind_to = NULL;
	long long		 end, now;
	long			 opened = 0, closed = 0;
	int			 n = 10, secs = 10, ch, i;
	char			 junk[512];

	while ((ch = getopt(argc, argv, "b:m:n:t:")) != -1) {
		switch (ch) {
		case 'b':
			bind_to = optarg;
			break;
		case 'm':
			mode = optarg;
			break;
		case 'n':
			n = (int)strtol(optarg, NULL, 10);
			break;
		case 't':
			secs = (int)strtol(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc != 2 || n < 1 || n > FLOOD_MAX || secs < 1 ||
	    (strcmp(mode, "idle") != 0 && strcmp(mode, "hello") != 0 &&
	    strcmp(mode, "slow") != 0))
		usage();
	memset(&to, 0, sizeof(to));
	to.sin_family = AF_INET;
	to.sin_port = htons((unsigned short)strtol(argv[1], NULL, 10));
	if (inet_pton(AF_INET, argv[0], &to.sin_addr) != 1)
		usage();
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	if (bind_to != NULL && inet_pton(AF_INET, bind_to, &from.sin_addr) !=
	    1)
		usage();
	for (i = 0; i < n; i++) {
		s[i].fd = -1;
		s[i].when = 0;
	}
	end = now_ms() + secs * 1000LL;
	while ((now = now_ms()) < end) {
		for (i = 0; i < n; i++) {
			if (s[i].fd == -1 && now >= s[i].when) {
				s[i].fd = open_one(&to, bind_to ? &from : NULL);
				s[i].sent = 0;
				s[i].when = now;
				if (s[i].fd != -1)
					opened++;
				else
					s[i].when = now + REOPEN_MS;
			}
			if (s[i].fd != -1 && strcmp(mode, "idle") != 0 &&
			    s[i].sent < sizeof(HELLO) && now >= s[i].when) {
				size_t	 k = strcmp(mode, "hello") == 0 ?
				    sizeof(HELLO) : 1;
				ssize_t	 w = write(s[i].fd, HELLO + s[i].sent, k);

				if (w > 0) {
					s[i].sent += (size_t)w;
					s[i].when = now + 1000;
				}
			}
			pf[i].fd = s[i].fd;
			pf[i].events = POLLIN;
			pf[i].revents = 0;
		}
		if (poll(pf, (nfds_t)n, 50) == -1 && errno != EINTR)
			break;
		for (i = 0; i < n; i++) {
			if (s[i].fd == -1 || pf[i].revents == 0)
				continue;
			/* Closed (or answered) by the server: open again. */
			if (read(s[i].fd, junk, sizeof(junk)) <= 0 ||
			    (pf[i].revents & (POLLHUP | POLLERR))) {
				close(s[i].fd);
				s[i].fd = -1;
				s[i].when = now_ms() + REOPEN_MS;
				closed++;
			}
		}
	}
	printf("opened %ld closed-by-server %ld\n", opened, closed);
	return (0);
}
