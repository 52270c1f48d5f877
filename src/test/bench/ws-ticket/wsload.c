/*
 * Load client of the ws-ticket benchmark in C (the default of run.sh; CLIENT=java runs WsTicketBench.java).
 * Same cycle and same printout as WsTicketBench.java, so the two can be compared row by row:
 * C closed-loop workers each repeat for D seconds: POST /api/ws-tickets on a keep-alive connection of its
 * own (bearer token) -> RFC 6455 handshake on a new TCP connection with ?ticket= -> expects 101 -> sends a
 * masked close frame and hangs up. Every 10th ticket of a worker is replayed on another new connection and
 * must get 401.
 *
 * Why C: on this 2-core machine the load client shares the cores with the gateway, Redis and the kernel's
 * loopback TCP work; the Vert.x client spent 120-180 us of CPU per cycle (0.6 cores at 4-5k cycles/s), most
 * of it its own. Here one thread with epoll does it with the system calls the protocol needs.
 *
 * Prints cycles/s, latency percentiles of the issue call (request written until the body has arrived) and of
 * the handshake (connect until the 101 status line has arrived), the client's own CPU per cycle and, given
 * the gateway's pid, the gateway's CPU per cycle over the measured phase split by thread pool (digits in
 * thread names folded to N). Exits 1 if any cycle failed, any replay was accepted or nothing was measured.
 *
 *   gcc -O2 -o wsload wsload.c
 *   wsload <host> <http port> <ws port> <token> <concurrency> <seconds> [warm-up s] [gateway pid]
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { BUF = 16384 };
enum state { POST, HANDSHAKE, REPLAY, DONE };

struct conn;

struct worker {
    enum state state;
    int http_fd, ws_fd;
    struct conn *http_ref, *ws_ref;
    char in[BUF];
    size_t in_len;
    int connecting; /* ws_fd waits for its connect to finish */
    int closing;    /* close frame sent after the 101, waiting for the server to end the connection */
    char ticket[256];
    uint64_t t0, t1, t2; /* POST written, its answer complete, the handshake's status line arrived */
    long n; /* cycles of this worker in the current phase */
};

struct conn {
    struct worker *w;
    int ws; /* 0: the keep-alive HTTP connection, 1: the handshake connection */
};

static struct sockaddr_in http_addr, ws_addr;
static const char *host;
static int http_port, ws_port;
static char post_req[BUF];
static size_t post_len;
static int ep;

/* one phase */
static uint64_t phase_end;
static long cycles, failures, replays, replays_accepted;
static char first_failure[512];
static uint64_t *issue_ns, *handshake_ns;
static long recorded, capacity;
static int active;

/* 0 (default, WSLOAD_CLOSE=hangup): close right after the close frame, as WsTicketBench.java does; 1
 * (WSLOAD_CLOSE=wait): after the 101, send a close frame and wait until the server ends the connection, as a browser
 * does (RFC 6455 7.1.1: the server closes the TCP connection first). Measured alternated on 2026-11-27: waiting
 * costs the client ~15 us more per cycle and the gateway no less (RESULTS.md). */
static int wait_for_close = 0;

static const unsigned char CLOSE_FRAME[] = {0x88, 0x82, 0, 0, 0, 0, 0x03, 0xe8};

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static void fail(const char *fmt, ...) {
    if (failures++ == 0) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(first_failure, sizeof first_failure, fmt, ap);
        va_end(ap);
    }
}

static void set_nodelay(int fd) {
    int one = 1;
    if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0) {
        die("setsockopt TCP_NODELAY");
    }
}

