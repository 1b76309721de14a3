/*
 * report.h — the 工作汇报 (domain.md §7): drafts per area and year, and rendering them with
 * the figures of the registry (figures.h) through the template language (template.h).
 *
 * A draft is a title and a body in the template language; the document rendered is
 * "# <title>" followed by the body. Placeholders stay in the stored text, so every render
 * reads the data again. Besides the registry's figures a template may use the report's own:
 *   {{area_name}}  the area's name            {{year}}       the report year ("2026")
 *   {{area_scope}} 全县 / 全镇 / 全村          {{last_year}}  the year before
 *   {{report_date}} the day of rendering, "2026年11月23日"
 *
 * Rules: drafts are read by every role that sees the area's figures and written by county
 * and town admins and village clerks (and the CLI operator); a draft outside the actor's
 * area is ZX_ENOTFOUND. A save names the version it edited (ZX_ECONFLICT when someone saved
 * in between) and is refused with the template's own error (line named) when the text does
 * not parse or names an unknown figure. Every write runs in one transaction with its audit
 * row (report.create / report.update / report.delete).
 */
#ifndef ZX_REPORT_H
#define ZX_REPORT_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "domain/report/template.h"
#include "store/store.h"

#define ZX_REPORT_TITLE_MAX 300 /* bytes (100 Chinese characters) */

typedef struct zx_report_draft {
	int64_t id;
	char area_code[13];
	char area_name[128];
	int year;
	char title[ZX_REPORT_TITLE_MAX + 1];
	char *body; /* heap; zx_report_draft_release */
	int64_t version;
	char created_by[64];
	int64_t created_at;
	char updated_by[64];
	int64_t updated_at;
} zx_report_draft;

void zx_report_draft_release(zx_report_draft *d);

/* The embedded default template (a "# " title line, then the body). */
const char *zx_report_default_template(void);

/* True for the names the report provides itself (see above). */
bool zx_report_builtin(const char *name);

typedef bool (*zx_report_draft_fn)(void *ctx, const zx_report_draft *d); /* body is NULL */
/* Drafts in the actor's scope, newest year first; area "" and year 0 = any. */
zx_err zx_report_list(zx_conn *c, const zx_actor *a, const char *area, int year, zx_report_draft_fn fn,
                      void *ctx, zx_errinfo *ei);

/* A new draft from the default template; title NULL or "" = the default title. */
zx_err zx_report_create(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                        int64_t *id_out, zx_errinfo *ei);
zx_err zx_report_get(zx_conn *c, const zx_actor *a, int64_t id, zx_report_draft *out, zx_errinfo *ei);
zx_err zx_report_update(zx_conn *c, const zx_actor *a, int64_t id, int64_t version, const char *title,
                        const char *body, zx_errinfo *ei);
zx_err zx_report_delete(zx_conn *c, const zx_actor *a, int64_t id, zx_errinfo *ei);

/* Checks a title and body without computing anything: syntax, sizes and figure names. */
zx_err zx_report_check(const char *title, const char *body, zx_errinfo *ei);

/* Renders title + body for (area, year) with every figure computed in one read transaction.
 * title NULL: body is a whole template (its own "# " line). */
zx_err zx_report_render(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                        const char *body, zx_rdoc **out, zx_errinfo *ei);

/* The same for the editor's preview: a figure computed for the same area and year in the last
 * ZX_REPORT_PREVIEW_TTL seconds (by any render) is reused, its as_of the day it was computed. */
#define ZX_REPORT_PREVIEW_TTL 60
zx_err zx_report_preview(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                         const char *body, zx_rdoc **out, zx_errinfo *ei);

/* The default template rendered for (area, year): what `zhenxing report` writes. */
zx_err zx_report_render_default(zx_conn *c, const zx_actor *a, const char *area, int year, zx_rdoc **out,
                                zx_errinfo *ei);

/* May the actor write drafts at all (role)? */
bool zx_report_role_writes(zx_role r);

#endif
