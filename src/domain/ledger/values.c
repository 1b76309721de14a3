/*
 * values.c — the small pieces every ledger file uses: value parsing (dates, money with
 * 元/万元), field errors in Chinese, permissions and the area of a request.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/idcard.h"
#include "domain/ledger/ledger_internal.h"
#include "domain/monitoring/money.h"

void zx_ledger_ctx_init(zx_ledger_ctx *x, zx_conn *c, const zx_actor *a, const zx_keys *keys)
{
	memset(x, 0, sizeof(*x));
	x->c = c;
	x->a = a;
	x->keys = keys;
	unsigned t = (unsigned)zx_today_ymd();
	char buf[32];
	snprintf(buf, sizeof(buf), "%04u-%02u-%02u", (t / 10000) % 10000, (t / 100) % 100, t % 100);
	memcpy(x->today, buf, 10);
	x->today[10] = '\0';
}

zx_err zx_ledger_fail(const zx_ledger_ctx *x, zx_err err, const zx_ledger_field *f, const char *code,
                      zx_errinfo *ei, const char *fmt, ...)
{
	char msg[400];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *label = f ? f->label : "";
	if (x && x->rowno > 0 && f)
		return zx_fail(ei, err, code, label, x->rowno, "第%ld行「%s」：%s", x->rowno, label, msg);
	if (x && x->rowno > 0)
		return zx_fail(ei, err, code, NULL, x->rowno, "第%ld行：%s", x->rowno, msg);
	if (f)
		return zx_fail(ei, err, code, label, 0, "「%s」：%s", label, msg);
	return zx_fail(ei, err, code, NULL, 0, "%s", msg);
}

static int take_int(const char **p, int maxdigits)
{
	int v = 0, n = 0;
	while (isdigit((unsigned char)**p) && n < maxdigits) {
		v = v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n ? v : -1;
}

bool zx_ledger_parse_date(const char *s, char out[11])
{
	if (!s)
		return false;
	const char *p = s;
	int y, m, d;
	size_t len = strlen(s);
	if (len == 8 && strspn(s, "0123456789") == 8) {
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[4] - '0') * 10 + (s[5] - '0');
		d = (s[6] - '0') * 10 + (s[7] - '0');
	} else {
		y = take_int(&p, 4);
		if (y < 0)
			return false;
		if (*p == '-' || *p == '/' || *p == '.')
			p++;
		else if (strncmp(p, "年", 3) == 0)
			p += 3;
		else
			return false;
		m = take_int(&p, 2);
		if (m < 0)
			return false;
		if (*p == '-' || *p == '/' || *p == '.')
			p++;
		else if (strncmp(p, "月", 3) == 0)
			p += 3;
		else
			return false;
		d = take_int(&p, 2);
		if (d < 0)
			return false;
		if (strncmp(p, "日", 3) == 0)
			p += 3;
		/* an XLSX date-time cell: "2024-03-05 00:00:00" */
		if (*p == ' ' || *p == 'T')
			p = p + strlen(p);
		if (*p)
			return false;
	}
	if (!zx_date_valid(y, m, d))
		return false;
	char buf[32];
	snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, m, d);
	memcpy(out, buf, 10);
	out[10] = '\0';
	return true;
}

int zx_ledger_parse_money(const char *s, bool wan, int64_t *fen)
{
	char buf[64];
	size_t n = strlen(s);
	if (n >= sizeof(buf))
		return 1;
	memcpy(buf, s, n + 1);
	if (n >= 6 && strcmp(buf + n - 6, "万元") == 0) {
		buf[n - 6] = '\0';
		wan = true;
	} else if (n >= 3 && strcmp(buf + n - 3, "万") == 0) {
		buf[n - 3] = '\0';
		wan = true;
	} else if (n >= 3 && strcmp(buf + n - 3, "元") == 0) {
		buf[n - 3] = '\0';
	}
	n = strlen(buf);
	while (n > 0 && buf[n - 1] == ' ')
		buf[--n] = '\0';
	const char *p = buf;
	while (*p == ' ')
		p++;
	if (*p == '-')
		return strspn(p + 1, "0123456789.,") == strlen(p + 1) && p[1] ? 2 : 1;
	if (!*p)
		return 1;
	if (wan) {
		/* 万元 with up to 6 decimals is exactly 分 × 10^6 / 10^6 */
		char digits[64];
		size_t j = 0;
		for (const char *q = p; *q; q++)
			if (*q != ',')
				digits[j++] = *q;
		digits[j] = '\0';
		if (strspn(digits, "0123456789.") != j)
			return 1;
		const char *dot = strchr(digits, '.');
		if (dot && strlen(dot + 1) > 6)
			return 3;
		int64_t v;
		if (!zx_decimal_parse(digits, 6, ZX_MONEY_MAX_FEN, &v))
			return 1;
		*fen = v;
		return 0;
	}
	switch (zx_money_parse(p, false, fen)) {
	case ZX_MONEY_OK:
		return 0;
	case ZX_MONEY_NEGATIVE:
		return 2;
	case ZX_MONEY_DECIMALS:
	case ZX_MONEY_TOO_LARGE:
		return 3;
	default:
		return 1;
	}
}

int zx_ledger_role_field(const zx_ledger_kind *k, zx_lfrole role)
{
	for (int i = 0; i < k->nfields; i++)
		if (k->fields[i].role == role)
			return i;
	return -1;
}

int zx_ledger_date_year(const char *d)
{
	if (!d || strlen(d) < 4)
		return 0;
	return (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
}

bool zx_ledger_loan_overdue(const char *status, const char *due, const char *today)
{
	if (status && strcmp(status, "已还清") == 0)
		return false;
	if (status && strcmp(status, "逾期") == 0)
		return true;
	return due && *due && strcmp(due, today) < 0;
}

zx_err zx_ledger_may_read(const zx_actor *a, zx_errinfo *ei)
{
	if (!zx_role_sees_personal_data(a->role))
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能查看台账",
		               zx_role_name(a->role));
	return ZX_OK;
}

zx_err zx_ledger_may_write(const zx_actor *a, zx_errinfo *ei)
{
	if (a->role != ZX_ROLE_COUNTY_ADMIN && a->role != ZX_ROLE_TOWN_ADMIN &&
	    a->role != ZX_ROLE_VILLAGE_CLERK)
		return zx_fail(ei, ZX_EFORBIDDEN, "forbidden", NULL, 0, "%s不能登记台账",
		               zx_role_name(a->role));
	return ZX_OK;
}

zx_err zx_ledger_area_scope(zx_ledger_ctx *x, const char *area, zx_scope *out, char code[13], zx_errinfo *ei)
{
	if (!area || !*area) {
		/* the operator's scope is everything */
		*out = x->a->scope;
		snprintf(code, 13, "%s", x->a->area_code);
		return ZX_OK;
	}
	if (strlen(area) != 12 || strspn(area, "0123456789") != 12)
		return zx_fail(ei, ZX_EINVAL, "invalid_area_code", "area", 0, "区划代码应为12位数字");
	if (!zx_scope_contains(&x->a->scope, area))
		return zx_fail(ei, ZX_ENOTFOUND, "area_not_found", "area", 0, "区域 %s 不在您的管理范围内",
		               area);
	zx_scope_of_area(area, out);
	snprintf(code, 13, "%s", area);
	return ZX_OK;
}
