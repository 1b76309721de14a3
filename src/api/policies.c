/*
 * policies.c — the monitoring policy parameters: GET /api/v1/policies (every version of the
 * caller's county and its province), GET /api/v1/policies/effective (the parameters in force
 * for an area and year) and POST /api/v1/policies (a new version; county admins only).
 */
#include <stdio.h>
#include <string.h>

#include "api/monitoring_api.h"
#include "domain/monitoring/money.h"
#include "domain/monitoring/monitoring.h"

static bool area_ok(api_call *c, const char *area)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_mon_area_check(c->conn, c->actor, area, true, NULL, &ei);
	if (e)
		api_error(c, e, &ei);
	return !e;
}

static bool add_policy(void *ctx, const zx_policy *p)
{
	json_array_append_new(ctx, mon_policy_json(p));
	return true;
}

static void policies_list(api_call *c)
{
	const char *area;
	int64_t year;
	if (!mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year) || !area_ok(c, area))
		return;
	json_t *items = json_array();
	zx_err e = zx_policy_list(c->conn, area, (int)year, add_policy, items);
	if (e) {
		json_decref(items);
		api_error(c, e, NULL);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "items", items));
}

static void policy_effective(api_call *c)
{
	const char *area;
	int64_t year;
	if (!mon_query_area(c, &area) ||
	    !mon_query_int(c, "year", ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year) || !area_ok(c, area))
		return;
	if (!year) {
		api_error_msg(c, ZX_EINVAL, "missing_parameter", "year", "缺少参数 year");
		return;
	}
	zx_policy p;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_policy_effective(c->conn, area, (int)year, &p, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 200, json_pack("{s:o}", "policy", mon_policy_json(&p)));
}

static bool body_factor(api_call *c, int64_t *out)
{
	json_t *v = json_object_get(c->body, "warning_factor");
	*out = -1;
	if (!v || json_is_null(v))
		return true;
	char buf[32] = "";
	if (json_is_string(v))
		snprintf(buf, sizeof(buf), "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, sizeof(buf), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, sizeof(buf), "%.3f", json_real_value(v));
	/* %.3f renders 1.5 as "1.500": three decimals are what we accept. */
	if (zx_decimal_parse(buf, 3, 100000, out))
		return true;
	api_error_msg(c, ZX_EINVAL, "invalid_field", "warning_factor",
	              "预警带系数应为数字，最多三位小数，如 1.5");
	return false;
}

static void policy_create(api_call *c)
{
	const char *area;
	int64_t year;
	zx_policy_input in;
	memset(&in, 0, sizeof(in));
	if (!api_body_str(c, "area", 12, false, &area) ||
	    !mon_body_int(c, "year", true, ZX_MON_YEAR_MIN, ZX_MON_YEAR_MAX, 0, &year) ||
	    !mon_body_money(c, "income_line", false, &in.income_line) ||
	    !body_factor(c, &in.warning_factor) ||
	    !mon_body_int(c, "drop_percent", false, 0, 100000, -1, &in.drop_percent) ||
	    !mon_body_money(c, "medical_selfpay", false, &in.medical_selfpay) ||
	    !mon_body_int(c, "medical_selfpay_ratio", false, 0, 100000, -1, &in.medical_selfpay_ratio))
		return;
	in.area = area && *area ? area : c->actor->area_code;
	in.year = (int)year;
	zx_policy p;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_policy_set(c->conn, c->actor, &in, &p, &ei);
	if (e) {
		api_error(c, e, &ei);
		return;
	}
	api_json(c, 201, json_pack("{s:o}", "policy", mon_policy_json(&p)));
}

const api_route api_policy_routes[] = {
    {"GET", "/api/v1/policies", policies_list, 0},
    {"GET", "/api/v1/policies/effective", policy_effective, 0},
    {"POST", "/api/v1/policies", policy_create, API_JSON},
    {NULL, NULL, NULL, 0},
};
