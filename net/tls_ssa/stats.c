// SPDX-License-Identifier: GPL-2.0
/*
 * Module-wide counters and gauges, shown in securityfs "stats" as one
 * "name value" line each.
 */

#include <linux/kernel.h>
#include <linux/atomic.h>
#include <linux/seq_file.h>

#include "tls_ssa.h"

static atomic_long_t ssa_stats[SSA_STAT_COUNT];

/**
 * ssa_stat_inc() - count an event
 * @s: the counter
 */
void ssa_stat_inc(enum ssa_stat s)
{
	atomic_long_inc(&ssa_stats[s]);
}

/**
 * ssa_stat_dec() - lower a gauge
 * @s: the counter
 */
void ssa_stat_dec(enum ssa_stat s)
{
	atomic_long_dec(&ssa_stats[s]);
}

/**
 * ssa_stat_failure() - count a failed handshake by its reason
 * @err: the negative errno it failed with
 */
void ssa_stat_failure(int err)
{
	switch (err) {
	case -EKEYREJECTED:
		ssa_stat_inc(SSA_STAT_FAIL_CERT);
		break;
	case -EPROTO:
		ssa_stat_inc(SSA_STAT_FAIL_PROTO);
		break;
	case -ETIMEDOUT:
		ssa_stat_inc(SSA_STAT_FAIL_TIMEOUT);
		break;
	case -ECONNRESET:
		ssa_stat_inc(SSA_STAT_FAIL_RESET);
		break;
	case -ECONNABORTED:
		ssa_stat_inc(SSA_STAT_FAIL_ABORTED);
		break;
	case -EPERM:
		ssa_stat_inc(SSA_STAT_FAIL_POLICY);
		break;
	default:
		ssa_stat_inc(SSA_STAT_FAIL_OTHER);
	}
}

static const char *const ssa_stat_names[SSA_STAT_COUNT] = {
	[SSA_STAT_CLIENT_OK] = "client_handshakes_ok",
	[SSA_STAT_CLIENT_FAILED] = "client_handshakes_failed",
	[SSA_STAT_SERVER_OK] = "server_handshakes_ok",
	[SSA_STAT_SERVER_FAILED] = "server_handshakes_failed",
	[SSA_STAT_RESUMED] = "sessions_resumed",
	[SSA_STAT_IN_FLIGHT] = "handshakes_in_flight",
	[SSA_STAT_HS_CONTEXTS] = "handshakes_with_context",
	[SSA_STAT_FAIL_CERT] = "failed_certificate",
	[SSA_STAT_FAIL_PROTO] = "failed_protocol",
	[SSA_STAT_FAIL_TIMEOUT] = "failed_timeout",
	[SSA_STAT_FAIL_RESET] = "failed_reset",
	[SSA_STAT_FAIL_ABORTED] = "failed_aborted",
	[SSA_STAT_FAIL_POLICY] = "failed_policy",
	[SSA_STAT_FAIL_OTHER] = "failed_other",
	[SSA_STAT_REVOKED] = "revoked_certificates",
	[SSA_STAT_OCSP_GOOD] = "ocsp_staples_good",
	[SSA_STAT_OCSP_BAD] = "ocsp_staples_refused",
	[SSA_STAT_OCSP_STAPLED] = "ocsp_staples_sent",
};

/**
 * ssa_stat_read() - read a counter
 * @s: the counter
 *
 * Return: events counted since the module loaded.
 */
long ssa_stat_read(enum ssa_stat s)
{
	return atomic_long_read(&ssa_stats[s]);
}

/**
 * ssa_stats_show() - the counters, one "name value" line each
 * @m: the output
 */
void ssa_stats_show(struct seq_file *m)
{
	unsigned int i, crls, stale;

	ssa_crl_stats(&crls, &stale);
	seq_printf(m, "sockets_active %ld\n", ssa_sock_count());
	seq_printf(m, "state_bytes %zu\n", ssa_sock_state_bytes());
	seq_printf(m, "handshake_context_bytes %zu\n", ssa_hs_context_bytes());
	for (i = 0; i < SSA_STAT_COUNT; i++)
		seq_printf(m, "%s %ld\n", ssa_stat_names[i], ssa_stat_read(i));
	seq_printf(m, "crls_loaded %u\n", crls);
	seq_printf(m, "crls_stale %u\n", stale);
}

/* --- securityfs "connections" ---------------------------------------------------- */
