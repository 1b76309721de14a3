/*
 * charset.c — encoding detection, streaming conversion to UTF-8 (iconv) and
 * 繁→简 normalisation (OpenCC). See charset.h for the contract.
 *
 * Invariants of zx_decoder:
 *   - the encoding is decided at most once; before that only ASCII has been passed
 *     on, which reads the same in every encoding we accept;
 *   - pend holds at most the bytes not yet decodable (BOM check, an undecided
 *     sample of <= DECIDE_SAMPLE bytes plus one chunk, or a multibyte sequence cut
 *     by the chunk boundary), so memory stays bounded by the caller's chunk size;
 *   - no text containing a NUL byte is ever returned: NUL means a binary file.
 */
#include "base/charset.h"

#include <errno.h>
#include <iconv.h>
#include <opencc/opencc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/log.h"

/* Enough non-ASCII bytes to tell GB18030 from UTF-8 with confidence: a short
 * GB18030 sample can look like valid UTF-8 by chance, a few KiB cannot. */
#define DECIDE_SAMPLE 4096
#define DECODER_MAX ((size_t)1 << 40)

static const char MSG_UNKNOWN[] = "文件编码无法识别，请另存为 UTF-8 或 GB18030 编码的 CSV";
static const char MSG_BINARY[] = "文件包含二进制内容（NUL 字节），不是文本格式的 CSV，请确认上传的文件";

const char *zx_charset_name(zx_charset cs)
{
	switch (cs) {
	case ZX_CHARSET_UTF8:
		return "UTF-8";
	case ZX_CHARSET_GB18030:
		return "GB18030";
	case ZX_CHARSET_UTF16LE:
		return "UTF-16LE";
	case ZX_CHARSET_UTF16BE:
		return "UTF-16BE";
	case ZX_CHARSET_UNKNOWN:
		break;
	}
	return "ASCII";
}

zx_err zx_charset_parse(const char *name, zx_charset *out, zx_errinfo *ei)
{
	static const struct {
		const char *name;
		zx_charset cs;
	} names[] = {
	    {"auto", ZX_CHARSET_UNKNOWN},    {"UTF-8", ZX_CHARSET_UTF8},  {"UTF8", ZX_CHARSET_UTF8},
	    {"GB18030", ZX_CHARSET_GB18030}, {"GBK", ZX_CHARSET_GB18030}, {"GB2312", ZX_CHARSET_GB18030},
	    {"CP936", ZX_CHARSET_GB18030},
	};
	if (!name || !*name) {
		*out = ZX_CHARSET_UNKNOWN;
		return ZX_OK;
	}
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (strcasecmp(name, names[i].name) == 0) {
			*out = names[i].cs;
			return ZX_OK;
		}
	}
	return zx_fail(ei, ZX_EINVAL, "bad_encoding_name", "编码", 0,
	               "不支持的文件编码“%.32s”，请选择 UTF-8 或 GB18030", name);
}

/* Number of bytes from p that form complete, valid UTF-8 without NUL. *cut is set
 * when the scan stopped only because the input ends inside a sequence. */
static size_t utf8_scan(const unsigned char *p, size_t n, bool *ascii, bool *cut)
{
	const uint64_t hi = 0x8080808080808080ULL, lo = 0x0101010101010101ULL;
	size_t i = 0;
	bool all_ascii = true;
	*cut = false;
	while (i < n) {
		/* ASCII without NUL dominates real files: 8 bytes per step. */
		while (n - i >= 8) {
			uint64_t w;
			memcpy(&w, p + i, 8);
			if ((w & hi) || ((w - lo) & ~w & hi))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned c = p[i];
		if (c < 0x80) {
			if (c == 0)
				goto stop;
			i++;
			continue;
		}
		all_ascii = false;
		size_t need;
		uint32_t cp;
		if (c >= 0xC2 && c <= 0xDF) {
			need = 1;
			cp = c & 0x1F;
		} else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			cp = c & 0x0F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			cp = c & 0x07;
		} else {
			goto stop;
		}
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n) {
				*cut = true;
				goto stop;
			}
			unsigned b = p[i + k];
			if ((b & 0xC0) != 0x80)
				goto stop;
			cp = (cp << 6) | (b & 0x3F);
			/* Reject overlongs and surrogates as soon as the 2nd byte shows them,
			 * so that a cut sequence is only "cut" if it could still be valid. */
			if (k == 1 && need == 2 && ((c == 0xE0 && b < 0xA0) || (c == 0xED && b >= 0xA0)))
				goto stop;
			if (k == 1 && need == 3 && ((c == 0xF0 && b < 0x90) || (c == 0xF4 && b >= 0x90)))
				goto stop;
		}
		i += need + 1;
	}
