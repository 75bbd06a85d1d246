/* pgdump.c - backup and restore of a PostgreSQL database through PostgreSQL's
 * own tools: pg_dump writes a consistent snapshot in its custom format while
 * the nodes keep writing, pg_restore puts one back in a single transaction.
 *
 * The tools are run without a shell.  Where to connect (and a password, if
 * the target has one) reaches them through their environment, never their
 * command line, which every user of the machine can read. */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/pg.h"

extern char **environ;

#define TOOL_OUTPUT_MAX (1024 * 1024)

/* What a tool wrote. */
struct tool_output {
    char *out;           /* stdout, NUL-terminated; NULL when not kept */
    size_t out_len;
    char err[512];       /* the end of stderr */
    size_t err_len;
};

static char **tool_environment(PGconn *pg);
static int run_tool(PGconn *pg, char *const argv[], bool keep_stdout, struct tool_output *o);
static void tool_failed(const char *tool, int rc, const struct tool_output *o, char *err,
                        size_t errlen);
static int run_quiet(PGconn *pg, char *const argv[], char *err, size_t errlen);
static bool lists_table(const char *toc, const char *table);
static int archive_version(PGconn *pg, const char *path, char *err, size_t errlen);

/* ---------------------------------------------------------------- the tools */

/* The process's environment, with the connection's settings as PG*
 * variables in place of any it had. */
static char **tool_environment(PGconn *pg)
{
    PQconninfoOption *opts = PQconninfo(pg);
    size_t n_env = 0, n_opts = 0;
    while (environ[n_env])
        n_env++;
    for (PQconninfoOption *o = opts; o && o->keyword; o++)
        n_opts++;
    char **env = calloc(n_env + n_opts + 1, sizeof *env);
    size_t k = 0;
    for (size_t i = 0; env && i < n_env; i++)
        if (strncmp(environ[i], "PG", 2) != 0)
            env[k++] = strdup(environ[i]);
    for (PQconninfoOption *o = opts; env && o && o->keyword; o++) {
        if (o->envvar == NULL || o->val == NULL || *o->val == '\0')
            continue;
        size_t len = strlen(o->envvar) + strlen(o->val) + 2;
        if ((env[k] = malloc(len)) != NULL)
            snprintf(env[k++], len, "%s=%s", o->envvar, o->val);
    }
    PQconninfoFree(opts);
    return env;
}

static void free_environment(char **env)
{
    for (size_t i = 0; env && env[i]; i++)
        free(env[i]);
    free(env);
}

/* Read the child's two pipes until both close: stdout kept (up to a limit)
 * when asked, the last bytes of stderr for the message. */
static void read_pipes(int out_fd, int err_fd, bool keep_stdout, struct tool_output *o)
{
    struct pollfd pfd[2] = { { .fd = out_fd, .events = POLLIN }, { .fd = err_fd, .events = POLLIN } };
    size_t cap = 0;
    while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
        if (poll(pfd, 2, -1) < 0 && errno != EINTR)
            break;
        char buf[4096];
        for (int i = 0; i < 2; i++) {
            if (pfd[i].fd < 0 || pfd[i].revents == 0)
                continue;
            ssize_t n = read(pfd[i].fd, buf, sizeof buf);
            if (n <= 0) {
                close(pfd[i].fd);
                pfd[i].fd = -1;
            } else if (i == 1) {
                size_t keep = (size_t)n < sizeof o->err - 1 ? (size_t)n : sizeof o->err - 1;
                if (o->err_len + keep > sizeof o->err - 1)
                    o->err_len = 0;   /* the end of the output matters most */
                memcpy(o->err + o->err_len, buf + n - keep, keep);
                o->err[o->err_len += keep] = '\0';
            } else if (keep_stdout && o->out_len + (size_t)n < TOOL_OUTPUT_MAX) {
                if (o->out_len + (size_t)n + 1 > cap) {
                    cap = (o->out_len + (size_t)n + 1) * 2;
                    char *grown = realloc(o->out, cap);
                    if (grown == NULL)
                        continue;
                    o->out = grown;
                }
                memcpy(o->out + o->out_len, buf, (size_t)n);
                o->out[o->out_len += (size_t)n] = '\0';
            }
        }
    }
}

