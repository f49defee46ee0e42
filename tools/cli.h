/* cli.h — what the qsplit subcommands share: messages, input, buffered output. */
#ifndef QSPLIT_CLI_H
#define QSPLIT_CLI_H

#include <stddef.h>
#include <stdint.h>

#include <qsplit.h>

#define EXIT_USAGE 2

/* "qsplit: error: …" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "qsplit: error: <what>: <strerror(errno_value)>" */
void cli_syserror(int errno_value, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Read a whole file ("-" or NULL: stdin) into a malloc'd buffer; 0 or -1 (reported). */
int cli_slurp(const char *path, char **data, size_t *len);

/* Parse "default" / "mysql" / "postgres"; -1 if unknown. */
int cli_dialect(const char *name);

/* Parse a byte count with an optional K/M/G suffix; 0 on success. */
int cli_size(const char *s, size_t *out);

/* A buffered output of whole records: flushed by one write(2) per batch. */
struct cli_out {
    int fd;
    const char *name;
    struct qs_querylog *ql; /* when set, batches go through qs_querylog_append */
    char *buf;
    size_t len, cap;
    int failed;
};

int cli_out_init(struct cli_out *o, int fd, const char *name, size_t cap);
/* Add bytes; flushes first when they would not fit. 0 or -1 (reported once). */
int cli_out_add(struct cli_out *o, const char *data, size_t len);
int cli_out_flush(struct cli_out *o);
void cli_out_free(struct cli_out *o);

int cmd_split(int argc, char **argv);
/* split --explain: read the start of in and tell what the core makes of its records. */
int cli_explain(const struct qs_config *cfg, int in, const char *in_name);

#endif
