/* cli_admins.c - the CLI's admin accounts and API tokens.  Each change is in
 * the audit log and takes effect at once in a running ucprovd (see
 * service.h); passwords are read from standard input, never from arguments. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "cli.h"
#include "limits.h"
#include "timefmt.h"

typedef int set_fn(struct service *sv, const char *name, const char *password,
                   struct problem *p);

static int read_password(const char *prompt, char *buf, size_t len);
static int set_password(struct service *sv, const char *name, const char *prompt, set_fn *set);
static void print_time(int64_t t);

/* One line from standard input, without echo when it is a terminal. */
static int read_password(const char *prompt, char *buf, size_t len)
{
    struct termios saved, quiet;
    bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        fprintf(stderr, "%s", prompt);
        quiet = saved;
        quiet.c_lflag &= ~(tcflag_t)ECHO;
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
    }
    char *line = fgets(buf, (int)len, stdin);
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        fprintf(stderr, "\n");
    }
    if (line == NULL)
        return -1;
    buf[strcspn(buf, "\r\n")] = '\0';
    return 0;
}

/* Read a password from standard input and give it to set (an admin's new
 * account or password); what set returned, or -1 with the reason on
 * standard error. */
static int set_password(struct service *sv, const char *name, const char *prompt, set_fn *set)
{
    char password[SERVICE_ADMIN_PASSWORD_MAX + 2];   /* one more than allowed: refused, never cut */
    struct problem p = { 0 };
    if (read_password(prompt, password, sizeof password) != 0) {
        fprintf(stderr, "ucprov: no password on standard input\n");
        return -1;
    }
    int rc = set(sv, name, password, &p);
    OPENSSL_cleanse(password, sizeof password);
    if (rc < 0)
        cli_report(&p);
    return rc;
}

int cmd_admin_add(struct service *sv, int argc, char **args)
{
    (void)argc;
    if (set_password(sv, args[0], "password: ", service_admin_add) < 0)
        return 1;
    printf("admin '%s' added\n", args[0]);
    return 0;
}

int cmd_admin_passwd(struct service *sv, int argc, char **args)
{
    (void)argc;
    int revoked = set_password(sv, args[0], "new password: ", service_admin_set_password);
    if (revoked < 0)
        return 1;
    printf("password of '%s' changed; their web sessions end now and %d API token%s %s "
           "revoked\n", args[0], revoked, revoked == 1 ? "" : "s", revoked == 1 ? "was" : "were");
    return 0;
}

int cmd_admin_delete(struct service *sv, int argc, char **args)
{
    (void)argc;
    struct problem p = { 0 };
    if (service_admin_delete(sv, args[0], &p) != 0)
        return cli_report(&p);
    printf("admin '%s' deleted, with their API tokens and web sessions\n", args[0]);
    return 0;
}

/* token create ADMIN [--expires DAYS]: argv[0] is the command's name. */
int cmd_token_create(struct service *sv, int argc, char **args)
{
    long days = 0;
    const struct cli_option opts[] = {
        { "expires", CLI_NUMBER, &days, 1, UCPROV_TOKEN_DAYS_MAX },
    };
    int first = cli_options(argc, args, opts, 1);
    if (first < 0 || argc - first != 1) {
        fprintf(stderr, "ucprov: usage: ucprov token create ADMIN [--expires DAYS]\n");
        return 2;
    }
    char token[160];
    struct problem p = { 0 };
    if (service_token_create(sv, args[first], (int)days, token, sizeof token, &p) != 0)
        return cli_report(&p);
    printf("%s\n", token);
    OPENSSL_cleanse(token, sizeof token);
    return 0;
}

static void print_time(int64_t t)
{
    char text[40];
    time_t tt = (time_t)t;
    struct tm tm;
    if (t > 0 && gmtime_r(&tt, &tm) != NULL && strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm))
        printf("  %-20s", text);
    else
        printf("  %-20s", "never");
}

int cmd_token_list(struct service *sv, int argc, char **args)
{
    (void)argc;
    (void)args;
    struct token_row *rows = NULL;
    size_t n = 0;
    struct problem p = { 0 };
    if (service_token_list(sv, &rows, &n, &p) != 0)
        return cli_report(&p);
    printf("%-6s  %-20s  %-20s  %-20s\n", "ID", "ADMIN", "CREATED", "EXPIRES");
    for (size_t i = 0; i < n; i++) {
        printf("%-6lld  %-20s", (long long)rows[i].id, rows[i].admin);
        print_time(rows[i].created_at);
        print_time(rows[i].expires_at);
        printf("\n");
    }
    free(rows);
    return 0;
}

int cmd_token_revoke(struct service *sv, int argc, char **args)
{
    (void)argc;
    char *end;
    long long id = strtoll(args[0], &end, 10);
    if (*end != '\0' || end == args[0] || id <= 0) {
        fprintf(stderr, "ucprov: '%s' is not a token id (see ucprov token list)\n", args[0]);
        return 2;
    }
    struct problem p = { 0 };
    if (service_token_revoke(sv, id, &p) != 0)
        return cli_report(&p);
    printf("API token %lld revoked\n", id);
    return 0;
}
