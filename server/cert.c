/* cert.c - parse trust certificates with OpenSSL. */
#include <config.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert.h"
#include "limits.h"

static const char *const cert_error_messages[] = {
    [CERT_OK]              = "ok",
    [CERT_ERR_EMPTY]       = "the certificate file is empty",
    [CERT_ERR_TOO_LARGE]   = "the certificate file is too large",
    [CERT_ERR_PRIVATE_KEY] = "the file contains a private key; upload only the certificate "
                             "and keep the key on the ASA",
    [CERT_ERR_NOT_CERT]    = "not a PEM or DER X.509 certificate",
    [CERT_ERR_SEVERAL]     = "the file holds more than one certificate; upload them one by one",
};

const char *cert_error_message(enum cert_error err)
{
    if ((size_t)err >= sizeof cert_error_messages / sizeof cert_error_messages[0])
        return "unknown certificate error";
    return cert_error_messages[err];
}

/* A private key in any of the PEM spellings OpenSSL writes. Checked on the raw
 * text so that a key is refused even when it sits next to a valid certificate. */
static bool text_holds_private_key(const char *buf, size_t len)
{
    static const char marker[] = "PRIVATE KEY-----";
    size_t m = sizeof marker - 1;
    for (size_t i = 0; i + m <= len; i++)
        if (buf[i] == 'P' && memcmp(buf + i, marker, m) == 0)
            return true;
    return false;
}

static bool der_is_private_key(const unsigned char *buf, size_t len)
{
    const unsigned char *p = buf;
    EVP_PKEY *pk = d2i_AutoPrivateKey(NULL, &p, (long)len);
    if (pk == NULL)
        return false;
    EVP_PKEY_free(pk);
    return true;
}

static size_t count_pem_certs(const char *buf, size_t len)
{
    static const char marker[] = "-----BEGIN CERTIFICATE-----";
    size_t m = sizeof marker - 1, n = 0;
    for (size_t i = 0; i + m <= len; i++)
        if (buf[i] == '-' && memcmp(buf + i, marker, m) == 0)
            n++;
    return n;
}

static char *x509_name_text(const X509_NAME *name)
{
    BIO *b = BIO_new(BIO_s_mem());
    if (b == NULL)
        return strdup("");
    X509_NAME_print_ex(b, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
    char *data;
    long n = BIO_get_mem_data(b, &data);
    char *s = strndup(data, (size_t)n);
    BIO_free(b);
    return s;
}

/* A name from a certificate as text for the trust store and the Host ID
 * check.  A byte no host name holds, a control character (a NUL among
 * them) and, in a DNS name, anything past ASCII, becomes "\xNN": the name
 * stays whole and on one line (the store keeps SANs one per line, so a line
 * break would make two names of one) and matches no host, as a phone
 * would not match it either. */
static char *name_text(const unsigned char *s, size_t n, bool ascii_only)
{
    char *out = malloc(4 * n + 1);
    size_t o = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c < 0x20 || c == 0x7f || (ascii_only && c >= 0x80))
            o += (size_t)snprintf(out + o, 5, "\\x%02x", c);
        else
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return out;
}

static char *x509_name_cn(const X509_NAME *name)
{
    int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0)
        return strdup("");
    const ASN1_STRING *d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, d);
    if (n < 0)
        return strdup("");
    char *s = name_text(utf8, (size_t)n, false);
    OPENSSL_free(utf8);
    return s;
}

