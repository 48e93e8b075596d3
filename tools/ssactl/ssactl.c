// SPDX-License-Identifier: GPL-2.0
/*
 * ssactl - administer tls_ssa, the kernel's TLS socket service.
 *
 *   ssactl [-j|--json] [-p|--pretty] OBJECT COMMAND [ARGS]
 *
 *   ssactl policy check FILE      parse a policy without the kernel
 *   ssactl policy load [FILE]     check, then activate (/etc/tls_ssa/ssa.conf)
 *   ssactl policy show            the active policy
 *   ssactl trust load [BUNDLE]    replace the system trust anchors
 *   ssactl trust show             anchors: subject and expiry
 *   ssactl crl load FILE|DIR...   replace the CRLs (PEM or DER)
 *   ssactl crl show               CRLs: issuer, next update, entries
 *   ssactl crl clear              no CRL
 *   ssactl ocsp load ISSUER RESP... replace the OCSP staples SSA servers send
 *   ssactl ocsp show              staples: expiry, status, serial, issuer
 *   ssactl ocsp clear             no staple
 *   ssactl ocsp fetch CERT ISSUER OUT [URL]  ask the responder (openssl ocsp)
 *   ssactl ocsp check CERT ISSUER RESPONSE   would it be stapled now?
 *   ssactl conns                  live SSA sockets, like ss
 *   ssactl stats                  handshake counters
 *   ssactl status                 module, kernel, kTLS
 *   ssactl version
 *
 * Objects and commands match by unique prefix, as in bpftool ("ssactl
 * po sh" is "ssactl policy show").  Every command prints JSON with -j.
 * See Documentation/ssactl.rst.
 */

#define _GNU_SOURCE	/* pipe2() */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dirent.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/tls_ssa.h>

#include "policy_parse.h"

#define SSACTL_VERSION	"0.2.0"
#define SSA_FS		"/sys/kernel/security/tls_ssa"
#define DEFAULT_POLICY	"/etc/tls_ssa/ssa.conf"
#define DEFAULT_BUNDLE	"/etc/ssl/certs/ca-certificates.crt"

static bool json, pretty;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
};

/* --- a small JSON writer --------------------------------------------------- */

static int jw_depth;
static bool jw_first = true;

static void jw_sep(void)
{
	int i;

	if (!jw_first)
		putchar(',');
	jw_first = false;
	if (pretty && jw_depth) {
		putchar('\n');
		for (i = 0; i < jw_depth; i++)
			fputs("    ", stdout);
	}
}

static void jw_raw_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void jw_key(const char *key)
{
	jw_sep();
	if (key) {
		jw_raw_str(key);
		fputs(pretty ? ": " : ":", stdout);
	}
}

static void jw_open(const char *key, char c)
{
	jw_key(key);
	putchar(c);
	jw_depth++;
	jw_first = true;
}

static void jw_close(char c)
{
	int i;

	jw_depth--;
	if (pretty && !jw_first) {
		putchar('\n');
		for (i = 0; i < jw_depth; i++)
			fputs("    ", stdout);
	}
	putchar(c);
	jw_first = false;
	if (!jw_depth)
		putchar('\n');
}

static void jw_str(const char *key, const char *val)
{
	jw_key(key);
	jw_raw_str(val);
}

static void jw_int(const char *key, long long val)
{
	jw_key(key);
	printf("%lld", val);
}

static void jw_bool(const char *key, bool val)
{
	jw_key(key);
	fputs(val ? "true" : "false", stdout);
}

/* --- files --------------------------------------------------------------------- */

/* A whole file into memory, NUL-terminated; NULL with errno on failure. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap + 1);
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0 || !buf) {
		free(buf);
		if (fd >= 0)
			close(fd);
		return NULL;
	}
	while ((r = read(fd, buf + n, cap - n)) > 0) {
		n += r;
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);

			if (!nb) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
	}
	close(fd);
	if (r < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* One write() of the whole text, as the kernel wants it. */
static int write_whole(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY), err = 0;
	ssize_t w;

	if (fd < 0)
		return -errno;
	w = write(fd, text, len);
	if (w < 0)
		err = -errno;
	else if ((size_t)w != len)
		err = -EIO;
	close(fd);
	return err;
}

static int need_module(void)
{
	if (access(SSA_FS, F_OK) == 0)
		return 0;
	fprintf(stderr, "ssactl: %s not found: is tls_ssa loaded (and securityfs mounted)?\n",
		SSA_FS);
	return 1;
}

static char *fs_read(const char *name, size_t *len)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/%s", SSA_FS, name);
	return slurp(path, len);
}

/* --- policy ------------------------------------------------------------------- */

