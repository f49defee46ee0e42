/* config.c — the YAML configuration file (libyaml) and the flags that override it. */
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yaml.h>

#include <jansson.h>

#include "push.h"

/* strtod also reads "nan", "inf", hex floats and a sign; a size or a duration is a plain
 * non-negative decimal, and a NaN must never reach the conversion to an integer. */
static int parse_decimal(const char *s, double *v, char **end)
{
    if (!isdigit((unsigned char)s[0]) && !(s[0] == '.' && isdigit((unsigned char)s[1])))
        return -1;
    if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
        return -1;
    errno = 0;
    *v = strtod(s, end);
    return errno || !isfinite(*v) ? -1 : 0;
}

long push_parse_duration(const char *s)
{
    char *end;
    double v;
    if (parse_decimal(s, &v, &end))
        return -1;
    double mul;
    if (!*end || !strcmp(end, "ms"))
        mul = *end ? 1 : 1000; /* a bare number is seconds, like Promtail's */
    else if (!strcmp(end, "s"))
        mul = 1000;
    else if (!strcmp(end, "m"))
        mul = 60e3;
    else if (!strcmp(end, "h"))
        mul = 3600e3;
    else if (!strcmp(end, "d"))
        mul = 86400e3;
    else
        return -1;
    double ms = v * mul;
    return ms > 1e15 ? -1 : (long)ms;
}

int push_parse_size(const char *s, size_t *out)
{
    char *end;
    double v;
    if (parse_decimal(s, &v, &end))
        return -1;
    while (*end == ' ')
        end++;
    double mul = 1;
    char u = (char)toupper((unsigned char)*end);
    if (u == 'K')
        mul = 1024;
    else if (u == 'M')
        mul = 1024.0 * 1024;
    else if (u == 'G')
        mul = 1024.0 * 1024 * 1024;
    else if (*end && u != 'B')
        return -1;
    if (*end) {
        end++;
        if (u != 'B' && (!strcmp(end, "iB") || !strcmp(end, "ib") || !strcmp(end, "B") ||
                         !strcmp(end, "b")))
            end += strlen(end);
        if (*end)
            return -1;
    }
    if (v * mul > 1e15)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

static int set_str(char **dst, const char *v)
{
    char *d = strdup(v);
    if (!d)
        return -1;
    free(*dst);
    *dst = d;
    return 0;
}

/* A secret from a file: the first line, trimmed. */
static int read_secret(char **dst, const char *path, const char *what)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        push_err("%s %s: %s", what, path, strerror(errno));
        return -1;
    }
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    buf[strcspn(buf, "\r\n")] = '\0';
    int rc = set_str(dst, buf);
    memset(buf, 0, sizeof buf);
    return rc;
}

static int valid_label_name(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return 0;
    for (s++; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return 0;
    return 1;
}

static int set_label(struct push_config *c, const char *name, const char *value)
{
    if (!valid_label_name(name)) {
        push_err("label name \"%s\" is not valid in Loki ([a-zA-Z_][a-zA-Z0-9_]*)", name);
        return -1;
    }
    if (!strcmp(name, "query")) {
        push_err("label \"query\" is set by qsplit-push itself (\"true\" on the query "
                 "stream)");
        return -1;
    }
    json_t *utf8 = json_string(value); /* NULL when value is not valid UTF-8 */
    json_decref(utf8);
    if (!utf8 || strlen(value) > 2048 || !*value) {
        push_err("label %s: the value must be 1 to 2048 bytes of UTF-8", name);
        return -1;
    }
    for (int i = 0; i < c->nlabels; i++)
        if (!strcmp(c->labels[i].name, name))
            return set_str(&c->labels[i].value, value);
    if (c->nlabels >= PUSH_MAX_LABELS - 1) {
        push_err("too many labels (Loki accepts %d per stream, query included)",
                 PUSH_MAX_LABELS);
        return -1;
    }
    struct push_label *l = &c->labels[c->nlabels];
    l->name = strdup(name);
    l->value = strdup(value);
    if (!l->name || !l->value)
        return -1;
    c->nlabels++;
    return 0;
}

static int set_input(struct push_config *c, enum push_input_kind kind, const char *path)
{
    for (int i = 0; i < c->ninputs; i++)
        if (c->inputs[i].kind == kind)
            return set_str(&c->inputs[i].path, path);
    if (c->ninputs >= PUSH_MAX_FILES) {
        push_err("inputs: at most console + query, or split alone");
        return -1;
    }
    c->inputs[c->ninputs].kind = kind;
    c->inputs[c->ninputs].path = NULL;
    return set_str(&c->inputs[c->ninputs++].path, path);
}

static int parse_bool(const char *v, int *out)
{
    if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
        *out = 1;
    else if (!strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "0"))
        *out = 0;
    else
        return -1;
    return 0;
}

