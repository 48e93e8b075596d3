// SPDX-License-Identifier: GPL-2.0
/*
 * tls_ssa - the Secure Socket API: TLS as a socket protocol.
 *
 * Module entry: brings up mbedTLS, makes sure kTLS (tls.ko) is loaded,
 * and registers IPPROTO_TLS.
 */

#include <linux/module.h>
#include <linux/kmod.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"
#include "ssa_mbedtls_platform.h"

static int __init ssa_init(void)
{
	int err;

	/* An unprivileged TCP_ULP cannot autoload tls.ko, and the hand-off
	 * to kTLS happens in our context, so load it here (design.rst §5 rule 3).
	 */
	if (IS_MODULE(CONFIG_TLS)) {
		err = request_module("tls");
		if (err)
			pr_warn("could not load the kernel TLS module (%d)\n",
				err);
	}

	err = ssa_sock_init();
	if (err)
		return err;
	err = ssa_mbedtls_init();
	if (err)
		goto err_mbedtls;
	ssa_quota_init();
	err = ssa_handshake_init();
	if (err)
		goto err_handshake;
	err = ssa_policy_init();
	if (err)
		goto err_policy;
	ssa_trust_init();
	err = ssa_proto_init();
	if (err)
		goto err_proto;
	ssa_securityfs_init();

	pr_info("IPPROTO_TLS (%d) registered, %s\n", IPPROTO_TLS,
		MBEDTLS_VERSION_STRING_FULL);
	return 0;

err_proto:
	ssa_trust_exit();
	ssa_policy_exit();
err_policy:
	ssa_handshake_exit();
err_handshake:
	ssa_mbedtls_exit_all();
err_mbedtls:
	ssa_sock_exit();
	return err;
}

static void __exit ssa_exit(void)
{
	ssa_securityfs_exit();
	ssa_proto_exit();
	ssa_post_ops_exit();
	ssa_staple_exit();
	ssa_crl_exit();
	ssa_trust_exit();
	ssa_handshake_exit();
	ssa_policy_exit();
	ssa_session_exit();
	ssa_mbedtls_exit_all();
	ssa_sock_exit();
}

module_init(ssa_init);
module_exit(ssa_exit);

MODULE_DESCRIPTION("Secure Socket API: TLS as an operating-system service");
MODULE_AUTHOR("The tls_ssa developers");
MODULE_LICENSE("GPL");
MODULE_VERSION(SSA_VERSION);
MODULE_SOFTDEP("pre: tls");
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET, IPPROTO_TLS, SOCK_STREAM);
MODULE_ALIAS_NET_PF_PROTO_TYPE(PF_INET6, IPPROTO_TLS, SOCK_STREAM);
