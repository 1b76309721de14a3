/*
 * export.c — households to CSV or XLSX in the import template's columns (see export.h).
 *
 * One read transaction (a consistent snapshot), one cursor over households ⋈ persons in
 * (village, 户编号, seq) order; each row is decrypted (unmasked exports) or taken masked,
 * laid out as the template says, and handed to a sink (CSV or XLSX). The sinks hold at
 * most one buffer (CSV) or one row (libxlsxwriter constant_memory), so memory does not
 * grow with the number of rows.
 *
 * Speed (targets.md P6: 1M persons < 30 s): a libxlsxwriter export spends most of its time
 * deflating the sheet XML at workbook_close (zlib level 6, fixed in libxlsxwriter 1.1.4).
 * zipOpenNewFileInZip4_64 below interposes minizip's entry point to ask for level 1 while an
 * export of this file is being closed: ~3x faster deflate for ~20% larger files. Outside
 * an export (or if minizip cannot be found) the caller's level is passed on unchanged.
 *
 * Invariants:
 *   - cells follow zx_template_columns() order exactly; household-level columns (住房安全,
 *     饮水安全, 风险类型, 帮扶责任人) appear on the 户主's row only, as the importer expects;
 *   - plaintext personal data exists only in one row's stack buffers and is wiped after it;
 *   - the audit row is committed before the function returns success; the file is removed
 *     on every failure.
 */
#include "domain/registry/export.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xlsxwriter.h>

#include "base/buf.h"
#include "base/log.h"
#include "domain/auth/audit.h"
#include "domain/registry/template.h"

#define CSV_FLUSH (256u * 1024u)
/* Start a new sheet at a household boundary before this many rows (leaves room for the
 * largest household under Excel's 1,048,576). */
#define XLSX_SHEET_ROWS (LXW_ROW_MAX - ZX_HH_MAX_MEMBERS - 1)

zx_export_format zx_export_format_parse(const char *s)
{
	if (s && !strcmp(s, "csv"))
		return ZX_EXPORT_CSV;
	if (s && !strcmp(s, "xlsx"))
		return ZX_EXPORT_XLSX;
	return 0;
}

/* ---- sinks ------------------------------------------------------------------------- */

typedef struct sink {
	zx_export_format format;
	/* CSV */
	FILE *f;
	zx_buf buf;
	/* XLSX */
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *text, *head;
	int sheets;
	uint32_t row; /* next row of the current sheet */
} sink;

static bool text_column(int col)
{
	return col == ZX_COL_HH_NO || col == ZX_COL_AREA || col == ZX_COL_ID || col == ZX_COL_PHONE;
}

static bool number_column(int col)
{
	return col == ZX_COL_WORK_MONTHS || col == ZX_COL_TUOPIN_YEAR;
}

static zx_err csv_flush(sink *s)
{
	if (s->buf.len && fwrite(s->buf.data, 1, s->buf.len, s->f) != s->buf.len)
		return ZX_EIO;
	zx_buf_reset(&s->buf);
	return ZX_OK;
}

static zx_err xlsx_sheet(sink *s)
{
	static const double widths[ZX_COL__COUNT] = {20, 15, 8,  10, 21, 10, 6, 8,  12, 12, 12, 9,
	                                             18, 15, 12, 9,  10, 14, 9, 14, 9,  9,  16, 12};
	char name[32];
	s->sheets++;
	if (s->sheets == 1)
		snprintf(name, sizeof(name), "家庭成员");
	else
		snprintf(name, sizeof(name), "家庭成员%d", s->sheets);
	s->ws = workbook_add_worksheet(s->wb, name);
	if (!s->ws)
		return ZX_EIO;
	for (int i = 0; i < ZX_COL__COUNT; i++)
		if (worksheet_set_column(s->ws, (lxw_col_t)i, (lxw_col_t)i, widths[i],
		                         text_column(i) ? s->text : NULL))
			return ZX_EIO;
	worksheet_freeze_panes(s->ws, 1, 0);
	const zx_template_column *cols = zx_template_columns(NULL);
	for (int i = 0; i < ZX_COL__COUNT; i++)
		if (worksheet_write_string(s->ws, 0, (lxw_col_t)i, cols[i].name, s->head))
			return ZX_EIO;
	s->row = 1;
	return ZX_OK;
}