static int set_ms(long *dst, const char *key, const char *v)
{
    long ms = push_parse_duration(v);
    if (ms < 0) {
        push_err("%s: \"%s\" is not a duration (500ms, 1s, 5m, 2h, 7d)", key, v);
        return -1;
    }
    *dst = ms;
    return 0;
}

/* split_options.NAME: an option of the core's table (qs_config_set_option), by the CLI's
 * name, for inputs.split. Checked now, on a scratch configuration, so that a bad value is
 * refused when the file is read, naming the option; applied in order when splitting. */
static int set_split_option(struct push_config *c, const char *name, const char *v)
{
    struct qs_config *scratch = NULL;
    struct qs_error err = {0};
    int rc = qs_config_new(&scratch, &err);
    if (rc == 0)
        rc = qs_config_set_option(scratch, name, v, &err);
    qs_config_free(&scratch);
    if (rc) {
        push_err("split_options.%s", err.text);
        return -1;
    }
    char **grown = realloc(c->split_opts, (size_t)(c->nsplit_opts + 2) * sizeof *grown);
    if (!grown)
        return -1;
    c->split_opts = grown;
    grown[c->nsplit_opts] = strdup(name);
    grown[c->nsplit_opts + 1] = strdup(v);
    c->nsplit_opts += 2;
    return grown[c->nsplit_opts - 2] && grown[c->nsplit_opts - 1] ? 0 : -1;
}

/* ---- the settings table ---------------------------------------------------------- */

#define F(field) offsetof(struct push_config, field)
#define SIZE_HINT "give a size from 1KiB to 3MiB (Loki refuses pushes over 4 MiB decoded)"

/*
 * Every setting: its dotted key (as the YAML file nests it; a key ending in '.' takes any
 * name after it), how its value is read, the field it sets, bounds, the default the field
 * starts with and as docs/push.md writes it (test-config checks the two agree), the flag
 * that sets it too, and the words an error or the secret reader uses.
 */
