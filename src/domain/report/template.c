/*
 * template.c — parses the report template language (template.h) into a resolved document.
 *
 * One pass over the lines: a heading line is a block of its own, consecutive text lines join
 * into one paragraph (Chinese text joins without a space), a blank line ends a paragraph.
 * Placeholders are resolved once per distinct name; the figure's strings are copied into the
 * document's arena so the document outlives the resolver.
 *
 * Invariants: every byte of the input is checked before it is used (UTF-8, control
 * characters, size cap); every error names its 1-based line; literal runs of a block are
 * merged, so a block alternates literal and figure runs and never holds an empty literal.
 */
#include "domain/report/template.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/charset.h"

#define ARENA_MAX (32u * 1024 * 1024)

/* Where an error is, for its message and its zx_errinfo: lines from 1 are the body's; the lines
 * before (a title put in front by zx_tpl_render_from) are the title's. */
#define FIELD(l) ((l) > 0 ? "正文" : "标题")
#define ROW(l) ((l) > 0 ? (long)(l) : 0L)
#define AT(l) line_name((char[32]){0}, (l))

static const char *line_name(char *buf, int line)
{
	if (line > 0)
		snprintf(buf, 32, "第 %d 行", line);
	else
		snprintf(buf, 32, "标题");
	return buf;
}

typedef struct parser {
	zx_rdoc *doc;
	zx_tpl_resolve_fn resolve;
	void *ctx;
	zx_tpl_name_fn scan_fn; /* zx_tpl_scan: called for each name instead of resolving */
	void *scan_ctx;
	bool stopped;
	zx_errinfo *ei;
	int line_base; /* the number of the text's first line */
	/* the block being built */
	zx_rblock_kind kind;
	int first_line;
	zx_rrun *runs;
	size_t nruns, cap_runs;
	zx_buf lit;
	size_t cap_blocks, cap_figs;
} parser;

static zx_err oom(parser *p)
{
	return zx_fail(p->ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足，无法生成汇报");
}

static zx_err grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return ZX_OK;
	size_t n = *cap ? *cap * 2 : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*arr, n * elem);
	if (!q)
		return ZX_ENOMEM;
	*arr = q;
	*cap = n;
	return ZX_OK;
}

static zx_err push_run(parser *p, const char *text, const char *name, const zx_tpl_figure *fig)
{
	if (grow((void **)&p->runs, &p->cap_runs, p->nruns + 1, sizeof(zx_rrun)))
		return oom(p);
	p->runs[p->nruns++] = (zx_rrun){.text = text, .name = name, .fig = fig};
	return ZX_OK;
}

static zx_err flush_literal(parser *p)
{
	if (p->lit.len == 0)
		return ZX_OK;
	char *s = zx_arena_strndup(p->doc->arena, p->lit.data, p->lit.len);
	zx_buf_reset(&p->lit);
	return s ? push_run(p, s, NULL, NULL) : oom(p);
}

/* Ends the block being built (nothing happens when it is empty). */
static zx_err end_block(parser *p)
{
	zx_err e = flush_literal(p);
	if (e || p->nruns == 0 || p->scan_fn) {
		p->nruns = 0;
		p->kind = 0;
		return e;
	}
	zx_rdoc *d = p->doc;
	if (grow((void **)&d->blocks, &p->cap_blocks, d->nblocks + 1, sizeof(zx_rblock)))
		return oom(p);
	zx_rrun *runs = zx_arena_alloc(d->arena, p->nruns * sizeof(zx_rrun));
	if (!runs)
		return oom(p);
	memcpy(runs, p->runs, p->nruns * sizeof(zx_rrun));
	d->blocks[d->nblocks++] =
	    (zx_rblock){.kind = p->kind, .line = p->first_line, .runs = runs, .nruns = p->nruns};
	p->nruns = 0;
	p->kind = 0;
	return ZX_OK;
}

static char *arena_copy(zx_arena *a, const char *s)
{
	return zx_arena_strdup(a, s ? s : "");
}

