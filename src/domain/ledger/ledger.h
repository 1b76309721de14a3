/*
 * ledger.h — 台账 (domain.md §6): one generic engine for every ledger kind.
 *
 * A kind (项目与资金, 产业奖补, 小额信贷, 公益性岗位, 务工就业, 村集体经济, 巡查, 里程碑) is data:
 * a zx_ledger_kind descriptor (kinds.c) lists its fields with type, Chinese header, required,
 * limits, enum values and the *role* a field plays, plus one small check function for the
 * rules a descriptor cannot say (checks.c). The engine (ledger.c) validates input against
 * the descriptor, resolves persons/households/areas inside the actor's scope, runs the
 * kind's check and writes the row and its audit row in one transaction.
 *
 * Storage: table ledger_entries (migration 0009), one row per entry of any kind:
 *   id           row id
 *   county       6-digit county code of area_code
 *   kind         the kind key ("project", "subsidy", "microloan", "public_post",
 *                "employment", "collective", "inspection", "milestone")
 *   area_code    12-digit code of the village (or town) the row belongs to; for kinds with a
 *                person or household it is that person's/household's village unless the
 *                row names an area (then the person must lie inside it)
 *   entry_date   'YYYY-MM-DD', the date that places the row in a period (project 开工日期,
 *                subsidy 发放日期, loan 发放日期, post 上岗日期, employment 统计日期,
 *                collective <year>-12-31, inspection 巡查日期, milestone 计划完成日期)
 *   end_date     'YYYY-MM-DD' or NULL, never before entry_date (project 完工日期, loan 到期日期,
 *                post 离岗日期)
 *   amount_fen   the kind's main money amount in 分 or NULL (project 衔接资金, subsidy 奖补金额,
 *                loan 贷款金额, post 月工资, employment 务工收入, collective 经营性收入)
 *   quantity     the kind's main count/area/months or NULL (project 受益户数, loan 期限(月),
 *                employment 务工月数, milestone 计划进度(%))
 *   person_id    persons.id or NULL (loan borrower, post holder, worker)
 *   household_id households.id or NULL (subsidy household; the person's household otherwise)
 *   parent_id    ledger_entries.id or NULL (a milestone's project)
 *   status       the kind's status text or '' (项目状态, 还款状态, 在岗状态, 整改状态, 完成状态)
 *   category     the kind's sub-type or '' (项目类型 产业发展类/基础设施类/…, 巡查类别
 *                巡河/巡林/人居环境, 务工地域)
 *   title        the kind's main text (项目名称, 奖补项目, 岗位名称, 务工地点, 巡查地点, 节点名称)
 *   fields       JSON object: every field of the kind by key, canonical values (money in 分 as
 *                integer, int as integer, quantity as number, dates 'YYYY-MM-DD', enums as
 *                text, person/household/parent as ids, area as code)
 *   created_by / created_at / updated_by / updated_at   username and unix seconds
 * ledger_beneficiaries(entry_id, household_id, county, area_code): 受益户 of a project.
 * ledger_settings(area_code, year, key, value): check thresholds (see ZX_LEDGER_SET_*).
 *
 * SQL over the table for other modules (indicators): a sum of amount_fen / quantity or a count
 * over (kind, area_code BETWEEN scope, entry_date BETWEEN from AND to, optional status,
 * category) is what zx_ledger_totals() computes.
 */
#ifndef ZX_LEDGER_H
#define ZX_LEDGER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/crypto.h"
#include "domain/auth/actor.h"
#include "store/store.h"

#define ZX_LEDGER_MAX_FIELDS 16
#define ZX_LEDGER_TEXT_MAX 1000

/* ---- kinds as data -------------------------------------------------------------------------- */

