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
#include <net/protocol.h>
#include <linux/tls_ssa.h>

#include "policy_parse.h"

#define SSA_VERSION	"0.1.0"

#define SSA_SESSION_TTL_MAX	SSA_POL_TTL_MAX	/* RFC 8446 4.6.1: 7 days */
#define SSA_ERROR_LEN		128
#define SSA_ALPN_LEN		TLS_SSA_STRING_MAX
#define SSA_CREDS_MAX		8	/* chain/key pairs per socket */

/* --- sock.c: per-socket state ------------------------------------------ */

/* Life of an SSA socket.  The order is part of the contract: ">= SSA_HANDSHAKE"
 * means the options are fixed, ">= SSA_ESTABLISHED" that the handshake has
 * an outcome.  Every change goes through ssa_state_move() (sock.c), which
 * knows the legal ones (design.rst §11).
 */
enum ssa_state {
	SSA_IDLE,		/* not connected */
	SSA_LISTEN,		/* listening; see server.c */
	SSA_CONNECTING,		/* TCP connect in progress */
	SSA_HANDSHAKE,		/* handshake worker owns the socket */
	SSA_ESTABLISHED,	/* kTLS carries the data */
	SSA_FAILED,		/* connect or handshake failed; see hs_err */
};

/* ssa_sock.flags bits */
enum {
	SSA_F_CLOSE_SENT,	/* our close_notify went out */
	SSA_F_RX_EOF,		/* the peer's close_notify arrived */
	SSA_F_RX_BUSY,		/* a reader owns the receive path (record.c) */
	SSA_F_RX_MISSED,	/* a non-blocking reader found it owned */
	SSA_F_TCP_FAILED,	/* SSA_FAILED because TCP never connected */
	SSA_F_SERVER,		/* a connection a listener accepted */
	SSA_F_HS_LIVE,		/* the engine runs this socket's handshake */
	SSA_F_HS_HOOKED,	/* the engine has the socket's callbacks */
	SSA_F_HS_EVICT,		/* a full listener gives this handshake up */
	SSA_F_HS_DEFER,		/* a step waits for the application's socket lock */
	SSA_F_LINGER,		/* a server connection gets SO_LINGER at accept() */
};

/**
 * struct ssa_quota_hold - the handshake quotas one socket holds (quota.c)
 * @held: SSA_Q_* bits of the counts taken
 * @uid: the user counted (a client's creator, as a global kuid)
 * @addr: the peer address counted (a server connection; IPv4 mapped)
 */
struct ssa_quota_hold {
	unsigned long held;
	kuid_t uid;
	struct in6_addr addr;
};

/**
 * struct ssa_ctl_rx - a post-handshake handshake message being read
 * @body: its body, kept (a ticket to resume with, a KeyUpdate), or NULL
 * @left: body bytes still to come
 * @have: body bytes in @body
 * @hdr: its 4-byte header
 * @hdr_len: header bytes read; 0 means no message is in progress
 *
 * Handshake messages may span records (RFC 8446 5.1); the part already
 * read waits here, bounded by SSA_CTL_MSG_MAX, for the records to come.
 */
struct ssa_ctl_rx {
	u8 *body;
	u32 left;
	u32 have;
	u8 hdr[4];
	u8 hdr_len;
};

struct ssa_trust;
struct ssa_creds;
struct ssa_listener;
struct ssa_resume;
struct ssa_ulp_standin;

/**
 * struct ssa_app - the program that created a socket (at socket() time)
 * @ino: its executable's inode number
 * @dev: the executable's device
 * @uid: the creating process's effective uid
 */
struct ssa_app {
	u64 ino;
	u32 dev;
	u32 uid;
};

#define SSA_SESSION_KEY_LEN	32

