/*
 * arena.h — region allocator for one request or one job: many small allocations,
 * one free at the end. Allocation failure returns NULL (callers report ZX_ENOMEM).
 * A cap bounds the total so a hostile request cannot exhaust memory.
 */
#ifndef ZX_ARENA_H
#define ZX_ARENA_H

#include <stdarg.h>
#include <stddef.h>

typedef struct zx_arena zx_arena;

zx_arena *zx_arena_new(size_t max_total);
void zx_arena_free(zx_arena *a);

void *zx_arena_alloc(zx_arena *a, size_t n); /* zeroed, 16-byte aligned */
char *zx_arena_strdup(zx_arena *a, const char *s);
char *zx_arena_strndup(zx_arena *a, const char *s, size_t n);
char *zx_arena_printf(zx_arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
size_t zx_arena_used(const zx_arena *a);

#endif
