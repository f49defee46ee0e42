/* cli.h — what the qsplit subcommands share: messages, input, buffers, split's file I/O. */
#ifndef QSPLIT_CLI_H
#define QSPLIT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include <qsplit.h>

#include "buf.h" /* the one growable buffer: lib/buf.c, compiled in (qsp_buf_dep) */

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

/* A buffered output of whole records (cli_fileio.c): a qsp_buf of fixed capacity, flushed
 * by one write(2) per batch. */
struct cli_out {
    int fd;
    const char *name;
    struct qsp_buf b; /* b.cap is the batch size; it never grows */
    int failed;
};

int cli_out_init(struct cli_out *o, int fd, const char *name, size_t cap);
/* Add bytes; flushes first when they would not fit. 0 or -1 (reported once). */
int cli_out_add(struct cli_out *o, const char *data, size_t len);
int cli_out_flush(struct cli_out *o);
void cli_out_free(struct cli_out *o);

/* `qsplit split`'s input: opened, and refused when it is a directory (cli_fileio.c). */
struct cli_input {
    int fd;           /* 0 for standard input */
    const char *name; /* for messages: the path, or "(stdin)" */
    struct stat st;
};

/* Open path ("-": standard input); 0, or -1 after reporting why. */
int cli_input_open(struct cli_input *in, const char *path);
void cli_input_close(struct cli_input *in);

/* Where `qsplit split` writes, and what it shows (cli_split.c fills it from the options). */
struct cli_split_io {
    const char *console_path; /* NULL or "-": standard output */
    const char *query_path;
    unsigned file_mode; /* of the files created: console and query.log */
    int quiet, progress;
};

/* Split in through a splitter on cfg into the console and query.log of io, with the
 * progress bar and summary io asks for (cli_fileio.c). Returns the exit status. */
int cli_split_run(const struct qs_config *cfg, struct cli_input *in,
                  const struct cli_split_io *io);

int cmd_split(int argc, char **argv);
/* split --explain: read the start of in and tell what the core makes of its records. */
int cli_explain(const struct qs_config *cfg, int in, const char *in_name);

#endif