static void collect_sans(X509 *x, struct cert_info *ci)
{
    GENERAL_NAMES *names = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
    if (names == NULL)
        return;
    int n = sk_GENERAL_NAME_num(names);
    ci->sans = calloc((size_t)n + 1, sizeof *ci->sans);
    for (int i = 0; ci->sans != NULL && i < n; i++) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        char *text = NULL;
        if (gn->type == GEN_DNS) {
            const ASN1_IA5STRING *s = gn->d.dNSName;
            text = name_text(ASN1_STRING_get0_data(s), (size_t)ASN1_STRING_length(s), true);
        } else if (gn->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *ip = gn->d.iPAddress;
            char buf[INET6_ADDRSTRLEN];
            int family = ip->length == 4 ? AF_INET : ip->length == 16 ? AF_INET6 : 0;
            if (family && inet_ntop(family, ip->data, buf, sizeof buf) != NULL)
                text = strdup(buf);
        }
        if (text != NULL)
            ci->sans[ci->n_sans++] = text;
    }
    GENERAL_NAMES_free(names);
}

static int64_t asn1_time_to_unix(const ASN1_TIME *t)
{
    struct tm tm;
    if (ASN1_TIME_to_tm(t, &tm) != 1)
        return 0;
    return (int64_t)timegm(&tm);
}

static void describe_key(X509 *x, struct cert_info *ci)
{
    EVP_PKEY *pk = X509_get0_pubkey(x);
    snprintf(ci->key_type, sizeof ci->key_type, "unknown");
    if (pk == NULL)
        return;
    ci->key_bits = EVP_PKEY_get_bits(pk);
    switch (EVP_PKEY_get_base_id(pk)) {
    case EVP_PKEY_RSA:     snprintf(ci->key_type, sizeof ci->key_type, "RSA"); break;
    case EVP_PKEY_EC:      snprintf(ci->key_type, sizeof ci->key_type, "EC"); break;
    case EVP_PKEY_DSA:     snprintf(ci->key_type, sizeof ci->key_type, "DSA"); break;
    case EVP_PKEY_ED25519: snprintf(ci->key_type, sizeof ci->key_type, "Ed25519"); break;
    case EVP_PKEY_ED448:   snprintf(ci->key_type, sizeof ci->key_type, "Ed448"); break;
    default: break;
    }
}

void cert_hash_der(const unsigned char *der, size_t len, char *hash)
{
    unsigned char md[20];
    EVP_Digest(der, len, md, NULL, EVP_sha1(), NULL);
    EVP_EncodeBlock((unsigned char *)hash, md, sizeof md);
    hash[CERT_HASH_LEN] = '\0';
}

static void sha256_fingerprint(const unsigned char *der, size_t len, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    unsigned char md[32];
    EVP_Digest(der, len, md, NULL, EVP_sha256(), NULL);
    for (size_t i = 0; i < sizeof md; i++) {
        out[i * 3] = hex[md[i] >> 4];
        out[i * 3 + 1] = hex[md[i] & 15];
        out[i * 3 + 2] = ':';
    }
    out[CERT_SHA256_LEN] = '\0';
}

static enum cert_error fill_info(X509 *x, struct cert_info *ci)
{
    int n = i2d_X509(x, &ci->der);
    if (n <= 0)
        return CERT_ERR_NOT_CERT;
    ci->der_len = (size_t)n;
    ci->subject = x509_name_text(X509_get_subject_name(x));
    ci->issuer = x509_name_text(X509_get_issuer_name(x));
    ci->common_name = x509_name_cn(X509_get_subject_name(x));
    ci->issuer_cn = x509_name_cn(X509_get_issuer_name(x));
    collect_sans(x, ci);

    BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
    char *hex = bn ? BN_bn2hex(bn) : NULL;
    ci->serial = strdup(hex ? hex : "");
    OPENSSL_free(hex);
    BN_free(bn);

    ci->not_before = asn1_time_to_unix(X509_get0_notBefore(x));
    ci->not_after = asn1_time_to_unix(X509_get0_notAfter(x));
    /* Self-signed: issuer equals subject and the signature verifies with its own
     * key.  (X509_check_issued() would also demand keyCertSign, which an ASA's
     * identity certificate usually lacks.) */
    ci->self_signed = X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)) == 0 &&
                      X509_verify(x, X509_get0_pubkey(x)) == 1;
    describe_key(x, ci);
    cert_hash_der(ci->der, ci->der_len, ci->cert_hash);
    sha256_fingerprint(ci->der, ci->der_len, ci->sha256_fingerprint);
    if (ci->subject == NULL || ci->issuer == NULL || ci->common_name == NULL ||
        ci->issuer_cn == NULL || ci->serial == NULL)
        return CERT_ERR_NOT_CERT;
    return CERT_OK;
}

