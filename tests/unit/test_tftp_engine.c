/* test_tftp_engine.c - the engine on 127.0.0.1, driven over real UDP by a
 * C client, with an in-memory provider that counts every call. */
#include <config.h>

#include <check.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "tests/tftp/mem_provider.h"
#include "tftpd/packet.h"
#include "tftpd/tftpd.h"
#include "tests/tftp/udp_client.h"

/* ---- files served --------------------------------------------------------- */

#define BIG_LEN   (100 * 1024)
/* More than 65536 blocks at blksize 8, so block numbers wrap. */
#define WRAP_LEN  (540 * 1024)
#define MID_LEN   20000

static unsigned char exact512[512], big[BIG_LEN], wrap[WRAP_LEN], mid[MID_LEN];
static const unsigned char text[] = "line one\nline two\r\nbare cr\rend\n";

static const struct mem_file files[] = {
    { "empty", (const unsigned char *)"", 0, 0 },
    { "exact512", exact512, sizeof exact512, 0 },
    { "big.bin", big, sizeof big, 0 },
    { "wrap.bin", wrap, sizeof wrap, 0 },
    { "mid.bin", mid, sizeof mid, 0 },
    { "text.txt", text, sizeof text - 1, 0 },
    { "secret", exact512, sizeof exact512, 1 },
};

static void fill_pattern(unsigned char *p, size_t n, uint32_t seed)
{
    for (size_t i = 0; i < n; i++) {
        seed ^= seed << 13;
        seed ^= seed >> 17;
        seed ^= seed << 5;
        p[i] = (unsigned char)seed;
    }
}

/* ---- the engine under test ------------------------------------------------ */

static struct mem_provider prov;
static struct tftpd *srv;
static pthread_t srv_thread;
static struct sockaddr_storage srv_addr;
static socklen_t srv_len;

static void *run_engine(void *arg)
{
    (void)arg;
    ck_assert_int_eq(tftpd_run(srv), 0);
    return NULL;
}

static void start_on(const char *addr, unsigned timeout_ms, unsigned retries, unsigned max)
{
    struct tftpd_config cfg = {
        .addr = addr, .port = 0, .max_transfers = max,
        .timeout_ms = timeout_ms, .max_retries = retries,
    };
    char err[256];

    mem_provider_init(&prov, files, sizeof files / sizeof files[0]);
    struct tftp_provider p = mem_provider_iface(&prov);
    srv = tftpd_new(&cfg, &p, err, sizeof err);
    ck_assert_msg(srv != NULL, "%s", err);
    srv_len = tc_addr(&srv_addr, addr, tftpd_port(srv));
    ck_assert_uint_gt(srv_len, 0);
    ck_assert_int_eq(pthread_create(&srv_thread, NULL, run_engine, NULL), 0);
}

static void start(unsigned timeout_ms, unsigned retries, unsigned max)
{
    start_on("127.0.0.1", timeout_ms, retries, max);
}

/* Stop, free, and check the provider contract: every file lent was given
 * back, and every request was reported exactly once. */
static void stop(void)
{
    struct mem_counts c;
    struct tftpd_stats st;

    if (!srv)
        return;
    tftpd_stop(srv);
    ck_assert_int_eq(pthread_join(srv_thread, NULL), 0);
    tftpd_get_stats(srv, &st);
    tftpd_free(srv);
    srv = NULL;
    mem_provider_counts(&prov, &c);
    ck_assert_uint_eq(c.opens, c.releases);
    ck_assert_uint_eq(c.reports, st.requests);
}

static void stats(struct tftpd_stats *st)
{
    tftpd_get_stats(srv, st);
}

static struct mem_counts counts(void)
{
    struct mem_counts c;
    mem_provider_counts(&prov, &c);
    return c;
}

/* Reports are made on the engine thread just after the last packet; give
 * the engine a moment to catch up before looking. */
static void wait_reports(unsigned n)
{
    for (int i = 0; i < 300 && counts().reports < n; i++)
        usleep(10 * 1000);
    ck_assert_uint_eq(counts().reports, n);
}

static void wait_idle(void)
{
    struct tftpd_stats st;
    for (int i = 0; i < 300; i++) {
        stats(&st);
        if (st.active == 0)
            return;
        usleep(10 * 1000);
    }
    ck_abort_msg("transfers still active");
}

