/* keys.c - generate, save and load the server's trust keys. */
#include <config.h>

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/buffer.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "trust/keys.h"
#include "trust/tlv.h"

static int host_ok(const char *);
static int set_names(X509 *, const char *, const char *);
static int add_extensions(X509 *, enum trust_key_role, const char *);
static int make_cert(X509 *, EVP_PKEY *, enum trust_key_role, const char *, time_t);
static char *bio_string(BIO *);
static int no_passphrase(char *, int, int, void *);

/* How each role's certificate is named and what it may do. */
static const struct {
    const char *cn_prefix, *ou, *key_usage, *ext_key_usage;
    int ec;
} roles[] = {
    [TRUST_KEY_SAST] = { "SAST_", "SAST", "critical,digitalSignature", NULL, 0 },
    [TRUST_KEY_RECOVERY] = { "ITLRECOVERY_", "ITLRecovery", "critical,digitalSignature",
                             NULL, 0 },
    [TRUST_KEY_TFTP] = { "", "TFTP", "critical,digitalSignature,keyEncipherment",
                         "serverAuth,clientAuth", 0 },
    [TRUST_KEY_TFTP_EC] = { "", "TFTP-EC", "critical,digitalSignature", "serverAuth", 1 },
};

#define P12_ITER 100000

/* A host name or address: the CN and the SAN; no separator the trust
 * files' "CN=..;OU=.." names would misread. */
static int host_ok(const char *host)
{
    size_t n = host != NULL ? strlen(host) : 0;
    if (n == 0 || n > 52)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)host[i];
        if (c <= ' ' || c >= 0x7f || strchr(",;=+\"\\<>#", c) != NULL)
            return 0;
    }
    return 1;
}

int keys_add_ext(X509 *cert, int nid, const char *value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, NULL, NULL, 0);
    X509_EXTENSION *ext = X509V3_EXT_nconf_nid(NULL, &ctx, nid, value);
    int ok = ext != NULL && X509_add_ext(cert, ext, -1) == 1;
    X509_EXTENSION_free(ext);
    return ok ? 0 : -1;
}

/* Phones want CN, O and OU in these certificates. */
static int set_names(X509 *cert, const char *cn, const char *ou)
{
    X509_NAME *name = X509_get_subject_name(cert);
    static const unsigned char org[] = "ucprov";
    return X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, org, -1, -1, 0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "OU", MBSTRING_UTF8, (const unsigned char *)ou,
                                      -1, -1, 0) == 1 &&
           X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn,
                                      -1, -1, 0) == 1 &&
           X509_set_issuer_name(cert, name) == 1 ? 0 : -1;
}

static int add_extensions(X509 *cert, enum trust_key_role role, const char *host)
{
    unsigned char ip[16];
    char san[80];
    int is_ip = inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1;
    snprintf(san, sizeof san, "%s:%s", is_ip ? "IP" : "DNS", host);
    if (keys_add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        keys_add_ext(cert, NID_key_usage, roles[role].key_usage) != 0 ||
        keys_add_ext(cert, NID_subject_key_identifier, "hash") != 0 ||
        keys_add_ext(cert, NID_authority_key_identifier, "keyid:always") != 0)
        return -1;
    if (roles[role].ext_key_usage == NULL)
        return 0;
    return keys_add_ext(cert, NID_ext_key_usage, roles[role].ext_key_usage) == 0 &&
           keys_add_ext(cert, NID_subject_alt_name, san) == 0 ? 0 : -1;
}

static int make_cert(X509 *cert, EVP_PKEY *key, enum trust_key_role role, const char *host,
                     time_t now)
{
    uint8_t serial[16];
    char cn[80];
    snprintf(cn, sizeof cn, "%s%s", roles[role].cn_prefix, host);
    if (RAND_bytes(serial, sizeof serial) != 1)
        return -1;
    serial[0] = (uint8_t)((serial[0] & 0x7f) | 0x40);   /* positive, always 16 bytes */
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    int ok = bn != NULL && X509_set_version(cert, X509_VERSION_3) == 1 &&
             BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) != NULL &&
             X509_time_adj_ex(X509_getm_notBefore(cert), 0, -3600, &now) != NULL &&
             X509_time_adj_ex(X509_getm_notAfter(cert), TRUST_KEY_YEARS * 365 + 1, 0, &now) !=
                 NULL &&
             set_names(cert, cn, roles[role].ou) == 0 && X509_set_pubkey(cert, key) == 1 &&
             add_extensions(cert, role, host) == 0 && X509_sign(cert, key, EVP_sha256()) > 0;
    BN_free(bn);
    return ok ? 0 : -1;
}

int trust_key_generate(enum trust_key_role role, const char *host, time_t now,
                       struct trust_key *out, char *err, size_t errlen)
{
    out->pkey = NULL;
    out->cert = NULL;
    if ((unsigned)role >= sizeof roles / sizeof *roles || !host_ok(host)) {
        trust_fail(err, errlen, "a host name of 1 to 52 characters without , ; = + is needed");
        return -1;
    }
    EVP_PKEY *key = roles[role].ec ? EVP_EC_gen("P-256") : EVP_RSA_gen(2048);
    X509 *cert = X509_new();
    if (key == NULL || cert == NULL || make_cert(cert, key, role, host, now) != 0) {
        trust_fail(err, errlen, "could not make the %s key and certificate", roles[role].ou);
        EVP_PKEY_free(key);
        X509_free(cert);
        return -1;
    }
    out->pkey = key;
    out->cert = cert;
    return 0;
}

