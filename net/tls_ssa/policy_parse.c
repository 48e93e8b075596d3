// SPDX-License-Identifier: GPL-2.0
/*
 * The policy language: parser, canonical form and intersection.
 *
 *   # comment
 *   [default]
 *   min_version = 1.2
 *   ciphers = TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384
 *
 *   [app "/usr/bin/curl"]
 *   min_version = 1.3
 *   grant = /etc/ssl/private/www.key
 *
 * One "key = value" per line; lines starting with '#' and blank lines are
 * ignored.  Every key may appear once per section (grant: repeatedly).
 * Unknown keys, malformed values, keys outside a section and profiles
 * that would allow nothing are errors, reported with their line.  A
 * profile only narrows [default]: a socket's settings are the default's
 * intersected with its executable's profile (ssa_policy_effective()).
 *
 * Shared by tls_ssa.ko, ssactl and the fuzzer (see policy_parse.h).
 */

#ifdef __KERNEL__
#include <linux/kernel.h>
#include <linux/string.h>
#else
#include <stdio.h>
#include <string.h>
#endif

#include "policy_parse.h"

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

/* Suites kTLS can carry (design.rst §5 rule 5), IANA names and numbers. */
const struct ssa_name ssa_ciphers[] = {
	{ "TLS_AES_128_GCM_SHA256",			0x1301 },
	{ "TLS_AES_256_GCM_SHA384",			0x1302 },
	{ "TLS_CHACHA20_POLY1305_SHA256",		0x1303 },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",	0xc02b },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",	0xc02c },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",	0xc02f },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",	0xc030 },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca9 },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", 0xcca8 },
};
const unsigned int ssa_ciphers_count = ARRAY_SIZE(ssa_ciphers);

const struct ssa_name ssa_groups[] = {
	{ "x25519",	0x001d },
	{ "secp256r1",	0x0017 },
	{ "secp384r1",	0x0018 },
};
const unsigned int ssa_groups_count = ARRAY_SIZE(ssa_groups);

/* Signature schemes, in the order offered: RSA-PSS before PKCS#1 v1.5. */
const struct ssa_name ssa_sigalgs[] = {
	{ "ecdsa_secp256r1_sha256",	0x0403 },
	{ "ecdsa_secp384r1_sha384",	0x0503 },
	{ "rsa_pss_rsae_sha256",	0x0804 },
	{ "rsa_pss_rsae_sha384",	0x0805 },
	{ "rsa_pss_rsae_sha512",	0x0806 },
	{ "rsa_pkcs1_sha256",		0x0401 },
	{ "rsa_pkcs1_sha384",		0x0501 },
	{ "rsa_pkcs1_sha512",		0x0601 },
};
const unsigned int ssa_sigalgs_count = ARRAY_SIZE(ssa_sigalgs);

#define SSA_ALL(n)	((n) >= 32 ? ~0u : (1u << (n)) - 1)

/**
 * ssa_name_index() - look a name up in a table
 * @tbl: the names
 * @n: entries in @tbl
 * @name: the name (not necessarily NUL-terminated)
 * @len: its length
 *
 * Return: the index, or -1.
 */
int ssa_name_index(const struct ssa_name *tbl, unsigned int n, const char *name,
		   size_t len)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (strlen(tbl[i].name) == len && !strncmp(tbl[i].name, name, len))
			return i;
	return -1;
}

/**
 * ssa_names_parse() - parse a colon-separated list of names into a mask
 * @tbl: the names
 * @n: entries in @tbl (at most 32)
 * @list: NUL-terminated list ("x25519:secp256r1")
 * @mask: result, bit i set for @tbl[i]
 * @bad: on -EINVAL, points at the first unknown name in @list
 *
 * Return: 0, or -EINVAL for an empty list, an empty element or an
 * unknown name.
 */
int ssa_names_parse(const struct ssa_name *tbl, unsigned int n,
		    const char *list, unsigned int *mask, const char **bad)
{
	const char *p = list;
	unsigned int m = 0;

	*bad = list;
	do {
		size_t len = 0;
		int i;

		while (p[len] && p[len] != ':')
			len++;
		i = ssa_name_index(tbl, n, p, len);
		if (i < 0) {
			*bad = p;
			return -EINVAL;
		}
		m |= 1u << i;
		p += len;
	} while (*p++ == ':');
	*mask = m;
	return 0;
}

