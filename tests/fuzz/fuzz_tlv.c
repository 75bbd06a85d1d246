/* fuzz_tlv: the trust-list and signed-file readers over arbitrary bytes.
 * Beyond memory safety it checks what callers rely on: every item, string
 * and span a reader hands back lies inside the input, the signature item
 * lies inside the header, and a failed decryption leaves no output. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "trust/itl.h"
#include "trust/sgn.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *lo, *hi;

static void inside(const void *p, size_t len)
{
    const uint8_t *q = p;
    if (len > 0 && (q < lo || q > hi || len > (size_t)(hi - q)))
        abort();
}

static void inside_str(const char *s)
{
    if (s != NULL)
        inside(s, strlen(s) + 1);
}

static void walk(const uint8_t *data, size_t size)
{
    struct tlv_reader r;
    struct tlv_item it;
    int rc;
    uint32_t containers = 1u << TLV_H_SIGNER_ID | 1u << TLV_H_SIGNATURE_INFO |
                          1u << TLV_H_SIGALG_INFO | 1u << TLV_H_ENC_INFO |
                          1u << TLV_H_IV_INFO | 1u << TLV_H_KEY_INFO;
    tlv_reader_init(&r, data, size, containers, TLV_H_PADDING);
    while ((rc = tlv_next(&r, &it)) == 1) {
        inside(it.value, it.len);
        if (r.off > size)
            abort();
    }
}

static void check_header(const uint8_t *data, size_t size)
{
    struct sighdr h;
    if (sighdr_parse(data, size, &h, NULL, 0) != 0)
        return;
    if (h.header_len > size || h.sig_off + 3 + h.signature.len > h.header_len ||
        h.signature.p != data + h.sig_off + 3)
        abort();
    inside_str(h.signer_name);
    inside_str(h.ca_name);
    inside_str(h.filename);
    inside(h.serial.p, h.serial.len);
    inside(h.iv.p, h.iv.len);
    inside(h.enc_key.p, h.enc_key.len);
    inside(h.plain_hash.p, h.plain_hash.len);
}

static void check_list(const uint8_t *data, size_t size)
{
    struct itl_file f;
    if (itl_parse(data, size, &f, NULL, 0) != 0)
        return;
    for (size_t i = 0; i < f.n; i++) {
        const struct itl_record *r = &f.rec[i];
        inside_str(r->subject);
        inside_str(r->issuer);
        inside_str(r->dns_name);
        inside(r->serial.p, r->serial.len);
        inside(r->public_key.p, r->public_key.len);
        inside(r->cert.p, r->cert.len);
        inside(r->cert_signature.p, r->cert_signature.len);
        if (r->ip.len != 0 && r->ip.len != 4)
            abort();
    }
    itl_file_free(&f);
    (void)itl_verify(data, size, NULL, NULL, 0);
}

/* A throw-away phone key, made once: decryption must fail cleanly. */
static void check_decrypt(const uint8_t *data, size_t size)
{
    static EVP_PKEY *phone;
    if (phone == NULL && (phone = EVP_RSA_gen(1024)) == NULL)
        abort();
    uint8_t *plain = (uint8_t *)1;
    size_t plain_len = 1;
    if (sgn_decrypt_enc(data, size, phone, &plain, &plain_len, NULL, 0) != 0) {
        if (plain != NULL || plain_len != 0)
            abort();
        return;
    }
    free(plain);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lo = data;
    hi = data + size;
    walk(data, size);
    check_header(data, size);
    check_list(data, size);
    check_decrypt(data, size);
    return 0;
}
