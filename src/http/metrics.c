/*
 * metrics.c — the request counters and latency histograms behind /metrics
 * (metrics.h). One fixed table of series under a mutex: a lookup is a short linear
 * scan of interned label pointers, far cheaper than the request it measures.
 *
 * Invariants: bucket counts are cumulative only when rendered (stored per bucket);
 * a series' count equals the sum of its buckets including +Inf; label values are
 * escaped (\\, \", \n) as the exposition format requires.
 */
#include "http/metrics.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static const double bounds[] = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
#define NB (sizeof(bounds) / sizeof(bounds[0]))

typedef struct series {
	char route[96];
	char method[8];
	int status_class; /* 1..5 */
	uint64_t count;
	double sum;
	uint64_t buckets[NB + 1]; /* last: over the largest bound */
} series;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static series table[ZX_METRICS_MAX_SERIES];
static int nseries;

static const char *method_label(const char *m)
{
	static const char *known[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"};
	for (size_t i = 0; m && i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(m, known[i]) == 0)
			return known[i];
	return "OTHER";
}

static series *find(const char *route, const char *method, int cls)
{
	for (int i = 0; i < nseries; i++)
		if (table[i].status_class == cls && strcmp(table[i].method, method) == 0 &&
		    strcmp(table[i].route, route) == 0)
			return &table[i];
	if (nseries < ZX_METRICS_MAX_SERIES - 1 ||
	    (nseries == ZX_METRICS_MAX_SERIES - 1 && strcmp(route, "other") == 0)) {
		series *s = &table[nseries++];
		memset(s, 0, sizeof(*s));
		snprintf(s->route, sizeof(s->route), "%s", route);
		snprintf(s->method, sizeof(s->method), "%s", method);
		s->status_class = cls;
		return s;
	}
	return strcmp(route, "other") == 0 ? &table[ZX_METRICS_MAX_SERIES - 1] : find("other", method, cls);
}

void zx_metrics_observe(const char *route, const char *method, int status, int64_t duration_us)
{
	int cls = status / 100;
	if (cls < 1 || cls > 5)
		cls = 5;
	double secs = duration_us > 0 ? (double)duration_us / 1e6 : 0;
	size_t b = 0;
	while (b < NB && secs > bounds[b])
		b++;
	pthread_mutex_lock(&lock);
	series *s = find(route && *route ? route : "other", method_label(method), cls);
	s->count++;
	s->sum += secs;
	s->buckets[b]++;
	pthread_mutex_unlock(&lock);
}

void zx_metrics_reset(void)
{
	pthread_mutex_lock(&lock);
	nseries = 0;
	pthread_mutex_unlock(&lock);
}

static zx_err add_label_value(zx_buf *out, const char *v)
{
	zx_err e = ZX_OK;
	for (; *v && !e; v++) {
		if (*v == '\\' || *v == '"')
			e = zx_buf_addf(out, "\\%c", *v);
		else if (*v == '\n')
			e = zx_buf_adds(out, "\\n");
		else
			e = zx_buf_addc(out, *v);
	}
	return e;
}

static zx_err add_labels(zx_buf *out, const series *s, const char *le)
{
	zx_err e = zx_buf_adds(out, "{route=\"");
	if (!e)
		e = add_label_value(out, s->route);
	if (!e)
		e = zx_buf_addf(out, "\",method=\"%s\",status=\"%dxx\"", s->method, s->status_class);
	if (!e && le)
		e = zx_buf_addf(out, ",le=\"%s\"", le);
	if (!e)
		e = zx_buf_adds(out, "} ");
	return e;
}

zx_err zx_metrics_render(zx_buf *out)
{
	pthread_mutex_lock(&lock);
	int n = nseries;
	static series snap[ZX_METRICS_MAX_SERIES];
	static pthread_mutex_t snap_lock = PTHREAD_MUTEX_INITIALIZER;
	pthread_mutex_lock(&snap_lock);
	memcpy(snap, table, sizeof(series) * (size_t)n);
	pthread_mutex_unlock(&lock);
	zx_err e = zx_buf_adds(out, "# HELP zx_http_requests_total HTTP requests answered, by route pattern, "
	                            "method and status class.\n# TYPE zx_http_requests_total counter\n");
	for (int i = 0; i < n && !e; i++) {
		e = zx_buf_adds(out, "zx_http_requests_total");
		if (!e)
			e = add_labels(out, &snap[i], NULL);
		if (!e)
			e = zx_buf_addf(out, "%llu\n", (unsigned long long)snap[i].count);
	}
	if (!e)
		e = zx_buf_adds(
		    out, "# HELP zx_http_request_duration_seconds Time from the request's first byte to "
		         "its response being queued.\n# TYPE zx_http_request_duration_seconds histogram\n");
	for (int i = 0; i < n && !e; i++) {
		uint64_t cum = 0;
		for (size_t b = 0; b <= NB && !e; b++) {
			cum += snap[i].buckets[b];
			char le[32];
			if (b < NB)
				snprintf(le, sizeof(le), "%g", bounds[b]);
			else
				snprintf(le, sizeof(le), "+Inf");
			e = zx_buf_adds(out, "zx_http_request_duration_seconds_bucket");
			if (!e)
				e = add_labels(out, &snap[i], le);
			if (!e)
				e = zx_buf_addf(out, "%llu\n", (unsigned long long)cum);
		}
		if (!e)
			e = zx_buf_adds(out, "zx_http_request_duration_seconds_sum");
		if (!e)
			e = add_labels(out, &snap[i], NULL);
		if (!e)
			e = zx_buf_addf(out, "%.6f\n", snap[i].sum);
		if (!e)
			e = zx_buf_adds(out, "zx_http_request_duration_seconds_count");
		if (!e)
			e = add_labels(out, &snap[i], NULL);
		if (!e)
			e = zx_buf_addf(out, "%llu\n", (unsigned long long)snap[i].count);
	}
	pthread_mutex_unlock(&snap_lock);
	return e;
}

zx_err zx_metrics_write(zx_buf *out, const char *name, const char *type, const char *help, double value)
{
	return zx_buf_addf(out, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n", name, help, name, type, name,
	                   value);
}