void trust_key_free(struct trust_key *k)
{
    EVP_PKEY_free(k->pkey);
    X509_free(k->cert);
    k->pkey = NULL;
    k->cert = NULL;
}

static char *bio_string(BIO *bio)
{
    BUF_MEM *mem = NULL;
    BIO_get_mem_ptr(bio, &mem);
    return mem != NULL && mem->length > 0 ? strndup(mem->data, mem->length) : NULL;
}

int trust_key_to_pem(const struct trust_key *k, char **cert_pem, char **key_pem)
{
    BIO *cb = BIO_new(BIO_s_mem()), *kb = BIO_new(BIO_s_secmem());
    *cert_pem = *key_pem = NULL;
    if (cb != NULL && kb != NULL && PEM_write_bio_X509(cb, k->cert) == 1 &&
        PEM_write_bio_PrivateKey(kb, k->pkey, NULL, NULL, 0, NULL, NULL) == 1) {
        *cert_pem = bio_string(cb);
        *key_pem = bio_string(kb);
    }
    BIO_free(cb);
    BIO_free(kb);
    if (*cert_pem == NULL || *key_pem == NULL) {
        free(*cert_pem);
        free(*key_pem);
        *cert_pem = *key_pem = NULL;
        return -1;
    }
    return 0;
}

/* Never prompt on a terminal for an encrypted PEM key: refuse it. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
    (void)buf, (void)size, (void)rwflag, (void)u;
    return -1;
}

X509 *trust_cert_from_pem(const char *pem)
{
    BIO *b = pem != NULL ? BIO_new_mem_buf(pem, -1) : NULL;
    X509 *cert = b != NULL ? PEM_read_bio_X509(b, NULL, no_passphrase, NULL) : NULL;
    BIO_free(b);
    return cert;
}

int trust_key_from_pem(const char *cert_pem, const char *key_pem, struct trust_key *out,
                       char *err, size_t errlen)
{
    BIO *b = key_pem != NULL ? BIO_new_mem_buf(key_pem, -1) : NULL;
    out->cert = trust_cert_from_pem(cert_pem);
    out->pkey = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, no_passphrase, NULL) : NULL;
    BIO_free(b);
    if (out->cert == NULL || out->pkey == NULL) {
        trust_fail(err, errlen, "no certificate or no unencrypted private key in the PEM text");
        trust_key_free(out);
        return -1;
    }
    if (X509_check_private_key(out->cert, out->pkey) != 1) {
        trust_fail(err, errlen, "the private key does not belong to the certificate");
        trust_key_free(out);
        return -1;
    }
    return 0;
}

int trust_key_to_p12(const struct trust_key *k, const char *pass, uint8_t **out,
                     size_t *out_len, char *err, size_t errlen)
{
    *out = NULL;
    *out_len = 0;
    if (pass == NULL || strlen(pass) < TRUST_PASS_MIN) {
        trust_fail(err, errlen, "the passphrase needs at least %d characters", TRUST_PASS_MIN);
        return -1;
    }
    /* No MAC from PKCS12_create (-1), then a SHA-256 one of our own. */
    PKCS12 *p12 = PKCS12_create(pass, "ucprov trust key", k->pkey, k->cert, NULL,
                                NID_aes_256_cbc, NID_aes_256_cbc, P12_ITER, -1, 0);
    unsigned char *der = NULL;
    int len = -1;
    if (p12 != NULL &&
        PKCS12_set_mac(p12, pass, -1, NULL, 0, P12_ITER, EVP_sha256()) == 1)
        len = i2d_PKCS12(p12, &der);
    PKCS12_free(p12);
    if (len <= 0) {
        trust_fail(err, errlen, "could not write the PKCS#12 file");
        return -1;
    }
    *out = der;
    *out_len = (size_t)len;
    return 0;
}

int trust_key_from_p12(const uint8_t *buf, size_t len, const char *pass,
                       struct trust_key *out, char *err, size_t errlen)
{
    const unsigned char *p = buf;
    out->pkey = NULL;
    out->cert = NULL;
    PKCS12 *p12 = len > 0 && len < (1u << 20) ? d2i_PKCS12(NULL, &p, (long)len) : NULL;
    if (p12 == NULL) {
        trust_fail(err, errlen, "not a PKCS#12 file");
        return -1;
    }
    int ok = pass != NULL && PKCS12_verify_mac(p12, pass, -1) == 1 &&
             PKCS12_parse(p12, pass, &out->pkey, &out->cert, NULL) == 1;
    PKCS12_free(p12);
    if (!ok || out->pkey == NULL || out->cert == NULL ||
        X509_check_private_key(out->cert, out->pkey) != 1) {
        trust_fail(err, errlen, "wrong passphrase or no key and certificate in the file");
        trust_key_free(out);
        return -1;
    }
    return 0;
}

int trust_cert_der(X509 *cert, uint8_t **der, size_t *len)
{
    *der = NULL;
    int n = i2d_X509(cert, der);
    if (n <= 0)
        return -1;
    *len = (size_t)n;
    return 0;
}
