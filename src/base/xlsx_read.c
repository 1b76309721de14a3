/*
 * xlsx_read.c — streaming XLSX reader: libzip inflates one part at a time in
 * READ_CHUNK pieces, expat parses it, and the sheet's cells go straight into the
 * shared zx_rowbuf (table.c), which calls the caller's row function.
 *
 * Order of parts: _rels/.rels -> workbook -> workbook rels -> styles -> shared
 * strings -> the first visible sheet. Only the shared strings and one byte per
 * cell style stay in memory; the sheet itself is never held whole.
 *
 * Invariants:
 *   - every byte inflated counts against max_unzipped, and no part may inflate to
 *     more than MAX_RATIO times its compressed size (beyond RATIO_FREE), whatever
 *     its header claims: a zip bomb stops with a Chinese error, not an OOM;
 *   - element and attribute names are compared on their local part (expat runs
 *     with namespace processing), so <x:c> from WPS and <c> from Excel read alike;
 *   - a DOCTYPE is refused outright, so entity expansion cannot happen;
 *   - numbers are rendered from their decimal text, never through printf("%g"):
 *     15 significant digits, no exponent, exactly what Excel shows;
 *   - formulas are never evaluated: the cached <v> is the value.
 */
#include "base/xlsx_read.h"

#include <ctype.h>
#include <expat.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

#include "base/buf.h"
#include "base/log.h"

#define READ_CHUNK (64 * 1024)
#define MAX_RATIO 300
#define RATIO_FREE ((zip_uint64_t)1 << 20)
#define MAX_XF 65536
#define MAX_NUMFMT 4096
#define PATH_LEN 256
#define EXCEL_DIGITS 15
/* Shared strings cost 8 bytes of index each: bound what a file of "<si/>" can cost. */
#define MAX_SST ((size_t)32 << 20)
#define SST_TOO_LONG ((size_t)1 << (sizeof(size_t) * 8 - 1))

enum { KIND_NONE = 0, KIND_DATE = 1, KIND_DATETIME = 2 };

typedef struct xlsx xlsx;
typedef void (*start_fn)(xlsx *x, const char *name, const char **atts);
typedef void (*end_fn)(xlsx *x, const char *name);

struct xlsx {
	zip_t *zip;
	zx_rowbuf *rb;
	const zx_table_opts *o;
	zx_errinfo *ei;
	zx_err err;
	XML_Parser xp;
	start_fn on_start;
	end_fn on_end;
	zip_uint64_t unzipped;

	/* package structure */
	char wb_path[PATH_LEN];
	char sheet_rid[64], first_rid[64];
	char sheet_path[PATH_LEN], first_path[PATH_LEN], sst_path[PATH_LEN], styles_path[PATH_LEN];
	bool date1904;

	/* styles */
	unsigned fmt_id[MAX_NUMFMT];
	unsigned char fmt_kind[MAX_NUMFMT];
	size_t nfmt;
	unsigned *xf_fmt;
	unsigned char *xf_kind;
	size_t nxf, xf_cap;
	bool in_numfmts, in_cellxfs;

	/* shared strings, NUL-separated in sst; SST_TOO_LONG marks one we did not keep */
	zx_buf sst;
	size_t *sst_off;
	size_t nsst, sst_cap;

	/* text being collected (<t> of a shared string, <v> or <is><t> of a cell) */
	zx_buf val;
	bool collect, val_overflow;
	int in_rph; /* phonetic runs (<rPh>) are not part of the text */
	bool in_si;

	/* sheet */
	bool in_sheetdata, in_row, in_c, in_is, saw_is, has_f;
	long rowno;
	size_t col, next_col;
	char ctype; /* n s b e i(inlineStr) t(str) d */
	unsigned style;
};

static const char *local(const char *name)
{
	const char *sep = strrchr(name, '|');
	return sep ? sep + 1 : name;
}

static const char *attr(const char **atts, const char *lname)
{
	for (size_t i = 0; atts[i]; i += 2)
		if (strcmp(local(atts[i]), lname) == 0)
			return atts[i + 1];
	return NULL;
}

static void halt(xlsx *x)
{
	XML_StopParser(x->xp, XML_FALSE);
}

static void fail_mem(xlsx *x)
{
	x->err = zx_fail(x->ei, ZX_ENOMEM, "out_of_memory", NULL, x->rowno, "内存不足，无法读取工作簿");
	halt(x);
}

static zx_err not_xlsx(xlsx *x)
{
	return zx_fail(x->ei, ZX_EVALIDATION, "bad_xlsx", NULL, 0,
	               "文件不是有效的 Excel 工作簿（.xlsx）或已损坏，请用 Excel 或 WPS 打开后另存为 .xlsx "
	               "或 CSV");
}