/* The document's copy of a figure, resolved on first use. */
static zx_err figure(parser *p, const char *name, int line, const zx_tpl_figure **out, const char **name_out)
{
	zx_rdoc *d = p->doc;
	for (size_t i = 0; i < d->nfigs; i++)
		if (strcmp(d->fig_names[i], name) == 0) {
			*out = d->figs[i];
			*name_out = d->fig_names[i];
			return ZX_OK;
		}
	zx_tpl_figure f = {0};
	zx_err e = p->resolve ? p->resolve(p->ctx, name, &f) : ZX_OK;
	if (e == ZX_ENOTFOUND)
		return zx_fail(p->ei, ZX_EVALIDATION, "unknown_figure", FIELD(line), ROW(line),
		               "%s：未知的数据项 {{%s}}，请从“插入数据项”中选择", AT(line), name);
	if (e)
		return zx_fail(p->ei, e, "figure_failed", FIELD(line), ROW(line),
		               "%s：数据项 {{%s}} 计算失败", AT(line), name);
	zx_tpl_figure *copy = zx_arena_alloc(d->arena, sizeof(*copy));
	char *nm = zx_arena_strdup(d->arena, name);
	if (!copy || !nm)
		return oom(p);
	copy->text = arena_copy(d->arena, p->resolve ? f.text : name);
	copy->label = arena_copy(d->arena, f.label);
	copy->unit = arena_copy(d->arena, f.unit);
	copy->definition = arena_copy(d->arena, f.definition);
	copy->source = arena_copy(d->arena, f.source);
	copy->as_of = arena_copy(d->arena, f.as_of);
	if (!copy->text || !copy->label || !copy->unit || !copy->definition || !copy->source || !copy->as_of)
		return oom(p);
	if (grow((void **)&d->fig_names, &p->cap_figs, d->nfigs + 1, sizeof(char *)))
		return oom(p);
	size_t cap = p->cap_figs;
	void *q = realloc((void *)d->figs, cap * sizeof(*d->figs));
	if (!q)
		return oom(p);
	d->figs = q;
	d->fig_names[d->nfigs] = nm;
	d->figs[d->nfigs++] = copy;
	*out = copy;
	*name_out = nm;
	return ZX_OK;
}

static bool name_char(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_';
}

/* One placeholder body s[0..n) (between the braces). */
static zx_err placeholder(parser *p, const char *s, size_t n, int line)
{
	while (n > 0 && *s == ' ')
		s++, n--;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 0)
		return zx_fail(p->ei, ZX_EVALIDATION, "template_syntax", FIELD(line), ROW(line),
		               "%s：占位符 {{}} 中缺少数据项名称", AT(line));
	bool ok = n <= ZX_TPL_NAME_MAX;
	for (size_t i = 0; ok && i < n; i++)
		ok = name_char(s[i]);
	if (!ok)
		return zx_fail(p->ei, ZX_EVALIDATION, "template_syntax", FIELD(line), ROW(line),
		               "%s：数据项名称“%.*s”无效（只能由小写字母、数字和下划线组成，最长 %d 个字符）",
		               AT(line), (int)(n > 80 ? 80 : n), s, ZX_TPL_NAME_MAX);
	char name[ZX_TPL_NAME_MAX + 1];
	memcpy(name, s, n);
	name[n] = '\0';
	if (p->scan_fn) {
		p->stopped = !p->scan_fn(p->scan_ctx, name, line);
		return ZX_OK;
	}
	const zx_tpl_figure *f = NULL;
	const char *nm = NULL;
	zx_err e = flush_literal(p);
	if (!e)
		e = figure(p, name, line, &f, &nm);
	if (!e)
		e = push_run(p, f->text, nm, f);
	return e;
}

/* The first "cc" in s[0..n), or NULL. */
static const char *find2(const char *s, size_t n, char c)
{
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == c && s[i + 1] == c)
			return s + i;
	return NULL;
}

/* The inline content of one line: literal text and placeholders. */
static zx_err inline_text(parser *p, const char *s, size_t n, int line)
{
	size_t i = 0;
	while (i < n && !p->stopped) {
		const char *open = find2(s + i, n - i, '{');
		const char *close = find2(s + i, n - i, '}');
		if (close && (!open || close < open))
			return zx_fail(p->ei, ZX_EVALIDATION, "template_syntax", FIELD(line), ROW(line),
			               "%s：多余的“}}”（缺少对应的“{{”）", AT(line));
		size_t lit_end = open ? (size_t)(open - s) : n;
		if (lit_end > i && zx_buf_add(&p->lit, s + i, lit_end - i))
			return oom(p);
		if (!open)
			break;
		size_t body = lit_end + 2;
		const char *end = find2(s + body, n - body, '}');
		if (!end)
			return zx_fail(p->ei, ZX_EVALIDATION, "template_syntax", FIELD(line), ROW(line),
			               "%s：占位符“{{”没有闭合（缺少“}}”）", AT(line));
		zx_err e = placeholder(p, s + body, (size_t)(end - (s + body)), line);
		if (e)
			return e;
		i = (size_t)(end - s) + 2;
	}
	return ZX_OK;
}

/* Control characters other than tab would make invalid XML and invisible text. */
static zx_err check_line(parser *p, const char *s, size_t n, int line)
{
	if (!zx_utf8_valid(s, n, NULL))
		return zx_fail(p->ei, ZX_EVALIDATION, "invalid_text", FIELD(line), ROW(line),
		               "%s：含有无效的字符编码（应为 UTF-8）", AT(line));
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return zx_fail(p->ei, ZX_EVALIDATION, "invalid_text", FIELD(line), ROW(line),
			               "%s：含有不可见的控制字符", AT(line));
		/* U+FFFE / U+FFFF are not characters (and not allowed in XML). */
		if (ch == 0xef && i + 2 < n && (unsigned char)s[i + 1] == 0xbf &&
		    ((unsigned char)s[i + 2] == 0xbe || (unsigned char)s[i + 2] == 0xbf))
			return zx_fail(p->ei, ZX_EVALIDATION, "invalid_text", FIELD(line), ROW(line),
			               "%s：含有无效的字符", AT(line));
	}
	return ZX_OK;
}

