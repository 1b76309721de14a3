/*
 * kinds.c — the ledger kinds as data (ledger.h): fields, types, Chinese headers, limits,
 * enum values and the column each field fills. Adding a kind is adding a table here and,
 * when it has rules a descriptor cannot say, a check function in checks.c.
 */
#include <jansson.h>
#include <string.h>

#include "domain/ledger/ledger_internal.h"

static const char *const project_types[] = {"产业发展类", "基础设施类", "公共服务类", "就业帮扶类",
                                            "金融帮扶类", "其他",       NULL};
static const char *const project_status[] = {"储备", "在建", "完工", "暂停", "取消", NULL};
static const char *const yes_no[] = {"是", "否", NULL};
static const char *const loan_status[] = {"正常", "已还清", "展期", "逾期", NULL};
static const char *const post_status[] = {"在岗", "离岗", NULL};
static const char *const work_regions[] = {"县内", "县外省内", "省外", NULL};
static const char *const inspection_types[] = {"巡河", "巡林", "人居环境", NULL};
static const char *const inspection_status[] = {"无问题", "待整改", "已整改", NULL};
static const char *const milestone_status[] = {"未开始", "进行中", "已完成", NULL};

#define MONEY_MAX ((int64_t)100000000000) /* 10 亿元 */

static const zx_ledger_field project_fields[] = {
    {"name", "项目名称", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 200, NULL, NULL, NULL, NULL},
    {"area", "区划代码", ZX_LF_AREA, ZX_LR_AREA, true, 0, 0, NULL, NULL, NULL, NULL},
    {"type", "项目类型", ZX_LF_ENUM, ZX_LR_CATEGORY, true, 0, 0, project_types, NULL, NULL, NULL},
    {"planned", "计划投资", ZX_LF_MONEY, ZX_LR_NONE, false, 0, MONEY_MAX, NULL, "元", NULL, NULL},
    {"allocated", "衔接资金", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 0, MONEY_MAX, NULL, "元", NULL, NULL},
    {"spent", "已支付资金", ZX_LF_MONEY, ZX_LR_NONE, false, 0, MONEY_MAX, NULL, "元", NULL, NULL},
    {"households", "受益户数", ZX_LF_INT, ZX_LR_QUANTITY, false, 0, 1000000, NULL, "户", NULL, NULL},
    {"beneficiaries", "受益户编号", ZX_LF_HOUSEHOLDS, ZX_LR_NONE, false, 0, 0, NULL, NULL, NULL, NULL},
    {"status", "项目状态", ZX_LF_ENUM, ZX_LR_STATUS, true, 0, 0, project_status, NULL, NULL, "储备"},
    {"start", "开工日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 0, NULL, NULL, NULL, NULL},
    {"finish", "完工日期", ZX_LF_DATE, ZX_LR_END, false, 0, 0, NULL, NULL, NULL, NULL},
    {"owner", "实施单位", ZX_LF_TEXT, ZX_LR_NONE, false, 0, 100, NULL, NULL, NULL, NULL},
};

static const zx_ledger_field subsidy_fields[] = {
    {"household", "户编号", ZX_LF_HOUSEHOLD, ZX_LR_HOUSEHOLD, true, 0, 0, NULL, NULL, NULL, NULL},
    {"item", "奖补项目", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 100, NULL, NULL, NULL, NULL},
    {"scale", "规模", ZX_LF_NUMBER, ZX_LR_QUANTITY, false, 0, 100000000, NULL, NULL, NULL, NULL},
    {"amount", "奖补金额", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 1, 10000000, NULL, "元", NULL, NULL},
    {"date", "发放日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 1, NULL, NULL, NULL, NULL},
    {"note", "备注", ZX_LF_TEXT, ZX_LR_NONE, false, 0, 200, NULL, NULL, NULL, NULL},
};

static const zx_ledger_field microloan_fields[] = {
    {"borrower", "借款人证件号码", ZX_LF_PERSON, ZX_LR_PERSON, true, 0, 0, NULL, NULL, NULL, NULL},
    {"amount", "贷款金额", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 1, MONEY_MAX, NULL, "元", NULL, NULL},
    {"term", "贷款期限", ZX_LF_INT, ZX_LR_QUANTITY, true, 1, 120, NULL, "月", NULL, NULL},
    {"issued", "发放日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 1, NULL, NULL, NULL, NULL},
    {"due", "到期日期", ZX_LF_DATE, ZX_LR_END, true, 0, 0, NULL, NULL, NULL, NULL},
    {"bank", "放贷银行", ZX_LF_TEXT, ZX_LR_TITLE, false, 0, 100, NULL, NULL, NULL, NULL},
    {"status", "还款状态", ZX_LF_ENUM, ZX_LR_STATUS, true, 0, 0, loan_status, NULL, NULL, "正常"},
    {"overdue", "是否逾期", ZX_LF_COMPUTED, ZX_LR_NONE, false, 0, 0, yes_no, NULL, NULL, NULL},
};

static const zx_ledger_field post_fields[] = {
    {"person", "证件号码", ZX_LF_PERSON, ZX_LR_PERSON, true, 0, 0, NULL, NULL, NULL, NULL},
    {"post", "岗位名称", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 100, NULL, NULL, NULL, NULL},
    {"village", "所在村", ZX_LF_AREA, ZX_LR_AREA, false, 0, 0, NULL, NULL, NULL, NULL},
    {"start", "上岗日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 1, NULL, NULL, NULL, NULL},
    {"end", "离岗日期", ZX_LF_DATE, ZX_LR_END, false, 0, 0, NULL, NULL, NULL, NULL},
    {"pay", "月工资", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 0, 10000000, NULL, "元", NULL, NULL},
    {"status", "在岗状态", ZX_LF_ENUM, ZX_LR_STATUS, true, 0, 0, post_status, NULL, NULL, "在岗"},
};

static const zx_ledger_field employment_fields[] = {
    {"person", "证件号码", ZX_LF_PERSON, ZX_LR_PERSON, true, 0, 0, NULL, NULL, NULL, NULL},
    {"place", "务工地点", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 100, NULL, NULL, NULL, NULL},
    {"region", "务工地域", ZX_LF_ENUM, ZX_LR_CATEGORY, false, 0, 0, work_regions, NULL, NULL, NULL},
    {"months", "务工月数", ZX_LF_INT, ZX_LR_QUANTITY, true, 0, 12, NULL, "月", NULL, NULL},
    {"income", "务工收入", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 0, 100000000, NULL, "元", NULL, NULL},
    {"date", "统计日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 1, NULL, NULL, NULL, NULL},
};

static const zx_ledger_field collective_fields[] = {
    {"village", "区划代码", ZX_LF_AREA, ZX_LR_AREA, true, 0, 0, NULL, NULL, NULL, NULL},
    {"year", "年度", ZX_LF_YEAR, ZX_LR_DATE, true, 2000, 2100, NULL, NULL, NULL, NULL},
    {"income", "经营性收入", ZX_LF_MONEY, ZX_LR_AMOUNT, true, 0, MONEY_MAX, NULL, "元", NULL, NULL},
    {"source", "收入来源", ZX_LF_TEXT, ZX_LR_TITLE, false, 0, 200, NULL, NULL, NULL, NULL},
    {"weak", "是否薄弱村", ZX_LF_COMPUTED, ZX_LR_NONE, false, 0, 0, yes_no, NULL, NULL, NULL},
};

static const zx_ledger_field inspection_fields[] = {
    {"type", "巡查类别", ZX_LF_ENUM, ZX_LR_CATEGORY, true, 0, 0, inspection_types, NULL, NULL, NULL},
    {"area", "区划代码", ZX_LF_AREA, ZX_LR_AREA, true, 0, 0, NULL, NULL, NULL, NULL},
    {"inspector", "巡查人", ZX_LF_TEXT, ZX_LR_NONE, true, 0, 60, NULL, NULL, NULL, NULL},
    {"date", "巡查日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 1, NULL, NULL, NULL, NULL},
    {"place", "巡查地点", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 100, NULL, NULL, NULL, NULL},
    {"findings", "发现问题", ZX_LF_TEXT, ZX_LR_NONE, false, 0, 1000, NULL, NULL, NULL, NULL},
    {"status", "整改状态", ZX_LF_ENUM, ZX_LR_STATUS, true, 0, 0, inspection_status, NULL, NULL, "无问题"},
};

static const zx_ledger_field milestone_fields[] = {
    {"project", "所属项目", ZX_LF_PARENT, ZX_LR_PARENT, true, 0, 0, NULL, NULL, "project", NULL},
    {"name", "节点名称", ZX_LF_TEXT, ZX_LR_TITLE, true, 0, 100, NULL, NULL, NULL, NULL},
    {"percent", "计划进度", ZX_LF_INT, ZX_LR_QUANTITY, true, 0, 100, NULL, "%", NULL, NULL},
    {"due", "计划完成日期", ZX_LF_DATE, ZX_LR_DATE, true, 0, 0, NULL, NULL, NULL, NULL},
    {"actual", "实际进度", ZX_LF_INT, ZX_LR_NONE, false, 0, 100, NULL, "%", NULL, NULL},
    {"done", "实际完成日期", ZX_LF_DATE, ZX_LR_NONE, false, 0, 1, NULL, NULL, NULL, NULL},
    {"status", "完成状态", ZX_LF_ENUM, ZX_LR_STATUS, true, 0, 0, milestone_status, NULL, NULL, "未开始"},
};

#define KIND(key, name, f, chk)                                                                              \
	{                                                                                                    \
		key, name, f, (int)(sizeof(f) / sizeof(f[0])), chk                                           \
	}

static const zx_ledger_kind kinds[] = {
    KIND("project", "项目与资金", project_fields, zx_ledger_check_project),
    KIND("subsidy", "产业奖补", subsidy_fields, NULL),
    KIND("microloan", "小额信贷", microloan_fields, zx_ledger_check_loan),
    KIND("public_post", "公益性岗位", post_fields, zx_ledger_check_post),
    KIND("employment", "务工就业", employment_fields, NULL),
    KIND("collective", "村集体经济", collective_fields, zx_ledger_check_collective),
    KIND("inspection", "巡查", inspection_fields, NULL),
    KIND("milestone", "里程碑", milestone_fields, zx_ledger_check_milestone),
};

const zx_ledger_kind *zx_ledger_kinds(int *n)
{
	*n = (int)(sizeof(kinds) / sizeof(kinds[0]));
	return kinds;
}

const zx_ledger_kind *zx_ledger_kind_find(const char *key)
{
	for (size_t i = 0; key && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].key, key) == 0)
			return &kinds[i];
	return NULL;
}

/* "金额（万元）", "金额(元)", "金额万元" -> base "金额", unit. */
static void split_unit(const char *name, char *base, size_t cap, bool *wan, bool *has_unit)
{
	snprintf(base, cap, "%s", name);
	*wan = false;
	*has_unit = false;
	static const char *const opens[] = {"（", "(", "[", "【"};
	for (size_t i = 0; i < sizeof(opens) / sizeof(opens[0]); i++) {
		char *p = strstr(base, opens[i]);
		if (p) {
			*has_unit = true;
			*wan = strstr(p, "万") != NULL;
			*p = '\0';
			return;
		}
	}
	size_t n = strlen(base);
	if (n > 6 && strcmp(base + n - 6, "万元") == 0) {
		base[n - 6] = '\0';
		*wan = *has_unit = true;
	}
}

int zx_ledger_field_find(const zx_ledger_kind *k, const char *name, bool *wan)
{
	bool w = false, has_unit = false;
	if (wan)
		*wan = false;
	if (!name || !*name)
		return -1;
	for (int i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].key, name) == 0 || strcmp(k->fields[i].label, name) == 0)
			return i;
	char base[256];
	split_unit(name, base, sizeof(base), &w, &has_unit);
	for (int i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].label, base) == 0) {
			if (wan)
				*wan = w && k->fields[i].type == ZX_LF_MONEY;
			return i;
		}
	return -1;
}

