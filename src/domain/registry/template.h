/*
 * template.h — the national household template (全国防返贫监测信息系统 家庭成员 layout):
 * its ordered columns with their rules, and a CSV writer for synthetic households.
 *
 * One row per person, grouped by 户编号. Household-level columns (住房安全, 饮水安全,
 * 风险类型, 帮扶责任人) are read from the 户主's row; other rows may leave them blank.
 * The importer matches headers by name in any order, so the order here is the one we
 * write, not one we require.
 */
#ifndef ZX_TEMPLATE_H
#define ZX_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"
#include "domain/registry/synth.h"

/* Column ids, in template order (index into zx_template_columns()). */
typedef enum zx_template_col {
	ZX_COL_HH_NO,        /* 户编号 */
	ZX_COL_AREA,         /* 行政区划代码 (12-digit village) */
	ZX_COL_GROUP,        /* 组 */
	ZX_COL_NAME,         /* 姓名 */
	ZX_COL_ID,           /* 证件号码 */
	ZX_COL_RELATION,     /* 与户主关系 */
	ZX_COL_GENDER,       /* 性别 */
	ZX_COL_NATION,       /* 民族 */
	ZX_COL_EDUCATION,    /* 文化程度 */
	ZX_COL_SCHOOL,       /* 在校生情况 */
	ZX_COL_HEALTH,       /* 健康状况 */
	ZX_COL_DISABILITY,   /* 残疾等级 */
	ZX_COL_LABOR,        /* 劳动技能 */
	ZX_COL_WORK,         /* 务工状况 */
	ZX_COL_WORK_MONTHS,  /* 务工时间(月) */
	ZX_COL_INSURED,      /* 医保参保 */
	ZX_COL_HH_TYPE,      /* 户类型 */
	ZX_COL_CATEGORY,     /* 监测对象类别 */
	ZX_COL_TUOPIN_YEAR,  /* 脱贫年度 */
	ZX_COL_PHONE,        /* 联系电话 */
	ZX_COL_HOUSING_SAFE, /* 住房安全 */
	ZX_COL_WATER_SAFE,   /* 饮水安全 */
	ZX_COL_RISK_TYPE,    /* 风险类型 */
	ZX_COL_HELPER,       /* 帮扶责任人 */
	ZX_COL__COUNT
} zx_template_col;

typedef struct zx_template_column {
	zx_template_col id;
	const char *name;          /* header text, e.g. "证件号码" */
	bool required;             /* a file without this column is rejected as a whole */
	bool household;            /* household-level: taken from the 户主's row */
	bool blank_ok;             /* an empty cell is a valid value (e.g. no 监测对象类别) */
	const char *const *values; /* allowed values, NULL-terminated; NULL for free text */
} zx_template_column;

/* The columns in template order; *n receives ZX_COL__COUNT (n may be NULL). */
const zx_template_column *zx_template_columns(size_t *n);

/* The column with this exact header name, or NULL. */
const zx_template_column *zx_template_find(const char *name);

/* True if v is acceptable in column c: in the value list (or free text), or blank where
 * blank_ok. Does not know about other columns (e.g. 残疾等级 only with 残疾). */
bool zx_template_value_ok(const zx_template_column *c, const char *v);

/* Appends the header line (column names, CRLF-terminated). */
zx_err zx_template_write_csv_header(zx_buf *out);

/* Appends one CRLF-terminated line per member; household-level columns are filled on the
 * 户主's row only. Fields are quoted per RFC 4180 when they contain , " CR or LF. */
zx_err zx_template_write_csv_household(zx_buf *out, const zx_synth_household *h);

/* Writes a UTF-8 CSV (no BOM) of `households` synthetic households spread over the embedded
 * villages of county6 (see division.h), streaming with constant memory. The file appears
 * complete or not at all (written to PATH.tmp, then renamed). Ages are relative to today. */
zx_err zx_synth_write_csv(const char *path, uint64_t seed, long households, const char *county6,
                          zx_errinfo *ei);

#endif
