/* fuzz_cert: the certificate parser over arbitrary bytes.  Beyond memory
 * safety it checks what the rest of ucprov relies on: an accepted input has a
 * 28-character hash of its DER, and that DER parses back to the same hash. */
#include <config.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "server/cert.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cert_info ci;
    if (cert_parse(data, size, &ci) != CERT_OK)
        return 0;
    if (strlen(ci.cert_hash) != CERT_HASH_LEN || ci.der == NULL || ci.der_len == 0)
        abort();
    struct cert_info again;
    if (cert_parse(ci.der, ci.der_len, &again) != CERT_OK ||
        strcmp(again.cert_hash, ci.cert_hash) != 0 ||
        strcmp(again.sha256_fingerprint, ci.sha256_fingerprint) != 0)
        abort();
    (void)cert_matches_host(&ci, "asa.example.lab");
    char *pem = cert_der_to_pem(ci.der, ci.der_len);
    free(pem);
    cert_info_free(&again);
    cert_info_free(&ci);
    return 0;
}
