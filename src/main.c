/*
 * main.c — subcommand dispatch only (git-style: zhenxing <command> [options]).
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/crypto.h"
#include "cli/cli.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} commands[] = {
    {"serve", cmd_serve, "启动 Web 服务"},
    {"demo", cmd_demo, "创建演示数据库（真实区划 + 合成人口）"},
    {"user", cmd_user, "管理用户（add / passwd）"},
    {"import", cmd_import, "导入数据（households：家庭成员表 CSV/XLSX）"},
    {"export", cmd_export, "导出农户家庭成员表（CSV/XLSX，与导入模板一致）"},
    {"check", cmd_check, "检查数据库完整性和审计日志链"},
    {"figures", cmd_figures, "查看指标（list：指标清单；show：某区域某年度的指标值）"},
    {"screen", cmd_screen, "防返贫监测排查（按规则筛查疑似对象）"},
    {"policy", cmd_policy, "设置或查看监测线等政策参数（set / show）"},
    {"indicator", cmd_indicator, "设置目标任务或查看指标完成情况（set / show）"},
    {"report", cmd_report, "生成工作汇报（公文格式 DOCX 或 Markdown）"},
    {"backup", cmd_backup, "在线备份数据库（可 SM4 加密）"},
    {"restore", cmd_restore, "从备份恢复数据库（先校验）"},
    {"migrate", cmd_migrate, "创建或升级数据库结构"},
    {"copy", cmd_copy, "在 SQLite 与 PostgreSQL 之间复制整个数据库（校验行数与校验和）"},
};

static int usage(void)
{
	fprintf(stderr, "用法: zhenxing <命令> [选项]\n\n命令:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(stderr, "  %-10s %s\n", commands[i].name, commands[i].help);
	return CLI_EUSAGE;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage();
	/* Databases, key files, uploads and exports hold personal data: private by default. */
	umask(077);
	if (zx_crypto_init() != ZX_OK) {
		fprintf(stderr, "错误: 加密库初始化失败（需要 OpenSSL 3 的 SM3/SM4）\n");
		return CLI_EINTERNAL;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "未知命令: %s\n", argv[1]);
	return usage();
}