static zx_err zip_bomb(xlsx *x)
{
	zx_warn("xlsx: inflated size over the cap after %llu bytes", (unsigned long long)x->unzipped);
	return zx_fail(x->ei, ZX_ETOOBIG, "xlsx_too_large", NULL, 0,
	               "工作簿解压后的数据量超过上限（%zu MB）或压缩比异常，已停止读取，请检查文件",
	               x->o->max_unzipped >> 20);
}

/* Unsigned decimal prefix of s, saturating at max; false if there is none. */
static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	unsigned long v = 0;
	if (!s || *s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		v = v > (max - (unsigned long)(*s - '0')) / 10 ? max : v * 10 + (unsigned long)(*s - '0');
	*out = v;
	return true;
}

/* Joins a part-relative target onto base_dir ("xl/") and folds "." and "..". */
static bool resolve(const char *base_dir, const char *target, char *out, size_t outsz)
{
	char joined[PATH_LEN * 2];
	if (target[0] == '/')
		snprintf(joined, sizeof joined, "%s", target + 1);
	else
		snprintf(joined, sizeof joined, "%s%s", base_dir, target);
	size_t n = 0;
	for (const char *seg = joined; *seg;) {
		const char *end = strchr(seg, '/');
		size_t len = end ? (size_t)(end - seg) : strlen(seg);
		if (len == 2 && seg[0] == '.' && seg[1] == '.') {
			while (n > 0 && out[n - 1] != '/')
				n--;
			if (n > 0)
				n--;
			while (n > 0 && out[n - 1] != '/')
				n--;
		} else if (len > 0 && !(len == 1 && seg[0] == '.')) {
			if (n + len + 2 > outsz)
				return false;
			memcpy(out + n, seg, len);
			n += len;
			if (end)
				out[n++] = '/';
		}
		seg = end ? end + 1 : seg + len;
	}
	out[n] = '\0';
	return n > 0;
}

static void XMLCALL xml_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	xlsx *x = ud;
	/* expat may deliver a few events after XML_StopParser(): drop them. */
	if (!x->err && !zx_rowbuf_stopped(x->rb))
		x->on_start(x, local(name), atts);
}

static void XMLCALL xml_end(void *ud, const XML_Char *name)
{
	xlsx *x = ud;
	if (!x->err && !zx_rowbuf_stopped(x->rb))
		x->on_end(x, local(name));
}

static void XMLCALL xml_text(void *ud, const XML_Char *s, int len)
{
	xlsx *x = ud;
	if (x->collect && !x->err && !x->val_overflow && zx_buf_add(&x->val, s, (size_t)len))
		x->val_overflow = true;
}

static void XMLCALL xml_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
                                int has_internal)
{
	xlsx *x = ud;
	x->err = zx_fail(x->ei, ZX_EVALIDATION, "bad_xlsx", NULL, 0,
	                 "工作簿中含有不允许的 DTD 声明，不是 Excel 生成的正常文件");
	halt(x);
}

/* Refuses the entry before inflating when its header already admits to a bomb. */
static zx_err check_stat(xlsx *x, zip_int64_t idx, zip_uint64_t *limit)
{
	zip_stat_t st;
	zip_stat_init(&st);
	if (zip_stat_index(x->zip, (zip_uint64_t)idx, 0, &st) != 0)
		return not_xlsx(x);
	*limit = x->o->max_unzipped;
	if (st.valid & ZIP_STAT_COMP_SIZE) {
		zip_uint64_t by_ratio = st.comp_size * MAX_RATIO + RATIO_FREE;
		if (st.comp_size < (zip_uint64_t)1 << 40 && by_ratio < *limit)
			*limit = by_ratio;
	}
	if ((st.valid & ZIP_STAT_SIZE) && (st.size > *limit || st.size > x->o->max_unzipped - x->unzipped))
		return zip_bomb(x);
	return ZX_OK;
}

static zx_err open_failed(xlsx *x)
{
	int ze = zip_error_code_zip(zip_get_error(x->zip));
	if (ze == ZIP_ER_NOPASSWD || ze == ZIP_ER_WRONGPASSWD || ze == ZIP_ER_ENCRNOTSUPP)
		return zx_fail(x->ei, ZX_EVALIDATION, "xlsx_encrypted", NULL, 0,
		               "工作簿已加密，请取消密码后重新导入");
	zx_warn("xlsx: cannot open part: %s", zip_strerror(x->zip));
	return not_xlsx(x);
}