static uint64_t ms_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* ---- raw exchanges --------------------------------------------------------- */

struct reply {
    unsigned char buf[TFTP_PACKET_MAX];
    ssize_t len;
    struct sockaddr_storage from;
    socklen_t fromlen;
    struct tftp_packet pkt;
};

static int client(void)
{
    int fd = tc_socket(srv_addr.ss_family);
    ck_assert_int_ge(fd, 0);
    return fd;
}

static void send_request(int fd, uint16_t opcode, const char *name, const char *mode,
                         const char *const *opts)
{
    unsigned char buf[600];
    size_t n = tc_build_request(buf, sizeof buf, opcode, name, mode, opts);
    ck_assert_uint_gt(n, 0);
    ck_assert_int_eq(tc_send(fd, buf, n, &srv_addr, srv_len), 0);
}

static void send_raw(int fd, const void *buf, size_t n)
{
    ck_assert_int_eq(tc_send(fd, buf, n, &srv_addr, srv_len), 0);
}

/* Wait for one datagram; 0 on silence. */
static int await(int fd, struct reply *r, int timeout_ms)
{
    r->len = tc_recv(fd, r->buf, sizeof r->buf, timeout_ms, &r->from, &r->fromlen);
    if (r->len < 0)
        return 0;
    memset(&r->pkt, 0, sizeof r->pkt);
    if (r->len >= 2 && r->buf[1] == TFTP_OACK)
        r->pkt.opcode = TFTP_OACK;
    else
        ck_assert_int_eq(tftp_parse(r->buf, (size_t)r->len, &r->pkt), TFTP_OK);
    return 1;
}

static void expect_error(int fd, uint16_t code)
{
    struct reply r;
    ck_assert_msg(await(fd, &r, 1000), "no answer");
    ck_assert_msg(r.pkt.opcode == TFTP_ERROR, "opcode %d, want ERROR", r.pkt.opcode);
    ck_assert_uint_eq(r.pkt.error_code, code);
}

static void expect_data(int fd, struct reply *r, uint16_t block, int timeout_ms)
{
    ck_assert_msg(await(fd, r, timeout_ms), "no DATA %u", block);
    ck_assert_int_eq(r->pkt.opcode, TFTP_DATA);
    ck_assert_uint_eq(r->pkt.block, block);
}

static void expect_silence(int fd, int ms)
{
    struct reply r;
    ck_assert_msg(!await(fd, &r, ms), "unexpected packet, opcode %d block %u",
                  r.pkt.opcode, r.pkt.block);
}

static void ack(int fd, const struct reply *tid, uint16_t block)
{
    unsigned char buf[4];
    tftp_build_ack(buf, sizeof buf, block);
    ck_assert_int_eq(tc_send(fd, buf, 4, &tid->from, tid->fromlen), 0);
}

/* Receive DATA from `block` on, lock-step with 512-byte blocks, into out at
 * `have`; returns the total length held at the end. */
static size_t lockstep(int fd, const struct reply *tid, uint16_t block,
                       unsigned char *out, size_t have, size_t cap)
{
    struct reply r;
    for (;;) {
        expect_data(fd, &r, block, 2000);
        size_t n = (size_t)r.len - 4;
        ck_assert_uint_le(have + n, cap);
        memcpy(out + have, r.buf + 4, n);
        have += n;
        ack(fd, tid, block);
        if (n < 512)
            return have;
        block++;
    }
}

/* ---- fetches ---------------------------------------------------------------- */

static void fetch_ok(struct tc_fetch *f, const char *name, const char *mode,
                     const char *const *opts, const void *want, size_t want_len)
{
    int rc = tc_fetch(f, &srv_addr, srv_len, name, mode, opts);
    ck_assert_msg(rc == 1, "fetch %s failed, error %d", name, f->error_code);
    ck_assert_uint_eq(f->len, want_len);
    ck_assert(want_len == 0 || memcmp(f->data, want, want_len) == 0);
}

static const struct {
    const char *name;
    const unsigned char *data;
    size_t len;
} plain_files[] = {
    { "empty", (const unsigned char *)"", 0 },
    { "exact512", exact512, sizeof exact512 },
    { "big.bin", big, sizeof big },
};