/**
 * ssa_names_format() - format a mask as a colon-separated list
 * @tbl: the names
 * @n: entries in @tbl
 * @mask: bit i for @tbl[i]
 * @buf: output
 * @size: bytes in @buf
 *
 * Return: length of the list without the NUL, or -ERANGE if it does not fit.
 */
int ssa_names_format(const struct ssa_name *tbl, unsigned int n, unsigned int mask,
		     char *buf, size_t size)
{
	size_t off = 0;
	unsigned int i;

	if (!size)
		return -ERANGE;
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		int w;

		if (!(mask & (1u << i)))
			continue;
		w = snprintf(buf + off, size - off, "%s%s", off ? ":" : "", tbl[i].name);
		if (w < 0 || (size_t)w >= size - off)
			return -ERANGE;
		off += w;
	}
	return off;
}

/**
 * ssa_policy_defaults() - the policy in force before any is written
 * @p: the policy to fill (no profiles, no grants)
 *
 * TLS 1.2-1.3, every suite, group and signature scheme tls_ssa knows,
 * verification required, pinning allowed, sessions up to 7 days, a 30 s
 * handshake timeout, 128 concurrent server handshakes, no profiles.
 */
void ssa_policy_defaults(struct ssa_policy *p)
{
	memset(p, 0, sizeof(*p));
	ssa_pol_settings_defaults(&p->def);
}

/**
 * ssa_pol_settings_defaults() - the built-in [default] settings
 * @d: filled with every key set
 */
void ssa_pol_settings_defaults(struct ssa_pol_settings *d)
{
	memset(d, 0, sizeof(*d));
	d->set = SSA_POL_K_MIN_VERSION | SSA_POL_K_MAX_VERSION | SSA_POL_K_CIPHERS |
		 SSA_POL_K_GROUPS | SSA_POL_K_SIGALGS | SSA_POL_K_VERIFY |
		 SSA_POL_K_APP_TRUST_ANCHORS | SSA_POL_K_SESSION_TTL |
		 SSA_POL_K_HANDSHAKE_TIMEOUT | SSA_POL_K_MAX_HANDSHAKES |
		 SSA_POL_K_MAX_HS_TOTAL | SSA_POL_K_MAX_HS_PER_USER |
		 SSA_POL_K_MAX_HS_PER_ADDRESS | SSA_POL_K_REVOCATION;
	d->min_version = SSA_POL_TLS12;
	d->max_version = SSA_POL_TLS13;
	d->ciphers = SSA_ALL(ssa_ciphers_count);
	d->groups = SSA_ALL(ssa_groups_count);
	d->sigalgs = SSA_ALL(ssa_sigalgs_count);
	d->verify = 1;
	d->app_trust_anchors = 1;
	d->session_ttl = SSA_POL_TTL_MAX;
	d->handshake_timeout = 30;
	d->max_handshakes = 1024;
	d->max_handshakes_total = 16384;
	d->max_handshakes_per_user = 4096;
	d->max_handshakes_per_address = 1024;
	d->revocation = SSA_POL_REV_SOFT;
}

/* --- parsing -------------------------------------------------------------- */

struct ssa_pol_parser {
	struct ssa_policy *p;
	struct ssa_pol_settings *cur;	/* section being read, or NULL */
	struct ssa_pol_grants *cur_grants;
	int have_default;
	struct ssa_pol_error *err;
	unsigned int line;
};

/* Append at most @max bytes of @src to the message (cut, never overrun). */
static void ssa_pol_msg(struct ssa_pol_error *e, size_t *off, const char *src, size_t max)
{
	while (*src && max-- && *off < sizeof(e->msg) - 1)
		e->msg[(*off)++] = *src++;
	e->msg[*off] = '\0';
}

static int ssa_pol_fail(struct ssa_pol_parser *ps, const char *what, const char *detail)
{
	size_t off = 0;

	ps->err->line = ps->line;
	ssa_pol_msg(ps->err, &off, what, sizeof(ps->err->msg));
	if (detail) {
		ssa_pol_msg(ps->err, &off, " \"", 2);
		ssa_pol_msg(ps->err, &off, detail, 96);
		ssa_pol_msg(ps->err, &off, "\"", 1);
	}
	return -EINVAL;
}

