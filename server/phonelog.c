/* phonelog.c - read an IP phone's console log as an admin pastes it, and spot
 * the known VPN Phone failures in it.
 *
 * Reading.  An entry is "<seq> <LEVEL> [<Mon> <DD>] [<time>] [(<pid>:<tid>)]
 * <MODULE>: [-<function>:] <message>" (docs/phone-log-formats.md).  Pastes
 * lose line breaks and gain markdown, so an entry is found by its head wherever
 * one starts (at a line's start or after a blank, backtick, '*', '>' or '|'),
 * and ends at the line's end or where the next head starts.  A head without a
 * time must be followed at once by "MODULE:", so that a number and a capital
 * word inside a message do not start an entry.  Text outside entries counts
 * for nothing.
 *
 * Meaning.  Each entry of the VPN client (VPNC), of Auto Network Detect
 * (JAVA-vpnAutoDetect) or of a Java VPN class is matched against a table of
 * what that module says; the first row that fits gives the entry's meaning.
 * Entries of other processes (SIP, TVS, the phone's dnsmasq) have none, however
 * their words look.  The findings follow from the meanings in paste order (seq
 * numbers interleave across processes), each quoting its entries.
 *
 * Work is linear in the input: every byte is looked at by a bounded number of
 * head checks, and an entry's message is copied once, up to
 * PHONELOG_LINE_SCAN bytes. */
#include <config.h>

#include <stdbool.h>
#include <string.h>

#include "phonelog.h"

enum meaning {
    M_NONE,
    M_OFFER,          /* current cipher -> LIST: what the phone offers */
    M_CHOSEN,         /* new cipher -> LIST: what the head-end chose */
    M_DTLS_CIPHER,    /* the DTLS cipher set for the connection */
    M_CLOSE,          /* a clean close: no fault */
    M_DTLS_FAIL,
    M_CONN_TIMER,     /* conn timer expired: a DTLS setup abort may follow */
    M_DTLS_ABORT,     /* abort_connect: in dtls setup phase */
    M_NO_SHARED,
    M_DNS,
    M_AND_PING_LOST,  /* Auto Network Detect's ping got no reply */
    M_AND_OTHER,      /* any other Auto Network Detect entry */
    M_VPN_ENABLED,    /* the VPN state handler starts the VPN */
    M_HOST_ID,
    M_CERT_TRUST,
};

enum family {
    F_OTHER = 0,
    F_VPNC = 1,       /* the AnyConnect client */
    F_AND = 2,        /* Auto Network Detect */
    F_VPN_JAVA = 4,   /* a Java module or class about the VPN */
};

#define WORDS 5

struct rule {
    unsigned family;
    enum meaning meaning;
    const char *function;      /* the entry's function; NULL: any */
    const char *prefix;        /* the message starts with it; NULL: any start */
    const char *any[WORDS];    /* the message holds one of these; none listed: any */
    const char *also[WORDS];   /* and one of these */
};

struct head {
    unsigned long long seq;
    char level[4];
    bool timed;
    size_t module, module_len, where, where_len, function, function_len, body;
};

struct tally {
    struct phonelog_evidence ev[PHONELOG_PROBLEM_COUNT][PHONELOG_MAX_EVIDENCE];
    size_t n[PHONELOG_PROBLEM_COUNT];
    struct phonelog_evidence conn_timer, and_seen[PHONELOG_MAX_EVIDENCE];
    size_t n_and_seen;
    bool have_timer, ping_lost, vpn_enabled;
};

static size_t head_at(const char *s, size_t n, struct head *h);
static size_t skip_date(const char *s, size_t n, size_t i);
static size_t skip_time(const char *s, size_t n, size_t i, bool *timed);
static size_t skip_pid(const char *s, size_t n, size_t i);
static size_t source_at(const char *s, size_t n, size_t i, struct head *h);
static size_t where_at(const char *s, size_t n, size_t i, struct head *h);
static size_t function_at(const char *s, size_t n, size_t i, struct head *h);
static const struct rule *meaning_of(const struct phonelog_entry *e, unsigned family,
                                     const char *low);