START_TEST(plain_fetch)
{
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, plain_files[_i].name, "octet", NULL, plain_files[_i].data, plain_files[_i].len);
    ck_assert(!f.got_oack);
    /* A file of n*512 bytes ends with an empty block. */
    ck_assert_uint_eq(f.data_packets, plain_files[_i].len / 512 + 1);
    wait_reports(1);
    struct mem_counts c = counts();
    ck_assert_uint_eq(c.by_result[TFTP_RESULT_OK], 1);
    ck_assert_uint_eq(c.last_bytes, plain_files[_i].len);
    ck_assert_str_eq(c.last_name, plain_files[_i].name);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(leading_slash_dropped)
{
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "/exact512", "octet", NULL, exact512, sizeof exact512);
    wait_reports(1);
    ck_assert_str_eq(counts().last_name, "exact512");
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(options_negotiated)
{
    static const char *const opts[] = { "blksize", "1428", "tsize", "0", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "big.bin", "octet", opts, big, sizeof big);
    ck_assert(f.got_oack);
    ck_assert_uint_eq(f.oack.present, TFTP_OPT_BLKSIZE | TFTP_OPT_TSIZE);
    ck_assert_uint_eq(f.oack.blksize, 1428);
    ck_assert_uint_eq(f.oack.tsize, sizeof big);
    ck_assert_uint_eq(f.data_packets, sizeof big / 1428 + 1);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(blksize_clamped_to_max)
{
    static const char *const opts[] = { "BLKSIZE", "70000", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "big.bin", "octet", opts, big, sizeof big);
    ck_assert_uint_eq(f.oack.blksize, TFTP_BLKSIZE_MAX);
    ck_assert_uint_eq(f.data_packets, 2);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(unknown_option_only_means_no_oack)
{
    static const char *const opts[] = { "multicast", "", "frobnicate", "1", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "exact512", "octet", opts, exact512, sizeof exact512);
    ck_assert(!f.got_oack);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(bad_option_refused)
{
    static const char *const opts[] = { "blksize", "4", NULL };
    int fd;
    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "big.bin", "octet", opts);
    expect_error(fd, TFTP_EOPTNEG);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_BAD_REQUEST], 1);
    ck_assert_uint_eq(counts().opens, 0);
    close(fd);
    stop();
}
END_TEST

