/*
 * cli.c — shared helpers of the subcommands (see cli.h).
 */
#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"

int cli_fail(zx_err e, const zx_errinfo *ei)
{
	const char *msg = ei && ei->err && ei->message[0] ? ei->message : zx_err_message(e);
	if (ei && ei->err && ei->row > 0)
		fprintf(stderr, "错误: %s\n", msg);
	else
		fprintf(stderr, "错误: %s\n", msg);
	switch (e) {
	case ZX_EINVAL:
	case ZX_EAUTH:
	case ZX_EFORBIDDEN:
	case ZX_ECSRF:
	case ZX_ELOCKED:
	case ZX_ENOTFOUND:
	case ZX_ECONFLICT:
	case ZX_ETOOBIG:
	case ZX_EVALIDATION:
	case ZX_EFULL:
		return CLI_EDATA;
	default:
		return CLI_EINTERNAL;
	}
}

int cli_usage(const char *usage)
{
	fprintf(stderr, "用法: %s\n", usage);
	return CLI_EUSAGE;
}

bool cli_area_code(const char *in, unsigned lengths, char out[13])
{
	size_t n = strlen(in);
	if (n > 12 || !(lengths & CLI_DIGITS(n)))
		return false;
	for (size_t i = 0; i < n; i++)
		if (in[i] < '0' || in[i] > '9')
			return false;
	memset(out, '0', 12);
	memcpy(out, in, n);
	out[12] = '\0';
	return true;
}

static bool is_pg(const char *db)
{
	return strncmp(db, "postgresql://", 13) == 0 || strncmp(db, "postgres://", 11) == 0;
}

#ifdef ZX_TEST_HOOKS
/* Test builds only (sanitizer builds, meson -Dtest_hooks=true; see src/meson.build), for
 * tests/crash: ZX_FAULT_AFTER=N makes every write after the next N statements fail
 * (zx_store_fault_after), ZX_MAX_PAGES=N caps the SQLite file at N pages (disk full);
 * ZX_CLOCK=T freezes the injectable clock at T seconds since the epoch (TOTP, lockout). */
static void test_hooks(zx_store_opts *o)
{
	const char *clock = getenv("ZX_CLOCK");
	if (clock && *clock) {
		char *cend;
		long long t = strtoll(clock, &cend, 10);
		if (!*cend && t > 0)
			zx_clock_set(t);
	}
	const char *v = getenv("ZX_FAULT_AFTER");
	char *end;
	if (v && *v) {
		long n = strtol(v, &end, 10);
		if (!*end)
			zx_store_fault_after(n);
	}
	v = getenv("ZX_MAX_PAGES");
	if (v && *v) {
		long long n = strtoll(v, &end, 10);
		if (!*end && n > 0)
			o->max_pages = n;
	}
}
#endif

zx_err cli_open_store(const char *db, bool create, int pool, zx_store **out, zx_errinfo *ei)
{
	zx_store_opts o = {.pool_size = pool, .create = create};
#ifdef ZX_TEST_HOOKS
	test_hooks(&o);
#endif
	return zx_store_open(db, &o, out, ei);
}

zx_err cli_load_keys(const char *db, const char *keyfile, bool create, zx_keys *out, zx_errinfo *ei)
{
	char path[1024];
	if (keyfile && *keyfile) {
		snprintf(path, sizeof(path), "%s", keyfile);
	} else if (is_pg(db)) {
		/* A URL has no file beside it: --key, or ZHENXING_KEY for every command of a session. */
		const char *env = getenv("ZHENXING_KEY");
		if (!env || !*env)
			return zx_fail(
			    ei, ZX_EINVAL, "missing_key", "--key", 0,
			    "使用 PostgreSQL 时必须用 --key 指定密钥文件（或设置环境变量 ZHENXING_KEY）");
		snprintf(path, sizeof(path), "%s", env);
	} else {
		snprintf(path, sizeof(path), "%s.key", db);
	}
	return zx_keys_load(path, create, out, ei);
}

zx_err cli_open_db(const char *db, const char *keyfile, cli_db *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	zx_err e = cli_open_store(db, false, 1, &out->st, ei);
	if (!e)
		e = zx_store_migrate(out->st, 0, ei);
	if (!e)
		e = cli_load_keys(db, keyfile, false, &out->keys, ei);
	if (!e && !(out->c = zx_store_acquire(out->st)))
		e = zx_fail(ei, ZX_EDB, "db_unavailable", NULL, 0, "无法连接数据库");
	if (e)
		cli_close_db(out);
	return e;
}

void cli_close_db(cli_db *d)
{
	if (d->c)
		zx_store_release(d->st, d->c);
	zx_store_close(d->st);
	memset(d, 0, sizeof(*d));
}