static int fcntl_nonblock(int fd) {
    int flags = fcntl(fd, F_GETFL);
    return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static void watch(int fd, uint32_t events, struct conn *ref, int op) {
    struct epoll_event ev = {.events = events, .data.ptr = ref};
    if (epoll_ctl(ep, op, fd, &ev) < 0) {
        die("epoll_ctl");
    }
}

static void http_connect(struct worker *w) {
    /* blocking connect (once per worker, or after the server closed the keep-alive connection), then non-blocking */
    w->http_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (w->http_fd < 0) {
        die("socket");
    }
    set_nodelay(w->http_fd);
    if (connect(w->http_fd, (struct sockaddr *) &http_addr, sizeof http_addr) < 0) {
        fprintf(stderr, "connect to %s:%d: %s\n", host, http_port, strerror(errno));
        exit(2);
    }
    if (fcntl_nonblock(w->http_fd) < 0) {
        die("fcntl");
    }
    watch(w->http_fd, EPOLLIN, w->http_ref, EPOLL_CTL_ADD);
}

static void next_cycle(struct worker *w);
static void start_handshake(struct worker *w, int replay);

/* Drops the keep-alive connection; the next POST opens a new one (inside its own timing, as a pooled client does). */
static void http_reset(struct worker *w) {
    close(w->http_fd);
    w->http_fd = -1;
}

/* Status code of an HTTP/1.1 status line at buf[0..len), or -1. */
static int status_of(const char *buf, size_t len) {
    if (len < 12 || memcmp(buf, "HTTP/1.1 ", 9) != 0 || !isdigit((unsigned char) buf[9]) ||
        !isdigit((unsigned char) buf[10]) || !isdigit((unsigned char) buf[11])) {
        return -1;
    }
    return (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
}

static void start_post(struct worker *w) {
    w->state = POST;
    w->in_len = 0;
    w->t0 = now_ns();
    if (w->http_fd < 0) {
        http_connect(w);
    }
    ssize_t sent = 0;
    while ((size_t) sent < post_len) {
        ssize_t n = write(w->http_fd, post_req + sent, post_len - sent);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            /* the server closed the idle keep-alive connection: one new one, then the cycle counts as failed */
            fail("POST /api/ws-tickets: write: %s", n < 0 ? strerror(errno) : "closed");
            http_reset(w);
            next_cycle(w);
            return;
        }
        sent += n;
    }
}

/* Index just past "\r\n\r\n" in buf[0..len), or 0 if the header has not ended yet. */
static size_t header_end(const char *buf, size_t len) {
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    return end ? (size_t) (end - buf) + 4 : 0;
}

/* Value of header `name` (case-insensitive) in the head buf[0..head), copied into out; 1 if present. */
static int header(const char *buf, size_t head, const char *name, char *out, size_t out_size) {
    size_t name_len = strlen(name);
    const char *line = memchr(buf, '\n', head);
    while (line && (size_t) (line + 1 - buf) < head) {
        line++;
        if ((size_t) (buf + head - line) > name_len && strncasecmp(line, name, name_len) == 0 && line[name_len] == ':') {
            const char *v = line + name_len + 1;
            while (*v == ' ') {
                v++;
            }
            size_t n = 0;
            while (v[n] != '\r' && n + 1 < out_size) {
                out[n] = v[n];
                n++;
            }
            out[n] = 0;
            return 1;
        }
        line = memchr(line, '\n', buf + head - line);
    }
    return 0;
}

/*
 * A complete HTTP/1.1 response in buf[0..len)? Returns its total length (0: not yet) and sets head_len (status line
 * and headers), body and body_len (chunked bodies are decoded into decoded[]).
 */
static size_t response_complete(char *buf, size_t len, size_t *head_len, const char **body, size_t *body_len,
                                char *decoded, size_t decoded_size) {
    size_t head = *head_len = header_end(buf, len);
    if (!head) {
        return 0;
    }
    char value[64];
    if (header(buf, head, "content-length", value, sizeof value)) {
        size_t cl = strtoul(value, NULL, 10);
        if (len < head + cl) {
            return 0;
        }
        *body = buf + head;
        *body_len = cl;
        return head + cl;
    }
    if (header(buf, head, "transfer-encoding", value, sizeof value) && strcasestr(value, "chunked")) {
        size_t at = head, out = 0;
        for (;;) {
            const char *eol = memmem(buf + at, len - at, "\r\n", 2);
            if (!eol) {
                return 0;
            }
            size_t size = strtoul(buf + at, NULL, 16);
            at = (size_t) (eol - buf) + 2;
            if (size == 0) {
                if (len < at + 2) {
                    return 0;
                }
                *body = decoded;
                *body_len = out;
                return at + 2; /* no trailers from this server */
            }
            if (len < at + size + 2) {
                return 0;
            }
            if (out + size < decoded_size) {
                memcpy(decoded + out, buf + at, size);
                out += size;
            }
            at += size + 2;
        }
    }
    *body = buf + head; /* neither: no body (e.g. 204) */
    *body_len = 0;
    return head;
}

static void on_post_readable(struct worker *w) {
    ssize_t n = read(w->http_fd, w->in + w->in_len, sizeof w->in - 1 - w->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        if (w->state == POST) {
            fail("POST /api/ws-tickets: connection %s before the answer", n == 0 ? "closed" : strerror(errno));
            http_reset(w);
            next_cycle(w);
        } else {
            http_reset(w); /* idle keep-alive connection closed by the server; the next POST reconnects */
        }
        return;
    }
    if (w->state != POST) {
        return; /* nothing is expected on an idle keep-alive connection */
    }
    w->in_len += n;
    const char *body;
    size_t head, body_len;
    static char decoded[BUF];
    size_t total = response_complete(w->in, w->in_len, &head, &body, &body_len, decoded, sizeof decoded);
    if (!total) {
        if (w->in_len >= sizeof w->in - 1) {
            fail("POST /api/ws-tickets: answer longer than %d bytes", BUF);
            http_reset(w);
            next_cycle(w);
        }
        return;
    }
    w->t1 = now_ns();
    int status = status_of(w->in, w->in_len);
    char connection[32] = "";
    header(w->in, head, "connection", connection, sizeof connection);
    int must_close = strcasecmp(connection, "close") == 0;
    const char *key = status == 201 ? memmem(body, body_len, "\"ticket\":\"", 10) : NULL;
    const char *quote = key ? memchr(key + 10, '"', body + body_len - (key + 10)) : NULL;
    if (key && quote && (size_t) (quote - key - 10) < sizeof w->ticket) {
        memcpy(w->ticket, key + 10, quote - key - 10);
        w->ticket[quote - key - 10] = 0;
    } else {
        fail("POST /api/ws-tickets answered %d: %.*s", status, (int) (body_len > 200 ? 200 : body_len), body);
        status = -1;
    }
    if (must_close || total != w->in_len) {
        http_reset(w); /* the server hangs up, or sent more than one answer */
    }
    w->in_len = 0;
    if (status == 201) {
        start_handshake(w, 0);
    } else {
        next_cycle(w);
    }
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint64_t next_random(void) {
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

static void handshake_request(struct worker *w, char *out, size_t *len) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    unsigned char nonce[18] = {0};
    uint64_t a = next_random(), b = next_random();
    memcpy(nonce, &a, 8);
    memcpy(nonce + 8, &b, 8);
    char key[25];
    for (int i = 0, k = 0; i < 18; i += 3) {
        uint32_t v = nonce[i] << 16 | nonce[i + 1] << 8 | nonce[i + 2];
        key[k++] = b64[v >> 18 & 63];
        key[k++] = b64[v >> 12 & 63];
        key[k++] = b64[v >> 6 & 63];
        key[k++] = b64[v & 63];
    }
    key[22] = key[23] = '='; /* 16 bytes -> 22 characters + "==" */
    key[24] = 0;
    *len = (size_t) snprintf(out, BUF,
                             "GET /ws/events?ticket=%s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: "
                             "Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: %s\r\n\r\n",
                             w->ticket, host, ws_port, key);
}

static void send_handshake(struct worker *w) {
    char req[BUF];
    size_t len;
    handshake_request(w, req, &len);
    ssize_t n = write(w->ws_fd, req, len);
    if (n != (ssize_t) len) {
        /* a few hundred bytes into an empty socket buffer: short only on failure */
        close(w->ws_fd);
        w->ws_fd = -1;
        fail("handshake: write: %s", n < 0 ? strerror(errno) : "short");
        next_cycle(w);
        return;
    }
    watch(w->ws_fd, EPOLLIN, w->ws_ref, EPOLL_CTL_MOD);
}

static void start_handshake(struct worker *w, int replay) {
    w->state = replay ? REPLAY : HANDSHAKE;
    w->in_len = 0;
    w->ws_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (w->ws_fd < 0) {
        die("socket");
    }
    set_nodelay(w->ws_fd);
    if (connect(w->ws_fd, (struct sockaddr *) &ws_addr, sizeof ws_addr) == 0) {
        w->connecting = 0;
        watch(w->ws_fd, EPOLLIN, w->ws_ref, EPOLL_CTL_ADD);
        send_handshake(w);
    } else if (errno == EINPROGRESS) {
        w->connecting = 1;
        watch(w->ws_fd, EPOLLOUT, w->ws_ref, EPOLL_CTL_ADD);
    } else {
        fail("handshake: connect to %s:%d: %s", host, ws_port, strerror(errno));
        close(w->ws_fd);
        w->ws_fd = -1;
        next_cycle(w);
    }
}

static void handshake_closed(struct worker *w, int status);

/* The handshake connection's answer: status (101, 401, ...), or -1 when it failed before a status line. */
static void handshake_done(struct worker *w, int status) {
    w->t2 = now_ns();
    if (status == 101) {
        if (write(w->ws_fd, CLOSE_FRAME, sizeof CLOSE_FRAME) == (ssize_t) sizeof CLOSE_FRAME && wait_for_close) {
            w->closing = 1;
            return; /* on_ws_event goes on when the server has ended the connection */
        }
    }
    handshake_closed(w, status);
}

static void handshake_closed(struct worker *w, int status) {
    close(w->ws_fd);
    w->ws_fd = -1;
    if (w->state == REPLAY) {
        if (status == 101) {
            replays_accepted++;
        } else if (status != 401) {
            fail("replayed ticket: handshake answered %d (expected 401)", status);
        }
        next_cycle(w);
        return;
    }
    if (status != 101) {
        fail("handshake answered %d", status);
        next_cycle(w);
        return;
    }
    if (recorded < capacity) {
        issue_ns[recorded] = w->t1 - w->t0;
        handshake_ns[recorded] = w->t2 - w->t1;
        recorded++;
    }
    cycles++;
    w->n++;
    if (w->n % 10 == 0) {
        replays++;
        start_handshake(w, 1);
    } else {
        next_cycle(w);
    }
}

static void on_ws_event(struct worker *w) {
    if (w->connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(w->ws_fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err) {
            /* as in start_handshake: named once, and a failed replay is a failure, not an accepted replay */
            fail("%s: connect to %s:%d: %s", w->state == REPLAY ? "replay" : "handshake", host, ws_port, strerror(err));
            close(w->ws_fd);
            w->ws_fd = -1;
            next_cycle(w);
            return;
        }
        w->connecting = 0;
        send_handshake(w);
        return;
    }
    if (w->closing) {
        char sink[512]; /* the server's close frame, then end of stream */
        ssize_t n = read(w->ws_fd, sink, sizeof sink);
        if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR))) {
            return;
        }
        w->closing = 0;
        handshake_closed(w, 101);
        return;
    }
    ssize_t n = read(w->ws_fd, w->in + w->in_len, sizeof w->in - 1 - w->in_len);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n > 0) {
        w->in_len += n;
        if (w->in_len < 12) {
            return;
        }
    }
    int status = status_of(w->in, w->in_len);
    handshake_done(w, status);
}

