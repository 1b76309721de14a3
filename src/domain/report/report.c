/*
 * report.c — 工作汇报 drafts and their rendering with the registry's figures (report.h).
 *
 * The resolver handed to the template code answers the report's own names (area, year,
 * date) and otherwise asks the figure registry; all figures of one render are computed in
 * one read transaction with one zx_fig_ctx, so they share its cache and its "as of".
 *
 * Invariants: every draft query is scoped (a foreign draft is not found); a write checks
 * the role, then the text, and commits with its audit row or not at all; the stored text is
 * exactly what the user sent (placeholders included).
 */
#include "domain/report/report.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/clock.h"
#include "domain/auth/audit.h"
#include "domain/monitoring/monitoring.h"
#include "domain/report/figures.h"

extern const char zx_report_default_tpl[];
extern const unsigned long zx_report_default_tpl_len;

const char *zx_report_default_template(void)
{
	return zx_report_default_tpl;
}

void zx_report_draft_release(zx_report_draft *d)
{
	if (d) {
		free(d->body);
		d->body = NULL;
	}
}

bool zx_report_role_writes(zx_role r)
{
	return r == ZX_ROLE_COUNTY_ADMIN || r == ZX_ROLE_TOWN_ADMIN || r == ZX_ROLE_VILLAGE_CLERK;
}

/* ---- the resolver ------------------------------------------------------------------------ */

static const char *const builtins[] = {"area_name", "year", "last_year", "area_scope", "report_date"};

bool zx_report_builtin(const char *name)
{
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (strcmp(builtins[i], name) == 0)
			return true;
	return false;
}

typedef struct resolver {
	zx_fig_ctx *x;
	bool recent_ok; /* a value from the cache younger than ZX_REPORT_PREVIEW_TTL will do */
	zx_figure fig;
	char text[160];
	char as_of[16];
	char hit_as_of[16];
} resolver;

/* ---- recent figures -----------------------------------------------------------------------
 * While a draft is edited every pause re-renders its preview; at a county's size the figures
 * cost seconds of CPU. Values computed in the last ZX_REPORT_PREVIEW_TTL seconds for the same
 * area and year are reused by previews (downloads and the CLI always compute afresh and
 * refresh the cache). Direct-mapped: a collision simply recomputes. The caller's access to the
 * area is checked by zx_fig_ctx_init before the cache is consulted. */

#define CACHE_SLOTS 1024

typedef struct cache_slot {
	const zx_figure_def *def;
	char area[13];
	int year;
	int64_t at;
	char text[64];
} cache_slot;

static cache_slot cache[CACHE_SLOTS];
static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;

static cache_slot *slot_of(const char *area, int year, const zx_figure_def *d)
{
	uint64_t h = (uint64_t)(uintptr_t)d * 0x9e3779b97f4a7c15ull ^ (uint64_t)year * 0xff51afd7ed558ccdull;
	for (const char *p = area; *p; p++)
		h = (h ^ (uint64_t)(unsigned char)*p) * 0x100000001b3ull;
	return &cache[h % CACHE_SLOTS];
}

static bool cache_get(const zx_fig_ctx *x, const zx_figure_def *d, char *text, size_t textsz, int64_t *at)
{
	bool hit = false;
	pthread_mutex_lock(&cache_mu);
	cache_slot *s = slot_of(x->area, x->year, d);
	if (s->def == d && s->year == x->year && strcmp(s->area, x->area) == 0 && s->at <= x->now &&
	    x->now - s->at < ZX_REPORT_PREVIEW_TTL) {
		snprintf(text, textsz, "%s", s->text);
		*at = s->at;
		hit = true;
	}
	pthread_mutex_unlock(&cache_mu);
	return hit;
}

