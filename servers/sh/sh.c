/* sh: the interactive shell on the console (docs/console.md, "Shell syntax"). Reads a
 * line, splits it into words ('single', "double" quotes, backslash, $?), and runs
 * pipelines (`a | b | c`) with redirections (`< file`, `> file`, `>> file`, `2> file`,
 * `2>> file`, `2>&1`), separated by ';' (always), '&&' (if the last succeeded), '||'
 * (if it failed) or '&' (in the background: not waited for; `wait` waits). Builtins:
 * exit [n], cd, echo, wait, help; anything else is a program, a path or a name looked
 * up in PATH (/bin: the disk's programs, which mm0 runs from fs0's page cache), run
 * with fork + execve + waitpid. Descriptors are fs0's (pipes, dup2 onto 0, 1 and 2),
 * so a child gets its standard streams set before exec and keeps them across it. */
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

enum tok { T_WORD, T_SEMI, T_AND, T_OR, T_PIPE, T_IN, T_OUT, T_APPEND, T_ERR, T_ERR_APPEND,
           T_ERR_TO_OUT, T_BG, T_END, T_ERROR };

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
    /* 2>, 2>> and 2>&1 (only where a word would start: `a2>b` stays a word). */
    if (p[0] == '2' && p[1] == '>') {
        if (p[2] == '&' && p[3] == '1') { lx->p += 4; return T_ERR_TO_OUT; }
        if (p[2] == '>') { lx->p += 3; return T_ERR_APPEND; }
        lx->p += 2;
        return T_ERR;
    }
    if (*p == '&') { lx->p++; return T_BG; }
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
    const char *in, *out, *err;   /* NULL: none */
    bool append, err_append, err_to_out;
};

static bool is_builtin(const char *name)
{
    return !strcmp(name, "exit") || !strcmp(name, "cd") || !strcmp(name, "echo") ||
           !strcmp(name, "wait") || !strcmp(name, "help");
}

/* Background jobs: their last command's pid, reported when they end. */
#define JOBS_MAX 16
static pid_t jobs[JOBS_MAX];

static void job_done(pid_t pid, int status)
{
    for (int i = 0; i < JOBS_MAX; i++)
        if (jobs[i] == pid) {
            jobs[i] = 0;
            if (WIFSIGNALED(status)) printf("[%d] killed by signal %d\n", (int)pid, WTERMSIG(status));
            else printf("[%d] done, status %d\n", (int)pid, WEXITSTATUS(status));
        }
}

/* Before each prompt: every child that ended (a background job's whole pipeline). */
static void reap_jobs(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) job_done(pid, status);
    fflush(stdout);
}

/* The wait builtin: every background child; 0. */
static int wait_jobs(void)
{
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) > 0) job_done(pid, status);
    fflush(stdout);
    return 0;
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
    if (!strcmp(argv[0], "wait")) return wait_jobs();
    printf("builtins: cd exit echo wait help\n"
           "programs (/bin): ls cat echo mkdir rmdir rm mv cp wc ps kill caps sleep true false bench\n"
           "syntax: words, 'quotes', \"quotes\", \\, $?, a | b, < file, > file, >> file,\n"
           "        2> file, 2>> file, 2>&1, ; && || &\n");
    fflush(stdout);
    return 0;
}

/* Open path with flags onto descriptor to: 0, or 1 after saying why. */
static int open_onto(const char *path, int flags, int to)
{
    int fd = open(path, flags, 0644);
    if (fd < 0 || dup2(fd, to) < 0) {
        fprintf(stderr, "sh: %s: %s\n", path, strerror(errno));
        return 1;
    }
    close(fd);
    return 0;
}

/* Open c's redirections onto 0, 1 and 2: 0, or 1 after saying why. */
static int redirect(const struct cmd *c)
{
    int w = O_WRONLY | O_CREAT;
    if (c->in && open_onto(c->in, O_RDONLY, 0)) return 1;
    if (c->out && open_onto(c->out, w | (c->append ? O_APPEND : O_TRUNC), 1)) return 1;
    if (c->err_to_out && dup2(1, 2) < 0) return 1;
    if (c->err && open_onto(c->err, w | (c->err_append ? O_APPEND : O_TRUNC), 2)) return 1;
    return 0;
}

/* execve name: a path (with a '/') as it is, a bare name in each directory of PATH
 * (/bin when unset) until one is found. Programs are files of fs0's disk, read by
 * mm0 through fs0's page cache. Returns only on failure (errno: the first error that
 * was not ENOENT, else ENOENT). */