static int ssa_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static int ssa_pol_uint(const char *v, unsigned int lo, unsigned int hi, unsigned int *out)
{
	unsigned long n = 0;

	if (!*v)
		return -EINVAL;
	for (; *v; v++) {
		if (*v < '0' || *v > '9')
			return -EINVAL;
		n = n * 10 + (unsigned long)(*v - '0');
		if (n > hi)
			return -ERANGE;
	}
	if (n < lo)
		return -ERANGE;
	*out = n;
	return 0;
}

static int ssa_pol_version(const char *v, unsigned short *out)
{
	if (!strcmp(v, "1.2"))
		*out = SSA_POL_TLS12;
	else if (!strcmp(v, "1.3"))
		*out = SSA_POL_TLS13;
	else
		return -EINVAL;
	return 0;
}

/* "[default]" or "[app "/path"]"; @s is the trimmed line. */
static int ssa_pol_section(struct ssa_pol_parser *ps, char *s, size_t len)
{
	static const char app[] = "[app \"";
	struct ssa_pol_app *a;
	size_t plen;
	unsigned int i;

	if (!strcmp(s, "[default]")) {
		if (ps->have_default)
			return ssa_pol_fail(ps, "[default] appears twice", NULL);
		ps->have_default = 1;
		ps->cur = &ps->p->def;
		ps->cur_grants = &ps->p->def_grants;
		ps->cur->set = 0;	/* keys not named keep the built-in values */
		return 0;
	}
	if (len < sizeof(app) + 2 || strncmp(s, app, sizeof(app) - 1) ||
	    s[len - 2] != '"' || s[len - 1] != ']')
		return ssa_pol_fail(ps, "expected [default] or [app \"/path/to/executable\"], got", s);
	s += sizeof(app) - 1;
	plen = len - (sizeof(app) - 1) - 2;
	s[plen] = '\0';
	if (s[0] != '/' || plen >= SSA_POL_PATH_MAX || strchr(s, '"'))
		return ssa_pol_fail(ps, "an app profile needs an absolute executable path (< 256 bytes), got",
				    s);
	for (i = 0; i < ps->p->napps; i++)
		if (!strcmp(ps->p->apps[i].exe, s))
			return ssa_pol_fail(ps, "second profile for", s);
	if (ps->p->napps == SSA_POL_APPS_MAX)
		return ssa_pol_fail(ps, "too many [app] profiles (at most 32)", NULL);
	a = &ps->p->apps[ps->p->napps++];
	memset(a, 0, sizeof(*a));
	memcpy(a->exe, s, plen + 1);
	ps->cur = &a->s;
	ps->cur_grants = &a->grants;
	return 0;
}

static int ssa_pol_list(struct ssa_pol_parser *ps, const struct ssa_name *tbl,
			unsigned int n, const char *v, unsigned int *out)
{
	const char *bad;
	char name[96];
	size_t l = 0;

	if (ssa_names_parse(tbl, n, v, out, &bad)) {
		while (bad[l] && bad[l] != ':' && l < sizeof(name) - 1) {
			name[l] = bad[l];
			l++;
		}
		name[l] = '\0';
		return ssa_pol_fail(ps, l ? "unknown name in the list:" : "empty name in the list", l ? name : NULL);
	}
	return 0;
}

/* One "key = value" line of the current section. */
const char *const ssa_pol_rev_names[SSA_POL_REV_COUNT] = {
	[SSA_POL_REV_OFF] = "off",
	[SSA_POL_REV_SOFT] = "soft-fail",
	[SSA_POL_REV_HARD] = "hard-fail",
};

