/*
 * test_crypto.c — specification of zhenxing's cryptography: SM3/HMAC-SM3/SM4 against
 * published vectors, the personal-field format (base64(iv || SM4-CTR)), blind indexes,
 * the key file and its permission rule, argon2id passwords and the password generator.
 */
#include <pthread.h>
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

/* ---- helpers ---- */

static void unhex(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		assert_int_equal(sscanf(hex + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
}

static void assert_hex_equal(const uint8_t *data, size_t n, const char *expected)
{
	char hex[512];
	assert_true(2 * n + 1 <= sizeof(hex));
	zx_hex(data, n, hex);
	assert_string_equal(hex, expected);
}

static zx_keys test_keys(uint8_t seed)
{
	zx_keys k;
	for (size_t i = 0; i < sizeof(k.enc); i++)
		k.enc[i] = (uint8_t)(seed + i);
	for (size_t i = 0; i < sizeof(k.mac); i++)
		k.mac[i] = (uint8_t)(seed * 3 + i);
	for (size_t i = 0; i < sizeof(k.backup); i++)
		k.backup[i] = (uint8_t)(seed * 7 + i);
	return k;
}

typedef struct tmpdir {
	char dir[64];
	char path[128];
} tmpdir;

static int tmpdir_setup(void **state)
{
	tmpdir *t = calloc(1, sizeof(*t));
	if (!t)
		return -1;
	snprintf(t->dir, sizeof(t->dir), "/tmp/zx_test_crypto_XXXXXX");
	if (!mkdtemp(t->dir)) {
		free(t);
		return -1;
	}
	snprintf(t->path, sizeof(t->path), "%s/keys", t->dir);
	*state = t;
	return 0;
}

static int tmpdir_teardown(void **state)
{
	tmpdir *t = *state;
	unlink(t->path);
	rmdir(t->dir);
	free(t);
	return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

#define KEYS_TEXT                                                                                            \
	"enc=00112233445566778899aabbccddeeff\n"                                                             \
	"mac=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"                             \
	"backup=ffeeddccbbaa99887766554433221100\n"

/* ---- init and random ---- */

static void test_crypto_init_finds_sm3_sm4_and_sodium(void **state)
{
	(void)state;
	assert_int_equal(zx_crypto_init(), ZX_OK);
	/* Idempotent: every module may call it. */
	assert_int_equal(zx_crypto_init(), ZX_OK);
}

static void test_random_bytes_fill_the_buffer_differently_each_call(void **state)
{
	(void)state;
	uint8_t a[32] = {0}, b[32] = {0}, zero[32] = {0};
	assert_int_equal(zx_random_bytes(a, sizeof(a)), ZX_OK);
	assert_int_equal(zx_random_bytes(b, sizeof(b)), ZX_OK);
	assert_memory_not_equal(a, zero, sizeof(a));
	assert_memory_not_equal(a, b, sizeof(a));
	assert_int_equal(zx_random_bytes(NULL, 0), ZX_OK);
	assert_int_equal(zx_random_bytes(NULL, 1), ZX_EINVAL);
}

/* ---- SM3 / HMAC-SM3 ---- */

static void test_sm3_matches_standard_vector_abc(void **state)
{
	(void)state;
	uint8_t d[ZX_SM3_LEN];
	zx_sm3("abc", 3, d);
	assert_hex_equal(d, sizeof(d), "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
}

static void test_sm3_matches_standard_vector_512_bit_message(void **state)
{
	(void)state;
	char msg[65];
	for (int i = 0; i < 16; i++)
		memcpy(msg + 4 * i, "abcd", 4);
	uint8_t d[ZX_SM3_LEN];
	zx_sm3(msg, 64, d);
	assert_hex_equal(d, sizeof(d), "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732");
}

static void test_sm3_of_empty_input(void **state)
{
	(void)state;
	uint8_t d[ZX_SM3_LEN];
	zx_sm3(NULL, 0, d);
	assert_hex_equal(d, sizeof(d), "1ab21d8355cfa17f8e61194831e81a8f22bec8c728fefb747ed035eb5082aa2b");
}

static void test_hmac_sm3_matches_gmt_0042_vectors(void **state)
{
	(void)state;
	uint8_t key[37], d[ZX_SM3_LEN];
	for (int i = 0; i < 37; i++)
		key[i] = (uint8_t)(i + 1);
	const char *m1 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
	                 "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	zx_hmac_sm3(key, 32, m1, strlen(m1), d);
	assert_hex_equal(d, sizeof(d), "ca05e144ed05d1857840d1f318a4a8669e559fc8391f414485bfdf7bb408963a");

	uint8_t m2[50];
	memset(m2, 0xcd, sizeof(m2));
	zx_hmac_sm3(key, 37, m2, sizeof(m2), d);
	assert_hex_equal(d, sizeof(d), "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae");
}

static void test_hmac_sm3_accepts_empty_key(void **state)
{
	(void)state;
	uint8_t d[ZX_SM3_LEN];
	zx_hmac_sm3(NULL, 0, "zhenxing", 8, d);
	assert_hex_equal(d, sizeof(d), "063f8026a2dcd01fd1dda69ec647141857f22d7b9dcbeec465a73058806b1b19");
}

static void test_hmac_sm3_is_deterministic_and_key_dependent(void **state)
{
	(void)state;
	uint8_t key[32], d1[ZX_SM3_LEN], d2[ZX_SM3_LEN];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	zx_hmac_sm3(key, sizeof(key), "510722198001011231", 18, d1);
	zx_hmac_sm3(key, sizeof(key), "510722198001011231", 18, d2);
	assert_memory_equal(d1, d2, sizeof(d1));
	assert_hex_equal(d1, sizeof(d1), "97f476a1b8c29413ee6be2f50955009f1e753720aab0b9db7642290b412d277a");
	key[31] ^= 1;
	zx_hmac_sm3(key, sizeof(key), "510722198001011231", 18, d2);
	assert_memory_not_equal(d1, d2, sizeof(d1));
}

static void test_hmac_sm3_accepts_keys_longer_than_a_block(void **state)
{
	(void)state;
	uint8_t key[100], d[ZX_SM3_LEN];
	for (int i = 0; i < 100; i++)
		key[i] = (uint8_t)i;
	zx_hmac_sm3(key, sizeof(key), "abc", 3, d);
	assert_hex_equal(d, sizeof(d), "efa0b8554e9475092d2f978d8855627a45325381b7f478f6e164faa04fd5c844");
}

static void test_hmac_sm3_stays_correct_when_keys_alternate(void **state)
{
	(void)state;
	/* Guards the per-thread key cache: a stale key would show up here. */
	uint8_t key[37], d[ZX_SM3_LEN], m2[50];
	for (int i = 0; i < 37; i++)
		key[i] = (uint8_t)(i + 1);
	memset(m2, 0xcd, sizeof(m2));
	for (int round = 0; round < 3; round++) {
		zx_hmac_sm3(key, 37, m2, sizeof(m2), d);
		assert_hex_equal(d, sizeof(d),
		                 "220bf579ded555393f0159f66c99877822a3ecf610d1552154b41d44b94db3ae");
		zx_hmac_sm3(NULL, 0, "zhenxing", 8, d);
		assert_hex_equal(d, sizeof(d),
		                 "063f8026a2dcd01fd1dda69ec647141857f22d7b9dcbeec465a73058806b1b19");
		/* A prefix of the cached key is a different key. */
		zx_hmac_sm3(key, 32, m2, sizeof(m2), d);
		assert_hex_equal(d, sizeof(d),
		                 "08c4941eb7c3ab361cfdadf6b35ca41ea9dbd2b2becdfaa0618023f9799ab5ac");
	}
}

static void *hmac_thread(void *arg)
{
	uint8_t *out = arg;
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = (uint8_t)i;
	for (int i = 0; i < 1000; i++)
		zx_hmac_sm3(key, sizeof(key), "510722198001011231", 18, out);
	return NULL;
}

static void test_hmac_sm3_is_correct_from_many_threads(void **state)
{
	(void)state;
	pthread_t th[4];
	uint8_t out[4][ZX_SM3_LEN];
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&th[i], NULL, hmac_thread, out[i]), 0);
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(th[i], NULL), 0);
		assert_hex_equal(out[i], ZX_SM3_LEN,
		                 "97f476a1b8c29413ee6be2f50955009f1e753720aab0b9db7642290b412d277a");
	}
}

