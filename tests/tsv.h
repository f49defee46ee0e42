/* tsv.h — reading the data-driven test vectors (the .tsv files in tests/data): one case per line,
 * TAB-separated, `\\ \t \n \r \xHH` escapes, a header line first. */
#ifndef QS_TSV_H
#define QS_TSV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TSV_MAX_FIELDS 8

struct tsv_row {
    int nfields;
    char *field[TSV_MAX_FIELDS]; /* unescaped, NUL-terminated (may contain NULs) */
    size_t len[TSV_MAX_FIELDS];
    int lineno;
};

static int tsv_hex(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Unescape in place; returns the new length. */
static size_t tsv_unescape(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\' || i + 1 == n) {
            s[o++] = s[i];
            continue;
        }
        char c = s[++i];
        if (c == 'n')
            s[o++] = '\n';
        else if (c == 't')
            s[o++] = '\t';
        else if (c == 'r')
            s[o++] = '\r';
        else if (c == '0')
            s[o++] = '\0';
        else if (c == 'x' && i + 2 < n + 0 && tsv_hex(s[i + 1]) >= 0 &&
                 tsv_hex(s[i + 2]) >= 0) {
            s[o++] = (char)(tsv_hex(s[i + 1]) * 16 + tsv_hex(s[i + 2]));
            i += 2;
        } else
            s[o++] = c; /* \\ and anything else: the character itself */
    }
    s[o] = '\0';
    return o;
}

/* Split one line (no newline) into row; fields point into line, which is modified. */
static void tsv_split(char *line, size_t n, struct tsv_row *row)
{
    row->nfields = 0;
    char *p = line, *end = line + n;
    while (row->nfields < TSV_MAX_FIELDS) {
        char *tab = memchr(p, '\t', (size_t)(end - p));
        char *fe = tab ? tab : end;
        row->field[row->nfields] = p;
        row->len[row->nfields] = tsv_unescape(p, (size_t)(fe - p));
        row->nfields++;
        if (!tab)
            break;
        p = tab + 1;
    }
}

/* Call fn for every data row of path (the header line skipped). Returns rows seen. */
static int tsv_each(const char *path, void (*fn)(const struct tsv_row *, void *), void *ud)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int lineno = 0, rows = 0;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (n && line[n - 1] == '\n')
            line[--n] = '\0';
        if (lineno == 1 || n == 0 || line[0] == '#')
            continue;
        struct tsv_row row;
        tsv_split(line, (size_t)n, &row);
        row.lineno = lineno;
        fn(&row, ud);
        rows++;
    }
    free(line);
    fclose(f);
    return rows;
}

#endif
