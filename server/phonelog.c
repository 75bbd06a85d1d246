/* phonelog.c - spot the known VPN Phone failures in a phone's console log or
 * problem report.
 *
 * Phones log one event a line, each line tagged with the process that wrote
 * it (VPNC, JAVA-VPNMgr, ...).  So a line is judged on its own: first whether
 * it is about the VPN client (or about Auto Network Detect), then against a
 * table of phrases per problem.  Phrases are lower-case substrings; one that
 * starts with '^' must start a word, so "ping" does not fire on "mapping".
 * The TLS words the phone prints (illegal parameter, handshake failure, ...)
 * also appear in SIP-over-TLS lines; the context test keeps those out.
 *
 * Work is linear in the input: each line is copied once, up to
 * PHONELOG_LINE_SCAN bytes, into a fixed buffer and searched a bounded number
 * of times.  NUL bytes count as blanks, a CR before the LF is dropped, and
 * line numbers are what `grep -n` shows. */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "phonelog.h"

enum context {
    CTX_VPN = 1,   /* the line is the VPN client's */
    CTX_AND = 2,   /* the line is Auto Network Detect's */
};

#define PATTERN_WORDS 4

struct pattern {
    enum phonelog_problem problem;
    enum context context;
    const char *all[PATTERN_WORDS];    /* every one of these occurs */
    const char *none[PATTERN_WORDS];   /* and none of these */
};

static const struct {
    const char *id, *title, *fix;
} problems[PHONELOG_PROBLEM_COUNT] = {
    [PHONELOG_EC_CIPHER] = {
        "ec_cipher",
        "The ASA chose an elliptic-curve (ECDHE/ECDSA) cipher",
        "With an EC cipher the ASA presents a temporary EC certificate whose hash the "
        "phone does not have. On the ASA set custom cipher lists without EC ciphers for "
        "the TLS versions the phones speak: ssl cipher tlsv1 custom "
        "\"AES256-SHA:AES128-SHA\" (TLS 1.0 is all 79xx/69xx/89xx/99xx speak), and for "
        "78xx/88xx also ssl cipher tlsv1.2 custom "
        "\"AES256-SHA256:AES128-SHA256:AES256-SHA:AES128-SHA\".",
    },
    [PHONELOG_DTLS_FAILURE] = {
        "dtls_failure",
        "The DTLS (voice) channel did not come up",
        "Either the ASA chose an EC cipher (see the EC cipher fix, and set ssl cipher "
        "dtlsv1 custom \"AES256-SHA:AES128-SHA\") or its TLS and DTLS cipher lists share "
        "no cipher. To confirm, add anyconnect ssl dtls none under webvpn in the phones' "
        "group-policy: if the phones then connect, fix the cipher lists and remove it.",
    },
    [PHONELOG_NO_SHARED_CIPHER] = {
        "no_shared_cipher",
        "Phone and ASA share no cipher",
        "Align the ASA's ssl cipher lists (tlsv1, tlsv1.2, dtlsv1) so that each holds a "
        "cipher the phones offer, for example AES256-SHA:AES128-SHA in all of them; "
        "show ssl ciphers on the ASA lists what is in force.",
    },
    [PHONELOG_DNS_LOOKUP] = {
        "dns_lookup",
        "The phone could not resolve the ASA's host name",
        "Give the phone a DNS server (DHCP or its network settings) that resolves the "
        "gateway URL's host from where the phone is, or use the ASA's IP address in the "
        "VPN gateway URL and the ASA's group-url (with Host ID Check on, the ASA's "
        "certificate must then name that address).",
    },
    [PHONELOG_AND_VPN_ENABLED] = {
        "and_vpn_enabled",
        "Auto Network Detect: no ping reply, the phone brought the VPN up",
        "Expected away from the office: the TFTP server did not answer, so the phone "
        "took itself to be outside. If the phone was inside, that address does not "
        "answer ping from phones (ICMP filtered): allow it or turn Auto Network Detect "
        "off in the VPN profile.",
    },
    [PHONELOG_AND_VPN_SKIPPED] = {
        "and_vpn_skipped",
        "Auto Network Detect: ping answered, the phone left the VPN off",
        "The phone reached the address it takes for its TFTP server and so stays off the "
        "VPN. Check which address it pinged (these lines): a private address that also "
        "answers on the home network fools it; give phones a TFTP address only reachable "
        "inside, or turn Auto Network Detect off in the VPN profile.",
    },
    [PHONELOG_CERT_HASH_MISMATCH] = {
        "cert_hash_mismatch",
        "The ASA's certificate hash is not in the phone's config",
        "The ASA presents a certificate whose SHA-1 hash the phone was not given. Add "
        "that certificate to the VPN gateway beside the old one, reset the phones while "
        "they are inside so they fetch both hashes, and only then switch the ASA to it "
        "(rollover order). If the ASA picked an EC cipher, the certificate is a "
        "temporary EC one: see the EC cipher fix.",
    },
};

