/*
 * idcard.h — the 18-character 居民身份证号 (GB 11643-1999): parse, validate, derive
 * birth date and gender, compute the check character (ISO 7064 MOD 11-2).
 *
 * Pure functions, no allocation. "today" is passed in (YYYYMMDD) so validation is
 * reproducible in tests.
 */
#ifndef ZX_IDCARD_H
#define ZX_IDCARD_H

#include <stdbool.h>

typedef enum zx_idcard_status {
	ZX_ID_OK = 0,
	ZX_ID_BAD_LENGTH,   /* not exactly 18 characters */
	ZX_ID_BAD_CHAR,     /* non-digit in the first 17, or last not digit/X */
	ZX_ID_BAD_AREA,     /* area part not a plausible 6-digit code (first two digits 11..82) */
	ZX_ID_BAD_BIRTH,    /* birth date not a real calendar date or before 1900 */
	ZX_ID_FUTURE_BIRTH, /* birth date after today */
	ZX_ID_BAD_CHECK,    /* check character wrong */
} zx_idcard_status;

typedef struct zx_idcard {
	char area[7];  /* "510722" */
	int birth_ymd; /* 19800101 */
	int gender;    /* 1 = 男 (odd sequence), 2 = 女 */
	char norm[19]; /* normalised: upper-case X */
} zx_idcard;

/* Validates s (may have a lower-case x) and fills out on ZX_ID_OK. */
zx_idcard_status zx_idcard_parse(const char *s, int today_ymd, zx_idcard *out);

/* The check character for the first 17 digits ('0'..'9' or 'X'); 0 if not 17 digits. */
char zx_idcard_check_char(const char *first17);

/* Chinese description of a status, e.g. "证件号码校验位错误". */
const char *zx_idcard_status_message(zx_idcard_status st);
/* Stable machine code, e.g. "invalid_id_number". */
const char *zx_idcard_status_code(zx_idcard_status st);

/* True if y/m/d is a real Gregorian date. */
bool zx_date_valid(int y, int m, int d);

#endif
