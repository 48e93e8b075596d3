// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: X.509 name constraints (namecons.c).
 *
 *  - parsing: mbedTLS alone refuses a CA whose nameConstraints extension
 *    is critical; ssa_x509_crt_parse() takes it, still refuses any other
 *    unknown critical extension and malformed constraints, and keeps
 *    mbedtls_x509_crt_parse()'s contract for PEM bundles;
 *  - checking: names inside and outside permitted dNSName, iPAddress and
 *    directoryName subtrees, excluded subtrees (wildcards that could
 *    stand for an excluded name included), label boundaries, and a form
 *    tls_ssa cannot check (rfc822Name).
 *
 * The certificates come from tools/testing/mk-namecons-certs (OpenSSL);
 * that script says what each one holds.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "tls_ssa.h"
#include "ssa_mbedtls.h"

static const char ssa_nc_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIB8jCCAZmgAwIBAgIUBDvPqHkhWMhTobSx4ou3zvqpck0wCgYIKoZIzj0EAwIw\n"
	"IzERMA8GA1UECgwIR29vZCBPcmcxDjAMBgNVBAMMBU5DIENBMCAXDTI2MTIwMTE0\n"
	"Mjc1N1oYDzIxMjYxMTA3MTQyNzU3WjAjMREwDwYDVQQKDAhHb29kIE9yZzEOMAwG\n"
	"A1UEAwwFTkMgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQgAj0ywU9ihFl3\n"
	"x3tqWFdsnec9ujPTU0H0uak3suUBW0UAQDd2BIe1lTHYiUcGXR48s2WQUX+2W8iC\n"
	"jyommFPjo4GoMIGlMA8GA1UdEwEB/wQFMAMBAf8wDgYDVR0PAQH/BAQDAgIEMGMG\n"
	"A1UdHgEB/wRZMFegNDANggtleGFtcGxlLmNvbTAKhwgKAAAA/wAAADAXpBUwEzER\n"
	"MA8GA1UECgwIR29vZCBPcmehHzARgg9iYWQuZXhhbXBsZS5jb20wCocICgkAAP//\n"
	"AAAwHQYDVR0OBBYEFMsR7nQXSGjgKTxOkAUytfbW+L6cMAoGCCqGSM49BAMCA0cA\n"
	"MEQCIDU9IeHDBGIMFRNMHPwTIbmMuJaPTnSxY1iAyuSROoFsAiBlfnTx2jJvY9Az\n"
	"dZk22gVtQAb+IKb+XmrCnfscmzOMHg==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_mail_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBfzCCASWgAwIBAgIUeaJpwKM8pZYEeuxRP/Z91MPB4g4wCgYIKoZIzj0EAwIw\n"
	"FTETMBEGA1UEAwwKTkMgbWFpbCBDQTAgFw0yNjEyMDExNDI3NTdaGA8yMTI2MTEw\n"
	"NzE0Mjc1N1owFTETMBEGA1UEAwwKTkMgbWFpbCBDQTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjUTBPMA8GA1UdEwEB/wQFMAMBAf8w\n"
	"HQYDVR0eAQH/BBMwEaAPMA2BC2V4YW1wbGUuY29tMB0GA1UdDgQWBBTLEe50F0ho\n"
	"4Ck8TpAFMrX21vi+nDAKBggqhkjOPQQDAgNIADBFAiEAlF3jp/NAdpbk/MAMjSOo\n"
	"8leiCGxTHPkJ679nZjvyLzICICciJ2ys8yVDv4XtVLdZgnJHGxuC3A/rHmwLrq4W\n"
	"prR4\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_empty_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBazCCARCgAwIBAgIUddDLpHRfps2/q/o8efpFWtV3pREwCgYIKoZIzj0EAwIw\n"
	"EzERMA8GA1UEAwwITkMgZW1wdHkwIBcNMjYxMjAxMTQyNzU3WhgPMjEyNjExMDcx\n"
	"NDI3NTdaMBMxETAPBgNVBAMMCE5DIGVtcHR5MFkwEwYHKoZIzj0CAQYIKoZIzj0D\n"
	"AQcDQgAEIAI9MsFPYoRZd8d7alhXbJ3nPboz01NB9LmpN7LlAVtFAEA3dgSHtZUx\n"
	"2IlHBl0ePLNlkFF/tlvIgo8qJphT46NAMD4wDwYDVR0TAQH/BAUwAwEB/zAMBgNV\n"
	"HR4BAf8EAjAAMB0GA1UdDgQWBBTLEe50F0ho4Ck8TpAFMrX21vi+nDAKBggqhkjO\n"
	"PQQDAgNJADBGAiEArdE7NJKYAhh0gbvy/9S0Nfy4l3rWD+cdgTavyQGTd/kCIQDB\n"
	"Ip13X4drtrxT4QIZI0irdLdfKGIFvZ7C8DM2XxNQ8g==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_empty_noncrit_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBhDCCASmgAwIBAgIURAAXjoMgxXbdBqdOqjoUsy6dK3EwCgYIKoZIzj0EAwIw\n"
	"ITEfMB0GA1UEAwwWTkMgZW1wdHksIG5vdCBjcml0aWNhbDAgFw0yNjEyMDExNDI3\n"
	"NTdaGA8yMTI2MTEwNzE0Mjc1N1owITEfMB0GA1UEAwwWTkMgZW1wdHksIG5vdCBj\n"
	"cml0aWNhbDBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABCACPTLBT2KEWXfHe2pY\n"
	"V2yd5z26M9NTQfS5qTey5QFbRQBAN3YEh7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaY\n"
	"U+OjPTA7MA8GA1UdEwEB/wQFMAMBAf8wCQYDVR0eBAIwADAdBgNVHQ4EFgQUyxHu\n"
	"dBdIaOApPE6QBTK19tb4vpwwCgYIKoZIzj0EAwIDSQAwRgIhAPICEP278T06dVt7\n"
	"XwS9FMgKa0wuXG+CmGJH3ygXQYPAAiEAuTBKnc1tQhdY0bvwV5BJwa8L7eU3nHPO\n"
	"/6j5bm3r9As=\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_max_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBfTCCASSgAwIBAgIUMj+z5+p9GklhBvIs5HJ5j4uTJ+owCgYIKoZIzj0EAwIw\n"
	"FTETMBEGA1UEAwwKTkMgbWF4aW11bTAgFw0yNjEyMDExNDI3NTdaGA8yMTI2MTEw\n"
	"NzE0Mjc1N1owFTETMBEGA1UEAwwKTkMgbWF4aW11bTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjUDBOMA8GA1UdEwEB/wQFMAMBAf8w\n"
	"HAYDVR0eAQH/BBIwDqAMMAqCB2V4LnRlc3SBAQUwHQYDVR0OBBYEFMsR7nQXSGjg\n"
	"KTxOkAUytfbW+L6cMAoGCCqGSM49BAMCA0cAMEQCIGeP+RDVnLkdEuBe1YhGElkX\n"
	"RctUhM4vTrb/4UCBl8vSAiBt4d7cYOGFnzM7P+n2+bsDXnBSC/pQ59X8FImwR7qY\n"
	"ZA==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_unknown_ca[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBgTCCASagAwIBAgIUTgGJ4gwmbQqimq0TIBTaiNcnJ9MwCgYIKoZIzj0EAwIw\n"
	"GzEZMBcGA1UEAwwQdW5rbm93biBjcml0aWNhbDAgFw0yNjEyMDExNDI3NTdaGA8y\n"
	"MTI2MTEwNzE0Mjc1N1owGzEZMBcGA1UEAwwQdW5rbm93biBjcml0aWNhbDBZMBMG\n"
	"ByqGSM49AgEGCCqGSM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5\n"
	"qTey5QFbRQBAN3YEh7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjRjBEMA8GA1Ud\n"
	"EwEB/wQFMAMBAf8wEgYJKwYBBAGDsgMBAQH/BAIFADAdBgNVHQ4EFgQUyxHudBdI\n"
	"aOApPE6QBTK19tb4vpwwCgYIKoZIzj0EAwIDSQAwRgIhANecETgu4uSKXA5iiCM+\n"
	"K4NG9MXLxdIqZEoqD5zfPuh4AiEA6AIaZgL9FYbfK0Ad52CgRFijnAZOOIue1/fr\n"
	"kqw+YBk=\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_ok[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBrTCCAVSgAwIBAgIUd92aIFex9vpNzV+aNv3eCyAKHdUwCgYIKoZIzj0EAwIw\n"
	"LTERMA8GA1UECgwIR29vZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTAg\n"
	"Fw0yNjEyMDExNDI3NTdaGA8yMTI2MTEwNzE0Mjc1N1owLTERMA8GA1UECgwIR29v\n"
	"ZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjUDBOMC0GA1UdEQQmMCSCD3d3dy5l\n"
	"eGFtcGxlLmNvbYILZXhhbXBsZS5jb22HBAoBAgMwHQYDVR0OBBYEFMsR7nQXSGjg\n"
	"KTxOkAUytfbW+L6cMAoGCCqGSM49BAMCA0cAMEQCIGkAg8gCObsh3nWS+28TRAja\n"
	"/xDQKods+RJJwnfemU0mAiB9JnnKahpexoZDgIAkY5AT+qeOmqlsnScJJuRLMQcF\n"
	"Iw==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dns_out[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBmzCCAUGgAwIBAgIUTzQBNGHHhNO+wKGNWCIpffMrBTgwCgYIKoZIzj0EAwIw\n"
	"LTERMA8GA1UECgwIR29vZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLm9yZzAg\n"
	"Fw0yNjEyMDExNDI3NTdaGA8yMTI2MTEwNzE0Mjc1N1owLTERMA8GA1UECgwIR29v\n"
	"ZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLm9yZzBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjPTA7MBoGA1UdEQQTMBGCD3d3dy5l\n"
	"eGFtcGxlLm9yZzAdBgNVHQ4EFgQUyxHudBdIaOApPE6QBTK19tb4vpwwCgYIKoZI\n"
	"zj0EAwIDSAAwRQIgCIFnAwgck7Lop+nCr1Hbnk31pJFv0cyQClbpLfngXBACIQDt\n"
	"JzOeg348xR3uoRanY133+p50Bm+pMm6M/MGJwqz3JA==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dns_suffix[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBmjCCAUGgAwIBAgIUTRQ4SCh1dNdEjerknwyPZL6W8EUwCgYIKoZIzj0EAwIw\n"
	"LTERMA8GA1UECgwIR29vZCBPcmcxGDAWBgNVBAMMD2V2aWxleGFtcGxlLmNvbTAg\n"
	"Fw0yNjEyMDExNDI3NTdaGA8yMTI2MTEwNzE0Mjc1N1owLTERMA8GA1UECgwIR29v\n"
	"ZCBPcmcxGDAWBgNVBAMMD2V2aWxleGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjPTA7MBoGA1UdEQQTMBGCD2V2aWxl\n"
	"eGFtcGxlLmNvbTAdBgNVHQ4EFgQUyxHudBdIaOApPE6QBTK19tb4vpwwCgYIKoZI\n"
	"zj0EAwIDRwAwRAIgUNXbopoCiC0PNkfxxSNF91CQtKjwnW5eJL0Xu2ijF40CIFzH\n"
	"qj/KF407ltl/GzYlpNIFIgLCZ7o7ZbMuye563Xdb\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dns_excl[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBoTCCAUegAwIBAgIUecINGBElf/2T49NcKQjAduTXaKowCgYIKoZIzj0EAwIw\n"
	"LzERMA8GA1UECgwIR29vZCBPcmcxGjAYBgNVBAMMEWEuYmFkLmV4YW1wbGUuY29t\n"
	"MCAXDTI2MTIwMTE0Mjc1N1oYDzIxMjYxMTA3MTQyNzU3WjAvMREwDwYDVQQKDAhH\n"
	"b29kIE9yZzEaMBgGA1UEAwwRYS5iYWQuZXhhbXBsZS5jb20wWTATBgcqhkjOPQIB\n"
	"BggqhkjOPQMBBwNCAAQgAj0ywU9ihFl3x3tqWFdsnec9ujPTU0H0uak3suUBW0UA\n"
	"QDd2BIe1lTHYiUcGXR48s2WQUX+2W8iCjyommFPjoz8wPTAcBgNVHREEFTATghFh\n"
	"LmJhZC5leGFtcGxlLmNvbTAdBgNVHQ4EFgQUyxHudBdIaOApPE6QBTK19tb4vpww\n"
	"CgYIKoZIzj0EAwIDSAAwRQIgAaI1Cl1JF25pEvJYUO45JqgXa8a+bJlAVw2JRUI1\n"
	"stUCIQDYA1MOEivCIrYp3/i8hxmPkev5WeFdlIrq4LNp262crg==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dns_wild[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBgzCCASmgAwIBAgIUFb0zjJF/pqgS6ArfwVbQgKZx+SAwCgYIKoZIzj0EAwIw\n"
	"IjERMA8GA1UECgwIR29vZCBPcmcxDTALBgNVBAMMBHdpbGQwIBcNMjYxMjAxMTQy\n"
	"NzU4WhgPMjEyNjExMDcxNDI3NThaMCIxETAPBgNVBAoMCEdvb2QgT3JnMQ0wCwYD\n"
	"VQQDDAR3aWxkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIAI9MsFPYoRZd8d7\n"
	"alhXbJ3nPboz01NB9LmpN7LlAVtFAEA3dgSHtZUx2IlHBl0ePLNlkFF/tlvIgo8q\n"
	"JphT46M7MDkwGAYDVR0RBBEwD4INKi5leGFtcGxlLmNvbTAdBgNVHQ4EFgQUyxHu\n"
	"dBdIaOApPE6QBTK19tb4vpwwCgYIKoZIzj0EAwIDSAAwRQIgMw3/4DbhJi+Ofckq\n"
	"E0Au3XSiHW02FzjEfQ4pt+RHoMACIQDpD8+8IiJqZ1X27KQaaBERQKNAoj6mr1fB\n"
	"nzLx9y1rBw==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dns_wild_ok[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBiDCCAS2gAwIBAgIUHo3NYidzjp48Ki18Vmvav//5EOYwCgYIKoZIzj0EAwIw\n"
	"IjERMA8GA1UECgwIR29vZCBPcmcxDTALBgNVBAMMBHdpbGQwIBcNMjYxMjAxMTQy\n"
	"NzU4WhgPMjEyNjExMDcxNDI3NThaMCIxETAPBgNVBAoMCEdvb2QgT3JnMQ0wCwYD\n"
	"VQQDDAR3aWxkMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEIAI9MsFPYoRZd8d7\n"
	"alhXbJ3nPboz01NB9LmpN7LlAVtFAEA3dgSHtZUx2IlHBl0ePLNlkFF/tlvIgo8q\n"
	"JphT46M/MD0wHAYDVR0RBBUwE4IRKi53d3cuZXhhbXBsZS5jb20wHQYDVR0OBBYE\n"
	"FMsR7nQXSGjgKTxOkAUytfbW+L6cMAoGCCqGSM49BAMCA0kAMEYCIQDju6dHfJim\n"
	"IP7SPZmnkkK33vmvKSU9TNui/HAIWJRKjAIhAPBGg/uI2AwcVFb70hpmI+KZZL5T\n"
	"oMfm/tfqQm84H5TM\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_ip_out[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBdzCCARygAwIBAgIUbU4SppLvHsWfK73f48vKKENkU4MwCgYIKoZIzj0EAwIw\n"
	"IDERMA8GA1UECgwIR29vZCBPcmcxCzAJBgNVBAMMAmlwMCAXDTI2MTIwMTE0Mjc1\n"
	"OFoYDzIxMjYxMTA3MTQyNzU4WjAgMREwDwYDVQQKDAhHb29kIE9yZzELMAkGA1UE\n"
	"AwwCaXAwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQgAj0ywU9ihFl3x3tqWFds\n"
	"nec9ujPTU0H0uak3suUBW0UAQDd2BIe1lTHYiUcGXR48s2WQUX+2W8iCjyommFPj\n"
	"ozIwMDAPBgNVHREECDAGhwTAqAABMB0GA1UdDgQWBBTLEe50F0ho4Ck8TpAFMrX2\n"
	"1vi+nDAKBggqhkjOPQQDAgNJADBGAiEAwPdgbb52JSik2WGLW0OMOquft0IqjKtM\n"
	"9dvGXsF1pu0CIQC2Ru7Ao968M5sHb8po1ORn9Ey/t/gc7inSVB7qa4PWwQ==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_ip_excl[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBdjCCARygAwIBAgIUURtHdSTXS9l+GQyflVnHqdPWdDMwCgYIKoZIzj0EAwIw\n"
	"IDERMA8GA1UECgwIR29vZCBPcmcxCzAJBgNVBAMMAmlwMCAXDTI2MTIwMTE0Mjc1\n"
	"OFoYDzIxMjYxMTA3MTQyNzU4WjAgMREwDwYDVQQKDAhHb29kIE9yZzELMAkGA1UE\n"
	"AwwCaXAwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAQgAj0ywU9ihFl3x3tqWFds\n"
	"nec9ujPTU0H0uak3suUBW0UAQDd2BIe1lTHYiUcGXR48s2WQUX+2W8iCjyommFPj\n"
	"ozIwMDAPBgNVHREECDAGhwQKCQEBMB0GA1UdDgQWBBTLEe50F0ho4Ck8TpAFMrX2\n"
	"1vi+nDAKBggqhkjOPQQDAgNIADBFAiEAh8gLQKhdEdGeCjm94a6AtWy1Gbu8s6Jo\n"
	"gkOR/kGXN1QCIBPgEY8nx5WQXuOK7b9A4BclVnWb74e1EBbTEWBPs0ab\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_dn_out[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBmzCCAUGgAwIBAgIURz4hh1mCE1jfEQ8CeoNpYcpfqBowCgYIKoZIzj0EAwIw\n"
	"LTERMA8GA1UECgwIRXZpbCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTAg\n"
	"Fw0yNjEyMDExNDI3NThaGA8yMTI2MTEwNzE0Mjc1OFowLTERMA8GA1UECgwIRXZp\n"
	"bCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjPTA7MBoGA1UdEQQTMBGCD3d3dy5l\n"
	"eGFtcGxlLmNvbTAdBgNVHQ4EFgQUyxHudBdIaOApPE6QBTK19tb4vpwwCgYIKoZI\n"
	"zj0EAwIDSAAwRQIgGNeHjA4bdkxFx43oHfScBECYnVv56iBdMJzRC0CtEAACIQDh\n"
	"aXlrHYNuQzLG9QPiRtNpOtIZs+YlfrL/CFRFyle8MA==\n"
	"-----END CERTIFICATE-----\n"
	;