static void json_settings(const struct ssa_pol_settings *s, const struct ssa_pol_grants *g)
{
	char list[1024];
	unsigned int i;

	if (s->set & SSA_POL_K_MIN_VERSION)
		jw_str("min_version", s->min_version == SSA_POL_TLS13 ? "1.3" : "1.2");
	if (s->set & SSA_POL_K_MAX_VERSION)
		jw_str("max_version", s->max_version == SSA_POL_TLS13 ? "1.3" : "1.2");
	if (s->set & SSA_POL_K_CIPHERS &&
	    ssa_names_format(ssa_ciphers, ssa_ciphers_count, s->ciphers, list, sizeof(list)) >= 0)
		jw_str("ciphers", list);
	if (s->set & SSA_POL_K_GROUPS &&
	    ssa_names_format(ssa_groups, ssa_groups_count, s->groups, list, sizeof(list)) >= 0)
		jw_str("groups", list);
	if (s->set & SSA_POL_K_SIGALGS &&
	    ssa_names_format(ssa_sigalgs, ssa_sigalgs_count, s->sigalgs, list, sizeof(list)) >= 0)
		jw_str("sigalgs", list);
	if (s->set & SSA_POL_K_VERIFY)
		jw_str("verify", s->verify ? "required" : "none");
	if (s->set & SSA_POL_K_APP_TRUST_ANCHORS)
		jw_str("app_trust_anchors", s->app_trust_anchors ? "allow" : "deny");
	if (s->set & SSA_POL_K_SESSION_TTL)
		jw_int("session_ttl", s->session_ttl);
	if (s->set & SSA_POL_K_HANDSHAKE_TIMEOUT)
		jw_int("handshake_timeout", s->handshake_timeout);
	if (s->set & SSA_POL_K_MAX_HANDSHAKES)
		jw_int("max_handshakes", s->max_handshakes);
	if (s->set & SSA_POL_K_MAX_HS_TOTAL)
		jw_int("max_handshakes_total", s->max_handshakes_total);
	if (s->set & SSA_POL_K_MAX_HS_PER_USER)
		jw_int("max_handshakes_per_user", s->max_handshakes_per_user);
	if (s->set & SSA_POL_K_MAX_HS_PER_ADDRESS)
		jw_int("max_handshakes_per_address", s->max_handshakes_per_address);
	if (s->set & SSA_POL_K_REVOCATION)
		jw_str("revocation", ssa_pol_rev_names[s->revocation]);
	jw_open("grants", '[');
	for (i = 0; i < g->n; i++)
		jw_str(NULL, g->path[i]);
	jw_close(']');
}

static void json_policy(const struct ssa_policy *p)
{
	unsigned int i;

	jw_open("default", '{');
	json_settings(&p->def, &p->def_grants);
	jw_close('}');
	jw_open("apps", '[');
	for (i = 0; i < p->napps; i++) {
		jw_open(NULL, '{');
		jw_str("exe", p->apps[i].exe);
		json_settings(&p->apps[i].s, &p->apps[i].grants);
		jw_close('}');
	}
	jw_close(']');
}

/* Parse @file; print the verdict; return 0 if valid. */
static int policy_check_file(const char *file, bool quiet_ok, char **text, size_t *len)
{
	static struct ssa_policy p;
	struct ssa_pol_error err;
	int ret;

	*text = slurp(file, len);
	if (!*text) {
		fprintf(stderr, "ssactl: %s: %s\n", file, strerror(errno));
		return 1;
	}
	ret = ssa_policy_parse(*text, *len, &p, &err);
	if (json && (ret || !quiet_ok)) {
		jw_open(NULL, '{');
		jw_str("file", file);
		jw_bool("valid", !ret);
		if (ret) {
			jw_int("line", err.line);
			jw_str("error", err.msg);
		} else {
			json_policy(&p);
		}
		jw_close('}');
	} else if (ret) {
		if (err.line)
			fprintf(stderr, "%s:%u: %s\n", file, err.line, err.msg);
		else
			fprintf(stderr, "%s: %s\n", file, err.msg);
	} else if (!quiet_ok) {
		printf("%s: valid policy (%u app profile%s)\n", file, p.napps,
		       p.napps == 1 ? "" : "s");
	}
	return ret ? 1 : 0;
}

static int do_policy_check(int argc, char **argv)
{
	size_t len;
	char *text;
	int ret;

	if (argc != 1) {
		fprintf(stderr, "usage: ssactl policy check FILE\n");
		return 2;
	}
	ret = policy_check_file(argv[0], false, &text, &len);
	free(text);
	return ret;
}

static int do_policy_load(int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : DEFAULT_POLICY;
	char *text, *why;
	size_t len, wlen;
	int ret;

	if (argc > 1) {
		fprintf(stderr, "usage: ssactl policy load [FILE]\n");
		return 2;
	}
	if (need_module())
		return 1;
	ret = policy_check_file(file, true, &text, &len);
	if (ret) {
		free(text);
		return ret;
	}
	ret = write_whole(SSA_FS "/policy", text, len);
	free(text);
	why = ret ? fs_read("last_error", &wlen) : NULL;
	if (why)
		why[strcspn(why, "\n")] = '\0';
	if (json) {
		jw_open(NULL, '{');
		jw_str("file", file);
		jw_bool("loaded", !ret);
		if (ret)
			jw_str("error", why && *why ? why : strerror(-ret));
		jw_close('}');
	} else if (ret) {
		fprintf(stderr, "ssactl: %s not loaded: %s%s%s\n", file, strerror(-ret),
			why && *why ? ": " : "", why ? why : "");
	} else {
		printf("%s: loaded\n", file);
	}
	free(why);
	return ret ? 1 : 0;
}