static void tally_entry(struct tally *t, const struct rule *r, const struct phonelog_entry *e,
                        const char *low);

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
        "Phone and ASA share no cipher (TLS and DTLS could not agree on one)",
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
        "Auto Network Detect ran without a ping time-out: the phone left the VPN off",
        "The phone reached the address it takes for its TFTP server and so stays off the "
        "VPN. Check which address it pinged (these entries): a private address that also "
        "answers on the home network fools it; give phones a TFTP address only reachable "
        "inside, or turn Auto Network Detect off in the VPN profile.",
    },
    [PHONELOG_CERT_HASH_MISMATCH] = {
        "cert_hash_mismatch",
        "The phone does not trust the ASA's certificate (hash or issuer)",
        "The ASA presents a certificate whose SHA-1 hash the phone was not given. Add "
        "that certificate to the VPN gateway beside the old one, reset the phones while "
        "they are inside so they fetch both hashes, and only then switch the ASA to it "
        "(rollover order). If the ASA picked an EC cipher, the certificate is a "
        "temporary EC one: see the EC cipher fix.",
    },
    [PHONELOG_HOST_ID_MISMATCH] = {
        "host_id_mismatch",
        "Host ID Check: the gateway's host is not named in the ASA's certificate",
        "With Host ID Check on, the host in the VPN gateway URL must be the CN or a SAN "
        "entry of the certificate the ASA presents. Use the name the certificate carries "
        "in the gateway URL (and the ASA's group-url), reissue the ASA certificate with "
        "that name as a SAN, or turn Host ID Check off in the VPN profile.",
    },
};

/* What each module says, first row that fits wins.  Words are lower-case and
 * searched in the lower-cased message only, never in the rest of the entry. */
#define NONE { NULL }

static const struct rule rules[] = {
    { F_AND, M_AND_PING_LOST, NULL, NULL,
      { "ping time out", "ping timed out", "ping timeout" }, NONE },
    { F_AND, M_AND_OTHER, NULL, NULL, NONE, NONE },
    { F_VPN_JAVA, M_VPN_ENABLED, NULL, NULL, { "handlevpn_enabled_state" }, NONE },
    { F_VPN_JAVA | F_VPNC, M_DNS, NULL, NULL, { "dnslookuperr" }, NONE },
    /* The phone's offer normally holds EC suites; only the choice can be a fault. */
    { F_VPNC, M_OFFER, NULL, "current cipher ->", NONE, NONE },
    { F_VPNC, M_CHOSEN, NULL, "new cipher ->", NONE, NONE },
    { F_VPNC, M_CHOSEN, NULL, "server selected cipher", NONE, NONE },
    { F_VPNC, M_CHOSEN, NULL, "server chose cipher", NONE, NONE },
    { F_VPNC, M_DTLS_CIPHER, NULL, "x-dtls-ciphersuite:", NONE, NONE },
    { F_VPNC, M_DTLS_CIPHER, "create_dtls_connection", "cipher list:", NONE, NONE },
    { F_VPNC, M_CLOSE, NULL, NULL, { "close notify" }, NONE },
    { F_VPNC, M_DTLS_FAIL, NULL, NULL, { "dtls write alert", "illegal parameter",
                                         "old session cipher not returned",
                                         "dtls setup failure", "ssl success dtls fail" }, NONE },
    { F_VPNC, M_CONN_TIMER, NULL, NULL, { "conn timer expired" }, NONE },
    { F_VPNC, M_DTLS_ABORT, NULL, NULL, { "in dtls setup phase" }, NONE },
    { F_VPNC, M_NO_SHARED, NULL, NULL, { "no shared cipher" }, NONE },
    { F_VPNC, M_NO_SHARED, NULL, NULL, { "handshake failure" }, { "alert" } },
    { F_VPNC, M_HOST_ID, NULL, NULL,
      { "host id", "hostid", "host-id", "host name", "hostname" },
      { "mismatch", "does not match", "not match", "fail" } },
    { F_VPNC, M_CERT_TRUST, NULL, NULL, { "cert" },
      { "mismatch", "not found", "does not match", "unknown issuer", "verify failed" } },
    { F_VPNC, M_CERT_TRUST, NULL, NULL, { "bad certificate", "unable to get local issuer" },
      NONE },
};

#undef NONE

static const char *const levels[] = { "NOT", "DEB", "ERR", "WRN", "INF", "CRT" };
static const char *const months[] = { "jan", "feb", "mar", "apr", "may", "jun",
                                      "jul", "aug", "sep", "oct", "nov", "dec" };