static int ssa_pol_key(struct ssa_pol_parser *ps, const char *k, const char *v)
{
	struct ssa_pol_settings *s = ps->cur;
	struct ssa_pol_grants *g = ps->cur_grants;
	unsigned int bit, u = 0;
	int ret = 0;

	if (!s)
		return ssa_pol_fail(ps, "key outside a section (start with [default] or [app \"...\"]):",
				    k);
	if (!strcmp(k, "grant")) {
		if (v[0] != '/' || strlen(v) >= SSA_POL_PATH_MAX)
			return ssa_pol_fail(ps, "grant needs an absolute path (< 256 bytes), got", v);
		if (g->n == SSA_POL_GRANTS_MAX)
			return ssa_pol_fail(ps, "too many grant lines in one section (at most 8)", NULL);
		memcpy(g->path[g->n++], v, strlen(v) + 1);
		return 0;
	}
	if (!strcmp(k, "min_version"))
		bit = SSA_POL_K_MIN_VERSION;
	else if (!strcmp(k, "max_version"))
		bit = SSA_POL_K_MAX_VERSION;
	else if (!strcmp(k, "ciphers"))
		bit = SSA_POL_K_CIPHERS;
	else if (!strcmp(k, "groups"))
		bit = SSA_POL_K_GROUPS;
	else if (!strcmp(k, "sigalgs"))
		bit = SSA_POL_K_SIGALGS;
	else if (!strcmp(k, "verify"))
		bit = SSA_POL_K_VERIFY;
	else if (!strcmp(k, "app_trust_anchors"))
		bit = SSA_POL_K_APP_TRUST_ANCHORS;
	else if (!strcmp(k, "session_ttl"))
		bit = SSA_POL_K_SESSION_TTL;
	else if (!strcmp(k, "handshake_timeout"))
		bit = SSA_POL_K_HANDSHAKE_TIMEOUT;
	else if (!strcmp(k, "max_handshakes"))
		bit = SSA_POL_K_MAX_HANDSHAKES;
	else if (!strcmp(k, "max_handshakes_total"))
		bit = SSA_POL_K_MAX_HS_TOTAL;
	else if (!strcmp(k, "max_handshakes_per_user"))
		bit = SSA_POL_K_MAX_HS_PER_USER;
	else if (!strcmp(k, "max_handshakes_per_address"))
		bit = SSA_POL_K_MAX_HS_PER_ADDRESS;
	else if (!strcmp(k, "revocation"))
		bit = SSA_POL_K_REVOCATION;
	else
		return ssa_pol_fail(ps, "unknown key", k);
	if (s->set & bit)
		return ssa_pol_fail(ps, "key given twice in one section:", k);
	s->set |= bit;

	switch (bit) {
	case SSA_POL_K_MIN_VERSION:
		if (ssa_pol_version(v, &s->min_version))
			return ssa_pol_fail(ps, "min_version must be 1.2 or 1.3, got", v);
		break;
	case SSA_POL_K_MAX_VERSION:
		if (ssa_pol_version(v, &s->max_version))
			return ssa_pol_fail(ps, "max_version must be 1.2 or 1.3, got", v);
		break;
	case SSA_POL_K_CIPHERS:
		return ssa_pol_list(ps, ssa_ciphers, ssa_ciphers_count, v, &s->ciphers);
	case SSA_POL_K_GROUPS:
		return ssa_pol_list(ps, ssa_groups, ssa_groups_count, v, &s->groups);
	case SSA_POL_K_SIGALGS:
		return ssa_pol_list(ps, ssa_sigalgs, ssa_sigalgs_count, v, &s->sigalgs);
	case SSA_POL_K_VERIFY:
		if (!strcmp(v, "required"))
			s->verify = 1;
		else if (!strcmp(v, "none"))
			s->verify = 0;
		else
			return ssa_pol_fail(ps, "verify must be required or none, got", v);
		break;
	case SSA_POL_K_APP_TRUST_ANCHORS:
		if (!strcmp(v, "allow"))
			s->app_trust_anchors = 1;
		else if (!strcmp(v, "deny"))
			s->app_trust_anchors = 0;
		else
			return ssa_pol_fail(ps, "app_trust_anchors must be allow or deny, got", v);
		break;
	case SSA_POL_K_SESSION_TTL:
		ret = ssa_pol_uint(v, 0, SSA_POL_TTL_MAX, &u);
		s->session_ttl = u;
		if (ret)
			return ssa_pol_fail(ps, "session_ttl must be 0 to 604800 seconds, got", v);
		break;
	case SSA_POL_K_HANDSHAKE_TIMEOUT:
		ret = ssa_pol_uint(v, 1, SSA_POL_TIMEOUT_MAX, &u);
		s->handshake_timeout = u;
		if (ret)
			return ssa_pol_fail(ps, "handshake_timeout must be 1 to 600 seconds, got", v);
		break;
	case SSA_POL_K_MAX_HANDSHAKES:
		ret = ssa_pol_uint(v, 1, SSA_POL_HANDSHAKES_MAX, &u);
		s->max_handshakes = u;
		if (ret)
			return ssa_pol_fail(ps, "max_handshakes must be 1 to 4096, got", v);
		break;
	case SSA_POL_K_MAX_HS_TOTAL:
		ret = ssa_pol_uint(v, 1, SSA_POL_QUOTA_MAX, &u);
		s->max_handshakes_total = u;
		if (ret)
			return ssa_pol_fail(ps, "max_handshakes_total must be 1 to 65536, got", v);
		break;
	case SSA_POL_K_MAX_HS_PER_USER:
		ret = ssa_pol_uint(v, 1, SSA_POL_QUOTA_MAX, &u);
		s->max_handshakes_per_user = u;
		if (ret)
			return ssa_pol_fail(ps, "max_handshakes_per_user must be 1 to 65536, got", v);
		break;
	case SSA_POL_K_MAX_HS_PER_ADDRESS:
		ret = ssa_pol_uint(v, 1, SSA_POL_QUOTA_MAX, &u);
		s->max_handshakes_per_address = u;
		if (ret)
			return ssa_pol_fail(ps, "max_handshakes_per_address must be 1 to 65536, got", v);
		break;
	case SSA_POL_K_REVOCATION:
		for (u = 0; u < ARRAY_SIZE(ssa_pol_rev_names); u++)
			if (!strcmp(v, ssa_pol_rev_names[u]))
				break;
		if (u == ARRAY_SIZE(ssa_pol_rev_names))
			return ssa_pol_fail(ps, "revocation must be off, soft-fail or hard-fail, got",
					    v);
		s->revocation = u;
		break;
	}
	return 0;
}

