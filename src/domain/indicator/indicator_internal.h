/*
 * indicator_internal.h — what the indicator module's files share: completion of an area
 * already checked against the actor's scope, and the bridge to the report's figure
 * registry (indicator_figure.c) for indicators whose source is a figure.
 */
#ifndef ZX_INDICATOR_INTERNAL_H
#define ZX_INDICATOR_INTERNAL_H

#include "domain/indicator/indicator.h"

/* zx_indicator_status without the role and area checks (code: 12 digits, already checked). */
zx_err zx_ind_status_of(zx_conn *c, const zx_actor *a, const char *code, const zx_period *p,
                        zx_ind_status_fn fn, void *ctx);

/* Is `name` a figure of the registry, and is it an amount of money? */
bool zx_ind_figure_known(const char *name);
bool zx_ind_figure_is_money(const char *name);
/* The figure d->figure of area code for year, in d's base units (*has false without data). */
zx_err zx_ind_figure_actual(zx_conn *c, const zx_actor *a, const char *code, int year, const zx_indicator *d,
                            bool *has, int64_t *out);

#endif
