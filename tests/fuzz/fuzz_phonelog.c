/* fuzz_phonelog.c - libFuzzer target for the pure diagnosis code: the phone
 * log reader and diagnosis, and the ASA renderer's input checks.  Besides
 * memory safety it checks what the headers promise: entries in paste order
 * inside the text, each starting with the seq it reports; findings in problem
 * order whose evidence names real entries on the right lines; CRLF line ends,
 * and a "> " quote before every line, read like the bare text; and ASA text
 * that carries no byte and no command line the caller smuggled in.  Build and
 * run with `make fuzz-phonelog FUZZ_SECONDS=60`. */
#include <config.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/asa.h"
#include "server/phonelog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REQUIRE(cond) do { if (!(cond)) abort(); } while (0)

static size_t line_of(const char *text, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++)
        line += text[i] == '\n';
    return line;
}

/* text at offset is the decimal seq, then a blank. */
static bool starts_with_seq(const char *text, size_t len, size_t offset,
                            unsigned long long seq)
{
    unsigned long long v = 0;
    size_t i = offset;
    while (i < len && text[i] >= '0' && text[i] <= '9')
        v = v * 10 + (unsigned long long)(text[i++] - '0');
    return i > offset && v == seq && i < len && (text[i] == ' ' || text[i] == '\t');
}

/* The reader: entries in order, inside the text, on their lines, clean messages. */
static size_t check_entries(const char *text, size_t size)
{
    static struct phonelog_entry e;
    struct phonelog_reader r;
    size_t n = 0, end = 0, line = 1;

    phonelog_reader_init(&r, text, size);
    while (phonelog_read_entry(&r, &e)) {
        REQUIRE(e.offset >= end && e.len > 0 && e.offset + e.len <= size);
        REQUIRE(memchr(text + e.offset, '\n', e.len) == NULL);
        REQUIRE(starts_with_seq(text, size, e.offset, e.seq));
        REQUIRE(e.line >= line && e.line == line_of(text, e.offset));
        REQUIRE(strlen(e.level) == 3 && strstr("NOT DEB ERR WRN INF CRT", e.level) != NULL);
        size_t m = strlen(e.message);
        REQUIRE(m <= PHONELOG_LINE_SCAN && (m == 0 || e.message[m - 1] != ' '));
        for (size_t i = 0; i < m; i++)
            REQUIRE((unsigned char)e.message[i] >= 0x20 && e.message[i] != '`');
        end = e.offset + e.len;
        line = e.line;
        n++;
    }
    REQUIRE(!phonelog_read_entry(&r, &e));
    return n;
}

static void check_findings(const struct phonelog_finding *f, size_t n, const char *text,
                           size_t size)
{
    REQUIRE(n <= PHONELOG_PROBLEM_COUNT);
    for (size_t i = 0; i < n; i++) {
        REQUIRE((unsigned)f[i].problem < PHONELOG_PROBLEM_COUNT);
        REQUIRE(i == 0 || f[i - 1].problem < f[i].problem);
        REQUIRE(f[i].id && f[i].title && f[i].fix);
        REQUIRE(f[i].n_lines >= 1 && f[i].n_lines <= PHONELOG_MAX_EVIDENCE);
        for (size_t j = 0; j < f[i].n_lines; j++) {
            const struct phonelog_evidence *ev = &f[i].evidence[j];
            REQUIRE(j == 0 || f[i].evidence[j - 1].offset < ev->offset);
            REQUIRE(ev->offset + ev->len <= size);
            REQUIRE(starts_with_seq(text, size, ev->offset, ev->seq));
            REQUIRE(f[i].lines[j] == ev->line && ev->line == line_of(text, ev->offset));
            const char *start;
            size_t len = phonelog_line(text, size, ev->line, &start);
            REQUIRE(text + ev->offset >= start && text + ev->offset + ev->len <= start + len);
        }
    }
}

