/*
 * screen.c — `zhenxing screen`: runs the screening rules over an area and year and prints
 * the candidates by rule (text, CSV or the JSON contract below); --save also stores the
 * run like POST /api/v1/screenings does.
 *
 * JSON (stable; tests and scripts depend on it, one line):
 *   {"year":Y,"area":"CODE","policy_version":N,
 *    "candidates":[{"household":"户编号","rules":["income_below_line",…],"reasons":["…",…]}],
 *    "counts":{"rule_id":n,…},"missing_income":n}
 * Candidates stream out as the query yields them, so memory stays flat for a county.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth/actor.h"
#include "domain/monitoring/screening.h"

#define USAGE "zhenxing screen --db FILE --area CODE --year Y [--format text|csv|json] [--save]"

enum { FMT_TEXT, FMT_CSV, FMT_JSON };

typedef struct out_ctx {
	int format;
	const zx_screen_result *res;
	bool header_done;
	long n;
} out_ctx;

static void csv_field(const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (; *s; s++) {
		if (*s == '"')
			putchar('"');
		putchar(*s);
	}
	putchar('"');
}

/* A JSON string (UTF-8 passes through; quotes, backslashes and control bytes escaped).
 * Written by hand: the candidates of a county are 10^5 objects, and this is the hot path. */
static void json_str(const char *s)
{
	putchar('"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\') {
			putchar('\\');
			putchar(*p);
		} else if (*p < 0x20) {
			printf("\\u%04x", *p);
		} else {
			putchar(*p);
		}
	}
	putchar('"');
}

static void header(out_ctx *o)
{
	const zx_screen_result *r = o->res;
	o->header_done = true;
	if (o->format == FMT_JSON) {
		printf("{\"year\":%d,\"area\":\"%s\",\"policy_version\":%d,\"candidates\":[", r->year,
		       r->area, r->policy.version);
	} else if (o->format == FMT_CSV) {
		printf("户编号,行政区划代码,规则,原因,突发事件\n");
	} else {
		printf("%d年 %s（%s）防返贫监测排查  政策参数：%s %d年 第%d版\n", r->year, r->area_name,
		       r->area, r->policy.area_name, r->policy.year, r->policy.version);
	}
}

static bool print_candidate(void *ctx, const zx_screen_candidate *c)
{
	out_ctx *o = ctx;
	if (!o->header_done)
		header(o);
	if (o->format == FMT_JSON) {
		fputs(o->n ? ",{\"household\":" : "{\"household\":", stdout);
		json_str(c->hh_no);
		fputs(",\"rules\":[", stdout);
		for (int i = 0; i < c->nrules; i++) {
			if (i)
				putchar(',');
			json_str(c->rule_ids[i]);
		}
		fputs("],\"reasons\":[", stdout);
		for (int i = 0; i < c->nrules; i++) {
			if (i)
				putchar(',');
			json_str(c->reasons[i]);
		}
		fputs("]}", stdout);
	} else if (o->format == FMT_CSV) {
		csv_field(c->hh_no);
		printf(",%s,", c->area_code);
		for (int i = 0; i < c->nrules; i++)
			printf("%s%s", i ? ";" : "", c->rule_ids[i]);
		putchar(',');
		char reasons[4096] = "";
		for (int i = 0; i < c->nrules; i++) {
			size_t n = strlen(reasons);
			snprintf(reasons + n, sizeof(reasons) - n, "%s%s", i ? "；" : "", c->reasons[i]);
		}
		csv_field(reasons);
		putchar(',');
		csv_field(c->events);
		putchar('\n');
	} else {
		printf("%s", c->hh_no);
		for (int i = 0; i < c->nrules; i++)
			printf("%s%s", i ? "；" : "  ", c->reasons[i]);
		if (*c->events)
			printf("  [突发事件：%s]", c->events);
		putchar('\n');
	}
	o->n++;
	return true;
}

static void footer(out_ctx *o)
{
	const zx_screen_result *r = o->res;
	if (!o->header_done)
		header(o);
	if (o->format == FMT_JSON) {
		char *counts = zx_screen_counts_json(r);
		printf("],\"counts\":%s,\"missing_income\":%lld}\n", counts ? counts : "{}",
		       (long long)r->missing_income);
		free(counts);
	} else if (o->format == FMT_TEXT) {
		printf(
		    "\n合计：参与排查 %lld 户，疑似对象 %lld 户，未采集%d年收入 %lld 户（不计入疑似对象）\n",
		    (long long)r->screened, (long long)r->candidates, r->year, (long long)r->missing_income);
		for (int i = 0; i < r->nrules; i++)
			if (r->rules[i].enabled)
				printf("  %-22s %8lld 户  %s\n", r->rules[i].id, (long long)r->counts[i],
				       r->rules[i].name);
		if (r->screening_id)
			printf("已保存排查结果，编号 %lld\n", (long long)r->screening_id);
	}
}

int cmd_screen(int argc, char **argv)
{
	const char *db = NULL, *area = NULL, *format = "text";
	long year = 0;
	bool save = false;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},   {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'}, {"format", required_argument, 0, 'f'},
	    {"save", no_argument, 0, 's'},       {0, 0, 0, 0},
	};
	int ch;
	char *end;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'y':
			year = strtol(optarg, &end, 10);
			if (*end)
				return cli_usage(USAGE);
			break;
		case 'f':
			format = optarg;
			break;
		case 's':
			save = true;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	char code[13];
	out_ctx o = {0};
	o.format = strcmp(format, "json") == 0 ? FMT_JSON : strcmp(format, "csv") == 0 ? FMT_CSV : FMT_TEXT;
	if (!db || !area || !year || optind != argc ||
	    !cli_area_code(area, CLI_DIGITS(2) | CLI_DIGITS(6) | CLI_DIGITS(9) | CLI_DIGITS(12), code) ||
	    (o.format == FMT_TEXT && strcmp(format, "text") != 0))
		return cli_usage(USAGE);
	static char obuf[1 << 16];
	setvbuf(stdout, obuf, _IOFBF, sizeof(obuf));
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_screen_result res;
	o.res = &res;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	if (!e && zx_store_schema_version(c) < zx_store_latest_version(zx_store_backend(st)))
		e = zx_fail(&ei, ZX_EVALIDATION, "schema_old", "--db", 0,
		            "数据库结构版本过旧，请先运行 zhenxing migrate --db %s", db);
	zx_actor cli;
	zx_actor_cli(&cli);
	if (!e && save) {
		/* Stored runs are listed by area; stream the stored result afterwards. */
		e = zx_screen_save(c, &cli, code, (int)year, &res, &ei);
		int64_t id = res.screening_id;
		if (!e)
			e = zx_screen_run(c, &cli, code, (int)year, print_candidate, &o, &res, &ei);
		res.screening_id = id;
	} else if (!e) {
		e = zx_screen_run(c, &cli, code, (int)year, print_candidate, &o, &res, &ei);
	}
	if (!e)
		footer(&o);
	fflush(stdout);
	zx_store_release(st, c);
	zx_store_close(st);
	if (e)
		return cli_fail(e, &ei);
	if (o.format != FMT_TEXT)
		fprintf(stderr, "排查完成：疑似对象 %lld 户，未采集收入 %lld 户\n", (long long)res.candidates,
		        (long long)res.missing_income);
	return CLI_OK;
}
