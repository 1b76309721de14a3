/*
 * migrate.c — `zhenxing migrate`: create or upgrade the schema.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"

#define USAGE "zhenxing migrate --db FILE|URL [--to VERSION]"

int cmd_migrate(int argc, char **argv)
{
	const char *db = NULL;
	int to = 0;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'}, {"to", required_argument, 0, 't'}, {0, 0, 0, 0}};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			db = optarg;
		else if (ch == 't')
			to = (int)strtol(optarg, NULL, 10);
		else
			return cli_usage(USAGE);
	}
	if (!db || optind != argc || to < 0)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_err e = cli_open_store(db, true, 1, &st, &ei);
	if (!e)
		e = zx_store_migrate(st, to, &ei);
	if (!e) {
		zx_conn *c = zx_store_acquire(st);
		printf("数据库结构版本: %d（最新 %d）\n", zx_store_schema_version(c),
		       zx_store_latest_version(zx_store_backend(st)));
		zx_store_release(st, c);
	}
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
