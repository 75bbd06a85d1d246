/* test_phonelog.c - the phone-log reader and diagnosis against excerpts written
 * from the documented entry format (tests/unit/phonelog/, our own words): which
 * problems, resting on which seq numbers; the same excerpts in the shapes pastes
 * arrive in (one line, CRLF, bullets and backticks, quotes, code fences); what
 * each module's entries mean and what they must not be taken for; then the
 * awkward inputs: NUL, long entries, 10 MB. */
#include <config.h>

#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/phonelog.h"

struct blob {
    char *data;
    size_t len;
};

static struct blob load(const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", PHONELOG_DIR, name);
    FILE *f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open fixture %s", path);
    struct blob b = { malloc(1 << 16), 0 };
    ck_assert_ptr_nonnull(b.data);
    b.len = fread(b.data, 1, 1 << 16, f);
    ck_assert_msg(feof(f), "fixture %s too big for the test", path);
    fclose(f);
    return b;
}

static size_t diagnose(const char *text, size_t len, struct phonelog_finding *out)
{
    size_t n = phonelog_diagnose(text, len, out, PHONELOG_PROBLEM_COUNT);
    ck_assert_uint_le(n, PHONELOG_PROBLEM_COUNT);
    for (size_t i = 1; i < n; i++)
        ck_assert_int_lt(out[i - 1].problem, out[i].problem);
    return n;
}

static size_t diagnose_str(const char *text, struct phonelog_finding *out)
{
    return diagnose(text, strlen(text), out);
}

/* ---- the excerpts ------------------------------------------------------------ */

#define END 0
struct expect {
    enum phonelog_problem problem;
    unsigned long long seqs[PHONELOG_MAX_EVIDENCE + 1];   /* ends with END */
};

static const struct {
    const char *file;
    struct expect found[PHONELOG_PROBLEM_COUNT];
    size_t n_found;
} fixtures[] = {
    /* 4402 offers ECDHE and 4399 (SIP) negotiated it: neither is the ASA's choice. */
    { "ec_cipher.log", {
        { PHONELOG_EC_CIPHER, { 4403, END } },
        { PHONELOG_CERT_HASH_MISMATCH, { 4404, END } },
    }, 2 },
    { "dtls_failure.log", { { PHONELOG_DTLS_FAILURE, { 1025, 1026, 1027, END } } }, 1 },
    /* TLS chose AES256-SHA256, DTLS was set to a suite the phone lacks. */
    { "no_shared_cipher.log", { { PHONELOG_NO_SHARED_CIPHER, { 2304, 2305, END } } }, 1 },
    /* No (pid:tid); the phone's dnsmasq interleaves, with and without a head. */
    { "dns_lookup.log", { { PHONELOG_DNS_LOOKUP, { 872, END } } }, 1 },
    { "and_enabled.log", { { PHONELOG_AND_VPN_ENABLED, { 2102, 2103, END } } }, 1 },
    /* 2108's "timed out" is SIP's. */
    { "and_skipped.log", { { PHONELOG_AND_VPN_SKIPPED, { 2101, 2102, END } } }, 1 },
    /* 3350 is TVS looking up an ITL hash, which is normal. */
    { "cert_hash.log", { { PHONELOG_CERT_HASH_MISMATCH, { 3353, 3354, END } } }, 1 },
    { "host_id.log", { { PHONELOG_HOST_ID_MISMATCH, { 5602, END } } }, 1 },
    /* An EC offer, an AES choice, a matching hash and a clean close. */
    { "clean.log", { { 0, { END } } }, 0 },
    /* Entries run together on two lines, one of them after a tab. */
    { "several.log", {
        { PHONELOG_EC_CIPHER, { 209, END } },
        { PHONELOG_DTLS_FAILURE, { 214, END } },
        { PHONELOG_NO_SHARED_CIPHER, { 215, 216, END } },
        { PHONELOG_DNS_LOOKUP, { 205, END } },
        { PHONELOG_AND_VPN_ENABLED, { 201, 202, END } },
        { PHONELOG_CERT_HASH_MISMATCH, { 210, END } },
    }, 6 },
    /* A document: prose naming the words, a code fence, bullets in backticks,
     * quotes and bold. */
    { "guide.md", {
        { PHONELOG_EC_CIPHER, { 6111, END } },
        { PHONELOG_DTLS_FAILURE, { 6120, END } },
        { PHONELOG_AND_VPN_ENABLED, { 6101, 6102, END } },
        { PHONELOG_CERT_HASH_MISMATCH, { 6112, END } },
    }, 4 },
    /* A question about the words, with no entry: nothing to go on. */
    { "prose.txt", { { 0, { END } } }, 0 },
};

enum { N_FIXTURES = sizeof fixtures / sizeof fixtures[0] };

