// SPDX-License-Identifier: GPL-2.0
/*
 * The IPPROTO_TLS option table (include/uapi/linux/tls_ssa.h).
 *
 * One row per option: direction, phase, and a setter/getter that works on
 * kernel copies of the value, so the user-copy and locking rules live in
 * one place (ssa_sockopt_set/ssa_sockopt_get) and the handlers are plain
 * functions KUnit can call.
 */

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/ctype.h>
#include <linux/uaccess.h>
#include <linux/fs.h>
#include <net/sock.h>
#include <net/tcp_states.h>

#include "tls_ssa.h"

/* Values arrive as bytes; strings may or may not carry their NUL. */
static int ssa_val_string(const void *val, unsigned int len, char *out,
			  size_t size)
{
	const char *s = val;
	size_t n = strnlen(s, len);

	if (n >= size)
		return -EINVAL;
	/* Anything after an embedded NUL would be silently ignored. */
	if (n < len && n + 1 != len)
		return -EINVAL;
	memcpy(out, s, n);
	out[n] = '\0';
	return n;
}

static int ssa_val_int(const void *val, unsigned int len, int *out)
{
	if (len < sizeof(int))
		return -EINVAL;
	memcpy(out, val, sizeof(int));
	return 0;
}

static int ssa_put_string(const char *s, void *buf, unsigned int *len)
{
	size_t n = strlen(s) + 1;

	if (*len < n) {
		*len = n;
		return -ERANGE;
	}
	memcpy(buf, s, n);
	*len = n;
	return 0;
}

static int ssa_put_int(int v, void *buf, unsigned int *len)
{
	if (*len < sizeof(int))
		return -EINVAL;
	memcpy(buf, &v, sizeof(int));
	*len = sizeof(int);
	return 0;
}

/* RFC 1035/1123 host name, or an IP literal: letters, digits, - . : [ ] */
static bool ssa_hostname_valid(const char *h, size_t n)
{
	size_t i, label = 0;

	if (!n || n > 253)
		return false;
	for (i = 0; i < n; i++) {
		char c = h[i];

		if (c == '.') {
			if (!label)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum(c) && c != '-' && c != ':' && c != '_')
			return false;
		if (++label > 63)
			return false;
	}
	return true;
}

static int ssa_set_hostname(struct ssa_sock *ssk, const void *val,
			    unsigned int len)
{
	char name[TLS_SSA_STRING_MAX + 1];
	int n = ssa_val_string(val, len, name, sizeof(name));
	char *copy;

	if (n > 1 && name[n - 1] == '.')
		name[--n] = '\0';	/* absolute form; SNI carries none */
	if (n < 0 || !ssa_hostname_valid(name, n)) {
		ssa_sock_set_error(ssk, "TLS_REMOTE_HOSTNAME: not a valid host name");
		return -EINVAL;
	}
	copy = kstrdup(name, GFP_KERNEL_ACCOUNT);
	if (!copy)
		return -ENOMEM;
	kfree(ssk->hostname);
	ssk->hostname = copy;
	return 0;
}

static int ssa_get_hostname(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_put_string(ssk->hostname ?: "", buf, len);
}

static int ssa_set_alpn(struct ssa_sock *ssk, const void *val, unsigned int len)
{
	char list[SSA_ALPN_LEN + 1];
	int n = ssa_val_string(val, len, list, sizeof(list));
	const char *p = list;
	char *copy;

	if (n <= 0)
		goto bad;
	/* RFC 7301: each protocol name is 1..255 bytes; commas separate. */
	do {
		size_t l = strcspn(p, ",");

		if (!l)
			goto bad;
		p += l;
	} while (*p++ == ',');
	copy = kstrdup(list, GFP_KERNEL_ACCOUNT);
	if (!copy)
		return -ENOMEM;
	kfree(ssk->alpn);
	ssk->alpn = copy;
	return 0;
bad:
	ssa_sock_set_error(ssk, "TLS_ALPN: expected a comma-separated list of protocol names");
	return -EINVAL;
}

