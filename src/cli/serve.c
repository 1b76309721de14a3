/*
 * serve.c — `zhenxing serve`: read the configuration (file, then flags), open (and
 * upgrade) the database, start the HTTP server, and run until SIGTERM/SIGINT.
 *
 * Signals are handled synchronously by sigwait() in this thread (blocked everywhere
 * else): SIGHUP reopens the log file (logrotate), SIGTERM/SIGINT drain — stop
 * accepting and starting jobs, let requests in flight finish within
 * shutdown_timeout_seconds and a running job within job_grace_seconds (then cancel it:
 * its transaction rolls back, it is marked failed) — and exit 0. While serving, the SQLite file carries a
 * shared flock() so that `zhenxing restore` can refuse to replace a database in use.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "api/api.h"
#include "base/config.h"
#include "base/log.h"
#include "cli/cli.h"
#include "domain/jobs/jobs.h"
#include "domain/auth/security.h"

#define USAGE                                                                                                \
	"zhenxing serve [--config FILE] --db FILE|URL [--listen 127.0.0.1:8080] [--threads N] [--key "       \
	"FILE]\n"                                                                                            \
	"       [--data-dir DIR] [--secure-cookies] [--trust-proxy] [--log-file FILE] [--log-format "        \
	"json|text]\n"                                                                                       \
	"       [--metrics-token TOKEN]"

typedef struct flag_set {
	const char *key[16];
	const char *val[16];
	const char *where[16];
	int n;
} flag_set;

/* Parses argv: --config into *config_path, every other flag recorded as a config key. */
static int parse_flags(int argc, char **argv, const char **config_path, flag_set *fs)
{
	static const struct option opts[] = {
	    {"config", required_argument, 0, 'c'},        {"db", required_argument, 0, 'd'},
	    {"listen", required_argument, 0, 'l'},        {"threads", required_argument, 0, 't'},
	    {"key", required_argument, 0, 'k'},           {"data-dir", required_argument, 0, 'D'},
	    {"secure-cookies", no_argument, 0, 's'},      {"trust-proxy", no_argument, 0, 'p'},
	    {"log-file", required_argument, 0, 'L'},      {"log-format", required_argument, 0, 'F'},
	    {"metrics-token", required_argument, 0, 'm'}, {0, 0, 0, 0},
	};
	static const struct {
		int ch;
		const char *key, *flag;
	} map[] = {
	    {'d', "db", "--db"},
	    {'l', "listen", "--listen"},
	    {'t', "threads", "--threads"},
	    {'k', "key", "--key"},
	    {'D', "data_dir", "--data-dir"},
	    {'s', "secure_cookies", "--secure-cookies"},
	    {'p', "trust_proxy", "--trust-proxy"},
	    {'L', "log_file", "--log-file"},
	    {'F', "log_format", "--log-format"},
	    {'m', "metrics_token", "--metrics-token"},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'c') {
			*config_path = optarg;
			continue;
		}
		size_t i = 0;
		while (i < sizeof(map) / sizeof(map[0]) && map[i].ch != ch)
			i++;
		if (i == sizeof(map) / sizeof(map[0]) || fs->n >= 16)
			return -1;
		fs->key[fs->n] = map[i].key;
		fs->val[fs->n] = optarg ? optarg : "true";
		fs->where[fs->n++] = map[i].flag;
	}
	return optind == argc ? 0 : -1;
}

static zx_err load_config(const char *path, const flag_set *fs, zx_config *cfg, zx_errinfo *ei)
{
	zx_config_defaults(cfg);
	bool explicit_path = path != NULL;
	if (!path)
		path = getenv("ZHENXING_CONFIG");
	if (path && !*path)
		path = NULL;
	explicit_path = explicit_path || path != NULL;
	zx_err e = zx_config_load(cfg, path ? path : ZX_CONFIG_DEFAULT_PATH, !explicit_path, ei);
	for (int i = 0; !e && i < fs->n; i++)
		e = zx_config_set(cfg, fs->key[i], fs->val[i], fs->where[i], ei);
	if (!e && !cfg->db[0])
		e = zx_fail(ei, ZX_EINVAL, "missing_db", "--db", 0,
		            "未指定数据库：请用 --db 或在配置文件中设置 db");
	return e;
}

