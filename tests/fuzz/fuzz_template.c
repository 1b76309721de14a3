/*
 * fuzz_template.c — libFuzzer target for the report template language and its writers:
 * zx_tpl_render() with a fixed resolver, then zx_md_write() and zx_docx_write() of every
 * document that parses, and zx_tpl_scan() of the same input.
 *
 * The resolver knows a handful of names (one of them yields markup and control bytes, one
 * invalid UTF-8, so the writers' escaping is exercised) and fails one with an error that is
 * not "unknown". Invariants checked: a failed parse fills a message and leaves no document;
 * a document's runs are never empty literals; the Markdown holds one line per block at
 * least; the DOCX is a zip archive.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/log.h"
#include "domain/report/docx.h"
#include "domain/report/markdown.h"
#include "domain/report/template.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	zx_log_set_level(ZX_LOG_ERROR);
	return 0;
}

static zx_err resolve(void *ctx, const char *name, zx_tpl_figure *out)
{
	(void)ctx;
	static const struct {
		const char *name, *text;
	} t[] = {
	    {"tuopin_households", "318户"},
	    {"tuopin_income_growth_pct", "16.6%"},
	    {"x", "<&>\"'\x01\x1f"},
	    {"bad_utf8", "\xff\xc3(\xed\xa0\x80"},
	    {"empty", ""},
	};
	if (strcmp(name, "fails") == 0)
		return ZX_EDB;
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strcmp(name, t[i].name) == 0) {
			*out = (zx_tpl_figure){.text = t[i].text, .label = "标签", .source = "q", .as_of = "2026-01-01"};
			return ZX_OK;
		}
	return ZX_ENOTFOUND;
}

static bool count_name(void *ctx, const char *name, int line)
{
	if (!name[0] || line <= 0)
		abort();
	++*(int *)ctx;
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	int names = 0;
	zx_err se = zx_tpl_scan(text, size, count_name, &names, &ei);
	if (se && !ei.message[0])
		abort();
	zx_rdoc *d = NULL;
	zx_errinfo_clear(&ei);
	zx_err e = zx_tpl_render(text, size, resolve, NULL, &d, &ei);
	if (e) {
		if (d || !ei.message[0])
			abort();
		return 0;
	}
	if (se) /* what renders must also scan */
		abort();
	for (size_t i = 0; i < d->nblocks; i++) {
		if (d->blocks[i].nruns == 0)
			abort();
		for (size_t r = 0; r < d->blocks[i].nruns; r++)
			if (!d->blocks[i].runs[r].name && !d->blocks[i].runs[r].text[0])
				abort();
	}
	zx_buf md = ZX_BUF_INIT(1u << 24), docx = ZX_BUF_INIT(1u << 24);
	if (zx_md_write(d, &md) != ZX_OK)
		abort();
	size_t lines = 0;
	for (size_t i = 0; i < md.len; i++)
		lines += md.data[i] == '\n';
	if (lines < d->nblocks)
		abort();
	if (zx_docx_write(d, NULL, &docx, &ei) != ZX_OK || docx.len < 4 || memcmp(docx.data, "PK\x03\x04", 4) != 0)
		abort();
	zx_buf_release(&md);
	zx_buf_release(&docx);
	zx_rdoc_free(d);
	return 0;
}
