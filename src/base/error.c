/*
 * error.c — names and default messages for zx_err; zx_fail() to record context.
 */
#include "base/error.h"

#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *code;
	const char *message;
} err_table[ZX_ERR__COUNT] = {
    [ZX_OK] = {"ZX_OK", "ok", "成功"},
    [ZX_EINVAL] = {"ZX_EINVAL", "bad_request", "请求格式错误"},
    [ZX_EAUTH] = {"ZX_EAUTH", "unauthenticated", "未登录或登录已过期，请重新登录"},
    [ZX_EFORBIDDEN] = {"ZX_EFORBIDDEN", "forbidden", "没有权限执行此操作"},
    [ZX_ECSRF] = {"ZX_ECSRF", "csrf_failed", "安全校验失败，请刷新页面后重试"},
    [ZX_ELOCKED] = {"ZX_ELOCKED", "account_locked", "账号已被锁定，请稍后再试"},
    [ZX_ENOTFOUND] = {"ZX_ENOTFOUND", "not_found", "未找到请求的对象"},
    [ZX_EMETHOD] = {"ZX_EMETHOD", "method_not_allowed", "不支持的请求方法"},
    [ZX_ECONFLICT] = {"ZX_ECONFLICT", "conflict", "数据冲突，请刷新后重试"},
    [ZX_ETOOBIG] = {"ZX_ETOOBIG", "too_large", "提交的数据超过大小限制"},
    [ZX_EVALIDATION] = {"ZX_EVALIDATION", "validation_failed", "数据校验未通过"},
    [ZX_ENOMEM] = {"ZX_ENOMEM", "out_of_memory", "服务器内存不足，请稍后重试"},
    [ZX_EIO] = {"ZX_EIO", "io_error", "读写文件失败"},
    [ZX_EFULL] = {"ZX_EFULL", "storage_full", "存储空间已满，请联系管理员"},
    [ZX_EDB] = {"ZX_EDB", "database_error", "数据库操作失败，请稍后重试"},
    [ZX_EINTERNAL] = {"ZX_EINTERNAL", "internal_error", "服务器内部错误"},
};

static int in_range(zx_err err)
{
	return (int)err >= 0 && err < ZX_ERR__COUNT;
}

const char *zx_err_name(zx_err err)
{
	return in_range(err) ? err_table[err].name : "ZX_E?";
}

const char *zx_err_message(zx_err err)
{
	return in_range(err) ? err_table[err].message : "未知错误";
}

const char *zx_err_code(zx_err err)
{
	return in_range(err) ? err_table[err].code : "unknown";
}

void zx_errinfo_clear(zx_errinfo *ei)
{
	if (ei)
		memset(ei, 0, sizeof(*ei));
}

zx_err zx_fail(zx_errinfo *ei, zx_err err, const char *code, const char *field, long row, const char *fmt,
               ...)
{
	if (!ei)
		return err;
	ei->err = err;
	snprintf(ei->code, sizeof(ei->code), "%s", code ? code : zx_err_code(err));
	snprintf(ei->field, sizeof(ei->field), "%s", field ? field : "");
	ei->row = row;
	if (fmt) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(ei->message, sizeof(ei->message), fmt, ap);
		va_end(ap);
	} else {
		snprintf(ei->message, sizeof(ei->message), "%s", zx_err_message(err));
	}
	return err;
}
