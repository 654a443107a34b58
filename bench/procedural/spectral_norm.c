/* Spectral norm (Benchmarks Game) of an n*n matrix, 10 power iterations.
   Prints the norm scaled by 1e9 and truncated. Usage: spectral_norm [n=500] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static double a(long long i, long long j) {
    return 1.0 / (double)((i + j) * (i + j + 1) / 2 + i + 1);
}

static void mul_av(long long n, const double *v, double *av) {
    for (long long i = 0; i < n; i++) {
        double s = 0.0;
        for (long long j = 0; j < n; j++) s += a(i, j) * v[j];
        av[i] = s;
    }
}

static void mul_atv(long long n, const double *v, double *atv) {
    for (long long i = 0; i < n; i++) {
        double s = 0.0;
        for (long long j = 0; j < n; j++) s += a(j, i) * v[j];
        atv[i] = s;
    }
}

static void mul_atav(long long n, const double *v, double *out, double *tmp) {
    mul_av(n, v, tmp);
    mul_atv(n, tmp, out);
}

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 500;
    double *u = malloc(n * sizeof(double));
    double *v = malloc(n * sizeof(double));
    double *tmp = malloc(n * sizeof(double));
    for (long long i = 0; i < n; i++) {
        u[i] = 1.0;
        v[i] = 0.0;
    }
    for (int k = 0; k < 10; k++) {
        mul_atav(n, u, v, tmp);
        mul_atav(n, v, u, tmp);
    }
    double vbv = 0.0, vv = 0.0;
    for (long long i = 0; i < n; i++) {
        vbv += u[i] * v[i];
        vv += v[i] * v[i];
    }
    printf("%lld\n", (long long)(sqrt(vbv / vv) * 1e9));
    free(u);
    free(v);
    free(tmp);
    return 0;
}