/* The same problems on the same lines, resting on the same seqs. */
static bool same_findings(const struct phonelog_finding *a, size_t na,
                          const struct phonelog_finding *b, size_t nb)
{
    if (na != nb)
        return false;
    for (size_t i = 0; i < na; i++) {
        if (a[i].problem != b[i].problem || a[i].n_lines != b[i].n_lines ||
            memcmp(a[i].lines, b[i].lines, a[i].n_lines * sizeof a[i].lines[0]) != 0)
            return false;
        for (size_t j = 0; j < a[i].n_lines; j++)
            if (a[i].evidence[j].seq != b[i].evidence[j].seq)
                return false;
    }
    return true;
}

/* The text with CR LF made LF, or with "> " before every line. */
static char *variant(const uint8_t *data, size_t size, bool quote, size_t *len)
{
    char *out = malloc(3 * size + 3);
    size_t j = 0;
    REQUIRE(out);
    for (size_t i = 0; i < size; i++) {
        if (quote && (i == 0 || data[i - 1] == '\n')) {
            out[j++] = '>';
            out[j++] = ' ';
        }
        if (quote || !(data[i] == '\r' && i + 1 < size && data[i + 1] == '\n'))
            out[j++] = (char)data[i];
    }
    *len = j;
    return out;
}

static void fuzz_phonelog(const uint8_t *data, size_t size)
{
    struct phonelog_finding out[PHONELOG_PROBLEM_COUNT], again[PHONELOG_PROBLEM_COUNT];
    struct phonelog_summary sum;
    const char *text = (const char *)data;

    size_t entries = check_entries(text, size);
    size_t n = phonelog_analyse(text, size, out, PHONELOG_PROBLEM_COUNT, &sum);
    check_findings(out, n, text, size);
    REQUIRE(sum.entries == entries && sum.recognised <= sum.entries);
    REQUIRE((phonelog_verdict(&sum, n) == NULL) == (n > 0));
    REQUIRE(n == 0 || sum.recognised > 0);

    /* A smaller max gives the same findings, cut short. */
    if (n > 0) {
        size_t m = phonelog_diagnose(text, size, again, n - 1);
        REQUIRE(m == n - 1);
        REQUIRE(same_findings(out, m, again, m));
    }
    for (int quote = 0; quote <= 1; quote++) {
        size_t len;
        char *v = variant(data, size, quote, &len);
        size_t k = phonelog_diagnose(v, len, again, PHONELOG_PROBLEM_COUNT);
        REQUIRE(same_findings(out, n, again, k));
        free(v);
    }
}

/* ---- ASA --------------------------------------------------------------------- */

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
}

static bool line_is(const char *l, size_t n, const char *word)
{
    return strlen(word) == n && memcmp(l, word, n) == 0;
}

static bool starts(const char *l, size_t n, const char *prefix)
{
    size_t pl = strlen(prefix);
    return n >= pl && memcmp(l, prefix, pl) == 0;
}

/* Every line of the text is a comment, a command the renderer writes, or part
 * of a PEM paste that only "quit" ends; bytes are printable ASCII, no '?'. */
static void check_asa_text(const char *t)
{
    static const char *const commands[] = {
        "crypto ca trustpoint ", " enrollment terminal", "ip local pool ",
        "ssl trust-point ", "ssl cipher ", "webvpn", " enable ", " anyconnect enable",
        " tunnel-group-list enable", "group-policy ", " vpn-tunnel-protocol ssl-client",
        " split-tunnel-policy tunnelall", " webvpn", "  anyconnect ssl dtls none",
        "tunnel-group ", " address-pool ", " default-group-policy ",
        " authentication certificate", " authentication aaa", " group-url ",
    };
    enum { CONFIG, PEM, ANSWER } state = CONFIG;

    REQUIRE(t != NULL);
    size_t len = strlen(t);
    REQUIRE(len > 0 && t[len - 1] == '\n');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)t[i];
        REQUIRE(c == '\n' || (c >= 0x20 && c < 0x7f && c != '?'));
    }
    for (const char *l = t; *l != '\0';) {
        size_t n = strcspn(l, "\n");
        REQUIRE(n > 0);
        if (state == PEM) {
            if (line_is(l, n, "quit"))
                state = ANSWER;
        } else if (state == ANSWER) {
            REQUIRE(line_is(l, n, "yes"));
            state = CONFIG;
        } else if (l[0] != '!') {
            if (starts(l, n, "crypto ca authenticate ")) {
                state = PEM;
            } else {
                bool known = false;
                for (size_t i = 0; i < sizeof commands / sizeof commands[0] && !known; i++)
                    known = starts(l, n, commands[i]);
                REQUIRE(known);
            }
        }
        l += n + 1;
    }
    REQUIRE(state == CONFIG);
}

