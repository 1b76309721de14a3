/*
 * log.c — timestamped log lines, written with one write(2) each so that lines from
 * different threads never interleave.
 */
#include "base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static zx_log_level min_level = ZX_LOG_INFO;
static int log_fd = 2;
static int log_json;

void zx_log_set_json(int on)
{
	log_json = on;
}

/* The text after the prefix, as a JSON string body (quotes, backslashes, controls escaped). */
static size_t json_escape(const char *in, size_t n, char *out, size_t cap)
{
	size_t o = 0;
	for (size_t i = 0; i < n && o + 7 < cap; i++) {
		unsigned char ch = (unsigned char)in[i];
		if (ch == '"' || ch == '\\') {
			out[o++] = '\\';
			out[o++] = (char)ch;
		} else if (ch < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", ch);
		} else {
			out[o++] = (char)ch;
		}
	}
	return o;
}

void zx_log_set_level(zx_log_level min)
{
	min_level = min;
}

void zx_log_set_fd(int fd)
{
	log_fd = fd;
}

void zx_log(zx_log_level level, const char *fmt, ...)
{
	static const char *names[] = {"debug", "info", "warn", "error"};
	if (level < min_level)
		return;
	char line[2048];
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	int n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02dZ %s ", tm.tm_year + 1900,
	                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, names[level]);
	va_list ap;
	va_start(ap, fmt);
	int m = vsnprintf(line + n, sizeof(line) - (size_t)n - 1, fmt, ap);
	va_end(ap);
	size_t len = (size_t)n + (m < 0 ? 0 : (size_t)m);
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	if (log_json) {
		char js[4096];
		int h = snprintf(js, sizeof(js),
		                 "{\"time\":\"%.20s\",\"type\":\"log\",\"level\":\"%s\",\"msg\":\"", line,
		                 names[level]);
		size_t o =
		    (size_t)h + json_escape(line + n, len - (size_t)n, js + h, sizeof(js) - (size_t)h - 4);
		memcpy(js + o, "\"}\n", 3);
		ssize_t wj = write(log_fd, js, o + 3);
		(void)wj;
		return;
	}
	line[len++] = '\n';
	ssize_t w = write(log_fd, line, len);
	(void)w;
}
