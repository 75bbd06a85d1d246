/* ucprov - the admin command line.  It works on the database directly through
 * the same service layer as the daemon (SQLite's WAL lets both run at once). */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <termios.h>
#include <unistd.h>

#include <libxml/parser.h>
#include <openssl/crypto.h>

#include "limits.h"
#include "log.h"
#include "service.h"

struct command {
    const char *name, *sub;   /* "admin" "add" */
    int nargs;                /* arguments after the command words */
    const char *args_help, *help;
    int (*run)(struct service *sv, char **args);
};

static int report(const struct problem *p)
{
    fprintf(stderr, "ucprov: %s\n", p->detail);
    for (size_t i = 0; i < p->n_errors; i++)
        fprintf(stderr, "  %s: %s\n", p->errors[i].field, p->errors[i].message);
    return 1;
}

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

static int cmd_admin_add(struct service *sv, char **args)
{
    char password[256];
    struct problem p = { 0 };
    if (read_password("password: ", password, sizeof password) != 0) {
        fprintf(stderr, "ucprov: no password on standard input\n");
        return 1;
    }
    int rc = service_admin_add(sv, args[0], password, &p);
    OPENSSL_cleanse(password, sizeof password);
    if (rc != 0)
        return report(&p);
    printf("admin '%s' added\n", args[0]);
    return 0;
}

static int cmd_admin_passwd(struct service *sv, char **args)
{
    char password[256];
    struct problem p = { 0 };
    if (read_password("new password: ", password, sizeof password) != 0) {
        fprintf(stderr, "ucprov: no password on standard input\n");
        return 1;
    }
    int rc = service_admin_set_password(sv, args[0], password, &p);
    OPENSSL_cleanse(password, sizeof password);
    if (rc != 0)
        return report(&p);
    printf("password of '%s' changed\n", args[0]);
    return 0;
}

static int cmd_token_create(struct service *sv, char **args)
{
    char token[160];
    struct problem p = { 0 };
    if (service_token_create(sv, args[0], token, sizeof token, &p) != 0)
        return report(&p);
    printf("%s\n", token);
    OPENSSL_cleanse(token, sizeof token);
    return 0;
}

static int cmd_render(struct service *sv, char **args)
{
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

static int cmd_demo(struct service *sv, char **args)
{
    (void)args;
    struct problem p = { 0 };
    if (service_load_demo(sv, &p) != 0)
        return report(&p);
    printf("demo data loaded: gateway ASAv-Lab (https://asav.example.lab/phone), "
           "group VPN-Group-Lab, 3 Cisco 8861 phones\n");
    return 0;
}

static const struct command commands[] = {
    { "admin", "add", 1, "NAME", "add an admin; the password is read from standard input",
      cmd_admin_add },
    { "admin", "passwd", 1, "NAME", "set an admin's password from standard input",
      cmd_admin_passwd },
    { "token", "create", 1, "ADMIN", "print a new API token for an admin (shown once)",
      cmd_token_create },
    { "render", NULL, 1, "SEP<MAC>|XMLDefault.cnf.xml", "print a config file as phones get it",
      cmd_render },
    { "demo", NULL, 0, "", "load the demo lab (idempotent)", cmd_demo },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: ucprov [--db PATH] COMMAND\n\ncommands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        char words[64];
        snprintf(words, sizeof words, "%s%s%s %s", commands[i].name,
                 commands[i].sub ? " " : "", commands[i].sub ? commands[i].sub : "",
                 commands[i].args_help);
        fprintf(out, "  %-38s %s\n", words, commands[i].help);
    }
    fprintf(out, "\n  --db PATH   database file (default %s)\n", UCPROV_DEFAULT_DB);
}

int main(int argc, char **argv)
{
    static const struct option longopts[] = {
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = UCPROV_DEFAULT_DB;
    int c;
    /* '+' stops at the first command word so commands may take their own options later. */
    while ((c = getopt_long(argc, argv, "+", longopts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
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
    const struct command *cmd = NULL;
    int words = 0;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0] && cmd == NULL; i++) {
        if (strcmp(commands[i].name, args[0]) != 0)
            continue;
        if (commands[i].sub == NULL) {
            cmd = &commands[i];
            words = 1;
        } else if (nargs > 1 && strcmp(commands[i].sub, args[1]) == 0) {
            cmd = &commands[i];
            words = 2;
        }
    }
    if (cmd == NULL) {
        fprintf(stderr, "ucprov: unknown command '%s'\n", args[0]);
        usage(stderr);
        return 2;
    }
    if (nargs - words != cmd->nargs) {
        fprintf(stderr, "ucprov: usage: ucprov %s%s%s %s\n", cmd->name, cmd->sub ? " " : "",
                cmd->sub ? cmd->sub : "", cmd->args_help);
        return 2;
    }
    log_set_level(LOG_LEVEL_WARN);   /* the CLI's own output is what the user asked for */
    xmlInitParser();
    char err[512];
    struct service *sv = service_open(db, err, sizeof err);
    if (sv == NULL) {
        fprintf(stderr, "ucprov: %s\n", err);
        return 1;
    }
    int rc = cmd->run(sv, args + words);
    service_close(sv);
    xmlCleanupParser();
    return rc;
}
