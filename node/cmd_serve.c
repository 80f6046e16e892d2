/*
 * node/cmd_serve.c: serve (the HTTPS server and the pullers) and
 * sync --once (one pull round, for scripts and tests).
 */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include <curl/curl.h>

#include "node/cli.h"
#include "node/node.h"
#include "node/server.h"
#include "node/sync.h"

/* libcurl, for the pulls: loaded and set up before any thread (its
 * global state is not thread-safe; node/curlload.h).  0, or -1 said. */
static int
curl_start(void)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK)
		return (0);
	cli_err("%s", cli_tr("cannot load or set up libcurl, which pulling "
	    "from peers needs: install Debian's package libcurl4",
	    "не удаётся загрузить libcurl, нужную для получения изменений "
	    "от партнёров: установите пакет Debian libcurl4"));
	return (-1);
}

int
cmd_serve(int argc, char **argv)
{
	struct node	*n;
	int		 rc;

	if (argc != 1) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "%s\n", cli_tr("usage: opora serve\n  serves this "
		    "node's peers over HTTPS (mutual TLS) where opora.conf's "
		    "listen says,\n  and pulls every peer's feed; stops cleanly "
		    "on SIGTERM or SIGINT",
		    "использование: opora serve\n  обслуживает узлы-партнёры по "
		    "HTTPS (взаимный TLS) по адресу listen\n  из opora.conf и "
		    "забирает их ленты; корректно завершается по SIGTERM\n  "
		    "или SIGINT"));
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if (curl_start() == -1)
		return (EX_UNAVAILABLE);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = server_run(n, cli.dir) == 0 ? EX_OK : EX_UNAVAILABLE;
	node_close(n);
	return (rc);
}

int
cmd_sync(int argc, char **argv)
{
	struct node	*n;
	int		 rc;

	if (argc != 2 || strcmp(argv[1], "--once") != 0) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "%s\n", cli_tr("usage: opora sync --once\n  pulls "
		    "from every peer until each has nothing more, without "
		    "serving",
		    "использование: opora sync --once\n  забирает изменения у "
		    "всех партнёров, не запуская сервер"));
		return (argc == 2 && strcmp(argv[1], "--help") == 0 ? EX_OK :
		    EX_USAGE);
	}
	if (curl_start() == -1)
		return (EX_UNAVAILABLE);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = sync_once(n, stdout) == 0 ? EX_OK : EX_UNAVAILABLE;
	node_close(n);
	return (rc);
}
