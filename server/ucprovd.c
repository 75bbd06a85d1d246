/* ucprovd - the ucprov daemon: admin REST on one port, phone configs over
 * TFTP (69) and HTTP (6970) on the others. */
#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <grp.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <unistd.h>

#include <ini.h>
#include <libxml/parser.h>

#include "admin.h"
#include "fetchlog.h"
#include "http.h"
#include "limits.h"
#include "log.h"
#include "prometheus.h"
#include "provider.h"
#include "service/service.h"
#include "tftpd/tftpd.h"

struct options {
    const char *config;
    const char *db;
    const char *http;
    const char *tls_cert, *tls_key;   /* HTTPS on the admin port when both are set */
    const char *tftp;                 /* "off" disables */
    const char *cnf_http;             /* "off" disables */
    const char *tftp_root;
    const char *user;
    const char *ready_file;
    unsigned max_transfers, timeout_ms, retries;
    bool syslog;
    char *owned[64];                  /* copies of the file's values, freed at exit */
    size_t n_owned;
};

static void options_free(struct options *o)
{
    for (size_t i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    o->n_owned = 0;
}

#define DEFAULT_CONFIG UCPROV_SYSCONFDIR "/ucprov/ucprovd.conf"

/* Every setting, for the command line and the configuration file alike: a
 * key in ucprovd.conf is the long option's name. */
enum option_id {
    OPT_CONFIG, OPT_DB, OPT_HTTP, OPT_TLS_CERT, OPT_TLS_KEY, OPT_TFTP, OPT_CNF_HTTP,
    OPT_TFTP_ROOT, OPT_MAX_TRANSFERS, OPT_TIMEOUT, OPT_RETRIES, OPT_USER, OPT_READY_FILE,
    OPT_LOG_LEVEL, OPT_SYSLOG, OPT_VERBOSE, OPT_LIST_ROUTES, OPT_HELP, OPT_COUNT
};

static const struct {
    const char *name, *arg, *help;
} option_table[OPT_COUNT] = {
    [OPT_CONFIG] = { "config", "FILE", "settings file (default " DEFAULT_CONFIG " if present)" },
    [OPT_DB] = { "db", "PATH", "SQLite database (default " UCPROV_DEFAULT_DB "); created and "
                 "migrated at start" },
    [OPT_HTTP] = { "http", "ADDR:PORT", "admin pages and REST API (default " UCPROV_DEFAULT_HTTP
                   "; port 0 = any free port)" },
    [OPT_TLS_CERT] = { "tls-cert", "FILE", "serve the admin port over HTTPS with this "
                       "certificate..." },
    [OPT_TLS_KEY] = { "tls-key", "FILE", "...and this private key" },
    [OPT_TFTP] = { "tftp", "ADDR:PORT|off", "TFTP for phones (default " UCPROV_DEFAULT_TFTP ")" },
    [OPT_CNF_HTTP] = { "cnf-http", "ADDR:PORT|off", "config files over HTTP, as CUCM's port 6970 "
                       "(default " UCPROV_DEFAULT_CNF_HTTP ")" },
    [OPT_TFTP_ROOT] = { "tftp-root", "DIR", "static files (firmware, ring lists, locales), "
                        "read-only" },
    [OPT_MAX_TRANSFERS] = { "tftp-max-transfers", "N", "concurrent TFTP transfers before "
                            "'busy' (default 4096)" },
    [OPT_TIMEOUT] = { "tftp-timeout-ms", "N", "first retransmission timeout (default 1000)" },
    [OPT_RETRIES] = { "tftp-retries", "N", "retransmissions before a transfer is dropped "
                      "(default 5)" },
    [OPT_USER] = { "user", "NAME", "after binding the ports, run as this user" },
    [OPT_READY_FILE] = { "ready-file", "PATH", "write the bound ports there once listening" },
    [OPT_LOG_LEVEL] = { "log-level", "LEVEL", "debug, info (default), warn or error" },
    [OPT_SYSLOG] = { "syslog", NULL, "log to syslog instead of standard error" },
    [OPT_VERBOSE] = { "verbose", NULL, "same as --log-level debug" },
    [OPT_LIST_ROUTES] = { "list-routes", NULL, "print each admin-port route as METHOD PATH "
                          "(public ones marked) and exit" },
    [OPT_HELP] = { "help", NULL, "this text" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: ucprovd [options]\n");
    for (size_t i = 0; i < OPT_COUNT; i++) {
        char left[48];
        snprintf(left, sizeof left, "--%s%s%s", option_table[i].name,
                 option_table[i].arg ? " " : "", option_table[i].arg ? option_table[i].arg : "");
        fprintf(out, "  %-30s %s\n", left, option_table[i].help);
    }
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

static bool parse_bool(const char *text, bool *out)
{
    static const char *const yes[] = { "yes", "true", "on", "1" }, *const no[] = { "no", "false",
                                                                                    "off", "0" };
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(text, yes[i]) == 0)
            return *out = true;
        if (strcasecmp(text, no[i]) == 0)
            return !(*out = false);
    }
    return false;
}

/* One line of --list-routes; the routers enumerate themselves, no database needed. */
static void print_route(void *ctx, const char *method, const char *path)
{
    (void)ctx;
    printf("%s %s%s\n", method, path, admin_route_public(method, path) ? " public" : "");
}

/* Apply one setting; value is NULL for flags given on the command line.  The
 * strings must outlive the options (argv, or copies made by the file loader). */
static int apply_option(struct options *o, enum option_id id, const char *value,
                        const char *origin)
{
    bool flag = true;
    if (option_table[id].arg == NULL && value != NULL && !parse_bool(value, &flag)) {
        fprintf(stderr, "ucprovd: %s: %s wants yes or no\n", origin, option_table[id].name);
        return -1;
    }
    switch (id) {
    case OPT_CONFIG: o->config = value; return 0;
    case OPT_DB: o->db = value; return 0;
    case OPT_HTTP: o->http = value; return 0;
    case OPT_TLS_CERT: o->tls_cert = value; return 0;
    case OPT_TLS_KEY: o->tls_key = value; return 0;
    case OPT_TFTP: o->tftp = value; return 0;
    case OPT_CNF_HTTP: o->cnf_http = value; return 0;
    case OPT_TFTP_ROOT: o->tftp_root = value; return 0;
    case OPT_USER: o->user = value; return 0;
    case OPT_READY_FILE: o->ready_file = value; return 0;
    case OPT_SYSLOG: o->syslog = flag; return 0;
    case OPT_VERBOSE: if (flag) log_set_level(LOG_LEVEL_DEBUG); return 0;
    case OPT_HELP: usage(stdout); exit(0);
    case OPT_LIST_ROUTES: admin_each_route(print_route, NULL); exit(fflush(stdout) ? 1 : 0);
    case OPT_LOG_LEVEL: {
        enum log_level level;
        if (!log_level_parse(value, &level)) {
            fprintf(stderr, "ucprovd: %s: log-level is debug, info, warn or error\n", origin);
            return -1;
        }
        log_set_level(level);
        return 0;
    }
    case OPT_MAX_TRANSFERS:
    case OPT_TIMEOUT:
    case OPT_RETRIES: {
        unsigned *dst = id == OPT_MAX_TRANSFERS ? &o->max_transfers
                      : id == OPT_TIMEOUT ? &o->timeout_ms : &o->retries;
        unsigned max = id == OPT_MAX_TRANSFERS ? 1000000 : id == OPT_TIMEOUT ? 60000 : 100;
        if (parse_unsigned(value, max, dst) != 0 || *dst == 0) {
            fprintf(stderr, "ucprovd: %s: %s wants a number from 1 to %u\n", origin,
                    option_table[id].name, max);
            return -1;
        }
        return 0;
    }
    case OPT_COUNT:
        break;
    }
    return -1;
}

struct file_loader {
    struct options *o;
    const char *path;
    int errors;
};

static int on_config_entry(void *user, const char *section, const char *name, const char *value)
{
    struct file_loader *fl = user;
    char origin[4200];
    snprintf(origin, sizeof origin, "%s", fl->path);
    if (section[0] != '\0') {
        fprintf(stderr, "ucprovd: %s: sections are not used ([%s])\n", origin, section);
        fl->errors++;
        return 1;
    }
    for (size_t i = 0; i < OPT_COUNT; i++) {
        if (strcmp(option_table[i].name, name) != 0 || i == OPT_CONFIG || i == OPT_HELP ||
            i == OPT_LIST_ROUTES)
            continue;
        /* inih reuses its buffer: the options keep a copy for the daemon's life. */
        char *copy = fl->o->n_owned < sizeof fl->o->owned / sizeof fl->o->owned[0]
                         ? strdup(value) : NULL;
        if (copy != NULL)
            fl->o->owned[fl->o->n_owned++] = copy;
        if (copy == NULL || apply_option(fl->o, (enum option_id)i, copy, origin) != 0)
            fl->errors++;
        return 1;
    }
    fprintf(stderr, "ucprovd: %s: unknown setting '%s'\n", origin, name);
    fl->errors++;
    return 1;
}

static int load_config_file(struct options *o, const char *path, bool must_exist)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf(stderr, "ucprovd: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    struct file_loader fl = { o, path, 0 };
    int line = ini_parse_file(f, on_config_entry, &fl);
    fclose(f);
    if (line > 0) {
        fprintf(stderr, "ucprovd: %s: line %d is not 'key = value'\n", path, line);
        return -1;
    }
    return fl.errors ? -1 : 0;
}

/* The file first, then the command line, which wins. */
static int parse_options(int argc, char **argv, struct options *o)
{
    struct option longopts[OPT_COUNT + 1];
    for (size_t i = 0; i < OPT_COUNT; i++)
        longopts[i] = (struct option){ option_table[i].name,
                                       option_table[i].arg ? required_argument : no_argument,
                                       NULL, (int)i + 256 };
    longopts[OPT_COUNT] = (struct option){ NULL, 0, NULL, 0 };
    o->db = UCPROV_DEFAULT_DB;
    o->http = UCPROV_DEFAULT_HTTP;
    o->tftp = UCPROV_DEFAULT_TFTP;
    o->cnf_http = UCPROV_DEFAULT_CNF_HTTP;

    const char *config = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
            config = argv[i + 1];
        else if (strncmp(argv[i], "--config=", 9) == 0)
            config = argv[i] + 9;
    }
    if (load_config_file(o, config ? config : DEFAULT_CONFIG, config != NULL) != 0)
        return -1;

    int c;
    while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
        if (c < 256 || c >= 256 + OPT_COUNT) {
            usage(stderr);
            return -1;
        }
        if (apply_option(o, (enum option_id)(c - 256), optarg, "command line") != 0)
            return -1;
    }
    if (optind != argc) {
        fprintf(stderr, "ucprovd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    if ((o->tls_cert == NULL) != (o->tls_key == NULL)) {
        fprintf(stderr, "ucprovd: --tls-cert and --tls-key go together\n");
        return -1;
    }
    return 0;
}

