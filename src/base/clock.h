/*
 * clock.h — injectable wall clock. Everything time-dependent (lockout, idle
 * timeout, 公示 duration, overdue cases) asks zx_now(), so tests move time instead
 * of sleeping.
 */
#ifndef ZX_CLOCK_H
#define ZX_CLOCK_H

#include <stdint.h>

int64_t zx_now(void); /* seconds since the epoch */

/* Tests: freeze the clock at t (t < 0 returns to the real clock). */
void zx_clock_set(int64_t t);
void zx_clock_advance(int64_t seconds);

/* Today's date as YYYYMMDD in China Standard Time (UTC+8), from zx_now(). */
int zx_today_ymd(void);
/* YYYYMMDD (UTC+8) of a timestamp. */
int zx_ymd_of(int64_t t);

#endif