/* Streams one part through expat with the given handlers. *found = part exists. */
static zx_err part_parse(xlsx *x, const char *name, start_fn on_start, end_fn on_end, bool *found)
{
	zx_err e = ZX_OK;
	zip_file_t *zf = NULL;
	char *buf = NULL;
	zip_uint64_t limit = 0, out = 0;
	*found = false;
	zip_int64_t idx = zip_name_locate(x->zip, name, ZIP_FL_NOCASE);
	if (idx < 0)
		return ZX_OK;
	*found = true;
	if ((e = check_stat(x, idx, &limit)))
		return e;
	if (!(zf = zip_fopen_index(x->zip, (zip_uint64_t)idx, 0)))
		return open_failed(x);
	x->xp = XML_ParserCreateNS(NULL, '|');
	buf = malloc(READ_CHUNK);
	if (!x->xp || !buf) {
		e = zx_fail(x->ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足，无法读取工作簿");
		goto out;
	}
	x->on_start = on_start;
	x->on_end = on_end;
	x->collect = false;
	XML_SetUserData(x->xp, x);
	XML_SetElementHandler(x->xp, xml_start, xml_end);
	XML_SetCharacterDataHandler(x->xp, xml_text);
	XML_SetStartDoctypeDeclHandler(x->xp, xml_doctype);
	for (;;) {
		zip_int64_t got = zip_fread(zf, buf, READ_CHUNK);
		if (got < 0) {
			zx_warn("xlsx: inflating a part failed: %s", zip_file_strerror(zf));
			e = not_xlsx(x);
			goto out;
		}
		x->unzipped += (zip_uint64_t)got;
		out += (zip_uint64_t)got;
		if (out > limit || x->unzipped > x->o->max_unzipped) {
			e = zip_bomb(x);
			goto out;
		}
		enum XML_Status st = XML_Parse(x->xp, buf, (int)got, got == 0);
		if (x->err || zx_rowbuf_stopped(x->rb)) {
			e = x->err;
			goto out;
		}
		if (st != XML_STATUS_OK) {
			zx_warn("xlsx: XML error in a part at line %lu: %s",
			        (unsigned long)XML_GetCurrentLineNumber(x->xp),
			        XML_ErrorString(XML_GetErrorCode(x->xp)));
			e = not_xlsx(x);
			goto out;
		}
		if (got == 0)
			break;
	}
out:
	free(buf);
	if (x->xp)
		XML_ParserFree(x->xp);
	x->xp = NULL;
	zip_fclose(zf);
	return e;
}

/* ---- package structure ---------------------------------------------------- */

static bool type_is(const char *type, const char *suffix)
{
	size_t n = type ? strlen(type) : 0, k = strlen(suffix);
	return n >= k && strcmp(type + n - k, suffix) == 0;
}

static void pkg_rels_start(xlsx *x, const char *name, const char **atts)
{
	const char *target = attr(atts, "Target");
	if (strcmp(name, "Relationship") == 0 && target && type_is(attr(atts, "Type"), "/officeDocument") &&
	    !x->wb_path[0] && !resolve("", target, x->wb_path, sizeof x->wb_path))
		x->wb_path[0] = '\0';
}

static void no_end(xlsx *x, const char *name)
{
}

static void copy_str(char *dst, size_t dstsz, const char *src)
{
	snprintf(dst, dstsz, "%s", src ? src : "");
}

static void workbook_start(xlsx *x, const char *name, const char **atts)
{
	if (strcmp(name, "workbookPr") == 0) {
		const char *v = attr(atts, "date1904");
		x->date1904 = v && (strcmp(v, "1") == 0 || strcmp(v, "true") == 0);
	} else if (strcmp(name, "sheet") == 0) {
		const char *rid = attr(atts, "id"), *state = attr(atts, "state");
		if (!rid)
			return;
		if (!x->first_rid[0])
			copy_str(x->first_rid, sizeof x->first_rid, rid);
		/* The first sheet the user can see, as Excel opens it. */
		if (!x->sheet_rid[0] && (!state || strcmp(state, "visible") == 0))
			copy_str(x->sheet_rid, sizeof x->sheet_rid, rid);
	}
}

static void wbrels_start(xlsx *x, const char *name, const char **atts)
{
	if (strcmp(name, "Relationship") != 0)
		return;
	const char *id = attr(atts, "Id"), *type = attr(atts, "Type"), *target = attr(atts, "Target");
	const char *mode = attr(atts, "TargetMode");
	if (!id || !target || (mode && strcmp(mode, "External") == 0))
		return;
	char dir[PATH_LEN];
	copy_str(dir, sizeof dir, x->wb_path);
	char *slash = strrchr(dir, '/');
	*(slash ? slash + 1 : dir) = '\0';
	char *dst = NULL;
	if (x->sheet_rid[0] && strcmp(id, x->sheet_rid) == 0)
		dst = x->sheet_path;
	else if (x->first_rid[0] && strcmp(id, x->first_rid) == 0)
		dst = x->first_path;
	else if (type_is(type, "/sharedStrings"))
		dst = x->sst_path;
	else if (type_is(type, "/styles"))
		dst = x->styles_path;
	if (dst && !resolve(dir, target, dst, PATH_LEN))
		dst[0] = '\0';
}

static zx_err read_structure(xlsx *x)
{
	bool found;
	zx_err e = part_parse(x, "_rels/.rels", pkg_rels_start, no_end, &found);
	if (e)
		return e;
	if (!x->wb_path[0])
		copy_str(x->wb_path, sizeof x->wb_path, "xl/workbook.xml");
	if ((e = part_parse(x, x->wb_path, workbook_start, no_end, &found)))
		return e;
	if (!found)
		return not_xlsx(x);
	char rels[PATH_LEN * 2 + 16];
	const char *slash = strrchr(x->wb_path, '/');
	int dirlen = slash ? (int)(slash - x->wb_path + 1) : 0;
	snprintf(rels, sizeof rels, "%.*s_rels/%s.rels", dirlen, x->wb_path, x->wb_path + dirlen);
	if ((e = part_parse(x, rels, wbrels_start, no_end, &found)))
		return e;
	if (!x->sheet_path[0])
		copy_str(x->sheet_path, sizeof x->sheet_path,
		         x->first_path[0] ? x->first_path : "xl/worksheets/sheet1.xml");
	if (!x->sst_path[0])
		copy_str(x->sst_path, sizeof x->sst_path, "xl/sharedStrings.xml");
	if (!x->styles_path[0])
		copy_str(x->styles_path, sizeof x->styles_path, "xl/styles.xml");
	return ZX_OK;
}

/* ---- styles: which cell formats are dates ---------------------------------- */

static unsigned char builtin_kind(unsigned id)
{
	/* 14-17, 22: dates; 27-31, 36, 50-58: the CJK-locale date formats. */
	if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 58))
		return KIND_DATE;
	return id == 22 ? KIND_DATETIME : KIND_NONE;
}

