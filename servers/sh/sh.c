/* sh: the interactive shell on the console (docs/console.md, "Shell syntax"). Reads a
 * line, splits it into words ('single', "double" quotes, backslash, $?), and runs
 * pipelines (`a | b | c`) with redirections (`< file`, `> file`, `>> file`), separated
 * by ';' (always), '&&' (if the last succeeded) or '||' (if it failed). Builtins: exit
 * [n], cd, echo, help; anything else is a program, run with fork + execve + waitpid:
 * a path as given, a bare NAME as /bin/NAME of the disk (built with SH_EXEC_FROM_DISK;
 * before exec from the disk, NAME and /bin/NAME are the boot archive's NAME). Descriptors are fs0's (pipes, dup2 onto 0 and 1), so a child gets
 * its standard input and output set before exec and keeps them across it. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define LINE_MAX_ 1024
#define WORDS_MAX 64
#define CMDS_MAX 8

extern char **environ;
static int last_status;

/* One line from the console, without its '\n'; -1 at end of input. The console's
 * cooked mode (servers/uart/tty.c) has already done the editing: backspace, ^U, ^C. */
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

enum tok { T_WORD, T_SEMI, T_AND, T_OR, T_PIPE, T_IN, T_OUT, T_APPEND, T_END, T_ERROR };

