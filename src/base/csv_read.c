/*
 * csv_read.c — streaming CSV reader: bytes -> zx_decoder (UTF-8) -> libcsv ->
 * zx_rowbuf -> the caller's row function.
 *
 * Invariants:
 *   - input is consumed in CHUNK-sized pieces and nothing retains a piece after it
 *     is parsed, so memory is bounded by the caps, not by the file (libcsv's own
 *     field buffer is checked after every piece and can outgrow the cell cap by at
 *     most one piece before we stop);
 *   - rowno is the record number as a spreadsheet shows it: blank lines count,
 *     CRLF counts once, a newline inside quotes does not start a row;
 *   - the separator is fixed before the first byte reaches libcsv, from the header
 *     line (more tabs than commas outside quotes = tab-separated);
 *   - after the first error (err != ZX_OK) the callbacks ignore everything.
 */
#include "base/csv_read.h"

#include <csv.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/log.h"

#define CHUNK (64 * 1024)
/* How much of the file may pass before we must have seen the header's newline. */
#define HEAD_MAX (256 * 1024)

typedef struct csv_reader {
	struct csv_parser p;
	bool parser_ready;
	zx_rowbuf *rb;
	zx_decoder *dec;
	zx_errinfo *ei;
	zx_err err;
	long rowno;   /* number of the record being parsed */
	bool in_row;  /* a field of the current record has been seen */
	bool last_cr; /* the previous record ended with CR: a following LF is not a line */
	bool delim_set;
	zx_buf head; /* decoded text held back until the header line is complete */
	size_t entry_limit;
} csv_reader;

static void on_field(void *s, size_t n, void *data)
{
	csv_reader *r = data;
	if (r->err || zx_rowbuf_stopped(r->rb))
		return;
	r->in_row = true;
	r->err = zx_rowbuf_push(r->rb, s, n, r->rowno, r->ei);
}

static void on_row(int c, void *data)
{
	csv_reader *r = data;
	if (r->err || zx_rowbuf_stopped(r->rb))
		return;
	if (!r->in_row) {
		/* CSV_REPALL_NL reports every newline; the LF of a CRLF is not a line. */
		bool lf_of_crlf = c == '\n' && r->last_cr;
		r->last_cr = c == '\r';
		if (!lf_of_crlf)
			r->rowno++;
		return;
	}
	r->err = zx_rowbuf_end(r->rb, r->rowno, r->ei);
	r->rowno++;
	r->in_row = false;
	r->last_cr = c == '\r';
}

static int space_only(unsigned char c)
{
	/* Tabs may be the separator; zx_rowbuf trims all white space anyway. */
	return c == ' ';
}

/* Tab-separated if the header line has more tabs than commas outside quotes. */
static unsigned char pick_delim(const char *s, size_t n)
{
	size_t commas = 0, tabs = 0;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '"')
			quoted = !quoted;
		else if (quoted)
			continue;
		else if (c == '\n' || c == '\r')
			break;
		else if (c == ',')
			commas++;
		else if (c == '\t')
			tabs++;
	}
	return tabs > commas ? CSV_TAB : CSV_COMMA;
}

static zx_err parse_text(csv_reader *r, const char *s, size_t n)
{
	if (!n)
		return ZX_OK;
	size_t done = csv_parse(&r->p, s, n, on_field, on_row, r);
	if (r->err)
		return r->err;
	if (done < n) {
		zx_error("csv: libcsv failed: %s", csv_strerror(csv_error(&r->p)));
		return zx_fail(r->ei, ZX_ENOMEM, "out_of_memory", NULL, r->rowno, "内存不足，无法读取文件");
	}
	if (r->p.entry_pos > r->entry_limit)
		return zx_fail(r->ei, ZX_ETOOBIG, "cell_too_long", NULL, r->rowno,
		               "第%ld行有单元格的内容过长（上限 %zu 字节），请检查引号是否成对", r->rowno,
		               zx_rowbuf_opts(r->rb)->max_cell);
	return ZX_OK;
}

