/* ucprov - the admin command line.  It works on the database directly through
 * the same service layer as the daemon (SQLite's WAL lets both run at once). */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <openssl/crypto.h>

#include "cli.h"
#include "dblock.h"
#include "limits.h"
#include "log.h"
#include "selfsigned.h"
#include "service/service.h"
#include "timefmt.h"
#include "verify.h"

static const char *db_path = UCPROV_DEFAULT_DB;   /* --db, for the commands that name it */

struct command {
    const char *name, *sub;   /* "admin" "add" */
    int nargs;                /* positional arguments after the command words; -1: own options */
    const char *args_help, *help;
    int (*run)(struct service *sv, int argc, char **args);
};

int cli_report(const struct problem *p)
{
    fprintf(stderr, "ucprov: %s\n", p->detail);
    for (size_t i = 0; i < p->n_errors; i++)
        fprintf(stderr, "  %s: %s\n", p->errors[i].field, p->errors[i].message);
    return 1;
}

#define CLI_OPTIONS_MAX 8

/* One option's value into its destination; false after saying what it wants. */
static bool option_value(const struct cli_option *o, const char *arg)
{
    char *end = NULL;
    long n;
    switch (o->type) {
    case CLI_TEXT:
        *(const char **)o->dst = arg;
        return true;
    case CLI_NUMBER:
        n = strtol(arg, &end, 10);
        if (end != arg && *end == '\0' && n >= o->min && n <= o->max) {
            *(long *)o->dst = n;
            return true;
        }
        fprintf(stderr, "ucprov: --%s wants %ld..%ld\n", o->name, o->min, o->max);
        return false;
    case CLI_DEVICE:
        if (device_name_normalise(arg, o->dst))
            return true;
        fprintf(stderr, "ucprov: --%s wants SEP + 12 hex digits\n", o->name);
        return false;
    case CLI_TIME:
        if (time_parse_ms(arg, o->dst))
            return true;
        fprintf(stderr, "ucprov: --%s wants 2026-11-27T10:00:00Z or epoch seconds\n", o->name);
        return false;
    }
    return false;
}

int cli_options(int argc, char **args, const struct cli_option *opts, size_t n)
{
    struct option longopts[CLI_OPTIONS_MAX + 1] = { { 0 } };
    if (n > CLI_OPTIONS_MAX)
        return -1;
    /* getopt_long answers an option's place in the table, from 1. */
    for (size_t i = 0; i < n; i++)
        longopts[i] = (struct option){ opts[i].name, required_argument, NULL, (int)i + 1 };
    int c;
    optind = 0;   /* glibc: start afresh, main() has used getopt */
    while ((c = getopt_long(argc, args, "", longopts, NULL)) != -1)
        if (c < 1 || (size_t)c > n || !option_value(&opts[c - 1], optarg))
            return -1;
    return optind;
}