/**
 * struct ssa_sock - what tls_ssa keeps per IPPROTO_TLS socket
 * @id: opaque connection id (TLS_ID), unique for the module's lifetime
 * @sk: the TCP socket this state belongs to
 * @hostname: TLS_REMOTE_HOSTNAME, kmalloc'd, or NULL
 * @alpn: TLS_ALPN list as set (comma-separated), kmalloc'd, or NULL
 * @version_min: TLS_VERSION_MIN in force
 * @version_max: TLS_VERSION_MAX in force
 * @ciphers: bitmask over ssa_ciphers[] that the socket allows
 * @groups: bitmask over ssa_groups[] that the socket allows
 * @session_ttl: TLS_SESSION_TTL in seconds
 * @peer_auth: TLS_REQUEST_PEER_AUTH
 * @error: TLS_ERROR, the last failure in words, written and read only
 *	under @error_lock (ssa_sock_set_error(), ssa_sock_copy_error())
 * @error_lock: guards @error; any context but hard interrupts
 * @state: enum ssa_state
 * @flags: SSA_F_* bits
 * @hs_err: negative errno of a failed connect/handshake
 * @rx_err: negative errno that ends reading (fatal alert, KeyUpdate)
 * @standin: kTLS's stand-in socket (ktls.c), from the first hand-off on
 * @ctl: the control message being reassembled (record.c)
 * @rx_wait: readers waiting for SSA_F_RX_BUSY
 * @hs_work: the engine's work item for this handshake (engine.c)
 * @hs_sock: the socket the handshake runs on (a client's file pinned)
 * @hs: mbedTLS's state while the handshake runs, or NULL
 * @hs_timer: the handshake's deadline, and a check once a second
 * @hs_start: jiffies when the engine took the handshake
 * @hs_deadline: jiffies when it times out
 * @hs_timeout_s: the policy's handshake_timeout it runs under
 * @hs_data_ready: the socket's sk_data_ready while the engine has it
 * @hs_write_space: the socket's sk_write_space while the engine has it
 * @hs_state_change: the socket's sk_state_change while the engine has it
 * @quota: the handshake quotas this socket holds
 * @opt_lock: held by a handshake step, and by setsockopt()/getsockopt() at
 *	levels the kernel serves (it may hold the socket lock while it touches
 *	the caller's memory, which a page fault can make wait for ever): a
 *	step tries it, and waits for no application
 * @orig_state_change: sk_state_change to restore once TCP is up
 * @trust: pinned anchors (TLS_TRUSTED_PEER_CERTIFICATES) or NULL
 * @version: negotiated TLS version
 * @cipher: negotiated suite (IANA)
 * @alpn_selected: negotiated ALPN protocol (1-255 bytes, RFC 7301), or NULL
 * @peer_identity: peer certificate subject, or NULL
 * @peer_der: the peer's chain as DER certificates back to back, or NULL
 * @peer_der_len: bytes in @peer_der
 * @resumed: the handshake resumed a session
 * @creds: own chain/key pairs (TLS_CERTIFICATE_CHAIN/TLS_PRIVATE_KEY)
 * @lsn: a listening socket's accept machinery (server.c), or NULL
 * @parent: an accepted connection's listener, or NULL (a client)
 * @accept_node: on the listener's pending list during the handshake,
 *	then on its ready list until accept()
 * @app: the program that created the socket
 * @exe: its executable's path as the program saw it (for display), or NULL
 * @profile: the policy profile its executable matched (ssa_policy_profile()),
 *	by the profile's path, or NULL for [default] only
 * @pid: its process id
 * @node: on the list of live SSA sockets (securityfs "connections")
 * @resume: a TLS 1.3 client's resumption secret, for tickets to come
 *
 * Option fields are written under lock_sock(); the handshake fields by
 * the worker while it owns the socket; freed from sk_destruct.
 */
struct ssa_sock {
	u64 id;
	struct sock *sk;
	enum ssa_state state;
	unsigned long flags;
	int hs_err;
	int rx_err;
	struct ssa_ctl_rx ctl;
	wait_queue_head_t rx_wait;
	struct ssa_ulp_standin *standin;
	struct work_struct hs_work;
	struct socket *hs_sock;
	struct ssa_hs *hs;
	struct timer_list hs_timer;
	unsigned long hs_start;
	unsigned long hs_deadline;
	unsigned int hs_timeout_s;
	void (*hs_data_ready)(struct sock *sk);
	void (*hs_write_space)(struct sock *sk);
	void (*hs_state_change)(struct sock *sk);
	struct ssa_quota_hold quota;
	struct mutex opt_lock;
	void (*orig_state_change)(struct sock *sk);
	struct ssa_trust *trust;
	u16 version;
	u16 cipher;
	char *alpn_selected;
	char *peer_identity;
	u8 *peer_der;
	u32 peer_der_len;
	bool resumed;
	struct ssa_creds *creds;
	struct ssa_listener *lsn;
	struct ssa_listener *parent;
	struct list_head accept_node;
	struct ssa_app app;
	char *exe;
	char *profile;
	pid_t pid;
	struct list_head node;
	struct ssa_resume *resume;
	char *hostname;
	char *alpn;
	u16 version_min;
	u16 version_max;
	u32 ciphers;
	u32 groups;
	int session_ttl;
	int peer_auth;
	spinlock_t error_lock;
	char error[SSA_ERROR_LEN];
};

