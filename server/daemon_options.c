/* daemon_options.c - ucprovd's settings from ucprovd.conf and the command
 * line, read through one table. */
#include <config.h>

#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "admin.h"
#include "daemon_options.h"
#include "limits.h"
#include "log.h"

#define DEFAULT_CONFIG UCPROV_SYSCONFDIR "/ucprov/ucprovd.conf"

/* Every setting, for the command line and the configuration file alike: a
 * key in ucprovd.conf is the long option's name. */
enum option_id {
    OPT_CONFIG, OPT_DB, OPT_HTTP, OPT_TLS_CERT, OPT_TLS_KEY, OPT_INSECURE_HTTP, OPT_TFTP,
    OPT_CNF_HTTP, OPT_REFUSE_MAC_SCANS, OPT_KEY_FILE,
    OPT_TFTP_ROOT, OPT_MAX_TRANSFERS, OPT_TIMEOUT, OPT_RETRIES, OPT_CACHE_MB, OPT_WARM_THREADS,
    OPT_USER, OPT_READY_FILE,
    OPT_LOG_LEVEL, OPT_SYSLOG, OPT_VERBOSE, OPT_LIST_ROUTES, OPT_HELP, OPT_COUNT
};

static void usage(FILE *out);
static int parse_unsigned(const char *text, unsigned max, unsigned *out);
static bool parse_bool(const char *text, bool *out);
static int apply_number(struct options *o, enum option_id id, const char *value,
                        const char *origin);
static void print_route(void *ctx, const char *method, const char *path);
static int apply_option(struct options *o, enum option_id id, const char *value,
                        const char *origin);
static int on_config_entry(void *user, const char *section, const char *name, const char *value);
static int load_config_file(struct options *o, const char *path, bool must_exist);

void options_free(struct options *o)
{
    for (size_t i = 0; i < o->n_owned; i++)
        free(o->owned[i]);
    o->n_owned = 0;
}

static const struct {
    const char *name, *arg, *help;
} option_table[OPT_COUNT] = {
    [OPT_CONFIG] = { "config", "FILE", "settings file (default " DEFAULT_CONFIG " if present)" },
    [OPT_DB] = { "db", "PATH|URI", "SQLite database (default " UCPROV_DEFAULT_DB "), or "
                 "PostgreSQL shared by several nodes: postgresql://USER@HOST:PORT/DBNAME, or "
                 "postgres: for libpq's PG* variables; created (SQLite) and migrated at start" },
    [OPT_HTTP] = { "http", "ADDR:PORT", "admin pages and REST API (default " UCPROV_DEFAULT_HTTP
                   "; port 0 = any free port)" },
    [OPT_TLS_CERT] = { "tls-cert", "FILE", "serve the admin port over HTTPS with this "
                       "certificate..." },
    [OPT_TLS_KEY] = { "tls-key", "FILE", "...and this private key" },
    [OPT_INSECURE_HTTP] = { "insecure-http", NULL, "serve the admin port over plain HTTP on "
                            "an address other than loopback (passwords and cookies in clear); "
                            "by default such a port speaks HTTPS with a self-signed "
                            "certificate made at first start beside the database" },
    [OPT_TFTP] = { "tftp", "ADDR:PORT|off", "TFTP for phones (default " UCPROV_DEFAULT_TFTP ")" },
    [OPT_CNF_HTTP] = { "cnf-http", "ADDR:PORT|off", "config files over HTTP, as CUCM's port 6970 "
                       "(default " UCPROV_DEFAULT_CNF_HTTP ")" },
    [OPT_KEY_FILE] = { "key-file", "FILE", "the key that seals the phones' secrets (default "
                       "ucprov.key beside the database; made 0600 when absent)" },
    [OPT_REFUSE_MAC_SCANS] = { "refuse-mac-scans", NULL, "refuse TFTP and 6970 requests from a "
                               "host flagged for asking many unknown phones' files" },
    [OPT_TFTP_ROOT] = { "tftp-root", "DIR", "static files (firmware, ring lists, locales), "
                        "read-only" },
    [OPT_MAX_TRANSFERS] = { "tftp-max-transfers", "N", "concurrent TFTP transfers before "
                            "'busy' (default 4096)" },
    [OPT_TIMEOUT] = { "tftp-timeout-ms", "N", "first retransmission timeout (default 1000)" },
    [OPT_RETRIES] = { "tftp-retries", "N", "retransmissions before a transfer is dropped "
                      "(default 5)" },
    [OPT_CACHE_MB] = { "cache-mb", "N", "megabytes of rendered and signed files kept in memory "
                       "(default 40; past it the files fetched least recently are made again on fetch)" },
    [OPT_WARM_THREADS] = { "warm-threads", "N", "threads that render and sign ahead of the "
                           "phones (default: one per core)" },
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

/* The settings that are numbers: where each goes, and its largest value. */
static const struct {
    enum option_id id;
    size_t at;
    unsigned max;
} numbers[] = {
    { OPT_MAX_TRANSFERS, offsetof(struct options, max_transfers), 1000000 },
    { OPT_TIMEOUT, offsetof(struct options, timeout_ms), 60000 },
    { OPT_RETRIES, offsetof(struct options, retries), 100 },
    { OPT_CACHE_MB, offsetof(struct options, cache_mb), 1u << 20 },
    { OPT_WARM_THREADS, offsetof(struct options, warm_threads), UCPROV_WARM_THREADS_MAX },
};

static int apply_number(struct options *o, enum option_id id, const char *value,
                        const char *origin)
{
    size_t k = 0;
    while (numbers[k].id != id)
        k++;
    unsigned *dst = (unsigned *)((char *)o + numbers[k].at), max = numbers[k].max;
    if (parse_unsigned(value, max, dst) != 0 || *dst == 0) {
        fprintf(stderr, "ucprovd: %s: %s wants a number from 1 to %u\n", origin,
                option_table[id].name, max);
        return -1;
    }
    return 0;
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
    case OPT_INSECURE_HTTP: o->insecure_http = flag; return 0;
    case OPT_REFUSE_MAC_SCANS: o->refuse_mac_scans = flag; return 0;
    case OPT_KEY_FILE: o->key_file = value; return 0;
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
    case OPT_RETRIES:
    case OPT_CACHE_MB:
    case OPT_WARM_THREADS:
        return apply_number(o, id, value, origin);
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

int options_parse(int argc, char **argv, struct options *o)
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