START_TEST(netascii_sends_encoded_bytes)
{
    static const char want[] = "line one\r\nline two\r\0\r\nbare cr\r\0end\r\n";
    static const char *const opts[] = { "tsize", "0", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "text.txt", "netascii", opts, want, sizeof want - 1);
    ck_assert_uint_eq(f.oack.tsize, sizeof want - 1);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(window_fetch)
{
    static const char *const opts[] = { "windowsize", "16", "blksize", "1024", NULL };
    struct tc_fetch f = { 0 };
    struct tftpd_stats st;
    start(5000, 3, 0);   /* no timer fires: every block went out once */
    fetch_ok(&f, "big.bin", "octet", opts, big, sizeof big);
    ck_assert_uint_eq(f.oack.windowsize, 16);
    ck_assert_uint_eq(f.stale_packets, 0);
    stats(&st);
    ck_assert_uint_eq(st.retransmits, 0);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(window_paced_by_acks)
{
    static const char *const opts[] = { "windowsize", "4", NULL };
    struct reply r, tid;
    int fd;

    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "big.bin", "octet", opts);
    ck_assert(await(fd, &tid, 1000));
    ck_assert_int_eq(tid.pkt.opcode, TFTP_OACK);
    ck_assert_int_eq(tid.pkt.opcode, TFTP_OACK);
    ack(fd, &tid, 0);
    for (uint16_t b = 1; b <= 4; b++)
        expect_data(fd, &r, b, 500);
    expect_silence(fd, 150);            /* a full window, then wait */
    ack(fd, &tid, 2);                   /* slides by two: 5 and 6 go out */
    expect_data(fd, &r, 5, 500);
    expect_data(fd, &r, 6, 500);
    expect_silence(fd, 150);
    ack(fd, &tid, 2);                   /* duplicate: nothing */
    ack(fd, &tid, 1);                   /* stale: nothing */
    expect_silence(fd, 150);
    ack(fd, &tid, 6);
    for (uint16_t b = 7; b <= 10; b++)
        expect_data(fd, &r, b, 500);
    close(fd);
    stop();
}
END_TEST

START_TEST(windowsize_capped)
{
    static const char *const opts[] = { "windowsize", "1000", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "big.bin", "octet", opts, big, sizeof big);
    ck_assert_uint_eq(f.oack.windowsize, TFTP_WINDOWSIZE_MAX);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(block_numbers_wrap)
{
    static const char *const opts[] = { "blksize", "8", "windowsize", "32", NULL };
    struct tc_fetch f = { 0 };
    start(1000, 3, 0);
    fetch_ok(&f, "wrap.bin", "octet", opts, wrap, sizeof wrap);
    ck_assert_uint_gt(f.data_packets, 65536);
    ck_assert_uint_eq(f.data_packets - f.stale_packets, sizeof wrap / 8 + 1);
    wait_reports(1);
    ck_assert_uint_eq(counts().last_bytes, sizeof wrap);
    tc_fetch_free(&f);
    stop();
}
END_TEST

/* ---- loss and duplicates -------------------------------------------------- */

START_TEST(duplicate_acks_do_not_duplicate_data)
{
    struct tc_fetch f = { .extra_acks = 2 };
    struct tftpd_stats st;
    struct reply r;

    start(5000, 3, 0);   /* long timeout: any extra DATA would be ACK-driven */
    fetch_ok(&f, "big.bin", "octet", NULL, big, sizeof big);
    ck_assert_uint_eq(f.data_packets, sizeof big / 512 + 1);
    ck_assert_uint_eq(f.stale_packets, 0);
    int extra = 0;
    while (await(f.fd, &r, 100))
        extra++;
    ck_assert_int_eq(extra, 0);
    stats(&st);
    ck_assert_uint_eq(st.retransmits, 0);
    ck_assert_uint_eq(st.packets_sent, sizeof big / 512 + 1);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(lost_ack_retransmits)
{
    struct tftpd_stats st;
    struct reply first, r;
    int fd;

    start(100, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "exact512", "octet", NULL);
    expect_data(fd, &first, 1, 1000);
    uint64_t t0 = ms_now();
    expect_data(fd, &r, 1, 1000);       /* we "lost" it: the timer resends */
    ck_assert_uint_ge(ms_now() - t0, 80);
    ck_assert_int_eq(r.len, first.len);
    ck_assert(memcmp(r.buf, first.buf, (size_t)r.len) == 0);
    ck_assert_int_eq(memcmp(&r.from, &first.from, r.fromlen), 0);
    ack(fd, &first, 1);
    expect_data(fd, &r, 2, 1000);
    ck_assert_int_eq(r.len, 4);
    ack(fd, &first, 2);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_OK], 1);
    stats(&st);
    ck_assert_uint_ge(st.retransmits, 1);
    close(fd);
    stop();
}
END_TEST

START_TEST(silent_client_times_out)
{
    struct tftpd_stats st;
    struct reply r;
    int fd, copies = 0;

    start(50, 3, 0);                     /* 50 + 100 + 200 + 400 ms */
    fd = client();
    send_request(fd, TFTP_RRQ, "exact512", "octet", NULL);
    while (await(fd, &r, 1200)) {
        ck_assert_int_eq(r.pkt.opcode, TFTP_DATA);
        ck_assert_uint_eq(r.pkt.block, 1);
        copies++;
    }
    ck_assert_int_eq(copies, 1 + 3);     /* the original and 3 retries */
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_TIMEOUT], 1);
    stats(&st);
    ck_assert_uint_eq(st.timeouts, 1);
    ck_assert_uint_eq(st.active, 0);
    close(fd);
    stop();
}
END_TEST