static void exec_path(const char *name, char **argv)
{
    if (strchr(name, '/')) {
        execve(name, argv, environ);
        return;
    }
    const char *path = getenv("PATH");
    if (!path || !*path) path = "/bin";
    int err = ENOENT;
    char full[256];
    for (const char *d = path; *d;) {
        const char *end = strchr(d, ':');
        size_t n = end ? (size_t)(end - d) : strlen(d);
        if (n + 1 + strlen(name) < sizeof full) {
            memcpy(full, d, n);
            full[n] = '/';
            strcpy(full + n + 1, name);
            execve(full, argv, environ);
            if (errno != ENOENT && err == ENOENT) err = errno;
        }
        d += n + (end != NULL);
    }
    errno = err;
}

/* In a child: become c (after its descriptors are set). */
static void exec_cmd(struct cmd *c)
{
    if (redirect(c)) _exit(1);
    if (is_builtin(c->argv[0])) {
        bool quit = false;
        _exit(builtin(c, &quit));
    }
    exec_path(c->argv[0], c->argv);
    /* POSIX's statuses: 127 not found, 126 found but not runnable. */
    int e = errno;
    if (e == ENOENT && !strchr(c->argv[0], '/')) fprintf(stderr, "sh: %s: command not found\n", c->argv[0]);
    else fprintf(stderr, "sh: %s: %s\n", c->argv[0], strerror(e));
    _exit(e == ENOENT || e == ENOTDIR ? 127 : 126);
}

/* A builtin alone, in the shell itself (so cd and exit work), its redirections
 * applied around it and undone. */
static int run_builtin_here(struct cmd *c, bool *quit)
{
    int saved[3] = {-1, -1, -1};
    if (c->in) saved[0] = dup(0);
    if (c->out) saved[1] = dup(1);
    if (c->err || c->err_to_out) saved[2] = dup(2);
    int status = redirect(c) ? 1 : builtin(c, quit);
    fflush(stdout);
    fflush(stderr);
    for (int fd = 0; fd < 3; fd++)
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

/* c[0] | c[1] | ... | c[n-1]: the status of the last; in the background (bg) none is
 * waited for: 0, and the last one's pid is printed and kept as a job. */
static int run_pipeline(struct cmd *c, int n, bool *quit, bool bg)
{
    if (n == 1 && !bg && is_builtin(c[0].argv[0])) return run_builtin_here(&c[0], quit);
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
    if (bg) {
        if (!started) return 126;
        for (int i = 0; i < JOBS_MAX; i++)
            if (!jobs[i]) {
                jobs[i] = pids[started - 1];
                break;
            }
        printf("[%d]\n", (int)pids[started - 1]);
        fflush(stdout);
        return 0;
    }
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
        if (t == T_ERR_TO_OUT) {
            c->err_to_out = true;
            continue;
        }
        if (t == T_IN || t == T_OUT || t == T_APPEND || t == T_ERR || t == T_ERR_APPEND) {
            if (next(&lx, &w) != T_WORD) {
                fprintf(stderr, "sh: syntax error: a file name must follow %s\n",
                        t == T_IN ? "<" : t == T_OUT ? ">" : t == T_APPEND ? ">>" : t == T_ERR ? "2>" : "2>>");
                last_status = 2;
                return false;
            }
            if (t == T_IN) c->in = w;
            else if (t == T_OUT || t == T_APPEND) c->out = w, c->append = t == T_APPEND;
            else c->err = w, c->err_append = t == T_ERR_APPEND;
            continue;
        }
        if (c->argc == 0) {
            if (t == T_END && n == 0 && !c->in && !c->out && !c->err) return false;   /* nothing more */
            fprintf(stderr, "sh: syntax error near %s\n",
                    t == T_SEMI ? ";" : t == T_AND ? "&&" : t == T_OR ? "||" : t == T_PIPE ? "|"
                    : t == T_BG ? "&" : "the end");
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
        if (!skip) last_status = run_pipeline(cmds, n, &quit, t == T_BG);
        if (quit) return true;
        n = 0;
        memset(&cmds[0], 0, sizeof cmds[0]);
        if (t == T_END) return false;
        /* After ';' everything runs again; && and || run the next pipeline on the
         * last status (a skipped one leaves it as it was). */
        skip = t == T_AND ? last_status != 0 : t == T_OR ? last_status == 0 : false;
        /* Lookahead for an empty command after ; or & at the end of the line. */
        const char *q = lx.p;
        while (*q == ' ' || *q == '\t') q++;
        if ((t == T_SEMI || t == T_BG) && (!*q || *q == '#')) return false;
    }
}

int main(void)
{
    char line[LINE_MAX_];
    printf("sh: type help for the commands\n");
    for (;;) {
        reap_jobs();
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
