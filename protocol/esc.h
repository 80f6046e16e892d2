/*
 * protocol/esc.h: one way to show text that came from outside (a peer's
 * error message, a request target, a change's text, a file name) in a log
 * line, a table an admin reads, or a terminal, without letting it forge a
 * line or drive the terminal.
 *
 * esc_text copies in, keeping printable ASCII and well-formed UTF-8 (so
 * Russian text stays readable) and writing every other byte -- control
 * characters (newline, escape, ...), DEL, the C1 controls U+0080..U+009F,
 * the characters that reorder or break a line (U+061C, U+200E, U+200F,
 * U+2028..U+202E, U+2066..U+2069), bytes of invalid or overlong UTF-8 --
 * as \xNN (each byte), and a backslash as \\.
 * The result is always NUL-terminated within outsz; when it does not fit,
 * it is cut at a character boundary and ends in "...".
 */
#ifndef OPORA_ESC_H
#define OPORA_ESC_H

#include <stddef.h>

#define ESC_SHORT	128	/* a buffer for a name, a target, a code */
#define ESC_LONG	512	/* a buffer for a message */

/* esc_text(in, len, out, outsz): out (borrowed from the caller, outsz >=
 * 4) holds the escaped text; returns out.  in may be NULL (shown as ""). */
char	*esc_text(const void *in, size_t len, char *out, size_t outsz);

/* esc_str(in, out, outsz): esc_text of a C string. */
char	*esc_str(const char *in, char *out, size_t outsz);

/* esc_controls(in, out, outsz): as esc_str, but a backslash stays one: for
 * a whole message about to be shown, parts of which esc_str may already
 * have escaped (so that they are not escaped twice). */
char	*esc_controls(const char *in, char *out, size_t outsz);

/*
 * esc_lines(in, len, final, out, used): for a stream of text bound for a
 * terminal (what a command prints on one), as esc_controls but keeping
 * newlines and tabs, and piece by piece: a UTF-8 sequence cut at the end
 * of in is left for the next call (*used says how many bytes of in were
 * taken) unless final, when it is escaped.  out (borrowed, at least
 * 4 * len bytes) is not NUL-terminated; returns the bytes written to it.
 */
size_t	 esc_lines(const void *in, size_t len, int final, char *out,
	    size_t *used);

#endif /* OPORA_ESC_H */