static void assert_expected(const struct phonelog_finding *out, size_t n, size_t fx,
                            const char *shape)
{
    const char *file = fixtures[fx].file;
    ck_assert_msg(n == fixtures[fx].n_found, "%s (%s): %zu findings, want %zu", file, shape,
                  n, fixtures[fx].n_found);
    for (size_t i = 0; i < n; i++) {
        const struct expect *e = &fixtures[fx].found[i];
        ck_assert_msg(out[i].problem == e->problem, "%s (%s): finding %zu is %s", file, shape,
                      i, out[i].id);
        size_t want = 0;
        while (e->seqs[want] != END)
            want++;
        ck_assert_msg(out[i].n_lines == want, "%s (%s) %s: %zu entries, want %zu", file,
                      shape, out[i].id, out[i].n_lines, want);
        for (size_t j = 0; j < want; j++)
            ck_assert_msg(out[i].evidence[j].seq == e->seqs[j], "%s (%s) %s: evidence %zu is "
                          "seq %llu, want %llu", file, shape, out[i].id, j,
                          out[i].evidence[j].seq, e->seqs[j]);
    }
}

START_TEST(fixture_findings)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct blob b = load(fixtures[_i].file);
    size_t n = diagnose(b.data, b.len, out);
    assert_expected(out, n, (size_t)_i, "as written");
    /* Each entry quoted is where the evidence says, on the line it names. */
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < out[i].n_lines; j++) {
            const struct phonelog_evidence *ev = &out[i].evidence[j];
            char seq[32];
            int w = snprintf(seq, sizeof seq, "%04llu ", ev->seq);
            ck_assert_uint_le(ev->offset + ev->len, b.len);
            ck_assert_mem_eq(b.data + ev->offset, seq, (size_t)w);
            ck_assert_uint_eq(out[i].lines[j], ev->line);
            const char *start;
            size_t line_len = phonelog_line(b.data, b.len, ev->line, &start);
            ck_assert(b.data + ev->offset >= start &&
                      b.data + ev->offset + ev->len <= start + line_len);
        }
    free(b.data);
}
END_TEST

/* ---- the two defects of issue 15 ------------------------------------------------ */

/* The guide's Auto Network Detect excerpt: the TFTP ping timed out and the state
 * handler started the VPN.  Before: no finding at all. */
START_TEST(regression_and_guide_excerpt)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct blob b = load("and_enabled.log");
    size_t n = diagnose(b.data, b.len, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, PHONELOG_AND_VPN_ENABLED);
    ck_assert_uint_eq(out[0].n_lines, 2);
    ck_assert_uint_eq(out[0].evidence[0].seq, 2102);   /* ping time out */
    ck_assert_uint_eq(out[0].evidence[1].seq, 2103);   /* handleVPN_ENABLED_STATE() */
    free(b.data);
}
END_TEST

/* The phone offers ECDHE first (current cipher ->) but the head-end chose AES
 * (new cipher ->): healthy.  Before: reported as the EC-cipher failure. */
START_TEST(regression_offer_is_not_the_choice)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct phonelog_summary sum;
    struct blob b = load("clean.log");
    size_t n = phonelog_analyse(b.data, b.len, out, PHONELOG_PROBLEM_COUNT, &sum);
    ck_assert_msg(n == 0, "%zu findings, first %s", n, n ? out[0].id : "");
    ck_assert_uint_eq(sum.entries, 8);
    ck_assert_uint_eq(sum.recognised, 5);   /* offer, choice, DTLS cipher twice, close */
    ck_assert_str_eq(phonelog_verdict(&sum, n), "No known VPN problem in the entries "
                     "recognised.");
    free(b.data);

    /* The same two entries with the head-end choosing EC: the failure, on 2. */
    n = diagnose_str("1 NOT Mar 14 09:10:02.010200 (733:733) VPNC: -protocol_handler: "
                     "current cipher -> ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA\n"
                     "2 NOT Mar 14 09:10:02.120388 (733:733) VPNC: -protocol_handler: "
                     "new cipher -> ECDHE-RSA-AES256-GCM-SHA384:AES256-SHA\n", out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, PHONELOG_EC_CIPHER);
    ck_assert_uint_eq(out[0].n_lines, 1);
    ck_assert_uint_eq(out[0].evidence[0].seq, 2);
}
END_TEST

/* ---- the shapes pastes arrive in -------------------------------------------------- */

enum shape { ONE_LINE, CRLF, BULLETS, QUOTES, FENCE, N_SHAPES };
static const char *const shape_names[N_SHAPES] = {
    "one line", "CRLF", "bullets in backticks", "> quotes", "code fence"
};

/* The fixture's text in a shape: its lines run together, or each one decorated. */
static char *reshape(const struct blob *b, enum shape s, size_t *len)
{
    char *out = malloc(4 * b->len + 64);
    size_t j = 0;
    bool line_start = true;
    ck_assert_ptr_nonnull(out);
    if (s == FENCE)
        j += (size_t)sprintf(out, "Seen on the phone:\n\n```text\n");
    for (size_t i = 0; i < b->len; i++) {
        char c = b->data[i];
        if (line_start && s == BULLETS)
            j += (size_t)sprintf(out + j, "- `");
        else if (line_start && s == QUOTES)
            j += (size_t)sprintf(out + j, "> ");
        line_start = c == '\n';
        if (c != '\n')
            out[j++] = c;
        else if (s == ONE_LINE)
            j += (size_t)sprintf(out + j, i % 3 ? " " : "  \t");
        else if (s == CRLF)
            j += (size_t)sprintf(out + j, "\r\n");
        else
            j += (size_t)sprintf(out + j, s == BULLETS ? "`\n" : "\n");
    }
    if (s == FENCE)
        j += (size_t)sprintf(out + j, "```\n");
    *len = j;
    return out;
}

