/*
 * idcard.c — validation of the 18-character 居民身份证号 (GB 11643-1999).
 *
 * Layout: 6-digit area code, 8-digit birth date YYYYMMDD, 3-digit sequence (odd for
 * men), and a check character computed with ISO 7064 MOD 11-2 over the first 17.
 *
 * Invariants:
 *   - Input is untrusted (it comes from CSV cells and HTTP fuzzers): we never read past
 *     the 19th byte or past the terminating NUL, whichever comes first.
 *   - Checks run from the coarsest to the finest (length, characters, area, birth date,
 *     check character) so that the status names the first thing a person should fix;
 *     a typo in the birth date is reported as a bad date, not as a bad check character.
 *   - `out` is written only on ZX_ID_OK, so a caller never sees half-filled results.
 *   - The area check is deliberately only "first two digits 11..82": the county-level
 *     code table changes every year and lives in the area module, not here.
 */
#include "base/idcard.h"

#include <stddef.h>
#include <string.h>

#define ID_LEN 18
#define ID_BODY_LEN 17

static const int check_weights[ID_BODY_LEN] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
static const char check_map[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Digits at s[0..n) as a number; the caller has checked they are digits. */
static int digits_value(const char *s, int n)
{
	int v = 0;
	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int is_leap_year(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool zx_date_valid(int y, int m, int d)
{
	static const int days_in_month[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	int max = days_in_month[m - 1];
	if (m == 2 && is_leap_year(y))
		max = 29;
	return d <= max;
}

char zx_idcard_check_char(const char *first17)
{
	if (!first17)
		return 0;
	int sum = 0;
	/* Stops at the first non-digit, which includes the NUL, so a short string is never
	 * read past its end. */
	for (int i = 0; i < ID_BODY_LEN; i++) {
		if (!is_digit(first17[i]))
			return 0;
		sum += (first17[i] - '0') * check_weights[i];
	}
	return check_map[sum % 11];
}

zx_idcard_status zx_idcard_parse(const char *s, int today_ymd, zx_idcard *out)
{
	if (!s)
		return ZX_ID_BAD_LENGTH;
	size_t len = 0;
	while (len <= ID_LEN && s[len] != '\0')
		len++;
	if (len != ID_LEN)
		return ZX_ID_BAD_LENGTH;

	char norm[ID_LEN + 1];
	for (int i = 0; i < ID_BODY_LEN; i++) {
		if (!is_digit(s[i]))
			return ZX_ID_BAD_CHAR;
		norm[i] = s[i];
	}
	char last = s[ID_BODY_LEN];
	if (last == 'x')
		last = 'X';
	if (!is_digit(last) && last != 'X')
		return ZX_ID_BAD_CHAR;
	norm[ID_BODY_LEN] = last;
	norm[ID_LEN] = '\0';

	int province = digits_value(norm, 2);
	if (province < 11 || province > 82)
		return ZX_ID_BAD_AREA;

	int y = digits_value(norm + 6, 4);
	int m = digits_value(norm + 10, 2);
	int d = digits_value(norm + 12, 2);
	if (y < 1900 || !zx_date_valid(y, m, d))
		return ZX_ID_BAD_BIRTH;
	int birth_ymd = y * 10000 + m * 100 + d;
	if (birth_ymd > today_ymd)
		return ZX_ID_FUTURE_BIRTH;

	if (zx_idcard_check_char(norm) != last)
		return ZX_ID_BAD_CHECK;

	if (out) {
		memcpy(out->area, norm, 6);
		out->area[6] = '\0';
		out->birth_ymd = birth_ymd;
		out->gender = (norm[16] - '0') % 2 == 1 ? 1 : 2;
		memcpy(out->norm, norm, sizeof(out->norm));
	}
	return ZX_ID_OK;
}

static const struct {
	const char *code;
	const char *message;
} status_table[] = {
    [ZX_ID_OK] = {"ok", "证件号码有效"},
    [ZX_ID_BAD_LENGTH] = {"invalid_id_length", "证件号码应为18位"},
    [ZX_ID_BAD_CHAR] = {"invalid_id_char", "证件号码只能由数字组成，最后一位可以是X"},
    [ZX_ID_BAD_AREA] = {"invalid_id_area", "证件号码地区码无效"},
    [ZX_ID_BAD_BIRTH] = {"invalid_id_birth_date", "证件号码出生日期无效"},
    [ZX_ID_FUTURE_BIRTH] = {"invalid_id_future_birth_date", "证件号码出生日期晚于今天"},
    [ZX_ID_BAD_CHECK] = {"invalid_id_number", "证件号码校验位错误"},
};

static int status_known(zx_idcard_status st)
{
	return (int)st >= 0 && (size_t)st < sizeof(status_table) / sizeof(status_table[0]);
}

const char *zx_idcard_status_message(zx_idcard_status st)
{
	return status_known(st) ? status_table[st].message : "证件号码无效";
}

const char *zx_idcard_status_code(zx_idcard_status st)
{
	return status_known(st) ? status_table[st].code : "invalid_id_number";
}
