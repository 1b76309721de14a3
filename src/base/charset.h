/*
 * charset.h — what encoding a CSV upload is in, turning it into UTF-8 as it streams
 * past, and 繁→简 normalisation of names (OpenCC).
 *
 * Chinese offices save CSV from Excel/WPS as GB18030 (“ANSI” on a Chinese Windows)
 * or UTF-8 with a BOM, and sometimes as “Unicode text” (UTF-16 with a BOM). The
 * decoder decides once, from the BOM or else from the first stretch of non-ASCII
 * bytes, and then converts every chunk without holding the file in memory.
 */
#ifndef ZX_CHARSET_H
#define ZX_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "base/error.h"

typedef enum zx_charset {
	ZX_CHARSET_UNKNOWN = 0, /* so far only ASCII seen: any of the below */
	ZX_CHARSET_UTF8,
	ZX_CHARSET_GB18030,
	ZX_CHARSET_UTF16LE,
	ZX_CHARSET_UTF16BE,
} zx_charset;

/* "UTF-8", "GB18030", ... ("ASCII" for UNKNOWN), for logs. */
const char *zx_charset_name(zx_charset cs);

/* Parses a user-given name: NULL/"auto" -> UNKNOWN (detect), "UTF-8"/"utf8",
 * "GB18030"/"GBK"/"GB2312"/"CP936". ZX_EINVAL for anything else. */
zx_err zx_charset_parse(const char *name, zx_charset *out, zx_errinfo *ei);

/* Strict UTF-8 (no overlongs, surrogates or > U+10FFFF) and no NUL byte.
 * *ascii (may be NULL) tells whether every byte is < 0x80. */
bool zx_utf8_valid(const char *p, size_t n, bool *ascii);

/* Detects the encoding of a complete byte string (or of a sample of one when
 * complete is false: a sequence cut at the end is then allowed). ASCII-only input
 * yields UTF8. Fails with a Chinese message for NUL bytes or undecodable bytes. */
zx_err zx_charset_detect(const void *p, size_t n, bool complete, zx_charset *out, zx_errinfo *ei);

/* Streaming decoder to UTF-8. */
typedef struct zx_decoder zx_decoder;

/* cs = ZX_CHARSET_UNKNOWN detects. */
zx_err zx_decoder_new(zx_charset cs, zx_decoder **out, zx_errinfo *ei);
void zx_decoder_free(zx_decoder *d);

/*
 * Feeds the next n bytes (last = no more input follows) and returns the UTF-8 text
 * that is ready in out/outn (valid until the next call; may point into in, may be
 * empty while the decoder still needs bytes to decide). A BOM is dropped.
 * On undecodable input returns ZX_EVALIDATION with the text decoded before the bad
 * bytes in out/outn, so the caller can parse it and name the row.
 */
zx_err zx_decoder_feed(zx_decoder *d, const void *in, size_t n, bool last, const char **out, size_t *outn,
                       zx_errinfo *ei);

/* What the decoder settled on (UNKNOWN while only ASCII was seen). */
zx_charset zx_decoder_charset(const zx_decoder *d);

/* One-shot conversion of a whole buffer (detects when cs is UNKNOWN). */
zx_err zx_charset_to_utf8(const void *in, size_t n, zx_charset cs, zx_buf *out, zx_errinfo *ei);

/* Traditional -> Simplified Chinese with OpenCC's t2s.json (phrases, then characters). */
typedef struct zx_t2s zx_t2s;

zx_err zx_t2s_new(zx_t2s **out, zx_errinfo *ei);
void zx_t2s_free(zx_t2s *t);
/* Appends the simplified form of the UTF-8 string in[0..n) to out. */
zx_err zx_t2s_convert(zx_t2s *t, const char *in, size_t n, zx_buf *out);

#endif
