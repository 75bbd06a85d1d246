/* secrets.c - FT_SECRET fields sealed at rest (secretbox.h), for every kind
 * alike: sealed on their way into the store, opened where phones need them
 * (the render views), and old plaintext values sealed once at start.  The
 * database files themselves are private (0600) whatever the umask. */
#include <config.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "log.h"
#include "secfile.h"
#include "service/internal.h"

static bool is_file_path(const char *db_path);

/* --key-file, when given: the key kept somewhere other than beside the database. */
static const char *key_file;
static int seal_kind(struct service *sv, struct store *s, enum entity_kind kind, size_t *sealed);

static bool is_file_path(const char *db_path)
{
    return strstr(db_path, "://") == NULL && strncmp(db_path, "postgres", 8) != 0;
}

int svc_private_files(const char *db_path, char *err, size_t errlen)
{
    if (!is_file_path(db_path))
        return 0;
    /* SQLite gives -wal and -shm the mode of the database file: 0600 from the start. */
    int fd = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, SECFILE_MODE);
    if (fd >= 0)
        close(fd);
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s%s", db_path, suffixes[i]);
        if (secfile_restrict(path) != 0) {
            snprintf(err, errlen, "cannot make %s private", path);
            return -1;
        }
    }
    return 0;
}

void service_set_key_file(const char *path)
{
    key_file = path;
}

int svc_load_key(struct service *sv, const char *db_path, char *err, size_t errlen)
{
    const char *env = getenv("UCPROV_KEY_FILE");
    if (key_file != NULL)
        snprintf(sv->key_path, sizeof sv->key_path, "%s", key_file);
    else if (env != NULL && *env != '\0')
        snprintf(sv->key_path, sizeof sv->key_path, "%s", env);
    else if (is_file_path(db_path))
        secretbox_key_path(db_path, sv->key_path, sizeof sv->key_path);
    else
        snprintf(sv->key_path, sizeof sv->key_path, "%s", SECRETBOX_KEY_FILE);
    bool made;
    if (secretbox_load_key(sv->key_path, sv->secret_key, &made, err, errlen) != 0)
        return -1;
    if (made)
        log_info("made the key that seals the phones' secrets: %s (mode 600); keep a copy "
                 "apart from the database and its backups", sv->key_path);
    return 0;
}

const char *service_key_path(const struct service *sv)
{
    return sv->key_path;
}

int svc_seal_record(struct service *sv, struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    for (size_t i = 0; i < e->n_fields; i++) {
        struct value *v = &rec->v[i];
        if (e->fields[i].type != FT_SECRET || v->s == NULL || v->s[0] == '\0' ||
            secretbox_sealed(v->s))
            continue;
        char *sealed = secretbox_seal(sv->secret_key, v->s);
        if (sealed == NULL)
            return -1;
        OPENSSL_cleanse(v->s, strlen(v->s));
        free(v->s);
        v->s = sealed;
    }
    return 0;
}

int svc_reveal_record(struct service *sv, struct record *rec)
{
    const struct entity_def *e = entity_get(rec->kind);
    for (size_t i = 0; i < e->n_fields; i++) {
        struct value *v = &rec->v[i];
        if (e->fields[i].type != FT_SECRET || !secretbox_sealed(v->s))
            continue;
        char *plain = secretbox_open(sv->secret_key, v->s);
        if (plain == NULL) {
            log_error("%s %lld: %s does not open with %s (another database's key?)", e->label,
                      (long long)rec->id, e->fields[i].name, sv->key_path);
            return -1;
        }
        free(v->s);
        v->s = plain;
    }
    return 0;
}

void svc_reveal_text(struct service *sv, char *buf, size_t len, const char *what)
{
    if (!secretbox_sealed(buf))
        return;
    char *plain = secretbox_open(sv->secret_key, buf);
    if (plain == NULL || strlen(plain) >= len)
        log_error("%s does not open with %s (another database's key?): left out", what,
                  sv->key_path);
    snprintf(buf, len, "%s", plain != NULL && strlen(plain) < len ? plain : "");
    if (plain != NULL)
        OPENSSL_cleanse(plain, strlen(plain));
    free(plain);
}