/* A custom format is a date if it shows y or d outside quotes, escapes and [..];
 * m alone could be minutes, h and s add a time of day. */
static unsigned char format_kind(const char *code)
{
	bool date = false, time = false;
	for (const char *p = code; *p; p++) {
		switch (*p) {
		case '"':
			while (p[1] && p[1] != '"')
				p++;
			if (p[1])
				p++;
			break;
		case '\\':
		case '_':
		case '*':
			if (p[1])
				p++;
			break;
		case '[':
			while (p[1] && p[1] != ']')
				p++;
			break;
		case 'y':
		case 'Y':
		case 'd':
		case 'D':
			date = true;
			break;
		case 'h':
		case 'H':
		case 's':
		case 'S':
			time = true;
			break;
		default:
			break;
		}
	}
	return date ? (time ? KIND_DATETIME : KIND_DATE) : KIND_NONE;
}

static void styles_start(xlsx *x, const char *name, const char **atts)
{
	unsigned long id;
	if (strcmp(name, "numFmts") == 0) {
		x->in_numfmts = true;
	} else if (strcmp(name, "cellXfs") == 0) {
		x->in_cellxfs = true;
	} else if (x->in_numfmts && strcmp(name, "numFmt") == 0 && x->nfmt < MAX_NUMFMT) {
		const char *code = attr(atts, "formatCode");
		if (parse_uint(attr(atts, "numFmtId"), 1u << 20, &id) && code) {
			x->fmt_id[x->nfmt] = (unsigned)id;
			x->fmt_kind[x->nfmt++] = format_kind(code);
		}
	} else if (x->in_cellxfs && strcmp(name, "xf") == 0 && x->nxf < MAX_XF) {
		if (!parse_uint(attr(atts, "numFmtId"), 1u << 20, &id))
			id = 0;
		if (x->nxf == x->xf_cap) {
			size_t cap = x->xf_cap ? x->xf_cap * 2 : 64;
			unsigned *p = realloc(x->xf_fmt, cap * sizeof *p);
			if (!p)
				return fail_mem(x);
			x->xf_fmt = p;
			x->xf_cap = cap;
		}
		x->xf_fmt[x->nxf++] = (unsigned)id;
	}
}

static void styles_end(xlsx *x, const char *name)
{
	if (strcmp(name, "numFmts") == 0)
		x->in_numfmts = false;
	else if (strcmp(name, "cellXfs") == 0)
		x->in_cellxfs = false;
}