struct lexer {
    const char *p;
    char store[LINE_MAX_ * 2];
    size_t used;
    const char *what;   /* the error */
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
    if (p[0] == '|' && p[1] == '|') { lx->p += 2; return T_OR; }
    if (*p == '|') { lx->p++; return T_PIPE; }
    if (p[0] == '>' && p[1] == '>') { lx->p += 2; return T_APPEND; }
    if (*p == '>') { lx->p++; return T_OUT; }
    if (*p == '<') { lx->p++; return T_IN; }
    if (*p == '&') { lx->what = "background jobs (&) are not supported"; return T_ERROR; }
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

/* One command of a pipeline: its words and redirections. */
struct cmd {
    char *argv[WORDS_MAX + 1];
    int argc;
    const char *in, *out;   /* NULL: none */
    bool append;
};

static bool is_builtin(const char *name)
{
    return !strcmp(name, "exit") || !strcmp(name, "cd") || !strcmp(name, "echo") ||
           !strcmp(name, "help");
}

/* A builtin in the current process; *quit is set by exit. */
static int builtin(struct cmd *c, bool *quit)
{
    char **argv = c->argv;
    if (!strcmp(argv[0], "exit")) {
        *quit = true;
        return c->argc > 1 ? atoi(argv[1]) : last_status;
    }
    if (!strcmp(argv[0], "cd")) {
        const char *dir = c->argc > 1 ? argv[1] : "/";
        if (chdir(dir) == 0) return 0;
        fprintf(stderr, "sh: cd: %s: %s\n", dir, strerror(errno));
        return 1;
    }
    if (!strcmp(argv[0], "echo")) {
        for (int i = 1; i < c->argc; i++) printf("%s%s", argv[i], i + 1 < c->argc ? " " : "");
        printf("\n");
        fflush(stdout);
        return 0;
    }
    printf("builtins: cd exit echo help\n"
           "programs: ls cat echo mkdir rmdir rm mv cp wc ps kill caps sleep true false bench\n"
           "syntax: words, 'quotes', \"quotes\", \\, $?, a | b, < file, > file, >> file,\n"
           "        ; && ||\n");
    fflush(stdout);
    return 0;
}

/* Open c's redirections onto 0 and 1: 0, or 1 after saying why. */
static int redirect(const struct cmd *c)
{
    if (c->in) {
        int fd = open(c->in, O_RDONLY);
        if (fd < 0 || dup2(fd, 0) < 0) {
            fprintf(stderr, "sh: %s: %s\n", c->in, strerror(errno));
            return 1;
        }
        close(fd);
    }
    if (c->out) {
        int fd = open(c->out, O_WRONLY | O_CREAT | (c->append ? O_APPEND : O_TRUNC), 0644);
        if (fd < 0 || dup2(fd, 1) < 0) {
            fprintf(stderr, "sh: %s: %s\n", c->out, strerror(errno));
            return 1;
        }
        close(fd);
    }
    return 0;
}

/* In a child: become c (after its descriptors are set). */
static void exec_cmd(struct cmd *c)
{
    if (redirect(c)) _exit(1);
    if (is_builtin(c->argv[0])) {
        bool quit = false;
        _exit(builtin(c, &quit));
    }
    const char *name = c->argv[0];
    bool path = strchr(name, '/') != NULL;
#ifdef SH_EXEC_FROM_DISK
    /* A path runs as given (relative ones from the cwd); a bare name is /bin/NAME. */
    if (path) {
        execve(name, c->argv, environ);
    } else {
        char full[256];
        if (snprintf(full, sizeof full, "/bin/%s", name) < (int)sizeof full) execve(full, c->argv, environ);
        else errno = ENAMETOOLONG;
    }
#else
    /* Programs are the boot archive's: /bin/NAME is NAME there. */
    execve(name, c->argv, environ);
    if (errno == ENOENT && !strncmp(name, "/bin/", 5)) execve(name + 5, c->argv, environ);
#endif
    /* As POSIX shells: 127 if there is no such program, 126 if it cannot be run. */
    int e = errno;
    if (e == ENOENT && !path) fprintf(stderr, "sh: %s: command not found\n", name);
    else fprintf(stderr, "sh: %s: %s\n", name, strerror(e));
    _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

/* A builtin alone, in the shell itself (so cd and exit work), its redirections
 * applied around it and undone. */
static int run_builtin_here(struct cmd *c, bool *quit)
{
    int saved[2] = {-1, -1};
    if (c->in) saved[0] = dup(0);
    if (c->out) saved[1] = dup(1);
    int status = redirect(c) ? 1 : builtin(c, quit);
    fflush(stdout);
    for (int fd = 0; fd < 2; fd++)
        if (saved[fd] >= 0) {
            dup2(saved[fd], fd);
            close(saved[fd]);
        }
    return status;
}

static int wait_status(pid_t pid, const char *name)
{
    int status;
    if (waitpid(pid, &status, 0) != pid) {
        fprintf(stderr, "sh: waitpid: %s\n", strerror(errno));
        return 126;
    }
    if (WIFSIGNALED(status)) {
        printf("sh: %s: killed by signal %d\n", name, WTERMSIG(status));
        return 128 + WTERMSIG(status);
    }
    return WEXITSTATUS(status);
}

/* c[0] | c[1] | ... | c[n-1]: the status of the last. */
static int run_pipeline(struct cmd *c, int n, bool *quit)
{
    if (n == 1 && is_builtin(c[0].argv[0])) return run_builtin_here(&c[0], quit);
    fflush(stdout);   /* a child must not inherit (and repeat) our buffered output */
    pid_t pids[CMDS_MAX];
    int prev = -1, started = 0, status = 126;
    for (int i = 0; i < n; i++) {
        int p[2] = {-1, -1};
        if (i + 1 < n && pipe(p)) {
            fprintf(stderr, "sh: pipe: %s\n", strerror(errno));
            break;
        }
        pid_t pid = fork();
        if (pid < 0) {
            fprintf(stderr, "sh: fork: %s\n", strerror(errno));
            close(p[0]);
            close(p[1]);
            break;
        }
        if (pid == 0) {
            if (prev >= 0 && dup2(prev, 0) < 0) _exit(126);
            if (p[1] >= 0 && dup2(p[1], 1) < 0) _exit(126);
            if (prev >= 0) close(prev);
            if (p[0] >= 0) close(p[0]);
            if (p[1] >= 0) close(p[1]);
            exec_cmd(&c[i]);
        }
        pids[started++] = pid;
        if (prev >= 0) close(prev);
        if (p[1] >= 0) close(p[1]);
        prev = p[0];
    }
    if (prev >= 0) close(prev);
    for (int i = 0; i < started; i++) {
        int s = wait_status(pids[i], c[i].argv[0]);
        if (i == n - 1) status = s;
    }
    return status;
}

/* One line: pipelines separated by ;, && and ||. Returns true if the shell should end. */
static bool run_line(const char *line)
{
    static struct lexer lx;
    static struct cmd cmds[CMDS_MAX];
    lx.p = line;
    lx.used = 0;
    int n = 0;
    bool skip = false, quit = false;
    memset(&cmds[0], 0, sizeof cmds[0]);
    for (;;) {
        char *w;
        enum tok t = next(&lx, &w);
        struct cmd *c = &cmds[n];
        if (t == T_ERROR) {
            fprintf(stderr, "sh: syntax error: %s\n", lx.what);
            last_status = 2;
            return false;
        }
        if (t == T_WORD) {
            if (c->argc < WORDS_MAX) c->argv[c->argc++] = w;
            continue;
        }
        if (t == T_IN || t == T_OUT || t == T_APPEND) {
            if (next(&lx, &w) != T_WORD) {
                fprintf(stderr, "sh: syntax error: a file name must follow %s\n",
                        t == T_IN ? "<" : t == T_OUT ? ">" : ">>");
                last_status = 2;
                return false;
            }
            if (t == T_IN) c->in = w;
            else c->out = w, c->append = t == T_APPEND;
            continue;
        }
        if (c->argc == 0) {
            if (t == T_END && n == 0 && !c->in && !c->out) return false;   /* nothing more */
            fprintf(stderr, "sh: syntax error near %s\n",
                    t == T_SEMI ? ";" : t == T_AND ? "&&" : t == T_OR ? "||" : t == T_PIPE ? "|" : "the end");
            last_status = 2;
            return false;
        }
        c->argv[c->argc] = NULL;
        n++;
        if (t == T_PIPE) {
            if (n == CMDS_MAX) {
                fprintf(stderr, "sh: a pipeline of more than %d commands\n", CMDS_MAX);
                last_status = 2;
                return false;
            }
            memset(&cmds[n], 0, sizeof cmds[n]);
            continue;
        }
        if (!skip) last_status = run_pipeline(cmds, n, &quit);
        if (quit) return true;
        n = 0;
        memset(&cmds[0], 0, sizeof cmds[0]);
        if (t == T_END) return false;
        /* After ';' everything runs again; && and || run the next pipeline on the
         * last status (a skipped one leaves it as it was). */
        skip = t == T_AND ? last_status != 0 : t == T_OR ? last_status == 0 : false;
        /* Lookahead for an empty command after ; at the end of the line. */
        const char *q = lx.p;
        while (*q == ' ' || *q == '\t') q++;
        if (t == T_SEMI && (!*q || *q == '#')) return false;
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