typedef enum zx_lftype {
	ZX_LF_TEXT,
	ZX_LF_INT,        /* whole number (min/max apply) */
	ZX_LF_NUMBER,     /* decimal, up to 2 decimals (min/max in hundredths) */
	ZX_LF_MONEY,      /* 元 text (or 万元 by header/suffix) -> 分 (min/max in 分) */
	ZX_LF_DATE,       /* YYYY-MM-DD (also YYYY/M/D, YYYYMMDD, YYYY年M月D日) */
	ZX_LF_YEAR,       /* YYYY */
	ZX_LF_ENUM,       /* one of enums */
	ZX_LF_PERSON,     /* 证件号码 (or "#<persons.id>") of a person inside the area */
	ZX_LF_HOUSEHOLD,  /* 户编号 (or "#<households.id>") of a household inside the area */
	ZX_LF_HOUSEHOLDS, /* list of 户编号 separated by 、,;space (project 受益户) */
	ZX_LF_AREA,       /* 12-digit area code (or the exact name of an area in scope) */
	ZX_LF_PARENT,     /* id of a ledger row of kind `parent_kind` (or its exact title) */
	ZX_LF_COMPUTED,   /* output only (逾期, 薄弱村): never read from input */
} zx_lftype;

/* The column a field fills (besides `fields` JSON). */
typedef enum zx_lfrole {
	ZX_LR_NONE,
	ZX_LR_AREA,
	ZX_LR_DATE,     /* entry_date */
	ZX_LR_END,      /* end_date */
	ZX_LR_AMOUNT,   /* amount_fen */
	ZX_LR_QUANTITY, /* quantity */
	ZX_LR_PERSON,
	ZX_LR_HOUSEHOLD,
	ZX_LR_PARENT,
	ZX_LR_STATUS,
	ZX_LR_CATEGORY,
	ZX_LR_TITLE,
} zx_lfrole;

typedef struct zx_ledger_field {
	const char *key;   /* JSON key, e.g. "amount" */
	const char *label; /* Chinese name and import/export header, e.g. "贷款金额" */
	zx_lftype type;
	zx_lfrole role;
	bool required;
	int64_t min, max; /* INT/YEAR: value; NUMBER: hundredths; MONEY: 分; TEXT: max chars; 0/0 = none */
	const char *const *enums; /* ENUM: NULL-terminated */
	const char *unit;         /* shown after the header: "元", "月", "%" (NULL: none) */
	const char *parent_kind;  /* PARENT */
	const char *def;          /* default when not given on add (ENUM status), NULL: none */
} zx_ledger_field;

struct zx_ledger_row;
struct zx_ledger_ctx;

typedef struct zx_ledger_kind {
	const char *key;  /* "microloan" */
	const char *name; /* "小额信贷" */
	const zx_ledger_field *fields;
	int nfields;
	/* Row rules beyond the descriptor (limits that depend on settings, overlaps, links):
	 * ZX_OK or a zx_fail() naming the field. Runs inside the write transaction. */
	zx_err (*check)(struct zx_ledger_ctx *x, const struct zx_ledger_row *r, zx_errinfo *ei);
} zx_ledger_kind;

/* All kinds, in menu order; n set to their count. */
const zx_ledger_kind *zx_ledger_kinds(int *n);
/* NULL if unknown. */
const zx_ledger_kind *zx_ledger_kind_find(const char *key);
/* Field index by key or by Chinese label (a header; "金额（万元）" matches label "金额" and sets
 * *wan). -1 if none. */
int zx_ledger_field_find(const zx_ledger_kind *k, const char *name, bool *wan);

/* ---- an entry ------------------------------------------------------------------------------- */

/* A validated row in canonical form (also what a kind's check sees). */
typedef struct zx_ledger_row {
	const zx_ledger_kind *kind;
	int64_t id; /* 0 on add */
	char county[7];
	char area_code[13];
	char entry_date[11]; /* '' = NULL */
	char end_date[11];
	bool has_amount, has_quantity;
	int64_t amount_fen;
	double quantity;
	int64_t person_id, household_id, parent_id; /* 0 = NULL */
	char status[64];
	char category[64];
	char title[ZX_LEDGER_TEXT_MAX * 4 + 1];
	/* per field (index as in kind->fields): given, and the canonical value */
	bool given[ZX_LEDGER_MAX_FIELDS];
	int64_t ival[ZX_LEDGER_MAX_FIELDS]; /* INT/YEAR/MONEY/NUMBER(hundredths)/PERSON/HOUSEHOLD/PARENT */
	char *sval[ZX_LEDGER_MAX_FIELDS];   /* TEXT/ENUM/DATE/AREA (owned by the row) */
	int64_t *hh_ids;                    /* HOUSEHOLDS */
	int nhh;
} zx_ledger_row;

