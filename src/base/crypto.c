/*
 * crypto.c — the one place zhenxing touches OpenSSL and libsodium: SM3, HMAC-SM3,
 * SM4-CTR, argon2id, random bytes, hex/base64, personal-field encryption, the key file
 * and the password generator.
 *
 * Invariants:
 *   - Algorithms are fetched once (pthread_once) and kept for the life of the process:
 *     EVP_*_fetch is a provider lookup far slower than hashing an 18-character ID, and
 *     imports hash millions of them. Likewise each thread keeps one keyed HMAC context
 *     and one keyed SM4-CTR context (freed and wiped by pthread key destructors); each is
 *     only reused when the caller's key bytes equal the recorded ones, and never left
 *     keyed differently from them. IVs come from a per-thread reserve of libsodium
 *     random bytes, each byte handed out once and wiped.
 *   - The void primitives (zx_sm3, zx_hmac_sm3) can fail only when OpenSSL runs out of
 *     memory or the algorithm vanished. They abort rather than return a zero digest,
 *     because a wrong digest silently corrupts the audit chain or merges every person
 *     under one blind index.
 *   - Key material we copy (key file text, parsed keys, the HMAC cache) is wiped with
 *     sodium_memzero before it goes out of scope, and a failed decryption wipes the
 *     caller's output buffer. Nothing secret, and no personal data, is ever logged.
 *   - SM4-CTR gives confidentiality only, not integrity: a field decrypted with the
 *     wrong key yields garbage, not an error. The blind index is what lets a caller
 *     detect that (decrypt, re-index, compare).
 *   - Every decoder (base64, hex, key file) checks sizes before writing and rejects
 *     anything non-canonical.
 */
#include "base/crypto.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <sodium.h>

#include "base/log.h"

_Static_assert(crypto_pwhash_STRBYTES == 128, "zx_password_hash promises a 128-byte buffer");

#define IV_LEN 16
/* Personal fields are short (an ID is 18 bytes); the cap keeps a bad caller from
 * turning one field into a large allocation. */
#define FIELD_MAX (64 * 1024)
#define FIELD_STACK 256
#define KEYFILE_MAX 4096
#define PASSWORD_MIN 4
#define PASSWORD_MAX 1024
#define HMAC_CACHE_KEY_MAX 64

static pthread_once_t algs_once = PTHREAD_ONCE_INIT;
static int algs_ok;
static EVP_MD *sm3_md;
static EVP_CIPHER *sm4_ctr_cipher;
static EVP_MAC *hmac_mac;
static pthread_key_t hmac_cache_tls;
static int hmac_cache_ok;
static pthread_key_t sm4_cache_tls;
static int sm4_cache_ok;

static void hmac_cache_free(void *p);
static void sm4_cache_free(void *p);

static void algs_load(void)
{
	if (sodium_init() < 0) {
		zx_error("crypto: libsodium initialisation failed");
		return;
	}
	sm3_md = EVP_MD_fetch(NULL, "SM3", NULL);
	sm4_ctr_cipher = EVP_CIPHER_fetch(NULL, "SM4-CTR", NULL);
	hmac_mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (!sm3_md || !sm4_ctr_cipher || !hmac_mac) {
		zx_error("crypto: OpenSSL lacks SM3, SM4-CTR or HMAC (default provider not loaded?)");
		return;
	}
	/* Without the cache HMAC still works, only slower. */
	hmac_cache_ok = pthread_key_create(&hmac_cache_tls, hmac_cache_free) == 0;
	sm4_cache_ok = pthread_key_create(&sm4_cache_tls, sm4_cache_free) == 0;
	algs_ok = 1;
}

static int algs_ready(void)
{
	pthread_once(&algs_once, algs_load);
	return algs_ok;
}

static _Noreturn void crypto_die(const char *what)
{
	zx_error("crypto: %s failed; aborting rather than producing a wrong digest", what);
	abort();
}

zx_err zx_crypto_init(void)
{
	return algs_ready() ? ZX_OK : ZX_EINTERNAL;
}

zx_err zx_random_bytes(void *buf, size_t n)
{
	if (!buf && n > 0)
		return ZX_EINVAL;
	if (!algs_ready())
		return ZX_EINTERNAL;
	if (n > 0)
		randombytes_buf(buf, n);
	return ZX_OK;
}

