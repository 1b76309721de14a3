/*
 * mask.h — display masks for personal data (domain.md §8):
 *   证件号码 510722198001011234 -> 5107**********1234 (first 4, last 4)
 *   联系电话 13812345678        -> 138****5678        (first 3, last 4)
 */
#ifndef ZX_MASK_H
#define ZX_MASK_H

#include <stddef.h>

/* out must hold at least strlen(in)+1 bytes; inputs shorter than the kept parts are
 * fully masked. Works on ASCII input; non-ASCII is masked wholesale. */
void zx_mask_id(const char *in, char *out, size_t cap);
void zx_mask_phone(const char *in, char *out, size_t cap);

#endif
