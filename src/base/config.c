/*
 * config.c — parsing the `key = value` configuration file described in config.h.
 *
 * One table lists every option with its type, bounds and place in zx_config, so a
 * new option is one row plus a field. The parser never reads past the given length,
 * refuses over-long lines and values, and reports the line of the first error.
 */
#include "base/config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

typedef enum { OPT_STR, OPT_INT, OPT_BOOL, OPT_LOGFMT } opt_type;

typedef struct opt_def {
	const char *key;
	opt_type type;
	size_t off;
	size_t size;  /* OPT_STR: buffer size */
	long lo, hi;  /* OPT_INT bounds */
	long zero_ok; /* OPT_INT: 0 allowed outside [lo, hi] (means "off") */
} opt_def;

#define STR(k, f)                                                                                            \
	{                                                                                                    \
		k, OPT_STR, offsetof(zx_config, f), sizeof(((zx_config *)0)->f), 0, 0, 0                     \
	}
#define INT(k, f, lo, hi, z)                                                                                 \
	{                                                                                                    \
		k, OPT_INT, offsetof(zx_config, f), 0, lo, hi, z                                             \
	}
#define BOOL(k, f)                                                                                           \
	{                                                                                                    \
		k, OPT_BOOL, offsetof(zx_config, f), 0, 0, 0, 0                                              \
	}

static const opt_def opts[] = {
    STR("db", db),
    STR("listen", listen),
    INT("threads", threads, 1, 256, 0),
    STR("key", key),
    STR("data_dir", data_dir),
    BOOL("secure_cookies", secure_cookies),
    BOOL("trust_proxy", trust_proxy),
    STR("log_file", log_file),
    {"log_format", OPT_LOGFMT, offsetof(zx_config, log_format), 0, 0, 0, 0},
    STR("metrics_token", metrics_token),
    INT("session_idle_minutes", session_idle_minutes, 5, 480, 0),
    INT("password_expiry_days", password_expiry_days, 1, 3650, 1),
    BOOL("force_password_change", force_password_change),
    INT("audit_retention_days", audit_retention_days, 180, 36500, 1),
    INT("upload_max_mb", upload_max_mb, 1, 10240, 0),
    INT("shutdown_timeout_seconds", shutdown_timeout_seconds, 1, 3600, 0),
    INT("job_grace_seconds", job_grace_seconds, 1, 3600, 0),
    STR("totp_required_roles", totp_required_roles),
};
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

void zx_config_defaults(zx_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:8080");
	c->threads = 2;
	c->log_format = ZX_LOGFMT_JSON;
	c->session_idle_minutes = 30;
	c->password_expiry_days = 90;
	c->force_password_change = true;
	c->audit_retention_days = 0;
	c->upload_max_mb = 512;
	c->shutdown_timeout_seconds = 30;
	c->job_grace_seconds = 30;
	/* The 三员 and the county administrator (domain/auth/security.h ZX_TOTP_ROLES_DEFAULT;
	 * base/ knows no roles, the server checks the keys). */
	snprintf(c->totp_required_roles, sizeof(c->totp_required_roles),
	         "sys_admin,sec_admin,audit_admin,county_admin");
}

const char *const *zx_config_keys(void)
{
	static const char *keys[NOPTS + 1];
	for (size_t i = 0; i < NOPTS; i++)
		keys[i] = opts[i].key;
	keys[NOPTS] = NULL;
	return keys;
}

static const opt_def *find_opt(const char *key)
{
	for (size_t i = 0; i < NOPTS; i++)
		if (strcmp(opts[i].key, key) == 0)
			return &opts[i];
	return NULL;
}

