/*
 * audit.h — the append-only, hash-chained audit log (等保 三级, targets R6).
 *
 * Every login (success and failure), logout, write and unmasked read is one row.
 * Each row stores hash = SM3(prev_hash || canonical(row)), where canonical() is the
 * length-prefixed concatenation of id, ts, user_id, username, area_code, action,
 * object, result, client_ip and detail; the first row's prev_hash is 64 zeros. The
 * id of the newest row and its hash are also kept in meta('audit_head'), so deleting
 * the newest rows is detected too.
 *
 * zx_audit_write() must run inside the caller's write transaction, so the audit row
 * commits or rolls back with the change it records.
 */
#ifndef ZX_AUDIT_H
#define ZX_AUDIT_H

#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

zx_err zx_audit_write(zx_conn *c, const zx_actor *a, const char *action, const char *object,
                      const char *result, const char *detail);

/* Same, in its own write transaction (for events with no other write, e.g. a failed login). */
zx_err zx_audit_write_tx(zx_conn *c, const zx_actor *a, const char *action, const char *object,
                         const char *result, const char *detail);

/* Walks the whole chain. ZX_OK if intact; otherwise ZX_EVALIDATION with *bad_id the
 * first row that does not verify (or the id where a row is missing) and a Chinese
 * message in ei. */
zx_err zx_audit_verify(zx_conn *c, int64_t *rows_checked, int64_t *bad_id, zx_errinfo *ei);

#endif