static const struct push_setting settings[] = {
    {"client.url", PUSH_SET_STR, F(url), 0, 0, 0, "(required)", "url", NULL},
    {"client.tenant_id", PUSH_SET_STR, F(tenant_id), 0, 0, 0, "none", "tenant-id", NULL},
    {"client.basic_auth.username", PUSH_SET_STR, F(username), 0, 0, 0, "none", NULL, NULL},
    {"client.basic_auth.password", PUSH_SET_STR, F(password), 0, 0, 0, "none", NULL, NULL},
    {"client.basic_auth.password_file", PUSH_SET_SECRET, F(password), 0, 0, 0, "none", NULL,
     "password_file"},
    {"client.bearer_token", PUSH_SET_STR, F(bearer_token), 0, 0, 0, "none", NULL, NULL},
    {"client.bearer_token_file", PUSH_SET_SECRET, F(bearer_token), 0, 0, 0, "none", NULL,
     "bearer_token_file"},
    {"client.timeout", PUSH_SET_MS, F(timeout_ms), 0, 0, 10000, "10s", NULL, NULL},
    {"client.batch_wait", PUSH_SET_MS, F(batch_wait_ms), 0, 0, 1000, "1s", "batch-wait", NULL},
    {"client.batch_size", PUSH_SET_SIZE, F(batch_size), 1024, 3 << 20, 1 << 20, "1MiB",
     "batch-size", SIZE_HINT},
    {"client.max_entry_size", PUSH_SET_SIZE, F(max_entry_size), 1024, 3 << 20, 256 << 10,
     "256KiB", NULL, SIZE_HINT},
    {"client.gzip_level", PUSH_SET_INT, F(gzip_level), 0, 9, 1, "1", "gzip-level",
     "0 (no compression) to 9"},
    /* Loki's native push by default: less CPU than JSON+gzip (docs/push.md, Speed) */
    {"client.format", PUSH_SET_FORMAT, F(proto), 0, 0, 1, "protobuf", "format",
     "protobuf (snappy, Loki's native push) or json"},
    {"client.tls_config.ca_file", PUSH_SET_STR, F(ca_file), 0, 0, 0, "system CAs", NULL, NULL},
    {"client.tls_config.cert_file", PUSH_SET_STR, F(cert_file), 0, 0, 0, "none", NULL, NULL},
    {"client.tls_config.key_file", PUSH_SET_STR, F(key_file), 0, 0, 0, "none", NULL, NULL},
    {"client.tls_config.insecure_skip_verify", PUSH_SET_BOOL, F(insecure_skip_verify), 0, 0, 0,
     "false", NULL, NULL},
    {"client.backoff_config.min_period", PUSH_SET_MS, F(backoff_min_ms), 0, 0, 500, "500ms",
     NULL, NULL},
    {"client.backoff_config.max_period", PUSH_SET_MS, F(backoff_max_ms), 0, 0, 5 * 60 * 1000,
     "5m", NULL, NULL},
    {"client.backoff_config.max_retries", PUSH_SET_INT, F(max_retries), 0, 1000000, 0, "0",
     NULL, "a count, 0 meaning for ever"},
    {"positions.filename", PUSH_SET_STR, F(positions_file), 0, 0, 0, "(required)", "positions",
     NULL},
    {"positions.file_mode", PUSH_SET_MODE, F(positions_mode), 1, 0777, 0640, "0640", NULL,
     "give an octal mode such as 0640"},
    {"labels.", PUSH_SET_LABEL, 0, 0, 0, 0, "none", NULL, NULL},
    {"inputs.console", PUSH_SET_INPUT, 0, PUSH_IN_CONSOLE, 0, 0, "", "console", NULL},
    {"inputs.query", PUSH_SET_INPUT, 0, PUSH_IN_QUERY, 0, 0, "", "query", NULL},
    {"inputs.split", PUSH_SET_INPUT, 0, PUSH_IN_SPLIT, 0, 0, "", "split", NULL},
    {"timestamps.read_time", PUSH_SET_BOOL, F(read_time), 0, 0, 0, "false", "read-time", NULL},
    {"timestamps.timezone", PUSH_SET_STR, F(timezone), 0, 0, 0, "local", "timezone", NULL},
    {"timestamps.reject_old_samples_max_age", PUSH_SET_MS, F(reject_old_ms), 0, 0,
     7L * 24 * 3600 * 1000, "168h", NULL, NULL},
    {"tailing.poll_interval", PUSH_SET_MS, F(poll_ms), 0, 0, 250, "250ms", NULL, NULL},
    {"tailing.multiline_max_wait", PUSH_SET_MS, F(multiline_wait_ms), 0, 0, 1000, "1s", NULL,
     NULL},
    {"tailing.record_pattern", PUSH_SET_STR, F(record_pattern), 0, 0, 0, "the known layouts",
     NULL, NULL},
    {"stats_interval", PUSH_SET_MS, F(stats_interval_ms), 0, 0, 60000, "60s", "stats-interval",
     NULL},
    {"split_options.", PUSH_SET_SPLIT_OPTION, 0, 0, 0, 0, "(none)", NULL, NULL},
};

#undef F

const struct push_setting *push_settings(size_t *n)
{
    *n = sizeof settings / sizeof settings[0];
    return settings;
}

/* The setting a key names, and where the name after a prefix key starts; NULL if none. */
static const struct push_setting *find_setting(const char *key, const char **name)
{
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const char *k = settings[i].key;
        size_t n = strlen(k);
        if (k[n - 1] == '.' ? !strncmp(key, k, n) : !strcmp(key, k)) {
            *name = key + (k[n - 1] == '.' ? n : 0);
            return &settings[i];
        }
    }
    return NULL;
}

/* A decimal count within the setting's bounds (strtol's reading: "" is 0, as before). */
static int set_int(int *dst, const struct push_setting *s, const char *v)
{
    char *end;
    long l = strtol(v, &end, 10);
    if (*end || l < s->lo || l > s->hi) {
        push_err("%s: %s", s->key, s->hint);
        return -1;
    }
    *dst = (int)l;
    return 0;
}

