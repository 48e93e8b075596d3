// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the policy language and the intersection.
 *
 *  - a table of policy texts, each with the verdict and, for errors, the
 *    line and words the administrator gets;
 *  - canonical form: format(parse(x)) parses back to the same policy;
 *  - ssa_policy_effective() against a deliberately naive reference that
 *    decides each key by enumerating what both sections allow, over a
 *    few thousand generated default/profile pairs.
 */

#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/random.h>

#include "tls_ssa.h"

struct ssa_pol_case {
	const char *text;
	int ret;
	unsigned int line;
	const char *words;
};

static const struct ssa_pol_case ssa_pol_cases[] = {
	{ "", 0, 0, NULL },
	{ "# only a comment\n\n\040\t\n", 0, 0, NULL },
	{ "[default]\nmin_version = 1.3\n", 0, 0, NULL },
	{ "[default]\r\n\tmin_version\t=\t1.3  \r\n", 0, 0, NULL },
	{ "[default]\nciphers = TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384\n", 0, 0, NULL },
	{ "[app \"/usr/bin/curl\"]\nmin_version = 1.3\ngrant = /etc/k\ngrant = /etc/c\n", 0, 0,
	  NULL },
	{ "min_version = 1.3\n", -EINVAL, 1, "outside a section" },
	{ "[default]\nfoo = 1\n", -EINVAL, 2, "unknown key \"foo\"" },
	{ "[default]\nmin_version = 1.1\n", -EINVAL, 2, "1.2 or 1.3" },
	{ "[default]\nmin_version 1.3\n", -EINVAL, 2, "key = value" },
	{ "[default]\nmin_version =\n", -EINVAL, 2, "missing value" },
	{ "[default]\n= 1.3\n", -EINVAL, 2, "missing key" },
	{ "[default]\nmin_version = 1.3\nmin_version = 1.2\n", -EINVAL, 3, "twice" },
	{ "[default]\n[default]\n", -EINVAL, 2, "twice" },
	{ "[app \"/a\"]\n[app \"/a\"]\n", -EINVAL, 2, "second profile" },
	{ "[app \"relative\"]\n", -EINVAL, 1, "absolute" },
	{ "[app /a]\n", -EINVAL, 1, "expected [default]" },
	{ "[defaults]\n", -EINVAL, 1, "expected [default]" },
	{ "[default]\nciphers = TLS_AES_128_GCM_SHA256:NOPE\n", -EINVAL, 2, "\"NOPE\"" },
	{ "[default]\nciphers = TLS_AES_128_GCM_SHA256::TLS_AES_256_GCM_SHA384\n", -EINVAL, 2,
	  "empty name" },
	{ "[default]\ngroups = x448\n", -EINVAL, 2, "x448" },
	{ "[default]\nverify = optional\n", -EINVAL, 2, "required or none" },
	{ "[default]\napp_trust_anchors = maybe\n", -EINVAL, 2, "allow or deny" },
	{ "[default]\nsession_ttl = 604801\n", -EINVAL, 2, "604800" },
	{ "[default]\nsession_ttl = -1\n", -EINVAL, 2, "604800" },
	{ "[default]\nhandshake_timeout = 0\n", -EINVAL, 2, "1 to 600" },
	{ "[default]\nmax_handshakes = 99999999999999999999\n", -EINVAL, 2, "1 to 4096" },
	{ "[default]\nmax_handshakes_total = 0\n", -EINVAL, 2, "1 to 65536" },
	{ "[default]\nmax_handshakes_per_user = 65537\n", -EINVAL, 2, "1 to 65536" },
	{ "[default]\nmax_handshakes_per_address = x\n", -EINVAL, 2, "1 to 65536" },
	{ "[default]\ngrant = relative/path\n", -EINVAL, 2, "absolute" },
	{ "[default]\nrevocation = hard-fail\n[app \"/a\"]\nrevocation = off\n", 0, 0, NULL },
	{ "[default]\nrevocation = hard\n", -EINVAL, 2, "off, soft-fail or hard-fail" },
	{ "[default]\nrevocation =\n", -EINVAL, 2, "missing value" },
	{ "[default]\nmin_version = 1.3\nmax_version = 1.2\n", -EINVAL, 0, "above max_version" },
	{ "[default]\nmax_version = 1.2\n[app \"/x\"]\nciphers = TLS_AES_128_GCM_SHA256\n",
	  -EINVAL, 0, "allowed TLS version" },
	{ "[default]\ngroups = x25519\n[app \"/x\"]\ngroups = secp256r1\n", -EINVAL, 0,
	  "no group" },
	{ "[default]\nmin_version = 1.3\x00\n", -EINVAL, 2, "NUL" },
};

