/*
 * test-sqlscan.c — the scanner N and the fingerprint share (lib/sqlscan.h): where quoted
 * text, comments and dollar quotes end, per dialect rule, and that no scanner runs past
 * the input on any prefix of a construct (every unterminated form ends at len).
 */
#include <stdint.h>
#include <string.h>

#include "qstest.h"
#include "sqlscan.h"

#define U(s) ((const unsigned char *)(s))

/* Index past the quoted text that opens s (a quote at s[0]). */
static size_t quoted(const char *s, int bs)
{
    return sql_scan_quoted(U(s), 0, strlen(s), (unsigned char)s[0], bs);
}

static size_t block(const char *s, int nest, int *closed)
{
    return sql_scan_block(U(s), 0, strlen(s), nest, closed);
}

static size_t dollar(const char *s)
{
    size_t len = strlen(s), tlen = sql_dollar_open(U(s), 0, len);
    return tlen ? sql_scan_dollar(U(s), 0, len, tlen) : 0;
}

static void test_classes(void)
{
    CHECK_INT(sql_cls['a'], SQL_PLAIN);
    CHECK_INT(sql_cls[0x80], SQL_PLAIN); /* UTF-8 bytes are ordinary */
    CHECK_INT(sql_cls['\v'], SQL_SPACE);
    CHECK_INT(sql_cls['#'], SQL_HASH);
    CHECK(sql_is_ident('$') && sql_is_ident(0xc3) && sql_is_ident('_'));
    CHECK(!sql_is_ident('-') && !sql_is_ident('?'));
}

static void test_quoted(void)
{
    CHECK_INT(quoted("'ab' x", 1), 4);
    CHECK_INT(quoted("'O''Brien' x", 1), 10); /* doubled quote: an escape */
    CHECK_INT(quoted("'a\\'b' x", 1), 6);     /* backslash escapes with bs */
    CHECK_INT(quoted("'a\\'b' x", 0), 4);     /* standard strings: it does not */
    CHECK_INT(quoted("\"a\"\"b\" x", 0), 6);
    CHECK_INT(quoted("`t` x", 0), 3);
    CHECK_INT(quoted("'abc", 1), 4);  /* unterminated: to the end */
    CHECK_INT(quoted("'ab\\", 1), 4); /* a backslash as the last byte */
}

static void test_comments(void)
{
    int closed = -1;
    CHECK_INT(block("/**/x", 0, &closed), 4);
    CHECK_INT(closed, 1);
    CHECK_INT(block("/*/x", 0, &closed), 4); /* slash-star-slash does not close */
    CHECK_INT(closed, 0);
    /* PostgreSQL nests, MySQL and the standard do not */
    CHECK_INT(block("/* a /* b */ c */x", 1, &closed), 17);
    CHECK_INT(block("/* a /* b */ c */x", 0, &closed), 12);
    CHECK_INT(block("/* a /* b */ c", 1, &closed), 14);
    CHECK_INT(closed, 0);
    CHECK_INT(sql_scan_line(U("-- x\r\ny"), 2, 7), 4); /* CR ends it, not consumed */
    CHECK_INT(sql_scan_line(U("# x"), 1, 3), 3);
}

static void test_dollar(void)
{
    CHECK_INT(dollar("$$a$b$$ x"), 7);
    CHECK_INT(dollar("$fn$ a $$ b $fn$ x"), 16);
    CHECK_INT(dollar("$fn$ never closed"), 17);
    CHECK_INT(sql_dollar_open(U("$1"), 0, 2), 0); /* a parameter */
    CHECK_INT(sql_dollar_open(U("$a b$"), 0, 5), 0);
    /* not inside a name, nor after the ? a fingerprint wrote for digits; but right after
     * a dollar quote ended (qend) */
    CHECK(!sql_dollar_may_open(U("a$$"), 1, SIZE_MAX));
    CHECK(!sql_dollar_may_open(U("?$$"), 1, SIZE_MAX));
    CHECK(sql_dollar_may_open(U("?$$"), 1, 1));
    CHECK(sql_dollar_may_open(U(" $$"), 1, SIZE_MAX));
}

static void test_estring(void)
{
    CHECK(sql_pg_estring(U("E'a'"), 1, SIZE_MAX));
    CHECK(sql_pg_estring(U(" e'a'"), 2, SIZE_MAX));
    CHECK(!sql_pg_estring(U("xe'a'"), 2, SIZE_MAX)); /* the E must be a word of its own */
    CHECK(sql_pg_estring(U("$$x$$e'a'"), 6, 5));     /* ... or follow a dollar quote */
    CHECK(!sql_pg_estring(U("'a'"), 0, SIZE_MAX));
}

static void test_trailing_space(void)
{
    CHECK_INT(sql_trailing_space(U("'ab  \n"), 0, 6), 3);
    CHECK_INT(sql_trailing_space(U("   "), 1, 3), 2); /* never before from */
    CHECK_INT(sql_trailing_space(U("'ab'"), 0, 4), 0);
}

/* Every prefix of every construct: the scanners stay within [i, len]. */
static void test_prefixes(void)
{
    static const char *const forms[] = {
        "'a''b\\'c'", "\"a\"\"b\"", "/* a /* b */ c */", "$tag$ x $ta $tag$", "$$ $ $$",
    };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        const unsigned char *s = U(forms[f]);
        for (size_t len = 1; len <= strlen(forms[f]); len++) {
            size_t end;
            int closed;
            if (s[0] == '$') {
                size_t tlen = sql_dollar_open(s, 0, len);
                end = tlen ? sql_scan_dollar(s, 0, len, tlen) : len;
            } else if (s[0] == '/') {
                end = len >= 2 ? sql_scan_block(s, 0, len, 1, &closed) : len;
            } else {
                end = sql_scan_quoted(s, 0, len, s[0], 1);
            }
            CHECK(end >= 1 && end <= len);
        }
    }
}

int main(void)
{
    test_classes();
    test_quoted();
    test_comments();
    test_dollar();
    test_estring();
    test_trailing_space();
    test_prefixes();
    return qst_done("test-sqlscan");
}
