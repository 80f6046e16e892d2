/*
 * node/ttyout.h: what a command prints on a terminal is shown, not
 * obeyed.  Text from outside (a peer's change, a card, an imported line)
 * may hold an escape sequence, a C1 control or a character that reorders
 * a line; printed as it is, it would drive the terminal of the admin or
 * curator who reads it.  When standard output is a terminal,
 * ttyout_install puts a stream in front of it that writes every such
 * character as \xNN (protocol/esc.h, esc_lines), keeping newlines, tabs
 * and all readable text; when it is a file or a pipe, the bytes go out as
 * they are (a script, a --json reader or an export gets them exact), as
 * GNU ls does with names.
 */
#ifndef OPORA_TTYOUT_H
#define OPORA_TTYOUT_H

/* ttyout_install(): put the escaping stream in place of stdout when
 * standard output is a terminal (it stays until exit, which closes it).
 * 0, or -1 when it could not be set up (stdout is left as it was, and
 * the caller must not print outside text to it: cli_main stops). */
int	 ttyout_install(void);

#endif /* OPORA_TTYOUT_H */