/* ---- characters ------------------------------------------------------------ */

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* Where an entry may start: after what a paste puts between entries (blanks,
 * line ends, NUL, and markdown's backticks, bold, quotes and table bars). */
static bool boundary(const char *text, size_t i)
{
    static const char before[] = " \t\r\n\v\f`*>|";   /* sizeof counts the NUL */

    return i == 0 || memchr(before, text[i - 1], sizeof before) != NULL;
}

/* What trails an entry in a paste and is no part of it. */
static bool trailer(char c)
{
    return c != '\0' && strchr(" \t\r\v\f`*", c) != NULL;
}

static size_t blanks(const char *s, size_t n, size_t i)
{
    while (i < n && is_blank(s[i]))
        i++;
    return i;
}

static size_t digits(const char *s, size_t n, size_t i, size_t max)
{
    size_t j = i;
    while (j < n && j - i < max && is_digit(s[j]))
        j++;
    return j < n && is_digit(s[j]) ? i : j;   /* too many: none */
}

/* Does haystack (NUL-terminated, lower-case) hold needle?  Case-blind strstr. */
static bool holds(const char *low, const char *needle)
{
    return strstr(low, needle) != NULL;
}

static bool holds_ci(const char *s, const char *needle)
{
    for (; *s != '\0'; s++) {
        size_t k = 0;
        while (needle[k] != '\0' && lower(s[k]) == needle[k])
            k++;
        if (needle[k] == '\0')
            return true;
    }
    return false;
}

/* ---- reading entries --------------------------------------------------------- */

/* The head of an entry at s: its length up to the message, or 0 when s holds
 * none.  s need not be NUL-terminated; nothing past s[n - 1] or a LF is read. */
static size_t head_at(const char *s, size_t n, struct head *h)
{
    size_t i, j;

    memset(h, 0, sizeof *h);
    if ((i = digits(s, n, 0, 18)) == 0)
        return 0;
    for (j = 0; j < i; j++)
        h->seq = h->seq * 10 + (unsigned long long)(s[j] - '0');
    if ((j = blanks(s, n, i)) == i || n - j < 4 || !is_blank(s[j + 3]))
        return 0;
    for (i = 0; i < sizeof levels / sizeof levels[0]; i++)
        if (memcmp(s + j, levels[i], 3) == 0)
            break;
    if (i == sizeof levels / sizeof levels[0])
        return 0;
    memcpy(h->level, s + j, 3);
    i = blanks(s, n, j + 3);
    i = skip_date(s, n, i);
    i = skip_time(s, n, i, &h->timed);
    i = skip_pid(s, n, i);
    return source_at(s, n, i, h);
}

/* "Mar 14 " */
static size_t skip_date(const char *s, size_t n, size_t i)
{
    if (n - i < 5 || !is_blank(s[i + 3]))
        return i;
    for (size_t m = 0; m < sizeof months / sizeof months[0]; m++) {
        if (lower(s[i]) != months[m][0] || lower(s[i + 1]) != months[m][1] ||
            lower(s[i + 2]) != months[m][2])
            continue;
        size_t d = blanks(s, n, i + 3);
        size_t e = digits(s, n, d, 2);
        return e > d && (e == n || is_blank(s[e])) ? blanks(s, n, e) : i;
    }
    return i;
}

/* "08:02:14.207730 " or "14:12:01 " */
static size_t skip_time(const char *s, size_t n, size_t i, bool *timed)
{
    size_t j = digits(s, n, i, 2);

    if (j == i)
        return i;
    for (int part = 0; part < 2; part++) {
        if (j >= n || s[j] != ':')
            return i;
        size_t k = digits(s, n, j + 1, 2);
        if (k != j + 3)
            return i;
        j = k;
    }
    if (j < n && (s[j] == '.' || s[j] == ','))
        j = digits(s, n, j + 1, 9);
    if (j < n && !is_blank(s[j]))
        return i;
    *timed = true;
    return blanks(s, n, j);
}

/* "(512:540) ", "(686-686) " or "(512) " */
static size_t skip_pid(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '(')
        return i;
    size_t j = digits(s, n, i + 1, 10);
    if (j == i + 1)
        return i;
    if (j < n && (s[j] == ':' || s[j] == '-')) {
        size_t k = digits(s, n, j + 1, 10);
        if (k == j + 1)
            return i;
        j = k;
    }
    return j < n && s[j] == ')' ? blanks(s, n, j + 1) : i;
}

