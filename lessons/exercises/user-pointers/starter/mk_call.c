/*
 * mk_call.c — a request through the kernel: check it, copy what must be copied, forward it.
 *
 * In a library OS, console_write(buf, len) hands the driver a pointer into the caller's
 * memory. Between address spaces that pointer means nothing: the server cannot see the
 * caller's pages. So the kernel copies the bytes into the server's message page and hands
 * the server a pointer to the copy — the way QNX and seL4-style IPC move data. What each
 * argument is (a value, a buffer with a length, a string) comes from the interface
 * description, through the table the workbench generates (mk_tables.c).
 *
 * Before copying, the kernel checks that the caller's buffer lies in the caller's own
 * memory: otherwise a process could make the kernel copy *kernel* memory (or another
 * server's) to a server of its choice. Linux calls this check access_ok.
 */
#include <stdint.h>

#include "cpu.h"
#include "libc.h"
#include "mk.h"
#include "telemetry.h"

/* Is [p, p + n) inside the memory of domain d (the kernel may read anything)? */
static int caller_owns(int caller, uint64_t p, uint64_t n)
{
    if (caller == MK_KERNEL)
        return 1;
    /*
     * TODO (exercise "user-pointers"): the domain's memory is [d->start, d->end), with
     * d = &mk_domains[caller]. Return 1 only if all n bytes from p lie inside it. Careful:
     * p + n can wrap around past 2^64 when a process chooses a huge n, so compare without
     * adding (n <= d->end - p, once you know p is inside).
     */
    (void)p, (void)n;
    return 1;
}

/* The length of the string at p with its NUL, looking no further than the caller's own
 * memory (a string that runs off its end is refused: 0). */
static uint64_t string_size(int caller, uint64_t p)
{
    /*
     * TODO (exercise "user-pointers"): this walks until a NUL wherever p points, even into
     * the kernel. For a domain (caller != MK_KERNEL): refuse (return 0) unless p is the
     * caller's, and stop at the end of the caller's memory (also return 0 if no NUL is
     * found before it). Never look further than MK_MESSAGE_BYTES either.
     */
    (void)caller;
    const char *s = (const char *)p;
    uint64_t n = 0;
    while (n < MK_MESSAGE_BYTES && s[n])
        n++;
    return n + 1;
}

uint64_t mk_call(int caller, uint64_t number, const uint64_t a[6])
{
    mk_init();                      /* the first call, from the boot code, sets everything up */
    if (number < MK_FIRST_CALL || number >= mk_target_count)
        return (uint64_t)-1;        /* no such call (Linux would return -ENOSYS) */
    const struct mk_target *t = &mk_targets[number];
    const struct mk_domain *server = &mk_domains[t->domain];
    struct mk_msg m = { .fn = t->fn };
    size_t used = 0;

    for (int i = 0; i < t->nargs; i++) {
        m.a[i] = a[i];
        if (t->kind[i] == MK_ARG_VALUE)
            continue;
        uint64_t n = t->kind[i] == MK_ARG_BUFFER ? a[t->len_of[i]] : string_size(caller, a[i]);
        if ((t->kind[i] == MK_ARG_STRING && n == 0) || !caller_owns(caller, a[i], n))
            return (uint64_t)-1;    /* not the caller's memory (Linux: -EFAULT) */
        if (n > MK_MESSAGE_BYTES - used)
            n = MK_MESSAGE_BYTES - used;    /* a message holds one page; the rest is cut */
        memcpy(server->message + used, (const void *)a[i], n);
        m.a[i] = (uint64_t)(server->message + used);
        if (t->kind[i] == MK_ARG_BUFFER)
            m.a[t->len_of[i]] = n;
        else
            server->message[used + n - 1] = 0;
        used += n;
    }
    return mk_upcall(t->domain, &m);
}

/* A system call from a domain (mk_entry.S): the exit of the application, or a request. */
uint64_t mk_syscall(const struct mk_msg *m)
{
    if (m->fn == MK_SYS_EXIT && mk_current == mk_app) {     /* only the application exits */
        char record[64];
        snprintf(record, sizeof record, "process exit=%d ring=%lu", (int)m->a[0], m->a[1]);
        telemetry_write(record);
        cpu_leave_user((int)m->a[0]);
    }
    return mk_call((int)mk_current, m->fn, m->a);
}
