/*
 * clock.c — real or frozen time. The frozen value is atomic so tests may move it
 * while server threads read it.
 */
#include "base/clock.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic int64_t frozen = -1;

int64_t zx_now(void)
{
	int64_t f = atomic_load(&frozen);
	return f >= 0 ? f : (int64_t)time(NULL);
}

void zx_clock_set(int64_t t)
{
	atomic_store(&frozen, t);
}

void zx_clock_advance(int64_t seconds)
{
	if (atomic_load(&frozen) < 0)
		atomic_store(&frozen, (int64_t)time(NULL));
	atomic_fetch_add(&frozen, seconds);
}

int zx_ymd_of(int64_t t)
{
	time_t s = (time_t)(t + 8 * 3600);
	struct tm tm;
	gmtime_r(&s, &tm);
	return (tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 + tm.tm_mday;
}

int zx_today_ymd(void)
{
	return zx_ymd_of(zx_now());
}
