// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target for the policy parser (net/tls_ssa/policy_parse.c),
 * the same code the kernel runs on every write to securityfs "policy".
 *
 * Besides memory and UB errors (ASan, UBSan), it checks two properties:
 * a policy that parses formats to a text that parses to the same policy,
 * and the effective settings of a profile never exceed [default]'s.
 *
 *   make fuzz                    bounded run (FUZZ_TIME seconds, default 30)
 *   make fuzz FUZZ_TIME=3600     longer, by hand
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "policy_parse.h"

static struct ssa_policy p, q;
static char text[SSA_POL_TEXT_MAX * 2];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ssa_pol_settings eff;
	struct ssa_pol_error err;
	unsigned int i;
	int len;

	if (ssa_policy_parse((const char *)data, size, &p, &err)) {
		if (!err.msg[0] || strlen(err.msg) >= sizeof(err.msg))
			abort();	/* every refusal says why */
		return 0;
	}
	len = ssa_policy_format(&p, text, sizeof(text));
	if (len < 0 || (size_t)len >= sizeof(text))
		abort();
	if (ssa_policy_parse(text, len, &q, &err) || memcmp(&p, &q, sizeof(p)))
		abort();	/* the canonical form must mean the same */
	for (i = 0; i <= p.napps; i++) {
		ssa_policy_effective(&p, i ? p.apps[i - 1].exe : NULL, &eff);
		if (eff.min_version < p.def.min_version || eff.max_version > p.def.max_version ||
		    (eff.ciphers & ~p.def.ciphers) || (eff.groups & ~p.def.groups) ||
		    (eff.sigalgs & ~p.def.sigalgs) || eff.verify < p.def.verify ||
		    eff.app_trust_anchors > p.def.app_trust_anchors ||
		    eff.session_ttl > p.def.session_ttl ||
		    eff.handshake_timeout > p.def.handshake_timeout ||
		    eff.max_handshakes > p.def.max_handshakes)
			abort();	/* a profile only narrows */
	}
	return 0;
}