static int ssa_pol_line(struct ssa_pol_parser *ps, char *s)
{
	size_t len = strlen(s);
	char *eq, *k, *v;

	while (ssa_is_space(*s)) {
		s++;
		len--;
	}
	while (len && ssa_is_space(s[len - 1]))
		s[--len] = '\0';
	if (!len || s[0] == '#')
		return 0;
	if (s[0] == '[')
		return ssa_pol_section(ps, s, len);
	eq = strchr(s, '=');
	if (!eq)
		return ssa_pol_fail(ps, "expected key = value, got", s);
	k = s;
	v = eq + 1;
	*eq = '\0';
	while (eq > k && ssa_is_space(eq[-1]))
		*--eq = '\0';
	while (ssa_is_space(*v))
		v++;
	if (!*k)
		return ssa_pol_fail(ps, "missing key before '='", NULL);
	if (!*v)
		return ssa_pol_fail(ps, "missing value for", k);
	return ssa_pol_key(ps, k, v);
}

/* The suites of a version range: TLS 1.3's are the first three. */
static unsigned int ssa_pol_suites_for(unsigned short lo, unsigned short hi)
{
	unsigned int m = 0, i;

	for (i = 0; i < ssa_ciphers_count; i++) {
		unsigned short v = (ssa_ciphers[i].iana >> 8) == 0x13 ? SSA_POL_TLS13 :
									 SSA_POL_TLS12;

		if (v >= lo && v <= hi)
			m |= 1u << i;
	}
	return m;
}

/* After parsing: every profile must still allow something. */
static int ssa_pol_check(struct ssa_pol_parser *ps)
{
	struct ssa_pol_settings eff;
	unsigned int i;

	ps->line = 0;
	for (i = 0; i <= ps->p->napps; i++) {
		const char *who = i ? ps->p->apps[i - 1].exe : "[default]";

		ssa_policy_effective(ps->p, i ? ps->p->apps[i - 1].exe : NULL, &eff);
		if (eff.min_version > eff.max_version)
			return ssa_pol_fail(ps, "min_version is above max_version for", who);
		if (!eff.ciphers)
			return ssa_pol_fail(ps, "no cipher suite left for", who);
		if (!(eff.ciphers & ssa_pol_suites_for(eff.min_version, eff.max_version)))
			return ssa_pol_fail(ps, "no cipher suite of an allowed TLS version left for",
					    who);
		if (!eff.groups)
			return ssa_pol_fail(ps, "no group left for", who);
		if (!eff.sigalgs)
			return ssa_pol_fail(ps, "no signature algorithm left for", who);
	}
	return 0;
}