static zx_err sink_open(sink *s, zx_export_format format, const char *path, const char *tmpdir)
{
	memset(s, 0, sizeof(*s));
	s->format = format;
	if (format == ZX_EXPORT_CSV) {
		zx_buf_init(&s->buf, 4u * CSV_FLUSH);
		s->f = fopen(path, "wb");
		if (!s->f)
			return ZX_EIO;
		zx_err e = zx_buf_add(&s->buf, "\xEF\xBB\xBF", 3);
		for (int i = 0; !e && i < ZX_COL__COUNT; i++)
			e = zx_buf_add_csv(&s->buf, zx_template_columns(NULL)[i].name, i == 0);
		return e ? e : zx_buf_add(&s->buf, "\r\n", 2);
	}
	lxw_workbook_options o = {
	    .constant_memory = LXW_TRUE, .tmpdir = (char *)tmpdir, .use_zip64 = LXW_TRUE};
	s->wb = workbook_new_opt(path, &o);
	if (!s->wb)
		return ZX_EIO;
	s->text = workbook_add_format(s->wb);
	s->head = workbook_add_format(s->wb);
	if (!s->text || !s->head)
		return ZX_ENOMEM;
	format_set_num_format(s->text, "@");
	format_set_bold(s->head);
	format_set_num_format(s->head, "@");
	return xlsx_sheet(s);
}

/* One member row; household_start: the first row of a household (sheet breaks go there). */
static zx_err sink_row(sink *s, const char *cells[ZX_COL__COUNT], bool household_start)
{
	if (s->format == ZX_EXPORT_CSV) {
		zx_err e = ZX_OK;
		for (int i = 0; !e && i < ZX_COL__COUNT; i++)
			e = zx_buf_add_csv(&s->buf, cells[i], i == 0);
		if (!e)
			e = zx_buf_add(&s->buf, "\r\n", 2);
		if (!e && s->buf.len >= CSV_FLUSH)
			e = csv_flush(s);
		return e;
	}
	if (household_start && s->row >= XLSX_SHEET_ROWS) {
		zx_err e = xlsx_sheet(s);
		if (e)
			return e;
	}
	for (int i = 0; i < ZX_COL__COUNT; i++) {
		const char *v = cells[i];
		if (!*v)
			continue;
		/* No cell format: a string cell stays text whatever its column's format, and the
		 * column already carries the text format for what a user types later. */
		lxw_error le = number_column(i)
		                   ? worksheet_write_number(s->ws, s->row, (lxw_col_t)i,
		                                            (double)strtol(v, NULL, 10), NULL)
		                   : worksheet_write_string(s->ws, s->row, (lxw_col_t)i, v, NULL);
		if (le) {
			zx_error("export: xlsx cell failed: %s", lxw_strerror(le));
			return ZX_EIO;
		}
	}
	s->row++;
	return ZX_OK;
}

/* ---- faster deflate for exports (see the header comment) ---------------------------- */

/* minizip's prototype (zip.h is not installed): zipFile and zip_fileinfo as void *. */
typedef unsigned long zx_zip_ulong;
typedef int (*zip_open_fn)(void *, const char *, const void *, const void *, unsigned, const void *, unsigned,
                           const char *, int, int, int, int, int, int, const char *, zx_zip_ulong,
                           zx_zip_ulong, zx_zip_ulong, int);
int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi, const void *extra_local,
                            unsigned extra_local_len, const void *extra_global, unsigned extra_global_len,
                            const char *comment, int method, int level, int raw, int window_bits,
                            int mem_level, int strategy, const char *password, zx_zip_ulong crc,
                            zx_zip_ulong version_made_by, zx_zip_ulong flag_base, int zip64);

static _Thread_local bool fast_deflate; /* set while this thread closes an export workbook */