/* Passes decoded text on, first holding it back until the header line is known. */
static zx_err take_text(csv_reader *r, const char *s, size_t n, bool last)
{
	if (r->delim_set)
		return parse_text(r, s, n);
	if (zx_buf_add(&r->head, s, n))
		return zx_fail(r->ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	if (!last && r->head.len < HEAD_MAX && !memchr(r->head.data ? r->head.data : "", '\n', r->head.len))
		return ZX_OK;
	unsigned char delim = pick_delim(zx_buf_str(&r->head), r->head.len);
	csv_set_delim(&r->p, delim);
	if (delim == CSV_TAB)
		csv_set_space_func(&r->p, space_only);
	r->delim_set = true;
	zx_err e = parse_text(r, zx_buf_str(&r->head), r->head.len);
	zx_buf_release(&r->head);
	return e;
}

/* The decoder's message, re-issued with the row where the bad bytes are. */
static zx_err decode_failed(csv_reader *r, zx_err e)
{
	if (e != ZX_EVALIDATION || !r->ei)
		return e;
	zx_errinfo was = *r->ei;
	return zx_fail(r->ei, e, was.code, NULL, r->rowno, "第%ld行：%s", r->rowno, was.message);
}

static zx_err feed(csv_reader *r, const void *data, size_t n, bool last)
{
	const char *text;
	size_t tn;
	zx_err de = zx_decoder_feed(r->dec, n ? data : "", n, last, &text, &tn, r->ei);
	/* Parse what decoded cleanly first, so the error names the right row. */
	zx_err e = take_text(r, text, tn, last || de);
	if (e)
		return e;
	if (de)
		return decode_failed(r, de);
	return ZX_OK;
}

static zx_err finish(csv_reader *r)
{
	zx_err e = feed(r, "", 0, true);
	if (e || zx_rowbuf_stopped(r->rb))
		return e;
	/* libcsv only reports an open quote at the end in strict mode, which would also
	 * refuse harmless stray quotes inside unquoted cells; its state is public, so
	 * look: inside a quoted field (pstate FIELD_BEGUN == 2) means never closed. */
	if (r->p.quoted && r->p.pstate == 2)
		return zx_fail(r->ei, ZX_EVALIDATION, "unclosed_quote", NULL, r->rowno,
		               "第%ld行的引号没有闭合（缺少结束的英文双引号 \"），请检查该行", r->rowno);
	if (csv_fini(&r->p, on_field, on_row, r) != 0 && !r->err)
		return zx_fail(r->ei, ZX_ENOMEM, "out_of_memory", NULL, r->rowno, "内存不足，无法读取文件");
	return r->err;
}

static zx_err reader_init(csv_reader *r, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	memset(r, 0, sizeof *r);
	r->ei = ei;
	r->rowno = 1;
	zx_buf_init(&r->head, HEAD_MAX + CHUNK * 2);
	zx_err e = zx_rowbuf_new(o, fn, ctx, &r->rb, ei);
	if (e)
		return e;
	const zx_table_opts *ro = zx_rowbuf_opts(r->rb);
	r->entry_limit = ro->max_cell * 2 + 4096;
	zx_charset cs;
	if ((e = zx_charset_parse(ro->encoding, &cs, ei)) || (e = zx_decoder_new(cs, &r->dec, ei)))
		return e;
	if (csv_init(&r->p, CSV_REPALL_NL) != 0)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	r->parser_ready = true;
	return ZX_OK;
}

static void reader_release(csv_reader *r)
{
	if (r->parser_ready)
		csv_free(&r->p);
	zx_decoder_free(r->dec);
	zx_rowbuf_free(r->rb);
	zx_buf_release(&r->head);
}

zx_err zx_csv_read_mem(const void *data, size_t n, const zx_table_opts *o, zx_row_fn fn, void *ctx,
                       zx_errinfo *ei)
{
	csv_reader r;
	zx_err e = reader_init(&r, o, fn, ctx, ei);
	const char *p = data;
	for (size_t off = 0; !e && off < n && !zx_rowbuf_stopped(r.rb); off += CHUNK) {
		size_t len = n - off < CHUNK ? n - off : CHUNK;
		e = feed(&r, p + off, len, false);
	}
	if (!e && !zx_rowbuf_stopped(r.rb))
		e = finish(&r);
	reader_release(&r);
	return e;
}

zx_err zx_csv_read_fd(int fd, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	csv_reader r;
	char *buf = NULL;
	zx_err e = reader_init(&r, o, fn, ctx, ei);
	if (e)
		goto out;
	if (!(buf = malloc(CHUNK))) {
		e = zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
		goto out;
	}
	while (!zx_rowbuf_stopped(r.rb)) {
		ssize_t got = read(fd, buf, CHUNK);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			zx_warn("csv: read failed: %s", strerror(errno));
			e = zx_fail(ei, ZX_EIO, "cannot_read", NULL, r.rowno, "读取文件失败（第%ld行附近）",
			            r.rowno);
			goto out;
		}
		if (got == 0) {
			e = finish(&r);
			break;
		}
		if ((e = feed(&r, buf, (size_t)got, false)))
			goto out;
	}
out:
	free(buf);
	reader_release(&r);
	return e;
}