static void ssa_pol_table(struct kunit *test)
{
	struct ssa_policy *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct ssa_pol_error err;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < ARRAY_SIZE(ssa_pol_cases); i++) {
		const struct ssa_pol_case *c = &ssa_pol_cases[i];
		size_t len = strlen(c->text);
		int ret;

		if (strstr(c->text, "1.3") && c->words && !strcmp(c->words, "NUL"))
			len += 2;	/* the NUL and the newline after it */
		ret = ssa_policy_parse(c->text, len, p, &err);
		KUNIT_EXPECT_EQ_MSG(test, ret, c->ret, "case %u: %s", i, err.msg);
		if (!c->words)
			continue;
		KUNIT_EXPECT_EQ_MSG(test, err.line, c->line, "case %u: %s", i, err.msg);
		KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(err.msg, c->words), "case %u: \"%s\"",
					  i, err.msg);
	}
}

static void ssa_pol_builtin_and_roundtrip(struct kunit *test)
{
	struct ssa_policy *p = kunit_kzalloc(test, 2 * sizeof(*p), GFP_KERNEL);
	static const char text[] =
		"[default]\nmin_version = 1.2\n"
		"ciphers = TLS_AES_256_GCM_SHA384:TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384\n"
		"verify = required\ngrant = /k\n"
		"[app \"/usr/bin/python3.11\"]\nmin_version = 1.3\nsession_ttl = 60\n"
		"grant = /etc/ssl/private/a.key\n[app \"/b\"]\nsigalgs = rsa_pss_rsae_sha256\n";
	struct ssa_pol_error err;
	char *out;
	int len;

	KUNIT_ASSERT_NOT_NULL(test, p);
	/* Nothing written: the safe defaults of design.rst §6. */
	ssa_policy_defaults(p);
	KUNIT_EXPECT_EQ(test, p->def.min_version, SSA_POL_TLS12);
	KUNIT_EXPECT_EQ(test, p->def.max_version, SSA_POL_TLS13);
	KUNIT_EXPECT_EQ(test, p->def.verify, 1);
	KUNIT_EXPECT_EQ(test, p->def.ciphers, (1u << ssa_ciphers_count) - 1);

	KUNIT_ASSERT_EQ(test, 0, ssa_policy_parse(text, strlen(text), p, &err));
	len = ssa_policy_format(p, NULL, 0);
	out = kunit_kzalloc(test, len + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, out);
	KUNIT_ASSERT_EQ(test, len, ssa_policy_format(p, out, len + 1));
	KUNIT_ASSERT_EQ_MSG(test, 0, ssa_policy_parse(out, len, p + 1, &err), "%s", err.msg);
	KUNIT_EXPECT_EQ(test, 0, memcmp(p, p + 1, sizeof(*p)));
	KUNIT_EXPECT_NOT_NULL(test, strstr(out, "[app \"/usr/bin/python3.11\"]\nmin_version = 1.3\n"));
	/* A cut buffer still reports the full length. */
	KUNIT_EXPECT_EQ(test, len, ssa_policy_format(p, out, 10));

	KUNIT_EXPECT_TRUE(test, ssa_policy_grants(p, "/usr/bin/python3.11", "/etc/ssl/private/a.key"));
	KUNIT_EXPECT_TRUE(test, ssa_policy_grants(p, "/anything", "/k"));
	KUNIT_EXPECT_FALSE(test, ssa_policy_grants(p, "/b", "/etc/ssl/private/a.key"));
	KUNIT_EXPECT_FALSE(test, ssa_policy_grants(p, NULL, "/etc/ssl/private/a.key"));
}

