/*
 * reports.c — 工作汇报 drafts over HTTP (domain/report/report.h):
 *
 *   GET    /api/v1/reports?area=&year=            drafts in the caller's area
 *   POST   /api/v1/reports                        {area, year, title?} → 201, from the default template
 *   GET    /api/v1/reports/{id}                   the draft (title, body with placeholders, version)
 *   PUT    /api/v1/reports/{id}                   {title, body, version} → 200 / 409 / 422
 *   DELETE /api/v1/reports/{id}
 *   GET    /api/v1/reports/{id}/preview           the saved draft rendered: blocks of runs, each
 *   POST   /api/v1/reports/{id}/preview           figure with its name; figures with label,
 *                                                 definition, source query and as-of date
 *                                                 (POST: the unsaved {title, body}, nothing stored;
 *                                                 figures up to a minute old are reused)
 *   GET    /api/v1/reports/{id}/figures           every figure of the registry for the draft's
 *                                                 area and year (the insert-figure picker)
 *   GET    /api/v1/reports/{id}/download?format=docx|md
 *
 * A draft outside the caller's area is 404. Downloads are named after the title
 * (Content-Disposition filename* per RFC 5987, an ASCII fallback beside it).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api/internal.h"
#include "domain/report/docx.h"
#include "domain/report/figures.h"
#include "domain/report/markdown.h"
#include "domain/report/report.h"

static json_t *draft_json(const zx_report_draft *d, bool with_body)
{
	json_t *o =
	    json_pack("{s:I,s:s,s:s,s:i,s:s,s:I,s:s,s:s}", "id", (json_int_t)d->id, "area_code", d->area_code,
	              "area_name", d->area_name, "year", d->year, "title", d->title, "version",
	              (json_int_t)d->version, "created_by", d->created_by, "updated_by", d->updated_by);
	json_object_set_new(o, "created_at", api_time(d->created_at));
	json_object_set_new(o, "updated_at", api_time(d->updated_at));
	if (with_body)
		json_object_set_new(o, "body", json_string(d->body ? d->body : ""));
	return o;
}

static bool add_draft(void *ctx, const zx_report_draft *d)
{
	json_array_append_new(ctx, draft_json(d, false));
	return true;
}

/* {id}: digits only; anything else is a draft that does not exist. */
static bool path_id(api_call *c, int64_t *id)
{
	const char *s = zx_req_param(c->req, "id");
	size_t n = s ? strlen(s) : 0;
	bool ok = n > 0 && n <= 15 && strspn(s, "0123456789") == n;
	*id = ok ? strtoll(s, NULL, 10) : 0;
	if (!ok || *id <= 0) {
		api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "汇报不存在");
		return false;
	}
	return true;
}

static bool query_year(api_call *c, int *year)
{
	const char *s;
	if (!api_query_str(c, "year", 8, &s))
		return false;
	*year = 0;
	if (!*s)
		return true;
	if (strspn(s, "0123456789") != strlen(s) || strlen(s) != 4) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "year", "参数 year 应为四位年份");
		return false;
	}
	*year = (int)strtol(s, NULL, 10);
	return true;
}

static void reports_list(api_call *c)
{
	const char *area;
	int year;
	if (!api_query_str(c, "area", 12, &area) || !query_year(c, &year))
		return;
	json_t *items = json_array();
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_list(c->conn, c->actor, area, year, add_draft, items, &ei);
	if (e) {
		json_decref(items);
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200,
	         json_pack("{s:o,s:b}", "items", items, "may_create", zx_report_role_writes(c->actor->role)));
}

static void reply_draft(api_call *c, int status, int64_t id)
{
	zx_report_draft d;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_get(c->conn, c->actor, id, &d, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, status,
	         json_pack("{s:o,s:b}", "report", draft_json(&d, true), "may_edit",
	                   zx_report_role_writes(c->actor->role)));
	zx_report_draft_release(&d);
}

static void reports_create(api_call *c)
{
	const char *area, *title;
	json_t *jy = json_object_get(c->body, "year");
	if (!api_body_str(c, "area", 12, false, &area) ||
	    !api_body_str(c, "title", ZX_REPORT_TITLE_MAX, false, &title))
		return;
	if (!json_is_integer(jy)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "year", "请填写年度（整数）");
		return;
	}
	int64_t id = 0;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	json_int_t y = json_integer_value(jy);
	zx_err e = zx_report_create(c->conn, c->actor, area, y < 0 || y > 9999 ? 0 : (int)y, title, &id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_draft(c, 201, id);
}

