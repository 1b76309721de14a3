/*
 * import.h — importing households from a CSV or XLSX file in the national template
 * (template.h): validate every row, then write everything in one transaction, or nothing.
 *
 * The file is read once. Each row is checked as it streams past and kept in a compact
 * staging area (about 64 bytes a person); household rules (exactly one 户主, household
 * columns agree, 脱贫不稳定户 only for 脱贫户) are checked per household, and the database
 * is asked about every 户编号 and 证件号码 only when the county already holds households.
 * If any error was found nothing is written; otherwise one write transaction inserts new
 * households, updates re-imported ones in place (members matched by the blind index of
 * their 证件号码, a history row per changed field), leaves unchanged ones untouched and
 * writes one audit row.
 *
 * A first import into a county without households is written while it is read: the
 * transaction opens first, each complete and valid household is inserted by a second
 * thread, and the transaction commits only when the whole file has proved valid — any
 * error rolls it back, so "nothing written" holds all the same (import_stream.c).
 *
 * Errors name the file row and the column (the header's text). Values of 证件号码 and
 * 联系电话 in errors are masked. Nothing here prints or logs personal data.
 */
#ifndef ZX_IMPORT_H
#define ZX_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"
#include "base/error.h"
#include "domain/auth/actor.h"
#include "store/store.h"

typedef enum zx_import_phase {
	ZX_IMPORT_READING = 1, /* done = rows read, total = estimate from the file size */
	ZX_IMPORT_CHECKING,    /* done/total = households checked against the database */
	ZX_IMPORT_WRITING,     /* done/total = households written */
} zx_import_phase;

typedef void (*zx_import_progress_fn)(void *ctx, zx_import_phase phase, int64_t done, int64_t total);

typedef struct zx_import_opts {
	const char *area_code; /* 12 digits, inside the actor's scope; NULL = the actor's area (or the
	                          only county in the database for the CLI operator) */
	bool dry_run;          /* validate only: no write at all */
	const char *encoding;  /* CSV: NULL/"auto", "UTF-8", "GB18030" */
	bool t2s;              /* 繁→简 on every cell (OpenCC) */
	int max_errors;        /* errors kept in the result; 0 = ZX_IMPORT_MAX_ERRORS */
	zx_import_progress_fn progress; /* may be NULL; called a few times a second at most */
	void *progress_ctx;
	bool exclusive; /* the caller has the database to itself (the CLI, not the server): a
	                   first import into an empty SQLite registry is written through a
	                   rollback journal instead of the WAL (import_write.c) */
} zx_import_opts;

#define ZX_IMPORT_MAX_ERRORS 10000

typedef struct zx_import_error {
	long row;     /* file row (1 = first line/row of the file); 0 = the whole file */
	char *column; /* header text, "" for file-level errors */
	char *value;  /* the cell as read (masked for 证件号码/联系电话), "" if none */
	char *reason; /* Chinese sentence */
} zx_import_error;

typedef struct zx_import_result {
	char area_code[13]; /* the import area actually used */
	int64_t rows;       /* data rows read */
	int64_t households, persons;
	int64_t created, updated, unchanged; /* households */
	int64_t existing;                    /* households already registered (dry runs: would be
	                                        updated or left unchanged) */
	int64_t members_added, members_removed, members_updated;
	bool written;            /* committed (false for dry runs and failures) */
	zx_import_error *errors; /* the first max_errors, in row order of discovery */
	size_t nerrors;          /* kept */
	int64_t error_count;     /* all, including those not kept */
	char **warnings;         /* e.g. unknown columns ignored */
	size_t nwarnings;
} zx_import_result;

void zx_import_result_init(zx_import_result *r);
void zx_import_result_release(zx_import_result *r);

/*
 * Imports path. Returns
 *   ZX_OK           — valid; written unless dry_run (r->written);
 *   ZX_EVALIDATION  — rows break rules: r->errors lists them, nothing written;
 *                     ei says "导入失败: 共 K 处错误…" and names the first;
 *   other           — the file could not be read as a whole (encoding, format, missing
 *                     required columns, caps), the area is not allowed, or the database
 *                     failed: ei says why; r->errors holds the same as its one entry when
 *                     it concerns the file.
 */
zx_err zx_import_households(zx_conn *c, const zx_keys *k, const zx_actor *a, const char *path,
                            const zx_import_opts *o, zx_import_result *r, zx_errinfo *ei);

/* Writes r's errors as CSV (UTF-8 with BOM, CRLF; columns 行号,列,值,原因), plus a last line
 * naming how many were not kept. The file appears complete or not at all. */
zx_err zx_import_errors_write_csv(const zx_import_result *r, const char *path, zx_errinfo *ei);

#endif
