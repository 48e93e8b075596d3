/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tls_ssa internal interfaces, sectioned by the file that implements them.
 */
#ifndef _SSA_TLS_SSA_H
#define _SSA_TLS_SSA_H

#include <linux/types.h>
#include <linux/net.h>
#include <linux/sockptr.h>
#include <net/sock.h>
#include <linux/tls_ssa.h>

#define SSA_VERSION	"0.1.0"

/* Built-in policy until the administrator's policy exists (DESIGN §6). */
#define SSA_DEFAULT_VERSION_MIN	TLS_VERSION_1_2
#define SSA_DEFAULT_VERSION_MAX	TLS_VERSION_1_3
#define SSA_SESSION_TTL_MAX	604800	/* RFC 8446 4.6.1: at most 7 days */
#define SSA_ERROR_LEN		128
#define SSA_ALPN_LEN		TLS_SSA_STRING_MAX

/* --- sock.c: per-socket state ------------------------------------------ */

/**
 * struct ssa_sock - what tls_ssa keeps per IPPROTO_TLS socket
 * @id: opaque connection id (TLS_ID), unique for the module's lifetime
 * @sk: the TCP socket this state belongs to
 * @hostname: TLS_REMOTE_HOSTNAME, kmalloc'd, or NULL
 * @alpn: TLS_ALPN list as set (comma-separated), or ""
 * @version_min: TLS_VERSION_MIN in force
 * @version_max: TLS_VERSION_MAX in force
 * @ciphers: bitmask over ssa_ciphers[] that the socket allows
 * @groups: bitmask over ssa_groups[] that the socket allows
 * @session_ttl: TLS_SESSION_TTL in seconds
 * @peer_auth: TLS_REQUEST_PEER_AUTH
 * @error: TLS_ERROR, the last failure in words
 *
 * Fields are written under lock_sock(); freed from sk_destruct.
 */
struct ssa_sock {
	u64 id;
	struct sock *sk;
	char *hostname;
	char alpn[SSA_ALPN_LEN + 1];
	u16 version_min;
	u16 version_max;
	u32 ciphers;
	u32 groups;
	int session_ttl;
	int peer_auth;
	char error[SSA_ERROR_LEN];
};

int ssa_sock_attach(struct sock *sk);
struct ssa_sock *ssa_sock_get(const struct sock *sk);
__printf(2, 3) void ssa_sock_set_error(struct ssa_sock *ssk, const char *fmt, ...);
long ssa_sock_count(void);

/* --- proto.c: IPPROTO_TLS registration and socket ops ------------------- */

int ssa_proto_init(void);
void ssa_proto_exit(void);
bool ssa_sk_is_ssa(const struct sock *sk);

/* --- sockopt.c: the IPPROTO_TLS option table ------------------------------ */

enum ssa_opt_flags {
	SSA_OPT_SET		= BIT(0),
	SSA_OPT_GET		= BIT(1),
	SSA_OPT_BEFORE_CONNECT	= BIT(2),	/* set only while TCP_CLOSE */
};

/**
 * struct ssa_opt - one row of the option table
 * @name: option number (TLS_*)
 * @label: option name, for error messages
 * @flags: enum ssa_opt_flags
 * @set: setter, called under lock_sock() with the value copied in
 * @get: getter, called under lock_sock(); fills @buf, sets *@len
 */
struct ssa_opt {
	int name;
	const char *label;
	unsigned int flags;
	int (*set)(struct ssa_sock *ssk, const void *val, unsigned int len);
	int (*get)(struct ssa_sock *ssk, void *buf, unsigned int *len);
};

const struct ssa_opt *ssa_opt_find(int name);
int ssa_sockopt_set(struct sock *sk, int optname, sockptr_t optval,
		    unsigned int optlen);
int ssa_sockopt_get(struct sock *sk, int optname, char __user *optval,
		    int __user *optlen);

/**
 * struct ssa_name - a name <-> IANA number pair (cipher suites, groups)
 * @name: IANA name
 * @iana: IANA number
 */
struct ssa_name {
	const char *name;
	u16 iana;
};

extern const struct ssa_name ssa_ciphers[];
extern const unsigned int ssa_ciphers_count;
extern const struct ssa_name ssa_groups[];
extern const unsigned int ssa_groups_count;

int ssa_names_parse(const struct ssa_name *tbl, unsigned int n,
		    const char *list, u32 *mask, const char **bad);
int ssa_names_format(const struct ssa_name *tbl, unsigned int n, u32 mask,
		     char *buf, size_t size);

#endif /* _SSA_TLS_SSA_H */