int ssa_sock_attach(struct sock *sk);
int ssa_sock_attach_child(struct sock *sk, const struct ssa_sock *parent);
struct ssa_sock *ssa_sock_get(const struct sock *sk);
bool ssa_state_move(struct ssa_sock *ssk, enum ssa_state from, enum ssa_state to);
__printf(2, 3) void ssa_sock_set_error(struct ssa_sock *ssk, const char *fmt, ...);
void ssa_sock_copy_error(struct ssa_sock *ssk, char *buf, size_t size);
long ssa_sock_count(void);
size_t ssa_sock_state_bytes(void);
int ssa_sock_init(void);
void ssa_sock_exit(void);

/* --- stats.c: module-wide counters, shown in securityfs "stats" ------------ */

enum ssa_stat {
	SSA_STAT_CLIENT_OK,
	SSA_STAT_CLIENT_FAILED,
	SSA_STAT_SERVER_OK,
	SSA_STAT_SERVER_FAILED,
	SSA_STAT_RESUMED,
	SSA_STAT_IN_FLIGHT,	/* a gauge: handshakes running now */
	SSA_STAT_HS_CONTEXTS,	/* a gauge: of those, with mbedTLS's context made */
	SSA_STAT_FAIL_CERT,	/* failures by reason, from the errno */
	SSA_STAT_FAIL_PROTO,
	SSA_STAT_FAIL_TIMEOUT,
	SSA_STAT_FAIL_RESET,
	SSA_STAT_FAIL_ABORTED,
	SSA_STAT_FAIL_POLICY,
	SSA_STAT_FAIL_OTHER,
	SSA_STAT_REVOKED,	/* certificates found revoked */
	SSA_STAT_OCSP_GOOD,	/* OCSP staples that said good */
	SSA_STAT_OCSP_BAD,	/* OCSP staples refused: forged, stale, not ours */
	SSA_STAT_OCSP_STAPLED,	/* OCSP staples an SSA server sent */
	SSA_STAT_COUNT,
};

struct seq_file;
void ssa_stat_inc(enum ssa_stat s);
void ssa_stat_dec(enum ssa_stat s);
void ssa_stat_failure(int err);
long ssa_stat_read(enum ssa_stat s);
void ssa_stats_show(struct seq_file *m);
int ssa_conns_show(struct seq_file *m, void *v);
size_t ssa_conns_size(void);
int ssa_sock_error(const struct ssa_sock *ssk);

/* --- proto.c: IPPROTO_TLS registration and socket ops ------------------- */

/**
 * struct ssa_family - one address family's IPPROTO_TLS plumbing
 * @prot: copy of the family's TCP proto, owned by this module
 * @ops: copy of the family's stream proto_ops with overrides
 * @base_prot: the genuine TCP proto the copy was made from
 * @base_ops: the genuine stream proto_ops the copy was made from
 * @protosw: the registration entry
 * @registered: @protosw is on the family's list
 */
struct ssa_family {
	struct proto prot;
	struct proto_ops ops;
	struct proto *base_prot;
	const struct proto_ops *base_ops;
	struct inet_protosw protosw;
	bool registered;
};

struct ssa_family *ssa_family_get(const struct sock *sk);
void ssa_state_change_unhook(struct sock *sk, struct ssa_sock *ssk);
int ssa_data_gate(struct socket *sock, bool nonblock, bool send);
int ssa_opt_locked_set(struct socket *sock, const struct proto_ops *ops, int level,
		       int optname, sockptr_t optval, unsigned int optlen);