static const char *type_key(zx_lftype t)
{
	switch (t) {
	case ZX_LF_TEXT:
		return "text";
	case ZX_LF_INT:
		return "int";
	case ZX_LF_NUMBER:
		return "number";
	case ZX_LF_MONEY:
		return "money";
	case ZX_LF_DATE:
		return "date";
	case ZX_LF_YEAR:
		return "year";
	case ZX_LF_ENUM:
		return "enum";
	case ZX_LF_PERSON:
		return "person";
	case ZX_LF_HOUSEHOLD:
		return "household";
	case ZX_LF_HOUSEHOLDS:
		return "households";
	case ZX_LF_AREA:
		return "area";
	case ZX_LF_PARENT:
		return "parent";
	case ZX_LF_COMPUTED:
		return "computed";
	}
	return "text";
}

static const char *role_key(zx_lfrole r)
{
	static const char *const keys[] = {"",       "area",      "date",   "end",    "amount",   "quantity",
	                                   "person", "household", "parent", "status", "category", "title"};
	return (int)r >= 0 && (size_t)r < sizeof(keys) / sizeof(keys[0]) ? keys[r] : "";
}

void *zx_ledger_kind_json(const zx_ledger_kind *k)
{
	json_t *fields = json_array();
	for (int i = 0; i < k->nfields; i++) {
		const zx_ledger_field *f = &k->fields[i];
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:b}", "key", f->key, "label", f->label, "type",
		                      type_key(f->type), "role", role_key(f->role), "required", f->required);
		if (f->unit)
			json_object_set_new(o, "unit", json_string(f->unit));
		if (f->enums) {
			json_t *e = json_array();
			for (const char *const *v = f->enums; *v; v++)
				json_array_append_new(e, json_string(*v));
			json_object_set_new(o, "enums", e);
		}
		if (f->type == ZX_LF_INT || f->type == ZX_LF_YEAR || f->type == ZX_LF_MONEY ||
		    f->type == ZX_LF_NUMBER) {
			if (f->min || f->max) {
				json_object_set_new(o, "min", json_integer(f->min));
				json_object_set_new(o, "max", json_integer(f->max));
			}
		} else if (f->type == ZX_LF_TEXT && f->max)
			json_object_set_new(o, "max_length", json_integer(f->max));
		else if (f->type == ZX_LF_DATE && f->max == 1)
			json_object_set_new(o, "not_future", json_true());
		if (f->parent_kind)
			json_object_set_new(o, "parent_kind", json_string(f->parent_kind));
		if (f->def)
			json_object_set_new(o, "default", json_string(f->def));
		json_array_append_new(fields, o);
	}
	return json_pack("{s:s,s:s,s:o}", "key", k->key, "name", k->name, "fields", fields);
}

void *zx_ledger_kinds_json(void)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		json_array_append_new(arr, zx_ledger_kind_json(&kinds[i]));
	return arr;
}