void zx_sm3(const void *data, size_t n, uint8_t out[ZX_SM3_LEN])
{
	if (!algs_ready())
		crypto_die("SM3 initialisation");
	unsigned int len = 0;
	static const uint8_t empty;
	if (EVP_Digest(n ? data : &empty, n, out, &len, sm3_md, NULL) != 1 || len != ZX_SM3_LEN)
		crypto_die("SM3");
}

/* One keyed HMAC context per thread, re-armed with EVP_MAC_init(ctx, NULL, …) while the
 * key stays the same: blind indexes use one key for a whole import, and re-keying on
 * every call costs as much as the HMAC itself. */
typedef struct hmac_cache {
	EVP_MAC_CTX *ctx;
	size_t keylen;
	uint8_t key[HMAC_CACHE_KEY_MAX];
} hmac_cache;

static void hmac_cache_free(void *p)
{
	hmac_cache *c = p;
	if (!c)
		return;
	EVP_MAC_CTX_free(c->ctx);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static int hmac_init_key(EVP_MAC_CTX *ctx, const void *key, size_t keylen)
{
	/* OpenSSL treats a NULL key as "keep the previous key", so an empty key must
	 * still be a valid pointer. */
	static const uint8_t empty;
	static char digest_name[] = "SM3";
	OSSL_PARAM params[] = {
	    OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
	    OSSL_PARAM_construct_end(),
	};
	return EVP_MAC_init(ctx, keylen ? key : &empty, keylen, params) == 1;
}

/* A context ready for update with this key, owned by the thread's cache, or NULL if the
 * key cannot be cached (too long, or no memory for the cache). */
static EVP_MAC_CTX *hmac_cached_ctx(const void *key, size_t keylen)
{
	if (!hmac_cache_ok || keylen > HMAC_CACHE_KEY_MAX)
		return NULL;
	hmac_cache *c = pthread_getspecific(hmac_cache_tls);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		if (pthread_setspecific(hmac_cache_tls, c) != 0) {
			free(c);
			return NULL;
		}
	}
	if (c->ctx && c->keylen == keylen && CRYPTO_memcmp(c->key, key, keylen) == 0)
		return EVP_MAC_init(c->ctx, NULL, 0, NULL) == 1 ? c->ctx : NULL;
	if (!c->ctx && !(c->ctx = EVP_MAC_CTX_new(hmac_mac)))
		return NULL;
	if (!hmac_init_key(c->ctx, key, keylen)) {
		/* Never leave a context keyed differently from c->key. */
		EVP_MAC_CTX_free(c->ctx);
		c->ctx = NULL;
		return NULL;
	}
	if (keylen)
		memcpy(c->key, key, keylen);
	c->keylen = keylen;
	return c->ctx;
}

void zx_hmac_sm3(const void *key, size_t keylen, const void *data, size_t n, uint8_t out[ZX_SM3_LEN])
{
	if (!algs_ready())
		crypto_die("HMAC-SM3 initialisation");
	static const uint8_t empty;
	size_t outl = 0;
	EVP_MAC_CTX *owned = NULL;
	EVP_MAC_CTX *ctx = hmac_cached_ctx(key, keylen);
	if (!ctx) {
		owned = ctx = EVP_MAC_CTX_new(hmac_mac);
		if (!ctx || !hmac_init_key(ctx, key, keylen))
			crypto_die("HMAC-SM3 key setup");
	}
	if (EVP_MAC_update(ctx, n ? data : &empty, n) != 1 ||
	    EVP_MAC_final(ctx, out, &outl, ZX_SM3_LEN) != 1 || outl != ZX_SM3_LEN)
		crypto_die("HMAC-SM3");
	EVP_MAC_CTX_free(owned);
}

/* One SM4-CTR context per thread, keyed once: a field is re-armed with its own IV only
 * (EVP_EncryptInit_ex2 with no cipher and no key keeps the key schedule), where a fresh
 * context per call cost a provider lookup and a key expansion for an 18-byte ID. Also a
 * per-thread reserve of random bytes for IVs, refilled 4 KiB at a time from libsodium
 * (one getrandom call instead of one per field). Both are wiped when the thread ends. */
#define IV_RESERVE 4096

typedef struct sm4_cache {
	EVP_CIPHER_CTX *ctx;
	bool keyed;
	uint8_t key[ZX_SM4_KEY_LEN];
	size_t iv_left;
	uint8_t iv_reserve[IV_RESERVE];
} sm4_cache;