static int ssa_set_version(struct ssa_sock *ssk, const void *val,
			   unsigned int len, bool is_min)
{
	const char *what = is_min ? "TLS_VERSION_MIN" : "TLS_VERSION_MAX";
	struct ssa_pol_settings pol;
	u16 lo, hi;
	int v;

	ssa_policy_for(ssk->profile, &pol);
	lo = is_min ? pol.min_version : ssk->version_min;
	hi = is_min ? ssk->version_max : pol.max_version;

	if (ssa_val_int(val, len, &v) ||
	    (v != TLS_VERSION_1_2 && v != TLS_VERSION_1_3)) {
		ssa_sock_set_error(ssk, "%s: expected TLS_VERSION_1_2 (0x0303) or TLS_VERSION_1_3 (0x0304)",
				   what);
		return -EINVAL;
	}
	if (v < lo || v > hi) {
		ssa_sock_set_error(ssk, "%s: 0x%04x is outside the range 0x%04x-0x%04x the policy and the socket allow",
				   what, v, lo, hi);
		return -EPERM;
	}
	if (is_min)
		ssk->version_min = v;
	else
		ssk->version_max = v;
	return 0;
}

static int ssa_set_version_min(struct ssa_sock *ssk, const void *val,
			       unsigned int len)
{
	return ssa_set_version(ssk, val, len, true);
}

static int ssa_set_version_max(struct ssa_sock *ssk, const void *val,
			       unsigned int len)
{
	return ssa_set_version(ssk, val, len, false);
}

static int ssa_get_version_min(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_put_int(ssk->version_min, buf, len);
}

static int ssa_get_version_max(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_put_int(ssk->version_max, buf, len);
}

static int ssa_set_session_ttl(struct ssa_sock *ssk, const void *val,
			       unsigned int len)
{
	struct ssa_pol_settings pol;
	int v;

	if (ssa_val_int(val, len, &v) || v < 0) {
		ssa_sock_set_error(ssk, "TLS_SESSION_TTL: expected seconds >= 0");
		return -EINVAL;
	}
	ssa_policy_for(ssk->profile, &pol);
	if (v > pol.session_ttl) {
		ssa_sock_set_error(ssk, "TLS_SESSION_TTL: %d exceeds the policy's limit of %u seconds",
				   v, pol.session_ttl);
		return -EPERM;
	}
	ssk->session_ttl = v;
	return 0;
}

static int ssa_get_session_ttl(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_put_int(ssk->session_ttl, buf, len);
}

static int ssa_set_peer_auth(struct ssa_sock *ssk, const void *val,
			     unsigned int len)
{
	int v;

	if (ssa_val_int(val, len, &v) || v < TLS_PEER_AUTH_NONE ||
	    v > TLS_PEER_AUTH_REQUIRE) {
		ssa_sock_set_error(ssk, "TLS_REQUEST_PEER_AUTH: expected 0, 1 or 2");
		return -EINVAL;
	}
	ssk->peer_auth = v;
	return 0;
}

/* Shared by TLS_CIPHERS and TLS_GROUPS: a subset of what is allowed. */
static int ssa_set_names(struct ssa_sock *ssk, const char *what,
			 const struct ssa_name *tbl, unsigned int n,
			 u32 allowed, u32 *field, const void *val,
			 unsigned int len)
{
	char list[TLS_SSA_STRING_MAX + 1];
	const char *bad;
	u32 mask;

	if (ssa_val_string(val, len, list, sizeof(list)) < 0) {
		ssa_sock_set_error(ssk, "%s: value is not a string of at most %d bytes",
				   what, TLS_SSA_STRING_MAX);
		return -EINVAL;
	}
	if (ssa_names_parse(tbl, n, list, &mask, &bad)) {
		ssa_sock_set_error(ssk, "%s: unknown or empty name at \"%.*s\"",
				   what, (int)strcspn(bad, ":"), bad);
		return -EINVAL;
	}
	if (mask & ~allowed) {
		ssa_sock_set_error(ssk, "%s: the list names %s, which the policy does not allow",
				   what, tbl[__ffs(mask & ~allowed)].name);
		return -EPERM;
	}
	*field = mask;
	return 0;
}

static int ssa_set_ciphers(struct ssa_sock *ssk, const void *val,
			   unsigned int len)
{
	struct ssa_pol_settings pol;

	ssa_policy_for(ssk->profile, &pol);
	return ssa_set_names(ssk, "TLS_CIPHERS", ssa_ciphers, ssa_ciphers_count,
			     pol.ciphers, &ssk->ciphers, val, len);
}

