/*
 * backup.c — `zhenxing backup`: a consistent online snapshot of the database (SQLite
 * online backup API in one step, so it is one read transaction: writers go on, and the
 * snapshot holds exactly the transactions committed before it began), verified, then
 * optionally encrypted (format in backup.h), written under a temporary name and renamed
 * into place so a half-written backup never carries the final name.
 */
#include "cli/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/log.h"
#include "cli/cli.h"

#define USAGE "zhenxing backup --db FILE -o OUT [--encrypt] [--key FILE] [--force]"
#define CHUNK (1u << 20)
#define TAG_LEN 32

/* --- streamed HMAC-SM3 --------------------------------------------------------------- */

typedef struct mac_stream {
	EVP_MAC *mac;
	EVP_MAC_CTX *ctx;
} mac_stream;

static zx_err mac_begin(mac_stream *m, const zx_keys *k)
{
	uint8_t seed[19 + ZX_SM4_KEY_LEN], key[ZX_SM3_LEN];
	memcpy(seed, "zhenxing-backup-mac", 19);
	memcpy(seed + 19, k->backup, ZX_SM4_KEY_LEN);
	zx_sm3(seed, sizeof(seed), key);
	m->mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	m->ctx = m->mac ? EVP_MAC_CTX_new(m->mac) : NULL;
	OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SM3", 0),
	                       OSSL_PARAM_construct_end()};
	if (!m->ctx || !EVP_MAC_init(m->ctx, key, sizeof(key), params))
		return ZX_EINTERNAL;
	return ZX_OK;
}

static zx_err mac_update(mac_stream *m, const void *p, size_t n)
{
	return EVP_MAC_update(m->ctx, p, n) ? ZX_OK : ZX_EINTERNAL;
}

static zx_err mac_final(mac_stream *m, uint8_t out[TAG_LEN])
{
	size_t len = 0;
	return EVP_MAC_final(m->ctx, out, &len, TAG_LEN) && len == TAG_LEN ? ZX_OK : ZX_EINTERNAL;
}

static void mac_end(mac_stream *m)
{
	EVP_MAC_CTX_free(m->ctx);
	EVP_MAC_free(m->mac);
}

/* iv + blocks, as a 128-bit big-endian counter (CTR position of a chunk). */
static void iv_at(const uint8_t iv[16], uint64_t blocks, uint8_t out[16])
{
	memcpy(out, iv, 16);
	for (int i = 15; i >= 0 && blocks; i--) {
		uint64_t sum = (uint64_t)out[i] + (blocks & 0xff);
		out[i] = (uint8_t)sum;
		blocks = (blocks >> 8) + (sum >> 8);
	}
}

