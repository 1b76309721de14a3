/*
 * report.c — `zhenxing report`: the 工作汇报 of an area and year rendered from the default
 * template (or a template file) with the figures computed from the database, written as a
 * 公文-format DOCX or as Markdown.
 *
 * The output file appears complete or not at all: it is written beside OUT under a
 * temporary name and renamed over OUT — unless OUT exists and is not a regular file (a
 * device such as /dev/null, a FIFO), which is written in place. "-o -" writes Markdown to
 * stdout.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "cli/cli.h"
#include "domain/auth/actor.h"
#include "domain/report/docx.h"
#include "domain/report/markdown.h"
#include "domain/report/report.h"

#define USAGE "zhenxing report --db FILE --area CODE --year Y [--format docx|md] [--template FILE.md] -o OUT"
#define OUT_MAX (64u * 1024 * 1024)

static zx_err read_template(const char *path, zx_buf *out, zx_errinfo *ei)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return zx_fail(ei, ZX_EINVAL, "template_unreadable", "--template", 0,
		               "无法读取模板文件 %s：%s", path, strerror(errno));
	char chunk[8192];
	size_t n;
	zx_err e = ZX_OK;
	while (!e && (n = fread(chunk, 1, sizeof chunk, f)) > 0)
		e = zx_buf_add(out, chunk, n);
	fclose(f);
	if (e)
		return zx_fail(ei, ZX_ETOOBIG, "template_too_big", "--template", 0,
		               "模板文件过大（上限 %d KB）", ZX_TPL_MAX_BYTES / 1024);
	return ZX_OK;
}

static zx_err write_in_place(const char *path, const zx_buf *b, zx_errinfo *ei)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "无法写入 %s：%s", path, strerror(errno));
	bool ok = fwrite(b->data, 1, b->len, f) == b->len;
	ok = fclose(f) == 0 && ok;
	return ok ? ZX_OK
	          : zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "写入 %s 失败：%s", path, strerror(errno));
}

static zx_err write_out(const char *path, const zx_buf *b, zx_errinfo *ei)
{
	if (strcmp(path, "-") == 0) {
		if (fwrite(b->data, 1, b->len, stdout) != b->len || fflush(stdout) != 0)
			return zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "写入标准输出失败");
		return ZX_OK;
	}
	/* A device or a pipe (/dev/null, a FIFO) is written in place: never renamed over. */
	struct stat sb;
	if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))
		return write_in_place(path, b, ei);
	size_t n = strlen(path) + 16;
	char *tmp = malloc(n);
	if (!tmp)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	snprintf(tmp, n, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd >= 0) { /* mkstemp makes 0600; a report is an ordinary file (umask applies) */
		mode_t um = umask(0);
		umask(um);
		fchmod(fd, 0666 & ~um);
	}
	zx_err e = ZX_OK;
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
	if (!f) {
		e = zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "无法创建输出文件 %s：%s", path,
		            strerror(errno));
		if (fd >= 0)
			close(fd);
	} else {
		bool ok = fwrite(b->data, 1, b->len, f) == b->len;
		ok = fflush(f) == 0 && fsync(fileno(f)) == 0 && ok;
		ok = fclose(f) == 0 && ok;
		if (!ok || rename(tmp, path) != 0)
			e = zx_fail(ei, ZX_EIO, "write_failed", "-o", 0, "写入输出文件 %s 失败：%s", path,
			            strerror(errno));
	}
	if (e && fd >= 0)
		unlink(tmp);
	free(tmp);
	return e;
}

int cmd_report(int argc, char **argv)
{
	const char *db = NULL, *area = NULL, *format = "docx", *out = NULL, *tpl = NULL;
	long year = 0;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"area", required_argument, 0, 'a'},
	    {"year", required_argument, 0, 'y'},
	    {"format", required_argument, 0, 'f'},
	    {"template", required_argument, 0, 't'},
	    {"output", required_argument, 0, 'o'},
	    {0, 0, 0, 0},
	};
	int ch;
	char *end;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'y':
			year = strtol(optarg, &end, 10);
			if (*end || year < 1 || year > 9999)
				return cli_usage(USAGE);
			break;
		case 'f':
			format = optarg;
			break;
		case 't':
			tpl = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	bool docx = strcmp(format, "docx") == 0;
	char code[13];
	if (!db || !area || !year || !out || optind != argc ||
	    !cli_area_code(area, CLI_DIGITS(6) | CLI_DIGITS(9) | CLI_DIGITS(12), code) ||
	    (!docx && strcmp(format, "md") != 0) || (docx && strcmp(out, "-") == 0))
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_buf text = ZX_BUF_INIT(ZX_TPL_MAX_BYTES), result = ZX_BUF_INIT(OUT_MAX);
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_rdoc *doc = NULL;
	zx_err e = tpl ? read_template(tpl, &text, &ei) : ZX_OK;
	if (!e)
		e = cli_open_store(db, false, 1, &st, &ei);
	if (!e && !(c = zx_store_acquire(st)))
		e = ZX_EDB;
	if (!e && zx_store_schema_version(c) < zx_store_latest_version(zx_store_backend(st)))
		e = zx_fail(&ei, ZX_EVALIDATION, "schema_old", "--db", 0,
		            "数据库结构版本过旧，请先运行 zhenxing migrate --db %s", db);
	zx_actor cli;
	zx_actor_cli(&cli);
	if (!e && tpl)
		e = zx_report_render(c, &cli, code, (int)year, NULL, zx_buf_str(&text), &doc, &ei);
	else if (!e)
		e = zx_report_render_default(c, &cli, code, (int)year, &doc, &ei);
	if (!e && docx)
		e = zx_docx_write(doc, &(zx_docx_meta){.creator = "zhenxing"}, &result, &ei);
	else if (!e && (e = zx_md_write(doc, &result)))
		e = zx_fail(&ei, e, "report_too_big", NULL, 0, "汇报过大，无法生成");
	if (!e)
		e = write_out(out, &result, &ei);
	if (!e && strcmp(out, "-") != 0)
		fprintf(stderr, "已生成%s：%s（%zu 段，%zu 个数据项）\n", docx ? " DOCX" : " Markdown", out,
		        doc->nblocks, doc->nfigs);
	zx_rdoc_free(doc);
	zx_buf_release(&text);
	zx_buf_release(&result);
	if (c)
		zx_store_release(st, c);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
