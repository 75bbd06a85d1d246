/* asa.c - the ASA half of the VPN Phone lab, as text an admin pastes into the
 * ASA's configuration mode.
 *
 * The text goes into a device CLI, so every byte that came from the caller is
 * checked before it is written: names against the ASA's name alphabet, URLs
 * against a printable subset, PEM bodies line by line.  Anything that fails is
 * left out with a "!" note that does not repeat the offending text; a newline
 * or '?' (the CLI's help key) from input would otherwise become a command.
 * When a value the configuration cannot do without is bad, no command at all is
 * written, only the reasons: half a configuration is worse than none. */
#include <config.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "asa.h"
#include "textbuf.h"

#define NAME_MAX_LEN 64
#define URL_MAX_LEN 255
#define PEM_LINE_MAX 128

/* Cipher lists without ECDHE/ECDSA: with an EC cipher the ASA presents a
 * temporary EC certificate whose hash no phone holds (field failure 2). */
static const char cipher_tls10[] = "AES256-SHA:AES128-SHA";
static const char cipher_tls12[] = "AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA";
static const char cipher_dtls10[] = "AES256-SHA:AES128-SHA";

static const char *const auth_names[] = {
    "user name and password", "password only", "certificate",
};

/* Where to get a certificate ucprov does not hold, by trustpoint name.  The
 * factory (MIC) roots are Cisco's: Cisco Root CA M2 and Cisco Manufacturing CA
 * SHA2 for 78xx/88xx, Cisco Root CA 2048 and Cisco Manufacturing CA for the
 * older models. */
static const char cisco_pki[] = "download it from Cisco's PKI site, "
                                "https://www.cisco.com/security/pki/";
static const struct {
    const char *needle;     /* case-insensitive part of the trustpoint name */
    const char *where;
} cert_sources[] = {
    { "capf", "export the CAPF certificate from the CAPF-trust store (CUCM OS "
              "Administration, Certificate Management) and upload it to ucprov" },
    { "manufactur", cisco_pki },
    { "cisco", cisco_pki },
};

/* ---- checks on caller text ------------------------------------------------ */

bool asa_name_ok(const char *name)
{
    size_t n = 0;

    if (name == NULL)
        return false;
    for (; name[n] != '\0'; n++) {
        unsigned char c = (unsigned char)name[n];
        if (n == NAME_MAX_LEN)
            return false;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == '-'))
            return false;
    }
    return n > 0;
}

/* Strict dotted quad: four decimal octets, no leading zeros (some parsers read
 * those as octal), nothing around it. */
static bool parse_quad(const char *s, uint32_t *addr)
{
    uint32_t a = 0;

    for (int part = 0; part < 4; part++) {
        unsigned v = 0;
        int digits = 0;
        if (part > 0 && *s++ != '.')
            return false;
        while (*s >= '0' && *s <= '9') {
            if (digits == 3 || (digits == 1 && v == 0))
                return false;
            v = v * 10 + (unsigned)(*s++ - '0');
            digits++;
        }
        if (digits == 0 || v > 255)
            return false;
        a = a << 8 | v;
    }
    if (*s != '\0')
        return false;
    *addr = a;
    return true;
}

/* A netmask is ones then zeros; a pool needs at least one network bit. */
static bool parse_mask(const char *s, uint32_t *mask)
{
    uint32_t m;

    if (s == NULL || !parse_quad(s, &m) || m == 0)
        return false;
    if ((~m & (~m + 1)) != 0)   /* the host part must be 0...01...1 */
        return false;
    *mask = m;
    return true;
}

bool asa_mask_ok(const char *mask)
{
    uint32_t m;
    return parse_mask(mask, &m);
}