START_TEST(wrong_tid_gets_error_5)
{
    unsigned char got[sizeof big];
    struct tftpd_stats st;
    struct reply tid, r;
    int fd, stranger;

    start(1000, 3, 0);
    fd = client();
    stranger = client();
    send_request(fd, TFTP_RRQ, "big.bin", "octet", NULL);
    expect_data(fd, &tid, 1, 1000);
    memcpy(got, tid.buf + 4, 512);

    ck_assert_int_eq(tc_send(stranger, "\0\4\0\1", 4, &tid.from, tid.fromlen), 0);
    ck_assert(await(stranger, &r, 1000));
    ck_assert_int_eq(r.pkt.opcode, TFTP_ERROR);
    ck_assert_uint_eq(r.pkt.error_code, TFTP_EBADID);
    ck_assert_int_eq(memcmp(&r.from, &tid.from, r.fromlen), 0);
    /* The stranger's ACK moved nothing. */
    expect_silence(fd, 100);

    ack(fd, &tid, 1);
    size_t len = lockstep(fd, &tid, 2, got, 512, sizeof got);
    ck_assert_uint_eq(len, sizeof big);
    ck_assert(memcmp(got, big, sizeof big) == 0);
    stats(&st);
    ck_assert_uint_eq(st.wrong_tid, 1);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_OK], 1);
    close(fd);
    close(stranger);
    stop();
}
END_TEST

START_TEST(client_refuses_oack)
{
    static const char *const opts[] = { "blksize", "1024", NULL };
    struct reply oack;
    int fd;

    start(100, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "big.bin", "octet", opts);
    ck_assert(await(fd, &oack, 1000));
    ck_assert_int_eq(oack.pkt.opcode, TFTP_OACK);
    ck_assert_int_eq(tc_send(fd, "\0\5\0\10no\0", 7, &oack.from, oack.fromlen), 0);
    expect_silence(fd, 400);             /* no OACK resent, no ERROR back */
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_ABORTED], 1);
    wait_idle();
    close(fd);
    stop();
}
END_TEST

/* ---- refusals -------------------------------------------------------------- */

START_TEST(wrq_denied)
{
    int fd;
    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_WRQ, "upload.bin", "octet", NULL);
    expect_error(fd, TFTP_EACCESS);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_DENIED], 1);
    ck_assert_uint_eq(counts().opens, 0);
    close(fd);
    stop();
}
END_TEST

START_TEST(missing_file)
{
    struct tftpd_stats st;
    int fd;
    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "SEP000000000000.cnf.xml", "octet", NULL);
    expect_error(fd, TFTP_ENOTFOUND);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_NOT_FOUND], 1);
    stats(&st);
    ck_assert_uint_eq(st.not_found, 1);
    ck_assert_uint_eq(st.active, 0);
    close(fd);
    stop();
}
END_TEST

START_TEST(provider_denies)
{
    int fd;
    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, "secret", "octet", NULL);
    expect_error(fd, TFTP_EACCESS);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_DENIED], 1);
    close(fd);
    stop();
}
END_TEST

static const struct {
    const char *name;
    uint16_t code;
} traversal[] = {
    { "../etc/passwd", TFTP_EACCESS },
    { "/../etc/passwd", TFTP_EACCESS },
    { "exact512/../exact512", TFTP_EACCESS },
    { "./exact512", TFTP_EACCESS },
    { "//etc/passwd", TFTP_EACCESS },
    { "..\\..\\boot.ini", TFTP_EACCESS },
    { "exact512\n", TFTP_EACCESS },
    { "/etc/passwd", TFTP_ENOTFOUND },
};

START_TEST(traversal_never_serves)
{
    int fd;
    start(1000, 3, 0);
    fd = client();
    send_request(fd, TFTP_RRQ, traversal[_i].name, "octet", NULL);
    expect_error(fd, traversal[_i].code);
    expect_silence(fd, 50);
    ck_assert_uint_eq(counts().opens, 0);
    close(fd);
    stop();
}
END_TEST