/* Which lines are the VPN client's.  "vpn" covers VPNC, vpnc and JAVA-VPNMgr;
 * the CSTP/DTLS words are AnyConnect's own. */
static const char *const vpn_words[] = { "vpn", "anyconnect", "dtls", "cstp" };

/* Auto Network Detect's lines; the short form "AND" is matched apart, in
 * capitals and as a word, so that English "and" does not count. */
static const char *const and_words[] = {
    "auto network detect", "autonetdetect", "auto_net_detect", "autonetworkdetect",
    "auto-network-detect",
};

#define P(prob, ctx, ...) { PHONELOG_##prob, ctx, __VA_ARGS__ }
#define NO_CLIENT_OFFER { "offer", "cipher list", "client hello", "clienthello" }
#define NOT_CONFIG { "x-dtls-", "x-cstp-" }

static const struct pattern patterns[] = {
    /* The cipher (or its key) the ASA picked is EC.  A client's own offer may
     * list EC ciphers without harm, so lines about the offer do not count. */
    P(EC_CIPHER, CTX_VPN, { "ecdhe" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "ecdsa" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "elliptic" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "prime256v1" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "secp256r1" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "secp384r1" }, NO_CLIENT_OFFER),
    P(EC_CIPHER, CTX_VPN, { "ecpublickey" }, { NULL }),
    P(EC_CIPHER, CTX_VPN, { "ec public key" }, { NULL }),

    /* OpenSSL's words for a DTLS resume that went wrong, and the handshake
     * giving up; the X-DTLS-* headers are settings, not failures. */
    P(DTLS_FAILURE, CTX_VPN, { "illegal parameter" }, { NULL }),
    P(DTLS_FAILURE, CTX_VPN, { "old session cipher not returned" }, { NULL }),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "expire" }, NOT_CONFIG),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "timed out" }, NOT_CONFIG),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "timeout" }, NOT_CONFIG),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "fail" }, NOT_CONFIG),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "ssl_error" }, NOT_CONFIG),
    P(DTLS_FAILURE, CTX_VPN, { "dtls", "alert" }, { "close notify", "x-dtls-" }),

    /* Alert 40 and the "no cipher" errors of either side. */
    P(NO_SHARED_CIPHER, CTX_VPN, { "no shared cipher" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "no ciphers available" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "no cipher match" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "no matching cipher" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "no common cipher" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "cipher mismatch" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "wrong cipher returned" }, { NULL }),
    P(NO_SHARED_CIPHER, CTX_VPN, { "alert", "handshake failure" }, { NULL }),

    P(DNS_LOOKUP, CTX_VPN, { "dnslookuperr" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "dns lookup err" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "dns lookup fail" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "^dns", "fail" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "unable to resolve" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "could not resolve" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "cannot resolve" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "name or service not known" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "getaddrinfo", "fail" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "gethostbyname", "fail" }, { NULL }),
    P(DNS_LOOKUP, CTX_VPN, { "host not found" }, { NULL }),

    /* The ping that decides inside or outside, and the decision itself.  The
     * "no reply" rows come first in meaning: "no reply" holds "reply" and
     * "unreachable" holds "reachable", hence the exclusions further down. */
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "timed out" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "timeout" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "no reply" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "no response" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "unreachable" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "^ping", "fail" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "starting vpn" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "enabling vpn" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "bringing up vpn" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "bring up vpn" }, { NULL }),
    P(AND_VPN_ENABLED, CTX_AND, { "vpn required" }, { NULL }),

    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "reply" },
      { "no reply", "without reply", "timed out", "timeout" }),
    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "success" }, { "unsuccess", "not success" }),
    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "answered" }, { "unanswered", "not answered" }),
    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "alive" }, { "not alive" }),
    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "bytes from" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "^ping", "reachable" }, { "unreachable", "not reachable" }),
    P(AND_VPN_SKIPPED, CTX_AND, { "vpn not required" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "vpn not needed" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "skipping vpn" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "skip vpn" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "inside corporate" }, { NULL }),
    P(AND_VPN_SKIPPED, CTX_AND, { "inside the corporate" }, { NULL }),

    /* The phone checks the presented certificate by its hash alone, so a
     * failed verification, or the phone rejecting it with an alert, is this. */
    P(CERT_HASH_MISMATCH, CTX_VPN, { "hash", "mismatch" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "hash", "not found" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "hash", "no match" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "hash", "not match" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "hash", "not in" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "certificate verify failed" }, { NULL }),
    P(CERT_HASH_MISMATCH, CTX_VPN, { "write", "bad certificate" }, { NULL }),
};

#undef P
#undef NO_CLIENT_OFFER
#undef NOT_CONFIG

static bool is_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* word is lower-case; line is the lower-cased line, NUL-terminated. */
static bool has_word(const char *line, const char *word)
{
    bool word_start = word[0] == '^';
    const char *w = word_start ? word + 1 : word;

    for (const char *hit = strstr(line, w); hit != NULL; hit = strstr(hit + 1, w))
        if (!word_start || hit == line || !is_alnum(hit[-1]))
            return true;
    return false;
}

