/*
 * yajl-floor: the cheapest possible yajl pass over an NDJSON file.
 *
 * Reads FILE (or stdin with "-" / no argument) with read(2) into a 1 MiB buffer, splits lines
 * with memchr, and feeds every non-blank line to one reused yajl 2 handle whose callbacks do
 * nothing but return 1.  yajl_number is set, so yajl never converts a number (no strtod /
 * strtoll), the same as ndflat, which keeps numbers as their literal text.
 *
 * This is the lower bound ("floor") for any yajl-based converter on one core: the SPEC's W2
 * target is ndflat -j 1 <= 1.3x this program's time.
 *
 *   gcc -O2 -o /tmp/yajl-floor Benchmarks/yajl-floor.c -lyajl
 *   /tmp/yajl-floor /tmp/canvas-1g.ndjson      -> prints the number of records parsed
 *
 * Exit status: 0 ok, 1 parse error (line number and yajl's message on stderr), 2 usage/I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_parse.h>

#define BUF_SIZE (1u << 20) /* 1 MiB */

static int cb_null(void *ctx) { (void)ctx; return 1; }
static int cb_boolean(void *ctx, int v) { (void)ctx; (void)v; return 1; }
static int cb_number(void *ctx, const char *s, size_t n) { (void)ctx; (void)s; (void)n; return 1; }
static int cb_string(void *ctx, const unsigned char *s, size_t n) { (void)ctx; (void)s; (void)n; return 1; }
static int cb_start_map(void *ctx) { (void)ctx; return 1; }
static int cb_map_key(void *ctx, const unsigned char *s, size_t n) { (void)ctx; (void)s; (void)n; return 1; }
static int cb_end_map(void *ctx) { (void)ctx; return 1; }
static int cb_start_array(void *ctx) { (void)ctx; return 1; }
static int cb_end_array(void *ctx) { (void)ctx; return 1; }

static const yajl_callbacks callbacks = {
    cb_null,
    cb_boolean,
    NULL, /* yajl_integer: unused because yajl_number is set */
    NULL, /* yajl_double:  unused because yajl_number is set */
    cb_number,
    cb_string,
    cb_start_map,
    cb_map_key,
    cb_end_map,
    cb_start_array,
    cb_end_array,
};

static yajl_handle hand;
static unsigned long long records, lineno;

static void fail(const unsigned char *line, size_t len) {
    unsigned char *msg = yajl_get_error(hand, 1, line, len);
    fprintf(stderr, "yajl-floor: parse error on line %llu: %s", lineno, (const char *)msg);
    yajl_free_error(hand, msg);
    exit(1);
}

/* Parse one complete line (without its '\n'). Blank lines and a trailing '\r' are skipped. */
static void parse_line(const unsigned char *p, size_t len) {
    lineno++;
    if (len && p[len - 1] == '\r') len--;
    size_t i = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t')) i++;
    if (i == len) return;
    if (yajl_parse(hand, p, len) != yajl_status_ok) fail(p, len);
    /* Ends the value; with yajl_allow_multiple_values the handle is reusable afterwards. */
    if (yajl_complete_parse(hand) != yajl_status_ok) fail(p, len);
    records++;
}

int main(int argc, char **argv) {
    int fd = 0;
    const char *path = argc > 1 ? argv[1] : "-";
    if (argc > 2) {
        fprintf(stderr, "usage: yajl-floor [FILE|-]\n");
        return 2;
    }
    if (strcmp(path, "-") != 0 && (fd = open(path, O_RDONLY)) < 0) {
        fprintf(stderr, "yajl-floor: %s: %s\n", path, strerror(errno));
        return 2;
    }
    hand = yajl_alloc(&callbacks, NULL, NULL);
    yajl_config(hand, yajl_allow_multiple_values, 1);
    yajl_config(hand, yajl_dont_validate_strings, 0); /* validate UTF-8, like a real converter */

    size_t cap = BUF_SIZE, have = 0;
    unsigned char *buf = malloc(cap);
    if (!buf) return 2;
    for (;;) {
        if (have == cap) { /* a line longer than the buffer: grow */
            cap *= 2;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) { fprintf(stderr, "yajl-floor: out of memory\n"); return 2; }
            buf = nb;
        }
        ssize_t n = read(fd, buf + have, cap - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            fprintf(stderr, "yajl-floor: read: %s\n", strerror(errno));
            return 2;
        }
        if (n == 0) break;
        have += (size_t)n;
        unsigned char *start = buf, *end = buf + have, *nl;
        while ((nl = memchr(start, '\n', (size_t)(end - start))) != NULL) {
            parse_line(start, (size_t)(nl - start));
            start = nl + 1;
        }
        have = (size_t)(end - start);
        memmove(buf, start, have);
    }
    if (have) parse_line(buf, have); /* last line without '\n' */
    yajl_free(hand);
    free(buf);
    printf("%llu\n", records);
    return 0;
}