static void sm4_cache_free(void *p)
{
	sm4_cache *c = p;
	if (!c)
		return;
	EVP_CIPHER_CTX_free(c->ctx);
	sodium_memzero(c, sizeof(*c));
	free(c);
}

static sm4_cache *sm4_cache_get(void)
{
	if (!sm4_cache_ok)
		return NULL;
	sm4_cache *c = pthread_getspecific(sm4_cache_tls);
	if (!c) {
		c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		if (pthread_setspecific(sm4_cache_tls, c) != 0) {
			free(c);
			return NULL;
		}
	}
	return c;
}

/* A fresh random IV, from the thread's reserve when there is one. */
static void random_iv(uint8_t iv[IV_LEN])
{
	sm4_cache *c = sm4_cache_get();
	if (!c) {
		randombytes_buf(iv, IV_LEN);
		return;
	}
	if (c->iv_left < IV_LEN) {
		randombytes_buf(c->iv_reserve, sizeof(c->iv_reserve));
		c->iv_left = sizeof(c->iv_reserve);
	}
	uint8_t *from = c->iv_reserve + sizeof(c->iv_reserve) - c->iv_left;
	memcpy(iv, from, IV_LEN);
	sodium_memzero(from, IV_LEN); /* each random byte is handed out once */
	c->iv_left -= IV_LEN;
}

/* The thread's context armed with key and iv, or NULL (then the caller makes its own). */
static EVP_CIPHER_CTX *sm4_cached_ctx(const uint8_t key[ZX_SM4_KEY_LEN], const uint8_t iv[16])
{
	sm4_cache *c = sm4_cache_get();
	if (!c)
		return NULL;
	if (c->ctx && c->keyed && CRYPTO_memcmp(c->key, key, ZX_SM4_KEY_LEN) == 0) {
		if (EVP_EncryptInit_ex2(c->ctx, NULL, NULL, iv, NULL) == 1)
			return c->ctx;
	} else {
		if (!c->ctx && !(c->ctx = EVP_CIPHER_CTX_new()))
			return NULL;
		if (EVP_EncryptInit_ex2(c->ctx, sm4_ctr_cipher, key, iv, NULL) == 1) {
			memcpy(c->key, key, ZX_SM4_KEY_LEN);
			c->keyed = true;
			return c->ctx;
		}
	}
	/* Never leave a context keyed differently from c->key. */
	EVP_CIPHER_CTX_free(c->ctx);
	c->ctx = NULL;
	c->keyed = false;
	sodium_memzero(c->key, sizeof(c->key));
	return NULL;
}

zx_err zx_sm4_ctr(const uint8_t key[ZX_SM4_KEY_LEN], const uint8_t iv[16], const void *in, size_t n,
                  void *out)
{
	if (!key || !iv || (n > 0 && (!in || !out)))
		return ZX_EINVAL;
	if (n > INT_MAX)
		return ZX_ETOOBIG;
	if (!algs_ready())
		return ZX_EINTERNAL;
	zx_err err = ZX_EINTERNAL;
	int outl = 0, finl = 0;
	EVP_CIPHER_CTX *owned = NULL;
	EVP_CIPHER_CTX *ctx = sm4_cached_ctx(key, iv);
	if (!ctx) {
		owned = ctx = EVP_CIPHER_CTX_new();
		if (!ctx)
			return ZX_ENOMEM;
		if (EVP_EncryptInit_ex2(ctx, sm4_ctr_cipher, key, iv, NULL) != 1)
			goto out;
	}
	if (n > 0 && EVP_EncryptUpdate(ctx, out, &outl, in, (int)n) != 1)
		goto out;
	if (EVP_EncryptFinal_ex(ctx, (uint8_t *)out + outl, &finl) != 1)
		goto out;
	if ((size_t)outl + (size_t)finl != n)
		goto out;
	err = ZX_OK;
out:
	if (err) {
		zx_error("crypto: SM4-CTR failed");
		if (!owned) { /* a cached context in an unknown state: drop it */
			sm4_cache *c = sm4_cache_get();
			EVP_CIPHER_CTX_free(c->ctx);
			c->ctx = NULL;
			c->keyed = false;
		}
	}
	EVP_CIPHER_CTX_free(owned);
	return err;
}