int ssa_opt_locked_get(struct socket *sock, const struct proto_ops *ops, int level,
		       int optname, char __user *optval, int __user *optlen);

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

/* --- trust.c: trust anchors ----------------------------------------------- */

void *ssa_read_file(const char *path, size_t *len);
void *ssa_read_file_granted(const char *path, size_t *len);
int ssa_init_path(const char *name, struct path *out);
struct ssa_trust *ssa_trust_parse(const char *pem, size_t len, const char **err);
struct ssa_trust *ssa_trust_system(void);
struct ssa_trust *ssa_trust_pinned(const char *pem, size_t len, const char **err);
struct ssa_trust *ssa_trust_get(struct ssa_trust *t);
void ssa_trust_put(struct ssa_trust *t);
struct mbedtls_x509_crt *ssa_trust_chain(struct ssa_trust *t);
const u8 *ssa_trust_digest(const struct ssa_trust *t);
int ssa_trust_replace(const char *pem, size_t len);
int ssa_trust_show(struct seq_file *m, void *v);
void ssa_trust_init(void);
void ssa_trust_exit(void);

/* --- crl.c: the administrator's revocation lists ----------------------------- */

struct ssa_crl_set;
struct mbedtls_x509_crl;
struct mbedtls_x509_crt;
struct ssa_crl_set *ssa_crl_get(void);
void ssa_crl_put(struct ssa_crl_set *s);
struct mbedtls_x509_crl *ssa_crl_list(struct ssa_crl_set *s);
u64 ssa_crl_gen(const struct ssa_crl_set *s);
bool ssa_crl_from_issuer(const struct ssa_crl_set *s, const struct mbedtls_x509_crt *crt);
int ssa_crl_replace(char *pem, size_t len, bool locked);
int ssa_crl_show(struct seq_file *m, void *v);
void ssa_crl_stats(unsigned int *loaded, unsigned int *stale);
void ssa_crl_exit(void);

/* ocsp.c: stapled OCSP responses */
enum ssa_ocsp_status {
	SSA_OCSP_GOOD,
	SSA_OCSP_REVOKED,
	SSA_OCSP_UNKNOWN,
};

/**
 * struct ssa_ocsp_info - what a response says, for a server to staple it
 * @serial: the certificate's serial, pointing into the response
 * @serial_len: its length
 * @this_update: when the responder said it
 * @expiry: when it stops counting (nextUpdate, or thisUpdate plus 4 days;
 *	no later than a delegated responder's notAfter)
 * @signer_key: a delegated responder's SubjectPublicKeyInfo, pointing into
 *	the response; NULL if the issuer signed
 * @signer_key_len: its length
 */
struct ssa_ocsp_info {
	const u8 *serial;
	size_t serial_len;
	time64_t this_update, expiry;
	const u8 *signer_key;
	size_t signer_key_len;
};

int ssa_ocsp_check(const u8 *der, size_t len, const struct mbedtls_x509_crt *leaf,
		   const struct mbedtls_x509_crt *issuer, time64_t now, const char **why);
int ssa_ocsp_inspect(const u8 *der, size_t len, const struct mbedtls_x509_crt *issuer,
		     time64_t now, struct ssa_ocsp_info *info, const char **why);
bool ssa_ocsp_must_staple(const struct mbedtls_x509_crt *crt);

/* --- staple.c: the administrator's OCSP responses, for SSA servers --------- */

int ssa_staple_replace(char *pem, size_t len);
int ssa_staple_for(const struct mbedtls_x509_crt *leaf, u8 **der, size_t *len);
int ssa_staple_show(struct seq_file *m, void *v);
void ssa_staple_exit(void);

/* --- cred.c: own certificates and keys ------------------------------------- */

struct mbedtls_x509_crt;
struct mbedtls_pk_context;
void ssa_creds_put(struct ssa_creds *c);
struct ssa_creds *ssa_creds_get(struct ssa_creds *c);
struct ssa_cred_part;
struct ssa_cred_part *ssa_cred_parse_chain(const char *pem, size_t len, const char **why);
struct ssa_cred_part *ssa_cred_parse_key(const char *pem, size_t len, const char **why);
void ssa_cred_part_free(struct ssa_cred_part *part);
int ssa_creds_attach(struct ssa_sock *ssk, struct ssa_cred_part *part);
int ssa_creds_add(struct ssa_sock *ssk, const char *pem, size_t len, bool key);
int ssa_creds_check(struct ssa_sock *ssk, bool need);
unsigned int ssa_creds_count(const struct ssa_creds *c);
struct mbedtls_x509_crt *ssa_creds_pair(struct ssa_creds *c, unsigned int i,
					struct mbedtls_pk_context **key);