START_TEST(fixture_shapes)
{
    struct blob b = load(fixtures[_i].file);
    if (strstr(fixtures[_i].file, ".log") == NULL) {   /* already a document */
        free(b.data);
        return;
    }
    for (int s = 0; s < N_SHAPES; s++) {
        struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
        size_t len;
        char *text = reshape(&b, (enum shape)s, &len);
        size_t n = diagnose(text, len, out);
        assert_expected(out, n, (size_t)_i, shape_names[s]);
        if (s == ONE_LINE)
            for (size_t i = 0; i < n; i++)
                ck_assert_uint_eq(out[i].lines[0], 1);
        free(text);
    }
    free(b.data);
}
END_TEST

/* Every problem has an excerpt that finds it. */
START_TEST(every_problem_covered)
{
    bool seen[PHONELOG_PROBLEM_COUNT] = { false };
    for (size_t i = 0; i < N_FIXTURES; i++)
        for (size_t j = 0; j < fixtures[i].n_found; j++)
            seen[fixtures[i].found[j].problem] = true;
    for (int p = 0; p < PHONELOG_PROBLEM_COUNT; p++)
        ck_assert_msg(seen[p], "problem %d has no fixture", p);
}
END_TEST

/* ---- reading entries -------------------------------------------------------------- */

START_TEST(entry_fields)
{
    static const char text[] =
        "junk before\n"
        "  * `0042 ERR Mar 14 08:02:14.207730 (512:540) VPNC: -protocol_handler: "
        "new cipher -> **AES256-SHA**` and prose after\n"
        "7 NOT Jan 2 1:02:03 JAVA-configmgr MQThread|cip.vpn.VpnStateHandler:? - "
        "VpnStateHandler: handleVPN_ENABLED_STATE()\r\n"
        "8 WRN 10:00:00,5 (99) dnsmasq[322]: query[A] asav.example.lab\t\x01 9 INF VPNC: x";
    struct phonelog_reader r;
    struct phonelog_entry e;
    phonelog_reader_init(&r, text, sizeof text - 1);

    ck_assert(phonelog_read_entry(&r, &e));
    ck_assert_uint_eq(e.seq, 42);
    ck_assert_str_eq(e.level, "ERR");
    ck_assert_uint_eq(e.line, 2);
    ck_assert_str_eq(e.module, "VPNC");
    ck_assert_str_eq(e.where, "");
    ck_assert_str_eq(e.function, "protocol_handler");
    ck_assert_str_eq(e.message, "new cipher -> AES256-SHA");
    ck_assert_uint_eq(e.offset, (size_t)(strstr(text, "0042") - text));
    ck_assert_mem_eq(text + e.offset + e.len - 10, "AES256-SHA**`", 13);   /* ** trimmed */

    ck_assert(phonelog_read_entry(&r, &e));
    ck_assert_uint_eq(e.seq, 7);
    ck_assert_uint_eq(e.line, 3);
    ck_assert_str_eq(e.module, "JAVA-configmgr");
    ck_assert_str_eq(e.where, "MQThread|cip.vpn.VpnStateHandler:?");
    ck_assert_str_eq(e.function, "");
    ck_assert_str_eq(e.message, "VpnStateHandler: handleVPN_ENABLED_STATE()");
    ck_assert_int_eq(text[e.offset + e.len], '\r');   /* the CR is no part of it */

    ck_assert(phonelog_read_entry(&r, &e));
    ck_assert_uint_eq(e.seq, 8);
    ck_assert_str_eq(e.level, "WRN");
    ck_assert_str_eq(e.module, "dnsmasq[322]");
    ck_assert_str_eq(e.message, "query[A] asav.example.lab");   /* up to the next head */

    ck_assert(phonelog_read_entry(&r, &e));
    ck_assert_uint_eq(e.seq, 9);
    ck_assert_str_eq(e.module, "VPNC");
    ck_assert_str_eq(e.message, "x");
    ck_assert(!phonelog_read_entry(&r, &e));
    ck_assert(!phonelog_read_entry(&r, &e));
}
END_TEST

/* A number and a level inside a message start no entry unless a time or
 * "MODULE:" follows; a head needs a boundary before it. */