static int set_size(size_t *dst, const struct push_setting *s, const char *v)
{
    size_t sz;
    if (push_parse_size(v, &sz) || sz < (size_t)s->lo || sz > (size_t)s->hi) {
        push_err("%s: \"%s\": %s", s->key, v, s->hint);
        return -1;
    }
    *dst = sz;
    return 0;
}

static int set_mode(unsigned *dst, const struct push_setting *s, const char *v)
{
    char *end;
    errno = 0;
    unsigned long m = strtoul(v, &end, 8);
    if (errno || end == v || *end || m < (unsigned long)s->lo || m > (unsigned long)s->hi ||
        *v == '-') {
        push_err("%s: \"%s\": %s", s->key, v, s->hint);
        return -1;
    }
    *dst = (unsigned)m;
    return 0;
}

/* One setting by its dotted key, as the YAML file nests it; flags use the same keys. */
static int set_key(struct push_config *c, const char *key, const char *v)
{
    const char *name;
    const struct push_setting *s = find_setting(key, &name);
    if (!s) {
        push_err("unknown setting \"%s\" (see docs/push.md)", key);
        return -1;
    }
    void *field = (char *)c + s->offset;
    int b;
    switch (s->kind) {
    case PUSH_SET_STR: return set_str(field, v);
    case PUSH_SET_SECRET: return read_secret(field, v, s->hint);
    case PUSH_SET_MS: return set_ms(field, key, v);
    case PUSH_SET_SIZE: return set_size(field, s, v);
    case PUSH_SET_INT: return set_int(field, s, v);
    case PUSH_SET_MODE: return set_mode(field, s, v);
    case PUSH_SET_BOOL:
        if (parse_bool(v, &b)) {
            push_err("%s: true or false", key);
            return -1;
        }
        *(int *)field = b;
        return 0;
    case PUSH_SET_FORMAT:
        if (strcmp(v, "protobuf") && strcmp(v, "json")) {
            push_err("%s: \"%s\": %s", key, v, s->hint);
            return -1;
        }
        *(int *)field = !strcmp(v, "protobuf");
        return 0;
    case PUSH_SET_INPUT: return set_input(c, (enum push_input_kind)s->lo, v);
    case PUSH_SET_LABEL: return set_label(c, name, v);
    case PUSH_SET_SPLIT_OPTION: return set_split_option(c, name, v);
    }
    return -1;
}

/* Every field the table sets starts at its default; the rest of *c is zero. */
static void set_defaults(struct push_config *c)
{
    memset(c, 0, sizeof *c);
    for (size_t i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const struct push_setting *s = &settings[i];
        void *field = (char *)c + s->offset;
        switch (s->kind) {
        case PUSH_SET_MS: *(long *)field = s->dflt; break;
        case PUSH_SET_SIZE: *(size_t *)field = (size_t)s->dflt; break;
        case PUSH_SET_INT:
        case PUSH_SET_BOOL:
        case PUSH_SET_FORMAT: *(int *)field = (int)s->dflt; break;
        case PUSH_SET_MODE: *(unsigned *)field = (unsigned)s->dflt; break;
        default: break; /* strings, inputs, labels, split options: none */
        }
    }
}

static int walk(struct push_config *c, yaml_document_t *d, yaml_node_t *n, char *key,
                size_t klen, size_t cap)
{
    if (n->type == YAML_SCALAR_NODE) {
        const char *v = (const char *)n->data.scalar.value;
        /* An empty value (`tenant_id:`) leaves the default. */
        if (!*v && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
            return 0;
        return set_key(c, key, v);
    }
    /* a repeatable split option (sql-logger, sql-regex) may be a list */
    if (n->type == YAML_SEQUENCE_NODE && !strncmp(key, "split_options.", 14)) {
        for (yaml_node_item_t *it = n->data.sequence.items.start;
             it < n->data.sequence.items.top; it++) {
            yaml_node_t *v = yaml_document_get_node(d, *it);
            if (!v || v->type != YAML_SCALAR_NODE) {
                push_err("%s: a list of values", key);
                return -1;
            }
            if (set_key(c, key, (const char *)v->data.scalar.value))
                return -1;
        }
        return 0;
    }
    if (n->type != YAML_MAPPING_NODE) {
        push_err("%s: expected a value or a mapping, not a list", klen ? key : "top level");
        return -1;
    }
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k->type != YAML_SCALAR_NODE) {
            push_err("%s: keys must be plain values", klen ? key : "top level");
            return -1;
        }
        const char *name = (const char *)k->data.scalar.value;
        size_t nlen = strlen(name);
        if (!nlen) {
            /* an empty key (also where an alias cycle would recurse for ever) */
            push_err("%s: a key is empty", klen ? key : "top level");
            return -1;
        }
        if (klen + nlen + 2 > cap) {
            push_err("setting name too long");
            return -1;
        }
        size_t at = klen;
        if (klen)
            key[at++] = '.';
        memcpy(key + at, name, nlen + 1);
        if (walk(c, d, yaml_document_get_node(d, p->value), key, at + nlen, cap))
            return -1;
        key[klen] = '\0';
    }
    return 0;
}

