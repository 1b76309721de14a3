/*
 * import_ledger.c — `zhenxing import ledger --kind KIND --db FILE [--dry-run] [--errors OUT.csv]
 * [--encoding E] [--key FILE] FILE`: a ledger (台账) file imported as the command-line
 * operator, all or nothing. One summary line on stdout, the first row errors after it (all of
 * them with --errors). Exit 0 on success, 1 when the file was rejected, 2 on usage errors,
 * 3 on internal errors. Called by cmd_import with argv[0] = "ledger".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/ledger/ledger.h"

#define USAGE                                                                                                \
	"zhenxing import ledger --kind KIND --db FILE [--dry-run] [--errors OUT.csv] [--encoding "           \
	"UTF-8|GB18030] [--key FILE] FILE.csv|FILE.xlsx\n"                                                   \
	"  KIND: project subsidy microloan public_post employment collective inspection milestone"
#define ERRORS_SHOWN 20

static void progress(void *ctx, long rows)
{
	(void)ctx;
	fprintf(stderr, "\r读取校验 %ld 行   ", rows);
	fflush(stderr);
}

int cmd_import_ledger(int argc, char **argv)
{
	const char *db = NULL, *key = NULL, *kind = NULL;
	zx_ledger_import_opts o = {0};
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"kind", required_argument, 0, 'K'},
	    {"dry-run", no_argument, 0, 'n'},
	    {"errors", required_argument, 0, 'e'},
	    {"encoding", required_argument, 0, 'E'},
	    {"key", required_argument, 0, 'k'},
	    {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'K':
			kind = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'e':
			o.errors_csv = optarg;
			break;
		case 'E':
			o.encoding = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || !kind || optind != argc - 1)
		return cli_usage(USAGE);
	const zx_ledger_kind *k = zx_ledger_kind_find(kind);
	if (!k) {
		fprintf(stderr, "不支持的台账类型: %s\n", kind);
		return cli_usage(USAGE);
	}
	if (isatty(2))
		o.progress = progress;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	cli_db d;
	zx_err e = cli_open_db(db, key, &d, &ei);
	if (e)
		return cli_fail(e, &ei);
	o.keys = &d.keys;
	zx_actor cli;
	zx_actor_cli(&cli);
	static zx_ledger_import_result r;
	e = zx_ledger_import(d.c, &cli, k, argv[optind], &o, &r, &ei);
	if (o.progress)
		fputc('\n', stderr);
	cli_close_db(&d);
	if (!e) {
		if (o.dry_run)
			printf("校验通过: %s %ld 行，未写入（--dry-run）\n", k->name, r.rows);
		else
			printf("导入成功: %s %ld 行\n", k->name, r.imported);
		return CLI_OK;
	}
	if (r.errors == 0)
		return cli_fail(e, &ei);
	printf("导入失败: 共 %ld 行有错误，未写入任何数据\n", r.errors);
	for (int i = 0; i < r.nfirst && i < ERRORS_SHOWN; i++)
		printf("  %s\n", r.first[i].message);
	if (r.errors > ERRORS_SHOWN && !o.errors_csv)
		printf("  …… 另有 %ld 行错误（用 --errors 错误清单.csv 导出全部）\n",
		       r.errors - ERRORS_SHOWN);
	if (o.errors_csv)
		printf("错误清单已写入: %s\n", o.errors_csv);
	return e == ZX_EVALIDATION || e == ZX_EINVAL || e == ZX_ETOOBIG ? CLI_EDATA : cli_fail(e, &ei);
}