/* A Java thread and class path, "MQThread|cip.vpn.VpnStateHandler:? - ": the
 * message's start after it, or i when s[i] holds none. */
static size_t where_at(const char *s, size_t n, size_t i, struct head *h)
{
    size_t j = i;
    bool bar = false;

    while (j < n && !is_blank(s[j]) && s[j] != '\n' && j - i < PHONELOG_NAME_MAX - 1)
        bar |= s[j++] == '|';
    if (!bar || (j < n && !is_blank(s[j]) && s[j] != '\n'))
        return i;
    h->where = i;
    h->where_len = j - i;
    j = blanks(s, n, j);
    if (j < n && s[j] == '-')
        j = blanks(s, n, j + 1);
    return j;
}

/* "-protocol_handler: " at s[i]: the body's start after it, or i. */
static size_t function_at(const char *s, size_t n, size_t i, struct head *h)
{
    size_t f = i + 1;

    if (f >= n || s[i] != '-' || !(is_alpha(s[f]) || s[f] == '_'))
        return i;
    while (f < n && f - i < PHONELOG_NAME_MAX - 1 &&
           (is_alpha(s[f]) || is_digit(s[f]) || s[f] == '_'))
        f++;
    if (f >= n || s[f] != ':')
        return i;
    h->function = i + 1;
    h->function_len = f - i - 1;
    return blanks(s, n, f + 1);
}

/* "VPNC: -protocol_handler: ", "dnsmasq[322]: ", "JAVA-configmgr MQThread|a.b:? - ",
 * or after a time anything: then the whole is message. */
static size_t source_at(const char *s, size_t n, size_t i, struct head *h)
{
    size_t j = i, w;

    while (j < n && j - i < PHONELOG_NAME_MAX - 1 &&
           (is_alpha(s[j]) || (j > i && (is_digit(s[j]) || strchr("_.-", s[j]) != NULL))))
        j++;
    if (j < n && s[j] == '[' && j > i) {
        size_t k = digits(s, n, j + 1, 10);
        if (k > j + 1 && k < n && s[k] == ']')
            j = k + 1;
    }
    h->module = i;
    h->module_len = j - i;
    bool java = j - i > 5 && memcmp(s + i, "JAVA-", 5) == 0;
    if (j > i && j < n && s[j] == ':') {
        w = blanks(s, n, j + 1);
        if (java)
            w = where_at(s, n, w, h);   /* "JAVA-x: thread|class - " */
    } else if (j == i || (w = where_at(s, n, blanks(s, n, j), h)) == blanks(s, n, j)) {
        h->module_len = 0;   /* no "MODULE:": a message alone, only after a time */
        h->body = i;
        return h->timed ? i : 0;
    }
    if (h->where_len > 0 && w < n && s[w] == ':')
        w = blanks(s, n, w + 1);
    h->body = function_at(s, n, w, h);
    return h->body;
}

void phonelog_reader_init(struct phonelog_reader *r, const char *text, size_t len)
{
    r->text = text != NULL ? text : "";
    r->len = text != NULL ? len : 0;
    r->pos = 0;
    r->line = 1;
}

/* Where the entry whose head ends at from ends: a LF, the next head, or (when a
 * backtick opened it) the next backtick. */
static size_t entry_end(const char *t, size_t len, size_t from, bool backticked)
{
    struct head next;

    for (size_t j = from; j < len; j++) {
        if (t[j] == '\n' || (backticked && t[j] == '`'))
            return j;
        if (is_digit(t[j]) && boundary(t, j) && head_at(t + j, len - j, &next) > 0)
            return j;
    }
    return len;
}