stop:
	if (ascii)
		*ascii = all_ascii;
	return i;
}

bool zx_utf8_valid(const char *p, size_t n, bool *ascii)
{
	bool cut;
	return utf8_scan((const unsigned char *)p, n, ascii, &cut) == n;
}

/* Would p[0..n) decode as GB18030? A sequence cut at the end is fine unless complete. */
static bool gb18030_plausible(const unsigned char *p, size_t n, bool complete)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return false;
	char scratch[4096];
	char *ip = (char *)p;
	size_t il = n;
	bool ok = true;
	while (il > 0) {
		char *op = scratch;
		size_t ol = sizeof scratch;
		if (iconv(cd, &ip, &il, &op, &ol) != (size_t)-1)
			break;
		if (errno == E2BIG)
			continue;
		ok = errno == EINVAL && !complete && il < 4;
		break;
	}
	iconv_close(cd);
	return ok;
}

/* The decision proper, on bytes after any BOM, known to contain no NUL. */
static zx_err detect_body(const unsigned char *p, size_t n, bool complete, zx_charset *out, zx_errinfo *ei)
{
	bool cut, ascii;
	size_t ok = utf8_scan(p, n, &ascii, &cut);
	if (ok == n || (cut && !complete && n - ok < 4)) {
		*out = ZX_CHARSET_UTF8;
		return ZX_OK;
	}
	if (gb18030_plausible(p, n, complete)) {
		*out = ZX_CHARSET_GB18030;
		return ZX_OK;
	}
	return zx_fail(ei, ZX_EVALIDATION, "unknown_encoding", NULL, 0, "%s", MSG_UNKNOWN);
}

/* Length of a BOM at p, and the charset it announces. */
static size_t bom_len(const unsigned char *p, size_t n, zx_charset *cs)
{
	if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
		*cs = ZX_CHARSET_UTF8;
		return 3;
	}
	if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) {
		*cs = ZX_CHARSET_UTF16LE;
		return 2;
	}
	if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) {
		*cs = ZX_CHARSET_UTF16BE;
		return 2;
	}
	return 0;
}

zx_err zx_charset_detect(const void *data, size_t n, bool complete, zx_charset *out, zx_errinfo *ei)
{
	const unsigned char *p = data;
	size_t skip = bom_len(p, n, out);
	if (skip)
		return ZX_OK;
	if (memchr(p, 0, n))
		return zx_fail(ei, ZX_EVALIDATION, "binary_file", NULL, 0, "%s", MSG_BINARY);
	return detect_body(p, n, complete, out, ei);
}

struct zx_decoder {
	zx_charset cs;
	bool bom_done;
	iconv_t cd;
	zx_buf pend; /* undecoded bytes carried to the next feed */
	char *out;   /* converted text handed out */
	size_t outlen, outcap;
};

zx_err zx_decoder_new(zx_charset cs, zx_decoder **out, zx_errinfo *ei)
{
	zx_decoder *d = calloc(1, sizeof *d);
	if (!d)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	d->cs = cs;
	d->cd = (iconv_t)-1;
	zx_buf_init(&d->pend, DECODER_MAX);
	*out = d;
	return ZX_OK;
}

void zx_decoder_free(zx_decoder *d)
{
	if (!d)
		return;
	if (d->cd != (iconv_t)-1)
		iconv_close(d->cd);
	zx_buf_release(&d->pend);
	free(d->out);
	free(d);
}

zx_charset zx_decoder_charset(const zx_decoder *d)
{
	return d->cs;
}