/* ---- SM4-CTR ---- */

static void test_sm4_ctr_matches_published_vector(void **state)
{
	(void)state;
	/* draft-ribose-cfrg-sm4, CTR example 1. */
	uint8_t key[16], iv[16], pt[64], ct[64];
	unhex("0123456789abcdeffedcba9876543210", key, 16);
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	unhex("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
	      "eeeeeeeeeeeeeeeeffffffffffffffffaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb",
	      pt, 64);
	assert_int_equal(zx_sm4_ctr(key, iv, pt, sizeof(pt), ct), ZX_OK);
	assert_hex_equal(ct, sizeof(ct),
	                 "ac3236cb970cc20791364c395a1342d1a3cbc1878c6f30cd074cce385cdd70c7"
	                 "f234bc0e24c11980fd1286310ce37b926e02fcd0faa0baf38b2933851d824514");
}

/* The thread's cached SM4 context is re-keyed and re-armed per call: alternating keys and
 * IVs on one thread still give the published vector every time, never the other key's or
 * the previous IV's keystream. */
static void test_sm4_ctr_alternating_keys_and_ivs_on_one_thread(void **state)
{
	(void)state;
	uint8_t key[16], other[16], iv[16], iv2[16], pt[64], ct[64], ct2[64], first_other[64];
	unhex("0123456789abcdeffedcba9876543210", key, 16);
	memset(other, 0x42, sizeof(other));
	unhex("000102030405060708090a0b0c0d0e0f", iv, 16);
	memset(iv2, 0x07, sizeof(iv2));
	unhex("aaaaaaaaaaaaaaaabbbbbbbbbbbbbbbbccccccccccccccccdddddddddddddddd"
	      "eeeeeeeeeeeeeeeeffffffffffffffffaaaaaaaaaaaaaaaabbbbbbbbbbbbbbbb",
	      pt, 64);
	assert_int_equal(zx_sm4_ctr(other, iv, pt, sizeof(pt), first_other), ZX_OK);
	for (int round = 0; round < 3; round++) {
		assert_int_equal(zx_sm4_ctr(key, iv2, pt, sizeof(pt), ct2), ZX_OK); /* same key, other IV */
		assert_int_equal(zx_sm4_ctr(key, iv, pt, sizeof(pt), ct), ZX_OK);
		assert_hex_equal(ct, sizeof(ct),
		                 "ac3236cb970cc20791364c395a1342d1a3cbc1878c6f30cd074cce385cdd70c7"
		                 "f234bc0e24c11980fd1286310ce37b926e02fcd0faa0baf38b2933851d824514");
		assert_memory_not_equal(ct, ct2, sizeof(ct));
		assert_int_equal(zx_sm4_ctr(other, iv, pt, sizeof(pt), ct2), ZX_OK); /* other key, same IV */
		assert_memory_equal(ct2, first_other, sizeof(ct2));
		assert_memory_not_equal(ct, ct2, sizeof(ct));
	}
}