/* The reference: each key decided by enumerating what both sides allow. */
static void ssa_pol_naive(const struct ssa_policy *p, const char *exe,
			  struct ssa_pol_settings *out)
{
	const struct ssa_pol_settings *d = &p->def, *a = NULL;
	unsigned int i, v;

	for (i = 0; i < p->napps; i++)
		if (exe && !strcmp(p->apps[i].exe, exe))
			a = &p->apps[i].s;
	memset(out, 0, sizeof(*out));
	out->set = d->set;
	out->min_version = 0xffff;
	for (v = SSA_POL_TLS12; v <= SSA_POL_TLS13; v++) {
		bool ok = v >= d->min_version && v <= d->max_version;

		if (a && (a->set & SSA_POL_K_MIN_VERSION) && v < a->min_version)
			ok = false;
		if (a && (a->set & SSA_POL_K_MAX_VERSION) && v > a->max_version)
			ok = false;
		if (ok && v < out->min_version)
			out->min_version = v;
		if (ok && v > out->max_version)
			out->max_version = v;
	}
	if (out->min_version == 0xffff) {	/* nothing: an empty range */
		out->min_version = max(d->min_version,
				       a && (a->set & SSA_POL_K_MIN_VERSION) ? a->min_version : 0);
		out->max_version = min(d->max_version,
				       a && (a->set & SSA_POL_K_MAX_VERSION) ? a->max_version :
									       0xffff);
	}
	for (i = 0; i < 32; i++) {
		u32 b = 1u << i;

		if ((d->ciphers & b) && !(a && (a->set & SSA_POL_K_CIPHERS) && !(a->ciphers & b)))
			out->ciphers |= b;
		if ((d->groups & b) && !(a && (a->set & SSA_POL_K_GROUPS) && !(a->groups & b)))
			out->groups |= b;
		if ((d->sigalgs & b) && !(a && (a->set & SSA_POL_K_SIGALGS) && !(a->sigalgs & b)))
			out->sigalgs |= b;
	}
	out->verify = d->verify || (a && (a->set & SSA_POL_K_VERIFY) && a->verify);
	out->app_trust_anchors = d->app_trust_anchors &&
		!(a && (a->set & SSA_POL_K_APP_TRUST_ANCHORS) && !a->app_trust_anchors);
	out->session_ttl = d->session_ttl;
	if (a && (a->set & SSA_POL_K_SESSION_TTL) && a->session_ttl < out->session_ttl)
		out->session_ttl = a->session_ttl;
	out->handshake_timeout = d->handshake_timeout;
	if (a && (a->set & SSA_POL_K_HANDSHAKE_TIMEOUT) && a->handshake_timeout < out->handshake_timeout)
		out->handshake_timeout = a->handshake_timeout;
	out->max_handshakes = d->max_handshakes;
	if (a && (a->set & SSA_POL_K_MAX_HANDSHAKES) && a->max_handshakes < out->max_handshakes)
		out->max_handshakes = a->max_handshakes;
	out->max_handshakes_total = d->max_handshakes_total;
	if (a && (a->set & SSA_POL_K_MAX_HS_TOTAL) &&
	    a->max_handshakes_total < out->max_handshakes_total)
		out->max_handshakes_total = a->max_handshakes_total;
	out->max_handshakes_per_user = d->max_handshakes_per_user;
	if (a && (a->set & SSA_POL_K_MAX_HS_PER_USER) &&
	    a->max_handshakes_per_user < out->max_handshakes_per_user)
		out->max_handshakes_per_user = a->max_handshakes_per_user;
	out->max_handshakes_per_address = d->max_handshakes_per_address;
	if (a && (a->set & SSA_POL_K_MAX_HS_PER_ADDRESS) &&
	    a->max_handshakes_per_address < out->max_handshakes_per_address)
		out->max_handshakes_per_address = a->max_handshakes_per_address;
	/* The strictest mode either side names. */
	for (v = SSA_POL_REV_OFF; v < SSA_POL_REV_COUNT; v++)
		if (v == d->revocation ||
		    (a && (a->set & SSA_POL_K_REVOCATION) && v == a->revocation))
			out->revocation = v;
}