static zx_err decoder_open_iconv(zx_decoder *d, zx_errinfo *ei)
{
	const char *from = d->cs == ZX_CHARSET_GB18030   ? "GB18030"
	                   : d->cs == ZX_CHARSET_UTF16LE ? "UTF-16LE"
	                                                 : "UTF-16BE";
	d->cd = iconv_open("UTF-8", from);
	if (d->cd == (iconv_t)-1) {
		zx_error("charset: iconv_open(%s) failed: %s", from, strerror(errno));
		return zx_fail(ei, ZX_EINTERNAL, "iconv_unavailable", NULL, 0, "系统缺少 %s 编码转换支持",
		               from);
	}
	return ZX_OK;
}

/* Makes room for at least room more bytes (plus a NUL) in d->out. */
static zx_err decoder_reserve(zx_decoder *d, size_t room)
{
	if (d->outcap - d->outlen > room)
		return ZX_OK;
	if (room > DECODER_MAX || d->outlen > DECODER_MAX - room)
		return ZX_ETOOBIG;
	size_t cap = d->outcap ? d->outcap : 4096;
	while (cap - d->outlen <= room)
		cap *= 2;
	char *p = realloc(d->out, cap);
	if (!p)
		return ZX_ENOMEM;
	d->out = p;
	d->outcap = cap;
	return ZX_OK;
}

/* Converts p[0..n) with iconv into d->out; *keep = bytes of a sequence cut at the end. */
static zx_err decoder_iconv(zx_decoder *d, const unsigned char *p, size_t n, bool last, size_t *keep,
                            zx_errinfo *ei)
{
	char *ip = (char *)p;
	size_t il = n;
	d->outlen = 0;
	*keep = 0;
	while (il > 0) {
		/* 2 bytes of GB18030 or UTF-16 become at most 3 of UTF-8. */
		if (decoder_reserve(d, il * 2 + 16))
			return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
		char *op = d->out + d->outlen;
		size_t ol = d->outcap - d->outlen - 1;
		size_t r = iconv(d->cd, &ip, &il, &op, &ol);
		int err = errno;
		d->outlen = (size_t)(op - d->out);
		if (r != (size_t)-1)
			break;
		if (err == E2BIG)
			continue;
		if (err == EINVAL && !last) {
			*keep = il;
			break;
		}
		return zx_fail(ei, ZX_EVALIDATION, "bad_encoding", NULL, 0,
		               "文件中含有无法按 %s 解码的字节，请确认文件编码后重新导出",
		               zx_charset_name(d->cs));
	}
	if (d->outlen && memchr(d->out, 0, d->outlen))
		return zx_fail(ei, ZX_EVALIDATION, "binary_file", NULL, 0, "%s", MSG_BINARY);
	return ZX_OK;
}

/* A NUL byte: hands out the text before it (so the caller can name the row) and fails. */
static zx_err binary(const unsigned char *p, size_t good, const char **out, size_t *outn, zx_errinfo *ei)
{
	*out = (const char *)p;
	*outn = good;
	return zx_fail(ei, ZX_EVALIDATION, "binary_file", NULL, 0, "%s", MSG_BINARY);
}

/*
 * One step on a contiguous span. Sets out/outn and keep (bytes at the end of the
 * span to present again, prefixed to the next input).
 */
static zx_err decoder_step(zx_decoder *d, const unsigned char *p, size_t n, bool last, const char **out,
                           size_t *outn, size_t *keep, zx_errinfo *ei)
{
	*out = "";
	*outn = 0;
	*keep = 0;
	if (!d->bom_done) {
		if (n < 3 && !last) {
			*keep = n;
			return ZX_OK;
		}
		zx_charset bom_cs;
		size_t skip = bom_len(p, n, &bom_cs);
		/* A BOM is stronger evidence than the user's guess. */
		if (skip)
			d->cs = bom_cs;
		p += skip;
		n -= skip;
		d->bom_done = true;
	}
	if (d->cs == ZX_CHARSET_UNKNOWN) {
		size_t k = 0;
		while (k < n && p[k] < 0x80 && p[k])
			k++;
		if (k < n && !p[k])
			return binary(p, k, out, outn, ei);
		if (memchr(p + k, 0, n - k))
			return binary(p, k, out, outn, ei);
		if (k < n && n - k < DECIDE_SAMPLE && !last) {
			*out = (const char *)p;
			*outn = k;
			*keep = n - k;
			return ZX_OK;
		}
		if (k < n) {
			zx_err e = detect_body(p + k, n - k, last, &d->cs, ei);
			if (e)
				return e;
			zx_debug("charset: detected %s", zx_charset_name(d->cs));
		}
		if (d->cs == ZX_CHARSET_UNKNOWN) {
			*out = (const char *)p;
			*outn = n;
			return ZX_OK;
		}
	}
	if (d->cs == ZX_CHARSET_UTF8) {
		const unsigned char *nul = memchr(p, 0, n);
		if (nul)
			return binary(p, (size_t)(nul - p), out, outn, ei);
		*out = (const char *)p;
		*outn = n;
		return ZX_OK;
	}
	if (d->cd == (iconv_t)-1) {
		zx_err e = decoder_open_iconv(d, ei);
		if (e)
			return e;
	}
	zx_err e = decoder_iconv(d, p, n, last, keep, ei);
	*out = d->out ? d->out : "";
	*outn = d->outlen;
	return e;
}