START_TEST(entry_heads)
{
    static const struct {
        const char *text;
        size_t entries;
    } cases[] = {
        { "1 NOT VPNC: retry in 30 ERR frames then 5 NOT done", 1 },
        { "1 NOT VPNC: a 2 ERR VPNC: b", 2 },
        { "1 NOT VPNC: a 2 ERR 10:00:00 free text", 2 },
        { "1 NOT VPNC: a x2 ERR VPNC: b", 1 },          /* no boundary */
        { "1 NOT VPNC: a 2.3 ERR VPNC: b", 1 },
        { "1 NOT VPNC: a >2 ERR VPNC: b|3 DEB VPNC: c", 3 },
        { "NOT Mar 14 10:00:00 VPNC: no seq", 0 },
        { "12 ABC 10:00:00 VPNC: no level", 0 },
        { "12 NOT  VPNC no colon", 0 },
        { "12 NOT (1:2) VPNC: pid without time", 1 },
        { "1234567890123456789 NOT VPNC: seq too long", 0 },
        { "123456789012345678 NOT VPNC: longest seq", 1 },
        { "5 CRT Feb 29 23:59:59 (1-2) JAVA-x: y", 1 },
        { "", 0 },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct phonelog_reader r;
        struct phonelog_entry e;
        size_t n = 0;
        phonelog_reader_init(&r, cases[i].text, strlen(cases[i].text));
        while (phonelog_read_entry(&r, &e))
            n++;
        ck_assert_msg(n == cases[i].entries, "\"%s\": %zu entries", cases[i].text, n);
    }
    struct phonelog_reader r;
    struct phonelog_entry e;
    phonelog_reader_init(&r, NULL, 0);
    ck_assert(!phonelog_read_entry(&r, &e));
}
END_TEST

/* ---- what entries mean ------------------------------------------------------------ */

#define H "100 NOT Mar 14 08:02:14.207730 (733:733) "
static const struct {
    const char *text;
    int problem;   /* -1: nothing */
} meanings[] = {
    /* The phone's offer, and other processes' TLS, are not the ASA's choice. */
    { H "VPNC: -protocol_handler: current cipher -> ECDHE-ECDSA-AES128-SHA", -1 },
    { H "VPNC: -ssl_init: cipher list: ECDHE-RSA-AES256-SHA:AES256-SHA", -1 },
    { H "JAVA-sipccApp: -tls: new cipher -> ECDHE-RSA-AES128-GCM-SHA256", -1 },
    { H "VPNC: -protocol_handler: new cipher -> AES256-SHA:ECDHE-RSA-AES256-SHA", -1 },
    { H "VPNC: -protocol_handler: new cipher -> ECDHE-RSA-AES256-SHA", PHONELOG_EC_CIPHER },
    { H "VPNC: -protocol_handler: new cipher -> ECDH-ECDSA-AES256-SHA", PHONELOG_EC_CIPHER },
    { H "VPNC: -x: new cipher -> DHE-ECDSA-AES256", PHONELOG_EC_CIPHER },
    { H "VPNC: -process_connect: x-dtls-ciphersuite: ECDHE-ECDSA-AES256-SHA", PHONELOG_EC_CIPHER },
    { H "VPNC: -process_connect: X-DTLS-CipherSuite: AES256-SHA", -1 },
    { H "VPNC: -create_dtls_connection: cipher list: ECDHE-RSA-AES128-SHA", PHONELOG_EC_CIPHER },
    /* DTLS. */
    { H "VPNC: -disconnect: DTLS write alert: warning: close notify", -1 },
    { H "VPNC: -dtls_state: DTLS write alert: fatal: decode error", PHONELOG_DTLS_FAILURE },
    { H "VPNC: -create_dtls_connection: DTLS setup failure", PHONELOG_DTLS_FAILURE },
    { H "JAVA-sipccApp: -tls: alert: fatal: illegal parameter", -1 },
    { H "VPNC: -abort_connect: in dtls setup phase", PHONELOG_NO_SHARED_CIPHER },
    { H "VPNC: -connect_timer: conn timer expired", -1 },
    { H "VPNC: -ssl: no shared cipher", PHONELOG_NO_SHARED_CIPHER },
    { H "VPNC: -ssl: read alert: fatal: handshake failure", PHONELOG_NO_SHARED_CIPHER },
    /* DNS: the VPN client's, not the phone's resolver or its lookups for CUCM. */
    { H "VPNC: -connect_to_server: DnsLookupErr", PHONELOG_DNS_LOOKUP },
    { H "JAVA-vpnMgr: -status: DnsLookupErr", PHONELOG_DNS_LOOKUP },
    { H "dnsmasq[322]: DnsLookupErr asav.example.lab", -1 },
    { H "JAVA-configmgr: -tftp: DnsLookupErr for cucm.example.lab", -1 },
    /* Auto Network Detect: the module decides, not the English word "and". */
    { H "JAVA-vpnAutoDetect: ping time out", PHONELOG_AND_VPN_ENABLED },
    { H "JAVA-vpnAutoDetect: -run: ping timed out after 3 tries", PHONELOG_AND_VPN_ENABLED },
    { H "JAVA-Setup: AND: ping time out", -1 },
    { H "JAVA-configmgr MQThread|cip.vpn.VpnStateHandler:? - handleVPN_ENABLED_STATE()", -1 },
    { H "JAVA-vpnAutoDetect: -run: sending ping to 10.1.1.10", PHONELOG_AND_VPN_SKIPPED },
    /* Trust. */
    { H "VPNC: -cert_check: server certificate hash mismatch", PHONELOG_CERT_HASH_MISMATCH },
    { H "VPNC: -cert_check: certificate from unknown issuer", PHONELOG_CERT_HASH_MISMATCH },
    { H "VPNC: -alert: write: fatal: bad certificate", PHONELOG_CERT_HASH_MISMATCH },
    { H "VPNC: -cert_check: server certificate hash (SHA1) matches entry 1", -1 },
    { H "TVS: -lookup: certificate hash not found in ITL", -1 },
    { H "VPNC: -host_id_check: host name 192.0.2.10 does not match the certificate SAN",
      PHONELOG_HOST_ID_MISMATCH },
    { H "VPNC: -host_id_check: host ID check passed", -1 },
    /* Not entries at all: the words without an entry's head. */
    { "VPNC: -connect_to_server: DnsLookupErr", -1 },
    { "JAVA-vpnAutoDetect: ping time out", -1 },
    { "new cipher -> ECDHE-RSA-AES256-SHA", -1 },
};
#undef H