static int ssa_get_ciphers(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	char list[512];

	if (ssa_names_format(ssa_ciphers, ssa_ciphers_count, ssk->ciphers,
			     list, sizeof(list)) < 0)
		return -ERANGE;
	return ssa_put_string(list, buf, len);
}

static int ssa_set_groups(struct ssa_sock *ssk, const void *val,
			  unsigned int len)
{
	struct ssa_pol_settings pol;

	ssa_policy_for(ssk->profile, &pol);
	return ssa_set_names(ssk, "TLS_GROUPS", ssa_groups, ssa_groups_count,
			     pol.groups, &ssk->groups, val, len);
}

static int ssa_get_groups(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	char list[128];

	if (ssa_names_format(ssa_groups, ssa_groups_count, ssk->groups,
			     list, sizeof(list)) < 0)
		return -ERANGE;
	return ssa_put_string(list, buf, len);
}

static int ssa_disable_cipher(struct ssa_sock *ssk, const void *val,
			      unsigned int len)
{
	char name[TLS_SSA_STRING_MAX + 1];
	int n = ssa_val_string(val, len, name, sizeof(name));
	int i = n > 0 ? ssa_name_index(ssa_ciphers, ssa_ciphers_count, name, n) : -1;

	if (i < 0) {
		ssa_sock_set_error(ssk, "TLS_DISABLE_CIPHER: unknown cipher suite name");
		return -EINVAL;
	}
	if (ssk->ciphers == BIT(i)) {
		ssa_sock_set_error(ssk, "TLS_DISABLE_CIPHER: would leave no cipher suite");
		return -EINVAL;
	}
	ssk->ciphers &= ~BIT(i);
	return 0;
}

static int ssa_get_id(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	if (*len < sizeof(u64))
		return -EINVAL;
	memcpy(buf, &ssk->id, sizeof(u64));
	*len = sizeof(u64);
	return 0;
}

static int ssa_get_error(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	char error[SSA_ERROR_LEN];

	ssa_sock_copy_error(ssk, error, sizeof(error));
	return ssa_put_string(error, buf, len);
}

/* Values that only a completed handshake has. */
static bool ssa_established(struct ssa_sock *ssk)
{
	return READ_ONCE(ssk->state) == SSA_ESTABLISHED;
}

static int ssa_get_negotiated_version(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_int(ssk->version, buf, len) : -ENOTCONN;
}

static int ssa_get_negotiated_cipher(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_int(ssk->cipher, buf, len) : -ENOTCONN;
}

static int ssa_get_resumed(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_int(ssk->resumed, buf, len) : -ENOTCONN;
}

static int ssa_get_alpn(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_string(ssk->alpn_selected ?: "", buf, len) : -ENOTCONN;
}

/* On a client, the name it asked for; on an accepted socket, the SNI. */
static int ssa_get_sni(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_string(ssk->hostname ?: "", buf, len) : -ENOTCONN;
}

static int ssa_get_peer_identity(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	return ssa_established(ssk) ? ssa_put_string(ssk->peer_identity ?: "", buf, len) :
				      -ENOTCONN;
}

/* Kept as DER; PEM is made for the caller. */
static int ssa_get_peer_chain(struct ssa_sock *ssk, void *buf, unsigned int *len)
{
	char *pem;
	int ret;

	if (!ssa_established(ssk))
		return -ENOTCONN;
	if (!ssk->peer_der)
		return ssa_put_string("", buf, len);
	pem = ssa_peer_chain_pem(ssk);
	if (!pem)
		return -ENOMEM;
	ret = ssa_put_string(pem, buf, len);
	kvfree(pem);
	return ret;
}

/* Before connect() or listen(): in our state, not only TCP's, which is
 * TCP_CLOSE again once a connection ends (the handshake's and
 * securityfs's readers rely on these values staying put after).
 */
static bool ssa_opt_phase_ok(const struct ssa_sock *ssk)
{
	return READ_ONCE(ssk->state) == SSA_IDLE && ssk->sk->sk_state == TCP_CLOSE;
}

/* A PEM-valued option: inline PEM text, or an absolute path read with
 * the caller's credentials (or, for certificates and keys the policy
 * grants the program, with the kernel's).  Returns a NUL-terminated copy
 * (free with kvfree_sensitive(pem, *plen + 1)) or an ERR_PTR with the
 * reason in @why (SSA_ERROR_LEN bytes).  Needs no socket lock.
 */
