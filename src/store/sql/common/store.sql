-- name: schema_version_get
SELECT coalesce(max(version), 0) FROM zx_schema;

-- name: schema_version_clear
DELETE FROM zx_schema;

-- name: schema_version_set
INSERT INTO zx_schema (version) VALUES ($1);