void zx_ledger_row_free(zx_ledger_row *r);

/* Input: strings as a user gives them, by field index; NULL = not given (update keeps the
 * stored value, add uses the default). wan[i]: the value is in 万元 (header said so). */
typedef struct zx_ledger_input {
	const char *val[ZX_LEDGER_MAX_FIELDS];
	bool wan[ZX_LEDGER_MAX_FIELDS];
	const zx_keys *keys; /* blind index of 证件号码 (PERSON fields given as ID numbers) */
	long rowno;          /* import: the file row named in errors (0 otherwise) */
} zx_ledger_input;

/* Roles that write ledgers: county/town admins and village clerks (ZX_EFORBIDDEN otherwise). */
zx_err zx_ledger_may_write(const zx_actor *a, zx_errinfo *ei);

/* Adds a row (own write transaction, audited "ledger.create"). */
zx_err zx_ledger_add(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_input *in,
                     int64_t *id_out, zx_errinfo *ei);
/* Updates; ZX_ENOTFOUND outside the actor's scope or of another kind ("ledger.update"). */
zx_err zx_ledger_update(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id,
                        const zx_ledger_input *in, zx_errinfo *ei);
/* Deletes ("ledger.delete"); a project with milestones loses them too. */
zx_err zx_ledger_delete(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id, zx_errinfo *ei);

/* One entry as shown: JSON object with id, kind, area_code, area_name, every field by key in
 * display form (money as 元 text "50000.00", persons as {id,name,id_masked} unless unmask,
 * households as {id,hh_no,head_name}), computed flags (overdue, weak) and timestamps.
 * ZX_ENOTFOUND outside scope. *out is a jansson json_t* (void* keeps jansson out of here). */
zx_err zx_ledger_get_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, int64_t id, void **out,
                          zx_errinfo *ei);

typedef struct zx_ledger_filter {
	const char *area;     /* area code inside the actor's scope (NULL: the actor's area) */
	const char *from;     /* entry_date >= (YYYY-MM-DD), NULL: none */
	const char *to;       /* entry_date <= */
	int year;             /* 0: none; else from/to = that year */
	const char *status;   /* NULL/'': any */
	const char *category; /* NULL/'': any */
	const char *q;        /* text in title, person name, 户编号 or fields; NULL/'': any */
	int64_t parent_id;    /* 0: any */
	int offset, limit;    /* limit 0 = 50; max 500 for lists, unlimited for export */
} zx_ledger_filter;

/* A page of entries (JSON array of zx_ledger_get_json objects) and the total matching. */
zx_err zx_ledger_list_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                           void **items_out, int64_t *total_out, zx_errinfo *ei);

/* Descriptor of one kind / of all kinds as JSON for the UI (fields with type, label, unit,
 * required, enums, min/max). */
void *zx_ledger_kind_json(const zx_ledger_kind *k);
void *zx_ledger_kinds_json(void);

/* ---- checks ---------------------------------------------------------------------------------- */

/* Setting keys (ledger_settings.key) and their built-in defaults. */
#define ZX_LEDGER_SET_INDUSTRY_SHARE "industry_share_min" /* ‰ of 衔接资金 on 产业发展类 */
#define ZX_LEDGER_DEF_INDUSTRY_SHARE 550
#define ZX_LEDGER_SET_WEAK_VILLAGE "weak_village_fen" /* 村集体经济 income below: 薄弱村 */
#define ZX_LEDGER_DEF_WEAK_VILLAGE 10000000           /* 10万元 */
#define ZX_LEDGER_SET_LOAN_MAX "loan_max_fen"
#define ZX_LEDGER_DEF_LOAN_MAX 5000000 /* 5万元 */
#define ZX_LEDGER_SET_LOAN_MONTHS "loan_max_months"
#define ZX_LEDGER_DEF_LOAN_MONTHS 36

