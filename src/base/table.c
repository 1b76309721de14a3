/*
 * table.c — the front door of the tabular readers (format sniffing and dispatch to
 * csv_read.c / xlsx_read.c) and the row assembler both readers share.
 *
 * Invariants of zx_rowbuf:
 *   - every stored cell went through cell_clean(): trimmed, valid UTF-8 without
 *     NUL, 繁→简 when asked, and within max_cell bytes;
 *   - offs[i] == UNSET for every column i < ncells that holds no text, and the
 *     arrays past ncells are all UNSET/0, so a row is cleared in O(ncells);
 *   - text holds the current row only; memory is reused from row to row, so the
 *     steady state does no allocation per cell or per row;
 *   - the first delivered row is the header; a copy is kept to name columns in
 *     error messages ("第12行 证件号码 列…").
 */
#include "base/table.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/charset.h"
#include "base/csv_read.h"
#include "base/log.h"
#include "base/xlsx_read.h"

#define UNSET SIZE_MAX

struct zx_rowbuf {
	zx_table_opts o;
	zx_row_fn fn;
	void *ctx;
	zx_buf text; /* the row's cells, each followed by a NUL */
	size_t *offs;
	size_t *lens;
	unsigned char *flags;
	const char **ptrs;
	size_t ncap, ncells;
	bool nonblank;
	bool have_header;
	long data_rows;
	zx_buf hdr; /* header cells, NUL-separated */
	size_t *hdr_offs;
	size_t nhdr;
	zx_t2s *t2s;
	unsigned char *t2s_mask; /* per column, from the header; NULL = every column */
	size_t nmask;
	zx_buf conv;
	int stop;
};

const char *zx_row_cell(const zx_row *row, size_t i)
{
	return i < row->ncells ? row->cells[i] : "";
}

void zx_table_col_name(size_t col, char out[8])
{
	char tmp[8];
	size_t n = 0;
	col++;
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = '\0';
}

zx_err zx_rowbuf_new(const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_rowbuf **out, zx_errinfo *ei)
{
	zx_rowbuf *rb = calloc(1, sizeof *rb);
	if (!rb)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	if (o)
		rb->o = *o;
	if (!rb->o.max_cell)
		rb->o.max_cell = ZX_TABLE_DEFAULT_MAX_CELL;
	if (!rb->o.max_cells_per_row)
		rb->o.max_cells_per_row = ZX_TABLE_DEFAULT_MAX_CELLS;
	if (rb->o.max_rows <= 0)
		rb->o.max_rows = ZX_TABLE_DEFAULT_MAX_ROWS;
	if (!rb->o.max_unzipped)
		rb->o.max_unzipped = ZX_TABLE_DEFAULT_MAX_UNZIPPED;
	rb->fn = fn;
	rb->ctx = ctx;
	/* Each stored cell is within max_cell plus its NUL; no overflow at sane caps. */
	size_t rowmax = (rb->o.max_cell + 1) * rb->o.max_cells_per_row;
	zx_buf_init(&rb->text, rowmax);
	zx_buf_init(&rb->hdr, rowmax);
	zx_buf_init(&rb->conv, rb->o.max_cell * 4 + 16);
	if (rb->o.normalize_t2s || rb->o.t2s_columns) {
		zx_err e = zx_t2s_new(&rb->t2s, ei);
		if (e) {
			zx_rowbuf_free(rb);
			return e;
		}
	}
	*out = rb;
	return ZX_OK;
}

void zx_rowbuf_free(zx_rowbuf *rb)
{
	if (!rb)
		return;
	zx_buf_release(&rb->text);
	zx_buf_release(&rb->hdr);
	zx_buf_release(&rb->conv);
	free(rb->offs);
	free(rb->lens);
	free(rb->flags);
	free(rb->ptrs);
	free(rb->hdr_offs);
	free(rb->t2s_mask);
	zx_t2s_free(rb->t2s);
	free(rb);
}

const zx_table_opts *zx_rowbuf_opts(const zx_rowbuf *rb)
{
	return &rb->o;
}

int zx_rowbuf_stopped(const zx_rowbuf *rb)
{
	return rb->stop;
}