void zx_hex(const void *data, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";
	const uint8_t *p = data;
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 0x0f];
	}
	out[2 * n] = '\0';
}

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes exactly 2n hex characters of s (slen long) into out[n]; -1 otherwise. */
static int hex_decode_exact(const char *s, size_t slen, uint8_t *out, size_t n)
{
	if (slen != 2 * n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int hi = hex_value(s[2 * i]), lo = hex_value(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static const char b64_alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t zx_base64_len(size_t n)
{
	return (n + 2) / 3 * 4 + 1;
}

void zx_base64(const void *data, size_t n, char *out)
{
	const uint8_t *p = data;
	size_t o = 0, i = 0;
	for (; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = b64_alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)p[i] << 16;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = '=';
		out[o++] = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = b64_alphabet[v >> 18];
		out[o++] = b64_alphabet[(v >> 12) & 63];
		out[o++] = b64_alphabet[(v >> 6) & 63];
		out[o++] = '=';
	}
	out[o] = '\0';
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long zx_unbase64(const char *in, void *out, size_t outcap)
{
	if (!in || (!out && outcap > 0))
		return -1;
	size_t len = strlen(in);
	if (len % 4 != 0 || len / 4 * 3 > LONG_MAX)
		return -1;
	size_t pad = 0;
	if (len >= 4 && in[len - 1] == '=')
		pad = in[len - 2] == '=' ? 2 : 1;
	size_t outlen = len / 4 * 3 - pad;
	if (outlen > outcap)
		return -1;
	uint8_t *o = out;
	size_t w = 0;
	for (size_t i = 0; i < len; i += 4) {
		int last = i + 4 == len;
		int v[4];
		for (int j = 0; j < 4; j++) {
			/* '=' is only legal as the trailing pad of the final group. */
			if (last && in[i + j] == '=' && (size_t)j >= 4 - pad)
				v[j] = 0;
			else if ((v[j] = b64_value(in[i + j])) < 0)
				return -1;
		}
		uint32_t bits =
		    (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
		size_t take = last ? 3 - pad : 3;
		/* Non-zero bits under the padding mean a second spelling of the same bytes. */
		if (last && pad == 1 && (bits & 0xff) != 0)
			return -1;
		if (last && pad == 2 && (bits & 0xffff) != 0)
			return -1;
		for (size_t j = 0; j < take; j++)
			o[w++] = (uint8_t)(bits >> (16 - 8 * j));
	}
	return (long)w;
}

zx_err zx_field_encrypt(const zx_keys *k, const char *plain, char *out_enc, size_t outcap)
{
	if (!k || !plain || !out_enc)
		return ZX_EINVAL;
	size_t n = strnlen(plain, FIELD_MAX + 1);
	if (n > FIELD_MAX)
		return ZX_ETOOBIG;
	size_t raw_len = IV_LEN + n;
	if (outcap < zx_base64_len(raw_len))
		return ZX_ETOOBIG;
	if (!algs_ready())
		return ZX_EINTERNAL;

	uint8_t stack[IV_LEN + FIELD_STACK];
	uint8_t *raw = raw_len <= sizeof(stack) ? stack : malloc(raw_len);
	if (!raw)
		return ZX_ENOMEM;
	random_iv(raw);
	zx_err err = zx_sm4_ctr(k->enc, raw, plain, n, raw + IV_LEN);
	if (err)
		goto out;
	zx_base64(raw, raw_len, out_enc);
out:
	if (raw != stack)
		free(raw);
	return err;
}

zx_err zx_field_decrypt(const zx_keys *k, const char *enc, char *out_plain, size_t outcap)
{
	if (!k || !enc || !out_plain || outcap == 0)
		return ZX_EINVAL;
	out_plain[0] = '\0';
	size_t elen = strnlen(enc, zx_base64_len(IV_LEN + FIELD_MAX));
	if (elen >= zx_base64_len(IV_LEN + FIELD_MAX))
		return ZX_EINVAL;

	zx_err err = ZX_EINVAL;
	size_t rawcap = elen / 4 * 3;
	uint8_t stack[IV_LEN + FIELD_STACK];
	uint8_t *raw = rawcap <= sizeof(stack) ? stack : malloc(rawcap);
	if (!raw)
		return ZX_ENOMEM;
	long got = zx_unbase64(enc, raw, rawcap);
	if (got < IV_LEN)
		goto out;
	size_t n = (size_t)got - IV_LEN;
	if (n + 1 > outcap) {
		err = ZX_ETOOBIG;
		goto out;
	}
	err = zx_sm4_ctr(k->enc, raw, raw + IV_LEN, n, out_plain);
	if (err)
		goto out;
	out_plain[n] = '\0';
	/* The plaintext was a C string; an embedded NUL means wrong key or tampering. */
	if (memchr(out_plain, '\0', n)) {
		err = ZX_EINVAL;
		goto out;
	}
	err = ZX_OK;
out:
	if (err) {
		sodium_memzero(out_plain, outcap);
	}
	if (raw != stack)
		free(raw);
	return err;
}

void zx_blind_index(const zx_keys *k, const char *plain, char out[ZX_BIDX_HEX_LEN + 1])
{
	if (!k || !plain) {
		/* Empty never equals a real index, so a bug cannot merge two people. */
		out[0] = '\0';
		return;
	}
	uint8_t mac[ZX_SM3_LEN];
	zx_hmac_sm3(k->mac, sizeof(k->mac), plain, strlen(plain), mac);
	_Static_assert(ZX_BIDX_HEX_LEN % 2 == 0 && ZX_BIDX_HEX_LEN / 2 <= ZX_SM3_LEN, "index fits the MAC");
	zx_hex(mac, ZX_BIDX_HEX_LEN / 2, out);
}

/* ---- key file ---- */

static const char *errno_reason(int e)
{
	switch (e) {
	case EACCES:
	case EPERM:
		return "没有访问权限";
	case ENOENT:
		return "文件或目录不存在";
	case ENOTDIR:
		return "路径中有一部分不是目录";
	case EISDIR:
		return "这是一个目录";
	case ENOSPC:
		return "磁盘空间不足";
	case EROFS:
		return "文件系统只读";
	default:
		return "系统错误";
	}
}

static zx_err keys_parse_line(char *line, int lineno, zx_keys *k, unsigned *seen, const char *path,
                              zx_errinfo *ei)
{
	static const struct {
		const char *name;
		size_t off, len;
		unsigned bit;
	} fields[] = {
	    {"enc", offsetof(zx_keys, enc), sizeof(((zx_keys *)0)->enc), 1},
	    {"mac", offsetof(zx_keys, mac), sizeof(((zx_keys *)0)->mac), 2},
	    {"backup", offsetof(zx_keys, backup), sizeof(((zx_keys *)0)->backup), 4},
	};
	char *eq = strchr(line, '=');
	if (!eq)
		return zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0,
		               "密钥文件 %s 第%d行格式错误，应为“名称=十六进制密钥”", path, lineno);
	*eq = '\0';
	const char *value = eq + 1;
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		if (strcmp(line, fields[i].name) != 0)
			continue;
		if (*seen & fields[i].bit)
			return zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0,
			               "密钥文件 %s 第%d行重复定义了 %s", path, lineno, fields[i].name);
		if (hex_decode_exact(value, strlen(value), (uint8_t *)k + fields[i].off, fields[i].len) != 0)
			return zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0,
			               "密钥文件 %s 第%d行的 %s 应为%zu位十六进制数", path, lineno,
			               fields[i].name, 2 * fields[i].len);
		*seen |= fields[i].bit;
		return ZX_OK;
	}
	return zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "密钥文件 %s 第%d行有未知的名称",
	               path, lineno);
}

