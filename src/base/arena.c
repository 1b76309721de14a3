/*
 * arena.c — chunked bump allocator. Chunks double up to 1 MiB; large requests get a
 * chunk of their own. Invariant: used <= max_total.
 */
#include "base/arena.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct chunk {
	struct chunk *next;
	size_t size;
	size_t used;
	_Alignas(16) unsigned char mem[];
} chunk;

struct zx_arena {
	chunk *head;
	size_t total;
	size_t max_total;
	size_t next_size;
};

zx_arena *zx_arena_new(size_t max_total)
{
	zx_arena *a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->max_total = max_total;
	a->next_size = 4096;
	return a;
}

void zx_arena_free(zx_arena *a)
{
	if (!a)
		return;
	chunk *c = a->head;
	while (c) {
		chunk *n = c->next;
		free(c);
		c = n;
	}
	free(a);
}

void *zx_arena_alloc(zx_arena *a, size_t n)
{
	size_t need = (n + 15) & ~(size_t)15;
	if (need < n)
		return NULL;
	chunk *c = a->head;
	if (!c || c->size - c->used < need) {
		size_t size = a->next_size;
		if (size < need)
			size = need;
		if (size > a->max_total || a->total > a->max_total - size)
			return NULL;
		c = malloc(sizeof(chunk) + size);
		if (!c)
			return NULL;
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		a->total += size;
		if (a->next_size < (1u << 20))
			a->next_size *= 2;
	}
	void *p = c->mem + c->used;
	c->used += need;
	memset(p, 0, n);
	return p;
}

char *zx_arena_strndup(zx_arena *a, const char *s, size_t n)
{
	char *p = zx_arena_alloc(a, n + 1);
	if (!p)
		return NULL;
	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *zx_arena_strdup(zx_arena *a, const char *s)
{
	return s ? zx_arena_strndup(a, s, strlen(s)) : NULL;
}

char *zx_arena_printf(zx_arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	char *p = n < 0 ? NULL : zx_arena_alloc(a, (size_t)n + 1);
	if (p)
		vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

size_t zx_arena_used(const zx_arena *a)
{
	return a->total;
}