const char *asa_pool_problem(const char *first, const char *last, const char *mask,
                             const char **blame)
{
    uint32_t a, b, m;
    const char *dummy;
    if (blame == NULL)
        blame = &dummy;
    *blame = "pool";
    if (first == NULL || !parse_quad(first, &a) || last == NULL || !parse_quad(last, &b))
        return "the address pool needs two IPv4 addresses (dotted quads such as 10.10.1.1)";
    if (a > b)
        return "the address pool's first address is after its last";
    if (!parse_mask(mask, &m)) {
        *blame = "mask";
        return "the pool mask is not a netmask such as 255.255.255.0";
    }
    if ((a & m) != (b & m))
        return "the pool's first and last address are not in the same subnet under its mask";
    /* A phone handed the network or broadcast address gets no working tunnel. */
    if (m < 0xfffffffeu && ((a & ~m) == 0 || (b & ~m) == ~m))
        return "the pool includes its subnet's network or broadcast address";
    return NULL;
}

bool asa_parse_pool(const char *text, char *buf, size_t buflen, const char **first,
                    const char **last)
{
    uint32_t a, b;

    if (first)
        *first = NULL;
    if (last)
        *last = NULL;
    if (text == NULL || buf == NULL || first == NULL || last == NULL)
        return false;
    size_t n = strnlen(text, buflen);
    if (n == buflen)
        return false;
    memcpy(buf, text, n + 1);
    char *dash = strchr(buf, '-');
    if (dash == NULL)
        return false;
    *dash = '\0';
    if (!parse_quad(buf, &a) || !parse_quad(dash + 1, &b) || a > b)
        return false;
    *first = buf;
    *last = dash + 1;
    return true;
}

/* A port as a URL gives it: 1 to 65535, no leading zeros. */
static bool port_ok(const char *s, size_t n)
{
    unsigned long v = 0;
    if (n == 0 || n > 5 || s[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (unsigned long)(s[i] - '0');
    }
    return v <= 65535;
}

/* A group-url as the phones send it: https, a host, printable ASCII only.
 * No blank, quote or backslash (the CLI splits or escapes on them) and no '?',
 * which the ASA CLI takes as a request for help. */
static const char *url_problem(const char *url)
{
    static const char scheme[] = "https://";
    size_t n;

    if (url == NULL)
        return "it is missing";
    n = strnlen(url, URL_MAX_LEN + 1);
    if (n == 0)
        return "it is empty";
    if (n > URL_MAX_LEN)
        return "it is longer than 255 characters";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)url[i];
        if (c <= 0x20 || c >= 0x7f)
            return "it holds a blank, control or non-ASCII character";
        if (c == '?' || c == '"' || c == '\\')
            return "it holds '\"', '\\' or a question mark, which the ASA CLI cannot take";
    }
    if (strncasecmp(url, scheme, sizeof scheme - 1) != 0)
        return "it does not start with https:// (phones only connect over TLS)";
    if (url[sizeof scheme - 1] == '\0' || url[sizeof scheme - 1] == '/')
        return "it has no host";
    const char *host = url + sizeof scheme - 1;
    size_t alen = strcspn(host, "/");
    if (memchr(host, '@', alen) != NULL)
        return "it holds a user name or password (user:password@)";
    const char *colon = host[0] == '[' ? memchr(host, ']', alen) : host;
    colon = colon ? memchr(colon, ':', alen - (size_t)(colon - host)) : NULL;
    if (colon != NULL && !port_ok(colon + 1, alen - (size_t)(colon + 1 - host)))
        return "its port is not a number from 1 to 65535";
    return NULL;
}

/* Free text for a "!" comment: printable ASCII without '?', or nothing. */
static bool comment_ok(const char *s)
{
    size_t n = 0;

    if (s == NULL || *s == '\0')
        return false;
    for (; s[n] != '\0'; n++) {
        unsigned char c = (unsigned char)s[n];
        if (n == 200 || c < 0x20 || c >= 0x7f || c == '?')
            return false;
    }
    return true;
}

static bool pem_char_ok(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           c == '+' || c == '/' || c == '=';
}