/* The tool's exit status, or -1 when it could not be started (errno). */
static int run_tool(PGconn *pg, char *const argv[], bool keep_stdout, struct tool_output *o)
{
    memset(o, 0, sizeof *o);
    int out_pipe[2], err_pipe[2];
    if (pipe(out_pipe) != 0)
        return -1;
    if (pipe(err_pipe) != 0) {
        close(out_pipe[0]);
        close(out_pipe[1]);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_pipe[1], 1);
    posix_spawn_file_actions_adddup2(&fa, err_pipe[1], 2);
    posix_spawn_file_actions_addclose(&fa, out_pipe[0]);
    posix_spawn_file_actions_addclose(&fa, err_pipe[0]);
    char **env = tool_environment(pg);
    pid_t pid;
    int rc = env ? posix_spawnp(&pid, argv[0], &fa, NULL, argv, env) : ENOMEM;
    posix_spawn_file_actions_destroy(&fa);
    free_environment(env);
    close(out_pipe[1]);
    close(err_pipe[1]);
    if (rc != 0) {
        close(out_pipe[0]);
        close(err_pipe[0]);
        errno = rc;
        return -1;
    }
    read_pipes(out_pipe[0], err_pipe[0], keep_stdout, o);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void tool_failed(const char *tool, int rc, const struct tool_output *o, char *err,
                        size_t errlen)
{
    if (rc < 0) {
        snprintf(err, errlen, "cannot run %s (%s): install PostgreSQL's client tools "
                 "(Debian: postgresql-client)", tool, strerror(errno));
        return;
    }
    char last[sizeof o->err];
    memcpy(last, o->err, sizeof last);
    size_t n = strlen(last);
    while (n > 0 && (last[n - 1] == '\n' || last[n - 1] == ' '))
        last[--n] = '\0';
    snprintf(err, errlen, "%s failed (exit %d): %s", tool, rc, n ? last : "no message");
}

/* A tool whose output is not wanted: 0, or -1 with why in err. */
static int run_quiet(PGconn *pg, char *const argv[], char *err, size_t errlen)
{
    struct tool_output o;
    int rc = run_tool(pg, argv, false, &o);
    if (rc == 0)
        return 0;
    tool_failed(argv[0], rc, &o, err, errlen);
    return -1;
}

/* ------------------------------------------------------------------ backup */

int pg_dump_backup(struct drv_conn *c, const char *path, char *err, size_t errlen)
{
    PGconn *pg = pg_link(c);
    if (pg == NULL) {
        snprintf(err, errlen, "the database is unreachable");
        return -1;
    }
    char *const argv[] = {
        "pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", (char *)path,
        NULL,
    };
    return run_quiet(pg, argv, err, errlen);
}

/* ----------------------------------------------------------------- restore */

/* A line of pg_restore --list names the table: "... TABLE public admins owner". */
static bool lists_table(const char *toc, const char *table)
{
    size_t n = strlen(table);
    for (const char *line = toc; line && *line; line = strchr(line, '\n'), line += line != NULL) {
        const char *t = strstr(line, " TABLE ");
        const char *end = strchr(line, '\n');
        if (t == NULL || (end && t > end))
            continue;
        const char *name = strchr(t + 7, ' ');   /* past the schema */
        if (name && (!end || name < end) && strncmp(name + 1, table, n) == 0 &&
            (name[1 + n] == ' ' || name[1 + n] == '\n' || name[1 + n] == '\0'))
            return true;
    }
    return false;
}

/* The schema version the archive carries: the one row of ucprov_schema, as
 * pg_restore writes its data ("COPY ... FROM stdin;" then the value). */
static int archive_version(PGconn *pg, const char *path, char *err, size_t errlen)
{
    char *const argv[] = {
        "pg_restore", "--data-only", "--table=ucprov_schema", "--file=-", (char *)path, NULL,
    };
    struct tool_output o;
    int rc = run_tool(pg, argv, true, &o);
    int version = -1;
    const char *copy = o.out ? strstr(o.out, "FROM stdin;\n") : NULL;
    if (rc == 0 && copy != NULL)
        version = atoi(copy + strlen("FROM stdin;\n"));
    else if (rc != 0)
        tool_failed("pg_restore", rc, &o, err, errlen);
    else
        snprintf(err, errlen, "%s is not a ucprov database (no schema version)", path);
    free(o.out);
    return version;
}

/* An archive restore may take: pg_restore reads it, it has ucprov's tables,
 * and a schema version this build knows. */
static int check_archive(PGconn *pg, const char *path, const struct restore_check *chk,
                         char *err, size_t errlen)
{
    char *const argv[] = { "pg_restore", "--list", (char *)path, NULL };
    struct tool_output o;
    int rc = run_tool(pg, argv, true, &o);
    if (rc != 0) {
        if (rc > 0)
            snprintf(err, errlen, "%s is not a pg_dump archive in custom format (ucprov backup "
                     "writes one)", path);
        else
            tool_failed("pg_restore", rc, &o, err, errlen);
        free(o.out);
        return -1;
    }
    for (size_t i = 0; i < chk->n_tables; i++)
        if (o.out == NULL || !lists_table(o.out, chk->tables[i])) {
            snprintf(err, errlen, "%s is not a ucprov database (no %s table)", path,
                     chk->tables[i]);
            free(o.out);
            return -1;
        }
    free(o.out);
    int version = archive_version(pg, path, err, errlen);
    if (version < 0)
        return -1;
    if (version < 1 || version > chk->latest) {
        snprintf(err, errlen, "%s has schema version %d; this build knows 1 to %d", path,
                 version, chk->latest);
        return -1;
    }
    return 0;
}

int pg_dump_restore(struct drv_conn *c, const char *path, const struct restore_check *chk,
                    char *err, size_t errlen)
{
    PGconn *pg = pg_link(c);
    if (pg == NULL) {
        snprintf(err, errlen, "the database is unreachable");
        return -1;
    }
    if (access(path, R_OK) != 0) {
        snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    if (check_archive(pg, path, chk, err, errlen) != 0)
        return -1;
    char *const argv[] = {
        "pg_restore", "--clean", "--if-exists", "--single-transaction", "--no-owner",
        "--no-privileges", "--exit-on-error", "--dbname", PQdb(pg), (char *)path, NULL,
    };
    return run_quiet(pg, argv, err, errlen);
}