static bool parse_bool(const char *v, bool *out)
{
	static const char *yes[] = {"true", "yes", "on", "1"}, *no[] = {"false", "no", "off", "0"};
	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(v, yes[i]) == 0) {
			*out = true;
			return true;
		}
		if (strcasecmp(v, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

zx_err zx_config_set(zx_config *c, const char *key, const char *value, const char *where, zx_errinfo *ei)
{
	const opt_def *o = find_opt(key);
	where = where ? where : key;
	if (!o)
		return zx_fail(ei, ZX_EINVAL, "config_unknown_key", where, 0, "%s: 未知的配置项 %s", where,
		               key);
	char *field = (char *)c + o->off;
	switch (o->type) {
	case OPT_STR:
		if (strlen(value) >= o->size)
			return zx_fail(ei, ZX_EINVAL, "config_bad_value", where, 0, "%s: %s 的值过长", where,
			               key);
		snprintf(field, o->size, "%s", value);
		return ZX_OK;
	case OPT_INT: {
		char *end;
		errno = 0;
		long v = strtol(value, &end, 10);
		bool ok =
		    *value && !*end && errno == 0 && ((v >= o->lo && v <= o->hi) || (o->zero_ok && v == 0));
		if (!ok)
			return zx_fail(ei, ZX_EINVAL, "config_bad_value", where, 0,
			               "%s: %s 应为 %s%ld 到 %ld 的整数", where, key,
			               o->zero_ok ? "0 或 " : "", o->lo, o->hi);
		*(int *)(void *)field = (int)v;
		return ZX_OK;
	}
	case OPT_BOOL:
		if (!parse_bool(value, (bool *)(void *)field))
			return zx_fail(ei, ZX_EINVAL, "config_bad_value", where, 0,
			               "%s: %s 应为 true 或 false", where, key);
		return ZX_OK;
	case OPT_LOGFMT:
		if (strcmp(value, "json") == 0)
			c->log_format = ZX_LOGFMT_JSON;
		else if (strcmp(value, "text") == 0)
			c->log_format = ZX_LOGFMT_TEXT;
		else
			return zx_fail(ei, ZX_EINVAL, "config_bad_value", where, 0,
			               "%s: log_format 应为 json 或 text", where);
		return ZX_OK;
	}
	return ZX_EINTERNAL;
}

/* Trims spaces and tabs from both ends of [*s, *s + *n). */
static void trim(const char **s, size_t *n)
{
	while (*n > 0 && (**s == ' ' || **s == '\t')) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r'))
		(*n)--;
}

static zx_err parse_line(zx_config *c, const char *line, size_t n, const char *where, unsigned char *seen,
                         zx_errinfo *ei)
{
	trim(&line, &n);
	if (n == 0 || line[0] == '#')
		return ZX_OK;
	const char *eq = memchr(line, '=', n);
	if (!eq)
		return zx_fail(ei, ZX_EINVAL, "config_syntax", where, 0, "%s: 应为 “键 = 值” 的形式", where);
	const char *k = line, *v = eq + 1;
	size_t kn = (size_t)(eq - line), vn = n - kn - 1;
	trim(&k, &kn);
	trim(&v, &vn);
	char key[64], value[ZX_CONFIG_MAX_VALUE + 1];
	if (kn == 0 || kn >= sizeof(key))
		return zx_fail(ei, ZX_EINVAL, "config_syntax", where, 0, "%s: 配置项名称无效", where);
	for (size_t i = 0; i < kn; i++)
		if (!islower((unsigned char)k[i]) && k[i] != '_' && !isdigit((unsigned char)k[i]))
			return zx_fail(ei, ZX_EINVAL, "config_syntax", where, 0, "%s: 配置项名称无效", where);
	if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
		v++;
		vn -= 2;
	}
	if (vn > ZX_CONFIG_MAX_VALUE)
		return zx_fail(ei, ZX_EINVAL, "config_bad_value", where, 0, "%s: 值过长", where);
	if (memchr(v, '\0', vn))
		return zx_fail(ei, ZX_EINVAL, "config_syntax", where, 0, "%s: 含有非法字符", where);
	memcpy(key, k, kn);
	key[kn] = '\0';
	memcpy(value, v, vn);
	value[vn] = '\0';
	const opt_def *o = find_opt(key);
	if (o) {
		size_t idx = (size_t)(o - opts);
		if (seen[idx])
			return zx_fail(ei, ZX_EINVAL, "config_duplicate", where, 0, "%s: 配置项 %s 重复",
			               where, key);
		seen[idx] = 1;
	}
	return zx_config_set(c, key, value, where, ei);
}

zx_err zx_config_parse(zx_config *c, const char *text, size_t len, const char *name, zx_errinfo *ei)
{
	if (len > ZX_CONFIG_MAX_FILE)
		return zx_fail(ei, ZX_ETOOBIG, "config_too_big", name, 0, "配置文件 %s 超过 %d KiB", name,
		               ZX_CONFIG_MAX_FILE / 1024);
	unsigned char seen[NOPTS] = {0};
	size_t pos = 0;
	long lineno = 0;
	while (pos < len) {
		lineno++;
		const char *start = text + pos;
		const char *nl = memchr(start, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - start) : len - pos;
		pos += n + (nl ? 1 : 0);
		char where[64];
		snprintf(where, sizeof(where), "第%ld行", lineno);
		if (n > ZX_CONFIG_MAX_LINE)
			return zx_fail(ei, ZX_EINVAL, "config_line_too_long", where, lineno,
			               "%s: 行过长（上限 %d 字节）", where, ZX_CONFIG_MAX_LINE);
		zx_err e = parse_line(c, start, n, where, seen, ei);
		if (e) {
			if (ei)
				ei->row = lineno;
			return e;
		}
	}
	return ZX_OK;
}

zx_err zx_config_load(zx_config *c, const char *path, bool missing_ok, zx_errinfo *ei)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT && missing_ok)
			return ZX_OK;
		return zx_fail(ei, errno == ENOENT ? ZX_ENOTFOUND : ZX_EIO, "config_unreadable", "--config",
		               0, "无法读取配置文件 %s", path);
	}
	char *buf = malloc(ZX_CONFIG_MAX_FILE + 1);
	size_t len = 0;
	zx_err e = buf ? ZX_OK : ZX_ENOMEM;
	while (!e) {
		ssize_t r = read(fd, buf + len, ZX_CONFIG_MAX_FILE + 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			e = zx_fail(ei, ZX_EIO, "config_unreadable", "--config", 0, "无法读取配置文件 %s",
			            path);
		if (r <= 0)
			break;
		len += (size_t)r;
		if (len > ZX_CONFIG_MAX_FILE)
			break;
	}
	close(fd);
	if (!e)
		e = zx_config_parse(c, buf, len, path, ei);
	if (e && ei && ei->err && !strstr(ei->message, path)) {
		/* Prefix the file name; a message cut at the end is still readable. */
		char msg[sizeof(ei->message) + 1100];
		int n = snprintf(msg, sizeof(msg), "配置文件 %s %s", path, ei->message);
		if (n > 0)
			memcpy(ei->message, msg, sizeof(ei->message) - 1);
		ei->message[sizeof(ei->message) - 1] = '\0';
	}
	free(buf);
	return e;
}