/* Exactly one PEM certificate: the BEGIN line, base64 lines, the END line,
 * optionally blank lines and CRLF.  The ASA's paste prompt ends at a line
 * "quit", and "quit" is four valid base64 characters: a body holding it would
 * end the prompt early and run the lines after it as commands.  So the body
 * must also look like base64 as PEM writers lay it out (lines of one length,
 * a multiple of four, padding only at the very end), and "quit" in any case
 * is refused outright. */
static bool pem_ok(const char *pem)
{
    static const char begin[] = "-----BEGIN CERTIFICATE-----";
    static const char end[] = "-----END CERTIFICATE-----";
    enum { BEFORE, BODY, AFTER } state = BEFORE;
    size_t body_lines = 0, width = 0, last = 0;
    bool padded = false;

    for (const char *line = pem; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        const char *next = line[n] == '\n' ? line + n + 1 : line + n;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > PEM_LINE_MAX)
            return false;
        if (n == 0) {
            line = next;
            continue;
        }
        if (state == BEFORE) {
            if (n != sizeof begin - 1 || memcmp(line, begin, n) != 0)
                return false;
            state = BODY;
        } else if (state == BODY && n == sizeof end - 1 && memcmp(line, end, n) == 0) {
            if (body_lines == 0 || last % 4 != 0 || width % 4 != 0)
                return false;
            state = AFTER;
        } else if (state == BODY) {
            if (padded || (body_lines > 0 && (last != width || n > width)))
                return false;         /* only the last line may be short or padded */
            if (n == 4 && strncasecmp(line, "quit", 4) == 0)
                return false;
            for (size_t i = 0; i < n; i++) {
                if (line[i] == '=' && i + 2 >= n && (i + 1 == n || line[i + 1] == '='))
                    padded = true;
                else if (!pem_char_ok(line[i]) || line[i] == '=')
                    return false;
            }
            if (body_lines++ == 0)
                width = n;
            last = n;
        } else {
            return false;
        }
        line = next;
    }
    return state == AFTER;
}

/* The PEM as the ASA wants it pasted: its lines, LF only, no blank lines. */
static void out_pem(struct textbuf *o, const char *pem)
{
    for (const char *line = pem; *line != '\0';) {
        size_t n = strcspn(line, "\n");
        const char *next = line[n] == '\n' ? line + n + 1 : line + n;
        if (n > 0 && line[n - 1] == '\r')
            n--;
        if (n > 0)
            textbuf_printf(o, "%.*s\n", (int)n, line);
        line = next;
    }
}

static void quad_text(uint32_t a, char buf[16])
{
    snprintf(buf, 16, "%u.%u.%u.%u", (unsigned)(a >> 24), (unsigned)(a >> 16 & 255),
             (unsigned)(a >> 8 & 255), (unsigned)(a & 255));
}

/* ---- the parts of the configuration ---------------------------------------- */

struct plan {
    char pool[NAME_MAX_LEN + 16], policy[NAME_MAX_LEN + 16];
    char first[16], last[16], mask[16];
    bool url_used[ASA_MAX_GATEWAYS];
    size_t n_urls_used;
};

/* Checks everything the configuration cannot do without; writes the reasons
 * and returns false when one is bad. */
static bool plan_required(const struct asa_view *v, const struct asa_params *p,
                          struct plan *pl, struct textbuf *o)
{
    bool ok = true;
    uint32_t first = 0, last = 0, mask = 0;

    if (!asa_name_ok(v->group_name)) {
        textbuf_printf(o, "! refused: the VPN group name is not a valid ASA name "
                          "(1..64 of A-Z a-z 0-9 _ . -)\n");
        ok = false;
    } else {
        snprintf(pl->pool, sizeof pl->pool, "%s-pool", v->group_name);
        snprintf(pl->policy, sizeof pl->policy, "%s-policy", v->group_name);
        if (!asa_name_ok(pl->pool) || !asa_name_ok(pl->policy)) {
            textbuf_printf(o, "! refused: the VPN group name is too long to name its pool "
                              "and group-policy (at most 57 characters)\n");
            ok = false;
        }
    }
    if (!asa_name_ok(p->outside)) {
        textbuf_printf(o, "! refused: the outside interface name is not a valid ASA name\n");
        ok = false;
    }
    if (!asa_name_ok(p->trustpoint)) {
        textbuf_printf(o, "! refused: the identity certificate's trustpoint name is not a "
                          "valid ASA name\n");
        ok = false;
    }
    if (v->client_auth_method < 0 || v->client_auth_method > 2) {
        textbuf_printf(o, "! refused: unknown client authentication method %d "
                          "(0 user+password, 1 password only, 2 certificate)\n",
                       v->client_auth_method);
        ok = false;
    }