static void test_sm4_ctr_keystream_starts_with_ecb_of_iv(void **state)
{
	(void)state;
	/* GB/T 32907 example: SM4(key, 0123…3210) = 681edf34…4246. With a zero
	 * plaintext, CTR's first block is exactly that encryption of the IV. */
	uint8_t key[16], iv[16], zero[32] = {0}, ks[32];
	unhex("0123456789abcdeffedcba9876543210", key, 16);
	unhex("0123456789abcdeffedcba9876543210", iv, 16);
	assert_int_equal(zx_sm4_ctr(key, iv, zero, sizeof(zero), ks), ZX_OK);
	assert_hex_equal(ks, 16, "681edf34d206965e86b3e94f536e4246");
	/* The second block uses IV+1, so it differs. */
	assert_memory_not_equal(ks, ks + 16, 16);
}

static void test_sm4_ctr_round_trips_in_place(void **state)
{
	(void)state;
	uint8_t key[16], iv[16];
	for (int i = 0; i < 16; i++) {
		key[i] = (uint8_t)(i * 17);
		iv[i] = (uint8_t)(255 - i);
	}
	char text[] = "四川省绵阳市三台县 13812345678 with an odd length";
	char copy[sizeof(text)];
	memcpy(copy, text, sizeof(text));
	assert_int_equal(zx_sm4_ctr(key, iv, text, sizeof(text), text), ZX_OK);
	assert_memory_not_equal(text, copy, sizeof(text));
	assert_int_equal(zx_sm4_ctr(key, iv, text, sizeof(text), text), ZX_OK);
	assert_memory_equal(text, copy, sizeof(text));
}

static void test_sm4_ctr_rejects_missing_arguments(void **state)
{
	(void)state;
	uint8_t key[16] = {0}, iv[16] = {0}, buf[4] = {0};
	assert_int_equal(zx_sm4_ctr(NULL, iv, buf, 4, buf), ZX_EINVAL);
	assert_int_equal(zx_sm4_ctr(key, NULL, buf, 4, buf), ZX_EINVAL);
	assert_int_equal(zx_sm4_ctr(key, iv, NULL, 4, buf), ZX_EINVAL);
	assert_int_equal(zx_sm4_ctr(key, iv, buf, 4, NULL), ZX_EINVAL);
	assert_int_equal(zx_sm4_ctr(key, iv, NULL, 0, NULL), ZX_OK);
}

/* ---- hex and base64 ---- */

static void test_hex_is_lower_case_and_terminated(void **state)
{
	(void)state;
	const uint8_t data[] = {0x00, 0xab, 0x7f, 0xff, 0x10};
	char out[11];
	memset(out, 'Z', sizeof(out));
	zx_hex(data, sizeof(data), out);
	assert_string_equal(out, "00ab7fff10");
	zx_hex(data, 0, out);
	assert_string_equal(out, "");
}

static const char *rfc4648[][2] = {
    {"", ""},
    {"f", "Zg=="},
    {"fo", "Zm8="},
    {"foo", "Zm9v"},
    {"foob", "Zm9vYg=="},
    {"fooba", "Zm9vYmE="},
    {"foobar", "Zm9vYmFy"},
};

static void test_base64_matches_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		size_t n = strlen(rfc4648[i][0]);
		char out[16];
		assert_true(zx_base64_len(n) <= sizeof(out));
		zx_base64(rfc4648[i][0], n, out);
		assert_string_equal(out, rfc4648[i][1]);
		assert_int_equal(strlen(out) + 1, zx_base64_len(n));
	}
}

static void test_base64_uses_the_standard_alphabet(void **state)
{
	(void)state;
	const uint8_t data[] = {0xfb, 0xff, 0xbf};
	char out[5];
	zx_base64(data, sizeof(data), out);
	assert_string_equal(out, "+/+/");
}

static void test_unbase64_decodes_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc4648) / sizeof(rfc4648[0]); i++) {
		char out[16] = {0};
		long n = zx_unbase64(rfc4648[i][1], out, sizeof(out));
		assert_int_equal(n, (long)strlen(rfc4648[i][0]));
		assert_memory_equal(out, rfc4648[i][0], (size_t)n);
	}
}

