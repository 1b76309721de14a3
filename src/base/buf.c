/*
 * buf.c — bounded growable buffer. See buf.h for the invariants.
 */
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void zx_buf_init(zx_buf *b, size_t max)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void zx_buf_release(zx_buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void zx_buf_reset(zx_buf *b)
{
	b->len = 0;
	if (b->data)
		b->data[0] = '\0';
}

static zx_err buf_reserve(zx_buf *b, size_t extra)
{
	if (extra > b->max || b->len > b->max - extra)
		return ZX_ETOOBIG;
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return ZX_OK;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	char *p = realloc(b->data, cap);
	if (!p)
		return ZX_ENOMEM;
	b->data = p;
	b->cap = cap;
	return ZX_OK;
}

zx_err zx_buf_add(zx_buf *b, const void *p, size_t n)
{
	zx_err e = buf_reserve(b, n);
	if (e)
		return e;
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return ZX_OK;
}

zx_err zx_buf_adds(zx_buf *b, const char *s)
{
	return zx_buf_add(b, s, strlen(s));
}

zx_err zx_buf_addc(zx_buf *b, char c)
{
	return zx_buf_add(b, &c, 1);
}

/* v between quotes, its quotes doubled; prefix (may be "") goes right after the opening quote. */
static zx_err add_quoted(zx_buf *b, const char *prefix, const char *v)
{
	zx_err e;
	if ((e = zx_buf_addc(b, '"')) || (e = zx_buf_adds(b, prefix)))
		return e;
	for (const char *q; (q = strchr(v, '"')); v = q + 1)
		if ((e = zx_buf_add(b, v, (size_t)(q - v + 1))) || (e = zx_buf_addc(b, '"')))
			return e;
	if ((e = zx_buf_adds(b, v)))
		return e;
	return zx_buf_addc(b, '"');
}

zx_err zx_buf_add_csv(zx_buf *b, const char *v, bool first)
{
	zx_err e = first ? ZX_OK : zx_buf_addc(b, ',');
	if (e || !strpbrk(v, ",\"\r\n"))
		return e ? e : zx_buf_adds(b, v);
	return add_quoted(b, "", v);
}

zx_err zx_buf_add_csv_text(zx_buf *b, const char *v, bool first)
{
	if (!v[0] || !strchr("=+-@\t\r", v[0]))
		return zx_buf_add_csv(b, v, first);
	zx_err e = first ? ZX_OK : zx_buf_addc(b, ',');
	return e ? e : add_quoted(b, "'", v);
}

zx_err zx_buf_vaddf(zx_buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return ZX_EINTERNAL;
	zx_err e = buf_reserve(b, (size_t)n);
	if (e)
		return e;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return ZX_OK;
}

zx_err zx_buf_addf(zx_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	zx_err e = zx_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return e;
}

const char *zx_buf_str(const zx_buf *b)
{
	return b->data ? b->data : "";
}

char *zx_buf_detach(zx_buf *b, size_t *len)
{
	char *p = b->data;
	if (!p)
		p = calloc(1, 1);
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}
