-- Household change history (migration 0003). Masked values only for 证件号码/联系电话.

-- name: history_insert
INSERT INTO household_changes (county, area_code, household_id, person_id, ts, user_id, username, source,
                               field, old_value, new_value)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- Newest first; $4 = 0 starts at the newest, else only ids below it (keyset paging).
-- name: history_list scoped
SELECT id, household_id, coalesce(person_id, 0), ts, coalesce(user_id, 0), username, source, field,
       old_value, new_value
FROM household_changes
WHERE household_id = $3 AND area_code BETWEEN $1 AND $2 AND ($4 = 0 OR id < $4)
ORDER BY id DESC LIMIT $5;