static bool has_any(const char *line, const char *const *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (words[i] != NULL && has_word(line, words[i]))
            return true;
    return false;
}

/* One pass over the line instead of a search per context word: most lines of
 * a log are not the VPN's, and this is all the work they cost. */
static unsigned line_context(const char *raw, const char *low, size_t n)
{
    unsigned ctx = 0;

    for (size_t i = 0; i < n; i++) {
        const char *at = low + i;
        switch (low[i]) {
        case 'v': case 'a': case 'd': case 'c':
            for (size_t w = 0; w < sizeof vpn_words / sizeof vpn_words[0]; w++)
                if (vpn_words[w][0] == low[i] &&
                    strncmp(at, vpn_words[w], strlen(vpn_words[w])) == 0)
                    ctx |= CTX_VPN;
            if (low[i] == 'a' && strncmp(at, "auto", 4) == 0)
                for (size_t w = 0; w < sizeof and_words / sizeof and_words[0]; w++)
                    if (strncmp(at, and_words[w], strlen(and_words[w])) == 0)
                        ctx |= CTX_AND;
            break;
        default:
            break;
        }
        if (raw[i] == 'A' && strncmp(raw + i, "AND", 3) == 0 &&
            (i == 0 || (!is_alnum(raw[i - 1]) && raw[i - 1] != '_')) &&
            !is_alnum(raw[i + 3]) && raw[i + 3] != '_')
            ctx |= CTX_AND;
        if (ctx == (CTX_VPN | CTX_AND))
            break;
    }
    return ctx;
}

static bool pattern_matches(const struct pattern *p, const char *low)
{
    for (size_t i = 0; i < PATTERN_WORDS && p->all[i] != NULL; i++)
        if (!has_word(low, p->all[i]))
            return false;
    return !has_any(low, p->none, PATTERN_WORDS);
}

struct scan {
    bool found[PHONELOG_PROBLEM_COUNT];
    size_t lines[PHONELOG_PROBLEM_COUNT][PHONELOG_MAX_EVIDENCE];
    size_t n_lines[PHONELOG_PROBLEM_COUNT];
};

static void scan_line(struct scan *s, const char *raw, const char *low, size_t n,
                      size_t lineno)
{
    unsigned ctx = line_context(raw, low, n);
    bool hit[PHONELOG_PROBLEM_COUNT] = { false };

    if (ctx == 0)
        return;
    for (size_t i = 0; i < sizeof patterns / sizeof patterns[0]; i++) {
        const struct pattern *p = &patterns[i];
        if (hit[p->problem] || !(ctx & (unsigned)p->context) || !pattern_matches(p, low))
            continue;
        hit[p->problem] = true;
        s->found[p->problem] = true;
        if (s->n_lines[p->problem] < PHONELOG_MAX_EVIDENCE)
            s->lines[p->problem][s->n_lines[p->problem]++] = lineno;
    }
}

size_t phonelog_diagnose(const char *text, size_t len, struct phonelog_finding *out,
                         size_t max)
{
    static const struct scan empty;
    struct scan s = empty;
    char raw[PHONELOG_LINE_SCAN + 1], low[PHONELOG_LINE_SCAN + 1];
    size_t pos = 0, lineno = 0, n_out = 0;

    if (text == NULL)
        len = 0;
    while (pos < len) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        size_t n = end - pos;

        lineno++;
        if (n > 0 && text[end - 1] == '\r')
            n--;
        if (n > PHONELOG_LINE_SCAN)
            n = PHONELOG_LINE_SCAN;
        for (size_t i = 0; i < n; i++) {
            char c = text[pos + i];
            if (c == '\0')
                c = ' ';
            raw[i] = c;
            low[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
        }
        raw[n] = low[n] = '\0';
        scan_line(&s, raw, low, n, lineno);
        pos = end + 1;
    }

    for (int p = 0; p < PHONELOG_PROBLEM_COUNT && n_out < max; p++) {
        if (!s.found[p])
            continue;
        struct phonelog_finding *f = &out[n_out++];
        f->problem = (enum phonelog_problem)p;
        f->id = problems[p].id;
        f->title = problems[p].title;
        f->fix = problems[p].fix;
        f->n_lines = s.n_lines[p];
        memcpy(f->lines, s.lines[p], sizeof f->lines);
    }
    return n_out;
}

/* Shared by the REST answer and the web page so that the evidence text they show
 * is the line the line number names, by the same rules as the scan above. */
size_t phonelog_line(const char *text, size_t len, size_t n, const char **start)
{
    size_t pos = 0;

    if (text == NULL)
        len = 0;
    for (size_t line = 1; pos < len; line++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        size_t end = nl != NULL ? (size_t)(nl - text) : len;
        if (line == n) {
            if (end > pos && text[end - 1] == '\r')
                end--;
            *start = text + pos;
            return end - pos;
        }
        pos = end + 1;
    }
    *start = "";
    return 0;
}
