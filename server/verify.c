/* verify.c - a phone's-eye TLS probe of a VPN gateway. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cert.h"
#include "verify.h"

bool gateway_url_split(const char *url, char *host, size_t hlen, char *port, size_t plen)
{
    const char *h, *default_port;
    if (strncasecmp(url, "https://", 8) == 0) {
        h = url + 8;
        default_port = "443";
    } else if (strncasecmp(url, "http://", 7) == 0) {
        h = url + 7;
        default_port = "80";
    } else {
        return false;
    }
    size_t n;
    const char *after;
    if (*h == '[') {
        n = strcspn(h + 1, "]");
        if (h[1 + n] != ']')
            return false;
        snprintf(host, hlen, "%.*s", (int)n, h + 1);
        after = h + n + 2;
    } else {
        n = strcspn(h, ":/?#");
        snprintf(host, hlen, "%.*s", (int)n, h);
        after = h + n;
    }
    if (*host == '\0' || strchr(host, '@') != NULL)   /* user:password@ is refused too */
        return false;
    if (*after == ':') {
        size_t pn = strspn(after + 1, "0123456789");
        if (pn == 0 || pn >= plen || atol(after + 1) > 65535 || atol(after + 1) < 1)
            return false;
        snprintf(port, plen, "%.*s", (int)pn, after + 1);
    } else {
        snprintf(port, plen, "%s", default_port);
    }
    return true;
}

static int connect_with_timeout(const char *host, const char *port, int timeout_ms, char *err,
                                size_t errlen)
{
    struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0) {
        /* What a phone logs as DnsLookupErr. */
        snprintf(err, errlen, "cannot resolve %s: %s", host, gai_strerror(rc));
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            snprintf(err, errlen, "cannot connect to %s port %s: %s", host, port, strerror(errno));
            close(fd);
            fd = -1;
            continue;
        }
        struct pollfd pfd = { .fd = fd, .events = POLLOUT };
        int soerr = 0;
        socklen_t len = sizeof soerr;
        if (poll(&pfd, 1, timeout_ms) != 1 ||
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0 || soerr != 0) {
            snprintf(err, errlen, "cannot connect to %s port %s: %s", host, port,
                     soerr ? strerror(soerr) : "timed out");
            close(fd);
            fd = -1;
        }
    }
    freeaddrinfo(res);
    if (fd >= 0) {
        /* The handshake runs blocking, bounded by these timeouts. */
        int flags = fcntl(fd, F_GETFL);
        fcntl(fd, F_SETFL, flags & ~O_NONBLOCK);
        struct timeval tv = { timeout_ms / 1000, (timeout_ms % 1000) * 1000 };
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    }
    return fd;
}

static void inspect_certificate(X509 *leaf, const char (*hashes)[29], size_t n_hashes,
                                struct gateway_probe *out)
{
    unsigned char *der = NULL;
    int len = i2d_X509(leaf, &der);
    if (len <= 0)
        return;
    cert_hash_der(der, (size_t)len, out->presented_hash);
    for (size_t i = 0; i < n_hashes; i++)
        out->hash_in_config |= strcmp(hashes[i], out->presented_hash) == 0;
    struct cert_info ci;
    if (cert_parse(der, (size_t)len, &ci) == CERT_OK) {
        snprintf(out->presented_cn, sizeof out->presented_cn, "%s", ci.common_name);
        out->host_id_ok = cert_matches_host(&ci, out->host);
        out->wildcard = !out->host_id_ok && cert_wildcard_for_host(&ci, out->host);
        cert_info_free(&ci);
    }
    OPENSSL_free(der);
}

void verify_gateway(const char *url, const char (*hashes)[29], size_t n_hashes, int timeout_ms,
                    struct gateway_probe *out)
{
    memset(out, 0, sizeof *out);
    snprintf(out->url, sizeof out->url, "%s", url);
    if (strncasecmp(url, "https://", 8) != 0 ||
        !gateway_url_split(url, out->host, sizeof out->host, out->port, sizeof out->port)) {
        snprintf(out->error, sizeof out->error, "not an https:// URL with a host");
        return;
    }
    int fd = connect_with_timeout(out->host, out->port, timeout_ms, out->error,
                                  sizeof out->error);
    if (fd < 0)
        return;
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL *ssl = ctx ? SSL_new(ctx) : NULL;
    if (ssl == NULL) {
        snprintf(out->error, sizeof out->error, "cannot set up TLS");
        goto done;
    }
    /* Trust is the config's hash list, not a CA chain: take any certificate and
     * judge it below, exactly as the phone does. */
    SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
    SSL_set_tlsext_host_name(ssl, out->host);
    SSL_set_fd(ssl, fd);
    if (SSL_connect(ssl) != 1) {
        unsigned long e = ERR_get_error();
        snprintf(out->error, sizeof out->error, "TLS handshake with %s failed: %s", out->host,
                 e ? ERR_reason_error_string(e) : "connection closed");
        goto done;
    }
    out->connected = true;
    snprintf(out->tls_version, sizeof out->tls_version, "%s", SSL_get_version(ssl));
    snprintf(out->cipher, sizeof out->cipher, "%s", SSL_get_cipher_name(ssl));
    X509 *leaf = SSL_get1_peer_certificate(ssl);
    if (leaf == NULL) {
        snprintf(out->error, sizeof out->error, "the gateway presented no certificate");
        out->connected = false;
        goto done;
    }
    inspect_certificate(leaf, hashes, n_hashes, out);
    X509_free(leaf);
    SSL_shutdown(ssl);
done:
    ERR_clear_error();
    SSL_free(ssl);
    SSL_CTX_free(ctx);
    close(fd);
}

const char *gateway_probe_verdict(const struct gateway_probe *g)
{
    if (!g->connected)
        return "unreachable";
    if (!g->hash_in_config)
        return "hash_not_in_config";
    if (g->host_id_required && !g->host_id_ok)
        return "host_id_mismatch";
    return "ok";
}