/* The setting in force for an area and year: the most specific area row (village, town,
 * county) for that year, else for year 0, else the default. */
int64_t zx_ledger_setting(zx_conn *c, const char *area12, int year, const char *key);
/* Sets one (county/town admins for their area, and the CLI operator; audited). */
zx_err zx_ledger_setting_set(zx_conn *c, const zx_actor *a, const char *area12, int year, const char *key,
                             int64_t value, zx_errinfo *ei);

/* The check results of a kind for an area and year: JSON array of
 * {level: "warning"|"info"|"ok", code, message (Chinese), area_code, entry_id?, figures{}}.
 * project: 产业发展类 share of 衔接资金 per area vs the minimum; microloan: overdue loans
 * and any over the limits; public_post: persons with overlapping posts; collective: 薄弱村;
 * every kind with persons/households: rows whose person/household left the area. */
zx_err zx_ledger_checks_json(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const char *area,
                             int year, void **out, zx_errinfo *ei);

/* ---- totals for reports and indicators -------------------------------------------------------- */

typedef struct zx_ledger_totals {
	int64_t count;
	int64_t amount_fen; /* sum(amount_fen), NULL counted as 0 */
	double quantity;    /* sum(quantity) */
} zx_ledger_totals;

/* Totals of kind `kind` over the area's subtree (any level; ZX_ENOTFOUND outside the actor's
 * scope) and entry_date in [from, to] (YYYY-MM-DD, inclusive; NULL = open). status and
 * category filter exactly when not NULL/''. */
zx_err zx_ledger_totals_get(zx_conn *c, const zx_actor *a, const char *area, const char *kind,
                            const char *from, const char *to, const char *status, const char *category,
                            zx_ledger_totals *out, zx_errinfo *ei);

/* ---- import / export -------------------------------------------------------------------------- */

typedef struct zx_ledger_import_opts {
	const zx_keys *keys;
	bool dry_run;
	const char *errors_csv; /* write every row error here (NULL: none) */
	const char *encoding;   /* CSV: NULL/"auto", "UTF-8", "GB18030" */
	/* progress: data rows read so far (may be NULL) */
	void (*progress)(void *ctx, long rows);
	void *progress_ctx;
} zx_ledger_import_opts;

#define ZX_LEDGER_IMPORT_FIRST 200

typedef struct zx_ledger_import_error {
	long row;          /* file row (1 = header), 0 for the file */
	char column[64];   /* the Chinese header */
	char message[512]; /* complete Chinese sentence naming row and column */
} zx_ledger_import_error;

typedef struct zx_ledger_import_result {
	long rows;     /* data rows read */
	long imported; /* rows written (0 on dry run or any error) */
	long valid;    /* rows without error */
	long errors;   /* rows with errors */
	zx_ledger_import_error first[ZX_LEDGER_IMPORT_FIRST];
	int nfirst;
} zx_ledger_import_result;

/* Imports a CSV or XLSX file (headers = the kind's Chinese labels, also "label（单位）";
 * 万元 in a header converts to 分): every row is validated; with any error nothing is
 * written (ZX_EVALIDATION, errors in res and in o->errors_csv); otherwise every row is written
 * in one transaction with one audit row "ledger.import". */
zx_err zx_ledger_import(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const char *path,
                        const zx_ledger_import_opts *o, zx_ledger_import_result *res, zx_errinfo *ei);

/* Writes the filtered entries as XLSX (xlsx true) or CSV with the Chinese headers; persons
 * masked (name and 证件号码 with the middle hidden). Audited "ledger.export". */
zx_err zx_ledger_export(zx_conn *c, const zx_actor *a, const zx_ledger_kind *k, const zx_ledger_filter *f,
                        bool xlsx, const char *path, long *rows_out, zx_errinfo *ei);

#endif