START_TEST(entry_meanings)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str(meanings[_i].text, out);
    if (meanings[_i].problem < 0) {
        ck_assert_msg(n == 0, "\"%s\" gave %s", meanings[_i].text, n ? out[0].id : "");
        return;
    }
    ck_assert_msg(n == 1 && out[0].problem == (enum phonelog_problem)meanings[_i].problem,
                  "\"%s\": %zu findings, first %s", meanings[_i].text, n, n ? out[0].id : "");
    ck_assert_uint_eq(out[0].evidence[0].seq, 100);
}
END_TEST

/* Auto Network Detect is judged on the order of its entries. */
START_TEST(and_sequence)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    /* The VPN started by hand, no ping lost: no Auto Network Detect finding. */
    ck_assert_uint_eq(diagnose_str("1 NOT 10:00:00 JAVA-configmgr MQThread|cip.vpn.Vpn:? - "
                                   "handleVPN_ENABLED_STATE()", out), 0);
    /* Started before the time-out: only the time-out is evidence. */
    size_t n = diagnose_str("1 NOT 10:00:00 JAVA-configmgr MQThread|cip.vpn.Vpn:? - "
                            "handleVPN_ENABLED_STATE() 2 NOT 10:00:01 JAVA-vpnAutoDetect: "
                            "ping time out", out);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0].n_lines, 1);
    ck_assert_uint_eq(out[0].evidence[0].seq, 2);
    /* A detect that went on to start the VPN did not see its ping answered. */
    n = diagnose_str("1 NOT 10:00:00 JAVA-vpnAutoDetect: -run: checking 10.1.1.10\n"
                     "2 NOT 10:00:01 JAVA-configmgr MQThread|cip.vpn.Vpn:? - "
                     "handleVPN_ENABLED_STATE()\n", out);
    ck_assert_uint_eq(n, 0);
}
END_TEST

/* The timer counts when it is the client's last word before the abort. */
START_TEST(timer_then_abort)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str("1 NOT 1:00:00 VPNC: -t: conn timer expired "
                            "2 NOT 1:00:00 dnsmasq[1]: other process "
                            "3 NOT 1:00:00 VPNC: -abort_connect: in dtls setup phase", out);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0].n_lines, 2);
    ck_assert_uint_eq(out[0].evidence[0].seq, 1);
    ck_assert_uint_eq(out[0].evidence[1].seq, 3);
    n = diagnose_str("1 NOT 1:00:00 VPNC: -t: conn timer expired "
                     "2 NOT 1:00:00 VPNC: -protocol_handler: new cipher -> AES256-SHA "
                     "3 NOT 1:00:00 VPNC: -abort_connect: in dtls setup phase", out);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(out[0].n_lines, 1);
    ck_assert_uint_eq(out[0].evidence[0].seq, 3);
}
END_TEST

/* ---- what was read ---------------------------------------------------------------- */

START_TEST(nothing_recognised)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct phonelog_summary sum;
    struct blob b = load("prose.txt");
    ck_assert_uint_eq(phonelog_analyse(b.data, b.len, out, PHONELOG_PROBLEM_COUNT, &sum), 0);
    ck_assert_uint_eq(sum.entries, 0);
    ck_assert_ptr_nonnull(strstr(phonelog_verdict(&sum, 0), "Nothing recognised"));
    ck_assert_ptr_nonnull(strstr(phonelog_verdict(&sum, 0), "no phone console-log entries"));
    free(b.data);

    static const char sip[] = "1 NOT 10:00:00 JAVA-sipccApp: -register: timed out\n"
                              "2 ERR 10:00:01 TVS: -lookup: hash not found in ITL\n";
    ck_assert_uint_eq(phonelog_analyse(sip, sizeof sip - 1, out, 1, &sum), 0);
    ck_assert_uint_eq(sum.entries, 2);
    ck_assert_uint_eq(sum.recognised, 0);
    ck_assert_ptr_nonnull(strstr(phonelog_verdict(&sum, 0), "Nothing recognised: none"));

    b = load("ec_cipher.log");
    size_t n = phonelog_analyse(b.data, b.len, out, PHONELOG_PROBLEM_COUNT, &sum);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(sum.entries, 6);
    ck_assert_uint_eq(sum.recognised, 3);
    ck_assert_ptr_null(phonelog_verdict(&sum, n));
    free(b.data);
}
END_TEST