zx_err zx_decoder_feed(zx_decoder *d, const void *in, size_t n, bool last, const char **out, size_t *outn,
                       zx_errinfo *ei)
{
	const unsigned char *p = in;
	size_t keep = 0;
	zx_err e;
	if (d->pend.len == 0) {
		e = decoder_step(d, p, n, last, out, outn, &keep, ei);
		if (keep && zx_buf_add(&d->pend, p + n - keep, keep))
			return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
		return e;
	}
	if (zx_buf_add(&d->pend, p, n))
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	e = decoder_step(d, (const unsigned char *)d->pend.data, d->pend.len, last, out, outn, &keep, ei);
	/* The output may point into pend, which is about to be compacted: move it out. */
	if (*outn && *out >= d->pend.data && *out < d->pend.data + d->pend.len) {
		/* Only ASCII or UTF-8 passes through uncopied; d->out is free then. */
		size_t len = *outn;
		d->outlen = 0;
		if (decoder_reserve(d, len))
			return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
		memcpy(d->out, *out, len);
		d->outlen = len;
		*out = d->out;
	}
	memmove(d->pend.data, d->pend.data + d->pend.len - keep, keep);
	d->pend.len = keep;
	return e;
}

zx_err zx_charset_to_utf8(const void *in, size_t n, zx_charset cs, zx_buf *out, zx_errinfo *ei)
{
	zx_decoder *d = NULL;
	zx_err e = zx_decoder_new(cs, &d, ei);
	if (e)
		return e;
	const char *text;
	size_t len;
	e = zx_decoder_feed(d, in, n, true, &text, &len, ei);
	if (!e && zx_buf_add(out, text, len))
		e = zx_fail(ei, ZX_ETOOBIG, "too_large", NULL, 0, "转换后的文本超过大小限制");
	zx_decoder_free(d);
	return e;
}

struct zx_t2s {
	opencc_t cc;
};

zx_err zx_t2s_new(zx_t2s **out, zx_errinfo *ei)
{
	zx_t2s *t = calloc(1, sizeof *t);
	if (!t)
		return zx_fail(ei, ZX_ENOMEM, "out_of_memory", NULL, 0, "内存不足");
	t->cc = opencc_open("t2s.json");
	if (t->cc == (opencc_t)-1) {
		zx_error("charset: opencc_open(t2s.json) failed: %s", opencc_error());
		free(t);
		return zx_fail(ei, ZX_EINTERNAL, "opencc_unavailable", NULL, 0,
		               "繁简转换组件不可用，请联系管理员");
	}
	*out = t;
	return ZX_OK;
}

void zx_t2s_free(zx_t2s *t)
{
	if (!t)
		return;
	opencc_close(t->cc);
	free(t);
}

zx_err zx_t2s_convert(zx_t2s *t, const char *in, size_t n, zx_buf *out)
{
	/* OpenCC reads up to n bytes or a NUL, whichever comes first. */
	char *s = opencc_convert_utf8(t->cc, in, n);
	if (!s)
		return ZX_EINTERNAL;
	zx_err e = zx_buf_adds(out, s);
	opencc_convert_utf8_free(s);
	return e;
}