/* Skips ASCII blanks and the ideographic space U+3000 at the start of a line. */
static size_t skip_blanks(const char *s, size_t n)
{
	size_t i = 0;
	for (;;) {
		if (i < n && (s[i] == ' ' || s[i] == '\t'))
			i++;
		else if (i + 3 <= n && memcmp(s + i, "\xe3\x80\x80", 3) == 0)
			i += 3;
		else
			return i;
	}
}

static zx_err one_line(parser *p, const char *s, size_t n, int line)
{
	zx_err e = check_line(p, s, n, line);
	if (e)
		return e;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	size_t lead = skip_blanks(s, n);
	if (lead == n)
		return end_block(p); /* blank line */
	size_t hashes = 0;
	while (hashes < n && hashes < 4 && s[hashes] == '#')
		hashes++;
	if (hashes >= 1 && hashes <= 3 && hashes < n && s[hashes] == ' ') {
		if ((e = end_block(p)))
			return e;
		p->kind = hashes == 1 ? ZX_RB_TITLE : hashes == 2 ? ZX_RB_H1 : ZX_RB_H2;
		p->first_line = line;
		size_t b = hashes + skip_blanks(s + hashes, n - hashes);
		if ((e = inline_text(p, s + b, n - b, line)))
			return e;
		return end_block(p);
	}
	if (!p->kind) {
		p->kind = ZX_RB_PARA;
		p->first_line = line;
	}
	return inline_text(p, s + lead, n - lead, line);
}

static zx_err run(parser *p, const char *text, size_t len)
{
	if (len > ZX_TPL_MAX_BYTES)
		return zx_fail(p->ei, ZX_ETOOBIG, "template_too_big", "正文", 0,
		               "汇报正文过长（%zu 字节，上限 %d KB）", len, ZX_TPL_MAX_BYTES / 1024);
	zx_buf_init(&p->lit, ZX_TPL_MAX_BYTES);
	size_t i = 0;
	int line = p->line_base - 1;
	zx_err e = ZX_OK;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3; /* a BOM from a pasted file */
	while (!e && i < len && !p->stopped) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t n = end - i;
		if (n > 0 && text[i + n - 1] == '\r')
			n--;
		e = one_line(p, text + i, n, ++line);
		i = end + 1;
	}
	if (!e)
		e = end_block(p);
	zx_buf_release(&p->lit);
	free(p->runs);
	return e;
}

zx_err zx_tpl_render(const char *text, size_t len, zx_tpl_resolve_fn resolve, void *ctx, zx_rdoc **out,
                     zx_errinfo *ei)
{
	return zx_tpl_render_from(text, len, 1, resolve, ctx, out, ei);
}

zx_err zx_tpl_render_from(const char *text, size_t len, int first_line, zx_tpl_resolve_fn resolve, void *ctx,
                          zx_rdoc **out, zx_errinfo *ei)
{
	*out = NULL;
	zx_rdoc *d = calloc(1, sizeof(*d));
	if (!d || !(d->arena = zx_arena_new(ARENA_MAX))) {
		free(d);
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足，无法生成汇报");
	}
	parser p = {.doc = d, .resolve = resolve, .ctx = ctx, .ei = ei, .line_base = first_line};
	zx_err e = run(&p, text ? text : "", text ? len : 0);
	if (e) {
		zx_rdoc_free(d);
		return e;
	}
	*out = d;
	return ZX_OK;
}

zx_err zx_tpl_scan(const char *text, size_t len, zx_tpl_name_fn fn, void *ctx, zx_errinfo *ei)
{
	zx_rdoc d = {.arena = zx_arena_new(1024 * 1024)};
	if (!d.arena)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	parser p = {.doc = &d, .scan_fn = fn, .scan_ctx = ctx, .ei = ei, .line_base = 1};
	zx_err e = run(&p, text ? text : "", text ? len : 0);
	zx_arena_free(d.arena);
	return e;
}

void zx_rdoc_free(zx_rdoc *d)
{
	if (!d)
		return;
	free(d->blocks);
	free((void *)d->fig_names);
	free((void *)d->figs);
	zx_arena_free(d->arena);
	free(d);
}

const char *zx_rblock_text(const zx_rdoc *d, const zx_rblock *b)
{
	size_t n = 0;
	for (size_t i = 0; i < b->nruns; i++)
		n += strlen(b->runs[i].text);
	char *s = zx_arena_alloc(d->arena, n + 1);
	if (!s)
		return "";
	size_t at = 0;
	for (size_t i = 0; i < b->nruns; i++) {
		size_t k = strlen(b->runs[i].text);
		memcpy(s + at, b->runs[i].text, k);
		at += k;
	}
	s[at] = '\0';
	return s;
}
