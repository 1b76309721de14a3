/*
 * money.c — see money.h. Integer arithmetic only; every parse checks for overflow
 * before it multiplies, and every format writes through snprintf into a caller's
 * bounded buffer.
 */
#include "domain/monitoring/money.h"

#include <stdio.h>
#include <string.h>

zx_money_status zx_money_parse(const char *s, bool allow_negative, int64_t *fen)
{
	*fen = 0;
	if (!s)
		return ZX_MONEY_EMPTY;
	while (*s == ' ')
		s++;
	if (!*s)
		return ZX_MONEY_EMPTY;
	bool neg = false;
	if (*s == '-' || *s == '+') {
		neg = *s == '-';
		s++;
	}
	int64_t yuan = 0;
	int digits = 0, decimals = 0, cents = 0;
	bool dot = false, last_comma = false;
	for (; *s; s++) {
		char ch = *s;
		if (ch >= '0' && ch <= '9') {
			last_comma = false;
			if (dot) {
				if (++decimals > 2)
					return ZX_MONEY_DECIMALS;
				cents = cents * 10 + (ch - '0');
			} else {
				if (yuan > ZX_MONEY_MAX_FEN / 100)
					return ZX_MONEY_TOO_LARGE;
				yuan = yuan * 10 + (ch - '0');
			}
			digits++;
		} else if (ch == ',' && !dot && digits > 0 && !last_comma) {
			last_comma = true; /* thousands separator, as Excel shows it */
		} else if (ch == '.' && !dot && !last_comma) {
			dot = true;
		} else if (ch == ' ' && s[strspn(s, " ")] == '\0') {
			break;
		} else {
			return ZX_MONEY_BAD;
		}
	}
	if (digits == 0 || last_comma || (dot && decimals == 0 && digits == 0))
		return ZX_MONEY_BAD;
	if (decimals == 1)
		cents *= 10;
	int64_t v = yuan * 100 + cents;
	if (v > ZX_MONEY_MAX_FEN)
		return ZX_MONEY_TOO_LARGE;
	if (neg && v != 0) {
		if (!allow_negative)
			return ZX_MONEY_NEGATIVE;
		v = -v;
	}
	*fen = v;
	return ZX_MONEY_OK;
}

const char *zx_money_status_message(zx_money_status st)
{
	switch (st) {
	case ZX_MONEY_OK:
		return "";
	case ZX_MONEY_EMPTY:
		return "金额不能为空";
	case ZX_MONEY_BAD:
		return "金额格式不正确（应为以元为单位的数字，如 12345.67）";
	case ZX_MONEY_DECIMALS:
		return "金额最多两位小数";
	case ZX_MONEY_NEGATIVE:
		return "金额不能为负数";
	case ZX_MONEY_TOO_LARGE:
		return "金额过大";
	}
	return "金额不正确";
}

static uint64_t uabs(int64_t v)
{
	return v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
}

void zx_money_exact(int64_t fen, char *out, size_t outsz)
{
	uint64_t a = uabs(fen);
	snprintf(out, outsz, "%s%llu.%02llu", fen < 0 ? "-" : "", (unsigned long long)(a / 100),
	         (unsigned long long)(a % 100));
}

void zx_money_short(int64_t fen, char *out, size_t outsz)
{
	uint64_t a = uabs(fen);
	const char *sign = fen < 0 ? "-" : "";
	if (a % 100 == 0)
		snprintf(out, outsz, "%s%llu", sign, (unsigned long long)(a / 100));
	else if (a % 10 == 0)
		snprintf(out, outsz, "%s%llu.%llu", sign, (unsigned long long)(a / 100),
		         (unsigned long long)(a % 100 / 10));
	else
		snprintf(out, outsz, "%s%llu.%02llu", sign, (unsigned long long)(a / 100),
		         (unsigned long long)(a % 100));
}

int64_t zx_div_round(int64_t num, int64_t den)
{
	if (den <= 0)
		return 0;
	uint64_t a = uabs(num), d = (uint64_t)den;
	uint64_t q = a / d, r = a % d;
	if (r * 2 >= d)
		q++;
	return num < 0 ? -(int64_t)q : (int64_t)q;
}

void zx_money_per_capita_yuan(int64_t fen, int64_t persons, char *out, size_t outsz)
{
	if (persons <= 0) {
		snprintf(out, outsz, "-");
		return;
	}
	snprintf(out, outsz, "%lld", (long long)zx_div_round(fen, persons * 100));
}

int64_t zx_money_per_capita_fen(int64_t fen, int64_t persons)
{
	return zx_div_round(fen, persons);
}

int64_t zx_growth_tenths(int64_t num1, int64_t den1, int64_t num0, int64_t den0)
{
	if (num0 <= 0 || den0 <= 0 || den1 <= 0)
		return 0;
	/* (num1/den1 − num0/den0) / (num0/den0) = (num1·den0 − num0·den1) / (num0·den1) */
	__int128 n = ((__int128)num1 * den0 - (__int128)num0 * den1) * 1000;
	__int128 d = (__int128)num0 * den1;
	__int128 a = n < 0 ? -n : n;
	__int128 q = a / d, r = a % d;
	if (r * 2 >= d)
		q++;
	return (int64_t)(n < 0 ? -q : q);
}

void zx_tenths_format(int64_t tenths, char *out, size_t outsz)
{
	uint64_t a = uabs(tenths);
	snprintf(out, outsz, "%s%llu.%llu", tenths < 0 ? "-" : "", (unsigned long long)(a / 10),
	         (unsigned long long)(a % 10));
}

bool zx_decimal_parse(const char *s, int decimals, int64_t max_scaled, int64_t *out)
{
	int64_t v = 0;
	int seen = 0, dec = -1;
	if (!s || !*s)
		return false;
	for (; *s; s++) {
		if (*s == '.' && dec < 0 && seen > 0) {
			dec = 0;
			continue;
		}
		if (*s < '0' || *s > '9')
			return false;
		if (dec >= 0 && ++dec > decimals)
			return false;
		if (v > max_scaled)
			return false;
		v = v * 10 + (*s - '0');
		seen++;
	}
	if (dec == 0)
		return false; /* "1." */
	for (int i = dec < 0 ? 0 : dec; i < decimals; i++) {
		if (v > max_scaled)
			return false;
		v *= 10;
	}
	if (v > max_scaled)
		return false;
	*out = v;
	return true;
}

void zx_decimal_format(int64_t scaled, int decimals, char *out, size_t outsz)
{
	int64_t p = 1;
	for (int i = 0; i < decimals; i++)
		p *= 10;
	uint64_t a = uabs(scaled);
	uint64_t ip = a / (uint64_t)p, fp = a % (uint64_t)p;
	if (fp == 0) {
		snprintf(out, outsz, "%s%llu", scaled < 0 ? "-" : "", (unsigned long long)ip);
		return;
	}
	/* The fraction as exactly `decimals` digits, built from the right. */
	char frac[24];
	int nd = decimals < 18 ? decimals : 18;
	for (int i = nd - 1; i >= 0; i--) {
		frac[i] = (char)('0' + fp % 10);
		fp /= 10;
	}
	frac[nd] = '\0';
	size_t n = (size_t)nd;
	while (n > 0 && frac[n - 1] == '0')
		frac[--n] = '\0';
	snprintf(out, outsz, "%s%llu.%s", scaled < 0 ? "-" : "", (unsigned long long)ip, frac);
}
