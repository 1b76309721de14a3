/*
 * policy.c — `zhenxing policy set|show`: the monitoring policy parameters (监测线 and
 * thresholds) per province or county and year. `set` writes a new version (never edits
 * one); `show` lists the versions of a county and its province, or with --year the
 * parameters in force.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/policy.h"

#define USAGE                                                                                                \
	"zhenxing policy set --db FILE --area CODE --year Y --income-line 元 [--warning-factor 1.5]\n"      \
	"                        [--drop-percent 30] [--medical-selfpay 元] [--medical-selfpay-ratio 50]\n" \
	"       zhenxing policy show --db FILE --area CODE [--year Y]"

static void print_policy(const zx_policy *p)
{
	char line[32], band[32], factor[16], selfpay[32];
	zx_money_short(p->income_line, line, sizeof(line));
	zx_money_short(zx_div_round(p->income_line * p->warning_factor, 1000), band, sizeof(band));
	zx_decimal_format(p->warning_factor, 3, factor, sizeof(factor));
	zx_money_short(p->medical_selfpay, selfpay, sizeof(selfpay));
	printf("%d年 %s（%s）第%d版：监测线 %s元；预警带 ×%s（至 %s元）；收入下降超过 %lld%%；"
	       "医保个人自付 ≥ %s元 或 ≥ 纯收入的 %lld%%（%s 设置）\n",
	       p->year, p->area_name, p->area_code, p->version, line, factor, band,
	       (long long)p->drop_percent, selfpay, (long long)p->medical_selfpay_ratio, p->created_by);
}

static bool print_cb(void *ctx, const zx_policy *p)
{
	(*(int *)ctx)++;
	print_policy(p);
	return true;
}

static bool parse_money(const char *s, int64_t *out)
{
	return zx_money_parse(s, false, out) == ZX_MONEY_OK;
}

static int run(const char *sub, const char *db, const char *code, long year, const zx_policy_input *in)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_policy p;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	zx_actor cli;
	zx_actor_cli(&cli);
	if (!e && strcmp(sub, "set") == 0) {
		e = zx_policy_set(c, &cli, in, &p, &ei);
		if (!e) {
			printf("已设置政策参数：");
			print_policy(&p);
		}
	} else if (!e && year > 0) {
		e = zx_policy_effective(c, code, (int)year, &p, &ei);
		if (!e) {
			printf("现行：");
			print_policy(&p);
		}
	} else if (!e) {
		int n = 0;
		e = zx_policy_list(c, code, 0, print_cb, &n);
		if (!e && n == 0)
			printf("%s 及其所在省尚未设置任何政策参数\n", code);
	}
	zx_store_release(st, c);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}

int cmd_policy(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "show") != 0))
		return cli_usage(USAGE);
	const char *db = NULL, *area = NULL;
	long year = 0;
	zx_policy_input in = {.income_line = -1,
	                      .warning_factor = -1,
	                      .drop_percent = -1,
	                      .medical_selfpay = -1,
	                      .medical_selfpay_ratio = -1};
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'},
	    {"income-line", required_argument, 0, 'l'},
	    {"warning-factor", required_argument, 0, 'f'},
	    {"drop-percent", required_argument, 0, 'p'},
	    {"medical-selfpay", required_argument, 0, 'm'},
	    {"medical-selfpay-ratio", required_argument, 0, 'r'},
	    {0, 0, 0, 0},
	};
	int ch;
	char *end;
	bool ok = true;
	optind = 2;
	while (ok && (ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'y':
			year = strtol(optarg, &end, 10);
			ok = !*end;
			break;
		case 'l':
			ok = parse_money(optarg, &in.income_line);
			break;
		case 'f':
			ok = zx_decimal_parse(optarg, 3, 100000, &in.warning_factor);
			break;
		case 'p':
			ok = zx_decimal_parse(optarg, 0, 100000, &in.drop_percent);
			break;
		case 'm':
			ok = parse_money(optarg, &in.medical_selfpay);
			break;
		case 'r':
			ok = zx_decimal_parse(optarg, 0, 100000, &in.medical_selfpay_ratio);
			break;
		default:
			ok = false;
		}
	}
	char code[13];
	bool set = strcmp(argv[1], "set") == 0;
	if (!ok || !db || !area || optind != argc ||
	    !cli_area_code(area, CLI_DIGITS(2) | CLI_DIGITS(6) | CLI_DIGITS(12), code) || (set && year <= 0))
		return cli_usage(USAGE);
	in.area = code;
	in.year = (int)year;
	return run(argv[1], db, code, year, &in);
}