/**
 * ssa_policy_parse() - parse a policy text
 * @text: the text (need not be NUL-terminated)
 * @len: its length
 * @p: the result; on error its contents are unspecified
 * @err: on error, the line and the reason
 *
 * Keys [default] does not name keep the built-in defaults.
 *
 * Return: 0, or -EINVAL (@err says why), -E2BIG for a text over 64 KiB.
 */
int ssa_policy_parse(const char *text, size_t len, struct ssa_policy *p,
		     struct ssa_pol_error *err)
{
	struct ssa_pol_parser ps = { .p = p, .err = err };
	char line[1024];
	size_t i = 0;
	int ret;

	err->line = 0;
	err->msg[0] = '\0';
	ssa_policy_defaults(p);
	if (len > SSA_POL_TEXT_MAX) {
		snprintf(err->msg, sizeof(err->msg), "policy text over %d bytes", SSA_POL_TEXT_MAX);
		return -E2BIG;
	}
	while (i < len) {
		size_t n = 0;

		ps.line++;
		while (i < len && text[i] != '\n') {
			if (!text[i])
				return ssa_pol_fail(&ps, "NUL byte in the policy text", NULL);
			if (n == sizeof(line) - 1)
				return ssa_pol_fail(&ps, "line longer than 1023 bytes", NULL);
			line[n++] = text[i++];
		}
		line[n] = '\0';
		i++;	/* the newline */
		ret = ssa_pol_line(&ps, line);
		if (ret)
			return ret;
	}
	/* [default] keys it does not name keep the built-in values. */
	if (ps.have_default) {
		struct ssa_pol_settings builtin, *d = &p->def, *b = &builtin;

		ssa_pol_settings_defaults(&builtin);
		if (!(d->set & SSA_POL_K_MIN_VERSION))
			d->min_version = b->min_version;
		if (!(d->set & SSA_POL_K_MAX_VERSION))
			d->max_version = b->max_version;
		if (!(d->set & SSA_POL_K_CIPHERS))
			d->ciphers = b->ciphers;
		if (!(d->set & SSA_POL_K_GROUPS))
			d->groups = b->groups;
		if (!(d->set & SSA_POL_K_SIGALGS))
			d->sigalgs = b->sigalgs;
		if (!(d->set & SSA_POL_K_VERIFY))
			d->verify = b->verify;
		if (!(d->set & SSA_POL_K_APP_TRUST_ANCHORS))
			d->app_trust_anchors = b->app_trust_anchors;
		if (!(d->set & SSA_POL_K_SESSION_TTL))
			d->session_ttl = b->session_ttl;
		if (!(d->set & SSA_POL_K_HANDSHAKE_TIMEOUT))
			d->handshake_timeout = b->handshake_timeout;
		if (!(d->set & SSA_POL_K_MAX_HANDSHAKES))
			d->max_handshakes = b->max_handshakes;
		if (!(d->set & SSA_POL_K_MAX_HS_TOTAL))
			d->max_handshakes_total = b->max_handshakes_total;
		if (!(d->set & SSA_POL_K_MAX_HS_PER_USER))
			d->max_handshakes_per_user = b->max_handshakes_per_user;
		if (!(d->set & SSA_POL_K_MAX_HS_PER_ADDRESS))
			d->max_handshakes_per_address = b->max_handshakes_per_address;
		if (!(d->set & SSA_POL_K_REVOCATION))
			d->revocation = b->revocation;
		d->set = b->set;
	}
	return ssa_pol_check(&ps);
}

/* --- canonical form -------------------------------------------------------- */

struct ssa_pol_out {
	char *buf;
	size_t size;
	size_t len;
};

static void ssa_pol_put(struct ssa_pol_out *o, const char *key, const char *val)
{
	size_t room = o->len < o->size ? o->size - o->len : 0;
	int w;

	/* A section header is a key without a value. */
	w = snprintf(room ? o->buf + o->len : NULL, room, "%s%s%s\n", key,
		     val ? " = " : "", val ? val : "");
	if (w > 0)
		o->len += w;
}