int zipOpenNewFileInZip4_64(void *file, const char *filename, const void *zipfi, const void *extra_local,
                            unsigned extra_local_len, const void *extra_global, unsigned extra_global_len,
                            const char *comment, int method, int level, int raw, int window_bits,
                            int mem_level, int strategy, const char *password, zx_zip_ulong crc,
                            zx_zip_ulong version_made_by, zx_zip_ulong flag_base, int zip64)
{
	static _Atomic(zip_open_fn) real;
	zip_open_fn fn = atomic_load(&real);
	if (!fn) {
		*(void **)&fn = dlsym(RTLD_NEXT, "zipOpenNewFileInZip4_64");
		if (!fn)
			return -104; /* ZIP_INTERNALERROR */
		atomic_store(&real, fn);
	}
	return fn(file, filename, zipfi, extra_local, extra_local_len, extra_global, extra_global_len,
	          comment, method, fast_deflate ? 1 : level, raw, window_bits, mem_level, strategy, password,
	          crc, version_made_by, flag_base, zip64);
}

/* Finishes the file; on failure (or when failed) leaves nothing usable behind. */
static zx_err sink_close(sink *s, bool failed)
{
	zx_err e = ZX_OK;
	if (s->format == ZX_EXPORT_CSV) {
		if (!failed)
			e = csv_flush(s);
		if (s->f && fclose(s->f) != 0 && !e)
			e = ZX_EIO;
		zx_buf_release(&s->buf);
	} else if (s->wb) {
		fast_deflate = true;
		lxw_error le = workbook_close(s->wb);
		fast_deflate = false;
		if (le && !failed) {
			zx_error("export: xlsx close failed: %s", lxw_strerror(le));
			e = ZX_EIO;
		}
	}
	memset(s, 0, sizeof(*s));
	return e;
}

/* ---- rows -------------------------------------------------------------------------- */

typedef struct exporter {
	sink out;
	const zx_keys *k;
	bool unmasked;
	int64_t last_hh;
	char last_area[16], last_hh_no[64]; /* where the next page of export_rows starts */
	int64_t page_households;            /* households the current page has given */
	zx_export_result r;
	void (*progress)(void *ctx, int64_t rows);
	void *progress_ctx;
} exporter;

#define PROGRESS_EVERY 4096 /* rows */

/* Lays out one cursor row (columns of export_rows) as template cells and writes it. */
static zx_err export_row(exporter *x, zx_stmt *s)
{
	int64_t hh = zx_col_int(s, 27);
	bool start = hh != x->last_hh;
	if (start) {
		x->last_hh = hh;
		x->page_households++;
		snprintf(x->last_area, sizeof(x->last_area), "%s", zx_col_text(s, 1));
		snprintf(x->last_hh_no, sizeof(x->last_hh_no), "%s", zx_col_text(s, 0));
	}
	if (zx_col_int(s, 26) < 0)
		return ZX_OK; /* a household without members (export_rows): nothing to write */
	if (start)
		x->r.households++;
	char id[64] = "", phone[64] = "", months[24] = "", year[24] = "";
	const char *cells[ZX_COL__COUNT];
	zx_err e = ZX_OK;
	if (x->unmasked) {
		const char *ie = zx_col_text(s, 4), *pe = zx_col_text(s, 20);
		if (*ie)
			e = zx_field_decrypt(x->k, ie, id, sizeof(id));
		if (!e && *pe)
			e = zx_field_decrypt(x->k, pe, phone, sizeof(phone));
		if (e) {
			zx_error("export: cannot decrypt a member of household %lld",
			         (long long)zx_col_int(s, 27));
			return ZX_EINTERNAL;
		}
	}
	int64_t work_months = zx_col_int(s, 15), tuopin = zx_col_int(s, 19);
	if (work_months >= 0)
		snprintf(months, sizeof(months), "%lld", (long long)work_months);
	if (tuopin > 0)
		snprintf(year, sizeof(year), "%lld", (long long)tuopin);
	bool head = !strcmp(zx_col_text(s, 6), "户主");
	cells[ZX_COL_HH_NO] = zx_col_text(s, 0);
	cells[ZX_COL_AREA] = zx_col_text(s, 1);
	cells[ZX_COL_GROUP] = zx_col_text(s, 2);
	cells[ZX_COL_NAME] = zx_col_text(s, 3);
	cells[ZX_COL_ID] = x->unmasked ? id : zx_col_text(s, 5);
	cells[ZX_COL_RELATION] = zx_col_text(s, 6);
	cells[ZX_COL_GENDER] = zx_col_text(s, 7);
	cells[ZX_COL_NATION] = zx_col_text(s, 8);
	cells[ZX_COL_EDUCATION] = zx_col_text(s, 9);
	cells[ZX_COL_SCHOOL] = zx_col_text(s, 10);
	cells[ZX_COL_HEALTH] = zx_col_text(s, 11);
	cells[ZX_COL_DISABILITY] = zx_col_text(s, 12);
	cells[ZX_COL_LABOR] = zx_col_text(s, 13);
	cells[ZX_COL_WORK] = zx_col_text(s, 14);
	cells[ZX_COL_WORK_MONTHS] = months;
	cells[ZX_COL_INSURED] = zx_yes_no((int)zx_col_int(s, 16));
	cells[ZX_COL_HH_TYPE] = zx_col_text(s, 17);
	cells[ZX_COL_CATEGORY] = zx_col_text(s, 18);
	cells[ZX_COL_TUOPIN_YEAR] = year;
	cells[ZX_COL_PHONE] = x->unmasked ? phone : zx_col_text(s, 21);
	cells[ZX_COL_HOUSING_SAFE] = head ? zx_yes_no((int)zx_col_int(s, 22)) : "";
	cells[ZX_COL_WATER_SAFE] = head ? zx_yes_no((int)zx_col_int(s, 23)) : "";
	cells[ZX_COL_RISK_TYPE] = head ? zx_col_text(s, 24) : "";
	cells[ZX_COL_HELPER] = head ? zx_col_text(s, 25) : "";
	e = sink_row(&x->out, cells, start);
	if (!e && ++x->r.persons % PROGRESS_EVERY == 0 && x->progress)
		x->progress(x->progress_ctx, x->r.persons);
	memset(id, 0, sizeof(id));
	memset(phone, 0, sizeof(phone));
	return e;
}

