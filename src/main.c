/*
 * main.c — subcommand dispatch only.
 */
#include <stdio.h>

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr, "用法: zhenxing <命令> [选项]\n");
	return 2;
}