static int do_policy_show(int argc, char **argv)
{
	static struct ssa_policy p;
	struct ssa_pol_error err;
	size_t len;
	char *text;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("policy", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read the policy: %s\n", strerror(errno));
		return 1;
	}
	if (!json) {
		fputs(text, stdout);
	} else if (ssa_policy_parse(text, len, &p, &err)) {
		fprintf(stderr, "ssactl: the kernel's policy does not parse: line %u: %s\n",
			err.line, err.msg);
		free(text);
		return 1;
	} else {
		jw_open(NULL, '{');
		json_policy(&p);
		jw_close('}');
	}
	free(text);
	return 0;
}

/* --- trust -------------------------------------------------------------------- */

static int do_trust_load(int argc, char **argv)
{
	const char *file = argc > 0 ? argv[0] : DEFAULT_BUNDLE;
	size_t len;
	char *pem;
	int ret;

	if (need_module())
		return 1;
	pem = slurp(file, &len);
	if (!pem) {
		fprintf(stderr, "ssactl: %s: %s\n", file, strerror(errno));
		return 1;
	}
	ret = write_whole(SSA_FS "/trust", pem, len);
	free(pem);
	if (json) {
		jw_open(NULL, '{');
		jw_str("file", file);
		jw_bool("loaded", !ret);
		if (ret)
			jw_str("error", strerror(-ret));
		jw_close('}');
	} else if (ret) {
		fprintf(stderr, "ssactl: %s not loaded: %s\n", file, strerror(-ret));
	} else {
		printf("%s: loaded\n", file);
	}
	return ret ? 1 : 0;
}

static int do_trust_show(int argc, char **argv)
{
	char *text, *line, *save = NULL;
	size_t len;
	int n = 0;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("trust", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read the trust store: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		jw_open(NULL, '[');
	else
		printf("%-20s  %s\n", "NOT AFTER", "SUBJECT");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *subject = strchr(line, ' ');

		if (!subject)
			continue;
		*subject++ = '\0';
		n++;
		if (json) {
			jw_open(NULL, '{');
			jw_str("subject", subject);
			jw_str("not_after", line);
			jw_close('}');
		} else {
			printf("%-20s  %s\n", line, subject);
		}
	}
	if (json)
		jw_close(']');
	else
		printf("%d anchors\n", n);
	free(text);
	return 0;
}

/* --- crl ---------------------------------------------------------------------- */

#define CRL_BEGIN	"-----BEGIN X509 CRL-----"
#define CRL_END		"-----END X509 CRL-----"

/* A growing text. */
struct text {
	char *p;
	size_t len, cap;
};