static zx_err export_cursor(exporter *x, zx_stmt *s)
{
	bool row;
	zx_err e;
	while (!(e = zx_stmt_next(s, &row)) && row && !(e = export_row(x, s)))
		;
	zx_stmt_done(s);
	return e;
}

/* Every household in scope, EXPORT_PAGE households per query (export_rows): the memory a
 * backend holds for a result stays that of one page, however large the county. */
#define EXPORT_PAGE 2000

static zx_err export_all(zx_conn *c, const zx_scope *scope, const zx_hh_filter *f, exporter *x)
{
	snprintf(x->last_area, sizeof(x->last_area), "%s", scope->lo); /* the first page's keyset */
	x->last_hh_no[0] = '\0';
	for (;;) {
		x->page_households = 0;
		char area[sizeof(x->last_area)], hh_no[sizeof(x->last_hh_no)];
		memcpy(area, x->last_area, sizeof(area));
		memcpy(hh_no, x->last_hh_no, sizeof(hh_no));
		zx_stmt *s;
		zx_err e = zx_query_open(c, scope, ZXQ_export_rows,
		                         ZX_ARGS(ZX_TEXT(f->hh_type ? f->hh_type : ""),
		                                 ZX_TEXT(f->category ? f->category : ""),
		                                 ZX_TEXT(f->group ? f->group : ""), ZX_TEXT(area),
		                                 ZX_TEXT(hh_no), ZX_INT(EXPORT_PAGE)),
		                         &s);
		if (!e)
			e = export_cursor(x, s);
		if (e || x->page_households < EXPORT_PAGE)
			return e;
	}
}

/* A search (q) exports its matches: collect their ids, then each household in order. */
typedef struct idlist {
	int64_t ids[ZX_HH_SEARCH_MAX];
	int n;
} idlist;

static bool collect_id(void *ctx, const zx_hh_summary *h)
{
	idlist *l = ctx;
	if (l->n < ZX_HH_SEARCH_MAX)
		l->ids[l->n++] = h->id;
	return true;
}