/* A PEM file for the admin port's TLS, whole and NUL-terminated. */
static int read_pem_file(const char *path, char **out)
{
    FILE *f = fopen(path, "r");
    if (f == NULL) {
        log_error("cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    char *buf = calloc(1, UCPROV_MAX_TLS_FILE + 1);
    size_t n = buf ? fread(buf, 1, UCPROV_MAX_TLS_FILE + 1, f) : 0;
    bool failed = ferror(f) != 0;
    fclose(f);
    if (buf == NULL || failed || n == 0 || n > UCPROV_MAX_TLS_FILE) {
        log_error("%s: %s", path, buf == NULL ? "out of memory" : failed ? "read error"
                  : n == 0 ? "empty file" : "larger than a certificate chain or key should be");
        free(buf);
        return -1;
    }
    *out = buf;
    return 0;
}

static void free_pem(char **pem)
{
    if (*pem != NULL)
        explicit_bzero(*pem, strlen(*pem));
    free(*pem);
    *pem = NULL;
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
    if (parse_options(argc, argv, &opt) != 0) {
        options_free(&opt);
        return 2;
    }
    if (opt.syslog)
        log_to_syslog("ucprovd");

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
    char *tls_cert = NULL, *tls_key = NULL;
    struct tftpd *tftp = NULL;
    struct fetchlog *fetchlog = NULL;
    struct config_provider *provider = NULL;
    pthread_t tftp_tid;
    bool tftp_running = false;

    struct service *sv = service_open(opt.db, err, sizeof err);
    if (sv == NULL) {
        log_error("%s", err);
        options_free(&opt);
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

    struct http_config admin = {
        .name = "admin", .listen = opt.http,
        .max_body = UCPROV_MAX_JSON_BODY, .threads = UCPROV_HTTP_THREADS,
        .bulk_path = "/api/v1/phones/import", .bulk_max_body = UCPROV_MAX_CSV_BODY,
    };
    bool tls = opt.tls_cert != NULL;
    if (tls && (read_pem_file(opt.tls_cert, &tls_cert) != 0 ||
                read_pem_file(opt.tls_key, &tls_key) != 0))
        goto out;
    admin.tls_cert_pem = tls_cert;
    admin.tls_key_pem = tls_key;
    if ((router = admin_new(sv, tls, err, sizeof err)) == NULL) {
        log_error("admin pages: %s", err);
        goto out;
    }
    admin.authenticate = admin_authenticate;
    admin.refuse = admin_refuse;
    admin.guard_ctx = router;
    http = http_start(&admin, admin_handle, router, err, sizeof err);
    free_pem(&tls_key);   /* the TLS library holds its own copy now */
    if (http == NULL) {
        log_error("admin listener: %s", err);
        goto out;
    }
    if (tls)
        log_info("admin port speaks HTTPS with %s", opt.tls_cert);
    if (enabled(opt.cnf_http)) {
        struct http_config cc = {
            .name = "config", .listen = opt.cnf_http, .max_body = UCPROV_CNF_HTTP_MAX_BODY,
            .threads = UCPROV_CNF_HTTP_THREADS, .quiet = true,
            .conn_timeout_s = UCPROV_CNF_HTTP_TIMEOUT_S,
            .conn_per_ip = UCPROV_CNF_HTTP_CONN_PER_IP, .turbo = true,
            .refuse = admin_refuse,   /* a 413 reads as on the admin port */
        };
        if ((cnf = http_start(&cc, provider_cnf_http, provider, err, sizeof err)) == NULL) {
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
    /* After the listeners, so warming never delays serving. */
    if (service_warm_start(sv) != 0)
        log_warn("cannot start the cache warmer; configs are rendered on first fetch");
    prometheus_set_sources(tftp, fetchlog);
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
    prometheus_set_sources(NULL, NULL);
    if (tftp_running) {
        tftpd_stop(tftp);
        pthread_join(tftp_tid, NULL);
    }
    tftpd_free(tftp);
    http_stop(cnf);
    http_stop(http);
    admin_free(router);   /* after its listener: no request can reach it any more */
    free_pem(&tls_cert);
    free_pem(&tls_key);
    fetchlog_stop(fetchlog);   /* after the front ends: their last records are written */
    provider_free(provider);
    service_close(sv);
    xmlCleanupParser();
    options_free(&opt);
    return rc;
}