static void cache_put(const zx_fig_ctx *x, const zx_figure_def *d, const char *text)
{
	pthread_mutex_lock(&cache_mu);
	cache_slot *s = slot_of(x->area, x->year, d);
	s->def = d;
	snprintf(s->area, sizeof s->area, "%s", x->area);
	s->year = x->year;
	s->at = x->now;
	snprintf(s->text, sizeof s->text, "%s", text);
	pthread_mutex_unlock(&cache_mu);
}

static void date_of(int64_t t, char *out, size_t outsz)
{
	int ymd = zx_ymd_of(t);
	snprintf(out, outsz, "%04d-%02d-%02d", ymd / 10000, ymd / 100 % 100, ymd % 100);
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* 全县 / 全镇 / 全乡 / 全街道 / 全村 / 全社区, from the level and the name's ending. */
static const char *area_scope(const zx_fig_ctx *x)
{
	if (x->level == 3)
		return ends_with(x->area_name, "区")   ? "全区"
		       : ends_with(x->area_name, "市") ? "全市"
		                                       : "全县";
	if (x->level == 4)
		return ends_with(x->area_name, "乡")     ? "全乡"
		       : ends_with(x->area_name, "街道") ? "全街道"
		                                         : "全镇";
	return ends_with(x->area_name, "社区") ? "全社区" : "全村";
}

static zx_err resolve_builtin(resolver *r, const char *name, zx_tpl_figure *out)
{
	zx_fig_ctx *x = r->x;
	int ymd = zx_ymd_of(x->now);
	out->as_of = r->as_of;
	out->unit = "";
	out->source = "report";
	out->text = r->text;
	if (!strcmp(name, "area_name")) {
		out->text = x->area_name;
		out->label = "区域名称";
		out->definition = "汇报所属的行政区划名称。";
		out->source = "areas";
	} else if (!strcmp(name, "year") || !strcmp(name, "last_year")) {
		bool last = name[0] == 'l';
		snprintf(r->text, sizeof r->text, "%d", x->year - last);
		out->label = last ? "上一年度" : "汇报年度";
		out->definition = last ? "汇报年度的上一年。" : "汇报所属的年度。";
	} else if (!strcmp(name, "area_scope")) {
		out->text = area_scope(x);
		out->label = "区域范围";
		out->definition = "按区划级别称“全县”“全镇”“全村”等。";
	} else if (!strcmp(name, "report_date")) {
		snprintf(r->text, sizeof r->text, "%d年%d月%d日", ymd / 10000, ymd / 100 % 100, ymd % 100);
		out->label = "成文日期";
		out->definition = "生成汇报的日期。";
	} else {
		return ZX_ENOTFOUND;
	}
	return ZX_OK;
}

static zx_err resolve(void *ctx, const char *name, zx_tpl_figure *out)
{
	resolver *r = ctx;
	if (zx_report_builtin(name))
		return resolve_builtin(r, name, out);
	const zx_figure_def *d = zx_figure_def_find(name);
	if (!d)
		return ZX_ENOTFOUND;
	out->label = d->label;
	out->unit = d->unit;
	out->definition = d->definition;
	out->source = d->source;
	int64_t at;
	if (r->recent_ok && cache_get(r->x, d, r->text, sizeof r->text, &at)) {
		date_of(at, r->hit_as_of, sizeof r->hit_as_of);
		out->text = r->text;
		out->as_of = r->hit_as_of;
		return ZX_OK;
	}
	zx_err e = zx_figure_compute(r->x, d, &r->fig);
	if (e)
		return e;
	cache_put(r->x, d, r->fig.text);
	out->text = r->fig.text;
	out->as_of = r->as_of;
	return ZX_OK;
}

static zx_err render(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                     const char *body, bool recent_ok, zx_rdoc **out, zx_errinfo *ei)
{
	*out = NULL;
	zx_buf text = ZX_BUF_INIT(ZX_TPL_MAX_BYTES + ZX_REPORT_TITLE_MAX + 16);
	zx_err e = ZX_OK;
	if (title)
		e = zx_buf_addf(&text, "# %s\n\n", title);
	if (!e)
		e = zx_buf_adds(&text, body ? body : "");
	if (e) {
		zx_buf_release(&text);
		return zx_fail(ei, ZX_ETOOBIG, "template_too_big", "正文", 0, "汇报正文过长（上限 %d KB）",
		               ZX_TPL_MAX_BYTES / 1024);
	}
	zx_fig_ctx x;
	e = zx_fig_ctx_init(&x, c, a, area, year, ei);
	bool own = !e && !zx_tx_active(c);
	if (own)
		e = zx_tx_begin_read(c);
	if (!e) {
		resolver r = {.x = &x, .recent_ok = recent_ok};
		date_of(x.now, r.as_of, sizeof r.as_of);
		/* With a title in front, the body's lines keep their own numbers (1 = its first). */
		e = zx_tpl_render_from(zx_buf_str(&text), text.len, title ? -1 : 1, resolve, &r, out, ei);
	}
	if (own) {
		if (e)
			zx_tx_rollback(c);
		else if ((e = zx_tx_commit(c))) {
			zx_rdoc_free(*out);
			*out = NULL;
		}
	}
	zx_fig_ctx_done(&x);
	zx_buf_release(&text);
	return e;
}

zx_err zx_report_render(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                        const char *body, zx_rdoc **out, zx_errinfo *ei)
{
	return render(c, a, area, year, title, body, false, out, ei);
}

zx_err zx_report_preview(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                         const char *body, zx_rdoc **out, zx_errinfo *ei)
{
	return render(c, a, area, year, title, body, true, out, ei);
}

/* The default template's "# " line and the rest. */
static void split_default(const char **title, size_t *title_len, const char **body)
{
	const char *t = zx_report_default_tpl;
	const char *nl = strchr(t, '\n');
	*title = t + 2;
	*title_len = nl ? (size_t)(nl - t) - 2 : strlen(t) - 2;
	*body = nl ? nl + 1 : "";
	while (**body == '\n')
		(*body)++;
}

zx_err zx_report_render_default(zx_conn *c, const zx_actor *a, const char *area, int year, zx_rdoc **out,
                                zx_errinfo *ei)
{
	return zx_report_render(c, a, area, year, NULL, zx_report_default_tpl, out, ei);
}

/* ---- checking ------------------------------------------------------------------------------ */

typedef struct name_check {
	zx_errinfo *ei;
	zx_err e;
} name_check;

static bool check_name(void *ctx, const char *name, int line)
{
	name_check *k = ctx;
	if (zx_report_builtin(name) || zx_figure_def_find(name))
		return true;
	k->e = zx_fail(k->ei, ZX_EVALIDATION, "unknown_figure", "正文", line,
	               "第 %d 行：未知的数据项 {{%s}}，请从“插入数据项”中选择", line, name);
	return false;
}

zx_err zx_report_check(const char *title, const char *body, zx_errinfo *ei)
{
	if (!title || !*title)
		return zx_fail(ei, ZX_EVALIDATION, "title_required", "标题", 0, "请填写汇报标题");
	if (strlen(title) > ZX_REPORT_TITLE_MAX)
		return zx_fail(ei, ZX_EVALIDATION, "title_too_long", "标题", 0, "标题过长（最多 %d 个汉字）",
		               ZX_REPORT_TITLE_MAX / 3);
	if (strpbrk(title, "\r\n"))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_title", "标题", 0, "标题不能换行");
	zx_errinfo tei;
	zx_errinfo_clear(&tei);
	name_check k = {.ei = &tei};
	zx_err e = zx_tpl_scan(title, strlen(title), check_name, &k, &tei);
	if (!e)
		e = k.e;
	if (e) {
		/* The title is line 1 of nothing the user sees: name the field instead. */
		const char *m = strstr(tei.message, "：");
		return zx_fail(ei, e, tei.code, "标题", 0, "标题%s", m ? m : "：格式不正确");
	}
	k.ei = ei;
	e = zx_tpl_scan(body ? body : "", body ? strlen(body) : 0, check_name, &k, ei);
	return e ? e : k.e;
}

/* ---- drafts ----------------------------------------------------------------------------------- */

static void read_draft(zx_stmt *s, zx_report_draft *d, bool with_body)
{
	int col = 0;
	memset(d, 0, sizeof(*d));
	d->id = zx_col_int(s, col++);
	snprintf(d->area_code, sizeof d->area_code, "%s", zx_col_text(s, col++));
	snprintf(d->area_name, sizeof d->area_name, "%s", zx_col_text(s, col++));
	d->year = (int)zx_col_int(s, col++);
	snprintf(d->title, sizeof d->title, "%s", zx_col_text(s, col++));
	if (with_body)
		d->body = strdup(zx_col_text(s, col++));
	d->version = zx_col_int(s, col++);
	snprintf(d->created_by, sizeof d->created_by, "%s", zx_col_text(s, col++));
	d->created_at = zx_col_int(s, col++);
	snprintf(d->updated_by, sizeof d->updated_by, "%s", zx_col_text(s, col++));
	d->updated_at = zx_col_int(s, col++);
}

zx_err zx_report_list(zx_conn *c, const zx_actor *a, const char *area, int year, zx_report_draft_fn fn,
                      void *ctx, zx_errinfo *ei)
{
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "您的角色不查看工作汇报");
	if (area && *area) {
		int level;
		zx_err e = zx_mon_area_check(c, a, area, true, &level, ei);
		if (e)
			return e;
	}
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_report_list,
	                         ZX_ARGS(ZX_TEXT(area ? area : ""), ZX_INT(year)), &s);
	if (e)
		return e;
	bool row;
	zx_report_draft d;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		read_draft(s, &d, false);
		if (!fn(ctx, &d))
			break;
	}
	zx_stmt_done(s);
	return e;
}

