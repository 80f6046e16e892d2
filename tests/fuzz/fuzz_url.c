/*
 * tests/fuzz/fuzz_url.c: fuzz node_url_host, which reads the host and
 * port of a node's url (opora.conf, init --url, config set url) for the
 * certificate's subjectAltName and init's listen address.
 *
 * Properties: on success the host is 1..NODE_HOST_MAX bytes of letters,
 * digits, '.', '-' (a name or an IPv4 address) or hex digits, ':' and '.'
 * (an IPv6 address), the port is 1..65535, and the url begins with
 * "https://" followed by that host (bracketed for IPv6); the same input
 * gives the same answer; node_listen_for then makes an address that
 * fits its buffer or refuses.
 *
 * A libFuzzer target ('make fuzz'); 'make check' replays its corpus,
 * tests/fuzz/corpus/url/, with tests/fuzz/replay.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "node/node.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*url, host[NODE_HOST_MAX + 1], host2[NODE_HOST_MAX + 1];
	char	 listen[128];
	size_t	 n, i;
	int	 port, port2, r, v6;

	/* The url is a C string: the input up to its first NUL. */
	if ((url = malloc(size + 1)) == NULL)
		return (0);
	if (size > 0)
		memcpy(url, data, size);
	url[size] = '\0';
	memset(host, 'x', sizeof(host));
	r = node_url_host(url, host, sizeof(host), &port);
	if (node_url_host(url, host2, sizeof(host2), &port2) != r)
		abort();
	if (r == 0) {
		n = strnlen(host, sizeof(host));
		if (n == 0 || n > NODE_HOST_MAX || strcmp(host, host2) != 0 ||
		    port != port2 || port < 1 || port > 65535 ||
		    strncmp(url, "https://", 8) != 0)
			abort();
		v6 = url[8] == '[';
		if (strncmp(url + 8 + v6, host, n) != 0)
			abort();
		for (i = 0; i < n; i++)
			if (strchr(v6 ? "0123456789abcdefABCDEF:." :
			    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			    "0123456789.-", host[i]) == NULL)
				abort();
		if (node_listen_for(host, port, listen, sizeof(listen)) == 0 &&
		    strnlen(listen, sizeof(listen)) == sizeof(listen))
			abort();
	} else if (r != -1)
		abort();
	free(url);
	return (0);
}