static zx_err read_styles(xlsx *x)
{
	bool found;
	zx_err e = part_parse(x, x->styles_path, styles_start, styles_end, &found);
	if (e || !x->nxf)
		return e;
	if (!(x->xf_kind = malloc(x->nxf)))
		return zx_fail(x->ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足，无法读取工作簿");
	for (size_t i = 0; i < x->nxf; i++) {
		unsigned id = x->xf_fmt[i];
		x->xf_kind[i] = builtin_kind(id);
		for (size_t k = 0; k < x->nfmt; k++)
			if (x->fmt_id[k] == id)
				x->xf_kind[i] = x->fmt_kind[k];
	}
	return ZX_OK;
}

/* ---- shared strings -------------------------------------------------------- */

/* Decodes OOXML's _xHHHH_ escapes (e.g. _x000D_ for CR) in place; returns the new length. */
static size_t unescape_ooxml(char *s, size_t n)
{
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		if (i + 7 <= n && s[i] == '_' && s[i + 1] == 'x' && s[i + 6] == '_' &&
		    isxdigit((unsigned char)s[i + 2]) && isxdigit((unsigned char)s[i + 3]) &&
		    isxdigit((unsigned char)s[i + 4]) && isxdigit((unsigned char)s[i + 5])) {
			unsigned long cp =
			    strtoul((char[5]){s[i + 2], s[i + 3], s[i + 4], s[i + 5], 0}, NULL, 16);
			if (cp && (cp < 0xD800 || cp > 0xDFFF)) {
				if (cp < 0x80) {
					s[o++] = (char)cp;
				} else if (cp < 0x800) {
					s[o++] = (char)(0xC0 | (cp >> 6));
					s[o++] = (char)(0x80 | (cp & 0x3F));
				} else {
					s[o++] = (char)(0xE0 | (cp >> 12));
					s[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
					s[o++] = (char)(0x80 | (cp & 0x3F));
				}
				i += 7;
				continue;
			}
		}
		s[o++] = s[i++];
	}
	return o;
}

static void sst_start(xlsx *x, const char *name, const char **atts)
{
	if (strcmp(name, "si") == 0) {
		x->in_si = true;
		x->in_rph = 0;
		zx_buf_reset(&x->val);
		x->val_overflow = false;
	} else if (strcmp(name, "rPh") == 0) {
		x->in_rph++;
		x->collect = false;
	} else if (strcmp(name, "t") == 0 && x->in_si && !x->in_rph) {
		x->collect = true;
	}
}

static void sst_end(xlsx *x, const char *name)
{
	if (strcmp(name, "t") == 0) {
		x->collect = false;
	} else if (strcmp(name, "rPh") == 0) {
		x->in_rph--;
	} else if (strcmp(name, "si") == 0 && x->in_si) {
		x->in_si = false;
		if (x->nsst == MAX_SST) {
			x->err = zip_bomb(x);
			return halt(x);
		}
		if (x->nsst == x->sst_cap) {
			size_t cap = x->sst_cap ? x->sst_cap * 2 : 1024;
			size_t *off = realloc(x->sst_off, cap * sizeof *off);
			if (!off)
				return fail_mem(x);
			x->sst_off = off;
			x->sst_cap = cap;
		}
		size_t n = x->val_overflow || !x->val.len ? 0 : unescape_ooxml(x->val.data, x->val.len);
		x->sst_off[x->nsst] = x->sst.len | (x->val_overflow ? SST_TOO_LONG : 0);
		if (zx_buf_add(&x->sst, x->val.data, n) || zx_buf_add(&x->sst, "", 1)) {
			x->err = zip_bomb(x);
			return halt(x);
		}
		x->nsst++;
	}
}

/* ---- the sheet ------------------------------------------------------------- */

/* Column index (0-based) from a reference like "AB12"; false if it has no letters. */
static bool ref_col(const char *r, size_t *col)
{
	size_t c = 0;
	const char *p = r;
	for (; p && ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')); p++)
		c = c > ((size_t)1 << 30) ? c : c * 26 + (size_t)((*p | 0x20) - 'a' + 1);
	if (!p || p == r)
		return false;
	*col = c - 1;
	return true;
}

static void sheet_start(xlsx *x, const char *name, const char **atts)
{
	unsigned long v;
	if (strcmp(name, "sheetData") == 0) {
		x->in_sheetdata = true;
	} else if (!x->in_sheetdata) {
		return;
	} else if (strcmp(name, "row") == 0) {
		x->in_row = true;
		x->rowno = parse_uint(attr(atts, "r"), 1ul << 40, &v) && v > 0 ? (long)v : x->rowno + 1;
		x->next_col = 0;
	} else if (strcmp(name, "c") == 0 && x->in_row) {
		const char *t = attr(atts, "t");
		x->in_c = true;
		if (!ref_col(attr(atts, "r"), &x->col))
			x->col = x->next_col;
		x->ctype = !t ? 'n' : strcmp(t, "inlineStr") == 0 ? 'i' : strcmp(t, "str") == 0 ? 't' : t[0];
		x->style = parse_uint(attr(atts, "s"), MAX_XF, &v) ? (unsigned)v : 0;
		x->has_f = x->in_is = x->saw_is = x->val_overflow = false;
		x->in_rph = 0;
		zx_buf_reset(&x->val);
	} else if (!x->in_c) {
		return;
	} else if (strcmp(name, "v") == 0) {
		x->collect = true;
	} else if (strcmp(name, "f") == 0) {
		x->has_f = true;
	} else if (strcmp(name, "is") == 0) {
		x->in_is = x->saw_is = true;
	} else if (strcmp(name, "rPh") == 0) {
		x->in_rph++;
		x->collect = false;
	} else if (strcmp(name, "t") == 0 && x->in_is && !x->in_rph) {
		x->collect = true;
	}
}

/*
 * Renders an OOXML number ("5.1072219800101101E+17", "0.30000000000000004") as
 * Excel displays it: rounded to 15 significant digits, no exponent. *intdigits =
 * digits before the decimal point. False if s is not a plain decimal number.
 */
static bool number_render(const char *s, char *out, size_t outsz, int *intdigits)
{
	char dig[48];
	int nd = 0;
	long point = 0; /* value = 0.dig × 10^point */
	bool neg = false, any = false;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	for (; *s >= '0' && *s <= '9'; s++, any = true) {
		if (nd == 0 && *s == '0')
			continue;
		if (nd < (int)sizeof dig)
			dig[nd++] = *s;
		point++;
	}
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9'; s++, any = true) {
			if (nd == 0 && *s == '0')
				point--;
			else if (nd < (int)sizeof dig)
				dig[nd++] = *s;
		}
	if (any && (*s == 'e' || *s == 'E')) {
		bool eneg = false;
		long ex = 0;
		s++;
		if (*s == '-' || *s == '+')
			eneg = *s++ == '-';
		if (*s < '0' || *s > '9')
			return false;
		for (; *s >= '0' && *s <= '9'; s++)
			ex = ex > 100000 ? ex : ex * 10 + (*s - '0');
		point += eneg ? -ex : ex;
	}
	if (!any || *s)
		return false;
	if (nd > EXCEL_DIGITS) {
		bool up = dig[EXCEL_DIGITS] >= '5';
		nd = EXCEL_DIGITS;
		for (int j = nd - 1; up && j >= 0; j--) {
			up = dig[j] == '9';
			dig[j] = up ? '0' : (char)(dig[j] + 1);
		}
		if (up) {
			dig[0] = '1';
			nd = 1;
			point++;
		}
	}
	while (nd > 0 && dig[nd - 1] == '0')
		nd--;
	*intdigits = nd && point > 0 ? (int)point : 0;
	if (!nd) {
		snprintf(out, outsz, "0");
		return true;
	}
	if (point > 40 || point < -40)
		return false;
	size_t o = 0;
	if (neg)
		out[o++] = '-';
	if (point <= 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (long k = point; k < 0; k++)
			out[o++] = '0';
	}
	for (int k = 0; k < nd; k++) {
		if (point > 0 && k == point)
			out[o++] = '.';
		out[o++] = dig[k];
	}
	for (long k = nd; k < point; k++)
		out[o++] = '0';
	out[o] = '\0';
	return o < outsz;
}

/* ISO date (and time for date-time formats) of a serial, or false if out of range. */
static bool date_render(xlsx *x, const char *s, unsigned char kind, char *out, size_t outsz)
{
	char *end;
	double v = strtod(s, &end);
	if (*end || !(v >= 0 && v < 2958466))
		return false;
	if (x->date1904)
		v += 1462;
	double day = floor(v);
	long secs = lround((v - day) * 86400);
	if (secs >= 86400) {
		day += 1;
		secs = 0;
	}
	int ymd = zx_xlsx_serial_to_ymd(day);
	if (!ymd)
		return false;
	if (kind == KIND_DATETIME && secs)
		snprintf(out, outsz, "%04d-%02d-%02d %02ld:%02ld:%02ld", ymd / 10000, ymd / 100 % 100,
		         ymd % 100, secs / 3600, secs / 60 % 60, secs % 60);
	else
		snprintf(out, outsz, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
	return true;
}

static void cell_number(xlsx *x, const char *v, const char **text, size_t *n, unsigned *flags, char *scratch,
                        size_t sz)
{
	int intdigits = 0;
	unsigned char kind = x->style < x->nxf && x->xf_kind ? x->xf_kind[x->style] : KIND_NONE;
	*flags |= ZX_CELL_NUMBER;
	if (kind && date_render(x, v, kind, scratch, sz)) {
		*flags |= ZX_CELL_DATE;
		if (!x->o->keep_date_serials) {
			*text = scratch;
			*n = strlen(scratch);
		}
		return;
	}
	if (!number_render(v, scratch, sz, &intdigits))
		return;
	*text = scratch;
	*n = strlen(scratch);
	if (intdigits <= EXCEL_DIGITS)
		return;
	*flags |= ZX_CELL_DIGITS_LOST;
	if (x->o->allow_lost_digits)
		return;
	static const char *const cn[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
	int lost = intdigits - EXCEL_DIGITS;
	char count[16], label[64];
	if (lost < 10)
		snprintf(count, sizeof count, "%s", cn[lost]);
	else
		snprintf(count, sizeof count, "%d", lost);
	zx_rowbuf_col_label(x->rb, x->col, label, sizeof label);
	x->err = zx_fail(x->ei, ZX_EVALIDATION, "digits_lost", label, x->rowno,
	                 "第%ld行 %s 列以数值格式保存，后%s位已丢失，请将该列设为文本格式后重新导出",
	                 x->rowno, label, count);
}

/* A cell whose text did not even fit the collection buffer. */
static void cell_too_long(xlsx *x)
{
	char label[64];
	zx_rowbuf_col_label(x->rb, x->col, label, sizeof label);
	x->err = zx_fail(x->ei, ZX_ETOOBIG, "cell_too_long", label, x->rowno,
	                 "第%ld行 %s 列的内容过长（上限 %zu 字节）", x->rowno, label, x->o->max_cell);
}

static void cell_end(xlsx *x)
{
	char scratch[96];
	const char *v = x->val.data ? x->val.data : "";
	const char *text = v;
	size_t n = x->val.len;
	unsigned flags = x->has_f ? ZX_CELL_FORMULA : 0;
	unsigned long idx;
	if (x->val_overflow)
		return cell_too_long(x);
	char type = x->saw_is ? 'i' : x->ctype;
	switch (type) {
	case 's':
		if (!parse_uint(v, SIZE_MAX, &idx) || idx >= x->nsst) {
			x->err = zx_fail(x->ei, ZX_EVALIDATION, "bad_xlsx", NULL, x->rowno,
			                 "工作簿已损坏：第%ld行引用了不存在的共享字符串", x->rowno);
			return;
		}
		if (x->sst_off[idx] & SST_TOO_LONG)
			return cell_too_long(x);
		text = x->sst.data + x->sst_off[idx];
		/* Strings are NUL-separated: the next offset ends this one. */
		n = (idx + 1 < x->nsst ? x->sst_off[idx + 1] & ~SST_TOO_LONG : x->sst.len) - x->sst_off[idx] -
		    1;
		break;
	case 'i':
	case 't':
		if (n)
			n = unescape_ooxml(x->val.data, n);
		break;
	case 'b':
		text = strcmp(v, "1") == 0 ? "TRUE" : strcmp(v, "0") == 0 ? "FALSE" : v;
		n = strlen(text);
		flags |= ZX_CELL_BOOL;
		break;
	case 'd':
		/* ISO 8601 date cell (strict OOXML); keep the date part of a midnight stamp. */
		flags |= ZX_CELL_DATE;
		if (n > 10 && strcmp(v + 10, "T00:00:00") == 0)
			n = 10;
		break;
	case 'e':
		break;
	default:
		if (!n)
			return;
		cell_number(x, v, &text, &n, &flags, scratch, sizeof scratch);
		if (x->err)
			return;
	}
	x->err = zx_rowbuf_set(x->rb, x->col, text, n, flags, x->rowno, x->ei);
}

static void sheet_end(xlsx *x, const char *name)
{
	if (strcmp(name, "v") == 0 || strcmp(name, "t") == 0) {
		x->collect = false;
	} else if (strcmp(name, "rPh") == 0) {
		x->in_rph--;
	} else if (strcmp(name, "is") == 0) {
		x->in_is = false;
	} else if (strcmp(name, "c") == 0 && x->in_c) {
		x->in_c = x->collect = false;
		cell_end(x);
		x->next_col = x->col + 1;
	} else if (strcmp(name, "row") == 0 && x->in_row) {
		x->in_row = false;
		if (!x->err)
			x->err = zx_rowbuf_end(x->rb, x->rowno, x->ei);
	} else if (strcmp(name, "sheetData") == 0) {
		x->in_sheetdata = false;
	}
	if (x->err || zx_rowbuf_stopped(x->rb))
		halt(x);
}

/* ---- entry points ------------------------------------------------------------ */

int zx_xlsx_serial_to_ymd(double serial)
{
	if (!(serial >= 1 && serial < 2958466))
		return 0;
	long days = (long)floor(serial);
	/* Excel counts 1900 as a leap year (Lotus 1-2-3 compatibility): day 60 does
	 * not exist, every later serial is one too high. */
	if (days == 60)
		return 19000229;
	if (days > 60)
		days--;
	/* Days since 1970-01-01, then H. Hinnant's civil_from_days. */
	long z = days - 25568 + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long doe = z - era * 146097;
	long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long mp = (5 * doy + 2) / 153;
	long d = doy - (153 * mp + 2) / 5 + 1;
	long m = mp < 10 ? mp + 3 : mp - 9;
	long y = yoe + era * 400 + (m <= 2);
	return (int)(y * 10000 + m * 100 + d);
}

static zx_err xlsx_run(xlsx *x)
{
	bool found;
	zx_err e;
	if ((e = read_structure(x)) || (e = read_styles(x)))
		return e;
	if ((e = part_parse(x, x->sst_path, sst_start, sst_end, &found)))
		return e;
	x->rowno = 0;
	if ((e = part_parse(x, x->sheet_path, sheet_start, sheet_end, &found)))
		return e;
	if (!found)
		return not_xlsx(x);
	zx_debug("xlsx: read %zu shared strings, %llu bytes inflated", x->nsst,
	         (unsigned long long)x->unzipped);
	return ZX_OK;
}

static zx_err xlsx_read(zip_t *zip, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	xlsx *x = calloc(1, sizeof *x);
	zx_err e;
	if (!x) {
		zip_discard(zip);
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足，无法读取工作簿");
	}
	x->zip = zip;
	x->ei = ei;
	if ((e = zx_rowbuf_new(o, fn, ctx, &x->rb, ei)))
		goto out;
	x->o = zx_rowbuf_opts(x->rb);
	zx_buf_init(&x->sst, x->o->max_unzipped);
	/* Shared strings longer than a cell may be are kept as "too long" markers. */
	zx_buf_init(&x->val, x->o->max_cell + 4096);
	e = xlsx_run(x);
out:
	zip_discard(x->zip);
	zx_rowbuf_free(x->rb);
	zx_buf_release(&x->sst);
	zx_buf_release(&x->val);
	free(x->sst_off);
	free(x->xf_fmt);
	free(x->xf_kind);
	free(x);
	return e;
}

zx_err zx_xlsx_read_file(const char *path, const zx_table_opts *o, zx_row_fn fn, void *ctx, zx_errinfo *ei)
{
	int zerr = 0;
	zip_t *zip = zip_open(path, ZIP_RDONLY, &zerr);
	if (!zip) {
		zx_warn("xlsx: zip_open failed with libzip error %d", zerr);
		return zx_fail(ei, ZX_EVALIDATION, "bad_xlsx", NULL, 0,
		               "文件不是有效的 Excel 工作簿（.xlsx）或已损坏，请用 Excel 或 WPS 打开后另存为 "
		               ".xlsx 或 CSV");
	}
	return xlsx_read(zip, o, fn, ctx, ei);
}

zx_err zx_xlsx_read_mem(const void *data, size_t n, const zx_table_opts *o, zx_row_fn fn, void *ctx,
                        zx_errinfo *ei)
{
	zip_error_t zerr;
	zip_error_init(&zerr);
	zip_source_t *src = zip_source_buffer_create(data, n, 0, &zerr);
	zip_t *zip = src ? zip_open_from_source(src, ZIP_RDONLY, &zerr) : NULL;
	if (!zip) {
		zx_warn("xlsx: opening zip from memory failed: %s", zip_error_strerror(&zerr));
		zip_source_free(src);
		zip_error_fini(&zerr);
		return zx_fail(ei, ZX_EVALIDATION, "bad_xlsx", NULL, 0,
		               "文件不是有效的 Excel 工作簿（.xlsx）或已损坏，请用 Excel 或 WPS 打开后另存为 "
		               ".xlsx 或 CSV");
	}
	zip_error_fini(&zerr);
	return xlsx_read(zip, o, fn, ctx, ei);
}