static void report_get(api_call *c)
{
	int64_t id;
	if (path_id(c, &id))
		reply_draft(c, 200, id);
}

static void report_put(api_call *c)
{
	int64_t id;
	const char *title, *body;
	json_t *jv = json_object_get(c->body, "version");
	if (!path_id(c, &id) || !api_body_str(c, "title", ZX_REPORT_TITLE_MAX, true, &title) ||
	    !api_body_str(c, "body", ZX_TPL_MAX_BYTES, true, &body))
		return;
	if (!json_is_integer(jv)) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "version", "请提供所编辑的版本号 version");
		return;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_update(c->conn, c->actor, id, json_integer_value(jv), title, body, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	reply_draft(c, 200, id);
}

static void report_delete(api_call *c)
{
	int64_t id;
	if (!path_id(c, &id))
		return;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_delete(c->conn, c->actor, id, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:b}", "deleted", 1));
}

/* ---- rendering ------------------------------------------------------------------------------- */

static const char *kind_name(zx_rblock_kind k)
{
	return k == ZX_RB_TITLE ? "title" : k == ZX_RB_H1 ? "h1" : k == ZX_RB_H2 ? "h2" : "p";
}

static json_t *preview_json(const zx_rdoc *d)
{
	json_t *blocks = json_array(), *figs = json_object();
	for (size_t i = 0; i < d->nblocks; i++) {
		const zx_rblock *b = &d->blocks[i];
		json_t *runs = json_array();
		for (size_t r = 0; r < b->nruns; r++) {
			json_t *run = json_pack("{s:s}", "text", b->runs[r].text);
			if (b->runs[r].name)
				json_object_set_new(run, "figure", json_string(b->runs[r].name));
			json_array_append_new(runs, run);
		}
		json_array_append_new(blocks, json_pack("{s:s,s:i,s:o}", "kind", kind_name(b->kind), "line",
		                                        b->line, "runs", runs));
	}
	for (size_t i = 0; i < d->nfigs; i++) {
		const zx_tpl_figure *f = d->figs[i];
		json_object_set_new(figs, d->fig_names[i],
		                    json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "text", f->text, "label", f->label,
		                              "unit", f->unit, "definition", f->definition, "source",
		                              f->source, "as_of", f->as_of));
	}
	return json_pack("{s:o,s:o}", "blocks", blocks, "figures", figs);
}

/* Renders title + body for the draft's area and year; replies with the error itself. A preview
 * may reuse figures computed in the last minute (report.h); a download never does. */
static zx_rdoc *render(api_call *c, const zx_report_draft *d, const char *title, const char *body,
                       bool preview)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_rdoc *doc = NULL;
	zx_err e = zx_report_check(title, body, &ei);
	if (!e)
		e = (preview ? zx_report_preview : zx_report_render)(c->conn, c->actor, d->area_code, d->year,
		                                                     title, body, &doc, &ei);
	if (e)
		api_error(c, e, &ei);
	return doc;
}

static void preview(api_call *c, bool unsaved)
{
	int64_t id;
	const char *title = NULL, *body = NULL;
	if (!path_id(c, &id))
		return;
	if (unsaved && (!api_body_str(c, "title", ZX_REPORT_TITLE_MAX, true, &title) ||
	                !api_body_str(c, "body", ZX_TPL_MAX_BYTES, true, &body)))
		return;
	zx_report_draft d;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_get(c->conn, c->actor, id, &d, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	zx_rdoc *doc = render(c, &d, unsaved ? title : d.title, unsaved ? body : d.body, true);
	if (doc)
		api_json(c, 200, preview_json(doc));
	zx_rdoc_free(doc);
	zx_report_draft_release(&d);
}

static void report_preview_get(api_call *c)
{
	preview(c, false);
}

static void report_preview_post(api_call *c)
{
	preview(c, true);
}

static json_t *builtin_json(const char *name, const char *label, const char *def)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "name", name, "label", label, "unit", "", "definition",
	                 def, "source", "report", "group", "汇报");
}