/* The input cut at NUL bytes into the renderer's strings. */
static void fuzz_asa(const uint8_t *data, size_t size)
{
    enum { N_FIELDS = 13 };
    char *copy = malloc(size + 1);
    const char *field[N_FIELDS];
    size_t nf = 0;

    REQUIRE(copy);
    if (size > 0)
        memcpy(copy, data, size);
    copy[size] = '\0';

    for (char *s = copy; nf < N_FIELDS; nf++) {
        field[nf] = s;
        size_t n = strlen(s);
        if (s + n == copy + size) {
            nf++;
            break;
        }
        s += n + 1;
    }
    for (size_t i = nf; i < N_FIELDS; i++)
        field[i] = i % 2 ? NULL : "";

    /* The first field also drives the name and pool checks on their own. */
    if (asa_name_ok(field[0])) {
        size_t n = strlen(field[0]);
        REQUIRE(n >= 1 && n <= 64);
        for (size_t i = 0; i < n; i++)
            REQUIRE(name_char(field[0][i]));
    }
    char pool[64];
    const char *first, *last;
    if (asa_parse_pool(field[0], pool, sizeof pool, &first, &last)) {
        REQUIRE(first == pool && last > first && last < pool + sizeof pool);
        REQUIRE(strspn(first, "0123456789.") == strlen(first));
        REQUIRE(strspn(last, "0123456789.") == strlen(last));
    } else {
        REQUIRE(first == NULL && last == NULL);
    }

    unsigned flags = size > 0 ? data[0] : 0;
    struct asa_view v;
    struct asa_params p;
    memset(&v, 0, sizeof v);
    memset(&p, 0, sizeof p);
    v.group_name = field[1];
    v.urls[0] = field[2];
    v.urls[1] = field[3];
    v.urls[2] = field[4];
    v.n_urls = flags % 5;
    v.client_auth_method = (int)(flags >> 3 & 3) + ((flags & 0x80) ? -1 : 0);
    v.mixed_auth_methods = flags & 0x20;
    v.models_tls10_only_present = flags & 0x40;
    v.models_tls12_only_capable = flags & 0x08;
    v.models_all_tls10_only = flags & 0x10;
    p.pool_first = field[5];
    p.pool_last = field[6];
    p.mask = field[7];
    p.outside = field[8];
    p.trustpoint = field[9];
    p.cipher_advice = flags & 0x01;
    p.dtls_test = flags & 0x02;
    v.trust[0] = (struct asa_trust){ field[10], field[11], field[12] };
    v.trust[1] = (struct asa_trust){ field[9], field[1], NULL };
    v.n_trust = flags & 0x04 ? 2 : 1;

    char *t = asa_render(&v, &p);
    check_asa_text(t);
    free(t);

    /* The same with every required field valid, so the optional ones (URLs,
     * trust entries, descriptions) reach the output. */
    v.group_name = "PHONES";
    v.urls[0] = "https://asav.example.lab/phone";
    if (v.n_urls == 0)
        v.n_urls = 1;
    v.client_auth_method = 2;
    p.pool_first = "10.10.1.1";
    p.pool_last = "10.10.1.254";
    p.mask = "255.255.255.0";
    p.outside = "outside";
    p.trustpoint = "ASA-identity";
    t = asa_render(&v, &p);
    check_asa_text(t);
    /* No refusal line; a description may quote the words in its comment. */
    REQUIRE(strncmp(t, "! refused", 9) != 0 && strstr(t, "\n! refused") == NULL);
    free(t);
    free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_phonelog(data, size);
    fuzz_asa(data, size);
    return 0;
}
