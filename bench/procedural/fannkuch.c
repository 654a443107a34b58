/* Fannkuch-redux (Benchmarks Game): checksum and maximum flips over all permutations of n.
   Usage: fannkuch [n=10] */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 10;
    long long *perm = calloc(n, sizeof(long long));
    long long *perm1 = calloc(n, sizeof(long long));
    long long *count = calloc(n, sizeof(long long));
    long long maxflips = 0, permcount = 0, checksum = 0, r = n;
    for (long long i = 0; i < n; i++) perm1[i] = i;
    for (;;) {
        while (r != 1) {
            count[r - 1] = r;
            r--;
        }
        for (long long i = 0; i < n; i++) perm[i] = perm1[i];
        long long flips = 0;
        long long k = perm[0];
        while (k != 0) {
            long long i = 0, j = k;
            while (i < j) {
                long long t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
                i++;
                j--;
            }
            flips++;
            k = perm[0];
        }
        if (flips > maxflips) maxflips = flips;
        if (permcount % 2 == 0) checksum += flips; else checksum -= flips;
        for (;;) {
            if (r == n) {
                printf("%lld %lld\n", checksum, maxflips);
                free(perm);
                free(perm1);
                free(count);
                return 0;
            }
            long long perm0 = perm1[0];
            for (long long i = 0; i < r; i++) perm1[i] = perm1[i + 1];
            perm1[r] = perm0;
            count[r]--;
            if (count[r] > 0) break;
            r++;
        }
        permcount++;
    }
}