static zx_err write_all(int fd, const void *p, size_t n)
{
	const char *c = p;
	while (n > 0) {
		ssize_t w = write(fd, c, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return errno == ENOSPC ? ZX_EFULL : ZX_EIO;
		c += w;
		n -= (size_t)w;
	}
	return ZX_OK;
}

static ssize_t read_full(int fd, void *p, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = read(fd, (char *)p + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

zx_err zx_backup_encrypt(const zx_keys *k, const char *in_path, const char *out_path, zx_errinfo *ei)
{
	int in = open(in_path, O_RDONLY | O_CLOEXEC);
	int out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	uint8_t *buf = malloc(CHUNK), iv[16], civ[16], tag[TAG_LEN];
	mac_stream m = {0};
	zx_err e = in < 0 || out < 0 ? ZX_EIO : !buf ? ZX_ENOMEM : ZX_OK;
	if (!e)
		e = zx_random_bytes(iv, sizeof(iv));
	if (!e)
		e = mac_begin(&m, k);
	if (!e)
		e = write_all(out, ZX_BACKUP_MAGIC, ZX_BACKUP_MAGIC_LEN);
	if (!e)
		e = write_all(out, iv, sizeof(iv));
	if (!e)
		e = mac_update(&m, ZX_BACKUP_MAGIC, ZX_BACKUP_MAGIC_LEN);
	if (!e)
		e = mac_update(&m, iv, sizeof(iv));
	uint64_t blocks = 0;
	while (!e) {
		ssize_t n = read_full(in, buf, CHUNK);
		if (n < 0)
			e = ZX_EIO;
		if (n <= 0)
			break;
		iv_at(iv, blocks, civ);
		e = zx_sm4_ctr(k->backup, civ, buf, (size_t)n, buf);
		if (!e)
			e = mac_update(&m, buf, (size_t)n);
		if (!e)
			e = write_all(out, buf, (size_t)n);
		blocks += CHUNK / 16;
	}
	if (!e)
		e = mac_final(&m, tag);
	if (!e)
		e = write_all(out, tag, sizeof(tag));
	if (!e && fsync(out) != 0)
		e = ZX_EIO;
	mac_end(&m);
	free(buf);
	if (in >= 0)
		close(in);
	if (out >= 0 && close(out) != 0 && !e)
		e = ZX_EIO;
	if (e)
		return zx_fail(ei, e, "backup_encrypt_failed", "-o", 0, "无法写入加密备份 %s", out_path);
	return ZX_OK;
}

bool zx_backup_is_encrypted(const char *path)
{
	char head[ZX_BACKUP_MAGIC_LEN];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	bool enc = read_full(fd, head, sizeof(head)) == (ssize_t)sizeof(head) &&
	           memcmp(head, ZX_BACKUP_MAGIC, ZX_BACKUP_MAGIC_LEN) == 0;
	close(fd);
	return enc;
}

/* Pass 1: the tag over everything but the last TAG_LEN bytes must match them. */
static zx_err verify_tag(const zx_keys *k, int in, off_t size, zx_errinfo *ei)
{
	uint8_t *buf = malloc(CHUNK), want[TAG_LEN], have[TAG_LEN];
	mac_stream m = {0};
	zx_err e = buf ? mac_begin(&m, k) : ZX_ENOMEM;
	off_t left = size - TAG_LEN;
	while (!e && left > 0) {
		size_t n = left > (off_t)CHUNK ? CHUNK : (size_t)left;
		if (read_full(in, buf, n) != (ssize_t)n)
			e = ZX_EIO;
		if (!e)
			e = mac_update(&m, buf, n);
		left -= (off_t)n;
	}
	if (!e && read_full(in, want, TAG_LEN) != TAG_LEN)
		e = ZX_EIO;
	if (!e)
		e = mac_final(&m, have);
	mac_end(&m);
	free(buf);
	if (!e && CRYPTO_memcmp(want, have, TAG_LEN) != 0)
		return zx_fail(ei, ZX_EVALIDATION, "backup_tampered", NULL, 0,
		               "备份文件校验失败：文件已损坏、被截断或被篡改，或密钥文件不匹配");
	return e;
}

zx_err zx_backup_decrypt(const zx_keys *k, const char *in_path, const char *out_path, zx_errinfo *ei)
{
	int in = open(in_path, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return zx_fail(ei, ZX_ENOTFOUND, "backup_missing", NULL, 0, "无法打开备份文件 %s", in_path);
	struct stat st;
	uint8_t head[ZX_BACKUP_MAGIC_LEN + 16];
	zx_err e = fstat(in, &st) == 0 ? ZX_OK : ZX_EIO;
	if (!e && (st.st_size < (off_t)(sizeof(head) + TAG_LEN) ||
	           read_full(in, head, sizeof(head)) != sizeof(head) ||
	           memcmp(head, ZX_BACKUP_MAGIC, ZX_BACKUP_MAGIC_LEN) != 0))
		e = zx_fail(ei, ZX_EVALIDATION, "backup_tampered", NULL, 0, "备份文件格式无效或已被截断");
	if (!e && lseek(in, 0, SEEK_SET) == 0)
		e = verify_tag(k, in, st.st_size, ei);
	if (e) {
		close(in);
		return e;
	}
	/* Pass 2: decrypt what was just verified. */
	int out = open(out_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	uint8_t *buf = malloc(CHUNK), civ[16];
	e = out < 0 ? ZX_EIO : !buf ? ZX_ENOMEM : ZX_OK;
	if (!e && lseek(in, (off_t)sizeof(head), SEEK_SET) != (off_t)sizeof(head))
		e = ZX_EIO;
	off_t left = st.st_size - (off_t)sizeof(head) - TAG_LEN;
	uint64_t blocks = 0;
	while (!e && left > 0) {
		size_t n = left > (off_t)CHUNK ? CHUNK : (size_t)left;
		if (read_full(in, buf, n) != (ssize_t)n)
			e = ZX_EIO;
		iv_at(head + ZX_BACKUP_MAGIC_LEN, blocks, civ);
		if (!e)
			e = zx_sm4_ctr(k->backup, civ, buf, n, buf);
		if (!e)
			e = write_all(out, buf, n);
		blocks += CHUNK / 16;
		left -= (off_t)n;
	}
	if (!e && fsync(out) != 0)
		e = ZX_EIO;
	free(buf);
	close(in);
	if (out >= 0)
		close(out);
	if (e) {
		if (out >= 0)
			unlink(out_path);
		return zx_fail(ei, e, "backup_decrypt_failed", NULL, 0, "无法解密备份到 %s", out_path);
	}
	return ZX_OK;
}

/* Makes the rename durable. */
void cli_sync_dir_of(const char *path)
{
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		if (fsync(fd) != 0)
			zx_warn("backup: fsync of the directory failed");
		close(fd);
	}
}

static zx_err snapshot(const char *db, const char *tmp, zx_errinfo *ei)
{
	zx_store *st = NULL;
	zx_err e = cli_open_store(db, false, 1, &st, ei);
	if (e)
		return e;
	if (zx_store_backend(st) != ZX_BACKEND_SQLITE)
		e = zx_fail(ei, ZX_EINVAL, "backup_pg", "--db", 0,
		            "PostgreSQL 数据库请用 pg_dump 备份（见 docs/deploy.md）");
	else
		e = zx_store_backup(st, tmp, ei);
	zx_store_close(st);
	return e;
}

int cmd_backup(int argc, char **argv)
{
	const char *db = NULL, *out = NULL, *key = NULL;
	bool encrypt = false, force = false;
	static const struct option opts[] = {
	    {"db", required_argument, 0, 'd'},  {"output", required_argument, 0, 'o'},
	    {"key", required_argument, 0, 'k'}, {"encrypt", no_argument, 0, 'e'},
	    {"force", no_argument, 0, 'f'},     {0, 0, 0, 0},
	};
	int ch;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		case 'k':
			key = optarg;
			break;
		case 'e':
			encrypt = true;
			break;
		case 'f':
			force = true;
			break;
		default:
			return cli_usage(USAGE);
		}
	}
	if (!db || !out || optind != argc)
		return cli_usage(USAGE);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	struct stat sb;
	if (!force && stat(out, &sb) == 0)
		return cli_fail(zx_fail(&ei, ZX_ECONFLICT, "backup_exists", "-o", 0,
		                        "备份文件已存在: %s（用 --force 覆盖）", out),
		                &ei);
	zx_keys keys;
	zx_err e = encrypt ? cli_load_keys(db, key, false, &keys, &ei) : ZX_OK;
	if (e)
		return cli_fail(e, &ei);
	char tmp[1100], etmp[1100];
	snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", out, (long)getpid());
	snprintf(etmp, sizeof(etmp), "%s.enc-%ld", out, (long)getpid());
	unlink(tmp);
	e = snapshot(db, tmp, &ei);
	if (!e)
		e = cli_verify_db(tmp, false, &ei);
	if (!e && encrypt) {
		e = zx_backup_encrypt(&keys, tmp, etmp, &ei);
		unlink(tmp);
		if (!e && rename(etmp, out) != 0)
			e = zx_fail(&ei, ZX_EIO, "backup_rename", "-o", 0, "无法写入备份文件 %s", out);
	} else if (!e && rename(tmp, out) != 0) {
		e = zx_fail(&ei, ZX_EIO, "backup_rename", "-o", 0, "无法写入备份文件 %s", out);
	}
	if (e) {
		unlink(tmp);
		unlink(etmp);
		return cli_fail(e, &ei);
	}
	cli_sync_dir_of(out);
	memset(&keys, 0, sizeof(keys));
	stat(out, &sb);
	printf("备份完成: %s（%lld 字节%s，已校验）\n", out, (long long)sb.st_size,
	       encrypt ? "，SM4 加密" : "");
	return CLI_OK;
}