static void copy_name(char *dst, const char *src, size_t n)
{
    if (n > PHONELOG_NAME_MAX - 1)
        n = PHONELOG_NAME_MAX - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* The message without the markdown a document wraps around log text. */
static void copy_message(char *dst, const char *src, size_t n)
{
    size_t k = 0;

    for (size_t i = 0; i < n && k < PHONELOG_LINE_SCAN; i++) {
        if (src[i] == '`' || (src[i] == '*' && i + 1 < n && src[i + 1] == '*')) {
            i += src[i] == '*';
            continue;
        }
        dst[k++] = (unsigned char)src[i] < 0x20 || src[i] == 0x7f ? ' ' : src[i];
    }
    while (k > 0 && (dst[k - 1] == ' ' || dst[k - 1] == '*'))
        k--;
    dst[k] = '\0';
}

static void fill_entry(struct phonelog_entry *e, const char *s, size_t n,
                       const struct head *h)
{
    e->seq = h->seq;
    memcpy(e->level, h->level, sizeof e->level);
    copy_name(e->module, s + h->module, h->module_len);
    copy_name(e->where, s + h->where, h->where_len);
    copy_name(e->function, s + h->function, h->function_len);
    copy_message(e->message, s + h->body, n - h->body);
    while (n > 0 && trailer(s[n - 1]))
        n--;
    e->len = n;
}

bool phonelog_read_entry(struct phonelog_reader *r, struct phonelog_entry *e)
{
    const char *t = r->text;
    struct head h;

    for (; r->pos < r->len; r->pos++) {
        size_t i = r->pos, n;
        if (t[i] == '\n') {
            r->line++;
            continue;
        }
        if (!is_digit(t[i]) || !boundary(t, i) || (n = head_at(t + i, r->len - i, &h)) == 0)
            continue;
        size_t end = entry_end(t, r->len, i + n, i > 0 && t[i - 1] == '`');
        fill_entry(e, t + i, end - i, &h);
        e->line = r->line;
        e->offset = i;
        r->pos = end;
        return true;
    }
    return false;
}

/* ---- meaning ------------------------------------------------------------------ */

static unsigned family_of(const struct phonelog_entry *e)
{
    if (strcmp(e->module, "VPNC") == 0 || strcmp(e->module, "vpnc") == 0)
        return F_VPNC;
    if (holds_ci(e->module, "autodetect") || holds_ci(e->where, "autodetect"))
        return F_AND;
    if ((e->module[0] == 'J' && strncmp(e->module, "JAVA-", 5) == 0) &&
        (holds_ci(e->module, "vpn") || holds_ci(e->where, "vpn")))
        return F_VPN_JAVA;
    return F_OTHER;
}

static bool holds_one(const char *low, const char *const *words)
{
    if (words[0] == NULL)
        return true;
    for (size_t i = 0; i < WORDS && words[i] != NULL; i++)
        if (holds(low, words[i]))
            return true;
    return false;
}

static const struct rule *meaning_of(const struct phonelog_entry *e, unsigned family,
                                     const char *low)
{
    if (family == F_OTHER)
        return NULL;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        const struct rule *r = &rules[i];
        if ((r->family & family) == 0 ||
            (r->function != NULL && strcmp(e->function, r->function) != 0) ||
            (r->prefix != NULL && strncmp(low, r->prefix, strlen(r->prefix)) != 0))
            continue;
        if (holds_one(low, r->any) && holds_one(low, r->also))
            return r;
    }
    return NULL;
}

/* A cipher list ("ECDHE-RSA-AES256-SHA:AES256-SHA"): does its first suite use EC? */
static bool ec_first(const char *list)
{
    list += strspn(list, " ");
    size_t n = strcspn(list, ": ,;");
    const char *ecdsa = strstr(list, "ecdsa");

    return strncmp(list, "ecdhe", 5) == 0 || strncmp(list, "ecdh-", 5) == 0 ||
           (ecdsa != NULL && ecdsa < list + n);
}

/* ---- findings ----------------------------------------------------------------- */

static struct phonelog_evidence evidence_of(const struct phonelog_entry *e)
{
    return (struct phonelog_evidence){ e->seq, e->line, e->offset, e->len };
}

static void add(struct tally *t, enum phonelog_problem p, struct phonelog_evidence ev)
{
    if (t->n[p] < PHONELOG_MAX_EVIDENCE)
        t->ev[p][t->n[p]++] = ev;
}

