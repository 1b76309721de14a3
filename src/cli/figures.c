/*
 * figures.c — `zhenxing figures`: the figure registry at the command line.
 *
 *   zhenxing figures list
 *       every named figure as a Markdown table row (name, label, unit, decimals, source,
 *       definition) — the table of docs/figures.md is this output;
 *   zhenxing figures show --db FILE --area CODE --year Y [--format text|json]
 *       every figure computed for the area and year (the numbers of the dashboard and the
 *       report), as "name<TAB>text<TAB>label" lines or one JSON object {name: text}.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "domain/auth/actor.h"
#include "domain/report/figures.h"

#define USAGE                                                                                                \
	"zhenxing figures list\n"                                                                            \
	"       zhenxing figures show --db FILE --area CODE --year Y [--format text|json]"

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static int list(void)
{
	for (int i = 0, n = zx_figures_count(); i < n; i++) {
		const zx_figure_def *d = zx_figure_def_at(i);
		printf("| `%s` | %s | %s | %d | `%s` | %s |\n", d->name, d->label, d->unit, d->precision,
		       d->source, d->definition);
	}
	return CLI_OK;
}

static int show(int argc, char **argv)
{
	const char *db = NULL, *area = NULL, *format = "text";
	long year = 0;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'},
	    {"format", required_argument, 0, 'f'},
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
		default:
			return cli_usage(USAGE);
		}
	}
	char code[13];
	bool json = strcmp(format, "json") == 0;
	if (!db || !area || !year || optind != argc ||
	    !cli_area_code(area, CLI_DIGITS(6) | CLI_DIGITS(9) | CLI_DIGITS(12), code) ||
	    (!json && strcmp(format, "text") != 0))
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	if (!e && zx_store_schema_version(c) < zx_store_latest_version(zx_store_backend(st)))
		e = zx_fail(&ei, ZX_EVALIDATION, "schema_old", "--db", 0,
		            "数据库结构版本过旧，请先运行 zhenxing migrate --db %s", db);
	zx_actor cli;
	zx_actor_cli(&cli);
	zx_fig_ctx x;
	bool have_ctx = false;
	zx_figure *f = NULL;
	int n = zx_figures_count();
	if (!e && !(e = zx_fig_ctx_init(&x, c, &cli, code, (int)year, &ei))) {
		have_ctx = true;
		f = calloc((size_t)n, sizeof(*f));
		e = f ? zx_figures_all(&x, f) : ZX_ENOMEM;
	}
	if (!e) {
		if (json)
			putchar('{');
		for (int i = 0; i < n; i++) {
			if (json) {
				if (i)
					putchar(',');
				json_str(f[i].def->name);
				putchar(':');
				json_str(f[i].text);
			} else {
				printf("%s\t%s\t%s\n", f[i].def->name, f[i].text, f[i].def->label);
			}
		}
		if (json)
			puts("}");
	}
	free(f);
	if (have_ctx)
		zx_fig_ctx_done(&x);
	if (c)
		zx_store_release(st, c);
	if (st)
		zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}

int cmd_figures(int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "list") == 0 && argc == 2)
		return list();
	if (argc >= 2 && strcmp(argv[1], "show") == 0)
		return show(argc - 1, argv + 1);
	return cli_usage(USAGE);
}