void svc_reveal_view(struct service *sv, struct device_view *v)
{
    svc_reveal_text(sv, v->phone_password, sizeof v->phone_password, "a phone password");
    svc_reveal_text(sv, v->ssh_password, sizeof v->ssh_password, "an SSH password");
    for (size_t i = 0; i < v->cc.n_lines; i++)
        svc_reveal_text(sv, v->cc.lines[i].auth_password, sizeof v->cc.lines[i].auth_password,
                        "a line's digest password");
}

/* Seal what an older version stored in clear, one kind at a time. */
static int seal_kind(struct service *sv, struct store *s, enum entity_kind kind, size_t *sealed)
{
    const struct entity_def *e = entity_get(kind);
    bool has_secret = false;
    for (size_t i = 0; i < e->n_fields; i++)
        has_secret |= e->fields[i].type == FT_SECRET;
    if (!has_secret)
        return 0;
    struct list_query q = { .limit = INT64_MAX };
    struct record *items = NULL;
    size_t n = 0;
    int64_t total = 0;
    if (store_record_list(s, kind, &q, &items, &n, &total) != STORE_OK)
        return -1;
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        bool plain = false;
        for (size_t f = 0; f < e->n_fields; f++)
            plain |= e->fields[f].type == FT_SECRET && items[i].v[f].s != NULL &&
                     items[i].v[f].s[0] != '\0' && !secretbox_sealed(items[i].v[f].s);
        if (!plain)
            continue;
        rc = svc_seal_record(sv, &items[i]) == 0 &&
             store_record_update(s, &items[i]) == STORE_OK ? 0 : -1;
        (*sealed)++;
    }
    for (size_t i = 0; i < n; i++)
        record_free(&items[i]);
    free(items);
    return rc;
}

int svc_seal_existing(struct service *sv, struct store *s)
{
    size_t sealed = 0;
    if (store_begin_write(s) != STORE_OK)
        return -1;
    for (int k = 0; k < ENT_COUNT; k++) {
        if (k == ENT_CERTIFICATE)
            continue;
        if (seal_kind(sv, s, (enum entity_kind)k, &sealed) != 0) {
            store_rollback(s);
            return -1;
        }
    }
    if (store_commit(s) != STORE_OK)
        return -1;
    if (sealed > 0)
        log_info("sealed the secrets of %zu object%s stored in clear by an older version", sealed,
                 sealed == 1 ? "" : "s");
    return 0;
}

/* One sealed trust key must open: a node given another site's key file, or
 * none (it then made a new one), stops at start with the reason, instead of
 * serving unsigned files and passwords it cannot read. */
int svc_key_check(struct service *sv, struct store *s, char *err, size_t errlen)
{
    struct trust_key_row rows[TRUST_ROLES];
    memset(rows, 0, sizeof rows);
    if (store_trust_keys(s, rows) != STORE_OK)
        return 0;   /* no keys yet, or no trust table yet: nothing to check */
    int rc = 0;
    for (int r = 0; r < TRUST_ROLES; r++) {
        if (rows[r].key_pem == NULL || !secretbox_sealed(rows[r].key_pem))
            continue;
        char *plain = secretbox_open(sv->secret_key, rows[r].key_pem);
        if (plain == NULL) {
            snprintf(err, errlen, "the key file %s does not open the secrets sealed in this "
                     "database: every node and every ucprov command over one database needs "
                     "the same key file (copy the first node's, mode 600, or give --key-file)",
                     sv->key_path);
            rc = -1;
        } else {
            OPENSSL_cleanse(plain, strlen(plain));
            free(plain);
        }
        break;   /* one sealed key tells */
    }
    trust_key_rows_free(rows);
    return rc;
}
