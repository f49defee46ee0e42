/* test-crypto-dl.c — the JNI library's MD5, through the libcrypto it opens at run time.
 *
 *   test-crypto-dl default   libcrypto.so.3 or .so.1.1, as the JNI library loads it
 *   test-crypto-dl 1.1       the OpenSSL 1.1 calls only (no EVP_MD_fetch), on any libcrypto
 *   test-crypto-dl missing   no libcrypto loads: qs_hasher_new fails and says why
 *
 * The QHash vectors must come out byte-identical to the CLI's on every path and CPU. */
#include <stdio.h>
#include <string.h>

#include "crypto-dl.h"
#include "qsplit.h"
#include "qstest.h"
#include "tsv.h"

static struct qs_hasher *hasher;

static void check_vector(const struct tsv_row *row, void *ud)
{
    (void)ud;
    char hex[QS_HASH_HEX_LEN + 1];
    if (row->nfields < 4) {
        fprintf(stderr, "qhash-vectors.tsv:%d: expected 4 fields\n", row->lineno);
        qst_failures++;
        return;
    }
    CHECK_INT(qs_hasher_qhash(hasher, row->field[1], row->len[1], QS_DIALECT_DEFAULT, hex), 0);
    if (strcmp(hex, row->field[3]) != 0)
        fprintf(stderr, "qhash-vectors.tsv:%d (%s)\n", row->lineno, row->field[0]);
    CHECK_STR(hex, row->field[3]);
}

static int vectors(void)
{
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_hasher_new(&hasher, &err), 0);
    if (!hasher) {
        fprintf(stderr, "qs_hasher_new: %s\n", err.text);
        return 0;
    }
    char hex[QS_HASH_HEX_LEN + 1];
    CHECK_INT(qs_hasher_md5_hex(hasher, "", 0, hex), 0);
    CHECK_STR(hex, "d41d8cd98f00b204e9800998ecf8427e");
    CHECK_INT(qs_hasher_md5_hex(hasher, "message digest", 14, hex), 0);
    CHECK_STR(hex, "f96b697d7cb7938d525a2f31aaf161d0");
    const char *data = getenv("QS_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/qhash-vectors.tsv", data ? data : "tests/data");
    int rows = tsv_each(path, check_vector, NULL);
    CHECK(rows >= 40);
    qs_hasher_free(&hasher);
    return rows;
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "default";
    if (strcmp(mode, "default") == 0) {
        int rows = vectors();
        const char *name = qsp_crypto_dl_name();
        CHECK(name != NULL);
        fprintf(stderr, "%d vectors through %s\n", rows, name ? name : "(none)");
    } else if (strcmp(mode, "1.1") == 0) {
        static const char *const names[] = {"libcrypto.so.3", "libcrypto.so.1.1"};
        CHECK_INT(qsp_crypto_dl_load(names, 2, QSP_CRYPTO_DL_API_1_1), 0);
        int rows = vectors();
        fprintf(stderr, "%d vectors through %s, OpenSSL 1.1 calls\n", rows,
                qsp_crypto_dl_name() ? qsp_crypto_dl_name() : "(none)");
    } else if (strcmp(mode, "missing") == 0) {
        static const char *const names[] = {"libcrypto.so.0.qsplit-test"};
        CHECK_INT(qsp_crypto_dl_load(names, 1, 0), QS_ECRYPTO);
        struct qs_error err = QS_ERROR_INIT;
        CHECK_INT(qs_hasher_new(&hasher, &err), QS_ECRYPTO);
        CHECK(hasher == NULL);
        CHECK(strstr(err.text, "libcrypto.so.0.qsplit-test") != NULL);
        fprintf(stderr, "error as reported: %s\n", err.text);
        CHECK(qsp_crypto_dl_name() == NULL);
    } else {
        fprintf(stderr, "usage: test-crypto-dl default|1.1|missing\n");
        return 2;
    }
    return qst_done("test-crypto-dl");
}
