/*
 * import_monitoring.c — `zhenxing import income|warnings`: the monitoring imports, called
 * by the `import` command's dispatcher (cli/import.c) with argv[0] = the kind.
 *
 *   zhenxing import income   --db FILE [--year Y] FILE.csv|FILE.xlsx
 *   zhenxing import warnings --db FILE [--allow-unmatched] [--key KEYFILE] FILE.csv|FILE.xlsx
 *
 * Both are all-or-nothing; on failure every error found is listed on stderr (row, column,
 * reason; the first 100) and nothing is written. Warnings whose 证件号码 matches nobody
 * fail the file unless --allow-unmatched, which imports the matched rows and lists the
 * unmatched ones (they are also kept, masked, with the batch).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/monitoring/income.h"
#include "domain/monitoring/warnings.h"

#define USAGE                                                                                                \
	"zhenxing import income --db FILE [--year Y] FILE\n"                                                 \
	"       zhenxing import warnings --db FILE [--allow-unmatched] [--key KEYFILE] FILE"

static void list_issues(const zx_mon_import *r, const char *title)
{
	if (r->nissues == 0)
		return;
	fprintf(stderr, "%s（共 %ld 条%s）：\n", title, r->issues_total,
	        r->issues_total > r->nissues ? "，仅列出前 100 条" : "");
	for (int i = 0; i < r->nissues; i++)
		fprintf(stderr, "  %s\n", r->issues[i].message);
}

int cmd_import_monitoring(int argc, char **argv)
{
	if (argc < 1 || (strcmp(argv[0], "income") != 0 && strcmp(argv[0], "warnings") != 0))
		return cli_usage(USAGE);
	bool income = strcmp(argv[0], "income") == 0;
	const char *db = NULL, *key = NULL;
	long year = 0;
	bool allow_unmatched = false;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"year", required_argument, 0, 'y'},
	    {"allow-unmatched", no_argument, 0, 'u'},
	    {"key", required_argument, 0, 'k'},
	    {0, 0, 0, 0},
	};
	int ch;
	char *end;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'y':
			year = strtol(optarg, &end, 10);
			if (*end || year <= 0)
				return cli_usage(USAGE);
			break;
		case 'u':
			allow_unmatched = true;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || optind != argc - 1 || (income && allow_unmatched) || (!income && year))
		return cli_usage(USAGE);
	const char *path = argv[optind];
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_keys keys;
	zx_mon_import *r = calloc(1, sizeof(*r));
	zx_err e = r ? cli_open_store(db, false, 1, &st, &ei) : ZX_ENOMEM;
	if (!e && !income)
		e = cli_load_keys(db, key, false, &keys, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	zx_actor cli;
	zx_actor_cli(&cli);
	if (!e && income)
		e = zx_income_import_file(c, &cli, path, (int)year, r, &ei);
	else if (!e)
		e = zx_warnings_import_file(c, &cli, &keys, path, allow_unmatched, r, &ei);
	zx_store_release(st, c);
	zx_store_close(st);
	int rc = CLI_OK;
	if (e) {
		if (r)
			list_issues(r, "错误");
		rc = cli_fail(e, &ei);
	} else if (income) {
		printf("已导入收入 %ld 行（新增 %ld 户，更新 %ld 户）\n", r->written,
		       r->written - r->replaced, r->replaced);
	} else {
		printf("已导入部门预警 %ld 行（重复跳过 %ld 行，未匹配 %ld 行），批次 %lld\n", r->written,
		       r->duplicates, r->unmatched, (long long)r->batch_id);
		list_issues(r, "未匹配的行（未导入，已随批次保存）");
	}
	free(r);
	return rc;
}