void zx_rowbuf_col_label(const zx_rowbuf *rb, size_t col, char *out, size_t outsz)
{
	if (!outsz)
		return;
	const char *name = col < rb->nhdr ? rb->hdr.data + rb->hdr_offs[col] : "";
	if (!*name) {
		char letters[8];
		zx_table_col_name(col, letters);
		snprintf(out, outsz, "%s", letters);
		return;
	}
	size_t n = strlen(name);
	if (n >= outsz) {
		/* Cut on a character boundary so the message stays valid UTF-8. */
		n = outsz - 1;
		while (n > 0 && ((unsigned char)name[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, name, n);
	out[n] = '\0';
}

static zx_err rowbuf_grow(zx_rowbuf *rb, size_t need)
{
	if (need <= rb->ncap)
		return ZX_OK;
	size_t cap = rb->ncap ? rb->ncap : 32;
	while (cap < need)
		cap *= 2;
	size_t *offs = realloc(rb->offs, cap * sizeof *offs);
	if (offs)
		rb->offs = offs;
	size_t *lens = realloc(rb->lens, cap * sizeof *lens);
	if (lens)
		rb->lens = lens;
	unsigned char *flags = realloc(rb->flags, cap);
	if (flags)
		rb->flags = flags;
	const char **ptrs = realloc(rb->ptrs, cap * sizeof *ptrs);
	if (ptrs)
		rb->ptrs = ptrs;
	if (!offs || !lens || !flags || !ptrs)
		return ZX_ENOMEM;
	for (size_t i = rb->ncap; i < cap; i++) {
		rb->offs[i] = UNSET;
		rb->lens[i] = 0;
		rb->flags[i] = 0;
	}
	rb->ncap = cap;
	return ZX_OK;
}

/* Length of white space (ASCII, NBSP U+00A0, ideographic U+3000, BOM U+FEFF) at p. */
static size_t space_at(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[0] == ' ' || (p[0] >= '\t' && p[0] <= '\r')))
		return 1;
	if (n >= 2 && p[0] == 0xC2 && p[1] == 0xA0)
		return 2;
	if (n >= 3 && p[0] == 0xE3 && p[1] == 0x80 && p[2] == 0x80)
		return 3;
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
		return 3;
	return 0;
}

/* Same, for white space ending at p + n. */
static size_t space_before(const unsigned char *p, size_t n)
{
	if (n >= 1 && (p[n - 1] == ' ' || (p[n - 1] >= '\t' && p[n - 1] <= '\r')))
		return 1;
	if (n >= 2 && p[n - 2] == 0xC2 && p[n - 1] == 0xA0)
		return 2;
	if (n >= 3 && p[n - 3] == 0xE3 && p[n - 2] == 0x80 && p[n - 1] == 0x80)
		return 3;
	if (n >= 3 && p[n - 3] == 0xEF && p[n - 2] == 0xBB && p[n - 1] == 0xBF)
		return 3;
	return 0;
}

static zx_err cell_too_long(zx_rowbuf *rb, size_t col, long rowno, size_t n, zx_errinfo *ei)
{
	char label[64];
	zx_rowbuf_col_label(rb, col, label, sizeof label);
	return zx_fail(ei, ZX_ETOOBIG, "cell_too_long", label, rowno,
	               "第%ld行 %s 列的内容过长（%zu 字节，上限 %zu 字节）", rowno, label, n, rb->o.max_cell);
}

/* Whether col gets 繁→简: the header always (so 證件號碼 matches), data cells when
 * no column list was given or their header is on it. */
static bool t2s_wanted(const zx_rowbuf *rb, size_t col)
{
	if (!rb->have_header || !rb->o.t2s_columns)
		return true;
	return col < rb->nmask && rb->t2s_mask[col];
}

/* Trims, validates and normalises one cell; s and n are updated to the clean text. */
static zx_err cell_clean(zx_rowbuf *rb, size_t col, const char **s, size_t *n, long rowno, zx_errinfo *ei)
{
	const unsigned char *p = (const unsigned char *)*s;
	size_t len = *n, k;
	while ((k = space_at(p, len))) {
		p += k;
		len -= k;
	}
	while ((k = space_before(p, len)))
		len -= k;
	*s = (const char *)p;
	*n = len;
	if (!len)
		return ZX_OK;
	if (len > rb->o.max_cell)
		return cell_too_long(rb, col, rowno, len, ei);
	bool ascii;
	if (!zx_utf8_valid(*s, len, &ascii)) {
		char label[64];
		zx_rowbuf_col_label(rb, col, label, sizeof label);
		return zx_fail(
		    ei, ZX_EVALIDATION, "invalid_text", label, rowno,
		    "第%ld行 %s 列含有无法识别的字符（不是 UTF-8 文本），请确认文件编码为 UTF-8 或 "
		    "GB18030",
		    rowno, label);
	}
	if (rb->t2s && !ascii && t2s_wanted(rb, col)) {
		zx_buf_reset(&rb->conv);
		if (zx_t2s_convert(rb->t2s, *s, len, &rb->conv))
			return zx_fail(ei, ZX_EINTERNAL, "t2s_failed", NULL, rowno, "第%ld行繁简转换失败",
			               rowno);
		*s = rb->conv.data;
		*n = len = rb->conv.len;
		if (len > rb->o.max_cell)
			return cell_too_long(rb, col, rowno, len, ei);
	}
	return ZX_OK;
}

static zx_err too_many_columns(zx_rowbuf *rb, long rowno, zx_errinfo *ei)
{
	return zx_fail(ei, ZX_ETOOBIG, "too_many_columns", NULL, rowno, "第%ld行的列数超过上限（%zu 列）",
	               rowno, rb->o.max_cells_per_row);
}

zx_err zx_rowbuf_set(zx_rowbuf *rb, size_t col, const char *s, size_t n, unsigned flags, long rowno,
                     zx_errinfo *ei)
{
	zx_err e = cell_clean(rb, col, &s, &n, rowno, ei);
	if (e)
		return e;
	if (col >= rb->o.max_cells_per_row)
		return n ? too_many_columns(rb, rowno, ei) : ZX_OK;
	/* Empty cells are implicit: nothing to store, and a row of them stays blank. */
	if (!n)
		return ZX_OK;
	if (rowbuf_grow(rb, col + 1))
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, rowno, "内存不足");
	size_t off = rb->text.len;
	if (zx_buf_add(&rb->text, s, n) || zx_buf_add(&rb->text, "", 1))
		return zx_fail(ei, ZX_ETOOBIG, "row_too_long", NULL, rowno, "第%ld行的内容过长", rowno);
	rb->offs[col] = off;
	rb->lens[col] = n;
	rb->flags[col] = (unsigned char)flags;
	if (col >= rb->ncells)
		rb->ncells = col + 1;
	rb->nonblank = true;
	return ZX_OK;
}