static void test_unbase64_rejects_malformed_input(void **state)
{
	(void)state;
	uint8_t out[32];
	static const char *bad[] = {
	    "Zg=",       /* length not a multiple of 4 */
	    "Zg",        /* unpadded */
	    "Zm9v!mFy",  /* character outside the alphabet */
	    "Zm9v YmFy", /* whitespace */
	    "Zg==Zm9v",  /* padding in the middle */
	    "Z===",      /* too much padding */
	    "====",      /* nothing but padding */
	    "Zm=v",      /* '=' before a data character */
	    "Zh==",      /* non-zero bits under the padding: a second spelling of "f" */
	    "Zm9=",      /* same, one pad */
	    "Zm9v-_8=",  /* URL-safe alphabet is not ours */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(zx_unbase64(bad[i], out, sizeof(out)), -1);
	assert_int_equal(zx_unbase64(NULL, out, sizeof(out)), -1);
}

static void test_unbase64_refuses_to_overflow_output(void **state)
{
	(void)state;
	uint8_t out[8];
	memset(out, 0x5a, sizeof(out));
	assert_int_equal(zx_unbase64("Zm9vYmFy", out, 5), -1);
	assert_int_equal(out[5], 0x5a);
	assert_int_equal(zx_unbase64("Zm9vYmFy", out, 6), 6);
	assert_int_equal(zx_unbase64("Zm9vYmE=", out, 5), 5);
}

static void test_base64_round_trips_every_byte_and_length(void **state)
{
	(void)state;
	uint8_t data[300], back[300];
	char enc[401];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 131 + 7);
	for (size_t n = 0; n <= sizeof(data); n++) {
		assert_true(zx_base64_len(n) <= sizeof(enc));
		zx_base64(data, n, enc);
		assert_int_equal(zx_unbase64(enc, back, sizeof(back)), (long)n);
		assert_memory_equal(back, data, n);
	}
}

/* ---- personal-field encryption and blind index ---- */

static void test_field_encrypt_round_trips(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	static const char *values[] = {"510722198001011231", "13812345678", "", "11010519491231002X",
	                               "患有大病 · 残疾二级"};
	for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
		char enc[128], dec[64];
		assert_int_equal(zx_field_encrypt(&k, values[i], enc, sizeof(enc)), ZX_OK);
		if (values[i][0])
			assert_null(strstr(enc, values[i]));
		assert_int_equal(zx_field_decrypt(&k, enc, dec, sizeof(dec)), ZX_OK);
		assert_string_equal(dec, values[i]);
	}
}

static void test_field_encrypt_twice_gives_different_ciphertexts(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	char a[128], b[128];
	assert_int_equal(zx_field_encrypt(&k, "510722198001011231", a, sizeof(a)), ZX_OK);
	assert_int_equal(zx_field_encrypt(&k, "510722198001011231", b, sizeof(b)), ZX_OK);
	assert_string_not_equal(a, b);
}

/* IVs come from a per-thread reserve refilled 4 KiB at a time: across several refills
 * every ciphertext of the same value differs and decrypts back. */
static void test_field_encrypt_ivs_stay_distinct_across_reserve_refills(void **state)
{
	(void)state;
	zx_keys k = test_keys(3);
	enum { N = 700 }; /* 700 IVs of 16 bytes: 2.7 refills of a 4 KiB reserve */
	static char enc[N][128];
	for (int i = 0; i < N; i++) {
		assert_int_equal(zx_field_encrypt(&k, "510722198001011231", enc[i], sizeof(enc[i])), ZX_OK);
		char plain[64];
		assert_int_equal(zx_field_decrypt(&k, enc[i], plain, sizeof(plain)), ZX_OK);
		assert_string_equal(plain, "510722198001011231");
	}
	for (int i = 0; i < N; i++)
		for (int j = i + 1; j < N; j++)
			assert_true(strncmp(enc[i], enc[j], 24) != 0); /* the IV's base64 */
}

static void test_field_encrypt_layout_is_base64_of_iv_then_sm4_ctr(void **state)
{
	(void)state;
	zx_keys k = test_keys(9);
	const char *plain = "13812345678";
	char enc[128];
	assert_int_equal(zx_field_encrypt(&k, plain, enc, sizeof(enc)), ZX_OK);
	assert_int_equal(strlen(enc) + 1, zx_base64_len(16 + strlen(plain)));
	uint8_t raw[64];
	long n = zx_unbase64(enc, raw, sizeof(raw));
	assert_int_equal(n, 16 + (long)strlen(plain));
	char dec[32] = {0};
	assert_int_equal(zx_sm4_ctr(k.enc, raw, raw + 16, (size_t)n - 16, dec), ZX_OK);
	assert_string_equal(dec, plain);
}

static void test_field_encrypt_needs_room_for_the_whole_output(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	const char *plain = "510722198001011231";
	size_t need = zx_base64_len(16 + strlen(plain));
	char enc[128];
	assert_int_equal(zx_field_encrypt(&k, plain, enc, need - 1), ZX_ETOOBIG);
	assert_int_equal(zx_field_encrypt(&k, plain, enc, need), ZX_OK);
	assert_int_equal(strlen(enc), need - 1);
	assert_int_equal(zx_field_encrypt(NULL, plain, enc, sizeof(enc)), ZX_EINVAL);
	assert_int_equal(zx_field_encrypt(&k, NULL, enc, sizeof(enc)), ZX_EINVAL);
}

static void test_field_encrypt_handles_values_larger_than_the_stack_buffer(void **state)
{
	(void)state;
	zx_keys k = test_keys(2);
	size_t n = 5000;
	char *plain = malloc(n + 1), *dec = malloc(n + 1);
	size_t cap = zx_base64_len(16 + n);
	char *enc = malloc(cap);
	assert_non_null(plain);
	assert_non_null(dec);
	assert_non_null(enc);
	for (size_t i = 0; i < n; i++)
		plain[i] = (char)('a' + i % 26);
	plain[n] = '\0';
	assert_int_equal(zx_field_encrypt(&k, plain, enc, cap), ZX_OK);
	assert_int_equal(zx_field_decrypt(&k, enc, dec, n + 1), ZX_OK);
	assert_string_equal(dec, plain);
	free(plain);
	free(dec);
	free(enc);
}

