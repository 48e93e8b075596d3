// SPDX-License-Identifier: GPL-2.0
/*
 * ssactl - administer tls_ssa, the kernel's TLS socket service.
 *
 *   ssactl [-j|--json] [-p|--pretty] OBJECT COMMAND [ARGS]
 *
 * Objects and commands match by unique prefix, as in bpftool
 * ("ssactl st" is "ssactl status").  This first version knows "status"
 * and "version"; policy, trust, conns and stats arrive with the policy
 * work (see Documentation/ssactl.rst).
 */

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <linux/tls_ssa.h>

#define SSACTL_VERSION "0.1.0"

static bool json, pretty;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

static void json_str(const char *key, const char *val, bool last)
{
	const char *p;

	printf("%s\"%s\":%s\"", pretty ? "    " : "", key, pretty ? " " : "");
	for (p = val; *p; p++) {
		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if ((unsigned char)*p < 0x20)
			printf("\\u%04x", *p);
		else
			putchar(*p);
	}
	printf("\"%s%s", last ? "" : ",", pretty ? "\n" : "");
}

static void json_open(void)
{
	printf("{%s", pretty ? "\n" : "");
}

static void json_close(void)
{
	printf("}\n");
}

/* First line of a file, without the newline; "" if unreadable. */
static const char *read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return buf;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return buf;
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json) {
		json_open();
		json_str("version", SSACTL_VERSION, true);
		json_close();
	} else {
		printf("ssactl v%s\n", SSACTL_VERSION);
	}
	return 0;
}

static int do_status(int argc, char **argv)
{
	char modver[64], proto[16];
	struct utsname u;
	bool loaded = access("/sys/module/tls_ssa", F_OK) == 0;
	bool ktls = access("/sys/module/tls", F_OK) == 0;

	(void)argc;
	(void)argv;
	uname(&u);
	read_line("/sys/module/tls_ssa/version", modver, sizeof(modver));
	snprintf(proto, sizeof(proto), "%d", IPPROTO_TLS);
	if (json) {
		json_open();
		json_str("module", loaded ? "loaded" : "not loaded", false);
		json_str("module_version", modver, false);
		json_str("kernel", u.release, false);
		json_str("ktls", ktls ? "present" : "absent", false);
		json_str("ipproto_tls", proto, true);
		json_close();
	} else {
		printf("module:      %s%s%s\n", loaded ? "loaded" : "not loaded",
		       *modver ? " v" : "", modver);
		printf("kernel:      %s\n", u.release);
		printf("kTLS:        %s\n", ktls ? "present" : "absent");
		printf("IPPROTO_TLS: %s\n", proto);
	}
	return loaded ? 0 : 1;
}

static int do_help(int argc, char **argv);

static const struct cmd objects[] = {
	{ "status",	do_status },
	{ "version",	do_version },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr,
		"Usage: ssactl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       OBJECT := { status | version | help }\n"
		"       OPTIONS := { -j|--json [-p|--pretty] | -V|--version }\n");
	return 0;
}

/* Unique-prefix match, bpftool style. */
static const struct cmd *find_cmd(const struct cmd *tbl, const char *word)
{
	const struct cmd *hit = NULL, *c;

	for (c = tbl; c->name; c++) {
		if (!strcmp(c->name, word))
			return c;
		if (!strncmp(c->name, word, strlen(word))) {
			if (hit)
				return NULL;
			hit = c;
		}
	}
	return hit;
}

int main(int argc, char **argv)
{
	const struct cmd *c;
	int i;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty")) {
			json = pretty = true;
		} else if (!strcmp(argv[i], "-V") || !strcmp(argv[i], "--version")) {
			return do_version(0, NULL);
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			return do_help(0, NULL);
		} else {
			fprintf(stderr, "ssactl: unknown option '%s'\n", argv[i]);
			do_help(0, NULL);
			return 2;
		}
	}
	if (i == argc) {
		do_help(0, NULL);
		return 2;
	}
	c = find_cmd(objects, argv[i]);
	if (!c) {
		fprintf(stderr, "ssactl: unknown or ambiguous object '%s'\n", argv[i]);
		do_help(0, NULL);
		return 2;
	}
	return c->fn(argc - i - 1, argv + i + 1);
}