    const char *pool_why = asa_pool_problem(p->pool_first, p->pool_last, p->mask, NULL);
    if (pool_why != NULL) {
        textbuf_printf(o, "! refused: %s\n", pool_why);
        ok = false;
    } else {
        parse_quad(p->pool_first, &first);
        parse_quad(p->pool_last, &last);
        parse_mask(p->mask, &mask);
        quad_text(first, pl->first);
        quad_text(last, pl->last);
        quad_text(mask, pl->mask);
    }

    size_t n_urls = v->n_urls < ASA_MAX_GATEWAYS ? v->n_urls : ASA_MAX_GATEWAYS;
    if (v->n_urls > ASA_MAX_GATEWAYS)
        textbuf_printf(o, "! note: a VPN group has at most %d gateways; only the first %d "
                          "URLs are used\n", ASA_MAX_GATEWAYS, ASA_MAX_GATEWAYS);
    for (size_t i = 0; i < n_urls; i++) {
        const char *why = url_problem(v->urls[i]);
        bool dup = false;
        for (size_t j = 0; why == NULL && j < i; j++)
            dup = dup || (pl->url_used[j] && strcmp(v->urls[j], v->urls[i]) == 0);
        if (why != NULL)
            textbuf_printf(o, "! skipped gateway URL %zu: %s\n", i + 1, why);
        else if (dup)
            textbuf_printf(o, "! skipped gateway URL %zu: it repeats an earlier one\n", i + 1);
        else {
            pl->url_used[i] = true;
            pl->n_urls_used++;
        }
    }
    if (pl->n_urls_used == 0) {
        textbuf_printf(o, "! refused: the VPN group has no usable gateway URL, and phones "
                          "find the tunnel-group only through its group-url\n");
        ok = false;
    }
    return ok;
}

static bool contains_nocase(const char *hay, const char *needle)
{
    size_t nl = strlen(needle);
    for (; *hay != '\0'; hay++)
        if (strncasecmp(hay, needle, nl) == 0)
            return true;
    return false;
}

static void out_trust_missing(struct textbuf *o, const char *name)
{
    const char *where = "get it from the CA that issued the phones' certificates";
    for (size_t i = 0; i < sizeof cert_sources / sizeof cert_sources[0]; i++)
        if (contains_nocase(name, cert_sources[i].needle)) {
            where = cert_sources[i].where;
            break;
        }
    textbuf_printf(o, "! ucprov does not hold the certificate for trustpoint %s: %s.\n"
                      "! Then paste it here:\n"
                      "!   crypto ca trustpoint %s\n"
                      "!    enrollment terminal\n"
                      "!   crypto ca authenticate %s\n"
                      "!   (the PEM, then quit, then yes)\n",
                   name, where, name, name);
}

