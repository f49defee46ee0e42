/* test-hash.c — MD5 and QHash against independently computed vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qsplit.h"
#include "qstest.h"
#include "tsv.h"

static struct qs_hasher *hasher;

static void check_vector(const struct tsv_row *row, void *ud)
{
    (void)ud;
    if (row->nfields < 4) {
        fprintf(stderr, "qhash-vectors.tsv:%d: expected 4 fields\n", row->lineno);
        qst_failures++;
        return;
    }
    char hex[QS_HASH_HEX_LEN + 1];
    CHECK_INT(qs_hasher_qhash(hasher, row->field[1], row->len[1], QS_DIALECT_DEFAULT, hex), 0);
    if (strcmp(hex, row->field[3]) != 0)
        fprintf(stderr, "qhash-vectors.tsv:%d (%s)\n", row->lineno, row->field[0]);
    CHECK_STR(hex, row->field[3]);
    /* The QHash is the MD5 of the normalized text, nothing more. */
    CHECK_INT(qs_hasher_md5_hex(hasher, row->field[2], row->len[2], hex), 0);
    CHECK_STR(hex, row->field[3]);
}

int main(void)
{
    struct qs_error err = QS_ERROR_INIT;
    CHECK_INT(qs_hasher_new(&hasher, &err), 0);
    char hex[QS_HASH_HEX_LEN + 1];

    /* RFC 1321 test suite. */
    CHECK_INT(qs_hasher_md5_hex(hasher, "", 0, hex), 0);
    CHECK_STR(hex, "d41d8cd98f00b204e9800998ecf8427e");
    CHECK_INT(qs_hasher_md5_hex(hasher, "abc", 3, hex), 0);
    CHECK_STR(hex, "900150983cd24fb0d6963f7d28e17f72");
    CHECK_INT(qs_hasher_md5_hex(hasher, "message digest", 14, hex), 0);
    CHECK_STR(hex, "f96b697d7cb7938d525a2f31aaf161d0");
    CHECK_INT(qs_hasher_md5_hex(hasher, NULL, 0, hex), 0);
    CHECK_STR(hex, "d41d8cd98f00b204e9800998ecf8427e");
    CHECK_INT(qs_hasher_md5_hex(hasher, NULL, 3, hex), QS_EINVAL);

    /* Layout does not change the QHash; literals and case do. */
    char a[33], b[33], c[33];
    const char *s1 = "SELECT id, name\n    FROM users\n    WHERE id = ?";
    const char *s2 = "  SELECT id, name FROM users WHERE id = ? ;";
    const char *s3 = "select id, name FROM users WHERE id = ?";
    CHECK_INT(qs_hasher_qhash(hasher, s1, strlen(s1), 0, a), 0);
    CHECK_INT(qs_hasher_qhash(hasher, s2, strlen(s2), 0, b), 0);
    CHECK_INT(qs_hasher_qhash(hasher, s3, strlen(s3), 0, c), 0);
    CHECK_STR(a, b);
    CHECK(strcmp(a, c) != 0);
    CHECK_INT(qs_hasher_md5_hex(hasher, "SELECT id, name FROM users WHERE id = ?", 39, b), 0);
    CHECK_STR(a, b);

    /* The fingerprint hash groups statements that differ only in literals. */
    const char *f1 = "SELECT * FROM t WHERE id IN (1, 2, 3) AND name = 'x'";
    const char *f2 = "select * from t where id in (7) and name = 'yy'";
    CHECK_INT(qs_hasher_fingerprint_hash(hasher, f1, strlen(f1), 0, a), 0);
    CHECK_INT(qs_hasher_fingerprint_hash(hasher, f2, strlen(f2), 0, b), 0);
    CHECK_STR(a, b);

    /* A large statement (32 MiB) hashes like its normalized form. */
    size_t big = (size_t)32 << 20;
    char *s = malloc(big);
    CHECK(s != NULL);
    if (s) {
        for (size_t i = 0; i < big; i++)
            s[i] = (i % 64 == 63) ? '\n' : (char)('a' + i % 26);
        CHECK_INT(qs_hasher_qhash(hasher, s, big, 0, a), 0);
        size_t n = 0;
        char *norm = malloc(qs_normalize_bound(big));
        CHECK_INT(qs_normalize(s, big, 0, norm, qs_normalize_bound(big), &n), 0);
        CHECK_INT(qs_hasher_md5_hex(hasher, norm, n, b), 0);
        CHECK_STR(a, b);
        free(norm);
        free(s);
    }

    const char *data = getenv("QS_TEST_DATA");
    char path[4096];
    snprintf(path, sizeof path, "%s/qhash-vectors.tsv", data ? data : "tests/data");
    int rows = tsv_each(path, check_vector, NULL);
    CHECK(rows >= 40);

    qs_hasher_free(&hasher);
    CHECK(hasher == NULL);
    qs_hasher_free(&hasher); /* freeing NULL is a no-op */
    qs_hasher_free(NULL);
    return qst_done("test-hash");
}