zx_err zx_rowbuf_push(zx_rowbuf *rb, const char *s, size_t n, long rowno, zx_errinfo *ei)
{
	size_t col = rb->ncells;
	if (col >= rb->o.max_cells_per_row) {
		/* Trailing empty fields (",,,,") past the cap are harmless. */
		zx_err e = cell_clean(rb, col, &s, &n, rowno, ei);
		return e ? e : n ? too_many_columns(rb, rowno, ei) : ZX_OK;
	}
	zx_err e = zx_rowbuf_set(rb, col, s, n, 0, rowno, ei);
	if (e)
		return e;
	if (rb->ncells == col) {
		if (rowbuf_grow(rb, col + 1))
			return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, rowno, "内存不足");
		rb->ncells = col + 1;
	}
	return ZX_OK;
}

static void rowbuf_clear(zx_rowbuf *rb)
{
	for (size_t i = 0; i < rb->ncells; i++) {
		rb->offs[i] = UNSET;
		rb->lens[i] = 0;
		rb->flags[i] = 0;
	}
	rb->ncells = 0;
	rb->nonblank = false;
	zx_buf_reset(&rb->text);
}

static zx_err rowbuf_keep_header(zx_rowbuf *rb, zx_errinfo *ei)
{
	rb->hdr_offs = malloc((rb->ncells ? rb->ncells : 1) * sizeof *rb->hdr_offs);
	if (!rb->hdr_offs)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	for (size_t i = 0; i < rb->ncells; i++) {
		rb->hdr_offs[i] = rb->hdr.len;
		if (zx_buf_add(&rb->hdr, rb->ptrs[i], rb->lens[i]) || zx_buf_add(&rb->hdr, "", 1))
			return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	}
	rb->nhdr = rb->ncells;
	rb->have_header = true;
	if (!rb->t2s || !rb->o.t2s_columns)
		return ZX_OK;
	if (!(rb->t2s_mask = calloc(rb->ncells ? rb->ncells : 1, 1)))
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	rb->nmask = rb->ncells;
	for (size_t i = 0; i < rb->ncells; i++)
		for (const char *const *name = rb->o.t2s_columns; *name; name++)
			if (strcmp(*name, rb->ptrs[i]) == 0)
				rb->t2s_mask[i] = 1;
	return ZX_OK;
}