int cli_write_file(const char *path, const void *data, size_t len, mode_t mode)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0) {
        fprintf(stderr, "ucprov: %s: %s\n", path, strerror(errno));
        return -1;
    }
    /* An existing file keeps its mode on O_TRUNC: a key must still end up private. */
    bool ok = fchmod(fd, mode) == 0 && write(fd, data, len) == (ssize_t)len;
    if (close(fd) != 0 || !ok) {
        fprintf(stderr, "ucprov: %s: %s\n", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int cmd_render(struct service *sv, int argc, char **args)
{
    (void)argc;
    char name[64];
    const char *want = args[0];
    /* Accept SEPxxxx, SEPxxxx.cnf.xml and XMLDefault.cnf.xml. */
    size_t n = strcspn(want, ".");
    if (strcasecmp(want, XMLDEFAULT_NAME) == 0 || strcasecmp(want, "XMLDefault") == 0) {
        snprintf(name, sizeof name, "%s", XMLDEFAULT_NAME);
    } else {
        char raw[32];
        snprintf(raw, sizeof raw, "%.*s", (int)(n < sizeof raw ? n : sizeof raw - 1), want);
        if (!device_name_normalise(raw, name)) {
            fprintf(stderr, "ucprov: '%s' is not a device name (SEP + 12 hex digits)\n", want);
            return 2;
        }
    }
    struct cache_blob *b = service_render(sv, name);
    if (b == NULL) {
        fprintf(stderr, "ucprov: no phone named %s\n", name);
        return 1;
    }
    fwrite(b->data, 1, b->len, stdout);
    cache_blob_unref(b);
    return 0;
}

static int cmd_demo(struct service *sv, int argc, char **args)
{
    (void)argc;
    (void)args;
    struct problem p = { 0 };
    if (service_load_demo(sv, &p) != 0)
        return cli_report(&p);
    printf("demo data loaded: gateway ASAv-Lab (https://asav.example.lab/phone), "
           "group VPN-Group-Lab, 3 Cisco 8861 phones\n");
    return 0;
}

/* --- log: the fetch log --- */

static int cmd_log(struct service *sv, int argc, char **args)
{
    char device[16] = "";
    long limit = 50;
    int64_t since_ms = 0;
    const struct cli_option opts[] = {
        { "device", CLI_DEVICE, device, 0, 0 },
        { "since", CLI_TIME, &since_ms, 0, 0 },
        { "limit", CLI_NUMBER, &limit, 1, UCPROV_FETCH_LOG_MAX_LIMIT },
    };
    if (cli_options(argc, args, opts, sizeof opts / sizeof opts[0]) < 0)
        return 2;
    struct fetch_record *recs = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_fetch_log_query(sv, device[0] ? device : NULL, since_ms, limit, &recs, &n,
                                &p) != 0)
        return cli_report(&p);
    printf("%-24s %-5s %-21s %-28s %-15s %-10s %8s  %s\n", "TIME (UTC)", "PROTO", "CLIENT",
           "FILE", "DEVICE", "RESULT", "BYTES", "VERSIONSTAMP");
    for (size_t i = 0; i < n; i++) {
        const struct fetch_record *r = &recs[i];
        char when[40], client[80];
        time_rfc3339_ms(r->at_ms, when, sizeof when);
        snprintf(client, sizeof client, "%s:%d", r->client, r->client_port);
        printf("%-24s %-5s %-21s %-28s %-15s %-10s %8lld  %s\n", when, r->protocol, client, r->filename, r->device[0] ? r->device : "-", r->result,
               (long long)r->bytes, r->version_stamp[0] ? r->version_stamp : "-");
    }
    free(recs);
    return 0;
}

/* --- backup and restore --- */

/* Copy the database to or from path with op; on success say "<done> <path><then>". */
static int copy_database(struct service *sv, const char *path,
                         int (*op)(struct service *sv, const char *path, char *err,
                                   size_t errlen),
                         const char *done, const char *then)
{
    char err[512];
    if (op(sv, path, err, sizeof err) != 0) {
        fprintf(stderr, "ucprov: %s\n", err);
        return 1;
    }
    printf("%s %s%s\n", done, path, then);
    return 0;
}

static int cmd_backup(struct service *sv, int argc, char **args)
{
    (void)argc;
    if (copy_database(sv, args[0], service_backup, "backup written to", " (mode 600)") != 0)
        return 1;
    printf("The phones' secrets in it are sealed with the key in %s.\n"
           "Save that key file too, apart from the backup (e.g. cp -p %s /safe/place/):\n"
           "without it those passwords cannot be read back; with it beside the backup,\n"
           "whoever holds both holds the passwords.\n", service_key_path(sv),
           service_key_path(sv));
    return 0;
}

static int cmd_restore(struct service *sv, int argc, char **args)
{
    (void)argc;
    /* A running daemon would keep serving the files it has cached from the old
     * database, and its open connections would see the new one half-way. */
    pid_t daemon_pid = dblock_holder(db_path);
    if (daemon_pid != 0) {
        fprintf(stderr, "ucprov: ucprovd (pid %ld) is serving %s; restore refused.\n"
                "Stop it, restore, then start it again:\n"
                "  systemctl stop ucprovd        (or: kill %ld)\n"
                "  ucprov --db %s restore %s\n"
                "  systemctl start ucprovd\n", (long)daemon_pid, db_path, (long)daemon_pid,
                db_path, args[0]);
        return 1;
    }
    return copy_database(sv, args[0], service_restore, "database restored from",
                         "; restart ucprovd");
}

/* --- verify-gateway: a phone's-eye TLS check --- */

static int cmd_verify_gateway(struct service *sv, int argc, char **args)
{
    (void)argc;
    struct gateway_probe *probes = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_verify_gateways(sv, args[0], &probes, &n, &p) != 0)
        return cli_report(&p);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        const struct gateway_probe *g = &probes[i];
        const char *verdict = gateway_probe_verdict(g);
        bad |= strcmp(verdict, "ok") != 0;
        printf("url%zu %s\n", i + 1, g->url);
        if (!g->connected) {
            printf("  unreachable: %s\n", g->error);
            continue;
        }
        printf("  presented: %s (CN %s), %s %s\n", g->presented_hash, g->presented_cn,
               g->tls_version, g->cipher);
        printf("  hash in the phone's config: %s\n", g->hash_in_config ? "yes" :
               "NO - the phone will refuse this gateway; add its certificate to the gateway");
        printf("  host ID check: %s%s\n", g->host_id_ok ? "passes" :
               g->wildcard ? "fails (wildcard certificate; phones reject it)" : "fails",
               g->host_id_required ? "" : " (not enabled in the profile)");
        printf("  verdict: %s\n", verdict);
    }
    free(probes);
    return bad;
}