enum cert_error cert_parse(const void *buf, size_t len, struct cert_info *out)
{
    memset(out, 0, sizeof *out);
    if (buf == NULL || len == 0)
        return CERT_ERR_EMPTY;
    if (len > UCPROV_MAX_CERT_FILE)
        return CERT_ERR_TOO_LARGE;
    if (text_holds_private_key(buf, len) || der_is_private_key(buf, len))
        return CERT_ERR_PRIVATE_KEY;

    X509 *x = NULL;
    if (count_pem_certs(buf, len) > 1)
        return CERT_ERR_SEVERAL;
    if (count_pem_certs(buf, len) == 1) {
        BIO *b = BIO_new_mem_buf(buf, (int)len);
        x = b ? PEM_read_bio_X509(b, NULL, NULL, NULL) : NULL;
        BIO_free(b);
    } else {
        const unsigned char *p = buf;
        x = d2i_X509(NULL, &p, (long)len);
        /* Trailing bytes after a DER certificate mean it was something else. */
        if (x != NULL && p != (const unsigned char *)buf + len) {
            X509_free(x);
            x = NULL;
        }
    }
    if (x == NULL)
        return CERT_ERR_NOT_CERT;
    enum cert_error err = fill_info(x, out);
    X509_free(x);
    if (err != CERT_OK)
        cert_info_free(out);
    return err;
}

void cert_info_free(struct cert_info *ci)
{
    if (ci == NULL)
        return;
    free(ci->common_name);
    free(ci->subject);
    free(ci->issuer);
    free(ci->issuer_cn);
    free(ci->serial);
    for (size_t i = 0; i < ci->n_sans; i++)
        free(ci->sans[i]);
    free(ci->sans);
    OPENSSL_free(ci->der);
    memset(ci, 0, sizeof *ci);
}

char *cert_der_to_pem(const unsigned char *der, size_t len)
{
    const unsigned char *p = der;
    X509 *x = d2i_X509(NULL, &p, (long)len);
    if (x == NULL)
        return NULL;
    BIO *b = BIO_new(BIO_s_mem());
    char *pem = NULL;
    if (b != NULL && PEM_write_bio_X509(b, x) == 1) {
        char *data;
        long n = BIO_get_mem_data(b, &data);
        pem = strndup(data, (size_t)n);
    }
    BIO_free(b);
    X509_free(x);
    return pem;
}

static bool host_equal(const char *pattern, const char *host)
{
    if (strchr(pattern, '*') != NULL)
        return false;   /* phones refuse wildcard certificates for the Host ID check */
    if (strchr(pattern, '\\') != NULL)
        return false;   /* a name that held a control character (see name_text) */
    return strcasecmp(pattern, host) == 0;
}

bool cert_matches_host(const struct cert_info *ci, const char *host)
{
    if (host == NULL || *host == '\0')
        return false;
    for (size_t i = 0; i < ci->n_sans; i++)
        if (host_equal(ci->sans[i], host))
            return true;
    return ci->common_name != NULL && host_equal(ci->common_name, host);
}

bool cert_wildcard_for_host(const struct cert_info *ci, const char *host)
{
    const char *parent = strchr(host, '.');
    for (size_t i = 0; i <= ci->n_sans; i++) {
        const char *name = i < ci->n_sans ? ci->sans[i] : ci->common_name;
        if (name != NULL && name[0] == '*' && (parent == NULL || strcasecmp(name + 1, parent) == 0))
            return true;
    }
    return false;
}