static void out_trust(struct textbuf *o, const struct asa_view *v)
{
    size_t n = v->n_trust < ASA_MAX_TRUST ? v->n_trust : ASA_MAX_TRUST;

    if (n == 0)
        return;
    textbuf_printf(o, "!\n! CA certificates the ASA needs to accept the phones' certificates.\n"
                      "! After each quit the ASA shows the fingerprint and asks whether to\n"
                      "! accept the certificate: the yes line answers it.\n");
    if (v->n_trust > ASA_MAX_TRUST)
        textbuf_printf(o, "! note: only the first %d certificates are used\n", ASA_MAX_TRUST);
    for (size_t i = 0; i < n; i++) {
        const struct asa_trust *t = &v->trust[i];
        bool dup = false;
        if (!asa_name_ok(t->trustpoint)) {
            textbuf_printf(o, "! skipped certificate %zu: its trustpoint name is not a valid "
                              "ASA name\n", i + 1);
            continue;
        }
        for (size_t j = 0; j < i; j++)
            dup = dup || (asa_name_ok(v->trust[j].trustpoint) &&
                          strcmp(v->trust[j].trustpoint, t->trustpoint) == 0);
        if (dup) {
            textbuf_printf(o, "! skipped certificate %zu: trustpoint %s is already above\n",
                           i + 1, t->trustpoint);
            continue;
        }
        textbuf_printf(o, "!\n");
        if (comment_ok(t->why))
            textbuf_printf(o, "! %s: %s\n", t->trustpoint, t->why);
        if (t->pem == NULL) {
            out_trust_missing(o, t->trustpoint);
            continue;
        }
        if (!pem_ok(t->pem)) {
            textbuf_printf(o, "! skipped trustpoint %s: its certificate is not a single clean "
                              "PEM certificate\n", t->trustpoint);
            continue;
        }
        textbuf_printf(o, "crypto ca trustpoint %s\n enrollment terminal\n"
                          "crypto ca authenticate %s\n", t->trustpoint, t->trustpoint);
        out_pem(o, t->pem);
        textbuf_printf(o, "quit\nyes\n");
    }
}

static void out_pool(struct textbuf *o, const struct plan *pl)
{
    textbuf_printf(o, "!\n! Tunnel addresses for the phones.\n"
                      "ip local pool %s %s-%s mask %s\n", pl->pool, pl->first, pl->last, pl->mask);
}

static void out_group_policy(struct textbuf *o, const struct plan *pl, const struct asa_params *p)
{
    textbuf_printf(o, "!\n! Phones speak only the AnyConnect SSL client protocol, and all their\n"
                      "! traffic (signalling, voice, TFTP) must go through the tunnel.\n");
    textbuf_printf(o, "group-policy %s internal\ngroup-policy %s attributes\n", pl->policy,
                   pl->policy);
    textbuf_printf(o, " vpn-tunnel-protocol ssl-client\n split-tunnel-policy tunnelall\n");
    if (!p->dtls_test)
        return;
    textbuf_printf(o, "! DTLS test (field failure 3): voice then runs over the TLS tunnel.\n"
                      "! If the phones connect now, DTLS failed on its ciphers: fix the ssl\n"
                      "! cipher lists, then remove this with no anyconnect ssl dtls none.\n"
                      " webvpn\n"
                      "  anyconnect ssl dtls none\n");
}

static void out_webvpn(struct textbuf *o, const struct asa_params *p)
{
    textbuf_printf(o, "!\n! AnyConnect on the outside interface.  anyconnect enable needs an\n"
                      "! AnyConnect package loaded (anyconnect image) even though the phones\n"
                      "! bring their own client, and the ASA needs the AnyConnect for Cisco\n"
                      "! VPN Phone license.  The group list lets a tester pick the group.\n"
                      "webvpn\n"
                      " enable %s\n"
                      " anyconnect enable\n"
                      " tunnel-group-list enable\n", p->outside);
}