zx_err zx_report_get(zx_conn *c, const zx_actor *a, int64_t id, zx_report_draft *out, zx_errinfo *ei)
{
	memset(out, 0, sizeof(*out));
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "您的角色不查看工作汇报");
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_report_get, ZX_ARGS(ZX_INT(id)), &s);
	if (e)
		return e;
	bool row;
	e = zx_stmt_next(s, &row);
	if (!e && row)
		read_draft(s, out, true);
	zx_stmt_done(s);
	if (!e && !row)
		return zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "汇报 %" PRId64 " 不存在", id);
	if (!e && !out->body)
		e = zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	return e;
}

static zx_err may_write(const zx_actor *a, zx_errinfo *ei)
{
	if (a->user_id == 0 || zx_report_role_writes(a->role))
		return ZX_OK;
	return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能编辑工作汇报", zx_role_name(a->role));
}

static zx_err finish(zx_conn *c, const zx_actor *a, zx_err e, const char *action, int64_t id,
                     const char *detail)
{
	char obj[40];
	snprintf(obj, sizeof obj, "report:%" PRId64, id);
	if (!e)
		e = zx_audit_write(c, a, action, obj, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e)
		zx_tx_rollback(c);
	return e;
}

zx_err zx_report_create(zx_conn *c, const zx_actor *a, const char *area, int year, const char *title,
                        int64_t *id_out, zx_errinfo *ei)
{
	zx_err e = may_write(a, ei);
	if (e)
		return e;
	if (!zx_mon_year_ok(year))
		return zx_fail(ei, ZX_EVALIDATION, "invalid_year", "年度", 0, "年度应在%d至%d之间",
		               ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX);
	int level = 0;
	const char *code = area && *area ? area : a->area_code;
	if ((e = zx_mon_area_check(c, a, code, true, &level, ei)))
		return e;
	if (level < 3)
		return zx_fail(ei, ZX_EVALIDATION, "invalid_area_level", "区划", 0,
		               "请选择县、乡镇或村级区划");
	char name[128] = "";
	zx_mon_area_name(c, code, name, sizeof name, NULL);
	const char *dt, *body;
	size_t dtn;
	split_default(&dt, &dtn, &body);
	char deftitle[ZX_REPORT_TITLE_MAX + 1];
	if (!title || !*title) {
		/* The default title with the area and year written in: the user edits plain words. */
		char pattern[ZX_REPORT_TITLE_MAX + 1];
		snprintf(pattern, sizeof pattern, "%.*s", (int)dtn, dt);
		const char *rest = strstr(pattern, "年");
		snprintf(deftitle, sizeof deftitle, "%s%d%s", name, year, rest ? rest : "年工作情况汇报");
		title = deftitle;
	}
	if ((e = zx_report_check(title, body, ei)))
		return e;
	int64_t now = zx_now(), n = 0;
	if ((e = zx_tx_begin_write(c)))
		return e;
	e = zx_exec(c, &a->scope, ZXQ_report_insert,
	            ZX_ARGS(ZX_TEXT(code), ZX_INT(year), ZX_TEXT(title), ZX_TEXT(body), ZX_TEXT(a->username),
	                    ZX_INT(now)),
	            &n);
	if (!e && n != 1)
		e = zx_fail(ei, ZX_ENOTFOUND, "not_found", "区划", 0, "区划 %s 不在您的管辖范围内", code);
	int64_t id = e ? 0 : zx_last_insert_id(c);
	char detail[64];
	snprintf(detail, sizeof detail, "area=%s year=%d", code, year);
	e = finish(c, a, e, "report.create", id, detail);
	if (!e && id_out)
		*id_out = id;
	return e;
}

