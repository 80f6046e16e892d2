/*
 * node/main.c: the opora program.  Everything is in node/cli.c.
 */
#include "node/cli.h"

int
main(int argc, char **argv)
{
	return (cli_main(argc, argv));
}
