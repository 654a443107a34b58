/* Nested integer loops: n*n iterations of mul, xor, and, add, and, add (~100M ops for n=4096).
   Values stay below 2^31 so LuaJIT's 32-bit bit library gives the same answer.
   Usage: loops [n=4096] */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 4096;
    long long acc = 0, sum = 0;
    for (long long i = 0; i < n; i++) {
        for (long long j = 0; j < n; j++) {
            acc = ((acc ^ (i * j)) + (i & j)) & 1048575;
            sum += acc;
        }
    }
    printf("%lld %lld\n", acc, sum);
    return 0;
}
