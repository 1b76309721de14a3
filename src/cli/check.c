/*
 * check.c — `zhenxing check`: database integrity (SQLite integrity_check and
 * foreign keys) and the audit hash chain. Exit 0 only if both are sound. The same
 * verification (cli_verify_db) checks every backup and restore.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/backup.h"
#include "cli/cli.h"
#include "domain/auth/audit.h"

#define USAGE "zhenxing check --db FILE|URL"

zx_err cli_verify_db(const char *db, bool verbose, zx_errinfo *ei)
{
	zx_store *st = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, ei);
	if (e)
		return e;
	zx_conn *c = zx_store_acquire(st);
	e = c ? zx_store_integrity(c, ei) : ZX_EDB;
	if (!e) {
		if (verbose)
			printf("数据库完整性: 正常（结构版本 %d）\n", zx_store_schema_version(c));
		int64_t rows = 0, bad = 0;
		e = zx_audit_verify(c, &rows, &bad, ei);
		if (!e && verbose)
			printf("审计日志: %lld 条，哈希链完整\n", (long long)rows);
		else if (e && bad)
			fprintf(stderr, "审计日志: 第一条异常记录 id=%lld\n", (long long)bad);
	}
	zx_store_release(st, c);
	zx_store_close(st);
	return e;
}

int cmd_check(int argc, char **argv)
{
	const char *db = NULL;
	static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {0, 0, 0, 0}};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'd')
			return cli_usage(USAGE);
		db = optarg;
	}
	if (!db || optind != argc)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = cli_verify_db(db, true, &ei);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
