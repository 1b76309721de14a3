/*
 * config.h — the server's configuration file (/etc/zhenxing/zhenxing.conf, or
 * --config FILE, or $ZHENXING_CONFIG) and the one table of its options.
 *
 * Format (our own small parser, no dependency):
 *   # a comment (whole lines only; '#' inside a value is part of the value)
 *   key = value
 *   key = "value with leading or trailing spaces"
 * Keys are lower case; an unknown or repeated key, a line without '=', or a bad value
 * is an error naming the line. Caps: file 64 KiB, line 1024 bytes, value 1000 bytes.
 *
 * Command-line flags override the file: the CLI loads the file first and then applies
 * each flag through zx_config_set(), so both go through the same validation.
 * Every option is documented in docs/deploy.md and deploy/zhenxing.conf.example.
 */
#ifndef ZX_CONFIG_H
#define ZX_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"

#define ZX_CONFIG_DEFAULT_PATH "/etc/zhenxing/zhenxing.conf"
#define ZX_CONFIG_MAX_FILE (64 * 1024)
#define ZX_CONFIG_MAX_LINE 1024
#define ZX_CONFIG_MAX_VALUE 1000

typedef enum { ZX_LOGFMT_JSON = 0, ZX_LOGFMT_TEXT = 1 } zx_log_format;

typedef struct zx_config {
	char db[1024];       /* SQLite path or postgresql:// URL */
	char listen[128];    /* 127.0.0.1:8080 */
	int threads;         /* 1..256 */
	char key[1024];      /* key file; "" = <db>.key */
	char data_dir[1024]; /* uploads, exports; "" = <db>.files */
	bool secure_cookies; /* behind TLS: cookies get "Secure" */
	bool trust_proxy;    /* take the client address from X-Forwarded-For of a loopback peer */
	char log_file[1024]; /* "" = request lines on stdout, other logs on stderr */
	zx_log_format log_format;
	char metrics_token[256];       /* Bearer token for /metrics from non-loopback; "" = loopback only */
	int session_idle_minutes;      /* 5..480 */
	int password_expiry_days;      /* 0 = never, else 1..3650 */
	bool force_password_change;    /* generated/expired passwords must be changed first */
	int audit_retention_days;      /* 0 = keep for ever, else >= 180 */
	int upload_max_mb;             /* 1..10240 */
	int shutdown_timeout_seconds;  /* drain on SIGTERM: 1..3600 */
	int job_grace_seconds;         /* SIGTERM: a running job may finish within this, 1..3600 */
	char totp_required_roles[256]; /* role keys that must enrol TOTP, comma-separated; "" = none */
} zx_config;

void zx_config_defaults(zx_config *c);

/* Sets one option from its text form (file line or command-line flag). Chinese
 * message in ei, with where ("第3行" or "--threads") as the field. */
zx_err zx_config_set(zx_config *c, const char *key, const char *value, const char *where, zx_errinfo *ei);

/* Parses a whole file's text (len bytes, need not be NUL-terminated) into c. */
zx_err zx_config_parse(zx_config *c, const char *text, size_t len, const char *name, zx_errinfo *ei);

/* Reads and parses a file. missing_ok: a missing file leaves c unchanged and is ZX_OK. */
zx_err zx_config_load(zx_config *c, const char *path, bool missing_ok, zx_errinfo *ei);

/* The option table, for docs and `zhenxing serve --print-config`: NULL-terminated keys. */
const char *const *zx_config_keys(void);

#endif
