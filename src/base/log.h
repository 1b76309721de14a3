/*
 * log.h — the one logging entry point. Library code never prints; it logs.
 * Lines are English, one per event, never carrying personal data (IDs, phones, names).
 */
#ifndef ZX_LOG_H
#define ZX_LOG_H

typedef enum { ZX_LOG_DEBUG, ZX_LOG_INFO, ZX_LOG_WARN, ZX_LOG_ERROR } zx_log_level;

void zx_log(zx_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void zx_log_set_level(zx_log_level min);
/* Writes to this file descriptor (default 2, stderr). */
void zx_log_set_fd(int fd);
/* One JSON object per line ({"time","level","msg"}) instead of text (log_format = json). */
void zx_log_set_json(int on);

#define zx_debug(...) zx_log(ZX_LOG_DEBUG, __VA_ARGS__)
#define zx_info(...) zx_log(ZX_LOG_INFO, __VA_ARGS__)
#define zx_warn(...) zx_log(ZX_LOG_WARN, __VA_ARGS__)
#define zx_error(...) zx_log(ZX_LOG_ERROR, __VA_ARGS__)

#endif