static void out_tunnel_group(struct textbuf *o, const struct asa_view *v, const struct plan *pl)
{
    const char *name = v->group_name;
    int method = v->client_auth_method;

    textbuf_printf(o, "!\n! The phones' tunnel-group.  Each group-url must equal a gateway URL\n"
                      "! of VPN group %s (url1..url3 in the phones' config), character for\n"
                      "! character.\n"
                      "tunnel-group %s type remote-access\n"
                      "tunnel-group %s general-attributes\n"
                      " address-pool %s\n"
                      " default-group-policy %s\n", name, name, name, pl->pool, pl->policy);
    if (v->mixed_auth_methods)
        textbuf_printf(o, "! WARNING: the common phone profiles that use VPN group %s disagree\n"
                          "! on the client authentication method.  This tunnel-group accepts\n"
                          "! only %s: phones whose VPN profile says otherwise cannot log in.\n"
                          "! Make the profiles agree or give those phones their own VPN group.\n",
                       name, auth_names[method]);
    textbuf_printf(o, "tunnel-group %s webvpn-attributes\n", name);
    if (method == 2)
        textbuf_printf(o, "! The VPN profile says certificate: phones log in with their MIC or\n"
                          "! LSC, which the ASA checks against the CA trustpoints.\n"
                          " authentication certificate\n");
    else
        textbuf_printf(o, "! The VPN profile says %s: the ASA checks the\n"
                          "! credentials with AAA (LOCAL unless authentication-server-group\n"
                          "! names another).\n"
                          " authentication aaa\n", auth_names[method]);
    for (size_t i = 0; i < ASA_MAX_GATEWAYS; i++)
        if (pl->url_used[i])
            textbuf_printf(o, " group-url %s enable\n", v->urls[i]);
}

static void out_ssl(struct textbuf *o, const struct asa_view *v, const struct asa_params *p)
{
    textbuf_printf(o, "!\n! The identity certificate whose SHA-1 hash the phones hold.\n"
                      "ssl trust-point %s %s\n", p->trustpoint, p->outside);
    if (!p->cipher_advice)
        return;
    textbuf_printf(o, "!\n! Cipher lists without elliptic-curve ciphers (field failure 2).  From\n"
                      "! ASA 9.4 the defaults prefer ECDHE/ECDSA ciphers; when one of those is\n"
                      "! chosen the ASA presents a temporary EC certificate instead of %s,\n"
                      "! the phones find no hash for it in their config file and refuse the\n"
                      "! ASA.  Check the result with show ssl ciphers.\n", p->trustpoint);
    if (v->models_tls10_only_present)
        textbuf_printf(o, "! Some phones in use (79xx/69xx/89xx/99xx) speak only TLS 1.0.\n");
    textbuf_printf(o, "! TLS 1.0: every phone model speaks it.\n"
                      "ssl cipher tlsv1 custom \"%s\"\n", cipher_tls10);
    if (!v->models_all_tls10_only)
        textbuf_printf(o, "! TLS 1.2: 78xx/88xx negotiate it when the ASA allows it%s.\n"
                          "ssl cipher tlsv1.2 custom \"%s\"\n",
                       v->models_tls12_only_capable ? " (every phone in use does)" : "",
                       cipher_tls12);
    textbuf_printf(o, "! DTLS 1.0: the voice channel; it must share a cipher with TLS\n"
                      "! (field failure 3).\n"
                      "ssl cipher dtlsv1 custom \"%s\"\n", cipher_dtls10);
}

char *asa_render(const struct asa_view *v, const struct asa_params *p)
{
    struct textbuf o = { 0 };
    struct plan pl;

    memset(&pl, 0, sizeof pl);
    textbuf_printf(&o, "! ucprov: ASA side of the VPN Phone feature (ASA 9.x), to paste in\n"
                       "! configuration mode.\n");
    if (v == NULL || p == NULL) {
        textbuf_printf(&o, "! refused: nothing to render\n");
        return textbuf_take(&o, NULL);
    }
    if (!plan_required(v, p, &pl, &o)) {
        textbuf_printf(&o, "! No commands were written; correct the values above.\n");
        return textbuf_take(&o, NULL);
    }
    textbuf_printf(&o, "! VPN group %s.\n", v->group_name);
    /* The order of show running-config.  It matters when pasted: a command
     * unknown in the current sub-mode falls back to the parent modes, and a
     * global "webvpn" right after the group-policy's own "webvpn" sub-mode
     * would be taken as that sub-mode again. */
    out_trust(&o, v);
    out_pool(&o, &pl);
    out_ssl(&o, v, p);
    out_webvpn(&o, p);
    out_group_policy(&o, &pl, p);
    out_tunnel_group(&o, v, &pl);
    return textbuf_take(&o, NULL);
}
