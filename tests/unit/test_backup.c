/*
 * test_backup.c — specification of the encrypted backup format (cli/backup.h):
 * round trip over several chunks, and refusal of any altered, truncated or
 * wrongly-keyed file before a byte of plaintext is written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/crypto.h"
#include "cli/backup.h"

typedef struct fx {
	char dir[64], plain[128], enc[128], out[128];
	zx_keys keys;
	size_t len;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof(*f));
	snprintf(f->dir, sizeof(f->dir), "/tmp/zx-backup-XXXXXX");
	if (!f || !mkdtemp(f->dir) || zx_crypto_init() != ZX_OK)
		return -1;
	snprintf(f->plain, sizeof(f->plain), "%s/plain.db", f->dir);
	snprintf(f->enc, sizeof(f->enc), "%s/backup.zxb", f->dir);
	snprintf(f->out, sizeof(f->out), "%s/restored.db", f->dir);
	for (size_t i = 0; i < sizeof(f->keys.backup); i++)
		f->keys.backup[i] = (uint8_t)(i * 7 + 1);
	/* Not a multiple of the 1 MiB chunk nor of the 16-byte block. */
	f->len = (size_t)(2u << 20) + 12345;
	FILE *fp = fopen(f->plain, "wb");
	for (size_t i = 0; fp && i < f->len; i++)
		fputc((int)((i * 2654435761u) >> 13) & 0xff, fp);
	if (!fp || fclose(fp) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	unlink(f->plain);
	unlink(f->enc);
	unlink(f->out);
	rmdir(f->dir);
	free(f);
	return 0;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	char *p = malloc(*len + 1);
	assert_int_equal(fread(p, 1, *len, fp), *len);
	fclose(fp);
	return p;
}

static void flip_byte(const char *path, long at)
{
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, at, at < 0 ? SEEK_END : SEEK_SET);
	int c = fgetc(fp);
	fseek(fp, at, at < 0 ? SEEK_END : SEEK_SET);
	fputc(c ^ 0x01, fp);
	fclose(fp);
}

static void encrypt_fresh(fx *f)
{
	unlink(f->enc);
	unlink(f->out);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_backup_encrypt(&f->keys, f->plain, f->enc, &ei), ZX_OK);
}

static void test_backup_round_trips_over_several_chunks(void **state)
{
	fx *f = *state;
	encrypt_fresh(f);
	assert_true(zx_backup_is_encrypted(f->enc));
	assert_false(zx_backup_is_encrypted(f->plain));
	size_t elen, plen, olen;
	char *enc = slurp(f->enc, &elen), *plain = slurp(f->plain, &plen);
	assert_int_equal(elen, plen + ZX_BACKUP_MAGIC_LEN + 16 + 32);
	/* No plaintext run survives encryption. */
	assert_true(memcmp(enc + ZX_BACKUP_MAGIC_LEN + 16, plain, 64) != 0);
	struct stat st;
	assert_int_equal(stat(f->enc, &st), 0);
	assert_int_equal(st.st_mode & 077, 0);
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_backup_decrypt(&f->keys, f->enc, f->out, &ei), ZX_OK);
	char *out = slurp(f->out, &olen);
	assert_int_equal(olen, plen);
	assert_memory_equal(out, plain, plen);
	free(enc);
	free(plain);
	free(out);
}

static void assert_refused(fx *f, const zx_keys *k)
{
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	unlink(f->out);
	assert_int_equal(zx_backup_decrypt(k, f->enc, f->out, &ei), ZX_EVALIDATION);
	assert_string_equal(ei.code, "backup_tampered");
	assert_int_not_equal(access(f->out, F_OK), 0); /* nothing written */
}

static void test_backup_refuses_a_changed_ciphertext_byte(void **state)
{
	fx *f = *state;
	encrypt_fresh(f);
	flip_byte(f->enc, 1500000);
	assert_refused(f, &f->keys);
}

static void test_backup_refuses_a_changed_iv_or_tag(void **state)
{
	fx *f = *state;
	encrypt_fresh(f);
	flip_byte(f->enc, ZX_BACKUP_MAGIC_LEN + 3);
	assert_refused(f, &f->keys);
	encrypt_fresh(f);
	flip_byte(f->enc, -1);
	assert_refused(f, &f->keys);
}

static void test_backup_refuses_a_truncated_file(void **state)
{
	fx *f = *state;
	encrypt_fresh(f);
	struct stat st;
	assert_int_equal(stat(f->enc, &st), 0);
	assert_int_equal(truncate(f->enc, st.st_size - 4096), 0);
	assert_refused(f, &f->keys);
	assert_int_equal(truncate(f->enc, 20), 0);
	assert_refused(f, &f->keys);
}

static void test_backup_refuses_another_key_file(void **state)
{
	fx *f = *state;
	encrypt_fresh(f);
	zx_keys other = f->keys;
	other.backup[0] ^= 0x80;
	assert_refused(f, &other);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_backup_round_trips_over_several_chunks),
	    cmocka_unit_test(test_backup_refuses_a_changed_ciphertext_byte),
	    cmocka_unit_test(test_backup_refuses_a_changed_iv_or_tag),
	    cmocka_unit_test(test_backup_refuses_a_truncated_file),
	    cmocka_unit_test(test_backup_refuses_another_key_file),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
