/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The administrator's policy: its data, the parser and the intersection.
 *
 * Plain C with no kernel or libc specifics beyond memcpy, memset, strlen,
 * strncmp and snprintf: policy_parse.c is compiled into tls_ssa.ko, into
 * ssactl (so "ssactl policy check" needs no kernel) and into the fuzzer.
 */
#ifndef _SSA_POLICY_PARSE_H
#define _SSA_POLICY_PARSE_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#endif

#define SSA_POL_APPS_MAX	32	/* [app "..."] profiles */
#define SSA_POL_GRANTS_MAX	8	/* grant = lines per section */
#define SSA_POL_PATH_MAX	256	/* bytes of a path, with its NUL */
#define SSA_POL_TEXT_MAX	(64 << 10)	/* a policy file, at most */
#define SSA_POL_TTL_MAX		604800	/* RFC 8446 4.6.1: 7 days */
#define SSA_POL_TIMEOUT_MAX	600
#define SSA_POL_HANDSHAKES_MAX	4096
#define SSA_POL_QUOTA_MAX	65536

#define SSA_POL_TLS12		0x0303
#define SSA_POL_TLS13		0x0304

/**
 * struct ssa_name - a name <-> IANA number pair (suites, groups, sigalgs)
 * @name: IANA name
 * @iana: IANA number
 */
struct ssa_name {
	const char *name;
	unsigned short iana;
};

extern const struct ssa_name ssa_ciphers[];
extern const unsigned int ssa_ciphers_count;
extern const struct ssa_name ssa_groups[];
extern const unsigned int ssa_groups_count;
extern const struct ssa_name ssa_sigalgs[];
extern const unsigned int ssa_sigalgs_count;

int ssa_names_parse(const struct ssa_name *tbl, unsigned int n,
		    const char *list, unsigned int *mask, const char **bad);
int ssa_names_format(const struct ssa_name *tbl, unsigned int n, unsigned int mask,
		     char *buf, size_t size);
int ssa_name_index(const struct ssa_name *tbl, unsigned int n, const char *name,
		   size_t len);

/* Which keys a section sets (struct ssa_pol_settings.set). */
enum {
	SSA_POL_K_MIN_VERSION		= 1u << 0,
	SSA_POL_K_MAX_VERSION		= 1u << 1,
	SSA_POL_K_CIPHERS		= 1u << 2,
	SSA_POL_K_GROUPS		= 1u << 3,
	SSA_POL_K_SIGALGS		= 1u << 4,
	SSA_POL_K_VERIFY		= 1u << 5,
	SSA_POL_K_APP_TRUST_ANCHORS	= 1u << 6,
	SSA_POL_K_SESSION_TTL		= 1u << 7,
	SSA_POL_K_HANDSHAKE_TIMEOUT	= 1u << 8,
	SSA_POL_K_MAX_HANDSHAKES	= 1u << 9,
	SSA_POL_K_MAX_HS_TOTAL		= 1u << 10,
	SSA_POL_K_MAX_HS_PER_USER	= 1u << 11,
	SSA_POL_K_MAX_HS_PER_ADDRESS	= 1u << 12,
	SSA_POL_K_REVOCATION		= 1u << 13,
};

/* What the administrator's CRLs are for (struct ssa_pol_settings.revocation),
 * in the order of strictness.
 */
enum {
	SSA_POL_REV_OFF,	/* not consulted */
	SSA_POL_REV_SOFT,	/* a revoked certificate fails; no usable CRL passes */
	SSA_POL_REV_HARD,	/* each certificate needs a usable CRL of its issuer */
	SSA_POL_REV_COUNT
};

/* Their names in the policy text: "off", "soft-fail", "hard-fail". */
extern const char *const ssa_pol_rev_names[SSA_POL_REV_COUNT];

/**
 * struct ssa_pol_settings - one section's settings (or an effective set)
 * @set: SSA_POL_K_* bits of the keys the section names
 * @min_version: lowest TLS version (SSA_POL_TLS12/13)
 * @max_version: highest TLS version
 * @ciphers: bit i allows ssa_ciphers[i]
 * @groups: bit i allows ssa_groups[i]
 * @sigalgs: bit i allows ssa_sigalgs[i]
 * @verify: 1: peer certificates must verify; 0: not checked
 * @app_trust_anchors: 1: sockets may pin anchors (TLS_TRUSTED_PEER_CERTIFICATES)
 * @session_ttl: longest session lifetime, seconds (0: no resumption)
 * @handshake_timeout: seconds
 * @max_handshakes: concurrent server handshakes per listener
 * @max_handshakes_total: concurrent handshakes on the machine
 * @max_handshakes_per_user: concurrent client handshakes per user
 * @max_handshakes_per_address: concurrent server handshakes per peer address
 * @revocation: SSA_POL_REV_*
 */
struct ssa_pol_settings {
	unsigned int set;
	unsigned short min_version;
	unsigned short max_version;
	unsigned int ciphers;
	unsigned int groups;
	unsigned int sigalgs;
	int verify;
	int app_trust_anchors;
	unsigned int session_ttl;
	unsigned int handshake_timeout;
	unsigned int max_handshakes;
	unsigned int max_handshakes_total;
	unsigned int max_handshakes_per_user;
	unsigned int max_handshakes_per_address;
	int revocation;
};

/**
 * struct ssa_pol_grants - certificate/key files a section lets programs use
 * @n: entries in @path
 * @path: absolute paths, as applications name them
 */
struct ssa_pol_grants {
	unsigned int n;
	char path[SSA_POL_GRANTS_MAX][SSA_POL_PATH_MAX];
};

/**
 * struct ssa_pol_app - an [app "PATH"] profile
 * @exe: the executable's absolute path
 * @s: the settings it names (intersected with [default] when used)
 * @grants: its grant lines
 */
struct ssa_pol_app {
	char exe[SSA_POL_PATH_MAX];
	struct ssa_pol_settings s;
	struct ssa_pol_grants grants;
};

/**
 * struct ssa_policy - a whole policy
 * @def: the [default] section, with every key filled in
 * @def_grants: its grant lines (for every program)
 * @napps: entries in @apps
 * @apps: the profiles, in file order
 */
struct ssa_policy {
	struct ssa_pol_settings def;
	struct ssa_pol_grants def_grants;
	unsigned int napps;
	struct ssa_pol_app apps[SSA_POL_APPS_MAX];
};

/**
 * struct ssa_pol_error - why a policy was refused
 * @line: 1-based line number (0: the text as a whole)
 * @msg: the reason in words
 */
struct ssa_pol_error {
	unsigned int line;
	char msg[160];
};

void ssa_pol_settings_defaults(struct ssa_pol_settings *d);
void ssa_policy_defaults(struct ssa_policy *p);
int ssa_policy_parse(const char *text, size_t len, struct ssa_policy *p,
		     struct ssa_pol_error *err);
int ssa_policy_format(const struct ssa_policy *p, char *buf, size_t size);
const struct ssa_pol_app *ssa_policy_app(const struct ssa_policy *p, const char *exe);
void ssa_policy_effective(const struct ssa_policy *p, const char *exe,
			  struct ssa_pol_settings *out);
int ssa_policy_grants(const struct ssa_policy *p, const char *exe, const char *path);

#endif /* _SSA_POLICY_PARSE_H */
