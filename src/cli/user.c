/*
 * user.c — `zhenxing user add|passwd`: account administration at the command line.
 * The password comes from standard input when one is piped in, otherwise a strong
 * one is generated and printed once.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "domain/auth/auth.h"

#define USAGE                                                                                                \
	"zhenxing user add --db FILE --name U --role R --area CODE [--display-name 姓名]\n"                \
	"       zhenxing user passwd --db FILE --name U"

/* Reads one line from stdin if it is not a terminal; "" if none. */
static void read_password(char *out, size_t cap)
{
	out[0] = '\0';
	if (isatty(0) || !fgets(out, (int)cap, stdin)) {
		out[0] = '\0';
		return;
	}
	out[strcspn(out, "\r\n")] = '\0';
}

int cmd_user(int argc, char **argv)
{
	if (argc < 2)
		return cli_usage(USAGE);
	const char *sub = argv[1];
	const char *db = NULL, *name = NULL, *role = NULL, *area = NULL, *display = NULL;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},           {"name", required_argument, 0, 'n'},
	    {"role", required_argument, 0, 'r'},         {"area", required_argument, 0, 'a'},
	    {"display-name", required_argument, 0, 'N'}, {0, 0, 0, 0},
	};
	int ch;
	optind = 2;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'n':
			name = optarg;
			break;
		case 'r':
			role = optarg;
			break;
		case 'a':
			area = optarg;
			break;
		case 'N':
			display = optarg;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	bool add = strcmp(sub, "add") == 0, passwd = strcmp(sub, "passwd") == 0;
	if (!db || !name || optind != argc || (!add && !passwd) || (add && (!role || !area)))
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_store *st = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, &ei);
	if (e)
		return cli_fail(e, &ei);
	zx_conn *c = zx_store_acquire(st);
	zx_actor cli;
	zx_actor_cli(&cli);
	char pw[ZX_PASSWORD_MAX + 2], generated[64] = "";
	if (add) {
		read_password(pw, sizeof(pw));
		zx_user_input in = {name, display ? display : name, role, area, pw[0] ? pw : NULL};
		e = zx_user_create(c, &cli, &in, NULL, generated, sizeof(generated), &ei);
		if (!e)
			printf("已创建用户: %s 角色: %s 区域: %s\n", name, zx_role_name(zx_role_parse(role)),
			       area);
	} else {
		zx_user_update u = {.disabled = -1, .reset_password = true};
		zx_user found;
		zx_actor who;
		memset(&who, 0, sizeof(who));
		snprintf(who.username, sizeof(who.username), "%s", name);
		e = zx_auth_me(c, &who, &found);
		if (e)
			e = zx_fail(&ei, ZX_ENOTFOUND, "not_found", "--name", 0, "用户不存在: %s", name);
		else
			e = zx_user_update_apply(c, &cli, found.id, &u, generated, sizeof(generated), &ei);
		if (!e)
			printf("已重置用户 %s 的密码\n", name);
	}
	if (!e && generated[0])
		printf("密码: %s\n（首次登录后须修改）\n", generated);
	zx_store_release(st, c);
	zx_store_close(st);
	return e ? cli_fail(e, &ei) : CLI_OK;
}
