/*
 * metrics.h — request metrics in the Prometheus text exposition format (0.0.4).
 *
 * The server's on_done hook calls zx_metrics_observe() once per request with the
 * route label (the pattern, never the raw path, so IDs never become label values and
 * the number of series stays bounded), the method and the status. /metrics renders
 *   zx_http_requests_total{route,method,status}             counter
 *   zx_http_request_duration_seconds{route,method,status}    histogram
 * where status is the class ("2xx" … "5xx"), plus whatever gauges the caller adds
 * with zx_metrics_write().
 */
#ifndef ZX_METRICS_H
#define ZX_METRICS_H

#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define ZX_METRICS_MAX_SERIES 512 /* further (route, method, status) triples go to route="other" */

void zx_metrics_observe(const char *route, const char *method, int status, int64_t duration_us);

/* Appends the request counter and histogram. */
zx_err zx_metrics_render(zx_buf *out);

/* Appends one sample with its HELP and TYPE lines (type "gauge" or "counter"). */
zx_err zx_metrics_write(zx_buf *out, const char *name, const char *type, const char *help, double value);

/* Tests: forget every series. */
void zx_metrics_reset(void);

#endif
