/*
 * crypto.h — the cryptography zhenxing uses, behind one small interface:
 *   SM3 and HMAC-SM3 (OpenSSL 3 EVP "SM3"), SM4-CTR (EVP "SM4-CTR"),
 *   argon2id password hashing (libsodium), random bytes, hex and base64.
 *
 * Personal data at rest (证件号码, 联系电话) is stored as
 *   enc  = base64(iv[16] || SM4-CTR(key_enc, iv, plaintext))       (random iv per value)
 *   bidx = hex(HMAC-SM3(key_mac, plaintext))[0..32)                  (blind index for lookup)
 * The keys live in a key file (zx_keys_load_or_create) with mode 0600, never in the DB.
 */
#ifndef ZX_CRYPTO_H
#define ZX_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

#define ZX_SM3_LEN 32
#define ZX_SM4_KEY_LEN 16
#define ZX_BIDX_HEX_LEN 32 /* hex characters kept of the HMAC */

typedef struct zx_keys {
	uint8_t enc[ZX_SM4_KEY_LEN];    /* SM4 key for personal data */
	uint8_t mac[32];                /* HMAC-SM3 key for blind indexes */
	uint8_t backup[ZX_SM4_KEY_LEN]; /* SM4 key for encrypted backups */
} zx_keys;

zx_err zx_crypto_init(void); /* once at start: sodium_init, OpenSSL algorithms present */

zx_err zx_random_bytes(void *buf, size_t n);

void zx_sm3(const void *data, size_t n, uint8_t out[ZX_SM3_LEN]);
void zx_hmac_sm3(const void *key, size_t keylen, const void *data, size_t n, uint8_t out[ZX_SM3_LEN]);
/* CTR mode: encryption and decryption are the same operation. out may equal in. */
zx_err zx_sm4_ctr(const uint8_t key[ZX_SM4_KEY_LEN], const uint8_t iv[16], const void *in, size_t n,
                  void *out);

/* hex: out must hold 2n+1 bytes; lower-case, NUL-terminated. */
void zx_hex(const void *data, size_t n, char *out);
/* base64 (standard alphabet, padded). out must hold zx_base64_len(n) bytes incl. NUL. */
size_t zx_base64_len(size_t n);
void zx_base64(const void *data, size_t n, char *out);
/* Returns decoded length or -1 on bad input; out must hold 3*strlen(in)/4 bytes. */
long zx_unbase64(const char *in, void *out, size_t outcap);

/* Personal-data field encryption, as described above. out_enc: >= zx_base64_len(16+n). */
zx_err zx_field_encrypt(const zx_keys *k, const char *plain, char *out_enc, size_t outcap);
/* out_plain: NUL-terminated, cap outcap; ZX_EINVAL if the ciphertext is malformed. */
zx_err zx_field_decrypt(const zx_keys *k, const char *enc, char *out_plain, size_t outcap);
/* out: ZX_BIDX_HEX_LEN + 1 bytes. */
void zx_blind_index(const zx_keys *k, const char *plain, char out[ZX_BIDX_HEX_LEN + 1]);

/* Loads keys from path; creates the file (0600, random keys) if absent and create != 0.
 * Refuses (ZX_EFORBIDDEN) a key file readable by group/others. */
zx_err zx_keys_load(const char *path, int create, zx_keys *out, zx_errinfo *ei);

/* argon2id (libsodium crypto_pwhash_str, interactive limits). out: 128 bytes. */
zx_err zx_password_hash(const char *password, char out[128]);
/* ZX_OK if it matches, ZX_EAUTH if not. */
zx_err zx_password_verify(const char *hash, const char *password);
/* Generates a random password of len chars (len < cap) from an unambiguous
 * alphabet with upper, lower, digits and a symbol. */
zx_err zx_password_generate(char *out, size_t len);

/* Constant-time comparison of two equal-length strings; 0 if equal. */
int zx_ct_strcmp(const char *a, const char *b);

#endif