/* ---- the finding texts -------------------------------------------------------------- */

#define V "7 ERR 10:00:00 VPNC: -f: "
static const struct {
    enum phonelog_problem problem;
    const char *entry;         /* one entry that shows it */
    const char *id;
    const char *fix_says[3];   /* words the fix must contain */
} texts[] = {
    { PHONELOG_EC_CIPHER, V "new cipher -> ECDHE-RSA-AES256-SHA",
      "ec_cipher", { "ssl cipher tlsv1 custom", "ssl cipher tlsv1.2 custom", "temporary EC" } },
    { PHONELOG_DTLS_FAILURE, V "DTLS write alert: fatal: illegal parameter",
      "dtls_failure", { "anyconnect ssl dtls none", "EC cipher", "share" } },
    { PHONELOG_NO_SHARED_CIPHER, V "no shared cipher",
      "no_shared_cipher", { "ssl cipher", "tlsv1.2", "dtlsv1" } },
    { PHONELOG_DNS_LOOKUP, V "DnsLookupErr",
      "dns_lookup", { "DNS server", "IP address", "group-url" } },
    { PHONELOG_AND_VPN_ENABLED, "7 NOT 10:00:00 JAVA-vpnAutoDetect: ping time out",
      "and_vpn_enabled", { "Expected", "did not answer", "Auto Network Detect" } },
    { PHONELOG_AND_VPN_SKIPPED, "7 NOT 10:00:00 JAVA-vpnAutoDetect: -run: checking",
      "and_vpn_skipped", { "which address", "home network", "Auto Network Detect" } },
    { PHONELOG_CERT_HASH_MISMATCH, V "server certificate hash mismatch",
      "cert_hash_mismatch", { "beside the old one", "reset the phones", "switch the ASA" } },
    { PHONELOG_HOST_ID_MISMATCH, V "host ID check failed for asav.example.lab",
      "host_id_mismatch", { "CN or a SAN", "gateway URL", "Host ID Check off" } },
};
#undef V

START_TEST(finding_texts)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str(texts[_i].entry, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, texts[_i].problem);
    ck_assert_str_eq(out[0].id, texts[_i].id);
    ck_assert_uint_eq(out[0].n_lines, 1);
    ck_assert_uint_eq(out[0].lines[0], 1);
    ck_assert_uint_eq(out[0].evidence[0].seq, 7);
    ck_assert_uint_eq(out[0].evidence[0].offset, 0);
    ck_assert_uint_eq(out[0].evidence[0].len, strlen(texts[_i].entry));
    ck_assert_uint_gt(strlen(out[0].title), 10);
    ck_assert_ptr_null(strchr(out[0].title, '\n'));
    for (size_t i = 0; i < 3; i++)
        ck_assert_msg(strstr(out[0].fix, texts[_i].fix_says[i]) != NULL,
                      "%s fix lacks \"%s\"", out[0].id, texts[_i].fix_says[i]);
}
END_TEST

/* The ids the diagnosis hands out, not this file's table: two problems sharing
 * an id would share an element id on the web page. */
START_TEST(ids_unique)
{
    enum { N = sizeof texts / sizeof texts[0] };
    ck_assert_uint_eq(N, PHONELOG_PROBLEM_COUNT);
    const char *ids[N];
    for (size_t i = 0; i < N; i++) {
        struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
        ck_assert_uint_eq(diagnose_str(texts[i].entry, out), 1);
        ids[i] = out[0].id;
    }
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++)
            ck_assert_str_ne(ids[i], ids[j]);
}
END_TEST

/* ---- limits and awkward input ------------------------------------------------------- */

START_TEST(empty_input)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct phonelog_summary sum = { 9, 9 };
    ck_assert_uint_eq(phonelog_diagnose("", 0, out, PHONELOG_PROBLEM_COUNT), 0);
    ck_assert_uint_eq(phonelog_analyse(NULL, 0, out, PHONELOG_PROBLEM_COUNT, &sum), 0);
    ck_assert_uint_eq(sum.entries, 0);
    ck_assert_uint_eq(phonelog_diagnose("\n\n\r\n", 4, out, PHONELOG_PROBLEM_COUNT), 0);
}
END_TEST