static void ssa_pol_random_settings(struct ssa_pol_settings *s, u32 *seed, bool full)
{
	u32 r;

	*seed = *seed * 1103515245 + 12345;
	r = *seed;
	s->set = full ? (1u << 14) - 1 : (r >> 3) & ((1u << 14) - 1);
	s->min_version = (r & 1) ? SSA_POL_TLS13 : SSA_POL_TLS12;
	s->max_version = (r & 2) ? SSA_POL_TLS13 : SSA_POL_TLS12;
	*seed = *seed * 1103515245 + 12345;
	s->ciphers = *seed & ((1u << ssa_ciphers_count) - 1);
	s->groups = (*seed >> 12) & 7;
	s->sigalgs = (*seed >> 16) & 0xff;
	s->verify = (*seed >> 24) & 1;
	s->app_trust_anchors = (*seed >> 25) & 1;
	s->session_ttl = (*seed >> 8) % 1000;
	s->handshake_timeout = 1 + (*seed >> 4) % 60;
	s->max_handshakes = 1 + (*seed >> 2) % 300;
	s->max_handshakes_total = 1 + (*seed >> 3) % 5000;
	s->max_handshakes_per_user = 1 + (*seed >> 5) % 5000;
	s->max_handshakes_per_address = 1 + (*seed >> 7) % 5000;
	s->revocation = (*seed >> 9) % SSA_POL_REV_COUNT;
}

static void ssa_pol_intersection(struct kunit *test)
{
	struct ssa_policy *p = kunit_kzalloc(test, sizeof(*p), GFP_KERNEL);
	struct ssa_pol_settings got, want;
	u32 seed = 20261126;
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < 4000; i++) {
		ssa_policy_defaults(p);
		ssa_pol_random_settings(&p->def, &seed, true);
		p->napps = 2;
		strscpy(p->apps[0].exe, "/usr/bin/a", SSA_POL_PATH_MAX);
		strscpy(p->apps[1].exe, "/usr/bin/b", SSA_POL_PATH_MAX);
		ssa_pol_random_settings(&p->apps[0].s, &seed, false);
		ssa_pol_random_settings(&p->apps[1].s, &seed, false);

		ssa_policy_effective(p, (i & 1) ? "/usr/bin/b" : "/usr/bin/c", &got);
		ssa_pol_naive(p, (i & 1) ? "/usr/bin/b" : "/usr/bin/c", &want);
		if (memcmp(&got, &want, sizeof(got))) {
			KUNIT_FAIL(test, "round %u: min %x/%x max %x/%x ciphers %x/%x verify %d/%d",
				   i, got.min_version, want.min_version, got.max_version,
				   want.max_version, got.ciphers, want.ciphers, got.verify,
				   want.verify);
			return;
		}
	}
}

static struct kunit_case ssa_policy_cases[] = {
	KUNIT_CASE(ssa_pol_table),
	KUNIT_CASE(ssa_pol_builtin_and_roundtrip),
	KUNIT_CASE(ssa_pol_intersection),
	{}
};

static struct kunit_suite ssa_policy_suite = {
	.name = "tls_ssa_policy",
	.test_cases = ssa_policy_cases,
};

kunit_test_suite(ssa_policy_suite);
