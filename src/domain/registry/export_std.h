/*
 * export_std.h — the standard exports (issue #7): 监测对象 list, 帮扶措施台账, 走访记录 and
 * 消除名单 as CSV or XLSX with Chinese headers. Each kind is one row definition table
 * (header, column width, how the value is made from a column of its named query in
 * store/sql/common/exports_standard.sql) fed to one generic writer.
 *
 * CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting. XLSX: libxlsxwriter constant_memory, bold
 * header, frozen header row, column widths, codes as text, amounts (元) and counts as
 * numbers; a new sheet (header again) before Excel's row limit.
 *
 * 证件号码 / 联系电话 are masked unless opts.unmasked, which needs a role that may unmask.
 * Roles that never see personal data (等保 roles) are refused. Every export is audited
 * ("<kind>.export": monitored / measure / visit / elimination) before success is
 * returned; on any failure the file is removed.
 */
#ifndef ZX_REGISTRY_EXPORT_STD_H
#define ZX_REGISTRY_EXPORT_STD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "domain/registry/export.h"
#include "store/store.h"

typedef enum zx_std_kind {
	ZX_STD_MONITORED = 1, /* 监测对象 */
	ZX_STD_MEASURES,      /* 帮扶措施台账 */
	ZX_STD_VISITS,        /* 走访记录 */
	ZX_STD_ELIMINATIONS,  /* 消除名单 */
} zx_std_kind;

/* "monitored" / "measures" / "visits" / "eliminations" → kind; 0 if unknown. */
zx_std_kind zx_std_kind_parse(const char *s);
/* The kind's Chinese title (also its sheet name and file name), e.g. "帮扶措施台账". */
const char *zx_std_kind_title(zx_std_kind k);

typedef struct zx_std_opts {
	zx_std_kind kind;
	const char *area; /* 6..12 digits inside the actor's scope; NULL/"" = the actor's area */
	int year;         /* 0 = every year; ignored by 监测对象 (the current list) */
	zx_export_format format;
	bool unmasked;
	const char *tmpdir; /* XLSX work files; NULL = the system's */
} zx_std_opts;

/* Writes the export to path (created or truncated); *rows: data rows written. */
zx_err zx_export_standard(zx_conn *c, const zx_actor *a, const zx_keys *k, const zx_std_opts *o,
                          const char *path, int64_t *rows, zx_errinfo *ei);

#endif