/* Parses "name=hex" lines; blank lines and lines starting with '#' are ignored. */
static zx_err keys_parse(char *text, zx_keys *out, const char *path, zx_errinfo *ei)
{
	zx_keys k;
	unsigned seen = 0;
	zx_err err = ZX_OK;
	int lineno = 0;
	char *line = text;
	while (*line) {
		lineno++;
		char *nl = strchr(line, '\n');
		char *next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		size_t len = strlen(line);
		while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		if (*line != '\0' && *line != '#') {
			err = keys_parse_line(line, lineno, &k, &seen, path, ei);
			if (err)
				goto out;
		}
		line = next;
	}
	if (seen != 7) {
		const char *missing = !(seen & 1) ? "enc" : !(seen & 2) ? "mac" : "backup";
		err = zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "密钥文件 %s 缺少 %s 密钥",
		              path, missing);
		goto out;
	}
	*out = k;
out:
	sodium_memzero(&k, sizeof(k));
	return err;
}

static zx_err keys_read_fd(int fd, const char *path, zx_keys *out, zx_errinfo *ei)
{
	char text[KEYFILE_MAX + 1];
	size_t len = 0;
	zx_err err;
	struct stat st;
	if (fstat(fd, &st) != 0) {
		err = zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法读取密钥文件 %s：%s", path,
		              errno_reason(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "密钥文件 %s 不是普通文件",
		              path);
		goto out;
	}
	/* Anyone who can read the keys can read every 证件号码; anyone who can write them
	 * can make new data unreadable. Refuse instead of warning. */
	if (st.st_mode & (S_IRWXG | S_IRWXO)) {
		zx_warn("crypto: key file has mode %03o, refusing to use it", (unsigned)(st.st_mode & 0777));
		err = zx_fail(
		    ei, ZX_EFORBIDDEN, "key_file_permissions", "密钥文件", 0,
		    "密钥文件 %s 的权限过宽（%03o），同组或其他用户可以访问；请执行 chmod 600 %s 后重试",
		    path, (unsigned)(st.st_mode & 0777), path);
		goto out;
	}
	for (;;) {
		ssize_t r = read(fd, text + len, sizeof(text) - 1 - len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法读取密钥文件 %s：%s",
			              path, errno_reason(errno));
			goto out;
		}
		if (r == 0)
			break;
		len += (size_t)r;
		if (len == sizeof(text) - 1) {
			err = zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "密钥文件 %s 过大",
			              path);
			goto out;
		}
	}
	text[len] = '\0';
	if (memchr(text, '\0', len)) {
		err = zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "密钥文件 %s 格式错误", path);
		goto out;
	}
	err = keys_parse(text, out, path, ei);
