/* Binary trees (Benchmarks Game): allocate, walk and free many complete binary trees.
   Usage: binary_trees [max_depth=16] */
#include <stdio.h>
#include <stdlib.h>

typedef struct Node { struct Node *left, *right; } Node;

static Node *make(long long depth) {
    Node *t = malloc(sizeof(Node));
    if (depth > 0) {
        t->left = make(depth - 1);
        t->right = make(depth - 1);
    } else {
        t->left = t->right = NULL;
    }
    return t;
}

static long long check(const Node *t) {
    if (t->left == NULL) return 1;
    return 1 + check(t->left) + check(t->right);
}

static void release(Node *t) {
    if (t->left != NULL) {
        release(t->left);
        release(t->right);
    }
    free(t);
}

int main(int argc, char **argv) {
    long long n = argc > 1 ? atoll(argv[1]) : 16;
    long long min_depth = 4;
    long long max_depth = n > min_depth + 2 ? n : min_depth + 2;
    long long stretch = max_depth + 1;
    Node *s = make(stretch);
    printf("stretch tree of depth %lld check: %lld\n", stretch, check(s));
    release(s);
    Node *long_lived = make(max_depth);
    for (long long d = min_depth; d <= max_depth; d += 2) {
        long long iterations = 1LL << (max_depth - d + min_depth);
        long long chk = 0;
        for (long long i = 0; i < iterations; i++) {
            Node *t = make(d);
            chk += check(t);
            release(t);
        }
        printf("%lld trees of depth %lld check: %lld\n", iterations, d, chk);
    }
    printf("long lived tree of depth %lld check: %lld\n", max_depth, check(long_lived));
    release(long_lived);
    return 0;
}
