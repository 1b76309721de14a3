/*
 * money.h — amounts of money as integer 分 (cents), parsed from and shown as 元.
 *
 * Nothing here touches floating point: 元 text with at most two decimals is parsed
 * digit by digit, ratios (人均纯收入 = 纯收入 / 人口) are kept as numerator and
 * denominator, and rounding (half away from zero) happens only when a figure is shown
 * (domain.md §3).
 */
#ifndef ZX_MONEY_H
#define ZX_MONEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Upper bound of any amount we accept: 10 亿元 (far above any household figure). */
#define ZX_MONEY_MAX_FEN ((int64_t)100000000000)

typedef enum zx_money_status {
	ZX_MONEY_OK = 0,
	ZX_MONEY_EMPTY,     /* blank */
	ZX_MONEY_BAD,       /* not a decimal number */
	ZX_MONEY_DECIMALS,  /* more than two decimals */
	ZX_MONEY_NEGATIVE,  /* below zero (allow_negative false) */
	ZX_MONEY_TOO_LARGE, /* above ZX_MONEY_MAX_FEN */
} zx_money_status;

/* Parses 元 text ("12345", "12345.6", "12345.67", "1,234.50", "-3.5") into 分. Leading
 * '+' and thousands separators are accepted; exponents and more than two decimals are
 * not. A negative value is ZX_MONEY_NEGATIVE unless allow_negative. */
zx_money_status zx_money_parse(const char *s, bool allow_negative, int64_t *fen);

/* A short Chinese description of a status ("最多两位小数"). */
const char *zx_money_status_message(zx_money_status st);

/* Exact 元 with two decimals: 1234567 -> "12345.67", -5 -> "-0.05". out >= 32 bytes. */
void zx_money_exact(int64_t fen, char *out, size_t outsz);
/* Exact 元 without trailing zero decimals: 700000 -> "7000", 1056050 -> "10560.5". */
void zx_money_short(int64_t fen, char *out, size_t outsz);

/* num / den rounded half away from zero (den > 0). */
int64_t zx_div_round(int64_t num, int64_t den);

/* 人均 figures: fen / persons, shown in whole 元 rounded half away from zero
 * (6120.5 -> "6121"), or exact to the 分 for the API ("6120.50"). */
void zx_money_per_capita_yuan(int64_t fen, int64_t persons, char *out, size_t outsz);
int64_t zx_money_per_capita_fen(int64_t fen, int64_t persons);

/* Growth of x1 = num1/den1 over x0 = num0/den0, in tenths of a percent, rounded half away
 * from zero: (x1 − x0) / x0 × 1000. Exact for any int64 inputs (128-bit intermediates).
 * Requires num0 > 0, den0 > 0, den1 > 0 (returns 0 otherwise). */
int64_t zx_growth_tenths(int64_t num1, int64_t den1, int64_t num0, int64_t den0);
/* Tenths as text with one decimal: 166 -> "16.6", -5 -> "-0.5". */
void zx_tenths_format(int64_t tenths, char *out, size_t outsz);

/* Parses a decimal with at most `decimals` decimals into an integer scaled by
 * 10^decimals ("1.5", 3 -> 1500). Non-negative only; false on bad input. */
bool zx_decimal_parse(const char *s, int decimals, int64_t max_scaled, int64_t *out);
/* The inverse, trimming trailing zeros: (1500, 3) -> "1.5". */
void zx_decimal_format(int64_t scaled, int decimals, char *out, size_t outsz);

#endif