static const char ssa_nc_email[] =
	"-----BEGIN CERTIFICATE-----\n"
	"MIIBqjCCAVCgAwIBAgIUJ938FbWe1cmEJgYeBOBEcyuWzcAwCgYIKoZIzj0EAwIw\n"
	"LTERMA8GA1UECgwIR29vZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTAg\n"
	"Fw0yNjEyMDExNDI3NThaGA8yMTI2MTEwNzE0Mjc1OFowLTERMA8GA1UECgwIR29v\n"
	"ZCBPcmcxGDAWBgNVBAMMD3d3dy5leGFtcGxlLmNvbTBZMBMGByqGSM49AgEGCCqG\n"
	"SM49AwEHA0IABCACPTLBT2KEWXfHe2pYV2yd5z26M9NTQfS5qTey5QFbRQBAN3YE\n"
	"h7WVMdiJRwZdHjyzZZBRf7ZbyIKPKiaYU+OjTDBKMCkGA1UdEQQiMCCCD3d3dy5l\n"
	"eGFtcGxlLmNvbYENYUBleGFtcGxlLmNvbTAdBgNVHQ4EFgQUyxHudBdIaOApPE6Q\n"
	"BTK19tb4vpwwCgYIKoZIzj0EAwIDSAAwRQIgCCQ+Rkzlimtsmz3lzbT3GCOFfKfL\n"
	"py70TVt4C3/TpPkCIQC2e78GFnwd6jFXGhQuVTVpTTS/bb2fMFHr7ahwXdYwlg==\n"
	"-----END CERTIFICATE-----\n"
	;

