/*
 * registry_fixture.h — households with chosen names, types and IDs for the registry read,
 * edit and export tests (test_registry_query.c, test_registry_edit.c, test_export.c), on
 * top of tests/lib/zxtest.h (database, 三台县 hierarchy, actors, keys).
 *
 * IDs are valid 18-character numbers made from a serial: 510722 + birth date + sequence
 * + check character; the sequence's parity decides the gender and rf_gender() says which.
 */
#ifndef ZX_REGISTRY_FIXTURE_H
#define ZX_REGISTRY_FIXTURE_H

#include "../lib/zxtest.h"
#include "base/idcard.h"

/* A valid ID for serial n (n < 28000: one birth day per thousand). */
static void rf_id(int n, char out[19])
{
	char t[40];
	snprintf(t, sizeof(t), "5107221980%02d%02d%03d", 1 + n / 28000 % 12, 1 + (n / 1000) % 28, n % 1000);
	memcpy(out, t, 17);
	out[17] = zx_idcard_check_char(out);
	out[18] = '\0';
}

static const char *rf_gender(const char *id)
{
	return (id[16] - '0') % 2 ? "男" : "女";
}

typedef struct rf_hh {
	const char *village;
	const char *hh_no;
	const char *hh_type;  /* NULL = 一般农户 */
	const char *category; /* NULL = "" */
	const char *group;    /* NULL = 1组 */
	int tuopin_year;
	const char *helper;
	int n;
	const char *names[8]; /* names[0] is the 户主 */
	int ids[8];           /* serials for rf_id */
	const char *phones[8];
	const char *school[8]; /* NULL = 非在校生 */
	int insured[8];        /* 0 = 是 (default), 2 = 否, 3 = unknown */
} rf_hh;

/* Inserts h (own write transaction); returns the household id. */
static int64_t rf_insert(zxt_db *d, const rf_hh *h)
{
	static const char *const rel[8] = {"户主",   "配偶",   "之子", "之女",
	                                   "之孙子", "之孙女", "之父", "之母"};
	zx_person_rec m[8];
	char ids[8][19];
	assert_true(h->n >= 1 && h->n <= 8);
	for (int i = 0; i < h->n; i++) {
		rf_id(h->ids[i], ids[i]);
		zx_idcard card;
		assert_int_equal(zx_idcard_parse(ids[i], 20250101, &card), ZX_ID_OK);
		m[i] = (zx_person_rec){.name = h->names[i],
		                       .id_number = ids[i],
		                       .relation = rel[i],
		                       .gender = rf_gender(ids[i]),
		                       .birth_ymd = card.birth_ymd,
		                       .nation = "汉族",
		                       .education = "初中",
		                       .school = h->school[i] ? h->school[i] : "非在校生",
		                       .health = "健康",
		                       .disability = "",
		                       .labor = "普通劳动力",
		                       .work = "乡镇内务工",
		                       .work_months = 6,
		                       .insured = h->insured[i] == 0   ? 1
		                                  : h->insured[i] == 2 ? 0
		                                                       : -1,
		                       .phone = h->phones[i] ? h->phones[i] : ""};
	}
	zx_household_rec r = {.hh_no = h->hh_no,
	                      .village = h->village,
	                      .group = h->group ? h->group : "1组",
	                      .hh_type = h->hh_type ? h->hh_type : "一般农户",
	                      .category = h->category ? h->category : "",
	                      .tuopin_year = h->tuopin_year,
	                      .housing_safe = 1,
	                      .water_safe = 1,
	                      .risk_type = "",
	                      .helper = h->helper ? h->helper : "",
	                      .n = h->n,
	                      .m = m};
	int64_t id = 0;
	assert_int_equal(zx_tx_begin_write(d->c), ZX_OK);
	zx_err e = zx_household_insert(d->c, zxt_keys(), ZXT_COUNTY, &r, &id);
	if (e)
		fail_msg("zx_household_insert(%s): %s", h->hh_no, zx_err_name(e));
	assert_int_equal(zx_tx_commit(d->c), ZX_OK);
	return id;
}

/* Counts rows of a table through a throwaway connection-level query (tests only). */
static int64_t rf_count_audit(zxt_db *d, const char *action)
{
	int64_t n = 0;
	zx_scope all = ZX_SCOPE_ALL;
	assert_int_equal(zx_query_int(d->c, &all, ZXQ_audit_count, ZX_ARGS(ZX_TEXT(action), ZX_TEXT("")), &n),
	                 ZX_OK);
	return n;
}

#endif