/* Opens the log file (append) onto a fixed descriptor: SIGHUP reopens it with dup2(),
 * so writers holding the number never see it closed. */
static zx_err open_log(const char *path, int *fd, zx_errinfo *ei)
{
	int nfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (nfd < 0)
		return zx_fail(ei, ZX_EIO, "log_open_failed", "log_file", 0, "无法打开日志文件 %s：%s", path,
		               strerror(errno));
	if (*fd < 0) {
		*fd = nfd;
		return ZX_OK;
	}
	if (dup2(nfd, *fd) < 0) {
		close(nfd);
		return zx_fail(ei, ZX_EIO, "log_open_failed", "log_file", 0, "无法重新打开日志文件 %s", path);
	}
	close(nfd);
	return ZX_OK;
}

static zx_err set_data_dir(zx_app *app, const zx_config *cfg, zx_store *st, zx_errinfo *ei)
{
	int n;
	if (cfg->data_dir[0])
		n = snprintf(app->data_dir, sizeof(app->data_dir), "%s", cfg->data_dir);
	else if (zx_store_backend(st) == ZX_BACKEND_SQLITE)
		n = snprintf(app->data_dir, sizeof(app->data_dir), "%s.files", cfg->db);
	else
		n = snprintf(app->data_dir, sizeof(app->data_dir), "/var/lib/zhenxing");
	if (n < 0 || (size_t)n >= sizeof(app->data_dir))
		return zx_fail(ei, ZX_EINVAL, "data_dir_too_long", "data_dir", 0, "数据目录路径过长");
	mkdir(app->data_dir, 0700);
	return ZX_OK;
}

/* After SIGTERM: the running job gets what is left of grace_s (counted from t0), is
 * then cancelled and gets JOB_CANCEL_WAIT_MS to roll back. False if it still runs. */
#define JOB_CANCEL_WAIT_MS 10000
static bool drain_jobs(zx_jobs *jobs, const struct timespec *t0, int grace_s)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	int64_t spent = (int64_t)(now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
	int64_t rest = (int64_t)grace_s * 1000 - spent;
	int running = zx_jobs_wait(jobs, rest > 0 ? (int)rest : 0);
	if (!running)
		return true;
	zx_warn("serve: %d background jobs still running after %d s, cancelling them (their "
	        "transactions roll back)",
	        running, grace_s);
	zx_jobs_cancel(jobs);
	running = zx_jobs_wait(jobs, JOB_CANCEL_WAIT_MS);
	if (!running)
		zx_info("serve: cancelled jobs stopped");
	return running == 0;
}

/* Waits for signals; returns the one that stops the server. */
static int wait_for_stop(const sigset_t *set, const zx_config *cfg, int *log_fd)
{
	for (;;) {
		int sig = 0;
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			return sig;
		if (cfg->log_file[0]) {
			zx_errinfo ei;
			zx_errinfo_clear(&ei);
			if (open_log(cfg->log_file, log_fd, &ei) == ZX_OK)
				zx_info("serve: log file reopened");
		}
	}
}