/* Parse one PEM certificate into a fresh chain (freed by the caller). */
static void ssa_nc_load(struct kunit *test, mbedtls_x509_crt *crt, const char *pem)
{
	mbedtls_x509_crt_init(crt);
	KUNIT_ASSERT_EQ(test, 0, ssa_x509_crt_parse(crt, (const u8 *)pem, strlen(pem) + 1));
}

static void ssa_nc_parse(struct kunit *test)
{
	static const char *const refused[] = {
		ssa_nc_empty_ca, ssa_nc_max_ca, ssa_nc_unknown_ca,
	};
	mbedtls_x509_crt crt;
	const u8 *nc;
	size_t len;
	unsigned int i;

	/* The gap: mbedTLS 3.6 by itself cannot take a constrained CA. */
	mbedtls_x509_crt_init(&crt);
	KUNIT_EXPECT_NE(test, 0, mbedtls_x509_crt_parse(&crt, (const u8 *)ssa_nc_ca,
							 sizeof(ssa_nc_ca)));
	mbedtls_x509_crt_free(&crt);

	ssa_nc_load(test, &crt, ssa_nc_ca);
	KUNIT_EXPECT_EQ(test, 1, ssa_nc_find(&crt, &nc, &len));
	KUNIT_EXPECT_GT(test, len, (size_t)20);
	mbedtls_x509_crt_free(&crt);

	/* Empty constraints, a "maximum", an unknown critical extension. */
	for (i = 0; i < ARRAY_SIZE(refused); i++) {
		mbedtls_x509_crt_init(&crt);
		KUNIT_EXPECT_LT_MSG(test, ssa_x509_crt_parse(&crt, (const u8 *)refused[i],
							     strlen(refused[i]) + 1), 0,
				    "certificate %u", i);
		mbedtls_x509_crt_free(&crt);
	}

	/* Not critical, so it parses; malformed, so it binds nothing: refused
	 * when the chain is checked.
	 */
	ssa_nc_load(test, &crt, ssa_nc_empty_noncrit_ca);
	KUNIT_EXPECT_LT(test, ssa_nc_find(&crt, &nc, &len), 0);
	mbedtls_x509_crt_free(&crt);

	/* A leaf has none. */
	ssa_nc_load(test, &crt, ssa_nc_ok);
	KUNIT_EXPECT_EQ(test, 0, ssa_nc_find(&crt, &nc, &len));
	mbedtls_x509_crt_free(&crt);
}