static void test_field_decrypt_rejects_malformed_ciphertext(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	char dec[64];
	assert_int_equal(zx_field_decrypt(&k, "not base64!", dec, sizeof(dec)), ZX_EINVAL);
	assert_string_equal(dec, "");
	/* 15 bytes: shorter than the IV. */
	assert_int_equal(zx_field_decrypt(&k, "AAAAAAAAAAAAAAAAAAAA", dec, sizeof(dec)), ZX_EINVAL);
	assert_int_equal(zx_field_decrypt(&k, "", dec, sizeof(dec)), ZX_EINVAL);
	assert_int_equal(zx_field_decrypt(&k, NULL, dec, sizeof(dec)), ZX_EINVAL);
	assert_int_equal(zx_field_decrypt(NULL, "AAAA", dec, sizeof(dec)), ZX_EINVAL);
}

static void test_field_decrypt_rejects_plaintext_with_embedded_nul(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	uint8_t raw[16 + 4] = {0};
	uint8_t pt[4] = {'a', 0, 'b', 'c'};
	assert_int_equal(zx_sm4_ctr(k.enc, raw, pt, 4, raw + 16), ZX_OK);
	char enc[64], dec[16];
	zx_base64(raw, sizeof(raw), enc);
	assert_int_equal(zx_field_decrypt(&k, enc, dec, sizeof(dec)), ZX_EINVAL);
	assert_string_equal(dec, "");
}

static void test_field_decrypt_needs_room_for_plaintext_and_nul(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	char enc[128], dec[32];
	assert_int_equal(zx_field_encrypt(&k, "13812345678", enc, sizeof(enc)), ZX_OK);
	assert_int_equal(zx_field_decrypt(&k, enc, dec, 11), ZX_ETOOBIG);
	assert_int_equal(zx_field_decrypt(&k, enc, dec, 12), ZX_OK);
	assert_string_equal(dec, "13812345678");
}

static void test_field_decrypt_with_another_key_does_not_reveal_plaintext(void **state)
{
	(void)state;
	zx_keys k = test_keys(1), other = test_keys(2);
	char enc[128], dec[64];
	assert_int_equal(zx_field_encrypt(&k, "510722198001011231", enc, sizeof(enc)), ZX_OK);
	zx_err err = zx_field_decrypt(&other, enc, dec, sizeof(dec));
	if (err == ZX_OK)
		assert_string_not_equal(dec, "510722198001011231");
	else
		assert_int_equal(err, ZX_EINVAL);
}

static void test_blind_index_is_stable_32_lower_hex(void **state)
{
	(void)state;
	zx_keys k = test_keys(1);
	char a[ZX_BIDX_HEX_LEN + 1], b[ZX_BIDX_HEX_LEN + 1];
	zx_blind_index(&k, "510722198001011231", a);
	zx_blind_index(&k, "510722198001011231", b);
	assert_string_equal(a, b);
	assert_int_equal(strlen(a), ZX_BIDX_HEX_LEN);
	assert_int_equal(strspn(a, "0123456789abcdef"), ZX_BIDX_HEX_LEN);
}

static void test_blind_index_is_hmac_sm3_prefix_under_mac_key(void **state)
{
	(void)state;
	zx_keys k = test_keys(4);
	uint8_t mac[ZX_SM3_LEN];
	char full[2 * ZX_SM3_LEN + 1], idx[ZX_BIDX_HEX_LEN + 1];
	zx_hmac_sm3(k.mac, sizeof(k.mac), "13812345678", 11, mac);
	zx_hex(mac, sizeof(mac), full);
	zx_blind_index(&k, "13812345678", idx);
	assert_memory_equal(idx, full, ZX_BIDX_HEX_LEN);
}

static void test_blind_index_separates_values_and_keys(void **state)
{
	(void)state;
	zx_keys k = test_keys(1), other = test_keys(1);
	other.mac[0] ^= 0x80;
	char a[ZX_BIDX_HEX_LEN + 1], b[ZX_BIDX_HEX_LEN + 1], c[ZX_BIDX_HEX_LEN + 1];
	zx_blind_index(&k, "510722198001011231", a);
	zx_blind_index(&k, "11010519491231002X", b);
	zx_blind_index(&other, "510722198001011231", c);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	/* The enc and backup keys play no part. */
	other = k;
	other.enc[0] ^= 1;
	other.backup[0] ^= 1;
	zx_blind_index(&other, "510722198001011231", c);
	assert_string_equal(a, c);
}

/* ---- key file ---- */

