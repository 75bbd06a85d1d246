/* test_trust_files.c - writes trust files for tests/integration/
 * trust-openssl.tap to check with the openssl command line alone:
 *   test_trust_files OUTDIR
 * makes, from the fixture keys and the fixed time T0,
 *   SEP001122334455.cnf.xml, its .sgn and .enc.sgn (TFTP key, SHA-512;
 *   encrypted for phone.pem), ITLFile.tlv (SAST; ITLRecovery and TFTP
 *   listed) and CTLFile.tlv (SHA-1).  ITLFile.tlv is byte for byte the
 * golden fixture tests/fixtures/trust/ITLFile.tlv. */
#include <config.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trust/itl.h"
#include "trust/sgn.h"
#include "test_trust_common.h"

static const char xml[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<device>\n<fullConfig>true</fullConfig>\n"
    "<vpnGroup><enabled>true</enabled><addresses><url1>https://vpn.example.lab/</url1>"
    "</addresses></vpnGroup>\n</device>\n";

static int write_file(const char *dir, const char *name, const uint8_t *p, size_t n)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    int ok = f != NULL && fwrite(p, 1, n, f) == n;
    if (f != NULL && fclose(f) != 0)
        ok = 0;
    if (!ok)
        fprintf(stderr, "test_trust_files: cannot write %s\n", path);
    return ok ? 0 : -1;
}

static int lists(const char *dir, struct trust_key *sast, struct trust_key *recovery,
                 struct trust_key *tftp)
{
    size_t rl = 0, tl = 0, len;
    uint8_t *rd = NULL, *td = NULL, *out;
    if (trust_cert_der(recovery->cert, &rd, &rl) != 0 || trust_cert_der(tftp->cert, &td, &tl) != 0)
        return -1;
    struct itl_entry itl[] = { { TLV_ROLE_SAST, rd, rl, NULL, NULL },
                               { TLV_ROLE_TFTP, td, tl, NULL, NULL } };
    struct itl_entry ctl[] = { { TLV_ROLE_CCM_TFTP, td, tl, "tftp.example.lab", "192.0.2.5" } };
    struct trust_signer s = { sast->pkey, sast->cert, TLV_HASH_SHA512, T0 };
    char err[160] = "";
    int rc = -1;
    if (itl_build(ITL_KIND_ITL, &s, "ITLFile.tlv", itl, 2, &out, &len, err, sizeof err) == 0) {
        rc = write_file(dir, "ITLFile.tlv", out, len);
        free(out);
    }
    s.hash = TLV_HASH_SHA1;
    if (rc == 0 && itl_build(ITL_KIND_CTL, &s, "CTLFile.tlv", ctl, 1, &out, &len, err,
                             sizeof err) == 0) {
        rc = write_file(dir, "CTLFile.tlv", out, len);
        free(out);
    } else {
        rc = -1;
    }
    if (rc != 0 && err[0] != '\0')
        fprintf(stderr, "test_trust_files: %s\n", err);
    OPENSSL_free(rd);
    OPENSSL_free(td);
    return rc;
}

static int configs(const char *dir, struct trust_key *tftp, struct trust_key *phone)
{
    static const char name[] = "SEP001122334455.cnf.xml";
    struct trust_signer s = { tftp->pkey, tftp->cert, TLV_HASH_SHA512, T0 };
    uint8_t *out;
    size_t len;
    char err[160] = "";
    if (write_file(dir, name, (const uint8_t *)xml, sizeof xml - 1) != 0)
        return -1;
    if (sgn_build(&s, name, (const uint8_t *)xml, sizeof xml - 1, &out, &len, err,
                  sizeof err) != 0) {
        fprintf(stderr, "test_trust_files: %s\n", err);
        return -1;
    }
    int rc = write_file(dir, "SEP001122334455.cnf.xml.sgn", out, len);
    free(out);
    if (rc != 0 || sgn_build_enc(&s, X509_get0_pubkey(phone->cert), name,
                                 (const uint8_t *)xml, sizeof xml - 1, &out, &len, err,
                                 sizeof err) != 0) {
        fprintf(stderr, "test_trust_files: %s\n", err);
        return -1;
    }
    rc = write_file(dir, "SEP001122334455.cnf.xml.enc.sgn", out, len);
    free(out);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: test_trust_files OUTDIR\n");
        return 2;
    }
    struct trust_key sast = { 0 }, recovery = { 0 }, tftp = { 0 }, phone = { 0 };
    char err[160] = "";
    int rc = fixture_key_load("sast", &sast, err, sizeof err) == 0 &&
             fixture_key_load("recovery", &recovery, err, sizeof err) == 0 &&
             fixture_key_load("tftp", &tftp, err, sizeof err) == 0 &&
             fixture_key_load("phone", &phone, err, sizeof err) == 0 &&
             lists(argv[1], &sast, &recovery, &tftp) == 0 &&
             configs(argv[1], &tftp, &phone) == 0;
    if (err[0] != '\0')
        fprintf(stderr, "test_trust_files: %s\n", err);
    trust_key_free(&sast);
    trust_key_free(&recovery);
    trust_key_free(&tftp);
    trust_key_free(&phone);
    return rc ? EXIT_SUCCESS : EXIT_FAILURE;
}