static char *ssa_opt_pem(const struct ssa_sock *ssk, const char *label, const void *val,
			 unsigned int len, size_t *plen, bool grantable, char *why)
{
	static const char begin[] = "-----BEGIN";
	char *pem, *path;
	int n;

	if (len > sizeof(begin) - 1 && !memcmp(val, begin, sizeof(begin) - 1)) {
		pem = kvmalloc(len + 1, GFP_KERNEL_ACCOUNT);
		if (!pem)
			return ERR_PTR(-ENOMEM);
		memcpy(pem, val, len);
		pem[len] = '\0';
		*plen = strlen(pem);
		/* Whatever follows a NUL is never parsed: wipe it now. */
		memzero_explicit(pem + *plen, len - *plen);
		return pem;
	}
	path = __getname();
	if (!path)
		return ERR_PTR(-ENOMEM);
	n = ssa_val_string(val, len, path, PATH_MAX);
	if (n <= 0 || path[0] != '/') {
		__putname(path);
		snprintf(why, SSA_ERROR_LEN, "%s: expected PEM text or an absolute path", label);
		return ERR_PTR(-EINVAL);
	}
	pem = ssa_read_file(path, plen);
	/* A file the program may not read, but the policy grants it. */
	if (grantable && (PTR_ERR(pem) == -EACCES || PTR_ERR(pem) == -EPERM) &&
	    ssa_policy_may_use(ssk->profile, path))
		pem = ssa_read_file_granted(path, plen);
	if (IS_ERR(pem))
		snprintf(why, SSA_ERROR_LEN, "%s: cannot read %.64s (%ld%s)", label, path,
			 PTR_ERR(pem), PTR_ERR(pem) == -EACCES ?
			 ": permission denied for this process" : "");
	__putname(path);
	return pem;
}

/* What a PEM-valued option's text becomes. */
enum ssa_pem_kind { SSA_PEM_TRUST, SSA_PEM_CHAIN, SSA_PEM_KEY };

static const char *const ssa_pem_label[] = {
	[SSA_PEM_TRUST] = "TLS_TRUSTED_PEER_CERTIFICATES",
	[SSA_PEM_CHAIN] = "TLS_CERTIFICATE_CHAIN",
	[SSA_PEM_KEY] = "TLS_PRIVATE_KEY",
};

static void ssa_pem_obj_free(enum ssa_pem_kind kind, void *obj)
{
	if (kind == SSA_PEM_TRUST)
		ssa_trust_put(obj);
	else
		ssa_cred_part_free(obj);
}

/* Read and parse a PEM-valued option with the socket unlocked.  Its value
 * can be a file of megabytes, parsed as X.509 or as a key: a slow file
 * (FUSE, NFS) or a big chain must not leave the socket's other calls,
 * close() included, waiting uninterruptibly on its lock.  Called and
 * returning with the socket locked; the phase is checked again after,
 * since another thread may have connected or listened meanwhile.
 *
 * Return: the trust store or credential part, or an ERR_PTR with TLS_ERROR set.
 */
static void *ssa_opt_parse_unlocked(struct ssa_sock *ssk, enum ssa_pem_kind kind,
				    const void *val, unsigned int len)
{
	const char *label = ssa_pem_label[kind], *w = "";
	struct sock *sk = ssk->sk;
	char why[SSA_ERROR_LEN];
	size_t plen = 0;
	void *obj;
	char *pem;

	why[0] = '\0';
	sock_owned_by_me(sk);
	release_sock(sk);
	pem = ssa_opt_pem(ssk, label, val, len, &plen, kind != SSA_PEM_TRUST, why);
	obj = pem;
	if (!IS_ERR(pem)) {
		if (kind == SSA_PEM_TRUST)
			obj = ssa_trust_pinned(pem, plen, &w);
		else if (kind == SSA_PEM_CHAIN)
			obj = ssa_cred_parse_chain(pem, plen, &w);
		else
			obj = ssa_cred_parse_key(pem, plen, &w);
		kvfree_sensitive(pem, plen + 1);
		if (IS_ERR(obj))
			snprintf(why, sizeof(why), "%s: %s", label, w);
	}
	lock_sock(sk);
	if (IS_ERR(obj)) {
		if (!why[0] && PTR_ERR(obj) == -ENOMEM)
			snprintf(why, sizeof(why), "%s: out of memory", label);
		if (why[0])
			ssa_sock_set_error(ssk, "%s", why);
		return obj;
	}
	if (!ssa_opt_phase_ok(ssk)) {
		ssa_pem_obj_free(kind, obj);
		ssa_sock_set_error(ssk, "%s: must be set before connect() or listen()", label);
		return ERR_PTR(-EOPNOTSUPP);
	}
	return obj;
}