static void test_keys_load_creates_a_0600_file_with_three_keys(void **state)
{
	tmpdir *t = *state;
	zx_keys k;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	mode_t old = umask(0);
	zx_err err = zx_keys_load(t->path, 1, &k, &ei);
	umask(old);
	assert_int_equal(err, ZX_OK);
	struct stat st;
	assert_int_equal(stat(t->path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);

	FILE *f = fopen(t->path, "r");
	assert_non_null(f);
	char text[1024];
	size_t n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	char hex[65];
	zx_hex(k.enc, sizeof(k.enc), hex);
	char line[80];
	snprintf(line, sizeof(line), "\nenc=%s\n", hex);
	assert_non_null(strstr(text, line));
	zx_hex(k.mac, sizeof(k.mac), hex);
	snprintf(line, sizeof(line), "\nmac=%s\n", hex);
	assert_non_null(strstr(text, line));
	zx_hex(k.backup, sizeof(k.backup), hex);
	snprintf(line, sizeof(line), "\nbackup=%s\n", hex);
	assert_non_null(strstr(text, line));
}

static void test_keys_load_reads_back_the_keys_it_created(void **state)
{
	tmpdir *t = *state;
	zx_keys a, b;
	assert_int_equal(zx_keys_load(t->path, 1, &a, NULL), ZX_OK);
	assert_int_equal(zx_keys_load(t->path, 1, &b, NULL), ZX_OK);
	assert_memory_equal(&a, &b, sizeof(a));
	assert_int_equal(zx_keys_load(t->path, 0, &b, NULL), ZX_OK);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void test_keys_created_are_random_and_independent(void **state)
{
	tmpdir *t = *state;
	zx_keys a, b;
	assert_int_equal(zx_keys_load(t->path, 1, &a, NULL), ZX_OK);
	assert_int_equal(unlink(t->path), 0);
	assert_int_equal(zx_keys_load(t->path, 1, &b, NULL), ZX_OK);
	assert_memory_not_equal(a.enc, b.enc, sizeof(a.enc));
	assert_memory_not_equal(a.mac, b.mac, sizeof(a.mac));
	assert_memory_not_equal(a.enc, a.backup, sizeof(a.enc));
}

static void test_keys_load_without_create_reports_missing_file(void **state)
{
	tmpdir *t = *state;
	zx_keys k;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_keys_load(t->path, 0, &k, &ei), ZX_ENOTFOUND);
	assert_string_equal(ei.code, "key_file_missing");
	assert_non_null(strstr(ei.message, "不存在"));
	assert_int_equal(access(t->path, F_OK), -1);
}

static void test_keys_load_refuses_group_readable_file(void **state)
{
	tmpdir *t = *state;
	write_file(t->path, KEYS_TEXT, 0640);
	zx_keys k;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_keys_load(t->path, 1, &k, &ei), ZX_EFORBIDDEN);
	assert_string_equal(ei.code, "key_file_permissions");
	assert_non_null(strstr(ei.message, "chmod 600"));
	assert_non_null(strstr(ei.message, "权限"));
}

static void test_keys_load_refuses_other_readable_file(void **state)
{
	tmpdir *t = *state;
	write_file(t->path, KEYS_TEXT, 0604);
	zx_keys k;
	assert_int_equal(zx_keys_load(t->path, 0, &k, NULL), ZX_EFORBIDDEN);
	/* And accepts the same file once fixed. */
	assert_int_equal(chmod(t->path, 0600), 0);
	assert_int_equal(zx_keys_load(t->path, 0, &k, NULL), ZX_OK);
}

static void test_keys_load_refuses_group_writable_file(void **state)
{
	tmpdir *t = *state;
	write_file(t->path, KEYS_TEXT, 0620);
	zx_keys k;
	assert_int_equal(zx_keys_load(t->path, 0, &k, NULL), ZX_EFORBIDDEN);
}

static void test_keys_load_parses_hand_written_file(void **state)
{
	tmpdir *t = *state;
	write_file(t->path,
	           "# 注释\r\n"
	           "\r\n"
	           "  mac=000102030405060708090A0B0C0D0E0F101112131415161718191A1B1C1D1E1F  \r\n"
	           "backup=ffeeddccbbaa99887766554433221100\r\n"
	           "enc=00112233445566778899aabbccddeeff",
	           0600);
	zx_keys k;
	assert_int_equal(zx_keys_load(t->path, 0, &k, NULL), ZX_OK);
	assert_hex_equal(k.enc, sizeof(k.enc), "00112233445566778899aabbccddeeff");
	assert_hex_equal(k.mac, sizeof(k.mac),
	                 "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
	assert_hex_equal(k.backup, sizeof(k.backup), "ffeeddccbbaa99887766554433221100");
}

static void test_keys_load_rejects_malformed_files(void **state)
{
	tmpdir *t = *state;
	static const char *bad[] = {
	    "", /* empty */
	    "enc=00112233445566778899aabbccddeeff\n"
	    "mac=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", /* no backup */
	    "enc=00112233445566778899aabbccddee\n"
	    "mac=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	    "backup=ffeeddccbbaa99887766554433221100\n", /* short enc */
	    "enc=0011223344556677889zaabbccddeeff\n"
	    "mac=000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	    "backup=ffeeddccbbaa99887766554433221100\n",        /* non-hex */
	    KEYS_TEXT "enc=00112233445566778899aabbccddeeff\n", /* duplicate */
	    KEYS_TEXT "totp=00\n",                              /* unknown name */
	    KEYS_TEXT "garbage\n",                              /* no '=' */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_file(t->path, bad[i], 0600);
		zx_keys k;
		zx_errinfo ei;
		zx_errinfo_clear(&ei);
		assert_int_equal(zx_keys_load(t->path, 1, &k, &ei), ZX_EINVAL);
		assert_string_equal(ei.code, "key_file_invalid");
		assert_true(ei.message[0] != '\0');
		assert_int_equal(unlink(t->path), 0);
	}
}

static void test_keys_load_does_not_overwrite_an_existing_file(void **state)
{
	tmpdir *t = *state;
	write_file(t->path, KEYS_TEXT, 0600);
	zx_keys k;
	assert_int_equal(zx_keys_load(t->path, 1, &k, NULL), ZX_OK);
	assert_hex_equal(k.enc, sizeof(k.enc), "00112233445566778899aabbccddeeff");
}

static void test_keys_load_rejects_a_directory(void **state)
{
	tmpdir *t = *state;
	zx_keys k;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_not_equal(zx_keys_load(t->dir, 1, &k, &ei), ZX_OK);
	assert_true(ei.message[0] != '\0');
}

static void test_keys_load_reports_uncreatable_path(void **state)
{
	tmpdir *t = *state;
	char path[160];
	snprintf(path, sizeof(path), "%s/no/such/dir/keys", t->dir);
	zx_keys k;
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_keys_load(path, 1, &k, &ei), ZX_EIO);
	assert_string_equal(ei.code, "key_file_io");
	assert_int_equal(zx_keys_load(NULL, 1, &k, NULL), ZX_EINVAL);
}

