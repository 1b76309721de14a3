/*
 * export.c — `zhenxing export households`: the households of an area as CSV or XLSX in the
 * import template's columns (domain/registry/export.h), masked unless --unmasked.
 *
 * The file is written as OUT.tmp next to OUT (XLSX work files there too, not in /tmp) and
 * renamed when complete and audited, so OUT is either the whole export or absent. On a
 * terminal a progress line counts the rows against the expected total.
 *
 * `zhenxing export monitored|measures|visits|eliminations` writes a standard export
 * (domain/registry/export_std.h) the same way.
 */
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"
#include "cli/cli.h"
#include "domain/registry/export.h"
#include "domain/registry/export_std.h"

#define USAGE                                                                                                \
	"zhenxing export households --db FILE --area CODE --format csv|xlsx [--unmasked] [--village CODE] "  \
	"[--type 户类型] [--category 类别] [--group 组] [--key FILE] -o OUT\n"                         \
	"       zhenxing export monitored|measures|visits|eliminations --db FILE --area CODE [--year Y] "    \
	"--format csv|xlsx [--unmasked] [--key FILE] -o OUT"

typedef struct bar {
	int64_t total;
	int last_pct;
} bar;

static void show_progress(void *ctx, int64_t rows)
{
	bar *b = ctx;
	int pct = b->total > 0 ? (int)(rows * 100 / b->total) : 0;
	if (pct > 100)
		pct = 100;
	if (pct == b->last_pct)
		return;
	b->last_pct = pct;
	fprintf(stderr, "\r导出中 %3d%%  %lld / %lld 人", pct, (long long)rows, (long long)b->total);
	fflush(stderr);
}

/* zhenxing export monitored|measures|visits|eliminations … */
/* The export was written to tmp: it becomes out, or tmp goes (the export removed it on error). */
static zx_err put_in_place(zx_err e, const char *tmp, const char *out, zx_errinfo *ei)
{
	if (!e && rename(tmp, out) != 0) {
		remove(tmp);
		e = zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "无法写入文件 %s", out);
	}
	return e;
}

static int export_standard(int argc, char **argv, zx_std_kind kind)
{
	const char *db = NULL, *key = NULL, *out = NULL, *format = NULL;
	zx_std_opts o = {.kind = kind};
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},     {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'},   {"format", required_argument, 0, 'f'},
	    {"unmasked", no_argument, 0, 'u'},     {"key", required_argument, 0, 'k'},
	    {"output", required_argument, 0, 'o'}, {0, 0, 0, 0},
	};
	int ch;
	char *end;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			o.area = optarg;
			break;
		case 'y':
			o.year = (int)strtol(optarg, &end, 10);
			if (*end || o.year < 2000 || o.year > 2100)
				return cli_usage(USAGE);
			break;
		case 'f':
			format = optarg;
			break;
		case 'u':
			o.unmasked = true;
			break;
		case 'k':
			key = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	o.format = zx_export_format_parse(format);
	if (!db || !out || !*out || !o.area || !o.format || optind != argc)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	cli_db d;
	char tmp[1100], dir[1100];
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	snprintf(dir, sizeof(dir), "%s", out);
	o.tmpdir = dirname(dir);
	zx_err e = cli_open_db(db, key, &d, &ei);
	zx_actor cli;
	zx_actor_cli(&cli);
	int64_t rows = 0;
	if (!e)
		e = zx_export_standard(d.c, &cli, &d.keys, &o, tmp, &rows, &ei);
	e = put_in_place(e, tmp, out, &ei);
	cli_close_db(&d);
	if (e)
		return cli_fail(e, &ei);
	printf("已导出%s %lld 行到 %s（%s，%s）\n", zx_std_kind_title(kind), (long long)rows, out,
	       o.format == ZX_EXPORT_CSV ? "CSV" : "XLSX", o.unmasked ? "未脱敏" : "证件号码和电话已脱敏");
	return CLI_OK;
}

int cmd_export(int argc, char **argv)
{
	const char *db = NULL, *key = NULL, *out = NULL, *format = NULL;
	zx_export_opts o = {.filter = {.area = NULL}};
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"area", required_argument, 0, 'a'},
	    {"format", required_argument, 0, 'f'},
	    {"unmasked", no_argument, 0, 'u'},
	    {"village", required_argument, 0, 'v'},
	    {"type", required_argument, 0, 't'},
	    {"category", required_argument, 0, 'c'},
	    {"group", required_argument, 0, 'g'},
	    {"key", required_argument, 0, 'k'},
	    {"output", required_argument, 0, 'o'},
	    {0, 0, 0, 0},
	};
	if (argc >= 2 && zx_std_kind_parse(argv[1]))
		return export_standard(argc, argv, zx_std_kind_parse(argv[1]));
	if (argc < 2 || strcmp(argv[1], "households") != 0)
		return cli_usage(USAGE);
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			o.filter.area = optarg;
			break;
		case 'f':
			format = optarg;
			break;
		case 'u':
			o.unmasked = true;
			break;
		case 'v':
			o.filter.village = optarg;
			break;
		case 't':
			o.filter.hh_type = optarg;
			break;
		case 'c':
			o.filter.category = optarg;
			break;
		case 'g':
			o.filter.group = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	o.format = zx_export_format_parse(format);
	if (!db || !out || !*out || !o.filter.area || !o.format || optind != argc)
		return cli_usage(USAGE);

	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	cli_db d;
	char tmp[1100], dir[1100];
	int64_t t0 = zx_now();
	snprintf(tmp, sizeof(tmp), "%s.tmp", out);
	snprintf(dir, sizeof(dir), "%s", out);
	o.tmpdir = dirname(dir);
	zx_err e = cli_open_db(db, key, &d, &ei);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_export_result r;
	bar b = {0, -1};
	if (!e && isatty(2)) {
		o.progress = show_progress;
		o.progress_ctx = &b;
		e = zx_export_check(d.c, &cli, &o, &b.total, &ei);
	}
	if (!e)
		e = zx_export_households(d.c, &cli, &d.keys, &o, tmp, &r, &ei);
	if (b.last_pct >= 0)
		fputc('\n', stderr);
	e = put_in_place(e, tmp, out, &ei);
	cli_close_db(&d);
	if (e)
		return cli_fail(e, &ei);
	printf("已导出 %lld 户 %lld 人到 %s（%s，%s，用时 %lld 秒）\n", (long long)r.households,
	       (long long)r.persons, out, o.format == ZX_EXPORT_CSV ? "CSV" : "XLSX",
	       o.unmasked ? "未脱敏" : "证件号码和电话已脱敏", (long long)(zx_now() - t0));
	return CLI_OK;
}
