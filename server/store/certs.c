/* certs.c - certificates in their trust stores, and the certificate counts a
 * VPN group's limit is checked against.  Subject alternative names are kept
 * one per line in a text column; the DER as a blob. */
#include <config.h>

#include <stdlib.h>
#include <string.h>

#include "store/internal.h"

#define CERT_NUM(f, e)  COL_NUM(struct cert_row, f, e)
#define CERT_TEXT(f, e) COL_TEXT(struct cert_row, f, e)
#define CERT_DUP(f, e)  COL_DUP(struct cert_row, f, e)

/* A certificate's row into a cert_row; the names (4) and DER (15) are read by hand. */
static const struct db_col cert_cols[] = {
    CERT_NUM(id, "id"),
    CERT_TEXT(trust_store, "store"),
    CERT_DUP(info.common_name, "common_name"),
    CERT_DUP(info.subject, "subject"),
    COL_SKIP("subject_alt_names"),
    CERT_DUP(info.issuer, "issuer"),
    CERT_DUP(info.issuer_cn, "issuer_cn"),
    CERT_DUP(info.serial, "serial"),
    CERT_NUM(info.not_before, "not_before"),
    CERT_NUM(info.not_after, "not_after"),
    CERT_NUM(info.self_signed, "self_signed"),
    CERT_TEXT(info.key_type, "key_type"),
    CERT_NUM(info.key_bits, "key_bits"),
    CERT_TEXT(info.cert_hash, "cert_hash"),
    CERT_TEXT(info.sha256_fingerprint, "sha256_fingerprint"),
    COL_SKIP("der"),
    CERT_NUM(created_at, "created_at"),
    COL_END,
};

static char *join_lines(char *const *items, size_t n);
static void split_lines(const char *text, struct cert_info *ci);
static bool read_cert_row(void *ctx, const struct db_row *row);

static char *join_lines(char *const *items, size_t n)
{
    size_t len = 1;
    for (size_t i = 0; i < n; i++)
        len += strlen(items[i]) + 1;
    char *out = calloc(1, len);
    for (size_t i = 0; out && i < n; i++) {
        if (i)
            strcat(out, "\n");
        strcat(out, items[i]);
    }
    return out;
}

static void split_lines(const char *text, struct cert_info *ci)
{
    if (*text == '\0')
        return;
    size_t n = 1;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    ci->sans = calloc(n, sizeof *ci->sans);
    if (ci->sans == NULL)
        return;
    const char *start = text;
    for (const char *p = text;; p++) {
        if (*p == '\n' || *p == '\0') {
            ci->sans[ci->n_sans++] = strndup(start, (size_t)(p - start));
            if (*p == '\0')
                break;
            start = p + 1;
        }
    }
}

static bool read_cert_row(void *ctx, const struct db_row *row)
{
    struct cert_row *r = rows_add(ctx);
    if (r == NULL)
        return false;
    db_col_read(row, cert_cols, r);
    split_lines(db_col_text(row, 4), &r->info);
    size_t n;
    const void *der = db_col_blob(row, 15, &n);
    r->info.der = malloc(n + 1);
    if (r->info.der) {
        memcpy(r->info.der, der, n);
        r->info.der_len = n;
    }
    return true;
}

void cert_row_free(struct cert_row *row)
{
    if (row == NULL)
        return;
    /* der came from malloc here, not from OpenSSL */
    free(row->info.der);
    row->info.der = NULL;
    cert_info_free(&row->info);
}

enum store_status store_cert_insert(struct store *s, const char *trust_store,
                                    const struct cert_info *ci, int64_t now, int64_t *id)
{
    static const char sql[] =
        "INSERT INTO certificates (store, common_name, subject, subject_alt_names, issuer, "
        "issuer_cn, serial, not_before, not_after, self_signed, key_type, key_bits, cert_hash, "
        "sha256_fingerprint, der, created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "RETURNING id";
    char *sans = join_lines(ci->sans, ci->n_sans);
    enum store_status ss = db_insert(s, db_prepare(s, sql), DB_ARGS(
        BIND_TEXT(trust_store), BIND_TEXT(ci->common_name), BIND_TEXT(ci->subject),
        BIND_TEXT(sans ? sans : ""), BIND_TEXT(ci->issuer), BIND_TEXT(ci->issuer_cn),
        BIND_TEXT(ci->serial), BIND_INT(ci->not_before), BIND_INT(ci->not_after),
        BIND_INT(ci->self_signed), BIND_TEXT(ci->key_type), BIND_INT(ci->key_bits),
        BIND_TEXT(ci->cert_hash), BIND_TEXT(ci->sha256_fingerprint),
        BIND_BLOB(ci->der, ci->der_len), BIND_INT(now)), id);
    free(sans);
    return ss;
}

