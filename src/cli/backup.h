/*
 * backup.h — backup files: consistent SQLite snapshots, optionally encrypted, and
 * the verification that `zhenxing restore` and `zhenxing check` share.
 *
 * Encrypted format (encrypt-then-MAC, streamed in 1 MiB chunks):
 *   "ZXBACKUP1\n" (10 bytes) | iv (16) | SM4-CTR(backup_key, iv, database) | tag (32)
 *   tag = HMAC-SM3(mac_key, everything before the tag)
 *   mac_key = SM3("zhenxing-backup-mac" || backup_key)
 * backup_key is zx_keys.backup from the key file, so a backup is only as readable as
 * the key file is: keep a copy of the key file apart from the backups. A restore
 * checks the tag over the whole file before it writes any plaintext, so a truncated
 * or altered backup is refused.
 */
#ifndef ZX_CLI_BACKUP_H
#define ZX_CLI_BACKUP_H

#include <stdbool.h>

#include "base/crypto.h"
#include "base/error.h"

#define ZX_BACKUP_MAGIC "ZXBACKUP1\n"
#define ZX_BACKUP_MAGIC_LEN 10

zx_err zx_backup_encrypt(const zx_keys *k, const char *in_path, const char *out_path, zx_errinfo *ei);
zx_err zx_backup_decrypt(const zx_keys *k, const char *in_path, const char *out_path, zx_errinfo *ei);
bool zx_backup_is_encrypted(const char *path);

/* Integrity check and audit chain of a database, as `zhenxing check` does; prints the
 * Chinese summary lines when verbose. */
zx_err cli_verify_db(const char *db, bool verbose, zx_errinfo *ei);

/* True if another process has the SQLite file open (a serving zhenxing holds a shared
 * flock; any SQLite connection in WAL mode holds a lock in the -shm file). */
bool cli_db_in_use(const char *path);

/* fsync() of the directory holding path (a rename in it is then durable). */
void cli_sync_dir_of(const char *path);

#endif