/* ---- passwords ---- */

static void test_password_hash_verifies_the_right_password(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(zx_password_hash("乡村振兴-2026!", hash), ZX_OK);
	assert_int_equal(zx_password_verify(hash, "乡村振兴-2026!"), ZX_OK);
}

static void test_password_verify_rejects_wrong_password(void **state)
{
	(void)state;
	char hash[128];
	assert_int_equal(zx_password_hash("correct horse", hash), ZX_OK);
	assert_int_equal(zx_password_verify(hash, "correct hors"), ZX_EAUTH);
	assert_int_equal(zx_password_verify(hash, "Correct horse"), ZX_EAUTH);
	assert_int_equal(zx_password_verify(hash, ""), ZX_EAUTH);
	assert_int_equal(zx_password_verify(hash, NULL), ZX_EAUTH);
}

static void test_password_hash_is_salted_argon2id(void **state)
{
	(void)state;
	char a[128], b[128];
	assert_int_equal(zx_password_hash("same password", a), ZX_OK);
	assert_int_equal(zx_password_hash("same password", b), ZX_OK);
	assert_int_equal(strncmp(a, "$argon2id$", 10), 0);
	assert_string_not_equal(a, b);
	assert_null(strstr(a, "same password"));
}

static void test_password_verify_rejects_garbage_hashes(void **state)
{
	(void)state;
	assert_int_equal(zx_password_verify("", "x"), ZX_EAUTH);
	assert_int_equal(zx_password_verify("$argon2id$v=19$m=65536,t=2,p=1$garbage", "x"), ZX_EAUTH);
	assert_int_equal(zx_password_verify(NULL, "x"), ZX_EAUTH);
	char unterminated[128];
	memset(unterminated, 'a', sizeof(unterminated));
	assert_int_equal(zx_password_verify(unterminated, "x"), ZX_EAUTH);
}

static int has_any(const char *s, const char *set)
{
	return strpbrk(s, set) != NULL;
}