static void next_cycle(struct worker *w) {
    if (now_ns() >= phase_end) {
        w->state = DONE;
        active--;
        return;
    }
    start_post(w);
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
    return x < y ? -1 : x > y;
}

static double pct(const uint64_t *sorted, long n, int p) {
    if (n == 0) {
        return 0.0 / 0.0;
    }
    long i = (long) ((p / 100.0) * n + 0.999999999) - 1;
    if (i < 0) {
        i = 0;
    }
    if (i > n - 1) {
        i = n - 1;
    }
    return sorted[i] / 1e6;
}

static void run_phase(struct worker *ws, int concurrency, int seconds) {
    cycles = failures = replays = replays_accepted = recorded = 0;
    first_failure[0] = 0;
    capacity = (long) seconds * 20000 + 1000;
    free(issue_ns);
    free(handshake_ns);
    issue_ns = malloc(capacity * sizeof *issue_ns);
    handshake_ns = malloc(capacity * sizeof *handshake_ns);
    if (!issue_ns || !handshake_ns) {
        die("malloc");
    }
    phase_end = now_ns() + (uint64_t) seconds * 1000000000u;
    active = concurrency;
    for (int i = 0; i < concurrency; i++) {
        ws[i].n = 0;
        start_post(&ws[i]);
    }
    struct epoll_event events[256];
    while (active > 0) {
        int n = epoll_wait(ep, events, 256, 1000);
        if (n < 0 && errno != EINTR) {
            die("epoll_wait");
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (c->ws) {
                if (c->w->ws_fd >= 0) {
                    on_ws_event(c->w);
                }
            } else if (c->w->http_fd >= 0) {
                on_post_readable(c->w);
            }
        }
        if (now_ns() > phase_end + 60000000000u) {
            fprintf(stderr, "load clients did not finish: %d of %d still waiting\n", active, concurrency);
            exit(2);
        }
    }
}

