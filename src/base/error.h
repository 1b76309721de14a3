/*
 * error.h — the one error type of zhenxing.
 *
 * Every function that can fail returns zx_err (ZX_OK == 0). Where the user needs to
 * know more (which row, which field, what was wrong) the caller passes a zx_errinfo,
 * which the failing function fills through zx_fail(). The API edge turns a zx_err
 * into an HTTP status in exactly one table (api/errors.c); the CLI edge turns it
 * into an exit code (1 user/data error, 3 internal error).
 *
 * Invariant: messages in zx_errinfo are for users and written in Simplified Chinese;
 * log lines (zx_log) are in English and never contain personal data.
 */
#ifndef ZX_ERROR_H
#define ZX_ERROR_H

#include <stdarg.h>

typedef enum zx_err {
	ZX_OK = 0,
	ZX_EINVAL,      /* malformed input (bad JSON, bad parameter)      -> 400 */
	ZX_EAUTH,       /* not logged in, bad credentials, expired session -> 401 */
	ZX_EFORBIDDEN,  /* logged in but not allowed                       -> 403 */
	ZX_ECSRF,       /* missing/wrong CSRF token                        -> 403 */
	ZX_ELOCKED,     /* account locked after failed logins              -> 403 */
	ZX_ENOTFOUND,   /* no such object in the caller's scope            -> 404 */
	ZX_EMETHOD,     /* route exists, method does not                   -> 405 */
	ZX_ECONFLICT,   /* duplicate / state conflict                      -> 409 */
	ZX_ETOOBIG,     /* over a size cap                                 -> 413 */
	ZX_EVALIDATION, /* well-formed but violates a domain rule          -> 422 */
	ZX_ENOMEM,      /* allocation failed                               -> 500 */
	ZX_EIO,         /* file or network I/O failed                      -> 500 */
	ZX_EFULL,       /* disk or database full                           -> 507 */
	ZX_EDB,         /* database error                                  -> 500 */
	ZX_EINTERNAL,   /* a bug: an invariant did not hold                -> 500 */
	ZX_ERR__COUNT
} zx_err;

/* Context for the user: filled by zx_fail(), read at the API/CLI edge. */
typedef struct zx_errinfo {
	zx_err err;
	char code[48];     /* stable machine code, e.g. "invalid_id_number" */
	char field[64];    /* column/field name as the user knows it, e.g. "证件号码" */
	long row;          /* 1-based data row, 0 when not about a row */
	char message[512]; /* Chinese, complete sentence for the user */
} zx_errinfo;

/* Records the error in ei (when not NULL) and returns err, so that
 * `return zx_fail(ei, ZX_EVALIDATION, "bad_x", "字段", row, "…%s", v);` reads as one step. */
zx_err zx_fail(zx_errinfo *ei, zx_err err, const char *code, const char *field, long row, const char *fmt,
               ...) __attribute__((format(printf, 6, 7)));

/* Short English name of an error, for logs: "ZX_EINVAL". */
const char *zx_err_name(zx_err err);

/* Generic Chinese message when no zx_errinfo was filled. */
const char *zx_err_message(zx_err err);

/* Generic machine code when no zx_errinfo was filled, e.g. "not_found". */
const char *zx_err_code(zx_err err);

void zx_errinfo_clear(zx_errinfo *ei);

#endif
