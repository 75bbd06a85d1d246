/* selfsigned.c - make the admin port's self-signed certificate. */
#include <config.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "selfsigned.h"
#include "trust/keys.h"

static char *bio_text(BIO *bio)
{
    char *data;
    long len = BIO_get_mem_data(bio, &data);
    char *out = len > 0 ? malloc((size_t)len + 1) : NULL;
    if (out != NULL) {
        memcpy(out, data, (size_t)len);
        out[len] = '\0';
    }
    return out;
}

int selfsigned_make(const char *cn, int days, char **cert_pem, char **key_pem, char *err,
                    size_t errlen)
{
    *cert_pem = *key_pem = NULL;
    if (cn == NULL || *cn == '\0' || strlen(cn) > 64 || strpbrk(cn, ",\r\n") != NULL) {
        snprintf(err, errlen, "the common name must be 1 to 64 characters, without commas");
        return -1;
    }
    if (days < 1 || days > 3650) {
        snprintf(err, errlen, "days must be from 1 to 3650");
        return -1;
    }
    /* Browsers want an IP address as an IP SAN, a host name as a DNS SAN. */
    unsigned char ip[16];
    bool is_ip = inet_pton(AF_INET, cn, ip) == 1 || inet_pton(AF_INET6, cn, ip) == 1;
    char san[80];
    snprintf(san, sizeof san, "%s:%s", is_ip ? "IP" : "DNS", cn);

    int rc = -1;
    EVP_PKEY *key = EVP_EC_gen("P-256");
    X509 *cert = X509_new();
    BIO *cbio = BIO_new(BIO_s_mem()), *kbio = BIO_new(BIO_s_mem());
    unsigned char serial[16];
    BIGNUM *bn = NULL;
    if (key == NULL || cert == NULL || cbio == NULL || kbio == NULL ||
        RAND_bytes(serial, sizeof serial) != 1)
        goto out;
    serial[0] &= 0x7f;   /* a positive serial number */
    bn = BN_bin2bn(serial, sizeof serial, NULL);
    X509_NAME *name = X509_get_subject_name(cert);
    if (bn == NULL || X509_set_version(cert, 2) != 1 ||
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)) == NULL ||
        X509_gmtime_adj(X509_getm_notBefore(cert), -3600) == NULL ||
        X509_gmtime_adj(X509_getm_notAfter(cert), (long)days * 86400) == NULL ||
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1,
                                   -1, 0) != 1 ||
        X509_set_issuer_name(cert, name) != 1 || X509_set_pubkey(cert, key) != 1 ||
        keys_add_ext(cert, NID_subject_alt_name, san) != 0 ||
        keys_add_ext(cert, NID_basic_constraints, "critical,CA:FALSE") != 0 ||
        keys_add_ext(cert, NID_key_usage, "critical,digitalSignature") != 0 ||
        keys_add_ext(cert, NID_ext_key_usage, "serverAuth") != 0 ||
        keys_add_ext(cert, NID_subject_key_identifier, "hash") != 0 ||
        X509_sign(cert, key, EVP_sha256()) == 0 ||
        PEM_write_bio_X509(cbio, cert) != 1 ||
        PEM_write_bio_PrivateKey(kbio, key, NULL, NULL, 0, NULL, NULL) != 1)
        goto out;
    *cert_pem = bio_text(cbio);
    *key_pem = bio_text(kbio);
    rc = *cert_pem && *key_pem ? 0 : -1;
out:
    if (rc != 0) {
        snprintf(err, errlen, "OpenSSL could not make the certificate");
        free(*cert_pem);
        free(*key_pem);
        *cert_pem = *key_pem = NULL;
    }
    BN_free(bn);
    BIO_free(cbio);
    BIO_free(kbio);   /* a mem BIO's buffer is cleared on free */
    X509_free(cert);
    EVP_PKEY_free(key);
    return rc;
}
