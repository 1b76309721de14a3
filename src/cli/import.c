/*
 * import.c — `zhenxing import households`: import a CSV/XLSX file of the national household
 * template as the command-line operator (whole database; default area: the only county).
 *
 * Prints a progress bar on stderr when it is a terminal, and always one summary line on
 * stdout: "导入成功: N户 M人 (新增 a, 更新 b)" or "导入失败: 共 K 处错误，未写入任何数据",
 * followed by the first errors (all of them with --errors OUT.csv). Exit 0 on success,
 * 1 when the file was rejected, 2 on usage errors, 3 on internal errors.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/registry/import.h"

#define USAGE                                                                                                \
	"zhenxing import households --db FILE [--area CODE] [--dry-run] [--errors OUT.csv] [--encoding "     \
	"UTF-8|GB18030] [--t2s] [--key FILE] FILE.csv|FILE.xlsx"
#define ERRORS_SHOWN 20

static void progress(void *ctx, zx_import_phase phase, int64_t done, int64_t total)
{
	(void)ctx;
	static const char *names[] = {"", "读取校验", "比对数据库", "写入"};
	int pct = total > 0 ? (int)(done * 100 / total) : 0;
	char bar[31];
	memset(bar, ' ', 30);
	memset(bar, '#', (size_t)(pct * 30 / 100));
	bar[30] = '\0';
	fprintf(stderr, "\r%s [%s] %3d%% %lld/%lld   ", names[phase], bar, pct, (long long)done,
	        (long long)total);
	if (done >= total)
		fputc('\n', stderr);
	fflush(stderr);
}

static void print_errors(const zx_import_result *r, const char *errors_path)
{
	size_t n = r->nerrors < ERRORS_SHOWN ? r->nerrors : ERRORS_SHOWN;
	for (size_t i = 0; i < n; i++) {
		const zx_import_error *e = &r->errors[i];
		if (e->row > 0)
			printf("  第%ld行 %s%s%s%s: %s\n", e->row, e->column, *e->value ? "「" : "", e->value,
			       *e->value ? "」" : "", e->reason);
		else
			printf("  %s\n", e->reason);
	}
	if (r->error_count > (int64_t)n && !errors_path)
		printf("  …… 另有 %lld 处错误（用 --errors 错误清单.csv 导出全部）\n",
		       (long long)(r->error_count - (int64_t)n));
}

static int report(zx_err e, const zx_import_result *r, const zx_import_opts *o, const char *errors_path,
                  zx_errinfo *ei)
{
	for (size_t i = 0; i < r->nwarnings; i++)
		fprintf(stderr, "提示: %s\n", r->warnings[i]);
	if (!e && o->dry_run) {
		printf("校验通过: %lld户 %lld人 (将新增 %lld, 已登记 %lld)，未写入（--dry-run）\n",
		       (long long)r->households, (long long)r->persons, (long long)r->created,
		       (long long)r->existing);
		return CLI_OK;
	}
	if (!e) {
		printf("导入成功: %lld户 %lld人 (新增 %lld, 更新 %lld)\n", (long long)r->households,
		       (long long)r->persons, (long long)r->created, (long long)r->updated);
		if (r->unchanged)
			printf("未变化: %lld户\n", (long long)r->unchanged);
		return CLI_OK;
	}
	if (r->error_count == 0)
		return cli_fail(e, ei);
	printf("导入失败: 共 %lld 处错误，未写入任何数据\n", (long long)r->error_count);
	print_errors(r, errors_path);
	if (errors_path) {
		zx_errinfo wei;
		zx_errinfo_clear(&wei);
		if (zx_import_errors_write_csv(r, errors_path, &wei) != ZX_OK)
			fprintf(stderr, "错误: %s\n", wei.message);
		else
			printf("错误清单已写入: %s\n", errors_path);
	}
	return e == ZX_EVALIDATION || e == ZX_ETOOBIG || e == ZX_EINVAL ? CLI_EDATA : cli_fail(e, ei);
}

static int import_households(int argc, char **argv)
{
	const char *db = NULL, *key = NULL, *errors_path = NULL;
	zx_import_opts o = {.exclusive = true};
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},       {"area", required_argument, 0, 'a'},
	    {"dry-run", no_argument, 0, 'n'},        {"errors", required_argument, 0, 'e'},
	    {"encoding", required_argument, 0, 'E'}, {"t2s", no_argument, 0, 't'},
	    {"key", required_argument, 0, 'k'},      {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			o.area_code = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'e':
			errors_path = optarg;
			break;
		case 'E':
			o.encoding = optarg;
			break;
		case 't':
			o.t2s = true;
			break;
		case 'k':
			key = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || optind != argc - 1)
		return cli_usage(USAGE);
	const char *path = argv[optind];
	if (isatty(2))
		o.progress = progress;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	cli_db d;
	zx_import_result r;
	zx_import_result_init(&r);
	zx_err e = cli_open_db(db, key, &d, &ei);
	if (e)
		return cli_fail(e, &ei);
	zx_actor cli;
	zx_actor_cli(&cli);
	e = zx_import_households(d.c, &d.keys, &cli, path, &o, &r, &ei);
	int rc = report(e, &r, &o, errors_path, &ei);
	zx_import_result_release(&r);
	cli_close_db(&d);
	return rc;
}

int cmd_import(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(USAGE);
	if (strcmp(argv[1], "households") == 0)
		return import_households(argc - 1, argv + 1);
	if (strcmp(argv[1], "income") == 0 || strcmp(argv[1], "warnings") == 0)
		return cmd_import_monitoring(argc - 1, argv + 1);
	if (strcmp(argv[1], "ledger") == 0)
		return cmd_import_ledger(argc - 1, argv + 1);
	fprintf(stderr, "不支持的导入类型: %s\n", argv[1]);
	return cli_usage(USAGE);
}
