/*
 * export.h — the households of an area as a file in exactly the import template's
 * columns (template.h order and names), so that an unmasked export imported again
 * changes nothing. Masked exports (the default) are for reading only.
 *
 * CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting. XLSX: libxlsxwriter in constant-memory
 * mode, codes and numbers-that-are-not-numbers (户编号, 行政区划代码, 证件号码, 联系电话)
 * as text, frozen header, column widths; a new sheet with the header again before a
 * sheet would pass Excel's 1,048,576 rows (at a household boundary). Both stream from
 * one database cursor, decrypting per row: memory stays flat whatever the size.
 *
 * Every export is audited ("household.export", own transaction, after the file is
 * complete and before anyone can read it); on any failure the file is removed.
 */
#ifndef ZX_REGISTRY_EXPORT_H
#define ZX_REGISTRY_EXPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "domain/registry/query.h"
#include "store/store.h"

typedef enum zx_export_format { ZX_EXPORT_CSV = 1, ZX_EXPORT_XLSX = 2 } zx_export_format;

/* "csv" / "xlsx" → format; 0 if unknown. */
zx_export_format zx_export_format_parse(const char *s);

typedef struct zx_export_opts {
	zx_hh_filter filter; /* area, village, hh_type, category, group; q (a search) exports
	                      * its matches, at most ZX_HH_SEARCH_MAX households */
	zx_export_format format;
	bool unmasked;      /* plaintext 证件号码 / 联系电话: only for roles that may unmask */
	const char *tmpdir; /* XLSX work files; NULL = the system's */
	/* Called every few thousand rows with the rows written so far (may be NULL). */
	void (*progress)(void *ctx, int64_t rows);
	void *progress_ctx;
} zx_export_opts;

typedef struct zx_export_result {
	int64_t households;
	int64_t persons;
} zx_export_result;

/* Checks that a may export what o asks (role, unmasking, area) without reading any row, and
 * estimates the rows (persons) it will hold (exact without a 组 filter or search). */
zx_err zx_export_check(zx_conn *c, const zx_actor *a, const zx_export_opts *o, int64_t *rows, zx_errinfo *ei);

/* Writes the export to path (created or truncated, mode 0600 under the caller's umask). */
zx_err zx_export_households(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_export_opts *o,
                            const char *path, zx_export_result *r, zx_errinfo *ei);

#endif