out:
	sodium_memzero(text, sizeof(text));
	close(fd);
	return err;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* The file is useless unless its directory entry survives a power cut too: data
 * encrypted under keys whose file vanished is lost for good. */
static void fsync_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(path, '/');
	if (!slash) {
		memcpy(dir, ".", 2);
	} else {
		size_t n = slash == path ? 1 : (size_t)(slash - path);
		if (n >= sizeof(dir))
			return;
		memcpy(dir, path, n);
		dir[n] = '\0';
	}
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) != 0)
		zx_warn("crypto: could not fsync the key file's directory");
	if (dfd >= 0)
		close(dfd);
}

/* ZX_ECONFLICT means another process created the file first: the caller reads it. */
static zx_err keys_create(const char *path, zx_keys *out, zx_errinfo *ei)
{
	zx_keys k;
	char text[512];
	char enc[2 * sizeof(k.enc) + 1], mac[2 * sizeof(k.mac) + 1], backup[2 * sizeof(k.backup) + 1];
	zx_err err = ZX_OK;
	int fd = -1;

	randombytes_buf(&k, sizeof(k));
	zx_hex(k.enc, sizeof(k.enc), enc);
	zx_hex(k.mac, sizeof(k.mac), mac);
	zx_hex(k.backup, sizeof(k.backup), backup);
	int n = snprintf(
	    text, sizeof(text),
	    "# zhenxing 密钥文件。丢失后已加密的个人信息和备份将无法解密，请离线备份；权限必须为 600。\n"
	    "enc=%s\nmac=%s\nbackup=%s\n",
	    enc, mac, backup);
	if (n < 0 || (size_t)n >= sizeof(text)) {
		err = ZX_EINTERNAL;
		goto out;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		if (errno == EEXIST) {
			err = ZX_ECONFLICT;
			goto out;
		}
		err = zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法创建密钥文件 %s：%s", path,
		              errno_reason(errno));
		goto out;
	}
	/* The umask can only remove bits, but a 0 umask-adjusted mode would lock us out. */
	if (fchmod(fd, 0600) != 0 || write_all(fd, text, (size_t)n) != 0 || fsync(fd) != 0) {
		int e = errno;
		close(fd);
		fd = -1;
		unlink(path);
		err = zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法写入密钥文件 %s：%s", path,
		              errno_reason(e));
		goto out;
	}
	close(fd);
	fd = -1;
	fsync_parent_dir(path);
	zx_info("crypto: created a new key file");
	*out = k;
out:
	sodium_memzero(&k, sizeof(k));
	sodium_memzero(text, sizeof(text));
	sodium_memzero(enc, sizeof(enc));
	sodium_memzero(mac, sizeof(mac));
	sodium_memzero(backup, sizeof(backup));
	return err;
}

