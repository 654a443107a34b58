/* Calls through function values: a function pointer in a struct field (picked from an array)
   and one in a local variable, 2 calls per iteration (10M calls for n=5000000).
   Usage: calls [n=5000000] */
#include <stdio.h>
#include <stdlib.h>

typedef long long (*Fn)(long long);
typedef struct { Fn f; } Op;

static long long inc(long long x) { return x + 1; }
static long long triple_mod(long long x) { return x * 3 % 1000003; }
static long long add7(long long x) { return x + 7; }
static long long affine_mod(long long x) { return (x * 5 + 3) % 1000003; }

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 5000000;
    Op ops[4] = {{inc}, {triple_mod}, {add7}, {affine_mod}};
    Fn g = inc;
    long long acc = 1;
    for (long long i = 0; i < n; i++) {
        if (i % 1000 == 0) g = ops[(i / 1000) % 4].f;
        acc = ops[i % 4].f(acc);
        acc = g(acc);
    }
    printf("%lld\n", acc);
    return 0;
}
