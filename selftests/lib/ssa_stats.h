/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One counter of tls_ssa's securityfs "stats", for the selftests and the
 * benchmarks.  Header-only.
 */
#ifndef _SSA_STATS_H
#define _SSA_STATS_H

#include <stdio.h>
#include <string.h>

#define SSA_STATS_FILE	"/sys/kernel/security/tls_ssa/stats"

/* Return: the value of the "NAME value" line, or -1. */
static inline long ssa_stat_read(const char *name)
{
	char line[256], key[128];
	long v = -1, n;
	FILE *f = fopen(SSA_STATS_FILE, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%127s %ld", key, &n) == 2 && !strcmp(key, name)) {
			v = n;
			break;
		}
	fclose(f);
	return v;
}

#endif /* _SSA_STATS_H */
