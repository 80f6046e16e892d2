/*
 * node/cmd_serve.c: serve (the HTTPS server and the pullers) and
 * sync --once (one pull round, for scripts and tests).
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "node/cli.h"
#include "node/libload.h"
#include "node/node.h"
#include "node/server.h"
#include "node/sync.h"
#include "protocol/log.h"

/* The libraries of serving (mhd) and of pulling: loaded before any
 * thread (node/libload.h).  0, or -1 said. */
static int
libs_start(bool mhd)
{
	if (libload_curl() == -1) {
		cli_err("%s", cli_tr("cannot load libcurl, which pulling from "
		    "peers needs: install Debian's package libcurl4",
		    "не удаётся загрузить libcurl, нужную для получения "
		    "изменений от партнёров: установите пакет Debian "
		    "libcurl4"));
		return (-1);
	}
	if (mhd && libload_mhd() == -1) {
		cli_err("%s", cli_tr("cannot load libmicrohttpd, which the "
		    "browsers' listener needs: install Debian's package "
		    "libmicrohttpd12", "не удаётся загрузить libmicrohttpd, "
		    "нужную веб-страницам: установите пакет Debian "
		    "libmicrohttpd12"));
		return (-1);
	}
	return (0);
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
	/* A failure says so at priority error, after the lines that say
	 * why (warnings): 'journalctl -p err' shows every stop. */
	if (libs_start(true) == -1) {
		log_errorx("serve: not started (the lines above say why)");
		return (EX_UNAVAILABLE);
	}
	if ((n = cli_open()) == NULL) {
		log_errorx("serve: not started: the node cannot be opened (the "
		    "lines above say why)");
		return (EX_CONFIG);
	}
	rc = server_run(n, cli.dir) == 0 ? EX_OK : EX_UNAVAILABLE;
	if (rc != EX_OK)
		log_errorx("serve: stopped on an error (the lines above say "
		    "why)");
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
	if (libs_start(false) == -1)
		return (EX_UNAVAILABLE);
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	rc = sync_once(n, stdout) == 0 ? EX_OK : EX_UNAVAILABLE;
	node_close(n);
	return (rc);
}
