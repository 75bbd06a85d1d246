/* verify.h - check a VPN gateway the way a phone would: connect with TLS, take
 * the certificate the gateway presents, and compare it with the config's hashes
 * and the URL's host. */
#ifndef UCPROV_VERIFY_H
#define UCPROV_VERIFY_H

#include <stdbool.h>
#include <stddef.h>

struct gateway_probe {
    char url[1024];
    char host[256];
    char port[8];
    bool connected;              /* TLS handshake completed */
    char error[640];             /* why not, when !connected */
    char presented_hash[29];     /* base64 SHA-1 of the presented leaf certificate */
    char presented_cn[256];
    char tls_version[16];
    char cipher[64];
    bool hash_in_config;         /* the phone would trust it */
    bool host_id_ok;             /* URL host matches CN or a SAN, no wildcard */
    bool wildcard;               /* the certificate names the host only by a wildcard */
    bool host_id_required;       /* the config has enableHostIDCheck on (set by the caller) */
};

/* One word for the outcome: "ok", "unreachable", "hash_not_in_config", "host_id_mismatch". */
const char *gateway_probe_verdict(const struct gateway_probe *g);

/* The host (without brackets) and port (443 or 80 when absent) of an http(s)
 * gateway URL; false when it has neither scheme nor host. */
bool gateway_url_split(const char *url, char *host, size_t hlen, char *port, size_t plen);
/* Probe one gateway URL against the hashes of a config; fills out, never fails
 * without saying why in out->error.  timeout_ms bounds connect and handshake. */
void verify_gateway(const char *url, const char (*hashes)[29], size_t n_hashes, int timeout_ms,
                    struct gateway_probe *out);

#endif
