/* C twin prelude for the differential test: spells out Theta's arithmetic rules (§6) without UB. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#define WRAP_OPS(T, U, N)                                                              \
    static T add_##N(T a, T b) { return (T)(U)((U)a + (U)b); }                          \
    static T sub_##N(T a, T b) { return (T)(U)((U)a - (U)b); }                          \
    static T mul_##N(T a, T b) { return (T)(U)((uint64_t)(U)a * (uint64_t)(U)b); }      \
    static T neg_##N(T a) { return (T)(U)(0 - (U)a); }                                  \
    static T div_##N(T a, T b) {                                                        \
        if (b == 0) { printf("TRAP division by zero\n"); exit(3); }                     \
        if (b == -1) return neg_##N(a);                                                 \
        return (T)(a / b);                                                              \
    }                                                                                   \
    static T rem_##N(T a, T b) {                                                        \
        if (b == 0) { printf("TRAP division by zero\n"); exit(3); }                     \
        if (b == -1) return 0;                                                          \
        return (T)(a % b);                                                              \
    }                                                                                   \
    static T shl_##N(T a, T b) { return (T)(U)((U)a << ((U)b & (sizeof(T) * 8 - 1))); } \
    static T shr_##N(T a, T b) {                                                        \
        unsigned s = (unsigned)((U)b & (sizeof(T) * 8 - 1));                            \
        return (T)(a >> s); /* arithmetic on gcc, as documented */                      \
    }                                                                                   \
    static T f2i_##N(double x, T lo, T hi) {                                            \
        if (x != x) return 0;                                                           \
        if (x <= (double)lo) return lo;                                                 \
        if (x >= (double)hi) return hi;                                                 \
        return (T)x;                                                                    \
    }

WRAP_OPS(int8_t, uint8_t, i8)
WRAP_OPS(int16_t, uint16_t, i16)
WRAP_OPS(int32_t, uint32_t, i32)
WRAP_OPS(int64_t, uint64_t, i64)

/* f2i for i64: (double)INT64_MAX rounds up to 2^63, so compare against 2^63 exactly. */
static int64_t f2i64(double x) {
    if (x != x) return 0;
    if (x >= 9223372036854775808.0) return INT64_MAX;
    if (x <= -9223372036854775808.0) return INT64_MIN;
    return (int64_t)x;
}

/* Prints a double the way Theta prints f64: the shortest text that reads back to the same
   value, always with a '.' or an exponent; exponent form below 1e-4 and from 1e16 on. */
static void fmt_float(double x, int is_f32, char *out) {
    if (x != x) { strcpy(out, "NaN"); return; }
    if (isinf(x)) { strcpy(out, x > 0 ? "inf" : "-inf"); return; }
    if (x == 0) { strcpy(out, signbit(x) ? "-0.0" : "0.0"); return; }
    char digits[64];
    int prec;
    for (prec = 1; prec <= 17; prec++) {
        snprintf(digits, sizeof digits, "%.*e", prec - 1, x);
        if (is_f32 ? (strtof(digits, NULL) == (float)x) : (strtod(digits, NULL) == x)) break;
    }
    /* glibc rounds an exact tie at this precision to even; Rust's shortest formatting (which
       Theta uses) rounds it away from zero. Both read back; match Rust. */
    {
        char exact[96];
        snprintf(exact, sizeof exact, "%.60e", x);
        char *e = exact + (exact[0] == '-');
        char ed[80];
        int n = 0;
        for (char *q = e; *q && *q != 'e'; q++) if (*q != '.') ed[n++] = *q;
        if (n > prec && ed[prec] == '5') {
            int tie = 1;
            for (int i = prec + 1; i < n; i++) if (ed[i] != '0') tie = 0;
            if (tie) {
                int exp10 = atoi(strchr(exact, 'e') + 1);
                int i = prec - 1;
                ed[prec] = 0;
                while (i >= 0 && ed[i] == '9') ed[i--] = '0';
                if (i < 0) { memmove(ed + 1, ed, prec); ed[0] = '1'; ed[prec] = 0; exp10++; }
                else ed[i]++;
                char *o = digits;
                if (x < 0) *o++ = '-';
                *o++ = ed[0];
                if (prec > 1) { *o++ = '.'; memcpy(o, ed + 1, prec - 1); o += prec - 1; }
                sprintf(o, "e%+03d", exp10);
            }
        }
    }
    /* digits = [-]d.ddde[+-]xx */
    int neg = digits[0] == '-';
    char *p = digits + neg;
    char mant[32];
    int m = 0;
    for (; *p && *p != 'e'; p++) if (*p != '.') mant[m++] = *p;
    mant[m] = 0;
    int exp = atoi(p + 1);
    while (m > 1 && mant[m - 1] == '0') mant[--m] = 0;
    char *o = out;
    if (neg) *o++ = '-';
    if (exp < -4 || exp >= 16) {
        *o++ = mant[0];
        if (m > 1) { *o++ = '.'; memcpy(o, mant + 1, m - 1); o += m - 1; }
        o += sprintf(o, "e%d", exp);
    } else if (exp < 0) {
        *o++ = '0'; *o++ = '.';
        for (int i = -1; i > exp; i--) *o++ = '0';
        memcpy(o, mant, m); o += m;
    } else {
        for (int i = 0; i <= exp; i++) *o++ = i < m ? mant[i] : '0';
        *o++ = '.';
        if (m > exp + 1) { memcpy(o, mant + exp + 1, m - exp - 1); o += m - exp - 1; }
        else *o++ = '0';
    }
    *o = 0;
}

static void print_i(int64_t v) { printf("%lld", (long long)v); }
static void print_f(double v, int is_f32) { char b[64]; fmt_float(v, is_f32, b); fputs(b, stdout); }
static void print_b(int v) { fputs(v ? "true" : "false", stdout); }
static void sp(void) { putchar(' '); }
static void nl(void) { putchar('\n'); }