START_TEST(max_respected)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT + 1];
    struct blob b = load("several.log");
    memset(out, 0xA5, sizeof out);
    ck_assert_uint_eq(phonelog_diagnose(b.data, b.len, out, 2), 2);
    ck_assert_int_eq(out[0].problem, PHONELOG_EC_CIPHER);
    ck_assert_int_eq(out[1].problem, PHONELOG_DTLS_FAILURE);
    unsigned char *past = (unsigned char *)&out[2];   /* nothing past max written */
    for (size_t i = 0; i < sizeof out[2]; i++)
        ck_assert_uint_eq(past[i], 0xA5);
    ck_assert_uint_eq(phonelog_diagnose(b.data, b.len, NULL, 0), 0);
    free(b.data);
}
END_TEST

START_TEST(evidence_capped)
{
    char text[4096];
    size_t len = 0;
    for (int i = 0; i < 20; i++)
        len += (size_t)snprintf(text + len, sizeof text - len,
                                "%d ERR 1:00:00 VPNC: -f: DTLS setup failure "
                                "%d NOT 1:00:00 VPNC: -f: retry\n", 2 * i + 1, 2 * i + 2);
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    ck_assert_uint_eq(diagnose(text, len, out), 1);
    ck_assert_uint_eq(out[0].n_lines, PHONELOG_MAX_EVIDENCE);
    for (size_t i = 0; i < PHONELOG_MAX_EVIDENCE; i++) {
        ck_assert_uint_eq(out[0].evidence[i].seq, 2 * i + 1);
        ck_assert_uint_eq(out[0].lines[i], i + 1);
    }
}
END_TEST

/* One entry shows a problem once, however many of its phrases it holds. */
START_TEST(one_entry_counts_once)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    ck_assert_uint_eq(diagnose_str("1 ERR 1:00:00 VPNC: -f: DTLS write alert: illegal "
                                   "parameter, old session cipher not returned", out), 1);
    ck_assert_uint_eq(out[0].n_lines, 1);
}
END_TEST

START_TEST(nul_inside)
{
    static const char text[] = "1 NOT 1:00:00 VPNC: -f: start\n"
                               "2 ERR 1:00:00 VPNC: -f: \0\0 garbage \0 then DnsLookupErr\n"
                               "3 NOT 1:00:00 \0VPNC: -f: cert hash mismatch\n"
                               "4 ERR 1:00:00 VPNC: -f: illegal parameter";   /* no LF */
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose(text, sizeof text - 1, out);
    ck_assert_uint_eq(n, 2);   /* 3's module is cut off by the NUL: no meaning */
    ck_assert_int_eq(out[0].problem, PHONELOG_DTLS_FAILURE);
    ck_assert_uint_eq(out[0].evidence[0].seq, 4);
    ck_assert_int_eq(out[1].problem, PHONELOG_DNS_LOOKUP);
    ck_assert_uint_eq(out[1].evidence[0].seq, 2);

    /* len bounds the text: the same buffer cut inside entry 4's head lacks it. */
    const char *four = text + sizeof text - 1 - strlen("4 ERR 1:00:00 VPNC: -f: illegal parameter");
    ck_assert_int_eq(*four, '4');
    n = diagnose(text, (size_t)(four - text) + 10, out);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(out[0].problem, PHONELOG_DNS_LOOKUP);
}
END_TEST

/* An entry after a huge one is still found, on its line; words past
 * PHONELOG_LINE_SCAN bytes of a message are not looked at. */
START_TEST(long_entries)
{
    size_t big = 1 << 20;
    char *text = malloc(big + 256);
    ck_assert_ptr_nonnull(text);
    memcpy(text, "1 ERR 1:00:00 VPNC: -f: ", 24);
    memset(text + 24, 'x', big - 24);
    size_t len = big;
    len += (size_t)sprintf(text + len, " illegal parameter\n2 ERR 1:00:00 VPNC: DnsLookupErr\n");
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    ck_assert_uint_eq(diagnose(text, len, out), 1);
    ck_assert_int_eq(out[0].problem, PHONELOG_DNS_LOOKUP);
    ck_assert_uint_eq(out[0].evidence[0].seq, 2);
    ck_assert_uint_eq(out[0].lines[0], 2);

    memcpy(text + 24, "illegal parameter ", 18);   /* within the examined head */
    ck_assert_uint_eq(diagnose(text, len, out), 2);
    ck_assert_int_eq(out[0].problem, PHONELOG_DTLS_FAILURE);
    ck_assert_uint_eq(out[0].evidence[0].len, big + strlen(" illegal parameter"));
    free(text);
}
END_TEST

