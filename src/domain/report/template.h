/*
 * template.h — the report template language and the resolved document it renders to.
 *
 * A template is UTF-8 narrative text, Markdown-like, one block per line group:
 *     # 三台县2026年巩固拓展脱贫攻坚成果工作情况汇报          title (centred)
 *     ## 一、主要做法及成效                                     level-1 heading (黑体)
 *     ### （一）全覆盖排查监测                                  level-2 heading (楷体)
 *     集中力量对全县{{tuopin_households}}户……                    paragraph (lines up to a
 *                                                               blank line join into one)
 * with placeholders {{figure_name}} (name: [a-z0-9_], 1..63 bytes, spaces inside the braces
 * allowed). A single '{' or '}' is plain text; "{{" without "}}" on the same line, a stray
 * "}}", a bad name, an unknown figure, control characters, invalid UTF-8 and a text over
 * ZX_TPL_MAX_BYTES are errors whose Chinese message names the line ("第 3 行：…").
 *
 * Figures are looked up through a resolver (name → formatted text + label, definition,
 * source query, as-of date), so the template code knows nothing of how figures are computed;
 * report.c binds it to the figure registry (figures.h). The resolved document (zx_rdoc) is
 * what the writers take: markdown.h, docx.h, and the API's preview JSON.
 *
 * Memory: a zx_rdoc and every string in it live in one arena (zx_rdoc_free).
 */
#ifndef ZX_REPORT_TEMPLATE_H
#define ZX_REPORT_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/arena.h"
#include "base/error.h"

#define ZX_TPL_MAX_BYTES (64 * 1024)
#define ZX_TPL_NAME_MAX 63

/* One figure as a template sees it. Strings are owned by the resolver and must stay valid
 * until the parse returns (the parser copies them into the document). */
typedef struct zx_tpl_figure {
	const char *text;       /* as it appears in the sentence: "14439元", "16.6%", "318" */
	const char *label;      /* 脱贫户人均纯收入 */
	const char *unit;       /* 元 (may be "") */
	const char *definition; /* how it is counted, Chinese */
	const char *source;     /* the named query it comes from */
	const char *as_of;      /* "2026-11-23" — the date the data was read */
} zx_tpl_figure;

/* ZX_OK and *out filled, or ZX_ENOTFOUND for an unknown name; any other error stops the parse. */
typedef zx_err (*zx_tpl_resolve_fn)(void *ctx, const char *name, zx_tpl_figure *out);

typedef enum zx_rblock_kind { ZX_RB_TITLE = 1, ZX_RB_H1, ZX_RB_H2, ZX_RB_PARA } zx_rblock_kind;

typedef struct zx_rrun {
	const char *text;         /* literal text, or the figure's formatted value */
	const char *name;         /* NULL for literal text */
	const zx_tpl_figure *fig; /* NULL for literal text */
} zx_rrun;

typedef struct zx_rblock {
	zx_rblock_kind kind;
	int line; /* first line of the block in the template */
	zx_rrun *runs;
	size_t nruns;
} zx_rblock;

typedef struct zx_rdoc {
	zx_arena *arena;
	zx_rblock *blocks;
	size_t nblocks;
	/* Distinct figures used, in order of first use. */
	const char **fig_names;
	const zx_tpl_figure **figs;
	size_t nfigs;
} zx_rdoc;

/* Parses and resolves. resolve may be NULL: then placeholders are only checked for syntax and
 * render as their own name. */
zx_err zx_tpl_render(const char *text, size_t len, zx_tpl_resolve_fn resolve, void *ctx, zx_rdoc **out,
                     zx_errinfo *ei);
/* The same for a text whose first line is number first_line (< 1 for lines put in front of the
 * user's text, e.g. a title: their errors say "标题" and have row 0). */
zx_err zx_tpl_render_from(const char *text, size_t len, int first_line, zx_tpl_resolve_fn resolve, void *ctx,
                          zx_rdoc **out, zx_errinfo *ei);
void zx_rdoc_free(zx_rdoc *d);

/* Every placeholder name in a template, in order (duplicates included); syntax errors as for
 * zx_tpl_render. fn returns false to stop. */
typedef bool (*zx_tpl_name_fn)(void *ctx, const char *name, int line);
zx_err zx_tpl_scan(const char *text, size_t len, zx_tpl_name_fn fn, void *ctx, zx_errinfo *ei);

/* The plain text of a block (runs concatenated) in the document's arena; "" on failure. */
const char *zx_rblock_text(const zx_rdoc *d, const zx_rblock *b);

#endif