/* PEM bundles: bad certificates are skipped and counted, as by mbedTLS. */
static void ssa_nc_parse_bundle(struct kunit *test)
{
	size_t la = strlen(ssa_nc_ok), lb = strlen(ssa_nc_unknown_ca), lc = strlen(ssa_nc_ca);
	const mbedtls_x509_crt *c;
	mbedtls_x509_crt crt;
	char *pem;
	int n = 0;

	pem = kunit_kzalloc(test, la + lb + lc + 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pem);
	memcpy(pem, ssa_nc_ok, la);
	memcpy(pem + la, ssa_nc_unknown_ca, lb);
	memcpy(pem + la + lb, ssa_nc_ca, lc);
	mbedtls_x509_crt_init(&crt);
	KUNIT_EXPECT_EQ(test, 1, ssa_x509_crt_parse(&crt, (const u8 *)pem, la + lb + lc + 1));
	for (c = &crt; c && c->raw.p; c = c->next)
		n++;
	KUNIT_EXPECT_EQ(test, 2, n);
	mbedtls_x509_crt_free(&crt);

	/* Nothing parses: an error, not a count. */
	mbedtls_x509_crt_init(&crt);
	KUNIT_EXPECT_LT(test, ssa_x509_crt_parse(&crt, (const u8 *)ssa_nc_unknown_ca, lb + 1), 0);
	mbedtls_x509_crt_free(&crt);
	/* Truncated in the middle of its base64. */
	memcpy(pem, ssa_nc_ok, la);
	pem[la / 2] = '\0';
	mbedtls_x509_crt_init(&crt);
	KUNIT_EXPECT_LT(test, ssa_x509_crt_parse(&crt, (const u8 *)pem, la / 2 + 1), 0);
	mbedtls_x509_crt_free(&crt);
}