zx_err zx_keys_load(const char *path, int create, zx_keys *out, zx_errinfo *ei)
{
	if (!path || !*path || !out)
		return zx_fail(ei, ZX_EINVAL, "key_file_invalid", "密钥文件", 0, "未指定密钥文件");
	if (!algs_ready())
		return zx_fail(ei, ZX_EINTERNAL, "crypto_unavailable", "密钥文件", 0, "加密组件初始化失败");
	/* Two rounds: if a concurrent process wins the O_EXCL race, read what it wrote. */
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0)
			return keys_read_fd(fd, path, out, ei);
		if (errno != ENOENT)
			return zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法打开密钥文件 %s：%s",
			               path, errno_reason(errno));
		if (!create)
			return zx_fail(ei, ZX_ENOTFOUND, "key_file_missing", "密钥文件", 0,
			               "密钥文件 %s 不存在", path);
		zx_err err = keys_create(path, out, ei);
		if (err != ZX_ECONFLICT)
			return err;
	}
	return zx_fail(ei, ZX_EIO, "key_file_io", "密钥文件", 0, "无法创建或读取密钥文件 %s", path);
}

/* ---- passwords ---- */

zx_err zx_password_hash(const char *password, char out[128])
{
	if (!password || !out)
		return ZX_EINVAL;
	if (!algs_ready())
		return ZX_EINTERNAL;
	if (crypto_pwhash_str_alg(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
	                          crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		/* libsodium's only failure here is not getting the 64 MiB work area. */
		zx_error("crypto: argon2id could not allocate its memory");
		return ZX_ENOMEM;
	}
	return ZX_OK;
}

zx_err zx_password_verify(const char *hash, const char *password)
{
	if (!hash || !password)
		return ZX_EAUTH;
	if (!algs_ready())
		return ZX_EINTERNAL;
	/* A hash that fills the whole buffer without a NUL was not written by us. */
	if (strnlen(hash, crypto_pwhash_STRBYTES) >= crypto_pwhash_STRBYTES)
		return ZX_EAUTH;
	if (crypto_pwhash_str_verify(hash, password, strlen(password)) == 0)
		return ZX_OK;
	return ZX_EAUTH;
}

/* No 0/O/o, 1/l/I, and only symbols that survive being read out over the phone and
 * pasted into a shell, a CSV cell or a URL form without quoting surprises. */
static const char pw_upper[] = "ABCDEFGHJKLMNPQRSTUVWXYZ";
static const char pw_lower[] = "abcdefghijkmnpqrstuvwxyz";
static const char pw_digit[] = "23456789";
static const char pw_symbol[] = "!#$%&*+-=?@";

static int pw_has_every_class(const char *s, size_t len)
{
	int u = 0, l = 0, d = 0, y = 0;
	for (size_t i = 0; i < len; i++) {
		u |= strchr(pw_upper, s[i]) != NULL;
		l |= strchr(pw_lower, s[i]) != NULL;
		d |= strchr(pw_digit, s[i]) != NULL;
		y |= strchr(pw_symbol, s[i]) != NULL;
	}
	return u && l && d && y;
}

zx_err zx_password_generate(char *out, size_t len)
{
	if (!out || len < PASSWORD_MIN || len > PASSWORD_MAX)
		return ZX_EINVAL;
	if (!algs_ready())
		return ZX_EINTERNAL;
	char alphabet[sizeof(pw_upper) + sizeof(pw_lower) + sizeof(pw_digit) + sizeof(pw_symbol)];
	int an = snprintf(alphabet, sizeof(alphabet), "%s%s%s%s", pw_upper, pw_lower, pw_digit, pw_symbol);
	if (an <= 0 || (size_t)an >= sizeof(alphabet))
		return ZX_EINTERNAL;
	/* Rejection sampling keeps every valid password equally likely; even at the
	 * minimum length about one draw in sixteen qualifies, so the bound is never hit
	 * in practice. */
	for (int attempt = 0; attempt < 100000; attempt++) {
		for (size_t i = 0; i < len; i++)
			out[i] = alphabet[randombytes_uniform((uint32_t)an)];
		out[len] = '\0';
		if (pw_has_every_class(out, len))
			return ZX_OK;
	}
	sodium_memzero(out, len + 1);
	return ZX_EINTERNAL;
}

int zx_ct_strcmp(const char *a, const char *b)
{
	if (!a || !b)
		return -1;
	size_t la = strlen(a), lb = strlen(b);
	/* Only the length leaks; tokens compared here have a fixed, public length. */
	if (la != lb)
		return 1;
	return CRYPTO_memcmp(a, b, la) != 0;
}
