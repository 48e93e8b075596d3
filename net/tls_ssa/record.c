// SPDX-License-Identifier: GPL-2.0
/*
 * What to do with a TLS record that is not application data, once kTLS
 * carries the connection: the application only ever sees data, EOF or
 * an error (DESIGN §4).
 */

#include <linux/kernel.h>

#include "tls_ssa.h"

#define SSA_HS_KEY_UPDATE		24

#define SSA_ALERT_CLOSE_NOTIFY		0
#define SSA_ALERT_USER_CANCELED		90

/**
 * ssa_alert_name() - the RFC 8446 name of an alert description
 * @desc: alert description byte
 *
 * Return: a static string.
 */
const char *ssa_alert_name(u8 desc)
{
	switch (desc) {
	case 10: return "unexpected_message";
	case 20: return "bad_record_mac";
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 47: return "illegal_parameter";
	case 48: return "unknown_ca";
	case 50: return "decode_error";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 80: return "internal_error";
	case 86: return "inappropriate_fallback";
	case 109: return "missing_extension";
	case 112: return "unrecognized_name";
	case 116: return "certificate_required";
	case 120: return "no_application_protocol";
	default: return "alert";
	}
}

static int ssa_record_fail(struct ssa_sock *ssk, int err)
{
	ssk->rx_err = err;
	return err;
}

/**
 * ssa_control_record() - handle one non-data record kTLS delivered
 * @ssk: the socket's state (caller holds the receive path)
 * @type: TLS content type
 * @body: an alert's two bytes, or a handshake message's 4-byte header
 * @len: the message's length
 *
 * Return: 1 to go on reading (the record was consumed), 0 for EOF
 * (close_notify), or a negative errno that ends the connection:
 * -ECONNRESET for a fatal alert, -EPROTO for what the protocol forbids
 * or this kernel cannot do.  TLS_ERROR says which.
 */
int ssa_control_record(struct ssa_sock *ssk, u8 type, const u8 *body, int len)
{
	switch (type) {
	case SSA_CT_ALERT:
		if (len != 2) {
			ssa_sock_set_error(ssk, "malformed alert record from the peer");
			return ssa_record_fail(ssk, -EPROTO);
		}
		if (body[1] == SSA_ALERT_CLOSE_NOTIFY) {
			set_bit(SSA_F_RX_EOF, &ssk->flags);
			return 0;
		}
		if (body[1] == SSA_ALERT_USER_CANCELED)
			return 1;
		ssa_sock_set_error(ssk, "peer sent a fatal alert: %s (%u)",
				   ssa_alert_name(body[1]), body[1]);
		return ssa_record_fail(ssk, -ECONNRESET);
	case SSA_CT_HANDSHAKE:
		if (body[0] == SSA_HS_NEW_SESSION_TICKET &&
		    ssk->version == TLS_VERSION_1_3)
			return 1;	/* consumed (session.c kept it if wanted) */
		if (body[0] == SSA_HS_KEY_UPDATE && ssk->version == TLS_VERSION_1_3) {
			ssa_sock_set_error(ssk, "peer sent KeyUpdate: this kernel's TLS record layer cannot change keys");
			return ssa_record_fail(ssk, -EPROTO);
		}
		ssa_sock_set_error(ssk, "unexpected handshake message %u after the handshake%s",
				   body[0], ssk->version == TLS_VERSION_1_2 ?
				   " (renegotiation is not supported)" : "");
		return ssa_record_fail(ssk, -EPROTO);
	default:
		ssa_sock_set_error(ssk, "unexpected record type %u after the handshake", type);
		return ssa_record_fail(ssk, -EPROTO);
	}
}