static int text_add(struct text *t, const char *s, size_t n)
{
	if (t->len + n + 1 > t->cap) {
		size_t cap = (t->len + n + 1) * 2;
		char *p = realloc(t->p, cap);

		if (!p)
			return -ENOMEM;
		t->p = p;
		t->cap = cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
	return 0;
}

/* DER as a PEM block from @begin to @end, 64 columns of base64. */
static int pem_of_der(struct text *t, const char *begin, const char *end,
		      const unsigned char *d, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	char line[68];
	size_t i, col = 0;
	int err = text_add(t, begin, strlen(begin)) ?: text_add(t, "\n", 1);

	for (i = 0; !err && i < n; i += 3) {
		unsigned int v = d[i] << 16 | (i + 1 < n ? d[i + 1] << 8 : 0) |
				 (i + 2 < n ? d[i + 2] : 0);

		line[col++] = b64[v >> 18 & 63];
		line[col++] = b64[v >> 12 & 63];
		line[col++] = i + 1 < n ? b64[v >> 6 & 63] : '=';
		line[col++] = i + 2 < n ? b64[v & 63] : '=';
		if (col == 64 || i + 3 >= n) {
			line[col++] = '\n';
			err = text_add(t, line, col);
			col = 0;
		}
	}
	return err ?: text_add(t, end, strlen(end)) ?: text_add(t, "\n", 1);
}

/* The CRLs of one file, PEM blocks or one DER CRL, appended to @t as PEM;
 * the number of CRLs, or -1 with a message.
 */
static int crl_add_file(struct text *t, const char *file)
{
	size_t len;
	char *buf = slurp(file, &len), *b, *e;
	int n = 0;

	if (!buf) {
		fprintf(stderr, "ssactl: %s: %s\n", file, strerror(errno));
		return -1;
	}
	for (b = strstr(buf, CRL_BEGIN); b; b = strstr(e, CRL_BEGIN)) {
		e = strstr(b, CRL_END);
		if (!e)
			break;
		e += strlen(CRL_END);
		if (text_add(t, b, e - b) || text_add(t, "\n", 1))
			goto nomem;
		n++;
	}
	if (!n && len > 2 && (unsigned char)buf[0] == 0x30) {
		if (pem_of_der(t, CRL_BEGIN, CRL_END, (unsigned char *)buf, len))
			goto nomem;
		n = 1;
	}
	free(buf);
	if (!n)
		fprintf(stderr, "ssactl: %s: no CRL in it (neither PEM nor DER)\n", file);
	return n ? n : -1;
nomem:
	free(buf);
	fprintf(stderr, "ssactl: %s: out of memory\n", file);
	return -1;
}

/* @fn(@t, PATH, BASE) for each regular file of @dir (not a symbolic
 * link, such as c_rehash's) whose name ends in one of @suffixes, in name
 * order so that a load is reproducible; BASE is PATH's length without
 * the suffix.  The sum of what @fn returns, or -1 (it printed why) once
 * it returns -1.
 */
static int dir_each(const char *dir, const char *const suffixes[], struct text *t,
		    int (*fn)(struct text *t, const char *path, size_t base))
{
	struct dirent **ents;
	char path[4096];
	int n = scandir(dir, &ents, NULL, alphasort), i, total = 0;

	if (n < 0) {
		fprintf(stderr, "ssactl: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		const char *const *sfx;
		size_t l = strlen(name), sl;
		struct stat st;
		int r;

		for (sfx = suffixes; total >= 0 && name[0] != '.' && *sfx; sfx++) {
			sl = strlen(*sfx);
			if (l <= sl || strcmp(name + l - sl, *sfx))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, name);
			if (!lstat(path, &st) && S_ISREG(st.st_mode)) {
				r = fn(t, path, strlen(path) - sl);
				total = r < 0 ? -1 : total + r;
			}
			break;
		}
		free(ents[i]);
	}
	free(ents);
	return total;
}

static int crl_add_path(struct text *t, const char *path, size_t base)
{
	(void)base;
	return crl_add_file(t, path);
}

/* A directory's *.crl and *.pem files. */
static int crl_add_dir(struct text *t, const char *dir)
{
	static const char *const suffixes[] = { ".crl", ".pem", NULL };

	return dir_each(dir, suffixes, t, crl_add_path);
}

/* Write @text to securityfs @name: @count @what (JSON: @key) from @files. */
static int fs_load(const char *name, const char *key, const char *what, const char *text,
		   size_t len, int count, char **files, int nfiles)
{
	char path[128];
	int ret, i;

	snprintf(path, sizeof(path), "%s/%s", SSA_FS, name);
	ret = write_whole(path, text, len);

	if (json) {
		jw_open(NULL, '{');
		jw_open("files", '[');
		for (i = 0; i < nfiles; i++)
			jw_str(NULL, files[i]);
		jw_close(']');
		jw_int(key, ret ? 0 : count);
		jw_bool("loaded", !ret);
		if (ret)
			jw_str("error", strerror(-ret));
		jw_close('}');
	} else if (ret) {
		fprintf(stderr, "ssactl: %s not loaded: %s (the kernel log says why)\n", what,
			strerror(-ret));
	} else {
		printf("%d %s loaded\n", count, what);
	}
	return ret ? 1 : 0;
}

static int crl_write(const char *text, size_t len, int count, char **files, int nfiles)
{
	return fs_load("crl", "crls", "CRLs", text, len, count, files, nfiles);
}

static int do_crl_load(int argc, char **argv)
{
	struct text t = { 0 };
	int i, n = 0, r = 0, ret;
	struct stat st;

	if (argc < 1) {
		fprintf(stderr, "ssactl: crl load needs files or directories\n");
		return 2;
	}
	if (need_module())
		return 1;
	for (i = 0; i < argc && r >= 0; i++) {
		if (stat(argv[i], &st)) {
			fprintf(stderr, "ssactl: %s: %s\n", argv[i], strerror(errno));
			r = -1;
		} else {
			r = S_ISDIR(st.st_mode) ? crl_add_dir(&t, argv[i]) :
						  crl_add_file(&t, argv[i]);
			n += r;
		}
	}
	if (r < 0 || !n) {
		if (r >= 0)
			fprintf(stderr, "ssactl: no CRL found (ssactl crl clear removes them all)\n");
		if (json) {
			jw_open(NULL, '{');
			jw_str("error", "no CRL loaded: the files do not hold CRLs");
			jw_close('}');
		}
		free(t.p);
		return 1;
	}
	ret = crl_write(t.p, t.len, n, argv, argc);
	free(t.p);
	return ret;
}

static int do_crl_clear(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	return crl_write("\n", 1, 0, NULL, 0);
}

/* A "key=value" field of a line of securityfs "crl"; the issuer is last
 * and runs to the end of the line.
 */
static const char *crl_field(const char *line, const char *key, char *buf, size_t size)
{
	size_t kl = strlen(key);
	const char *p = line, *v;

	for (;;) {
		while (*p == ' ')
			p++;
		if (!*p)
			return NULL;
		if (!strncmp(p, key, kl) && p[kl] == '=')
			break;
		if (!strncmp(p, "issuer=", 7))
			return NULL;
		p += strcspn(p, " ");
	}
	v = p + kl + 1;
	if (!strcmp(key, "issuer"))
		return v;
	snprintf(buf, size, "%.*s", (int)strcspn(v, " "), v);
	return buf;
}

static int do_crl_show(int argc, char **argv)
{
	char *text, *line, *save = NULL, next[32], rev[16], stale[4];
	size_t len;
	int n = 0, nstale = 0;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("crl", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read the CRLs: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		jw_open(NULL, '[');
	else
		printf("%-20s  %-7s  %-5s  %s\n", "NEXT UPDATE", "REVOKED", "STALE", "ISSUER");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *issuer = crl_field(line, "issuer", NULL, 0);
		char this[32];

		if (!issuer || !crl_field(line, "this_update", this, sizeof(this)) ||
		    !crl_field(line, "next_update", next, sizeof(next)) ||
		    !crl_field(line, "revoked", rev, sizeof(rev)) ||
		    !crl_field(line, "stale", stale, sizeof(stale)))
			continue;
		n++;
		nstale += !strcmp(stale, "1");
		if (json) {
			jw_open(NULL, '{');
			jw_str("issuer", issuer);
			jw_str("this_update", this);
			jw_str("next_update", next);
			jw_int("revoked", strtoll(rev, NULL, 10));
			jw_bool("stale", !strcmp(stale, "1"));
			jw_close('}');
		} else {
			printf("%-20s  %-7s  %-5s  %s\n", next, rev,
			       strcmp(stale, "1") ? "no" : "yes", issuer);
		}
	}
	if (json)
		jw_close(']');
	else
		printf("%d CRLs, %d stale\n", n, nstale);
	free(text);
	return 0;
}

/* --- ocsp --------------------------------------------------------------------- */

#define CRT_BEGIN	"-----BEGIN CERTIFICATE-----"
#define CRT_END		"-----END CERTIFICATE-----"
#define OCSP_BEGIN	"-----BEGIN OCSP RESPONSE-----"
#define OCSP_END	"-----END OCSP RESPONSE-----"

/* The first @begin..@end block of @file, or the file as DER, appended
 * to @t as PEM: 0, or -1 with a message.
 */
static int pem_add_first(struct text *t, const char *file, const char *begin,
			 const char *end, const char *what)
{
	size_t len;
	char *buf = slurp(file, &len), *b, *e;
	int err;

	if (!buf) {
		fprintf(stderr, "ssactl: %s: %s\n", file, strerror(errno));
		return -1;
	}
	b = strstr(buf, begin);
	e = b ? strstr(b, end) : NULL;
	if (e)
		err = text_add(t, b, e + strlen(end) - b) ?: text_add(t, "\n", 1);
	else if (len > 2 && (unsigned char)buf[0] == 0x30)
		err = pem_of_der(t, begin, end, (unsigned char *)buf, len);
	else
		err = -EINVAL;
	free(buf);
	if (err == -EINVAL)
		fprintf(stderr, "ssactl: %s: no %s in it (neither PEM nor DER)\n", file, what);
	else if (err)
		fprintf(stderr, "ssactl: %s: out of memory\n", file);
	return err ? -1 : 0;
}

/* An issuer and the OCSP response about a certificate it issued. */
static int ocsp_add_pair(struct text *t, const char *issuer, const char *response)
{
	if (pem_add_first(t, issuer, CRT_BEGIN, CRT_END, "certificate") ||
	    pem_add_first(t, response, OCSP_BEGIN, OCSP_END, "OCSP response"))
		return -1;
	return 0;
}

/* NAME.ocsp, with NAME.issuer.pem beside it: one pair, or -1. */
static int ocsp_add_path(struct text *t, const char *path, size_t base)
{
	char issuer[4096];

	snprintf(issuer, sizeof(issuer), "%.*s.issuer.pem", (int)base, path);
	return ocsp_add_pair(t, issuer, path) ? -1 : 1;
}

/* A directory's NAME.ocsp responses, each with NAME.issuer.pem. */
static int ocsp_add_dir(struct text *t, const char *dir)
{
	static const char *const suffixes[] = { ".ocsp", NULL };

	return dir_each(dir, suffixes, t, ocsp_add_path);
}

static int do_ocsp_load(int argc, char **argv)
{
	struct text t = { 0 };
	struct stat st;
	int i, n = 0, ret;

	if (argc == 1 && !stat(argv[0], &st) && S_ISDIR(st.st_mode)) {
		if (need_module())
			return 1;
		n = ocsp_add_dir(&t, argv[0]);
	} else if (argc >= 2 && argc % 2 == 0) {
		if (need_module())
			return 1;
		for (i = 0; i < argc && n >= 0; i += 2)
			n = ocsp_add_pair(&t, argv[i], argv[i + 1]) ? -1 : n + 1;
	} else {
		fprintf(stderr, "ssactl: ocsp load needs ISSUER RESPONSE pairs, or a directory\n");
		return 2;
	}
	if (n <= 0) {
		if (!n)
			fprintf(stderr, "ssactl: no NAME.ocsp in %s (ssactl ocsp clear removes them all)\n",
				argv[0]);
		if (json) {
			jw_open(NULL, '{');
			jw_str("error", "no OCSP staple loaded");
			jw_close('}');
		}
		free(t.p);
		return 1;
	}
	ret = fs_load("ocsp", "staples", "OCSP staples", t.p, t.len, n, argv, argc);
	free(t.p);
	return ret;
}

static int do_ocsp_clear(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	return fs_load("ocsp", "staples", "OCSP staples", "\n", 1, 0, NULL, 0);
}

static int do_ocsp_show(int argc, char **argv)
{
	char *text, *line, *save = NULL, serial[132], status[16], this[32], expiry[32], exp[4];
	size_t len;
	int n = 0;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("ocsp", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read the OCSP staples: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		jw_open(NULL, '[');
	else
		printf("%-20s  %-7s  %-7s  %-16s  %s\n", "EXPIRY", "STATUS", "EXPIRED", "SERIAL",
		       "ISSUER");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *issuer = crl_field(line, "issuer", NULL, 0);

		if (!issuer || !crl_field(line, "serial", serial, sizeof(serial)) ||
		    !crl_field(line, "status", status, sizeof(status)) ||
		    !crl_field(line, "this_update", this, sizeof(this)) ||
		    !crl_field(line, "expiry", expiry, sizeof(expiry)) ||
		    !crl_field(line, "expired", exp, sizeof(exp)))
			continue;
		n++;
		if (json) {
			jw_open(NULL, '{');
			jw_str("issuer", issuer);
			jw_str("serial", serial);
			jw_str("status", status);
			jw_str("this_update", this);
			jw_str("expiry", expiry);
			jw_bool("expired", !strcmp(exp, "1"));
			jw_close('}');
		} else {
			printf("%-20s  %-7s  %-7s  %-16s  %s\n", expiry, status,
			       strcmp(exp, "1") ? "no" : "yes", serial, issuer);
		}
	}
	if (json)
		jw_close(']');
	else
		printf("%d OCSP staples\n", n);
	free(text);
	return 0;
}

/* Run @argv; its output in @out (if @out: the first line, or with
 * @all, all of it and its errors), 0 if it exited 0.
 */
static int run(char *const argv[], char *out, size_t size, bool all)
{
	int fds[2], status;
	ssize_t r = 0;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -1;
	}
	if (!pid) {
		dup2(fds[1], STDOUT_FILENO);
		if (!out)
			dup2(STDERR_FILENO, STDOUT_FILENO);
		else if (all)
			dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		execvp(argv[0], argv);
		fprintf(stderr, "ssactl: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fds[1]);
	if (out) {
		size_t n = 0;
		char sink[256];

		while (n + 1 < size && (r = read(fds[0], out + n, size - 1 - n)) > 0)
			n += r;
		out[n] = '\0';
		if (!all)
			out[strcspn(out, "\r\n")] = '\0';
		/* The rest, if any, so that the child never blocks on a full pipe. */
		while (read(fds[0], sink, sizeof(sink)) > 0)
			;
	}
	close(fds[0]);
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : -1;
}

/* Would the response in @resp pass for @cert of @issuer now?  openssl
 * ocsp checks the signer (the issuer, or a responder it certified), the
 * CertID and the validity; the kernel checks again when it loads it.
 * 0 if it would, with the status in @status.
 */
static int ocsp_verify(const char *cert, const char *issuer, const char *resp,
		       char *status, size_t size)
{
	char *const argv[] = { "openssl", "ocsp", "-respin", (char *)resp, "-issuer",
			       (char *)issuer, "-cert", (char *)cert, "-VAfile", (char *)issuer,
			       "-CAfile", (char *)issuer, "-partial_chain", "-no-CApath",
			       "-no-CAstore", "-no_nonce", "-validity_period", "0", NULL };
	char out[4096], want[4200];
	const char *st;
	struct stat sb;

	/* The kernel takes no more (staple.c). */
	if (stat(resp, &sb) || sb.st_size > 8192)
		return -1;
	/* A newline first, so that every line of the output follows one. */
	out[0] = '\n';
	if (run(argv, out + 1, sizeof(out) - 1, true))
		return -1;
	/* "Response verify OK", "CERT: good", its times; a warning if stale */
	snprintf(want, sizeof(want), "\n%s: ", cert);
	st = strstr(out, want);
	if (!strstr(out, "\nResponse verify OK\n") || !st || strstr(out, "Status times invalid"))
		return -1;
	st += strlen(want);
	snprintf(status, size, "%.*s", (int)strcspn(st, "\r\n"), st);
	return strcmp(status, "good") && strcmp(status, "revoked") && strcmp(status, "unknown");
}

/* ssactl ocsp check CERT ISSUER RESPONSE: the same judgement, and
 * exit status, as fetch makes before it keeps a response.
 */
static int do_ocsp_check(int argc, char **argv)
{
	char status[32] = "";
	int ret;

	if (argc != 3) {
		fprintf(stderr, "ssactl: ocsp check needs CERT ISSUER RESPONSE\n");
		return 2;
	}
	ret = ocsp_verify(argv[0], argv[1], argv[2], status, sizeof(status));
	if (json) {
		jw_open(NULL, '{');
		jw_str("certificate", argv[0]);
		jw_str("response", argv[2]);
		jw_bool("valid", !ret);
		jw_str("status", ret ? "" : status);
		jw_close('}');
	} else if (ret) {
		fprintf(stderr, "ssactl: %s: not a current, verified OCSP response about %s\n",
			argv[2], argv[0]);
	} else {
		printf("%s: %s\n", argv[0], status);
	}
	return ret ? 1 : 0;
}

/* ssactl ocsp fetch CERT ISSUER OUT [URL]: ask the responder (the URL,
 * or the certificate's own, from its authorityInfoAccess) with openssl
 * ocsp, and keep its response in OUT for "ssactl ocsp load", if it
 * verifies (ocsp_verify()): a forged or stale answer, which anyone on
 * the path of plain HTTP can give, never replaces a good one.
 */
static int do_ocsp_fetch(int argc, char **argv)
{
	char url[2048], tmp[4096], status[32] = "";
	int ret;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "ssactl: ocsp fetch needs CERT ISSUER OUT [URL]\n");
		return 2;
	}
	if (argc == 4) {
		snprintf(url, sizeof(url), "%s", argv[3]);
	} else {
		char *const uri[] = { "openssl", "x509", "-noout", "-ocsp_uri", "-in", argv[0], NULL };

		if (run(uri, url, sizeof(url), false) || !*url) {
			fprintf(stderr, "ssactl: %s names no OCSP responder: give its URL\n",
				argv[0]);
			return 1;
		}
	}
	snprintf(tmp, sizeof(tmp), "%s.new", argv[2]);
	{
		char *const req[] = { "openssl", "ocsp", "-issuer", argv[1], "-cert", argv[0],
				      "-url", url, "-no_nonce", "-noverify", "-respout", tmp,
				      NULL };

		ret = run(req, NULL, 0, false);
	}
	if (!ret && ocsp_verify(argv[0], argv[1], tmp, status, sizeof(status))) {
		fprintf(stderr, "ssactl: the response from %s does not verify for %s\n", url,
			argv[0]);
		ret = -1;
	}
	if (!ret && rename(tmp, argv[2]))
		ret = -1;
	if (ret)
		unlink(tmp);
	if (json) {
		jw_open(NULL, '{');
		jw_str("certificate", argv[0]);
		jw_str("url", url);
		jw_str("response", argv[2]);
		jw_bool("fetched", !ret);
		jw_str("status", status);
		jw_close('}');
	} else if (ret) {
		fprintf(stderr, "ssactl: no OCSP response kept from %s\n", url);
	} else {
		printf("%s: OCSP response from %s: %s\n", argv[2], url, status);
	}
	return ret ? 1 : 0;
}