/* TLS_TRUSTED_PEER_CERTIFICATES: anchors that replace the system store. */
static int ssa_set_trusted(struct ssa_sock *ssk, const void *val, unsigned int len)
{
	struct ssa_pol_settings pol;
	struct ssa_trust *t;

	ssa_policy_for(ssk->profile, &pol);
	if (!pol.app_trust_anchors) {
		ssa_sock_set_error(ssk, "TLS_TRUSTED_PEER_CERTIFICATES: the policy does not let this program choose its trust anchors");
		return -EPERM;
	}
	t = ssa_opt_parse_unlocked(ssk, SSA_PEM_TRUST, val, len);
	if (IS_ERR(t))
		return PTR_ERR(t);
	ssa_trust_put(ssk->trust);
	ssk->trust = t;
	return 0;
}

/* TLS_CERTIFICATE_CHAIN opens a chain/key pair, TLS_PRIVATE_KEY closes it
 * (cred.c); the key's text is wiped once parsed.
 */
static int ssa_set_chain(struct ssa_sock *ssk, const void *val, unsigned int len)
{
	struct ssa_cred_part *part = ssa_opt_parse_unlocked(ssk, SSA_PEM_CHAIN, val, len);

	return IS_ERR(part) ? PTR_ERR(part) : ssa_creds_attach(ssk, part);
}

static int ssa_set_key(struct ssa_sock *ssk, const void *val, unsigned int len)
{
	struct ssa_cred_part *part = ssa_opt_parse_unlocked(ssk, SSA_PEM_KEY, val, len);

	return IS_ERR(part) ? PTR_ERR(part) : ssa_creds_attach(ssk, part);
}

#define SSA_OPT(n, f, s, g) { .name = n, .label = #n, .flags = f, .set = s, .get = g }
#define SET		SSA_OPT_SET
#define GET		SSA_OPT_GET
#define PRE		SSA_OPT_BEFORE_CONNECT

static const struct ssa_opt ssa_opts[] = {
	SSA_OPT(TLS_REMOTE_HOSTNAME, SET | GET | PRE, ssa_set_hostname, ssa_get_hostname),
	SSA_OPT(TLS_HOSTNAME, GET, NULL, ssa_get_sni),
	SSA_OPT(TLS_TRUSTED_PEER_CERTIFICATES, SET | PRE, ssa_set_trusted, NULL),
	SSA_OPT(TLS_CERTIFICATE_CHAIN, SET | PRE, ssa_set_chain, NULL),
	SSA_OPT(TLS_PRIVATE_KEY, SET | PRE, ssa_set_key, NULL),
	SSA_OPT(TLS_ALPN, SET | GET | PRE, ssa_set_alpn, ssa_get_alpn),
	SSA_OPT(TLS_SESSION_TTL, SET | GET | PRE, ssa_set_session_ttl, ssa_get_session_ttl),
	SSA_OPT(TLS_DISABLE_CIPHER, SET | PRE, ssa_disable_cipher, NULL),
	SSA_OPT(TLS_PEER_IDENTITY, GET, NULL, ssa_get_peer_identity),
	SSA_OPT(TLS_REQUEST_PEER_AUTH, SET | PRE, ssa_set_peer_auth, NULL),
	SSA_OPT(TLS_PEER_CERTIFICATE_CHAIN, GET, NULL, ssa_get_peer_chain),
	SSA_OPT(TLS_ID, GET, NULL, ssa_get_id),
	SSA_OPT(TLS_VERSION_MIN, SET | GET | PRE, ssa_set_version_min, ssa_get_version_min),
	SSA_OPT(TLS_VERSION_MAX, SET | GET | PRE, ssa_set_version_max, ssa_get_version_max),
	SSA_OPT(TLS_NEGOTIATED_VERSION, GET, NULL, ssa_get_negotiated_version),
	SSA_OPT(TLS_ERROR, GET, NULL, ssa_get_error),
	SSA_OPT(TLS_NEGOTIATED_CIPHER, GET, NULL, ssa_get_negotiated_cipher),
	SSA_OPT(TLS_CIPHERS, SET | GET | PRE, ssa_set_ciphers, ssa_get_ciphers),
	SSA_OPT(TLS_GROUPS, SET | GET | PRE, ssa_set_groups, ssa_get_groups),
	SSA_OPT(TLS_SESSION_RESUMED, GET, NULL, ssa_get_resumed),
};