static void ssa_nc_expect(struct kunit *test, const char *ca_pem, const char *leaf_pem,
			  const char *want)
{
	mbedtls_x509_crt ca, leaf;
	const char *why;
	const u8 *nc;
	size_t len;

	ssa_nc_load(test, &ca, ca_pem);
	ssa_nc_load(test, &leaf, leaf_pem);
	KUNIT_ASSERT_EQ(test, 1, ssa_nc_find(&ca, &nc, &len));
	why = ssa_nc_check(nc, len, &leaf);
	if (!want)
		KUNIT_EXPECT_TRUE_MSG(test, !why, "refused: %s", why);
	else
		KUNIT_EXPECT_TRUE_MSG(test, why && strstr(why, want), "got \"%s\", want \"%s\"",
				      why ?: "(accepted)", want);
	mbedtls_x509_crt_free(&leaf);
	mbedtls_x509_crt_free(&ca);
}

static void ssa_nc_permitted(struct kunit *test)
{
	/* All names inside: dNSName, iPAddress and the subject (O=Good Org). */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_ok, NULL);
	/* A wildcard wholly inside and clear of the excluded name. */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dns_wild_ok, NULL);
	/* An rfc822Name SAN, with no rfc822Name constraint: not bound. */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_email, NULL);
	/* And a CA that constrains only rfc822Name binds no other form. */
	ssa_nc_expect(test, ssa_nc_mail_ca, ssa_nc_ok, NULL);
}

static void ssa_nc_violations(struct kunit *test)
{
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dns_out, "outside");
	/* "evilexample.com" is not below "example.com": labels, not bytes. */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dns_suffix, "outside");
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dns_excl, "exclude");
	/* "*.example.com" stands for bad.example.com too. */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dns_wild, "exclude");
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_ip_out, "outside");
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_ip_excl, "exclude");
	/* Subject O=Evil Org, outside the permitted directoryName. */
	ssa_nc_expect(test, ssa_nc_ca, ssa_nc_dn_out, "outside");
	/* A form tls_ssa cannot check, and the leaf has a name of it. */
	ssa_nc_expect(test, ssa_nc_mail_ca, ssa_nc_email, "cannot check");
}

static struct kunit_case ssa_nc_cases[] = {
	KUNIT_CASE(ssa_nc_parse),
	KUNIT_CASE(ssa_nc_parse_bundle),
	KUNIT_CASE(ssa_nc_permitted),
	KUNIT_CASE(ssa_nc_violations),
	{}
};

static struct kunit_suite ssa_nc_suite = {
	.name = "tls_ssa_namecons",
	.test_cases = ssa_nc_cases,
};

kunit_test_suite(ssa_nc_suite);