zx_err zx_rowbuf_end(zx_rowbuf *rb, long rowno, zx_errinfo *ei)
{
	zx_err e = ZX_OK;
	if (!rb->nonblank)
		goto out;
	if (rb->have_header && ++rb->data_rows > rb->o.max_rows) {
		e = zx_fail(ei, ZX_ETOOBIG, "too_many_rows", NULL, rowno,
		            "文件的数据行数超过上限（%ld 行），请拆分后分批导入（超出于第%ld行）",
		            rb->o.max_rows, rowno);
		goto out;
	}
	for (size_t i = 0; i < rb->ncells; i++)
		rb->ptrs[i] = rb->offs[i] == UNSET ? "" : rb->text.data + rb->offs[i];
	if (!rb->have_header && (e = rowbuf_keep_header(rb, ei)))
		goto out;
	zx_row row = {
	    .rowno = rowno,
	    .ncells = rb->ncells,
	    .cells = rb->ptrs,
	    .lens = rb->lens,
	    .flags = rb->flags,
	    .stop = &rb->stop,
	};
	e = rb->fn(rb->ctx, &row, ei);
out:
	rowbuf_clear(rb);
	return e;
}

/* What the first bytes say about the format. */
typedef enum { FMT_CSV, FMT_XLSX, FMT_OLE } table_fmt;

static table_fmt sniff(const unsigned char *p, size_t n)
{
	if (n >= 4 && p[0] == 'P' && p[1] == 'K' && (p[2] == 3 || p[2] == 5) && (p[3] == 4 || p[3] == 6))
		return FMT_XLSX;
	if (n >= 4 && p[0] == 0xD0 && p[1] == 0xCF && p[2] == 0x11 && p[3] == 0xE0)
		return FMT_OLE;
	return FMT_CSV;
}

static zx_err ole_unsupported(zx_errinfo *ei)
{
	/* Both old .xls and password-protected .xlsx are OLE compound files. */
	return zx_fail(ei, ZX_EVALIDATION, "xls_unsupported", NULL, 0,
	               "不支持旧版 Excel 97-2003 (.xls) 文件或已加密的工作簿，请取消密码并另存为 .xlsx "
	               "或 CSV 后重新导入");
}

zx_err zx_table_read_mem(const void *data, size_t n, const char *name_hint, const zx_table_opts *o,
                         zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	switch (sniff(data, n)) {
	case FMT_XLSX:
		zx_debug("table: reading %s as xlsx", name_hint ? name_hint : "(buffer)");
		return zx_xlsx_read_mem(data, n, o, fn, ctx, ei);
	case FMT_OLE:
		return ole_unsupported(ei);
	case FMT_CSV:
		break;
	}
	zx_debug("table: reading %s as csv", name_hint ? name_hint : "(buffer)");
	return zx_csv_read_mem(data, n, o, fn, ctx, ei);
}

zx_err zx_table_read_file(const char *path, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	zx_err e;
	unsigned char head[8];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		zx_warn("table: cannot open input: %s", strerror(errno));
		return zx_fail(ei, ZX_EIO, "cannot_open", NULL, 0, "无法打开文件，请确认文件存在且可读");
	}
	ssize_t got;
	do
		got = pread(fd, head, sizeof head, 0);
	while (got < 0 && errno == EINTR);
	if (got < 0) {
		zx_warn("table: cannot read input: %s", strerror(errno));
		e = zx_fail(ei, ZX_EIO, "cannot_read", NULL, 0, "读取文件失败");
		goto out;
	}
	switch (sniff(head, (size_t)got)) {
	case FMT_XLSX:
		e = zx_xlsx_read_file(path, o, fn, ctx, ei);
		break;
	case FMT_OLE:
		e = ole_unsupported(ei);
		break;
	default:
		e = zx_csv_read_fd(fd, o, fn, ctx, ei);
		break;
	}
out:
	close(fd);
	return e;
}