START_TEST(garbage_answered_and_server_survives)
{
    static const struct {
        const char *buf;
        size_t len;
        uint16_t code;
    } junk[] = {
        { "\x01", 1, TFTP_EBADOP },
        { "\0\x09whatever\0octet\0", 17, TFTP_EBADOP },
        { "\0\1no-terminator", 15, TFTP_EBADOP },
        { "\0\1", 2, TFTP_EBADOP },
        { "\0\1f\0mail\0", 10, TFTP_EBADOP },
    };
    struct tc_fetch f = { 0 };
    struct tftpd_stats st;
    int fd;

    start(1000, 3, 0);
    fd = client();
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        send_raw(fd, junk[i].buf, junk[i].len);
        expect_error(fd, junk[i].code);
    }
    /* Strays that belong inside a transfer get no answer at all. */
    send_raw(fd, "\0\4\0\1", 4);
    send_raw(fd, "\0\5\0\1oops\0", 10);
    send_raw(fd, "\0\3\0\1data", 8);
    expect_silence(fd, 100);

    fetch_ok(&f, "exact512", "octet", NULL, exact512, sizeof exact512);
    wait_reports(5 + 1);
    stats(&st);
    ck_assert_uint_eq(st.bad_requests, 5);
    ck_assert_uint_eq(st.transfers_ok, 1);
    tc_fetch_free(&f);
    close(fd);
    stop();
}
END_TEST

START_TEST(busy_when_cap_reached)
{
    unsigned char got[sizeof big];
    struct tftpd_stats st;
    struct reply a, b, r;
    int fa, fb, fc;

    start(1000, 3, 2);
    fa = client();
    fb = client();
    fc = client();
    send_request(fa, TFTP_RRQ, "big.bin", "octet", NULL);
    expect_data(fa, &a, 1, 1000);
    send_request(fb, TFTP_RRQ, "big.bin", "octet", NULL);
    expect_data(fb, &b, 1, 1000);

    send_request(fc, TFTP_RRQ, "exact512", "octet", NULL);
    ck_assert(await(fc, &r, 1000));
    ck_assert_int_eq(r.pkt.opcode, TFTP_ERROR);
    ck_assert_uint_eq(r.pkt.error_code, 0);
    ck_assert(r.pkt.error_msg_len == strlen("server busy, try again") &&
              memcmp(r.pkt.error_msg, "server busy, try again", r.pkt.error_msg_len) == 0);
    wait_reports(1);
    ck_assert_uint_eq(counts().by_result[TFTP_RESULT_BUSY], 1);
    stats(&st);
    ck_assert_uint_eq(st.busy, 1);
    ck_assert_uint_eq(st.active, 2);

    /* Finishing one frees a slot. */
    memcpy(got, a.buf + 4, 512);
    ack(fa, &a, 1);
    ck_assert_uint_eq(lockstep(fa, &a, 2, got, 512, sizeof got), sizeof big);
    wait_reports(2);
    send_request(fc, TFTP_RRQ, "exact512", "octet", NULL);
    expect_data(fc, &r, 1, 1000);
    close(fa);
    close(fb);
    close(fc);
    stop();
}
END_TEST

/* ---- scale -------------------------------------------------------------------- */

#define CONCURRENT 500

START_TEST(many_concurrent_transfers)
{
    static const char *const opts[] = { "blksize", "1428", "windowsize", "4", NULL };
    static struct tc_fetch f[CONCURRENT];
    static struct pollfd pfd[CONCURRENT];
    static uint64_t last_rx[CONCURRENT];
    struct rlimit rl;
    struct tftpd_stats st;

    /* Both ends live in this process: two sockets per transfer. */
    ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &rl), 0);
    if (rl.rlim_cur < 2 * CONCURRENT + 64) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
        getrlimit(RLIMIT_NOFILE, &rl);
    }
    ck_assert_msg(rl.rlim_cur >= 2 * CONCURRENT + 64, "RLIMIT_NOFILE too low");

    /* Patient timeouts: under a sanitizer on a busy machine the one client
     * thread serving 500 transfers is slow, and that is not what is tested. */
    start(1000, 8, 0);
    for (int i = 0; i < CONCURRENT; i++) {
        memset(&f[i], 0, sizeof f[i]);
        ck_assert_int_eq(tc_fetch_start(&f[i], &srv_addr, srv_len, "mid.bin", "octet",
                                        i % 2 ? opts : NULL), 0);
        pfd[i].fd = f[i].fd;
        pfd[i].events = POLLIN;
        last_rx[i] = ms_now();
    }
    int running = CONCURRENT;
    uint64_t deadline = ms_now() + 60000;
    while (running > 0 && ms_now() < deadline) {
        poll(pfd, CONCURRENT, 50);
        uint64_t now = ms_now();
        for (int i = 0; i < CONCURRENT; i++) {
            if (f[i].done)
                continue;
            if (pfd[i].revents & POLLIN) {
                tc_fetch_readable(&f[i]);
                last_rx[i] = now;
            } else if (now - last_rx[i] > 300) {
                tc_fetch_silence(&f[i]);
                last_rx[i] = now;
            }
            if (f[i].done) {
                running--;
                pfd[i].fd = -1;
            }
        }
    }
    int ok = 0;
    for (int i = 0; i < CONCURRENT; i++) {
        if (f[i].done == 1 && f[i].len == sizeof mid && memcmp(f[i].data, mid, sizeof mid) == 0)
            ok++;
        tc_fetch_free(&f[i]);
    }
    ck_assert_int_eq(ok, CONCURRENT);
    wait_idle();
    stats(&st);
    ck_assert_uint_ge(st.transfers_ok, CONCURRENT);
    stop();
}
END_TEST

