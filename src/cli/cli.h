/*
 * cli.h — what the subcommands share: opening the store and the key file, turning
 * errors into Chinese messages and exit codes (0 ok, 1 user/data error, 2 usage,
 * 3 internal), and the entry points main.c dispatches to.
 */
#ifndef ZX_CLI_H
#define ZX_CLI_H

#include <stdbool.h>

#include "base/crypto.h"
#include "base/error.h"
#include "store/store.h"

enum { CLI_OK = 0, CLI_EDATA = 1, CLI_EUSAGE = 2, CLI_EINTERNAL = 3 };

/* Prints the error (Chinese) to stderr and returns the exit code for it. */
int cli_fail(zx_err e, const zx_errinfo *ei);
int cli_usage(const char *usage);

/* --area: an area code of one of the digit counts in `lengths` (CLI_DIGITS(6) | CLI_DIGITS(9) …:
 * 2 province, 6 county, 9 town, 12 village), padded with zeros to the 12-digit code. */
#define CLI_DIGITS(n) (1u << (n))
bool cli_area_code(const char *in, unsigned lengths, char out[13]);

zx_err cli_open_store(const char *db, bool create, int pool, zx_store **out, zx_errinfo *ei);
/* Key file: --key if given, else "<db>.key" for SQLite files, $ZHENXING_KEY for URLs. */
zx_err cli_load_keys(const char *db, const char *keyfile, bool create, zx_keys *out, zx_errinfo *ei);

/* An existing database for one command: the store (one connection) migrated to the latest
 * schema, its field keys (cli_load_keys) and the connection. On failure nothing stays open.
 * cli_close_db releases all three (the keys are wiped). */
typedef struct cli_db {
	zx_store *st;
	zx_conn *c;
	zx_keys keys;
} cli_db;
zx_err cli_open_db(const char *db, const char *keyfile, cli_db *out, zx_errinfo *ei);
void cli_close_db(cli_db *d);

int cmd_serve(int argc, char **argv);
int cmd_user(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_screen(int argc, char **argv);
int cmd_figures(int argc, char **argv);
int cmd_policy(int argc, char **argv);
int cmd_indicator(int argc, char **argv);
/* `zhenxing import income|warnings …` (argv[0] is the kind); called by cmd_import. */
int cmd_import_monitoring(int argc, char **argv);
/* `zhenxing import ledger --kind KIND …` (argv[0] is "ledger"); called by cmd_import. */
int cmd_import_ledger(int argc, char **argv);
int cmd_migrate(int argc, char **argv);
/* `zhenxing copy --from SRC --to DST`: a whole database between SQLite and PostgreSQL. */
int cmd_copy(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_backup(int argc, char **argv);
int cmd_restore(int argc, char **argv);

#endif