/* --- conns, stats ------------------------------------------------------------- */

static int do_conns(int argc, char **argv)
{
	char *text, *line, *save = NULL;
	size_t len;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("connections", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read connections: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		jw_open(NULL, '[');
	else
		printf("%-6s %-7s %-11s %-3s %-40s %-3s %-24s %-24s %-20s %s\n", "ID", "PID",
		       "STATE", "VER", "CIPHER", "RES", "LOCAL", "PEER", "NAME", "EXE");
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char id[24], state[16], ver[8], cipher[64], local[64], peer[64], name[256];
		int pid, res, off = 0;

		if (sscanf(line, "%23s %d %15s %7s %63s %d %63s %63s %255s %n", id, &pid, state, ver,
			   cipher, &res, local, peer, name, &off) < 9 || !off)
			continue;
		if (json) {
			jw_open(NULL, '{');
			jw_int("id", strtoll(id, NULL, 10));
			jw_int("pid", pid);
			jw_str("state", state);
			jw_str("version", ver);
			jw_str("cipher", cipher);
			jw_bool("resumed", res);
			jw_str("local", local);
			jw_str("peer", peer);
			jw_str("name", name);
			jw_str("exe", line + off);
			jw_close('}');
		} else {
			printf("%-6s %-7d %-11s %-3s %-40s %-3s %-24s %-24s %-20s %s\n", id, pid,
			       state, ver, cipher, res ? "yes" : "no", local, peer, name, line + off);
		}
	}
	if (json)
		jw_close(']');
	free(text);
	return 0;
}

