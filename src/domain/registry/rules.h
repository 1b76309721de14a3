/*
 * rules.h — the checks of one registry value or one row that the importer's rules also
 * make (template value lists, lengths, 证件号码, 性别 against the ID, 联系电话, 残疾等级 only
 * with 残疾, 脱贫不稳定户 and 脱贫年度 only for 脱贫户), with the same limits and wording, for
 * callers that hold one value at a time (the edit API). Each failure is ZX_EVALIDATION with
 * the template column name as the field and a Chinese message.
 */
#ifndef ZX_REGISTRY_RULES_H
#define ZX_REGISTRY_RULES_H

#include "base/error.h"
#include "domain/registry/template.h"

/* Byte caps of free-text columns (the importer's). */
#define ZX_RULE_NAME_MAX 64   /* 姓名 */
#define ZX_RULE_SHORT_MAX 32  /* 民族, 组 */
#define ZX_RULE_HELPER_MAX 64 /* 帮扶责任人 */
#define ZX_RULE_TUOPIN_FIRST 2013
#define ZX_RULE_TUOPIN_LAST 2020

/* A value of column col: in the value list, or free text within its cap and without
 * control characters, or blank only where the column allows it; 务工时间(月) 0–12,
 * 脱贫年度 2013–2020, 行政区划代码 12 digits, 证件号码 and 联系电话 as below. */
zx_err zx_rule_value(zx_template_col col, const char *v, zx_errinfo *ei);
/* 证件号码: check character, real birth date not after today. norm receives the
 * upper-case-X form, *birth_ymd and *gender (1 男, 2 女) what the number says. */
zx_err zx_rule_id(const char *v, char norm[19], int *birth_ymd, int *gender, zx_errinfo *ei);
/* 性别 agrees with the ID's (id_gender 1 男, 2 女). */
zx_err zx_rule_gender(const char *gender, int id_gender, zx_errinfo *ei);
/* 联系电话: "" or a mobile number 1[3-9] + 9 digits, or a landline 0 + area code, optional
 * '-', 7–8 digits. */
zx_err zx_rule_phone(const char *v, zx_errinfo *ei);
/* Across household columns: 脱贫不稳定户 only for 脱贫户; a 脱贫年度 only for 脱贫户. */
zx_err zx_rule_household(const char *hh_type, const char *category, const char *tuopin_year, zx_errinfo *ei);
/* Across member columns: 残疾等级 only when 健康状况 is 残疾. */
zx_err zx_rule_member(const char *health, const char *disability, zx_errinfo *ei);

#endif
