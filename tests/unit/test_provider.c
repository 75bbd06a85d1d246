/* test_provider.c - static files below --tftp-root, as TFTP and the 6970 port
 * ask for them: subdirectories (locales, backgrounds) served, every way out of
 * the root refused, only regular files served (a FIFO must not block), names
 * matched without regard to case.  Both the openat2 path and the fallback
 * walk for kernels without openat2 are exercised.  Each test builds its own
 * tree under a mkdtemp() directory:
 *
 *   outside.txt                    (beside the root: must never be served)
 *   root/RingList.xml
 *   root/United_States/g3-tones.xml
 *   root/English_United_States/sp-sip.jar
 *   root/Desktops/800x480x24/List.xml
 *   root/escape.txt -> /etc/passwd     root/climb.txt -> ../outside.txt
 *   root/etc -> /etc                   root/alias.xml -> RingList.xml
 *   root/pipe (a FIFO)                 root/.hidden */
#include <config.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/beneath.h"
#include "server/provider.h"

static char base[64], root[96];
static struct config_provider *cp;

static void put_file(const char *rel, const char *content)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    FILE *f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot create %s", path);
    fputs(content, f);
    fclose(f);
}

static void put_dir(const char *rel)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void put_link(const char *rel, const char *target)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", root, rel);
    ck_assert_int_eq(symlink(target, path), 0);
}

