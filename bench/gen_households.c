/*
 * gen_households.c — writes the deterministic synthetic household CSV (national template,
 * UTF-8) that bench/import measures: the same seed and count give the same file on every
 * machine on the same day (ages are relative to today, see synth.h).
 *
 *   gen_households --households N [--seed S] [--county 510722] -o FILE
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain/registry/template.h"

#define USAGE "gen_households --households N [--seed S] [--county 510722] -o FILE"

int main(int argc, char **argv)
{
	long households = -1;
	unsigned long long seed = 1;
	const char *county = "510722", *out = NULL;
	static const struct option opts[] = {
	    {"households", required_argument, 0, 'n'},
	    {"seed", required_argument, 0, 's'},
	    {"county", required_argument, 0, 'c'},
	    {"output", required_argument, 0, 'o'},
	    {0, 0, 0, 0},
	};
	int ch;
	char *end;
	while ((ch = getopt_long(argc, argv, "o:", opts, NULL)) != -1) {
		switch (ch) {
		case 'n':
			households = strtol(optarg, &end, 10);
			if (*end || households < 0)
				households = -1;
			break;
		case 's':
			seed = strtoull(optarg, &end, 10);
			break;
		case 'c':
			county = optarg;
			break;
		case 'o':
			out = optarg;
			break;
		default:
			fprintf(stderr, "usage: %s\n", USAGE);
			return 2;
		}
	}
	if (households < 0 || !out || optind != argc) {
		fprintf(stderr, "usage: %s\n", USAGE);
		return 2;
	}
	zx_errinfo ei;
	zx_errinfo_clear(&ei);
	zx_err e = zx_synth_write_csv(out, seed, households, county, &ei);
	if (e) {
		fprintf(stderr, "gen_households: %s\n", ei.message[0] ? ei.message : zx_err_message(e));
		return 1;
	}
	return 0;
}