/* --- tls selfsigned: the admin port's certificate, as CUCM makes one at install --- */

static int cmd_tls_selfsigned(struct service *sv, int argc, char **args)
{
    (void)sv;
    const char *cert_path = NULL, *key_path = NULL, *cn_given = "";
    long days = UCPROV_TLS_DAYS_DEFAULT;
    const struct cli_option opts[] = {
        { "cert", CLI_TEXT, &cert_path, 0, 0 },
        { "key", CLI_TEXT, &key_path, 0, 0 },
        { "cn", CLI_TEXT, &cn_given, 0, 0 },
        { "days", CLI_NUMBER, &days, 1, 3650 },
    };
    int first = cli_options(argc, args, opts, sizeof opts / sizeof opts[0]);
    if (first < 0)
        return 2;
    if (cert_path == NULL || key_path == NULL || first != argc) {
        fprintf(stderr, "ucprov: usage: ucprov tls selfsigned --cert FILE --key FILE "
                "[--cn NAME] [--days N]\n");
        return 2;
    }
    char cn[256] = "";
    snprintf(cn, sizeof cn, "%s", cn_given);
    if (cn[0] == '\0' && gethostname(cn, sizeof cn - 1) != 0)
        snprintf(cn, sizeof cn, "localhost");
    char *cert = NULL, *key = NULL, err[256];
    if (selfsigned_make(cn, (int)days, &cert, &key, err, sizeof err) != 0) {
        fprintf(stderr, "ucprov: %s\n", err);
        return 1;
    }
    int rc = cli_write_file(key_path, key, strlen(key), 0600) == 0 &&
             cli_write_file(cert_path, cert, strlen(cert), 0644) == 0 ? 0 : 1;
    OPENSSL_cleanse(key, strlen(key));
    free(key);
    free(cert);
    if (rc == 0)
        printf("certificate for %s (%ld days) in %s, key in %s (mode 600)\n", cn, days,
               cert_path, key_path);
    return rc;
}

