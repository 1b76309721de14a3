/*
 * serve.c — `zhenxing serve`: open (and upgrade) the database, start the HTTP server,
 * run until SIGINT/SIGTERM.
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "api/api.h"
#include "base/log.h"
#include "cli/cli.h"

#define USAGE                                                                                                \
	"zhenxing serve --db FILE|URL [--listen 127.0.0.1:8080] [--threads N] [--key FILE] [--data-dir "     \
	"DIR] [--secure-cookies]"

int cmd_serve(int argc, char **argv)
{
	const char *db = NULL, *listen = "127.0.0.1:8080", *key = NULL, *data_dir = NULL;
	int threads = 2;
	bool secure = false;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"listen", required_argument, 0, 'l'},
	    {"threads", required_argument, 0, 't'},
	    {"key", required_argument, 0, 'k'},
	    {"data-dir", required_argument, 0, 'D'},
	    {"secure-cookies", no_argument, 0, 's'},
	    {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'l':
			listen = optarg;
			break;
		case 't':
			threads = (int)strtol(optarg, NULL, 10);
			break;
		case 'k':
			key = optarg;
			break;
		case 'D':
			data_dir = optarg;
			break;
		case 's':
			secure = true;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || optind != argc || threads < 1 || threads > 256)
		return cli_usage(USAGE);

	/* Block the stop signals before any thread starts so that only sigwait() sees them. */
	sigset_t stop;
	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);

	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	static zx_app app;
	memset(&app, 0, sizeof(app));
	zx_store *st = NULL;
	zx_router *router = NULL;
	zx_server *srv = NULL;
	zx_err e = cli_open_store(db, false, threads + 2, &st, &ei);
	if (!e)
		e = zx_store_migrate(st, 0, &ei);
	if (!e)
		e = cli_load_keys(db, key, false, &app.keys, &ei);
	if (e)
		goto out;
	app.store = st;
	app.secure_cookies = secure;
	if (data_dir) {
		snprintf(app.data_dir, sizeof(app.data_dir), "%s", data_dir);
	} else if (zx_store_backend(st) == ZX_BACKEND_SQLITE) {
		snprintf(app.data_dir, sizeof(app.data_dir), "%s.files", db);
	} else {
		snprintf(app.data_dir, sizeof(app.data_dir), "/var/lib/zhenxing");
	}
	mkdir(app.data_dir, 0700);
	router = zx_router_new();
	if (!router) {
		e = ZX_ENOMEM;
		goto out;
	}
	e = zx_api_register(router, &app);
	if (e)
		goto out;
	zx_server_opts so = {
	    .listen = listen,
	    .threads = threads,
	    .router = router,
	    .fallback = zx_api_static,
	    .render_error = zx_api_render_error,
	    .default_limits = {.max_body = app.max_body},
	    .upload_dir = app.data_dir,
	    .limits_for = zx_api_limits,
	};
	e = zx_server_start(&so, &srv, &ei);
	if (e)
		goto out;
	char host[128];
	snprintf(host, sizeof(host), "%s", listen);
	char *colon = strrchr(host, ':');
	if (colon)
		*colon = '\0';
	printf("振兴台已启动 zhenxing listening on http://%s:%d\n", host, zx_server_port(srv));
	fflush(stdout);
	zx_info("serve: listening on %s:%d with %d threads", host, zx_server_port(srv), threads);
	int sig = 0;
	sigwait(&stop, &sig);
	zx_info("serve: signal %d, stopping", sig);
out:
	zx_server_stop(srv);
	zx_router_free(router);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