static int load_file(struct push_config *c, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        push_err("config %s: %s", path, strerror(errno));
        return -1;
    }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int rc = -1;
    if (!yaml_parser_load(&parser, &doc)) {
        push_err("config %s:%zu:%zu: %s", path, parser.problem_mark.line + 1,
                 parser.problem_mark.column + 1, parser.problem ? parser.problem : "bad YAML");
        yaml_parser_delete(&parser);
        fclose(f);
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    char key[512] = "";
    rc = root ? walk(c, &doc, root, key, 0, sizeof key) : 0;
    if (rc)
        push_err("in config %s", path);
    yaml_document_delete(&doc);
    yaml_parser_delete(&parser);
    fclose(f);
    return rc;
}

static void usage(FILE *to)
{
    fputs(
        "usage: qsplit-push [--config FILE] [options]\n"
        "Tails console.log and query.log (or an unsplit console.log) and ships them to\n"
        "Loki's push API. Flags override the config file (docs/push.md).\n"
        "  -c, --config FILE        YAML configuration\n"
        "      --url URL            Loki push URL (…/loki/api/v1/push)\n"
        "      --tenant-id ID       X-Scope-OrgID\n"
        "      --label NAME=VALUE   a static label (repeatable)\n"
        "      --console PATH       an already split console.log\n"
        "      --query PATH         its query.log\n"
        "      --split PATH         an unsplit console.log, split on the fly\n"
        "      --positions FILE     where acknowledged offsets are kept\n"
        "      --batch-size SIZE    default 1MiB\n"
        "      --batch-wait DUR     default 1s\n"
        "      --gzip-level N       0 to 9, default 1\n"
        "      --format FMT         protobuf (snappy, default) or json (gzip_level applies)\n"
        "      --read-time          stamp entries with the read time, not the record's\n"
        "      --timezone TZ        zone of record times without an offset (local)\n"
        "      --once               ship the files to their end, then exit\n"
        "      --stats-interval DUR status line period on stderr (default 60s, 0 off)\n"
        "  -h, --help, --version\n",
        to);
}

/* The file first, so that every flag overrides it wherever it stands. */
static int load_files(struct push_config *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *file = NULL;
        if ((!strcmp(argv[i], "-c") || !strcmp(argv[i], "--config")) && i + 1 < argc)
            file = argv[++i];
        else if (!strncmp(argv[i], "--config=", 9))
            file = argv[i] + 9;
        if (file && load_file(c, file))
            return -1;
    }
    return 0;
}

enum { O_SETTING = 256, O_LABEL, O_ONCE, O_VERSION };

/* The flags: the settings table's, then those that are not a setting. */
static void flag_table(struct option *opts, const struct push_setting **of, size_t cap)
{
    static const struct option own[] = {{"config", required_argument, 0, 'c'},
                                        {"label", required_argument, 0, O_LABEL},
                                        {"once", no_argument, 0, O_ONCE},
                                        {"help", no_argument, 0, 'h'},
                                        {"version", no_argument, 0, O_VERSION}};
    size_t n = 0;
    for (size_t i = 0; i < sizeof settings / sizeof settings[0] && n + 1 < cap; i++)
        if (settings[i].flag) {
            /* a boolean flag takes no value: it sets "true" */
            int arg = settings[i].kind == PUSH_SET_BOOL ? no_argument : required_argument;
            of[n] = &settings[i];
            opts[n++] = (struct option){settings[i].flag, arg, 0, O_SETTING};
        }
    for (size_t i = 0; i < sizeof own / sizeof own[0] && n + 1 < cap; i++)
        opts[n++] = own[i];
    opts[n] = (struct option){0, 0, 0, 0};
}

