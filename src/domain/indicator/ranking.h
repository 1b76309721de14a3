/*
 * ranking.h — 晾晒 and 红黑榜 (domain.md §5): the league table of the child areas of an area
 * (towns of a county, villages of a town) by weighted indicator completion for a period,
 * 红榜 (top N) and 黑榜 (bottom N), and published snapshots kept as history.
 *
 * Score of an area = Σ weight·s / Σ weight over the indicators with weight > 0 that have a
 * target for the area and period, where s = actual / target for higher-is-better indicators
 * and, where less is better, 1 while actual ≤ target and target / actual above it. An area
 * without any such target is listed last, unranked. Equal scores (to 10⁻⁹) share a rank
 * (1, 2, 2, 4) and are listed by area code. 红榜: ranks ≤ N; 黑榜: the areas with at most N−1
 * areas scoring strictly lower, not on the 红榜.
 *
 * Publishing stores the computed table (with each area's indicator details) in one
 * transaction with its audit row; a snapshot never changes afterwards. County admins publish
 * for the county, town admins for their town. A snapshot is visible to users inside its area
 * and above it.
 */
#ifndef ZX_RANKING_H
#define ZX_RANKING_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/indicator/indicator.h"

#define ZX_RANK_TOP_MAX 50
#define ZX_RANK_TITLE_MAX 200

typedef struct zx_rank_detail {
	char key[ZX_IND_KEY_MAX + 1];
	char name[ZX_IND_NAME_MAX + 1];
	char unit[16];
	int weight;
	int64_t target, actual;
	double completion; /* actual / target */
	double score;      /* s of the formula above */
} zx_rank_detail;

typedef struct zx_rank_row {
	char area_code[13];
	char area_name[128];
	int position; /* 1-based order in the table */
	int rank;     /* 0 = unranked (no target) */
	bool has_score;
	double score;
	int n;               /* indicators counted */
	zx_rank_detail *det; /* n of them */
	char board[8];       /* red | black | "" */
} zx_rank_row;

typedef struct zx_ranking {
	int64_t id; /* 0 while not published */
	char area_code[13];
	char area_name[128];
	zx_period period; /* with as_of applied */
	char as_of[11];
	char title[ZX_RANK_TITLE_MAX + 1];
	int top_n;
	char created_by[64];
	int64_t created_at;
	int nrows;
	zx_rank_row *rows;
} zx_ranking;

typedef struct zx_ranking_input {
	const char *area; /* the parent: a county or a town ("" = the actor's) */
	int year;
	const char *period;
	const char *as_of; /* "" = the period's end */
	int top_n;         /* 1..ZX_RANK_TOP_MAX; 0 = 3 */
	const char *title; /* "" = generated: 潼川镇2026年6月晾晒 */
} zx_ranking_input;

/* Computes the table (not stored). Free with zx_ranking_free. */
zx_err zx_ranking_compute(zx_conn *c, const zx_actor *a, const zx_ranking_input *in, zx_ranking *out,
                          zx_errinfo *ei);
/* Computes and stores a snapshot; *id_out its id. */
zx_err zx_ranking_publish(zx_conn *c, const zx_actor *a, const zx_ranking_input *in, int64_t *id_out,
                          zx_errinfo *ei);
/* A stored snapshot visible to the actor, rows and details included; ZX_ENOTFOUND otherwise. */
zx_err zx_ranking_get(zx_conn *c, const zx_actor *a, int64_t id, zx_ranking *out);
void zx_ranking_free(zx_ranking *r);

typedef bool (*zx_ranking_fn)(void *ctx, const zx_ranking *r); /* rows not loaded */
/* Snapshots visible for an area of the actor ("" = the actor's own), newest first. */
zx_err zx_ranking_list(zx_conn *c, const zx_actor *a, const char *area, int64_t limit, int64_t offset,
                       zx_ranking_fn fn, void *ctx, int64_t *total, zx_errinfo *ei);

/* Orders rows by score, assigns ranks and boards (exposed for tests). */
void zx_ranking_order(zx_rank_row *rows, int n, int top_n);

/* Exports a snapshot: XLSX (league table, 红榜, 黑榜, details) or a Markdown 通报. */
zx_err zx_ranking_export_xlsx(const zx_ranking *r, const char *path, zx_errinfo *ei);
zx_err zx_ranking_export_markdown(const zx_ranking *r, const char *path, zx_errinfo *ei);
/* A 通报 DOCX in 公文 format through the report module's writer (ranking_docx.c). */
zx_err zx_ranking_export_docx(const zx_ranking *r, const char *path, zx_errinfo *ei);

#endif
