/*
 * indicator.c — `zhenxing indicator set|show`: targets of an area per indicator and period,
 * and every indicator's target, actual value and completion for an area (a table in
 * Chinese, or JSON). Completion is computed by the store from the ledgers; this file only
 * formats it (two decimals: 105.42%).
 */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/indicator/indicator.h"

#define USAGE                                                                                                \
	"zhenxing indicator set  --db FILE --area CODE --year Y --key K (--target N | --share PCT)\n"        \
	"                        [--period Y|H1|H2|Q1..Q4|M01..M12|YYYY-MM-DD]\n"                            \
	"       zhenxing indicator show --db FILE --area CODE --year Y [--period P] [--as-of YYYY-MM-DD]\n"  \
	"                        [--format text|json]"

typedef struct show_ctx {
	bool json;
	json_t *items;
	int n;
} show_ctx;

static bool show_row(void *ctx, const zx_ind_status *s)
{
	show_ctx *k = ctx;
	const zx_indicator *d = s->ind;
	char t[48] = "—", v[48] = "—", p[32] = "—";
	if (s->has_target)
		zx_ind_value_format(d->unit, s->target, t, sizeof(t));
	if (s->has_actual)
		zx_ind_value_format(d->unit, s->actual, v, sizeof(v));
	if (s->has_completion)
		zx_ind_pct_format(s->completion, p, sizeof(p));
	k->n++;
	if (k->json) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:b}", "key", d->key, "name", d->name, "unit",
		                      d->unit, "weight", d->weight, "higher_better", d->higher_better);
		json_object_set_new(o, "target", s->has_target ? json_string(t) : json_null());
		json_object_set_new(o, "actual", s->has_actual ? json_string(v) : json_null());
		json_object_set_new(o, "completion_pct", s->has_completion ? json_string(p) : json_null());
		json_object_set_new(o, "share_pct", json_null());
		if (s->share_bp) {
			char sh[16];
			zx_ind_value_format("%", s->share_bp, sh, sizeof(sh));
			json_object_set_new(o, "share_pct", json_string(sh));
		}
		json_array_append_new(k->items, o);
	} else {
		char tu[64], vu[64];
		snprintf(tu, sizeof(tu), "%s%s", t, s->has_target ? d->unit : "");
		snprintf(vu, sizeof(vu), "%s%s", v, s->has_actual ? d->unit : "");
		printf("%s\t%s\t%s\t%s%s\n", d->name, tu, vu, p, s->has_completion ? "%" : "");
	}
	return true;
}

static int run(const char *sub, const char *db, const zx_target_input *in, const char *as_of, bool json)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_period p;
	if (!e && !zx_period_parse(in->year, in->period, &p))
		e = zx_fail(&ei, ZX_EVALIDATION, "invalid_period", "period", 0,
		            "考核期应为 Y、H1、H2、Q1–Q4、M01–M12 或 %d 年内的日期", in->year);
	if (!e && strcmp(sub, "set") == 0) {
		zx_indicator d;
		e = zx_target_set(c, &cli, in, &ei);
		if (!e)
			e = zx_indicator_find(c, in->key, &d, &ei);
		if (!e && in->value && *in->value) {
			int64_t v = 0;
			char txt[48];
			zx_ind_value_parse(d.unit, in->value, &v);
			zx_ind_value_format(d.unit, v, txt, sizeof(txt));
			printf("已设置目标：%s %s %s %s%s\n", in->area, p.label, d.name, txt, d.unit);
		} else if (!e) {
			printf("已设置目标：%s %s %s 为年度目标的 %s%%\n", in->area, p.label, d.name,
			       in->share);
		}
	} else if (!e) {
		e = zx_period_cut(&p, as_of, &ei);
		show_ctx k = {.json = json, .items = json ? json_array() : NULL};
		if (!e && !json)
			printf("%s %s（%s 至 %s）\n指标\t目标\t完成\t完成率\n", in->area, p.label, p.start,
			       p.end);
		if (!e)
			e = zx_indicator_status(c, &cli, in->area, &p, show_row, &k, &ei);
		if (!e && json) {
			json_t *o = json_pack("{s:s,s:i,s:s,s:s,s:s,s:s,s:o}", "area", in->area, "year",
			                      p.year, "period", p.code, "label", p.label, "start", p.start,
			                      "end", p.end, "indicators", k.items);
			k.items = NULL;
			char *s = json_dumps(o, JSON_INDENT(2));
			json_decref(o);
			if (s)
				printf("%s\n", s);
			free(s);
		}
		json_decref(k.items);
	}
	zx_store_release(st, c);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}

int cmd_indicator(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "set") != 0 && strcmp(argv[1], "show") != 0))
		return cli_usage(USAGE);
	const char *db = NULL, *area = NULL, *format = "text", *as_of = "";
	zx_target_input in = {.period = "Y"};
	long year = 0;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},     {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'},   {"key", required_argument, 0, 'k'},
	    {"target", required_argument, 0, 't'}, {"share", required_argument, 0, 's'},
	    {"period", required_argument, 0, 'p'}, {"as-of", required_argument, 0, 'o'},
	    {"format", required_argument, 0, 'f'}, {0, 0, 0, 0},
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
			ok = !*end && year > 0 && year < 10000;
			break;
		case 'k':
			in.key = optarg;
			break;
		case 't':
			in.value = optarg;
			break;
		case 's':
			in.share = optarg;
			break;
		case 'p':
			in.period = optarg;
			break;
		case 'o':
			as_of = optarg;
			break;
		case 'f':
			format = optarg;
			ok = strcmp(format, "text") == 0 || strcmp(format, "json") == 0;
			break;
		default:
			ok = false;
		}
	}
	char code[13];
	bool set = strcmp(argv[1], "set") == 0;
	if (!ok || !db || !area || year <= 0 || optind != argc ||
	    !cli_area_code(area, CLI_DIGITS(6) | CLI_DIGITS(9) | CLI_DIGITS(12), code) ||
	    (set && (!in.key || (!in.value == !in.share))))
		return cli_usage(USAGE);
	in.area = code;
	in.year = (int)year;
	return run(argv[1], db, &in, as_of, strcmp(format, "json") == 0);
}
