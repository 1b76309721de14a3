/*
 * mask.c — display masks for 证件号码 and 联系电话 (domain.md §8): keep a few leading
 * and trailing characters, replace each one in between with '*'.
 *
 * Invariants:
 *   - The output never shows more of the input than the rule allows, whatever the input
 *     or the buffer size: a too-small buffer truncates the masked string, it never
 *     falls back to the original.
 *   - Kept parts are shown only when at least MIN_MASKED characters are hidden. The
 *     header promises full masking for inputs no longer than the kept parts; we go a
 *     little further because "123*5678" hides next to nothing of a short phone number.
 *   - Any byte >= 0x80 masks the whole value, one '*' per UTF-8 character, so a value
 *     in an unexpected form (全角数字, a name in the wrong column) is never shown.
 */
#include "base/mask.h"

#include <string.h>

#define MIN_MASKED 4

static int is_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] >= 0x80)
			return 0;
	return 1;
}

/* Counts UTF-8 characters by their lead bytes; stray continuation bytes count as
 * nothing, which can only make the output shorter, never revealing. */
static size_t utf8_chars(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			n++;
	return n;
}

static void mask_keep(const char *in, char *out, size_t cap, size_t head, size_t tail)
{
	if (!out || cap == 0)
		return;
	if (!in) {
		out[0] = '\0';
		return;
	}
	size_t len = strlen(in);
	size_t room = cap - 1;
	if (!is_ascii(in, len)) {
		size_t n = utf8_chars(in, len);
		if (n > room)
			n = room;
		memset(out, '*', n);
		out[n] = '\0';
		return;
	}
	int keep = len >= head + tail + MIN_MASKED;
	size_t n = len < room ? len : room;
	for (size_t i = 0; i < n; i++)
		out[i] = keep && (i < head || i >= len - tail) ? in[i] : '*';
	out[n] = '\0';
}

void zx_mask_id(const char *in, char *out, size_t cap)
{
	mask_keep(in, out, cap, 4, 4);
}

void zx_mask_phone(const char *in, char *out, size_t cap)
{
	mask_keep(in, out, cap, 3, 4);
}
