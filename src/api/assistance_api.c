/*
 * assistance_api.c — the helpers of assistance_api.h: parameter parsing with 400/404
 * replies, and the JSON forms the 帮扶 resources share.
 */
#include "api/assistance_api.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	if (!s || !*s || strlen(s) > 18)
		return false;
	char *end;
	long long v = strtoll(s, &end, 10);
	if (*end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

bool asst_path_id(api_call *c, const char *name, const char *what, int64_t *out)
{
	if (parse_i64(zx_req_param(c->req, name), 1, INT64_MAX / 2, out))
		return true;
	api_error_msg(c, ZX_ENOTFOUND, "not_found", NULL, "%s不存在", what);
	return false;
}

bool asst_query_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	const char *v = zx_req_query(c->req, key);
	*out = dflt;
	if (!v || !*v)
		return true;
	if (parse_i64(v, lo, hi, out))
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 应为 %lld 到 %lld 的整数", key,
	              (long long)lo, (long long)hi);
	return false;
}

bool asst_query_date(api_call *c, const char *key, int *ymd)
{
	const char *v = zx_req_query(c->req, key);
	*ymd = 0;
	if (!v || !*v || zx_asst_ymd_parse(v, ymd))
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_parameter", key, "参数 %s 应为 YYYY-MM-DD 格式的日期", key);
	return false;
}

bool asst_body_amount(api_call *c, const char *key, const char **out, char *buf, size_t bufsz)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*out = NULL;
	if (!v || json_is_null(v))
		return true;
	if (json_is_string(v) && json_string_length(v) <= 32) {
		*out = json_string_value(v);
		return true;
	}
	if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 100000000) {
		snprintf(buf, bufsz, "%lld", (long long)json_integer_value(v));
		*out = buf;
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v) * 100.0;
		if (isfinite(d) && d >= 0 && d <= 1e10 && fabs(d - llround(d)) < 1e-6) {
			long long f = llround(d);
			snprintf(buf, bufsz, "%lld.%02lld", f / 100, f % 100);
			*out = buf;
			return true;
		}
	}
	api_error_msg(c, ZX_EINVAL, "invalid_amount", key, "字段 %s 应为金额（元，最多两位小数）", key);
	return false;
}

bool asst_body_int(api_call *c, const char *key, int64_t lo, int64_t hi, int64_t dflt, int64_t *out)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*out = dflt;
	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && json_integer_value(v) >= lo && json_integer_value(v) <= hi) {
		*out = json_integer_value(v);
		return true;
	}
	api_error_msg(c, ZX_EINVAL, "invalid_field", key, "字段 %s 应为 %lld 到 %lld 的整数", key,
	              (long long)lo, (long long)hi);
	return false;
}

bool asst_body_checklist(api_call *c, const char *key, unsigned *bits)
{
	json_t *v = c->body ? json_object_get(c->body, key) : NULL;
	*bits = 0;
	if (!v || json_is_null(v))
		return true;
	if (json_is_array(v)) {
		size_t i;
		json_t *it;
		json_array_foreach(v, i, it)
		{
			unsigned b = json_is_string(it) ? zx_visit_check_parse(json_string_value(it)) : 0;
			if (!b)
				goto bad;
			*bits |= b;
		}
		return true;
	}
	if (json_is_object(v)) {
		const char *k;
		json_t *it;
		json_object_foreach(v, k, it)
		{
			unsigned b = zx_visit_check_parse(k);
			if (!b || !json_is_boolean(it))
				goto bad;
			if (json_is_true(it))
				*bits |= b;
		}
		return true;
	}
bad:
	api_error_msg(c, ZX_EINVAL, "invalid_checklist", key,
	              "六必访项目应为 income、housing、water、education、medical、employment（或 "
	              "收入、住房、饮水、教育、"
	              "医疗、就业/政策落实）");
	return false;
}

json_t *asst_date(int ymd)
{
	if (ymd <= 0)
		return json_null();
	char buf[16];
	zx_asst_ymd_format(ymd, buf, sizeof(buf));
	return json_string(buf);
}

json_t *asst_money(int64_t fen)
{
	char buf[32];
	zx_asst_yuan_format(fen, buf, sizeof(buf));
	return json_string(buf);
}

json_t *asst_checklist_json(unsigned bits)
{
	json_t *a = json_array();
	for (int i = 0; i < ZX_VISIT_CHECK_COUNT; i++)
		if (bits & zx_visit_checks[i].bit)
			json_array_append_new(a, json_string(zx_visit_checks[i].key));
	return a;
}

json_t *asst_household_json(const zx_asst_household *h)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:i,s:b}", "hh_no", h->hh_no, "area_code",
	                 h->area_code, "group", h->grp, "head_name", h->head_name, "hh_type", h->hh_type,
	                 "category", h->category, "risk_type", h->risk_type, "helper", h->helper, "size",
	                 h->size, "monitored", h->category[0] != '\0');
}

json_t *asst_elim_check_json(const zx_elim_check *ch)
{
	json_t *arr = json_array();
	for (int i = 0; i < ZX_EC__COUNT; i++)
		json_array_append_new(arr, json_pack("{s:s,s:s,s:b,s:b,s:s}", "key", ch->r[i].key, "name",
		                                     ch->r[i].name, "applicable", ch->r[i].applicable,
		                                     "passed", ch->r[i].passed, "detail", ch->r[i].detail));
	return arr;
}

json_t *asst_elimination_json(const zx_elimination *e)
{
	json_t *o =
	    json_pack("{s:I,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I}", "id", (json_int_t)e->id,
	              "hh_no", e->hh_no, "head_name", e->head_name, "area_code", e->area_code, "group",
	              e->grp, "kind", e->kind, "category", e->category, "risk_type", e->risk_type, "state",
	              zx_elim_state_key(e->state), "state_name", zx_elim_state_name(e->state), "status",
	              e->status, "status_name", zx_elim_status_name(e->status), "applied_by", e->applied_by,
	              "applied_at", (json_int_t)e->applied_at);
	json_object_set_new(o, "reason", json_string(e->reason));
	json_object_set_new(o, "notice_at", api_time(e->notice_at));
	json_object_set_new(o, "decided_at", api_time(e->decided_at));
	json_object_set_new(o, "updated_at", api_time(e->updated_at));
	return o;
}

void asst_elim_refused(api_call *c, const zx_errinfo *ei, const zx_elim_check *ch)
{
	json_t *err = json_pack("{s:s,s:s,s:o}", "code", ei->code[0] ? ei->code : "elimination_refused",
	                        "message", ei->message[0] ? ei->message : "不满足风险消除条件", "conditions",
	                        asst_elim_check_json(ch));
	api_json(c, api_status_of(ZX_EVALIDATION), json_pack("{s:o}", "error", err));
}

void asst_fail(api_call *c, zx_err e, const zx_errinfo *ei)
{
	api_error(c, e, ei && ei->err ? ei : NULL);
}
