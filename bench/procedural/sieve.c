/* Sieve of Eratosthenes: number of primes up to n. Usage: sieve [n=20000000] */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 20000000;
    bool *composite = calloc(n + 1, sizeof(bool));
    long long count = 0;
    for (long long i = 2; i <= n; i++) {
        if (!composite[i]) {
            count++;
            for (long long j = i * i; j <= n; j += i) composite[j] = true;
        }
    }
    printf("%lld\n", count);
    free(composite);
    return 0;
}