static void test_password_generate_includes_every_class(void **state)
{
	(void)state;
	for (size_t len = 4; len <= 16; len += 4) {
		for (int i = 0; i < 200; i++) {
			char pw[17];
			memset(pw, 'Z', sizeof(pw));
			assert_int_equal(zx_password_generate(pw, len), ZX_OK);
			assert_int_equal(strlen(pw), len);
			assert_true(has_any(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"));
			assert_true(has_any(pw, "abcdefghijklmnopqrstuvwxyz"));
			assert_true(has_any(pw, "0123456789"));
			assert_true(has_any(pw, "!#$%&*+-=?@"));
		}
	}
}

static void test_password_generate_avoids_ambiguous_characters(void **state)
{
	(void)state;
	for (int i = 0; i < 300; i++) {
		char pw[33];
		assert_int_equal(zx_password_generate(pw, 32), ZX_OK);
		assert_false(has_any(pw, "0Oo1lI"));
		/* Only the documented alphabet: nothing that needs quoting. */
		assert_int_equal(
		    strspn(pw, "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789!#$%&*+-=?@"), 32);
	}
}

static void test_password_generate_gives_different_passwords(void **state)
{
	(void)state;
	char a[17], b[17];
	assert_int_equal(zx_password_generate(a, 16), ZX_OK);
	assert_int_equal(zx_password_generate(b, 16), ZX_OK);
	assert_string_not_equal(a, b);
}

static void test_password_generate_rejects_lengths_too_short_for_every_class(void **state)
{
	(void)state;
	char pw[8];
	assert_int_equal(zx_password_generate(pw, 3), ZX_EINVAL);
	assert_int_equal(zx_password_generate(pw, 0), ZX_EINVAL);
	assert_int_equal(zx_password_generate(NULL, 12), ZX_EINVAL);
}

/* ---- constant-time compare ---- */

static void test_ct_strcmp_is_zero_only_for_equal_strings(void **state)
{
	(void)state;
	assert_int_equal(zx_ct_strcmp("abc123", "abc123"), 0);
	assert_int_equal(zx_ct_strcmp("", ""), 0);
	assert_int_not_equal(zx_ct_strcmp("abc123", "abc124"), 0);
	assert_int_not_equal(zx_ct_strcmp("xbc123", "abc123"), 0);
	assert_int_not_equal(zx_ct_strcmp("abc", "abc123"), 0);
	assert_int_not_equal(zx_ct_strcmp("abc123", "abc"), 0);
	assert_int_not_equal(zx_ct_strcmp(NULL, "abc"), 0);
	assert_int_not_equal(zx_ct_strcmp("abc", NULL), 0);
	assert_int_not_equal(zx_ct_strcmp(NULL, NULL), 0);
}

#define KEY_TEST(f) cmocka_unit_test_setup_teardown(f, tmpdir_setup, tmpdir_teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_crypto_init_finds_sm3_sm4_and_sodium),
	    cmocka_unit_test(test_random_bytes_fill_the_buffer_differently_each_call),
	    cmocka_unit_test(test_sm3_matches_standard_vector_abc),
	    cmocka_unit_test(test_sm3_matches_standard_vector_512_bit_message),
	    cmocka_unit_test(test_sm3_of_empty_input),
	    cmocka_unit_test(test_hmac_sm3_matches_gmt_0042_vectors),
	    cmocka_unit_test(test_hmac_sm3_accepts_empty_key),
	    cmocka_unit_test(test_hmac_sm3_is_deterministic_and_key_dependent),
	    cmocka_unit_test(test_hmac_sm3_accepts_keys_longer_than_a_block),
	    cmocka_unit_test(test_hmac_sm3_stays_correct_when_keys_alternate),
	    cmocka_unit_test(test_hmac_sm3_is_correct_from_many_threads),
	    cmocka_unit_test(test_sm4_ctr_matches_published_vector),
	    cmocka_unit_test(test_sm4_ctr_alternating_keys_and_ivs_on_one_thread),
	    cmocka_unit_test(test_sm4_ctr_keystream_starts_with_ecb_of_iv),
	    cmocka_unit_test(test_sm4_ctr_round_trips_in_place),
	    cmocka_unit_test(test_sm4_ctr_rejects_missing_arguments),
	    cmocka_unit_test(test_hex_is_lower_case_and_terminated),
	    cmocka_unit_test(test_base64_matches_rfc4648_vectors),
	    cmocka_unit_test(test_base64_uses_the_standard_alphabet),
	    cmocka_unit_test(test_unbase64_decodes_rfc4648_vectors),
	    cmocka_unit_test(test_unbase64_rejects_malformed_input),
	    cmocka_unit_test(test_unbase64_refuses_to_overflow_output),
	    cmocka_unit_test(test_base64_round_trips_every_byte_and_length),
	    cmocka_unit_test(test_field_encrypt_round_trips),
	    cmocka_unit_test(test_field_encrypt_twice_gives_different_ciphertexts),
	    cmocka_unit_test(test_field_encrypt_ivs_stay_distinct_across_reserve_refills),
	    cmocka_unit_test(test_field_encrypt_layout_is_base64_of_iv_then_sm4_ctr),
	    cmocka_unit_test(test_field_encrypt_needs_room_for_the_whole_output),
	    cmocka_unit_test(test_field_encrypt_handles_values_larger_than_the_stack_buffer),
	    cmocka_unit_test(test_field_decrypt_rejects_malformed_ciphertext),
	    cmocka_unit_test(test_field_decrypt_rejects_plaintext_with_embedded_nul),
	    cmocka_unit_test(test_field_decrypt_needs_room_for_plaintext_and_nul),
	    cmocka_unit_test(test_field_decrypt_with_another_key_does_not_reveal_plaintext),
	    cmocka_unit_test(test_blind_index_is_stable_32_lower_hex),
	    cmocka_unit_test(test_blind_index_is_hmac_sm3_prefix_under_mac_key),
	    cmocka_unit_test(test_blind_index_separates_values_and_keys),
	    KEY_TEST(test_keys_load_creates_a_0600_file_with_three_keys),
	    KEY_TEST(test_keys_load_reads_back_the_keys_it_created),
	    KEY_TEST(test_keys_created_are_random_and_independent),
	    KEY_TEST(test_keys_load_without_create_reports_missing_file),
	    KEY_TEST(test_keys_load_refuses_group_readable_file),
	    KEY_TEST(test_keys_load_refuses_other_readable_file),
	    KEY_TEST(test_keys_load_refuses_group_writable_file),
	    KEY_TEST(test_keys_load_parses_hand_written_file),
	    KEY_TEST(test_keys_load_rejects_malformed_files),
	    KEY_TEST(test_keys_load_does_not_overwrite_an_existing_file),
	    KEY_TEST(test_keys_load_rejects_a_directory),
	    KEY_TEST(test_keys_load_reports_uncreatable_path),
	    cmocka_unit_test(test_password_hash_verifies_the_right_password),
	    cmocka_unit_test(test_password_verify_rejects_wrong_password),
	    cmocka_unit_test(test_password_hash_is_salted_argon2id),
	    cmocka_unit_test(test_password_verify_rejects_garbage_hashes),
	    cmocka_unit_test(test_password_generate_includes_every_class),
	    cmocka_unit_test(test_password_generate_avoids_ambiguous_characters),
	    cmocka_unit_test(test_password_generate_gives_different_passwords),
	    cmocka_unit_test(test_password_generate_rejects_lengths_too_short_for_every_class),
	    cmocka_unit_test(test_ct_strcmp_is_zero_only_for_equal_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