/* CPU time used by a thread pool of the gateway: threads whose names differ only in digits. */
struct pool {
    char name[64];
    long ticks;
};

/* One thread of the gateway: its id, utime+stime ticks (1/100 s) and its name with each run of digits folded to N. */
struct thread {
    long tid, ticks;
    char pool[64];
};

static void fold_digits(const char *from, const char *to, char *out, size_t size) {
    size_t k = 0;
    for (const char *p = from; p < to && k + 1 < size; p++) {
        if (!isdigit((unsigned char) *p)) {
            out[k++] = *p;
        } else if (p == from || !isdigit((unsigned char) p[-1])) {
            out[k++] = 'N';
        }
    }
    out[k] = 0;
}

/* Every thread of pid now, into threads[]; returns how many. */
static int read_threads(const char *pid, struct thread *threads, int max) {
    char path[128];
    snprintf(path, sizeof path, "/proc/%s/task", pid);
    DIR *dir = opendir(path);
    if (!dir) {
        fprintf(stderr, "cannot read %s: %s\n", path, strerror(errno));
        exit(2);
    }
    struct dirent *d;
    int n = 0;
    while ((d = readdir(dir)) && n < max) {
        if (d->d_name[0] == '.') {
            continue;
        }
        char stat_path[300], line[1024];
        snprintf(stat_path, sizeof stat_path, "/proc/%s/task/%s/stat", pid, d->d_name);
        FILE *f = fopen(stat_path, "r");
        if (!f) {
            continue; /* thread ended meanwhile */
        }
        size_t got = fread(line, 1, sizeof line - 1, f);
        fclose(f);
        line[got] = 0;
        char *open = strchr(line, '('), *close_paren = strrchr(line, ')');
        long utime = 0, stime = 0;
        /* fields after ") ": state(3) ... utime(14) stime(15) */
        if (!open || !close_paren ||
            sscanf(close_paren + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld", &utime, &stime) != 2) {
            continue;
        }
        threads[n].tid = atol(d->d_name);
        threads[n].ticks = utime + stime;
        fold_digits(open + 1, close_paren, threads[n].pool, sizeof threads[n].pool);
        n++;
    }
    closedir(dir);
    return n;
}

static struct thread before[4096], after[4096];
static int before_n, after_n;

static void print_gateway_cpu(long measured) {
    struct pool pools[256];
    int npools = 0;
    long total = 0;
    for (int i = 0; i < after_n; i++) {
        long used = after[i].ticks;
        for (int j = 0; j < before_n; j++) {
            if (before[j].tid == after[i].tid) {
                used -= before[j].ticks;
                break;
            }
        }
        const char *name = after[i].pool;
        int p = 0;
        while (p < npools && strcmp(pools[p].name, name) != 0) {
            p++;
        }
        if (p == npools && npools < 256) {
            snprintf(pools[npools].name, sizeof pools[npools].name, "%s", name);
            pools[npools++].ticks = 0;
        }
        if (p < 256) {
            pools[p].ticks += used;
        }
        total += used;
    }
    long per = measured > 0 ? measured : 1;
    printf("gateway CPU per cycle: %.0f us (%.2f s CPU for %ld cycles)\n", total * 10000.0 / per, total / 100.0, measured);
    for (int shown = 0; shown < npools; shown++) {
        int best = -1;
        for (int p = 0; p < npools; p++) {
            if (pools[p].ticks >= 0 && (best < 0 || pools[p].ticks > pools[best].ticks)) {
                best = p;
            }
        }
        if (best < 0 || pools[best].ticks <= 0 || pools[best].ticks * 50 < total) {
            break;
        }
        printf("  %-28s %5.0f us/cycle (%2.0f%%)\n", pools[best].name, pools[best].ticks * 10000.0 / per,
               pools[best].ticks * 100.0 / (total > 0 ? total : 1));
        pools[best].ticks = -1;
    }
}

static double cpu_seconds(struct rusage *r, int sys) {
    struct timeval *t = sys ? &r->ru_stime : &r->ru_utime;
    return t->tv_sec + t->tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: %s <host> <http port> <ws port> <token> <concurrency> <seconds> [warm-up s] [gateway pid]\n",
                argv[0]);
        return 2;
    }
    host = argv[1];
    http_port = atoi(argv[2]);
    ws_port = atoi(argv[3]);
    const char *token = argv[4];
    int concurrency = atoi(argv[5]);
    int seconds = atoi(argv[6]);
    int warmup = argc > 7 ? atoi(argv[7]) : 5;
    const char *pid = argc > 8 && argv[8][0] ? argv[8] : NULL;
    if (concurrency < 1 || seconds < 1) {
        fprintf(stderr, "concurrency and seconds must be positive\n");
        return 2;
    }
    http_addr.sin_family = ws_addr.sin_family = AF_INET;
    http_addr.sin_port = htons(http_port);
    ws_addr.sin_port = htons(ws_port);
    if (inet_pton(AF_INET, host, &http_addr.sin_addr) != 1 || inet_pton(AF_INET, host, &ws_addr.sin_addr) != 1) {
        fprintf(stderr, "host must be an IPv4 address: %s\n", host);
        return 2;
    }
    post_len = (size_t) snprintf(post_req, sizeof post_req,
                                 "POST /api/ws-tickets HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer %s\r\n"
                                 "Content-Length: 0\r\n\r\n",
                                 host, http_port, token);
    if (post_len >= sizeof post_req) {
        fprintf(stderr, "token too long\n");
        return 2;
    }
    const char *close_mode = getenv("WSLOAD_CLOSE");
    if (close_mode && strcmp(close_mode, "hangup") == 0) {
        wait_for_close = 0;
    } else if (close_mode && strcmp(close_mode, "wait") == 0) {
        wait_for_close = 1;
    } else if (close_mode) {
        fprintf(stderr, "WSLOAD_CLOSE must be wait or hangup\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN); /* a write to a reset socket fails with EPIPE instead of ending the run */
    rng ^= (uint64_t) now_ns() ^ (uint64_t) getpid() << 32;
    ep = epoll_create1(0);
    if (ep < 0) {
        die("epoll_create1");
    }
    struct worker *ws = calloc(concurrency, sizeof *ws);
    struct conn *refs = calloc(2 * (size_t) concurrency, sizeof *refs);
    if (!ws || !refs) {
        die("calloc");
    }
    for (int i = 0; i < concurrency; i++) {
        ws[i].ws_fd = -1;
        refs[2 * i] = (struct conn){&ws[i], 0};
        refs[2 * i + 1] = (struct conn){&ws[i], 1};
        ws[i].http_ref = &refs[2 * i];
        ws[i].ws_ref = &refs[2 * i + 1];
        http_connect(&ws[i]);
    }
    if (warmup > 0) {
        run_phase(ws, concurrency, warmup);
    }
    if (pid) {
        before_n = read_threads(pid, before, 4096);
    }
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    run_phase(ws, concurrency, seconds);
    getrusage(RUSAGE_SELF, &r1);
    if (pid) {
        after_n = read_threads(pid, after, 4096);
    }
    long measured = cycles;
    printf("concurrency=%d client=c close=%s duration=%ds cycles=%ld failures=%ld replays=%ld replaysAccepted=%ld\n", concurrency,
           wait_for_close ? "wait" : "hangup", seconds, cycles, failures, replays, replays_accepted);
    printf("issue+redeem per second: %.0f\n", cycles / (double) seconds);
    qsort(issue_ns, recorded, sizeof *issue_ns, cmp_u64);
    qsort(handshake_ns, recorded, sizeof *handshake_ns, cmp_u64);
    printf("issue (POST) ms: p50=%.2f p99=%.2f max=%.2f\n", pct(issue_ns, recorded, 50), pct(issue_ns, recorded, 99),
           pct(issue_ns, recorded, 100));
    printf("handshake ms: p50=%.2f p99=%.2f max=%.2f\n", pct(handshake_ns, recorded, 50),
           pct(handshake_ns, recorded, 99), pct(handshake_ns, recorded, 100));
    double user = cpu_seconds(&r1, 0) - cpu_seconds(&r0, 0), sys = cpu_seconds(&r1, 1) - cpu_seconds(&r0, 1);
    long per = measured > 0 ? measured : 1;
    printf("load client CPU per cycle: %.0f us (user %.0f, system %.0f)\n", (user + sys) * 1e6 / per, user * 1e6 / per,
           sys * 1e6 / per);
    if (pid) {
        print_gateway_cpu(measured);
    }
    if (failures > 0) {
        printf("first failure: %s\n", first_failure);
    }
    return replays_accepted > 0 || failures > 0 || cycles == 0 ? 1 : 0;
}