unsigned int ssa_creds_for_name(const struct ssa_creds *c, const char *host);

/* --- server.c: listen() and accept() ------------------------------------------ */

struct mbedtls_ssl_ticket_context;
int ssa_listen(struct socket *sock, int backlog);
int ssa_accept_ready(struct socket *sock, struct socket *newsock, int flags);
__poll_t ssa_listen_poll(struct ssa_sock *ssk);
void ssa_listener_close(struct ssa_sock *ssk);
void ssa_listener_free(struct ssa_listener *lsn);
void ssa_server_done(struct ssa_sock *ssk, int err);
bool ssa_server_abandoned(const struct ssa_sock *ssk);
struct mbedtls_ssl_ticket_context *ssa_server_tickets(struct ssa_sock *ssk);
struct mem_cgroup;
struct mem_cgroup *ssa_server_memcg(const struct ssa_sock *ssk);

/* --- policy.c, securityfs.c: the administrator's policy ------------------------ */

int ssa_policy_init(void);
void ssa_policy_exit(void);
int ssa_policy_load(const char *text, size_t len);
int ssa_policy_last_error(char *buf, size_t size);
char *ssa_policy_show(void);
void ssa_policy_for(const char *exe, struct ssa_pol_settings *out);
void ssa_policy_for_gen(const char *exe, struct ssa_pol_settings *out, u64 *gen);
char *ssa_policy_profile(struct file *exe);
bool ssa_policy_may_use(const char *exe, const char *path);
void ssa_policy_lock_down(void);
int ssa_policy_trust_replace(const char *pem, size_t len);
int ssa_policy_crl_replace(char *pem, size_t len);
void ssa_securityfs_init(void);
void ssa_securityfs_exit(void);

/* --- session.c: client session resumption ------------------------------------ */

struct mbedtls_ssl_context;
/**
 * struct ssa_session_terms - what a session was verified and negotiated
 * under, besides the socket's own limits
 * @policy_gen: the policy's generation (ssa_policy_for_gen())
 * @sigalgs: signature schemes allowed (bitmask over ssa_sigalgs[])
 * @verify: the peer's chain and name were verified
 * @crl_gen: the CRLs it was checked against (ssa_crl_gen()), 0 for none
 */
struct ssa_session_terms {
	u64 policy_gen;
	u32 sigalgs;
	u32 verify;
	u64 crl_gen;
};

bool ssa_session_key(const struct ssa_sock *ssk, struct ssa_trust *trust,
		     const struct ssa_session_terms *terms, u8 *key);
void ssa_session_flush(void);
/**
 * struct ssa_session_peer - the peer a cached session was made with
 * @id: its subject (TLS_PEER_IDENTITY), or NULL
 * @der: its chain, DER certificates back to back, or NULL
 * @der_len: bytes in @der
 */
struct ssa_session_peer {
	char *id;
	u8 *der;
	u32 der_len;
};

bool ssa_session_offer(struct mbedtls_ssl_context *ssl, const u8 *key,
		       struct ssa_session_peer *peer);
void ssa_session_peer_free(struct ssa_session_peer *p);
void ssa_session_keep(struct ssa_sock *ssk, struct mbedtls_ssl_context *ssl, const u8 *key);
int ssa_session_ticket(struct ssa_sock *ssk, const u8 *msg, size_t len);
bool ssa_session_wants_ticket(const struct ssa_sock *ssk);
void ssa_resume_free(struct ssa_resume *r);
void ssa_session_exit(void);

/* --- verify.c: peer identity ------------------------------------------------ */

struct mbedtls_x509_crt;
bool ssa_host_is_ip(const char *host);
bool ssa_dns_id_matches(const char *pattern, size_t plen, const char *host);
bool ssa_cert_matches_peer(const struct mbedtls_x509_crt *crt, const char *host,
			   const struct sock *sk);
