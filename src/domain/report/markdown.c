/*
 * markdown.c — writes a resolved report as Markdown (markdown.h).
 *
 * Invariant: every block is separated by one blank line and every line the writer emits
 * belongs to exactly one block, so a paragraph can never turn into a heading: a paragraph
 * whose text begins with '#', '>', '-', '+', '*', '=' or a digit run followed by '.' gets a
 * backslash before that character.
 */
#include "domain/report/markdown.h"

#include <string.h>

static const char *prefix(zx_rblock_kind k)
{
	switch (k) {
	case ZX_RB_TITLE:
		return "# ";
	case ZX_RB_H1:
		return "## ";
	case ZX_RB_H2:
		return "### ";
	default:
		return "";
	}
}

static bool needs_escape(const char *s)
{
	if (strchr("#>-+*=|`~", *s) && *s)
		return true;
	size_t d = strspn(s, "0123456789");
	return d > 0 && (s[d] == '.' || s[d] == ')');
}

zx_err zx_md_write(const zx_rdoc *d, zx_buf *out)
{
	zx_err e = ZX_OK;
	for (size_t i = 0; !e && i < d->nblocks; i++) {
		const zx_rblock *b = &d->blocks[i];
		if (i > 0)
			e = zx_buf_adds(out, "\n");
		if (!e)
			e = zx_buf_adds(out, prefix(b->kind));
		if (!e && b->kind == ZX_RB_PARA && b->nruns > 0 && needs_escape(b->runs[0].text))
			e = zx_buf_addc(out, '\\');
		for (size_t r = 0; !e && r < b->nruns; r++)
			e = zx_buf_adds(out, b->runs[r].text);
		if (!e)
			e = zx_buf_adds(out, "\n");
	}
	return e;
}