static void tally_entry(struct tally *t, const struct rule *r, const struct phonelog_entry *e,
                        const char *low)
{
    struct phonelog_evidence ev = evidence_of(e);

    switch (r->meaning) {
    case M_CHOSEN: case M_DTLS_CIPHER:
        if (ec_first(low + strlen(r->prefix)))
            add(t, PHONELOG_EC_CIPHER, ev);
        break;
    case M_DTLS_FAIL: add(t, PHONELOG_DTLS_FAILURE, ev); break;
    case M_CONN_TIMER:
        t->conn_timer = ev;
        t->have_timer = true;
        return;
    case M_DTLS_ABORT:
        /* The timer that ran out is part of the story when it came just before. */
        if (t->have_timer)
            add(t, PHONELOG_NO_SHARED_CIPHER, t->conn_timer);
        add(t, PHONELOG_NO_SHARED_CIPHER, ev);
        break;
    case M_NO_SHARED: add(t, PHONELOG_NO_SHARED_CIPHER, ev); break;
    case M_DNS: add(t, PHONELOG_DNS_LOOKUP, ev); break;
    case M_AND_PING_LOST: t->ping_lost = true; add(t, PHONELOG_AND_VPN_ENABLED, ev); break;
    case M_VPN_ENABLED:
        /* Started by hand unless Auto Network Detect's ping was lost before. */
        if (t->ping_lost)
            add(t, PHONELOG_AND_VPN_ENABLED, ev);
        t->vpn_enabled = true;
        break;
    case M_AND_OTHER:
        if (t->n_and_seen < PHONELOG_MAX_EVIDENCE)
            t->and_seen[t->n_and_seen++] = ev;
        break;
    case M_HOST_ID: add(t, PHONELOG_HOST_ID_MISMATCH, ev); break;
    case M_CERT_TRUST: add(t, PHONELOG_CERT_HASH_MISMATCH, ev); break;
    case M_NONE: case M_OFFER: case M_CLOSE: break;
    }
    t->have_timer = false;   /* the client said something else in between: no story */
}

/* An answered ping is seen by what is missing: Auto Network Detect ran, its ping
 * did not time out and the VPN was not started (docs/phone-log-formats.md). */
static void and_skipped(struct tally *t)
{
    if (t->n_and_seen == 0 || t->ping_lost || t->vpn_enabled)
        return;
    for (size_t i = 0; i < t->n_and_seen; i++)
        add(t, PHONELOG_AND_VPN_SKIPPED, t->and_seen[i]);
}

size_t phonelog_analyse(const char *text, size_t len, struct phonelog_finding *out,
                        size_t max, struct phonelog_summary *sum)
{
    static const struct tally empty;
    struct tally t = empty;
    struct phonelog_entry e;
    struct phonelog_reader reader;
    struct phonelog_summary s = { 0, 0 };
    char low[PHONELOG_LINE_SCAN + 1];
    size_t n_out = 0;

    phonelog_reader_init(&reader, text, len);
    while (phonelog_read_entry(&reader, &e)) {
        size_t k = 0;
        for (; e.message[k] != '\0'; k++)
            low[k] = lower(e.message[k]);
        low[k] = '\0';
        const struct rule *r = meaning_of(&e, family_of(&e), low);
        s.entries++;
        if (r == NULL) {
            t.have_timer &= family_of(&e) != F_VPNC;
            continue;
        }
        s.recognised++;
        tally_entry(&t, r, &e, low);
    }
    and_skipped(&t);

    for (int p = 0; p < PHONELOG_PROBLEM_COUNT && n_out < max; p++) {
        if (t.n[p] == 0)
            continue;
        struct phonelog_finding *f = &out[n_out++];
        memset(f, 0, sizeof *f);
        f->problem = (enum phonelog_problem)p;
        f->id = problems[p].id;
        f->title = problems[p].title;
        f->fix = problems[p].fix;
        f->n_lines = t.n[p];
        for (size_t i = 0; i < t.n[p]; i++) {
            f->evidence[i] = t.ev[p][i];
            f->lines[i] = t.ev[p][i].line;
        }
    }
    if (sum != NULL)
        *sum = s;
    return n_out;
}

size_t phonelog_diagnose(const char *text, size_t len, struct phonelog_finding *out,
                         size_t max)
{
    return phonelog_analyse(text, len, out, max, NULL);
}

const char *phonelog_verdict(const struct phonelog_summary *sum, size_t n_findings)
{
    if (n_findings > 0)
        return NULL;
    if (sum->entries == 0)
        return "Nothing recognised: the text holds no phone console-log entries "
               "(<seq> <LEVEL> <time> <MODULE>: <message>).";
    if (sum->recognised == 0)
        return "Nothing recognised: none of the entries is one the diagnosis knows "
               "(VPNC, Auto Network Detect, the VPN state handler).";
    return "No known VPN problem in the entries recognised.";
}

/* Shared by the REST answer and the web page so that the evidence text they show
 * is the line the evidence names, by the same rules as the reader above. */
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