static void ssa_pol_put_uint(struct ssa_pol_out *o, const char *key, unsigned int v)
{
	char num[16];

	snprintf(num, sizeof(num), "%u", v);
	ssa_pol_put(o, key, num);
}

static void ssa_pol_put_list(struct ssa_pol_out *o, const char *key,
			     const struct ssa_name *tbl, unsigned int n, unsigned int mask)
{
	char list[512];

	if (ssa_names_format(tbl, n, mask, list, sizeof(list)) >= 0)
		ssa_pol_put(o, key, list);
}

static void ssa_pol_put_section(struct ssa_pol_out *o, const struct ssa_pol_settings *s,
				const struct ssa_pol_grants *g)
{
	unsigned int i;

	if (s->set & SSA_POL_K_MIN_VERSION)
		ssa_pol_put(o, "min_version", s->min_version == SSA_POL_TLS13 ? "1.3" : "1.2");
	if (s->set & SSA_POL_K_MAX_VERSION)
		ssa_pol_put(o, "max_version", s->max_version == SSA_POL_TLS13 ? "1.3" : "1.2");
	if (s->set & SSA_POL_K_CIPHERS)
		ssa_pol_put_list(o, "ciphers", ssa_ciphers, ssa_ciphers_count, s->ciphers);
	if (s->set & SSA_POL_K_GROUPS)
		ssa_pol_put_list(o, "groups", ssa_groups, ssa_groups_count, s->groups);
	if (s->set & SSA_POL_K_SIGALGS)
		ssa_pol_put_list(o, "sigalgs", ssa_sigalgs, ssa_sigalgs_count, s->sigalgs);
	if (s->set & SSA_POL_K_VERIFY)
		ssa_pol_put(o, "verify", s->verify ? "required" : "none");
	if (s->set & SSA_POL_K_APP_TRUST_ANCHORS)
		ssa_pol_put(o, "app_trust_anchors", s->app_trust_anchors ? "allow" : "deny");
	if (s->set & SSA_POL_K_SESSION_TTL)
		ssa_pol_put_uint(o, "session_ttl", s->session_ttl);
	if (s->set & SSA_POL_K_HANDSHAKE_TIMEOUT)
		ssa_pol_put_uint(o, "handshake_timeout", s->handshake_timeout);
	if (s->set & SSA_POL_K_MAX_HANDSHAKES)
		ssa_pol_put_uint(o, "max_handshakes", s->max_handshakes);
	if (s->set & SSA_POL_K_MAX_HS_TOTAL)
		ssa_pol_put_uint(o, "max_handshakes_total", s->max_handshakes_total);
	if (s->set & SSA_POL_K_MAX_HS_PER_USER)
		ssa_pol_put_uint(o, "max_handshakes_per_user", s->max_handshakes_per_user);
	if (s->set & SSA_POL_K_MAX_HS_PER_ADDRESS)
		ssa_pol_put_uint(o, "max_handshakes_per_address", s->max_handshakes_per_address);
	if (s->set & SSA_POL_K_REVOCATION)
		ssa_pol_put(o, "revocation", ssa_pol_rev_names[s->revocation]);
	for (i = 0; i < g->n; i++)
		ssa_pol_put(o, "grant", g->path[i]);
}

/**
 * ssa_policy_format() - write a policy in canonical form
 * @p: the policy
 * @buf: output (may be NULL when @size is 0)
 * @size: bytes in @buf
 *
 * [default] with every key, then each profile with the keys it names.
 * Parsing the output gives the same policy.
 *
 * Return: the length of the whole text (as snprintf: it was cut if that
 * is @size or more).
 */
int ssa_policy_format(const struct ssa_policy *p, char *buf, size_t size)
{
	struct ssa_pol_out o = { .buf = buf, .size = size };
	char head[SSA_POL_PATH_MAX + 16];
	unsigned int i;

	if (size)
		buf[0] = '\0';
	ssa_pol_put(&o, "[default]", NULL);
	ssa_pol_put_section(&o, &p->def, &p->def_grants);
	for (i = 0; i < p->napps; i++) {
		snprintf(head, sizeof(head), "\n[app \"%s\"]", p->apps[i].exe);
		ssa_pol_put(&o, head, NULL);
		ssa_pol_put_section(&o, &p->apps[i].s, &p->apps[i].grants);
	}
	return o.len;
}

