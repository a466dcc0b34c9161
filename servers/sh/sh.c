/* sh: the interactive shell on the console (docs/console.md, "Shell syntax"). Reads a
 * line, splits it into words ('single', "double" quotes, backslash), expands $?, and
 * runs the commands separated by ';' (always) or '&&' (if the last one succeeded).
 * Builtins: exit [n], cd, echo, help. Anything else is a program of the boot archive,
 * run with fork + execve + waitpid. Pipes and redirection need fs0: they are
 * recognised and refused with a message, never ignored. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_ 1024
#define WORDS_MAX 64

extern char **environ;
static int last_status;

/* One line from the console, without its '\n'; -1 at end of input. */
static int read_line(char *buf, size_t size)
{
    size_t n = 0;
    for (;;) {
        char c;
        ssize_t r = read(0, &c, 1);
        if (r <= 0) return n ? (int)n : -1;
        if (c == '\n') break;
        if (n < size - 1) buf[n++] = c;
    }
    buf[n] = 0;
    return (int)n;
}

enum tok { T_WORD, T_SEMI, T_AND, T_END, T_UNSUPPORTED, T_ERROR };

struct lexer {
    const char *p;
    char store[LINE_MAX_ * 2];
    size_t used;
    const char *what;   /* the unsupported operator, or the error */
};

static void put_status(struct lexer *lx)
{
    char num[12];
    int n = snprintf(num, sizeof num, "%d", last_status);
    for (int i = 0; i < n && lx->used < sizeof lx->store - 1; i++) lx->store[lx->used++] = num[i];
}

/* The next token; a word's text goes to *word (in lx->store). */
static enum tok next(struct lexer *lx, char **word)
{
    while (*lx->p == ' ' || *lx->p == '\t') lx->p++;
    const char *p = lx->p;
    if (!*p || *p == '#') return T_END;
    if (*p == ';') { lx->p++; return T_SEMI; }
    if (p[0] == '&' && p[1] == '&') { lx->p += 2; return T_AND; }
    if (p[0] == '|' && p[1] == '|') { lx->what = "||"; return T_UNSUPPORTED; }
    if (*p == '|') { lx->what = "pipes (|)"; return T_UNSUPPORTED; }
    if (*p == '<' || *p == '>') { lx->what = "redirection (< >)"; return T_UNSUPPORTED; }
    if (*p == '&') { lx->what = "background jobs (&)"; return T_UNSUPPORTED; }
    *word = lx->store + lx->used;
    char quote = 0;
    for (;; p++) {
        char c = *p;
        if (!c) {
            if (quote) { lx->what = "unterminated quote"; return T_ERROR; }
            break;
        }
        if (quote == '\'') {
            if (c == '\'') { quote = 0; continue; }
        } else if (quote == '"') {
            if (c == '"') { quote = 0; continue; }
            if (c == '\\' && (p[1] == '"' || p[1] == '\\' || p[1] == '$')) c = *++p;
            else if (c == '$' && p[1] == '?') { p++; put_status(lx); continue; }
        } else {
            if (c == ' ' || c == '\t' || c == ';' || c == '&' || c == '|' || c == '<' || c == '>') break;
            if (c == '\'' || c == '"') { quote = c; continue; }
            if (c == '\\' && p[1]) c = *++p;
            else if (c == '$' && p[1] == '?') { p++; put_status(lx); continue; }
        }
        if (lx->used < sizeof lx->store - 1) lx->store[lx->used++] = c;
    }
    lx->store[lx->used++] = 0;
    lx->p = p;
    return T_WORD;
}

static int run_program(char **argv)
{
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "sh: fork: %s\n", strerror(errno));
        return 126;
    }
    if (pid == 0) {
        execve(argv[0], argv, environ);
        if (errno == ENOENT) fprintf(stderr, "sh: %s: command not found\n", argv[0]);
        else fprintf(stderr, "sh: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "sh: waitpid: %s\n", strerror(errno));
        return 126;
    }
    if (WIFSIGNALED(status)) {
        printf("sh: %s: killed by signal %d\n", argv[0], WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

/* Run one simple command; *quit is set by exit. */
static int run(int argc, char **argv, bool *quit)
{
    if (!strcmp(argv[0], "exit")) {
        *quit = true;
        return argc > 1 ? atoi(argv[1]) : last_status;
    }
    if (!strcmp(argv[0], "cd")) {
        const char *dir = argc > 1 ? argv[1] : "/";
        if (chdir(dir) == 0) return 0;
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (!strcmp(argv[0], "echo")) {
        for (int i = 1; i < argc; i++) printf("%s%s", argv[i], i + 1 < argc ? " " : "");
        printf("\n");
        return 0;
    }
    if (!strcmp(argv[0], "help")) {
        printf("builtins: cd exit echo help; programs: echo true false sleep ps kill caps hello\n"
               "syntax: words, 'quotes', \"quotes\", \\, $?, ; and &&\n");
        return 0;
    }
    return run_program(argv);
}

/* One line: commands separated by ; and &&. Returns true if the shell should end. */
static bool run_line(const char *line)
{
    static struct lexer lx;
    lx.p = line;
    lx.used = 0;
    /* Refuse the whole line if any part of it needs what we do not have yet. */
    char *w;
    enum tok t;
    while ((t = next(&lx, &w)) != T_END) {
        if (t == T_UNSUPPORTED) {
            fprintf(stderr, "sh: %s need a file system (fs0, not yet): line not run\n", lx.what);
            last_status = 2;
            return false;
        }
        if (t == T_ERROR) {
            fprintf(stderr, "sh: syntax error: %s\n", lx.what);
            last_status = 2;
            return false;
        }
    }
    lx.p = line;
    lx.used = 0;
    char *argv[WORDS_MAX + 1];
    int argc = 0;
    bool skip = false, quit = false;
    for (;;) {
        t = next(&lx, &w);
        if (t == T_WORD) {
            if (argc < WORDS_MAX) argv[argc++] = w;
            continue;
        }
        if (argc == 0 && t != T_END) {
            fprintf(stderr, "sh: syntax error near %s\n", t == T_SEMI ? ";" : "&&");
            last_status = 2;
            return false;
        }
        if (argc) {
            argv[argc] = NULL;
            if (!skip) last_status = run(argc, argv, &quit);
            if (quit) return true;
            argc = 0;
        }
        if (t == T_END) return false;
        skip = t == T_AND && last_status != 0 ? true : (t == T_AND ? skip : false);
        /* After ';' everything runs again; after a failed '&&' the next command is
         * skipped (and with it its own '&&' chain). */
    }
}

int main(void)
{
    char line[LINE_MAX_];
    printf("sh: type help for the commands\n");
    for (;;) {
        printf("$ ");
        fflush(stdout);
        int n = read_line(line, sizeof line);
        if (n < 0) {
            printf("\n");
            break;
        }
        if (run_line(line)) break;
    }
    return last_status;
}