static zx_err export_search(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_export_opts *o,
                            const zx_scope *scope, exporter *x, zx_errinfo *ei)
{
	idlist *l = calloc(1, sizeof(*l));
	if (!l)
		return ZX_ENOMEM;
	zx_err e = ZX_OK;
	for (int64_t off = 0; !e && off < ZX_HH_SEARCH_MAX; off += 500) {
		int before = l->n;
		e = zx_household_search(c, a, k, &o->filter, 500, off, collect_id, l, NULL, ei);
		if (l->n - before < 500)
			break;
	}
	for (int i = 0; !e && i < l->n; i++) {
		zx_stmt *s;
		e = zx_query_open(c, scope, ZXQ_export_rows_hh, ZX_ARGS(ZX_INT(l->ids[i])), &s);
		if (!e)
			e = export_cursor(x, s);
	}
	free(l);
	return e;
}

static zx_err check(const zx_actor *a, const zx_export_opts *o, zx_scope *scope, char county[7],
                    bool *one_village, zx_errinfo *ei)
{
	if (!a || !o || (o->format != ZX_EXPORT_CSV && o->format != ZX_EXPORT_XLSX))
		return ZX_EINVAL;
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s无权导出个人信息",
		               zx_role_name(a->role));
	if (o->unmasked && !zx_role_may_unmask(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", "unmasked", 0,
		               "%s无权导出未脱敏的证件号码和联系电话", zx_role_name(a->role));
	return zx_hh_filter_scope(a, &o->filter, scope, county, one_village, ei);
}

zx_err zx_export_check(zx_conn *c, const zx_actor *a, const zx_export_opts *o, int64_t *rows, zx_errinfo *ei)
{
	zx_scope scope;
	char county[7];
	bool one_village;
	*rows = 0;
	zx_err e = check(a, o, &scope, county, &one_village, ei);
	if (e)
		return e;
	const zx_hh_filter *f = &o->filter;
	return zx_query_int(
	    c, &scope, ZXQ_hh_persons_fast,
	    ZX_ARGS(ZX_TEXT(f->hh_type ? f->hh_type : ""), ZX_TEXT(f->category ? f->category : "")), rows);
}

zx_err zx_export_households(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_export_opts *o,
                            const char *path, zx_export_result *r, zx_errinfo *ei)
{
	if (r)
		memset(r, 0, sizeof(*r));
	if (!path || !k)
		return ZX_EINVAL;
	zx_scope scope;
	char county[7];
	bool one_village;
	zx_err e = check(a, o, &scope, county, &one_village, ei);
	if (e)
		return e;
	exporter *x = calloc(1, sizeof(*x));
	if (!x)
		return ZX_ENOMEM;
	x->k = k;
	x->unmasked = o->unmasked;
	x->progress = o->progress;
	x->progress_ctx = o->progress_ctx;
	const zx_hh_filter *f = &o->filter;
	e = sink_open(&x->out, o->format, path, o->tmpdir);
	if (!e)
		e = zx_tx_begin_read(c);
	if (!e && f->q && *f->q) {
		e = export_search(c, a, k, o, &scope, x, ei);
	} else if (!e) {
		e = export_all(c, &scope, f, x);
	}
	if (zx_tx_active(c))
		zx_tx_rollback(c); /* a read snapshot: nothing to commit */
	zx_err ce = sink_close(&x->out, e != ZX_OK);
	if (!e)
		e = ce;
	if (!e) {
		char obj[32], detail[256];
		snprintf(obj, sizeof(obj), "area:%s",
		         one_village           ? scope.lo
		         : f->area && *f->area ? f->area
		                               : a->area_code);
		snprintf(detail, sizeof(detail), "导出农户 %lld 户 %lld 人（%s，%s）",
		         (long long)x->r.households, (long long)x->r.persons,
		         o->format == ZX_EXPORT_CSV ? "CSV" : "XLSX", o->unmasked ? "未脱敏" : "脱敏");
		e = zx_audit_write_tx(c, a, "household.export", obj, "ok", detail);
	}
	if (e) {
		remove(path);
		if (!ei || !ei->err)
			zx_fail(ei, e, "export_failed", NULL, 0, "导出失败：%s",
			        e == ZX_EIO ? "无法写入导出文件" : zx_err_message(e));
	} else if (r) {
		*r = x->r;
	}
	zx_info("export: %lld households, %lld persons (%s, %s): %s", (long long)x->r.households,
	        (long long)x->r.persons, o->format == ZX_EXPORT_CSV ? "csv" : "xlsx",
	        o->unmasked ? "unmasked" : "masked", zx_err_name(e));
	free(x);
	return e;
}