static int do_stats(int argc, char **argv)
{
	char *text, *line, *save = NULL;
	size_t len;

	(void)argc;
	(void)argv;
	if (need_module())
		return 1;
	text = fs_read("stats", &len);
	if (!text) {
		fprintf(stderr, "ssactl: cannot read stats: %s\n", strerror(errno));
		return 1;
	}
	if (json)
		jw_open(NULL, '{');
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char name[64];
		long long v;

		if (sscanf(line, "%63s %lld", name, &v) != 2)
			continue;
		if (json)
			jw_int(name, v);
		else
			printf("%-26s %lld\n", name, v);
	}
	if (json)
		jw_close('}');
	free(text);
	return 0;
}

/* --- status, version ------------------------------------------------------------ */

static void read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, size, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int do_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (json) {
		jw_open(NULL, '{');
		jw_str("version", SSACTL_VERSION);
		jw_close('}');
	} else {
		printf("ssactl v%s\n", SSACTL_VERSION);
	}
	return 0;
}

static int do_status(int argc, char **argv)
{
	char modver[64], fsver[128], proto[16];
	const char *mbed;
	struct utsname u;
	bool loaded = access("/sys/module/tls_ssa", F_OK) == 0;
	bool ktls = access("/sys/module/tls", F_OK) == 0;
	bool fs = access(SSA_FS, F_OK) == 0;
	int crls = 0, stale = 0, staples = 0, expired = 0;
	char *text, *line, *save = NULL;
	size_t len;

	(void)argc;
	(void)argv;
	uname(&u);
	read_line("/sys/module/tls_ssa/version", modver, sizeof(modver));
	read_line(SSA_FS "/version", fsver, sizeof(fsver));
	snprintf(proto, sizeof(proto), "%d", IPPROTO_TLS);
	/* securityfs "version": "tls_ssa X mbedtls Y" */
	mbed = strstr(fsver, " mbedtls ");
	mbed = mbed ? mbed + strlen(" mbedtls ") : "";
	text = fs ? fs_read("crl", &len) : NULL;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		crls++;
		stale += !!strstr(line, " stale=1 ");
	}
	free(text);
	text = fs ? fs_read("ocsp", &len) : NULL;
	for (line = text ? strtok_r(text, "\n", &save) : NULL; line;
	     line = strtok_r(NULL, "\n", &save)) {
		staples++;
		expired += !!strstr(line, " expired=1 ");
	}
	free(text);
	if (json) {
		jw_open(NULL, '{');
		jw_str("module", loaded ? "loaded" : "not loaded");
		jw_str("module_version", modver);
		jw_str("build", fsver);
		jw_str("mbedtls", mbed);
		jw_str("kernel", u.release);
		jw_str("ktls", ktls ? "present" : "absent");
		jw_bool("securityfs", fs);
		jw_str("ipproto_tls", proto);
		jw_int("crls", crls);
		jw_int("crls_stale", stale);
		jw_int("ocsp_staples", staples);
		jw_int("ocsp_staples_expired", expired);
		jw_close('}');
	} else {
		printf("module:      %s%s%s\n", loaded ? "loaded" : "not loaded",
		       *modver ? " v" : "", modver);
		if (*fsver)
			printf("build:       %s\n", fsver);
		if (*mbed)
			printf("mbedTLS:     %s\n", mbed);
		printf("kernel:      %s\n", u.release);
		printf("kTLS:        %s\n", ktls ? "present" : "absent");
		printf("securityfs:  %s\n", fs ? SSA_FS : "absent");
		printf("IPPROTO_TLS: %s\n", proto);
		printf("CRLs:        %d loaded, %d stale%s\n", crls, stale,
		       stale ? " (past nextUpdate: refresh them, ssactl crl load)" : "");
		printf("OCSP:        %d staples, %d expired%s\n", staples, expired,
		       expired ? " (not sent: refresh them, ssactl ocsp fetch, ssactl ocsp load)" : "");
	}
	return loaded ? 0 : 1;
}

