/*
 * totp.h — time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), the second
 * factor of admin logins (targets R5).
 *
 * HMAC-SHA-1 (OpenSSL), 30-second steps, 6 digits, accepted one step either side.
 * A code is accepted at most once: the caller stores the step it matched and passes
 * it back as last_step, so a code seen on the wire cannot be replayed.
 * Secrets are 20 random bytes, shown to the user in base32 (RFC 4648) inside an
 * otpauth:// URI and as a QR code (SVG, drawn with libqrencode).
 * Time is whatever the caller passes (zx_now() in production: injectable in tests).
 */
#ifndef ZX_TOTP_H
#define ZX_TOTP_H

#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"
#include "base/error.h"

#define ZX_TOTP_STEP 30
#define ZX_TOTP_DIGITS 6
#define ZX_TOTP_SECRET_LEN 20
#define ZX_TOTP_SECRET_B32 33 /* base32 of 20 bytes (32 chars) + NUL */

/* HOTP value of counter as a digits-long decimal string (6..8 digits, leading zeros). */
zx_err zx_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits, char out[9]);

/* The TOTP step of unix time t. */
int64_t zx_totp_step(int64_t t);

/* Verifies a 6-digit code at time now, accepting steps now-1..now+1 that are newer
 * than last_step. ZX_OK with *matched the accepted step; ZX_EAUTH otherwise. */
zx_err zx_totp_verify(const uint8_t *key, size_t keylen, const char *code, int64_t now, int64_t last_step,
                      int64_t *matched);

/* RFC 4648 base32 without padding. out must hold 8*ceil(n/5)+1 bytes. */
void zx_base32(const uint8_t *data, size_t n, char *out);
/* Decodes (case-insensitive, padding and spaces ignored); returns length or -1. */
long zx_unbase32(const char *in, uint8_t *out, size_t cap);

/* otpauth://totp/ISSUER:ACCOUNT?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30 */
zx_err zx_totp_uri(const char *issuer, const char *account, const char *secret_b32, zx_buf *out);

/* A QR code of text as a standalone SVG document (black modules on white, quiet zone). */
zx_err zx_qr_svg(const char *text, zx_buf *out);

#endif
