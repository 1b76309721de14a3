/*
 * restore.c — `zhenxing restore --db FILE BACKUP`: put a backup (plain or encrypted)
 * back as the database.
 *
 * Order matters: the backup is decrypted (tag checked first) or copied next to the
 * target under a temporary name, verified exactly as `zhenxing check` does
 * (integrity_check, foreign keys, audit chain), and only then renamed over the target;
 * a failure at any step leaves the existing database untouched. A database in use (a
 * running server, any open SQLite connection) is never replaced; an existing one only
 * with --force.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/backup.h"
#include "cli/cli.h"

#define USAGE "zhenxing restore --db FILE [--key FILE] [--force] BACKUP"

/* SQLite's WAL-index lock bytes start at 120; byte 128 (the "DMS" lock) is held shared
 * by every connection that has the database open in WAL mode. */
#define SHM_DMS_OFFSET 128

bool cli_db_in_use(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		bool busy = flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
		close(fd); /* also releases our flock */
		if (busy)
			return true;
	}
	char shm[1100];
	snprintf(shm, sizeof(shm), "%s-shm", path);
	fd = open(shm, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = SHM_DMS_OFFSET, .l_len = 1};
	bool busy = fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK;
	close(fd);
	return busy;
}

static zx_err copy_file(const char *from, const char *to, zx_errinfo *ei)
{
	int in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return zx_fail(ei, ZX_ENOTFOUND, "backup_missing", NULL, 0, "无法打开备份文件 %s", from);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	char *buf = malloc(1u << 20);
	zx_err e = out < 0 ? ZX_EIO : !buf ? ZX_ENOMEM : ZX_OK;
	while (!e) {
		ssize_t n = read(in, buf, 1u << 20);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			e = ZX_EIO;
		if (n <= 0)
			break;
		for (ssize_t off = 0; !e && off < n;) {
			ssize_t w = write(out, buf + off, (size_t)(n - off));
			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				e = errno == ENOSPC ? ZX_EFULL : ZX_EIO;
			else
				off += w;
		}
	}
	if (!e && fsync(out) != 0)
		e = ZX_EIO;
	free(buf);
	close(in);
	if (out >= 0)
		close(out);
	if (e)
		return zx_fail(ei, e, "restore_copy_failed", "--db", 0, "无法写入 %s", to);
	return ZX_OK;
}

static void remove_sidecars(const char *db)
{
	static const char *suffix[] = {"-wal", "-shm", "-journal"};
	for (size_t i = 0; i < 3; i++) {
		char p[1100];
		snprintf(p, sizeof(p), "%s%s", db, suffix[i]);
		unlink(p);
	}
}

int cmd_restore(int argc, char **argv)
{
	const char *db = NULL, *key = NULL;
	bool force = false;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},
	    {"key", required_argument, 0, 'k'},
	    {"force", no_argument, 0, 'f'},
	    {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'd')
			db = optarg;
		else if (ch == 'k')
			key = optarg;
		else if (ch == 'f')
			force = true;
		else
			return cli_usage(USAGE);
	}
	if (!db || optind != argc - 1)
		return cli_usage(USAGE);
	const char *backup = argv[optind];
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	if (strncmp(db, "postgres", 8) == 0)
		return cli_fail(zx_fail(&ei, ZX_EINVAL, "restore_pg", "--db", 0,
		                        "PostgreSQL 数据库请用 pg_restore 恢复（见 docs/deploy.md）"),
		                &ei);
	struct stat sb;
	bool exists = stat(db, &sb) == 0;
	if (exists && cli_db_in_use(db))
		return cli_fail(zx_fail(&ei, ZX_ECONFLICT, "db_in_use", "--db", 0,
		                        "数据库 %s 正在使用中（服务未停止？），请先停止 zhenxing 服务再恢复",
		                        db),
		                &ei);
	if (exists && !force)
		return cli_fail(zx_fail(&ei, ZX_ECONFLICT, "db_exists", "--db", 0,
		                        "数据库 %s 已存在；确认要用备份覆盖时请加 --force", db),
		                &ei);
	char tmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.restore-%ld", db, (long)getpid());
	unlink(tmp);
	zx_err e;
	if (zx_backup_is_encrypted(backup)) {
		zx_keys keys;
		e = cli_load_keys(db, key, false, &keys, &ei);
		if (!e)
			e = zx_backup_decrypt(&keys, backup, tmp, &ei);
		memset(&keys, 0, sizeof(keys));
	} else {
		e = copy_file(backup, tmp, &ei);
	}
	if (!e && (e = cli_verify_db(tmp, true, &ei)) != ZX_OK && e != ZX_ENOMEM) {
		char why[sizeof(ei.message)];
		memcpy(why, ei.message, sizeof(why));
		e = zx_fail(&ei, ZX_EVALIDATION, "backup_invalid", NULL, 0,
		            "备份文件未通过校验，未恢复：%.400s", why);
	}
	remove_sidecars(tmp);
	if (!e && exists && cli_db_in_use(db))
		e = zx_fail(&ei, ZX_ECONFLICT, "db_in_use", "--db", 0, "数据库 %s 正在使用中，已放弃恢复",
		            db);
	if (!e) {
		remove_sidecars(db);
		if (rename(tmp, db) != 0)
			e = zx_fail(&ei, ZX_EIO, "restore_rename", "--db", 0, "无法替换数据库 %s: %s", db,
			            strerror(errno));
	}
	if (e) {
		unlink(tmp);
		return cli_fail(e, &ei);
	}
	cli_sync_dir_of(db);
	printf("恢复完成: %s ← %s\n", db, backup);
	return CLI_OK;
}
