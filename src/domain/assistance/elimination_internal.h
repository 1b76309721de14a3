/*
 * elimination_internal.h — what elimination.c and elimination_flow.c share, not part of
 * the module's interface.
 */
#ifndef ZX_ELIMINATION_INTERNAL_H
#define ZX_ELIMINATION_INTERNAL_H

#include "domain/assistance/elimination.h"

/* Gathers and evaluates the rules for a household already found (must be a 监测户). */
zx_err elim_check_loaded(zx_conn *c, const zx_actor *a, const zx_asst_household *h, zx_elim_kind kind,
                         zx_elim_check *out, zx_errinfo *ei);
/* ZX_EVALIDATION "elimination_refused": "<what>：N 项条件不满足（name、name）". */
zx_err elim_refusal(const zx_elim_check *ch, const char *what, zx_errinfo *ei);
/* The check as JSON text (caller frees); NULL when out of memory. */
char *elim_check_json(const zx_elim_check *ch);
/* One elimination_steps row. */
zx_err elim_step_write(zx_conn *c, const zx_actor *a, int64_t id, const char *area, const char *from,
                       const char *to, const char *action, const char *opinion);

#endif