START_TEST(ipv6_fetch)
{
    struct tftp_provider p;
    struct tftpd_config cfg = { .addr = "::1" };
    struct tc_fetch f = { 0 };
    char err[256];

    /* Skip quietly on a host without IPv6 loopback. */
    mem_provider_init(&prov, files, sizeof files / sizeof files[0]);
    p = mem_provider_iface(&prov);
    struct tftpd *probe = tftpd_new(&cfg, &p, err, sizeof err);
    if (!probe)
        return;
    tftpd_free(probe);

    start_on("::1", 1000, 3, 0);
    fetch_ok(&f, "big.bin", "octet", NULL, big, sizeof big);
    tc_fetch_free(&f);
    stop();
}
END_TEST

START_TEST(bad_listen_address)
{
    struct tftpd_config cfg = { .addr = "not-an-address" };
    struct tftp_provider p;
    char err[256] = "";

    mem_provider_init(&prov, files, sizeof files / sizeof files[0]);
    p = mem_provider_iface(&prov);
    ck_assert_ptr_null(tftpd_new(&cfg, &p, err, sizeof err));
    ck_assert(strstr(err, "not-an-address") != NULL);
}
END_TEST

static void teardown(void)
{
    stop();
}

static Suite *engine_suite(void)
{
    Suite *s = suite_create("tftp_engine");
    TCase *tc;

    fill_pattern(exact512, sizeof exact512, 1);
    fill_pattern(big, sizeof big, 2);
    fill_pattern(wrap, sizeof wrap, 3);
    fill_pattern(mid, sizeof mid, 4);

    tc = tcase_create("fetch");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_loop_test(tc, plain_fetch, 0, 3);
    tcase_add_test(tc, leading_slash_dropped);
    tcase_add_test(tc, options_negotiated);
    tcase_add_test(tc, blksize_clamped_to_max);
    tcase_add_test(tc, unknown_option_only_means_no_oack);
    tcase_add_test(tc, bad_option_refused);
    tcase_add_test(tc, netascii_sends_encoded_bytes);
    tcase_add_test(tc, window_fetch);
    tcase_add_test(tc, window_paced_by_acks);
    tcase_add_test(tc, windowsize_capped);
    tcase_add_test(tc, block_numbers_wrap);
    tcase_add_test(tc, ipv6_fetch);
    suite_add_tcase(s, tc);

    tc = tcase_create("loss");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, duplicate_acks_do_not_duplicate_data);
    tcase_add_test(tc, lost_ack_retransmits);
    tcase_add_test(tc, silent_client_times_out);
    tcase_add_test(tc, wrong_tid_gets_error_5);
    tcase_add_test(tc, client_refuses_oack);
    suite_add_tcase(s, tc);

    tc = tcase_create("refusals");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, wrq_denied);
    tcase_add_test(tc, missing_file);
    tcase_add_test(tc, provider_denies);
    tcase_add_loop_test(tc, traversal_never_serves, 0,
                        (int)(sizeof traversal / sizeof traversal[0]));
    tcase_add_test(tc, garbage_answered_and_server_survives);
    tcase_add_test(tc, busy_when_cap_reached);
    tcase_add_test(tc, bad_listen_address);
    suite_add_tcase(s, tc);

    tc = tcase_create("scale");
    tcase_add_checked_fixture(tc, NULL, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, many_concurrent_transfers);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(engine_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
