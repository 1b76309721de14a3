/*
 * history.h — the change history of households (household_changes): one row per changed
 * field, with who, when, where from (import or edit), old and new value.
 *
 * Writers call zx_history_record() inside their own write transaction, so a change and
 * its history commit or roll back together. Values of 证件号码 and 联系电话 are masked
 * here, whatever the caller passes: plaintext personal data never reaches this table.
 */
#ifndef ZX_HISTORY_H
#define ZX_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/auth/actor.h"
#include "store/store.h"

/* Field names of whole-member events (the other fields are template column names). */
#define ZX_HISTORY_MEMBER_ADDED "新增成员"
#define ZX_HISTORY_MEMBER_REMOVED "移除成员"

/* Records one change. person_id 0 = a household-level field; area_code is the household's
 * 12-digit village; source is "import" or "edit"; old/new may be NULL (= ""). */
zx_err zx_history_record(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t person_id,
                         const char *area_code, const char *source, const char *field, const char *old_value,
                         const char *new_value);

typedef struct zx_history_entry {
	int64_t id;
	int64_t household_id;
	int64_t person_id; /* 0 for household-level fields */
	int64_t ts;
	int64_t user_id; /* 0 for the CLI operator */
	const char *username;
	const char *source;
	const char *field;
	const char *old_value;
	const char *new_value;
} zx_history_entry;

/* Return false to stop. Strings are valid only during the call. */
typedef bool (*zx_history_fn)(void *ctx, const zx_history_entry *e);

/* Changes of one household visible to the actor, newest first: at most limit (1..500)
 * rows with id < before_id (0 = from the newest). A household outside the actor's scope
 * simply has no rows. */
zx_err zx_history_list(zx_conn *c, const zx_actor *a, int64_t household_id, int64_t before_id, int limit,
                       zx_history_fn fn, void *ctx);

/* True for the fields whose values are stored masked (证件号码, 联系电话). */
bool zx_history_field_masked(const char *field);

#endif