/* --- using a policy ------------------------------------------------------------- */

/**
 * ssa_policy_app() - the profile of an executable
 * @p: the policy
 * @exe: the executable's path, or NULL
 *
 * Return: the profile, or NULL if there is none.
 */
const struct ssa_pol_app *ssa_policy_app(const struct ssa_policy *p, const char *exe)
{
	unsigned int i;

	for (i = 0; exe && i < p->napps; i++)
		if (!strcmp(p->apps[i].exe, exe))
			return &p->apps[i];
	return NULL;
}

static unsigned int ssa_umin(unsigned int a, unsigned int b)
{
	return a < b ? a : b;
}

/**
 * ssa_policy_effective() - [default] intersected with an executable's profile
 * @p: the policy
 * @exe: the executable's path, or NULL
 * @out: the settings; @out->set has every key
 *
 * Each key of the profile can only narrow the default: the higher minimum
 * version, the lower maximum, the common suites, groups and signature
 * schemes, verification if either requires it, pinning only if both
 * allow it, the shorter TTL and timeout, the lower handshake bound, the
 * stricter revocation mode.
 */
void ssa_policy_effective(const struct ssa_policy *p, const char *exe,
			  struct ssa_pol_settings *out)
{
	const struct ssa_pol_app *a = ssa_policy_app(p, exe);
	const struct ssa_pol_settings *s = a ? &a->s : NULL;

	*out = p->def;
	if (!s)
		return;
	if ((s->set & SSA_POL_K_MIN_VERSION) && s->min_version > out->min_version)
		out->min_version = s->min_version;
	if ((s->set & SSA_POL_K_MAX_VERSION) && s->max_version < out->max_version)
		out->max_version = s->max_version;
	if (s->set & SSA_POL_K_CIPHERS)
		out->ciphers &= s->ciphers;
	if (s->set & SSA_POL_K_GROUPS)
		out->groups &= s->groups;
	if (s->set & SSA_POL_K_SIGALGS)
		out->sigalgs &= s->sigalgs;
	if (s->set & SSA_POL_K_VERIFY)
		out->verify |= s->verify;
	if (s->set & SSA_POL_K_APP_TRUST_ANCHORS)
		out->app_trust_anchors &= s->app_trust_anchors;
	if (s->set & SSA_POL_K_SESSION_TTL)
		out->session_ttl = ssa_umin(out->session_ttl, s->session_ttl);
	if (s->set & SSA_POL_K_HANDSHAKE_TIMEOUT)
		out->handshake_timeout = ssa_umin(out->handshake_timeout, s->handshake_timeout);
	if (s->set & SSA_POL_K_MAX_HANDSHAKES)
		out->max_handshakes = ssa_umin(out->max_handshakes, s->max_handshakes);
	if (s->set & SSA_POL_K_MAX_HS_TOTAL)
		out->max_handshakes_total = ssa_umin(out->max_handshakes_total,
						     s->max_handshakes_total);
	if (s->set & SSA_POL_K_MAX_HS_PER_USER)
		out->max_handshakes_per_user = ssa_umin(out->max_handshakes_per_user,
							s->max_handshakes_per_user);
	if (s->set & SSA_POL_K_MAX_HS_PER_ADDRESS)
		out->max_handshakes_per_address = ssa_umin(out->max_handshakes_per_address,
							   s->max_handshakes_per_address);
	if ((s->set & SSA_POL_K_REVOCATION) && s->revocation > out->revocation)
		out->revocation = s->revocation;
}

/**
 * ssa_policy_grants() - may an executable use a file it cannot read?
 * @p: the policy
 * @exe: the executable's path, or NULL
 * @path: the file, as the application named it
 *
 * Return: 1 if [default] or the executable's profile grants @path.
 */
int ssa_policy_grants(const struct ssa_policy *p, const char *exe, const char *path)
{
	const struct ssa_pol_app *a = ssa_policy_app(p, exe);
	unsigned int i;

	for (i = 0; i < p->def_grants.n; i++)
		if (!strcmp(p->def_grants.path[i], path))
			return 1;
	for (i = 0; a && i < a->grants.n; i++)
		if (!strcmp(a->grants.path[i], path))
			return 1;
	return 0;
}
