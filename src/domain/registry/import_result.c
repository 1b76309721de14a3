/*
 * import_result.c — the household importer's result: the error list (capped, values of
 * 证件号码/联系电话 masked, ordered by row), the warnings, and the error list as CSV for
 * Excel (UTF-8 with BOM).
 *
 * Invariants: an error's value is masked before it is stored, so no plaintext ID or phone
 * number is ever held in a result; error_count counts every error, nerrors only those kept.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/mask.h"
#include "domain/registry/import_internal.h"

#define MAX_VALUE_SHOWN 120

static char *dup_cut(const char *s, size_t max)
{
	size_t n = strlen(s ? s : "");
	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	char *d = malloc(n + 1);
	if (d) {
		memcpy(d, s ? s : "", n);
		d[n] = '\0';
	}
	return d;
}

void imp_error(imp_ctx *x, long row, const char *column, const char *value, const char *fmt, ...)
{
	if (x->mute) {
		x->muted++;
		return;
	}
	zx_import_result *r = x->r;
	r->error_count++;
	if (r->nerrors >= (size_t)x->max_errors)
		return;
	if (!r->errors) {
		r->errors = calloc((size_t)x->max_errors, sizeof(*r->errors));
		if (!r->errors)
			return;
	}
	char shown[MAX_VALUE_SHOWN + 8];
	const char *v = value ? value : "";
	if (column && strcmp(column, "证件号码") == 0) {
		zx_mask_id(v, shown, sizeof(shown));
		v = shown;
	} else if (column && strcmp(column, "联系电话") == 0) {
		zx_mask_phone(v, shown, sizeof(shown));
		v = shown;
	}
	char reason[600];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	zx_import_error *e = &r->errors[r->nerrors];
	e->row = row;
	e->column = dup_cut(column ? column : "", 64);
	e->value = dup_cut(v, MAX_VALUE_SHOWN);
	e->reason = dup_cut(reason, sizeof(reason));
	if (!e->column || !e->value || !e->reason) {
		free(e->column);
		free(e->value);
		free(e->reason);
		return;
	}
	r->nerrors++;
}

zx_err imp_add_warning(zx_import_result *r, const char *fmt, ...)
{
	if (r->nwarnings >= 100)
		return ZX_OK;
	char msg[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	char **w = realloc(r->warnings, (r->nwarnings + 1) * sizeof(*w));
	if (!w)
		return ZX_ENOMEM;
	r->warnings = w;
	if (!(w[r->nwarnings] = dup_cut(msg, sizeof(msg))))
		return ZX_ENOMEM;
	r->nwarnings++;
	return ZX_OK;
}

void zx_import_result_init(zx_import_result *r)
{
	memset(r, 0, sizeof(*r));
}

void zx_import_result_release(zx_import_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nerrors; i++) {
		free(r->errors[i].column);
		free(r->errors[i].value);
		free(r->errors[i].reason);
	}
	free(r->errors);
	for (size_t i = 0; i < r->nwarnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof(*r));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Orders the kept errors by row, keeping the order of discovery within a row. */
void imp_sort_errors(zx_import_result *r)
{
	uint64_t *keys = malloc(r->nerrors * sizeof(*keys));
	zx_import_error *tmp = malloc(r->nerrors * sizeof(*tmp));
	if (keys && tmp) {
		for (size_t i = 0; i < r->nerrors; i++)
			keys[i] = (uint64_t)r->errors[i].row << 24 | i;
		qsort(keys, r->nerrors, sizeof(*keys), cmp_u64);
		for (size_t i = 0; i < r->nerrors; i++)
			tmp[i] = r->errors[keys[i] & 0xFFFFFF];
		memcpy(r->errors, tmp, r->nerrors * sizeof(*tmp));
	}
	free(keys);
	free(tmp);
}

/* ---- the error list as CSV ---------------------------------------------------------------- */

zx_err zx_import_errors_write_csv(const zx_import_result *r, const char *path, zx_errinfo *ei)
{
	zx_buf b = ZX_BUF_INIT((size_t)64 << 20);
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	zx_err e = zx_buf_adds(&b, "\xEF\xBB\xBF\"行号\",\"列\",\"值\",\"原因\"\r\n");
	for (size_t i = 0; !e && i < r->nerrors; i++) {
		const zx_import_error *x = &r->errors[i];
		char row[24] = "";
		if (x->row > 0)
			snprintf(row, sizeof(row), "%ld", x->row);
		if (!(e = zx_buf_add_csv_text(&b, row, true)) &&
		    !(e = zx_buf_add_csv_text(&b, x->column, false)) &&
		    !(e = zx_buf_add_csv_text(&b, x->value, false)) &&
		    !(e = zx_buf_add_csv_text(&b, x->reason, false)))
			e = zx_buf_add(&b, "\r\n", 2);
	}
	if (!e && r->error_count > (int64_t)r->nerrors)
		e = zx_buf_addf(&b, "\"\",\"\",\"\",\"另有 %lld 处错误未列出（只列出前 %zu 处）\"\r\n",
		                (long long)(r->error_count - (int64_t)r->nerrors), r->nerrors);
	FILE *f = e ? NULL : fopen(tmp, "wb");
	if (!e && (!f || fwrite(b.data, 1, b.len, f) != b.len))
		e = ZX_EIO;
	if (f && fclose(f) != 0)
		e = ZX_EIO;
	if (!e && rename(tmp, path) != 0)
		e = ZX_EIO;
	if (e) {
		remove(tmp);
		zx_fail(ei, e, "write_failed", NULL, 0, "无法写入错误清单文件 %s", path);
	}
	zx_buf_release(&b);
	return e;
}