enum store_status store_cert_get(struct store *s, int64_t id, struct cert_row *out)
{
    struct rows found = ROWS_FIXED(out, 1);
    memset(out, 0, sizeof *out);
    enum store_status ss = db_run(s, db_select(s, cert_cols, "FROM certificates WHERE id = ?"),
                                  DB_ARGS(BIND_INT(id)), read_cert_row, &found);
    return ss == STORE_OK && found.n == 0 ? STORE_NOT_FOUND : ss;
}

/* The count and the page of a list share their WHERE clause and parameters:
 * the name filter, then the trust store when there is one. */
static size_t cert_filter(char *sql, const struct list_query *q, const char *trust_store,
                          struct db_value *args, char **owned)
{
    size_t n = name_filter(sql, q, "common_name", &args[0], owned);
    if (trust_store) {
        sql_append(sql, "%s", n ? " AND store = ?" : " WHERE store = ?");
        args[n++] = (struct db_value)BIND_TEXT(trust_store);
    }
    return n;
}

enum store_status store_cert_list(struct store *s, const struct list_query *q,
                                  const char *trust_store, struct cert_row **rows, size_t *n,
                                  int64_t *total)
{
    char csql[SQL_MAX] = "SELECT count(*) FROM certificates";
    char sql[SQL_MAX];
    struct db_value args[4];
    char *owned;
    struct rows found = ROWS_GROW(struct cert_row);
    size_t nargs = cert_filter(csql, q, trust_store, args, &owned);
    enum store_status ss = db_int(s, db_prepare_once(s, csql), args, nargs, total);
    free(owned);
    if (ss == STORE_OK && !sql_select(sql, cert_cols, "FROM certificates"))
        ss = STORE_ERROR;
    if (ss == STORE_OK) {
        nargs = cert_filter(sql, q, trust_store, args, &owned);
        sql_append(sql, " ORDER BY common_name, id LIMIT ? OFFSET ?");
        args[nargs++] = (struct db_value)BIND_INT(q->limit);
        args[nargs++] = (struct db_value)BIND_INT(q->offset);
        ss = db_run(s, db_prepare_once(s, sql), args, nargs, read_cert_row, &found);
        free(owned);
    }
    *rows = found.items;
    *n = found.n;
    return ss != STORE_OK || found.oom ? STORE_ERROR : STORE_OK;
}

enum store_status store_cert_set_trust_store(struct store *s, int64_t id, const char *trust_store)
{
    static const char sql[] = "UPDATE certificates SET store = ? WHERE id = ?";
    return db_change(s, db_prepare(s, sql), DB_ARGS(BIND_TEXT(trust_store), BIND_INT(id)));
}

enum store_status store_cert_delete(struct store *s, int64_t id)
{
    return store_record_delete(s, ENT_CERTIFICATE, id);
}

int64_t store_gateways_cert_count(struct store *s, const int64_t *gateway_ids, size_t n)
{
    /* A temporary table keeps this one bound statement, whatever n is. */
    static const char make[] = "CREATE TEMP TABLE IF NOT EXISTS gateway_set (id INTEGER)";
    static const char clear[] = "DELETE FROM gateway_set";
    static const char add[] = "INSERT INTO gateway_set (id) VALUES (?)";
    static const char count[] =
        "SELECT count(DISTINCT certificate_id) FROM vpn_gateway_certificates "
        "WHERE gateway_id IN (SELECT id FROM gateway_set)";
    if (db_exec(s, db_prepare(s, make), DB_NOARGS) != STORE_OK ||
        db_exec(s, db_prepare(s, clear), DB_NOARGS) != STORE_OK)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (db_exec(s, db_prepare(s, add), DB_ARGS(BIND_INT(gateway_ids[i]))) != STORE_OK)
            return -1;
    int64_t distinct;
    return db_int(s, db_prepare(s, count), DB_NOARGS, &distinct) == STORE_OK ? distinct : -1;
}

size_t store_groups_of_gateway(struct store *s, int64_t gateway_id, int64_t *out, size_t max)
{
    static const struct db_col cols[] = { COL_ITEM_NUM(int64_t, "group_id"), COL_END };
    struct rows found = ROWS_FIXED(out, max);
    db_select_list(s, cols, "FROM vpn_group_gateways WHERE gateway_id = ?",
                   DB_ARGS(BIND_INT(gateway_id)), &found);
    return rows_kept(&found);
}