static void report_figures(api_call *c)
{
	int64_t id;
	if (!path_id(c, &id))
		return;
	zx_report_draft d;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_get(c->conn, c->actor, id, &d, &ei);
	zx_report_draft_release(&d);
	zx_fig_ctx x;
	if (!e)
		e = zx_fig_ctx_init(&x, c->conn, c->actor, d.area_code, d.year, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	int n = zx_figures_count();
	zx_figure *figs = calloc((size_t)n, sizeof(*figs));
	e = figs ? zx_figures_all(&x, figs) : ZX_ENOMEM;
	zx_fig_ctx_done(&x);
	if (e) {
		free(figs);
		api_error(c, e, NULL);
		return;
	}
	json_t *items = json_array();
	json_array_append_new(items, builtin_json("area_name", "区域名称", "汇报所属的行政区划名称。"));
	json_array_append_new(items, builtin_json("year", "汇报年度", "汇报所属的年度。"));
	json_array_append_new(items, builtin_json("last_year", "上一年度", "汇报年度的上一年。"));
	json_array_append_new(items,
	                      builtin_json("area_scope", "区域范围", "按区划级别称“全县”“全镇”“全村”等。"));
	json_array_append_new(items, builtin_json("report_date", "成文日期", "生成汇报的日期。"));
	for (int i = 0; i < n; i++) {
		const zx_figure_def *f = figs[i].def;
		json_array_append_new(items,
		                      json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "name", f->name, "label",
		                                f->label, "unit", f->unit, "definition", f->definition,
		                                "source", f->source, "group", "数据", "text", figs[i].text));
	}
	free(figs);
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

/* RFC 5987 attr-char: everything else is percent-encoded. */
static char *encode_filename(zx_arena *a, const char *s)
{
	size_t n = strlen(s);
	char *out = zx_arena_alloc(a, n * 3 + 1);
	if (!out)
		return NULL;
	char *p = out;
	for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
		if ((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') ||
		    strchr("!#$&+-.^_`|~", *q))
			*p++ = (char)*q;
		else
			p += snprintf(p, 4, "%%%02X", *q);
	}
	*p = '\0';
	return out;
}

static void report_download(api_call *c)
{
	int64_t id;
	const char *format;
	if (!path_id(c, &id) || !api_query_str(c, "format", 8, &format))
		return;
	bool docx = !*format || strcmp(format, "docx") == 0;
	if (!docx && strcmp(format, "md") != 0) {
		api_error_msg(c, ZX_EINVAL, "invalid_parameter", "format", "下载格式应为 docx 或 md");
		return;
	}
	zx_report_draft d;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_report_get(c->conn, c->actor, id, &d, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	zx_rdoc *doc = render(c, &d, d.title, d.body, false);
	if (!doc) {
		zx_report_draft_release(&d);
		return;
	}
	zx_buf_reset(&c->resp->body);
	if (docx)
		e = zx_docx_write(doc, &(zx_docx_meta){.creator = c->actor->display_name}, &c->resp->body,
		                  &ei);
	else if ((e = zx_md_write(doc, &c->resp->body)))
		e = zx_fail(&ei, e, "report_too_big", NULL, 0, "汇报过大，无法生成");
	zx_rdoc_free(doc);
	if (e) {
		zx_report_draft_release(&d);
		zx_buf_reset(&c->resp->body);
		api_error(c, e, &ei);
		return;
	}
	const char *ext = docx ? "docx" : "md";
	char *name = encode_filename(c->req->arena, d.title);
	const char *disp =
	    name ? zx_arena_printf(c->req->arena,
	                           "attachment; filename=\"report-%lld.%s\"; filename*=UTF-8''%s.%s",
	                           (long long)id, ext, name, ext)
	         : NULL;
	zx_report_draft_release(&d);
	c->resp->status = 200;
	c->resp->content_type =
	    docx ? "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	         : "text/markdown; charset=utf-8";
	if (disp)
		zx_resp_header(c->resp, c->req, "Content-Disposition", disp);
}

const api_route api_report_routes[] = {
    {"GET", "/api/v1/reports", reports_list, API_PERSONAL},
    {"POST", "/api/v1/reports", reports_create, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/reports/{id}", report_get, API_PERSONAL},
    {"PUT", "/api/v1/reports/{id}", report_put, API_JSON | API_PERSONAL},
    {"DELETE", "/api/v1/reports/{id}", report_delete, API_PERSONAL},
    {"GET", "/api/v1/reports/{id}/preview", report_preview_get, API_PERSONAL},
    {"POST", "/api/v1/reports/{id}/preview", report_preview_post, API_JSON | API_PERSONAL},
    {"GET", "/api/v1/reports/{id}/figures", report_figures, API_PERSONAL},
    {"GET", "/api/v1/reports/{id}/download", report_download, API_PERSONAL},
    {NULL, NULL, NULL, 0},
};
