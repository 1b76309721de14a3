/*
 * warnings.h — department warnings (部门预警) and sudden events (突发事件) of households
 * (domain.md §3 items 3 and 4).
 *
 * Warnings come as CSV/XLSX from 医保, 民政, 残联, 教育, 人社 … with columns 证件号码,
 * 来源部门, 预警类型, 金额 (元, optional), 发生日期, 说明, and are matched to persons of the
 * importer's scope by the blind index of the 证件号码 (the number itself is never stored
 * in clear). A row whose 证件号码 matches nobody is never silently dropped:
 *   - by default the whole file fails, listing every unmatched row (masked ID);
 *   - with allow_unmatched the matched rows are imported and the unmatched ones are kept
 *     (masked) in warning_unmatched under the batch, and listed in the report.
 * Any malformed row fails the whole file either way. Re-importing a row that is already
 * there (same person, department, type, date and amount) skips it (`duplicates`).
 */
#ifndef ZX_WARNINGS_H
#define ZX_WARNINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "domain/monitoring/monitoring.h"
#include "store/store.h"

/* 来源部门 as stored: "医保局", "医疗保障局" → "医保"; NULL if not a known department. */
const char *zx_warning_dept_normalize(const char *s);

zx_err zx_warnings_import_file(zx_conn *c, const zx_actor *a, const zx_keys *keys, const char *path,
                               bool allow_unmatched, zx_mon_import *report, zx_errinfo *ei);

typedef struct zx_event_input {
	const char *type; /* 重大疾病 / 残疾 / 意外事故 / 自然灾害 / 其他 */
	int ymd;          /* 发生日期 */
	int64_t amount;   /* 分, -1 none */
	const char *note;
} zx_event_input;

typedef struct zx_event {
	int64_t id;
	char type[32];
	int ymd;
	int64_t amount; /* -1 none */
	char note[512];
	char created_by[64];
	int64_t created_at;
} zx_event;

bool zx_event_type_ok(const char *type);
/* Records a sudden event on a household (cadres: village, town, county, helper). */
zx_err zx_event_add(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, const zx_event_input *in,
                    int64_t *id_out, zx_errinfo *ei);

typedef bool (*zx_event_fn)(void *ctx, const zx_event *ev);
zx_err zx_event_list(zx_conn *c, const zx_actor *a, const zx_mon_household *hh, zx_event_fn fn, void *ctx);

#endif