const char *ssa_verify_reason(u32 flags, bool self_signed);

/* --- namecons.c: X.509 name constraints ------------------------------------ */

int ssa_x509_crt_parse_der(struct mbedtls_x509_crt *chain, const unsigned char *buf,
			   size_t len);
int ssa_x509_crt_parse(struct mbedtls_x509_crt *chain, const unsigned char *buf, size_t len);
int ssa_nc_find(const struct mbedtls_x509_crt *crt, const u8 **p, size_t *len);
const char *ssa_nc_check(const u8 *nc, size_t nc_len, const struct mbedtls_x509_crt *crt);

/* --- engine.c: when handshakes run ------------------------------------------ */

extern struct workqueue_struct *ssa_wq;
extern struct workqueue_struct *ssa_srv_wq;
int ssa_handshake_init(void);
void ssa_handshake_exit(void);
bool ssa_handshake_queue(struct ssa_sock *ssk, struct socket *sock);
void ssa_handshake_queue_server(struct ssa_sock *ssk, struct socket *sock);
void ssa_handshake_kick(struct ssa_sock *ssk);
void ssa_handshake_init_sock(struct ssa_sock *ssk);
bool ssa_sock_owned(struct sock *sk);
void ssa_handshake_release_cb(struct sock *sk);

/* --- quota.c: handshakes in flight ------------------------------------------ */

/**
 * struct ssa_quota_waiter - a listener waiting for the machine-wide quota
 * @node: on the waiters' list, or empty
 * @limit: the machine-wide limit it waits under
 * @pin: under the quota lock: keep the waiter alive until @wake (false: it goes)
 * @wake: after the lock: let it try again
 */
struct ssa_quota_waiter {
	struct list_head node;
	unsigned int limit;
	bool (*pin)(struct ssa_quota_waiter *w);
	void (*wake)(struct ssa_quota_waiter *w);
};

void ssa_quota_init(void);
int ssa_quota_client(struct ssa_sock *ssk);
bool ssa_quota_total_take(struct ssa_quota_waiter *w, unsigned int limit);
void ssa_quota_total_untake(void);
void ssa_quota_unwait(struct ssa_quota_waiter *w);
void ssa_quota_wake_next(void);
int ssa_quota_server(struct ssa_sock *ssk, unsigned int limit);
void ssa_quota_peek_addr(const struct sock *sk, struct in6_addr *key);
unsigned int ssa_quota_addr_count(const struct in6_addr *key);
void ssa_quota_release(struct ssa_sock *ssk);

/* --- handshake.c: one handshake ------------------------------------------------ */

struct ssa_hs;
int ssa_hs_begin(struct ssa_sock *ssk, struct socket *sock, struct ssa_hs **hs_out);
int ssa_hs_advance(struct ssa_hs *hs, u64 budget_ns);
int ssa_hs_complete(struct ssa_hs *hs);
void ssa_hs_free(struct ssa_hs *hs);
size_t ssa_hs_context_bytes(void);

/* --- hs_error.c: a failed handshake in errno and words ------------------------ */

int ssa_hs_error(struct ssa_sock *ssk, int ret, int sock_err, u32 flags,
		 bool self_signed, int alert);

/* --- peer.c: the peer's identity ---------------------------------------------- */

int ssa_peer_chain_keep(struct ssa_sock *ssk, const struct mbedtls_x509_crt *peer);
char *ssa_peer_chain_pem(const struct ssa_sock *ssk);

/* --- keys.c, ktls.c, post.c: the key schedule, the hand-off, the ops after -- */

#define SSA_KEY_MAX		32
#define SSA_IV_MAX		12
#define SSA_CRYPTO_INFO_MAX	64

/**
 * struct ssa_cipher_desc - how kTLS carries one cipher suite
 * @iana: suite number
 * @cipher: TLS_CIPHER_*
 * @key_len: key bytes
 * @salt_len: implicit nonce bytes in crypto_info (0 for ChaCha20)
 * @iv_len: crypto_info iv bytes
 * @info_size: sizeof the tls12_crypto_info_* structure
 * @off_iv: offset of iv in it
 * @off_key: offset of key
 * @off_salt: offset of salt
 * @off_seq: offset of rec_seq
 * @md: the suite's hash (mbedtls_md_type_t)
 */
