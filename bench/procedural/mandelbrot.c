/* Mandelbrot set on an n*n grid, 100 iterations: points inside and total iterations.
   Usage: mandelbrot [n=600] */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 600;
    long long inside = 0, total = 0;
    for (long long y = 0; y < n; y++) {
        double ci = 2.0 * (double)y / (double)n - 1.0;
        for (long long x = 0; x < n; x++) {
            double cr = 2.0 * (double)x / (double)n - 1.5;
            double zr = 0.0, zi = 0.0;
            long long i = 0;
            while (i < 100) {
                double zr2 = zr * zr;
                double zi2 = zi * zi;
                if (zr2 + zi2 > 4.0) break;
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                i++;
            }
            if (i == 100) inside++;
            total += i;
        }
    }
    printf("%lld %lld\n", inside, total);
    return 0;
}
