/* ucprovd - the ucprov daemon: admin REST on one port, phone configs over
 * TFTP (69) and HTTP (6970) on the others. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include <libxml/parser.h>

#include "admin.h"
#include "fetchlog.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"
#include "provider.h"
#include "service.h"
#include "tftpd/tftpd.h"

struct options {
    const char *db;
    const char *http;
    const char *tftp;          /* "off" disables */
    const char *cnf_http;      /* "off" disables */
    const char *tftp_root;
    const char *user;
    const char *ready_file;
    unsigned max_transfers, timeout_ms, retries;
};

static void usage(FILE *out)
{
    fprintf(out,
            "usage: ucprovd [options]\n"
            "  --db PATH              SQLite database (default %s); created and migrated at start\n"
            "  --http ADDR:PORT       admin UI and REST API (default %s; port 0 = any free port)\n"
            "  --tftp ADDR:PORT|off   TFTP server for phones (default %s)\n"
            "  --cnf-http ADDR:PORT|off  config files over HTTP, as CUCM's port 6970 (default %s)\n"
            "  --tftp-root DIR        static files (firmware, ring lists, locales) served read-only\n"
            "  --tftp-max-transfers N concurrent TFTP transfers before 'busy' (default 4096)\n"
            "  --tftp-timeout-ms N    first retransmission timeout (default 1000)\n"
            "  --tftp-retries N       retransmissions before a transfer is dropped (default 5)\n"
            "  --user NAME            after binding the ports, run as this user\n"
            "  --ready-file PATH      write the bound ports there once listening (for scripts)\n"
            "  --verbose              debug logging (every config-port request)\n"
            "  --help\n",
            UCPROV_DEFAULT_DB, UCPROV_DEFAULT_HTTP, UCPROV_DEFAULT_TFTP, UCPROV_DEFAULT_CNF_HTTP);
}

static int parse_unsigned(const char *text, unsigned max, unsigned *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(text, &end, 10);
    if (errno || *end || end == text || v > max)
        return -1;
    *out = (unsigned)v;
    return 0;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    enum { O_DB = 256, O_HTTP, O_TFTP, O_CNF, O_ROOT, O_MAX, O_TIMEOUT, O_RETRIES, O_USER,
           O_READY, O_VERBOSE, O_HELP };
    static const struct option longopts[] = {
        { "db", required_argument, NULL, O_DB },
        { "http", required_argument, NULL, O_HTTP },
        { "tftp", required_argument, NULL, O_TFTP },
        { "cnf-http", required_argument, NULL, O_CNF },
        { "tftp-root", required_argument, NULL, O_ROOT },
        { "tftp-max-transfers", required_argument, NULL, O_MAX },
        { "tftp-timeout-ms", required_argument, NULL, O_TIMEOUT },
        { "tftp-retries", required_argument, NULL, O_RETRIES },
        { "user", required_argument, NULL, O_USER },
        { "ready-file", required_argument, NULL, O_READY },
        { "verbose", no_argument, NULL, O_VERBOSE },
        { "help", no_argument, NULL, O_HELP },
        { NULL, 0, NULL, 0 },
    };
    o->db = UCPROV_DEFAULT_DB;
    o->http = UCPROV_DEFAULT_HTTP;
    o->tftp = UCPROV_DEFAULT_TFTP;
    o->cnf_http = UCPROV_DEFAULT_CNF_HTTP;
    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        switch (c) {
        case O_DB: o->db = optarg; break;
        case O_HTTP: o->http = optarg; break;
        case O_TFTP: o->tftp = optarg; break;
        case O_CNF: o->cnf_http = optarg; break;
        case O_ROOT: o->tftp_root = optarg; break;
        case O_USER: o->user = optarg; break;
        case O_READY: o->ready_file = optarg; break;
        case O_VERBOSE: log_set_level(LOG_LEVEL_DEBUG); break;
        case O_HELP: usage(stdout); exit(0);
        case O_MAX:
        case O_TIMEOUT:
        case O_RETRIES: {
            unsigned *dst = c == O_MAX ? &o->max_transfers
                          : c == O_TIMEOUT ? &o->timeout_ms : &o->retries;
            unsigned max = c == O_MAX ? 1000000 : c == O_TIMEOUT ? 60000 : 100;
            if (parse_unsigned(optarg, max, dst) != 0 || *dst == 0) {
                fprintf(stderr, "ucprovd: %s wants a number from 1 to %u\n", argv[optind - 1], max);
                return -1;
            }
            break;
        }
        default: usage(stderr); return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "ucprovd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
}

static int write_ready_file(const char *path, uint16_t http, uint16_t tftp, uint16_t cnf)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    FILE *f = fopen(tmp, "w");
    if (f == NULL)
        return -1;
    fprintf(f, "http=%u\ntftp=%u\ncnf_http=%u\n", http, tftp, cnf);
    if (fclose(f) != 0)
        return -1;
    return rename(tmp, path);
}

/* Ports below 1024 are bound first; then the daemon gives up root for good. */
static int drop_privileges(const char *user)
{
    struct passwd *pw = getpwnam(user);
    if (pw == NULL) {
        log_error("--user %s: no such user", user);
        return -1;
    }
    if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        log_error("cannot switch to user %s: %s", user, strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) {
        log_error("privileges could be regained after dropping them; refusing to run");
        return -1;
    }
    log_info("running as user %s", user);
    return 0;
}

/* Each TFTP transfer holds a socket: make room for the cap plus the HTTP
 * listeners' connections before the first boot storm finds the limit. */
