/*
 * node/cmd_init.c: init (create a node) and id (print its card).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <cjson/cJSON.h>

#include "node/card.h"
#include "node/cli.h"
#include "node/node.h"
#include "protocol/jcs.h"
#include "protocol/limits.h"
#include "protocol/tls.h"

int
cmd_init(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "listen", required_argument, NULL, 'l' },
		{ "region", required_argument, NULL, 'r' },
		{ "url", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*usage = cli_tr(
	    "usage: opora init --region CODE [--url URL] [--listen ADDR:PORT]\n"
	    "  creates a node in the --dir directory: database, signing key,\n"
	    "  TLS key and certificate, configuration.  CODE is the region's\n"
	    "  ISO 3166-2:RU code (RU-SMO, RU-KLU, ...) or RU-FED.\n"
	    "  --url     the address peers reach this node at (default "
	    NODE_DEFAULT_URL ")\n"
	    "  --listen  where 'opora serve' listens (default "
	    NODE_DEFAULT_LISTEN ")",
	    "использование: opora init --region КОД [--url URL] "
	    "[--listen АДРЕС:ПОРТ]\n"
	    "  создаёт узел в каталоге --dir: базу данных, ключ подписи,\n"
	    "  ключ и сертификат TLS, настройки.  КОД — код региона по\n"
	    "  ISO 3166-2:RU (RU-SMO, RU-KLU, ...) или RU-FED.\n"
	    "  --url     адрес, по которому узел доступен другим (по "
	    "умолчанию " NODE_DEFAULT_URL ")\n"
	    "  --listen  где слушает 'opora serve' (по умолчанию "
	    NODE_DEFAULT_LISTEN ")");
	const char	*region = NULL, *url = NULL, *listen = NULL;
	int		 ch;

	optind = 0;
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			printf("%s\n", usage);
			return (EX_OK);
		case 'l':
			listen = optarg;
			break;
		case 'r':
			region = optarg;
			break;
		case 'u':
			url = optarg;
			break;
		default:
			fprintf(stderr, "%s\n", usage);
			return (EX_USAGE);
		}
	}
	if (region == NULL || optind != argc) {
		fprintf(stderr, "%s\n", usage);
		return (EX_USAGE);
	}
	if (node_init(cli.dir, region, url, listen) == -1)
		return (EX_CANTCREAT);
	fprintf(stderr, "%s %s %s %s\n", cli_tr("created node", "создан узел"),
	    region, cli_tr("in", "в"), cli.dir);
	return (EX_OK);
}

int
cmd_id(int argc, char **argv)
{
	struct node	*n;
	struct buf	 b;
	cJSON		*doc;
	int		 rc = EX_SOFTWARE;

	if (argc > 1) {
		if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") ==
		    0) {
			printf("%s\n", cli_tr("usage: opora id\n  this node's "
			    "card: region, URL, signing key, TLS pin; give it "
			    "to the admins of peer nodes",
			    "использование: opora id\n  карточка узла: "
			    "регион, URL, ключ подписи, отпечаток TLS; "
			    "передайте её администраторам узлов-партнёров"));
			return (EX_OK);
		}
		fprintf(stderr, "%s\n", cli_tr("usage: opora id",
		    "использование: opora id"));
		return (EX_USAGE);
	}
	if ((n = cli_open()) == NULL)
		return (EX_CONFIG);
	buf_init(&b, 8192);
	if ((doc = card_make(n)) != NULL &&
	    jcs_write(&b, doc, LIMIT_JSON_ELEMENTS, NULL) == 0) {
		printf("%s\n", b.data);
		rc = EX_OK;
	}
	buf_free(&b);
	cJSON_Delete(doc);
	node_close(n);
	return (rc);
}
