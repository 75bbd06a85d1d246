/* cli_trust.c - `ucprov trust ...`: the trust list, key rotation, and the
 * ITLRecovery key's offline copy (PKCS#12 under a passphrase read from
 * standard input or --passphrase-file, never from the command line). */
#include <config.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "limits.h"

#define P12_MAX (64 * 1024)

static const struct actor cli_actor = { 0, "cli" };

static int read_passphrase(const char *file, char *buf, size_t len);
static int with_passphrase(struct service *sv, const char *cmd, int argc, char **args,
                           int (*run)(struct service *sv, const char *path, const char *pass));
static int export_recovery(struct service *sv, const char *path, const char *pass);
static int import_recovery(struct service *sv, const char *path, const char *pass);

/* First line of file, or of standard input when file is NULL. */
static int read_passphrase(const char *file, char *buf, size_t len)
{
    FILE *f = file ? fopen(file, "r") : stdin;
    if (f == NULL) {
        fprintf(stderr, "ucprov: cannot open %s: %s\n", file, strerror(errno));
        return -1;
    }
    if (file == NULL && isatty(STDIN_FILENO))
        fprintf(stderr, "passphrase: ");
    char *line = fgets(buf, (int)len, f);
    if (file != NULL)
        fclose(f);
    if (line == NULL) {
        fprintf(stderr, "ucprov: no passphrase %s\n", file ? "in the file" : "on standard input");
        return -1;
    }
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* `trust CMD [--passphrase-file PATH] FILE`: run with FILE and the
 * passphrase, which is wiped afterwards.  2 (the exit status) after the usage
 * line when either is missing. */
static int with_passphrase(struct service *sv, const char *cmd, int argc, char **args,
                           int (*run)(struct service *sv, const char *path, const char *pass))
{
    const char *pass_file = NULL;
    const struct cli_option opts[] = { { "passphrase-file", CLI_TEXT, &pass_file, 0, 0 } };
    int first = cli_options(argc, args, opts, 1);
    char pass[256];
    if (first < 0 || first != argc - 1 || read_passphrase(pass_file, pass, sizeof pass) != 0) {
        fprintf(stderr, "ucprov: usage: ucprov trust %s [--passphrase-file F] FILE\n", cmd);
        return 2;
    }
    int rc = run(sv, args[first], pass);
    OPENSSL_cleanse(pass, sizeof pass);
    return rc;
}

static int export_recovery(struct service *sv, const char *path, const char *pass)
{
    struct problem p = { 0 };
    uint8_t *p12 = NULL;
    size_t len = 0;
    if (service_trust_export_recovery(sv, &cli_actor, pass, &p12, &len, &p) != 0)
        return cli_report(&p);
    int rc = cli_write_file(path, p12, len, 0600) == 0 ? 0 : 1;
    OPENSSL_cleanse(p12, len);
    free(p12);
    if (rc == 0)
        printf("ITLRecovery key written to %s (PKCS#12, mode 600); keep it offline\n", path);
    return rc;
}

static int import_recovery(struct service *sv, const char *path, const char *pass)
{
    uint8_t *buf = malloc(P12_MAX);
    FILE *f = fopen(path, "rb");
    size_t len = f && buf ? fread(buf, 1, P12_MAX, f) : 0;
    if (f != NULL)
        fclose(f);
    int rc = 1;
    struct problem p = { 0 };
    if (len == 0 || len == P12_MAX)
        fprintf(stderr, "ucprov: cannot read %s\n", path);
    else if (service_trust_import_recovery(sv, &cli_actor, buf, len, pass, &p) != 0)
        rc = cli_report(&p);
    else
        rc = 0;
    if (buf != NULL)
        OPENSSL_cleanse(buf, P12_MAX);
    free(buf);
    if (rc == 0)
        printf("ITLRecovery key imported from %s; it signs the trust list from now on\n", path);
    return rc;
}

int cmd_trust_export(struct service *sv, int argc, char **args)
{
    return with_passphrase(sv, "export-recovery", argc, args, export_recovery);
}

int cmd_trust_import(struct service *sv, int argc, char **args)
{
    return with_passphrase(sv, "import-recovery", argc, args, import_recovery);
}

int cmd_trust_rotate(struct service *sv, int argc, char **args)
{
    (void)argc;
    enum trust_role role;
    if (strcmp(args[0], "tftp") == 0) {
        role = TRUST_ROLE_TFTP;
    } else if (strcmp(args[0], "sast") == 0) {
        role = TRUST_ROLE_SAST;
    } else {
        fprintf(stderr, "ucprov: rotate tftp or sast\n");
        return 2;
    }
    struct problem p = { 0 };
    if (service_trust_rotate(sv, &cli_actor, role, &p) != 0)
        return cli_report(&p);
    printf("%s key replaced; a running ucprovd serves the new trust list on its next fetch\n",
           args[0]);
    return 0;
}

int cmd_trust_ctl(struct service *sv, int argc, char **args)
{
    (void)argc;
    bool on = strcmp(args[0], "on") == 0;
    if (!on && strcmp(args[0], "off") != 0) {
        fprintf(stderr, "ucprov: trust ctl on or off\n");
        return 2;
    }
    struct problem p = { 0 };
    if (service_trust_set_ctl(sv, &cli_actor, on, &p) != 0)
        return cli_report(&p);
    printf("CTLFile.tlv is %s\n", on ? "served" : "no longer served");
    return 0;
}

int cmd_trust_list(struct service *sv, int argc, char **args)
{
    (void)argc;
    (void)args;
    struct problem p = { 0 };
    struct trust_entry *e = NULL;
    size_t n = 0;
    if (service_trust_list(sv, &e, &n, &p) != 0)
        return cli_report(&p);
    for (size_t i = 0; i < n; i++) {
        char date[16] = "";
        time_t t = (time_t)e[i].not_after;
        struct tm tm;
        if (gmtime_r(&t, &tm) != NULL)
            strftime(date, sizeof date, "%Y-%m-%d", &tm);
        printf("%-6s %-9s %s serial %s expires %s%s\n", e[i].role, e[i].key[0] ? e[i].key : "-",
               e[i].subject, e[i].serial, date, e[i].signs_list ? " (signs the list)" : "");
    }
    trust_entries_free(e, n);
    return 0;
}
