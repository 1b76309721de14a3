/*
 * test_config.c — specification of the configuration file parser (base/config.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/config.h"

static zx_err parse(zx_config *c, const char *text, zx_errinfo *ei)
{
	zx_config_defaults(c);
	zx_errinfo_clear(ei);
	return zx_config_parse(c, text, strlen(text), "test.conf", ei);
}

static void test_config_defaults_are_safe(void **state)
{
	(void)state;
	zx_config c;
	zx_config_defaults(&c);
	assert_string_equal(c.listen, "127.0.0.1:8080");
	assert_int_equal(c.threads, 2);
	assert_int_equal(c.session_idle_minutes, 30);
	assert_true(c.force_password_change);
	assert_int_equal(c.log_format, ZX_LOGFMT_JSON);
	assert_int_equal(c.upload_max_mb, 512);
	assert_false(c.secure_cookies);
}

static void test_config_reads_every_documented_option(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	const char *text = "# zhenxing\n"
	                   "db = /var/lib/zhenxing/zhenxing.db\n"
	                   "listen=127.0.0.1:9090\n"
	                   "threads = 8\n"
	                   "key = /etc/zhenxing/zhenxing.key\n"
	                   "data_dir = /var/lib/zhenxing/files\n"
	                   "secure_cookies = yes\n"
	                   "trust_proxy = true\n"
	                   "log_file = /var/log/zhenxing/zhenxing.log\n"
	                   "log_format = text\n"
	                   "metrics_token = \"s3cr#t token\"\n"
	                   "session_idle_minutes = 15\n"
	                   "password_expiry_days = 0\n"
	                   "force_password_change = false\n"
	                   "audit_retention_days = 365\n"
	                   "upload_max_mb = 100\n"
	                   "shutdown_timeout_seconds = 20\r\n"
	                   "\n   \t\n";
	assert_int_equal(parse(&c, text, &ei), ZX_OK);
	assert_string_equal(c.db, "/var/lib/zhenxing/zhenxing.db");
	assert_string_equal(c.listen, "127.0.0.1:9090");
	assert_int_equal(c.threads, 8);
	assert_string_equal(c.key, "/etc/zhenxing/zhenxing.key");
	assert_string_equal(c.data_dir, "/var/lib/zhenxing/files");
	assert_true(c.secure_cookies);
	assert_true(c.trust_proxy);
	assert_string_equal(c.log_file, "/var/log/zhenxing/zhenxing.log");
	assert_int_equal(c.log_format, ZX_LOGFMT_TEXT);
	assert_string_equal(c.metrics_token, "s3cr#t token");
	assert_int_equal(c.session_idle_minutes, 15);
	assert_int_equal(c.password_expiry_days, 0);
	assert_false(c.force_password_change);
	assert_int_equal(c.audit_retention_days, 365);
	assert_int_equal(c.upload_max_mb, 100);
	assert_int_equal(c.shutdown_timeout_seconds, 20);
	/* The documented key list is the parser's table. */
	int n = 0;
	for (const char *const *k = zx_config_keys(); *k; k++)
		n++;
	assert_int_equal(n, 18);
}

static void test_config_unknown_key_names_the_line(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	assert_int_equal(parse(&c, "threads = 4\n\nlisten_port = 80\n", &ei), ZX_EINVAL);
	assert_string_equal(ei.code, "config_unknown_key");
	assert_int_equal(ei.row, 3);
	assert_non_null(strstr(ei.message, "第3行"));
	assert_non_null(strstr(ei.message, "listen_port"));
}

static void test_config_refuses_bad_values_and_syntax(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	assert_int_equal(parse(&c, "threads = 0\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "threads = 4x\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "threads =\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "secure_cookies = maybe\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "log_format = xml\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "just some words\n", &ei), ZX_EINVAL);
	assert_string_equal(ei.code, "config_syntax");
	assert_int_equal(parse(&c, "Threads = 2\n", &ei), ZX_EINVAL);
	/* Audit logs are kept at least 180 days (等保); 0 means for ever. */
	assert_int_equal(parse(&c, "audit_retention_days = 90\n", &ei), ZX_EINVAL);
	assert_int_equal(parse(&c, "audit_retention_days = 0\n", &ei), ZX_OK);
	assert_int_equal(parse(&c, "session_idle_minutes = 0\n", &ei), ZX_EINVAL);
}

static void test_config_refuses_a_repeated_key(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	assert_int_equal(parse(&c, "threads = 2\nthreads = 3\n", &ei), ZX_EINVAL);
	assert_string_equal(ei.code, "config_duplicate");
	assert_int_equal(ei.row, 2);
}

static void test_config_caps_line_value_and_file_size(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	char *big = malloc(ZX_CONFIG_MAX_FILE + 16);
	assert_non_null(big);
	if (!big)
		return;
	memset(big, '#', ZX_CONFIG_MAX_FILE + 8);
	big[ZX_CONFIG_MAX_FILE + 8] = '\0';
	zx_config_defaults(&c);
	assert_int_equal(zx_config_parse(&c, big, ZX_CONFIG_MAX_FILE + 8, "big", &ei), ZX_ETOOBIG);
	/* One line longer than the cap. */
	memcpy(big, "db = ", 5);
	memset(big + 5, 'a', ZX_CONFIG_MAX_LINE + 10);
	big[ZX_CONFIG_MAX_LINE + 15] = '\0';
	assert_int_equal(parse(&c, big, &ei), ZX_EINVAL);
	assert_string_equal(ei.code, "config_line_too_long");
	/* A value longer than its field. */
	snprintf(big, 600, "listen = %0500d\n", 1);
	assert_int_equal(parse(&c, big, &ei), ZX_EINVAL);
	free(big);
}

static void test_config_flags_override_the_file_through_the_same_checks(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	assert_int_equal(parse(&c, "threads = 4\nlisten = 0.0.0.0:80\n", &ei), ZX_OK);
	assert_int_equal(zx_config_set(&c, "threads", "6", "--threads", &ei), ZX_OK);
	assert_int_equal(c.threads, 6);
	assert_string_equal(c.listen, "0.0.0.0:80");
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_config_set(&c, "threads", "999", "--threads", &ei), ZX_EINVAL);
	assert_non_null(strstr(ei.message, "--threads"));
}

static void test_config_load_reports_a_missing_file_unless_optional(void **state)
{
	(void)state;
	zx_config c;
	zx_errinfo ei;
	zx_config_defaults(&c);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_config_load(&c, "/nonexistent/zhenxing.conf", true, &ei), ZX_OK);
	assert_int_equal(zx_config_load(&c, "/nonexistent/zhenxing.conf", false, &ei), ZX_ENOTFOUND);
	char path[] = "/tmp/zx-config-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char *text = "threads = 3\nbogus = 1\n";
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	zx_errinfo_clear(&ei);
	assert_int_equal(zx_config_load(&c, path, false, &ei), ZX_EINVAL);
	assert_non_null(strstr(ei.message, path));
	assert_int_equal(ei.row, 2);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_defaults_are_safe),
	    cmocka_unit_test(test_config_reads_every_documented_option),
	    cmocka_unit_test(test_config_unknown_key_names_the_line),
	    cmocka_unit_test(test_config_refuses_bad_values_and_syntax),
	    cmocka_unit_test(test_config_refuses_a_repeated_key),
	    cmocka_unit_test(test_config_caps_line_value_and_file_size),
	    cmocka_unit_test(test_config_flags_override_the_file_through_the_same_checks),
	    cmocka_unit_test(test_config_load_reports_a_missing_file_unless_optional),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
