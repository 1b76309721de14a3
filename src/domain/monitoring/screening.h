/*
 * screening.h — 排查: the screening rules and the engine that evaluates them over an area
 * (domain.md §3). The same engine serves `zhenxing screen`, POST /api/v1/screenings and
 * the report module.
 *
 * Rules are data: the table screening_rules holds each rule's stable id, bit, Chinese
 * name, reason template and the policy parameters it reads; the conditions themselves are
 * one named SQL query (screening_evaluate) that computes every rule for every household
 * of the area as set operations — never row by row in C. C only renders the templates of
 * the rules that fired, with the figures ("人均纯收入 6120元 低于监测线 7000元").
 *
 * Screening looks at households of the area that are not 监测户 (category empty) and have
 * an income survey for the year; those without a survey are counted (and, when stored,
 * listed) as missing_income, never as candidates. The parameters come from
 * zx_policy_effective(); the result names the policy version used.
 */
#ifndef ZX_SCREENING_H
#define ZX_SCREENING_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "domain/monitoring/policy.h"
#include "store/store.h"

#define ZX_SCREEN_MAX_RULES 16

/* Bits of the stable rule ids (screening_rules.bit). */
enum {
	ZX_RULE_INCOME_BELOW_LINE = 1 << 0,
	ZX_RULE_INCOME_WARNING_BAND = 1 << 1,
	ZX_RULE_INCOME_DROP = 1 << 2,
	ZX_RULE_HOUSING_UNSAFE = 1 << 3,
	ZX_RULE_WATER_UNSAFE = 1 << 4,
	ZX_RULE_MEDICAL_UNINSURED = 1 << 5,
	ZX_RULE_SCHOOL_DROPOUT = 1 << 6,
	ZX_RULE_DEPT_WARNING = 1 << 7,
};

typedef struct zx_screen_rule {
	char id[40];
	unsigned bit;
	char name[96];
	char template_text[256];
	char params[128];
	bool enabled;
} zx_screen_rule;

typedef struct zx_screen_candidate {
	int64_t household_id;
	const char *hh_no;
	const char *area_code;
	unsigned rules; /* bits of enabled rules that fired */
	int nrules;
	const char *rule_ids[ZX_SCREEN_MAX_RULES]; /* in rule order */
	const char *reasons[ZX_SCREEN_MAX_RULES];  /* reasons[i] explains rule_ids[i] */
	const char *events; /* sudden events of the year ("重大疾病 2025-03-02；…"), "" if none */
	/* The figures behind the reasons. */
	int64_t net;
	int size;
	int64_t prev_net; /* 0 when no survey last year */
	int prev_size;
} zx_screen_candidate;

/* Return false to stop. The candidate's strings are valid during the call only. */
typedef bool (*zx_screen_fn)(void *ctx, const zx_screen_candidate *c);

typedef struct zx_screen_result {
	int year;
	char area[13];
	char area_name[128];
	zx_policy policy;
	int nrules;
	zx_screen_rule rules[ZX_SCREEN_MAX_RULES];
	int64_t counts[ZX_SCREEN_MAX_RULES]; /* households per rule, index as rules[] */
	int64_t candidates;
	int64_t screened;       /* households with a survey that were evaluated */
	int64_t missing_income; /* households without a survey for the year */
	int64_t screening_id;   /* zx_screen_save only */
} zx_screen_result;

/* Loads the rule table (in order). */
zx_err zx_screen_rules(zx_conn *c, zx_screen_rule *out, int max, int *n);

/* Runs the rules over an area (county, town or village inside the actor's scope) and
 * year, streaming candidates to fn (may be NULL: counts only), in area/户编号 order. Runs
 * in a read transaction unless the caller holds one. */
zx_err zx_screen_run(zx_conn *c, const zx_actor *a, const char *area12, int year, zx_screen_fn fn, void *ctx,
                     zx_screen_result *out, zx_errinfo *ei);

/* Runs and stores the result (screenings + screening_candidates, with the households
 * without a survey), audited, in one write transaction. */
zx_err zx_screen_save(zx_conn *c, const zx_actor *a, const char *area12, int year, zx_screen_result *out,
                      zx_errinfo *ei);

/* The counts as JSON text {"income_below_line":n,…} (every rule, in order); caller frees. */
char *zx_screen_counts_json(const zx_screen_result *r);

#endif
