/*
 * history.c — writing and reading household_changes (see history.h).
 *
 * Invariant: a value of a masked field (证件号码, 联系电话) passes through zx_mask_id /
 * zx_mask_phone before it is bound. Both masks are idempotent, so callers that already
 * hold the masked form may pass it.
 */
#include "domain/registry/history.h"

#include <string.h>

#include "base/clock.h"
#include "base/mask.h"

#define HISTORY_VALUE_MAX 512

bool zx_history_field_masked(const char *field)
{
	return field && (strcmp(field, "证件号码") == 0 || strcmp(field, "联系电话") == 0);
}

/* The stored form of a value: masked for personal fields, cut to a sane length. */
static const char *stored_value(const char *field, const char *v, char *buf, size_t cap)
{
	if (!v || !*v)
		return "";
	if (strcmp(field, "证件号码") == 0) {
		zx_mask_id(v, buf, cap);
		return buf;
	}
	if (strcmp(field, "联系电话") == 0) {
		zx_mask_phone(v, buf, cap);
		return buf;
	}
	size_t n = strlen(v);
	if (n < cap)
		return v;
	n = cap - 1;
	while (n > 0 && ((unsigned char)v[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, v, n);
	buf[n] = '\0';
	return buf;
}

zx_err zx_history_record(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t person_id,
                         const char *area_code, const char *source, const char *field, const char *old_value,
                         const char *new_value)
{
	if (!area_code || strlen(area_code) != 12 || !field || !*field || !source ||
	    (strcmp(source, "import") != 0 && strcmp(source, "edit") != 0))
		return ZX_EINTERNAL;
	char county[7];
	memcpy(county, area_code, 6);
	county[6] = '\0';
	char ob[HISTORY_VALUE_MAX], nb[HISTORY_VALUE_MAX];
	const char *ov = stored_value(field, old_value, ob, sizeof(ob));
	const char *nv = stored_value(field, new_value, nb, sizeof(nb));
	return zx_exec(c, NULL, ZXQ_history_insert,
	               ZX_ARGS(ZX_TEXT(county), ZX_TEXT(area_code), ZX_INT(household_id),
	                       person_id > 0 ? ZX_INT(person_id) : ZX_NULLV, ZX_INT(zx_now()),
	                       a && a->user_id > 0 ? ZX_INT(a->user_id) : ZX_NULLV,
	                       ZX_TEXT(a ? a->username : ""), ZX_TEXT(source), ZX_TEXT(field), ZX_TEXT(ov),
	                       ZX_TEXT(nv)),
	               NULL);
}

zx_err zx_history_list(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t before_id, int limit,
                       zx_history_fn fn, void *ctx)
{
	if (!a || limit < 1 || limit > 500 || before_id < 0)
		return ZX_EINVAL;
	zx_stmt *s;
	zx_err e = zx_query_open(c, &a->scope, ZXQ_history_list,
	                         ZX_ARGS(ZX_INT(household_id), ZX_INT(before_id), ZX_INT(limit)), &s);
	if (e)
		return e;
	bool row;
	while (!(e = zx_stmt_next(s, &row)) && row) {
		zx_history_entry h = {
		    .id = zx_col_int(s, 0),
		    .household_id = zx_col_int(s, 1),
		    .person_id = zx_col_int(s, 2),
		    .ts = zx_col_int(s, 3),
		    .user_id = zx_col_int(s, 4),
		    .username = zx_col_text(s, 5),
		    .source = zx_col_text(s, 6),
		    .field = zx_col_text(s, 7),
		    .old_value = zx_col_text(s, 8),
		    .new_value = zx_col_text(s, 9),
		};
		if (!fn(ctx, &h))
			break;
	}
	zx_stmt_done(s);
	return e;
}
