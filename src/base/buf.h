/*
 * buf.h — the one growable byte/string buffer (in the spirit of git's strbuf and
 * curl's dynbuf).
 *
 * Invariants: data is always NUL-terminated when len > 0 or after any append;
 * len < cap; len never exceeds max (the cap given at init). An append that would
 * pass max fails with ZX_ETOOBIG and leaves the buffer unchanged, so every input
 * that flows through a zx_buf is bounded.
 */
#ifndef ZX_BUF_H
#define ZX_BUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

typedef struct zx_buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
} zx_buf;

#define ZX_BUF_INIT(maxbytes)                                                                                \
	{                                                                                                    \
		NULL, 0, 0, (maxbytes)                                                                       \
	}

void zx_buf_init(zx_buf *b, size_t max);
void zx_buf_release(zx_buf *b);
void zx_buf_reset(zx_buf *b); /* len = 0, keeps memory */

zx_err zx_buf_add(zx_buf *b, const void *p, size_t n);
zx_err zx_buf_adds(zx_buf *b, const char *s);
zx_err zx_buf_addc(zx_buf *b, char c);
zx_err zx_buf_addf(zx_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
zx_err zx_buf_vaddf(zx_buf *b, const char *fmt, va_list ap);

/* One CSV field (RFC 4180): a ',' in front unless it is the first of its row; quoted when it
 * holds a comma, a quote, CR or LF, with quotes doubled. Values pass through otherwise
 * unchanged (formula neutralising is the caller's choice). */
zx_err zx_buf_add_csv(zx_buf *b, const char *v, bool first);

/* The same for a CSV a person opens in a spreadsheet: a value that would run as a formula
 * (leading = + - @, TAB or CR) is quoted with a ' in front, so Excel/WPS show it as text. */
zx_err zx_buf_add_csv_text(zx_buf *b, const char *v, bool first);

/* The contents as a C string ("" when empty; never NULL). */
const char *zx_buf_str(const zx_buf *b);

/* Hands the memory to the caller (free() it); the buffer is left empty. */
char *zx_buf_detach(zx_buf *b, size_t *len);

#endif
