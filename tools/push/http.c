/* http.c — POSTs to Loki through one reused libcurl easy handle (keep-alive). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "push.h"

struct push_http {
    CURL *curl;
    struct curl_slist *headers_plain, *headers_gzip, *headers_proto;
    char safe_url[512];
    char errbuf[CURL_ERROR_SIZE];
    char answer[1024];
    size_t answer_len;
};

/* Keep the start of the answer: Loki's message is short, and a misbehaving proxy must not
 * make us buffer without limit. */
static size_t on_body(char *data, size_t size, size_t nmemb, void *user)
{
    struct push_http *h = user;
    size_t n = size * nmemb;
    size_t room = sizeof h->answer - 1 - h->answer_len;
    size_t k = n < room ? n : room;
    memcpy(h->answer + h->answer_len, data, k);
    h->answer_len += k;
    h->answer[h->answer_len] = '\0';
    return n;
}

static void make_safe_url(struct push_http *h, const char *url)
{
    /* Drop user:password@ so a URL with credentials never reaches a message. */
    const char *scheme = strstr(url, "://");
    const char *host = scheme ? scheme + 3 : url;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (!slash || at < slash))
        snprintf(h->safe_url, sizeof h->safe_url, "%.*s%s", (int)(host - url), url, at + 1);
    else
        snprintf(h->safe_url, sizeof h->safe_url, "%s", url);
}

/* Append header s to *l; -1 when out of memory (*l is then still the whole list). */
static int add_header(struct curl_slist **l, const char *s)
{
    struct curl_slist *n = curl_slist_append(*l, s);
    if (!n)
        return -1;
    *l = n;
    return 0;
}

/* "Authorization: Bearer …", the token wiped from the temporary copy once curl has its
 * own. */
static int add_bearer(struct curl_slist **l, const char *token)
{
    size_t need = strlen(token) + 32;
    char *a = malloc(need);
    if (!a)
        return -1;
    snprintf(a, need, "Authorization: Bearer %s", token);
    int rc = add_header(l, a);
    memset(a, 0, need);
    free(a);
    return rc;
}

static struct curl_slist *headers(const struct push_config *c, int kind)
{
    struct curl_slist *l = NULL;
    char buf[600];
    /* Loki takes any other type for protobuf; snappy is part of that format. */
    if (add_header(&l, kind == PUSH_BODY_PROTO ? "Content-Type: application/x-protobuf"
                                               : "Content-Type: application/json"))
        goto fail;
    if (kind == PUSH_BODY_GZIP && add_header(&l, "Content-Encoding: gzip"))
        goto fail;
    /* No "Expect: 100-continue" round trip before each batch. */
    if (add_header(&l, "Expect:"))
        goto fail;
    if (c->tenant_id) {
        snprintf(buf, sizeof buf, "X-Scope-OrgID: %s", c->tenant_id);
        if (add_header(&l, buf))
            goto fail;
    }
    if (c->bearer_token && add_bearer(&l, c->bearer_token))
        goto fail;
    return l;
fail:
    curl_slist_free_all(l);
    return NULL;
}

int push_http_new(struct push_http **out, const struct push_config *c)
{
    static int global_done;
    if (!global_done) {
        if (curl_global_init(CURL_GLOBAL_DEFAULT))
            return -1;
        global_done = 1;
    }
    struct push_http *h = calloc(1, sizeof *h);
    if (!h)
        return -1;
    make_safe_url(h, c->url);
    h->curl = curl_easy_init();
    h->headers_plain = headers(c, PUSH_BODY_JSON);
    h->headers_gzip = headers(c, PUSH_BODY_GZIP);
    h->headers_proto = headers(c, PUSH_BODY_PROTO);
    if (!h->curl || !h->headers_plain || !h->headers_gzip || !h->headers_proto) {
        push_http_free(&h);
        return -1;
    }
    CURL *k = h->curl;
    curl_easy_setopt(k, CURLOPT_URL, c->url);
    curl_easy_setopt(k, CURLOPT_POST, 1L);
    curl_easy_setopt(k, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(k, CURLOPT_ERRORBUFFER, h->errbuf);
    curl_easy_setopt(k, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(k, CURLOPT_WRITEDATA, h);
    curl_easy_setopt(k, CURLOPT_TIMEOUT_MS, c->timeout_ms);
    curl_easy_setopt(k, CURLOPT_CONNECTTIMEOUT_MS,
                     c->timeout_ms < 10000 ? c->timeout_ms : 10000L);
    curl_easy_setopt(k, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(k, CURLOPT_USERAGENT, "qsplit-push/" QS_VERSION_STRING);
    /* Only http(s): a config typo must not make us speak another protocol. */
    curl_easy_setopt(k, CURLOPT_PROTOCOLS_STR, "http,https");
    if (c->username) {
        curl_easy_setopt(k, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(k, CURLOPT_USERNAME, c->username);
        curl_easy_setopt(k, CURLOPT_PASSWORD, c->password ? c->password : "");
    }
    if (c->ca_file)
        curl_easy_setopt(k, CURLOPT_CAINFO, c->ca_file);
    if (c->cert_file)
        curl_easy_setopt(k, CURLOPT_SSLCERT, c->cert_file);
    if (c->key_file)
        curl_easy_setopt(k, CURLOPT_SSLKEY, c->key_file);
    if (c->insecure_skip_verify) {
        curl_easy_setopt(k, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(k, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    *out = h;
    return 0;
}

void push_http_free(struct push_http **hp)
{
    struct push_http *h = hp ? *hp : NULL;
    if (!h)
        return;
    if (h->curl)
        curl_easy_cleanup(h->curl);
    curl_slist_free_all(h->headers_plain);
    curl_slist_free_all(h->headers_gzip);
    curl_slist_free_all(h->headers_proto);
    free(h);
    *hp = NULL;
}

int push_http_post(struct push_http *h, const char *body, size_t len, int gzipped,
                   struct push_http_result *r)
{
    memset(r, 0, sizeof *r);
    h->errbuf[0] = '\0';
    h->answer[0] = '\0';
    h->answer_len = 0;
    curl_easy_setopt(h->curl, CURLOPT_HTTPHEADER,
                     gzipped == PUSH_BODY_PROTO ? h->headers_proto
                     : gzipped                  ? h->headers_gzip
                                                : h->headers_plain);
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
    CURLcode rc = curl_easy_perform(h->curl);
    if (rc != CURLE_OK) {
        snprintf(r->error, sizeof r->error, "%s",
                 h->errbuf[0] ? h->errbuf : curl_easy_strerror(rc));
        return -1;
    }
    curl_easy_getinfo(h->curl, CURLINFO_RESPONSE_CODE, &r->status);
    snprintf(r->answer, sizeof r->answer, "%s", h->answer);
    /* One line for messages. */
    for (char *p = r->answer; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    return 0;
}

const char *push_http_safe_url(const struct push_http *h)
{
    return h->safe_url;
}