#undef SET
#undef GET
#undef PRE

/**
 * ssa_opt_find() - look an option up in the table
 * @name: option number
 *
 * Return: the row, or NULL for an unknown option.
 */
const struct ssa_opt *ssa_opt_find(int name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ssa_opts); i++)
		if (ssa_opts[i].name == name)
			return &ssa_opts[i];
	return NULL;
}

/* Largest value any option takes or returns (PEM chains), in bytes. */
#define SSA_OPT_VAL_MAX		(256 << 10)

/**
 * ssa_sockopt_set() - setsockopt(fd, IPPROTO_TLS, ...)
 * @sk: an SSA socket
 * @optname: option number
 * @optval: value (user or kernel memory)
 * @optlen: bytes in @optval
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int ssa_sockopt_set(struct sock *sk, int optname, sockptr_t optval,
		    unsigned int optlen)
{
	const struct ssa_opt *opt = ssa_opt_find(optname);
	struct ssa_sock *ssk;
	void *val;
	int err;

	if (!opt)
		return -ENOPROTOOPT;
	if (!(opt->flags & SSA_OPT_SET))
		return -EOPNOTSUPP;
	if (optlen > SSA_OPT_VAL_MAX)
		return -EINVAL;

	val = kvmalloc(max(optlen, 1U), GFP_KERNEL_ACCOUNT | __GFP_RETRY_MAYFAIL | __GFP_NOWARN);
	if (!val)
		return -ENOMEM;
	if (copy_from_sockptr(val, optval, optlen)) {
		kvfree(val);
		return -EFAULT;
	}

	lock_sock(sk);
	ssk = ssa_sock_get(sk);
	if (!ssk) {
		err = -EBADFD;
		goto out;
	}
	if ((opt->flags & SSA_OPT_BEFORE_CONNECT) && !ssa_opt_phase_ok(ssk)) {
		ssa_sock_set_error(ssk, "%s: must be set before connect() or listen()",
				   opt->label);
		err = -EOPNOTSUPP;
		goto out;
	}
	err = opt->set(ssk, val, optlen);
out:
	release_sock(sk);
	kvfree_sensitive(val, max(optlen, 1U));
	return err;
}

/**
 * ssa_sockopt_get() - getsockopt(fd, IPPROTO_TLS, ...)
 * @sk: an SSA socket
 * @optname: option number
 * @optval: user buffer
 * @optlen: in: size of @optval; out: bytes of the value
 *
 * Return: 0 or a negative errno as documented in the uapi header.
 */
int ssa_sockopt_get(struct sock *sk, int optname, char __user *optval,
		    int __user *optlen)
{
	const struct ssa_opt *opt = ssa_opt_find(optname);
	struct ssa_sock *ssk;
	unsigned int len, size;
	void *buf;
	int ulen, err;

	if (!opt)
		return -ENOPROTOOPT;
	if (!(opt->flags & SSA_OPT_GET))
		return -EOPNOTSUPP;
	if (get_user(ulen, optlen))
		return -EFAULT;
	if (ulen < 0)
		return -EINVAL;
	len = min_t(unsigned int, ulen, SSA_OPT_VAL_MAX);

	size = max(len, 16U);
	buf = kvzalloc(size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

	lock_sock(sk);
	ssk = ssa_sock_get(sk);
	err = ssk ? opt->get(ssk, buf, &len) : -EBADFD;
	release_sock(sk);

	if (!err || err == -ERANGE) {
		/* On ERANGE, len is the size the value needs. */
		if (put_user(len, optlen))
			err = -EFAULT;
		else if (!err && copy_to_user(optval, buf, len))
			err = -EFAULT;
	}
	kvfree_sensitive(buf, size);
	return err;
}