static void raise_file_limit(unsigned max_transfers)
{
    struct rlimit rl;
    rlim_t want = (rlim_t)(max_transfers ? max_transfers : 4096) + UCPROV_HTTP_CONN_LIMIT * 2 + 256;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
        return;
    rl.rlim_cur = want < rl.rlim_max ? want : rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < want)
        log_warn("open file limit %llu is below the %llu the TFTP transfer cap needs",
                 (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

static bool enabled(const char *listen)
{
    return strcmp(listen, "off") != 0;
}

static void *tftp_thread(void *arg)
{
    tftpd_run(arg);
    return NULL;
}

int main(int argc, char **argv)
{
    struct options opt = { 0 };
    if (parse_options(argc, argv, &opt) != 0)
        return 2;

    /* Signals are taken by sigwait() in main; every thread inherits the mask. */
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);
    xmlInitParser();
    raise_file_limit(opt.max_transfers);

    int rc = 1;
    char err[512];
    struct http_server *http = NULL, *cnf = NULL;
    struct admin *router = NULL;
    struct tftpd *tftp = NULL;
    struct fetchlog *fetchlog = NULL;
    struct config_provider *provider = NULL;
    pthread_t tftp_tid;
    bool tftp_running = false;

    struct service *sv = service_open(opt.db, err, sizeof err);
    if (sv == NULL) {
        log_error("%s", err);
        return 1;
    }
    if (service_admin_count(sv) == 0)
        log_warn("no admin account yet: create one with 'ucprov --db %s admin add NAME'", opt.db);
    fetchlog = fetchlog_start(sv);
    provider = provider_new(sv, fetchlog, opt.tftp_root, err, sizeof err);
    if (fetchlog == NULL || provider == NULL) {
        log_error("%s", provider ? "cannot start the fetch log writer" : err);
        goto out;
    }

    /* The REST API and the metrics take Basic or Bearer; pages check their session. */
    static const char *const token_auth_paths[] = { "/api/", "/metrics", NULL };
    struct http_config admin = {
        .name = "admin", .listen = opt.http, .auth_prefixes = token_auth_paths,
        .max_body = UCPROV_MAX_JSON_BODY, .threads = UCPROV_HTTP_THREADS,
        .bulk_path = "/api/v1/phones/import", .bulk_max_body = UCPROV_MAX_CSV_BODY,
    };
    if ((router = admin_new(sv, false, err, sizeof err)) == NULL) {
        log_error("admin pages: %s", err);
        goto out;
    }
    if ((http = http_start(&admin, sv, admin_handle, router, err, sizeof err)) == NULL) {
        log_error("admin listener: %s", err);
        goto out;
    }
    if (enabled(opt.cnf_http)) {
        struct http_config cc = {
            .name = "config", .listen = opt.cnf_http, .max_body = UCPROV_CNF_HTTP_MAX_BODY,
            .threads = UCPROV_CNF_HTTP_THREADS, .quiet = true,
        };
        if ((cnf = http_start(&cc, sv, provider_cnf_http, provider, err, sizeof err)) == NULL) {
            log_error("config port: %s", err);
            goto out;
        }
    }
    if (enabled(opt.tftp)) {
        char addr[128];
        uint16_t port;
        if (http_parse_listen(opt.tftp, addr, sizeof addr, &port) != 0) {
            log_error("bad --tftp address '%s' (want ADDR:PORT)", opt.tftp);
            goto out;
        }
        struct tftpd_config tc = { addr, port, opt.max_transfers, opt.timeout_ms, opt.retries };
        struct tftp_provider tp;
        provider_tftp(provider, &tp);
        if ((tftp = tftpd_new(&tc, &tp, err, sizeof err)) == NULL) {
            log_error("TFTP: %s%s", err, port < 1024 && geteuid() != 0
                      ? " (port 69 needs root or CAP_NET_BIND_SERVICE; see README)" : "");
            goto out;
        }
    }
    if (opt.user != NULL && drop_privileges(opt.user) != 0)
        goto out;
    if (tftp != NULL) {
        if (pthread_create(&tftp_tid, NULL, tftp_thread, tftp) != 0) {
            log_error("cannot start the TFTP thread");
            goto out;
        }
        tftp_running = true;
    }
    metrics_set_sources(tftp, fetchlog);
    log_info("ucprovd %s: database %s; admin REST API on port %u", PACKAGE_VERSION, opt.db,
             http_port(http));
    if (opt.tftp_root)
        log_info("static files from %s", opt.tftp_root);
    if (tftp)
        log_info("TFTP listening on port %u", tftpd_port(tftp));
    if (cnf)
        log_info("config HTTP listening on port %u", http_port(cnf));
    if (opt.ready_file &&
        write_ready_file(opt.ready_file, http_port(http), tftp ? tftpd_port(tftp) : 0,
                         cnf ? http_port(cnf) : 0) != 0)
        log_error("cannot write %s: %s", opt.ready_file, strerror(errno));

    int sig = 0;
    sigwait(&stop_signals, &sig);
    log_info("signal %d: shutting down", sig);
    rc = 0;
out:
    metrics_set_sources(NULL, NULL);
    if (tftp_running) {
        tftpd_stop(tftp);
        pthread_join(tftp_tid, NULL);
    }
    tftpd_free(tftp);
    http_stop(cnf);
    http_stop(http);
    admin_free(router);   /* after its listener: no request can reach it any more */
    fetchlog_stop(fetchlog);   /* after the front ends: their last records are written */
    provider_free(provider);
    service_close(sv);
    xmlCleanupParser();
    return rc;
}
