/* String building with immutable strings: every concatenation and substring allocates a new
   string (as Theta's `+` and `substr` do). Prints the final length, the bytes appended and a
   checksum of sampled bytes. Usage: strings [n=1000000] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *p; long long n; } Str;

static Str str_new(const char *p, long long n) {
    Str r = {malloc(n + 1), n};
    memcpy(r.p, p, n);
    r.p[n] = 0;
    return r;
}

static Str concat(Str a, Str b) {
    Str r = {malloc(a.n + b.n + 1), a.n + b.n};
    memcpy(r.p, a.p, a.n);
    memcpy(r.p + a.n, b.p, b.n);
    r.p[r.n] = 0;
    return r;
}

static Str substr(Str s, long long start, long long count) { return str_new(s.p + start, count); }

static Str int_to_string(long long v) {
    char buf[32];
    int k = snprintf(buf, sizeof buf, "%lld", v);
    return str_new(buf, k);
}

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 1000000;
    static const char *words_c[8] = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"};
    Str words[8];
    for (int i = 0; i < 8; i++) words[i] = str_new(words_c[i], (long long)strlen(words_c[i]));
    Str comma = str_new(",", 1);
    Str s = str_new("", 0);
    long long check = 0, appended = 0;
    for (long long i = 0; i < n; i++) {
        Str w = words[i % 8];
        Str num = int_to_string(i % 1000);
        Str t1 = concat(s, w);
        Str t2 = concat(t1, num);
        Str t3 = concat(t2, comma);
        free(s.p);
        free(t1.p);
        free(t2.p);
        free(num.p);
        s = t3;
        appended += w.n + num.n + 1;
        if (s.n > 256) {
            check = (check * 31 + (unsigned char)s.p[i % s.n]) % 1000000007;
            Str half = substr(s, s.n / 2, s.n - s.n / 2);
            free(s.p);
            s = half;
        }
    }
    for (long long i = 0; i < s.n; i++) check = (check * 31 + (unsigned char)s.p[i]) % 1000000007;
    printf("%lld %lld %lld\n", s.n, appended, check);
    free(s.p);
    free(comma.p);
    for (int i = 0; i < 8; i++) free(words[i].p);
    return 0;
}