struct ssa_cipher_desc {
	u16 iana;
	u16 cipher;
	u8 key_len;
	u8 salt_len;
	u8 iv_len;
	u8 info_size;
	u8 off_iv;
	u8 off_key;
	u8 off_salt;
	u8 off_seq;
	int md;
};

/**
 * struct ssa_traffic_keys - one direction's keys
 * @key: AEAD key
 * @iv: TLS 1.3 IV, or TLS 1.2 fixed IV
 * @seq: next record sequence number, big-endian
 */
struct ssa_traffic_keys {
	u8 key[SSA_KEY_MAX];
	u8 iv[SSA_IV_MAX];
	u8 seq[8];
};

const struct ssa_cipher_desc *ssa_cipher_desc_find(u16 iana);
int ssa_tls13_traffic_keys(const struct ssa_cipher_desc *desc, const u8 *secret,
			   size_t secret_len, struct ssa_traffic_keys *k);
int ssa_tls12_traffic_keys(const struct ssa_cipher_desc *desc, int prf,
			   const u8 *master, const u8 *client_random,
			   const u8 *server_random, struct ssa_traffic_keys *client,
			   struct ssa_traffic_keys *server);
unsigned int ssa_ktls_fill(const struct ssa_cipher_desc *desc, u16 version,
			   const struct ssa_traffic_keys *k, u8 *info);
int ssa_ktls_attach(struct socket *sock, struct ssa_sock *ssk);
int ssa_ktls_install(struct socket *sock, struct ssa_sock *ssk,
		     const u8 *tx, const u8 *rx, unsigned int len);
void ssa_ktls_free(struct ssa_sock *ssk);
const struct proto_ops *ssa_post_ops_get(struct sock *sk, const struct proto_ops *ktls);
void ssa_post_ops_exit(void);

/* --- record.c: non-data records after the handshake --------------------------- */

/* TLS ContentType (RFC 8446 5.1); the kernel's own names moved in 6.x. */
#define SSA_CT_CHANGE_CIPHER_SPEC	20
#define SSA_CT_ALERT			21
#define SSA_CT_HANDSHAKE		22
#define SSA_CT_APPLICATION_DATA		23
#define SSA_HS_NEW_SESSION_TICKET	4	/* HandshakeType */

/* Largest post-handshake handshake message accepted (body bytes). */
#define SSA_CTL_MSG_MAX			(16 << 10)

const char *ssa_alert_name(u8 desc);
int ssa_control_record(struct ssa_sock *ssk, u8 type, const u8 *body, int len);
int ssa_rx_lock(struct ssa_sock *ssk, bool nonblock);
void ssa_rx_unlock(struct ssa_sock *ssk);
int ssa_rx_read(struct socket *sock, const struct proto_ops *ktls, void *buf,
		size_t len, int flags, u8 *type, bool *eor);
/* Control or empty records one read call handles before it yields. */
#define SSA_RX_BUDGET			64

/**
 * struct ssa_rx_budget - what one read call has handled (record.c)
 * @spent: control or empty records so far
 * @start: jiffies when the call began
 * @timeo: the call's SO_RCVTIMEO, or 0 if it does not wait
 * @wake: records were left queued: wake pollers after unlocking
 */
struct ssa_rx_budget {
	unsigned int spent;
	unsigned long start;
	long timeo;
	bool wake;
};

void ssa_rx_budget_init(struct ssa_rx_budget *b, struct sock *sk, bool nb);
void ssa_rx_wake(struct sock *sk);
int ssa_rx_ready(struct socket *sock, const struct proto_ops *ktls,
		 struct ssa_sock *ssk, int nb, struct ssa_rx_budget *b);
int ssa_rx_empty_again(struct sock *sk, struct ssa_rx_budget *b, int nb, bool peek);
bool ssa_rx_poll_idle(struct socket *sock, const struct proto_ops *ktls, struct ssa_sock *ssk);
bool ssa_rx_done(const struct ssa_sock *ssk);
void ssa_rx_free(struct ssa_sock *ssk);

#endif /* _SSA_TLS_SSA_H */