int cmd_serve(int argc, char **argv)
{
	const char *config_path = NULL;
	flag_set fs = {.n = 0};
	if (parse_flags(argc, argv, &config_path, &fs) != 0)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	static zx_config cfg;
	zx_err e = load_config(config_path, &fs, &cfg, &ei);
	if (e)
		return cli_fail(e, &ei);

	/* Block the signals before any thread starts so that only sigwait() sees them. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);

	int log_fd = -1, lock_fd = -1;
	bool jobs_stuck = false;
	if (cfg.log_file[0] && (e = open_log(cfg.log_file, &log_fd, &ei)) != ZX_OK)
		return cli_fail(e, &ei);
	zx_log_set_json(cfg.log_format == ZX_LOGFMT_JSON);
	if (log_fd >= 0)
		zx_log_set_fd(log_fd);
	zx_api_access_log(log_fd >= 0 ? log_fd : 1, cfg.log_format == ZX_LOGFMT_TEXT);
	zx_auth_policy pol = {
	    .session_idle_seconds = cfg.session_idle_minutes * 60,
	    .password_expiry_days = cfg.password_expiry_days,
	    .force_password_change = cfg.force_password_change,
	};
	char bad_role[64];
	if (!zx_totp_roles_parse(cfg.totp_required_roles, &pol.totp_roles, bad_role, sizeof(bad_role))) {
		zx_fail(&ei, ZX_EINVAL, "config_bad_value", "totp_required_roles", 0,
		        "totp_required_roles: 未知的角色 %s（可用: county_admin, town_admin, village_clerk, "
		        "helper, dept_user, sys_admin, sec_admin, audit_admin）",
		        bad_role);
		return cli_fail(ZX_EINVAL, &ei);
	}
	zx_auth_set_policy(&pol);

	static zx_app app;
	memset(&app, 0, sizeof(app));
	zx_store *st = NULL;
	zx_router *router = NULL;
	zx_server *srv = NULL;
	e = cli_open_store(cfg.db, false, cfg.threads + 2, &st, &ei);
	if (!e)
		e = zx_store_migrate(st, 0, &ei);
	if (!e)
		e = cli_load_keys(cfg.db, cfg.key, false, &app.keys, &ei);
	if (e)
		goto out;
	if (zx_store_backend(st) == ZX_BACKEND_SQLITE) {
		lock_fd = open(cfg.db, O_RDONLY | O_CLOEXEC);
		if (lock_fd >= 0 && flock(lock_fd, LOCK_SH | LOCK_NB) != 0)
			zx_warn("serve: database file is locked by a restore in progress");
	}
	app.store = st;
	app.secure_cookies = cfg.secure_cookies;
	app.max_upload = (size_t)cfg.upload_max_mb << 20;
	snprintf(app.metrics_token, sizeof(app.metrics_token), "%s", cfg.metrics_token);
	e = set_data_dir(&app, &cfg, st, &ei);
	if (e)
		goto out;
	router = zx_router_new();
	if (!router) {
		e = ZX_ENOMEM;
		goto out;
	}
	e = zx_jobs_start(st, 1, &app.jobs, &ei);
	if (e)
		goto out;
	e = zx_api_register(router, &app);
	if (e)
		goto out;
	zx_server_opts so = {
	    .listen = cfg.listen,
	    .threads = cfg.threads,
	    .router = router,
	    .fallback = zx_api_static,
	    .render_error = zx_api_render_error,
	    .default_limits = {.max_body = app.max_body},
	    .upload_dir = app.data_dir,
	    .limits_for = zx_api_limits,
	    .on_done = zx_api_on_done,
	    .trust_proxy = cfg.trust_proxy,
	};
	e = zx_server_start(&so, &srv, &ei);
	if (e)
		goto out;
	char host[128];
	snprintf(host, sizeof(host), "%s", cfg.listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	/* Tests and the e2e harness read this line from stdout; it goes there even when
	 * request lines go to the log file. */
	printf("振兴台已启动 zhenxing listening on http://%s:%d\n", host, zx_server_port(srv));
	fflush(stdout);
	zx_info("serve: listening on %s:%d with %d threads", host, zx_server_port(srv), cfg.threads);
	int sig = wait_for_stop(&sigs, &cfg, &log_fd);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	zx_jobs_quiesce(app.jobs);
	zx_info("serve: signal %d, draining %d requests in flight and %d running jobs", sig,
	        zx_server_inflight(srv), zx_jobs_running(app.jobs));
	int left = zx_server_drain(srv, cfg.shutdown_timeout_seconds * 1000);
	if (left)
		zx_warn("serve: %d requests still running after %d s, stopping them", left,
		        cfg.shutdown_timeout_seconds);
	jobs_stuck = !drain_jobs(app.jobs, &t0, cfg.job_grace_seconds);
	if (!left && !jobs_stuck)
		zx_info("serve: drained, stopping");
out:
	zx_server_stop(srv);
	if (jobs_stuck) {
		/* A job ignored its cancel: exit without joining it. Its transaction was never
		 * committed, so the database keeps nothing of it; the next start marks it failed. */
		zx_error("serve: a background job did not stop; exiting without it");
		return CLI_OK;
	}
	zx_jobs_stop(app.jobs);
	zx_router_free(router);
	zx_store_close(st);
	if (lock_fd >= 0)
		close(lock_fd);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