static void setup(void)
{
    snprintf(base, sizeof base, "/tmp/ucprov-provider-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(base));
    snprintf(root, sizeof root, "%s/root", base);
    ck_assert_int_eq(mkdir(root, 0755), 0);
    char outside[128];
    snprintf(outside, sizeof outside, "%s/outside.txt", base);
    FILE *f = fopen(outside, "w");
    ck_assert_ptr_nonnull(f);
    fputs("secret outside the root\n", f);
    fclose(f);

    put_file("RingList.xml", "ring list\n");
    put_dir("United_States");
    put_file("United_States/g3-tones.xml", "<tones/>\n");
    put_dir("English_United_States");
    put_file("English_United_States/sp-sip.jar", "jar");
    put_dir("Desktops");
    put_dir("Desktops/800x480x24");
    put_file("Desktops/800x480x24/List.xml", "<CiscoIPPhoneImageList/>\n");
    put_file(".hidden", "hidden\n");
    put_link("escape.txt", "/etc/passwd");
    put_link("climb.txt", "../outside.txt");
    put_link("etc", "/etc");
    put_link("alias.xml", "RingList.xml");
    char fifo[160];
    snprintf(fifo, sizeof fifo, "%s/pipe", root);
    ck_assert_int_eq(mkfifo(fifo, 0644), 0);

    char err[256] = "";
    cp = provider_new(NULL, NULL, root, err, sizeof err);
    ck_assert_msg(cp != NULL, "provider_new: %s", err);
    /* A FIFO that blocked an open would hang the test: fail it instead. */
    alarm(10);
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void teardown(void)
{
    alarm(0);
    provider_free(cp);
    cp = NULL;
    nftw(base, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* provider_open's answer for name; on success the bytes must be want. */
static enum provider_status fetch(const char *name, const char *want)
{
    struct provider_file f;
    enum provider_status ps = provider_open(cp, name, &f);
    if (ps == PROVIDER_OK) {
        ck_assert_msg(want != NULL, "%s was served", name);
        ck_assert_uint_eq(f.len, strlen(want));
        ck_assert_mem_eq(f.data, want, f.len);
        ck_assert_str_eq(f.device, "");
        provider_close(&f);
    }
    return ps;
}

#define ck_served(name, want) ck_assert_int_eq(fetch((name), (want)), PROVIDER_OK)
#define ck_denied(name) ck_assert_msg(fetch((name), NULL) == PROVIDER_DENIED, "%s not denied", (name))
#define ck_not_found(name) \
    ck_assert_msg(fetch((name), NULL) == PROVIDER_NOT_FOUND, "%s not 'not found'", (name))

/* ---- served --------------------------------------------------------------- */

START_TEST(subdirectories_served)
{
    ck_served("RingList.xml", "ring list\n");
    ck_served("United_States/g3-tones.xml", "<tones/>\n");
    ck_served("/United_States/g3-tones.xml", "<tones/>\n");   /* a leading '/' is dropped */
    ck_served("English_United_States/sp-sip.jar", "jar");
    ck_served("Desktops/800x480x24/List.xml", "<CiscoIPPhoneImageList/>\n");
    /* a link that stays inside the root is followed */
    ck_served("alias.xml", "ring list\n");
}
END_TEST

START_TEST(case_insensitive_per_component)
{
    ck_served("ringlist.xml", "ring list\n");
    ck_served("united_states/G3-TONES.XML", "<tones/>\n");
    ck_served("DESKTOPS/800X480X24/list.xml", "<CiscoIPPhoneImageList/>\n");
    ck_not_found("United_States/g4-tones.xml");
    ck_not_found("Japan/g3-tones.xml");
    ck_not_found("RingList.xml/x");
}
END_TEST

/* ---- refused -------------------------------------------------------------- */

START_TEST(escapes_refused)
{
    ck_denied("../outside.txt");
    ck_denied("..");
    ck_denied("United_States/../RingList.xml");
    ck_denied("United_States/../../outside.txt");
    ck_denied("//etc/passwd");            /* absolute once the leading '/' is dropped */
    ck_denied("a//b");
    ck_denied("United_States//g3-tones.xml");
    ck_denied("United_States/");
    ck_denied("./RingList.xml");
    ck_denied("United_States/./g3-tones.xml");
    ck_denied(".hidden");
    ck_denied("..\\outside.txt");
    ck_denied("%2e%2e/outside.txt");
    ck_denied("");
    char longname[300];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    ck_denied(longname);
    /* "/etc/passwd" asks for etc/passwd below the root, where etc is a link out */
    ck_denied("/etc/passwd");
    ck_denied("etc/passwd");
    ck_denied("escape.txt");              /* absolute link */
    ck_denied("climb.txt");               /* relative link that climbs out */
}
END_TEST

START_TEST(only_regular_files)
{
    ck_denied("pipe");                    /* opened without blocking, then refused */
    ck_denied("United_States");           /* a directory */
    ck_not_found("nosuchfile.bin");
}
END_TEST

/* ---- the fallback without openat2 ------------------------------------------ */

START_TEST(walk_fallback)
{
    int dfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    ck_assert_int_ge(dfd, 0);
    int fd = beneath_walk(dfd, "Desktops/800x480x24/List.xml", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    char buf[64] = "";
    ck_assert_int_gt(read(fd, buf, sizeof buf - 1), 0);
    ck_assert_str_eq(buf, "<CiscoIPPhoneImageList/>\n");
    close(fd);
    fd = beneath_walk(dfd, "United_States", O_RDONLY | O_DIRECTORY);
    ck_assert_int_ge(fd, 0);
    close(fd);

    /* every symbolic link is refused, since where it leads cannot be confined;
     * names are checked before any system call */
    static const struct { const char *name; int err; } refused[] = {
        { "escape.txt", ELOOP },   { "climb.txt", ELOOP },   { "alias.xml", ELOOP },
        { "etc/passwd", ELOOP },   { "RingList.xml/x", ENOTDIR },
        { "United_States/none.xml", ENOENT },
        { "../outside.txt", EINVAL }, { "/etc/passwd", EINVAL }, { "a//b", EINVAL },
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        errno = 0;
        ck_assert_int_eq(beneath_walk(dfd, refused[i].name, O_RDONLY), -1);
        ck_assert_msg(errno == refused[i].err, "%s: errno %d", refused[i].name, errno);
    }
    ck_assert_int_eq(beneath_open(dfd, "a//b", O_RDONLY), -1);
    ck_assert_int_eq(errno, EINVAL);

    /* a FIFO opens at once (O_NONBLOCK) and shows what it is */
    fd = beneath_walk(dfd, "pipe", O_RDONLY);
    ck_assert_int_ge(fd, 0);
    struct stat st;
    ck_assert_int_eq(fstat(fd, &st), 0);
    ck_assert(S_ISFIFO(st.st_mode));
    close(fd);
    close(dfd);
}
END_TEST

START_TEST(name_rules)
{
    ck_assert(beneath_name_ok("RingList.xml", 128));
    ck_assert(beneath_name_ok("Desktops/800x480x24/List.xml", 128));
    ck_assert(beneath_name_ok("sip88xx.14-2-1-0001-14.loads", 128));
    ck_assert(!beneath_name_ok("RingList.xml", 5));
    ck_assert(!beneath_name_ok(NULL, 128));
    ck_assert(!beneath_name_ok("a b", 128));
    ck_assert(!beneath_name_ok("a/.b", 128));
    ck_assert(!beneath_name_ok("a/", 128));
    ck_assert(!beneath_name_ok("/a", 128));
    ck_assert(!beneath_name_ok("a:b", 128));
}
END_TEST

/* ---- through TFTP and HTTP ------------------------------------------------ */

START_TEST(tftp_adapter)
{
    struct tftp_provider tp;
    provider_tftp(cp, &tp);
    struct tftp_file file;
    memset(&file, 0, sizeof file);
    ck_assert_int_eq(tp.open(tp.ctx, "United_States/g3-tones.xml", NULL, 0, &file), TFTP_OPEN_OK);
    ck_assert_uint_eq(file.len, strlen("<tones/>\n"));
    ck_assert_mem_eq(file.data, "<tones/>\n", file.len);
    tp.release(tp.ctx, &file);
    memset(&file, 0, sizeof file);
    ck_assert_int_eq(tp.open(tp.ctx, "climb.txt", NULL, 0, &file), TFTP_OPEN_DENIED);
    ck_assert_int_eq(tp.open(tp.ctx, "pipe", NULL, 0, &file), TFTP_OPEN_DENIED);
    ck_assert_int_eq(tp.open(tp.ctx, "Japan/g3-tones.xml", NULL, 0, &file), TFTP_OPEN_NOT_FOUND);
}
END_TEST

static int http_get(const char *path, struct http_resp *resp)
{
    struct http_req req;
    memset(&req, 0, sizeof req);
    req.method = "GET";
    req.path = path;
    req.content_type = "";
    snprintf(req.peer, sizeof req.peer, "192.0.2.10");
    req.peer_port = 40000;
    memset(resp, 0, sizeof *resp);
    provider_cnf_http(cp, &req, resp);
    return resp->status;
}

static void http_done(struct http_resp *resp)
{
    if (resp->release != NULL)
        resp->release(resp->release_cls);
    else
        free(resp->body);
}

START_TEST(config_port)
{
    struct http_resp resp;
    ck_assert_int_eq(http_get("/Desktops/800x480x24/List.xml", &resp), 200);
    ck_assert_str_eq(resp.content_type, "text/xml");
    ck_assert_uint_eq(resp.len, strlen("<CiscoIPPhoneImageList/>\n"));
    ck_assert_mem_eq(resp.body, "<CiscoIPPhoneImageList/>\n", resp.len);
    http_done(&resp);
    ck_assert_int_eq(http_get("/english_united_states/SP-SIP.JAR", &resp), 200);
    ck_assert_str_eq(resp.content_type, "application/octet-stream");
    http_done(&resp);
    ck_assert_int_eq(http_get("/../outside.txt", &resp), 404);
    ck_assert_ptr_null(strstr(resp.body, "secret"));
    http_done(&resp);
    ck_assert_int_eq(http_get("/etc/passwd", &resp), 404);
    http_done(&resp);
    ck_assert_int_eq(http_get("/pipe", &resp), 404);
    http_done(&resp);
    ck_assert_int_eq(http_get("/Japan/g3-tones.xml", &resp), 404);
    http_done(&resp);
}
END_TEST

START_TEST(no_root_no_files)
{
    char err[256] = "";
    struct config_provider *none = provider_new(NULL, NULL, NULL, err, sizeof err);
    ck_assert_ptr_nonnull(none);
    struct provider_file f;
    ck_assert_int_eq(provider_open(none, "RingList.xml", &f), PROVIDER_NOT_FOUND);
    ck_assert_int_eq(provider_open(none, "United_States/g3-tones.xml", &f), PROVIDER_NOT_FOUND);
    provider_free(none);
}
END_TEST

static Suite *provider_suite(void)
{
    Suite *s = suite_create("provider");
    TCase *tc = tcase_create("static files");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, subdirectories_served);
    tcase_add_test(tc, case_insensitive_per_component);
    tcase_add_test(tc, escapes_refused);
    tcase_add_test(tc, only_regular_files);
    tcase_add_test(tc, walk_fallback);
    tcase_add_test(tc, name_rules);
    tcase_add_test(tc, tftp_adapter);
    tcase_add_test(tc, config_port);
    tcase_add_test(tc, no_root_no_files);
    suite_add_tcase(s, tc);
    return s;
}

int main(void)
{
    SRunner *sr = srunner_create(provider_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
