/*
 * totp.c — RFC 4226/6238 one-time passwords, base32, otpauth URIs and QR codes as
 * SVG. See totp.h.
 *
 * Comparing codes: every candidate step is computed and compared in constant time,
 * so the time taken does not tell which step (or digit) matched.
 */
#include "base/totp.h"

#include <ctype.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <stdio.h>
#include <string.h>

zx_err zx_hotp(const uint8_t *key, size_t keylen, uint64_t counter, int digits, char out[9])
{
	if (digits < 6 || digits > 8 || !key || keylen == 0)
		return ZX_EINVAL;
	uint8_t msg[8];
	for (int i = 7; i >= 0; i--) {
		msg[i] = (uint8_t)(counter & 0xff);
		counter >>= 8;
	}
	uint8_t mac[EVP_MAX_MD_SIZE];
	unsigned int maclen = 0;
	if (!HMAC(EVP_sha1(), key, (int)keylen, msg, sizeof(msg), mac, &maclen) || maclen != 20)
		return ZX_EINTERNAL;
	int off = mac[19] & 0x0f;
	uint32_t bin = ((uint32_t)(mac[off] & 0x7f) << 24) | ((uint32_t)mac[off + 1] << 16) |
	               ((uint32_t)mac[off + 2] << 8) | (uint32_t)mac[off + 3];
	uint32_t mod = 1;
	for (int i = 0; i < digits; i++)
		mod *= 10;
	uint32_t v = bin % mod;
	for (int i = digits - 1; i >= 0; i--) {
		out[i] = (char)('0' + v % 10);
		v /= 10;
	}
	out[digits] = '\0';
	return ZX_OK;
}

int64_t zx_totp_step(int64_t t)
{
	return t < 0 ? 0 : t / ZX_TOTP_STEP;
}

zx_err zx_totp_verify(const uint8_t *key, size_t keylen, const char *code, int64_t now, int64_t last_step,
                      int64_t *matched)
{
	if (!code || strlen(code) != ZX_TOTP_DIGITS)
		return ZX_EAUTH;
	for (int i = 0; i < ZX_TOTP_DIGITS; i++)
		if (!isdigit((unsigned char)code[i]))
			return ZX_EAUTH;
	int64_t step = zx_totp_step(now), found = -1;
	for (int64_t s = step - 1; s <= step + 1; s++) {
		char want[9];
		if (s < 0 || zx_hotp(key, keylen, (uint64_t)s, ZX_TOTP_DIGITS, want) != ZX_OK)
			continue;
		unsigned diff = 0;
		for (int i = 0; i < ZX_TOTP_DIGITS; i++)
			diff |= (unsigned)(want[i] ^ code[i]);
		if (diff == 0 && s > last_step && found < 0)
			found = s;
	}
	if (found < 0)
		return ZX_EAUTH;
	if (matched)
		*matched = found;
	return ZX_OK;
}

static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

void zx_base32(const uint8_t *data, size_t n, char *out)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | data[i];
		bits += 8;
		while (bits >= 5) {
			out[o++] = B32[(acc >> (bits - 5)) & 31];
			bits -= 5;
		}
	}
	if (bits > 0)
		out[o++] = B32[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

long zx_unbase32(const char *in, uint8_t *out, size_t cap)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;
	for (const char *p = in; *p; p++) {
		if (*p == '=' || *p == ' ' || *p == '-')
			continue;
		const char *q = strchr(B32, toupper((unsigned char)*p));
		if (!q || !*q)
			return -1;
		acc = (acc << 5) | (uint32_t)(q - B32);
		bits += 5;
		if (bits >= 8) {
			if (o >= cap)
				return -1;
			out[o++] = (uint8_t)(acc >> (bits - 8));
			bits -= 8;
		}
	}
	return (long)o;
}

/* Percent-encodes everything but RFC 3986 unreserved characters. */
static zx_err add_escaped(zx_buf *b, const char *s)
{
	zx_err e = ZX_OK;
	for (; *s && !e; s++) {
		unsigned char ch = (unsigned char)*s;
		if (isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~')
			e = zx_buf_addc(b, (char)ch);
		else
			e = zx_buf_addf(b, "%%%02X", ch);
	}
	return e;
}

zx_err zx_totp_uri(const char *issuer, const char *account, const char *secret_b32, zx_buf *out)
{
	zx_err e = zx_buf_adds(out, "otpauth://totp/");
	if (!e)
		e = add_escaped(out, issuer);
	if (!e)
		e = zx_buf_adds(out, ":");
	if (!e)
		e = add_escaped(out, account);
	if (!e)
		e = zx_buf_addf(out, "?secret=%s&issuer=", secret_b32);
	if (!e)
		e = add_escaped(out, issuer);
	if (!e)
		e = zx_buf_addf(out, "&algorithm=SHA1&digits=%d&period=%d", ZX_TOTP_DIGITS, ZX_TOTP_STEP);
	return e;
}

zx_err zx_qr_svg(const char *text, zx_buf *out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return ZX_ENOMEM;
	const int quiet = 4, w = qr->width, size = w + 2 * quiet;
	zx_err e = zx_buf_addf(out,
	                       "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %d %d\" "
	                       "width=\"%d\" height=\"%d\" shape-rendering=\"crispEdges\">"
	                       "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
	                       size, size, size * 6, size * 6, size, size);
	/* One path: a horizontal run of dark modules becomes one rectangle. */
	for (int y = 0; y < w && !e; y++) {
		for (int x = 0; x < w && !e;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 1;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			e = zx_buf_addf(out, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
			x += run;
		}
	}
	if (!e)
		e = zx_buf_adds(out, "\"/></svg>");
	QRcode_free(qr);
	return e;
}
