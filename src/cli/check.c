/*
 * check.c — `zhenxing check`: database integrity (SQLite integrity_check and
 * foreign keys) and the audit hash chain. Exit 0 only if both are sound.
 */
#include <getopt.h>
#include <stdio.h>

#include "cli/cli.h"
#include "domain/auth/audit.h"

#define USAGE "zhenxing check --db FILE|URL"

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
	zx_store *st = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (e)
		return cli_fail(e, &ei);
	zx_conn *c = zx_store_acquire(st);
	e = zx_store_integrity(c, &ei);
	if (!e) {
		printf("数据库完整性: 正常（结构版本 %d）\n", zx_store_schema_version(c));
		int64_t rows = 0, bad = 0;
		e = zx_audit_verify(c, &rows, &bad, &ei);
		if (!e)
			printf("审计日志: %lld 条，哈希链完整\n", (long long)rows);
		else if (bad)
			fprintf(stderr, "审计日志: 第一条异常记录 id=%lld\n", (long long)bad);
	}
	zx_store_release(st, c);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