/* --label NAME=VALUE */
static int flag_label(struct push_config *c, char *arg)
{
    char *eq = strchr(arg, '=');
    if (!eq) {
        push_err("--label wants NAME=VALUE");
        return -1;
    }
    *eq = '\0';
    int rc = set_label(c, arg, eq + 1);
    *eq = '=';
    return rc;
}

/* The flags over the file; 0, or 2 for a usage error (reported). */
static int load_flags(struct push_config *c, int argc, char **argv)
{
    struct option opts[48];
    const struct push_setting *of[48];
    flag_table(opts, of, sizeof opts / sizeof opts[0]);
    int o, at;
    opterr = 0;
    while ((o = getopt_long(argc, argv, ":c:h", opts, &at)) != -1) {
        int rc = 0;
        switch (o) {
        case 'c': break;
        case 'h': usage(stdout); exit(0);
        case O_VERSION:
            printf("qsplit-push %s (libqsplit %s)\n", QS_VERSION_STRING, qs_version());
            exit(0);
        case O_SETTING: rc = set_key(c, of[at]->key, optarg ? optarg : "true"); break;
        case O_LABEL: rc = flag_label(c, optarg); break;
        case O_ONCE: c->once = 1; break;
        case ':': push_err("%s needs a value", argv[optind - 1]); return 2;
        default:
            push_err("unknown option %s", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
        if (rc)
            return 2;
    }
    if (optind < argc) {
        push_err("unexpected argument \"%s\"", argv[optind]);
        return 2;
    }
    return 0;
}

/* What no single setting can check: required ones, inputs that go together, and limits
 * one setting puts on another. 0, or 2 (reported). */
static int check(struct push_config *c)
{
    if (!c->url) {
        push_err("no Loki URL: set client.url or --url");
        return 2;
    }
    if (!c->ninputs) {
        push_err("no input: set inputs.console/query, or inputs.split");
        return 2;
    }
    for (int i = 0; i < c->ninputs; i++)
        if (c->inputs[i].kind == PUSH_IN_SPLIT && c->ninputs > 1) {
            push_err("inputs.split reads one unsplit console.log: not with console/query");
            return 2;
        }
    if (c->nsplit_opts && c->inputs[0].kind != PUSH_IN_SPLIT) {
        push_err("split_options apply to inputs.split (an unsplit console.log) only");
        return 2;
    }
    if (!c->positions_file) {
        push_err("no positions file: set positions.filename or --positions");
        return 2;
    }
    if (c->max_entry_size > c->batch_size)
        c->max_entry_size = c->batch_size;
    if (c->backoff_min_ms < 1)
        c->backoff_min_ms = 1;
    if (c->backoff_max_ms < c->backoff_min_ms)
        c->backoff_max_ms = c->backoff_min_ms;
    return 0;
}

int push_config_load(struct push_config *c, int argc, char **argv)
{
    set_defaults(c);
    if (load_files(c, argc, argv))
        return -1;
    int rc = load_flags(c, argc, argv);
    return rc ? rc : check(c);
}

void push_config_free(struct push_config *c)
{
    free(c->url);
    free(c->tenant_id);
    free(c->username);
    if (c->password)
        memset(c->password, 0, strlen(c->password));
    free(c->password);
    if (c->bearer_token)
        memset(c->bearer_token, 0, strlen(c->bearer_token));
    free(c->bearer_token);
    free(c->ca_file);
    free(c->cert_file);
    free(c->key_file);
    for (int i = 0; i < c->nlabels; i++) {
        free(c->labels[i].name);
        free(c->labels[i].value);
    }
    for (int i = 0; i < c->ninputs; i++)
        free(c->inputs[i].path);
    free(c->positions_file);
    free(c->timezone);
    free(c->record_pattern);
    for (int i = 0; i < c->nsplit_opts; i++)
        free(c->split_opts[i]);
    free(c->split_opts);
}