static const struct command commands[] = {
    { "admin", "add", 1, "NAME", "add an admin; the password is read from standard input",
      cmd_admin_add },
    { "admin", "passwd", 1, "NAME", "set an admin's password from standard input",
      cmd_admin_passwd },
    { "admin", "delete", 1, "NAME", "delete an admin and their API tokens", cmd_admin_delete },
    { "token", "create", -1, "ADMIN [--expires DAYS]",
      "print a new API token for an admin (shown once)", cmd_token_create },
    { "token", "list", 0, "", "every API token: id, admin, created, expires", cmd_token_list },
    { "token", "revoke", 1, "ID", "revoke an API token at once", cmd_token_revoke },
    { "render", NULL, 1, "SEP<MAC>|XMLDefault.cnf.xml", "print a config file as phones get it",
      cmd_render },
    { "demo", NULL, 0, "", "load the demo lab (idempotent)", cmd_demo },
    /* Before plain "export": the first entry whose words match is taken. */
    { "export", "phones", -1, "[FILE]", "write every phone as CSV (" IMPORT_HEADER ") to "
      "FILE or standard output", cmd_export_phones },
    { "import", "phones", 1, "FILE", "add the phones of a CSV file, all or none "
      "(FILE - for standard input)", cmd_import_phones },
    { "export", NULL, -1, "--dir DIR", "write every phone's file and XMLDefault into DIR "
      "(atomic renames) for another TFTP/HTTP server", cmd_export },
    { "log", NULL, -1, "[--device SEP<MAC>] [--since TIME] [--limit N]",
      "recent config fetches, newest first", cmd_log },
    { "backup", NULL, 1, "FILE", "consistent copy of the database, safe while ucprovd runs",
      cmd_backup },
    { "restore", NULL, 1, "FILE", "replace the database with a backup (refused while ucprovd "
      "serves it)",
      cmd_restore },
    { "migrate", NULL, -1, "--from SQLITE_FILE --to URI", "copy a whole site onto an empty "
      "database (PostgreSQL, for several nodes), all or nothing", cmd_migrate },
    { "verify-gateway", NULL, 1, "SEP<MAC>", "connect to each gateway in the phone's config and "
      "check its certificate as the phone would", cmd_verify_gateway },
    { "trust", "list", 0, "", "the trust list phones get (ITLFile.tlv)", cmd_trust_list },
    { "trust", "rotate", 1, "tftp|sast", "replace the TFTP key or the SAST primary",
      cmd_trust_rotate },
    { "trust", "ctl", 1, "on|off", "serve CTLFile.tlv (a mixed-mode cluster's list) or not",
      cmd_trust_ctl },
    { "trust", "export-recovery", -1, "[--passphrase-file F] FILE",
      "write the ITLRecovery key as PKCS#12 (passphrase from standard input)", cmd_trust_export },
    { "trust", "import-recovery", -1, "[--passphrase-file F] FILE",
      "make an exported ITLRecovery key live again", cmd_trust_import },
    { "tls", "selfsigned", -1, "--cert FILE --key FILE [--cn NAME] [--days N]",
      "make a key and self-signed certificate for ucprovd --tls-cert/--tls-key",
      cmd_tls_selfsigned },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: ucprov [--db PATH|URI] [--key-file FILE] COMMAND\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char words[64];
        snprintf(words, sizeof words, "%s%s%s %s", commands[i].name,
                 commands[i].sub ? " " : "", commands[i].sub ? commands[i].sub : "",
                 commands[i].args_help);
        fprintf(out, "  %-38s %s\n", words, commands[i].help);
    }
    fprintf(out, "\n  --db PATH|URI   SQLite file (default %s), or PostgreSQL: "
                 "postgresql://USER@HOST:PORT/DBNAME,\n"
                 "                  or postgres: alone for libpq's PG* variables\n"
                 "  --key-file FILE the key that seals the phones' secrets (default: ucprov.key\n"
                 "                  beside an SQLite file; in the working directory for PostgreSQL)\n",
            UCPROV_DEFAULT_DB);
}

/* The command named by the first one or two words of args; *words says how many. */
static const struct command *find_command(char **args, int nargs, int *words)
{
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(commands[i].name, args[0]) != 0)
            continue;
        if (commands[i].sub == NULL) {
            *words = 1;
            return &commands[i];
        }
        if (nargs > 1 && strcmp(commands[i].sub, args[1]) == 0) {
            *words = 2;
            return &commands[i];
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "key-file", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = UCPROV_DEFAULT_DB;
    int c;
    umask(077);   /* databases, backups, keys and exported configs hold secrets */
    /* '+' stops at the first command word so commands may take their own options later. */
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = db_path = optarg; break;
        case 'k': service_set_key_file(optarg); break;
        case 'h': usage(stdout); return 0;
        default:  usage(stderr); return 2;
        }
    }
    char **args = argv + optind;
    int nargs = argc - optind;
    if (nargs == 0) {
        usage(stderr);
        return 2;
    }
    int words = 0;
    const struct command *cmd = find_command(args, nargs, &words);
    if (cmd == NULL) {
        fprintf(stderr, "ucprov: unknown command '%s'\n", args[0]);
        usage(stderr);
        return 2;
    }
    if (cmd->nargs >= 0 && nargs - words != cmd->nargs) {
        fprintf(stderr, "ucprov: usage: ucprov %s%s%s %s\n", cmd->name, cmd->sub ? " " : "",
                cmd->sub ? cmd->sub : "", cmd->args_help);
        return 2;
    }
    log_set_level(LOG_LEVEL_WARN);   /* the CLI's own output is what the user asked for */
    xmlInitParser();
    char err[512];
    /* Making a TLS key needs no database; do not create one in passing.  A
     * migration opens the two it is given. */
    if (cmd->run == cmd_tls_selfsigned || cmd->run == cmd_migrate)
        return cmd->run(NULL, nargs - words + 1, args + words - 1);
    struct service *sv = service_open(db, err, sizeof err);
    if (sv == NULL) {
        fprintf(stderr, "ucprov: %s\n", err);
        return 1;
    }
    /* Commands with their own options see their name as argv[0], as getopt expects. */
    int rc = cmd->nargs < 0 ? cmd->run(sv, nargs - words + 1, args + words - 1)
                            : cmd->run(sv, nargs - words, args + words);
    service_close(sv);
    xmlCleanupParser();
    return rc;
}