/* 10 MB of everyday entries with three problems buried at known lines. */
START_TEST(ten_megabytes)
{
    static const char noise[] =
        "4478 NOT Mar 07 16:21:04.118205 (1158:1180) JAVA-sipccApp: -options: OPTIONS ping "
        "sent and 200 OK received, line 1 ok\n";
    size_t cap = 10u << 20;
    char *text = malloc(cap + 512);
    ck_assert_ptr_nonnull(text);
    size_t len = 0, line = 0, want_dns = 0, want_hash = 0, want_and = 0;
    while (len + sizeof noise < cap) {
        memcpy(text + len, noise, sizeof noise - 1);
        len += sizeof noise - 1;
        line++;
        if (line == 1000) {
            len += (size_t)sprintf(text + len, "9001 ERR 1:00:00 VPNC: -f: DnsLookupErr\n");
            want_dns = ++line;
        } else if (line == 50000) {
            len += (size_t)sprintf(text + len, "9002 ERR 1:00:00 VPNC: -f: cert hash mismatch\n");
            want_hash = ++line;
        }
    }
    len += (size_t)sprintf(text + len, "9003 NOT 1:00:00 JAVA-vpnAutoDetect: ping time out");
    want_and = ++line;

    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    struct phonelog_summary sum;
    size_t n = phonelog_analyse(text, len, out, PHONELOG_PROBLEM_COUNT, &sum);
    ck_assert_uint_eq(n, 3);
    ck_assert_uint_eq(sum.entries, line);
    ck_assert_uint_eq(sum.recognised, 3);
    ck_assert_int_eq(out[0].problem, PHONELOG_DNS_LOOKUP);
    ck_assert_uint_eq(out[0].lines[0], want_dns);
    ck_assert_int_eq(out[1].problem, PHONELOG_AND_VPN_ENABLED);
    ck_assert_uint_eq(out[1].lines[0], want_and);
    ck_assert_int_eq(out[2].problem, PHONELOG_CERT_HASH_MISMATCH);
    ck_assert_uint_eq(out[2].lines[0], want_hash);
    free(text);
}
END_TEST

/* A lone CR ends an entry but not a line: line numbers are what grep -n shows. */
START_TEST(lone_cr)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT];
    size_t n = diagnose_str("1 NOT 1:00:00 VPNC: start\r2 ERR 1:00:00 VPNC: DnsLookupErr\n"
                            "3 ERR 1:00:00 VPNC: illegal parameter\r\n", out);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(out[0].lines[0], 2);   /* DTLS failure: the second LF line */
    ck_assert_uint_eq(out[1].lines[0], 1);   /* DNS: the first */
    ck_assert_uint_eq(out[1].evidence[0].seq, 2);
}
END_TEST

/* phonelog_line finds the line an evidence number names. */
START_TEST(line_bounds)
{
    static const char text[] = "one\r\ntwo\rstill two\n\nlast";
    const size_t len = sizeof text - 1;
    const char *start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 1, &start), 3);
    ck_assert_ptr_eq(start, text);
    ck_assert_uint_eq(phonelog_line(text, len, 2, &start), 13);   /* a lone CR stays */
    ck_assert_mem_eq(start, "two\rstill two", 13);
    ck_assert_uint_eq(phonelog_line(text, len, 3, &start), 0);    /* an empty line */
    ck_assert_ptr_eq(start, text + 19);
    ck_assert_uint_eq(phonelog_line(text, len, 4, &start), 4);    /* no final LF */
    ck_assert_mem_eq(start, "last", 4);
    start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 5, &start), 0);
    ck_assert_str_eq(start, "");
    start = NULL;
    ck_assert_uint_eq(phonelog_line(text, len, 0, &start), 0);
    ck_assert_str_eq(start, "");
    start = NULL;
    ck_assert_uint_eq(phonelog_line(NULL, 0, 1, &start), 0);
    ck_assert_str_eq(start, "");
    ck_assert_uint_eq(phonelog_line(text, 2, 1, &start), 2);      /* len bounds the text */
}
END_TEST

static Suite *phonelog_suite(void)
{
    Suite *s = suite_create("phonelog");
    TCase *tc = tcase_create("excerpts");
    tcase_add_loop_test(tc, fixture_findings, 0, N_FIXTURES);
    tcase_add_loop_test(tc, fixture_shapes, 0, N_FIXTURES);
    tcase_add_test(tc, regression_and_guide_excerpt);
    tcase_add_test(tc, regression_offer_is_not_the_choice);
    tcase_add_test(tc, every_problem_covered);
    suite_add_tcase(s, tc);

    tc = tcase_create("reading");
    tcase_add_test(tc, entry_fields);
    tcase_add_test(tc, entry_heads);
    suite_add_tcase(s, tc);

    tc = tcase_create("meaning");
    tcase_add_loop_test(tc, entry_meanings, 0, (int)(sizeof meanings / sizeof meanings[0]));
    tcase_add_test(tc, and_sequence);
    tcase_add_test(tc, timer_then_abort);
    tcase_add_test(tc, nothing_recognised);
    tcase_add_loop_test(tc, finding_texts, 0, (int)(sizeof texts / sizeof texts[0]));
    tcase_add_test(tc, ids_unique);
    suite_add_tcase(s, tc);

    tc = tcase_create("input");
    tcase_set_timeout(tc, 120);   /* 10 MB under the sanitizers */
    tcase_add_test(tc, empty_input);
    tcase_add_test(tc, max_respected);
    tcase_add_test(tc, evidence_capped);
    tcase_add_test(tc, one_entry_counts_once);
    tcase_add_test(tc, nul_inside);
    tcase_add_test(tc, long_entries);
    tcase_add_test(tc, ten_megabytes);
    tcase_add_test(tc, lone_cr);
    tcase_add_test(tc, line_bounds);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(phonelog_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