zx_err zx_report_update(zx_conn *c, const zx_actor *a, int64_t id, int64_t version, const char *title,
                        const char *body, zx_errinfo *ei)
{
	zx_report_draft d;
	zx_err e = zx_report_get(c, a, id, &d, ei);
	zx_report_draft_release(&d);
	if (!e)
		e = may_write(a, ei);
	if (!e)
		e = zx_report_check(title, body, ei);
	if (e)
		return e;
	if ((e = zx_tx_begin_write(c)))
		return e;
	int64_t n = 0;
	e = zx_exec(c, &a->scope, ZXQ_report_update,
	            ZX_ARGS(ZX_INT(id), ZX_INT(version), ZX_TEXT(title), ZX_TEXT(body), ZX_TEXT(a->username),
	                    ZX_INT(zx_now())),
	            &n);
	if (!e && n != 1)
		e = zx_fail(ei, ZX_ECONFLICT, "version_conflict", NULL, 0,
		            "汇报已被他人修改（您编辑的是第 %" PRId64 " 版），请刷新后再保存", version);
	char detail[64];
	snprintf(detail, sizeof detail, "version=%" PRId64 " bytes=%zu", version + 1, strlen(body));
	return finish(c, a, e, "report.update", id, detail);
}

zx_err zx_report_delete(zx_conn *c, const zx_actor *a, int64_t id, zx_errinfo *ei)
{
	zx_report_draft d;
	zx_err e = zx_report_get(c, a, id, &d, ei);
	zx_report_draft_release(&d);
	if (!e)
		e = may_write(a, ei);
	if (e)
		return e;
	if ((e = zx_tx_begin_write(c)))
		return e;
	int64_t n = 0;
	e = zx_exec(c, &a->scope, ZXQ_report_delete, ZX_ARGS(ZX_INT(id)), &n);
	if (!e && n != 1)
		e = zx_fail(ei, ZX_ENOTFOUND, "not_found", NULL, 0, "汇报 %" PRId64 " 不存在", id);
	char detail[48];
	snprintf(detail, sizeof detail, "area=%s year=%d", d.area_code, d.year);
	return finish(c, a, e, "report.delete", id, detail);
}