/* --- dispatch --------------------------------------------------------------------- */

static int do_help(int argc, char **argv);
static int do_policy(int argc, char **argv);
static int do_trust(int argc, char **argv);
static int do_crl(int argc, char **argv);
static int do_ocsp(int argc, char **argv);

static const struct cmd objects[] = {
	{ "policy",	do_policy },
	{ "trust",	do_trust },
	{ "crl",	do_crl },
	{ "ocsp",	do_ocsp },
	{ "conns",	do_conns },
	{ "stats",	do_stats },
	{ "status",	do_status },
	{ "version",	do_version },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static const struct cmd policy_cmds[] = {
	{ "check",	do_policy_check },
	{ "load",	do_policy_load },
	{ "show",	do_policy_show },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static const struct cmd trust_cmds[] = {
	{ "load",	do_trust_load },
	{ "show",	do_trust_show },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static const struct cmd crl_cmds[] = {
	{ "load",	do_crl_load },
	{ "show",	do_crl_show },
	{ "clear",	do_crl_clear },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static const struct cmd ocsp_cmds[] = {
	{ "load",	do_ocsp_load },
	{ "show",	do_ocsp_show },
	{ "clear",	do_ocsp_clear },
	{ "fetch",	do_ocsp_fetch },
	{ "check",	do_ocsp_check },
	{ "help",	do_help },
	{ NULL,		NULL },
};

static int do_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	fprintf(stderr,
		"Usage: ssactl [OPTIONS] OBJECT { COMMAND | help }\n"
		"       ssactl policy { check FILE | load [FILE] | show }\n"
		"       ssactl trust { load [BUNDLE] | show }\n"
		"       ssactl crl { load FILE|DIR... | show | clear }\n"
		"       ssactl ocsp { load ISSUER RESPONSE... | load DIR | show | clear |\n"
		"                     fetch CERT ISSUER OUT [URL] | check CERT ISSUER RESPONSE }\n"
		"       ssactl { conns | stats | status | version | help }\n"
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

static int dispatch(const struct cmd *tbl, const char *what, int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 1) {
		do_help(0, NULL);
		return 2;
	}
	c = find_cmd(tbl, argv[0]);
	if (!c) {
		fprintf(stderr, "ssactl: unknown or ambiguous %s '%s'\n", what, argv[0]);
		do_help(0, NULL);
		return 2;
	}
	return c->fn(argc - 1, argv + 1);
}

static int do_policy(int argc, char **argv)
{
	return dispatch(policy_cmds, "policy command", argc, argv);
}

static int do_trust(int argc, char **argv)
{
	return dispatch(trust_cmds, "trust command", argc, argv);
}

static int do_crl(int argc, char **argv)
{
	return dispatch(crl_cmds, "crl command", argc, argv);
}

static int do_ocsp(int argc, char **argv)
{
	return dispatch(ocsp_cmds, "ocsp command", argc, argv);
}

int main(int argc, char **argv)
{
	int i, fd;

	/* Standard descriptors that are closed would be taken by pipes. */
	do {
		fd = open("/dev/null", O_RDWR);
	} while (fd >= 0 && fd <= STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);

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
	return dispatch(objects, "object", argc - i, argv + i);
}
